//! Iterative partition refinement of atoms (Weininger's CANON step /
//! Morgan-like): atoms start in classes by an invariant and classes split by
//! the sorted ranks of their neighbours until nothing changes.

use crate::mol::{AtomIdx, BondIdx};

/// Dense ranks (0..k) of `keys`, ordered by key.
pub(crate) fn dense_ranks<K: Ord>(keys: &[K]) -> (Vec<u32>, usize) {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys.get(a).cmp(&keys.get(b)));
    let mut ranks = vec![0u32; keys.len()];
    let mut rank = 0u32;
    let mut prev: Option<usize> = None;
    for &i in &order {
        if let Some(p) = prev {
            if keys.get(p) != keys.get(i) {
                rank += 1;
            }
        }
        if let Some(r) = ranks.get_mut(i) {
            *r = rank;
        }
        prev = Some(i);
    }
    let classes = if keys.is_empty() {
        0
    } else {
        rank as usize + 1
    };
    (ranks, classes)
}

/// Refines `ranks` (already dense) by neighbour ranks and bond weights until stable.
pub(crate) fn refine(
    adjacency: &[Vec<(AtomIdx, BondIdx)>],
    bond_weight: &[u32],
    ranks: &mut Vec<u32>,
) -> usize {
    let n = adjacency.len();
    let mut classes = count_classes(ranks);
    // neighbour keys in one flat buffer: atom i owns keys[start[i]..start[i + 1]]
    let mut start = Vec::with_capacity(n + 1);
    start.push(0usize);
    for nbrs in adjacency {
        start.push(start.last().copied().unwrap_or(0) + nbrs.len());
    }
    let mut keys: Vec<(u32, u32)> = vec![(0, 0); start.last().copied().unwrap_or(0)];
    let mut order: Vec<usize> = (0..n).collect();
    let mut next = vec![0u32; n];
    loop {
        if classes == n {
            return classes;
        }
        for (i, nbrs) in adjacency.iter().enumerate() {
            let (s, e) = (
                start.get(i).copied().unwrap_or(0),
                start.get(i + 1).copied().unwrap_or(0),
            );
            let Some(slot) = keys.get_mut(s..e) else {
                continue;
            };
            for (k, &(a, b)) in slot.iter_mut().zip(nbrs) {
                *k = (
                    ranks.get(a.index()).copied().unwrap_or(0),
                    bond_weight.get(b.index()).copied().unwrap_or(0),
                );
            }
            slot.sort_unstable();
        }
        let key_of = |i: usize| {
            let (s, e) = (
                start.get(i).copied().unwrap_or(0),
                start.get(i + 1).copied().unwrap_or(0),
            );
            (
                ranks.get(i).copied().unwrap_or(0),
                keys.get(s..e).unwrap_or(&[]),
            )
        };
        order.sort_unstable_by(|&x, &y| key_of(x).cmp(&key_of(y)));
        let mut rank = 0u32;
        let mut prev: Option<usize> = None;
        for &i in &order {
            if let Some(p) = prev {
                if key_of(p) != key_of(i) {
                    rank += 1;
                }
            }
            if let Some(slot) = next.get_mut(i) {
                *slot = rank;
            }
            prev = Some(i);
        }
        let c = if n == 0 { 0 } else { rank as usize + 1 };
        std::mem::swap(ranks, &mut next);
        if c == classes {
            return classes;
        }
        classes = c;
    }
}

fn count_classes(ranks: &[u32]) -> usize {
    let mut seen = vec![false; ranks.len() + 1];
    let mut c = 0;
    for &r in ranks {
        if let Some(s) = seen.get_mut(r as usize) {
            if !*s {
                *s = true;
                c += 1;
            }
        }
    }
    c
}
