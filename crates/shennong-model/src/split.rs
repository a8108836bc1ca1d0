//! Train/test splits and cross-validation folds: random, Bemis–Murcko
//! scaffold, and given by a column.
//!
//! The scaffold follows Bemis & Murcko (J. Med. Chem. 1996, 39, 2887) as
//! RDKit's `MurckoScaffold.GetScaffoldForMol` builds it: ring atoms, the
//! linker atoms between rings, and atoms double-bonded to either; side
//! chains go. Its canonical SMILES is the grouping key, so molecules with
//! the same framework always land on the same side.

use std::collections::BTreeMap;

use rand_mt::Mt64;
use shennong_mol::{AtomIdx, BondOrder, Mol};

/// The Bemis–Murcko scaffold of a molecule as canonical SMILES; the empty
/// string for acyclic molecules (all of which share one group, as in
/// Chemprop's scaffold split).
///
/// ```
/// let mol = shennong_smiles::parse("CCOc1ccc(CC(=O)NC2CCCC2)cc1").unwrap();
/// assert_eq!(shennong_model::murcko_scaffold(&mol), shennong_model::murcko_scaffold(
///     &shennong_smiles::parse("Nc1ccc(CC(=O)NC2CCC(F)C2)cc1").unwrap()));
/// ```
pub fn murcko_scaffold(mol: &Mol) -> String {
    let n = mol.num_atoms();
    let rings = mol.rings();
    let mut keep: Vec<bool> = mol.atom_indices().map(|a| rings.is_ring_atom(a)).collect();
    if !keep.iter().any(|&k| k) {
        return String::new();
    }
    // Prune chain atoms from the ends inwards: what survives lies on a path
    // between two ring atoms (a linker).
    let mut degree: Vec<usize> = mol.atom_indices().map(|a| mol.degree(a)).collect();
    let mut alive = vec![true; n];
    let mut stack: Vec<usize> = (0..n)
        .filter(|&i| {
            !keep.get(i).copied().unwrap_or(true) && degree.get(i).copied().unwrap_or(0) <= 1
        })
        .collect();
    while let Some(i) = stack.pop() {
        if !alive.get(i).copied().unwrap_or(false) {
            continue;
        }
        if let Some(a) = alive.get_mut(i) {
            *a = false;
        }
        for &(nb, _) in mol.neighbors(AtomIdx(i as u32)) {
            let j = nb.index();
            if let Some(d) = degree.get_mut(j) {
                *d = d.saturating_sub(1);
                if *d <= 1
                    && alive.get(j).copied().unwrap_or(false)
                    && !keep.get(j).copied().unwrap_or(true)
                {
                    stack.push(j);
                }
            }
        }
    }
    for (k, a) in keep.iter_mut().zip(&alive) {
        *k = *a;
    }
    // Atoms double-bonded to the framework stay (C=O on a ring or linker).
    let framework = keep.clone();
    for a in mol.atom_indices() {
        if framework.get(a.index()).copied().unwrap_or(false) {
            continue;
        }
        let doubly_bonded = mol.neighbors(a).iter().any(|&(nb, b)| {
            framework.get(nb.index()).copied().unwrap_or(false)
                && mol.bond(b).order == BondOrder::Double
        });
        if doubly_bonded {
            if let Some(k) = keep.get_mut(a.index()) {
                *k = true;
            }
        }
    }
    let keep_bonds = vec![true; mol.num_bonds()];
    let mut sub = mol.to_builder().subgraph(&keep, &keep_bonds);
    // Aromatic heteroatoms that lost a substituent keep their valence with
    // an explicit hydrogen (RDKit does the same), so that the scaffold
    // still kekulises; stereo goes with the side chains.
    for a in mol.atom_indices() {
        if !keep.get(a.index()).copied().unwrap_or(false) {
            continue;
        }
        let lost = mol
            .neighbors(a)
            .iter()
            .filter(|(nb, _)| !keep.get(nb.index()).copied().unwrap_or(false))
            .count();
        let new_index = keep.iter().take(a.index()).filter(|&&k| k).count();
        if let Some(atom) = sub.atom_mut(AtomIdx(new_index as u32)) {
            atom.chirality = shennong_mol::Chirality::default();
            if lost > 0 && atom.aromatic && (atom.atomic_num != 6 || atom.formal_charge == 1) {
                atom.explicit_hs = 1;
                atom.no_implicit = true;
            }
        }
    }
    let writer = shennong_smiles::WriteOptions {
        stereo: false,
        ..Default::default()
    };
    match sub.sanitize() {
        Ok(m) => shennong_smiles::write_smiles(&m, &writer).unwrap_or_default(),
        // A framework that does not perceive still needs a stable key: its
        // atoms and bonds in the molecule's own canonical order.
        Err(_) => format!("unperceived:{}", shennong_smiles::to_smiles(mol)),
    }
}

/// Which rows go to training and which to testing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// Row indices for training, ascending.
    pub train: Vec<usize>,
    /// Row indices for testing, ascending.
    pub test: Vec<usize>,
}

/// Fisher–Yates shuffle driven by `rng`.
pub(crate) fn shuffle<T>(items: &mut [T], rng: &mut Mt64) {
    for i in (1..items.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// A seeded random split with `test_fraction` of the rows in the test part.
pub fn random_split(n: usize, test_fraction: f64, seed: u64) -> Split {
    let mut order: Vec<usize> = (0..n).collect();
    shuffle(&mut order, &mut Mt64::new(seed));
    let n_test = ((n as f64) * test_fraction).round() as usize;
    let mut test: Vec<usize> = order.iter().take(n_test).copied().collect();
    let mut train: Vec<usize> = order.iter().skip(n_test).copied().collect();
    test.sort_unstable();
    train.sort_unstable();
    Split { train, test }
}

/// Groups rows by key (scaffold SMILES), in order of first appearance.
pub fn group_by_key(keys: &[String]) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let g = *groups.entry(k.as_str()).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        if let Some(list) = out.get_mut(g) {
            list.push(i);
        }
    }
    out
}

/// Chemprop's balanced scaffold split: groups larger than half the test
/// size go to training first, the rest in seeded random order; each group
/// fills the test part while it fits, otherwise training. No group is ever
/// divided.
pub fn scaffold_split(keys: &[String], test_fraction: f64, seed: u64) -> Split {
    let n = keys.len();
    let test_size = ((n as f64) * test_fraction).round() as usize;
    let groups = group_by_key(keys);
    let (mut big, mut small): (Vec<Vec<usize>>, Vec<Vec<usize>>) = groups
        .into_iter()
        .partition(|g| g.len() * 2 > test_size.max(1));
    let mut rng = Mt64::new(seed);
    shuffle(&mut big, &mut rng);
    shuffle(&mut small, &mut rng);
    let mut train = Vec::new();
    let mut test = Vec::new();
    for g in big.into_iter().chain(small) {
        if test.len() + g.len() <= test_size {
            test.extend(g);
        } else {
            train.extend(g);
        }
    }
    train.sort_unstable();
    test.sort_unstable();
    Split { train, test }
}

/// `k` cross-validation folds of `rows`: each fold's test part, seeded.
/// With `groups` (one key per row of `rows`), a group is never divided.
pub fn kfold(rows: &[usize], k: usize, seed: u64, groups: Option<&[String]>) -> Vec<Split> {
    let k = k.max(2).min(rows.len().max(2));
    let mut assignment = vec![0usize; rows.len()];
    let mut rng = Mt64::new(seed);
    match groups {
        Some(keys) => {
            // Largest groups first, each to the currently smallest fold.
            let mut gs = group_by_key(keys);
            shuffle(&mut gs, &mut rng);
            gs.sort_by_key(|g| std::cmp::Reverse(g.len()));
            let mut sizes = vec![0usize; k];
            for g in gs {
                let f = (0..k)
                    .min_by_key(|&f| sizes.get(f).copied().unwrap_or(0))
                    .unwrap_or(0);
                if let Some(s) = sizes.get_mut(f) {
                    *s += g.len();
                }
                for i in g {
                    if let Some(a) = assignment.get_mut(i) {
                        *a = f;
                    }
                }
            }
        }
        None => {
            let mut order: Vec<usize> = (0..rows.len()).collect();
            shuffle(&mut order, &mut rng);
            for (pos, i) in order.into_iter().enumerate() {
                if let Some(a) = assignment.get_mut(i) {
                    *a = pos % k;
                }
            }
        }
    }
    (0..k)
        .map(|f| {
            let in_fold = |&(_, a): &(usize, usize)| a == f;
            let pairs = rows.iter().copied().zip(assignment.iter().copied());
            Split {
                train: pairs
                    .clone()
                    .filter(|p| !in_fold(p))
                    .map(|(r, _)| r)
                    .collect(),
                test: pairs.filter(in_fold).map(|(r, _)| r).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn scaffold(smi: &str) -> String {
        murcko_scaffold(&shennong_smiles::parse(smi).unwrap())
    }

    #[test]
    fn scaffolds_keep_rings_linkers_and_exocyclic_double_bonds() {
        assert_eq!(scaffold("CCc1ccccc1"), "c1ccccc1");
        assert_eq!(
            scaffold("c1ccccc1CCNC(=O)C1CC1"),
            scaffold("c1ccccc1CCNC(=O)C1CC1C")
        );
        assert_eq!(scaffold("O=C1CCCC1CC"), "O=C1CCCC1");
        assert_eq!(scaffold("CCCC"), "");
        // a substituted pyrrole keeps its [nH]
        assert_eq!(scaffold("Cn1cccc1"), "c1cc[nH]c1");
        assert_ne!(
            scaffold("c1ccccc1Cc1ccccc1"),
            scaffold("c1ccccc1CCc1ccccc1")
        );
    }

    #[test]
    fn scaffold_split_never_divides_a_scaffold() {
        let smiles = [
            "CCc1ccccc1",
            "OCc1ccccc1",
            "Nc1ccccc1",
            "C1CC1C",
            "C1CC1O",
            "c1ccncc1C",
            "CC",
            "CCO",
            "c1ccc2ccccc2c1",
            "Oc1ccc2ccccc2c1",
            "C1CCNCC1",
            "CN1CCNCC1",
        ];
        let keys: Vec<String> = smiles.iter().map(|s| scaffold(s)).collect();
        let split = scaffold_split(&keys, 0.25, 7);
        assert_eq!(split.train.len() + split.test.len(), smiles.len());
        for &i in &split.test {
            assert!(split.train.iter().all(|&j| keys[j] != keys[i]));
        }
    }

    #[test]
    fn kfold_covers_every_row_once() {
        let rows: Vec<usize> = (10..40).collect();
        let folds = kfold(&rows, 5, 1, None);
        let mut seen: Vec<usize> = folds.iter().flat_map(|f| f.test.clone()).collect();
        seen.sort_unstable();
        assert_eq!(seen, rows);
        for f in &folds {
            assert_eq!(f.train.len() + f.test.len(), rows.len());
        }
    }
}
