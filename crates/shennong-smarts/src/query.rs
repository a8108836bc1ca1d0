//! The parsed form of a SMARTS pattern: a graph of atom and bond expressions.

use shennong_mol::Chirality;

/// A logical expression over primitives, as SMARTS writes them with
/// `!`, `&` (and juxtaposition), `,` and `;`.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<P> {
    /// One primitive.
    Prim(P),
    /// Negation `!`.
    Not(Box<Expr<P>>),
    /// Conjunction (`&`, `;` or juxtaposition).
    And(Vec<Expr<P>>),
    /// Disjunction `,`.
    Or(Vec<Expr<P>>),
}

impl<P> Expr<P> {
    /// Evaluates the expression with `f` deciding primitives; `And` and `Or`
    /// short-circuit left to right.
    pub fn eval(&self, f: &mut impl FnMut(&P) -> bool) -> bool {
        match self {
            Expr::Prim(p) => f(p),
            Expr::Not(e) => !e.eval(f),
            Expr::And(v) => v.iter().all(|e| e.eval(f)),
            Expr::Or(v) => v.iter().any(|e| e.eval(f)),
        }
    }

    /// Combines two expressions with AND, flattening nested conjunctions.
    pub fn and(self, other: Expr<P>) -> Expr<P> {
        match (self, other) {
            (Expr::And(mut a), Expr::And(b)) => {
                a.extend(b);
                Expr::And(a)
            }
            (Expr::And(mut a), b) => {
                a.push(b);
                Expr::And(a)
            }
            (a, Expr::And(mut b)) => {
                b.insert(0, a);
                Expr::And(b)
            }
            (a, b) => Expr::And(vec![a, b]),
        }
    }

    /// Combines two expressions with OR, flattening nested disjunctions.
    pub fn or(self, other: Expr<P>) -> Expr<P> {
        match (self, other) {
            (Expr::Or(mut a), Expr::Or(b)) => {
                a.extend(b);
                Expr::Or(a)
            }
            (Expr::Or(mut a), b) => {
                a.push(b);
                Expr::Or(a)
            }
            (a, b) => Expr::Or(vec![a, b]),
        }
    }
}

/// Atom properties that SMARTS compares with a number (`D3`, `X{2-4}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// `D`: explicit connections in the graph.
    Degree,
    /// `d`: connections to atoms other than (light) hydrogen.
    NonHydrogenDegree,
    /// `X`: connections including implicit hydrogens.
    TotalDegree,
    /// `x`: ring bonds at the atom.
    RingBonds,
    /// `v`: total valence.
    TotalValence,
    /// `H`: attached hydrogens, implicit, explicit and as graph atoms.
    TotalHs,
    /// `h`: implicit (and bracket) hydrogens, not hydrogen atoms of the graph.
    ImplicitHs,
    /// `R`: number of rings (symmetrised SSSR) containing the atom.
    NumRings,
    /// `r`: size of the smallest ring containing the atom.
    MinRingSize,
    /// `z`: neighbours that are neither carbon nor hydrogen.
    HeteroNeighbors,
    /// `Z`: aliphatic neighbours that are neither carbon nor hydrogen.
    AliphaticHeteroNeighbors,
    /// Formal charge (only reachable through a range, `+{0-1}`).
    FormalCharge,
    /// Negated formal charge (`-{1-2}`).
    NegatedCharge,
}

/// A closed or half-open integer range (`{2-4}`, `{-3}`, `{2-}`); a plain
/// number is the range `n..=n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Range {
    /// Smallest accepted value.
    pub min: Option<i32>,
    /// Largest accepted value.
    pub max: Option<i32>,
}

impl Range {
    /// The range holding exactly `n`.
    pub fn exactly(n: i32) -> Range {
        Range {
            min: Some(n),
            max: Some(n),
        }
    }

    /// Whether `v` lies in the range.
    pub fn contains(&self, v: i32) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

/// One atom primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum AtomPrim {
    /// `*`: any atom.
    Any,
    /// `a`.
    Aromatic,
    /// `A`.
    Aliphatic,
    /// `#n` or a bracket element symbol outside the organic subset: the
    /// element, aromatic or not.
    AtomicNum(u8),
    /// An organic-subset symbol: `C` is aliphatic carbon, `c` aromatic carbon.
    Element {
        /// Atomic number.
        z: u8,
        /// Whether the symbol was lower case.
        aromatic: bool,
    },
    /// A leading mass number (`[13C]`).
    Isotope(u16),
    /// Formal charge (`+`, `--`, `+2`).
    Charge(i32),
    /// A counted property compared with a range.
    Count(Count, Range),
    /// `R` or `r` without a number: in any ring.
    InRing,
    /// `x` without a number: has a ring bond.
    HasRingBond,
    /// `h` without a number: has implicit hydrogens.
    HasImplicitH,
    /// `z` without a number.
    HasHeteroNeighbor,
    /// `Z` without a number.
    HasAliphaticHeteroNeighbor,
    /// `k<n>` (RDKit extension): in a ring whose size lies in the range.
    RingSize(Range),
    /// `^n` (RDKit extension): hybridisation, 0 = s … 5 = sp3d2.
    Hybridization(u8),
    /// `$(...)`: the atom is the first atom of a match of another pattern.
    Recursive(usize),
}

/// Bond types a SMARTS bond primitive can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BondKind {
    /// `-`.
    Single,
    /// `=`.
    Double,
    /// `#`.
    Triple,
    /// `$`.
    Quadruple,
    /// `:`.
    Aromatic,
    /// `->` or `<-`.
    Dative,
}

impl BondKind {
    /// The molecule bond type this primitive matches.
    pub fn order(self) -> shennong_mol::BondOrder {
        use shennong_mol::BondOrder;
        match self {
            BondKind::Single => BondOrder::Single,
            BondKind::Double => BondOrder::Double,
            BondKind::Triple => BondOrder::Triple,
            BondKind::Quadruple => BondOrder::Quadruple,
            BondKind::Aromatic => BondOrder::Aromatic,
            BondKind::Dative => BondOrder::Dative,
        }
    }
}

/// One bond primitive.
#[derive(Debug, Clone, PartialEq)]
pub enum BondPrim {
    /// `~`.
    Any,
    /// A bond of exactly this type.
    Kind(BondKind),
    /// No bond symbol (or `/`, `\`): single or aromatic.
    SingleOrAromatic,
    /// `@`: a ring bond.
    Ring,
}

/// An atom expression.
pub type AtomExpr = Expr<AtomPrim>;
/// A bond expression.
pub type BondExpr = Expr<BondPrim>;

/// One query atom.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryAtom {
    /// What a matching atom must satisfy.
    pub expr: AtomExpr,
    /// Tetrahedral tag relative to the query atom's bond order (used only by
    /// chirality-aware matching).
    pub chirality: Chirality,
    /// Atom map number (`:n`), 0 if none.
    pub map_num: u32,
}

/// One query bond.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryBond {
    /// First atom.
    pub begin: usize,
    /// Second atom.
    pub end: usize,
    /// What a matching bond must satisfy.
    pub expr: BondExpr,
    /// `/` (+1) or `\` (-1) written from `begin` to `end`, else 0: with
    /// chirality-aware matching these fix the geometry of double bonds.
    pub direction: i8,
}

/// A parsed SMARTS pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub(crate) atoms: Vec<QueryAtom>,
    pub(crate) bonds: Vec<QueryBond>,
    /// Per atom: (neighbour atom, bond index) in bond order.
    pub(crate) adjacency: Vec<Vec<(usize, usize)>>,
    /// Patterns referenced by `AtomPrim::Recursive`.
    pub(crate) recursive: Vec<Query>,
    pub(crate) text: String,
    pub(crate) plan: crate::matcher::Plan,
    pub(crate) anchored_plan: crate::matcher::Plan,
    /// Elements every match needs, with how many atoms of each: a cheap
    /// test before any search.
    pub(crate) required_elements: Vec<(u8, u16)>,
    /// Query bonds that lie on a cycle of the query: their images lie on a
    /// cycle of the molecule, so only ring bonds can match them.
    pub(crate) cyclic_bonds: Vec<bool>,
    /// Query atoms on a cycle of the query.
    pub(crate) cyclic_atoms: Vec<bool>,
    /// Per bond: for a double bond with `/` `\` marks on both ends, a
    /// reference neighbour of its begin and of its end atom and whether
    /// they are cis.
    pub(crate) double_stereo: Vec<Option<(usize, usize, bool)>>,
}

impl Query {
    /// The SMARTS text this query was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Query atoms.
    pub fn atoms(&self) -> &[QueryAtom] {
        &self.atoms
    }

    /// Query bonds.
    pub fn bonds(&self) -> &[QueryBond] {
        &self.bonds
    }

    /// Neighbours of a query atom as (atom, bond) indices.
    pub fn neighbors(&self, atom: usize) -> &[(usize, usize)] {
        self.adjacency.get(atom).map_or(&[], Vec::as_slice)
    }

    /// Recursive sub-patterns, indexed by [`AtomPrim::Recursive`].
    pub fn recursive(&self) -> &[Query] {
        &self.recursive
    }

    /// Number of atoms.
    pub fn num_atoms(&self) -> usize {
        self.atoms.len()
    }

    /// Computes the search plans (after all edits), here and in recursive parts.
    pub(crate) fn finish(&mut self) {
        for sub in &mut self.recursive {
            sub.finish();
        }
        self.double_stereo = (0..self.bonds.len())
            .map(|b| self.double_bond_stereo(b))
            .collect();
        self.plan = crate::matcher::Plan::new(self, false);
        self.anchored_plan = crate::matcher::Plan::new(self, true);
        let mut counts: std::collections::BTreeMap<u8, u16> = std::collections::BTreeMap::new();
        for i in 0..self.atoms.len() {
            if let Some(z) = self.definite_atomic_num(i) {
                *counts.entry(z).or_default() += 1;
            }
        }
        self.required_elements = counts.into_iter().collect();
        // A bond is on a cycle when its ends stay connected without it.
        self.cyclic_bonds = (0..self.bonds.len())
            .map(|b| {
                let Some(bond) = self.bonds.get(b) else {
                    return false;
                };
                let mut seen = vec![false; self.atoms.len()];
                let mut stack = vec![bond.begin];
                while let Some(a) = stack.pop() {
                    if a == bond.end {
                        return true;
                    }
                    if std::mem::replace(seen.get_mut(a).unwrap_or(&mut true), true) {
                        continue;
                    }
                    stack.extend(
                        self.neighbors(a)
                            .iter()
                            .filter(|&&(_, via)| via != b)
                            .map(|&(n, _)| n),
                    );
                }
                false
            })
            .collect();
        self.cyclic_atoms = (0..self.atoms.len())
            .map(|a| {
                self.neighbors(a)
                    .iter()
                    .any(|&(_, b)| self.cyclic_bonds.get(b).copied().unwrap_or(false))
            })
            .collect();
    }

    /// Adds a ring-closure bond, placing it in the opening atom's neighbour
    /// list where its digit was written (this order defines `@`/`@@`).
    pub(crate) fn add_ring_bond(&mut self, begin: usize, end: usize, expr: BondExpr, slot: usize) {
        let idx = self.bonds.len();
        self.bonds.push(QueryBond {
            begin,
            end,
            expr,
            direction: 0,
        });
        if let Some(v) = self.adjacency.get_mut(begin) {
            let at = slot.min(v.len());
            v.insert(at, (end, idx));
        }
        if let Some(v) = self.adjacency.get_mut(end) {
            v.push((begin, idx));
        }
    }

    pub(crate) fn add_bond(&mut self, begin: usize, end: usize, expr: BondExpr, direction: i8) {
        let idx = self.bonds.len();
        self.bonds.push(QueryBond {
            begin,
            end,
            expr,
            direction,
        });
        if let Some(v) = self.adjacency.get_mut(begin) {
            v.push((end, idx));
        }
        if let Some(v) = self.adjacency.get_mut(end) {
            v.push((begin, idx));
        }
    }

    /// The reference neighbour of `atom` (other than `other`) written with
    /// a `/` or `\` bond, and whether it lies "above" `atom` (OpenSMILES:
    /// `p/q` puts `q` above `p`).
    fn directed_neighbour(&self, atom: usize, other: usize) -> Option<(usize, bool)> {
        self.neighbors(atom).iter().find_map(|&(n, b)| {
            let bond = self.bonds.get(b)?;
            if n == other || bond.direction == 0 {
                return None;
            }
            let above_from_begin = bond.direction > 0;
            Some((
                n,
                if bond.begin == atom {
                    above_from_begin
                } else {
                    !above_from_begin
                },
            ))
        })
    }

    /// Cis/trans of a plain `=` bond whose two ends both carry a marked
    /// single bond, as RDKit's SMARTS parser derives it.
    fn double_bond_stereo(&self, b: usize) -> Option<(usize, usize, bool)> {
        let bond = self.bonds.get(b)?;
        if bond.expr != Expr::Prim(BondPrim::Kind(BondKind::Double)) {
            return None;
        }
        let (x, x_above) = self.directed_neighbour(bond.begin, bond.end)?;
        let (y, y_above) = self.directed_neighbour(bond.end, bond.begin)?;
        Some((x, y, x_above == y_above))
    }

    /// The atomic number every match of this atom must have, if the
    /// expression pins one down (used by screening fingerprints).
    pub fn definite_atomic_num(&self, atom: usize) -> Option<u8> {
        self.atoms.get(atom).and_then(|a| definite_z(&a.expr))
    }

    /// The bond types every match of this bond must have, as a
    /// [`BondClass`], if the expression pins one class down.
    pub fn definite_bond_class(&self, bond: usize) -> Option<BondClass> {
        self.bonds.get(bond).and_then(|b| definite_class(&b.expr))
    }
}

/// Coarse bond classes used by substructure-screening fingerprints: a query
/// bond that is "single or aromatic" still pins its class down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BondClass {
    /// Single or aromatic.
    SingleOrAromatic,
    /// Double.
    Double,
    /// Triple.
    Triple,
    /// Anything else (quadruple, dative, zero-order).
    Other,
}

impl BondClass {
    /// The class of a molecule's bond type.
    pub fn of(order: shennong_mol::BondOrder) -> BondClass {
        use shennong_mol::BondOrder;
        match order {
            BondOrder::Single | BondOrder::Aromatic => BondClass::SingleOrAromatic,
            BondOrder::Double => BondClass::Double,
            BondOrder::Triple => BondClass::Triple,
            _ => BondClass::Other,
        }
    }
}

fn definite_z(expr: &AtomExpr) -> Option<u8> {
    match expr {
        Expr::Prim(AtomPrim::AtomicNum(z)) | Expr::Prim(AtomPrim::Element { z, .. }) => Some(*z),
        Expr::Prim(_) | Expr::Not(_) => None,
        Expr::And(v) => v.iter().find_map(definite_z),
        Expr::Or(v) => {
            let first = definite_z(v.first()?)?;
            v.iter()
                .all(|e| definite_z(e) == Some(first))
                .then_some(first)
        }
    }
}

fn definite_class(expr: &BondExpr) -> Option<BondClass> {
    match expr {
        Expr::Prim(BondPrim::Kind(k)) => Some(match k {
            BondKind::Single | BondKind::Aromatic => BondClass::SingleOrAromatic,
            BondKind::Double => BondClass::Double,
            BondKind::Triple => BondClass::Triple,
            BondKind::Quadruple | BondKind::Dative => BondClass::Other,
        }),
        Expr::Prim(BondPrim::SingleOrAromatic) => Some(BondClass::SingleOrAromatic),
        Expr::Prim(_) | Expr::Not(_) => None,
        Expr::And(v) => v.iter().find_map(definite_class),
        Expr::Or(v) => {
            let first = definite_class(v.first()?)?;
            v.iter()
                .all(|e| definite_class(e) == Some(first))
                .then_some(first)
        }
    }
}
