//! Morgan (ECFP/FCFP) environments as RDKit's `MorganGenerator` enumerates
//! them: Rogers & Hahn, "Extended-Connectivity Fingerprints", J. Chem. Inf.
//! Model. 50, 742 (2010), with RDKit's invariants, hashing and duplicate
//! removal (an environment covering the same bonds as an earlier one is
//! dropped and its centre stops growing).

use std::cell::Cell;
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
    // hydrogens as atoms are rare after sanitisation: look for them once
    let graph_h_atoms = mol.atoms().iter().any(|x| x.atomic_num == 1);
    for (i, atom) in mol.atoms().iter().enumerate() {
        let a = AtomIdx(i as u32);
        let z = atom.atomic_num;
        let neighbors = mol.neighbors(a);
        let hs = u32::from(atom.total_hs());
        let graph_hs = if graph_h_atoms {
            neighbors
                .iter()
                .filter(|&&(n, _)| mol.atom(n).atomic_num == 1)
                .count() as u32
        } else {
            0
        };
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

/// Enumerates Morgan environments up to `radius` from atom invariants:
/// the same set as RDKit's, layer by layer (within a layer, in atom order
/// rather than RDKit's bond-set order).
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
    let mut scratch = SCRATCH.with(Cell::take);
    scratch.load(
        n,
        atom_invariants,
        mol.bonds().iter().enumerate().map(|(i, b)| {
            if !use_bond_types {
                return 1;
            }
            match labels.bond_z.get(i).copied().flatten() {
                Some(z) if b.order == BondOrder::Double => {
                    100 + 10 * rdkit_bond_type(b.order) + if z { 2 } else { 3 }
                }
                _ => rdkit_bond_type(b.order),
            }
        }),
    );
    let mut layers = Layers {
        mol,
        chirality_code: include_chirality.then_some(&labels.atom_r[..]),
        s: scratch,
        out: Vec::with_capacity(n * (radius as usize + 1)),
    };
    for (i, &inv) in layers.s.current.iter().enumerate() {
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
    SCRATCH.with(|cell| cell.set(layers.s));
    layers.out
}

/// Buffers a thread reuses from one molecule to the next: a fingerprint
/// run enumerates millions of small molecules, and ten fresh vectors for
/// each cost about 5 % of the fingerprint time. Taken out of [`SCRATCH`] for
/// a run and put back after it, so that a nested run simply starts with
/// empty buffers.
#[derive(Default)]
struct Scratch {
    /// Per bond: its invariant.
    bond_inv: Vec<u32>,
    /// Per atom: the chirality code entered the identifier already.
    chiral_done: Vec<bool>,
    /// Per atom: identifiers of the previous layer, and of this one.
    current: Vec<u32>,
    next: Vec<u32>,
    /// Per atom: the environment stopped growing (a duplicate bond set, or
    /// no neighbours).
    dead: Vec<bool>,
    /// (bond invariant << 32 | neighbour identifier), sorted: the order of
    /// RDKit's (bond type, invariant) pairs, as one integer each (for atoms
    /// with more than eight neighbours; fewer are keyed on the stack).
    nbr_keys: Vec<u64>,
    /// Per atom, up to 64 bonds: the bond set of the previous layer, and of
    /// this one.
    nbhd: Vec<u64>,
    round: Vec<u64>,
    seen: BondSets,
}

impl Scratch {
    /// Sets the buffers up for a run on a molecule of `n` atoms: the bond
    /// invariants, the layer-0 identifiers, every atom alive and without
    /// its chirality code yet.
    fn load(&mut self, n: usize, atom_invariants: &[u32], bond_inv: impl Iterator<Item = u32>) {
        self.bond_inv.clear();
        self.bond_inv.extend(bond_inv);
        self.current.clear();
        self.current.extend_from_slice(atom_invariants);
        self.current.resize(n, 0);
        self.next.clear();
        self.next.resize(n, 0);
        for v in [&mut self.chiral_done, &mut self.dead] {
            v.clear();
            v.resize(n, false);
        }
    }
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// The state of a Morgan enumeration between layers.
struct Layers<'a> {
    mol: &'a Mol,
    /// RDKit's legacy R/S per atom, when chirality is included.
    chirality_code: Option<&'a [Option<bool>]>,
    s: Scratch,
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
        if self.s.dead.get(a).copied().unwrap_or(true) {
            return None;
        }
        let neighbors = self.mol.neighbors(AtomIdx(a as u32));
        if neighbors.is_empty() {
            if let Some(d) = self.s.dead.get_mut(a) {
                *d = true;
            }
            return None;
        }
        // the keys of up to eight neighbours stay on the stack
        let mut local = [0u64; 8];
        let keys: &mut [u64] = match local.get_mut(..neighbors.len()) {
            Some(keys) => keys,
            None => {
                self.s.nbr_keys.clear();
                self.s.nbr_keys.resize(neighbors.len(), 0);
                &mut self.s.nbr_keys
            }
        };
        for (key, &(o, b)) in keys.iter_mut().zip(neighbors) {
            let bi = b.index();
            visit(o, bi);
            let bt = u64::from(self.s.bond_inv.get(bi).copied().unwrap_or(1));
            let ci = u64::from(self.s.current.get(o.index()).copied().unwrap_or(0));
            *key = bt << 32 | ci;
        }
        // a handful of neighbours: insertion sort beats the general sort
        for i in 1..keys.len() {
            let mut j = i;
            while j > 0 {
                match (keys.get(j - 1), keys.get(j)) {
                    (Some(x), Some(y)) if x > y => keys.swap(j - 1, j),
                    _ => break,
                }
                j -= 1;
            }
        }
        let mut invar = layer;
        hash_combine(&mut invar, self.s.current.get(a).copied().unwrap_or(0));
        let mut looks_chiral = self.chirality_code.is_some()
            && self.mol.atom(AtomIdx(a as u32)).chirality != Chirality::None;
        let checking = looks_chiral && !self.s.chiral_done.get(a).copied().unwrap_or(true);
        let mut prev: Option<u32> = None;
        for &key in keys.iter() {
            let (bt, ci) = ((key >> 32) as u32, key as u32);
            hash_combine(&mut invar, hash_pair(bt, ci));
            if checking && (bt != 1 || prev == Some(ci)) {
                looks_chiral = false;
            }
            prev = Some(ci);
        }
        if looks_chiral {
            if let Some(d) = self.s.chiral_done.get_mut(a) {
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
        if let Some(x) = self.s.next.get_mut(a) {
            *x = invar;
        }
        Some(invar)
    }

    /// Ends a layer: this layer's identifiers become the previous ones.
    fn end_layer(&mut self) {
        std::mem::swap(&mut self.s.current, &mut self.s.next);
        self.s.next.fill(0);
    }

    /// Up to 64 bonds (nearly every molecule): each bond set is one integer.
    ///
    /// RDKit sorts each layer's environments by (bond set, identifier,
    /// atom) and keeps the first of each bond set not covered in an earlier
    /// layer; the others stop growing. Which environment that keeps does not
    /// depend on the sort: it is the one with the smallest (identifier,
    /// atom) among this layer's holders of the set. So a table of the sets
    /// seen so far, each with the output slot of its holder, decides it as
    /// the atoms come, in atom order: a set from an earlier layer kills the
    /// atom; a set already claimed in this layer goes to the smaller
    /// identifier (the earlier atom on a tie, since atoms come in order),
    /// and the loser stops growing.
    fn grow_one_word(&mut self, radius: u32) {
        let n = self.mol.num_atoms();
        let mut nbhd = std::mem::take(&mut self.s.nbhd);
        let mut round = std::mem::take(&mut self.s.round);
        for v in [&mut nbhd, &mut round] {
            v.clear();
            v.resize(n, 0);
        }
        let mut seen = std::mem::take(&mut self.s.seen);
        // each layer claims at most one set per atom
        seen.reset(n.saturating_mul(radius.min(4) as usize));
        for layer in 0..radius {
            seen.reserve(n);
            let layer_start = self.out.len();
            for a in 0..n {
                let mut bits = round.get(a).copied().unwrap_or(0);
                let id = self.atom_id(layer, a, |o, bi| {
                    bits |= 1u64 << (bi % 64) | nbhd.get(o.index()).copied().unwrap_or(0);
                });
                let Some(id) = id else { continue };
                if let Some(r) = round.get_mut(a) {
                    *r = bits;
                }
                let env = MorganEnv {
                    id,
                    atom: a as u32,
                    radius: layer + 1,
                };
                let loser = match seen.claim(bits, self.out.len()) {
                    None => {
                        self.out.push(env);
                        continue;
                    }
                    Some(slot) if slot >= layer_start => match self.out.get_mut(slot) {
                        Some(holder) if id < holder.id => {
                            let beaten = holder.atom as usize;
                            *holder = env;
                            beaten
                        }
                        _ => a,
                    },
                    Some(_) => a,
                };
                if let Some(d) = self.s.dead.get_mut(loser) {
                    *d = true;
                }
            }
            if self.out.len() == layer_start {
                // every atom has stopped growing: later layers add nothing
                break;
            }
            self.end_layer();
            nbhd.copy_from_slice(&round);
        }
        self.s.nbhd = nbhd;
        self.s.round = round;
        self.s.seen = seen;
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
                    if let Some(d) = self.s.dead.get_mut(a) {
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

/// The bond sets claimed so far, each with the output slot of the
/// environment that holds it: open addressing with linear probing over
/// (bond set, slot) entries, a bond set never being 0 (a growing
/// environment holds at least its centre's bonds), so 0 marks a free entry.
/// The entries in use are listed, so that starting over for the next
/// molecule clears only those.
#[derive(Default)]
struct BondSets {
    entries: Vec<(u64, u32)>,
    used: Vec<u32>,
    shift: u32,
}

impl BondSets {
    /// Empties the table, with room for `expected` sets.
    fn reset(&mut self, expected: usize) {
        for &i in &self.used {
            if let Some(e) = self.entries.get_mut(i as usize) {
                *e = (0, 0);
            }
        }
        self.used.clear();
        let capacity = expected.saturating_mul(2).next_power_of_two().max(16);
        // a table left large by an earlier big molecule is not kept for
        // every small one after it
        if self.entries.len() < capacity || self.entries.len() > capacity.saturating_mul(8) {
            self.entries = vec![(0, 0); capacity];
        }
        self.shift = 64 - self.entries.len().trailing_zeros();
    }

    /// Makes room for `more` claims beyond those made (a claim does not
    /// check: the table stays at most half full).
    fn reserve(&mut self, more: usize) {
        let needed = (self.used.len() + more).saturating_mul(2);
        if needed <= self.entries.len() {
            return;
        }
        let live: Vec<(u64, u32)> = self
            .used
            .iter()
            .filter_map(|&i| self.entries.get(i as usize).copied())
            .collect();
        self.used.clear();
        self.entries = vec![(0, 0); needed.next_power_of_two()];
        self.shift = 64 - self.entries.len().trailing_zeros();
        for (k, s) in live {
            self.claim(k, s as usize);
        }
    }

    /// The slot that holds `key`, or `None` after recording it with `slot`.
    #[inline]
    fn claim(&mut self, key: u64, slot: usize) -> Option<usize> {
        let mask = self.entries.len().wrapping_sub(1);
        // Fibonacci hashing: the top bits of the product spread the bits
        let mut i = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize;
        loop {
            match self.entries.get_mut(i) {
                Some(&mut (k, s)) if k == key => return Some(s as usize),
                Some(e) if e.0 == 0 => {
                    *e = (key, u32::try_from(slot).unwrap_or(u32::MAX));
                    self.used.push(i as u32);
                    return None;
                }
                Some(_) => i = (i + 1) & mask,
                // only an empty table (never claimed into after a reset)
                None => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// (radius, atom, identifier) of each environment, sorted.
    type Envs = Vec<(u32, u32, u32)>;

    /// Environments of both growth strategies: the bond-set table of
    /// `grow_one_word` against the sort of `grow_wide`, which follows RDKit's
    /// order literally and works for any number of bonds.
    fn both_ways(smiles: &str, radius: u32) -> (Envs, Envs) {
        let mol = shennong_smiles::parse(smiles).unwrap();
        let inv = connectivity_invariants(&mol, true);
        let run = |wide: bool| {
            let mut scratch = Scratch::default();
            let bond_inv = mol.bonds().iter().map(|b| rdkit_bond_type(b.order));
            scratch.load(mol.num_atoms(), &inv, bond_inv);
            let mut layers = Layers {
                mol: &mol,
                chirality_code: None,
                s: scratch,
                out: Vec::new(),
            };
            if wide {
                layers.grow_wide(radius);
            } else {
                layers.grow_one_word(radius);
            }
            let mut envs: Vec<_> = layers
                .out
                .iter()
                .map(|e| (e.radius, e.atom, e.id))
                .collect();
            envs.sort_unstable();
            envs
        };
        (run(false), run(true))
    }

    #[test]
    fn bond_set_table_keeps_the_environments_of_rdkits_sort() {
        // symmetric molecules, where one layer's atoms share bond sets and
        // the smaller identifier must win, and cages/fused rings, where sets
        // repeat across layers
        for smiles in [
            "CC",
            "C=C",
            "CCO",
            "c1ccccc1",
            "C1CC1",
            "C12C3C4C1C5C2C3C45",
            "C1C2CC3CC1CC(C2)C3",
            "C1CCC2(CC1)CCCCC2",
            "c1ccc2ccccc2c1",
            "OC(=O)C(O)(CC(=O)O)CC(=O)O",
            "CC(C)(C)C(C)(C)C",
            "[Na+].[Cl-].CCO",
            "c1ccc(-c2ccccc2)cc1",
        ] {
            for radius in [1, 2, 3, 6] {
                let (table, sorted) = both_ways(smiles, radius);
                assert!(!table.is_empty());
                assert_eq!(table, sorted, "{smiles} radius {radius}");
            }
        }
    }

    /// The same on the bundled example molecules (salts, stereo, fused and
    /// bridged rings, a few hundred drug-like structures).
    #[test]
    fn bond_set_table_matches_the_sort_on_the_examples() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/molecules.smi");
        let text = std::fs::read_to_string(path).unwrap();
        let mut checked = 0;
        for line in text.lines() {
            let Some(smiles) = line.split_whitespace().next() else {
                continue;
            };
            // one word holds the bond sets of up to 64 bonds only
            if shennong_smiles::parse(smiles).map_or(true, |m| m.num_bonds() > 64) {
                continue;
            }
            for radius in [2, 3] {
                let (table, sorted) = both_ways(smiles, radius);
                assert_eq!(table, sorted, "{smiles} radius {radius}");
            }
            checked += 1;
        }
        assert!(checked > 200, "{checked} molecules");
    }

    #[test]
    fn bond_sets_grow_and_start_over() {
        let mut sets = BondSets::default();
        for round in 0..3u64 {
            sets.reset(4);
            // far more keys than the room asked for: the table grows
            for k in 1..=200u64 {
                sets.reserve(1);
                assert_eq!(sets.claim(k * 7919 + round, k as usize), None);
            }
            for k in 1..=200u64 {
                assert_eq!(sets.claim(k * 7919 + round, 0), Some(k as usize));
            }
        }
        // after a reset, nothing from before is there
        sets.reset(4);
        assert_eq!(sets.claim(7919 + 2, 5), None);
    }
}
