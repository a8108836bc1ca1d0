#!/usr/bin/env python3
"""Side-by-side benchmark of library search: Shennong vs RDKit and FPSim2 on
the same molecules in one run.

- Library: moses_train (1,584,663 molecules; ECFP4, 2048 bits), or its first
  N. Shennong builds its index (`shennong index build`, all threads); RDKit
  computes its own ExplicitBitVects; FPSim2 builds its own database.
- Similarity: 1,000 queries sampled from the MOSES test set (from the
  molsets 0.3.1 wheel on PyPI). k = 10 nearest and threshold 0.7 Tanimoto,
  per-query latency on one thread (median, p95); RDKit (BulkTanimoto plus a
  numpy top-k, no pruning) on the first Q_RDKIT queries. Hits are compared.
- Substructure: 100 SMARTS (frequent and rare groups, ring systems,
  PAINS-like patterns without explicit H, Murcko scaffolds of library
  molecules) on the first SUB_N library molecules: Shennong vs RDKit's
  SubstructLibrary (CachedTrustedSmilesMolHolder + PatternHolder), one
  thread and all threads; hits must be identical.
- NxN at 0.7 and Butina at distance 0.35 on zinc250k: Shennong on 100,000
  molecules; both tools on CLUSTER_N (RDKit needs the full lower-triangle
  distance list in memory); clusters must be identical.

Usage: bench/bench_search.py [N [Q_RDKIT [SUB_N [CLUSTER_N [CLUSTER_BIG]]]]]
(defaults: all of moses_train, 100, 100000, 10000, 100000), or
bench/bench_search.py sub [SUB_N] for the substructure comparison alone.
Run it through bench/run.sh (needs `pip install fpsim2`, which run.sh does).
"""
import gzip
import json
import multiprocessing as mp
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import zipfile

import numpy as np
from rdkit import Chem, DataStructs, RDLogger, rdBase
from rdkit.Chem import rdFingerprintGenerator as G
from rdkit.Chem import rdSubstructLibrary
from rdkit.Chem.Scaffolds import MurckoScaffold
from rdkit.ML.Cluster import Butina

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_core import DATA, OUT, ROOT  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "scripts", "parity"))
from make_index_reference import PATTERNS  # noqa: E402

RDLogger.DisableLog("rdApp.*")
BIN = os.path.join(ROOT, "target", "release")
GEN = None


def init():
    global GEN
    GEN = G.GetMorganGenerator(radius=2, fpSize=2048)


def fp_chunk(smiles):
    return [GEN.GetFingerprint(Chem.MolFromSmiles(s)).ToBinary() for s in smiles]


def moses_test():
    wheel = os.path.join(OUT, "molsets-0.3.1-py3-none-any.whl")
    if not os.path.exists(wheel):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "molsets==0.3.1", "-d", OUT],
                       check=True)
    with zipfile.ZipFile(wheel) as z, z.open("moses/dataset/data/test.csv.gz") as fh:
        lines = gzip.decompress(fh.read()).decode().splitlines()
    return [l.split(",")[0] for l in lines[1:] if l.strip()]


def lat_stats(ms):
    ms = sorted(ms)
    return {"n": len(ms), "median_ms": statistics.median(ms), "p95_ms": ms[round((len(ms) - 1) * 0.95)],
            "total_s": sum(ms) / 1e3}


def read_hits(path):
    out = {}
    for line in open(path):
        key, _, rest = line.rstrip("\n").partition("\t")
        out[key] = rest
    return out


def scores_of(text):
    return [float(p.split(":")[1]) for p in text.split(",") if p]


def fpsim2_db(smiles, path):
    from FPSim2.io import create_db_file
    t = time.perf_counter()
    create_db_file([[s, i] for i, s in enumerate(smiles)], path, "smiles", "Morgan", {"radius": 2, "fpSize": 2048})
    return time.perf_counter() - t


def substructure(sub_lib, threads, res):
    """Shennong's index vs RDKit's SubstructLibrary on the same molecules and
    100 patterns; fills res["shennong"], res["rdkit"] (substructure keys) and
    res["substructure_identical_hits"]."""
    sub_path, sub_shx = os.path.join(OUT, "search_sub.smi"), os.path.join(OUT, "search_sub.shx")
    with open(sub_path, "w") as fh:
        fh.writelines("%s\tM%d\n" % (s, i) for i, s in enumerate(sub_lib))
    subprocess.run([os.path.join(BIN, "shennong"), "index", "build", sub_path, "-o", sub_shx, "-q"], check=True,
                   stderr=subprocess.DEVNULL)
    patterns = [p for p in PATTERNS]
    pains = os.path.join(ROOT, "data", "filters", "pains_a.tsv")
    patterns += [l.split("\t")[1] for l in open(pains) if not l.startswith("#") and "#1" not in l.split("\t")[1]][:30]
    prng = random.Random(7)
    for s in prng.sample(sub_lib, 200):
        sc = Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(Chem.MolFromSmiles(s)))
        if sc and sc not in patterns and len(patterns) < 100:
            patterns.append(sc)
    pat_path = os.path.join(OUT, "search_patterns.txt")
    with open(pat_path, "w") as fh:
        fh.writelines(p + "\n" for p in patterns)
    out = subprocess.run([os.path.join(BIN, "examples", "bench_search"), "sub", sub_shx, pat_path, OUT],
                         check=True, capture_output=True, text=True).stdout
    subj = json.loads(out)
    subj.pop("records", None)
    res.setdefault("shennong", {})["substructure_library"] = len(sub_lib)
    res["shennong"].update(subj)
    res.setdefault("rdkit", {})
    # RDKit SubstructLibrary
    mols = rdSubstructLibrary.CachedTrustedSmilesMolHolder()
    pats = rdSubstructLibrary.PatternHolder()
    t = time.perf_counter()
    for s in sub_lib:
        m = Chem.MolFromSmiles(s)
        mols.AddSmiles(Chem.MolToSmiles(m))
        pats.AddFingerprint(Chem.PatternFingerprint(m))
    res["rdkit_sslib_build_s"] = time.perf_counter() - t
    sslib = rdSubstructLibrary.SubstructLibrary(mols, pats)
    ours_sub = read_hits(os.path.join(OUT, "shennong_sub.tsv"))
    sub1, suball, same = [], [], 0
    for p in patterns:
        q = Chem.MolFromSmarts(p)
        t = time.perf_counter()
        hits = sslib.GetMatches(q, numThreads=1, maxResults=10**9)
        sub1.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        sslib.GetMatches(q, numThreads=threads, maxResults=10**9)
        suball.append((time.perf_counter() - t) * 1e3)
        same += ",".join(map(str, sorted(hits))) == ours_sub[p]
    res["rdkit"]["substructure"] = lat_stats(sub1)
    res["rdkit"]["substructure_all_threads"] = lat_stats(suball)
    res["substructure_identical_hits"] = "%d/%d" % (same, len(patterns))


def main():
    if sys.argv[1:2] == ["sub"]:
        # substructure only: bench/bench_search.py sub [SUB_N]
        with gzip.open(os.path.join(DATA, "moses_train.csv.gz"), "rt") as fh:
            next(fh)
            lib = [l.strip().split(",")[0] for _, l in zip(range(int(sys.argv[2]) if len(sys.argv) > 2 else 100000), fh)]
        res = {"threads": os.cpu_count() or 1, "rdkit_version": rdBase.rdkitVersion}
        os.makedirs(OUT, exist_ok=True)
        substructure(lib, res["threads"], res)
        print(json.dumps(res, indent=1))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    q_rdkit = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    sub_n = int(sys.argv[3]) if len(sys.argv) > 3 else 100000
    cluster_n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    cluster_big = int(sys.argv[5]) if len(sys.argv) > 5 else 100000
    threads = os.cpu_count() or 1
    os.makedirs(OUT, exist_ok=True)
    with gzip.open(os.path.join(DATA, "moses_train.csv.gz"), "rt") as fh:
        next(fh)
        lib = [l.strip().split(",")[0] for l in fh if l.strip()]
    if n:
        lib = lib[:n]
    rng = random.Random(42)
    queries = rng.sample(moses_test(), 1000)
    lib_path, q_path = os.path.join(OUT, "search_lib.smi"), os.path.join(OUT, "search_queries.smi")
    with open(lib_path, "w") as fh:
        fh.writelines("%s\tM%d\n" % (s, i) for i, s in enumerate(lib))
    with open(q_path, "w") as fh:
        fh.writelines("%s\tQ%d\n" % (s, i) for i, s in enumerate(queries))
    res = {"library": len(lib), "queries": len(queries), "threads": threads, "rdkit": rdBase.rdkitVersion}

    # --- Shennong: build and search
    shx = os.path.join(OUT, "search_lib.shx")
    t = time.perf_counter()
    subprocess.run([os.path.join(BIN, "shennong"), "index", "build", lib_path, "-o", shx, "-q"], check=True,
                   stderr=subprocess.DEVNULL)
    res["shennong_build_s"] = time.perf_counter() - t
    res["index_bytes"] = os.path.getsize(shx)
    res["text_bytes"] = sum(len(s) + len("M%d" % i) for i, s in enumerate(lib))
    res["fp_bytes"] = len(lib) * 256
    out = subprocess.run([os.path.join(BIN, "examples", "bench_search"), "sim", shx, q_path, OUT],
                         check=True, capture_output=True, text=True).stdout
    res["shennong"] = json.loads(out)
    ours_knn = read_hits(os.path.join(OUT, "shennong_knn10.tsv"))
    ours_thr = read_hits(os.path.join(OUT, "shennong_threshold07.tsv"))

    # --- RDKit
    t = time.perf_counter()
    with mp.Pool(threads, initializer=init) as pool:
        step = 20000
        parts = pool.map(fp_chunk, [lib[i:i + step] for i in range(0, len(lib), step)])
    fps = [DataStructs.ExplicitBitVect(b) for part in parts for b in part]
    res["rdkit_fp_s_all_procs"] = time.perf_counter() - t
    init()
    qfps = [GEN.GetFingerprint(Chem.MolFromSmiles(s)) for s in queries]
    knn_ms, thr_ms, knn_agree, thr_agree = [], [], 0, 0
    for qi, q in enumerate(qfps[:q_rdkit]):
        t = time.perf_counter()
        sims = np.array(DataStructs.BulkTanimotoSimilarity(q, fps))
        top = np.argpartition(-sims, 10)[:10]
        top = sorted(top, key=lambda i: (-sims[i], i))
        knn_ms.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        sims = np.array(DataStructs.BulkTanimotoSimilarity(q, fps))
        hits = np.nonzero(sims >= 0.7)[0]
        thr_ms.append((time.perf_counter() - t) * 1e3)
        knn_agree += [sims[i] for i in top] == scores_of(ours_knn[str(qi)])
        thr_agree += sorted(sims[hits].tolist(), reverse=True) == scores_of(ours_thr[str(qi)])
    res["rdkit"] = {"knn10": lat_stats(knn_ms), "threshold07": lat_stats(thr_ms),
                    "knn10_same_scores": "%d/%d" % (knn_agree, len(knn_ms)),
                    "threshold07_same_hits": "%d/%d" % (thr_agree, len(thr_ms))}

    substructure(lib[:sub_n], threads, res)

    # --- FPSim2
    try:
        from FPSim2 import FPSim2Engine
        h5 = os.path.join(OUT, "search_lib.%d.h5" % len(lib))
        # FPSim2's database takes ~10 min to build for 1.58M molecules; an
        # earlier run's file for the same library is reused (build time not re-measured)
        if os.path.exists(h5):
            res["fpsim2_build_s"] = "reused %s" % os.path.basename(h5)
        else:
            res["fpsim2_build_s"] = fpsim2_db(lib, h5)
        eng = FPSim2Engine(h5)
        f_knn, f_thr, agree = [], [], 0
        for qi, q in enumerate(qfps):
            t = time.perf_counter()
            top = eng.top_k(q, 10, 0.0, n_workers=1)
            f_knn.append((time.perf_counter() - t) * 1e3)
            t = time.perf_counter()
            eng.similarity(q, 0.7, n_workers=1)
            f_thr.append((time.perf_counter() - t) * 1e3)
            # FPSim2 reports float32 coefficients
            agree += sorted(top["coeff"].tolist(), reverse=True) == [float(np.float32(x)) for x in scores_of(ours_knn[str(qi)])]
        t = time.perf_counter()
        for q in qfps:
            eng.top_k(q, 10, 0.0, n_workers=threads)
        knn_all = time.perf_counter() - t
        res["fpsim2"] = {"version": __import__("FPSim2").__version__, "knn10": lat_stats(f_knn),
                         "threshold07": lat_stats(f_thr), "knn10_all_threads_s": knn_all,
                         "knn10_same_scores": "%d/%d" % (agree, len(qfps))}
    except ImportError:
        res["fpsim2"] = "not installed"

    # --- NxN and Butina on zinc250k
    zinc = [l.split()[0] for l in gzip.open(os.path.join(DATA, "zinc250k.smi.gz"), "rt") if l.strip()]
    zrng = random.Random(11)
    z100 = zrng.sample(zinc, cluster_big)
    for name, mols_ in (("zinc100k", z100), ("zinc_small", z100[:cluster_n])):
        p = os.path.join(OUT, "search_%s.smi" % name)
        with open(p, "w") as fh:
            fh.writelines("%s\tZ%d\n" % (s, i) for i, s in enumerate(mols_))
        subprocess.run([os.path.join(BIN, "shennong"), "index", "build", p, "-o", p[:-4] + ".shx", "-q", "--no-molecules"],
                       check=True, stderr=subprocess.DEVNULL)
        out = subprocess.run([os.path.join(BIN, "examples", "bench_search"), "cluster", p[:-4] + ".shx", OUT],
                             check=True, capture_output=True, text=True).stdout
        res["shennong_cluster_" + name] = json.loads(out)
    zfps = [GEN.GetFingerprint(Chem.MolFromSmiles(s)) for s in z100[:cluster_n]]
    t = time.perf_counter()
    pairs = 0
    for i in range(1, len(zfps)):
        sims = DataStructs.BulkTanimotoSimilarity(zfps[i], zfps[:i])
        pairs += sum(1 for s in sims if s >= 0.7)
    rd_nxn = time.perf_counter() - t
    t = time.perf_counter()
    dists = []
    for i in range(1, len(zfps)):
        dists.extend([1 - x for x in DataStructs.BulkTanimotoSimilarity(zfps[i], zfps[:i])])
    clusters = Butina.ClusterData(dists, len(zfps), 0.35, isDistData=True)
    rd_butina = time.perf_counter() - t
    ours = open(os.path.join(OUT, "shennong_butina.txt")).read().split("\n")
    res["rdkit_cluster_small"] = {"records": len(zfps), "nxn07_s": rd_nxn, "pairs": pairs, "butina035_s": rd_butina,
                                  "clusters": len(clusters),
                                  "identical_clusters": [",".join(map(str, c)) for c in clusters] == [l for l in ours if l]}
    res["machine"] = "%s, %d cores (%s)" % (platform.processor() or platform.machine(), threads, platform.platform())
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
