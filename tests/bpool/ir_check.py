#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Instructions per operation of the bpool workloads, counted by callgrind.

Instruction counts are deterministic, unlike time on a shared machine, so
they can be asserted:
  - bounded work: random at 1M operations costs under 1.5x what it costs at
    50k, and worst with 16384 isolated holes under 1.5x what it costs with
    none (an index that walked lists or holes would grow with them);
  - a regression ceiling per workload, 14-16% above the counts measured
    with gcc 12 -O2 when it was set (random 227 at 50k operations and 175
    at 1M, worst 143, frag 260, realloc 333: the free-block cache is on,
    as it is by default), so a change that makes the hot paths much longer fails
    here rather than only in a benchmark nobody reads. Unoptimised builds
    pass --no-ceiling: their counts say nothing about the code.
Counts include the driver's loop over a precomputed trace (about 10
instructions per operation).

Usage: ir_check.py [--no-ceiling] VALGRIND IR_TRACES_EXE
"""
import os
import subprocess
import sys
import tempfile

CEILING = {"random": 260, "worst": 165, "frag": 300, "realloc": 385}


def ir_per_op(valgrind, exe, trace, arg):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        res = subprocess.run(
            [valgrind, "--tool=callgrind", "--collect-atstart=no",
             "--toggle-collect=ir_measured", "--callgrind-out-file=" + out,
             exe, trace, str(arg)],
            capture_output=True, text=True, check=False)
        if res.returncode != 0:
            sys.exit("%s %s %s failed (%d):\n%s" % (exe, trace, arg, res.returncode,
                                                  res.stderr[-2000:]))
        ops = int(res.stdout.split()[-1])
        total = None
        with open(out, encoding="utf-8") as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    total = int(line.split()[1])
        if total is None or ops <= 0:
            sys.exit("no instruction total for %s %s" % (trace, arg))
        return total / ops


def main():
    args = sys.argv[1:]
    ceiling = True
    if args and args[0] == "--no-ceiling":
        ceiling = False
        args = args[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    vg, exe = args
    fails = []
    r = {}
    for trace, arg in (("random", 50000), ("random", 1000000), ("worst", 0),
                       ("worst", 16384), ("frag", 1000000), ("realloc", 300000)):
        r[(trace, arg)] = v = ir_per_op(vg, exe, trace, arg)
        print("IR bpool.%s.%d %.1f Ir/op" % (trace, arg, v))
        if ceiling and v > CEILING[trace]:
            fails.append("%s %d: %.1f Ir/op above the ceiling %d" %
                         (trace, arg, v, CEILING[trace]))
    for trace, small, large in (("random", 50000, 1000000), ("worst", 0, 16384)):
        ratio = r[(trace, large)] / r[(trace, small)]
        print("%s: %d vs %d -> %.2fx" % (trace, large, small, ratio))
        if ratio >= 1.5:
            fails.append("%s grows with the heap: %.2fx" % (trace, ratio))
    for f in fails:
        print("FAIL " + f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
