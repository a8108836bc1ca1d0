#!/usr/bin/env bash
# The whole test suite: formatting and lints, unit/integration/property tests,
# the RDKit parity suites (against a pinned RDKit in a local virtualenv), and docs.
# Usage: ./scripts/test.sh        (CI calls exactly this)
set -euo pipefail
# Nothing here reads input: detach stdin so that no tool (cargo probes rustc with
# `rustc -`) can swallow whatever the caller's stdin carries.
exec </dev/null
cd "$(dirname "$0")/.."
. scripts/common.sh
ROOT=$(pwd)
DATA=${SHENNONG_DATA:-$ROOT/../shared/data}
RDKIT_PIN=2026.9.1          # pip version string
RDKIT_VERSION=2026.09.1     # rdkit.__version__
PANDAS_PIN=3.1.1            # reads back our CSV and Parquet tables
PYARROW_PIN=26.0.1
VENV=$ROOT/.venv
OUT=$ROOT/target/parity
export SHENNONG_DATA=$DATA

LOGS=$OUT/logs
BIN=$ROOT/target/ci/shennong

# Steps print the time since the suite started, so that slow steps stand out.
elapsed() { printf '%dm%02ds' $((SECONDS / 60)) $((SECONDS % 60)); }
step() { printf '\n==> [%s] %s\n' "$(elapsed)" "$*"; }

# logged_step NAME TITLE COMMAND...: runs COMMAND with its output in $LOGS/NAME.log
# and prints the title, the time it took and the log when it ends (two of these run
# at once, so the output of each stays in one piece); on failure, the same and exit 1.
logged_step() {
  local name=$1 title=$2 t0=$SECONDS status=0
  shift 2
  "$@" >"$LOGS/$name.log" 2>&1 || status=$?
  {
    flock 9
    printf '\n==> [%s] %s (%ds)\n' "$(elapsed)" "$title" $((SECONDS - t0))
    cat "$LOGS/$name.log"
  } 9>"$LOGS/.print-lock"
  if [ "$status" != 0 ]; then echo "step '$name' failed with status $status"; return 1; fi
}

# The suite writes about 2.5 GiB (virtualenv, two builds, reference data).
# A full disk fails it with unrelated-looking errors (a failed build, an empty
# step log), so say so first.
FREE_KIB=$(df -Pk "$ROOT" | awk 'NR == 2 {print $4}')
if [ -n "$FREE_KIB" ] && [ "$FREE_KIB" -lt $((3 * 1024 * 1024)) ]; then
  echo "warning: only $((FREE_KIB / 1024)) MiB free on the disk of $ROOT; the test suite needs about 2.5 GiB" >&2
fi

step "python virtualenv with rdkit==$RDKIT_PIN, pandas==$PANDAS_PIN, pyarrow==$PYARROW_PIN (the oracle and table reader; never a runtime dependency)"
if ! "$VENV/bin/python" -c "import rdkit, pandas, pyarrow, sys; sys.exit((rdkit.__version__, pandas.__version__, pyarrow.__version__) != ('$RDKIT_VERSION', '$PANDAS_PIN', '$PYARROW_PIN'))" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "rdkit==$RDKIT_PIN" "pandas==$PANDAS_PIN" "pyarrow==$PYARROW_PIN"
fi

step "cargo fmt --check"
clear_devnull
cargo fmt --all -- --check

step "cargo clippy -D warnings"
clear_devnull
cargo clippy --workspace --all-targets --quiet -- -D warnings

# The RDKit reference steps are single-threaded Python and the test build spends
# much of its time in one rustc at a time, so on a 2-core machine they overlap:
# the build runs in the background while two lanes of reference steps run beside
# it. Each step's output goes to its own log, printed when the step ends. The lanes
# are balanced by the step times each run prints: move a step between lanes when
# one lane grows.
mkdir -p "$OUT" "$LOGS"
NCI=$("$VENV/bin/python" -c "import os, rdkit; print(os.path.join(os.path.dirname(rdkit.__file__), 'Data', 'NCI', 'first_5K.smi'))")
SETS=(chembl_1k="$DATA/chembl_1k.smi" chembl_samples="$DATA/chembl_samples.csv" chembl_drugs="$DATA/chembl_drugs.csv" zinc250k_20k="$DATA/zinc250k.smi.gz:20000")
# real molecules from other sources, shipped in the pinned RDKit wheel: two
# SMILES sets for the parity reference and four SD files for the SD parity,
# listed after the shared ones
"$VENV/bin/python" scripts/parity/rdkit_wheel_sets.py "$OUT"
SD_SETS=$OUT/sd_parity_sets.txt
{ for s in cdk2 solubility.train solubility.test; do echo "$s=$DATA/$s.sdf"; done; cat "$OUT/sd_sets.txt"; } > "$SD_SETS"

step "build the test binaries (profile ci) in the background; RDKit reference steps beside it"
clear_devnull
(cargo test --workspace --profile ci --no-run >"$LOGS/build.log" 2>&1) &
BUILD_PID=$!

reference_lane_a() {
  logged_step mutants "5,000 SMILES mutants of chembl_1k (informational parity input)" \
    "$VENV/bin/python" scripts/parity/make_mutants.py "$DATA/chembl_1k.smi" 5000 "$OUT/mutants.smi"
  logged_step variants "5,000 annotated variants of chembl_1k written by RDKit (isotopes incl. > 255, atom maps, charges, radicals, explicit H, other elements, stray and enumerated stereo)" \
    "$VENV/bin/python" scripts/parity/make_variants.py "$DATA/chembl_1k.smi" 5000 "$OUT/variants.smi"
  logged_step reference "RDKit reference data (shared sets; 20,000-molecule zinc250k sample; NCI first 5K, 10,000 WEHI screening compounds and 2,183 NIBR PubChem examples from the RDKit wheel; 5,000 annotated variants; informational: 5,000 SMILES mutants, tricky chemistry)" \
    "$VENV/bin/python" scripts/parity/make_reference.py "$OUT/reference.tsv" \
    chembl_1k="$DATA/chembl_1k.smi" \
    chembl_samples="$DATA/chembl_samples.csv" \
    chembl_drugs="$DATA/chembl_drugs.csv" \
    zinc250k_20k="$DATA/zinc250k.smi.gz:20000" \
    nci_first5k="$NCI" \
    wehi_pains="$OUT/wehi_pains.smi" \
    nibr_pubchem="$OUT/nibr_pubchem.smi" \
    variants="$OUT/variants.smi" \
    informational_mutants="$OUT/mutants.smi" \
    informational_tricky="tests/corpus/smiles/tricky_chemistry.smi"
  logged_step drawn "RDKit-drawn SD file (2D wedges, V2000 and V3000) of the gated reference sets" \
    "$VENV/bin/python" scripts/parity/check_drawn_sdf.py prepare "$OUT/reference.tsv" "$OUT/drawn.sdf"
  logged_step fingerprints "RDKit reference fingerprints (Morgan r2/r3, FCFP, atom pair, torsion, RDKit path, MACCS, counts) on the shared sets" \
    "$VENV/bin/python" scripts/parity/make_fp_reference.py "$OUT/fingerprints.tsv" "${SETS[@]}"
  logged_step index "RDKit reference library search (BulkTanimoto/Dice/Tversky top-k and thresholds, Butina, MaxMinPicker, SubstructLibrary) on chembl_1k + chembl_samples" \
    "$VENV/bin/python" scripts/parity/make_index_reference.py "$OUT/index" \
    chembl_1k="$DATA/chembl_1k.smi" chembl_samples="$DATA/chembl_samples.csv" -- chembl_drugs="$DATA/chembl_drugs.csv:60"
  logged_step standardize "RDKit reference standardisation (rdMolStandardize parents, SaltRemover; tautomer parents on chembl_drugs) on the shared sets" \
    "$VENV/bin/python" scripts/parity/make_standardize_reference.py --tautomer-sets chembl_drugs "$OUT/standardize.tsv" "$DATA/salts_solvents.smi" "${SETS[@]}"
}

reference_lane_b() {
  logged_step smarts "RDKit reference SMARTS match counts (FilterCatalog PAINS/Brenk/NIH/ZINC/ChEMBL + RDKit functional groups) on the shared sets" \
    "$VENV/bin/python" scripts/parity/make_smarts_reference.py "$OUT/smarts_patterns.tsv" "$OUT/smarts_counts.tsv" "${SETS[@]}"
  logged_step filters "RDKit reference alerts (FilterCatalog: PAINS A/B/C, Brenk, NIH, ZINC, 7 ChEMBL sets) on the shared sets" \
    "$VENV/bin/python" scripts/parity/make_filter_reference.py "$OUT/filters.tsv" "${SETS[@]}"
  logged_step descriptors "RDKit reference descriptors (142: physchem, Crippen, TPSA, topological, fr_*, QED, SA score) on the shared sets" \
    "$VENV/bin/python" scripts/parity/make_desc_reference.py crates/shennong-descriptors/names.txt "$OUT/descriptors.tsv" "${SETS[@]}"
  logged_step pmo "PMO oracle reference values (PyTDC's oracle definitions evaluated with the pinned RDKit) on chembl_1k, chembl_drugs and 2,000 zinc250k molecules" \
    "$VENV/bin/python" scripts/parity/make_pmo_reference.py "$OUT/pmo.tsv" \
    chembl_1k="$DATA/chembl_1k.smi" chembl_drugs="$DATA/chembl_drugs.csv" zinc250k_2k="$DATA/zinc250k.smi.gz:2000"
}

(set -e; reference_lane_a) &
LANE_A=$!
(set -e; reference_lane_b) &
LANE_B=$!
failed=0
wait "$LANE_A" || failed=1
wait "$LANE_B" || failed=1
if ! wait "$BUILD_PID"; then
  cat "$LOGS/build.log"; echo "building the test binaries failed"; failed=1
fi
[ "$failed" = 0 ] || exit 1
step "test binaries built, references ready"

step "cargo test (unit, integration, property, fuzz-mutation and parity tests)"
clear_devnull
SHENNONG_PARITY_REF="$OUT/reference.tsv" SHENNONG_PARITY_OUT="$OUT/ours.tsv" SHENNONG_SDF_OUT="$OUT" SHENNONG_SDF_SETS="$SD_SETS" \
  SHENNONG_FP_REF="$OUT/fingerprints.tsv" \
  SHENNONG_SMARTS_PATTERNS="$OUT/smarts_patterns.tsv" SHENNONG_SMARTS_COUNTS="$OUT/smarts_counts.tsv" \
  SHENNONG_FILTER_REF="$OUT/filters.tsv" SHENNONG_DESC_REF="$OUT/descriptors.tsv" \
  SHENNONG_STD_REF="$OUT/standardize.tsv" SHENNONG_STD_SALTS="$DATA/salts_solvents.smi" \
  SHENNONG_INDEX_REF="$OUT/index" SHENNONG_PMO_REF="$OUT/pmo.tsv" \
  cargo test --workspace --profile ci -- --nocapture 2>&1 | tee "$OUT/cargo-test.log" | grep -vE '^\s*$' | grep -vE '^(running [0-9]+ tests?|test .* \.\.\. ok)$' || true
if ! grep -q "test result" "$OUT/cargo-test.log" || grep -qE "test result: FAILED|error(\[E[0-9]+\])?:" "$OUT/cargo-test.log"; then
  echo "cargo test failed"; exit 1
fi

step "RDKit round-trip fidelity of our canonical SMILES"
"$VENV/bin/python" scripts/parity/check_roundtrip.py "$OUT/ours.tsv" crates/shennong-smiles/tests/known_differences.tsv

step "RDKit parity of SD reading and SDF -> SDF writing (shared SD files; NCI, EGFR, c-Met and CDK2 sets from the RDKit wheel)"
"$VENV/bin/python" scripts/parity/check_sdf.py "$SD_SETS" "$OUT"

step "RDKit parity of SMILES -> SDF through the 2D layout"
"$VENV/bin/python" scripts/parity/check_layout.py prepare "$OUT/reference.tsv" "$OUT/layout_in.smi"
"$BIN" convert "$OUT/layout_in.smi" -o "$OUT/layout.sdf" -q 2> "$OUT/layout-refused.log" || true
"$VENV/bin/python" scripts/parity/check_layout.py check "$OUT/layout_in.smi" "$OUT/layout.sdf"

step "RDKit parity of reading RDKit-drawn SD records (stereo from 2D wedges)"
"$BIN" convert "$OUT/drawn.sdf" -o "$OUT/drawn.smi" -q 2> "$OUT/drawn-errors.log" || true
"$VENV/bin/python" scripts/parity/check_drawn_sdf.py check "$OUT/drawn.sdf" "$OUT/drawn.smi"

step "RDKit parity of non-tetrahedral stereo (@SP/@TB/@OH): 3,000 random complexes and RDKit's inorganic stereo test set"
"$VENV/bin/python" scripts/parity/check_nontetrahedral.py prepare "$OUT/nontetrahedral.smi" 3000
"$BIN" convert "$OUT/nontetrahedral.smi" -o "$OUT/nontetrahedral_ours.smi" -q 2> "$OUT/nontetrahedral-errors.log" || true
"$VENV/bin/python" scripts/parity/check_nontetrahedral.py check "$OUT/nontetrahedral.smi" "$OUT/nontetrahedral_ours.smi"

step "RDKit parity of rings with dummy atoms (*): ~5,300 variants of shared molecules with aromatic ring atoms replaced by *"
"$VENV/bin/python" scripts/parity/check_dummy_rings.py prepare "$DATA" "$OUT/dummy_rings.smi" 6000
"$BIN" convert "$OUT/dummy_rings.smi" -o "$OUT/dummy_rings_ours.smi" -q 2> "$OUT/dummy_rings-errors.log" || true
"$VENV/bin/python" scripts/parity/check_dummy_rings.py check "$OUT/dummy_rings.smi" "$OUT/dummy_rings_ours.smi"

step "chemfp FPS written by shennong fp reads back as RDKit's ECFP4"
"$BIN" fp examples/molecules.smi -o "$OUT/examples.fps" -q
"$VENV/bin/python" scripts/parity/check_fps.py examples/molecules.smi "$OUT/examples.fps"

step "Parquet tables (desc, fp --counts, design run) read back in pandas/pyarrow equal to the CSV and to RDKit; pandas-written Parquet reads as its SMILES file"
TABLES=$OUT/tables
rm -rf "$TABLES" && mkdir -p "$TABLES"
for t in desc.csv desc.parquet; do "$BIN" desc examples/molecules.smi -o "$TABLES/$t" -q 2>/dev/null; done
for t in counts.csv counts.parquet; do "$BIN" fp examples/molecules.smi -o "$TABLES/$t" --type atompair --counts -q 2>/dev/null; done
"$BIN" design examples/design/qed_celecoxib.toml -o "$TABLES/run" --quiet > /dev/null
"$VENV/bin/python" scripts/parity/check_tables.py examples/molecules.smi "$TABLES" "$BIN"

step "cargo doc"
clear_devnull
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet

passed=$(grep -oE 'test result: ok\. [0-9]+ passed' "$OUT/cargo-test.log" | awk '{s+=$4} END {print s+0}')
echo
echo "all checks passed: $passed passed, 0 failed"
