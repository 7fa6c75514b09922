/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 1: XSAVE layouts (xsave module).
 *
 * The host CPU's leaf 0xD through libcpuid (a note when it is not there),
 * then what a VMM exposes to an AMX + CET guest. The guest's leaf is
 * synthesized from a built-in reference table so that the section behaves
 * the same on every machine. Linux checks the compacted size in SL1.EBX
 * against its own ascending-order computation; a VMM that summed the
 * components in hash-map order reported 10704 instead of 10752 and Linux
 * turned XSAVE off. Both are shown, with the library's diagnosis.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

/* A Sapphire Rapids class leaf 0xD (component sizes, offsets and flags are
 * architectural; written out by hand). */
static const struct tdxc_xsave_subleaf ref_leaves[] = {
	{ 0, 0x602e7, 0x2b00, 0x2b00, 0 },
	{ 1, 0x1f, 0x2a80, 0xdd00, 0 },
	{ 2, 256, 0x240, 0, 0 },
	{ 5, 64, 0x440, 0, 0 },
	{ 6, 512, 0x480, 0, 0 },
	{ 7, 1024, 0x680, 0, 0 },
	{ 8, 128, 0, 1, 0 },
	{ 9, 8, 0xa80, 0, 0 },
	{ 10, 8, 0, 1, 0 },
	{ 11, 16, 0, 1, 0 },
	{ 12, 24, 0, 1, 0 },
	{ 14, 48, 0, 1, 0 },
	{ 15, 808, 0, 1, 0 },
	{ 17, 64, 0xac0, 2, 0 },   /* XTILECFG: 64-byte aligned when compacted */
	{ 18, 8192, 0xb00, 6, 0 }, /* XTILEDATA: aligned, XFD-capable */
};

static void host_view(void)
{
	static struct tdxc_xsave_info host;
	static struct tdxc_xsave_report rep;
	struct tdxc_xsave_sizes sz;
	int rc = tdxc_xsave_info_from_host(&host);

	if (rc == TDXC_ENOTSUP || rc == TDXC_ENOTUSABLE) {
		demo_say("host CPU: not queried (%s: %s); the guest part below uses",
			 tdxc_strerror_name(rc),
			 rc == TDXC_ENOTSUP ? "this build has no libcpuid"
					    : "this CPU reports no XSAVE leaf");
		demo_say("the built-in reference table, so nothing depends on it");
		demo_fact_s("host", "unavailable");
		return;
	}
	if (rc) {
		demo_say("host CPU: leaf 0xD not read: %s", tdxc_strerror(rc));
		demo_fact_s("host", "error");
		return;
	}
	demo_fact_s("host", "read");
	demo_fact_u("host_xcr0_supported", host.xcr0_supported);
	rc = tdxc_xsave_sizes(&host, host.xcr0_supported, host.xss_supported, &sz);
	if (rc) {
		demo_say("host CPU: XCR0 0x%llx, sizes not computable: %s",
			 (unsigned long long)host.xcr0_supported, tdxc_strerror(rc));
		return;
	}
	demo_say("host CPU: XCR0 0x%llx, XSS 0x%llx: standard %u bytes, compacted %u "
		 "(%u without XFD)",
		 (unsigned long long)host.xcr0_supported,
		 (unsigned long long)host.xss_supported, sz.standard_max,
		 sz.compacted_max, sz.compacted_default);
	demo_fact_u("host_standard_size", sz.standard_max);
	rc = tdxc_xsave_validate(&host, 0, 0, 0, &rep);
	if (rc == 0)
		demo_say("host leaf 0xD is self-consistent (%u warnings)", rep.warnings);
	else if (rc > 0)
		demo_say("host leaf 0xD has %d problems, first: %s (a note only: "
			 "hypervisors sometimes report odd tables)",
			 rc, tdxc_xsave_problem_name(rep.problems[0].kind));
}

/*
 * The bug, reproduced: a VMM keeps the guest's components in a hash map
 * (16 buckets, Fibonacci hashing, as a typical map does) and folds the
 * compacted size over it in iteration order, applying each component's
 * 64-byte alignment as it goes. The order is not ascending, so the
 * alignment padding lands elsewhere.
 */
static uint32_t hash_order_size(const struct tdxc_xsave_info *g, uint64_t mask)
{
	uint32_t bucket[16][4], n[16] = { 0 }, size = TDXC_XSAVE_MIN_SIZE;
	uint32_t c, b, i;

	for (c = 2; c < 63; c++)
		if (mask >> c & 1) {
			b = (uint32_t)(c * 0x9E3779B9u) >> 28;
			if (n[b] < 4)
				bucket[b][n[b]++] = c;
		}
	for (b = 0; b < 16; b++)
		for (i = 0; i < n[b]; i++) {
			const struct tdxc_xsave_regs *r = &g->comp[bucket[b][i]];
			if (r->ecx & TDXC_XSAVE_ECX_ALIGN64)
				size = (size + 63) & ~63u;
			size += r->eax;
		}
	return size;
}

void demo_xsave(void)
{
	static struct tdxc_xsave_info ref, guest, bad;
	static struct tdxc_xsave_report rep;
	struct tdxc_xsave_guest_cfg cfg;
	struct tdxc_xsave_linux_verdict good_v, bad_v;
	const struct tdxc_xsave_problem *p = NULL;
	uint32_t i, b, hashed;
	char causes[96] = "";
	int rc;

	demo_section("xsave", "XSAVE: the host CPU, and leaf 0xD for an AMX + CET guest");
	host_view();

	rc = tdxc_xsave_info_from_leaves(ref_leaves, sizeof(ref_leaves) / sizeof(ref_leaves[0]),
					 &ref);
	if (!demo_expect_rc(rc, 0, "tdxc_xsave_info_from_leaves")) {
		demo_verdict(0, "reference table rejected");
		return;
	}

	/* The guest may use AVX-512, PKRU and AMX, with CET_U as its only
	 * supervisor state; it has loaded everything but PKRU. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.xcr0_allowed = 0x602e7;
	cfg.xss_allowed = UINT64_C(1) << TDXC_XSAVE_CET_U;
	cfg.caps_allowed = TDXC_XSAVE_CAP_ALL;
	cfg.guest_xcr0 = 0x600e7;
	cfg.guest_xss = UINT64_C(1) << TDXC_XSAVE_CET_U;
	rc = tdxc_xsave_synth_info(&ref, &cfg, &guest);
	if (!demo_expect_rc(rc, 0, "tdxc_xsave_synth_info")) {
		demo_verdict(0, "guest leaf not synthesized");
		return;
	}
	demo_say("guest (AVX-512, AMX, CET_U; XCR0 0x%llx): synthesized SL0.EBX %u, "
		 "SL1.EBX %u",
		 (unsigned long long)cfg.guest_xcr0, guest.sl0_ebx, guest.sl1_ebx);
	rc = tdxc_xsave_linux_check(&guest, cfg.guest_xcr0, cfg.guest_xss, &good_v);
	demo_expect_rc(rc, 0, "tdxc_xsave_linux_check");
	demo_expect(good_v.accepted == 1 && good_v.cpuid_size == good_v.kernel_size,
			  "Linux accepts the synthesized leaf");
	demo_say("Linux guest check: kernel computes %u, CPUID says %u -> %s",
		 good_v.kernel_size, good_v.cpuid_size,
		 good_v.accepted ? "XSAVE stays on" : "XSAVE disabled");
	demo_fact_u("guest_sl1_ebx", guest.sl1_ebx);
	demo_fact_u("linux_accepts_guest", good_v.accepted);

	/* Same guest, SL1.EBX from the hash-map fold. */
	hashed = hash_order_size(&guest, cfg.guest_xcr0 | cfg.guest_xss);
	bad = guest;
	bad.sl1_ebx = hashed;
	rc = tdxc_xsave_linux_check(&bad, cfg.guest_xcr0, cfg.guest_xss, &bad_v);
	demo_expect_rc(rc, 0, "tdxc_xsave_linux_check (hash order)");
	demo_expect(bad_v.accepted == 0, "Linux rejects the hash-order size");
	demo_say("hash-map-order sum gives SL1.EBX %u -> Linux: %s", hashed,
		 bad_v.accepted ? "accepted" : "\"XSAVE consistency problem\", XSAVE disabled");
	demo_fact_u("hash_order_sl1_ebx", hashed);
	demo_fact_u("linux_accepts_hash_order", bad_v.accepted);

	/* What the library's validator says about that table. */
	rc = tdxc_xsave_validate(&bad, TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED,
				 cfg.guest_xcr0, cfg.guest_xss, &rep);
	demo_expect(rc > 0, "the validator reports an error");
	for (i = 0; i < rep.stored; i++)
		if (rep.problems[i].kind == TDXC_XSAVE_P_SL1_EBX)
			p = &rep.problems[i];
	if (demo_expect(p != NULL, "the validator names SL1.EBX")) {
		for (b = 0; b < 32; b++)
			if (p->causes >> b & 1) {
				size_t l = strlen(causes);
				snprintf(causes + l, sizeof(causes) - l, "%s%s", l ? ", " : "",
					 tdxc_xsave_cause_name(1u << b));
			}
		demo_say("diagnosis: %s expected %llu, found %llu", tdxc_xsave_problem_name(p->kind),
			 (unsigned long long)p->expected, (unsigned long long)p->found);
		demo_say("causes reproducing %llu: %s%s%s%s",
			 (unsigned long long)p->found, causes[0] ? causes : "none found",
			 p->causes & TDXC_XSAVE_CAUSE_OUT_OF_ORDER ? " (" : "",
			 p->causes & TDXC_XSAVE_CAUSE_OUT_OF_ORDER
				 ? tdxc_xsave_component_name(p->moved) : "",
			 p->causes & TDXC_XSAVE_CAUSE_OUT_OF_ORDER ? " summed last)" : "");
		demo_expect(p->expected == guest.sl1_ebx && p->found == hashed &&
					  p->causes != 0,
				  "the diagnosis reproduces the wrong size");
		demo_fact_s("diagnosis", causes);
	}
	demo_verdict(0, "guest leaf accepted by Linux (%u bytes); hash-order %u rejected "
		     "and diagnosed", guest.sl1_ebx, hashed);
}
