//! The crate's one error type.

use std::path::PathBuf;

/// What went wrong building, opening or searching an index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a Shennong index.
    #[error("{path}: not a Shennong index (.shx) file")]
    NotAnIndex {
        /// The file.
        path: PathBuf,
    },
    /// The file was written with another layout version.
    #[error("{path}: index format version {found}; this build reads version {supported}: rebuild the index with `shennong index build`")]
    Version {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        supported: u32,
    },
    /// The file is truncated or inconsistent.
    #[error("{path}: damaged index: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is inconsistent.
        reason: String,
    },
    /// A query fingerprint was made differently from the index's.
    #[error("query fingerprints do not match the index: the index holds '{index}', the query is '{query}'")]
    SpecMismatch {
        /// The index's fingerprint type.
        index: String,
        /// The query's fingerprint type.
        query: String,
    },
    /// The index lacks a column the operation needs.
    #[error("the index has no {what}: {why}")]
    Missing {
        /// The column.
        what: &'static str,
        /// How it came to be missing, and what to do.
        why: &'static str,
    },
    /// A parameter is out of range.
    #[error("{0}")]
    Invalid(String),
}

impl IndexError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> IndexError {
        IndexError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn corrupt(path: &std::path::Path, reason: impl Into<String>) -> IndexError {
        IndexError::Corrupt {
            path: path.to_path_buf(),
            reason: reason.into(),
        }
    }
}
