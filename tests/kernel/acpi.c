/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ACPI discovery the way a kernel without firmware services does it: the
 * RSDP in the EBDA or the BIOS area 0xE0000-0xFFFFF, then the RSDT (or
 * the XSDT when the RSDP revision is 2 or more), then the "APIC" table.
 */
#include "kernel.h"

static uint32_t ld32(uint64_t pa)
{
	uint32_t v;
	memcpy(&v, (const void *)(uintptr_t)pa, 4);
	return v;
}

static uint64_t ld64(uint64_t pa)
{
	uint64_t v;
	memcpy(&v, (const void *)(uintptr_t)pa, 8);
	return v;
}

static int sum_ok(uint64_t pa, uint32_t len)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;
	uint8_t s = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + p[i]);
	return s == 0;
}

static uint64_t scan_rsdp(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a + 20 <= start + len; a += 16) {
		if (memcmp((const void *)(uintptr_t)a, "RSD PTR ", 8) == 0 && sum_ok(a, 20))
			return a;
	}
	return 0;
}

/* A table header is sane: inside the mapped space, length >= 36, checksum. */
static int table_ok(uint64_t pa, const char *sig)
{
	if (pa == 0 || pa >= ((uint64_t)KERNEL_MAP_GIB << 30))
		return 0;
	if (sig && memcmp((const void *)(uintptr_t)pa, sig, 4) != 0)
		return 0;
	uint32_t len = ld32(pa + 4);
	if (len < 36 || len > (1u << 20))
		return 0;
	return sum_ok(pa, len);
}

int acpi_find(struct acpi_info *ai)
{
	memset(ai, 0, sizeof(*ai));
	uint16_t ebda_seg;
	memcpy(&ebda_seg, (const void *)(uintptr_t)0x40E, 2);
	uint64_t ebda = (uint64_t)ebda_seg << 4;
	uint64_t rsdp = 0;
	if (ebda >= 0x80000 && ebda < 0xA0000)
		rsdp = scan_rsdp(ebda, 1024);
	if (!rsdp)
		rsdp = scan_rsdp(0xE0000, 0x20000);
	if (!rsdp)
		return -1;
	ai->rsdp = rsdp;
	ai->rsdp_rev = *(const uint8_t *)(uintptr_t)(rsdp + 15);

	uint64_t xsdt = 0;
	if (ai->rsdp_rev >= 2 && sum_ok(rsdp, ld32(rsdp + 20)))
		xsdt = ld64(rsdp + 24);
	if (xsdt && table_ok(xsdt, "XSDT")) {
		ai->root = xsdt;
		ai->root_is_xsdt = 1;
	} else {
		uint64_t rsdt = ld32(rsdp + 16);
		if (!table_ok(rsdt, "RSDT"))
			return -2;
		ai->root = rsdt;
	}
	uint32_t len = ld32(ai->root + 4);
	unsigned esz = ai->root_is_xsdt ? 8 : 4;
	for (uint32_t off = 36; off + esz <= len; off += esz) {
		uint64_t t = esz == 8 ? ld64(ai->root + off) : ld32(ai->root + off);
		if (table_ok(t, "APIC")) {
			ai->madt = t;
			ai->madt_len = ld32(t + 4);
			return 0;
		}
	}
	return -3;
}
