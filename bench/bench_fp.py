#!/usr/bin/env python3
"""Side-by-side benchmark of fingerprints and SMARTS matching: Shennong vs
RDKit on the same molecules in one run, single thread and all threads.
Operations: SMILES -> ECFP4 (2048 bits) end to end; ECFP4 from parsed
molecules; MACCS keys from parsed molecules; PAINS (FilterCatalog's 480
patterns, read with mergeHs) first-match tests on the first M molecules.
Prints a table with ratios (RDKit time / Shennong time) and checks that
both sides count the same set bits and PAINS hits.

Usage: bench/bench_fp.py [N [M]]   (default 100000 molecules, half zinc250k,
half moses_train; M = 20000 for matching). Run it through bench/run.sh.
"""
import json
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import MACCSkeys, rdFingerprintGenerator as G

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_core import OUT, ROOT, chunks, sample  # noqa: E402

RDLogger.DisableLog("rdApp.*")
PAINS = [os.path.join(ROOT, "data", "filters", f) for f in ("pains_a.tsv", "pains_b.tsv", "pains_c.tsv")]
GEN = None
PATS = None
MOLS = None


def init(smiles=()):
    global GEN, PATS, MOLS
    GEN = G.GetMorganGenerator(radius=2, fpSize=2048)
    PATS = [Chem.MolFromSmarts(l.split("\t")[1], mergeHs=True) for p in PAINS for l in open(p) if not l.startswith("#")]
    MOLS = [Chem.MolFromSmiles(s) for s in smiles]


def rd_e2e(chunk):
    total = 0
    for s in chunk:
        m = Chem.MolFromSmiles(s)
        if m is not None:
            total += GEN.GetFingerprint(m).GetNumOnBits()
    return total


def rd_match(bounds):
    lo, hi = bounds
    return sum(1 for m in MOLS[lo:hi] for p in PATS if m.HasSubstructMatch(p))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    m_n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    threads = os.cpu_count() or 1
    os.makedirs(OUT, exist_ok=True)
    smi_path = os.path.join(OUT, "bench_fp.smi")
    pains_path = os.path.join(OUT, "pains.tsv")
    smiles = sample(n)
    with open(smi_path, "w") as fh:
        fh.write("\n".join(smiles) + "\n")
    with open(pains_path, "w") as fh:
        for p in PAINS:
            fh.writelines(l for l in open(p) if not l.startswith("#"))
    init()

    def best(fn, reps=3):
        times, r = [], None
        for _ in range(reps):
            t = time.perf_counter()
            r = fn()
            times.append(time.perf_counter() - t)
        return min(times), r

    res = {}
    res[("e2e", 1, "rdkit")], e2e_bits = best(lambda: rd_e2e(smiles))
    mols = [m for m in (Chem.MolFromSmiles(s) for s in smiles) if m is not None]
    res[("fp", 1, "rdkit")], _ = best(lambda: sum(GEN.GetFingerprint(m).GetNumOnBits() for m in mols))
    res[("maccs", 1, "rdkit")], maccs_bits = best(lambda: sum(MACCSkeys.GenMACCSKeys(m).GetNumOnBits() for m in mols), reps=1)
    sub = [Chem.MolToSmiles(m) for m in mols[:m_n]]
    sub_mols = mols[:m_n]
    res[("match", 1, "rdkit")], hits = best(lambda: sum(1 for m in sub_mols for p in PATS if m.HasSubstructMatch(p)), reps=1)
    if threads > 1:
        # each worker parses the matching molecules once, before timing
        with mp.Pool(threads, initializer=init, initargs=(sub,)) as pool:
            pool.map(rd_e2e, chunks(smiles[:1000], threads))
            res[("e2e", threads, "rdkit")], _ = best(lambda: sum(pool.map(rd_e2e, chunks(smiles, threads))))
            step = (len(sub) + threads - 1) // threads
            bounds = [(i, min(i + step, len(sub))) for i in range(0, len(sub), step)]
            res[("match", threads, "rdkit")], _ = best(lambda: sum(pool.map(rd_match, bounds)), reps=1)
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_fp")
    ours = {}
    for th in sorted({1, threads}):
        r = json.loads(subprocess.run([exe, smi_path, pains_path, str(m_n), str(th)], check=True, capture_output=True, text=True).stdout)
        ours[th] = r
        for op in ("e2e", "fp", "maccs", "match"):
            res[(op, th, "shennong")] = r[op + "_s"]
    r1 = ours[1]
    agree = "ECFP4 set bits %s, MACCS set bits %s, PAINS hits %s" % (
        "equal" if r1["e2e_bits"] == e2e_bits else "DIFFER (%d vs %d)" % (r1["e2e_bits"], e2e_bits),
        "equal" if r1["maccs_bits"] == maccs_bits else "DIFFER (%d vs %d)" % (r1["maccs_bits"], maccs_bits),
        "equal (%d)" % hits if r1["hits"] == hits else "DIFFER (%d vs %d)" % (r1["hits"], hits))
    print("Shennong 0.1.0 vs RDKit %s, %d molecules (%d zinc250k + %d moses_train); PAINS matching on the first %d (%d patterns)" % (
        rdBase.rdkitVersion, n, n // 2, n - n // 2, len(sub_mols), len(PATS)))
    print("machine: %s, %d cores, Python %s; fastest of 3 runs (MACCS and matching: 1 run); %s" % (
        platform.processor() or platform.machine(), threads, platform.python_version(), agree))
    print("| operation | threads | RDKit (s) | Shennong (s) | RDKit mol/s | Shennong mol/s | ratio |")
    print("|---|---|---|---|---|---|---|")
    for op, label, count in [("e2e", "SMILES -> ECFP4 (parse + sanitize + fingerprint)", n),
                             ("fp", "ECFP4 from parsed molecules", len(mols)),
                             ("maccs", "MACCS keys from parsed molecules", len(mols)),
                             ("match", "PAINS first-match, 480 patterns per molecule", len(sub_mols))]:
        for th in sorted({1, threads}):
            rd, sh = res.get((op, th, "rdkit")), res.get((op, th, "shennong"))
            if sh is None:
                continue
            print("| %s | %d | %s | %.3f | %s | %.0f | %s |" % (
                label, th, "%.2f" % rd if rd else "n/a", sh, "%.0f" % (count / rd) if rd else "n/a",
                count / sh, "%.1fx" % (rd / sh) if rd else "n/a"))


if __name__ == "__main__":
    main()
