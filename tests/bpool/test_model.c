/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Randomized model test: a long random sequence of allocations (random
 * sizes and alignments), reallocations and frees over two pools, checked
 * against a reference that tracks every live block:
 *  - no two live blocks overlap (a granule ownership map of the pools),
 *  - every byte written into a block is still there (on realloc the first
 *    min(old, new) bytes), checked on realloc and on free,
 *  - statistics add up after every step,
 *  - the validation walk passes after every step of the first 200,000,
 *    and every 997 steps afterwards (a walk costs O(heap)).
 * It runs twice: with the free-block cache (the first pool is large enough
 * for one) and with TDXC_BPOOL_F_NO_CACHE.
 * BPOOL_MODEL_OPS overrides the number of operations.
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
#include "splitmix.h"

#define P1 (1u << 21)
#define P2 (1u << 18)
#define SLOTS 2048
#define EVERY_STEP 200000

struct live {
	uint8_t *p;
	size_t size;
	uint32_t seed;
};

static uint64_t rng;
static uint64_t rnd(void)
{
	return splitmix64(&rng);
}

static uint8_t *pool1, *pool2;
static uint32_t *own1, *own2; /* slot + 1 per 16-byte granule, 0 = free */

static uint32_t *owner(const uint8_t *p)
{
	if (p >= pool1 && p < pool1 + P1)
		return &own1[(size_t)(p - pool1) / 16];
	if (p >= pool2 && p < pool2 + P2)
		return &own2[(size_t)(p - pool2) / 16];
	fail_msg("block %p outside both pools", (const void *)p);
	return NULL;
}

static void claim(const struct live *l, uint32_t slot)
{
	size_t g, n = (l->size + 15) / 16;
	uint32_t *o = owner(l->p);
	/* The block must lie in one pool. */
	(void)owner(l->p + l->size - 1);
	for (g = 0; g < n; g++) {
		if (o[g])
			fail_msg("overlap: slot %u with slot %u", slot, o[g] - 1);
		o[g] = slot + 1;
	}
}

static void release_claim(const struct live *l)
{
	size_t n = (l->size + 15) / 16;
	memset(owner(l->p), 0, n * sizeof(uint32_t));
}

static uint8_t pat(uint32_t seed, size_t i)
{
	return (uint8_t)((seed * 2654435761u) >> 24 ^ (uint8_t)(i * 31));
}

static void fill(const struct live *l)
{
	size_t i;
	for (i = 0; i < l->size; i++)
		l->p[i] = pat(l->seed, i);
}

static void verify(const struct live *l, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (l->p[i] != pat(l->seed, i))
			fail_msg("contents lost at byte %zu of %zu", i, l->size);
}

static size_t rsize(void)
{
	uint64_t r = rnd() % 100;
	if (r < 70)
		return 1 + rnd() % 256;
	if (r < 97)
		return 257 + rnd() % 3840;
	return 4097 + rnd() % 61440;
}

static size_t ralign(void)
{
	uint64_t r = rnd() % 100;
	if (r < 85)
		return 16;
	if (r < 90)
		return (size_t)1 << (rnd() % 4); /* 1..8 */
	return (size_t)32 << (rnd() % 8);        /* 32..4096 */
}

static void check_stats(struct tdxc_bpool *h, uint64_t nlive, uint64_t req)
{
	struct tdxc_bpool_stats st;
	assert_int_equal(tdxc_bpool_stats(h, &st), 0);
	assert_int_equal(st.live, nlive);
	assert_int_equal(st.used + st.free + 16 * st.npools, st.total);
	assert_true(st.used >= req + 8 * nlive);
	assert_int_equal(st.nget - st.nrel, nlive);
}

static void run_model(uint32_t flags)
{
	struct tdxc_bpool h;
	struct tdxc_bpool_params prm;
	struct tdxc_bpool_check chk;
	struct live *lv = calloc(SLOTS, sizeof(*lv));
	uint64_t ops = 2000000, i, nlive = 0, req = 0, nomem = 0;
	const char *env = getenv("BPOOL_MODEL_OPS");
	uint32_t seedctr = 1;
	uint64_t most_cached = 0;
	const uint64_t table = (flags & TDXC_BPOOL_F_NO_CACHE) ? 0 :
								  TDXC_BPOOL_CACHE_TABLE;
	void *big;

	if (env)
		ops = strtoull(env, NULL, 0);
	rng = 0x5eed;
	pool1 = aligned_alloc(4096, P1);
	pool2 = aligned_alloc(4096, P2);
	own1 = calloc(P1 / 16, sizeof(uint32_t));
	own2 = calloc(P2 / 16, sizeof(uint32_t));
	assert_true(lv && pool1 && pool2 && own1 && own2);
	memset(&h, 0, sizeof(h));
	memset(&prm, 0, sizeof(prm));
	prm.size = sizeof(prm);
	prm.secret = 42;
	prm.flags = flags;
	assert_int_equal(tdxc_bpool_init(&h, &prm), 0);
	assert_int_equal(tdxc_bpool_add_pool(&h, pool1, P1), 0);
	assert_int_equal(tdxc_bpool_add_pool(&h, pool2, P2), 0);

	for (i = 0; i < ops; i++) {
		uint32_t s = (uint32_t)(rnd() % SLOTS);
		struct live *l = &lv[s];
		int rc;
		if (!l->p) {
			size_t sz = rsize(), al = ralign();
			void *p;
			rc = tdxc_bpool_alloc(&h, sz, al, &p);
			if (rc == TDXC_ENOMEM) {
				nomem++;
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal((uintptr_t)p % (al < 16 ? 16 : al), 0);
				l->p = p;
				l->size = sz;
				l->seed = seedctr++;
				claim(l, s);
				fill(l);
				nlive++;
				req += sz;
			}
		} else if (rnd() % 3 == 0) {
			size_t nsz = rsize(), keep;
			void *np;
			struct live nl;
			verify(l, l->size);
			rc = tdxc_bpool_realloc(&h, l->p, nsz, &np);
			if (rc == TDXC_ENOMEM) {
				nomem++;
				verify(l, l->size); /* old block untouched */
			} else {
				assert_int_equal(rc, 0);
				release_claim(l);
				keep = nsz < l->size ? nsz : l->size;
				nl.p = np;
				nl.size = nsz;
				nl.seed = l->seed;
				verify(&nl, keep);
				claim(&nl, s);
				req = req - l->size + nsz;
				nl.seed = seedctr++;
				fill(&nl);
				*l = nl;
			}
		} else {
			verify(l, l->size);
			assert_int_equal(tdxc_bpool_free(&h, l->p), 0);
			release_claim(l);
			req -= l->size;
			l->p = NULL;
			nlive--;
		}
		check_stats(&h, nlive, req);
		if (bp_heap_of(&h)->cached > most_cached)
			most_cached = bp_heap_of(&h)->cached;
		if (i < EVERY_STEP || i % 997 == 0) {
			rc = tdxc_bpool_validate(&h, &chk);
			if (rc)
				fail_msg("op %llu: validate %d problem %u at %#llx",
					 (unsigned long long)i, rc, chk.problem,
					 (unsigned long long)chk.bad_addr);
			assert_int_equal(chk.used_blocks, nlive);
		}
	}
	/* Free everything; a request that fits nowhere returns the cached
	 * blocks to the index: back to one free block per pool. */
	for (i = 0; i < SLOTS; i++)
		if (lv[i].p) {
			verify(&lv[i], lv[i].size);
			assert_int_equal(tdxc_bpool_free(&h, lv[i].p), 0);
		}
	assert_int_equal(tdxc_bpool_validate(&h, &chk), 0);
	assert_int_equal(tdxc_bpool_alloc(&h, P1, 16, &big), TDXC_ENOMEM);
	assert_int_equal(bp_heap_of(&h)->cached, 0);
	assert_int_equal(tdxc_bpool_validate(&h, &chk), 0);
	assert_int_equal(chk.free_blocks, 2);
	assert_int_equal(chk.used_blocks, 0);
	assert_int_equal(chk.used_bytes, table);
	assert_int_equal(chk.largest_free, P1 - 16 - table);
	/* The cache was in use (or, without it, never). */
	if (table)
		assert_true(most_cached > 0);
	else
		assert_int_equal(most_cached, 0);
	printf("# %llu ops, %llu ENOMEM, at most %llu blocks cached\n",
	       (unsigned long long)ops, (unsigned long long)nomem,
	       (unsigned long long)most_cached);
	free(lv);
	free(pool1);
	free(pool2);
	free(own1);
	free(own2);
}

static void test_model_cache(void **state)
{
	(void)state;
	run_model(0);
}

static void test_model_no_cache(void **state)
{
	(void)state;
	run_model(TDXC_BPOOL_F_NO_CACHE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_cache),
		cmocka_unit_test(test_model_no_cache),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
