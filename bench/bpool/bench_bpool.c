/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpool benchmark. Allocators are driven through a small table of function
 * pointers (init over a region, alloc, free, realloc, fini) so another
 * implementation can be plugged in; glibc malloc is the baseline, measured
 * in the same run (it ignores the region: it is not pool-bounded).
 *
 * Workloads (one deterministic trace each, the same for every allocator;
 * 64 MiB region; every block carries an 8-byte tag checked on free):
 *  random  (a) 1M ops over 32768 slots: empty slot -> allocate 16..4096 B,
 *              live slot -> free it (about half the slots live).
 *  frag    (b) 1M steps: allocate a long-lived 16..128 B block (once 100k
 *              exist, free a random long-lived one per step), allocate a
 *              4..64 KiB block into a 16-entry FIFO and free the oldest.
 *  worst   (c) setup: 16384 pairs of 64 B blocks, the rest of the region
 *              filled with halving blocks, first block of every pair freed
 *              (16384 holes), the fill freed; timed: 10000 x (alloc 256 B,
 *              free it).
 *  realloc (d) 300k ops over 4096 slots: empty -> allocate 16..4096 B;
 *              live -> free (p = 0.3) or resize to a new 16..4096 B.
 *  random_fill: the random generator with 60% allocate / 40% free of a
 *              random live block, until the first failed allocation.
 *  frag_fill:  frag with long-lived blocks never freed, until the first
 *              failed allocation: requested live bytes / region size.
 *  registry_lookup: guest heap lookup by id among 1,000 guests (ids drawn
 *              uniformly: no locality for a cache to exploit).
 *  flush:      the longest single allocation the free-block cache can
 *              cause: 8 blocks of each of the 256 cached sizes, the rest of
 *              the region filled, the 2,048 blocks freed (all cached), then
 *              one 1 MiB allocation that fits only once they are returned
 *              to the index. nocache: the same steps, the frees coalescing
 *              as they go, so that allocation is one fit.
 * ns/op is the median of RUNS runs; the runs of the allocators are
 * interleaved. "floor" (random and realloc only) measures the harness;
 * "nocache" is tdxc with TDXC_BPOOL_F_NO_CACHE (every free coalesces).
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tdxcore/bpool.h>
#include "splitmix.h"

#define REGION (64u << 20)
#define RUNS 7
#define MAXRUNS 31

/* ------------------------------------------------- allocator table */

struct alloc_impl {
	const char *name;
	void *(*init)(void *region, size_t len); /* returns a context or NULL */
	void *(*alloc)(void *ctx, size_t n);
	void (*free)(void *ctx, void *p);
	void *(*realloc)(void *ctx, void *p, size_t n);
	int (*check)(void *ctx); /* consistency walk, 0 = fine */
	void (*fini)(void *ctx);
};

static struct tdxc_bpool tdxc_heap;

static void *tdxc_init(void *region, size_t len)
{
	memset(&tdxc_heap, 0, sizeof(tdxc_heap));
	if (tdxc_bpool_init(&tdxc_heap, NULL) ||
	    tdxc_bpool_add_pool(&tdxc_heap, region, len))
		return NULL;
	return &tdxc_heap;
}
/* The same heap without the free-block cache (every free coalesces). */
static struct tdxc_bpool tdxc_nc_heap;
static void *tdxc_nc_init(void *region, size_t len)
{
	struct tdxc_bpool_params p;
	memset(&tdxc_nc_heap, 0, sizeof(tdxc_nc_heap));
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = TDXC_BPOOL_F_NO_CACHE;
	if (tdxc_bpool_init(&tdxc_nc_heap, &p) ||
	    tdxc_bpool_add_pool(&tdxc_nc_heap, region, len))
		return NULL;
	return &tdxc_nc_heap;
}
static void *tdxc_alloc(void *ctx, size_t n)
{
	void *p;
	return tdxc_bpool_alloc(ctx, n, 16, &p) ? NULL : p;
}
static void tdxc_free(void *ctx, void *p)
{
	if (tdxc_bpool_free(ctx, p)) {
		fprintf(stderr, "tdxc free failed\n");
		exit(1);
	}
}
static void *tdxc_realloc(void *ctx, void *p, size_t n)
{
	void *np;
	return tdxc_bpool_realloc(ctx, p, n, &np) ? NULL : np;
}
static int tdxc_check(void *ctx)
{
	return tdxc_bpool_validate(ctx, NULL);
}
static void tdxc_fini(void *ctx)
{
	tdxc_bpool_fini(ctx);
}

static int glibc_dummy;
static void *glibc_init(void *region, size_t len)
{
	(void)region;
	(void)len;
	return &glibc_dummy;
}
static void *glibc_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return malloc(n);
}
static void glibc_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}
static void *glibc_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return realloc(p, n);
}
static int glibc_check(void *ctx)
{
	(void)ctx;
	return 0;
}
static void glibc_fini(void *ctx)
{
	(void)ctx;
}

/*
 * Harness floor: the cheapest allocator that can run the random and realloc
 * traces (a LIFO of 4 KiB cells, one per slot, no size classes, no checks).
 * It goes through the same table, tags and slot bookkeeping, so its ns/op is
 * what the harness itself costs; it is printed as a comment, not a result.
 */
#define FLOOR_CELL 4096u
#define FLOOR_CELLS 32768u /* one per slot of the random workload */
struct floor_ctx {
	void *top;
};
static struct floor_ctx floor_heap;
static uint8_t *floor_region; /* FLOOR_CELLS cells, its own memory */
static void *floor_init(void *rg, size_t len)
{
	size_t i;
	(void)rg;
	(void)len;
	floor_heap.top = NULL;
	for (i = FLOOR_CELLS; i-- > 0;) {
		void *c = floor_region + i * FLOOR_CELL;
		memcpy(c, &floor_heap.top, sizeof(void *));
		floor_heap.top = c;
	}
	return &floor_heap;
}
static void *floor_alloc(void *ctx, size_t n)
{
	struct floor_ctx *f = ctx;
	void *p = f->top;
	if (!p || n > FLOOR_CELL)
		return NULL;
	memcpy(&f->top, p, sizeof(void *));
	return p;
}
static void floor_free(void *ctx, void *p)
{
	struct floor_ctx *f = ctx;
	memcpy(p, &f->top, sizeof(void *));
	f->top = p;
}
static void *floor_realloc(void *ctx, void *p, size_t n)
{
	(void)ctx;
	return n <= FLOOR_CELL ? p : NULL;
}
static int floor_check(void *ctx)
{
	(void)ctx;
	return 0;
}
static void floor_fini(void *ctx)
{
	(void)ctx;
}

static const struct alloc_impl impls[] = {
	{ "tdxc", tdxc_init, tdxc_alloc, tdxc_free, tdxc_realloc, tdxc_check, tdxc_fini },
	{ "glibc", glibc_init, glibc_alloc, glibc_free, glibc_realloc, glibc_check,
	  glibc_fini },
	{ "floor", floor_init, floor_alloc, floor_free, floor_realloc, floor_check,
	  floor_fini },
	{ "nocache", tdxc_nc_init, tdxc_alloc, tdxc_free, tdxc_realloc, tdxc_check,
	  tdxc_fini },
};
#define NIMPL (sizeof(impls) / sizeof(impls[0]))

/* ------------------------------------------------------- helpers */

static uint64_t rng_state;
static uint64_t rnd(void)
{
	return splitmix64(&rng_state);
}
static uint64_t urange(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_dbl);
	return v[n / 2];
}

static void tag(void *p)
{
	uint64_t t = (uint64_t)(uintptr_t)p ^ 0x7a67u;
	memcpy(p, &t, 8);
}
static void untag(void *p)
{
	uint64_t t;
	memcpy(&t, p, 8);
	if (t != ((uint64_t)(uintptr_t)p ^ 0x7a67u)) {
		fprintf(stderr, "block tag damaged at %p\n", p);
		exit(1);
	}
}

static uint8_t *region;
static unsigned long fails;

static void *start(const struct alloc_impl *im)
{
	void *ctx = im->init(region, REGION);
	if (!ctx) {
		fprintf(stderr, "%s: init failed\n", im->name);
		exit(1);
	}
	return ctx;
}

static void finish(const struct alloc_impl *im, void *ctx)
{
	if (im->check(ctx)) {
		fprintf(stderr, "%s: consistency walk failed\n", im->name);
		exit(1);
	}
	im->fini(ctx);
}

/* ------------------------------------------------------- traces */

#define A_OPS 1000000
#define A_SLOTS 32768
static uint16_t *a_slot, *a_size;

static void make_random(void)
{
	size_t i;
	a_slot = malloc(A_OPS * sizeof(uint16_t));
	a_size = malloc(A_OPS * sizeof(uint16_t));
	rng_state = 1;
	for (i = 0; i < A_OPS; i++) {
		a_slot[i] = (uint16_t)(rnd() % A_SLOTS);
		a_size[i] = (uint16_t)urange(16, 4096);
	}
}

static __attribute__((noinline)) double run_random(const struct alloc_impl *im)
{
	static void *slot[A_SLOTS];
	void *ctx = start(im);
	double t0, t1;
	size_t i;
	memset(slot, 0, sizeof(slot));
	t0 = now_ns();
	for (i = 0; i < A_OPS; i++) {
		void **s = &slot[a_slot[i]];
		if (*s) {
			untag(*s);
			im->free(ctx, *s);
			*s = NULL;
		} else {
			*s = im->alloc(ctx, a_size[i]);
			if (*s)
				tag(*s);
			else
				fails++;
		}
	}
	t1 = now_ns();
	for (i = 0; i < A_SLOTS; i++)
		if (slot[i])
			im->free(ctx, slot[i]);
	finish(im, ctx);
	return (t1 - t0) / A_OPS;
}

#define B_STEPS 1000000
#define B_LONG 100000
#define B_FIFO 16
static uint8_t *b_lsize;   /* long-lived size per step */
static uint32_t *b_victim; /* long-lived index to free */
static uint32_t *b_bsize;  /* FIFO block size per step */

static void make_frag(void)
{
	size_t i;
	b_lsize = malloc(B_STEPS);
	b_victim = malloc(B_STEPS * sizeof(uint32_t));
	b_bsize = malloc(B_STEPS * sizeof(uint32_t));
	rng_state = 2;
	for (i = 0; i < B_STEPS; i++) {
		b_lsize[i] = (uint8_t)urange(16, 128);
		b_victim[i] = (uint32_t)(rnd() % B_LONG);
		b_bsize[i] = (uint32_t)urange(4096, 65536);
	}
}

static __attribute__((noinline)) double run_frag(const struct alloc_impl *im, unsigned long *nfail)
{
	void **lng = calloc(B_LONG + 1, sizeof(void *));
	void *fifo[B_FIFO] = { 0 };
	void *ctx = start(im);
	size_t i, nl = 0, ops = 0, fh = 0;
	double t0, t1;
	*nfail = 0;
	t0 = now_ns();
	for (i = 0; i < B_STEPS; i++) {
		void *p;
		if (nl == B_LONG) {
			void **v = &lng[b_victim[i]];
			untag(*v);
			im->free(ctx, *v);
			ops++;
			p = im->alloc(ctx, b_lsize[i]);
			ops++;
			if (!p) {
				(*nfail)++;
				p = lng[nl - 1];
				lng[nl - 1] = NULL;
				nl--;
			} else {
				tag(p);
			}
			*v = p;
		} else {
			p = im->alloc(ctx, b_lsize[i]);
			ops++;
			if (p) {
				tag(p);
				lng[nl++] = p;
			} else {
				(*nfail)++;
			}
		}
		if (fifo[fh]) {
			untag(fifo[fh]);
			im->free(ctx, fifo[fh]);
			ops++;
		}
		fifo[fh] = im->alloc(ctx, b_bsize[i]);
		ops++;
		if (fifo[fh])
			tag(fifo[fh]);
		else
			(*nfail)++;
		fh = (fh + 1) % B_FIFO;
	}
	t1 = now_ns();
	for (i = 0; i < nl; i++)
		if (lng[i])
			im->free(ctx, lng[i]);
	for (i = 0; i < B_FIFO; i++)
		if (fifo[i])
			im->free(ctx, fifo[i]);
	finish(im, ctx);
	free(lng);
	return (t1 - t0) / (double)ops;
}

/* Frag with long-lived blocks kept: requested live bytes at first failure. */
static double run_frag_fill(const struct alloc_impl *im)
{
	void *ctx = start(im);
	void *fifo[B_FIFO] = { 0 };
	size_t fsz[B_FIFO] = { 0 };
	uint64_t live = 0;
	size_t i, fh = 0, n = 0;
	void **lng = malloc(REGION / 32 * sizeof(void *));
	rng_state = 3;
	for (i = 0;; i++) {
		size_t ls = (size_t)urange(16, 128), bs = (size_t)urange(4096, 65536);
		void *p = im->alloc(ctx, ls);
		if (!p)
			break;
		lng[n++] = p;
		live += ls;
		if (fifo[fh]) {
			im->free(ctx, fifo[fh]);
			live -= fsz[fh];
			fifo[fh] = NULL;
		}
		p = im->alloc(ctx, bs);
		if (!p)
			break;
		fifo[fh] = p;
		fsz[fh] = bs;
		live += bs;
		fh = (fh + 1) % B_FIFO;
	}
	while (n)
		im->free(ctx, lng[--n]);
	for (i = 0; i < B_FIFO; i++)
		if (fifo[i])
			im->free(ctx, fifo[i]);
	finish(im, ctx);
	free(lng);
	return 100.0 * (double)live / REGION;
}

/* Fill to failure on the random generator: 60% allocate 16..4096 B, 40%
 * free a random live block, until the first failed allocation. */
static double run_random_fill(const struct alloc_impl *im)
{
	void *ctx = start(im);
	void **lv = malloc(REGION / 16 * sizeof(void *));
	size_t *ls = malloc(REGION / 16 * sizeof(size_t));
	uint64_t live = 0;
	size_t n = 0;
	rng_state = 4;
	for (;;) {
		if (n && rnd() % 10 < 4) {
			size_t j = (size_t)(rnd() % n);
			im->free(ctx, lv[j]);
			live -= ls[j];
			lv[j] = lv[--n];
			ls[j] = ls[n];
		} else {
			size_t sz = (size_t)urange(16, 4096);
			void *p = im->alloc(ctx, sz);
			if (!p)
				break;
			lv[n] = p;
			ls[n++] = sz;
			live += sz;
		}
	}
	while (n)
		im->free(ctx, lv[--n]);
	finish(im, ctx);
	free(lv);
	free(ls);
	return 100.0 * (double)live / REGION;
}

#define C_PAIRS 16384
#define C_OPS 10000
static __attribute__((noinline)) double run_worst(const struct alloc_impl *im)
{
	void **pairs = malloc(2 * C_PAIRS * sizeof(void *));
	void **fill = malloc(8192 * sizeof(void *));
	void *ctx = start(im);
	size_t i, nf = 0, sz, tot = 2 * C_PAIRS * 64;
	double t0, t1;
	for (i = 0; i < 2 * C_PAIRS; i++)
		pairs[i] = im->alloc(ctx, 64);
	/* Fill the rest (bounded by the region size for unbounded heaps). */
	for (sz = 1u << 20; sz >= 16 && nf < 8192;) {
		void *p = tot + sz <= REGION ? im->alloc(ctx, sz) : NULL;
		if (p) {
			fill[nf++] = p;
			tot += sz;
		} else {
			sz /= 2;
		}
	}
	for (i = 0; i < 2 * C_PAIRS; i += 2)
		im->free(ctx, pairs[i]);
	for (i = 0; i < nf; i++)
		im->free(ctx, fill[i]);
	t0 = now_ns();
	for (i = 0; i < C_OPS; i++) {
		void *p = im->alloc(ctx, 256);
		if (!p) {
			fails++;
			continue;
		}
		tag(p);
		untag(p);
		im->free(ctx, p);
	}
	t1 = now_ns();
	for (i = 1; i < 2 * C_PAIRS; i += 2)
		im->free(ctx, pairs[i]);
	finish(im, ctx);
	free(pairs);
	free(fill);
	return (t1 - t0) / (2.0 * C_OPS);
}

#define D_OPS 300000
#define D_SLOTS 4096
static uint16_t *d_slot, *d_size;
static uint8_t *d_act;

static void make_realloc(void)
{
	size_t i;
	d_slot = malloc(D_OPS * sizeof(uint16_t));
	d_size = malloc(D_OPS * sizeof(uint16_t));
	d_act = malloc(D_OPS);
	rng_state = 4;
	for (i = 0; i < D_OPS; i++) {
		d_slot[i] = (uint16_t)(rnd() % D_SLOTS);
		d_size[i] = (uint16_t)urange(16, 4096);
		d_act[i] = (uint8_t)(rnd() % 10 < 3);
	}
}

static __attribute__((noinline)) double run_realloc(const struct alloc_impl *im)
{
	static void *slot[D_SLOTS];
	void *ctx = start(im);
	double t0, t1;
	size_t i;
	memset(slot, 0, sizeof(slot));
	t0 = now_ns();
	for (i = 0; i < D_OPS; i++) {
		void **s = &slot[d_slot[i]];
		if (!*s) {
			*s = im->alloc(ctx, d_size[i]);
			if (*s)
				tag(*s);
			else
				fails++;
		} else if (d_act[i]) {
			untag(*s);
			im->free(ctx, *s);
			*s = NULL;
		} else {
			void *np;
			untag(*s);
			np = im->realloc(ctx, *s, d_size[i]);
			if (np) {
				*s = np;
				tag(np);
			} else {
				fails++;
			}
		}
	}
	t1 = now_ns();
	for (i = 0; i < D_SLOTS; i++)
		if (slot[i])
			im->free(ctx, slot[i]);
	finish(im, ctx);
	return (t1 - t0) / D_OPS;
}

#define R_GUESTS 1000
#define R_LOOKUPS 1000000
static __attribute__((noinline)) double run_registry(int runs)
{
	double v[MAXRUNS];
	int run;
	struct tdxc_bpool_registry *r = calloc(1, sizeof(*r));
	uint32_t *ids = malloc(R_LOOKUPS * sizeof(uint32_t));
	size_t nexus_len = 16u << 20, i;
	uint8_t *nexus = aligned_alloc(4096, nexus_len);
	uintptr_t acc = 0;
	double t0, t1;
	if (tdxc_bpool_registry_init(r, nexus, nexus_len, NULL)) {
		printf("# registry not available in this build\n");
		return -1;
	}
	rng_state = 5;
	for (i = 1; i <= R_GUESTS; i++)
		if (tdxc_bpool_guest_create(r, (uint32_t)(i * 37 + 1))) {
			fprintf(stderr, "guest create failed\n");
			exit(1);
		}
	for (i = 0; i < R_LOOKUPS; i++)
		ids[i] = (uint32_t)((rnd() % R_GUESTS + 1) * 37 + 1);
	for (run = 0; run < runs; run++) {
		t0 = now_ns();
		for (i = 0; i < R_LOOKUPS; i++) {
			struct tdxc_bpool *h;
			if (tdxc_bpool_guest_heap(r, ids[i], &h)) {
				fprintf(stderr, "lookup failed\n");
				exit(1);
			}
			acc += (uintptr_t)h;
		}
		t1 = now_ns();
		v[run] = (t1 - t0) / R_LOOKUPS;
	}
	if (acc == 1)
		printf("#\n");
	free(ids);
	free(nexus);
	free(r);
	return median(v, runs);
}

/*
 * One flushing allocation (see the top of the file), ns; @blocks gets the
 * free blocks counted just before it (the cached ones included).
 */
#define F_PER_SIZE 8
#define F_SIZES 256
static double run_flush_one(const struct alloc_impl *im, uint64_t *blocks)
{
	static void *held[F_SIZES * F_PER_SIZE];
	struct tdxc_bpool_stats st;
	void *ctx = start(im), *big;
	size_t i;
	double t0, t1;

	for (i = 0; i < F_SIZES * F_PER_SIZE; i++)
		if (!(held[i] = im->alloc(ctx, 16 * (i % F_SIZES) + 8))) {
			fprintf(stderr, "flush setup failed\n");
			exit(1);
		}
	/* fill what is left, so the index has no fit for the request */
	while (tdxc_bpool_stats(ctx, &st) == 0 && st.alloc_max >= 16)
		if (!im->alloc(ctx, st.alloc_max))
			break;
	for (i = 0; i < F_SIZES * F_PER_SIZE; i++)
		im->free(ctx, held[i]);
	tdxc_bpool_stats(ctx, &st);
	*blocks = st.free_blocks;
	t0 = now_ns();
	big = im->alloc(ctx, 1u << 20);
	t1 = now_ns();
	if (!big) {
		fprintf(stderr, "%s: flushing allocation failed\n", im->name);
		exit(1);
	}
	finish(im, ctx); /* the walk, then the region dropped whole */
	return t1 - t0;
}

static double run_flush(const struct alloc_impl *im, int runs, uint64_t *blocks)
{
	double v[MAXRUNS];
	int r;
	for (r = 0; r < runs; r++)
		v[r] = run_flush_one(im, blocks);
	return median(v, runs);
}

static const char *const wl_names[4] = { "random", "frag", "worst", "realloc" };

static double run_one(size_t w, const struct alloc_impl *im, unsigned long *nf)
{
	switch (w) {
	case 0:
		return run_random(im);
	case 1:
		return run_frag(im, nf);
	case 2:
		return run_worst(im);
	default:
		return run_realloc(im);
	}
}

static int find_name(const char *const *names, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-bpool [-w random|frag|worst|realloc|fill|registry|flush]"
			" [-i tdxc|glibc|floor|nocache] [-r runs] [-H]\n"
			"  (no option: every workload, every allocator, %d runs;\n"
			"   -w/-i repeatable; -r 1 with -w/-i is meant for callgrind;\n"
			"   -H: transparent huge pages for every allocator)\n",
		RUNS);
	exit(2);
}

int main(int argc, char **argv)
{
	static const char *const names[NIMPL] = { "tdxc", "glibc", "floor", "nocache" };
	double res[4][NIMPL], v[4][NIMPL][MAXRUNS], fill = -1, reg = -1;
	double fill_nc = -1, rfill = -1, rfill_nc = -1, flush = -1, flush_nc = -1;
	uint64_t flush_blocks = 0, flush_blocks_nc = 0;
	unsigned long frag_fails[NIMPL] = { 0 };
	unsigned wmask = 0, imask = 0;
	int runs = RUNS, r, a, x, huge = 0;
	size_t k, w;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-H")) {
			huge = 1;
			continue;
		}
		if (a + 1 >= argc)
			usage();
		if (!strcmp(argv[a], "-w")) {
			x = find_name(wl_names, 4, argv[++a]);
			if (x >= 0)
				wmask |= 1u << x;
			else if (!strcmp(argv[a], "fill"))
				wmask |= 1u << 4;
			else if (!strcmp(argv[a], "registry"))
				wmask |= 1u << 5;
			else if (!strcmp(argv[a], "flush"))
				wmask |= 1u << 6;
			else
				usage();
		} else if (!strcmp(argv[a], "-i")) {
			x = find_name(names, NIMPL, argv[++a]);
			if (x < 0)
				usage();
			imask |= 1u << x;
		} else if (!strcmp(argv[a], "-r")) {
			runs = atoi(argv[++a]);
			if (runs < 1 || runs > MAXRUNS)
				usage();
		} else {
			usage();
		}
	}
	if (!wmask)
		wmask = 0x7f;
	if (!imask)
		imask = (1u << NIMPL) - 1;

	/*
	 * -H: every allocator on transparent huge pages, so the comparison
	 * shows what TLB misses cost. The regions are advised here; glibc
	 * malloc does it for its own heap under the glibc.malloc.hugetlb=1
	 * tunable, which only takes effect at start-up: re-exec with it.
	 */
	if (huge && !getenv("BPOOL_BENCH_REEXEC")) {
		setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1);
		setenv("BPOOL_BENCH_REEXEC", "1", 1);
		execv("/proc/self/exe", argv);
		perror("re-exec for -H");
		return 1;
	}
	region = aligned_alloc(2u << 20, REGION);
	floor_region = aligned_alloc(2u << 20, (size_t)FLOOR_CELLS * FLOOR_CELL);
	if (!region || !floor_region)
		return 1;
	if (huge) {
		madvise(region, REGION, MADV_HUGEPAGE);
		madvise(floor_region, (size_t)FLOOR_CELLS * FLOOR_CELL, MADV_HUGEPAGE);
	}
	/* fault the pages in before timing */
	memset(region, 0, REGION);
	memset(floor_region, 0, (size_t)FLOOR_CELLS * FLOOR_CELL);
	make_random();
	make_frag();
	make_realloc();

	/*
	 * Runs are interleaved (run r of every allocator, then run r + 1), so
	 * a noisy neighbour slows every allocator alike; each figure is the
	 * median of its runs. The floor runs only where its cells suffice.
	 */
	for (r = 0; r < runs; r++)
		for (w = 0; w < 4; w++)
			for (k = 0; k < NIMPL; k++) {
				unsigned long nf = 0;
				if (!(wmask & (1u << w)) || !(imask & (1u << k)))
					continue;
				if (k == 2 && (w == 1 || w == 2))
					continue;
				v[w][k][r] = run_one(w, &impls[k], &nf);
				frag_fails[k] += nf;
			}
	for (w = 0; w < 4; w++)
		for (k = 0; k < NIMPL; k++)
			res[w][k] = median(v[w][k], runs);
	if ((wmask & (1u << 4)) && (imask & 1u)) {
		fill = run_frag_fill(&impls[0]);
		rfill = run_random_fill(&impls[0]);
	}
	if ((wmask & (1u << 4)) && (imask & 8u)) {
		fill_nc = run_frag_fill(&impls[3]);
		rfill_nc = run_random_fill(&impls[3]);
	}
	if ((wmask & (1u << 5)) && (imask & 1u))
		reg = run_registry(runs);
	if ((wmask & (1u << 6)) && (imask & 1u))
		flush = run_flush(&impls[0], runs, &flush_blocks);
	if ((wmask & (1u << 6)) && (imask & 8u))
		flush_nc = run_flush(&impls[3], runs, &flush_blocks_nc);

	printf("%-10s", "workload");
	for (k = 0; k < NIMPL; k++)
		printf(" %12s", impls[k].name);
	printf("   (ns/op, median of %d interleaved runs)\n", runs);
	for (w = 0; w < 4; w++) {
		if (!(wmask & (1u << w)))
			continue;
		printf("%-10s", wl_names[w]);
		for (k = 0; k < NIMPL; k++) {
			if ((imask & (1u << k)) && !(k == 2 && (w == 1 || w == 2)))
				printf(" %12.1f", res[w][k]);
			else
				printf(" %12s", "-");
		}
		printf("\n");
	}
	printf("# floor = harness only (trace, slots, tags, call through the table)%s\n",
	       huge ? "; huge pages" : "");
	printf("frag failures over %d runs:", runs);
	for (k = 0; k < NIMPL; k++)
		if (k != 2)
			printf(" %s %lu", impls[k].name, frag_fails[k]);
	printf("; other failed allocations: %lu\n", fails);
	printf("# nocache = tdxc with TDXC_BPOOL_F_NO_CACHE\n");
	if (fill >= 0)
		printf("fill utilisation (tdxc): frag %.1f%%, random %.1f%%\n", fill,
		       rfill);
	if (fill_nc >= 0)
		printf("fill utilisation (nocache): frag %.1f%%, random %.1f%%\n",
		       fill_nc, rfill_nc);
	if (reg >= 0)
		printf("registry lookup, %d guests: %.1f ns\n", R_GUESTS, reg);
	if (flush >= 0)
		printf("flushing allocation: %.0f ns with %llu free blocks (cached ones "
		       "included) before it, %.1f ns per block\n",
		       flush, (unsigned long long)flush_blocks, flush / (double)flush_blocks);
	if (flush_nc >= 0)
		printf("the same allocation without the cache: %.0f ns (%llu free blocks)\n",
		       flush_nc, (unsigned long long)flush_blocks_nc);

	for (w = 0; w < 4; w++)
		for (k = 0; k < NIMPL; k++)
			if ((wmask & (1u << w)) && (imask & (1u << k)) && k != 2)
				printf("BENCH bpool.%s.%s %.1f ns/op\n", wl_names[w],
				       k == 3 ? "tdxc_nocache" : impls[k].name,
				       res[w][k]);
	if (fill >= 0) {
		printf("BENCH bpool.frag_fill.tdxc %.1f percent\n", fill);
		printf("BENCH bpool.random_fill.tdxc %.1f percent\n", rfill);
	}
	if (fill_nc >= 0) {
		printf("BENCH bpool.frag_fill.tdxc_nocache %.1f percent\n", fill_nc);
		printf("BENCH bpool.random_fill.tdxc_nocache %.1f percent\n", rfill_nc);
	}
	if (reg >= 0)
		printf("BENCH bpool.registry_lookup.tdxc %.1f ns/op\n", reg);
	if (flush >= 0)
		printf("BENCH bpool.flush_alloc.tdxc %.0f ns\n", flush);
	if (flush_nc >= 0)
		printf("BENCH bpool.flush_alloc.tdxc_nocache %.0f ns\n", flush_nc);
	free(region);
	free(floor_region);
	return 0;
}
