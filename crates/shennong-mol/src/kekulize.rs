//! Kekulisation: assign alternating single/double bonds to aromatic systems.
//!
//! Which aromatic atoms must receive a double bond follows RDKit's
//! `markDbondCands` (default valence adjusted for charge, hydrogens and
//! radicals). Which Kekulé structure is chosen follows RDKit's
//! `kekulizeWorker` (Kekulize.cpp, 2026.09): per fused ring system, a
//! breadth-first walk from the lowest-ranked aromatic atom that gives each
//! atom needing a double bond its lowest-ranked free neighbour, backtracking
//! at most 100 times. Ranks are atom indices during sanitisation (RDKit's
//! `canonical=false`) and canonical ranks for the Kekulé forms that are
//! written or matched against (`canonical=true`), so SMILES, molfiles and
//! tautomer rules see RDKit's double bonds. Where that walk gives up, a
//! perfect matching over the aromatic bonds (backtracking, most-constrained
//! atom first) still finds a structure when one exists.

use std::collections::VecDeque;

use crate::aromaticity::in_mask;
use crate::element::{default_valence, is_early_atom, valences};
use crate::error::{MolError, Result};
use crate::mol::{AtomIdx, BondIdx, BondOrder, MolBuilder};
use crate::rings::{find_root, RingInfo};
use crate::valence::{explicit_valence, is_aromatic_atom};

/// RDKit's default back-tracking budget for one fused ring system.
const MAX_BACKTRACKS: usize = 100;

/// Step budget for the matching search; far above anything a real aromatic
/// system needs, it bounds time on adversarial input.
const MAX_STEPS: usize = 2_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Must get exactly one double bond.
    Required,
    /// May get one (a dummy atom of a ring system, by RDKit's rule).
    Optional,
    /// Must not get one.
    No,
}

/// Kekulises `mol` in place: aromatic bonds become single or double, and all
/// aromatic flags are cleared. Hydrogen counts must already be perceived;
/// `rings` are the molecule's rings (the fused systems are walked one at a
/// time) and `ranks` order the walk (atom index order when `None`).
pub(crate) fn kekulize(
    mol: &mut MolBuilder,
    rings: &RingInfo,
    ranks: Option<&[u32]>,
) -> Result<()> {
    kekulize_except(mol, rings, ranks, None).map(|_| ())
}

/// What [`kekulize_except`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KekuleOutcome {
    /// No aromatic atom or bond outside the kept rings: the molecule is
    /// untouched.
    Untouched,
    /// The rest kekulised, the kept rings left aromatic as written.
    KeptRings,
    /// The fallback matching kekulised every aromatic atom, kept rings too.
    All,
}

impl KekuleOutcome {
    /// Whether the kept rings are still aromatic as written.
    pub(crate) fn kept_rings(self) -> bool {
        self != KekuleOutcome::All
    }
}

/// [`kekulize`] leaving the rings of `keep` (atoms of rings from
/// [`crate::aromaticity::plain_aromatic_ring_atoms`], each its own fused
/// system) aromatic as written. When the walk fails elsewhere, the fallback
/// matching runs over every aromatic atom, as in [`kekulize`], and the kept
/// rings are kekulised too ([`KekuleOutcome::All`]).
pub(crate) fn kekulize_except(
    mol: &mut MolBuilder,
    rings: &RingInfo,
    ranks: Option<&[u32]>,
    keep: Option<&[bool]>,
) -> Result<KekuleOutcome> {
    let kept = |a: usize| in_mask(keep, a);
    let n = mol.num_atoms();
    // nothing to do when no aromatic atom or bond is left outside the kept
    // rings (the usual case once plain rings are kept), found before
    // anything is collected; folded with `|` and `&`, not searched with
    // short cuts: each atom's and bond's flags follow the molecule, and a
    // branch on each would be mispredicted, where the whole pass is a few
    // loads
    let any_arom_atom = mol
        .atoms
        .iter()
        .enumerate()
        .fold(false, |any, (i, x)| any | (x.aromatic & !kept(i)));
    let any_arom_bond = || {
        mol.bonds.iter().fold(false, |any, bd| {
            any | (bd.is_aromatic_like() & !(kept(bd.begin.index()) & kept(bd.end.index())))
        })
    };
    if !any_arom_atom && !any_arom_bond() {
        return Ok(KekuleOutcome::Untouched);
    }
    // sized up front: a filtered collect grows one doubling at a time
    let mut arom_bonds: Vec<BondIdx> = Vec::with_capacity(mol.num_bonds());
    arom_bonds.extend(
        (0..mol.num_bonds() as u32)
            .map(BondIdx)
            .filter(|&b| mol.bond(b).is_some_and(crate::mol::Bond::is_aromatic_like)),
    );
    let mut need = vec![Need::No; n];
    // a dummy may take a double bond whether or not it is aromatic, by a
    // rule on the SSSR rings (computed once, only when there is one)
    let mut dummy_rules: Option<DummyRings> = None;
    for a in (0..n as u32).map(AtomIdx) {
        // only atoms of ring systems are kekulised (an atom outside every
        // ring with an aromatic bond takes no double bond, as in RDKit)
        if kept(a.index()) || !rings.is_ring_atom(a) {
            continue;
        }
        let slot_need = if is_dummy(mol, a) {
            dummy_rules
                .get_or_insert_with(|| DummyRings::new(mol, rings))
                .need(mol, rings, a)
        } else if is_aromatic_atom(mol, a) {
            double_bond_need(mol, a)?
        } else {
            continue;
        };
        if let Some(slot) = need.get_mut(a.index()) {
            *slot = slot_need;
        }
    }
    let mut mate: Vec<Option<(usize, BondIdx)>> = vec![None; n];
    let walked = rdkit_walk(mol, rings, &need, ranks, keep, &mut mate);
    let mut steps = 0usize;
    let solved = walked || {
        if keep.is_some() {
            for a in (0..n as u32).map(AtomIdx) {
                if kept(a.index()) && is_aromatic_atom(mol, a) {
                    if let Some(slot) = need.get_mut(a.index()) {
                        *slot = double_bond_need(mol, a)?;
                    }
                }
            }
        }
        mate.iter_mut().for_each(|m| *m = None);
        // bonds the walk may make double: aromatic ones, and single bonds
        // to a dummy that may take a double bond
        let dummy_bonds = (0..mol.num_bonds() as u32).map(BondIdx).filter(|&b| {
            mol.bond(b).is_some_and(|bd| {
                bd.order == BondOrder::Single
                    && !bd.is_aromatic_like()
                    && (is_dummy(mol, bd.begin) || is_dummy(mol, bd.end))
            })
        });
        // only ring bonds, as RDKit kekulises each fused system on its own
        // bonds: an aromatic bond joining two systems (or leaving one) never
        // takes the double bond (`C=CCn1c(c2c(nc3n2C)=NN3C)n(C)c1=O`, whose
        // four-membered ring has no Kekulé form of its own, is refused)
        let candidates: Vec<BondIdx> = arom_bonds
            .iter()
            .copied()
            .chain(dummy_bonds)
            .filter(|&b| rings.is_ring_bond(b))
            .collect();
        let edges = matching_edges(mol, &candidates, &need);
        search(&need, &edges, &mut mate, &mut steps)
    };
    // the kept rings stay aromatic only when the walk solved the rest
    let kept = |a: usize| walked && kept(a);
    if !solved {
        // Report the required atoms that the best greedy attempt leaves unmatched.
        let mut atoms: Vec<usize> = (0..n)
            .filter(|&i| {
                need.get(i) == Some(&Need::Required) && mate.get(i).copied().flatten().is_none()
            })
            .collect();
        if atoms.is_empty() {
            atoms = (0..n)
                .filter(|&i| need.get(i) == Some(&Need::Required))
                .collect();
        }
        return Err(MolError::Kekulize { atoms });
    }
    // RDKit makes single every aromatic bond of an atom in a ring system it
    // kekulises (ring bonds and ones leaving the system); an aromatic bond
    // between atoms outside every ring keeps its type, unflagged (`C:C`)
    let in_ring_system = |a: AtomIdx| rings.is_ring_atom(a) || kept(a.index());
    for &b in &arom_bonds {
        if let Some(bond) = mol.bond_mut(b) {
            if kept(bond.begin.index()) && kept(bond.end.index()) {
                continue;
            }
            if !in_ring_system(bond.begin) && !in_ring_system(bond.end) {
                bond.aromatic = false;
                continue;
            }
            if takes_kekule_order(bond) {
                bond.order = BondOrder::Single;
            }
            bond.aromatic = false;
        }
    }
    for m in mate.iter().flatten() {
        if let Some(bond) = mol.bond_mut(m.1) {
            bond.order = BondOrder::Double;
        }
    }
    for a in (0..n as u32).map(AtomIdx) {
        if kept(a.index()) {
            continue;
        }
        let Some(atom) = mol.atom_mut(a) else {
            continue;
        };
        let was_aromatic = std::mem::replace(&mut atom.aromatic, false);
        // An explicit H on a pyrrole-type N or P does not survive kekulisation:
        // it becomes implicit and is recounted (RDKit's Github issue 141).
        if was_aromatic && has_pyrrole_type_h(atom) {
            atom.explicit_hs = 0;
            atom.no_implicit = false;
            let h = crate::valence::implicit_hs(mol, a, false).unwrap_or(0);
            if let Some(atom) = mol.atom_mut(a) {
                atom.implicit_hs = u8::try_from(h.max(0)).unwrap_or(0);
            }
        }
    }
    Ok(if walked || keep.is_none() {
        KekuleOutcome::KeptRings
    } else {
        KekuleOutcome::All
    })
}

/// The aromatic bonds between atoms that may take a double bond, as
/// adjacency lists: the graph of the fallback matching (built only when the
/// walk fails, which real molecules almost never make it do).
fn matching_edges(
    mol: &MolBuilder,
    arom_bonds: &[BondIdx],
    need: &[Need],
) -> Vec<Vec<(usize, BondIdx)>> {
    let mut edges: Vec<Vec<(usize, BondIdx)>> = vec![Vec::new(); need.len()];
    for &b in arom_bonds {
        let Some(bond) = mol.bond(b) else { continue };
        let (x, y) = (bond.begin.index(), bond.end.index());
        let nx = need.get(x).copied().unwrap_or(Need::No);
        let ny = need.get(y).copied().unwrap_or(Need::No);
        if nx != Need::No && ny != Need::No {
            if let Some(l) = edges.get_mut(x) {
                l.push((y, b));
            }
            if let Some(l) = edges.get_mut(y) {
                l.push((x, b));
            }
        }
    }
    edges
}

/// RDKit's Kekulé walk over every fused ring system holding an aromatic or
/// dummy atom; fills `mate` and returns whether every atom that needs a
/// double bond got one.
fn rdkit_walk(
    mol: &MolBuilder,
    rings: &RingInfo,
    need: &[Need],
    ranks: Option<&[u32]>,
    keep: Option<&[bool]>,
    mate: &mut [Option<(usize, BondIdx)>],
) -> bool {
    let n = mol.num_atoms();
    // rings with at least one real atom, fused when they share a bond; the
    // rings kept aromatic are systems of their own and are left out
    let walked_rings: Vec<usize> = (0..rings.atom_rings().len())
        .filter(|&ri| {
            rings.atom_rings().get(ri).is_some_and(|r| {
                r.iter()
                    .any(|&a| mol.atom(a).is_some_and(|x| x.atomic_num != 0))
                    && !r.first().is_some_and(|a| in_mask(keep, a.index()))
            })
        })
        .collect();
    let atom_rings: Vec<&[AtomIdx]> = walked_rings
        .iter()
        .filter_map(|&ri| rings.atom_rings().get(ri))
        .collect();
    let bond_rings: Vec<&[BondIdx]> = walked_rings
        .iter()
        .filter_map(|&ri| rings.bond_rings().get(ri))
        .collect();
    // fused systems: rings sharing a bond, joined through each bond's first ring
    let mut root: Vec<usize> = (0..bond_rings.len()).collect();
    let mut owner: Vec<Option<usize>> = vec![None; mol.num_bonds()];
    for (k, ring) in bond_rings.iter().enumerate() {
        for b in ring.iter() {
            let Some(slot) = owner.get_mut(b.index()) else {
                continue;
            };
            match *slot {
                None => *slot = Some(k),
                Some(o) => {
                    let (x, y) = (find_root(&root, o), find_root(&root, k));
                    if let Some(r) = root.get_mut(x.max(y)) {
                        *r = x.min(y);
                    }
                }
            }
        }
    }
    for k in 0..root.len() {
        let r = find_root(&root, k);
        if let Some(x) = root.get_mut(k) {
            *x = r;
        }
    }
    let rank_of = |a: usize| ranks.and_then(|r| r.get(a).copied()).unwrap_or(a as u32);
    let mut cand: Vec<bool> = need.iter().map(|&x| x != Need::No).collect();
    // atoms the walk visits: aromatic or dummy; the others start as done
    let plays = |a: usize| {
        let a = AtomIdx(a as u32);
        is_dummy(mol, a) || is_aromatic_atom(mol, a)
    };
    // one membership mask and one walk state for all systems, each cleared
    // for the atoms it held when its system is done
    let mut in_sys = vec![false; n];
    let mut walk = Walk::new(n);
    let mut atoms: Vec<usize> = Vec::with_capacity(n);
    let mut done: Vec<usize> = Vec::with_capacity(n);
    // systems in the order of their first ring (a spiro atom between two
    // systems is walked first with the earlier one)
    for (start, &sys) in root.iter().enumerate() {
        if sys != start {
            continue;
        }
        atoms.clear();
        for (ring, _) in root
            .iter()
            .enumerate()
            .skip(start)
            .filter(|&(_, &r)| r == sys)
        {
            for a in atom_rings.get(ring).copied().unwrap_or(&[]) {
                if let Some(x) = in_sys.get_mut(a.index()) {
                    if !*x {
                        *x = true;
                        atoms.push(a.index());
                    }
                }
            }
        }
        let solved = if atoms.iter().any(|&a| plays(a)) {
            // RDKit's "questions": the dummies that may take a double bond,
            // in the system's ring order (before the rank sort)
            let questions: Vec<usize> = atoms
                .iter()
                .copied()
                .filter(|&a| {
                    is_dummy(mol, AtomIdx(a as u32)) && cand.get(a).copied().unwrap_or(false)
                })
                .collect();
            atoms.sort_unstable_by_key(|&a| (rank_of(a), a));
            let cand_before: Vec<bool> = atoms
                .iter()
                .map(|&a| cand.get(a).copied().unwrap_or(false))
                .collect();
            done.clear();
            done.extend(atoms.iter().copied().filter(|&a| !plays(a)));
            walk.run(mol, &atoms, &in_sys, &mut done, &mut cand, &rank_of, mate)
                || permute_dummies(
                    mol,
                    &atoms,
                    &in_sys,
                    &questions,
                    &cand_before,
                    &mut walk,
                    &mut cand,
                    &rank_of,
                    mate,
                )
        } else {
            true
        };
        for &a in &atoms {
            if let Some(x) = in_sys.get_mut(a) {
                *x = false;
            }
        }
        if !solved {
            return false;
        }
    }
    // every atom that must have a double bond has one
    need.iter()
        .zip(mate.iter())
        .all(|(nd, m)| *nd != Need::Required || m.is_some())
}

/// Most dummy atoms whose subsets [`permute_dummies`] tries (2^16 walks);
/// beyond, the general matching decides.
const MAX_PERMUTED_DUMMIES: usize = 16;

/// RDKit's `permuteDummiesAndKekulize`: when the walk of a fused system
/// fails and the system has dummy atoms that may take a double bond, walk
/// again with subsets of them barred from one, in RDKit's order ({q0},
/// {q1}, {q0, q1}, {q2}, … as a binary counter over `questions`), each
/// walk from scratch with no atom marked done, until one succeeds. Which
/// dummies end up double-bonded decides whether the ring counts as
/// aromatic (a dummy without a ring double bond may donate one or two
/// electrons, and a ring allows only one such atom), so the first subset
/// that works must be RDKit's.
#[allow(clippy::too_many_arguments)]
fn permute_dummies(
    mol: &MolBuilder,
    atoms: &[usize],
    in_sys: &[bool],
    questions: &[usize],
    cand_before: &[bool],
    walk: &mut Walk,
    cand: &mut [bool],
    rank_of: &dyn Fn(usize) -> u32,
    mate: &mut [Option<(usize, BondIdx)>],
) -> bool {
    if questions.is_empty() || questions.len() > MAX_PERMUTED_DUMMIES {
        return false;
    }
    let mut done: Vec<usize> = Vec::with_capacity(atoms.len());
    for subset in 1u32..(1u32 << questions.len()) {
        // back to the state before the first walk, less the barred dummies
        for (&a, &c) in atoms.iter().zip(cand_before) {
            if let Some(x) = cand.get_mut(a) {
                *x = c;
            }
            if let Some(m) = mate.get_mut(a) {
                *m = None;
            }
        }
        for (k, &q) in questions.iter().enumerate() {
            if subset & (1 << k) != 0 {
                if let Some(x) = cand.get_mut(q) {
                    *x = false;
                }
            }
        }
        done.clear();
        if walk.run(mol, atoms, in_sys, &mut done, cand, rank_of, mate) {
            return true;
        }
    }
    false
}

/// The state of RDKit's `kekulizeWorker`, reused from one fused system to
/// the next so that the walk does not allocate per atom.
struct Walk {
    queue: VecDeque<usize>,
    /// The choices not tried yet of each atom that made one, as a range of
    /// `pool` (`None`: no choice pending).
    options: Vec<Option<(usize, usize)>>,
    pool: Vec<usize>,
    choice_points: Vec<usize>,
    /// double bonds added in this walk: (atom, atom, bond)
    added: Vec<(usize, usize, BondIdx)>,
    nbrs: Vec<(usize, BondIdx)>,
    /// Membership mask of the walk's `done` list.
    is_done: Vec<bool>,
}

impl Walk {
    fn new(n: usize) -> Walk {
        Walk {
            queue: VecDeque::new(),
            options: vec![None; n],
            pool: Vec::new(),
            choice_points: Vec::new(),
            added: Vec::new(),
            nbrs: Vec::new(),
            is_done: vec![false; n],
        }
    }

    /// RDKit's `kekulizeWorker` on one fused system (`atoms` sorted by rank):
    /// a queue walk that gives each candidate its first free candidate
    /// neighbour in rank order, remembering the other choices, and backtracks
    /// to the last choice when a candidate is left without a partner.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        mol: &MolBuilder,
        atoms: &[usize],
        in_sys: &[bool],
        done: &mut Vec<usize>,
        cand: &mut [bool],
        rank_of: &dyn Fn(usize) -> u32,
        mate: &mut [Option<(usize, BondIdx)>],
    ) -> bool {
        self.queue.clear();
        self.pool.clear();
        self.choice_points.clear();
        self.added.clear();
        // only atoms of the system are walked, so clearing theirs is enough
        for &a in atoms {
            if let Some(o) = self.options.get_mut(a) {
                *o = None;
            }
            if let Some(d) = self.is_done.get_mut(a) {
                *d = false;
            }
        }
        for &a in done.iter() {
            if let Some(d) = self.is_done.get_mut(a) {
                *d = true;
            }
        }
        let mut last_choice: Option<usize> = None;
        let mut backtracks = 0usize;
        let is_cand = |cand: &[bool], a: usize| cand.get(a).copied().unwrap_or(false);
        let dummy = |a: usize| is_dummy(mol, AtomIdx(a as u32));
        while done.len() < atoms.len() || !self.queue.is_empty() {
            let curr = match self.queue.pop_front() {
                Some(a) => a,
                None => match atoms
                    .iter()
                    .find(|&&a| !self.is_done.get(a).copied().unwrap_or(true))
                {
                    Some(&a) => a,
                    None => break,
                },
            };
            done.push(curr);
            if let Some(d) = self.is_done.get_mut(curr) {
                *d = true;
            }
            let curr_cand = is_cand(cand, curr);
            // back here after backtracking: the choices not tried yet
            let stored = self.options.get(curr).copied().flatten();
            let revisited = stored.is_some();
            let (mut first, end) = if let Some(range) = stored {
                range
            } else {
                self.nbrs.clear();
                self.nbrs.extend(
                    mol.neighbors(AtomIdx(curr as u32))
                        .iter()
                        .map(|&(a, b)| (a.index(), b))
                        .filter(|&(a, _)| {
                            in_sys.get(a) == Some(&true) && self.is_done.get(a) == Some(&false)
                        }),
                );
                self.nbrs.sort_by_key(|&(a, _)| (rank_of(a), a));
                let first = self.pool.len();
                // the queue grows by the neighbours not in it yet, as a
                // whole after the scan (the scan reads the queue as it was)
                let queued = self.queue.len();
                for k in 0..self.nbrs.len() {
                    let Some(&(nb, b)) = self.nbrs.get(k) else {
                        break;
                    };
                    if !self.queue.iter().take(queued).any(|&q| q == nb) {
                        self.queue.push_back(nb);
                    }
                    let eligible = mol.bond(b).is_some_and(crate::mol::Bond::is_aromatic_like)
                        || dummy(curr)
                        || dummy(nb);
                    if curr_cand && is_cand(cand, nb) && eligible {
                        self.pool.push(nb);
                    }
                }
                (first, self.pool.len())
            };
            if !curr_cand {
                continue;
            }
            if first < end {
                let Some(&partner) = self.pool.get(first) else {
                    return false;
                };
                first += 1;
                let Some(b) = mol.bond_between(AtomIdx(curr as u32), AtomIdx(partner as u32))
                else {
                    return false;
                };
                for a in [curr, partner] {
                    if let Some(c) = cand.get_mut(a) {
                        *c = false;
                    }
                }
                if let Some(m) = mate.get_mut(curr) {
                    *m = Some((partner, b));
                }
                if let Some(m) = mate.get_mut(partner) {
                    *m = Some((curr, b));
                }
                self.added.push((curr, partner, b));
                let rest = (first < end).then_some((first, end));
                if revisited {
                    if rest.is_none() {
                        self.choice_points.pop();
                        last_choice = self.choice_points.last().copied();
                    }
                    if let Some(o) = self.options.get_mut(curr) {
                        *o = rest;
                    }
                } else if rest.is_some() {
                    last_choice = Some(curr);
                    self.choice_points.push(curr);
                    if let Some(o) = self.options.get_mut(curr) {
                        *o = rest;
                    }
                }
            } else if !dummy(curr) {
                let Some(back_to) = last_choice.filter(|_| backtracks < MAX_BACKTRACKS) else {
                    return false;
                };
                // undo everything from the last choice on and walk again from there
                let Some(pos) = done.iter().position(|&a| a == back_to) else {
                    return false;
                };
                for &a in done.get(pos..).unwrap_or(&[]).iter().rev() {
                    self.queue.push_front(a);
                }
                for &a in done.get(pos..).unwrap_or(&[]) {
                    if let Some(d) = self.is_done.get_mut(a) {
                        *d = false;
                    }
                }
                done.truncate(pos);
                let is_done = &self.is_done;
                self.added.retain(|&(x, y, _)| {
                    if is_done.get(x) == Some(&true) || is_done.get(y) == Some(&true) {
                        return true;
                    }
                    for a in [x, y] {
                        if let Some(c) = cand.get_mut(a) {
                            *c = true;
                        }
                        if let Some(m) = mate.get_mut(a) {
                            *m = None;
                        }
                    }
                    false
                });
                backtracks += 1;
            }
        }
        true
    }
}

/// A neutral N or P with one explicit H: the pyrrole-type H that an aromatic
/// atom's explicit count gives up to the implicit count on kekulisation.
pub(crate) fn has_pyrrole_type_h(atom: &crate::mol::Atom) -> bool {
    // `&`, not `&&`: plain loads and compares, no branch on each atom
    matches!(atom.atomic_num, 7 | 15) & (atom.formal_charge == 0) & (atom.explicit_hs == 1)
}

/// What kekulisation leaves on an aromatic atom with a written pyrrole-type
/// H (`[nH]`, `[pH]`) that it does not recount itself: the H stays explicit
/// but no longer pins the implicit count. Only where `applies` (an atom of
/// the rings kekulisation passed over); returns whether the atom changed.
pub(crate) fn unpin_pyrrole_type_h(atom: &mut crate::mol::Atom, applies: bool) -> bool {
    // (stored unconditionally: whether an atom is such an atom follows the
    // molecule, and a branch on it would be mispredicted)
    let pinned = applies & atom.aromatic & has_pyrrole_type_h(atom) & atom.no_implicit;
    atom.no_implicit &= !pinned;
    pinned
}

/// Backtracking perfect matching of required atoms (optional ones may stay single).
fn search(
    need: &[Need],
    edges: &[Vec<(usize, BondIdx)>],
    mate: &mut [Option<(usize, BondIdx)>],
    steps: &mut usize,
) -> bool {
    *steps += 1;
    if *steps > MAX_STEPS {
        return false;
    }
    // most constrained unmatched required atom
    let mut best: Option<(usize, usize)> = None;
    for (i, nd) in need.iter().enumerate() {
        if *nd != Need::Required || mate.get(i).copied().flatten().is_some() {
            continue;
        }
        let free = edges.get(i).map_or(0, |l| {
            l.iter()
                .filter(|(j, _)| mate.get(*j).copied().flatten().is_none())
                .count()
        });
        if free == 0 {
            return false;
        }
        if best.is_none_or(|(_, f)| free < f) {
            best = Some((i, free));
        }
    }
    let Some((i, _)) = best else { return true };
    let options: Vec<(usize, BondIdx)> = edges.get(i).map_or(Vec::new(), |l| {
        l.iter()
            .copied()
            .filter(|(j, _)| mate.get(*j).copied().flatten().is_none())
            .collect()
    });
    // prefer required partners over optional ones
    let mut ordered = options.clone();
    ordered.sort_by_key(|(j, _)| need.get(*j) != Some(&Need::Required));
    for (j, b) in ordered {
        if let Some(s) = mate.get_mut(i) {
            *s = Some((j, b));
        }
        if let Some(s) = mate.get_mut(j) {
            *s = Some((i, b));
        }
        if search(need, edges, mate, steps) {
            return true;
        }
        if let Some(s) = mate.get_mut(i) {
            *s = None;
        }
        if let Some(s) = mate.get_mut(j) {
            *s = None;
        }
        if *steps > MAX_STEPS {
            return false;
        }
    }
    false
}

/// Whether atom `a` is a dummy (`*`), which kekulisation treats apart.
fn is_dummy(mol: &MolBuilder, a: AtomIdx) -> bool {
    mol.atom(a).is_some_and(|x| x.atomic_num == 0)
}

/// What RDKit's rule for dummy atoms (`markDbondCands`) reads of the rings:
/// the SSSR only, as RDKit kekulises before it symmetrises the rings.
struct DummyRings {
    /// SSSR rings per atom.
    count: Vec<u16>,
    /// Per atom: its SSSR rings that no double bond may be placed in for a
    /// dummy's sake (none of their atoms is aromatic and in that ring only).
    ruled_out: Vec<u16>,
}

impl DummyRings {
    fn new(mol: &MolBuilder, rings: &RingInfo) -> DummyRings {
        let sssr = || {
            rings
                .atom_rings()
                .iter()
                .enumerate()
                .filter(|&(i, _)| rings.is_sssr_ring(i))
                .map(|(_, ring)| ring)
        };
        let bump = |counts: &mut [u16], ring: &[AtomIdx]| {
            for a in ring {
                if let Some(c) = counts.get_mut(a.index()) {
                    *c = c.saturating_add(1);
                }
            }
        };
        let mut count = vec![0u16; mol.num_atoms()];
        for ring in sssr() {
            bump(&mut count, ring);
        }
        let mut ruled_out = vec![0u16; mol.num_atoms()];
        for ring in sssr() {
            let open = ring
                .iter()
                .any(|&x| count.get(x.index()) == Some(&1) && is_aromatic_atom(mol, x));
            if !open {
                bump(&mut ruled_out, ring);
            }
        }
        DummyRings { count, ruled_out }
    }

    /// RDKit's rule for a dummy atom of a ring system: it may take a double
    /// bond (and need not) when fewer of its ring neighbours are
    /// non-aromatic real atoms than it has rings, and not all its rings are
    /// ruled out. Otherwise it takes none (a dummy has no default valence).
    fn need(&self, mol: &MolBuilder, rings: &RingInfo, a: AtomIdx) -> Need {
        let num_rings = usize::from(self.count.get(a.index()).copied().unwrap_or(0));
        let ruled_out = usize::from(self.ruled_out.get(a.index()).copied().unwrap_or(0));
        let plain_real_neighbours = mol
            .neighbors(a)
            .iter()
            .filter(|&&(x, b)| {
                rings.is_ring_bond(b)
                    && mol
                        .atom(x)
                        .is_some_and(|at| at.atomic_num != 0 && !at.aromatic)
            })
            .count();
        if plain_real_neighbours < num_rings && ruled_out < num_rings {
            Need::Optional
        } else {
            Need::No
        }
    }
}

/// Whether kekulisation gives this bond its order (single, or double from
/// the walk): an aromatic bond, or one flagged aromatic whose order is
/// single or double. A triple bond that perception flagged aromatic (the
/// `c#c` of `C[Si](C)(C)c1c#cc2c(c([Si](C)(C)C)cccc1)C(=O)c1ccccc1-2`) keeps
/// its order and counts its full valence, as in RDKit's `markDbondCands`,
/// which makes single only the single, double and aromatic bonds of the
/// system.
fn takes_kekule_order(bond: &crate::mol::Bond) -> bool {
    bond.is_aromatic_like()
        && matches!(
            bond.order,
            BondOrder::Single | BondOrder::Double | BondOrder::Aromatic
        )
}

/// RDKit's rule for whether an aromatic atom needs a double bond.
fn double_bond_need(mol: &MolBuilder, a: AtomIdx) -> Result<Need> {
    let Some(atom) = mol.atom(a) else {
        return Ok(Need::No);
    };
    let z = atom.atomic_num;
    if z == 0 {
        return Ok(Need::Optional);
    }
    let mut sbo = 0i32;
    let mut n_ignore = 0i32;
    for &(_, b) in mol.neighbors(a) {
        let Some(bond) = mol.bond(b) else { continue };
        if takes_kekule_order(bond) {
            sbo += 1;
        } else {
            let c = (bond.order.valence_x2(bond.end == a) + 1) / 2;
            sbo += c;
            if c == 0 {
                n_ignore += 1;
            }
        }
    }
    sbo += i32::from(atom.total_hs());
    let mut dv = default_valence(z);
    let mut chrg = i32::from(atom.formal_charge);
    if is_early_atom(z) {
        chrg = -chrg;
    }
    if z == 6 && chrg > 0 {
        chrg = -chrg;
    }
    dv += chrg;
    let tbo = explicit_valence(mol, a, false)? + i32::from(atom.implicit_hs);
    let n_rad = i32::from(atom.radical_electrons);
    let total_degree = mol.neighbors(a).len() as i32 + i32::from(atom.implicit_hs) - n_ignore;
    let vals = valences(z);
    let mut vi = 1usize;
    while tbo > dv {
        match vals.get(vi) {
            Some(&v) if v > 0 => {
                dv = i32::from(v) + chrg;
                vi += 1;
            }
            _ => break,
        }
    }
    if tbo == 5
        && sbo == 4
        && dv == 3
        && total_degree == 3
        && n_rad == 0
        && chrg == 0
        && atom.total_hs() == 0
        && matches!(z, 7 | 15 | 33)
    {
        dv = 5;
    }
    if total_degree + n_rad >= dv {
        return Ok(Need::No);
    }
    if dv == sbo + 1 + n_rad || (n_rad == 0 && atom.no_implicit && dv == sbo + 2) {
        return Ok(Need::Required);
    }
    Ok(Need::No)
}
