//! Counted, cached, budgeted oracle calls. Every distinct molecule (by
//! canonical SMILES) costs one call the first time it is scored and is
//! free afterwards; once the budget is spent nothing more is scored.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use shennong_mol::Mol;

use crate::scoring::Scoring;

/// One scored molecule.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Canonical SMILES.
    pub smiles: String,
    /// 1-based oracle call number.
    pub call: usize,
    /// Generation (0 for the starting population).
    pub step: usize,
    /// Raw component values.
    pub raw: Vec<f64>,
    /// Transformed component scores.
    pub scores: Vec<f64>,
    /// Total score.
    pub total: f64,
    /// The score the optimiser sees: the total, or 0 when the diversity
    /// filter's scaffold bucket was already full.
    pub fitness: f64,
}

/// REINVENT's identical-Murcko-scaffold diversity filter: once
/// `bucket_size` molecules with a total of at least `min_score` share a
/// Bemis–Murcko scaffold, later molecules with that scaffold get fitness 0.
#[derive(Debug, Clone, PartialEq)]
pub struct DiversityFilter {
    /// Molecules allowed per scaffold.
    pub bucket_size: usize,
    /// Totals below this do not fill buckets.
    pub min_score: f64,
    buckets: HashMap<String, usize>,
}

impl DiversityFilter {
    /// A filter with empty buckets.
    pub fn new(bucket_size: usize, min_score: f64) -> DiversityFilter {
        DiversityFilter {
            bucket_size,
            min_score,
            buckets: HashMap::new(),
        }
    }

    fn fitness(&mut self, mol: &Mol, total: f64) -> f64 {
        if total < self.min_score {
            return total;
        }
        let count = self
            .buckets
            .entry(shennong_model::murcko_scaffold(mol))
            .or_insert(0);
        if *count >= self.bucket_size {
            0.0
        } else {
            *count += 1;
            total
        }
    }
}

/// The oracle: a scoring function with a call budget and a cache.
pub struct Oracle<'s> {
    scoring: &'s Scoring,
    budget: usize,
    index: HashMap<String, usize>,
    records: Vec<Record>,
    filter: Option<DiversityFilter>,
}

impl<'s> Oracle<'s> {
    /// An oracle allowing `budget` calls.
    pub fn new(scoring: &'s Scoring, budget: usize, filter: Option<DiversityFilter>) -> Oracle<'s> {
        Oracle {
            scoring,
            budget,
            index: HashMap::new(),
            records: Vec::new(),
            filter,
        }
    }

    /// The scoring function.
    pub fn scoring(&self) -> &Scoring {
        self.scoring
    }

    /// Calls made.
    pub fn calls(&self) -> usize {
        self.records.len()
    }

    /// The budget.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Whether the budget is spent.
    pub fn exhausted(&self) -> bool {
        self.records.len() >= self.budget
    }

    /// All scored molecules, in call order.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The best total so far.
    pub fn best(&self) -> f64 {
        self.records.iter().map(|r| r.total).fold(0.0, f64::max)
    }

    /// The cached record of a canonical SMILES.
    pub fn lookup(&self, smiles: &str) -> Option<&Record> {
        self.index.get(smiles).and_then(|&i| self.records.get(i))
    }

    /// Puts back a record read from an earlier run (resume); it counts
    /// against the budget like a call. The molecule refills the diversity
    /// filter's buckets as it did then.
    pub fn restore(&mut self, mol: &Mol, record: Record) {
        if self.index.contains_key(&record.smiles) {
            return;
        }
        if let Some(f) = &mut self.filter {
            f.fitness(mol, record.total);
        }
        self.index.insert(record.smiles.clone(), self.records.len());
        self.records.push(record);
    }

    /// Scores molecules: the fitness of each (from the cache, or from a new
    /// call while budget remains), `None` for those left unscored because
    /// the budget ran out. New molecules are scored in parallel and numbered
    /// in input order, so a run is the same whatever the thread count.
    pub fn score(&mut self, mols: &[Mol], step: usize) -> Vec<Option<f64>> {
        let keyed: Vec<(String, Mol)> = mols
            .par_iter()
            .map(|m| (shennong_smiles::to_smiles(m), m.clone()))
            .collect();
        self.score_keyed(&keyed, step)
    }

    /// [`Oracle::score`] for molecules whose canonical SMILES the caller
    /// already has.
    pub fn score_keyed(&mut self, mols: &[(String, Mol)], step: usize) -> Vec<Option<f64>> {
        let mut fresh: Vec<usize> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let remaining = self.budget.saturating_sub(self.records.len());
        for (i, (s, _)) in mols.iter().enumerate() {
            if fresh.len() >= remaining {
                break;
            }
            if !self.index.contains_key(s) && seen.insert(s.as_str()) {
                fresh.push(i);
            }
        }
        let rows: Vec<_> = fresh
            .par_iter()
            .filter_map(|&i| mols.get(i).map(|(_, m)| self.scoring.score(m)))
            .collect();
        for (&i, row) in fresh.iter().zip(rows) {
            let Some((s, mol)) = mols.get(i) else {
                continue;
            };
            let fitness = match &mut self.filter {
                Some(f) => f.fitness(mol, row.total),
                None => row.total,
            };
            self.index.insert(s.clone(), self.records.len());
            self.records.push(Record {
                smiles: s.clone(),
                call: self.records.len() + 1,
                step,
                raw: row.raw,
                scores: row.scores,
                total: row.total,
                fitness,
            });
        }
        mols.iter()
            .map(|(s, _)| self.lookup(s).map(|r| r.fitness))
            .collect()
    }
}

/// PMO's area under the curve of the top-`top_n` mean against oracle calls
/// (Gao et al. 2022, `mol_opt`'s `top_auc`): the top-`top_n` mean is taken
/// every `freq_log` calls, the curve integrated by trapezoids and divided by
/// `max_calls`. With `finish`, a run that stopped early keeps its last value
/// until `max_calls`.
pub fn auc_top_k(
    totals_in_call_order: &[f64],
    top_n: usize,
    freq_log: usize,
    max_calls: usize,
    finish: bool,
) -> f64 {
    let top_mean = |prefix: &[f64]| -> f64 {
        let mut v: Vec<f64> = prefix.to_vec();
        v.sort_by(|a, b| b.total_cmp(a));
        v.truncate(top_n);
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let n = totals_in_call_order.len().min(max_calls);
    let all = totals_in_call_order.get(..n).unwrap_or(&[]);
    let (mut sum, mut prev, mut called) = (0.0, 0.0, 0usize);
    let freq = freq_log.max(1);
    let mut idx = freq;
    while idx < n {
        let now = top_mean(all.get(..idx).unwrap_or(&[]));
        sum += freq as f64 * (now + prev) / 2.0;
        prev = now;
        called = idx;
        idx += freq;
    }
    let now = top_mean(all);
    sum += (n - called) as f64 * (now + prev) / 2.0;
    if finish && n < max_calls {
        sum += (max_calls - n) as f64 * now;
    }
    if max_calls == 0 {
        0.0
    } else {
        sum / max_calls as f64
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn auc_of_a_constant_curve_ramps_up_from_zero_like_mol_opt() {
        // the curve starts at 0 before the first log point: 25 + 8 * 50 + 50
        let v = vec![0.5; 1000];
        assert!((auc_top_k(&v, 10, 100, 1000, true) - 0.475).abs() < 1e-12);
        // a run that stopped at half the budget, finished, keeps its value
        let half = vec![0.5; 500];
        assert!((auc_top_k(&half, 10, 100, 1000, true) - 0.475).abs() < 1e-12);
        assert!((auc_top_k(&half, 10, 100, 1000, false) - 0.225).abs() < 1e-12);
    }

    #[test]
    fn auc_follows_mol_opt_on_a_small_example() {
        // by hand: calls 1..=250, score = call/250, freq 100, top 10
        let v: Vec<f64> = (1..=250).map(|i| i as f64 / 250.0).collect();
        let top = |k: usize| (k - 9..=k).map(|i| i as f64 / 250.0).sum::<f64>() / 10.0;
        let expected = (100.0 * (top(100) + 0.0) / 2.0
            + 100.0 * (top(200) + top(100)) / 2.0
            + 50.0 * (top(250) + top(200)) / 2.0)
            / 250.0;
        assert!((auc_top_k(&v, 10, 100, 250, true) - expected).abs() < 1e-12);
    }
}
