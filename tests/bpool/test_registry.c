/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-guest registry: the OP-TEE "second VM created" scenario, duplicate
 * and unknown ids, cross-guest frees, the pool overlap matrix, corruption
 * contained to one guest, iteration order, 10,000 guests, nexus
 * out-of-memory at every allocation, destroy policies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpool_priv.h"

#define NEXUS_LEN (1u << 20)
#define GMEM_LEN (1u << 22)

struct fix {
	struct tdxc_bpool_registry r;
	uint8_t *nexus;
	uint8_t *gmem; /* memory handed out to guests as pools */
};

static bool have_uthash(void)
{
	return (tdxc_features() & TDXC_FEAT_UTHASH) != 0;
}

static struct fix *fix_new_sz(size_t nexus_len,
			      const struct tdxc_bpool_registry_params *p)
{
	struct fix *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->nexus = aligned_alloc(4096, nexus_len);
	f->gmem = aligned_alloc(4096, GMEM_LEN);
	assert_true(f->nexus && f->gmem);
	memset(f->gmem, 0, GMEM_LEN);
	assert_int_equal(tdxc_bpool_registry_init(&f->r, f->nexus, nexus_len, p), 0);
	return f;
}

static struct fix *fix_new(void)
{
	return fix_new_sz(NEXUS_LEN, NULL);
}

static void fix_free(struct fix *f)
{
	free(f->nexus);
	free(f->gmem);
	free(f);
}

/* Snapshot of the registry object and the whole nexus region. */
struct rsnap {
	struct tdxc_bpool_registry r;
	uint8_t *nexus;
};

static void rsnap_take(struct rsnap *s, const struct fix *f)
{
	s->r = f->r;
	s->nexus = malloc(NEXUS_LEN);
	memcpy(s->nexus, f->nexus, NEXUS_LEN);
}

static void rsnap_same(struct rsnap *s, const struct fix *f)
{
	assert_memory_equal(&s->r, &f->r, sizeof(f->r));
	assert_memory_equal(s->nexus, f->nexus, NEXUS_LEN);
	free(s->nexus);
}

#define MISUSE(f, call, want)                                                  \
	do {                                                                   \
		struct rsnap s_;                                               \
		rsnap_take(&s_, (f));                                          \
		assert_int_equal((call), (want));                              \
		rsnap_same(&s_, (f));                                          \
	} while (0)

static void guest_validate(struct fix *f, uint32_t id)
{
	struct tdxc_bpool *h;
	struct tdxc_bpool_check c;
	int rc;
	assert_int_equal(tdxc_bpool_guest_heap(&f->r, id, &h), 0);
	rc = tdxc_bpool_validate(h, &c);
	if (rc)
		fail_msg("guest %u: validate %d problem %u at %#llx", id, rc,
			 c.problem, (unsigned long long)c.bad_addr);
}

/* ids seen by foreach, in order */
struct idlist {
	uint32_t *ids;
	size_t n, cap;
};

static int collect(void *arg, uint32_t id, struct tdxc_bpool *heap)
{
	struct idlist *l = arg;
	(void)heap;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->ids = realloc(l->ids, l->cap * sizeof(uint32_t));
	}
	l->ids[l->n++] = id;
	return 0;
}

static struct idlist ids_of(struct fix *f)
{
	struct idlist l = { NULL, 0, 0 };
	int n = tdxc_bpool_guest_foreach(&f->r, collect, &l);
	assert_int_equal(n, (int)l.n);
	return l;
}

static void assert_ascending(const struct idlist *l)
{
	size_t i;
	for (i = 1; i < l->n; i++)
		if (l->ids[i - 1] >= l->ids[i])
			fail_msg("foreach order: %u then %u", l->ids[i - 1], l->ids[i]);
}

static void test_feature(void **state)
{
	struct tdxc_bpool_registry r;
	uint8_t nexus[256] __attribute__((aligned(16)));
	struct tdxc_bpool *h;
	struct tdxc_bpool_stats st;
	struct tdxc_bpool_registry_stats rs;
	void *p = NULL;
	(void)state;
	memset(&r, 0, sizeof(r));
	if (have_uthash()) {
		assert_int_equal(tdxc_bpool_registry_init(&r, nexus, sizeof(nexus), NULL), 0);
		return;
	}
	/* Built without uthash: the whole registry API says so. */
	assert_int_equal(tdxc_bpool_registry_init(&r, nexus, sizeof(nexus), NULL),
			 TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_create(&r, 1), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_add_pool(&r, 1, nexus, 64), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_heap(&r, 1, &h), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_alloc(&r, 1, 16, 16, &p), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_free(&r, 1, p), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_realloc(&r, 1, p, 16, &p), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_shutdown(&r, 1), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_destroy(&r, 1, 0), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_stats(&r, 1, &st), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_guest_foreach(&r, collect, NULL), TDXC_ENOTSUP);
	assert_int_equal(tdxc_bpool_registry_stats(&r, &rs), TDXC_ENOTSUP);
}

#define NEED_UTHASH()                                                          \
	do {                                                                   \
		if (!have_uthash())                                            \
			skip();                                                \
	} while (0)

/* OP-TEE #7182 end to end. */
static void test_optee_vm_created(void **state)
{
	struct fix *f;
	struct tdxc_bpool *h1, *h2, copy;
	struct tdxc_bpool_stats st;
	struct idlist l;
	void *blk[8];
	uint8_t *g1 = NULL;
	int i;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	g1 = f->gmem;

	/* The hypervisor announcing itself (id 0) is refused, nothing changes. */
	MISUSE(f, tdxc_bpool_guest_create(&f->r, TDXC_BPOOL_ID_HYPERVISOR), TDXC_EINVAL);

	/* VM_CREATED(1), then its first standard call allocates. */
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, g1, 1u << 20), 0);
	for (i = 0; i < 8; i++) {
		assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 48 + 100 * (size_t)i,
							16, &blk[i]), 0);
		memset(blk[i], 0x10 + i, 48 + 100 * (size_t)i);
	}
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, blk[3]), 0);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, blk[5]), 0);

	/* VM_CREATED(1) again: EEXIST, guest 1 and its pool untouched. */
	{
		uint8_t *before = malloc(1u << 20);
		memcpy(before, g1, 1u << 20);
		MISUSE(f, tdxc_bpool_guest_create(&f->r, 1), TDXC_EEXIST);
		assert_memory_equal(before, g1, 1u << 20);
		free(before);
	}
	guest_validate(f, 1);
	for (i = 0; i < 8; i++) {
		size_t j;
		if (i == 3 || i == 5)
			continue;
		for (j = 0; j < 48 + 100 * (size_t)i; j++)
			assert_int_equal(((uint8_t *)blk[i])[j], 0x10 + i);
	}

	/* VM_CREATED(2): a pristine context (own address, empty index). */
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 2), 0);
	assert_int_equal(tdxc_bpool_guest_heap(&f->r, 1, &h1), 0);
	assert_int_equal(tdxc_bpool_guest_heap(&f->r, 2, &h2), 0);
	assert_ptr_not_equal(h1, h2);
	assert_ptr_equal(bp_heap_of(h2)->self, bp_heap_of(h2));
	assert_int_equal(bp_heap_of(h2)->fl_map, 0);
	assert_int_equal(tdxc_bpool_stats(h2, &st), 0);
	assert_int_equal(st.total, 0);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.free_blocks, 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 2, g1 + (1u << 20), 1u << 20), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 2, 100, 16, &blk[3]), 0);
	assert_true((uint8_t *)blk[3] >= g1 + (1u << 20));

	/* A byte copy of guest 1's live context is refused (the #7182 shape). */
	memcpy(&copy, h1, sizeof(copy));
	assert_int_equal(tdxc_bpool_alloc(&copy, 16, 16, &blk[5]), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_add_pool(&copy, g1 + (2u << 20), 4096), TDXC_EINVAL);

	/* VM_DESTROYED(1) with live blocks: wipe, then create 1 again. */
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 1, TDXC_BPOOL_DESTROY_WIPE), 0);
	for (i = 0; i < (1 << 20); i++)
		if (g1[i])
			fail_msg("byte %d of the destroyed pool not wiped", i);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_stats(&f->r, 1, &st), 0);
	assert_int_equal(st.total, 0);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.nget, 0);
	/* The released range can be given out again. */
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, g1, 1u << 20), 0);
	guest_validate(f, 1);
	guest_validate(f, 2);
	l = ids_of(f);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.ids[0], 1);
	assert_int_equal(l.ids[1], 2);
	free(l.ids);
	fix_free(f);
}

static void test_unknown_ids(void **state)
{
	struct fix *f;
	struct tdxc_bpool *h;
	struct tdxc_bpool_stats st;
	void *p = NULL;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	MISUSE(f, tdxc_bpool_guest_destroy(&f->r, 9, 0), TDXC_ENOENT);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 9), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 9, 0), 0);
	MISUSE(f, tdxc_bpool_guest_destroy(&f->r, 9, 0), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_alloc(&f->r, 9, 16, 16, &p), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_free(&f->r, 9, f->gmem), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_realloc(&f->r, 9, NULL, 16, &p), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, 9, f->gmem, 4096), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_heap(&f->r, 9, &h), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_stats(&f->r, 9, &st), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_shutdown(&f->r, 9), TDXC_ENOENT);
	MISUSE(f, tdxc_bpool_guest_destroy(&f->r, 9, 2), TDXC_EFLAGS);
	MISUSE(f, tdxc_bpool_guest_heap(&f->r, 9, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_stats(&f->r, 9, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_foreach(&f->r, NULL, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_registry_stats(&f->r, NULL), TDXC_EINVAL);
	assert_null(p);
	fix_free(f);
}

static void test_cross_guest_free(void **state)
{
	struct fix *f;
	void *a, *p;
	uint8_t *pa, *pb;
	int i;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	pa = f->gmem;
	pb = f->gmem + (1u << 21);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 10), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 11), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 10, pa, 1u << 21), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 11, pb, 1u << 21), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 10, 64, 16, &a), 0);
	{
		uint8_t *before = malloc(GMEM_LEN);
		memcpy(before, f->gmem, GMEM_LEN);
		MISUSE(f, tdxc_bpool_guest_free(&f->r, 11, a), TDXC_EFOREIGN);
		MISUSE(f, tdxc_bpool_guest_realloc(&f->r, 11, a, 128, &p), TDXC_EFOREIGN);
		assert_memory_equal(before, f->gmem, GMEM_LEN);
		free(before);
	}
	for (i = 0; i < 10000; i++) {
		assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 11, 16 + (size_t)(i % 128),
							16, &p), 0);
		assert_true((uint8_t *)p >= pb && (uint8_t *)p < pb + (1u << 21));
	}
	guest_validate(f, 10);
	guest_validate(f, 11);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 10, a), 0);
	fix_free(f);
}

static void test_overlap_matrix(void **state)
{
	struct fix *f;
	uint8_t *x, *nx;
	const size_t L = 65536;
	uint32_t g;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	x = f->gmem + L; /* guest 1's pool [x, x + L) */
	nx = f->nexus;
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 2), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, x, L), 0);
	for (g = 1; g <= 2; g++) { /* same guest and other guest */
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x, L), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + 4096, 4096), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x - 4096, L + 8192), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x - 4096, 8192), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + L - 4096, 8192), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + L - 4096, 4096), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x, 64), TDXC_EOVERLAP);
		/* The nexus region, every shape. */
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, nx, NEXUS_LEN), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, nx + 4096, 4096), TDXC_EOVERLAP);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, nx + NEXUS_LEN - 64, 64),
		       TDXC_EOVERLAP);
		/* The registry object. */
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g,
				(uint8_t *)((uintptr_t)&f->r & ~(uintptr_t)15), 64),
		       TDXC_EOVERLAP);
		/* Bad ranges. */
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, (void *)(UINTPTR_MAX - 0xfff),
						    0x2000), TDXC_EOVERFLOW);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + L + 8, 4096), TDXC_EALIGN);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + L, 4100), TDXC_EALIGN);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, x + L, 32), TDXC_ESIZE);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, (void *)(uintptr_t)0x10000,
						    (size_t)TDXC_BPOOL_MAX_POOL + 16), TDXC_E2BIG);
		MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, g, NULL, 4096), TDXC_EINVAL);
	}
	/* The guest heap's own add_pool would bypass the registry's checks. */
	{
		struct tdxc_bpool *h2;
		struct tdxc_bpool_stats st;
		assert_int_equal(tdxc_bpool_guest_heap(&f->r, 2, &h2), 0);
		MISUSE(f, tdxc_bpool_add_pool(h2, x, L), TDXC_EPERM);
		MISUSE(f, tdxc_bpool_add_pool(h2, x + 2 * L, 4096), TDXC_EPERM);
		MISUSE(f, tdxc_bpool_fini(h2), TDXC_EPERM);
		assert_int_equal(tdxc_bpool_stats(h2, &st), 0);
		assert_true(st.state & TDXC_BPOOL_STATE_MANAGED);
	}
	/* Exactly adjacent on both sides is fine. */
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 2, x + L, 4096), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 2, x - 4096, 4096), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, x + L + 4096, 4096), 0);
	guest_validate(f, 1);
	guest_validate(f, 2);
	fix_free(f);
}

static void test_corruption_contained(void **state)
{
	struct fix *f;
	void *a, *b, *p;
	struct tdxc_bpool *h1;
	struct tdxc_bpool_check c;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 2), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem, 65536), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 2, f->gmem + 65536, 65536), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 32, 16, &a), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 32, 16, &b), 0);
	/* Guest 1 overflows a into b's header. */
	memset(a, 0xff, 48 + 8);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, b), TDXC_ECORRUPT);
	/* Poisoned until destroy. */
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 16, 16, &p), TDXC_ECORRUPT);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, a), TDXC_ECORRUPT);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem + 131072, 4096),
			 TDXC_ECORRUPT);
	assert_int_equal(tdxc_bpool_guest_heap(&f->r, 1, &h1), 0);
	assert_int_equal(tdxc_bpool_validate(h1, &c), TDXC_ECORRUPT);
	assert_int_equal(c.bad_addr, (uintptr_t)b - 16);
	/* Guest 2 is unaffected. */
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 2, 100, 16, &p), 0);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 2, p), 0);
	guest_validate(f, 2);
	/* Destroy needs WIPE (blocks are live), then the id is reusable. */
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 1, 0), TDXC_EBUSY);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 1, TDXC_BPOOL_DESTROY_WIPE), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem, 65536), 0);
	guest_validate(f, 1);
	fix_free(f);
}

static void test_iteration_order(void **state)
{
	static const uint32_t first[] = { 7, 3, 200, 1, 42 };
	struct fix *f;
	struct idlist l;
	uint64_t x = 12345;
	size_t i;
	(void)state;
	NEED_UTHASH();
	f = fix_new_sz(NEXUS_LEN * 8, NULL);
	for (i = 0; i < 5; i++)
		assert_int_equal(tdxc_bpool_guest_create(&f->r, first[i]), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 3, 0), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 5), 0);
	l = ids_of(f);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.ids[0], 1);
	assert_int_equal(l.ids[1], 5);
	assert_int_equal(l.ids[2], 7);
	assert_int_equal(l.ids[3], 42);
	assert_int_equal(l.ids[4], 200);
	free(l.ids);
	/* Enough random ids to force several bucket expansions. */
	for (i = 0; i < 1000; i++) {
		int rc;
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		rc = tdxc_bpool_guest_create(&f->r, (uint32_t)(x >> 40) | 1);
		assert_true(rc == 0 || rc == TDXC_EEXIST);
	}
	l = ids_of(f);
	assert_true(l.n > 900);
	assert_ascending(&l);
	free(l.ids);
	fix_free(f);
}

static int create_inside(void *arg, uint32_t id, struct tdxc_bpool *heap)
{
	struct fix *f = arg;
	(void)heap;
	assert_int_equal(tdxc_bpool_guest_create(&f->r, id + 1000), TDXC_EBUSY);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, id, 0), TDXC_EBUSY);
	assert_int_equal(tdxc_bpool_guest_foreach(&f->r, collect, NULL), TDXC_EBUSY);
	return id == 2;
}

static void test_foreach_rules(void **state)
{
	struct fix *f;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 2), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 3), 0);
	assert_int_equal(tdxc_bpool_guest_foreach(&f->r, create_inside, f), TDXC_ECALLBACK);
	/* Afterwards everything works again. */
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 4), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 4, 0), 0);
	fix_free(f);
}

/*
 * The lookup table stays proportional to the guest count: ids whose low
 * 16 bits are all equal (a poor key set for a weak hash) and plain
 * sequential ids; every id is found afterwards and unknown ids are not.
 * The nexus holds one entry per guest (its heap context and hash handle)
 * plus the bucket array; allow 512 bytes per guest beyond the context.
 */
static void test_lookup_table_bounded(void **state)
{
	uint32_t pass, i, n = 4096;
	(void)state;
	NEED_UTHASH();
	for (pass = 0; pass < 2; pass++) {
		struct fix *f = fix_new_sz((size_t)32 << 20, NULL);
		struct tdxc_bpool_registry_stats rs, rs0;
		struct tdxc_bpool *h, *h2;
		assert_int_equal(tdxc_bpool_registry_stats(&f->r, &rs0), 0);
		for (i = 0; i < n; i++) {
			uint32_t id = pass ? i + 1 : (i + 1) << 16;
			assert_int_equal(tdxc_bpool_guest_create(&f->r, id), 0);
		}
		assert_int_equal(tdxc_bpool_registry_stats(&f->r, &rs), 0);
		assert_true(rs.nexus.used - rs0.nexus.used <
			    (uint64_t)n * (sizeof(struct tdxc_bpool) + 512));
		for (i = 0; i < n; i++) {
			uint32_t id = pass ? i + 1 : (i + 1) << 16;
			assert_int_equal(tdxc_bpool_guest_heap(&f->r, id, &h), 0);
			assert_int_equal(tdxc_bpool_guest_heap(&f->r, id, &h2), 0);
			assert_ptr_equal(h, h2);
			assert_int_equal(tdxc_bpool_guest_heap(&f->r, pass ? id + n : id + 1,
							       &h2), TDXC_ENOENT);
		}
		fix_free(f);
	}
}

static void test_10000_guests(void **state)
{
	struct fix *f;
	struct tdxc_bpool_registry_stats rs, rs0;
	struct idlist l;
	uint32_t *ids = malloc(10000 * sizeof(uint32_t));
	uint32_t i;
	(void)state;
	NEED_UTHASH();
	f = fix_new_sz((size_t)64 << 20, NULL);
	assert_int_equal(tdxc_bpool_registry_stats(&f->r, &rs0), 0);
	for (i = 0; i < 10000; i++)
		ids[i] = i * 7919u % 10007u + 1; /* a permutation, not ascending */
	for (i = 0; i < 10000; i++) {
		void *p;
		assert_int_equal(tdxc_bpool_guest_create(&f->r, ids[i]), 0);
		assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, ids[i],
							   f->gmem + 256 * (size_t)i, 256), 0);
		assert_int_equal(tdxc_bpool_guest_alloc(&f->r, ids[i], 100, 16, &p), 0);
		assert_true((uint8_t *)p >= f->gmem + 256 * (size_t)i &&
			    (uint8_t *)p < f->gmem + 256 * (size_t)(i + 1));
	}
	assert_int_equal(tdxc_bpool_registry_stats(&f->r, &rs), 0);
	assert_int_equal(rs.guests, 10000);
	assert_int_equal(rs.pools, 10000);
	assert_int_equal(rs.guest_live, 10000);
	assert_int_equal(rs.guest_total, 2560000);
	l = ids_of(f);
	assert_int_equal(l.n, 10000);
	assert_ascending(&l);
	free(l.ids);
	for (i = 0; i < 10000; i++) {
		assert_int_equal(tdxc_bpool_guest_destroy(&f->r, ids[i], 0), TDXC_EBUSY);
		assert_int_equal(tdxc_bpool_guest_destroy(&f->r, ids[i],
							  TDXC_BPOOL_DESTROY_WIPE), 0);
	}
	assert_int_equal(tdxc_bpool_registry_stats(&f->r, &rs), 0);
	assert_int_equal(rs.guests, 0);
	assert_int_equal(rs.pools, 0);
	/* The pool index array stays allocated; every other byte is back. */
	assert_int_equal(rs.nexus.live, 1);
	assert_int_equal(rs0.nexus.live, 0);
	free(ids);
	fix_free(f);
}

/* Fail the k-th nexus allocation for every k during create. */
static void test_nexus_oom(void **state)
{
	struct fix *f;
	struct tdxc_bpool_registry_stats before, after;
	struct idlist l0, l1;
	uint32_t id, k, failures = 0;
	(void)state;
	NEED_UTHASH();
	f = fix_new_sz(NEXUS_LEN * 8, NULL);
	for (id = 1; id <= 700; id++) {
		uint32_t nid = id % 2 ? id : 100000 - id; /* both add paths */
		for (k = 1;; k++) {
			int rc;
			assert_int_equal(tdxc_bpool_registry_stats(&f->r, &before), 0);
			l0 = ids_of(f);
			assert_int_equal(tdxc__bpool_registry_fail_nth(&f->r, k), 0);
			rc = tdxc_bpool_guest_create(&f->r, nid);
			assert_int_equal(tdxc__bpool_registry_fail_nth(&f->r, 0), 0);
			if (rc == 0) {
				free(l0.ids);
				break;
			}
			assert_int_equal(rc, TDXC_ENOMEM);
			failures++;
			assert_int_equal(tdxc_bpool_registry_stats(&f->r, &after), 0);
			assert_int_equal(after.guests, before.guests);
			assert_int_equal(after.nexus.used, before.nexus.used);
			assert_int_equal(after.nexus.live, before.nexus.live);
			l1 = ids_of(f);
			assert_int_equal(l1.n, l0.n);
			assert_memory_equal(l1.ids, l0.ids, l0.n * sizeof(uint32_t));
			free(l0.ids);
			free(l1.ids);
		}
	}
	/* At least entry, table and several bucket growths failed. */
	assert_true(failures > 700 + 2);
	l0 = ids_of(f);
	assert_int_equal(l0.n, 700);
	assert_ascending(&l0);
	free(l0.ids);
	/* Pool index growth failing is ENOMEM too, nothing changed. */
	assert_int_equal(tdxc__bpool_registry_fail_nth(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem, 4096), TDXC_ENOMEM);
	assert_int_equal(tdxc__bpool_registry_fail_nth(&f->r, 0), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem, 4096), 0);
	fix_free(f);
}

/* A real exhaustion of a small nexus: ENOMEM, the others keep working. */
static void test_nexus_exhausted(void **state)
{
	struct fix *f;
	struct idlist l;
	uint32_t id;
	int rc = 0;
	void *p;
	(void)state;
	NEED_UTHASH();
	f = fix_new_sz(65536, NULL);
	for (id = 1; id < 1000 && rc == 0; id++)
		rc = tdxc_bpool_guest_create(&f->r, id);
	assert_int_equal(rc, TDXC_ENOMEM);
	l = ids_of(f);
	assert_int_equal(l.n, id - 2);
	assert_ascending(&l);
	free(l.ids);
	/* Space freed by a destroy is usable again (the pool index needs some). */
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 2, 0), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem, 4096), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 64, 16, &p), 0);
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, p), 0);
	fix_free(f);
}

static void test_destroy_policy(void **state)
{
	struct fix *f;
	void *p;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 5), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 5, f->gmem, 8192), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 5, 64, 16, &p), 0);
	memset(p, 0x77, 64);
	{
		uint8_t before[8192];
		memcpy(before, f->gmem, sizeof(before));
		MISUSE(f, tdxc_bpool_guest_destroy(&f->r, 5, 0), TDXC_EBUSY);
		assert_memory_equal(before, f->gmem, sizeof(before));
	}
	/* The range is still owned by 5. */
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 6), 0);
	MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, 6, f->gmem, 8192), TDXC_EOVERLAP);
	/* Without live blocks a plain destroy works. */
	assert_int_equal(tdxc_bpool_guest_free(&f->r, 5, p), 0);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 5, 0), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 6, f->gmem, 8192), 0);
	fix_free(f);
}

static void test_shutdown(void **state)
{
	struct fix *f;
	void *p, *q;
	struct tdxc_bpool *h;
	(void)state;
	NEED_UTHASH();
	f = fix_new();
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 3), 0);
	assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 3, f->gmem, 8192), 0);
	assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 3, 64, 16, &p), 0);
	assert_int_equal(tdxc_bpool_guest_shutdown(&f->r, 3), 0);
	MISUSE(f, tdxc_bpool_guest_shutdown(&f->r, 3), TDXC_EALREADY);
	MISUSE(f, tdxc_bpool_guest_alloc(&f->r, 3, 64, 16, &q), TDXC_EBUSY);
	MISUSE(f, tdxc_bpool_guest_free(&f->r, 3, p), TDXC_EBUSY);
	MISUSE(f, tdxc_bpool_guest_realloc(&f->r, 3, p, 10, &q), TDXC_EBUSY);
	MISUSE(f, tdxc_bpool_guest_add_pool(&f->r, 3, f->gmem + 8192, 8192), TDXC_EBUSY);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 3), TDXC_EEXIST);
	/* Directly through the heap handle too. */
	assert_int_equal(tdxc_bpool_guest_heap(&f->r, 3, &h), 0);
	MISUSE(f, tdxc_bpool_free(h, p), TDXC_EBUSY);
	assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 3, TDXC_BPOOL_DESTROY_WIPE), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 3), 0);
	fix_free(f);
}

static void test_params(void **state)
{
	struct fix *f;
	struct tdxc_bpool_registry_params p;
	struct tdxc_bpool_registry r2;
	uint8_t *nx;
	(void)state;
	NEED_UTHASH();
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_id = 100;
	p.max_guests = 3;
	p.reserved_ids[0] = 50;
	p.reserved_ids[2] = 60;
	f = fix_new_sz(NEXUS_LEN, &p);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 0), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 50), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 60), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 101), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, UINT32_MAX), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 100), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
	assert_int_equal(tdxc_bpool_guest_create(&f->r, 49), 0);
	MISUSE(f, tdxc_bpool_guest_create(&f->r, 2), TDXC_ENOSPC);
	/* A live registry cannot be re-initialised. */
	MISUSE(f, tdxc_bpool_registry_init(&f->r, f->nexus, NEXUS_LEN, NULL), TDXC_EBUSY);
	/* Nor can a byte copy be used. */
	memcpy(&r2, &f->r, sizeof(r2));
	assert_int_equal(tdxc_bpool_guest_create(&r2, 7), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_guest_destroy(&r2, 1, 0), TDXC_EINVAL);
	fix_free(f);

	/* Bad init arguments leave the storage as it was. */
	nx = aligned_alloc(4096, 65536);
	memset(&r2, 0x33, sizeof(r2));
	{
		struct tdxc_bpool_registry keep = r2;
		assert_int_equal(tdxc_bpool_registry_init(NULL, nx, 65536, NULL), TDXC_EINVAL);
		assert_int_equal(tdxc_bpool_registry_init(&r2, NULL, 65536, NULL), TDXC_EINVAL);
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx + 8, 4096, NULL), TDXC_EALIGN);
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx, 4100, NULL), TDXC_EALIGN);
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx, 32, NULL), TDXC_ESIZE);
		assert_int_equal(tdxc_bpool_registry_init(&r2, (void *)(UINTPTR_MAX - 0xfff),
							  0x2000, NULL), TDXC_EOVERFLOW);
		assert_int_equal(tdxc_bpool_registry_init(&r2, (void *)(uintptr_t)0x10000,
							  (size_t)TDXC_BPOOL_MAX_POOL + 16, NULL),
				 TDXC_E2BIG);
		assert_int_equal(tdxc_bpool_registry_init(
					 (struct tdxc_bpool_registry *)(void *)(nx + 4096),
					 nx, 65536, NULL), TDXC_EOVERLAP);
		p.size = 4;
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx, 65536, &p), TDXC_ESIZE);
		p.size = sizeof(p);
		p.flags = 0x100;
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx, 65536, &p), TDXC_EFLAGS);
		p.flags = 0;
		p.reserved[0] = 1;
		assert_int_equal(tdxc_bpool_registry_init(&r2, nx, 65536, &p), TDXC_ERESERVED);
		assert_memory_equal(&keep, &r2, sizeof(r2));
	}
	free(nx);
}

/* Guest heaps with a large first pool get the free-block cache; cached
 * blocks are not live, so a plain destroy works. REG_NO_CACHE turns it off
 * for every heap of the registry. */
static void test_guest_cache(void **state)
{
	struct tdxc_bpool_registry_params p;
	struct tdxc_bpool_stats st;
	struct fix *f;
	void *a, *b;
	int off;
	(void)state;
	NEED_UTHASH();
	for (off = 0; off < 2; off++) {
		memset(&p, 0, sizeof(p));
		p.size = sizeof(p);
		p.flags = off ? TDXC_BPOOL_REG_NO_CACHE : 0;
		f = fix_new_sz(NEXUS_LEN, &p);
		assert_int_equal(tdxc_bpool_guest_create(&f->r, 1), 0);
		assert_int_equal(tdxc_bpool_guest_add_pool(&f->r, 1, f->gmem,
							   TDXC_BPOOL_CACHE_MIN_POOL), 0);
		assert_int_equal(tdxc_bpool_guest_stats(&f->r, 1, &st), 0);
		assert_int_equal(st.used, off ? 0 : TDXC_BPOOL_CACHE_TABLE);
		assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 64, 16, &a), 0);
		assert_int_equal(tdxc_bpool_guest_alloc(&f->r, 1, 64, 16, &b), 0);
		assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, b), 0);
		assert_int_equal(tdxc_bpool_guest_stats(&f->r, 1, &st), 0);
		assert_int_equal(st.live, 1);
		/* Cached, b stays a block of its own next to the free rest;
		 * without the cache it merges with it. */
		assert_int_equal(st.free_blocks, off ? 1 : 2);
		MISUSE(f, tdxc_bpool_guest_free(&f->r, 1, b), TDXC_EDOUBLEFREE);
		assert_int_equal(tdxc_bpool_guest_free(&f->r, 1, a), 0);
		guest_validate(f, 1);
		assert_int_equal(tdxc_bpool_guest_destroy(&f->r, 1, 0), 0);
		fix_free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_feature),
		cmocka_unit_test(test_optee_vm_created),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_cross_guest_free),
		cmocka_unit_test(test_overlap_matrix),
		cmocka_unit_test(test_corruption_contained),
		cmocka_unit_test(test_iteration_order),
		cmocka_unit_test(test_foreach_rules),
		cmocka_unit_test(test_10000_guests),
		cmocka_unit_test(test_lookup_table_bounded),
		cmocka_unit_test(test_nexus_oom),
		cmocka_unit_test(test_nexus_exhausted),
		cmocka_unit_test(test_destroy_policy),
		cmocka_unit_test(test_shutdown),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_guest_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
