"""Check notebooks against Jupyter's own nbformat library.

For each file: nbformat reads it, validates it against the nbformat 4.5
schema, and writes it back; with --same, the bytes must equal the file
(Tandem writes what Jupyter writes). Prints "ok NAME" per file.
"""
import sys

import nbformat

same = "--same" in sys.argv
for name in [a for a in sys.argv[1:] if not a.startswith("--")]:
    with open(name, encoding="utf-8") as f:
        text = f.read()
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5), (nb.nbformat, nb.nbformat_minor)
    if same:
        out = nbformat.writes(nb)
        if not out.endswith("\n"):
            out += "\n"
        if out != text:
            sys.exit("%s: nbformat writes it differently:\n%s" % (name, out))
    print("ok", name)
