//! Stereo perception: which tetrahedral centres and double bonds are real
//! stereo elements, following RDKit's legacy stereo perception (the default
//! in RDKit 2026.09): a centre needs distinct neighbour ranks, except for
//! ring stereo (cis/trans across a ring) when a second candidate exists in
//! the same ring system; double bonds need distinct substituents on each end
//! and must not sit in a ring of fewer than eight atoms.

use crate::mol::Neighbors;
use crate::mol::{
    permutation_is_odd, Atom, AtomIdx, BondIdx, BondOrder, BondStereo, Chirality, MolBuilder,
};
use crate::ranks::{dense_ranks, refine_keyed_until, NeighbourKey, SidedWeight};
use crate::rings::RingInfo;

/// Smallest ring that may hold a stereo double bond (RDKit's rule).
pub const MIN_RING_SIZE_FOR_DOUBLE_BOND_STEREO: usize = 8;

/// Hybridisation, as RDKit assigns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Hybridization {
    Unspecified,
    S,
    Sp,
    Sp2,
    Sp3,
    Sp3d,
    Sp3d2,
}

/// Label of a tetrahedral centre relative to neighbour ranks: `Some(true)` when
/// the tag reads counter-clockwise with neighbours sorted by rank (implicit H
/// or lone pair first). `None` unless all neighbour ranks differ.
pub(crate) fn atom_label(
    neighbors: &[(AtomIdx, BondIdx)],
    chirality: Chirality,
    ranks: &[u32],
) -> Option<bool> {
    // fewer than three neighbours: a phosphine or arsine with hydrogens,
    // which RDKit (after InChI) takes as a centre; its label is the parity
    // of the neighbours alone
    if !chirality.is_tetrahedral() || neighbors.len() > 4 {
        return None;
    }
    let mut keys: Vec<i64> = neighbors
        .iter()
        .map(|(a, _)| ranks.get(a.index()).map_or(-2, |&r| i64::from(r)))
        .collect();
    if neighbors.len() == 3 {
        keys.push(-1);
    }
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|w| w.first() == w.get(1)) {
        return None;
    }
    let perm: Vec<usize> = sorted
        .iter()
        .filter_map(|k| keys.iter().position(|x| x == k))
        .collect();
    Some((chirality == Chirality::CounterClockwise) ^ permutation_is_odd(&perm))
}

/// The highest-ranked neighbour of `a` other than `exclude`, if unique among them.
fn top_neighbor(
    neighbors: &[(AtomIdx, BondIdx)],
    exclude: AtomIdx,
    ranks: &[u32],
) -> Option<AtomIdx> {
    let others: Vec<AtomIdx> = neighbors
        .iter()
        .map(|&(n, _)| n)
        .filter(|&n| n != exclude)
        .collect();
    match others.as_slice() {
        [one] => Some(*one),
        [x, y] => {
            let (rx, ry) = (ranks.get(x.index()), ranks.get(y.index()));
            if rx == ry {
                None
            } else if rx > ry {
                Some(*x)
            } else {
                Some(*y)
            }
        }
        _ => None,
    }
}

/// Label of a stereo double bond relative to ranks: `Some(true)` when the
/// highest-ranked substituents are cis. `None` when an end has tied substituents.
pub(crate) fn bond_label(
    adjacency: &[Neighbors],
    begin: AtomIdx,
    end: AtomIdx,
    stereo: BondStereo,
    ranks: &[u32],
) -> Option<bool> {
    let (ra, rb, cis) = match stereo {
        BondStereo::Cis(a, b) => (a, b, true),
        BondStereo::Trans(a, b) => (a, b, false),
        BondStereo::None => return None,
    };
    let nb = adjacency.get(begin.index())?;
    let ne = adjacency.get(end.index())?;
    let ta = top_neighbor(nb, end, ranks)?;
    let tb = top_neighbor(ne, begin, ranks)?;
    Some(cis ^ (ta != ra) ^ (tb != rb))
}

/// An atom's class before refinement in the stereo ranks: element, isotope,
/// map number and hydrogens, packed most significant first.
fn initial_key(a: &Atom) -> u64 {
    (u64::from(a.atomic_num) << 56)
        | (u64::from(a.isotope) << 40)
        | (u64::from(a.map_num) << 8)
        | u64::from(a.total_hs())
}

/// Whether RDKit's legacy CIP ranks count a bond of `order` to an atom of
/// element `z` with `degree` neighbours once, not twice the bond order, on
/// the partner's side: a double bond to a phosphorus with three or four
/// neighbours ("contributions by d orbitals to bonds of quadriligant atoms
/// are neglected", Cahn, Ingold and Prelog 1966). The `=O` of a phosphate
/// then differs from an O between two phosphorus atoms.
pub(crate) fn cip_counts_once_toward(order: BondOrder, z: u8, degree: usize) -> bool {
    order == BondOrder::Double && z == 15 && matches!(degree, 3 | 4)
}

/// The one-sided weights of [`cip_counts_once_toward`] for the stereo
/// clean-up's ranks.
fn phosphorus_double_bonds(mol: &MolBuilder) -> Vec<SidedWeight> {
    let mut sided = Vec::new();
    // only double bonds qualify: the ends' elements and degrees are looked
    // up for those alone
    let doubles = mol
        .bonds
        .iter()
        .enumerate()
        .filter(|(_, bond)| bond.order == BondOrder::Double);
    for (bi, bond) in doubles {
        for (partner, p) in [(bond.begin, bond.end), (bond.end, bond.begin)] {
            let z = mol.atom(p).map_or(0, |x| x.atomic_num);
            if cip_counts_once_toward(bond.order, z, mol.neighbors(p).len()) {
                sided.push(SidedWeight {
                    atom: partner.0,
                    bond: bi as u32,
                    weight: 1,
                });
            }
        }
    }
    sided
}

/// Ranks for stereo perception: element, isotope and map number, refined by
/// neighbours, bond orders and hydrogen counts (RDKit's legacy CIP ranks,
/// whose neighbour lists repeat each rank twice the bond order: the
/// refinement compares [`NeighbourKey::Flattened`] keys).
fn base_ranks(mol: &MolBuilder, weights: &[u32]) -> Vec<u32> {
    base_ranks_until(mol, weights, |_| false).0
}

/// [`base_ranks`] refined only until `done` holds for a round's ranks
/// (see [`refine_until`]); also whether it stopped early.
fn base_ranks_until(
    mol: &MolBuilder,
    weights: &[u32],
    done: impl FnMut(&[u32]) -> bool,
) -> (Vec<u32>, bool) {
    let keys: Vec<u64> = mol.atoms.iter().map(initial_key).collect();
    let (mut ranks, _) = dense_ranks(&keys);
    let sided = phosphorus_double_bonds(mol);
    let (_, stopped) = refine_keyed_until(
        &mol.adjacency,
        weights,
        NeighbourKey::Flattened,
        &sided,
        &mut ranks,
        done,
    );
    (ranks, stopped)
}

pub(crate) struct StereoInputs<'a> {
    pub rings: &'a RingInfo,
    pub hybridization: &'a [Hybridization],
    pub conjugated: &'a [bool],
}

fn has_conjugated_bond(mol: &MolBuilder, a: AtomIdx, conj: &[bool]) -> bool {
    mol.neighbors(a)
        .iter()
        .any(|&(_, b)| conj.get(b.index()).copied().unwrap_or(false))
}

/// RDKit's `queryIsAtomBridgehead`: at least three ring bonds, and every
/// ring through the atom shares two or more bonds with another ring through it.
fn is_bridgehead(mol: &MolBuilder, rings: &RingInfo, a: AtomIdx) -> bool {
    let nbrs = mol.neighbors(a);
    if nbrs.len() < 3 {
        return false;
    }
    let own: Vec<BondIdx> = nbrs
        .iter()
        .map(|&(_, b)| b)
        .filter(|&b| rings.is_ring_bond(b))
        .collect();
    if own.len() < 3 {
        return false;
    }
    let bond_rings = rings.bond_rings();
    let mut overlaps = vec![false; bond_rings.len()];
    for (i, ri) in bond_rings.iter().enumerate() {
        if !ri.iter().any(|b| own.contains(b)) {
            continue;
        }
        for (j, rj) in bond_rings.iter().enumerate().skip(i + 1) {
            let shared = rj.iter().filter(|b| ri.contains(b)).count();
            if shared >= 2 && rj.iter().any(|b| own.contains(b)) {
                if let Some(o) = overlaps.get_mut(i) {
                    *o = true;
                }
                if let Some(o) = overlaps.get_mut(j) {
                    *o = true;
                }
            }
        }
        if !overlaps.get(i).copied().unwrap_or(false) {
            return false;
        }
    }
    true
}

fn nonzero_degree(mol: &MolBuilder, a: AtomIdx) -> usize {
    mol.neighbors(a)
        .iter()
        .filter(|&&(_, b)| {
            mol.bond(b)
                .is_some_and(|bd| bd.order.valence_x2(bd.end == a) > 0)
        })
        .count()
}

/// RDKit's `isAtomPotentialChiralCenter` minus the rank test.
fn is_legal_center(mol: &MolBuilder, a: AtomIdx, inp: &StereoInputs) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let nz = nonzero_degree(mol, a);
    let th = usize::from(atom.total_hs());
    let tnz = nz + th;
    let z = atom.atomic_num;
    if !(3..=4).contains(&tnz) {
        return false;
    }
    if nz < 3 && z != 15 && z != 33 {
        return false;
    }
    if nz == 3 {
        if th == 1 {
            let protium = mol.neighbors(a).iter().any(|&(n, _)| {
                mol.atom(n)
                    .is_some_and(|x| x.atomic_num == 1 && x.isotope == 0)
            });
            return !protium;
        }
        return match z {
            7 => {
                inp.hybridization.get(a.index()) == Some(&Hybridization::Sp3)
                    && !has_conjugated_bond(mol, a, inp.conjugated)
                    && (inp.rings.is_atom_in_ring_of_size(a, 3) || is_bridgehead(mol, inp.rings, a))
            }
            15 | 33 => true,
            16 | 34 => {
                let ev = crate::valence::explicit_valence(mol, a, false).unwrap_or(0);
                ev == 4 || (ev == 3 && atom.formal_charge == 1)
            }
            _ => false,
        };
    }
    true
}

fn ring_stereo_candidate(mol: &MolBuilder, a: AtomIdx, rings: &RingInfo, ranks: &[u32]) -> bool {
    if !rings.is_ring_atom(a) {
        return false;
    }
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let total_degree = mol.neighbors(a).len() + usize::from(atom.total_hs());
    if atom.atomic_num == 7
        && total_degree == 3
        && !rings.is_atom_in_ring_of_size(a, 3)
        && !is_bridgehead(mol, rings, a)
    {
        return false;
    }
    let mut non_ring: Vec<AtomIdx> = Vec::new();
    let mut ring_nbrs = 0usize;
    let mut ring_ranks: Vec<u32> = Vec::new();
    for &(n, b) in mol.neighbors(a) {
        if rings.is_ring_bond(b) {
            ring_nbrs += 1;
            let r = ranks.get(n.index()).copied().unwrap_or(0);
            if !ring_ranks.contains(&r) {
                ring_ranks.push(r);
            }
        } else {
            non_ring.push(n);
        }
    }
    match non_ring.as_slice() {
        [x, y] => ranks.get(x.index()) != ranks.get(y.index()) && ring_nbrs != ring_ranks.len(),
        [_] => ring_nbrs > ring_ranks.len(),
        [] => {
            (ring_nbrs == 4 && ring_ranks.len() == 3) || (ring_nbrs == 3 && ring_ranks.len() == 2)
        }
        _ => false,
    }
}

fn double_bond_ends_ok(mol: &MolBuilder, b: BondIdx, ranks: &[u32]) -> bool {
    let Some(bond) = mol.bond(b) else {
        return false;
    };
    for (x, y) in [(bond.begin, bond.end), (bond.end, bond.begin)] {
        let nbrs = mol.neighbors(x);
        if nbrs.len() < 2 || nbrs.len() > 3 {
            return false;
        }
        if top_neighbor(nbrs, y, ranks).is_none() {
            return false;
        }
    }
    true
}

/// Legacy CIP-style ranks refined with the stereo codes they allow, and the
/// codes of tagged atoms and stereo bonds (RDKit's legacy `assignStereochemistry` loop).
struct LegacyCodes {
    ranks: Vec<u32>,
    atom_code: Vec<Option<bool>>,
    bond_code: Vec<Option<bool>>,
    legal: Vec<bool>,
}

fn legacy_codes(mol: &MolBuilder, inp: &StereoInputs, all_atoms: bool) -> LegacyCodes {
    let weights = legacy_weights(mol);
    let ranks = base_ranks(mol, &weights);
    legacy_codes_from(mol, inp, all_atoms, &weights, ranks)
}

/// How much a bond of `order` weighs in the legacy ranks: twice its order
/// (an aromatic bond 3, a dative bond as a single one).
pub(crate) fn legacy_bond_weight(order: BondOrder) -> u32 {
    order.valence_x2(true).unsigned_abs()
}

/// The bond weights of the legacy ranks: twice the bond order.
fn legacy_weights(mol: &MolBuilder) -> Vec<u32> {
    mol.bonds
        .iter()
        .map(|b| legacy_bond_weight(b.order))
        .collect()
}

/// [`legacy_codes`] from the refined base ranks (see [`base_ranks`]).
fn legacy_codes_from(
    mol: &MolBuilder,
    inp: &StereoInputs,
    all_atoms: bool,
    weights: &[u32],
    mut ranks: Vec<u32>,
) -> LegacyCodes {
    let n = mol.num_atoms();
    let legal: Vec<bool> = (0..n as u32)
        .map(|i| {
            let a = AtomIdx(i);
            mol.atom(a)
                .is_some_and(|x| all_atoms || x.chirality.is_tetrahedral())
                && is_legal_center(mol, a, inp)
        })
        .collect();
    let mut atom_code: Vec<Option<bool>> = vec![None; n];
    let mut bond_code: Vec<Option<bool>> = vec![None; mol.num_bonds()];
    // for re-ranking with the codes, once for all rounds
    let sided = phosphorus_double_bonds(mol);
    loop {
        let mut changed = false;
        for i in 0..n {
            if atom_code.get(i).copied().flatten().is_some()
                || !legal.get(i).copied().unwrap_or(false)
            {
                continue;
            }
            let Some(atom) = mol.atoms.get(i) else {
                continue;
            };
            if !atom.chirality.is_tetrahedral() {
                continue;
            }
            let nbrs = mol.neighbors(AtomIdx(i as u32));
            // neighbour ranks must be distinct (ignoring the implicit H)
            let mut rs: Vec<u32> = nbrs
                .iter()
                .filter_map(|(a, _)| ranks.get(a.index()).copied())
                .collect();
            rs.sort_unstable();
            if rs.windows(2).any(|w| w.first() == w.get(1)) {
                continue;
            }
            if let Some(l) = atom_label(nbrs, atom.chirality, &ranks) {
                if let Some(c) = atom_code.get_mut(i) {
                    *c = Some(l);
                }
                changed = true;
            }
        }
        for bi in 0..mol.num_bonds() {
            if bond_code.get(bi).copied().flatten().is_some() {
                continue;
            }
            let Some(bond) = mol.bonds.get(bi).copied() else {
                continue;
            };
            if bond.stereo == BondStereo::None
                || !double_bond_ends_ok(mol, BondIdx(bi as u32), &ranks)
            {
                continue;
            }
            if let Some(l) = bond_label(&mol.adjacency, bond.begin, bond.end, bond.stereo, &ranks) {
                if let Some(c) = bond_code.get_mut(bi) {
                    *c = Some(l);
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // Re-ranking with the codes cannot change the ranks when no bond has
        // a code (the bond weights stay) and every labelled atom is alone in
        // its class: (rank, code) then orders and groups atoms as the rank
        // does, and the ranks are already stable under refinement. That is
        // the common case of one or a few distinct stereocentres.
        if bond_code.iter().all(Option::is_none) && codes_are_on_singletons(&atom_code, &ranks) {
            break;
        }
        // rerank with the new codes
        let keys: Vec<(u32, u8)> = (0..n)
            .map(|i| {
                let code = match atom_code.get(i).copied().flatten() {
                    None => 0,
                    Some(false) => 1,
                    Some(true) => 2,
                };
                (ranks.get(i).copied().unwrap_or(0), code)
            })
            .collect();
        let (mut new_ranks, _) = dense_ranks(&keys);
        let mut w = weights.to_vec();
        for (bi, code) in bond_code.iter().enumerate() {
            if let (Some(c), Some(x)) = (code, w.get_mut(bi)) {
                *x += if *c { 100 } else { 200 };
            }
        }
        refine_keyed_until(
            &mol.adjacency,
            &w,
            NeighbourKey::Flattened,
            &sided,
            &mut new_ranks,
            |_| false,
        );
        if new_ranks == ranks {
            break;
        }
        ranks = new_ranks;
    }
    LegacyCodes {
        ranks,
        atom_code,
        bond_code,
        legal,
    }
}

/// Whether every atom with a code has a rank no other atom shares.
fn codes_are_on_singletons(atom_code: &[Option<bool>], ranks: &[u32]) -> bool {
    let mut count = vec![0u32; ranks.len()];
    for &r in ranks {
        if let Some(c) = count.get_mut(r as usize) {
            *c += 1;
        }
    }
    atom_code
        .iter()
        .zip(ranks)
        .all(|(code, &r)| code.is_none() || count.get(r as usize) == Some(&1))
}

/// Atoms RDKit's legacy perception flags as possible stereocentres
/// (`_ChiralityPossible`, what `FindMolChiralCenters(includeUnassigned=True)`
/// counts): legal centres whose neighbours all rank differently, and tagged
/// centres that received a label.
pub(crate) fn possible_centers(mol: &MolBuilder, inp: &StereoInputs) -> Vec<bool> {
    let codes = legacy_codes(mol, inp, true);
    (0..mol.num_atoms())
        .map(|i| {
            if codes.atom_code.get(i).copied().flatten().is_some() {
                return true;
            }
            if !codes.legal.get(i).copied().unwrap_or(false) {
                return false;
            }
            let mut rs: Vec<u32> = mol
                .neighbors(AtomIdx(i as u32))
                .iter()
                .filter_map(|(a, _)| codes.ranks.get(a.index()).copied())
                .collect();
            rs.sort_unstable();
            !rs.windows(2).any(|w| w.first() == w.get(1))
        })
        .collect()
}

/// Ring stereo (RDKit's `_ringStereoAtoms`): tagged ring atoms without a
/// label of their own that are candidates for cis/trans across a ring, kept
/// when another candidate lies in the same ring system. Each kept atom gets
/// the index of the first candidate of its ring system as its group.
fn ring_stereo_groups(
    mol: &MolBuilder,
    inp: &StereoInputs,
    ranks: &[u32],
    atom_code: &[Option<bool>],
) -> Vec<Option<u32>> {
    let n = mol.num_atoms();
    let mut groups: Vec<Option<u32>> = vec![None; n];
    let mut seen = vec![false; n];
    let is_cand = |i: usize| -> bool {
        mol.atoms
            .get(i)
            .is_some_and(|a| a.chirality.is_tetrahedral())
            && atom_code.get(i).copied().flatten().is_none()
            && ring_stereo_candidate(mol, AtomIdx(i as u32), inp.rings, ranks)
    };
    for start in 0..n {
        if seen.get(start).copied().unwrap_or(true) || !is_cand(start) {
            continue;
        }
        let mut used = vec![false; n];
        let mut bond_seen = vec![false; mol.num_bonds()];
        let mut queue: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        for &(nb, b) in mol.neighbors(AtomIdx(start as u32)) {
            if let Some(s) = bond_seen.get_mut(b.index()) {
                *s = true;
            }
            if inp.rings.is_ring_bond(b) && !seen.get(nb.index()).copied().unwrap_or(true) {
                queue.push_back(nb.index());
                if let Some(u) = used.get_mut(nb.index()) {
                    *u = true;
                }
            }
        }
        let mut found = false;
        while let Some(r) = queue.pop_front() {
            if let Some(s) = seen.get_mut(r) {
                *s = true;
            }
            if r != start && is_cand(r) {
                found = true;
                if let Some(g) = groups.get_mut(r) {
                    *g = Some(start as u32);
                }
            }
            for &(nb, b) in mol.neighbors(AtomIdx(r as u32)) {
                if bond_seen.get(b.index()).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(s) = bond_seen.get_mut(b.index()) {
                    *s = true;
                }
                let j = nb.index();
                if inp.rings.is_ring_bond(b)
                    && !seen.get(j).copied().unwrap_or(true)
                    && !used.get(j).copied().unwrap_or(true)
                {
                    queue.push_back(j);
                    if let Some(u) = used.get_mut(j) {
                        *u = true;
                    }
                }
            }
        }
        if found {
            if let Some(g) = groups.get_mut(start) {
                *g = Some(start as u32);
            }
        }
        if let Some(s) = seen.get_mut(start) {
            *s = true;
        }
    }
    groups
}

/// What RDKit's legacy stereo perception records beside the tags, needed to
/// reproduce its canonical SMILES: the CIP-style E/Z label of each stereo
/// double bond and the ring-stereo group of each ring-stereo atom.
#[derive(Debug, Clone, Default)]
pub struct LegacyStereo {
    /// Per bond: `Some(true)` for Z, `Some(false)` for E, `None` without
    /// stereo; empty (read as `None` for every bond) when no bond has any.
    pub bond_z: Vec<Option<bool>>,
    /// Per atom: the ring-stereo group (an atom index shared by the group);
    /// empty (read as `None` for every atom) when there is none.
    pub ring_stereo_group: Vec<Option<u32>>,
}

/// The ring-stereo groups RDKit's legacy perception forms (its
/// `_ringStereoAtoms`), from the legacy ranks and labels.
///
/// Only tagged ring atoms left without a code can form a group, and a legal
/// centre whose three or four neighbours rank apart gets its code in the
/// first round of the labelling. With `shortcut`, when every tagged ring
/// atom is such a centre at the start or after some refinement round
/// (refinement only splits classes, so the final ranks tell the
/// neighbours apart too), there are no groups and the labelling is not run
/// (tests turn it off to compare).
pub(crate) fn legacy_ring_stereo_groups(
    mol: &MolBuilder,
    inp: &StereoInputs,
    shortcut: bool,
) -> Vec<Option<u32>> {
    let codes = if shortcut {
        let Some(codes) =
            codes_unless_told_apart(mol, inp, |key| ring_centres_distinct(mol, inp, key))
        else {
            return vec![None; mol.num_atoms()];
        };
        codes
    } else {
        legacy_codes(mol, inp, false)
    };
    ring_stereo_groups(mol, inp, &codes.ranks, &codes.atom_code)
}

/// The legacy codes, unless `told_apart` already holds for the initial keys
/// or for the classes of some refinement round (refinement only splits
/// classes, so what differs there differs in the final ranks too): then
/// `None`, and the labelling is not run. Otherwise the refinement ran to
/// the end, and its ranks are the base ranks the labelling starts from.
fn codes_unless_told_apart(
    mol: &MolBuilder,
    inp: &StereoInputs,
    told_apart: impl Fn(AtomKeys) -> bool,
) -> Option<LegacyCodes> {
    // Most ties between initial keys are broken by the first refinement
    // round: its classes, compared atom by atom where the marks need them,
    // spare the ranking of the whole molecule.
    if told_apart(AtomKeys::FirstRound(mol)) {
        return None;
    }
    let weights = legacy_weights(mol);
    let (ranks, settled) = base_ranks_until(mol, &weights, |r| told_apart(AtomKeys::Ranks(r)));
    if settled {
        return None;
    }
    Some(legacy_codes_from(mol, inp, false, &weights, ranks))
}

/// What tells atoms apart in [`codes_unless_told_apart`]: the classes of
/// the first refinement round (computed for the atoms compared only, and
/// only where their [`initial_key`]s tie), or the classes of a refinement
/// round.
#[derive(Clone, Copy)]
enum AtomKeys<'a> {
    FirstRound(&'a MolBuilder),
    Ranks(&'a [u32]),
}

/// An atom's class after the first round of [`base_ranks`]: its
/// [`initial_key`] and its neighbours' keys, each with the weight of the
/// bonds to that class summed ([`NeighbourKey::Flattened`], with the
/// one-sided phosphorus weights of [`phosphorus_double_bonds`]). Two atoms
/// share a class of that round exactly when these are equal: the round
/// splits the initial classes (whose dense ranks order the keys as the
/// keys do) by the flattened lists of neighbour classes and weights.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct FirstRoundKey {
    own: u64,
    neighbours: smallvec::SmallVec<[(u64, u32); 4]>,
}

fn first_round_key(mol: &MolBuilder, a: AtomIdx) -> Option<FirstRoundKey> {
    let own = initial_key(mol.atom(a)?);
    let mut neighbours: smallvec::SmallVec<[(u64, u32); 4]> = smallvec::SmallVec::new();
    for &(n, b) in mol.neighbors(a) {
        let (other, bond) = (mol.atom(n)?, mol.bond(b)?);
        // as `legacy_weights`, or 1 on this side of a double bond to a
        // three- or four-coordinate phosphorus (`phosphorus_double_bonds`)
        let weight = if cip_counts_once_toward(bond.order, other.atomic_num, mol.neighbors(n).len())
        {
            1
        } else {
            legacy_bond_weight(bond.order)
        };
        neighbours.push((initial_key(other), weight));
    }
    neighbours.sort_unstable();
    // one entry per neighbour class, its weights summed
    let mut merged: smallvec::SmallVec<[(u64, u32); 4]> = smallvec::SmallVec::new();
    for (class, weight) in neighbours {
        match merged.last_mut() {
            Some(last) if last.0 == class => last.1 = last.1.saturating_add(weight),
            _ => merged.push((class, weight)),
        }
    }
    Some(FirstRoundKey {
        own,
        neighbours: merged,
    })
}

/// Whether every tagged ring atom is a legal centre with three or four
/// neighbours that `key` tells apart (see [`legacy_ring_stereo_groups`]).
fn ring_centres_distinct(mol: &MolBuilder, inp: &StereoInputs, key: AtomKeys) -> bool {
    mol.atoms.iter().enumerate().all(|(i, atom)| {
        let a = AtomIdx(i as u32);
        !atom.chirality.is_tetrahedral()
            || !inp.rings.is_ring_atom(a)
            || centre_told_apart(mol, inp, a, key)
    })
}

/// Whether `a` is a legal centre with three or four neighbours that `key`
/// tells apart: one the legacy labelling codes in its first round.
#[inline]
fn centre_told_apart(mol: &MolBuilder, inp: &StereoInputs, a: AtomIdx, key: AtomKeys) -> bool {
    let nbrs = mol.neighbors(a);
    (3..=4).contains(&nbrs.len()) && is_legal_center(mol, a, inp) && {
        let others: smallvec::SmallVec<[AtomIdx; 4]> = nbrs.iter().map(|&(n, _)| n).collect();
        all_differ(&others, key)
    }
}

/// Whether `key` gives every atom of `atoms` (a few neighbours) a
/// different value, compared pair by pair: no sorting, which moved the
/// first-round keys around.
#[inline]
fn all_differ(atoms: &[AtomIdx], key: AtomKeys) -> bool {
    match key {
        // a round only splits classes: atoms of different initial keys
        // differ after it too, and only pairs whose initial keys tie need
        // their (dearer) first-round keys
        AtomKeys::FirstRound(mol) => {
            let initial = |a: AtomIdx| mol.atom(a).map(initial_key);
            no_pair_ties(atoms, |x, y| {
                initial(x) == initial(y) && first_round_key(mol, x) == first_round_key(mol, y)
            })
        }
        AtomKeys::Ranks(ranks) => {
            no_pair_ties(atoms, |x, y| ranks.get(x.index()) == ranks.get(y.index()))
        }
    }
}

/// Whether no two of `atoms` tie by `tie`.
#[inline]
fn no_pair_ties(atoms: &[AtomIdx], tie: impl Fn(AtomIdx, AtomIdx) -> bool) -> bool {
    atoms
        .iter()
        .enumerate()
        .all(|(i, &x)| atoms.iter().skip(i + 1).all(|&y| !tie(x, y)))
}

/// Whether every stereo mark is labelled in the first round of RDKit's
/// legacy loop, with atoms told apart by `key` (the classes after the first
/// refinement round or a later one; see [`codes_unless_told_apart`]): each
/// tagged atom is a legal centre with three or four neighbours `key` tells
/// apart, and each stereo double bond has, at both ends, one other
/// neighbour or two told apart. Every mark then gets a code and
/// [`clean_stereo`] keeps them all.
fn all_stereo_distinct(mol: &MolBuilder, inp: &StereoInputs, key: AtomKeys) -> bool {
    let atoms_ok = mol.atoms.iter().enumerate().all(|(i, atom)| {
        !atom.chirality.is_tetrahedral() || centre_told_apart(mol, inp, AtomIdx(i as u32), key)
    });
    atoms_ok
        && mol.bonds.iter().all(|bond| {
            bond.stereo == BondStereo::None
                || [(bond.begin, bond.end), (bond.end, bond.begin)]
                    .iter()
                    .all(|&(x, y)| {
                        let others: smallvec::SmallVec<[AtomIdx; 4]> = mol
                            .neighbors(x)
                            .iter()
                            .map(|&(n, _)| n)
                            .filter(|&n| n != y)
                            .collect();
                        (1..=2).contains(&others.len()) && all_differ(&others, key)
                    })
        })
}

/// Removes stereo marks that do not describe real stereo elements.
/// `shortcut` allows [`all_stereo_distinct`] to settle it without
/// ranking, or after any refinement round (see [`codes_unless_told_apart`];
/// tests turn it off to compare).
pub(crate) fn clean_stereo(mol: &mut MolBuilder, inp: &StereoInputs, shortcut: bool) {
    let n = mol.num_atoms();
    // Double bonds: only non-ring-small double bonds keep stereo (nothing
    // to do, and no pass over the bonds, when none has any).
    let any_marked = mol.bonds.iter().any(|b| b.stereo != BondStereo::None);
    let marked_bonds = if any_marked { mol.num_bonds() } else { 0 };
    for bi in 0..marked_bonds {
        let b = BondIdx(bi as u32);
        let small_ring = {
            let s = inp.rings.min_bond_ring_size(b);
            s > 0 && s < MIN_RING_SIZE_FOR_DOUBLE_BOND_STEREO
        };
        if let Some(bond) = mol.bond_mut(b) {
            if bond.order != BondOrder::Double || small_ring {
                bond.stereo = BondStereo::None;
            }
        }
    }
    let has_atoms = mol.atoms.iter().any(|a| a.chirality.is_tetrahedral());
    let has_bonds = any_marked && mol.bonds.iter().any(|b| b.stereo != BondStereo::None);
    if !has_atoms && !has_bonds {
        return;
    }
    let codes = if shortcut {
        // every mark's neighbours told apart at the start or in some
        // refinement round: the marks are all kept
        let Some(codes) =
            codes_unless_told_apart(mol, inp, |key| all_stereo_distinct(mol, inp, key))
        else {
            return;
        };
        codes
    } else {
        legacy_codes(mol, inp, false)
    };
    let LegacyCodes {
        ranks,
        atom_code,
        bond_code,
        ..
    } = codes;
    let groups = ring_stereo_groups(mol, inp, &ranks, &atom_code);
    for i in 0..n {
        let keep = atom_code.get(i).copied().flatten().is_some()
            || groups.get(i).copied().flatten().is_some();
        let Some(atom) = mol.atoms.get(i).copied() else {
            continue;
        };
        if atom.chirality.is_tetrahedral() && !keep {
            if let Some(am) = mol.atoms.get_mut(i) {
                am.chirality = Chirality::None;
                // RDKit drops an H that was written only to carry the stereo tag.
                if am.explicit_hs == 1 && am.formal_charge == 0 && !am.aromatic {
                    am.explicit_hs = 0;
                    am.no_implicit = false;
                }
            }
            let idx = AtomIdx(i as u32);
            if mol.atom(idx).is_some_and(|a| !a.no_implicit) {
                let h = crate::valence::implicit_hs(mol, idx, false).unwrap_or(0);
                if let Some(am) = mol.atoms.get_mut(i) {
                    am.implicit_hs = u8::try_from(h.max(0)).unwrap_or(0);
                }
            }
        }
    }
    for (bi, code) in bond_code.iter().enumerate() {
        if code.is_none() {
            if let Some(b) = mol.bonds.get_mut(bi) {
                b.stereo = BondStereo::None;
            }
        }
    }
}
