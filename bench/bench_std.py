#!/usr/bin/env python3
"""Side-by-side benchmark of structure standardisation: `shennong standardize`
vs RDKit's rdMolStandardize on the same SMILES file in one run, end to end
(read SMILES, standardise, write canonical SMILES), one thread and all
threads (RDKit: a process pool). Pipelines: charge parent (clean-up, largest
fragment, uncharge) and full (charge parent's canonical tautomer). Prints
wall times, the ratio RDKit / Shennong, and how many outputs agree (compared
as structures: RDKit's output read back by Shennong and written canonically).

Usage: bench/bench_std.py [N [THREADS]]   (chembl_drugs.csv plus N zinc250k
molecules, default 5000; THREADS caps the thread counts run, so 1 gives the
per-core rows alone). Run it through bench/run.sh.
"""
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem.MolStandardize import rdMolStandardize as S

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_core import OUT, ROOT, chunks  # noqa: E402

RDLogger.DisableLog("rdApp.*")
BIN = os.path.join(ROOT, "target", "release", "shennong")
DATA = os.environ.get("SHENNONG_DATA", os.path.join(ROOT, "..", "shared", "data"))


def rd_charge(smiles):
    out = []
    for s in smiles:
        m = Chem.MolFromSmiles(s)
        out.append(Chem.MolToSmiles(S.ChargeParent(m)) if m is not None else "")
    return out


def rd_full(smiles):
    out = []
    for s in smiles:
        m = Chem.MolFromSmiles(s)
        out.append(Chem.MolToSmiles(S.TautomerParent(S.ChargeParent(m), skipStandardize=True))
                   if m is not None else "")
    return out


def inputs(n):
    import csv
    import gzip
    rows = [r["smiles"] for r in csv.DictReader(open(os.path.join(DATA, "chembl_drugs.csv")))]
    with gzip.open(os.path.join(DATA, "zinc250k.smi.gz"), "rt") as f:
        for i, line in enumerate(f):
            if i >= n:
                break
            rows.append(line.split()[0])
    return rows


def ours(path, parent, threads):
    out = os.path.join(OUT, "std_%s_%d.smi" % (parent, threads))
    t = time.perf_counter()
    subprocess.run([BIN, "standardize", path, "-o", out, "--parent", parent, "--threads", str(threads), "-q"],
                   check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, [l.split("\t")[0] for l in open(out)]


def canon(smiles):
    path = os.path.join(OUT, "std_rdkit.smi")
    with open(path, "w") as f:
        for i, s in enumerate(smiles):
            f.write("%s\t%d\n" % (s if s else "*", i))
    out = os.path.join(OUT, "std_rdkit_canon.smi")
    subprocess.run([BIN, "convert", path, "-o", out, "-q"], check=True, stderr=subprocess.DEVNULL)
    got = {}
    for line in open(out):
        s, i = line.rstrip("\n").split("\t")
        got[int(i)] = s
    return [got.get(i, "") for i in range(len(smiles))]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    os.makedirs(OUT, exist_ok=True)
    smiles = inputs(n)
    path = os.path.join(OUT, "std_in.smi")
    with open(path, "w") as f:
        for i, s in enumerate(smiles):
            f.write("%s\t%d\n" % (s, i))
    cores = os.cpu_count() or 1
    # a second argument caps the threads (1: the per-core rows alone, about a
    # third of the wall time, since RDKit's tautomer step dominates)
    cap = min(int(sys.argv[2]), cores) if len(sys.argv) > 2 else cores
    print("standardisation benchmark: %d molecules (chembl_drugs + %d zinc250k), RDKit %s, %s, %d cores"
          % (len(smiles), n, rdBase.rdkitVersion, platform.processor() or platform.machine(), cores))
    print("%-8s %-8s %10s %10s %8s %s" % ("parent", "threads", "rdkit s", "shennong s", "ratio", "agree"))
    for parent, fn in (("charge", rd_charge), ("full", rd_full)):
        for threads in sorted({1, cap}):
            t = time.perf_counter()
            if threads == 1:
                ref = fn(smiles)
            else:
                with mp.Pool(threads) as pool:
                    ref = [s for part in pool.map(fn, chunks(smiles, threads * 8)) for s in part]
            rd_time = time.perf_counter() - t
            our_time, got = ours(path, parent, threads)
            ref_c = canon(ref)
            agree = sum(1 for a, b in zip(ref_c, got) if a == b)
            print("%-8s %-8d %10.2f %10.2f %7.1fx %d/%d" % (parent, threads, rd_time, our_time,
                                                          rd_time / our_time, agree, len(smiles)))


if __name__ == "__main__":
    main()
