"""Writes damaged and mismatched model files next to the valid ones in
tests/corpus/model_file/ (the fuzz target's seeds; a test loads each and
expects a clear error, never a panic). Regenerate after the format changes:

    shennong train small.csv --target logS --model knn --folds 3 -o tests/corpus/model_file/valid_knn.shm
    shennong train small.csv --target logS --model gp --features desc --folds 3 -o tests/corpus/model_file/valid_gp_desc.shm
    shennong train small.csv --target logS --model rf --features maccs --folds 3 -o RF.shm
    python scripts/corpus/make_model_corpus.py RF.shm

(small.csv: the first 40 rows of examples/solubility.csv.)
"""
import copy
import gzip
import json
import os
import sys

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "corpus", "model_file")


def load(path):
    return json.loads(gzip.decompress(open(path, "rb").read()))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def dump(name, obj):
    write(name, gzip.compress(json.dumps(obj).encode(), mtime=0))


knn = load(os.path.join(HERE, "valid_knn.shm"))
gp = load(os.path.join(HERE, "valid_gp_desc.shm"))
rf = load(sys.argv[1])
# the valid forest, with its trees cut to a few so that the file stays small
rf["targets"][0]["learner"]["trees"] = rf["targets"][0]["learner"]["trees"][:3]
dump("valid_rf_small.shm", rf)

raw = open(os.path.join(HERE, "valid_knn.shm"), "rb").read()
write("not_gzip.shm", b"smiles,y\nCCO,1\n")
write("empty.shm", b"")
write("truncated.shm", raw[: len(raw) // 2])
write("gzip_of_text.shm", gzip.compress(b"hello", mtime=0))
write("gzip_of_json_array.shm", gzip.compress(b"[1,2,3]", mtime=0))


def mutant(name, base, edit):
    m = copy.deepcopy(base)
    edit(m)
    dump(name, m)


mutant("future_version.shm", knn, lambda m: m.update(format_version=2))
mutant("other_format.shm", knn, lambda m: m.update(format="chemprop"))
mutant("fp_spec_v99.shm", knn, lambda m: m["featurizer"]["blocks"][0].update(spec="shennong/99 morgan size=2048 radius=2"))
mutant("desc_spec_v9.shm", gp, lambda m: m["featurizer"]["blocks"][0].update(spec="shennong-desc/9 rdkit=2026.09 names=MolWt"))
mutant("no_blocks.shm", knn, lambda m: m["featurizer"].update(blocks=[]))
mutant("no_targets.shm", knn, lambda m: m.update(targets=[]))
mutant("knn_y_short.shm", knn, lambda m: m["targets"][0]["learner"].update(y=[1.0]))
mutant("knn_k_zero.shm", knn, lambda m: m["targets"][0]["learner"].update(k=0))
mutant("knn_row_column_huge.shm", knn, lambda m: m["targets"][0]["learner"]["rows"][0].insert(0, [4294967295, 1.0]))
mutant("gp_noise_negative.shm", gp, lambda m: m["targets"][0]["learner"].update(noise=-1.0))
mutant("gp_rbf_scale_short.shm", gp, lambda m: m["kernel"].update(scale=[1.0]))
mutant("gp_learner_unknown.shm", gp, lambda m: m["targets"][0]["learner"].update(learner="perceptron"))
mutant("tree_child_out_of_range.shm", rf, lambda m: m["targets"][0]["learner"]["trees"][0]["nodes"][0].update(left=10**6))
mutant("tree_child_loop.shm", rf, lambda m: m["targets"][0]["learner"]["trees"][0]["nodes"][1].update(left=1, right=1))
mutant("tree_empty.shm", rf, lambda m: m["targets"][0]["learner"].update(trees=[]))
mutant("domain_bad_hex.shm", knn, lambda m: m["domain"]["fingerprints"].__setitem__(0, "zz"))
mutant("domain_other_spec.shm", knn, lambda m: m["domain"].update(spec="shennong/1 morgan size=1024 radius=2 bond_types=1 ring_membership=1"))
mutant("calibration_empty.shm", knn, lambda m: m["targets"][0]["calibration"].update(scores=[]))
mutant("task_unknown.shm", knn, lambda m: m.update(task="ranking"))
print("wrote", len(os.listdir(HERE)), "files to", HERE)
