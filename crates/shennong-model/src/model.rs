//! The model file: one self-contained, versioned document holding the
//! featuriser spec, the fitted learner of every target, its calibration,
//! the training data's fingerprint (size and SHA-256), the applicability
//! domain's fingerprints, metrics and provenance.
//!
//! Stored as gzip-compressed JSON. Loading parses data only: nothing in a
//! model file is executed, and every index in it is checked before use.
//! A file of another format version, or made with fingerprint or
//! descriptor definitions this build does not have, is refused with a
//! message that says which.

use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shennong_fingerprint::{BitFingerprint, FingerprintSpec};
use shennong_mol::Mol;

use crate::error::{ModelError, Result};
use crate::features::{Featurizer, FeaturizerSpec, SparseRow};
use crate::kernel::Kernel;
use crate::learners::{Learner, LearnerKind, Task};
use crate::metrics::Metrics;
use crate::train::{train_target, Calibration, Candidate, TrainOptions};

/// The `format` field of every model file.
pub const FORMAT: &str = "shennong-model";
/// The model file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// Largest decompressed model this build loads (guards against
/// decompression bombs).
const MAX_MODEL_BYTES: u64 = 8 << 30;

/// Training rows: molecules, their canonical SMILES, and target columns
/// (NaN where a row has no value for a target).
pub struct TrainingSet {
    /// Perceived molecules.
    pub mols: Vec<Mol>,
    /// Canonical SMILES, one per molecule (hashed into the model file).
    pub smiles: Vec<String>,
    /// `(name, values)` per target.
    pub targets: Vec<(String, Vec<f64>)>,
}

/// Size and hash of the data a model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingData {
    /// Rows used.
    pub rows: usize,
    /// SHA-256 of the rows' canonical SMILES and target values, as hex.
    pub sha256: String,
}

/// Who made the model, when, how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `shennong <version>`.
    pub software: String,
    /// Seconds since the Unix epoch.
    pub created_unix: u64,
    /// The command line or call that trained it.
    pub command: String,
}

/// The applicability domain: training molecules' ECFP4 bits, against which
/// a query's nearest-neighbour Tanimoto similarity is reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Fingerprint spec text.
    pub spec: String,
    /// Hex fingerprints of the training molecules.
    pub fingerprints: Vec<String>,
    #[serde(skip)]
    parsed: Vec<BitFingerprint>,
}

/// One target's fitted model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetModel {
    /// Target (column) name.
    pub name: String,
    /// The fitted learner.
    pub learner: Learner,
    /// Interval calibration (regression).
    pub calibration: Option<Calibration>,
    /// Learners cross-validated, best first (one unless auto).
    pub candidates: Vec<Candidate>,
    /// Rows this target was trained on.
    pub rows: usize,
}

/// A trained, saved or loaded model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Regression or classification.
    pub task: Task,
    /// The featuriser.
    pub featurizer: FeaturizerSpec,
    /// Kernel used by GP and k-NN learners.
    pub kernel: Kernel,
    /// One model per target.
    pub targets: Vec<TargetModel>,
    /// Applicability domain.
    pub domain: Domain,
    /// Training-data fingerprint.
    pub training: TrainingData,
    /// Provenance.
    pub provenance: Provenance,
}

/// A prediction for one target of one molecule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetPrediction {
    /// Predicted value (probability of class 1 for classification).
    pub value: f64,
    /// Lower end of the interval (NaN for classification).
    pub lo: f64,
    /// Upper end of the interval (NaN for classification).
    pub hi: f64,
}

/// All predictions for one molecule.
#[derive(Debug, Clone, PartialEq)]
pub struct MolPrediction {
    /// One per target, in model order.
    pub targets: Vec<TargetPrediction>,
    /// Nearest training-set Tanimoto similarity on ECFP4 (1 = in the training set).
    pub ad_similarity: f64,
}

fn domain_spec() -> FingerprintSpec {
    FingerprintSpec::morgan(2, 2048)
}

/// The interval around a prediction from the target's calibration.
fn interval(t: &TargetModel, p: crate::learners::Prediction, coverage: f64) -> TargetPrediction {
    let (lo, hi) = match &t.calibration {
        Some(c) => {
            let w = c.half_width(p.sigma, coverage);
            (p.value - w, p.value + w)
        }
        None => (f64::NAN, f64::NAN),
    };
    TargetPrediction {
        value: p.value,
        lo,
        hi,
    }
}

/// SHA-256 of the training rows.
pub fn training_hash(smiles: &[String], targets: &[(String, Vec<f64>)]) -> String {
    let mut h = Sha256::new();
    for (name, _) in targets {
        h.update(name.as_bytes());
        h.update(b"\t");
    }
    h.update(b"\n");
    for (i, s) in smiles.iter().enumerate() {
        h.update(s.as_bytes());
        for (_, values) in targets {
            h.update(format!("\t{:?}", values.get(i).copied().unwrap_or(f64::NAN)).as_bytes());
        }
        h.update(b"\n");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Model {
    /// Trains one model per target. `report` hears progress lines.
    pub fn train(
        data: &TrainingSet,
        featurizer: FeaturizerSpec,
        task: Task,
        options: &TrainOptions,
        command: &str,
        report: &mut dyn FnMut(&str),
    ) -> Result<Model> {
        if data.targets.is_empty() {
            return Err(ModelError::Data("no target column".into()));
        }
        let compiled = featurizer.compile()?;
        let dim = compiled.dim() as usize;
        let rows: Vec<SparseRow> = data.mols.par_iter().map(|m| compiled.row(m)).collect();
        let kernel = if compiled.is_fingerprint_only() {
            Kernel::MinMax
        } else {
            Kernel::rbf_for(&rows, dim)
        };
        let mut targets = Vec::new();
        for (name, values) in &data.targets {
            let keep: Vec<usize> = (0..rows.len())
                .filter(|&i| values.get(i).is_some_and(|v| v.is_finite()))
                .collect();
            let tr: Vec<SparseRow> = keep.iter().filter_map(|&i| rows.get(i).cloned()).collect();
            let ty: Vec<f64> = keep
                .iter()
                .filter_map(|&i| values.get(i).copied())
                .collect();
            let opts = TrainOptions {
                groups: options
                    .groups
                    .as_ref()
                    .map(|g| keep.iter().filter_map(|&i| g.get(i).cloned()).collect()),
                ..options.clone()
            };
            report(&format!(
                "target {name}: {} rows, {dim} features ({})",
                tr.len(),
                featurizer.name
            ));
            let trained =
                train_target(&tr, &ty, dim, &kernel, task, &opts, report).map_err(|e| match e {
                    ModelError::Data(m) => ModelError::Data(format!("target {name}: {m}")),
                    other => other,
                })?;
            targets.push(TargetModel {
                name: name.clone(),
                learner: trained.learner,
                calibration: trained.calibration,
                candidates: trained.candidates,
                rows: tr.len(),
            });
        }
        let spec = domain_spec();
        let parsed: Vec<BitFingerprint> = data.mols.par_iter().map(|m| spec.bits(m)).collect();
        let created_unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Ok(Model {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            task,
            featurizer,
            kernel,
            targets,
            domain: Domain {
                spec: spec.to_string(),
                fingerprints: parsed.iter().map(BitFingerprint::to_hex).collect(),
                parsed,
            },
            training: TrainingData {
                rows: data.mols.len(),
                sha256: training_hash(&data.smiles, &data.targets),
            },
            provenance: Provenance {
                software: format!("shennong {}", env!("CARGO_PKG_VERSION")),
                created_unix,
                command: command.to_string(),
            },
        })
    }

    /// The compiled featuriser (checks the specs against this build).
    pub fn compile_featurizer(&self) -> Result<Featurizer> {
        self.featurizer.compile()
    }

    /// Predicts every target for each molecule, with intervals at `coverage`
    /// (e.g. 0.9) and the applicability-domain similarity. Rows are
    /// predicted together (the GP solves for their variances in blocks).
    pub fn predict(
        &self,
        featurizer: &Featurizer,
        mols: &[Mol],
        coverage: f64,
    ) -> Result<Vec<MolPrediction>> {
        let rows: Vec<SparseRow> = mols.par_iter().map(|m| featurizer.row(m)).collect();
        let mut per_target = Vec::with_capacity(self.targets.len());
        for t in &self.targets {
            per_target.push(t.learner.predict(&rows, self.task)?);
        }
        let ad: Vec<f64> = mols.par_iter().map(|m| self.ad_similarity(m)).collect();
        Ok(ad
            .into_iter()
            .enumerate()
            .map(|(i, ad_similarity)| MolPrediction {
                targets: self
                    .targets
                    .iter()
                    .zip(&per_target)
                    .filter_map(|(t, preds)| preds.get(i).map(|p| interval(t, *p, coverage)))
                    .collect(),
                ad_similarity,
            })
            .collect())
    }

    /// Predicts one molecule.
    pub fn predict_one(
        &self,
        featurizer: &Featurizer,
        mol: &Mol,
        coverage: f64,
    ) -> Result<MolPrediction> {
        let row = featurizer.row(mol);
        let mut targets = Vec::with_capacity(self.targets.len());
        for t in &self.targets {
            let p = t.learner.predict_one(&row, self.task)?;
            targets.push(interval(t, p, coverage));
        }
        Ok(MolPrediction {
            targets,
            ad_similarity: self.ad_similarity(mol),
        })
    }

    /// Nearest training-set Tanimoto similarity on ECFP4.
    pub fn ad_similarity(&self, mol: &Mol) -> f64 {
        let fp = domain_spec().bits(mol);
        self.domain
            .parsed
            .iter()
            .map(|t| fp.tanimoto(t))
            .fold(0.0, f64::max)
    }

    /// Names of the targets.
    pub fn target_names(&self) -> Vec<&str> {
        self.targets.iter().map(|t| t.name.as_str()).collect()
    }

    /// Serialises to the file bytes (gzip JSON).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let json = serde_json::to_vec(self)
            .map_err(|e| ModelError::Learner(format!("cannot serialise: {e}")))?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&json)?;
        Ok(gz.finish()?)
    }

    /// Writes the model atomically (temp file in the same folder, then rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".shennong-model")
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .tempfile_in(&dir)?;
        tmp.write_all(&bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| ModelError::Io(e.error))?;
        Ok(())
    }

    /// Reads a model file.
    pub fn load(path: &Path) -> Result<Model> {
        let bytes = std::fs::read(path)?;
        Model::from_bytes(&bytes, &path.display().to_string())
    }

    /// Parses model bytes; `name` is used in messages.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<Model> {
        let bad = |reason: String| ModelError::File {
            path: name.to_string(),
            reason,
        };
        if !bytes.starts_with(&[0x1f, 0x8b]) {
            return Err(bad("not a Shennong model file (no gzip header)".into()));
        }
        let mut json = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_MODEL_BYTES)
            .read_to_end(&mut json)
            .map_err(|e| bad(format!("damaged compressed data: {e}")))?;
        let value: serde_json::Value = serde_json::from_slice(&json)
            .map_err(|e| bad(format!("not a Shennong model file: {e}")))?;
        if value.get("format").and_then(|v| v.as_str()) != Some(FORMAT) {
            return Err(bad(format!(
                "not a Shennong model file (format is not '{FORMAT}')"
            )));
        }
        let version = value.get("format_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(FORMAT_VERSION)) {
            return Err(bad(format!(
                "written as model format version {}; this build reads version {FORMAT_VERSION}: retrain the model or use a matching Shennong",
                version.map_or("?".to_string(), |v| v.to_string())
            )));
        }
        let mut model: Model =
            serde_json::from_value(value).map_err(|e| bad(format!("damaged model: {e}")))?;
        model.restore().map_err(|e| match e {
            ModelError::Mismatch(m) => ModelError::Mismatch(format!("{name}: {m}")),
            other => bad(other.to_string()),
        })?;
        Ok(model)
    }

    /// Rebuilds derived state after loading and checks consistency.
    fn restore(&mut self) -> Result<()> {
        let featurizer = self.featurizer.compile()?;
        let spec = domain_spec();
        if self.domain.spec != spec.to_string() {
            return Err(ModelError::Mismatch(format!(
                "applicability-domain fingerprint '{}' is not this build's '{spec}'",
                self.domain.spec
            )));
        }
        self.domain.parsed = self
            .domain
            .fingerprints
            .iter()
            .map(|h| BitFingerprint::from_hex(h, spec.size))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| ModelError::Learner(format!("damaged domain fingerprint: {e}")))?;
        if let Kernel::Rbf { mean, scale, .. } = &self.kernel {
            if mean.len() != featurizer.dim() as usize || scale.len() != mean.len() {
                return Err(ModelError::Learner(
                    "kernel scaling does not match the features".into(),
                ));
            }
        }
        if self.targets.is_empty() {
            return Err(ModelError::Learner("no targets".into()));
        }
        for t in &self.targets {
            t.learner.check_rows(featurizer.dim())?;
            if t.calibration
                .as_ref()
                .is_some_and(|c| c.scores.is_empty() || !c.beta.is_finite())
            {
                return Err(ModelError::Learner(format!(
                    "damaged calibration of target {}",
                    t.name
                )));
            }
            if (self.task == Task::Regression) != t.calibration.is_some() {
                return Err(ModelError::Learner(format!(
                    "calibration of target {} does not match the task",
                    t.name
                )));
            }
        }
        self.targets
            .par_iter_mut()
            .try_for_each(|t| t.learner.restore())?;
        Ok(())
    }

    /// Learner of each target.
    pub fn learners(&self) -> Vec<LearnerKind> {
        self.targets.iter().map(|t| t.learner.kind()).collect()
    }
}

/// Metrics of a model on labelled data (for `evaluate` and hold-out tests):
/// per target, regression metrics with interval coverage, or
/// classification metrics. `subset` optionally restricts to some rows
/// (cliff compounds) and is reported under its own name.
pub fn evaluate(
    model: &Model,
    predictions: &[MolPrediction],
    targets: &[(String, Vec<f64>)],
) -> Result<Vec<(String, Metrics)>> {
    let mut out = Vec::new();
    for (k, t) in model.targets.iter().enumerate() {
        let Some((_, values)) = targets.iter().find(|(n, _)| *n == t.name) else {
            return Err(ModelError::Mismatch(format!(
                "the data has no column '{}'",
                t.name
            )));
        };
        let mut y = Vec::new();
        let mut pred = Vec::new();
        let mut lo = Vec::new();
        let mut hi = Vec::new();
        for (p, &v) in predictions.iter().zip(values) {
            if let (true, Some(tp)) = (v.is_finite(), p.targets.get(k)) {
                y.push(v);
                pred.push(tp.value);
                lo.push(tp.lo);
                hi.push(tp.hi);
            }
        }
        let m = match model.task {
            Task::Regression => Metrics::regression(&y, &pred, Some((&lo, &hi))),
            Task::Classification => {
                let labels: Vec<bool> = y.iter().map(|&v| v >= 0.5).collect();
                Metrics::classification(&labels, &pred)
            }
        };
        out.push((t.name.clone(), m));
    }
    Ok(out)
}

/// The default time budget for auto selection.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(600);
