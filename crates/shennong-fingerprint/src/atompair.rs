//! Atom pairs (Carhart, Smith & Venkataraghavan, J. Chem. Inf. Comput. Sci.
//! 25, 64 (1985)) and topological torsions (Nilakantan et al., J. Chem. Inf.
//! Comput. Sci. 27, 82 (1987)) with RDKit's atom codes and hashing
//! (`AtomPairGenerator`, `TopologicalTorsionGenerator`).

use std::collections::VecDeque;

use shennong_mol::{AtomIdx, Hybridization, Mol};

use crate::hash::hash_combine;

const ATOM_NUMBER_TYPES: [u8; 15] = [5, 6, 7, 8, 9, 14, 15, 16, 17, 33, 34, 35, 51, 52, 53];
const NUM_BRANCH_BITS: u32 = 3;
const NUM_PI_BITS: u32 = 2;
const MAX_NUM_BRANCHES: u32 = (1 << NUM_BRANCH_BITS) - 1;
const MAX_NUM_PI: u32 = (1 << NUM_PI_BITS) - 1;
/// Bits in an atom code (type, pi electrons, branches).
pub(crate) const CODE_SIZE: u32 = 4 + NUM_PI_BITS + NUM_BRANCH_BITS;

/// RDKit's `numPiElectrons`: 1 for aromatic atoms; otherwise, unless sp3,
/// the bond orders beyond one per bond.
fn pi_electrons(mol: &Mol, a: AtomIdx, hybridization: Option<Hybridization>) -> u32 {
    let atom = mol.atom(a);
    if atom.aromatic {
        return 1;
    }
    if hybridization == Some(Hybridization::Sp3) {
        return 0;
    }
    let mut valence_x2 = 0;
    let mut physical = 0;
    for &(_, b) in mol.neighbors(a) {
        let bond = mol.bond(b);
        let contrib = bond.order.valence_x2(bond.end == a);
        if contrib != 0 {
            physical += 1;
        }
        valence_x2 += contrib;
    }
    let valence = ((valence_x2 + 1) / 2) as u32;
    valence.saturating_sub(physical)
}

/// RDKit's atom-pair atom codes (`getAtomCode` with no branch subtraction).
pub fn atom_codes(mol: &Mol) -> Vec<u32> {
    let hyb = mol.hybridizations().unwrap_or_default();
    mol.atom_indices()
        .map(|a| {
            let branches = mol.degree(a) as u32;
            let mut code = branches % MAX_NUM_BRANCHES;
            let pi = pi_electrons(mol, a, hyb.get(a.index()).copied()) % MAX_NUM_PI;
            code |= pi << NUM_BRANCH_BITS;
            let z = mol.atom(a).atomic_num;
            let type_idx = ATOM_NUMBER_TYPES.iter().position(|&t| t == z).unwrap_or(15) as u32;
            code | (type_idx << (NUM_BRANCH_BITS + NUM_PI_BITS))
        })
        .collect()
}

/// Topological distances from `start` (u32::MAX when unreachable).
fn distances_from(mol: &Mol, start: usize, dist: &mut [u32], queue: &mut VecDeque<usize>) {
    dist.fill(u32::MAX);
    if let Some(d) = dist.get_mut(start) {
        *d = 0;
    }
    queue.clear();
    queue.push_back(start);
    while let Some(a) = queue.pop_front() {
        let da = dist.get(a).copied().unwrap_or(u32::MAX);
        for &(n, _) in mol.neighbors(AtomIdx(a as u32)) {
            if let Some(dn) = dist.get_mut(n.index()) {
                if *dn == u32::MAX {
                    *dn = da + 1;
                    queue.push_back(n.index());
                }
            }
        }
    }
}

/// One id per pair of atoms whose topological distance lies in
/// `min_distance..=max_distance`, from (smaller code, distance, larger code).
fn atom_pairs(
    mol: &Mol,
    min_distance: u32,
    max_distance: u32,
    id: impl Fn(u32, u32, u32) -> u32,
) -> Vec<u32> {
    let codes = atom_codes(mol);
    let limit = (1u32 << CODE_SIZE) - 1;
    let n = mol.num_atoms();
    let mut dist = vec![u32::MAX; n];
    let mut queue = VecDeque::new();
    let mut out = Vec::new();
    for i in 0..n {
        distances_from(mol, i, &mut dist, &mut queue);
        let ci = codes.get(i).copied().unwrap_or(0) % limit;
        for j in i + 1..n {
            let d = dist.get(j).copied().unwrap_or(u32::MAX);
            if d < min_distance || d > max_distance {
                continue;
            }
            let cj = codes.get(j).copied().unwrap_or(0) % limit;
            out.push(id(ci.min(cj), d, ci.max(cj)));
        }
    }
    out
}

/// Hashed atom-pair feature ids (one per pair of atoms whose topological
/// distance lies in `min_distance..=max_distance`).
pub fn atom_pair_ids(mol: &Mol, min_distance: u32, max_distance: u32) -> Vec<u32> {
    atom_pairs(mol, min_distance, max_distance, |lo, d, hi| {
        let mut id = 0;
        hash_combine(&mut id, lo);
        hash_combine(&mut id, d);
        hash_combine(&mut id, hi);
        id
    })
}

/// Unhashed atom-pair codes as RDKit's sparse count fingerprints hold them
/// (`GetAtomPairFingerprint`, `GetSparseCountFingerprint`): the distance in
/// the low 5 bits, then the smaller and the larger atom code (distances
/// beyond 31 do not fit and are left out, as RDKit's `maxPathLen` does).
pub fn atom_pair_codes(mol: &Mol, min_distance: u32, max_distance: u32) -> Vec<u32> {
    const NUM_PATH_BITS: u32 = 5;
    let max = max_distance.min((1 << NUM_PATH_BITS) - 1);
    atom_pairs(mol, min_distance, max, |lo, d, hi| {
        d | (lo << NUM_PATH_BITS) | (hi << (NUM_PATH_BITS + CODE_SIZE))
    })
}

/// Hashed topological-torsion ids: paths of `atoms` atoms between heavy
/// atoms (a three-membered ring closes a four-atom path), each once.
pub fn torsion_ids(mol: &Mol, atoms: usize) -> Vec<u32> {
    let limit = (1u32 << CODE_SIZE) - 1;
    // RDKit's torsion invariants are the atom codes minus 2 (wrapping).
    let codes: Vec<u32> = atom_codes(mol)
        .into_iter()
        .map(|c| c.wrapping_sub(2) % limit)
        .collect();
    let heavy = |a: AtomIdx| mol.atom(a).atomic_num != 1;
    let mut out = Vec::new();
    if atoms < 2 {
        return out;
    }
    // Bonds between heavy atoms only (RDKit's torsions ignore hydrogens).
    let adjacency: Vec<Vec<usize>> = mol
        .atom_indices()
        .map(|a| {
            if !heavy(a) {
                return Vec::new();
            }
            mol.neighbors(a)
                .iter()
                .filter(|&&(o, _)| heavy(o))
                .map(|&(o, _)| o.index())
                .collect()
        })
        .collect();
    let mut path: Vec<usize> = Vec::with_capacity(atoms);
    let mut pcodes: Vec<u32> = Vec::with_capacity(atoms);
    // Every walk is enumerated; `emit` keeps one per bond set, the one RDKit
    // keeps: linear paths once (start < end), a three-membered ring closed
    // back onto its start as its lexicographically smallest walk.
    fn walk(
        adjacency: &[Vec<usize>],
        atoms: usize,
        path: &mut Vec<usize>,
        emit: &mut dyn FnMut(&[usize]),
    ) {
        if path.len() == atoms {
            emit(path);
            return;
        }
        let Some(&last) = path.last() else { return };
        for &o in adjacency.get(last).map_or(&[][..], Vec::as_slice) {
            let in_path = path.contains(&o);
            let closes_ring =
                in_path && atoms > 3 && path.len() == atoms - 1 && path.first() == Some(&o);
            if in_path && !closes_ring {
                continue;
            }
            path.push(o);
            walk(adjacency, atoms, path, emit);
            path.pop();
        }
    }
    for s in mol.atom_indices().map(AtomIdx::index) {
        if adjacency.get(s).is_none_or(Vec::is_empty) {
            continue;
        }
        path.clear();
        path.push(s);
        let mut emit = |p: &[usize]| {
            let (Some(&first), Some(&last)) = (p.first(), p.last()) else {
                return;
            };
            if first == last {
                // three-membered ring: keep the lexicographically smallest walk
                let (Some(&b), Some(&c)) = (p.get(1), p.get(2)) else {
                    return;
                };
                if !(first < b && b < c) {
                    return;
                }
            } else if first > last {
                return;
            }
            pcodes.clear();
            for (k, &a) in p.iter().enumerate() {
                let mut code = codes.get(a).copied().unwrap_or(0) + 1;
                if k != 0 && k + 1 != p.len() {
                    code -= 1;
                }
                pcodes.push(code);
            }
            out.push(torsion_hash(&pcodes));
        };
        walk(&adjacency, atoms, &mut path, &mut emit);
    }
    out
}

/// RDKit's `getTopologicalTorsionHash`: codes read from the end that makes
/// the sequence smaller.
fn torsion_hash(codes: &[u32]) -> u32 {
    let mut reverse = false;
    let (mut i, mut j) = (0usize, codes.len().saturating_sub(1));
    while i < j {
        let (a, b) = (codes.get(i), codes.get(j));
        if a > b {
            reverse = true;
            break;
        } else if a < b {
            break;
        }
        i += 1;
        j -= 1;
    }
    let mut h = 0;
    if reverse {
        for &c in codes.iter().rev() {
            hash_combine(&mut h, c);
        }
    } else {
        for &c in codes {
            hash_combine(&mut h, c);
        }
    }
    h
}
