//! Molecular fingerprints for Shennong, bit-identical to RDKit's
//! `rdFingerprintGenerator` (Morgan/ECFP, FCFP, atom pair, topological
//! torsion, RDKit path) and `MACCSkeys`, plus a substructure-screening
//! fingerprint, similarity measures and chemfp's FPS files.
//!
//! Each fingerprint is defined by a versioned [`FingerprintSpec`]:
//!
//! ```
//! use shennong_fingerprint::{FingerprintSpec, Kind};
//! let ecfp4 = FingerprintSpec::morgan(2, 2048);
//! assert_eq!(ecfp4.to_string(), "shennong/1 morgan size=2048 radius=2 bond_types=1 ring_membership=1");
//! let a = ecfp4.bits(&shennong_smiles::parse("c1ccccc1O").unwrap());
//! let b = ecfp4.bits(&shennong_smiles::parse("c1ccccc1N").unwrap());
//! assert!(a.tanimoto(&b) > 0.2 && a.tanimoto(&b) < 1.0);
//! let maccs = FingerprintSpec::new(Kind::Maccs).bits(&shennong_smiles::parse("CCO").unwrap());
//! assert_eq!(maccs.len(), 167);
//! ```
#![deny(missing_docs)]

pub mod atompair;
mod fp;
pub mod fps;
pub mod hash;
pub mod maccs;
mod maccs_patterns;
pub mod morgan;
pub mod pattern;
pub mod pharm2d;
pub mod rdkit_path;
mod spec;

pub use fp::{BitFingerprint, CountFingerprint};
pub use spec::{FingerprintSpec, Kind, SpecError, SPEC_VERSION};
