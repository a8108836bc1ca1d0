//! Substructure matches in the order RDKit's VF2 search reports them.
//!
//! RDKit maps query atoms in index order (each SMARTS atom after the first is
//! bonded to an earlier one, so it is always the smallest unmapped atom next
//! to the mapped set) and tries target atoms in increasing index, so its
//! matches come out in lexicographic order of the target atoms they use, and
//! its first match is the lexicographically smallest. Standardisation steps
//! act on "the first match" or walk matches in order, so they sort ours the
//! same way.

use shennong_mol::{AtomIdx, Mol};
use shennong_smarts::{MatchOptions, Query};

/// All matches in RDKit's order; with `uniquify`, one per set of target
/// atoms (the first in that order), as `SubstructMatch` returns them.
pub(crate) fn ordered_matches(query: &Query, mol: &Mol, uniquify: bool) -> Vec<Vec<AtomIdx>> {
    let opts = MatchOptions {
        uniquify: false,
        max_matches: usize::MAX,
        use_chirality: false,
    };
    let mut all = query.find_all(mol, &opts);
    all.sort();
    if !uniquify {
        return all;
    }
    let mut seen = std::collections::HashSet::new();
    all.into_iter()
        .filter(|m| {
            let mut key = m.clone();
            key.sort();
            seen.insert(key)
        })
        .collect()
}

/// The match RDKit reports first, if any.
pub(crate) fn first_match(query: &Query, mol: &Mol) -> Option<Vec<AtomIdx>> {
    if !query.is_match(mol) {
        return None;
    }
    ordered_matches(query, mol, false).into_iter().next()
}
