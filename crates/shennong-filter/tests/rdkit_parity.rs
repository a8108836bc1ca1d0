#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Alert parity with RDKit's FilterCatalog: reads the reference written by
//! `scripts/parity/make_filter_reference.py` (path in `SHENNONG_FILTER_REF`)
//! and requires the same fired alerts, in the same order, for every molecule
//! and every built-in catalog.

use std::collections::BTreeMap;

use shennong_filter::{Catalog, BUILTIN_CATALOGS};
use shennong_smarts::Target;

#[test]
fn alerts_match_rdkit_filter_catalog() {
    let Ok(path) = std::env::var("SHENNONG_FILTER_REF") else {
        eprintln!("SHENNONG_FILTER_REF not set; filter parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let version = lines.next().unwrap().trim_start_matches("#rdkit\t");
    let sizes = lines.next().unwrap();
    let catalogs: Vec<(&str, Catalog)> = BUILTIN_CATALOGS
        .iter()
        .map(|(n, _)| (*n, Catalog::builtin(n).unwrap()))
        .collect();
    let ours_sizes = catalogs
        .iter()
        .map(|(n, c)| format!("{n}:{}", c.len()))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(
        sizes,
        format!("#sizes\t{ours_sizes}"),
        "catalog sizes differ"
    );
    // (set, catalog) -> (agree, total)
    let mut tally: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for line in lines {
        let cols: Vec<&str> = line.split('\t').collect();
        let (set, smiles, expected) = (cols[0], cols[2], cols.get(3).copied().unwrap_or(""));
        let Ok(mol) = shennong_smiles::parse(smiles) else {
            failures.push(format!("{set}: we reject {smiles}"));
            continue;
        };
        let target = Target::new(&mol);
        for (name, catalog) in &catalogs {
            let prefix = format!("{name}:");
            let want: Vec<&str> = expected
                .split('|')
                .filter(|h| h.starts_with(&prefix))
                .collect();
            let got: Vec<String> = catalog
                .hits_in(&target)
                .iter()
                .map(|a| format!("{name}:{}", a.name))
                .collect();
            let t = tally.entry((set.to_string(), name)).or_default();
            t.1 += 1;
            if got == want {
                t.0 += 1;
            } else if failures.len() < 30 {
                failures.push(format!(
                    "{set} {smiles}: rdkit [{}] ours [{}]",
                    want.join(" | "),
                    got.join(" | ")
                ));
            }
        }
    }
    eprintln!("filter parity against RDKit {version}:");
    let mut all_ok = true;
    for ((set, catalog), (agree, total)) in &tally {
        eprintln!(
            "  {set:<16} {catalog:<20} {agree}/{total} ({:.3}%)",
            100.0 * *agree as f64 / *total as f64
        );
        all_ok &= agree == total;
    }
    for f in &failures {
        eprintln!("  DIFF {f}");
    }
    assert!(
        all_ok && failures.is_empty(),
        "filter alerts differ from RDKit"
    );
}
