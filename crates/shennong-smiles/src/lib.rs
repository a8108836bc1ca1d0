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
mod writer;

pub use error::{ParseError, SmilesError};
pub use parser::parse_raw;
pub use writer::{to_smiles, write_smiles, WriteOptions};

use shennong_mol::{sanitize, Mol, SanitizeOptions};

/// Parses and sanitises a SMILES (text after the first whitespace is ignored).
pub fn parse(text: &str) -> Result<Mol, ParseError> {
    let raw = parse_raw(text)?;
    Ok(sanitize(raw, &SanitizeOptions::default())?)
}
