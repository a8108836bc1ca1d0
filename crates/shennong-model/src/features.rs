//! Featurisers: molecules to sparse feature rows, from fingerprints
//! (bits or counts) and RDKit descriptors, concatenated in a fixed order.
//!
//! A featuriser is named on the command line (`ecfp4-counts+desc`) and
//! stored in model files as a [`FeaturizerSpec`]: the versioned fingerprint
//! and descriptor-set specs of each block, so that a model refuses to run
//! with definitions other than those it was trained on.

use serde::{Deserialize, Serialize};
use shennong_descriptors::DescriptorSet;
use shennong_fingerprint::{FingerprintSpec, Kind};
use shennong_mol::Mol;

use crate::error::{ModelError, Result};

/// A sparse feature row: `(column, value)` with ascending columns and no zeros.
pub type SparseRow = Vec<(u32, f64)>;

/// One block of features, as stored in a model file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum FeatureBlock {
    /// A fingerprint, by its versioned spec text; `counts` for count vectors.
    Fingerprint {
        /// `FingerprintSpec` text (`shennong/1 morgan size=2048 radius=2 ...`).
        spec: String,
        /// Counts (RDKit `GetCountFingerprint`) instead of bits.
        counts: bool,
    },
    /// RDKit descriptors, by the versioned descriptor-set spec text.
    Descriptors {
        /// `DescriptorSet::spec` text.
        spec: String,
    },
}

/// The complete featuriser definition: the blocks, in column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeaturizerSpec {
    /// The name it was made from (`ecfp4-counts+desc`), for reports.
    pub name: String,
    /// Blocks in column order.
    pub blocks: Vec<FeatureBlock>,
}

impl FeaturizerSpec {
    /// Parses a featuriser name: blocks joined by `+`, each one of
    /// `ecfp4`, `ecfp6`, `fcfp4`, `fcfp6`, `atompair`, `torsion`, `rdkit`
    /// (any of these with `-counts`), `maccs`, or `desc` (all RDKit
    /// descriptors). `fp_size` folds the hashed fingerprints.
    ///
    /// ```
    /// let spec = shennong_model::FeaturizerSpec::from_name("ecfp4-counts+desc", 2048).unwrap();
    /// assert_eq!(spec.blocks.len(), 2);
    /// assert!(shennong_model::FeaturizerSpec::from_name("ecfp5", 2048).is_err());
    /// ```
    pub fn from_name(name: &str, fp_size: u32) -> Result<FeaturizerSpec> {
        let mut blocks = Vec::new();
        for part in name.split('+').map(str::trim) {
            if part == "desc" || part == "descriptors" {
                blocks.push(FeatureBlock::Descriptors {
                    spec: DescriptorSet::all().spec(),
                });
                continue;
            }
            let (base, counts) = match part.strip_suffix("-counts") {
                Some(b) => (b, true),
                None => (part, false),
            };
            let spec = match base {
                "ecfp4" | "ecfp6" | "ecfp2" => {
                    let radius = if base == "ecfp6" { 3 } else if base == "ecfp4" { 2 } else { 1 };
                    FingerprintSpec::morgan(radius, fp_size)
                }
                "fcfp4" | "fcfp6" => FingerprintSpec {
                    radius: if base == "fcfp6" { 3 } else { 2 },
                    size: fp_size,
                    ..FingerprintSpec::new(Kind::FeatureMorgan)
                },
                "atompair" => FingerprintSpec {
                    size: fp_size,
                    ..FingerprintSpec::new(Kind::AtomPair)
                },
                "torsion" => FingerprintSpec {
                    size: fp_size,
                    ..FingerprintSpec::new(Kind::Torsion)
                },
                "rdkit" => FingerprintSpec {
                    size: fp_size,
                    ..FingerprintSpec::new(Kind::RdkitPath)
                },
                "maccs" if !counts => FingerprintSpec::new(Kind::Maccs),
                _ => {
                    return Err(ModelError::Features(format!(
                        "unknown feature block '{part}' (ecfp4, ecfp6, fcfp4, fcfp6, atompair, torsion, rdkit, each optionally -counts; maccs; desc; joined by +)"
                    )))
                }
            };
            spec.validate()
                .map_err(|e| ModelError::Features(e.to_string()))?;
            blocks.push(FeatureBlock::Fingerprint {
                spec: spec.to_string(),
                counts,
            });
        }
        Ok(FeaturizerSpec {
            name: name.to_string(),
            blocks,
        })
    }

    /// Builds the featuriser, refusing specs made by other definitions.
    pub fn compile(&self) -> Result<Featurizer> {
        let mut blocks = Vec::with_capacity(self.blocks.len());
        let mut dim = 0u32;
        for b in &self.blocks {
            let block = match b {
                FeatureBlock::Fingerprint { spec, counts } => {
                    let spec = FingerprintSpec::parse(spec)
                        .map_err(|e| ModelError::Mismatch(format!("fingerprint spec: {e}")))?;
                    spec.validate()
                        .map_err(|e| ModelError::Mismatch(format!("fingerprint spec: {e}")))?;
                    Compiled::Fingerprint {
                        offset: dim,
                        size: spec.size,
                        spec,
                        counts: *counts,
                    }
                }
                FeatureBlock::Descriptors { spec } => {
                    let set = DescriptorSet::from_spec(spec)
                        .map_err(|e| ModelError::Mismatch(e.to_string()))?;
                    Compiled::Descriptors { offset: dim, set }
                }
            };
            dim = dim
                .checked_add(block.width())
                .ok_or_else(|| ModelError::Features("too many feature columns".into()))?;
            blocks.push(block);
        }
        if blocks.is_empty() {
            return Err(ModelError::Features("no feature blocks".into()));
        }
        Ok(Featurizer { blocks, dim })
    }
}

enum Compiled {
    Fingerprint {
        offset: u32,
        size: u32,
        spec: FingerprintSpec,
        counts: bool,
    },
    Descriptors {
        offset: u32,
        set: DescriptorSet,
    },
}

impl Compiled {
    fn width(&self) -> u32 {
        match self {
            Compiled::Fingerprint { size, .. } => *size,
            Compiled::Descriptors { set, .. } => set.descriptors().len() as u32,
        }
    }
}

/// A compiled featuriser.
pub struct Featurizer {
    blocks: Vec<Compiled>,
    dim: u32,
}

impl Featurizer {
    /// Number of feature columns.
    pub fn dim(&self) -> u32 {
        self.dim
    }

    /// True when every block is a fingerprint (all features are non-negative
    /// counts or bits, so Tanimoto/MinMax kernels apply).
    pub fn is_fingerprint_only(&self) -> bool {
        self.blocks
            .iter()
            .all(|b| matches!(b, Compiled::Fingerprint { .. }))
    }

    /// The feature row of a molecule. Descriptor values that are not finite
    /// (RDKit gives NaN for a few on odd molecules) become 0.
    pub fn row(&self, mol: &Mol) -> SparseRow {
        let mut row = SparseRow::new();
        for b in &self.blocks {
            match b {
                Compiled::Fingerprint {
                    offset,
                    spec,
                    counts,
                    ..
                } => {
                    if *counts {
                        for &(i, c) in spec.counts(mol).counts() {
                            if c > 0 {
                                row.push((offset + i, f64::from(c)));
                            }
                        }
                    } else {
                        for i in spec.bits(mol).on_bits() {
                            row.push((offset + i, 1.0));
                        }
                    }
                }
                Compiled::Descriptors { offset, set } => {
                    for (i, v) in set.compute(mol).into_iter().enumerate() {
                        if v.is_finite() && v != 0.0 {
                            row.push((offset + i as u32, v));
                        }
                    }
                }
            }
        }
        row
    }
}

/// Value of column `c` in a sparse row (0 when absent).
pub fn value_at(row: &[(u32, f64)], c: u32) -> f64 {
    match row.binary_search_by_key(&c, |&(i, _)| i) {
        Ok(k) => row.get(k).map_or(0.0, |&(_, v)| v),
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn rows_are_sorted_and_offset_by_block() {
        let spec = FeaturizerSpec::from_name("ecfp4-counts+maccs+desc", 1024).unwrap();
        let f = spec.compile().unwrap();
        assert_eq!(
            f.dim(),
            1024 + 167 + shennong_descriptors::all_names().len() as u32
        );
        let mol = shennong_smiles::parse("CC(=O)Oc1ccccc1C(=O)O").unwrap();
        let row = f.row(&mol);
        assert!(row.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(row.iter().any(|&(c, _)| c >= 1024 + 167));
        assert!(!f.is_fingerprint_only());
    }

    #[test]
    fn a_spec_from_another_version_is_refused() {
        let mut spec = FeaturizerSpec::from_name("ecfp4", 2048).unwrap();
        spec.blocks[0] = FeatureBlock::Fingerprint {
            spec: "shennong/99 morgan size=2048 radius=2".into(),
            counts: false,
        };
        assert!(matches!(spec.compile(), Err(ModelError::Mismatch(_))));
    }
}
