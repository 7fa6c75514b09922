/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Instruction-count driver for the bpool workloads: runs one trace against a
 * heap on a 64 MiB pool, with the measured part inside ir_measured() so
 * that `valgrind --tool=callgrind --collect-atstart=no
 * --toggle-collect=ir_measured` counts that part alone (allocator calls
 * plus a thin loop over a precomputed trace). Prints the number of
 * operations, for the caller to divide by. Used by ir_check.py.
 *
 *   ir-traces random OPS    OPS alloc/free operations over 32768 slots
 *   ir-traces worst HOLES   HOLES isolated 64 B holes, then 10000 x
 *                           (alloc 256 B, free it)
 *   ir-traces frag STEPS    small long-lived + large FIFO blocks
 *   ir-traces realloc OPS   alloc / free / resize over 4096 slots
 *
 * The traces are the bench's (bench/bpool), scaled by their argument.
 * Exit status 1 on any allocator error: counts of a failing run mean
 * nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/bpool.h>

#include "splitmix.h"

#define REGION (64u << 20)

static struct tdxc_bpool heap;
static uint64_t rng;

static uint64_t rnd(void)
{
	return splitmix64(&rng);
}

static uint32_t urange(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd() % (hi - lo + 1));
}

static void die(const char *what)
{
	fprintf(stderr, "ir-traces: %s failed\n", what);
	exit(1);
}

static void *get(size_t n)
{
	void *p;
	if (tdxc_bpool_alloc(&heap, n, 16, &p))
		die("alloc");
	return p;
}

static void put(void *p)
{
	if (tdxc_bpool_free(&heap, p))
		die("free");
}

/* One operation of a trace: slot, size, action (meaning per trace). */
struct op {
	uint32_t slot;
	uint32_t size;
	uint32_t act;
};

enum trace { T_RANDOM, T_WORST, T_FRAG, T_REALLOC };

/*
 * The measured part. Non-static and noinline so that callgrind finds it
 * by name. Returns the number of allocator operations it made.
 */
__attribute__((noinline)) uint64_t ir_measured(enum trace t, const struct op *ops, size_t n,
					       void **slot);

uint64_t ir_measured(enum trace t, const struct op *ops, size_t n, void **slot)
{
	uint64_t count = 0;
	size_t i;
	switch (t) {
	case T_RANDOM:
		for (i = 0; i < n; i++, count++) {
			void **s = &slot[ops[i].slot];
			if (*s) {
				put(*s);
				*s = NULL;
			} else {
				*s = get(ops[i].size);
			}
		}
		break;
	case T_WORST:
		for (i = 0; i < n; i++, count += 2)
			put(get(256));
		break;
	case T_FRAG:
		/* slot[0..99999] long-lived, slot[100000..100015] the FIFO;
		 * act = 1 once the long-lived set is full. */
		for (i = 0; i < n; i++) {
			void **v = &slot[ops[i].act ? ops[i].slot : i];
			void **f = &slot[100000 + i % 16];
			if (ops[i].act) {
				put(*v);
				count++;
			}
			*v = get(16 + ops[i].size % 113);
			count++;
			if (*f) {
				put(*f);
				count++;
			}
			*f = get(4096 + ops[i].size);
			count++;
		}
		break;
	case T_REALLOC:
		for (i = 0; i < n; i++, count++) {
			void **s = &slot[ops[i].slot];
			if (!*s) {
				*s = get(ops[i].size);
			} else if (ops[i].act) {
				put(*s);
				*s = NULL;
			} else {
				void *np;
				if (tdxc_bpool_realloc(&heap, *s, ops[i].size, &np))
					die("realloc");
				*s = np;
			}
		}
		break;
	}
	return count;
}

/* Untimed set-up of worst: `holes` isolated 64 B holes, the rest free. */
static void worst_setup(size_t holes, void **keep)
{
	static void *fill[8192];
	size_t i, nf = 0, sz;
	for (i = 0; i < 2 * holes; i++)
		keep[i] = get(64);
	for (sz = 1u << 20; sz >= 16 && nf < 8192;) {
		void *p;
		if (tdxc_bpool_alloc(&heap, sz, 16, &p) == 0)
			fill[nf++] = p;
		else
			sz /= 2;
	}
	for (i = 0; i < 2 * holes; i += 2)
		put(keep[i]);
	for (i = 0; i < nf; i++)
		put(fill[i]);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "random", "worst", "frag", "realloc" };
	size_t n, i, nslots;
	struct op *ops;
	void **slot;
	uint8_t *region;
	uint64_t count;
	int t = -1;

	if (argc == 3)
		for (i = 0; i < 4; i++)
			if (!strcmp(argv[1], names[i]))
				t = (int)i;
	n = argc == 3 ? strtoul(argv[2], NULL, 10) : 0;
	/* worst takes a hole count (0 allowed), the others an op count */
	if (t < 0 || (n == 0 && t != T_WORST) || n > 10000000 || (t == T_WORST && n > 100000)) {
		fprintf(stderr, "usage: ir-traces random|worst|frag|realloc N\n");
		return 2;
	}
	region = aligned_alloc(4096, REGION);
	nslots = t == T_FRAG ? 100016 : t == T_WORST ? 2 * n + 1 : 32768;
	slot = calloc(nslots, sizeof(void *));
	ops = calloc(t == T_WORST ? 1 : n, sizeof(*ops));
	if (!region || !slot || !ops || tdxc_bpool_init(&heap, NULL) ||
	    tdxc_bpool_add_pool(&heap, region, REGION))
		die("set-up");
	rng = (uint64_t)t + 1;
	if (t == T_WORST) {
		worst_setup(n, slot);
		n = 10000;
	} else {
		for (i = 0; i < n; i++) {
			ops[i].slot = (uint32_t)(rnd() % (t == T_FRAG ? 100000 : t == T_REALLOC ? 4096
									 : 32768));
			ops[i].size = t == T_FRAG ? urange(0, 61440) : urange(16, 4096);
			ops[i].act = t == T_FRAG ? i >= 100000 : rnd() % 10 < 3;
		}
	}
	count = ir_measured((enum trace)t, t == T_WORST ? NULL : ops, n, slot);
	if (tdxc_bpool_validate(&heap, NULL))
		die("validate");
	printf("%llu\n", (unsigned long long)count);
	free(ops);
	free(slot);
	free(region);
	return 0;
}
