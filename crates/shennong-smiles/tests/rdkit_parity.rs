//! RDKit parity suite. Reads the reference written by
//! `scripts/parity/make_reference.py` (path in `SHENNONG_PARITY_REF`) and
//! compares acceptance, per-atom perception and canonical invariance (where
//! RDKit itself is canonical-invariant: it is not on some stereo cages, and
//! there we follow its input-dependent output, so we are not held to more
//! than the oracle; those molecules are counted and shown); writes
//! our canonical SMILES to `SHENNONG_PARITY_OUT` for the round-trip check
//! done by `scripts/parity/check_roundtrip.py`. Skipped when the variable is
//! unset (the test script always sets it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use shennong_mol::{AtomIdx, Chirality, Mol};

fn atom_fields(mol: &Mol) -> String {
    let mut parts = Vec::with_capacity(mol.num_atoms());
    for a in mol.atom_indices() {
        let atom = mol.atom(a);
        let rings = mol.rings().num_atom_rings(a);
        parts.push(format!(
            "{}{}{},{},{},{}",
            u8::from(atom.aromatic),
            u8::from(rings > 0),
            u8::from(atom.chirality != Chirality::None),
            atom.total_hs(),
            atom.formal_charge,
            rings
        ));
    }
    parts.join(";")
}

#[derive(Default)]
struct Tally {
    total: usize,
    accept_agree: usize,
    both: usize,
    atoms: usize,
    atoms_agree: usize,
    mols_atoms_agree: usize,
    invariant: usize,
    /// Not invariant, like RDKit on the same molecule.
    exempt: usize,
}

#[test]
fn rdkit_parity() {
    let Ok(reference) = std::env::var("SHENNONG_PARITY_REF") else {
        eprintln!("SHENNONG_PARITY_REF not set: RDKit parity skipped (run ./scripts/test.sh)");
        return;
    };
    let text = std::fs::read_to_string(&reference).unwrap();
    let known_path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/known_differences.tsv");
    let known: HashSet<String> = std::fs::read_to_string(known_path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut out = String::new();
    let mut unlisted = Vec::new();
    let mut atom_failures = Vec::new();
    let mut invariance_failures = Vec::new();
    let mut info_lines = 0usize;
    let mut info = |line: String| {
        info_lines += 1;
        if info_lines <= 10 {
            println!("{line}");
        }
    };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, smi, rd_ok, fields, randoms) = (f[0], f[2], f[3] == "1", f[5], f[6]);
        // column 9: whether RDKit writes one canonical SMILES for all the
        // randomised ones (absent in older references: taken as yes)
        let rdkit_invariant = f.get(8).is_none_or(|x| *x != "0");
        // Sets named "informational" (e.g. mutated SMILES) are measured and listed, not gated.
        let gated = !name.starts_with("informational");
        let t = tallies.entry(name.to_string()).or_default();
        t.total += 1;
        let ours = shennong_smiles::parse(smi);
        if ours.is_ok() == rd_ok {
            t.accept_agree += 1;
        } else if !known.contains(smi) {
            if !gated {
                info(format!(
                    "INFO accept/reject differs: {name}\t{smi}\trdkit {}",
                    if rd_ok { "accepts" } else { "rejects" }
                ));
                continue;
            }
            unlisted.push(format!(
                "{name}\t{smi}\trdkit={}\tshennong={}",
                if rd_ok { "accepts" } else { "rejects" },
                match &ours {
                    Ok(_) => "accepts".to_string(),
                    Err(e) => format!("rejects: {e}"),
                }
            ));
        }
        let (Ok(mol), true) = (ours, rd_ok) else {
            continue;
        };
        t.both += 1;
        let mine = atom_fields(&mol);
        let a: Vec<&str> = mine.split(';').collect();
        let b: Vec<&str> = fields.split(';').collect();
        t.atoms += b.len();
        let agree = a.iter().zip(&b).filter(|(x, y)| x == y).count();
        t.atoms_agree += if a.len() == b.len() { agree } else { 0 };
        if a.len() == b.len() && agree == a.len() {
            t.mols_atoms_agree += 1;
        } else {
            let bad: Vec<String> = a
                .iter()
                .zip(&b)
                .enumerate()
                .filter(|(_, (x, y))| x != y)
                .map(|(i, (x, y))| format!("atom {i}: ours {x} rdkit {y}"))
                .collect();
            if !gated {
                info(format!("INFO per-atom differs: {name}\t{smi}"));
                continue;
            }
            atom_failures.push(format!("{name}\t{smi}\t{}", bad.join(" | ")));
        }
        let canon = shennong_smiles::to_smiles(&mol);
        writeln!(out, "{name}\t{}\t{smi}\t{canon}", f[1]).unwrap();
        let mut all_same = true;
        for r in randoms.split(' ').filter(|s| !s.is_empty()) {
            match shennong_smiles::parse(r) {
                Ok(m) if shennong_smiles::to_smiles(&m) == canon => {}
                Ok(_) if !rdkit_invariant => {
                    all_same = false;
                    t.exempt += 1;
                    info(format!(
                        "INFO not canonical-invariant, nor is RDKit: {name}\t{smi}"
                    ));
                    break;
                }
                Ok(_) if !gated => {
                    all_same = false;
                    info(format!("INFO not canonical-invariant: {name}\t{smi}"));
                    break;
                }
                Ok(m) => {
                    all_same = false;
                    invariance_failures.push(format!(
                        "{name}\t{smi}\t{canon}\t{r}\t{}",
                        shennong_smiles::to_smiles(&m)
                    ));
                    break;
                }
                Err(e) => {
                    all_same = false;
                    invariance_failures.push(format!("{name}\t{smi}\t{r}\terror {e}"));
                    break;
                }
            }
        }
        if all_same {
            t.invariant += 1;
        }
    }
    if let Ok(path) = std::env::var("SHENNONG_PARITY_OUT") {
        std::fs::write(path, out).unwrap();
    }
    let _ = AtomIdx(0);
    println!("RDKit parity ({}):", text.lines().next().unwrap_or(""));
    println!(
        "{:<16} {:>7} {:>16} {:>22} {:>20} {:>16}",
        "set",
        "mols",
        "accept agree",
        "per-atom (mols 100%)",
        "canonical invariant",
        "as RDKit: not"
    );
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    for (name, t) in &tallies {
        println!(
            "{:<16} {:>7} {:>15.3}% {:>21.3}% {:>19.3}% {:>16}",
            name,
            t.total,
            pct(t.accept_agree, t.total),
            pct(t.mols_atoms_agree, t.both),
            pct(t.invariant, t.both - t.exempt),
            t.exempt
        );
    }
    for l in unlisted.iter().take(30) {
        println!("UNLISTED ACCEPT DIFF: {l}");
    }
    for l in atom_failures.iter().take(30) {
        println!("ATOM DIFF: {l}");
    }
    for l in invariance_failures.iter().take(30) {
        println!("NOT INVARIANT: {l}");
    }
    let gated_sets = tallies
        .iter()
        .filter(|(n, _)| !n.starts_with("informational"));
    let total: usize = gated_sets.clone().map(|(_, t)| t.total).sum();
    let agree: usize = gated_sets.map(|(_, t)| t.accept_agree).sum();
    assert!(
        unlisted.is_empty(),
        "{} accept/reject differences not in known_differences.tsv",
        unlisted.len()
    );
    assert!(
        pct(agree, total) >= 99.9,
        "accept/reject agreement below 99.9 %"
    );
    assert!(
        atom_failures.is_empty(),
        "{} molecules differ in per-atom perception",
        atom_failures.len()
    );
    assert!(
        invariance_failures.is_empty(),
        "{} molecules not canonical-invariant",
        invariance_failures.len()
    );
}
