//! The PMO benchmark's oracles (Gao et al., *NeurIPS* 2022 Datasets and
//! Benchmarks), which are GuacaMol's goal-directed tasks (Brown et al.,
//! *J. Chem. Inf. Model.* 59, 1096 (2019)) as PyTDC implements them
//! (`tdc.chem_utils.oracle.oracle`), rebuilt from Shennong's scoring
//! components. Values equal PyTDC's for the same molecule (checked against
//! the same definitions evaluated with RDKit in the test suite).
//!
//! Not here: `drd2`, `gsk3b` and `jnk3`, which need PyTDC's trained model
//! files.

use crate::scoring::build::{
    atom_count, descriptor, descriptor_of, isomer, pharmacophore, similarity, smarts,
};
use crate::scoring::{Aggregation, Scoring, SimilarityFingerprint as Fp, Transform};
use crate::GenerateError;

/// The PMO tasks Shennong computes, in PMO's alphabetical order.
pub const PMO_TASKS: [&str; 20] = [
    "albuterol_similarity",
    "amlodipine_mpo",
    "celecoxib_rediscovery",
    "deco_hop",
    "fexofenadine_mpo",
    "isomers_c7h8n2o2",
    "isomers_c9h10n2o2pf2cl",
    "median1",
    "median2",
    "mestranol_similarity",
    "osimertinib_mpo",
    "perindopril_mpo",
    "qed",
    "ranolazine_mpo",
    "scaffold_hop",
    "sitagliptin_mpo",
    "thiothixene_rediscovery",
    "troglitazone_rediscovery",
    "valsartan_smarts",
    "zaleplon_mpo",
];

/// PMO tasks that exist in the benchmark but that Shennong cannot compute, with why.
pub const PMO_MISSING: [(&str, &str); 5] = [
    ("deco_hop", "needs the Gobbi 2D pharmacophore fingerprint"),
    (
        "scaffold_hop",
        "needs the Gobbi 2D pharmacophore fingerprint",
    ),
    ("drd2", "needs PyTDC's trained SVM model file"),
    ("gsk3b", "needs PyTDC's trained random forest file"),
    ("jnk3", "needs PyTDC's trained random forest file"),
];

const HOP_REFERENCE: &str = "CCCOc1cc2ncnc(Nc3ccc4ncsc4c3)c2cc1S(=O)(=O)C(C)(C)C";
const HOP_CORE: &str = "[#7]-c1n[c;h1]nc2[c;h1]c(-[#8])[c;h0][c;h1]c12";
const SITAGLIPTIN: &str = "Fc1cc(c(F)cc1F)CC(N)CC(=O)N3Cc2nnc(n2CC3)C(F)(F)F";

fn gaussian(mu: f64, sigma: f64) -> Transform {
    Transform::Gaussian { mu, sigma }
}
fn min_gaussian(mu: f64, sigma: f64) -> Transform {
    Transform::MinGaussian { mu, sigma }
}
fn max_gaussian(mu: f64, sigma: f64) -> Transform {
    Transform::MaxGaussian { mu, sigma }
}
fn clipped(upper_x: f64) -> Transform {
    Transform::Clipped {
        upper_x,
        lower_x: 0.0,
    }
}
const ID: Transform = Transform::None;

/// The scoring function of a PMO task by its PyTDC name.
pub fn pmo_scoring(task: &str) -> Result<Scoring, GenerateError> {
    use Aggregation::GeometricMean as Geo;
    let sim = |smiles: &str, fp: Fp, t: Transform| similarity("similarity", smiles, fp, 30, t);
    let (method, components) = match task {
        "qed" => (Geo, vec![descriptor("qed", ID)?]),
        "celecoxib_rediscovery" => (
            Geo,
            vec![sim(
                "CC1=CC=C(C=C1)C1=CC(=NN1C1=CC=C(C=C1)S(N)(=O)=O)C(F)(F)F",
                Fp::Ecfp4,
                ID,
            )?],
        ),
        "troglitazone_rediscovery" => (
            Geo,
            vec![sim(
                "Cc1c(C)c2OC(C)(COc3ccc(CC4SC(=O)NC4=O)cc3)CCc2c(C)c1O",
                Fp::Ecfp4,
                ID,
            )?],
        ),
        "thiothixene_rediscovery" => (
            Geo,
            vec![sim(
                "CN(C)S(=O)(=O)c1ccc2Sc3ccccc3C(=CCCN4CCN(C)CC4)c2c1",
                Fp::Ecfp4,
                ID,
            )?],
        ),
        "albuterol_similarity" => (
            Geo,
            vec![sim(
                "CC(C)(C)NCC(O)c1ccc(O)c(CO)c1",
                Fp::Fcfp4,
                clipped(0.75),
            )?],
        ),
        "mestranol_similarity" => (
            Geo,
            vec![similarity(
                "similarity",
                "COc1ccc2[C@H]3CC[C@@]4(C)[C@@H](CC[C@@]4(O)C#C)[C@@H]3CCc2c1",
                Fp::Ap,
                10,
                clipped(0.75),
            )?],
        ),
        "isomers_c7h8n2o2" => (Geo, vec![isomer("isomer", "C7H8N2O2")?]),
        "isomers_c9h10n2o2pf2cl" => (Geo, vec![isomer("isomer", "C9H10N2O2PF2Cl")?]),
        "median1" => (
            Geo,
            vec![
                similarity("sim_camphor", "CC1(C)C2CCC1(C)C(=O)C2", Fp::Ecfp4, 30, ID)?,
                similarity("sim_menthol", "CC(C)C1CCC(C)CC1O", Fp::Ecfp4, 30, ID)?,
            ],
        ),
        "median2" => (
            Geo,
            vec![
                similarity(
                    "sim_tadalafil",
                    "O=C1N(CC(N2C1CC3=C(C2C4=CC5=C(OCO5)C=C4)NC6=C3C=CC=C6)=O)C",
                    Fp::Ecfp6,
                    30,
                    ID,
                )?,
                similarity(
                    "sim_sildenafil",
                    "CCCC1=NN(C2=C1N=C(NC2=O)C3=C(C=CC(=C3)S(=O)(=O)N4CCN(CC4)C)OCC)C",
                    Fp::Ecfp6,
                    30,
                    ID,
                )?,
            ],
        ),
        "osimertinib_mpo" => {
            let osimertinib = "COc1cc(N(C)CCN(C)C)c(NC(=O)C=C)cc1Nc2nccc(n2)c3cn(C)c4ccccc34";
            (
                Geo,
                vec![
                    descriptor("TPSA", max_gaussian(100.0, 10.0))?,
                    descriptor("MolLogP", min_gaussian(1.0, 1.0))?,
                    similarity("sim_fcfp4", osimertinib, Fp::Fcfp4, 30, clipped(0.8))?,
                    similarity(
                        "sim_ecfp6",
                        osimertinib,
                        Fp::Ecfp6,
                        30,
                        min_gaussian(0.85, 0.1),
                    )?,
                ],
            )
        }
        "fexofenadine_mpo" => (
            Geo,
            vec![
                descriptor("TPSA", max_gaussian(90.0, 10.0))?,
                descriptor("MolLogP", min_gaussian(4.0, 1.0))?,
                similarity(
                    "similarity",
                    "CC(C)(C(=O)O)c1ccc(cc1)C(O)CCCN2CCC(CC2)C(O)(c3ccccc3)c4ccccc4",
                    Fp::Ap,
                    10,
                    clipped(0.8),
                )?,
            ],
        ),
        "ranolazine_mpo" => (
            Geo,
            vec![
                descriptor("TPSA", max_gaussian(95.0, 20.0))?,
                descriptor("MolLogP", max_gaussian(7.0, 1.0))?,
                similarity(
                    "similarity",
                    "COc1ccccc1OCC(O)CN2CCN(CC(=O)Nc3c(C)cccc3C)CC2",
                    Fp::Ap,
                    10,
                    clipped(0.7),
                )?,
                atom_count("fluorine", 9, gaussian(1.0, 1.0)),
            ],
        ),
        "perindopril_mpo" => (
            Geo,
            vec![
                sim(
                    "O=C(OCC)C(NC(C(=O)N1C(C(=O)O)CC2CCCCC12)C)CCC",
                    Fp::Ecfp4,
                    ID,
                )?,
                descriptor("NumAromaticRings", gaussian(2.0, 0.5))?,
            ],
        ),
        "amlodipine_mpo" => (
            Geo,
            vec![
                sim(
                    "Clc1ccccc1C2C(=C(/N/C(=C2/C(=O)OCC)COCCN)C)\\C(=O)OC",
                    Fp::Ecfp4,
                    ID,
                )?,
                descriptor("RingCount", gaussian(3.0, 0.5))?,
            ],
        ),
        "zaleplon_mpo" => (
            Geo,
            vec![
                sim(
                    "O=C(C)N(CC)C1=CC=CC(C2=CC=NC3=C(C=NN23)C#N)=C1",
                    Fp::Ecfp4,
                    ID,
                )?,
                isomer("isomer", "C19H17N3O2")?,
            ],
        ),
        "sitagliptin_mpo" => (
            Geo,
            vec![
                similarity("similarity", SITAGLIPTIN, Fp::Ecfp4, 30, gaussian(0.0, 0.1))?,
                descriptor(
                    "MolLogP",
                    gaussian(descriptor_of(SITAGLIPTIN, "MolLogP")?, 0.2),
                )?,
                descriptor("TPSA", gaussian(descriptor_of(SITAGLIPTIN, "TPSA")?, 5.0))?,
                isomer("isomer", "C16H15F6N5O")?,
            ],
        ),
        "deco_hop" => (
            Aggregation::ArithmeticMean,
            vec![
                pharmacophore("similarity", HOP_REFERENCE, clipped(0.85))?,
                smarts("no_sulfone", "CS([#6])(=O)=O", true)?,
                smarts("no_benzothiazole", "[#7]-c1ccc2ncsc2c1", true)?,
                smarts("quinazoline_core", HOP_CORE, false)?,
            ],
        ),
        "scaffold_hop" => (
            Aggregation::ArithmeticMean,
            vec![
                pharmacophore("similarity", HOP_REFERENCE, clipped(0.75))?,
                smarts(
                    "decoration",
                    "[#6]-[#6]-[#6]-[#8]-[#6]~[#6]~[#6]~[#6]~[#6]-[#7]-c1ccc2ncsc2c1",
                    false,
                )?,
                smarts("no_quinazoline_core", HOP_CORE, true)?,
            ],
        ),
        "valsartan_smarts" => {
            let target = "NC(CC(=O)N1CCn2c(nnc2C(F)(F)F)C1)Cc1cc(F)c(F)cc1F";
            (
                Geo,
                vec![
                    smarts("smarts", "CN(C=O)Cc1ccc(c2ccccc2)cc1", false)?,
                    descriptor("TPSA", gaussian(descriptor_of(target, "TPSA")?, 5.0))?,
                    descriptor("MolLogP", gaussian(descriptor_of(target, "MolLogP")?, 0.2))?,
                    descriptor("BertzCT", gaussian(descriptor_of(target, "BertzCT")?, 30.0))?,
                ],
            )
        }
        other => {
            let why = PMO_MISSING
                .iter()
                .find(|(n, _)| *n == other)
                .map(|(_, w)| format!("PMO task '{other}' is not available: it {w}"));
            return Err(GenerateError::Config(why.unwrap_or_else(|| {
                format!(
                    "unknown PMO task '{other}'; known: {}",
                    PMO_TASKS.join(", ")
                )
            })));
        }
    };
    Ok(Scoring::from_parts(method, components))
}
