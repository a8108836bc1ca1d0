#!/usr/bin/env bash
# Builds Shennong and converts the bundled example molecules to canonical
# SMILES and to an SD file (with generated 2D coordinates) in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p shennong-cli
mkdir -p out
./target/release/shennong convert examples/molecules.smi -o out/molecules.smi
./target/release/shennong convert examples/molecules.smi -o out/molecules.sdf
./target/release/shennong convert out/molecules.sdf -o out/molecules.from-sdf.smi
if cmp -s out/molecules.smi out/molecules.from-sdf.smi; then
  echo "SMILES -> SDF -> SMILES round trip: identical canonical SMILES, stereo included"
else
  echo "SMILES -> SDF -> SMILES round trip differs"; exit 1
fi
echo
echo "first lines of out/molecules.smi:"
head -5 out/molecules.smi
echo "..."
grep -P '\t(S-naproxen|tamoxifen|L-alanine-zwitterion|cis-1,4-dimethylcyclohexane)$' out/molecules.smi
