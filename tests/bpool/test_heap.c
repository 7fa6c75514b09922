/* SPDX-License-Identifier: BSD-2-Clause */
/* bpool heap: bget semantics, O(1) index behaviour, every misuse with its
 * exact error code and an unchanged heap, corruption detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpool_priv.h"

#define POOL_LEN (1u << 20)

struct fix {
	struct tdxc_bpool h;
	_Alignas(4096) uint8_t pool[POOL_LEN];
	uint8_t pool2[4096];
};

/* Snapshot of the heap object and its pool memory. */
struct snap {
	struct tdxc_bpool h;
	uint8_t *pool;
};

/* POOL_LEN is large enough for a free-block cache: tests of the index
 * core's exact layout pass TDXC_BPOOL_F_NO_CACHE, the others run with it. */
static struct fix *fix_new(uint32_t flags)
{
	struct fix *f = aligned_alloc(4096, sizeof(struct fix));
	struct tdxc_bpool_params p;
	assert_non_null(f);
	memset(f, 0, sizeof(*f));
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = flags;
	p.secret = 0x1234567890abcdefull;
	assert_int_equal(tdxc_bpool_init(&f->h, &p), 0);
	assert_int_equal(tdxc_bpool_add_pool(&f->h, f->pool, POOL_LEN), 0);
	return f;
}

static void snap_take(struct snap *s, const struct fix *f)
{
	s->h = f->h;
	s->pool = malloc(POOL_LEN);
	assert_non_null(s->pool);
	memcpy(s->pool, f->pool, POOL_LEN);
}

static void snap_same(struct snap *s, const struct fix *f)
{
	assert_memory_equal(&s->h, &f->h, sizeof(f->h));
	assert_memory_equal(s->pool, f->pool, POOL_LEN);
	free(s->pool);
}

static void validate_ok(struct tdxc_bpool *h)
{
	struct tdxc_bpool_check c;
	int rc = tdxc_bpool_validate(h, &c);
	if (rc)
		fail_msg("validate: %d problem %u at %#llx", rc, c.problem,
			 (unsigned long long)c.bad_addr);
}

static void test_basic(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
	struct tdxc_bpool_stats st;
	void *a, *b, *c;
	size_t n;
	(void)state;

	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.total, POOL_LEN);
	assert_int_equal(st.free, POOL_LEN - 16);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.npools, 1);

	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &a), 0);
	assert_int_equal((uintptr_t)a % 16, 0);
	assert_true((uint8_t *)a >= f->pool && (uint8_t *)a < f->pool + POOL_LEN);
	/* 8 bytes per block: the size word (the prevfree word overlaps the
	 * previous block's tail). */
	assert_int_equal(tdxc_bpool_usable_size(&f->h, a, &n), 0);
	assert_int_equal(n, 104);
	memset(a, 0xab, 100);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 1, 1, &b), 0);
	assert_int_equal(tdxc_bpool_usable_size(&f->h, b, &n), 0);
	assert_int_equal(n, 24);
	assert_int_equal(tdxc_bpool_calloc(&f->h, 1000, &c), 0);
	for (n = 0; n < 1000; n++)
		assert_int_equal(((uint8_t *)c)[n], 0);
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.live, 3);
	assert_int_equal(st.used, 112 + 32 + 1008);
	assert_int_equal(st.used + st.free + 16 * st.npools, st.total);
	validate_ok(&f->h);

	/* Free the middle block, then its neighbours: everything coalesces. */
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0);
	validate_ok(&f->h);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	validate_ok(&f->h);
	assert_int_equal(tdxc_bpool_free(&f->h, c), 0);
	validate_ok(&f->h);
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(st.free, POOL_LEN - 16);
	assert_int_equal(st.nget, 3);
	assert_int_equal(st.nrel, 3);
	assert_int_equal(st.alloc_max + 16 <= POOL_LEN - 16, 1);
	assert_int_equal(tdxc_bpool_alloc(&f->h, st.alloc_max, 16, &a), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	free(f);
}

static void test_aligned(void **state)
{
	struct fix *f = fix_new(0);
	void *p[64];
	size_t al;
	int i = 0;
	(void)state;
	for (al = 1; al <= 65536 && i < 64; al <<= 1, i++) {
		assert_int_equal(tdxc_bpool_alloc(&f->h, 24 + (size_t)i, al, &p[i]), 0);
		assert_int_equal((uintptr_t)p[i] % (al < 16 ? 16 : al), 0);
		memset(p[i], i, 24 + (size_t)i);
		validate_ok(&f->h);
	}
	while (i-- > 0) {
		assert_int_equal(tdxc_bpool_free(&f->h, p[i]), 0);
		validate_ok(&f->h);
	}
	free(f);
}

static void test_realloc_in_place(void **state)
{
	struct fix *f = fix_new(0);
	void *a, *b, *x;
	size_t i;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	for (i = 0; i < 64; i++)
		((uint8_t *)a)[i] = (uint8_t)i;
	/* Grows into the free remainder above: same address. */
	assert_int_equal(tdxc_bpool_realloc(&f->h, a, 4000, &x), 0);
	assert_ptr_equal(x, a);
	validate_ok(&f->h);
	/* Shrinks in place. */
	assert_int_equal(tdxc_bpool_realloc(&f->h, a, 32, &x), 0);
	assert_ptr_equal(x, a);
	validate_ok(&f->h);
	for (i = 0; i < 32; i++)
		assert_int_equal(((uint8_t *)a)[i], i);
	/* A block right above forces a move; contents survive. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 16, 16, &b), 0);
	assert_int_equal(tdxc_bpool_realloc(&f->h, a, 5000, &x), 0);
	assert_ptr_not_equal(x, a);
	for (i = 0; i < 32; i++)
		assert_int_equal(((uint8_t *)x)[i], i);
	validate_ok(&f->h);
	/* The old block is gone. */
	assert_int_equal(tdxc_bpool_free(&f->h, a), TDXC_EDOUBLEFREE);
	/* realloc(NULL) allocates. */
	assert_int_equal(tdxc_bpool_realloc(&f->h, NULL, 10, &a), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, x), 0);
	validate_ok(&f->h);
	free(f);
}

static void test_bget_shim(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
	uint64_t cur, tot, maxf, ng, nr;
	uint8_t *a, *b, *big;
	size_t i;
	(void)state;

	a = tdxc_bpool_bgetz(&f->h, 300);
	assert_non_null(a);
	for (i = 0; i < 300; i++)
		assert_int_equal(a[i], 0);
	for (i = 0; i < 300; i++)
		a[i] = (uint8_t)(i * 7);
	b = tdxc_bpool_bget(&f->h, 16);
	assert_non_null(b);
	a = tdxc_bpool_bgetr(&f->h, a, 600);
	assert_non_null(a);
	for (i = 0; i < 300; i++)
		assert_int_equal(a[i], (uint8_t)(i * 7));
	a = tdxc_bpool_bgetr(&f->h, a, 100); /* shrink keeps min(old, new) */
	for (i = 0; i < 100; i++)
		assert_int_equal(a[i], (uint8_t)(i * 7));
	/* Failing bgetr leaves the old block. */
	assert_null(tdxc_bpool_bgetr(&f->h, a, POOL_LEN));
	for (i = 0; i < 100; i++)
		assert_int_equal(a[i], (uint8_t)(i * 7));
	assert_null(tdxc_bpool_bget(&f->h, 0));
	assert_null(tdxc_bpool_bget(&f->h, POOL_LEN));
	assert_int_equal(tdxc_bpool_bstats(&f->h, &cur, &tot, &maxf, &ng, &nr), 0);
	assert_int_equal(cur, 112 + 32);
	assert_int_equal(cur + tot + 16, POOL_LEN);
	assert_int_equal(ng, 3); /* bgetz, bget, and the move of bgetr */
	assert_int_equal(nr, 1);
	big = tdxc_bpool_bget(&f->h, maxf);
	assert_non_null(big);
	assert_int_equal(tdxc_bpool_brel(&f->h, big), 0);
	assert_int_equal(tdxc_bpool_brel(&f->h, a), 0);
	assert_int_equal(tdxc_bpool_brel(&f->h, b), 0);
	assert_int_equal(tdxc_bpool_brel(&f->h, b), TDXC_EDOUBLEFREE);
	assert_int_equal(tdxc_bpool_bstats(&f->h, &cur, &tot, NULL, NULL, &nr), 0);
	assert_int_equal(cur, 0);
	assert_int_equal(nr, 4);
	validate_ok(&f->h);
	free(f);
}

/* A misuse must give exactly `want` and leave heap and pool unchanged. */
#define MISUSE(f, call, want)                                                  \
	do {                                                                   \
		struct snap s_;                                                \
		snap_take(&s_, (f));                                           \
		assert_int_equal((call), (want));                              \
		snap_same(&s_, (f));                                           \
	} while (0)

static void test_misuse_free(void **state)
{
	struct fix *f = fix_new(0);
	void *a, *b, *c;
	uint8_t outside[64];
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &b), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &c), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0);

	MISUSE(f, tdxc_bpool_free(&f->h, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_free(&f->h, b), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_free(&f->h, outside + 16), TDXC_EFOREIGN);
	MISUSE(f, tdxc_bpool_free(&f->h, f->pool2 + 16), TDXC_EFOREIGN);
	MISUSE(f, tdxc_bpool_free(&f->h, (uint8_t *)a + 8), TDXC_EALIGN);
	MISUSE(f, tdxc_bpool_free(&f->h, (uint8_t *)a + 64), TDXC_EINTERIOR);
	MISUSE(f, tdxc_bpool_free(&f->h, (uint8_t *)b + 32), TDXC_EINTERIOR);
	MISUSE(f, tdxc_bpool_free(&f->h, f->pool), TDXC_EINTERIOR);
	MISUSE(f, tdxc_bpool_free(&f->h, f->pool + POOL_LEN - 16), TDXC_EINTERIOR);
	/* The same misuses through realloc and usable_size. */
	MISUSE(f, tdxc_bpool_realloc(&f->h, b, 10, &b), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_realloc(&f->h, outside + 16, 10, &b), TDXC_EFOREIGN);
	MISUSE(f, tdxc_bpool_realloc(&f->h, (uint8_t *)a + 64, 10, &b), TDXC_EINTERIOR);
	MISUSE(f, tdxc_bpool_realloc(&f->h, a, 10, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_realloc(&f->h, a, 0, &b), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_realloc(&f->h, a, SIZE_MAX, &b), TDXC_EINVAL);
	{
		size_t n;
		MISUSE(f, tdxc_bpool_usable_size(&f->h, b, &n), TDXC_EDOUBLEFREE);
		MISUSE(f, tdxc_bpool_usable_size(&f->h, a, NULL), TDXC_EINVAL);
	}
	/* After a double free the next two same-size blocks do not overlap. */
	{
		void *x, *y;
		assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &x), 0);
		assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &y), 0);
		assert_true((uint8_t *)x + 200 <= (uint8_t *)y ||
			    (uint8_t *)y + 200 <= (uint8_t *)x);
		assert_int_equal(tdxc_bpool_free(&f->h, x), 0);
		assert_int_equal(tdxc_bpool_free(&f->h, y), 0);
	}
	validate_ok(&f->h);
	free(f);
}

static void test_misuse_alloc(void **state)
{
	struct fix *f = fix_new(0);
	void *p = NULL;
	(void)state;
	MISUSE(f, tdxc_bpool_alloc(&f->h, 0, 16, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, 16, 16, NULL), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, 16, 0, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, 16, 24, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, 16, TDXC_BPOOL_MAX_ALIGN * 2, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, SIZE_MAX, 16, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, SIZE_MAX - 8, 16, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_alloc(&f->h, TDXC_BPOOL_MAX_ALLOC + 1, 16, &p), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_calloc(&f->h, 16, NULL), TDXC_EINVAL);
	assert_null(p);
	/* Exhaustion is ENOMEM and counted (the counter is the only change). */
	{
		struct tdxc_bpool_stats st;
		assert_int_equal(tdxc_bpool_alloc(&f->h, POOL_LEN, 16, &p), TDXC_ENOMEM);
		assert_int_equal(tdxc_bpool_alloc(&f->h, TDXC_BPOOL_MAX_ALLOC, 16, &p),
				 TDXC_ENOMEM);
		assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
		assert_int_equal(st.nfail, 2);
		assert_null(p);
	}
	validate_ok(&f->h);
	free(f);
}

static void test_quota(void **state)
{
	struct tdxc_bpool h;
	struct tdxc_bpool_params p;
	static _Alignas(16) uint8_t pool[65536];
	void *a, *b;
	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.quota = 1024;
	assert_int_equal(tdxc_bpool_init(&h, &p), 0);
	assert_int_equal(tdxc_bpool_add_pool(&h, pool, sizeof(pool)), 0);
	assert_int_equal(tdxc_bpool_alloc(&h, 1000, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&h, 16, 16, &b), TDXC_ENOMEM);
	assert_int_equal(tdxc_bpool_realloc(&h, a, 2000, &b), TDXC_ENOMEM);
	assert_int_equal(tdxc_bpool_free(&h, a), 0);
	assert_int_equal(tdxc_bpool_alloc(&h, 16, 16, &b), 0);
	validate_ok(&h);
}

static void test_misuse_pool(void **state)
{
	struct fix *f = fix_new(0);
	_Alignas(16) static uint8_t mem[8192];
	(void)state;
	MISUSE(f, tdxc_bpool_add_pool(&f->h, NULL, 4096), TDXC_EINVAL);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, (void *)(UINTPTR_MAX - 0xff), 0x1000),
	       TDXC_EOVERFLOW);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, mem + 8, 4096), TDXC_EALIGN);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, mem, 4100), TDXC_EALIGN);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, mem, 32), TDXC_ESIZE);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, (void *)(uintptr_t)0x100000,
				      (size_t)TDXC_BPOOL_MAX_POOL + 16), TDXC_E2BIG);
	/* The same pool again (the re-run bpool() shape), inside, straddling,
	 * enclosing, ending at its end, and the heap object itself. */
	MISUSE(f, tdxc_bpool_add_pool(&f->h, f->pool, POOL_LEN), TDXC_EOVERLAP);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, f->pool + 4096, 4096), TDXC_EOVERLAP);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, f->pool + POOL_LEN - 64, 128), TDXC_EOVERLAP);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, f->pool + POOL_LEN - 64, 64), TDXC_EOVERLAP);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, (uint8_t *)f, sizeof(*f)), TDXC_EOVERLAP);
	MISUSE(f, tdxc_bpool_add_pool(&f->h, (uint8_t *)&f->h + 64, 128), TDXC_EOVERLAP);
	/* Adjacent is fine: pools never merge, blocks never cross. */
	assert_int_equal(tdxc_bpool_add_pool(&f->h, f->pool2, 4096), 0);
	{
		int i, rc = 0;
		for (i = 0; i < 16 && rc == 0; i++)
			rc = tdxc_bpool_add_pool(&f->h, mem + 512 * i, 512);
		assert_int_equal(rc, TDXC_ENOSPC);
		assert_int_equal(i, 15);
	}
	validate_ok(&f->h);
	free(f);
}

static void test_context(void **state)
{
	struct fix *f = fix_new(0);
	struct tdxc_bpool copy, fresh;
	struct tdxc_bpool_params p;
	struct tdxc_bpool_stats st;
	void *a;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &a), 0);
	/* Init over a live heap is refused: it would orphan its blocks. */
	MISUSE(f, tdxc_bpool_init(&f->h, NULL), TDXC_EBUSY);
	/* A byte copy of a live context is refused by every call. */
	memcpy(&copy, &f->h, sizeof(copy));
	assert_int_equal(tdxc_bpool_alloc(&copy, 10, 16, &a), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_free(&copy, a), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_add_pool(&copy, f->pool2, 4096), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_stats(&copy, &st), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_validate(&copy, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_owns(&copy, a), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_fini(&copy), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_init(NULL, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_bpool_init((struct tdxc_bpool *)((uint8_t *)&fresh + 4), NULL),
			 TDXC_EINVAL);
	/* Bad params: fresh storage stays as it was. */
	memset(&fresh, 0x5a, sizeof(fresh));
	memcpy(&copy, &fresh, sizeof(copy));
	memset(&p, 0, sizeof(p));
	p.size = 4;
	assert_int_equal(tdxc_bpool_init(&fresh, &p), TDXC_ESIZE);
	p.size = sizeof(p);
	p.flags = 0x80;
	assert_int_equal(tdxc_bpool_init(&fresh, &p), TDXC_EFLAGS);
	p.flags = 0;
	p.reserved[1] = 1;
	assert_int_equal(tdxc_bpool_init(&fresh, &p), TDXC_ERESERVED);
	assert_memory_equal(&fresh, &copy, sizeof(copy));
	/* A fresh heap is pristine whatever the storage held. */
	assert_int_equal(tdxc_bpool_init(&fresh, NULL), 0);
	assert_int_equal(tdxc_bpool_stats(&fresh, &st), 0);
	assert_int_equal(st.total, 0);
	assert_int_equal(st.free_blocks, 0);
	assert_int_equal(tdxc_bpool_owns(&f->h, a), 1);
	assert_int_equal(tdxc_bpool_owns(&fresh, a), 0);
	assert_int_equal(tdxc_bpool_fini(&fresh), 0);
	assert_int_equal(tdxc_bpool_alloc(&fresh, 10, 16, &a), TDXC_EINVAL);
	free(f);
}

static uint64_t *hdr_word(void *p)
{
	return (uint64_t *)((uint8_t *)p - 8);
}

/* Overwrite a live header's size: free finds it, nothing is written, the
 * heap is poisoned, validate reports the address. */
static void test_corrupt_size(void **state)
{
	struct fix *f = fix_new(0);
	struct tdxc_bpool_check c;
	struct tdxc_bpool_stats st;
	void *a, *b, *x;
	uint8_t pool_before[512];
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &b), 0);
	/* An overflow of a writes past its end into b's header. */
	memset((uint8_t *)a + 64, 0x41, 24);
	memcpy(pool_before, f->pool, sizeof(pool_before));
	assert_int_equal(tdxc_bpool_free(&f->h, b), TDXC_ECORRUPT);
	assert_memory_equal(pool_before, f->pool, sizeof(pool_before));
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_true(st.state & TDXC_BPOOL_STATE_POISONED);
	/* Poisoned: every later call fails the same way. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 16, 16, &x), TDXC_ECORRUPT);
	assert_int_equal(tdxc_bpool_free(&f->h, a), TDXC_ECORRUPT);
	assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
	assert_int_equal(c.problem, TDXC_BPOOL_PROBLEM_POISONED);
	assert_int_equal(c.bad_addr, (uintptr_t)b - 16);
	free(f);
}

/* The same damage found by the validation walk first. */
static void test_corrupt_validate(void **state)
{
	struct fix *f = fix_new(0);
	struct tdxc_bpool_check c;
	void *a, *b, *d;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &b), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &d), 0);
	*hdr_word(b) ^= 0x100; /* size bit flipped, check value stale */
	assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
	assert_int_equal(c.problem, TDXC_BPOOL_PROBLEM_CHECK);
	assert_int_equal(c.bad_addr, (uintptr_t)b - 16);
	assert_int_equal(tdxc_bpool_free(&f->h, d), TDXC_ECORRUPT);
	free(f);
}

/* A forged header with a correct check value but an inconsistent size is
 * still caught through the neighbour's prevfree. */
static void test_corrupt_forged(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
	void *a, *b, *c;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &b), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &c), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0);
	/* c's prevfree now says 80: claim 112 instead. */
	*(uint64_t *)((uint8_t *)c - 16) = 112;
	{
		struct snap s;
		snap_take(&s, f);
		assert_int_equal(tdxc_bpool_free(&f->h, c), TDXC_ECORRUPT);
		assert_memory_equal(s.pool, f->pool, POOL_LEN);
		free(s.pool);
	}
	free(f);
}

/* A free block's link overwritten (use after free): detected before any
 * write through it. */
static void test_corrupt_link(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
	void *a[4], *x;
	uint8_t before[1024];
	int i;
	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a[i]), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a[0]), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a[2]), 0);
	/* Same size class: a[2] heads the list, a[0] is its successor. */
	((uintptr_t *)a[2])[0] = (uintptr_t)f->pool2; /* next -> foreign */
	memcpy(before, f->pool, sizeof(before));
	assert_int_equal(tdxc_bpool_free(&f->h, a[1]), TDXC_ECORRUPT);
	assert_memory_equal(before, f->pool, sizeof(before));
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &x), TDXC_ECORRUPT);
	free(f);
}

/*
 * Free-list links just outside what a free block header may occupy in the
 * pool (the sentinel, the last 32 bytes before it, below the pool start,
 * misaligned) or inside it but not pointing back: every one is refused
 * before anything is written, by free (unlinking the neighbour) and by
 * alloc (taking the list head).
 */
static void test_corrupt_link_edges(void **state)
{
	static const ptrdiff_t at[] = {
		POOL_LEN - 16,	/* the sentinel */
		POOL_LEN - 32,	/* a 32-byte header would overlap it */
		POOL_LEN - 48,	/* in range, but its prev is not ours */
		-16,		/* below the pool */
		8,		/* misaligned */
	};
	size_t k;
	int pass;
	(void)state;
	for (k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
		for (pass = 0; pass < 2; pass++) {
			struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
			void *a[4], *x = NULL;
			struct snap sn;
			int i;
			for (i = 0; i < 4; i++)
				assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a[i]), 0);
			assert_int_equal(tdxc_bpool_free(&f->h, a[0]), 0);
			assert_int_equal(tdxc_bpool_free(&f->h, a[2]), 0);
			/* a[2] heads its class, a[0] follows it. */
			((uintptr_t *)a[2])[0] = (uintptr_t)(f->pool + at[k]);
			snap_take(&sn, f);
			if (pass == 0) {
				assert_int_equal(tdxc_bpool_free(&f->h, a[1]),
						 TDXC_ECORRUPT);
			} else {
				assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &x),
						 TDXC_ECORRUPT);
				assert_null(x);
			}
			assert_memory_equal(sn.pool, f->pool, POOL_LEN);
			free(sn.pool);
			assert_int_equal(tdxc_bpool_free(&f->h, a[3]), TDXC_ECORRUPT);
			free(f);
		}
	}
}

/*
 * A free block whose header was forged with a valid check value but a
 * size reaching past the pool end: taking it is refused (PROBLEM_SIZE)
 * before its successor header, which would lie outside the pool, is read
 * or written. Both allocation paths (small requests, class search).
 */
static void test_forged_size_past_end(void **state)
{
	static const size_t req[] = { 64, 100000 };
	size_t k;
	(void)state;
	for (k = 0; k < 2; k++) {
		struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
		struct tdxc_bpool_check c;
		uint8_t *a, *rest;
		void *x = NULL;
		uint64_t size;
		struct snap sn;
		assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, (void **)&a), 0);
		rest = a - 16 + 80; /* the free remainder, up to the sentinel */
		size = POOL_LEN - 16 - 80;
		assert_int_equal(*(uint64_t *)(rest + 8),
				 tdxc__bpool_hdr_word(&f->h, rest, size));
		*(uint64_t *)(rest + 8) = tdxc__bpool_hdr_word(&f->h, rest, size + 16);
		snap_take(&sn, f);
		assert_int_equal(tdxc_bpool_alloc(&f->h, req[k], 16, &x), TDXC_ECORRUPT);
		assert_null(x);
		assert_memory_equal(sn.pool, f->pool, POOL_LEN);
		free(sn.pool);
		assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
		assert_int_equal(c.problem, TDXC_BPOOL_PROBLEM_POISONED);
		assert_int_equal(c.bad_addr, (uintptr_t)rest);
		free(f);
	}
}

/* Taking a corrupted free block on allocation is detected too. */
static void test_corrupt_alloc(void **state)
{
	struct fix *f = fix_new(0);
	void *a, *b, *x = NULL;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &b), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	*hdr_word(a) += 16; /* the free block's size */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &x), TDXC_ECORRUPT);
	assert_null(x);
	free(f);
}

static void test_zero_on_free(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_ZERO_ON_FREE);
	uint8_t *a, *b;
	size_t i;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 256, 16, (void **)&a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 256, 16, (void **)&b), 0);
	memset(a, 0xee, 256);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	/* Links sit in the first 16 bytes of a free block. */
	for (i = 16; i < 256; i++)
		assert_int_equal(a[i], 0);
	validate_ok(&f->h);
	free(f);
}

/* The O(1) claim: with many isolated holes an allocation that none of them
 * can serve still succeeds immediately and the index stays consistent. */
static void test_many_holes(void **state)
{
	struct fix *f = fix_new(0);
	void *p[4096], *big;
	int i;
	(void)state;
	for (i = 0; i < 4096; i++)
		assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &p[i]), 0);
	for (i = 0; i < 4096; i += 2)
		assert_int_equal(tdxc_bpool_free(&f->h, p[i]), 0);
	validate_ok(&f->h);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 256, 16, &big), 0);
	assert_true((uint8_t *)big > (uint8_t *)p[4095]);
	assert_int_equal(tdxc_bpool_free(&f->h, big), 0);
	for (i = 1; i < 4096; i += 2)
		assert_int_equal(tdxc_bpool_free(&f->h, p[i]), 0);
	validate_ok(&f->h);
	free(f);
}


/* ------------------------------------------------- free-block cache */

static uint64_t cached(struct tdxc_bpool *h)
{
	return bp_heap_of(h)->cached;
}

/* The table, the LIFO reuse, the per-size cap and what is never cached. */
static void test_cache_basic(void **state)
{
	struct fix *f = fix_new(0);
	struct tdxc_bpool_stats st;
	struct tdxc_bpool_check c;
	enum { NP = TDXC_BPOOL_CACHE_PER_SIZE + 2 };
	void *p[NP], *q, *big, *al;
	int i;
	(void)state;
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.used, TDXC_BPOOL_CACHE_TABLE);
	assert_int_equal(st.live, 0);
	assert_int_equal(st.free, POOL_LEN - 16 - TDXC_BPOOL_CACHE_TABLE);
	assert_int_equal(st.free_blocks, 1);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &p[0]), 0);
	assert_ptr_equal(p[0], f->pool + TDXC_BPOOL_CACHE_TABLE + 16);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 40, 16, &q), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, p[0]), 0);
	/* Cached: free for the counters, no coalescing. */
	assert_int_equal(cached(&f->h), 1);
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.live, 1);
	assert_int_equal(st.free_blocks, 2);
	assert_int_equal(st.used + st.free + 16 * st.npools, st.total);
	validate_ok(&f->h);
	/* Same size again: the same block back. Another size: not it. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 90, 16, &p[1]), 0);
	assert_ptr_equal(p[1], p[0]);
	assert_int_equal(cached(&f->h), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, p[1]), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &p[1]), 0);
	assert_ptr_not_equal(p[1], p[0]);
	assert_int_equal(cached(&f->h), 1);
	/* An aligned request never takes a cached block. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 64, &al), 0);
	assert_int_equal(cached(&f->h), 1);
	assert_int_equal(tdxc_bpool_free(&f->h, al), 0);
	assert_int_equal(cached(&f->h), 2);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &p[0]), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &p[0]), 0);
	assert_int_equal(cached(&f->h), 0);
	/* At most TDXC_BPOOL_CACHE_PER_SIZE per size; the rest coalesce. */
	for (i = 0; i < NP; i++)
		assert_int_equal(tdxc_bpool_alloc(&f->h, 500, 16, &p[i]), 0);
	for (i = 0; i < NP; i++)
		assert_int_equal(tdxc_bpool_free(&f->h, p[i]), 0);
	assert_int_equal(cached(&f->h), TDXC_BPOOL_CACHE_PER_SIZE);
	validate_ok(&f->h);
	/* The largest cached request and one byte more. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, TDXC_BPOOL_CACHE_MAX_REQ, 16, &big), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, big), 0);
	assert_int_equal(cached(&f->h), TDXC_BPOOL_CACHE_PER_SIZE + 1);
	assert_int_equal(tdxc_bpool_alloc(&f->h, TDXC_BPOOL_CACHE_MAX_REQ + 1, 16, &big), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, big), 0);
	assert_int_equal(cached(&f->h), TDXC_BPOOL_CACHE_PER_SIZE + 1);
	assert_int_equal(tdxc_bpool_validate(&f->h, &c), 0);
	/* Live: q, p[1] (200 B) and two 100-byte blocks. */
	assert_int_equal(c.used_bytes, TDXC_BPOOL_CACHE_TABLE + 48 + 208 + 2 * 112);
	assert_int_equal(c.used_blocks, 4);
	free(f);
}

/* Without the cache (flag, or a first pool too small) nothing is cached
 * and no table is carved. */
static void test_cache_off(void **state)
{
	struct fix *f = fix_new(TDXC_BPOOL_F_NO_CACHE);
	struct tdxc_bpool h;
	struct tdxc_bpool_stats st;
	static _Alignas(16) uint8_t small[TDXC_BPOOL_CACHE_MIN_POOL - 16];
	void *a;
	(void)state;
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.used, 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 100, 16, &a), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	assert_int_equal(cached(&f->h), 0);
	free(f);
	memset(&h, 0, sizeof(h));
	assert_int_equal(tdxc_bpool_init(&h, NULL), 0);
	assert_int_equal(tdxc_bpool_add_pool(&h, small, sizeof(small)), 0);
	assert_int_equal(tdxc_bpool_alloc(&h, 100, 16, &a), 0);
	assert_int_equal(tdxc_bpool_free(&h, a), 0);
	assert_int_equal(cached(&h), 0);
	assert_int_equal(tdxc_bpool_stats(&h, &st), 0);
	assert_int_equal(st.used, 0);
	assert_int_equal(st.free_blocks, 1);
	validate_ok(&h);
}

/* A cached block is free: every call on it is refused as a double free,
 * the table is not a block of the caller's, nothing changes. */
static void test_cache_misuse(void **state)
{
	struct fix *f = fix_new(0);
	void *a, *b, *x;
	size_t n;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 300, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 300, 16, &b), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	assert_int_equal(cached(&f->h), 1);
	MISUSE(f, tdxc_bpool_free(&f->h, a), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_realloc(&f->h, a, 10, &x), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_realloc(&f->h, a, 3000, &x), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_usable_size(&f->h, a, &n), TDXC_EDOUBLEFREE);
	MISUSE(f, tdxc_bpool_free(&f->h, f->pool + 16), TDXC_EFOREIGN);
	MISUSE(f, tdxc_bpool_realloc(&f->h, f->pool + 16, 10, &x), TDXC_EFOREIGN);
	MISUSE(f, tdxc_bpool_free(&f->h, f->pool + 32), TDXC_EINTERIOR);
	/* Its neighbour b does not merge with it. */
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0);
	assert_int_equal(cached(&f->h), 2);
	validate_ok(&f->h);
	free(f);
}

/* The cache never makes an allocation fail: a request that only the
 * coalesced cached blocks can serve succeeds. */
static void test_cache_flush(void **state)
{
	struct fix *f = fix_new(0);
	struct tdxc_bpool_stats st;
	void *p[300], *big;
	int i, n = 0;
	(void)state;
	while (n < 300 && tdxc_bpool_alloc(&f->h, 4000, 16, &p[n]) == 0)
		n++;
	assert_true(n > 200 && n < 300);
	/* Four cached blocks cut the free space into five pieces of about
	 * 200 KiB each; every other block coalesces. */
	for (i = 1; i <= 4; i++)
		assert_int_equal(tdxc_bpool_free(&f->h, p[i * (n / 5)]), 0);
	for (i = 0; i < n; i++)
		if (i % (n / 5) || i == 0 || i / (n / 5) > 4)
			assert_int_equal(tdxc_bpool_free(&f->h, p[i]), 0);
	assert_int_equal(cached(&f->h), TDXC_BPOOL_CACHE_PER_SIZE);
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.nfail, 1);
	assert_int_equal(st.live, 0);
	assert_true(st.alloc_max < 300 * 1024);
	/* 600 KiB fits only once the cached blocks are coalesced. */
	assert_int_equal(tdxc_bpool_alloc(&f->h, 600 * 1024, 16, &big), 0);
	assert_int_equal(cached(&f->h), 0);
	assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
	assert_int_equal(st.nfail, 1);
	assert_int_equal(st.live, 1);
	assert_int_equal(st.free_blocks, 1);
	validate_ok(&f->h);
	assert_int_equal(tdxc_bpool_free(&f->h, big), 0);
	validate_ok(&f->h);
	free(f);
}

/* A free that would go to the cache still checks its successor: an
 * overflow into the next header is found and nothing is written. */
static void test_cache_overflow(void **state)
{
	struct fix *f = fix_new(0);
	uint8_t before[1024];
	void *a, *b;
	(void)state;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 64, 16, &b), 0);
	memset((uint8_t *)a + 64, 0x41, 24);
	memcpy(before, f->pool + TDXC_BPOOL_CACHE_TABLE, sizeof(before));
	assert_int_equal(tdxc_bpool_free(&f->h, a), TDXC_ECORRUPT);
	assert_memory_equal(before, f->pool + TDXC_BPOOL_CACHE_TABLE, sizeof(before));
	assert_int_equal(cached(&f->h), 0);
	free(f);
}

/* Damage to a cached block or to the table is found when the entry is
 * used (nothing written) and by the validation walk, at the same address. */
static struct fix *cache_damaged(int kind, void **want, uint32_t *problem)
{
	struct fix *f = fix_new(0);
	struct bp_blk **head = &bp_heap_of(&f->h)->ctab[(208 >> 4) - 2];
	void *a, *b, *x;
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &a), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &b), 0);
	assert_int_equal(tdxc_bpool_alloc(&f->h, 16, 16, &x), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, a), 0);
	assert_int_equal(tdxc_bpool_free(&f->h, b), 0); /* bin: b, then a */
	assert_ptr_equal(*head, (uint8_t *)b - 16);
	switch (kind) {
	case 0: /* use after free: a raw pointer written over b's link */
		memcpy(b, &a, sizeof(a));
		*want = (uint8_t *)b - 16;
		*problem = TDXC_BPOOL_PROBLEM_LINK;
		break;
	case 1: /* b's header overwritten */
		*hdr_word(b) ^= 0x1000;
		*want = (uint8_t *)b - 16;
		*problem = TDXC_BPOOL_PROBLEM_CHECK;
		break;
	case 2: /* the table's head pointed at an allocated block */
		*head = (struct bp_blk *)(void *)((uint8_t *)x - 16);
		*want = (uint8_t *)x - 16;
		*problem = TDXC_BPOOL_PROBLEM_INDEX;
		break;
	default: /* the table's head cleared */
		*head = NULL;
		*want = head;
		*problem = TDXC_BPOOL_PROBLEM_LINK;
		break;
	}
	return f;
}

static void test_cache_corrupt(void **state)
{
	int kind;
	(void)state;
	for (kind = 0; kind < 4; kind++) {
		struct tdxc_bpool_check c;
		struct tdxc_bpool_stats st;
		uint32_t problem;
		void *want, *x = NULL;
		struct fix *f = cache_damaged(kind, &want, &problem);
		uint8_t *before = malloc(POOL_LEN);
		assert_non_null(before);
		assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
		assert_int_equal(c.problem, problem);
		assert_ptr_equal((void *)(uintptr_t)c.bad_addr, want);
		free(f);

		f = cache_damaged(kind, &want, &problem);
		memcpy(before, f->pool, POOL_LEN);
		assert_int_equal(tdxc_bpool_alloc(&f->h, 200, 16, &x), TDXC_ECORRUPT);
		assert_null(x);
		assert_memory_equal(before, f->pool, POOL_LEN);
		assert_int_equal(tdxc_bpool_stats(&f->h, &st), 0);
		assert_true(st.state & TDXC_BPOOL_STATE_POISONED);
		assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
		assert_int_equal(c.problem, TDXC_BPOOL_PROBLEM_POISONED);
		assert_ptr_equal((void *)(uintptr_t)c.bad_addr, want);
		free(f);

		/* A request that fits nowhere flushes the cache: the damaged
		 * bin stops it before anything is written. */
		f = cache_damaged(kind, &want, &problem);
		memcpy(before, f->pool, POOL_LEN);
		assert_int_equal(tdxc_bpool_alloc(&f->h, POOL_LEN, 16, &x), TDXC_ECORRUPT);
		assert_null(x);
		assert_memory_equal(before, f->pool, POOL_LEN);
		assert_int_equal(tdxc_bpool_validate(&f->h, &c), TDXC_ECORRUPT);
		assert_int_equal(c.problem, TDXC_BPOOL_PROBLEM_POISONED);
		assert_ptr_equal((void *)(uintptr_t)c.bad_addr, want);
		free(before);
		free(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_aligned),
		cmocka_unit_test(test_realloc_in_place),
		cmocka_unit_test(test_bget_shim),
		cmocka_unit_test(test_misuse_free),
		cmocka_unit_test(test_misuse_alloc),
		cmocka_unit_test(test_quota),
		cmocka_unit_test(test_misuse_pool),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_corrupt_size),
		cmocka_unit_test(test_corrupt_validate),
		cmocka_unit_test(test_corrupt_forged),
		cmocka_unit_test(test_corrupt_link),
		cmocka_unit_test(test_corrupt_alloc),
		cmocka_unit_test(test_corrupt_link_edges),
		cmocka_unit_test(test_forged_size_past_end),
		cmocka_unit_test(test_zero_on_free),
		cmocka_unit_test(test_many_holes),
		cmocka_unit_test(test_cache_basic),
		cmocka_unit_test(test_cache_off),
		cmocka_unit_test(test_cache_misuse),
		cmocka_unit_test(test_cache_flush),
		cmocka_unit_test(test_cache_overflow),
		cmocka_unit_test(test_cache_corrupt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
