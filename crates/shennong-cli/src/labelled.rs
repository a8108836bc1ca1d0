//! Reading labelled data (molecules with target columns and optional
//! split / cliff columns) for `train` and `evaluate`.

use anyhow::{bail, Result};
use shennong::model::TrainingSet;
use shennong::smiles::to_smiles;

use crate::batch::{self, render_error, BatchArgs};

/// How rows are divided into training and test parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitChoice {
    /// All rows train.
    None,
    /// Seeded random test fraction.
    Random,
    /// Bemis–Murcko scaffold groups, never divided.
    Scaffold,
    /// A column whose value `test` marks test rows.
    Column(String),
}

impl SplitChoice {
    /// Parses `none`, `random`, `scaffold` or `column:NAME`.
    pub fn parse(text: &str) -> Result<SplitChoice> {
        Ok(match text {
            "none" => SplitChoice::None,
            "random" => SplitChoice::Random,
            "scaffold" => SplitChoice::Scaffold,
            _ => match text.strip_prefix("column:") {
                Some(c) if !c.is_empty() => SplitChoice::Column(c.to_string()),
                _ => bail!("unknown split '{text}' (none, random, scaffold, column:NAME)"),
            },
        })
    }
}

/// Labelled rows.
pub struct Labelled {
    /// Record ids.
    pub ids: Vec<String>,
    /// Molecules, canonical SMILES and targets.
    pub set: TrainingSet,
    /// Value of the split column per row (when asked for).
    pub split: Vec<String>,
    /// Cliff flag per row (when asked for).
    pub cliff: Vec<bool>,
}

fn parse_target(text: &str) -> Option<Option<f64>> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") || t.eq_ignore_ascii_case("na") {
        return Some(None);
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some)
}

/// Reads `input`, keeping rows whose molecule parses and whose target
/// values are numbers or empty; others are reported and counted.
pub fn read(
    args: &BatchArgs,
    input: &str,
    targets: &[String],
    split_col: Option<&str>,
    cliff_col: Option<&str>,
) -> Result<Labelled> {
    let mut args = args.clone();
    args.carry_columns = true;
    struct Row {
        id: String,
        mol: shennong::mol::Mol,
        values: Vec<f64>,
        split: String,
        cliff: bool,
    }
    let mut rows: Vec<Row> = Vec::new();
    batch::run_into(
        &args,
        input,
        |raw| {
            let (number, line) = (raw.number, raw.line);
            let record = raw.parse()?;
            let field = |name: &str| {
                record
                    .data
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.as_str())
            };
            let mut values = Vec::with_capacity(targets.len());
            for t in targets {
                let Some(text) = field(t) else {
                    return Err(render_error(
                        number,
                        line,
                        &record.id,
                        format!("no value for target '{t}'"),
                    ));
                };
                match parse_target(text) {
                    Some(v) => values.push(v.unwrap_or(f64::NAN)),
                    None => {
                        return Err(render_error(
                            number,
                            line,
                            &record.id,
                            format!("target '{t}' is not a number: '{text}'"),
                        ))
                    }
                }
            }
            let split = split_col
                .and_then(&field)
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let cliff = cliff_col
                .and_then(field)
                .is_some_and(|v| matches!(v.trim(), "1" | "1.0" | "true" | "True"));
            Ok(Row {
                id: record.id,
                mol: record.mol,
                values,
                split,
                cliff,
            })
        },
        |row| {
            rows.push(row);
            Ok(())
        },
    )?;
    if rows.is_empty() {
        bail!("no usable rows in {input}");
    }
    let mut ids = Vec::with_capacity(rows.len());
    let mut mols = Vec::with_capacity(rows.len());
    let mut smiles = Vec::with_capacity(rows.len());
    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(rows.len()); targets.len()];
    let mut split = Vec::with_capacity(rows.len());
    let mut cliff = Vec::with_capacity(rows.len());
    for r in rows {
        ids.push(r.id);
        smiles.push(to_smiles(&r.mol));
        mols.push(r.mol);
        for (c, v) in columns.iter_mut().zip(r.values) {
            c.push(v);
        }
        split.push(r.split);
        cliff.push(r.cliff);
    }
    Ok(Labelled {
        ids,
        set: TrainingSet {
            mols,
            smiles,
            targets: targets.iter().cloned().zip(columns).collect(),
        },
        split,
        cliff,
    })
}

impl Labelled {
    /// The rows at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Labelled {
        let pick = |v: &Vec<String>| {
            indices
                .iter()
                .filter_map(|&i| v.get(i).cloned())
                .collect::<Vec<_>>()
        };
        Labelled {
            ids: pick(&self.ids),
            set: TrainingSet {
                mols: indices
                    .iter()
                    .filter_map(|&i| self.set.mols.get(i).cloned())
                    .collect(),
                smiles: pick(&self.set.smiles),
                targets: self
                    .set
                    .targets
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.clone(),
                            indices.iter().filter_map(|&i| v.get(i).copied()).collect(),
                        )
                    })
                    .collect(),
            },
            split: pick(&self.split),
            cliff: indices
                .iter()
                .filter_map(|&i| self.cliff.get(i).copied())
                .collect(),
        }
    }

    /// Rows whose split column says `test`, and the others.
    pub fn by_column(&self) -> (Vec<usize>, Vec<usize>) {
        (0..self.ids.len()).partition(|&i| self.split.get(i).is_none_or(|s| s != "test"))
    }
}

/// Metrics of `model` on the labelled rows `data`, as table rows named
/// `part`, plus `part:cliff` rows on the cliff compounds when asked.
pub fn metrics_rows(
    model: &shennong::model::Model,
    data: &Labelled,
    part: &str,
    coverage: f64,
    with_cliffs: bool,
) -> Result<Vec<(String, String, shennong::model::Metrics)>> {
    use shennong::model::evaluate;
    let featurizer = model.compile_featurizer()?;
    let predictions = model.predict(&featurizer, &data.set.mols, coverage)?;
    let mut table: Vec<_> = evaluate(model, &predictions, &data.set.targets)?
        .into_iter()
        .map(|(name, m)| (name, part.to_string(), m))
        .collect();
    if with_cliffs {
        let rows: Vec<usize> = (0..data.ids.len())
            .filter(|&i| data.cliff.get(i) == Some(&true))
            .collect();
        let preds: Vec<_> = rows
            .iter()
            .filter_map(|&i| predictions.get(i).cloned())
            .collect();
        for (name, m) in evaluate(model, &preds, &data.subset(&rows).set.targets)? {
            table.push((name, format!("{part}:cliff"), m));
        }
    }
    Ok(table)
}

/// Prints a metrics table: one row per (target, part).
pub fn print_table(rows: &[(String, String, shennong::model::Metrics)]) {
    let mut names: Vec<String> = Vec::new();
    for (_, _, m) in rows {
        for (k, _) in &m.values {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    let mut header = format!("{:<16} {:<12} {:>6}", "target", "part", "n");
    for n in &names {
        header.push_str(&format!(" {n:>10}"));
    }
    println!("{header}");
    for (target, part, m) in rows {
        let mut line = format!("{target:<16} {part:<12} {:>6}", m.n);
        for n in &names {
            match m.get(n) {
                Some(v) => line.push_str(&format!(" {v:>10.4}")),
                None => line.push_str(&format!(" {:>10}", "")),
            }
        }
        println!("{line}");
    }
}
