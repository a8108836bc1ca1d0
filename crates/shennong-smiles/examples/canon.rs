//! Reads SMILES lines from stdin and prints canonical SMILES (or the error).
use std::io::BufRead;

fn main() {
    let stdin = std::io::stdin();
    for line in stdin.lock().lines().map_while(Result::ok) {
        match shennong_smiles::parse(&line) {
            Ok(m) => println!("{}", shennong_smiles::to_smiles(&m)),
            Err(e) => println!("ERR {e}"),
        }
    }
}
