#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! PMO oracle parity: every oracle Shennong computes equals PyTDC's
//! definition (evaluated with the pinned RDKit by
//! `scripts/parity/make_pmo_reference.py`, path in `SHENNONG_PMO_REF`) to
//! 1e-6 absolute, for every molecule of the shared sets (the hop tasks and
//! the Gobbi 2D pharmacophore bits, which equal RDKit's bit for bit, on the
//! first molecules of each set: RDKit's Pharm2D is slow), failing on any
//! difference.

use std::collections::BTreeMap;

use rayon::prelude::*;
use shennong_generate::pmo::{pmo_scoring, PMO_TASKS};

#[test]
fn pmo_oracles_match_pytdc_definitions() {
    let Ok(path) = std::env::var("SHENNONG_PMO_REF") else {
        eprintln!("SHENNONG_PMO_REF not set; PMO oracle parity skipped (scripts/test.sh sets it)");
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let version = lines
        .next()
        .unwrap()
        .trim_start_matches("#rdkit\t")
        .to_string();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header.last(), Some(&"gobbi_pharm2d_bits"));
    let tasks = &header[3..header.len() - 1];
    let gobbi = shennong_fingerprint::pharm2d::Pharm2D::gobbi();
    let (mut bits_ok, mut bits_n) = (0usize, 0usize);
    let mut sorted = PMO_TASKS.to_vec();
    sorted.sort_unstable();
    assert_eq!(
        tasks,
        sorted.as_slice(),
        "reference tasks differ from PMO_TASKS"
    );
    let scorings: Vec<_> = tasks.iter().map(|t| pmo_scoring(t).unwrap()).collect();
    let mut tally: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split('\t').collect()).collect();
    // Molecules are independent: score them on all cores, then compare in input
    // order. Per molecule: our Gobbi bits (if the reference has them) and our
    // score for each task the reference has.
    type Ours = (Option<Vec<u32>>, Vec<Option<f64>>);
    let ours_per_molecule: Vec<Ours> = rows
        .par_iter()
        .map(|cols| {
            let smiles = cols[2];
            let mol = shennong_smiles::parse(smiles).unwrap_or_else(|e| panic!("{smiles}: {e}"));
            let bits = (cols[cols.len() - 1] != "skip").then(|| gobbi.bits(&mol));
            let scores = scorings
                .iter()
                .enumerate()
                .map(|(k, scoring)| (cols[3 + k] != "skip").then(|| scoring.score(&mol).total))
                .collect();
            (bits, scores)
        })
        .collect();
    for (cols, (our_bits, our_scores)) in rows.iter().zip(ours_per_molecule) {
        let smiles = cols[2];
        let bits_col = cols[cols.len() - 1];
        if let Some(our_bits) = our_bits {
            let theirs_bits: Vec<u32> = bits_col
                .split(',')
                .filter(|b| !b.is_empty())
                .map(|b| b.parse().unwrap())
                .collect();
            bits_n += 1;
            if our_bits == theirs_bits {
                bits_ok += 1;
            } else if failures.len() < 20 {
                failures.push(format!("Gobbi pharm2d bits differ for {smiles}"));
            }
        }
        for (k, (task, ours)) in tasks.iter().zip(our_scores).enumerate() {
            let Some(ours) = ours else { continue };
            let theirs: f64 = cols[3 + k].parse().unwrap_or(f64::NAN);
            let ok = (ours - theirs).abs() <= 1e-6;
            let t = tally.entry(task).or_default();
            t.1 += 1;
            if ok {
                t.0 += 1;
            } else if failures.len() < 20 {
                failures.push(format!("{task} {smiles}: pytdc {theirs} ours {ours}"));
            }
        }
    }
    println!("PMO oracle parity vs PyTDC definitions on RDKit {version}:");
    println!(
        "  Gobbi 2D pharmacophore bits  {bits_ok}/{bits_n} ({:.2} %)",
        100.0 * bits_ok as f64 / bits_n as f64
    );
    for (task, (ok, n)) in &tally {
        println!(
            "  {task:<26} {ok}/{n} ({:.2} %)",
            100.0 * *ok as f64 / *n as f64
        );
    }
    assert!(
        failures.is_empty(),
        "PMO oracle mismatches:\n{}",
        failures.join("\n")
    );
}
