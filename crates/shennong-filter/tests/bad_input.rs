#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Nasty alert files: the corpus in `tests/corpus/alert_file` and random
//! mutations of it are read without panicking, and bad lines are reported
//! with their line number.

use shennong_filter::Catalog;

#[path = "../../../tests/common/nasty.rs"]
mod nasty;
use nasty::{corpus, mutate, rng};

#[test]
fn corpus_reads_or_fails_with_a_line_number() {
    let mol = shennong_smiles::parse("O=C(O)c1ccccc1[N+](=O)[O-]").unwrap();
    for (name, bytes) in corpus("alert_file") {
        let text = String::from_utf8_lossy(&bytes);
        match Catalog::parse("corpus", &text) {
            Ok(c) => {
                let _ = c.hits(&mol);
            }
            Err(e) => assert!(e.to_string().contains(", line "), "{name}: {e}"),
        }
    }
    let good = Catalog::parse(
        "g",
        &String::from_utf8_lossy(
            &corpus("alert_file")
                .iter()
                .find(|(n, _)| n.ends_with("good.tsv"))
                .unwrap()
                .1,
        ),
    )
    .unwrap();
    // the acid alert allows two matches; only the nitro group fires
    assert_eq!(good.hits(&mol).len(), 1);
}

#[test]
fn mutated_alert_files_never_panic() {
    let mut next = rng(0x9e37_79b9_7f4a_7c15);
    let seeds = corpus("alert_file");
    let alphabet = b"[]()=#$@+-*~!&,;:.%0123456789CNOScnosHRrXxDdvh\t\n #";
    let mol = shennong_smiles::parse("CC(=O)Nc1ccc(O)cc1").unwrap();
    for _ in 0..3000 {
        let (_, seed) = &seeds[(next() as usize) % seeds.len()];
        let bytes = mutate(seed, alphabet, &mut next);
        if let Ok(c) = Catalog::parse("m", &String::from_utf8_lossy(&bytes)) {
            let _ = c.hits(&mol);
        }
    }
}
