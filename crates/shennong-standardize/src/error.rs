//! Errors of the standardisation steps.

use shennong_mol::MolError;
use shennong_smarts::SmartsError;
use thiserror::Error;

/// Why a molecule or a definition could not be standardised.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StandardizeError {
    /// A step produced a molecule that cannot be perceived (kekulised,
    /// valence-checked); the input is left unchanged.
    #[error("{step}: {source}")]
    Perception {
        /// The step that failed.
        step: &'static str,
        /// Why perception failed.
        source: MolError,
    },
    /// A pattern of a built-in or user definition did not parse.
    #[error("{origin}, line {line}: SMARTS error at column {}: {}\n{}", .source.column, .source.reason, .source.caret())]
    Pattern {
        /// The file or table the pattern came from.
        origin: String,
        /// 1-based line in that file.
        line: usize,
        /// The parser's report.
        source: SmartsError,
    },
    /// A line of a user definition file is malformed.
    #[error("{origin}, line {line}: {reason}")]
    Definition {
        /// The file the line came from.
        origin: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, StandardizeError>;

/// Parses a SMARTS of a definition (`origin`, 1-based `line`) into a query,
/// reporting a bad pattern as [`StandardizeError::Pattern`].
pub(crate) fn parse_pattern(
    text: &str,
    origin: &str,
    line: usize,
) -> Result<shennong_smarts::Query> {
    shennong_smarts::parse(text).map_err(|source| StandardizeError::Pattern {
        origin: origin.to_string(),
        line,
        source,
    })
}
