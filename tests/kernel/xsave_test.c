/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * XSAVE on the CPU we run on: enable CR4.OSXSAVE, set XCR0 to every user
 * component CPUID leaf 0xD reports, compare the sizes the CPU then reports
 * with the sizes computed from the per-component sub-leaves, and save the
 * state with XSAVE (and XSAVEC when present) into a buffer of exactly that
 * size between guard bytes.
 */
#include "xsave_test.h"

#define GUARD 64
#define GUARD_BYTE 0xA5
static uint8_t xbuf[GUARD + 65536 + GUARD] __attribute__((aligned(64)));

void xsave_cpu_read(struct xsave_cpu *x)
{
	uint32_t r[4];
	memset(x, 0, sizeof(*x));
	cpuid_count(1, 0, r);
	x->has_xsave = (r[2] >> 26) & 1;
	cpuid_count(0, 0, r);
	if (!x->has_xsave || r[0] < 0xD)
		return;
	cpuid_count(0xD, 0, r);
	x->xcr0_supported = ((uint64_t)r[3] << 32) | r[0];
	x->max_size = r[2];
	cpuid_count(0xD, 1, r);
	x->has_xsavec = (r[0] >> 1) & 1;
	x->xss_supported = ((uint64_t)r[3] << 32) | r[2];
	for (unsigned i = 2; i < 64; i++) {
		cpuid_count(0xD, i, r);
		x->comp[i].size = r[0];
		x->comp[i].offset = r[1];
		x->comp[i].align64 = (r[2] >> 1) & 1;
		x->comp[i].supervisor = r[2] & 1;
	}
}

/* Enable XSAVE with XCR0 = all supported user components; 0 on success. */
int xsave_enable(const struct xsave_cpu *x)
{
	if (!x->has_xsave)
		return -1;
	/* OSFXSR | OSXMMEXCPT | OSXSAVE */
	write_cr4(read_cr4() | (1u << 9) | (1u << 10) | (1u << 18));
	/* CR0: MP on, EM off, TS off, so SSE instructions in the checks run. */
	uint64_t cr0;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 | 2) & ~(uint64_t)(4 | 8);
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	xsetbv(0, x->xcr0_supported);
	return 0;
}

uint32_t xsave_own_std_size(const struct xsave_cpu *x, uint64_t mask)
{
	uint32_t end = 576;
	for (unsigned i = 2; i < 64; i++) {
		if (!(mask >> i & 1) || x->comp[i].supervisor)
			continue;
		uint32_t e = x->comp[i].offset + x->comp[i].size;
		if (e > end)
			end = e;
	}
	return end;
}

uint32_t xsave_own_cmp_size(const struct xsave_cpu *x, uint64_t mask)
{
	uint32_t off = 576;
	for (unsigned i = 2; i < 64; i++) {
		if (!(mask >> i & 1))
			continue;
		if (x->comp[i].align64)
			off = (off + 63) & ~63u;
		off += x->comp[i].size;
	}
	return off;
}

static void guards_set(uint32_t size)
{
	memset(xbuf, GUARD_BYTE, sizeof(xbuf));
	memset(xbuf + GUARD, 0, size);
}

static int guards_intact(uint32_t size, uint32_t *bad_at)
{
	for (uint32_t i = 0; i < GUARD; i++)
		if (xbuf[i] != GUARD_BYTE) {
			*bad_at = i;
			return 0;
		}
	for (uint32_t i = GUARD + size; i < sizeof(xbuf); i++)
		if (xbuf[i] != GUARD_BYTE) {
			*bad_at = i;
			return 0;
		}
	return 1;
}

#define XMM0_PATTERN 0x1122334455667788ull
#define YMM0_HI_PATTERN 0x99aabbccddeeff00ull

/* No clobbers: this file never uses vector registers (-mgeneral-regs-only). */
static void load_vector_patterns(int avx)
{
	uint64_t v = XMM0_PATTERN, w = YMM0_HI_PATTERN;
	__asm__ volatile("movq %0, %%xmm0" : : "r"(v));
	if (avx)
		__asm__ volatile("movq %0, %%xmm1\n\t"
				 "vinsertf128 $1, %%xmm1, %%ymm0, %%ymm0"
				 : : "r"(w));
}

int xsave_into_guarded(uint32_t size, int compacted, uint64_t rfbm, uint32_t ymm_hi_off,
		       const char *name)
{
	if (size + 2 * GUARD > sizeof(xbuf))
		return check(0, name, "size %u larger than the test buffer", size);
	guards_set(size);
	uint8_t *area = xbuf + GUARD;
	load_vector_patterns(ymm_hi_off != 0);
	uint32_t lo = (uint32_t)rfbm, hi = (uint32_t)(rfbm >> 32);
	if (compacted)
		__asm__ volatile("xsavec64 %0" : "+m"(*(uint8_t(*)[65536])area) : "a"(lo), "d"(hi)
				 : "memory");
	else
		__asm__ volatile("xsave64 %0" : "+m"(*(uint8_t(*)[65536])area) : "a"(lo), "d"(hi)
				 : "memory");
	uint32_t bad = 0;
	int ok = guards_intact(size, &bad);
	uint64_t xmm0, ymm0_hi = 0, xcomp_bv;
	memcpy(&xmm0, area + 160, 8);
	memcpy(&xcomp_bv, area + 512 + 8, 8);
	int ymm_ok = 1;
	if (ymm_hi_off) {
		memcpy(&ymm0_hi, area + ymm_hi_off, 8);
		ymm_ok = ymm0_hi == YMM0_HI_PATTERN;
	}
	int xmm_ok = xmm0 == XMM0_PATTERN;
	int fmt_ok = compacted ? (xcomp_bv >> 63) == 1 : xcomp_bv == 0;
	if (!ok)
		return check(0, name, "size=%u guard byte at buffer offset %u overwritten",
			     size, bad);
	return check(xmm_ok && ymm_ok && fmt_ok, name,
		     "size=%u guards intact, xmm0=0x%lx, ymm0[255:128] at offset %u = 0x%lx, "
		     "xcomp_bv=0x%lx",
		     size, xmm0, ymm_hi_off, ymm0_hi, xcomp_bv);
}
