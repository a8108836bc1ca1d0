//! `shennong`: the command-line front end. It parses arguments, wires
//! readers to operations to writers, and prints; the chemistry lives in the
//! library crates.

mod batch;
mod convert;

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
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Convert(args) => convert::run(args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
