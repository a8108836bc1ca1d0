//! Evaluation metrics, with scikit-learn's and SciPy's definitions:
//! RMSE, MAE, R² (`r2_score`), Spearman's ρ (average ranks for ties, as
//! `scipy.stats.spearmanr`), AUROC (`roc_auc_score`, ties counted half),
//! AUPRC (`average_precision_score`, step-wise, thresholds at distinct
//! scores), MCC (`matthews_corrcoef`) at a 0.5 threshold, and the coverage
//! and mean width of prediction intervals.

use serde::{Deserialize, Serialize};

/// Root mean squared error; NaN for empty input.
pub fn rmse(y: &[f64], pred: &[f64]) -> f64 {
    mean(y.iter().zip(pred).map(|(a, b)| (a - b) * (a - b))).sqrt()
}

/// Mean absolute error; NaN for empty input.
pub fn mae(y: &[f64], pred: &[f64]) -> f64 {
    mean(y.iter().zip(pred).map(|(a, b)| (a - b).abs()))
}

/// Coefficient of determination, `1 - SS_res / SS_tot` (NaN when `y` is constant).
pub fn r2(y: &[f64], pred: &[f64]) -> f64 {
    let m = mean(y.iter().copied());
    let ss_tot: f64 = y.iter().map(|a| (a - m) * (a - m)).sum();
    let ss_res: f64 = y.iter().zip(pred).map(|(a, b)| (a - b) * (a - b)).sum();
    if ss_tot == 0.0 {
        f64::NAN
    } else {
        1.0 - ss_res / ss_tot
    }
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if n == 0 {
        f64::NAN
    } else {
        s / n as f64
    }
}

/// Ranks from 1, ties given their average rank.
pub fn average_ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (values.get(a), values.get(b));
        va.partial_cmp(&vb).unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut ranks = vec![0.0; values.len()];
    let mut start = 0;
    while start < order.len() {
        let v = order.get(start).and_then(|&i| values.get(i));
        let mut end = start + 1;
        while end < order.len() && order.get(end).and_then(|&i| values.get(i)) == v {
            end += 1;
        }
        let rank = (start + end + 1) as f64 / 2.0;
        for &i in order.get(start..end).unwrap_or(&[]) {
            if let Some(r) = ranks.get_mut(i) {
                *r = rank;
            }
        }
        start = end;
    }
    ranks
}

/// Pearson correlation; NaN when either side is constant.
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a.iter().copied()), mean(b.iter().copied()));
    let mut sab = 0.0;
    let mut saa = 0.0;
    let mut sbb = 0.0;
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        f64::NAN
    } else {
        sab / (saa * sbb).sqrt()
    }
}

/// Spearman's rank correlation.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    pearson(&average_ranks(a), &average_ranks(b))
}

/// Area under the ROC curve for labels `y` (true = positive) and scores;
/// NaN when only one class is present.
pub fn auroc(y: &[bool], score: &[f64]) -> f64 {
    let ranks = average_ranks(score);
    let pos = y.iter().filter(|&&v| v).count();
    let neg = y.len() - pos;
    if pos == 0 || neg == 0 {
        return f64::NAN;
    }
    let rank_sum: f64 = y
        .iter()
        .zip(&ranks)
        .filter(|(l, _)| **l)
        .map(|(_, r)| r)
        .sum();
    (rank_sum - (pos * (pos + 1)) as f64 / 2.0) / (pos * neg) as f64
}

/// Average precision (area under the precision–recall curve, step-wise).
pub fn auprc(y: &[bool], score: &[f64]) -> f64 {
    let pos = y.iter().filter(|&&v| v).count();
    if pos == 0 {
        return f64::NAN;
    }
    let mut order: Vec<usize> = (0..y.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (score.get(a), score.get(b));
        vb.partial_cmp(&va).unwrap_or(std::cmp::Ordering::Equal)
    });
    let (mut tp, mut fp, mut ap, mut last_recall) = (0usize, 0usize, 0.0, 0.0);
    let mut k = 0;
    while k < order.len() {
        let s = order.get(k).and_then(|&i| score.get(i));
        while k < order.len() && order.get(k).and_then(|&i| score.get(i)) == s {
            if order
                .get(k)
                .and_then(|&i| y.get(i))
                .copied()
                .unwrap_or(false)
            {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        let recall = tp as f64 / pos as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        ap += (recall - last_recall) * precision;
        last_recall = recall;
    }
    ap
}

/// Matthews correlation coefficient of `score >= 0.5` against `y` (0 when undefined, as scikit-learn).
pub fn mcc(y: &[bool], score: &[f64]) -> f64 {
    let (mut tp, mut tn, mut fp, mut fn_) = (0f64, 0f64, 0f64, 0f64);
    for (&l, &s) in y.iter().zip(score) {
        match (l, s >= 0.5) {
            (true, true) => tp += 1.0,
            (false, false) => tn += 1.0,
            (false, true) => fp += 1.0,
            (true, false) => fn_ += 1.0,
        }
    }
    let d = ((tp + fp) * (tp + fn_) * (tn + fp) * (tn + fn_)).sqrt();
    if d == 0.0 {
        0.0
    } else {
        (tp * tn - fp * fn_) / d
    }
}

/// Fraction of `y` inside `[lo, hi]`.
pub fn coverage(y: &[f64], lo: &[f64], hi: &[f64]) -> f64 {
    mean(
        y.iter()
            .zip(lo.iter().zip(hi))
            .map(|(v, (l, h))| f64::from(u8::from(*l <= *v && *v <= *h))),
    )
}

/// A metrics table for one target on one data part.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Number of points.
    pub n: usize,
    /// Metric name and value, in a fixed order (NaN where undefined).
    #[serde(with = "nan_as_null")]
    pub values: Vec<(String, f64)>,
}

/// JSON has no NaN: undefined metrics (a constant column's R²) are written
/// as `null` and read back as NaN.
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(values: &[(String, f64)], s: S) -> Result<S::Ok, S::Error> {
        let v: Vec<(&str, Option<f64>)> = values
            .iter()
            .map(|(k, v)| (k.as_str(), v.is_finite().then_some(*v)))
            .collect();
        v.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, f64)>, D::Error> {
        let v: Vec<(String, Option<f64>)> = Vec::deserialize(d)?;
        Ok(v.into_iter()
            .map(|(k, v)| (k, v.unwrap_or(f64::NAN)))
            .collect())
    }
}

impl Metrics {
    /// Regression metrics, with interval coverage when intervals are given.
    pub fn regression(y: &[f64], pred: &[f64], interval: Option<(&[f64], &[f64])>) -> Metrics {
        let mut values = vec![
            ("rmse".to_string(), rmse(y, pred)),
            ("mae".to_string(), mae(y, pred)),
            ("r2".to_string(), r2(y, pred)),
            ("spearman".to_string(), spearman(y, pred)),
        ];
        if let Some((lo, hi)) = interval {
            values.push(("coverage".to_string(), coverage(y, lo, hi)));
            values.push((
                "mean_width".to_string(),
                mean(lo.iter().zip(hi).map(|(l, h)| h - l)),
            ));
        }
        Metrics { n: y.len(), values }
    }

    /// Classification metrics from positive-class probabilities.
    pub fn classification(y: &[bool], prob: &[f64]) -> Metrics {
        Metrics {
            n: y.len(),
            values: vec![
                ("auroc".to_string(), auroc(y, prob)),
                ("auprc".to_string(), auprc(y, prob)),
                ("mcc".to_string(), mcc(y, prob)),
            ],
        }
    }

    /// A value by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.values.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    // Expected values from scikit-learn 1.x / SciPy on the same arrays.
    #[test]
    fn regression_metrics_match_known_values() {
        let y = [3.0, -0.5, 2.0, 7.0];
        let p = [2.5, 0.0, 2.0, 8.0];
        assert!(close(rmse(&y, &p), (0.375f64).sqrt()));
        assert!(close(mae(&y, &p), 0.5));
        assert!(close(r2(&y, &p), 0.948_608_137_044_967_9));
        assert!(close(
            spearman(&[1.0, 2.0, 2.0, 3.0], &[1.0, 3.0, 2.0, 4.0]),
            0.948_683_298_050_513_8
        ));
    }

    #[test]
    fn classification_metrics_match_known_values() {
        let y = [false, false, true, true];
        let s = [0.1, 0.4, 0.35, 0.8];
        assert!(close(auroc(&y, &s), 0.75));
        assert!(close(auprc(&y, &s), 0.833_333_333_333_333_4));
        // ties: roc_auc_score([0,1,0,1],[0.5,0.5,0.2,0.9]) = 0.875
        assert!(close(
            auroc(&[false, true, false, true], &[0.5, 0.5, 0.2, 0.9]),
            0.875
        ));
        // matthews_corrcoef([1,1,1,0],[1,0,1,1]) = -1/3
        assert!(close(
            mcc(&[true, true, true, false], &[0.9, 0.1, 0.7, 0.6]),
            -1.0 / 3.0
        ));
    }

    #[test]
    fn undefined_metrics_survive_json() {
        let m = Metrics::regression(&[1.0, 1.0], &[1.0, 2.0], None);
        assert!(m.get("r2").unwrap().is_nan());
        let back: Metrics = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert!(back.get("r2").unwrap().is_nan());
        assert_eq!(back.get("rmse"), m.get("rmse"));
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 5.0]),
            vec![2.5, 4.0, 2.5, 1.0]
        );
    }
}
