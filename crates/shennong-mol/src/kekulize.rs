//! Kekulisation: assign alternating single/double bonds to aromatic systems.
//!
//! Which aromatic atoms must receive a double bond follows RDKit's
//! `markDbondCands` (default valence adjusted for charge, hydrogens and
//! radicals); the assignment itself is a perfect matching over aromatic
//! bonds, found by backtracking with the most-constrained atom first.

use crate::element::{default_valence, is_early_atom, valences};
use crate::error::{MolError, Result};
use crate::mol::{AtomIdx, BondIdx, BondOrder, MolBuilder};
use crate::valence::{explicit_valence, is_aromatic_atom};

/// Step budget for the matching search; far above anything a real aromatic
/// system needs, it bounds time on adversarial input.
const MAX_STEPS: usize = 2_000_000;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Must get exactly one double bond.
    Required,
    /// May get one (aromatic dummy atoms).
    Optional,
    /// Must not get one.
    No,
}

/// Kekulises `mol` in place: aromatic bonds become single or double, and all
/// aromatic flags are cleared. Hydrogen counts must already be perceived.
pub(crate) fn kekulize(mol: &mut MolBuilder) -> Result<()> {
    let n = mol.num_atoms();
    let arom_bonds: Vec<BondIdx> = (0..mol.num_bonds() as u32)
        .map(BondIdx)
        .filter(|&b| mol.bond(b).is_some_and(crate::mol::Bond::is_aromatic_like))
        .collect();
    let any_arom_atom = (0..n as u32).any(|a| mol.atom(AtomIdx(a)).is_some_and(|x| x.aromatic));
    if arom_bonds.is_empty() && !any_arom_atom {
        return Ok(());
    }
    let mut need = vec![Need::No; n];
    for a in (0..n as u32).map(AtomIdx) {
        if !is_aromatic_atom(mol, a) {
            continue;
        }
        if let Some(slot) = need.get_mut(a.index()) {
            *slot = double_bond_need(mol, a)?;
        }
    }
    // All aromatic bonds become single; the matching decides which are double.
    let mut edges: Vec<Vec<(usize, BondIdx)>> = vec![Vec::new(); n];
    for &b in &arom_bonds {
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
    let mut mate: Vec<Option<(usize, BondIdx)>> = vec![None; n];
    let mut steps = 0usize;
    let solved = search(&need, &edges, &mut mate, &mut steps);
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
    for &b in &arom_bonds {
        if let Some(bond) = mol.bond_mut(b) {
            bond.order = BondOrder::Single;
            bond.aromatic = false;
        }
    }
    for m in mate.iter().flatten() {
        if let Some(bond) = mol.bond_mut(m.1) {
            bond.order = BondOrder::Double;
        }
    }
    for a in (0..n as u32).map(AtomIdx) {
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
    Ok(())
}

/// A neutral N or P with one explicit H: the pyrrole-type H that an aromatic
/// atom's explicit count gives up to the implicit count on kekulisation.
pub(crate) fn has_pyrrole_type_h(atom: &crate::mol::Atom) -> bool {
    matches!(atom.atomic_num, 7 | 15) && atom.formal_charge == 0 && atom.explicit_hs == 1
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
        if bond.is_aromatic_like() {
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
