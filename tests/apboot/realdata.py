#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Real-data suite for the MADT parser.

Reads $TDXC_SHARED_DATA/madt/manifest.json and checks every listed table
(accept/reject, named errors, usable CPU count, wakeup fields), either
through the shared library (ctypes, mode "lib") or through the CLI
(`tdxc-madt --json`, mode "cli"). Exits 77 (skip) without the data.

usage: realdata.py lib LIBTDXCORE.so | realdata.py cli TDXC-MADT
"""
import ctypes
import hashlib
import json
import os
import subprocess
import sys

SKIP = 77


class Wakeup(ctypes.Structure):
    _fields_ = [("present", ctypes.c_uint8), ("length", ctypes.c_uint8),
                ("version", ctypes.c_uint16),
                ("reset_vector_valid", ctypes.c_uint8),
                ("reserved0", ctypes.c_uint8 * 3), ("offset", ctypes.c_uint32),
                ("reserved_field", ctypes.c_uint32),
                ("mailbox", ctypes.c_uint64), ("reset_vector", ctypes.c_uint64)]


class Madt(ctypes.Structure):
    _fields_ = [("length", ctypes.c_uint32), ("revision", ctypes.c_uint8),
                ("checksum", ctypes.c_uint8), ("reserved0", ctypes.c_uint8 * 2),
                ("oem_id", ctypes.c_char * 6),
                ("oem_table_id", ctypes.c_char * 8),
                ("reserved1", ctypes.c_uint8 * 2),
                ("oem_revision", ctypes.c_uint32),
                ("creator_id", ctypes.c_uint32),
                ("creator_revision", ctypes.c_uint32),
                ("flags", ctypes.c_uint32), ("lapic_address", ctypes.c_uint64),
                ("lapic_address_overridden", ctypes.c_uint32),
                ("n_cpu_entries", ctypes.c_uint32),
                ("n_usable", ctypes.c_uint32), ("n_enabled", ctypes.c_uint32),
                ("n_ioapic", ctypes.c_uint32), ("n_iso", ctypes.c_uint32),
                ("n_nmi_source", ctypes.c_uint32),
                ("n_lapic_nmi", ctypes.c_uint32),
                ("n_wakeup", ctypes.c_uint32), ("n_other", ctypes.c_uint32),
                ("warnings", ctypes.c_uint64), ("wakeup", Wakeup)]


class Diag(ctypes.Structure):
    _fields_ = [("errors", ctypes.c_uint64), ("warnings", ctypes.c_uint64),
                ("first_problem", ctypes.c_uint32),
                ("offset", ctypes.c_uint32),
                ("cpus_needed", ctypes.c_uint32),
                ("reserved", ctypes.c_uint32)]


PARSE_PARTIAL = 0x4
P_COUNT = 32  # names are probed until "unknown"


def via_lib(lib, data):
    """The same JSON-like record the CLI prints, built from the library."""
    assert ctypes.sizeof(Madt) == 128 and ctypes.sizeof(Diag) == 32
    lib.tdxc_apboot_problem_str.restype = ctypes.c_char_p
    lib.tdxc_apboot_warning_str.restype = ctypes.c_char_p
    buf = ctypes.create_string_buffer(data, len(data))
    m, d = Madt(), Diag()
    # Strict first: the verdict; then PARTIAL for the content.
    rc = lib.tdxc_apboot_madt_parse(buf, ctypes.c_size_t(len(data)), 0,
                                    ctypes.byref(m), None, 0, ctypes.byref(d))
    valid = rc >= 0
    m2, d2 = Madt(), Diag()
    rc2 = lib.tdxc_apboot_madt_parse(buf, ctypes.c_size_t(len(data)),
                                     PARSE_PARTIAL, ctypes.byref(m2), None, 0,
                                     ctypes.byref(d2))
    assert (rc2 >= 0) == valid and d2.errors == d.errors
    if valid:
        assert bytes(m) == bytes(m2), "strict and partial results differ"
    else:
        assert bytes(m) == bytes(Madt()), "rejected parse wrote its output"
    errors = [lib.tdxc_apboot_problem_str(i).decode()
              for i in range(1, 64) if d.errors >> i & 1]
    w = m2.wakeup
    return {
        "valid": valid,
        "errors": errors,
        "usable_cpus": m2.n_usable,
        "mp_wakeup": None if not w.present else {
            "mailbox": "0x%x" % w.mailbox,
            "version": w.version,
            "reset_vector": ("0x%x" % w.reset_vector)
            if w.reset_vector_valid else None,
        },
    }


def via_cli(exe, path):
    p = subprocess.run([exe, "--json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    out = p.stdout.decode()
    assert out.endswith("\n") and out.count("\n") == 1, repr(out)
    rec = json.loads(out)
    keys = ["valid", "errors", "warnings", "revision", "cpus", "usable_cpus",
            "mp_wakeup"]
    assert list(rec.keys()) == keys, list(rec.keys())
    assert p.returncode == (0 if rec["valid"] else 1), p.returncode
    assert rec["usable_cpus"] == sum(1 for c in rec["cpus"] if c["usable"])
    for c in rec["cpus"]:
        assert list(c.keys()) == ["apic_id", "x2apic", "enabled",
                                  "online_capable", "usable"]
    return rec


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("lib", "cli"):
        print(__doc__)
        return 2
    mode, target = sys.argv[1], sys.argv[2]
    root = os.environ.get("TDXC_SHARED_DATA")
    mdir = os.path.join(root, "madt") if root else None
    if not mdir or not os.path.isfile(os.path.join(mdir, "manifest.json")):
        print("real-data MADTs not found (TDXC_SHARED_DATA/madt): skipping")
        return SKIP
    with open(os.path.join(mdir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    lib = ctypes.CDLL(target) if mode == "lib" else None
    failures = 0
    for ent in manifest["entries"]:
        path = os.path.join(mdir, ent["file"])
        with open(path, "rb") as f:
            data = f.read()
        if hashlib.sha256(data).hexdigest() != ent["sha256"]:
            print("FAIL %s: sha256 differs from the manifest" % ent["file"])
            failures += 1
            continue
        exp = ent["expected"]
        rec = via_lib(lib, data) if mode == "lib" else via_cli(target, path)
        problems = []
        if rec["valid"] != exp["accept"]:
            problems.append("valid %s, expected %s" % (rec["valid"], exp["accept"]))
        for e in exp.get("expected_errors", []):
            if e not in rec["errors"]:
                problems.append("error %s not reported (%s)" % (e, rec["errors"]))
        if exp["accept"] and rec["errors"]:
            problems.append("unexpected errors %s" % rec["errors"])
        if exp.get("enabled_cpus") is not None and \
                rec["usable_cpus"] != exp["enabled_cpus"]:
            problems.append("usable cpus %d, expected %d" %
                            (rec["usable_cpus"], exp["enabled_cpus"]))
        wk = rec["mp_wakeup"]
        if bool(wk) != exp["mp_wakeup_present"]:
            problems.append("mp_wakeup %s, expected present=%s" %
                            (wk, exp["mp_wakeup_present"]))
        elif wk:
            want = {"mailbox": exp["mailbox_address"],
                    "version": exp["mailbox_version"],
                    "reset_vector": exp["reset_vector"]}
            if wk != want:
                problems.append("mp_wakeup %s, expected %s" % (wk, want))
        status = "FAIL" if problems else "ok  "
        print("%s %-40s valid=%-5s usable=%-3d errors=%s" %
              (status, ent["file"], rec["valid"], rec["usable_cpus"],
               ",".join(rec["errors"]) or "-"))
        for p in problems:
            print("     " + p)
        failures += bool(problems)
    print("%d tables, %d failures (%s)" % (len(manifest["entries"]), failures, mode))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
