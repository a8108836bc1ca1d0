//! Perception in one explicit step, in RDKit's `SanitizeMol` order: clean-up
//! of hypervalent N/P/halogen oxides, valence checks and implicit hydrogens,
//! ring perception, kekulisation, radicals, aromaticity, conjugation and
//! hybridisation, chirality clean-up, then stereo perception.

use crate::aromaticity::{self, count_atom_elec, AtomState};
use crate::element::{outer_electrons, valences};
use crate::error::{MolError, Result};
use crate::kekulize::{kekulize_except, KekuleOutcome};
use crate::mol::{
    Atom, AtomIdx, Bond, BondDirection, BondIdx, BondOrder, BondStereo, Chirality, Mol, MolBuilder,
};
use crate::mol::{LazyRings, Neighbors};
use crate::rings::RingInfo;
use crate::stereo::{clean_stereo, Hybridization, StereoInputs};
use crate::valence::{checked_counts, explicit_valence, implicit_hs, implicit_hs_of, AtomEnv};
use std::cell::Cell;
use std::sync::OnceLock;

/// What `sanitize` does besides perception.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SanitizeOptions {
    /// Merge ordinary hydrogen atoms into their neighbours' H counts (as
    /// `MolFromSmiles` does). Isotopic, charged, bridging and stereo-defining
    /// hydrogens stay.
    pub remove_hydrogens: bool,
    /// Convert `N(=O)=O` and similar hypervalent forms to charge-separated ones.
    pub cleanup: bool,
    /// Remove stereo marks that do not describe stereo elements.
    pub clean_stereo: bool,
    /// How the hydrogen atoms that `remove_hydrogens` merges count on
    /// their neighbours.
    pub removed_hydrogens: RemovedHydrogens,
}

impl Default for SanitizeOptions {
    fn default() -> Self {
        SanitizeOptions {
            remove_hydrogens: true,
            cleanup: true,
            clean_stereo: true,
            removed_hydrogens: RemovedHydrogens::Counted,
        }
    }
}

/// How a merged hydrogen atom counts on its neighbour. The two differ only
/// where the neighbour's valence, hydrogens included, is more than its
/// element allows: `FC(Cl)([H])([H])[H]`, or an uncharged N with three
/// carbons and an H atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RemovedHydrogens {
    /// Each one is added to the neighbour's hydrogen count, and the valence
    /// check that follows rejects an over-full atom (RDKit's SMILES reading).
    #[default]
    Counted,
    /// As RDKit's molfile reader removes them (`removeHs` without
    /// `updateExplicitCount`): only a neighbour that needs its hydrogens
    /// said keeps the count (one with no implicit hydrogens, a stereo tag,
    /// an aromatic N or P, or a valence, hydrogens included, that is one of
    /// its element's allowed valences after the first). Any other
    /// recomputes its hydrogens from the valence model, so an over-full
    /// neighbour drops the extra ones instead of failing the record.
    CountedWhereNeeded,
}

/// Perceives a raw molecule; see [`SanitizeOptions`].
pub fn sanitize(mol: MolBuilder, options: &SanitizeOptions) -> Result<Mol> {
    perceive(mol, options, true)
}

/// [`sanitize`] without its shortcuts: every ring goes through the Kekulé
/// walk and the aromaticity model (no plain aromatic rings left as
/// written), stereo clean-up always ranks the atoms, and the hydrogens are
/// always recounted after perception. The reference that
/// tests compare the shortcuts with. Not for production use.
#[doc(hidden)]
pub fn sanitize_without_shortcuts(mol: MolBuilder, options: &SanitizeOptions) -> Result<Mol> {
    perceive(mol, options, false)
}

fn perceive(mut mol: MolBuilder, options: &SanitizeOptions, shortcuts: bool) -> Result<Mol> {
    let census = Census::of(&mol.atoms);
    // hydrogens go before `/` `\` marks are read, as in RDKit (their marks
    // move to other bonds or go with them)
    if options.remove_hydrogens && census.has(Census::HYDROGEN) {
        mol = remove_hydrogens(mol, options.removed_hydrogens);
    }
    stereo_from_directions(&mut mol);
    if options.cleanup {
        cleanup(&mut mol, census);
        if census.has(Census::METAL) {
            cleanup_organometallics(&mut mol);
        }
    }
    // Valence checks and implicit hydrogens on the input (possibly aromatic)
    // form, into a buffer reused from one molecule to the next (one
    // allocation per molecule less; a perception that fails leaves it out)
    let mut input_states = INPUT_STATES.with(Cell::take);
    let clamped = checked_input_states(&mut mol, &mut input_states)?;
    let perceived = perceive_checked(mol, options, shortcuts, census, &input_states, clamped);
    INPUT_STATES.with(|cell| cell.set(input_states));
    perceived
}

thread_local! {
    /// [`perceive`]'s input states, kept between molecules.
    static INPUT_STATES: Cell<Vec<InputState>> = const { Cell::new(Vec::new()) };
    /// [`perceive_checked`]'s plain-ring atom mask, kept between molecules.
    static PLAIN_MASK: Cell<Vec<bool>> = const { Cell::new(Vec::new()) };
}

/// [`perceive`] once the input check has given every atom its state
/// (`input_states`; `clamped`: some atom's count did not fit its `u8`).
fn perceive_checked(
    mut mol: MolBuilder,
    options: &SanitizeOptions,
    shortcuts: bool,
    census: Census,
    input_states: &[InputState],
    clamped: bool,
) -> Result<Mol> {
    let n = mol.num_atoms();
    let rings = perceive_rings(&mol.bonds, &mol.adjacency);
    // an aromatic atom outside every ring is refused, as by RDKit (`&`, not
    // `&&`: the flags follow the molecule, a branch on each would be
    // mispredicted)
    if let Some(i) = (0..n).find(|&i| {
        mol.atoms.get(i).is_some_and(|a| a.aromatic) & !rings.is_ring_atom(AtomIdx(i as u32))
    }) {
        return Err(MolError::AromaticOutsideRing { atom: i });
    }
    // atom index order, as RDKit's sanitisation kekulises (canonical=false);
    // plain ring systems (see `plain_aromatic_ring_atoms`) are left as
    // written, which is what kekulisation and perception would give back
    // (the mask's buffer is reused from one molecule to the next)
    let mut mask = PLAIN_MASK.with(Cell::take);
    let plain = (shortcuts && aromaticity::plain_aromatic_ring_atoms(&mol, &rings, &mut mask))
        .then_some(mask.as_slice());
    let kekulized = kekulize_except(&mut mol, &rings, None, plain)?;
    let plain = if kekulized.kept_rings() { plain } else { None };
    // Whether any step below changes an atom's valence environment or
    // hydrogens; when none does, every atom keeps what the input check gave
    // it and the recount after perception has nothing to do.
    let mut changed = kekulized != KekuleOutcome::Untouched;
    // What kekulisation does to a written [nH], done for those of the plain
    // rings it passed over (the count below keeps the H as an explicit H).
    // (every atom visited, the mask passed in: a filter on the mask was a
    // mispredicted branch per atom)
    if let Some(mask) = plain {
        for (atom, &in_plain_ring) in mol.atoms.iter_mut().zip(mask) {
            changed |= crate::kekulize::unpin_pyrrole_type_h(atom, in_plain_ring);
        }
    }
    // a bracket atom's radicals: a change only where a count differs from
    // the one the input check saw (most bracket atoms get none, as written)
    if census.has(Census::NO_IMPLICIT) {
        changed |= assign_radicals(&mut mol);
    }
    // RDKit's aromaticity model reads the valences it cached on the input
    // form, before kekulisation; only atoms whose hydrogens kekulisation
    // recounted (the pyrrole-type [nH]) are cached again, on the Kekulé
    // form. The two forms agree except where the input's aromatic rounding
    // absorbed more than a Kekulé structure can carry, as for a triple bond
    // written in an aromatic ring (`Cc1#ccccc1`).
    // The states are only read by the typing, which most molecules (every
    // ring left as written or holding a saturated carbon) do not need; a
    // state that fails here would have failed the input check already (the
    // lenient valence fails only on an impossible charge).
    if !aromaticity::nothing_to_type(&mol, &rings, plain, shortcuts) {
        // a loop, not a collect into `Result`, which would grow the vector one
        // doubling at a time
        let mut states = Vec::with_capacity(n);
        for (i, (input, atom)) in input_states.iter().zip(&mol.atoms).enumerate() {
            states.push(if i32::from(atom.implicit_hs) == input.implicit_hs {
                AtomState {
                    explicit_valence: input.explicit_valence,
                    total_valence: input.explicit_valence + input.implicit_hs,
                }
            } else {
                atom_state(&mol, AtomIdx(i as u32))?
            });
        }
        aromaticity::perceive(&mut mol, &rings, &states, plain, shortcuts);
        changed = true;
    }
    // (the reference without shortcuts always recounts, for the tests to
    // compare with)
    if changed || clamped || !shortcuts {
        recount_hs(&mut mol, input_states)?;
    }
    // Conjugation and hybridisation are only needed to clean up tetrahedral
    // tags (the perceived molecule does not store them).
    let has_tags = mol.atoms.iter().any(|a| a.chirality.is_tetrahedral());
    let (conjugated, hybridization) = if has_tags {
        stereo_inputs_of_tags(&mol, shortcuts)?
    } else {
        (Vec::new(), Vec::new())
    };
    for (i, h) in hybridization.iter().enumerate() {
        if let Some(atom) = mol.atoms.get_mut(i) {
            if atom.chirality.is_tetrahedral() && *h != Hybridization::Sp3 {
                atom.chirality = Chirality::None;
            }
        }
    }
    if census.has(Census::OTHER_SHAPE) {
        drop_impossible_shapes(&mut mol);
    }
    if options.clean_stereo {
        let inputs = StereoInputs {
            rings: &rings,
            hybridization: &hybridization,
            conjugated: &conjugated,
        };
        clean_stereo(&mut mol, &inputs, shortcuts);
    }
    PLAIN_MASK.with(|cell| cell.set(mask));
    Ok(into_mol(mol, Some(rings)))
}

/// Hydrogens on the perceived structure, as RDKit's adjustHs and final
/// property update leave them: an aromatic N that would lose its H keeps it
/// as an explicit H; an atom that stopped being aromatic is recounted. Then
/// RDKit's re-check of valences on the perceived structure (an
/// aromatic-looking `[nH]` with three single bonds passes on input but not
/// once it is not aromatic). Atoms whose environment is still the one the
/// input check saw (`input`) keep its answer, and its check passed.
fn recount_hs(mol: &mut MolBuilder, input: &[InputState]) -> Result<()> {
    // the implicit count the input check gave an atom whose environment
    // is still `env`
    let unchanged = |i: usize, env: &AtomEnv| -> Option<i32> {
        input
            .get(i)
            .filter(|input| input.env == *env)
            .map(|input| input.implicit_hs)
    };
    // Atoms whose hydrogens RDKit's adjustHs may move: aromatic on input
    // (held by the input check's environment) or after perception. These
    // are also the atoms whose valence environment perception may change
    // (aromatic atoms, and the ends of an out-of-ring aromatic bond, which
    // kekulisation makes single when it touches a ring system and leaves
    // aromatic, unflagged, otherwise, as RDKit does): the others need no
    // second valence check, their first one saw the same environment.
    let mut adjust: Vec<bool> = input.iter().map(|x| x.env.aromatic).collect();
    // Every atom's environment on the perceived structure, from one pass over
    // the bonds. Below, only an atom's own explicit H count changes, and its
    // entry follows it.
    let mut envs = atom_envs(mol);
    for (i, (env, adjusted)) in envs.iter_mut().zip(adjust.iter_mut()).enumerate() {
        // aromatic after perception: an aromatic flag or bond, as the
        // environment holds it
        *adjusted |= env.aromatic;
        if !*adjusted {
            continue;
        }
        let a = AtomIdx(i as u32);
        let before = mol.atom(a).map_or(0, |x| i32::from(x.implicit_hs));
        let after = match unchanged(i, env) {
            Some(h) => h,
            None => implicit_hs_of(env, false)?,
        };
        let final_h = if after < before {
            if let Some(atom) = mol.atom_mut(a) {
                let old = atom.explicit_hs;
                atom.explicit_hs = old.saturating_add(u8::try_from(before - after).unwrap_or(0));
                env.valence_x2 += 2 * (i32::from(atom.explicit_hs) - i32::from(old));
            }
            implicit_hs_of(env, false)?
        } else {
            after
        };
        if let Some(atom) = mol.atom_mut(a) {
            atom.implicit_hs = u8::try_from(final_h.max(0)).unwrap_or(0);
        }
    }
    for i in 0..mol.num_atoms() {
        let revisable = adjust.get(i).copied().unwrap_or(true);
        if revisable && envs.get(i).is_none_or(|env| unchanged(i, env).is_none()) {
            checked_implicit_hs(mol, AtomIdx(i as u32))?;
        }
    }
    Ok(())
}

/// Which elements and atom settings a molecule has, from one pass over its
/// atoms, so that the perception steps that only concern rare ones
/// (hydrogen atoms, metals, nitro and halogen oxide clean-up, bracket atoms
/// that may carry radicals, non-tetrahedral tags) are skipped without a
/// pass of their own. Taken on the input: no later step adds a hydrogen
/// atom, changes an element, sets `no_implicit` or adds a non-tetrahedral
/// tag, so the flags stay true wherever the steps could act.
#[derive(Debug, Clone, Copy)]
struct Census(u8);

impl Census {
    const HYDROGEN: u8 = 1;
    const NITROGEN: u8 = 2;
    /// Phosphorus, chlorine, bromine, iodine.
    const P_OR_HALOGEN: u8 = 4;
    const METAL: u8 = 8;
    /// A real atom written without implicit hydrogens (bracket atom).
    const NO_IMPLICIT: u8 = 16;
    /// A square-planar, trigonal-bipyramidal or octahedral tag.
    const OTHER_SHAPE: u8 = 32;

    /// The element flags of atomic number `z` (a table built at compile time).
    // Evaluated by the compiler: an index out of range would fail the build,
    // it cannot panic at run time (and `get_mut` is not const).
    #[allow(clippy::indexing_slicing)]
    const ELEMENTS: [u8; 256] = {
        let mut table = [0u8; 256];
        let mut z = 0;
        while z < 256 {
            let zz = z as u8;
            table[z] = match zz {
                1 => Census::HYDROGEN,
                7 => Census::NITROGEN,
                15 | 17 | 35 | 53 => Census::P_OR_HALOGEN,
                _ => 0,
            } | if is_metal(zz) { Census::METAL } else { 0 };
            z += 1;
        }
        table
    };

    fn of(atoms: &[Atom]) -> Census {
        let mut flags = 0u8;
        for a in atoms {
            flags |= Census::ELEMENTS
                .get(usize::from(a.atomic_num))
                .copied()
                .unwrap_or(0);
            if a.no_implicit && a.atomic_num != 0 {
                flags |= Census::NO_IMPLICIT;
            }
            if matches!(a.chirality, Chirality::Other { .. }) {
                flags |= Census::OTHER_SHAPE;
            }
        }
        Census(flags)
    }

    fn has(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

/// [`tagged_stereo_inputs`], or, with `shortcut` and when every tagged atom
/// has four connections ([`all_tags_on_four_connections`]), two empty lists
/// that stand for it: RDKit's hybridisation rule makes such an atom sp3
/// before looking at anything else, so no tag is dropped for its
/// hybridisation, and its legality never asks for conjugation or
/// hybridisation (those are for a nitrogen with three connections; an
/// untagged atom reads as not sp3 either way).
fn stereo_inputs_of_tags(
    mol: &MolBuilder,
    shortcut: bool,
) -> Result<(Vec<bool>, Vec<Hybridization>)> {
    if !(shortcut && all_tags_on_four_connections(mol)) {
        return tagged_stereo_inputs(mol);
    }
    Ok((Vec::new(), Vec::new()))
}

/// Whether every atom with a tetrahedral tag is a real atom with four
/// connections (bonds and hydrogens), each bond counting for it (no zero-order
/// bond, no dative bond it donates): the common case, for which the
/// conjugation and hybridisation of `tagged_stereo_inputs` are known without
/// computing them.
fn all_tags_on_four_connections(mol: &MolBuilder) -> bool {
    mol.atoms.iter().enumerate().all(|(i, atom)| {
        if !atom.chirality.is_tetrahedral() {
            return true;
        }
        let a = AtomIdx(i as u32);
        let nbrs = mol.neighbors(a);
        atom.atomic_num != 0
            && nbrs.len() + usize::from(atom.total_hs()) == 4
            && nbrs.iter().all(|&(_, b)| {
                mol.bond(b)
                    .is_some_and(|bd| bd.order.valence_x2(bd.end == a) > 0)
            })
    })
}

/// Perception of a molecule read back from a SMILES that Shennong wrote from a
/// sanitised molecule (an index's SMILES column): the written form already
/// carries the perceived aromaticity, cleaned-up groups and stereo, so only
/// what the text does not say is recomputed: implicit hydrogens, rings,
/// radicals and cis/trans from `/` `\`. Kekulisation, aromaticity
/// perception and the stereo clean-up, most of [`sanitize`]'s time, are
/// skipped, as RDKit skips them for the "trusted SMILES" of its
/// `SubstructLibrary` holders.
///
/// On such input the result equals what [`sanitize`] gives (a test checks it
/// on every shared data set). On any other input it still never panics, but
/// aromaticity and stereo are taken as written, unchecked.
pub fn sanitize_trusted(mut mol: MolBuilder) -> Result<Mol> {
    // Forms whose written aromaticity perception may still revise: dummy
    // atoms (they may take part in aromatic rings) and multiple bonds
    // between aromatic atoms. Rare; they get the full perception.
    // An aromatic bond written between atoms that are not both aromatic (an
    // unflagged `C:C` that kekulisation leaves as it is) is rare too.
    let revisable = mol.atoms.iter().any(|a| a.atomic_num == 0)
        || mol.bonds.iter().any(|b| {
            let both_aromatic = [b.begin, b.end]
                .iter()
                .all(|&x| mol.atom(x).is_some_and(|at| at.aromatic));
            match b.order {
                BondOrder::Double | BondOrder::Triple | BondOrder::Quadruple => both_aromatic,
                BondOrder::Aromatic => !both_aromatic,
                _ => false,
            }
        });
    if revisable {
        return sanitize(mol, &SanitizeOptions::default());
    }
    // Radicals of aromatic bracket atoms (`[se]`, `[s+]`) depend on the
    // Kekulé form; if any appear, the full perception decides.
    let raw = mol
        .atoms
        .iter()
        .any(|a| a.aromatic && a.no_implicit)
        .then(|| mol.clone());
    if mol.atoms.iter().any(|a| a.atomic_num == 1) {
        mol = remove_hydrogens(mol, RemovedHydrogens::Counted);
    }
    stereo_from_directions(&mut mol);
    assign_implicit_hs(&mut mol)?;
    assign_radicals(&mut mol);
    if let Some(raw) = raw {
        if mol
            .atoms
            .iter()
            .any(|a| a.aromatic && a.radical_electrons > 0)
        {
            return sanitize(raw, &SanitizeOptions::default());
        }
    }
    // what kekulisation leaves on a written `[nH]`/`[pH]`
    for atom in &mut mol.atoms {
        crate::kekulize::unpin_pyrrole_type_h(atom, true);
    }
    Ok(into_mol(mol, None))
}

/// The perceived molecule: the builder's graph with its rings (`None`:
/// perceived on first use).
fn into_mol(mol: MolBuilder, rings: Option<RingInfo>) -> Mol {
    Mol {
        atoms: mol.atoms,
        bonds: mol.bonds,
        adjacency: mol.adjacency,
        rings: rings.map_or_else(|| LazyRings::OnFirstUse(OnceLock::new()), LazyRings::Known),
        ring_bonds: OnceLock::new(),
        conformer: mol.conformer,
        bond_ordered: mol.bond_ordered,
    }
}

/// Ring perception; dative and zero-order bonds do not close rings (as in
/// RDKit's ring finding).
pub(crate) fn perceive_rings(bonds: &[Bond], adjacency: &[Neighbors]) -> RingInfo {
    let ring_adjacency = ring_adjacency(bonds, adjacency);
    RingInfo::perceive_with(
        ring_adjacency.as_deref().unwrap_or(adjacency),
        bonds.len(),
        || bonds.iter().map(|b| (b.begin, b.end)).collect(),
    )
}

/// The adjacency without the bonds that cannot close rings (dative,
/// zero-order); `None` when there are none, so the graph's own serves.
pub(crate) fn ring_adjacency(bonds: &[Bond], adjacency: &[Neighbors]) -> Option<Vec<Neighbors>> {
    let not_ring_capable = |o: BondOrder| matches!(o, BondOrder::Dative | BondOrder::Zero);
    if !bonds.iter().any(|b| not_ring_capable(b.order)) {
        return None;
    }
    Some(
        adjacency
            .iter()
            .map(|nbrs| {
                nbrs.iter()
                    .copied()
                    .filter(|&(_, b)| {
                        bonds
                            .get(b.index())
                            .is_some_and(|bd| !not_ring_capable(bd.order))
                    })
                    .collect()
            })
            .collect(),
    )
}

fn assign_implicit_hs(mol: &mut MolBuilder) -> Result<()> {
    checked_input_states(mol, &mut Vec::new()).map(|_| ())
}

/// An atom as the input valence check saw it.
#[derive(Clone, Copy)]
struct InputState {
    env: AtomEnv,
    explicit_valence: i32,
    implicit_hs: i32,
}

/// [`assign_implicit_hs`], leaving in `states` each atom's valence
/// environment, explicit valence and implicit hydrogen count as checked.
/// The valence model is a function of the environment alone, so a later
/// phase that finds an atom's environment unchanged already knows the
/// answer, and that its check passes. Returns whether some atom's count
/// did not fit its stored `u8` (and was clamped there).
fn checked_input_states(mol: &mut MolBuilder, states: &mut Vec<InputState>) -> Result<bool> {
    // filled in place: no vector of environments to move across
    states.clear();
    states.extend(mol.atoms.iter().enumerate().map(|(i, atom)| InputState {
        env: bare_env(i, atom),
        explicit_valence: 0,
        implicit_hs: 0,
    }));
    add_bonds_to_envs(&mol.bonds, states, |s| &mut s.env);
    let mut clamped = false;
    for (state, atom) in states.iter_mut().zip(mol.atoms.iter_mut()) {
        let (ev, h) = checked_counts(&state.env)?;
        let stored = u8::try_from(h);
        atom.implicit_hs = stored.unwrap_or(if h < 0 { 0 } else { u8::MAX });
        clamped |= stored.is_err();
        state.explicit_valence = ev;
        state.implicit_hs = h;
    }
    Ok(clamped)
}

/// [`AtomEnv::of`] for every atom, from one pass over the bonds rather than
/// one look at each atom's bonds.
fn atom_envs(mol: &MolBuilder) -> Vec<AtomEnv> {
    let mut envs: Vec<AtomEnv> = mol
        .atoms
        .iter()
        .enumerate()
        .map(|(i, atom)| bare_env(i, atom))
        .collect();
    add_bonds_to_envs(&mol.bonds, &mut envs, |e| e);
    envs
}

/// The environment of atom `i` before its bonds are counted.
fn bare_env(i: usize, atom: &Atom) -> AtomEnv {
    AtomEnv::from_bonds(
        AtomIdx(i as u32),
        atom,
        atom.explicit_hs,
        atom.no_implicit,
        std::iter::empty(),
    )
}

/// Counts every bond into the environments of its two ends (`items`
/// holds one entry per atom, `env` its environment).
fn add_bonds_to_envs<T>(bonds: &[Bond], items: &mut [T], env: impl Fn(&mut T) -> &mut AtomEnv) {
    for bond in bonds {
        let aromatic = bond.is_aromatic_like();
        for (end, is_end) in [(bond.begin, false), (bond.end, true)] {
            if let Some(item) = items.get_mut(end.index()) {
                let e = env(item);
                e.valence_x2 += bond.order.valence_x2(is_end);
                e.aromatic |= aromatic;
            }
        }
    }
}

/// Valence checks (RDKit's strict property update) and implicit hydrogens, from one look at the atom.
fn checked_implicit_hs(mol: &MolBuilder, a: AtomIdx) -> Result<i32> {
    checked_env(mol, a).map(|(_, h)| h)
}

/// [`checked_implicit_hs`] with the environment it was computed from.
fn checked_env(mol: &MolBuilder, a: AtomIdx) -> Result<(AtomEnv, i32)> {
    let env = AtomEnv::of(mol, a)?;
    Ok((env, checked_counts(&env)?.1))
}

/// The valence state of every atom.
fn atom_states(mol: &MolBuilder) -> Result<Vec<AtomState>> {
    // a loop, not a collect into `Result`, so that the vector is sized once
    let mut states = Vec::with_capacity(mol.num_atoms());
    for i in 0..mol.num_atoms() as u32 {
        states.push(atom_state(mol, AtomIdx(i))?);
    }
    Ok(states)
}

/// The valence state of atom `a` (the model's explicit valence, plus the
/// implicit hydrogens for the total).
fn atom_state(mol: &MolBuilder, a: AtomIdx) -> Result<AtomState> {
    let ev = explicit_valence(mol, a, false)?;
    Ok(AtomState {
        explicit_valence: ev,
        total_valence: ev + mol.atom(a).map_or(0, |x| i32::from(x.implicit_hs)),
    })
}

/// Is `a` "up" relative to `from` along bond `b` (SMILES `/` semantics)?
fn is_up(mol: &MolBuilder, b: BondIdx, from: AtomIdx) -> Option<bool> {
    let bond = mol.bond(b)?;
    let up = match bond.direction {
        BondDirection::Up => true,
        BondDirection::Down => false,
        _ => return None,
    };
    Some(up ^ (bond.begin != from))
}

/// Whether the bond carries a SMILES `/` or `\` mark.
fn has_mark(bond: &Bond) -> bool {
    matches!(bond.direction, BondDirection::Up | BondDirection::Down)
}

/// Turns SMILES `/` `\` marks into cis/trans stereo on double bonds.
fn stereo_from_directions(mol: &mut MolBuilder) {
    if !mol.bonds.iter().any(has_mark) {
        return;
    }
    let mut clear: Vec<BondIdx> = Vec::new();
    for bi in 0..mol.num_bonds() as u32 {
        let b = BondIdx(bi);
        let Some(bond) = mol.bond(b).copied() else {
            continue;
        };
        if bond.order != BondOrder::Double || bond.stereo != BondStereo::None {
            continue;
        }
        // the first marked neighbour on one end, and whether two marks
        // there contradict each other (both on the same side)
        let mut side = |x: AtomIdx, other: AtomIdx| -> (Option<(AtomIdx, bool)>, bool) {
            let mut marked = mol
                .neighbors(x)
                .iter()
                .filter(|&&(n, _)| n != other)
                .filter_map(|&(n, nb)| is_up(mol, nb, x).map(|u| (n, u, nb)));
            let first = marked.next();
            let conflict = match (first, marked.next()) {
                (Some((_, u1, b1)), Some((_, u2, b2))) if u1 == u2 => {
                    clear.extend([b1, b2]);
                    true
                }
                _ => false,
            };
            (first.map(|(n, u, _)| (n, u)), conflict)
        };
        let ((first_a, conflict_a), (first_b, conflict_b)) =
            (side(bond.begin, bond.end), side(bond.end, bond.begin));
        let (Some((ra, ua)), Some((rb, ub))) = (first_a, first_b) else {
            continue;
        };
        // RDKit (`assignBondStereoCodes`) leaves such a bond without
        // stereo and clears the contradicting marks (`F/C=C(/C)/N`)
        if conflict_a || conflict_b {
            continue;
        }
        if let Some(bm) = mol.bond_mut(b) {
            bm.stereo = if ua == ub {
                BondStereo::Cis(ra, rb)
            } else {
                BondStereo::Trans(ra, rb)
            };
        }
    }
    for b in clear {
        if let Some(bm) = mol.bond_mut(b) {
            bm.direction = BondDirection::None;
        }
    }
}

/// Whether a hydrogen atom merged into `heavy` adds to its hydrogen count
/// under `mode` (see [`RemovedHydrogens`]). Read on the molecule before any
/// hydrogen goes, as RDKit reads its property cache once for all of them;
/// the valence is the lenient one (no error for an over-full atom).
fn keeps_removed_h_count(mol: &MolBuilder, heavy: AtomIdx, mode: RemovedHydrogens) -> bool {
    if mode == RemovedHydrogens::Counted {
        return true;
    }
    let Some(atom) = mol.atom(heavy) else {
        return true;
    };
    if atom.no_implicit || atom.chirality != Chirality::None {
        return true;
    }
    let total = explicit_valence(mol, heavy, false).unwrap_or(0)
        + implicit_hs(mol, heavy, false).unwrap_or(0);
    let aromatic = crate::valence::is_aromatic_atom(mol, heavy);
    // RDKit's `may_need_extra_H`: one single and two aromatic bonds, valence 3
    let extra_h_site = || {
        let (mut single, mut aromatic_bonds) = (0, 0);
        for &(_, b) in mol.neighbors(heavy) {
            match mol.bond(b).map(|bd| bd.order) {
                Some(BondOrder::Single) => single += 1,
                Some(BondOrder::Aromatic) => aromatic_bonds += 1,
                _ => return false,
            }
        }
        single == 1 && aromatic_bonds == 2 && total == 3
    };
    (aromatic && (matches!(atom.atomic_num, 7 | 15) || extra_h_site()))
        || valences(atom.atomic_num)
            .get(1..)
            .is_some_and(|rest| rest.iter().any(|&v| i32::from(v) == total))
}

/// Merges removable hydrogen atoms into their neighbours.
fn remove_hydrogens(mol: MolBuilder, mode: RemovedHydrogens) -> MolBuilder {
    // most molecules have no hydrogen atom at all
    if !mol.atoms.iter().any(|a| a.atomic_num == 1) {
        return mol;
    }
    let n = mol.num_atoms();
    let mut remove = vec![false; n];
    for i in 0..n {
        let a = AtomIdx(i as u32);
        let Some(atom) = mol.atom(a) else { continue };
        // RDKit's `removeHs` as its readers call it: an H atom goes whatever
        // the order of its one bond (`[H]=N1CC1`, `[H]:C1CC1` and `[H+]N`
        // read as `C1CN1`, `C1CC1` and `N`), unless it is an isotope, a
        // hydride, bonded only to H, a dummy or a non-tetrahedral centre, or
        // holds the stereo of a double bond at an atom with no other
        // neighbour.
        if atom.atomic_num != 1 || atom.isotope != 0 || atom.formal_charge == -1 {
            continue;
        }
        let nbrs = mol.neighbors(a);
        let [(heavy, b)] = nbrs else { continue };
        let Some(h) = mol.atom(*heavy) else { continue };
        if h.atomic_num <= 1 || matches!(h.chirality, Chirality::Other { .. }) {
            continue;
        }
        let marked = mol.bond(*b).is_some_and(has_mark);
        let defines_stereo = mol.neighbors(*heavy).len() < 3
            && mol.neighbors(*heavy).iter().any(|&(x, xb)| {
                mol.bond(xb).is_some_and(|bd| {
                    bd.order == BondOrder::Double
                        && x != a
                        && (marked
                            || matches!(bd.stereo, BondStereo::Cis(p, q) | BondStereo::Trans(p, q) if p == a || q == a))
                })
            });
        if defines_stereo {
            continue;
        }
        if let Some(r) = remove.get_mut(i) {
            *r = true;
        }
    }
    if !remove.iter().any(|&r| r) {
        return mol;
    }
    let mut mol = mol;
    move_marks_off_hydrogens(&mut mol, &remove);
    // Move stereo references away from removed hydrogens, fix chirality parity.
    for bi in 0..mol.num_bonds() {
        let Some(bond) = mol.bonds.get(bi).copied() else {
            continue;
        };
        let (p, q, cis) = match bond.stereo {
            BondStereo::Cis(p, q) => (p, q, true),
            BondStereo::Trans(p, q) => (p, q, false),
            BondStereo::None => continue,
        };
        let swap = |x: AtomIdx, side: AtomIdx, other: AtomIdx| -> (AtomIdx, bool) {
            if remove.get(x.index()).copied().unwrap_or(false) {
                if let Some(&(alt, _)) = mol
                    .neighbors(side)
                    .iter()
                    .find(|&&(nb, _)| nb != x && nb != other)
                {
                    return (alt, true);
                }
            }
            (x, false)
        };
        let (np, fp) = swap(p, bond.begin, bond.end);
        let (nq, fq) = swap(q, bond.end, bond.begin);
        let cis = cis ^ fp ^ fq;
        if let Some(bm) = mol.bonds.get_mut(bi) {
            bm.stereo = if cis {
                BondStereo::Cis(np, nq)
            } else {
                BondStereo::Trans(np, nq)
            };
        }
    }
    for i in 0..n {
        let a = AtomIdx(i as u32);
        if remove.get(i).copied().unwrap_or(false) {
            continue;
        }
        let nbrs = mol.neighbors(a).to_vec();
        let removed_positions: Vec<usize> = nbrs
            .iter()
            .enumerate()
            .filter(|(_, (x, _))| remove.get(x.index()).copied().unwrap_or(false))
            .map(|(k, _)| k)
            .collect();
        if removed_positions.is_empty() {
            continue;
        }
        // (the atom's own hydrogens and bonds are still as read: merging
        // happens atom by atom below and the H atoms go at the rebuild)
        let counted = keeps_removed_h_count(&mol, a, mode);
        let Some(atom) = mol.atoms.get_mut(i) else {
            continue;
        };
        // Each removed H moves to the implicit-H slot at the end of the
        // order, one after another from the highest-numbered H (RDKit's
        // `molRemoveH`): each flips the tag when an odd number of the
        // neighbours still listed follow it.
        if atom.chirality.is_tetrahedral() {
            let mut listed: Vec<AtomIdx> = nbrs.iter().map(|&(x, _)| x).collect();
            let mut removed: Vec<AtomIdx> = removed_positions
                .iter()
                .filter_map(|&k| listed.get(k).copied())
                .collect();
            removed.sort_unstable_by(|x, y| y.cmp(x));
            for h in removed {
                if let Some(k) = listed.iter().position(|&x| x == h) {
                    if (listed.len() - 1 - k) % 2 == 1 {
                        atom.chirality = atom.chirality.inverted();
                    }
                    listed.remove(k);
                }
            }
        }
        if counted {
            atom.explicit_hs = atom
                .explicit_hs
                .saturating_add(removed_positions.len() as u8);
        }
        // RDKit then lets a tagged atom that holds more than one of them
        // recompute its hydrogens (`[PH3]=O` with a tag from 3D reads `P=O`;
        // at a valence the element allows nothing changes)
        if !atom.no_implicit && atom.chirality != Chirality::None && atom.explicit_hs > 1 {
            atom.explicit_hs = 0;
        }
    }
    // Rebuild without the removed atoms.
    let mut new_index = vec![u32::MAX; n];
    let mut out = MolBuilder::new();
    for i in 0..n {
        if remove.get(i).copied().unwrap_or(false) {
            continue;
        }
        if let Some(atom) = mol.atoms.get(i) {
            let idx = out.add_atom(*atom);
            if let Some(s) = new_index.get_mut(i) {
                *s = idx.0;
            }
        }
    }
    let map = |a: AtomIdx| AtomIdx(new_index.get(a.index()).copied().unwrap_or(u32::MAX));
    // Bonds are re-added in each atom's neighbour order to keep stereo references valid.
    let mut bond_map = vec![u32::MAX; mol.num_bonds()];
    for (bi, bond) in mol.bonds.iter().enumerate() {
        if remove.get(bond.begin.index()).copied().unwrap_or(false)
            || remove.get(bond.end.index()).copied().unwrap_or(false)
        {
            continue;
        }
        let idx = BondIdx(out.bonds.len() as u32);
        let mut nb = *bond;
        nb.begin = map(bond.begin);
        nb.end = map(bond.end);
        nb.stereo = bond.stereo.remap(&map);
        out.bonds.push(nb);
        if let Some(s) = bond_map.get_mut(bi) {
            *s = idx.0;
        }
    }
    for i in 0..n {
        if remove.get(i).copied().unwrap_or(false) {
            continue;
        }
        let list: Neighbors = mol
            .neighbors(AtomIdx(i as u32))
            .iter()
            .filter(|(x, _)| !remove.get(x.index()).copied().unwrap_or(false))
            .map(|&(x, b)| {
                (
                    map(x),
                    BondIdx(bond_map.get(b.index()).copied().unwrap_or(u32::MAX)),
                )
            })
            .collect();
        if let Some(slot) = out.adjacency.get_mut(map(AtomIdx(i as u32)).index()) {
            *slot = list;
        }
    }
    if let Some(conf) = mol.conformer.take() {
        let positions = conf
            .positions
            .iter()
            .enumerate()
            .filter(|(i, _)| !remove.get(*i).copied().unwrap_or(false))
            .map(|(_, p)| *p)
            .collect();
        out.conformer = Some(crate::mol::Conformer {
            positions,
            is_3d: conf.is_3d,
        });
    }
    out
}

/// Moves the `/` `\` marks on the bonds of the hydrogens about to be
/// removed (`remove`) as RDKit's `molRemoveH` moves them (github #754),
/// hydrogen by hydrogen from the highest index down, as RDKit removes them:
/// when no other single bond of the heavy atom carries a mark, the last
/// unmarked single bond (in bond order, bonds to hydrogens removed before
/// left out) takes one, putting its atom on the side opposite the
/// hydrogen, except where RDKit copies the mark unchanged although
/// neither bond begins at the heavy atom (RDKit's begin atoms, see
/// [`rdkit_begins_at`]): there the atom lands on the hydrogen's side. That
/// happens for a mark written before a ring-closure bond, as in
/// `[H]/C1=C([H])\CCCCCCCC1`, which RDKit 2026.09 reads as the Z ring.
/// A mark on a hydrogen's bond next to a marked single bond simply goes
/// with the hydrogen. Runs before marks become double-bond stereo, as in
/// RDKit, where they are read after the hydrogens are gone.
fn move_marks_off_hydrogens(mol: &mut MolBuilder, remove: &[bool]) {
    let removed = |x: AtomIdx| remove.get(x.index()).copied().unwrap_or(false);
    for h in (0..mol.num_atoms() as u32).rev().map(AtomIdx) {
        if !removed(h) {
            continue;
        }
        let [(heavy, h_bond)] = *mol.neighbors(h) else {
            continue;
        };
        if !mol.bond(h_bond).is_some_and(has_mark) {
            continue;
        }
        // (hydrogens of higher index went before this one)
        let mut others = mol.neighbors(heavy).iter().filter(|&&(x, b)| {
            b != h_bond
                && !(removed(x) && x > h)
                && mol.bond(b).is_some_and(|bd| bd.order == BondOrder::Single)
        });
        if others
            .clone()
            .any(|&(_, b)| mol.bond(b).is_some_and(has_mark))
        {
            continue;
        }
        let Some(&(_, target)) = others.next_back() else {
            continue;
        };
        let Some(h_up) = is_up(mol, h_bond, heavy) else {
            continue;
        };
        let copied_as_is =
            !rdkit_begins_at(mol, h_bond, heavy) && !rdkit_begins_at(mol, target, heavy);
        let up = h_up == copied_as_is;
        if let Some(bond) = mol.bond_mut(target) {
            // `up` is seen from the heavy atom; the mark is kept relative
            // to the bond's begin atom
            bond.direction = if up == (bond.begin == heavy) {
                BondDirection::Up
            } else {
                BondDirection::Down
            };
        }
    }
}

/// Whether RDKit's SMILES reader makes `atom` the begin atom of bond `b`:
/// for a bond along the chain, the atom written first; for a ring-closure
/// bond, the atom with the closing digit (ours begin at the opening one).
/// Told apart as the parser builds them: an atom's chain bond to the atom
/// before it is the first of its neighbours, and a ring closes on an atom
/// written earlier. (A ring bond closed across a `.` onto the first atom of
/// a part reads as a chain bond here.)
fn rdkit_begins_at(mol: &MolBuilder, b: BondIdx, atom: AtomIdx) -> bool {
    let Some(bond) = mol.bond(b) else {
        return false;
    };
    let (first, last) = (bond.begin.min(bond.end), bond.begin.max(bond.end));
    let along_chain = mol.neighbors(last).first() == Some(&(first, b));
    atom == if along_chain { first } else { last }
}

impl BondStereo {
    fn remap(self, map: &impl Fn(AtomIdx) -> AtomIdx) -> BondStereo {
        match self {
            BondStereo::Cis(p, q) => BondStereo::Cis(map(p), map(q)),
            BondStereo::Trans(p, q) => BondStereo::Trans(map(p), map(q)),
            BondStereo::None => BondStereo::None,
        }
    }
}

fn set_order(mol: &mut MolBuilder, b: BondIdx, order: BondOrder) {
    if let Some(bond) = mol.bond_mut(b) {
        bond.order = order;
        bond.aromatic = false;
    }
}

fn set_charge(mol: &mut MolBuilder, a: AtomIdx, charge: i8) {
    if let Some(atom) = mol.atom_mut(a) {
        atom.formal_charge = charge;
    }
}

fn z_of(mol: &MolBuilder, a: AtomIdx) -> u8 {
    mol.atom(a).map_or(0, |x| x.atomic_num)
}

fn charge_of(mol: &MolBuilder, a: AtomIdx) -> i8 {
    mol.atom(a).map_or(0, |x| x.formal_charge)
}

fn order_of(mol: &MolBuilder, b: BondIdx) -> BondOrder {
    mol.bond(b).map_or(BondOrder::Zero, |x| x.order)
}

/// Explicit valence ignoring the aromatic rounding of the atom itself.
fn plain_valence(mol: &MolBuilder, a: AtomIdx) -> i32 {
    (crate::valence::valence_x2(mol, a) + 1) / 2
}

/// Lowers the first `from` bond from `a` to a neutral atom of element `z` to
/// `to`, making `a` positive and the partner negative.
fn separate_charges(mol: &mut MolBuilder, a: AtomIdx, z: u8, from: BondOrder, to: BondOrder) {
    let target = mol
        .neighbors(a)
        .iter()
        .find(|&&(x, b)| z_of(mol, x) == z && charge_of(mol, x) == 0 && order_of(mol, b) == from)
        .copied();
    if let Some((o, b)) = target {
        set_order(mol, b, to);
        set_charge(mol, a, 1);
        set_charge(mol, o, -1);
    }
}

/// RDKit's `cleanUp`: nitro/N-oxide, `N#N` azide, P and halogen oxides;
/// `census` tells which of the elements concerned the molecule has.
fn cleanup(mol: &mut MolBuilder, census: Census) {
    let n = mol.num_atoms() as u32;
    // Only a nitrogen with a double or triple bond can change below (the
    // steps lower such bonds, never raise one), so those are the ones
    // looked at, in atom order.
    let mut nitrogens: smallvec::SmallVec<[AtomIdx; 8]> = smallvec::SmallVec::new();
    if census.has(Census::NITROGEN) {
        for bond in &mol.bonds {
            if matches!(bond.order, BondOrder::Double | BondOrder::Triple) {
                for end in [bond.begin, bond.end] {
                    if z_of(mol, end) == 7 {
                        nitrogens.push(end);
                    }
                }
            }
        }
        nitrogens.sort_unstable();
        nitrogens.dedup();
    }
    let mut considered = Vec::new();
    for a in nitrogens {
        if charge_of(mol, a) != 0 || plain_valence(mol, a) != 5 {
            continue;
        }
        considered.push(a);
        // N(=O) -> [N+][O-]
        separate_charges(mol, a, 8, BondOrder::Double, BondOrder::Single);
    }
    // the "weird N#N case": N(#N) -> [N+]=[N-]
    for a in considered {
        if charge_of(mol, a) == 0 {
            separate_charges(mol, a, 7, BondOrder::Triple, BondOrder::Double);
        }
    }
    let p_or_halogens = if census.has(Census::P_OR_HALOGEN) {
        n
    } else {
        0
    };
    for a in (0..p_or_halogens).map(AtomIdx) {
        match z_of(mol, a) {
            15 => {
                if charge_of(mol, a) != 0
                    || plain_valence(mol, a) != 5
                    || mol.neighbors(a).len() != 3
                {
                    continue;
                }
                let mut dbl_o = None;
                let mut dbl_cn = false;
                for &(x, b) in mol.neighbors(a) {
                    if order_of(mol, b) != BondOrder::Double {
                        continue;
                    }
                    if z_of(mol, x) == 8 && charge_of(mol, x) == 0 {
                        dbl_o = Some((x, b));
                    } else if matches!(z_of(mol, x), 6 | 7) && mol.neighbors(x).len() >= 2 {
                        dbl_cn = true;
                    }
                }
                if let (true, Some((o, b))) = (dbl_cn, dbl_o) {
                    set_order(mol, b, BondOrder::Single);
                    set_charge(mol, o, -1);
                    set_charge(mol, a, 1);
                }
            }
            17 | 35 | 53 => {
                let ev = plain_valence(mol, a);
                if charge_of(mol, a) != 0 || !matches!(ev, 3 | 5 | 7) {
                    continue;
                }
                if !mol.neighbors(a).iter().all(|&(x, _)| z_of(mol, x) == 8) {
                    continue;
                }
                let mut charge = 0i8;
                for (x, b) in mol.neighbors(a).to_vec() {
                    if order_of(mol, b) == BondOrder::Double {
                        set_order(mol, b, BondOrder::Single);
                        set_charge(mol, x, -1);
                        charge += 1;
                    }
                }
                set_charge(mol, a, charge);
            }
            _ => {}
        }
    }
}

/// Elements that are not metals (Marvin's definition, as RDKit uses), plus the dummy atom.
const fn is_metal(z: u8) -> bool {
    !matches!(z, 0 | 1 | 2 | 5..=10 | 14..=18 | 33..=36 | 52..=54 | 85 | 86)
}

/// A non-metal above its highest allowed valence (after charge adjustment).
fn is_hypervalent_non_metal(mol: &MolBuilder, a: AtomIdx) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    if is_metal(atom.atomic_num) {
        return false;
    }
    let Ok(ev) = explicit_valence(mol, a, false) else {
        return false;
    };
    let eff = i32::from(atom.atomic_num) - i32::from(atom.formal_charge);
    let Ok(eff) = u8::try_from(eff) else {
        return false;
    };
    if eff == 0 {
        return false;
    }
    let max_v = valences(eff).last().map_or(-1, |&v| i32::from(v));
    let total_degree = mol.neighbors(a).len() as i32
        + i32::from(atom.explicit_hs)
        + implicit_hs(mol, a, false).unwrap_or(0);
    max_v > 0 && (ev > max_v || (ev == max_v && atom.aromatic && total_degree == 4))
}

/// RDKit's `cleanUpOrganometallics`: a single bond from a hypervalent
/// non-metal to a metal becomes a dative bond to the metal (so that
/// `Cl[Pt](Cl)([NH3])[NH3]` reads as cisplatin, not as pentavalent nitrogen).
fn cleanup_organometallics(mol: &mut MolBuilder) {
    for i in 0..mol.num_atoms() as u32 {
        let a = AtomIdx(i);
        if matches!(z_of(mol, a), 1 | 2 | 9 | 10) || !is_hypervalent_non_metal(mol, a) {
            continue;
        }
        let dative_count = |m: AtomIdx| {
            mol.neighbors(m)
                .iter()
                .filter(|&&(_, b)| order_of(mol, b) == BondOrder::Dative)
                .count()
        };
        let target = mol
            .neighbors(a)
            .iter()
            .filter(|&&(m, b)| order_of(mol, b) == BondOrder::Single && is_metal(z_of(mol, m)))
            .min_by_key(|&&(m, _)| (dative_count(m), m))
            .copied();
        if let Some((metal, b)) = target {
            if let Some(bond) = mol.bond_mut(b) {
                bond.order = BondOrder::Dative;
                bond.begin = a;
                bond.end = metal;
            }
        }
    }
}

/// RDKit's `assignRadicals` for atoms without implicit hydrogens; returns whether
/// some atom's radical count changed.
fn assign_radicals(mol: &mut MolBuilder) -> bool {
    let mut changed = false;
    for i in 0..mol.num_atoms() as u32 {
        let a = AtomIdx(i);
        let Some(atom) = mol.atom(a).copied() else {
            continue;
        };
        if !atom.no_implicit || atom.atomic_num == 0 {
            continue;
        }
        let vals = valences(atom.atomic_num);
        let chg = i32::from(atom.formal_charge);
        let n_outer = outer_electrons(atom.atomic_num);
        let radicals = if vals.len() != 1 || vals.first() != Some(&-1) {
            let total = crate::valence::valence_x2(mol, a) / 2;
            let base = if atom.atomic_num <= 2 { 2 } else { 8 };
            let mut r = base - n_outer - total + chg;
            if r < 0 {
                r = 0;
                if vals.len() > 1 {
                    if let Some(&v) = vals.iter().find(|&&v| i32::from(v) - total + chg >= 0) {
                        r = i32::from(v) - total + chg;
                    }
                }
            }
            let r2 = n_outer - total - chg;
            if r2 >= 0 {
                r = r.min(r2);
            }
            r
        } else if !mol.neighbors(a).is_empty() {
            0
        } else {
            (n_outer - chg).max(0) % 2
        };
        if let Some(am) = mol.atom_mut(a) {
            let radicals = u8::try_from(radicals.max(0)).unwrap_or(0);
            changed |= am.radical_electrons != radicals;
            am.radical_electrons = radicals;
        }
    }
    changed
}

fn conj_candidate(mol: &MolBuilder, a: AtomIdx, st: &AtomState) -> bool {
    let Some(atom) = mol.atom(a) else {
        return false;
    };
    let vals = valences(atom.atomic_num);
    let first = vals.first().map_or(-1, |&v| i32::from(v));
    if atom.formal_charge == 0 && first >= 0 && st.total_valence > first {
        return false;
    }
    let nouter = outer_electrons(atom.atomic_num);
    let total_degree = mol.neighbors(a).len() + usize::from(atom.total_hs());
    (atom.atomic_num <= 10 || (nouter != 5 && nouter != 6) || (nouter == 6 && total_degree < 2))
        && count_atom_elec(mol, a, st) > 0
}

/// Whether atom `a` (state `st`) can take part in conjugation, and then its
/// number of substituents (neighbours and hydrogens; 0 when it cannot).
fn conj_info(mol: &MolBuilder, a: AtomIdx, st: &AtomState) -> (bool, usize) {
    if !conj_candidate(mol, a, st) {
        return (false, 0);
    }
    let subs = mol.neighbors(a).len() + mol.atom(a).map_or(0, |x| usize::from(x.total_hs()));
    (true, subs)
}

/// RDKit's `setConjugation` step at atom `a`: a multiple bond to a candidate
/// and another bond to a candidate with at most three substituents are both
/// conjugated. `info` gives [`conj_info`] of any atom; `mark` receives the bonds.
fn mark_conjugated_at(
    mol: &MolBuilder,
    a: AtomIdx,
    info: &mut dyn FnMut(AtomIdx) -> (bool, usize),
    mark: &mut dyn FnMut(BondIdx),
) {
    let (cand, subs) = info(a);
    if !cand || !(2..=3).contains(&subs) {
        return;
    }
    for &(o1, b1) in mol.neighbors(a) {
        let contrib = mol
            .bond(b1)
            .map_or(0, |bd| bd.order.valence_x2(bd.end == a));
        if contrib < 3 || !info(o1).0 {
            continue;
        }
        for &(o2, b2) in mol.neighbors(a) {
            if b1 == b2 {
                continue;
            }
            let (c2, s2) = info(o2);
            if c2 && s2 <= 3 {
                mark(b1);
                mark(b2);
            }
        }
    }
}

/// RDKit's `setConjugation`: one flag per bond.
fn conjugation(mol: &MolBuilder, states: &[AtomState]) -> Vec<bool> {
    let n = mol.num_atoms();
    let mut conj: Vec<bool> = mol.bonds.iter().map(|b| b.aromatic).collect();
    let info: Vec<(bool, usize)> = (0..n as u32)
        .map(|i| {
            states
                .get(i as usize)
                .map_or((false, 0), |st| conj_info(mol, AtomIdx(i), st))
        })
        .collect();
    let mut info_of = |a: AtomIdx| info.get(a.index()).copied().unwrap_or((false, 0));
    for i in 0..n as u32 {
        mark_conjugated_at(mol, AtomIdx(i), &mut info_of, &mut |b| {
            if let Some(x) = conj.get_mut(b.index()) {
                *x = true;
            }
        });
    }
    conj
}

/// RDKit's `setHybridization`.
fn hybridization(mol: &MolBuilder, states: &[AtomState], conj: &[bool]) -> Vec<Hybridization> {
    (0..mol.num_atoms() as u32)
        .map(|i| {
            let st = states.get(i as usize).copied().unwrap_or_default();
            hybridization_of(mol, AtomIdx(i), &st, conj)
        })
        .collect()
}

/// RDKit's `setHybridization` for one atom; `conj` must hold its bonds' flags.
fn hybridization_of(mol: &MolBuilder, a: AtomIdx, st: &AtomState, conj: &[bool]) -> Hybridization {
    let Some(atom) = mol.atom(a) else {
        return Hybridization::Unspecified;
    };
    if atom.atomic_num == 0 {
        return Hybridization::Unspecified;
    }
    let total_degree = mol.neighbors(a).len() as i32 + i32::from(atom.total_hs());
    if atom.chirality.is_tetrahedral() && total_degree == 4 {
        return Hybridization::Sp3;
    }
    let mut deg = total_degree;
    for &(_, b) in mol.neighbors(a) {
        if let Some(bd) = mol.bond(b) {
            if bd.order == BondOrder::Zero || (bd.order == BondOrder::Dative && bd.end != a) {
                deg -= 1;
            }
        }
    }
    let norbs = if atom.atomic_num <= 1 {
        deg
    } else if atom.atomic_num >= 89 {
        total_degree
    } else {
        let nouter = outer_electrons(atom.atomic_num);
        let tv = st.total_valence;
        let chg = i32::from(atom.formal_charge);
        let free = nouter - (tv + chg);
        if tv + nouter - chg < 8 {
            let nrad = i32::from(atom.radical_electrons);
            deg + (free - nrad) / 2 + nrad
        } else {
            deg + free / 2
        }
    };
    match norbs {
        0 | 1 => Hybridization::S,
        2 => Hybridization::Sp,
        3 => Hybridization::Sp2,
        4 => {
            let has_conj = mol
                .neighbors(a)
                .iter()
                .any(|&(_, b)| conj.get(b.index()).copied().unwrap_or(false));
            if total_degree > 3 || !has_conj {
                Hybridization::Sp3
            } else {
                Hybridization::Sp2
            }
        }
        5 => Hybridization::Sp3d,
        6 => Hybridization::Sp3d2,
        _ => Hybridization::Unspecified,
    }
}

/// Drops `@SP`, `@TB` and `@OH` tags on atoms whose neighbours with their
/// hydrogens cannot take the shape (square planar 2-4, trigonal bipyramid
/// 2-5, octahedron 2-6), as RDKit's `cleanupChirality` does: `[Pt@SP1H2]`
/// with four ligands besides is six-coordinate, not square planar.
fn drop_impossible_shapes(mol: &mut MolBuilder) {
    for i in 0..mol.num_atoms() {
        let a = AtomIdx(i as u32);
        let Some(atom) = mol.atom(a) else { continue };
        let Chirality::Other { class, .. } = atom.chirality else {
            continue;
        };
        let Some(most) = crate::nontetrahedral::ligand_count(class) else {
            continue;
        };
        let degree =
            mol.neighbors(a).len() + usize::from(atom.explicit_hs) + usize::from(atom.implicit_hs);
        if !(2..=most).contains(&degree) {
            if let Some(am) = mol.atom_mut(a) {
                am.chirality = Chirality::None;
            }
        }
    }
}

/// [`conjugation`] and [`hybridization`] only where the stereo clean-up
/// reads them: the bonds and the hybridisation of atoms with a tetrahedral
/// tag (every other entry is left `false` / unspecified). A bond's flag
/// depends only on its two ends and their neighbours, so only the tagged
/// atoms, their neighbours and theirs get a valence state; on molecules with
/// one or two stereocentres that is a small part of the whole.
fn tagged_stereo_inputs(mol: &MolBuilder) -> Result<(Vec<bool>, Vec<Hybridization>)> {
    let n = mol.num_atoms();
    let mut states: Vec<Option<AtomState>> = vec![None; n];
    let mut state_of = |a: AtomIdx| -> Result<AtomState> {
        if let Some(Some(st)) = states.get(a.index()) {
            return Ok(*st);
        }
        let st = atom_state(mol, a)?;
        if let Some(slot) = states.get_mut(a.index()) {
            *slot = Some(st);
        }
        Ok(st)
    };
    let is_tagged = |a: AtomIdx| mol.atom(a).is_some_and(|x| x.chirality.is_tetrahedral());
    let tagged: Vec<AtomIdx> = (0..n as u32)
        .map(AtomIdx)
        .filter(|&a| is_tagged(a))
        .collect();
    // the atoms whose conjugation step can mark a tagged atom's bond (the
    // tagged atoms and their neighbours), and the atoms those steps look at
    let mut steps: Vec<AtomIdx> = Vec::new();
    for &t in &tagged {
        steps.push(t);
        steps.extend(mol.neighbors(t).iter().map(|&(x, _)| x));
    }
    steps.sort_unstable();
    steps.dedup();
    let mut info: Vec<Option<(bool, usize)>> = vec![None; n];
    for &x in &steps {
        for y in std::iter::once(x).chain(mol.neighbors(x).iter().map(|&(y, _)| y)) {
            if info.get(y.index()).is_some_and(Option::is_none) {
                let st = state_of(y)?;
                if let Some(slot) = info.get_mut(y.index()) {
                    *slot = Some(conj_info(mol, y, &st));
                }
            }
        }
    }
    let mut conj: Vec<bool> = mol.bonds.iter().map(|b| b.aromatic).collect();
    let mut info_of = |a: AtomIdx| info.get(a.index()).copied().flatten().unwrap_or((false, 0));
    for &x in &steps {
        mark_conjugated_at(mol, x, &mut info_of, &mut |b| {
            let touches_tagged = mol
                .bond(b)
                .is_some_and(|bd| is_tagged(bd.begin) || is_tagged(bd.end));
            if let (true, Some(f)) = (touches_tagged, conj.get_mut(b.index())) {
                *f = true;
            }
        });
    }
    let mut hybridization = vec![Hybridization::Unspecified; n];
    for &t in &tagged {
        let st = state_of(t)?;
        if let Some(h) = hybridization.get_mut(t.index()) {
            *h = hybridization_of(mol, t, &st, &conj);
        }
    }
    Ok((conj, hybridization))
}

impl Mol {
    /// Hybridisation of every atom as RDKit's `setHybridization` assigns it
    /// after sanitisation (computed on demand: the molecule does not store it).
    pub fn hybridizations(&self) -> Result<Vec<Hybridization>> {
        Ok(self.stereo_perception_inputs()?.2)
    }

    /// What stereo perception looks at beside the graph: the molecule as a
    /// builder, conjugated bonds and hybridisation (not stored in `Mol`).
    fn stereo_perception_inputs(&self) -> Result<(MolBuilder, Vec<bool>, Vec<Hybridization>)> {
        let b = self.to_builder();
        let states = atom_states(&b)?;
        let conjugated = conjugation(&b, &states);
        let hybridization = hybridization(&b, &states, &conjugated);
        Ok((b, conjugated, hybridization))
    }

    /// The E/Z labels and ring-stereo groups that RDKit's legacy stereo
    /// perception derives from the tags (computed on demand; empty when the
    /// molecule has no stereo).
    pub fn legacy_stereo(&self) -> Result<crate::stereo::LegacyStereo> {
        self.legacy_stereo_with(true)
    }

    /// [`Mol::legacy_stereo`] without its shortcuts (E/Z labels always from
    /// the full legacy labelling, ring-stereo groups always from the full
    /// codes): the reference tests compare them with. Not for production use.
    #[doc(hidden)]
    pub fn legacy_stereo_without_shortcuts(&self) -> Result<crate::stereo::LegacyStereo> {
        self.legacy_stereo_with(false)
    }

    fn legacy_stereo_with(&self, shortcuts: bool) -> Result<crate::stereo::LegacyStereo> {
        // (empty lists, nothing allocated, for the many molecules without
        // stereo bonds or ring stereo)
        let mut out = crate::stereo::LegacyStereo::default();
        // E/Z as RDKit's legacy perception labels them (relative to the
        // highest-ranked neighbours)
        // (whole-list folds, without an exit test per item: every molecule
        // written as canonical SMILES is scanned; fewer instructions than
        // `any` in callgrind)
        if self.bonds.iter().fold(false, |acc, b| {
            acc | !matches!(b.stereo, crate::mol::BondStereo::None)
        }) {
            out.bond_z = if shortcuts {
                crate::canon_rdkit::legacy_bond_labels(self)
            } else {
                crate::canon_rdkit::legacy_labels(self).bond_z
            };
        }
        // ring stereo needs two tagged ring atoms
        let any_tag = self
            .atoms
            .iter()
            .fold(false, |acc, a| acc | a.chirality.is_tetrahedral());
        let rings = self.rings();
        let tagged_ring_atoms = if any_tag {
            self.atom_indices()
                .filter(|&a| self.atom(a).chirality.is_tetrahedral() && rings.is_ring_atom(a))
                .take(2)
                .count()
        } else {
            0
        };
        if tagged_ring_atoms >= 2 {
            // only the tagged atoms' legality is asked for
            let b = self.to_builder();
            let (conjugated, hybridization) = stereo_inputs_of_tags(&b, true)?;
            let inputs = StereoInputs {
                rings: self.rings(),
                hybridization: &hybridization,
                conjugated: &conjugated,
            };
            out.ring_stereo_group =
                crate::stereo::legacy_ring_stereo_groups(&b, &inputs, shortcuts);
        }
        Ok(out)
    }

    /// Atoms that RDKit's legacy stereo perception flags as possible
    /// stereocentres, assigned or not (what
    /// `Chem.FindMolChiralCenters(mol, includeUnassigned=True)` lists).
    ///
    /// ```
    /// use shennong_mol::{Atom, BondOrder, MolBuilder};
    /// // butan-2-ol, CC(O)CC: one unassigned centre
    /// let mut b = MolBuilder::new();
    /// let atoms: Vec<_> = [6, 6, 8, 6, 6].iter().map(|&z| b.add_atom(Atom::new(z))).collect();
    /// for (x, y) in [(0, 1), (1, 2), (1, 3), (3, 4)] {
    ///     b.add_bond(atoms[x], atoms[y], BondOrder::Single).unwrap();
    /// }
    /// let mol = b.sanitize().unwrap();
    /// assert_eq!(mol.possible_stereocenters().unwrap(), vec![atoms[1]]);
    /// ```
    pub fn possible_stereocenters(&self) -> Result<Vec<AtomIdx>> {
        let (b, conjugated, hybridization) = self.stereo_perception_inputs()?;
        let inputs = StereoInputs {
            rings: self.rings(),
            hybridization: &hybridization,
            conjugated: &conjugated,
        };
        Ok(crate::stereo::possible_centers(&b, &inputs)
            .iter()
            .enumerate()
            .filter(|(_, &p)| p)
            .map(|(i, _)| AtomIdx(i as u32))
            .collect())
    }
}
