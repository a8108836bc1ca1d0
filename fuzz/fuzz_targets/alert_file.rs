//! Any bytes as a user's alert file: reading it never panics, and a catalog
//! that reads can be run over a few molecules.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(catalog) = shennong_filter::Catalog::parse("fuzz", &text) {
        for smiles in ["CC(=O)Oc1ccccc1C(=O)O", "O=C1C(=Cc2ccc(O)cc2)SC(=S)N1", "[Na+].[Cl-]"] {
            let mol = shennong_smiles::parse(smiles).expect("fixed molecule");
            let _ = catalog.hits(&mol);
        }
    }
});
