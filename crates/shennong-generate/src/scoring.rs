//! Composable scoring, configured like REINVENT 4's scoring section: each
//! component computes a raw value for a molecule, a transform maps it to
//! [0, 1], and the weighted geometric or arithmetic mean of the transformed
//! values is the total.
//!
//! ```
//! use shennong_generate::scoring::ScoringConfig;
//! let config: ScoringConfig = toml::from_str(r#"
//!     method = "geometric_mean"
//!     [[component]]
//!     kind = "qed"
//!     [[component]]
//!     kind = "sa_score"
//!     transform = { type = "reverse_sigmoid", low = 2.0, high = 5.0, k = 0.5 }
//! "#).unwrap();
//! let scoring = config.build(std::path::Path::new(".")).unwrap();
//! let mol = shennong_smiles::parse("CC(=O)Nc1ccc(O)cc1").unwrap();
//! let row = scoring.score(&mol);
//! assert!(row.total > 0.3 && row.total <= 1.0);
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use shennong_descriptors::{Descriptor, DescriptorSet, MolContext};
use shennong_filter::Catalog;
use shennong_fingerprint::pharm2d::Pharm2D;
use shennong_fingerprint::{CountFingerprint, FingerprintSpec, Kind};
use shennong_mol::Mol;
use shennong_smarts::Query;

use crate::GenerateError;

/// How a raw value becomes a score in [0, 1]. REINVENT 4's transforms
/// (`sigmoid`, `reverse_sigmoid`, `double_sigmoid`, `step`, `left_step`,
/// `right_step`) and GuacaMol's score modifiers that the PMO oracles use
/// (`gaussian`, `min_gaussian`, `max_gaussian`, `clipped`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// The raw value, unchanged.
    #[default]
    None,
    /// Rises from 0 below `low` to 1 above `high`; `k` sets the steepness.
    Sigmoid {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
        /// Steepness (REINVENT's default 0.5).
        #[serde(default = "half")]
        k: f64,
    },
    /// Falls from 1 below `low` to 0 above `high`.
    ReverseSigmoid {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
        /// Steepness.
        #[serde(default = "half")]
        k: f64,
    },
    /// Close to 1 between `low` and `high`, 0 outside.
    DoubleSigmoid {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
        /// Divisor of the exponents (REINVENT's default 100).
        #[serde(default = "hundred")]
        coef_div: f64,
        /// Steepness of the upper edge (default 150).
        #[serde(default = "one_fifty")]
        coef_si: f64,
        /// Steepness of the lower edge (default 150).
        #[serde(default = "one_fifty")]
        coef_se: f64,
    },
    /// 1 when `low <= x <= high`, else 0.
    Step {
        /// Lower end.
        low: f64,
        /// Upper end.
        high: f64,
    },
    /// 1 when `x <= low`, else 0.
    LeftStep {
        /// Threshold.
        low: f64,
    },
    /// 1 when `x >= high`, else 0.
    RightStep {
        /// Threshold.
        high: f64,
    },
    /// exp(-((x - mu)/sigma)^2 / 2).
    Gaussian {
        /// Centre.
        mu: f64,
        /// Width.
        sigma: f64,
    },
    /// 1 for x <= mu, a Gaussian tail above.
    MinGaussian {
        /// Centre.
        mu: f64,
        /// Width.
        sigma: f64,
    },
    /// 1 for x >= mu, a Gaussian tail below.
    MaxGaussian {
        /// Centre.
        mu: f64,
        /// Width.
        sigma: f64,
    },
    /// Linear from `lower_x` (score 0) to `upper_x` (score 1), clipped.
    Clipped {
        /// x where the score reaches 1.
        upper_x: f64,
        /// x where the score is 0.
        #[serde(default)]
        lower_x: f64,
    },
}

fn half() -> f64 {
    0.5
}
fn hundred() -> f64 {
    100.0
}
fn one_fifty() -> f64 {
    150.0
}

impl Transform {
    /// Applies the transform.
    pub fn apply(&self, x: f64) -> f64 {
        if x.is_nan() {
            return 0.0;
        }
        let gaussian = |x: f64, mu: f64, sigma: f64| (-0.5 * ((x - mu) / sigma).powi(2)).exp();
        let y = match *self {
            Transform::None => x,
            Transform::Sigmoid { low, high, k } => {
                1.0 / (1.0 + 10f64.powf(10.0 * k * (x - (low + high) * 0.5) / (low - high)))
            }
            Transform::ReverseSigmoid { low, high, k } => {
                1.0 / (1.0 + 10f64.powf(10.0 * k * (x - (low + high) * 0.5) / (high - low)))
            }
            Transform::DoubleSigmoid {
                low,
                high,
                coef_div,
                coef_si,
                coef_se,
            } => {
                let a = 10f64.powf(coef_se * (x / coef_div));
                let b = a + 10f64.powf(coef_se * (low / coef_div));
                let c_num = 10f64.powf(coef_si * (x / coef_div));
                let c = c_num / (c_num + 10f64.powf(coef_si * (high / coef_div)));
                a / b - c
            }
            Transform::Step { low, high } => f64::from(u8::from(low <= x && x <= high)),
            Transform::LeftStep { low } => f64::from(u8::from(x <= low)),
            Transform::RightStep { high } => f64::from(u8::from(x >= high)),
            Transform::Gaussian { mu, sigma } => gaussian(x, mu, sigma),
            Transform::MinGaussian { mu, sigma } => gaussian(x.max(mu), mu, sigma),
            Transform::MaxGaussian { mu, sigma } => gaussian(x.min(mu), mu, sigma),
            Transform::Clipped { upper_x, lower_x } => {
                let slope = 1.0 / (upper_x - lower_x);
                let intercept = 1.0 - slope * upper_x;
                (slope * x + intercept).clamp(0.0, 1.0)
            }
        };
        if y.is_nan() {
            0.0
        } else {
            y
        }
    }
}

/// Fingerprints for similarity components. The count kinds are RDKit's
/// unfolded sparse counts as GuacaMol and PyTDC use them (`ecfp4` is
/// `GetMorganFingerprint(mol, 2)`, `fcfp4` adds `useFeatures=True`, `ap` is
/// `GetAtomPairFingerprint(mol, maxLength=max_distance)`); `ecfp4_bits` is
/// the 2048-bit Morgan radius-2 bit vector and `pharm2d` the Gobbi 2D
/// pharmacophore fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SimilarityFingerprint {
    /// Morgan radius 2, unfolded counts.
    #[default]
    Ecfp4,
    /// Morgan radius 3, unfolded counts.
    Ecfp6,
    /// Feature Morgan radius 2, unfolded counts.
    Fcfp4,
    /// Feature Morgan radius 3, unfolded counts.
    Fcfp6,
    /// Atom pairs, unhashed counts.
    Ap,
    /// Morgan radius 2, 2048 bits.
    Ecfp4Bits,
    /// Gobbi–Poppinger 2D pharmacophore bits (RDKit `Gobbi_Pharm2D`).
    Pharm2d,
}

/// A fingerprint ready to compare (counts or bits).
#[derive(Debug, Clone)]
enum Fp {
    Counts(CountFingerprint),
    Bits(shennong_fingerprint::BitFingerprint),
    Sparse(Vec<u32>),
}

impl Fp {
    fn tanimoto(&self, other: &Fp) -> f64 {
        match (self, other) {
            (Fp::Counts(a), Fp::Counts(b)) => a.tanimoto(b),
            (Fp::Bits(a), Fp::Bits(b)) => a.tanimoto(b),
            (Fp::Sparse(a), Fp::Sparse(b)) => Pharm2D::tanimoto(a, b),
            _ => 0.0,
        }
    }
}

fn fingerprint(kind: SimilarityFingerprint, max_distance: u32, mol: &Mol) -> Fp {
    let spec = |k: Kind, radius: u32| {
        let mut s = FingerprintSpec::new(k);
        s.radius = radius;
        s
    };
    match kind {
        SimilarityFingerprint::Ecfp4 => Fp::Counts(spec(Kind::Morgan, 2).unfolded_counts(mol)),
        SimilarityFingerprint::Ecfp6 => Fp::Counts(spec(Kind::Morgan, 3).unfolded_counts(mol)),
        SimilarityFingerprint::Fcfp4 => {
            Fp::Counts(spec(Kind::FeatureMorgan, 2).unfolded_counts(mol))
        }
        SimilarityFingerprint::Fcfp6 => {
            Fp::Counts(spec(Kind::FeatureMorgan, 3).unfolded_counts(mol))
        }
        SimilarityFingerprint::Ap => {
            let mut s = FingerprintSpec::new(Kind::AtomPair);
            s.max_length = max_distance;
            Fp::Counts(s.unfolded_counts(mol))
        }
        SimilarityFingerprint::Ecfp4Bits => Fp::Bits(FingerprintSpec::morgan(2, 2048).bits(mol)),
        SimilarityFingerprint::Pharm2d => Fp::Sparse(Pharm2D::gobbi().bits(mol)),
    }
}

/// Which value of a model's prediction a model component scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ModelValue {
    /// The prediction.
    #[default]
    Prediction,
    /// The lower end of the 90 % interval (pessimistic: penalises uncertainty).
    Lower,
    /// The upper end of the 90 % interval (optimistic: rewards exploration).
    Upper,
    /// The applicability-domain score (nearest training-set similarity).
    Domain,
}

/// One scoring component as written in the TOML configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ComponentConfig {
    /// RDKit's QED (default weights).
    Qed {
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
    /// SA score (1 easy – 10 hard).
    SaScore {
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
    /// Any RDKit descriptor by its RDKit name (`TPSA`, `MolLogP`, …).
    Descriptor {
        /// Descriptor name.
        descriptor: String,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
    /// Tanimoto similarity to reference molecules (the largest over them).
    Similarity {
        /// Reference SMILES.
        smiles: Vec<String>,
        /// Fingerprint.
        #[serde(default)]
        fingerprint: SimilarityFingerprint,
        /// Longest atom-pair distance (`ap` only).
        #[serde(default = "thirty")]
        max_distance: u32,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
    /// SMARTS patterns: `required` scores 1 when any matches, `forbidden`
    /// scores 1 when none does.
    Smarts {
        /// Patterns.
        smarts: Vec<String>,
        /// Forbidden instead of required.
        #[serde(default)]
        forbidden: bool,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
    },
    /// Structural alerts from the filter catalogs: 1 when no alert fires.
    Alerts {
        /// Catalog names (`pains`, `brenk`, `nih`, `chembl`, …).
        catalogs: Vec<String>,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
    },
    /// Number of atoms of one element (hydrogens included for `H`).
    AtomCount {
        /// Element symbol.
        element: String,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
    /// Closeness to a molecular formula (GuacaMol's isomer scoring): a
    /// Gaussian (σ 1) on each element count and one (σ 2) on the atom total,
    /// combined by geometric mean.
    Isomer {
        /// Target formula, e.g. `C7H8N2O2`.
        formula: String,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
    },
    /// A `shennong train` model's prediction, interval end or domain score.
    Model {
        /// Model file (relative to the configuration file).
        path: PathBuf,
        /// Target name (the first target when absent).
        target: Option<String>,
        /// Which value to score.
        #[serde(default)]
        value: ModelValue,
        /// Column name.
        name: Option<String>,
        /// Weight in the mean.
        #[serde(default = "one")]
        weight: f64,
        /// Transform.
        #[serde(default)]
        transform: Transform,
    },
}

fn one() -> f64 {
    1.0
}
fn thirty() -> u32 {
    30
}

/// How component scores combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Weighted geometric mean (a zero anywhere gives zero).
    #[default]
    GeometricMean,
    /// Weighted arithmetic mean.
    ArithmeticMean,
}

/// The scoring section of a design configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringConfig {
    /// How components combine.
    #[serde(default)]
    pub method: Aggregation,
    /// The components.
    #[serde(rename = "component")]
    pub components: Vec<ComponentConfig>,
}

/// What a compiled component computes.
enum Calc {
    Descriptor(Descriptor),
    Similarity {
        fingerprint: SimilarityFingerprint,
        max_distance: u32,
        references: Vec<Fp>,
    },
    Smarts {
        queries: Vec<Query>,
        forbidden: bool,
    },
    Alerts(Catalog),
    AtomCount(u8),
    Isomer {
        elements: Vec<(u8, u32)>,
        total: u32,
    },
    Model {
        model: Box<shennong_model::Model>,
        featurizer: shennong_model::Featurizer,
        target: usize,
        value: ModelValue,
    },
}

/// One compiled component.
pub struct Component {
    name: String,
    weight: f64,
    transform: Transform,
    calc: Calc,
}

impl Component {
    /// Column name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw value for a molecule.
    pub fn raw(&self, mol: &Mol) -> f64 {
        match &self.calc {
            Calc::Descriptor(d) => d.compute(&MolContext::new(mol)),
            Calc::Similarity {
                fingerprint: kind,
                max_distance,
                references,
            } => {
                let fp = fingerprint(*kind, *max_distance, mol);
                references
                    .iter()
                    .map(|r| fp.tanimoto(r))
                    .fold(0.0, f64::max)
            }
            Calc::Smarts { queries, forbidden } => {
                let hit = queries.iter().any(|q| q.is_match(mol));
                f64::from(u8::from(hit != *forbidden))
            }
            Calc::Alerts(catalog) => f64::from(u8::from(!catalog.any_hit(mol))),
            Calc::AtomCount(z) => count_element(mol, *z) as f64,
            Calc::Isomer { elements, total } => isomer_score(mol, elements, *total),
            Calc::Model {
                model,
                featurizer,
                target,
                value,
            } => match model.predict_one(featurizer, mol, 0.9) {
                Ok(p) => {
                    let t = p.targets.get(*target);
                    match value {
                        ModelValue::Prediction => t.map_or(f64::NAN, |t| t.value),
                        ModelValue::Lower => t.map_or(f64::NAN, |t| t.lo),
                        ModelValue::Upper => t.map_or(f64::NAN, |t| t.hi),
                        ModelValue::Domain => p.ad_similarity,
                    }
                }
                Err(_) => f64::NAN,
            },
        }
    }
}

/// Atoms of element `z`; for hydrogen, all hydrogens (RDKit `AddHs` then count).
fn count_element(mol: &Mol, z: u8) -> usize {
    if z == 1 {
        mol.atoms()
            .iter()
            .map(|a| usize::from(a.total_hs()) + usize::from(a.atomic_num == 1))
            .sum()
    } else {
        mol.atoms().iter().filter(|a| a.atomic_num == z).count()
    }
}

/// PyTDC's `Isomer_scoring` (GuacaMol's isomer scoring with hydrogens).
fn isomer_score(mol: &Mol, elements: &[(u8, u32)], total: u32) -> f64 {
    let gaussian = |x: f64, mu: f64, sigma: f64| (-0.5 * ((x - mu) / sigma).powi(2)).exp();
    let mut scores: Vec<f64> = elements
        .iter()
        .map(|&(z, n)| gaussian(count_element(mol, z) as f64, f64::from(n), 1.0))
        .collect();
    let atoms = mol.num_atoms() + count_element(mol, 1)
        - mol.atoms().iter().filter(|a| a.atomic_num == 1).count();
    scores.push(gaussian(atoms as f64, f64::from(total), 2.0));
    geometric_mean(&scores)
}

/// exp(mean(ln x)) as SciPy's `gmean`; 0 when any value is 0.
pub fn geometric_mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    if values.iter().any(|v| *v <= 0.0 || v.is_nan()) {
        return 0.0;
    }
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

/// Parses a molecular formula (`C9H10N2O2PF2Cl`) into element counts.
pub fn parse_formula(formula: &str) -> Result<Vec<(u8, u32)>, GenerateError> {
    let bad = |why: &str| GenerateError::Config(format!("formula '{formula}': {why}"));
    let chars: Vec<char> = formula.chars().collect();
    let mut out: Vec<(u8, u32)> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if !c.is_ascii_uppercase() {
            return Err(bad(&format!("unexpected '{c}' at column {}", i + 1)));
        }
        let mut symbol = c.to_string();
        i += 1;
        while let Some(&l) = chars.get(i).filter(|l| l.is_ascii_lowercase()) {
            symbol.push(l);
            i += 1;
        }
        let mut digits = String::new();
        while let Some(&d) = chars.get(i).filter(|d| d.is_ascii_digit()) {
            digits.push(d);
            i += 1;
        }
        let n: u32 = if digits.is_empty() {
            1
        } else {
            digits.parse().map_err(|_| bad("count too large"))?
        };
        let z = shennong_mol::element::atomic_number(&symbol)
            .ok_or_else(|| bad(&format!("unknown element '{symbol}'")))?;
        out.push((z, n));
    }
    if out.is_empty() {
        return Err(bad("empty"));
    }
    Ok(out)
}

/// A compiled scoring function.
pub struct Scoring {
    method: Aggregation,
    components: Vec<Component>,
}

/// Scores of one molecule: raw and transformed per component, and the total.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Raw component values.
    pub raw: Vec<f64>,
    /// Transformed component scores in [0, 1].
    pub scores: Vec<f64>,
    /// The aggregate.
    pub total: f64,
}

impl ScoringConfig {
    /// Compiles the configuration; relative model paths resolve against `base`.
    pub fn build(&self, base: &Path) -> Result<Scoring, GenerateError> {
        if self.components.is_empty() {
            return Err(GenerateError::Config("scoring has no components".into()));
        }
        let mut components = Vec::with_capacity(self.components.len());
        for (i, c) in self.components.iter().enumerate() {
            let comp = compile(c, base).map_err(|e| match e {
                GenerateError::Config(m) => {
                    GenerateError::Config(format!("component {}: {m}", i + 1))
                }
                other => other,
            })?;
            if !(comp.weight.is_finite() && comp.weight >= 0.0) {
                return Err(GenerateError::Config(format!(
                    "component {} ({}): weight must be a non-negative number",
                    i + 1,
                    comp.name
                )));
            }
            components.push(comp);
        }
        let mut names: Vec<&str> = components.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w.first() == w.get(1)) {
            return Err(GenerateError::Config(format!(
                "two components are named '{}'; give one a `name`",
                w.first().copied().unwrap_or_default()
            )));
        }
        // names become table columns (`NAME_raw`, `NAME`) beside the fixed ones
        const FIXED: [&str; 6] = ["smiles", "id", "step", "call", "total", "fitness"];
        for name in &names {
            if name.is_empty() || name.contains([',', '"', '\n', '\r', '\t']) {
                return Err(GenerateError::Config(format!(
                    "component name {name:?}: names are table columns, so they must be non-empty and free of commas, quotes, tabs and line breaks"
                )));
            }
            let raw = format!("{name}_raw");
            if FIXED.contains(name) || names.contains(&raw.as_str()) {
                return Err(GenerateError::Config(format!(
                    "component name '{name}' would repeat a column of the scored table ({}, and NAME_raw for every component); choose another `name`",
                    FIXED.join(", ")
                )));
            }
        }
        Ok(Scoring {
            method: self.method,
            components,
        })
    }
}

/// An RDKit descriptor by name.
fn descriptor(name: &str) -> Result<Descriptor, GenerateError> {
    DescriptorSet::from_names(&[name])
        .map_err(|e| GenerateError::Config(e.to_string()))?
        .descriptors()
        .first()
        .cloned()
        .ok_or_else(|| GenerateError::Config(format!("unknown descriptor '{name}'")))
}

fn parse_reference(smiles: &str) -> Result<Mol, GenerateError> {
    shennong_smiles::parse(smiles)
        .map_err(|e| GenerateError::Config(format!("reference SMILES '{smiles}': {e}")))
}

fn compile(c: &ComponentConfig, base: &Path) -> Result<Component, GenerateError> {
    let make =
        |default: &str, name: &Option<String>, weight: f64, transform: Transform, calc| Component {
            name: name.clone().unwrap_or_else(|| default.to_string()),
            weight,
            transform,
            calc,
        };
    Ok(match c {
        ComponentConfig::Qed {
            name,
            weight,
            transform,
        } => make(
            "qed",
            name,
            *weight,
            *transform,
            Calc::Descriptor(descriptor("qed")?),
        ),
        ComponentConfig::SaScore {
            name,
            weight,
            transform,
        } => make(
            "sa_score",
            name,
            *weight,
            *transform,
            Calc::Descriptor(descriptor("SAscore")?),
        ),
        ComponentConfig::Descriptor {
            descriptor: d,
            name,
            weight,
            transform,
        } => make(
            d,
            name,
            *weight,
            *transform,
            Calc::Descriptor(descriptor(d)?),
        ),
        ComponentConfig::Similarity {
            smiles,
            fingerprint: kind,
            max_distance,
            name,
            weight,
            transform,
        } => {
            if smiles.is_empty() {
                return Err(GenerateError::Config(
                    "similarity needs reference smiles".into(),
                ));
            }
            let references = smiles
                .iter()
                .map(|s| parse_reference(s).map(|m| fingerprint(*kind, *max_distance, &m)))
                .collect::<Result<Vec<_>, _>>()?;
            make(
                "similarity",
                name,
                *weight,
                *transform,
                Calc::Similarity {
                    fingerprint: *kind,
                    max_distance: *max_distance,
                    references,
                },
            )
        }
        ComponentConfig::Smarts {
            smarts,
            forbidden,
            name,
            weight,
        } => {
            let queries = smarts
                .iter()
                .map(|s| {
                    shennong_smarts::parse(s)
                        .map_err(|e| GenerateError::Config(format!("SMARTS '{s}': {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let default = if *forbidden {
                "forbidden_smarts"
            } else {
                "required_smarts"
            };
            make(
                default,
                name,
                *weight,
                Transform::None,
                Calc::Smarts {
                    queries,
                    forbidden: *forbidden,
                },
            )
        }
        ComponentConfig::Alerts {
            catalogs,
            name,
            weight,
        } => {
            let mut catalog = Catalog::default();
            for n in catalogs {
                catalog
                    .extend(Catalog::builtin(n).map_err(|e| GenerateError::Config(e.to_string()))?);
            }
            make(
                "alerts",
                name,
                *weight,
                Transform::None,
                Calc::Alerts(catalog),
            )
        }
        ComponentConfig::AtomCount {
            element,
            name,
            weight,
            transform,
        } => {
            let z = shennong_mol::element::atomic_number(element)
                .ok_or_else(|| GenerateError::Config(format!("unknown element '{element}'")))?;
            make(
                &format!("count_{element}"),
                name,
                *weight,
                *transform,
                Calc::AtomCount(z),
            )
        }
        ComponentConfig::Isomer {
            formula,
            name,
            weight,
        } => {
            let elements = parse_formula(formula)?;
            let total = elements.iter().map(|e| e.1).sum();
            make(
                "isomer",
                name,
                *weight,
                Transform::None,
                Calc::Isomer { elements, total },
            )
        }
        ComponentConfig::Model {
            path,
            target,
            value,
            name,
            weight,
            transform,
        } => {
            let full = if path.is_absolute() {
                path.clone()
            } else {
                base.join(path)
            };
            let model = shennong_model::Model::load(&full)
                .map_err(|e| GenerateError::Config(format!("{}: {e}", full.display())))?;
            let featurizer = model
                .compile_featurizer()
                .map_err(|e| GenerateError::Config(e.to_string()))?;
            let names = model.target_names();
            let index = match target {
                Some(t) => names.iter().position(|n| n == t).ok_or_else(|| {
                    GenerateError::Config(format!(
                        "model {} has no target '{t}' (it has {})",
                        full.display(),
                        names.join(", ")
                    ))
                })?,
                None => 0,
            };
            let default = names.get(index).map_or("model", |n| n).to_string();
            make(
                &default,
                name,
                *weight,
                *transform,
                Calc::Model {
                    model: Box::new(model),
                    featurizer,
                    target: index,
                    value: *value,
                },
            )
        }
    })
}

impl Scoring {
    /// Builds a scoring from compiled parts (used by the PMO tasks).
    pub(crate) fn from_parts(method: Aggregation, components: Vec<Component>) -> Scoring {
        Scoring { method, components }
    }

    /// Component names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.components.iter().map(|c| c.name.as_str()).collect()
    }

    /// Scores one molecule.
    pub fn score(&self, mol: &Mol) -> ScoreRow {
        let raw: Vec<f64> = self.components.iter().map(|c| c.raw(mol)).collect();
        let scores: Vec<f64> = self
            .components
            .iter()
            .zip(&raw)
            .map(|(c, &r)| c.transform.apply(r))
            .collect();
        let total = self.aggregate(&scores);
        ScoreRow { raw, scores, total }
    }

    fn aggregate(&self, scores: &[f64]) -> f64 {
        let weights: Vec<f64> = self.components.iter().map(|c| c.weight).collect();
        let wsum: f64 = weights.iter().sum();
        if wsum <= 0.0 {
            return 0.0;
        }
        match self.method {
            Aggregation::ArithmeticMean => {
                scores.iter().zip(&weights).map(|(s, w)| s * w).sum::<f64>() / wsum
            }
            Aggregation::GeometricMean => {
                if scores
                    .iter()
                    .zip(&weights)
                    .any(|(s, w)| *w > 0.0 && (*s <= 0.0 || s.is_nan()))
                {
                    return 0.0;
                }
                (scores
                    .iter()
                    .zip(&weights)
                    .filter(|(_, w)| **w > 0.0)
                    .map(|(s, w)| w * s.ln())
                    .sum::<f64>()
                    / wsum)
                    .exp()
            }
        }
    }
}

/// Builders for components in code (the PMO tasks).
pub(crate) mod build {
    use super::*;

    pub fn similarity(
        name: &str,
        smiles: &str,
        kind: SimilarityFingerprint,
        max_distance: u32,
        transform: Transform,
    ) -> Result<Component, GenerateError> {
        let reference = fingerprint(kind, max_distance, &parse_reference(smiles)?);
        Ok(Component {
            name: name.into(),
            weight: 1.0,
            transform,
            calc: Calc::Similarity {
                fingerprint: kind,
                max_distance,
                references: vec![reference],
            },
        })
    }

    pub fn pharmacophore(
        name: &str,
        smiles: &str,
        transform: Transform,
    ) -> Result<Component, GenerateError> {
        similarity(name, smiles, SimilarityFingerprint::Pharm2d, 0, transform)
    }

    pub fn descriptor(name: &str, transform: Transform) -> Result<Component, GenerateError> {
        let d = super::descriptor(name)?;
        Ok(Component {
            name: name.into(),
            weight: 1.0,
            transform,
            calc: Calc::Descriptor(d),
        })
    }

    pub fn smarts(name: &str, smarts: &str, forbidden: bool) -> Result<Component, GenerateError> {
        let q = shennong_smarts::parse(smarts)
            .map_err(|e| GenerateError::Config(format!("SMARTS '{smarts}': {e}")))?;
        Ok(Component {
            name: name.into(),
            weight: 1.0,
            transform: Transform::None,
            calc: Calc::Smarts {
                queries: vec![q],
                forbidden,
            },
        })
    }

    pub fn isomer(name: &str, formula: &str) -> Result<Component, GenerateError> {
        let elements = parse_formula(formula)?;
        let total = elements.iter().map(|e| e.1).sum();
        Ok(Component {
            name: name.into(),
            weight: 1.0,
            transform: Transform::None,
            calc: Calc::Isomer { elements, total },
        })
    }

    pub fn atom_count(name: &str, z: u8, transform: Transform) -> Component {
        Component {
            name: name.into(),
            weight: 1.0,
            transform,
            calc: Calc::AtomCount(z),
        }
    }

    /// A reference molecule's descriptor value (targets of some PMO tasks).
    pub fn descriptor_of(smiles: &str, name: &str) -> Result<f64, GenerateError> {
        let mol = parse_reference(smiles)?;
        Ok(super::descriptor(name)?.compute(&MolContext::new(&mol)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn transforms_match_their_definitions() {
        let s = Transform::Sigmoid {
            low: 0.0,
            high: 10.0,
            k: 0.5,
        };
        assert!((s.apply(5.0) - 0.5).abs() < 1e-12);
        assert!(s.apply(10.0) > 0.99 && s.apply(0.0) < 0.01);
        let r = Transform::ReverseSigmoid {
            low: 0.0,
            high: 10.0,
            k: 0.5,
        };
        assert!((r.apply(2.0) - (1.0 - s.apply(2.0))).abs() < 1e-12);
        let c = Transform::Clipped {
            upper_x: 0.75,
            lower_x: 0.0,
        };
        assert_eq!(c.apply(0.9), 1.0);
        assert!((c.apply(0.375) - 0.5).abs() < 1e-12);
        let g = Transform::MinGaussian {
            mu: 1.0,
            sigma: 1.0,
        };
        assert_eq!(g.apply(0.0), 1.0);
        assert!((g.apply(2.0) - (-0.5f64).exp()).abs() < 1e-12);
        assert_eq!(
            Transform::Step {
                low: 1.0,
                high: 2.0
            }
            .apply(1.5),
            1.0
        );
        assert_eq!(Transform::LeftStep { low: 4.0 }.apply(4.5), 0.0);
        let d = Transform::DoubleSigmoid {
            low: 2.0,
            high: 4.0,
            coef_div: 100.0,
            coef_si: 150.0,
            coef_se: 150.0,
        };
        assert!(d.apply(3.0) > 0.9 && d.apply(10.0) < 0.01);
    }

    #[test]
    fn formulas_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse_formula("C9H10N2O2PF2Cl").unwrap(),
            vec![(6, 9), (1, 10), (7, 2), (8, 2), (15, 1), (9, 2), (17, 1)]
        );
        assert!(parse_formula("c7").is_err());
        assert!(parse_formula("Xx2").is_err());
    }

    #[test]
    fn geometric_mean_weights_and_zeros() {
        let config: ScoringConfig = toml::from_str(
            r#"
            [[component]]
            kind = "qed"
            weight = 2
            [[component]]
            kind = "smarts"
            smarts = ["[N+](=O)[O-]"]
            forbidden = true
            "#,
        )
        .unwrap();
        let scoring = config.build(Path::new(".")).unwrap();
        let ok = scoring.score(&shennong_smiles::parse("CC(=O)Nc1ccc(O)cc1").unwrap());
        assert!((ok.total - ok.scores[0].powf(2.0 / 3.0)).abs() < 1e-12);
        let nitro = scoring.score(&shennong_smiles::parse("O=[N+]([O-])c1ccccc1").unwrap());
        assert_eq!(nitro.total, 0.0);
    }

    #[test]
    fn unknown_fields_and_names_are_refused() {
        assert!(
            toml::from_str::<ScoringConfig>("[[component]]\nkind = \"qed\"\nwieght = 1").is_err()
        );
        let config: ScoringConfig =
            toml::from_str("[[component]]\nkind = \"descriptor\"\ndescriptor = \"NoSuch\"")
                .unwrap();
        assert!(config.build(Path::new(".")).is_err());
    }

    /// Regression: component names went unchecked into the scored table, so
    /// a comma broke `scored.csv` and `total` or `qed_raw` repeated a column.
    #[test]
    fn component_names_that_would_break_the_scored_table_are_refused() {
        for (names, why) in [
            (vec!["a,b"], "commas"),
            (vec!["total"], "repeat a column"),
            (vec!["qed", "qed_raw"], "repeat a column"),
            (vec![""], "non-empty"),
        ] {
            let text: String = names
                .iter()
                .map(|n| format!("[[component]]\nkind = \"qed\"\nname = {n:?}\n"))
                .collect();
            let config: ScoringConfig = toml::from_str(&text).unwrap();
            let err = config.build(Path::new(".")).err().unwrap().to_string();
            assert!(err.contains(why), "{names:?}: {err}");
        }
    }
}
