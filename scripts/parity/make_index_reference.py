#!/usr/bin/env python3
"""RDKit reference results for the library-search parity suite.

Writes into OUTDIR:
  library.smi   the library (SMILES<TAB>id), molecules RDKit accepts, in order
  queries.smi   the similarity queries (SMILES<TAB>id)
  reference.tsv one result per line:
    knn        METRIC  QUERY  ordinal:score,...   (top 10, best first, ties by ordinal)
    threshold  METRIC  T  QUERY  ordinal:score,... (all >= T, same order)
    butina     CUTOFF  REORDER  c1;c2;...          (clusters as comma-separated ordinals)
    maxmin     N  SEED  FIRST  picks               (FIRST: comma ordinals or -)
    sub        SMARTS  hits                        (ascending ordinals)
Scores are Python repr() of RDKit's doubles, so they compare exactly.
Fingerprints: rdFingerprintGenerator Morgan radius 2, 2048 bits (ECFP4).

Usage: make_index_reference.py OUTDIR LIB=PATH[:N] ... -- QUERIES=PATH[:N]
"""
import os
import sys

from rdkit import Chem, DataStructs, RDLogger, rdBase
from rdkit.Chem import rdFingerprintGenerator as G
from rdkit.Chem import rdSubstructLibrary
from rdkit.Chem.Scaffolds import MurckoScaffold
from rdkit.ML.Cluster import Butina
from rdkit.SimDivFilters import rdSimDivPickers

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")

# hand-picked: frequent and rare groups, scaffolds, PAINS-like motifs,
# recursive SMARTS, ring and charge primitives
PATTERNS = [
    "c1ccccc1", "C(=O)[OH]", "C(=O)N", "[NX3;H2,H1;!$(NC=O)]", "S(=O)(=O)N",
    "c1ccncc1", "c1ccc2ccccc2c1", "[#7]1[#6][#6][#7][#6][#6]1", "C1CCNCC1",
    "[F,Cl,Br,I]", "[N+](=O)[O-]", "C#N", "[OH]c1ccccc1", "O=C1CCCN1",
    "c1ccc(-c2ccccc2)cc1", "[$(C=O)]~[#7]", "[R2]", "[r5]", "[#6]=[#6]-[#6]=O",
    "c1ccc2[nH]ccc2c1", "[nH]1cncc1", "O=c1cc[nH]c(=O)[nH]1", "[SX2H]",
    "N=[N+]=[N-]", "[Si]", "[B]", "[P](=O)(O)O", "C=CC(=O)O", "c:c:c:c:c:c",
    "[CH2][CH2][CH2][CH2][CH2]", "[#6]~[#7]~[#6]~[#8]", "[!#6;!#1;!#7;!#8]",
    "c1cc(O)c(O)cc1", "N-N=C", "[$([CX4]([F])([F])[F])]", "[C@H]", "*1**1",
    "C/C=C/C", "C/C=C\\C", "[#6]/[#6]=[#6]/c", "N[C@@H](C)C(=O)O", "N[C@H](C)C(=O)O",
    "[C@@H]1CCCN1", "O[C@H]([#6])[#6]",
]
N_SCAFFOLDS = 13


def load(specs):
    rows = []
    for spec in specs:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        for k, smi in enumerate(read_smiles(path, int(n) if n else 0)):
            mol = Chem.MolFromSmiles(smi)
            if mol is not None:
                rows.append((smi, "%s_%d" % (name, k), mol))
    return rows


def hits_text(pairs):
    return ",".join("%d:%r" % (i, s) for i, s in pairs)


def ranked(scores, k=None, threshold=None):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    if threshold is not None:
        order = [i for i in order if scores[i] >= threshold]
    if k is not None:
        order = order[:k]
    return [(i, scores[i]) for i in order]


def main():
    outdir = sys.argv[1]
    split = sys.argv.index("--")
    lib = load(sys.argv[2:split])
    queries = load(sys.argv[split + 1:])
    os.makedirs(outdir, exist_ok=True)
    gen = G.GetMorganGenerator(radius=2, fpSize=2048)
    fps = [gen.GetFingerprint(m) for _, _, m in lib]
    qfps = [gen.GetFingerprint(m) for _, _, m in queries]
    with open(os.path.join(outdir, "library.smi"), "w") as fh:
        fh.writelines("%s\t%s\n" % (s, i) for s, i, _ in lib)
    with open(os.path.join(outdir, "queries.smi"), "w") as fh:
        fh.writelines("%s\t%s\n" % (s, i) for s, i, _ in queries)
    out = open(os.path.join(outdir, "reference.tsv"), "w")
    out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
    metrics = {
        "tanimoto": lambda q: DataStructs.BulkTanimotoSimilarity(q, fps),
        "dice": lambda q: DataStructs.BulkDiceSimilarity(q, fps),
        "tversky": lambda q: DataStructs.BulkTverskySimilarity(q, fps, 0.7, 0.3),
    }
    for name, bulk in metrics.items():
        for qi, q in enumerate(qfps):
            scores = bulk(q)
            out.write("knn\t%s\t%d\t%s\n" % (name, qi, hits_text(ranked(scores, k=10))))
            out.write("threshold\t%s\t0.4\t%d\t%s\n" % (name, qi, hits_text(ranked(scores, threshold=0.4))))

    # Butina on the lower-triangle distance list, as the RDKit docs do it
    dists = []
    for i in range(1, len(fps)):
        sims = DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i])
        dists.extend(1 - s for s in sims)
    for cutoff in (0.35, 0.6):
        for reorder in (False, True):
            clusters = Butina.ClusterData(dists, len(fps), cutoff, isDistData=True, reordering=reorder)
            out.write("butina\t%r\t%d\t%s\n" % (cutoff, int(reorder), ";".join(",".join(map(str, c)) for c in clusters)))

    picker = rdSimDivPickers.MaxMinPicker()
    for n, seed, first in ((30, 42, []), (30, 7, []), (50, 2026, []), (25, 42, [0, 17])):
        picks = list(picker.LazyBitVectorPick(fps, len(fps), n, firstPicks=first, seed=seed))
        out.write("maxmin\t%d\t%d\t%s\t%s\n" % (n, seed, ",".join(map(str, first)) or "-", ",".join(map(str, picks))))

    # GetMatches uses useChirality=True by default. MolHolder keeps the
    # sanitised molecules; CachedTrustedSmilesMolHolder re-reads SMILES
    # without stereo perception, so queries with E/Z bonds find nothing in it
    sslib = rdSubstructLibrary.SubstructLibrary(
        rdSubstructLibrary.MolHolder(), rdSubstructLibrary.PatternHolder())
    for _, _, m in lib:
        sslib.AddMol(m)
    patterns = list(PATTERNS)
    step = max(1, len(lib) // N_SCAFFOLDS)
    for _, _, m in lib[::step][:N_SCAFFOLDS]:
        scaffold = Chem.MolToSmiles(MurckoScaffold.GetScaffoldForMol(m))
        if scaffold and scaffold not in patterns:
            patterns.append(scaffold)
    for p in patterns:
        q = Chem.MolFromSmarts(p)
        hits = sorted(sslib.GetMatches(q, numThreads=1, maxResults=10**9))
        out.write("sub\t%s\t%s\n" % (p, ",".join(map(str, hits))))
    out.close()


if __name__ == "__main__":
    main()
