#!/usr/bin/env python3
"""Reference values of the PMO oracles Shennong computes, for its parity test.

PyTDC (`tdc.chem_utils.oracle.oracle`, PyTDC 1.1.15) defines the oracles, but
it cannot be installed beside the pinned RDKit: it requires rdkit<2024.3.1
and imports `rdkit.six`, which RDKit removed. So this script evaluates the
same definitions — the same RDKit calls (`AllChem.GetMorganFingerprint`,
`GetAtomPairFingerprint(maxLength=10)`, `Descriptors.TPSA/MolLogP/BertzCT`,
`QED.qed`, `CalcNumRings`, `CalcNumAromaticRings`, `AddHs` + `CalcMolFormula`
for isomers, `Generate.Gen2DFingerprint(mol, Gobbi_Pharm2D.factory)` for the
hop tasks), the same GuacaMol score modifiers, SciPy's `gmean` and NumPy's
`mean` — with the pinned RDKit. Floats are written with repr; the last column
holds each molecule's Gobbi 2D pharmacophore on-bits. RDKit's Pharm2D is
pure Python and slow (seconds per drug-sized molecule), so the hop tasks and
the bits are computed for the first PMO_HOP_LIMIT (default 40) molecules of
each set and written as `skip` for the rest.

Usage: make_pmo_reference.py OUT.tsv NAME=PATH[:N] ...
"""
import math
import os
import re
import sys
from multiprocessing import Pool

from rdkit import Chem, DataStructs, RDLogger, rdBase
from rdkit.Chem import AllChem, Descriptors, QED, rdMolDescriptors
from rdkit.Chem.Pharm2D import Generate, Gobbi_Pharm2D

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")
rdBase.DisableLog("rdApp.warning")


def gmean(values):
    # scipy.stats.gmean: exp(mean(log(x))); a zero gives zero
    if any(v <= 0 for v in values):
        return 0.0
    return math.exp(sum(math.log(v) for v in values) / len(values))


def gaussian(mu, sigma):
    return lambda x: math.exp(-0.5 * ((x - mu) / sigma) ** 2)


def min_gaussian(mu, sigma):
    g = gaussian(mu, sigma)
    return lambda x: g(max(x, mu))


def max_gaussian(mu, sigma):
    g = gaussian(mu, sigma)
    return lambda x: g(min(x, mu))


def clipped(upper_x, lower_x=0.0):
    slope = 1.0 / (upper_x - lower_x)
    intercept = 1.0 - slope * upper_x
    return lambda x: min(max(slope * x + intercept, 0.0), 1.0)


def ecfp4(m):
    return AllChem.GetMorganFingerprint(m, 2)


def ecfp6(m):
    return AllChem.GetMorganFingerprint(m, 3)


def fcfp4(m):
    return AllChem.GetMorganFingerprint(m, 2, useFeatures=True)


def ap(m):
    return AllChem.GetAtomPairFingerprint(m, maxLength=10)


def sim(fp, target_smiles):
    target = fp(Chem.MolFromSmiles(target_smiles))
    return lambda m: DataStructs.TanimotoSimilarity(target, fp(m))


def parse_formula(formula):
    return [(el, int(n) if n else 1) for el, n in re.findall(r"([A-Z][a-z]*)(\d*)", formula)]


def count_atoms(mol, element):
    if element == "H":
        mol = Chem.AddHs(mol)
    return sum(1 for a in mol.GetAtoms() if a.GetSymbol() == element)


def isomer(formula):
    target = parse_formula(formula)
    total_target = sum(n for _, n in target)

    def score(mol):
        # PyTDC's Isomer_scoring: canonical SMILES with explicit hydrogens, re-read
        smiles = Chem.MolToSmiles(Chem.AddHs(Chem.MolFromSmiles(Chem.MolToSmiles(mol))))
        m = Chem.MolFromSmiles(smiles)
        scores = [gaussian(n, 1.0)(count_atoms(m, el)) for el, n in target]
        total = sum(n for _, n in parse_formula(rdMolDescriptors.CalcMolFormula(m)))
        scores.append(gaussian(total_target, 2.0)(total))
        return gmean(scores)

    return score


SITAGLIPTIN = "Fc1cc(c(F)cc1F)CC(N)CC(=O)N3Cc2nnc(n2CC3)C(F)(F)F"
OSIMERTINIB = "COc1cc(N(C)CCN(C)C)c(NC(=O)C=C)cc1Nc2nccc(n2)c3cn(C)c4ccccc34"
_sita = Chem.MolFromSmiles(SITAGLIPTIN)
_val_target = Chem.MolFromSmiles("NC(CC(=O)N1CCn2c(nnc2C(F)(F)F)C1)Cc1cc(F)c(F)cc1F")
_valsartan = Chem.MolFromSmarts("CN(C=O)Cc1ccc(c2ccccc2)cc1")


def phco(m):
    return Generate.Gen2DFingerprint(m, Gobbi_Pharm2D.factory)


def smarts_score(smarts, inverse):
    q = Chem.MolFromSmarts(smarts)
    return lambda m: (0.0 if inverse else 1.0) if m.GetSubstructMatches(q) else (1.0 if inverse else 0.0)


HOP_TASKS = ("deco_hop", "scaffold_hop")


def make_tasks():
    t = {}
    pharmacophore = phco(Chem.MolFromSmiles("CCCOc1cc2ncnc(Nc3ccc4ncsc4c3)c2cc1S(=O)(=O)C(C)(C)C"))
    deco1 = smarts_score("CS([#6])(=O)=O", True)
    deco2 = smarts_score("[#7]-c1ccc2ncsc2c1", True)
    core = smarts_score("[#7]-c1n[c;h1]nc2[c;h1]c(-[#8])[c;h0][c;h1]c12", False)
    # the hop tasks take the molecule's pharmacophore fingerprint, computed once
    t["deco_hop"] = lambda m, fp: sum([
        clipped(0.85)(DataStructs.TanimotoSimilarity(fp, pharmacophore)),
        deco1(m), deco2(m), core(m)]) / 4.0
    deco = smarts_score("[#6]-[#6]-[#6]-[#8]-[#6]~[#6]~[#6]~[#6]~[#6]-[#7]-c1ccc2ncsc2c1", False)
    not_core = smarts_score("[#7]-c1n[c;h1]nc2[c;h1]c(-[#8])[c;h0][c;h1]c12", True)
    t["scaffold_hop"] = lambda m, fp: sum([
        clipped(0.75)(DataStructs.TanimotoSimilarity(fp, pharmacophore)),
        deco(m), not_core(m)]) / 3.0
    t["albuterol_similarity"] = (lambda s: lambda m: clipped(0.75)(s(m)))(
        sim(fcfp4, "CC(C)(C)NCC(O)c1ccc(O)c(CO)c1"))
    s_aml = sim(ecfp4, "Clc1ccccc1C2C(=C(/N/C(=C2/C(=O)OCC)COCCN)C)\\C(=O)OC")
    t["amlodipine_mpo"] = lambda m: gmean(
        [s_aml(m), gaussian(3, 0.5)(rdMolDescriptors.CalcNumRings(m))])
    t["celecoxib_rediscovery"] = sim(ecfp4, "CC1=CC=C(C=C1)C1=CC(=NN1C1=CC=C(C=C1)S(N)(=O)=O)C(F)(F)F")
    s_fex = sim(ap, "CC(C)(C(=O)O)c1ccc(cc1)C(O)CCCN2CCC(CC2)C(O)(c3ccccc3)c4ccccc4")
    t["fexofenadine_mpo"] = lambda m: gmean([
        max_gaussian(90, 10)(Descriptors.TPSA(m)), min_gaussian(4, 1)(Descriptors.MolLogP(m)),
        clipped(0.8)(s_fex(m))])
    t["isomers_c7h8n2o2"] = isomer("C7H8N2O2")
    t["isomers_c9h10n2o2pf2cl"] = isomer("C9H10N2O2PF2Cl")
    s_cam = sim(ecfp4, "CC1(C)C2CCC1(C)C(=O)C2")
    s_men = sim(ecfp4, "CC(C)C1CCC(C)CC1O")
    t["median1"] = lambda m: gmean([s_cam(m), s_men(m)])
    s_tad = sim(ecfp6, "O=C1N(CC(N2C1CC3=C(C2C4=CC5=C(OCO5)C=C4)NC6=C3C=CC=C6)=O)C")
    s_sil = sim(ecfp6, "CCCC1=NN(C2=C1N=C(NC2=O)C3=C(C=CC(=C3)S(=O)(=O)N4CCN(CC4)C)OCC)C")
    t["median2"] = lambda m: gmean([s_tad(m), s_sil(m)])
    s_mes = sim(ap, "COc1ccc2[C@H]3CC[C@@]4(C)[C@@H](CC[C@@]4(O)C#C)[C@@H]3CCc2c1")
    t["mestranol_similarity"] = lambda m: clipped(0.75)(s_mes(m))
    s_osi_f = sim(fcfp4, OSIMERTINIB)
    s_osi_e = sim(ecfp6, OSIMERTINIB)
    t["osimertinib_mpo"] = lambda m: gmean([
        max_gaussian(100, 10)(Descriptors.TPSA(m)), min_gaussian(1, 1)(Descriptors.MolLogP(m)),
        clipped(0.8)(s_osi_f(m)), min_gaussian(0.85, 0.1)(s_osi_e(m))])
    s_per = sim(ecfp4, "O=C(OCC)C(NC(C(=O)N1C(C(=O)O)CC2CCCCC12)C)CCC")
    t["perindopril_mpo"] = lambda m: gmean(
        [s_per(m), gaussian(2, 0.5)(rdMolDescriptors.CalcNumAromaticRings(m))])
    t["qed"] = QED.qed
    s_ran = sim(ap, "COc1ccccc1OCC(O)CN2CCN(CC(=O)Nc3c(C)cccc3C)CC2")
    t["ranolazine_mpo"] = lambda m: gmean([
        max_gaussian(95, 20)(Descriptors.TPSA(m)), max_gaussian(7, 1)(Descriptors.MolLogP(m)),
        clipped(0.7)(s_ran(m)), gaussian(1, 1.0)(count_atoms(m, "F"))])
    s_sit = sim(ecfp4, SITAGLIPTIN)
    iso_sit = isomer("C16H15F6N5O")
    t["sitagliptin_mpo"] = lambda m: gmean([
        gaussian(0, 0.1)(s_sit(m)), gaussian(Descriptors.MolLogP(_sita), 0.2)(Descriptors.MolLogP(m)),
        gaussian(Descriptors.TPSA(_sita), 5)(Descriptors.TPSA(m)), iso_sit(m)])
    t["thiothixene_rediscovery"] = sim(ecfp4, "CN(C)S(=O)(=O)c1ccc2Sc3ccccc3C(=CCCN4CCN(C)CC4)c2c1")
    t["troglitazone_rediscovery"] = sim(ecfp4, "Cc1c(C)c2OC(C)(COc3ccc(CC4SC(=O)NC4=O)cc3)CCc2c(C)c1O")
    t["valsartan_smarts"] = lambda m: gmean([
        1.0 if m.GetSubstructMatches(_valsartan) else 0.0,
        gaussian(Descriptors.TPSA(_val_target), 5)(Descriptors.TPSA(m)),
        gaussian(Descriptors.MolLogP(_val_target), 0.2)(Descriptors.MolLogP(m)),
        gaussian(Descriptors.BertzCT(_val_target), 30)(Descriptors.BertzCT(m))])
    s_zal = sim(ecfp4, "O=C(C)N(CC)C1=CC=CC(C2=CC=NC3=C(C=NN23)C#N)=C1")
    iso_zal = isomer("C19H17N3O2")
    t["zaleplon_mpo"] = lambda m: gmean([s_zal(m), iso_zal(m)])
    return t


TASKS = None
HOP_LIMIT = int(os.environ.get("PMO_HOP_LIMIT", "40"))


def init():
    global TASKS
    TASKS = make_tasks()


def row(item):
    name, k, smi, with_hops = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    # RDKit's Python Pharm2D takes seconds per drug-sized molecule, so the
    # pharmacophore columns are filled for the first HOP_LIMIT molecules of
    # each set only ("skip" elsewhere)
    fp = phco(mol) if with_hops else None
    vals = []
    for task in sorted(TASKS):
        if task in HOP_TASKS and fp is None:
            vals.append("skip")
            continue
        try:
            f = TASKS[task]
            vals.append(repr(float(f(mol, fp) if task in HOP_TASKS else f(mol))))
        except Exception:
            vals.append("error")
    vals.append("skip" if fp is None else ",".join(str(b) for b in fp.GetOnBits()))
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "\t".join(vals))


def main():
    items = []
    for spec in sys.argv[2:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi, k < HOP_LIMIT)
                  for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    names = sorted(make_tasks())
    with open(sys.argv[1], "w") as out, Pool(os.cpu_count(), initializer=init) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("set\tindex\tsmiles\t%s\tgobbi_pharm2d_bits\n" % "\t".join(names))
        for line in pool.imap(row, items, chunksize=32):
            if line:
                out.write(line)


if __name__ == "__main__":
    main()
