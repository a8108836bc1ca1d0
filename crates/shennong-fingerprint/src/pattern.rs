//! Shennong's substructure-screening fingerprint.
//!
//! Features are the atoms (by element) and the simple paths of up to
//! [`MAX_PATH`] bonds, labelled by element and bond class (single-or-aromatic,
//! double, triple, other), read in the direction giving the smaller label
//! sequence. A query's fingerprint uses only atoms whose element and bonds
//! whose class its SMARTS pins down; every such path maps onto a path of the
//! same labels in any molecule the query matches, so the query's bits are a
//! subset of the molecule's: the screen never rejects a true match.

use shennong_mol::Mol;
use shennong_smarts::{BondClass, Query};

use crate::fp::BitFingerprint;
use crate::hash::hash_combine;

/// Longest path, in bonds.
pub const MAX_PATH: usize = 5;

fn class_code(c: BondClass) -> u32 {
    match c {
        BondClass::SingleOrAromatic => 1,
        BondClass::Double => 2,
        BondClass::Triple => 3,
        BondClass::Other => 4,
    }
}

/// A graph with optional labels: `None` marks an atom or bond the query does
/// not pin down (paths stop there); only labelled bonds are kept.
struct Labelled {
    atom_label: Vec<Option<u32>>,
    adjacency: Vec<Vec<(usize, u32)>>,
}

fn set_feature(fp: &mut BitFingerprint, labels: &[u32]) {
    // direction-independent: hash the smaller of forward and reverse
    let forward = labels.iter();
    let backward = labels.iter().rev();
    let use_reverse = backward.clone().lt(forward.clone());
    let mut h: u32 = labels.len() as u32;
    if use_reverse {
        for &l in labels.iter().rev() {
            hash_combine(&mut h, l);
        }
    } else {
        for &l in labels {
            hash_combine(&mut h, l);
        }
    }
    let n = fp.len();
    if n > 0 {
        fp.set(h % n);
    }
}

fn walk(g: &Labelled, path: &mut Vec<usize>, labels: &mut Vec<u32>, fp: &mut BitFingerprint) {
    set_feature(fp, labels);
    if path.len() > MAX_PATH {
        return;
    }
    let Some(&last) = path.last() else { return };
    for &(o, bl) in g.adjacency.get(last).map_or(&[][..], Vec::as_slice) {
        let Some(Some(al)) = g.atom_label.get(o) else {
            continue;
        };
        if path.contains(&o) {
            continue;
        }
        path.push(o);
        labels.push(bl);
        labels.push(*al);
        walk(g, path, labels, fp);
        labels.pop();
        labels.pop();
        path.pop();
    }
}

fn fingerprint(g: &Labelled, nbits: u32) -> BitFingerprint {
    let mut fp = BitFingerprint::new(nbits);
    let mut path = Vec::with_capacity(MAX_PATH + 1);
    let mut labels = Vec::with_capacity(2 * MAX_PATH + 1);
    for (a, label) in g.atom_label.iter().enumerate() {
        let Some(l) = label else { continue };
        path.clear();
        labels.clear();
        path.push(a);
        labels.push(*l);
        walk(g, &mut path, &mut labels, &mut fp);
    }
    fp
}

/// The screening fingerprint of a molecule.
pub fn pattern_fingerprint(mol: &Mol, nbits: u32) -> BitFingerprint {
    let g = Labelled {
        atom_label: mol
            .atoms()
            .iter()
            .map(|a| Some(u32::from(a.atomic_num)))
            .collect(),
        adjacency: mol
            .atom_indices()
            .map(|a| {
                mol.neighbors(a)
                    .iter()
                    .map(|&(o, b)| (o.index(), class_code(BondClass::of(mol.bond(b).order))))
                    .collect()
            })
            .collect(),
    };
    fingerprint(&g, nbits)
}

/// The screening fingerprint of a SMARTS query: a subset of the
/// fingerprint of every molecule the query matches.
pub fn query_pattern_fingerprint(query: &Query, nbits: u32) -> BitFingerprint {
    let g = Labelled {
        atom_label: (0..query.num_atoms())
            .map(|a| query.definite_atomic_num(a).map(u32::from))
            .collect(),
        adjacency: (0..query.num_atoms())
            .map(|a| {
                query
                    .neighbors(a)
                    .iter()
                    .filter_map(|&(o, b)| Some((o, class_code(query.definite_bond_class(b)?))))
                    .collect()
            })
            .collect(),
    };
    fingerprint(&g, nbits)
}
