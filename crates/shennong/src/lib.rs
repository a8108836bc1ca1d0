//! Shennong: one fast, dependable toolkit for early drug discovery.
//!
//! This facade re-exports the workspace crates; it has no logic of its own.
//!
//! - [`mol`]: the molecule graph and perception (RDKit semantics)
//! - [`smiles`]: SMILES reading and canonical writing
//! - [`sdf`]: molfiles and SD files
//! - [`io`]: streaming readers and atomic writers by file format
//! - [`smarts`]: SMARTS queries and substructure matching
//! - [`fingerprint`]: RDKit-identical fingerprints, similarity, FPS files
//! - [`index`]: memory-mapped library index; similarity, NxN, Butina, MaxMin and substructure search
//! - [`descriptors`]: RDKit-compatible 2D descriptors, QED, SA score
//! - [`filter`]: structural alert catalogs (PAINS, Brenk, NIH, ZINC, ChEMBL)
//! - [`model`]: QSAR/ADMET models with conformal intervals and an applicability domain
//!
//! ```
//! let mol = shennong::smiles::parse("c1ccccc1C(=O)O").unwrap();
//! assert_eq!(mol.formula(), "C7H6O2");
//! ```
#![deny(missing_docs)]

pub use shennong_descriptors as descriptors;
pub use shennong_filter as filter;
pub use shennong_fingerprint as fingerprint;
pub use shennong_generate as generate;
pub use shennong_index as index;
pub use shennong_io as io;
pub use shennong_model as model;
pub use shennong_mol as mol;
pub use shennong_sdf as sdf;
pub use shennong_smarts as smarts;
pub use shennong_smiles as smiles;
pub use shennong_standardize as standardize;
