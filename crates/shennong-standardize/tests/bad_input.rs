#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Nasty salt files (the corpus in `tests/corpus/salt_file` and random
//! mutations of it) are read without panicking and bad lines are reported
//! with their line; nasty molecules (the SMILES corpus and mutations of it)
//! go through every standardisation parent without panicking.

use shennong_standardize::{Parent, SaltRemover, Standardizer};

#[path = "../../../tests/common/nasty.rs"]
mod nasty;
use nasty::{corpus, mutate, rng};

#[test]
fn salt_corpus_reads_or_fails_with_a_line_number() {
    let mol = shennong_smiles::parse("CN(C)C.Cl.CC(=O)O").unwrap();
    for (name, bytes) in corpus("salt_file") {
        match SaltRemover::parse("corpus", &String::from_utf8_lossy(&bytes)) {
            Ok(s) => {
                s.strip(&mol).unwrap();
            }
            Err(e) => assert!(e.to_string().contains("corpus, line "), "{name}: {e}"),
        }
    }
    let bad = corpus("salt_file")
        .into_iter()
        .find(|(n, _)| n.ends_with("bad_smarts.txt"))
        .unwrap();
    let err = SaltRemover::parse("bad_smarts.txt", &String::from_utf8_lossy(&bad.1)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("bad_smarts.txt, line 2: SMARTS error"),
        "{err}"
    );
    let good = corpus("salt_file")
        .into_iter()
        .find(|(n, _)| n.ends_with("good.txt"))
        .unwrap();
    let salts = SaltRemover::parse("good", &String::from_utf8_lossy(&good.1)).unwrap();
    assert_eq!(salts.definitions().len(), 4);
    assert_eq!(
        shennong_smiles::to_smiles(&salts.strip(&mol).unwrap()),
        "CN(C)C"
    );
}

#[test]
fn mutated_salt_files_never_panic() {
    let mut next = rng(0x9e37_79b9_7f4a_7c15);
    let seeds = corpus("salt_file");
    let alphabet = b"[]()=#$@+-*~!&,;:.%0123456789CNOScnosHRrXxDdvh\t\n /";
    let mol = shennong_smiles::parse("CC(=O)O.[Na+].Cl").unwrap();
    for _ in 0..2000 {
        let (_, seed) = &seeds[(next() as usize) % seeds.len()];
        let bytes = mutate(seed, alphabet, &mut next);
        if let Ok(s) = SaltRemover::parse("m", &String::from_utf8_lossy(&bytes)) {
            let _ = s.strip(&mol);
        }
    }
}

#[test]
fn nasty_molecules_standardize_without_panicking() {
    let std = Standardizer::new().unwrap();
    let mut next = rng(0x2545_f491_4f6c_dd1d);
    let lines: Vec<Vec<u8>> = corpus("smiles")
        .into_iter()
        .flat_map(|(_, b)| {
            b.split(|&c| c == b'\n')
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let alphabet = b"[]()=#+-@.%0123456789CNOSPcnosBrClHF/\\";
    let mut tried = 0;
    for i in 0..1500 {
        let line = &lines[i % lines.len()];
        let bytes = if i < lines.len() {
            line.clone()
        } else {
            mutate(line, alphabet, &mut next)
        };
        let text = String::from_utf8_lossy(&bytes);
        let smiles = text.split_whitespace().next().unwrap_or("");
        let Ok(mol) = shennong_smiles::parse(smiles) else {
            continue;
        };
        if mol.num_atoms() > 60 {
            continue;
        }
        tried += 1;
        for (_, parent) in Parent::ALL {
            let _ = std.parent(&mol, parent);
        }
    }
    assert!(tried > 100, "only {tried} molecules parsed");
}
