//! Morgan (ECFP/FCFP) environments as RDKit's `MorganGenerator` enumerates
//! them: Rogers & Hahn, "Extended-Connectivity Fingerprints", J. Chem. Inf.
//! Model. 50, 742 (2010), with RDKit's invariants, hashing and duplicate
//! removal (an environment covering the same bonds as an earlier one is
//! dropped and its centre stops growing).

use std::sync::OnceLock;

use shennong_mol::{element, AtomIdx, BondOrder, Chirality, Mol};
use shennong_smarts::{MatchOptions, Query, Target};

use crate::hash::{hash_combine, hash_pair};

/// RDKit's `Bond::BondType` numbering, used in bond invariants.
pub fn rdkit_bond_type(order: BondOrder) -> u32 {
    u32::from(shennong_mol::canon_rdkit::rdkit_bond_type(order))
}

/// RDKit's Morgan connectivity invariants (`getConnectivityInvariants`):
/// element, total degree, total H, charge, isotope mass shift and ring membership.
pub fn connectivity_invariants(mol: &Mol, include_ring_membership: bool) -> Vec<u32> {
    let rings = mol.rings();
    let mut out = Vec::with_capacity(mol.num_atoms());
    for (i, atom) in mol.atoms().iter().enumerate() {
        let a = AtomIdx(i as u32);
        let z = atom.atomic_num;
        let neighbors = mol.neighbors(a);
        let hs = u32::from(atom.total_hs());
        let graph_hs = neighbors
            .iter()
            .filter(|&&(n, _)| mol.atom(n).atomic_num == 1)
            .count() as u32;
        // the isotope's mass less the element's average, truncated; zero
        // without an isotope
        let delta_mass = if atom.isotope == 0 {
            0
        } else {
            let weight = element::element(z).map_or(0.0, |e| e.average_mass);
            let mass = match element::isotope_mass(z, atom.isotope) {
                Some(m) => m,
                None if z != 0 => f64::from(atom.isotope),
                None => 0.0,
            };
            (mass - weight) as i32
        };
        let mut seed = 0;
        for v in [
            u32::from(z),
            neighbors.len() as u32 + hs,
            hs + graph_hs,
            i32::from(atom.formal_charge) as u32,
            delta_mass as u32,
        ] {
            hash_combine(&mut seed, v);
        }
        if include_ring_membership && rings.is_ring_atom(a) {
            hash_combine(&mut seed, 1);
        }
        out.push(seed);
    }
    out
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
    let mut layers = Layers {
        mol,
        bond_inv: &bond_inv,
        chirality_code: include_chirality.then_some(&labels.atom_r[..]),
        chiral_done: vec![false; n],
        current: atom_invariants.to_vec(),
        next: vec![0u32; n],
        dead: vec![false; n],
        nbr_keys: Vec::with_capacity(8),
        out: Vec::with_capacity(n * (radius as usize + 1)),
    };
    layers.current.resize(n, 0);
    for (i, &inv) in layers.current.iter().enumerate() {
        layers.out.push(MorganEnv {
            id: inv,
            atom: i as u32,
            radius: 0,
        });
    }
    if mol.num_bonds() <= 64 {
        layers.grow_one_word(radius);
    } else {
        layers.grow_wide(radius);
    }
    layers.out
}

/// The state of a Morgan enumeration between layers.
struct Layers<'a> {
    mol: &'a Mol,
    bond_inv: &'a [u32],
    /// RDKit's legacy R/S per atom, when chirality is included.
    chirality_code: Option<&'a [Option<bool>]>,
    chiral_done: Vec<bool>,
    /// Identifiers of the previous layer, and of this one.
    current: Vec<u32>,
    next: Vec<u32>,
    /// Atoms whose environment stopped growing (a duplicate bond set, or
    /// no neighbours).
    dead: Vec<bool>,
    /// (bond invariant << 32 | neighbour identifier), sorted: the order of
    /// RDKit's (bond type, invariant) pairs, as one integer each.
    nbr_keys: Vec<u64>,
    out: Vec<MorganEnv>,
}

impl Layers<'_> {
    /// Atom `a`'s identifier at `layer` (`None` when it is dead or has no
    /// neighbours, which kills it), from its own and its neighbours'
    /// previous identifiers; `visit` sees each (neighbour, bond) first.
    fn atom_id(
        &mut self,
        layer: u32,
        a: usize,
        mut visit: impl FnMut(AtomIdx, usize),
    ) -> Option<u32> {
        if self.dead.get(a).copied().unwrap_or(true) {
            return None;
        }
        let neighbors = self.mol.neighbors(AtomIdx(a as u32));
        if neighbors.is_empty() {
            if let Some(d) = self.dead.get_mut(a) {
                *d = true;
            }
            return None;
        }
        self.nbr_keys.clear();
        for &(o, b) in neighbors {
            let bi = b.index();
            visit(o, bi);
            let bt = u64::from(self.bond_inv.get(bi).copied().unwrap_or(1));
            let ci = u64::from(self.current.get(o.index()).copied().unwrap_or(0));
            self.nbr_keys.push(bt << 32 | ci);
        }
        // a handful of neighbours: insertion sort beats the general sort
        for i in 1..self.nbr_keys.len() {
            let mut j = i;
            while j > 0 {
                match (self.nbr_keys.get(j - 1), self.nbr_keys.get(j)) {
                    (Some(x), Some(y)) if x > y => self.nbr_keys.swap(j - 1, j),
                    _ => break,
                }
                j -= 1;
            }
        }
        let mut invar = layer;
        hash_combine(&mut invar, self.current.get(a).copied().unwrap_or(0));
        let mut looks_chiral = self.chirality_code.is_some()
            && self.mol.atom(AtomIdx(a as u32)).chirality != Chirality::None;
        let checking = looks_chiral && !self.chiral_done.get(a).copied().unwrap_or(true);
        let mut prev: Option<u32> = None;
        for &key in &self.nbr_keys {
            let (bt, ci) = ((key >> 32) as u32, key as u32);
            hash_combine(&mut invar, hash_pair(bt, ci));
            if checking && (bt != 1 || prev == Some(ci)) {
                looks_chiral = false;
            }
            prev = Some(ci);
        }
        if looks_chiral {
            if let Some(d) = self.chiral_done.get_mut(a) {
                *d = true;
            }
            let code = match self
                .chirality_code
                .and_then(|codes| codes.get(a).copied().flatten())
            {
                Some(true) => 3,
                Some(false) => 2,
                None => 1,
            };
            hash_combine(&mut invar, code);
        }
        if let Some(x) = self.next.get_mut(a) {
            *x = invar;
        }
        Some(invar)
    }

    /// Ends a layer: this layer's identifiers become the previous ones.
    fn end_layer(&mut self) {
        std::mem::swap(&mut self.current, &mut self.next);
        self.next.fill(0);
    }

    /// Up to 64 bonds (nearly every molecule): each bond set is one integer.
    fn grow_one_word(&mut self, radius: u32) {
        let n = self.mol.num_atoms();
        let mut nbhd = vec![0u64; n];
        let mut round = vec![0u64; n];
        // bond sets of earlier layers, sorted
        let mut seen: Vec<u64> = Vec::with_capacity(n * radius as usize);
        let mut fresh: Vec<u64> = Vec::with_capacity(n);
        // (bond set, identifier, atom) packed so that one integer compare
        // gives RDKit's order: bond sets as integers, then id, then atom
        let mut keyed: Vec<u128> = Vec::with_capacity(n);
        for layer in 0..radius {
            keyed.clear();
            for a in 0..n {
                let mut bits = round.get(a).copied().unwrap_or(0);
                let id = self.atom_id(layer, a, |o, bi| {
                    bits |= 1u64 << (bi % 64) | nbhd.get(o.index()).copied().unwrap_or(0);
                });
                let Some(id) = id else { continue };
                if let Some(r) = round.get_mut(a) {
                    *r = bits;
                }
                keyed.push(u128::from(bits) << 64 | u128::from(id) << 32 | a as u128);
            }
            keyed.sort_unstable();
            fresh.clear();
            let mut last: Option<u64> = None;
            for &k in &keyed {
                let (bits, id, a) = ((k >> 64) as u64, (k >> 32) as u32, k as u32);
                let repeated = last == Some(bits) || seen.binary_search(&bits).is_ok();
                last = Some(bits);
                if repeated {
                    if let Some(d) = self.dead.get_mut(a as usize) {
                        *d = true;
                    }
                } else {
                    fresh.push(bits);
                    self.out.push(MorganEnv {
                        id,
                        atom: a,
                        radius: layer + 1,
                    });
                }
            }
            seen.extend_from_slice(&fresh);
            seen.sort_unstable();
            self.end_layer();
            nbhd.copy_from_slice(&round);
        }
    }

    /// More than 64 bonds: bond sets as rows of words.
    fn grow_wide(&mut self, radius: u32) {
        let n = self.mol.num_atoms();
        let words = self.mol.num_bonds().div_ceil(64).max(1);
        let mut nbhd = vec![0u64; n * words];
        let mut round = nbhd.clone();
        // bond sets already covered, as rows of `words` words
        let mut seen: Vec<u64> = Vec::with_capacity(n * radius as usize * words);
        let mut this_round: Vec<(usize, u32)> = Vec::with_capacity(n);
        for layer in 0..radius {
            this_round.clear();
            for a in 0..n {
                let id = self.atom_id(layer, a, |o, bi| {
                    if let Some(w) = round.get_mut(a * words + bi / 64) {
                        *w |= 1u64 << (bi % 64);
                    }
                    for k in 0..words {
                        let src = nbhd.get(o.index() * words + k).copied().unwrap_or(0);
                        if let Some(w) = round.get_mut(a * words + k) {
                            *w |= src;
                        }
                    }
                });
                if let Some(id) = id {
                    this_round.push((a, id));
                }
            }
            // RDKit sorts (bond set, id, atom) with bond sets compared as
            // big integers (most significant block first)
            let row = |a: usize| round.get(a * words..(a + 1) * words).unwrap_or(&[]);
            this_round.sort_unstable_by(|x, y| {
                row(x.0)
                    .iter()
                    .rev()
                    .cmp(row(y.0).iter().rev())
                    .then(x.1.cmp(&y.1))
                    .then(x.0.cmp(&y.0))
            });
            for &(a, id) in &this_round {
                let key = row(a);
                if seen.chunks_exact(words).any(|r| r == key) {
                    if let Some(d) = self.dead.get_mut(a) {
                        *d = true;
                    }
                } else {
                    seen.extend_from_slice(key);
                    self.out.push(MorganEnv {
                        id,
                        atom: a as u32,
                        radius: layer + 1,
                    });
                }
            }
            self.end_layer();
            nbhd.copy_from_slice(&round);
        }
    }
}
