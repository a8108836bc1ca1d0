//! Versioned fingerprint specifications: what a fingerprint is, printed in
//! every file that holds fingerprints and checked when files are combined.

use std::fmt;

use shennong_mol::Mol;

use crate::atompair::{atom_pair_codes, atom_pair_ids, torsion_ids};
use crate::fp::{BitFingerprint, CountFingerprint};
use crate::hash::twister_outputs;
use crate::maccs::maccs;
use crate::morgan::{
    connectivity_invariants, feature_invariants, morgan_environments_with_chirality, MorganEnv,
};
use crate::pattern::pattern_fingerprint;
use crate::rdkit_path::{path_ids, PathOptions};

/// Version of the spec text format and of the fingerprint definitions;
/// bumped whenever a kind's bits would change.
pub const SPEC_VERSION: u32 = 1;

/// Fingerprint kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Morgan/ECFP with connectivity invariants.
    Morgan,
    /// Morgan with RDKit's feature invariants (FCFP).
    FeatureMorgan,
    /// Atom pairs.
    AtomPair,
    /// Topological torsions.
    Torsion,
    /// RDKit's path fingerprint (`RDKFingerprint`).
    RdkitPath,
    /// MACCS 166 keys.
    Maccs,
    /// Shennong's substructure-screening fingerprint.
    Pattern,
}

impl Kind {
    /// The name used on the command line and in spec strings.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Morgan => "morgan",
            Kind::FeatureMorgan => "fcfp",
            Kind::AtomPair => "atompair",
            Kind::Torsion => "torsion",
            Kind::RdkitPath => "rdkit",
            Kind::Maccs => "maccs",
            Kind::Pattern => "pattern",
        }
    }

    /// Parses a kind name.
    pub fn from_name(s: &str) -> Option<Kind> {
        Some(match s {
            "morgan" | "ecfp" => Kind::Morgan,
            "fcfp" | "featmorgan" => Kind::FeatureMorgan,
            "atompair" | "ap" => Kind::AtomPair,
            "torsion" | "tt" => Kind::Torsion,
            "rdkit" | "path" => Kind::RdkitPath,
            "maccs" => Kind::Maccs,
            "pattern" => Kind::Pattern,
            _ => return None,
        })
    }
}

/// A complete fingerprint definition. [`FingerprintSpec::new`] gives RDKit
/// `rdFingerprintGenerator` defaults for each kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FingerprintSpec {
    /// Kind.
    pub kind: Kind,
    /// Number of bits (count fingerprints fold to this size too).
    pub size: u32,
    /// Morgan radius.
    pub radius: u32,
    /// Morgan: bond types in the invariants.
    pub use_bond_types: bool,
    /// Morgan: ring membership in the atom invariants.
    pub include_ring_membership: bool,
    /// Morgan/FCFP: stereo (RDKit's `includeChirality`: R/S of tetrahedral
    /// centres, E/Z of double bonds, as RDKit's default perception labels them).
    pub include_chirality: bool,
    /// Atom pair: shortest and longest distance; path: shortest and longest path.
    pub min_length: u32,
    /// See `min_length`.
    pub max_length: u32,
    /// Torsion: atoms per torsion.
    pub torsion_atoms: u32,
    /// Path: branched subgraphs.
    pub branched_paths: bool,
    /// Path: bits set per feature.
    pub bits_per_feature: u32,
    /// Bit fingerprints simulate counts with bounds 1, 2, 4, 8 (RDKit's
    /// `countSimulation`).
    pub count_simulation: bool,
}

/// Why a spec text could not be read or two specs do not agree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// Malformed spec text.
    #[error("bad fingerprint spec '{text}': {reason}")]
    Malformed {
        /// The text.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// Written by a different spec version.
    #[error("fingerprint spec version {found} is not supported (this build reads version {SPEC_VERSION})")]
    Version {
        /// Version found.
        found: u32,
    },
    /// Two fingerprint sets were made differently.
    #[error("fingerprints do not match: '{0}' vs '{1}'")]
    Mismatch(String, String),
}

const COUNT_BOUNDS: [u32; 4] = [1, 2, 4, 8];

impl FingerprintSpec {
    /// RDKit's defaults for `kind` (Morgan radius 3 as `GetMorganGenerator`;
    /// use [`FingerprintSpec::morgan`] for ECFP4).
    pub fn new(kind: Kind) -> FingerprintSpec {
        let base = FingerprintSpec {
            kind,
            size: 2048,
            radius: 3,
            use_bond_types: true,
            include_ring_membership: true,
            include_chirality: false,
            min_length: 1,
            max_length: 30,
            torsion_atoms: 4,
            branched_paths: true,
            bits_per_feature: 1,
            count_simulation: false,
        };
        match kind {
            Kind::Morgan | Kind::FeatureMorgan => base,
            Kind::AtomPair => FingerprintSpec {
                count_simulation: true,
                ..base
            },
            Kind::Torsion => FingerprintSpec {
                count_simulation: true,
                ..base
            },
            Kind::RdkitPath => FingerprintSpec {
                max_length: 7,
                bits_per_feature: 2,
                ..base
            },
            Kind::Maccs => FingerprintSpec { size: 167, ..base },
            Kind::Pattern => FingerprintSpec { size: 2048, ..base },
        }
    }

    /// Morgan with a radius and size (`morgan(2, 2048)` is ECFP4).
    pub fn morgan(radius: u32, size: u32) -> FingerprintSpec {
        FingerprintSpec {
            radius,
            size,
            ..FingerprintSpec::new(Kind::Morgan)
        }
    }

    /// Checks sizes and bounds.
    pub fn validate(&self) -> Result<(), SpecError> {
        let bad = |reason: &str| {
            Err(SpecError::Malformed {
                text: self.to_string(),
                reason: reason.to_string(),
            })
        };
        if self.size == 0 {
            return bad("size must be positive");
        }
        if self.kind == Kind::Maccs && self.size != 167 {
            return bad("MACCS keys have 167 bits");
        }
        if self.include_chirality && !matches!(self.kind, Kind::Morgan | Kind::FeatureMorgan) {
            return bad("chirality applies to Morgan and FCFP fingerprints");
        }
        if self.count_simulation && self.size < 8 {
            return bad("count simulation needs at least 8 bits");
        }
        if matches!(self.kind, Kind::AtomPair)
            && (self.max_length > 30 || self.min_length > self.max_length)
        {
            return bad("atom-pair distances must satisfy min <= max <= 30");
        }
        if matches!(self.kind, Kind::RdkitPath)
            && (self.min_length == 0 || self.min_length > self.max_length)
        {
            return bad("path lengths must satisfy 1 <= min <= max");
        }
        if self.kind == Kind::Torsion && self.torsion_atoms < 2 {
            return bad("torsions need at least 2 atoms");
        }
        if self.bits_per_feature == 0 {
            return bad("bits per feature must be positive");
        }
        Ok(())
    }

    /// Checks that fingerprints made with `other` can be combined with these.
    pub fn check_compatible(&self, other: &FingerprintSpec) -> Result<(), SpecError> {
        if self == other {
            Ok(())
        } else {
            Err(SpecError::Mismatch(self.to_string(), other.to_string()))
        }
    }

    /// Parses the text [`fmt::Display`] writes.
    pub fn parse(text: &str) -> Result<FingerprintSpec, SpecError> {
        let malformed = |reason: String| SpecError::Malformed {
            text: text.to_string(),
            reason,
        };
        let mut words = text.split_whitespace();
        let head = words.next().unwrap_or("");
        let version = head
            .strip_prefix("shennong/")
            .ok_or_else(|| malformed("expected 'shennong/<version>' first".into()))?;
        let version: u32 = version
            .parse()
            .map_err(|_| malformed(format!("bad version '{version}'")))?;
        if version != SPEC_VERSION {
            return Err(SpecError::Version { found: version });
        }
        let kind_name = words.next().unwrap_or("");
        let kind = Kind::from_name(kind_name)
            .ok_or_else(|| malformed(format!("unknown kind '{kind_name}'")))?;
        let mut spec = FingerprintSpec::new(kind);
        for w in words {
            let (k, v) = w
                .split_once('=')
                .ok_or_else(|| malformed(format!("expected key=value, found '{w}'")))?;
            let num = || -> Result<u32, SpecError> {
                v.parse()
                    .map_err(|_| malformed(format!("bad number in '{w}'")))
            };
            let flag = || -> Result<bool, SpecError> {
                match v {
                    "0" => Ok(false),
                    "1" => Ok(true),
                    _ => Err(malformed(format!("expected 0 or 1 in '{w}'"))),
                }
            };
            match k {
                "size" => spec.size = num()?,
                "radius" => spec.radius = num()?,
                "bond_types" => spec.use_bond_types = flag()?,
                "ring_membership" => spec.include_ring_membership = flag()?,
                "chirality" => spec.include_chirality = flag()?,
                "min" => spec.min_length = num()?,
                "max" => spec.max_length = num()?,
                "atoms" => spec.torsion_atoms = num()?,
                "branched" => spec.branched_paths = flag()?,
                "bits_per_feature" => spec.bits_per_feature = num()?,
                "count_simulation" => spec.count_simulation = flag()?,
                _ => return Err(malformed(format!("unknown parameter '{k}'"))),
            }
        }
        spec.validate()?;
        Ok(spec)
    }

    /// Unfolded feature ids, one per environment, path, pair or torsion.
    fn feature_ids(&self, mol: &Mol) -> Vec<u32> {
        match self.kind {
            Kind::Morgan | Kind::FeatureMorgan => {
                self.morgan_environments(mol).iter().map(|e| e.id).collect()
            }
            Kind::AtomPair => atom_pair_ids(mol, self.min_length, self.max_length),
            Kind::Torsion => torsion_ids(mol, self.torsion_atoms as usize),
            Kind::RdkitPath => path_ids(
                mol,
                &PathOptions {
                    min_path: self.min_length,
                    max_path: self.max_length,
                    branched: self.branched_paths,
                    ..PathOptions::default()
                },
            ),
            Kind::Maccs | Kind::Pattern => Vec::new(),
        }
    }

    /// Unfolded sparse counts, as RDKit's legacy `GetMorganFingerprint(mol, r)`
    /// (32-bit environment ids; `useFeatures=True` for FCFP) and
    /// `GetAtomPairFingerprint(mol, minLength, maxLength)` (unhashed pair codes)
    /// return them; torsion and path kinds give their hashed 32-bit ids.
    /// The index space is 2^32. Tanimoto on these equals RDKit's
    /// `TanimotoSimilarity` on the `SparseIntVect`s.
    pub fn unfolded_counts(&self, mol: &Mol) -> CountFingerprint {
        let ids = match self.kind {
            Kind::AtomPair => atom_pair_codes(mol, self.min_length, self.max_length),
            Kind::Maccs | Kind::Pattern => return self.counts(mol),
            _ => self.feature_ids(mol),
        };
        CountFingerprint::from_pairs(1 << 32, ids.into_iter().map(|i| (i, 1)).collect())
    }

    /// Counts per folded index of `fold` bins, with RDKit's extra bits per
    /// feature drawn from a Mersenne Twister seeded with the feature id.
    fn folded_counts(&self, mol: &Mol, fold: u32) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        self.for_each_folded(mol, fold, |idx| out.push((idx, 1)));
        out
    }

    /// Calls `f` with each folded index of `fold` bins, once per feature and
    /// extra bit (so an index comes as often as it counts).
    fn for_each_folded(&self, mol: &Mol, fold: u32, mut f: impl FnMut(u32)) {
        let extra = self.bits_per_feature.saturating_sub(1) as usize;
        let mut draws = vec![0u32; extra];
        let mut emit = |id: u32| {
            f(id % fold);
            if extra > 0 {
                twister_outputs(id, &mut draws);
                for &d in &draws {
                    // boost's uniform_int(0, INT_MAX) over a 32-bit engine
                    f((d >> 1) % fold);
                }
            }
        };
        match self.kind {
            // the environments straight from the enumeration, without a
            // vector of their ids in between
            Kind::Morgan | Kind::FeatureMorgan if extra == 0 => {
                for env in self.morgan_environments(mol) {
                    f(env.id % fold);
                }
            }
            Kind::Morgan | Kind::FeatureMorgan => {
                for env in self.morgan_environments(mol) {
                    emit(env.id);
                }
            }
            _ => {
                for id in self.feature_ids(mol) {
                    emit(id);
                }
            }
        }
    }

    fn morgan_environments(&self, mol: &Mol) -> Vec<MorganEnv> {
        let inv = if self.kind == Kind::Morgan {
            connectivity_invariants(mol, self.include_ring_membership)
        } else {
            feature_invariants(mol)
        };
        morgan_environments_with_chirality(
            mol,
            &inv,
            self.radius,
            self.use_bond_types,
            self.include_chirality,
        )
    }

    /// The bit fingerprint of a molecule.
    pub fn bits(&self, mol: &Mol) -> BitFingerprint {
        match self.kind {
            Kind::Maccs => return maccs(mol),
            Kind::Pattern => return pattern_fingerprint(mol, self.size),
            _ => {}
        }
        let mut fp = BitFingerprint::new(self.size);
        if self.count_simulation {
            let bins = COUNT_BOUNDS.len() as u32;
            let counts = CountFingerprint::from_pairs(
                u64::from(self.size),
                self.folded_counts(mol, self.size / bins),
            );
            for &(idx, c) in counts.counts() {
                for (k, &bound) in COUNT_BOUNDS.iter().enumerate() {
                    if c >= bound {
                        fp.set(idx * bins + k as u32);
                    }
                }
            }
        } else {
            self.for_each_folded(mol, self.size, |idx| fp.set(idx));
        }
        fp
    }

    /// The count fingerprint of a molecule, folded to `size` (RDKit's
    /// `GetCountFingerprint`); MACCS and pattern give their bits as counts of 1.
    pub fn counts(&self, mol: &Mol) -> CountFingerprint {
        match self.kind {
            Kind::Maccs | Kind::Pattern => {
                let bits = self.bits(mol);
                CountFingerprint::from_pairs(
                    u64::from(self.size),
                    bits.on_bits().into_iter().map(|b| (b, 1)).collect(),
                )
            }
            _ => CountFingerprint::from_pairs(
                u64::from(self.size),
                self.folded_counts(mol, self.size),
            ),
        }
    }
}

impl fmt::Display for FingerprintSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "shennong/{SPEC_VERSION} {} size={}",
            self.kind.name(),
            self.size
        )?;
        let b = u8::from;
        match self.kind {
            // `chirality=1` only when set, so that specs written before the
            // option existed read and compare as before
            Kind::Morgan => write!(
                f,
                " radius={} bond_types={} ring_membership={}{}",
                self.radius,
                b(self.use_bond_types),
                b(self.include_ring_membership),
                if self.include_chirality {
                    " chirality=1"
                } else {
                    ""
                }
            ),
            Kind::FeatureMorgan => write!(
                f,
                " radius={} bond_types={}{}",
                self.radius,
                b(self.use_bond_types),
                if self.include_chirality {
                    " chirality=1"
                } else {
                    ""
                }
            ),
            Kind::AtomPair => write!(
                f,
                " min={} max={} count_simulation={}",
                self.min_length,
                self.max_length,
                b(self.count_simulation)
            ),
            Kind::Torsion => write!(
                f,
                " atoms={} count_simulation={}",
                self.torsion_atoms,
                b(self.count_simulation)
            ),
            Kind::RdkitPath => write!(
                f,
                " min={} max={} branched={} bits_per_feature={}",
                self.min_length,
                self.max_length,
                b(self.branched_paths),
                self.bits_per_feature
            ),
            Kind::Maccs | Kind::Pattern => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_text_round_trips() {
        for kind in [
            Kind::Morgan,
            Kind::FeatureMorgan,
            Kind::AtomPair,
            Kind::Torsion,
            Kind::RdkitPath,
            Kind::Maccs,
            Kind::Pattern,
        ] {
            let spec = FingerprintSpec::new(kind);
            assert_eq!(FingerprintSpec::parse(&spec.to_string()).unwrap(), spec);
        }
        assert!(matches!(
            FingerprintSpec::parse("shennong/9 morgan"),
            Err(SpecError::Version { found: 9 })
        ));
        assert!(FingerprintSpec::parse("shennong/1 morgan size=0").is_err());
        assert!(FingerprintSpec::parse("shennong/1 morgan colour=red").is_err());
    }

    #[test]
    fn chirality_option_round_trips_and_is_refused_off_morgan() {
        let spec = FingerprintSpec {
            include_chirality: true,
            ..FingerprintSpec::morgan(2, 2048)
        };
        let text = spec.to_string();
        assert!(text.ends_with(" chirality=1"), "{text}");
        assert_eq!(FingerprintSpec::parse(&text).unwrap(), spec);
        // specs written before the option read as achiral
        assert!(!FingerprintSpec::morgan(2, 2048)
            .to_string()
            .contains("chirality"));
        assert!(FingerprintSpec::parse("shennong/1 maccs size=167 chirality=1").is_err());
    }
}
