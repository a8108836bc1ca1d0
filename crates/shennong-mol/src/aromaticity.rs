//! RDKit's default aromaticity model, applied to a Kekulé structure.
//!
//! Each ring atom is classified by the electrons it can donate to the π
//! system (0, 1, 2, or vacant), candidate rings are those whose atoms all
//! qualify, and Hückel's 4n+2 rule is tested on every ring and on every
//! fused combination of up to six rings that share single bonds, counting
//! atoms that belong to one or two of the combined rings (RDKit's
//! `aromaticityHelper`; see also the RDKit Book, "Aromaticity").

use crate::element::{default_valence, more_electronegative, outer_electrons};
use crate::mol::{AtomIdx, BondIdx, BondOrder, MolBuilder};
use crate::rings::{find_root, pick_fused, ring_neighbor_map, RingInfo};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Donor {
    Vacant,
    One,
    Two,
    Any,
    None,
}

const MAX_FUSED_RING_SIZE: usize = 24;
const MAX_FUSED_RINGS: usize = 6;

/// Per-atom data the model needs, computed once from the Kekulé form.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct AtomState {
    pub explicit_valence: i32,
    pub total_valence: i32,
}

fn bond_contrib_x2(mol: &MolBuilder, b: BondIdx, a: AtomIdx) -> i32 {
    mol.bond(b).map_or(0, |bd| bd.order.valence_x2(bd.end == a))
}

/// Electrons an atom can donate to a π system (RDKit's `countAtomElec`); -1 if none.
pub(crate) fn count_atom_elec(mol: &MolBuilder, a: AtomIdx, st: &AtomState) -> i32 {
    let Some(atom) = mol.atom(a) else { return -1 };
    let dv = default_valence(atom.atomic_num);
    if dv <= 1 {
        return -1;
    }
    let mut degree = mol.neighbors(a).len() as i32 + i32::from(atom.total_hs());
    for &(_, b) in mol.neighbors(a) {
        if bond_contrib_x2(mol, b, a) == 0 {
            degree -= 1;
        }
    }
    if degree > 3 {
        return -1;
    }
    let nlp = (outer_electrons(atom.atomic_num) - dv - i32::from(atom.formal_charge)).max(0);
    let mut res = (dv - degree) + nlp - i32::from(atom.radical_electrons);
    if res > 1 && st.explicit_valence - mol.neighbors(a).len() as i32 > 1 {
        res = 1;
    }
    res
}

fn non_cyclic_multiple_bond(mol: &MolBuilder, rings: &RingInfo, a: AtomIdx) -> Option<AtomIdx> {
    mol.neighbors(a)
        .iter()
        .find(|&&(_, b)| !rings.is_ring_bond(b) && bond_contrib_x2(mol, b, a) >= 4)
        .map(|&(n, _)| n)
}

fn cyclic_multiple_bond(mol: &MolBuilder, rings: &RingInfo, a: AtomIdx) -> bool {
    mol.neighbors(a)
        .iter()
        .any(|&(_, b)| rings.is_ring_bond(b) && bond_contrib_x2(mol, b, a) >= 4)
}

fn any_multiple_bond(mol: &MolBuilder, a: AtomIdx, st: &AtomState) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let mut deg = mol.neighbors(a).len() as i32 + i32::from(atom.explicit_hs);
    for &(_, b) in mol.neighbors(a) {
        if (bond_contrib_x2(mol, b, a) + 1) / 2 == 0 {
            deg -= 1;
        }
    }
    st.explicit_valence != deg
}

fn donor_type(mol: &MolBuilder, rings: &RingInfo, a: AtomIdx, st: &AtomState) -> Donor {
    let Some(atom) = mol.atom(a) else {
        return Donor::None;
    };
    if atom.atomic_num == 0 {
        return if cyclic_multiple_bond(mol, rings, a) {
            Donor::One
        } else {
            Donor::Any
        };
    }
    let mut nelec = count_atom_elec(mol, a, st);
    let exo = non_cyclic_multiple_bond(mol, rings, a);
    let exo_more_en = exo.is_some_and(|o| {
        mol.atom(o)
            .is_some_and(|oa| more_electronegative(oa.atomic_num, atom.atomic_num))
    });
    if nelec < 0 {
        Donor::None
    } else if nelec == 0 {
        if exo.is_some() {
            Donor::Vacant
        } else if cyclic_multiple_bond(mol, rings, a) {
            Donor::One
        } else {
            Donor::None
        }
    } else if nelec == 1 {
        if exo.is_some() {
            if exo_more_en {
                Donor::Vacant
            } else {
                Donor::One
            }
        } else if any_multiple_bond(mol, a, st) {
            Donor::One
        } else if atom.formal_charge == 1 {
            Donor::Vacant
        } else {
            Donor::None
        }
    } else {
        if exo_more_en {
            nelec -= 1;
        }
        if nelec % 2 == 1 {
            Donor::One
        } else {
            Donor::Two
        }
    }
}

fn is_candidate(mol: &MolBuilder, a: AtomIdx, donor: Donor, st: &AtomState) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let z = atom.atomic_num;
    if z > 18 && z != 34 && z != 52 {
        return false;
    }
    if donor == Donor::None {
        return false;
    }
    let def = default_valence(z);
    let eff = i32::from(z) - i32::from(atom.formal_charge);
    let eff_def = u8::try_from(eff).map_or(-1, default_valence);
    if def > 0 && st.total_valence > eff_def {
        return false;
    }
    if atom.radical_electrons > 0 && (z != 6 || atom.formal_charge != 0) {
        return false;
    }
    if st.explicit_valence - mol.neighbors(a).len() as i32 > 1 {
        let mut n_mult = 0;
        for &(_, b) in mol.neighbors(a) {
            if let Some(bd) = mol.bond(b) {
                if matches!(bd.order, BondOrder::Double | BondOrder::Triple) {
                    n_mult += 1;
                }
            }
        }
        if n_mult > 1 {
            return false;
        }
    }
    true
}

fn electron_range(d: Donor) -> (i32, i32) {
    match d {
        Donor::Any => (1, 2),
        Donor::One => (1, 1),
        Donor::Two => (2, 2),
        Donor::Vacant | Donor::None => (0, 0),
    }
}

fn huckel(atoms: &[usize], donors: &[Donor]) -> bool {
    let (mut lo, mut hi, mut n_any) = (0, 0, 0);
    for &i in atoms {
        let d = donors.get(i).copied().unwrap_or(Donor::None);
        if d == Donor::Any {
            n_any += 1;
            if n_any > 1 {
                return false;
            }
        }
        let (l, h) = electron_range(d);
        lo += l;
        hi += h;
    }
    if hi >= 6 {
        (lo..=hi).any(|e| (e - 2) % 4 == 0)
    } else {
        hi == 2
    }
}

/// The atoms of input ring systems that kekulisation and this model would
/// give back exactly as written ("plain" systems). In such a system the
/// rings written aromatic (every bond aromatic) are five- or six-membered,
/// each alone or fused to one other through one bond (a five and a six, or
/// two sixes: indole, benzimidazole, quinoline, naphthalene), and every other ring of
/// the system holds a saturated carbon (four single bonds: tetralin,
/// chromane, benzodioxole, tetrahydrocarbazole) and no aromatic atom or
/// bond beyond the fusion bond it shares with an aromatic ring. The atoms
/// of the aromatic rings are all non-radical aromatic atoms of these
/// kinds, neutral but for the cations named:
/// - a carbon with three connections in all (two ring bonds and a single
///   bond or a hydrogen, or, at an aromatic fusion, three ring bonds), a
///   nitrogen with two ring bonds and no hydrogen, or, away from a fusion,
///   a written cation `[nH+]` or `[n+]` with a third, single bond
///   (pyridinium, imidazolium, N-oxide): each needs one double bond
///   (RDKit's `markDbondCands`) and, with it, donates one π electron;
/// - a donor of a lone pair, never at an aromatic fusion (but for the
///   bridgehead nitrogen below): an oxygen or
///   sulphur with two ring bonds and no hydrogen, a nitrogen with a third,
///   single bond and no hydrogen (furan, thiophene, N-substituted pyrrole,
///   oxazole, thiazole, tetrazole, a pyrrole fused to a saturated ring
///   through its nitrogen), or a written `[nH]` (pyrrole, imidazole,
///   pyrazole, indole): it needs no double bond and donates two electrons;
/// - a carbon with two ring bonds and an exocyclic double bond to a
///   terminal, neutral oxygen (pyridone, uracil, coumarin, quinazolinone):
///   RDKit's vacant donor, it needs no double bond and donates none;
/// - a nitrogen with three ring bonds and no hydrogen at the fusion of a
///   five- and a six-membered aromatic ring (indolizine,
///   imidazo[1,2-a]pyridine, triazolopyridine, pyrazolo[1,5-a]pyrimidine):
///   a donor of two electrons, with every other atom of both rings of the
///   first kind (one electron, no C=O carbon);
///
/// and every aromatic ring counts six π electrons that way (a six-membered
/// ring without donors, a five-membered one with one, a ring with C=O
/// carbons with donors to make up for them), but for the six-membered ring
/// at a bridgehead nitrogen, which counts seven.
///
/// Why that is exact: without C=O carbons, six-membered rings have six
/// atoms that need a double bond, five-membered ones four in a path; both
/// always have a Kekulé structure, and so do the fused pairs (a naphthalene
/// skeleton has one whatever its atoms; in a five-six pair the donor is one
/// of the three atoms away from the fusion, and either way the rest pairs
/// up: the five-ring atoms left into one or two double bonds, the six-ring
/// rest into a path of even length). With C=O carbons a Kekulé structure
/// may not exist (3-pyridone), so it is searched for, and the system is
/// plain only when one is found. At a bridgehead nitrogen the other eight
/// atoms form a path once the nitrogen is taken out, which always pairs
/// up; the five-membered ring counts six electrons and the pair ten, so
/// RDKit's model makes both rings aromatic (the pair as a fused system,
/// since the six-membered ring's seven alone fail), while two six-membered
/// rings (eleven) or two five-membered ones (seven atoms left to pair) are
/// never plain. The other rings add no atom that needs a
/// double bond, as their own atoms have no aromatic bond. In any such
/// structure every double bond is a bond of an aromatic ring, so every
/// atom but the donor gives one π electron to each aromatic ring it is in,
/// and each of them counts six under RDKit's model (a bridgehead pair ten):
/// aromatic whichever
/// structure the walk picks. Any ring or fused group that takes in another
/// ring of the system takes in a saturated carbon, which is never aromatic,
/// and the system's atoms feed no other system's typing beyond single
/// bonds. Sanitisation skips the Kekulé walk and the model for these
/// systems, the commonest ring systems of drug-like sets. (A written `[nH]`
/// loses its hold on the implicit count there, as kekulisation would make
/// it; see `sanitize`.)
pub(crate) fn plain_aromatic_ring_atoms(
    mol: &MolBuilder,
    rings: &RingInfo,
    mask: &mut Vec<bool>,
) -> bool {
    let nr = rings.num_rings();
    let atom_rings = rings.atom_rings();
    let mut marked = false;
    let mut mark = |ring: &[AtomIdx]| {
        if !marked {
            mask.clear();
            mask.resize(mol.num_atoms(), false);
            marked = true;
        }
        for a in ring {
            if let Some(x) = mask.get_mut(a.index()) {
                *x = true;
            }
        }
    };
    // rings that share no atom (most rings) are systems of their own
    let mut fused = false;
    for (i, (ring, bonds)) in atom_rings.iter().zip(rings.bond_rings()).enumerate() {
        if ring.iter().any(|&a| rings.num_atom_rings(a) != 1) {
            fused = true;
        } else if written_aromatic(mol, bonds) {
            let plain = match is_plain_aromatic_ring(mol, rings, ring, None) {
                Some(false) => true,
                Some(true) => kekule_structure_exists(mol, rings, &[i]),
                None => false,
            };
            if plain {
                mark(ring);
            }
        }
    }
    if !fused {
        return marked;
    }
    // ring systems: rings joined through shared atoms (union by the first
    // ring seen at each atom)
    let mut root: Vec<usize> = (0..nr).collect();
    let mut first_ring: Vec<usize> = vec![usize::MAX; mol.num_atoms()];
    for (i, ring) in atom_rings.iter().enumerate() {
        for a in ring {
            let Some(slot) = first_ring.get_mut(a.index()) else {
                continue;
            };
            if *slot == usize::MAX {
                *slot = i;
                continue;
            }
            let (x, y) = (find_root(&root, *slot), find_root(&root, i));
            if let Some(r) = root.get_mut(x.max(y)) {
                *r = x.min(y);
            }
        }
    }
    let mut members: Vec<usize> = Vec::new();
    for system in 0..nr {
        if find_root(&root, system) != system {
            continue;
        }
        members.clear();
        members.extend((system..nr).filter(|&i| find_root(&root, i) == system));
        // one-ring systems were settled above
        if members.len() < 2 || !is_plain_system(mol, rings, &members) {
            continue;
        }
        for ring in members.iter().filter_map(|&i| atom_rings.get(i)) {
            mark(ring);
        }
    }
    marked
}

/// Whether atom `i` is in `mask` (an atom mask such as the one of
/// [`plain_aromatic_ring_atoms`]; no mask marks nothing).
pub(crate) fn in_mask(mask: Option<&[bool]>, i: usize) -> bool {
    mask.is_some_and(|m| m.get(i).copied().unwrap_or(false))
}

/// A neutral, non-radical carbon with four connections, all single bonds
/// or hydrogens: it has no electron for a π system (RDKit's donor type
/// "none"), so it is never an aromatic candidate.
fn is_saturated_carbon(mol: &MolBuilder, a: AtomIdx) -> bool {
    mol.atom(a).is_some_and(|atom| {
        atom.atomic_num == 6
            && atom.formal_charge == 0
            && atom.radical_electrons == 0
            && mol.neighbors(a).len() + usize::from(atom.total_hs()) == 4
            && mol
                .neighbors(a)
                .iter()
                .all(|&(_, b)| mol.bond(b).is_some_and(|bd| bd.order == BondOrder::Single))
    })
}

/// Whether every bond of a ring is written aromatic.
fn written_aromatic(mol: &MolBuilder, bonds: &[BondIdx]) -> bool {
    bonds.iter().all(|&b| {
        mol.bond(b)
            .is_some_and(|bd| bd.order == BondOrder::Aromatic)
    })
}

/// Whether the rings `members` (one ring system) form a plain system of
/// [`plain_aromatic_ring_atoms`].
fn is_plain_system(mol: &MolBuilder, rings: &RingInfo, members: &[usize]) -> bool {
    let atom_rings = rings.atom_rings();
    let bond_rings = rings.bond_rings();
    let ring_of = |i: usize| atom_rings.get(i).zip(bond_rings.get(i));
    // symmetrised extra rings belong to cages, never plain
    if members.iter().any(|&i| !rings.is_sssr_ring(i)) {
        return false;
    }
    let aromatic: smallvec::SmallVec<[usize; 4]> = members
        .iter()
        .copied()
        .filter(|&i| ring_of(i).is_some_and(|(_, bonds)| written_aromatic(mol, bonds)))
        .collect();
    if aromatic.is_empty() {
        return false;
    }
    let in_aromatic = |a: AtomIdx| {
        aromatic
            .iter()
            .any(|&i| ring_of(i).is_some_and(|(r, _)| r.contains(&a)))
    };
    // the other rings: a saturated carbon each, no aromatic atom or bond of
    // their own, no dummy atom
    for &i in members {
        if aromatic.contains(&i) {
            continue;
        }
        let Some((ring, _)) = ring_of(i) else {
            return false;
        };
        let mut saturated = false;
        for &a in ring {
            let Some(atom) = mol.atom(a) else {
                return false;
            };
            if atom.atomic_num == 0 {
                return false;
            }
            if in_aromatic(a) {
                continue;
            }
            let bonds_plain = mol
                .neighbors(a)
                .iter()
                .all(|&(_, b)| mol.bond(b).is_some_and(|bd| !bd.is_aromatic_like()));
            if atom.aromatic || !bonds_plain {
                return false;
            }
            saturated |= is_saturated_carbon(mol, a);
        }
        if !saturated {
            return false;
        }
    }
    // each aromatic ring alone or fused to one other through one bond
    // (what one ring finds, its partner finds from its side); rings with an
    // exocyclic C=O need their Kekulé structure checked
    let mut vacant = false;
    let plain = aromatic.iter().all(|&i| {
        let Some((ring, bonds)) = ring_of(i) else {
            return false;
        };
        let mut partner: Option<(usize, BondIdx)> = None;
        for &b in bonds {
            if rings.num_bond_rings(b) < 2 {
                continue;
            }
            for &j in &aromatic {
                if j == i || !ring_of(j).is_some_and(|(_, bj)| bj.contains(&b)) {
                    continue;
                }
                if partner.is_some() {
                    // a second shared bond or a second aromatic partner
                    return false;
                }
                partner = Some((j, b));
            }
        }
        let Some((j, fusion_bond)) = partner else {
            return is_plain_aromatic_ring(mol, rings, ring, None)
                .map(|v| vacant |= v)
                .is_some();
        };
        let (Some(other), Some(fusion)) = (
            atom_rings.get(j),
            mol.bond(fusion_bond).map(|b| [b.begin, b.end]),
        ) else {
            return false;
        };
        // not two five-membered rings
        !(ring.len() == 5 && other.len() == 5)
            && is_plain_aromatic_ring(mol, rings, ring, Some((fusion, other.len())))
                .map(|v| vacant |= v)
                .is_some()
    });
    plain && (!vacant || kekule_structure_exists(mol, rings, &aromatic))
}

/// One aromatic ring (`ring`, every bond written aromatic) of a plain
/// system; `fusion` holds the two atoms it shares with its fused aromatic
/// partner, and the partner's size, if it has one. An atom shared with a
/// saturated ring of the system has a single ring bond into it.
fn is_plain_aromatic_ring(
    mol: &MolBuilder,
    rings: &RingInfo,
    ring: &[AtomIdx],
    fusion: Option<([AtomIdx; 2], usize)>,
) -> Option<bool> {
    if !matches!(ring.len(), 5 | 6) {
        return None;
    }
    // a bridgehead nitrogen only where a five- and a six-membered ring meet
    // (see `plain_aromatic_ring_atoms`)
    let bridgehead_allowed = fusion.is_some_and(|(_, partner)| ring.len() + partner == 11);
    let (mut electrons, mut vacant, mut bridgehead) = (0, false, false);
    for &a in ring {
        let atom = mol.atom(a)?;
        let at_fusion = fusion.is_some_and(|(f, _)| f.contains(&a));
        // a written [nH]: the pyrrole-type hydrogen, and nothing else bracketed
        let pyrrole_h = atom.atomic_num == 7 && atom.explicit_hs == 1 && atom.implicit_hs == 0;
        // a written [nH+] or [n+] (pyridinium, imidazolium, N-oxide): like
        // a pyridine nitrogen, it needs a double bond and gives one electron
        let cation = atom.atomic_num == 7
            && atom.formal_charge == 1
            && atom.no_implicit
            && atom.explicit_hs <= 1
            && atom.implicit_hs == 0;
        if !atom.aromatic
            || atom.no_implicit && !pyrrole_h && !cation
            || atom.formal_charge != 0 && !cation
            || atom.radical_electrons != 0
            || atom.total_hs() != 0 && atom.atomic_num != 6 && !pyrrole_h && !cation
            || rings.num_atom_rings(a) > 2
            || at_fusion && rings.num_atom_rings(a) != 2
        {
            return None;
        }
        let nbrs = mol.neighbors(a);
        // aromatic bonds only in this ring (two) or, at the fusion, also the
        // partner's (a third: the fusion atom's only other ring is the
        // partner, which shares no other bond with this ring); every other
        // bond single, but for a carbon's one double bond to a terminal,
        // neutral oxygen
        let (mut aromatic_bonds, mut exo_oxo) = (0, false);
        for &(x, b) in nbrs {
            let bd = mol.bond(b)?;
            if bd.is_aromatic_like() {
                if bd.order != BondOrder::Aromatic {
                    return None;
                }
                aromatic_bonds += 1;
            } else if bd.order == BondOrder::Double && atom.atomic_num == 6 && !exo_oxo {
                let o = mol.atom(x)?;
                if o.atomic_num != 8
                    || o.formal_charge != 0
                    || o.aromatic
                    || mol.neighbors(x).len() != 1
                {
                    return None;
                }
                exo_oxo = true;
            } else if bd.order != BondOrder::Single {
                return None;
            }
        }
        if aromatic_bonds != 2 + usize::from(at_fusion) {
            return None;
        }
        let connections = nbrs.len() + usize::from(atom.total_hs());
        electrons += match (atom.atomic_num, connections) {
            // an exocyclic C=O: RDKit's vacant donor, no double bond needed
            (6, 3) if exo_oxo && !at_fusion => {
                vacant = true;
                0
            }
            (6, 3) if !exo_oxo => 1,
            // (a cation with two connections is a radical, never plain)
            (7, 2) if !at_fusion && !cation => 1,
            (7, 3) if cation && !at_fusion => 1,
            (7, 3) | (8 | 16, 2) if !at_fusion => 2,
            (7, 3) if bridgehead_allowed && !cation => {
                bridgehead = true;
                2
            }
            _ => return None,
        };
    }
    // with a bridgehead nitrogen: the five-membered ring counts six, the
    // six-membered seven, every other atom giving one (no C=O carbon)
    let expected = if bridgehead && ring.len() == 6 { 7 } else { 6 };
    (electrons == expected && !(bridgehead && vacant)).then_some(vacant)
}

/// Whether the atoms of `rings` (the aromatic rings of a plain system) that
/// need a double bond (all but lone-pair donors and carbons with an
/// exocyclic C=O) can all get one from the rings' aromatic bonds: a perfect
/// matching, searched exhaustively (the rings are few and small).
fn kekule_structure_exists(mol: &MolBuilder, rings: &RingInfo, members: &[usize]) -> bool {
    let mut atoms: smallvec::SmallVec<[AtomIdx; 16]> = smallvec::SmallVec::new();
    for ring in members.iter().filter_map(|&i| rings.atom_rings().get(i)) {
        for &a in ring {
            if !atoms.contains(&a) && needs_double_bond(mol, a) {
                atoms.push(a);
            }
        }
    }
    if atoms.len() > 24 {
        return false;
    }
    let mut matched: smallvec::SmallVec<[bool; 16]> = smallvec::smallvec![false; atoms.len()];
    perfect_matching(mol, &atoms, &mut matched)
}

/// An atom of a plain aromatic ring that needs a double bond: two or three
/// connections through ring bonds with no exocyclic double bond and no
/// lone pair to give.
fn needs_double_bond(mol: &MolBuilder, a: AtomIdx) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let connections = mol.neighbors(a).len() + usize::from(atom.total_hs());
    let single_only = mol.neighbors(a).iter().all(|&(_, b)| {
        mol.bond(b)
            .is_some_and(|bd| matches!(bd.order, BondOrder::Single | BondOrder::Aromatic))
    });
    single_only && matches!((atom.atomic_num, connections), (6, 3) | (7, 2))
}

fn perfect_matching(mol: &MolBuilder, atoms: &[AtomIdx], matched: &mut [bool]) -> bool {
    let Some(first) = matched.iter().position(|&m| !m) else {
        return true;
    };
    let Some(&a) = atoms.get(first) else {
        return false;
    };
    if let Some(m) = matched.get_mut(first) {
        *m = true;
    }
    for &(x, b) in mol.neighbors(a) {
        if !mol
            .bond(b)
            .is_some_and(|bd| bd.order == BondOrder::Aromatic)
        {
            continue;
        }
        let Some(k) = atoms.iter().position(|&y| y == x) else {
            continue;
        };
        if matched.get(k).copied().unwrap_or(true) {
            continue;
        }
        if let Some(m) = matched.get_mut(k) {
            *m = true;
        }
        if perfect_matching(mol, atoms, matched) {
            return true;
        }
        if let Some(m) = matched.get_mut(k) {
            *m = false;
        }
    }
    if let Some(m) = matched.get_mut(first) {
        *m = false;
    }
    false
}

/// Whether [`perceive`] has nothing to type: with `shortcut`, when every
/// ring is left as written (`skip`) or holds a saturated carbon (never a
/// candidate, so neither that ring nor any fused group with it can turn
/// aromatic); tests compare with the full pass. Callers may then skip
/// preparing its inputs.
pub(crate) fn nothing_to_type(
    mol: &MolBuilder,
    rings: &RingInfo,
    skip: Option<&[bool]>,
    shortcut: bool,
) -> bool {
    shortcut
        && rings.atom_rings().iter().all(|ring| {
            ring.first().is_some_and(|a| in_mask(skip, a.index()))
                || ring.iter().any(|&a| is_saturated_carbon(mol, a))
        })
}

/// Sets aromatic flags (and aromatic bond orders) on a Kekulé molecule.
/// Rings whose atoms are in `skip` (rings of [`plain_aromatic_ring_atoms`],
/// left aromatic by kekulisation) are left as they are. With `shortcut`,
/// a molecule whose rings are all skipped or saturated returns at once.
pub(crate) fn perceive(
    mol: &mut MolBuilder,
    rings: &RingInfo,
    states: &[AtomState],
    skip: Option<&[bool]>,
    shortcut: bool,
) {
    if nothing_to_type(mol, rings, skip, shortcut) {
        return;
    }
    let n = mol.num_atoms();
    let mut donors = vec![Donor::None; n];
    let mut cand = vec![false; n];
    let mut seen = vec![false; n];
    let mut cand_rings: Vec<usize> = Vec::with_capacity(rings.num_rings());
    for (ri, ring) in rings.atom_rings().iter().enumerate() {
        if ring.first().is_some_and(|a| in_mask(skip, a.index())) {
            continue;
        }
        let mut all_arom = true;
        let mut all_dummy = true;
        for &a in ring {
            let i = a.index();
            let Some(atom) = mol.atom(a) else { continue };
            if atom.atomic_num != 0 {
                all_dummy = false;
            }
            if seen.get(i).copied().unwrap_or(true) {
                if !cand.get(i).copied().unwrap_or(false) {
                    all_arom = false;
                }
                continue;
            }
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
            let Some(st) = states.get(i) else { continue };
            let mut d = donor_type(mol, rings, a, st);
            if d == Donor::Two
                && ring.len() >= 9
                && matches!(atom.atomic_num, 8 | 16)
                && mol.neighbors(a).len() == 2
                && atom.formal_charge == 0
                && !mol.neighbors(a).iter().any(|&(_, b)| {
                    mol.bond(b)
                        .is_some_and(|bd| matches!(bd.order, BondOrder::Double | BondOrder::Triple))
                })
            {
                d = Donor::None;
            }
            let c = is_candidate(mol, a, d, st);
            if let Some(s) = donors.get_mut(i) {
                *s = d;
            }
            if let Some(s) = cand.get_mut(i) {
                *s = c;
            }
            if !c {
                all_arom = false;
            }
        }
        if all_arom && !all_dummy {
            cand_rings.push(ri);
        }
    }
    let bond_rings: Vec<&[BondIdx]> = cand_rings
        .iter()
        .filter_map(|&ri| rings.bond_rings().get(ri))
        .collect();
    let atom_rings: Vec<&[AtomIdx]> = cand_rings
        .iter()
        .filter_map(|&ri| rings.atom_rings().get(ri))
        .collect();
    let nr = bond_rings.len();
    // ring neighbour map: rings of at most 24 atoms sharing exactly one bond
    let neigh = ring_neighbor_map(&bond_rings, MAX_FUSED_RING_SIZE, 1);
    let mut done = vec![false; nr];
    let mut fused = Vec::new();
    for start in 0..nr {
        if done.get(start).copied().unwrap_or(true) {
            continue;
        }
        pick_fused(start, &neigh, &mut done, &mut fused);
        apply_to_fused(mol, &fused, &atom_rings, &bond_rings, &donors, &neigh);
    }
}

/// Whether the rings `ids` form one fused group through `neigh`; `reached`
/// and `stack` are scratch buffers.
fn is_connected(
    ids: &[usize],
    neigh: &[Vec<usize>],
    reached: &mut Vec<usize>,
    stack: &mut Vec<usize>,
) -> bool {
    let Some(&first) = ids.first() else {
        return false;
    };
    if ids.len() == 1 {
        return true;
    }
    reached.clear();
    stack.clear();
    reached.push(first);
    stack.push(first);
    while let Some(r) = stack.pop() {
        for &nb in neigh.get(r).map_or(&[][..], |v| v.as_slice()) {
            if ids.contains(&nb) && !reached.contains(&nb) {
                reached.push(nb);
                stack.push(nb);
            }
        }
    }
    reached.len() == ids.len()
}

fn next_combination(comb: &mut [usize], total: usize) -> bool {
    let k = comb.len();
    let mut i = k;
    while i > 0 {
        i -= 1;
        if comb.get(i).copied() != Some(total - k + i) {
            if let Some(c) = comb.get_mut(i) {
                *c += 1;
            }
            for j in (i + 1)..k {
                let prev = comb.get(j - 1).copied().unwrap_or(0);
                if let Some(c) = comb.get_mut(j) {
                    *c = prev + 1;
                }
            }
            return true;
        }
    }
    false
}

fn apply_to_fused(
    mol: &mut MolBuilder,
    fused: &[usize],
    atom_rings: &[&[AtomIdx]],
    bond_rings: &[&[BondIdx]],
    donors: &[Donor],
    neigh: &[Vec<usize>],
) {
    let nrings = fused.len();
    let mut ring_bonds: Vec<BondIdx> = fused
        .iter()
        .filter_map(|&r| bond_rings.get(r))
        .flat_map(|r| r.iter().copied())
        .collect();
    ring_bonds.sort();
    ring_bonds.dedup();
    // bonds marked aromatic so far: the search stops once every ring bond is
    let mut done_bonds = 0usize;
    let mut bond_done = vec![false; mol.num_bonds()];
    // per-combination scratch: ring membership counts of the atoms touched,
    // the atoms in one or two of the rings, the connectivity search
    let mut count = vec![0u8; mol.num_atoms()];
    let mut touched: Vec<usize> = Vec::with_capacity(ring_bonds.len());
    let mut members: Vec<usize> = Vec::with_capacity(ring_bonds.len());
    let (mut reached, mut stack) = (Vec::new(), Vec::new());
    let mut ids: Vec<usize> = Vec::with_capacity(MAX_FUSED_RINGS);
    let mut size = 0usize;
    loop {
        if size == 2 && nrings > 300 {
            break;
        }
        size += 1;
        if size > nrings.min(MAX_FUSED_RINGS) || done_bonds >= ring_bonds.len() {
            break;
        }
        let mut comb: Vec<usize> = (0..size).collect();
        loop {
            ids.clear();
            ids.extend(comb.iter().filter_map(|&i| fused.get(i).copied()));
            if is_connected(&ids, neigh, &mut reached, &mut stack) {
                for &r in &ids {
                    for a in atom_rings.get(r).copied().unwrap_or(&[]) {
                        if let Some(c) = count.get_mut(a.index()) {
                            if *c == 0 {
                                touched.push(a.index());
                            }
                            *c = c.saturating_add(1);
                        }
                    }
                }
                // the Hückel count does not depend on the members' order
                members.clear();
                members.extend(
                    touched
                        .iter()
                        .copied()
                        .filter(|&a| matches!(count.get(a), Some(1 | 2))),
                );
                for &a in &touched {
                    if let Some(c) = count.get_mut(a) {
                        *c = 0;
                    }
                }
                touched.clear();
                if huckel(&members, donors) {
                    done_bonds += mark_aromatic(mol, &ids, bond_rings, &mut bond_done);
                }
            }
            if !next_combination(&mut comb, nrings) {
                break;
            }
        }
    }
}

fn mark_aromatic(
    mol: &mut MolBuilder,
    ids: &[usize],
    bond_rings: &[&[BondIdx]],
    done: &mut [bool],
) -> usize {
    let mut newly_done = 0;
    let mut counts: Vec<(BondIdx, u32)> = Vec::with_capacity(
        ids.iter()
            .filter_map(|&r| bond_rings.get(r))
            .map(|r| r.len())
            .sum(),
    );
    for &r in ids {
        for &b in bond_rings.get(r).copied().unwrap_or(&[]) {
            match counts.iter_mut().find(|(x, _)| *x == b) {
                Some(e) => e.1 += 1,
                None => counts.push((b, 1)),
            }
        }
    }
    for (b, c) in counts {
        if c != 1 {
            continue;
        }
        let mut ends = None;
        if let Some(bond) = mol.bond_mut(b) {
            bond.aromatic = true;
            if matches!(bond.order, BondOrder::Single | BondOrder::Double) {
                bond.order = BondOrder::Aromatic;
                ends = Some((bond.begin, bond.end));
            }
        }
        if let Some((x, y)) = ends {
            for a in [x, y] {
                if let Some(atom) = mol.atom_mut(a) {
                    atom.aromatic = true;
                }
            }
        }
        if let Some(d) = done.get_mut(b.index()) {
            if !*d {
                *d = true;
                newly_done += 1;
            }
        }
    }
    newly_done
}
