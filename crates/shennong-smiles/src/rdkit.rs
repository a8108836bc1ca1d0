//! RDKit's canonical SMILES, byte for byte: the same atom ranks
//! ([`shennong_mol::canon_rdkit`]), the same depth-first traversal (ring
//! closures first, then branches by rank, ring bonds after chain bonds), the
//! same ring-closure digits, bracket rules, tetrahedral tags relative to the
//! written order (with RDKit's ring-stereo normalisation) and the same
//! placement of `/` `\` around stereo double bonds, and fragments sorted by
//! their text. Follows RDKit 2026.09's `MolToSmiles` (`SmilesWrite.cpp`,
//! `Canon.cpp`) as observed; the parity suite compares the strings.

use shennong_mol::canon_rdkit::{
    connected_fragment, fragments, rdkit_bond_type, rdkit_ranks, swaps_are_odd, Fragment, TAG_CCW,
    TAG_CW, TAG_NONE, TAG_OTHER,
};
use shennong_mol::slots::Slots;
use shennong_mol::stereo::LegacyStereo;
use shennong_mol::{BondOrder, BondStereo, Mol};
use smallvec::SmallVec;

// RDKit's traversal weights (`Canon.h`): MAX_NATOMS, MAX_BONDTYPE.
const MAX_NATOMS: i64 = 5000;
const MAX_BONDTYPE: i64 = 32;
const MAX_CYCLES: usize = 1024;

/// The ring flag in [`Writer`]'s bond list (RDKit's bond types stay below it).
const RING_BOND: u8 = 0x80;

const WHITE: u8 = 0;
const GREY: u8 = 1;
const BLACK: u8 = 2;

// bond directions: RDKit's ENDUPRIGHT (`/`) and ENDDOWNRIGHT (`\`)
const DIR_NONE: u8 = 0;
const DIR_UP: u8 = 1;
const DIR_DOWN: u8 = 2;

fn flip(dir: u8) -> u8 {
    match dir {
        DIR_UP => DIR_DOWN,
        DIR_DOWN => DIR_UP,
        d => d,
    }
}

/// Short per-atom lists, inline for the usual four neighbours.
type Bonds = SmallVec<[usize; 4]>;

/// One atom on a depth-first stack: its candidate steps are
/// `Steps::ranked[from..]` whenever it is on top (see [`Steps`]), the next
/// one to try at `next`.
struct Frame {
    atom: usize,
    from: usize,
    next: usize,
}

/// The candidate next steps (traversal rank, neighbour, bond) of every atom
/// on a depth-first stack, in one list: an atom's steps are pushed when it
/// is entered, above those of the atoms below it, and dropped when it is
/// left, so the list grows and shrinks with the stack and the top atom's
/// steps always end the list.
#[derive(Default)]
struct Steps {
    /// (rank, neighbour, bond); the indices as `u32`, as the molecule
    /// keeps them, for a 16-byte entry.
    ranked: Vec<(i64, u32, u32)>,
}

impl Steps {
    /// Where the steps of the atom being entered start.
    fn begin(&self) -> usize {
        self.ranked.len()
    }

    fn push(&mut self, rank: i64, x: usize, b: usize) {
        self.ranked.push((rank, x as u32, b as u32));
    }

    /// Sorts the steps pushed since `from` (those of the atom being
    /// entered) by traversal rank (stable: equal ranks keep neighbour order).
    fn sort_from(&mut self, from: usize) {
        if let Some(own) = self.ranked.get_mut(from..) {
            shennong_mol::sort::sort_short_by(own, |x, y| x.0.cmp(&y.0));
        }
    }

    /// Step `k` of the top atom, as (neighbour, bond).
    fn get(&self, k: usize) -> Option<(usize, usize)> {
        self.ranked
            .get(k)
            .map(|&(_, x, b)| (x as usize, b as usize))
    }

    /// Drops the steps of the atom being left.
    fn end(&mut self, from: usize) {
        self.ranked.truncate(from);
    }
}

thread_local! {
    static DFS_WORK: std::cell::RefCell<DfsWork> = std::cell::RefCell::new(DfsWork::default());
}

/// The depth-first pass's working state and what it records.
#[derive(Default)]
struct DfsWork {
    colors: Vec<u8>,
    frames: Vec<Frame>,
    steps: Steps,
    /// The traversal, in order.
    tour: Vec<Tour>,
    /// Per atom: the bond to its last child in the traversal tree.
    last_child: Vec<Option<usize>>,
    /// Per atom: where its [`Tour::Enter`] is in `tour` (kept only when a
    /// tetrahedral tag is written, for [`Writer::written_tags`]).
    entered: Vec<u32>,
    /// Per atom: its ring-closure bonds, in the order the traversal meets
    /// them (see [`Writer::find_cycles`]).
    closures: Vec<Bonds>,
    /// The atoms whose `closures` list may be non-empty: only those are
    /// cleared for the next molecule (clearing every atom's list cost a
    /// loop over all atoms per molecule).
    closure_atoms: Vec<usize>,
    /// Per bond: its ring-closure index, 0 if it closes no ring (see
    /// [`Writer::build_stack`]).
    ring_idx: Vec<usize>,
    /// Ring-closure indices in use (`false`: free), while the sequence is built.
    available: Vec<bool>,
    /// Per open atom while the sequence is built: (atom, whether leaving it
    /// closes a branch).
    open: Vec<(usize, bool)>,
}

/// One event of a depth-first traversal.
#[derive(Debug, Clone, Copy)]
enum Tour {
    /// An atom entered, through a bond (none for the start); `u32` as the
    /// molecule keeps them, for a smaller record.
    Enter(u32, Option<u32>),
    /// The most recently entered atom still open is left.
    Leave,
}

#[derive(Debug, Clone, Copy)]
enum Elem {
    Atom(usize),
    /// Bond and the atom written to its left.
    Bond(usize, usize),
    Ring(usize),
    Open,
    Close,
}

/// RDKit's canonical SMILES of a molecule (isomeric: stereo and isotopes
/// written; otherwise left out, as `MolToSmiles(isomericSmiles=False)`).
///
/// Returns `None` for what RDKit's writer handles in ways we do not
/// reproduce (non-tetrahedral stereo); callers fall back to [`crate::to_smiles`].
///
/// ```
/// let mol = shennong_smiles::parse("OC(=O)c1ccccc1C").unwrap();
/// assert_eq!(shennong_smiles::to_rdkit_smiles(&mol, true).unwrap(), "Cc1ccccc1C(=O)O");
/// ```
pub fn to_rdkit_smiles(mol: &Mol, isomeric: bool) -> Option<String> {
    rdkit_smiles(mol, isomeric, false)
}

/// [`to_rdkit_smiles`] with RDKit's `kekuleSmiles` option: ranks from the
/// aromatic molecule, then Kekulé bonds (aromatic flags kept, as RDKit's
/// writer keeps them) for the traversal and the text. `None` also when no
/// Kekulé form exists.
pub(crate) fn rdkit_smiles(mol: &Mol, isomeric: bool, kekule: bool) -> Option<String> {
    let kekulized;
    let mol = if kekule {
        kekulized = mol.kekule_bonds_keeping_flags().ok()?;
        &kekulized
    } else {
        mol
    };
    if isomeric
        && mol.atoms().iter().fold(false, |acc, a| {
            acc | matches!(a.chirality, shennong_mol::Chirality::Other { .. })
        })
    {
        return None;
    }
    let stereo = if isomeric {
        mol.legacy_stereo().ok()?
    } else {
        // (empty lists: no labels and no groups)
        LegacyStereo::default()
    };
    if let Some(only) = connected_fragment(mol) {
        return Some(Writer::new(mol, &only, &stereo, isomeric, kekule).write());
    }
    let frags = fragments(mol);
    if let [only] = frags.as_slice() {
        return Some(Writer::new(mol, only, &stereo, isomeric, kekule).write());
    }
    let mut parts: Vec<String> = frags
        .iter()
        .map(|f| Writer::new(mol, f, &stereo, isomeric, kekule).write())
        .collect();
    parts.sort();
    Some(parts.join("."))
}

struct Writer<'a> {
    mol: &'a Mol,
    frag: &'a Fragment<'a>,
    stereo: &'a LegacyStereo,
    isomeric: bool,
    kekule: bool,
    ranks: Vec<u32>,
    /// Per local bond: its RDKit bond type, from the bond order (what the
    /// traversal and the stereo marks look at), with [`RING_BOND`] set for
    /// a ring bond (one list: one allocation and one load for both).
    bond_info: Vec<u8>,
    /// Per local bond: stereo double bond as (local reference atoms, cis);
    /// empty when there is none.
    double_stereo: Vec<Option<(usize, usize, bool)>>,
    /// Whether the molecule has a metal atom (else no atom is bracketed for
    /// a metal neighbour).
    any_metal: bool,
    /// Whether a tetrahedral tag is written (isomeric output with a tagged
    /// atom): only then are tags re-expressed for the written order.
    tetrahedral: bool,
}

impl<'a> Writer<'a> {
    fn new(
        mol: &'a Mol,
        frag: &'a Fragment<'a>,
        stereo: &'a LegacyStereo,
        isomeric: bool,
        kekule: bool,
    ) -> Self {
        let ranks = rdkit_ranks(mol, frag, stereo, isomeric);
        let rings = mol.rings();
        let info =
            |order: BondOrder, ring: bool| rdkit_bond_type(order) | (u8::from(ring) * RING_BOND);
        let bond_info =
            if frag.is_whole_molecule() && rings.bond_ring_flags().len() == mol.num_bonds() {
                // the whole molecule (nearly always): bonds and ring flags side
                // by side, without a look-up per bond
                mol.bonds()
                    .iter()
                    .zip(rings.bond_ring_flags())
                    .map(|(bond, ring)| info(bond.order, ring))
                    .collect()
            } else {
                (0..frag.num_bonds())
                    .map(|b| {
                        let g = frag.bond(b);
                        info(mol.bond(g).order, rings.is_ring_bond(g))
                    })
                    .collect()
            };
        // stereo double bonds with their reference atoms in local numbers;
        // no list at all when no bond is labelled E or Z
        let local = |g: shennong_mol::AtomIdx| frag.local_atom(g);
        // (whole-list folds, without an exit test per item: these scans
        // run on every molecule; measured fewer instructions than `any`)
        let labelled = isomeric && stereo.bond_z.iter().fold(false, |acc, z| acc | z.is_some());
        let stereo_of = |b: shennong_mol::BondIdx| {
            let bond = mol.bond(b);
            if bond.order != BondOrder::Double {
                return None;
            }
            stereo.bond_z.get(b.index()).copied().flatten()?;
            match bond.stereo {
                BondStereo::Cis(p, q) => Some((local(p)?, local(q)?, true)),
                BondStereo::Trans(p, q) => Some((local(p)?, local(q)?, false)),
                BondStereo::None => None,
            }
        };
        let double_stereo = if labelled {
            (0..frag.num_bonds())
                .map(|b| stereo_of(frag.bond(b)))
                .collect()
        } else {
            Vec::new()
        };
        let any_metal = mol
            .atoms()
            .iter()
            .fold(false, |acc, a| acc | is_metal(a.atomic_num));
        let tetrahedral = isomeric
            && frag
                .tags
                .iter()
                .fold(false, |acc, &t| acc | (t == TAG_CW) | (t == TAG_CCW));
        Writer {
            any_metal,
            tetrahedral,
            mol,
            frag,
            stereo,
            isomeric,
            kekule,
            ranks,
            bond_info,
            double_stereo,
        }
    }

    /// RDKit bond type of local bond `b`.
    fn bond_type(&self, b: usize) -> u8 {
        self.bond_info.at(b) & !RING_BOND
    }

    fn n(&self) -> usize {
        self.frag.num_atoms()
    }

    fn nbrs(&self, a: usize) -> impl ExactSizeIterator<Item = (usize, usize)> + Clone + 'a {
        self.frag.nbrs(a)
    }

    fn other(&self, b: usize, a: usize) -> usize {
        let (x, y) = self.frag.ends(b).unwrap_or((a, a));
        if x == a {
            y
        } else {
            x
        }
    }

    /// The molecule's index of local atom `a`.
    fn global(&self, a: usize) -> shennong_mol::AtomIdx {
        self.frag.atom(a)
    }

    fn atom(&self, a: usize) -> &shennong_mol::Atom {
        self.mol.atom(self.global(a))
    }

    fn bond(&self, b: usize) -> &shennong_mol::Bond {
        self.mol.bond(self.frag.bond(b))
    }

    /// Stereo of a local double bond: (local reference atoms, cis).
    fn double_stereo(&self, b: usize) -> Option<(usize, usize, bool)> {
        self.double_stereo.at(b)
    }

    fn write(&self) -> String {
        let n = self.n();
        // the lowest-ranked atom: ranks are positions, so rank 0 is there
        // (found without comparing every pair of ranks)
        let start = self
            .ranks
            .iter()
            .position(|&r| r == 0)
            .or_else(|| (0..n).min_by_key(|&a| self.ranks.at(a)))
            .unwrap_or(0);
        // the traversal's buffers, reused from one fragment to the next
        shennong_mol::scratch::with_reused(&DFS_WORK, |work| self.write_with(start, work))
    }

    /// [`Writer::write`] from atom `start`, with the traversal's buffers.
    fn write_with(&self, start: usize, work: &mut DfsWork) -> String {
        let n = self.n();
        self.find_cycles(start, work);
        // the written order of atoms and of each tagged atom's bonds is
        // fixed by the traversal, so the tags as written are known before
        // any text is; without a tetrahedral tag to re-express, the stored
        // tags stand (non-tetrahedral ones never get here when isomeric,
        // and none are written otherwise)
        let written;
        let tags: &[u8] = if self.tetrahedral {
            written = self.written_tags(work, start);
            &written
        } else {
            &self.frag.tags
        };
        if !self.double_stereo.iter().any(Option::is_some) {
            // no bond marks: the text is written as the traversal is
            // replayed
            let mut text = TextSink::new(self, tags, &[], 3 * n);
            self.build_stack(work, &mut text);
            return text.out;
        }
        let mut stack: Vec<Elem> = Vec::with_capacity(3 * n);
        self.build_stack(work, &mut stack);
        let mut atom_visit = vec![0usize; n];
        let mut bond_visit = vec![0usize; self.frag.num_bonds()];
        for (pos, e) in stack.iter().enumerate() {
            match *e {
                Elem::Atom(a) => atom_visit.put(a, pos + 1),
                Elem::Bond(b, _) => bond_visit.put(b, pos + 1),
                _ => {}
            }
        }
        let dirs = self.bond_directions(&stack, &atom_visit, &bond_visit, &work.ring_idx);
        let mut text = TextSink::new(self, tags, &dirs, 2 * stack.len());
        text.replay(&stack);
        text.out
    }

    fn traversal_rank(&self, x: usize, b: usize, grey: bool) -> i64 {
        let rank = i64::from(self.ranks.at(x));
        let info = self.bond_info.at(b);
        let bt = i64::from(info & !RING_BOND);
        let ring = info & RING_BOND != 0;
        // the three cases by selects, not branches: which neighbours are
        // open or in rings follows the molecule
        let to_open =
            rank - (MAX_BONDTYPE + 1) * MAX_NATOMS * MAX_NATOMS + (MAX_BONDTYPE - bt) * MAX_NATOMS;
        let in_ring = rank + (MAX_BONDTYPE - bt) * MAX_NATOMS * MAX_NATOMS;
        let closed = std::hint::select_unpredictable(ring, in_ring, rank);
        std::hint::select_unpredictable(grey, to_open, closed)
    }

    /// RDKit's `dfsFindCycles`: the ring-closure bonds of each atom, in the
    /// order the traversal meets them (into `work.closures`). Also records
    /// the traversal itself in `work` (see [`Tour`]) for
    /// [`Writer::build_stack`].
    fn find_cycles(&self, start: usize, work: &mut DfsWork) {
        let n = self.n();
        let DfsWork {
            colors,
            frames,
            steps,
            tour,
            last_child,
            closures,
            closure_atoms,
            entered,
            ..
        } = work;
        colors.clear();
        colors.resize(n, WHITE);
        // (a test per atom of a flag fixed per molecule: predicted)
        let record_entries = self.tetrahedral;
        if record_entries {
            entered.clear();
            entered.resize(n, 0);
        }
        frames.clear();
        steps.ranked.clear();
        tour.clear();
        last_child.clear();
        last_child.resize(n, None);
        // (the lists kept, with any room they grew, from the last molecule;
        // those past `n`, from a larger one, are empty too)
        for &a in closure_atoms.iter() {
            if let Some(list) = closures.get_mut(a) {
                list.clear();
            }
        }
        closure_atoms.clear();
        if closures.len() < n {
            closures.resize_with(n, Bonds::new);
        }
        let enter = |a: usize,
                     in_bond: Option<usize>,
                     colors: &mut Vec<u8>,
                     steps: &mut Steps,
                     tour: &mut Vec<Tour>,
                     entered: &mut Vec<u32>| {
            colors.put(a, GREY);
            if record_entries {
                entered.put(a, tour.len() as u32);
            }
            tour.push(Tour::Enter(a as u32, in_bond.map(|b| b as u32)));
            let from = steps.begin();
            for (x, b) in self.nbrs(a) {
                if Some(b) != in_bond {
                    steps.push(self.traversal_rank(x, b, colors.at(x) == GREY), x, b);
                }
            }
            steps.sort_from(from);
            // the frame is built by the caller, field by field: a frame
            // returned whole was stored in pieces and read back in one wide
            // load, which the store buffer cannot forward (a stall per atom)
            from
        };
        let from = enter(start, None, colors, steps, tour, entered);
        frames.push(Frame {
            atom: start,
            from,
            next: from,
        });
        while let Some(top) = frames.last_mut() {
            let a = top.atom;
            let Some((x, b)) = steps.get(top.next) else {
                colors.put(a, BLACK);
                steps.end(top.from);
                frames.pop();
                tour.push(Tour::Leave);
                continue;
            };
            top.next += 1;
            match colors.at(x) {
                WHITE => {
                    last_child.put(a, Some(b));
                    let from = enter(x, Some(b), colors, steps, tour, entered);
                    frames.push(Frame {
                        atom: x,
                        from,
                        next: from,
                    });
                }
                GREY => {
                    if let Some(v) = closures.get_mut(x) {
                        v.push(b);
                    }
                    if let Some(v) = closures.get_mut(a) {
                        v.push(b);
                    }
                    closure_atoms.extend([x, a]);
                }
                _ => {}
            }
        }
    }

    /// RDKit's `dfsBuildStack`: the written sequence (into `stack`) and each
    /// bond's ring-closure index (into `work.ring_idx`; 0 for a bond that is
    /// not a ring closure).
    ///
    /// RDKit's second traversal visits the atoms in the same order as the
    /// first (both try an atom's unvisited neighbours by the same ranks, and
    /// ring closures add no tree edges), so it is replayed from the tour
    /// [`Writer::find_cycles`] recorded. RDKit opens a branch for a step
    /// that is not the last of the atom's candidates less its ring-closure
    /// partners; those candidates are exactly the atom's children in the
    /// tree (a neighbour unvisited on entry but not entered from the atom
    /// was reached through a descendant, which found the atom on its path:
    /// a ring closure), so a step opens a branch unless it enters the last
    /// child.
    fn build_stack<S: ElemSink>(&self, work: &mut DfsWork, stack: &mut S) {
        let nb = self.frag.num_bonds();
        let DfsWork {
            tour,
            last_child,
            closures,
            ring_idx,
            available,
            open,
            ..
        } = work;
        ring_idx.clear();
        ring_idx.resize(nb, 0);
        // grown on demand, capped at RDKit's MAX_CYCLES
        available.clear();
        open.clear();
        for &event in tour.iter() {
            let Tour::Enter(a, in_bond) = event else {
                if let Some((_, true)) = open.pop() {
                    stack.close();
                }
                continue;
            };
            let (a, in_bond) = (a as usize, in_bond.map(|b| b as usize));
            let mut branch = false;
            if let (Some(&(parent, _)), Some(b)) = (open.last(), in_bond) {
                branch = last_child.at(parent) != Some(b);
                if branch {
                    stack.open();
                }
                stack.bond(b, parent);
            }
            stack.atom(a);
            let own_closures = closures.get(a).map_or(&[][..], |v| v.as_slice());
            if own_closures.is_empty() {
                open.push((a, branch));
                continue;
            }
            let mut closed: Bonds = Bonds::new();
            for &b in own_closures {
                let idx = ring_idx.at(b);
                if idx > 0 {
                    stack.bond(b, a);
                    stack.ring(idx);
                    closed.push(idx - 1);
                } else {
                    let lowest = match available.iter().position(|&x| x) {
                        Some(free) => free,
                        None if available.len() < MAX_CYCLES => {
                            available.push(true);
                            available.len() - 1
                        }
                        None => MAX_CYCLES - 1,
                    };
                    available.put(lowest, false);
                    ring_idx.put(b, lowest + 1);
                    stack.ring(lowest + 1);
                }
            }
            for c in closed {
                available.put(c, true);
            }
            open.push((a, branch));
        }
    }

    fn unsaturated(&self, a: usize) -> bool {
        self.nbrs(a).any(|(_, b)| {
            let t = self.bond_type(b);
            // bond orders above one: double, triple, quadruple, aromatic
            (2..=4).contains(&t) || t == 12
        })
    }

    /// Tetrahedral tags as written: each tag re-expressed for the written
    /// neighbour order, RDKit's inversion for three-coordinate centres, and
    /// ring-stereo groups normalised so that their first written atom is `@`.
    ///
    /// The written order comes from the traversal `work` recorded (see
    /// [`Writer::find_cycles`]): atoms are written in the order the tour
    /// enters them, and a tagged atom's bonds as [`Writer::build_stack`]
    /// writes them: the bond it is entered by, its ring closures, then the
    /// bonds to its children.
    fn written_tags(&self, work: &DfsWork, start: usize) -> Vec<u8> {
        let n = self.n();
        let mut tags: Vec<u8> = self.frag.tags.clone();
        let is_tetrahedral = |a: usize| matches!(self.frag.tags.at(a), TAG_CW | TAG_CCW);
        let group = |a: usize| {
            (a < n)
                .then(|| self.frag.atom(a))
                .and_then(|g| self.stereo.ring_stereo_group.at(g.index()))
        };
        // each tagged atom (few) with its bonds in written order, from its
        // own neighbours: every bond of a depth-first tree is the one the
        // atom is entered by, a ring closure (listed in meeting order) or
        // the bond to a child, and children are written in the order they
        // are entered (a walk over the whole tour, once per molecule, cost
        // more than the rest of the tags' work)
        let entered = |a: usize| work.entered.at(a) as usize;
        let written_bonds = |a: usize| {
            let in_bond = match work.tour.get(entered(a)) {
                Some(&Tour::Enter(_, b)) => b.map(|b| b as usize),
                _ => None,
            };
            let own_closures = work.closures.get(a).map_or(&[][..], |v| v.as_slice());
            let mut children: SmallVec<[(usize, usize); 4]> = self
                .nbrs(a)
                .filter(|&(_, b)| Some(b) != in_bond && !own_closures.contains(&b))
                .map(|(x, b)| (entered(x), b))
                .collect();
            // (entry positions are distinct)
            children.sort_unstable();
            let mut written: Bonds = in_bond.into_iter().collect();
            written.extend_from_slice(own_closures);
            written.extend(children.into_iter().map(|(_, b)| b));
            written
        };
        let tagged: SmallVec<[(usize, Bonds); 4]> = (0..n)
            .filter(|&a| is_tetrahedral(a))
            .map(|a| (a, written_bonds(a)))
            .collect();
        let any_group = tagged.iter().any(|&(a, _)| group(a).is_some());
        // per tagged atom: whether its written order is an odd permutation
        // of its stored one (with RDKit's three-coordinate inversions)
        // (`written` holds every bond of the atom: a permutation of `bonds`)
        let odd_of = |a: usize, written: &Bonds| {
            let bonds: Bonds = self.nbrs(a).map(|(_, b)| b).collect();
            let mut o = swaps_are_odd(&bonds, written);
            let atom = self.atom(a);
            let fourth = atom.explicit_hs == 1 || atom.implicit_hs() == 1;
            let n_closures = work.closures.get(a).map_or(0, |v| v.len());
            if bonds.len() == 3
                && ((a == start && atom.explicit_hs == 1)
                    || (!fourth && n_closures == 1 && !self.unsaturated(a)))
            {
                o = !o;
            }
            o
        };
        if !any_group {
            for (a, written) in &tagged {
                if odd_of(*a, written) {
                    tags.put(*a, 3 - self.frag.tags.at(*a));
                }
            }
            return tags;
        }
        // the atoms in written order (only groups need it)
        let in_order = work.tour.iter().filter_map(|event| match *event {
            Tour::Enter(a, _) => Some(a as usize),
            Tour::Leave => None,
        });
        let mut odd = vec![false; n];
        for (a, written) in &tagged {
            odd.put(*a, odd_of(*a, written));
        }
        let mut adjusted = vec![false; n];
        for a in in_order {
            let tag = self.frag.tags.at(a);
            if tag == TAG_NONE || tag == TAG_OTHER {
                continue;
            }
            if let Some(g) = group(a) {
                if !adjusted.at(a) {
                    tags.put(a, TAG_CCW);
                    adjusted.put(a, true);
                }
                for p in 0..n {
                    if p == a || group(p) != Some(g) || adjusted.at(p) || entered(p) <= entered(a) {
                        continue;
                    }
                    let mut t = tags.at(a);
                    if self.frag.tags.at(p) != self.frag.tags.at(a) {
                        t = 3 - t;
                    }
                    if odd.at(a) != odd.at(p) {
                        t = 3 - t;
                    }
                    tags.put(p, t);
                    adjusted.put(p, true);
                }
            } else if odd.at(a) {
                tags.put(a, 3 - tag);
            }
        }
        tags
    }

    fn can_set_double_bond_stereo(&self, b: usize) -> bool {
        matches!(self.bond_type(b), 1 | 12 | 17)
    }

    fn can_have_direction(&self, b: usize) -> bool {
        matches!(self.bond_type(b), 1 | 12)
    }

    /// RDKit's `canonicalizeDoubleBonds`, `removeUnwantedBondDirSpecs` and
    /// `removeRedundantBondDirSpecs`: `/` and `\` marks per local bond.
    fn bond_directions(
        &self,
        stack: &[Elem],
        atom_visit: &[usize],
        bond_visit: &[usize],
        ring_idx: &[usize],
    ) -> Vec<u8> {
        let nb = self.frag.num_bonds();
        if !self.isomeric {
            return vec![DIR_NONE; nb];
        }
        let stereo_bonds: Vec<usize> = stack
            .iter()
            .filter_map(|e| match *e {
                Elem::Bond(b, _) if self.double_stereo(b).is_some() => Some(b),
                _ => None,
            })
            .collect();
        if stereo_bonds.is_empty() {
            return vec![DIR_NONE; nb];
        }
        let mut st = DirState {
            dir: vec![DIR_NONE; nb],
            bond_count: vec![0i32; nb],
            atom_count: vec![0i32; self.n()],
        };
        // neighbouring stereo double bonds, through one single/aromatic bond
        let neighbors_of = |b: usize| -> Vec<usize> {
            let (x, y) = self.frag.ends(b).unwrap_or((0, 0));
            let mut out: Vec<usize> = Vec::new();
            for end in [x, y] {
                for (_, nbb) in self.nbrs(end) {
                    if !self.can_have_direction(nbb) {
                        continue;
                    }
                    let other = self.other(nbb, end);
                    if let Some((_, d)) = self
                        .nbrs(other)
                        .find(|&(_, d)| d != nbb && self.double_stereo(d).is_some())
                    {
                        out.push(d);
                    }
                }
            }
            out.sort_by_key(|&d| bond_visit.at(d));
            out
        };
        let nbr_lists: Vec<(usize, Vec<usize>)> =
            stereo_bonds.iter().map(|&b| (b, neighbors_of(b))).collect();
        let mut queue_order: Vec<&(usize, Vec<usize>)> = nbr_lists.iter().collect();
        queue_order.sort_by(|p, q| {
            q.1.len()
                .cmp(&p.1.len())
                .then(bond_visit.at(p.0).cmp(&bond_visit.at(q.0)))
        });
        let mut seen = vec![false; nb];
        for (first, _) in queue_order {
            if seen.at(*first) {
                continue;
            }
            let mut connected = std::collections::VecDeque::from([*first]);
            while let Some(b) = connected.pop_front() {
                if seen.at(b) || bond_visit.at(b) == 0 {
                    continue;
                }
                seen.put(b, true);
                if self.double_stereo(b).is_none() {
                    continue;
                }
                self.canonicalize_double_bond(b, &mut st, atom_visit, bond_visit, ring_idx);
                if let Some((_, list)) = nbr_lists.iter().find(|(x, _)| *x == b) {
                    for &d in list {
                        if !seen.at(d) {
                            connected.push_back(d);
                        }
                    }
                }
            }
        }
        self.remove_unwanted_dirs(stack, &mut st, bond_visit);
        self.remove_redundant_dirs(stack, &mut st);
        st.dir
    }

    /// RDKit's `getReferenceDirection`.
    #[allow(clippy::too_many_arguments)]
    fn reference_direction(
        &self,
        dbl: usize,
        ref_atom: usize,
        target_atom: usize,
        ref_bond: usize,
        ref_flipped: bool,
        target_bond: usize,
        target_flipped: bool,
        st: &DirState,
    ) -> u8 {
        let Some((p, q, cis)) = self.double_stereo(dbl) else {
            return DIR_NONE;
        };
        let mut dir = st.dir.at(ref_bond);
        if cis {
            dir = flip(dir);
        }
        let is_stereo_atom = |x: usize| x == p || x == q;
        if self.nbrs(ref_atom).len() == 3 && !is_stereo_atom(self.other(ref_bond, ref_atom)) {
            dir = flip(dir);
        }
        if self.nbrs(target_atom).len() == 3
            && !is_stereo_atom(self.other(target_bond, target_atom))
        {
            dir = flip(dir);
        }
        if ref_flipped != target_flipped {
            dir = flip(dir);
        }
        dir
    }

    fn canonicalize_double_bond(
        &self,
        dbl: usize,
        st: &mut DirState,
        atom_visit: &[usize],
        bond_visit: &[usize],
        ring_idx: &[usize],
    ) {
        let (mut atom1, mut atom2) = self.frag.ends(dbl).unwrap_or((0, 0));
        let deg_ok = |a: usize| matches!(self.nbrs(a).len(), 2 | 3);
        if !deg_ok(atom1) || !deg_ok(atom2) {
            return;
        }
        if atom_visit.at(atom1) >= atom_visit.at(atom2) {
            std::mem::swap(&mut atom1, &mut atom2);
        }
        // (first, second, dir set) per end, by visit order
        let find = |atom: usize, st: &DirState| {
            let mut first: Option<usize> = None;
            let mut second: Option<usize> = None;
            let mut first_visit = usize::MAX;
            let mut dir_set = false;
            for (_, b) in self.nbrs(atom) {
                if b == dbl || !self.can_set_double_bond_stereo(b) {
                    continue;
                }
                if st.bond_count.at(b) > 0 {
                    dir_set = true;
                }
                if first.is_none() || bond_visit.at(b) < first_visit {
                    if first.is_some() {
                        second = first;
                    }
                    first = Some(b);
                    first_visit = bond_visit.at(b);
                } else {
                    second = Some(b);
                }
            }
            (first, second, dir_set)
        };
        let (f1, s1, dir1_set) = find(atom1, st);
        let (f2, s2, dir2_set) = find(atom2, st);
        let (Some(f1), Some(f2)) = (f1, f2) else {
            return;
        };
        // an anchor written after atom1 (or before atom2) is "flipped"; ring
        // closures invert that
        let flipped1 = |b: usize| {
            let anchor = self.other(b, atom1);
            (atom_visit.at(atom1) < atom_visit.at(anchor)) != (ring_idx.at(b) > 0)
        };
        let flipped2 = |b: usize| {
            let anchor = self.other(b, atom2);
            (atom_visit.at(anchor) < atom_visit.at(atom2)) != (ring_idx.at(b) > 0)
        };
        let ff1 = flipped1(f1);
        let sf1 = s1.is_some_and(flipped1);
        let ff2 = flipped2(f2);
        let sf2 = s2.is_some_and(flipped2);

        if dir1_set && dir2_set {
            let consistent1 = st.reconcile_side(atom1, (f1, ff1), s1.map(|b| (b, sf1)));
            let consistent2 = st.reconcile_side(atom2, (f2, ff2), s2.map(|b| (b, sf2)));
            self.fix_conflicts_across(
                dbl,
                (atom1, consistent1, f1, ff1, s1, sf1),
                (atom2, consistent2, f2, ff2, s2, sf2),
                st,
            );
            return;
        }

        let mut set_from_1 = true;
        let mut ctrl1 = f1;
        let mut ctrl2 = f2;
        if !dir1_set && !dir2_set {
            st.dir.put(f1, DIR_UP);
            st.bump(f1, atom1);
        } else if !dir2_set {
            ctrl1 = adopt_set_side(st, atom1, (f1, ff1), s1.map(|b| (b, sf1)));
        } else {
            set_from_1 = false;
            ctrl2 = adopt_set_side(st, atom2, (f2, ff2), s2.map(|b| (b, sf2)));
        }
        if set_from_1 {
            let cf = if ctrl1 == f1 { ff1 } else { sf1 };
            let d = self.reference_direction(dbl, atom1, atom2, ctrl1, cf, f2, ff2, st);
            st.dir.put(f2, d);
            st.bump(f2, atom2);
        } else {
            let cf = if ctrl2 == f2 { ff2 } else { sf2 };
            let d = self.reference_direction(dbl, atom2, atom1, ctrl2, cf, f1, ff1, st);
            st.dir.put(f1, d);
            st.bump(f1, atom1);
        }
        for (atom, first, second) in [
            (atom1, (f1, ff1), s1.map(|b| (b, sf1))),
            (atom2, (f2, ff2), s2.map(|b| (b, sf2))),
        ] {
            if self.nbrs(atom).len() == 3 {
                if let Some((s, s_flipped)) = second {
                    if st.bond_count.at(s) == 0 {
                        st.set_from_neighbor(first.0, first.1, s, s_flipped);
                        st.bump(s, atom);
                    }
                }
            }
        }
    }

    /// RDKit's `handleDirConflictsAcrossDoubleBond` (the result only feeds a
    /// warning there, so it is not returned).
    fn fix_conflicts_across(
        &self,
        dbl: usize,
        side1: (usize, bool, usize, bool, Option<usize>, bool),
        side2: (usize, bool, usize, bool, Option<usize>, bool),
        st: &mut DirState,
    ) {
        let (atom1, ok1, f1, ff1, s1, sf1) = side1;
        let (atom2, ok2, f2, ff2, s2, sf2) = side2;
        match (ok1, ok2) {
            (true, true) => {}
            (true, false) => {
                if let Some(s2) = s2 {
                    self.fix_conflict_on(dbl, atom2, (f2, ff2), (s2, sf2), atom1, (f1, ff1), st);
                }
            }
            (false, true) => {
                if let Some(s1) = s1 {
                    self.fix_conflict_on(dbl, atom1, (f1, ff1), (s1, sf1), atom2, (f2, ff2), st);
                }
            }
            (false, false) => {
                let (Some(s1), Some(s2)) = (s1, s2) else {
                    return;
                };
                for (b1, fl1) in [(f1, ff1), (s1, sf1)] {
                    for (b2, fl2) in [(f2, ff2), (s2, sf2)] {
                        let expected =
                            self.reference_direction(dbl, atom1, atom2, b1, fl1, b2, fl2, st);
                        if expected != st.dir.at(b2) {
                            continue;
                        }
                        let other1 = if b1 == f1 { s1 } else { f1 };
                        let o1 = self.other(other1, atom1);
                        if st.atom_count.at(o1) != 2 {
                            continue;
                        }
                        let other2 = if b2 == f2 { s2 } else { f2 };
                        let o2 = self.other(other2, atom2);
                        if o1 == o2 || st.atom_count.at(o2) != 2 {
                            continue;
                        }
                        st.bond_count.put(other1, 0);
                        st.atom_count.put(atom1, st.atom_count.at(atom1) - 1);
                        st.atom_count.put(o1, st.atom_count.at(o1) - 1);
                        st.bond_count.put(other2, 0);
                        st.atom_count.put(atom2, st.atom_count.at(atom2) - 1);
                        st.atom_count.put(o2, st.atom_count.at(o2) - 1);
                        return;
                    }
                }
            }
        }
    }

    /// RDKit's `fixConflictAcrossDoubleBond`.
    #[allow(clippy::too_many_arguments)]
    fn fix_conflict_on(
        &self,
        dbl: usize,
        atom: usize,
        first: (usize, bool),
        second: (usize, bool),
        ref_atom: usize,
        reference: (usize, bool),
        st: &mut DirState,
    ) {
        for (bond, flipped) in [first, second] {
            let other_bond = if bond == first.0 { second.0 } else { first.0 };
            let other_idx = self.other(other_bond, atom);
            if st.atom_count.at(other_idx) != 2 {
                continue;
            }
            let expected = self.reference_direction(
                dbl,
                ref_atom,
                atom,
                reference.0,
                reference.1,
                bond,
                flipped,
                st,
            );
            if expected == st.dir.at(bond) {
                st.bond_count.put(other_bond, 0);
                st.atom_count.put(atom, st.atom_count.at(atom) - 1);
                st.atom_count
                    .put(other_idx, st.atom_count.at(other_idx) - 1);
                return;
            }
        }
    }

    fn has_stereo_double(&self, a: usize, except: usize) -> bool {
        self.nbrs(a)
            .any(|(_, b)| b != except && self.double_stereo(b).is_some())
    }

    /// RDKit's `removeUnwantedBondDirSpecs`: marks that would make a
    /// non-stereo double bond look like a stereo one are dropped where the
    /// stereo bond keeps another mark.
    fn remove_unwanted_dirs(&self, stack: &[Elem], st: &mut DirState, bond_visit: &[usize]) {
        for e in stack {
            let Elem::Bond(b, _) = *e else {
                continue;
            };
            if self.bond_type(b) != 2 || self.double_stereo(b).is_some() {
                continue;
            }
            let (first, second) = self.frag.ends(b).unwrap_or((0, 0));
            if self.nbrs(first).len() == 1 || self.nbrs(second).len() == 1 {
                continue;
            }
            let mut candidates: Vec<usize> = self
                .nbrs(first)
                .map(|(_, x)| x)
                .filter(|&x| st.bond_count.at(x) != 0)
                .collect();
            if candidates.is_empty() {
                continue;
            }
            if st.atom_count.at(first) != 0 {
                candidates.clear();
            }
            let on_second: Vec<usize> = self
                .nbrs(second)
                .map(|(_, x)| x)
                .filter(|&x| st.bond_count.at(x) != 0)
                .collect();
            if on_second.is_empty() || st.atom_count.at(second) != 0 {
                continue;
            }
            candidates.extend(on_second);
            candidates.sort_by_key(|&x| bond_visit.at(x));
            for c in candidates {
                let (cb, ce) = self.frag.ends(c).unwrap_or((0, 0));
                let other = if cb == first || ce == first {
                    self.other(c, first)
                } else {
                    self.other(c, second)
                };
                if st.atom_count.at(other) == 2 {
                    st.bond_count.put(c, 0);
                    st.dir.put(c, DIR_NONE);
                    st.atom_count.put(other, st.atom_count.at(other) - 1);
                    break;
                }
            }
        }
    }

    /// RDKit's `removeRedundantBondDirSpecs` / `clearBondDirs`: of two marks
    /// on the same side of a stereo double bond, one goes.
    fn remove_redundant_dirs(&self, stack: &[Elem], st: &mut DirState) {
        for e in stack {
            let Elem::Bond(b, left) = *e else {
                continue;
            };
            if self.can_have_direction(b) && st.bond_count.at(b) != 0 {
                let right = self.other(b, left);
                for atom in [left, right] {
                    if st.atom_count.at(atom) < 2 || !self.has_stereo_double(atom, b) {
                        continue;
                    }
                    self.clear_bond_dirs(b, atom, st);
                }
            } else if st.dir.at(b) != DIR_NONE {
                st.dir.put(b, DIR_NONE);
            }
        }
    }

    fn clear_bond_dirs(&self, ref_bond: usize, from: usize, st: &mut DirState) {
        let clear = |st: &mut DirState, bond: usize| {
            st.bond_count.put(bond, st.bond_count.at(bond) - 1);
            if st.bond_count.at(bond) == 0 {
                st.dir.put(bond, DIR_NONE);
                st.atom_count.put(from, st.atom_count.at(from) - 1);
                let other = self.other(bond, from);
                if st.atom_count.at(other) != 0 {
                    st.atom_count.put(other, st.atom_count.at(other) - 1);
                }
            }
        };
        let ends = |b: usize| self.frag.ends(b).unwrap_or((0, 0));
        for (_, o) in self.nbrs(from) {
            if o == ref_bond || !self.can_have_direction(o) {
                continue;
            }
            let (ob, oe) = ends(o);
            let (rb, re) = ends(ref_bond);
            if st.bond_count.at(o) >= st.bond_count.at(ref_bond)
                && st.atom_count.at(ob) != 1
                && st.atom_count.at(oe) != 1
            {
                clear(st, o);
            } else if st.atom_count.at(rb) != 1 && st.atom_count.at(re) != 1 {
                clear(st, ref_bond);
            }
            break;
        }
    }

    fn atom_text(&self, out: &mut String, a: usize, tag: u8) {
        let atom = self.atom(a);
        let z = atom.atomic_num;
        // Most atoms: an element of one valence from the organic subset, with
        // nothing that brackets it (no charge, isotope, tag, map number,
        // radical, hydrogens given explicitly, metal in the molecule): its
        // hydrogens are the default ones (see `hs_are_the_default`), so the
        // bare symbol, and none of the checks below, is the answer.
        let plain = PLAIN_SYMBOLS.get(usize::from(z)).copied().unwrap_or([0; 3]);
        if (plain[0] != 0)
            & (tag == TAG_NONE)
            & !self.any_metal
            & (atom.explicit_hs == 0)
            & !atom.no_implicit
            & (atom.formal_charge == 0)
            & (atom.isotope == 0)
            & (atom.map_num == 0)
            & (atom.radical_electrons == 0)
        {
            let lower = !self.kekule && atom.aromatic;
            out.push(char::from(if lower { plain[2] } else { plain[0] }));
            if plain[1] != 0 {
                out.push(char::from(plain[1]));
            }
            return;
        }
        self.other_atom_text(out, a, tag);
    }

    /// [`Writer::atom_text`] for an atom that may be bracketed: out of line,
    /// so that the common bare atom does not pay for this path's registers.
    #[inline(never)]
    fn other_atom_text(&self, out: &mut String, a: usize, tag: u8) {
        use std::fmt::Write as _;
        let atom = self.atom(a);
        let z = atom.atomic_num;
        let chir = if !self.isomeric {
            ""
        } else if tag == TAG_CW {
            "@@"
        } else if tag == TAG_CCW {
            "@"
        } else {
            ""
        };
        let organic = z == 0 || shennong_mol::element::in_organic_subset(z);
        let total_hs = atom.total_hs();
        let g = self.global(a);
        // what brackets whatever the valence: a non-organic element, a charge,
        // an isotope or tag, a map number, radicals, an aromatic N/P with an
        // explicit H (RDKit's "non-standard valence" without the valence look)
        let forced = !organic
            || atom.formal_charge != 0
            || (self.isomeric && (atom.isotope != 0 || !chir.is_empty()))
            || atom.map_num != 0
            || atom.radical_electrons > 0
            || (matches!(z, 7 | 15) && atom.aromatic && atom.explicit_hs > 0);
        // Otherwise RDKit's other "non-standard valence" (hydrogens on an
        // atom whose valence is not the default), a metal neighbour, and a
        // bare atom that would not read back with its hydrogens (where our
        // molecule holds a count a reader would not restore, as a ring-bond
        // ':' between non-aromatic atoms kept as single) bracket it.
        let bracket = forced
            || (self.any_metal && bonded_to_metal(self.mol, g))
            || (!hs_are_the_default(atom) && {
                // (total valence, default hydrogens)
                let (total_valence, default_hs) = self.mol.total_valence_and_default_hs(g);
                (total_hs > 0 && total_valence != shennong_mol::element::default_valence(z))
                    || (z != 0 && default_hs != Some(total_hs))
            });
        let symbol = written_symbol(atom, !self.kekule);
        if bracket {
            out.push('[');
            if self.isomeric && atom.isotope != 0 {
                let _ = write!(out, "{}", atom.isotope);
            }
        }
        push_short(out, symbol);
        push_short(out, chir);
        if bracket {
            crate::writer::push_bracket_tail(out, total_hs, atom.formal_charge, atom.map_num);
        }
    }

    fn bond_text(&self, b: usize, left: usize, dir: u8) -> &'static str {
        let bond = self.bond(b);
        let slash = match (self.isomeric, dir) {
            (true, DIR_UP) => Some("/"),
            (true, DIR_DOWN) => Some("\\"),
            _ => None,
        };
        // whether both ends are written as aromatic atoms (looked up only
        // where the text depends on it)
        let aromatic_ends = || {
            let (l, r) = (self.atom(left), self.atom(self.other(b, left)));
            !self.kekule && l.aromatic && r.aromatic && (l.atomic_num != 0 || r.atomic_num != 0)
        };
        match bond.order {
            BondOrder::Aromatic => slash.unwrap_or_else(|| if aromatic_ends() { "" } else { ":" }),
            BondOrder::Single => slash.unwrap_or_else(|| {
                if !bond.aromatic && aromatic_ends() {
                    "-"
                } else {
                    ""
                }
            }),
            BondOrder::Double => {
                if !bond.aromatic || !aromatic_ends() {
                    "="
                } else {
                    ""
                }
            }
            BondOrder::Triple => "#",
            BondOrder::Quadruple => "$",
            BondOrder::Dative => {
                if self.frag.ends(b).is_some_and(|(x, _)| x == left) {
                    "->"
                } else {
                    "<-"
                }
            }
            BondOrder::Zero => "~",
        }
    }
}

/// Where [`Writer::build_stack`] puts the written sequence: a list of
/// elements (when tags and bond marks are worked out from it before the
/// text) or the text itself (when nothing is), which saves storing each
/// element and telling its kind apart again.
trait ElemSink {
    fn atom(&mut self, a: usize);
    fn bond(&mut self, b: usize, left: usize);
    fn ring(&mut self, idx: usize);
    fn open(&mut self);
    fn close(&mut self);
}

impl ElemSink for Vec<Elem> {
    fn atom(&mut self, a: usize) {
        self.push(Elem::Atom(a));
    }
    fn bond(&mut self, b: usize, left: usize) {
        self.push(Elem::Bond(b, left));
    }
    fn ring(&mut self, idx: usize) {
        self.push(Elem::Ring(idx));
    }
    fn open(&mut self) {
        self.push(Elem::Open);
    }
    fn close(&mut self) {
        self.push(Elem::Close);
    }
}

/// The SMILES text of a written sequence, element by element.
struct TextSink<'w, 'a> {
    writer: &'w Writer<'a>,
    tags: &'w [u8],
    dirs: &'w [u8],
    out: String,
    /// ring index -> digit, as RDKit's FragmentSmilesConstruct assigns them
    open: SmallVec<[(usize, usize); 8]>,
    to_erase: SmallVec<[usize; 8]>,
}

impl<'w, 'a> TextSink<'w, 'a> {
    fn new(writer: &'w Writer<'a>, tags: &'w [u8], dirs: &'w [u8], capacity: usize) -> Self {
        TextSink {
            writer,
            tags,
            dirs,
            out: String::with_capacity(capacity),
            open: SmallVec::new(),
            to_erase: SmallVec::new(),
        }
    }
}

impl TextSink<'_, '_> {
    /// The text of a stored sequence.
    fn replay(&mut self, stack: &[Elem]) {
        for &e in stack {
            match e {
                Elem::Atom(a) => self.atom(a),
                Elem::Bond(b, left) => self.bond(b, left),
                Elem::Ring(idx) => self.ring(idx),
                Elem::Open => self.open(),
                Elem::Close => self.close(),
            }
        }
    }
}

impl ElemSink for TextSink<'_, '_> {
    fn atom(&mut self, a: usize) {
        if !self.to_erase.is_empty() {
            let to_erase = &self.to_erase;
            self.open.retain(|(idx, _)| !to_erase.contains(idx));
            self.to_erase.clear();
        }
        self.writer.atom_text(&mut self.out, a, self.tags.at(a));
    }

    fn bond(&mut self, b: usize, left: usize) {
        push_short(
            &mut self.out,
            self.writer.bond_text(b, left, self.dirs.at(b)),
        );
    }

    fn ring(&mut self, idx: usize) {
        let digit = if let Some(&(_, d)) = self.open.iter().find(|(i, _)| *i == idx) {
            self.to_erase.push(idx);
            d
        } else {
            let d = (1..)
                .find(|d| !self.open.iter().any(|(_, x)| x == d))
                .unwrap_or(1);
            self.open.push((idx, d));
            d
        };
        push_ring_digit(&mut self.out, digit);
    }

    fn open(&mut self) {
        self.out.push('(');
    }

    fn close(&mut self) {
        self.out.push(')');
    }
}

/// Symbols of the organic-subset elements with a single allowed valence (B,
/// C, N, O, F, Cl, Br) as three bytes: the symbol's two (the second 0 for a
/// one-letter symbol) and the first as written for an aromatic atom
/// (unchanged for the halogens, which have no aromatic symbol). Zero for
/// every other element.
const PLAIN_SYMBOLS: [[u8; 3]; 36] = {
    let mut t = [[0u8; 3]; 36];
    t[5] = *b"B\0b";
    t[6] = *b"C\0c";
    t[7] = *b"N\0n";
    t[8] = *b"O\0o";
    t[9] = *b"F\0F";
    t[17] = *b"ClC";
    t[35] = *b"BrB";
    t
};

/// The lower-case symbol an aromatic atom of element `z` is written with,
/// or "" for an element written with its usual symbol.
fn aromatic_symbol(z: u8) -> &'static str {
    AROMATIC_SYMBOLS.get(usize::from(z)).copied().unwrap_or("")
}

/// The symbol both writers give `atom`: its lower-case aromatic symbol when
/// it is aromatic, the form is aromatic (`aromatic_form`: not Kekulé) and
/// its element has one, its element symbol otherwise. (A table read, where
/// a `match` on the element became a jump that mispredicts from one atom to
/// the next.)
pub(crate) fn written_symbol(atom: &shennong_mol::Atom, aromatic_form: bool) -> &'static str {
    let lower = if aromatic_form && atom.aromatic {
        aromatic_symbol(atom.atomic_num)
    } else {
        ""
    };
    if lower.is_empty() {
        atom.symbol()
    } else {
        lower
    }
}

/// Lower-case symbols of the elements written aromatic, by atomic number
/// ("" for the others).
const AROMATIC_SYMBOLS: [&str; 53] = {
    let mut t = [""; 53];
    t[5] = "b";
    t[6] = "c";
    t[7] = "n";
    t[8] = "o";
    t[14] = "si";
    t[15] = "p";
    t[16] = "s";
    t[33] = "as";
    t[34] = "se";
    t[52] = "te";
    t
};

/// Appends a short text (a symbol, a bond, a tag; mostly empty or one byte),
/// taking those two cases without the general copy, which costs a call to
/// `memcpy` per atom and bond.
#[inline]
fn push_short(out: &mut String, text: &str) {
    match *text.as_bytes() {
        [] => {}
        [a] => out.push(char::from(a)),
        _ => out.push_str(text),
    }
}

/// A ring-closure number as SMILES writes it: `1`…`9`, `%10`…`%99`, `%(100)`.
fn push_ring_digit(out: &mut String, digit: usize) {
    use std::fmt::Write as _;
    let ascii = |d: usize| char::from(b'0' + (d % 10) as u8);
    if digit < 10 {
        out.push(ascii(digit));
    } else if digit < 100 {
        out.push('%');
        out.push(ascii(digit / 10));
        out.push(ascii(digit));
    } else {
        let _ = write!(out, "%({digit})");
    }
}

/// One end of a double bond whose marks are (partly) set already, as RDKit's
/// `canonicalizeDoubleBond` takes it over: count the set marks, or derive the
/// first bond's mark from the second's. Returns the bond that controls the
/// other end's mark.
fn adopt_set_side(
    st: &mut DirState,
    atom: usize,
    (first, first_flipped): (usize, bool),
    second: Option<(usize, bool)>,
) -> usize {
    if st.bond_count.at(first) > 0 {
        st.bump(first, atom);
        if let Some((s, _)) = second {
            if st.bond_count.at(s) > 0 {
                st.bump(s, atom);
            }
        }
        first
    } else if let Some((s, s_flipped)) = second {
        st.set_from_neighbor(s, s_flipped, first, first_flipped);
        st.bond_count.put(s, st.bond_count.at(s) + 1);
        st.bond_count.put(first, st.bond_count.at(first) + 1);
        st.atom_count.put(atom, st.atom_count.at(atom) + 2);
        s
    } else {
        first
    }
}

/// Whether an atom's hydrogens are the ones a reader restores from its
/// bare symbol, known without the valence look: perception gave an atom
/// that holds no explicit hydrogens and may take implicit ones exactly the
/// valence model's count (the "default hydrogens" of
/// [`Mol::total_valence_and_default_hs`]), and for an organic-subset
/// element with one allowed valence (B, C, N, O, F, Cl, Br; not I, P or S)
/// any such hydrogen brings the atom to that valence, its default. A dummy
/// takes no implicit hydrogens.
fn hs_are_the_default(atom: &shennong_mol::Atom) -> bool {
    let z = atom.atomic_num;
    atom.explicit_hs == 0
        && !atom.no_implicit
        && (z == 0
            || (shennong_mol::element::in_organic_subset(z)
                && shennong_mol::element::valences(z).len() == 1))
}

/// Whether atom `a` is bonded to a metal: RDKit's SMILES writer puts such an
/// atom in brackets (`[F][Pt]`), canonical or not.
pub(crate) fn bonded_to_metal(mol: &Mol, a: shennong_mol::AtomIdx) -> bool {
    mol.neighbors(a)
        .iter()
        .any(|&(x, _)| is_metal(mol.atom(x).atomic_num))
}

/// RDKit's metal test (`QueryOps::isMetal`): anything but the non-metals
/// (0, the dummy atom, counts as one). By table: it runs over every atom of
/// every molecule written, and the `match` compiled to a chain of range
/// tests.
fn is_metal(z: u8) -> bool {
    METALS.get(usize::from(z)).copied().unwrap_or(true)
}

const fn metal_by_list(z: u8) -> bool {
    !matches!(
        z,
        0 | 1
            | 2
            | 5
            | 6
            | 7
            | 8
            | 9
            | 10
            | 14
            | 15
            | 16
            | 17
            | 18
            | 33
            | 34
            | 35
            | 36
            | 52
            | 53
            | 54
            | 85
            | 86
    )
}

/// [`metal_by_list`] for every byte.
#[allow(clippy::indexing_slicing)] // `z` runs over the table's own length
const METALS: [bool; 256] = {
    let mut table = [false; 256];
    let mut z = 0;
    while z < table.len() {
        table[z] = metal_by_list(z as u8);
        z += 1;
    }
    table
};

struct DirState {
    dir: Vec<u8>,
    bond_count: Vec<i32>,
    atom_count: Vec<i32>,
}

impl DirState {
    fn bump(&mut self, bond: usize, atom: usize) {
        self.bond_count.put(bond, self.bond_count.at(bond) + 1);
        self.atom_count.put(atom, self.atom_count.at(atom) + 1);
    }

    /// One end of a double bond whose both ends carry marks already (RDKit's
    /// `dir1Set && dir2Set` case): an unset second mark is derived from the
    /// other, the marks are counted, and whether the two marks on this end
    /// agree is returned.
    fn reconcile_side(
        &mut self,
        atom: usize,
        (first, first_flipped): (usize, bool),
        second: Option<(usize, bool)>,
    ) -> bool {
        let mut consistent = true;
        if let Some((s, s_flipped)) = second {
            if self.bond_count.at(first) == 0 {
                self.set_from_neighbor(s, s_flipped, first, first_flipped);
            } else if self.bond_count.at(s) == 0 {
                self.set_from_neighbor(first, first_flipped, s, s_flipped);
            } else {
                consistent = self.same_side_compatible(first, s, first_flipped, s_flipped);
            }
            self.bump(s, atom);
        }
        self.bump(first, atom);
        consistent
    }

    /// RDKit's `setDirectionFromNeighboringBond`.
    fn set_from_neighbor(
        &mut self,
        source: usize,
        source_flipped: bool,
        target: usize,
        target_flipped: bool,
    ) {
        let mut d = self.dir.at(source);
        if source_flipped == target_flipped {
            d = flip(d);
        }
        self.dir.put(target, d);
    }

    /// RDKit's `sameSideDirsAreCompatible`.
    fn same_side_compatible(&self, first: usize, second: usize, ff: bool, sf: bool) -> bool {
        let should_match = ff != sf;
        (self.dir.at(first) == self.dir.at(second)) == should_match
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The metal table says what RDKit's list of non-metals says, for
    /// every byte.
    #[test]
    fn metal_table_matches_rdkits_non_metal_list() {
        let non_metals = [
            0u8, 1, 2, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 33, 34, 35, 36, 52, 53, 54, 85, 86,
        ];
        for z in 0..=u8::MAX {
            assert_eq!(is_metal(z), !non_metals.contains(&z), "element {z}");
        }
    }

    /// `hs_are_the_default` stands in for the valence look in `atom_text`:
    /// wherever it holds, the look finds the default valence and the
    /// default hydrogen count.
    #[test]
    fn plain_symbols_are_the_single_valence_organic_elements() {
        for z in 0..=118u8 {
            let plain = PLAIN_SYMBOLS.get(usize::from(z)).copied().unwrap_or([0; 3]);
            let single = z != 0
                && shennong_mol::element::in_organic_subset(z)
                && shennong_mol::element::valences(z).len() == 1;
            assert_eq!(plain[0] != 0, single, "element {z}");
            if single {
                let symbol = shennong_mol::element::symbol(z).as_bytes();
                assert_eq!(&plain[..symbol.len()], symbol, "element {z}");
                let aromatic = aromatic_symbol(z);
                let first = aromatic.as_bytes().first().copied().unwrap_or(symbol[0]);
                assert_eq!(plain[2], first, "element {z}");
            }
        }
    }

    #[test]
    fn atoms_with_default_hs_need_no_valence_look() {
        let inputs = [
            "CCO",
            "c1ccccc1O",
            "c1cc[nH]c1",
            "O=S(=O)(N)c1ccc(Cl)cc1",
            "CP(C)(C)=O",
            "C[N+](C)(C)C.[Cl-]",
            "B1OC(C)C(O1)C",
            "FC(F)(F)Br.IC#N",
            "*c1ccccc1*",
            "C=[N+]=[N-]",
            "[CH3]C[CH2]",
            "OC(=O)[C@@H](N)Cc1c[nH]c2ccccc12",
            "c1ccc2c(c1)oc1ccccc12",
            "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
            "CC(=O)O[Na]",
            "[2H]C([2H])([2H])O",
            "O=I",
            "II*",
            "ClC(Br)F",
            "CP(C)C",
            "CS(C)(=O)=O",
        ];
        let mut checked = 0;
        for smiles in inputs {
            let mol = crate::parse(smiles).unwrap();
            for (i, atom) in mol.atoms().iter().enumerate() {
                if !hs_are_the_default(atom) {
                    continue;
                }
                let a = shennong_mol::AtomIdx(i as u32);
                let (total_valence, default_hs) = mol.total_valence_and_default_hs(a);
                assert_eq!(default_hs, Some(atom.total_hs()), "{smiles} atom {i}");
                if atom.total_hs() > 0 {
                    let default_valence = shennong_mol::element::default_valence(atom.atomic_num);
                    assert_eq!(total_valence, default_valence, "{smiles} atom {i}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100);
    }
}
