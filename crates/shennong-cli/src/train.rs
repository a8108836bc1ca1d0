//! `shennong train`: fit a QSAR/ADMET model and write a model file.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use shennong::model::{
    murcko_scaffold, random_split, scaffold_split, FeaturizerSpec, LearnerKind, Model, Task,
    TrainOptions,
};

use crate::batch::BatchArgs;
use crate::labelled::{self, print_table, SplitChoice};

/// Regression or classification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TaskArg {
    /// Real-valued targets.
    Regression,
    /// 0/1 targets.
    Classification,
}

/// Arguments of `shennong train`.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Training data: CSV/TSV with a SMILES column and target columns, or an SD file with target data items.
    pub input: String,
    /// Target column(s), comma-separated (several make a multi-task model).
    #[arg(long, value_delimiter = ',', required = true)]
    pub target: Vec<String>,
    /// Regression or classification (0/1 targets).
    #[arg(long, value_enum, default_value = "regression")]
    pub task: TaskArg,
    /// Learner: auto (chosen by cross-validation within --time-budget), gp, rf, gbm or knn.
    #[arg(long, default_value = "auto")]
    pub model: String,
    /// Features: blocks joined by + (ecfp4, ecfp6, fcfp4, fcfp6, atompair, torsion, rdkit, optionally -counts; maccs; desc).
    #[arg(long, default_value = "ecfp4-counts")]
    pub features: String,
    /// Size of hashed fingerprints.
    #[arg(long, default_value_t = 2048)]
    pub fp_size: u32,
    /// Hold-out split: none, random, scaffold, or column:NAME (rows whose NAME is "test").
    /// The model is trained on the training part and its test metrics printed and stored.
    #[arg(long, default_value = "none")]
    pub split: String,
    /// Test fraction for random and scaffold splits.
    #[arg(long, default_value_t = 0.2)]
    pub test_fraction: f64,
    /// Cross-validation folds (learner choice and interval calibration).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Seed for splits, folds and learners.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Seconds after which auto stops trying further learners.
    #[arg(long, default_value_t = 600)]
    pub time_budget: u64,
    /// Coverage of the prediction intervals reported for the test part.
    #[arg(long, default_value_t = 0.9)]
    pub coverage: f64,
    /// Column flagging activity-cliff compounds (1/0); adds cliff metrics on the test part.
    #[arg(long)]
    pub cliff_col: Option<String>,
    /// Model file to write (.shm).
    #[arg(short, long)]
    pub output: String,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Sets the global thread pool from --threads.
pub fn init_threads(threads: Option<usize>) {
    if let Some(n) = threads {
        // Fails only if a pool exists already, which then stays in use.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
}

/// Runs `shennong train`.
pub fn run(args: TrainArgs) -> Result<i32> {
    init_threads(args.batch.threads);
    let learner = match args.model.as_str() {
        "auto" => None,
        name => Some(
            LearnerKind::from_name(name)
                .with_context(|| format!("unknown model '{name}' (auto, gp, rf, gbm, knn)"))?,
        ),
    };
    let features = FeaturizerSpec::from_name(&args.features, args.fp_size)?;
    let split = SplitChoice::parse(&args.split)?;
    if !(0.0..1.0).contains(&args.test_fraction) {
        bail!("--test-fraction must be in [0, 1)");
    }
    let split_col = match &split {
        SplitChoice::Column(c) => Some(c.as_str()),
        _ => None,
    };
    let data = labelled::read(
        &args.batch,
        &args.input,
        &args.target,
        split_col,
        args.cliff_col.as_deref(),
    )?;
    let n = data.ids.len();
    let scaffolds: Option<Vec<String>> = (split == SplitChoice::Scaffold)
        .then(|| data.set.mols.iter().map(murcko_scaffold).collect());
    let (train_rows, test_rows) = match &split {
        SplitChoice::None => ((0..n).collect(), Vec::new()),
        SplitChoice::Random => {
            let s = random_split(n, args.test_fraction, args.seed);
            (s.train, s.test)
        }
        SplitChoice::Scaffold => {
            let s = scaffold_split(
                scaffolds.as_deref().unwrap_or(&[]),
                args.test_fraction,
                args.seed,
            );
            (s.train, s.test)
        }
        SplitChoice::Column(_) => data.by_column(),
    };
    if !test_rows.is_empty() {
        eprintln!(
            "split {}: {} training rows, {} test rows",
            args.split,
            train_rows.len(),
            test_rows.len()
        );
    }
    let train = data.subset(&train_rows);
    let task = match args.task {
        TaskArg::Regression => Task::Regression,
        TaskArg::Classification => Task::Classification,
    };
    let options = TrainOptions {
        learner,
        folds: args.folds,
        seed: args.seed,
        time_budget: Duration::from_secs(args.time_budget),
        // With a scaffold split, CV folds keep scaffolds together too, so
        // that calibration sees new-scaffold errors.
        groups: scaffolds.as_ref().map(|s| {
            train_rows
                .iter()
                .filter_map(|&i| s.get(i).cloned())
                .collect()
        }),
    };
    let command: Vec<String> = std::env::args().collect();
    let quiet = args.batch.quiet;
    let start = Instant::now();
    let model = Model::train(
        &train.set,
        features,
        task,
        &options,
        &command.join(" "),
        &mut |line| {
            if !quiet {
                eprintln!("{line}");
            }
        },
    )?;
    let train_secs = start.elapsed().as_secs_f64();
    for t in &model.targets {
        let chosen = t.learner.kind().name();
        match t.candidates.len() {
            0 | 1 => eprintln!("target {}: {chosen}", t.name),
            _ => eprintln!(
                "target {}: auto chose {chosen} ({} candidates by {}-fold CV)",
                t.name,
                t.candidates.len(),
                args.folds
            ),
        }
    }
    let mut table = Vec::new();
    for t in &model.targets {
        if let Some(c) = t.candidates.first() {
            table.push((
                t.name.clone(),
                format!("cv:{}", c.learner.name()),
                c.metrics.clone(),
            ));
        }
    }
    if !test_rows.is_empty() {
        let test = data.subset(&test_rows);
        table.extend(labelled::metrics_rows(
            &model,
            &test,
            "test",
            args.coverage,
            args.cliff_col.is_some(),
        )?);
    }
    print_table(&table);
    model.save(Path::new(&args.output))?;
    eprintln!(
        "wrote {} ({} rows, {:.1} s training)",
        args.output,
        train_rows.len(),
        train_secs
    );
    Ok(0)
}
