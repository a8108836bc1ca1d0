//! Errors from building and perceiving molecules.

use thiserror::Error;

/// Result alias for this crate.
pub type Result<T, E = MolError> = std::result::Result<T, E>;

/// Why a molecule could not be built or perceived. Atom numbers are 0-based
/// indices in input order, as RDKit reports them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MolError {
    /// A bond from an atom to itself.
    #[error("bond from atom {atom} to itself")]
    SelfBond {
        /// The atom.
        atom: usize,
    },
    /// A second bond between the same two atoms.
    #[error("duplicate bond between atoms {begin} and {end}")]
    DuplicateBond {
        /// First atom.
        begin: usize,
        /// Second atom.
        end: usize,
    },
    /// An atom index past the end.
    #[error("no atom {atom}")]
    NoSuchAtom {
        /// The index.
        atom: usize,
    },
    /// Valence above every allowed valence of the element.
    #[error("explicit valence for atom {atom} {symbol}, {valence}, is greater than permitted")]
    Valence {
        /// The atom.
        atom: usize,
        /// Element symbol.
        symbol: String,
        /// Its explicit valence.
        valence: i32,
    },
    /// An aromatic atom whose valence is not an allowed valence.
    #[error(
        "explicit valence for aromatic atom {atom} {symbol} is not equal to any accepted valence"
    )]
    AromaticValence {
        /// The atom.
        atom: usize,
        /// Element symbol.
        symbol: String,
    },
    /// A charge that no valence model accepts.
    #[error("unreasonable formal charge {charge} on atom {atom}")]
    Charge {
        /// The atom.
        atom: usize,
        /// The charge.
        charge: i32,
    },
    /// An atom marked aromatic outside any ring.
    #[error("non-ring atom {atom} marked aromatic")]
    AromaticOutsideRing {
        /// The atom.
        atom: usize,
    },
    /// No Kekulé structure exists for the aromatic system.
    #[error("cannot kekulise ring atoms {}", join(.atoms))]
    Kekulize {
        /// Atoms left without a double bond.
        atoms: Vec<usize>,
    },
}

fn join(atoms: &[usize]) -> String {
    atoms
        .iter()
        .map(|a| a.to_string())
        .collect::<Vec<_>>()
        .join(",")
}
