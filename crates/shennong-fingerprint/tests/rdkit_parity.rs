#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Fingerprint parity with RDKit: reads the reference written by
//! `scripts/parity/make_fp_reference.py` (path in `SHENNONG_FP_REF`) and
//! requires identical bits and counts for every molecule of the gated sets
//! (sets whose name starts with "informational" are reported only).

use std::collections::BTreeMap;

use rayon::prelude::*;
use shennong_fingerprint::{FingerprintSpec, Kind};

fn spec_for(kind: &str) -> (FingerprintSpec, bool) {
    let counts = kind.ends_with("_counts");
    let base = kind.trim_end_matches("_counts");
    let spec = match base {
        "morgan2" => FingerprintSpec::morgan(2, 2048),
        "morgan2_chiral" => FingerprintSpec {
            include_chirality: true,
            ..FingerprintSpec::morgan(2, 2048)
        },
        "morgan3" => FingerprintSpec::new(Kind::Morgan),
        "fcfp2" => FingerprintSpec {
            radius: 2,
            ..FingerprintSpec::new(Kind::FeatureMorgan)
        },
        "atompair" => FingerprintSpec::new(Kind::AtomPair),
        "torsion" => FingerprintSpec::new(Kind::Torsion),
        "rdkit" => FingerprintSpec::new(Kind::RdkitPath),
        "maccs" => FingerprintSpec::new(Kind::Maccs),
        other => panic!("unknown kind {other}"),
    };
    (spec, counts)
}

#[test]
fn fingerprints_match_rdkit() {
    let Ok(path) = std::env::var("SHENNONG_FP_REF") else {
        eprintln!("SHENNONG_FP_REF not set; fingerprint parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let version = lines.next().unwrap();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let kinds: Vec<&str> = header[3..].to_vec();
    let specs: Vec<(FingerprintSpec, bool)> = kinds.iter().map(|k| spec_for(k)).collect();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    // Molecules are independent: fingerprint them on all cores, then tally in
    // input order. Per molecule: whether each kind agrees, or None if we reject it.
    let per_molecule: Vec<Option<Vec<bool>>> = rows
        .par_iter()
        .map(|cols| {
            let mol = shennong_smiles::parse(cols[2]).ok()?;
            let agree = specs
                .iter()
                .enumerate()
                .map(|(k, (spec, counts))| {
                    let ours = if *counts {
                        spec.counts(&mol)
                            .counts()
                            .iter()
                            .map(|(i, c)| format!("{i}:{c}"))
                            .collect::<Vec<_>>()
                            .join(",")
                    } else {
                        spec.bits(&mol).to_hex()
                    };
                    ours == cols[3 + k]
                })
                .collect();
            Some(agree)
        })
        .collect();
    // (set, kind) -> (agree, total)
    let mut tally: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut unparsed = 0;
    for (cols, agree) in rows.iter().zip(per_molecule) {
        let (set, smiles) = (cols[0], cols[2]);
        let Some(agree) = agree else {
            unparsed += 1;
            failures.push(format!("{set}: we reject {smiles}"));
            continue;
        };
        for (kind, agrees) in kinds.iter().zip(agree) {
            let entry = tally
                .entry((set.to_string(), kind.to_string()))
                .or_default();
            entry.1 += 1;
            if agrees {
                entry.0 += 1;
            } else if !set.starts_with("informational") {
                failures.push(format!("{set} {kind}: {smiles}"));
            }
        }
    }
    println!(
        "fingerprint parity against RDKit {}",
        version.trim_start_matches("#rdkit\t")
    );
    for ((set, kind), (ok, total)) in &tally {
        println!(
            "  {set:<22} {kind:<18} {ok:>6}/{total:<6} {:>7.2}%",
            100.0 * *ok as f64 / (*total).max(1) as f64
        );
    }
    if !failures.is_empty() {
        for f in failures.iter().take(30) {
            println!("  MISMATCH {f}");
        }
        panic!(
            "{} fingerprint mismatches ({} molecules rejected)",
            failures.len(),
            unparsed
        );
    }
}
