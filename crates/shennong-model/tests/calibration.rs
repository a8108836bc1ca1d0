#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Conformal intervals on a synthetic problem with a known noise level:
//! nominal 90 % intervals cover 88–92 % of fresh test points, for each
//! learner that normalises by its own uncertainty.

use rand_mt::Mt64;
use shennong_model::kernel::Kernel;
use shennong_model::learners::{Learner, LearnerKind, Task};
use shennong_model::train::{train_target, TrainOptions};
use shennong_model::SparseRow;

fn unit(rng: &mut Mt64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn gaussian(rng: &mut Mt64) -> f64 {
    let (u, v) = (unit(rng).max(1e-300), unit(rng));
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// Sparse binary "fingerprints" with a linear target plus Gaussian noise.
fn problem(n: usize, rng: &mut Mt64, weights: &[f64]) -> (Vec<SparseRow>, Vec<f64>) {
    let mut rows = Vec::new();
    let mut y = Vec::new();
    for _ in 0..n {
        let row: SparseRow = (0..weights.len() as u32)
            .filter(|_| unit(rng) < 0.1)
            .map(|c| (c, 1.0))
            .collect();
        let signal: f64 = row.iter().map(|&(c, _)| weights[c as usize]).sum();
        y.push(signal + 0.5 * gaussian(rng));
        rows.push(row);
    }
    (rows, y)
}

#[test]
fn ninety_percent_intervals_cover_88_to_92_percent() {
    let mut rng = Mt64::new(2026);
    let weights: Vec<f64> = (0..200).map(|_| gaussian(&mut rng) * 0.4).collect();
    let (train_rows, train_y) = problem(1500, &mut rng, &weights);
    let (test_rows, test_y) = problem(4000, &mut rng, &weights);
    for kind in [LearnerKind::Gp, LearnerKind::Knn] {
        let options = TrainOptions {
            learner: Some(kind),
            ..Default::default()
        };
        let trained = train_target(
            &train_rows,
            &train_y,
            200,
            &Kernel::MinMax,
            Task::Regression,
            &options,
            &mut |_| {},
        )
        .unwrap();
        let calibration = trained.calibration.unwrap();
        let predictions = trained
            .learner
            .predict(&test_rows, Task::Regression)
            .unwrap();
        let covered = predictions
            .iter()
            .zip(&test_y)
            .filter(|(p, &y)| (y - p.value).abs() <= calibration.half_width(p.sigma, 0.9))
            .count();
        let coverage = covered as f64 / test_y.len() as f64;
        assert!(
            (0.88..=0.92).contains(&coverage),
            "{kind:?}: coverage {coverage}"
        );
        assert!(matches!(trained.learner, Learner::Gp(_) | Learner::Knn(_)));
    }
}
