/* SPDX-License-Identifier: BSD-2-Clause */
/* memregion: unaccepted memory (TDX/SNP) with a recording accept callback. */
#include "mr_test.h"

struct rec {
	uint64_t base[4096], len[4096];
	unsigned n;
	int fail_at;   /* call index that fails (-1: never) */
	int answer;    /* what successful calls return (0 or "already" 1) */
};

static int record(void *opaque, uint64_t base, uint64_t len)
{
	struct rec *r = opaque;
	unsigned i = r->n++;
	if (i < 4096) {
		r->base[i] = base;
		r->len[i] = len;
	}
	if (r->fail_at >= 0 && (int)i == r->fail_at)
		return -5;
	return r->answer;
}

static struct rec *rec_new(void)
{
	struct rec *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->fail_at = -1;
	return r;
}

/* usable [0, 16 MiB), unaccepted [16 MiB, 32 MiB) */
static void small_map(struct mr_box *b)
{
	box_init(b, 8, 4, 32 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b->mr, 0, 16 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b->mr, 16 * MiB, 16 * MiB, TDXC_MEMREGION_UNACCEPTED, 15), 0);
	assert_int_equal(tdxc_memregion_commit(b->mr), 0);
}

static void test_lazy_accept(void **s)
{
	struct mr_box b;
	struct rec *r = rec_new();
	struct tdxc_memregion_stats st;
	uint64_t pa, i;
	(void)s;
	small_map(&b);
	assert_int_equal(tdxc_memregion_set_accept_fn(b.mr, record, r), 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.unaccepted_bytes, 16 * MiB);
	for (i = 0; i < 4095; i++)
		assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(r->n, 0); /* accepted memory first: no call */
	/* the last usable frame ends on a unit boundary: the next unit (the
	 * first unaccepted one) is accepted as a guard */
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 16 * MiB - 0x1000);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->base[0], 16 * MiB);
	assert_int_equal(r->len[0], 2 * MiB);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 16 * MiB);
	for (i = 1; i < 511; i++)
		assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(r->n, 1); /* one call per unit */
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 18 * MiB - 0x1000);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->base[1], 18 * MiB);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.unaccepted_bytes, 12 * MiB);
	assert_int_equal(st.accept_calls, 2);
	box_check(&b);
	/* a contiguous run over three units, ending on a boundary: 4 units */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1024, 2 * MiB, 20 * MiB, 24 * MiB, &pa), 0);
	assert_int_equal(pa, 20 * MiB);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->base[2], 20 * MiB);
	assert_int_equal(r->base[3], 22 * MiB);
	assert_int_equal(r->base[4], 24 * MiB); /* guard */
	/* accept everything left in one call */
	assert_int_equal(tdxc_memregion_accept_all(b.mr), 0);
	assert_int_equal(r->n, 6);
	assert_int_equal(r->base[5], 26 * MiB);
	assert_int_equal(r->len[5], 6 * MiB);
	assert_int_equal(tdxc_memregion_accept_all(b.mr), 0);
	assert_int_equal(r->n, 6);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.unaccepted_bytes, 0);
	box_check(&b);
	box_free(&b);
	free(r);
}

static void test_accept_failure(void **s)
{
	struct mr_box b;
	struct rec *r = rec_new();
	struct tdxc_memregion_stats st, st2;
	uint64_t pa = 0;
	(void)s;
	small_map(&b);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0, 16 * MiB - 0x1000), 0);
	/* no callback: the allocation is refused, nothing changes */
	box_touch_all(&b);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), TDXC_ESTATE);
	assert_int_equal(tdxc_memregion_claim(b.mr, 16 * MiB, 0x1000), TDXC_ESTATE);
	assert_int_equal(tdxc_memregion_accept_all(b.mr), TDXC_ESTATE);
	box_unchanged(&b);
	assert_int_equal(tdxc_memregion_set_accept_fn(b.mr, record, r), 0);
	r->fail_at = 0;
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), TDXC_ECALLBACK);
	assert_int_equal(pa, 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st2), 0);
	assert_int_equal(st2.free_frames, st.free_frames);
	assert_int_equal(st2.allocated_frames, st.allocated_frames);
	assert_int_equal(st2.unaccepted_bytes, 16 * MiB);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 16 * MiB - 0x1000), TDXC_MEMREGION_FRAME_FREE);
	box_check(&b);
	/* the guard unit fails: the first unit stays accepted, nothing allocated */
	r->fail_at = 2;
	assert_int_equal(tdxc_memregion_claim(b.mr, 18 * MiB - 0x1000, 0x1000), TDXC_ECALLBACK);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->base[1], 16 * MiB);
	assert_int_equal(r->base[2], 18 * MiB);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 18 * MiB - 0x1000), TDXC_MEMREGION_FRAME_FREE);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st2), 0);
	assert_int_equal(st2.unaccepted_bytes, 14 * MiB);
	box_check(&b);
	/* retry works and calls only for the unit still pending */
	r->fail_at = -1;
	assert_int_equal(tdxc_memregion_claim(b.mr, 18 * MiB - 0x1000, 0x1000), 0);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->base[3], 18 * MiB);
	/* accept_all fails: error, memory stays pending */
	r->fail_at = 4;
	assert_int_equal(tdxc_memregion_accept_all(b.mr), TDXC_ECALLBACK);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st2), 0);
	assert_int_equal(st2.unaccepted_bytes, 12 * MiB);
	box_check(&b);
	box_free(&b);
	free(r);
}

/* "Already accepted" answers never replace the library's own bitmap. */
static void test_already_accepted_not_trusted(void **s)
{
	struct mr_box b;
	struct rec *r = rec_new();
	uint64_t pa;
	(void)s;
	small_map(&b);
	r->answer = 1;
	assert_int_equal(tdxc_memregion_set_accept_fn(b.mr, record, r), 0);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0, 16 * MiB), 0);
	assert_int_equal(r->n, 1); /* guard unit at 16 MiB */
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 16 * MiB);
	assert_int_equal(r->n, 1);
	/* the host claims everything is accepted; the next unit is still
	 * accepted by the guest when it is first used */
	assert_int_equal(tdxc_memregion_claim(b.mr, 20 * MiB, 0x1000), 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->base[1], 20 * MiB);
	assert_int_equal(tdxc_memregion_claim(b.mr, 20 * MiB + 0x1000, 0x1000), 0);
	assert_int_equal(r->n, 2);
	box_check(&b);
	box_free(&b);
	free(r);
}

/* Byte-granular requests (the 67000M report): page-align, then guard. */
static void test_accept_odd_requests(void **s)
{
	struct mr_box b;
	struct rec *r = rec_new();
	(void)s;
	box_init(&b, 8, 4, 0x1100000000, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 2 * GiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x100000000, 0x1000000000, TDXC_MEMREGION_UNACCEPTED, 15), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_set_accept_fn(b.mr, record, r), 0);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x99000, 0x6000), 0); /* accepted RAM: nothing */
	assert_int_equal(r->n, 0);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x10db7fcf40, 0x83), 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->base[0], 0x10db600000);
	assert_int_equal(r->len[0], 2 * MiB);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x10db7ff000, 0x1000), 0);
	assert_int_equal(r->n, 2); /* ends on a unit boundary: next unit */
	assert_int_equal(r->base[1], 0x10db800000);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x10db600000, 0x200000), 0);
	assert_int_equal(r->n, 2); /* both already accepted by the library */
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x10fffff000, 0x1000), 0);
	assert_int_equal(r->n, 3); /* last unit; the guard unit lies past the RAM */
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x10fffff000, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_accept(b.mr, UINT64_MAX - 5, 10), TDXC_EOVERFLOW);
	assert_int_equal(tdxc_memregion_accept(b.mr, UINT64_MAX - 0xfff, 0x10), TDXC_EOVERFLOW);
	box_check(&b);
	box_free(&b);
	free(r);
}

/* The EFI unaccepted table of the 67000M report: 0xfdc bitmap bytes at a
 * table address that is not page aligned. */
static void test_unaccepted_table(void **s)
{
	const size_t bm = 0xfdc, len = 24 + bm;
	uint8_t *t = malloc(len); /* exact size: ASan catches any overread */
	struct mr_box b;
	struct tdxc_memregion_reservation rv;
	struct tdxc_memregion_stats st;
	size_t i;
	(void)s;
	assert_non_null(t);
	tdxc__put_le32(t, 1);
	tdxc__put_le32(t + 4, 2 * MiB);
	tdxc__put_le64(t + 8, 0x100000000);
	tdxc__put_le64(t + 16, bm);
	memset(t + 24, 0xff, bm);
	t[24] = 0xf0;                 /* first 4 units accepted */
	t[24 + 100] = 0x00;           /* a hole of 8 units */
	t[24 + bm - 1] = 0x7f;        /* the very last bit clear */

	box_init(&b, 8, 4, 0x1100000000, 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, len - 1), TDXC_ETRUNC);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, 23), TDXC_ETRUNC);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, NULL, len), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, UINT64_MAX - 0x100, t, len), TDXC_EOVERFLOW);
	tdxc__put_le32(t, 2);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, len), TDXC_EVERSION);
	tdxc__put_le32(t, 1);
	tdxc__put_le32(t + 4, 4096);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, len), TDXC_ENOTSUP);
	tdxc__put_le32(t + 4, 2 * MiB);
	tdxc__put_le64(t + 8, 0x100001000);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, len), TDXC_EALIGN);
	tdxc__put_le64(t + 8, 0x100000000);
	box_unchanged(&b);
	box_free(&b);

	box_init(&b, 8, 4, 0x1100000000, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 2 * GiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x100000000, (uint64_t)bm * 8 * 2 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(b.mr, 0x7d624018, t, len), 2);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 0, &rv), 0);
	assert_int_equal(rv.base, 0x7d624000);
	assert_int_equal(rv.end, 0x7d626000); /* not 0x7d625000: one page more */
	assert_int_equal(rv.event, TDXC_MEMREGION_PERMANENT);
	assert_string_equal(rv.owner, "efi-unaccepted");
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x7d625000), TDXC_MEMREGION_FRAME_HELD);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	{
		uint64_t units = (uint64_t)bm * 8 - 4 - 8 - 1;
		assert_int_equal(st.unaccepted_bytes, units * 2 * MiB);
		assert_int_equal(st.type_bytes[TDXC_MEMREGION_UNACCEPTED], units * 2 * MiB);
	}
	for (i = 0; i < 3; i++) {
		struct tdxc_memregion_region r;
		assert_int_equal(tdxc_memregion_region_get(b.mr, (uint32_t)(i + 1), &r), 0);
		if (i == 0) {
			assert_int_equal(r.base, 0x100000000);
			assert_int_equal(r.type, TDXC_MEMREGION_USABLE);
			assert_int_equal(r.end, 0x100000000 + 4 * 2 * MiB);
		}
		if (i == 1) {
			assert_int_equal(r.type, TDXC_MEMREGION_UNACCEPTED);
			assert_int_equal(r.end, 0x100000000 + 800 * 2 * MiB);
		}
	}
	box_free(&b);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazy_accept),
		cmocka_unit_test(test_accept_failure),
		cmocka_unit_test(test_already_accepted_not_trusted),
		cmocka_unit_test(test_accept_odd_requests),
		cmocka_unit_test(test_unaccepted_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
