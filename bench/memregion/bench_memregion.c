/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion benchmark: order-0 alloc, free and 50 % churn at 1 GiB and
 * 64 GiB, contiguous 2 MiB runs, init of a 1 TiB map with 100 regions and
 * metadata per GiB. A plain bitmap-scan allocator (first fit from a
 * lowest-free-word hint) runs the same cases as the baseline. Both are
 * driven through one table of function pointers.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdxcore/memregion.h>

#define GIB (UINT64_C(1) << 30)

struct impl {
	const char *name;
	void *(*init)(uint64_t bytes);
	int (*alloc)(void *a, uint64_t *pa);
	int (*free)(void *a, uint64_t pa);
	int (*alloc_run)(void *a, uint64_t frames, uint64_t align, uint64_t *pa);
	void (*fini)(void *a);
};

/* ---- libtdxcore memregion ---- */

struct tdxc_box {
	struct tdxc_memregion *mr;
	void *mem;
};

static void *tdxc_init(uint64_t bytes)
{
	struct tdxc_memregion_params p;
	struct tdxc_box *b = calloc(1, sizeof(*b));
	size_t need;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 4;
	p.max_reservations = 4;
	p.max_addr = bytes;
	need = tdxc_memregion_storage_size(&p);
	b->mem = aligned_alloc(4096, (need + 4095) & ~(size_t)4095);
	if (!b->mem || tdxc_memregion_init(&b->mr, b->mem, need, &p) ||
	    tdxc_memregion_add(b->mr, 0, bytes, TDXC_MEMREGION_USABLE, 1) ||
	    tdxc_memregion_commit(b->mr))
		exit(1);
	return b;
}

static int tdxc_alloc(void *a, uint64_t *pa)
{
	return tdxc_memregion_alloc(((struct tdxc_box *)a)->mr, pa);
}

static int tdxc_free(void *a, uint64_t pa)
{
	return tdxc_memregion_free(((struct tdxc_box *)a)->mr, pa, 4096);
}

static int tdxc_run(void *a, uint64_t frames, uint64_t align, uint64_t *pa)
{
	return tdxc_memregion_alloc_range(((struct tdxc_box *)a)->mr, frames, align, 0,
					  TDXC_MEMREGION_NO_LIMIT, pa);
}

static void tdxc_fini(void *a)
{
	struct tdxc_box *b = a;
	free(b->mem);
	free(b);
}

/* ---- baseline: one bitmap, first-fit scan from a hint ---- */

struct bm {
	uint64_t *w; /* 1 = free */
	uint64_t nw, hint;
};

static void *bm_init(uint64_t bytes)
{
	struct bm *b = calloc(1, sizeof(*b));
	b->nw = (bytes >> 12) / 64;
	b->w = malloc(b->nw * 8);
	memset(b->w, 0xff, b->nw * 8);
	return b;
}

static int bm_alloc(void *a, uint64_t *pa)
{
	struct bm *b = a;
	uint64_t i;
	for (i = b->hint; i < b->nw; i++)
		if (b->w[i]) {
			unsigned bit = (unsigned)__builtin_ctzll(b->w[i]);
			b->w[i] &= b->w[i] - 1;
			b->hint = i;
			*pa = ((i << 6) | bit) << 12;
			return 0;
		}
	b->hint = b->nw;
	return -1;
}

static int bm_free(void *a, uint64_t pa)
{
	struct bm *b = a;
	uint64_t f = pa >> 12;
	if (b->w[f >> 6] & (UINT64_C(1) << (f & 63)))
		return -1;
	b->w[f >> 6] |= UINT64_C(1) << (f & 63);
	if ((f >> 6) < b->hint)
		b->hint = f >> 6;
	return 0;
}

static int bm_run(void *a, uint64_t frames, uint64_t align, uint64_t *pa)
{
	struct bm *b = a;
	uint64_t af = align >> 12, s, f, n = b->nw * 64;
	for (s = (b->hint * 64 + af - 1) & ~(af - 1); s + frames <= n;) {
		for (f = s; f < s + frames; f++)
			if (!(b->w[f >> 6] & (UINT64_C(1) << (f & 63))))
				break;
		if (f != s + frames) {
			s = (f + af) & ~(af - 1); /* next aligned start past the hole */
			continue;
		}
		{
			for (f = s; f < s + frames; f++)
				b->w[f >> 6] &= ~(UINT64_C(1) << (f & 63));
			while (b->hint < b->nw && !b->w[b->hint])
				b->hint++;
			*pa = s << 12;
			return 0;
		}
	}
	return -1;
}

static void bm_fini(void *a)
{
	struct bm *b = a;
	free(b->w);
	free(b);
}

static const struct impl impls[] = {
	{"tdxc", tdxc_init, tdxc_alloc, tdxc_free, tdxc_run, tdxc_fini},
	{"bitmap", bm_init, bm_alloc, bm_free, bm_run, bm_fini},
};

/* ---- harness ---- */

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t rs = 88172645463325252ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static void report(const char *kase, const char *impl, double v, const char *unit)
{
	printf("BENCH memregion.%s.%s %.1f %s\n", kase, impl, v, unit);
	fflush(stdout);
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s failed\n", what);
	exit(1);
}

/* Fill all, free all shuffled (1 GiB): alloc and free ns/op. */
static void case_alloc_free(const struct impl *im, uint64_t bytes, const char *ka, const char *kf)
{
	uint64_t n = bytes >> 12, i, *pa = malloc(n * 8);
	void *a = im->init(bytes);
	double t0, t1, t2;
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (im->alloc(a, &pa[i]))
			die("alloc");
	t1 = now_ns();
	for (i = n - 1; i > 0; i--) {
		uint64_t j = rnd() % (i + 1), t = pa[i];
		pa[i] = pa[j];
		pa[j] = t;
	}
	t2 = now_ns();
	for (i = 0; i < n; i++)
		if (im->free(a, pa[i]))
			die("free");
	report(ka, im->name, (t1 - t0) / (double)n, "ns/op");
	report(kf, im->name, (now_ns() - t2) / (double)n, "ns/op");
	im->fini(a);
	free(pa);
}

/* Fill 50 %, then random free + alloc pairs. */
#define AHEAD 16

static void case_churn(const struct impl *im, uint64_t bytes, uint64_t pairs, const char *k)
{
	uint64_t n = (bytes >> 12) / 2, i, *pa = malloc(n * 8), ring[AHEAD];
	void *a = im->init(bytes);
	double t0;
	for (i = 0; i < n; i++)
		if (im->alloc(a, &pa[i]))
			die("fill");
	/* scatter the holes first, untimed */
	for (i = 0; i < n / 4; i++) {
		uint64_t j = rnd() % n;
		if (im->free(a, pa[j]) || im->alloc(a, &pa[j]))
			die("warm");
	}
	/* The victims are drawn ahead and the harness prefetches its own
	 * tracking array, so that its cache misses (a 64 MiB array at 64 GiB)
	 * are not charged to the allocator under test. */
	for (i = 0; i < AHEAD; i++)
		ring[i] = rnd() % n;
	t0 = now_ns();
	for (i = 0; i < pairs; i++) {
		uint64_t j = ring[i % AHEAD], nj = rnd() % n;
		ring[i % AHEAD] = nj;
		__builtin_prefetch(&pa[nj], 1);
		if (im->free(a, pa[j]) || im->alloc(a, &pa[j]))
			die("churn");
	}
	report(k, im->name, (now_ns() - t0) / (double)pairs, "ns/pair");
	im->fini(a);
	free(pa);
}

/* Alloc then free the same frame at 50 % occupancy (no random victim). */
static void case_pair(const struct impl *im, uint64_t bytes, uint64_t pairs, const char *k)
{
	uint64_t n = (bytes >> 12) / 2, i, pa;
	void *a = im->init(bytes);
	double t0;
	for (i = 0; i < n; i++)
		if (im->alloc(a, &pa))
			die("fill");
	t0 = now_ns();
	for (i = 0; i < pairs; i++)
		if (im->alloc(a, &pa) || im->free(a, pa))
			die("pair");
	report(k, im->name, (now_ns() - t0) / (double)pairs, "ns/pair");
	im->fini(a);
}

/* Contiguous 2 MiB (512 frames, 2 MiB aligned) runs. */
static void case_alloc2m(const struct impl *im, uint64_t bytes, uint64_t count, const char *k)
{
	void *a = im->init(bytes);
	uint64_t i, pa;
	double t0 = now_ns();
	for (i = 0; i < count; i++)
		if (im->alloc_run(a, 512, 2u << 20, &pa))
			die("alloc2m");
	report(k, im->name, (now_ns() - t0) / (double)count, "ns/op");
	im->fini(a);
}

/* 2 MiB runs when the low half is fragmented (every other frame free). */
static void case_alloc2m_frag(const struct impl *im, uint64_t bytes, uint64_t count, const char *k)
{
	void *a = im->init(bytes);
	uint64_t n = bytes >> 12, i, pa;
	double t0;
	for (i = 0; i < n; i++)
		if (im->alloc(a, &pa))
			die("fill");
	for (i = 0; i < n; i++)
		if ((i < n / 2 ? (i & 1) : 1) && im->free(a, i << 12))
			die("fragment");
	t0 = now_ns();
	for (i = 0; i < count; i++)
		if (im->alloc_run(a, 512, 2u << 20, &pa) || pa < bytes / 2)
			die("alloc2m frag");
	report(k, im->name, (now_ns() - t0) / (double)count, "ns/op");
	im->fini(a);
}

/* init + 100 regions + commit for a 1 TiB map (storage allocated once). */
static void case_init_1t(void)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	size_t need;
	void *mem;
	double best = 1e30;
	int rep, i;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 128;
	p.max_reservations = 8;
	p.max_addr = 1024 * GIB;
	need = tdxc_memregion_storage_size(&p);
	mem = aligned_alloc(4096, (need + 4095) & ~(size_t)4095);
	if (!mem)
		die("init storage");
	for (rep = 0; rep < 20; rep++) {
		double t0 = now_ns(), t;
		if (tdxc_memregion_init(&mr, mem, need, &p))
			die("init");
		/* 50 usable ranges of ~20 GiB separated by 50 reserved holes */
		for (i = 0; i < 50; i++) {
			uint64_t base = (uint64_t)i * (1024 * GIB / 50) & ~(GIB - 1);
			if (tdxc_memregion_add(mr, base, 20 * GIB - (64u << 20), TDXC_MEMREGION_USABLE, 1) ||
			    tdxc_memregion_add(mr, base + 20 * GIB - (64u << 20), 32u << 20,
					       TDXC_MEMREGION_RESERVED, 2))
				die("add");
		}
		if (tdxc_memregion_commit(mr))
			die("commit");
		t = now_ns() - t0;
		if (t < best)
			best = t;
	}
	printf("%-28s %12.0f ns (best of 20; storage %zu bytes)\n", "init 1 TiB, 100 regions", best, need);
	report("init_1t", "tdxc", best, "ns");
	free(mem);
}

int main(void)
{
	struct tdxc_memregion_params p;
	size_t meta;
	unsigned i;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("memregion benchmark (4 KiB frames, single thread)\n");
	for (i = 0; i < 2; i++) {
		printf("-- %s\n", impls[i].name);
		case_alloc_free(&impls[i], GIB, "alloc_1g", "free_1g");
		case_churn(&impls[i], GIB, 2000000, "churn_1g");
		/* the baseline's scan is slow at 64 GiB: fewer pairs keep the
		 * run short (the figure is per pair either way) */
		case_churn(&impls[i], 64 * GIB, i ? 200000 : 2000000, "churn_64g");
		case_pair(&impls[i], 64 * GIB, 5000000, "pair_64g");
		case_alloc2m(&impls[i], 64 * GIB, 16384, "alloc2m_64g");
		case_alloc2m_frag(&impls[i], 64 * GIB, i ? 256 : 4096, "alloc2m_frag_64g");
	}
	case_init_1t();
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 128;
	p.max_reservations = 64;
	p.max_addr = 64 * GIB;
	meta = tdxc_memregion_storage_size(&p);
	printf("%-28s %12zu bytes for 64 GiB\n", "metadata", meta);
	report("meta_per_gib", "tdxc", (double)meta / 64.0, "bytes");
	report("meta_per_gib", "bitmap", (double)(GIB >> 12) / 8.0, "bytes");
	return 0;
}
