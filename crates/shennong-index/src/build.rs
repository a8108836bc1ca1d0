//! Building an index in two streaming passes: records are appended to a
//! spill file in input order (memory keeps only a few integers per record),
//! then copied once into their popcount-sorted rows of the final file.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use shennong_fingerprint::BitFingerprint;

use crate::error::IndexError;
use crate::format::{
    align_up, offset_width, sketch, sketch_section_words, sketch_slot, words_for, Section,
    FIXED_HEADER_BYTES, FLAG_PATTERNS, FLAG_SMILES, FLAG_WIDE_OFFSETS, FORMAT_VERSION, MAGIC,
    PREAMBLE_BYTES, SECTION_COUNT, SKETCH_FOLD,
};

/// What an index is made of, written into its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexParams {
    /// The similarity fingerprint's type: a Shennong `FingerprintSpec` text,
    /// or the `#type=` of an FPS file made elsewhere.
    pub fp_type: String,
    /// Bits of the similarity fingerprint.
    pub fp_bits: u32,
    /// The pattern fingerprint's spec text, or `None` for an index without
    /// substructure screening (built from FPS input).
    pub pattern_type: Option<String>,
    /// Bits of the pattern fingerprint (0 without).
    pub pattern_bits: u32,
    /// Whether records carry SMILES.
    pub with_smiles: bool,
    /// Where the records came from (a file name), for `index info`.
    pub source: String,
}

/// Accumulates records, then writes the index with [`IndexBuilder::finish`].
///
/// ```
/// use shennong_fingerprint::FingerprintSpec;
/// use shennong_index::{Index, IndexBuilder, IndexParams, Metric};
/// let dir = tempfile::tempdir().unwrap();
/// let spec = FingerprintSpec::morgan(2, 2048);
/// let pattern = shennong_index::default_pattern_spec();
/// let params = IndexParams {
///     fp_type: spec.to_string(), fp_bits: spec.size,
///     pattern_type: Some(pattern.to_string()), pattern_bits: pattern.size,
///     with_smiles: true, source: "doc".into(),
/// };
/// let mut builder = IndexBuilder::new(params, dir.path()).unwrap();
/// for (i, smi) in ["c1ccccc1O", "c1ccccc1N", "CCO"].iter().enumerate() {
///     let mol = shennong_smiles::parse(smi).unwrap();
///     builder.add(&spec.bits(&mol), Some(&pattern.bits(&mol)), &format!("m{i}"),
///                 Some(&shennong_smiles::to_smiles(&mol))).unwrap();
/// }
/// let path = dir.path().join("lib.shx");
/// builder.finish(&path).unwrap();
/// let index = Index::open(&path).unwrap();
/// let query = spec.bits(&shennong_smiles::parse("c1ccccc1O").unwrap());
/// let hits = index.knn(query.words(), 2, Metric::Tanimoto).unwrap();
/// assert_eq!(index.id(hits[0].row), "m0");
/// assert_eq!(hits[0].score, 1.0);
/// ```
pub struct IndexBuilder {
    params: IndexParams,
    fp_words: usize,
    pattern_words: usize,
    spill: BufWriter<tempfile::NamedTempFile>,
    popcounts: Vec<u32>,
    id_lengths: Vec<u32>,
    smiles_lengths: Vec<u32>,
    id_bytes: u64,
    smiles_bytes: u64,
    /// Text columns up to this many bytes get `u32` offsets (lowered in tests
    /// to exercise the `u64` layout without writing 4 GiB).
    narrow_offsets_limit: u64,
    dir: PathBuf,
}

/// Totals of a finished build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuildSummary {
    /// Records in the index.
    pub records: usize,
    /// Bytes of the file.
    pub file_bytes: u64,
    /// Bytes of the similarity fingerprints alone.
    pub fingerprint_bytes: u64,
    /// Bytes of the pattern fingerprints.
    pub pattern_bytes: u64,
    /// Bytes of ids and SMILES text.
    pub text_bytes: u64,
}

impl IndexBuilder {
    /// A builder whose spill file lives in `dir` (put it beside the output,
    /// so that the final rename stays on one file system).
    pub fn new(params: IndexParams, dir: &Path) -> Result<IndexBuilder, IndexError> {
        if params.fp_bits == 0 {
            return Err(IndexError::Invalid(
                "fingerprints of 0 bits cannot be indexed".into(),
            ));
        }
        if params.pattern_type.is_some() != (params.pattern_bits > 0) {
            return Err(IndexError::Invalid(
                "pattern fingerprint type and size must be given together".into(),
            ));
        }
        let spill = tempfile::NamedTempFile::new_in(dir).map_err(|e| IndexError::io(dir, e))?;
        Ok(IndexBuilder {
            fp_words: words_for(params.fp_bits),
            pattern_words: words_for(params.pattern_bits),
            params,
            spill: BufWriter::with_capacity(1 << 20, spill),
            popcounts: Vec::new(),
            id_lengths: Vec::new(),
            smiles_lengths: Vec::new(),
            id_bytes: 0,
            smiles_bytes: 0,
            narrow_offsets_limit: u64::from(u32::MAX),
            dir: dir.to_path_buf(),
        })
    }

    /// Records added so far.
    pub fn len(&self) -> usize {
        self.popcounts.len()
    }

    /// Whether no record was added.
    pub fn is_empty(&self) -> bool {
        self.popcounts.is_empty()
    }

    /// Appends one record; its ordinal is the number of records before it.
    /// `smiles` must be the molecule as [`shennong_smiles::to_smiles`] writes
    /// it: substructure search reads it back with
    /// [`shennong_smiles::parse_trusted`], without re-perceiving it.
    pub fn add(
        &mut self,
        fp: &BitFingerprint,
        pattern: Option<&BitFingerprint>,
        id: &str,
        smiles: Option<&str>,
    ) -> Result<(), IndexError> {
        if fp.len() != self.params.fp_bits {
            return Err(IndexError::Invalid(format!(
                "record '{id}': fingerprint has {} bits, the index {}",
                fp.len(),
                self.params.fp_bits
            )));
        }
        if self.popcounts.len() >= u32::MAX as usize {
            return Err(IndexError::Invalid(
                "an index holds at most 4,294,967,294 records".into(),
            ));
        }
        let pattern_words = match (pattern, self.pattern_words) {
            (Some(p), w) if w > 0 && p.len() == self.params.pattern_bits => p.words(),
            (None, 0) => &[][..],
            _ => {
                return Err(IndexError::Invalid(format!(
                    "record '{id}': pattern fingerprint missing or of the wrong size"
                )))
            }
        };
        let smiles = match (smiles, self.params.with_smiles) {
            (Some(s), true) => s,
            (None, false) => "",
            _ => {
                return Err(IndexError::Invalid(format!(
                    "record '{id}': SMILES must be given for every record or for none"
                )))
            }
        };
        let id_len = u32::try_from(id.len())
            .map_err(|_| IndexError::Invalid(format!("record id of {} bytes", id.len())))?;
        let smiles_len = u32::try_from(smiles.len())
            .map_err(|_| IndexError::Invalid(format!("SMILES of {} bytes", smiles.len())))?;
        let mut bytes = Vec::with_capacity(
            8 * (self.fp_words + self.pattern_words) + id.len() + smiles.len() + 8,
        );
        for w in fp.words().iter().chain(pattern_words) {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        bytes.extend_from_slice(&id_len.to_le_bytes());
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&smiles_len.to_le_bytes());
        bytes.extend_from_slice(smiles.as_bytes());
        self.spill
            .write_all(&bytes)
            .map_err(|e| IndexError::io(&self.dir, e))?;
        self.popcounts.push(fp.count_ones());
        self.id_lengths.push(id_len);
        self.smiles_lengths.push(smiles_len);
        self.id_bytes += u64::from(id_len);
        self.smiles_bytes += u64::from(smiles_len);
        Ok(())
    }

    /// Writes the index to `path` (a temporary file renamed into place).
    pub fn finish(self, path: &Path) -> Result<BuildSummary, IndexError> {
        let n = self.popcounts.len();
        let bits = self.params.fp_bits as usize;
        let spill = self
            .spill
            .into_inner()
            .map_err(|e| IndexError::io(&self.dir, e.into_error()))?;

        // counting sort by popcount; rows within a popcount keep input order
        let mut starts = vec![0u64; bits + 2];
        for &p in &self.popcounts {
            if let Some(s) = starts.get_mut(p as usize + 1) {
                *s += 1;
            }
        }
        for i in 1..starts.len() {
            let prev = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(s) = starts.get_mut(i) {
                *s += prev;
            }
        }
        let mut next = starts.clone();
        let mut row_of = Vec::with_capacity(n);
        for &p in &self.popcounts {
            let slot = next.get_mut(p as usize).ok_or_else(|| {
                IndexError::Invalid("popcount larger than the fingerprint".into())
            })?;
            row_of.push(*slot as usize);
            *slot += 1;
        }
        let mut ordinal_of_row = vec![0u32; n];
        for (ordinal, &row) in row_of.iter().enumerate() {
            if let Some(o) = ordinal_of_row.get_mut(row) {
                *o = ordinal as u32;
            }
        }
        let offsets_by_row = |lengths: &[u32]| -> Vec<u64> {
            let mut offsets = Vec::with_capacity(n + 1);
            let mut at = 0u64;
            offsets.push(0);
            for &ordinal in &ordinal_of_row {
                at += u64::from(lengths.get(ordinal as usize).copied().unwrap_or(0));
                offsets.push(at);
            }
            offsets
        };
        let id_offsets = offsets_by_row(&self.id_lengths);
        let smiles_offsets = if self.params.with_smiles {
            offsets_by_row(&self.smiles_lengths)
        } else {
            Vec::new()
        };

        let offset_bytes = offset_width(
            self.id_bytes.max(self.smiles_bytes),
            self.narrow_offsets_limit,
        );
        let offsets_section = |offsets: &[u64]| -> Vec<u8> {
            if offset_bytes == 8 {
                le_u64(offsets)
            } else {
                // every offset fits: offset_width chose u32 for columns under 4 GiB
                offsets
                    .iter()
                    .flat_map(|&o| (o as u32).to_le_bytes())
                    .collect()
            }
        };
        let header_text = header_text(&self.params);
        let n64 = n as u64;
        let sizes: [u64; SECTION_COUNT] = [
            n64 * self.fp_words as u64 * 8,
            starts.len() as u64 * 8,
            n64 * 4,
            (id_offsets.len() * offset_bytes) as u64,
            self.id_bytes,
            (smiles_offsets.len() * offset_bytes) as u64,
            self.smiles_bytes,
            n64 * self.pattern_words as u64 * 8,
            sketch_section_words(n, self.fp_words) as u64 * 8,
        ];
        let mut sections = [(0u64, 0u64); SECTION_COUNT];
        let mut at = align_up((FIXED_HEADER_BYTES + header_text.len()) as u64);
        for (slot, &size) in sections.iter_mut().zip(&sizes) {
            *slot = (at, size);
            at = align_up(at + size);
        }
        let file_len = at;

        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let out = shennong_io::temp_builder()
            .tempfile_in(dir)
            .map_err(|e| IndexError::io(dir, e))?;
        out.as_file()
            .set_len(file_len)
            .map_err(|e| IndexError::io(path, e))?;
        let mut map = map_mut(out.as_file()).map_err(|e| IndexError::io(path, e))?;
        let too_small = || IndexError::corrupt(path, "output mapping smaller than its layout");

        let mut fixed = Vec::with_capacity(FIXED_HEADER_BYTES + header_text.len());
        fixed.extend_from_slice(&MAGIC);
        fixed.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let flags = if self.params.with_smiles {
            FLAG_SMILES
        } else {
            0
        } | if self.pattern_words > 0 {
            FLAG_PATTERNS
        } else {
            0
        } | if offset_bytes == 8 {
            FLAG_WIDE_OFFSETS
        } else {
            0
        };
        fixed.extend_from_slice(&flags.to_le_bytes());
        fixed.extend_from_slice(&n64.to_le_bytes());
        fixed.extend_from_slice(&self.params.fp_bits.to_le_bytes());
        fixed.extend_from_slice(&(self.fp_words as u32).to_le_bytes());
        fixed.extend_from_slice(&self.params.pattern_bits.to_le_bytes());
        fixed.extend_from_slice(&(self.pattern_words as u32).to_le_bytes());
        fixed.extend_from_slice(&(header_text.len() as u32).to_le_bytes());
        fixed.extend_from_slice(&(SKETCH_FOLD as u32).to_le_bytes());
        debug_assert_eq!(fixed.len(), PREAMBLE_BYTES);
        for (offset, size) in sections {
            fixed.extend_from_slice(&offset.to_le_bytes());
            fixed.extend_from_slice(&size.to_le_bytes());
        }
        fixed.extend_from_slice(header_text.as_bytes());
        map.get_mut(..fixed.len())
            .ok_or_else(too_small)?
            .copy_from_slice(&fixed);

        let section = |s: Section| sections.get(s as usize).copied().unwrap_or((0, 0));
        let put = |map: &mut [u8], at: u64, bytes: &[u8]| -> Result<(), IndexError> {
            let start = at as usize;
            map.get_mut(start..start + bytes.len())
                .ok_or_else(too_small)?
                .copy_from_slice(bytes);
            Ok(())
        };
        put(
            &mut map,
            section(Section::PopcountStarts).0,
            &le_u64(&starts),
        )?;
        let ordinal_bytes: Vec<u8> = ordinal_of_row
            .iter()
            .flat_map(|o| o.to_le_bytes())
            .collect();
        put(&mut map, section(Section::Ordinals).0, &ordinal_bytes)?;
        put(
            &mut map,
            section(Section::IdOffsets).0,
            &offsets_section(&id_offsets),
        )?;
        put(
            &mut map,
            section(Section::SmilesOffsets).0,
            &offsets_section(&smiles_offsets),
        )?;

        // second pass: every spilled record into its row
        let spill_path = spill.path().to_path_buf();
        let mut reader = BufReader::with_capacity(
            1 << 20,
            spill.reopen().map_err(|e| IndexError::io(&spill_path, e))?,
        );
        let fp_row_bytes = self.fp_words * 8;
        let pattern_row_bytes = self.pattern_words * 8;
        let mut record = vec![0u8; fp_row_bytes + pattern_row_bytes];
        let mut text = Vec::new();
        let read_err = |e| IndexError::io(&spill_path, e);
        for &row in &row_of {
            reader.read_exact(&mut record).map_err(read_err)?;
            let (fp, pattern) = record.split_at(fp_row_bytes);
            put(
                &mut map,
                section(Section::Fingerprints).0 + (row * fp_row_bytes) as u64,
                fp,
            )?;
            let words: Vec<u64> = fp
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
                .collect();
            let row_sketch = sketch(&words);
            for (k, word) in row_sketch.iter().enumerate() {
                put(
                    &mut map,
                    section(Section::Sketches).0
                        + (sketch_slot(row, k, row_sketch.len()) * 8) as u64,
                    &word.to_le_bytes(),
                )?;
            }
            if pattern_row_bytes > 0 {
                put(
                    &mut map,
                    section(Section::Patterns).0 + (row * pattern_row_bytes) as u64,
                    pattern,
                )?;
            }
            for (column, offsets) in [
                (Section::IdBytes, &id_offsets),
                (Section::SmilesBytes, &smiles_offsets),
            ] {
                let mut len = [0u8; 4];
                reader.read_exact(&mut len).map_err(read_err)?;
                text.resize(u32::from_le_bytes(len) as usize, 0);
                reader.read_exact(&mut text).map_err(read_err)?;
                if let Some(&offset) = offsets.get(row) {
                    put(&mut map, section(column).0 + offset, &text)?;
                }
            }
        }
        map.flush().map_err(|e| IndexError::io(path, e))?;
        drop(map);
        out.persist(path)
            .map_err(|e| IndexError::io(path, e.error))?;
        Ok(BuildSummary {
            records: n,
            file_bytes: file_len,
            fingerprint_bytes: sizes.first().copied().unwrap_or(0),
            pattern_bytes: sizes.get(Section::Patterns as usize).copied().unwrap_or(0),
            text_bytes: self.id_bytes + self.smiles_bytes,
        })
    }
}

fn le_u64(values: &[u64]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// `key=value` lines: what made the index, read back by `index info` and
/// checked against queries.
fn header_text(params: &IndexParams) -> String {
    let clean = |s: &str| s.replace(['\n', '\r'], " ");
    let mut text = format!("fp={}\n", clean(&params.fp_type));
    if let Some(p) = &params.pattern_type {
        text.push_str(&format!("pattern={}\n", clean(p)));
    }
    text.push_str(&format!("source={}\n", clean(&params.source)));
    text.push_str(&format!(
        "software=shennong/{}\n",
        env!("CARGO_PKG_VERSION")
    ));
    text
}

#[allow(unsafe_code)]
fn map_mut(file: &File) -> std::io::Result<memmap2::MmapMut> {
    // SAFETY: the file is a fresh temporary file that only this process
    // knows by name until it is persisted, so nothing else modifies or
    // truncates it while the mapping lives.
    unsafe { memmap2::MmapMut::map_mut(file) }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::Index;

    fn build(dir: &Path, name: &str, wide: bool) -> (Index, BuildSummary) {
        let params = IndexParams {
            fp_type: "test".into(),
            fp_bits: 128,
            pattern_type: None,
            pattern_bits: 0,
            with_smiles: true,
            source: "unit test".into(),
        };
        let mut b = IndexBuilder::new(params, dir).unwrap();
        if wide {
            b.narrow_offsets_limit = 0;
        }
        for i in 0..50u64 {
            let fp = BitFingerprint::from_words(128, vec![i * 0x9e37_79b9, !i]);
            let smiles = "C".repeat(1 + i as usize % 7);
            b.add(&fp, None, &format!("mol-{i}"), Some(&smiles))
                .unwrap();
        }
        let path = dir.join(name);
        let summary = b.finish(&path).unwrap();
        (Index::open(&path).unwrap(), summary)
    }

    #[test]
    fn u32_and_u64_text_offsets_read_the_same_ids_and_smiles() {
        let dir = tempfile::tempdir().unwrap();
        let (narrow, narrow_summary) = build(dir.path(), "narrow.shx", false);
        let (wide, wide_summary) = build(dir.path(), "wide.shx", true);
        assert!(wide_summary.file_bytes > narrow_summary.file_bytes);
        for row in 0..narrow.len() {
            assert_eq!(narrow.id(row), wide.id(row));
            assert_eq!(narrow.smiles(row), wide.smiles(row));
            let ordinal = narrow.ordinal(row) as usize;
            assert_eq!(narrow.id(row), format!("mol-{ordinal}"));
            assert_eq!(narrow.smiles(row), "C".repeat(1 + ordinal % 7));
        }
    }
}
