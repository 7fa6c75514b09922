/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion record: round trips (plain and compressed, with and without
 * TDXC_MEMREGION_F_TRACK_FREED) after random allocator histories, equal
 * behaviour afterwards, no accept callback during restore, every
 * corruption of the body with its code and an untouched object.
 */
#include "snap_test.h"
#include <tdxcore/memregion.h>

#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)
#define PG UINT64_C(4096)

struct mro {
	struct tdxc_memregion *mr;
	void *mem;
	size_t len;
	unsigned accepts;
};

static int accept_cb(void *opaque, uint64_t base, uint64_t length)
{
	struct mro *o = (struct mro *)opaque;
	(void)base;
	(void)length;
	o->accepts++;
	return 0;
}

static void mro_init(struct mro *o, uint32_t flags, uint64_t max_addr, uint32_t cap)
{
	struct tdxc_memregion_params p;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = flags;
	p.max_regions = cap;
	p.max_reservations = cap;
	p.max_addr = max_addr;
	memset(o, 0, sizeof(*o));
	o->len = tdxc_memregion_storage_size(&p);
	assert_true(o->len > 0);
	o->mem = aligned_alloc(64, (o->len + 63) & ~(size_t)63);
	assert_non_null(o->mem);
	memset(o->mem, 0x5a, o->len);
	assert_int_equal(tdxc_memregion_init(&o->mr, o->mem, o->len, &p), 0);
	assert_int_equal(tdxc_memregion_set_accept_fn(o->mr, accept_cb, o), 0);
}

static void mro_map(struct mro *o)
{
	struct tdxc_memregion *m = o->mr;
	assert_int_equal(tdxc_memregion_add(m, 0, 0x9f000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(m, 0x9f000, 0x61000, TDXC_MEMREGION_RESERVED, 2), 0);
	assert_int_equal(tdxc_memregion_add(m, MiB, GiB - MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(m, GiB, 2 * GiB, TDXC_MEMREGION_UNACCEPTED, 1), 0);
	assert_int_equal(tdxc_memregion_add(m, 3 * GiB, MiB, TDXC_MEMREGION_ACPI, 3), 0);
	assert_int_equal(tdxc_memregion_add(m, 3 * GiB + MiB, GiB - 2 * MiB,
					    TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_reserve(m, 0x8000, 0x3000, "ap-trampoline", 7), 0);
	assert_int_equal(tdxc_memregion_reserve(m, 0x100000, 0x400000, "kernel", 0), 0);
	assert_int_equal(tdxc_memregion_commit(m), 0);
}

/* One random operation; returns its code (and the address for allocs). */
static int mro_op(struct mro *o, uint64_t *s, uint64_t *out)
{
	struct tdxc_memregion *m = o->mr;
	uint64_t r = rnd(s), a = (rnd(s) % (4 * GiB / PG)) * PG;
	char owner[16];
	*out = 0;
	switch (r % 9) {
	case 0:
	case 1:
		return tdxc_memregion_alloc(m, out);
	case 2:
		return tdxc_memregion_alloc_range(m, 1 + rnd(s) % 600, PG << (rnd(s) % 10),
						  0, TDXC_MEMREGION_NO_LIMIT, out);
	case 3:
		return tdxc_memregion_claim(m, a, PG * (1 + rnd(s) % 64));
	case 4:
	case 5:
		return tdxc_memregion_free(m, a & (GiB - 1), PG * (1 + rnd(s) % 8));
	case 6:
		snprintf(owner, sizeof(owner), "own%u", (unsigned)(r % 97));
		return tdxc_memregion_reserve(m, a, PG * (1 + rnd(s) % 2000), owner,
					      1 + rnd(s) % 12);
	case 7:
		return tdxc_memregion_release(m, 1 + rnd(s) % 12, out);
	default:
		return tdxc_memregion_accept(m, GiB + a % (2 * GiB), 3 * MiB);
	}
}

static void mro_history(struct mro *o, uint64_t seed, unsigned n)
{
	uint64_t out;
	unsigned i;
	for (i = 0; i < n; i++)
		(void)mro_op(o, &seed, &out);
}

static int mr_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	return tdxc_memregion_snapshot_add(((struct mro *)ctx)->mr, w);
}

static int mr_restore_fn(void *obj, const struct tdxc_snapshot_reader *r)
{
	return tdxc_memregion_snapshot_restore(((struct mro *)obj)->mr, r);
}

/* The record of an object, uncompressed, as bytes. */
static uint8_t *mro_record(struct mro *o, size_t *len)
{
	struct blob b;
	uint8_t *p;
	assert_int_equal(snap_build(&b, 2, 0, mr_add, o), 0);
	p = snap_payload(&b, TDXC_SNAPSHOT_MOD_MEMREGION, 0, len);
	blob_free(&b);
	return p;
}

static void mro_assert_equal(struct mro *a, struct mro *b)
{
	struct tdxc_memregion_stats sa, sb;
	struct tdxc_memregion_reservation ra, rb;
	struct tdxc_memregion_region ga, gb;
	size_t la, lb;
	uint8_t *pa, *pb;
	uint32_t i;
	uint64_t f, s = 99;

	assert_int_equal(tdxc_memregion_stats(a->mr, &sa), 0);
	assert_int_equal(tdxc_memregion_stats(b->mr, &sb), 0);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	for (i = 0; tdxc_memregion_region_get(a->mr, i, &ga) == 0; i++) {
		assert_int_equal(tdxc_memregion_region_get(b->mr, i, &gb), 0);
		assert_memory_equal(&ga, &gb, sizeof(ga));
	}
	assert_int_equal(tdxc_memregion_region_get(b->mr, i, &gb), TDXC_ENOENT);
	for (i = 0; tdxc_memregion_reservation_get(a->mr, i, &ra) == 0; i++) {
		assert_int_equal(tdxc_memregion_reservation_get(b->mr, i, &rb), 0);
		assert_memory_equal(&ra, &rb, sizeof(ra));
	}
	assert_int_equal(tdxc_memregion_reservation_get(b->mr, i, &rb), TDXC_ENOENT);
	/* frame states: the first 64 MiB in full, then random samples */
	for (f = 0; f < 64 * MiB; f += PG)
		assert_int_equal(tdxc_memregion_frame_state(a->mr, f),
				 tdxc_memregion_frame_state(b->mr, f));
	for (i = 0; i < 20000; i++) {
		f = (rnd(&s) % (4 * GiB / PG)) * PG;
		assert_int_equal(tdxc_memregion_frame_state(a->mr, f),
				 tdxc_memregion_frame_state(b->mr, f));
	}
	/* and the state saved again is byte for byte the same */
	pa = mro_record(a, &la);
	pb = mro_record(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
}

static void mr_round_trip(uint32_t flags, int compress)
{
	struct mro a, b;
	struct blob bl;
	uint64_t s1 = 0xfeed, s2 = 0xfeed, o1, o2;
	unsigned i, acc;

	mro_init(&a, flags, 4 * GiB, 64);
	mro_init(&b, flags, 4 * GiB, 80); /* larger capacities are fine */
	mro_map(&a);
	mro_history(&a, 0x1234 + flags, 3000);
	assert_int_equal(snap_build(&bl, TDXC_SNAPSHOT_VTL_NONE, compress, mr_add, &a), 0);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &b), 0);
	assert_int_equal(b.accepts, 0); /* accepted memory is not accepted again */
	mro_assert_equal(&a, &b);
	/* the same operations give the same results on both */
	acc = a.accepts;
	for (i = 0; i < 3000; i++) {
		int r1 = mro_op(&a, &s1, &o1), r2 = mro_op(&b, &s2, &o2);
		assert_int_equal(r1, r2);
		assert_int_equal(o1, o2);
	}
	assert_int_equal(a.accepts - acc, b.accepts);
	mro_assert_equal(&a, &b);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

static void test_round_trip(void **st)
{
	(void)st;
	mr_round_trip(0, 0);
}

static void test_round_trip_z(void **st)
{
	(void)st;
	if (!have_zlib())
		skip();
	mr_round_trip(0, 1);
}

static void test_round_trip_track_freed(void **st)
{
	(void)st;
	mr_round_trip(TDXC_MEMREGION_F_TRACK_FREED, 0);
	mr_round_trip(TDXC_MEMREGION_F_TRACK_FREED, have_zlib());
}

/* An empty committed map and a map without any allocation. */
static void test_round_trip_edges(void **st)
{
	struct mro a, b;
	struct blob bl;
	(void)st;
	mro_init(&a, 0, 64 * MiB, 4);
	mro_init(&b, 0, 64 * MiB, 4);
	assert_int_equal(tdxc_memregion_commit(a.mr), 0);
	assert_int_equal(snap_build(&bl, 2, 0, mr_add, &a), 0);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &b), 0);
	mro_assert_equal(&a, &b);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

/* ---- corruption --------------------------------------------------------- */

/* Offsets inside a memregion record payload (16-byte record header first). */
struct lay {
	size_t reg, rsv, alloc, pend, freed;
};

static struct lay layout(const uint8_t *p)
{
	struct lay l;
	const uint8_t *b = p + 16;
	l.reg = 16 + 72;
	l.rsv = l.reg + 24 * (size_t)tdxc__le32(b + 12);
	l.alloc = l.rsv + 56 * (size_t)tdxc__le32(b + 16);
	l.pend = l.alloc + 16 * (size_t)tdxc__le64(b + 24);
	l.freed = l.pend + 16 * (size_t)tdxc__le64(b + 32);
	return l;
}

struct ctx {
	uint8_t *p, *q;
	size_t len;
	struct mro *o;
};

/* Edit a copy of the good payload with fn, expect want. */
static void edit(struct ctx *c, void (*fn)(uint8_t *q, struct lay l), int want)
{
	struct raw_rec rr = { TDXC_SNAPSHOT_MOD_MEMREGION, 1, 0, c->q, c->len };
	memcpy(c->q, c->p, c->len);
	fn(c->q, layout(c->p));
	expect_raw(2, &rr, 1, mr_restore_fn, c->o, c->o->mem, c->o->len, want);
}

static void e_rsv_field(uint8_t *q, struct lay l) { (void)l; q[16 + 21] = 1; }
static void e_max_addr(uint8_t *q, struct lay l) { (void)l; tdxc__put_le64(q + 16, 8 * GiB); }
static void e_flags(uint8_t *q, struct lay l) { (void)l; q[16 + 8] ^= 1; }
static void e_count_more(uint8_t *q, struct lay l) { (void)l; q[16 + 24] += 1; }
static void e_count_less(uint8_t *q, struct lay l) { (void)l; q[16 + 24] -= 1; }
static void e_reg_type(uint8_t *q, struct lay l) { tdxc__put_le32(q + l.reg + 16, 16); }
static void e_reg_type0(uint8_t *q, struct lay l) { tdxc__put_le32(q + l.reg + 16, 0); }
static void e_reg_align(uint8_t *q, struct lay l) { q[l.reg + 8] |= 1; }
static void e_reg_order(uint8_t *q, struct lay l)
{
	/* second region starts before the first one ends */
	tdxc__put_le64(q + l.reg + 24, tdxc__le64(q + l.reg + 8) - PG);
}
static void e_reg_empty(uint8_t *q, struct lay l)
{
	tdxc__put_le64(q + l.reg + 8, tdxc__le64(q + l.reg));
}
static void e_reg_unmerged(uint8_t *q, struct lay l)
{
	/* second region (reserved) becomes usable with the first's raw type */
	tdxc__put_le32(q + l.reg + 24 + 16, TDXC_MEMREGION_USABLE);
	tdxc__put_le32(q + l.reg + 24 + 20, 1);
}
static void e_ram_above(uint8_t *q, struct lay l)
{
	/* the last region (usable, ends at 4 GiB - 1 MiB) grows past max_addr */
	size_t last = l.rsv - 24;
	tdxc__put_le64(q + last + 8, 4 * GiB + 2 * MiB);
}
static void e_resv_reserved(uint8_t *q, struct lay l) { q[l.rsv + 28] = 1; }
static void e_resv_state(uint8_t *q, struct lay l) { tdxc__put_le32(q + l.rsv + 24, 3); }
static void e_resv_owner_empty(uint8_t *q, struct lay l) { q[l.rsv + 32] = 0; }
static void e_resv_owner_long(uint8_t *q, struct lay l) { memset(q + l.rsv + 32, 'x', 24); }
static void e_resv_owner_junk(uint8_t *q, struct lay l) { q[l.rsv + 32 + 22] = 'j'; }
static void e_resv_align(uint8_t *q, struct lay l) { q[l.rsv] |= 8; }
static void e_resv_perm_released(uint8_t *q, struct lay l)
{
	/* reservation 1 is "kernel", permanent */
	tdxc__put_le32(q + l.rsv + 56 + 24, TDXC_MEMREGION_RESV_RELEASED);
}
static void e_resv_mixed_event(uint8_t *q, struct lay l)
{
	/* give reservation 1 the event of reservation 0 (7), in the other state */
	tdxc__put_le64(q + l.rsv + 56 + 16, 7);
	tdxc__put_le32(q + l.rsv + 56 + 24, 3 - tdxc__le32(q + l.rsv + 24));
}
static void e_alloc_held(uint8_t *q, struct lay l)
{
	/* an allocated run inside the permanent "kernel" reservation */
	tdxc__put_le64(q + l.alloc, 0x200);
}
static void e_alloc_foreign(uint8_t *q, struct lay l)
{
	tdxc__put_le64(q + l.alloc, 0xa0); /* 0xa0000: the reserved hole */
}
static void e_alloc_zero(uint8_t *q, struct lay l) { tdxc__put_le64(q + l.alloc + 8, 0); }
static void e_alloc_past(uint8_t *q, struct lay l)
{
	tdxc__put_le64(q + l.alloc, (4 * GiB / PG) - 1);
	tdxc__put_le64(q + l.alloc + 8, 2);
}
static void e_alloc_pending(uint8_t *q, struct lay l)
{
	/* an allocated frame in the first pending unit */
	tdxc__put_le64(q + l.alloc, tdxc__le64(q + l.pend) << 9);
	tdxc__put_le64(q + l.alloc + 8, 1);
}
static void e_alloc_guard(uint8_t *q, struct lay l)
{
	/* a run ending just before the first pending unit */
	tdxc__put_le64(q + l.alloc, (tdxc__le64(q + l.pend) << 9) - 1);
	tdxc__put_le64(q + l.alloc + 8, 1);
}
static void e_pend_outside(uint8_t *q, struct lay l)
{
	tdxc__put_le64(q + l.pend, 10); /* unit 10: 20 MiB, usable RAM */
	tdxc__put_le64(q + l.pend + 8, 1);
}
static void e_pend_range(uint8_t *q, struct lay l)
{
	tdxc__put_le64(q + l.pend + 8, UINT64_MAX);
}
static void e_trailing_run(uint8_t *q, struct lay l) { (void)q; (void)l; }

static void test_corruption(void **st)
{
	struct mro a, b, c;
	struct blob bl;
	struct ctx cx;
	struct tdxc_snapshot_reader r;
	uint8_t *before;
	(void)st;

	mro_init(&a, 0, 4 * GiB, 64);
	mro_init(&b, 0, 4 * GiB, 64);
	mro_map(&a);
	mro_history(&a, 77, 2000);
	/* pending units must exist for the pending-unit cases */
	assert_int_equal(tdxc_memregion_accept(a.mr, GiB, 64 * MiB), 0);
	assert_int_equal(snap_build(&bl, 2, 0, mr_add, &a), 0);
	record_corruptions(&bl, TDXC_SNAPSHOT_MOD_MEMREGION, 0, 2, mr_restore_fn, &b, b.mem,
			   b.len);

	cx.p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_MEMREGION, 0, &cx.len);
	cx.q = malloc(cx.len + 64);
	cx.o = &b;
	assert_true(tdxc__le64(cx.p + 16 + 24) > 2); /* some allocated runs */
	assert_true(tdxc__le64(cx.p + 16 + 32) > 0); /* some pending units */
	assert_true(tdxc__le64(cx.p + layout(cx.p).pend) > (GiB >> 21)); /* not the first */
	edit(&cx, e_trailing_run, 0); /* the unedited copy restores */
	free(b.mem);
	mro_init(&b, 0, 4 * GiB, 64);
	cx.o = &b;
	edit(&cx, e_rsv_field, TDXC_ERESERVED);
	edit(&cx, e_max_addr, TDXC_ENOTUSABLE);
	edit(&cx, e_flags, TDXC_ENOTUSABLE);
	edit(&cx, e_count_more, TDXC_ETRUNC);
	edit(&cx, e_count_less, TDXC_EMALFORMED);
	edit(&cx, e_reg_type, TDXC_EMALFORMED);
	edit(&cx, e_reg_type0, TDXC_EMALFORMED);
	edit(&cx, e_reg_align, TDXC_EMALFORMED);
	edit(&cx, e_reg_order, TDXC_EMALFORMED);
	edit(&cx, e_reg_empty, TDXC_EMALFORMED);
	edit(&cx, e_reg_unmerged, TDXC_EMALFORMED);
	edit(&cx, e_ram_above, TDXC_EMALFORMED);
	edit(&cx, e_resv_reserved, TDXC_ERESERVED);
	edit(&cx, e_resv_state, TDXC_EMALFORMED);
	edit(&cx, e_resv_owner_empty, TDXC_EMALFORMED);
	edit(&cx, e_resv_owner_long, TDXC_EMALFORMED);
	edit(&cx, e_resv_owner_junk, TDXC_EMALFORMED);
	edit(&cx, e_resv_align, TDXC_EMALFORMED);
	edit(&cx, e_resv_perm_released, TDXC_EMALFORMED);
	edit(&cx, e_resv_mixed_event, TDXC_EMALFORMED);
	edit(&cx, e_alloc_held, TDXC_EMALFORMED);
	edit(&cx, e_alloc_foreign, TDXC_EMALFORMED);
	edit(&cx, e_alloc_zero, TDXC_EMALFORMED);
	edit(&cx, e_alloc_past, TDXC_EMALFORMED);
	edit(&cx, e_alloc_pending, TDXC_EMALFORMED);
	edit(&cx, e_alloc_guard, TDXC_EMALFORMED);
	edit(&cx, e_pend_outside, TDXC_EMALFORMED);
	edit(&cx, e_pend_range, TDXC_EMALFORMED);

	/* freed runs need TRACK_FREED */
	{
		uint8_t *q = malloc(cx.len + 16);
		struct lay l = layout(cx.p);
		struct raw_rec rr = { TDXC_SNAPSHOT_MOD_MEMREGION, 1, 0, q, cx.len + 16 };
		memcpy(q, cx.p, cx.len);
		tdxc__put_le64(q, tdxc__le64(q) + 16);
		tdxc__put_le64(q + 16 + 40, 1);
		tdxc__put_le64(q + cx.len, 0x400); /* 4 MiB: usable, not held */
		tdxc__put_le64(q + cx.len + 8, 1);
		(void)l;
		expect_raw(2, &rr, 1, mr_restore_fn, &b, b.mem, b.len, TDXC_EMALFORMED);
		free(q);
	}

	/* limits of the live object */
	mro_init(&c, 0, 4 * GiB, 3);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &c), TDXC_ENOSPC);
	free(c.mem);
	mro_init(&c, 0, 8 * GiB, 64);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &c), TDXC_ENOTUSABLE);
	free(c.mem);
	/* only into a fresh object */
	mro_init(&c, 0, 4 * GiB, 64);
	assert_int_equal(tdxc_memregion_add(c.mr, 0, MiB, TDXC_MEMREGION_USABLE, 1), 0);
	before = malloc(c.len);
	memcpy(before, c.mem, c.len);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &c), TDXC_ESTATE);
	assert_memory_equal(before, c.mem, c.len);
	assert_int_equal(tdxc_memregion_commit(c.mr), 0);
	assert_int_equal(restore_blob(&bl, mr_restore_fn, &c), TDXC_ESTATE);
	free(before);
	free(c.mem);
	/* not committed: nothing to save */
	mro_init(&c, 0, 4 * GiB, 64);
	{
		struct tdxc_snapshot_writer w;
		assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, 2), 0);
		assert_int_equal(tdxc_memregion_snapshot_add(c.mr, &w), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_snapshot_add(NULL, &w), TDXC_EINVAL);
	}
	assert_int_equal(snap_open(&r, &bl), 0);
	assert_int_equal(tdxc_memregion_snapshot_restore(NULL, &r), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_snapshot_restore(c.mr, NULL), TDXC_EINVAL);
	free(c.mem);

	forward_compat(&bl, TDXC_SNAPSHOT_MOD_MEMREGION, 0, 2, mr_restore_fn, &b);
	mro_assert_equal(&a, &b);
	free(cx.p);
	free(cx.q);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_z),
		cmocka_unit_test(test_round_trip_track_freed),
		cmocka_unit_test(test_round_trip_edges),
		cmocka_unit_test(test_corruption),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
