#!/usr/bin/env python3
"""Convert RDKit's FilterCatalog definitions (Code/GraphMol/FilterCatalog/*.in,
BSD-3-Clause, Copyright (c) the RDKit contributors) into data/filters/*.tsv:
`name<TAB>smarts<TAB>max` where max is the largest allowed match count
(0: any match is a hit).

Usage: gen_filter_catalogs.py RDKIT_REPO_GIT_DIR OUT_DIR
"""
import ast
import re
import subprocess
import sys

CATALOGS = ["pains_a", "pains_b", "pains_c", "brenk", "nih", "zinc",
            "chembl_glaxo", "chembl_dundee", "chembl_bms", "chembl_mlsmr",
            "chembl_inpharmatica", "chembl_lint", "chembl_surechembl"]

ENTRY = re.compile(r'\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*(\d+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}', re.S)


def c_string(parts):
    return "".join(ast.literal_eval(p) for p in re.findall(r'"(?:[^"\\]|\\.)*"', parts))


def main():
    repo, out_dir = sys.argv[1], sys.argv[2]
    for name in CATALOGS:
        src = subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:Code/GraphMol/FilterCatalog/{name}.in"],
                             check=True, capture_output=True, text=True).stdout
        body = src[src.index("[] = {") + 6:]
        rows = [(c_string(m.group(1)), c_string(m.group(2)), int(m.group(3))) for m in ENTRY.finditer(body)]
        with open(f"{out_dir}/{name}.tsv", "w") as fh:
            fh.write(f"# RDKit FilterCatalog {name} (BSD-3-Clause, the RDKit contributors); columns: name, smarts, max matches allowed\n")
            for n, s, m in rows:
                assert "\t" not in n and "\t" not in s
                fh.write(f"{n}\t{s}\t{m}\n")
        print(name, len(rows))


if __name__ == "__main__":
    main()
