/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpool registry record: guests and pool ranges survive a round trip into
 * a registry at another address (plain and compressed), both registries
 * behave the same afterwards, and every bad record is refused with its own
 * code without writing to the registry, its nexus or the arena.
 */
#include "snap_test.h"
#include "bpool/bpool_priv.h"

#define NEXUS (64u * 1024u)
#define ARENA (1u << 20)

/* One allocation: [registry object | nexus | arena], so a single memcmp
 * covers everything a restore could write. */
struct reg {
	uint8_t *mem;
	size_t len;
	struct tdxc_bpool_registry *r;
	uint8_t *nexus, *arena;
};

static void reg_init(struct reg *g, uint32_t max_guests)
{
	struct tdxc_bpool_registry_params p;
	size_t off = (sizeof(struct tdxc_bpool_registry) + 63) & ~(size_t)63;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.secret = 0x1234;
	/* The tests compare where blocks land in a restored registry and in
	 * the original, whose heaps are empty but have a history: without the
	 * free-block cache an emptied heap is one free block per pool again. */
	p.flags = TDXC_BPOOL_REG_NO_CACHE;
	p.max_id = 1000;
	p.max_guests = max_guests;
	p.reserved_ids[0] = 13;
	g->len = off + NEXUS + ARENA;
	g->mem = aligned_alloc(64, g->len);
	assert_non_null(g->mem);
	memset(g->mem, 0x33, g->len);
	g->r = (struct tdxc_bpool_registry *)(void *)g->mem;
	memset(g->r, 0, sizeof(*g->r));
	g->nexus = g->mem + off;
	g->arena = g->nexus + NEXUS;
	assert_int_equal(tdxc_bpool_registry_init(g->r, g->nexus, NEXUS, &p), 0);
}

static void reg_populate(struct reg *g)
{
	static const uint32_t ids[] = { 100, 3, 9, 5 };
	unsigned i;
	void *x;
	for (i = 0; i < 4; i++)
		assert_int_equal(tdxc_bpool_guest_create(g->r, ids[i]), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 3, g->arena + 0x10000, 0x8000), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 3, g->arena + 0x1000, 0x2000), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 5, g->arena + 0x40000, 0x40000), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 9, g->arena + 0x30, 0x800), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 100, g->arena + 0x90000, 0x10000), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(g->r, 100, g->arena + 0xc0000, 0x10000), 0);
	/* a created-and-destroyed guest leaves nothing behind */
	assert_int_equal(tdxc_bpool_guest_create(g->r, 77), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(g->r, 77, 0), 0);
	/* heap contents are not registry state: freed before the snapshot */
	assert_int_equal(tdxc_bpool_guest_alloc(g->r, 5, 1000, 16, &x), 0);
	assert_int_equal(tdxc_bpool_guest_free(g->r, 5, x), 0);
	assert_int_equal(tdxc_bpool_guest_shutdown(g->r, 9), 0);
}

struct ids {
	uint32_t id[16];
	struct tdxc_bpool_stats st[16];
	unsigned n;
};

static int list_cb(void *arg, uint32_t id, struct tdxc_bpool *heap)
{
	struct ids *l = (struct ids *)arg;
	assert_true(l->n < 16);
	l->id[l->n] = id;
	assert_int_equal(tdxc_bpool_stats(heap, &l->st[l->n]), 0);
	l->n++;
	return 0;
}

static void reg_assert_equal(struct reg *a, struct reg *b)
{
	struct ids la, lb;
	struct tdxc_bpool_registry_stats sa, sb;
	unsigned i;
	memset(&la, 0, sizeof(la));
	memset(&lb, 0, sizeof(lb));
	assert_true(tdxc_bpool_guest_foreach(a->r, list_cb, &la) >= 0);
	assert_true(tdxc_bpool_guest_foreach(b->r, list_cb, &lb) >= 0);
	assert_int_equal(la.n, lb.n);
	for (i = 0; i < la.n; i++) {
		assert_int_equal(la.id[i], lb.id[i]);
		assert_int_equal(la.st[i].total, lb.st[i].total);
		assert_int_equal(la.st[i].free, lb.st[i].free);
		assert_int_equal(la.st[i].used, lb.st[i].used);
		assert_int_equal(la.st[i].npools, lb.st[i].npools);
		assert_int_equal(la.st[i].state, lb.st[i].state);
		assert_int_equal(la.st[i].alloc_max, lb.st[i].alloc_max);
	}
	assert_int_equal(tdxc_bpool_registry_stats(a->r, &sa), 0);
	assert_int_equal(tdxc_bpool_registry_stats(b->r, &sb), 0);
	assert_int_equal(sa.guests, sb.guests);
	assert_int_equal(sa.pools, sb.pools);
	assert_int_equal(sa.guest_total, sb.guest_total);
	assert_int_equal(sa.guest_used, sb.guest_used);
}

/* Identical operations; returned pointers compared as arena offsets. */
static void reg_ops(struct reg *a, struct reg *b)
{
	static const uint32_t ids[] = { 3, 5, 100, 9, 42 };
	uint64_t s = 5;
	unsigned i;
	for (i = 0; i < 400; i++) {
		uint32_t id = ids[rnd(&s) % 5];
		size_t sz = 1 + rnd(&s) % 3000;
		void *x = NULL, *y = NULL;
		int ra = tdxc_bpool_guest_alloc(a->r, id, sz, 16, &x);
		int rb = tdxc_bpool_guest_alloc(b->r, id, sz, 16, &y);
		assert_int_equal(ra, rb);
		if (ra == 0) {
			assert_int_equal((uint8_t *)x - a->arena, (uint8_t *)y - b->arena);
			if (rnd(&s) & 1) {
				assert_int_equal(tdxc_bpool_guest_free(a->r, id, x), 0);
				assert_int_equal(tdxc_bpool_guest_free(b->r, id, y), 0);
			}
		}
	}
	/* the restored ranges are taken: overlapping pools are refused */
	assert_int_equal(tdxc_bpool_guest_create(a->r, 42), 0);
	assert_int_equal(tdxc_bpool_guest_create(b->r, 42), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(a->r, 42, a->arena + 0x41000, 0x1000),
			 TDXC_EOVERLAP);
	assert_int_equal(tdxc_bpool_guest_add_pool(b->r, 42, b->arena + 0x41000, 0x1000),
			 TDXC_EOVERLAP);
	assert_int_equal(tdxc_bpool_guest_add_pool(a->r, 42, a->arena + 0xe0000, 0x1000), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(b->r, 42, b->arena + 0xe0000, 0x1000), 0);
	assert_int_equal(tdxc_bpool_guest_create(b->r, 9), TDXC_EEXIST);
	assert_int_equal(tdxc_bpool_guest_alloc(b->r, 9, 16, 16, (void **)&s), TDXC_EBUSY);
}

static int bp_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	struct reg *g = (struct reg *)ctx;
	return tdxc_bpool_registry_snapshot_add(g->r, g->arena, ARENA, w);
}

static int bp_restore_fn(void *obj, const struct tdxc_snapshot_reader *r)
{
	struct reg *g = (struct reg *)obj;
	return tdxc_bpool_registry_snapshot_restore(g->r, g->arena, ARENA, r);
}

static void round_trip(int compress)
{
	struct reg a, b;
	struct blob bl;
	reg_init(&a, 0);
	reg_init(&b, 0);
	reg_populate(&a);
	assert_int_equal(snap_build(&bl, 2, compress, bp_add, &a), 0);
	assert_int_equal(restore_blob(&bl, bp_restore_fn, &b), 0);
	reg_assert_equal(&a, &b);
	reg_ops(&a, &b);
	reg_assert_equal(&a, &b);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

static void test_round_trip(void **st)
{
	(void)st;
	round_trip(0);
}

static void test_round_trip_z(void **st)
{
	(void)st;
	if (!have_zlib())
		skip();
	round_trip(1);
}

/* ---- corruption --------------------------------------------------------- */

struct cx {
	uint8_t *p, *q;
	size_t len;
	struct reg *g;
};

static void edit(struct cx *c, void (*fn)(uint8_t *body), int want)
{
	struct raw_rec rr = { TDXC_SNAPSHOT_MOD_BPOOL, 1, 0, c->q, c->len };
	memcpy(c->q, c->p, c->len);
	fn(c->q + 16);
	expect_raw(2, &rr, 1, bp_restore_fn, c->g, c->g->mem, c->g->len, want);
}

/* Body: 8 header, 4 guests (3, 5, 9, 100) x 16, then 6 pools x 16. */
#define G(i) (8 + 16 * (i))
#define P(i) (8 + 64 + 16 * (i))
static void e_more_guests(uint8_t *b) { tdxc__put_le32(b, 5); }
static void e_fewer_pools(uint8_t *b) { tdxc__put_le32(b + 4, 5); }
static void e_sum(uint8_t *b) { tdxc__put_le32(b + G(0) + 8, 1); }
static void e_order(uint8_t *b) { tdxc__put_le32(b + G(1), 3); }
static void e_reserved(uint8_t *b) { b[G(2) + 12] = 1; }
static void e_state(uint8_t *b) { b[G(2) + 4] |= 2; }
static void e_id0(uint8_t *b) { tdxc__put_le32(b + G(0), 0); }
static void e_id_rsv(uint8_t *b) { tdxc__put_le32(b + G(2), 13); }
static void e_id_max(uint8_t *b) { tdxc__put_le32(b + G(3), 1001); }
static void e_many_pools(uint8_t *b) { tdxc__put_le32(b + G(0) + 8, 17); }
static void e_align(uint8_t *b) { b[P(0)] |= 8; }
static void e_small(uint8_t *b) { tdxc__put_le64(b + P(3) + 8, 32); }
static void e_big(uint8_t *b) { tdxc__put_le64(b + P(3) + 8, UINT64_C(1) << 40); }
static void e_outside(uint8_t *b) { tdxc__put_le64(b + P(2), ARENA - 0x1000); }
static void e_wrap(uint8_t *b) { tdxc__put_le64(b + P(2), UINT64_MAX - 15); }
static void e_overlap(uint8_t *b) { tdxc__put_le64(b + P(5), 0x95000); }

static void test_corruption(void **st)
{
	struct reg a, b, c;
	struct blob bl;
	struct cx cx;
	struct tdxc_snapshot_reader r;
	uint8_t *before;
	struct tdxc_bpool_registry_stats s0, s1;
	(void)st;

	reg_init(&a, 0);
	reg_init(&b, 0);
	reg_populate(&a);
	assert_int_equal(snap_build(&bl, 2, 0, bp_add, &a), 0);
	record_corruptions(&bl, TDXC_SNAPSHOT_MOD_BPOOL, 0, 2, bp_restore_fn, &b, b.mem, b.len);
	cx.p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_BPOOL, 0, &cx.len);
	cx.q = malloc(cx.len + 16);
	cx.g = &b;
	assert_int_equal(cx.len, 16 + 8 + 4 * 16 + 6 * 16);
	edit(&cx, e_more_guests, TDXC_ETRUNC);
	edit(&cx, e_fewer_pools, TDXC_EMALFORMED);
	edit(&cx, e_sum, TDXC_EMALFORMED);
	edit(&cx, e_order, TDXC_EMALFORMED);
	edit(&cx, e_reserved, TDXC_ERESERVED);
	edit(&cx, e_state, TDXC_EFLAGS);
	edit(&cx, e_id0, TDXC_ERANGE);
	edit(&cx, e_id_rsv, TDXC_ERANGE);
	edit(&cx, e_id_max, TDXC_ERANGE);
	edit(&cx, e_many_pools, TDXC_ENOSPC);
	edit(&cx, e_align, TDXC_EALIGN);
	edit(&cx, e_small, TDXC_ESIZE);
	edit(&cx, e_big, TDXC_E2BIG);
	edit(&cx, e_outside, TDXC_ERANGE);
	edit(&cx, e_wrap, TDXC_ERANGE);
	edit(&cx, e_overlap, TDXC_EOVERLAP);

	/* the arena may not reach into the nexus or the registry object */
	before = malloc(b.len);
	memcpy(before, b.mem, b.len);
	assert_int_equal(snap_open(&r, &bl), 0);
	assert_int_equal(tdxc_bpool_registry_snapshot_restore(b.r, b.nexus, ARENA, &r),
			 TDXC_EOVERLAP);
	assert_int_equal(tdxc_bpool_registry_snapshot_restore(b.r, b.arena + 8, ARENA - 16, &r),
			 TDXC_EALIGN);
	assert_int_equal(tdxc_bpool_registry_snapshot_restore(b.r, b.arena, 0x20000, &r),
			 TDXC_ERANGE);
	assert_int_equal(tdxc_bpool_registry_snapshot_restore(NULL, b.arena, ARENA, &r),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_registry_snapshot_restore(b.r, b.arena, ARENA, NULL),
			 TDXC_EINVAL);
	assert_memory_equal(before, b.mem, b.len);
	free(before);

	/* limits of the live registry */
	reg_init(&c, 3);
	assert_int_equal(restore_blob(&bl, bp_restore_fn, &c), TDXC_ENOSPC);
	assert_int_equal(tdxc_bpool_guest_create(c.r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(c.r, 1, 0), 0);
	assert_int_equal(restore_blob(&bl, bp_restore_fn, &c), TDXC_ESTATE); /* not fresh */
	free(c.mem);

	/* out of nexus memory half-way: back to the fresh registry */
	reg_init(&c, 0);
	assert_int_equal(tdxc_bpool_registry_stats(c.r, &s0), 0);
	assert_int_equal(tdxc__bpool_registry_fail_nth(c.r, 3), 0);
	assert_int_equal(restore_blob(&bl, bp_restore_fn, &c), TDXC_ENOMEM);
	assert_int_equal(tdxc_bpool_registry_stats(c.r, &s1), 0);
	assert_memory_equal(&s0, &s1, sizeof(s0));
	assert_int_equal(restore_blob(&bl, bp_restore_fn, &c), 0);
	reg_assert_equal(&a, &c);
	free(c.mem);

	/* save side: pools outside the arena, writer unchanged */
	{
		struct tdxc_snapshot_writer w, wb;
		assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, 2), 0);
		memcpy(&wb, &w, sizeof(w));
		assert_int_equal(tdxc_bpool_registry_snapshot_add(a.r, a.arena + 0x2000, ARENA, &w),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_bpool_registry_snapshot_add(a.r, a.arena, 0x20000, &w),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_bpool_registry_snapshot_add(NULL, a.arena, ARENA, &w),
				 TDXC_EINVAL);
		assert_memory_equal(&w, &wb, sizeof(w));
	}

	forward_compat(&bl, TDXC_SNAPSHOT_MOD_BPOOL, 0, 2, bp_restore_fn, &b);
	reg_assert_equal(&a, &b);
	free(cx.p);
	free(cx.q);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

/* Built without uthash: both entry points must say so. */
static int registry_absent(void)
{
	static uint64_t any[64];
	struct tdxc_bpool_registry *r = (struct tdxc_bpool_registry *)(void *)any;
	if (tdxc_bpool_registry_snapshot_add(r, any, 64,
					     (struct tdxc_snapshot_writer *)(void *)any) !=
		    TDXC_ENOTSUP ||
	    tdxc_bpool_registry_snapshot_restore(
		    r, any, 64, (const struct tdxc_snapshot_reader *)(void *)any) != TDXC_ENOTSUP) {
		fprintf(stderr, "registry entry points must be TDXC_ENOTSUP without uthash\n");
		return 1;
	}
	printf("bpool registry not built (no uthash): skipped\n");
	return 77;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_z),
		cmocka_unit_test(test_corruption),
	};
	if (!(tdxc_features() & TDXC_FEAT_UTHASH))
		return registry_absent();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
