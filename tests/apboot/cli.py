#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tdxc-madt exit codes and exact --json output on hand-built tables.

usage: cli.py TDXC-MADT
"""
import json
import os
import struct
import subprocess
import sys
import tempfile


def table(entries, revision=5):
    body = b"".join(entries)
    hdr = bytearray(b"APIC" + struct.pack("<IBB", 44 + len(body), revision, 0)
                    + b"TDXCOR" + b"CLITEST " + struct.pack("<IIIII", 1, 2, 3,
                                                            0xFEE00000, 1))
    t = bytearray(hdr + body)
    t[9] = (-sum(t)) & 0xFF
    return bytes(t)


def lapic(uid, apic_id, flags):
    return struct.pack("<BBBBI", 0, 8, uid, apic_id, flags)


def x2apic(apic_id, flags, uid):
    return struct.pack("<BBHIII", 9, 16, 0, apic_id, flags, uid)


def wakeup(version, mailbox, reset=None):
    if reset is None:
        return struct.pack("<BBHIQ", 0x10, 16, version, 0, mailbox)
    return struct.pack("<BBHIQQ", 0x10, 24, version, 0, mailbox, reset)


def run(exe, *args):
    p = subprocess.run([exe, *args], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, check=False)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def main():
    exe = sys.argv[1]
    fails = []

    def check(cond, what):
        if not cond:
            fails.append(what)
            print("FAIL", what)

    with tempfile.TemporaryDirectory() as d:
        def put(name, data):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            return p

        good = put("good.bin", table([
            lapic(0, 0, 1), lapic(1, 2, 1), lapic(2, 0xFF, 1),
            x2apic(2, 1, 9), x2apic(0x100, 1, 10), lapic(3, 5, 2),
            wakeup(1, 0x7fffd000, 0x7fffe068)]))
        rc, out, _ = run(exe, "--json", good)
        check(rc == 0, "valid table exits 0")
        expect = ('{"valid":true,"errors":[],"warnings":[],"revision":5,"cpus":['
                  '{"apic_id":0,"x2apic":false,"enabled":true,"online_capable":false,"usable":true},'
                  '{"apic_id":2,"x2apic":false,"enabled":true,"online_capable":false,"usable":true},'
                  '{"apic_id":255,"x2apic":false,"enabled":true,"online_capable":false,"usable":false},'
                  '{"apic_id":2,"x2apic":true,"enabled":true,"online_capable":false,"usable":false},'
                  '{"apic_id":256,"x2apic":true,"enabled":true,"online_capable":false,"usable":true},'
                  '{"apic_id":5,"x2apic":false,"enabled":false,"online_capable":true,"usable":true}'
                  '],"usable_cpus":4,'
                  '"mp_wakeup":{"mailbox":"0x7fffd000","version":1,"reset_vector":"0x7fffe068"}}\n')
        check(out == expect, "exact JSON: %r" % out)
        json.loads(out)

        v0 = put("v0.bin", table([lapic(0, 0, 1), wakeup(0, 0x7e7ff000),
                                  wakeup(0, 0x1000)]))
        rc, out, _ = run(exe, "--json", v0)
        rec = json.loads(out)
        check(rc == 0 and rec["mp_wakeup"] == {"mailbox": "0x7e7ff000",
                                               "version": 0,
                                               "reset_vector": None},
              "v0 wakeup: %r" % out)
        check(rec["warnings"] == ["second_wakeup_ignored"], "warning named")

        bad = bytearray(table([lapic(0, 0, 1), wakeup(1, 0x7fffd800, 0x1000)]))
        bad[9] ^= 0x10
        badp = put("bad.bin", bytes(bad))
        rc, out, _ = run(exe, "--json", badp)
        rec = json.loads(out)
        check(rc == 1, "rejected table exits 1")
        check(rec["valid"] is False and
              rec["errors"] == ["bad_checksum", "mailbox_not_4k_aligned"],
              "errors named: %r" % out)
        check(rec["usable_cpus"] == 1 and rec["mp_wakeup"]["mailbox"] == "0x7fffd800",
              "content still reported")
        rc, out, _ = run(exe, "--json", "--ignore-checksum", badp)
        rec = json.loads(out)
        check(rc == 1 and rec["errors"] == ["mailbox_not_4k_aligned"] and
              rec["warnings"] == ["checksum_ignored"], "--ignore-checksum")

        trunc = put("trunc.bin", table([lapic(0, 0, 1)])[:-2])
        rc, out, _ = run(exe, "--json", trunc)
        check(rc == 1 and out == '{"valid":false,"errors":["header_length_gt_buffer"],'
              '"warnings":[],"revision":5,"cpus":[],"usable_cpus":0,"mp_wakeup":null}\n',
              "truncated: %r" % out)
        empty = put("empty.bin", b"")
        rc, out, _ = run(exe, "--json", empty)
        check(rc == 1 and json.loads(out)["errors"] == ["buffer_too_small"],
              "empty file")

        rev3 = put("rev3.bin", table([lapic(0, 0, 1), lapic(1, 1, 0)], revision=3))
        rc, out, _ = run(exe, "--json", rev3)
        check(json.loads(out)["usable_cpus"] == 1, "rev 3 bare metal")
        rc, out, _ = run(exe, "--json", "--hypervisor", rev3)
        check(json.loads(out)["usable_cpus"] == 2, "rev 3 --hypervisor")

        rc, out, _ = run(exe, good)
        check(rc == 0 and "Processors: 6 entries, 4 usable" in out and
              "I/O APICs 0" in out and "mailbox 0x7fffd000" in out and
              "shadowed" in out and "placeholder" in out, "text output")
        rc, out, _ = run(exe, badp)
        check(rc == 1 and "REJECTED" in out and "bad_checksum" in out, "text rejected")

        check(run(exe)[0] == 2, "no argument exits 2")
        check(run(exe, "--bogus", good)[0] == 2, "unknown option exits 2")
        check(run(exe, good, good)[0] == 2, "two files exit 2")
        check(run(exe, os.path.join(d, "missing.bin"))[0] == 2, "missing file exits 2")
        check(run(exe, d)[0] == 2, "directory exits 2")
    print("%d failures" % len(fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
