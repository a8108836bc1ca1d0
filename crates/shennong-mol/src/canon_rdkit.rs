//! Canonical atom ranks exactly as RDKit 2026.09 computes them for its
//! canonical SMILES (`Canon::rankMolAtoms`), so that our canonical SMILES can
//! be RDKit's string to the byte.
//!
//! The algorithm is the one of Schneider, Sayle & Landrum, "Get Your Atoms in
//! Order — An Open-Source Implementation of a Novel and Robust Molecular
//! Canonicalization Algorithm", J. Chem. Inf. Model. 55, 2111 (2015): atoms
//! start in one partition; partitions are refined by an atom invariant
//! (current class, atom map, degree, element, isotope, hydrogens, charge,
//! chirality relative to neighbour classes, ring-stereo neighbours) and the
//! sorted (bond type, bond stereo, neighbour class) lists of their bonds,
//! with a merge sort that groups equal atoms ("hanoi" sort) and a stack of
//! partitions to revisit; two special refinements follow (chirality that
//! depends on neighbouring centres, and highly symmetric ring systems);
//! ties are broken by individualising the last atom of the first tied
//! class and refining again. Class numbers are positions in the sorted
//! order, so the ranks are the same whatever the input atom order. Every
//! choice here (comparison order, which atom a tie is broken on, the order
//! in which partitions are revisited) follows RDKit's behaviour because the
//! resulting string depends on it.

use std::cmp::Ordering;

use crate::mol::{AtomIdx, BondIdx, BondOrder, Chirality, Mol};
use crate::rings::RingInfo;
use crate::slots::Slots;
use crate::stereo::LegacyStereo;
use smallvec::SmallVec;

/// RDKit's `Bond::BondType` numbers, which order bonds in the invariants.
pub fn rdkit_bond_type(order: BondOrder) -> u8 {
    match order {
        BondOrder::Single => 1,
        BondOrder::Double => 2,
        BondOrder::Triple => 3,
        BondOrder::Quadruple => 4,
        BondOrder::Aromatic => 12,
        BondOrder::Dative => 17,
        BondOrder::Zero => 21,
    }
}

/// RDKit's chiral tag numbers: 0 none, 1 clockwise (`@@`), 2
/// counter-clockwise (`@`), 3 any non-tetrahedral class.
pub const TAG_NONE: u8 = 0;
/// Clockwise (`@@`).
pub const TAG_CW: u8 = 1;
/// Counter-clockwise (`@`).
pub const TAG_CCW: u8 = 2;
/// Non-tetrahedral stereo.
pub const TAG_OTHER: u8 = 3;

/// One connected component as RDKit's SMILES writer sees it: its own atom
/// and bond numbering (the molecule's order restricted to the fragment),
/// each atom's bonds in bond-number order (RDKit's adjacency order), and
/// tetrahedral tags re-expressed for that neighbour order.
///
/// A connected molecule whose neighbour lists are all in bond order (nearly
/// every molecule: a reader appends each bond to both ends as it makes it)
/// is its own fragment: local numbers are the molecule's, and the
/// molecule's own lists serve, with no copy.
#[derive(Debug, Clone)]
pub struct Fragment<'m> {
    mol: &'m Mol,
    /// The local numbering and neighbour lists, for a fragment that is not
    /// the whole molecule as it stands (none otherwise).
    own: Option<LocalLayout>,
    /// Per local atom: chiral tag ([`TAG_NONE`], …) relative to `nbrs`.
    pub tags: Vec<u8>,
}

/// A [`Fragment`]'s own numbering and neighbour lists.
#[derive(Debug, Clone)]
struct LocalLayout {
    /// Molecule atoms, in increasing order.
    atoms: Vec<AtomIdx>,
    /// Molecule bonds, in increasing order.
    bonds: Vec<BondIdx>,
    /// (local neighbour, local bond) of all atoms, each atom's by bond
    /// number; atom `a` owns `nbr_list[nbr_range[a].0..nbr_range[a].1]`.
    nbr_list: Vec<(AtomIdx, BondIdx)>,
    /// Per atom (start, end) in `nbr_list`: one look-up finds both.
    nbr_range: Vec<(u32, u32)>,
    /// Per local bond: local (begin, end).
    ends: Vec<(usize, usize)>,
}

impl Fragment<'_> {
    /// Number of atoms.
    #[inline]
    pub fn num_atoms(&self) -> usize {
        match &self.own {
            Some(own) => own.atoms.len(),
            None => self.mol.num_atoms(),
        }
    }

    /// Number of bonds.
    #[inline]
    pub fn num_bonds(&self) -> usize {
        match &self.own {
            Some(own) => own.bonds.len(),
            None => self.mol.num_bonds(),
        }
    }

    /// Whether the fragment is the whole molecule, numbered as the molecule
    /// is (local atom and bond `i` are the molecule's `i`).
    #[inline]
    pub fn is_whole_molecule(&self) -> bool {
        self.own.is_none()
    }

    /// The molecule's index of local atom `a`.
    #[inline]
    pub fn atom(&self, a: usize) -> AtomIdx {
        match &self.own {
            Some(own) => own.atoms.get(a).copied().unwrap_or(AtomIdx(0)),
            None => AtomIdx(a as u32),
        }
    }

    /// The molecule's index of local bond `b`.
    #[inline]
    pub fn bond(&self, b: usize) -> BondIdx {
        match &self.own {
            Some(own) => own.bonds.get(b).copied().unwrap_or(BondIdx(0)),
            None => BondIdx(b as u32),
        }
    }

    /// The molecule's atoms, in local order (increasing).
    pub fn atoms(&self) -> impl ExactSizeIterator<Item = AtomIdx> + '_ {
        (0..self.num_atoms()).map(|a| self.atom(a))
    }

    /// The local number of molecule atom `g`, if it is in the fragment.
    pub fn local_atom(&self, g: AtomIdx) -> Option<usize> {
        match &self.own {
            Some(own) => own.atoms.binary_search(&g).ok(),
            None => (g.index() < self.mol.num_atoms()).then_some(g.index()),
        }
    }

    /// (local neighbour, local bond) of local atom `a`, by bond number.
    #[inline]
    pub fn nbrs(&self, a: usize) -> impl ExactSizeIterator<Item = (usize, usize)> + Clone + '_ {
        self.nbr_slice(a)
            .iter()
            .map(|&(x, b)| (x.index(), b.index()))
    }

    #[inline]
    fn nbr_slice(&self, a: usize) -> &[(AtomIdx, BondIdx)] {
        match &self.own {
            Some(own) => {
                let (start, end) = own.nbr_range.at(a);
                own.nbr_list
                    .get(start as usize..end as usize)
                    .unwrap_or(&[])
            }
            None => self.mol.neighbors(AtomIdx(a as u32)),
        }
    }

    /// Local (begin, end) of local bond `b`.
    #[inline]
    pub fn ends(&self, b: usize) -> Option<(usize, usize)> {
        match &self.own {
            Some(own) => own.ends.get(b).copied(),
            None => self
                .mol
                .bonds()
                .get(b)
                .map(|bond| (bond.begin.index(), bond.end.index())),
        }
    }
}

/// Parity of the permutation that takes `from` to `to` (same elements).
pub fn swaps_are_odd<T: PartialEq + Copy>(from: &[T], to: &[T]) -> bool {
    // RDKit's countSwapsToInterconvert: selection by swapping into place
    let mut probe: smallvec::SmallVec<[T; 8]> = to.iter().copied().collect();
    let mut odd = false;
    for (i, want) in from.iter().enumerate() {
        if probe.get(i) == Some(want) {
            continue;
        }
        if let Some(j) = probe
            .iter()
            .skip(i + 1)
            .position(|x| x == want)
            .map(|p| p + i + 1)
        {
            probe.swap(i, j);
            odd = !odd;
        }
    }
    odd
}

/// The molecule as its one fragment when ring perception found it connected
/// (nearly every molecule), without the list [`fragments`] makes; `None`
/// when it did not (several fragments, or rings not perceived), for
/// [`fragments`] to tell.
pub fn connected_fragment(mol: &Mol) -> Option<Fragment<'_>> {
    // (ring perception sees the connectivity over a subset of the bonds)
    mol.rings
        .get()
        .is_some_and(RingInfo::is_connected)
        .then(|| whole_molecule(mol))
}

/// The molecule's connected components, each with RDKit's local numbering.
pub fn fragments(mol: &Mol) -> Vec<Fragment<'_>> {
    let n = mol.num_atoms();
    // connected (the usual case): local numbers are the molecule's
    if let Some(whole) = connected_fragment(mol) {
        return vec![whole];
    }
    let mut component: Vec<u32> = vec![u32::MAX; n];
    // atoms of all components, each component's a sorted run
    let mut members: Vec<AtomIdx> = Vec::with_capacity(n);
    let mut member_ends: Vec<usize> = Vec::new();
    for start in 0..n {
        if component.at(start) != u32::MAX {
            continue;
        }
        let id = member_ends.len() as u32;
        let first = members.len();
        members.push(AtomIdx(start as u32));
        component.put(start, id);
        let mut k = first;
        while let Some(&a) = members.get(k) {
            k += 1;
            for &(x, _) in mol.neighbors(a) {
                if component.at(x.index()) == u32::MAX {
                    component.put(x.index(), id);
                    members.push(x);
                }
            }
        }
        // one component (the usual case): local numbers are the molecule's
        if first == 0 && members.len() == n {
            return vec![whole_molecule(mol)];
        }
        if let Some(run) = members.get_mut(first..) {
            run.sort_unstable();
        }
        member_ends.push(members.len());
    }
    let mut local: Vec<u32> = vec![0; n];
    let mut bonds_of: Vec<Vec<BondIdx>> = vec![Vec::new(); member_ends.len()];
    let mut local_bond: Vec<u32> = vec![0; mol.num_bonds()];
    let mut from = 0;
    for &to in &member_ends {
        for (i, a) in members.get(from..to).unwrap_or(&[]).iter().enumerate() {
            local.put(a.index(), i as u32);
        }
        from = to;
    }
    for (bi, b) in mol.bonds().iter().enumerate() {
        let c = component.at(b.begin.index()) as usize;
        if let Some(list) = bonds_of.get_mut(c) {
            local_bond.put(bi, list.len() as u32);
            list.push(BondIdx(bi as u32));
        }
    }
    let mut from = 0;
    member_ends
        .iter()
        .zip(bonds_of)
        .map(|(&to, bonds)| {
            let atoms = members.get(from..to).unwrap_or(&[]).to_vec();
            from = to;
            fragment_of(
                mol,
                atoms,
                bonds,
                |a| AtomIdx(local.at(a.index())),
                |b| BondIdx(local_bond.at(b.index())),
            )
        })
        .collect()
}

/// The [`Fragment`] of a connected molecule: the molecule itself when every
/// neighbour list is in bond order, else a copy with the lists sorted.
fn whole_molecule(mol: &Mol) -> Fragment<'_> {
    if !mol.neighbors_in_bond_order() {
        let atoms = (0..mol.num_atoms() as u32).map(AtomIdx).collect();
        let bonds = (0..mol.num_bonds() as u32).map(BondIdx).collect();
        return fragment_of(mol, atoms, bonds, |a| a, |b| b);
    }
    let tags = mol.atoms().iter().map(|a| tag_of(a.chirality)).collect();
    Fragment {
        mol,
        own: None,
        tags,
    }
}

/// RDKit's tag number of a chirality.
fn tag_of(chirality: Chirality) -> u8 {
    match chirality {
        Chirality::None => TAG_NONE,
        Chirality::Other { .. } => TAG_OTHER,
        Chirality::Clockwise => TAG_CW,
        Chirality::CounterClockwise => TAG_CCW,
    }
}

/// One component's [`Fragment`], given its atoms and bonds (each in
/// increasing order) and the maps from molecule to local numbers.
fn fragment_of(
    mol: &Mol,
    atoms: Vec<AtomIdx>,
    bonds: Vec<BondIdx>,
    local: impl Fn(AtomIdx) -> AtomIdx,
    local_bond: impl Fn(BondIdx) -> BondIdx,
) -> Fragment<'_> {
    let mut nbr_range: Vec<(u32, u32)> = Vec::with_capacity(atoms.len());
    let mut nbr_list: Vec<(AtomIdx, BondIdx)> = Vec::with_capacity(2 * bonds.len());
    let mut tags: Vec<u8> = Vec::with_capacity(atoms.len());
    for &a in &atoms {
        let first = nbr_list.len();
        nbr_list.extend(
            mol.neighbors(a)
                .iter()
                .map(|&(x, b)| (local(x), local_bond(b))),
        );
        // stereo reference order is usually bond order already
        let own = nbr_list.get_mut(first..).unwrap_or(&mut []);
        let reordered = !own.is_sorted_by_key(|&(_, b)| b);
        if reordered {
            own.sort_unstable_by_key(|&(_, b)| b);
        }
        // a tetrahedral tag follows the neighbour order: re-expressed when
        // the sort made that an odd permutation
        let tag = mol.atom(a).chirality;
        let flipped = reordered && tag.is_tetrahedral() && {
            let ours: smallvec::SmallVec<[BondIdx; 4]> = mol
                .neighbors(a)
                .iter()
                .map(|&(_, b)| local_bond(b))
                .collect();
            let theirs: smallvec::SmallVec<[BondIdx; 4]> = nbr_list
                .get(first..)
                .unwrap_or(&[])
                .iter()
                .map(|&(_, b)| b)
                .collect();
            swaps_are_odd(&ours, &theirs)
        };
        tags.push(tag_of(if flipped { tag.inverted() } else { tag }));
        nbr_range.push((first as u32, nbr_list.len() as u32));
    }
    let ends = bonds
        .iter()
        .map(|&b| {
            let bond = mol.bond(b);
            (local(bond.begin).index(), local(bond.end).index())
        })
        .collect();
    Fragment {
        mol,
        own: Some(LocalLayout {
            atoms,
            bonds,
            nbr_list,
            nbr_range,
            ends,
        }),
        tags,
    }
}

/// RDKit's legacy CIP-style ranks (`assignAtomCIPRanks` without the
/// new-stereo build): atoms sorted by element, isotope and map number, then
/// by the ranks of their neighbours (repeated twice the bond order; once
/// for a double bond to a three- or four-coordinate phosphorus) and their
/// hydrogen count, for at most n/2 + 1 rounds. RDKit picks the reference
/// atoms of a stereo double bond by these ranks.
pub fn legacy_cip_ranks(mol: &Mol) -> Vec<u32> {
    let invars: Vec<i64> = mol
        .atoms()
        .iter()
        .map(|a| i64::from(legacy_cip_invariant(a)))
        .collect();
    iterate_cip_ranks(mol, &invars)
}

/// The invariant [`legacy_cip_ranks`] starts from: element, then isotope
/// relative to the common one, then map number, 10 bits each (below 2^27).
/// The ranks keep its order: refinement only splits atoms it ties.
fn legacy_cip_invariant(a: &crate::mol::Atom) -> u32 {
    let mut mass: i64 = 0;
    if a.isotope != 0 {
        let common = crate::element::element(a.atomic_num).map_or(0, |e| e.common_isotope);
        mass = i64::from(a.isotope) - i64::from(common);
        if mass >= 0 {
            mass += 1;
        }
    }
    mass += 512;
    let mass = if mass < 0 { 0 } else { (mass % 1024) as u32 };
    let map = if a.map_num == 0 {
        0
    } else {
        a.map_num.wrapping_add(1) % 1024
    };
    ((u32::from(a.atomic_num % 128) << 10 | mass) << 10) | map
}

/// How often [`iterate_cip_ranks`] lists neighbour `x` across bond `b`:
/// twice the bond order (a dative bond as a single one, an aromatic bond
/// 3), as the legacy stereo codes weigh bonds, or once for a double bond
/// to a three- or four-coordinate phosphorus.
fn cip_weight(mol: &Mol, x: AtomIdx, b: BondIdx) -> usize {
    let bond = mol.bond(b);
    if crate::stereo::cip_counts_once_toward(bond.order, mol.atom(x).atomic_num, mol.degree(x)) {
        1
    } else if bond.aromatic {
        3
    } else {
        crate::stereo::legacy_bond_weight(bond.order) as usize
    }
}

/// Atom `a`'s place after the first round of [`legacy_cip_ranks`]: its
/// invariant, then the list that round sorts tied atoms by (each
/// neighbour's rank plus one, highest first, repeated by [`cip_weight`],
/// then a zero per hydrogen), with the invariants standing for the ranks
/// they are dense ranks of (same order, so the same comparisons). Two atoms
/// compare as their first-round ranks do; refinement only splits ties, so
/// two that differ here keep that order in the final ranks.
fn first_cip_round_key(mol: &Mol, a: AtomIdx) -> (u32, SmallVec<[i64; 12]>) {
    let invariant = |x: AtomIdx| legacy_cip_invariant(mol.atom(x));
    let mut nbrs: SmallVec<[(u32, usize); 4]> = mol
        .neighbors(a)
        .iter()
        .map(|&(x, b)| (invariant(x), cip_weight(mol, x, b)))
        .collect();
    nbrs.sort_by_key(|&(rank, _)| std::cmp::Reverse(rank));
    let mut list: SmallVec<[i64; 12]> = SmallVec::new();
    for (rank, w) in nbrs {
        list.extend(std::iter::repeat_n(i64::from(rank) + 1, w));
    }
    list.extend(std::iter::repeat_n(0, usize::from(mol.atom(a).total_hs())));
    (invariant(a), list)
}

/// RDKit's `iterateCIPRanks`: sort by the invariants, then refine by the
/// neighbours' ranks (weighted by twice the bond order) and hydrogen counts.
///
/// RDKit keeps per atom a list (its element or invariant, its rank, then
/// each neighbour's rank plus one, highest first, repeated by the weight,
/// then a zero per hydrogen), re-sorts the atoms of each tied run by it and
/// re-ranks, for at most n/2 + 1 rounds or until a round splits nothing.
/// Atoms of one run share the head of the list (it is what tied them), and
/// atoms of different runs differ in it, so only the neighbour part is ever
/// compared and the head is left out here.
fn iterate_cip_ranks(mol: &Mol, invars: &[i64]) -> Vec<u32> {
    let n = mol.num_atoms();
    let mut sorted: Vec<usize> = (0..n).collect();
    sorted.sort_by_key(|&a| invars.at(a));
    // tied runs of `sorted` (first, last), and dense ranks in sorted order
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut ranks = vec![0u32; n];
    let rerank = |sorted: &[usize],
                  same: &dyn Fn(usize, usize) -> bool,
                  runs: &mut Vec<(usize, usize)>,
                  ranks: &mut Vec<u32>| {
        runs.clear();
        let mut rank = 0u32;
        for (i, &a) in sorted.iter().enumerate() {
            if i > 0 {
                if same(sorted.at(i - 1), a) {
                    match runs.last_mut() {
                        Some(last) if last.1 == i - 1 => last.1 = i,
                        _ => runs.push((i - 1, i)),
                    }
                } else {
                    rank += 1;
                }
            }
            ranks.put(a, rank);
        }
        rank as usize + usize::from(!sorted.is_empty())
    };
    let mut num_ranks = rerank(
        &sorted,
        &|a, b| invars.at(a) == invars.at(b),
        &mut runs,
        &mut ranks,
    );
    // neighbours with their weights (twice the bond order), in one list
    let mut weighted: Vec<(usize, usize)> = Vec::new();
    let mut weighted_end: Vec<usize> = Vec::with_capacity(n);
    for i in 0..n {
        let a = AtomIdx(i as u32);
        weighted.extend(
            mol.neighbors(a)
                .iter()
                .map(|&(x, b)| (x.index(), cip_weight(mol, x, b))),
        );
        weighted_end.push(weighted.len());
    }
    // each round's neighbour lists of the atoms in tied runs (only those
    // are compared), in one buffer: atom `a`'s is `lists[span[a].0..span[a].1]`
    let mut lists: Vec<i64> = Vec::new();
    let mut span: Vec<(usize, usize)> = vec![(0, 0); n];
    let mut nb: Vec<(usize, usize)> = Vec::new();
    let max_its = n / 2 + 1;
    let mut its = 0;
    let mut last: Option<usize> = None;
    while !runs.is_empty() && its < max_its && last.is_none_or(|l| l < num_ranks) {
        lists.clear();
        for &(first, end) in &runs {
            for &i in sorted.get(first..=end).unwrap_or(&[]) {
                let start = lists.len();
                let from = i.checked_sub(1).map_or(0, |p| weighted_end.at(p));
                nb.clear();
                nb.extend_from_slice(weighted.get(from..weighted_end.at(i)).unwrap_or(&[]));
                nb.sort_by_key(|q| std::cmp::Reverse(ranks.at(q.0)));
                for &(x, w) in &nb {
                    lists.extend(std::iter::repeat_n(i64::from(ranks.at(x)) + 1, w));
                }
                let hs = usize::from(mol.atom(AtomIdx(i as u32)).total_hs());
                lists.extend(std::iter::repeat_n(0, hs));
                span.put(i, (start, lists.len()));
            }
        }
        let list = |a: usize| {
            let (start, end) = span.at(a);
            lists.get(start..end).unwrap_or(&[])
        };
        last = Some(num_ranks);
        for &(first, end) in &runs {
            if let Some(part) = sorted.get_mut(first..=end) {
                part.sort_by(|&a, &b| list(a).cmp(list(b)));
            }
        }
        // atoms of different runs differ; of one run, by their lists
        let old_ranks = ranks.clone();
        num_ranks = rerank(
            &sorted,
            &|a, b| old_ranks.at(a) == old_ranks.at(b) && list(a) == list(b),
            &mut runs,
            &mut ranks,
        );
        its += 1;
    }
    ranks
}

/// RDKit's legacy stereo labels (`_CIPCode` on atoms, `STEREOE`/`STEREOZ`
/// on bonds), as its default stereo perception assigns them and as Morgan
/// fingerprints with chirality read them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyLabels {
    /// Per atom: `Some(true)` for R, `Some(false)` for S.
    pub atom_r: Vec<Option<bool>>,
    /// Per bond: `Some(true)` for Z, `Some(false)` for E.
    pub bond_z: Vec<Option<bool>>,
}

/// The E/Z half of [`legacy_labels`] (`Some(true)` for Z per bond). A
/// double bond whose ends each carry one substituent besides the other end,
/// or two that the first round of [`legacy_cip_ranks`] already ranks apart
/// (different invariants, or different lists of neighbour ranks weighted by
/// bond order, then hydrogens), is labelled in the first round of
/// [`legacy_labels`], whatever the atoms' labels, from the one neighbour or
/// the one of the two ranked higher, which is the one ranked higher after
/// that first round (later rounds only split ties). When every stereo
/// double bond is such a bond, the ranks are not computed.
pub fn legacy_bond_labels(mol: &Mol) -> Vec<Option<bool>> {
    let key = |a: AtomIdx| first_cip_round_key(mol, a);
    let told_apart = mol.bonds().iter().all(|bond| {
        bond.stereo == crate::mol::BondStereo::None
            || [(bond.begin, bond.end), (bond.end, bond.begin)]
                .iter()
                .all(|&(x, partner)| {
                    let mut others = mol
                        .neighbors(x)
                        .iter()
                        .map(|&(y, _)| y)
                        .filter(|&y| y != partner);
                    match (others.next(), others.next(), others.next()) {
                        (_, None, _) => true,
                        (Some(p), Some(q), None) => key(p) != key(q),
                        _ => false,
                    }
                })
    });
    if !told_apart {
        return legacy_labels(mol).bond_z;
    }
    (0..mol.num_bonds() as u32)
        .map(|b| {
            rdkit_stereo_atoms_by(mol, BondIdx(b), |x, y| key(x) > key(y)).map(|(_, _, cis)| cis)
        })
        .collect()
}

/// RDKit's legacy R/S and E/Z labels: tetrahedral centres whose neighbours
/// all rank differently by [`legacy_cip_ranks`] get R or S from their tag
/// and the neighbour order by rank; double bonds get E or Z from their
/// highest-ranked neighbours; while centres remain unlabelled, the ranks are
/// refined again with the labels found (R above S, Z above E) and the
/// remaining centres retried, as RDKit's `assignStereochemistry` loop does.
/// Not the full CIP rules (RDKit's new `CIPLabeler`): the labels RDKit's
/// default perception stores.
pub fn legacy_labels(mol: &Mol) -> LegacyLabels {
    let n = mol.num_atoms();
    let mut out = LegacyLabels {
        atom_r: vec![None; n],
        bond_z: vec![None; mol.num_bonds()],
    };
    let tagged: Vec<AtomIdx> = mol
        .atom_indices()
        .filter(|&a| mol.atom(a).chirality.is_tetrahedral())
        .collect();
    let stereo_bonds: Vec<BondIdx> = (0..mol.num_bonds() as u32)
        .map(BondIdx)
        .filter(|&b| mol.bond(b).stereo != crate::mol::BondStereo::None)
        .collect();
    if tagged.is_empty() && stereo_bonds.is_empty() {
        return out;
    }
    let mut ranks = legacy_cip_ranks(mol);
    let factor: i64 = {
        let mut f = 100i64;
        while f < n as i64 {
            f *= 10;
        }
        f
    };
    // guard: each round labels something or stops
    for _ in 0..=n + mol.num_bonds() {
        let mut changed = false;
        let mut unassigned = 0usize;
        for &a in &tagged {
            if out.atom_r.at(a.index()).is_some() {
                continue;
            }
            unassigned += 1;
            let nbrs = mol.neighbors(a);
            let mut by_rank: Vec<(u32, crate::mol::BondIdx)> = nbrs
                .iter()
                .map(|&(x, b)| (ranks.at(x.index()), b))
                .collect();
            by_rank.sort_unstable();
            if by_rank
                .windows(2)
                .any(|w| w.first().map(|p| p.0) == w.get(1).map(|p| p.0))
            {
                continue;
            }
            let stored: Vec<crate::mol::BondIdx> = nbrs.iter().map(|&(_, b)| b).collect();
            let sorted: Vec<crate::mol::BondIdx> = by_rank.iter().map(|&(_, b)| b).collect();
            let mut odd = swaps_are_odd(&stored, &sorted);
            if nbrs.len() == 3 && mol.atom(a).total_hs() == 1 {
                odd = !odd;
            }
            let tag = if odd {
                mol.atom(a).chirality.inverted()
            } else {
                mol.atom(a).chirality
            };
            out.atom_r.put(a.index(), Some(tag == Chirality::Clockwise));
            unassigned -= 1;
            changed = true;
        }
        for &b in &stereo_bonds {
            if out.bond_z.at(b.index()).is_some() {
                continue;
            }
            // an end whose two substituents rank alike waits for a later round
            let bond = mol.bond(b);
            let tied =
                [(bond.begin, bond.end), (bond.end, bond.begin)]
                    .iter()
                    .any(|&(x, partner)| {
                        let r: Vec<u32> = mol
                            .neighbors(x)
                            .iter()
                            .filter(|&&(y, _)| y != partner)
                            .map(|&(y, _)| ranks.at(y.index()))
                            .collect();
                        r.len() == 2 && r.first() == r.get(1)
                    });
            if tied {
                unassigned += 1;
                continue;
            }
            if let Some((_, _, cis)) = rdkit_stereo_atoms(mol, b, &ranks) {
                out.bond_z.put(b.index(), Some(cis));
                changed = true;
            }
        }
        if unassigned == 0 || !changed {
            break;
        }
        let invars: Vec<i64> = (0..n)
            .map(|i| {
                let mut v = i64::from(ranks.at(i)) * factor;
                v += match out.atom_r.at(i) {
                    Some(true) => 20,
                    Some(false) => 10,
                    None => 0,
                };
                for &(_, b) in mol.neighbors(AtomIdx(i as u32)) {
                    if mol.bond(b).order == BondOrder::Double {
                        v += match out.bond_z.at(b.index()) {
                            Some(true) => 2,
                            Some(false) => 1,
                            None => 0,
                        };
                    }
                }
                v
            })
            .collect();
        ranks = iterate_cip_ranks(mol, &invars);
    }
    out
}

/// The reference atoms RDKit's legacy perception records for a stereo
/// double bond (`getStereoAtoms`), and whether they are cis: on each end
/// the neighbour ranked higher by [`legacy_cip_ranks`], so that "cis"
/// means Z.
pub fn rdkit_stereo_atoms(mol: &Mol, b: BondIdx, cip: &[u32]) -> Option<(AtomIdx, AtomIdx, bool)> {
    rdkit_stereo_atoms_by(mol, b, |x, y| cip.at(x.index()) > cip.at(y.index()))
}

/// [`rdkit_stereo_atoms`] with `higher(x, y)` telling whether `x` ranks
/// above `y`.
fn rdkit_stereo_atoms_by(
    mol: &Mol,
    b: BondIdx,
    higher: impl Fn(AtomIdx, AtomIdx) -> bool,
) -> Option<(AtomIdx, AtomIdx, bool)> {
    let bond = mol.bond(b);
    let (ra, rb, cis) = match bond.stereo {
        crate::mol::BondStereo::Cis(p, q) => (p, q, true),
        crate::mol::BondStereo::Trans(p, q) => (p, q, false),
        crate::mol::BondStereo::None => return None,
    };
    let pick = |end: AtomIdx, partner: AtomIdx, ours: AtomIdx| -> AtomIdx {
        // RDKit walks the bonds in bond-number order and keeps the second
        // neighbour unless the first ranks higher
        let mut others: Vec<(BondIdx, AtomIdx)> = mol
            .neighbors(end)
            .iter()
            .filter(|&&(x, _)| x != partner)
            .map(|&(x, nb)| (nb, x))
            .collect();
        others.sort_unstable();
        match others.as_slice() {
            [(_, one)] => *one,
            [(_, x), (_, y)] => {
                if higher(*x, *y) {
                    *x
                } else {
                    *y
                }
            }
            _ => ours,
        }
    };
    let pa = pick(bond.begin, bond.end, ra);
    let pb = pick(bond.end, bond.begin, rb);
    Some((pa, pb, cis ^ (pa != ra) ^ (pb != rb)))
}

/// One bond as an atom sees it in the invariants: bond type, stereo code
/// and the neighbour's class packed into one word in that order of
/// significance, so that one integer comparison orders holders as RDKit's
/// (type, stereo, class) comparison does. Classes are positions in the
/// atom order, below 2^32.
#[derive(Debug, Clone, Copy, Default)]
struct Holder {
    key: u64,
    nbr: usize,
}

const HOLDER_SYM_BITS: u32 = 32;
const HOLDER_SYM_MASK: u64 = (1 << HOLDER_SYM_BITS) - 1;

impl Holder {
    fn new(bond_type: u8, stereo: u8, nbr: usize) -> Holder {
        let key = (u64::from(bond_type) << (HOLDER_SYM_BITS + 8))
            | (u64::from(stereo) << HOLDER_SYM_BITS);
        Holder { key, nbr }
    }

    fn bond_type(&self) -> u8 {
        (self.key >> (HOLDER_SYM_BITS + 8)) as u8
    }

    fn stereo(&self) -> u8 {
        (self.key >> HOLDER_SYM_BITS) as u8
    }

    /// The neighbour's class when the holder was last updated.
    fn sym(&self) -> i64 {
        (self.key & HOLDER_SYM_MASK) as i64
    }

    fn set_sym(&mut self, class: i64) {
        let class = u64::try_from(class).unwrap_or(0) & HOLDER_SYM_MASK;
        self.key = (self.key & !HOLDER_SYM_MASK) | class;
    }
}

fn holder_cmp(x: &Holder, y: &Holder) -> Ordering {
    x.key.cmp(&y.key)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Basic,
    Chiral,
    Symmetry,
}

#[derive(Default)]
struct Partitions {
    order: Vec<usize>,
    /// Merge buffer of the hanoi sort.
    scratch: Vec<usize>,
    count: Vec<usize>,
    next: Vec<i64>,
    changed: Vec<bool>,
    /// Positions marked for [`Ranker::push_touched`], one bit each (64
    /// per word): marking is a branch-free store, and the marks are read
    /// back in position order a word at a time.
    touched: Vec<u64>,
    active: i64,
}

/// Marks position `c` in the bit set `touched` (see
/// [`Partitions::touched`]) for [`Ranker::push_touched`].
#[inline]
fn mark_touched(touched: &mut [u64], c: usize) {
    if let Some(word) = touched.get_mut(c / 64) {
        *word |= 1 << (c % 64);
    }
}

/// Flags every neighbour of the `moved` atoms as changed and hands its
/// class position to `mark` (the refinement's marking of the classes to
/// revisit, written once for both ways of keeping the marks).
#[inline(always)]
fn for_each_neighbour_class(
    frag: &Fragment,
    moved: &[usize],
    changed: &mut [bool],
    index: &[i64],
    mut mark: impl FnMut(usize),
) {
    for &a in moved {
        for (x, _) in frag.nbrs(a) {
            changed.put(x, true);
            mark(usize::try_from(index.at(x)).unwrap_or(0));
        }
    }
}

/// [`Ranker`]'s per-atom and per-bond vectors, kept in a thread-local
/// between molecules and borrowed in place.
#[derive(Default)]
struct RankerBuffers {
    /// Each atom's bonds as holders, in `frag`'s neighbour layout: in
    /// neighbour order until the atom's first update, sorted largest first
    /// from then on. (A stable sort by the full keys gives the same order
    /// from either start, so the first sort, by (type, stereo), is left to
    /// the first update; see [`Ranker::holders_as_sorted`].)
    holders: Vec<Holder>,
    /// Where each atom's holders start in `holders` (one more entry at the
    /// end: where the last atom's end).
    holder_start: Vec<u32>,
    degree: Vec<usize>,
    /// RDKit's atom invariants after the class, packed so that one integer
    /// comparison orders them as RDKit does: map number, degree, element,
    /// isotope (isomeric only), hydrogens, charge (compared as unsigned).
    key: Vec<u128>,
    ring_count: Vec<usize>,
    index: Vec<i64>,
    /// Sorting pass (`epoch`) in which each atom's holders were last brought
    /// up to date: classes do not change within one pass, so an atom's
    /// holders, once updated, stay sorted for the rest of it (the stable
    /// sort would leave them as they are).
    holders_epoch: Vec<u64>,
    /// Per local bond: its holder key.
    bond_keys: Vec<Holder>,
    /// Per atom: its key in the first pass, without the position (when
    /// every atom's key packs: `first_keys_pack`).
    first_keys: Vec<u128>,
    /// Per atom: its bonds in fixed slots (see [`Ranker::bond_list_key`]).
    bond_slots: Vec<BondSlots>,
    /// The first pass's keys with positions, while they are sorted.
    sort_keys: Vec<u128>,
}

/// An atom's bonds in four fixed slots, for [`Ranker::bond_list_key`]: the
/// neighbour in each (the atom itself in an empty slot) and the bond's
/// (type, stereo) as the key packs it (0 in an empty slot).
#[derive(Clone, Copy, Default)]
struct BondSlots {
    nbr: [u32; 4],
    field: [u32; 4],
}

/// Empties a reused buffer and fills it with `n` copies of `value`.
fn refill<T: Clone>(buffer: &mut Vec<T>, n: usize, value: T) {
    buffer.clear();
    buffer.resize(n, value);
}

thread_local! {
    static PARTITIONS: std::cell::RefCell<Partitions> =
        std::cell::RefCell::new(Partitions::default());
    static RANKER_BUFFERS: std::cell::RefCell<RankerBuffers> =
        std::cell::RefCell::new(RankerBuffers::default());
}

struct Ranker<'a, 'b> {
    frag: &'a Fragment<'a>,
    /// The per-atom and per-bond vectors.
    buf: &'b mut RankerBuffers,
    ring_stereo: Vec<bool>,
    has_ring_nbr: Vec<bool>,
    epoch: u64,
    neighbor_num: Vec<Vec<i64>>,
    revisited: Vec<Vec<i64>>,
    chirality: bool,
    /// Whether a sorting pass has run (after the first, every partition's
    /// atoms share their invariants).
    sorted_once: bool,
    /// Whether later basic-mode passes may sort by packed keys (see
    /// [`Ranker::sort_partition_by_key`]) and a fragment without chiral
    /// tags may skip the chiral pass; off for the pairwise reference.
    shortcuts: bool,
    /// Whether every atom's first-pass key packs (`first_keys`).
    first_keys_pack: bool,
    /// Whether basic-mode sorts after the first may order every partition
    /// by [`Ranker::bond_list_key`] without bringing the holders up to date
    /// (see [`Ranker::sort_partition_lazily`]).
    lazy_keys: bool,
    /// Whether the holders are laid out (see [`Ranker::build_holders`]).
    holders_built: bool,
}

fn sign(o: Ordering) -> i32 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// Sorts holders largest first, stably (RDKit keeps bond lists this way).
fn sort_desc(list: &mut [Holder]) {
    crate::sort::sort_short_by(list, |x, y| holder_cmp(y, x));
}

/// Bits of the first pass's key: invariants (degree and the low 40 bits of
/// the atom key), chirality terms and bond list, position.
const FIRST_POS_BITS: u32 = 29;
const FIRST_PACKED_BITS: u32 = 56;
const FIRST_INVARIANT_BITS: u32 = 40;

/// A holder's (bond type, stereo) as the first pass packs it (see
/// [`pack_bond_fields`]): a 10-bit field, `None` when the stereo code does
/// not fit its two bits.
#[inline]
fn bond_field(h: &Holder) -> Option<u64> {
    (h.stereo() <= 3).then(|| (u64::from(h.bond_type()) << 2) | u64::from(h.stereo()))
}

/// An atom's bond list (its holders sorted with every class 0) as the
/// first pass packs it: its four [`bond_field`]s (0 for a missing bond),
/// largest first, in one word, the first most significant.
#[inline]
fn pack_bond_fields(fields: [u64; 4]) -> u64 {
    let [a, b, c, d] = largest_first(fields);
    (a << 30) | (b << 20) | (c << 10) | d
}

/// Four values, largest first, by a sorting network: equal values are the
/// same value, so the order among them does not matter, and the fixed
/// compare-exchanges do not branch on the bonds (a sort's loop over one to
/// four items mispredicted from atom to atom).
#[inline(always)]
fn largest_first([mut a, mut b, mut c, mut d]: [u64; 4]) -> [u64; 4] {
    (a, b) = (a.max(b), a.min(b));
    (c, d) = (c.max(d), c.min(d));
    (a, c) = (a.max(c), a.min(c));
    (b, d) = (b.max(d), b.min(d));
    (b, c) = (b.max(c), b.min(c));
    [a, b, c, d]
}

/// Sorts a partition's atoms by `key`, stably (equal keys keep their
/// order), and groups them as [`regroup`] does; `false`, having reordered
/// nothing, when an atom has no key.
fn sort_by_keys(
    slice: &mut [usize],
    count: &mut [usize],
    scratch: &mut [usize],
    mut key: impl FnMut(usize) -> Option<u128>,
) -> bool {
    let mut keyed: SmallVec<[(u128, usize); 8]> = SmallVec::with_capacity(slice.len());
    for (pos, &a) in slice.iter().enumerate() {
        let Some(k) = key(a) else {
            return false;
        };
        keyed.push((k, pos));
    }
    crate::sort::sort_short(&mut keyed);
    regroup(keyed.iter().copied(), slice, scratch, count)
}

/// Reorders `slice` into a sorted run, given as (class, position in
/// `slice`) pairs in sorted order, with each class's size in `count` of its
/// first atom and 0 in the others (`hanoi`'s grouping). The atoms are read
/// from a copy in `scratch`; `false`, changing nothing, when `scratch` is
/// shorter than `slice`. Every step stores both counts and moves the class
/// start by a select, without a branch on where classes end (their sizes
/// follow the molecule).
fn regroup<C: PartialEq + Copy>(
    sorted: impl Iterator<Item = (C, usize)>,
    slice: &mut [usize],
    scratch: &mut [usize],
    count: &mut [usize],
) -> bool {
    let Some(before) = scratch.get_mut(..slice.len()) else {
        return false;
    };
    before.copy_from_slice(slice);
    let mut previous: Option<C> = None;
    let (mut start, mut first) = (0, 0);
    for (k, ((class, pos), slot)) in sorted.zip(slice.iter_mut()).enumerate() {
        let a = before.at(pos);
        let new = previous != Some(class);
        previous = Some(class);
        start = if new { k } else { start };
        first = if new { a } else { first };
        *slot = a;
        count.put(a, 0);
        count.put(first, k + 1 - start);
    }
    true
}

impl<'a, 'b> Ranker<'a, 'b> {
    fn new(
        mol: &Mol,
        frag: &'a Fragment<'a>,
        stereo: &LegacyStereo,
        chirality: bool,
        buf: &'b mut RankerBuffers,
    ) -> Ranker<'a, 'b> {
        let n = frag.num_atoms();
        // ring stereo is rare: without it, no atom needs the neighbour look
        let any_ring_stereo = stereo
            .ring_stereo_group
            .iter()
            .fold(false, |acc, g| acc | g.is_some());
        // (empty, reading false for every atom, without ring stereo)
        let ring_stereo: Vec<bool> = if any_ring_stereo {
            frag.atoms()
                .zip(&frag.tags)
                .map(|(a, &tag)| {
                    (tag == TAG_CW || tag == TAG_CCW)
                        && stereo.ring_stereo_group.at(a.index()).is_some()
                })
                .collect()
        } else {
            Vec::new()
        };
        let has_ring_nbr = if ring_stereo.contains(&true) {
            (0..n)
                .map(|i| frag.nbrs(i).any(|(x, _)| ring_stereo.at(x)))
                .collect()
        } else {
            Vec::new()
        };
        // the per-atom buffers, reused from one molecule to the next
        let RankerBuffers {
            degree,
            key,
            ring_count,
            index,
            bond_keys,
            first_keys,
            bond_slots,
            ..
        } = &mut *buf;
        bond_slots.clear();
        degree.clear();
        key.clear();
        ring_count.clear();
        bond_keys.clear();
        refill(index, n, 0);
        let rings = mol.rings();
        // per local bond: (bond type, stereo code) as the holders read it
        let bond_key = |bond: &crate::mol::Bond, label: Option<bool>| {
            // selects and arithmetic, not branches: aromatic and other
            // bonds alternate unpredictably along a molecule
            let plain = rdkit_bond_type(bond.order);
            let bond_type = if bond.aromatic { 12 } else { plain };
            // Z 2, E 3, none 0
            let code = u8::from(label.is_some()) * (3 - u8::from(label == Some(true)));
            Holder::new(bond_type, code * u8::from(chirality), 0)
        };
        if frag.own.is_none() && stereo.bond_z.is_empty() {
            // no labelled bond (most molecules)
            bond_keys.extend(mol.bonds().iter().map(|bond| bond_key(bond, None)));
        } else if frag.own.is_none() && stereo.bond_z.len() == mol.num_bonds() {
            // the whole molecule (nearly always): its bonds and their
            // labels side by side, without a look-up per bond
            bond_keys.extend(
                mol.bonds()
                    .iter()
                    .zip(&stereo.bond_z)
                    .map(|(bond, &label)| bond_key(bond, label)),
            );
        } else {
            bond_keys.extend((0..frag.num_bonds()).map(|lb| {
                let gb = frag.bond(lb);
                bond_key(
                    mol.bond(gb),
                    stereo.bond_z.get(gb.index()).copied().flatten(),
                )
            }));
        }
        // (the whole molecule's, nearly always, read in one pass)
        let bulk_ring_counts = frag.own.is_none() && rings.atom_ring_counts().len() == n;
        if bulk_ring_counts {
            ring_count.extend(rings.atom_ring_counts());
        }
        first_keys.clear();
        let mut first_keys_pack = true;
        let mut all_fields_fit = true;
        for i in 0..n {
            let ga = frag.atom(i);
            let mut fields = [0u64; 4];
            let mut fields_fit = true;
            let mut d = 0;
            let mut slots = BondSlots {
                nbr: [i as u32; 4],
                field: [0; 4],
            };
            for (x, lb) in frag.nbrs(i) {
                let h = Holder {
                    key: bond_keys.get(lb).map_or(0, |h| h.key),
                    nbr: x,
                };
                match (fields.get_mut(d), bond_field(&h), slots.nbr.get_mut(d)) {
                    (Some(slot), Some(field), Some(nbr)) => {
                        *slot = field;
                        *nbr = x as u32;
                    }
                    _ => fields_fit = false,
                }
                d += 1;
            }
            degree.push(d);
            // (the 10-bit bond fields above the 16 bits of a class)
            slots.field = fields.map(|f| (f << 16) as u32);
            bond_slots.push(slots);
            all_fields_fit &= fields_fit;
            let bonds_packed = fields_fit.then(|| pack_bond_fields(fields));
            let a = mol.atom(ga);
            let isotope = if chirality { a.isotope } else { 0 };
            // two's complement byte: 0 < +1 < … < +127 < −128 < … < −1,
            // RDKit's unsigned order of charges
            let charge = a.formal_charge as u8;
            // every field has its own bits: the isotope is 16 bits wide, and
            // an isotope above 255 once spilled into the element's byte
            // ([270C] tied with [14N])
            let atom_key = (u128::from(a.map_num) << 96)
                | (u128::from(u32::try_from(d).unwrap_or(u32::MAX)) << 64)
                | (u128::from(a.atomic_num) << 32)
                | (u128::from(isotope) << 16)
                | (u128::from(a.total_hs()) << 8)
                | u128::from(charge);
            key.push(atom_key);
            if !bulk_ring_counts {
                ring_count.push(rings.num_atom_rings(ga));
            }
            // the first pass's key (see `first_pass_by_key`), with every
            // class 0: a tag then ranks by itself only on an atom with at
            // most one neighbour, and the ring code counts ring-stereo
            // neighbours
            if first_keys_pack {
                let tag = frag.tags.at(i);
                let tagged = chirality && tag != TAG_NONE;
                let chiral: u64 = if tagged && d <= 1 && (tag == TAG_CW || tag == TAG_CCW) {
                    if tag == TAG_CW {
                        2
                    } else {
                        1
                    }
                } else {
                    0
                };
                let ring = if chirality && has_ring_nbr.at(i) {
                    frag.nbrs(i).filter(|&(x, _)| ring_stereo.at(x)).count() as u64
                } else {
                    0
                };
                match bonds_packed {
                    Some(bonds) if atom_key >> 96 == 0 && ring < 16 => {
                        let packed =
                            (u64::from(tagged) << 55) | (chiral << 52) | (ring << 48) | bonds;
                        let degree = (atom_key >> 64) & 0xFFFF_FFFF;
                        let invariants = (degree << FIRST_INVARIANT_BITS)
                            | (atom_key & ((1 << FIRST_INVARIANT_BITS) - 1));
                        first_keys.push(
                            (invariants << (FIRST_PACKED_BITS + FIRST_POS_BITS))
                                | (u128::from(packed) << FIRST_POS_BITS),
                        );
                    }
                    _ => first_keys_pack = false,
                }
            }
        }
        // The order of an atom's holders among equal keys is read only
        // when the chiral pass weighs a tagged neighbour of a ring atom
        // (`neighbor_swaps`); without such a pair, holders brought up to
        // date late sort as they would have step by step.
        let tag_by_ring_atom = chirality
            && frag
                .tags
                .iter()
                .fold(false, |acc, &t| acc | (t != TAG_NONE))
            && (0..n).any(|i| {
                frag.tags.at(i) != TAG_NONE && frag.nbrs(i).any(|(x, _)| ring_count.at(x) > 0)
            });
        let lazy_keys = all_fields_fit && n <= 1 << 16 && !tag_by_ring_atom;
        let mut ranker = Ranker {
            frag,
            buf,
            ring_stereo,
            has_ring_nbr,
            epoch: 1,
            // filled (one list per atom) only for the symmetry pass
            neighbor_num: Vec::new(),
            revisited: Vec::new(),
            chirality,
            sorted_once: false,
            shortcuts: true,
            first_keys_pack,
            lazy_keys,
            holders_built: false,
        };
        // (with lazy keys, only a pairwise sort reads the holders, and
        // most molecules never need one)
        if !lazy_keys {
            ranker.build_holders();
        }
        ranker
    }

    /// Lays out every atom's holders, in neighbour order (the first update
    /// sorts them, with the same result as from a sorted start, the sort
    /// being stable; see `holders_as_sorted`), unless they are laid out
    /// already. Before any sort that reads them: until then no atom's
    /// holders have been brought up to date, so laid out late they are
    /// what they would have been from the start.
    fn build_holders(&mut self) {
        if self.holders_built {
            return;
        }
        self.holders_built = true;
        let frag = self.frag;
        let RankerBuffers {
            holders,
            holder_start,
            holders_epoch,
            bond_keys,
            ..
        } = &mut *self.buf;
        holders.clear();
        holder_start.clear();
        for i in 0..frag.num_atoms() {
            holder_start.push(holders.len() as u32);
            holders.extend(frag.nbrs(i).map(|(x, lb)| Holder {
                key: bond_keys.get(lb).map_or(0, |h| h.key),
                nbr: x,
            }));
        }
        holder_start.push(holders.len() as u32);
        refill(holders_epoch, frag.num_atoms(), 0);
    }

    /// The first sorting pass of [`Ranker::refine`], in basic mode over the
    /// one class holding every atom. All atoms count as changed and every
    /// class index is 0, so [`Ranker::compare`] orders atoms by a key that
    /// stays fixed through the pass: the invariants, the chirality terms
    /// (computed with all classes 0, as `compare` sees them), and the bond
    /// list as (type, stereo) pairs sorted largest first (all neighbour
    /// classes 0). `hanoi` is a stable merge sort that groups equal atoms, so
    /// a stable sort by that key, grouped the same way, leaves the same
    /// order and counts without comparing atoms pairwise. The holders stay
    /// as they are: an update in this pass would sort them by the same
    /// all-zero classes, which the atom's first update in a later pass
    /// does anyway (its sort is stable). Returns `false`, doing
    /// nothing, when an atom has more than four bonds, a map number, or a
    /// term that does not fit its field (the key then does not pack into
    /// one 128-bit word).
    fn first_pass_by_key(
        &mut self,
        order: &mut [usize],
        count: &mut [usize],
        scratch: &mut [usize],
    ) -> bool {
        const POS_BITS: u32 = FIRST_POS_BITS;
        if !self.first_keys_pack {
            return false;
        }
        let RankerBuffers {
            first_keys,
            sort_keys: keyed,
            ..
        } = &mut *self.buf;
        if order.len() >= 1 << POS_BITS {
            return false;
        }
        // (key, position): the position breaks ties, so an unstable sort is
        // the stable one (the standard library's unstable sort ran 1 %
        // slower on the benchmark than this insertion, in fewer
        // instructions)
        // (in a reused buffer: a list on the stack was built and then
        // copied, 512 bytes, into place)
        keyed.clear();
        keyed.extend(
            order
                .iter()
                .enumerate()
                .map(|(pos, &i)| first_keys.at(i) | pos as u128),
        );
        crate::sort::sort_short(keyed);
        let sorted = keyed
            .iter()
            .map(|&k| (k >> POS_BITS, (k & ((1 << POS_BITS) - 1)) as usize));
        regroup(sorted, order, scratch, count)
    }

    /// A basic-mode sorting pass over one partition after the first pass,
    /// by keys instead of pairwise comparison. The partition's atoms share
    /// their class and invariants, so [`Ranker::compare`] orders them by the
    /// chirality terms and then the bond lists (all of one length); packed
    /// into one word per atom (tag flag, chiral rank, ring code, then four
    /// 24-bit (bond type, stereo, neighbour class) fields), a stable sort by
    /// it, grouped, gives `hanoi`'s order and counts. `hanoi` compares only
    /// pairs with a changed atom, treating the others as equal; two
    /// unchanged atoms of one partition are equal (they were when the
    /// partition formed, and no neighbour class has moved since), so the
    /// keys agree. Every atom's holders are brought up to date here, where
    /// `hanoi` updates only the atoms it compares: for an unchanged atom
    /// that changes nothing (its holders already hold the current classes,
    /// in order). Returns `false`, having sorted nothing, when a key does
    /// not pack (more than four bonds, a class or ring code too large), and
    /// for partitions of two or three atoms, which one or two comparisons
    /// sort for less than the keys cost.
    fn sort_partition_by_key(
        &mut self,
        slice: &mut [usize],
        count: &mut [usize],
        scratch: &mut [usize],
    ) -> bool {
        if slice.len() < 4 || self.buf.degree.len() > 1 << 16 {
            return false;
        }
        sort_by_keys(slice, count, scratch, |a| self.holder_key(a))
    }

    /// Atom `a`'s key for [`Ranker::sort_partition_by_key`], from its
    /// holders, brought up to date first; `None` when it does not pack.
    fn holder_key(&mut self, a: usize) -> Option<u128> {
        const FIELD: u32 = 24;
        self.update_neighbor_index(a);
        let holders = self.holders_of(a);
        if holders.len() > 4 {
            return None;
        }
        let mut key = 0u128;
        for (k, h) in holders.iter().enumerate() {
            let (bond_type, stereo, sym) = (h.bond_type(), h.stereo(), h.sym());
            if bond_type >= 64 || stereo > 3 || !(0..1 << 16).contains(&sym) {
                return None;
            }
            let field = (u128::from(bond_type) << 18) | (u128::from(stereo) << 16) | sym as u128;
            key |= field << (FIELD * (3 - k as u32));
        }
        Some(key | self.chirality_key(a)?)
    }

    /// Atom `i`'s key in a basic-mode pass after the first, as
    /// [`Ranker::sort_partition_by_key`] packs it (tag flag, chiral rank,
    /// ring code, then the bond list as four (type, stereo, neighbour
    /// class) fields, largest first), computed from the fixed bond slots and
    /// the current classes instead of from the holders. `None` when the
    /// chirality terms do not fit their fields. Needs `lazy_keys` (every
    /// atom's bonds in the slots, classes below 2^16).
    #[inline]
    fn bond_list_key(&self, i: usize) -> Option<u128> {
        let BondSlots { nbr, field } = self.buf.bond_slots.at(i);
        let index: &[i64] = &self.buf.index;
        // an empty slot (field 0) reads the atom's own class, masked off
        let value = |slot: usize| {
            let f = field.at(slot);
            let class = (index.at(nbr.at(slot) as usize) as u32) & 0xFFFF;
            u64::from(f | (class & 0u32.wrapping_sub(u32::from(f != 0))))
        };
        let [a, b, c, d] = largest_first([value(0), value(1), value(2), value(3)]);
        let bonds =
            (u128::from(a) << 72) | (u128::from(b) << 48) | (u128::from(c) << 24) | u128::from(d);
        Some(self.chirality_key(i)? | bonds)
    }

    /// The chirality terms of atom `i`'s key in a basic-mode pass after the
    /// first (0 without chirality): tag flag, chiral rank and ring code in
    /// the bits above the bond list, as `compare` orders them after the
    /// invariants. `None` when they do not fit.
    #[inline(always)]
    fn chirality_key(&self, i: usize) -> Option<u128> {
        if !self.chirality {
            return Some(0);
        }
        let tagged = self.frag.tags.at(i) != TAG_NONE;
        let chiral = if tagged { self.chiral_rank(i) } else { 0 };
        let ring = self.ring_nbr_code(i);
        if !(0..1 << 27).contains(&ring) || chiral > 3 {
            return None;
        }
        Some((u128::from(tagged) << 127) | (u128::from(chiral) << 125) | ((ring as u128) << 98))
    }

    /// A basic-mode sorting pass over one partition after the first, by
    /// [`Ranker::bond_list_key`], for partitions of any size: the order
    /// and counts of [`Ranker::sort_partition_by_key`] (and so of
    /// `hanoi`), without bringing any atom's holders up to date. Holders
    /// left behind are sorted when next compared: classes only ever split,
    /// in place, so a stable sort by the current classes from an older
    /// order gives what the sorts in between would have (two holders whose
    /// classes are still equal were equal in every sort between, and kept
    /// their order). Only the chiral pass's look at a neighbour's holders
    /// (`neighbor_swaps`) reads them without an update; `lazy_keys` is off
    /// where it would. `false`, having sorted nothing, when a key does not
    /// pack.
    fn sort_partition_lazily(
        &mut self,
        slice: &mut [usize],
        count: &mut [usize],
        scratch: &mut [usize],
    ) -> bool {
        if let [x, y] = slice {
            // a pair (most partitions): one comparison, no sort
            let (Some(kx), Some(ky)) = (self.bond_list_key(*x), self.bond_list_key(*y)) else {
                return false;
            };
            if kx == ky {
                count.put(*x, 2);
                count.put(*y, 0);
            } else {
                if kx > ky {
                    std::mem::swap(x, y);
                }
                count.put(*x, 1);
                count.put(*y, 1);
            }
            return true;
        }
        sort_by_keys(slice, count, scratch, |a| self.bond_list_key(a))
    }

    fn nbrs(&self, i: usize) -> impl ExactSizeIterator<Item = (usize, usize)> + Clone + 'a {
        self.frag.nbrs(i)
    }

    /// Where atom `i`'s holders lie in `holders`.
    #[inline]
    fn span(&self, i: usize) -> std::ops::Range<usize> {
        let start = self.buf.holder_start.at(i) as usize;
        let end = self
            .buf
            .holder_start
            .get(i + 1)
            .map_or(start, |&e| e as usize);
        start..end
    }

    fn holders_of(&self, i: usize) -> &[Holder] {
        self.buf.holders.get(self.span(i)).unwrap_or(&[])
    }

    /// Atom `i`'s holders as they stand, except that a list never brought
    /// up to date (left in neighbour order by [`Ranker::new`]) is given
    /// sorted with every class 0, as the first update would sort it.
    fn holders_as_sorted(&self, i: usize) -> SmallVec<[Holder; 4]> {
        let mut list: SmallVec<[Holder; 4]> = self.holders_of(i).iter().copied().collect();
        if self.buf.holders_epoch.at(i) == 0 {
            for h in &mut list {
                h.set_sym(0);
            }
            sort_desc(&mut list);
        }
        list
    }

    fn update_neighbor_index(&mut self, i: usize) {
        if self.buf.holders_epoch.at(i) == self.epoch {
            return;
        }
        self.buf.holders_epoch.put(i, self.epoch);
        let range = self.span(i);
        let index = &self.buf.index;
        if let Some(list) = self.buf.holders.get_mut(range) {
            for h in list.iter_mut() {
                h.set_sym(index.at(h.nbr));
            }
            sort_desc(list);
        }
    }

    fn chiral_rank(&self, i: usize) -> u8 {
        let tag = self.frag.tags.at(i);
        let mut perm: smallvec::SmallVec<[i64; 4]> = smallvec::SmallVec::new();
        for (x, _) in self.nbrs(i) {
            let r = self.buf.index.at(x);
            if perm.contains(&r) {
                return 0;
            }
            perm.push(r);
        }
        if tag != TAG_CW && tag != TAG_CCW {
            return 0;
        }
        let mut sorted = perm.clone();
        sorted.sort_unstable();
        let res = if tag == TAG_CW { 2 } else { 1 };
        if swaps_are_odd(&sorted, &perm) {
            3 - res
        } else {
            res
        }
    }

    fn ring_nbr_code(&self, i: usize) -> i64 {
        if !self.has_ring_nbr.at(i) {
            return 0;
        }
        self.nbrs(i)
            .filter(|&(x, _)| self.ring_stereo.at(x))
            .map(|(x, _)| self.buf.index.at(x) * 10000 + 1)
            .sum()
    }

    /// Compares two atoms of one partition (same class index, so the index
    /// comparison RDKit starts with is always equal and is left out).
    fn base_cmp(&self, i: usize, j: usize) -> Ordering {
        let mut o = self.buf.key.at(i).cmp(&self.buf.key.at(j));
        if o != Ordering::Equal || !self.chirality {
            return o;
        }
        let (ti, tj) = (self.frag.tags.at(i) != 0, self.frag.tags.at(j) != 0);
        o = ti.cmp(&tj);
        if o == Ordering::Equal && ti {
            o = self.chiral_rank(i).cmp(&self.chiral_rank(j));
        }
        o.then_with(|| self.ring_nbr_code(i).cmp(&self.ring_nbr_code(j)))
    }

    fn bond_lists_cmp(&self, i: usize, j: usize, with_sizes: bool) -> Ordering {
        let (a, b) = (self.holders_of(i), self.holders_of(j));
        for (x, y) in a.iter().zip(b) {
            let o = holder_cmp(x, y);
            if o != Ordering::Equal {
                return o;
            }
        }
        if with_sizes {
            a.len().cmp(&b.len())
        } else {
            Ordering::Equal
        }
    }

    /// RDKit's `updateAtomNeighborNumSwaps`: for each neighbour, its class
    /// and the parity of the neighbour's own tag seen from this atom.
    fn neighbor_swaps(&self, i: usize) -> smallvec::SmallVec<[(i64, u8); 4]> {
        let ring = self.buf.ring_count.at(i) > 0;
        let mut out = smallvec::SmallVec::new();
        for h in self.holders_of(i) {
            let nbr = h.nbr;
            let tag = self.frag.tags.at(nbr);
            if !(ring && tag != TAG_NONE) {
                out.push((h.sym(), 0));
                continue;
            }
            let reference: smallvec::SmallVec<[usize; 4]> =
                self.nbrs(nbr).map(|(x, _)| x).collect();
            let mut seen: smallvec::SmallVec<[i64; 4]> = smallvec::SmallVec::new();
            let mut too_many = false;
            for &x in &reference {
                if x != i {
                    let c = self.buf.index.at(x);
                    if seen.contains(&c) {
                        too_many = true;
                    } else {
                        seen.push(c);
                    }
                }
            }
            let mut probe: smallvec::SmallVec<[usize; 4]> = smallvec::smallvec![i];
            probe.extend(
                self.holders_as_sorted(nbr)
                    .iter()
                    .map(|b| b.nbr)
                    .filter(|&x| x != i),
            );
            if too_many {
                out.push((h.sym(), 0));
            } else {
                let odd = swaps_are_odd(&reference, &probe);
                match tag {
                    TAG_CW => out.push((h.sym(), if odd { 2 } else { 1 })),
                    TAG_CCW => out.push((h.sym(), if odd { 1 } else { 2 })),
                    _ => {}
                }
            }
        }
        out.sort_unstable();
        out
    }

    fn compare(&mut self, mode: Mode, i: usize, j: usize) -> i32 {
        match mode {
            Mode::Basic => {
                let o = self.base_cmp(i, j);
                if o != Ordering::Equal {
                    return sign(o);
                }
                self.update_neighbor_index(i);
                self.update_neighbor_index(j);
                sign(self.bond_lists_cmp(i, j, true))
            }
            Mode::Chiral => {
                self.update_neighbor_index(i);
                self.update_neighbor_index(j);
                let o = self.bond_lists_cmp(i, j, false);
                if o != Ordering::Equal {
                    return sign(o);
                }
                let si = self.neighbor_swaps(i);
                let sj = self.neighbor_swaps(j);
                for (a, b) in si.iter().zip(&sj) {
                    let d = i32::from(a.1) - i32::from(b.1);
                    if d != 0 {
                        return d.signum();
                    }
                }
                0
            }
            Mode::Symmetry => {
                let o = self
                    .neighbor_num
                    .get(i)
                    .cmp(&self.neighbor_num.get(j))
                    .then(self.revisited.get(i).cmp(&self.revisited.get(j)));
                if o != Ordering::Equal {
                    return sign(o);
                }
                self.update_neighbor_index(i);
                self.update_neighbor_index(j);
                sign(self.bond_lists_cmp(i, j, true))
            }
        }
    }

    /// RDKit's grouping merge sort of one partition: equal atoms end up
    /// adjacent with the group size in `count` of the first and 0 in the
    /// others. Atoms are only compared when one of them has changed.
    fn hanoi(
        &mut self,
        mode: Mode,
        base: &mut [usize],
        scratch: &mut [usize],
        count: &mut [usize],
        changed: &[bool],
    ) {
        let n = base.len();
        if n <= 1 {
            if let Some(&a) = base.first() {
                count.put(a, 1);
            }
            return;
        }
        let stat = |s: &mut Ranker, a: usize, b: usize| -> i32 {
            if changed.at(a) || changed.at(b) {
                s.compare(mode, a, b)
            } else {
                0
            }
        };
        if n == 2 {
            let (a, b) = (base.at(0), base.at(1));
            let st = stat(self, a, b);
            if st == 0 {
                count.put(a, 2);
                count.put(b, 0);
            } else {
                count.put(a, 1);
                count.put(b, 1);
                if st > 0 {
                    base.swap(0, 1);
                }
            }
            return;
        }
        let n1 = n / 2;
        {
            let (left, right) = base.split_at_mut(n1);
            let (sl, sr) = scratch.split_at_mut(n1.min(scratch.len()));
            self.hanoi(mode, left, sl, count, changed);
            self.hanoi(mode, right, sr, count, changed);
        }
        // merge the two sorted halves (copied aside) back into `base`
        let Some(tmp) = scratch.get_mut(..n) else {
            return;
        };
        tmp.copy_from_slice(base);
        let (s1, s2) = tmp.split_at(n1);
        let (mut i1, mut i2, mut p) = (0usize, 0usize, 0usize);
        let copy = |base: &mut [usize], p: &mut usize, src: &[usize]| {
            if let Some(dst) = base.get_mut(*p..*p + src.len()) {
                dst.copy_from_slice(src);
            }
            *p += src.len();
        };
        loop {
            let (a, b) = (s1.at(i1), s2.at(i2));
            let st = stat(self, a, b);
            let (len1, len2) = (count.at(a).max(1), count.at(b).max(1));
            if st == 0 {
                count.put(a, len1 + len2);
                count.put(b, 0);
            }
            if st <= 0 {
                copy(base, &mut p, s1.get(i1..i1 + len1).unwrap_or(&[]));
                i1 += len1;
                if i1 >= s1.len() {
                    copy(base, &mut p, s2.get(i2..).unwrap_or(&[]));
                    return;
                }
            }
            if st >= 0 {
                copy(base, &mut p, s2.get(i2..i2 + len2).unwrap_or(&[]));
                i2 += len2;
                if i2 >= s2.len() {
                    copy(base, &mut p, s1.get(i1..).unwrap_or(&[]));
                    return;
                }
            }
        }
    }

    fn activate(&self, part: &mut Partitions) {
        let n = part.order.len();
        part.active = -1;
        part.next.iter_mut().for_each(|x| *x = -2);
        let mut i = 0;
        while i < n {
            let j = part.order.at(i);
            let c = part.count.at(j);
            if c > 1 {
                part.next.put(j, part.active);
                part.active = j as i64;
                i += c;
            } else {
                i += 1;
            }
        }
        part.changed.iter_mut().for_each(|x| *x = true);
    }

    /// Re-sorts the partitions on the active stack until none splits.
    fn refine(&mut self, mode: Mode, part: &mut Partitions) {
        while part.active >= 0 {
            let partition = part.active as usize;
            part.active = part.next.at(partition);
            part.next.put(partition, -2);
            let len = part.count.at(partition);
            let offset = usize::try_from(self.buf.index.at(partition)).unwrap_or(0);
            let Partitions {
                order,
                count,
                changed,
                scratch,
                ..
            } = part;
            if let (Some(slice), Some(tmp)) =
                (order.get_mut(offset..offset + len), scratch.get_mut(..len))
            {
                // a new sorting pass: classes may have moved since the last
                self.epoch += 1;
                let later = std::mem::replace(&mut self.sorted_once, true);
                let keyed = mode == Mode::Basic
                    && self.shortcuts
                    && if later {
                        if self.lazy_keys {
                            self.sort_partition_lazily(slice, count, tmp)
                        } else {
                            self.sort_partition_by_key(slice, count, tmp)
                        }
                    } else {
                        len == self.buf.degree.len() && self.first_pass_by_key(slice, count, tmp)
                    };
                if !keyed {
                    self.build_holders();
                    self.hanoi(mode, slice, tmp, count, changed);
                }
            }
            let Partitions {
                order,
                count,
                changed,
                touched,
                ..
            } = &mut *part;
            // plain slices: their addresses and lengths stay in registers
            // through the loops (the vectors' headers were re-read after
            // every store)
            let (count, changed, touched): (&[usize], &mut [bool], &mut [u64]) =
                (count, changed, touched);
            let frag = self.frag;
            let index: &mut [i64] = &mut self.buf.index;
            let members = order.get(offset..offset + len).unwrap_or(&[]);
            for &a in members {
                changed.put(a, false);
            }
            let first_len = members.first().map_or(0, |&a| count.at(a));
            // the atoms that leave the first class
            let moved = members.get(first_len..).unwrap_or(&[]);
            let mut symclass = offset as i64;
            for (k, &a) in moved.iter().enumerate() {
                // (a select: where classes start follows the molecule)
                let starts = count.at(a) > 0;
                symclass = std::hint::select_unpredictable(
                    starts,
                    (offset + first_len + k) as i64,
                    symclass,
                );
                index.put(a, symclass);
            }
            // (after every class is set: a neighbour may itself have moved)
            if let [word] = touched {
                // up to 64 atoms (nearly every molecule): the marks gather
                // in a register, where or-ing each into the one word in
                // memory made every mark wait for the store before it
                let mut bits = *word;
                for_each_neighbour_class(frag, moved, changed, index, |c| {
                    bits |= u64::from(c < 64) << (c % 64);
                });
                *word = bits;
            } else {
                for_each_neighbour_class(frag, moved, changed, index, |c| {
                    mark_touched(touched, c);
                });
            }
            self.push_touched(part);
        }
    }

    /// Puts the splittable partitions at the touched positions on the active
    /// stack, in position order (RDKit scans every position; visiting only
    /// the marked ones, in position order, pushes the same partitions in the
    /// same order), and clears the marks.
    fn push_touched(&self, part: &mut Partitions) {
        let Partitions {
            order,
            count,
            next,
            touched,
            active,
            ..
        } = part;
        for (w, word) in touched.iter_mut().enumerate() {
            let mut bits = std::mem::take(word);
            while bits != 0 {
                let ii = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let p = order.at(ii);
                // pushed by selects: whether a touched class can split
                // follows the molecule, and the branch mispredicted
                let old_next = next.at(p);
                let push = (count.at(p) > 1) & (old_next == -2);
                next.put(p, std::hint::select_unpredictable(push, *active, old_next));
                *active = std::hint::select_unpredictable(push, p as i64, *active);
            }
        }
    }

    fn break_ties(&mut self, part: &mut Partitions) {
        let n = part.order.len();
        let mut i = 0;
        // RDKit revisits a position whose class moved; bound the revisits
        let mut guard = 0usize;
        while i < n && guard <= n.saturating_mul(n) + n {
            guard += 1;
            let partition = part.order.at(i);
            if part.count.at(partition) <= 1 {
                // a class of one (most positions): nothing to break, and
                // its position cannot have moved
                i += 1;
                continue;
            }
            let old = self.buf.index.at(partition);
            while part.count.at(partition) > 1 {
                let len = part.count.at(partition);
                let offset = usize::try_from(self.buf.index.at(partition)).unwrap_or(0) + len - 1;
                let idx = part.order.at(offset);
                self.buf.index.put(idx, offset as i64);
                part.count.put(partition, len - 1);
                part.count.put(idx, 1);
                if self.buf.degree.at(idx) < 1 {
                    continue;
                }
                let touched = &mut part.touched;
                for_each_neighbour_class(
                    self.frag,
                    &[idx],
                    &mut part.changed,
                    &self.buf.index,
                    |c| {
                        mark_touched(touched, c);
                    },
                );
                self.push_touched(part);
                self.refine(Mode::Basic, part);
            }
            if self.buf.index.at(partition) == old {
                i += 1;
            }
        }
    }

    /// Whether the chiral pass can split a class. Its comparison is the
    /// bond lists, equal within a class after the basic pass, and then the
    /// neighbours' tag parities, which are all 0 except on a ring atom next
    /// to a tagged atom; so it splits nothing unless such an atom is in a
    /// class of two or more. A pass that splits nothing changes nothing
    /// the ranks depend on: it re-sorts every class to the same order and
    /// leaves only the `changed` flags behind, and the passes after it
    /// compare unchanged atoms as equal, which atoms of one class whose
    /// neighbours kept their classes are.
    fn chiral_pass_can_split(&self, part: &Partitions) -> bool {
        let frag = self.frag;
        let class_size = |a: usize| {
            let first = usize::try_from(self.buf.index.at(a)).unwrap_or(0);
            part.count.at(part.order.at(first))
        };
        frag.tags.iter().enumerate().any(|(x, &tag)| {
            tag != TAG_NONE
                && frag
                    .nbrs(x)
                    .any(|(a, _)| self.buf.ring_count.at(a) > 0 && class_size(a) > 1)
        })
    }

    /// RDKit's `compareRingAtomsConcerningNumNeighbors`: per ring atom, the
    /// number of new atoms at each breadth-first level and how often atoms
    /// of a level are reached again.
    fn ring_neighborhoods(&mut self) {
        let n = self.frag.num_atoms();
        self.neighbor_num = vec![Vec::new(); n];
        self.revisited = vec![Vec::new(); n];
        for idx in 0..n {
            if self.buf.ring_count.at(idx) < 1 {
                continue;
            }
            let mut visited = vec![false; n];
            let mut last_level = vec![false; n];
            let mut current_level = vec![false; n];
            let mut revisits = vec![0i64; n];
            let mut last_indices: Vec<usize> = Vec::new();
            let mut modified: Vec<usize> = Vec::new();
            let mut neighbor_num: Vec<i64> = Vec::new();
            let mut revisited: Vec<i64> = Vec::new();
            let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
            queue.push_back(idx);
            while !queue.is_empty() {
                let mut level_count = 0i64;
                let mut next_level: Vec<usize> = Vec::new();
                while let Some(a) = queue.pop_front() {
                    if self.buf.ring_count.at(a) < 1 {
                        continue;
                    }
                    last_level.put(a, true);
                    last_indices.push(a);
                    visited.put(a, true);
                    for (x, _) in self.nbrs(a) {
                        if !visited.at(x) {
                            current_level.put(x, true);
                            level_count += 1;
                            visited.put(x, true);
                            next_level.push(x);
                        }
                    }
                }
                for &a in &next_level {
                    for (x, _) in self.nbrs(a) {
                        if current_level.at(x) || last_level.at(x) {
                            if revisits.at(x) == 0 {
                                modified.push(x);
                            }
                            revisits.put(x, revisits.at(x) + 1);
                        }
                    }
                }
                for &a in &last_indices {
                    last_level.put(a, false);
                }
                last_indices.clear();
                for &a in &next_level {
                    last_level.put(a, true);
                    last_indices.push(a);
                    current_level.put(a, false);
                }
                let mut tmp: Vec<i64> = modified.iter().map(|&a| revisits.at(a)).collect();
                tmp.sort_unstable();
                tmp.push(-1);
                revisited.extend(tmp);
                for &a in &modified {
                    revisits.put(a, 0);
                }
                modified.clear();
                neighbor_num.push(level_count);
                neighbor_num.push(-1);
                queue.extend(next_level);
            }
            if let Some(slot) = self.neighbor_num.get_mut(idx) {
                *slot = neighbor_num;
            }
            if let Some(slot) = self.revisited.get_mut(idx) {
                *slot = revisited;
            }
        }
    }

    fn rank(mut self) -> Vec<u32> {
        let n = self.frag.num_atoms();
        if n == 0 {
            return Vec::new();
        }
        // the partition buffers, reused from one molecule to the next
        crate::scratch::with_reused(&PARTITIONS, |part| self.rank_with(n, part))
    }

    /// [`Ranker::rank`] of `n` atoms, with the partition buffers.
    fn rank_with(&mut self, n: usize, part: &mut Partitions) -> Vec<u32> {
        part.order.clear();
        part.order.extend(0..n);
        refill(&mut part.scratch, n, 0);
        refill(&mut part.count, n, 0);
        part.count.put(0, n);
        refill(&mut part.next, n, -2);
        refill(&mut part.changed, n, true);
        refill(&mut part.touched, n.div_ceil(64), 0);
        part.active = -1;
        self.activate(part);
        self.refine(Mode::Basic, part);
        let ties = part.count.contains(&0);
        // (see `chiral_pass_can_split`: without a tag next to a tied ring
        // atom the pass splits nothing)
        if self.chirality && ties && (!self.shortcuts || self.chiral_pass_can_split(part)) {
            self.activate(part);
            self.refine(Mode::Chiral, part);
        }
        let ties = part.count.contains(&0);
        let (mut sym_ring_atoms, mut ring_atoms, mut branching) = (0usize, 0usize, false);
        // counted without branching on each atom's ring membership and
        // class size, which follow the molecule
        for &a in &part.order {
            let rings = self.buf.ring_count.at(a);
            let c = part.count.at(a);
            let in_ring = usize::from(rings > 0);
            sym_ring_atoms += in_ring * usize::from(c > 2) * c;
            ring_atoms += in_ring;
            branching |= (rings > 1) & (c > 1);
        }
        if ties
            && ring_atoms > 0
            && (sym_ring_atoms as f32) / (ring_atoms as f32) > 0.5
            && branching
        {
            self.ring_neighborhoods();
            self.activate(part);
            self.refine(Mode::Symmetry, part);
        }
        self.break_ties(part);
        let mut ranks = vec![0u32; n];
        for &a in &part.order {
            ranks.put(a, u32::try_from(self.buf.index.at(a)).unwrap_or(0));
        }
        ranks
    }
}

/// RDKit's canonical ranks of a fragment's atoms (local numbering). With
/// `isomeric` false, chirality, bond stereo and isotopes are left out, as
/// for RDKit's non-isomeric SMILES.
///
/// ```
/// use shennong_mol::canon_rdkit::{fragments, rdkit_ranks};
/// use shennong_mol::{Atom, BondOrder, MolBuilder};
/// // ethanol written O-C-C: terminal atoms first (carbon before oxygen)
/// let mut b = MolBuilder::new();
/// let o = b.add_atom(Atom::new(8));
/// let c1 = b.add_atom(Atom::new(6));
/// let c2 = b.add_atom(Atom::new(6));
/// b.add_bond(o, c1, BondOrder::Single).unwrap();
/// b.add_bond(c1, c2, BondOrder::Single).unwrap();
/// let mol = b.sanitize().unwrap();
/// let stereo = mol.legacy_stereo().unwrap();
/// let frags = fragments(&mol);
/// assert_eq!(rdkit_ranks(&mol, &frags[0], &stereo, true), vec![1, 2, 0]);
/// ```
pub fn rdkit_ranks(mol: &Mol, frag: &Fragment, stereo: &LegacyStereo, isomeric: bool) -> Vec<u32> {
    crate::scratch::with_reused(&RANKER_BUFFERS, |buf| {
        Ranker::new(mol, frag, stereo, isomeric, buf).rank()
    })
}

/// [`rdkit_ranks`] with every sorting pass done by pairwise comparison (no
/// keyed first pass, no keyed partition sorts) and the chiral pass always
/// run: the reference that tests compare the shortcuts with.
/// Not for production use.
#[doc(hidden)]
pub fn rdkit_ranks_without_shortcuts(
    mol: &Mol,
    frag: &Fragment,
    stereo: &LegacyStereo,
    isomeric: bool,
) -> Vec<u32> {
    crate::scratch::with_reused(&RANKER_BUFFERS, |buf| {
        let mut ranker = Ranker::new(mol, frag, stereo, isomeric, buf);
        ranker.shortcuts = false;
        ranker.rank()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Atom, MolBuilder};

    /// Each class's size goes to its first atom, 0 to the others, and the
    /// atoms come in the order given.
    #[test]
    fn regroup_puts_class_sizes_on_first_atoms() {
        let classes = [1u32, 1, 2, 3, 3, 3];
        let positions = [5usize, 4, 3, 2, 1, 0];
        let mut slice = [0usize, 1, 2, 3, 4, 5];
        let mut scratch = [0usize; 6];
        let mut count = vec![9usize; 6];
        let sorted = classes.iter().copied().zip(positions.iter().copied());
        assert!(regroup(
            sorted.clone(),
            &mut slice,
            &mut scratch,
            &mut count
        ));
        assert_eq!(slice, [5, 4, 3, 2, 1, 0]);
        assert_eq!(count, vec![0, 0, 3, 1, 0, 2]);
        let mut none = [7usize; 2];
        assert!(regroup(
            std::iter::empty::<(u32, usize)>(),
            &mut none,
            &mut scratch,
            &mut count,
        ));
        assert_eq!(none, [7, 7]);
        // no room for the copy: nothing changes
        let mut short = [0usize; 1];
        assert!(!regroup(sorted, &mut slice, &mut short, &mut count));
        assert_eq!(slice, [5, 4, 3, 2, 1, 0]);
    }

    /// The sorting network packs every list of up to four (type, stereo)
    /// holders as sorting them largest first and packing in order does.
    #[test]
    fn bond_fields_pack_as_a_sorted_list() {
        let values: [(u8, u8); 6] = [(1, 0), (2, 2), (2, 3), (12, 0), (3, 0), (21, 1)];
        let mut lists: Vec<Vec<Holder>> = vec![Vec::new()];
        for len in 1..=4 {
            let mut next = Vec::new();
            for list in lists.iter().filter(|l| l.len() == len - 1) {
                for (k, &(t, st)) in values.iter().enumerate() {
                    let mut l = list.clone();
                    l.push(Holder::new(t, st, k));
                    next.push(l);
                }
            }
            lists.extend(next);
        }
        for list in &lists {
            let mut sorted = list.clone();
            sort_desc(&mut sorted);
            let mut expected = 0u64;
            for (k, h) in sorted.iter().enumerate() {
                let field = (u64::from(h.bond_type()) << 2) | u64::from(h.stereo());
                expected |= field << (30 - 10 * k);
            }
            let mut fields = [0u64; 4];
            for (slot, h) in fields.iter_mut().zip(list) {
                *slot = bond_field(h).unwrap();
            }
            assert_eq!(pack_bond_fields(fields), expected, "{list:?}");
        }
        assert_eq!(bond_field(&Holder::new(2, 4, 0)), None);
    }

    /// A connected molecule is its own fragment, read through the
    /// molecule's neighbour lists, when they are in bond order; one whose
    /// lists were reordered is copied with them sorted and its tags
    /// re-expressed. Both give the same tags and ranks.
    #[test]
    fn reordered_neighbors_give_the_fragment_of_bond_order() {
        let build = |reorder: bool| {
            let mut b = MolBuilder::new();
            let atoms: Vec<AtomIdx> = [6, 6, 9, 7, 8]
                .iter()
                .map(|&z| b.add_atom(Atom::new(z)))
                .collect();
            let centre = atoms[1];
            let bonds: Vec<BondIdx> = [(0, 1), (1, 2), (1, 3), (3, 4)]
                .iter()
                .map(|&(x, y)| b.add_bond(atoms[x], atoms[y], BondOrder::Single).unwrap())
                .collect();
            b.atom_mut(centre).unwrap().chirality = Chirality::CounterClockwise;
            if reorder {
                // one swap: the tag is inverted to keep the same centre
                let order = vec![
                    (atoms[2], bonds[1]),
                    (atoms[0], bonds[0]),
                    (atoms[3], bonds[2]),
                ];
                b.reorder_neighbors(centre, order).unwrap();
            }
            b.sanitize().unwrap()
        };
        let (plain, reordered) = (build(false), build(true));
        assert!(plain.neighbors_in_bond_order());
        assert!(!reordered.neighbors_in_bond_order());
        // a copy keeps the reordered list, and knows it
        let copy = reordered.to_builder().subgraph(&[true; 5], &[true; 4]);
        assert!(!copy.sanitize().unwrap().neighbors_in_bond_order());
        assert!(reordered
            .neighbors(AtomIdx(1))
            .first()
            .is_some_and(|&(x, _)| x == AtomIdx(2)));
        let stereo = plain.legacy_stereo().unwrap();
        let (fp, fr) = (fragments(&plain), fragments(&reordered));
        assert_eq!(fp[0].tags, fr[0].tags);
        assert_eq!(fp[0].tags[1], TAG_CCW);
        assert_eq!(
            fp[0].nbrs(1).collect::<Vec<_>>(),
            fr[0].nbrs(1).collect::<Vec<_>>()
        );
        assert_eq!(
            rdkit_ranks(&plain, &fp[0], &stereo, true),
            rdkit_ranks(&reordered, &fr[0], &stereo, true)
        );
    }

    /// Two atoms joined only by a dative bond: ring perception leaves such
    /// bonds out, so its search sees two pieces and does not call the
    /// molecule connected; the molecule is still one fragment.
    #[test]
    fn dative_bond_joins_one_fragment() {
        let mut b = MolBuilder::new();
        let n = b.add_atom(Atom::new(7));
        let cu = b.add_atom(Atom::new(29));
        b.add_bond(n, cu, BondOrder::Dative).unwrap();
        let mol = b.sanitize().unwrap();
        assert!(!mol.rings().is_connected());
        assert_eq!(fragments(&mol).len(), 1);
        let mut b = MolBuilder::new();
        let c = b.add_atom(Atom::new(6));
        let o = b.add_atom(Atom::new(8));
        b.add_bond(c, o, BondOrder::Single).unwrap();
        b.add_atom(Atom::new(17));
        let mol = b.sanitize().unwrap();
        assert!(!mol.rings().is_connected());
        assert_eq!(fragments(&mol).len(), 2);
    }
}
