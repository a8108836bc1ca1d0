//! Similarity search: threshold and k-nearest, pruned by popcount.
//!
//! BitBound (Swamidass & Baldi, J. Chem. Inf. Model. 2007, 47, 302): a row
//! with `b` bits can share at most `min(a, b)` bits with a query of `a`
//! bits, so its similarity is at most the score at that overlap. Rows are
//! stored sorted by popcount, so every popcount is one contiguous run and
//! whole runs whose bound falls below the threshold (or below the current
//! k-th best) are never read. All three measures peak at `b = a` and fall
//! on both sides, so k-nearest search walks outwards from the query's own
//! popcount and stops as soon as neither side can improve the result.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::error::IndexError;
use crate::format::query_planes;
use crate::index::Index;
use crate::kernel::{for_each_common_bounded, popcount};

/// A similarity measure on bit fingerprints, computed exactly as RDKit's
/// `DataStructs` functions compute it (same formula, same edge cases), so
/// that scores and thresholds agree to the last bit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Metric {
    /// `c / (a + b - c)`; 0 when both are empty.
    Tanimoto,
    /// `2c / (a + b)`; 0 when both are empty.
    Dice,
    /// `c / (α·a + β·b + (1 - α - β)·c)` with `a` the query's bits; 0 when
    /// either is empty, 1 when the denominator is 0 (RDKit's
    /// `TverskySimilarity(query, target, α, β)`).
    Tversky {
        /// Weight of the query's own bits.
        alpha: f64,
        /// Weight of the target's own bits.
        beta: f64,
    },
}

impl Metric {
    /// The score from the bits in common and the bits of query and target.
    #[inline]
    pub fn score(self, common: u32, query: u32, target: u32) -> f64 {
        match self {
            Metric::Tanimoto => {
                let total = query + target;
                if total == 0 {
                    0.0
                } else {
                    f64::from(common) / f64::from(total - common)
                }
            }
            Metric::Dice => {
                let (x, y, z) = (f64::from(common), f64::from(query), f64::from(target));
                if y + z > 0.0 {
                    2.0 * x / (y + z)
                } else {
                    0.0
                }
            }
            Metric::Tversky { alpha, beta } => {
                if query == 0 || target == 0 {
                    return 0.0;
                }
                let x = f64::from(common);
                let denom =
                    alpha * f64::from(query) + beta * f64::from(target) + (1.0 - alpha - beta) * x;
                if denom == 0.0 {
                    1.0
                } else {
                    x / denom
                }
            }
        }
    }

    /// The best score any target of `target` bits can reach.
    #[inline]
    pub fn bound(self, query: u32, target: u32) -> f64 {
        self.score(query.min(target), query, target)
    }

    /// The fewest bits in common with which a target of `target` bits can
    /// score at least `min_score` (`min(query, target) + 1` when none can).
    /// Scores grow with the bits in common, so a binary search finds it.
    pub fn min_common(self, query: u32, target: u32, min_score: f64) -> u32 {
        let (mut lo, mut hi) = (0u32, query.min(target) + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.score(mid, query, target) >= min_score {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        lo
    }

    /// Whether `score(q, t) == score(t, q)`, which NxN search relies on.
    pub fn is_symmetric(self) -> bool {
        match self {
            Metric::Tanimoto | Metric::Dice => true,
            Metric::Tversky { alpha, beta } => alpha == beta,
        }
    }

    /// Checks the parameters (RDKit accepts α, β in [0, 1]).
    pub fn validate(self) -> Result<(), IndexError> {
        if let Metric::Tversky { alpha, beta } = self {
            if !(0.0..=1.0).contains(&alpha) || !(0.0..=1.0).contains(&beta) {
                return Err(IndexError::Invalid(format!(
                    "Tversky weights must lie in [0, 1]; got alpha={alpha}, beta={beta}"
                )));
            }
        }
        Ok(())
    }
}

/// Rows per block of a k-nearest scan, between updates of the bar.
const KNN_BLOCK_ROWS: usize = 512;

/// One search hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    /// Row in the index.
    pub row: usize,
    /// Input position of the record (ties are broken by it).
    pub ordinal: u32,
    /// Similarity to the query.
    pub score: f64,
}

/// Best first: higher score, then earlier in the input.
pub fn rank_order(a: &Hit, b: &Hit) -> Ordering {
    b.score
        .total_cmp(&a.score)
        .then_with(|| a.ordinal.cmp(&b.ordinal))
}

/// Heap entry whose `Ord` says "better"; the heap keeps the worst on top
/// through `Reverse`.
struct Ranked(Hit);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        rank_order(&other.0, &self.0)
    }
}

impl Index {
    fn check_query(&self, query: &[u64], metric: Metric) -> Result<(), IndexError> {
        metric.validate()?;
        if query.len() != self.fp_words() {
            return Err(IndexError::SpecMismatch {
                index: format!("{} bits", self.info().fp_bits),
                query: format!("{} bits", query.len() * 64),
            });
        }
        Ok(())
    }

    /// Calls `f(row, common)` for every row from `from` on with `popcount`
    /// bits whose sketch bound allows `needed` bits in common (rows that
    /// share fewer may or may not be reported).
    pub(crate) fn scan_popcount<F: FnMut(usize, u32)>(
        &self,
        query: &[u64],
        planes: &[u64],
        popcount: u32,
        from: usize,
        needed: u32,
        f: F,
    ) {
        let rows = self.rows_with_popcount(popcount);
        self.scan_rows(query, planes, rows.start.max(from)..rows.end, needed, f);
    }

    /// [`Index::scan_popcount`] over a range of rows.
    fn scan_rows<F: FnMut(usize, u32)>(
        &self,
        query: &[u64],
        planes: &[u64],
        rows: std::ops::Range<usize>,
        needed: u32,
        mut f: F,
    ) {
        for_each_common_bounded(
            query,
            planes,
            self.fingerprints(),
            self.sketches(),
            rows,
            needed,
            &mut f,
        );
    }

    /// Every record scoring at least `threshold`, best first (ties in
    /// input order).
    pub fn threshold(
        &self,
        query: &[u64],
        threshold: f64,
        metric: Metric,
    ) -> Result<Vec<Hit>, IndexError> {
        self.check_query(query, metric)?;
        let a = popcount(query);
        let planes = query_planes(query);
        let mut hits = Vec::new();
        let ordinals = self.ordinals();
        for b in 0..=self.info().fp_bits {
            if self.rows_with_popcount(b).is_empty() || metric.bound(a, b) < threshold {
                continue;
            }
            let needed = metric.min_common(a, b, threshold);
            self.scan_popcount(query, &planes, b, 0, needed, |row, c| {
                let score = metric.score(c, a, b);
                if score >= threshold {
                    hits.push(Hit {
                        row,
                        ordinal: ordinals.get(row).copied().unwrap_or(u32::MAX),
                        score,
                    });
                }
            });
        }
        hits.sort_unstable_by(rank_order);
        Ok(hits)
    }

    /// The `k` most similar records, best first; among equal scores the
    /// earlier input records win. With `min_score`, only hits scoring at
    /// least that.
    pub fn knn_above(
        &self,
        query: &[u64],
        k: usize,
        min_score: Option<f64>,
        metric: Metric,
    ) -> Result<Vec<Hit>, IndexError> {
        self.check_query(query, metric)?;
        if k == 0 || self.is_empty() {
            return Ok(Vec::new());
        }
        let a = popcount(query);
        let planes = query_planes(query);
        let bits = self.info().fp_bits;
        let ordinals = self.ordinals();
        let mut heap: BinaryHeap<std::cmp::Reverse<Ranked>> = BinaryHeap::with_capacity(k + 1);
        let floor = min_score.unwrap_or(f64::NEG_INFINITY);
        // buckets below and above the query's popcount, nearest first
        let mut down = Some(a.min(bits));
        let mut up = if a < bits { Some(a + 1) } else { None };
        loop {
            let bound_of = |b: Option<u32>| b.map(|b| metric.bound(a, b));
            let pick_down = match (bound_of(down), bound_of(up)) {
                (None, None) => break,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some(d), Some(u)) => d >= u,
            };
            let b = if pick_down { down } else { up };
            let Some(b) = b else { break };
            let bound = metric.bound(a, b);
            let kth = |heap: &BinaryHeap<std::cmp::Reverse<Ranked>>| {
                if heap.len() == k {
                    heap.peek().map(|w| w.0 .0.score)
                } else {
                    None
                }
            };
            // every remaining bucket is bounded by this one: stop when it
            // cannot beat (or tie, for an earlier ordinal) the current k-th
            if bound < floor || kth(&heap).is_some_and(|s| bound < s) {
                break;
            }
            // in blocks, so that the bar rows must clear (the k-th score so
            // far: ties may still win on input order; and the floor) rises
            // as better hits arrive, even within the first run scanned
            let rows = self.rows_with_popcount(b);
            let mut at = rows.start;
            while at < rows.end {
                let end = (at + KNN_BLOCK_ROWS).min(rows.end);
                let needed = match kth(&heap) {
                    Some(s) => metric.min_common(a, b, s.max(floor)),
                    None if floor > f64::NEG_INFINITY => metric.min_common(a, b, floor),
                    None => 0,
                };
                self.scan_rows(query, &planes, at..end, needed, |row, c| {
                    let score = metric.score(c, a, b);
                    if score < floor {
                        return;
                    }
                    let hit = Ranked(Hit {
                        row,
                        ordinal: ordinals.get(row).copied().unwrap_or(u32::MAX),
                        score,
                    });
                    if heap.len() < k {
                        heap.push(std::cmp::Reverse(hit));
                    } else if let Some(mut worst) = heap.peek_mut() {
                        if hit > worst.0 {
                            *worst = std::cmp::Reverse(hit);
                        }
                    }
                });
                at = end;
            }
            if pick_down {
                down = b.checked_sub(1);
            } else {
                up = if b < bits { Some(b + 1) } else { None };
            }
        }
        let mut hits: Vec<Hit> = heap.into_iter().map(|r| r.0 .0).collect();
        hits.sort_unstable_by(rank_order);
        Ok(hits)
    }

    /// The `k` most similar records, best first (ties in input order).
    pub fn knn(&self, query: &[u64], k: usize, metric: Metric) -> Result<Vec<Hit>, IndexError> {
        self.knn_above(query, k, None, metric)
    }
}
