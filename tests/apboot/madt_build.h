/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test support: build MADTs byte by byte from the ACPI layout (little
 * endian), then fix Length and Checksum as firmware does on install.
 */
#ifndef TDXC_TEST_MADT_BUILD_H
#define TDXC_TEST_MADT_BUILD_H

#include <stdint.h>
#include <string.h>

#define MB_CAP 8192

struct mbuild {
	uint8_t b[MB_CAP];
	uint32_t n;
};

static inline void mb_u8(struct mbuild *m, uint8_t v) { m->b[m->n++] = v; }
static inline void mb_u16(struct mbuild *m, uint16_t v)
{
	mb_u8(m, (uint8_t)v);
	mb_u8(m, (uint8_t)(v >> 8));
}
static inline void mb_u32(struct mbuild *m, uint32_t v)
{
	mb_u16(m, (uint16_t)v);
	mb_u16(m, (uint16_t)(v >> 16));
}
static inline void mb_u64(struct mbuild *m, uint64_t v)
{
	mb_u32(m, (uint32_t)v);
	mb_u32(m, (uint32_t)(v >> 32));
}

/* Header with Length and Checksum left 0 (see mb_finish). */
static inline void mb_header(struct mbuild *m, uint8_t revision)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->b, "APIC", 4);
	m->n = 8;
	mb_u8(m, revision);
	mb_u8(m, 0);
	memcpy(m->b + 10, "TDXCOR", 6);
	memcpy(m->b + 16, "TESTMADT", 8);
	m->n = 24;
	mb_u32(m, 1);          /* OEM revision */
	mb_u32(m, 0x54455354); /* creator id */
	mb_u32(m, 2);          /* creator revision */
	mb_u32(m, 0xFEE00000); /* LAPIC address */
	mb_u32(m, 1);          /* PCAT_COMPAT */
}

static inline void mb_lapic(struct mbuild *m, uint8_t uid, uint8_t id,
			    uint32_t flags)
{
	mb_u8(m, 0);
	mb_u8(m, 8);
	mb_u8(m, uid);
	mb_u8(m, id);
	mb_u32(m, flags);
}

static inline void mb_x2apic(struct mbuild *m, uint32_t id, uint32_t flags,
			     uint32_t uid)
{
	mb_u8(m, 9);
	mb_u8(m, 16);
	mb_u16(m, 0);
	mb_u32(m, id);
	mb_u32(m, flags);
	mb_u32(m, uid);
}

static inline void mb_ioapic(struct mbuild *m, uint8_t id, uint32_t addr,
			     uint32_t gsi)
{
	mb_u8(m, 1);
	mb_u8(m, 12);
	mb_u8(m, id);
	mb_u8(m, 0);
	mb_u32(m, addr);
	mb_u32(m, gsi);
}

static inline void mb_iso(struct mbuild *m, uint8_t irq, uint32_t gsi,
			  uint16_t fl)
{
	mb_u8(m, 2);
	mb_u8(m, 10);
	mb_u8(m, 0);
	mb_u8(m, irq);
	mb_u32(m, gsi);
	mb_u16(m, fl);
}

static inline void mb_lapic_nmi(struct mbuild *m, uint8_t uid, uint16_t fl,
				uint8_t lint)
{
	mb_u8(m, 4);
	mb_u8(m, 6);
	mb_u8(m, uid);
	mb_u16(m, fl);
	mb_u8(m, lint);
}

/* Wakeup structure of the given length (16 or 24 normally). */
static inline void mb_wakeup(struct mbuild *m, uint8_t len, uint16_t version,
			     uint32_t reserved, uint64_t mailbox, uint64_t reset)
{
	uint32_t start = m->n;
	mb_u8(m, 0x10);
	mb_u8(m, len);
	mb_u16(m, version);
	mb_u32(m, reserved);
	mb_u64(m, mailbox);
	if (len >= 24)
		mb_u64(m, reset);
	m->n = start + len;
}

/* A raw structure: type, length, then len - 2 bytes of `fill`. */
static inline void mb_raw(struct mbuild *m, uint8_t type, uint8_t len,
			  uint8_t fill)
{
	uint32_t i;
	mb_u8(m, type);
	mb_u8(m, len);
	for (i = 2; i < len; i++)
		mb_u8(m, fill);
}

static inline void mb_fix_checksum(struct mbuild *m)
{
	uint32_t i, len = (uint32_t)m->b[4] | (uint32_t)m->b[5] << 8 |
			  (uint32_t)m->b[6] << 16 | (uint32_t)m->b[7] << 24;
	uint8_t sum = 0;
	m->b[9] = 0;
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + m->b[i]);
	m->b[9] = (uint8_t)(0x100 - sum);
}

/* Set Length = bytes written and fix the checksum. */
static inline uint32_t mb_finish(struct mbuild *m)
{
	uint32_t n = m->n;
	m->b[4] = (uint8_t)n;
	m->b[5] = (uint8_t)(n >> 8);
	m->b[6] = (uint8_t)(n >> 16);
	m->b[7] = (uint8_t)(n >> 24);
	mb_fix_checksum(m);
	return n;
}

#endif
