//! RDKit's topological ("Daylight-like") fingerprint, `RDKFingerprint`:
//! every connected subgraph of `min_path..=max_path` bonds (or only linear
//! paths) hashed from its bonds' environments (`RDKitFPGenerator`).

use shennong_mol::{AtomIdx, BondOrder, Mol};

use crate::hash::{hash_combine, hash_range};
use crate::morgan::rdkit_bond_type;

/// Options of the path fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathOptions {
    /// Smallest subgraph, in bonds.
    pub min_path: u32,
    /// Largest subgraph, in bonds.
    pub max_path: u32,
    /// Branched subgraphs (true) or linear paths only.
    pub branched: bool,
    /// Hash bond orders (true) or treat all bonds alike.
    pub use_bond_order: bool,
    /// Include bonds to hydrogen atoms of the graph.
    pub use_hs: bool,
}

impl Default for PathOptions {
    fn default() -> PathOptions {
        PathOptions {
            min_path: 1,
            max_path: 7,
            branched: true,
            use_bond_order: true,
            use_hs: true,
        }
    }
}

/// Subgraph hashes, one per enumerated subgraph.
pub fn path_ids(mol: &Mol, opts: &PathOptions) -> Vec<u32> {
    let atom_inv: Vec<u32> = mol
        .atoms()
        .iter()
        .map(|a| (u32::from(a.atomic_num) % 128) << 1 | u32::from(a.aromatic))
        .collect();
    let nb = mol.num_bonds();
    let is_h = |a: AtomIdx| mol.atom(a).atomic_num == 1;
    // Bonds sharing an atom with each bond (RDKit's getNbrsList).
    let mut nbrs: Vec<Vec<usize>> = vec![Vec::new(); nb];
    let mut usable = vec![false; nb];
    for a in mol.atom_indices() {
        if !opts.use_hs && is_h(a) {
            continue;
        }
        let bonds: Vec<(AtomIdx, usize)> = mol
            .neighbors(a)
            .iter()
            .filter(|&&(o, _)| opts.use_hs || !is_h(o))
            .map(|&(o, b)| (o, b.index()))
            .collect();
        for &(_, b1) in &bonds {
            if let Some(u) = usable.get_mut(b1) {
                *u = true;
            }
            for &(_, b2) in &bonds {
                if b1 != b2 {
                    if let Some(v) = nbrs.get_mut(b1) {
                        v.push(b2);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut scratch = Scratch {
        degree: vec![0; mol.num_atoms()],
        hashes: Vec::with_capacity(16),
        atoms: Vec::with_capacity(16),
    };
    let mut emit = |path: &[usize]| {
        if (path.len() as u32) >= opts.min_path {
            out.push(subgraph_hash(
                mol,
                &atom_inv,
                path,
                opts.use_bond_order,
                &mut scratch,
            ));
        }
    };
    if opts.branched {
        let mut forbidden = vec![false; nb];
        let mut path = Vec::with_capacity(opts.max_path as usize);
        for b in 0..nb {
            if !usable.get(b).copied().unwrap_or(false) {
                continue;
            }
            if let Some(f) = forbidden.get_mut(b) {
                *f = true;
            }
            path.clear();
            path.push(b);
            let cands = nbrs.get(b).cloned().unwrap_or_default();
            grow(
                &nbrs,
                &mut path,
                cands,
                opts.max_path as usize,
                forbidden.clone(),
                &mut emit,
            );
        }
    } else {
        linear_paths(mol, opts, &mut emit);
    }
    out
}

/// Exactly-once enumeration of connected bond subgraphs containing the
/// current one: each candidate is tried, then excluded from its siblings.
fn grow(
    nbrs: &[Vec<usize>],
    path: &mut Vec<usize>,
    mut cands: Vec<usize>,
    max: usize,
    mut forbidden: Vec<bool>,
    emit: &mut dyn FnMut(&[usize]),
) {
    emit(path);
    if path.len() >= max {
        return;
    }
    while let Some(next) = cands.pop() {
        if forbidden.get(next).copied().unwrap_or(true) {
            continue;
        }
        if let Some(f) = forbidden.get_mut(next) {
            *f = true;
        }
        let mut child = cands.clone();
        for &b in nbrs.get(next).map_or(&[][..], Vec::as_slice) {
            if !forbidden.get(b).copied().unwrap_or(true) {
                child.push(b);
            }
        }
        path.push(next);
        grow(nbrs, path, child, max, forbidden.clone(), emit);
        path.pop();
    }
}

/// Linear paths of bonds, each once (RDKit's `findAllPathsOfLengthsMtoN`
/// with `useBonds`), for `branched = false`.
fn linear_paths(mol: &Mol, opts: &PathOptions, emit: &mut dyn FnMut(&[usize])) {
    let is_h = |a: AtomIdx| mol.atom(a).atomic_num == 1;
    let mut seen: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    let mut atoms: Vec<AtomIdx> = Vec::new();
    let mut bonds: Vec<usize> = Vec::new();
    fn walk(
        mol: &Mol,
        opts: &PathOptions,
        is_h: &dyn Fn(AtomIdx) -> bool,
        atoms: &mut Vec<AtomIdx>,
        bonds: &mut Vec<usize>,
        seen: &mut std::collections::HashSet<Vec<usize>>,
        emit: &mut dyn FnMut(&[usize]),
    ) {
        if !bonds.is_empty() {
            let mut key = bonds.clone();
            key.sort_unstable();
            if seen.insert(key) {
                emit(bonds);
            }
        }
        if bonds.len() as u32 >= opts.max_path {
            return;
        }
        let Some(&last) = atoms.last() else { return };
        for &(o, b) in mol.neighbors(last) {
            if !opts.use_hs && (is_h(o) || is_h(last)) {
                continue;
            }
            let closes = atoms.first() == Some(&o)
                && atoms.len() > 2
                && bonds.len() + 1 == opts.max_path as usize;
            if atoms.contains(&o) && !closes {
                continue;
            }
            atoms.push(o);
            bonds.push(b.index());
            walk(mol, opts, is_h, atoms, bonds, seen, emit);
            bonds.pop();
            atoms.pop();
        }
    }
    for a in mol.atom_indices() {
        atoms.clear();
        bonds.clear();
        atoms.push(a);
        walk(mol, opts, &is_h, &mut atoms, &mut bonds, &mut seen, emit);
    }
}

struct Scratch {
    degree: Vec<u32>,
    hashes: Vec<u32>,
    atoms: Vec<usize>,
}

/// RDKit's `generateBondHashes` followed by the subgraph hash.
fn subgraph_hash(
    mol: &Mol,
    atom_inv: &[u32],
    path: &[usize],
    use_bond_order: bool,
    s: &mut Scratch,
) -> u32 {
    let bonds = mol.bonds();
    s.atoms.clear();
    for &b in path {
        if let Some(bond) = bonds.get(b) {
            for a in [bond.begin.index(), bond.end.index()] {
                if let Some(d) = s.degree.get_mut(a) {
                    if *d == 0 {
                        s.atoms.push(a);
                    }
                    *d += 1;
                }
            }
        }
    }
    s.hashes.clear();
    for (i, &bi) in path.iter().enumerate() {
        let Some(bond) = bonds.get(bi) else { continue };
        let shared = path
            .iter()
            .enumerate()
            .filter(|&(j, &bj)| {
                j != i
                    && bonds.get(bj).is_some_and(|o| {
                        o.begin == bond.begin
                            || o.begin == bond.end
                            || o.end == bond.begin
                            || o.end == bond.end
                    })
            })
            .count() as u32;
        let (b, e) = (bond.begin.index(), bond.end.index());
        let mut a1 = atom_inv.get(b).copied().unwrap_or(0);
        let mut a2 = atom_inv.get(e).copied().unwrap_or(0);
        let mut d1 = s.degree.get(b).copied().unwrap_or(0);
        let mut d2 = s.degree.get(e).copied().unwrap_or(0);
        if a1 < a2 {
            std::mem::swap(&mut a1, &mut a2);
            std::mem::swap(&mut d1, &mut d2);
        } else if a1 == a2 && d1 < d2 {
            std::mem::swap(&mut d1, &mut d2);
        }
        let bond_hash = if !use_bond_order {
            1
        } else if bond.aromatic || bond.order == BondOrder::Aromatic {
            12
        } else {
            rdkit_bond_type(bond.order)
        };
        let mut h = shared;
        hash_combine(&mut h, bond_hash);
        hash_combine(&mut h, a1);
        hash_combine(&mut h, d1);
        hash_combine(&mut h, a2);
        hash_combine(&mut h, d2);
        s.hashes.push(h);
    }
    let natoms = s.atoms.len() as u32;
    for &a in &s.atoms {
        if let Some(d) = s.degree.get_mut(a) {
            *d = 0;
        }
    }
    if s.hashes.len() > 1 {
        s.hashes.sort_unstable();
        s.hashes.push(natoms);
        hash_range(&s.hashes)
    } else {
        s.hashes.first().copied().unwrap_or(0)
    }
}
