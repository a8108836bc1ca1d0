//! Similarity kernels between feature rows: MinMax (Tanimoto on counts,
//! equal to Tanimoto on bits; Ralaivola et al., Neural Networks 2005) for
//! fingerprints, and a Gaussian (RBF) kernel on standardised features for
//! descriptor blocks. Both are positive semi-definite, with `k(x, x) = 1`.

use serde::{Deserialize, Serialize};

use crate::features::SparseRow;

/// Which kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kernel {
    /// `Σ min(a, b) / Σ max(a, b)`; features must be non-negative.
    MinMax,
    /// `exp(-γ ‖(a - μ)/σ - (b - μ)/σ‖²)` with training means and scales.
    Rbf {
        /// Width.
        gamma: f64,
        /// Training mean of each column.
        mean: Vec<f64>,
        /// Training standard deviation of each column (1 where constant).
        scale: Vec<f64>,
    },
}

/// A row prepared for fast kernel evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Prepared {
    /// Sparse row with its sum.
    Sparse {
        /// The row.
        row: SparseRow,
        /// Sum of its values.
        sum: f64,
    },
    /// Dense standardised row with its squared norm.
    Dense {
        /// The row.
        row: Vec<f64>,
        /// Squared norm.
        norm2: f64,
    },
}

impl Kernel {
    /// The RBF kernel fitted to `rows` (`dim` columns), `γ = 1 / dim`.
    pub fn rbf_for(rows: &[SparseRow], dim: usize) -> Kernel {
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0; dim];
        let mut sq = vec![0.0; dim];
        for r in rows {
            for &(c, v) in r {
                if let (Some(m), Some(s)) = (mean.get_mut(c as usize), sq.get_mut(c as usize)) {
                    *m += v;
                    *s += v * v;
                }
            }
        }
        let scale = mean
            .iter_mut()
            .zip(&sq)
            .map(|(m, s)| {
                *m /= n;
                let var = (s / n - *m * *m).max(0.0);
                if var > 1e-24 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        Kernel::Rbf {
            gamma: 1.0 / dim.max(1) as f64,
            mean,
            scale,
        }
    }

    /// Prepares a row.
    pub fn prepare(&self, row: &SparseRow) -> Prepared {
        match self {
            Kernel::MinMax => Prepared::Sparse {
                sum: row.iter().map(|&(_, v)| v).sum(),
                row: row.clone(),
            },
            Kernel::Rbf { mean, scale, .. } => {
                let mut dense: Vec<f64> = mean.iter().zip(scale).map(|(m, s)| -m / s).collect();
                for &(c, v) in row {
                    if let (Some(d), Some(m), Some(s)) = (
                        dense.get_mut(c as usize),
                        mean.get(c as usize),
                        scale.get(c as usize),
                    ) {
                        // Clipped so that one extreme descriptor value cannot
                        // decide every similarity.
                        *d = ((v - m) / s).clamp(-10.0, 10.0);
                    }
                }
                let norm2 = dense.iter().map(|v| v * v).sum();
                Prepared::Dense { row: dense, norm2 }
            }
        }
    }

    /// The kernel value.
    pub fn eval(&self, a: &Prepared, b: &Prepared) -> f64 {
        match (self, a, b) {
            (
                Kernel::MinMax,
                Prepared::Sparse { row: ra, sum: sa },
                Prepared::Sparse { row: rb, sum: sb },
            ) => {
                let common = sum_min(ra, rb);
                let union = sa + sb - common;
                if union <= 0.0 {
                    // two empty fingerprints: identical
                    1.0
                } else {
                    common / union
                }
            }
            (
                Kernel::Rbf { gamma, .. },
                Prepared::Dense { row: ra, norm2: na },
                Prepared::Dense { row: rb, norm2: nb },
            ) => {
                let d2 = (na + nb - 2.0 * crate::linalg::dot(ra, rb)).max(0.0);
                (-gamma * d2).exp()
            }
            _ => 0.0,
        }
    }
}

/// `Σ_i min(a_i, b_i)` over two sparse rows with ascending columns.
fn sum_min(a: &[(u32, f64)], b: &[(u32, f64)]) -> f64 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while let (Some(&(ca, va)), Some(&(cb, vb))) = (a.get(i), b.get(j)) {
        match ca.cmp(&cb) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += va.min(vb);
                i += 1;
                j += 1;
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn minmax_is_tanimoto_on_bits_and_counts() {
        let k = Kernel::MinMax;
        let a = k.prepare(&vec![(1, 1.0), (3, 1.0), (5, 1.0)]);
        let b = k.prepare(&vec![(1, 1.0), (5, 1.0), (9, 1.0), (11, 1.0)]);
        assert!((k.eval(&a, &b) - 2.0 / 5.0).abs() < 1e-15);
        let c = k.prepare(&vec![(1, 2.0), (3, 1.0)]);
        let d = k.prepare(&vec![(1, 1.0), (3, 3.0)]);
        assert!((k.eval(&c, &d) - 2.0 / 5.0).abs() < 1e-15);
        assert_eq!(k.eval(&c, &c), 1.0);
    }
}
