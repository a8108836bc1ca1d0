//! RDKit's `fr_*` functional-group counts: unique matches of the SMARTS in
//! RDKit's `FragmentDescriptors.csv` (shipped here unchanged, BSD-3-Clause).

use std::sync::OnceLock;

use shennong_smarts::{parse, Query};

const TABLE: &str = include_str!("../data/FragmentDescriptors.csv");

/// One `fr_` descriptor.
pub(crate) struct Fragment {
    pub name: String,
    pub description: String,
    pub query: Option<Query>,
}

/// The fragment descriptors in file order, named as RDKit names them
/// (`=` and `-` become `_`).
pub(crate) fn fragments() -> &'static [Fragment] {
    static F: OnceLock<Vec<Fragment>> = OnceLock::new();
    F.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                match f.as_slice() {
                    [name, description, smarts, ..] => Some(Fragment {
                        name: name.replace(['=', '-'], "_"),
                        description: description.replace('"', ""),
                        query: parse(smarts).ok(),
                    }),
                    _ => None,
                }
            })
            .collect()
    })
}
