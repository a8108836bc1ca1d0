//! Per-molecule state shared by descriptors: a SMARTS target and quantities
//! several descriptors need (computed once, on first use).

use std::cell::OnceCell;

use shennong_mol::{AtomIdx, Hybridization, Mol};
use shennong_smarts::{MatchOptions, Query, Target};

/// A molecule prepared for descriptor calculation.
pub struct MolContext<'m> {
    pub(crate) mol: &'m Mol,
    pub(crate) target: Target<'m>,
    hybridization: OnceCell<Vec<Hybridization>>,
    crippen: OnceCell<(f64, f64)>,
    bo_distances: OnceCell<Vec<f64>>,
    kappa_paths: OnceCell<(usize, usize)>,
}

impl<'m> MolContext<'m> {
    /// Prepares `mol` (a sanitized molecule).
    pub fn new(mol: &'m Mol) -> MolContext<'m> {
        MolContext {
            mol,
            target: Target::new(mol),
            hybridization: OnceCell::new(),
            crippen: OnceCell::new(),
            bo_distances: OnceCell::new(),
            kappa_paths: OnceCell::new(),
        }
    }

    /// The molecule.
    pub fn mol(&self) -> &'m Mol {
        self.mol
    }

    pub(crate) fn hybridization(&self, a: AtomIdx) -> Hybridization {
        self.hybridization
            .get_or_init(|| self.mol.hybridizations().unwrap_or_default())
            .get(a.index())
            .copied()
            .unwrap_or(Hybridization::Unspecified)
    }

    /// Unique matches of a pattern, as RDKit's `len(GetSubstructMatches(p))`.
    pub(crate) fn count(&self, q: &Query) -> usize {
        q.count_in(&self.target, &MatchOptions::default())
    }

    pub(crate) fn crippen(&self) -> (f64, f64) {
        *self.crippen.get_or_init(|| crate::crippen::logp_mr(self))
    }

    /// RDKit's `GetDistanceMatrix(useBO=True)`: shortest paths where a bond
    /// weighs 1/order (aromatic 2/3), 1e8 between disconnected atoms.
    pub(crate) fn bo_distances(&self) -> &[f64] {
        self.bo_distances
            .get_or_init(|| crate::topology::distance_matrix(self.mol, true))
    }

    /// Number of 2- and 3-bond paths (`FindAllPathsOfLengthN(mol, 2|3)`).
    pub(crate) fn kappa_paths(&self) -> (usize, usize) {
        *self.kappa_paths.get_or_init(|| {
            (
                crate::topology::atom_paths(self.mol, 3).len(),
                crate::topology::atom_paths(self.mol, 4).len(),
            )
        })
    }
}
