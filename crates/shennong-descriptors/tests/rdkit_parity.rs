#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Descriptor parity with RDKit: reads the reference written by
//! `scripts/parity/make_desc_reference.py` (path in `SHENNONG_DESC_REF`) and
//! requires every descriptor of every molecule to agree: integers exactly,
//! floats within 1e-6 relative (1e-10 absolute for values that cancel to
//! zero), NaN where RDKit fails.

use std::collections::BTreeMap;

use rayon::prelude::*;
use shennong_descriptors::DescriptorSet;

fn agrees(ours: f64, theirs: &str) -> bool {
    if theirs == "error" || theirs == "None" || theirs == "nan" {
        return ours.is_nan();
    }
    let Ok(t) = theirs.parse::<f64>() else {
        return false;
    };
    if t.is_nan() || ours.is_nan() {
        return t.is_nan() && ours.is_nan();
    }
    let diff = (ours - t).abs();
    diff <= 1e-6 * ours.abs().max(t.abs()) || diff <= 1e-10
}

#[test]
fn descriptors_match_rdkit() {
    let Ok(path) = std::env::var("SHENNONG_DESC_REF") else {
        eprintln!("SHENNONG_DESC_REF not set; descriptor parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let version = lines.next().unwrap().trim_start_matches("#rdkit\t");
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let names = &header[3..];
    let set = DescriptorSet::from_names(names).unwrap();
    // name -> (agree, total)
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut per_set: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    // Molecules are independent: compute on all cores, then compare in input order.
    let computed: Vec<Vec<f64>> = rows
        .par_iter()
        .map(|cols| {
            let mol =
                shennong_smiles::parse(cols[2]).unwrap_or_else(|e| panic!("{}: {e}", cols[2]));
            set.compute(&mol)
        })
        .collect();
    for (cols, values) in rows.iter().zip(computed) {
        let (set_name, smiles) = (cols[0], cols[2]);
        let mut all_ok = true;
        for (k, name) in names.iter().enumerate() {
            let ok = agrees(values[k], cols[3 + k]);
            let t = tally.entry(name).or_default();
            t.1 += 1;
            if ok {
                t.0 += 1;
            } else {
                all_ok = false;
                let f = failures.entry(name).or_default();
                if f.len() < 3 {
                    f.push(format!(
                        "{smiles}: rdkit {} ours {}",
                        cols[3 + k],
                        values[k]
                    ));
                }
            }
        }
        let s = per_set.entry(set_name).or_default();
        s.1 += 1;
        s.0 += usize::from(all_ok);
    }
    eprintln!(
        "descriptor parity against RDKit {version} ({} descriptors):",
        names.len()
    );
    for (set_name, (agree, total)) in &per_set {
        eprintln!("  {set_name:<16} molecules with every descriptor equal: {agree}/{total}");
    }
    for (name, (agree, total)) in &tally {
        if agree != total {
            eprintln!("  {name:<28} {agree}/{total}");
            for f in &failures[name] {
                eprintln!("      {f}");
            }
        }
    }
    let bad: Vec<&&str> = tally
        .iter()
        .filter(|(_, (a, t))| a != t)
        .map(|(n, _)| n)
        .collect();
    eprintln!(
        "  {} of {} descriptors agree on every molecule",
        names.len() - bad.len(),
        names.len()
    );
    assert!(bad.is_empty(), "descriptors differ from RDKit: {bad:?}");
}
