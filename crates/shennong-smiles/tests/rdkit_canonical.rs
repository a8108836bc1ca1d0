#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Our RDKit-compatible canonical SMILES against RDKit's `MolToSmiles`,
//! string for string, over the parity reference (`SHENNONG_PARITY_REF`,
//! written by `scripts/parity/make_reference.py`), aromatic and Kekulé
//! (`kekuleSmiles=True`: the same double bonds as RDKit's canonical
//! `Kekulize`). Skipped when unset.

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
    // set -> (agree, total, examples), aromatic and Kekulé
    let mut tally: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    let mut kekule: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    let kekule_options = shennong_smiles::WriteOptions {
        kekule: true,
        ..Default::default()
    };
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
        count(&mut tally, name, smi, rd_canon, &ours);
        // RDKit's Kekulé SMILES (older references lack the column)
        if let Some(rd_kekule) = f.get(7).filter(|k| !k.is_empty()) {
            let ours = shennong_smiles::write_smiles(&mol, &kekule_options)
                .unwrap_or_else(|e| format!("ERROR {e}"));
            count(&mut kekule, name, smi, rd_kekule, &ours);
        }
    }
    let mut failures = Vec::new();
    for (title, table) in [
        ("RDKit canonical SMILES, identical strings (RDKit MolToSmiles vs to_rdkit_smiles):", &tally),
        ("RDKit canonical Kekulé SMILES, identical strings (kekuleSmiles=True vs kekule option):", &kekule),
    ] {
        println!("{title}");
        for (set, (agree, total, examples)) in table {
            let pct = 100.0 * *agree as f64 / (*total).max(1) as f64;
            println!("  {set:<22} {agree:>6}/{total:<6} {pct:7.2} %");
            for e in examples.iter().take(show) {
                println!("    {e}");
            }
            if !set.starts_with("informational") && pct < REQUIRED_PCT {
                failures.push(format!("{title} {set}: {pct:.2} % < {REQUIRED_PCT} %"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

fn count(
    tally: &mut BTreeMap<String, (usize, usize, Vec<String>)>,
    set: &str,
    smi: &str,
    rdkit: &str,
    ours: &str,
) {
    let t = tally.entry(set.to_string()).or_default();
    t.1 += 1;
    if ours == rdkit {
        t.0 += 1;
    } else {
        t.2.push(format!("{smi}\n      rdkit {rdkit}\n      ours  {ours}"));
    }
}
