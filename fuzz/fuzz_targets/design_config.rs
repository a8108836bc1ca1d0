//! Any text as a design configuration: parsing and compiling never panic,
//! and a configuration that compiles scores a molecule without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(config) = shennong_generate::design::DesignConfig::parse(text) else { return };
    let Ok(scoring) = config.scoring(std::path::Path::new(".")) else { return };
    if let Ok(mol) = shennong_smiles::parse("CC(=O)Oc1ccccc1C(=O)O") {
        let _ = scoring.score(&mol);
    }
});
