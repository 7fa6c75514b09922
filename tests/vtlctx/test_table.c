/* SPDX-License-Identifier: BSD-2-Clause */
/* The classification table against the TLFS lists, and the lifetime API
 * (params, init, enable, scalar/block access, value checks). */
#include "vtlctx_test.h"

static void test_table_total(void **state)
{
	uint32_t f, g;
	(void)state;
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		struct tdxc_vtlctx_field_info fi;
		int c = tdxc_vtlctx_field_class(f);
		assert_true(c >= TDXC_VTLCTX_CLASS_SHARED &&
			    c <= TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT);
		assert_int_equal(tdxc_vtlctx_field_info(f, &fi), 0);
		assert_int_equal(fi.cls, c);
		assert_true(fi.access >= TDXC_VTLCTX_ACCESS_ARCH &&
			    fi.access <= TDXC_VTLCTX_ACCESS_OWNER);
		assert_true(fi.size == 1 || fi.size == 8 || fi.size == 16 || fi.size == 512);
		assert_true(fi.page_offset >= TDXC_VTLCTX_CANARY_SIZE);
		assert_true(fi.page_offset + fi.size <=
			    TDXC_VTLCTX_PAGE_SIZE - TDXC_VTLCTX_CANARY_SIZE);
		assert_string_not_equal(tdxc_vtlctx_field_name(f), "?");
		/* No two fields share a name, a page slot or run-page bytes. */
		for (g = 0; g < f; g++) {
			struct tdxc_vtlctx_field_info gi;
			assert_int_equal(tdxc_vtlctx_field_info(g, &gi), 0);
			assert_string_not_equal(tdxc_vtlctx_field_name(f),
						tdxc_vtlctx_field_name(g));
			assert_false(fi.page_offset < gi.page_offset + gi.size &&
				     gi.page_offset < fi.page_offset + fi.size);
			if (fi.run_offset && gi.run_offset)
				assert_false(fi.run_offset < gi.run_offset + gi.size &&
					     gi.run_offset < fi.run_offset + fi.size);
		}
		/* Only DR6 depends on the platform; the resolved class of
		 * everything else ignores caps. */
		if (c == TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT) {
			assert_int_equal(f, TDXC_VTLCTX_F_DR6);
		} else {
			assert_int_equal(tdxc_vtlctx_classify(f, 0), c);
			assert_int_equal(tdxc_vtlctx_classify(f, TDXC_VTLCTX_CAP_ALL), c);
		}
	}
	assert_int_equal(tdxc_vtlctx_field_class(TDXC_VTLCTX_F_COUNT), TDXC_ERANGE);
	assert_int_equal(tdxc_vtlctx_classify(TDXC_VTLCTX_F_COUNT, 0), TDXC_ERANGE);
	assert_int_equal(tdxc_vtlctx_classify(0, 1u << 2), TDXC_EFLAGS);
	assert_string_equal(tdxc_vtlctx_field_name(TDXC_VTLCTX_F_COUNT), "?");
	assert_string_equal(tdxc_vtlctx_field_name(TDXC_VTLCTX_F_RSP), "RSP");
	assert_string_equal(tdxc_vtlctx_field_name(TDXC_VTLCTX_F_SINT3), "SINT3");
	{
		struct tdxc_vtlctx_field_info fi, before;
		memset(&fi, 0x77, sizeof(fi));
		before = fi;
		assert_int_equal(tdxc_vtlctx_field_info(TDXC_VTLCTX_F_COUNT, &fi), TDXC_ERANGE);
		assert_memory_equal(&fi, &before, sizeof(fi));
		assert_int_equal(tdxc_vtlctx_field_info(0, NULL), TDXC_EINVAL);
	}
}

/* TLFS vsm.md lists, plus XSS, RSP and the entry flags private. */
static void test_table_matches_tlfs(void **state)
{
	static const uint32_t private_ids[] = {
		TDXC_VTLCTX_F_RIP, TDXC_VTLCTX_F_RSP, TDXC_VTLCTX_F_RFLAGS,
		TDXC_VTLCTX_F_CR0, TDXC_VTLCTX_F_CR3, TDXC_VTLCTX_F_CR4,
		TDXC_VTLCTX_F_DR7, TDXC_VTLCTX_F_IDTR, TDXC_VTLCTX_F_GDTR,
		TDXC_VTLCTX_F_ES, TDXC_VTLCTX_F_CS, TDXC_VTLCTX_F_SS, TDXC_VTLCTX_F_DS,
		TDXC_VTLCTX_F_FS, TDXC_VTLCTX_F_GS, TDXC_VTLCTX_F_TR, TDXC_VTLCTX_F_LDTR,
		TDXC_VTLCTX_F_SYSENTER_CS, TDXC_VTLCTX_F_SYSENTER_ESP,
		TDXC_VTLCTX_F_SYSENTER_EIP, TDXC_VTLCTX_F_STAR, TDXC_VTLCTX_F_LSTAR,
		TDXC_VTLCTX_F_CSTAR, TDXC_VTLCTX_F_SFMASK, TDXC_VTLCTX_F_EFER,
		TDXC_VTLCTX_F_PAT, TDXC_VTLCTX_F_KERNEL_GS_BASE, TDXC_VTLCTX_F_TSC_AUX,
		TDXC_VTLCTX_F_HYPERCALL, TDXC_VTLCTX_F_GUEST_OS_ID,
		TDXC_VTLCTX_F_REFERENCE_TSC, TDXC_VTLCTX_F_SCONTROL,
		TDXC_VTLCTX_F_SVERSION, TDXC_VTLCTX_F_SIEFP, TDXC_VTLCTX_F_SIMP,
		TDXC_VTLCTX_F_VP_ASSIST_PAGE, TDXC_VTLCTX_F_VSM_VINA,
		/* beyond the TLFS list: */
		TDXC_VTLCTX_F_XSS, TDXC_VTLCTX_F_ENTRY_FLUSH, TDXC_VTLCTX_F_SSP,
		TDXC_VTLCTX_F_RVI, TDXC_VTLCTX_F_SVI, TDXC_VTLCTX_F_PENDING_EVENT,
		TDXC_VTLCTX_F_TSC_DEADLINE, TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE,
	};
	static const uint32_t shared_ids[] = {
		TDXC_VTLCTX_F_RAX, TDXC_VTLCTX_F_RBX, TDXC_VTLCTX_F_RCX, TDXC_VTLCTX_F_RDX,
		TDXC_VTLCTX_F_RSI, TDXC_VTLCTX_F_RDI, TDXC_VTLCTX_F_RBP, TDXC_VTLCTX_F_R8,
		TDXC_VTLCTX_F_R9, TDXC_VTLCTX_F_R10, TDXC_VTLCTX_F_R11, TDXC_VTLCTX_F_R12,
		TDXC_VTLCTX_F_R13, TDXC_VTLCTX_F_R14, TDXC_VTLCTX_F_R15, TDXC_VTLCTX_F_CR2,
		TDXC_VTLCTX_F_DR0, TDXC_VTLCTX_F_DR1, TDXC_VTLCTX_F_DR2, TDXC_VTLCTX_F_DR3,
		TDXC_VTLCTX_F_XCR0, TDXC_VTLCTX_F_FX_STATE,
	};
	size_t i;
	uint32_t f;
	(void)state;
	for (i = 0; i < TDXC_ARRAY_SIZE(private_ids); i++)
		assert_int_equal(tdxc_vtlctx_field_class(private_ids[i]),
				 TDXC_VTLCTX_CLASS_PRIVATE);
	for (i = 0; i < TDXC_ARRAY_SIZE(shared_ids); i++)
		assert_int_equal(tdxc_vtlctx_field_class(shared_ids[i]), TDXC_VTLCTX_CLASS_SHARED);
	for (f = TDXC_VTLCTX_F_SINT0; f <= TDXC_VTLCTX_F_STIMER3_COUNT; f++)
		assert_int_equal(tdxc_vtlctx_field_class(f), TDXC_VTLCTX_CLASS_PRIVATE);
	for (f = TDXC_VTLCTX_F_EXIT_RAX; f <= TDXC_VTLCTX_F_EXIT_R13; f++)
		assert_int_equal(tdxc_vtlctx_field_class(f), TDXC_VTLCTX_CLASS_PER_EXIT);
	assert_int_equal(tdxc_vtlctx_field_class(TDXC_VTLCTX_F_VP_FLAGS),
			 TDXC_VTLCTX_CLASS_GLOBAL_PER_VP);
	assert_int_equal(tdxc_vtlctx_field_class(TDXC_VTLCTX_F_DR6),
			 TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT);
	/* TDX reports DR6 shared, SNP private. */
	assert_int_equal(tdxc_vtlctx_classify(TDXC_VTLCTX_F_DR6, TDXC_VTLCTX_CAP_DR6_SHARED),
			 TDXC_VTLCTX_CLASS_SHARED);
	assert_int_equal(tdxc_vtlctx_classify(TDXC_VTLCTX_F_DR6, 0), TDXC_VTLCTX_CLASS_PRIVATE);
	assert_int_equal(TDXC_ARRAY_SIZE(shared_ids) + 1 /* DR6 */ + 11 /* exit */ + 1 /* flags */
				 + (size_t)(TDXC_VTLCTX_F_STIMER3_COUNT - TDXC_VTLCTX_F_SINT0 + 1)
				 + TDXC_ARRAY_SIZE(private_ids),
			 TDXC_VTLCTX_F_COUNT);
}

static void test_params_and_init(void **state)
{
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *st = NULL;
	size_t sz = 0, sz2 = 0;
	void *pg[3] = { E.pages[0], E.pages[1], E.pages[2] };
	(void)state;
	memset(E.storage, 0x11, sizeof(E.storage));

	p = mkparams(TDXC_VTLCTX_BACKEND_TDX_STAGED, 0, 0, 0);
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz), 0);
	p.n_vtls = 2;
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz2), 0);
	assert_int_equal(sz, sz2);
	p.n_vtls = 15;
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz2), 0);
	assert_true(sz2 > sz);
	assert_int_equal(tdxc_vtlctx_storage_size(&p, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_vtlctx_storage_size(NULL, &sz), TDXC_EINVAL);

#define BAD_PARAM(err, mutate)                                                \
	do {                                                                  \
		p = mkparams(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0);        \
		mutate;                                                       \
		sz2 = 12345;                                                  \
		assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz2), (err));  \
		assert_int_equal(sz2, 12345);                                 \
		snap();                                                       \
		assert_int_equal(tdxc_vtlctx_init(E.storage, sizeof(E.storage), &p, NULL, &st), \
				 (err));                                      \
		assert_unchanged();                                           \
	} while (0)
	BAD_PARAM(TDXC_EINVAL, p.n_vtls = 16);
	BAD_PARAM(TDXC_EINVAL, p.backend = 0);
	BAD_PARAM(TDXC_EINVAL, p.backend = 3);
	BAD_PARAM(TDXC_EINVAL, p.partition_vtls = 0x2);
	BAD_PARAM(TDXC_EINVAL, p.partition_vtls = 0x5);
	BAD_PARAM(TDXC_ERESERVED, p.reserved = 1);
	BAD_PARAM(TDXC_EFLAGS, p.caps = 0x4);
	BAD_PARAM(TDXC_ESIZE, p.size = 8);
#undef BAD_PARAM

	p = mkparams(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0);
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz), 0);
	REJECT(TDXC_ENOSPC, tdxc_vtlctx_init(E.storage, sz - 1, &p, NULL, &st));
	REJECT(TDXC_EALIGN, tdxc_vtlctx_init(E.storage + 4, sz, &p, NULL, &st));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_init(NULL, sz, &p, NULL, &st));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_init(E.storage, sz, &p, NULL, NULL));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_init(E.storage, sz, &p, pg, &st));
	assert_null(st);

	/* Per-VTL pages: distinct, aligned, not inside the storage. */
	p = mkparams(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 3, 0, 0);
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &sz), 0);
	REJECT(TDXC_EINVAL, tdxc_vtlctx_init(E.storage, sz, &p, NULL, &st));
	pg[1] = NULL;
	REJECT(TDXC_EINVAL, tdxc_vtlctx_init(E.storage, sz, &p, pg, &st));
	pg[1] = E.pages[0];
	REJECT(TDXC_EOVERLAP, tdxc_vtlctx_init(E.storage, sz, &p, pg, &st));
	pg[1] = E.pages[1] + 64;
	REJECT(TDXC_EALIGN, tdxc_vtlctx_init(E.storage, sz, &p, pg, &st));
	pg[1] = E.run;
	pg[2] = E.pages[2];
	/* Storage ending inside a page. */
	assert_true(sz > 1024);
	pg[0] = E.pages[4];
	REJECT(TDXC_EOVERLAP, tdxc_vtlctx_init(E.pages[4] - 1024, sz, &p, pg, &st));
	pg[0] = E.pages[0];
	assert_null(st);
	assert_int_equal(tdxc_vtlctx_init(E.storage, sz, &p, pg, &st), 0);
	assert_ptr_equal(st, (void *)E.storage);
	/* Pages are zeroed except for their canaries. */
	assert_true(tdxc__all_zero(E.run + TDXC_VTLCTX_CANARY_SIZE,
				   TDXC_VTLCTX_PAGE_SIZE - 2 * TDXC_VTLCTX_CANARY_SIZE));
	assert_false(tdxc__all_zero(E.run, TDXC_VTLCTX_CANARY_SIZE));
	assert_int_equal(tdxc_vtlctx_check(st), 0);
}

static void test_init_values_and_enable(void **state)
{
	unsigned b;
	(void)state;
	for (b = TDXC_VTLCTX_BACKEND_TDX_STAGED; b <= TDXC_VTLCTX_BACKEND_PER_VTL_PAGE; b++) {
		uint8_t seg[16];
		mk((uint8_t)b, 3, 0, 0x3, 0x1);
		assert_int_equal(tdxc_vtlctx_is_enabled(E.st, 0), 1);
		assert_int_equal(tdxc_vtlctx_is_enabled(E.st, 1), 0);
		assert_int_equal(tdxc_vtlctx_is_enabled(E.st, 3), TDXC_ERANGE);
		assert_int_equal(tdxc_vtlctx_is_enabled(NULL, 0), TDXC_EINVAL);
		assert_int_equal(G(0, TDXC_VTLCTX_F_RFLAGS), TDXC_VTLCTX_INIT_RFLAGS);
		assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
		assert_int_equal(G(0, TDXC_VTLCTX_F_RIP), 0);
		assert_int_equal(G(0, TDXC_VTLCTX_F_RAX), 0);
		assert_int_equal(tdxc_vtlctx_read(E.st, 3, 0, TDXC_VTLCTX_F_CS, seg, 16), 0);
		assert_true(tdxc__all_zero(seg, 16));
		/* VTL2 is not enabled for the partition. */
		REJECT(TDXC_EPERM, tdxc_vtlctx_enable(E.st, 2));
		REJECT(TDXC_ERANGE, tdxc_vtlctx_enable(E.st, 3));
		REJECT(TDXC_ERANGE, tdxc_vtlctx_enable(E.st, 0xFF));
		REJECT(TDXC_EALREADY, tdxc_vtlctx_enable(E.st, 0));
		REJECT(TDXC_EINVAL, tdxc_vtlctx_enable(NULL, 1));
		S(0, TDXC_VTLCTX_F_ENTRY_FLUSH, 0);
		assert_int_equal(tdxc_vtlctx_enable(E.st, 1), 0);
		REJECT(TDXC_EALREADY, tdxc_vtlctx_enable(E.st, 1));
		assert_int_equal(G(1, TDXC_VTLCTX_F_RFLAGS), 2);
		assert_int_equal(G(1, TDXC_VTLCTX_F_ENTRY_FLUSH), TDXC_VTLCTX_FLUSH_INVEPT);
		assert_int_equal(G(0, TDXC_VTLCTX_F_ENTRY_FLUSH), 0);
		assert_int_equal(tdxc_vtlctx_current(E.st),
				 b == TDXC_VTLCTX_BACKEND_TDX_STAGED ? TDXC_ENOENT : 0);
	}
	assert_int_equal(tdxc_vtlctx_current(NULL), TDXC_EINVAL);
}

static void test_access_values(void **state)
{
	uint8_t blk[16], fx[512];
	uint64_t v;
	(void)state;
	mk_tdx();
	/* Size mismatches. */
	REJECT(TDXC_ESIZE, tdxc_vtlctx_read(E.st, 2, 0, TDXC_VTLCTX_F_RIP, blk, 4));
	REJECT(TDXC_ESIZE, tdxc_vtlctx_read(E.st, 2, 0, TDXC_VTLCTX_F_CS, blk, 8));
	REJECT(TDXC_ESIZE, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_CS, &v));
	REJECT(TDXC_ESIZE, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_FX_STATE, 1));
	memset(blk, 0, sizeof(blk));
	REJECT(TDXC_ESIZE, tdxc_vtlctx_write(E.st, 2, 0, TDXC_VTLCTX_F_CS, blk, 15));
	/* NULLs. */
	REJECT(TDXC_EINVAL, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_RIP, NULL));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_get(NULL, 2, 0, TDXC_VTLCTX_F_RIP, &v));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_read(E.st, 2, 0, TDXC_VTLCTX_F_RIP, NULL, 8));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_write(E.st, 2, 0, TDXC_VTLCTX_F_RIP, NULL, 8));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(NULL, 2, 0, TDXC_VTLCTX_F_RIP, 1));
	/* Value checks. */
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RFLAGS, 0));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RFLAGS, 0x2 | 0x8));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RFLAGS, 0x2 | 0x20));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RFLAGS, 0x2 | 0x8000));
	REJECT(TDXC_EINVAL,
	       tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RFLAGS, 0x2 | (1ull << 22)));
	S(0, TDXC_VTLCTX_F_RFLAGS, 0x2 | 0x200 | (1ull << 21) | 0x4000 | 0x1);
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_ENTRY_FLUSH, 4));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_ENTRY_FLUSH, 0x101));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RVI, 0x100));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE, 2));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_VP_FLAGS, 4));
	memset(blk, 0, sizeof(blk));
	blk[3] = 1;
	REJECT(TDXC_EINVAL, tdxc_vtlctx_write(E.st, 2, 0, TDXC_VTLCTX_F_GDTR, blk, 16));
	/* Block round trip, little-endian. */
	memset(blk, 0, sizeof(blk));
	tdxc__put_le16(blk + 6, 0x7F);
	tdxc__put_le64(blk + 8, 0xFFFF800000001000ull);
	assert_int_equal(tdxc_vtlctx_write(E.st, 2, 1, TDXC_VTLCTX_F_IDTR, blk, 16), 0);
	memset(blk, 0xEE, sizeof(blk));
	assert_int_equal(tdxc_vtlctx_read(E.st, 1, 0, TDXC_VTLCTX_F_IDTR, blk, 16), 0);
	assert_true(tdxc__all_zero(blk, 16));
	assert_int_equal(tdxc_vtlctx_read(E.st, 2, 1, TDXC_VTLCTX_F_IDTR, blk, 16), 0);
	assert_int_equal(tdxc__le64(blk + 8), 0xFFFF800000001000ull);
	memset(fx, 0x3C, sizeof(fx));
	assert_int_equal(tdxc_vtlctx_write(E.st, 1, 0, TDXC_VTLCTX_F_FX_STATE, fx, 512), 0);
	memset(fx, 0, sizeof(fx));
	assert_int_equal(tdxc_vtlctx_read(E.st, 2, 1, TDXC_VTLCTX_F_FX_STATE, fx, 512), 0);
	assert_int_equal(fx[511], 0x3C);
	/* get/set of a 1-byte field. */
	S(1, TDXC_VTLCTX_F_SVI, 0xFE);
	assert_int_equal(G(1, TDXC_VTLCTX_F_SVI), 0xFE);
	assert_int_equal(G(0, TDXC_VTLCTX_F_SVI), 0);
}

/* Error paths not covered elsewhere. */
static void test_misc_errors(void **state)
{
	struct {
		struct tdxc_vtlctx_params p;
		uint64_t extra;
	} big;
	struct tdxc_vtlctx *st = NULL;
	uint64_t v;
	size_t sz = 77;
	(void)state;
	/* A newer, larger descriptor is fine only with zero trailing bytes. */
	memset(&big, 0, sizeof(big));
	big.p = mkparams(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0);
	big.p.size = sizeof(big);
	assert_int_equal(tdxc_vtlctx_storage_size(&big.p, &sz), 0);
	big.extra = 1;
	sz = 77;
	assert_int_equal(tdxc_vtlctx_storage_size(&big.p, &sz), TDXC_ERESERVED);
	assert_int_equal(sz, 77);
	REJECT(TDXC_ERESERVED, tdxc_vtlctx_init(E.storage, sizeof(E.storage), &big.p, NULL, &st));
	assert_null(st);

	mk_tdx();
	REJECT(TDXC_EINVAL, tdxc_vtlctx_check(NULL));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_page_read(E.st, NULL, 0, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_RIP, NULL, 8));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_page_read(NULL, E.run, 0, TDXC_VTLCTX_F_RIP, &v, 8));
	REJECT(TDXC_ERANGE,
	       tdxc_vtlctx_page_read(E.st, E.run, 0, TDXC_VTLCTX_F_COUNT, &v, 8));
	REJECT(TDXC_ERANGE, tdxc_vtlctx_write(E.st, 2, 0, TDXC_VTLCTX_F_COUNT, &v, 8));
	/* Storage that was never initialised is not a store. */
	memset(E.storage, 0, sizeof(E.storage));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_get(E.st, 2, 0, TDXC_VTLCTX_F_RIP, &v));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_set(E.st, 2, 0, TDXC_VTLCTX_F_RIP, 1));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_stage(E.st, 0, E.run, sizeof(E.run)));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_enable(E.st, 1));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_save_size(E.st, &sz));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_restore(E.st, E.run, 64));
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_check(E.st));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_total),
		cmocka_unit_test(test_table_matches_tlfs),
		cmocka_unit_test(test_params_and_init),
		cmocka_unit_test(test_init_values_and_enable),
		cmocka_unit_test(test_access_values),
		cmocka_unit_test(test_misc_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
