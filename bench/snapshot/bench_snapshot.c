/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snapshot container: save and restore time and container size for
 * 64 VPs x 2 VTLs of vtlctx state and for a 64 GiB memregion, plain and
 * deflate-compressed (level 6). Save = measure + write the container
 * (+ compress); restore = open (+ inflate) + restore every record into
 * live objects (for memregion a freshly initialised one, init included).
 * Baselines in the same run: the modules' own save blobs without the
 * container (vtlctx), and a plain copy of the allocator's whole storage,
 * the naive "snapshot" (memregion).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdxcore/memregion.h>
#include <tdxcore/snapshot.h>
#include <tdxcore/vtlctx.h>

#define CK(x)                                                                          \
	do {                                                                           \
		long ck_ = (long)(x);                                                  \
		if (ck_ < 0) {                                                         \
			fprintf(stderr, "%s:%d: %s = %ld\n", __FILE__, __LINE__, #x, ck_); \
			exit(1);                                                       \
		}                                                                      \
	} while (0)

#define NVP 64
#define GiB (UINT64_C(1) << 30)
#define MiB (UINT64_C(1) << 20)

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *xalloc(size_t n)
{
	void *p = aligned_alloc(64, (n + 63) & ~(size_t)63);
	if (!p)
		exit(1);
	memset(p, 0, n);
	return p;
}

/* Number of forms measured: plain, and deflate when zlib is built in. */
static unsigned nz;

static uint64_t best(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* ---- a generic container around an add callback ------------------------ */

typedef void (*add_fn)(struct tdxc_snapshot_writer *w, void *ctx);

struct cont {
	uint8_t *buf, *z, *ws, *scratch;
	size_t cap, zcap, len, zlen, scratch_len;
};

static void cont_save(struct cont *c, add_fn add, void *ctx, int compress)
{
	struct tdxc_snapshot_writer w;
	size_t m;
	CK(tdxc_snapshot_writer_init(&w, NULL, 0, 2));
	add(&w, ctx);
	CK(tdxc_snapshot_finish(&w, &m));
	if (m > c->cap) {
		free(c->buf);
		c->buf = xalloc(m);
		c->cap = m;
	}
	CK(tdxc_snapshot_writer_init(&w, c->buf, c->cap, 2));
	add(&w, ctx);
	CK(tdxc_snapshot_finish(&w, &c->len));
	if (compress) {
		size_t bound;
		CK(tdxc_snapshot_compress_bound(c->len, &bound));
		if (bound > c->zcap) {
			free(c->z);
			c->z = xalloc(bound);
			c->zcap = bound;
		}
		if (!c->ws)
			c->ws = xalloc(TDXC_SNAPSHOT_DEFLATE_WORKSPACE);
		CK(tdxc_snapshot_compress(c->buf, c->len, c->z, c->zcap, 6, c->ws,
					  TDXC_SNAPSHOT_DEFLATE_WORKSPACE, &c->zlen));
	}
}

static void cont_open(struct cont *c, struct tdxc_snapshot_reader *r, int compress)
{
	const uint8_t *b = compress ? c->z : c->buf;
	size_t len = compress ? c->zlen : c->len, need;
	CK(tdxc_snapshot_scratch_size(b, len, &need));
	if (need > c->scratch_len) {
		free(c->scratch);
		c->scratch = xalloc(need);
		c->scratch_len = need;
	}
	CK(tdxc_snapshot_open(r, b, len, c->scratch, need));
}

/* ---- vtlctx --------------------------------------------------------------- */

static struct tdxc_vtlctx *vps[NVP], *vps2[NVP];

static void vt_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	unsigned i;
	(void)ctx;
	for (i = 0; i < NVP; i++)
		CK(tdxc_vtlctx_snapshot_add(vps[i], i, w));
}

static void vtlctx_bench(void)
{
	struct tdxc_vtlctx_params p;
	struct tdxc_snapshot_reader r;
	struct cont c;
	size_t len, blob_len = 0;
	uint64_t s = 1, t, save[2] = { UINT64_MAX, UINT64_MAX }, rest[2] = { UINT64_MAX, UINT64_MAX };
	uint64_t raw_save = UINT64_MAX, raw_rest = UINT64_MAX;
	uint8_t *blobs;
	unsigned i, it, z, f;
	size_t size[2] = { 0, 0 };

	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p.size = sizeof(p);
	p.caps = TDXC_VTLCTX_CAP_ALL;
	p.n_vtls = 2;
	p.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	CK(tdxc_vtlctx_storage_size(&p, &len));
	for (i = 0; i < NVP; i++) {
		CK(tdxc_vtlctx_init(xalloc(len), len, &p, NULL, &vps[i]));
		CK(tdxc_vtlctx_init(xalloc(len), len, &p, NULL, &vps2[i]));
		CK(tdxc_vtlctx_enable(vps[i], 1));
		CK(tdxc_vtlctx_enable(vps2[i], 1));
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
			struct tdxc_vtlctx_field_info fi;
			CK(tdxc_vtlctx_field_info(f, &fi));
			if (fi.size != 8 || fi.access == TDXC_VTLCTX_ACCESS_OWNER ||
			    f == TDXC_VTLCTX_F_RFLAGS)
				continue;
			(void)tdxc_vtlctx_set(vps[i], 2, 0, f, rnd(&s));
			(void)tdxc_vtlctx_set(vps[i], 2, 1, f, rnd(&s));
		}
	}
	for (z = 0; z < nz; z++) {
		for (it = 0; it < 200; it++) {
			t = now_ns();
			cont_save(&c, vt_add, NULL, (int)z);
			save[z] = best(save[z], now_ns() - t);
			t = now_ns();
			cont_open(&c, &r, (int)z);
			for (i = 0; i < NVP; i++)
				CK(tdxc_vtlctx_snapshot_restore(vps2[i], i, &r));
			rest[z] = best(rest[z], now_ns() - t);
		}
		size[z] = z ? c.zlen : c.len;
	}
	/* baseline: the module's own blobs, no container */
	CK(tdxc_vtlctx_save_size(vps[0], &len));
	blobs = xalloc(len * NVP);
	for (it = 0; it < 200; it++) {
		t = now_ns();
		for (i = 0; i < NVP; i++)
			CK(tdxc_vtlctx_save(vps[i], blobs + i * len, len, NULL));
		raw_save = best(raw_save, now_ns() - t);
		t = now_ns();
		for (i = 0; i < NVP; i++)
			CK(tdxc_vtlctx_restore(vps2[i], blobs + i * len, len));
		raw_rest = best(raw_rest, now_ns() - t);
	}
	blob_len = len * NVP;
	printf("vtlctx, %u VPs x 2 VTLs       save ns    restore ns    bytes\n", NVP);
	printf("  container, plain        %10llu  %12llu  %8zu\n", (unsigned long long)save[0],
	       (unsigned long long)rest[0], size[0]);
	if (nz == 2)
		printf("  container, deflate      %10llu  %12llu  %8zu\n", (unsigned long long)save[1],
		       (unsigned long long)rest[1], size[1]);
	printf("  module blobs only       %10llu  %12llu  %8zu\n", (unsigned long long)raw_save,
	       (unsigned long long)raw_rest, blob_len);
	printf("BENCH snapshot.save_vtlctx64.tdxc %llu ns\n", (unsigned long long)save[0]);
	if (nz == 2)
		printf("BENCH snapshot.save_vtlctx64.tdxc_z %llu ns\n", (unsigned long long)save[1]);
	printf("BENCH snapshot.save_vtlctx64.module_blobs %llu ns\n", (unsigned long long)raw_save);
	printf("BENCH snapshot.restore_vtlctx64.tdxc %llu ns\n", (unsigned long long)rest[0]);
	if (nz == 2)
		printf("BENCH snapshot.restore_vtlctx64.tdxc_z %llu ns\n", (unsigned long long)rest[1]);
	printf("BENCH snapshot.restore_vtlctx64.module_blobs %llu ns\n",
	       (unsigned long long)raw_rest);
	printf("BENCH snapshot.size_vtlctx64.tdxc %zu bytes\n", size[0]);
	if (nz == 2)
		printf("BENCH snapshot.size_vtlctx64.tdxc_z %zu bytes\n", size[1]);
	printf("BENCH snapshot.size_vtlctx64.module_blobs %zu bytes\n", blob_len);
	free(blobs);
}

/* ---- memregion ------------------------------------------------------------ */

static struct tdxc_memregion *mr;

static int accept_cb(void *o, uint64_t b, uint64_t l)
{
	(void)o;
	(void)b;
	(void)l;
	return 0;
}

static void mr_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	(void)ctx;
	CK(tdxc_memregion_snapshot_add(mr, w));
}

static void memregion_bench(void)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr2;
	struct tdxc_snapshot_reader r;
	struct tdxc_memregion_stats st;
	struct cont c;
	size_t len;
	uint8_t *mem, *mem2;
	uint64_t s = 7, pa, t, save[2] = { UINT64_MAX, UINT64_MAX }, rest[2] = { UINT64_MAX, UINT64_MAX };
	uint64_t copy = UINT64_MAX, taken = 0, *runs;
	size_t size[2] = { 0, 0 }, n = 0, i;
	unsigned it, z;

	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p.size = sizeof(p);
	p.max_regions = 16;
	p.max_reservations = 64;
	p.max_addr = 66 * GiB;
	len = tdxc_memregion_storage_size(&p);
	mem = xalloc(len);
	mem2 = xalloc(len);
	CK(tdxc_memregion_init(&mr, mem, len, &p));
	CK(tdxc_memregion_set_accept_fn(mr, accept_cb, NULL));
	/* 64 GiB of RAM: 3 GiB low, the MMIO hole, 29 GiB usable, 32 GiB
	 * unaccepted */
	CK(tdxc_memregion_add(mr, 0, 0x9f000, TDXC_MEMREGION_USABLE, 1));
	CK(tdxc_memregion_add(mr, 0x9f000, 0x61000, TDXC_MEMREGION_RESERVED, 2));
	CK(tdxc_memregion_add(mr, MiB, 3 * GiB - MiB, TDXC_MEMREGION_USABLE, 1));
	CK(tdxc_memregion_add(mr, 3 * GiB, GiB, TDXC_MEMREGION_MMIO, 0));
	CK(tdxc_memregion_add(mr, 4 * GiB, 29 * GiB, TDXC_MEMREGION_USABLE, 1));
	CK(tdxc_memregion_add(mr, 33 * GiB, 32 * GiB, TDXC_MEMREGION_UNACCEPTED, 1));
	CK(tdxc_memregion_reserve(mr, MiB, 64 * MiB, "kernel", 0));
	CK(tdxc_memregion_reserve(mr, 0x8000, 0x1000, "ap-trampoline", 1));
	CK(tdxc_memregion_commit(mr));
	/* 12 GiB taken in runs of 1..1024 frames, then every third run freed
	 * again (about 8000 holes), plus 4 GiB of unaccepted memory accepted */
	runs = malloc(sizeof(*runs) * 2 * 65536);
	if (!runs)
		exit(1);
	while (taken < 12 * GiB && n < 65536) {
		uint64_t fr = 1 + rnd(&s) % 1024;
		CK(tdxc_memregion_alloc_range(mr, fr, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa));
		runs[2 * n] = pa;
		runs[2 * n + 1] = fr * 4096;
		n++;
		taken += fr * 4096;
	}
	for (i = 0; i < n; i += 3)
		CK(tdxc_memregion_free(mr, runs[2 * i], runs[2 * i + 1]));
	free(runs);
	CK(tdxc_memregion_accept(mr, 40 * GiB, 4 * GiB));
	CK(tdxc_memregion_release(mr, 1, NULL));
	CK(tdxc_memregion_stats(mr, &st));

	for (z = 0; z < nz; z++) {
		for (it = 0; it < 8; it++) {
			t = now_ns();
			cont_save(&c, mr_add, NULL, (int)z);
			save[z] = best(save[z], now_ns() - t);
			t = now_ns();
			cont_open(&c, &r, (int)z);
			CK(tdxc_memregion_init(&mr2, mem2, len, &p));
			CK(tdxc_memregion_snapshot_restore(mr2, &r));
			rest[z] = best(rest[z], now_ns() - t);
		}
		size[z] = z ? c.zlen : c.len;
	}
	for (it = 0; it < 8; it++) {
		t = now_ns();
		memcpy(mem2, mem, len);
		copy = best(copy, now_ns() - t);
	}
	printf("\nmemregion, 64 GiB RAM, %llu frames allocated, %zu allocations\n",
	       (unsigned long long)st.allocated_frames, n);
	printf("                          save ns    restore ns    bytes\n");
	printf("  container, plain     %12llu  %12llu  %8zu\n", (unsigned long long)save[0],
	       (unsigned long long)rest[0], size[0]);
	if (nz == 2)
		printf("  container, deflate   %12llu  %12llu  %8zu\n", (unsigned long long)save[1],
		       (unsigned long long)rest[1], size[1]);
	printf("  copy of the storage  %12llu  %12llu  %8zu\n", (unsigned long long)copy,
	       (unsigned long long)copy, len);
	printf("BENCH snapshot.save_memregion64g.tdxc %llu ns\n", (unsigned long long)save[0]);
	if (nz == 2)
		printf("BENCH snapshot.save_memregion64g.tdxc_z %llu ns\n", (unsigned long long)save[1]);
	printf("BENCH snapshot.save_memregion64g.storage_copy %llu ns\n", (unsigned long long)copy);
	printf("BENCH snapshot.restore_memregion64g.tdxc %llu ns\n", (unsigned long long)rest[0]);
	if (nz == 2)
		printf("BENCH snapshot.restore_memregion64g.tdxc_z %llu ns\n", (unsigned long long)rest[1]);
	printf("BENCH snapshot.restore_memregion64g.storage_copy %llu ns\n",
	       (unsigned long long)copy);
	printf("BENCH snapshot.size_memregion64g.tdxc %zu bytes\n", size[0]);
	if (nz == 2)
		printf("BENCH snapshot.size_memregion64g.tdxc_z %zu bytes\n", size[1]);
	printf("BENCH snapshot.size_memregion64g.storage_copy %zu bytes\n", len);
}

int main(void)
{
	nz = (tdxc_features() & TDXC_FEAT_ZLIB) ? 2 : 1;
	if (nz == 1)
		printf("built without zlib: compressed forms not measured\n");
	vtlctx_bench();
	memregion_bench();
	return 0;
}
