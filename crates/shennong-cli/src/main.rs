//! `shennong`: the command-line front end. It parses arguments, wires
//! readers to operations to writers, and prints; the chemistry lives in the
//! library crates.

mod batch;
mod cluster;
mod convert;
mod desc;
mod design;
mod evaluate;
mod filter;
mod fp;
mod index;
mod labelled;
mod matching;
mod predict;
mod search;
mod standardize;
mod train;

use clap::{Parser, Subcommand};

/// Molecule perception allocates many small vectors; mimalloc serves them
/// much faster than the system allocator, especially across threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Shennong: fast, RDKit-compatible cheminformatics.
#[derive(Parser)]
#[command(name = "shennong", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert molecules between SMILES, SD and CSV/TSV files (canonical SMILES by default).
    Convert(convert::ConvertArgs),
    /// Fingerprint molecules (Morgan/ECFP, FCFP, atom pair, torsion, RDKit path, MACCS, pattern) into an FPS file, or sparse counts into CSV.
    Fp(fp::FpArgs),
    /// Substructure search with a SMARTS (or SMILES) pattern: ids of matching records, or match counts.
    Match(matching::MatchArgs),
    /// Compute RDKit-compatible descriptors (MolWt, TPSA, MolLogP, QED, SA score, fr_* counts, ...) into a CSV/TSV table.
    Desc(desc::DescArgs),
    /// Flag structural alerts (PAINS, Brenk, NIH, ZINC, ChEMBL sets, your SMARTS) on every record; --drop/--keep to split.
    Filter(filter::FilterArgs),
    /// Standardise structures as RDKit's MolStandardize does (clean-up, salts, largest fragment, uncharge, canonical tautomer; --parent to choose).
    Standardize(standardize::StandardizeArgs),
    /// Build a memory-mapped library index (fingerprints, ids, SMILES, pattern screen), or describe one.
    #[command(subcommand)]
    Index(index::IndexCommand),
    /// Search an index: similarity (k-NN, threshold), substructure, or NxN neighbour lists.
    #[command(subcommand)]
    Search(search::SearchCommand),
    /// Cluster an index (Taylor-Butina, as RDKit's Butina.ClusterData).
    Cluster(cluster::ClusterArgs),
    /// Pick a diverse subset of an index (MaxMin, as RDKit's MaxMinPicker).
    Pick(cluster::PickArgs),
    /// Train a QSAR/ADMET model (GP, random forest, boosting, k-NN) with conformal intervals.
    Train(train::TrainArgs),
    /// Design molecules with the graph GA against a TOML scoring configuration or a PMO task.
    Design(design::DesignArgs),
    /// Predict with a model file: values, intervals, applicability domain.
    Predict(predict::PredictArgs),
    /// Print a model's metrics on labelled data.
    Evaluate(evaluate::EvaluateArgs),
}

fn main() {
    shennong::io::quiet_parquet_panics();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert::run(args),
        Command::Fp(args) => fp::run(args),
        Command::Match(args) => matching::run(args),
        Command::Filter(args) => filter::run(args),
        Command::Desc(args) => desc::run(args),
        Command::Standardize(args) => standardize::run(args),
        Command::Index(command) => index::run(command),
        Command::Search(command) => search::run(command),
        Command::Cluster(args) => cluster::run_cluster(args),
        Command::Pick(args) => cluster::run_pick(args),
        Command::Train(args) => train::run(args),
        Command::Design(args) => design::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Evaluate(args) => evaluate::run(args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
