//! Iterative partition refinement of atoms (Weininger's CANON step /
//! Morgan-like): atoms start in classes by an invariant and classes split by
//! the sorted ranks of their neighbours until nothing changes.

use std::cmp::Ordering;

use crate::mol::Neighbors;

/// Dense ranks (0..k) of `keys`, ordered by key.
pub(crate) fn dense_ranks<K: Ord>(keys: &[K]) -> (Vec<u32>, usize) {
    // equal keys get one rank, so their relative order is free: an unstable
    // sort of (key, index) pairs
    let mut order: Vec<(&K, usize)> = keys.iter().zip(0..).collect();
    order.sort_unstable_by(|x, y| x.0.cmp(y.0));
    let mut ranks = vec![0u32; keys.len()];
    let mut rank = 0u32;
    let mut prev: Option<&K> = None;
    for &(key, i) in &order {
        if prev.is_some_and(|p| p != key) {
            rank += 1;
        }
        if let Some(r) = ranks.get_mut(i) {
            *r = rank;
        }
        prev = Some(key);
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
    refine_until(adjacency, bond_weight, ranks, |_| false).0
}

/// How refinement compares two atoms' neighbours.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum NeighbourKey {
    /// The sorted (rank, bond weight) pairs: a double bond to one neighbour
    /// differs from single bonds to two of the same class.
    Pairs,
    /// Each neighbour's rank repeated as often as its bond weight, as
    /// RDKit's legacy CIP ranks list them (`iterateCIPRanks`): only the total
    /// weight per neighbour class counts, so `=CH-` next to the bridgehead
    /// `CH` of Dewar benzene ties with it.
    Flattened,
}

/// [`refine`] that stops as soon as `done` holds for the current ranks
/// (asked after every round): returns the number of classes and whether it
/// stopped early. Refinement only splits classes, so a caller that only
/// needs some atoms told apart can stop once they are; when `done` never
/// holds the ranks are exactly [`refine`]'s.
pub(crate) fn refine_until(
    adjacency: &[Neighbors],
    bond_weight: &[u32],
    ranks: &mut Vec<u32>,
    done: impl FnMut(&[u32]) -> bool,
) -> (usize, bool) {
    refine_keyed_until(
        adjacency,
        bond_weight,
        NeighbourKey::Pairs,
        &[],
        ranks,
        done,
    )
}

/// A bond weight that holds on one side only: atom `atom`'s key counts its
/// bond `bond` with `weight` (RDKit's legacy CIP ranks count a double bond
/// to a three- or four-coordinate phosphorus once on the partner's side).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct SidedWeight {
    pub atom: u32,
    pub bond: u32,
    pub weight: u32,
}

/// The weight atom `i` gives its bond `b`: a sided weight if one is listed
/// (the list is short: one entry per such bond), else the bond's own.
#[inline]
fn weight_seen_from(i: usize, b: usize, bond_weight: &[u32], sided: &[SidedWeight]) -> u32 {
    sided
        .iter()
        .find(|w| w.atom as usize == i && w.bond as usize == b)
        .map_or_else(|| bond_weight.get(b).copied().unwrap_or(0), |w| w.weight)
}

/// [`refine_until`] with neighbours compared as `key` says and the bond
/// weights of `sided` replacing `bond_weight` on one side of their bonds.
pub(crate) fn refine_keyed_until(
    adjacency: &[Neighbors],
    bond_weight: &[u32],
    key: NeighbourKey,
    sided: &[SidedWeight],
    ranks: &mut Vec<u32>,
    done: impl FnMut(&[u32]) -> bool,
) -> (usize, bool) {
    let n = adjacency.len();
    let classes = count_classes(ranks);
    if classes == n {
        return (classes, false);
    }
    // merged weights of up to four neighbours must still fit a field's 8 bits
    let weight_limit = if key == NeighbourKey::Flattened {
        64
    } else {
        256
    };
    let packable = n < (1 << 24)
        && adjacency.iter().all(|nbrs| nbrs.len() <= 4)
        && bond_weight.iter().all(|&w| w < weight_limit)
        && sided.iter().all(|w| w.weight < weight_limit);
    let graph = KeyGraph {
        adjacency,
        bond_weight,
        sided,
        key,
    };
    if packable {
        refine_with(&mut PackedKeys::new(graph), ranks, classes, done)
    } else {
        refine_with(&mut ListKeys::new(graph), ranks, classes, done)
    }
}

/// What an atom's key is made of, whichever way it is stored: the graph,
/// the bond weights (with their one-sided exceptions) and how neighbours
/// are compared.
#[derive(Clone, Copy)]
struct KeyGraph<'a> {
    adjacency: &'a [Neighbors],
    bond_weight: &'a [u32],
    sided: &'a [SidedWeight],
    key: NeighbourKey,
}

impl KeyGraph<'_> {
    fn len(&self) -> usize {
        self.adjacency.len()
    }

    /// Atom `i`'s neighbours, each as (rank, weight of the bond seen from `i`).
    fn entries<'r>(&self, i: usize, ranks: &'r [u32]) -> impl Iterator<Item = (u32, u32)> + 'r
    where
        Self: 'r,
    {
        let (bond_weight, sided) = (self.bond_weight, self.sided);
        let nbrs = self.adjacency.get(i).map_or(&[][..], |v| v.as_slice());
        nbrs.iter().map(move |&(a, b)| {
            (
                ranks.get(a.index()).copied().unwrap_or(0),
                weight_seen_from(i, b.index(), bond_weight, sided),
            )
        })
    }
}

/// Where refinement keeps each atom's key: its neighbours' (rank, bond
/// weight) pairs, sorted, compared as lists.
trait NeighbourKeys {
    fn len(&self) -> usize;
    /// Recomputes atom `i`'s key from `ranks`.
    fn fill(&mut self, i: usize, ranks: &[u32]);
    /// Orders atoms `i` and `j` by their last computed keys.
    fn cmp(&self, i: usize, j: usize) -> Ordering;
}

/// Keys of atoms with at most four neighbours, ranks below 2^24 and weights
/// below 256, each packed into one integer: four 32-bit fields of
/// (rank + 1, weight), first entry most significant and absent entries 0,
/// so that integer order is the list order (a list that is a prefix of
/// another sorts first, as slices do).
struct PackedKeys<'a> {
    graph: KeyGraph<'a>,
    keys: Vec<u128>,
}

impl<'a> PackedKeys<'a> {
    fn new(graph: KeyGraph<'a>) -> Self {
        PackedKeys {
            keys: vec![0; graph.len()],
            graph,
        }
    }
}

/// Sums the weights of adjacent entries of one neighbour class in a sorted
/// key list (`class_of` reads an entry's class, `merge` adds the second
/// entry's weight into the first) and returns how many entries remain.
fn merge_classes<T: Copy>(
    entries: &mut [T],
    class_of: impl Fn(T) -> u32,
    merge: impl Fn(T, T) -> T,
) -> usize {
    let mut used = 0usize;
    for k in 0..entries.len() {
        let Some(&e) = entries.get(k) else { break };
        let previous = used.checked_sub(1).and_then(|p| entries.get(p).copied());
        match previous {
            Some(p) if class_of(p) == class_of(e) => {
                if let Some(slot) = entries.get_mut(used - 1) {
                    *slot = merge(p, e);
                }
            }
            _ => {
                if let Some(slot) = entries.get_mut(used) {
                    *slot = e;
                }
                used += 1;
            }
        }
    }
    used
}

impl NeighbourKeys for PackedKeys<'_> {
    fn len(&self) -> usize {
        self.graph.len()
    }

    fn fill(&mut self, i: usize, ranks: &[u32]) {
        let mut fields = [0u32; 4];
        let mut degree = 0;
        for (f, (rank, weight)) in fields.iter_mut().zip(self.graph.entries(i, ranks)) {
            *f = ((rank + 1) << 8) | weight;
            degree += 1;
        }
        let used = fields.get_mut(..degree).unwrap_or(&mut []);
        crate::sort::sort_short(used);
        if self.graph.key == NeighbourKey::Flattened {
            let kept = merge_classes(used, |f| f >> 8, |f, g| f + (g & 0xff));
            // all four fields by selects (a loop from `kept` compiles to a
            // call of memset)
            for (k, f) in fields.iter_mut().enumerate() {
                *f = if k < kept { *f } else { 0 };
            }
        }
        let key = fields.iter().fold(0u128, |k, &f| (k << 32) | u128::from(f));
        if let Some(slot) = self.keys.get_mut(i) {
            *slot = key;
        }
    }

    fn cmp(&self, i: usize, j: usize) -> Ordering {
        self.keys.get(i).cmp(&self.keys.get(j))
    }
}

/// Keys as lists in one flat buffer (any degree, rank and weight): atom `i`
/// owns `keys[start[i]..start[i + 1]]`.
struct ListKeys<'a> {
    graph: KeyGraph<'a>,
    start: Vec<usize>,
    keys: Vec<(u32, u32)>,
    /// Per atom: how many entries of its span its key uses (fewer than its
    /// neighbours once flattened classes merge).
    used: Vec<usize>,
}

impl<'a> ListKeys<'a> {
    fn new(graph: KeyGraph<'a>) -> Self {
        let mut start = Vec::with_capacity(graph.len() + 1);
        start.push(0usize);
        for nbrs in graph.adjacency {
            start.push(start.last().copied().unwrap_or(0) + nbrs.len());
        }
        let total = start.last().copied().unwrap_or(0);
        ListKeys {
            start,
            keys: vec![(0, 0); total],
            used: graph.adjacency.iter().map(|nbrs| nbrs.len()).collect(),
            graph,
        }
    }

    fn span(&self, i: usize) -> std::ops::Range<usize> {
        self.start.get(i).copied().unwrap_or(0)..self.start.get(i + 1).copied().unwrap_or(0)
    }

    /// The entries of atom `i`'s key.
    fn key_of(&self, i: usize) -> Option<&[(u32, u32)]> {
        let span = self.span(i);
        let used = self.used.get(i).copied().unwrap_or(0);
        self.keys.get(span.start..span.start + used.min(span.len()))
    }
}

impl NeighbourKeys for ListKeys<'_> {
    fn len(&self) -> usize {
        self.graph.len()
    }

    fn fill(&mut self, i: usize, ranks: &[u32]) {
        let span = self.span(i);
        let graph = self.graph;
        let Some(slot) = self.keys.get_mut(span) else {
            return;
        };
        for (k, entry) in slot.iter_mut().zip(graph.entries(i, ranks)) {
            *k = entry;
        }
        slot.sort_unstable();
        let used = if graph.key == NeighbourKey::Flattened {
            merge_classes(slot, |e| e.0, |e, f| (e.0, e.1.saturating_add(f.1)))
        } else {
            slot.len()
        };
        if let Some(u) = self.used.get_mut(i) {
            *u = used;
        }
    }

    fn cmp(&self, i: usize, j: usize) -> Ordering {
        self.key_of(i).cmp(&self.key_of(j))
    }
}

/// The refinement loop of [`refine`] over any key storage.
fn refine_with<K: NeighbourKeys>(
    keys: &mut K,
    ranks: &mut Vec<u32>,
    mut classes: usize,
    mut done: impl FnMut(&[u32]) -> bool,
) -> (usize, bool) {
    let n = keys.len();
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
                    keys.fill(i, ranks);
                }
                if let Some(part) = order.get_mut(seg..end) {
                    // classes are short: insertion or a network beats the
                    // general sort's set-up (the order among equal keys is
                    // irrelevant, they share a rank)
                    crate::sort::sort_short_by(part, |&x, &y| keys.cmp(x, y));
                }
            }
            seg = end;
        }
        // new dense ranks: (old rank, key) order is the order of `order`
        let mut rank = 0u32;
        let mut prev: Option<usize> = None;
        for &i in &order {
            if let Some(p) = prev {
                // counted, not branched on: where classes split follows the
                // molecule
                let same = (ranks.get(p) == ranks.get(i)) & (keys.cmp(p, i) == Ordering::Equal);
                rank += u32::from(!same);
            }
            if let Some(slot) = next.get_mut(i) {
                *slot = rank;
            }
            prev = Some(i);
        }
        let c = rank as usize + 1;
        std::mem::swap(ranks, &mut next);
        if c == classes || c == n {
            return (c, false);
        }
        classes = c;
        if done(ranks) {
            return (c, true);
        }
    }
}

fn count_classes(ranks: &[u32]) -> usize {
    let mut seen = vec![false; ranks.len() + 1];
    let mut c = 0;
    for &r in ranks {
        if let Some(s) = seen.get_mut(r as usize) {
            c += usize::from(!*s);
            *s = true;
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mol::{AtomIdx, BondIdx};
    use proptest::prelude::*;

    /// A graph of `n` atoms from an edge list (self loops, repeats and
    /// edges beyond `max_degree` at either end dropped).
    fn graph(
        n: usize,
        edges: &[(usize, usize, u32)],
        max_degree: usize,
    ) -> (Vec<Neighbors>, Vec<u32>) {
        let mut adjacency = vec![Neighbors::new(); n];
        let mut weights = Vec::new();
        for &(x, y, w) in edges {
            let (x, y) = (x % n, y % n);
            let exists = adjacency
                .get(x)
                .is_some_and(|l| l.iter().any(|&(a, _)| a.index() == y));
            let full = |a: usize| adjacency.get(a).is_some_and(|l| l.len() >= max_degree);
            if x == y || exists || full(x) || full(y) {
                continue;
            }
            let b = BondIdx(weights.len() as u32);
            weights.push(w);
            if let Some(l) = adjacency.get_mut(x) {
                l.push((AtomIdx(y as u32), b));
            }
            if let Some(l) = adjacency.get_mut(y) {
                l.push((AtomIdx(x as u32), b));
            }
        }
        (adjacency, weights)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// The packed keys order and group atoms exactly as the key lists do
        /// (few weights and labels, so that prefixes and ties are common).
        #[test]
        fn packed_refinement_equals_list_refinement(
            n in 1usize..30,
            edges in proptest::collection::vec((0usize..30, 0usize..30, prop_oneof![0u32..3, 0u32..255]), 0..45),
            labels in proptest::collection::vec(0u32..3, 30),
        ) {
            let (adjacency, weights) = graph(n, &edges, 4);
            let start: Vec<u32> = labels.iter().take(n).copied().collect();
            let (initial, classes) = dense_ranks(&start);
            for key in [NeighbourKey::Pairs, NeighbourKey::Flattened] {
                // flattened keys merge weights: keep them packable
                let weights: Vec<u32> = if key == NeighbourKey::Flattened {
                    weights.iter().map(|w| w % 64).collect()
                } else {
                    weights.clone()
                };
                let (mut lists, mut packed) = (initial.clone(), initial.clone());
                let graph = KeyGraph { adjacency: &adjacency, bond_weight: &weights, sided: &[], key };
                let a = refine_with(&mut ListKeys::new(graph), &mut lists, classes, |_| false);
                let b = refine_with(&mut PackedKeys::new(graph), &mut packed, classes, |_| false);
                prop_assert_eq!(a, b);
                prop_assert_eq!(lists, packed);
            }
        }

        /// Flattened keys compare the neighbours as RDKit's legacy CIP
        /// ranks do: each rank repeated as often as its bond's weight.
        #[test]
        fn flattened_refinement_equals_repeated_rank_lists(
            n in 1usize..30,
            edges in proptest::collection::vec((0usize..30, 0usize..30, 1u32..5), 0..45),
            labels in proptest::collection::vec(0u32..3, 30),
        ) {
            let (adjacency, weights) = graph(n, &edges, 6);
            let start: Vec<u32> = labels.iter().take(n).copied().collect();
            let (mut ranks, classes) = dense_ranks(&start);
            let graph = KeyGraph { adjacency: &adjacency, bond_weight: &weights, sided: &[], key: NeighbourKey::Flattened };
            refine_with(&mut ListKeys::new(graph), &mut ranks, classes, |_| false);
            // the reference: plain refinement by repeated-rank lists
            let (mut reference, _) = dense_ranks(&start);
            loop {
                let keys: Vec<(u32, Vec<u32>)> = (0..n)
                    .map(|i| {
                        let mut list: Vec<u32> = adjacency[i]
                            .iter()
                            .flat_map(|&(a, b)| std::iter::repeat_n(reference[a.index()], weights[b.index()] as usize))
                            .collect();
                        list.sort_unstable();
                        (reference[i], list)
                    })
                    .collect();
                let (next, _) = dense_ranks(&keys);
                if next == reference {
                    break;
                }
                reference = next;
            }
            // the same classes (numbering may differ)
            for i in 0..n {
                for j in 0..n {
                    prop_assert_eq!(ranks[i] == ranks[j], reference[i] == reference[j]);
                }
            }
        }
    }
}
