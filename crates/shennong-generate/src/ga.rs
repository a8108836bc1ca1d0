//! The graph genetic algorithm (Jensen, *Chem. Sci.* 10, 3567 (2019)) as
//! PMO runs it: a population of 120, 70 offspring per generation made by
//! crossover of two parents drawn with probability proportional to their
//! scores, mutation with rate 0.067, and survival of the best 120 distinct
//! molecules; optionally, user reaction-SMARTS moves ([`ReactionMoves`]) on
//! top.

use rayon::prelude::*;
use shennong_fingerprint::{BitFingerprint, FingerprintSpec};
use shennong_mol::Mol;

use crate::edit::{crossover, mutate, Limits, ReactionMoves};
use crate::oracle::Oracle;
use crate::rng::Rng;

/// Graph GA settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GaConfig {
    /// Population size (PMO: 120).
    pub population: usize,
    /// Offspring per generation (PMO: 70).
    pub offspring: usize,
    /// Probability that a child is mutated (PMO: 0.067).
    pub mutation_rate: f64,
    /// Size and ring rules for children.
    pub limits: Limits,
    /// Generations without a single new oracle call before the run stops.
    pub max_stalled_generations: usize,
    /// Model-guided screening: make `screen_factor` times the offspring,
    /// rank the new ones with a similarity-weighted k-nearest-neighbour
    /// model of every score seen so far (plus an exploration bonus for
    /// molecules far from all of them) and send only the best `offspring`
    /// to the oracle. 1 is the plain Graph GA.
    pub screen_factor: usize,
}

impl Default for GaConfig {
    fn default() -> Self {
        GaConfig {
            population: 120,
            offspring: 70,
            mutation_rate: 0.067,
            limits: Limits::default(),
            max_stalled_generations: 20,
            screen_factor: 1,
        }
    }
}

/// A population member.
#[derive(Debug, Clone)]
pub struct Member {
    /// The molecule.
    pub mol: Mol,
    /// Its canonical SMILES.
    pub smiles: String,
    /// Its fitness.
    pub fitness: f64,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The oracle budget is spent.
    Budget,
    /// No new molecule was produced for too many generations.
    Stalled,
    /// The caller asked to stop.
    Interrupted,
}

/// A GA run's state; it can start from scored members (resume).
pub struct GraphGa {
    config: GaConfig,
    population: Vec<Member>,
    generation: usize,
    rng: Rng,
    surrogate: Surrogate,
    moves: ReactionMoves,
}

/// Keeps the best `size` distinct members (by canonical SMILES), best first.
fn select(mut members: Vec<Member>, size: usize) -> Vec<Member> {
    members.sort_by(|a, b| {
        b.fitness
            .total_cmp(&a.fitness)
            .then_with(|| a.smiles.cmp(&b.smiles))
    });
    let mut seen = std::collections::HashSet::new();
    members
        .into_iter()
        .filter(|m| seen.insert(m.smiles.clone()))
        .take(size)
        .collect()
}

/// Members for the molecules the oracle scored (those it left unscored
/// when the budget ran out are dropped).
fn scored_members(keyed: Vec<(String, Mol)>, fitness: Vec<Option<f64>>) -> Vec<Member> {
    keyed
        .into_iter()
        .zip(fitness)
        .filter_map(|((smiles, mol), f)| {
            Some(Member {
                mol,
                smiles,
                fitness: f?,
            })
        })
        .collect()
}

/// Molecules with their canonical SMILES.
fn keyed(mols: Vec<Mol>) -> Vec<(String, Mol)> {
    mols.into_par_iter()
        .map(|m| (shennong_smiles::to_smiles(&m), m))
        .collect()
}

impl GraphGa {
    /// A GA whose first generation number is `generation` (0 for a new run).
    pub fn new(config: GaConfig, seed: u64, generation: usize) -> GraphGa {
        GraphGa {
            config,
            population: Vec::new(),
            generation,
            rng: Rng::new(seed ^ (generation as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            surrogate: Surrogate::default(),
            moves: ReactionMoves::default(),
        }
    }

    /// Adds reaction-SMARTS moves, applied to children after mutation.
    pub fn with_moves(mut self, moves: ReactionMoves) -> GraphGa {
        self.moves = moves;
        self
    }

    /// The current population, best first.
    pub fn population(&self) -> &[Member] {
        &self.population
    }

    /// The next generation number.
    pub fn generation(&self) -> usize {
        self.generation
    }

    /// Sets the population from already-scored members (resume).
    pub fn set_population(&mut self, members: Vec<Member>) {
        self.population = select(members, self.config.population);
    }

    /// Scores the starting molecules (step 0) and makes them the population.
    pub fn start(&mut self, initial: Vec<Mol>, oracle: &mut Oracle<'_>) {
        let initial = keyed(initial);
        let fitness = oracle.score_keyed(&initial, self.generation);
        self.population = select(scored_members(initial, fitness), self.config.population);
        self.generation += 1;
    }

    /// Draws `n` parents with probability proportional to fitness.
    fn mating_pool(&mut self, n: usize) -> Vec<Mol> {
        let weights: Vec<f64> = self.population.iter().map(|m| m.fitness + 1e-12).collect();
        (0..n)
            .filter_map(|_| {
                let i = self.rng.weighted(&weights);
                self.population.get(i).map(|m| m.mol.clone())
            })
            .collect()
    }

    /// One generation: offspring made in parallel (each from its own seed,
    /// so results do not depend on the thread count), scored, and merged.
    /// Returns the number of new oracle calls.
    pub fn step(&mut self, oracle: &mut Oracle<'_>) -> usize {
        let pool = self.mating_pool(self.config.population);
        let made = self.config.offspring * self.config.screen_factor.max(1);
        let seeds: Vec<u64> = (0..made).map(|_| self.rng.next_u64()).collect();
        let config = self.config;
        let moves = &self.moves;
        let children: Vec<Mol> = seeds
            .par_iter()
            .filter_map(|&seed| {
                let mut rng = Rng::new(seed);
                let a = rng.choose(&pool)?;
                let b = rng.choose(&pool)?;
                let child = crossover(a, b, &config.limits, &mut rng)?;
                let child = mutate(&child, config.mutation_rate, &config.limits, &mut rng)?;
                Some(
                    moves
                        .apply(&child, &config.limits, &mut rng)
                        .unwrap_or(child),
                )
            })
            .collect();
        let children = keyed(children);
        let children = if self.config.screen_factor > 1 {
            self.surrogate
                .screen(children, oracle, self.config.offspring)
        } else {
            children
        };
        let before = oracle.calls();
        let fitness = oracle.score_keyed(&children, self.generation);
        let mut members: Vec<Member> = self.population.drain(..).collect();
        members.extend(scored_members(children, fitness));
        self.population = select(members, self.config.population);
        self.generation += 1;
        oracle.calls() - before
    }

    /// Runs generations until the budget is spent, the search stalls, or
    /// `after_generation` (called after each one with the oracle and the
    /// generation just finished) returns false.
    pub fn run(
        &mut self,
        oracle: &mut Oracle<'_>,
        mut after_generation: impl FnMut(&Oracle<'_>, usize) -> bool,
    ) -> Stop {
        let mut stalled = 0;
        while !oracle.exhausted() {
            if self.population.is_empty() {
                return Stop::Stalled;
            }
            let new = self.step(oracle);
            stalled = if new == 0 { stalled + 1 } else { 0 };
            if !after_generation(oracle, self.generation - 1) {
                return Stop::Interrupted;
            }
            if stalled >= self.config.max_stalled_generations {
                return Stop::Stalled;
            }
        }
        Stop::Budget
    }
}

/// The screening model: ECFP4 bits of every scored molecule and its
/// fitness; a candidate's estimate is the similarity-weighted mean fitness
/// of its `K` nearest scored neighbours plus `EXPLORE` × (1 − the largest
/// similarity), an upper-confidence-style bonus for unexplored chemistry.
#[derive(Default)]
struct Surrogate {
    fps: Vec<BitFingerprint>,
    fitness: Vec<f64>,
}

impl Surrogate {
    const K: usize = 5;
    const EXPLORE: f64 = 0.1;

    /// Adds the oracle records not seen yet.
    fn update(&mut self, oracle: &Oracle<'_>) {
        let spec = FingerprintSpec::morgan(2, 2048);
        let new: Vec<_> = oracle.records().iter().skip(self.fps.len()).collect();
        let fps: Vec<BitFingerprint> = new
            .par_iter()
            .map(|r| {
                shennong_smiles::parse(&r.smiles)
                    .map(|m| spec.bits(&m))
                    .unwrap_or_else(|_| BitFingerprint::new(2048))
            })
            .collect();
        self.fitness.extend(new.iter().map(|r| r.fitness));
        self.fps.extend(fps);
    }

    fn estimate(&self, fp: &BitFingerprint) -> f64 {
        let mut best: Vec<(f64, f64)> = Vec::with_capacity(Self::K + 1);
        for (other, &f) in self.fps.iter().zip(&self.fitness) {
            let s = fp.tanimoto(other);
            if best.len() < Self::K || best.last().is_some_and(|b| s > b.0) {
                let at = best.partition_point(|b| b.0 >= s);
                best.insert(at, (s, f));
                best.truncate(Self::K);
            }
        }
        let wsum: f64 = best.iter().map(|b| b.0).sum();
        let mean = if wsum > 0.0 {
            best.iter().map(|b| b.0 * b.1).sum::<f64>() / wsum
        } else {
            0.0
        };
        let nearest = best.first().map_or(0.0, |b| b.0);
        mean + Self::EXPLORE * (1.0 - nearest)
    }

    /// Keeps the `keep` most promising candidates not scored yet.
    fn screen(
        &mut self,
        candidates: Vec<(String, Mol)>,
        oracle: &Oracle<'_>,
        keep: usize,
    ) -> Vec<(String, Mol)> {
        self.update(oracle);
        let spec = FingerprintSpec::morgan(2, 2048);
        let mut seen = std::collections::HashSet::new();
        let fresh: Vec<(String, Mol)> = candidates
            .into_iter()
            .filter(|(s, _)| oracle.lookup(s).is_none() && seen.insert(s.clone()))
            .collect();
        let mut scored: Vec<(f64, (String, Mol))> = fresh
            .into_par_iter()
            .map(|c| (self.estimate(&spec.bits(&c.1)), c))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(keep).map(|(_, c)| c).collect()
    }
}
