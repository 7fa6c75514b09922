/* SPDX-License-Identifier: BSD-2-Clause */
/* Validation with diagnosis, guest leaf synthesis and the Linux check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/xsave.h>
#include "tables.h"

#define BOTH (TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED)

static struct tdxc_xsave_info load(const struct tdxc_xsave_subleaf *t, size_t n)
{
	struct tdxc_xsave_info info;
	assert_int_equal(tdxc_xsave_info_from_leaves(t, n, &info), 0);
	return info;
}
#define LOAD(t) load((t), NSUB(t))

static struct tdxc_xsave_report rep;

static int run(const struct tdxc_xsave_info *i, uint32_t f, uint64_t x, uint64_t s)
{
	return tdxc_xsave_validate(i, f, x, s, &rep);
}

/* The one stored problem of a kind (fails if absent or repeated). */
static const struct tdxc_xsave_problem *find(uint32_t kind)
{
	const struct tdxc_xsave_problem *p = NULL;
	uint32_t k;
	for (k = 0; k < rep.stored; k++) {
		if (rep.problems[k].kind == kind) {
			assert_null(p);
			p = &rep.problems[k];
		}
	}
	assert_non_null(p);
	return p;
}

static void test_clean_tables(void **st)
{
	struct tdxc_xsave_info i;
	(void)st;
	i = LOAD(t_spr);
	assert_int_equal(run(&i, 0, 0, 0), 0);
	assert_int_equal(rep.total, 0);
	assert_int_equal(run(&i, BOTH, 0x602e7, 0x100), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_adl);
	assert_int_equal(run(&i, BOTH, 0x207, 0x19900), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_skx);
	assert_int_equal(run(&i, BOTH, 0x2ff, 0x100), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_zen4);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 0xe7, 0), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_zen2);
	assert_int_equal(run(&i, BOTH, 0x207, 0), 0);
	i = LOAD(t_lwp);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 0x7, 0), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_apx);
	assert_int_equal(run(&i, 0, 0, 0), 0);
	assert_int_equal(rep.total, 0);
	i = LOAD(t_legacy);
	assert_int_equal(run(&i, 0, 0, 0), 0);
}

static void test_708_diagnosis(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	const struct tdxc_xsave_problem *p;
	(void)st;
	i.sl1_ebx = 10704; /* what the hash-ordered fold reported (0x29d0) */
	i.sl0_ebx = 11008;
	assert_int_equal(run(&i, BOTH, 0x600e7, 0x800), 1);
	p = find(TDXC_XSAVE_P_SL1_EBX);
	assert_int_equal(p->expected, 10752);
	assert_int_equal(p->found, 10704);
	assert_int_equal(p->component, TDXC_XSAVE_NO_COMPONENT);
	assert_int_equal(p->severity, TDXC_XSAVE_SEV_ERROR);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_ALIGN_IGNORED);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_USER_FIRST);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_OUT_OF_ORDER);
	assert_int_equal(p->moved, TDXC_XSAVE_CET_U);
	assert_false(p->causes & TDXC_XSAVE_CAUSE_MISSING);
	/* With PKRU: 10768, alignment is not the explanation any more. */
	i.sl1_ebx = 10768;
	assert_int_equal(run(&i, BOTH, 0x602e7, 0x800), 1);
	p = find(TDXC_XSAVE_P_SL1_EBX);
	assert_int_equal(p->expected, 10752);
	assert_int_equal(p->causes, TDXC_XSAVE_CAUSE_OUT_OF_ORDER | TDXC_XSAVE_CAUSE_USER_FIRST);
	assert_int_equal(p->moved, TDXC_XSAVE_CET_U);
	/* Without knowing the loaded masks SL1.EBX is not judged. */
	assert_int_equal(run(&i, 0, 0, 0), 0);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 0x602e7, 0), 0);
}

static void test_size_causes(void **st)
{
	struct tdxc_xsave_info i;
	const struct tdxc_xsave_problem *p;
	uint32_t v;
	(void)st;
	/* SL1.EBX computed without a supervisor component (LBR left out). */
	i = LOAD(t_spr);
	assert_int_equal(tdxc_xsave_compacted_size(&i, 0x602e7 | (0xdd00 & ~0x8000ull), &v), 0);
	i.sl1_ebx = v;
	assert_int_equal(run(&i, BOTH, 0x602e7, 0xdd00), 1);
	p = find(TDXC_XSAVE_P_SL1_EBX);
	assert_int_equal(p->expected, 11776);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_MISSING);
	assert_int_equal(p->missing, TDXC_XSAVE_LBR);
	/* ... and with XSS ignored entirely */
	i.sl1_ebx = 10752;
	assert_int_equal(run(&i, BOTH, 0x602e7, 0xdd00), 1);
	assert_true(find(TDXC_XSAVE_P_SL1_EBX)->causes & TDXC_XSAVE_CAUSE_XSS_IGNORED);
	/* an extra component counted */
	i.sl1_ebx = 10880; /* = XCR0 | PT */
	assert_int_equal(run(&i, BOTH, 0x602e7, 0), 1);
	p = find(TDXC_XSAVE_P_SL1_EBX);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_EXTRA);
	/* rounded up to a page */
	i.sl1_ebx = 12288;
	assert_int_equal(run(&i, BOTH, 0x602e7, 0xdd00), 1);
	assert_int_equal(find(TDXC_XSAVE_P_SL1_EBX)->causes, TDXC_XSAVE_CAUSE_ROUNDED);
	/* SL0.EBX holding the compacted size of the loaded XCR0 */
	i = LOAD(t_skx);
	i.sl0_ebx = 2568;
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 0x2ff, 0), 1);
	p = find(TDXC_XSAVE_P_SL0_EBX);
	assert_int_equal(p->expected, 2696);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_OTHER_FORMAT);
	/* SL0.ECX as "end of the highest index" (APX out of order) */
	i = LOAD(t_apx);
	i.sl0_ecx = 1088;
	assert_int_equal(run(&i, 0, 0, 0), 1 + 1); /* + PKRU beyond the area */
	p = find(TDXC_XSAVE_P_SL0_ECX);
	assert_int_equal(p->expected, 2696);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_HIGHEST_END);
	p = find(TDXC_XSAVE_P_BEYOND_AREA);
	assert_int_equal(p->component, TDXC_XSAVE_PKRU);
	assert_int_equal(p->expected, 1088);
	assert_int_equal(p->found, 2696);
	/* SL0.ECX missing a component */
	i = LOAD(t_zen4);
	i.sl0_ecx = 2432;
	i.sl0_ebx = 2432;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_SL0_ECX);
	assert_true(p->causes & TDXC_XSAVE_CAUSE_MISSING);
	assert_int_equal(p->missing, TDXC_XSAVE_PKRU);
	/* WSL: SL1.EBX = 0 with XSAVEC advertised, loaded masks unknown */
	i = LOAD(t_zen2);
	i.sl1_ebx = 0;
	assert_int_equal(run(&i, 0, 0, 0), 1);
	p = find(TDXC_XSAVE_P_SL1_EBX_ZERO);
	assert_int_equal(p->expected, 576);
	assert_int_equal(run(&i, BOTH, 0x207, 0), 1);
	assert_int_equal(find(TDXC_XSAVE_P_SL1_EBX_ZERO)->expected, 896);
}

static void test_component_problems(void **st)
{
	struct tdxc_xsave_info i;
	const struct tdxc_xsave_problem *p;
	(void)st;
	/* subleaf missing (igvm-tooling #60: CET subleaves absent) */
	i = LOAD(t_zen4);
	i.present &= ~(1ull << 11);
	i.comp[11].eax = 0;
	i.comp[11].ecx = 0;
	assert_int_equal(run(&i, 0, 0, 0), 1);
	p = find(TDXC_XSAVE_P_MISSING_SUBLEAF);
	assert_int_equal(p->component, 11);
	/* zero size */
	i = LOAD(t_zen4);
	i.comp[12].eax = 0;
	assert_int_equal(run(&i, 0, 0, 0), 1);
	assert_int_equal(find(TDXC_XSAVE_P_ZERO_SIZE)->component, 12);
	/* supervisor bit set on a user component, and with a standard offset */
	i = LOAD(t_spr);
	i.comp[9].ecx = 1;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_SUPERVISOR_FLAG);
	assert_int_equal(p->component, 9);
	assert_int_equal(p->expected, 0);
	assert_int_equal(p->found, 1);
	i = LOAD(t_spr);
	i.comp[11].ebx = 0xa88;
	assert_int_equal(run(&i, 0, 0, 0), 1);
	p = find(TDXC_XSAVE_P_SUPERVISOR_WITH_OFFSET);
	assert_int_equal(p->component, 11);
	assert_int_equal(p->found, 0xa88);
	/* user component without a standard offset / inside the legacy area */
	i = LOAD(t_spr);
	i.comp[9].ebx = 0;
	run(&i, 0, 0, 0);
	assert_int_equal(find(TDXC_XSAVE_P_USER_WITHOUT_OFFSET)->component, 9);
	i.comp[9].ebx = 0x200;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_OFFSET_IN_LEGACY);
	assert_int_equal(p->found, 0x200);
	/* overlapping standard ranges */
	i = LOAD(t_spr);
	i.comp[9].ebx = 0x690;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_OVERLAP);
	assert_int_equal(p->component, 9);
	assert_int_equal(p->related, 7);
	assert_int_equal(p->expected, 0xa80);
	assert_int_equal(p->found, 0x690);
	/* 32-bit overflow of offset + size */
	i = LOAD(t_spr);
	i.comp[9].eax = 0xfffffff0u;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_OFFSET_OVERFLOW);
	assert_int_equal(p->component, 9);
	assert_int_equal(p->found, 0xa80ull + 0xfffffff0u);
	/* APX together with MPX: one finding, not an overlap */
	i = LOAD(t_skx);
	i.xcr0_supported |= 1ull << 19;
	i.present |= 1ull << 19;
	i.comp[19].eax = 128;
	i.comp[19].ebx = 0x3c0;
	assert_int_equal(run(&i, 0, 0, 0), 1);
	p = find(TDXC_XSAVE_P_APX_WITH_MPX);
	assert_int_equal(p->component, 19);
	assert_int_equal(p->related, 3);
	/* mask conflicts and x87/SSE not advertised */
	i = LOAD(t_zen4);
	i.xss_supported |= 0x200;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_MASK_CONFLICT);
	assert_int_equal(p->component, 9);
	assert_int_equal(p->found, 3);
	i = LOAD(t_zen4);
	i.xcr0_supported &= ~2ull;
	run(&i, 0, 0, 0);
	p = find(TDXC_XSAVE_P_LEGACY_UNSUPPORTED);
	assert_int_equal(p->found, 1);
	/* warnings: unusual size, reserved bits, unadvertised, align w/o XSAVEC */
	i = LOAD(t_zen2);
	i.comp[9].eax = 72;
	i.comp[2].edx = 5;
	i.present |= 1ull << 30;
	i.comp[30].eax = 64;
	i.comp[9].ecx = 2;
	i.sl1_eax = 1;
	assert_int_equal(run(&i, 0, 0, 0), 2); /* SL0.ECX and PKRU past it */
	assert_int_equal(find(TDXC_XSAVE_P_BEYOND_AREA)->found, 904);
	assert_int_equal(rep.warnings, 4);
	assert_int_equal(find(TDXC_XSAVE_P_UNUSUAL_SIZE)->found, 72);
	assert_int_equal(find(TDXC_XSAVE_P_RESERVED_BITS)->found, 5ull << 32);
	assert_int_equal(find(TDXC_XSAVE_P_UNADVERTISED)->component, 30);
	assert_int_equal(find(TDXC_XSAVE_P_ALIGN_WITHOUT_COMPACTION)->component, 9);
	assert_int_equal(find(TDXC_XSAVE_P_SL0_ECX)->expected, 904);
}

static void test_capacity_and_errors(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_legacy);
	struct tdxc_xsave_report before;
	uint32_t k;
	(void)st;
	i.xcr0_supported = ~0ull; /* everything advertised, nothing present */
	i.xss_supported = ~0ull;
	assert_true(run(&i, 0, 0, 0) > 64);
	assert_int_equal(rep.stored, TDXC_XSAVE_MAX_PROBLEMS);
	assert_true(rep.total > rep.stored);
	assert_int_equal(rep.total, rep.errors + rep.warnings);
	for (k = 0; k < rep.stored; k++)
		assert_string_not_equal(tdxc_xsave_problem_name(rep.problems[k].kind), "unknown");

	i = LOAD(t_spr);
	memset(&before, 0x5c, sizeof(before));
	rep = before;
	assert_int_equal(run(&i, 4, 0, 0), TDXC_EFLAGS);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 1ull << 20, 0), TDXC_EFLAGS);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XCR0_LOADED, 0x800, 0), TDXC_EFLAGS);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XSS_LOADED, 0, 0x1), TDXC_EFLAGS);
	assert_int_equal(run(&i, TDXC_XSAVE_VF_XSS_LOADED, 0, 0x200), TDXC_EFLAGS);
	assert_int_equal(run(NULL, 0, 0, 0), TDXC_EINVAL);
	assert_memory_equal(&rep, &before, sizeof(rep));
	assert_int_equal(tdxc_xsave_validate(&i, 0, 0, 0, NULL), TDXC_EINVAL);

	assert_string_equal(tdxc_xsave_problem_name(TDXC_XSAVE_P_SL1_EBX), "sl1_ebx");
	assert_string_equal(tdxc_xsave_problem_name(0), "unknown");
	assert_string_equal(tdxc_xsave_problem_name(999), "unknown");
	assert_string_equal(tdxc_xsave_cause_name(TDXC_XSAVE_CAUSE_ALIGN_IGNORED), "align_ignored");
	assert_string_equal(tdxc_xsave_cause_name(TDXC_XSAVE_CAUSE_ROUNDED), "rounded");
	assert_string_equal(tdxc_xsave_cause_name(3), "unknown");
	assert_string_equal(tdxc_xsave_cause_name(1u << 20), "unknown");
	assert_string_equal(tdxc_xsave_cause_name(0), "unknown");
}

/* ---- synthesis --------------------------------------------------------- */

static struct tdxc_xsave_guest_cfg tdx_cfg(void)
{
	struct tdxc_xsave_guest_cfg c;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.xcr0_allowed = 0x602e7;
	c.xss_allowed = 0x800;
	c.caps_allowed = 0x1f;
	c.guest_xcr0 = 0x600e7;
	c.guest_xss = 0x800;
	return c;
}

static void test_synth_708(void **st)
{
	struct tdxc_xsave_info host = LOAD(t_spr), g;
	struct tdxc_xsave_guest_cfg c = tdx_cfg();
	struct tdxc_xsave_linux_verdict v;
	struct tdxc_xsave_regs r;
	uint32_t s;
	(void)st;
	assert_int_equal(tdxc_xsave_synth_info(&host, &c, &g), 0);
	assert_true(g.xcr0_supported == 0x602e7 && g.xss_supported == 0x800);
	assert_int_equal(g.sl0_ecx, 11008);
	assert_int_equal(g.sl0_ebx, 11008);
	assert_int_equal(g.sl1_ebx, 10752);
	assert_int_equal(g.sl1_eax, 0x1f);
	assert_int_equal(g.comp[8].eax | g.comp[8].ecx, 0);   /* PT hidden */
	assert_int_equal(g.comp[15].eax | g.comp[15].ecx, 0); /* LBR hidden */
	assert_int_equal(g.comp[11].eax, 16);
	assert_int_equal(g.comp[11].ecx, 1);
	assert_int_equal(g.comp[18].ecx, 6);
	assert_int_equal(tdxc_xsave_linux_check(&g, 0x600e7, 0x800, &v), 0);
	assert_int_equal(v.accepted, 1);
	assert_int_equal(v.compacted, 1);
	assert_int_equal(v.kernel_size, 10752);
	assert_int_equal(v.cpuid_size, 10752);
	/* the synthesised view passes validation for the loaded masks */
	assert_int_equal(run(&g, BOTH, 0x600e7, 0x800), 0);
	assert_int_equal(rep.total, 0);
	/* the buggy value: Linux refuses ("size 10752 != kernel_size 10704") */
	g.sl1_ebx = 10704;
	assert_int_equal(tdxc_xsave_linux_check(&g, 0x600e7, 0x800, &v), 0);
	assert_int_equal(v.accepted, 0);
	assert_int_equal(v.kernel_size, 10752);
	assert_int_equal(v.cpuid_size, 10704);
	/* one subleaf at a time equals the whole table */
	assert_int_equal(tdxc_xsave_synth_info(&host, &c, &g), 0);
	for (s = 0; s < 64; s++) {
		struct tdxc_xsave_regs w;
		assert_int_equal(tdxc_xsave_synth_leaf(&host, &c, s, &r), 0);
		assert_int_equal(tdxc_xsave_info_get_leaf(&g, s, &w), 0);
		assert_memory_equal(&r, &w, sizeof(r));
	}
	assert_int_equal(tdxc_xsave_synth_leaf(&host, &c, 1, &r), 0);
	assert_int_equal(r.ebx, 10752);
	assert_int_equal(r.ecx, 0x800);
}

static void test_synth_follows_guest(void **st)
{
	struct tdxc_xsave_info host = LOAD(t_spr), g;
	struct tdxc_xsave_guest_cfg c = tdx_cfg();
	static const uint64_t xcr0s[] = { 0x3, 0x7, 0xe7, 0x200e7, 0x602e7 };
	unsigned k;
	uint32_t want;
	(void)st;
	for (k = 0; k < NSUB(xcr0s); k++) {
		unsigned xs;
		for (xs = 0; xs < 2; xs++) {
			c.guest_xcr0 = xcr0s[k];
			c.guest_xss = xs ? 0x800 : 0;
			assert_int_equal(tdxc_xsave_synth_info(&host, &c, &g), 0);
			assert_int_equal(tdxc_xsave_standard_size(&host, c.guest_xcr0, &want), 0);
			assert_int_equal(g.sl0_ebx, want);
			assert_int_equal(tdxc_xsave_compacted_size(&host, c.guest_xcr0 | c.guest_xss, &want), 0);
			assert_int_equal(g.sl1_ebx, want);
			assert_int_equal(g.sl0_ecx, 11008);
		}
	}
	/* no XSAVEC: ALIGN64 hidden; no XFD: XFD bit hidden; SL1.EBX 0 */
	c = tdx_cfg();
	c.caps_allowed = TDXC_XSAVE_CAP_XSAVEOPT;
	c.xss_allowed = c.guest_xss = 0;
	assert_int_equal(tdxc_xsave_synth_info(&host, &c, &g), 0);
	assert_int_equal(g.comp[17].ecx, 0);
	assert_int_equal(g.comp[18].ecx, 0);
	assert_int_equal(g.sl1_ebx, 0);
	c.caps_allowed = TDXC_XSAVE_CAP_XSAVEOPT | TDXC_XSAVE_CAP_XSAVEC;
	assert_int_equal(tdxc_xsave_synth_info(&host, &c, &g), 0);
	assert_int_equal(g.comp[17].ecx, 2);
	assert_int_equal(g.comp[18].ecx, 2);
	assert_int_equal(g.sl1_ebx, 10688); /* XCR0 0x600e7 only: 2432, 2496 + 8192 */
}

static void expect_synth(const struct tdxc_xsave_info *host,
			 const struct tdxc_xsave_guest_cfg *c, int err)
{
	struct tdxc_xsave_info g, before;
	struct tdxc_xsave_regs r, rb;
	memset(&before, 0x3c, sizeof(before));
	g = before;
	assert_int_equal(tdxc_xsave_synth_info(host, c, &g), err);
	assert_memory_equal(&g, &before, sizeof(g));
	memset(&rb, 0x3c, sizeof(rb));
	r = rb;
	assert_int_equal(tdxc_xsave_synth_leaf(host, c, 0, &r), err);
	assert_memory_equal(&r, &rb, sizeof(r));
}

static void test_synth_errors(void **st)
{
	struct tdxc_xsave_info host = LOAD(t_spr), zen4 = LOAD(t_zen4), g;
	struct tdxc_xsave_guest_cfg c;
	struct tdxc_xsave_regs r;
	unsigned char big[sizeof(c) + 8];
	(void)st;
	c = tdx_cfg(); c.size = 8;                expect_synth(&host, &c, TDXC_ESIZE);
	c = tdx_cfg(); c.flags = 1;               expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.reserved = 1;            expect_synth(&host, &c, TDXC_ERESERVED);
	c = tdx_cfg(); c.xcr0_allowed |= 1 << 20; expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.xss_allowed |= 1 << 20;  expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.caps_allowed |= 1 << 5;  expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.xcr0_allowed = 0x2e7; c.guest_xcr0 = 0xe7;
	expect_synth(&zen4, &c, TDXC_EFLAGS); /* XFD cap not on the host */
	c.caps_allowed = 0xf;
	assert_int_equal(tdxc_xsave_synth_info(&zen4, &c, &g), 0);
	c = tdx_cfg(); c.guest_xcr0 |= 0x200000;  expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.guest_xcr0 = 0x602e7; c.xcr0_allowed = 0x600e7; expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.guest_xss = 0x1000;      expect_synth(&host, &c, TDXC_EFLAGS);
	c = tdx_cfg(); c.xcr0_allowed &= ~2ull; c.guest_xcr0 &= ~2ull; expect_synth(&host, &c, TDXC_EINVAL);
	c = tdx_cfg(); c.caps_allowed = 0x7;      expect_synth(&host, &c, TDXC_EINVAL);
	c = tdx_cfg(); host.present &= ~(1ull << 11); expect_synth(&host, &c, TDXC_ENOENT);
	host = LOAD(t_spr);
	c = tdx_cfg(); host.comp[18].eax = 0;     expect_synth(&host, &c, TDXC_ECORRUPT);
	host = LOAD(t_spr);
	c = tdx_cfg(); host.comp[11].ecx = 0; host.xss_supported &= ~0x800ull; host.xcr0_supported |= 0x800;
	c.xss_allowed = 0; c.guest_xss = 0; c.xcr0_allowed |= 0x800;
	expect_synth(&host, &c, TDXC_ECORRUPT); /* user component without offset */
	host = LOAD(t_spr);
	/* a newer, larger descriptor: zero tail accepted, non-zero refused */
	c = tdx_cfg();
	memset(big, 0, sizeof(big));
	c.size = sizeof(big);
	memcpy(big, &c, sizeof(c));
	assert_int_equal(tdxc_xsave_synth_info(&host, (const void *)big, &g), 0);
	big[sizeof(c) + 3] = 1;
	expect_synth(&host, (const void *)big, TDXC_ERESERVED);
	c = tdx_cfg();
	assert_int_equal(tdxc_xsave_synth_leaf(&host, &c, 64, &r), TDXC_ERANGE);
	assert_int_equal(tdxc_xsave_synth_leaf(NULL, &c, 0, &r), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_synth_leaf(&host, NULL, 0, &r), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_synth_leaf(&host, &c, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_synth_info(NULL, &c, &g), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_synth_info(&host, NULL, &g), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_synth_info(&host, &c, NULL), TDXC_EINVAL);
}

static void test_linux_check_errors(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	struct tdxc_xsave_linux_verdict v, before;
	(void)st;
	memset(&before, 0x21, sizeof(before));
	v = before;
	assert_int_equal(tdxc_xsave_linux_check(&i, 1ull << 20, 0, &v), TDXC_EFLAGS);
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x7, 1ull << 20, &v), TDXC_EFLAGS);
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x7 | 0x800, 0, &v), TDXC_EFLAGS);
	i.comp[2].eax = 0;
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x7, 0, &v), TDXC_ECORRUPT);
	i = LOAD(t_spr);
	i.sl1_eax = 0x3; /* XSAVEC without XSAVES */
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x7, 0x800, &v), TDXC_EFLAGS);
	assert_int_equal(tdxc_xsave_linux_check(NULL, 0x7, 0, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x7, 0, NULL), TDXC_EINVAL);
	assert_memory_equal(&v, &before, sizeof(v));
	/* standard-only view (no XSAVEC/XSAVES): SL0.EBX decides */
	i = LOAD(t_zen2);
	i.sl1_eax = 1;
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x207, 0, &v), 0);
	assert_int_equal(v.compacted, 0);
	assert_int_equal(v.accepted, 1);
	i.sl0_ebx = 832;
	assert_int_equal(tdxc_xsave_linux_check(&i, 0x207, 0, &v), 0);
	assert_int_equal(v.accepted, 0);
	assert_int_equal(v.kernel_size, 896);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_tables),
		cmocka_unit_test(test_708_diagnosis),
		cmocka_unit_test(test_size_causes),
		cmocka_unit_test(test_component_problems),
		cmocka_unit_test(test_capacity_and_errors),
		cmocka_unit_test(test_synth_708),
		cmocka_unit_test(test_synth_follows_guest),
		cmocka_unit_test(test_synth_errors),
		cmocka_unit_test(test_linux_check_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
