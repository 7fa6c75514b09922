/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the input is an operation stream on one heap (two
 * pools) and on a registry of up to 8 guests. After every operation the
 * validation walk runs, and while no raw memory corruption was injected a
 * shadow model checks that live blocks never overlap, keep their contents,
 * and that the counters match. Misuse (interior, misaligned, foreign,
 * double frees, bad sizes) is mixed in and must fail without changing the
 * heap. Corruption operations flip bytes of pool memory: from then on only
 * "no crash, no sanitizer report" is required.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpool_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 32
#define P1 TDXC_BPOOL_CACHE_MIN_POOL /* large enough for the free-block cache */
#define P2 16384
#define GMEM 65536
#define NEXUS 131072

static _Alignas(4096) uint8_t pool1[P1];
static _Alignas(4096) uint8_t pool2[P2];
static _Alignas(4096) uint8_t gmem[GMEM];
static _Alignas(4096) uint8_t nexus[NEXUS];

struct blk {
	uint8_t *p;
	size_t n;
	uint8_t seed;
};

struct in {
	const uint8_t *d;
	size_t n;
};

static unsigned get8(struct in *in)
{
	unsigned v = 0;
	if (in->n) {
		v = *in->d++;
		in->n--;
	}
	return v;
}

static unsigned get16(struct in *in)
{
	return get8(in) | get8(in) << 8;
}

static void die(const char *what)
{
	fprintf(stderr, "bpool fuzz: %s\n", what);
	abort();
}

static void fill(const struct blk *b)
{
	size_t i;
	for (i = 0; i < b->n; i++)
		b->p[i] = (uint8_t)(b->seed + i);
}

static void check(const struct blk *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (b->p[i] != (uint8_t)(b->seed + i))
			die("block contents changed");
}

static void no_overlap(const struct blk *s, int self)
{
	int i;
	for (i = 0; i < SLOTS; i++)
		if (i != self && s[i].p && s[self].p < s[i].p + s[i].n &&
		    s[i].p < s[self].p + s[self].n)
			die("live blocks overlap");
}

static int count_cb(void *arg, uint32_t id, struct tdxc_bpool *h)
{
	uint32_t *last = arg;
	if (id <= *last)
		die("foreach not ascending");
	*last = id;
	(void)tdxc_bpool_validate(h, NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdxc_bpool h;
	struct tdxc_bpool_registry r;
	struct tdxc_bpool_params prm;
	struct blk s[SLOTS];
	void *gptr[8][4];
	struct in in = { data, size };
	bool tainted = false;
	uint64_t live = 0;
	int rc;

	/* Fresh memory every run: headers left by an earlier run were made
	 * with the same key at the same addresses and would verify. */
	memset(pool1, 0, sizeof(pool1));
	memset(pool2, 0, sizeof(pool2));
	memset(gmem, 0, sizeof(gmem));
	memset(&h, 0, sizeof(h));
	memset(&r, 0, sizeof(r));
	memset(s, 0, sizeof(s));
	memset(gptr, 0, sizeof(gptr));
	memset(&prm, 0, sizeof(prm));
	prm.size = sizeof(prm);
	prm.secret = 0x0123456789abcdefull;
	if (tdxc_bpool_init(&h, &prm) || tdxc_bpool_add_pool(&h, pool1, P1) ||
	    tdxc_bpool_add_pool(&h, pool2, P2))
		die("setup");
	rc = tdxc_bpool_registry_init(&r, nexus, NEXUS, NULL);
	if (rc && rc != TDXC_ENOTSUP)
		die("registry setup");

	while (in.n) {
		unsigned op = get8(&in) % 12, k = get8(&in) % SLOTS;
		struct blk *b = &s[k];
		struct tdxc_bpool_check c;
		void *p = NULL;

		switch (op) {
		case 0: /* alloc */
		case 1: {
			size_t n = get16(&in) % 9000 + (op == 1 ? 0 : 1);
			size_t al = (size_t)1 << (get8(&in) % 14);
			if (b->p)
				break;
			rc = tdxc_bpool_alloc(&h, n, al, &p);
			if (tainted)
				break;
			if (n == 0) {
				if (rc != TDXC_EINVAL)
					die("alloc 0 accepted");
				break;
			}
			if (rc == 0) {
				if ((uintptr_t)p % (al < 16 ? 16 : al))
					die("misaligned block");
				b->p = p;
				b->n = n;
				b->seed = (uint8_t)get8(&in);
				no_overlap(s, (int)k);
				fill(b);
				live++;
			} else if (rc != TDXC_ENOMEM) {
				die("alloc failed unexpectedly");
			}
			break;
		}
		case 2: /* free */
			if (!b->p)
				break;
			if (!tainted)
				check(b, b->n);
			rc = tdxc_bpool_free(&h, b->p);
			if (!tainted && rc)
				die("free of a live block failed");
			b->p = NULL;
			live--;
			break;
		case 3: { /* realloc */
			size_t n = get16(&in) % 9000 + 1, keep;
			if (!b->p)
				break;
			rc = tdxc_bpool_realloc(&h, b->p, n, &p);
			if (tainted)
				break;
			if (rc == TDXC_ENOMEM) {
				check(b, b->n);
				break;
			}
			if (rc)
				die("realloc failed unexpectedly");
			keep = n < b->n ? n : b->n;
			b->p = p;
			check(b, keep);
			b->n = n;
			no_overlap(s, (int)k);
			fill(b);
			break;
		}
		case 4: { /* misuse: must fail and change nothing */
			unsigned off = get8(&in), i;
			uint8_t *q = b->p ? b->p + off % (b->n + 16) : pool1 + get16(&in) % P1;
			struct tdxc_bpool before = h;
			/* The start of another slot's live block is a valid free,
			 * not a misuse: an offset past this block's end can land
			 * exactly on its neighbour. */
			for (i = 0; i < SLOTS; i++)
				if (&s[i] != b && s[i].p == q)
					q = NULL;
			if (!q)
				break;
			rc = tdxc_bpool_free(&h, q);
			if (!tainted && q != b->p) {
				if (rc != TDXC_EFOREIGN && rc != TDXC_EALIGN &&
				    rc != TDXC_EINTERIOR && rc != TDXC_EDOUBLEFREE)
					die("misuse free: unexpected result");
				if (memcmp(&before, &h, sizeof(h)))
					die("rejected free changed the heap");
			}
			if (q == b->p) {
				if (!tainted && rc)
					die("free of a live block failed");
				b->p = NULL;
				live--;
			}
			break;
		}
		case 5: { /* usable size */
			size_t u;
			if (b->p && tdxc_bpool_usable_size(&h, b->p, &u) == 0 && !tainted &&
			    u < b->n)
				die("usable size too small");
			break;
		}
		case 6: { /* raw corruption of pool memory */
			unsigned off = get16(&in) % P1;
			pool1[off] ^= (uint8_t)(get8(&in) | 1);
			tainted = true;
			break;
		}
		case 7: /* guest create */
			(void)tdxc_bpool_guest_create(&r, k % 8);
			break;
		case 8: /* guest destroy */
			rc = tdxc_bpool_guest_destroy(&r, k % 8, get8(&in) & 1);
			if (rc == 0)
				memset(gptr[k % 8], 0, sizeof(gptr[0]));
			break;
		case 9: { /* guest pool: one of 16 pieces of 4 KiB */
			unsigned np = 1 + get8(&in) % 2, piece = get8(&in) % (17 - np);
			(void)tdxc_bpool_guest_add_pool(&r, k % 8, gmem + 4096 * piece,
							4096 * np);
			break;
		}
		case 10: { /* guest alloc */
			void **gp = &gptr[k % 8][get8(&in) % 4];
			if (!*gp && tdxc_bpool_guest_alloc(&r, k % 8, get8(&in) + 1, 16, &p) == 0)
				*gp = p;
			break;
		}
		case 11: { /* guest free, sometimes into the wrong guest */
			unsigned g = k % 8, other = get8(&in) % 8;
			void **gp = &gptr[g][get8(&in) % 4];
			if (!*gp)
				break;
			rc = tdxc_bpool_guest_free(&r, other, *gp);
			if (other != g && rc == 0)
				die("cross-guest free accepted");
			if (other == g && rc == 0)
				*gp = NULL;
			break;
		}
		}

		rc = tdxc_bpool_validate(&h, &c);
		if (!tainted) {
			struct tdxc_bpool_stats st;
			if (rc)
				die("validation walk failed without corruption");
			if (tdxc_bpool_stats(&h, &st) || st.live != live ||
			    st.used + st.free + 16 * st.npools != st.total)
				die("statistics do not add up");
		}
		{
			uint32_t last = 0;
			(void)tdxc_bpool_guest_foreach(&r, count_cb, &last);
		}
	}
	return 0;
}
