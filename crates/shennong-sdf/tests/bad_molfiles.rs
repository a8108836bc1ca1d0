//! Malformed molfiles give clear errors with line numbers and never panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use shennong_sdf::{parse_molfile, read_molblock, ReadError, SdRecords};

fn corpus(name: &str) -> String {
    let path = format!(
        "{}/../../tests/corpus/molfile/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

#[test]
fn good_file_reads() {
    let mol = read_molblock(&corpus("good_ethanol.mol")).unwrap();
    assert_eq!(mol.num_atoms(), 3);
}

#[test]
fn syntax_errors_have_line_and_reason() {
    for (file, line, words) in [
        ("truncated_atoms.mol", 0, "ends early"),
        ("counts_garbage.mol", 4, "expected an integer"),
        ("bond_out_of_range.mol", 9, "outside 1..3"),
        ("bond_to_self.mol", 9, "to itself"),
        ("duplicate_bond.mol", 9, "duplicate bond"),
        ("bad_element.mol", 7, "unknown element"),
        ("bad_coordinate.mol", 7, "expected a number"),
        ("nan_coordinate.mol", 7, "not a finite number"),
        ("bad_charge_code.mol", 5, "invalid charge code"),
        ("chg_out_of_range.mol", 0, "charge out of range"),
        ("chg_atom_out_of_range.mol", 0, "outside 1..3"),
        ("only_header.mol", 0, "before its counts line"),
        ("empty.mol", 0, "before its counts line"),
        ("v3000_bad_bond.mol", 0, "unknown atom 7"),
        ("counts_too_big.mol", 0, "ends early"),
        ("query_bond_type.mol", 8, "unsupported bond type 5"),
        ("als_negative_length.mol", 10, "negative atom list length"),
        ("als_unknown_element.mol", 10, "unknown element symbol 'Xx'"),
        ("rxn_as_molfile.mol", 4, "CTAB version string invalid"),
        ("ctab_v4000.mol", 4, "unsupported CTAB version"),
        ("no_m_end.mol", 8, "M  END missing"),
        ("skp_negative.mol", 8, "negative S  SKP line count"),
        ("v3000_no_end_ctab.mol", 15, "M  V30 END CTAB missing"),
    ] {
        let e = parse_molfile(&corpus(file)).expect_err(file);
        assert!(e.reason.contains(words), "{file}: {e}");
        if line > 0 {
            assert_eq!(e.line, line, "{file}: {e}");
        }
        assert!(e.to_string().starts_with("molfile error at line"), "{e}");
    }
}

#[test]
fn chemistry_errors_are_typed() {
    for file in ["bad_valence.mol"] {
        match read_molblock(&corpus(file)) {
            Err(ReadError::Chemistry(e)) => assert!(!e.to_string().is_empty()),
            Err(other) => panic!("{file}: expected a chemistry error, got {other}"),
            Ok(_) => panic!("{file} should not read"),
        }
    }
}

#[test]
fn v3000_continuation_lines_join() {
    let mol = read_molblock(&corpus("v3000_continuation.mol")).unwrap();
    assert_eq!(mol.atoms()[0].formal_charge, -1);
    assert_eq!(mol.atoms()[1].formal_charge, 1);
}

#[test]
fn every_corpus_file_is_handled_without_panic() {
    let dir = format!("{}/../../tests/corpus/molfile", env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let _ = read_molblock(&text);
        for rec in SdRecords::new(bytes.as_slice()).flatten() {
            let _ = read_molblock(&rec.molblock);
        }
    }
}

#[test]
fn sd_data_items_are_read() {
    let text = corpus("sd_no_terminator.sdf");
    let recs: Vec<_> = SdRecords::new(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].data[0], ("NAME".to_string(), "ethanol".to_string()));
}

/// Regression: 2D wedge stereo and a V2000 "either" double bond survive SDF -> SDF.
#[test]
fn either_double_bond_stays_unspecified() {
    let text = "x\n\n\n  4  3  0  0  0  0            999 V2000\n    0.2606    0.1503    0.0000 Br  0  0\n    1.3000    0.7500    0.0000 C   0  0\n    2.6000    0.0000    0.0000 C   0  0\n    3.6394    0.5997    0.0000 Br  0  0\n  1  2  1  0\n  2  3  2  3\n  3  4  1  0\nM  END\n";
    let mol = read_molblock(text).unwrap();
    assert_eq!(shennong_smiles::to_smiles(&mol), "BrC=CBr");
    let back = read_molblock(&shennong_sdf::write_molblock(&mol, "x").unwrap()).unwrap();
    assert_eq!(shennong_smiles::to_smiles(&back), "BrC=CBr");
}

/// A deterministic mutation fuzzer over real molfiles (RDKit's test
/// records, 2D wedges, 3D and non-tetrahedral complexes): each record is
/// mutated many times (a byte changed to a digit, sign, space, dot, letter
/// or high byte; a byte deleted or doubled; a line deleted, doubled or
/// shifted by a column) and read. Errors are fine; a panic fails. This runs
/// the fixed-column number readers and the 3D shape perception on
/// malformed input on stable Rust, beside the `cargo fuzz` target.
#[test]
fn mutated_molfiles_never_panic() {
    let dir = format!("{}/tests/data", env!("CARGO_MANIFEST_DIR"));
    let mut blocks = Vec::new();
    for name in [
        "rdkit_test_molfiles.sdf",
        "rdkit_nontetrahedral_3d.sdf",
        "rdkit_wedges.sdf",
        "rdkit_3d.sdf",
    ] {
        let file = std::fs::File::open(format!("{dir}/{name}")).unwrap();
        for rec in SdRecords::new(std::io::BufReader::new(file)).take(60) {
            blocks.push(rec.unwrap().molblock);
        }
    }
    // xorshift64: the same mutants on every run
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n.max(1) as u64) as usize
    };
    const BYTES: &[u8] = b"0123456789-+. \tRCXx#\x80\xff\n";
    let mut read = 0usize;
    for block in &blocks {
        for _ in 0..150 {
            let mut bytes = block.as_bytes().to_vec();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len());
                match next(6) {
                    0 | 1 => bytes[at] = BYTES[next(BYTES.len())],
                    2 => {
                        bytes.remove(at);
                    }
                    3 => bytes.insert(at, bytes[at]),
                    _ => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                        let k = next(lines.len());
                        match next(3) {
                            0 => {
                                lines.remove(k);
                            }
                            1 => lines.insert(k, lines[k].clone()),
                            _ => lines[k].insert(0, ' '),
                        }
                        bytes = (lines.join("\n") + "\n").into_bytes();
                    }
                }
                if bytes.is_empty() {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if read_molblock(&text).is_ok() {
                read += 1;
            }
        }
    }
    // most single mutations of a real record still read
    assert!(
        read > blocks.len() * 25,
        "{read} of {} read",
        blocks.len() * 150
    );
}
