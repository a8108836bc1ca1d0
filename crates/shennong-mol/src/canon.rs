//! Canonical atom ranking: the same ranks for the same molecule whatever the
//! input atom order, stereo and isotopes included.
//!
//! Atoms start in classes by element, isotope, charge, hydrogens, degree,
//! aromaticity and ring membership, refined by neighbours (Weininger,
//! Weininger & Weininger, J. Chem. Inf. Comput. Sci. 29, 97 (1989)). Stereo
//! enters as labels computed from neighbour ranks as soon as those are
//! distinct (as in Schneider, Sayle & Landrum, J. Chem. Inf. Model. 55, 2111
//! (2015)). Remaining ties are broken one atom at a time and refined again.

use crate::mol::{AtomIdx, BondStereo, Mol};
use crate::ranks::{dense_ranks, refine};
use crate::stereo::{atom_label, bond_label};

/// Degree, element, isotope, charge, hydrogens, aromatic, in ring, map number.
type AtomInvariant = (usize, u8, u16, i8, u8, bool, bool, u32);

/// Most tie-break alternatives explored for one molecule.
const MAX_CANDIDATES: usize = 64;

/// Canonical ranks (a permutation of `0..n`). With `use_stereo` false,
/// stereo is ignored (for writing SMILES without stereo).
///
/// When ties remain while some stereo element is still undetermined (ring
/// cis/trans such as 1,4-disubstituted cyclohexanes), the result depends on
/// which tied atom is individualised; use [`canonical_rank_candidates`] and
/// pick the smallest output in that case.
pub fn canonical_ranks(mol: &Mol, use_stereo: bool) -> Vec<u32> {
    canonical_rank_candidates(mol, use_stereo)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// All rank vectors reached by breaking ties that affect undetermined stereo
/// in every possible way (at most 64); a writer picks the smallest string
/// among them. Ties that cannot affect stereo are broken once.
pub fn canonical_rank_candidates(mol: &Mol, use_stereo: bool) -> Vec<Vec<u32>> {
    // Degree first so that the lowest-ranked atom, where writing starts, is terminal.
    let keys: Vec<AtomInvariant> = mol
        .atoms()
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let idx = AtomIdx(i as u32);
            (
                mol.degree(idx),
                a.atomic_num,
                a.isotope,
                a.formal_charge,
                a.total_hs(),
                a.aromatic,
                mol.rings().is_ring_atom(idx),
                a.map_num,
            )
        })
        .collect();
    let (ranks, _) = dense_ranks(&keys);
    let base_weights: Vec<u32> = mol
        .bonds()
        .iter()
        .map(|b| u32::from(b.order.code()))
        .collect();
    // stereo only matters when the molecule has some
    let use_stereo = use_stereo
        && (mol
            .atoms()
            .iter()
            .any(|a| a.chirality != crate::mol::Chirality::None)
            || mol.bonds().iter().any(|b| b.stereo != BondStereo::None));
    let mut out = Vec::new();
    explore(mol, &base_weights, ranks, use_stereo, &mut out);
    out
}

/// Atoms whose stereo (or whose double bond's stereo) is set but not yet
/// determined by the current ranks.
fn undetermined_stereo_neighbors(mol: &Mol, ranks: &[u32]) -> Vec<AtomIdx> {
    let mut out = Vec::new();
    for a in mol.atom_indices() {
        let atom = mol.atom(a);
        if atom.chirality.is_tetrahedral()
            && atom_label(mol.neighbors(a), atom.chirality, ranks).is_none()
        {
            out.extend(mol.neighbors(a).iter().map(|&(n, _)| n));
        }
    }
    for a in mol.atom_indices() {
        // @SP/@TB/@OH: which of two tied neighbours comes first changes the
        // permutation number written, so such ties are branched over too
        if let crate::mol::Chirality::Other { permutation, .. } = mol.atom(a).chirality {
            let nbrs = mol.neighbors(a);
            let mut rs: Vec<u32> = nbrs
                .iter()
                .filter_map(|(n, _)| ranks.get(n.index()).copied())
                .collect();
            rs.sort_unstable();
            if permutation > 0 && rs.windows(2).any(|w| w.first() == w.get(1)) {
                out.extend(nbrs.iter().map(|&(n, _)| n));
            }
        }
    }
    for b in mol.bonds() {
        if b.stereo != BondStereo::None
            && bond_label(&mol.adjacency, b.begin, b.end, b.stereo, ranks).is_none()
        {
            for end in [b.begin, b.end] {
                out.extend(mol.neighbors(end).iter().map(|&(n, _)| n));
            }
        }
    }
    out
}

fn individualise(ranks: &[u32], chosen: usize) -> Vec<u32> {
    let r = ranks.get(chosen).copied().unwrap_or(0);
    let keys: Vec<(u32, u8)> = ranks
        .iter()
        .enumerate()
        .map(|(i, &x)| (x, u8::from(!(i == chosen || x != r))))
        .collect();
    dense_ranks(&keys).0
}

fn explore(
    mol: &Mol,
    base_weights: &[u32],
    mut ranks: Vec<u32>,
    use_stereo: bool,
    out: &mut Vec<Vec<u32>>,
) {
    let n = mol.num_atoms();
    loop {
        if out.len() >= MAX_CANDIDATES {
            return;
        }
        stabilise(mol, base_weights, &mut ranks, use_stereo);
        let mut counts = vec![0usize; n];
        for &r in &ranks {
            if let Some(c) = counts.get_mut(r as usize) {
                *c += 1;
            }
        }
        let tied = |r: u32| counts.get(r as usize).is_some_and(|&c| c > 1);
        if !ranks.iter().any(|&r| tied(r)) {
            out.push(ranks);
            return;
        }
        let pending = if use_stereo {
            undetermined_stereo_neighbors(mol, &ranks)
        } else {
            Vec::new()
        };
        // Prefer breaking a tie among neighbours of undetermined stereo; branch over it.
        let stereo_cell = pending
            .iter()
            .filter_map(|a| ranks.get(a.index()).copied())
            .filter(|&r| tied(r))
            .min();
        if let Some(r) = stereo_cell {
            let members: Vec<usize> = (0..n).filter(|&i| ranks.get(i) == Some(&r)).collect();
            for m in members {
                explore(mol, base_weights, individualise(&ranks, m), use_stereo, out);
                if out.len() >= MAX_CANDIDATES {
                    return;
                }
            }
            return;
        }
        let Some(r) = ranks.iter().copied().filter(|&r| tied(r)).min() else {
            return;
        };
        let Some(chosen) = (0..n).find(|&i| ranks.get(i) == Some(&r)) else {
            return;
        };
        ranks = individualise(&ranks, chosen);
    }
}

/// Refines ranks, folding in stereo labels whenever they become defined.
fn stabilise(mol: &Mol, base_weights: &[u32], ranks: &mut Vec<u32>, use_stereo: bool) {
    loop {
        refine(&mol.adjacency, base_weights, ranks);
        if !use_stereo {
            return;
        }
        let atom_codes: Vec<u8> = mol
            .atom_indices()
            .map(
                |a| match atom_label(mol.neighbors(a), mol.atom(a).chirality, ranks) {
                    None => 0,
                    Some(false) => 1,
                    Some(true) => 2,
                },
            )
            .collect();
        let weights: Vec<u32> = mol
            .bonds()
            .iter()
            .zip(base_weights)
            .map(|(b, &w)| {
                if b.stereo == BondStereo::None {
                    return w;
                }
                match bond_label(&mol.adjacency, b.begin, b.end, b.stereo, ranks) {
                    None => w,
                    Some(true) => w + 100,
                    Some(false) => w + 200,
                }
            })
            .collect();
        let keys: Vec<(u32, u8)> = ranks
            .iter()
            .zip(&atom_codes)
            .map(|(&r, &c)| (r, c))
            .collect();
        let (mut next, _) = dense_ranks(&keys);
        refine(&mol.adjacency, &weights, &mut next);
        if next == *ranks {
            return;
        }
        *ranks = next;
    }
}
