//! One test per fixed bug, named after it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use shennong_smiles::{parse, to_smiles, write_smiles, WriteOptions};

/// Checks that each input reads and writes as RDKit 2026.09 writes it
/// (the expected canonical SMILES).
fn assert_reads_as_rdkit(cases: &[(&str, &str)]) {
    for (input, rdkit) in cases {
        assert_eq!(to_smiles(&parse(input).unwrap()), *rdkit, "{input}");
    }
}

/// Checks that each input's Kekulé SMILES is RDKit 2026.09's
/// (`MolToSmiles(mol, kekuleSmiles=True)`, the expected string) and reads
/// back as the same molecule.
fn assert_kekule_as_rdkit(cases: &[(&str, &str)]) {
    let kekule = WriteOptions {
        kekule: true,
        ..Default::default()
    };
    for (input, rdkit) in cases {
        let mol = parse(input).unwrap();
        let written = write_smiles(&mol, &kekule).unwrap();
        assert_eq!(written, *rdkit, "{input}");
        assert_eq!(
            to_smiles(&parse(&written).unwrap()),
            to_smiles(&mol),
            "{input}"
        );
    }
}

/// `Cl[Pt](Cl)([NH3])[NH3]` was rejected as pentavalent N; RDKit turns the
/// N–Pt single bonds into dative bonds (cleanUpOrganometallics).
#[test]
fn cisplatin_ammine_bonds_become_dative() {
    let mol = parse("Cl[Pt](Cl)([NH3])[NH3]").unwrap();
    assert_eq!(
        to_smiles(&mol),
        to_smiles(&parse("N->[Pt](<-N)(Cl)Cl").unwrap())
    );
}

/// A lone pair counts as the last neighbour: `[S@@](=O)(C)c1ccccc1` and
/// `C[S@](=O)c1ccccc1` are the same sulfoxide (RDKit's reading).
#[test]
fn sulfoxide_lone_pair_position_when_first_atom() {
    let a = to_smiles(&parse("[S@@](=O)(C)c1ccccc1").unwrap());
    let b = to_smiles(&parse("C[S@](=O)c1ccccc1").unwrap());
    assert_eq!(a, b);
    let c = to_smiles(&parse("[S@@](C)(=O)c1ccccc1").unwrap());
    assert_eq!(c, to_smiles(&parse("C[S@@](=O)c1ccccc1").unwrap()));
}

/// The explicit H of an aromatic-written N or P becomes implicit at
/// kekulisation and is recounted (RDKit's Github issue 141): `CN1CC[nH]1C`
/// reads as a diazetidine with no H on N; pyrrole keeps its [nH].
#[test]
fn aromatic_n_explicit_h_recounted_after_kekulisation() {
    assert_eq!(
        to_smiles(&parse("CN1CC[nH]1C").unwrap()),
        to_smiles(&parse("CN1CCN1C").unwrap())
    );
    assert_eq!(to_smiles(&parse("C1=CC=CN1").unwrap()), "c1cc[nH]c1");
}

/// Ring cis/trans (1,4-disubstituted cyclohexane) gave input-order-dependent
/// canonical SMILES before tie-breaks were branched over undetermined stereo.
#[test]
fn ring_cis_trans_canonical_invariance() {
    let a = to_smiles(&parse("C[C@H]1CC[C@@H](N)CC1").unwrap());
    let b = to_smiles(&parse("N[C@H]1CC[C@@H](C)CC1").unwrap());
    let c = to_smiles(&parse("C1C[C@H](CC[C@H]1N)C").unwrap());
    assert_eq!(a, b);
    assert_eq!(a, c);
}

/// Double-bond marks on both neighbours of a conjugated single bond must agree
/// (beta-carotene-like chains lost a stereo bond when read back by RDKit).
#[test]
fn conjugated_double_bond_marks_are_consistent() {
    let smi = "C/C=C/C(C)=C/C=C/C(C)=C/C";
    let out = to_smiles(&parse(smi).unwrap());
    assert_eq!(to_smiles(&parse(&out).unwrap()), out);
}

/// RDKit reads `/` between two aromatic atoms as an aromatic bond; a `*`
/// in an aromatic ring is joined by single bonds that kekulisation may make
/// double (see `ring_dummies_kekulise_and_aromatise_as_rdkit`).
#[test]
fn directional_and_dummy_bonds_in_aromatic_rings() {
    assert!(parse("c1cc\\cN1").is_ok());
    assert!(parse("c1cccc*1").is_ok());
}

/// Rings holding `*` read as RDKit 2026.09 reads them (31 % of such variants
/// of the shared molecules differed): an unmarked bond between an aromatic
/// atom and `*` is single; a ring dummy may take a double bond by RDKit's
/// candidate rule over the SSSR rings (not the symmetrised ones: RDKit
/// kekulises first); when the walk fails, dummies are barred from a double
/// bond one subset at a time, in RDKit's order. Expected strings are
/// RDKit's.
#[test]
fn ring_dummies_kekulise_and_aromatise_as_rdkit() {
    for (input, rdkit) in [
        ("c1cccc*1", "*1ccccc1"),
        ("c1ccc2c(c1)**2", "*1*c2ccccc21"),
        ("CSCC*1:*c*(N):*c1", "CSCC*1=*C*(N)=*C1"),
        ("*1:*:*:*cncnc1", "*1:*:*cncnc*:1"),
        ("Cc1c*:*(F)c(Br)*1", "CC1=C*=*(F)C(Br)*1"),
        (
            "**1:*:*(C)c(C)nc(C)nc(O)c1C#N",
            "**1:*:*(C)c(C)nc(C)nc(O)c1C#N",
        ),
        (
            "COc1cc2c3c(c1O)Oc1cc4c(cc1O)CCN(C)[C@H]4Cc1ccc(O)c(c1)Oc1cc*(cc1)C[C@@H]2NCC3",
            "COc1cc2c3c(c1O)Oc1cc4c(cc1O)CCN(C)[C@H]4Cc1ccc(O)c(c1)Oc1cc*(cc1)C[C@@H]2NCC3",
        ),
    ] {
        assert_eq!(to_smiles(&parse(input).unwrap()), rdkit, "{input}");
    }
    // RDKit rejects these (a dummy that may not take a double bond leaves a
    // ring atom without one)
    for input in [
        "CCCCNC(=O)CCc1c(C)*c2c3c*ccc3*n2c1C",
        "COc1ccc(-n2c(C)cn3c4c(=O)n(CC(C)=O)c(=O)*(C)c4*c23)*c1",
    ] {
        assert!(parse(input).is_err(), "{input}");
    }
}

/// A dative arrow at a closing ring digit points from the closing atom
/// (`[Fe]1.N->1` is N->Fe); dative bonds do not close rings.
#[test]
fn dative_ring_closure_direction() {
    let a = to_smiles(&parse("[Fe]1.N->1").unwrap());
    let b = to_smiles(&parse("N->[Fe]").unwrap());
    assert_eq!(a, b);
    let m = parse("C1CC[Fe]<-N1").unwrap();
    assert!(m.rings().num_rings() == 0);
}

/// `@SP`/`@TB`/`@OH` permutation numbers are relative to the neighbour order;
/// they were written back unchanged after canonical reordering.
#[test]
fn non_tetrahedral_permutations_follow_the_written_order() {
    let a = to_smiles(&parse("S[As@TB1](F)(Cl)(Br)N").unwrap());
    // the same arrangement, neighbours listed in another order (from RDKit)
    let b = to_smiles(&parse("N[As@TB6](F)(S)(Cl)Br").unwrap());
    assert_eq!(a, b);
    let c = to_smiles(&parse("S[As@TB7](F)(Cl)(Br)N").unwrap());
    assert_ne!(a, c);
}

/// Bug: a three-coordinate, saturated, H-free stereocentre with one
/// ring-closure digit (`C[C@@H]1CC[S@@+]1[O-]`) was read by the plain
/// neighbour order, while RDKit inverts the tag there (its
/// `chiralAtomNeedsTagInversion`), so the same SMILES meant the opposite
/// configuration in RDKit; normalising a ring sulfoxide `[S@]1=O` to
/// `[S@@+]1[O-]` exposed it. Every RDKit-written random SMILES of these
/// molecules must now read as one molecule.
#[test]
fn ring_closure_three_coordinate_chirality_reads_as_rdkit() {
    let variants: &[&[&str]] = &[
        &[
            "C[C@@H]1CC[S@@+]1[O-]",
            "[C@@H]1([S@@+](CC1)[O-])C",
            "C[C@H]1[S@@+](CC1)[O-]",
            "[O-][S@+]1CC[C@H]1C",
            "[C@H]1(C)[S@+]([O-])CC1",
            "[S@@+]1([C@H](C)CC1)[O-]",
            "[O-][S@@+]1[C@H](C)CC1",
            "[S@@+]1([O-])CC[C@H]1C",
        ],
        &[
            "C[P@]1CC[C@H]1C",
            "[C@@H]1(C)CC[P@@]1C",
            "C[P@@]1[C@H](C)CC1",
            "C1C[P@]([C@@H]1C)C",
            "[P@@]1(C)CC[C@H]1C",
            "[P@]1(C)[C@@H](CC1)C",
        ],
    ];
    for set in variants {
        let canon: Vec<String> = set.iter().map(|s| to_smiles(&parse(s).unwrap())).collect();
        for (s, c) in set.iter().zip(&canon) {
            assert_eq!(
                c, &canon[0],
                "{s} reads as a different molecule than {}",
                set[0]
            );
        }
    }
}

/// Canonical SMILES are RDKit's strings (RDKit 2026.09.1 `MolToSmiles`,
/// recorded here so that the check runs without RDKit): ring cis/trans,
/// conjugated and symmetric E/Z, charges (RDKit orders `[O-]` after `=O`),
/// isotopes, atom maps, fragments sorted as text.
#[test]
fn canonical_smiles_are_rdkit_strings() {
    let cases = [
        ("C[C@H]1CC[C@@H](C)CC1", "C[C@H]1CC[C@@H](C)CC1"),
        ("C[C@H]1CC[C@H](O)CC1", "C[C@H]1CC[C@H](O)CC1"),
        ("OC(=O)[C@@H]1CC[C@H](N)CC1", "N[C@H]1CC[C@@H](C(=O)O)CC1"),
        ("CC(=O)[O-].[Na+]", "CC(=O)[O-].[Na+]"),
        ("[2H]C([2H])([2H])Oc1ccccc1", "[2H]C([2H])([2H])Oc1ccccc1"),
        ("F/C=C/C=C/Cl", "F/C=C/C=C/Cl"),
        ("C/C=C(/C)C(=O)O", "C/C=C(/C)C(=O)O"),
        (
            "N/C(=N/C(=O)CCCC(=O)/N=C(\\N)NC)NC",
            "CN/C(N)=N\\C(=O)CCCC(=O)/N=C(\\N)NC",
        ),
        (
            "CC(=C/c1ccccc1)/C=N/NC(=O)C",
            "CC(=O)N/N=C/C(C)=C\\c1ccccc1",
        ),
        ("[CH3:1][OH:2]", "[CH3:1][OH:2]"),
        ("c1ccc2c(c1)[nH]c1ccccc12", "c1ccc2c(c1)[nH]c1ccccc12"),
        ("C1CC2CCC1CC2", "C1CC2CCC1CC2"),
        ("O=S(=O)(O)c1ccc(N)cc1", "Nc1ccc(S(=O)(=O)O)cc1"),
        ("[O-][n+]1ccccc1", "[O-][n+]1ccccc1"),
        ("C[S@@](=O)c1ccccc1", "C[S@@](=O)c1ccccc1"),
        (
            "C[C@@H]1CCCN1C(=O)/C=C/c1ccccc1",
            "C[C@@H]1CCCN1C(=O)/C=C/c1ccccc1",
        ),
        (
            "OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O",
            "OC[C@H]1O[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O",
        ),
        ("C1=CC=CC=C1.[Cl-].[NH4+]", "[Cl-].[NH4+].c1ccccc1"),
        ("CC12CCC(CC1)CC2", "CC12CCC(CC1)CC2"),
        ("c1cc2ccc3cccc4ccc(c1)c2c34", "c1cc2ccc3cccc4ccc(c1)c2c34"),
    ];
    for (input, rdkit) in cases {
        let mol = parse(input).unwrap();
        assert_eq!(to_smiles(&mol), rdkit, "{input}");
    }
}

/// Regression: RDKit compares formal charges as unsigned numbers, so a
/// negative charge ranks after every positive one; ranking them as signed
/// wrote `CC([O-])=O` where RDKit writes `CC(=O)[O-]`.
#[test]
fn negative_charges_rank_after_neutral_atoms_as_in_rdkit() {
    assert_eq!(to_smiles(&parse("[O-]C(=O)C").unwrap()), "CC(=O)[O-]");
    assert_eq!(
        to_smiles(&parse("OC1=C(Cl)C=C(C=C1[N+]([O-])=O)[N+]([O-])=O").unwrap()),
        "O=[N+]([O-])c1cc(Cl)c(O)c([N+](=O)[O-])c1"
    );
}

/// Regression: the E/Z label that enters RDKit's ranking refers to the
/// higher-ranked neighbour by RDKit's legacy CIP ranks on each end, not to
/// the neighbour that carried the `/` mark; with the marked neighbour the two
/// halves of this symmetric bis-guanidine were written in the other order.
#[test]
fn double_bond_labels_use_rdkit_reference_atoms() {
    let mol = parse("N/C(=N/C(=O)CCCC(=O)/N=C(\\N)NC)NC").unwrap();
    assert_eq!(to_smiles(&mol), "CN/C(N)=N\\C(=O)CCCC(=O)/N=C(\\N)NC");
}

/// Regression: Kekulé SMILES placed the double bonds by our own matching,
/// so 36 % of zinc molecules got a Kekulé structure other than RDKit's (for
/// example `CC1=CC=C(...)` where RDKit writes `CC1=C(...)C=C...`). RDKit
/// places them by its canonical `Kekulize` walk, which does not depend on
/// the input atom order; so do we now.
#[test]
fn kekule_smiles_place_double_bonds_as_rdkit() {
    assert_kekule_as_rdkit(&[
        (
            "Cc1ccc(C(F)(F)F)cc1/C=C/C(=O)O",
            "CC1=C(/C=C/C(=O)O)C=C(C(F)(F)F)C=C1",
        ),
        (
            "OC(=O)/C=C/c1cc(C(F)(F)F)ccc1C",
            "CC1=C(/C=C/C(=O)O)C=C(C(F)(F)F)C=C1",
        ),
        (
            "CC(C)(C)c1ccc2occ(CC(=O)Nc3ccccc3F)c2c1",
            "CC(C)(C)C1=CC2=C(C=C1)OC=C2CC(=O)NC1=CC=CC=C1F",
        ),
        (
            "Cc1cccc(/C=C(/F)C(=O)O)c1C",
            "CC1=C(C)C(/C=C(/F)C(=O)O)=CC=C1",
        ),
    ]);
}

/// Regression: the canonical ranker packed the 16-bit isotope into a field
/// that overlapped the element's byte, so an isotope above 255 read as
/// another element: `[270CH2]` tied with `[14NH2]`, the tie was broken by
/// input order, and the same molecule had two canonical strings. RDKit
/// 2026.09.1 writes these (checked with `Chem.MolToSmiles`).
#[test]
fn isotopes_above_255_do_not_collide_with_the_element_in_canonical_ranks() {
    let cases = [
        (
            ["[14NH2]C[270CH2]", "[270CH2]C[14NH2]", "C([14NH2])[270CH2]"],
            "[270CH2]C[14NH2]",
        ),
        (
            [
                "[14NH2]C([270CH2])C[270CH2]",
                "[270CH2]CC([14NH2])[270CH2]",
                "C([270CH2])C([270CH2])[14NH2]",
            ],
            "[270CH2]CC([270CH2])[14NH2]",
        ),
        (
            [
                "[270CH2]C([14NH2])C[14NH2]",
                "[14NH2]CC([14NH2])[270CH2]",
                "C([14NH2])C([14NH2])[270CH2]",
            ],
            "[270CH2]C([14NH2])C[14NH2]",
        ),
    ];
    for (inputs, rdkit) in cases {
        for input in inputs {
            assert_eq!(to_smiles(&parse(input).unwrap()), rdkit, "{input}");
        }
    }
}

/// Bug: `@SP`/`@TB`/`@OH` centres read ring-closure digits where they stood
/// and ignored missing ligands other than one bracket H, while RDKit counts
/// ring-closure neighbours at the atom's own place (right after the
/// preceding atom, even when the digit follows a branch) and every missing
/// ligand first on an atom that starts the SMILES, right after the
/// preceding atom otherwise. 45 % of random complexes read as another
/// stereoisomer than RDKit's. Each input must give the SMILES RDKit
/// 2026.09.1 writes for it.
#[test]
fn non_tetrahedral_ring_closures_and_missing_ligands_read_as_rdkit_reads_them() {
    for (input, rdkit) in [
        ("F[Pt@SP1](Cl)1Br.I1", "[F][Pt@SP2]([Cl])([Br])[I]"),
        ("[Pt@SP1](F)(Cl)Br", "[F][Pt@SP3]([Cl])[Br]"),
        ("F[Pt@SP1](Cl)Br", "[F][Pt@SP1]([Cl])[Br]"),
        ("[Fe@TB5H](F)(Cl)(Br)I", "[F][Fe@TB13H]([Cl])([Br])[I]"),
        ("Cl[Fe@TB5H](F)(Br)I", "[F][Fe@TB6H]([Cl])([Br])[I]"),
        ("[Co@OH7H2](F)(Cl)(Br)I", "[F][Co@OH3H2]([Cl])([Br])[I]"),
        ("Br[Co@OH7H2]1(F)I.Cl1", "[F][Co@OH23H2]([Cl])([Br])[I]"),
        (
            "[Ni@SP2]1(<-[NH3])(Cl)F.Br1",
            "[NH3]->[Ni@SP3]([F])([Cl])[Br]",
        ),
        // RDKit's reading and writing exchange the places of two missing
        // ligands, so its own string reads back as another number; so do we
        ("F[Co@OH3H2](Cl)(Br)I", "[F][Co@OH15H2]([Cl])([Br])[I]"),
    ] {
        assert_eq!(to_smiles(&parse(input).unwrap()), rdkit, "{input}");
    }
}

/// Bug: `\\` (a backslash doubled by a string escape, as in RDKit's own
/// test files) was rejected as two bond symbols; RDKit's lexer reads one or
/// two backslashes as one `\` bond.
#[test]
fn doubled_backslash_is_one_down_bond_as_in_rdkit() {
    let doubled = parse(r"c1ccc(cc1)/C=C/2\\CCNC2=O").unwrap();
    assert_eq!(to_smiles(&doubled), r"O=C1NCC/C1=C\c1ccccc1");
    assert_eq!(to_smiles(&parse(r"F/C=C\\F").unwrap()), r"F/C=C\F");
    // three are still one bond symbol too many
    assert!(parse(r"F/C=C\\\F").is_err());
}

/// Bug: `MolBuilder::reorder_neighbors` kept an `@SP`/`@TB`/`@OH`
/// permutation number as it was (inverting it like a tetrahedral tag did
/// nothing), so the reordered atom described another arrangement.
#[test]
fn reordering_neighbours_keeps_non_tetrahedral_arrangements() {
    for smiles in [
        "F[Co@OH7H](Cl)(Br)(I)N",
        "F[Fe@TB12](Cl)(Br)(I)N",
        "F[Pt@SP2](Cl)Br",
    ] {
        let mut raw = shennong_smiles::parse_raw(smiles).unwrap();
        let centre = shennong_mol::AtomIdx(1);
        let mut order = raw.neighbors(centre).to_vec();
        order.rotate_left(1);
        order.swap(0, 1);
        raw.reorder_neighbors(centre, order).unwrap();
        let reordered = to_smiles(&raw.sanitize().unwrap());
        assert_eq!(reordered, to_smiles(&parse(smiles).unwrap()), "{smiles}");
    }
}

/// Bug: an `@SP`, `@TB` or `@OH` tag stayed on an atom whose neighbours with
/// its hydrogens cannot take the shape (`[Pt@SP1H2]` with four ligands is
/// six-coordinate; `[Pt@SP1]F` has one ligand); RDKit's `cleanupChirality`
/// drops it. And the writer left atoms bonded to a metal bare (`F[Pt]`)
/// where RDKit brackets them (`[F][Pt]`), so strings differed.
#[test]
fn impossible_non_tetrahedral_shapes_lose_their_tag_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("[Pt@SP1H2](F)(F)(Cl)Cl", "[F][PtH2]([F])([Cl])[Cl]"),
        ("[Pt@SP1H](F)(F)(Cl)Cl", "[F][PtH]([F])([Cl])[Cl]"),
        ("[Pt@SP1](F)", "[F][Pt]"),
        ("[Pt@OH1](F)", "[F][Pt]"),
        ("[Pt@SP1](F)(F)(Cl)(Cl)Br", "[F][Pt]([F])([Cl])([Cl])[Br]"),
        // two ligands are enough for every shape
        ("[Pt@TB3](F)(Cl)", "[F][Pt@TB5][Cl]"),
    ]);
    let options = WriteOptions {
        canonical: false,
        ..WriteOptions::default()
    };
    let mol = parse("C[Pt](Cl)(Cl)N").unwrap();
    assert_eq!(
        write_smiles(&mol, &options).unwrap(),
        "[CH3][Pt]([Cl])([Cl])[NH2]"
    );
}

/// Found by `cargo fuzz run smiles`: in `NN*$1*N*1*B` the quadruple ring
/// bond between two dummy atoms ends up in an aromatic ring, flagged
/// aromatic but still quadruple. RDKit 2026.09 writes it as `$`, and reads
/// that string back with the bond aromatic, so its own canonical SMILES
/// changes once before it settles. We give RDKit's strings at both steps
/// (`canonical_may_drift` names such molecules for the fuzz targets).
#[test]
fn aromatic_flagged_quadruple_bond_rewrites_once_as_in_rdkit() {
    assert_rewrites_once("NN*$1*N*1*B", "B**1[nH]*:*$1NN", "B**1[nH]*:*:1NN");
}

/// Checks a molecule whose canonical SMILES (`first`, as RDKit writes it)
/// reads back as another (`second`, again RDKit's), which is a fixed point,
/// and that `canonical_may_drift` names the input.
fn assert_rewrites_once(input: &str, first: &str, second: &str) {
    assert_eq!(to_smiles(&parse(input).unwrap()), first, "{input}");
    assert_eq!(to_smiles(&parse(first).unwrap()), second, "{first}");
    assert_eq!(to_smiles(&parse(second).unwrap()), second, "{second}");
    assert!(shennong_smiles::canonical_may_drift(&parse(input).unwrap()));
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `:` between two chain
/// carbons next to a stereo double bond. The bond stays an unflagged
/// aromatic bond, and the canonical writer marks it `\` for the double
/// bond's stereo, as RDKit 2026.09 does; read back, the bond is single, so
/// RDKit's canonical string and ours change once, the same way.
#[test]
fn unflagged_aromatic_bond_with_direction_mark_rewrites_once_as_in_rdkit() {
    assert_rewrites_once(
        "CC(C)=CCC/C(:C)=C/C=C/C(C)=C/C",
        "C\\C(=C/C=C/C(C)=C/C)CCC=C(C)C",
        "C/C=C(C)/C=C/C=C(\\C)CCC=C(C)C",
    );
    assert!(!shennong_smiles::canonical_may_drift(
        &parse("C/C=C(C)/C=C/C=C(\\C)CCC=C(C)C").unwrap()
    ));
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `I=O` reads as `O=[IH]`
/// (iodine takes an implicit hydrogen up to valence 3); read back, that
/// hydrogen is explicit and the iodine falls under RDKit's halogen-oxide
/// clean-up, `[O-][IH+]`. RDKit 2026.09 rewrites it the same way once.
#[test]
fn halogen_oxide_with_implicit_h_rewrites_once_as_in_rdkit() {
    assert_rewrites_once("I=O.II*", "*[IH]I.O=[IH]", "*[IH]I.[O-][IH+]");
    assert!(!shennong_smiles::canonical_may_drift(
        &parse("[O-][IH+]").unwrap()
    ));
    assert!(!shennong_smiles::canonical_may_drift(
        &parse("OCl(=O)(=O)=O").unwrap()
    ));
}

/// From the informational mutant set: an explicit `:` bond outside every
/// ring. RDKit makes it single when it touches a ring system it kekulises
/// (and recounts the other end's hydrogens), keeps it as an unflagged
/// aromatic bond between atoms outside every ring (`C:C`), and rejects a
/// ring atom it then cannot give a double bond. We made every such bond
/// single and kept the hydrogens, writing radicals (`[CH2]c1ccccc1`).
/// Expected strings are RDKit 2026.09's.
#[test]
fn aromatic_bonds_outside_rings_follow_rdkit() {
    assert_reads_as_rdkit(&[
        ("C:c1ccccc1", "Cc1ccccc1"),
        ("[CH2]:c1ccccc1", "[CH2]c1ccccc1"),
        ("N:c1ccccc1", "Nc1ccccc1"),
        ("C(:c1ccccc1):c1ccccc1", "c1ccc(Cc2ccccc2)cc1"),
        ("C=C:c1ccccc1", "C=Cc1ccccc1"),
        ("C:C", "C:C"),
        ("CC:CC", "CC:CC"),
        ("O:C", "C:O"),
    ]);
    for input in ["C1CC1:c1ccccc1", "CC(=O):C1CCC1"] {
        assert!(parse(input).is_err(), "{input}");
    }
}

/// From the informational mutant set: a triple or quadruple bond written in
/// an aromatic ring (`Cc1#ccccc1`). RDKit's aromaticity model reads the
/// valences cached on the input form, where aromatic rounding absorbs the
/// extra order, so the ring stays aromatic; we judged it on the Kekulé
/// form (valence 5) and rejected the molecule.
#[test]
fn multiple_bonds_in_aromatic_rings_use_input_valences_as_rdkit() {
    assert_reads_as_rdkit(&[
        ("Cc1#ccccc1", "Cc1ccccc#1"),
        ("c1c$cccc1", "c1ccccc$1"),
        ("O=C(O)c1ccc(-c#2ccccn2)nc1", "O=C(O)c1ccc(-c2ccccn#2)nc1"),
    ]);
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `Is5P0Ps0P5` perceives
/// as an aromatic system with two sulfurs at valence 4 and a phosphorus at
/// valence 5. RDKit 2026.09 accepts it and writes `Is1[pH]s2p1P2`, which
/// neither RDKit nor we can read back (no Kekulé form gives those atoms
/// their default valences); we write the same string and refuse it the
/// same way, and `canonical_may_drift` names the molecule. No molecule of
/// the shared real sets has an aromatic atom above its default valence.
#[test]
fn hypervalent_aromatic_atoms_may_not_read_back_as_in_rdkit() {
    assert_written_but_unreadable("Is5P0Ps0P5", "Is1[pH]s2p1P2");
    for plain in [
        "c1cc[nH]c1",
        "[cH-]1cccc1",
        "C[n+]1ccccc1",
        "[O-][n+]1ccccc1",
        "c1ccc2[se]ccc2c1",
    ] {
        assert!(
            !shennong_smiles::canonical_may_drift(&parse(plain).unwrap()),
            "{plain}"
        );
    }
}

/// Checks a molecule whose canonical SMILES (`canonical`, as RDKit 2026.09
/// writes it) neither RDKit nor we can read back (no Kekulé form), and
/// that `canonical_may_drift` names it.
fn assert_written_but_unreadable(input: &str, canonical: &str) {
    let mol = parse(input).unwrap();
    assert_eq!(to_smiles(&mol), canonical, "{input}");
    let err = parse(canonical).unwrap_err().to_string();
    assert!(err.contains("kekul"), "{canonical}: {err}");
    assert!(shennong_smiles::canonical_may_drift(&mol), "{input}");
}

/// RDKit's readers remove hydrogen atoms (`removeHs`) before sanitising,
/// whatever the order of the hydrogen's one bond and its charge (only
/// hydrides, isotopes and hydrogens bonded to H, dummies, non-tetrahedral
/// centres or holding a double bond's stereo stay). We removed only
/// single-bonded neutral ones, so `[H]:C1CC1`, `[H]=N1CC1`, `[H]#CC` and
/// `[H]=O` were refused (RDKit: `C1CC1`, `C1CN1`, `CC`, `O`) and
/// `[H]:c1ccccc1`, `[H+]N`, `[H]->N` kept their hydrogen atom. Found while
/// checking a `cargo fuzz run smiles` failure (`[H]:N0ss0P...`, whose
/// canonical form kept the hydrogen and did not read back to itself).
/// Expected strings (`None`: refused) are RDKit 2026.09's.
#[test]
fn hydrogen_atoms_are_removed_whatever_their_bond_as_rdkit_removes_them() {
    for (input, rdkit) in [
        ("[H]:NC", Some("CN")),
        ("[H]:N1CC1", Some("C1CN1")),
        ("[H]:C1CC1", Some("C1CC1")),
        ("[H]:c1ccccc1", Some("c1ccccc1")),
        ("C1CC1:[H]", Some("C1CC1")),
        ("[H]=N1CC1", Some("C1CN1")),
        ("[H]:N1C=CC1", Some("C1=CNC1")),
        ("[H]#CC", Some("CC")),
        ("[H]=C=C", Some("C=C")),
        ("[H+]N", Some("N")),
        ("[H-]N", Some("[H-]N")),
        ("[H-][B](F)(F)F", None),
        ("[H]OC", Some("CO")),
        ("[H][H]", Some("[H][H]")),
        ("[H]N([H])[H]", Some("N")),
        ("[H][C@](F)(Cl)Br", Some("F[C@@H](Cl)Br")),
        ("[H:1]OC", Some("CO")),
        ("[H]/N=C/C", Some("[H]/N=C/C")),
        ("[H]N=C", Some("C=N")),
        ("[H]\\C=C\\F", Some("[H]/C=C/F")),
        ("[H][2H]", Some("[H][2H]")),
        ("[H]*", Some("*[H]")),
        ("[H][Pt]", Some("[PtH]")),
        ("[H][O+]", Some("[OH+]")),
        ("[H][N+](C)(C)C", Some("C[NH+](C)C")),
        ("[H]$C", Some("C")),
        ("[H]->N", Some("N")),
        ("N<-[H]", Some("N")),
        ("[H]c1cccc[nH]1", None),
        ("[H]n1cccc1", Some("c1cc[nH]c1")),
        ("[H][n]1cccc1", Some("c1cc[nH]c1")),
        ("[H]-c1ccccc1", Some("c1ccccc1")),
        ("[H]:[O]", Some("[OH]")),
        ("[H][N]", Some("[NH]")),
        ("[HH]", Some("[HH]")),
        ("[H]=O", Some("O")),
        ("[H]1CC1", None),
        ("[H]1[H]C1", None),
    ] {
        let ours = parse(input).ok().map(|m| to_smiles(&m));
        assert_eq!(ours.as_deref(), rdkit, "{input}");
    }
    let fuzzed = to_smiles(&parse("P5NPI.[H]:N0ss0P:OOON5NNN").unwrap());
    assert_eq!(fuzzed, "NNNN(OOO:P[SH]1NS1)PNPI");
    assert_eq!(to_smiles(&parse(&fuzzed).unwrap()), fuzzed);
}

/// Found by an RDKit-differential run over 20,000 mutated ChEMBL SMILES: a
/// ring bond with a bond symbol at both digits. We refused two different
/// orders ("ring bond 1 has conflicting bond orders"); RDKit keeps the
/// opening one unless it only gives a direction, and with a direction mark
/// at both digits keeps the closing one's. Expected strings are RDKit
/// 2026.09's.
#[test]
fn ring_bond_with_two_bond_symbols_reads_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("C=1CC-1", "C1=CC1"),
        ("C-1CC=1", "C1CC1"),
        ("C=1CC#1", "C1=CC1"),
        ("C:1CC=1", "C1=CC1"),
        ("C/1CC=1", "C1=CC1"),
        ("NC->1CC-1O", "NC1CC<-1O"),
        ("NC<-1CC-1O", "NC1CC->1O"),
        ("NC-1CC->1O", "NC1CC1O"),
        ("C/1=C/CCCCCCC/1", "C1=C/CCCCCCC/1"),
        ("C\\1=C/CCCCCCC\\1", "C1=C\\CCCCCCC/1"),
        ("F/C=C/1.C/1", "C/C=C\\F"),
    ]);
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `CCCCCCC[P@OH3]N`, an
/// octahedral tag on an atom with two neighbours. RDKit 2026.09 writes
/// `CCCCCCC[P@OH7]N`, which it reads back and writes as
/// `CCCCCCC[P@OH22]N`; we write the same strings at every step, and
/// `canonical_may_drift` names such centres (RDKit's strings are fixed
/// points with more neighbours).
#[test]
fn non_tetrahedral_centre_with_few_neighbours_rewrites_as_in_rdkit() {
    assert_eq!(
        to_smiles(&parse("CCCCCCC[P@OH3]N").unwrap()),
        "CCCCCCC[P@OH7]N"
    );
    assert_eq!(
        to_smiles(&parse("CCCCCCC[P@OH7]N").unwrap()),
        "CCCCCCC[P@OH22]N"
    );
    for drifting in [
        "C[P@OH3]N",
        "F[Co@TB4]Cl",
        "F[Pt@SP2]Cl",
        "F[Co@OH5](Cl)(Br)I",
    ] {
        assert!(
            shennong_smiles::canonical_may_drift(&parse(drifting).unwrap()),
            "{drifting}"
        );
    }
    for fixed in [
        "O[Co@OH1](F)(Cl)(Br)(I)N",
        "F[Co@TB4](Cl)Br",
        "F[Pt@SP2](Cl)(Br)I",
    ] {
        let mol = parse(fixed).unwrap();
        assert!(!shennong_smiles::canonical_may_drift(&mol), "{fixed}");
        let canonical = to_smiles(&mol);
        assert_eq!(to_smiles(&parse(&canonical).unwrap()), canonical, "{fixed}");
    }
}

/// Found by an RDKit-differential run over mutated SMILES: when RDKit's
/// walk found no Kekulé form for a fused system, our fallback matching
/// could put the double bond on an aromatic bond joining two systems, so
/// a four-membered aromatic ring with no Kekulé form of its own was
/// accepted. RDKit kekulises each fused system on its own bonds and
/// refuses both molecules; so do we now.
#[test]
fn kekule_double_bond_never_joins_two_ring_systems() {
    for input in [
        "C=CCn1c(c2c(nc3n2[C@H](C))=NN3C)n(C)c1=O",
        "COC1CN(c2cc[*]*(-c3cnc(N)c(OC(F)F)B3)nc(N3CC4CC3C4)n2)C1",
    ] {
        let err = parse(input).unwrap_err().to_string();
        assert!(err.contains("cannot kekulise"), "{input}: {err}");
    }
    assert_eq!(
        to_smiles(&parse("c1ccccc1-c1ccccc1").unwrap()),
        "c1ccc(-c2ccccc2)cc1"
    );
}

/// Found by an RDKit-differential run over mutated SMILES: two direction
/// marks on one end of a double bond that put both neighbours on the same
/// side (`F/C=C(/C)/N`) contradict each other. RDKit's
/// `assignBondStereoCodes` then leaves the bond without stereo and clears
/// both marks (after looking at every double bond, so a conjugated bond
/// sharing a cleared mark keeps its stereo); we took the first mark.
/// Expected strings are RDKit 2026.09's.
#[test]
fn contradicting_direction_marks_leave_the_double_bond_unspecified_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("F/C=C(/C)/N", "CC(N)=CF"),
        ("F/C=C(/C)\\N", "C/C(N)=C/F"),
        ("C/C=C1/CC/C=C\\1", "CC=C1C=CCC1"),
        ("F\\C(/Cl)=C/F", "FC=C(F)Cl"),
        ("C/C=C(/C=C/C)/C", "CC=C(C)/C=C/C"),
        ("C/C(/F)=C(/C)/F", "CC(F)=C(C)F"),
    ]);
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `PP0Pb=b0P` perceives as
/// the aromatic `Pb1b[pH]p1P` (RDKit 2026.09 writes the same), which has no
/// Kekulé structure under a reader's rules: RDKit and we both refuse it
/// ("cannot kekulise"). `canonical_may_drift` names every molecule whose
/// perceived aromatic form cannot be kekulised (none of the shared real
/// sets has one).
#[test]
fn aromatic_form_without_kekule_structure_may_not_read_back_as_in_rdkit() {
    assert_written_but_unreadable("PP0Pb=b0P", "Pb1b[pH]p1P");
    assert!(parse("PP0Pb=b0P").unwrap().kekulized().is_err());
    assert!(!shennong_smiles::canonical_may_drift(
        &parse("O=c1c(NCc2ccccc2Cl)c(-c2ccccc2)c1=O").unwrap()
    ));
}

/// Found by `cargo fuzz run smiles` (2026-12-04): `P0Pb0b5PPb=5PI`
/// perceives as `IPb1[pH][pH]b1B1PP1` (as in RDKit 2026.09), whose Kekulé
/// form perceives without aromatic rings: RDKit and we both read that
/// string back as `IPB1PPB1B1PP1`. `canonical_may_drift` names molecules
/// whose aromaticity is not a fixed point of kekulising and perceiving
/// again (none of the shared real sets).
#[test]
fn aromaticity_that_is_not_a_fixed_point_rewrites_once_as_in_rdkit() {
    assert_rewrites_once("P0Pb0b5PPb=5PI", "IPb1[pH][pH]b1B1PP1", "IPB1PPB1B1PP1");
}

/// Found in RDKit's own test data (`Code/GraphMol/test_data`, 2026-12-04):
/// `C[P@H]C[P@@H]CS(=O)(=O)[O-]` lost both tags. A phosphine or arsine
/// with hydrogens and fewer than three neighbours is a stereocentre in
/// RDKit (after InChI), and RDKit reads its tag against its bonds alone,
/// wherever the H is written. Expected strings are RDKit 2026.09's.
#[test]
fn two_neighbour_phosphine_keeps_its_stereo_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("C[P@H]C[P@@H]CS(=O)(=O)[O-]", "C[P@H]C[P@@H]CS(=O)(=O)[O-]"),
        ("C[P@H]CC", "CC[P@@H]C"),
        ("[P@H](C)CC", "CC[P@@H]C"),
        ("C[As@H]CC", "CC[As@@H]C"),
        ("O[P@H]C", "C[P@@H]O"),
        ("CC[P@H]1.C1", "CC[P@H]C"),
        ("c1ccccc1[P@H]C(=O)O", "O=C(O)[P@@H]c1ccccc1"),
        // no H: not a centre; a ring with two equal sides: no centre
        ("C[P@]CC", "CC[P]C"),
        ("C[P@H]1CCCC1", "C[PH]1CCCC1"),
        // one neighbour or none: RDKit keeps these too
        ("C[P@H2]", "C[P@H2]"),
        ("[P@@H3]", "[P@@H3]"),
        ("C[N@H2]", "CN"),
        // H atoms merged one after another, from the last written
        ("[H][P@](=O)([H])[H]", "O=[P@@H3]"),
        ("[H][P@]([H])(C)", "C[P@H2]"),
    ]);
}

/// Found in Open Babel's test data (2026-12-04): Dewar benzene
/// `C1=C[C@H]2[C@@H]1C=C2` kept its bridgehead tags, which RDKit drops.
/// RDKit's legacy CIP ranks list each neighbour's rank twice the bond
/// order, so `=CH-` (one double, one single bond) and the bridgehead `CH`
/// (three single bonds) tie, all six atoms share one rank and the
/// bridgeheads are no centres; the stereo clean-up compared (rank, bond)
/// pairs and told them apart. Expected strings are RDKit 2026.09's.
#[test]
fn dewar_benzene_bridgeheads_lose_their_tags_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("C1=C[C@H]2[C@@H]1C=C2", "C1=CC2C=CC12"),
        (
            "C1=C[C@@H]2[C@H]3[C@@H]2C=C[C@@H]1C=C3",
            "C1=CC2C3C=CC1C=CC23",
        ),
        (
            "COC1(OC)[C@@H]2C=C[C@H]1[C@H]1[C@@H]2[C@@H]2[C@H]1[C@H]1C([C@@H]2C=C1)(OC)OC",
            "COC1(OC)[C@H]2C=C[C@@H]1[C@H]1[C@@H]2[C@H]2[C@@H]3C=C[C@H]([C@H]21)C3(OC)OC",
        ),
        // saturated, or with one double bond: the tags stay
        ("C1C[C@H]2[C@@H]1CC2", "C1C[C@H]2CC[C@@H]12"),
        ("C1=C[C@H]2[C@@H]1CC2", "C1=C[C@H]2CC[C@@H]12"),
        // a double bond to a four-coordinate P counts once on the O's side,
        // so the =O and the bridging O differ and both P stay centres (the
        // flattened ranks without that rule lost them)
        ("CO[P@](=O)(O)O[P@](=O)(O)OC", "CO[P@](=O)(O)O[P@](=O)(O)OC"),
        (
            "O=[P@](O)(OC)O[P@@](=O)(O)OC",
            "CO[P@](=O)(O)O[P@@](=O)(O)OC",
        ),
    ]);
}

/// Found comparing CXSMILES from RDKit's own tests (2026-12-04): the
/// extension block was skipped whole, so `CC |^1:1|` read as ethane where
/// RDKit reads an ethyl radical, and `C:` coordination and `Z:`
/// zero-order bonds stayed ordinary bonds, silently a different molecule.
/// Bonds are numbered as written, a ring bond at its closing digit.
/// Expected strings are RDKit 2026.09's.
#[test]
fn cxsmiles_radicals_and_coordination_bonds_apply_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("CC |^1:1|", "[CH2]C"),
        ("CN |^2:1|", "C[N]"),
        ("CC(C)O |^1:1,^4:0|", "[CH][C](C)O"),
        ("CC(C)C |$;R1;;$,^1:0|", "[CH2]C(C)C"),
        ("CC |(0,0,;1.5,0,),^1:0|", "[CH2]C"),
        ("[NH3]CC |C:0.0|", "CC<-N"),
        ("C1CC1[NH2][Pt] |C:3.4|", "[Pt]<-[NH2]C1CC1"),
        ("C1CC1N |C:0.2|", "NC1CC->1"),
        ("C1CC1N |Z:2|", "NC1CC~1"),
        // numbers outside the molecule are ignored
        ("CC |^1:7|", "CC"),
        ("N.[Pt] |C:0.0|", "N.[Pt]"),
        // other sections do not change the molecule
        ("C[C@H](F)Cl |o1:1|", "C[C@H](F)Cl"),
    ]);
    // a coordination bond that does not touch its atom is an error
    assert!(parse("C1CC1N |C:3.0|").is_err());
}

/// A `/` or `\` on the bond of a hydrogen that is removed moves as RDKit's
/// `molRemoveH` moves it, before the marks are read: onto the heavy atom's
/// last unmarked single bond, copied unchanged when neither bond begins at
/// the heavy atom (a ring-closure bond begins at its closing atom), which
/// reverses the geometry (`[H]/C1=C([H])\CCCCCCCC1` reads as the Z ring);
/// and next to another marked single bond the hydrogen's mark just goes, so
/// it cannot contradict that one. Both were read the other way (E ring, and
/// the second double bond's stereo dropped as contradictory); found on
/// moxidectin with explicit hydrogens.
#[test]
fn hydrogen_marks_move_before_they_are_read_as_in_rdkit() {
    assert_reads_as_rdkit(&[
        ("[H]/C1=C([H])\\CCCCCCCC1", "C1=C\\CCCCCCCC/1"),
        ("[H]/C1=C(\\[H])CCCCCCCC1", "C1=C/CCCCCCCC/1"),
        ("[H]/C1=C([H])\\CCCCCCCC/C=C/1", "C1=C\\CCCCCCCC/C=C/1"),
        ("C1/C([H])=C([H])\\CCCCCCC1", "C1=C\\CCCCCCCC/1"),
        ("[H]/C(C)=C([H])\\C", "C/C=C/C"),
        // a deuterium stays, and with it the geometry as written
        ("[2H]/C1=C([H])\\CCCCCCCC1", "[2H]/C1=C\\CCCCCCCC1"),
    ]);
}

/// The non-canonical writer wrote an aromatic silicon as `[Si]` (its list of
/// elements written lower case lacked `si`, which the canonical writer and
/// RDKit use), so the output read back as another molecule. Both writers
/// now share one table.
#[test]
fn non_canonical_writer_keeps_aromatic_silicon_lower_case() {
    let options = WriteOptions {
        canonical: false,
        ..WriteOptions::default()
    };
    for (input, written) in [
        (
            "[si]1(cccnc1)/C(O)=C/C(=O)C",
            "[si]1(cccnc1)/C(/O)=C/C(=O)C",
        ),
        ("c1cc[siH]cc1", "c1cc[siH]cc1"),
    ] {
        let mol = parse(input).unwrap();
        let out = write_smiles(&mol, &options).unwrap();
        assert_eq!(out, written, "{input}");
        assert_eq!(to_smiles(&parse(&out).unwrap()), to_smiles(&mol), "{input}");
    }
}

/// Found in RDKit's pubchem-hard-set.sdf (2026-12-05): a triple bond in a
/// ring that perception flags aromatic (`c#c`) became a single bond in the
/// Kekulé form (`--kekule` SMILES, SD output, Kekulé SMARTS matching), so
/// the written molecule read back with two carbon radicals. RDKit's
/// kekulisation makes single only the single, double and aromatic bonds of
/// the system; the triple bond keeps its order. Expected strings are RDKit
/// 2026.09's `MolToSmiles(mol, kekuleSmiles=True)`.
#[test]
fn kekule_form_keeps_a_triple_bond_perceived_aromatic() {
    assert_kekule_as_rdkit(&[
        (
            "C[Si](C)(C)c1c#cc2c(c([Si](C)(C)C)cccc1)C(=O)c1ccccc1-2",
            "C[Si](C)(C)C1=CC=CC=C([Si](C)(C)C)C2=C(C#C1)C1=CC=CC=C1C2=O",
        ),
        (
            "c1c#cc2ccccc2c#cccc#cc2ccccc2c#cccc#cc2ccccc2c#1",
            "C1#CC2=CC=CC=C2C#CC=CC#CC2=CC=CC=C2C#CC=CC#CC2=CC=CC=C2C#C1",
        ),
    ]);
}

/// Found in review (2026-12-06): with the plain-ring shortcuts for a
/// bridgehead nitrogen and for written `[n+]`, an `[n+]` at the fusion of
/// a five- and a six-membered ring was counted as a neutral bridgehead
/// donor, so `c1cc[n+]2cccc2c1` was accepted as written where RDKit 2026.09
/// cannot kekulise it. The cation stays out of the bridgehead rule; the
/// same skeleton with a neutral bridgehead, and a cation away from the
/// fusion, read as RDKit reads them.
#[test]
fn cationic_bridgehead_nitrogen_is_not_a_plain_donor() {
    let err = parse("c1cc[n+]2cccc2c1").unwrap_err().to_string();
    assert!(err.contains("cannot kekulise"), "{err}");
    assert_reads_as_rdkit(&[
        ("c1ccn2cccc2c1", "c1ccn2cccc2c1"),
        ("c1ccc2cc[n+]2c1", "C1=C[n+]2ccccc21"),
    ]);
}
