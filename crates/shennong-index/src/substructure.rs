//! Substructure search: the pattern-fingerprint screen, then a full match
//! on the records that pass it, in parallel.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use shennong_fingerprint::pattern::query_pattern_fingerprint;
use shennong_smarts::{MatchOptions, Query};

use crate::error::IndexError;
use crate::index::Index;

/// How to search.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubstructureOptions {
    /// Stop after this many hits (the lowest input positions among those
    /// found are kept when more were found in flight).
    pub max_hits: Option<usize>,
    /// Give up at this instant; the hits found so far are returned.
    pub deadline: Option<Instant>,
    /// Require tetrahedral stereo of the query to agree.
    pub use_chirality: bool,
}

/// The outcome of one substructure query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubstructureHits {
    /// Matching records, as ordinals, ascending.
    pub ordinals: Vec<u32>,
    /// Records that passed the fingerprint screen and were matched.
    pub screened_in: usize,
    /// Records whose stored SMILES could not be read (should be 0).
    pub unreadable: usize,
    /// Whether `max_hits` cut the search short.
    pub truncated: bool,
    /// Whether the deadline cut the search short.
    pub timed_out: bool,
}

/// Rows per parallel task: large enough to amortise scheduling, small
/// enough to stop promptly at `max_hits` or the deadline.
const ROWS_PER_TASK: usize = 2048;

impl Index {
    /// Records containing `query`, as RDKit's `SubstructLibrary.GetMatches`
    /// finds them (same matcher semantics as `shennong_smarts`).
    pub fn substructure(
        &self,
        query: &Query,
        options: &SubstructureOptions,
    ) -> Result<SubstructureHits, IndexError> {
        let pattern_words = self.pattern_words();
        if pattern_words == 0 || !self.info().has_smiles {
            return Err(IndexError::Missing {
                what: "molecules for substructure search",
                why: "it was built from fingerprints (FPS) alone; build it from SMILES, SD or CSV input",
            });
        }
        let qfp = query_pattern_fingerprint(query, self.info().pattern_bits);
        // only the query's non-zero words can reject a row
        let qwords: Vec<(usize, u64)> = qfp
            .words()
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, w)| w != 0)
            .collect();
        let patterns = self.patterns();
        let ordinals = self.ordinals();
        let hits_so_far = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let timed_out = AtomicBool::new(false);
        let match_opts = MatchOptions {
            uniquify: false,
            max_matches: 1,
            use_chirality: options.use_chirality,
        };
        let tasks = self.len().div_ceil(ROWS_PER_TASK);
        let parts: Vec<(Vec<u32>, usize, usize)> = (0..tasks)
            .into_par_iter()
            .map(|t| {
                let mut found = Vec::new();
                let (mut screened, mut unreadable) = (0, 0);
                if stop.load(Ordering::Relaxed) {
                    return (found, screened, unreadable);
                }
                if options.deadline.is_some_and(|d| Instant::now() >= d) {
                    timed_out.store(true, Ordering::Relaxed);
                    stop.store(true, Ordering::Relaxed);
                    return (found, screened, unreadable);
                }
                let rows = t * ROWS_PER_TASK..((t + 1) * ROWS_PER_TASK).min(self.len());
                for row in rows {
                    let Some(p) = patterns.get(row * pattern_words..(row + 1) * pattern_words)
                    else {
                        continue;
                    };
                    if !qwords
                        .iter()
                        .all(|&(i, q)| p.get(i).is_some_and(|m| q & m == q))
                    {
                        continue;
                    }
                    screened += 1;
                    // The column holds `to_smiles` output of perceived molecules,
                    // so its aromaticity and stereo need no second perception.
                    let Ok(mol) = shennong_smiles::parse_trusted(&self.smiles(row)) else {
                        unreadable += 1;
                        continue;
                    };
                    if query.count(&mol, &match_opts) > 0 {
                        found.push(ordinals.get(row).copied().unwrap_or(u32::MAX));
                        let total = hits_so_far.fetch_add(1, Ordering::Relaxed) + 1;
                        if options.max_hits.is_some_and(|m| total >= m) {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
                (found, screened, unreadable)
            })
            .collect();
        let mut result = SubstructureHits::default();
        for (found, screened, unreadable) in parts {
            result.ordinals.extend(found);
            result.screened_in += screened;
            result.unreadable += unreadable;
        }
        result.ordinals.sort_unstable();
        if let Some(m) = options.max_hits {
            if result.ordinals.len() >= m && stop.load(Ordering::Relaxed) {
                result.truncated = true;
            }
            result.ordinals.truncate(m);
        }
        result.timed_out = timed_out.load(Ordering::Relaxed);
        Ok(result)
    }
}
