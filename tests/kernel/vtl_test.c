/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx with the CPU's own state: the BSP's registers (CR0/3/4, EFER, PAT,
 * XCR0, GDTR, IDTR, RFLAGS, RSP, the FXSAVE image) become VTL0's context in
 * a per-VTL-page store, VTL1 gets its own private values, and a switch
 * sequence 0 -> 1 -> 0 must carry exactly the shared fields. The FX state
 * goes through the store and back into the CPU with FXRSTOR. Then the TDX
 * staged backend stages VTL0 into a run page and takes it back.
 */
#include "vtl_test.h"

#include <tdxcore/vtlctx.h>

static uint64_t store_mem[2048]; /* 16 KiB */
static uint8_t pages[2][TDXC_VTLCTX_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t fx_real[512] __attribute__((aligned(16)));
static uint8_t fx_back[512] __attribute__((aligned(16)));
static uint8_t blob[16384];
static uint64_t tdx_mem[2048];
static uint8_t run_page[4096] __attribute__((aligned(4096)));

#define OWNER 2 /* caller VTL n_vtls: the VMM itself */
#define XMM0_VTL0 0x0123456789abcdefull
#define XMM0_VTL1 0x5555aaaa5555aaaaull

struct desc_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static void set_xmm0(uint64_t v)
{
	__asm__ volatile("movq %0, %%xmm0" : : "r"(v));
}

static uint64_t get_xmm0(void)
{
	uint64_t v;
	__asm__ volatile("movq %%xmm0, %0" : "=r"(v));
	return v;
}

static void table_field(uint8_t out[16], const struct desc_reg *d)
{
	memset(out, 0, 16);
	memcpy(out + 6, &d->limit, 2);
	memcpy(out + 8, &d->base, 8);
}

void run_vtlctx(void)
{
	struct tdxc_vtlctx_params pr;
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	pr.n_vtls = 2;
	pr.backend = TDXC_VTLCTX_BACKEND_PER_VTL_PAGE;
	void *pg[2] = { pages[0], pages[1] };
	size_t need = 0;
	struct tdxc_vtlctx *st = 0;
	int rc = tdxc_vtlctx_storage_size(&pr, &need);
	if (rc == 0)
		rc = tdxc_vtlctx_init(store_mem, sizeof(store_mem), &pr, pg, &st);
	int en = rc == 0 ? tdxc_vtlctx_enable(st, 1) : rc;
	if (!check(rc == 0 && en == 0, "vtlctx.init", "%s, enable VTL1 %s, storage %zu bytes",
		   tdxc_strerror_name(rc), tdxc_strerror_name(en), need))
		return;

	/* VTL0 := the CPU as it runs now. */
	uint64_t cr0, cr3 = read_cr3(), cr4 = read_cr4(), rflags, rsp;
	__asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
	__asm__ volatile("pushfq; popq %0" : "=r"(rflags));
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	struct desc_reg gdtr, idtr;
	__asm__ volatile("sgdt %0" : "=m"(gdtr));
	__asm__ volatile("sidt %0" : "=m"(idtr));
	uint8_t gd[16], id[16];
	table_field(gd, &gdtr);
	table_field(id, &idtr);
	set_xmm0(XMM0_VTL0);
	__asm__ volatile("fxsave64 %0" : "=m"(fx_real));
	struct {
		uint32_t f;
		uint64_t v;
	} regs[] = {
		{ TDXC_VTLCTX_F_CR0, cr0 },
		{ TDXC_VTLCTX_F_CR3, cr3 },
		{ TDXC_VTLCTX_F_CR4, cr4 },
		{ TDXC_VTLCTX_F_EFER, rdmsr(0xC0000080) },
		{ TDXC_VTLCTX_F_PAT, rdmsr(0x277) },
		{ TDXC_VTLCTX_F_XCR0, xgetbv(0) },
		{ TDXC_VTLCTX_F_RFLAGS, rflags },
		{ TDXC_VTLCTX_F_RSP, rsp },
		{ TDXC_VTLCTX_F_RIP, (uint64_t)(uintptr_t)run_vtlctx },
		{ TDXC_VTLCTX_F_RAX, 0x1111 },
	};
	unsigned nregs = sizeof(regs) / sizeof(regs[0]);
	int werr = 0;
	for (unsigned i = 0; i < nregs; i++) {
		rc = tdxc_vtlctx_set(st, OWNER, 0, regs[i].f, regs[i].v);
		if (rc && !werr)
			werr = rc;
	}
	int wg = tdxc_vtlctx_write(st, OWNER, 0, TDXC_VTLCTX_F_GDTR, gd, 16);
	int wi = tdxc_vtlctx_write(st, OWNER, 0, TDXC_VTLCTX_F_IDTR, id, 16);
	int wf = tdxc_vtlctx_write(st, OWNER, 0, TDXC_VTLCTX_F_FX_STATE, fx_real, 512);
	/* VTL1's own private values */
	int w1 = tdxc_vtlctx_set(st, OWNER, 1, TDXC_VTLCTX_F_CR3, 0x7000);
	int w2 = tdxc_vtlctx_set(st, OWNER, 1, TDXC_VTLCTX_F_RSP, 0x7ff0);
	int w3 = tdxc_vtlctx_set(st, OWNER, 1, TDXC_VTLCTX_F_RIP, 0x7100);
	check(werr == 0 && wg == 0 && wi == 0 && wf == 0 && w1 == 0 && w2 == 0 && w3 == 0,
	      "vtlctx.load", "VTL0 from the CPU: CR3 0x%lx CR4 0x%lx EFER 0x%lx RSP 0x%lx, GDTR "
			     "0x%lx/%u, FXSAVE image; VTL1 private CR3/RSP/RIP (%s)",
	      cr3, cr4, rdmsr(0xC0000080), rsp, gdtr.base, gdtr.limit,
	      tdxc_strerror_name(werr ? werr : wg ? wg : wi ? wi : wf ? wf : w1 ? w1 : w2 ? w2 : w3));

	/* Switch 0 -> 1: shared fields travel, private ones stay. */
	int s1 = tdxc_vtlctx_switch(st, 0, 1);
	uint64_t rax1 = 0, cr3_1 = 0, rsp_1 = 0, cr3_0 = 0;
	tdxc_vtlctx_get(st, OWNER, 1, TDXC_VTLCTX_F_RAX, &rax1);
	tdxc_vtlctx_get(st, OWNER, 1, TDXC_VTLCTX_F_CR3, &cr3_1);
	tdxc_vtlctx_get(st, OWNER, 1, TDXC_VTLCTX_F_RSP, &rsp_1);
	int v1reads0 = tdxc_vtlctx_get(st, 1, 0, TDXC_VTLCTX_F_CR3, &cr3_0); /* lower VTL: ok */
	uint64_t dummy = 0;
	int v0reads1 = tdxc_vtlctx_get(st, 0, 1, TDXC_VTLCTX_F_CR3, &dummy); /* upward: no */
	/* In VTL1 the CPU's xmm0 changes; the FX state VTL1 sees is the shared one. */
	set_xmm0(XMM0_VTL1);
	int rf = tdxc_vtlctx_read(st, OWNER, 1, TDXC_VTLCTX_F_FX_STATE, fx_back, 512);
	__asm__ volatile("fxrstor64 %0" : : "m"(fx_back));
	uint64_t x_after = get_xmm0();
	check(s1 == 0 && rax1 == 0x1111 && cr3_1 == 0x7000 && rsp_1 == 0x7ff0 && v1reads0 == 0 &&
		      cr3_0 == cr3 && v0reads1 == TDXC_EPERM && rf == 0 && x_after == XMM0_VTL0,
	      "vtlctx.switch-0-1",
	      "%s; VTL1 sees RAX 0x%lx (shared), CR3 0x%lx RSP 0x%lx (own); VTL1 reads VTL0 CR3 "
	      "0x%lx; VTL0 reading VTL1: %s; FXRSTOR of the shared FX state gives xmm0 0x%lx",
	      tdxc_strerror_name(s1), rax1, cr3_1, rsp_1, cr3_0, tdxc_strerror_name(v0reads1),
	      x_after);

	/* VTL1 changes a shared GPR and its own RIP; switch back. */
	tdxc_vtlctx_set(st, OWNER, 1, TDXC_VTLCTX_F_RAX, 0x2222);
	tdxc_vtlctx_set(st, OWNER, 1, TDXC_VTLCTX_F_RIP, 0x7200);
	int s0 = tdxc_vtlctx_switch(st, 1, 0);
	int again = tdxc_vtlctx_switch(st, 1, 0);
	uint64_t rax0 = 0, rip0 = 0, cr3b = 0, rsp0 = 0;
	tdxc_vtlctx_get(st, OWNER, 0, TDXC_VTLCTX_F_RAX, &rax0);
	tdxc_vtlctx_get(st, OWNER, 0, TDXC_VTLCTX_F_RIP, &rip0);
	tdxc_vtlctx_get(st, OWNER, 0, TDXC_VTLCTX_F_CR3, &cr3b);
	tdxc_vtlctx_get(st, OWNER, 0, TDXC_VTLCTX_F_RSP, &rsp0);
	/* Resume "VTL0" on the CPU with its stored CR3. */
	__asm__ volatile("mov %0, %%cr3" : : "r"(cr3b) : "memory");
	check(s0 == 0 && again == TDXC_ESTATE && rax0 == 0x2222 &&
		      rip0 == (uint64_t)(uintptr_t)run_vtlctx && cr3b == cr3 && rsp0 == rsp &&
		      tdxc_vtlctx_current(st) == 0,
	      "vtlctx.switch-1-0",
	      "%s (repeat: %s); VTL0 sees RAX 0x%lx from VTL1, keeps RIP 0x%lx CR3 0x%lx RSP "
	      "0x%lx; CR3 reloaded from the store",
	      tdxc_strerror_name(s0), tdxc_strerror_name(again), rax0, rip0, cr3b, rsp0);

	/* Save / restore round trip; a damaged canary is caught. */
	size_t ssz = 0, wr = 0;
	tdxc_vtlctx_save_size(st, &ssz);
	int sv = ssz <= sizeof(blob) ? tdxc_vtlctx_save(st, blob, sizeof(blob), &wr) : TDXC_ENOSPC;
	tdxc_vtlctx_set(st, OWNER, 0, TDXC_VTLCTX_F_RAX, 0x3333);
	int rs = tdxc_vtlctx_restore(st, blob, wr);
	uint64_t rax_r = 0;
	tdxc_vtlctx_get(st, OWNER, 0, TDXC_VTLCTX_F_RAX, &rax_r);
	blob[wr / 2] ^= 1;
	int rs_bad = tdxc_vtlctx_restore(st, blob, wr);
	blob[wr / 2] ^= 1;
	uint8_t keep = pages[0][TDXC_VTLCTX_PAGE_SIZE - 1];
	pages[0][TDXC_VTLCTX_PAGE_SIZE - 1] ^= 0xFF; /* an overrun into the tail canary */
	int ck_bad = tdxc_vtlctx_check(st);
	int sw_bad = tdxc_vtlctx_switch(st, 0, 1);
	pages[0][TDXC_VTLCTX_PAGE_SIZE - 1] = keep;
	int ck = tdxc_vtlctx_check(st);
	check(sv == 0 && rs == 0 && rax_r == 0x2222 && rs_bad == TDXC_ECHECKSUM &&
		      ck_bad == TDXC_ECORRUPT && sw_bad == TDXC_ECORRUPT && ck == 0,
	      "vtlctx.save-restore",
	      "save %s (%zu bytes), restore %s (RAX back to 0x%lx), flipped bit %s; damaged "
	      "canary: check %s, switch %s",
	      tdxc_strerror_name(sv), wr, tdxc_strerror_name(rs), rax_r,
	      tdxc_strerror_name(rs_bad), tdxc_strerror_name(ck_bad), tdxc_strerror_name(sw_bad));

	/* TDX staged backend: VTL0 staged into a run page and taken back. */
	pr.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	struct tdxc_vtlctx *tx = 0;
	rc = tdxc_vtlctx_init(tdx_mem, sizeof(tdx_mem), &pr, 0, &tx);
	if (rc == 0)
		rc = tdxc_vtlctx_set(tx, OWNER, 0, TDXC_VTLCTX_F_CR3, cr3);
	if (rc == 0)
		rc = tdxc_vtlctx_set(tx, OWNER, 0, TDXC_VTLCTX_F_RIP, 0x401000);
	memset(run_page, 0xEE, sizeof(run_page));
	int sg = rc == 0 ? tdxc_vtlctx_stage(tx, 0, run_page, sizeof(run_page)) : rc;
	int sg2 = tdxc_vtlctx_stage(tx, 0, run_page, sizeof(run_page)); /* already staged */
	uint64_t rcx = 0, rip_p = 0;
	memcpy(&rcx, run_page + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, 8);
	int pr_rc = tdxc_vtlctx_page_read(tx, run_page, 0, TDXC_VTLCTX_F_RIP, &rip_p, 8);
	int outside = run_page[0] == 0xEE && run_page[TDXC_VTLCTX_RUN_CONTEXT_OFFSET - 1] == 0xEE;
	/* the "guest" ran: RIP advanced in the page */
	uint64_t newrip = 0x401005;
	struct tdxc_vtlctx_field_info fi;
	tdxc_vtlctx_field_info(TDXC_VTLCTX_F_RIP, &fi);
	if (fi.run_offset)
		memcpy(run_page + fi.run_offset, &newrip, 8);
	int us = tdxc_vtlctx_unstage(tx, 0, run_page);
	uint64_t rip_after = 0;
	tdxc_vtlctx_get(tx, OWNER, 0, TDXC_VTLCTX_F_RIP, &rip_after);
	check(sg == 0 && sg2 == TDXC_EBUSY && (rcx >> TDXC_VTLCTX_ENTRY_RCX_VM_SHIFT) == 1 &&
		      pr_rc == 0 && rip_p == 0x401000 && outside && us == 0 &&
		      rip_after == newrip,
	      "vtlctx.tdx-stage",
	      "stage VTL0 %s (second stage %s), entry RCX 0x%lx, RIP in page 0x%lx (%s), bytes "
	      "outside the context untouched %d, unstage %s, RIP after the exit 0x%lx",
	      tdxc_strerror_name(sg), tdxc_strerror_name(sg2), rcx, rip_p,
	      tdxc_strerror_name(pr_rc), outside, tdxc_strerror_name(us), rip_after);
}
