#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print the full path the given compiler resolves '#include <HEADER>' to.

Usage: find_header.py HEADER CC [CC-ARGS...]; prints nothing and exits 1 if
the header is not found. Used to give the freestanding build a copy of a
header-only dependency without exposing the rest of the system headers.
"""
import subprocess
import sys


def main():
    header, cc = sys.argv[1], sys.argv[2:]
    src = "#include <%s>\n" % header
    try:
        out = subprocess.run(cc + ["-E", "-x", "c", "-", "-o", "-"], input=src,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        sys.exit(1)
    for line in out.splitlines():
        if line.startswith("# ") and ('/' + header + '"') in line:
            print(line.split('"')[1])
            return
    sys.exit(1)


if __name__ == "__main__":
    main()
