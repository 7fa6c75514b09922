/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ns per full XSAVE layout (every component, standard and compacted) and
 * per validation, for a Sapphire Rapids class table. The baseline ("ref")
 * is a bare loop over the same table without any checking, as a VMM would
 * write it inline; it shows what the checks and the full-layout output cost.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <tdxcore/xsave.h>

static const struct tdxc_xsave_subleaf spr[] = {
	{ 0, 0x602e7, 0x2b00, 0x2b00, 0 }, { 1, 0x1f, 0x2a80, 0xdd00, 0 },
	{ 2, 256, 0x240, 0, 0 },           { 5, 64, 0x440, 0, 0 },
	{ 6, 512, 0x480, 0, 0 },           { 7, 1024, 0x680, 0, 0 },
	{ 8, 128, 0, 1, 0 },               { 9, 8, 0xa80, 0, 0 },
	{ 10, 8, 0, 1, 0 },                { 11, 16, 0, 1, 0 },
	{ 12, 24, 0, 1, 0 },               { 14, 48, 0, 1, 0 },
	{ 15, 808, 0, 1, 0 },              { 17, 64, 0xac0, 2, 0 },
	{ 18, 8192, 0xb00, 6, 0 },
};

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#define BARRIER(p) __asm__ volatile("" : : "r"(p) : "memory")

static volatile uint32_t sink;

/* Reference: both layouts from the raw table, no checks at all. */
static void ref_layout(const struct tdxc_xsave_info *in, uint64_t xcr0, uint64_t xss,
		       struct tdxc_xsave_layout *s, struct tdxc_xsave_layout *c)
{
	uint64_t off = 576;
	uint32_t size = 576;
	unsigned i;
	for (i = 2; i < 63; i++) {
		const struct tdxc_xsave_regs *r = &in->comp[i];
		if ((xcr0 >> i) & 1) {
			s->slot[i].offset = r->ebx;
			s->slot[i].size = r->eax;
			if (r->ebx + r->eax > size)
				size = r->ebx + r->eax;
		}
		if (((xcr0 | xss) >> i) & 1) {
			if (r->ecx & 2)
				off = (off + 63) & ~63ull;
			c->slot[i].offset = (uint32_t)off;
			c->slot[i].size = r->eax;
			off += r->eax;
		}
	}
	s->size = size;
	c->size = (uint32_t)off;
}

/* Reference validation: the three size fields only (Linux-style). */
static int ref_validate(const struct tdxc_xsave_info *in, uint64_t xcr0, uint64_t xss)
{
	struct tdxc_xsave_layout s, c, all;
	ref_layout(in, in->xcr0_supported, 0, &all, &c);
	ref_layout(in, xcr0, xss, &s, &c);
	return (all.size != in->sl0_ecx) + (s.size != in->sl0_ebx) + (c.size != in->sl1_ebx);
}

struct result {
	const char *key;
	double ns;
};

int main(void)
{
	struct tdxc_xsave_info info;
	struct tdxc_xsave_layout ls, lc;
	struct tdxc_xsave_report rep;
	const uint64_t xcr0 = 0x602e7, xss = 0xdd00;
	struct result res[4] = {
		{ "xsave.layout_spr.tdxc", 1e30 },
		{ "xsave.layout_spr.ref", 1e30 },
		{ "xsave.validate_spr.tdxc", 1e30 },
		{ "xsave.validate_spr.ref", 1e30 },
	};
	const long iters[4] = { 2000000, 4000000, 200000, 2000000 };
	int round, k;

	if (tdxc_xsave_info_from_leaves(spr, sizeof(spr) / sizeof(spr[0]), &info)) {
		fprintf(stderr, "table rejected\n");
		return 1;
	}
	/* Sanity: both implementations agree before anything is timed. */
	memset(&ls, 0, sizeof(ls));
	memset(&lc, 0, sizeof(lc));
	if (tdxc_xsave_layout(&info, xcr0 | xss, TDXC_XSAVE_COMPACTED, &lc) || lc.size != 11776 ||
	    tdxc_xsave_validate(&info, TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED,
				xcr0, 0x100, &rep) != 0) {
		fprintf(stderr, "unexpected result\n");
		return 1;
	}
	ref_layout(&info, xcr0, xss, &ls, &lc);
	if (lc.size != 11776 || ls.size != 11008) {
		fprintf(stderr, "reference disagrees\n");
		return 1;
	}

	for (round = 0; round < 5; round++) {
		for (k = 0; k < 4; k++) {
			double t0 = now_ns(), dt;
			long n;
			for (n = 0; n < iters[k]; n++) {
				BARRIER(&info);
				switch (k) {
				case 0:
					tdxc_xsave_layout(&info, xcr0, TDXC_XSAVE_STANDARD, &ls);
					tdxc_xsave_layout(&info, xcr0 | xss, TDXC_XSAVE_COMPACTED, &lc);
					sink = ls.size + lc.size;
					break;
				case 1:
					ref_layout(&info, xcr0, xss, &ls, &lc);
					sink = ls.size + lc.size;
					break;
				case 2:
					sink = (uint32_t)tdxc_xsave_validate(
						&info,
						TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED,
						xcr0, 0x100, &rep);
					break;
				default:
					sink = (uint32_t)ref_validate(&info, xcr0, 0x100);
					break;
				}
				BARRIER(&ls);
			}
			dt = (now_ns() - t0) / (double)iters[k];
			if (dt < res[k].ns)
				res[k].ns = dt;
		}
	}
	printf("%-28s %10s\n", "case (SPR table, best of 5)", "ns/op");
	for (k = 0; k < 4; k++)
		printf("%-28s %10.1f\n", res[k].key, res[k].ns);
	for (k = 0; k < 4; k++)
		printf("BENCH %s %.1f ns/op\n", res[k].key, res[k].ns);
	return 0;
}
