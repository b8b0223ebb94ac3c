#!/usr/bin/env python3
"""Runs compiled Schematron rule sets (XSLT validation stylesheets) over XML documents with
Saxon-HE (the PyPI package saxonche) and writes one SVRL report per document and rule set.

    schematron.py OUT_DIR --rules NAME=STYLESHEET [NAME=STYLESHEET ...] --docs DOC [DOC ...]

Each stylesheet is compiled once and applied to every document; the report of DOC under
NAME is OUT_DIR/<file name of DOC>.<NAME>.svrl. Judging the reports (which assertions
failed, with which flag) is the caller's job: this script only runs the processor, and
exits 1 with the processor's message if a stylesheet does not compile or a transformation
fails, so a broken tool is never mistaken for a clean document.

Used by crates/lyhty-finance/tests/it/peppol.rs; requirements in requirements-peppol.txt.
"""

import argparse
import os
import sys

from saxonche import PySaxonApiError, PySaxonProcessor


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out_dir")
    p.add_argument("--rules", nargs="+", required=True, metavar="NAME=STYLESHEET")
    p.add_argument("--docs", nargs="+", required=True, metavar="DOC")
    args = p.parse_args(argv)
    rules = []
    for item in args.rules:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            p.error(f"--rules wants NAME=STYLESHEET, got {item!r}")
        rules.append((name, path))
    return args.out_dir, rules, args.docs


def main(argv):
    out_dir, rules, docs = parse_args(argv)
    os.makedirs(out_dir, exist_ok=True)
    with PySaxonProcessor(license=False) as proc:
        print(proc.version, file=sys.stderr)
        xslt = proc.new_xslt30_processor()
        for name, stylesheet in rules:
            try:
                executable = xslt.compile_stylesheet(stylesheet_file=os.path.abspath(stylesheet))
            except PySaxonApiError as e:
                sys.exit(f"{stylesheet}: does not compile: {e}")
            for doc in docs:
                out = os.path.join(out_dir, f"{os.path.basename(doc)}.{name}.svrl")
                try:
                    executable.transform_to_file(source_file=os.path.abspath(doc), output_file=out)
                except PySaxonApiError as e:
                    sys.exit(f"{doc} under {name}: transformation failed: {e}")
                if not os.path.isfile(out):
                    sys.exit(f"{doc} under {name}: no report written")


if __name__ == "__main__":
    main(sys.argv[1:])
