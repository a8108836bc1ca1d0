//! Any bytes as a model file: loading never panics, and a model that loads
//! predicts without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(model) = shennong_model::Model::from_bytes(data, "fuzz.shm") else { return };
    let Ok(featurizer) = model.compile_featurizer() else { return };
    if let Ok(mol) = shennong_smiles::parse("CC(=O)Oc1ccccc1C(=O)O") {
        let _ = model.predict_one(&featurizer, &mol, 0.9);
        let _ = model.predict(&featurizer, &[mol], 0.5);
    }
});
