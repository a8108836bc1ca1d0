#!/usr/bin/env python3
"""SD parity: for each SD file, RDKit's canonical SMILES of each input record
must equal RDKit's canonical SMILES of (a) Shennong's canonical SMILES and
(b) the record Shennong wrote back (SDF -> SDF), and every data item must
survive. The files are listed one NAME=PATH per line in SETS_FILE (the list
the test script gives the Rust side as SHENNONG_SDF_SETS).
Usage: check_sdf.py SETS_FILE OUT_DIR
"""
import sys

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")


def main():
    sets_file, out_dir = sys.argv[1], sys.argv[2]
    sets = [line.strip().split("=", 1) for line in open(sets_file) if line.strip()]
    bad = 0
    for name, path in sets:
        src = [m for m in Chem.SDMolSupplier(path)]
        ours_smi = {}
        for line in open("%s/%s.smi.tsv" % (out_dir, name)):
            k, s = line.rstrip("\n").split("\t", 1)
            ours_smi[int(k)] = s
        written = [m for m in Chem.SDMolSupplier("%s/%s.out.sdf" % (out_dir, name))]
        n = len(src)
        smi_ok = sdf_ok = data_ok = 0
        w = 0
        for k, m in enumerate(src):
            if m is None:
                continue
            ref = Chem.MolToSmiles(m)
            s = ours_smi.get(k, "")
            mm = Chem.MolFromSmiles(s) if not s.startswith("ERROR") else None
            if mm is not None and Chem.MolToSmiles(mm) == ref:
                smi_ok += 1
            else:
                bad += 1
                print("SMILES DIFF %s #%d: rdkit %s ours %s" % (name, k, ref, s))
            if s.startswith("ERROR"):
                continue
            wm = written[w] if w < len(written) else None
            w += 1
            if wm is not None and Chem.MolToSmiles(wm) == ref:
                sdf_ok += 1
            else:
                bad += 1
                print("SDF->SDF DIFF %s #%d: rdkit %s ours %s" % (name, k, ref, Chem.MolToSmiles(wm) if wm else None))
            if wm is not None and m.GetPropsAsDict() == wm.GetPropsAsDict():
                data_ok += 1
            else:
                bad += 1
                print("DATA DIFF %s #%d" % (name, k))
        print("  %-18s %5d records: SMILES %.2f%%, SDF->SDF %.2f%%, data items %.2f%%" % (
            name, n, 100.0 * smi_ok / n, 100.0 * sdf_ok / n, 100.0 * data_ok / n))
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
