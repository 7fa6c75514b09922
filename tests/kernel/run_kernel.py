#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Boot the libtdxcore test kernel under QEMU (TCG) and judge its serial log.

The kernel prints one line per check ("PASS name detail" / "FAIL name
detail"), "INFO" lines, and a final "RESULT PASS|FAIL ..." line, then leaves
through the isa-debug-exit device (exit status 33 = pass, 35 = fail).
This script fails unless the run is a full pass: exit status 33, a RESULT
PASS line, no FAIL line, and every required check present. Exit 77 (skip)
when qemu-system-x86_64 is not installed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import time

SKIP = 77
EXIT_PASS = (0x10 << 1) | 1
EXIT_FAIL = (0x11 << 1) | 1

# Checks every run must report (a check that silently went missing is a
# failure too). Per-AP and optional checks come on top.
REQUIRED = [
    "boot.multiboot", "boot.mmap", "boot.image",
    "lib.version", "lib.strerror",
    "acpi.madt", "madt.own-walk", "apboot.madt-qemu", "apboot.madt-cpus",
    "apboot.madt-tdx", "apboot.madt-reject", "smp.lapic", "smp.fw-park",
    "apboot.mb-init", "apboot.mb-refuse", "apboot.mb-done", "smp.online",
    "xsave.cpuid", "xsave.enable", "xsave.lib-table", "xsave.lib-validate",
    "xsave.size-std", "xsave.layout-std", "xsave.xsave-guarded", "xsave.size-cmp",
    "bpool.init", "bpool.heap", "bpool.misuse", "bpool.drain",
    "irqfilter.init", "irqfilter.setup",
    "vtlctx.init", "vtlctx.load", "vtlctx.switch-0-1", "vtlctx.switch-1-0",
    "vtlctx.save-restore", "vtlctx.tdx-stage",
    "memregion.init", "memregion.map", "memregion.alloc", "memregion.refuse",
    "memregion.fw-reserve", "memregion.release", "memregion.range", "memregion.final",
]
# Required unless the kernel says with an INFO line of the same name that
# the build lacks the feature (e.g. the registry without uthash).
REQUIRED_UNLESS_INFO = [
    "bpool.registry", "bpool.guests",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--maxcpus", type=int, default=0,
                    help="QEMU maxcpus (absent CPUs appear as disabled MADT entries)")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--append", default="")
    ap.add_argument("--timeout", type=float,
                    default=float(os.environ.get("TDXC_KERNEL_TIMEOUT", "30")))
    ap.add_argument("--budget", type=float,
                    default=float(os.environ.get("TDXC_KERNEL_BOOT_BUDGET", "10")),
                    help="fail a boot slower than this many seconds (0: no limit)")
    ap.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-x86_64"))
    ap.add_argument("--log", help="also write the serial log to this file")
    args = ap.parse_args()

    qemu = shutil.which(args.qemu)
    if not qemu:
        print(f"SKIP: {args.qemu} not found; install QEMU to run the guest-kernel tests")
        return SKIP
    if not os.path.exists(args.kernel):
        print(f"FAIL harness: kernel image {args.kernel} missing")
        return 1

    smp = str(args.smp)
    cmdline = f"smp={args.smp}"
    if args.maxcpus:
        smp += f",maxcpus={args.maxcpus}"
        cmdline += f" maxcpus={args.maxcpus}"
    cmdline = f"{cmdline} {args.append}".strip()
    cmd = [qemu, "-accel", "tcg", "-cpu", "max", "-machine", "pc",
           "-smp", smp, "-m", args.mem,
           "-kernel", args.kernel, "-append", cmdline,
           "-nodefaults", "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    print("run:", " ".join(cmd), flush=True)
    t0 = time.monotonic()
    timed_out = False
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=args.timeout)
        out, status = p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        out, status, timed_out = e.stdout or b"", None, True
    elapsed = time.monotonic() - t0

    log = out.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    if args.log:
        with open(args.log, "w", encoding="utf-8") as f:
            f.write(log)
    print("---- serial log ----")
    print(log.rstrip())
    print("---- end of serial log ----")

    lines = [l.strip() for l in log.split("\n")]
    passed = [l.split()[1] for l in lines if l.startswith("PASS ") and len(l.split()) > 1]
    failed = [l for l in lines if l.startswith("FAIL")]
    result = [l for l in lines if l.startswith("RESULT ")]
    problems = []
    if timed_out:
        problems.append(f"timed out after {args.timeout:g} s (last line: "
                        f"{next((l for l in reversed(lines) if l), '<none>')!r})")
    elif status == 0 and not result:
        problems.append("QEMU exited with status 0 without a result: the guest "
                        "reset (triple fault?)")
    elif status not in (EXIT_PASS, EXIT_FAIL):
        problems.append(f"QEMU exit status {status} (expected {EXIT_PASS})")
    for l in failed:
        problems.append("check failed: " + l[5:] if l.startswith("FAIL ") else l)
    if not result:
        problems.append("no RESULT line")
    elif not result[-1].startswith("RESULT PASS"):
        problems.append(result[-1])
    required = list(REQUIRED)
    if args.smp > 1:
        required += ["apboot.mb-timeout", "xsave.aps", "irqfilter.two-cpus",
                     "irqfilter.drops", "irqfilter.retarget"]
    if args.smp > 2:  # the first AP is the held-back one of apboot.mb-timeout
        required.append("apboot.wake")
    if args.maxcpus and args.maxcpus != args.smp:
        required.append("apboot.madt-hotplug")
    infos = [l.split()[1] for l in lines if l.startswith("INFO ") and len(l.split()) > 1]
    required += [n for n in REQUIRED_UNLESS_INFO if n not in infos]
    missing = [n for n in required if n not in passed]
    if missing:
        problems.append(f"{len(missing)} required check(s) did not pass: " + ", ".join(missing))
    if not timed_out and status == EXIT_FAIL and not failed and result \
            and result[-1].startswith("RESULT PASS"):
        problems.append("kernel printed RESULT PASS but exited with the fail status")

    print(f"boot: -smp {smp} -m {args.mem}: {elapsed:.1f} s, "
          f"{len(passed)} checks passed, {len(failed)} failed")
    if args.budget and elapsed > args.budget and not timed_out:
        problems.append(f"the boot took {elapsed:.1f} s, over the budget of "
                        f"{args.budget:g} s (TDXC_KERNEL_BOOT_BUDGET, 0 = none)")
    if problems:
        for pr in problems:
            print("FAILURE:", pr)
        return 1
    print("kernel run: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
