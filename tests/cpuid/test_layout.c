/* SPDX-License-Identifier: BSD-2-Clause */
/* Tables, standard and compacted layouts, the #708 ordering scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/xsave.h>
#include "tables.h"

static struct tdxc_xsave_info load(const struct tdxc_xsave_subleaf *t, size_t n)
{
	struct tdxc_xsave_info info;
	assert_int_equal(tdxc_xsave_info_from_leaves(t, n, &info), 0);
	return info;
}
#define LOAD(t) load((t), NSUB(t))

static uint32_t std_size(const struct tdxc_xsave_info *i, uint64_t m)
{
	uint32_t v = 0;
	assert_int_equal(tdxc_xsave_standard_size(i, m, &v), 0);
	return v;
}

static uint32_t cmp_size(const struct tdxc_xsave_info *i, uint64_t m)
{
	uint32_t v = 0;
	assert_int_equal(tdxc_xsave_compacted_size(i, m, &v), 0);
	return v;
}

/* Small deterministic PRNG (xorshift64*). */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void shuffle(struct tdxc_xsave_subleaf *a, size_t n)
{
	size_t i;
	for (i = n; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		struct tdxc_xsave_subleaf t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
}

/* ---- real layouts --------------------------------------------------- */

static void test_spr(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	struct tdxc_xsave_layout l;
	(void)st;
	assert_int_equal(i.xcr0_supported, 0x602e7);
	assert_int_equal(i.xss_supported, 0xdd00);
	assert_int_equal(std_size(&i, 0x602e7), 11008);
	assert_int_equal(std_size(&i, 0x602e7), i.sl0_ecx);
	assert_int_equal(cmp_size(&i, 0x602e7 | 0xdd00), 11776);
	assert_int_equal(cmp_size(&i, 0x602e7), 10752);
	/* SL1.EBX 10880 with XCR0 0x602e7 | XSS 0x100 (PT). */
	assert_int_equal(cmp_size(&i, 0x602e7 | 0x100), 10880);
	assert_int_equal(tdxc_xsave_layout(&i, 0x602e7 | 0xdd00, TDXC_XSAVE_COMPACTED, &l), 0);
	assert_int_equal(l.size, 11776);
	assert_int_equal(l.slot[8].offset, 2432);
	assert_int_equal(l.slot[9].offset, 2560);
	assert_int_equal(l.slot[10].offset, 2568);
	assert_int_equal(l.slot[11].offset, 2576);
	assert_int_equal(l.slot[12].offset, 2592);
	assert_int_equal(l.slot[14].offset, 2616);
	assert_int_equal(l.slot[15].offset, 2664);
	assert_int_equal(l.slot[17].offset, 3520);
	assert_int_equal(l.slot[18].offset, 3584);
	assert_int_equal(l.slot[18].size, 8192);
	assert_int_equal(l.slot[0].size, 160);
	assert_int_equal(l.slot[1].offset, 160);
	assert_int_equal(tdxc_xsave_layout(&i, 0x602e7, TDXC_XSAVE_STANDARD, &l), 0);
	assert_int_equal(l.slot[17].offset, 0xac0);
	assert_int_equal(l.slot[18].offset, 0xb00);
	assert_int_equal(l.slot[8].size, 0);
	assert_int_equal(l.size, 11008);
}

static void test_families(void **st)
{
	struct tdxc_xsave_info i;
	(void)st;
	i = LOAD(t_adl);
	assert_int_equal(std_size(&i, 0x207), 2696);
	assert_int_equal(cmp_size(&i, 0x207 | 0x19900), 1824);
	i = LOAD(t_skx);
	assert_int_equal(std_size(&i, 0x2ff), 2696);
	assert_int_equal(cmp_size(&i, 0x2ff | 0x100), 2696);
	i = LOAD(t_zen4);
	assert_int_equal(std_size(&i, 0x2e7), 2440);
	assert_int_equal(cmp_size(&i, 0x2e7 | 0x1800), 2480);
	assert_int_equal(std_size(&i, 0xe7), 2432);
	i = LOAD(t_zen2);
	assert_int_equal(std_size(&i, 0x207), 896);
	assert_int_equal(cmp_size(&i, 0x207), 896);
	i = LOAD(t_legacy);
	assert_int_equal(std_size(&i, 3), 576);
	assert_int_equal(cmp_size(&i, 3), 576);
	assert_int_equal(cmp_size(&i, 3 | 0x100), 704);
	assert_int_equal(std_size(&i, 0), 576);
}

static void test_zen4_offsets(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_zen4);
	uint32_t off;
	(void)st;
	assert_int_equal(tdxc_xsave_offset(&i, 0x2e7, TDXC_XSAVE_STANDARD, 9, &off), 0);
	assert_int_equal(off, 0x980);
	assert_int_equal(tdxc_xsave_offset(&i, 0x2e7, TDXC_XSAVE_STANDARD, 5, &off), 0);
	assert_int_equal(off, 0x340);
	assert_int_equal(tdxc_xsave_offset(&i, 0x2e7 | 0x1800, TDXC_XSAVE_COMPACTED, 11, &off), 0);
	assert_int_equal(off, 2440);
	assert_int_equal(tdxc_xsave_offset(&i, 0x2e7 | 0x1800, TDXC_XSAVE_COMPACTED, 12, &off), 0);
	assert_int_equal(off, 2456);
}

static void test_lwp_bit62(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_lwp);
	struct tdxc_xsave_layout l;
	uint64_t all = 0x4000000000000007ull;
	(void)st;
	assert_true(i.xcr0_supported == all);
	assert_int_equal(std_size(&i, all), 960);
	assert_int_equal(std_size(&i, all), i.sl0_ecx);
	assert_int_equal(cmp_size(&i, all), 960);
	assert_int_equal(tdxc_xsave_layout(&i, all, TDXC_XSAVE_COMPACTED, &l), 0);
	assert_int_equal(l.slot[62].offset, 832);
	assert_int_equal(tdxc_xsave_layout(&i, all, TDXC_XSAVE_STANDARD, &l), 0);
	assert_int_equal(l.slot[62].offset, 0x340);
	/* Standard size is a max: LWP (highest index) ends before AVX does not. */
	assert_int_equal(std_size(&i, 0x4000000000000003ull), 960);
}

static void test_apx_max(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_apx);
	(void)st;
	/* APX (19) ends at 0x440 = 1088; the area is PKRU's end 2696. */
	assert_int_equal(std_size(&i, 0x80207), 2696);
	assert_int_equal(std_size(&i, 0x80007), 1088);
	assert_int_equal(std_size(&i, 0x80003), 1088);
	assert_int_equal(cmp_size(&i, 0x80207), 576 + 256 + 8 + 128);
}

/* ---- #708 ------------------------------------------------------------ */

static uint64_t walk_order(const struct tdxc_xsave_info *i, const unsigned *order, unsigned n)
{
	uint64_t off = 576;
	unsigned k;
	for (k = 0; k < n; k++) {
		const struct tdxc_xsave_regs *c = &i->comp[order[k]];
		if (c->ecx & 2)
			off = (off + 63) & ~63ull;
		off += c->eax;
	}
	return off;
}

static unsigned perm_count, perm_10704, perm_other;
static void permute(const struct tdxc_xsave_info *i, unsigned *a, unsigned k, unsigned n)
{
	unsigned j;
	if (k == n) {
		uint64_t v = walk_order(i, a, n);
		/* CET_U (16 bytes) shifts the AMX pair off 64 unless visited after both. */
		unsigned pos11 = 0, pos17 = 0, pos18 = 0, p;
		for (p = 0; p < n; p++) {
			if (a[p] == 11) pos11 = p;
			if (a[p] == 17) pos17 = p;
			if (a[p] == 18) pos18 = p;
		}
		perm_count++;
		if (v == 10704) {
			perm_10704++;
			assert_true(pos11 > pos17 && pos11 > pos18);
		} else if (v == 10752) {
			assert_true(pos11 < pos17 || pos11 < pos18);
		} else {
			perm_other++;
		}
		return;
	}
	for (j = k; j < n; j++) {
		unsigned t = a[k];
		a[k] = a[j];
		a[j] = t;
		permute(i, a, k + 1, n);
		a[j] = a[k];
		a[k] = t;
	}
}

static void test_708(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	struct tdxc_xsave_layout l;
	unsigned comps[7] = { 2, 5, 6, 7, 11, 17, 18 };
	(void)st;
	assert_int_equal(cmp_size(&i, 0x600e7 | 0x800), 10752);
	assert_int_equal(cmp_size(&i, 0x60ae7 | 0x800), 10752);
	assert_int_equal(tdxc_xsave_layout(&i, 0x600e7 | 0x800, TDXC_XSAVE_COMPACTED, &l), 0);
	assert_int_equal(l.slot[11].offset, 2432);
	assert_int_equal(l.slot[17].offset, 2496);
	assert_int_equal(l.slot[18].offset, 2560);
	/* Every one of the 5040 visiting orders: the order alone decides. */
	perm_count = perm_10704 = perm_other = 0;
	permute(&i, comps, 0, 7);
	assert_int_equal(perm_count, 5040);
	assert_int_equal(perm_10704, 5040 / 3);
	assert_int_equal(perm_other, 0);
	/* With PKRU too, the same mistake is wrong in the other direction. */
	{
		unsigned hash[8] = { 2, 5, 6, 7, 9, 17, 18, 11 };
		unsigned asc[8] = { 2, 5, 6, 7, 9, 11, 17, 18 };
		assert_int_equal(walk_order(&i, hash, 8), 10768);
		assert_int_equal(walk_order(&i, asc, 8), 10752);
	}
}

/* Full SPR state: random orders give totals 11728..11840; ascending 11776. */
static void test_spr_random_orders(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	unsigned base[13] = { 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18 };
	uint64_t seen_min = ~0ull, seen_max = 0;
	unsigned r, k, differ = 0;
	(void)st;
	assert_int_equal(walk_order(&i, base, 13), 11776);
	for (r = 0; r < 20000; r++) {
		unsigned a[13];
		uint64_t v;
		memcpy(a, base, sizeof(a));
		for (k = 13; k > 1; k--) {
			unsigned j = (unsigned)(rnd() % k), t = a[k - 1];
			a[k - 1] = a[j];
			a[j] = t;
		}
		v = walk_order(&i, a, 13);
		if (v < seen_min) seen_min = v;
		if (v > seen_max) seen_max = v;
		differ += v != 11776;
	}
	assert_true(seen_min >= 11728 && seen_max <= 11840);
	assert_true(seen_min < 11776 && seen_max > 11776);
	assert_true(differ > 0);
}

/* ---- order independence and a property test ------------------------- */

static void test_shuffled_input(void **st)
{
	const struct {
		const struct tdxc_xsave_subleaf *t;
		size_t n;
	} tabs[] = { { t_spr, NSUB(t_spr) }, { t_adl, NSUB(t_adl) },
		     { t_zen4, NSUB(t_zen4) }, { t_lwp, NSUB(t_lwp) } };
	unsigned k, r;
	(void)st;
	for (k = 0; k < 4; k++) {
		struct tdxc_xsave_info ref = load(tabs[k].t, tabs[k].n), got;
		struct tdxc_xsave_layout lr, lg;
		struct tdxc_xsave_subleaf a[64];
		uint64_t all = ref.xcr0_supported | ref.xss_supported;
		assert_int_equal(tdxc_xsave_layout(&ref, all, TDXC_XSAVE_COMPACTED, &lr), 0);
		for (r = 0; r < 200; r++) {
			memcpy(a, tabs[k].t, tabs[k].n * sizeof(a[0]));
			shuffle(a, tabs[k].n);
			got = load(a, tabs[k].n);
			assert_memory_equal(&ref, &got, sizeof(ref));
			assert_int_equal(tdxc_xsave_layout(&got, all, TDXC_XSAVE_COMPACTED, &lg), 0);
			assert_memory_equal(&lr, &lg, sizeof(lr));
		}
	}
}

static void test_property_random_tables(void **st)
{
	unsigned round;
	(void)st;
	for (round = 0; round < 3000; round++) {
		struct tdxc_xsave_subleaf a[64];
		struct tdxc_xsave_info info, info2;
		uint64_t xcr0 = 3, xss = 0, m;
		uint32_t off = 576, got;
		size_t n = 2;
		unsigned i, k;

		for (i = 2; i < 63; i++) {
			uint32_t size, ecx = 0, ebx = 0;
			if (rnd() % 3)
				continue;
			size = (uint32_t)(rnd() % 5 ? 1 + rnd() % 300 : 64 * (1 + rnd() % 64));
			if (rnd() % 4 == 0)
				ecx |= 2;
			if (rnd() % 8 == 0)
				ecx |= 4;
			if (rnd() % 3 == 0) {
				ecx |= 1;
				xss |= 1ull << i;
			} else {
				ebx = off + (uint32_t)(rnd() % 3) * 64;
				off = ebx + size;
				xcr0 |= 1ull << i;
			}
			a[n].subleaf = i;
			a[n].eax = size;
			a[n].ebx = ebx;
			a[n].ecx = ecx;
			a[n].edx = 0;
			n++;
		}
		a[0] = (struct tdxc_xsave_subleaf){ 0, (uint32_t)xcr0, 0, 0, (uint32_t)(xcr0 >> 32) };
		a[1] = (struct tdxc_xsave_subleaf){ 1, 0xf, 0, (uint32_t)xss, (uint32_t)(xss >> 32) };
		assert_int_equal(tdxc_xsave_info_from_leaves(a, n, &info), 0);
		for (k = 0; k < 8; k++) {
			uint64_t mask = (xcr0 | xss) & rnd();
			uint64_t exp_c = 576, exp_s = 576;
			/* Independent sums in the test: ascending index. */
			for (i = 2; i < 63; i++) {
				const struct tdxc_xsave_subleaf *s = NULL;
				size_t q;
				if (!(mask >> i & 1))
					continue;
				for (q = 0; q < n; q++)
					if (a[q].subleaf == i)
						s = &a[q];
				assert_non_null(s);
				if (s->ecx & 2)
					exp_c = (exp_c + 63) / 64 * 64;
				exp_c += s->eax;
				if (!(s->ecx & 1) && s->ebx + s->eax > exp_s)
					exp_s = s->ebx + s->eax;
			}
			assert_int_equal(tdxc_xsave_compacted_size(&info, mask, &got), 0);
			assert_int_equal(got, exp_c);
			m = mask & ~xss;
			assert_int_equal(tdxc_xsave_standard_size(&info, m, &got), 0);
			assert_int_equal(got, exp_s);
			/* Callers may supply subleaves in any order. */
			shuffle(a, n);
			assert_int_equal(tdxc_xsave_info_from_leaves(a, n, &info2), 0);
			assert_memory_equal(&info, &info2, sizeof(info));
			assert_int_equal(tdxc_xsave_compacted_size(&info2, mask, &got), 0);
			assert_int_equal(got, exp_c);
		}
	}
}

/* ---- XFD view --------------------------------------------------------- */

static void test_sizes_xfd(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr);
	struct tdxc_xsave_sizes s, before;
	(void)st;
	assert_int_equal(tdxc_xsave_sizes(&i, 0x602e7, 0xdd00, &s), 0);
	assert_true(s.xfd_mask == (1ull << 18));
	assert_int_equal(s.standard_max, 11008);
	assert_int_equal(s.standard_default, 2816);
	assert_int_equal(s.compacted_max, 11776);
	assert_int_equal(s.compacted_default, 3584);
	assert_int_equal(s.compacted_user_max, 10752);
	assert_int_equal(s.compacted_user_default, 2560);
	memset(&before, 0x5a, sizeof(before));
	s = before;
	assert_int_equal(tdxc_xsave_sizes(&i, 0x602e7, 0x10000, &s), TDXC_EFLAGS);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(tdxc_xsave_sizes(&i, 0x602e7 | 0x100, 0, &s), TDXC_EPERM);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(tdxc_xsave_sizes(NULL, 3, 0, &s), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_sizes(&i, 3, 0, NULL), TDXC_EINVAL);
}

/* ---- invalid inputs: exact code, output untouched ---------------------- */

#define SENTINEL 0xdeadbeefu

static void expect_std(const struct tdxc_xsave_info *i, uint64_t m, int err)
{
	uint32_t v = SENTINEL;
	struct tdxc_xsave_layout l, lb;
	assert_int_equal(tdxc_xsave_standard_size(i, m, &v), err);
	if (err)
		assert_int_equal(v, SENTINEL);
	memset(&l, 0xa5, sizeof(l));
	lb = l;
	assert_int_equal(tdxc_xsave_layout(i, m, TDXC_XSAVE_STANDARD, &l), err);
	if (err)
		assert_memory_equal(&l, &lb, sizeof(l));
}

static void expect_cmp(const struct tdxc_xsave_info *i, uint64_t m, int err)
{
	uint32_t v = SENTINEL;
	struct tdxc_xsave_layout l, lb;
	assert_int_equal(tdxc_xsave_compacted_size(i, m, &v), err);
	if (err)
		assert_int_equal(v, SENTINEL);
	memset(&l, 0xa5, sizeof(l));
	lb = l;
	assert_int_equal(tdxc_xsave_layout(i, m, TDXC_XSAVE_COMPACTED, &l), err);
	if (err)
		assert_memory_equal(&l, &lb, sizeof(l));
}

static void test_mask_errors(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_spr), b = i;
	uint32_t v;
	(void)st;
	expect_std(&i, 0x602e7 | (1ull << 63), TDXC_ERESERVED);
	expect_std(&i, 0x602e7 | (1ull << 20), TDXC_EFLAGS);
	expect_std(&i, 0x602e7 | 0x800, TDXC_EPERM);
	expect_cmp(&i, 0x602e7 | (1ull << 20), TDXC_EFLAGS);
	expect_cmp(&i, 0x602e7 | (1ull << 62), TDXC_EFLAGS);
	/* Bit 63 of XCOMP_BV is the format flag, not a component. */
	assert_int_equal(cmp_size(&i, 0x600e7 | 0x800 | (1ull << 63)), 10752);
	/* Bits 0 and 1 are the legacy region: accepted, add nothing. */
	assert_int_equal(std_size(&i, 0), 576);
	assert_int_equal(tdxc_xsave_standard_size(NULL, 3, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_standard_size(&i, 3, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_compacted_size(NULL, 3, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_compacted_size(&i, 3, NULL), TDXC_EINVAL);
	{
		struct tdxc_xsave_layout l, lb;
		memset(&l, 0x33, sizeof(l));
		lb = l;
		assert_int_equal(tdxc_xsave_layout(&i, 3, 2, &l), TDXC_EINVAL);
		assert_memory_equal(&l, &lb, sizeof(l));
		assert_int_equal(tdxc_xsave_layout(NULL, 3, 0, &l), TDXC_EINVAL);
		assert_int_equal(tdxc_xsave_layout(&i, 3, 0, NULL), TDXC_EINVAL);
	}
	v = SENTINEL;
	assert_int_equal(tdxc_xsave_offset(&i, 0x602e7, 0, 63, &v), TDXC_ERANGE);
	assert_int_equal(tdxc_xsave_offset(&i, 0x602e7, 0, 8, &v), TDXC_ENOENT);
	assert_int_equal(tdxc_xsave_offset(&i, 0x602e7, 0, 18, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_offset(&i, 0x602e7 | 0x800, 0, 2, &v), TDXC_EPERM);
	assert_int_equal(v, SENTINEL);
	assert_memory_equal(&i, &b, sizeof(i)); /* inputs are const */
}

static void test_table_errors(void **st)
{
	struct tdxc_xsave_info i;
	(void)st;
	/* missing subleaf for a member */
	i = LOAD(t_spr);
	i.present &= ~(1ull << 11);
	expect_cmp(&i, 0x600e7 | 0x800, TDXC_ENOENT);
	expect_std(&i, 0x600e7, 0); /* 11 not in a standard mask */
	i.present &= ~(1ull << 17);
	expect_std(&i, 0x600e7, TDXC_ENOENT);
	/* zero size */
	i = LOAD(t_spr);
	i.comp[9].eax = 0;
	expect_std(&i, 0x207, TDXC_ECORRUPT);
	expect_cmp(&i, 0x207, TDXC_ECORRUPT);
	/* user offset inside the legacy area / header */
	i = LOAD(t_spr);
	i.comp[2].ebx = 512;
	expect_std(&i, 0x7, TDXC_ECORRUPT);
	expect_cmp(&i, 0x7, 0);
	/* supervisor flag on a component advertised in XCR0 */
	i = LOAD(t_spr);
	i.comp[9].ecx = 1;
	expect_std(&i, 0x207, TDXC_EPERM);
	/* 32-bit overflow: EAX = 0xFFFFFFF0 */
	i = LOAD(t_spr);
	i.comp[9].eax = 0xfffffff0u;
	expect_std(&i, 0x207, TDXC_EOVERFLOW);
	expect_cmp(&i, 0x207, TDXC_EOVERFLOW);
	expect_cmp(&i, 0x3, 0);
	i = LOAD(t_spr);
	i.comp[18].eax = 0xfffffc00u;
	expect_cmp(&i, 0x600e7 | 0x800, TDXC_EOVERFLOW);
}

static void test_from_leaves_errors(void **st)
{
	struct tdxc_xsave_subleaf a[NSUB(t_spr) + 1];
	struct tdxc_xsave_info out, before;
	(void)st;
	memset(&before, 0x77, sizeof(before));
	out = before;
	memcpy(a, t_spr, sizeof(t_spr));
	a[NSUB(t_spr)] = a[4];
	assert_int_equal(tdxc_xsave_info_from_leaves(a, NSUB(t_spr) + 1, &out), TDXC_EEXIST);
	assert_memory_equal(&out, &before, sizeof(out));
	a[NSUB(t_spr)].subleaf = 64;
	assert_int_equal(tdxc_xsave_info_from_leaves(a, NSUB(t_spr) + 1, &out), TDXC_ERANGE);
	assert_memory_equal(&out, &before, sizeof(out));
	a[NSUB(t_spr)].subleaf = 0xffffffffu;
	assert_int_equal(tdxc_xsave_info_from_leaves(a, NSUB(t_spr) + 1, &out), TDXC_ERANGE);
	assert_int_equal(tdxc_xsave_info_from_leaves(a + 1, NSUB(t_spr) - 1, &out), TDXC_ENOENT);
	assert_memory_equal(&out, &before, sizeof(out));
	assert_int_equal(tdxc_xsave_info_from_leaves(a, 1, &out), TDXC_ENOENT);
	assert_int_equal(tdxc_xsave_info_from_leaves(NULL, 0, &out), TDXC_ENOENT);
	assert_int_equal(tdxc_xsave_info_from_leaves(NULL, 3, &out), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_info_from_leaves(a, 3, NULL), TDXC_EINVAL);
	assert_memory_equal(&out, &before, sizeof(out));
	/* Component subleaves are optional; missing ones are reported. */
	assert_int_equal(tdxc_xsave_info_from_leaves(a, 5, &out), 0);
	assert_true(tdxc_xsave_info_missing(&out) == (0x602e7ull | 0xdd00) - 0x3 - 0x4 - 0x20 - 0x40);
	assert_true(tdxc_xsave_info_missing(NULL) == 0);
}

/* ---- callback front end ---------------------------------------------- */

struct cb_state {
	struct tdxc_xsave_info src;
	unsigned calls;
	uint32_t order[70];
	unsigned fail_at;
};

static int table_cpuid(uint32_t leaf, uint32_t sub, struct tdxc_xsave_regs *out, void *op)
{
	struct cb_state *s = op;
	if (leaf != 0xd)
		return -1;
	if (s->calls < 70)
		s->order[s->calls] = sub;
	if (++s->calls == s->fail_at)
		return 1;
	return tdxc_xsave_info_get_leaf(&s->src, sub, out);
}

static void test_cpuid_fn(void **st)
{
	struct cb_state s;
	struct tdxc_xsave_info out, before;
	unsigned k;
	static const uint32_t expect_order[] = { 0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 17, 18 };
	(void)st;
	memset(&s, 0, sizeof(s));
	s.src = LOAD(t_spr);
	assert_int_equal(tdxc_xsave_info_from_cpuid_fn(table_cpuid, &s, &out), 0);
	assert_memory_equal(&out, &s.src, sizeof(out));
	assert_int_equal(s.calls, NSUB(expect_order));
	for (k = 0; k < NSUB(expect_order); k++)
		assert_int_equal(s.order[k], expect_order[k]);
	/* LWP: subleaf 62 is queried (mask bit from SL0.EDX). */
	s.src = LOAD(t_lwp);
	s.calls = 0;
	assert_int_equal(tdxc_xsave_info_from_cpuid_fn(table_cpuid, &s, &out), 0);
	assert_int_equal(s.calls, 4);
	assert_int_equal(s.order[3], 62);
	assert_int_equal(out.comp[62].eax, 128);
	/* a failing callback at each step: ECALLBACK, output untouched */
	memset(&before, 0x42, sizeof(before));
	for (k = 1; k <= 4; k++) {
		out = before;
		s.calls = 0;
		s.fail_at = k;
		assert_int_equal(tdxc_xsave_info_from_cpuid_fn(table_cpuid, &s, &out), TDXC_ECALLBACK);
		assert_memory_equal(&out, &before, sizeof(out));
	}
	assert_int_equal(tdxc_xsave_info_from_cpuid_fn(NULL, &s, &out), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_info_from_cpuid_fn(table_cpuid, &s, NULL), TDXC_EINVAL);
}

static void test_get_leaf(void **st)
{
	struct tdxc_xsave_info i = LOAD(t_lwp);
	struct tdxc_xsave_regs r, b;
	(void)st;
	assert_int_equal(tdxc_xsave_info_get_leaf(&i, 0, &r), 0);
	assert_int_equal(r.edx, 0x40000000);
	assert_int_equal(r.ecx, 0x3c0);
	assert_int_equal(tdxc_xsave_info_get_leaf(&i, 1, &r), 0);
	assert_int_equal(r.eax, 1);
	assert_int_equal(tdxc_xsave_info_get_leaf(&i, 5, &r), 0);
	assert_int_equal(r.eax | r.ebx | r.ecx | r.edx, 0);
	memset(&b, 0x11, sizeof(b));
	r = b;
	assert_int_equal(tdxc_xsave_info_get_leaf(&i, 64, &r), TDXC_ERANGE);
	assert_memory_equal(&r, &b, sizeof(r));
	assert_int_equal(tdxc_xsave_info_get_leaf(NULL, 0, &r), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_info_get_leaf(&i, 0, NULL), TDXC_EINVAL);
	assert_string_equal(tdxc_xsave_component_name(18), "XTILEDATA");
	assert_string_equal(tdxc_xsave_component_name(62), "LWP");
	assert_string_equal(tdxc_xsave_component_name(40), "component");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spr),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_zen4_offsets),
		cmocka_unit_test(test_lwp_bit62),
		cmocka_unit_test(test_apx_max),
		cmocka_unit_test(test_708),
		cmocka_unit_test(test_spr_random_orders),
		cmocka_unit_test(test_shuffled_input),
		cmocka_unit_test(test_property_random_tables),
		cmocka_unit_test(test_sizes_xfd),
		cmocka_unit_test(test_mask_errors),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_from_leaves_errors),
		cmocka_unit_test(test_cpuid_fn),
		cmocka_unit_test(test_get_leaf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
