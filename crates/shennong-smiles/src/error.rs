//! SMILES errors that point at the offending column.

use std::fmt;

use shennong_mol::MolError;

/// A syntax error in a SMILES string, with the 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmilesError {
    /// 1-based column of the problem.
    pub column: usize,
    /// What is wrong.
    pub reason: String,
    /// The SMILES that was read.
    pub input: String,
}

impl SmilesError {
    /// The input with a caret under the offending column:
    ///
    /// ```text
    /// C1CC
    /// ^
    /// ```
    pub fn caret(&self) -> String {
        format!(
            "{}\n{}^",
            self.input,
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

impl fmt::Display for SmilesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SMILES error at column {}: {}", self.column, self.reason)
    }
}

impl std::error::Error for SmilesError {}

/// Why a SMILES could not be turned into a molecule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Malformed SMILES text.
    #[error(transparent)]
    Syntax(#[from] SmilesError),
    /// Well-formed text describing impossible chemistry (valence, kekulisation).
    #[error(transparent)]
    Chemistry(#[from] MolError),
}

impl ParseError {
    /// 1-based column of a syntax error, if it is one.
    pub fn column(&self) -> Option<usize> {
        match self {
            ParseError::Syntax(e) => Some(e.column),
            ParseError::Chemistry(_) => None,
        }
    }
}
