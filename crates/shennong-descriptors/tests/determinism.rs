//! Regression: BertzCT and SAscore summed floats in hash-map order, so the
//! same molecule gave values differing in the last bits from run to run
//! (and from one map to the next within a run).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use shennong_descriptors::DescriptorSet;

#[test]
fn bertz_ct_and_sa_score_are_bitwise_deterministic() {
    let set = DescriptorSet::from_names(&["BertzCT".to_string(), "SAscore".to_string()]).unwrap();
    // a 27-residue peptide: many symmetry classes and fragment ids, so a
    // different summation order shows in the last bits
    let smiles = "CCCC[C@@H]1NC(=O)[C@@H](NC(=O)[C@H](CC(C)C)NC(=O)[C@@H](NC(=O)[C@H](CCC(=O)O)NC(=O)[C@H](CCCN=C(N)N)NC(=O)[C@H](CC(C)C)NC(=O)[C@H](CC(C)C)NC(=O)[C@H](Cc2c[nH]cn2)NC(=O)[C@H](N)Cc2ccccc2)C(C)C)CCC(=O)NCCCC[C@@H](C(N)=O)NC(=O)[C@H](CC(C)C)NC(=O)[C@H](CCCN=C(N)N)NC1=O";
    let mol = shennong_smiles::parse(smiles).unwrap();
    let first: Vec<u64> = set.compute(&mol).iter().map(|v| v.to_bits()).collect();
    for _ in 0..50 {
        let again: Vec<u64> = set.compute(&mol).iter().map(|v| v.to_bits()).collect();
        assert_eq!(first, again);
    }
}
