/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A VMM's CPUID(0xD) exit handler for a confidential guest, with
 * libtdxcore's xsave module.
 *
 * The host table would normally come from tdxc_xsave_info_from_host() or
 * from the VMM's own CPUID wrapper (tdxc_xsave_info_from_cpuid_fn()); here
 * it is a Sapphire Rapids class table written out by hand so that the
 * program behaves the same everywhere.
 */
#include <stdio.h>
#include <tdxcore/xsave.h>

/* Leaf 0xD of the host, in any order: the library sorts by component. */
static const struct tdxc_xsave_subleaf host_leaves[] = {
	{ 18, 8192, 0xb00, 6, 0 }, /* XTILEDATA: align64 + XFD */
	{ 17, 64, 0xac0, 2, 0 },   /* XTILECFG: align64 */
	{ 0, 0x602e7, 0x2b00, 0x2b00, 0 },
	{ 1, 0x1f, 0x2a80, 0xdd00, 0 },
	{ 2, 256, 0x240, 0, 0 },
	{ 5, 64, 0x440, 0, 0 },
	{ 6, 512, 0x480, 0, 0 },
	{ 7, 1024, 0x680, 0, 0 },
	{ 8, 128, 0, 1, 0 },
	{ 9, 8, 0xa80, 0, 0 },
	{ 10, 8, 0, 1, 0 },
	{ 11, 16, 0, 1, 0 }, /* CET_U: the small state that exposes bad ordering */
	{ 12, 24, 0, 1, 0 },
	{ 14, 48, 0, 1, 0 },
	{ 15, 808, 0, 1, 0 },
};

int main(void)
{
	struct tdxc_xsave_info host, guest;
	struct tdxc_xsave_guest_cfg cfg = { 0 };
	struct tdxc_xsave_linux_verdict verdict;
	struct tdxc_xsave_regs sl1;
	int rc;

	/* 1. Fill a table from the host's subleaves (fixed array, no hashing). */
	rc = tdxc_xsave_info_from_leaves(host_leaves,
					 sizeof(host_leaves) / sizeof(host_leaves[0]), &host);
	if (rc) {
		fprintf(stderr, "host table: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* 2. What the guest may use, and what it has loaded right now. A TDX
	 *    guest with AVX-512 and AMX, and CET_U as its only supervisor state. */
	cfg.size = sizeof(cfg);
	cfg.xcr0_allowed = 0x602e7;
	cfg.xss_allowed = 1u << TDXC_XSAVE_CET_U;
	cfg.caps_allowed = TDXC_XSAVE_CAP_ALL;
	cfg.guest_xcr0 = 0x600e7; /* guest left PKRU off */
	cfg.guest_xss = 1u << TDXC_XSAVE_CET_U;

	/* 3. On a CPUID(0xD, 1) exit: the answer for the current XCR0/XSS. */
	rc = tdxc_xsave_synth_leaf(&host, &cfg, 1, &sl1);
	if (rc) {
		fprintf(stderr, "synthesis: %s\n", tdxc_strerror(rc));
		return 1;
	}
	printf("guest CPUID(0xD,1): eax=%#x ebx=%u ecx=%#x edx=%#x\n", sl1.eax, sl1.ebx,
	       sl1.ecx, sl1.edx);

	/* 4. Before shipping a table, ask whether Linux would keep XSAVE on. */
	rc = tdxc_xsave_synth_info(&host, &cfg, &guest);
	if (!rc)
		rc = tdxc_xsave_linux_check(&guest, cfg.guest_xcr0, cfg.guest_xss, &verdict);
	if (rc) {
		fprintf(stderr, "check: %s\n", tdxc_strerror(rc));
		return 1;
	}
	printf("Linux guest: kernel size %u, CPUID size %u: %s\n", verdict.kernel_size,
	       verdict.cpuid_size, verdict.accepted ? "accepted" : "XSAVE disabled");

	/* 5. The value an unordered fold produced (CET_U summed last): caught. */
	guest.sl1_ebx = 10704;
	tdxc_xsave_linux_check(&guest, cfg.guest_xcr0, cfg.guest_xss, &verdict);
	printf("with SL1.EBX 10704: %s\n", verdict.accepted ? "accepted" : "XSAVE disabled");
	return verdict.accepted || sl1.ebx != 10752;
}
