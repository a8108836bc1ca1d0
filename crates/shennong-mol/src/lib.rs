//! Shennong's molecule model: a compact graph with typed indices, RDKit's
//! element table and valence model, and perception (rings, aromaticity,
//! kekulisation, stereo) in one explicit [`sanitize`](MolBuilder::sanitize) step.
//!
//! ```
//! use shennong_mol::{Atom, BondOrder, MolBuilder};
//! // benzene from aromatic atoms and bonds
//! let mut b = MolBuilder::new();
//! let atoms: Vec<_> = (0..6).map(|_| {
//!     let mut a = Atom::new(6);
//!     a.aromatic = true;
//!     b.add_atom(a)
//! }).collect();
//! for i in 0..6 {
//!     b.add_bond(atoms[i], atoms[(i + 1) % 6], BondOrder::Aromatic).unwrap();
//! }
//! let mol = b.sanitize().unwrap();
//! assert!(mol.atoms().iter().all(|a| a.aromatic && a.total_hs() == 1));
//! assert_eq!(mol.rings().num_rings(), 1);
//! ```
#![deny(missing_docs)]

mod aromaticity;
pub mod canon;
pub mod canon_rdkit;
pub mod element;
mod element_data;
mod error;
mod kekulize;
pub mod layout;
mod mol;
pub mod nontetrahedral;
mod prefetch;
mod ranks;
pub mod rings;
pub mod sanitize;
pub mod scratch;
pub mod slots;
pub mod sort;
pub mod stereo;
mod valence;

pub use error::{MolError, Result};
pub use mol::{
    Atom, AtomIdx, Bond, BondDirection, BondIdx, BondOrder, BondStereo, Chirality, Conformer, Mol,
    MolBuilder, StereoClass,
};
pub use rings::RingInfo;
pub use sanitize::{
    sanitize, sanitize_trusted, sanitize_without_shortcuts, RemovedHydrogens, SanitizeOptions,
};
pub use stereo::Hybridization;

impl MolBuilder {
    /// Hydrogens on atom `a` of this raw molecule as it stands: its explicit
    /// ones plus those RDKit's default valence model adds to its current
    /// bonds (none where it takes no implicit hydrogens, none where its
    /// valence is not allowed). What RDKit's `getTotalNumHs` reads before
    /// sanitisation, for instance when 3D coordinates assign stereo.
    pub fn total_hs_as_is(&self, a: AtomIdx) -> u32 {
        let explicit = self.atom(a).map_or(0, |x| u32::from(x.explicit_hs));
        let implicit = valence::implicit_hs(self, a, false).unwrap_or(0);
        explicit + u32::try_from(implicit.max(0)).unwrap_or(0)
    }

    /// Kekulises the aromatic-flagged part of this raw molecule again, as
    /// RDKit's `Kekulize` does on a molecule edited in its Kekulé form with
    /// the aromatic flags kept (tautomer and reaction products): every bond
    /// still flagged aromatic loses its order, and the ring systems get a
    /// Kekulé structure that fits the atoms' current hydrogens and other
    /// bonds (walk in atom index order). Atoms marked `no_implicit` keep only
    /// their explicit hydrogens. Aromatic flags are cleared; the result is
    /// ready for [`sanitize()`].
    pub fn rekekulize_aromatic(&mut self) -> Result<()> {
        // an atom whose hydrogens were pinned has no implicit ones left
        for atom in &mut self.atoms {
            if atom.no_implicit {
                atom.implicit_hs = 0;
            }
        }
        let rings = sanitize::perceive_rings(&self.bonds, &self.adjacency);
        kekulize::kekulize(self, &rings, None)
    }
}

impl Mol {
    /// A Kekulé form of this molecule: aromatic bonds become alternating
    /// single/double bonds and aromatic flags are cleared; H counts are kept.
    /// The double bonds are the ones RDKit's `Kekulize` (canonical) places:
    /// its walk ordered by RDKit's canonical atom ranks, so the form does not
    /// depend on the input atom order.
    pub fn kekulized(&self) -> Result<Mol> {
        let ranks = self.kekule_walk_ranks();
        let mut b = self.to_builder();
        kekulize::kekulize(&mut b, self.rings(), ranks.as_deref())?;
        Ok(Mol {
            atoms: b.atoms,
            bonds: b.bonds,
            adjacency: b.adjacency,
            rings: self.rings.clone(),
            ring_bonds: self.ring_bonds.clone(),
            conformer: b.conformer,
            bond_ordered: b.bond_ordered,
        })
    }

    /// Canonical atom ranks (RDKit's, per connected component) that order
    /// the Kekulé walk; `None` for molecules without aromatic atoms, or when
    /// the stereo perception the ranks need fails (index order then).
    fn kekule_walk_ranks(&self) -> Option<Vec<u32>> {
        if !self.atoms.iter().any(|a| a.aromatic) {
            return None;
        }
        let stereo = self.legacy_stereo().ok()?;
        let mut ranks = vec![0u32; self.num_atoms()];
        for frag in canon_rdkit::fragments(self) {
            let local = canon_rdkit::rdkit_ranks(self, &frag, &stereo, true);
            for (a, r) in frag.atoms().zip(local) {
                if let Some(slot) = ranks.get_mut(a.index()) {
                    *slot = r;
                }
            }
        }
        Some(ranks)
    }

    /// This molecule with all atom map numbers cleared.
    pub fn without_atom_maps(&self) -> Mol {
        let mut m = self.clone();
        for a in &mut m.atoms {
            a.map_num = 0;
        }
        m
    }

    /// Kekulé bond orders with the aromatic flags of atoms and bonds kept
    /// (RDKit's `Kekulize(mol, markAtomsBonds=false)`): SMARTS `=` then
    /// matches ring double bonds while `c`, `n` still match aromatic atoms.
    pub fn kekule_bonds_keeping_flags(&self) -> Result<Mol> {
        let mut k = self.kekulized()?;
        for (atom, original) in k.atoms.iter_mut().zip(&self.atoms) {
            atom.aromatic = original.aromatic;
        }
        for (bond, original) in k.bonds.iter_mut().zip(&self.bonds) {
            bond.aromatic = original.aromatic;
        }
        Ok(k)
    }

    /// Hydrogens a reader would add to this atom by default valence rules
    /// (same element, charge and radicals, these bonds, no explicit H): what
    /// an unbracketed SMILES atom or a molfile atom without a valence field gets.
    pub fn default_hs(&self, a: AtomIdx) -> Option<u8> {
        let env = self.bond_env(a, 0)?;
        let h = valence::implicit_hs_of(&env, false).ok()?;
        u8::try_from(h).ok()
    }

    /// [`Mol::total_valence`] and [`Mol::default_hs`] together, from one
    /// pass over the atom's bonds (what a SMILES writer asks of every
    /// unbracketed-looking atom). The two differ only in the explicit
    /// hydrogens counted, so without any they share the explicit valence.
    pub fn total_valence_and_default_hs(&self, a: AtomIdx) -> (i32, Option<u8>) {
        let Some(atom) = self.atoms.get(a.index()) else {
            return (0, None);
        };
        let Some(bare) = self.bond_env(a, 0) else {
            return (0, None);
        };
        if atom.explicit_hs == 0 {
            if let Some((ev, hs)) = valence::simple_valence_counts(&bare) {
                return (ev + i32::from(atom.implicit_hs), u8::try_from(hs).ok());
            }
        }
        let bare_valence = valence::explicit_valence_of(&bare, false);
        let default_hs = bare_valence
            .as_ref()
            .ok()
            .and_then(|&ev| valence::implicit_hs_given(&bare, ev, false).ok())
            .and_then(|h| u8::try_from(h).ok());
        let with_hs = valence::AtomEnv {
            valence_x2: bare.valence_x2 + 2 * i32::from(atom.explicit_hs),
            ..bare
        };
        let explicit = if atom.explicit_hs == 0 {
            bare_valence
        } else {
            valence::explicit_valence_of(&with_hs, false)
        }
        .unwrap_or((with_hs.valence_x2 + 1) / 2);
        (explicit + i32::from(atom.implicit_hs), default_hs)
    }

    /// Hydrogens on an atom including hydrogen atoms of the graph bonded to
    /// it (RDKit's `getTotalNumHs(true)`, what SMARTS `H` and Morgan
    /// invariants count).
    pub fn total_hs_with_graph_hs(&self, a: AtomIdx) -> u32 {
        u32::from(self.atom(a).total_hs())
            + self
                .neighbors(a)
                .iter()
                .filter(|&&(n, _)| self.atom(n).atomic_num == 1)
                .count() as u32
    }

    /// RDKit's total valence of an atom: the explicit valence (bond orders
    /// plus explicit hydrogens, with RDKit's rounding for aromatic atoms) plus
    /// the implicit hydrogens. This is what SMARTS `v` compares.
    pub fn total_valence(&self, a: AtomIdx) -> i32 {
        let Some(atom) = self.atoms.get(a.index()) else {
            return 0;
        };
        let Some(env) = self.bond_env(a, atom.explicit_hs) else {
            return 0;
        };
        let explicit =
            valence::explicit_valence_of(&env, false).unwrap_or((env.valence_x2 + 1) / 2);
        explicit + i32::from(atom.implicit_hs)
    }

    fn bond_env(&self, a: AtomIdx, explicit_hs: u8) -> Option<valence::AtomEnv> {
        let atom = self.atoms.get(a.index())?;
        let bonds = self.neighbors(a).iter().map(|&(_, b)| self.bond(b));
        Some(valence::AtomEnv::from_bonds(
            a,
            atom,
            explicit_hs,
            false,
            bonds,
        ))
    }
}
