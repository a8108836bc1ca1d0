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

/// The bounded scan with fixed widths: `W` words, `C` chunk counts per row.
#[inline(always)]
fn bounded_fixed<const W: usize, const C: usize, F: FnMut(usize, u32)>(
    query: &[u64],
    query_counts: &[u8],
    rows: &[u64],
    row_counts: &[u8],
    needed: u32,
    f: &mut F,
) {
    let (Ok(q), Ok(qc)) = (
        <&[u64; W]>::try_from(query),
        <&[u8; C]>::try_from(query_counts),
    ) else {
        return;
    };
    for (i, (counts, row)) in row_counts
        .chunks_exact(C)
        .zip(rows.chunks_exact(W))
        .enumerate()
    {
        let mut bound = 0u32;
        for (a, b) in qc.iter().zip(counts) {
            bound += u32::from(*a.min(b));
        }
        if bound < needed {
            continue;
        }
        let mut c = 0u32;
        for (a, b) in q.iter().zip(row) {
            c += (a & b).count_ones();
        }
        f(i, c);
    }
}

#[inline(always)]
fn bounded_any<F: FnMut(usize, u32)>(
    query: &[u64],
    query_counts: &[u8],
    rows: &[u64],
    row_counts: &[u8],
    needed: u32,
    f: &mut F,
) {
    match (query.len(), query_counts.len()) {
        (16, 16) => bounded_fixed::<16, 16, F>(query, query_counts, rows, row_counts, needed, f),
        (32, 32) => bounded_fixed::<32, 32, F>(query, query_counts, rows, row_counts, needed, f),
        (64, 64) => bounded_fixed::<64, 64, F>(query, query_counts, rows, row_counts, needed, f),
        (0, _) | (_, 0) => {}
        (w, c) => {
            for (i, (counts, row)) in row_counts
                .chunks_exact(c)
                .zip(rows.chunks_exact(w))
                .enumerate()
            {
                let bound: u32 = query_counts
                    .iter()
                    .zip(counts)
                    .map(|(a, b)| u32::from(*a.min(b)))
                    .sum();
                if bound >= needed {
                    f(
                        i,
                        query
                            .iter()
                            .zip(row)
                            .map(|(a, b)| (a & b).count_ones())
                            .sum(),
                    );
                }
            }
        }
    }
}

/// Copies of a generic scan compiled for AVX2 + POPCNT and for POPCNT,
/// which [`run_best!`] picks from at run time.
macro_rules! feature_copies {
    ($portable:ident => $avx2:ident, $popcnt:ident, ($($arg:ident: $ty:ty),*)) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2,popcnt")]
        fn $avx2<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $portable($($arg,)* f)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "popcnt")]
        fn $popcnt<F: FnMut(usize, u32)>($($arg: $ty,)* f: &mut F) {
            $portable($($arg,)* f)
        }
    };
}

feature_copies!(common_any => common_avx2, common_popcnt, (query: &[u64], rows: &[u64]));
feature_copies!(bounded_any => bounded_avx2, bounded_popcnt,
    (query: &[u64], query_counts: &[u8], rows: &[u64], row_counts: &[u8], needed: u32));

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

/// Like [`for_each_common`], but only for rows that can share at least
/// `needed` bits with the query: a row is skipped, without reading its
/// fingerprint, when `Σ min(query chunk count, row chunk count)` (an upper
/// bound on the bits in common) falls short. `row_counts` holds
/// `query_counts.len()` chunk popcounts per row.
#[inline]
#[allow(unsafe_code)]
pub fn for_each_common_bounded<F: FnMut(usize, u32)>(
    query: &[u64],
    query_counts: &[u8],
    rows: &[u64],
    row_counts: &[u8],
    needed: u32,
    mut f: F,
) {
    if needed == 0 {
        return for_each_common(query, rows, f);
    }
    run_best!(
        bounded_any,
        bounded_avx2,
        bounded_popcnt,
        (query, query_counts, rows, row_counts, needed, &mut f)
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
        for words in [3usize, 16, 32, 64, 5] {
            let query: Vec<u64> = (0..words as u64)
                .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .collect();
            let rows: Vec<u64> = (0..(words * 7) as u64)
                .map(|i| {
                    (i + 3)
                        .wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
                        .rotate_left(i as u32)
                })
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
            // the bounded scan keeps exactly the rows reaching `needed`
            let qc = crate::format::chunk_counts(&query);
            let rc: Vec<u8> = rows
                .chunks(words)
                .flat_map(crate::format::chunk_counts)
                .collect();
            for needed in [0u32, 1, 5, 12, 40] {
                let mut kept = Vec::new();
                for_each_common_bounded(&query, &qc, &rows, &rc, needed, |i, c| kept.push((i, c)));
                let want: Vec<(usize, u32)> = naive
                    .iter()
                    .copied()
                    .filter(|&(_, c)| c >= needed)
                    .collect();
                let kept_enough: Vec<(usize, u32)> =
                    kept.iter().copied().filter(|&(_, c)| c >= needed).collect();
                assert_eq!(kept_enough, want);
                assert!(kept.iter().all(|x| naive.contains(x)));
            }
        }
    }
}
