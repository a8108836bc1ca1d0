//! `shennong predict`: apply a model file to molecules.

use std::path::Path;

use anyhow::{bail, Result};
use clap::Args;
use shennong::io::{Cell, Column, ColumnType, TableWriter};
use shennong::model::{Model, Task};

use crate::batch::{self, BatchArgs};

/// Arguments of `shennong predict`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Model file written by `shennong train`.
    pub model: String,
    /// Molecules (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output table, .csv or .tsv (optionally .gz) or .parquet: id, smiles, per target the prediction and its
    /// interval (regression) or probability (classification), and
    /// ad_similarity (nearest training-set Tanimoto on ECFP4).
    #[arg(short, long)]
    pub output: String,
    /// Nominal coverage of the prediction intervals.
    #[arg(long, default_value_t = 0.9)]
    pub coverage: f64,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Molecules predicted together.
const BLOCK: usize = 1024;

/// A prediction as a cell, rounded to 6 decimals: more would only repeat
/// the model's noise.
fn number(v: f64) -> Cell {
    if v.is_finite() {
        Cell::Float((v * 1e6).round() / 1e6)
    } else {
        Cell::Float(v)
    }
}

/// Runs `shennong predict`.
pub fn run(args: PredictArgs) -> Result<i32> {
    crate::train::init_threads(args.batch.threads);
    if !(0.0..=1.0).contains(&args.coverage) {
        bail!("--coverage must be between 0 and 1");
    }
    let model = Model::load(Path::new(&args.model))?;
    let featurizer = model.compile_featurizer()?;
    let mut columns = vec![
        Column::new("id", ColumnType::Text),
        Column::new("smiles", ColumnType::Text),
    ];
    for name in model.target_names() {
        match model.task {
            Task::Regression => {
                columns.push(Column::new(name, ColumnType::Float));
                columns.push(Column::new(format!("{name}_lo"), ColumnType::Float));
                columns.push(Column::new(format!("{name}_hi"), ColumnType::Float));
            }
            Task::Classification => {
                columns.push(Column::new(format!("{name}_prob"), ColumnType::Float))
            }
        }
    }
    columns.push(Column::new("ad_similarity", ColumnType::Float));
    let coverage = args.coverage.to_string();
    let mut table = TableWriter::create(
        &args.output,
        columns,
        &[
            ("shennong.model", &args.model),
            ("shennong.coverage", &coverage),
        ],
    )?;
    // Records are parsed in parallel and predicted in blocks, so that the
    // GP solves for a block's variances in one pass over its factor.
    let mut pending: Vec<(String, shennong::mol::Mol)> = Vec::with_capacity(BLOCK);
    let flush =
        |pending: &mut Vec<(String, shennong::mol::Mol)>, table: &mut TableWriter| -> Result<()> {
            if pending.is_empty() {
                return Ok(());
            }
            let (ids, mols): (Vec<String>, Vec<shennong::mol::Mol>) = pending.drain(..).unzip();
            let predictions = model.predict(&featurizer, &mols, args.coverage)?;
            for ((id, mol), p) in ids.into_iter().zip(&mols).zip(&predictions) {
                let mut row = vec![Cell::Text(id), Cell::Text(shennong::smiles::to_smiles(mol))];
                for t in &p.targets {
                    row.push(number(t.value));
                    if model.task == Task::Regression {
                        row.push(number(t.lo));
                        row.push(number(t.hi));
                    }
                }
                row.push(number(p.ad_similarity));
                table.write_row(row)?;
            }
            Ok(())
        };
    let summary = batch::run_into(
        &args.batch,
        &args.input,
        |raw| {
            let record = raw.parse()?;
            Ok((record.id, record.mol))
        },
        |item| {
            pending.push(item);
            if pending.len() >= BLOCK {
                flush(&mut pending, &mut table)?;
            }
            Ok(())
        },
    )?;
    flush(&mut pending, &mut table)?;
    table.commit()?;
    Ok(if summary.failed > 0 { 1 } else { 0 })
}
