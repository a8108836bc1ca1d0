//! Square-planar, trigonal-bipyramidal and octahedral centres read from 3D
//! coordinates, as RDKit 2026.09 reads them from a 3D molfile
//! (`assignNontetrahedralChiralTypeFrom3D`, called by
//! `assignChiralTypesFrom3D` before the tetrahedral test).
//!
//! The shape comes from which neighbours lie opposite each other (bond
//! vectors within about 25 degrees of a straight line); the permutation
//! number, in OpenSMILES' numbering relative to the atom's neighbour order,
//! from which positions those pairs take and, where the shape leaves a
//! handedness, from the sign of a triple product of bond directions.

use shennong_mol::{AtomIdx, Chirality, MolBuilder, StereoClass};

use crate::reader::{cross, dot, sub};

/// Two bond directions are opposite when their cosine is below `-(1 - OPPOSITE_TOLERANCE)`.
const OPPOSITE_TOLERANCE: f64 = 0.1;

/// The non-tetrahedral tag 3D coordinates give atom `a`, or `None` when the
/// atom is lighter than phosphorus, has fewer than three or more than six
/// neighbours, or its neighbours' arrangement is none of T-shaped,
/// see-saw, square planar, square pyramidal, trigonal bipyramidal or
/// octahedral. The caller skips atoms with a wavy bond.
pub(crate) fn nontetrahedral_from_3d(
    mol: &MolBuilder,
    positions: &[[f64; 3]],
    a: AtomIdx,
) -> Option<Chirality> {
    if mol.atom(a).is_none_or(|atom| atom.atomic_num < 15) {
        return None;
    }
    let nbrs = mol.neighbors(a);
    if !(3..=6).contains(&nbrs.len()) {
        return None;
    }
    let centre = positions.get(a.index()).copied()?;
    let mut v = [[0.0f64; 3]; 6];
    for (slot, &(x, _)) in v.iter_mut().zip(nbrs) {
        let d = sub(positions.get(x.index()).copied()?, centre);
        let len = dot(d, d).sqrt();
        // a neighbour on top of the atom has no direction; RDKit divides
        // by zero here and finds no pair
        *slot = if len > 0.0 {
            d.map(|c| c / len)
        } else {
            [0.0; 3]
        };
    }
    let count = nbrs.len();
    let v = v.get(..count)?;
    // partner[i]: the neighbour opposite neighbour i
    let mut partner: [Option<usize>; 6] = [None; 6];
    let mut pairs = 0;
    for i in 0..count {
        for j in i + 1..count {
            if dot(*v.get(i)?, *v.get(j)?) < -(1.0 - OPPOSITE_TOLERANCE) {
                if partner.get(i)?.is_some() || partner.get(j)?.is_some() {
                    // one neighbour opposite two others: no shape
                    return None;
                }
                *partner.get_mut(i)? = Some(j);
                *partner.get_mut(j)? = Some(i);
                pairs += 1;
            }
        }
    }
    // whether (x, y, z) form a right-handed set
    let right = |x: usize, y: usize, z: usize| -> bool {
        match (v.get(x), v.get(y), v.get(z)) {
            (Some(&p), Some(&q), Some(&r)) => dot(p, cross(q, r)) >= 0.0,
            _ => false,
        }
    };
    let pick = |cond: bool, yes: u8, no: u8| if cond { yes } else { no };
    let angle = |x: usize, y: usize| match (v.get(x), v.get(y)) {
        (Some(&p), Some(&q)) => dot(p, q).clamp(-1.0, 1.0).acos(),
        _ => 0.0,
    };
    let tag = |class, permutation| Some(Chirality::Other { class, permutation });
    let p0 = *partner.first()?;
    let p1 = *partner.get(1)?;
    let p2 = *partner.get(2)?;
    match (pairs, count) {
        (1, 3) => {
            // T-shape: which two neighbours are opposite
            let permutation = match p0 {
                None => 3,
                Some(1) => 2,
                _ => 1,
            };
            tag(StereoClass::SquarePlanar, permutation)
        }
        (1, 4) => {
            // See-saw: the opposite pair (i, j) and the other two (k, l);
            // the other two at less than 100 degrees read as part of an
            // octahedron, wider as the equator of a trigonal bipyramid.
            let (pair, others) = match (p0, p1) {
                (Some(1), _) => ((0, 1), (2, 3)),
                (Some(2), _) => ((0, 2), (1, 3)),
                (Some(3), _) => ((0, 3), (1, 2)),
                (_, Some(2)) => ((1, 2), (0, 3)),
                (_, Some(3)) => ((1, 3), (0, 2)),
                _ => ((2, 3), (0, 1)),
            };
            let octahedral = angle(others.0, others.1) < 100f64.to_radians();
            let permutation = match (pair, octahedral) {
                ((0, 1), true) => pick(right(0, 2, 3), 25, 29),
                ((0, 1), false) => pick(right(0, 2, 3), 7, 8),
                ((0, 2), true) => pick(right(0, 1, 3), 19, 23),
                ((0, 2), false) => pick(right(0, 1, 3), 5, 6),
                ((0, 3), true) => pick(right(0, 1, 2), 6, 17),
                ((0, 3), false) => pick(right(0, 1, 2), 3, 4),
                ((1, 2), true) => pick(right(0, 1, 3), 10, 8),
                ((1, 2), false) => pick(right(1, 0, 3), 13, 14),
                ((1, 3), true) => pick(right(0, 1, 3), 1, 2),
                ((1, 3), false) => pick(right(1, 0, 2), 10, 12),
                (_, true) => pick(right(0, 1, 3), 4, 14),
                (_, false) => pick(right(3, 0, 1), 16, 19),
            };
            let class = if octahedral {
                StereoClass::Octahedral
            } else {
                StereoClass::TrigonalBipyramidal
            };
            tag(class, permutation)
        }
        (1, 5) => {
            // trigonal bipyramid: the axis is the opposite pair
            let axis = (0..count).find_map(|i| Some((i, partner.get(i).copied()??)))?;
            let permutation = match axis {
                (0, 1) => pick(right(0, 2, 3), 7, 8),
                (0, 2) => pick(right(0, 1, 3), 5, 6),
                (0, 3) => pick(right(0, 1, 2), 3, 4),
                (0, 4) => pick(right(0, 1, 2), 1, 2),
                (1, 2) => pick(right(1, 0, 3), 13, 14),
                (1, 3) => pick(right(1, 0, 2), 10, 12),
                (1, 4) => pick(right(1, 0, 2), 9, 11),
                (2, 3) => pick(right(2, 0, 1), 16, 19),
                (2, 4) => pick(right(2, 0, 1), 15, 20),
                _ => pick(right(3, 0, 1), 17, 18),
            };
            tag(StereoClass::TrigonalBipyramidal, permutation)
        }
        (2, 4) => {
            // square planar: which neighbour is opposite the first
            let permutation = match p0 {
                Some(1) => 2,
                Some(2) => 1,
                _ => 3,
            };
            tag(StereoClass::SquarePlanar, permutation)
        }
        (2, 5) | (3, 6) => {
            // square pyramid or octahedron
            let permutation = match p0 {
                Some(1) => match p2 {
                    Some(3) => pick(right(0, 3, 4), 28, 27),
                    Some(4) => pick(right(0, 2, 3), 25, 30),
                    _ => pick(right(0, 2, 3), 26, 29),
                },
                Some(2) => match p1 {
                    Some(3) => pick(right(0, 3, 4), 22, 21),
                    Some(4) => pick(right(0, 1, 3), 19, 24),
                    _ => pick(right(0, 1, 3), 20, 23),
                },
                Some(3) => match p1 {
                    Some(2) => pick(right(0, 2, 4), 13, 12),
                    Some(4) => pick(right(0, 1, 2), 6, 18),
                    _ => pick(right(0, 1, 2), 7, 17),
                },
                Some(4) => match p1 {
                    Some(2) => pick(right(0, 2, 3), 11, 9),
                    Some(3) => pick(right(0, 1, 2), 3, 16),
                    _ => pick(right(0, 1, 2), 5, 15),
                },
                _ => match p1 {
                    Some(2) => pick(right(0, 2, 3), 10, 8),
                    Some(3) => pick(right(0, 1, 2), 1, 2),
                    _ => pick(right(0, 1, 2), 4, 14),
                },
            };
            tag(StereoClass::Octahedral, permutation)
        }
        _ => None,
    }
}
