#!/usr/bin/env python3
"""Side-by-side benchmark of descriptors and alert filtering: Shennong vs
RDKit on the same parsed molecules in one run, single thread and all threads.
Operations: the full descriptor set (the 142 descriptors Shennong computes,
through RDKit's `Descriptors` functions, `qed` and Contrib `sascorer`), QED,
SA score, and PAINS filtering (FilterCatalog PAINS, HasMatch). Prints a table
with ratios (RDKit time / Shennong time) and checks that both sides agree
(sum of all descriptor values, QED and SA sums, PAINS-flagged molecules).

Usage: bench/bench_desc.py [N [THREADS]]   (default 20000 molecules, half
zinc250k, half moses_train; all cores). Run it through bench/run.sh.
"""
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time

from rdkit import Chem, RDConfig, RDLogger, rdBase
from rdkit.Chem import Descriptors
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(RDConfig.RDContribDir, "SA_Score"))
from bench_core import OUT, ROOT, chunks, sample  # noqa: E402
import sascorer  # noqa: E402

RDLogger.DisableLog("rdApp.*")
FNS = dict(Descriptors.descList)
NAMES = [l.strip() for l in open(os.path.join(ROOT, "crates", "shennong-descriptors", "names.txt"))
         if l.strip() and not l.startswith("#")]
MOLS = None
PAINS = None


def lipinski(m):
    return int(sum([FNS["MolWt"](m) > 500, FNS["MolLogP"](m) > 5, FNS["NHOHCount"](m) > 5,
                    FNS["NOCount"](m) > 10]) <= 1)


def veber(m):
    return int(FNS["NumRotatableBonds"](m) <= 10 and FNS["TPSA"](m) <= 140)


CALLS = None


def init(smiles=()):
    global MOLS, PAINS, CALLS
    sascorer.readFragmentScores()
    params = FilterCatalogParams()
    params.AddCatalog(FilterCatalogParams.FilterCatalogs.PAINS)
    PAINS = FilterCatalog(params)
    CALLS = [sascorer.calculateScore if n == "SAscore" else lipinski if n == "Lipinski"
             else veber if n == "Veber" else FNS[n] for n in NAMES]
    MOLS = [m for m in (Chem.MolFromSmiles(s) for s in smiles) if m is not None]


def rd_all(bounds):
    lo, hi = bounds
    total = 0.0
    for m in MOLS[lo:hi]:
        for f in CALLS:
            v = f(m)
            if v is not None and v == v:
                total += float(v)
    return total


def rd_qed(bounds):
    lo, hi = bounds
    return sum(FNS["qed"](m) for m in MOLS[lo:hi])


def rd_sa(bounds):
    lo, hi = bounds
    return sum(sascorer.calculateScore(m) for m in MOLS[lo:hi])


def rd_pains(bounds):
    lo, hi = bounds
    return sum(1 for m in MOLS[lo:hi] if PAINS.HasMatch(m))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    # a second argument caps the threads (1: the per-core rows alone, which
    # halves RDKit's share of a 100k run)
    threads = min(int(sys.argv[2]), os.cpu_count() or 1) if len(sys.argv) > 2 else os.cpu_count() or 1
    os.makedirs(OUT, exist_ok=True)
    smiles = sample(n)
    smi_path = os.path.join(OUT, "bench_desc.smi")
    with open(smi_path, "w") as fh:
        fh.write("\n".join(smiles) + "\n")
    init(smiles)
    count = len(MOLS)
    ops = [("all", rd_all), ("qed", rd_qed), ("sa", rd_sa), ("pains", rd_pains)]
    res, sums = {}, {}
    for op, fn in ops:
        t = time.perf_counter()
        sums[op] = fn((0, count))
        res[(op, 1, "rdkit")] = time.perf_counter() - t
    if threads > 1:
        with mp.Pool(threads, initializer=init, initargs=(smiles,)) as pool:
            step = (count + threads - 1) // threads
            bounds = [(i, min(i + step, count)) for i in range(0, count, step)]
            pool.map(rd_pains, bounds)
            for op, fn in ops:
                t = time.perf_counter()
                pool.map(fn, bounds)
                res[(op, threads, "rdkit")] = time.perf_counter() - t
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_desc")
    ours = {}
    for th in sorted({1, threads}):
        r = json.loads(subprocess.run([exe, smi_path, str(th)], check=True, capture_output=True, text=True).stdout)
        ours[th] = r
        for op, _ in ops:
            res[(op, th, "shennong")] = r[op + "_s"]
    r1 = ours[1]

    def same(a, b, rel=1e-6):
        return abs(a - b) <= rel * max(abs(a), abs(b), 1.0)
    agree = "sum of all values %s, QED %s, SA %s, PAINS-flagged %s" % (
        "equal" if same(r1["all_sum"], sums["all"]) else "DIFFER (%r vs %r)" % (r1["all_sum"], sums["all"]),
        "equal" if same(r1["qed_sum"], sums["qed"]) else "DIFFER",
        "equal" if same(r1["sa_sum"], sums["sa"]) else "DIFFER",
        "equal (%d)" % sums["pains"] if int(r1["pains_hits"]) == sums["pains"] else "DIFFER (%d vs %d)" % (r1["pains_hits"], sums["pains"]))
    print("Shennong 0.1.0 vs RDKit %s, %d molecules (%d zinc250k + %d moses_train), %d descriptors" % (
        rdBase.rdkitVersion, count, n // 2, n - n // 2, len(NAMES)))
    print("machine: %s, %d cores, Python %s; one run each; %s" % (
        platform.processor() or platform.machine(), threads, platform.python_version(), agree))
    print("| operation | threads | RDKit (s) | Shennong (s) | RDKit mol/s | Shennong mol/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for op, label in [("all", "all %d descriptors from parsed molecules" % len(NAMES)), ("qed", "QED"),
                      ("sa", "SA score"), ("pains", "PAINS filter (FilterCatalog HasMatch / first alert)")]:
        for th in sorted({1, threads}):
            rd, sh = res.get((op, th, "rdkit")), res.get((op, th, "shennong"))
            print("| %s | %d | %.2f | %.3f | %.0f | %.0f | %.1fx |" % (label, th, rd, sh, count / rd, count / sh, rd / sh))


if __name__ == "__main__":
    main()
