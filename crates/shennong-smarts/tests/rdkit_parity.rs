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
    let mut first_set: Option<String> = None;
    // source -> (agreeing pairs, pairs, matching pairs)
    let mut tally: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut molecules: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        let (set, smiles) = (cols[0], cols[2]);
        let first = first_set.get_or_insert_with(|| set.to_string()) == set;
        *molecules.entry(set.to_string()).or_default() += 1;
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
            failures.push(format!("{set}: we reject {smiles}"));
            continue;
        };
        let target = Target::new(&mol);
        for (i, (source, query, heavy)) in patterns.iter().enumerate() {
            let Some(query) = query else { continue };
            if *heavy && !first {
                continue;
            }
            let want = expected.get(&i).copied().unwrap_or(0);
            let got = query.count_in(&target, &opts);
            let t = tally.entry(source.clone()).or_default();
            t.1 += 1;
            if want > 0 {
                t.2 += 1;
            }
            if got == want {
                t.0 += 1;
            } else {
                failures.push(format!(
                    "{set} {source} pattern {i}: ours {got}, RDKit {want}: {} on {smiles}",
                    query.text()
                ));
            }
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
