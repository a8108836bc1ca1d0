//! Molecule editing for the graph genetic algorithm: atom and bond
//! mutations, ring insertion and deletion, and fragment crossover on cut
//! bonds, in the spirit of Jensen's Graph GA (J. H. Jensen, *Chem. Sci.* 10,
//! 3567 (2019)) and with its move set and move probabilities.
//!
//! Edits work on a Kekulé graph ([`EditGraph`]) without stereo and every
//! result goes back through [`shennong_mol`]'s `sanitize`: an edit either
//! yields a sanitized, connected molecule that passes the size and ring
//! checks ([`Limits`]) or nothing. Implicit hydrogens are recomputed by the
//! valence model for every atom an edit touches.

use shennong_mol::{Atom, AtomIdx, BondOrder, Mol, MolBuilder};

use crate::rng::Rng;

/// Atom of an editable graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EditAtom {
    z: u8,
    charge: i8,
    isotope: u16,
    explicit_hs: u8,
    no_implicit: bool,
    /// Total hydrogens in the molecule this graph was made from.
    hs: u8,
    in_ring: bool,
}

/// Bond of an editable graph (order 1, 2 or 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EditBond {
    a: usize,
    b: usize,
    order: u8,
    in_ring: bool,
}

/// A Kekulé molecule graph that edits can change freely; [`EditGraph::to_mol`]
/// perceives it again.
#[derive(Debug, Clone, Default)]
pub struct EditGraph {
    atoms: Vec<EditAtom>,
    bonds: Vec<EditBond>,
}

/// Size and ring rules every generated molecule must pass (Jensen's
/// `mol_ok` and `ring_OK`): more than `min_atoms` heavy atoms, fewer than a
/// size drawn from N(`mean_atoms`, `sd_atoms`), one fragment, no ring larger
/// than `max_ring_size`, no ring allenes, no double bond inside 3- or
/// 4-membered rings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Molecules need more heavy atoms than this.
    pub min_atoms: usize,
    /// Mean of the drawn upper size bound (PMO's Graph GA: 39.15).
    pub mean_atoms: f64,
    /// Standard deviation of the drawn bound (PMO: 3.50).
    pub sd_atoms: f64,
    /// Largest ring allowed (6: no macrocycles).
    pub max_ring_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            min_atoms: 5,
            mean_atoms: 39.15,
            sd_atoms: 3.5,
            max_ring_size: 6,
        }
    }
}

impl Limits {
    /// Whether a sanitized molecule is acceptable (draws the size bound).
    pub fn accepts(&self, mol: &Mol, rng: &mut Rng) -> bool {
        let n = mol.num_atoms();
        let bound = self.sd_atoms * rng.normal() + self.mean_atoms;
        n > self.min_atoms && (n as f64) < bound && mol.fragments().len() == 1 && self.rings_ok(mol)
    }

    fn rings_ok(&self, mol: &Mol) -> bool {
        let rings = mol.rings();
        if rings
            .atom_rings()
            .iter()
            .any(|r| r.len() > self.max_ring_size)
        {
            return false;
        }
        for bond in mol.bonds() {
            if bond.order != BondOrder::Double || bond.aromatic {
                continue;
            }
            let small = |a: AtomIdx| {
                rings.is_atom_in_ring_of_size(a, 3) || rings.is_atom_in_ring_of_size(a, 4)
            };
            if small(bond.begin) && small(bond.end) {
                return false;
            }
            // a ring atom with two ring double bonds ([R]=[R]=[R])
            for end in [bond.begin, bond.end] {
                if !rings.is_ring_atom(end) {
                    continue;
                }
                let ring_doubles = mol
                    .neighbors(end)
                    .iter()
                    .filter(|&&(n, b)| {
                        let nb = mol.bond(b);
                        nb.order == BondOrder::Double && !nb.aromatic && rings.is_ring_atom(n)
                    })
                    .count();
                if ring_doubles >= 2 {
                    return false;
                }
            }
        }
        true
    }
}

fn order_code(order: BondOrder) -> Option<u8> {
    match order {
        BondOrder::Single => Some(1),
        BondOrder::Double => Some(2),
        BondOrder::Triple => Some(3),
        _ => None,
    }
}

fn bond_order(code: u8) -> BondOrder {
    match code {
        2 => BondOrder::Double,
        3 => BondOrder::Triple,
        _ => BondOrder::Single,
    }
}

const C: u8 = 6;
const N: u8 = 7;
const O: u8 = 8;
const F: u8 = 9;
const S: u8 = 16;
const CL: u8 = 17;
const BR: u8 = 35;

impl EditGraph {
    /// The Kekulé graph of a sanitized molecule; `None` for molecules with
    /// bonds other than single, double, triple or aromatic.
    pub fn from_mol(mol: &Mol) -> Option<EditGraph> {
        let kek = mol.kekulized().ok()?;
        let rings = mol.rings();
        let atoms = kek
            .atoms()
            .iter()
            .zip(mol.atom_indices())
            .map(|(a, idx)| EditAtom {
                z: a.atomic_num,
                charge: a.formal_charge,
                isotope: a.isotope,
                explicit_hs: a.explicit_hs,
                no_implicit: a.no_implicit,
                hs: mol.atom(idx).total_hs(),
                in_ring: rings.is_ring_atom(idx),
            })
            .collect();
        let mut bonds = Vec::with_capacity(kek.num_bonds());
        for (i, b) in kek.bonds().iter().enumerate() {
            bonds.push(EditBond {
                a: b.begin.index(),
                b: b.end.index(),
                order: order_code(b.order)?,
                in_ring: rings.is_ring_bond(shennong_mol::BondIdx(i as u32)),
            });
        }
        Some(EditGraph { atoms, bonds })
    }

    /// Perceives the graph; `None` when the valence model or kekulisation
    /// rejects it.
    pub fn to_mol(&self) -> Option<Mol> {
        let mut b = MolBuilder::new();
        for a in &self.atoms {
            let mut atom = Atom::new(a.z);
            atom.formal_charge = a.charge;
            atom.isotope = a.isotope;
            atom.explicit_hs = a.explicit_hs;
            atom.no_implicit = a.no_implicit;
            b.add_atom(atom);
        }
        for bond in &self.bonds {
            b.add_bond(
                AtomIdx(bond.a as u32),
                AtomIdx(bond.b as u32),
                bond_order(bond.order),
            )
            .ok()?;
        }
        b.sanitize().ok()
    }

    /// Number of atoms.
    pub fn num_atoms(&self) -> usize {
        self.atoms.len()
    }

    fn degree(&self, a: usize) -> usize {
        self.bonds.iter().filter(|b| b.a == a || b.b == a).count()
    }

    fn neighbours(&self, a: usize) -> Vec<usize> {
        self.bonds
            .iter()
            .filter_map(|b| {
                if b.a == a {
                    Some(b.b)
                } else if b.b == a {
                    Some(b.a)
                } else {
                    None
                }
            })
            .collect()
    }

    fn bond_index(&self, x: usize, y: usize) -> Option<usize> {
        self.bonds
            .iter()
            .position(|b| (b.a == x && b.b == y) || (b.a == y && b.b == x))
    }

    fn hs(&self, a: usize) -> u8 {
        self.atoms.get(a).map_or(0, |x| x.hs)
    }

    fn in_ring(&self, a: usize) -> bool {
        self.atoms.get(a).is_some_and(|x| x.in_ring)
    }

    /// Lets the valence model recompute the hydrogens of an edited atom.
    fn touch(&mut self, a: usize) {
        if let Some(x) = self.atoms.get_mut(a) {
            x.explicit_hs = 0;
            x.no_implicit = false;
        }
    }

    fn add_atom(&mut self, z: u8) -> usize {
        self.atoms.push(EditAtom {
            z,
            charge: 0,
            isotope: 0,
            explicit_hs: 0,
            no_implicit: false,
            hs: 0,
            in_ring: false,
        });
        self.atoms.len() - 1
    }

    /// Adds a bond unless the atoms are the same or already bonded.
    fn add_bond(&mut self, a: usize, b: usize, order: u8) -> Option<()> {
        if a == b || self.bond_index(a, b).is_some() {
            return None;
        }
        self.bonds.push(EditBond {
            a,
            b,
            order,
            in_ring: false,
        });
        self.touch(a);
        self.touch(b);
        Some(())
    }

    fn remove_bond(&mut self, x: usize, y: usize) -> Option<EditBond> {
        let i = self.bond_index(x, y)?;
        self.touch(x);
        self.touch(y);
        Some(self.bonds.remove(i))
    }

    /// Removes atoms (and their bonds), renumbering the rest in order.
    fn remove_atoms(&mut self, gone: &[usize]) {
        let mut map = Vec::with_capacity(self.atoms.len());
        let mut next = 0;
        for i in 0..self.atoms.len() {
            if gone.contains(&i) {
                map.push(None);
            } else {
                map.push(Some(next));
                next += 1;
            }
        }
        let losing_a_bond: Vec<usize> = self
            .bonds
            .iter()
            .filter_map(|b| match (gone.contains(&b.a), gone.contains(&b.b)) {
                (true, false) => Some(b.b),
                (false, true) => Some(b.a),
                _ => None,
            })
            .collect();
        for a in losing_a_bond {
            self.touch(a);
        }
        let m = |i: usize| map.get(i).copied().flatten();
        self.bonds = self
            .bonds
            .iter()
            .filter_map(|b| {
                Some(EditBond {
                    a: m(b.a)?,
                    b: m(b.b)?,
                    ..*b
                })
            })
            .collect();
        let mut i = 0;
        self.atoms.retain(|_| {
            let keep = !gone.contains(&i);
            i += 1;
            keep
        });
    }

    /// Simple paths of exactly `len` atoms (each found from both ends).
    fn paths(&self, len: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut path = Vec::with_capacity(len);
        for start in 0..self.atoms.len() {
            path.clear();
            path.push(start);
            self.extend_paths(&mut path, len, &mut out);
        }
        out
    }

    fn extend_paths(&self, path: &mut Vec<usize>, len: usize, out: &mut Vec<Vec<usize>>) {
        if path.len() == len {
            out.push(path.clone());
            return;
        }
        let Some(&last) = path.last() else {
            return;
        };
        for n in self.neighbours(last) {
            if !path.contains(&n) {
                path.push(n);
                self.extend_paths(path, len, out);
                path.pop();
            }
        }
    }
}

/// The seven mutation kinds of Jensen's Graph GA, with its probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    InsertAtom,
    ChangeBondOrder,
    DeleteCyclicBond,
    AddRing,
    DeleteAtom,
    ChangeAtom,
    AppendAtom,
}

const MUTATIONS: [(Mutation, f64); 7] = [
    (Mutation::InsertAtom, 0.15),
    (Mutation::ChangeBondOrder, 0.14),
    (Mutation::DeleteCyclicBond, 0.14),
    (Mutation::AddRing, 0.14),
    (Mutation::DeleteAtom, 0.14),
    (Mutation::ChangeAtom, 0.14),
    (Mutation::AppendAtom, 0.15),
];

/// Bond-order classes for inserted and appended atoms: single, double, triple.
const ORDER_WEIGHTS: [f64; 3] = [0.60, 0.35, 0.05];

/// Elements for `change_atom` (C, N, O, F, S, Cl, Br) and their weights.
const CHANGE_ELEMENTS: [(u8, f64); 7] = [
    (C, 0.15),
    (N, 0.15),
    (O, 0.14),
    (F, 0.14),
    (S, 0.14),
    (CL, 0.14),
    (BR, 0.14),
];

/// One candidate edit: a function of the graph that yields the edited graph.
type Edit = Box<dyn Fn(&EditGraph) -> Option<EditGraph>>;

fn pick_element(rng: &mut Rng, elements: &[u8]) -> u8 {
    rng.choose(elements).copied().unwrap_or(C)
}

/// The candidate edits of one mutation kind on `g`.
fn candidates(g: &EditGraph, kind: Mutation, rng: &mut Rng) -> Vec<Edit> {
    let mut out: Vec<Edit> = Vec::new();
    match kind {
        Mutation::InsertAtom => {
            let class = rng.weighted(&ORDER_WEIGHTS);
            let z = match class {
                0 => pick_element(rng, &[C, N, O, S]),
                1 => pick_element(rng, &[C, N]),
                _ => C,
            };
            for bond in &g.bonds {
                for (x, y) in [(bond.a, bond.b), (bond.b, bond.a)] {
                    let ok = match class {
                        0 => x < y,
                        1 => g.hs(x) >= 1,
                        _ => !g.in_ring(x) && g.hs(x) >= 2,
                    };
                    if !ok {
                        continue;
                    }
                    out.push(Box::new(move |g: &EditGraph| {
                        let mut e = g.clone();
                        e.remove_bond(x, y)?;
                        let new = e.add_atom(z);
                        let first = match class {
                            0 => 1,
                            1 => 2,
                            _ => 3,
                        };
                        e.add_bond(x, new, first)?;
                        e.add_bond(new, y, 1)?;
                        Some(e)
                    }));
                }
            }
        }
        Mutation::ChangeBondOrder => {
            let class = rng.weighted(&[0.45, 0.45, 0.05, 0.05]);
            for bond in &g.bonds {
                for (x, y) in [(bond.a, bond.b), (bond.b, bond.a)] {
                    let new_order = match class {
                        0 if bond.order != 1 && x < y => 1,
                        1 if bond.order == 1 && g.hs(x) >= 1 && g.hs(y) >= 1 && x < y => 2,
                        2 if bond.order == 3 && x < y => 2,
                        3 if !g.in_ring(x) && g.hs(x) >= 2 && bond.order != 3 => 3,
                        _ => continue,
                    };
                    out.push(Box::new(move |g: &EditGraph| {
                        let mut e = g.clone();
                        let i = e.bond_index(x, y)?;
                        e.bonds.get_mut(i)?.order = new_order;
                        e.touch(x);
                        e.touch(y);
                        Some(e)
                    }));
                }
            }
        }
        Mutation::DeleteCyclicBond => {
            for bond in g.bonds.iter().filter(|b| b.in_ring) {
                let (x, y) = (bond.a, bond.b);
                out.push(Box::new(move |g: &EditGraph| {
                    let mut e = g.clone();
                    e.remove_bond(x, y)?;
                    Some(e)
                }));
            }
        }
        Mutation::AddRing => {
            let size = 3 + rng.weighted(&[0.05, 0.05, 0.45, 0.45]);
            for path in g.paths(size) {
                let (Some(&first), Some(&last)) = (path.first(), path.last()) else {
                    continue;
                };
                if g.hs(first) == 0 || g.hs(last) == 0 {
                    continue;
                }
                // which atoms must be outside rings, by ring size
                let acyclic: &[usize] = match size {
                    3 => &[0, 1, 2],
                    4 => &[0, 1, 2, 3],
                    5 => &[0, 1, 4],
                    _ => &[0, 1, 4, 5],
                };
                if !acyclic
                    .iter()
                    .all(|&k| path.get(k).is_some_and(|&a| !g.in_ring(a)))
                {
                    continue;
                }
                out.push(Box::new(move |g: &EditGraph| {
                    let mut e = g.clone();
                    e.add_bond(first, last, 1)?;
                    Some(e)
                }));
            }
        }
        Mutation::DeleteAtom => {
            let class = rng.weighted(&[0.25, 0.25, 0.25, 0.1875, 0.0625]);
            for x in 0..g.atoms.len() {
                let nbrs = g.neighbours(x);
                let degree = nbrs.len();
                // (neighbour chain to reconnect in order)
                let chains: Vec<Vec<usize>> = match (class, degree) {
                    (0, 1) => vec![Vec::new()],
                    (1, 2) => vec![nbrs.clone()],
                    (2, 3) => permutations3(&nbrs)
                        .into_iter()
                        .filter(|p| p.get(1).is_some_and(|&c| g.hs(c) >= 1))
                        .collect(),
                    (3, 4) => permutations4(&nbrs)
                        .into_iter()
                        .filter(|p| {
                            p.get(1).is_some_and(|&c| g.hs(c) >= 1)
                                && p.get(2).is_some_and(|&d| g.hs(d) >= 1)
                        })
                        .collect(),
                    (4, 4) => permutations4(&nbrs)
                        .into_iter()
                        .filter(|p| p.get(1).is_some_and(|&c| g.hs(c) >= 2))
                        .map(|p| p.into_iter().take(3).collect())
                        .collect(),
                    _ => Vec::new(),
                };
                for chain in chains {
                    out.push(Box::new(move |g: &EditGraph| {
                        let mut e = g.clone();
                        for w in chain.windows(2) {
                            if let [p, q] = *w {
                                e.add_bond(p, q, 1)?;
                            }
                        }
                        e.remove_atoms(&[x]);
                        Some(e)
                    }));
                }
            }
        }
        Mutation::ChangeAtom => {
            let weights: Vec<f64> = CHANGE_ELEMENTS.iter().map(|p| p.1).collect();
            let present: Vec<f64> = CHANGE_ELEMENTS
                .iter()
                .map(|&(z, w)| {
                    if g.atoms.iter().any(|a| a.z == z) {
                        w
                    } else {
                        0.0
                    }
                })
                .collect();
            if present.iter().all(|w| *w == 0.0) {
                return out;
            }
            let from = CHANGE_ELEMENTS
                .get(rng.weighted(&present))
                .map_or(C, |p| p.0);
            let mut to = from;
            for _ in 0..64 {
                to = CHANGE_ELEMENTS
                    .get(rng.weighted(&weights))
                    .map_or(C, |p| p.0);
                if to != from {
                    break;
                }
            }
            if to == from {
                return out;
            }
            for x in (0..g.atoms.len()).filter(|&i| g.atoms.get(i).is_some_and(|a| a.z == from)) {
                out.push(Box::new(move |g: &EditGraph| {
                    let mut e = g.clone();
                    e.atoms.get_mut(x)?.z = to;
                    e.atoms.get_mut(x)?.isotope = 0;
                    e.touch(x);
                    Some(e)
                }));
            }
        }
        Mutation::AppendAtom => {
            let class = rng.weighted(&ORDER_WEIGHTS);
            let (z, order, min_hs) = match class {
                0 => (pick_element(rng, &[C, N, O, F, S, CL, BR]), 1, 1),
                1 => (pick_element(rng, &[C, N, O]), 2, 2),
                _ => (pick_element(rng, &[C, N]), 3, 3),
            };
            for x in 0..g.atoms.len() {
                let hs = g.hs(x);
                if hs < min_hs || (order == 3 && hs != 3) {
                    continue;
                }
                out.push(Box::new(move |g: &EditGraph| {
                    let mut e = g.clone();
                    let new = e.add_atom(z);
                    e.add_bond(x, new, order)?;
                    Some(e)
                }));
            }
        }
    }
    out
}

fn permutations3(v: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for i in 0..v.len() {
        for j in 0..v.len() {
            for k in 0..v.len() {
                if i != j && j != k && i != k {
                    if let (Some(&a), Some(&b), Some(&c)) = (v.get(i), v.get(j), v.get(k)) {
                        out.push(vec![a, b, c]);
                    }
                }
            }
        }
    }
    out
}

fn permutations4(v: &[usize]) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    for p in permutations3(v) {
        if let Some(&rest) = v.iter().find(|x| !p.contains(x)) {
            out.push([p, vec![rest]].concat());
        }
    }
    out
}

/// Tries candidate edits in random order and returns the first valid result
/// (the same as a uniform choice among the valid products).
fn first_valid(
    graph: &EditGraph,
    mut edits: Vec<Edit>,
    limits: &Limits,
    rng: &mut Rng,
    max_tries: usize,
) -> Option<Mol> {
    rng.shuffle(&mut edits);
    for edit in edits.into_iter().take(max_tries) {
        if let Some(mol) = edit(graph).and_then(|g| g.to_mol()) {
            if limits.accepts(&mol, rng) {
                return Some(mol);
            }
        }
    }
    None
}

/// Applies one random mutation (Jensen's `mutate`): with probability
/// `1 - rate` the molecule is returned unchanged; otherwise up to ten
/// mutation kinds are tried. `None` when no valid mutant was found.
pub fn mutate(mol: &Mol, rate: f64, limits: &Limits, rng: &mut Rng) -> Option<Mol> {
    if rng.uniform() > rate {
        return Some(mol.clone());
    }
    let graph = EditGraph::from_mol(mol)?;
    let weights: Vec<f64> = MUTATIONS.iter().map(|m| m.1).collect();
    for _ in 0..10 {
        let kind = MUTATIONS.get(rng.weighted(&weights)).map(|m| m.0)?;
        let edits = candidates(&graph, kind, rng);
        if let Some(m) = first_valid(&graph, edits, limits, rng, 32) {
            return Some(m);
        }
    }
    None
}

/// Reaction-SMARTS moves (e.g. `[cH:1]>>[c:1]F`, a fluorine scan), the
/// medicinal-chemistry edits a user adds to the graph moves: with
/// probability `rate` a child also gets one, drawn at random among the
/// rules and their matches that give a valid molecule. Reactions may add
/// atoms (unmapped product atoms) and remove them (unmapped reactant atoms);
/// see [`shennong_standardize::Transform::parse_reaction`].
#[derive(Debug, Clone, Default)]
pub struct ReactionMoves {
    /// Probability that a child gets one move.
    pub rate: f64,
    /// The reactions.
    pub rules: Vec<shennong_standardize::Transform>,
}

impl ReactionMoves {
    /// One move on `mol`, or `None` when the draw says no move, or when no
    /// rule gives a sanitizable product that passes `limits`. Without rules
    /// no random number is drawn, so runs without moves are unchanged.
    pub fn apply(&self, mol: &Mol, limits: &Limits, rng: &mut Rng) -> Option<Mol> {
        if self.rules.is_empty() || rng.uniform() >= self.rate {
            return None;
        }
        let mut order: Vec<usize> = (0..self.rules.len()).collect();
        rng.shuffle(&mut order);
        for rule in order.iter().filter_map(|&i| self.rules.get(i)) {
            let mut products = rule.products(mol);
            rng.shuffle(&mut products);
            for product in products {
                if let Ok(m) = product.sanitize() {
                    if limits.accepts(&m, rng) {
                        return Some(m);
                    }
                }
            }
        }
        None
    }
}

/// A fragment of a cut molecule: its graph and the atoms that lost a bond,
/// with the order of the bond each lost.
#[derive(Debug, Clone)]
struct Fragment {
    graph: EditGraph,
    attachments: Vec<(usize, u8)>,
}

/// Cuts `bonds` (pairs of atoms) and returns the connected pieces that
/// hold attachment points, each renumbered.
fn cut(g: &EditGraph, bonds: &[(usize, usize)]) -> Option<Vec<Fragment>> {
    let mut e = g.clone();
    let mut attach: Vec<(usize, u8)> = Vec::new();
    for &(x, y) in bonds {
        let removed = e.remove_bond(x, y)?;
        attach.push((x, removed.order));
        attach.push((y, removed.order));
    }
    // connected components
    let n = e.atoms.len();
    let mut comp = vec![usize::MAX; n];
    let mut ncomp = 0;
    for start in 0..n {
        if comp.get(start).copied() != Some(usize::MAX) {
            continue;
        }
        let mut stack = vec![start];
        if let Some(c) = comp.get_mut(start) {
            *c = ncomp;
        }
        while let Some(a) = stack.pop() {
            for nb in e.neighbours(a) {
                if let Some(c) = comp.get_mut(nb) {
                    if *c == usize::MAX {
                        *c = ncomp;
                        stack.push(nb);
                    }
                }
            }
        }
        ncomp += 1;
    }
    let mut out = Vec::new();
    for k in 0..ncomp {
        let gone: Vec<usize> = (0..n).filter(|&i| comp.get(i) != Some(&k)).collect();
        let new_index = |old: usize| -> Option<usize> {
            if comp.get(old) != Some(&k) {
                return None;
            }
            Some(old - gone.iter().filter(|&&g| g < old).count())
        };
        let attachments: Vec<(usize, u8)> = attach
            .iter()
            .filter_map(|&(a, o)| Some((new_index(a)?, o)))
            .collect();
        if attachments.is_empty() {
            continue;
        }
        let mut graph = e.clone();
        graph.remove_atoms(&gone);
        out.push(Fragment { graph, attachments });
    }
    Some(out)
}

/// Joins two fragments at their attachment points (paired in order) with
/// the given bond orders.
fn join(a: &Fragment, b: &Fragment, orders: &[u8]) -> Option<EditGraph> {
    let mut g = a.graph.clone();
    let offset = g.atoms.len();
    g.atoms.extend(b.graph.atoms.iter().copied());
    g.bonds.extend(b.graph.bonds.iter().map(|bond| EditBond {
        a: bond.a + offset,
        b: bond.b + offset,
        ..*bond
    }));
    if a.attachments.len() != b.attachments.len() || orders.len() != a.attachments.len() {
        return None;
    }
    for ((&(x, _), &(y, _)), &order) in a.attachments.iter().zip(&b.attachments).zip(orders) {
        g.add_bond(x, y + offset, order)?;
    }
    Some(g)
}

/// A non-ring single bond, cut: two fragments with one attachment each.
fn cut_chain(g: &EditGraph, rng: &mut Rng) -> Option<Vec<Fragment>> {
    let bonds: Vec<(usize, usize)> = g
        .bonds
        .iter()
        .filter(|b| b.order == 1 && !b.in_ring)
        .map(|b| (b.a, b.b))
        .collect();
    let &(x, y) = rng.choose(&bonds)?;
    cut(g, &[(x, y)])
}

/// Two ring bonds cut so that the molecule falls in two pieces with two
/// attachment points each: either bonds 1–2 and 3–4 of a four-atom ring
/// path, or both ring bonds of a ring atom with a third neighbour.
fn cut_ring(g: &EditGraph, rng: &mut Rng) -> Option<Vec<Fragment>> {
    for _ in 0..10 {
        let pair = if rng.uniform() < 0.5 {
            let paths: Vec<Vec<usize>> =
                g.paths(4).into_iter().filter(|p| ring_path(g, p)).collect();
            let p = rng.choose(&paths)?;
            match p.as_slice() {
                [a, b, c, d] => [(*a, *b), (*c, *d)],
                _ => return None,
            }
        } else {
            let paths: Vec<Vec<usize>> = g
                .paths(3)
                .into_iter()
                .filter(|p| ring_path(g, p) && p.get(1).is_some_and(|&m| g.degree(m) != 2))
                .collect();
            let p = rng.choose(&paths)?;
            match p.as_slice() {
                [a, b, c] => [(*a, *b), (*b, *c)],
                _ => return None,
            }
        };
        let pieces = cut(g, &pair)?;
        if pieces.len() == 2 && pieces.iter().all(|f| f.attachments.len() == 2) {
            return Some(pieces);
        }
    }
    None
}

fn ring_path(g: &EditGraph, path: &[usize]) -> bool {
    path.iter().all(|&a| g.in_ring(a))
        && path.windows(2).all(|w| match *w {
            [x, y] => g
                .bond_index(x, y)
                .and_then(|i| g.bonds.get(i))
                .is_some_and(|b| b.in_ring),
            _ => false,
        })
}

/// Crossover of two parents (Jensen's `crossover`): half the time a chain
/// cut (one non-ring single bond in each parent, pieces joined by a single
/// bond), otherwise a ring cut (two ring bonds in each parent, pieces joined
/// at both points by single or double bonds). Children equal to a parent are
/// rejected. `None` when ten attempts give no valid child.
pub fn crossover(a: &Mol, b: &Mol, limits: &Limits, rng: &mut Rng) -> Option<Mol> {
    let ga = EditGraph::from_mol(a)?;
    let gb = EditGraph::from_mol(b)?;
    let parents = [shennong_smiles::to_smiles(a), shennong_smiles::to_smiles(b)];
    for _ in 0..10 {
        let ring = rng.uniform() > 0.5;
        let child = if ring {
            crossover_pieces(&ga, &gb, limits, rng, cut_ring, true)
        } else {
            crossover_pieces(&ga, &gb, limits, rng, cut_chain, false)
        };
        if let Some(child) = child {
            let smiles = shennong_smiles::to_smiles(&child);
            if !parents.contains(&smiles) {
                return Some(child);
            }
        }
    }
    None
}

type Cutter = fn(&EditGraph, &mut Rng) -> Option<Vec<Fragment>>;

fn crossover_pieces(
    ga: &EditGraph,
    gb: &EditGraph,
    limits: &Limits,
    rng: &mut Rng,
    cutter: Cutter,
    ring: bool,
) -> Option<Mol> {
    for _ in 0..10 {
        let fa = cutter(ga, rng)?;
        let fb = cutter(gb, rng)?;
        let mut children: Vec<(usize, usize, bool)> = Vec::new();
        for i in 0..fa.len() {
            for j in 0..fb.len() {
                children.push((i, j, false));
                if ring {
                    children.push((i, j, true));
                }
            }
        }
        rng.shuffle(&mut children);
        for (i, j, swapped) in children {
            let (Some(x), Some(y)) = (fa.get(i), fb.get(j)) else {
                continue;
            };
            let mut y = y.clone();
            if swapped {
                y.attachments.reverse();
            }
            let orders: Vec<u8> = if ring {
                (0..2)
                    .map(|_| if rng.uniform() < 0.5 { 1 } else { 2 })
                    .collect()
            } else {
                vec![1]
            };
            if let Some(mol) = join(x, &y, &orders).and_then(|g| g.to_mol()) {
                if limits.accepts(&mol, rng) {
                    return Some(mol);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    fn mol(s: &str) -> Mol {
        shennong_smiles::parse(s).unwrap()
    }

    #[test]
    fn round_trip_through_edit_graph_keeps_the_molecule() {
        for s in [
            "c1ccccc1O",
            "C[N+](C)(C)C",
            "O=[N+]([O-])c1cc[nH]c1",
            "CC#N",
        ] {
            let m = mol(s);
            let g = EditGraph::from_mol(&m).unwrap();
            let back = g.to_mol().unwrap();
            assert_eq!(
                shennong_smiles::to_smiles(&back),
                shennong_smiles::to_smiles(&m)
            );
        }
    }

    #[test]
    fn mutants_and_children_are_valid_and_within_limits() {
        let limits = Limits::default();
        let mut rng = Rng::new(7);
        let parents = [
            mol("CC(=O)Oc1ccccc1C(=O)O"),
            mol("CN1CCC[C@H]1c1cccnc1"),
            mol("O=C(O)c1ccc(Cl)cc1N"),
        ];
        let mut made = 0;
        for k in 0..300 {
            let a = &parents[k % 3];
            let b = &parents[(k + 1) % 3];
            if let Some(child) = crossover(a, b, &limits, &mut rng) {
                let smi = shennong_smiles::to_smiles(&child);
                assert!(shennong_smiles::parse(&smi).is_ok(), "{smi}");
                made += 1;
            }
            if let Some(m) = mutate(a, 1.0, &limits, &mut rng) {
                let smi = shennong_smiles::to_smiles(&m);
                assert!(shennong_smiles::parse(&smi).is_ok(), "{smi}");
                assert!(m.num_atoms() > 5);
                assert_eq!(m.fragments().len(), 1);
                made += 1;
            }
        }
        assert!(made > 300, "only {made} valid edits");
    }
}
