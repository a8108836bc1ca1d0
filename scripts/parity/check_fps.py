#!/usr/bin/env python3
"""Check that an FPS file written by `shennong fp` (Morgan radius 2, 2048
bits) reads back as chemfp's FPS format: header lines, then hex<TAB>id
records whose fingerprints, decoded with RDKit's FPS-text reader (chemfp's
hex encoding), equal RDKit's own ECFP4 of the same molecules. When a chemfp
that runs on this Python is installed, the file is also loaded with it.

Usage: check_fps.py INPUT.smi OUTPUT.fps
"""
import sys

from rdkit import Chem, DataStructs, RDLogger
from rdkit.Chem import rdFingerprintGenerator as G

RDLogger.DisableLog("rdApp.*")


def main():
    smi_path, fps_path = sys.argv[1], sys.argv[2]
    mols = {}
    for n, line in enumerate(open(smi_path), 1):
        f = line.split()
        if not f:
            continue
        mols[f[1] if len(f) > 1 else str(n)] = Chem.MolFromSmiles(f[0])
    lines = open(fps_path).read().splitlines()
    assert lines[0] == "#FPS1", lines[0]
    header = dict(l[1:].split("=", 1) for l in lines[1:] if l.startswith("#") and "=" in l)
    assert header["num_bits"] == "2048", header
    assert header["type"].startswith("shennong/1 morgan size=2048 radius=2"), header
    gen = G.GetMorganGenerator(radius=2, fpSize=2048)
    checked = 0
    for line in lines:
        if line.startswith("#"):
            continue
        hexfp, ident = line.split("\t", 1)
        ours = DataStructs.CreateFromFPSText(hexfp)
        ref = gen.GetFingerprint(mols[ident])
        assert ours.GetNumBits() == 2048
        assert ours == ref, "fingerprint of %s differs from RDKit" % ident
        checked += 1
    assert checked == sum(1 for m in mols.values() if m is not None), (checked, len(mols))
    try:
        import chemfp  # noqa: F401
        arena = chemfp.load_fingerprints(fps_path)
        assert len(arena) == checked
        print("chemfp %s loaded %d fingerprints" % (chemfp.__version__, len(arena)))
    except Exception as e:  # chemfp on PyPI (1.6.1) is Python 2 only
        print("chemfp not usable here (%s: %s); checked with RDKit's FPS-text reader" % (type(e).__name__, str(e)[:60]))
    print("FPS check: %d fingerprints equal RDKit ECFP4" % checked)


if __name__ == "__main__":
    main()
