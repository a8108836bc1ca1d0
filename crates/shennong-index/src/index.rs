//! Opening an index by memory map and reading its columns without copying.

use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::IndexError;
use crate::format::{
    sketch_section_words, words_for, Section, ALIGN, FIXED_HEADER_BYTES, FLAG_PATTERNS,
    FLAG_SMILES, FLAG_WIDE_OFFSETS, FORMAT_VERSION, MAGIC, PREAMBLE_BYTES, SECTION_COUNT,
    SKETCH_FOLD,
};

/// What the header of an index says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexInfo {
    /// Layout version.
    pub format_version: u32,
    /// Number of records.
    pub records: usize,
    /// The similarity fingerprint's type (a Shennong spec or an FPS `#type=`).
    pub fp_type: String,
    /// Bits per similarity fingerprint.
    pub fp_bits: u32,
    /// The pattern fingerprint's spec, if the index has one.
    pub pattern_type: Option<String>,
    /// Bits per pattern fingerprint (0 without).
    pub pattern_bits: u32,
    /// Whether records carry SMILES.
    pub has_smiles: bool,
    /// Where the records came from.
    pub source: String,
    /// The software that wrote it.
    pub software: String,
    /// File size in bytes.
    pub file_bytes: u64,
}

/// An open, memory-mapped index. Cheap to open (the header and the popcount
/// table are checked; nothing else is read until searched) and shareable
/// between threads.
pub struct Index {
    map: memmap2::Mmap,
    path: PathBuf,
    info: IndexInfo,
    fp_words: usize,
    pattern_words: usize,
    /// Text offsets are `u64` (else `u32`).
    wide_offsets: bool,
    sections: [Range<usize>; SECTION_COUNT],
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

#[allow(unsafe_code)]
fn map_file(file: &File) -> std::io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only. Index files are written to a
    // temporary file and renamed into place, so a rebuild replaces the
    // directory entry and never rewrites the mapped inode; truncating a
    // mapped index by hand is outside what we can defend against, as for
    // every memory-mapped reader.
    unsafe { memmap2::Mmap::map(file) }
}

impl Index {
    /// Opens and checks an index file.
    pub fn open(path: impl AsRef<Path>) -> Result<Index, IndexError> {
        let path = path.as_ref();
        if cfg!(target_endian = "big") {
            return Err(IndexError::Invalid(
                "index files are little-endian; this build runs on a big-endian CPU".into(),
            ));
        }
        let file = File::open(path).map_err(|e| IndexError::io(path, e))?;
        let map = map_file(&file).map_err(|e| IndexError::io(path, e))?;
        let bytes: &[u8] = &map;
        if bytes.get(..8) != Some(&MAGIC[..]) {
            return Err(IndexError::NotAnIndex {
                path: path.to_path_buf(),
            });
        }
        let corrupt = |reason: &str| IndexError::corrupt(path, reason);
        let field32 = |at| u32_at(bytes, at).ok_or_else(|| corrupt("header truncated"));
        let version = field32(8)?;
        if version != FORMAT_VERSION {
            return Err(IndexError::Version {
                path: path.to_path_buf(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let flags = field32(12)?;
        let n = u64_at(bytes, 16).ok_or_else(|| corrupt("header truncated"))?;
        let fp_bits = field32(24)?;
        let fp_words = field32(28)? as usize;
        let pattern_bits = field32(32)?;
        let pattern_words = field32(36)? as usize;
        let text_len = field32(40)? as usize;
        if field32(44)? as usize != SKETCH_FOLD {
            return Err(corrupt("sketch fold differs from this build's"));
        }
        if fp_bits == 0
            || fp_words != words_for(fp_bits)
            || pattern_words != words_for(pattern_bits)
        {
            return Err(corrupt("fingerprint sizes disagree with their word counts"));
        }
        let n = usize::try_from(n).map_err(|_| corrupt("record count too large"))?;
        if n > u32::MAX as usize {
            return Err(corrupt("record count too large"));
        }
        let file_bytes = bytes.len() as u64;
        let mut sections: [Range<usize>; SECTION_COUNT] = Default::default();
        for (i, slot) in sections.iter_mut().enumerate() {
            let at = PREAMBLE_BYTES + 16 * i;
            let offset = u64_at(bytes, at).ok_or_else(|| corrupt("section table truncated"))?;
            let len = u64_at(bytes, at + 8).ok_or_else(|| corrupt("section table truncated"))?;
            let end = offset
                .checked_add(len)
                .filter(|&e| e <= file_bytes)
                .ok_or_else(|| {
                    corrupt("a section runs past the end of the file (truncated copy?)")
                })?;
            if offset % ALIGN != 0 {
                return Err(corrupt("a section is not 64-byte aligned"));
            }
            *slot = offset as usize..end as usize;
        }
        let expect = |s: Section, len: usize, what: &str| -> Result<(), IndexError> {
            match sections.get(s as usize) {
                Some(r) if r.len() == len => Ok(()),
                _ => Err(corrupt(&format!("{what} section has the wrong size"))),
            }
        };
        let has_smiles = flags & FLAG_SMILES != 0;
        let has_patterns = flags & FLAG_PATTERNS != 0;
        let offset_bytes = if flags & FLAG_WIDE_OFFSETS != 0 { 8 } else { 4 };
        expect(Section::Fingerprints, n * fp_words * 8, "fingerprint")?;
        expect(
            Section::PopcountStarts,
            (fp_bits as usize + 2) * 8,
            "popcount",
        )?;
        expect(Section::Ordinals, n * 4, "ordinal")?;
        expect(Section::IdOffsets, (n + 1) * offset_bytes, "id offset")?;
        expect(
            Section::SmilesOffsets,
            if has_smiles {
                (n + 1) * offset_bytes
            } else {
                0
            },
            "SMILES offset",
        )?;
        expect(
            Section::Sketches,
            sketch_section_words(n, fp_words) * 8,
            "sketch",
        )?;
        expect(
            Section::Patterns,
            if has_patterns {
                n * pattern_words * 8
            } else {
                0
            },
            "pattern",
        )?;
        let text = bytes
            .get(FIXED_HEADER_BYTES..FIXED_HEADER_BYTES + text_len)
            .ok_or_else(|| corrupt("header text truncated"))?;
        let text = String::from_utf8_lossy(text);
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_string)
        };
        let info = IndexInfo {
            format_version: version,
            records: n,
            fp_type: value("fp").unwrap_or_default(),
            fp_bits,
            pattern_type: if has_patterns { value("pattern") } else { None },
            pattern_bits: if has_patterns { pattern_bits } else { 0 },
            has_smiles,
            source: value("source").unwrap_or_default(),
            software: value("software").unwrap_or_default(),
            file_bytes,
        };
        let index = Index {
            map,
            path: path.to_path_buf(),
            info,
            fp_words,
            pattern_words: if has_patterns { pattern_words } else { 0 },
            wide_offsets: offset_bytes == 8,
            sections,
        };
        let starts = index.popcount_starts();
        let monotone = starts.windows(2).all(|w| w.first() <= w.get(1));
        if starts.first() != Some(&0) || starts.last() != Some(&(n as u64)) || !monotone {
            return Err(corrupt("popcount table is inconsistent"));
        }
        Ok(index)
    }

    /// The header.
    pub fn info(&self) -> &IndexInfo {
        &self.info
    }

    /// The file it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.info.records
    }

    /// Whether the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.info.records == 0
    }

    /// 64-bit words per similarity fingerprint.
    pub fn fp_words(&self) -> usize {
        self.fp_words
    }

    /// 64-bit words per pattern fingerprint (0 without).
    pub fn pattern_words(&self) -> usize {
        self.pattern_words
    }

    fn bytes(&self, s: Section) -> &[u8] {
        self.sections
            .get(s as usize)
            .and_then(|r| self.map.get(r.clone()))
            .unwrap_or(&[])
    }

    fn words(&self, s: Section) -> &[u64] {
        bytemuck::try_cast_slice(self.bytes(s)).unwrap_or(&[])
    }

    /// All similarity fingerprints, row after row, sorted by popcount.
    pub fn fingerprints(&self) -> &[u64] {
        self.words(Section::Fingerprints)
    }

    /// The similarity fingerprint of a row.
    pub fn fingerprint(&self, row: usize) -> &[u64] {
        let w = self.fp_words;
        self.fingerprints().get(row * w..row * w + w).unwrap_or(&[])
    }

    /// The sketch section: presence sketches ([`crate::format::sketch`])
    /// in blocks of rows ([`crate::format::sketch_slot`]).
    pub fn sketches(&self) -> &[u64] {
        self.words(Section::Sketches)
    }

    /// The pattern fingerprints, row after row (empty without).
    pub fn patterns(&self) -> &[u64] {
        self.words(Section::Patterns)
    }

    /// The first row of each popcount `0..=bits`, then the number of rows.
    pub fn popcount_starts(&self) -> &[u64] {
        self.words(Section::PopcountStarts)
    }

    /// Rows of fingerprints with exactly `popcount` bits set.
    pub fn rows_with_popcount(&self, popcount: u32) -> Range<usize> {
        let starts = self.popcount_starts();
        let p = popcount as usize;
        match (starts.get(p), starts.get(p + 1)) {
            (Some(&a), Some(&b)) if a <= b => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The input position of each row.
    pub fn ordinals(&self) -> &[u32] {
        bytemuck::try_cast_slice(self.bytes(Section::Ordinals)).unwrap_or(&[])
    }

    /// The input position of a row.
    pub fn ordinal(&self, row: usize) -> u32 {
        self.ordinals().get(row).copied().unwrap_or(u32::MAX)
    }

    /// Row of every ordinal (the inverse of [`Index::ordinals`]); built on
    /// demand, for operations that work in input order.
    pub fn rows_by_ordinal(&self) -> Result<Vec<u32>, IndexError> {
        let mut rows = vec![u32::MAX; self.len()];
        for (row, &o) in self.ordinals().iter().enumerate() {
            match rows.get_mut(o as usize) {
                Some(slot) if *slot == u32::MAX => *slot = row as u32,
                _ => {
                    return Err(IndexError::corrupt(
                        &self.path,
                        "ordinals are not a permutation of the rows",
                    ))
                }
            }
        }
        Ok(rows)
    }

    /// Offset `i` of a text-offset section, whichever its width.
    fn text_offset(&self, offsets: Section, i: usize) -> Option<usize> {
        if self.wide_offsets {
            self.words(offsets).get(i).map(|&o| o as usize)
        } else {
            let narrow: &[u32] = bytemuck::try_cast_slice(self.bytes(offsets)).unwrap_or(&[]);
            narrow.get(i).map(|&o| o as usize)
        }
    }

    fn text(&self, offsets: Section, bytes: Section, row: usize) -> Cow<'_, str> {
        let text = match (
            self.text_offset(offsets, row),
            self.text_offset(offsets, row + 1),
        ) {
            (Some(a), Some(b)) => self.bytes(bytes).get(a..b),
            _ => None,
        };
        String::from_utf8_lossy(text.unwrap_or(&[]))
    }

    /// The id of a row.
    pub fn id(&self, row: usize) -> Cow<'_, str> {
        self.text(Section::IdOffsets, Section::IdBytes, row)
    }

    /// The canonical SMILES of a row (empty when the index has none).
    pub fn smiles(&self, row: usize) -> Cow<'_, str> {
        self.text(Section::SmilesOffsets, Section::SmilesBytes, row)
    }
}
