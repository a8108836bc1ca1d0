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

/// Canonical ranks (a permutation of `0..n`). With `use_stereo` false,
/// stereo is ignored (for writing SMILES without stereo).
pub fn canonical_ranks(mol: &Mol, use_stereo: bool) -> Vec<u32> {
    let n = mol.num_atoms();
    // Degree first so that the lowest-ranked atom, where writing starts, is terminal.
    let keys: Vec<(usize, u8, u16, i8, u8, bool, usize, u32)> = mol
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
                mol.rings().num_atom_rings(idx),
                a.map_num,
            )
        })
        .collect();
    let (mut ranks, _) = dense_ranks(&keys);
    let base_weights: Vec<u32> = mol.bonds().iter().map(|b| u32::from(b.order.code())).collect();
    loop {
        stabilise(mol, &base_weights, &mut ranks, use_stereo);
        let mut sorted = ranks.clone();
        sorted.sort_unstable();
        // smallest tied rank
        let tied = sorted.windows(2).find(|w| w.first() == w.get(1)).and_then(|w| w.first().copied());
        let Some(r) = tied else { break };
        let Some(chosen) = (0..n).find(|&i| ranks.get(i) == Some(&r)) else { break };
        let keys: Vec<(u32, u8)> = (0..n)
            .map(|i| (ranks.get(i).copied().unwrap_or(0), u8::from(i != chosen)))
            .collect();
        ranks = dense_ranks(&keys).0;
    }
    ranks
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
            .map(|a| match atom_label(mol.neighbors(a), mol.atom(a).chirality, ranks) {
                None => 0,
                Some(false) => 1,
                Some(true) => 2,
            })
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
