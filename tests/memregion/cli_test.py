#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tdxc-memmap checks on the project's own hand-built maps.
Usage: cli_test.py TDXC_MEMMAP DATA_DIR"""
import json
import os
import subprocess
import sys

exe, data = sys.argv[1], sys.argv[2]
tdvf = os.path.join(data, "old_tdvf.dmesg")


def run(*args, stdin=None):
    return subprocess.run([exe, *args], capture_output=True, text=True, input=stdin)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


r = run("--json", tdvf)
check(r.returncode == 0, "json run: " + r.stderr)
j = json.loads(r.stdout)
check(list(j.keys()) == ["regions", "usable_bytes", "free_frames", "reserved"], "keys")
want = [
    {"base": "0x0", "end": "0x80c000", "type": "usable"},
    {"base": "0x80c000", "end": "0x80d000", "type": "nvs"},
    {"base": "0x80d000", "end": "0x4000000", "type": "usable"},
    {"base": "0x4000000", "end": "0x4001000", "type": "acpi"},
    {"base": "0xe0000000", "end": "0xf0000000", "type": "reserved"},
    {"base": "0xfec00000", "end": "0xfec01000", "type": "unknown-20"},
]
check(j["regions"] == want, "regions %r" % j["regions"])
usable = 0x4000000 - 0x1000
check(j["usable_bytes"] == usable, "usable_bytes")
check(j["free_frames"] == usable // 4096, "free_frames")
check(j["reserved"] == [], "no reservations")

# stdin, a held range, and its release
r = run("--json", "--reserve", "0x800000-0x80c000:tdx-ap:1", "--reserve",
        "0x80b000-0x80c000:workarea", stdin=open(tdvf).read())
check(r.returncode == 0, "reserve run: " + r.stderr)
j = json.loads(r.stdout)
check(j["free_frames"] == usable // 4096 - 12, "held frames")
check(j["reserved"] == [
    {"base": "0x800000", "end": "0x80c000", "owner": "tdx-ap", "event": 1},
    {"base": "0x80b000", "end": "0x80c000", "owner": "workarea", "event": 0}],
    "reserved %r" % j["reserved"])
r = run("--json", "--reserve", "0x800000-0x80c000:tdx-ap:1", "--reserve",
        "0x80b000-0x80c000:workarea", "--release", "1", tdvf)
check(r.returncode == 0, "release run")
check(json.loads(r.stdout)["free_frames"] == usable // 4096 - 1, "released, work area kept")

# human-readable output
r = run(tdvf)
check(r.returncode == 0 and "usable" in r.stdout and "unknown (raw 20)" in r.stdout, "text")

# malformed input: line number, exit status 2
r = run("--json", os.path.join(data, "malformed.dmesg"))
check(r.returncode == 2, "malformed exit %d" % r.returncode)
check(":3:" in r.stderr, "line number in %r" % r.stderr)
check(r.stdout == "", "no output on error")
for bad in (["--reserve", "0x2000-0x1000:x"], ["--reserve", "0x1000-0x2000"],
            ["--reserve", "0x1000-0x2000:" + "o" * 24], ["--release", "zz"], ["--bogus"]):
    r = run(*bad, tdvf)
    check(r.returncode == 2, "bad args %r -> %d" % (bad, r.returncode))
r = run(os.path.join(data, "does-not-exist"))
check(r.returncode == 1, "missing file")
print("ok")
