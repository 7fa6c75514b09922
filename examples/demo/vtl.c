/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 3: one VP with VTL0 and VTL1 (vtlctx module).
 *
 * The paravisor (the store's owner, "VTL2") keeps a context page per VTL,
 * as SEV-SNP has a VMSA per VMPL. Registers are written in each VTL; a VTL
 * switch carries exactly the shared registers to the other page and never
 * a private one, so VTL0's RIP/CR3 cannot leak into VTL1 or back.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define OWNER ((tdxc_vtlctx_vtl)2)

static uint64_t get(struct tdxc_vtlctx *vp, unsigned vtl, uint32_t field)
{
	uint64_t v = 0;
	int rc = tdxc_vtlctx_get(vp, OWNER, (tdxc_vtlctx_vtl)vtl, field, &v);
	demo_expect_rc(rc, 0, tdxc_vtlctx_field_name(field));
	return v;
}

static void set(struct tdxc_vtlctx *vp, unsigned vtl, uint32_t field, uint64_t v)
{
	demo_expect_rc(tdxc_vtlctx_set(vp, OWNER, (tdxc_vtlctx_vtl)vtl, field, v), 0,
		       tdxc_vtlctx_field_name(field));
}

void demo_vtl(struct demo_vm *vm)
{
	static _Alignas(8) uint8_t storage[16384];
	static _Alignas(4096) uint8_t pages[2][TDXC_VTLCTX_PAGE_SIZE];
	void *page_ptrs[2] = { pages[0], pages[1] };
	struct tdxc_vtlctx_params *p = &vm->vp_params;
	struct tdxc_vtlctx *vp;
	uint64_t v;
	size_t need = 0;
	int rc;

	demo_section("vtl", "VTLs: one VP, VTL0 and VTL1 contexts, a switch");

	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->n_vtls = 2;
	p->backend = TDXC_VTLCTX_BACKEND_PER_VTL_PAGE;
	rc = tdxc_vtlctx_storage_size(p, &need);
	if (!demo_expect_rc(rc, 0, "tdxc_vtlctx_storage_size") ||
	    !demo_expect(need <= sizeof(storage), "store fits its static storage") ||
	    !demo_expect_rc(tdxc_vtlctx_init(storage, need, p, page_ptrs, &vp), 0,
			    "tdxc_vtlctx_init")) {
		demo_verdict(0, "store not created");
		return;
	}
	demo_expect_rc(tdxc_vtlctx_enable(vp, 1), 0, "enable VTL1");
	demo_say("store: %zu bytes of caller storage + one 4 KiB page per VTL; VTL1 enabled",
		 need);

	/* The kernel in VTL0 and the secure kernel in VTL1 each have their own
	 * instruction pointer, stack and page tables; RAX is one register. */
	set(vp, 0, TDXC_VTLCTX_F_RIP, 0xffffffff81000000ull);
	set(vp, 0, TDXC_VTLCTX_F_RSP, 0xffffc90000004000ull);
	set(vp, 0, TDXC_VTLCTX_F_CR3, 0x1000000);
	set(vp, 1, TDXC_VTLCTX_F_RIP, 0xfffff80000100000ull);
	set(vp, 1, TDXC_VTLCTX_F_RSP, 0xfffff80000200000ull);
	set(vp, 1, TDXC_VTLCTX_F_CR3, 0x2000000);
	set(vp, 0, TDXC_VTLCTX_F_RAX, 0x1234); /* a VTL call argument */
	demo_say("written: VTL0 RIP/RSP/CR3 = kernel, VTL1 RIP/RSP/CR3 = secure kernel, "
		 "RAX = 0x1234 (shared)");

	/* VTL call: VTL0 -> VTL1. */
	demo_expect_rc(tdxc_vtlctx_switch(vp, 0, 1), 0, "switch VTL0 -> VTL1");
	demo_expect(tdxc_vtlctx_current(vp) == 1, "VTL1 is active");
	demo_expect(get(vp, 1, TDXC_VTLCTX_F_RAX) == 0x1234, "VTL1 sees the shared RAX");
	demo_expect(get(vp, 1, TDXC_VTLCTX_F_RIP) == 0xfffff80000100000ull &&
			    get(vp, 1, TDXC_VTLCTX_F_CR3) == 0x2000000,
		    "VTL1 runs on its own RIP and CR3");
	demo_say("switch VTL0 -> VTL1: VTL1 reads RAX 0x%llx, RIP 0x%llx, CR3 0x%llx",
		 (unsigned long long)get(vp, 1, TDXC_VTLCTX_F_RAX),
		 (unsigned long long)get(vp, 1, TDXC_VTLCTX_F_RIP),
		 (unsigned long long)get(vp, 1, TDXC_VTLCTX_F_CR3));

	/* VTL1 answers in RAX and returns. */
	set(vp, 1, TDXC_VTLCTX_F_RAX, 0x5678);
	demo_expect_rc(tdxc_vtlctx_switch(vp, 1, 0), 0, "switch VTL1 -> VTL0");
	v = get(vp, 0, TDXC_VTLCTX_F_RIP);
	demo_expect(get(vp, 0, TDXC_VTLCTX_F_RAX) == 0x5678, "VTL0 sees VTL1's answer");
	demo_expect(v == 0xffffffff81000000ull &&
			    get(vp, 0, TDXC_VTLCTX_F_RSP) == 0xffffc90000004000ull &&
			    get(vp, 0, TDXC_VTLCTX_F_CR3) == 0x1000000,
		    "VTL0 private state intact");
	demo_say("VTL return: VTL0 reads RAX 0x%llx, its RIP is still 0x%llx",
		 (unsigned long long)get(vp, 0, TDXC_VTLCTX_F_RAX), (unsigned long long)v);

	/* The access policy: a lower VTL never reads a higher one. */
	rc = tdxc_vtlctx_get(vp, 0, 1, TDXC_VTLCTX_F_RIP, &v);
	demo_say("VTL0 asks for VTL1's RIP: %s (%s)", tdxc_strerror_name(rc),
		 tdxc_strerror(rc));
	demo_expect(rc == TDXC_EPERM, "VTL0 may not read VTL1");
	demo_expect_rc(tdxc_vtlctx_check(vp), 0, "page canaries intact");
	demo_fact_u("vtl0_rip", get(vp, 0, TDXC_VTLCTX_F_RIP));
	demo_fact_u("vtl1_rip", get(vp, 1, TDXC_VTLCTX_F_RIP));
	demo_fact_u("shared_rax", get(vp, 0, TDXC_VTLCTX_F_RAX));
	vm->vp = vp;
	demo_verdict(0, "RAX crossed two switches; private RIP/RSP/CR3 intact in both VTLs; "
		     "VTL0 cannot read VTL1");
}
