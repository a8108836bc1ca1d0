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
    parquet_holds_the_csv_rows(dir.path(), &rows);
}

/// `scored.parquet` has the rows of `scored.csv`, typed.
fn parquet_holds_the_csv_rows(dir: &Path, rows: &[Vec<String>]) {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let file = std::fs::File::open(dir.join("scored.parquet")).unwrap();
    let reader = SerializedFileReader::new(file).unwrap();
    let parquet_rows: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(parquet_rows.len(), rows.len());
    for (row, csv) in parquet_rows.iter().zip(rows) {
        let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
        assert_eq!(fields.len(), csv.len());
        for (field, text) in fields.iter().zip(csv) {
            match field {
                Field::Str(s) => assert_eq!(s, text),
                Field::Long(v) => assert_eq!(v.to_string(), *text),
                Field::Double(v) => assert_eq!(*v, text.parse::<f64>().unwrap()),
                other => panic!("unexpected {other:?}"),
            }
        }
    }
}

/// Regression: run files were written through tempfile's private 0600
/// files, so colleagues could not read a shared run directory.
#[cfg(unix)]
#[test]
fn run_files_get_ordinary_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    run_design(&config(60), Path::new("."), pool(), dir.path(), |_| true).unwrap();
    let probe = dir.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let ordinary = std::fs::metadata(&probe).unwrap().permissions().mode() & 0o777;
    for name in ["run.toml", "scored.csv", "scored.parquet", "summary.json"] {
        let mode = std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, ordinary, "{name}");
    }
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

#[test]
fn reaction_moves_from_the_config_reach_the_scored_molecules() {
    // Silicon is outside the graph moves' element set, so every Si in the
    // scored molecules comes from the reaction move.
    let with_moves = format!(
        "{}\n[transforms]\nrate = 0.5\nrules = [{{ name = \"TMS scan\", smirks = \"[cH:1]>>[c:1][Si](C)(C)C\" }}]\n",
        config(300)
    );
    let dir = tempfile::tempdir().unwrap();
    let summary = run_design(&with_moves, Path::new("."), pool(), dir.path(), |_| true).unwrap();
    assert_eq!(summary.calls, 300);
    let scored = rows(dir.path());
    let with_si = scored.iter().filter(|r| r[0].contains("[Si]")).count();
    assert!(with_si > 0, "no scored molecule carries the moved group");
    for row in &scored {
        let mol = shennong_smiles::parse(&row[0]).unwrap_or_else(|e| panic!("{}: {e}", row[0]));
        assert_eq!(shennong_smiles::to_smiles(&mol), row[0]);
    }
    // a run without the section never makes one
    let plain = tempfile::tempdir().unwrap();
    run_design(&config(300), Path::new("."), pool(), plain.path(), |_| true).unwrap();
    assert!(rows(plain.path()).iter().all(|r| !r[0].contains("[Si]")));
}

#[test]
fn bad_reaction_moves_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (section, expected) in [
        (
            "[transforms]\nrules = [{ name = \"bad\", smirks = \"[C:1]>>[C:1]*\" }]\n",
            "transforms.rules[1] ('bad')",
        ),
        (
            "[transforms]\nrate = 2\nrules = [{ name = \"ok\", smirks = \"[cH:1]>>[c:1]F\" }]\n",
            "transforms.rate",
        ),
        ("[transforms]\nrules = []\n", "transforms.rules is empty"),
    ] {
        let text = format!("{}\n{section}", config(50));
        let err = run_design(&text, Path::new("."), pool(), dir.path(), |_| true)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains(expected), "{err}");
    }
}
