#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Model files: round trips give identical predictions; files of another
//! format version, other fingerprint definitions, or damaged content are
//! refused with a clear message and never panic.

use std::io::{Read, Write};

use shennong_model::{
    evaluate, FeaturizerSpec, LearnerKind, Model, ModelError, Task, TrainOptions, TrainingSet,
};

fn data_dir() -> String {
    std::env::var("SHENNONG_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    })
}

/// 240 ChEMBL molecules with Crippen logP as a synthetic target (and a
/// 0/1 label from it for classification).
fn training_set(task: Task) -> TrainingSet {
    let text = std::fs::read_to_string(format!("{}/chembl_1k.smi", data_dir())).unwrap();
    let logp = shennong_descriptors::DescriptorSet::from_names(&["MolLogP", "TPSA"]).unwrap();
    let mut mols = Vec::new();
    for line in text.lines().take(240) {
        let smi = line.split_whitespace().next().unwrap();
        if let Ok(m) = shennong_smiles::parse(smi) {
            mols.push(m);
        }
    }
    let v: Vec<Vec<f64>> = mols.iter().map(|m| logp.compute(m)).collect();
    let (a, b): (Vec<f64>, Vec<f64>) = match task {
        Task::Regression => v.iter().map(|x| (x[0], x[1] / 20.0)).unzip(),
        Task::Classification => v
            .iter()
            .map(|x| {
                (
                    f64::from(u8::from(x[0] > 3.0)),
                    f64::from(u8::from(x[1] > 80.0)),
                )
            })
            .unzip(),
    };
    TrainingSet {
        smiles: mols.iter().map(shennong_smiles::to_smiles).collect(),
        mols,
        targets: vec![("logp".into(), a), ("tpsa".into(), b)],
    }
}

fn train(kind: LearnerKind, task: Task, features: &str) -> (Model, TrainingSet) {
    let data = training_set(task);
    let options = TrainOptions {
        learner: Some(kind),
        folds: 3,
        ..Default::default()
    };
    let spec = FeaturizerSpec::from_name(features, 1024).unwrap();
    let model = Model::train(&data, spec, task, &options, "test", &mut |_| {}).unwrap();
    (model, data)
}

#[test]
fn every_learner_round_trips_through_a_file_with_identical_predictions() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, task, features) in [
        (LearnerKind::Gp, Task::Regression, "ecfp4-counts"),
        (LearnerKind::Rf, Task::Regression, "ecfp4+maccs"),
        (LearnerKind::Gbm, Task::Classification, "ecfp4-counts+desc"),
        (LearnerKind::Knn, Task::Regression, "fcfp4-counts"),
        (LearnerKind::Gp, Task::Classification, "desc"),
    ] {
        let (model, data) = train(kind, task, features);
        let path = dir.path().join(format!("{}.shm", kind.name()));
        model.save(&path).unwrap();
        let loaded = Model::load(&path).unwrap();
        let (f1, f2) = (
            model.compile_featurizer().unwrap(),
            loaded.compile_featurizer().unwrap(),
        );
        let a = model.predict(&f1, &data.mols[..40], 0.9).unwrap();
        let b = loaded.predict(&f2, &data.mols[..40], 0.9).unwrap();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.ad_similarity, 1.0);
            for (p, q) in x.targets.iter().zip(&y.targets) {
                assert!(
                    (p.value - q.value).abs() < 1e-9,
                    "{kind:?}: {} vs {}",
                    p.value,
                    q.value
                );
                assert!(p.lo.is_nan() && q.lo.is_nan() || (p.lo - q.lo).abs() < 1e-9);
            }
        }
        assert_eq!(loaded.training, model.training);
        assert_eq!(loaded.learners(), vec![kind, kind]);
        // the model has learned something on its own training data
        let metrics = evaluate(&loaded, &b, &data.targets).unwrap();
        let key = if task == Task::Regression {
            "r2"
        } else {
            "auroc"
        };
        assert!(
            metrics[0].1.get(key).unwrap() > 0.5,
            "{kind:?} {features}: {metrics:?}"
        );
    }
}

fn json_of(model: &Model) -> serde_json::Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(&model.to_bytes().unwrap()[..])
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn bytes_of(value: &serde_json::Value) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(value.to_string().as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn refusal(bytes: &[u8]) -> String {
    match Model::from_bytes(bytes, "m.shm") {
        Ok(_) => panic!("a bad model file was accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn mismatched_and_damaged_files_are_refused_with_a_reason() {
    let (model, _) = train(LearnerKind::Rf, Task::Regression, "ecfp4");
    let good = json_of(&model);

    assert!(refusal(b"smiles,y\nCCO,1\n").contains("not a Shennong model file"));

    let mut v = good.clone();
    v["format_version"] = 2.into();
    let msg = refusal(&bytes_of(&v));
    assert!(
        msg.contains("format version 2") && msg.contains("reads version 1"),
        "{msg}"
    );

    let mut v = good.clone();
    v["format"] = "something-else".into();
    assert!(refusal(&bytes_of(&v)).contains("not a Shennong model file"));

    let mut v = good.clone();
    v["featurizer"]["blocks"][0]["spec"] = "shennong/99 morgan size=1024 radius=2".into();
    let err = Model::from_bytes(&bytes_of(&v), "m.shm").unwrap_err();
    assert!(matches!(err, ModelError::Mismatch(_)), "{err}");

    let mut v = good.clone();
    v["targets"][0]["learner"]["trees"][0]["nodes"][0]["left"] = 999_999.into();
    assert!(refusal(&bytes_of(&v)).contains("damaged"));

    let mut v = good.clone();
    v["domain"]["fingerprints"][0] = "zz".into();
    assert!(refusal(&bytes_of(&v)).contains("domain"));

    let mut v = good;
    v["targets"][0]["learner"]["learner"] = "perceptron".into();
    assert!(refusal(&bytes_of(&v)).contains("damaged model"));

    let bytes = model.to_bytes().unwrap();
    assert!(refusal(&bytes[..bytes.len() / 2]).contains("damaged compressed data"));
}

#[test]
fn a_gp_file_with_a_broken_kernel_matrix_is_refused() {
    let (model, _) = train(LearnerKind::Gp, Task::Regression, "ecfp4-counts");
    let mut v = json_of(&model);
    v["targets"][0]["learner"]["noise"] = (-1.0).into();
    assert!(refusal(&bytes_of(&v)).contains("damaged GP"));
}

/// The corpus of damaged and mismatched files (the fuzz target's seeds):
/// valid files load and predict; every other file is refused with a
/// message, and nothing panics.
#[test]
fn the_model_file_corpus_is_loaded_or_refused_without_panics() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/model_file");
    let mut seen = 0;
    let mol = shennong_smiles::parse("CC(=O)Oc1ccccc1C(=O)O").unwrap();
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        seen += 1;
        match Model::from_bytes(&bytes, &name) {
            Ok(model) => {
                assert!(
                    name.starts_with("valid_"),
                    "{name} should have been refused"
                );
                let f = model.compile_featurizer().unwrap();
                let p = model.predict_one(&f, &mol, 0.9).unwrap();
                assert!(p.targets[0].value.is_finite() && p.targets[0].lo <= p.targets[0].hi);
            }
            Err(e) => {
                assert!(!name.starts_with("valid_"), "{name}: {e}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
    assert!(seen >= 20, "corpus missing ({seen} files)");
}
