//! `shennong evaluate`: a model's metrics on labelled data.

use std::path::Path;

use anyhow::Result;
use clap::Args;
use shennong::model::Model;

use crate::batch::BatchArgs;
use crate::labelled::{self, print_table};

/// Arguments of `shennong evaluate`.
#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// Model file written by `shennong train`.
    pub model: String,
    /// Labelled data holding the model's target columns.
    pub input: String,
    /// Only rows whose column NAME is "test" (e.g. --test-col split).
    #[arg(long)]
    pub test_col: Option<String>,
    /// Column flagging activity-cliff compounds (1/0); adds a cliff row.
    #[arg(long)]
    pub cliff_col: Option<String>,
    /// Nominal coverage of the prediction intervals.
    #[arg(long, default_value_t = 0.9)]
    pub coverage: f64,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Runs `shennong evaluate`.
pub fn run(args: EvaluateArgs) -> Result<i32> {
    crate::train::init_threads(args.batch.threads);
    let model = Model::load(Path::new(&args.model))?;
    let targets: Vec<String> = model.target_names().iter().map(|s| s.to_string()).collect();
    let mut data = labelled::read(
        &args.batch,
        &args.input,
        &targets,
        args.test_col.as_deref(),
        args.cliff_col.as_deref(),
    )?;
    let part = if args.test_col.is_some() {
        let (_, test) = data.by_column();
        data = data.subset(&test);
        "test"
    } else {
        "all"
    };
    let table =
        labelled::metrics_rows(&model, &data, part, args.coverage, args.cliff_col.is_some())?;
    print_table(&table);
    Ok(0)
}
