#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Nasty Parquet input: the corpus in `tests/corpus/parquet_input` (files
//! written by pandas/pyarrow with every common codec, binary and large-string
//! columns, several row groups, a truncated file) and random byte mutations
//! of it. Reading never panics: a file is refused with a message, or its
//! rows come out as records (or as record errors).

#[path = "../../../tests/common/nasty.rs"]
mod nasty;

use nasty::{corpus, mutate, rng};
use shennong_io::{Format, InputOptions, RawReader};

fn read_all(bytes: &[u8]) -> Result<usize, String> {
    let reader = RawReader::new(
        Box::new(std::io::Cursor::new(bytes.to_vec())),
        Format::Parquet,
        &InputOptions {
            carry_columns: true,
            ..InputOptions::default()
        },
    )
    .map_err(|e| e.to_string())?;
    let mut records = 0;
    for record in reader {
        if let Ok(raw) = record {
            let _ = raw.parse();
        }
        records += 1;
    }
    Ok(records)
}

#[test]
fn corpus_reads_or_is_refused_with_a_reason() {
    let mut read = 0;
    for (name, bytes) in corpus("parquet_input") {
        match read_all(&bytes) {
            Ok(n) => {
                assert!(n > 0, "{name}: no records");
                read += 1;
            }
            Err(why) => {
                assert!(!why.is_empty(), "{name}");
                assert!(
                    name.contains("truncated"),
                    "{name} should be readable: {why}"
                );
            }
        }
    }
    assert!(read >= 5, "only {read} corpus files were readable");
}

#[test]
fn mutated_parquet_never_panics() {
    // the decoder's caught panics would otherwise flood the test log
    shennong_io::quiet_parquet_panics();
    let seeds = corpus("parquet_input");
    let mut next = rng(0x9e37_79b9_7f4a_7c15);
    let alphabet: Vec<u8> = (0..=255).collect();
    for _ in 0..30000 {
        let (_, seed) = &seeds[(next() as usize) % seeds.len()];
        let bytes = mutate(seed, &alphabet, &mut next);
        let _ = read_all(&bytes);
    }
}
