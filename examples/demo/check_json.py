#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Run `tdxc-demo --json` and check its output.

stdout must be exactly one JSON object of the documented shape; every
section verdict must be "pass" (exit 77, meson's skip, when the only
non-passes are sections this build cannot run); the key figures each
section reports must be the ones the scenario implies; the exit status
must agree with the verdicts.
Usage: check_json.py path/to/tdxc-demo
"""
import json
import subprocess
import sys

SECTIONS = ["xsave", "tdboot", "vtl", "irqfilter", "bpool", "snapshot"]

# Figures implied by the scenario (see examples/demo/*.c).
EXPECTED_FACTS = {
    "xsave": {"guest_sl1_ebx": 10752, "linux_accepts_guest": 1,
              "linux_accepts_hash_order": 0},
    "tdboot": {"aps_acked": 4, "released_bytes": 0x6000},
    "vtl": {"shared_rax": 0x5678},
    "irqfilter": {"vmbus_vector_delivered": 1, "rogue_vector_delivered": 0,
                  "rogue_vector_drops": 1},
    "bpool": {"second_vm_created": "TDXC_EEXIST"},
    "snapshot": {"vp_state_equal": 1, "filter_state_equal": 1},
}

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    proc = subprocess.run([sys.argv[1], "--json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120)
    out = proc.stdout.decode("utf-8")
    if proc.stderr:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
    lines = out.splitlines()
    if not check(len(lines) == 1, "expected one line of output, got %d" % len(lines)):
        print(out)
    try:
        doc = json.loads(out)
    except ValueError as e:
        print("not JSON: %s\n%s" % (e, out))
        return 1
    check(isinstance(doc, dict), "top level is not an object")
    check(doc.get("program") == "tdxc-demo", "program name")
    check(isinstance(doc.get("version"), str) and doc["version"].count(".") == 2,
          "version string")
    secs = doc.get("sections", [])
    check([s.get("id") for s in secs] == SECTIONS,
          "sections %r" % [s.get("id") for s in secs])
    counts = {"pass": 0, "fail": 0, "skip": 0}
    for s in secs:
        sid = s.get("id")
        for key, typ in (("title", str), ("summary", str), ("facts", dict), ("log", list)):
            check(isinstance(s.get(key), typ), "%s: %s is not %s" % (sid, key, typ.__name__))
        check(s.get("title") and s.get("summary"), "%s: empty title or summary" % sid)
        check(all(isinstance(x, str) for x in s.get("log", [])), "%s: log entries" % sid)
        v = s.get("verdict")
        if not check(v in counts, "%s: verdict %r" % (sid, v)):
            continue
        counts[v] += 1
        if v == "fail":
            errors.append("%s: FAIL: %s" % (sid, s.get("summary")))
            errors.extend("  %s: %s" % (sid, line) for line in s.get("log", [])
                          if line.startswith("UNEXPECTED"))
        if v != "pass":
            continue
        for k, want in EXPECTED_FACTS.get(sid, {}).items():
            got = s.get("facts", {}).get(k)
            check(got == want, "%s: fact %s = %r, expected %r" % (sid, k, got, want))
    xs = next((s for s in secs if s.get("id") == "xsave"), None)
    if xs and xs.get("verdict") == "pass":
        f = xs["facts"]
        check(f.get("hash_order_sl1_ebx") not in (None, f.get("guest_sl1_ebx")),
              "xsave: the hash-order size must differ from the right one")
    check(doc.get("passed") == counts["pass"] and doc.get("failed") == counts["fail"]
          and doc.get("skipped") == counts["skip"], "summary counts")
    overall = "fail" if counts["fail"] else "skip" if counts["skip"] else "pass"
    check(doc.get("verdict") == overall, "overall verdict %r" % doc.get("verdict"))
    want_rc = {"pass": 0, "skip": 77, "fail": 1}[overall]
    check(proc.returncode == want_rc,
          "exit status %d, expected %d" % (proc.returncode, want_rc))
    if errors:
        print("\n".join(errors))
        return 1
    if overall == "skip":
        print("skipped sections: %s" % ", ".join(s["id"] for s in secs if s["verdict"] == "skip"))
        return 77
    print("%d sections, all pass" % len(secs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
