#!/usr/bin/env bash
# Builds Shennong, converts the bundled example molecules to canonical
# SMILES and to an SD file (with generated 2D coordinates), fingerprints them
# into a chemfp FPS file and runs a substructure search, all into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
clear_devnull
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
echo
./target/release/shennong fp examples/molecules.smi -o out/molecules.ecfp4.fps --type morgan --radius 2 --size 2048 -q
./target/release/shennong fp examples/molecules.smi -o out/molecules.maccs.fps --type maccs -q
echo "out/molecules.ecfp4.fps (chemfp FPS, ECFP4 2048 bits):"
head -4 out/molecules.ecfp4.fps
echo
echo "carboxylic acids (SMARTS [CX3](=O)[OX2H1]) in the examples -> out/acids.txt:"
./target/release/shennong match examples/molecules.smi --smarts '[CX3](=O)[OX2H1]' -o out/acids.txt -q
head -5 out/acids.txt
echo "..."
echo
echo "descriptors (RDKit names) -> out/descriptors.csv; a few columns:"
./target/release/shennong desc examples/molecules.smi -o out/descriptors.csv -q
./target/release/shennong desc examples/molecules.smi --names MolWt,MolLogP,TPSA,NumHDonors,NumHAcceptors,qed,SAscore -o out/properties.tsv -q
head -4 out/properties.tsv
echo
echo "PAINS and Brenk alerts -> out/alerts.csv (every record, with the alerts it hits), out/clean.smi (--drop):"
./target/release/shennong filter examples/molecules.smi --catalog pains,brenk -o out/alerts.csv -q
./target/release/shennong filter examples/molecules.smi --catalog pains,brenk --drop -o out/clean.smi -q
head -3 out/alerts.csv
echo
echo "standardised (largest fragment, uncharged, canonical tautomer) -> out/standardized.smi:"
./target/release/shennong standardize examples/molecules.smi -o out/standardized.smi -q
head -3 out/standardized.smi
echo
echo "library index of the examples -> out/molecules.shx; 5 nearest neighbours of aspirin, Butina clusters:"
./target/release/shennong index build examples/molecules.smi -o out/molecules.shx -q
./target/release/shennong search sim out/molecules.shx --query 'CC(=O)Oc1ccccc1C(=O)O' -k 5 -q
./target/release/shennong cluster out/molecules.shx --threshold 0.35 -o out/clusters.tsv -q
head -4 out/clusters.tsv
echo
echo "solubility model (examples/solubility.csv, logS; learner chosen by 5-fold CV, 90 % conformal intervals) -> out/solubility.shm:"
./target/release/shennong train examples/solubility.csv --target logS --split column:split --model auto -o out/solubility.shm -q
echo "predictions with intervals and applicability domain -> out/predictions.csv:"
./target/release/shennong predict out/solubility.shm examples/molecules.smi -o out/predictions.csv -q
head -4 out/predictions.csv
echo
echo "design run (QED + similarity to celecoxib, SA <= 4, no PAINS; 2,000 oracle calls) -> out/design/:"
rm -rf out/design
./target/release/shennong design examples/design/qed_celecoxib.toml -o out/design -q
