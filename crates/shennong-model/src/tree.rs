//! Histogram decision trees on sparse rows, grown the same way for random
//! forests (Breiman, Machine Learning 2001: bootstrap rows, a random third
//! of the features per split, leaves down to one sample) and for gradient
//! boosting (Friedman, Ann. Stat. 2001, with the second-order gain of
//! XGBoost, Chen & Guestrin 2016).
//!
//! Every sample carries a gradient `g` and a hessian `h`; a split's gain is
//! `G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ)` and a leaf's value `G/(H+λ)`.
//! With `g = y`, `h = 1`, `λ = 0` this is variance reduction and the leaf
//! mean (a forest); with `g` the negative gradient of the loss it is a
//! boosting step. Feature values are binned once (up to 64 bins per
//! column, cut at midpoints between distinct values); only entries that
//! differ from a column's zero bin are stored, so a node costs time in
//! proportion to its non-zero entries, not to the number of columns.

use rand_mt::Mt64;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::features::{value_at, SparseRow};

const MAX_BINS: usize = 64;
const REJECTED: u32 = u32::MAX - 1;
const UNSEEN: u32 = u32::MAX;

/// Binned training data.
pub struct Binned {
    cuts: Vec<Vec<f64>>,
    zero_bin: Vec<u8>,
    rows: Vec<Vec<(u32, u8)>>,
}

impl Binned {
    /// Bins `rows` with `dim` columns.
    pub fn new(rows: &[SparseRow], dim: usize) -> Binned {
        let n = rows.len();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); dim];
        for r in rows {
            for &(c, v) in r {
                if let Some(col) = values.get_mut(c as usize) {
                    col.push(v);
                }
            }
        }
        let cuts: Vec<Vec<f64>> = values
            .into_par_iter()
            .map(|mut col| {
                let zeros = n.saturating_sub(col.len());
                col.sort_by(f64::total_cmp);
                let mut distinct: Vec<(f64, usize)> = Vec::new();
                let mut push = |v: f64, c: usize| match distinct.last_mut() {
                    Some((last, count)) if *last == v => *count += c,
                    _ => distinct.push((v, c)),
                };
                let mut zero_added = zeros == 0;
                for v in col {
                    if !zero_added && v > 0.0 {
                        push(0.0, zeros);
                        zero_added = true;
                    }
                    push(v, 1);
                }
                if !zero_added {
                    push(0.0, zeros);
                }
                cut_points(&distinct, n)
            })
            .collect();
        let zero_bin: Vec<u8> = cuts.iter().map(|c| bin_of(c, 0.0)).collect();
        let binned_rows = rows
            .iter()
            .map(|r| {
                r.iter()
                    .filter_map(|&(c, v)| {
                        let cut = cuts.get(c as usize)?;
                        let b = bin_of(cut, v);
                        (Some(&b) != zero_bin.get(c as usize)).then_some((c, b))
                    })
                    .collect()
            })
            .collect();
        Binned {
            cuts,
            zero_bin,
            rows: binned_rows,
        }
    }

    fn bin(&self, sample: usize, feature: u32) -> u8 {
        let row = self.rows.get(sample).map_or(&[][..], |r| r.as_slice());
        match row.binary_search_by_key(&feature, |&(c, _)| c) {
            Ok(k) => row.get(k).map_or(0, |&(_, b)| b),
            Err(_) => self.zero_bin.get(feature as usize).copied().unwrap_or(0),
        }
    }

    fn n_bins(&self, feature: u32) -> usize {
        self.cuts.get(feature as usize).map_or(1, |c| c.len() + 1)
    }
}

/// Cut points between groups of distinct values holding about `n / MAX_BINS` samples each.
fn cut_points(distinct: &[(f64, usize)], n: usize) -> Vec<f64> {
    let mut cuts = Vec::new();
    if distinct.len() <= MAX_BINS {
        for w in distinct.windows(2) {
            if let [(a, _), (b, _)] = w {
                cuts.push(a + (b - a) / 2.0);
            }
        }
        return cuts;
    }
    let per_bin = (n / MAX_BINS).max(1);
    let mut acc = 0;
    for w in distinct.windows(2) {
        if let [(a, c), (b, _)] = w {
            acc += c;
            if acc >= per_bin && cuts.len() + 1 < MAX_BINS {
                cuts.push(a + (b - a) / 2.0);
                acc = 0;
            }
        }
    }
    cuts
}

fn bin_of(cuts: &[f64], v: f64) -> u8 {
    cuts.partition_point(|&c| c < v).min(255) as u8
}

/// Growth settings for one tree.
#[derive(Debug, Clone, Copy)]
pub struct TreeParams {
    /// Deepest level (root = 0).
    pub max_depth: usize,
    /// Fewest samples in a leaf.
    pub min_leaf: usize,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Chance that a feature is a split candidate at a node.
    pub feature_fraction: f64,
    /// Scale of leaf values (the boosting learning rate; 1 for forests).
    pub shrinkage: f64,
}

/// One node: a split, or a leaf when `left == 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Split feature.
    pub feature: u32,
    /// Samples with `value <= threshold` go left.
    pub threshold: f64,
    /// Left child (0: this is a leaf).
    pub left: u32,
    /// Right child.
    pub right: u32,
    /// Leaf value.
    pub value: f64,
}

/// A decision tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes, root first.
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The leaf value for a row (0 for a malformed tree).
    pub fn predict(&self, row: &[(u32, f64)]) -> f64 {
        let mut k = 0usize;
        for _ in 0..=self.nodes.len() {
            let Some(node) = self.nodes.get(k) else {
                return 0.0;
            };
            if node.left == 0 {
                return node.value;
            }
            k = if value_at(row, node.feature) <= node.threshold {
                node.left as usize
            } else {
                node.right as usize
            };
        }
        0.0
    }

    /// Checks that every child index points forward inside the tree, so that
    /// prediction always ends at a leaf.
    pub fn is_well_formed(&self) -> bool {
        self.nodes.iter().enumerate().all(|(i, n)| {
            n.left == 0
                || ((n.left as usize) > i
                    && (n.right as usize) > i
                    && (n.left as usize) < self.nodes.len()
                    && (n.right as usize) < self.nodes.len())
        })
    }
}

struct Workspace {
    slot_of: Vec<u32>,
    touched: Vec<u32>,
    hist: Vec<(f64, f64, u32)>,
    offsets: Vec<(u32, usize)>,
}

/// Grows a tree on `samples` (indices into `data`, repeats allowed).
pub fn grow(
    data: &Binned,
    g: &[f64],
    h: &[f64],
    samples: Vec<u32>,
    params: &TreeParams,
    seed: u64,
) -> Tree {
    let mut rng = Mt64::new(seed);
    let mut ws = Workspace {
        slot_of: vec![UNSEEN; data.cuts.len()],
        touched: Vec::new(),
        hist: Vec::new(),
        offsets: Vec::new(),
    };
    let mut idx = samples;
    let mut nodes = vec![Node {
        feature: 0,
        threshold: 0.0,
        left: 0,
        right: 0,
        value: 0.0,
    }];
    let mut stack = vec![(0usize, 0usize, idx.len(), 0usize)];
    while let Some((node, start, end, depth)) = stack.pop() {
        let part = idx.get(start..end).unwrap_or(&[]);
        let (gs, hs) = part.iter().fold((0.0, 0.0), |(a, b), &s| {
            (
                a + g.get(s as usize).copied().unwrap_or(0.0),
                b + h.get(s as usize).copied().unwrap_or(0.0),
            )
        });
        let leaf_value = params.shrinkage * gs / (hs + params.lambda).max(1e-12);
        if let Some(nd) = nodes.get_mut(node) {
            nd.value = leaf_value;
        }
        if depth >= params.max_depth || part.len() < 2 * params.min_leaf {
            continue;
        }
        let Some((feature, bin)) =
            best_split(data, g, h, part, (gs, hs), params, &mut ws, &mut rng)
        else {
            continue;
        };
        // Partition in place: left part first.
        let slice = idx.get_mut(start..end).unwrap_or(&mut []);
        let mut mid = 0;
        for k in 0..slice.len() {
            let s = slice.get(k).copied().unwrap_or(0);
            if data.bin(s as usize, feature) <= bin {
                slice.swap(mid, k);
                mid += 1;
            }
        }
        if mid == 0 || mid == slice.len() {
            continue;
        }
        let threshold = data
            .cuts
            .get(feature as usize)
            .and_then(|c| c.get(bin as usize))
            .copied()
            .unwrap_or(0.0);
        let left = nodes.len() as u32;
        let empty = Node {
            feature: 0,
            threshold: 0.0,
            left: 0,
            right: 0,
            value: 0.0,
        };
        nodes.push(empty);
        nodes.push(empty);
        if let Some(nd) = nodes.get_mut(node) {
            nd.feature = feature;
            nd.threshold = threshold;
            nd.left = left;
            nd.right = left + 1;
        }
        stack.push((left as usize + 1, start + mid, end, depth + 1));
        stack.push((left as usize, start, start + mid, depth + 1));
    }
    Tree { nodes }
}

#[allow(clippy::too_many_arguments)]
fn best_split(
    data: &Binned,
    g: &[f64],
    h: &[f64],
    part: &[u32],
    (gs, hs): (f64, f64),
    params: &TreeParams,
    ws: &mut Workspace,
    rng: &mut Mt64,
) -> Option<(u32, u8)> {
    ws.hist.clear();
    ws.offsets.clear();
    for &s in part {
        let (gi, hi) = (
            g.get(s as usize).copied().unwrap_or(0.0),
            h.get(s as usize).copied().unwrap_or(0.0),
        );
        for &(f, b) in data.rows.get(s as usize).map_or(&[][..], |r| r.as_slice()) {
            let Some(slot) = ws.slot_of.get_mut(f as usize) else {
                continue;
            };
            if *slot == UNSEEN {
                ws.touched.push(f);
                let draw = crate::learners::unit(rng);
                *slot = if draw < params.feature_fraction {
                    let offset = ws.hist.len();
                    ws.hist.resize(offset + data.n_bins(f), (0.0, 0.0, 0));
                    ws.offsets.push((f, offset));
                    offset as u32
                } else {
                    REJECTED
                };
            }
            if *slot != REJECTED {
                if let Some(cell) = ws.hist.get_mut(*slot as usize + b as usize) {
                    cell.0 += gi;
                    cell.1 += hi;
                    cell.2 += 1;
                }
            }
        }
    }
    for &f in &ws.touched {
        if let Some(slot) = ws.slot_of.get_mut(f as usize) {
            *slot = UNSEEN;
        }
    }
    ws.touched.clear();
    let n = part.len() as u32;
    let score = |g: f64, h: f64| g * g / (h + params.lambda).max(1e-12);
    let parent = score(gs, hs);
    let mut best: Option<(f64, u32, u8)> = None;
    for &(f, offset) in &ws.offsets {
        let nb = data.n_bins(f);
        let Some(hist) = ws.hist.get_mut(offset..offset + nb) else {
            continue;
        };
        // The zero bin holds whatever the stored entries do not.
        let (sg, sh, sc) = hist
            .iter()
            .fold((0.0, 0.0, 0u32), |(a, b, c), x| (a + x.0, b + x.1, c + x.2));
        if let Some(z) = data
            .zero_bin
            .get(f as usize)
            .and_then(|&z| hist.get_mut(z as usize))
        {
            z.0 += gs - sg;
            z.1 += hs - sh;
            z.2 += n.saturating_sub(sc);
        }
        let (mut lg, mut lh, mut lc) = (0.0, 0.0, 0u32);
        for (b, cell) in hist.iter().enumerate().take(nb.saturating_sub(1)) {
            lg += cell.0;
            lh += cell.1;
            lc += cell.2;
            let rc = n - lc.min(n);
            if (lc as usize) < params.min_leaf || (rc as usize) < params.min_leaf {
                continue;
            }
            let gain = score(lg, lh) + score(gs - lg, hs - lh) - parent;
            if gain > 1e-12 && best.is_none_or(|(bg, _, _)| gain > bg) {
                best = Some((gain, f, b as u8));
            }
        }
    }
    best.map(|(_, f, b)| (f, b))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn a_deep_tree_fits_its_training_data() {
        let rows: Vec<SparseRow> = (0..50u32)
            .map(|i| {
                let mut r = vec![];
                if i % 2 == 1 {
                    r.push((0, 1.0));
                }
                if i % 3 == 0 {
                    r.push((3, (i % 7) as f64 + 1.0));
                }
                r
            })
            .collect();
        let y: Vec<f64> = (0..50)
            .map(|i| if i % 2 == 1 { 2.0 } else { 0.0 } + if i % 3 == 0 { 1.0 } else { 0.0 })
            .collect();
        let data = Binned::new(&rows, 5);
        let params = TreeParams {
            max_depth: 10,
            min_leaf: 1,
            lambda: 0.0,
            feature_fraction: 1.0,
            shrinkage: 1.0,
        };
        let tree = grow(&data, &y, &vec![1.0; 50], (0..50).collect(), &params, 1);
        assert!(tree.is_well_formed());
        for (r, v) in rows.iter().zip(&y) {
            assert!((tree.predict(r) - v).abs() < 1e-12);
        }
    }
}
