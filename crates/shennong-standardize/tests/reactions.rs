#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Reactions (`Transform::parse_reaction` + `products`): one product per
//! match, atoms added from unmapped product atoms and removed with unmapped
//! reactant atoms, as RDKit's `RunReactants` gives them (expected SMILES
//! checked with RDKit 2026.09.1: `AllChem.ReactionFromSmarts(...)
//! .RunReactants`, each product sanitized, canonical SMILES de-duplicated).

use std::collections::BTreeSet;

use shennong_standardize::Transform;

fn canonical(smiles: &str) -> String {
    shennong_smiles::to_smiles(&shennong_smiles::parse(smiles).unwrap())
}

/// The distinct canonical SMILES of the sanitizable products.
fn products(smirks: &str, smiles: &str) -> BTreeSet<String> {
    let reaction = Transform::parse_reaction("test", smirks, "test", 1).unwrap();
    let mol = shennong_smiles::parse(smiles).unwrap();
    reaction
        .products(&mol)
        .into_iter()
        .filter_map(|b| b.sanitize().ok())
        .map(|m| shennong_smiles::to_smiles(&m))
        .collect()
}

fn set(smiles: &[&str]) -> BTreeSet<String> {
    smiles.iter().map(|s| canonical(s)).collect()
}

#[test]
fn fluorine_scan_gives_one_product_per_distinct_position() {
    assert_eq!(
        products("[cH:1]>>[c:1]F", "OC(=O)c1ccccc1"),
        set(&["OC(=O)c1ccccc1F", "OC(=O)c1cccc(F)c1", "OC(=O)c1ccc(F)cc1"])
    );
}

#[test]
fn new_atoms_can_form_a_ring_and_unmapped_reactant_atoms_go() {
    // carboxylic acid to its tetrazole bioisostere
    assert_eq!(
        products("[C:1](=O)[OH]>>[C:1]1=NN=N[NH]1", "OC(=O)c1ccc(Cl)cc1"),
        set(&["Clc1ccc(-c2nnn[nH]2)cc1"])
    );
    // O-methylation adds one atom; dechlorination removes one
    assert_eq!(
        products("[c:1][OH:2]>>[c:1][O:2]C", "Oc1ccccc1"),
        set(&["COc1ccccc1"])
    );
    assert_eq!(
        products("[c:1]Cl>>[c:1]", "Clc1ccc(Cl)cc1"),
        set(&["Clc1ccccc1"])
    );
}

#[test]
fn a_ring_closure_between_mapped_atoms_is_a_new_bond() {
    assert_eq!(
        products(
            "[CH3:1][CH2:2][CH2:3][CH3:4]>>[C:1]1[C:2][C:3][C:4]1",
            "CCCC"
        ),
        set(&["C1CCC1"])
    );
}

#[test]
fn no_match_or_impossible_valence_gives_nothing() {
    assert!(products("[cH:1]>>[c:1]F", "CCO").is_empty());
    // N with four bonds and no charge does not sanitize
    assert!(products("[N:1]>>[N:1](C)C", "CN(C)C").is_empty());
}

#[test]
fn bad_reactions_are_refused_with_the_reason() {
    let err = Transform::parse_reaction("r", "[C:1]>>[C:1]*", "rules.txt", 4)
        .unwrap_err()
        .to_string();
    assert!(err.contains("element is not stated"), "{err}");
    assert!(err.contains("rules.txt") && err.contains('4'), "{err}");
    let err = Transform::parse_reaction("r", "[C:1]C", "rules.txt", 5)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not a reaction"), "{err}");
    // in-place transforms (standardisation) still refuse new atoms
    let err = Transform::parse("r", "[c:1]>>[c:1]F", "rules.txt", 6)
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot add atoms"), "{err}");
}
