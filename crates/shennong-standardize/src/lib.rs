//! Structure standardisation as RDKit's `MolStandardize` (and the ChEMBL
//! structure pipeline it grew from) does it.
//!
//! Steps: [`Standardizer::cleanup`] (hydrogen removal, [metal
//! disconnection](MetalDisconnector), [normalisation](Normalizer) of
//! functional-group drawings, [reionisation](Reionizer)), salt and solvent
//! stripping with a [definition list](SaltRemover), and the parents: fragment
//! (largest fragment), charge (fragment parent, [uncharged](Uncharger)),
//! isotope, stereo and the super parent. Each step returns a new, perceived
//! molecule.
//!
//! ```
//! use shennong_standardize::{Parent, Standardizer};
//! let std = Standardizer::new().unwrap();
//! let mol = shennong_smiles::parse("CC(=O)[O-].[Na+]").unwrap();
//! let parent = std.parent(&mol, Parent::Charge).unwrap();
//! assert_eq!(shennong_smiles::to_smiles(&parent), "CC(=O)O");
//! ```

mod charge;
mod error;
mod fragment;
mod matching;
mod metal;
mod normalize;
mod tautomer;
mod transform;

pub use charge::{Reionizer, Uncharger, DEFAULT_ACID_BASE_PAIRS};
pub use error::{Result, StandardizeError};
pub use fragment::{largest_fragment, SaltDefinition, SaltRemover};
pub use metal::MetalDisconnector;
pub use normalize::{Normalizer, DEFAULT_NORMALIZATIONS, MAX_RESTARTS};
pub use tautomer::{TautomerCanonicalizer, DEFAULT_TAUTOMER_TRANSFORMS};
pub use transform::Transform;

use normalize::reperceived;
use shennong_mol::{sanitize, BondDirection, BondStereo, Chirality, Mol, SanitizeOptions};

/// Which standardised form to produce (RDKit's `rdMolStandardize` functions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Parent {
    /// `Cleanup`: hydrogens removed, metals disconnected, normalised, reionised.
    Cleanup,
    /// `FragmentParent`: the clean-up, then the largest fragment.
    Fragment,
    /// `ChargeParent`: the fragment parent, uncharged, cleaned up again.
    Charge,
    /// `IsotopeParent`: the clean-up with every isotope label removed.
    Isotope,
    /// `StereoParent`: the clean-up with all stereo removed.
    Stereo,
    /// `SuperParent` without the tautomer step: charge, isotope and stereo
    /// parents in turn.
    SuperNoTautomer,
    /// `TautomerParent`: the clean-up, the canonical tautomer, cleaned up again.
    Tautomer,
    /// The charge parent's canonical tautomer (`TautomerParent(ChargeParent(m))`):
    /// the full registration pipeline.
    Full,
    /// `SuperParent`: charge, isotope, stereo and tautomer parents in turn.
    Super,
}

impl Parent {
    /// Every parent with its command-line name.
    pub const ALL: [(&'static str, Parent); 9] = [
        ("full", Parent::Full),
        ("cleanup", Parent::Cleanup),
        ("fragment", Parent::Fragment),
        ("charge", Parent::Charge),
        ("isotope", Parent::Isotope),
        ("stereo", Parent::Stereo),
        ("tautomer", Parent::Tautomer),
        ("super", Parent::Super),
        ("super-no-tautomer", Parent::SuperNoTautomer),
    ];

    /// The parent named `name` (see [`Parent::ALL`]).
    pub fn from_name(name: &str) -> Option<Parent> {
        Parent::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|&(_, p)| p)
    }
}

/// The standardisation steps with their definitions.
#[derive(Debug, Clone)]
pub struct Standardizer {
    metals: MetalDisconnector,
    normalizer: Normalizer,
    reionizer: Reionizer,
    uncharger: Uncharger,
    tautomers: TautomerCanonicalizer,
    salts: Option<SaltRemover>,
    /// Let a fragment holding carbon win over any inorganic one (RDKit's
    /// `preferOrganic`, off by default).
    pub prefer_organic: bool,
}

impl Standardizer {
    /// RDKit's defaults, no salt list.
    pub fn new() -> Result<Standardizer> {
        Ok(Standardizer {
            metals: MetalDisconnector::new()?,
            normalizer: Normalizer::rdkit_default()?,
            reionizer: Reionizer::new()?,
            uncharger: Uncharger::new()?,
            tautomers: TautomerCanonicalizer::new()?,
            salts: None,
            prefer_organic: false,
        })
    }

    /// Strips these salts and solvents (whole fragments) before the largest
    /// fragment is chosen.
    pub fn with_salts(mut self, salts: SaltRemover) -> Standardizer {
        self.salts = Some(salts);
        self
    }

    /// RDKit's `Cleanup`: hydrogen atoms removed, metals disconnected,
    /// normalised, reionised, stereo re-perceived.
    pub fn cleanup(&self, mol: &Mol) -> Result<Mol> {
        let mut m = if mol.atoms().iter().any(|a| a.atomic_num == 1) {
            sanitize(mol.to_builder(), &SanitizeOptions::default()).map_err(|source| {
                StandardizeError::Perception {
                    step: "hydrogen removal",
                    source,
                }
            })?
        } else {
            mol.clone()
        };
        m = self.metals.disconnect(&m)?;
        m = self.normalizer.normalize(&m);
        self.reionizer.reionize(&m)
    }

    /// The largest fragment of an already cleaned-up molecule, after salt
    /// stripping when a salt list is set.
    fn choose_fragment(&self, mol: &Mol) -> Result<Mol> {
        let stripped = match &self.salts {
            Some(s) => s.strip(mol)?,
            None => mol.clone(),
        };
        largest_fragment(&stripped, self.prefer_organic)
    }

    fn charge_parent_of_clean(&self, clean: &Mol) -> Result<Mol> {
        let frag = self.choose_fragment(clean)?;
        let neutral = self.uncharger.uncharge(&frag)?;
        self.cleanup(&neutral)
    }

    /// One parent of `mol`.
    pub fn parent(&self, mol: &Mol, parent: Parent) -> Result<Mol> {
        let clean = self.cleanup(mol)?;
        match parent {
            Parent::Cleanup => Ok(clean),
            Parent::Fragment => self.choose_fragment(&clean),
            Parent::Charge => self.charge_parent_of_clean(&clean),
            Parent::Isotope => clear_isotopes(&clean),
            Parent::Stereo => remove_stereo(&clean),
            Parent::SuperNoTautomer | Parent::Super => {
                let charge = self.charge_parent_of_clean(&clean)?;
                let plain = remove_stereo(&clear_isotopes(&charge)?)?;
                if parent == Parent::Super {
                    let taut = self.cleanup(&self.tautomers.canonicalize(&plain))?;
                    self.cleanup(&taut)
                } else {
                    self.cleanup(&plain)
                }
            }
            Parent::Tautomer => self.cleanup(&self.tautomers.canonicalize(&clean)),
            Parent::Full => {
                let charge = self.charge_parent_of_clean(&clean)?;
                self.cleanup(&self.tautomers.canonicalize(&charge))
            }
        }
    }
}

/// Every isotope label removed (RDKit's isotope parent step).
pub fn clear_isotopes(mol: &Mol) -> Result<Mol> {
    if mol.atoms().iter().all(|a| a.isotope == 0) {
        return Ok(mol.clone());
    }
    let mut b = mol.to_builder();
    for i in 0..b.num_atoms() as u32 {
        if let Some(atom) = b.atom_mut(shennong_mol::AtomIdx(i)) {
            atom.isotope = 0;
        }
    }
    reperceived(b, "isotope removal")
}

/// All tetrahedral and double-bond stereo removed (RDKit's
/// `removeStereochemistry`).
pub fn remove_stereo(mol: &Mol) -> Result<Mol> {
    let mut b = mol.to_builder();
    for i in 0..b.num_atoms() as u32 {
        if let Some(atom) = b.atom_mut(shennong_mol::AtomIdx(i)) {
            atom.chirality = Chirality::None;
        }
    }
    for j in 0..b.num_bonds() as u32 {
        if let Some(bond) = b.bond_mut(shennong_mol::BondIdx(j)) {
            bond.stereo = BondStereo::None;
            bond.direction = BondDirection::None;
        }
    }
    reperceived(b, "stereo removal")
}
