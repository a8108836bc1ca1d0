#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Our RDKit-compatible canonical SMILES against RDKit's `MolToSmiles`,
//! string for string, over the parity reference (`SHENNONG_PARITY_REF`,
//! written by `scripts/parity/make_reference.py`). Skipped when unset.

use std::collections::BTreeMap;

/// Required agreement per set (sets named `informational*` are reported only).
const REQUIRED_PCT: f64 = 99.9;

#[test]
fn rdkit_canonical_smiles_match_rdkit() {
    let Ok(reference) = std::env::var("SHENNONG_PARITY_REF") else {
        eprintln!("SHENNONG_PARITY_REF not set: RDKit canonical SMILES parity skipped");
        return;
    };
    let text = std::fs::read_to_string(&reference).unwrap();
    let show = std::env::var("SHENNONG_CANON_SHOW")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5usize);
    // set -> (agree, total, examples)
    let mut tally: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, smi, rd_ok, rd_canon) = (f[0], f[2], f[3] == "1", f[4]);
        if !rd_ok {
            continue;
        }
        let Ok(mol) = shennong_smiles::parse(smi) else {
            continue;
        };
        let ours = shennong_smiles::to_rdkit_smiles(&mol, true)
            .unwrap_or_else(|| "UNSUPPORTED".to_string());
        let t = tally.entry(name.to_string()).or_default();
        t.1 += 1;
        if ours == rd_canon {
            t.0 += 1;
        } else {
            t.2.push(format!("{smi}\n      rdkit {rd_canon}\n      ours  {ours}"));
        }
    }
    let mut failures = Vec::new();
    println!("RDKit canonical SMILES, identical strings (RDKit MolToSmiles vs to_rdkit_smiles):");
    for (set, (agree, total, examples)) in &tally {
        let pct = 100.0 * *agree as f64 / (*total).max(1) as f64;
        println!("  {set:<22} {agree:>6}/{total:<6} {pct:7.2} %");
        for e in examples.iter().take(show) {
            println!("    {e}");
        }
        if !set.starts_with("informational") && pct < REQUIRED_PCT {
            failures.push(format!("{set}: {pct:.2} % < {REQUIRED_PCT} %"));
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}
