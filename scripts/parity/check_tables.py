#!/usr/bin/env python3
"""Check that Parquet tables written by shennong read back in pandas
(through pyarrow) with the values of the CSV written from the same input,
and with numbers that agree with RDKit's own where RDKit computes them.

It also writes INPUT as a Parquet table with pandas (zstd, the way polars
writes by default, with a pandas index column and a numeric column) and
checks that shennong reads it back as it reads INPUT.

Usage: check_tables.py INPUT.smi DIR SHENNONG_BINARY
DIR holds desc.csv/desc.parquet (shennong desc INPUT), counts.csv/
counts.parquet (shennong fp INPUT --type atompair --counts) and run/
(a design run: scored.csv and scored.parquet).
"""
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from rdkit import Chem, RDLogger
from rdkit.Chem import Descriptors
from rdkit.Chem import rdFingerprintGenerator as G

RDLogger.DisableLog("rdApp.*")


def same_frame(name, parquet, csv):
    assert list(parquet.columns) == list(csv.columns), (name, parquet.columns, csv.columns)
    assert len(parquet) == len(csv), (name, len(parquet), len(csv))
    for column in parquet.columns:
        a, b = parquet[column], csv[column]
        if pd.api.types.is_numeric_dtype(a):
            x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
            same = (x == y) | (np.isnan(x) & np.isnan(y))
            assert same.all(), (name, column, x[~same][:3], y[~same][:3])
        else:
            assert (a.astype(str) == b.astype(str)).all(), (name, column)
    print(f"  {name:<22} {len(parquet):>7} rows x {len(parquet.columns):>3} columns: Parquet = CSV")


def main():
    smi, out = sys.argv[1], sys.argv[2]
    # the CSV is read with exact float parsing, so both must give the same doubles
    read_csv = lambda p, **kw: pd.read_csv(p, engine="python", dtype={"id": str}, keep_default_na=False, na_values=[""], **kw)

    desc = pd.read_parquet(os.path.join(out, "desc.parquet"))
    same_frame("desc", desc, read_csv(os.path.join(out, "desc.csv")))
    meta = pq.read_metadata(os.path.join(out, "desc.parquet")).metadata
    assert meta[b"shennong.descriptor_set"].startswith(b"shennong-desc/1"), meta
    assert str(desc["NumHDonors"].dtype) == "int64", desc["NumHDonors"].dtype
    mols = {}
    for n, line in enumerate(open(smi), 1):
        f = line.split()
        m = Chem.MolFromSmiles(f[0]) if f else None
        if m is not None:  # records RDKit refuses are refused by shennong too
            mols[f[1] if len(f) > 1 else str(n)] = m
    assert set(desc["id"]) == set(mols), set(desc["id"]) ^ set(mols)
    for _, row in desc.iterrows():
        m = mols[row["id"]]
        for name in ("MolWt", "TPSA", "MolLogP"):
            theirs = getattr(Descriptors, name)(m)
            assert abs(row[name] - theirs) <= 1e-6 * max(1.0, abs(theirs)), (row["id"], name, row[name], theirs)
    print(f"  desc.parquet           MolWt, TPSA, MolLogP equal RDKit's for {len(desc)} molecules")

    counts = pd.read_parquet(os.path.join(out, "counts.parquet"))
    same_frame("fp --counts", counts, read_csv(os.path.join(out, "counts.csv"), comment="#"))
    gen = G.GetAtomPairGenerator(fpSize=2048)
    expected = {(i, int(b), int(c)) for i, m in mols.items() for b, c in gen.GetCountFingerprint(m).GetNonzeroElements().items()}
    got = set(zip(counts["id"], counts["bit"].astype(int), counts["count"].astype(int)))
    assert got == expected, (len(got ^ expected), sorted(got ^ expected)[:5])
    print(f"  counts.parquet         {len(got)} (id, bit, count) rows equal RDKit's atom-pair counts")

    run = os.path.join(out, "run")
    scored = pd.read_parquet(os.path.join(run, "scored.parquet"))
    same_frame("design scored", scored, read_csv(os.path.join(run, "scored.csv")))
    meta = pq.read_metadata(os.path.join(run, "scored.parquet")).metadata
    assert b"[scoring]" in meta[b"shennong.design_config"], meta.keys()
    records = [line.split() for line in open(smi) if line.strip() and not line.startswith("#")]
    frame = pd.DataFrame({"SMILES": [r[0] for r in records], "Name": [r[1] for r in records],
                          "weight": [float(i) for i in range(len(records))]}, index=range(100, 100 + len(records)))
    pandas_in = os.path.join(out, "pandas_in.parquet")
    frame.to_parquet(pandas_in, compression="zstd")
    converted = []
    for source in (smi, pandas_in):
        target = os.path.join(out, os.path.basename(source) + ".out.smi")
        subprocess.run([sys.argv[3], "convert", source, "-o", target, "--id-col", "name", "-q"], check=True, stderr=subprocess.DEVNULL)
        converted.append(open(target).read())
    assert converted[0] == converted[1], "a pandas-written Parquet table reads differently from its SMILES file"
    print(f"  pandas_in.parquet      {len(records)} records (zstd, pandas index) read as from {os.path.basename(smi)}")
    print("Parquet check passed")


if __name__ == "__main__":
    main()
