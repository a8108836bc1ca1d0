//! MDL molfiles and SD files for Shennong: V2000 and V3000 reading (charges,
//! isotopes, radicals, aliases, SD data items, stereo from wedges and 3D
//! coordinates) and writing that keeps coordinates and data items: V2000,
//! or V3000 where V2000's fixed columns cannot hold the molecule (more than
//! 999 atoms or bonds, atom-map numbers above 999).
//!
//! ```
//! let mol = shennong_smiles::parse("CCO").unwrap();
//! let block = shennong_sdf::write_molblock(&mol, "ethanol").unwrap();
//! let back = shennong_sdf::read_molblock(&block).unwrap();
//! assert_eq!(shennong_smiles::to_smiles(&back), shennong_smiles::to_smiles(&mol));
//! ```
#![deny(missing_docs)]

mod error;
mod nontetrahedral;
mod reader;
mod sd;
mod writer;

pub use error::{MolfileError, ReadError, WriteError};
pub use reader::{parse_molfile, RawMolfile};
pub use sd::{split_record, SdRecord, SdRecords};
pub use writer::{write_molblock, write_sd_record};

use shennong_mol::{sanitize, Mol, RemovedHydrogens, SanitizeOptions};

/// Parses and sanitises a molblock as RDKit's `MolFromMolBlock` does:
/// hydrogen atoms are merged before the valence check, and only a
/// neighbour that needs them keeps their count
/// ([`RemovedHydrogens::CountedWhereNeeded`]), so a carbon drawn with one
/// H atom too many reads with the hydrogens its valence allows.
pub fn read_molblock(text: &str) -> Result<Mol, ReadError> {
    let raw = parse_molfile(text)?;
    let options = SanitizeOptions {
        removed_hydrogens: RemovedHydrogens::CountedWhereNeeded,
        ..SanitizeOptions::default()
    };
    Ok(sanitize(raw.mol, &options)?)
}
