/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx example: the run loop of a paravisor (VTL2) on TDX, with the
 * #746 situation in it.
 *
 * One run page per VP is shared with the kernel that executes
 * TDG.VP.ENTER. Whatever VTL is entered next, the page must hold exactly
 * that VTL's private registers plus the shared ones. The store banks the
 * private registers per VTL and (un)stages them around every entry, so
 * entering VTL1 can never leave VTL1's RIP in VTL0's context.
 *
 * Exits 0 when every check holds (it runs as a test).
 */
#include <stdio.h>
#include <string.h>
#include <tdxcore/vtlctx.h>

#define PARAVISOR ((tdxc_vtlctx_vtl)2) /* the owner: caller VTL = n_vtls */

static _Alignas(64) unsigned char storage[8192];
static _Alignas(4096) unsigned char run_page[4096];

/* Read a little-endian u64 out of the run page (what the kernel does). */
static uint64_t page_u64(unsigned off)
{
	uint64_t v = 0;
	int i;
	for (i = 7; i >= 0; i--)
		v = v << 8 | run_page[off + (unsigned)i];
	return v;
}

/* Stand-in for the kernel + TDG.VP.ENTER: the guest runs a little, then
 * exits with a reason in the exit info. */
static void enter_guest(unsigned vtl)
{
	unsigned rip = 648; /* gpr_list.rip (tdxc_vtlctx_field_info) */
	uint64_t v = page_u64(rip) + 2;
	int i;
	for (i = 0; i < 8; i++)
		run_page[rip + (unsigned)i] = (unsigned char)(v >> (8 * i));
	/* exit_info RAX = "exit reason" 30 + vtl; clear the flush request
	 * (bits 1:0 of the entry RCX), as the kernel does once it is done */
	run_page[TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET] = (unsigned char)(30 + vtl);
	run_page[TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET] &= (unsigned char)~3u;
}

#define CHECK(x)                                                              \
	do {                                                                  \
		if (!(x)) {                                                   \
			fprintf(stderr, "check failed: %s (line %d)\n", #x, __LINE__); \
			return 1;                                             \
		}                                                             \
	} while (0)

int main(void)
{
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *vp;
	size_t need;
	uint64_t v;
	int round;

	/* 1. Describe the VP: two guest VTLs, TDX-style staging, DR6 shared
	 *    (what HvRegisterVsmCapabilities reports on TDX). */
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.n_vtls = 2;
	p.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	p.caps = TDXC_VTLCTX_CAP_DR6_SHARED;
	CHECK(tdxc_vtlctx_storage_size(&p, &need) == 0 && need <= sizeof(storage));
	CHECK(tdxc_vtlctx_init(storage, need, &p, NULL, &vp) == 0);

	/* 2. The guest enables VTL1 (HvCallEnableVpVtl); set both contexts. */
	CHECK(tdxc_vtlctx_enable(vp, 1) == 0);
	CHECK(tdxc_vtlctx_set(vp, PARAVISOR, 0, TDXC_VTLCTX_F_RIP, 0xA000) == 0);
	CHECK(tdxc_vtlctx_set(vp, PARAVISOR, 1, TDXC_VTLCTX_F_RIP, 0xB000) == 0);
	CHECK(tdxc_vtlctx_set(vp, PARAVISOR, 0, TDXC_VTLCTX_F_RAX, 7) == 0);

	/* 3. The run loop: VTL0, a VTL call into VTL1, VTL return, VTL0. */
	for (round = 0; round < 3; round++) {
		unsigned vtl = round == 1 ? 1u : 0u;
		CHECK(tdxc_vtlctx_stage(vp, (tdxc_vtlctx_vtl)vtl, run_page,
					sizeof(run_page)) == 0);
		/* The page names the L2 VM: VM index = VTL + 1. */
		CHECK(page_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET) >> 52 == vtl + 1);
		enter_guest(vtl);
		CHECK(tdxc_vtlctx_unstage(vp, (tdxc_vtlctx_vtl)vtl, run_page) == 0);
		/* Exit info is readable now, for the VTL that ran only. */
		CHECK(tdxc_vtlctx_get(vp, PARAVISOR, (tdxc_vtlctx_vtl)vtl,
				      TDXC_VTLCTX_F_EXIT_RAX, &v) == 0 && v == 30 + vtl);
		CHECK(tdxc_vtlctx_get(vp, PARAVISOR, (tdxc_vtlctx_vtl)(vtl ^ 1u),
				      TDXC_VTLCTX_F_EXIT_RAX, &v) == TDXC_ESTATE);
		printf("entered VTL%u, exit reason %llu\n", vtl, (unsigned long long)v);
	}

	/* 4. Each VTL advanced only its own RIP; RAX is one shared register. */
	CHECK(tdxc_vtlctx_get(vp, PARAVISOR, 0, TDXC_VTLCTX_F_RIP, &v) == 0 && v == 0xA004);
	CHECK(tdxc_vtlctx_get(vp, PARAVISOR, 1, TDXC_VTLCTX_F_RIP, &v) == 0 && v == 0xB002);
	CHECK(tdxc_vtlctx_get(vp, PARAVISOR, 1, TDXC_VTLCTX_F_RAX, &v) == 0 && v == 7);

	/* 5. The policy: VTL1 may inspect VTL0, VTL0 may not inspect VTL1. */
	CHECK(tdxc_vtlctx_get(vp, 1, 0, TDXC_VTLCTX_F_RIP, &v) == 0);
	CHECK(tdxc_vtlctx_get(vp, 0, 1, TDXC_VTLCTX_F_RIP, &v) == TDXC_EPERM);

	/* 6. Save the VP (e.g. for servicing) and restore it. */
	{
		static unsigned char blob[4096];
		size_t n;
		CHECK(tdxc_vtlctx_save(vp, blob, sizeof(blob), &n) == 0);
		CHECK(tdxc_vtlctx_set(vp, PARAVISOR, 0, TDXC_VTLCTX_F_RIP, 0) == 0);
		CHECK(tdxc_vtlctx_restore(vp, blob, n) == 0);
		CHECK(tdxc_vtlctx_get(vp, PARAVISOR, 0, TDXC_VTLCTX_F_RIP, &v) == 0 &&
		      v == 0xA004);
		printf("saved and restored %zu bytes\n", n);
	}
	printf("ok\n");
	return 0;
}
