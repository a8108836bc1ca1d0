#!/usr/bin/env python3
"""Convert the SA score fragment table (RDKit Contrib/SA_Score/fpscores.pkl.gz,
Ertl & Schuffenhauer, J. Cheminform. 2009, 1, 8; BSD licence, Novartis) into
crates/shennong-descriptors/data/sa_fragment_scores.tsv.gz: `score<TAB>id id ...`
per score, ids being unfolded Morgan radius-2 identifiers. Later entries of the
pickle win for repeated ids, as sascorer.readFragmentScores does.

Usage: gen_sa_scores.py PATH/TO/fpscores.pkl.gz OUT.tsv.gz
"""
import gzip
import pickle
import sys
from collections import defaultdict


def main():
    data = pickle.load(gzip.open(sys.argv[1]))
    scores = {}
    for entry in data:
        for frag in entry[1:]:
            scores[frag] = float(entry[0])
    groups = defaultdict(list)
    for frag, score in scores.items():
        groups[score].append(frag)
    with gzip.GzipFile(sys.argv[2], "wb", mtime=0) as raw:
        raw.write(b"# SA score fragment contributions (Ertl & Schuffenhauer 2009), from RDKit "
                  b"Contrib/SA_Score/fpscores.pkl.gz (BSD, Novartis Institutes for BioMedical Research)\n")
        raw.write(b"# score<TAB>unfolded Morgan radius-2 identifiers\n")
        for score in sorted(groups):
            raw.write(("%r\t%s\n" % (score, " ".join(map(str, sorted(groups[score]))))).encode())


if __name__ == "__main__":
    main()
