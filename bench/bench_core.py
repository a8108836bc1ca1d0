#!/usr/bin/env python3
"""Side-by-side benchmark of the chemistry core: Shennong vs RDKit on the same
molecules in one run (parse+sanitize, canonical SMILES, SD reading), single
thread and all threads. Prints a table with ratios (RDKit time / Shennong time).

Usage: bench/bench_core.py [N]    (default 100000: half zinc250k, half moses_train)
Run it through bench/run.sh, which builds the Rust side and sets up RDKit.
"""
import gzip
import json
import multiprocessing as mp
import os
import platform
import random
import subprocess
import sys
import time

from rdkit import Chem, RDLogger, rdBase

RDLogger.DisableLog("rdApp.*")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("SHENNONG_DATA", os.path.join(ROOT, "..", "shared", "data"))
OUT = os.path.join(ROOT, "bench", "out")


def sample(n):
    rng = random.Random(42)
    zinc = [l.split()[0] for l in gzip.open(os.path.join(DATA, "zinc250k.smi.gz"), "rt") if l.strip()]
    with gzip.open(os.path.join(DATA, "moses_train.csv.gz"), "rt") as fh:
        next(fh)
        moses = [l.strip().split(",")[0] for l in fh if l.strip()]
    half = n // 2
    return rng.sample(zinc, half) + rng.sample(moses, n - half)


def rd_parse(chunk):
    return sum(1 for s in chunk if Chem.MolFromSmiles(s) is not None)


def rd_canon(chunk):
    return sum(len(Chem.MolToSmiles(Chem.MolFromSmiles(s))) for s in chunk)


def rd_sdf(blocks):
    return sum(1 for b in blocks if Chem.MolFromMolBlock(b) is not None)


def chunks(xs, k):
    step = (len(xs) + k - 1) // k
    return [xs[i:i + step] for i in range(0, len(xs), step)]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    threads = os.cpu_count() or 1
    os.makedirs(OUT, exist_ok=True)
    smi_path = os.path.join(OUT, "bench.smi")
    sdf_path = os.path.join(OUT, "bench.sdf")
    smiles = sample(n)
    with open(smi_path, "w") as fh:
        fh.write("\n".join(smiles) + "\n")
    # the SD file is written by Shennong (2D layout) and read by both
    subprocess.run([os.path.join(ROOT, "target", "release", "shennong"), "convert", smi_path, "-o", sdf_path, "-q"],
                   check=True, stderr=subprocess.DEVNULL)
    with open(sdf_path) as fh:
        blocks = [b for b in fh.read().split("$$$$\n") if b.strip()]

    reps = 3  # each measurement is the fastest of three runs, for both tools

    def timed(fn):
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    # Shennong runs as one process that loads the files once and then
    # times one phase per command, so that each RDKit run is followed at
    # once by the Shennong run it is compared with: on a shared VM the
    # speed drifts over minutes, and timing all of one tool before the
    # other compared the two at different moments.
    exe = os.path.join(ROOT, "target", "release", "examples", "bench_core")
    shennong = subprocess.Popen([exe, smi_path, sdf_path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def sh_run(phase, th):
        shennong.stdin.write("%s %d\n" % (phase, th))
        shennong.stdin.flush()
        return json.loads(shennong.stdout.readline())["seconds"]

    mols = [m for m in (Chem.MolFromSmiles(s) for s in smiles) if m is not None]
    rd_runs = {
        ("parse", 1): lambda: rd_parse(smiles),
        ("canon", 1): lambda: [Chem.MolToSmiles(m) for m in mols],
        ("sdf", 1): lambda: rd_sdf(blocks),
    }
    pool = None
    if threads > 1:
        # all cores: a process pool, the usual way around the GIL
        pool = mp.Pool(threads)
        pool.map(rd_parse, chunks(smiles[:1000], threads))  # warm up workers
        rd_runs[("parse", threads)] = lambda: pool.map(rd_parse, chunks(smiles, threads))
        rd_runs[("sdf", threads)] = lambda: pool.map(rd_sdf, chunks(blocks, threads))
    cases = [(op, th) for op in ("parse", "canon", "sdf") for th in sorted({1, threads})]
    times = {}
    for _ in range(reps):
        for op, th in cases:
            rd = rd_runs.get((op, th))
            rd_t = timed(rd) if rd else None
            times.setdefault((op, th), []).append((rd_t, sh_run(op, th)))
    if pool is not None:
        pool.close()
    shennong.stdin.close()
    shennong.wait()

    print("Shennong %s vs RDKit %s, %d molecules (%d zinc250k + %d moses_train), %d SD records" % (
        "0.1.0", rdBase.rdkitVersion, n, n // 2, n - n // 2, len(blocks)))
    print("machine: %s, %d cores, Python %s; fastest of %d runs each, each RDKit run followed by the Shennong run it is paired with" % (platform.processor() or platform.machine(), threads, platform.python_version(), reps))
    print("| operation | threads | RDKit (s) | Shennong (s) | RDKit mol/s | Shennong mol/s | ratio | ratio per pair of runs |")
    print("|---|---|---|---|---|---|---|---|")
    for op, label, count in [("parse", "SMILES parse + sanitize", n), ("canon", "canonical SMILES write", n), ("sdf", "SD read (molblock parse + sanitize)", len(blocks))]:
        for th in sorted({1, threads}):
            pairs = times[(op, th)]
            sh = min(s for _, s in pairs)
            rd = min(r for r, _ in pairs) if pairs[0][0] is not None else None
            rd_s = "%.2f" % rd if rd else "n/a"
            ratio = "%.1fx" % (rd / sh) if rd else "n/a"
            per_pair = " ".join("%.1fx" % (r / s) for r, s in pairs) if rd else "n/a"
            print("| %s | %d | %s | %.3f | %s | %.0f | %s | %s |" % (
                label, th, rd_s, sh, "%.0f" % (count / rd) if rd else "n/a", count / sh, ratio, per_pair))


if __name__ == "__main__":
    main()
