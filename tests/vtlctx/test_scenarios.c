/* SPDX-License-Identifier: BSD-2-Clause */
/* The test scenarios of the vtlctx spec, one cmocka test each. */
#include "vtlctx_test.h"

#define A_RIP 0x1000A000ull
#define A_RFL 0x246ull
#define A_RSP 0x7FFFA000ull
#define B_RIP 0x2000B000ull
#define B_RFL 0x202ull
#define B_RSP 0x7FFFB000ull

/* 1. #746: VTL1 state must not clobber VTL0's across stage/unstage. */
static void test_746_clobber(void **state)
{
	(void)state;
	mk_tdx();
	S(0, TDXC_VTLCTX_F_RIP, A_RIP);
	S(0, TDXC_VTLCTX_F_RFLAGS, A_RFL);
	S(0, TDXC_VTLCTX_F_RSP, A_RSP);
	S(1, TDXC_VTLCTX_F_RIP, B_RIP);
	S(1, TDXC_VTLCTX_F_RFLAGS, B_RFL);
	S(1, TDXC_VTLCTX_F_RSP, B_RSP);

	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RIP)), B_RIP);
	kernel_enter(1, 0x100);
	/* VTL1 ran and moved on: its new RIP comes back to its bank only. */
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_RIP), B_RIP + 3);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);

	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	/* The page now means VTL0: A, not B (an unbanked page would give B). */
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RIP)), A_RIP);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RFLAGS)), A_RFL);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RSP)), A_RSP);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RIP), A_RIP);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RIP), B_RIP + 3);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RFLAGS), B_RFL);
	kernel_enter(0, 0x200);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RIP), A_RIP);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RSP), B_RSP);
}

/* 2. #1178: RSP is private, RAX is shared. */
static void test_1178_rsp_private(void **state)
{
	(void)state;
	mk_tdx();
	S(0, TDXC_VTLCTX_F_RSP, A_RSP);
	S(1, TDXC_VTLCTX_F_RSP, B_RSP);
	S(1, TDXC_VTLCTX_F_RAX, 0x1234);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RSP), A_RSP);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RAX), 0x1234);

	/* Same through the page: VTL1 changes RSP and RAX while running. */
	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	kernel_enter(1, 0);
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_RSP), B_RSP - 0x40);
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_RAX), 0x5678);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RSP)), A_RSP);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RAX)), 0x5678);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_GPR_LIST_OFFSET + 4 * 8), A_RSP);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RSP), B_RSP - 0x40);

	/* Per-VTL page backend: same classification. */
	mk_pp(0);
	S(0, TDXC_VTLCTX_F_RSP, A_RSP);
	S(1, TDXC_VTLCTX_F_RSP, B_RSP);
	S(1, TDXC_VTLCTX_F_RAX, 0x99);
	assert_int_equal(tdxc_vtlctx_switch(E.st, 0, 1), 0);
	assert_int_equal(tdxc_vtlctx_switch(E.st, 1, 0), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RSP), A_RSP);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RSP), B_RSP);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RAX), 0x99);
}

/* 3. #793: entry flags are per VTL; vm_index = vtl + 1. */
static void test_793_entry_flags(void **state)
{
	uint64_t rcx;
	(void)state;
	mk_tdx();
	/* Both VTLs start with an INVEPT pending for their first entry. */
	assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
	assert_int_equal(G(1, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
	S(1, TDXC_VTLCTX_F_ENTRY_FLUSH, TDXC_VTLCTX_FLUSH_INVEPT);

	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	rcx = run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET);
	assert_int_equal(rcx, (1ull << 52) | TDXC_VTLCTX_FLUSH_INVEPT);
	kernel_enter(0, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), 0);

	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET), 1ull << 52);
	kernel_enter(0, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);

	/* VTL1's flush survived both VTL0 entries. */
	assert_int_equal(G(1, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET),
			 (2ull << 52) | TDXC_VTLCTX_FLUSH_INVEPT);
	/* If the kernel did not consume it, it stays pending for VTL1 only. */
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);
	assert_int_equal(G(1, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
	assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), 0);
}

/* 4a. #797: TSC_AUX is per VTL with the staged backend. */
static void test_797_tsc_aux_staged(void **state)
{
	(void)state;
	mk_tdx();
	S(0, TDXC_VTLCTX_F_TSC_AUX, 0);
	S(1, TDXC_VTLCTX_F_TSC_AUX, 1);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_TSC_AUX)), 1);
	kernel_enter(1, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_TSC_AUX)), 0);
	assert_int_equal(G(1, TDXC_VTLCTX_F_TSC_AUX), 1);
	kernel_enter(0, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_TSC_AUX), 0);
}

/* 4b. #177: a per-VTL page switch never copies TSC_AUX. */
static void test_177_tsc_aux_switch(void **state)
{
	uint16_t off = page_off(TDXC_VTLCTX_F_TSC_AUX);
	(void)state;
	mk_pp(0);
	S(0, TDXC_VTLCTX_F_TSC_AUX, 0xAAAA);
	S(1, TDXC_VTLCTX_F_TSC_AUX, 0xBBBB);
	assert_int_equal(tdxc_vtlctx_switch(E.st, 0, 1), 0);
	assert_int_equal(tdxc__le64(E.pages[1] + off), 0xBBBB);
	assert_int_equal(tdxc__le64(E.pages[0] + off), 0xAAAA);
	assert_int_equal(tdxc_vtlctx_switch(E.st, 1, 0), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_TSC_AUX), 0xAAAA);
	assert_int_equal(G(1, TDXC_VTLCTX_F_TSC_AUX), 0xBBBB);
}

static void check_fx_init(const uint8_t *fx)
{
	size_t i;
	assert_int_equal(tdxc__le16(fx + TDXC_VTLCTX_FX_FCW_OFFSET), 0x37F);
	assert_int_equal(tdxc__le32(fx + TDXC_VTLCTX_FX_MXCSR_OFFSET), 0x1F80);
	for (i = 0; i < 512; i++)
		if (i != 0 && i != 1 && (i < 24 || i > 27))
			assert_int_equal(fx[i], 0);
}

/* 5. #1104: shared FX state initialised at VP init. */
static void test_1104_shared_fx_init(void **state)
{
	uint8_t fx[512];
	unsigned b;
	(void)state;
	for (b = TDXC_VTLCTX_BACKEND_TDX_STAGED; b <= TDXC_VTLCTX_BACKEND_PER_VTL_PAGE; b++) {
		/* Only VTL0's private init ran (VTL1 never enabled). */
		mk((uint8_t)b, 2, 0, 0, 0x1);
		assert_int_equal(tdxc_vtlctx_read(E.st, 2, 0, TDXC_VTLCTX_F_FX_STATE, fx,
						  sizeof(fx)),
				 0);
		check_fx_init(fx);
		/* Enabling VTL1 later resets its private state only. */
		S(0, TDXC_VTLCTX_F_RAX, 5);
		assert_int_equal(tdxc_vtlctx_enable(E.st, 1), 0);
		assert_int_equal(tdxc_vtlctx_read(E.st, 2, 1, TDXC_VTLCTX_F_FX_STATE, fx,
						  sizeof(fx)),
				 0);
		check_fx_init(fx);
		if (b == TDXC_VTLCTX_BACKEND_TDX_STAGED) {
			assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
			check_fx_init(E.run + TDXC_VTLCTX_RUN_FX_STATE_OFFSET);
		} else {
			check_fx_init(E.pages[0] + page_off(TDXC_VTLCTX_F_FX_STATE));
			assert_int_equal(tdxc_vtlctx_switch(E.st, 0, 1), 0);
			check_fx_init(E.pages[1] + page_off(TDXC_VTLCTX_F_FX_STATE));
		}
	}
}

/* 6. Access control matrix. */
struct acase {
	unsigned caller, target;
	uint32_t field;
	int want;
};

static void test_access_matrix(void **state)
{
	static const struct acase cases[] = {
		/* private architectural: strictly lower only */
		{ 0, 1, TDXC_VTLCTX_F_RIP, TDXC_EPERM },
		{ 0, 0, TDXC_VTLCTX_F_RIP, TDXC_EPERM },
		{ 1, 0, TDXC_VTLCTX_F_RIP, 0 },
		{ 1, 1, TDXC_VTLCTX_F_RIP, TDXC_EPERM },
		{ 2, 0, TDXC_VTLCTX_F_RIP, 0 },
		{ 2, 1, TDXC_VTLCTX_F_RIP, 0 },
		{ 0, 1, TDXC_VTLCTX_F_RSP, TDXC_EPERM },
		{ 1, 0, TDXC_VTLCTX_F_CR3, 0 },
		/* shared architectural: never upward either */
		{ 0, 1, TDXC_VTLCTX_F_RAX, TDXC_EPERM },
		{ 1, 0, TDXC_VTLCTX_F_RAX, 0 },
		/* hypercall-style (synthetic) registers: target <= caller */
		{ 0, 0, TDXC_VTLCTX_F_SINT0, 0 },
		{ 1, 1, TDXC_VTLCTX_F_SIMP, 0 },
		{ 0, 1, TDXC_VTLCTX_F_SIMP, TDXC_EPERM },
		{ 1, 0, TDXC_VTLCTX_F_VP_ASSIST_PAGE, 0 },
		/* VINA cannot target VTL0 */
		{ 1, 0, TDXC_VTLCTX_F_VSM_VINA, TDXC_EPERM },
		{ 1, 1, TDXC_VTLCTX_F_VSM_VINA, 0 },
		/* owner plumbing */
		{ 1, 0, TDXC_VTLCTX_F_ENTRY_FLUSH, TDXC_EPERM },
		{ 2, 1, TDXC_VTLCTX_F_ENTRY_FLUSH, 0 },
		{ 1, 0, TDXC_VTLCTX_F_TSC_DEADLINE, TDXC_EPERM },
		{ 1, 1, TDXC_VTLCTX_F_VP_FLAGS, TDXC_EPERM },
		{ 1, 0, TDXC_VTLCTX_F_EXIT_RAX, TDXC_EPERM },
		/* TSC_AUX from a guest VTL needs the capability (absent here) */
		{ 1, 0, TDXC_VTLCTX_F_TSC_AUX, TDXC_ENOTSUP },
		{ 2, 0, TDXC_VTLCTX_F_TSC_AUX, 0 },
		/* out of range */
		{ 2, 2, TDXC_VTLCTX_F_RAX, TDXC_ERANGE },
		{ 2, 15, TDXC_VTLCTX_F_RAX, TDXC_ERANGE },
		{ 2, 0xF, TDXC_VTLCTX_F_RIP, TDXC_ERANGE },
		{ 2, 0xFF, TDXC_VTLCTX_F_RIP, TDXC_ERANGE },
		{ 3, 0, TDXC_VTLCTX_F_RIP, TDXC_ERANGE },
		{ 0xFF, 0, TDXC_VTLCTX_F_RIP, TDXC_ERANGE },
		{ 2, 0, TDXC_VTLCTX_F_COUNT, TDXC_ERANGE },
		{ 2, 0, 0xFFFFFFFFu, TDXC_ERANGE },
	};
	size_t i;
	(void)state;
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0, 0x3);
	for (i = 0; i < TDXC_ARRAY_SIZE(cases); i++) {
		const struct acase *c = &cases[i];
		uint64_t v = 0, w;
		int got = tdxc_vtlctx_get(E.st, (tdxc_vtlctx_vtl)c->caller,
					  (tdxc_vtlctx_vtl)c->target, c->field, &v);
		if (got != c->want)
			print_error("case %zu: get caller %u target %u field %u: %d\n", i,
				    c->caller, c->target, c->field, got);
		assert_int_equal(got, c->want);
		if (c->field == TDXC_VTLCTX_F_EXIT_RAX)
			continue;
		w = c->field == TDXC_VTLCTX_F_RIP ? 0x42 : 1;
		if (c->want) {
			REJECT(c->want, tdxc_vtlctx_set(E.st, (tdxc_vtlctx_vtl)c->caller,
							(tdxc_vtlctx_vtl)c->target, c->field, w));
		} else {
			assert_int_equal(tdxc_vtlctx_set(E.st, (tdxc_vtlctx_vtl)c->caller,
							 (tdxc_vtlctx_vtl)c->target, c->field, w),
					 0);
		}
	}

	/* With the capability, VTL1 may access VTL0's TSC_AUX. */
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_TSC_AUX, 0, 0x3);
	assert_int_equal(tdxc_vtlctx_set(E.st, 1, 0, TDXC_VTLCTX_F_TSC_AUX, 7), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_TSC_AUX), 7);

	/* A VTL that is not enabled is neither target nor caller. */
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0, 0x1);
	{
		uint64_t v = 0;
		assert_int_equal(tdxc_vtlctx_get(E.st, 2, 1, TDXC_VTLCTX_F_RIP, &v),
				 TDXC_ENOTUSABLE);
		assert_int_equal(tdxc_vtlctx_get(E.st, 1, 0, TDXC_VTLCTX_F_RIP, &v),
				 TDXC_ENOTUSABLE);
		REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_set(E.st, 2, 1, TDXC_VTLCTX_F_RAX, 1));
		REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_set(E.st, 1, 0, TDXC_VTLCTX_F_RIP, 1));
		REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)));
	}

	/* N = 15: guest VTLs 0..14, owner 15; 0xF and 0xFF still rejected. */
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 15, 0, 0, 0x7FFF);
	{
		uint64_t v = 0;
		assert_int_equal(tdxc_vtlctx_get(E.st, 15, 14, TDXC_VTLCTX_F_RIP, &v), 0);
		assert_int_equal(tdxc_vtlctx_get(E.st, 14, 13, TDXC_VTLCTX_F_RIP, &v), 0);
		assert_int_equal(tdxc_vtlctx_get(E.st, 13, 14, TDXC_VTLCTX_F_RIP, &v),
				 TDXC_EPERM);
		assert_int_equal(tdxc_vtlctx_get(E.st, 15, 0xF, TDXC_VTLCTX_F_RIP, &v),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_vtlctx_get(E.st, 0xFF, 0, TDXC_VTLCTX_F_RIP, &v),
				 TDXC_ERANGE);
	}
}

/* 7. Staging misuse: every case an error, store unchanged. */
static void test_staging_misuse(void **state)
{
	uint8_t other[4096];
	uint64_t v;
	uint8_t buf[512];
	size_t n;
	(void)state;
	mk_tdx();
	/* Nothing staged. */
	REJECT(TDXC_ESTATE, tdxc_vtlctx_unstage(E.st, 0, E.run));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RAX, &v, 8));
	/* No exit yet: per-exit data is not readable. */
	REJECT(TDXC_ESTATE, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, &v));

	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	REJECT(TDXC_ESTATE, tdxc_vtlctx_unstage(E.st, 1, E.run));
	REJECT(TDXC_EFOREIGN, tdxc_vtlctx_unstage(E.st, 0, other));
	REJECT(TDXC_EBUSY, tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)));
	REJECT(TDXC_EBUSY, tdxc_vtlctx_stage(E.st, 0, other, sizeof(other)));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_page_read(E.st, E.run, 1, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_EFOREIGN, tdxc_vtlctx_page_read(E.st, other, 0, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_save(E.st, buf, sizeof(buf), &n));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_restore(E.st, buf, sizeof(buf)));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, &v));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_EXIT_RAX, &v,
						  8));
	REJECT(TDXC_ENOTSUP, tdxc_vtlctx_switch(E.st, 0, 1));
	/* The staged VTL's private fields are readable from the page. */
	assert_int_equal(tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RFLAGS, &v, 8), 0);
	assert_int_equal(v, 2);
	assert_int_equal(tdxc_vtlctx_page_read(E.st, E.run, 1, TDXC_VTLCTX_F_RAX, &v, 8), 0);
	REJECT(TDXC_ENOENT, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_CR0, &v, 8));
	REJECT(TDXC_ESIZE, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RIP, &v, 4));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_page_read(E.st, E.run, 2, TDXC_VTLCTX_F_RIP, &v, 8));

	/* The page is untrusted on the way back: a changed VM index or a bad
	 * RFLAGS is refused, and the VTL stays staged. */
	kernel_enter(0, 0x77);
	tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, 2ull << 52);
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_unstage(E.st, 0, E.run));
	tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, (1ull << 52) | 4);
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_unstage(E.st, 0, E.run));
	tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, 1ull << 52);
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_RFLAGS), 0);
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_unstage(E.st, 0, E.run));
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_RFLAGS), 2);
	E.run[run_off(TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE)] = 2;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_unstage(E.st, 0, E.run));
	E.run[run_off(TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE)] = 0;
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_VP_FLAGS), 4);
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_unstage(E.st, 0, E.run));
	tdxc__put_le64(E.run + run_off(TDXC_VTLCTX_F_VP_FLAGS), 1);
	assert_int_equal(tdxc_vtlctx_current(E.st), 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(tdxc_vtlctx_current(E.st), TDXC_ENOENT);
	assert_int_equal(G(0, TDXC_VTLCTX_F_VP_FLAGS), 1);

	/* Per-exit data: only for the VTL that ran, until the next stage. */
	assert_int_equal(G(0, TDXC_VTLCTX_F_EXIT_RAX), 0x77);
	assert_int_equal(G(0, TDXC_VTLCTX_F_EXIT_R13), 0x77 + 10);
	REJECT(TDXC_ESTATE, tdxc_vtlctx_get(E.st, 2, 1, TDXC_VTLCTX_F_EXIT_RAX, &v));
	REJECT(TDXC_EPERM, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, 1));
	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	/* Stage wipes the exit info in the page too. */
	assert_true(tdxc__all_zero(E.run + TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET, 88));
	REJECT(TDXC_ESTATE, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, &v));
	kernel_enter(1, 0x500);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);
	REJECT(TDXC_ESTATE, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, &v));
	assert_int_equal(G(1, TDXC_VTLCTX_F_EXIT_RCX), 0x501);

	/* Argument errors. */
	REJECT(TDXC_ENOSPC, tdxc_vtlctx_stage(E.st, 0, E.run, TDXC_VTLCTX_RUN_PAGE_SIZE - 1));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_stage(E.st, 2, E.run, sizeof(E.run)));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_stage(E.st, 0xFF, E.run, sizeof(E.run)));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_stage(E.st, 0, NULL, sizeof(E.run)));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_stage(NULL, 0, E.run, sizeof(E.run)));
	REJECT(TDXC_EOVERLAP, tdxc_vtlctx_stage(E.st, 0, E.storage + 64, 4096));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_unstage(E.st, 0, NULL));

	/* The per-VTL page backend has no staging. */
	mk_pp(0);
	REJECT(TDXC_ENOTSUP, tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)));
	REJECT(TDXC_ENOTSUP, tdxc_vtlctx_unstage(E.st, 0, E.run));
	REJECT(TDXC_ENOTSUP, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_ENOTSUP, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_EXIT_RAX, &v));
}

/* Pending flush, pending event and TSC deadline never carry over. */
static void test_per_vtl_entry_state(void **state)
{
	(void)state;
	mk_tdx();
	S(1, TDXC_VTLCTX_F_TSC_DEADLINE, 0x123456789ull);
	S(1, TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE, 1);
	S(1, TDXC_VTLCTX_F_PENDING_EVENT, 0x80000B0Eull);
	S(1, TDXC_VTLCTX_F_ENTRY_FLUSH, TDXC_VTLCTX_FLUSH_INVVPID);
	S(0, TDXC_VTLCTX_F_ENTRY_FLUSH, TDXC_VTLCTX_FLUSH_NONE);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET), 0);
	assert_int_equal(E.run[TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET + 8], 0);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET), 1ull << 52);
	kernel_enter(0, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_PENDING_EVENT), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_TSC_DEADLINE), 0);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 1, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET), 0x123456789ull);
	assert_int_equal(E.run[TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET + 8], 1);
	assert_int_equal(run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET),
			 (2ull << 52) | TDXC_VTLCTX_FLUSH_INVVPID);
	/* The kernel applied the deadline and cleared the update flag. */
	kernel_enter(1, 0);
	E.run[TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET + 8] = 0;
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 1, E.run), 0);
	assert_int_equal(G(1, TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE), 0);
	assert_int_equal(G(1, TDXC_VTLCTX_F_PENDING_EVENT), 0x80000B0Eull);
	assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), 0);
}

/* Writes while staged go to the page for the staged VTL, to the bank for
 * the other one; stage never writes the other VTL's private state. */
static void test_staged_routing(void **state)
{
	uint8_t before[TDXC_VTLCTX_RUN_CONTEXT_SIZE];
	(void)state;
	mk_tdx();
	S(1, TDXC_VTLCTX_F_LSTAR, 0x1111);
	S(0, TDXC_VTLCTX_F_LSTAR, 0x2222);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	S(0, TDXC_VTLCTX_F_LSTAR, 0x3333);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_LSTAR)), 0x3333);
	memcpy(before, E.run + TDXC_VTLCTX_RUN_CONTEXT_OFFSET, sizeof(before));
	S(1, TDXC_VTLCTX_F_LSTAR, 0x4444);
	assert_memory_equal(before, E.run + TDXC_VTLCTX_RUN_CONTEXT_OFFSET, sizeof(before));
	S(1, TDXC_VTLCTX_F_RBX, 0x55);
	assert_int_equal(run_u64(run_off(TDXC_VTLCTX_F_RBX)), 0x55);
	/* Bytes outside the context area are never touched. */
	assert_int_equal(E.run[0], 0xC3);
	assert_int_equal(E.run[TDXC_VTLCTX_RUN_CONTEXT_OFFSET - 1], 0xC3);
	assert_int_equal(E.run[TDXC_VTLCTX_RUN_CONTEXT_OFFSET + TDXC_VTLCTX_RUN_CONTEXT_SIZE],
			 0xC3);
	assert_int_equal(E.run[TDXC_VTLCTX_RUN_PAGE_SIZE - 1], 0xC3);
	kernel_enter(0, 0);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, 0, E.run), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_LSTAR), 0x3333);
	assert_int_equal(G(1, TDXC_VTLCTX_F_LSTAR), 0x4444);
	assert_int_equal(G(1, TDXC_VTLCTX_F_RBX), 0x55);
}

/* 8. Per-VTL pages: a switch copies exactly the SHARED set; DR6 follows
 * the capability. */
static void test_switch_copies_exactly_shared(void **state)
{
	static uint8_t expect[TDXC_VTLCTX_PAGE_SIZE];
	uint32_t caps_list[2] = { 0, TDXC_VTLCTX_CAP_DR6_SHARED };
	unsigned ci;
	(void)state;
	for (ci = 0; ci < 2; ci++) {
		uint32_t caps = caps_list[ci];
		uint32_t f;
		mk_pp(caps);
		/* Distinct values in every writable field of both VTLs. */
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
			int cls = tdxc_vtlctx_classify(f, caps);
			uint16_t sz = fsize(f);
			if (cls != TDXC_VTLCTX_CLASS_SHARED && cls != TDXC_VTLCTX_CLASS_PRIVATE)
				continue;
			if (f == TDXC_VTLCTX_F_VSM_VINA) /* may not target VTL0 */
				continue;
			if (sz == 8 && f != TDXC_VTLCTX_F_RFLAGS) {
				S(0, f, 0x1000 + f);
				if (cls == TDXC_VTLCTX_CLASS_PRIVATE)
					S(1, f, 0x2000 + f);
			}
		}
		/* Raw page 1 before, with the active page's shared bytes. */
		memcpy(expect, E.pages[1], sizeof(expect));
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++)
			if (tdxc_vtlctx_classify(f, caps) == TDXC_VTLCTX_CLASS_SHARED)
				memcpy(expect + page_off(f), E.pages[0] + page_off(f), fsize(f));
		snap();
		assert_int_equal(tdxc_vtlctx_switch(E.st, 0, 1), 0);
		assert_memory_equal(expect, E.pages[1], sizeof(expect));
		assert_memory_equal(E.s_pages[0], E.pages[0], sizeof(expect));
		/* DR6 moved with the shared set only when the capability says so. */
		if (caps & TDXC_VTLCTX_CAP_DR6_SHARED) {
			assert_int_equal(tdxc__le64(E.pages[1] + page_off(TDXC_VTLCTX_F_DR6)),
					 0x1000 + TDXC_VTLCTX_F_DR6);
			assert_int_equal(G(1, TDXC_VTLCTX_F_DR6), 0x1000 + TDXC_VTLCTX_F_DR6);
		} else {
			assert_int_equal(tdxc__le64(E.pages[1] + page_off(TDXC_VTLCTX_F_DR6)),
					 0x2000 + TDXC_VTLCTX_F_DR6);
			assert_int_equal(G(0, TDXC_VTLCTX_F_DR6), 0x1000 + TDXC_VTLCTX_F_DR6);
		}
		assert_int_equal(G(1, TDXC_VTLCTX_F_RAX), 0x1000 + TDXC_VTLCTX_F_RAX);
		assert_int_equal(G(1, TDXC_VTLCTX_F_RSP), 0x2000 + TDXC_VTLCTX_F_RSP);
		assert_int_equal(G(0, TDXC_VTLCTX_F_RSP), 0x1000 + TDXC_VTLCTX_F_RSP);
		assert_int_equal(tdxc_vtlctx_current(E.st), 1);
	}
	/* Switch errors. */
	mk(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 3, 0, 0, 0x3);
	REJECT(TDXC_ESTATE, tdxc_vtlctx_switch(E.st, 1, 0));
	REJECT(TDXC_EALREADY, tdxc_vtlctx_switch(E.st, 0, 0));
	REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_switch(E.st, 0, 2));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_switch(E.st, 0, 3));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_switch(E.st, 0xFF, 1));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_switch(NULL, 0, 1));
}

/* 9. Canaries catch a write past a per-VTL page. */
static void test_canary_overrun(void **state)
{
	uint8_t buf[4096];
	size_t n;
	(void)state;
	mk_pp(0);
	assert_int_equal(tdxc_vtlctx_check(E.st), 0);
	/* One byte past the end of VTL0's page lands on VTL1's head canary. */
	((uint8_t *)E.pages)[TDXC_VTLCTX_PAGE_SIZE] ^= 1;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_check(E.st));
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_switch(E.st, 0, 1));
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_save(E.st, buf, sizeof(buf), &n));
	((uint8_t *)E.pages)[TDXC_VTLCTX_PAGE_SIZE] ^= 1;
	assert_int_equal(tdxc_vtlctx_check(E.st), 0);
	/* Overrunning the context inside a page hits its tail canary. */
	E.pages[1][TDXC_VTLCTX_PAGE_SIZE - TDXC_VTLCTX_CANARY_SIZE] = 0;
	E.pages[1][TDXC_VTLCTX_PAGE_SIZE - TDXC_VTLCTX_CANARY_SIZE + 1] = 0;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_check(E.st));
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_switch(E.st, 0, 1));
	/* Last page, last byte. */
	mk(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 3, 0, 0, 0x7);
	E.pages[2][TDXC_VTLCTX_PAGE_SIZE - 1] ^= 0x80;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_check(E.st));
	/* A corrupted store header is reported too. */
	mk_tdx();
	E.storage[0] ^= 1;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_check(E.st));
}

/* 11. Layout pins (the library pins them at compile time; check the
 * values the table hands out match the spec's numbers). */
static void test_layout_pins(void **state)
{
	static const struct {
		uint32_t f;
		uint16_t off;
	} pins[] = {
		{ TDXC_VTLCTX_F_EXIT_RAX, 272 },      { TDXC_VTLCTX_F_EXIT_R13, 352 },
		{ TDXC_VTLCTX_F_KERNEL_GS_BASE, 408 }, { TDXC_VTLCTX_F_STAR, 416 },
		{ TDXC_VTLCTX_F_LSTAR, 424 },         { TDXC_VTLCTX_F_SFMASK, 432 },
		{ TDXC_VTLCTX_F_XSS, 440 },           { TDXC_VTLCTX_F_CR2, 448 },
		{ TDXC_VTLCTX_F_TSC_AUX, 456 },       { TDXC_VTLCTX_F_VP_FLAGS, 464 },
		{ TDXC_VTLCTX_F_ENTRY_FLUSH, 504 },   { TDXC_VTLCTX_F_RAX, 512 },
		{ TDXC_VTLCTX_F_RCX, 520 },           { TDXC_VTLCTX_F_RBX, 536 },
		{ TDXC_VTLCTX_F_RSP, 544 },           { TDXC_VTLCTX_F_R15, 632 },
		{ TDXC_VTLCTX_F_RFLAGS, 640 },        { TDXC_VTLCTX_F_RIP, 648 },
		{ TDXC_VTLCTX_F_SSP, 656 },           { TDXC_VTLCTX_F_RVI, 664 },
		{ TDXC_VTLCTX_F_SVI, 665 },           { TDXC_VTLCTX_F_TSC_DEADLINE, 672 },
		{ TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE, 680 }, { TDXC_VTLCTX_F_FX_STATE, 768 },
		{ TDXC_VTLCTX_F_CR0, 0 },             { TDXC_VTLCTX_F_DR6, 0 },
		{ TDXC_VTLCTX_F_CSTAR, 0 },
	};
	size_t i;
	(void)state;
	TDXC_STATIC_ASSERT(TDXC_VTLCTX_RUN_GPR_LIST_OFFSET == 512, gpr_list_512);
	TDXC_STATIC_ASSERT(TDXC_VTLCTX_RUN_PAGE_SIZE == 1652, run_page_1652);
	for (i = 0; i < TDXC_ARRAY_SIZE(pins); i++)
		assert_int_equal(run_off(pins[i].f), pins[i].off);
	/* Stage writes the GPR list exactly where TDG.VP.ENTER expects it. */
	mk_tdx();
	S(0, TDXC_VTLCTX_F_RIP, 0xFEEDull);
	S(0, TDXC_VTLCTX_F_R15, 0xF15ull);
	S(0, TDXC_VTLCTX_F_SSP, 0x55Full);
	S(0, TDXC_VTLCTX_F_RVI, 0x31);
	S(0, TDXC_VTLCTX_F_SVI, 0x41);
	assert_int_equal(tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)), 0);
	assert_int_equal(run_u64(512 + 15 * 8), 0xF15);
	assert_int_equal(run_u64(512 + 128), 2);
	assert_int_equal(run_u64(512 + 136), 0xFEED);
	assert_int_equal(run_u64(512 + 144), 0x55F);
	assert_int_equal(E.run[512 + 152], 0x31);
	assert_int_equal(E.run[512 + 153], 0x41);
	assert_true(tdxc__all_zero(E.run + 512 + 154, 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_746_clobber),
		cmocka_unit_test(test_1178_rsp_private),
		cmocka_unit_test(test_793_entry_flags),
		cmocka_unit_test(test_797_tsc_aux_staged),
		cmocka_unit_test(test_177_tsc_aux_switch),
		cmocka_unit_test(test_1104_shared_fx_init),
		cmocka_unit_test(test_access_matrix),
		cmocka_unit_test(test_staging_misuse),
		cmocka_unit_test(test_per_vtl_entry_state),
		cmocka_unit_test(test_staged_routing),
		cmocka_unit_test(test_switch_copies_exactly_shared),
		cmocka_unit_test(test_canary_overrun),
		cmocka_unit_test(test_layout_pins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
