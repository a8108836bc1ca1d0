//! RDKit's default valence model: explicit valence, implicit hydrogens and
//! the valence checks that make `MolFromSmiles` reject a molecule.
//!
//! Charged atoms use the valences of the isoelectronic element (N+ like C,
//! O- like F); aromatic atoms may round their 1.5-order bonds to an allowed
//! valence; P, S, As and Se keep their hypervalent states when negatively
//! charged. These are RDKit's rules (`Atom.cpp`, 2024.09 valence model).

use crate::element::{symbol, valence_head, valences, MAX_ATOMIC_NUM};
use crate::error::{MolError, Result};
use crate::mol::{Atom, AtomIdx, Bond, MolBuilder};

/// Twice the bond-order sum of an atom plus twice its explicit hydrogens.
pub(crate) fn valence_x2(mol: &MolBuilder, a: AtomIdx) -> i32 {
    let mut acc = 0;
    for &(_, b) in mol.neighbors(a) {
        if let Some(bond) = mol.bond(b) {
            acc += bond.order.valence_x2(bond.end == a);
        }
    }
    acc + 2 * mol.atom(a).map_or(0, |x| i32::from(x.explicit_hs))
}

/// Whether the atom is aromatic or touches an aromatic bond.
pub(crate) fn is_aromatic_atom(mol: &MolBuilder, a: AtomIdx) -> bool {
    if mol.atom(a).is_some_and(|x| x.aromatic) {
        return true;
    }
    mol.neighbors(a)
        .iter()
        .any(|&(_, b)| mol.bond(b).is_some_and(Bond::is_aromatic_like))
}

fn effective_atomic_num(z: u8, charge: i8, idx: usize) -> Result<u8> {
    let eff = i32::from(z) - i32::from(charge);
    if eff < 0 || eff > i32::from(MAX_ATOMIC_NUM) {
        return Err(MolError::Charge {
            atom: idx,
            charge: i32::from(charge),
        });
    }
    Ok(eff as u8)
}

fn can_be_hypervalent(z: u8, eff: u8) -> bool {
    (eff > 16 && (z == 15 || z == 16)) || (eff > 34 && (z == 33 || z == 34))
}

/// What the valence model needs to know about one atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AtomEnv {
    pub idx: AtomIdx,
    pub z: u8,
    pub charge: i8,
    pub radicals: u8,
    pub no_implicit: bool,
    /// Aromatic flag or an aromatic bond.
    pub aromatic: bool,
    /// Twice the bond-order sum plus twice the explicit hydrogens.
    pub valence_x2: i32,
}

impl AtomEnv {
    /// The environment of an atom of a raw molecule, as it stands.
    pub(crate) fn of(mol: &MolBuilder, a: AtomIdx) -> Result<AtomEnv> {
        let Some(atom) = mol.atom(a) else {
            return Err(MolError::NoSuchAtom { atom: a.index() });
        };
        let bonds = mol.neighbors(a).iter().filter_map(|&(_, b)| mol.bond(b));
        Ok(AtomEnv::from_bonds(
            a,
            atom,
            atom.explicit_hs,
            atom.no_implicit,
            bonds,
        ))
    }

    /// The environment of atom `a` (`atom`) with `bonds` (its bonds) and the
    /// hydrogen settings given, from one pass over the bonds.
    pub(crate) fn from_bonds<'a>(
        a: AtomIdx,
        atom: &Atom,
        explicit_hs: u8,
        no_implicit: bool,
        bonds: impl Iterator<Item = &'a Bond>,
    ) -> AtomEnv {
        let mut valence_x2 = 2 * i32::from(explicit_hs);
        let mut aromatic = atom.aromatic;
        for bond in bonds {
            valence_x2 += bond.order.valence_x2(bond.end == a);
            aromatic |= bond.is_aromatic_like();
        }
        AtomEnv {
            idx: a,
            z: atom.atomic_num,
            charge: atom.formal_charge,
            radicals: atom.radical_electrons,
            no_implicit,
            aromatic,
            valence_x2,
        }
    }
}

/// Explicit valence as RDKit computes it (aromatic bonds rounded), with the
/// "greater than permitted" check when `strict`.
pub(crate) fn explicit_valence(mol: &MolBuilder, a: AtomIdx, strict: bool) -> Result<i32> {
    explicit_valence_of(&AtomEnv::of(mol, a)?, strict)
}

/// The valence lists the model reads for an atom: its own element's and,
/// for charged atoms of elements with a valence list, the isoelectronic
/// element's (RDKit's "effective atomic number"), with that number.
struct ValenceLists {
    own: &'static [i8],
    eff: u8,
    effective: &'static [i8],
}

impl ValenceLists {
    fn of(env: &AtomEnv) -> Result<ValenceLists> {
        let z = env.z;
        let own = valences(z);
        // elements with "any valence" ([-1]) ignore the charge
        let uses_effective = own.len() > 1 || own.first().copied() != Some(-1);
        if !uses_effective || env.charge == 0 {
            return Ok(ValenceLists {
                own,
                eff: z,
                effective: own,
            });
        }
        let eff = effective_atomic_num(z, env.charge, env.idx.index())?;
        Ok(ValenceLists {
            own,
            eff,
            effective: valences(eff),
        })
    }
}

fn first_of(list: &[i8]) -> i32 {
    list.first().map_or(-1, |&v| i32::from(v))
}

fn last_of(list: &[i8]) -> i32 {
    list.last().map_or(-1, |&v| i32::from(v))
}

#[inline]
pub(crate) fn explicit_valence_of(env: &AtomEnv, strict: bool) -> Result<i32> {
    let z = env.z;
    let mut acc2 = env.valence_x2;
    let lists = ValenceLists::of(env)?;
    let eff = lists.eff;
    let dv = first_of(lists.effective);
    if acc2 > 2 * dv && env.aromatic {
        let mut pval = dv;
        for &v in lists.effective {
            let v = i32::from(v);
            if v == -1 || 2 * v > acc2 {
                break;
            }
            pval = v;
        }
        if acc2 - 2 * pval <= 3 {
            acc2 = 2 * pval;
        }
    }
    let res = (acc2 + 1) / 2;
    if strict {
        let own_last = last_of(lists.own);
        let mut max_valence = last_of(lists.effective);
        let mut offset = 0;
        if can_be_hypervalent(z, eff) {
            max_valence = own_last;
            offset = -i32::from(env.charge);
        }
        if z == 1 && env.charge == -1 {
            max_valence = 2;
        }
        if max_valence >= 0 && own_last >= 0 && res + offset > max_valence {
            return Err(valence_error(env, res));
        }
    }
    Ok(res)
}

/// Lenient explicit valence and default implicit hydrogens of a neutral,
/// non-radical atom whose element has one valence (carbon, nitrogen, most
/// atoms written), or several and a bond-order sum within the first
/// (sulfur and phosphorus as usually written): the model's rules above without
/// looking up the lists twice. Within the first of several valences no
/// aromatic rounding applies and the hydrogens fill up to it, so both
/// cases come down to that one value. `None` when the atom is not such a
/// case; [`explicit_valence_of`] and [`implicit_hs_given`] (non-strict)
/// then decide. A test holds the two paths equal.
pub(crate) fn simple_valence_counts(env: &AtomEnv) -> Option<(i32, i32)> {
    if env.charge != 0 || env.radicals != 0 || env.no_implicit || env.z == 0 {
        return None;
    }
    let (first, count) = valence_head(env.z);
    let v = i32::from(first);
    if v < 0 {
        return None;
    }
    let mut acc2 = env.valence_x2;
    if count > 1 {
        if acc2 > 2 * v {
            return None;
        }
        let ev = (acc2 + 1) / 2;
        return Some((ev, v - ev));
    }
    // aromatic rounding down to the one allowed valence
    // `&` and a select: whether an atom is aromatic follows the molecule
    let over = acc2 - 2 * v;
    if env.aromatic & (over > 0) & (over <= 3) {
        acc2 = 2 * v;
    }
    let ev = (acc2 + 1) / 2;
    Some((ev, if ev <= v { v - ev } else { 0 }))
}

/// Explicit valence and implicit hydrogens with RDKit's strict checks, as
/// [`explicit_valence_of`] then [`implicit_hs_given`] (both strict) give
/// them; neutral atoms of one valence, or within the first of several
/// (nearly every atom read), take [`simple_valence_counts`], where the only
/// possible failure is a valence above the one allowed. A test holds the
/// two paths equal. Inlined: it runs once per atom read, and mostly takes
/// the shortcut.
#[inline]
pub(crate) fn checked_counts(env: &AtomEnv) -> Result<(i32, i32)> {
    if let Some((ev, h)) = simple_valence_counts(env) {
        if ev > i32::from(valence_head(env.z).0) {
            return Err(valence_error(env, ev));
        }
        return Ok((ev, h));
    }
    checked_counts_general(env)
}

/// [`checked_counts`] off its shortcut.
#[inline(never)]
fn checked_counts_general(env: &AtomEnv) -> Result<(i32, i32)> {
    let ev = explicit_valence_of(env, true)?;
    Ok((ev, implicit_hs_given(env, ev, true)?))
}

/// The error for an atom whose explicit valence `ev` exceeds its element's.
#[cold]
fn valence_error(env: &AtomEnv, ev: i32) -> MolError {
    MolError::Valence {
        atom: env.idx.index(),
        symbol: symbol(env.z).to_string(),
        valence: ev,
    }
}

/// Implicit hydrogens as RDKit computes them (0 for bracket atoms).
pub(crate) fn implicit_hs(mol: &MolBuilder, a: AtomIdx, strict: bool) -> Result<i32> {
    implicit_hs_of(&AtomEnv::of(mol, a)?, strict)
}

pub(crate) fn implicit_hs_of(env: &AtomEnv, strict: bool) -> Result<i32> {
    if env.no_implicit {
        return Ok(0);
    }
    let ev = explicit_valence_of(env, strict)?;
    implicit_hs_given(env, ev, strict)
}

/// [`implicit_hs_of`] when the explicit valence `ev` (from
/// [`explicit_valence_of`] with the same `strict`) is already known.
pub(crate) fn implicit_hs_given(env: &AtomEnv, ev: i32, strict: bool) -> Result<i32> {
    if env.no_implicit {
        return Ok(0);
    }
    let z = env.z;
    if z == 0 {
        return Ok(0);
    }
    let charge = i32::from(env.charge);
    let rad = i32::from(env.radicals);
    if ev == 0 && rad == 0 && z == 1 {
        return match charge {
            1 | -1 => Ok(0),
            0 => Ok(1),
            _ if strict => Err(MolError::Charge {
                atom: env.idx.index(),
                charge,
            }),
            _ => Ok(0),
        };
    }
    let mut explicit_plus_rad = ev + rad;
    let lists = ValenceLists::of(env)?;
    let eff = lists.eff;
    if eff == 0 {
        return Ok(0);
    }
    let dv = first_of(lists.effective);
    if dv == -1 {
        return Ok(0);
    }
    let mut vals = lists.effective;
    if can_be_hypervalent(z, eff) {
        vals = lists.own;
        explicit_plus_rad -= charge;
    }
    if env.aromatic {
        if explicit_plus_rad <= dv {
            return Ok(dv - explicit_plus_rad);
        }
        let satisfied = vals
            .iter()
            .take_while(|&&v| v > 0)
            .any(|&v| i32::from(v) == explicit_plus_rad);
        if !satisfied && strict {
            return Err(MolError::AromaticValence {
                atom: env.idx.index(),
                symbol: symbol(z).to_string(),
            });
        }
        return Ok(0);
    }
    for &v in vals {
        if v < 0 {
            break;
        }
        if explicit_plus_rad <= i32::from(v) {
            return Ok(i32::from(v) - explicit_plus_rad);
        }
    }
    if strict && vals.last().copied() != Some(-1) && last_of(lists.own) > 0 {
        return Err(valence_error(env, ev));
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every neutral, non-radical, unbracketed atom environment: each
    /// element, bond-order sum (doubled) below 24 and aromatic flag.
    fn neutral_envs() -> impl Iterator<Item = AtomEnv> {
        (0..=MAX_ATOMIC_NUM).flat_map(|z| {
            (0..24).flat_map(move |valence_x2| {
                [false, true].map(|aromatic| AtomEnv {
                    idx: AtomIdx(3),
                    z,
                    charge: 0,
                    radicals: 0,
                    no_implicit: false,
                    aromatic,
                    valence_x2,
                })
            })
        })
    }

    /// The valence shortcut gives what the general lenient path gives,
    /// for every element, bond-order sum and aromatic flag it accepts.
    #[test]
    fn simple_valence_counts_equal_the_general_model() {
        let mut checked = 0;
        for env in neutral_envs() {
            let Some((ev, hs)) = simple_valence_counts(&env) else {
                continue;
            };
            assert_eq!(Some(ev), explicit_valence_of(&env, false).ok(), "{env:?}");
            let general_hs = implicit_hs_given(&env, ev, false).ok();
            assert_eq!(Some(hs), general_hs, "{env:?}");
            checked += 1;
        }
        // carbon, hydrogen, the halogens' neighbours… at least carbon
        assert!(checked >= 48);
    }

    /// Phosphorus and sulfur as usually written (bond orders within their
    /// first valence, aromatic or not) take the shortcut; a hypervalent sum
    /// does not (nitrogen has one valence in the model).
    #[test]
    fn several_valences_take_the_shortcut_within_the_first() {
        let env = |z: u8, valence_x2: i32, aromatic: bool| AtomEnv {
            idx: AtomIdx(0),
            z,
            charge: 0,
            radicals: 0,
            no_implicit: false,
            aromatic,
            valence_x2,
        };
        assert_eq!(simple_valence_counts(&env(16, 4, true)), Some((2, 0)));
        assert_eq!(simple_valence_counts(&env(16, 2, false)), Some((1, 1)));
        assert_eq!(simple_valence_counts(&env(15, 2, false)), Some((1, 2)));
        assert_eq!(simple_valence_counts(&env(15, 5, true)), Some((3, 0)));
        assert_eq!(simple_valence_counts(&env(15, 8, false)), None);
        assert_eq!(simple_valence_counts(&env(16, 8, false)), None);
    }

    /// The strict shortcut fails, and counts, exactly where the two strict
    /// general steps do, for every element, bond-order sum and aromatic flag.
    #[test]
    fn checked_counts_equal_the_strict_general_model() {
        for env in neutral_envs() {
            let general = explicit_valence_of(&env, true)
                .and_then(|ev| Ok((ev, implicit_hs_given(&env, ev, true)?)));
            let fast = checked_counts(&env);
            assert_eq!(format!("{fast:?}"), format!("{general:?}"), "{env:?}");
        }
    }
}
