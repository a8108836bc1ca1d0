//! Property and activity models (QSAR/ADMET) for Shennong: featurisers on
//! Shennong fingerprints and descriptors, four learners (Tanimoto-kernel
//! Gaussian process, random forest, gradient boosting, k-nearest
//! neighbours), cross-validated selection, conformal prediction intervals,
//! an applicability-domain score, evaluation metrics, splits, and a
//! versioned, self-contained model file.
//!
//! ```
//! use shennong_model::{FeaturizerSpec, LearnerKind, Model, Task, TrainOptions, TrainingSet};
//! let smiles = ["CCO", "CCCO", "CCCCO", "CCCCCO", "CCCCCCO", "CCCCCCCO", "OCCO", "OCCCO",
//!               "c1ccccc1O", "Cc1ccccc1O", "CCc1ccccc1O", "CCCc1ccccc1O"];
//! let mols: Vec<_> = smiles.iter().map(|s| shennong_smiles::parse(s).unwrap()).collect();
//! let y: Vec<f64> = mols.iter().map(|m| m.num_atoms() as f64).collect();
//! let data = TrainingSet {
//!     smiles: smiles.iter().map(|s| s.to_string()).collect(),
//!     mols,
//!     targets: vec![("heavy_atoms".into(), y)],
//! };
//! let options = TrainOptions { learner: Some(LearnerKind::Gp), folds: 3, ..Default::default() };
//! let spec = FeaturizerSpec::from_name("ecfp4-counts", 2048).unwrap();
//! let model = Model::train(&data, spec, Task::Regression, &options, "doc", &mut |_| {}).unwrap();
//! let f = model.compile_featurizer().unwrap();
//! let p = model.predict_one(&f, &shennong_smiles::parse("CCCCO").unwrap(), 0.9).unwrap();
//! assert!(p.targets[0].lo <= p.targets[0].value && p.targets[0].value <= p.targets[0].hi);
//! assert_eq!(p.ad_similarity, 1.0);
//! ```
#![deny(missing_docs)]

mod error;
pub mod features;
pub mod kernel;
pub mod learners;
pub mod linalg;
pub mod metrics;
pub mod model;
pub mod split;
pub mod train;
pub mod tree;

pub use error::{ModelError, Result};
pub use features::{FeatureBlock, Featurizer, FeaturizerSpec, SparseRow};
pub use learners::{Learner, LearnerKind, Task};
pub use metrics::Metrics;
pub use model::{evaluate, Model, MolPrediction, TargetPrediction, TrainingSet, FORMAT_VERSION};
pub use split::{kfold, murcko_scaffold, random_split, scaffold_split, Split};
pub use train::{Calibration, TrainOptions};
