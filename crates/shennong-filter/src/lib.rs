//! Structural alert catalogs: RDKit FilterCatalog's PAINS A/B/C (Baell &
//! Holloway, J. Med. Chem. 2010, 53, 2719), Brenk (Brenk et al.,
//! ChemMedChem 2008, 3, 435), NIH (Jadhav et al., J. Med. Chem. 2010, 53,
//! 37), ZINC, and the ChEMBL sets (Glaxo, Dundee, BMS, Inpharmatica, LINT,
//! MLSMR, SureChEMBL), plus catalogs read from users' SMARTS files.
//!
//! Each alert is a SMARTS read with RDKit's `mergeHs` (as FilterCatalog
//! reads its definitions) and a minimum number of unique matches: an alert
//! defined with "at most N matches allowed" fires from N + 1 matches, as
//! RDKit's `MakeFilterCatalogEntry` does. Alerts fire in catalog order.
//!
//! ```
//! use shennong_filter::Catalog;
//! let pains = Catalog::builtin("pains").unwrap();
//! let mol = shennong_smiles::parse("O=C1C(=Cc2ccc(O)cc2)SC(=S)N1").unwrap();
//! let hits = pains.hits(&mol);
//! assert_eq!(hits[0].name, "ene_rhod_A(235)");
//! ```
#![deny(missing_docs)]

use shennong_mol::Mol;
use shennong_smarts::{parse_with, MatchOptions, ParseOptions, Query, SmartsError, Target};

/// A catalog name that is not built in, or a bad alert definition.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// The name is none of [`BUILTIN_CATALOGS`] or their groups.
    #[error("unknown alert catalog '{0}' (known: {known})", known = catalog_names().join(", "))]
    UnknownCatalog(String),
    /// A line of a SMARTS file that cannot be used.
    #[error("{source_name}, line {line}: {reason}")]
    BadLine {
        /// The catalog's name (usually the file name).
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
}

/// One structural alert.
#[derive(Debug, Clone)]
pub struct Alert {
    /// The catalog it belongs to (`pains_a`, `brenk`, a file name, …).
    pub catalog: String,
    /// Its name, as RDKit's `GetDescription()` gives it for built-in alerts.
    pub name: String,
    /// The SMARTS it was read from.
    pub smarts: String,
    /// The alert fires when the pattern has at least this many unique matches.
    pub min_count: usize,
    query: Query,
}

impl Alert {
    /// Whether the alert fires on a prepared target.
    pub fn fires_in(&self, target: &Target<'_>) -> bool {
        if self.min_count <= 1 {
            return self.query.is_match_in(target);
        }
        let opts = MatchOptions {
            uniquify: true,
            max_matches: self.min_count,
            use_chirality: false,
        };
        self.query.count_in(target, &opts) >= self.min_count
    }
}

/// A list of alerts, searched in order.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    alerts: Vec<Alert>,
}

/// The built-in catalogs, as RDKit's `FilterCatalogParams.FilterCatalogs`
/// names them (lower case), with their definitions.
pub const BUILTIN_CATALOGS: [(&str, &str); 13] = [
    ("pains_a", include_str!("../../../data/filters/pains_a.tsv")),
    ("pains_b", include_str!("../../../data/filters/pains_b.tsv")),
    ("pains_c", include_str!("../../../data/filters/pains_c.tsv")),
    ("brenk", include_str!("../../../data/filters/brenk.tsv")),
    ("nih", include_str!("../../../data/filters/nih.tsv")),
    ("zinc", include_str!("../../../data/filters/zinc.tsv")),
    (
        "chembl_glaxo",
        include_str!("../../../data/filters/chembl_glaxo.tsv"),
    ),
    (
        "chembl_dundee",
        include_str!("../../../data/filters/chembl_dundee.tsv"),
    ),
    (
        "chembl_bms",
        include_str!("../../../data/filters/chembl_bms.tsv"),
    ),
    (
        "chembl_mlsmr",
        include_str!("../../../data/filters/chembl_mlsmr.tsv"),
    ),
    (
        "chembl_inpharmatica",
        include_str!("../../../data/filters/chembl_inpharmatica.tsv"),
    ),
    (
        "chembl_lint",
        include_str!("../../../data/filters/chembl_lint.tsv"),
    ),
    (
        "chembl_surechembl",
        include_str!("../../../data/filters/chembl_surechembl.tsv"),
    ),
];

/// Names that stand for several catalogs, as RDKit's `PAINS`, `CHEMBL` and `ALL`.
const GROUPS: [&str; 3] = ["pains", "chembl", "all"];

fn group_members(group: &str) -> Option<Vec<&'static str>> {
    let names = BUILTIN_CATALOGS.iter().map(|(n, _)| *n);
    match group {
        "pains" => Some(names.filter(|n| n.starts_with("pains_")).collect()),
        "chembl" => Some(names.filter(|n| n.starts_with("chembl_")).collect()),
        "all" => Some(names.collect()),
        _ => None,
    }
}

/// Every name [`Catalog::builtin`] accepts.
pub fn catalog_names() -> Vec<&'static str> {
    GROUPS
        .iter()
        .copied()
        .chain(BUILTIN_CATALOGS.iter().map(|(n, _)| *n))
        .collect()
}

impl Catalog {
    /// A built-in catalog or group (`pains`, `chembl`, `all`), by name, case-insensitive.
    pub fn builtin(name: &str) -> Result<Catalog, FilterError> {
        let lower = name.trim().to_ascii_lowercase();
        let members: Vec<&str> = group_members(&lower).unwrap_or_else(|| vec![lower.as_str()]);
        let mut catalog = Catalog::default();
        for member in members {
            let text = BUILTIN_CATALOGS
                .iter()
                .find(|(n, _)| *n == member)
                .map(|(_, t)| *t)
                .ok_or_else(|| FilterError::UnknownCatalog(name.to_string()))?;
            catalog.extend(Catalog::parse(member, text)?);
        }
        Ok(catalog)
    }

    /// Reads a catalog from text. Each line that is not blank and does not
    /// start with `#` is either `name<TAB>smarts[<TAB>max]` (the built-in
    /// format; `max` is the largest match count still allowed, 0 meaning any
    /// match fires) or, without tabs, `smarts [name]` as in a SMILES file (the
    /// name defaults to the SMARTS). Patterns are read with `mergeHs`.
    pub fn parse(catalog_name: &str, text: &str) -> Result<Catalog, FilterError> {
        let mut alerts = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line_no = i + 1;
            let trimmed = line.trim_end_matches('\r');
            if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
                continue;
            }
            let bad = |reason: String| FilterError::BadLine {
                source_name: catalog_name.to_string(),
                line: line_no,
                reason,
            };
            let (name, smarts, max) = if trimmed.contains('\t') {
                let fields: Vec<&str> = trimmed.split('\t').collect();
                match fields.as_slice() {
                    [name, smarts] => (name.trim().to_string(), smarts.trim(), 0),
                    [name, smarts, max] => {
                        let max = max.trim().parse::<usize>().map_err(|_| {
                            bad(format!(
                                "third column '{max}' is not a whole number of allowed matches"
                            ))
                        })?;
                        (name.trim().to_string(), smarts.trim(), max)
                    }
                    _ => {
                        return Err(bad(format!(
                            "expected name<TAB>smarts[<TAB>max], found {} columns",
                            fields.len()
                        )))
                    }
                }
            } else {
                let mut parts = trimmed.split_whitespace();
                let smarts = parts.next().unwrap_or_default();
                let rest: Vec<&str> = parts.collect();
                let name = if rest.is_empty() {
                    smarts.to_string()
                } else {
                    rest.join(" ")
                };
                (name, smarts, 0)
            };
            if smarts.is_empty() {
                return Err(bad("empty SMARTS".into()));
            }
            let query = parse_with(smarts, ParseOptions { merge_hs: true })
                .map_err(|e: SmartsError| bad(format!("{e}\n{}", e.caret())))?;
            alerts.push(Alert {
                catalog: catalog_name.to_string(),
                name,
                smarts: smarts.to_string(),
                min_count: max.saturating_add(1),
                query,
            });
        }
        Ok(Catalog { alerts })
    }

    /// Appends another catalog's alerts.
    pub fn extend(&mut self, other: Catalog) {
        self.alerts.extend(other.alerts);
    }

    /// The alerts, in search order.
    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// Number of alerts.
    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Whether there are no alerts.
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// The alerts that fire on a molecule, in catalog order.
    pub fn hits(&self, mol: &Mol) -> Vec<&Alert> {
        self.hits_in(&Target::new(mol))
    }

    /// As [`Catalog::hits`], on a target prepared once for many catalogs.
    pub fn hits_in(&self, target: &Target<'_>) -> Vec<&Alert> {
        self.alerts.iter().filter(|a| a.fires_in(target)).collect()
    }

    /// Whether any alert fires (stops at the first).
    pub fn any_hit(&self, mol: &Mol) -> bool {
        let target = Target::new(mol);
        self.alerts.iter().any(|a| a.fires_in(&target))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn builtin_sizes_match_rdkit() {
        // RDKit 2026.09 FilterCatalog entry counts.
        let sizes: Vec<(&str, usize)> = BUILTIN_CATALOGS
            .iter()
            .map(|(n, _)| (*n, Catalog::builtin(n).unwrap().len()))
            .collect();
        assert_eq!(
            sizes,
            vec![
                ("pains_a", 16),
                ("pains_b", 55),
                ("pains_c", 409),
                ("brenk", 105),
                ("nih", 180),
                ("zinc", 50),
                ("chembl_glaxo", 55),
                ("chembl_dundee", 105),
                ("chembl_bms", 180),
                ("chembl_mlsmr", 116),
                ("chembl_inpharmatica", 91),
                ("chembl_lint", 57),
                ("chembl_surechembl", 166),
            ]
        );
    }

    #[test]
    fn unknown_catalog_is_named() {
        let e = Catalog::builtin("painz").unwrap_err().to_string();
        assert!(e.contains("unknown alert catalog 'painz'") && e.contains("pains_a"));
    }

    #[test]
    fn user_file_lines() {
        let c = Catalog::parse(
            "mine",
            "# comment\n[N+](=O)[O-] nitro group\nacid\tC(=O)[OH]\nthree_rings\t[R]\t2\n",
        )
        .unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.alerts()[0].name, "nitro group");
        assert_eq!(c.alerts()[2].min_count, 3);
        let m = shennong_smiles::parse("OC(=O)c1ccccc1[N+](=O)[O-]").unwrap();
        let names: Vec<&str> = c.hits(&m).iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["nitro group", "acid", "three_rings"]);
    }

    #[test]
    fn bad_line_says_where() {
        let e = Catalog::parse("mine.txt", "ok\tC\nbad\tC(\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.txt, line 2: SMARTS error"), "{e}");
        let e = Catalog::parse("mine.txt", "x\tC\tmany\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 1") && e.contains("'many'"), "{e}");
    }
}
