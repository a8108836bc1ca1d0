//! Sanitisation takes two shortcuts, and canonical ranking one.
//! Sanitisation leaves plain benzene- and pyridine-like rings as written
//! instead of kekulising them and perceiving them again, and it keeps every
//! stereo mark without ranking the atoms to the end when the marked atoms'
//! and bonds' neighbours already differ by element, isotope, map number and
//! hydrogens, or once a round of the refinement tells them apart; and it
//! skips the hydrogen recount after perception when no step changed the
//! molecule. The molecule must be the same as without the shortcuts: every atom,
//! bond, ring and stereo mark, and the same error for molecules that fail.
//! Canonical ranking sorts the atoms by a key in its first pass and in its
//! later basic passes instead of comparing them pairwise; the ranks of every fragment, isomeric and not,
//! must be the same as without it. The E/Z labels the canonical writer
//! reads skip the atom ranks when no double-bond end has two substituents;
//! they must equal those of the full legacy labelling; so must the
//! ring-stereo groups, which skip the labelling when every tagged ring atom
//! is a centre whose neighbours rank apart. Checked on hand-picked cases (plain
//! rings next to rings that cannot be kekulised, fused, spiro and charged
//! neighbours, written Kekulé forms; stereo centres and double bonds with
//! distinct, tied and ring-dependent neighbours), on the bundled examples
//! and, when `SHENNONG_PARITY_REF` is set, on every input of the parity
//! reference.

mod common;

use shennong_mol::canon_rdkit::{
    fragments, legacy_bond_labels, legacy_labels, rdkit_ranks, rdkit_ranks_without_shortcuts,
};
use shennong_mol::{sanitize, sanitize_without_shortcuts, SanitizeOptions};
use shennong_smiles::parse_raw;

/// Where the E/Z labels or ring-stereo groups differ from the full
/// labelling's, or canonical
/// ranking with its keyed first pass differs from ranking by pairwise
/// comparison only, isomeric or not, in any fragment.
fn rank_difference(mol: &shennong_mol::Mol) -> Option<String> {
    let (fast, full) = (legacy_bond_labels(mol), legacy_labels(mol).bond_z);
    if fast != full {
        return Some(format!("E/Z labels: shortcut {fast:?}, full {full:?}"));
    }
    let fast = mol.legacy_stereo().map(|s| s.ring_stereo_group);
    let full = mol
        .legacy_stereo_without_shortcuts()
        .map(|s| s.ring_stereo_group);
    if format!("{fast:?}") != format!("{full:?}") {
        return Some(format!(
            "ring-stereo groups: shortcut {fast:?}, full {full:?}"
        ));
    }
    let stereo = mol.legacy_stereo().ok()?;
    for frag in fragments(mol) {
        for isomeric in [true, false] {
            let fast = rdkit_ranks(mol, &frag, &stereo, isomeric);
            let full = rdkit_ranks_without_shortcuts(mol, &frag, &stereo, isomeric);
            if fast != full {
                return Some(format!(
                    "ranks (isomeric {isomeric}): keyed {fast:?}, pairwise {full:?}"
                ));
            }
        }
    }
    None
}

/// Inputs on which the two paths differ, with both results.
fn differences(inputs: &mut dyn Iterator<Item = &str>) -> (usize, Vec<String>) {
    let options = SanitizeOptions::default();
    let (mut checked, mut bad) = (0, Vec::new());
    for smi in inputs {
        let Ok(raw) = parse_raw(smi) else { continue };
        checked += 1;
        let mol = sanitize(raw.clone(), &options);
        if let Ok(mol) = &mol {
            if let Some(why) = rank_difference(mol) {
                bad.push(format!("{smi}\n  {why}"));
            }
        }
        let fast = mol.map(|m| format!("{m:#?}"));
        let full = sanitize_without_shortcuts(raw, &options).map(|m| format!("{m:#?}"));
        let same = match (&fast, &full) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a.to_string() == b.to_string(),
            _ => false,
        };
        if !same {
            let show = |r: &Result<String, shennong_mol::MolError>| match r {
                Ok(m) => m.split_whitespace().collect::<Vec<_>>().join(" "),
                Err(e) => format!("error: {e}"),
            };
            bad.push(format!(
                "{smi}\n  shortcut: {}\n  full:     {}",
                show(&fast),
                show(&full)
            ));
        }
    }
    (checked, bad)
}

/// Fails on any hand-picked case where the paths differ.
fn check_cases(cases: &[&str]) {
    let (checked, bad) = differences(&mut cases.iter().copied());
    assert_eq!(checked, cases.len(), "every case parses to a raw molecule");
    common::assert_no_differences(checked, &bad, 5);
}

/// Sanitisation recounts hydrogens after perception only when a step
/// changed the molecule (kekulisation outside the plain rings, a written
/// `[nH]` it unpinned, radicals, aromaticity typing) or an input count
/// did not fit its byte; the molecule must be what the full recount gives.
#[test]
fn hydrogen_recount_skip_equals_full_perception_on_hand_picked_cases() {
    check_cases(&[
        // nothing changes: no aromatic atom, or only plain rings
        "CCO",
        "C[C@H](N)C(=O)O",
        "CC(=O)Oc1ccccc1C(=O)O",
        "[NH4+].[Cl-]",
        "C[N+](C)(C)C",
        // a written [nH] in a plain ring, unpinned
        "c1cc[nH]c1",
        "c1ccc2[nH]ccc2c1",
        "O=c1cccc[nH]1",
        "Cc1nc[nH]c1C",
        // radicals on bracket atoms, with and without rings
        "[CH2]C",
        "[CH]1CCCCC1",
        "c1ccccc1[CH2]",
        // kekulisation and typing
        "C1=CC=CC=C1",
        "c1ccc2ccccc2c1",
        "c1cccc1",
        "n1cccc1",
        "c1ccn2cccc2c1",
        // charges and bracket hydrogens next to aromatic rings
        "c1cc[n+]([O-])cc1",
        "[O-]c1ccccc1",
        "c1ccccc1[NH3+]",
        "[nH]1cc[n+](C)c1",
    ]);
}

#[test]
fn plain_ring_shortcut_equals_full_perception_on_hand_picked_cases() {
    let cases = [
        "c1ccccc1",
        "c1ccncc1",
        "Cc1ccccc1O",
        "c1ccccc1-c1ccncc1",
        // a plain ring next to rings that cannot be kekulised
        "c1ccccc1-c1cccc1",
        "c1ccccc1.c1ccc1",
        "c1ccccc1c1cccc1c1ccccc1",
        "c1cccc1-c1cccnc1",
        // exocyclic double bond, radicals, bracket atoms, charges, H on N
        "c1ccccc1=O",
        "O=c1ccccc1",
        "[cH]1ccccc1",
        "c1cccc[c]1",
        "c1cc[n+](C)cc1",
        "c1cc[nH]cc1",
        "[2H]c1ccccc1",
        "c1ccc[c-]c1",
        // a bridgehead nitrogen where a five- and a six-membered ring meet
        // (indolizine, imidazo[1,2-a]pyridine, [1,2,4]triazolo[4,3-a]pyridine,
        // pyrazolo[1,5-a]pyrimidine, substituted), and the forms it must
        // not cover: two sixes (quinolizine), two fives, a C=O in either
        // ring, a second donor, a charge, a third fused ring
        "c1ccn2cccc2c1",
        "Cc1ccc2nc(C)cn2c1",
        "c1ccc2nncn2c1",
        "Cc1cc(C)n2ncc(C(=O)O)c2n1",
        "Clc1ccn2nc(-c3nccs3)ncc12",
        "c1ccn2ccccc2c1",
        "c1cn2ccnc2c1",
        "c1csc2nccn12",
        "O=c1ccnc2ccccn12",
        "O=c1cccn2ccnc12",
        "c1cc2occn2cc1",
        "c1ccn2c(c1)[nH]cc2",
        "c1cc[n+]2ccccc2c1",
        "c1ccc2c(c1)cc1cccn12",
        "c1ccc2nc3ccccn3c2c1",
        "C1CCc2nccn2C1",
        "c1ccn2c(c1)CC2",
        // a written [nH+] or [n+] (pyridinium, N-alkyl pyridinium, N-oxide,
        // imidazolium, quinolinium), and forms the full path must settle:
        // two cations in a five-membered ring, a C=O next to one, a cation
        // at a fusion, one in a five-membered ring without a donor, one
        // with two connections (a radical)
        "c1cc[nH+]cc1",
        "C[n+]1ccccc1",
        "[O-][n+]1ccccc1",
        "c1c[nH+]c[nH]1",
        "Cc1[nH+]ccn1C",
        "c1ccc2[nH+]cccc2c1",
        "c1[nH+]cc[nH+]c1",
        "c1ccc2c(c1)[nH]c1cc[nH+]cc12",
        "c1c[nH+]c[nH+]1",
        "O=c1cc[nH+]cc1",
        "c1cc[n+]2ccccc2c1",
        "c1cc2ccc[nH+]2cc1",
        "c1cn[nH+]c1",
        "c1cc[n+]cc1",
        "c1cc[n+]2cccc2c1",
        "c1ccc2cc[n+]2c1",
        "Cc1cc[n+]2ccccc2c1",
        // fused, spiro, bridged and written Kekulé neighbours
        "c1ccc2ccccc2c1",
        "c1ccc2c(c1)CCC2",
        "C1=CC=CC=C1c1ccccc1",
        "C1=CC=C(C=C1)c1ccncc1",
        "c1ccc(cc1)C12CCC(CC1)CC2",
        "c1ccc2c(c1)C1(CC1)c1ccccc21",
        // aromatic bonds written explicitly, or to a substituent
        "c1:c:c:c:c:c1",
        "c1ccccc1:c",
        "c1cc-ccc1",
        "c1ccccc1/C=C/c1ccccc1",
        "C[C@H](N)c1ccccc1",
        "[*]c1ccccc1",
        "c1cc*cc1",
        // five-membered rings with one lone-pair donor, and ones without
        // exactly one
        "c1ccsc1",
        "c1ccoc1",
        "Cn1cccc1",
        "c1cscn1",
        "Cc1noc(C)n1",
        "Cn1nnnc1",
        "c1ccsc1-c1cccc1",
        "c1cscs1",
        "Cn1ccn(C)c1",
        "c1ccnc1",
        "c1cc[nH]c1",
        "c1cc[se]c1",
        "c1cc[s+]c1",
        "O=c1cccs1",
        "c1cc2ccsc2s1",
        "c1ccc2c(c1)cco2",
        "C1=CSC=C1c1ccsc1",
        // seven-membered and larger rings are never plain
        "c1cccccc1",
        "c1ccccccc1",
        // written [nH] in five- and six-membered rings, fused pairs of
        // plain rings (five-six, six-six) and fusions that are not plain
        // (donor at the fusion, five-five, three rings, charged or
        // exocyclic double bonds, a [nH] that kekulisation cannot place)
        "c1cn[nH]c1",
        "Cc1nc[nH]c1C",
        "c1nn[nH]n1",
        "[15nH]1cccc1",
        "[nH:3]1cccc1",
        "c1ccc2[nH]ccc2c1",
        "c1ccc2[nH]cnc2c1",
        "c1ccc2c(c1)[nH]c1ccccc12",
        "c1ccc2c[nH]cc2c1",
        "c1ccc2[nH]ncc2c1",
        "c1ccc2n[nH]cc2c1",
        "c1ncc2[nH]cnc2n1",
        "c1ccc2ncccc2c1",
        "c1ccc2cnccc2c1",
        "c1ccc2ocnc2c1",
        "c1ccc2sccc2c1",
        "Cn1c(=O)c2[nH]cnc2n(C)c1=O",
        "c1ccn2cccc2c1",
        "c1cc2cccn2c1",
        "c1cc2ccsc2c1",
        "c1cc2sccc2s1",
        "c1ccc2cc3ccccc3cc2c1",
        "c1ccc2c(c1)ccc1ccccc12",
        "c1ccc2[n+]cccc2c1",
        "c1ccc2c(c1)cc[nH]2",
        "c1cc[nH]c1.c1ccc2[nH]ccc2c1",
        "c1ccc2[nH]c(=O)ccc2c1",
        "c1cc2[nH]c3ccccc3c2cc1",
        "c1ccc2c(c1)c1ccccc1[nH]2",
        "[nH]1cccc1[nH]1cccc1",
        "c1cc[nH]cc1c1ccc2[nH]ccc2c1",
        "c1[nH]c2c[nH]cc2c1",
        // aromatic rings fused to rings with a saturated carbon, and to
        // rings without one (which perception may make aromatic)
        "c1ccc2c(c1)CCCC2",
        "c1ccc2c(c1)CC2",
        "c1ccc2c(c1)CCO2",
        "c1ccc2c(c1)OCO2",
        "c1ccc2c(c1)OCCO2",
        "c1ccc2c(c1)CCC2=O",
        "c1ccc2c(c1)C=CCO2",
        "c1ccc2c(c1)CCC=C2",
        "c1ccc2c(c1)C=CC=C2",
        "c1ccc2c(c1)C=CC2",
        "c1ccc2c(c1)Cc1ccccc1-2",
        "c1ccc2c(c1)Oc1ccccc1C2",
        "c1ccc2c(c1)Cc1cc[nH+]cc1-2",
        "c1cc2cccc3CCc(c1)c23",
        "C1CCc2[nH]c3ccccc3c2C1",
        "c1ccn2c1CCC2",
        "c1cn2c(n1)CCCC2",
        "c1ccc2c(c1)CC[N+]2(C)C",
        "c1ccc2c(c1)C*C2",
        "c1ccc2c(c1)CC1(CC1)C2",
        "c1ccc2c(c1)C1CCC2CC1",
        "C1CC2CCC1c1ccccc12",
        "c1ccc2c(c1)CCc1ccccc1C2",
        "O=C1CCc2ccccc2N1",
        "c1cc2c(cc1)CCc1ccccc1-2",
        // exocyclic C=O in aromatic rings: six electrons or not, with a
        // Kekule structure or without one
        "O=c1cccc[nH]1",
        "O=c1cc[nH]cc1",
        "O=c1ccc[nH]c1",
        "O=c1[nH]cc(C)c(=O)[nH]1",
        "O=c1ccc2ccccc2o1",
        "O=c1ccoc2ccccc12",
        "O=c1[nH]cnc2ccccc12",
        "O=c1[nH]c(=O)c2ccccc2[nH]1",
        "Cn1c(=O)c2c(ncn2C)n(C)c1=O",
        "O=c1c2ccccc2[nH]c2ccccc12",
        "O=c1ncccn1",
        "O=c1cccc1",
        "O=c1ccccc1=O",
        "S=c1cccc[nH]1",
        "[O-]c1cccc[nH+]1",
        "O=c1cccc[nH]1.O=c1cc[nH]cc1",
        // saturated rings next to rings written in Kekule form
        "C1CCCCC1.C1=CC=CC=C1",
        "C1=CC=C(C=C1)C1CCNCC1",
        "C1=CCC=C1",
        "C1CC=CC=C1",
        "C1=CC=CN1C1CCCC1",
        "C1CC2=CC=CC=C2C1",
        "C1CCC2(CC1)C=CC=C2",
        "[CH2]1C=CC=C1",
        "C1C=CC=C[CH+]1",
        "C1CCOC1",
        "CN(C)CCCN1c2ccccc2CCc2ccccc21",
        "c1ccc2c(c1)Cc1ccc3ccccc3c1-2",
        "c1ccc2c(c1)Cc1c-2[nH]c2ccccc12",
    ];
    check_cases(&cases);
}

#[test]
fn stereo_shortcut_equals_full_perception_on_hand_picked_cases() {
    let cases = [
        // distinct neighbours: kept without ranking
        "N[C@@H](C)C(=O)O",
        "[C@@H](Cl)(Br)I",
        "C[C@@](N)(O)S",
        "[2H][C@H](C)O",
        "[CH3:1][C@H]([CH3:2])O",
        "C[S@](=O)CC",
        "C[P@](=O)(O)CC",
        "F/C=C/Cl",
        "F/C=C/C=C/Cl",
        "C/C=N/O",
        // two substituents on an end told apart by element, isotope or map
        // number (labelled from the invariants), or only by refinement
        "F/C(Cl)=C/Br",
        "O/C(C)=C(/N)C",
        "[13CH3]/C(C)=C/C",
        "[CH3:2]/C([CH3:1])=C/C",
        "OC/C(CO)=C/C",
        "CC/C(C)=C(/C)CC",
        // ... told apart by the first round of the CIP ranks (neighbour
        // lists: elements, bond orders, hydrogens), or only by later rounds
        "CC/C(CO)=C/C",
        "OC/C(CC)=C\\C",
        "C=C/C(CC)=C/C",
        "C#C/C(C=C)=C/F",
        "CC/C(c1ccccc1)=C/C",
        "CP(=O)(C)C/C(CP(C)(C)O)=C/C",
        "CCC/C(CCO)=C/C",
        "OCCC/C(CCC)=C(/C)CC",
        // tied neighbours, told apart only by refinement, or never
        "C[C@H](CC)CCC",
        "C[C@H](C)CC",
        "C[C@@H]1CCCC[C@H]1O",
        "F/C=C(/F)F",
        "C/C=C(/C)CC",
        "CC/C=C/CC",
        // ties broken by the first refinement round (compared for the
        // marked atoms' neighbours alone), by bond orders only, by the
        // one-sided weight of a double bond to phosphorus, or only later
        "C[C@H](CC)CO",
        "C[C@H](C=C)CC",
        "C[C@H](C#C)C=C",
        "C[C@H](CP(=O)(C)C)CP(C)(C)O",
        "O=P(C)(C)C[C@H](C)CP(=O)(C)C",
        "C[C@H](CCC)CCO",
        "C[C@H](CCCC)CCCO",
        "OC/C(CC)=C/C",
        "CCC/C(CCO)=C/C",
        "N[C@@H](CCSC)CCSCC",
        // ring stereo: the centres depend on each other
        "C[C@H]1CC[C@@H](C)CC1",
        "C[C@H]1C[C@@H](C)C[C@H](C)C1",
        "O[C@H]1CC[C@@H](O)CC1",
        // stereo that needs the labels of others (pseudo-asymmetric centres)
        "OC[C@H](O)[C@H](O)[C@@H](O)CO",
        "C[C@H](O)[C@@H](O)[C@H](C)O",
        "C/C=C/C(/C=C/C)=C(/C)C",
        // marks that are not stereo: illegal centres, small-ring double bonds
        "C[N@](CC)O",
        "C[N@]1CC1C",
        "C1CC/C=C/CC1",
        "C1CCC/C=C/CCC1",
        "[C@H]1CC1",
        "C[C@H](C)C",
        "C[C@]([H])(F)Cl",
        "[H][C@@]1(C)CCCCC1",
        "C=[C@]=CC",
        "C[C@@H]1CC[C@H](CC1)/C=C/c1ccccc1",
        // tags on atoms with fewer than four connections, on conjugated
        // and ring nitrogens, through zero-order and dative bonds
        "CC(=O)[N@](C)C1CC1",
        "C[N@@]1C[C@H]1C",
        "C[C@H]=O",
        "C[S@](=O)c1ccccc1",
        "C[S@+]([O-])c1ccccc1",
        "C[P@](=O)(O)c1ccccc1",
        "F[C@](Cl)(Br)->[Cu]",
        "F[C@](Cl)(Br)[*]",
        "[*@](F)(Cl)(Br)I",
        "C[N@+](CC)(CCC)c1ccccc1",
    ];
    check_cases(&cases);
}

#[test]
fn ranking_shortcut_equals_pairwise_ranking_on_hand_picked_cases() {
    let cases = [
        // arms told apart only by the stereo of their double bonds
        "CC(/C=C/C)/C=C\\C",
        "CC/C=C/CCC/C=C\\CO",
        "OC/C=C/CCC/C=C\\C",
        "C/C=C/C(O)CC/C=C\\C",
        "C/C=C\\CCCC/C=C/CO",
        "CC(O)/C=C/CC/C=C\\C(C)O",
        "C#C/C=C\\CCCC/C=C/CC#C",
        "C/C=C/C=C\\C",
        "F/C=C/F.F/C=C\\F",
        // tagged and untagged, like and unlike centres
        "C[C@H](O)C[C@@H](C)O",
        "C[C@H](O)C[C@H](C)O",
        "CC(O)CC(C)O",
        "OC[C@H](O)[C@H](O)[C@@H](O)CO",
        "C[C@@H]1CC[C@H](C)CC1",
        "N[C@@H](C)C(=O)O",
        // the chiral pass skipped (no tied ring atom next to a tag) and run
        // (tied ring atoms next to tags, which it may tell apart)
        "C[C@H](O)c1ccccc1",
        "N[C@@H](Cc1ccccc1)C(=O)O",
        "CC(C)(C)[C@@H](O)C1CCCC1",
        "C[C@H]1C[C@@H](C)C1",
        "O[C@H]1CC[C@@H](O)CC1",
        "C[C@H]1CC[C@@H](C)[C@H](C)C1",
        "C1C[C@H]2CC[C@@H]1C2",
        "C[C@]12CC[C@H](CC1)C2",
        // symmetric graphs, isotopes, map numbers, charges
        "c1ccccc1",
        "C1CCCCC1",
        "C12CC3CC(C1)CC(C3)C2",
        "[13CH3]CC",
        "CC[13CH3]",
        "[CH3:1]CC[CH3:2]",
        "C[N+](C)(C)C",
        "[O-]C(=O)CC(=O)O",
        // five or six bonds at an atom: pairwise comparison throughout
        "FS(F)(F)(F)(F)F",
        "CP(C)(C)(C)C",
        "FS(F)(F)(F)(F)c1ccccc1",
        // later passes keyed from the bonds' fixed slots, holders left
        // behind (no tag beside a ring atom), and from the holders (a tag
        // beside a ring atom, whose holder order the chiral pass reads)
        "CC(C)[C@H](N)C(=O)N[C@@H](C)C(=O)O",
        "C/C=C/C(C)(C)c1ccccc1",
        "CC(/C=C/C)C(C)c1ccc(C)cc1",
        "C[C@H](c1ccccc1)c1ccc(C)cc1",
        "Cc1ccc([C@@H](O)c2ccc(C)cc2)cc1",
        "OC(c1ccccc1)(c1ccccc1)C1CC1",
    ];
    let mut bad = Vec::new();
    for smi in cases {
        let mol = shennong_smiles::parse(smi).unwrap_or_else(|e| panic!("{smi}: {e}"));
        if let Some(why) = rank_difference(&mol) {
            bad.push(format!("{smi}\n  {why}"));
        }
    }
    common::assert_no_differences(cases.len(), &bad, 5);
}

#[test]
fn shortcuts_equal_full_perception_on_the_examples() {
    common::check_examples(differences, 5);
}

#[test]
fn shortcuts_equal_full_perception_on_the_parity_reference() {
    common::check_parity_reference(
        "shortcuts equal to full perception",
        "molecules",
        differences,
        5,
    );
}
