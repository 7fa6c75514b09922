#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Real-data suite through the CLI: tdxc-memmap --json on every map of
$TDXC_SHARED_DATA/memmaps/manifest.json. All parse (exit 0); complete maps
give the expected regions and totals. Exit 77 (skip) without the data."""
import json
import os
import subprocess
import sys

exe = sys.argv[1]
root = os.environ.get("TDXC_SHARED_DATA")
man = os.path.join(root or "", "memmaps", "manifest.json")
if not root or not os.path.exists(man):
    print("shared data not found: real-data suite skipped")
    sys.exit(77)

NAMES = {"usable": "usable", "System RAM": "usable", "reserved": "reserved",
         "device reserved": "reserved", "ACPI data": "acpi", "ACPI NVS": "nvs"}


def expected(entries):
    out = []
    for e in entries:
        a, z = int(e["start"], 16), int(e["end_inclusive"], 16) + 1
        t = e["type"]
        name = NAMES.get(t) or ("unknown-" + t.split()[1] if t.startswith("type ") else None)
        if name == "usable":
            a, z = (a + 0xfff) & ~0xfff, z & ~0xfff
        else:
            a, z = a & ~0xfff, (z + 0xfff) & ~0xfff
        if out and out[-1]["end"] == a and out[-1]["type"] == name:
            out[-1]["end"] = z
        else:
            out.append({"base": a, "end": z, "type": name})
    return out


fails = 0
files = json.load(open(man))["files"]
for f in files:
    path = os.path.join(root, "memmaps", f["file"])
    r = subprocess.run([exe, "--json", path], capture_output=True, text=True)
    if r.returncode != 0:
        print("FAIL %s: exit %d %s" % (f["file"], r.returncode, r.stderr))
        fails += 1
        continue
    j = json.loads(r.stdout)
    if f["complete"] and f["e820_entries_parsed"]:
        want = expected(f["e820_entries_parsed"])
        got = [{"base": int(x["base"], 16), "end": int(x["end"], 16), "type": x["type"]}
               for x in j["regions"]]
        usable = sum(x["end"] - x["base"] for x in want if x["type"] == "usable")
        if got != want or j["usable_bytes"] != usable or j["free_frames"] != usable // 4096:
            print("FAIL %s: regions/totals differ\n got  %r\n want %r" % (f["file"], got, want))
            fails += 1
            continue
    elif f["e820_entries_parsed"] and not j["regions"]:
        print("FAIL %s: no regions" % f["file"])
        fails += 1
        continue
    print("ok   %-50s %3d regions %8d MiB usable" % (f["file"], len(j["regions"]),
                                                      j["usable_bytes"] >> 20))
sys.exit(1 if fails else 0)
