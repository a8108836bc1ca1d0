//! SMARTS syntax errors that point at the offending column.

use std::fmt;

/// A syntax error in a SMARTS pattern, with the 1-based column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmartsError {
    /// 1-based column of the problem.
    pub column: usize,
    /// What is wrong.
    pub reason: String,
    /// The SMARTS that was read.
    pub input: String,
}

impl SmartsError {
    /// The input with a caret under the offending column.
    pub fn caret(&self) -> String {
        format!(
            "{}\n{}^",
            self.input,
            " ".repeat(self.column.saturating_sub(1))
        )
    }
}

impl fmt::Display for SmartsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SMARTS error at column {}: {}", self.column, self.reason)
    }
}

impl std::error::Error for SmartsError {}
