//! A design run: a TOML configuration, a starting pool, the graph GA and a
//! run directory that holds everything the run scored and can be resumed.
//!
//! The run directory holds `run.toml` (a format line, then the
//! configuration exactly as given), `scored.csv` (every scored molecule,
//! appended generation by generation: SMILES, id, step, call, each
//! component's raw value and score, total, fitness), `scored.parquet` (the
//! same table with its types, the configuration in its metadata; rewritten
//! atomically whenever a session ends) and `summary.json` (replaced
//! atomically when a session ends). Started again on the same
//! directory with the same configuration, a run continues where it
//! stopped; with a different configuration it is refused.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use shennong_io::{Cell, Column, ColumnType, TableWriter};
use shennong_mol::Mol;

use crate::edit::{Limits, ReactionMoves};
use crate::ga::{GaConfig, GraphGa, Member, Stop};
use crate::oracle::{auc_top_k, DiversityFilter, Oracle, Record};
use crate::rng::Rng;
use crate::scoring::{Scoring, ScoringConfig};
use crate::GenerateError;

/// Version of the run-directory format.
pub const RUN_FORMAT_VERSION: u32 = 1;
const RUN_HEADER: &str = "# shennong design run, format ";

/// The `[run]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Random seed.
    #[serde(default)]
    pub seed: u64,
    /// Oracle calls allowed.
    pub budget: usize,
    /// Starting pool (SMILES file, `.smi` or `.smi.gz`; relative to the
    /// configuration file).
    pub start: Option<PathBuf>,
    /// Molecules drawn from the pool to start (with replacement, as PMO);
    /// the population size when absent.
    pub start_size: Option<usize>,
    /// A PMO task to optimise instead of a `[scoring]` section.
    pub pmo: Option<String>,
    /// Population size.
    #[serde(default = "population")]
    pub population: usize,
    /// Offspring per generation.
    #[serde(default = "offspring")]
    pub offspring: usize,
    /// Mutation rate.
    #[serde(default = "mutation_rate")]
    pub mutation_rate: f64,
    /// Mean of the drawn heavy-atom bound for generated molecules.
    #[serde(default = "mean_atoms")]
    pub mean_atoms: f64,
    /// Model-guided screening factor (default 5; 1: plain Graph GA; see
    /// [`GaConfig::screen_factor`]).
    #[serde(default = "screen_factor")]
    pub screen_factor: usize,
}

fn population() -> usize {
    120
}
fn offspring() -> usize {
    70
}
fn mutation_rate() -> f64 {
    0.067
}
fn mean_atoms() -> f64 {
    39.15
}
fn screen_factor() -> usize {
    5
}

/// The `[diversity_filter]` section (REINVENT's identical Murcko scaffold filter).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterConfig {
    /// Molecules allowed per scaffold.
    #[serde(default = "bucket_size")]
    pub bucket_size: usize,
    /// Totals below this do not count.
    #[serde(default = "min_score")]
    pub min_score: f64,
}

fn bucket_size() -> usize {
    25
}
fn min_score() -> f64 {
    0.4
}

/// One reaction-SMARTS move of the `[transforms]` section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformRule {
    /// A name for messages.
    pub name: String,
    /// `reactant>>product` with atom maps; unmapped product atoms are added.
    pub smirks: String,
}

/// The `[transforms]` section: reaction-SMARTS moves applied to children
/// after the graph moves (see [`ReactionMoves`]).
///
/// ```toml
/// [transforms]
/// rate = 0.2
/// rules = [
///   { name = "fluorine scan", smirks = "[cH:1]>>[c:1]F" },
///   { name = "CH to N in an aromatic ring", smirks = "[cH:1]>>[nX2:1]" },
/// ]
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformsConfig {
    /// Probability that a child gets one move (default 0.2).
    #[serde(default = "transform_rate")]
    pub rate: f64,
    /// The moves.
    pub rules: Vec<TransformRule>,
}

fn transform_rate() -> f64 {
    0.2
}

impl TransformsConfig {
    /// Parses every rule (errors name the rule).
    pub fn moves(&self) -> Result<ReactionMoves, GenerateError> {
        let rules = self
            .rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                shennong_standardize::Transform::parse_reaction(
                    &r.name,
                    &r.smirks,
                    "[transforms]",
                    i + 1,
                )
                .map_err(|e| {
                    GenerateError::Config(format!(
                        "transforms.rules[{}] ('{}'): {e}",
                        i + 1,
                        r.name
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReactionMoves {
            rate: self.rate,
            rules,
        })
    }
}

/// A whole design configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignConfig {
    /// Run settings.
    pub run: RunConfig,
    /// Scoring (absent for PMO tasks).
    pub scoring: Option<ScoringConfig>,
    /// Optional diversity filter.
    pub diversity_filter: Option<FilterConfig>,
    /// Optional reaction-SMARTS moves.
    pub transforms: Option<TransformsConfig>,
}

impl DesignConfig {
    /// Parses a configuration, with TOML's line and column on errors.
    pub fn parse(text: &str) -> Result<DesignConfig, GenerateError> {
        let config: DesignConfig =
            toml::from_str(text).map_err(|e| GenerateError::Config(e.to_string()))?;
        if config.run.budget == 0 {
            return Err(GenerateError::Config(
                "run.budget must be at least 1".into(),
            ));
        }
        if config.run.population == 0 || config.run.offspring == 0 {
            return Err(GenerateError::Config(
                "run.population and run.offspring must be at least 1".into(),
            ));
        }
        if !(0.0..=1.0).contains(&config.run.mutation_rate) {
            return Err(GenerateError::Config(
                "run.mutation_rate must lie in [0, 1]".into(),
            ));
        }
        if let Some(t) = &config.transforms {
            if !(0.0..=1.0).contains(&t.rate) {
                return Err(GenerateError::Config(
                    "transforms.rate must lie in [0, 1]".into(),
                ));
            }
            if t.rules.is_empty() {
                return Err(GenerateError::Config(
                    "transforms.rules is empty (remove the [transforms] section or add a rule)"
                        .into(),
                ));
            }
            t.moves()?;
        }
        match (&config.run.pmo, &config.scoring) {
            (Some(_), Some(_)) => Err(GenerateError::Config(
                "give either run.pmo or a [scoring] section, not both".into(),
            )),
            (None, None) => Err(GenerateError::Config(
                "no [scoring] section (or run.pmo task)".into(),
            )),
            _ => Ok(config),
        }
    }

    /// Compiles the scoring (relative paths against `base`).
    pub fn scoring(&self, base: &Path) -> Result<Scoring, GenerateError> {
        match (&self.run.pmo, &self.scoring) {
            (Some(task), _) => crate::pmo::pmo_scoring(task),
            (None, Some(s)) => s.build(base),
            (None, None) => Err(GenerateError::Config("no scoring".into())),
        }
    }
}

/// Reads a SMILES pool (`.smi`, `.smi.gz`: the first field of each line; a
/// `smiles` header line is skipped).
pub fn read_pool(path: &Path) -> Result<Vec<String>, GenerateError> {
    let io = |e: std::io::Error| GenerateError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let file = File::open(path).map_err(io)?;
    let reader: Box<dyn Read> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut out = Vec::new();
    for line in BufReader::new(reader).lines() {
        let line = line.map_err(io)?;
        if let Some(first) = line.split_whitespace().next() {
            if !first.eq_ignore_ascii_case("smiles") && !first.starts_with('#') {
                out.push(first.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err(GenerateError::Config(format!(
            "starting pool {} holds no SMILES",
            path.display()
        )));
    }
    Ok(out)
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Run-directory format.
    pub format: u32,
    /// Oracle calls made (all sessions).
    pub calls: usize,
    /// The budget.
    pub budget: usize,
    /// Generations completed.
    pub generations: usize,
    /// Why the run stopped.
    pub stopped: String,
    /// Best total.
    pub best: f64,
    /// Mean total of the 10 best.
    pub top10_mean: f64,
    /// PMO's AUC of the top-10 mean against calls (freq 100, max = budget).
    pub auc_top10: f64,
    /// Wall time of this session, seconds.
    pub seconds: f64,
    /// Molecules resumed from the run directory.
    pub resumed: usize,
    /// Starting molecules that could not be read.
    pub bad_start: usize,
    /// The 10 best molecules (SMILES, total).
    pub top: Vec<(String, f64)>,
}

/// Progress after a generation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Calls made.
    pub calls: usize,
    /// The budget.
    pub budget: usize,
    /// Best total so far.
    pub best: f64,
    /// Generation just finished.
    pub generation: usize,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> GenerateError + '_ {
    move |e| GenerateError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename. The
/// temporary file gets an ordinary new file's permissions, not tempfile's
/// private 0600, so that colleagues can read the run as any other output.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), GenerateError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = shennong_io::temp_builder()
        .tempfile_in(dir)
        .map_err(io_err(path))?;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.persist(path).map_err(|e| GenerateError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

/// The columns of the scored table, shared by `scored.csv` and
/// `scored.parquet`.
fn scored_columns(names: &[&str]) -> Vec<Column> {
    let mut columns = vec![
        Column::new("smiles", ColumnType::Text),
        Column::new("id", ColumnType::Text),
        Column::new("step", ColumnType::Integer),
        Column::new("call", ColumnType::Integer),
    ];
    for n in names {
        columns.push(Column::new(format!("{n}_raw"), ColumnType::Float));
        columns.push(Column::new(*n, ColumnType::Float));
    }
    columns.push(Column::new("total", ColumnType::Float));
    columns.push(Column::new("fitness", ColumnType::Float));
    columns
}

fn csv_header(names: &[&str]) -> String {
    let cols: Vec<String> = scored_columns(names).into_iter().map(|c| c.name).collect();
    cols.join(",") + "\n"
}

fn csv_row(r: &Record) -> String {
    let mut s = format!("{},design-{},{},{}", r.smiles, r.call, r.step, r.call);
    for (i, v) in r.scores.iter().enumerate() {
        let raw = r.raw.get(i).copied().unwrap_or(f64::NAN);
        s.push_str(&format!(",{raw},{v}"));
    }
    s.push_str(&format!(",{},{}\n", r.total, r.fitness));
    s
}

/// Writes every record so far as `scored.parquet`: the columns of
/// `scored.csv`, typed, with the run format and configuration as metadata.
fn write_parquet(
    path: &Path,
    names: &[&str],
    records: &[Record],
    config_text: &str,
) -> Result<(), GenerateError> {
    let path_text = path.to_str().ok_or_else(|| GenerateError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other("the path is not valid UTF-8"),
    })?;
    let columns = scored_columns(names);
    let format = RUN_FORMAT_VERSION.to_string();
    let mut table = TableWriter::create(
        path_text,
        columns,
        &[
            ("shennong.design_run_format", &format),
            ("shennong.design_config", config_text),
        ],
    )?;
    let count = |v: usize| Cell::Integer(i64::try_from(v).unwrap_or(i64::MAX));
    for r in records {
        let mut row = vec![
            Cell::Text(r.smiles.clone()),
            Cell::Text(format!("design-{}", r.call)),
            count(r.step),
            count(r.call),
        ];
        for (i, v) in r.scores.iter().enumerate() {
            row.push(Cell::Float(r.raw.get(i).copied().unwrap_or(f64::NAN)));
            row.push(Cell::Float(*v));
        }
        row.push(Cell::Float(r.total));
        row.push(Cell::Float(r.fitness));
        table.write_row(row)?;
    }
    Ok(table.commit()?)
}

/// Reads the records of an earlier session; a torn last line (the process
/// died mid-write) is dropped and the file rewritten without it.
fn read_records(
    path: &Path,
    header: &str,
    n_components: usize,
) -> Result<Vec<(Mol, Record)>, GenerateError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let complete = match text.rfind('\n') {
        Some(end) => text.get(..=end).unwrap_or(""),
        None => "",
    };
    if complete.len() != text.len() {
        write_atomic(path, complete.as_bytes())?;
    }
    let mut lines = complete.lines();
    let first = lines.next().unwrap_or("");
    if format!("{first}\n") != header {
        return Err(GenerateError::Resume(format!(
            "{}: columns differ from this configuration's scoring",
            path.display()
        )));
    }
    let mut out = Vec::new();
    for (k, line) in lines.enumerate() {
        let bad =
            |why: &str| GenerateError::Resume(format!("{} line {}: {why}", path.display(), k + 2));
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() != 6 + 2 * n_components {
            return Err(bad("wrong number of columns"));
        }
        let num = |i: usize| -> Result<f64, GenerateError> {
            cols.get(i)
                .and_then(|c| c.parse::<f64>().ok())
                .ok_or_else(|| bad(&format!("column {} is not a number", i + 1)))
        };
        let int = |i: usize| -> Result<usize, GenerateError> {
            cols.get(i)
                .and_then(|c| c.parse::<usize>().ok())
                .ok_or_else(|| bad(&format!("column {} is not a count", i + 1)))
        };
        let smiles = cols.first().copied().unwrap_or("");
        let mol = shennong_smiles::parse(smiles).map_err(|e| bad(&e.to_string()))?;
        let raw = (0..n_components)
            .map(|c| num(4 + 2 * c))
            .collect::<Result<Vec<_>, _>>()?;
        let scores = (0..n_components)
            .map(|c| num(5 + 2 * c))
            .collect::<Result<Vec<_>, _>>()?;
        out.push((
            mol,
            Record {
                smiles: smiles.to_string(),
                call: int(3)?,
                step: int(2)?,
                raw,
                scores,
                total: num(4 + 2 * n_components)?,
                fitness: num(5 + 2 * n_components)?,
            },
        ));
    }
    Ok(out)
}

fn summary(
    oracle: &Oracle<'_>,
    generations: usize,
    stopped: &str,
    started: Instant,
    resumed: usize,
    bad_start: usize,
) -> Summary {
    let totals: Vec<f64> = oracle.records().iter().map(|r| r.total).collect();
    let mut best: Vec<&Record> = oracle.records().iter().collect();
    best.sort_by(|a, b| b.total.total_cmp(&a.total).then(a.call.cmp(&b.call)));
    best.truncate(10);
    let top10_mean = if best.is_empty() {
        0.0
    } else {
        best.iter().map(|r| r.total).sum::<f64>() / best.len() as f64
    };
    let finished = stopped != "interrupted";
    Summary {
        format: RUN_FORMAT_VERSION,
        calls: oracle.calls(),
        budget: oracle.budget(),
        generations,
        stopped: stopped.to_string(),
        best: oracle.best(),
        top10_mean,
        auc_top10: auc_top_k(&totals, 10, 100, oracle.budget(), finished),
        seconds: started.elapsed().as_secs_f64(),
        resumed,
        bad_start,
        top: best.iter().map(|r| (r.smiles.clone(), r.total)).collect(),
    }
}

/// Runs (or resumes) a design run in `run_dir`. `config_text` is the TOML
/// configuration and `base` the directory its relative paths start from;
/// `pool` overrides `run.start`. `progress` is called after each
/// generation and may return false to stop (the run can then be resumed).
pub fn run_design(
    config_text: &str,
    base: &Path,
    pool: Option<Vec<String>>,
    run_dir: &Path,
    mut progress: impl FnMut(Progress) -> bool,
) -> Result<Summary, GenerateError> {
    let started = Instant::now();
    let config = DesignConfig::parse(config_text)?;
    let scoring = config.scoring(base)?;
    let names = scoring.names();
    let header = csv_header(&names);
    std::fs::create_dir_all(run_dir).map_err(io_err(run_dir))?;
    let run_file = run_dir.join("run.toml");
    let scored = run_dir.join("scored.csv");
    let stored = format!("{RUN_HEADER}{RUN_FORMAT_VERSION}\n{config_text}");
    let mut previous = Vec::new();
    if run_file.exists() {
        let existing = std::fs::read_to_string(&run_file).map_err(io_err(&run_file))?;
        let first = existing.lines().next().unwrap_or("");
        if !first.starts_with(RUN_HEADER) {
            return Err(GenerateError::Resume(format!(
                "{} is not a shennong design run file",
                run_file.display()
            )));
        }
        if first != format!("{RUN_HEADER}{RUN_FORMAT_VERSION}") {
            return Err(GenerateError::Resume(format!(
                "{} was written in run format '{}', this build reads format {RUN_FORMAT_VERSION}",
                run_file.display(),
                first.trim_start_matches(RUN_HEADER)
            )));
        }
        if existing != stored {
            return Err(GenerateError::Resume(format!(
                "{} holds a run with a different configuration; use a new directory to start another run",
                run_dir.display()
            )));
        }
        if scored.exists() {
            previous = read_records(&scored, &header, names.len())?;
        }
    } else if scored.exists() {
        return Err(GenerateError::Resume(format!(
            "{} has scored.csv but no run.toml; it is not a run directory this build can resume",
            run_dir.display()
        )));
    } else {
        write_atomic(&run_file, stored.as_bytes())?;
    }
    if !scored.exists() {
        write_atomic(&scored, header.as_bytes())?;
    }
    let filter = config
        .diversity_filter
        .map(|f| DiversityFilter::new(f.bucket_size, f.min_score));
    let mut oracle = Oracle::new(&scoring, config.run.budget, filter);
    let ga_config = GaConfig {
        population: config.run.population,
        offspring: config.run.offspring,
        mutation_rate: config.run.mutation_rate,
        limits: Limits {
            mean_atoms: config.run.mean_atoms,
            ..Limits::default()
        },
        screen_factor: config.run.screen_factor,
        ..GaConfig::default()
    };
    let moves = match &config.transforms {
        Some(t) => t.moves()?,
        None => ReactionMoves::default(),
    };
    let resumed = previous.len();
    let mut bad_start = 0;
    let mut ga;
    if previous.is_empty() {
        let pool = match pool {
            Some(p) => p,
            None => {
                let start = config.run.start.as_ref().ok_or_else(|| {
                    GenerateError::Config("no starting pool: set run.start".into())
                })?;
                read_pool(&if start.is_absolute() {
                    start.clone()
                } else {
                    base.join(start)
                })?
            }
        };
        let mut rng = Rng::new(config.run.seed);
        let n = config.run.start_size.unwrap_or(config.run.population);
        let mut initial = Vec::with_capacity(n);
        for _ in 0..n {
            let Some(s) = rng.choose(&pool) else { break };
            match shennong_smiles::parse(s) {
                Ok(m) => initial.push(m),
                Err(_) => bad_start += 1,
            }
        }
        ga = GraphGa::new(ga_config, config.run.seed, 0).with_moves(moves);
        ga.start(initial, &mut oracle);
    } else {
        let generation = previous.iter().map(|(_, r)| r.step).max().unwrap_or(0) + 1;
        let mut members = Vec::with_capacity(previous.len());
        for (mol, record) in previous {
            members.push(Member {
                mol: mol.clone(),
                smiles: record.smiles.clone(),
                fitness: record.fitness,
            });
            oracle.restore(&mol, record);
        }
        ga = GraphGa::new(ga_config, config.run.seed, generation).with_moves(moves);
        ga.set_population(members);
    }
    let mut file = OpenOptions::new()
        .append(true)
        .open(&scored)
        .map_err(io_err(&scored))?;
    let mut written = resumed;
    let mut append = |oracle: &Oracle<'_>| -> Result<(), GenerateError> {
        let mut chunk = String::new();
        for r in oracle.records().iter().skip(written) {
            chunk.push_str(&csv_row(r));
        }
        written = oracle.records().len();
        file.write_all(chunk.as_bytes()).map_err(io_err(&scored))?;
        file.flush().map_err(io_err(&scored))
    };
    append(&oracle)?;
    let summary_path = run_dir.join("summary.json");
    let mut failure: Option<GenerateError> = None;
    let stop = ga.run(&mut oracle, |o, generation| {
        if let Err(e) = append(o) {
            failure = Some(e);
            return false;
        }
        progress(Progress {
            calls: o.calls(),
            budget: o.budget(),
            best: o.best(),
            generation,
        })
    });
    if let Some(e) = failure {
        return Err(e);
    }
    append(&oracle)?;
    let stopped = match stop {
        Stop::Budget => "budget",
        Stop::Stalled => "stalled",
        Stop::Interrupted => "interrupted",
    };
    let s = summary(
        &oracle,
        ga.generation(),
        stopped,
        started,
        resumed,
        bad_start,
    );
    let json = serde_json::to_string_pretty(&s).map_err(|e| GenerateError::Io {
        path: summary_path.clone(),
        source: std::io::Error::other(e),
    })?;
    write_parquet(
        &run_dir.join("scored.parquet"),
        &names,
        oracle.records(),
        config_text,
    )?;
    write_atomic(&summary_path, json.as_bytes())?;
    Ok(s)
}
