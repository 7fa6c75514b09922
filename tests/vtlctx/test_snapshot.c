/* SPDX-License-Identifier: BSD-2-Clause */
/* Save/restore (spec scenario 10): round trip and every corrupt blob. */
#include "vtlctx_test.h"

static uint8_t blob[8192], blob2[8192];
static size_t blen;

static uint32_t csum(const uint8_t *b, size_t n)
{
	uint32_t h = 0x811C9DC5u;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ (i >= 28 && i < 32 ? 0 : b[i])) * 0x01000193u;
	return h;
}

static void fix_csum(uint8_t *b, size_t n)
{
	tdxc__put_le32(b + 28, csum(b, n));
}

/* Offset in the blob of field f: in the common section (vtl_rank < 0) or
 * in the private section of the vtl_rank-th enabled VTL. */
static size_t blob_off(uint32_t caps, int vtl_rank, uint32_t f)
{
	size_t common = 0, priv = 0, pos = 32, at = 0;
	uint32_t g;
	for (g = 0; g < TDXC_VTLCTX_F_COUNT; g++) {
		int c = tdxc_vtlctx_classify(g, caps);
		if (c == TDXC_VTLCTX_CLASS_SHARED || c == TDXC_VTLCTX_CLASS_GLOBAL_PER_VP) {
			if (g == f && vtl_rank < 0)
				at = pos + common;
			common += fsize(g);
		} else if (c == TDXC_VTLCTX_CLASS_PRIVATE) {
			if (g == f && vtl_rank >= 0)
				at = priv;
			priv += fsize(g);
		}
	}
	if (vtl_rank >= 0)
		at += pos + common + (size_t)vtl_rank * priv;
	return at;
}

static void fill(void)
{
	uint8_t seg[16];
	unsigned v;
	memset(seg, 0, sizeof(seg));
	for (v = 0; v < E.n; v++) {
		if (tdxc_vtlctx_is_enabled(E.st, (tdxc_vtlctx_vtl)v) != 1)
			continue;
		S((tdxc_vtlctx_vtl)v, TDXC_VTLCTX_F_RIP, 0x1000 + v);
		S((tdxc_vtlctx_vtl)v, TDXC_VTLCTX_F_RSP, 0x2000 + v);
		S((tdxc_vtlctx_vtl)v, TDXC_VTLCTX_F_TSC_AUX, v);
		S((tdxc_vtlctx_vtl)v, TDXC_VTLCTX_F_DR6, 0xFFFF0FF0 + v);
		S((tdxc_vtlctx_vtl)v, TDXC_VTLCTX_F_ENTRY_FLUSH, v & 3);
		seg[0] = (uint8_t)(0x40 + v);
		assert_int_equal(tdxc_vtlctx_write(E.st, OWNER(E.n), (tdxc_vtlctx_vtl)v,
						   TDXC_VTLCTX_F_CS, seg, 16),
				 0);
	}
	S(0, TDXC_VTLCTX_F_RAX, 0xAAAA);
	S(0, TDXC_VTLCTX_F_CR2, 0xC2C2);
	S(0, TDXC_VTLCTX_F_VP_FLAGS, 2);
}

/* Every field of every enabled VTL reads the same in both stores. */
static void assert_same_view(struct tdxc_vtlctx *a, struct tdxc_vtlctx *b, unsigned n)
{
	uint8_t x[512], y[512];
	unsigned v;
	uint32_t f;
	for (v = 0; v < n; v++) {
		if (tdxc_vtlctx_is_enabled(a, (tdxc_vtlctx_vtl)v) != 1)
			continue;
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
			int ra, rb;
			uint16_t sz = fsize(f);
			if (tdxc_vtlctx_field_class(f) == TDXC_VTLCTX_CLASS_PER_EXIT)
				continue;
			memset(x, 1, sz);
			memset(y, 2, sz);
			ra = tdxc_vtlctx_read(a, (tdxc_vtlctx_vtl)n, (tdxc_vtlctx_vtl)v, f, x, sz);
			rb = tdxc_vtlctx_read(b, (tdxc_vtlctx_vtl)n, (tdxc_vtlctx_vtl)v, f, y, sz);
			assert_int_equal(ra, rb);
			if (ra == 0)
				assert_memory_equal(x, y, sz);
		}
	}
}

static void test_round_trip(void **state)
{
	static _Alignas(64) uint8_t other[T_STORAGE_MAX];
	static _Alignas(4096) uint8_t opages[3][4096];
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *o;
	size_t sz, osz, w = 0;
	void *pg[3] = { opages[0], opages[1], opages[2] };
	unsigned ob;
	(void)state;

	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 3, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x5);
	fill();
	run_vtl(2, 0x10);
	assert_int_equal(tdxc_vtlctx_save_size(E.st, &sz), 0);
	assert_true(sz <= sizeof(blob));
	REJECT(TDXC_ENOSPC, tdxc_vtlctx_save(E.st, blob, sz - 1, &w));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_save(E.st, NULL, sz, &w));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_save(NULL, blob, sz, &w));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_save_size(E.st, NULL));
	assert_int_equal(tdxc_vtlctx_save(E.st, blob, sizeof(blob), &w), 0);
	assert_int_equal(w, sz);
	assert_int_equal(tdxc__le32(blob), TDXC_VTLCTX_SAVE_MAGIC);
	assert_int_equal(tdxc__le16(blob + 4), 1);
	assert_int_equal(tdxc__le32(blob + 8), sz);
	/* Saving is read-only and deterministic. */
	assert_int_equal(tdxc_vtlctx_save(E.st, blob2, sizeof(blob2), NULL), 0);
	assert_memory_equal(blob, blob2, sz);
	/* Private values land in their VTL's section, little-endian. */
	assert_int_equal(tdxc__le64(blob + blob_off(E.caps, 1, TDXC_VTLCTX_F_RIP)), 0x1002);
	assert_int_equal(tdxc__le64(blob + blob_off(E.caps, -1, TDXC_VTLCTX_F_RAX)), 0xAAAA);

	/* Into a fresh store of each backend with the same configuration. */
	for (ob = TDXC_VTLCTX_BACKEND_TDX_STAGED; ob <= TDXC_VTLCTX_BACKEND_PER_VTL_PAGE; ob++) {
		p = mkparams((uint8_t)ob, 3, TDXC_VTLCTX_CAP_DR6_SHARED, 0);
		assert_int_equal(tdxc_vtlctx_storage_size(&p, &osz), 0);
		assert_int_equal(tdxc_vtlctx_init(other, osz, &p,
						  ob == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE ? pg : NULL,
						  &o),
				 0);
		assert_int_equal(tdxc_vtlctx_enable(o, 2), 0);
		assert_int_equal(tdxc_vtlctx_restore(o, blob, sz), 0);
		assert_same_view(E.st, o, 3);
		assert_int_equal(tdxc_vtlctx_save(o, blob2, sizeof(blob2), &w), 0);
		assert_int_equal(w, sz);
		/* Only the backend byte differs (and so the checksum). */
		assert_memory_equal(blob + 32, blob2 + 32, sz - 32);
		assert_int_equal(blob2[13], ob);
	}
	/* Per-VTL page store with a non-zero active VTL round-trips too. */
	assert_int_equal(tdxc_vtlctx_switch(o, 0, 2), 0);
	assert_int_equal(tdxc_vtlctx_save(o, blob2, sizeof(blob2), &w), 0);
	assert_int_equal(blob2[14], 2);
	assert_int_equal(tdxc_vtlctx_restore(o, blob2, w), 0);
	assert_int_equal(tdxc_vtlctx_current(o), 2);
	assert_int_equal(tdxc_vtlctx_check(o), 0);
}

/* Each corrupt blob: exact error and the store unchanged. */
static void test_corrupt_blobs(void **state)
{
	size_t sz, w;
	(void)state;
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x3);
	fill();
	assert_int_equal(tdxc_vtlctx_save(E.st, blob, sizeof(blob), &sz), 0);
	blen = sz;
	/* Change the store so that a wrongly accepted blob would show. */
	S(0, TDXC_VTLCTX_F_RIP, 0x9999);

#define BAD(err, len, mutate)                                                 \
	do {                                                                  \
		memcpy(blob2, blob, blen);                                    \
		mutate;                                                       \
		REJECT((err), tdxc_vtlctx_restore(E.st, blob2, (len)));      \
	} while (0)

	REJECT(TDXC_EINVAL, tdxc_vtlctx_restore(E.st, NULL, blen));
	REJECT(TDXC_EINVAL, tdxc_vtlctx_restore(NULL, blob, blen));
	BAD(TDXC_ETRUNC, 0, (void)0);
	BAD(TDXC_ETRUNC, 31, (void)0);
	BAD(TDXC_ETRUNC, blen - 1, (void)0);
	BAD(TDXC_ESIZE, blen + 1, blob2[blen] = 0);
	BAD(TDXC_EBADSIG, blen, blob2[0] ^= 1);
	/* version mismatch */
	BAD(TDXC_EVERSION, blen, tdxc__put_le16(blob2 + 4, 2));
	BAD(TDXC_EVERSION, blen, tdxc__put_le16(blob2 + 4, 0));
	BAD(TDXC_EMALFORMED, blen, tdxc__put_le16(blob2 + 6, 40));
	/* corrupted length field */
	BAD(TDXC_ETRUNC, blen, tdxc__put_le32(blob2 + 8, (uint32_t)blen + 8));
	BAD(TDXC_ESIZE, blen, tdxc__put_le32(blob2 + 8, (uint32_t)blen - 8));
	BAD(TDXC_ETRUNC, blen, tdxc__put_le32(blob2 + 8, 0xFFFFFFFFu));
	BAD(TDXC_ERESERVED, blen, blob2[15] = 1);
	BAD(TDXC_ERESERVED, blen, blob2[27] = 1);
	/* any flipped payload bit */
	BAD(TDXC_ECHECKSUM, blen, blob2[blen - 1] ^= 0x10);
	BAD(TDXC_ECHECKSUM, blen, blob2[40] ^= 1);
	BAD(TDXC_ECHECKSUM, blen, blob2[29] ^= 1);
	/* consistent checksum but a different field table */
	BAD(TDXC_EVERSION, blen, (tdxc__put_le16(blob2 + 24, TDXC_VTLCTX_F_COUNT - 1),
				 fix_csum(blob2, blen)));
	/* restore into a VP with a different configuration */
	BAD(TDXC_ENOTUSABLE, blen, (blob2[12] = 3, fix_csum(blob2, blen)));
	BAD(TDXC_ENOTUSABLE, blen, (tdxc__put_le32(blob2 + 16, 0), fix_csum(blob2, blen)));
	BAD(TDXC_ENOTUSABLE, blen, (tdxc__put_le16(blob2 + 20, 1), fix_csum(blob2, blen)));
	BAD(TDXC_ENOTUSABLE, blen, (tdxc__put_le16(blob2 + 22, 1), fix_csum(blob2, blen)));
	BAD(TDXC_EMALFORMED, blen, (blob2[13] = 7, fix_csum(blob2, blen)));
	BAD(TDXC_EMALFORMED, blen, (blob2[14] = 2, fix_csum(blob2, blen)));
	/* field values checked like writes */
	BAD(TDXC_EMALFORMED, blen,
	    (tdxc__put_le64(blob2 + blob_off(E.caps, 1, TDXC_VTLCTX_F_RFLAGS), 0),
	     fix_csum(blob2, blen)));
	BAD(TDXC_EMALFORMED, blen,
	    (blob2[blob_off(E.caps, 0, TDXC_VTLCTX_F_ENTRY_FLUSH)] = 4, fix_csum(blob2, blen)));
	BAD(TDXC_EMALFORMED, blen,
	    (tdxc__put_le64(blob2 + blob_off(E.caps, -1, TDXC_VTLCTX_F_VP_FLAGS), 8),
	     fix_csum(blob2, blen)));
	BAD(TDXC_EMALFORMED, blen,
	    (blob2[blob_off(E.caps, 1, TDXC_VTLCTX_F_GDTR)] = 1, fix_csum(blob2, blen)));
	/* The untouched blob is accepted. */
	assert_int_equal(tdxc_vtlctx_restore(E.st, blob, blen), 0);
	assert_int_equal(G(0, TDXC_VTLCTX_F_RIP), 0x1000);

	/* A blob of a VP whose VTL1 is enabled into one where it is not. */
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x1);
	REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_restore(E.st, blob, blen));
	assert_int_equal(tdxc_vtlctx_save(E.st, blob2, sizeof(blob2), &w), 0);
	assert_true(w < blen);
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x3);
	REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_restore(E.st, blob2, w));
	/* Same enabled set but DR6 private: different payload layout. */
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, 0, 0, 0x3);
	REJECT(TDXC_ENOTUSABLE, tdxc_vtlctx_restore(E.st, blob, blen));
	/* Per-VTL page store with a broken canary refuses to restore. */
	mk(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x3);
	E.pages[1][5] ^= 1;
	REJECT(TDXC_ECORRUPT, tdxc_vtlctx_restore(E.st, blob, blen));
#undef BAD
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_corrupt_blobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
