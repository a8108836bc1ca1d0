//! Dense Cholesky factorisation and triangular solves for kernel matrices
//! (row-major, lower triangle). Blocked so that each row is read from
//! memory once per block of columns, and parallel across rows.

use rayon::prelude::*;

use crate::error::{ModelError, Result};

/// Columns handled per pass over the rows below the diagonal block.
const BLOCK: usize = 48;

/// Dot product. Uses AVX2 with fused multiply-add where the CPU has them
/// (detected once, at run time), a portable loop otherwise. Both sum in the
/// same order; fused rounding makes the last bits differ between the two.
#[allow(unsafe_code)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (a.get(..n).unwrap_or(&[]), b.get(..n).unwrap_or(&[]));
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, checked just above.
            return unsafe { dot_avx2_fma(a, b) };
        }
    }
    dot_portable(a, b)
}

/// Lanes summed independently: four AVX2 registers of four doubles.
const LANES: usize = 16;

macro_rules! dot_in_lanes {
    ($a:expr, $b:expr, $madd:expr) => {{
        let mut acc = [0.0f64; LANES];
        let ca = $a.chunks_exact(LANES);
        let cb = $b.chunks_exact(LANES);
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            for ((s, u), v) in acc.iter_mut().zip(x).zip(y) {
                *s = $madd(*u, *v, *s);
            }
        }
        let tail = ra.iter().zip(rb).fold(0.0, |s, (u, v)| $madd(*u, *v, s));
        acc.iter().sum::<f64>() + tail
    }};
}

fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    dot_in_lanes!(a, b, |u: f64, v: f64, s: f64| s + u * v)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2_fma(a: &[f64], b: &[f64]) -> f64 {
    dot_in_lanes!(a, b, |u: f64, v: f64, s: f64| u.mul_add(v, s))
}

/// A lower-triangular Cholesky factor `L` with `L Lᵀ = A`.
#[derive(Debug, Clone)]
pub struct Cholesky {
    n: usize,
    l: Vec<f64>,
}

impl Cholesky {
    /// Factorises the symmetric positive-definite `a` (row-major, `n × n`;
    /// only the lower triangle is read). Fails if a pivot is not positive.
    pub fn factor(mut a: Vec<f64>, n: usize) -> Result<Cholesky> {
        if a.len() != n * n {
            return Err(ModelError::Numerical("matrix size does not match".into()));
        }
        let mut j0 = 0;
        while j0 < n {
            let j1 = (j0 + BLOCK).min(n);
            // The diagonal block, row by row.
            for i in j0..j1 {
                let (done, rest) = a.split_at_mut(i * n);
                let row = rest.get_mut(..n).unwrap_or(&mut []);
                finish_row(row, done, n, j0, i + 1)?;
            }
            // Every row below it, in parallel: columns j0..j1.
            let (done, below) = a.split_at_mut(j1 * n);
            let done: &[f64] = done;
            below
                .par_chunks_mut(n)
                .try_for_each(|row| finish_row(row, done, n, j0, j1))?;
            j0 = j1;
        }
        // Clear the upper triangle so that rows can be used as plain vectors.
        for i in 0..n {
            for v in a.get_mut(i * n + i + 1..(i + 1) * n).unwrap_or(&mut []) {
                *v = 0.0;
            }
        }
        Ok(Cholesky { n, l: a })
    }

    /// Order of the matrix.
    pub fn n(&self) -> usize {
        self.n
    }

    fn row(&self, i: usize) -> &[f64] {
        self.l.get(i * self.n..(i + 1) * self.n).unwrap_or(&[])
    }

    fn diag(&self, i: usize) -> f64 {
        self.l.get(i * self.n + i).copied().unwrap_or(1.0)
    }

    /// `log det A = 2 Σ log L_ii`.
    pub fn log_det(&self) -> f64 {
        (0..self.n).map(|i| 2.0 * self.diag(i).ln()).sum()
    }

    /// Solves `L v = b`.
    pub fn forward(&self, b: &[f64]) -> Vec<f64> {
        let mut v = vec![0.0; self.n];
        for i in 0..self.n {
            let s = dot(
                self.row(i).get(..i).unwrap_or(&[]),
                v.get(..i).unwrap_or(&[]),
            );
            let bi = b.get(i).copied().unwrap_or(0.0);
            if let Some(x) = v.get_mut(i) {
                *x = (bi - s) / self.diag(i);
            }
        }
        v
    }

    /// Solves `L v = b` for many right-hand sides, in parallel blocks of
    /// columns so that each row of `L` is read once per block.
    pub fn forward_many(&self, bs: &[Vec<f64>]) -> Vec<Vec<f64>> {
        const COLUMNS: usize = 32;
        let blocks: Vec<Vec<Vec<f64>>> = bs
            .par_chunks(COLUMNS)
            .map(|block| {
                let mut vs: Vec<Vec<f64>> = block.iter().map(|_| vec![0.0; self.n]).collect();
                for i in 0..self.n {
                    let li = self.row(i).get(..i).unwrap_or(&[]);
                    let d = self.diag(i);
                    for (v, b) in vs.iter_mut().zip(block) {
                        let s = dot(li, v.get(..i).unwrap_or(&[]));
                        let bi = b.get(i).copied().unwrap_or(0.0);
                        if let Some(x) = v.get_mut(i) {
                            *x = (bi - s) / d;
                        }
                    }
                }
                vs
            })
            .collect();
        blocks.into_iter().flatten().collect()
    }

    /// Solves `Lᵀ x = v`.
    pub fn backward(&self, v: &[f64]) -> Vec<f64> {
        let mut x: Vec<f64> = v.iter().copied().take(self.n).collect();
        x.resize(self.n, 0.0);
        for i in (0..self.n).rev() {
            let xi = x.get(i).copied().unwrap_or(0.0) / self.diag(i);
            if let Some(s) = x.get_mut(i) {
                *s = xi;
            }
            for (xj, lij) in x.iter_mut().zip(self.row(i)).take(i) {
                *xj -= lij * xi;
            }
        }
        x
    }

    /// Solves `A x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        self.backward(&self.forward(b))
    }
}

/// Computes `row[j0..j_end]` of `L` (row `i`), given the finished rows in
/// `done` (rows `0..i` at least up to `j_end`).
fn finish_row(row: &mut [f64], done: &[f64], n: usize, j0: usize, j_end: usize) -> Result<()> {
    for j in j0..j_end {
        // Row j is this row on the diagonal, a finished row otherwise.
        let is_diagonal = done.len() <= j * n;
        let (prefix, tail) = row.split_at_mut(j);
        let s = if is_diagonal {
            dot(prefix, prefix)
        } else {
            dot(prefix, done.get(j * n..j * n + j).unwrap_or(&[]))
        };
        let Some(x) = tail.first_mut() else {
            return Ok(());
        };
        if is_diagonal {
            let d = *x - s;
            if d <= 0.0 || !d.is_finite() {
                return Err(ModelError::Numerical(format!(
                    "kernel matrix is not positive definite (pivot {j}: {d:.3e})"
                )));
            }
            *x = d.sqrt();
        } else {
            let ljj = done.get(j * n + j).copied().unwrap_or(1.0);
            *x = (*x - s) / ljj;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn factor_and_solve_a_random_spd_matrix() {
        let n = 131; // more than two blocks, not a multiple of one
        let mut seed = 12345u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        };
        let m: Vec<f64> = (0..n * n).map(|_| rnd()).collect();
        let mut a = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                a[i * n + j] = (0..n).map(|k| m[i * n + k] * m[j * n + k]).sum::<f64>()
                    + if i == j { 1.0 } else { 0.0 };
            }
        }
        let b: Vec<f64> = (0..n).map(|_| rnd()).collect();
        let c = Cholesky::factor(a.clone(), n).unwrap();
        let x = c.solve(&b);
        assert!((dot_portable(&a[..77], &b[..77]) - dot(&a[..77], &b[..77])).abs() < 1e-12);
        let many = c.forward_many(&[b.clone(), b.clone()]);
        assert_eq!(many[1], c.forward(&b));
        for i in 0..n {
            let ax: f64 = (0..n).map(|j| a[i * n + j] * x[j]).sum();
            assert!((ax - b[i]).abs() < 1e-8, "row {i}: {ax} vs {}", b[i]);
        }
    }

    #[test]
    fn an_indefinite_matrix_is_an_error() {
        assert!(Cholesky::factor(vec![1.0, 2.0, 2.0, 1.0], 2).is_err());
    }
}
