#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Scaffold splits and scaffold-grouped folds on real molecules: no
//! Bemis–Murcko scaffold is ever on both sides, and every row is used once.

use std::collections::HashSet;

use shennong_model::{kfold, murcko_scaffold, random_split, scaffold_split};

fn data_dir() -> String {
    std::env::var("SHENNONG_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    })
}

#[test]
fn no_scaffold_crosses_train_and_test_on_chembl_1k() {
    let text = std::fs::read_to_string(format!("{}/chembl_1k.smi", data_dir())).unwrap();
    let keys: Vec<String> = text
        .lines()
        .filter_map(|l| shennong_smiles::parse(l.split_whitespace().next()?).ok())
        .map(|m| murcko_scaffold(&m))
        .collect();
    assert!(keys.len() > 900);
    let distinct: HashSet<&String> = keys.iter().collect();
    assert!(distinct.len() > 300, "{} scaffolds", distinct.len());
    for seed in 0..3 {
        let split = scaffold_split(&keys, 0.2, seed);
        assert_eq!(split.train.len() + split.test.len(), keys.len());
        let test_keys: HashSet<&String> = split.test.iter().map(|&i| &keys[i]).collect();
        assert!(
            split.train.iter().all(|&i| !test_keys.contains(&keys[i])),
            "seed {seed}"
        );
        let target = (keys.len() as f64 * 0.2).round() as usize;
        assert!(
            split.test.len() <= target && split.test.len() * 100 >= keys.len() * 15,
            "test part {}",
            split.test.len()
        );
    }
    let rows: Vec<usize> = (0..keys.len()).collect();
    let folds = kfold(&rows, 5, 1, Some(&keys));
    let mut seen = vec![0; keys.len()];
    for fold in &folds {
        let test_keys: HashSet<&String> = fold.test.iter().map(|&i| &keys[i]).collect();
        assert!(fold.train.iter().all(|&i| !test_keys.contains(&keys[i])));
        for &i in &fold.test {
            seen[i] += 1;
        }
    }
    assert!(seen.iter().all(|&c| c == 1));
    let random = random_split(keys.len(), 0.2, 5);
    assert_eq!(
        random.test.len(),
        (keys.len() as f64 * 0.2).round() as usize
    );
}
