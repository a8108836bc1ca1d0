#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Parity with RDKit's rdMolStandardize on the shared molecule sets.
//!
//! The reference comes from `scripts/parity/make_standardize_reference.py`
//! (run by `scripts/test.sh`), named by `SHENNONG_STD_REF`; the salt list by
//! `SHENNONG_STD_SALTS`. Without them the test says so and passes.

use std::collections::BTreeMap;

use shennong_smiles::{parse, to_smiles};
use shennong_standardize::{Parent, SaltRemover, Standardizer};

/// Required agreement per (set, column); columns not listed are reported only.
/// The issue asks for 100 % on fragment parent + uncharge on chembl_drugs.
const REQUIRED: &[(&str, &str, f64)] = &[
    ("chembl_drugs", "fragment", 100.0),
    ("chembl_drugs", "charge", 100.0),
    ("chembl_drugs", "salts", 100.0),
];

#[test]
fn standardization_matches_rdkit() {
    let Ok(path) = std::env::var("SHENNONG_STD_REF") else {
        eprintln!("SHENNONG_STD_REF not set: standardize parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut columns: Vec<String> = Vec::new();
    let std = Standardizer::new().unwrap();
    let salts = std::env::var("SHENNONG_STD_SALTS")
        .ok()
        .map(|p| SaltRemover::parse(&p, &std::fs::read_to_string(&p).unwrap()).unwrap());
    // (set, column) -> (agree, total, examples of disagreement)
    let mut invalid: Vec<String> = Vec::new();
    let mut tally: BTreeMap<(String, String), (usize, usize, Vec<String>)> = BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("#columns\t") {
            columns = rest.split('\t').skip(3).map(str::to_string).collect();
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let (set, smiles) = (f[0], f[2]);
        let Ok(mol) = parse(smiles) else {
            continue;
        };
        for (ci, col) in columns.iter().enumerate() {
            // RDKit's canonical SMILES is not ours: compare both in our canonical form.
            let expected = match f[3 + ci] {
                "ERROR" => "ERROR".to_string(),
                text => parse(text)
                    .map(|m| to_smiles(&m))
                    .unwrap_or_else(|_| format!("UNREADABLE {text}")),
            };
            let ours = match col.as_str() {
                "salts" => match &salts {
                    Some(s) => s.strip(&mol).map(|m| to_smiles(&m)),
                    None => continue,
                },
                name => {
                    let parent = match name {
                        "super_no_tautomer" => Parent::SuperNoTautomer,
                        other => match Parent::from_name(other) {
                            Some(p) => p,
                            None => continue,
                        },
                    };
                    std.parent(&mol, parent).map(|m| to_smiles(&m))
                }
            };
            // Through our reader too, so that both sides lose hydrogen atoms the same way.
            let ours = ours
                .map(|text| parse(&text).map(|m| to_smiles(&m)).unwrap_or(text))
                .unwrap_or_else(|_| "ERROR".to_string());
            if f[3 + ci].starts_with("INVALID ") {
                invalid.push(format!(
                    "{set} {col}: {smiles}\n      rdkit {}\n      ours  {ours}",
                    f[3 + ci]
                ));
                continue;
            }
            let entry = tally.entry((set.to_string(), col.clone())).or_default();
            entry.1 += 1;
            if ours == expected {
                entry.0 += 1;
            } else if entry.2.len() < 8 {
                entry.2.push(format!(
                    "{smiles}\n      rdkit {}\n      ours  {ours}",
                    f[3 + ci]
                ));
            }
        }
    }
    assert!(!tally.is_empty(), "no reference rows in {path}");
    let mut failures = Vec::new();
    println!("standardize parity with RDKit (same canonical SMILES):");
    for ((set, col), (agree, total, examples)) in &tally {
        let pct = 100.0 * *agree as f64 / (*total).max(1) as f64;
        println!("  {set:<16} {col:<18} {agree:>5}/{total:<5} {pct:7.2} %");
        for e in examples.iter().take(4) {
            println!("    {e}");
        }
        if let Some(&(_, _, need)) = REQUIRED.iter().find(|(s, c, _)| s == set && c == col) {
            if pct < need {
                failures.push(format!("{set} {col}: {pct:.2} % < {need} %"));
            }
        }
    }
    println!(
        "  {} results left out: RDKit returned a structure it cannot read back itself",
        invalid.len()
    );
    for e in &invalid {
        println!("    {e}");
    }
    assert!(
        failures.is_empty(),
        "below the required agreement: {failures:?}"
    );
}
