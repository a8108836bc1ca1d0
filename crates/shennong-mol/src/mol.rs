//! The molecule graph: atoms, bonds, typed indices, the raw builder and the
//! perceived, immutable [`Mol`].

use crate::error::{MolError, Result};
use crate::rings::RingInfo;
use std::sync::OnceLock;

/// Index of an atom in its molecule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtomIdx(pub u32);

/// Index of a bond in its molecule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BondIdx(pub u32);

impl AtomIdx {
    /// The index as `usize`.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl BondIdx {
    /// The index as `usize`.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Bond types, as in RDKit. The discriminants are spelled out because
/// [`BondOrder::valence_x2`] reads a table by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BondOrder {
    /// Single bond.
    Single = 0,
    /// Double bond.
    Double = 1,
    /// Triple bond.
    Triple = 2,
    /// Quadruple bond (SMILES `$`).
    Quadruple = 3,
    /// Aromatic bond (order 1.5).
    Aromatic = 4,
    /// Dative bond `begin -> end`; contributes valence to the end atom only.
    Dative = 5,
    /// Zero-order bond (contributes no valence).
    Zero = 6,
}

impl BondOrder {
    /// Twice the valence this bond contributes to `atom_is_end` side, so that
    /// aromatic bonds (1.5) stay integral.
    #[inline]
    pub fn valence_x2(self, atom_is_end: bool) -> i32 {
        // a table look-up by discriminant, not a match: bond orders
        // alternate along a molecule in no pattern a branch predictor learns
        const BY_ORDER: [[i8; 2]; 7] = [[2, 2], [4, 4], [6, 6], [8, 8], [3, 3], [0, 2], [0, 0]];
        let row = BY_ORDER.get(self as usize).copied().unwrap_or([0, 0]);
        i32::from(if atom_is_end { row[1] } else { row[0] })
    }

    /// Integer bond order used by invariants (aromatic counted as 4 distinct code).
    pub fn code(self) -> u8 {
        match self {
            BondOrder::Single => 1,
            BondOrder::Double => 2,
            BondOrder::Triple => 3,
            BondOrder::Quadruple => 4,
            BondOrder::Aromatic => 5,
            BondOrder::Dative => 6,
            BondOrder::Zero => 7,
        }
    }
}

/// Non-tetrahedral stereo classes of OpenSMILES.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StereoClass {
    /// Allene-like `@AL`.
    Allene,
    /// Square planar `@SP`.
    SquarePlanar,
    /// Trigonal bipyramidal `@TB`.
    TrigonalBipyramidal,
    /// Octahedral `@OH`.
    Octahedral,
}

impl StereoClass {
    /// The class's two letters in SMILES (`@SP1` → `"SP"`).
    pub fn smiles_code(self) -> &'static str {
        match self {
            StereoClass::Allene => "AL",
            StereoClass::SquarePlanar => "SP",
            StereoClass::TrigonalBipyramidal => "TB",
            StereoClass::Octahedral => "OH",
        }
    }
}

/// Atom-centred stereo.
///
/// Tetrahedral tags refer to the atom's neighbour order in [`Mol::neighbors`],
/// followed by the implicit hydrogen (or lone pair) if the atom has fewer
/// than four neighbours: looking from the first neighbour, the others go
/// counter-clockwise (`@`) or clockwise (`@@`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Chirality {
    /// No stereo.
    #[default]
    None,
    /// `@`.
    CounterClockwise,
    /// `@@`.
    Clockwise,
    /// Non-tetrahedral stereo with its OpenSMILES permutation number, kept
    /// as read relative to the neighbour order.
    Other {
        /// Stereo class.
        class: StereoClass,
        /// Permutation number (`@SP2` → 2).
        permutation: u8,
    },
}

impl Chirality {
    /// The opposite tetrahedral tag (others unchanged).
    pub fn inverted(self) -> Chirality {
        match self {
            Chirality::CounterClockwise => Chirality::Clockwise,
            Chirality::Clockwise => Chirality::CounterClockwise,
            other => other,
        }
    }

    /// Whether this is a tetrahedral tag.
    pub fn is_tetrahedral(self) -> bool {
        matches!(self, Chirality::CounterClockwise | Chirality::Clockwise)
    }
}

/// Double-bond stereo, relative to one reference neighbour on each end:
/// the first is a neighbour of the bond's begin atom, the second of its end atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BondStereo {
    /// Unspecified.
    #[default]
    None,
    /// The reference atoms are on the same side.
    Cis(AtomIdx, AtomIdx),
    /// The reference atoms are on opposite sides.
    Trans(AtomIdx, AtomIdx),
}

/// Direction marks carried from input: SMILES `/` and `\` (relative to
/// begin → end) and molfile wedges (from the begin atom).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BondDirection {
    /// None.
    #[default]
    None,
    /// SMILES `/` written from begin to end.
    Up,
    /// SMILES `\` written from begin to end.
    Down,
    /// Molfile wedge (towards the viewer) from the begin atom.
    Wedge,
    /// Molfile hash (away from the viewer) from the begin atom.
    Hash,
    /// Molfile "either" (unknown) stereo.
    Either,
}

/// Neighbours of one atom as (neighbour, bond): inline for up to four, so
/// that building a molecule does not allocate per atom.
pub(crate) type Neighbors = smallvec::SmallVec<[(AtomIdx, BondIdx); 4]>;

/// One atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Atom {
    /// Atomic number; 0 is a dummy atom `*`.
    pub atomic_num: u8,
    /// Mass number; 0 for natural abundance.
    pub isotope: u16,
    /// Formal charge.
    pub formal_charge: i8,
    /// Hydrogens attached explicitly (bracket `H` count or merged H atoms).
    pub explicit_hs: u8,
    /// When true, no implicit hydrogens are added (bracket atoms).
    pub no_implicit: bool,
    /// Aromatic flag.
    pub aromatic: bool,
    /// Atom stereo.
    pub chirality: Chirality,
    /// Unpaired electrons.
    pub radical_electrons: u8,
    /// Atom map number / class (0 = none).
    pub map_num: u32,
    /// Implicit hydrogens, computed by perception.
    pub(crate) implicit_hs: u8,
}

impl Atom {
    /// A new atom of element `z` with defaults (organic-subset semantics).
    pub fn new(z: u8) -> Atom {
        Atom {
            atomic_num: z,
            ..Atom::default()
        }
    }

    /// Total hydrogens (explicit plus implicit).
    #[inline]
    pub fn total_hs(&self) -> u8 {
        self.explicit_hs.saturating_add(self.implicit_hs)
    }

    /// Implicit hydrogens as perceived.
    #[inline]
    pub fn implicit_hs(&self) -> u8 {
        self.implicit_hs
    }

    /// Element symbol.
    pub fn symbol(&self) -> &'static str {
        crate::element::symbol(self.atomic_num)
    }
}

/// One bond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bond {
    /// First atom.
    pub begin: AtomIdx,
    /// Second atom.
    pub end: AtomIdx,
    /// Bond type.
    pub order: BondOrder,
    /// Aromatic flag.
    pub aromatic: bool,
    /// Double-bond stereo.
    pub stereo: BondStereo,
    /// Direction mark from input.
    pub direction: BondDirection,
}

impl Bond {
    /// A bond as a builder adds it: no stereo or direction yet, flagged
    /// aromatic when its order is.
    fn added(begin: AtomIdx, end: AtomIdx, order: BondOrder) -> Bond {
        Bond {
            begin,
            end,
            order,
            aromatic: order == BondOrder::Aromatic,
            stereo: BondStereo::None,
            direction: BondDirection::None,
        }
    }

    /// Whether the bond is flagged aromatic or has the aromatic order (the
    /// two differ on raw input: SMILES `:` or lowercase atoms, molfile type 4).
    #[inline]
    pub(crate) fn is_aromatic_like(&self) -> bool {
        // `|`: both are plain loads, and the short cut would be a branch
        self.aromatic | (self.order == BondOrder::Aromatic)
    }

    /// The atom at the other end from `a`.
    #[inline]
    pub fn other(&self, a: AtomIdx) -> AtomIdx {
        if self.begin == a {
            self.end
        } else {
            self.begin
        }
    }
}

/// Atom coordinates (Å), 2D (z = 0) or 3D.
#[derive(Debug, Clone, PartialEq)]
pub struct Conformer {
    /// One position per atom.
    pub positions: Vec<[f64; 3]>,
    /// True if the coordinates are three-dimensional.
    pub is_3d: bool,
}

/// A raw, mutable molecule graph as produced by parsers, before perception.
#[derive(Debug, Clone, Default)]
pub struct MolBuilder {
    pub(crate) atoms: Vec<Atom>,
    pub(crate) bonds: Vec<Bond>,
    pub(crate) adjacency: Vec<Neighbors>,
    pub(crate) conformer: Option<Conformer>,
    /// Whether every neighbour list is known to be in bond-number order
    /// (see [`Mol::neighbors_in_bond_order`]).
    pub(crate) bond_ordered: bool,
}

impl MolBuilder {
    /// An empty builder.
    pub fn new() -> MolBuilder {
        MolBuilder {
            bond_ordered: true,
            ..MolBuilder::default()
        }
    }

    /// An empty builder with room for `atoms` atoms and `bonds` bonds, for
    /// parsers that know the sizes ahead (no regrowth while building).
    pub fn with_capacity(atoms: usize, bonds: usize) -> MolBuilder {
        MolBuilder {
            atoms: Vec::with_capacity(atoms),
            bonds: Vec::with_capacity(bonds),
            adjacency: Vec::with_capacity(atoms),
            conformer: None,
            // bonds are appended to both atoms' lists as they are made
            bond_ordered: true,
        }
    }

    /// Adds an atom and returns its index.
    pub fn add_atom(&mut self, atom: Atom) -> AtomIdx {
        let idx = AtomIdx(self.atoms.len() as u32);
        self.atoms.push(atom);
        self.adjacency.push(Neighbors::new());
        idx
    }

    /// Adds an atom bonded to the existing atom `to`, as a line notation
    /// grows a chain: [`MolBuilder::add_atom`] then [`MolBuilder::add_bond`]
    /// in one step, without the duplicate-bond check (the new atom has no
    /// other bond). The bond runs from `to` to the new atom, or the other
    /// way with `new_first` (a dative bond written towards `to`).
    ///
    /// ```
    /// use shennong_mol::{Atom, BondOrder, MolBuilder};
    /// let mut b = MolBuilder::new();
    /// let c = b.add_atom(Atom::new(6));
    /// let (o, bond) = b.add_atom_bonded(Atom::new(8), c, BondOrder::Double, false).unwrap();
    /// assert_eq!(b.bond_between(c, o), Some(bond));
    /// ```
    // inlined into readers, which call it for nearly every atom
    #[inline]
    pub fn add_atom_bonded(
        &mut self,
        atom: Atom,
        to: AtomIdx,
        order: BondOrder,
        new_first: bool,
    ) -> Result<(AtomIdx, BondIdx)> {
        let Some(list) = self.adjacency.get_mut(to.index()) else {
            return Err(MolError::NoSuchAtom { atom: to.index() });
        };
        let idx = AtomIdx(self.atoms.len() as u32);
        let bond = BondIdx(self.bonds.len() as u32);
        list.push((idx, bond));
        let mut own = Neighbors::new();
        own.push((to, bond));
        self.atoms.push(atom);
        self.adjacency.push(own);
        let (begin, end) = if new_first { (idx, to) } else { (to, idx) };
        self.bonds.push(Bond::added(begin, end, order));
        Ok((idx, bond))
    }

    /// Adds a bond between two distinct existing atoms that are not yet bonded.
    pub fn add_bond(&mut self, begin: AtomIdx, end: AtomIdx, order: BondOrder) -> Result<BondIdx> {
        if begin == end {
            return Err(MolError::SelfBond {
                atom: begin.index(),
            });
        }
        let n = self.atoms.len();
        if begin.index() >= n || end.index() >= n {
            return Err(MolError::NoSuchAtom {
                atom: begin.index().max(end.index()),
            });
        }
        if self.bond_between(begin, end).is_some() {
            return Err(MolError::DuplicateBond {
                begin: begin.index(),
                end: end.index(),
            });
        }
        let idx = BondIdx(self.bonds.len() as u32);
        self.bonds.push(Bond::added(begin, end, order));
        if let Some(list) = self.adjacency.get_mut(begin.index()) {
            list.push((end, idx));
        }
        if let Some(list) = self.adjacency.get_mut(end.index()) {
            list.push((begin, idx));
        }
        Ok(idx)
    }

    /// The bond between two atoms, if any.
    pub fn bond_between(&self, a: AtomIdx, b: AtomIdx) -> Option<BondIdx> {
        self.adjacency
            .get(a.index())?
            .iter()
            .find(|(n, _)| *n == b)
            .map(|&(_, bi)| bi)
    }

    /// Number of atoms.
    pub fn num_atoms(&self) -> usize {
        self.atoms.len()
    }

    /// Number of bonds.
    pub fn num_bonds(&self) -> usize {
        self.bonds.len()
    }

    /// Mutable access to an atom.
    pub fn atom_mut(&mut self, a: AtomIdx) -> Option<&mut Atom> {
        self.atoms.get_mut(a.index())
    }

    /// Read access to an atom.
    pub fn atom(&self, a: AtomIdx) -> Option<&Atom> {
        self.atoms.get(a.index())
    }

    /// Mutable access to a bond.
    pub fn bond_mut(&mut self, b: BondIdx) -> Option<&mut Bond> {
        self.bonds.get_mut(b.index())
    }

    /// Read access to a bond.
    pub fn bond(&self, b: BondIdx) -> Option<&Bond> {
        self.bonds.get(b.index())
    }

    /// Neighbours of an atom in bond insertion order.
    pub fn neighbors(&self, a: AtomIdx) -> &[(AtomIdx, BondIdx)] {
        self.adjacency.get(a.index()).map_or(&[], |v| v.as_slice())
    }

    /// Sets coordinates (one position per atom).
    pub fn set_conformer(&mut self, conformer: Conformer) {
        self.conformer = Some(conformer);
    }

    /// Coordinates, if any.
    pub fn conformer(&self) -> Option<&Conformer> {
        self.conformer.as_ref()
    }

    /// Reorders the neighbour list of `a`. `order` must be a permutation of
    /// the current neighbours; tetrahedral tags and `@SP`/`@TB`/`@OH`
    /// permutation numbers are kept consistent.
    pub fn reorder_neighbors(&mut self, a: AtomIdx, order: Vec<(AtomIdx, BondIdx)>) -> Result<()> {
        let current = self.neighbors(a).to_vec();
        let Some(perm) = permutation_of(&current, &order) else {
            return Err(MolError::NoSuchAtom { atom: a.index() });
        };
        if let Some(atom) = self.atoms.get_mut(a.index()) {
            match atom.chirality {
                Chirality::Other { class, permutation } if permutation > 0 => {
                    // missing ligands stay last, after the neighbours
                    let missing = crate::nontetrahedral::missing_ligands(class, current.len());
                    let pad = |list: &[(AtomIdx, BondIdx)]| -> Vec<Option<AtomIdx>> {
                        list.iter()
                            .map(|&(n, _)| Some(n))
                            .chain(std::iter::repeat_n(None, missing))
                            .collect()
                    };
                    if let Some(p) = crate::nontetrahedral::reorder(
                        class,
                        permutation,
                        &pad(&current),
                        &pad(&order),
                    ) {
                        atom.chirality = Chirality::Other {
                            class,
                            permutation: p,
                        };
                    }
                }
                _ if permutation_is_odd(&perm) => {
                    atom.chirality = atom.chirality.inverted();
                }
                _ => {}
            }
        }
        if let Some(slot) = self.adjacency.get_mut(a.index()) {
            *slot = Neighbors::from_vec(order);
        }
        self.bond_ordered = false;
        Ok(())
    }

    /// A copy holding only the atoms with `keep_atoms[i]` and the bonds with
    /// `keep_bonds[j]` whose two atoms are both kept, renumbered in order.
    /// Neighbour order (and so tetrahedral tags) is kept for surviving
    /// neighbours; double-bond stereo whose reference atom goes is dropped.
    pub fn subgraph(&self, keep_atoms: &[bool], keep_bonds: &[bool]) -> MolBuilder {
        let mut new_index: Vec<Option<AtomIdx>> = Vec::with_capacity(self.atoms.len());
        let mut out = MolBuilder::new();
        for (i, atom) in self.atoms.iter().enumerate() {
            if keep_atoms.get(i).copied().unwrap_or(false) {
                new_index.push(Some(out.add_atom(*atom)));
            } else {
                new_index.push(None);
            }
        }
        let map = |a: AtomIdx| new_index.get(a.index()).copied().flatten();
        let mut new_bond: Vec<Option<BondIdx>> = vec![None; self.bonds.len()];
        for (j, bond) in self.bonds.iter().enumerate() {
            if !keep_bonds.get(j).copied().unwrap_or(false) {
                continue;
            }
            let (Some(b), Some(e)) = (map(bond.begin), map(bond.end)) else {
                continue;
            };
            let stereo = match bond.stereo {
                BondStereo::Cis(x, y) => match (map(x), map(y)) {
                    (Some(x), Some(y)) => BondStereo::Cis(x, y),
                    _ => BondStereo::None,
                },
                BondStereo::Trans(x, y) => match (map(x), map(y)) {
                    (Some(x), Some(y)) => BondStereo::Trans(x, y),
                    _ => BondStereo::None,
                },
                BondStereo::None => BondStereo::None,
            };
            if let Some(slot) = new_bond.get_mut(j) {
                *slot = Some(BondIdx(out.bonds.len() as u32));
            }
            out.bonds.push(Bond {
                begin: b,
                end: e,
                stereo,
                ..*bond
            });
        }
        // Adjacency in the old neighbour order, so that chirality tags keep their meaning.
        for (i, nbrs) in self.adjacency.iter().enumerate() {
            let Some(a) = new_index.get(i).copied().flatten() else {
                continue;
            };
            let list: Neighbors = nbrs
                .iter()
                .filter_map(|&(n, bi)| {
                    Some((map(n)?, new_bond.get(bi.index()).copied().flatten()?))
                })
                .collect();
            if let Some(slot) = out.adjacency.get_mut(a.index()) {
                *slot = list;
            }
        }
        if let Some(conf) = &self.conformer {
            let positions = conf
                .positions
                .iter()
                .enumerate()
                .filter(|(i, _)| keep_atoms.get(*i).copied().unwrap_or(false))
                .map(|(_, p)| *p)
                .collect();
            out.conformer = Some(Conformer {
                positions,
                is_3d: conf.is_3d,
            });
        }
        // kept bonds are renumbered in order, so ordered lists stay ordered
        out.bond_ordered = self.bond_ordered;
        out
    }

    /// Removes the bond between `a` and `b`, if any (see [`MolBuilder::subgraph`]).
    pub fn remove_bond(&mut self, a: AtomIdx, b: AtomIdx) -> bool {
        let Some(bi) = self.bond_between(a, b) else {
            return false;
        };
        let keep_atoms = vec![true; self.atoms.len()];
        let keep_bonds: Vec<bool> = (0..self.bonds.len()).map(|j| j != bi.index()).collect();
        *self = self.subgraph(&keep_atoms, &keep_bonds);
        true
    }

    /// Perceives the molecule with default options (RDKit's `SanitizeMol`
    /// plus hydrogen removal and stereo clean-up, as `MolFromSmiles` does).
    pub fn sanitize(self) -> Result<Mol> {
        crate::sanitize::sanitize(self, &crate::sanitize::SanitizeOptions::default())
    }
}

/// Position of each element of `target` in `source` (`None` unless a permutation).
pub(crate) fn permutation_of<T: PartialEq>(source: &[T], target: &[T]) -> Option<Vec<usize>> {
    if source.len() != target.len() {
        return None;
    }
    let mut used = vec![false; source.len()];
    let mut perm = Vec::with_capacity(target.len());
    for t in target {
        let pos = source
            .iter()
            .enumerate()
            .position(|(i, s)| s == t && !used.get(i).copied().unwrap_or(true))?;
        if let Some(u) = used.get_mut(pos) {
            *u = true;
        }
        perm.push(pos);
    }
    Some(perm)
}

/// Parity of a permutation given as image positions.
pub(crate) fn permutation_is_odd(perm: &[usize]) -> bool {
    let mut odd = false;
    for i in 0..perm.len() {
        for j in (i + 1)..perm.len() {
            if perm.get(i) > perm.get(j) {
                odd = !odd;
            }
        }
    }
    odd
}

/// A perceived molecule: immutable, with ring information and computed
/// hydrogen counts. Build one with [`MolBuilder::sanitize`].
///
/// ```
/// use shennong_mol::{Atom, BondOrder, MolBuilder};
/// let mut b = MolBuilder::new();
/// let c = b.add_atom(Atom::new(6));
/// let o = b.add_atom(Atom::new(8));
/// b.add_bond(c, o, BondOrder::Single).unwrap();
/// let mol = b.sanitize().unwrap();
/// assert_eq!(mol.atom(c).total_hs(), 3);
/// ```
#[derive(Clone)]
pub struct Mol {
    pub(crate) atoms: Vec<Atom>,
    pub(crate) bonds: Vec<Bond>,
    pub(crate) adjacency: Vec<Neighbors>,
    /// Perceived on first use when the molecule was read without it
    /// ([`crate::sanitize_trusted`]).
    pub(crate) rings: LazyRings,
    /// Ring-bond flags from the cheap bridge test, for callers that need
    /// only ring membership of bonds and atoms before the rings are known.
    pub(crate) ring_bonds: OnceLock<Vec<bool>>,
    pub(crate) conformer: Option<Conformer>,
    /// Whether every neighbour list is known to be in bond-number order.
    pub(crate) bond_ordered: bool,
}

/// A molecule's ring information: known when it was made (what
/// sanitisation gives) or perceived on first use. The known case holds the
/// rings directly, without a `OnceLock` set through its synchronised
/// initialisation once per molecule read.
#[derive(Clone)]
pub(crate) enum LazyRings {
    Known(RingInfo),
    OnFirstUse(OnceLock<RingInfo>),
}

impl LazyRings {
    /// The rings, if known already.
    pub(crate) fn get(&self) -> Option<&RingInfo> {
        match self {
            LazyRings::Known(rings) => Some(rings),
            LazyRings::OnFirstUse(cell) => cell.get(),
        }
    }

    /// The rings, perceived by `perceive` if not known yet.
    fn get_or_init(&self, perceive: impl FnOnce() -> RingInfo) -> &RingInfo {
        match self {
            LazyRings::Known(rings) => rings,
            LazyRings::OnFirstUse(cell) => cell.get_or_init(perceive),
        }
    }
}

/// Prints the rings as perceived (perceiving them if needed) and leaves the
/// caches out, so that equal molecules print the same whatever was asked of
/// them before.
impl std::fmt::Debug for Mol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mol")
            .field("atoms", &self.atoms)
            .field("bonds", &self.bonds)
            .field("adjacency", &self.adjacency)
            .field("rings", self.rings())
            .field("conformer", &self.conformer)
            .finish()
    }
}

static DEFAULT_ATOM: Atom = Atom {
    atomic_num: 0,
    isotope: 0,
    formal_charge: 0,
    explicit_hs: 0,
    no_implicit: false,
    aromatic: false,
    chirality: Chirality::None,
    radical_electrons: 0,
    map_num: 0,
    implicit_hs: 0,
};

static DEFAULT_BOND: Bond = Bond {
    begin: AtomIdx(0),
    end: AtomIdx(0),
    order: BondOrder::Zero,
    aromatic: false,
    stereo: BondStereo::None,
    direction: BondDirection::None,
};

impl Mol {
    /// Number of atoms.
    #[inline]
    pub fn num_atoms(&self) -> usize {
        self.atoms.len()
    }

    /// Number of bonds.
    #[inline]
    pub fn num_bonds(&self) -> usize {
        self.bonds.len()
    }

    /// All atom indices.
    pub fn atom_indices(&self) -> impl Iterator<Item = AtomIdx> + '_ {
        (0..self.atoms.len() as u32).map(AtomIdx)
    }

    /// All atoms.
    pub fn atoms(&self) -> &[Atom] {
        &self.atoms
    }

    /// All bonds.
    pub fn bonds(&self) -> &[Bond] {
        &self.bonds
    }

    /// One atom. Out-of-range indices (never produced by this crate) yield a dummy.
    #[inline]
    pub fn atom(&self, a: AtomIdx) -> &Atom {
        self.atoms.get(a.index()).unwrap_or(&DEFAULT_ATOM)
    }

    /// One bond. Out-of-range indices (never produced by this crate) yield a zero-order bond.
    #[inline]
    pub fn bond(&self, b: BondIdx) -> &Bond {
        self.bonds.get(b.index()).unwrap_or(&DEFAULT_BOND)
    }

    /// Neighbours of `a` with the connecting bonds, in stereo reference order.
    #[inline]
    pub fn neighbors(&self, a: AtomIdx) -> &[(AtomIdx, BondIdx)] {
        self.adjacency.get(a.index()).map_or(&[], |v| v.as_slice())
    }

    /// Starts loading the molecule's arrays (atoms, bonds, neighbour lists,
    /// ring counts) into the processor's caches, for a caller about to walk
    /// the whole molecule, as the canonical SMILES writer does: one molecule
    /// among many is rarely in cache. A hint only; it changes nothing.
    pub fn prefetch(&self) {
        crate::prefetch::prefetch_slice(&self.adjacency);
        crate::prefetch::prefetch_slice(&self.atoms);
        crate::prefetch::prefetch_slice(&self.bonds);
        if let Some(rings) = self.rings.get() {
            rings.prefetch();
        }
    }

    /// Whether every atom's neighbour list is in bond-number order, as
    /// RDKit keeps its adjacency (true for molecules built bond by bond, as
    /// every reader does; a neighbour list reordered since makes it false).
    pub fn neighbors_in_bond_order(&self) -> bool {
        self.bond_ordered
            || self
                .adjacency
                .iter()
                .all(|list| list.is_sorted_by_key(|&(_, b)| b))
    }

    /// Number of explicit neighbours.
    #[inline]
    pub fn degree(&self, a: AtomIdx) -> usize {
        self.neighbors(a).len()
    }

    /// The bond between two atoms, if any.
    pub fn bond_between(&self, a: AtomIdx, b: AtomIdx) -> Option<BondIdx> {
        self.neighbors(a)
            .iter()
            .find(|(n, _)| *n == b)
            .map(|&(_, bi)| bi)
    }

    /// Ring information (symmetrised SSSR, as RDKit keeps after sanitisation).
    pub fn rings(&self) -> &RingInfo {
        self.rings
            .get_or_init(|| crate::sanitize::perceive_rings(&self.bonds, &self.adjacency))
    }

    /// Whether the bond is in a ring. Equal to `rings().is_ring_bond(b)`,
    /// but answered without ring perception when the rings are not known yet.
    pub fn is_ring_bond(&self, b: BondIdx) -> bool {
        if let Some(rings) = self.rings.get() {
            return rings.is_ring_bond(b);
        }
        self.ring_bond_flags()
            .get(b.index())
            .copied()
            .unwrap_or(false)
    }

    /// Whether the atom is in a ring (has a ring bond); see [`Mol::is_ring_bond`].
    pub fn is_ring_atom(&self, a: AtomIdx) -> bool {
        if let Some(rings) = self.rings.get() {
            return rings.is_ring_atom(a);
        }
        let flags = self.ring_bond_flags();
        self.neighbors(a)
            .iter()
            .any(|&(_, b)| flags.get(b.index()).copied().unwrap_or(false))
    }

    fn ring_bond_flags(&self) -> &[bool] {
        self.ring_bonds.get_or_init(|| {
            let ring_adjacency = crate::sanitize::ring_adjacency(&self.bonds, &self.adjacency);
            crate::rings::ring_bond_flags(
                ring_adjacency.as_deref().unwrap_or(&self.adjacency),
                self.bonds.len(),
            )
        })
    }

    /// Coordinates, if the molecule was read with them.
    pub fn conformer(&self) -> Option<&Conformer> {
        self.conformer.as_ref()
    }

    /// Explicit valence: sum of bond orders plus explicit hydrogens (aromatic bonds 1.5, rounded up).
    pub fn explicit_valence(&self, a: AtomIdx) -> i32 {
        let x2: i32 = self
            .neighbors(a)
            .iter()
            .map(|&(_, b)| {
                let bond = self.bond(b);
                bond.order.valence_x2(bond.end == a)
            })
            .sum::<i32>()
            + 2 * i32::from(self.atom(a).explicit_hs);
        (x2 + 1) / 2
    }

    /// Returns a builder holding a copy of this molecule (perceived flags kept).
    pub fn to_builder(&self) -> MolBuilder {
        MolBuilder {
            atoms: self.atoms.clone(),
            bonds: self.bonds.clone(),
            adjacency: self.adjacency.clone(),
            conformer: self.conformer.clone(),
            bond_ordered: self.bond_ordered,
        }
    }

    /// Molecular formula in Hill order (`C9H8O4`), charge appended (`+`, `-2`).
    pub fn formula(&self) -> String {
        let mut counts = std::collections::BTreeMap::<&str, u32>::new();
        let mut h = 0u32;
        let mut charge = 0i32;
        for atom in &self.atoms {
            charge += i32::from(atom.formal_charge);
            h += u32::from(atom.total_hs());
            if atom.atomic_num == 1 {
                h += 1;
            } else {
                *counts.entry(atom.symbol()).or_insert(0) += 1;
            }
        }
        let mut out = String::new();
        let mut push = |sym: &str, n: u32| {
            if n > 0 {
                out.push_str(sym);
                if n > 1 {
                    out.push_str(&n.to_string());
                }
            }
        };
        if let Some(&c) = counts.get("C") {
            push("C", c);
            push("H", h);
            for (sym, &n) in &counts {
                if *sym != "C" {
                    push(sym, n);
                }
            }
        } else {
            let mut all: Vec<(&str, u32)> = counts.iter().map(|(s, n)| (*s, *n)).collect();
            all.push(("H", h));
            all.sort();
            for (sym, n) in all {
                push(sym, n);
            }
        }
        match charge {
            0 => {}
            1 => out.push('+'),
            -1 => out.push('-'),
            c if c > 0 => out.push_str(&format!("+{c}")),
            c => out.push_str(&format!("{c}")),
        }
        out
    }

    /// Connected components as lists of atoms, each in increasing index order.
    pub fn fragments(&self) -> Vec<Vec<AtomIdx>> {
        let n = self.num_atoms();
        let mut comp = vec![usize::MAX; n];
        let mut out: Vec<Vec<AtomIdx>> = Vec::new();
        for start in 0..n {
            if comp.get(start).copied() != Some(usize::MAX) {
                continue;
            }
            let id = out.len();
            let mut members = Vec::new();
            let mut stack = vec![AtomIdx(start as u32)];
            if let Some(c) = comp.get_mut(start) {
                *c = id;
            }
            while let Some(a) = stack.pop() {
                members.push(a);
                for &(nb, _) in self.neighbors(a) {
                    if let Some(c) = comp.get_mut(nb.index()) {
                        if *c == usize::MAX {
                            *c = id;
                            stack.push(nb);
                        }
                    }
                }
            }
            members.sort();
            out.push(members);
        }
        out
    }
}
