//! Surface-area descriptors: topological polar surface area (Ertl, Rohde &
//! Selzer, J. Med. Chem. 2000, 43, 3714; N and O contributions only, as
//! RDKit's default) and Labute's approximate surface area (Labute, J. Mol.
//! Graph. Model. 2000, 18, 464) as RDKit computes it.

use shennong_mol::AtomIdx;

use crate::context::MolContext;
use crate::tables::rb0;

/// TPSA (Å²), RDKit's `CalcTPSA(includeSandP=False)`.
pub(crate) fn tpsa(ctx: &MolContext) -> f64 {
    *ctx.tpsa.get_or_init(|| tpsa_of(ctx))
}

fn tpsa_of(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    let n = mol.num_atoms();
    let mut nbrs = vec![0i32; n];
    let mut single = vec![0i32; n];
    let mut double = vec![0i32; n];
    let mut triple = vec![0i32; n];
    let mut arom = vec![0i32; n];
    let mut hs = vec![0i32; n];
    let bump = |v: &mut Vec<i32>, i: usize, d: i32| {
        if let Some(x) = v.get_mut(i) {
            *x += d;
        }
    };
    for b in mol.bonds() {
        let (i, j) = (b.begin.index(), b.end.index());
        if mol.atom(b.begin).atomic_num == 1 {
            bump(&mut nbrs, j, -1);
            bump(&mut hs, j, 1);
        } else if mol.atom(b.end).atomic_num == 1 {
            bump(&mut nbrs, i, -1);
            bump(&mut hs, i, 1);
        } else if b.aromatic {
            bump(&mut arom, i, 1);
            bump(&mut arom, j, 1);
        } else {
            let v = match b.order {
                shennong_mol::BondOrder::Single => Some(&mut single),
                shennong_mol::BondOrder::Double => Some(&mut double),
                shennong_mol::BondOrder::Triple => Some(&mut triple),
                _ => None,
            };
            if let Some(v) = v {
                bump(v, i, 1);
                bump(v, j, 1);
            }
        }
    }
    let mut total = 0.0;
    for i in 0..n {
        let a = AtomIdx(i as u32);
        let atom = mol.atom(a);
        let z = atom.atomic_num;
        if z != 7 && z != 8 {
            continue;
        }
        let get = |v: &Vec<i32>| v.get(i).copied().unwrap_or(0);
        let h = get(&hs) + i32::from(atom.total_hs());
        let nn = get(&nbrs) + mol.degree(a) as i32;
        let (s, d, t, ar) = (get(&single), get(&double), get(&triple), get(&arom));
        let chg = i32::from(atom.formal_charge);
        let in3 = mol.rings().is_atom_in_ring_of_size(a, 3);
        let mut tmp = -1.0;
        if z == 7 {
            tmp = match nn {
                1 if h == 0 && chg == 0 && t == 1 => 23.79,
                1 if h == 1 && chg == 0 && d == 1 => 23.85,
                1 if h == 2 && chg == 0 && s == 1 => 26.02,
                1 if h == 2 && chg == 1 && d == 1 => 25.59,
                1 if h == 3 && chg == 1 && s == 1 => 27.64,
                2 if h == 0 && chg == 0 && s == 1 && d == 1 => 12.36,
                2 if h == 0 && chg == 0 && t == 1 && d == 1 => 13.60,
                2 if h == 1 && chg == 0 && s == 2 && in3 => 21.94,
                2 if h == 1 && chg == 0 && s == 2 && !in3 => 12.03,
                2 if h == 0 && chg == 1 && t == 1 && s == 1 => 4.36,
                2 if h == 1 && chg == 1 && d == 1 && s == 1 => 13.97,
                2 if h == 2 && chg == 1 && s == 2 => 16.61,
                2 if h == 0 && chg == 0 && ar == 2 => 12.89,
                2 if h == 1 && chg == 0 && ar == 2 => 15.79,
                2 if h == 1 && chg == 1 && ar == 2 => 14.14,
                3 if h == 0 && chg == 0 && s == 3 && in3 => 3.01,
                3 if h == 0 && chg == 0 && s == 3 && !in3 => 3.24,
                3 if h == 0 && chg == 0 && s == 1 && d == 2 => 11.68,
                3 if h == 0 && chg == 1 && s == 2 && d == 1 => 3.01,
                3 if h == 1 && chg == 1 && s == 3 => 4.44,
                3 if h == 0 && chg == 0 && ar == 3 => 4.41,
                3 if h == 0 && chg == 0 && s == 1 && ar == 2 => 4.93,
                3 if h == 0 && chg == 0 && d == 1 && ar == 2 => 8.39,
                3 if h == 0 && chg == 1 && ar == 3 => 4.10,
                3 if h == 0 && chg == 1 && s == 1 && ar == 2 => 3.88,
                4 if h == 0 && s == 4 && chg == 1 => 0.0,
                _ => -1.0,
            };
            if tmp < 0.0 {
                tmp = (30.5 - f64::from(nn) * 8.2 + f64::from(h) * 1.5).max(0.0);
            }
        } else if z == 8 {
            tmp = match nn {
                1 if h == 0 && chg == 0 && d == 1 => 17.07,
                1 if h == 1 && chg == 0 && s == 1 => 20.23,
                1 if h == 0 && chg == -1 && s == 1 => 23.06,
                2 if h == 0 && chg == 0 && s == 2 && in3 => 12.53,
                2 if h == 0 && chg == 0 && s == 2 && !in3 => 9.23,
                2 if h == 0 && chg == 0 && ar == 2 => 13.14,
                _ => -1.0,
            };
            if tmp < 0.0 {
                tmp = (28.5 - f64::from(nn) * 8.6 + f64::from(h) * 1.5).max(0.0);
            }
        }
        total += tmp;
    }
    total
}

/// Labute ASA (Å²), RDKit's `CalcLabuteASA(includeHs=True)`. Note that
/// RDKit adds one hydrogen sphere per atom whatever its hydrogen count; so
/// do we, for identical numbers.
pub(crate) fn labute_asa(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    let rads: Vec<f64> = mol.atoms().iter().map(|a| rb0(a.atomic_num)).collect();
    let mut v = vec![0.0f64; rads.len()];
    let r = |i: usize| rads.get(i).copied().unwrap_or(0.0);
    for b in mol.bonds() {
        let (i, j) = (b.begin.index(), b.end.index());
        let (ri, rj) = (r(i), r(j));
        let mut bij = ri + rj;
        if !b.aromatic {
            bij -= match b.order {
                shennong_mol::BondOrder::Single => 0.0,
                shennong_mol::BondOrder::Double => 0.2,
                shennong_mol::BondOrder::Triple => 0.3,
                // RDKit subtracts nothing for bond types numbered 4 and up
                shennong_mol::BondOrder::Zero
                | shennong_mol::BondOrder::Quadruple
                | shennong_mol::BondOrder::Dative
                | shennong_mol::BondOrder::Aromatic => 0.0,
            };
        } else {
            bij -= 0.1;
        }
        let dij = (ri - rj).abs().max(bij).min(ri + rj);
        if let Some(x) = v.get_mut(i) {
            *x += rj * rj - (ri - dij) * (ri - dij) / dij;
        }
        if let Some(x) = v.get_mut(j) {
            *x += ri * ri - (rj - dij) * (rj - dij) / dij;
        }
    }
    let rh = rb0(1);
    let mut h_contrib = 0.0;
    for (i, x) in v.iter_mut().enumerate() {
        let ri = r(i);
        let dij = (ri - rh).abs().max(ri + rh).min(ri + rh);
        *x += rh * rh - (ri - dij) * (ri - dij) / dij;
        h_contrib += ri * ri - (rh - dij) * (rh - dij) / dij;
    }
    let mut total = 0.0;
    for (i, x) in v.iter().enumerate() {
        let ri = r(i);
        total += std::f64::consts::PI * ri * (4.0 * ri - x);
    }
    if h_contrib.abs() > 1e-4 {
        total += std::f64::consts::PI * rh * (4.0 * rh - h_contrib);
    }
    total
}
