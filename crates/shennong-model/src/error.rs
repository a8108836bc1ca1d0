//! The one error type of the model crate.

/// Why training, prediction or a model file failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A featuriser name or spec that cannot be used.
    #[error("features: {0}")]
    Features(String),
    /// Training data that cannot train this model (too few rows, constant target, ...).
    #[error("training data: {0}")]
    Data(String),
    /// A learner setting that cannot be used.
    #[error("learner: {0}")]
    Learner(String),
    /// Numerical failure (a kernel matrix that is not positive definite even with jitter).
    #[error("numerical: {0}")]
    Numerical(String),
    /// A model file that is not one, is damaged, or was written by another format version.
    #[error("model file {path}: {reason}")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// The model file does not match what it is used with.
    #[error("model mismatch: {0}")]
    Mismatch(String),
    /// Reading or writing failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, ModelError>;
