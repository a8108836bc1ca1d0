#!/usr/bin/env bash
# Builds Shennong, sets up the pinned RDKit, and runs the side-by-side benchmarks.
# Usage: bench/run.sh [N [M [D [S [L]]]]]   (the QSAR benchmark, last, runs bench/bench_models.py with its defaults)   (N molecules; M of them for SMARTS matching; D for descriptors; S zinc molecules added to chembl_drugs for standardisation; L moses_train molecules for library search, 0 = all 1.58M)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
VENV=.venv
if ! "$VENV/bin/python" -c "import rdkit, sys; sys.exit(rdkit.__version__ != '2026.09.1')" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "rdkit==2026.9.1"
fi
clear_devnull
"$VENV/bin/pip" install --quiet --disable-pip-version-check "fpsim2==0.7.4" "scikit-learn==1.9.1" "chemprop==2.2.4"
cargo build --release --quiet -p shennong-cli --bin shennong --example bench_core --example bench_fp --example bench_desc --example bench_search
"$VENV/bin/python" bench/bench_core.py "${1:-100000}"
"$VENV/bin/python" bench/bench_fp.py "${1:-100000}" "${2:-20000}"
"$VENV/bin/python" bench/bench_desc.py "${3:-20000}"
"$VENV/bin/python" bench/bench_std.py "${4:-5000}"
"$VENV/bin/python" bench/bench_search.py "${5:-0}"
"$VENV/bin/python" bench/bench_models.py   # QSAR: Shennong vs Tanimoto SVR, RF, Chemprop (cached per set in bench/out/models)
