//! One test per fixed bug, named after it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use shennong_sdf::{read_molblock, write_molblock, write_sd_record, SdRecords};
use shennong_smiles::{parse, to_smiles};

/// A V2000 molblock of single-bonded atoms (symbol, atom-block charge code)
/// with the given property lines.
fn v2000(atoms: &[(&str, u8)], bonds: &[(usize, usize)], props: &str) -> String {
    let mut s = format!(
        "\n     test\n\n{:>3}{:>3}  0  0  0  0  0  0  0  0999 V2000\n",
        atoms.len(),
        bonds.len()
    );
    for (sym, chg) in atoms {
        s += &format!(
            "    0.0000    0.0000    0.0000 {sym:<3} 0{chg:>3}  0  0  0  0  0  0  0  0  0  0\n"
        );
    }
    for (a, b) in bonds {
        s += &format!("{a:>3}{b:>3}  1  0\n");
    }
    s + props + "M  END\n"
}

/// A two-atom molblock, `first` bonded to a carbon, with property lines
/// `props`: its canonical SMILES as read, or the reader's error message.
fn read_pair(first: &str, props: &str) -> Result<String, String> {
    read_molblock(&v2000(&[(first, 0), ("C", 0)], &[(1, 2)], props))
        .map(|mol| to_smiles(&mol))
        .map_err(|e| e.to_string())
}

/// Writes `smiles` to a molblock through the 2D layout and checks that it
/// reads back to the same molecule (canonical SMILES, stereo included).
fn assert_writes_and_reads_back(smiles: &str) {
    let mol = parse(smiles).unwrap();
    let block = write_molblock(&mol, "t").unwrap_or_else(|e| panic!("{smiles}: {e}"));
    assert_eq!(
        to_smiles(&read_molblock(&block).unwrap()),
        to_smiles(&mol),
        "{smiles}"
    );
}

/// Regression: a radical read from `M  RAD` (or V3000 `RAD=`) lost every
/// hydrogen, because the reader marked the atom as taking no implicit
/// hydrogens; the valence model already counts the unpaired electrons.
/// RDKit 2026.09.1 reads these as written here (checked with
/// `Chem.MolFromMolBlock`), and reads no radical from the atom block's
/// "doublet radical" charge code 4.
#[test]
fn molfile_radicals_keep_their_hydrogens() {
    let c2 = [("C", 0), ("C", 0)];
    let cases = [
        (v2000(&[("C", 0)], &[], "M  RAD  1   1   2\n"), "[CH3]"),
        (v2000(&c2, &[(1, 2)], "M  RAD  1   1   2\n"), "[CH2]C"),
        (v2000(&c2, &[(1, 2)], "M  RAD  1   1   3\n"), "[CH]C"),
        (v2000(&c2, &[(1, 2)], "M  RAD  1   1   1\n"), "[CH]C"),
        (
            v2000(&[("N", 0), ("C", 0)], &[(1, 2)], "M  RAD  1   1   2\n"),
            "C[NH]",
        ),
        (
            v2000(&[("O", 0), ("C", 0)], &[(1, 2)], "M  RAD  1   1   2\n"),
            "C[O]",
        ),
        (v2000(&[("C", 4), ("C", 0)], &[(1, 2)], ""), "CC"),
    ];
    for (block, rdkit) in cases {
        assert_eq!(to_smiles(&read_molblock(&block).unwrap()), rdkit, "{block}");
    }
    let v3000 = "\n     test\n\n  0  0  0     0  0            999 V3000\n\
        M  V30 BEGIN CTAB\nM  V30 COUNTS 2 1 0 0 0\nM  V30 BEGIN ATOM\n\
        M  V30 1 C 0 0 0 0 RAD=2\nM  V30 2 C 1.5 0 0 0\nM  V30 END ATOM\n\
        M  V30 BEGIN BOND\nM  V30 1 1 1 2\nM  V30 END BOND\nM  V30 END CTAB\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(v3000).unwrap()), "[CH2]C");
}

/// Regression: V2000's three-character map field cannot hold atom-map
/// numbers above 999, and the writer wrote 0 in their place (RDKit writes
/// the digits over the next field, which reads back as another number);
/// molecules with more than 999 atoms or bonds were refused. Both are now
/// written as V3000, which reads back whole, here and in RDKit.
#[test]
fn atom_maps_above_999_and_large_molecules_are_written_in_v3000() {
    for smiles in [
        "C[CH2:86880]O[CH3:7]",
        "C[C@H](N)[C@@H:1234](O)C(=O)[O-].[Na+]",
        "C[N+](C)(/C=C/[Se:1000])[CH3:99999]",
        "[CH3:1001]",
        "C[SiH2:1001]",
        "[13CH4:5000]",
        "c1cc[nH:1001]c1",
    ] {
        let mol = parse(smiles).unwrap();
        let block = write_molblock(&mol, "t").unwrap();
        assert!(block.contains("V3000"), "{smiles}: {block}");
        assert_eq!(
            to_smiles(&read_molblock(&block).unwrap()),
            to_smiles(&mol),
            "{smiles}: {block}"
        );
    }
    // a small molecule keeps V2000
    let block = write_molblock(&parse("C[CH2:999]O").unwrap(), "t").unwrap();
    assert!(block.contains("V2000"), "{block}");
    // 1,200 atoms: a long alkane chain with a ring and a charge
    let big = format!("C1CC1{}[NH3+]", "C".repeat(1196));
    let mol = parse(&big).unwrap();
    let block = write_molblock(&mol, "big").unwrap();
    assert!(
        block.contains("M  V30 COUNTS 1200 1200"),
        "{}",
        &block[..200]
    );
    assert_eq!(to_smiles(&read_molblock(&block).unwrap()), to_smiles(&mol));
}

/// Regression: stereo from 2D wedges was a signed volume of the neighbours
/// with the wedged one lifted, which reads some drawings differently from
/// RDKit: levorphanol's and levallorphan's ring-fusion quaternary carbon came
/// out inverted, artemether's ketal carbon too (RDKit leaves it without a
/// tag), and adamantane bridgeheads were dropped. Wedges are now read with
/// RDKit's pseudo-3D rules. The file holds 24 molecules drawn and written by
/// RDKit 2026.09.1 (chembl_1k, chembl_drugs, zinc250k and annotated
/// variants whose reading differed), each with RDKit's reading of its
/// block as the `RDKIT_SMILES` item.
#[test]
fn wedges_in_2d_molfiles_read_as_rdkit_reads_them() {
    assert_eq!(read_as_rdkit_does("rdkit_wedges.sdf"), 24);
}

/// Regression: 3D coordinates tagged every atom with three or four
/// neighbours, so a cage's bridgehead N without hydrogen (manzamine A,
/// chembl_1k #847, embedded by RDKit's ETKDG) got a tag that RDKit, which
/// only reads atoms with four neighbours counting hydrogens (S and Se:
/// three too), does not give it. The file holds 8 RDKit-embedded chembl_1k
/// molecules, half with explicit hydrogens, each with RDKit's reading as
/// `RDKIT_SMILES`.
#[test]
fn stereo_from_3d_coordinates_reads_as_rdkit_reads_it() {
    assert_eq!(read_as_rdkit_does("rdkit_3d.sdf"), 8);
}

/// Reads every record of `tests/data/NAME` and checks our canonical SMILES
/// against its `RDKIT_SMILES` item; returns the number of records.
fn read_as_rdkit_does(name: &str) -> usize {
    let records = records_with(name, "RDKIT_SMILES");
    for (molblock, expected) in &records {
        let mol = read_molblock(molblock).unwrap();
        let title = molblock.lines().next().unwrap_or("");
        assert_eq!(&to_smiles(&mol), expected, "{name}: {title}");
    }
    records.len()
}

/// Each record of `tests/data/NAME` as (molblock, trimmed value of data item `key`).
fn records_with(name: &str, key: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let file = std::fs::File::open(path).unwrap();
    shennong_sdf::SdRecords::new(std::io::BufReader::new(file))
        .map(|rec| {
            let rec = rec.unwrap();
            let value = rec
                .data
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .unwrap();
            (rec.molblock, value)
        })
        .collect()
}

/// Regressions found by reading RDKit's own test molfiles (6,171 records of
/// its test-data `.mol`/`.sdf` files), each fixed to read as RDKit reads it:
/// - a wavy single bond (V2000 stereo 4, V3000 `CFG=2`) at either end of a
///   double bond, whichever way it points, leaves the double bond without
///   cis/trans (we read it from the coordinates), in 2D and 3D; one that
///   starts at an atom with 3D coordinates leaves it without a tag;
/// - a double-bond neighbour within 2 degrees of the bond's line is not a
///   reference (an azo dye drawn straight read as trans);
/// - R groups: `R1`..`R99` symbols, `M  RGP` and V3000 `RGROUPS=` read as
///   dummy atoms with the label as isotope (`[1*]`), as RDKit does; they
///   were bare `*`;
/// - element symbols in capitals (`CL`, `BR`) read as the element; they were
///   rejected;
/// - a wedge read on a three-coordinate atom with one implicit H makes that H
///   explicit, as RDKit does; its SMILES writer counts an explicit H on the
///   first atom written, so a mapped molecule written from its stereocentre
///   came out `[C@H:1]` where RDKit writes `[C@@H:1]` (`testRXNChirality1`).
///
/// The file holds 26 of those records, 8 wavy-bond variants and 2 V3000
/// R-group blocks written by RDKit, each with RDKit 2026.09.1's canonical
/// SMILES of the record as `RDKIT_SMILES` (RDKit test data, BSD-3-Clause).
#[test]
fn rdkit_test_molfiles_read_as_rdkit_reads_them() {
    assert_eq!(read_as_rdkit_does("rdkit_test_molfiles.sdf"), 34);
}

/// Regression: the header line put the dimensional code in columns 20-21,
/// one to the left of where the CTfile format (and RDKit) read it, so RDKit
/// took our 3D files for 2D ones (and warned when it saw z coordinates).
#[test]
fn header_dimension_code_sits_in_columns_21_and_22() {
    let mol = read_molblock(&v2000(&[("C", 0), ("O", 0)], &[(1, 2)], "")).unwrap();
    let block = write_molblock(&mol, "t").unwrap();
    let header = block.lines().nth(1).unwrap();
    assert_eq!(header.get(2..10), Some("Shennong"));
    assert_eq!(header.get(20..22), Some("2D"));
}

/// The atom-centred stereo of `mol` written as the test data writes
/// RDKit's: `IDX TAG` per tagged atom (`CW`, `CCW`, `SPn`, `TBn`, `OHn`),
/// `none` without any.
fn centres(mol: &shennong_mol::Mol) -> String {
    use shennong_mol::{AtomIdx, Chirality};
    let tags: Vec<String> = (0..mol.num_atoms())
        .filter_map(|i| {
            let tag = match mol.atom(AtomIdx(i as u32)).chirality {
                Chirality::None => return None,
                Chirality::Clockwise => "CW".to_string(),
                Chirality::CounterClockwise => "CCW".to_string(),
                Chirality::Other { class, permutation } => {
                    format!("{}{permutation}", class.smiles_code())
                }
            };
            Some(format!("{i} {tag}"))
        })
        .collect();
    if tags.is_empty() {
        "none".to_string()
    } else {
        tags.join(" ")
    }
}

/// Regression: square-planar, trigonal-bipyramidal and octahedral centres
/// in 3D molfiles were read without stereo, where RDKit gives them `@SP`,
/// `@TB` or `@OH` from which ligands lie opposite each other
/// (`assignNontetrahedralChiralTypeFrom3D`); and a header marked `3D`
/// with all z coordinates zero and no wedges was read as 2D, where RDKit
/// reads it as 3D (`calculate3dFlag`). The file holds 14 records of
/// RDKit's `Code/GraphMol/test_data/nontetrahedral_3d.sdf` and
/// `FileParsers/test_data` (BSD-3-Clause) and 83 variants of them written
/// by RDKit with ligands removed, with and without the atom block's valence
/// field (T-shapes, see-saws, square pyramids, and shapes RDKit drops
/// because the implicit hydrogens make too many ligands), each with RDKit
/// 2026.09.1's tags as `RDKIT_CENTRE`. All 3,605 such variants of these
/// records (every subset of up to three ligands removed) agreed when this
/// was fixed.
#[test]
fn non_tetrahedral_centres_read_from_3d_coordinates_as_rdkit_reads_them() {
    let records = records_with("rdkit_nontetrahedral_3d.sdf", "RDKIT_CENTRE");
    let mut wrong = Vec::new();
    for (k, (molblock, expected)) in records.iter().enumerate() {
        let ours = centres(&read_molblock(molblock).unwrap());
        if &ours != expected {
            wrong.push(format!("record {}: ours {ours}, RDKit {expected}", k + 1));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(records.len(), 97);
}

/// Regression: the 2D layout drew a spiro ring whose shared atom lies in a
/// fused system on top of that system (it pointed the new ring away from
/// the drawing's centre, not from the shared atom's bonds), and closed a
/// bridge on an arc over the path it bridges (norbornane- and
/// bicyclo[3.2.1]-like systems), so that a stereocentre's bonds overlapped
/// and the writer refused the record ("the 2D layout cannot express the
/// stereo of atom N"): 91 of the 100,000 benchmark molecules, 423 of
/// zinc250k. Each must now write, and read back to the same molecule.
#[test]
fn spiro_and_bridged_stereocentres_survive_the_2d_layout() {
    for smiles in [
        // spiro atom of an oxindole (fused) and a thiazolidinone
        "NC(=O)CN1C(=O)[C@@]2(SCC(=O)N2c2cccc(F)c2)c2ccccc21",
        // spiro piperidinone / pyrrolidine
        "CN1CCC[C@@]2(CCN(C(=O)CCc3ccc(F)cc3)C2)C1=O",
        // bridged: 3,8-diazabicyclo[3.2.1]octane, bicyclo[2.2.2]octene
        "CN(C)C(=O)CN1C(=O)[C@H]2CC[C@@H]1C[NH+](Cc1cc3ccccc3n1C)C2",
        "O=C(CCN1C(=O)[C@H]2[C@H]3C=C[C@H](CC3)[C@H]2C1=O)N1CCN(c2ccccc2)CC1",
        // bridged with a spiro ketal on the bridge
        "ON=C1C[C@H]2CC3(C[C@@H](C1)c1ccccc12)OCCO3",
        // pinane (a one-atom bridge), which the arc drew well already
        "CC1(C)[C@@H]2CC=C(/C=N/NC(=O)c3ccccc3Br)[C@H]1C2",
    ] {
        assert_writes_and_reads_back(smiles);
    }
}

/// Regression: a fused ring system reached through a chain bond at a
/// fusion atom (three ring bonds, as the amide-bearing carbon of an
/// ursane triterpenoid) was drawn with a later ring over that chain bond,
/// putting the substituent on top of a ring atom; the writer then refused
/// the stereocentre (13 of chembl_1k's 999 records). The system is now
/// turned about the fusion atom so that the chain bond bisects its widest
/// free angle.
#[test]
fn fused_system_reached_at_a_fusion_atom_leaves_room_for_the_chain() {
    let smiles = "CC(=O)O[C@H]1CC[C@]2(C)[C@H]3CC=C4[C@@H]5[C@@H](C)[C@H](C)CC[C@]5\
                  (C(=O)Nc5ccccc5CO)CC[C@@]4(C)[C@]3(C)CC[C@H]2C1(C)C";
    assert_writes_and_reads_back(smiles);
}

/// Regression: rings were drawn as convex polygons, on which every ring
/// double bond is cis, so a macrocycle holding a trans double bond could
/// not be written to an SD file (13 of chembl_1k's 999 records). A ring of
/// eight or more atoms with such a bond is now drawn zig-zag through it,
/// also when it is fused to a ring drawn before it.
#[test]
fn trans_double_bond_in_a_macrocycle_is_drawn_trans() {
    for smiles in [
        "C1CCC/C=C/CC1",
        "C1CCC/C=C\\CC1",
        "C/C1=C\\CCCCCC1",
        "O=C1CCCC/C=C/C=C/CCCCO1",
        "CN1C(=O)[C@@H](N)CCCC/C=C/C[C@@H](C(=O)NCc2ccccc2)NC(=O)[C@@H]1Cc1ccc(O)cc1",
        // fused to a benzene ring, drawn after it (the path between the
        // two shared atoms zig-zags instead)
        "O=C1CCCCCC/C=C/c2ccccc2O1",
        "O=C1CCCC/C=C/CCc2ccccc2N1",
        // 17-DMAG (an ansamycin): three trans or cis double bonds
        "CO[C@H]1[C@@H](OC)C[C@H](C)CC2=C(NCCN(C)C)C(=O)C=C(NC(=O)/C(C)=C/C=C\\[C@H](OC)\
         [C@@H](OC(N)=O)/C(C)=C/[C@@H]1C)C2=O",
    ] {
        assert_writes_and_reads_back(smiles);
    }
}

/// Regression: the 2D layout drew chains at 120° without looking where
/// they went, so a chain could fold back onto other atoms (an ortho
/// substituent's chain meeting the ring's other neighbour, a chain closing
/// a virtual hexagon six bonds on): 22 % of the benchmark molecules had
/// two atoms within 0.5 Å of each other. Such folds are now mirrored away.
#[test]
fn chains_do_not_fold_back_onto_other_atoms_in_the_2d_layout() {
    for smiles in [
        "CC(C)c1ccccc1NC(=O)[C@H](C)Nc1ccc2c(c1)oc(=O)n2C",
        "Cn1ncc2c1CCC[C@H]2NC(=O)NCC(C)(C)NC(=O)OC(C)(C)C",
        "CC(=O)Nc1cccc(NC(=O)c2cnn(-c3ccc(Cl)cc3Cl)c2)c1",
        "CCOc1ccc(NS(=O)(=O)c2ccc(CNC(C)=O)cc2)cc1",
    ] {
        let mol = parse(smiles).unwrap();
        let conf = shennong_mol::layout::compute_2d_coords(&mol);
        for (i, p) in conf.positions.iter().enumerate() {
            for q in conf.positions.iter().skip(i + 1) {
                let d = ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt();
                assert!(d > 0.5, "{smiles}: atoms {d:.2} Å apart");
            }
        }
        assert_writes_and_reads_back(smiles);
    }
}

/// Regression (found by `cargo fuzz run smiles` writing `O:PO` to a
/// molblock): the molfile reader flagged both atoms of every aromatic bond
/// (type 4) aromatic, so an aromatic bond outside a ring failed
/// sanitisation ("non-ring atom 0 marked aromatic"), where RDKit 2026.09
/// leaves the atoms unflagged and reads the block RDKit itself writes for
/// `O:PO` back as `O:PO`. Rings of type-4 bonds read as before.
#[test]
fn aromatic_bond_outside_a_ring_reads_back_from_a_molfile() {
    let block = "\n     RDKit          2D\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n\
        \x20   0.0000    0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20   1.2990    0.7500    0.0000 P   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20   2.5981   -0.0000    0.0000 O   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20 1  2  4  0\n  2  3  1  0\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(block).unwrap()), "O:PO");
    let mol = parse("O:PO").unwrap();
    let written = write_molblock(&mol, "t").unwrap();
    assert_eq!(to_smiles(&read_molblock(&written).unwrap()), "O:PO");
}

/// Regression (found by `cargo fuzz run smiles`): a quadruple bond was
/// written as bond type 4, which reads back as an aromatic bond, another
/// molecule (RDKit writes type 0, which reads back as a zero-order bond,
/// also another molecule). The molfile format has no quadruple bond: the
/// record is now refused with a clear error instead of changed silently.
#[test]
fn quadruple_bond_is_refused_by_the_molfile_writer() {
    let mol = parse("C$C").unwrap();
    let err = write_molblock(&mol, "t").unwrap_err();
    assert_eq!(
        err.to_string(),
        "bond 1 is a quadruple bond, which a molfile cannot hold; an SD file would change it \
         (write SMILES instead)"
    );
}

/// Regression (found by `cargo fuzz run smiles`): the radical nitrogen of
/// `NS*[N]:*`, next to an aromatic bond outside a ring, was written without
/// its valence, and neither Shennong nor RDKit read the block back
/// ("explicit valence for aromatic atom 3 N"). RDKit writes the valence of
/// every atom with radical electrons; so do we now, and the block reads
/// back (also a lone radical atom, valence zero, as RDKit writes it).
#[test]
fn radical_next_to_an_aromatic_bond_outside_a_ring_reads_back_from_a_molfile() {
    assert_writes_and_reads_back("NS*[N]:*");
    let written = write_molblock(&parse("NS*[N]:*").unwrap(), "t").unwrap();
    let nitrogen = written.lines().nth(7).unwrap();
    assert_eq!(&nitrogen[48..51], "  3", "{written}");
    for smiles in ["[CH3]", "[C]", "C[CH2]", "[O]O", "[N]1C=CC=C1"] {
        assert_writes_and_reads_back(smiles);
    }
}

/// Regression: a macrocycle fused to a ring system drawn first, whose
/// stereo double bonds bunch on one side (rifampicin's ansa chain: an enol
/// ether, then a diene; dalfopristin; a trans-cyclooctene fused to an
/// isoxazoline), was refused ("the 2D layout cannot express the stereo of
/// bond 4"): the zig-zag walk through the new atoms ended far from the
/// drawn atom it must reach. The free atoms' turns are now corrected, as
/// little as possible, until it does. chembl_drugs refused 9 -> 3,
/// zinc250k 6 -> 4; every other record byte-identical.
#[test]
fn macrocycle_with_bunched_stereo_double_bonds_is_drawn() {
    for smiles in [
        "CO[C@H]1/C=C/O[C@@]2(C)Oc3c(C)c(O)c4c(O)c(c(/C=N/N5CCN(C)CC5)c(O)c4c3C2=O)NC(=O)/C(C)=C\\C=C\\[C@H](C)[C@H](O)[C@@H](C)[C@@H](O)[C@@H](C)[C@H](OC(C)=O)[C@@H]1C",
        "CCN(CC)CCS(=O)(=O)[C@@H]1CCN2C(=O)c3coc(n3)CC(=O)C[C@H](O)/C=C(C)/C=C/CNC(=O)/C=C/[C@@H](C)[C@@H](C(C)C)OC(=O)[C@@H]12",
        "CC1=NO[C@H]2CC/C=C/CC[C@H]12",
        "C/C1=C/CC/C(C)=C/[C@@H](O)[C@@H]2[C@H](C1)OC(=O)[C@@H]2C[NH+]1CCCCC1",
    ] {
        assert_writes_and_reads_back(smiles);
    }
}

/// Regression (found by `cargo fuzz run smiles`): a bonded hydride
/// (`[H-]C`) was written without its valence and read back in neither
/// Shennong nor RDKit ("explicit valence for atom 0 H, 1, is greater than
/// permitted"). The valence column now follows RDKit's
/// `hasNonDefaultValence`: radicals, every atom outside the organic subset
/// but dummies, and bracket H or organic-subset atoms whose valence is
/// not their isoelectronic element's default. Expected columns are RDKit
/// 2026.09's (zinc250k: identical for all 249,451 molecules).
#[test]
fn valence_column_follows_rdkit_and_a_bonded_hydride_reads_back() {
    for smiles in ["[H-]C", "C[H-]C", "*[H-]"] {
        assert_writes_and_reads_back(smiles);
    }
    for (smiles, rdkit) in [
        ("C[S@@](=O)c1ccccc1", "  0  4  0  0  0  0  0  0  0"),
        ("CS(=O)c1ccccc1", "  0  0  0  0  0  0  0  0  0"),
        ("[Na+]", " 15"),
        ("C[Se]C", "  0  2  0"),
        ("C[N+](C)(C)C", "  0  0  0  0  0"),
        ("[H-]C", "  1  0"),
    ] {
        let block = write_molblock(&parse(smiles).unwrap(), "t").unwrap();
        let n = parse(smiles).unwrap().num_atoms();
        let ours: Vec<&str> = block
            .lines()
            .skip(4)
            .take(n)
            .map(|l| l[48..51].trim())
            .collect();
        let expected: Vec<&str> = rdkit.split_whitespace().collect();
        assert_eq!(ours, expected, "{smiles}");
    }
}

/// Found by an RDKit-differential run (molblocks RDKit writes for mutated
/// SMILES): an explicit valence (`VAL=3`) on the donor atom of a dative
/// bond gave it too few hydrogens, as the dative bond was counted for its
/// donor. RDKit reads `RAD=2 VAL=3` on a carbon with two single bonds and
/// a dative bond as `[CH]`; so do we now.
#[test]
fn explicit_valence_on_a_dative_donor_counts_its_hydrogens_as_rdkit() {
    let block = "\n     RDKit          2D\n\n  0  0  0     0  0            999 V3000\n\
        M  V30 BEGIN CTAB\nM  V30 COUNTS 4 3 0 0 0\nM  V30 BEGIN ATOM\n\
        M  V30 1 C 0 0 0 0 RAD=2 VAL=3\nM  V30 2 C 1 0 0 0\nM  V30 3 C -1 0 0 0\n\
        M  V30 4 N 0 1 0 0\nM  V30 END ATOM\nM  V30 BEGIN BOND\n\
        M  V30 1 1 1 2\nM  V30 2 1 1 3\nM  V30 3 9 1 4\nM  V30 END BOND\n\
        M  V30 END CTAB\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(block).unwrap()), "C[CH](C)->N");
}

/// Found by reading RDKit's own test data (`unsanitary.mol`, 2026-12-04)
/// and then in 20,000 zinc molblocks with explicit hydrogens, one added or
/// removed at random: a record whose atom carries more H atoms than its
/// valence allows (`FC(Cl)([H])([H])[H]`, an uncharged N with three
/// carbons and an H) was rejected with a valence error (7,107 of the
/// 20,000), where RDKit's `MolFromMolBlock` merges the hydrogens first
/// and counts them only on atoms that need them, and so reads `FCCl` and
/// `CN(C)C`. Expected strings are RDKit 2026.09's.
#[test]
fn over_full_atom_with_hydrogen_atoms_reads_as_in_rdkit() {
    // (atoms with charge codes, bonds, RDKit's SMILES)
    type Case<'a> = (&'a [(&'a str, u8)], &'a [(usize, usize)], &'a str);
    let cases: [Case; 5] = [
        (
            &[("C", 0), ("F", 0), ("Cl", 0), ("H", 0), ("H", 0), ("H", 0)],
            &[(1, 2), (1, 3), (1, 4), (1, 5), (1, 6)],
            "FCCl",
        ),
        (
            &[("N", 0), ("C", 0), ("C", 0), ("C", 0), ("H", 0)],
            &[(1, 2), (1, 3), (1, 4), (1, 5)],
            "CN(C)C",
        ),
        (
            &[("O", 0), ("C", 0), ("H", 0), ("H", 0)],
            &[(1, 2), (1, 3), (1, 4)],
            "CO",
        ),
        // a valence the element allows keeps its hydrogens: `C[PH2](C)C`
        (
            &[("P", 0), ("C", 0), ("C", 0), ("C", 0), ("H", 0)],
            &[(1, 2), (1, 3), (1, 4), (1, 5)],
            "C[PH2](C)C",
        ),
        // a charged N is not over-full: `C[NH+](C)C`
        (
            &[("N", 3), ("C", 0), ("C", 0), ("C", 0), ("H", 0)],
            &[(1, 2), (1, 3), (1, 4), (1, 5)],
            "C[NH+](C)C",
        ),
    ];
    for (atoms, bonds, rdkit) in cases {
        let block = v2000(atoms, bonds, "");
        assert_eq!(to_smiles(&read_molblock(&block).unwrap()), rdkit, "{block}");
    }
    // SMILES keeps RDKit's reading: the same over-full carbon is an error
    assert!(parse("FC(Cl)([H])([H])[H]").is_err());
}

/// Found in CDK's and ChEBI's molfiles (2026-12-04): Marvin writes a
/// coordination bond as bond type 8 ("any") named by an
/// `MRV_COORDINATE_BOND_TYPE` data S-group; we rejected every such record
/// ("unsupported bond type 8"), where RDKit reads a dative bond from the
/// first atom to the second (cobalamin, zinc and iridium complexes in CDK's
/// test data). An "any" bond no S-group names stays an error. Expected
/// strings are RDKit 2026.09's.
#[test]
fn marvin_coordinate_bond_reads_as_dative_as_in_rdkit() {
    let v2000 = "\n  Mrv2204 10172221282D\n\n  2  1  0  0  0  0            999 V2000\n\
        \x20  -7.0097    0.3928    0.0000 N   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20  -6.1810    1.8211    0.0000 Ge  0  0  0  0  0  3  0  0  0  0  0  0\n\
        \x20 1  2  8  0  0  0  0\n\
        M  STY  1   1 DAT\nM  SAL   1  2   1   2\n\
        M  SDT   1 MRV_COORDINATE_BOND_TYPE                              \n\
        M  SDD   1     0.0000    0.0000    DR    ALL  0       0  \nM  SED   1 1\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(v2000).unwrap()), "[NH3]->[GeH2]");
    let v3000 = "\n  test\n\n  0  0  0     0  0            999 V3000\n\
        M  V30 BEGIN CTAB\nM  V30 COUNTS 2 1 1 0 0\nM  V30 BEGIN ATOM\n\
        M  V30 1 N -7.0097 0.3928 0 0\nM  V30 2 Ge -6.181 1.8211 0 0\nM  V30 END ATOM\n\
        M  V30 BEGIN BOND\nM  V30 1 8 1 2\nM  V30 END BOND\nM  V30 BEGIN SGROUP\n\
        M  V30 1 DAT 0 ATOMS=(2 1 2) FIELDNAME=MRV_COORDINATE_BOND_TYPE -\n\
        M  V30 FIELDDISP=\"    0.0000    0.0000    DR    ALL  0       0\" -\n\
        M  V30 FIELDDATA=1\nM  V30 END SGROUP\nM  V30 END CTAB\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(v3000).unwrap()), "[NH3]->[GeH3]");
    // without the S-group: a query bond, reported on its line
    let plain = v2000.replace("MRV_COORDINATE_BOND_TYPE", "SOMETHING_ELSE");
    let e = read_molblock(&plain).unwrap_err().to_string();
    assert!(e.contains("line 7") && e.contains("bond type 8"), "{e}");
}

/// Found in RDKit's pubchem-hard-set.sdf (2026-12-05): a ring triple bond
/// that perception flags aromatic was written as a single bond (the Kekulé
/// form made every aromatic-flagged bond single), so SDF -> SDF turned
/// these dehydro-annulenes into carbon diradicals. It keeps its order now,
/// as in RDKit's molfiles.
#[test]
fn sd_writer_keeps_a_triple_bond_perceived_aromatic() {
    for smiles in [
        "C[Si](C)(C)c1c#cc2c(c([Si](C)(C)C)cccc1)C(=O)c1ccccc1-2",
        "c1c#cc2ccccc2c#cccc#cc2ccccc2c#cccc#cc2ccccc2c#1",
    ] {
        assert_writes_and_reads_back(smiles);
        let block = write_molblock(&parse(smiles).unwrap(), "t").unwrap();
        assert!(block.lines().any(|l| l.get(6..9) == Some("  3")), "{block}");
    }
}

/// Found in RDKit's esters.prop_name_trunc.sdf (2026-12-05): a data header
/// without a closed label (`>  <ID` then `foo>`) was kept as an item with
/// an empty name, which SDF -> SDF wrote as `>  <>`, a header RDKit cannot
/// read (its SD reader then stopped at that record, losing every record
/// after it). Such an item, like one known only by a field number
/// (`>  DT12`), is now skipped up to its blank line, as RDKit skips it;
/// labels run from the first `<` to the last `>`, as in RDKit; and the
/// writer refuses a name an SD file cannot hold.
#[test]
fn data_header_without_a_label_is_skipped_as_in_rdkit() {
    let block = v2000(&[("C", 0)], &[], "");
    let text = format!(
        "{block}>  <ID\nfoo>\nLig2\n\n>  DT12\n42\n\n>  <a>b> (MD-1)\nkept\n\n>  <>\nempty\n\n>  <NAME>\nethane\n\n$$$$\n"
    );
    let recs: Vec<_> = SdRecords::new(text.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(recs.len(), 1);
    let names: Vec<&str> = recs[0].data.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["a>b", "NAME"]);
    assert_eq!(recs[0].data[1].1, "ethane");
    let mol = read_molblock(&recs[0].molblock).unwrap();
    let written = write_sd_record(&mol, "t", &recs[0].data).unwrap();
    assert!(
        written.contains(">  <a>b>\nkept\n") && !written.contains("<>"),
        "{written}"
    );
    let e = write_sd_record(&mol, "t", &[(String::new(), "x".to_string())]).unwrap_err();
    assert!(e.to_string().contains("data item name"), "{e}");
}

/// Found while sweeping RDKit's test molfiles (2026-12-05): a record ended
/// only at a line that was exactly `$$$$`, so `$$$$$$$$` (two files pasted
/// together, the first without its last line break) or `$$$$ x` merged two
/// records into one and the second molecule was lost without a message.
/// Any line that starts with `$$$$` ends a record, as in RDKit's reader.
#[test]
fn any_line_starting_with_the_delimiter_ends_a_record_as_in_rdkit() {
    let ethane = v2000(&[("C", 0), ("C", 0)], &[(1, 2)], "");
    let methanol = v2000(&[("C", 0), ("O", 0)], &[(1, 2)], "");
    let text = format!("{ethane}$$$$$$$$\n{methanol}$$$$ trailing\n{ethane}$$$$\n");
    let smiles: Vec<String> = SdRecords::new(text.as_bytes())
        .map(|r| to_smiles(&read_molblock(&r.unwrap().molblock).unwrap()))
        .collect();
    assert_eq!(smiles, ["CC", "CO", "CC"]);
}

/// Found in RDKit's test molfiles (Marvin exports, 2026-12-05): the `M  ZBO`,
/// `M  ZCH` and `M  HYD` lines of the zero-order bond proposal (Clark,
/// J. Chem. Inf. Model. 51, 3149, 2011) were ignored, so an amine-borane
/// drawn with a zero-order B-N bond read silently as the charged
/// `[BH3-][NH3+]` and iron pentacarbonyl as a carbon radical complex.
/// They are read as RDKit 2026.09 reads them (`Chem.MolFromMolBlock`); the
/// same fields as data S-groups, which are not applied, refuse the record.
#[test]
fn zero_order_bond_lines_are_read_as_in_rdkit() {
    let borane = "\n  Mrv0541 12071315482D          \n\n  2  1  0  0  0  0            999 V2000\n\
        \x20  -1.0902    0.8545    0.0000 B   0  5  0  0  0  0  0  0  0  0  0  0\n\
        \x20  -0.2652    0.8545    0.0000 N   0  3  0  0  0  0  0  0  0  0  0  0\n\
        \x20 1  2  1  0  0  0  0\nM  CHG  2   1  -1   2   1\nM  ZCH  2   1   0   2   0\n\
        M  HYD  1   1   3\nM  ZBO  1   1   0\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(borane).unwrap()), "B~N");
    // the charges kept when no ZCH line clears them (RDKit: [BH4-]~[NH4+])
    let charged = borane.replace("M  ZCH  2   1   0   2   0\n", "");
    assert_eq!(
        to_smiles(&read_molblock(&charged).unwrap()),
        "[BH4-]~[NH4+]"
    );
    // a bond number outside the bond block is an error on its line
    let bad = borane.replace("M  ZBO  1   1   0", "M  ZBO  1   2   0");
    let e = read_molblock(&bad).unwrap_err().to_string();
    assert!(
        e.contains("line 11") && e.contains("bond 2 outside 1..1"),
        "{e}"
    );
    // as a data S-group: refused, not read as another molecule
    let sgroup = borane.replace(
        "M  ZBO  1   1   0\n",
        "M  STY  1   1 DAT\nM  SBL   1  1   1\nM  SDT   1 ZBO\n",
    );
    let e = read_molblock(&sgroup).unwrap_err().to_string();
    assert!(e.contains("data S-group ZBO"), "{e}");
}

/// Found in RDKit's atropisomer test molfiles (2026-12-05): coordinates
/// such as `-15355.5894` were written into V2000's ten-column fields, where
/// they run into the next field, and the molecule read back with other
/// coordinates (and other 3D stereo). A molecule with a coordinate that
/// does not fit is written in V3000.
#[test]
fn coordinates_wider_than_v2000_columns_are_written_in_v3000() {
    let block = "\n  test\n\n  0  0  0     0  0            999 V3000\n\
        M  V30 BEGIN CTAB\nM  V30 COUNTS 3 2 0 0 0\nM  V30 BEGIN ATOM\n\
        M  V30 1 C 1.0 2.0 -15355.5894 0\nM  V30 2 C 2.5 2.0 -15355.5894 0\n\
        M  V30 3 O 3.0 3.0 -15355.5894 0\nM  V30 END ATOM\nM  V30 BEGIN BOND\n\
        M  V30 1 1 1 2\nM  V30 2 1 2 3\nM  V30 END BOND\nM  V30 END CTAB\nM  END\n";
    let mol = read_molblock(block).unwrap();
    let written = write_molblock(&mol, "t").unwrap();
    assert!(
        written.contains("V3000") && written.contains("-15355.5894"),
        "{written}"
    );
    let back = read_molblock(&written).unwrap();
    assert_eq!(back.conformer(), mol.conformer());
    // coordinates that fit stay V2000
    let small = block.replace("-15355.5894", "-1.0");
    let written = write_molblock(&read_molblock(&small).unwrap(), "t").unwrap();
    assert!(written.contains("V2000"), "{written}");
}

/// Found in RDKit's test molfiles (2026-12-05): a 3D record whose wavy
/// bond (stereo 4) leaves a centre unspecified was written without it, so
/// the coordinates alone gave the centre a tag when read back (`FC(Cl)(Br)I`
/// came back as `F[C@](Cl)(Br)I`). A wavy single bond is written back, as
/// RDKit writes it.
#[test]
fn wavy_bond_keeps_a_3d_centre_unspecified_on_sdf_to_sdf() {
    let block = "F[C@](Cl)(Br)I with a squiggle bond\n     RDKit          3D\n\n\
        \x20 5  4  0  0  0  0  0  0  0  0999 V2000\n\
        \x20  -0.2470    0.2356    1.4118 F   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20  -0.0728    0.0773    0.1107 C   0  0  2  0  0  0  0  0  0  0  0  0\n\
        \x20  -0.3471    1.6071   -0.7694 Cl  0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20  -1.2580   -1.3147   -0.5024 Br  0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20   1.9249   -0.6053   -0.2507 I   0  0  0  0  0  0  0  0  0  0  0  0\n\
        \x20 2  1  1  4\n  2  3  1  0\n  2  4  1  0\n  2  5  1  0\nM  END\n";
    let mol = read_molblock(block).unwrap();
    assert_eq!(to_smiles(&mol), "FC(Cl)(Br)I");
    let written = write_molblock(&mol, "t").unwrap();
    assert!(written.contains("  2  1  1  4\n"), "{written}");
    assert_eq!(to_smiles(&read_molblock(&written).unwrap()), "FC(Cl)(Br)I");
    // without the wavy bond the coordinates give the tag (RDKit: F[C@](Cl)(Br)I)
    let plain = block.replace("  2  1  1  4\n", "  2  1  1  0\n");
    assert_eq!(to_smiles(&read_molblock(&plain).unwrap()), "F[C@](Cl)(Br)I");
}

/// Regression: SDF -> SDF refused a record whose input drawing puts two
/// neighbours of a stereocentre less than 10° apart ("the 2D layout cannot
/// express the stereo of atom 10"; three records of RDKit's
/// pubchem-hard-set.sdf, a cage and two porphyrin complexes), although a
/// wedge to a third neighbour expresses it and RDKit writes them. Now only
/// the wedged neighbour must stand 10° clear of the others; neighbours
/// closer than 2° (which readers may order either way) still refuse the
/// record. The expected SMILES are RDKit 2026.09's readings of the inputs.
#[test]
fn sdf_to_sdf_wedges_a_centre_whose_other_neighbours_nearly_overlap() {
    let molblock = |br: (f64, f64), i: (f64, f64)| {
        let atoms = [
            ("C", 0.0, 0.0),
            ("F", 0.0, 1.5),
            ("Cl", -1.3, -0.75),
            ("Br", br.0, br.1),
            ("I", i.0, i.1),
        ];
        let mut s =
            String::from("\n  test              2D\n\n  5  4  0  0  0  0  0  0  0  0999 V2000\n");
        for (sym, x, y) in atoms {
            s += &format!(
                "{x:>10.4}{y:>10.4}    0.0000 {sym:<3} 0  0  0  0  0  0  0  0  0  0  0  0\n"
            );
        }
        s + "  1  2  1  1\n  1  3  1  0\n  1  4  1  0\n  1  5  1  0\nM  END\n"
    };
    // Br at -30°, I at -36.9°: 6.9° apart
    let mol = read_molblock(&molblock((1.3, -0.75), (1.2, -0.9))).unwrap();
    assert_eq!(to_smiles(&mol), "F[C@@](Cl)(Br)I");
    let written = write_molblock(&mol, "t").unwrap();
    assert_eq!(
        to_smiles(&read_molblock(&written).unwrap()),
        "F[C@@](Cl)(Br)I"
    );
    // the wedge goes to fluorine, the neighbour clear of the others
    assert!(written.contains("  1  2  1  "), "{written}");
    // Br and I 0.4° apart: readers cannot order them, and RDKit and we
    // ignore the wedge ("ambiguous stereochemistry - overlapping neighbors")
    let mol = read_molblock(&molblock((1.3, -0.75), (1.3, -0.76))).unwrap();
    assert_eq!(to_smiles(&mol), "FC(Cl)(Br)I");
}

/// Regression (found by sweeping RDKit's test molfiles): V2000 atom lists
/// (`M  ALS`) were ignored, so an `L` atom whose list holds one element
/// read as `*` (RDKit: that element), a carbon with a two-element list as
/// carbon (RDKit: `*`), and malformed lists (negative length, an unknown
/// symbol, fewer elements than declared) were accepted. Now read as RDKit's
/// `ParseNewAtomList` reads them (expected SMILES: RDKit 2026.09's, which
/// also writes an explicit `:0` map on some of these atoms, a quirk we do
/// not copy); a one-element NOT list, which RDKit reads as the element it
/// excludes, is refused.
#[test]
fn atom_list_lines_are_read_as_in_rdkit() {
    for (symbol, list, rdkit) in [
        ("L", "M  ALS   1  1 F N   \n", "CN"),
        ("C", "M  ALS   1  2 F N   O   \n", "*C"),
        ("L", "M  ALS   1  2 T N   O   \n", "*C"),
        ("L", "M  ALS   1  1 F Cl  \n", "CCl"),
        ("O", "M  CHG  1   1  -1\nM  ALS   1  1 F S   \n", "C[S-]"),
        ("L", "M  ALS   1  0 F\n", "*C"),
    ] {
        assert_eq!(read_pair(symbol, list).as_deref(), Ok(rdkit), "{list}");
    }
    for (list, reason) in [
        ("M  ALS   1 -1 F\n", "negative atom list length"),
        ("M  ALS   1  1 X N   \n", "modifier"),
        ("M  ALS   1  1 F Xx  \n", "unknown element symbol 'Xx'"),
        ("M  ALS   1  2 F N\n", "too short"),
        ("M  ALS   3  1 F N   \n", "outside 1..2"),
        ("M  ALS   1  1 T N   \n", "NOT atom list"),
    ] {
        let e = read_pair("L", list).unwrap_err();
        assert!(e.contains(reason), "{list}: {e}");
    }
}

/// Regression (found by sweeping RDKit's test molfiles): a counts line was
/// taken as V3000 when it held `V3000` anywhere and as V2000 otherwise, so
/// an RXN file given as a molfile (its fourth line blank) read as an empty
/// molecule. The version is now checked as RDKit checks it: columns 35-39
/// of a counts line longer than 35 characters must name V2000 or V3000,
/// and a line under 6 characters is refused.
#[test]
fn counts_line_without_a_ctab_version_is_refused_as_in_rdkit() {
    let rxn = "$RXN\n\n      RDKit\n\n  1  1\n$MOL\n\n     RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n\
        \x20   0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\nM  END\n";
    let e = read_molblock(rxn).unwrap_err();
    assert!(e.to_string().contains("counts line too short"), "{e}");
    let padded = format!("t\n\n\n{:<69}\nM  END\n", "");
    let e = read_molblock(&padded).unwrap_err();
    assert!(e.to_string().contains("CTAB version string invalid"), "{e}");
    let v4000 = "t\n\n\n  0  0  0  0  0  0  0  0  0  0999 V4000\nM  END\n";
    let e = read_molblock(v4000).unwrap_err();
    assert!(
        e.to_string().contains("unsupported CTAB version 'V4000'"),
        "{e}"
    );
    // counts that stop before the version are V2000, as in old files
    let short = "t\n\n\n  1  0\n    0.0000    0.0000    0.0000 C   0  0\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(short).unwrap()), "C");
}

/// Regression: `S  SKP nnn` (skip the next nnn lines) and deprecated `G`
/// group abbreviation lines (their text on the next line) were read as
/// property lines, so whatever the skipped lines held (an `M  CHG` here)
/// changed the molecule. RDKit 2026.09.1 skips them; every expectation here
/// is its `MolFromMolBlock` result.
#[test]
fn skip_and_group_abbreviation_lines_hide_the_lines_they_cover() {
    for (props, rdkit) in [
        ("S  SKP  2\nM  CHG  1   1   1\nM  ISO  1   2  13\n", "CN"),
        (
            "S  SKP  1\nM  CHG  1   1   1\nM  ISO  1   2  13\n",
            "[13CH3]N",
        ),
        ("S  SKP  0\nM  CHG  1   1   1\n", "C[NH3+]"),
        ("S  SKP   \nM  CHG  1   1   1\n", "C[NH3+]"),
        (
            "G    1  0\nM  CHG  1   1   1\nM  ISO  1   2  13\n",
            "[13CH3]N",
        ),
        ("G    1  0\nM  ISO  1   2  13\n", "CN"),
    ] {
        assert_eq!(read_pair("N", props).as_deref(), Ok(rdkit), "{props}");
    }
    for (props, reason) in [
        (
            "S  SKP -1\nM  CHG  1   1   1\n",
            "negative S  SKP line count",
        ),
        ("S  SKP  x\nM  CHG  1   1   1\n", "S  SKP line count"),
        ("S  SKP  5\nM  CHG  1   1   1\n", "M  END"),
    ] {
        let e = read_pair("N", props).unwrap_err();
        assert!(e.contains(reason), "{props}: {e}");
    }
}

/// Regression: a V3000 section name with extra characters after it
/// (`BEGIN ATOMSS`, in one of RDKit's test files) was not recognised, so its
/// atoms were skipped and the first bond "refers to unknown atom 1". RDKit
/// compares only the start of the line (`BEGIN ATOM`, `BEGIN BOND`,
/// `END CTAB`) and reads the block; so do we.
#[test]
fn v3000_section_names_are_matched_by_their_start_as_in_rdkit() {
    let block = "\n     test\n\n  0  0  0     0  0            999 V3000\n\
M  V30 BEGIN CTAB\nM  V30 COUNTS 2 1 0 0 0\nM  V30 BEGIN ATOMSS\n\
M  V30 1 N 0 0 0 0 CHG=1\nM  V30 2 C 1.299 0.75 0 0\nM  V30 END ATOM\n\
M  V30 BEGIN BONDS\nM  V30 1 1 1 2\nM  V30 END BOND\nM  V30 END CTABS\nM  END\n";
    assert_eq!(to_smiles(&read_molblock(block).unwrap()), "C[NH3+]");
}
