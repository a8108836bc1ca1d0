//! One test per fixed bug, named after it.
#![allow(clippy::unwrap_used)]

use shennong_descriptors::DescriptorSet;

/// Found by an RDKit-differential run over mutated SMILES: an atom with
/// more hydrogens than outer electrons (`[BH4-]`, a dummy with an H) made
/// the chi "n" and "v" indices NaN, written as a missing cell. RDKit
/// computes outer electrons less hydrogens in unsigned arithmetic, which
/// wraps to about 2^32; its values (2026.09) are matched bit for bit.
#[test]
fn hydride_chi_indices_follow_rdkit_unsigned_arithmetic() {
    let set = DescriptorSet::from_names(&["Chi0n", "Chi1n", "Chi0v", "Chi2n"]).unwrap();
    for (smiles, rdkit) in [
        (
            "[BH4-]",
            [1.5258789064276357e-05, 0.0, 1.5258789064276357e-05, 0.0],
        ),
        (
            "[Na+].[BH4-]",
            [1.0000152587890643, 0.0, 3.0000152587890643, 0.0],
        ),
        (
            "C[*H]C",
            [
                2.0000152587890643,
                3.0517578128552714e-05,
                2.0,
                1.5258789064276357e-05,
            ],
        ),
    ] {
        let ours = set.compute(&shennong_smiles::parse(smiles).unwrap());
        assert_eq!(ours, rdkit, "{smiles}");
    }
}
