//! `shennong predict`: apply a model file to molecules.

use std::path::Path;

use anyhow::{bail, Result};
use clap::Args;
use shennong::io::OutputFile;
use shennong::model::{Model, Task};

use crate::batch::{self, BatchArgs};
use crate::fp::csv_field;

/// Arguments of `shennong predict`.
#[derive(Args, Debug)]
pub struct PredictArgs {
    /// Model file written by `shennong train`.
    pub model: String,
    /// Molecules (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output CSV (or .tsv): id, smiles, per target the prediction and its
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

fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.6}")
    } else if v.is_nan() {
        String::new()
    } else if v > 0.0 {
        "inf".into()
    } else {
        "-inf".into()
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
    let stem = args.output.trim_end_matches(".gz");
    let sep = if stem.ends_with(".tsv") { '\t' } else { ',' };
    let mut output = OutputFile::create(&args.output, args.output.ends_with(".gz"))?;
    let mut header = vec!["id".to_string(), "smiles".to_string()];
    for name in model.target_names() {
        match model.task {
            Task::Regression => {
                header.push(name.to_string());
                header.push(format!("{name}_lo"));
                header.push(format!("{name}_hi"));
            }
            Task::Classification => header.push(format!("{name}_prob")),
        }
    }
    header.push("ad_similarity".into());
    let field = |s: &str| {
        if sep == ',' {
            csv_field(s)
        } else {
            s.replace(['\t', '\n', '\r'], " ")
        }
    };
    output.write_str(&format!(
        "{}\n",
        header
            .iter()
            .map(|h| field(h))
            .collect::<Vec<_>>()
            .join(&sep.to_string())
    ))?;
    // Records are parsed in parallel and predicted in blocks, so that the
    // GP solves for a block's variances in one pass over its factor.
    let mut pending: Vec<(String, shennong::mol::Mol)> = Vec::with_capacity(BLOCK);
    let sep_str = sep.to_string();
    let flush =
        |pending: &mut Vec<(String, shennong::mol::Mol)>, output: &mut OutputFile| -> Result<()> {
            if pending.is_empty() {
                return Ok(());
            }
            let (ids, mols): (Vec<String>, Vec<shennong::mol::Mol>) = pending.drain(..).unzip();
            let predictions = model.predict(&featurizer, &mols, args.coverage)?;
            let mut text = String::new();
            for ((id, mol), p) in ids.iter().zip(&mols).zip(&predictions) {
                let mut cols = vec![field(id), field(&shennong::smiles::to_smiles(mol))];
                for t in &p.targets {
                    cols.push(number(t.value));
                    if model.task == Task::Regression {
                        cols.push(number(t.lo));
                        cols.push(number(t.hi));
                    }
                }
                cols.push(number(p.ad_similarity));
                text.push_str(&cols.join(&sep_str));
                text.push('\n');
            }
            output.write_str(&text)?;
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
                flush(&mut pending, &mut output)?;
            }
            Ok(())
        },
    )?;
    flush(&mut pending, &mut output)?;
    output.commit()?;
    Ok(if summary.failed > 0 { 1 } else { 0 })
}
