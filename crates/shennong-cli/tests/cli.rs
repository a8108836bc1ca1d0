//! End-to-end tests of `shennong convert` as a user runs it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_shennong"))
}

/// Runs `shennong convert IN -o OUT [extra...]`.
fn convert(input: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    bin()
        .args([
            "convert",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .output()
        .unwrap()
}

/// Runs `shennong ARGS...`.
fn shennong(args: &[&str]) -> std::process::Output {
    bin().args(args).output().unwrap()
}

fn example() -> String {
    format!(
        "{}/../../examples/molecules.smi",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn converts_the_bundled_example_to_canonical_smiles() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.smi");
    let o = bin()
        .args(["convert", &example(), "-o", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let n_in = std::fs::read_to_string(example())
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .count();
    assert_eq!(text.lines().count(), n_in);
    assert!(text.lines().all(|l| l.split('\t').count() == 2));
    assert!(text.contains("C[C@H](N)C(=O)O\tL-alanine"), "{text}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("processed {n_in}, failed 0")),
        "{stderr}"
    );
}

#[test]
fn bad_records_are_reported_counted_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(&input, "CCO ethanol\nC1CC broken\nc1ccccc1 benzene\n").unwrap();
    let out = dir.path().join("out.smi");
    let o = convert(&input, &out, &[]);
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("record 2 (line 2, column 2): ring bond 1 is never closed"),
        "{stderr}"
    );
    assert!(stderr.contains("processed 3, failed 1"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "CCO\tethanol\nc1ccccc1\tbenzene\n"
    );
}

#[test]
fn strict_mode_stops_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(&input, "CCO ethanol\nC1CC broken\n").unwrap();
    let out = dir.path().join("out.smi");
    let o = convert(&input, &out, &["--errors", "strict"]);
    assert!(!o.status.success());
    assert!(!out.exists(), "a failed run must not leave an output file");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind");
}

#[test]
fn stdin_to_stdout_with_explicit_formats() {
    let mut child = bin()
        .args([
            "convert",
            "-",
            "-o",
            "-",
            "--in-format",
            "smi",
            "--out-format",
            "smi",
            "--kekule",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"c1ccccc1O phenol\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout), "OC1=CC=CC=C1\tphenol\n");
}

#[test]
fn csv_in_tsv_out_and_gzip_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    std::fs::write(
        &input,
        "name,structure\naspirin,CC(=O)Oc1ccccc1C(=O)O\n\"odd, name\",OCC\n",
    )
    .unwrap();
    let gz = dir.path().join("out.smi.gz");
    let o = bin()
        .args([
            "convert",
            input.to_str().unwrap(),
            "-o",
            gz.to_str().unwrap(),
            "--smiles-col",
            "structure",
            "--id-col",
            "name",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tsv = dir.path().join("out.tsv");
    let o = bin()
        .args(["convert", gz.to_str().unwrap(), "-o", tsv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(&tsv).unwrap(),
        "smiles\tid\nCC(=O)Oc1ccccc1C(=O)O\taspirin\nCCO\todd, name\n"
    );
}

#[test]
fn thread_count_does_not_change_output_order() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.smi"), dir.path().join("b.smi"));
    for (out, threads) in [(&a, "1"), (&b, "2")] {
        let o = bin()
            .args([
                "convert",
                &example(),
                "-o",
                out.to_str().unwrap(),
                "--threads",
                threads,
            ])
            .output()
            .unwrap();
        assert!(o.status.success());
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

#[test]
fn sdf_output_reads_back_to_the_same_molecules() {
    let dir = tempfile::tempdir().unwrap();
    let (sdf, smi1, smi2) = (
        dir.path().join("x.sdf"),
        dir.path().join("1.smi"),
        dir.path().join("2.smi"),
    );
    let o = bin()
        .args(["convert", &example(), "-o", sdf.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (src, dst) in [
        (example(), &smi1),
        (sdf.to_str().unwrap().to_string(), &smi2),
    ] {
        let o = bin()
            .args(["convert", &src, "-o", dst.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let first = std::fs::read_to_string(&smi1).unwrap();
    let second = std::fs::read_to_string(&smi2).unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("failed 0"), "{stderr}");
    assert_eq!(first, second);
}

#[test]
fn unknown_extension_is_a_clear_error() {
    let o = bin()
        .args(["convert", "in.xyz", "-o", "out.smi"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot tell the in format"));
}

#[test]
fn fp_writes_an_fps_file_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lib.fps");
    let o = shennong(&[
        "fp",
        &example(),
        "-o",
        out.to_str().unwrap(),
        "--type",
        "morgan",
        "--radius",
        "2",
        "--size",
        "1024",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut reader = shennong::fingerprint::fps::FpsReader::new(text.as_bytes()).unwrap();
    let spec = reader.header().spec.clone().unwrap();
    assert_eq!(
        spec,
        shennong::fingerprint::FingerprintSpec::morgan(2, 1024)
    );
    let (fp, id) = reader.next().unwrap().unwrap();
    assert_eq!(fp.len(), 1024);
    assert!(!id.is_empty());
    assert_eq!(
        reader.count() + 1,
        text.lines().filter(|l| !l.starts_with('#')).count()
    );
}

#[test]
fn fp_counts_write_csv_and_bad_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("counts.csv");
    let o = shennong(&[
        "fp",
        &example(),
        "-o",
        out.to_str().unwrap(),
        "--type",
        "atompair",
        "--counts",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("# shennong/1 atompair size=2048"),
        "{text}"
    );
    assert!(text.lines().nth(1) == Some("id,bit,count"));
    let o = shennong(&[
        "fp",
        &example(),
        "-o",
        out.to_str().unwrap(),
        "--type",
        "maccs",
        "--size",
        "100",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("167"));
    let o = shennong(&[
        "fp",
        &example(),
        "-o",
        out.to_str().unwrap(),
        "--type",
        "maccs",
        "--chirality",
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--chirality applies to morgan and fcfp"));
}

#[test]
fn fp_chirality_writes_its_spec() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chiral.fps");
    let o = shennong(&[
        "fp",
        &example(),
        "-o",
        out.to_str().unwrap(),
        "--chirality",
        "-q",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let reader = shennong::fingerprint::fps::FpsReader::new(text.as_bytes()).unwrap();
    let spec = reader.header().spec.clone().unwrap();
    assert!(spec.include_chirality);
    assert!(text.contains("chirality=1"), "{text}");
}

#[test]
fn match_lists_ids_and_counts_and_explains_bad_smarts() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(
        &input,
        "OC(=O)c1ccccc1O salicylic\nCCO ethanol\nc1ccccc1 benzene\nC1CC bad\n",
    )
    .unwrap();
    let out = dir.path().join("hits.txt");
    let o = shennong(&[
        "match",
        input.to_str().unwrap(),
        "--smarts",
        "[OX2H]",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "salicylic\nethanol\n"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("record 4"), "{stderr}");
    assert!(stderr.contains("2 of 3 records match"), "{stderr}");
    let o = shennong(&[
        "match",
        input.to_str().unwrap(),
        "--smarts",
        "[OX2H]",
        "--count",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "id\tcount\nsalicylic\t2\nethanol\t1\nbenzene\t0\n"
    );
    let o = shennong(&[
        "match",
        input.to_str().unwrap(),
        "--smarts",
        "C(=O",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("SMARTS error at column"), "{stderr}");
}

#[test]
fn filter_flags_alerts_and_splits_with_drop_and_keep() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(
        &input,
        "O=C1C(=Cc2ccc(O)cc2)SC(=S)N1 rhodanine\nCCO ethanol\nC1CC bad\nCC1=CC(=O)C=CC1=O quinone\n",
    )
    .unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let input = input.to_str().unwrap();
    let o = shennong(&[
        "filter",
        input,
        "--catalog",
        "pains,brenk",
        "-o",
        &path("all.csv"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(path("all.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "smiles,id,n_alerts,alerts");
    assert!(lines[1].contains(",rhodanine,") && lines[1].contains("pains_a:ene_rhod_A(235)"));
    assert!(lines[2].ends_with(",ethanol,0,"), "{}", lines[2]);
    assert!(lines[3].contains("pains_a:quinone_A(370)|brenk:chinone_1"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("record 3") && stderr.contains("2 of 3 records hit"),
        "{stderr}"
    );

    let o = shennong(&[
        "filter",
        input,
        "--catalog",
        "pains",
        "--drop",
        "-o",
        &path("clean.smi"),
    ]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(path("clean.smi")).unwrap(),
        "CCO\tethanol\t0\t\n"
    );
    let o = shennong(&[
        "filter",
        input,
        "--catalog",
        "pains",
        "--keep",
        "-o",
        &path("hits.smi"),
    ]);
    assert!(o.status.success());
    assert_eq!(
        std::fs::read_to_string(path("hits.smi"))
            .unwrap()
            .lines()
            .count(),
        2
    );

    // a user's SMARTS file, and clear errors for bad catalogs and bad lines
    std::fs::write(dir.path().join("mine.txt"), "[OX2H] hydroxyl\n").unwrap();
    let o = shennong(&[
        "filter",
        input,
        "--smarts-file",
        &path("mine.txt"),
        "-o",
        &path("mine.tsv"),
    ]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(path("mine.tsv"))
        .unwrap()
        .contains("ethanol\t1\tmine:hydroxyl"));
    let o = shennong(&["filter", input, "--catalog", "painz", "-o", &path("x.csv")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown alert catalog 'painz'"));
    std::fs::write(dir.path().join("bad.txt"), "[OX2H] ok\nC(=O bad\n").unwrap();
    let o = shennong(&[
        "filter",
        input,
        "--smarts-file",
        &path("bad.txt"),
        "-o",
        &path("x.csv"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("bad, line 2: SMARTS error"), "{stderr}");
    assert!(!dir.path().join("x.csv").exists());
}

#[test]
fn desc_writes_rdkit_named_columns_and_refuses_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(
        &input,
        "CC(=O)Oc1ccccc1C(=O)O aspirin\nC1CC bad\nCCO ethanol\n",
    )
    .unwrap();
    let out = dir.path().join("d.csv");
    let (input, out_s) = (input.to_str().unwrap(), out.to_str().unwrap());
    let o = shennong(&[
        "desc",
        input,
        "--names",
        "MolWt,TPSA,NumHDonors,qed",
        "-o",
        out_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "id,MolWt,TPSA,NumHDonors,qed");
    assert!(lines[1].starts_with("aspirin,180.15"), "{}", lines[1]);
    assert!(
        lines[1].contains(",63.6") && lines[1].contains(",1,0.55"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("ethanol,46.06"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("record 2") && stderr.contains("failed 1"),
        "{stderr}"
    );

    let o = shennong(&["desc", input, "-o", out_s]);
    assert!(o.status.success());
    let header = std::fs::read_to_string(&out).unwrap();
    let header = header.lines().next().unwrap();
    assert!(
        header.starts_with("id,MolWt,")
            && header.contains(",fr_benzene,")
            && header.contains(",SAscore,")
    );

    let o = shennong(&["desc", input, "--names", "MolWT", "-o", out_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown descriptor 'MolWT'"));
    let o = shennong(&["desc", "--list"]);
    assert!(String::from_utf8_lossy(&o.stdout)
        .lines()
        .any(|l| l.starts_with("qed\t")));
}

/// The rows of a Parquet file, each as (column name, field) pairs.
fn parquet_rows(path: &std::path::Path) -> Vec<Vec<(String, parquet::record::Field)>> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            row.unwrap()
                .get_column_iter()
                .map(|(name, field)| (name.clone(), field.clone()))
                .collect()
        })
        .collect()
}

fn parquet_metadata(path: &std::path::Path, key: &str) -> Option<String> {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let kv = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()?
        .clone();
    kv.into_iter().find(|k| k.key == key)?.value
}

#[test]
fn desc_and_fp_counts_write_typed_parquet_with_their_spec() {
    use parquet::record::Field;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(
        &input,
        "CC(=O)Oc1ccccc1C(=O)O aspirin\nC1CC bad\nCCO ethanol\n",
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let out = dir.path().join("d.parquet");
    let o = shennong(&[
        "desc",
        input,
        "--names",
        "MolWt,NumHDonors",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = parquet_rows(&out);
    assert_eq!(rows.len(), 2, "the bad record is reported, not written");
    assert_eq!(rows[0][0], ("id".to_string(), Field::Str("aspirin".into())));
    assert_eq!(rows[0][1].0, "MolWt");
    assert!(matches!(rows[0][1].1, Field::Double(w) if (w - 180.159).abs() < 1e-3));
    assert_eq!(rows[0][2], ("NumHDonors".to_string(), Field::Long(1)));
    assert!(parquet_metadata(&out, "shennong.descriptor_set")
        .unwrap()
        .starts_with("shennong-desc/1"));

    let counts = dir.path().join("c.parquet");
    let o = shennong(&[
        "fp",
        input,
        "-o",
        counts.to_str().unwrap(),
        "--type",
        "atompair",
        "--counts",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = dir.path().join("c.csv");
    let o = shennong(&[
        "fp",
        input,
        "-o",
        csv.to_str().unwrap(),
        "--type",
        "atompair",
        "--counts",
    ]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&csv).unwrap();
    let from_csv: Vec<String> = text.lines().skip(2).map(String::from).collect();
    let from_parquet: Vec<String> = parquet_rows(&counts)
        .iter()
        .map(|row| match (&row[0].1, &row[1].1, &row[2].1) {
            (Field::Str(id), Field::Long(bit), Field::Long(count)) => format!("{id},{bit},{count}"),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(from_parquet, from_csv);
    assert!(parquet_metadata(&counts, "shennong.fingerprint_spec")
        .unwrap()
        .starts_with("shennong/1 atompair"));
    let o = shennong(&["desc", input, "-o", "-", "--names", "MolWt"]);
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("id,MolWt\naspirin,"));
    let o = shennong(&["desc", input, "-o", "x.parquet.gz"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("drop the .gz"));
}

#[test]
fn parquet_molecule_tables_convert_both_ways_and_filter() {
    use parquet::record::Field;
    let dir = tempfile::tempdir().unwrap();
    let pq = dir.path().join("mols.parquet");
    let o = convert(std::path::Path::new(&example()), &pq, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = parquet_rows(&pq);
    assert_eq!(rows[0][0].0, "smiles");
    assert_eq!(rows[0][1].0, "id");
    // Parquet in, SMILES out: the same as converting the original
    let (from_pq, from_smi) = (dir.path().join("a.smi"), dir.path().join("b.smi"));
    assert!(convert(&pq, &from_pq, &[]).status.success());
    assert!(convert(std::path::Path::new(&example()), &from_smi, &[])
        .status
        .success());
    assert_eq!(
        std::fs::read_to_string(&from_pq).unwrap(),
        std::fs::read_to_string(&from_smi).unwrap()
    );
    // and from standard input, with its format named
    let o = bin()
        .args([
            "convert",
            "-",
            "--in-format",
            "parquet",
            "-o",
            "-",
            "--out-format",
            "smi",
            "-q",
        ])
        .stdin(std::fs::File::open(&pq).unwrap())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        std::fs::read_to_string(&from_smi).unwrap()
    );
    let flagged = dir.path().join("alerts.parquet");
    let o = shennong(&[
        "filter",
        pq.to_str().unwrap(),
        "--catalog",
        "pains",
        "-o",
        flagged.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = parquet_rows(&flagged);
    let names: Vec<&str> = rows[0].iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["smiles", "id", "n_alerts", "alerts"]);
    assert!(rows.iter().all(|r| matches!(&r[2].1, Field::Long(_))));
    assert!(rows
        .iter()
        .any(|r| matches!((&r[2].1, &r[3].1), (Field::Long(n), Field::Str(a)) if *n > 0 && a.contains("pains"))));
    let damaged = dir.path().join("damaged.parquet");
    let bytes = std::fs::read(&pq).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let o = convert(&damaged, &dir.path().join("x.smi"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a readable Parquet file"));
}

#[test]
fn standardize_writes_parents_strips_salts_and_explains_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(
        &input,
        "CC(=O)[O-].[Na+] acetate\nOc1ccccn1.Cl pyridone\nC1CC bad\nCS(=O)C dmso\n",
    )
    .unwrap();
    let out = dir.path().join("std.smi");
    let (input, out_s) = (input.to_str().unwrap(), out.to_str().unwrap());
    let o = shennong(&["standardize", input, "-o", out_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "CC(=O)O\tacetate",
            "O=c1cccc[nH]1\tpyridone",
            "C[S+](C)[O-]\tdmso"
        ]
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("record 3") && stderr.contains("failed 1"),
        "{stderr}"
    );

    // The clean-up keeps every fragment; salt lists act when the fragment
    // parent is chosen (the sodium goes, the pyridine beats the unlisted HCl
    // by size).
    let salts = dir.path().join("salts.txt");
    std::fs::write(&salts, "// mine\n[Na,K]\n").unwrap();
    let o = shennong(&[
        "standardize",
        input,
        "--parent",
        "cleanup",
        "--salts",
        salts.to_str().unwrap(),
        "-o",
        out_s,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("CC(=O)[O-].[Na+]\tacetate\n"), "{text}");
    let o = shennong(&[
        "standardize",
        input,
        "--parent",
        "fragment",
        "--salts",
        salts.to_str().unwrap(),
        "-o",
        out_s,
    ]);
    assert!(o.status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("CC(=O)[O-]\tacetate\nOc1ccccn1\tpyridone\n"),
        "{text}"
    );

    let o = shennong(&["standardize", input, "--parent", "grandparent", "-o", out_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown parent 'grandparent'"));
    std::fs::write(&salts, "[Na,K]\nC1CC\n").unwrap();
    let o = shennong(&[
        "standardize",
        input,
        "--salts",
        salts.to_str().unwrap(),
        "-o",
        out_s,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 2: SMARTS error"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn index_build_search_cluster_and_pick_on_the_bundled_example() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("ex.shx");
    let lib = lib.to_str().unwrap();
    let o = shennong(&["index", "build", &example(), "-o", lib, "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("284 records, 0 failed"), "{err}");

    let o = shennong(&["index", "info", lib]);
    let info = String::from_utf8_lossy(&o.stdout);
    assert!(info.contains("records\t284"), "{info}");
    assert!(
        info.contains("fingerprint\tshennong/1 morgan size=2048 radius=2"),
        "{info}"
    );

    // the query itself is in the library: rank 1 at similarity 1
    let o = shennong(&[
        "search",
        "sim",
        lib,
        "--query",
        "C[C@H](N)C(=O)O",
        "-k",
        "3",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "query_id\thit_id\tsimilarity\trank");
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[1].ends_with("\t1\t1"), "{out}");

    // queries from a file, threshold search: every molecule finds itself
    let out_path = dir.path().join("hits.tsv");
    let o = shennong(&[
        "search",
        "sim",
        lib,
        "--queries",
        &example(),
        "--threshold",
        "0.99",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits = std::fs::read_to_string(&out_path).unwrap();
    assert!(hits.lines().count() > 284, "{hits}");

    let o = shennong(&[
        "search",
        "sub",
        lib,
        "--smarts",
        "C(=O)[OH]",
        "--max-hits",
        "3",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 4);
    assert!(String::from_utf8_lossy(&o.stderr).contains("stopped at --max-hits"));

    let o = shennong(&["search", "sub", lib, "--smarts", "C(=O", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && err.contains('^'), "{err}");

    let o = shennong(&["search", "nxn", lib, "--threshold", "0.7"]);
    assert!(o.status.success());
    let nxn = String::from_utf8_lossy(&o.stdout).to_string();
    // symmetric: every pair appears in both directions
    let pairs: std::collections::HashSet<(String, String)> = nxn
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[1].to_string())
        })
        .collect();
    assert!(!pairs.is_empty());
    assert!(pairs
        .iter()
        .all(|(a, b)| pairs.contains(&(b.clone(), a.clone()))));

    let o = shennong(&["cluster", lib, "--threshold", "0.35"]);
    assert!(o.status.success());
    let clusters = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(clusters.lines().count(), 285, "every record in one cluster");

    let o = shennong(&["pick", lib, "-n", "5", "--seed", "7"]);
    assert!(o.status.success());
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 6);
    let o = shennong(&["pick", lib, "-n", "500"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot pick 500 of 284"));
}

#[test]
fn damaged_or_foreign_index_files_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("ex.shx");
    let o = shennong(&[
        "index",
        "build",
        &example(),
        "-o",
        lib.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let bytes = std::fs::read(&lib).unwrap();

    let cut = dir.path().join("cut.shx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let o = shennong(&["index", "info", cut.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("damaged index"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let mut newer = bytes.clone();
    newer[8] = 99;
    let v = dir.path().join("v99.shx");
    std::fs::write(&v, &newer).unwrap();
    let o = shennong(&["search", "sim", v.to_str().unwrap(), "--query", "CCO"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("index format version 99"));

    let o = shennong(&["index", "info", &example()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a Shennong index"));

    // FPS input: similarity search works with FPS queries, substructure is refused
    let fps = dir.path().join("ex.fps");
    assert!(
        shennong(&["fp", &example(), "-o", fps.to_str().unwrap(), "-q"])
            .status
            .success()
    );
    let flib = dir.path().join("fps.shx");
    let o = shennong(&[
        "index",
        "build",
        fps.to_str().unwrap(),
        "-o",
        flib.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = shennong(&[
        "search",
        "sim",
        flib.to_str().unwrap(),
        "--queries",
        fps.to_str().unwrap(),
        "-k",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 285);
    let o = shennong(&["search", "sub", flib.to_str().unwrap(), "--smarts", "CCO"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("built from fingerprints (FPS) alone"));
    let maccs = dir.path().join("maccs.fps");
    assert!(shennong(&[
        "fp",
        &example(),
        "--type",
        "maccs",
        "-o",
        maccs.to_str().unwrap(),
        "-q"
    ])
    .status
    .success());
    let o = shennong(&[
        "search",
        "sim",
        flib.to_str().unwrap(),
        "--queries",
        maccs.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("do not match the index"));
}

/// `train` on the bundled solubility set with a scaffold split: a model
/// file, a metrics table with test coverage; `predict` carries ids and
/// writes intervals and AD scores; `evaluate` reproduces the test metrics;
/// bad targets are reported and counted; a damaged model is refused.
#[test]
fn train_predict_and_evaluate_a_solubility_model() {
    let dir = tempfile::tempdir().unwrap();
    let data = format!(
        "{}/../../examples/solubility.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    // a few hundred rows keep the test quick; one row has a bad target
    let text = std::fs::read_to_string(&data).unwrap();
    let mut small: Vec<&str> = text.lines().take(301).collect();
    small.push("CCO,bad-ethanol,not-a-number,(A) low,train");
    let small_path = dir.path().join("small.csv");
    std::fs::write(&small_path, small.join("\n") + "\n").unwrap();
    let model = dir.path().join("sol.shm");
    let out = shennong(&[
        "train",
        small_path.to_str().unwrap(),
        "--target",
        "logS",
        "--model",
        "gp",
        "--split",
        "scaffold",
        "-o",
        model.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("target 'logS' is not a number: 'not-a-number'"),
        "{stderr}"
    );
    assert!(stderr.contains("failed 1"), "{stderr}");
    assert!(
        stdout.lines().next().unwrap().contains("coverage"),
        "{stdout}"
    );
    let test_line = stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some("test"))
        .unwrap()
        .to_string();

    let preds = dir.path().join("p.csv");
    let out = shennong(&[
        "predict",
        model.to_str().unwrap(),
        &example(),
        "-o",
        preds.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = std::fs::read_to_string(&preds).unwrap();
    let mut lines = table.lines();
    assert_eq!(
        lines.next().unwrap(),
        "id,smiles,logS,logS_lo,logS_hi,ad_similarity"
    );
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[0], "NCI-1");
    let (v, lo, hi, ad): (f64, f64, f64, f64) = (
        first[2].parse().unwrap(),
        first[3].parse().unwrap(),
        first[4].parse().unwrap(),
        first[5].parse().unwrap(),
    );
    assert!(lo < v && v < hi && (0.0..=1.0).contains(&ad));

    // evaluate on the scaffold test part is not reproducible from columns,
    // but on all rows it runs and prints the same columns
    let out = shennong(&[
        "evaluate",
        model.to_str().unwrap(),
        small_path.to_str().unwrap(),
        "-q",
    ]);
    let eval = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        eval.contains("logS") && eval.contains("all") && eval.contains("coverage"),
        "{eval}"
    );
    assert!(!test_line.is_empty());

    // a file that is not a model
    let out = shennong(&[
        "predict",
        small_path.to_str().unwrap(),
        &example(),
        "-o",
        preds.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Shennong model file"));
}

#[test]
fn train_refuses_unknown_learners_features_and_missing_targets() {
    let data = format!(
        "{}/../../examples/solubility.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    for (args, message) in [
        (
            vec!["--target", "logS", "--model", "svm"],
            "unknown model 'svm'",
        ),
        (
            vec!["--target", "logS", "--features", "ecfp5"],
            "unknown feature block 'ecfp5'",
        ),
        (
            vec!["--target", "logS", "--split", "halves"],
            "unknown split 'halves'",
        ),
    ] {
        let out = shennong(
            &[
                &["train", data.as_str()][..],
                &args,
                &["-o", "/nonexistent/x.shm"],
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(message), "{stderr}");
    }
    let out = shennong(&[
        "train",
        data.as_str(),
        "--target",
        "pIC50",
        "-o",
        "/nonexistent/x.shm",
        "-q",
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no value for target 'pIC50'"));
}

#[test]
fn design_runs_the_bundled_example_and_scores_with_a_model_component() {
    let dir = tempfile::tempdir().unwrap();
    let root = format!("{}/../..", env!("CARGO_MANIFEST_DIR"));
    // the bundled example, with a smaller budget
    let example = std::fs::read_to_string(format!("{root}/examples/design/qed_celecoxib.toml"))
        .unwrap()
        .replace("budget = 2000", "budget = 300");
    let config = dir.path().join("example.toml");
    std::fs::write(&config, example).unwrap();
    std::fs::copy(
        format!("{root}/examples/design/zinc_start.smi"),
        dir.path().join("zinc_start.smi"),
    )
    .unwrap();
    let run = dir.path().join("run");
    let out = shennong(&[
        "design",
        config.to_str().unwrap(),
        "-o",
        run.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("300 oracle calls of 300"), "{stderr}");
    let scored = std::fs::read_to_string(run.join("scored.csv")).unwrap();
    assert!(scored.starts_with(
        "smiles,id,step,call,qed_raw,qed,sim_celecoxib_raw,sim_celecoxib,sa_score_raw,sa_score,alerts_raw,alerts,total,fitness\n"
    ));
    assert_eq!(scored.lines().count(), 301);
    // a model component: a quick k-NN solubility model, scored by the lower
    // end of its 90 % interval
    let text = std::fs::read_to_string(format!("{root}/examples/solubility.csv")).unwrap();
    let small: Vec<&str> = text.lines().take(201).collect();
    let data = dir.path().join("sol.csv");
    std::fs::write(&data, small.join("\n") + "\n").unwrap();
    let model = dir.path().join("sol.shm");
    let out = shennong(&[
        "train",
        data.to_str().unwrap(),
        "--target",
        "logS",
        "--model",
        "knn",
        "-o",
        model.to_str().unwrap(),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.path().join("model.toml");
    std::fs::write(
        &config,
        r#"
[run]
budget = 150
start = "zinc_start.smi"
population = 40
offspring = 40
[scoring]
[[scoring.component]]
kind = "model"
path = "sol.shm"
value = "lower"
transform = { type = "sigmoid", low = -6.0, high = -1.0 }
[[scoring.component]]
kind = "qed"
"#,
    )
    .unwrap();
    let run2 = dir.path().join("run2");
    let out = shennong(&[
        "design",
        config.to_str().unwrap(),
        "-o",
        run2.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let scored = std::fs::read_to_string(run2.join("scored.csv")).unwrap();
    let header: Vec<&str> = scored.lines().next().unwrap().split(',').collect();
    assert_eq!(header[4], "logS_raw");
    for line in scored.lines().skip(1) {
        let lo: f64 = line.split(',').nth(4).unwrap().parse().unwrap();
        assert!(lo.is_finite() && lo < 5.0 && lo > -20.0, "{line}");
    }
    // list and refusals
    let out = shennong(&["design", "--pmo", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("deco_hop") && listed.contains("drd2\t(not available"));
    let out = shennong(&[
        "design",
        "--pmo",
        "nosuch",
        "-o",
        run.to_str().unwrap(),
        "--start",
        config.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
}

/// Regression: a descriptor summed over nothing (Chi1n of a lone atom) was
/// written `-0.0`, as Rust's float sum of an empty iterator is negative
/// zero; RDKit and the table now say `0.0`.
#[test]
fn desc_writes_zero_without_a_sign() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.smi");
    std::fs::write(&input, "[Na+].[Cl-] salt\nC methane\n").unwrap();
    let out = dir.path().join("d.csv");
    let (input, out_s) = (input.to_str().unwrap(), out.to_str().unwrap());
    let o = shennong(&["desc", input, "--names", "Chi1n,Chi2n,Chi1v", "-o", out_s]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("-0"), "{text}");
    assert!(text.contains("salt,0.0,0.0,0.0"), "{text}");
}
