//! Library-scale search for Shennong: an on-disk, memory-mapped index of
//! fingerprints, ids and SMILES; k-nearest, threshold and NxN similarity
//! search with BitBound pruning; Taylor–Butina clustering and MaxMin
//! picking with RDKit's results; and substructure search screened by
//! pattern fingerprints.
//!
//! ```
//! use shennong_fingerprint::FingerprintSpec;
//! use shennong_index::{Index, IndexBuilder, IndexParams, Metric};
//! let dir = tempfile::tempdir().unwrap();
//! let spec = FingerprintSpec::morgan(2, 2048);
//! let params = IndexParams {
//!     fp_type: spec.to_string(), fp_bits: spec.size, pattern_type: None,
//!     pattern_bits: 0, with_smiles: false, source: "doc".into(),
//! };
//! let mut builder = IndexBuilder::new(params, dir.path()).unwrap();
//! for (i, smi) in ["CCO", "CCN", "c1ccccc1"].iter().enumerate() {
//!     let fp = spec.bits(&shennong_smiles::parse(smi).unwrap());
//!     builder.add(&fp, None, &format!("m{i}"), None).unwrap();
//! }
//! builder.finish(&dir.path().join("lib.shx")).unwrap();
//! let index = Index::open(dir.path().join("lib.shx")).unwrap();
//! let q = spec.bits(&shennong_smiles::parse("CCO").unwrap());
//! let hits = index.threshold(q.words(), 0.3, Metric::Tanimoto).unwrap();
//! assert_eq!(index.id(hits[0].row), "m0");
//! ```
//!
//! # File format (`.shx`, version 3)
//!
//! All integers are little-endian. The file starts with a 48-byte preamble:
//!
//! | offset | type | field |
//! |---|---|---|
//! | 0 | `[u8; 8]` | magic `SHNGIDX\0` |
//! | 8 | `u32` | format version ([`FORMAT_VERSION`]) |
//! | 12 | `u32` | flags: 1 = SMILES column, 2 = pattern fingerprints, 4 = `u64` text offsets |
//! | 16 | `u64` | records `n` |
//! | 24 | `u32` | bits per similarity fingerprint |
//! | 28 | `u32` | 64-bit words per similarity fingerprint |
//! | 32 | `u32` | bits per pattern fingerprint (0 without) |
//! | 36 | `u32` | words per pattern fingerprint |
//! | 40 | `u32` | length of the header text |
//! | 44 | `u32` | fingerprint bits per sketch bit (8) |
//!
//! then a table of 9 sections, `(offset: u64, length: u64)` each, then the
//! header text: `key=value` lines `fp=` (the similarity fingerprint's
//! `FingerprintSpec`, or the `#type=` of the FPS file it came from),
//! `pattern=` (the pattern fingerprint's spec), `source=`, `software=`.
//! Every section starts at a multiple of 64 bytes:
//!
//! | # | section | content |
//! |---|---|---|
//! | 0 | fingerprints | `n` rows of `words` `u64`, sorted by popcount, then input order |
//! | 1 | popcount starts | `bits + 2` `u64`: first row with each popcount; last = `n` |
//! | 2 | ordinals | `n` `u32`: input position of each row (ties are broken by it) |
//! | 3 | id offsets | `n + 1` `u32` (`u64` with flag 4) into section 4, by row |
//! | 4 | ids | UTF-8 bytes |
//! | 5 | SMILES offsets | `n + 1` offsets as wide as the id offsets into section 6, by row (empty without SMILES) |
//! | 6 | SMILES | canonical SMILES, UTF-8 bytes |
//! | 7 | pattern fingerprints | `n` rows of pattern words, by row (empty without) |
//! | 8 | sketches | presence sketches in blocks of 4 rows (below) |
//!
//! The sketch of a row has one bit per byte of its fingerprint, set when
//! that byte has any bit set (the fingerprint OR-folded 8 to 1, byte-wise:
//! fingerprint byte `j` is sketch word `j / 64`, bit `j % 64`), padded to
//! whole `u64` words: `s = ⌈words / 8⌉` words per row. Rows are stored in
//! blocks of 4, the block's sketch word `k` of rows `0..4` side by side
//! (word `k` of row `r` at `(r / 4)·4·s + 4k + r % 4`), so one vector load
//! reads the same word of four rows; the last block is zero padded.
//!
//! The sketches give a second, much tighter prune inside each popcount
//! run: a row can share at most as many bits with the query as the query
//! has in the bytes where the row has any bit. For ECFP4 (2048 bits, ~43
//! set) that bound is ~7 bits for an unrelated molecule, against ~23 for
//! the per-word popcounts of version 2, so a k-nearest search whose tenth
//! neighbour scores 0.35 still reads the fingerprints of only ~1 % of its
//! popcount window, after 32 bytes per row.
//!
//! Text offsets are `u32` unless the id or SMILES column reaches 4 GiB
//! (version 1 always used `u64`; version 2 saved 8 bytes per record;
//! version 3 replaced version 2's per-word popcounts by the sketches).
//!
//! Files of another version, with a truncated section or an inconsistent
//! popcount table are refused when opened; query fingerprints are checked
//! against the header's `fp=` before any search.
#![deny(missing_docs)]

mod build;
mod cluster;
mod error;
pub mod format;
mod index;
pub mod kernel;
mod search;
mod substructure;

pub use build::{BuildSummary, IndexBuilder, IndexParams};
pub use cluster::{butina_from_neighbours, Neighbours};
pub use error::IndexError;
pub use format::FORMAT_VERSION;
pub use index::{Index, IndexInfo};
pub use search::{rank_order, Hit, Metric};
pub use substructure::{SubstructureHits, SubstructureOptions};

use shennong_fingerprint::{FingerprintSpec, Kind};

/// The pattern fingerprint an index stores for substructure screening
/// (Shennong's screening fingerprint, 2048 bits).
pub fn default_pattern_spec() -> FingerprintSpec {
    FingerprintSpec::new(Kind::Pattern)
}

impl Index {
    /// The spec that query molecules must be fingerprinted with, when the
    /// index was made by Shennong from molecules (`None` for an index of
    /// FPS fingerprints of foreign type: query with FPS files then).
    pub fn spec(&self) -> Option<FingerprintSpec> {
        FingerprintSpec::parse(&self.info().fp_type).ok()
    }

    /// Checks that fingerprints of type `fp_type` and `bits` bits (as an FPS
    /// header states them) can be searched in this index.
    pub fn check_fp_type(&self, fp_type: &str, bits: u32) -> Result<(), IndexError> {
        let info = self.info();
        if bits != info.fp_bits
            || (!fp_type.is_empty() && !info.fp_type.is_empty() && fp_type != info.fp_type)
        {
            return Err(IndexError::SpecMismatch {
                index: format!("{} ({} bits)", info.fp_type, info.fp_bits),
                query: format!("{fp_type} ({bits} bits)"),
            });
        }
        Ok(())
    }
}
