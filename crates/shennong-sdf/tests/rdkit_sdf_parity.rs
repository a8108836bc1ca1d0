//! Reads SD files and writes our canonical SMILES and our SD output for
//! `scripts/parity/check_sdf.py` to compare with RDKit. Runs when
//! `SHENNONG_SDF_OUT` names an output directory (the test script sets it).
//! The files are those listed one `NAME=PATH` per line in the file
//! `SHENNONG_SDF_SETS` names (the test script lists the shared SD files and
//! those the RDKit wheel ships), or else the three shared SD files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::BufReader;

#[test]
fn sdf_files_read_and_written() {
    let Ok(out_dir) = std::env::var("SHENNONG_SDF_OUT") else {
        eprintln!("SHENNONG_SDF_OUT not set: SD parity skipped (run ./scripts/test.sh)");
        return;
    };
    let data = std::env::var("SHENNONG_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    });
    let sets: Vec<(String, String)> = match std::env::var("SHENNONG_SDF_SETS") {
        Ok(list) => std::fs::read_to_string(&list)
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let (name, path) = l.split_once('=').unwrap();
                (name.to_string(), path.to_string())
            })
            .collect(),
        Err(_) => ["cdk2", "solubility.train", "solubility.test"]
            .iter()
            .map(|name| (name.to_string(), format!("{data}/{name}.sdf")))
            .collect(),
    };
    for (name, path) in &sets {
        let file = std::fs::File::open(path).unwrap();
        let mut smiles = String::new();
        let mut sdf = String::new();
        let mut failed = 0;
        for (k, rec) in shennong_sdf::SdRecords::new(BufReader::new(file)).enumerate() {
            let rec = rec.unwrap();
            match shennong_sdf::read_molblock(&rec.molblock) {
                Ok(mol) => {
                    smiles.push_str(&format!("{k}\t{}\n", shennong_smiles::to_smiles(&mol)));
                    let title = rec.molblock.lines().next().unwrap_or("");
                    sdf.push_str(&shennong_sdf::write_sd_record(&mol, title, &rec.data).unwrap());
                }
                Err(e) => {
                    failed += 1;
                    smiles.push_str(&format!("{k}\tERROR {e}\n"));
                }
            }
        }
        println!("{name}: {failed} records failed");
        std::fs::write(format!("{out_dir}/{name}.smi.tsv"), smiles).unwrap();
        std::fs::write(format!("{out_dir}/{name}.out.sdf"), sdf).unwrap();
    }
}
