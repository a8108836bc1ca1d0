//! Ring perception: smallest set of smallest rings (a minimum cycle basis)
//! symmetrised with the other relevant rings of the same sizes, as RDKit's
//! `symmetrizeSSSR` keeps after sanitisation.
//!
//! Candidates follow Vismara's construction ("Union of all the minimum cycle
//! bases of a graph", Electron. J. Combin. 4, 1997): for every root vertex,
//! odd cycles closed by one edge and even cycles closed by a vertex with two
//! shortest-path predecessors. A cycle is *relevant* when it is not a GF(2)
//! sum of strictly shorter cycles; the SSSR is chosen greedily by size.

use crate::mol::Neighbors;
use crate::mol::{AtomIdx, BondIdx};
use crate::slots::Slots;
use std::cell::Cell;

/// One atom's (local neighbour, local bond) list within a ring system: on
/// the stack for the usual four or fewer (one allocation per atom cost
/// more than the search on small systems).
type LocalNeighbors = smallvec::SmallVec<[(usize, usize); 4]>;

/// Ring membership of atoms and bonds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RingInfo {
    /// Every ring's atoms in ring order, ring after ring.
    ring_atoms: Vec<AtomIdx>,
    /// Every ring's bonds, ring after ring.
    ring_bonds: Vec<BondIdx>,
    /// Where each ring ends, in `ring_atoms` and in `ring_bonds` alike (a
    /// ring has as many bonds as atoms).
    ends: Vec<u32>,
    /// Per atom, then per bond (from `num_atoms` on): how many rings hold
    /// it and the smallest of their sizes (0 if none). One vector, one
    /// allocation per molecule.
    tally: Vec<(u16, u16)>,
    /// Where the bonds start in `tally`.
    num_atoms: usize,
    num_sssr: usize,
    /// Indices of the rings that symmetrisation added beyond the SSSR (in
    /// increasing order; empty for nearly every molecule).
    extra_rings: Vec<u32>,
    /// Whether the graph the rings were perceived on is one connected piece
    /// (its depth-first search needed one root).
    connected: bool,
}

/// The rings of a [`RingInfo`] as atom or bond lists: a view that indexes
/// and iterates like a slice of lists, without one allocation per ring.
#[derive(Debug, Clone, Copy)]
pub struct RingList<'a, T> {
    items: &'a [T],
    ends: &'a [u32],
}

impl<'a, T> RingList<'a, T> {
    /// Number of rings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are no rings.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Ring `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&'a [T]> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(p) => *self.ends.get(p)? as usize,
            None => 0,
        };
        self.items.get(start..end)
    }

    /// The rings in order.
    pub fn iter(&self) -> RingIter<'a, T> {
        RingIter {
            items: self.items,
            ends: self.ends.iter(),
            start: 0,
        }
    }
}

impl<'a, T> IntoIterator for RingList<'a, T> {
    type Item = &'a [T];
    type IntoIter = RingIter<'a, T>;
    fn into_iter(self) -> RingIter<'a, T> {
        self.iter()
    }
}

/// Iterator over the rings of a [`RingList`].
#[derive(Debug, Clone)]
pub struct RingIter<'a, T> {
    items: &'a [T],
    ends: std::slice::Iter<'a, u32>,
    start: usize,
}

impl<'a, T> Iterator for RingIter<'a, T> {
    type Item = &'a [T];
    fn next(&mut self) -> Option<&'a [T]> {
        let end = *self.ends.next()? as usize;
        let ring = self.items.get(self.start..end).unwrap_or(&[]);
        self.start = end;
        Some(ring)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ends.size_hint()
    }
}

impl<T> ExactSizeIterator for RingIter<'_, T> {}

/// Upper bound on how many extra same-size rings symmetrisation adds per
/// ring system; beyond it (highly symmetric cages) only the SSSR is kept.
const MAX_EXTRA_RINGS: usize = 1024;

impl RingInfo {
    /// Rings as atom lists in ring order.
    pub fn atom_rings(&self) -> RingList<'_, AtomIdx> {
        RingList {
            items: &self.ring_atoms,
            ends: &self.ends,
        }
    }

    /// Rings as bond lists, parallel to [`RingInfo::atom_rings`].
    pub fn bond_rings(&self) -> RingList<'_, BondIdx> {
        RingList {
            items: &self.ring_bonds,
            ends: &self.ends,
        }
    }

    /// Number of rings (after symmetrisation).
    pub fn num_rings(&self) -> usize {
        self.ends.len()
    }

    /// Whether ring `i` (of [`RingInfo::atom_rings`]) belongs to the SSSR,
    /// rather than being one that symmetrisation added. RDKit kekulises
    /// before it symmetrises, so its Kekulé rules see only these.
    pub fn is_sssr_ring(&self, i: usize) -> bool {
        i < self.num_rings() && self.extra_rings.binary_search(&(i as u32)).is_err()
    }

    /// Whether the graph the rings were perceived on is connected (one
    /// atom or more, all reachable from each other). Sanitisation perceives
    /// rings without dative and zero-order bonds, so a molecule whose
    /// pieces only such bonds join reports `false`; `true` always means
    /// the whole molecule is connected.
    pub fn is_connected(&self) -> bool {
        self.connected
    }

    /// Size of the SSSR (the cyclomatic number), before symmetrisation.
    pub fn num_sssr(&self) -> usize {
        self.num_sssr
    }

    /// Starts loading the per-atom and per-bond ring counts into cache
    /// (see [`crate::Mol::prefetch`]).
    pub(crate) fn prefetch(&self) {
        crate::prefetch::prefetch_slice(&self.tally);
    }

    /// How many rings contain each atom, in atom order: what
    /// [`RingInfo::num_atom_rings`] gives for every atom, read in one pass.
    pub fn atom_ring_counts(&self) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.tally
            .get(..self.num_atoms)
            .unwrap_or(&[])
            .iter()
            .map(|t| usize::from(t.0))
    }

    /// Whether each bond is in a ring, in bond order: what
    /// [`RingInfo::is_ring_bond`] gives for every bond, read in one pass.
    pub fn bond_ring_flags(&self) -> impl ExactSizeIterator<Item = bool> + '_ {
        self.tally
            .get(self.num_atoms..)
            .unwrap_or(&[])
            .iter()
            .map(|t| t.0 > 0)
    }

    /// How many rings contain the atom.
    pub fn num_atom_rings(&self, a: AtomIdx) -> usize {
        usize::from(self.atom_tally(a).0)
    }

    /// How many rings contain the bond.
    pub fn num_bond_rings(&self, b: BondIdx) -> usize {
        usize::from(self.bond_tally(b).0)
    }

    /// Whether the atom is in any ring.
    pub fn is_ring_atom(&self, a: AtomIdx) -> bool {
        self.num_atom_rings(a) > 0
    }

    /// Whether the bond is in any ring.
    pub fn is_ring_bond(&self, b: BondIdx) -> bool {
        self.num_bond_rings(b) > 0
    }

    /// Whether the atom is in a ring of exactly `size` atoms.
    pub fn is_atom_in_ring_of_size(&self, a: AtomIdx, size: usize) -> bool {
        self.atom_rings()
            .iter()
            .any(|r| r.len() == size && r.contains(&a))
    }

    /// Smallest ring containing the bond (0 if none).
    pub fn min_bond_ring_size(&self, b: BondIdx) -> usize {
        usize::from(self.bond_tally(b).1)
    }

    /// Smallest ring containing the atom (0 if none).
    pub fn min_atom_ring_size(&self, a: AtomIdx) -> usize {
        usize::from(self.atom_tally(a).1)
    }

    fn atom_tally(&self, a: AtomIdx) -> (u16, u16) {
        if a.index() >= self.num_atoms {
            return (0, 0);
        }
        self.tally.at(a.index())
    }

    fn bond_tally(&self, b: BondIdx) -> (u16, u16) {
        self.tally.at(self.num_atoms.saturating_add(b.index()))
    }

    /// Perceives rings of a graph given as adjacency lists and bond endpoints.
    pub fn perceive(adjacency: &[Neighbors], bond_ends: &[(AtomIdx, AtomIdx)]) -> RingInfo {
        RingInfo::perceive_with(adjacency, bond_ends.len(), || bond_ends.to_vec())
    }

    /// [`RingInfo::perceive`] for a graph of `m` bonds whose endpoints
    /// `bond_ends` lists on demand: only fused systems need them, and most
    /// molecules have none, so most perceptions never build the list.
    pub(crate) fn perceive_with(
        adjacency: &[Neighbors],
        m: usize,
        bond_ends: impl Fn() -> Vec<(AtomIdx, AtomIdx)>,
    ) -> RingInfo {
        let n = adjacency.len();
        // built by the first fused system
        let mut ends_list: Option<Vec<(AtomIdx, AtomIdx)>> = None;
        let mut info = RingInfo {
            tally: vec![(0, 0); n + m],
            num_atoms: n,
            ..RingInfo::default()
        };
        let mut scratch = RING_SCRATCH.with(Cell::take);
        ring_systems(adjacency, m, &mut scratch);
        let RingScratch { systems, marks, .. } = &mut scratch;
        info.connected = systems.components == 1;
        // two marks per bond in one buffer: which ring (numbered from 1)
        // last marked it, for walking that ring, and which fused system
        // (numbered from 1) holds it
        marks.clear();
        marks.resize(2 * m, 0);
        let (ring_mark, system_mark) = marks.split_at_mut(m);
        // every ring bond is in at least one ring; fused systems add more
        info.ring_atoms = Vec::with_capacity(systems.bonds.len() + 8);
        info.ring_bonds = Vec::with_capacity(systems.bonds.len() + 8);
        info.ends = Vec::with_capacity(2 * systems.ends.len());
        for (id, (system, atoms)) in systems.iter().enumerate() {
            // A system with as many bonds as atoms is one simple ring, the
            // most common system of all: it is its own SSSR, and the search
            // handed over its atoms in cyclic order.
            if atoms.len() == system.len() {
                info.num_sssr += 1;
                info.add_cycle(atoms, system);
                continue;
            }
            let system_number = id as u32 + 1;
            for b in system {
                system_mark.put(b.index(), system_number);
            }
            let in_system = |b: BondIdx| system_mark.at(b.index()) == system_number;
            // two fused rings, the commonest fused system: their atoms come
            // in cyclic order from the three paths, no walk needed
            let mut emitted = 0;
            let theta = theta_rings(adjacency, atoms, system, in_system, |u, paths, bonds| {
                if emitted >= 2 {
                    info.mark_next_extra();
                }
                info.add_theta_ring(u, paths, bonds);
                emitted += 1;
            });
            if theta {
                info.num_sssr += 2;
                continue;
            }
            let bond_ends = ends_list.get_or_insert_with(&bond_ends).as_slice();
            let (sssr, extra) = rings_of_system(adjacency, bond_ends, atoms, system);
            info.num_sssr += sssr.len();
            for (k, bonds) in sssr.iter().chain(&extra).enumerate() {
                if k >= sssr.len() {
                    info.mark_next_extra();
                }
                info.add_ring(adjacency, bond_ends, bonds, ring_mark);
            }
        }
        RING_SCRATCH.with(|cell| cell.set(scratch));
        info
    }

    /// Records that the next ring added is an extra (symmetrised) ring,
    /// not one of the SSSR.
    fn mark_next_extra(&mut self) {
        self.extra_rings.push(self.ends.len() as u32);
    }

    /// Appends one ring (`bonds`, sorted) with its atoms in ring order and
    /// counts it in the per-atom and per-bond tallies. `ring_mark` holds, per
    /// bond, the number (from 1, in the order rings are added) of the last
    /// ring that marked it.
    fn add_ring(
        &mut self,
        adjacency: &[Neighbors],
        bond_ends: &[(AtomIdx, AtomIdx)],
        bonds: &[BondIdx],
        ring_mark: &mut [u32],
    ) {
        let ring_number = self.ends.len() as u32 + 1;
        for b in bonds {
            ring_mark.put(b.index(), ring_number);
        }
        let in_ring = |b: BondIdx| ring_mark.at(b.index()) == ring_number;
        order_ring(adjacency, bonds, bond_ends, in_ring, &mut self.ring_atoms);
        self.ring_bonds.extend_from_slice(bonds);
        self.record_ring();
    }

    /// [`RingInfo::add_ring`] for a ring whose atoms `cycle` are known in
    /// cyclic order (either direction, from any atom): written from its
    /// smallest atom towards the smaller of that atom's two neighbours, as
    /// [`order_ring`] walks a ring.
    fn add_cycle(&mut self, cycle: &[AtomIdx], bonds: &[BondIdx]) {
        let Some((start, forward)) = cycle_start(cycle) else {
            return;
        };
        // the cycle from its smallest atom is `tail` then `head`, and
        // backwards the smallest atom then `head` and `tail` reversed
        let (head, tail) = cycle.split_at(start);
        if forward {
            self.ring_atoms.extend_from_slice(tail);
            self.ring_atoms.extend_from_slice(head);
        } else if let Some((&smallest, rest)) = tail.split_first() {
            self.ring_atoms.push(smallest);
            self.ring_atoms.extend(head.iter().rev());
            self.ring_atoms.extend(rest.iter().rev());
        }
        self.ring_bonds.extend_from_slice(bonds);
        self.record_ring();
    }

    /// [`RingInfo::add_cycle`] for a ring of two fused rings (see
    /// [`theta_rings`]): the branch atom `u`, the atoms of one path to the
    /// other branch atom, then those of a second path back towards `u`
    /// (`back`, in path order from `u`; the other branch atom left out),
    /// with the two paths' bonds. Written straight into the ring lists and
    /// turned there into [`RingInfo::add_cycle`]'s order.
    fn add_theta_ring(
        &mut self,
        u: AtomIdx,
        (path, back): (&[AtomIdx], &[AtomIdx]),
        (path_bonds, back_bonds): (&[BondIdx], &[BondIdx]),
    ) {
        let first = self.ring_atoms.len();
        self.ring_atoms.push(u);
        self.ring_atoms.extend_from_slice(path);
        self.ring_atoms.extend(back.iter().rev());
        if let Some(cycle) = self.ring_atoms.get_mut(first..) {
            if let Some((start, forward)) = cycle_start(cycle) {
                cycle.rotate_left(start);
                if !forward {
                    if let Some(rest) = cycle.get_mut(1..) {
                        rest.reverse();
                    }
                }
            }
        }
        self.ring_bonds.extend_from_slice(path_bonds);
        self.ring_bonds.extend_from_slice(back_bonds);
        if let Some(bonds) = self.ring_bonds.get_mut(first..) {
            bonds.sort_unstable();
        }
        self.record_ring();
    }

    /// Counts the ring whose atoms and bonds were just appended (from the
    /// end of the last ring on, as many of each) in the per-atom and
    /// per-bond tallies, and closes it in the ring lists.
    fn record_ring(&mut self) {
        let first = self.ends.last().map_or(0, |&e| e as usize);
        let atoms = self.ring_atoms.get(first..).unwrap_or(&[]);
        let bonds = self.ring_bonds.get(first..).unwrap_or(&[]);
        let size = u16::try_from(atoms.len()).unwrap_or(u16::MAX);
        let count = |tally: &mut [(u16, u16)], i: usize| {
            if let Some((c, m)) = tally.get_mut(i) {
                *c = c.saturating_add(1);
                if *m == 0 || size < *m {
                    *m = size;
                }
            }
        };
        let split = self.num_atoms.min(self.tally.len());
        let (atom_tally, bond_tally) = self.tally.split_at_mut(split);
        for a in atoms {
            count(atom_tally, a.index());
        }
        for b in bonds {
            count(bond_tally, b.index());
        }
        self.ends.push(self.ring_atoms.len() as u32);
    }
}

/// Where [`order_ring`]'s walk would start a ring given as its atoms in
/// cyclic order (either direction, from any atom): the position of its
/// smallest atom, and whether the walk goes the way the list does (towards
/// the smaller of that atom's two neighbours). Shared by
/// [`RingInfo::add_cycle`], which copies the ring in that order, and
/// [`RingInfo::add_theta_ring`], which turns it in place.
fn cycle_start(cycle: &[AtomIdx]) -> Option<(usize, bool)> {
    let (start, _) = cycle.iter().enumerate().min_by_key(|&(_, a)| *a)?;
    let after = cycle.get(start + 1).or(cycle.first());
    let before = start
        .checked_sub(1)
        .and_then(|p| cycle.get(p))
        .or(cycle.last());
    Some((start, after < before))
}

/// The representative of ring `k` in the union-find forest `root` (each
/// entry points to a smaller or equal index).
pub(crate) fn find_root(root: &[usize], k: usize) -> usize {
    let mut r = k;
    while let Some(&up) = root.get(r) {
        if up == r {
            break;
        }
        r = up;
    }
    r
}

/// Which bonds lie on a cycle, without finding the rings: exactly the bonds
/// of the ring systems (biconnected components with more than one bond;
/// every other bond is a bridge), so this equals
/// [`RingInfo::is_ring_bond`] of the full perception. One depth-first pass;
/// what the substructure matcher needs for `x`, `R` without a count and
/// ring closures, at a fraction of the cost of the SSSR.
pub(crate) fn ring_bond_flags(adjacency: &[Neighbors], num_bonds: usize) -> Vec<bool> {
    let mut flags = vec![false; num_bonds];
    let mut scratch = RING_SCRATCH.with(Cell::take);
    ring_systems(adjacency, num_bonds, &mut scratch);
    for b in &scratch.systems.bonds {
        if let Some(f) = flags.get_mut(b.index()) {
            *f = true;
        }
    }
    RING_SCRATCH.with(|cell| cell.set(scratch));
    flags
}

/// Bonds of every ring system (biconnected component with a cycle), as one
/// list: system `k` is `bonds[from..to]` with `to` the first entry of
/// `ends[k]` and `from` that of `ends[k - 1]` (0 for the first), each
/// sorted, systems in the order the depth-first search closes them (RDKit's
/// ring order). The second entry of `ends[k]` is where the system's atoms
/// end in `atoms`, which holds each system's atoms: in cyclic order for a
/// simple cycle, in the search's order otherwise.
#[derive(Default)]
struct RingSystems {
    bonds: Vec<BondIdx>,
    ends: Vec<(usize, usize)>,
    atoms: Vec<AtomIdx>,
    /// Connected components of the graph (roots of the search).
    components: usize,
}

impl RingSystems {
    /// Each system's bonds and atoms (as many as its bonds exactly for a
    /// simple cycle, and then in cyclic order).
    fn iter(&self) -> impl Iterator<Item = (&[BondIdx], &[AtomIdx])> {
        let starts = std::iter::once((0, 0)).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|((from, atoms_from), &(to, atoms_to))| {
                (
                    self.bonds.get(from..to).unwrap_or(&[]),
                    self.atoms.get(atoms_from..atoms_to).unwrap_or(&[]),
                )
            })
    }
}

/// Buffers ring perception reuses from one molecule to the next: parsing
/// perceives the rings of millions of small molecules, and a handful of
/// fresh vectors for each cost more than the search itself. Taken out of
/// [`RING_SCRATCH`] for one perception and put back after it (a nested
/// perception would start with empty buffers).
#[derive(Default)]
struct RingScratch {
    /// (discovery time, low point) of each atom; time 0: not yet discovered.
    times: Vec<(u32, u32)>,
    /// Bonds of the components not yet closed, each with the atom it leads
    /// to when it is a tree bond of the search (`u32::MAX` for a back edge).
    edge_stack: Vec<(BondIdx, u32)>,
    frames: Vec<Frame>,
    systems: RingSystems,
    /// Per-bond marks of [`RingInfo::perceive`].
    marks: Vec<u32>,
}

thread_local! {
    static RING_SCRATCH: Cell<RingScratch> = Cell::new(RingScratch::default());
}

/// One atom on the depth-first stack of [`ring_systems`].
struct Frame {
    atom: u32,
    /// The tree bond that reached it (`u32::MAX` for a root).
    parent_bond: u32,
    /// Next position in its adjacency list.
    next: u32,
    /// Height of the edge stack below its parent bond: where its component starts.
    height: u32,
}

/// Ring systems by Hopcroft and Tarjan's biconnected components ("Efficient
/// algorithms for graph manipulation", CACM 16, 1973), iterative, over
/// edges, into `scratch.systems`. A component's search tree spans its atoms,
/// so its atom count is its tree bonds plus one.
fn ring_systems(adjacency: &[Neighbors], num_bonds: usize, scratch: &mut RingScratch) {
    let n = adjacency.len();
    let RingScratch {
        times,
        edge_stack,
        frames: stack,
        systems,
        ..
    } = scratch;
    times.clear();
    times.resize(n, (0, 0));
    edge_stack.clear();
    edge_stack.reserve(num_bonds);
    stack.clear();
    stack.reserve(n);
    systems.bonds.clear();
    systems.bonds.reserve(num_bonds);
    systems.ends.clear();
    systems.atoms.clear();
    systems.components = 0;
    let lower = |times: &mut [(u32, u32)], a: usize, to: u32| {
        if let Some(t) = times.get_mut(a) {
            t.1 = t.1.min(to);
        }
    };
    let mut time = 0u32;
    for root in 0..n {
        if times.at(root).0 != 0 {
            continue;
        }
        systems.components += 1;
        time += 1;
        times.put(root, (time, time));
        // The atom being searched is held in locals; the stack holds its
        // ancestors, each with where to resume it.
        let mut cur = Frame {
            atom: root as u32,
            parent_bond: u32::MAX,
            next: 0,
            height: 0,
        };
        loop {
            let v = cur.atom as usize;
            let dv = times.at(v).0;
            let nbrs = adjacency.get(v).map_or(&[][..], |x| x.as_slice());
            let mut child = None;
            while let Some(&(w, b)) = nbrs.get(cur.next as usize) {
                cur.next += 1;
                if b.0 == cur.parent_bond {
                    continue;
                }
                let dw = times.at(w.index()).0;
                if dw == 0 {
                    // An atom with one bond closes no ring: marked found
                    // (after every time, so it never lowers one) without
                    // searching it. Skipping it changes no other atom's
                    // order, so the systems come in the same order.
                    if adjacency.get(w.index()).is_some_and(|x| x.len() == 1) {
                        times.put(w.index(), (u32::MAX, u32::MAX));
                        continue;
                    }
                    child = Some((w, b));
                    break;
                }
                if dw < dv {
                    // A back edge to an ancestor. Seen from the ancestor's
                    // side the same edge has the later discovery time at its
                    // far end, so each back edge is stacked once.
                    edge_stack.push((b, u32::MAX));
                    lower(times, v, dw);
                }
            }
            if let Some((w, b)) = child {
                let height = edge_stack.len() as u32;
                edge_stack.push((b, w.0));
                time += 1;
                times.put(w.index(), (time, time));
                stack.push(std::mem::replace(
                    &mut cur,
                    Frame {
                        atom: w.0,
                        parent_bond: b.0,
                        next: 0,
                        height,
                    },
                ));
                continue;
            }
            let height = cur.height as usize;
            let Some(parent) = stack.pop() else {
                break;
            };
            let u = parent.atom as usize;
            let lv = times.at(v).1;
            lower(times, u, lv);
            if lv >= times.at(u).0 {
                // u separates v's subtree: the component is the edge
                // stack from v's parent bond up
                if let Some(component) = edge_stack.get(height..) {
                    if component.len() > 1 {
                        let from = systems.bonds.len();
                        for &(b, _) in component {
                            systems.bonds.push(b);
                        }
                        if let Some(added) = systems.bonds.get_mut(from..) {
                            added.sort_unstable();
                        }
                        // The atoms are u and the atoms the tree bonds lead
                        // to. With one back edge the system is a simple
                        // cycle, whose tree bonds are stacked in path order
                        // from u (components searched in between were taken
                        // off), the back edge last: its atoms come in cyclic
                        // order.
                        systems.atoms.push(AtomIdx(u as u32));
                        systems.atoms.extend(
                            component
                                .iter()
                                .filter(|&&(_, child)| child != u32::MAX)
                                .map(|&(_, child)| AtomIdx(child)),
                        );
                        systems
                            .ends
                            .push((systems.bonds.len(), systems.atoms.len()));
                    }
                }
                edge_stack.truncate(height);
            }
            cur = parent;
        }
    }
}

/// A fixed-width bit set: `W` 64-bit words, copied by value (no allocation
/// per path or cycle, which dominates ring perception otherwise).
type Bits<const W: usize> = [u64; W];

fn bit_set<const W: usize>(bits: &mut Bits<W>, i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w ^= 1u64 << (i % 64);
    }
}

fn bit_get<const W: usize>(bits: &Bits<W>, i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| (w >> (i % 64)) & 1 == 1)
}

fn xor_into<const W: usize>(a: &mut Bits<W>, b: &Bits<W>) {
    for (x, y) in a.iter_mut().zip(b) {
        *x ^= y;
    }
}

/// Reduces `v` against a basis in echelon form (pivot → row); returns true if independent.
fn reduce<const W: usize>(basis: &[(usize, Bits<W>)], v: &mut Bits<W>) -> bool {
    for (pivot, row) in basis {
        if bit_get(v, *pivot) {
            xor_into(v, row);
        }
    }
    v.iter().any(|&w| w != 0)
}

fn first_bit<const W: usize>(v: &Bits<W>) -> Option<usize> {
    v.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

fn insert_basis<const W: usize>(basis: &mut Vec<(usize, Bits<W>)>, v: Bits<W>) {
    if let Some(p) = first_bit(&v) {
        // keep rows reduced at this pivot
        for (_, row) in basis.iter_mut() {
            if bit_get(row, p) {
                xor_into(row, &v);
            }
        }
        basis.push((p, v));
    }
}

/// Bound on shortest paths kept per vertex and on candidate cycles per ring
/// system, so that cages and huge fused systems stay tractable.
const MAX_PATHS: usize = 64;
const MAX_CANDIDATES: usize = 50_000;

/// A shortest path from a root: (edges, inner vertices) as bit sets.
type Path<const W: usize> = (Bits<W>, Bits<W>);

fn push_combinations<const W: usize>(
    pa: &[Path<W>],
    pb: &[Path<W>],
    closing: &[usize],
    len: usize,
    out: &mut Vec<(usize, Bits<W>)>,
) {
    for (ba, va) in pa {
        for (bb, vb) in pb {
            if va.iter().zip(vb).any(|(x, y)| x & y != 0) {
                continue;
            }
            let mut bits = *ba;
            for (x, y) in bits.iter_mut().zip(bb) {
                *x |= y;
            }
            for &c in closing {
                bit_set(&mut bits, c);
            }
            out.push((len, bits));
        }
    }
}

/// The SSSR and the extra symmetrised rings of a fused ring system, by a
/// bit-set width that fits its size.
fn rings_of_system(
    adjacency: &[Neighbors],
    bond_ends: &[(AtomIdx, AtomIdx)],
    atoms: &[AtomIdx],
    system: &[BondIdx],
) -> (Vec<Vec<BondIdx>>, Vec<Vec<BondIdx>>) {
    // an upper bound on the system's atoms is its bond count
    match system.len() {
        0..=64 => rings_of_system_w::<1>(adjacency, atoms, system),
        65..=256 => rings_of_system_w::<4>(adjacency, atoms, system),
        257..=1024 => rings_of_system_w::<16>(adjacency, atoms, system),
        1025..=4096 => rings_of_system_w::<64>(adjacency, atoms, system),
        _ => (fundamental_cycles(adjacency, bond_ends, system), Vec::new()),
    }
}

/// Two fused rings (a biconnected system with cyclomatic number 2 is a
/// "theta": three paths between two branch atoms). With path lengths
/// a <= b <= c the SSSR is {a+b, a+c}; b+c is also relevant exactly when a == b.
/// This is the most common fused system in drug-like molecules, so it skips
/// the general search. `atoms` are the system's atoms, `in_system` tells its
/// bonds. Each ring goes to `emit` (see [`RingInfo::add_theta_ring`]) as
/// the branch atom `u`, two paths' atoms and their bonds: the SSSR's two,
/// then the extra one if any. Returns false,
/// having emitted nothing, for a system that is not a theta. The paths and
/// rings live on the stack: two fused rings of a drug-like molecule never
/// spill, and this runs for most molecules with a fused system.
fn theta_rings(
    adjacency: &[Neighbors],
    atoms: &[AtomIdx],
    system: &[BondIdx],
    in_system: impl Fn(BondIdx) -> bool,
    mut emit: impl FnMut(AtomIdx, (&[AtomIdx], &[AtomIdx]), (&[BondIdx], &[BondIdx])),
) -> bool {
    if system.len() + 1 != atoms.len() + 2 {
        return false;
    }
    let sys_nbrs = |a: AtomIdx| {
        adjacency
            .get(a.index())
            .map_or(&[][..], |v| v.as_slice())
            .iter()
            .copied()
            .filter(|&(_, b)| in_system(b))
    };
    // the branch atoms (three system bonds), the smaller first
    let (mut u, mut v) = (None, None);
    for &a in atoms {
        if sys_nbrs(a).count() != 3 {
            continue;
        }
        if u.is_none() {
            u = Some(a);
        } else if v.is_none() {
            v = Some(a);
        } else {
            return false;
        }
    }
    let (Some(x), Some(y)) = (u, v) else {
        return false;
    };
    let (u, v) = (x.min(y), x.max(y));
    // the three paths from u to v, in u's neighbour order, one after
    // another: their bonds, and the atoms each bond leads to (v last)
    let mut path_bonds: smallvec::SmallVec<[BondIdx; 32]> = smallvec::SmallVec::new();
    let mut path_atoms: smallvec::SmallVec<[AtomIdx; 32]> = smallvec::SmallVec::new();
    let mut ends = [0usize; 3];
    for (k, (first, b0)) in sys_nbrs(u).enumerate() {
        path_bonds.push(b0);
        path_atoms.push(first);
        let (mut prev_bond, mut cur) = (b0, first);
        while cur != v {
            let Some(next) = sys_nbrs(cur).find(|&(_, b)| b != prev_bond) else {
                return false;
            };
            path_bonds.push(next.1);
            path_atoms.push(next.0);
            prev_bond = next.1;
            cur = next.0;
            if path_bonds.len() > system.len() {
                return false;
            }
        }
        let Some(end) = ends.get_mut(k) else {
            return false;
        };
        *end = path_bonds.len();
    }
    let span = |k: usize| {
        let from = if k == 0 {
            0
        } else {
            ends.get(k - 1).copied().unwrap_or(0)
        };
        from..ends.get(k).copied().unwrap_or(0)
    };
    // shortest first, ties in u's neighbour order
    let mut order = [0usize, 1, 2];
    order.sort_by_key(|&k| span(k).len());
    let [a, b, c] = order.map(span);
    // the ring of paths x and y: u, x's atoms to v, then y's back towards u
    // (its atoms but its last, v)
    let mut join = |x: &std::ops::Range<usize>, y: &std::ops::Range<usize>| {
        let back = y.start..y.end.saturating_sub(1);
        emit(
            u,
            (
                path_atoms.get(x.clone()).unwrap_or(&[]),
                path_atoms.get(back).unwrap_or(&[]),
            ),
            (
                path_bonds.get(x.clone()).unwrap_or(&[]),
                path_bonds.get(y.clone()).unwrap_or(&[]),
            ),
        );
    };
    join(&a, &b);
    join(&a, &c);
    if a.len() == b.len() {
        join(&b, &c);
    }
    true
}

/// For ring systems beyond 4,096 bonds (polymers, sheets): a fundamental
/// cycle basis from a BFS tree, correct in membership but not minimal.
fn fundamental_cycles(
    adjacency: &[Neighbors],
    bond_ends: &[(AtomIdx, AtomIdx)],
    system: &[BondIdx],
) -> Vec<Vec<BondIdx>> {
    let in_system = |b: BondIdx| system.binary_search(&b).is_ok();
    let n = adjacency.len();
    let mut parent: Vec<Option<(usize, BondIdx)>> = vec![None; n];
    let mut depth = vec![usize::MAX; n];
    let Some(root) = system
        .first()
        .and_then(|b| bond_ends.get(b.index()))
        .map(|e| e.0.index())
    else {
        return Vec::new();
    };
    let mut queue = std::collections::VecDeque::from([root]);
    if let Some(d) = depth.get_mut(root) {
        *d = 0;
    }
    let mut tree = std::collections::HashSet::new();
    while let Some(v) = queue.pop_front() {
        let dv = depth.get(v).copied().unwrap_or(0);
        for &(w, b) in adjacency.get(v).map_or(&[][..], |x| x.as_slice()) {
            if in_system(b) && depth.get(w.index()).copied() == Some(usize::MAX) {
                if let Some(d) = depth.get_mut(w.index()) {
                    *d = dv + 1;
                }
                if let Some(p) = parent.get_mut(w.index()) {
                    *p = Some((v, b));
                }
                tree.insert(b);
                queue.push_back(w.index());
            }
        }
    }
    let mut cycles = Vec::new();
    for &b in system {
        if tree.contains(&b) {
            continue;
        }
        let Some(&(x, y)) = bond_ends.get(b.index()) else {
            continue;
        };
        let (mut u, mut v) = (x.index(), y.index());
        let mut cyc = vec![b];
        while u != v {
            let (du, dv) = (
                depth.get(u).copied().unwrap_or(0),
                depth.get(v).copied().unwrap_or(0),
            );
            let step = |a: usize, cyc: &mut Vec<BondIdx>| match parent.get(a).copied().flatten() {
                Some((p, pb)) => {
                    cyc.push(pb);
                    p
                }
                None => a,
            };
            if du >= dv {
                let nu = step(u, &mut cyc);
                if nu == u {
                    break;
                }
                u = nu;
            } else {
                let nv = step(v, &mut cyc);
                if nv == v {
                    break;
                }
                v = nv;
            }
        }
        cyc.sort();
        cycles.push(cyc);
    }
    cycles
}

/// Vismara's candidate cycles from the roots `is_root` picks, each as
/// (length, bonds); and whether `MAX_PATHS` or `MAX_CANDIDATES` cut the
/// search short. `adj` is the system's local adjacency (atom, bond).
fn vismara_candidates<const W: usize>(
    adj: &[LocalNeighbors],
    is_root: impl Fn(usize) -> bool,
) -> (Vec<(usize, Bits<W>)>, bool) {
    let nv = adj.len();
    let mut candidates: Vec<(usize, Bits<W>)> = Vec::new();
    let mut dist = vec![u32::MAX; nv];
    let mut preds: Vec<LocalNeighbors> = vec![LocalNeighbors::new(); nv];
    let mut order: Vec<usize> = Vec::with_capacity(nv);
    let mut pool: Vec<Path<W>> = Vec::new();
    let mut span: Vec<(usize, usize)> = vec![(0, 0); nv];
    let mut preds_at: Vec<(usize, usize)> = Vec::new();
    let mut truncated = false;
    for r in (0..nv).filter(|&r| is_root(r)) {
        dist.iter_mut().for_each(|d| *d = u32::MAX);
        preds.iter_mut().for_each(|p| p.clear());
        order.clear();
        dist.put(r, 0);
        order.push(r);
        let mut head = 0;
        while let Some(&v) = order.get(head) {
            head += 1;
            let dv = dist.get(v).copied().unwrap_or(0);
            for &(w, b) in adj.get(v).map_or(&[][..], |x| x.as_slice()) {
                let dw = dist.get(w).copied().unwrap_or(0);
                if dw == u32::MAX {
                    dist.put(w, dv + 1);
                    order.push(w);
                }
                if dist.get(w).copied() == Some(dv + 1) {
                    if let Some(p) = preds.get_mut(w) {
                        p.push((v, b));
                    }
                }
            }
        }
        // all shortest paths from r to every vertex, in BFS order
        // (predecessors first): vertex v's are pool[span[v].0..span[v].1]
        pool.clear();
        span.iter_mut().for_each(|s| *s = (0, 0));
        for &v in &order {
            let list = preds.get(v).map_or(&[][..], |x| x.as_slice());
            let start = pool.len();
            if list.is_empty() {
                pool.push(([0u64; W], [0u64; W]));
            }
            for &(p, b) in list {
                let (from, to) = span.get(p).copied().unwrap_or((0, 0));
                for k in from..to {
                    if pool.len() - start >= MAX_PATHS {
                        truncated = true;
                        break;
                    }
                    let Some(&(mut bits, mut verts)) = pool.get(k) else {
                        break;
                    };
                    bit_set(&mut bits, b);
                    bit_set(&mut verts, v);
                    pool.push((bits, verts));
                }
            }
            if let Some(slot) = span.get_mut(v) {
                *slot = (start, pool.len());
            }
        }
        let paths_to = |v: usize| {
            let (from, to) = span.get(v).copied().unwrap_or((0, 0));
            pool.get(from..to).unwrap_or(&[])
        };
        for &y in &order {
            if candidates.len() > MAX_CANDIDATES {
                truncated = true;
                continue;
            }
            if y == r {
                continue;
            }
            let dy = dist.get(y).copied().unwrap_or(0);
            preds_at.clear();
            for &(x, b) in adj.get(y).map_or(&[][..], |v| v.as_slice()) {
                let dx = dist.get(x).copied().unwrap_or(u32::MAX);
                if dx == dy && x < y {
                    push_combinations(
                        paths_to(x),
                        paths_to(y),
                        &[b],
                        2 * dy as usize + 1,
                        &mut candidates,
                    );
                } else if dx.wrapping_add(1) == dy {
                    preds_at.push((x, b));
                }
            }
            for (i, &(x, bx)) in preds_at.iter().enumerate() {
                for &(z, bz) in preds_at.iter().skip(i + 1) {
                    push_combinations(
                        paths_to(x),
                        paths_to(z),
                        &[bx, bz],
                        2 * dy as usize,
                        &mut candidates,
                    );
                }
            }
        }
    }
    (candidates, truncated)
}

/// A feedback vertex set of a graph (every cycle passes through one of its
/// vertices), greedily: strip vertices of degree one or less, take the
/// remaining vertex of highest degree (the first on ties), and repeat until
/// nothing is left.
fn feedback_vertices(adj: &[LocalNeighbors]) -> Vec<bool> {
    let n = adj.len();
    let mut degree: Vec<usize> = adj.iter().map(|list| list.len()).collect();
    let mut gone = vec![false; n];
    let mut chosen = vec![false; n];
    let mut leaves: Vec<usize> = (0..n).filter(|&v| degree.get(v) <= Some(&1)).collect();
    let mut left = n;
    loop {
        // removing a vertex lowers its neighbours' degrees; strip those that
        // can no longer lie on a cycle
        while let Some(v) = leaves.pop() {
            if gone.get(v).copied().unwrap_or(true) {
                continue;
            }
            remove_vertex(adj, v, &mut gone, &mut degree, &mut leaves);
            left -= 1;
        }
        if left == 0 {
            break;
        }
        let pick = (0..n)
            .filter(|&v| !gone.get(v).copied().unwrap_or(true))
            .max_by_key(|&v| (degree.get(v).copied().unwrap_or(0), std::cmp::Reverse(v)));
        let Some(v) = pick else { break };
        if let Some(c) = chosen.get_mut(v) {
            *c = true;
        }
        remove_vertex(adj, v, &mut gone, &mut degree, &mut leaves);
        left -= 1;
    }
    chosen
}

/// Removes `v` for [`feedback_vertices`], queueing neighbours left with degree one or less.
fn remove_vertex(
    adj: &[LocalNeighbors],
    v: usize,
    gone: &mut [bool],
    degree: &mut [usize],
    leaves: &mut Vec<usize>,
) {
    if let Some(g) = gone.get_mut(v) {
        *g = true;
    }
    for &(w, _) in adj.get(v).map_or(&[][..], |x| x.as_slice()) {
        if gone.get(w).copied().unwrap_or(true) {
            continue;
        }
        if let Some(d) = degree.get_mut(w) {
            *d = d.saturating_sub(1);
            if *d <= 1 {
                leaves.push(w);
            }
        }
    }
}

/// Greedy selection by size from Vismara's candidates: the relevant cycles
/// (independent of all strictly shorter ones) that join the basis form the
/// SSSR, the other relevant cycles of those sizes are the extra rings.
#[allow(clippy::type_complexity)]
fn select_relevant<const W: usize>(
    mut candidates: Vec<(usize, Bits<W>)>,
    nullity: usize,
) -> (Vec<Bits<W>>, Vec<Bits<W>>) {
    candidates.sort();
    candidates.dedup();
    let mut basis: Vec<(usize, Bits<W>)> = Vec::new();
    let mut sssr: Vec<Bits<W>> = Vec::new();
    let mut extra: Vec<Bits<W>> = Vec::new();
    let mut i = 0;
    while i < candidates.len() && sssr.len() < nullity {
        let len = candidates.get(i).map_or(0, |c| c.0);
        let mut j = i;
        while candidates.get(j).is_some_and(|c| c.0 == len) {
            j += 1;
        }
        let shorter = basis.clone();
        let mut relevant_unused: Vec<Bits<W>> = Vec::new();
        for (_, cyc) in candidates.get(i..j).unwrap_or(&[]) {
            let mut v = *cyc;
            if !reduce(&shorter, &mut v) {
                continue;
            }
            let mut w = *cyc;
            if reduce(&basis, &mut w) && sssr.len() < nullity {
                insert_basis(&mut basis, w);
                sssr.push(*cyc);
            } else {
                relevant_unused.push(*cyc);
            }
        }
        if extra.len() + relevant_unused.len() <= MAX_EXTRA_RINGS {
            extra.extend(relevant_unused);
        }
        i = j;
    }
    (sssr, extra)
}

/// The local adjacency (local atom, local bond) of a ring system (its atoms
/// `system_atoms`, its bonds `system`): atoms numbered in index order,
/// bonds by their position in `system` (sorted).
fn local_adjacency(
    adjacency: &[Neighbors],
    system_atoms: &[AtomIdx],
    system: &[BondIdx],
) -> Vec<LocalNeighbors> {
    let mut atoms: Vec<usize> = system_atoms.iter().map(|a| a.index()).collect();
    atoms.sort_unstable();
    atoms.dedup();
    // Local numbers by global index, the atoms' then the bonds' (from `n`
    // on), in one buffer: a look-up per neighbour, not two binary searches.
    let n = adjacency.len();
    let bond_span = system.last().map_or(0, |b| b.index() + 1);
    let mut local_of = vec![u32::MAX; n + bond_span];
    for (li, &ga) in atoms.iter().enumerate() {
        local_of.put(ga, li as u32);
    }
    for (lb, b) in system.iter().enumerate() {
        local_of.put(n + b.index(), lb as u32);
    }
    let (atom_local, bond_local) = local_of.split_at(n.min(local_of.len()));
    let local = |table: &[u32], i: usize| {
        table
            .get(i)
            .copied()
            .filter(|&x| x != u32::MAX)
            .map(|x| x as usize)
    };
    // local adjacency
    let mut adj: Vec<LocalNeighbors> = vec![LocalNeighbors::new(); atoms.len()];
    for (li, &ga) in atoms.iter().enumerate() {
        for &(nb, b) in adjacency.get(ga).map_or(&[][..], |x| x.as_slice()) {
            let (ln, lb) = (local(atom_local, nb.index()), local(bond_local, b.index()));
            if let (Some(ln), Some(lb)) = (ln, lb) {
                if let Some(list) = adj.get_mut(li) {
                    list.push((ln, lb));
                }
            }
        }
    }
    adj
}

/// Returns (SSSR rings, extra relevant rings of the same sizes), each as sorted bond lists.
/// Systems with more than `64 * W` bonds keep only the part that fits (4,096 bonds).
fn rings_of_system_w<const W: usize>(
    adjacency: &[Neighbors],
    atoms: &[AtomIdx],
    system: &[BondIdx],
) -> (Vec<Vec<BondIdx>>, Vec<Vec<BondIdx>>) {
    let adj = local_adjacency(adjacency, atoms, system);
    let nv = adj.len();
    let ne = system.len();
    let nullity = ne + 1 - nv;
    if nullity == 1 {
        // a lone ring: the system is the ring
        return (vec![system.to_vec()], Vec::new());
    }
    // Candidate cycles: every cycle of every Vismara family, i.e. all
    // combinations of shortest paths (RDKit 2026.09 keeps all relevant
    // cycles, as RingDecomposerLib enumerates them). Every relevant cycle
    // is isometric (a shortcut between two of its vertices would split it
    // into two shorter cycles that sum to it), so it is two shortest paths
    // from each of its vertices (the property Vismara's enumeration rests
    // on): roots on every cycle (a feedback vertex set) find them all, and
    // the candidates the other roots would add are never relevant. If a
    // bound cuts the search short there, every vertex is a root, as before.
    let feedback = feedback_vertices(&adj);
    let (mut candidates, truncated) =
        vismara_candidates::<W>(&adj, |r| feedback.get(r).copied().unwrap_or(true));
    if truncated {
        candidates = vismara_candidates::<W>(&adj, |_| true).0;
    }
    let (sssr, extra) = select_relevant(candidates, nullity);
    let to_bonds = |bits: &Bits<W>| -> Vec<BondIdx> {
        (0..ne)
            .filter(|&k| bit_get(bits, k))
            .filter_map(|k| system.get(k).copied())
            .collect()
    };
    (
        sssr.iter().map(to_bonds).collect(),
        extra.iter().map(to_bonds).collect(),
    )
}

/// The atoms of a ring (`bonds`, sorted) in ring order, from its smallest
/// atom towards the smaller of that atom's two ring neighbours.
/// `in_ring` tells whether a bond is one of `bonds`.
fn order_ring(
    adjacency: &[Neighbors],
    bonds: &[BondIdx],
    bond_ends: &[(AtomIdx, AtomIdx)],
    in_ring: impl Fn(BondIdx) -> bool,
    out: &mut Vec<AtomIdx>,
) {
    let first = out.len();
    if walk_simple_ring(adjacency, bonds, bond_ends, in_ring, out).is_none() {
        out.truncate(first);
        order_ring_by_scan(bonds, bond_ends, out);
    }
}

/// [`order_ring`] for a simple cycle (every ring atom has exactly two ring
/// bonds), walking the adjacency lists and appending to `out`; `None`
/// (with `out` partly written) for anything else.
fn walk_simple_ring(
    adjacency: &[Neighbors],
    bonds: &[BondIdx],
    bond_ends: &[(AtomIdx, AtomIdx)],
    in_ring: impl Fn(BondIdx) -> bool,
    out: &mut Vec<AtomIdx>,
) -> Option<()> {
    let first = out.len();
    let start = bonds
        .iter()
        .filter_map(|b| bond_ends.get(b.index()))
        .flat_map(|&(a, b)| [a, b])
        .min()?;
    // the two ring bonds of atom `a`, or `None` if it has another number
    let ring_pair = |a: AtomIdx| -> Option<[(AtomIdx, BondIdx); 2]> {
        let mut found = adjacency
            .get(a.index())?
            .iter()
            .copied()
            .filter(|&(_, b)| in_ring(b));
        let pair = [found.next()?, found.next()?];
        found.next().is_none().then_some(pair)
    };
    let [first_pair, second_pair] = ring_pair(start)?;
    let (mut cur, mut via) = if first_pair.0 < second_pair.0 {
        first_pair
    } else {
        second_pair
    };
    out.push(start);
    while cur != start {
        if out.len() - first >= bonds.len() {
            return None;
        }
        out.push(cur);
        let [x, y] = ring_pair(cur)?;
        (cur, via) = if x.1 == via { y } else { x };
    }
    (out.len() - first == bonds.len()).then_some(())
}

/// [`order_ring`] for any bond set: from each atom, the unused bond to the
/// smallest atom, found by scanning all the ring's bonds.
fn order_ring_by_scan(bonds: &[BondIdx], bond_ends: &[(AtomIdx, AtomIdx)], out: &mut Vec<AtomIdx>) {
    let ends = |k: usize| bonds.get(k).and_then(|b| bond_ends.get(b.index())).copied();
    let Some(start) = (0..bonds.len())
        .filter_map(ends)
        .flat_map(|(a, b)| [a, b])
        .min()
    else {
        return;
    };
    out.push(start);
    let mut used = smallvec::SmallVec::<[bool; 32]>::from_elem(false, bonds.len());
    let mut cur = start;
    loop {
        // the unused bond from `cur` leading to the smaller atom first, for determinism
        let next = (0..bonds.len())
            .filter(|&k| !used.get(k).copied().unwrap_or(true))
            .filter_map(|k| {
                let (a, b) = ends(k)?;
                (a == cur || b == cur).then_some((if a == cur { b } else { a }, k))
            })
            .min();
        let Some((nxt, k)) = next else { break };
        if let Some(u) = used.get_mut(k) {
            *u = true;
        }
        if nxt == start {
            break;
        }
        out.push(nxt);
        cur = nxt;
    }
}

/// RDKit's `RingUtils::makeRingNeighborMap`: for each ring (as bonds), the
/// later and earlier rings it shares at least one bond with, in ring order.
/// `max_size` (0: any) leaves out larger rings; `max_overlap` (0: any) leaves
/// out pairs sharing more bonds. Aromaticity uses (24, 1), kekulisation (0, 0).
pub(crate) fn ring_neighbor_map(
    bond_rings: &[&[BondIdx]],
    max_size: usize,
    max_overlap: usize,
) -> Vec<Vec<usize>> {
    let nr = bond_rings.len();
    let fits = |r: &[BondIdx]| max_size == 0 || r.len() <= max_size;
    let mut neigh: Vec<Vec<usize>> = vec![Vec::new(); nr];
    for (i, ri) in bond_rings.iter().enumerate() {
        if !fits(ri) {
            continue;
        }
        for (j, rj) in bond_rings.iter().enumerate().skip(i + 1) {
            if !fits(rj) {
                continue;
            }
            let shared = ri.iter().filter(|b| rj.contains(b)).count();
            if shared > 0 && (max_overlap == 0 || shared <= max_overlap) {
                if let Some(l) = neigh.get_mut(i) {
                    l.push(j);
                }
                if let Some(l) = neigh.get_mut(j) {
                    l.push(i);
                }
            }
        }
    }
    neigh
}

/// RDKit's `RingUtils::pickFusedRings`: the rings reachable from `start`
/// through `neigh` (depth first, `start` first), marked in `done`, written
/// to `out` (cleared first; a buffer the caller reuses across systems).
pub(crate) fn pick_fused(
    start: usize,
    neigh: &[Vec<usize>],
    done: &mut [bool],
    out: &mut Vec<usize>,
) {
    out.clear();
    out.push(start);
    if let Some(d) = done.get_mut(start) {
        *d = true;
    }
    let mut stack: smallvec::SmallVec<[(usize, usize); 8]> = smallvec::smallvec![(start, 0)];
    while let Some(top) = stack.last_mut() {
        let (ring, next) = *top;
        let list = neigh.get(ring).map_or(&[][..], |v| v.as_slice());
        let Some(&nb) = list.get(next) else {
            stack.pop();
            continue;
        };
        top.1 += 1;
        if done.get(nb).copied().unwrap_or(true) {
            continue;
        }
        if let Some(d) = done.get_mut(nb) {
            *d = true;
        }
        out.push(nb);
        stack.push((nb, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adjacency lists and bond ends of a graph of `n` atoms, bonds numbered
    /// in `edges` order; atom numbers are taken modulo `n`, and self loops
    /// and repeated bonds are left out.
    fn adjacency(n: usize, edges: &[(u32, u32)]) -> (Vec<Neighbors>, Vec<(AtomIdx, AtomIdx)>) {
        let mut adj = vec![Neighbors::new(); n];
        let mut ends = Vec::new();
        for &(a, b) in edges {
            let (a, b) = (a as usize % n, b as usize % n);
            if a == b || adj[a].iter().any(|&(x, _)| x.index() == b) {
                continue;
            }
            let bond = BondIdx(ends.len() as u32);
            adj[a].push((AtomIdx(b as u32), bond));
            adj[b].push((AtomIdx(a as u32), bond));
            ends.push((AtomIdx(a as u32), AtomIdx(b as u32)));
        }
        (adj, ends)
    }

    #[test]
    fn connectivity_is_the_number_of_search_roots() {
        assert!(graph(1, &[]).is_connected());
        assert!(graph(3, &[(0, 1), (1, 2)]).is_connected());
        assert!(graph(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]).is_connected());
        assert!(!graph(2, &[]).is_connected());
        assert!(!graph(4, &[(0, 1), (2, 3)]).is_connected());
        assert!(!graph(0, &[]).is_connected());
    }

    /// The one-pass readers give what the per-atom and per-bond look-ups
    /// give: naphthalene with a methyl and a spiro cyclopropane.
    #[test]
    fn ring_counts_in_one_pass_equal_the_look_ups() {
        let mut edges = naphthalene();
        edges.extend([(9, 10), (2, 11), (11, 12), (12, 2)]);
        let info = graph(13, &edges);
        let counts: Vec<usize> = info.atom_ring_counts().collect();
        let looked_up: Vec<usize> = (0..13).map(|a| info.num_atom_rings(AtomIdx(a))).collect();
        assert_eq!(counts, looked_up);
        assert_eq!(counts[4], 2);
        assert_eq!(counts[10], 0);
        let flags: Vec<bool> = info.bond_ring_flags().collect();
        let looked_up: Vec<bool> = (0..edges.len() as u32)
            .map(|b| info.is_ring_bond(BondIdx(b)))
            .collect();
        assert_eq!(flags, looked_up);
        assert!(!flags[11]);
    }

    /// Perceives the rings of a graph, checking on the way that the bridge
    /// test marks exactly the ring bonds.
    fn graph(n: usize, edges: &[(u32, u32)]) -> RingInfo {
        let (adj, ends) = adjacency(n, edges);
        assert_eq!(
            ends.len(),
            edges.len(),
            "a self loop or repeated bond in {edges:?}"
        );
        let info = RingInfo::perceive(&adj, &ends);
        let perceived: Vec<bool> = (0..edges.len() as u32)
            .map(|b| info.is_ring_bond(BondIdx(b)))
            .collect();
        assert_eq!(ring_bond_flags(&adj, edges.len()), perceived, "{edges:?}");
        // each system's atoms, taken from its search-tree bonds, are the
        // distinct atoms its bonds touch
        let mut scratch = RingScratch::default();
        ring_systems(&adj, ends.len(), &mut scratch);
        for (system, listed) in scratch.systems.iter() {
            let mut atoms: Vec<AtomIdx> = system
                .iter()
                .flat_map(|b| [ends[b.index()].0, ends[b.index()].1])
                .collect();
            atoms.sort_unstable();
            atoms.dedup();
            let mut listed = listed.to_vec();
            listed.sort_unstable();
            assert_eq!(atoms, listed, "{system:?} of {edges:?}");
        }
        // every perceived ring is a simple cycle, which the adjacency walk
        // orders as the bond scan does
        for (atoms, bonds) in info.atom_rings().iter().zip(info.bond_rings()) {
            let in_ring = |b: BondIdx| bonds.binary_search(&b).is_ok();
            let mut walked = Vec::new();
            assert!(
                walk_simple_ring(&adj, bonds, &ends, in_ring, &mut walked).is_some(),
                "{bonds:?}"
            );
            let mut scanned = Vec::new();
            order_ring_by_scan(bonds, &ends, &mut scanned);
            assert_eq!(walked, scanned, "{bonds:?}");
            assert_eq!(walked.len(), bonds.len(), "{bonds:?}");
            // simple-cycle systems take their atoms from the search: in
            // the same order
            assert_eq!(atoms, &scanned[..], "{bonds:?} of {edges:?}");
        }
        info
    }

    #[test]
    fn bridge_test_on_chains_rings_and_links() {
        // two rings joined by a two-bond linker, a tail, a separate fragment
        let e = [
            (0, 1),
            (1, 2),
            (2, 0),
            (2, 3),
            (3, 4),
            (4, 5),
            (5, 6),
            (6, 7),
            (7, 4),
            (7, 8),
            (9, 10),
            (10, 11),
            (11, 9),
        ];
        let r = graph(12, &e);
        assert_eq!(r.num_rings(), 3);
        assert!(!r.is_ring_bond(BondIdx(3)));
        graph(1, &[]);
        graph(2, &[(0, 1)]);
    }

    #[test]
    fn naphthalene_has_two_rings() {
        let r = graph(10, &naphthalene());
        assert_eq!(r.num_rings(), 2);
        assert_eq!(r.num_atom_rings(AtomIdx(4)), 2);
    }

    /// Naphthalene's eleven bonds: the hexagon 0-5, and 4-6-7-8-9-5 fused
    /// to it on bond 4-5.
    fn naphthalene() -> Vec<(u32, u32)> {
        let mut edges: Vec<(u32, u32)> = (0..6).map(|k| (k, (k + 1) % 6)).collect();
        edges.extend([(4, 6), (6, 7), (7, 8), (8, 9), (9, 5)]);
        edges
    }

    /// Cubane's twelve bonds: two squares 0-3 and 4-7 joined atom to atom.
    const CUBANE: [(u32, u32); 12] = [
        (0, 1),
        (1, 2),
        (2, 3),
        (3, 0),
        (4, 5),
        (5, 6),
        (6, 7),
        (7, 4),
        (0, 4),
        (1, 5),
        (2, 6),
        (3, 7),
    ];

    #[test]
    fn cubane_is_symmetrised_to_six() {
        let r = graph(8, &CUBANE);
        assert_eq!(r.num_sssr(), 5);
        assert_eq!(r.num_rings(), 6);
    }

    #[test]
    fn bicyclo222_has_three_rings() {
        // bridgeheads 0 and 1, three bridges of two atoms
        let e = [
            (0, 2),
            (2, 3),
            (3, 1),
            (0, 4),
            (4, 5),
            (5, 1),
            (0, 6),
            (6, 7),
            (7, 1),
        ];
        let r = graph(8, &e);
        assert_eq!(r.num_sssr(), 2);
        assert_eq!(r.num_rings(), 3);
    }

    #[test]
    fn spiro_and_chain() {
        let e = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 2), (4, 5)];
        let r = graph(6, &e);
        assert_eq!(r.num_rings(), 2);
        assert_eq!(r.num_atom_rings(AtomIdx(2)), 2);
        assert!(!r.is_ring_atom(AtomIdx(5)));
    }

    /// Every system of a graph with `n` atoms: the rings chosen from
    /// feedback-vertex roots and from every vertex as root.
    #[allow(clippy::type_complexity)]
    fn both_root_choices(
        n: usize,
        edges: &[(u32, u32)],
    ) -> Vec<(Vec<Bits<1>>, Vec<Bits<1>>, Vec<Bits<1>>, Vec<Bits<1>>)> {
        let (adj, ends) = adjacency(n, edges);
        let mut scratch = RingScratch::default();
        ring_systems(&adj, ends.len(), &mut scratch);
        let mut out = Vec::new();
        for (system, atoms) in scratch.systems.iter().filter(|s| s.0.len() <= 64) {
            let local = local_adjacency(&adj, atoms, system);
            let nullity = system.len() + 1 - local.len();
            let feedback = feedback_vertices(&local);
            // every cycle passes through a chosen vertex: without them the
            // rest is a forest (no edge joins two atoms already joined)
            let mut root: Vec<usize> = (0..local.len()).collect();
            fn find(root: &[usize], mut v: usize) -> usize {
                while root[v] != v {
                    v = root[v];
                }
                v
            }
            for (v, list) in local.iter().enumerate() {
                for &(w, _) in list {
                    if v < w && !feedback[v] && !feedback[w] {
                        let (rv, rw) = (find(&root, v), find(&root, w));
                        assert_ne!(rv, rw, "feedback set leaves a cycle: {edges:?}");
                        root[rv] = rw;
                    }
                }
            }
            let (fs, fe) =
                select_relevant(vismara_candidates::<1>(&local, |r| feedback[r]).0, nullity);
            let (s, e) = select_relevant(vismara_candidates::<1>(&local, |_| true).0, nullity);
            out.push((fs, fe, s, e));
        }
        out
    }

    #[test]
    fn feedback_roots_find_the_rings_of_cages() {
        // cubane, adamantane, prismane, K4, K3,3, the Petersen graph
        let adamantane = [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 5),
            (5, 0),
            (1, 6),
            (6, 7),
            (7, 3),
            (7, 8),
            (8, 9),
            (9, 5),
        ];
        let prismane = [
            (0, 1),
            (1, 2),
            (2, 0),
            (3, 4),
            (4, 5),
            (5, 3),
            (0, 3),
            (1, 4),
            (2, 5),
        ];
        let k4 = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];
        let k33 = [
            (0, 3),
            (0, 4),
            (0, 5),
            (1, 3),
            (1, 4),
            (1, 5),
            (2, 3),
            (2, 4),
            (2, 5),
        ];
        let petersen = [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (4, 0),
            (0, 5),
            (1, 6),
            (2, 7),
            (3, 8),
            (4, 9),
            (5, 7),
            (7, 9),
            (9, 6),
            (6, 8),
            (8, 5),
        ];
        for (n, e) in [
            (8, &CUBANE[..]),
            (10, &adamantane[..]),
            (6, &prismane[..]),
            (4, &k4[..]),
            (6, &k33[..]),
            (10, &petersen[..]),
        ] {
            let systems = both_root_choices(n, e);
            assert_eq!(systems.len(), 1);
            for (fs, fe, s, x) in systems {
                assert_eq!((fs, fe), (s, x), "{e:?}");
            }
        }
    }

    /// Hopcroft and Tarjan's search written recursively, every atom
    /// searched (no leaf skipped): the reference [`ring_systems`] must equal,
    /// system for system and in the same order.
    fn reference_systems(adj: &[Neighbors]) -> Vec<Vec<BondIdx>> {
        struct Search<'a> {
            adj: &'a [Neighbors],
            disc: Vec<u32>,
            low: Vec<u32>,
            time: u32,
            edges: Vec<BondIdx>,
            out: Vec<Vec<BondIdx>>,
        }
        fn visit(s: &mut Search, v: usize, parent: Option<BondIdx>) {
            s.time += 1;
            s.disc[v] = s.time;
            s.low[v] = s.time;
            for &(w, b) in s.adj[v].iter() {
                let w = w.index();
                if Some(b) == parent {
                    continue;
                }
                if s.disc[w] == 0 {
                    let height = s.edges.len();
                    s.edges.push(b);
                    visit(s, w, Some(b));
                    s.low[v] = s.low[v].min(s.low[w]);
                    if s.low[w] >= s.disc[v] {
                        let mut component = s.edges.split_off(height);
                        if component.len() > 1 {
                            component.sort_unstable();
                            s.out.push(component);
                        }
                    }
                } else if s.disc[w] < s.disc[v] {
                    s.edges.push(b);
                    s.low[v] = s.low[v].min(s.disc[w]);
                }
            }
        }
        let n = adj.len();
        let mut s = Search {
            adj,
            disc: vec![0; n],
            low: vec![0; n],
            time: 0,
            edges: Vec::new(),
            out: Vec::new(),
        };
        for root in 0..n {
            if s.disc[root] == 0 {
                visit(&mut s, root, None);
            }
        }
        s.out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Ring perception on random graphs: the checks of [`graph`].
        #[test]
        fn rings_of_random_graphs(
            n in 1usize..20,
            edges in proptest::collection::vec((0u32..20, 0u32..20), 0..28),
        ) {
            // the bonds `adjacency` keeps (no self loop or repeat), as `graph` wants
            let (_, ends) = adjacency(n, &edges);
            let kept: Vec<(u32, u32)> = ends.iter().map(|&(a, b)| (a.0, b.0)).collect();
            graph(n, &kept);
        }

        /// The search that skips one-bond atoms finds the reference's systems
        /// in the reference's order (RDKit's ring order rests on it).
        #[test]
        fn ring_systems_equal_the_recursive_search(
            n in 1usize..24,
            edges in proptest::collection::vec((0u32..24, 0u32..24), 0..36),
        ) {
            let (adj, ends) = adjacency(n, &edges);
            let mut scratch = RingScratch::default();
            ring_systems(&adj, ends.len(), &mut scratch);
            let found: Vec<Vec<BondIdx>> =
                scratch.systems.iter().map(|(bonds, _)| bonds.to_vec()).collect();
            proptest::prop_assert_eq!(found, reference_systems(&adj));
        }
        /// Rooting Vismara's enumeration at a feedback vertex set chooses the
        /// same SSSR and extra rings as rooting it at every vertex.
        #[test]
        fn feedback_roots_choose_the_same_rings(
            n in 3usize..18,
            edges in proptest::collection::vec((0u32..18, 0u32..18), 0..30),
        ) {
            for (fs, fe, s, e) in both_root_choices(n, &edges) {
                proptest::prop_assert_eq!(fs, s);
                proptest::prop_assert_eq!(fe, e);
            }
        }
    }
}
