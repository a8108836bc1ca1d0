#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! SMARTS parity with RDKit: unique match counts (uniquify, at most 1000)
//! for every molecule × pattern pair of the reference written by
//! `scripts/parity/make_smarts_reference.py` (paths in
//! `SHENNONG_SMARTS_PATTERNS` and `SHENNONG_SMARTS_COUNTS`).

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use shennong_smarts::{parse_with, MatchOptions, ParseOptions, Target};

#[test]
fn match_counts_equal_rdkit() {
    let (Ok(pat_path), Ok(count_path)) = (
        std::env::var("SHENNONG_SMARTS_PATTERNS"),
        std::env::var("SHENNONG_SMARTS_COUNTS"),
    ) else {
        eprintln!("SHENNONG_SMARTS_PATTERNS/COUNTS not set; SMARTS parity skipped (scripts/test.sh sets them)");
        return;
    };
    let pat_text = std::fs::read_to_string(pat_path).unwrap();
    let mut patterns = Vec::new();
    let mut failures = Vec::new();
    for line in pat_text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (source, merge, smarts, rdkit_ok) = (f[1].to_string(), f[2] == "1", f[3], f[4] == "1");
        let heavy = f.get(5) == Some(&"1");
        let parsed = parse_with(smarts, ParseOptions { merge_hs: merge });
        match (&parsed, rdkit_ok) {
            (Ok(_), false) => {
                failures.push(format!("{source}: RDKit rejects but we accept {smarts}"))
            }
            (Err(e), true) => failures.push(format!("{source}: we reject {smarts}: {e}")),
            _ => {}
        }
        patterns.push((source, parsed.ok(), heavy));
    }
    let text = std::fs::read_to_string(count_path).unwrap();
    let mut lines = text.lines();
    let version = lines
        .next()
        .unwrap()
        .trim_start_matches("#rdkit\t")
        .to_string();
    let opts = MatchOptions::default();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    let first_set = rows.first().map(|cols| cols[0]).unwrap_or_default();
    let mut molecules: BTreeMap<String, usize> = BTreeMap::new();
    for cols in &rows {
        *molecules.entry(cols[0].to_string()).or_default() += 1;
    }
    // Molecules are independent: match them on all cores, then tally in input order.
    // Per molecule: for each pattern checked, (source index, RDKit count > 0, agrees).
    type Checked = (Vec<(usize, bool, bool)>, Vec<String>);
    let per_molecule: Vec<Checked> = rows
        .par_iter()
        .map(|cols| {
            let (set, smiles) = (cols[0], cols[2]);
            let expected: HashMap<usize, usize> = cols
                .get(3)
                .unwrap_or(&"")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once(':').unwrap();
                    (k.parse().unwrap(), v.parse().unwrap())
                })
                .collect();
            let Ok(mol) = shennong_smiles::parse(smiles) else {
                return (Vec::new(), vec![format!("{set}: we reject {smiles}")]);
            };
            let target = Target::new(&mol);
            let mut checked = Vec::new();
            let mut mismatches = Vec::new();
            for (i, (source, query, heavy)) in patterns.iter().enumerate() {
                let Some(query) = query else { continue };
                if *heavy && set != first_set {
                    continue;
                }
                let want = expected.get(&i).copied().unwrap_or(0);
                let got = query.count_in(&target, &opts);
                checked.push((i, want > 0, got == want));
                if got != want {
                    mismatches.push(format!(
                        "{set} {source} pattern {i}: ours {got}, RDKit {want}: {} on {smiles}",
                        query.text()
                    ));
                }
            }
            (checked, mismatches)
        })
        .collect();
    // source -> (agreeing pairs, pairs, matching pairs)
    let mut tally: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (checked, mismatches) in per_molecule {
        failures.extend(mismatches);
        for (i, rdkit_matches, agrees) in checked {
            let t = tally.entry(patterns[i].0.clone()).or_default();
            t.1 += 1;
            t.2 += usize::from(rdkit_matches);
            t.0 += usize::from(agrees);
        }
    }
    println!("SMARTS parity against RDKit {version}: unique match counts, molecules {molecules:?}");
    for (source, (ok, total, matching)) in &tally {
        println!(
            "  {source:<34} {ok:>9}/{total:<9} pairs {:>7.3}%  ({matching} pairs with matches)",
            100.0 * *ok as f64 / (*total).max(1) as f64
        );
    }
    if !failures.is_empty() {
        for f in failures.iter().take(40) {
            println!("  MISMATCH {f}");
        }
        panic!("{} SMARTS mismatches", failures.len());
    }
}
