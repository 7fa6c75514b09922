#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Documentation checks.

1. Every module guide (docs/<module>.md) has the sections "What it is for",
   "Concepts" and "Walk-through" (with a code block), and docs/index.md and
   README.md link the guides.
2. When doxygen is installed: the API reference builds from docs/Doxyfile.in
   with no warning at all (WARN_AS_ERROR), into a temporary directory, and
   has a page for every public header, every guide, and an entry for every
   exported function. Without doxygen the test is skipped (exit 77) once
   the first part has passed.

Usage: check_docs.py SOURCE_ROOT VERSION
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

MODULES = ["xsave", "memregion", "apboot", "vtlctx", "irqfilter", "bpool"]
SECTIONS = ["What it is for", "Concepts", "Walk-through"]

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def check_guides(root):
    index = read(os.path.join(root, "docs", "index.md"))
    readme = read(os.path.join(root, "README.md"))
    check("docs/index.md" in readme, "README.md does not link docs/index.md")
    for mod in MODULES:
        path = os.path.join(root, "docs", mod + ".md")
        if not check(os.path.exists(path), "missing guide docs/%s.md" % mod):
            continue
        text = read(path)
        heads = re.findall(r"^#+\s+(.*)$", text, re.M)
        for sec in SECTIONS:
            check(any(h.strip().startswith(sec) for h in heads),
                  "docs/%s.md: no section '%s'" % (mod, sec))
        walk = text.split("Walk-through", 1)[-1]
        check("```c" in walk, "docs/%s.md: the walk-through has no C code" % mod)
        check("(%s.md)" % mod in index, "docs/index.md does not link %s.md" % mod)
        check("docs/%s.md" % mod in readme, "README.md does not link docs/%s.md" % mod)


def public_functions(root):
    funcs = {}
    for h in sorted(glob.glob(os.path.join(root, "include", "tdxcore", "*.h"))):
        for m in re.finditer(r"TDXC_API\s+[\w\s\*]+?\b(tdxc_\w+)\s*\(", read(h)):
            funcs[m.group(1)] = os.path.basename(h)
    return funcs


def check_doxygen(root, version, doxygen):
    tmp = tempfile.mkdtemp(prefix="tdxc-docs-")
    try:
        conf = read(os.path.join(root, "docs", "Doxyfile.in"))
        conf = (conf.replace("@VERSION@", version).replace("@SRCDIR@", root)
                .replace("@OUTDIR@", tmp))
        check("WARN_AS_ERROR          = YES" in conf, "Doxyfile.in: WARN_AS_ERROR is not YES")
        cfg = os.path.join(tmp, "Doxyfile")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(conf)
        p = subprocess.run([doxygen, cfg], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd=tmp, timeout=600)
        out = (p.stdout + p.stderr).decode("utf-8", "replace")
        warnings = [l for l in out.splitlines() if "warning" in l or "error" in l]
        check(p.returncode == 0, "doxygen exited with %d" % p.returncode)
        check(not warnings, "doxygen warnings:\n  " + "\n  ".join(warnings[:40]))
        html = os.path.join(tmp, "html")
        if not check(os.path.exists(os.path.join(html, "index.html")), "no html/index.html"):
            return
        pages = {}
        for h in glob.glob(os.path.join(root, "include", "tdxcore", "*.h")):
            name = os.path.basename(h)[:-2] + "_8h.html"
            if check(os.path.exists(os.path.join(html, name)), "no page for %s" % name):
                pages[os.path.basename(h)] = read(os.path.join(html, name))
        for md in glob.glob(os.path.join(root, "docs", "*.md")):
            name = "md_docs_" + os.path.basename(md)[:-3].replace("-", "_") + ".html"
            check(os.path.exists(os.path.join(html, name)), "no page for docs/%s" %
                  os.path.basename(md))
        for fn, hdr in sorted(public_functions(root).items()):
            check(fn in pages.get(hdr, ""), "%s is not in the reference of %s" % (fn, hdr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, version = os.path.abspath(sys.argv[1]), sys.argv[2]
    check_guides(root)
    doxygen = shutil.which("doxygen")
    if doxygen and not errors:
        check_doxygen(root, version, doxygen)
    if errors:
        print("\n".join(errors))
        return 1
    if not doxygen:
        print("guides ok; doxygen is not installed: API reference not checked")
        return 77
    print("guides ok; API reference built without warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
