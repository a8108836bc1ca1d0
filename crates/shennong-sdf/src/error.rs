//! Molfile errors with line and column.

use std::fmt;

/// A malformed molfile: 1-based line within the record, 1-based column, reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MolfileError {
    /// 1-based line within the record.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for MolfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "molfile error at line {}, column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for MolfileError {}

/// Why a molfile could not become a molecule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Malformed text.
    #[error(transparent)]
    Syntax(#[from] MolfileError),
    /// Impossible chemistry.
    #[error(transparent)]
    Chemistry(#[from] shennong_mol::MolError),
}

/// Why a molecule could not be written as a molfile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The generated 2D layout cannot express a stereo element; we never drop stereo silently.
    #[error("the 2D layout cannot express the stereo of {what}; an SD file would lose it (write SMILES instead)")]
    StereoLayout {
        /// Which atom or bond.
        what: String,
    },
    /// A bond order the molfile format has no type for (quadruple): written
    /// as another type it would read back as another molecule.
    #[error("bond {bond} is a quadruple bond, which a molfile cannot hold; an SD file would change it (write SMILES instead)")]
    UnwritableBond {
        /// Which bond (1-based).
        bond: usize,
    },
    /// A data item name that an SD file cannot hold (empty, or with a line
    /// break): it would read back as another item, or not at all.
    #[error(
        "data item name {name:?} cannot be written to an SD file (empty, or holding a line break)"
    )]
    DataItemName {
        /// The name.
        name: String,
    },
    /// No Kekulé form.
    #[error(transparent)]
    Chemistry(#[from] shennong_mol::MolError),
}
