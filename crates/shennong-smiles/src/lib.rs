//! SMILES for Shennong: an OpenSMILES reader with column-precise errors and
//! a canonical writer.
//!
//! ```
//! let mol = shennong_smiles::parse("C1=CC=CC=C1O").unwrap();
//! assert_eq!(shennong_smiles::to_smiles(&mol), shennong_smiles::to_smiles(
//!     &shennong_smiles::parse("Oc1ccccc1").unwrap()));
//! let err = shennong_smiles::parse("C1CC").unwrap_err();
//! assert_eq!(err.to_string(), "SMILES error at column 2: ring bond 1 is never closed");
//! ```
#![deny(missing_docs)]

mod cx;
mod error;
mod parser;
mod rdkit;
mod writer;

pub use error::{ParseError, SmilesError};
pub use parser::parse_raw;
pub use rdkit::to_rdkit_smiles;
pub use writer::{to_smiles, write_smiles, WriteOptions};

use shennong_mol::{sanitize, Mol, SanitizeOptions};

/// Parses and sanitises a SMILES. Text after the first whitespace is
/// ignored, except a CXSMILES block (`|...|`) right after it, whose
/// radicals, coordination bonds and zero-order bonds are applied as RDKit
/// applies them (its other sections do not change the molecule).
///
/// ```
/// let mol = shennong_smiles::parse("CC |^1:1|").unwrap();
/// assert_eq!(shennong_smiles::to_smiles(&mol), "[CH2]C");
/// ```
pub fn parse(text: &str) -> Result<Mol, ParseError> {
    let (mut raw, token_end) = parser::parse_token(text)?;
    if let Some((offset, content)) = cx::block_after(text, token_end) {
        let input = text.trim_end_matches(['\r', '\n']);
        cx::apply(&mut raw, content, offset, input)?;
    }
    Ok(sanitize(raw, &SanitizeOptions::default())?)
}

/// Reads a SMILES that Shennong itself wrote from a sanitised molecule (such
/// as an index's SMILES column) without re-perceiving what the text already
/// says; see [`shennong_mol::sanitize_trusted`]. It skips most of
/// [`parse`]'s perception work, and equals it on such input.
///
/// ```
/// let written = shennong_smiles::to_smiles(&shennong_smiles::parse("OC1=CC=CC=C1").unwrap());
/// let mol = shennong_smiles::parse_trusted(&written).unwrap();
/// assert_eq!(shennong_smiles::to_smiles(&mol), written);
/// ```
pub fn parse_trusted(text: &str) -> Result<Mol, ParseError> {
    let raw = parse_raw(text)?;
    Ok(shennong_mol::sanitize_trusted(raw)?)
}

/// Whether the canonical SMILES of `mol` may read back as another form, as
/// RDKit's does for the same molecules:
///
/// - a dummy atom in a ring (the Kekulé walk visits atoms in index order
///   and a dummy need not take a double bond, so which ring comes out
///   aromatic can depend on the atom order that canonical writing changes);
/// - a double, triple or quadruple bond flagged aromatic (written with its
///   order, read back aromatic, as in `NN*$1*N*1*B`);
/// - an aromatic bond between atoms outside rings next to a stereo double
///   bond (written with the `/` or `\` that takes the place of its `:`,
///   read back single, as in `CC(C)=CCC/C(:C)=C/C=C/C(C)=C/C`);
/// - a neutral chlorine, bromine or iodine bonded only to oxygens and
///   holding implicit hydrogens (`I=O` is written `O=[IH]`, whose hydrogen,
///   now explicit, puts the iodine in RDKit's halogen-oxide clean-up:
///   `[O-][IH+]`);
/// - an aromatic form that is not a fixed point of kekulising and
///   perceiving again: one with no Kekulé structure under a reader's rules
///   (`Is5P0Ps0P5` and `PP0Pb=b0P` perceive as `Is1[pH]s2p1P2` and
///   `Pb1b[pH]p1P`, aromatic atoms above their default valence or without
///   a partner, which neither RDKit 2026.09 nor we can read back; such
///   molecules cannot be written Kekulé or to SD files either), or one
///   whose Kekulé form perceives as another aromatic set
///   (`P0Pb0b5PPb=5PI` -> `IPb1[pH][pH]b1B1PP1`, which reads back, in
///   RDKit as in Shennong, without aromatic rings);
/// - a non-tetrahedral centre with two neighbours, or an octahedral one
///   with two to four (RDKit writes a permutation number for the positions
///   it fills with hydrogens or lone pairs that reads back as another:
///   `C[P@OH3]N` is written `C[P@OH7]N`, which is written `C[P@OH22]N`;
///   with more neighbours its strings are fixed points).
///
/// None of the 314,389 real molecules of the shared sets is named.
/// For every other molecule the canonical string is a fixed point: it
/// reads back to the same molecule and string (the fuzz targets check
/// both).
///
/// ```
/// let mol = shennong_smiles::parse("NN*$1*N*1*B").unwrap();
/// assert!(shennong_smiles::canonical_may_drift(&mol));
/// let benzene = shennong_smiles::parse("c1ccccc1").unwrap();
/// assert!(!shennong_smiles::canonical_may_drift(&benzene));
/// ```
pub fn canonical_may_drift(mol: &Mol) -> bool {
    let aromatic_multiple = mol.bonds().iter().any(|b| {
        b.aromatic
            && matches!(
                b.order,
                shennong_mol::BondOrder::Double
                    | shennong_mol::BondOrder::Triple
                    | shennong_mol::BondOrder::Quadruple
            )
    });
    let unflagged_aromatic = mol
        .bonds()
        .iter()
        .any(|b| b.order == shennong_mol::BondOrder::Aromatic && !b.aromatic);
    let stereo_double = mol
        .bonds()
        .iter()
        .any(|b| b.stereo != shennong_mol::BondStereo::None);
    let halogen_oxide_with_h = mol.atom_indices().any(|a| {
        let atom = mol.atom(a);
        matches!(atom.atomic_num, 17 | 35 | 53)
            && atom.formal_charge == 0
            && atom.implicit_hs() > 0
            && !mol.neighbors(a).is_empty()
            && mol
                .neighbors(a)
                .iter()
                .all(|&(x, _)| mol.atom(x).atomic_num == 8)
    });
    let partial_shape = mol.atom_indices().any(|a| match mol.atom(a).chirality {
        shennong_mol::Chirality::Other { class, .. } => {
            let degree = mol.neighbors(a).len();
            degree == 2
                || (class == shennong_mol::StereoClass::Octahedral && (2..=4).contains(&degree))
        }
        _ => false,
    });
    aromatic_multiple
        || !aromaticity_is_a_fixed_point(mol)
        || partial_shape
        || (unflagged_aromatic && stereo_double)
        || halogen_oxide_with_h
        || mol
            .atom_indices()
            .any(|a| mol.atom(a).atomic_num == 0 && mol.rings().is_ring_atom(a))
}

/// Whether the molecule's Kekulé form, perceived again, has the same
/// aromatic atoms (`false` also when there is no Kekulé form).
fn aromaticity_is_a_fixed_point(mol: &Mol) -> bool {
    let Ok(kekule) = mol.kekulized() else {
        return false;
    };
    let Ok(again) = sanitize(kekule.to_builder(), &SanitizeOptions::default()) else {
        return false;
    };
    again.num_atoms() == mol.num_atoms()
        && again
            .atoms()
            .iter()
            .zip(mol.atoms())
            .all(|(x, y)| x.aromatic == y.aromatic)
}

/// RDKit's reading of `@`/`@@` on an atom with three neighbours, no
/// hydrogen, only single bonds and exactly one ring-closure digit (such as
/// `C[C@@H]1CC[S@@+]1[O-]` or `C[P@]1CCC1`): the tag means the opposite of
/// what the written neighbour order gives (RDKit `chiralAtomNeedsTagInversion`,
/// applied when reading and when writing). We follow it so that such SMILES
/// mean what they mean in RDKit; unsaturated atoms (`C[S@]1(=O)CCC1`) are
/// read plainly.
pub(crate) fn rdkit_ring_closure_inversion(
    degree: usize,
    hydrogens: u8,
    unsaturated: bool,
    ring_closures: usize,
) -> bool {
    degree == 3 && hydrogens != 1 && ring_closures == 1 && !unsaturated
}
