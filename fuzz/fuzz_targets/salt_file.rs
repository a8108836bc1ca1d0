//! Any bytes as a salt/solvent definition file: reading it never panics,
//! and a list that reads can strip a few molecules.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(salts) = shennong_standardize::SaltRemover::parse("fuzz", &text) {
        for smiles in ["CC(=O)O.CN(C)C.Cl", "[Na+].[Cl-]", "O.O.O"] {
            let mol = shennong_smiles::parse(smiles).expect("fixed molecule");
            let _ = salts.strip(&mol);
        }
    }
});
