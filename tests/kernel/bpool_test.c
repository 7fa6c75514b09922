/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpool in the kernel: a heap over a range the caller obtained (from
 * memregion), a deterministic alloc/free workload checked block by block,
 * misuse refused with the named errors, and a two-guest registry whose
 * pools and nexus come from the same range.
 */
#include "bpool_test.h"

#include <tdxcore/bpool.h>

static struct tdxc_bpool heap;
static struct tdxc_bpool_registry reg;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define SLOTS 256
static struct {
	uint8_t *p;
	size_t len;
	uint8_t tag;
} slot[SLOTS];

static int fill_ok(const uint8_t *p, size_t len, uint8_t tag)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)(tag + i))
			return 0;
	return 1;
}

static int count_guests(void *arg, uint32_t id, struct tdxc_bpool *h)
{
	uint32_t *ids = arg;
	(void)h;
	ids[ids[0] + 1] = id;
	ids[0]++;
	return 0;
}

void run_bpool(uint8_t *mem, size_t len)
{
	/* heap over the first half, registry (nexus + two guests) over the rest */
	size_t heap_len = (len / 2) & ~(size_t)15;
	uint8_t *lo = mem, *hi = mem + len;
	struct tdxc_bpool_params pr;
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	pr.secret = rdtsc();
	int rc = tdxc_bpool_init(&heap, &pr);
	int rc2 = rc == 0 ? tdxc_bpool_add_pool(&heap, mem, heap_len) : rc;
	if (!check(rc == 0 && rc2 == 0, "bpool.init", "init %s, pool [%p, +%zu) %s",
		   tdxc_strerror_name(rc), (void *)mem, heap_len, tdxc_strerror_name(rc2)))
		return;

	/* workload: random sizes and alignments, contents checked on free */
	unsigned ops = 0, bad_place = 0, bad_fill = 0, nomem = 0, errs = 0;
	for (unsigned it = 0; it < 20000; it++) {
		unsigned k = (unsigned)(rng() % SLOTS);
		if (slot[k].p) {
			if (!fill_ok(slot[k].p, slot[k].len, slot[k].tag))
				bad_fill++;
			if (tdxc_bpool_free(&heap, slot[k].p) != 0)
				errs++;
			slot[k].p = 0;
		} else {
			size_t sz = 1 + (size_t)(rng() % ((rng() & 7) == 0 ? 65536 : 512));
			size_t al = (size_t)1 << (rng() % 13);
			void *p = 0;
			rc = tdxc_bpool_alloc(&heap, sz, al, &p);
			if (rc == TDXC_ENOMEM) {
				nomem++;
				continue;
			}
			if (rc != 0) {
				errs++;
				continue;
			}
			uint8_t *b = p;
			if (b < lo || b + sz > mem + heap_len || ((uintptr_t)b & (al - 1)) ||
			    ((uintptr_t)b & 15))
				bad_place++;
			slot[k].p = b;
			slot[k].len = sz;
			slot[k].tag = (uint8_t)rng();
			for (size_t i = 0; i < sz; i++)
				b[i] = (uint8_t)(slot[k].tag + i);
		}
		ops++;
	}
	struct tdxc_bpool_stats st;
	struct tdxc_bpool_check ck;
	int vrc = tdxc_bpool_validate(&heap, &ck);
	tdxc_bpool_stats(&heap, &st);
	unsigned live = 0;
	for (unsigned k = 0; k < SLOTS; k++)
		live += slot[k].p != 0;
	check(vrc == 0 && bad_place == 0 && bad_fill == 0 && errs == 0 && st.live == live &&
		      st.used + st.free + 16 * st.npools == st.total,
	      "bpool.heap",
	      "%u ops, %u ENOMEM, %u misplaced, %u damaged, %u errors; validate %s; live %lu "
	      "(expected %u), used %lu + free %lu of %lu",
	      ops, nomem, bad_place, bad_fill, errs, tdxc_strerror_name(vrc), st.live, live,
	      st.used, st.free, st.total);

	/* misuse: each refused with its own error, the heap unchanged */
	void *a = 0, *b = 0;
	tdxc_bpool_alloc(&heap, 100, 16, &a);
	tdxc_bpool_alloc(&heap, 100, 16, &b);
	tdxc_bpool_free(&heap, b);
	struct tdxc_bpool_stats before, after;
	tdxc_bpool_stats(&heap, &before);
	int e_double = tdxc_bpool_free(&heap, b);
	int e_inner = tdxc_bpool_free(&heap, (uint8_t *)a + 32);
	int e_foreign = tdxc_bpool_free(&heap, mem + heap_len + 64);
	int e_align = tdxc_bpool_free(&heap, (uint8_t *)a + 1);
	tdxc_bpool_stats(&heap, &after);
	vrc = tdxc_bpool_validate(&heap, &ck);
	check(e_double == TDXC_EDOUBLEFREE && e_inner == TDXC_EINTERIOR &&
		      e_foreign == TDXC_EFOREIGN && e_align == TDXC_EALIGN && vrc == 0 &&
		      memcmp(&before, &after, sizeof(before)) == 0,
	      "bpool.misuse", "double free %s, interior %s, foreign %s, misaligned %s; heap "
			      "unchanged and valid",
	      tdxc_strerror_name(e_double), tdxc_strerror_name(e_inner),
	      tdxc_strerror_name(e_foreign), tdxc_strerror_name(e_align));
	tdxc_bpool_free(&heap, a);
	for (unsigned k = 0; k < SLOTS; k++)
		if (slot[k].p)
			tdxc_bpool_free(&heap, slot[k].p);
	/* Freed blocks may sit in the free-block cache; a request that fits
	 * nowhere returns them to the index before it fails. */
	void *z = 0;
	int e_big = tdxc_bpool_alloc(&heap, heap_len, 16, &z);
	tdxc_bpool_stats(&heap, &st);
	check(e_big == TDXC_ENOMEM && st.live == 0 && st.free_blocks == 1 &&
		      tdxc_bpool_fini(&heap) == 0,
	      "bpool.drain",
	      "all blocks freed: live %lu; after a request no block fits (%s), free blocks "
	      "%lu (coalesced)",
	      st.live, tdxc_strerror_name(e_big), st.free_blocks);

	/* registry: nexus and two guests' pools from the rest of the range */
	uint8_t *r0 = mem + heap_len;
	size_t rest = (size_t)(hi - r0) & ~(size_t)15;
	size_t nexus_len = (rest / 4) & ~(size_t)15, g_len = (rest / 4) & ~(size_t)15;
	uint8_t *nexus = r0, *g1 = r0 + nexus_len, *g2 = g1 + g_len;
	rc = tdxc_bpool_registry_init(&reg, nexus, nexus_len, 0);
	if (rc == TDXC_ENOTSUP && !(tdxc_features() & TDXC_FEAT_UTHASH)) {
		info("bpool.registry", "built without uthash: registry not available (%s)",
		     tdxc_strerror_name(rc));
		info("bpool.guests", "skipped with the registry");
		return;
	}
	int c1 = tdxc_bpool_guest_create(&reg, 1);
	int c2 = tdxc_bpool_guest_create(&reg, 2);
	int c1again = tdxc_bpool_guest_create(&reg, 1); /* OP-TEE: second VM_CREATED */
	int p1 = tdxc_bpool_guest_add_pool(&reg, 1, g1, g_len);
	int p2 = tdxc_bpool_guest_add_pool(&reg, 2, g2, g_len);
	int pover = tdxc_bpool_guest_add_pool(&reg, 2, g1 + 4096, 4096);
	int pnexus = tdxc_bpool_guest_add_pool(&reg, 2, nexus, 4096);
	check(rc == 0 && c1 == 0 && c2 == 0 && c1again == TDXC_EEXIST && p1 == 0 && p2 == 0 &&
		      pover == TDXC_EOVERLAP && pnexus == TDXC_EOVERLAP,
	      "bpool.registry",
	      "init %s, guests 1/2 %s/%s, guest 1 again %s, pools %s/%s, overlapping pool %s, "
	      "pool in the nexus %s",
	      tdxc_strerror_name(rc), tdxc_strerror_name(c1), tdxc_strerror_name(c2),
	      tdxc_strerror_name(c1again), tdxc_strerror_name(p1), tdxc_strerror_name(p2),
	      tdxc_strerror_name(pover), tdxc_strerror_name(pnexus));

	void *x1 = 0, *x2 = 0;
	int a1 = tdxc_bpool_guest_alloc(&reg, 1, 1000, 64, &x1);
	int a2 = tdxc_bpool_guest_alloc(&reg, 2, 1000, 64, &x2);
	int cross = tdxc_bpool_guest_free(&reg, 2, x1);
	int in1 = x1 && (uint8_t *)x1 >= g1 && (uint8_t *)x1 + 1000 <= g1 + g_len;
	int in2 = x2 && (uint8_t *)x2 >= g2 && (uint8_t *)x2 + 1000 <= g2 + g_len;
	uint32_t ids[4] = { 0 };
	int nvis = tdxc_bpool_guest_foreach(&reg, count_guests, ids);
	int busy = tdxc_bpool_guest_destroy(&reg, 1, 0);
	int f1 = tdxc_bpool_guest_free(&reg, 1, x1);
	int sd = tdxc_bpool_guest_shutdown(&reg, 1);
	int d1 = tdxc_bpool_guest_destroy(&reg, 1, 0);
	int gone = tdxc_bpool_guest_alloc(&reg, 1, 16, 16, &x1);
	int c1new = tdxc_bpool_guest_create(&reg, 1);
	struct tdxc_bpool_registry_stats rs;
	tdxc_bpool_registry_stats(&reg, &rs);
	check(a1 == 0 && a2 == 0 && in1 && in2 && cross == TDXC_EFOREIGN && nvis == 2 &&
		      ids[1] == 1 && ids[2] == 2 && busy == TDXC_EBUSY && f1 == 0 && sd == 0 &&
		      d1 == 0 && gone == TDXC_ENOENT && c1new == 0 && rs.guests == 2,
	      "bpool.guests",
	      "blocks in own pools %d/%d, guest 2 frees guest 1's block: %s, foreach %d "
	      "(ids %u,%u), destroy with live block %s, shutdown+destroy %s/%s, alloc after "
	      "destroy %s, re-create %s, %lu guests",
	      in1, in2, tdxc_strerror_name(cross), nvis, ids[1], ids[2],
	      tdxc_strerror_name(busy), tdxc_strerror_name(sd), tdxc_strerror_name(d1),
	      tdxc_strerror_name(gone), tdxc_strerror_name(c1new), rs.guests);
}
