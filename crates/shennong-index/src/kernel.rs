//! The hot loop: bits in common between one query and a run of rows, with
//! the CPU's popcount instruction when it has one.
//!
//! `u64::count_ones` becomes a single `popcnt` (or, with AVX2, a vectorised
//! nibble-table count over the whole row) only when the compiler may assume
//! the instruction exists, which a portable build may not. So the loop is
//! compiled three times, for AVX2, for POPCNT and portably, and the best
//! one the running CPU supports is chosen at run time. The common row
//! widths (1024, 2048, 4096 bits) get fixed-size copies that the compiler
//! unrolls.

use std::ops::Range;

use crate::format::{sketch_slot, sketch_words, SKETCH_BLOCK_ROWS as BLOCK};

#[inline(always)]
fn common_fixed<const N: usize, F: FnMut(usize, u32)>(query: &[u64], rows: &[u64], f: &mut F) {
    let Ok(q) = <&[u64; N]>::try_from(query) else {
        return;
    };
    for (i, row) in rows.chunks_exact(N).enumerate() {
        let mut c = 0u32;
        for (a, b) in q.iter().zip(row) {
            c += (a & b).count_ones();
        }
        f(i, c);
    }
}

#[inline(always)]
fn common_any<F: FnMut(usize, u32)>(query: &[u64], rows: &[u64], f: &mut F) {
    match query.len() {
        16 => common_fixed::<16, F>(query, rows, f),
        32 => common_fixed::<32, F>(query, rows, f),
        64 => common_fixed::<64, F>(query, rows, f),
        0 => {}
        w => {
            for (i, row) in rows.chunks_exact(w).enumerate() {
                let c = query
                    .iter()
                    .zip(row)
                    .map(|(a, b)| (a & b).count_ones())
                    .sum();
                f(i, c);
            }
        }
    }
}

/// Most planes a query can have (a byte has at most 8 bits set).
const MAX_PLANES: usize = 8;

// the AVX2 block count reads four rows' words with one 256-bit load
const _: () = assert!(BLOCK == 4);

/// The sketch words of one row, gathered from its block.
#[inline(always)]
fn row_sketch<const S: usize>(sketches: &[u64], row: usize) -> [u64; S] {
    let mut out = [0u64; S];
    for (k, slot) in out.iter_mut().enumerate() {
        *slot = sketches
            .get(sketch_slot(row, k, S))
            .copied()
            .unwrap_or(u64::MAX);
    }
    out
}

/// Bits the first query plane shares with each of the four rows of one
/// sketch block (`4·S` words, word `k` of the four rows side by side).
#[inline(always)]
fn block_shared_portable<const S: usize>(first: &[u64; S], block: &[u64]) -> [u64; BLOCK] {
    let mut shared = [0u64; BLOCK];
    for (p, words) in first.iter().zip(block.chunks_exact(BLOCK)) {
        for (acc, w) in shared.iter_mut().zip(words) {
            *acc += u64::from((w & p).count_ones());
        }
    }
    shared
}

/// [`block_shared_portable`] with AVX2: one 256-bit load per sketch word
/// covers the four rows, bytes are counted with a nibble table (Muła's
/// `vpshufb` popcount) and summed per row once at the end.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[allow(unsafe_code)]
fn block_shared_avx2<const S: usize>(first: &[u64; S], block: &[u64]) -> [u64; BLOCK] {
    use std::arch::x86_64::*;
    if block.len() < BLOCK * S || S > 31 {
        return block_shared_portable(first, block);
    }
    let table = _mm256_setr_epi8(
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
        3, 4,
    );
    let nibble = _mm256_set1_epi8(0x0f);
    let mut bytes = _mm256_setzero_si256();
    for (p, words) in first.iter().zip(block.chunks_exact(BLOCK)) {
        // SAFETY: `words` holds BLOCK = 4 u64, 32 bytes; unaligned load.
        let v = unsafe { _mm256_loadu_si256(words.as_ptr().cast::<__m256i>()) };
        let x = _mm256_and_si256(v, _mm256_set1_epi64x(*p as i64));
        let lo = _mm256_and_si256(x, nibble);
        let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(x), nibble);
        // each byte gains at most 8 per word, and S ≤ 31 words keep it below 256
        bytes = _mm256_add_epi8(
            bytes,
            _mm256_add_epi8(
                _mm256_shuffle_epi8(table, lo),
                _mm256_shuffle_epi8(table, hi),
            ),
        );
    }
    let sums = _mm256_sad_epu8(bytes, _mm256_setzero_si256());
    let mut out = [0u64; BLOCK];
    // SAFETY: `out` is 4 u64, 32 bytes; unaligned store.
    unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast::<__m256i>(), sums) };
    out
}

/// The best block count the build allows.
#[inline(always)]
#[allow(unsafe_code)]
fn block_shared<const S: usize, const AVX2: bool>(first: &[u64; S], block: &[u64]) -> [u64; BLOCK] {
    #[cfg(target_arch = "x86_64")]
    if AVX2 {
        // SAFETY: AVX2 is true only in the copy of the scan compiled for
        // AVX2, which runs only where the CPU has it.
        return unsafe { block_shared_avx2(first, block) };
    }
    block_shared_portable(first, block)
}

/// The bounded scan with fixed widths: `W` fingerprint words and `S` sketch
/// words per row.
///
/// Rows are taken four at a time, one sketch block: the bits the first
/// query plane shares with each of the four sketches are counted side by
/// side ([`block_shared`]: one vector popcount per sketch word with AVX2), and
/// only rows within reach of `needed`, with every deeper plane's bits
/// counted as shared, go on to the exact bound and the fingerprint.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn bounded_fixed<const W: usize, const S: usize, const AVX2: bool, F: FnMut(usize, u32)>(
    query: &[u64],
    query_planes: &[u64],
    fingerprints: &[u64],
    sketches: &[u64],
    rows: Range<usize>,
    needed: u32,
    f: &mut F,
) {
    let Ok(q) = <&[u64; W]>::try_from(query) else {
        return;
    };
    let mut planes = [[0u64; S]; MAX_PLANES];
    let mut plane_count = 0;
    for (slot, plane) in planes.iter_mut().zip(query_planes.chunks_exact(S)) {
        slot.copy_from_slice(plane);
        plane_count += 1;
    }
    let (first, rest) = match planes.get(..plane_count) {
        Some([first, rest @ ..]) => (*first, rest),
        _ => ([0u64; S], &[][..]),
    };
    let rest_bits: u64 = rest
        .iter()
        .flatten()
        .map(|w| u64::from(w.count_ones()))
        .sum();
    let needed64 = u64::from(needed);
    // the rest of the bound and the exact count, for a row whose first
    // plane shares `shared` bits with the query
    let finish = |row: usize, shared: u64, f: &mut F| {
        let mut bound = shared;
        if !rest.is_empty() {
            let t = row_sketch::<S>(sketches, row);
            for plane in rest {
                for (a, b) in plane.iter().zip(&t) {
                    bound += u64::from((a & b).count_ones());
                }
            }
        }
        if bound < needed64 {
            return;
        }
        let Some(fp) = fingerprints.get(row * W..row * W + W) else {
            return;
        };
        let mut c = 0u32;
        for (a, b) in q.iter().zip(fp) {
            c += (a & b).count_ones();
        }
        f(row, c);
    };
    let single = |row: usize, f: &mut F| {
        let t = row_sketch::<S>(sketches, row);
        let shared: u64 = first
            .iter()
            .zip(&t)
            .map(|(a, b)| u64::from((a & b).count_ones()))
            .sum();
        if shared + rest_bits >= needed64 {
            finish(row, shared, f);
        }
    };
    let mut row = rows.start;
    while row < rows.end && !row.is_multiple_of(BLOCK) {
        single(row, f);
        row += 1;
    }
    while row + BLOCK <= rows.end {
        let Some(block) = sketches.get(row * S..(row + BLOCK) * S) else {
            break;
        };
        let shared = block_shared::<S, AVX2>(&first, block);
        if shared.iter().any(|&s| s + rest_bits >= needed64) {
            for (r, &s) in shared.iter().enumerate() {
                if s + rest_bits >= needed64 {
                    finish(row + r, s, f);
                }
            }
        }
        row += BLOCK;
    }
    while row < rows.end {
        single(row, f);
        row += 1;
    }
}

/// The bounded scan for any width, row by row.
#[inline(always)]
fn bounded_dyn<F: FnMut(usize, u32)>(
    query: &[u64],
    query_planes: &[u64],
    fingerprints: &[u64],
    sketches: &[u64],
    rows: Range<usize>,
    needed: u32,
    f: &mut F,
) {
    let w = query.len();
    let s = sketch_words(w);
    for row in rows {
        let bound: u32 = query_planes
            .chunks_exact(s)
            .flat_map(|plane| plane.iter().enumerate())
            .map(|(k, p)| {
                let t = sketches
                    .get(sketch_slot(row, k, s))
                    .copied()
                    .unwrap_or(u64::MAX);
                (p & t).count_ones()
            })
            .sum();
        if bound < needed {
            continue;
        }
        if let Some(fp) = fingerprints.get(row * w..row * w + w) {
            f(
                row,
                query
                    .iter()
                    .zip(fp)
                    .map(|(a, b)| (a & b).count_ones())
                    .sum(),
            );
        }
    }
}

#[inline(always)]
fn bounded_any<const AVX2: bool, F: FnMut(usize, u32)>(
    query: &[u64],
    query_planes: &[u64],
    fingerprints: &[u64],
    sketches: &[u64],
    rows: Range<usize>,
    needed: u32,
    f: &mut F,
) {
    macro_rules! fixed {
        ($w:literal, $s:literal) => {
            bounded_fixed::<$w, $s, AVX2, F>(
                query,
                query_planes,
                fingerprints,
                sketches,
                rows,
                needed,
                f,
            )
        };
    }
    match query.len() {
        16 => fixed!(16, 2),
        32 => fixed!(32, 4),
        64 => fixed!(64, 8),
        0 => {}
        _ => bounded_dyn(query, query_planes, fingerprints, sketches, rows, needed, f),
    }
}

/// Copies of a generic scan compiled for AVX2 + POPCNT and for POPCNT,
/// which [`run_best!`] picks from at run time. A scan with a
/// `const AVX2: bool` parameter (`scan::<AVX2>`) also gets its portable
/// copy here, and only the AVX2 copy runs it with `true`.
macro_rules! feature_copies {
    ($portable:ident => $avx2:ident, $popcnt:ident, ($($arg:ident: $ty:ty),*)) => {
        feature_copies!(@copies $portable, $portable => $avx2, $popcnt, ($($arg: $ty),*));
    };
    ($scan:ident::<AVX2> => $portable:ident, $vector:ident, $avx2:ident, $popcnt:ident,
     ($($arg:ident: $ty:ty),*)) => {
        /// The scan without its AVX2 code.
        #[inline(always)]
        fn $portable<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $scan::<false, F>($($arg,)* f)
        }

        /// The scan with its AVX2 code (inlined into the AVX2 copy only).
        #[inline(always)]
        fn $vector<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $scan::<true, F>($($arg,)* f)
        }

        feature_copies!(@copies $vector, $portable => $avx2, $popcnt, ($($arg: $ty),*));
    };
    (@copies $vector:ident, $portable:ident => $avx2:ident, $popcnt:ident, ($($arg:ident: $ty:ty),*)) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,popcnt")]
        fn $avx2<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $vector($($arg,)* f)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "popcnt")]
        fn $popcnt<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $portable($($arg,)* f)
        }
    };
}

feature_copies!(common_any => common_avx2, common_popcnt, (query: &[u64], rows: &[u64]));
feature_copies!(bounded_any::<AVX2> => bounded_portable, bounded_vector, bounded_avx2, bounded_popcnt,
    (query: &[u64], query_planes: &[u64], fingerprints: &[u64], sketches: &[u64],
     rows: Range<usize>, needed: u32));

/// The builds of the scans.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Build {
    Avx2,
    Popcnt,
    Portable,
}

/// The best build this CPU runs (the detection result is cached by std).
fn best_build() -> Build {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            return Build::Avx2;
        }
        if std::arch::is_x86_feature_detected!("popcnt") {
            return Build::Popcnt;
        }
    }
    Build::Portable
}

/// Runs the best build of a scan.
macro_rules! run_best {
    ($portable:ident, $avx2:ident, $popcnt:ident, ($($arg:expr),*)) => {
        match best_build() {
            // SAFETY: best_build saw the CPU support AVX2 and POPCNT.
            #[cfg(target_arch = "x86_64")]
            Build::Avx2 => unsafe { $avx2($($arg),*) },
            // SAFETY: best_build saw the CPU support POPCNT.
            #[cfg(target_arch = "x86_64")]
            Build::Popcnt => unsafe { $popcnt($($arg),*) },
            _ => $portable($($arg),*),
        }
    };
}

/// Like [`for_each_common`], but over the rows `rows` of a whole
/// fingerprint arena, and only for rows that can share at least `needed`
/// bits with the query; `f` gets the row number. A row is skipped, without
/// reading its fingerprint, when the query bits that fall in bytes where
/// the row has any bit (an upper bound on the bits in common, from the
/// row's presence sketch in `sketches`, laid out as
/// [`crate::format::sketch_slot`] says, and the query's planes from
/// [`crate::format::query_planes`]) fall short.
#[inline]
#[allow(unsafe_code)]
pub fn for_each_common_bounded<F: FnMut(usize, u32)>(
    query: &[u64],
    query_planes: &[u64],
    fingerprints: &[u64],
    sketches: &[u64],
    rows: Range<usize>,
    needed: u32,
    mut f: F,
) {
    if needed == 0 {
        let w = query.len();
        let start = rows.start;
        if let Some(block) = fingerprints.get(start * w..rows.end * w) {
            for_each_common(query, block, |i, c| f(start + i, c));
        }
        return;
    }
    run_best!(
        bounded_portable,
        bounded_avx2,
        bounded_popcnt,
        (
            query,
            query_planes,
            fingerprints,
            sketches,
            rows,
            needed,
            &mut f
        )
    )
}

/// Which build of the loop runs here.
pub fn popcount_method() -> &'static str {
    match best_build() {
        Build::Avx2 => "avx2",
        Build::Popcnt => "popcnt",
        Build::Portable => "portable",
    }
}

/// Calls `f(i, common)` for every row `i` of `rows` (rows of
/// `query.len()` words), with the number of bits the row shares with
/// `query`.
#[inline]
#[allow(unsafe_code)]
pub fn for_each_common<F: FnMut(usize, u32)>(query: &[u64], rows: &[u64], mut f: F) {
    run_best!(
        common_any,
        common_avx2,
        common_popcnt,
        (query, rows, &mut f)
    )
}

/// Number of bits set in `words`.
pub fn popcount(words: &[u64]) -> u32 {
    words.iter().map(|w| w.count_ones()).sum()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn every_build_counts_alike() {
        let mix = |i: u64, salt: u64| {
            (i + salt)
                .wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
                .rotate_left(i as u32 + salt as u32)
        };
        // dense words (every byte set) and sparse ones (one bit in 64 or so)
        for (words, sparse) in [3usize, 16, 32, 64, 5]
            .into_iter()
            .flat_map(|w| [(w, false), (w, true)])
        {
            let word = |i: u64, salt: u64| {
                if sparse {
                    mix(i, salt) & mix(i, salt + 1) & mix(i, salt + 2) & mix(i, salt + 3)
                        | mix(i, salt + 4) & mix(i, salt + 5) & mix(i, salt + 6) & mix(i, salt + 7)
                } else {
                    mix(i, salt)
                }
            };
            let query: Vec<u64> = (0..words as u64)
                .map(|i| word(i, 100) | word(i, 200))
                .collect();
            // rows that repeat the query, in part, so that some pass
            let rows: Vec<u64> = (0..(words * 11) as u64)
                .map(|i| word(i, 3) | (query[i as usize % words] & word(i, 50)))
                .collect();
            let mut fast = Vec::new();
            for_each_common(&query, &rows, |i, c| fast.push((i, c)));
            let mut slow = Vec::new();
            common_any(&query, &rows, &mut |i, c| slow.push((i, c)));
            let naive: Vec<(usize, u32)> = rows
                .chunks(words)
                .enumerate()
                .map(|(i, r)| {
                    (
                        i,
                        query.iter().zip(r).map(|(a, b)| (a & b).count_ones()).sum(),
                    )
                })
                .collect();
            assert_eq!(fast, naive);
            assert_eq!(slow, naive);
            // the bounded scan keeps exactly the rows reaching `needed`,
            // whatever range of rows it is given
            let n = rows.len() / words;
            let planes = crate::format::query_planes(&query);
            let per_row = crate::format::sketch_words(words);
            let mut sketches = vec![0u64; crate::format::sketch_section_words(n, words)];
            for (row, fp) in rows.chunks(words).enumerate() {
                for (k, w) in crate::format::sketch(fp).into_iter().enumerate() {
                    sketches[crate::format::sketch_slot(row, k, per_row)] = w;
                }
            }
            for (needed, range) in [
                (0u32, 0..n),
                (1, 0..n),
                (2, 0..n),
                (5, 1..n),
                (12, 0..n - 2),
                (20, 2..9),
                (40, 3..n),
            ] {
                let mut kept = Vec::new();
                for_each_common_bounded(
                    &query,
                    &planes,
                    &rows,
                    &sketches,
                    range.clone(),
                    needed,
                    |i, c| kept.push((i, c)),
                );
                let want: Vec<(usize, u32)> = naive
                    .iter()
                    .copied()
                    .filter(|&(i, c)| c >= needed && range.contains(&i))
                    .collect();
                let kept_enough: Vec<(usize, u32)> =
                    kept.iter().copied().filter(|&(_, c)| c >= needed).collect();
                assert_eq!(kept_enough, want);
                assert!(kept.iter().all(|x| naive.contains(x)));
                let mut portable = Vec::new();
                bounded_portable(
                    &query,
                    &planes,
                    &rows,
                    &sketches,
                    range.clone(),
                    needed,
                    &mut |i, c| portable.push((i, c)),
                );
                if needed > 0 {
                    assert_eq!(portable, kept);
                }
            }
        }
    }

    #[test]
    fn vector_block_counts_equal_portable_ones() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200 {
            let first: [u64; 8] = std::array::from_fn(|_| next() & next());
            let block: Vec<u64> = (0..32).map(|_| next() | next() & next()).collect();
            let portable = block_shared_portable(&first, &block);
            assert_eq!(block_shared::<8, false>(&first, &block), portable);
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                assert_eq!(block_shared::<8, true>(&first, &block), portable);
                let first4: [u64; 4] = std::array::from_fn(|i| first[i]);
                assert_eq!(
                    block_shared::<4, true>(&first4, &block[..16]),
                    block_shared_portable(&first4, &block[..16])
                );
            }
        }
    }
}
