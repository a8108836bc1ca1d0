#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Design runs: the oracle budget is enforced exactly, every scored
//! molecule is a valid molecule, runs resume after an interruption (also
//! from a torn last line), and a run directory refuses another configuration.

use std::collections::HashSet;
use std::path::Path;

use shennong_generate::design::run_design;

const POOL: [&str; 12] = [
    "CC(=O)Oc1ccccc1C(=O)O",
    "CN1CCC[C@H]1c1cccnc1",
    "O=C(O)c1ccc(Cl)cc1N",
    "CC(C)Cc1ccc(C(C)C(=O)O)cc1",
    "COc1ccc2[nH]cc(CCN)c2c1",
    "Cc1ccc(S(=O)(=O)N)cc1",
    "c1ccc2c(c1)ccc1ccccc12",
    "CCN(CC)CCOC(=O)c1ccc(N)cc1",
    "O=C1CCCN1",
    "CC1=CC(=O)C=CC1=O",
    "Nc1nc2ccccc2s1",
    "OCC(O)CO",
];

fn config(budget: usize) -> String {
    format!(
        r#"
[run]
seed = 3
budget = {budget}
population = 30
offspring = 30

[diversity_filter]
bucket_size = 10

[scoring]
method = "geometric_mean"
[[scoring.component]]
kind = "qed"
[[scoring.component]]
kind = "similarity"
smiles = ["Cc1ccc(-c2cc(C(F)(F)F)nn2-c2ccc(S(N)(=O)=O)cc2)cc1"]
transform = {{ type = "clipped", upper_x = 0.6 }}
"#
    )
}

fn pool() -> Option<Vec<String>> {
    Some(POOL.iter().map(|s| s.to_string()).collect())
}

fn rows(dir: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("scored.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn budget_is_enforced_exactly_and_every_molecule_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let summary = run_design(&config(400), Path::new("."), pool(), dir.path(), |_| true).unwrap();
    assert_eq!(summary.calls, 400);
    assert_eq!(summary.stopped, "budget");
    let rows = rows(dir.path());
    assert_eq!(rows.len(), 400);
    let mut seen = HashSet::new();
    for (k, row) in rows.iter().enumerate() {
        assert_eq!(row[3], (k + 1).to_string(), "calls are numbered in order");
        let mol = shennong_smiles::parse(&row[0]).unwrap_or_else(|e| panic!("{}: {e}", row[0]));
        assert_eq!(
            shennong_smiles::to_smiles(&mol),
            row[0],
            "stored SMILES are canonical"
        );
        assert!(seen.insert(row[0].clone()), "{} scored twice", row[0]);
        let total: f64 = row[row.len() - 2].parse().unwrap();
        assert!((0.0..=1.0).contains(&total));
    }
    assert!(summary.best > 0.3, "GA made no progress: {}", summary.best);
}

#[test]
fn an_interrupted_run_resumes_to_the_same_budget() {
    let dir = tempfile::tempdir().unwrap();
    let mut generations = 0;
    let first = run_design(&config(300), Path::new("."), pool(), dir.path(), |_| {
        generations += 1;
        generations < 3
    })
    .unwrap();
    assert_eq!(first.stopped, "interrupted");
    assert!(first.calls < 300);
    // a torn last line, as if the process died mid-write
    let scored = dir.path().join("scored.csv");
    let mut text = std::fs::read_to_string(&scored).unwrap();
    text.push_str("CCO,design-9");
    std::fs::write(&scored, text).unwrap();
    let second = run_design(&config(300), Path::new("."), None, dir.path(), |_| true).unwrap();
    assert_eq!(second.resumed, first.calls);
    assert_eq!(second.calls, 300);
    let rows = rows(dir.path());
    assert_eq!(rows.len(), 300);
    let distinct: HashSet<&String> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(distinct.len(), 300);
    // a finished run started again does nothing more
    let third = run_design(&config(300), Path::new("."), None, dir.path(), |_| true).unwrap();
    assert_eq!(third.calls, 300);
    assert_eq!(self::rows(dir.path()).len(), 300);
}

#[test]
fn a_run_directory_refuses_another_configuration() {
    let dir = tempfile::tempdir().unwrap();
    run_design(&config(100), Path::new("."), pool(), dir.path(), |_| true).unwrap();
    let err = run_design(&config(200), Path::new("."), pool(), dir.path(), |_| true)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("different configuration"), "{err}");
    // a future format is refused by name
    let run = dir.path().join("run.toml");
    let text = std::fs::read_to_string(&run).unwrap();
    std::fs::write(&run, text.replacen("format 1", "format 9", 1)).unwrap();
    let err = run_design(&config(100), Path::new("."), pool(), dir.path(), |_| true)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("format"), "{err}");
}

#[test]
fn bad_configurations_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = config(100).replace("kind = \"qed\"", "kind = \"qed\"\nwieght = 2");
    let err = run_design(&bad, Path::new("."), pool(), dir.path(), |_| true)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("wieght"), "{err}");
    let err = run_design(
        "[run]\nbudget = 10\npmo = \"drd2\"\n",
        Path::new("."),
        pool(),
        dir.path(),
        |_| true,
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("not available"), "{err}");
}
