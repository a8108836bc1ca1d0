//! Wildman–Crippen logP and molar refractivity (Wildman & Crippen,
//! J. Chem. Inf. Comput. Sci. 1999, 39, 868) with RDKit's atom typing: every
//! atom, and every hydrogen (implicit ones included), takes the first type in
//! table order whose SMARTS matches with that atom first.

use std::sync::OnceLock;

use shennong_mol::{AtomIdx, BondOrder, Mol};
use shennong_smarts::{parse, Query};

use crate::context::MolContext;

struct AtomType {
    logp: f64,
    mr: f64,
    query: Query,
}

const TABLE: &str = include_str!("../data/crippen.tsv");

/// The table's heavy-atom types, in order.
fn heavy_types() -> &'static [AtomType] {
    static TYPES: OnceLock<Vec<AtomType>> = OnceLock::new();
    TYPES.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                // hydrogen rows (`[#1]...`) never match a heavy atom; hydrogens
                // are typed by `hydrogen_type`
                if f.get(1).is_some_and(|s| s.starts_with("[#1]")) {
                    return None;
                }
                let num = |i: usize| {
                    f.get(i)
                        .and_then(|s| s.trim().parse::<f64>().ok())
                        .unwrap_or(0.0)
                };
                Some(AtomType {
                    logp: num(2),
                    mr: num(3),
                    query: parse(f.get(1)?).ok()?,
                })
            })
            .collect()
    })
}

/// Hydrogen types (H1..HS) for a hydrogen on `heavy`, decided as the
/// table's `[#1]...` patterns decide them with the hydrogen explicit.
/// `this` is the hydrogen itself when it is a graph atom; `other_hs` counts
/// the heavy atom's implicit and bracket hydrogens besides this one.
fn hydrogen_type(
    mol: &Mol,
    heavy: Option<AtomIdx>,
    this: Option<AtomIdx>,
    other_hs: u32,
) -> (f64, f64) {
    const H1: (f64, f64) = (0.123, 1.057);
    const H2: (f64, f64) = (-0.2677, 1.395);
    const H3: (f64, f64) = (0.2142, 0.9627);
    const H4: (f64, f64) = (0.298, 1.805);
    const HS: (f64, f64) = (0.1125, 1.112);
    let Some(x) = heavy else {
        return HS;
    };
    let atom = mol.atom(x);
    let z = atom.atomic_num;
    // [#1][#6,#1]
    if z == 6 || z == 1 {
        return H1;
    }
    // the heavy atom's other graph neighbours through a SMARTS default bond
    // (single or aromatic), as the patterns write them
    let others = || {
        mol.neighbors(x)
            .iter()
            .filter(move |&&(o, b)| {
                let bond = mol.bond(b);
                Some(o) != this && (bond.order == BondOrder::Single || bond.aromatic)
            })
            .map(|&(o, _)| (o, mol.atom(o)))
    };
    let aliphatic_o = z == 8 && !atom.aromatic;
    if aliphatic_o {
        // [#1]O[CX4,c]
        if others().any(|(o, oa)| {
            oa.atomic_num == 6 && (oa.aromatic || mol.degree(o) + usize::from(oa.total_hs()) == 4)
        }) {
            return H2;
        }
        // [#1]O[!#6;!#7;!#8;!#16] (another hydrogen counts)
        if other_hs > 0 || others().any(|(_, oa)| !matches!(oa.atomic_num, 6 | 7 | 8 | 16)) {
            return H2;
        }
    }
    // [#1][!#6;!#7;!#8]
    if !matches!(z, 6..=8) {
        return H2;
    }
    // [#1][#7]
    if z == 7 {
        return H3;
    }
    if aliphatic_o {
        // [#1]O[#7]
        if others().any(|(_, oa)| oa.atomic_num == 7) {
            return H3;
        }
        // [#1]OC=[#6,#7,O,S]
        let enol_like = others().any(|(c, ca)| {
            ca.atomic_num == 6
                && !ca.aromatic
                && mol.neighbors(c).iter().any(|&(y, b)| {
                    let ya = mol.atom(y);
                    let bond = mol.bond(b);
                    y != x
                        && bond.order == BondOrder::Double
                        && !bond.aromatic
                        && (matches!(ya.atomic_num, 6 | 7)
                            || (matches!(ya.atomic_num, 8 | 16) && !ya.aromatic))
                })
        });
        if enol_like {
            return H4;
        }
        // [#1]O[O,S]
        if others().any(|(_, oa)| matches!(oa.atomic_num, 8 | 16) && !oa.aromatic) {
            return H4;
        }
    }
    HS
}

/// (MolLogP, MolMR) of a molecule, hydrogens included.
pub(crate) fn logp_mr(ctx: &MolContext) -> (f64, f64) {
    let mol = ctx.mol;
    let n = mol.num_atoms();
    let mut logp = vec![0.0f64; n];
    let mut mr = vec![0.0f64; n];
    // graph hydrogens are typed by the [#1] patterns like implicit ones
    let mut needed: Vec<bool> = mol.atoms().iter().map(|a| a.atomic_num != 1).collect();
    for t in heavy_types() {
        if !needed.iter().any(|&x| x) {
            break;
        }
        let hits = t.query.anchored_matches_in(&ctx.target, &needed);
        for (i, hit) in hits.iter().enumerate() {
            if *hit {
                if let (Some(l), Some(m), Some(nd)) =
                    (logp.get_mut(i), mr.get_mut(i), needed.get_mut(i))
                {
                    *l = t.logp;
                    *m = t.mr;
                    *nd = false;
                }
            }
        }
    }
    // graph hydrogens in place, then the implicit ones in atom order: the
    // order in which RDKit sums contributions after AddHs
    for a in mol.atom_indices() {
        if mol.atom(a).atomic_num == 1 {
            let heavy = match mol.neighbors(a) {
                [(h, _)] => Some(*h),
                _ => None,
            };
            let others = heavy.map_or(0, |h| u32::from(mol.atom(h).total_hs()));
            let (l, m) = hydrogen_type(mol, heavy, Some(a), others);
            if let (Some(x), Some(y)) = (logp.get_mut(a.index()), mr.get_mut(a.index())) {
                *x = l;
                *y = m;
            }
        }
    }
    let mut total_logp: f64 = 0.0;
    let mut total_mr: f64 = 0.0;
    for (l, m) in logp.iter().zip(&mr) {
        total_logp += l;
        total_mr += m;
    }
    for a in mol.atom_indices() {
        let hs = mol.atom(a).total_hs();
        if hs > 0 {
            let (l, m) = hydrogen_type(mol, Some(a), None, u32::from(hs) - 1);
            for _ in 0..hs {
                total_logp += l;
                total_mr += m;
            }
        }
    }
    (total_logp, total_mr)
}
