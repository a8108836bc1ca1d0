//! Generative design for Shennong: molecule edits that always give
//! sanitized molecules ([`edit`]), a graph genetic algorithm ([`ga`]),
//! REINVENT-style composable scoring configured in TOML ([`scoring`]), a
//! counted, cached and budgeted oracle with a scaffold diversity filter
//! ([`oracle`]), and the PMO benchmark's oracles ([`pmo`]).
//!
//! ```
//! use shennong_generate::{ga::{GaConfig, GraphGa}, oracle::Oracle, pmo::pmo_scoring};
//! let scoring = pmo_scoring("qed").unwrap();
//! let mut oracle = Oracle::new(&scoring, 300, None);
//! let start: Vec<_> = ["CCO", "c1ccccc1CC(=O)O", "CC(C)Cc1ccc(C(C)C(=O)O)cc1", "CN1CCC[C@H]1c1cccnc1"]
//!     .iter().map(|s| shennong_smiles::parse(s).unwrap()).collect();
//! let mut ga = GraphGa::new(GaConfig { population: 20, offspring: 20, ..GaConfig::default() }, 1, 0);
//! ga.start(start, &mut oracle);
//! ga.run(&mut oracle, |_, _| true);
//! assert!(oracle.calls() <= 300);
//! assert!(oracle.best() > 0.7);
//! ```
#![deny(missing_docs)]

pub mod design;
pub mod edit;
pub mod ga;
pub mod oracle;
pub mod pmo;
pub mod rng;
pub mod scoring;

/// Errors of the design library.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A bad configuration (scoring, task, formula, reference molecule).
    #[error("{0}")]
    Config(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A run directory cannot be resumed.
    #[error("cannot resume: {0}")]
    Resume(String),
    /// A result table could not be written.
    #[error(transparent)]
    Table(#[from] shennong_io::IoError),
}
