//! Per-molecule state shared by descriptors: a SMARTS target and quantities
//! several descriptors need (computed once, on first use).

use std::cell::OnceCell;

use shennong_fingerprint::morgan::{connectivity_invariants, morgan_environments, MorganEnv};
use shennong_mol::{AtomIdx, Hybridization, Mol};
use shennong_smarts::{MatchOptions, Query, Target};

/// A molecule prepared for descriptor calculation.
pub struct MolContext<'m> {
    pub(crate) mol: &'m Mol,
    pub(crate) target: Target<'m>,
    hybridization: OnceCell<Vec<Hybridization>>,
    crippen: OnceCell<(f64, f64)>,
    bo_distances: OnceCell<Vec<f64>>,
    /// Atom paths of 3, 4 and 5 atoms (chi orders 2–4, kappa 2–3).
    paths: [OnceCell<Vec<Vec<usize>>>; 3],
    /// Morgan environments up to radius 3 (SA score, FpDensityMorgan1–3).
    morgan: OnceCell<Vec<MorganEnv>>,
    /// Values several descriptors share (QED, Lipinski and Veber reuse them).
    pub(crate) rotatable_bonds: OnceCell<f64>,
    pub(crate) tpsa: OnceCell<f64>,
    pub(crate) h_donors: OnceCell<f64>,
    pub(crate) mol_wt: OnceCell<f64>,
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
            paths: Default::default(),
            morgan: OnceCell::new(),
            rotatable_bonds: OnceCell::new(),
            tpsa: OnceCell::new(),
            h_donors: OnceCell::new(),
            mol_wt: OnceCell::new(),
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

    /// RDKit's `findAllPathsOfLengthN(mol, atoms, useBonds=false)`; paths of
    /// 3 to 5 atoms are computed once per molecule.
    pub(crate) fn paths(&self, atoms: usize) -> std::borrow::Cow<'_, [Vec<usize>]> {
        match atoms.checked_sub(3).and_then(|i| self.paths.get(i)) {
            Some(cell) => std::borrow::Cow::Borrowed(
                cell.get_or_init(|| crate::topology::atom_paths(self.mol, atoms)),
            ),
            None => std::borrow::Cow::Owned(crate::topology::atom_paths(self.mol, atoms)),
        }
    }

    /// Morgan environments (RDKit connectivity invariants, bond types) up
    /// to `radius`, at most 3. Lower layers do not depend on how many are
    /// computed, so one radius-3 run serves every radius.
    pub(crate) fn morgan_environments(&self, radius: u32) -> impl Iterator<Item = &MorganEnv> {
        self.morgan
            .get_or_init(|| {
                morgan_environments(self.mol, &connectivity_invariants(self.mol, true), 3, true)
            })
            .iter()
            .filter(move |e| e.radius <= radius)
    }
}
