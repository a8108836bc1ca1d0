//! Morgan (ECFP/FCFP) environments as RDKit's `MorganGenerator` enumerates
//! them: Rogers & Hahn, "Extended-Connectivity Fingerprints", J. Chem. Inf.
//! Model. 50, 742 (2010), with RDKit's invariants, hashing and duplicate
//! removal (an environment covering the same bonds as an earlier one is
//! dropped and its centre stops growing).

use std::sync::OnceLock;

use shennong_mol::{element, AtomIdx, BondOrder, Chirality, Mol};
use shennong_smarts::{MatchOptions, Query, Target};

use crate::hash::{hash_combine, hash_pair, hash_range};

/// RDKit's `Bond::BondType` numbering, used in bond invariants.
pub fn rdkit_bond_type(order: BondOrder) -> u32 {
    u32::from(shennong_mol::canon_rdkit::rdkit_bond_type(order))
}

/// RDKit's Morgan connectivity invariants (`getConnectivityInvariants`):
/// element, total degree, total H, charge, isotope mass shift and ring membership.
pub fn connectivity_invariants(mol: &Mol, include_ring_membership: bool) -> Vec<u32> {
    let rings = mol.rings();
    mol.atom_indices()
        .map(|a| {
            let atom = mol.atom(a);
            let z = atom.atomic_num;
            let total_degree = mol.degree(a) as u32 + u32::from(atom.total_hs());
            let weight = element::element(z).map_or(0.0, |e| e.average_mass);
            let mass = if atom.isotope != 0 {
                match element::isotope_mass(z, atom.isotope) {
                    Some(m) => m,
                    None if z != 0 => f64::from(atom.isotope),
                    None => 0.0,
                }
            } else {
                weight
            };
            let delta_mass = (mass - weight) as i32;
            let mut comps = [
                u32::from(z),
                total_degree,
                mol.total_hs_with_graph_hs(a),
                i32::from(atom.formal_charge) as u32,
                delta_mass as u32,
                1,
            ];
            let len = if include_ring_membership && rings.is_ring_atom(a) {
                6
            } else {
                5
            };
            hash_range(comps.get_mut(..len).map_or(&[][..], |s| &*s))
        })
        .collect()
}

/// RDKit's default feature definitions for FCFP (donor, acceptor, aromatic,
/// halogen, basic, acidic), from `FingerprintUtil.cpp`.
pub const FEATURE_SMARTS: [&str; 6] = [
    "[$([N;!H0;v3,v4&+1]),$([O,S;H1;+0]),n&H1&+0]",
    "[$([O,S;H1;v2;!$(*-*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=[O,N,P,S])]),n&H0&+0,$([o,s;+0;!$([o,s]:n);!$([o,s]:c:n)])]",
    "[a]",
    "[F,Cl,Br,I]",
    "[#7;+,$([N;H2&+0][$([C,a]);!$([C,a](=O))]),$([N;H1&+0]([$([C,a]);!$([C,a](=O))])[$([C,a]);!$([C,a](=O))]),$([N;H0&+0]([C;!$(C(=O))])([C;!$(C(=O))])[C;!$(C(=O))])]",
    "[$([C,S](=[O,S,P])-[O;H1,-1])]",
];

fn feature_queries() -> &'static [Query] {
    static QUERIES: OnceLock<Vec<Query>> = OnceLock::new();
    QUERIES.get_or_init(|| {
        FEATURE_SMARTS
            .iter()
            .filter_map(|s| shennong_smarts::parse(s).ok())
            .collect()
    })
}

/// RDKit's Morgan feature invariants (`getFeatureInvariants`): bit `i` is set
/// when the atom is in a match of feature pattern `i`.
pub fn feature_invariants(mol: &Mol) -> Vec<u32> {
    let mut inv = vec![0u32; mol.num_atoms()];
    let target = Target::new(mol);
    let opts = MatchOptions {
        uniquify: true,
        max_matches: usize::MAX,
        use_chirality: false,
    };
    for (i, q) in feature_queries().iter().enumerate() {
        for m in q.find_all_in(&target, &opts) {
            for a in m {
                if let Some(v) = inv.get_mut(a.index()) {
                    *v |= 1 << i;
                }
            }
        }
    }
    inv
}

/// One Morgan environment: its 32-bit identifier, centre atom and radius.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MorganEnv {
    /// Unfolded identifier.
    pub id: u32,
    /// Centre atom.
    pub atom: u32,
    /// Radius (layer).
    pub radius: u32,
}

/// Enumerates Morgan environments up to `radius` from atom invariants.
pub fn morgan_environments(
    mol: &Mol,
    atom_invariants: &[u32],
    radius: u32,
    use_bond_types: bool,
) -> Vec<MorganEnv> {
    morgan_environments_with_chirality(mol, atom_invariants, radius, use_bond_types, false)
}

/// [`morgan_environments`] with RDKit's `includeChirality`: stereo double
/// bonds get their own bond invariant (100 + 10 × bond type + E 3 / Z 2),
/// and from the first layer where a tagged centre's neighbours are all
/// single-bonded with distinct invariants, its R/S label (RDKit's legacy
/// `_CIPCode`: R 3, S 2, none 1) enters its identifier at every layer.
pub fn morgan_environments_with_chirality(
    mol: &Mol,
    atom_invariants: &[u32],
    radius: u32,
    use_bond_types: bool,
    include_chirality: bool,
) -> Vec<MorganEnv> {
    let n = mol.num_atoms();
    let nb = mol.num_bonds();
    let words = nb.div_ceil(64).max(1);
    let labels = if include_chirality {
        shennong_mol::canon_rdkit::legacy_labels(mol)
    } else {
        shennong_mol::canon_rdkit::LegacyLabels::default()
    };
    let bond_inv: Vec<u32> = mol
        .bonds()
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if !use_bond_types {
                return 1;
            }
            match labels.bond_z.get(i).copied().flatten() {
                Some(z) if b.order == BondOrder::Double => {
                    100 + 10 * rdkit_bond_type(b.order) + if z { 2 } else { 3 }
                }
                _ => rdkit_bond_type(b.order),
            }
        })
        .collect();
    let mut chiral_done = vec![false; n];
    let mut out = Vec::with_capacity(n * (radius as usize + 1));
    let mut current: Vec<u32> = atom_invariants.to_vec();
    current.resize(n, 0);
    for (i, &inv) in current.iter().enumerate() {
        out.push(MorganEnv {
            id: inv,
            atom: i as u32,
            radius: 0,
        });
    }
    let mut next = vec![0u32; n];
    // Bond sets covered by each atom's environment, as flat bit rows.
    let mut nbhd = vec![0u64; n * words];
    let mut round = nbhd.clone();
    let mut dead = vec![false; n];
    // Bond sets already covered, as rows of `words` words (few enough for a
    // linear scan, and no allocation per environment).
    let mut seen: Vec<u64> = Vec::with_capacity(n * radius as usize * words);
    let mut nbr_inv: Vec<(i32, u32)> = Vec::with_capacity(8);
    let mut keyed: Vec<(u64, u32, usize)> = Vec::with_capacity(if words == 1 { n } else { 0 });
    for layer in 0..radius {
        let mut this_round: Vec<(usize, u32, usize)> = Vec::with_capacity(n);
        for a in 0..n {
            if dead.get(a).copied().unwrap_or(true) {
                continue;
            }
            let neighbors = mol.neighbors(AtomIdx(a as u32));
            if neighbors.is_empty() {
                if let Some(d) = dead.get_mut(a) {
                    *d = true;
                }
                continue;
            }
            nbr_inv.clear();
            for &(o, b) in neighbors {
                let bi = b.index();
                if let Some(w) = round.get_mut(a * words + bi / 64) {
                    *w |= 1u64 << (bi % 64);
                }
                for k in 0..words {
                    let src = nbhd.get(o.index() * words + k).copied().unwrap_or(0);
                    if let Some(w) = round.get_mut(a * words + k) {
                        *w |= src;
                    }
                }
                let bt = bond_inv.get(bi).copied().unwrap_or(1) as i32;
                nbr_inv.push((bt, current.get(o.index()).copied().unwrap_or(0)));
            }
            nbr_inv.sort_unstable();
            let mut invar = layer;
            hash_combine(&mut invar, current.get(a).copied().unwrap_or(0));
            let mut looks_chiral =
                include_chirality && mol.atom(AtomIdx(a as u32)).chirality != Chirality::None;
            let checking = looks_chiral && !chiral_done.get(a).copied().unwrap_or(true);
            let mut prev: Option<u32> = None;
            for &(bt, ci) in &nbr_inv {
                hash_combine(&mut invar, hash_pair(bt as u32, ci));
                if checking && (bt != 1 || prev == Some(ci)) {
                    looks_chiral = false;
                }
                prev = Some(ci);
            }
            if looks_chiral {
                if let Some(d) = chiral_done.get_mut(a) {
                    *d = true;
                }
                let code = match labels.atom_r.get(a).copied().flatten() {
                    Some(true) => 3,
                    Some(false) => 2,
                    None => 1,
                };
                hash_combine(&mut invar, code);
            }
            if let Some(x) = next.get_mut(a) {
                *x = invar;
            }
            this_round.push((a, invar, a));
        }
        // RDKit sorts (bond set, id, atom) with bond sets compared as
        // big integers (most significant block first).
        let row = |a: usize| round.get(a * words..(a + 1) * words).unwrap_or(&[]);
        if words == 1 {
            // up to 64 bonds (nearly every molecule): the bond set is one
            // integer, and sorting plain tuples that carry it is several
            // times cheaper than the general comparison below
            keyed.clear();
            keyed.extend(
                this_round
                    .iter()
                    .map(|&(a, invar, _)| (round.get(a).copied().unwrap_or(0), invar, a)),
            );
            keyed.sort_unstable();
            this_round.clear();
            this_round.extend(keyed.iter().map(|&(_, invar, a)| (a, invar, a)));
        } else {
            this_round.sort_unstable_by(|x, y| {
                row(x.0)
                    .iter()
                    .rev()
                    .cmp(row(y.0).iter().rev())
                    .then(x.1.cmp(&y.1))
                    .then(x.2.cmp(&y.2))
            });
        }
        for &(a, invar, _) in &this_round {
            let key = row(a);
            let already = match key {
                // one word (up to 64 bonds): plain integer compares
                [k] => seen.contains(k),
                _ => seen.chunks_exact(words).any(|r| r == key),
            };
            if !already {
                seen.extend_from_slice(key);
                out.push(MorganEnv {
                    id: invar,
                    atom: a as u32,
                    radius: layer + 1,
                });
            } else if let Some(d) = dead.get_mut(a) {
                *d = true;
            }
        }
        std::mem::swap(&mut current, &mut next);
        next.fill(0);
        nbhd.copy_from_slice(&round);
    }
    out
}
