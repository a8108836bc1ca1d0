"""QSAR benchmark, side by side in one run on identical splits (issue 7).

Data sets: the 20 MoleculeACE sets (given train/test split, RMSE and
cliff RMSE on the test part), FreeSolv (5 seeded random 80/20 splits) and
the solubility train/test SD files. Methods:

- Shennong: `shennong train --model auto` (learner chosen by 5-fold CV on the
  training part) on ECFP4 counts, with 90 % conformal intervals.
- SVR with a Tanimoto kernel on RDKit ECFP4 counts (MoleculeACE's
  definition, T = x.y / (|x|^2 + |y|^2 - x.y)), C chosen by 5-fold CV on the
  training part.
- Random forest (scikit-learn defaults: 100 trees, all features per split) on
  RDKit ECFP4 bits.
- Chemprop 2.x D-MPNN on CPU, default settings, 50 epochs, 10 % of the
  training part held out for checkpoint selection.

Results are cached per (method, set) under bench/out/models/ so that a rerun
only computes what is missing. Usage:
    python bench/bench_models.py [--methods shennong,svr,rf,chemprop] [--sets ace,freesolv,solubility]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd
from rdkit import Chem, RDLogger
from rdkit.Chem import rdFingerprintGenerator

RDLogger.DisableLog("rdApp.*")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(ROOT), "shared", "data")
OUT = os.path.join(ROOT, "bench", "out", "models")
SHENNONG = os.path.join(ROOT, "target", "release", "shennong")


def datasets(which):
    """Yields (name, DataFrame with smiles, y, split (train/test), cliff_mol)."""
    if "ace" in which:
        folder = os.path.join(DATA, "moleculeace")
        for f in sorted(os.listdir(folder)):
            df = pd.read_csv(os.path.join(folder, f))
            yield f[:-4], df[["smiles", "y", "split", "cliff_mol"]].copy()
    if "freesolv" in which:
        df = pd.read_csv(os.path.join(DATA, "freesolv.csv"))
        for seed in range(5):
            perm = np.random.RandomState(seed).permutation(len(df))
            split = np.array(["train"] * len(df), dtype=object)
            split[perm[: int(round(0.2 * len(df)))]] = "test"
            d = pd.DataFrame({"smiles": df["smiles"], "y": df["expt"], "split": split, "cliff_mol": 0})
            yield f"freesolv_{seed}", d
    if "solubility" in which:
        parts = []
        for part in ("train", "test"):
            for m in Chem.SDMolSupplier(os.path.join(DATA, f"solubility.{part}.sdf")):
                if m is not None:
                    parts.append((Chem.MolToSmiles(m), float(m.GetProp("SOL")), part))
        d = pd.DataFrame(parts, columns=["smiles", "y", "split"])
        d["cliff_mol"] = 0
        yield "solubility", d


def rmse(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.sqrt(np.mean((a - b) ** 2)))


def scores(df, pred):
    test = df[df.split == "test"]
    out = {"rmse": rmse(test.y, pred), "n_test": int(len(test))}
    cliff = test.cliff_mol.values == 1
    if cliff.any():
        out["cliff_rmse"] = rmse(test.y.values[cliff], np.asarray(pred)[cliff])
    return out


def run_shennong(name, df, work):
    path = os.path.join(work, f"{name}.csv")
    df.to_csv(path, index=False)
    model = os.path.join(work, f"{name}.shm")
    t = time.perf_counter()
    r = subprocess.run(
        [SHENNONG, "train", path, "--target", "y", "--split", "column:split", "--cliff-col", "cliff_mol",
         "--quiet", "-o", model], capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t
    rows = {}
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[0] == "y":
            rows[parts[1]] = parts
    header = r.stdout.splitlines()[0].split()
    col = {h: i for i, h in enumerate(header)}
    test = rows["test"]
    out = {"rmse": float(test[col["rmse"]]), "coverage90": float(test[col["coverage"]]),
           "width90": float(test[col["mean_width"]]), "n_test": int(test[col["n"]]), "train_s": secs,
           "learner": next(k for k in rows if k.startswith("cv:"))[3:]}
    if "test:cliff" in rows and int(rows["test:cliff"][col["n"]]) > 0:
        out["cliff_rmse"] = float(rows["test:cliff"][col["rmse"]])
    return out


def ecfp_counts(smiles):
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    return np.array([gen.GetCountFingerprintAsNumPy(Chem.MolFromSmiles(s)) for s in smiles], dtype=np.float64)


def ecfp_bits(smiles):
    gen = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    return np.array([gen.GetFingerprintAsNumPy(Chem.MolFromSmiles(s)) for s in smiles], dtype=np.uint8)


def tanimoto_kernel(a, b):
    dot = a @ b.T
    na = (a * a).sum(1)[:, None]
    nb = (b * b).sum(1)[None, :]
    return dot / (na + nb - dot)


def run_svr(name, df, work):
    from sklearn.model_selection import KFold
    from sklearn.svm import SVR

    t = time.perf_counter()
    tr, te = df[df.split == "train"], df[df.split == "test"]
    xtr, xte = ecfp_counts(tr.smiles), ecfp_counts(te.smiles)
    ytr = tr.y.values
    k = tanimoto_kernel(xtr, xtr)
    best = None
    for c in (0.1, 1.0, 10.0, 100.0):
        errs = []
        for a, b in KFold(5, shuffle=True, random_state=0).split(xtr):
            m = SVR(kernel="precomputed", C=c).fit(k[np.ix_(a, a)], ytr[a])
            errs.append(rmse(ytr[b], m.predict(k[np.ix_(b, a)])))
        if best is None or np.mean(errs) < best[0]:
            best = (np.mean(errs), c)
    m = SVR(kernel="precomputed", C=best[1]).fit(k, ytr)
    pred = m.predict(tanimoto_kernel(xte, xtr))
    out = scores(df, pred)
    out["train_s"] = time.perf_counter() - t
    out["C"] = best[1]
    return out


def run_rf(name, df, work):
    from sklearn.ensemble import RandomForestRegressor

    t = time.perf_counter()
    tr, te = df[df.split == "train"], df[df.split == "test"]
    m = RandomForestRegressor(n_estimators=100, n_jobs=-1, random_state=0).fit(ecfp_bits(tr.smiles), tr.y.values)
    pred = m.predict(ecfp_bits(te.smiles))
    out = scores(df, pred)
    out["train_s"] = time.perf_counter() - t
    return out


def run_chemprop(name, df, work):
    d = df.copy()
    tr = np.where(d.split == "train")[0]
    val = np.random.RandomState(0).choice(tr, size=int(round(0.1 * len(tr))), replace=False)
    d.loc[d.index[val], "split"] = "val"
    folder = os.path.join(work, f"chemprop_{name}")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "data.csv")
    d[["smiles", "y", "split"]].to_csv(path, index=False)
    chemprop = os.path.join(os.path.dirname(sys.executable), "chemprop")
    t = time.perf_counter()
    subprocess.run([chemprop, "train", "--data-path", path, "--splits-column", "split", "-s", "smiles",
                    "--target-columns", "y", "--task-type", "regression", "--epochs", "50", "--num-workers", "0",
                    "-o", os.path.join(folder, "out")], capture_output=True, check=True)
    secs = time.perf_counter() - t
    preds = pd.read_csv(os.path.join(folder, "out", "model_0", "test_predictions.csv"))
    test = df[df.split == "test"]
    pred = preds["y"].values
    assert len(pred) == len(test) and list(preds["smiles"]) == list(test.smiles)
    out = scores(df, pred)
    out["train_s"] = secs
    return out


METHODS = {"shennong": run_shennong, "svr": run_svr, "rf": run_rf, "chemprop": run_chemprop}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="shennong,svr,rf,chemprop")
    ap.add_argument("--sets", default="ace,freesolv,solubility")
    ap.add_argument("--fresh", action="store_true", help="ignore cached results")
    ap.add_argument("--only", default="", help="comma-separated set names to run (default: all)")
    ap.add_argument("--table-only", action="store_true", help="print the table from cached results; sets lacking a method are listed without it")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    work = os.path.join(OUT, "work")
    os.makedirs(work, exist_ok=True)
    methods = args.methods.split(",")
    table = []
    only = set(filter(None, args.only.split(",")))
    for name, df in datasets(args.sets.split(",")):
        if only and name not in only:
            continue
        row = {"set": name, "n_train": int((df.split == "train").sum()), "n_test": int((df.split == "test").sum())}
        for m in methods:
            cache = os.path.join(OUT, f"{m}__{name}.json")
            if os.path.exists(cache) and not args.fresh:
                res = json.load(open(cache))
            elif args.table_only:
                continue
            else:
                res = METHODS[m](name, df, work)
                json.dump(res, open(cache, "w"))
            row[m] = res
        table.append(row)
        cells = "  ".join(f"{m} {row[m]['rmse']:.3f}" + (f"/{row[m]['cliff_rmse']:.3f}" if "cliff_rmse" in row[m] else "")
                          + f" ({row[m]['train_s']:.1f}s)" for m in methods if m in row)
        print(f"{name:<20} {cells}", flush=True)
    print_summary(table, methods)


def print_summary(table, methods):
    print()
    print("| set | n train/test | " + " | ".join(f"{m} RMSE (cliff)" for m in methods)
          + " | Shennong learner | 90% coverage | " + " | ".join(f"{m} s" for m in methods) + " |")
    print("|---" * (3 + 2 * len(methods) + 1) + "|")
    for row in table:
        cells = []
        for m in methods:
            r = row.get(m)
            if r is None:
                cells.append("–")
                continue
            cells.append(f"{r['rmse']:.3f}" + (f" ({r['cliff_rmse']:.3f})" if "cliff_rmse" in r else ""))
        sh = row.get("shennong", {})
        print(f"| {row['set']} | {row['n_train']}/{row['n_test']} | " + " | ".join(cells)
              + f" | {sh.get('learner', '')} | {sh.get('coverage90', float('nan')):.3f} | "
              + " | ".join(f"{row[m]['train_s']:.1f}" if m in row else "–" for m in methods) + " |")
    for group, prefix in (("MoleculeACE mean", "CHEMBL"), ("FreeSolv mean", "freesolv")):
        rows = [r for r in table if r["set"].startswith(prefix)]
        if not rows:
            continue
        # means over the sets every listed method has, so that columns compare
        full = [r for r in rows if all(m in r for m in methods)]
        cells = []
        for m in methods:
            mean = np.mean([r[m]["rmse"] for r in full]) if full else float("nan")
            cl = [r[m]["cliff_rmse"] for r in full if "cliff_rmse" in r[m]]
            cells.append(f"**{mean:.3f}**" + (f" ({np.mean(cl):.3f})" if cl else ""))
        cov = [r["shennong"]["coverage90"] for r in full if "shennong" in r]
        print(f"| {group} ({len(full)} sets) | | " + " | ".join(cells) + f" | | {np.mean(cov) if cov else float('nan'):.3f} | "
              + " | ".join(f"{sum(r[m]['train_s'] for r in full):.0f} total" for m in methods) + " |")


if __name__ == "__main__":
    main()
