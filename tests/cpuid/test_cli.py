#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks of the tdxc-xsave tool.

Usage: test_cli.py TOOL SAMPLE_DUMP basic     exit codes, JSON shape, diagnosis
       test_cli.py TOOL SAMPLE_DUMP realdata  every dump of $TDXC_SHARED_DATA/xsave
                                              against its expected.json (77 if absent)
"""
import json
import os
import subprocess
import sys
import tempfile

TOOL, SAMPLE, MODE = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)


def run(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    rc, out, err = run(*args, "--json")
    check(rc == 0, f"{args}: exit {rc}: {err.strip()}")
    if rc:
        return None
    obj = json.loads(out)  # exactly one JSON value, nothing else
    check(isinstance(obj, dict), f"{args}: not one object")
    return obj


COMPONENT_KEYS = {"index", "size", "standard_offset", "compacted_offset",
                  "supervisor", "align64", "xfd"}
TOP_KEYS = {"xcr0", "xss", "standard_size", "compacted_size", "components",
            "cpu_reported", "problems", "xsavec", "xsaves"}


def check_shape(obj, where):
    check(TOP_KEYS <= obj.keys(), f"{where}: keys {sorted(obj.keys())}")
    check(obj["xcr0"].startswith("0x") and obj["xss"].startswith("0x"), f"{where}: masks")
    check(set(obj["cpu_reported"].keys()) == {"sl0_ebx", "sl0_ecx", "sl1_ebx"},
          f"{where}: cpu_reported")
    last = -1
    for c in obj["components"]:
        check(COMPONENT_KEYS <= c.keys(), f"{where}: component keys {sorted(c.keys())}")
        check(c["index"] > last, f"{where}: components not ascending")
        last = c["index"]
        check((c["standard_offset"] is None) == c["supervisor"],
              f"{where}: standard_offset null iff supervisor ({c['index']})")
        for k in ("supervisor", "align64", "xfd"):
            check(isinstance(c[k], bool), f"{where}: {k} not a bool")


def basic():
    obj = run_json("--dump", SAMPLE)
    if obj:
        check_shape(obj, "sample")
        check(obj["xcr0"] == "0x602e7" and obj["xss"] == "0xdd00", "sample: default masks")
        check(obj["standard_size"] == 11008, "sample: standard size")
        check(obj["compacted_size"] == 11776, "sample: compacted size")
        check(obj["problems"] == [], f"sample: problems {obj['problems']}")
    obj = run_json("--dump", SAMPLE, "--xcr0", "0x600e7", "--xss", "0x800", "--loaded")
    if obj:
        check(obj["compacted_size"] == 10752, "#708: compacted size")
        offs = {c["index"]: c["compacted_offset"] for c in obj["components"]}
        check(offs == {2: 576, 5: 832, 6: 896, 7: 1408, 11: 2432, 17: 2496, 18: 2560},
              f"#708: offsets {offs}")
        probs = obj["problems"]
        check(len(probs) == 1 and probs[0]["kind"] == "sl1_ebx"
              and probs[0]["expected"] == 10752 and probs[0]["found"] == 10704
              and "out_of_order" in probs[0]["causes"] and probs[0]["moved"] == 11,
              f"#708: diagnosis {probs}")
    obj = run_json("--dump", SAMPLE, "--xss", "0")
    if obj:
        check(obj["xss"] == "0x0" and obj["compacted_size"] == 10752, "xss 0")
    # bad masks, unreadable and malformed dumps: exit status 2 and a message
    for args in (["--xcr0", "0x100000"], ["--xcr0", "0x800"], ["--xss", "0x1"],
                 ["--xcr0", "zz"], ["--xcr0", "0x1ffffffffffffffff"], ["--xss"],
                 ["--xcr0", "0x602e7", "--xss", "0x200"]):
        rc, out, err = run("--dump", SAMPLE, *args)
        check(rc == 2 and err and not out, f"{args}: exit {rc}, stderr {err!r}")
    rc, out, err = run("--dump", "/nonexistent/dir/dump.txt")
    check(rc == 2 and err, f"unreadable dump: exit {rc}")
    with open(SAMPLE, encoding="ascii") as f:
        text = f.read()
    for bad in (text.replace("ebx=0x00000240", "ebx=0x0000240", 1),
                text.replace("   0x0000000d 0x0b:", "   0x0000000d 0x4b:", 1),
                "\n".join(l for l in text.splitlines() if "0x0b:" not in l)):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as t:
            t.write(bad)
        rc, out, err = run("--dump", t.name, "--json")
        os.unlink(t.name)
        check(rc == 2 and err and not out, f"malformed dump: exit {rc}, {err!r}")
    rc, out, err = run("--bogus")
    check(rc == 2, "unknown option")
    rc, out, err = run("--dump", SAMPLE, "--format", "bogus")
    check(rc == 2 and err, "unknown format")
    rc, out, err = run("--dump", SAMPLE, "--format", "aida64")
    check(rc == 2 and err, "cpuid -r dump read as AIDA64 has no leaf 0xD")
    # The Linux warning of the same guest, converted from the sample dump.
    lines = ["[    0.000000] x86/fpu: XSAVE consistency problem, dumping leaves"]
    for l in text.splitlines():
        f = l.split()
        if len(f) == 6 and f[0] == "0x0000000d":
            sub = int(f[1].rstrip(":"), 16)
            regs = " ".join(r.replace("=0x", "=") for r in f[2:])
            lines.append(f"[    0.000000] x86/fpu: CPUID[0d, {sub:02x}]: {regs}")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as t:
        t.write("\n".join(lines) + "\n")
    obj = run_json("--dump", t.name, "--xcr0", "0x600e7", "--xss", "0x800", "--loaded")
    os.unlink(t.name)
    if obj:
        check(obj["compacted_size"] == 10752 and obj["cpu_reported"]["sl1_ebx"] == 10704
              and [p["kind"] for p in obj["problems"]] == ["sl1_ebx"],
              f"linux-format dump: {obj.get('problems')}")
    rc, out, err = run("--dump", SAMPLE)
    check(rc == 0 and "XTILEDATA" in out, "human output")


def realdata():
    base = os.environ.get("TDXC_SHARED_DATA")
    exp_path = os.path.join(base or "", "xsave", "expected.json")
    if not base or not os.path.exists(exp_path):
        print("real-data folder absent: skipped")
        sys.exit(77)
    with open(exp_path, encoding="utf-8") as f:
        expected = json.load(f)
    folder = os.path.dirname(exp_path)
    for case in expected["cases"]:
        dump = os.path.join(folder, case["file"])
        obj = run_json("--dump", dump)
        if not obj:
            continue
        where = case["file"]
        check_shape(obj, where)
        check(int(obj["xcr0"], 16) == int(case["xcr0_supported"], 16), f"{where}: xcr0")
        xss_default = int(case["xss_supported"], 16) if obj["xsaves"] else 0
        check(int(obj["xss"], 16) == xss_default, f"{where}: xss")
        check(obj["standard_size"] == case["standard_size_all_user"], f"{where}: standard")
        check(obj["cpu_reported"] == case["cpu_reported"], f"{where}: cpu_reported")
        std = {str(c["index"]): c["standard_offset"] for c in obj["components"]
               if c["standard_offset"] is not None}
        check(std == case["standard_offsets"], f"{where}: standard offsets {std}")
        if xss_default == int(case["xss_supported"], 16):
            check(obj["compacted_size"] == case["compacted_size_all_user_and_supervisor"],
                  f"{where}: compacted all")
            cmp = {str(c["index"]): c["compacted_offset"] for c in obj["components"]}
            check(cmp == case["compacted_offsets_all_state"], f"{where}: compacted offsets")
        obj = run_json("--dump", dump, "--xss", case["xss_supported"])
        if obj:
            check(obj["compacted_size"] == case["compacted_size_all_user_and_supervisor"],
                  f"{where}: compacted all (explicit xss)")
            cmp = {str(c["index"]): c["compacted_offset"] for c in obj["components"]}
            check(cmp == case["compacted_offsets_all_state"], f"{where}: compacted offsets")
            check([p for p in obj["problems"] if p["severity"] == "error"] == [],
                  f"{where}: problems {obj['problems']}")
        obj = run_json("--dump", dump, "--xss", "0")
        if obj:
            check(obj["compacted_size"] == case["compacted_size_all_user"],
                  f"{where}: compacted user")
        print("ok", where)
    for sc in expected.get("scenario_cases", []):
        obj = run_json("--dump", os.path.join(folder, sc["file"]),
                       "--xcr0", sc["xcr0"], "--xss", sc["xss"])
        if obj:
            check(obj["compacted_size"] == sc["compacted_size"], f"scenario {sc['name']}")
            print("ok scenario", sc["name"])


if MODE == "basic":
    basic()
elif MODE == "realdata":
    realdata()
else:
    sys.exit("unknown mode " + MODE)
sys.exit(1 if failures else 0)
