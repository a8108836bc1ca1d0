//! The on-disk layout of a `.shx` index (see the crate docs for the table),
//! shared by the builder and the reader.

/// The first eight bytes of every index file.
pub const MAGIC: [u8; 8] = *b"SHNGIDX\0";

/// Version of the index layout; bumped whenever the layout or the meaning
/// of a section changes. Files of another version are refused.
pub const FORMAT_VERSION: u32 = 3;

/// Sections start at multiples of this many bytes (a cache line), so that
/// fingerprint rows of 512 bits or more never straddle one needlessly.
pub const ALIGN: u64 = 64;

/// Bytes of the fixed preamble before the section table.
pub const PREAMBLE_BYTES: usize = 48;

/// Number of sections in the table.
pub const SECTION_COUNT: usize = 9;

/// Fingerprint bits per bit of the presence sketch: each sketch bit says
/// whether one byte of the fingerprint has any bit set, so a row's sketch
/// is 1/8 of its fingerprint (one sketch byte per 64-bit word).
pub const SKETCH_FOLD: usize = 8;

/// Bytes of the preamble plus the section table; the header text follows.
pub const FIXED_HEADER_BYTES: usize = PREAMBLE_BYTES + SECTION_COUNT * 16;

/// Flag: the SMILES column is present.
pub const FLAG_SMILES: u32 = 1;
/// Flag: the pattern (substructure screen) fingerprints are present.
pub const FLAG_PATTERNS: u32 = 2;
/// Flag: the id and SMILES offsets are `u64` (a text column of 4 GiB or
/// more); without it they are `u32`, which saves 8 bytes per record.
pub const FLAG_WIDE_OFFSETS: u32 = 4;

/// Bytes per id/SMILES offset for text columns of `longest_column` bytes,
/// when columns up to `narrow_limit` bytes (`u32::MAX` outside tests) take
/// `u32` offsets.
pub fn offset_width(longest_column: u64, narrow_limit: u64) -> usize {
    if longest_column > narrow_limit {
        8
    } else {
        4
    }
}

/// The sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `n × words` little-endian `u64`, rows sorted by popcount, then by
    /// input order.
    Fingerprints = 0,
    /// `bits + 2` `u64`: the first row of each popcount; the last entry is `n`.
    PopcountStarts = 1,
    /// `n` `u32`: the input position (ordinal) of each row.
    Ordinals = 2,
    /// `n + 1` offsets into the id bytes, by row (`u32`, or `u64` with
    /// [`FLAG_WIDE_OFFSETS`]).
    IdOffsets = 3,
    /// UTF-8 ids, concatenated.
    IdBytes = 4,
    /// `n + 1` offsets into the SMILES bytes, by row, as wide as the id
    /// offsets (empty without SMILES).
    SmilesOffsets = 5,
    /// Canonical SMILES, concatenated.
    SmilesBytes = 6,
    /// `n × pattern words` `u64` substructure-screen fingerprints, by row.
    Patterns = 7,
    /// The presence sketch of each row (see [`sketch`]), in blocks of
    /// [`SKETCH_BLOCK_ROWS`] rows interleaved word by word ([`sketch_slot`]).
    /// The query bits that fall in bytes where the row has any bit bound
    /// the bits in common far more tightly than `min(a, b)` for sparse
    /// fingerprints, and reading it costs 1/8 of the arena.
    Sketches = 8,
}

/// Rounds `x` up to the next multiple of [`ALIGN`].
pub fn align_up(x: u64) -> u64 {
    x.div_ceil(ALIGN) * ALIGN
}

/// Rows per block of the sketch section. Within a block the rows'
/// sketches are interleaved word by word, so that one 256-bit load reads
/// the same sketch word of four rows and the bound of four rows is
/// computed at once.
pub const SKETCH_BLOCK_ROWS: usize = 4;

/// Sketch words (`u64`) per row for fingerprints of `words` words: one
/// sketch byte per fingerprint word, zero padded to whole words.
pub fn sketch_words(words: usize) -> usize {
    words.div_ceil(8)
}

/// Length, in `u64`, of the sketch section for `n` rows of `words` words
/// (whole blocks; the rows past `n` in the last block are zero).
pub fn sketch_section_words(n: usize, words: usize) -> usize {
    n.div_ceil(SKETCH_BLOCK_ROWS) * SKETCH_BLOCK_ROWS * sketch_words(words)
}

/// Where sketch word `k` of `row` sits in the sketch section (in `u64`),
/// for `per_row` sketch words per row.
pub fn sketch_slot(row: usize, k: usize, per_row: usize) -> usize {
    (row / SKETCH_BLOCK_ROWS) * SKETCH_BLOCK_ROWS * per_row
        + k * SKETCH_BLOCK_ROWS
        + row % SKETCH_BLOCK_ROWS
}

/// The sketch bit of fingerprint byte `byte` (bits `8·byte..8·byte + 8`):
/// sketch word `byte / 64`, bit `byte % 64`.
fn sketch_bit(byte: usize) -> (usize, u32) {
    (byte / 64, (byte % 64) as u32)
}

/// The presence sketch of one fingerprint, [`sketch_words`] words: one
/// bit per fingerprint byte, set when the byte has any bit set. It is the
/// fingerprint OR-folded by [`SKETCH_FOLD`], byte-wise.
pub fn sketch(words: &[u64]) -> Vec<u64> {
    let mut out = vec![0u64; sketch_words(words.len())];
    for (byte, value) in words.iter().flat_map(|w| w.to_le_bytes()).enumerate() {
        let (k, bit) = sketch_bit(byte);
        if let (true, Some(slot)) = (value != 0, out.get_mut(k)) {
            *slot |= 1 << bit;
        }
    }
    out
}

/// A query's side of the sketch bound, as bit planes in the sketch layout:
/// plane `p` (words `p·s..(p+1)·s` for `s` = [`sketch_words`]) has the bit
/// of every query byte with more than `p` bits set. For a row sketch `t`,
/// `Σ_p popcount(t & plane_p)` counts the query bits that fall in bytes
/// where the row has any bit, an upper bound on the bits they share.
/// Sparse queries have one to three planes.
pub fn query_planes(words: &[u64]) -> Vec<u64> {
    let per_row = sketch_words(words.len());
    let counts: Vec<u32> = words
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .map(u8::count_ones)
        .collect();
    let planes = counts.iter().copied().max().unwrap_or(0) as usize;
    let mut out = vec![0u64; planes * per_row];
    for (plane, slots) in out.chunks_exact_mut(per_row.max(1)).enumerate() {
        for (byte, &c) in counts.iter().enumerate() {
            let (k, bit) = sketch_bit(byte);
            if let (true, Some(slot)) = (c as usize > plane, slots.get_mut(k)) {
                *slot |= 1 << bit;
            }
        }
    }
    out
}

/// Words of 64 bits holding `bits` bits.
pub fn words_for(bits: u32) -> usize {
    (bits as usize).div_ceil(64)
}
