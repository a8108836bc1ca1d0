//! SMARTS for Shennong: a parser for Daylight SMARTS as RDKit reads it, and
//! a substructure matcher whose unique match counts agree with RDKit's
//! `GetSubstructMatches`.
//!
//! ```
//! use shennong_smarts::{parse, MatchOptions};
//! let mol = shennong_smiles::parse("OC(=O)c1ccccc1O").unwrap();
//! let hydroxyl = parse("[OX2H]").unwrap();
//! assert_eq!(hydroxyl.count(&mol, &MatchOptions::default()), 2);
//! // a SMILES is a SMARTS
//! assert!(parse("c1ccccc1").unwrap().is_match(&mol));
//! ```
#![deny(missing_docs)]

mod error;
mod matcher;
mod parser;
mod query;

pub use error::SmartsError;
pub use matcher::{MatchOptions, Target};
pub use parser::{parse, parse_with, ParseOptions};
pub use query::{
    AtomExpr, AtomPrim, BondClass, BondExpr, BondKind, BondPrim, Count, Expr, Query, QueryAtom,
    QueryBond, Range,
};
