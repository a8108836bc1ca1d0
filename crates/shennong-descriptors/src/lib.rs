//! RDKit's 2D descriptors, under RDKit's names and with RDKit 2026.09's
//! values: weights and counts, ring counts, TPSA, Crippen logP/MR, Labute
//! ASA, connectivity and shape indices, Balaban J, Bertz CT, `fr_*`
//! functional-group counts, QED, the SA score, and Lipinski/Veber flags.
//!
//! A [`DescriptorSet`] names the descriptors to compute; its [`spec`]
//! string (with [`SPEC_VERSION`]) identifies the definitions, so that models
//! trained on one set can refuse another.
//!
//! ```
//! use shennong_descriptors::DescriptorSet;
//! let set = DescriptorSet::from_names(&["MolWt", "TPSA", "NumHDonors"]).unwrap();
//! let aspirin = shennong_smiles::parse("CC(=O)Oc1ccccc1C(=O)O").unwrap();
//! let v = set.compute(&aspirin);
//! assert!((v[0] - 180.159).abs() < 1e-9);
//! assert!((v[1] - 63.6).abs() < 1e-9);
//! assert_eq!(v[2], 1.0);
//! ```
//!
//! [`spec`]: DescriptorSet::spec
#![deny(missing_docs)]

mod basic;
mod context;
mod crippen;
mod fragments;
mod qed;
mod sascore;
mod surface;
mod tables;
mod topology;

use std::sync::OnceLock;

pub use context::MolContext;
use shennong_mol::Mol;

use basic::{RingAtoms, RingKind};

/// Version of the descriptor definitions; bumped whenever a value changes.
pub const SPEC_VERSION: u32 = 1;

/// The RDKit release whose values these descriptors reproduce.
pub const RDKIT_REFERENCE: &str = "2026.09";

/// A descriptor name that is not known, or a spec that does not match.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DescriptorError {
    /// No descriptor has this name.
    #[error("unknown descriptor '{0}' (see `shennong desc --list` for the {n} names)", n = all_names().len())]
    UnknownName(String),
    /// A descriptor-set spec that cannot be read or was made by other definitions.
    #[error("descriptor set spec: {0}")]
    BadSpec(String),
}

#[derive(Clone, Copy)]
enum Calc {
    Func(fn(&MolContext) -> f64),
    Fragment(usize),
}

/// One descriptor.
#[derive(Clone)]
pub struct Descriptor {
    name: String,
    integer: bool,
    description: String,
    calc: Calc,
}

impl Descriptor {
    /// RDKit's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether values are whole numbers (counts, flags).
    pub fn is_integer(&self) -> bool {
        self.integer
    }

    /// One line on what it measures.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Its value for a prepared molecule (NaN where RDKit gives none).
    pub fn compute(&self, ctx: &MolContext) -> f64 {
        match self.calc {
            Calc::Func(f) => f(ctx),
            Calc::Fragment(i) => fragments::fragments()
                .get(i)
                .and_then(|f| f.query.as_ref())
                .map_or(f64::NAN, |q| ctx.count(q) as f64),
        }
    }
}

type Entry = (&'static str, bool, &'static str, fn(&MolContext) -> f64);

fn builtin() -> Vec<Entry> {
    vec![
        (
            "MolWt",
            false,
            "average molecular weight",
            basic::avg_mol_wt,
        ),
        (
            "HeavyAtomMolWt",
            false,
            "average molecular weight ignoring hydrogens",
            |c| basic::mol_wt(c, true),
        ),
        (
            "ExactMolWt",
            false,
            "monoisotopic molecular weight",
            basic::exact_mol_wt,
        ),
        (
            "NumValenceElectrons",
            true,
            "valence electrons",
            basic::num_valence_electrons,
        ),
        (
            "NumRadicalElectrons",
            true,
            "radical electrons",
            basic::num_radical_electrons,
        ),
        (
            "FpDensityMorgan1",
            false,
            "distinct Morgan radius-1 environments per heavy atom",
            |c| sascore::fp_density_morgan(c, 1),
        ),
        (
            "FpDensityMorgan2",
            false,
            "distinct Morgan radius-2 environments per heavy atom",
            |c| sascore::fp_density_morgan(c, 2),
        ),
        (
            "FpDensityMorgan3",
            false,
            "distinct Morgan radius-3 environments per heavy atom",
            |c| sascore::fp_density_morgan(c, 3),
        ),
        (
            "BalabanJ",
            false,
            "Balaban's J (Chem. Phys. Lett. 1982, 89, 399)",
            topology::balaban_j,
        ),
        (
            "BertzCT",
            false,
            "Bertz complexity (J. Am. Chem. Soc. 1981, 103, 3599)",
            topology::bertz_ct,
        ),
        (
            "Chi0",
            false,
            "connectivity index of order 0",
            topology::chi0,
        ),
        (
            "Chi0n",
            false,
            "connectivity index of order 0 on outer electrons",
            |c| topology::chi_n(c, 0),
        ),
        (
            "Chi0v",
            false,
            "valence connectivity index of order 0",
            |c| topology::chi_v(c, 0),
        ),
        (
            "Chi1",
            false,
            "connectivity index of order 1",
            topology::chi1,
        ),
        (
            "Chi1n",
            false,
            "connectivity index of order 1 on outer electrons",
            |c| topology::chi_n(c, 1),
        ),
        (
            "Chi1v",
            false,
            "valence connectivity index of order 1",
            |c| topology::chi_v(c, 1),
        ),
        (
            "Chi2n",
            false,
            "connectivity index of order 2 on outer electrons",
            |c| topology::chi_n(c, 2),
        ),
        (
            "Chi2v",
            false,
            "valence connectivity index of order 2",
            |c| topology::chi_v(c, 2),
        ),
        (
            "Chi3n",
            false,
            "connectivity index of order 3 on outer electrons",
            |c| topology::chi_n(c, 3),
        ),
        (
            "Chi3v",
            false,
            "valence connectivity index of order 3",
            |c| topology::chi_v(c, 3),
        ),
        (
            "Chi4n",
            false,
            "connectivity index of order 4 on outer electrons",
            |c| topology::chi_n(c, 4),
        ),
        (
            "Chi4v",
            false,
            "valence connectivity index of order 4",
            |c| topology::chi_v(c, 4),
        ),
        (
            "HallKierAlpha",
            false,
            "Hall-Kier alpha",
            topology::hall_kier_alpha,
        ),
        (
            "Kappa1",
            false,
            "Kier shape index kappa 1",
            topology::kappa1,
        ),
        (
            "Kappa2",
            false,
            "Kier shape index kappa 2",
            topology::kappa2,
        ),
        (
            "Kappa3",
            false,
            "Kier shape index kappa 3",
            topology::kappa3,
        ),
        ("Phi", false, "Kier flexibility index", topology::phi),
        (
            "LabuteASA",
            false,
            "Labute's approximate surface area",
            surface::labute_asa,
        ),
        (
            "TPSA",
            false,
            "topological polar surface area (N, O)",
            surface::tpsa,
        ),
        (
            "FractionCSP3",
            false,
            "fraction of sp3 carbons",
            basic::fraction_csp3,
        ),
        (
            "HeavyAtomCount",
            true,
            "heavy atoms",
            basic::heavy_atom_count,
        ),
        (
            "NHOHCount",
            true,
            "NH and OH hydrogens (Lipinski donors)",
            basic::nhoh_count,
        ),
        (
            "NOCount",
            true,
            "nitrogens and oxygens (Lipinski acceptors)",
            basic::no_count,
        ),
        (
            "NumAliphaticCarbocycles",
            true,
            "aliphatic carbocycles",
            |c| basic::ring_count(c, RingKind::Aliphatic, RingAtoms::Carbo),
        ),
        (
            "NumAliphaticHeterocycles",
            true,
            "aliphatic heterocycles",
            |c| basic::ring_count(c, RingKind::Aliphatic, RingAtoms::Hetero),
        ),
        ("NumAliphaticRings", true, "aliphatic rings", |c| {
            basic::ring_count(c, RingKind::Aliphatic, RingAtoms::Any)
        }),
        ("NumAmideBonds", true, "amide bonds", basic::num_amide_bonds),
        (
            "NumAromaticCarbocycles",
            true,
            "aromatic carbocycles",
            |c| basic::ring_count(c, RingKind::Aromatic, RingAtoms::Carbo),
        ),
        (
            "NumAromaticHeterocycles",
            true,
            "aromatic heterocycles",
            |c| basic::ring_count(c, RingKind::Aromatic, RingAtoms::Hetero),
        ),
        ("NumAromaticRings", true, "aromatic rings", |c| {
            basic::ring_count(c, RingKind::Aromatic, RingAtoms::Any)
        }),
        ("NumBridgeheadAtoms", true, "bridgehead atoms", |c| {
            sascore::bridgehead_atoms(c) as f64
        }),
        (
            "NumHAcceptors",
            true,
            "hydrogen-bond acceptors",
            basic::num_h_acceptors,
        ),
        (
            "NumHDonors",
            true,
            "hydrogen-bond donors",
            basic::num_h_donors,
        ),
        (
            "NumHeteroatoms",
            true,
            "atoms other than C and H",
            basic::num_heteroatoms,
        ),
        ("NumHeterocycles", true, "heterocycles", |c| {
            basic::ring_count(c, RingKind::All, RingAtoms::Hetero)
        }),
        (
            "NumRotatableBonds",
            true,
            "rotatable bonds (RDKit's strict definition)",
            basic::num_rotatable_bonds,
        ),
        (
            "NumSaturatedCarbocycles",
            true,
            "saturated carbocycles",
            |c| basic::ring_count(c, RingKind::Saturated, RingAtoms::Carbo),
        ),
        (
            "NumSaturatedHeterocycles",
            true,
            "saturated heterocycles",
            |c| basic::ring_count(c, RingKind::Saturated, RingAtoms::Hetero),
        ),
        ("NumSaturatedRings", true, "saturated rings", |c| {
            basic::ring_count(c, RingKind::Saturated, RingAtoms::Any)
        }),
        ("NumSpiroAtoms", true, "spiro atoms", |c| {
            sascore::spiro_atoms(c) as f64
        }),
        ("RingCount", true, "rings", |c| {
            basic::ring_count(c, RingKind::All, RingAtoms::Any)
        }),
        ("MolLogP", false, "Wildman-Crippen logP", |c| c.crippen().0),
        ("MolMR", false, "Wildman-Crippen molar refractivity", |c| {
            c.crippen().1
        }),
        (
            "qed",
            false,
            "quantitative estimate of drug-likeness (Bickerton et al. 2012)",
            qed::qed,
        ),
        (
            "SAscore",
            false,
            "synthetic accessibility, 1 easy to 10 hard (Ertl & Schuffenhauer 2009)",
            sascore::sa_score,
        ),
        (
            "Lipinski",
            true,
            "1 when at most one of MolWt > 500, MolLogP > 5, NHOHCount > 5, NOCount > 10",
            lipinski,
        ),
        (
            "Veber",
            true,
            "1 when NumRotatableBonds <= 10 and TPSA <= 140",
            veber,
        ),
    ]
}

/// Lipinski's rule of five (Adv. Drug Deliv. Rev. 1997, 23, 3): at most one violation.
fn lipinski(c: &MolContext) -> f64 {
    let violations = [
        basic::avg_mol_wt(c) > 500.0,
        c.crippen().0 > 5.0,
        basic::nhoh_count(c) > 5.0,
        basic::no_count(c) > 10.0,
    ]
    .iter()
    .filter(|&&v| v)
    .count();
    f64::from(u8::from(violations <= 1))
}

/// Veber's oral bioavailability rule (J. Med. Chem. 2002, 45, 2615).
fn veber(c: &MolContext) -> f64 {
    f64::from(u8::from(
        basic::num_rotatable_bonds(c) <= 10.0 && surface::tpsa(c) <= 140.0,
    ))
}

/// Every descriptor, in output order.
pub fn all_descriptors() -> &'static [Descriptor] {
    static ALL: OnceLock<Vec<Descriptor>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<Descriptor> = builtin()
            .into_iter()
            .map(|(name, integer, description, f)| Descriptor {
                name: name.to_string(),
                integer,
                description: description.to_string(),
                calc: Calc::Func(f),
            })
            .collect();
        v.extend(
            fragments::fragments()
                .iter()
                .enumerate()
                .map(|(i, f)| Descriptor {
                    name: f.name.clone(),
                    integer: true,
                    description: f.description.clone(),
                    calc: Calc::Fragment(i),
                }),
        );
        v
    })
}

/// Every descriptor name, in output order.
pub fn all_names() -> Vec<&'static str> {
    all_descriptors().iter().map(|d| d.name()).collect()
}

/// An ordered selection of descriptors.
#[derive(Clone)]
pub struct DescriptorSet {
    members: Vec<Descriptor>,
}

impl DescriptorSet {
    /// All descriptors.
    pub fn all() -> DescriptorSet {
        DescriptorSet {
            members: all_descriptors().to_vec(),
        }
    }

    /// The named descriptors, in the order given (names are RDKit's, case-sensitive).
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Result<DescriptorSet, DescriptorError> {
        let all = all_descriptors();
        let members = names
            .iter()
            .map(|n| {
                let n = n.as_ref().trim();
                all.iter()
                    .find(|d| d.name == n)
                    .cloned()
                    .ok_or_else(|| DescriptorError::UnknownName(n.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DescriptorSet { members })
    }

    /// The descriptors.
    pub fn descriptors(&self) -> &[Descriptor] {
        &self.members
    }

    /// Their names.
    pub fn names(&self) -> Vec<&str> {
        self.members.iter().map(|d| d.name()).collect()
    }

    /// Values for a molecule, in set order.
    pub fn compute(&self, mol: &Mol) -> Vec<f64> {
        let ctx = MolContext::new(mol);
        self.members.iter().map(|d| d.compute(&ctx)).collect()
    }

    /// The versioned spec: `shennong-desc/1 rdkit=2026.09 names=MolWt,TPSA,…`.
    pub fn spec(&self) -> String {
        format!(
            "shennong-desc/{SPEC_VERSION} rdkit={RDKIT_REFERENCE} names={}",
            self.names().join(",")
        )
    }

    /// Reads a spec written by [`DescriptorSet::spec`], refusing other
    /// versions or unknown names.
    pub fn from_spec(spec: &str) -> Result<DescriptorSet, DescriptorError> {
        let bad = |m: String| DescriptorError::BadSpec(m);
        let mut parts = spec.split_whitespace();
        let head = parts.next().unwrap_or_default();
        let version = head
            .strip_prefix("shennong-desc/")
            .ok_or_else(|| bad(format!("'{head}' is not a shennong-desc spec")))?;
        if version != SPEC_VERSION.to_string() {
            return Err(bad(format!(
                "made with descriptor definitions version {version}; this build has version {SPEC_VERSION}"
            )));
        }
        let mut names = None;
        for p in parts {
            match p.split_once('=') {
                Some(("rdkit", v)) if v != RDKIT_REFERENCE => {
                    return Err(bad(format!(
                        "made against RDKit {v}; this build reproduces RDKit {RDKIT_REFERENCE}"
                    )))
                }
                Some(("names", v)) => names = Some(v.split(',').collect::<Vec<_>>()),
                _ => {}
            }
        }
        let names = names.ok_or_else(|| bad("no names=".into()))?;
        DescriptorSet::from_names(&names)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn names_file_lists_every_descriptor() {
        let file = include_str!("../names.txt");
        let listed: Vec<&str> = file
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        assert_eq!(listed, all_names());
    }

    #[test]
    fn spec_round_trips_and_refuses_other_versions() {
        let set = DescriptorSet::from_names(&["MolWt", "qed"]).unwrap();
        let spec = set.spec();
        assert_eq!(spec, "shennong-desc/1 rdkit=2026.09 names=MolWt,qed");
        assert_eq!(
            DescriptorSet::from_spec(&spec).unwrap().names(),
            ["MolWt", "qed"]
        );
        let e = DescriptorSet::from_spec("shennong-desc/9 names=MolWt")
            .err()
            .unwrap();
        assert!(e.to_string().contains("version 9"), "{e}");
        let e = DescriptorSet::from_names(&["MolWT"]).err().unwrap();
        assert_eq!(e, DescriptorError::UnknownName("MolWT".into()));
    }

    #[test]
    fn rdkit_docstring_values() {
        let v = |smi: &str, name: &str| {
            let m = shennong_smiles::parse(smi).unwrap();
            DescriptorSet::from_names(&[name]).unwrap().compute(&m)[0]
        };
        assert!((v("CC", "MolWt") - 30.07).abs() < 1e-9);
        assert!((v("[NH4+].[Cl-]", "HeavyAtomMolWt") - 49.46).abs() < 1e-9);
        assert_eq!(v("C(=O)[O-]", "NumValenceElectrons"), 18.0);
        assert_eq!(v("C[CH]", "NumRadicalElectrons"), 2.0);
        let q = v("N=C(CCSCc1csc(N=C(N)N)n1)NS(N)(=O)=O", "qed");
        assert!((q - 0.253).abs() < 1e-3, "{q}");
    }
}
