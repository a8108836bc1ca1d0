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
//!
//! RDKit's canonical SMILES are not ours, so both sides are compared in our
//! canonical form (RDKit's output read by our reader). Reference cells
//! `INVALID …` (RDKit returned a structure it cannot read back itself) are
//! listed, not counted; `SKIP` cells were not computed.

use std::collections::BTreeMap;

use rayon::prelude::*;
use shennong_smiles::{parse, to_smiles};
use shennong_standardize::{Parent, SaltRemover, Standardizer};

/// Required agreement per (set, column); columns not listed are reported only.
/// The issue asks for 100 % on fragment parent + uncharge and ≥ 99 % on the
/// full pipeline, on chembl_drugs.
const REQUIRED: &[(&str, &str, f64)] = &[
    ("chembl_drugs", "fragment", 100.0),
    ("chembl_drugs", "charge", 100.0),
    ("chembl_drugs", "salts", 100.0),
    ("chembl_drugs", "cleanup", 100.0),
    // Measured 99.84 % (1931/1934): our canonical SMILES are RDKit's, so
    // equal-scoring tautomers are ordered as RDKit orders them, and the
    // enumeration walks tautomers in RDKit's order, which decides what is
    // found before the 1,000-transform limit; the three left are stereo kept
    // or dropped differently (see README).
    ("chembl_drugs", "full", 99.0),
    ("chembl_drugs", "tautomer", 99.0),
];

enum Outcome {
    Agree,
    Differ(String),
    Invalid(String),
    Known(String),
}

/// Documented differences: (input SMILES, columns, reason).
fn known_differences() -> Vec<(String, Vec<String>, String)> {
    include_str!("known_differences.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[0].to_string(),
                f[1].split(',').map(str::to_string).collect(),
                f[2].to_string(),
            )
        })
        .collect()
}

fn canonical(text: &str) -> String {
    parse(text)
        .map(|m| to_smiles(&m))
        .unwrap_or_else(|_| format!("UNREADABLE {text}"))
}

#[test]
fn standardization_matches_rdkit() {
    let Ok(path) = std::env::var("SHENNONG_STD_REF") else {
        eprintln!("SHENNONG_STD_REF not set: standardize parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let columns: Vec<String> = text
        .lines()
        .find_map(|l| l.strip_prefix("#columns\t"))
        .expect("no #columns line")
        .split('\t')
        .skip(3)
        .map(str::to_string)
        .collect();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    let known = known_differences();
    let std = Standardizer::new().unwrap();
    let salts = std::env::var("SHENNONG_STD_SALTS")
        .ok()
        .map(|p| SaltRemover::parse(&p, &std::fs::read_to_string(&p).unwrap()).unwrap());
    let results: Vec<Vec<(String, String, Outcome)>> = rows
        .par_iter()
        .map(|f| {
            let (set, smiles) = (f[0], f[2]);
            let Ok(mol) = parse(smiles) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for (ci, col) in columns.iter().enumerate() {
                let cell = f[3 + ci];
                if cell == "SKIP" {
                    continue;
                }
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
                    .map(|t| canonical(&t))
                    .unwrap_or_else(|_| "ERROR".to_string());
                let report = format!("{smiles}\n      rdkit {cell}\n      ours  {ours}");
                let known_reason = known
                    .iter()
                    .find(|(s, cols, _)| s == smiles && cols.contains(col))
                    .map(|(_, _, why)| why);
                let outcome = if cell.starts_with("INVALID ") {
                    Outcome::Invalid(report)
                } else if let Some(why) = known_reason {
                    Outcome::Known(format!("{report}\n      why   {why}"))
                } else if ours
                    == if cell == "ERROR" {
                        "ERROR".to_string()
                    } else {
                        canonical(cell)
                    }
                {
                    Outcome::Agree
                } else {
                    Outcome::Differ(report)
                };
                out.push((set.to_string(), col.clone(), outcome));
            }
            out
        })
        .collect();
    // (set, column) -> (agree, total, examples of disagreement)
    let mut tally: BTreeMap<(String, String), (usize, usize, Vec<String>)> = BTreeMap::new();
    let mut invalid = Vec::new();
    let mut documented = Vec::new();
    for (set, col, outcome) in results.into_iter().flatten() {
        match outcome {
            Outcome::Invalid(r) => invalid.push(format!("{set} {col}: {r}")),
            Outcome::Known(r) => documented.push(format!("{set} {col}: {r}")),
            Outcome::Agree | Outcome::Differ(_) => {
                let entry = tally.entry((set, col)).or_default();
                entry.1 += 1;
                match outcome {
                    Outcome::Differ(r) => entry.2.push(r),
                    _ => entry.0 += 1,
                }
            }
        }
    }
    assert!(!tally.is_empty(), "no reference rows in {path}");
    let mut failures = Vec::new();
    println!("standardize parity with RDKit (same structure, compared as canonical SMILES):");
    for ((set, col), (agree, total, examples)) in &tally {
        let pct = 100.0 * *agree as f64 / (*total).max(1) as f64;
        println!("  {set:<16} {col:<18} {agree:>5}/{total:<5} {pct:7.2} %");
        let shown = if std::env::var_os("SHENNONG_STD_ALL").is_some() {
            usize::MAX
        } else {
            3
        };
        for e in examples.iter().take(shown) {
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
    println!(
        "  {} results left out: documented differences (tests/known_differences.tsv)",
        documented.len()
    );
    for e in documented.iter().take(4) {
        println!("    {e}");
    }
    assert!(
        failures.is_empty(),
        "below the required agreement: {failures:?}"
    );
}
