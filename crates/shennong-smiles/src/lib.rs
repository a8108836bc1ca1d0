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

mod error;
mod parser;
mod rdkit;
mod writer;

pub use error::{ParseError, SmilesError};
pub use parser::parse_raw;
pub use rdkit::to_rdkit_smiles;
pub use writer::{to_smiles, write_smiles, WriteOptions};

use shennong_mol::{sanitize, Mol, SanitizeOptions};

/// Parses and sanitises a SMILES (text after the first whitespace is ignored).
pub fn parse(text: &str) -> Result<Mol, ParseError> {
    let raw = parse_raw(text)?;
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

/// Whether the canonical SMILES of `mol` may change once when read back and
/// written again: a double, triple or quadruple bond flagged aromatic (a
/// ring closed through dummy atoms, as in `NN*$1*N*1*B`) is written with its
/// order and read back aromatic. RDKit's writer does the same; the second
/// string is stable. For every other molecule the canonical string is a
/// fixed point (the fuzz targets check both).
///
/// ```
/// let mol = shennong_smiles::parse("NN*$1*N*1*B").unwrap();
/// assert!(shennong_smiles::rewrites_once(&mol));
/// assert!(!shennong_smiles::rewrites_once(&shennong_smiles::parse("c1ccccc1").unwrap()));
/// ```
pub fn rewrites_once(mol: &Mol) -> bool {
    mol.bonds().iter().any(|b| {
        b.aromatic
            && matches!(
                b.order,
                shennong_mol::BondOrder::Double
                    | shennong_mol::BondOrder::Triple
                    | shennong_mol::BondOrder::Quadruple
            )
    })
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
