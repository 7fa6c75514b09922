#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write tests/data/snapshot-v1.bin from docs/snapshot-format.md alone.

An independent implementation of the container layout: the C writer must
produce exactly these bytes (tests/common/test_snapshot.c, test_golden).
"""
import struct
import sys
import zlib


def record(mod, ver, flags, payload):
    pad = (8 - len(payload) % 8) % 8
    return struct.pack("<HHIQ", mod, ver, flags, len(payload)) + payload + b"\0" * pad


def container(records, vtl, flags=0):
    body = b"".join(records)
    total = 40 + len(body) + 4
    hdr = b"TDXCSNAP" + struct.pack("<HHIQQIB3x", 1, 40, flags, total, len(body),
                                    len(records), vtl)
    blob = hdr + body
    return blob + struct.pack("<I", zlib.crc32(blob) & 0xFFFFFFFF)


def main():
    recs = [
        record(4, 3, 0, b"vtl context payload\0"),
        record(5, 1, 0, bytes(range(1, 17))),
        record(0x9001, 7, 1, b""),
    ]
    out = sys.argv[1] if len(sys.argv) > 1 else "snapshot-v1.bin"
    with open(out, "wb") as fh:
        fh.write(container(recs, 1))


if __name__ == "__main__":
    main()
