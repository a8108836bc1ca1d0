//! NxN neighbour lists, Taylor–Butina clustering and MaxMin diversity
//! picking over a whole index. All three work in input order (ordinals), so
//! their results do not depend on how the index sorted its rows.

use rayon::prelude::*;

use crate::error::IndexError;
use crate::format::query_planes;
use crate::index::Index;
use crate::kernel::popcount;
use crate::search::Metric;

/// Symmetric sparse neighbour lists in input order: for every record, the
/// records (other than itself) it is similar to, in ascending input order,
/// with their scores.
#[derive(Debug, Clone, PartialEq)]
pub struct Neighbours {
    starts: Vec<usize>,
    entries: Vec<(u32, f64)>,
}

impl Neighbours {
    /// Number of records.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there are no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Neighbours of record `ordinal`: `(ordinal, score)`, ascending.
    pub fn of(&self, ordinal: usize) -> &[(u32, f64)] {
        match (self.starts.get(ordinal), self.starts.get(ordinal + 1)) {
            (Some(&a), Some(&b)) => self.entries.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// Number of (ordered) neighbour pairs.
    pub fn pairs(&self) -> usize {
        self.entries.len()
    }
}

impl Index {
    /// All pairs of distinct records whose score is at least `min_score`
    /// and that `accept(score)` keeps (for thresholds defined differently,
    /// such as Butina's `1 - similarity <= cutoff`; `min_score` must not
    /// exceed the lowest accepted score, since it only prunes).
    /// Each pair is scored once; runs in parallel on the current rayon pool.
    pub fn neighbours(
        &self,
        min_score: f64,
        metric: Metric,
        accept: impl Fn(f64) -> bool + Sync,
    ) -> Result<Neighbours, IndexError> {
        metric.validate()?;
        if !metric.is_symmetric() {
            return Err(IndexError::Invalid(
                "NxN search needs a symmetric measure (Tanimoto, Dice, or Tversky with alpha = beta)".into(),
            ));
        }
        let n = self.len();
        let bits = self.info().fp_bits;
        let ordinals = self.ordinals();
        // pairs (row i, row j > i): rows j sit in i's popcount run after i,
        // and in the runs above it while the bound allows
        let pairs: Vec<Vec<(u32, u32, f64)>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut found = Vec::new();
                let query = self.fingerprint(i);
                let planes = query_planes(query);
                let a = popcount(query);
                let oi = ordinals.get(i).copied().unwrap_or(u32::MAX);
                for b in a..=bits {
                    if metric.bound(a, b) < min_score {
                        break;
                    }
                    let needed = metric.min_common(a, b, min_score);
                    self.scan_popcount(query, &planes, b, i + 1, needed, |row, c| {
                        let score = metric.score(c, a, b);
                        if score >= min_score && accept(score) {
                            let oj = ordinals.get(row).copied().unwrap_or(u32::MAX);
                            found.push((oi, oj, score));
                        }
                    });
                }
                found
            })
            .collect();
        let mut degree = vec![0usize; n + 1];
        for &(a, b, _) in pairs.iter().flatten() {
            for o in [a, b] {
                let slot = degree
                    .get_mut(o as usize + 1)
                    .ok_or_else(|| IndexError::corrupt(self.path(), "ordinal out of range"))?;
                *slot += 1;
            }
        }
        for i in 1..degree.len() {
            let prev = degree.get(i - 1).copied().unwrap_or(0);
            if let Some(d) = degree.get_mut(i) {
                *d += prev;
            }
        }
        let starts = degree.clone();
        let mut fill = degree;
        let mut entries = vec![(0u32, 0.0f64); starts.last().copied().unwrap_or(0)];
        for &(a, b, score) in pairs.iter().flatten() {
            for (from, to) in [(a, b), (b, a)] {
                if let Some(at) = fill.get_mut(from as usize) {
                    if let Some(e) = entries.get_mut(*at) {
                        *e = (to, score);
                    }
                    *at += 1;
                }
            }
        }
        let mut neighbours = Neighbours { starts, entries };
        let spans: Vec<(usize, usize)> = neighbours
            .starts
            .windows(2)
            .filter_map(|s| Some((*s.first()?, *s.get(1)?)))
            .collect();
        let mut rest = neighbours.entries.as_mut_slice();
        let mut slices = Vec::with_capacity(spans.len());
        for &(a, b) in &spans {
            let (head, tail) = rest.split_at_mut(b - a);
            slices.push(head);
            rest = tail;
        }
        slices
            .into_par_iter()
            .for_each(|s| s.sort_unstable_by_key(|e| e.0));
        Ok(neighbours)
    }

    /// Taylor–Butina clustering (Butina, J. Chem. Inf. Comput. Sci. 1999,
    /// 39, 747) as RDKit's `Butina.ClusterData(dists, n, cutoff,
    /// isDistData=True, reordering=…)` computes it on Tanimoto distances
    /// `1 - similarity`: two records are neighbours when their distance is
    /// at most `distance_cutoff`; the record with most neighbours (ties:
    /// the later record) becomes a centroid and takes all its unassigned
    /// neighbours; with `reordering`, neighbour counts are updated after
    /// every cluster. Clusters come out in RDKit's order, each centroid
    /// first and its members in input order, as ordinals.
    pub fn butina(
        &self,
        distance_cutoff: f64,
        reordering: bool,
    ) -> Result<Vec<Vec<u32>>, IndexError> {
        if !(0.0..=1.0).contains(&distance_cutoff) {
            return Err(IndexError::Invalid(format!(
                "distance cutoff must lie in [0, 1]; got {distance_cutoff}"
            )));
        }
        // `1 - s <= cutoff` exactly as RDKit evaluates it, with a slightly
        // lower similarity floor for pruning only
        let floor = (1.0 - distance_cutoff - 1e-9).max(0.0);
        let nbrs = self.neighbours(floor, Metric::Tanimoto, |s| 1.0 - s <= distance_cutoff)?;
        Ok(butina_from_neighbours(&nbrs, reordering))
    }
}

/// Butina on neighbour lists (self excluded) in input order.
pub fn butina_from_neighbours(nbrs: &Neighbours, reordering: bool) -> Vec<Vec<u32>> {
    let n = nbrs.len();
    // RDKit's neighbour lists include the record itself
    let mut count: Vec<usize> = (0..n).map(|i| nbrs.of(i).len() + 1).collect();
    let mut seen = vec![false; n];
    let mut clusters = Vec::new();
    let take = |idx: usize, seen: &mut Vec<bool>| -> Vec<u32> {
        let mut cluster = vec![idx as u32];
        if let Some(s) = seen.get_mut(idx) {
            *s = true;
        }
        for &(o, _) in nbrs.of(idx) {
            if let Some(s) = seen.get_mut(o as usize) {
                if !*s {
                    *s = true;
                    cluster.push(o);
                }
            }
        }
        cluster
    };
    if reordering {
        // a max-heap of (count, index) with lazy deletion of stale entries
        let mut heap: std::collections::BinaryHeap<(usize, usize)> =
            count.iter().enumerate().map(|(i, &c)| (c, i)).collect();
        while let Some((c, idx)) = heap.pop() {
            if c <= 1 {
                heap.push((c, idx));
                break;
            }
            if seen.get(idx).copied().unwrap_or(true) || count.get(idx) != Some(&c) {
                continue;
            }
            let cluster = take(idx, &mut seen);
            let mut affected: Vec<usize> = Vec::new();
            for &m in &cluster {
                for &(o, _) in nbrs.of(m as usize) {
                    if !seen.get(o as usize).copied().unwrap_or(true) {
                        affected.push(o as usize);
                    }
                }
            }
            affected.sort_unstable();
            affected.dedup();
            for a in affected {
                let unseen = 1 + nbrs
                    .of(a)
                    .iter()
                    .filter(|(o, _)| !seen.get(*o as usize).copied().unwrap_or(true))
                    .count();
                if let Some(slot) = count.get_mut(a) {
                    *slot = unseen;
                }
                heap.push((unseen, a));
            }
            clusters.push(cluster);
        }
        // the rest are singletons, taken in (count, index) descending order
        let mut rest: Vec<(usize, usize)> = (0..n)
            .filter(|&i| !seen.get(i).copied().unwrap_or(true))
            .map(|i| (count.get(i).copied().unwrap_or(1), i))
            .collect();
        rest.sort_unstable_by(|a, b| b.cmp(a));
        for (_, idx) in rest {
            if !seen.get(idx).copied().unwrap_or(true) {
                clusters.push(take(idx, &mut seen));
            }
        }
        return clusters;
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| (count.get(b), b).cmp(&(count.get(a), a)));
    for idx in order {
        if seen.get(idx).copied().unwrap_or(true) {
            continue;
        }
        let cluster = take(idx, &mut seen);
        clusters.push(cluster);
    }
    clusters
}

/// The first pick of RDKit's `MaxMinPicker` for a seed: boost's `mt19937`
/// seeded with `seed`, drawn through `boost::uniform_int<>(0, pool - 1)`.
fn rdkit_first_pick(pool: u32, seed: u32) -> u32 {
    let mut rng = rand_mt::Mt::new(seed);
    let range = pool.saturating_sub(1);
    if range == 0 {
        return 0;
    }
    if range == u32::MAX {
        return rng.next_u32();
    }
    // boost's bucketed rejection for an engine range of 2^32 - 1
    let brange = u32::MAX;
    let mut bucket = brange / (range + 1);
    if brange % (range + 1) == range {
        bucket += 1;
    }
    loop {
        let r = rng.next_u32() / bucket;
        if r <= range {
            return r;
        }
    }
}

impl Index {
    /// MaxMin diversity picking (Ashton et al., Quant. Struct.-Act. Relat.
    /// 2002, 21, 598) on Tanimoto distances, as RDKit's
    /// `MaxMinPicker.LazyBitVectorPick(fps, n, pick, firstPicks, seed)`:
    /// the first pick is the given records, or else one drawn with RDKit's
    /// generator from `seed`; each next pick is the record farthest from
    /// all picks so far (the earliest such record on ties). Ordinals.
    pub fn maxmin(
        &self,
        pick: usize,
        first_picks: &[u32],
        seed: u32,
    ) -> Result<Vec<u32>, IndexError> {
        let n = self.len();
        if n == 0 {
            return Err(IndexError::Invalid("empty pool to pick from".into()));
        }
        if pick > n {
            return Err(IndexError::Invalid(format!(
                "cannot pick {pick} of {n} records"
            )));
        }
        let rows = self.rows_by_ordinal()?;
        let fp = |o: u32| {
            rows.get(o as usize)
                .map_or(&[][..], |&r| self.fingerprint(r as usize))
        };
        let counts: Vec<u32> = (0..n as u32).map(|o| popcount(fp(o))).collect();
        let dist = |i: u32, j: u32| -> f64 {
            let (a, b) = (fp(i), fp(j));
            let common: u32 = a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum();
            let ci = counts.get(i as usize).copied().unwrap_or(0);
            let cj = counts.get(j as usize).copied().unwrap_or(0);
            1.0 - Metric::Tanimoto.score(common, ci, cj)
        };
        let mut picks: Vec<u32> = Vec::with_capacity(pick);
        let mut in_pool = vec![true; n];
        if first_picks.is_empty() {
            picks.push(rdkit_first_pick(n as u32, seed));
        } else {
            for &p in first_picks {
                if p as usize >= n {
                    return Err(IndexError::Invalid(format!(
                        "first pick {p} is not a record of the index ({n} records)"
                    )));
                }
                picks.push(p);
            }
        }
        for &p in &picks {
            if let Some(s) = in_pool.get_mut(p as usize) {
                *s = false;
            }
        }
        if picks.len() >= pick {
            return Ok(picks);
        }
        // per candidate: an upper bound on its distance to the nearest pick,
        // and how many picks that bound already accounts for
        let mut pool: Vec<u32> = (0..n as u32)
            .filter(|&i| in_pool.get(i as usize) == Some(&true))
            .collect();
        let first = picks.first().copied().unwrap_or(0);
        let mut bound: Vec<(f64, usize)> = pool.iter().map(|&i| (dist(i, first), 1)).collect();
        while picks.len() < pick && !pool.is_empty() {
            let mut best = -1.0f64;
            let mut best_at = None;
            for (k, &cand) in pool.iter().enumerate() {
                let Some(entry) = bound.get_mut(k) else {
                    continue;
                };
                let (mut min_d, mut considered) = *entry;
                if min_d <= best {
                    continue;
                }
                while considered < picks.len() {
                    let p = picks.get(considered).copied().unwrap_or(0);
                    let d = dist(cand, p);
                    considered += 1;
                    if d <= min_d {
                        min_d = d;
                        if min_d <= best {
                            break;
                        }
                    }
                }
                *entry = (min_d, considered);
                if min_d > best {
                    best = min_d;
                    best_at = Some(k);
                }
            }
            let Some(k) = best_at else { break };
            picks.push(pool.remove(k));
            bound.remove(k);
        }
        Ok(picks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_pick_follows_boost_bucketing() {
        // mt19937 seeded 42 gives 1608637542 first (std::mt19937 reference)
        let mut rng = rand_mt::Mt::new(42);
        assert_eq!(rng.next_u32(), 1_608_637_542);
        assert!(rdkit_first_pick(10, 42) < 10);
        assert_eq!(rdkit_first_pick(1, 42), 0);
    }
}
