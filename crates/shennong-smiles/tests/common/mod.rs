//! Inputs and checks shared by the tests that compare two ways of reading
//! the same SMILES (`trusted`, `shortcuts`).
#![allow(clippy::panic)]

/// The text of `path`; a file that cannot be read fails the test (an empty
/// input would let every comparison pass).
fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The first token of every line of the bundled examples.
pub fn example_smiles() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/molecules.smi");
    read(path)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The input SMILES of the parity reference named by `SHENNONG_PARITY_REF`
/// (every shared set, the mutants and the tricky cases), or `None` with a
/// note when it is not set.
pub fn parity_reference_smiles(what: &str) -> Option<Vec<String>> {
    let Ok(reference) = std::env::var("SHENNONG_PARITY_REF") else {
        eprintln!("SHENNONG_PARITY_REF not set: {what} on the shared sets skipped");
        return None;
    };
    Some(
        read(&reference)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').nth(2))
            .map(str::to_string)
            .collect(),
    )
}

/// Fails with the first `show` differences when there are any.
pub fn assert_no_differences(checked: usize, bad: &[String], show: usize) {
    assert!(
        bad.is_empty(),
        "{} of {checked} differ:\n{}",
        bad.len(),
        bad.iter()
            .take(show)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A comparison over SMILES: how many it checked, and the differences.
pub type Differences = fn(&mut dyn Iterator<Item = &str>) -> (usize, Vec<String>);

/// Runs `differences` on the bundled examples and fails on any.
pub fn check_examples(differences: Differences, show: usize) {
    let smiles = example_smiles();
    let (checked, bad) = differences(&mut smiles.iter().map(String::as_str));
    assert!(checked > 100, "only {checked} molecules checked");
    assert_no_differences(checked, &bad, show);
}

/// Runs `differences` on the parity reference, when there is one, prints
/// "`label`: agreeing/checked `unit`" and fails on any difference.
pub fn check_parity_reference(label: &str, unit: &str, differences: Differences, show: usize) {
    let Some(smiles) = parity_reference_smiles(label) else {
        return;
    };
    let (checked, bad) = differences(&mut smiles.iter().map(String::as_str));
    println!("{label}: {}/{checked} {unit}", checked - bad.len());
    assert_no_differences(checked, &bad, show);
}
