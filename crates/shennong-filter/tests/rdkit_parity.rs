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

use rayon::prelude::*;
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
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    // Molecules are independent: check them on all cores, then tally in input order.
    // Per molecule: (catalogs that agree, catalogs checked as (index, agrees), diffs).
    type Checked = (Vec<(usize, bool)>, Vec<String>);
    let per_molecule: Vec<Checked> = rows
        .par_iter()
        .map(|cols| {
            let (set, smiles, expected) = (cols[0], cols[2], cols.get(3).copied().unwrap_or(""));
            let Ok(mol) = shennong_smiles::parse(smiles) else {
                return (Vec::new(), vec![format!("{set}: we reject {smiles}")]);
            };
            let target = Target::new(&mol);
            let mut checked = Vec::new();
            let mut diffs = Vec::new();
            for (c, (name, catalog)) in catalogs.iter().enumerate() {
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
                checked.push((c, got == want));
                if got != want {
                    diffs.push(format!(
                        "{set} {smiles}: rdkit [{}] ours [{}]",
                        want.join(" | "),
                        got.join(" | ")
                    ));
                }
            }
            (checked, diffs)
        })
        .collect();
    // (set, catalog) -> (agree, total)
    let mut tally: BTreeMap<(String, &str), (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (cols, (checked, diffs)) in rows.iter().zip(per_molecule) {
        for (c, agrees) in checked {
            let t = tally
                .entry((cols[0].to_string(), catalogs[c].0))
                .or_default();
            t.1 += 1;
            t.0 += usize::from(agrees);
        }
        failures.extend(diffs);
    }
    failures.truncate(30);
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
