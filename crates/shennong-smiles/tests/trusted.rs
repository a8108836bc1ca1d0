#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `parse_trusted` on SMILES that Shennong wrote gives the same molecule as
//! `parse`: every atom, bond, ring and stereo mark. Checked on the bundled
//! examples and, when `SHENNONG_PARITY_REF` is set, on every molecule of the
//! parity reference (shared sets, mutants, tricky chemistry), in the
//! canonical form an index stores (Kekulé SMILES are not trusted input: their
//! aromaticity is what perception finds).

mod common;

use shennong_smiles::{parse, parse_trusted, to_smiles};

/// Molecules whose written forms read back differently, as "input: form".
fn differences(inputs: &mut dyn Iterator<Item = &str>) -> (usize, Vec<String>) {
    let (mut checked, mut bad) = (0, Vec::new());
    for smi in inputs {
        let Ok(mol) = parse(smi) else { continue };
        let written = to_smiles(&mol);
        checked += 1;
        let full = parse(&written).map(|m| format!("{m:#?}"));
        let trusted = parse_trusted(&written).map(|m| {
            // ring membership answered before the rings are perceived
            // (bridge test) must agree with the perceived rings
            let cheap: Vec<bool> = (0..m.num_bonds() as u32)
                .map(|b| m.is_ring_bond(shennong_mol::BondIdx(b)))
                .chain(m.atom_indices().map(|a| m.is_ring_atom(a)))
                .collect();
            let rings = m.rings();
            let perceived: Vec<bool> = (0..m.num_bonds() as u32)
                .map(|b| rings.is_ring_bond(shennong_mol::BondIdx(b)))
                .chain(m.atom_indices().map(|a| rings.is_ring_atom(a)))
                .collect();
            let note = if cheap == perceived {
                String::new()
            } else {
                format!("ring membership without perception {cheap:?} != {perceived:?}\n")
            };
            format!("{note}{m:#?}")
        });
        match (full, trusted) {
            (Ok(a), Ok(b)) if a == b => {}
            (Err(_), _) => {} // not something Shennong reads back at all
            (Ok(a), Ok(b)) => {
                // the first differing line of the two pretty-printed molecules, with its context
                let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
                let at = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(0);
                let from = at.saturating_sub(8);
                bad.push(format!(
                    "{written}\n  parse:   {}\n  trusted: {}",
                    la[from..=at.min(la.len() - 1)]
                        .join(" ")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" "),
                    lb[from..=at.min(lb.len() - 1)]
                        .join(" ")
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
            (Ok(_), Err(e)) => bad.push(format!("{written}\n  trusted parse failed: {e}")),
        }
    }
    (checked, bad)
}

#[test]
fn trusted_parse_equals_parse_on_the_examples() {
    common::check_examples(differences, usize::MAX);
}

#[test]
fn trusted_parse_equals_parse_on_the_parity_reference() {
    common::check_parity_reference(
        "trusted parse equal to parse",
        "written SMILES",
        differences,
        10,
    );
}
