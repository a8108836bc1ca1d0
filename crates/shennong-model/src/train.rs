//! Cross-validation, learner selection, and split-conformal calibration.

use std::time::{Duration, Instant};

use rayon::prelude::*;

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Result};
use crate::features::SparseRow;
use crate::kernel::Kernel;
use crate::learners::{
    clip, gp_cross_validate, Learner, LearnerKind, Prediction, Task, GP_MAX_ROWS,
};
use crate::metrics::Metrics;
use crate::split::{kfold, Split};

/// Normalised conformal calibration from out-of-fold predictions
/// (cross-conformal; Vovk 2015, with scores `|y - ŷ| / (σ + β)` as in
/// Papadopoulos et al. 2011): a nominal-coverage interval is
/// `ŷ ± q · (σ + β)`, with `q` the `⌈(n+1)·coverage⌉`-th smallest score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Added to every σ so that tiny σ do not give empty intervals: the
    /// median out-of-fold σ.
    pub beta: f64,
    /// Sorted normalised out-of-fold scores.
    pub scores: Vec<f64>,
}

impl Calibration {
    /// Calibrates on out-of-fold predictions of `y`.
    pub fn from_out_of_fold(y: &[f64], oof: &[Prediction]) -> Calibration {
        let mut sigmas: Vec<f64> = oof.iter().map(|p| p.sigma).collect();
        sigmas.sort_by(f64::total_cmp);
        let beta = sigmas
            .get(sigmas.len() / 2)
            .copied()
            .unwrap_or(1.0)
            .max(1e-9);
        let mut scores: Vec<f64> = y
            .iter()
            .zip(oof)
            .map(|(v, p)| (v - p.value).abs() / (p.sigma + beta))
            .filter(|s| s.is_finite())
            .collect();
        scores.sort_by(f64::total_cmp);
        Calibration { beta, scores }
    }

    /// The half-width of the interval for a prediction with scale `sigma`;
    /// infinite when there are too few calibration points for `coverage`.
    pub fn half_width(&self, sigma: f64, coverage: f64) -> f64 {
        let n = self.scores.len();
        let k = ((n as f64 + 1.0) * coverage.clamp(0.0, 1.0)).ceil() as usize;
        if k == 0 {
            return 0.0;
        }
        match self.scores.get(k - 1) {
            Some(q) => q * (sigma + self.beta),
            None => f64::INFINITY,
        }
    }
}

/// One learner's cross-validated result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The learner.
    pub learner: LearnerKind,
    /// Cross-validated metrics.
    pub metrics: Metrics,
    /// Seconds for the whole cross-validation.
    pub seconds: f64,
}

/// How to train.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// The learner, or `None` to choose by cross-validation.
    pub learner: Option<LearnerKind>,
    /// Cross-validation folds (calibration and selection).
    pub folds: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Stop trying further learners (auto) once this much time has passed.
    pub time_budget: Duration,
    /// Group keys (scaffolds) that CV folds must not divide, one per row.
    pub groups: Option<Vec<String>>,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            learner: None,
            folds: 5,
            seed: 42,
            time_budget: Duration::from_secs(600),
            groups: None,
        }
    }
}

/// What training one target produced.
pub struct Trained {
    /// The fitted learner on all rows.
    pub learner: Learner,
    /// Calibration (regression only).
    pub calibration: Option<Calibration>,
    /// Every learner tried, best first.
    pub candidates: Vec<Candidate>,
}

/// Cross-validates `kind`; returns metrics and out-of-fold predictions.
#[allow(clippy::too_many_arguments)]
pub fn cross_validate(
    kind: LearnerKind,
    rows: &[SparseRow],
    y: &[f64],
    dim: usize,
    kernel: &Kernel,
    task: Task,
    folds: &[Split],
    seed: u64,
) -> Result<(Metrics, Vec<Prediction>)> {
    let mut oof = vec![
        Prediction {
            value: f64::NAN,
            sigma: 1.0,
        };
        rows.len()
    ];
    // Folds train in parallel (each fit is parallel inside too; rayon
    // shares the cores between them).
    let per_fold: Vec<Vec<(usize, Prediction)>> = folds
        .par_iter()
        .enumerate()
        .filter(|(_, split)| split.train.len() >= 2 && !split.test.is_empty())
        .map(|(f, split)| -> Result<Vec<(usize, Prediction)>> {
            let pick = |idx: &[usize]| -> Vec<SparseRow> {
                idx.iter().filter_map(|&i| rows.get(i).cloned()).collect()
            };
            let ty: Vec<f64> = split
                .train
                .iter()
                .filter_map(|&i| y.get(i).copied())
                .collect();
            let learner = Learner::fit(
                kind,
                &pick(&split.train),
                &ty,
                dim,
                kernel,
                task,
                seed.wrapping_add(f as u64),
            )?;
            Ok(split
                .test
                .iter()
                .copied()
                .zip(learner.predict(&pick(&split.test), task)?)
                .collect())
        })
        .collect::<Result<_>>()?;
    for (i, p) in per_fold.into_iter().flatten() {
        if let Some(slot) = oof.get_mut(i) {
            *slot = p;
        }
    }
    let values: Vec<f64> = oof.iter().map(|p| p.value).collect();
    let metrics = metrics_of(y, &values, task);
    Ok((metrics, oof))
}

fn metrics_of(y: &[f64], values: &[f64], task: Task) -> Metrics {
    match task {
        Task::Regression => Metrics::regression(y, values, None),
        Task::Classification => {
            let labels: Vec<bool> = y.iter().map(|&v| v >= 0.5).collect();
            Metrics::classification(&labels, values)
        }
    }
}

/// Smaller is better for regression RMSE; larger for AUROC.
fn score(metrics: &Metrics, task: Task) -> f64 {
    match task {
        Task::Regression => -metrics.get("rmse").unwrap_or(f64::INFINITY),
        Task::Classification => metrics.get("auroc").unwrap_or(f64::NEG_INFINITY),
    }
}

/// Trains one target: cross-validates the chosen learner (or every
/// learner, within the time budget, for auto), calibrates intervals on the
/// out-of-fold predictions, and fits the final learner on all rows.
/// `report` hears about each step.
pub fn train_target(
    rows: &[SparseRow],
    y: &[f64],
    dim: usize,
    kernel: &Kernel,
    task: Task,
    options: &TrainOptions,
    report: &mut dyn FnMut(&str),
) -> Result<Trained> {
    if rows.len() < 2 * options.folds.max(2) {
        return Err(ModelError::Data(format!(
            "{} rows are too few for {}-fold cross-validation",
            rows.len(),
            options.folds
        )));
    }
    if task == Task::Classification && y.iter().any(|&v| v != 0.0 && v != 1.0) {
        return Err(ModelError::Data(
            "classification targets must be 0 or 1".into(),
        ));
    }
    let first = y.first().copied().unwrap_or(0.0);
    if y.iter().all(|&v| v == first) {
        return Err(ModelError::Data("the target has a single value".into()));
    }
    let all: Vec<usize> = (0..rows.len()).collect();
    let folds = kfold(&all, options.folds, options.seed, options.groups.as_deref());
    let kinds: Vec<LearnerKind> = match options.learner {
        Some(k) => vec![k],
        None => {
            let mut v = Vec::new();
            if rows.len() <= GP_MAX_ROWS {
                v.push(LearnerKind::Gp);
            }
            v.extend([LearnerKind::Rf, LearnerKind::Gbm, LearnerKind::Knn]);
            v
        }
    };
    let start = Instant::now();
    let mut results: Vec<(Candidate, Vec<Prediction>, Option<Learner>)> = Vec::new();
    for kind in kinds {
        if !results.is_empty() && start.elapsed() > options.time_budget {
            report(&format!("{}: skipped (time budget spent)", kind.name()));
            continue;
        }
        let t = Instant::now();
        // The GP's noise is chosen once, on all rows, by the marginal
        // likelihood; the folds reuse it, and the fit is kept as the final one.
        let (full, metrics, oof) = match kind {
            LearnerKind::Gp => {
                let (full, oof) = gp_cross_validate(rows, y, kernel, &folds)?;
                let values: Vec<f64> = oof.iter().map(|p| clip(*p, task).value).collect();
                (Some(full), metrics_of(y, &values, task), oof)
            }
            _ => {
                let (m, oof) =
                    cross_validate(kind, rows, y, dim, kernel, task, &folds, options.seed)?;
                (None, m, oof)
            }
        };
        let candidate = Candidate {
            learner: kind,
            metrics,
            seconds: t.elapsed().as_secs_f64(),
        };
        report(&format!(
            "{}: {}-fold CV {} in {:.1} s",
            kind.name(),
            folds.len(),
            candidate
                .metrics
                .values
                .iter()
                .map(|(k, v)| format!("{k} {v:.4}"))
                .collect::<Vec<_>>()
                .join(", "),
            candidate.seconds
        ));
        results.push((candidate, oof, full));
    }
    results.sort_by(|a, b| score(&b.0.metrics, task).total_cmp(&score(&a.0.metrics, task)));
    let Some((best, oof, full)) = results.first_mut() else {
        return Err(ModelError::Learner("no learner was trained".into()));
    };
    let calibration = match task {
        Task::Regression => Some(Calibration::from_out_of_fold(y, oof)),
        Task::Classification => None,
    };
    let learner = match full.take() {
        Some(l) => l,
        None => Learner::fit(best.learner, rows, y, dim, kernel, task, options.seed)?,
    };
    Ok(Trained {
        learner,
        calibration,
        candidates: results.into_iter().map(|(c, _, _)| c).collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn the_quantile_uses_the_finite_sample_correction() {
        let c = Calibration {
            beta: 0.0,
            scores: (1..=9).map(f64::from).collect(),
        };
        // ceil(10 * 0.9) = 9th smallest
        assert_eq!(c.half_width(1.0, 0.9), 9.0);
        assert!(c.half_width(1.0, 0.95).is_infinite());
    }
}
