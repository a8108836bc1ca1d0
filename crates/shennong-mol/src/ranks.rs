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
    let mut classes = {
        let mut r = ranks.clone();
        r.sort_unstable();
        r.dedup();
        r.len()
    };
    let mut keys: Vec<(u32, Vec<(u32, u32)>)> = Vec::with_capacity(n);
    loop {
        if classes == n {
            return classes;
        }
        keys.clear();
        for (i, nbrs) in adjacency.iter().enumerate() {
            let mut list: Vec<(u32, u32)> = nbrs
                .iter()
                .map(|&(a, b)| {
                    (
                        ranks.get(a.index()).copied().unwrap_or(0),
                        bond_weight.get(b.index()).copied().unwrap_or(0),
                    )
                })
                .collect();
            list.sort_unstable();
            keys.push((ranks.get(i).copied().unwrap_or(0), list));
        }
        let (new, c) = dense_ranks(&keys);
        *ranks = new;
        if c == classes {
            return classes;
        }
        classes = c;
    }
}
