//! Topological indices: Kier–Hall connectivity (chi) and shape (kappa)
//! indices, Hall–Kier alpha, Balaban's J and Bertz's complexity, following
//! RDKit's definitions (Hall & Kier, Rev. Comput. Chem. 1991, 2, 367;
//! Balaban, Chem. Phys. Lett. 1982, 89, 399; Bertz, J. Am. Chem. Soc. 1981,
//! 103, 3599).

use std::collections::{BTreeMap, HashMap, HashSet};

use shennong_mol::element::outer_electrons;
use shennong_mol::{AtomIdx, BondOrder, Hybridization, Mol};

use crate::context::MolContext;
use crate::tables::rb0;

/// RDKit's "infinite" distance between disconnected atoms.
const LOCAL_INF: f64 = 1e8;

fn bond_type_as_double(order: BondOrder) -> f64 {
    match order {
        BondOrder::Single | BondOrder::Dative => 1.0,
        BondOrder::Double => 2.0,
        BondOrder::Triple => 3.0,
        BondOrder::Quadruple => 4.0,
        BondOrder::Aromatic => 1.5,
        BondOrder::Zero => 0.0,
    }
}

/// All-pairs shortest paths (Floyd–Warshall, as RDKit's `getDistanceMat`),
/// row-major. With `use_bond_orders`, a bond weighs 1/order (aromatic 2/3).
pub(crate) fn distance_matrix(mol: &Mol, use_bond_orders: bool) -> Vec<f64> {
    let n = mol.num_atoms();
    let mut d = vec![LOCAL_INF; n * n];
    for i in 0..n {
        if let Some(x) = d.get_mut(i * n + i) {
            *x = 0.0;
        }
    }
    for b in mol.bonds() {
        let (i, j) = (b.begin.index(), b.end.index());
        let w = if !use_bond_orders {
            1.0
        } else if b.aromatic {
            2.0 / 3.0
        } else {
            1.0 / bond_type_as_double(b.order)
        };
        if let Some(x) = d.get_mut(i * n + j) {
            *x = w;
        }
        if let Some(x) = d.get_mut(j * n + i) {
            *x = w;
        }
    }
    for k in 0..n {
        for i in 0..n {
            let dik = d.get(i * n + k).copied().unwrap_or(LOCAL_INF);
            for j in 0..n {
                let via = dik + d.get(k * n + j).copied().unwrap_or(LOCAL_INF);
                if let Some(x) = d.get_mut(i * n + j) {
                    if via < *x {
                        *x = via;
                    }
                }
            }
        }
    }
    d
}

/// RDKit's `findAllPathsOfLengthN(mol, len, useBonds=false)`: atom paths of
/// `len` atoms over bonds between non-hydrogen atoms; the last step may close
/// a ring onto any earlier atom but the previous one; paths with the same
/// bond set are reported once.
pub(crate) fn atom_paths(mol: &Mol, len: usize) -> Vec<Vec<usize>> {
    let n = mol.num_atoms();
    let heavy = |a: AtomIdx| mol.atom(a).atomic_num != 1;
    let adjacency: Vec<Vec<(usize, usize)>> = (0..n)
        .map(|i| {
            let a = AtomIdx(i as u32);
            if !heavy(a) {
                return Vec::new();
            }
            let mut v: Vec<(usize, usize)> = mol
                .neighbors(a)
                .iter()
                .filter(|(o, _)| heavy(*o))
                .map(|(o, b)| (o.index(), b.index()))
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    let mut out = Vec::new();
    if len == 0 {
        return out;
    }
    if len == 1 {
        return (0..n).map(|i| vec![i]).collect();
    }
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    let mut path = Vec::with_capacity(len);
    let mut bonds = Vec::with_capacity(len);
    for start in 0..n {
        path.clear();
        path.push(start);
        extend(&adjacency, len, &mut path, &mut bonds, &mut seen, &mut out);
    }
    out
}

fn extend(
    adjacency: &[Vec<(usize, usize)>],
    len: usize,
    path: &mut Vec<usize>,
    bonds: &mut Vec<usize>,
    seen: &mut HashSet<Vec<usize>>,
    out: &mut Vec<Vec<usize>>,
) {
    if path.len() == len {
        let mut key = bonds.clone();
        key.sort_unstable();
        if seen.insert(key) {
            out.push(path.clone());
        }
        return;
    }
    let Some(&end) = path.last() else {
        return;
    };
    let last_step = path.len() + 1 == len;
    let previous = path.len().checked_sub(2).and_then(|i| path.get(i)).copied();
    for &(other, bond) in adjacency.get(end).map(Vec::as_slice).unwrap_or(&[]) {
        if path.contains(&other) {
            // a ring closure, allowed on the last step of paths of 3+ atoms,
            // but not straight back along the last bond
            if !(last_step && len > 2 && previous != Some(other)) {
                continue;
            }
        }
        path.push(other);
        bonds.push(bond);
        extend(adjacency, len, path, bonds, seen, out);
        path.pop();
        bonds.pop();
    }
}

fn inverse_sqrt_or_zero(v: f64) -> f64 {
    if v != 0.0 {
        1.0 / v.sqrt()
    } else {
        0.0
    }
}

/// Hall–Kier valence deltas (δv), as `1/sqrt(δv)`.
fn hk_deltas(mol: &Mol) -> Vec<f64> {
    mol.atoms()
        .iter()
        .map(|a| {
            let z = a.atomic_num;
            let nv = f64::from(outer_electrons(z));
            let d = if z <= 1 {
                0.0
            } else if z <= 10 {
                outer_minus_hs(a)
            } else {
                outer_minus_hs(a) / (f64::from(z) - nv - 1.0)
            };
            inverse_sqrt_or_zero(d)
        })
        .collect()
}

/// `1/sqrt(outer electrons - H)` per atom (RDKit's "n" chi variant).
fn n_vals(mol: &Mol) -> Vec<f64> {
    mol.atoms()
        .iter()
        .map(|a| inverse_sqrt_or_zero(outer_minus_hs(a)))
        .collect()
}

/// Outer-shell electrons less hydrogens, as RDKit computes it: in unsigned
/// 32-bit arithmetic, so an atom with more hydrogens than outer electrons
/// (`[BH4-]`, a dummy with an H) wraps to about 2^32 instead of going
/// negative, and its term becomes about 1.5e-5 instead of NaN (RDKit
/// 2026.09 `Chi0n` of `[BH4-]`: 1.5258789064276357e-05).
fn outer_minus_hs(a: &shennong_mol::Atom) -> f64 {
    let outer = u32::try_from(outer_electrons(a.atomic_num)).unwrap_or(0);
    f64::from(outer.wrapping_sub(u32::from(a.total_hs())))
}

fn chi_from(ctx: &MolContext, vals: &[f64], order: usize) -> f64 {
    let mol = ctx.mol;
    match order {
        0 => vals.iter().sum(),
        1 => mol
            .bonds()
            .iter()
            .map(|b| {
                vals.get(b.begin.index()).copied().unwrap_or(0.0)
                    * vals.get(b.end.index()).copied().unwrap_or(0.0)
            })
            .sum(),
        _ => ctx
            .paths(order + 1)
            .iter()
            .map(|p| {
                let val = |i: usize| p.get(i).and_then(|&a| vals.get(a)).copied().unwrap_or(0.0);
                let mut accum: f64 = (0..order).map(val).product();
                if p.get(order) != p.first() {
                    accum *= val(order);
                }
                accum
            })
            .sum(),
    }
}

/// ChiNv (Hall & Kier valence connectivity index of order N).
pub(crate) fn chi_v(ctx: &MolContext, order: usize) -> f64 {
    chi_from(ctx, &hk_deltas(ctx.mol), order)
}

/// ChiNn (connectivity index on outer-electron counts).
pub(crate) fn chi_n(ctx: &MolContext, order: usize) -> f64 {
    chi_from(ctx, &n_vals(ctx.mol), order)
}

/// Chi0: sum of 1/sqrt(degree) over atoms with neighbours.
pub(crate) fn chi0(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    mol.atom_indices()
        .map(|a| mol.degree(a))
        .filter(|&d| d > 0)
        .map(|d| (1.0 / d as f64).sqrt())
        .sum()
}

/// Chi1: sum over bonds of 1/sqrt(product of end degrees).
pub(crate) fn chi1(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    mol.bonds()
        .iter()
        .map(|b| mol.degree(b.begin) * mol.degree(b.end))
        .filter(|&p| p > 0)
        .map(|p| (1.0 / p as f64).sqrt())
        .sum()
}

/// Hall–Kier alpha: hybridisation-dependent values for C, N, O, P, S and
/// halogens, else the covalent radius ratio to sp3 carbon, minus one.
pub(crate) fn hall_kier_alpha(ctx: &MolContext) -> f64 {
    let r_c = rb0(6);
    ctx.mol
        .atom_indices()
        .filter_map(|a| {
            let z = ctx.mol.atom(a).atomic_num;
            if z == 0 {
                return None;
            }
            let h = ctx.hybridization(a);
            Some(match z {
                1 => 0.0,
                6 => match h {
                    Hybridization::Sp => -0.22,
                    Hybridization::Sp2 => -0.13,
                    _ => 0.0,
                },
                7 => match h {
                    Hybridization::Sp => -0.29,
                    Hybridization::Sp2 => -0.20,
                    _ => -0.04,
                },
                8 => match h {
                    Hybridization::Sp2 => -0.20,
                    _ => -0.04,
                },
                9 => -0.07,
                15 => match h {
                    Hybridization::Sp2 => 0.30,
                    _ => 0.43,
                },
                16 => match h {
                    Hybridization::Sp2 => 0.22,
                    _ => 0.35,
                },
                17 => 0.29,
                35 => 0.48,
                53 => 0.73,
                _ => rb0(z) / r_c - 1.0,
            })
        })
        .sum()
}

fn heavy_atoms(mol: &Mol) -> usize {
    mol.atoms().iter().filter(|a| a.atomic_num > 1).count()
}

fn kappa1_of(p1: f64, a: f64, alpha: f64) -> f64 {
    let denom = p1 + alpha;
    if denom != 0.0 {
        (a + alpha) * (a + alpha - 1.0) * (a + alpha - 1.0) / (denom * denom)
    } else {
        0.0
    }
}

fn kappa2_of(p2: f64, a: f64, alpha: f64) -> f64 {
    let denom = (p2 + alpha) * (p2 + alpha);
    if denom != 0.0 {
        (a + alpha - 1.0) * (a + alpha - 2.0) * (a + alpha - 2.0) / denom
    } else {
        0.0
    }
}

/// Kappa1 shape index.
pub(crate) fn kappa1(ctx: &MolContext) -> f64 {
    kappa1_of(
        ctx.mol.num_bonds() as f64,
        heavy_atoms(ctx.mol) as f64,
        hall_kier_alpha(ctx),
    )
}

/// Kappa2 shape index.
pub(crate) fn kappa2(ctx: &MolContext) -> f64 {
    kappa2_of(
        ctx.paths(3).len() as f64,
        heavy_atoms(ctx.mol) as f64,
        hall_kier_alpha(ctx),
    )
}

/// Kappa3 shape index (odd and even atom counts differ).
pub(crate) fn kappa3(ctx: &MolContext) -> f64 {
    let p3 = ctx.paths(4).len() as f64;
    let n = heavy_atoms(ctx.mol);
    let a = n as f64;
    let alpha = hall_kier_alpha(ctx);
    let denom = (p3 + alpha) * (p3 + alpha);
    if denom == 0.0 {
        return 0.0;
    }
    if n % 2 == 1 {
        (a + alpha - 1.0) * (a + alpha - 3.0) * (a + alpha - 3.0) / denom
    } else {
        (a + alpha - 2.0) * (a + alpha - 3.0) * (a + alpha - 3.0) / denom
    }
}

/// Kier's flexibility index Phi = Kappa1 * Kappa2 / heavy atoms.
pub(crate) fn phi(ctx: &MolContext) -> f64 {
    let n = heavy_atoms(ctx.mol);
    if n == 0 {
        return 0.0;
    }
    kappa1(ctx) * kappa2(ctx) / n as f64
}

/// Balaban's J on RDKit's bond-order-weighted distance matrix.
pub(crate) fn balaban_j(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    let n = mol.num_atoms();
    let d = ctx.bo_distances();
    let s: Vec<f64> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| d.get(j * n + i).copied().unwrap_or(0.0))
                .sum()
        })
        .collect();
    let q = mol.num_bonds() as f64;
    let mu = q - n as f64 + 1.0;
    let mut pairs: Vec<(usize, usize)> = mol
        .bonds()
        .iter()
        .map(|b| {
            let (i, j) = (b.begin.index(), b.end.index());
            (i.min(j), i.max(j))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let sum: f64 = pairs
        .iter()
        .map(|&(i, j)| {
            1.0 / (s.get(i).copied().unwrap_or(0.0) * s.get(j).copied().unwrap_or(0.0)).sqrt()
        })
        .sum();
    if mu + 1.0 != 0.0 {
        q / (mu + 1.0) * sum
    } else {
        0.0
    }
}

/// Shannon entropy in bits of a histogram.
fn info_entropy(counts: &[f64]) -> f64 {
    let total: f64 = counts.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut res = 0.0;
    for &c in counts {
        let p = c / total;
        if p != 0.0 {
            res += -p * p.ln();
        }
    }
    res / std::f64::consts::LN_2
}

/// `v` as RDKit's `"%.4f" % v` key would write it, as an integer number of
/// ten-thousandths: two values give the same string exactly when they give
/// the same integer. Scaling and rounding is exact unless the scaled value
/// lies within float error of a half; those (rare) values are written and
/// read back, so that ties round as the formatter rounds them.
fn four_decimals(v: f64) -> i64 {
    let scaled = v * 10_000.0;
    let frac = scaled - scaled.floor();
    if (frac - 0.5).abs() > 1e-6 && scaled.abs() < 1e15 {
        return scaled.round() as i64;
    }
    format!("{v:.4}")
        .replace('.', "")
        .parse()
        .unwrap_or(i64::MAX)
}

/// Bertz's complexity index CT as RDKit computes it (aromatic bonds as
/// order 1.5; atoms symmetry-classed by their sorted bond-order-weighted
/// distance rows, to four decimals, over the 100 nearest).
pub(crate) fn bertz_ct(ctx: &MolContext) -> f64 {
    const CUTOFF: usize = 100;
    let mol = ctx.mol;
    let n = mol.num_atoms();
    if n < 2 {
        return 0.0;
    }
    let d = ctx.bo_distances();
    let mut classes = vec![0usize; n];
    let mut keys: HashMap<Vec<i64>, usize> = HashMap::new();
    let mut row: Vec<f64> = Vec::with_capacity(n);
    for (i, class) in classes.iter_mut().enumerate() {
        row.clear();
        row.extend_from_slice(d.get(i * n..(i + 1) * n).unwrap_or(&[]));
        row.sort_by(|a, b| a.total_cmp(b));
        let key: Vec<i64> = row.iter().take(CUTOFF).map(|&v| four_decimals(v)).collect();
        let next = keys.len();
        *class = *keys.entry(key).or_insert(next) + 1;
    }
    let mut order: HashMap<(usize, usize), f64> = HashMap::new();
    let mut neighbors: Vec<Vec<usize>> = vec![Vec::new(); n];
    for b in mol.bonds() {
        let (i, j) = (b.begin.index(), b.end.index());
        let (lo, hi) = (i.min(j), i.max(j));
        let o = if b.aromatic {
            1.5
        } else {
            bond_type_as_double(b.order)
        };
        order.insert((lo, hi), o);
        for (x, y) in [(lo, hi), (hi, lo)] {
            if let Some(list) = neighbors.get_mut(x) {
                if !list.contains(&y) {
                    list.push(y);
                }
            }
        }
    }
    for list in &mut neighbors {
        list.sort_unstable();
    }
    let bond_order = |a: usize, b: usize| order.get(&(a.min(b), a.max(b))).copied().unwrap_or(0.0);
    let class = |a: usize| classes.get(a).copied().unwrap_or(0);
    // ordered maps: the entropies sum these values, and a hash order
    // would change the last bits of BertzCT from run to run
    let mut atom_types: BTreeMap<u8, f64> = BTreeMap::new();
    // keys: (min class, max class) for double-bond terms, (min, hinge, max) for pairs
    let mut connections: BTreeMap<(usize, usize, usize), f64> = BTreeMap::new();
    for (atom, nbrs) in neighbors.iter().enumerate() {
        *atom_types
            .entry(mol.atom(AtomIdx(atom as u32)).atomic_num)
            .or_insert(0.0) += 1.0;
        let hinge = class(atom);
        for (i, &ni) in nbrs.iter().enumerate() {
            let ci = class(ni);
            let oi = bond_order(atom, ni);
            if oi > 1.0 && ni > atom {
                *connections
                    .entry((ci.min(hinge), usize::MAX, ci.max(hinge)))
                    .or_insert(0.0) += oi * (oi - 1.0) / 2.0;
            }
            for &nj in nbrs.iter().skip(i + 1) {
                let cj = class(nj);
                let oj = bond_order(atom, nj);
                *connections
                    .entry((ci.min(cj), hinge, ci.max(cj)))
                    .or_insert(0.0) += oi * oj;
            }
        }
    }
    let connection_list: Vec<f64> = if connections.is_empty() {
        vec![1.0]
    } else {
        connections.values().copied().collect()
    };
    let total: f64 = connection_list.iter().sum();
    let connection_ie =
        total * (info_entropy(&connection_list) + total.ln() / std::f64::consts::LN_2);
    let types: Vec<f64> = atom_types.values().copied().collect();
    let atom_type_ie = n as f64 * info_entropy(&types);
    atom_type_ie + connection_ie
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn three_ring_is_one_path_of_four_atoms() {
        let m = shennong_smiles::parse("C1CC1").unwrap();
        assert_eq!(atom_paths(&m, 4).len(), 1);
        assert_eq!(atom_paths(&m, 3).len(), 3);
        let m = shennong_smiles::parse("CC(C)C").unwrap();
        assert_eq!(atom_paths(&m, 3).len(), 3);
        assert_eq!(atom_paths(&m, 4).len(), 0);
    }

    /// The integer key groups values exactly as their `%.4f` strings do
    /// (bond-order distances: sums of 1, 1/2, 1/3 and 2/3; halves and
    /// exact ties included).
    #[test]
    fn four_decimal_keys_equal_formatted_keys() {
        let key = |v: f64| format!("{v:.4}");
        let mut values = vec![0.0, 1e8, 0.00005, 0.00015, 0.12345, 0.12355, 2.5, 1.00005];
        for a in 0..30 {
            for b in 0..6 {
                for c in 0..6 {
                    values.push(f64::from(a) + f64::from(b) * 0.5 + f64::from(c) * (2.0 / 3.0));
                    values.push(
                        f64::from(a) * (1.0 / 3.0) + f64::from(b) * 1.5 + f64::from(c) * 0.25,
                    );
                }
            }
        }
        for &x in &values {
            for &y in &values {
                assert_eq!(
                    key(x) == key(y),
                    four_decimals(x) == four_decimals(y),
                    "{x} {y}"
                );
            }
            assert_eq!(
                key(x).replace('.', "").parse::<i64>().unwrap(),
                four_decimals(x),
                "{x}"
            );
        }
    }
}
