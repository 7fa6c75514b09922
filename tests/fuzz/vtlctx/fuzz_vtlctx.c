/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx under arbitrary input: restore of an arbitrary blob (optionally
 * with a repaired header and checksum so that payload checks are reached),
 * then a random sequence of operations, including a "kernel" writing
 * arbitrary bytes into the staged run page. Invariants checked after every
 * call: a failed call leaves the store, its pages and the run page
 * byte-identical; the store's integrity check passes; no call lets a
 * lower VTL touch a higher VTL's state.
 *
 * Input: [config][partition][blob len lo][blob len hi][blob ...][ops ...]
 */
#include <stdint.h>
#include <string.h>
#include "internal.h"
#include <tdxcore/vtlctx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static _Alignas(4096) uint8_t pages[4][TDXC_VTLCTX_PAGE_SIZE];
static _Alignas(4096) uint8_t run[TDXC_VTLCTX_PAGE_SIZE];
static _Alignas(64) uint8_t storage[16384];
static uint8_t s_pages[sizeof(pages)], s_run[sizeof(run)], s_storage[sizeof(storage)];
static uint8_t blob[8192], saved[8192];

static void snap(void)
{
	memcpy(s_pages, pages, sizeof(pages));
	memcpy(s_run, run, sizeof(run));
	memcpy(s_storage, storage, sizeof(storage));
}

static void expect(int rc)
{
	if (rc != 0 && (memcmp(s_pages, pages, sizeof(pages)) || memcmp(s_run, run, sizeof(run)) ||
			memcmp(s_storage, storage, sizeof(storage))))
		__builtin_trap(); /* a rejected call changed something */
}

static uint32_t fnv(const uint8_t *b, size_t n)
{
	uint32_t h = 0x811C9DC5u;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ (i >= 28 && i < 32 ? 0 : b[i])) * 0x01000193u;
	return h;
}

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct in *in)
{
	uint8_t b = 0;
	if (in->n) {
		b = *in->p++;
		in->n--;
	}
	return b;
}

static uint64_t take64(struct in *in)
{
	uint64_t v = 0;
	unsigned i;
	for (i = 0; i < 8; i++)
		v |= (uint64_t)take(in) << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct in in = { data, len };
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *st;
	void *pg[4] = { pages[0], pages[1], pages[2], pages[3] };
	uint8_t cfg, part, buf[512];
	size_t need, blen, saved_len = 0, w;
	int staged = -1, rc;
	unsigned n, steps = 0;

	cfg = take(&in);
	part = take(&in);
	n = 1u + ((cfg >> 1) & 3u);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.backend = (cfg & 1) ? TDXC_VTLCTX_BACKEND_PER_VTL_PAGE : TDXC_VTLCTX_BACKEND_TDX_STAGED;
	p.n_vtls = (uint8_t)n;
	p.caps = (cfg >> 3) & 3u;
	p.partition_vtls = (uint16_t)((part | 1u) & ((1u << n) - 1u));
	if (tdxc_vtlctx_storage_size(&p, &need) || need > sizeof(storage))
		__builtin_trap();
	if (tdxc_vtlctx_init(storage, need, &p,
			     p.backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE ? pg : NULL, &st))
		__builtin_trap();
	if (cfg & 0x40) {
		unsigned v;
		for (v = 1; v < n; v++)
			(void)tdxc_vtlctx_enable(st, (tdxc_vtlctx_vtl)v);
	}

	/* The blob. */
	blen = take(&in);
	blen |= (size_t)take(&in) << 8;
	if (blen > in.n)
		blen = in.n;
	if (blen > sizeof(blob))
		blen = sizeof(blob);
	memcpy(blob, in.p, blen);
	in.p += blen;
	in.n -= blen;
	if ((cfg & 0x80) && blen >= TDXC_VTLCTX_SAVE_HEADER_SIZE) {
		/* Make the header right for this store so that the payload
		 * checks run on arbitrary field values. */
		size_t want = 0;
		(void)tdxc_vtlctx_save_size(st, &want);
		if (tdxc_vtlctx_save(st, saved, sizeof(saved), &w) == 0 && blen >= want) {
			memcpy(blob, saved, 16);
			memcpy(blob + 16, saved + 16, 12);
			blen = want;
		}
	}
	if ((cfg & 0xA0) && blen >= TDXC_VTLCTX_SAVE_HEADER_SIZE)
		tdxc__put_le32(blob + 28, fnv(blob, blen));
	snap();
	expect(tdxc_vtlctx_restore(st, blob, blen));
	if (tdxc_vtlctx_check(st))
		__builtin_trap();

	/* Operations. */
	while (in.n && steps++ < 256) {
		uint8_t op = take(&in), a = take(&in), b = take(&in);
		uint32_t f = take(&in);
		uint64_t v;
		snap();
		switch (op % 10) {
		case 0:
		case 1:
			v = take64(&in);
			rc = tdxc_vtlctx_set(st, a % 6, b % 6, f, v);
			if (rc == 0 && (b % 6) > (a % 6))
				__builtin_trap(); /* upward write */
			expect(rc);
			break;
		case 2: {
			size_t l = take(&in) % 2 ? 16 : 512;
			unsigned i;
			for (i = 0; i < l; i++)
				buf[i] = take(&in);
			expect(tdxc_vtlctx_write(st, a % 6, b % 6, f, buf, l));
			break;
		}
		case 3:
			rc = tdxc_vtlctx_get(st, a % 6, b % 6, f, &v);
			if (rc == 0 && (b % 6) > (a % 6))
				__builtin_trap(); /* upward read */
			expect(rc);
			break;
		case 4:
			rc = tdxc_vtlctx_stage(st, a % 5, run, sizeof(run));
			expect(rc);
			if (rc == 0)
				staged = a % 5;
			break;
		case 5:
			/* The kernel/hypervisor writes arbitrary bytes into the
			 * context area of the staged page. */
			if (staged >= 0) {
				unsigned off = TDXC_VTLCTX_RUN_CONTEXT_OFFSET +
					       ((unsigned)a | (unsigned)b << 8) %
						       TDXC_VTLCTX_RUN_CONTEXT_SIZE;
				run[off] = (uint8_t)f;
			}
			break;
		case 6:
			rc = tdxc_vtlctx_unstage(st, a % 5, run);
			expect(rc);
			if (rc == 0)
				staged = -1;
			break;
		case 7:
			expect(tdxc_vtlctx_switch(st, a % 5, b % 5));
			break;
		case 8:
			expect(tdxc_vtlctx_enable(st, a % 5));
			break;
		default:
			if (a & 1) {
				rc = tdxc_vtlctx_save(st, saved, sizeof(saved), &w);
				expect(rc);
				if (rc == 0)
					saved_len = w;
			} else {
				expect(tdxc_vtlctx_restore(st, saved, saved_len));
			}
			break;
		}
		if (tdxc_vtlctx_check(st))
			__builtin_trap();
	}
	return 0;
}
