//! Substructure matching: a VF2-style backtracking search over a fixed
//! query atom order (each atom after the first of its component is reached
//! through a query bond from an already mapped atom), with per-pair memoised
//! atom tests, degree pruning and RDKit's uniquification (two matches are the
//! same when they cover the same target atoms).

use std::cell::OnceCell;
use std::collections::HashSet;

use shennong_mol::{AtomIdx, BondIdx, BondOrder, BondStereo, Hybridization, Mol};

use crate::query::{AtomExpr, AtomPrim, BondExpr, BondPrim, Count, Query};

/// Per-atom properties of a molecule that SMARTS primitives read, computed
/// once so that many patterns can be matched against the same molecule.
/// Each group is computed when a pattern first reads it: a substructure
/// search reads a fresh molecule per candidate, and most patterns use only
/// the element, aromaticity, charge and degree that the molecule holds.
pub struct Target<'m> {
    mol: &'m Mol,
    element_counts: [u16; 256],
    /// Per atom: counts over the neighbours (`D` without H, `H`, `z`, `Z`).
    neighborhood: OnceCell<Vec<Neighborhood>>,
    /// Per atom: ring bonds (`x`) and whether a query cycle can run through
    /// it; from the bridge test, not the rings.
    cycles: OnceCell<Vec<Cyclic>>,
    hybridization: OnceCell<Vec<Hybridization>>,
    /// Per atom: rings containing it and the smallest ring size, from the
    /// SSSR; only `R<n>` and `r<n>` read them, so they (and the ring
    /// perception behind them) wait until a pattern asks.
    ring_counts: OnceCell<Vec<(i32, i32)>>,
    /// Per atom, total valence (`v`).
    total_valences: OnceCell<Vec<i32>>,
    /// Atom indices grouped by element, and where each element's group
    /// starts (by atomic number; one past the end at 256).
    by_element: OnceCell<(Vec<u32>, Vec<u32>)>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Neighborhood {
    non_h_degree: i32,
    total_hs: i32,
    hetero: i32,
    aliphatic_hetero: i32,
}

#[derive(Debug, Clone, Copy, Default)]
struct Cyclic {
    ring_bonds: i32,
    /// In a ring, or next to a dative/zero-order bond (bonds that ring
    /// perception leaves out but a query cycle may still run through).
    on_cycle: bool,
}

impl<'m> Target<'m> {
    /// Prepares `mol` for matching (its atom properties are computed as
    /// patterns ask for them).
    pub fn new(mol: &'m Mol) -> Target<'m> {
        let mut element_counts = [0u16; 256];
        for a in mol.atoms() {
            if let Some(c) = element_counts.get_mut(usize::from(a.atomic_num)) {
                *c = c.saturating_add(1);
            }
        }
        Target {
            mol,
            element_counts,
            neighborhood: OnceCell::new(),
            cycles: OnceCell::new(),
            hybridization: OnceCell::new(),
            ring_counts: OnceCell::new(),
            total_valences: OnceCell::new(),
            by_element: OnceCell::new(),
        }
    }

    /// The atoms of element `z`, in index order.
    fn atoms_of_element(&self, z: u8) -> &[u32] {
        let (atoms, starts) = self.by_element.get_or_init(|| {
            let mut starts = vec![0u32; 257];
            for (z, &count) in self.element_counts.iter().enumerate() {
                let before = starts.get(z).copied().unwrap_or(0);
                if let Some(s) = starts.get_mut(z + 1) {
                    *s = before + u32::from(count);
                }
            }
            let mut next = starts.clone();
            let mut atoms = vec![0u32; self.mol.num_atoms()];
            for (i, a) in self.mol.atoms().iter().enumerate() {
                if let Some(slot) = next.get_mut(usize::from(a.atomic_num)) {
                    if let Some(x) = atoms.get_mut(*slot as usize) {
                        *x = i as u32;
                    }
                    *slot += 1;
                }
            }
            (atoms, starts)
        });
        let z = usize::from(z);
        match (starts.get(z), starts.get(z + 1)) {
            (Some(&a), Some(&b)) => atoms.get(a as usize..b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn num_atoms(&self) -> usize {
        self.mol.num_atoms()
    }

    fn neighborhood(&self, a: usize) -> Neighborhood {
        let mol = self.mol;
        per_atom(&self.neighborhood, mol, a, |x| {
            let mut t = Neighborhood {
                total_hs: mol.total_hs_with_graph_hs(x) as i32,
                ..Neighborhood::default()
            };
            for &(n, _) in mol.neighbors(x) {
                let nbr = mol.atom(n);
                if nbr.atomic_num != 1 || nbr.isotope > 1 {
                    t.non_h_degree += 1;
                }
                if nbr.atomic_num != 1 && nbr.atomic_num != 6 {
                    t.hetero += 1;
                    if !nbr.aromatic {
                        t.aliphatic_hetero += 1;
                    }
                }
            }
            t
        })
    }

    fn cyclic(&self, a: usize) -> Cyclic {
        let mol = self.mol;
        per_atom(&self.cycles, mol, a, |x| {
            let mut t = Cyclic::default();
            for &(_, b) in mol.neighbors(x) {
                if mol.is_ring_bond(b) {
                    t.ring_bonds += 1;
                }
                if matches!(mol.bond(b).order, BondOrder::Dative | BondOrder::Zero) {
                    t.on_cycle = true;
                }
            }
            t.on_cycle |= t.ring_bonds > 0;
            t
        })
    }

    /// The molecule.
    pub fn mol(&self) -> &'m Mol {
        self.mol
    }

    fn ring_counts(&self, a: usize) -> (i32, i32) {
        let mol = self.mol;
        per_atom(&self.ring_counts, mol, a, |x| {
            let rings = mol.rings();
            (
                rings.num_atom_rings(x) as i32,
                rings.min_atom_ring_size(x) as i32,
            )
        })
    }

    fn total_valence(&self, a: usize) -> i32 {
        let mol = self.mol;
        per_atom(&self.total_valences, mol, a, |x| mol.total_valence(x))
    }

    fn hybridization(&self, a: usize) -> Option<Hybridization> {
        self.hybridization
            .get_or_init(|| self.mol.hybridizations().unwrap_or_default())
            .get(a)
            .copied()
    }
}

/// Atom `a`'s entry of a per-atom table that is filled, for every atom of
/// `mol` with `f`, the first time any entry is read.
fn per_atom<T: Copy + Default>(
    cell: &OnceCell<Vec<T>>,
    mol: &Mol,
    a: usize,
    f: impl FnMut(AtomIdx) -> T,
) -> T {
    cell.get_or_init(|| mol.atom_indices().map(f).collect())
        .get(a)
        .copied()
        .unwrap_or_default()
}

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    /// Report each set of target atoms once (RDKit's `uniquify`).
    pub uniquify: bool,
    /// Stop after this many matches (RDKit's default is 1000).
    pub max_matches: usize,
    /// Require tetrahedral tags of query atoms to agree with the target.
    pub use_chirality: bool,
}

impl Default for MatchOptions {
    fn default() -> MatchOptions {
        MatchOptions {
            uniquify: true,
            max_matches: 1000,
            use_chirality: false,
        }
    }
}

/// The order in which query atoms are mapped.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Plan {
    order: Vec<usize>,
    /// For each position: the already mapped query atom and bond it is reached by.
    parent: Vec<Option<(usize, usize)>>,
    /// For each position: further bonds to already mapped query atoms.
    closures: Vec<Vec<(usize, usize)>>,
    /// For component roots: the root atom of the identical component just
    /// before (its image must be smaller when uniquifying).
    twin: Vec<Option<usize>>,
    /// For each position: the element every image of the atom must have,
    /// if the pattern pins it (component roots then try only those atoms).
    element: Vec<Option<u8>>,
}

impl Plan {
    /// Builds a plan; `anchored` keeps atom 0 first (recursive SMARTS).
    pub(crate) fn new(q: &Query, anchored: bool) -> Plan {
        let n = q.atoms.len();
        let mut placed = vec![false; n];
        let score = |i: usize| -> i32 {
            let z = q.definite_atomic_num(i);
            let elem = match z {
                Some(6) => 1,
                Some(_) => 3,
                None => 0,
            };
            elem * 8 + q.neighbors(i).len() as i32
        };
        // One depth-first plan per connected component.
        let mut components: Vec<Plan> = Vec::new();
        loop {
            let root = if anchored && components.is_empty() && n > 0 {
                Some(0)
            } else {
                (0..n)
                    .filter(|&i| !placed.get(i).copied().unwrap_or(true))
                    .max_by_key(|&i| (score(i), std::cmp::Reverse(i)))
            };
            let Some(root) = root else { break };
            let mut comp = Plan::default();
            let mut stack = vec![(root, None)];
            while let Some((a, via)) = stack.pop() {
                if placed.get(a).copied().unwrap_or(true) {
                    continue;
                }
                if let Some(p) = placed.get_mut(a) {
                    *p = true;
                }
                let closures = q
                    .neighbors(a)
                    .iter()
                    .filter(|&&(nb, b)| {
                        placed.get(nb).copied().unwrap_or(false)
                            && nb != a
                            && via.is_none_or(|(_, vb)| vb != b)
                    })
                    .copied()
                    .collect();
                comp.order.push(a);
                comp.parent.push(via);
                comp.closures.push(closures);
                let mut next: Vec<(usize, usize)> = q
                    .neighbors(a)
                    .iter()
                    .filter(|&&(nb, _)| !placed.get(nb).copied().unwrap_or(true))
                    .copied()
                    .collect();
                // Most selective neighbour explored first (pushed last).
                next.sort_by_key(|&(nb, _)| score(nb));
                for (nb, b) in next {
                    stack.push((nb, Some((a, b))));
                }
            }
            components.push(comp);
        }
        // Identical components (`C[OH].C[OH]`) are grouped; with
        // uniquification only embeddings whose roots increase are tried,
        // since permuting identical components gives the same atom set.
        let keys: Vec<String> = components.iter().map(|c| component_key(q, c)).collect();
        let mut order: Vec<usize> = (0..components.len()).collect();
        if !anchored {
            order.sort_by_key(|&c| {
                keys.iter()
                    .position(|k| Some(k) == keys.get(c))
                    .unwrap_or(c)
            });
        }
        let mut plan = Plan::default();
        let mut previous: Option<(usize, &String)> = None;
        for c in order {
            let (Some(comp), Some(key)) = (components.get(c), keys.get(c)) else {
                continue;
            };
            let root_pos = plan.order.len();
            let twin = match previous {
                Some((pos, k)) if k == key && !(anchored && pos == 0) => {
                    plan.order.get(pos).copied()
                }
                _ => None,
            };
            plan.order.extend_from_slice(&comp.order);
            plan.parent.extend_from_slice(&comp.parent);
            plan.closures.extend(comp.closures.iter().cloned());
            plan.twin.resize(plan.order.len(), None);
            plan.element
                .extend(comp.order.iter().map(|&a| q.definite_atomic_num(a)));
            if let Some(t) = plan.twin.get_mut(root_pos) {
                *t = twin;
            }
            previous = Some((root_pos, key));
        }
        plan
    }
}

/// A text that is equal for two components exactly when they are the same
/// query graph in the same plan order.
fn component_key(q: &Query, comp: &Plan) -> String {
    let pos = |a: usize| comp.order.iter().position(|&x| x == a);
    let mut key = String::new();
    for (i, &a) in comp.order.iter().enumerate() {
        let atom = q.atoms.get(a);
        key.push_str(&format!(
            "{:?}|{:?}|",
            atom.map(|x| &x.expr),
            atom.map(|x| x.chirality)
        ));
        if let Some(Some((p, b))) = comp.parent.get(i) {
            key.push_str(&format!(
                "{:?}<{:?}|",
                pos(*p),
                q.bonds.get(*b).map(|x| &x.expr)
            ));
        }
        for &(o, b) in comp.closures.get(i).map_or(&[][..], Vec::as_slice) {
            key.push_str(&format!(
                "{:?}~{:?}|",
                pos(o),
                q.bonds.get(b).map(|x| &x.expr)
            ));
        }
        key.push(';');
    }
    key
}

const UNKNOWN: u8 = 0;
const YES: u8 = 1;
const NO: u8 = 2;

struct Searcher<'q, 't, 'm> {
    q: &'q Query,
    t: &'t Target<'m>,
    plan: &'q Plan,
    map: Vec<u32>,
    used: Vec<bool>,
    memo: Vec<u8>,
    recursive_memo: Vec<Vec<u8>>,
    recursive: Vec<Option<Box<Searcher<'q, 't, 'm>>>>,
    opts: MatchOptions,
    seen: HashSet<Vec<u32>>,
    results: Vec<Vec<AtomIdx>>,
    found: usize,
    collect: bool,
    done: bool,
    anchor: Option<usize>,
}

impl<'q, 't, 'm> Searcher<'q, 't, 'm> {
    fn new(q: &'q Query, plan: &'q Plan, t: &'t Target<'m>, opts: MatchOptions) -> Self {
        let n = t.num_atoms();
        Searcher {
            q,
            t,
            plan,
            map: vec![u32::MAX; q.atoms.len()],
            used: vec![false; n],
            memo: vec![UNKNOWN; q.atoms.len() * n],
            recursive_memo: vec![Vec::new(); q.recursive.len()],
            recursive: (0..q.recursive.len()).map(|_| None).collect(),
            opts,
            seen: HashSet::new(),
            results: Vec::new(),
            found: 0,
            collect: true,
            done: false,
            anchor: None,
        }
    }

    fn reset(&mut self) {
        self.map.fill(u32::MAX);
        self.used.fill(false);
        self.seen.clear();
        self.results.clear();
        self.found = 0;
        self.done = false;
    }

    fn run(&mut self) {
        if self.q.could_match(self.t) {
            self.extend(0);
        }
    }

    fn extend(&mut self, depth: usize) {
        let plan = self.plan;
        let Some(&qa) = plan.order.get(depth) else {
            self.complete();
            return;
        };
        match plan.parent.get(depth).copied().flatten() {
            Some((qp, qb)) => {
                let Some(&tp) = self.map.get(qp) else { return };
                let mol = self.t.mol;
                for &(tn, tb) in mol.neighbors(AtomIdx(tp)) {
                    if self.done {
                        return;
                    }
                    let tn_i = tn.index();
                    if self.used.get(tn_i).copied().unwrap_or(true) {
                        continue;
                    }
                    if !self.bond_ok(qb, tb) {
                        continue;
                    }
                    self.try_atom(depth, qa, tn_i);
                }
            }
            None => {
                if depth == 0 {
                    if let Some(a) = self.anchor {
                        self.try_atom(depth, qa, a);
                        return;
                    }
                }
                let min = match plan.twin.get(depth).copied().flatten() {
                    Some(t) if self.opts.uniquify => self.map.get(t).map_or(0, |&m| m as usize + 1),
                    _ => 0,
                };
                // an atom whose element the pattern pins tries only atoms
                // of that element; any other tries every atom (index order
                // either way, so matches come out in the same order)
                let t = self.t;
                let pinned = plan
                    .element
                    .get(depth)
                    .copied()
                    .flatten()
                    .map(|z| t.atoms_of_element(z));
                let every = pinned.is_none().then_some(min..t.num_atoms());
                let candidates = pinned
                    .into_iter()
                    .flatten()
                    .map(|&x| x as usize)
                    .chain(every.into_iter().flatten());
                for tn in candidates {
                    if self.done {
                        return;
                    }
                    if tn < min || self.used.get(tn).copied().unwrap_or(true) {
                        continue;
                    }
                    self.try_atom(depth, qa, tn);
                }
            }
        }
    }

    fn try_atom(&mut self, depth: usize, qa: usize, tn: usize) {
        if !self.atom_ok(qa, tn) {
            return;
        }
        let plan = self.plan;
        if let Some(closures) = plan.closures.get(depth) {
            for &(qo, qb) in closures {
                let Some(&to) = self.map.get(qo) else { return };
                let Some(tb) = self.t.mol.bond_between(AtomIdx(tn as u32), AtomIdx(to)) else {
                    return;
                };
                if !self.bond_ok(qb, tb) {
                    return;
                }
            }
        }
        if let Some(m) = self.map.get_mut(qa) {
            *m = tn as u32;
        }
        if let Some(u) = self.used.get_mut(tn) {
            *u = true;
        }
        self.extend(depth + 1);
        if let Some(u) = self.used.get_mut(tn) {
            *u = false;
        }
        if let Some(m) = self.map.get_mut(qa) {
            *m = u32::MAX;
        }
    }

    fn complete(&mut self) {
        if self.opts.use_chirality && !chirality_ok(self.q, self.t, &self.map) {
            return;
        }
        if self.opts.uniquify {
            let mut key = self.map.clone();
            key.sort_unstable();
            if !self.seen.insert(key) {
                return;
            }
        }
        self.found += 1;
        if self.collect {
            self.results
                .push(self.map.iter().map(|&t| AtomIdx(t)).collect());
        }
        if self.found >= self.opts.max_matches {
            self.done = true;
        }
    }

    fn bond_ok(&self, qb: usize, tb: BondIdx) -> bool {
        let Some(qbond) = self.q.bonds.get(qb) else {
            return false;
        };
        if self.q.cyclic_bonds.get(qb).copied().unwrap_or(false)
            && !self.t.mol.is_ring_bond(tb)
            && !matches!(
                self.t.mol.bond(tb).order,
                BondOrder::Dative | BondOrder::Zero
            )
        {
            return false;
        }
        bond_matches(&qbond.expr, self.t, tb)
    }

    fn atom_ok(&mut self, qa: usize, tn: usize) -> bool {
        let n = self.t.num_atoms();
        let slot = qa * n + tn;
        match self.memo.get(slot).copied() {
            Some(YES) => return true,
            Some(NO) => return false,
            _ => {}
        }
        let q = self.q;
        let Some(qatom) = q.atoms.get(qa) else {
            return false;
        };
        let ok = q.neighbors(qa).len() <= self.t.mol.degree(AtomIdx(tn as u32))
            && (!q.cyclic_atoms.get(qa).copied().unwrap_or(false) || self.t.cyclic(tn).on_cycle)
            && self.expr_matches(&qatom.expr, tn);
        if let Some(m) = self.memo.get_mut(slot) {
            *m = if ok { YES } else { NO };
        }
        ok
    }

    fn expr_matches(&mut self, expr: &'q AtomExpr, tn: usize) -> bool {
        expr.eval(&mut |p| self.prim_matches(p, tn))
    }

    fn prim_matches(&mut self, p: &AtomPrim, tn: usize) -> bool {
        let t = self.t;
        let ta = AtomIdx(tn as u32);
        let a = t.mol.atom(ta);
        let own_hs = || i32::from(a.total_hs());
        let charge = i32::from(a.formal_charge);
        match p {
            AtomPrim::Any => true,
            AtomPrim::Aromatic => a.aromatic,
            AtomPrim::Aliphatic => !a.aromatic,
            AtomPrim::AtomicNum(z) => a.atomic_num == *z,
            AtomPrim::Element { z, aromatic } => a.atomic_num == *z && a.aromatic == *aromatic,
            AtomPrim::Isotope(i) => a.isotope == *i,
            AtomPrim::Charge(c) => charge == *c,
            AtomPrim::Count(kind, range) => {
                let v = match kind {
                    Count::Degree => t.mol.degree(ta) as i32,
                    Count::NonHydrogenDegree => t.neighborhood(tn).non_h_degree,
                    Count::TotalDegree => t.mol.degree(ta) as i32 + own_hs(),
                    Count::RingBonds => t.cyclic(tn).ring_bonds,
                    Count::TotalValence => t.total_valence(tn),
                    Count::TotalHs => t.neighborhood(tn).total_hs,
                    Count::ImplicitHs => own_hs(),
                    Count::NumRings => t.ring_counts(tn).0,
                    Count::MinRingSize => t.ring_counts(tn).1,
                    Count::HeteroNeighbors => t.neighborhood(tn).hetero,
                    Count::AliphaticHeteroNeighbors => t.neighborhood(tn).aliphatic_hetero,
                    Count::FormalCharge => charge,
                    Count::NegatedCharge => -charge,
                };
                range.contains(v)
            }
            // in a ring exactly when it has a ring bond
            AtomPrim::InRing => t.cyclic(tn).ring_bonds > 0,
            AtomPrim::HasRingBond => t.cyclic(tn).ring_bonds > 0,
            AtomPrim::HasImplicitH => own_hs() > 0,
            AtomPrim::HasHeteroNeighbor => t.neighborhood(tn).hetero > 0,
            AtomPrim::HasAliphaticHeteroNeighbor => t.neighborhood(tn).aliphatic_hetero > 0,
            AtomPrim::RingSize(range) => self
                .t
                .mol
                .rings()
                .atom_rings()
                .iter()
                .any(|r| range.contains(r.len() as i32) && r.contains(&AtomIdx(tn as u32))),
            AtomPrim::Hybridization(h) => {
                let want = match h {
                    0 => Hybridization::S,
                    1 => Hybridization::Sp,
                    2 => Hybridization::Sp2,
                    3 => Hybridization::Sp3,
                    4 => Hybridization::Sp3d,
                    _ => Hybridization::Sp3d2,
                };
                self.t.hybridization(tn) == Some(want)
            }
            AtomPrim::Recursive(i) => self.recursive_matches(*i, tn),
        }
    }

    fn recursive_matches(&mut self, i: usize, tn: usize) -> bool {
        let n = self.t.num_atoms();
        let Some(memo) = self.recursive_memo.get_mut(i) else {
            return false;
        };
        if memo.is_empty() {
            memo.resize(n, UNKNOWN);
        }
        match memo.get(tn).copied() {
            Some(YES) => return true,
            Some(NO) => return false,
            _ => {}
        }
        let q = self.q;
        let (Some(sub), Some(slot)) = (q.recursive.get(i), self.recursive.get_mut(i)) else {
            return false;
        };
        let searcher = slot.get_or_insert_with(|| {
            let mut s = Searcher::new(
                sub,
                &sub.anchored_plan,
                self.t,
                MatchOptions {
                    uniquify: false,
                    max_matches: 1,
                    use_chirality: self.opts.use_chirality,
                },
            );
            s.collect = false;
            Box::new(s)
        });
        searcher.reset();
        searcher.anchor = Some(tn);
        searcher.run();
        let ok = searcher.found > 0;
        if let Some(m) = self.recursive_memo.get_mut(i).and_then(|m| m.get_mut(tn)) {
            *m = if ok { YES } else { NO };
        }
        ok
    }
}

fn bond_matches(expr: &BondExpr, t: &Target<'_>, b: BondIdx) -> bool {
    let bond = t.mol.bond(b);
    expr.eval(&mut |p| match p {
        BondPrim::Any => true,
        BondPrim::SingleOrAromatic => matches!(bond.order, BondOrder::Single | BondOrder::Aromatic),
        BondPrim::Ring => t.mol.is_ring_bond(b),
        BondPrim::Kind(k) => bond.order == k.order(),
    })
}

/// Parity of the permutation that turns `from` into `to` (same elements).
fn swaps(from: &[i64], to: &[i64]) -> usize {
    let mut work = from.to_vec();
    let mut n = 0;
    for i in 0..work.len() {
        let Some(&want) = to.get(i) else { break };
        if work.get(i) == Some(&want) {
            continue;
        }
        if let Some(j) = (i + 1..work.len()).find(|&j| work.get(j) == Some(&want)) {
            work.swap(i, j);
            n += 1;
        }
    }
    n
}

/// RDKit's tetrahedral check of a complete match: the permutation between
/// the query atom's bonds and the matched target bonds must agree with the
/// two tags.
fn chirality_ok(q: &Query, t: &Target<'_>, map: &[u32]) -> bool {
    for (qa, qatom) in q.atoms.iter().enumerate() {
        if !qatom.chirality.is_tetrahedral() {
            continue;
        }
        let Some(&ta) = map.get(qa) else { return false };
        let ta = AtomIdx(ta);
        let tatom = t.mol.atom(ta);
        // RDKit's atom label check: a tagged query atom needs a tagged
        // target atom whatever its degree
        if !tatom.chirality.is_tetrahedral() {
            return false;
        }
        let qdeg = q.neighbors(qa).len();
        // with fewer than three neighbours the parity cannot be compared
        if qdeg < 3 {
            continue;
        }
        if qdeg > t.mol.degree(ta) {
            return false;
        }
        let mut q_order: Vec<i64> = Vec::new();
        let mut m_order: Vec<i64> = Vec::new();
        for (j, &tj) in map.iter().enumerate() {
            let qb = q
                .neighbors(qa)
                .iter()
                .find(|&&(nb, _)| nb == j)
                .map(|&(_, b)| b);
            let mb = t.mol.bond_between(ta, AtomIdx(tj));
            if let (Some(qb), Some(mb)) = (qb, mb) {
                q_order.push(qb as i64);
                m_order.push(i64::from(mb.0));
                if q_order.len() == qdeg {
                    break;
                }
            }
        }
        let q_native: Vec<i64> = q.neighbors(qa).iter().map(|&(_, b)| b as i64).collect();
        let q_perm = swaps(&q_native, &q_order);
        let unmatched = t.mol.degree(ta).saturating_sub(m_order.len());
        m_order.extend(std::iter::repeat_n(-1, unmatched));
        let m_native: Vec<i64> = t
            .mol
            .neighbors(ta)
            .iter()
            .map(|&(_, b)| {
                let b = i64::from(b.0);
                if m_order.contains(&b) {
                    b
                } else {
                    -1
                }
            })
            .collect();
        let m_perm = swaps(&m_native, &m_order);
        let parity_same = q_perm % 2 == m_perm % 2;
        let labels_same = qatom.chirality == tatom.chirality;
        if parity_same != labels_same {
            return false;
        }
    }
    double_bonds_ok(q, t, map)
}

/// RDKit's check of query double bonds with cis/trans marks: the matched
/// target double bond must have its stereo specified, and the query's
/// reference atoms must sit on the same (cis) or opposite (trans) sides of
/// it; a reference atom matched to the target's other neighbour flips the
/// relation.
fn double_bonds_ok(q: &Query, t: &Target<'_>, map: &[u32]) -> bool {
    for (b, stereo) in q.double_stereo.iter().enumerate() {
        let (Some((x, y, query_cis)), Some(bond)) = (*stereo, q.bonds.get(b)) else {
            continue;
        };
        let image = |a: usize| map.get(a).map(|&i| AtomIdx(i));
        let (Some(ta), Some(tb), Some(tx), Some(ty)) =
            (image(bond.begin), image(bond.end), image(x), image(y))
        else {
            return false;
        };
        let Some(tbond) = t.mol.bond_between(ta, tb).map(|i| t.mol.bond(i)) else {
            return false;
        };
        if tbond.order != BondOrder::Double {
            continue;
        }
        let (p, r, target_cis) = match tbond.stereo {
            BondStereo::Cis(p, r) => (p, r, true),
            BondStereo::Trans(p, r) => (p, r, false),
            BondStereo::None => return false,
        };
        let (ref_begin, ref_end) = if tbond.begin == ta { (p, r) } else { (r, p) };
        let same_refs = usize::from(tx == ref_begin) + usize::from(ty == ref_end);
        if (target_cis == query_cis) == (same_refs == 1) {
            return false;
        }
    }
    true
}

impl Query {
    /// False when the target is too small or lacks atoms of an element the
    /// pattern requires: no search (and no search state) is needed then.
    fn could_match(&self, t: &Target<'_>) -> bool {
        !self.atoms.is_empty()
            && self.atoms.len() <= t.num_atoms()
            && self
                .required_elements
                .iter()
                .all(|&(z, k)| t.element_counts.get(usize::from(z)).copied().unwrap_or(0) >= k)
    }

    /// Whether the pattern occurs in the molecule.
    ///
    /// ```
    /// let mol = shennong_smiles::parse("c1ccccc1C(=O)O").unwrap();
    /// let acid = shennong_smarts::parse("C(=O)[OH]").unwrap();
    /// assert!(acid.is_match(&mol));
    /// ```
    pub fn is_match(&self, mol: &Mol) -> bool {
        self.is_match_in(&Target::new(mol))
    }

    /// [`Query::is_match`] against a prepared target.
    pub fn is_match_in(&self, t: &Target<'_>) -> bool {
        self.count_in(
            t,
            &MatchOptions {
                uniquify: false,
                max_matches: 1,
                use_chirality: false,
            },
        ) > 0
    }

    /// The first match: target atoms in query atom order.
    pub fn find_first(&self, mol: &Mol) -> Option<Vec<AtomIdx>> {
        let opts = MatchOptions {
            uniquify: false,
            max_matches: 1,
            use_chirality: false,
        };
        self.find_all_in(&Target::new(mol), &opts)
            .into_iter()
            .next()
    }

    /// All matches (each a list of target atoms in query atom order).
    pub fn find_all(&self, mol: &Mol, opts: &MatchOptions) -> Vec<Vec<AtomIdx>> {
        self.find_all_in(&Target::new(mol), opts)
    }

    /// [`Query::find_all`] against a prepared target.
    pub fn find_all_in(&self, t: &Target<'_>, opts: &MatchOptions) -> Vec<Vec<AtomIdx>> {
        let mut s = Searcher::new(self, &self.plan, t, *opts);
        s.run();
        s.results
    }

    /// For every target atom, whether some match maps the query's first atom
    /// onto it (what the recursive SMARTS `[$(...)]` tests). Atoms whose
    /// `candidates` entry is false are not searched and report false.
    ///
    /// ```
    /// let mol = shennong_smiles::parse("OCC(=O)O").unwrap();
    /// let carbonyl_o = shennong_smarts::parse("O=C").unwrap();
    /// let t = shennong_smarts::Target::new(&mol);
    /// let hits = carbonyl_o.anchored_matches_in(&t, &[true; 5]);
    /// assert_eq!(hits, [false, false, false, true, false]);
    /// ```
    pub fn anchored_matches_in(&self, t: &Target<'_>, candidates: &[bool]) -> Vec<bool> {
        let opts = MatchOptions {
            uniquify: false,
            max_matches: 1,
            use_chirality: false,
        };
        let mut s = Searcher::new(self, &self.anchored_plan, t, opts);
        s.collect = false;
        (0..t.num_atoms())
            .map(|a| {
                if !candidates.get(a).copied().unwrap_or(false) {
                    return false;
                }
                s.reset();
                s.anchor = Some(a);
                s.run();
                s.found > 0
            })
            .collect()
    }

    /// Number of matches, as `len(mol.GetSubstructMatches(q))` in RDKit with
    /// the same options.
    pub fn count(&self, mol: &Mol, opts: &MatchOptions) -> usize {
        self.count_in(&Target::new(mol), opts)
    }

    /// [`Query::count`] against a prepared target.
    pub fn count_in(&self, t: &Target<'_>, opts: &MatchOptions) -> usize {
        if opts.max_matches == 0 || !self.could_match(t) {
            return 0;
        }
        let mut s = Searcher::new(self, &self.plan, t, *opts);
        s.collect = false;
        s.run();
        s.found
    }
}
