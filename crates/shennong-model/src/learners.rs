//! The learners: Tanimoto-kernel Gaussian process, random forest, gradient
//! boosting and k-nearest neighbours. Each predicts a value (a probability
//! for classification) and a scale of its own uncertainty, which conformal
//! calibration turns into intervals.

use rand_mt::Mt64;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Result};
use crate::features::SparseRow;
use crate::kernel::{Kernel, Prepared};
use crate::linalg::Cholesky;
use crate::tree::{grow, Binned, Tree, TreeParams};

/// A uniform draw in [0, 1).
pub fn unit(rng: &mut Mt64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Regression or (binary) classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Real-valued targets.
    Regression,
    /// 0/1 targets; predictions are probabilities of 1.
    Classification,
}

/// Which learner to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LearnerKind {
    /// Gaussian process with a Tanimoto (MinMax) kernel on fingerprints, RBF on descriptors.
    Gp,
    /// Random forest.
    Rf,
    /// Gradient-boosted trees.
    Gbm,
    /// Similarity-weighted k-nearest neighbours.
    Knn,
}

impl LearnerKind {
    /// Parses `gp`, `rf`, `gbm` or `knn`.
    pub fn from_name(name: &str) -> Option<LearnerKind> {
        Some(match name {
            "gp" | "krr" => LearnerKind::Gp,
            "rf" | "forest" => LearnerKind::Rf,
            "gbm" | "gbt" | "boost" => LearnerKind::Gbm,
            "knn" => LearnerKind::Knn,
            _ => return None,
        })
    }

    /// The short name.
    pub fn name(self) -> &'static str {
        match self {
            LearnerKind::Gp => "gp",
            LearnerKind::Rf => "rf",
            LearnerKind::Gbm => "gbm",
            LearnerKind::Knn => "knn",
        }
    }
}

/// Largest training set for the exact Gaussian process (its kernel matrix
/// takes `8 n²` bytes and its factorisation `n³/6` multiply-adds).
pub const GP_MAX_ROWS: usize = 12_000;

/// A prediction and its uncertainty scale (the predictive standard
/// deviation for the GP, the spread across trees for a forest, the
/// weighted spread of the neighbours for k-NN, 1 for boosting).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Predicted value or probability.
    pub value: f64,
    /// Uncertainty scale, positive.
    pub sigma: f64,
}

/// A fitted learner, as stored in a model file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "learner", rename_all = "snake_case")]
pub enum Learner {
    /// Gaussian process.
    Gp(Gp),
    /// Random forest.
    Rf(Forest),
    /// Gradient boosting.
    Gbm(Boosted),
    /// k-nearest neighbours.
    Knn(Knn),
}

impl Learner {
    /// Trains `kind` on `rows` / `y`.
    pub fn fit(
        kind: LearnerKind,
        rows: &[SparseRow],
        y: &[f64],
        dim: usize,
        kernel: &Kernel,
        task: Task,
        seed: u64,
    ) -> Result<Learner> {
        if rows.len() != y.len() || rows.len() < 2 {
            return Err(ModelError::Data(format!(
                "need at least 2 rows with a target, have {}",
                rows.len().min(y.len())
            )));
        }
        Ok(match kind {
            LearnerKind::Gp => Learner::Gp(Gp::fit(rows, y, kernel)?),
            LearnerKind::Rf => Learner::Rf(Forest::fit(rows, y, dim, task, seed)),
            LearnerKind::Gbm => Learner::Gbm(Boosted::fit(rows, y, dim, task, seed)),
            LearnerKind::Knn => Learner::Knn(Knn::fit(rows, y, kernel)),
        })
    }

    /// Which learner this is.
    pub fn kind(&self) -> LearnerKind {
        match self {
            Learner::Gp(_) => LearnerKind::Gp,
            Learner::Rf(_) => LearnerKind::Rf,
            Learner::Gbm(_) => LearnerKind::Gbm,
            Learner::Knn(_) => LearnerKind::Knn,
        }
    }

    /// Rebuilds what is derived from the stored parameters (the GP's
    /// factorisation, prepared rows) and checks the stored data.
    pub fn restore(&mut self) -> Result<()> {
        match self {
            Learner::Gp(gp) => gp.restore(),
            Learner::Knn(knn) => {
                if knn.k == 0 || knn.y.len() != knn.rows.len() || knn.y.is_empty() {
                    return Err(ModelError::Learner("damaged k-NN model".into()));
                }
                knn.restore();
                Ok(())
            }
            Learner::Rf(f) => check_trees(&f.trees),
            Learner::Gbm(b) => check_trees(&b.trees),
        }
    }

    /// Checks that stored training rows (GP, k-NN) have ascending columns
    /// below `dim`.
    pub fn check_rows(&self, dim: u32) -> Result<()> {
        let rows = match self {
            Learner::Gp(gp) => &gp.rows,
            Learner::Knn(knn) => &knn.rows,
            Learner::Rf(_) | Learner::Gbm(_) => return Ok(()),
        };
        let ok = rows.iter().all(|r| {
            r.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0))
                && r.last().is_none_or(|&(c, _)| c < dim)
                && r.iter().all(|&(_, v)| v.is_finite())
        });
        if ok {
            Ok(())
        } else {
            Err(ModelError::Learner("damaged training rows".into()))
        }
    }

    /// Predicts many rows in parallel.
    pub fn predict(&self, rows: &[SparseRow], task: Task) -> Result<Vec<Prediction>> {
        if let Learner::Gp(gp) = self {
            return Ok(gp
                .predict_many(rows)?
                .into_iter()
                .map(|p| clip(p, task))
                .collect());
        }
        rows.par_iter().map(|r| self.predict_one(r, task)).collect()
    }

    /// Predicts one row.
    pub fn predict_one(&self, row: &SparseRow, task: Task) -> Result<Prediction> {
        let p = match self {
            Learner::Gp(gp) => gp.predict(row)?,
            Learner::Rf(f) => f.predict(row),
            Learner::Gbm(b) => b.predict(row, task),
            Learner::Knn(k) => k.predict(row)?,
        };
        Ok(clip(p, task))
    }
}

/// Probabilities stay in [0, 1].
pub(crate) fn clip(p: Prediction, task: Task) -> Prediction {
    match task {
        Task::Regression => p,
        Task::Classification => Prediction {
            value: p.value.clamp(0.0, 1.0),
            sigma: p.sigma,
        },
    }
}

fn check_trees(trees: &[Tree]) -> Result<()> {
    if trees.is_empty() || !trees.iter().all(Tree::is_well_formed) {
        return Err(ModelError::Learner("damaged tree ensemble".into()));
    }
    Ok(())
}

/// Exact GP regression with a constant mean, noise chosen by the marginal
/// likelihood (Rasmussen & Williams 2006, §2.2 and §5.4) over a grid of
/// noise-to-signal ratios, signal variance profiled out. For
/// classification it is least-squares kernel classification on 0/1 labels
/// (Suykens & Vandewalle 1999), probabilities clipped to [0, 1].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gp {
    kernel: Kernel,
    rows: Vec<SparseRow>,
    y: Vec<f64>,
    mean: f64,
    noise: f64,
    signal: f64,
    #[serde(skip)]
    state: Option<GpState>,
}

#[derive(Debug, Clone)]
struct GpState {
    prepared: Vec<Prepared>,
    chol: Cholesky,
    alpha: Vec<f64>,
}

/// Noise-to-signal ratios tried by the GP.
const NOISE_GRID: [f64; 6] = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0];

impl Gp {
    fn fit(rows: &[SparseRow], y: &[f64], kernel: &Kernel) -> Result<Gp> {
        let (prepared, k) = prepare_gram(rows, kernel)?;
        Gp::fit_gram(rows, y, kernel, prepared, &k)
    }

    /// Fits on a precomputed kernel matrix `k` of `rows`.
    pub(crate) fn fit_gram(
        rows: &[SparseRow],
        y: &[f64],
        kernel: &Kernel,
        prepared: Vec<Prepared>,
        k: &[f64],
    ) -> Result<Gp> {
        let n = rows.len();
        let noise = choose_noise(k, n, y)?;
        let (mean, noise, signal, chol, alpha) = solve_gp(k, n, y, &[noise])?;
        Ok(Gp {
            kernel: kernel.clone(),
            rows: rows.to_vec(),
            y: y.to_vec(),
            mean,
            noise,
            signal,
            state: Some(GpState {
                prepared,
                chol,
                alpha,
            }),
        })
    }

    fn restore(&mut self) -> Result<()> {
        let n = self.rows.len();
        if n == 0 || self.y.len() != n || self.noise.is_nan() || self.noise <= 0.0 {
            return Err(ModelError::Learner("damaged GP parameters".into()));
        }
        let (prepared, k) = prepare_gram(&self.rows, &self.kernel)?;
        let (_, _, _, chol, alpha) = solve_gp(&k, n, &self.y, &[self.noise])?;
        self.state = Some(GpState {
            prepared,
            chol,
            alpha,
        });
        Ok(())
    }

    /// The noise-to-signal ratio (chosen by the marginal likelihood unless fixed).
    pub fn noise(&self) -> f64 {
        self.noise
    }

    fn state(&self) -> Result<&GpState> {
        self.state
            .as_ref()
            .ok_or_else(|| ModelError::Learner("GP used before restore".into()))
    }

    fn predict(&self, row: &SparseRow) -> Result<Prediction> {
        let mut out = self.predict_many(std::slice::from_ref(row))?;
        out.pop()
            .ok_or_else(|| ModelError::Learner("no prediction".into()))
    }

    /// Predicts many rows, solving for their variances together so that the
    /// factor is read once per block of rows.
    fn predict_many(&self, rows: &[SparseRow]) -> Result<Vec<Prediction>> {
        let state = self.state()?;
        let cross: Vec<Vec<f64>> = rows
            .par_iter()
            .map(|r| {
                let q = self.kernel.prepare(r);
                state
                    .prepared
                    .iter()
                    .map(|p| self.kernel.eval(&q, p))
                    .collect()
            })
            .collect();
        Ok(posterior(
            &state.chol,
            &state.alpha,
            &cross,
            self.mean,
            self.signal,
            self.noise,
        ))
    }
}

/// Rows on which the noise ratio is chosen: the marginal likelihood of a
/// random subset this size ranks noise levels as the full set does, at a
/// small fraction of the cost of factorising the full matrix per level.
const NOISE_SUBSET: usize = 1000;

/// The noise ratio with the highest marginal likelihood on (a seeded
/// random subset of at most [`NOISE_SUBSET`] of) the rows.
fn choose_noise(k: &[f64], n: usize, y: &[f64]) -> Result<f64> {
    if n <= NOISE_SUBSET {
        return Ok(solve_gp(k, n, y, &NOISE_GRID)?.1);
    }
    let mut order: Vec<usize> = (0..n).collect();
    crate::split::shuffle(&mut order, &mut Mt64::new(n as u64));
    let mut pick: Vec<usize> = order.into_iter().take(NOISE_SUBSET).collect();
    pick.sort_unstable();
    let m = pick.len();
    let sub = submatrix(k, n, &pick, &pick);
    let ys: Vec<f64> = pick.iter().filter_map(|&i| y.get(i).copied()).collect();
    Ok(solve_gp(&sub, m, &ys, &NOISE_GRID)?.1)
}

/// Fits the GP on kernel matrix `k` for each noise ratio in `grid` and
/// keeps the one with the highest log marginal likelihood (signal variance
/// profiled out): `(mean, noise, signal, factor, alpha)`.
fn solve_gp(
    k: &[f64],
    n: usize,
    y: &[f64],
    grid: &[f64],
) -> Result<(f64, f64, f64, Cholesky, Vec<f64>)> {
    let mean = y.iter().sum::<f64>() / n.max(1) as f64;
    let yc: Vec<f64> = y.iter().map(|v| v - mean).collect();
    let mut best: Option<(f64, f64, f64, Cholesky, Vec<f64>)> = None;
    for &noise in grid {
        let mut a = k.to_vec();
        for i in 0..n {
            if let Some(d) = a.get_mut(i * n + i) {
                *d += noise + 1e-8;
            }
        }
        let Ok(chol) = Cholesky::factor(a, n) else {
            continue;
        };
        let alpha = chol.solve(&yc);
        let fit = crate::linalg::dot(&yc, &alpha);
        let signal = (fit / n as f64).max(1e-12);
        let lml = -0.5 * n as f64 * signal.ln() - 0.5 * chol.log_det();
        if best.as_ref().is_none_or(|b| lml > b.0) {
            best = Some((lml, noise, signal, chol, alpha));
        }
    }
    let Some((_, noise, signal, chol, alpha)) = best else {
        return Err(ModelError::Numerical(
            "no noise level gives a positive-definite kernel matrix".into(),
        ));
    };
    Ok((mean, noise, signal, chol, alpha))
}

/// Posterior mean and predictive standard deviation for test points with
/// kernel rows `cross` against the training points.
fn posterior(
    chol: &Cholesky,
    alpha: &[f64],
    cross: &[Vec<f64>],
    mean: f64,
    signal: f64,
    noise: f64,
) -> Vec<Prediction> {
    let v = chol.forward_many(cross);
    cross
        .iter()
        .zip(&v)
        .map(|(ks, vs)| {
            let var = signal * ((1.0 - crate::linalg::dot(vs, vs)).max(0.0) + noise);
            Prediction {
                value: mean + crate::linalg::dot(ks, alpha),
                sigma: var.sqrt().max(1e-12),
            }
        })
        .collect()
}

/// Fits the GP on all rows (noise by marginal likelihood) and predicts
/// each fold's test rows from a GP on its training rows with that noise,
/// all from one kernel matrix: `(full fit, out-of-fold predictions)`.
pub fn gp_cross_validate(
    rows: &[SparseRow],
    y: &[f64],
    kernel: &Kernel,
    folds: &[crate::split::Split],
) -> Result<(Learner, Vec<Prediction>)> {
    let n = rows.len();
    let (prepared, k) = prepare_gram(rows, kernel)?;
    let full = Gp::fit_gram(rows, y, kernel, prepared, &k)?;
    let noise = full.noise;
    let mut oof = vec![
        Prediction {
            value: f64::NAN,
            sigma: 1.0,
        };
        n
    ];
    let per_fold: Vec<Vec<(usize, Prediction)>> = folds
        .par_iter()
        .filter(|split| split.train.len() >= 2 && !split.test.is_empty())
        .map(|split| -> Result<Vec<(usize, Prediction)>> {
            let m = split.train.len();
            let sub = submatrix(&k, n, &split.train, &split.train);
            let ty: Vec<f64> = split
                .train
                .iter()
                .filter_map(|&i| y.get(i).copied())
                .collect();
            let (mean, _, signal, chol, alpha) = solve_gp(&sub, m, &ty, &[noise])?;
            let cross: Vec<Vec<f64>> = submatrix(&k, n, &split.test, &split.train)
                .chunks(m.max(1))
                .map(<[f64]>::to_vec)
                .collect();
            Ok(split
                .test
                .iter()
                .copied()
                .zip(posterior(&chol, &alpha, &cross, mean, signal, noise))
                .collect())
        })
        .collect::<Result<_>>()?;
    for (i, p) in per_fold.into_iter().flatten() {
        if let Some(slot) = oof.get_mut(i) {
            *slot = p;
        }
    }
    Ok((Learner::Gp(full), oof))
}

/// Prepared rows and their kernel matrix, refusing sets too large for the exact GP.
fn prepare_gram(rows: &[SparseRow], kernel: &Kernel) -> Result<(Vec<Prepared>, Vec<f64>)> {
    if rows.len() > GP_MAX_ROWS {
        return Err(ModelError::Learner(format!(
            "the exact GP takes at most {GP_MAX_ROWS} training rows, have {}; use rf or gbm",
            rows.len()
        )));
    }
    let prepared: Vec<Prepared> = rows.par_iter().map(|r| kernel.prepare(r)).collect();
    let k = gram(kernel, &prepared);
    Ok((prepared, k))
}

/// The `rows × cols` block of the row-major `n × n` matrix `k`.
fn submatrix(k: &[f64], n: usize, rows: &[usize], cols: &[usize]) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows.len() * cols.len());
    for &i in rows {
        out.extend(
            cols.iter()
                .map(|&j| k.get(i * n + j).copied().unwrap_or(0.0)),
        );
    }
    out
}

/// The kernel matrix, rows in parallel.
fn gram(kernel: &Kernel, prepared: &[Prepared]) -> Vec<f64> {
    let n = prepared.len();
    let mut k = vec![0.0; n * n];
    k.par_chunks_mut(n.max(1)).enumerate().for_each(|(i, row)| {
        if let Some(a) = prepared.get(i) {
            for (j, out) in row.iter_mut().enumerate().take(i + 1) {
                if let Some(b) = prepared.get(j) {
                    *out = kernel.eval(a, b);
                }
            }
        }
    });
    // mirror the lower triangle
    for i in 0..n {
        for j in 0..i {
            let v = k.get(i * n + j).copied().unwrap_or(0.0);
            if let Some(u) = k.get_mut(j * n + i) {
                *u = v;
            }
        }
    }
    k
}

/// Random forest: bootstrap samples, a third of the features per split
/// (the square root for classification), unpruned trees.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Forest {
    trees: Vec<Tree>,
}

/// Trees in a forest.
pub const FOREST_TREES: usize = 200;

impl Forest {
    fn fit(rows: &[SparseRow], y: &[f64], dim: usize, task: Task, seed: u64) -> Forest {
        let data = Binned::new(rows, dim);
        let n = rows.len();
        let ones = vec![1.0; n];
        let params = TreeParams {
            max_depth: 64,
            min_leaf: 1,
            lambda: 0.0,
            feature_fraction: match task {
                Task::Regression => 1.0 / 3.0,
                Task::Classification => 1.0 / (dim.max(1) as f64).sqrt(),
            },
            shrinkage: 1.0,
        };
        let trees = (0..FOREST_TREES)
            .into_par_iter()
            .map(|t| {
                let tree_seed = seed ^ (t as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                let mut rng = Mt64::new(tree_seed);
                let sample: Vec<u32> = (0..n).map(|_| (rng.next_u64() % n as u64) as u32).collect();
                grow(&data, y, &ones, sample, &params, tree_seed.wrapping_add(1))
            })
            .collect();
        Forest { trees }
    }

    fn predict(&self, row: &SparseRow) -> Prediction {
        let values: Vec<f64> = self.trees.iter().map(|t| t.predict(row)).collect();
        let n = values.len().max(1) as f64;
        let mean = values.iter().sum::<f64>() / n;
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        Prediction {
            value: mean,
            sigma: var.sqrt().max(1e-6),
        }
    }
}

/// Gradient boosting: squared loss or logistic loss, depth-6 trees,
/// learning rate 0.05, 80 % row subsampling per round, half the features
/// per split.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Boosted {
    base: f64,
    trees: Vec<Tree>,
}

/// Boosting rounds.
pub const BOOST_ROUNDS: usize = 500;

impl Boosted {
    fn fit(rows: &[SparseRow], y: &[f64], dim: usize, task: Task, seed: u64) -> Boosted {
        let data = Binned::new(rows, dim);
        let n = rows.len();
        let mean = y.iter().sum::<f64>() / n as f64;
        let base = match task {
            Task::Regression => mean,
            Task::Classification => {
                let p = mean.clamp(1e-6, 1.0 - 1e-6);
                (p / (1.0 - p)).ln()
            }
        };
        let params = TreeParams {
            max_depth: 6,
            min_leaf: 2,
            lambda: 1.0,
            feature_fraction: 0.5,
            shrinkage: 0.05,
        };
        let mut f = vec![base; n];
        let mut g = vec![0.0; n];
        let mut h = vec![1.0; n];
        let mut rng = Mt64::new(seed);
        let mut trees = Vec::with_capacity(BOOST_ROUNDS);
        for round in 0..BOOST_ROUNDS {
            for i in 0..n {
                let (fi, yi) = (
                    f.get(i).copied().unwrap_or(0.0),
                    y.get(i).copied().unwrap_or(0.0),
                );
                let (gi, hi) = match task {
                    Task::Regression => (yi - fi, 1.0),
                    Task::Classification => {
                        let p = 1.0 / (1.0 + (-fi).exp());
                        (yi - p, (p * (1.0 - p)).max(1e-6))
                    }
                };
                if let (Some(a), Some(b)) = (g.get_mut(i), h.get_mut(i)) {
                    *a = gi;
                    *b = hi;
                }
            }
            let sample: Vec<u32> = (0..n as u32).filter(|_| unit(&mut rng) < 0.8).collect();
            let tree = grow(
                &data,
                &g,
                &h,
                sample,
                &params,
                seed.wrapping_add(round as u64 + 1),
            );
            f.par_iter_mut()
                .zip(rows.par_iter())
                .for_each(|(fi, r)| *fi += tree.predict(r));
            trees.push(tree);
        }
        Boosted { base, trees }
    }

    fn predict(&self, row: &SparseRow, task: Task) -> Prediction {
        let f = self.base + self.trees.iter().map(|t| t.predict(row)).sum::<f64>();
        let value = match task {
            Task::Regression => f,
            Task::Classification => 1.0 / (1.0 + (-f).exp()),
        };
        Prediction { value, sigma: 1.0 }
    }
}

/// Similarity-weighted k-nearest neighbours (k = 5) under the kernel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Knn {
    kernel: Kernel,
    rows: Vec<SparseRow>,
    y: Vec<f64>,
    k: usize,
    spread: f64,
    #[serde(skip)]
    prepared: Vec<Prepared>,
}

impl Knn {
    fn fit(rows: &[SparseRow], y: &[f64], kernel: &Kernel) -> Knn {
        let n = y.len().max(1) as f64;
        let mean = y.iter().sum::<f64>() / n;
        let spread = (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n).sqrt();
        let mut knn = Knn {
            kernel: kernel.clone(),
            rows: rows.to_vec(),
            y: y.to_vec(),
            k: 5,
            spread,
            prepared: Vec::new(),
        };
        knn.restore();
        knn
    }

    fn restore(&mut self) {
        self.prepared = self
            .rows
            .par_iter()
            .map(|r| self.kernel.prepare(r))
            .collect();
    }

    fn predict(&self, row: &SparseRow) -> Result<Prediction> {
        if self.prepared.len() != self.y.len() || self.y.is_empty() {
            return Err(ModelError::Learner("damaged k-NN model".into()));
        }
        let q = self.kernel.prepare(row);
        let mut sims: Vec<(f64, usize)> = self
            .prepared
            .iter()
            .enumerate()
            .map(|(i, p)| (self.kernel.eval(&q, p), i))
            .collect();
        let k = self.k.min(sims.len()).max(1);
        sims.select_nth_unstable_by(k - 1, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let top = sims.get(..k).unwrap_or(&[]);
        let wsum: f64 = top.iter().map(|t| t.0).sum();
        let weight = |s: f64| if wsum > 0.0 { s / wsum } else { 1.0 / k as f64 };
        let value: f64 = top
            .iter()
            .map(|&(s, i)| weight(s) * self.y.get(i).copied().unwrap_or(0.0))
            .sum();
        let var: f64 = top
            .iter()
            .map(|&(s, i)| {
                let d = self.y.get(i).copied().unwrap_or(0.0) - value;
                weight(s) * d * d
            })
            .sum();
        let mean_sim = top.iter().map(|t| t.0).sum::<f64>() / k as f64;
        Ok(Prediction {
            value,
            sigma: var.sqrt() + (1.0 - mean_sim) * self.spread + 1e-6,
        })
    }
}
