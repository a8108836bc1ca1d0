//! The on-disk layout of a `.shx` index (see the crate docs for the table),
//! shared by the builder and the reader.

/// The first eight bytes of every index file.
pub const MAGIC: [u8; 8] = *b"SHNGIDX\0";

/// Version of the index layout; bumped whenever the layout or the meaning
/// of a section changes. Files of another version are refused.
pub const FORMAT_VERSION: u32 = 2;

/// Sections start at multiples of this many bytes (a cache line), so that
/// fingerprint rows of 512 bits or more never straddle one needlessly.
pub const ALIGN: u64 = 64;

/// Bytes of the fixed preamble before the section table.
pub const PREAMBLE_BYTES: usize = 48;

/// Number of sections in the table.
pub const SECTION_COUNT: usize = 9;

/// Words (of 64 bits) per chunk of the chunk-count section: each row stores
/// the popcount of every chunk of this many words, one byte each.
pub const CHUNK_WORDS: usize = 1;

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
    /// `n × chunks` bytes: the popcount of each chunk of [`CHUNK_WORDS`]
    /// words of each row's fingerprint. `Σ min(query chunk, row chunk)`
    /// bounds the bits in common far more tightly than `min(a, b)` for
    /// sparse fingerprints, and reading it costs 1/8 of the arena.
    ChunkCounts = 8,
}

/// Rounds `x` up to the next multiple of [`ALIGN`].
pub fn align_up(x: u64) -> u64 {
    x.div_ceil(ALIGN) * ALIGN
}

/// Chunks of [`CHUNK_WORDS`] words in a row of `words` words.
pub fn chunks_for(words: usize) -> usize {
    words.div_ceil(CHUNK_WORDS)
}

/// The chunk popcounts of one fingerprint.
pub fn chunk_counts(words: &[u64]) -> Vec<u8> {
    words
        .chunks(CHUNK_WORDS)
        .map(|c| c.iter().map(|w| w.count_ones()).sum::<u32>() as u8)
        .collect()
}

/// Words of 64 bits holding `bits` bits.
pub fn words_for(bits: u32) -> usize {
    (bits as usize).div_ceil(64)
}
