/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion randomized model test: random maps, then random alloc / free /
 * claim / alloc_range / reserve / release / accept sequences, each compared
 * with a plain per-frame reference; every internal invariant is checked
 * after every step.
 */
#include "mr_test.h"
#include <stdio.h>

#define SPACE (40 * MiB)
#define NF (SPACE >> 12)
#define NEV 6

static uint64_t rs = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

struct model {
	uint8_t ram[NF], unacc[NF], alloc[NF], freed[NF], accepted[NF];
	uint16_t held[NF];
	struct {
		uint64_t a, b, ev;
		int live;
	} resv[64];
	int nresv, maxresv;
	int used[NEV + 1], released[NEV + 1];
	uint64_t nfree, nalloc;
};

static struct model M;

static int acc_cb(void *opaque, uint64_t base, uint64_t len)
{
	uint64_t f;
	(void)opaque;
	assert_true(base % 4096 == 0 && len % 4096 == 0 && len > 0);
	for (f = base >> 12; f < (base + len) >> 12; f++) {
		assert_true(f < NF && M.unacc[f]);
		M.accepted[f] = 1;
	}
	return 0;
}

enum { C_ALLOC = 1, C_FREE, C_HELD, C_FOREIGN };

static int cls(uint64_t f)
{
	if (f >= NF || !M.ram[f])
		return C_FOREIGN;
	if (M.held[f])
		return C_HELD;
	return M.alloc[f] ? C_ALLOC : C_FREE;
}

static void m_take(uint64_t f)
{
	M.alloc[f] = 1;
	M.freed[f] = 0;
	M.nfree--;
	M.nalloc++;
}

/* After a successful allocation of [a, b): acceptance was done. */
static void check_accepted(uint64_t a, uint64_t b)
{
	uint64_t f;
	for (f = a; f < b; f++)
		if (M.unacc[f])
			assert_true(M.accepted[f]);
	if (b % 512 == 0)
		for (f = b; f < b + 512 && f < NF; f++)
			if (M.unacc[f])
				assert_true(M.accepted[f]);
}

static void random_map(struct mr_box *b)
{
	int n = 1 + (int)(rnd() % 12), i;
	static const uint32_t types[] = {
		TDXC_MEMREGION_USABLE, TDXC_MEMREGION_USABLE, TDXC_MEMREGION_USABLE,
		TDXC_MEMREGION_UNACCEPTED, TDXC_MEMREGION_RESERVED, TDXC_MEMREGION_NVS,
		TDXC_MEMREGION_ACPI};
	uint32_t k;
	struct tdxc_memregion_region r;
	memset(&M, 0, sizeof(M));
	M.maxresv = 1 + (int)(rnd() % 24);
	box_init(b, 16, (uint32_t)M.maxresv, SPACE, TDXC_MEMREGION_F_TRACK_FREED);
	/* a big usable base so that allocation has room */
	assert_int_equal(tdxc_memregion_add(b->mr, 0x1000, SPACE - 0x1000 - (rnd() % 64) * 0x1000, TDXC_MEMREGION_USABLE, 1), 0);
	for (i = 0; i < n; i++) {
		uint64_t a = (rnd() % NF) << 12, l = (1 + rnd() % 4096) << 12;
		if (a + l > SPACE)
			l = SPACE - a;
		if (!l)
			continue;
		assert_int_equal(tdxc_memregion_add(b->mr, a, l, types[rnd() % 7], 9), 0);
	}
	assert_int_equal(tdxc_memregion_set_accept_fn(b->mr, acc_cb, NULL), 0);
	assert_int_equal(tdxc_memregion_commit(b->mr), 0);
	for (k = 0; tdxc_memregion_region_get(b->mr, k, &r) == 0; k++) {
		uint64_t f;
		if (r.type != TDXC_MEMREGION_USABLE && r.type != TDXC_MEMREGION_UNACCEPTED)
			continue;
		for (f = r.base >> 12; f < r.end >> 12; f++) {
			M.ram[f] = 1;
			M.unacc[f] = r.type == TDXC_MEMREGION_UNACCEPTED;
			M.nfree++;
		}
	}
}

static void op_alloc(struct mr_box *b)
{
	uint64_t pa, f;
	int rc = tdxc_memregion_alloc(b->mr, &pa);
	for (f = 0; f < NF && cls(f) != C_FREE; f++)
		;
	if (f == NF) {
		assert_int_equal(rc, TDXC_ENOMEM);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pa, f << 12);
	m_take(f);
	check_accepted(f, f + 1);
}

static void op_alloc_range(struct mr_box *b)
{
	uint64_t n = rnd() % 3 ? 1 + rnd() % 40 : 64 + rnd() % 700;
	uint64_t align = 4096ull << (rnd() % 10);
	uint64_t lo = (rnd() % NF) & ~7ull, hi = lo + 1 + rnd() % 3000, pa, s, f;
	int rc, found = 0;
	if (rnd() % 8 == 0)
		hi = NF + 5;
	rc = tdxc_memregion_alloc_range(b->mr, n, align, lo << 12, hi << 12, &pa);
	if (hi > NF)
		hi = NF;
	for (s = (lo + (align >> 12) - 1) & ~((align >> 12) - 1); s + n <= hi; s += align >> 12) {
		for (f = s; f < s + n && cls(f) == C_FREE; f++)
			;
		if (f == s + n) {
			found = 1;
			break;
		}
	}
	if (!found) {
		assert_int_equal(rc, TDXC_ENOMEM);
		return;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(pa, s << 12);
	for (f = s; f < s + n; f++)
		m_take(f);
	check_accepted(s, s + n);
}

static int first_bad(uint64_t a, uint64_t n, int want, int *c)
{
	uint64_t f;
	for (f = a; f < a + n; f++) {
		*c = cls(f);
		if (*c != want)
			return (int)(f - a);
	}
	return -1;
}

static void op_claim(struct mr_box *b)
{
	uint64_t a = rnd() % (NF + 8), n = 1 + rnd() % 16, f;
	int c, rc = tdxc_memregion_claim(b->mr, a << 12, n << 12);
	int k = first_bad(a, n, C_FREE, &c);
	if (k >= 0) {
		assert_int_equal(rc, c == C_FOREIGN ? TDXC_EFOREIGN : c == C_HELD ? TDXC_EHELD : TDXC_EBUSY);
		return;
	}
	assert_int_equal(rc, 0);
	for (f = a; f < a + n; f++)
		m_take(f);
	check_accepted(a, a + n);
}

static void op_free(struct mr_box *b, bool pick_allocated)
{
	uint64_t a = rnd() % (NF + 8), n = 1 + rnd() % 4, f;
	int c, k, rc, tries;
	if (pick_allocated && M.nalloc) {
		for (tries = 0; tries < 200 && cls(a) != C_ALLOC; tries++)
			a = rnd() % NF;
		n = 1;
		while (n < 4 && cls(a + n) == C_ALLOC && rnd() % 2)
			n++;
	}
	rc = tdxc_memregion_free(b->mr, a << 12, n << 12);
	k = first_bad(a, n, C_ALLOC, &c);
	if (k >= 0) {
		int want = c == C_FOREIGN ? TDXC_EFOREIGN : c == C_HELD ? TDXC_EHELD
			   : M.freed[a + (uint64_t)k] ? TDXC_EDOUBLEFREE : TDXC_ENOTALLOC;
		assert_int_equal(rc, want);
		return;
	}
	assert_int_equal(rc, 0);
	for (f = a; f < a + n; f++) {
		M.alloc[f] = 0;
		M.freed[f] = 1;
		M.nfree++;
		M.nalloc--;
	}
}

static void op_reserve(struct mr_box *b)
{
	uint64_t base = rnd() % (SPACE + 0x10000), len = 1 + rnd() % 0x40000;
	uint64_t ev = rnd() % (NEV + 1), a, z, f;
	int rc = tdxc_memregion_reserve(b->mr, base, len, "model", ev);
	a = base >> 12;
	z = (base + len + 0xfff) >> 12;
	if (ev && M.released[ev]) {
		assert_int_equal(rc, TDXC_EALREADY);
		return;
	}
	if (M.nresv >= M.maxresv) {
		assert_int_equal(rc, TDXC_ENOSPC);
		return;
	}
	for (f = a; f < z && f < NF; f++)
		if (cls(f) == C_ALLOC) {
			assert_int_equal(rc, TDXC_EBUSY);
			return;
		}
	assert_int_equal(rc, 0);
	for (f = a; f < z && f < NF; f++) {
		if (cls(f) == C_FREE)
			M.nfree--;
		M.held[f]++;
		M.freed[f] = 0;
	}
	M.resv[M.nresv].a = a;
	M.resv[M.nresv].b = z;
	M.resv[M.nresv].ev = ev;
	M.resv[M.nresv].live = 1;
	M.nresv++;
	M.used[ev] = 1;
}

static void op_release(struct mr_box *b)
{
	uint64_t ev = rnd() % (NEV + 1), freed = 12345, f, want = 0;
	int rc = tdxc_memregion_release(b->mr, ev, &freed), i;
	if (ev == 0) {
		assert_int_equal(rc, TDXC_EPERM);
		return;
	}
	if (!M.used[ev]) {
		assert_int_equal(rc, TDXC_ENOENT);
		return;
	}
	if (M.released[ev]) {
		assert_int_equal(rc, TDXC_EALREADY);
		assert_int_equal(freed, 12345);
		return;
	}
	assert_int_equal(rc, 0);
	M.released[ev] = 1;
	for (i = 0; i < M.nresv; i++) {
		if (M.resv[i].ev != ev || !M.resv[i].live)
			continue;
		M.resv[i].live = 0;
		for (f = M.resv[i].a; f < M.resv[i].b && f < NF; f++) {
			M.held[f]--;
			if (!M.held[f] && M.ram[f]) {
				M.nfree++;
				want++;
			}
		}
	}
	assert_int_equal(freed, want << 12);
}

static void compare_all(struct mr_box *b)
{
	uint64_t f;
	for (f = 0; f < NF + 16; f++)
		assert_int_equal(tdxc_memregion_frame_state(b->mr, f << 12), cls(f));
}

static void test_model(void **s)
{
	int round;
	long ops = 0;
	(void)s;
	for (round = 0; round < 40; round++) {
		struct mr_box b;
		struct tdxc_memregion_stats st;
		int i;
		random_map(&b);
		box_check(&b);
		for (i = 0; i < 25000; i++, ops++) {
			uint64_t r = rnd() % 1000;
			/* odd rounds: no claim / alloc_range / accept_all, so that
			 * acceptance happens only through order-0 allocation */
			if (round % 2 && r >= 650 && r < 851)
				r = 0;
			if (r < 330)
				op_alloc(&b);
			else if (r < 600)
				op_free(&b, true);
			else if (r < 650)
				op_free(&b, false);
			else if (r < 720)
				op_claim(&b);
			else if (r < 800)
				op_alloc_range(&b);
			else if (r < 830)
				op_reserve(&b);
			else if (r < 850)
				op_release(&b);
			else if (r < 851)
				assert_int_equal(tdxc_memregion_accept_all(b.mr), 0);
			else {
				uint64_t f = rnd() % (NF + 16);
				assert_int_equal(tdxc_memregion_frame_state(b.mr, f << 12), cls(f));
			}
			box_check(&b);
			assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
			assert_int_equal(st.free_frames, M.nfree);
			assert_int_equal(st.allocated_frames, M.nalloc);
		}
		compare_all(&b);
		box_free(&b);
	}
	printf("model: %ld operations, invariants checked after each\n", ops);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
