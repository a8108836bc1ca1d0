#!/usr/bin/env python3
"""RDKit reference fingerprints for the fingerprint parity suite.

For every molecule RDKit accepts: its SMILES and, per fingerprint kind, the
bit fingerprint as chemfp hex (bit 0 = low bit of byte 0) or the folded
count fingerprint as `index:count` pairs. Kinds use rdFingerprintGenerator
defaults unless named otherwise (morgan2 = ECFP4).

Usage: make_fp_reference.py OUT.tsv NAME=PATH[:N] ...
"""
import os
import sys
from multiprocessing import Pool

from rdkit import Chem, DataStructs, RDLogger, rdBase
from rdkit.Chem import MACCSkeys, rdFingerprintGenerator as G

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")

GENS = {
    "morgan2": G.GetMorganGenerator(radius=2, fpSize=2048),
    "morgan2_chiral": G.GetMorganGenerator(radius=2, fpSize=2048, includeChirality=True),
    "morgan3": G.GetMorganGenerator(),
    "fcfp2": G.GetMorganGenerator(radius=2, atomInvariantsGenerator=G.GetMorganFeatureAtomInvGen()),
    "atompair": G.GetAtomPairGenerator(),
    "torsion": G.GetTopologicalTorsionGenerator(),
    "rdkit": G.GetRDKitFPGenerator(),
}
COUNTS = ["morgan2", "atompair", "torsion", "rdkit"]
KINDS = list(GENS) + ["maccs"] + [k + "_counts" for k in COUNTS]


def hexfp(fp):
    return DataStructs.BitVectToFPSText(fp)


def row(item):
    name, k, smi = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    cols = [hexfp(g.GetFingerprint(mol)) for g in GENS.values()]
    cols.append(hexfp(MACCSkeys.GenMACCSKeys(mol)))
    for c in COUNTS:
        nz = GENS[c].GetCountFingerprint(mol).GetNonzeroElements()
        cols.append(",".join("%d:%d" % kv for kv in sorted(nz.items())))
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "\t".join(cols))


def main():
    items = []
    for spec in sys.argv[2:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi) for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    with open(sys.argv[1], "w") as out, Pool(os.cpu_count()) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("#set\tindex\tsmiles\t%s\n" % "\t".join(KINDS))
        for line in pool.imap(row, items, chunksize=64):
            if line:
                out.write(line)


if __name__ == "__main__":
    main()
