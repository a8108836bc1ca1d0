//! Iterative partition refinement of atoms (Weininger's CANON step /
//! Morgan-like): atoms start in classes by an invariant and classes split by
//! the sorted ranks of their neighbours until nothing changes.

use crate::mol::Neighbors;

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
///
/// Classic partition refinement: atoms stay sorted by rank, and only classes
/// with more than one member are re-sorted by their neighbour keys.
pub(crate) fn refine(adjacency: &[Neighbors], bond_weight: &[u32], ranks: &mut Vec<u32>) -> usize {
    let n = adjacency.len();
    let mut classes = count_classes(ranks);
    if classes == n {
        return classes;
    }
    // neighbour keys in one flat buffer: atom i owns keys[start[i]..start[i + 1]]
    let mut start = Vec::with_capacity(n + 1);
    start.push(0usize);
    for nbrs in adjacency {
        start.push(start.last().copied().unwrap_or(0) + nbrs.len());
    }
    let mut keys: Vec<(u32, u32)> = vec![(0, 0); start.last().copied().unwrap_or(0)];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| ranks.get(i).copied().unwrap_or(0));
    let mut next = vec![0u32; n];
    loop {
        // keys only for atoms in classes that can still split
        let mut seg = 0;
        while seg < n {
            let r = order
                .get(seg)
                .and_then(|&i| ranks.get(i))
                .copied()
                .unwrap_or(0);
            let mut end = seg + 1;
            while end < n && order.get(end).and_then(|&i| ranks.get(i)).copied() == Some(r) {
                end += 1;
            }
            if end - seg > 1 {
                for &i in order.get(seg..end).unwrap_or(&[]) {
                    let (s, e) = (
                        start.get(i).copied().unwrap_or(0),
                        start.get(i + 1).copied().unwrap_or(0),
                    );
                    let nbrs = adjacency.get(i).map_or(&[][..], |v| v.as_slice());
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
                    keys.get(s..e).unwrap_or(&[])
                };
                if let Some(part) = order.get_mut(seg..end) {
                    part.sort_unstable_by(|&x, &y| key_of(x).cmp(key_of(y)));
                }
            }
            seg = end;
        }
        // new dense ranks: (old rank, key) order is the order of `order`
        let mut rank = 0u32;
        let mut prev: Option<usize> = None;
        for &i in &order {
            if let Some(p) = prev {
                let same_class = ranks.get(p) == ranks.get(i);
                let same_key = same_class && {
                    let kp = keys.get(
                        start.get(p).copied().unwrap_or(0)..start.get(p + 1).copied().unwrap_or(0),
                    );
                    let ki = keys.get(
                        start.get(i).copied().unwrap_or(0)..start.get(i + 1).copied().unwrap_or(0),
                    );
                    kp == ki
                };
                if !same_key {
                    rank += 1;
                }
            }
            if let Some(slot) = next.get_mut(i) {
                *slot = rank;
            }
            prev = Some(i);
        }
        let c = rank as usize + 1;
        std::mem::swap(ranks, &mut next);
        if c == classes || c == n {
            return c;
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
