#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Symbol hygiene of the built libraries.

- every global symbol defined in the static and freestanding archives starts
  with tdxc_ (tdxc__ for internal cross-file symbols);
- the shared library exports exactly the version-script symbols, none tdxc__;
- the TDXC_API functions declared in the public headers equal the
  version-script symbols, in both directions.
Usage: check_exports.py SRCDIR MAP SHARED STATIC FREESTANDING
"""
import glob
import os
import re
import subprocess
import sys


def nm(args, path):
    """Names of the global defined symbols nm lists (args select which)."""
    out = subprocess.run(["nm"] + args + [path], capture_output=True, text=True,
                         check=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.add(parts[2].split("@")[0])
    return syms


def main():
    src, mapfile, shared, static, fs = sys.argv[1:6]
    errors = []
    with open(mapfile, encoding="utf-8") as fh:
        text = fh.read()
    glob_part = text.split("global:", 1)[1].split("local:", 1)[0]
    mapped = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*;", glob_part))

    declared = set()
    for h in glob.glob(os.path.join(src, "include", "tdxcore", "*.h")):
        with open(h, encoding="utf-8") as fh:
            body = re.sub(r"/\*.*?\*/", " ", fh.read(), flags=re.S)
        for m in re.finditer(r"\bTDXC_API\b([^;{]*?)\b(tdxc_[A-Za-z0-9_]+)\s*\(", body):
            declared.add(m.group(2))
    for s in sorted(declared - mapped):
        errors.append("declared TDXC_API but not in the version script: " + s)
    for s in sorted(mapped - declared):
        errors.append("in the version script but not declared TDXC_API: " + s)

    for lib in (static, fs):
        for s in sorted(nm(["-g", "--defined-only"], lib)):
            if not s.startswith("tdxc_"):
                errors.append("%s defines a global symbol outside tdxc_: %s"
                              % (os.path.basename(lib), s))

    exported = nm(["-D", "--defined-only"], shared)
    exported = {s for s in exported if not s.startswith("TDXCORE_")}
    for s in sorted(exported - mapped):
        errors.append("shared library exports a symbol not in the map: " + s)
    for s in sorted(mapped - exported):
        errors.append("map symbol not exported (missing definition?): " + s)
    for s in sorted(exported):
        if s.startswith("tdxc__"):
            errors.append("internal symbol exported: " + s)

    if errors:
        print("\n".join(errors))
        sys.exit(1)
    print("%d exported functions: headers, version script and .so agree; "
          "archives define only tdxc_ globals" % len(mapped))


if __name__ == "__main__":
    main()
