/* SPDX-License-Identifier: BSD-2-Clause */
/* memregion: map ingestion, overlap resolution, front ends. */
#include "mr_test.h"

struct ent {
	uint64_t base, len;
	uint32_t type, raw;
};

static void add_all(struct tdxc_memregion *mr, const struct ent *e, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		assert_int_equal(tdxc_memregion_add(mr, e[i].base, e[i].len, e[i].type, e[i].raw), 0);
}

static uint32_t get_regions(struct tdxc_memregion *mr, struct tdxc_memregion_region *out, uint32_t max)
{
	uint32_t i;
	for (i = 0; i < max; i++) {
		int rc = tdxc_memregion_region_get(mr, i, &out[i]);
		if (rc == TDXC_ENOENT)
			break;
		assert_int_equal(rc, 0);
	}
	return i;
}

static void expect(struct tdxc_memregion *mr, const struct tdxc_memregion_region *want, uint32_t n)
{
	struct tdxc_memregion_region got[64];
	uint32_t i, m = get_regions(mr, got, 64);
	assert_int_equal(m, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(got[i].base, want[i].base);
		assert_int_equal(got[i].end, want[i].end);
		assert_int_equal(got[i].type, want[i].type);
		assert_int_equal(got[i].raw_type, want[i].raw_type);
	}
}

enum { U = TDXC_MEMREGION_USABLE, R = TDXC_MEMREGION_RESERVED, N = TDXC_MEMREGION_NVS,
       A = TDXC_MEMREGION_ACPI, X = TDXC_MEMREGION_UNKNOWN, UA = TDXC_MEMREGION_UNACCEPTED };

static void test_tricky_maps(void **s)
{
	struct mr_box b;
	/* out of order, nested, adjacent, duplicate, sub-page */
	static const struct ent in[] = {
		{0x100000, 0xf00000, U, 1},   /* 1 MiB - 16 MiB usable */
		{0x0, 0x9fc00, U, 1},         /* sub-page end (SeaBIOS) */
		{0x9fc00, 0x400, R, 2},       /* EBDA: rounds outward */
		{0x200000, 0x100000, R, 2},   /* nested in usable */
		{0x240000, 0x10000, N, 4},    /* nested in the reserved one */
		{0x200000, 0x100000, R, 2},   /* duplicate */
		{0x300000, 0x100000, R, 2},   /* adjacent, same type: merges */
		{0x500000, 0x800, U, 1},      /* sub-page usable inside usable */
		{0x600800, 0x400, A, 3},      /* sub-page ACPI inside usable: a whole page */
		{0x0, 0x1000, X, 16},         /* page 0 type 16 (Chromebook) */
		{0xf0000, 0x10000, R, 2},
		{0xfd00000000, 0x300000000, R, 2}, /* HT hole above RAM */
	};
	static const struct tdxc_memregion_region want[] = {
		{0x0, 0x1000, X, 16},
		{0x1000, 0x9f000, U, 1},
		{0x9f000, 0xa0000, R, 2},
		{0xf0000, 0x100000, R, 2},
		{0x100000, 0x200000, U, 1},
		{0x200000, 0x240000, R, 2},
		{0x240000, 0x250000, N, 4},
		{0x250000, 0x400000, R, 2},
		{0x400000, 0x600000, U, 1},
		{0x600000, 0x601000, A, 3},
		{0x601000, 0x1000000, U, 1},
		{0xfd00000000, 0x10000000000, R, 2},
	};
	uint64_t pa;
	int rc;
	(void)s;
	box_init(&b, 32, 4, 16 * MiB, 0);
	add_all(b.mr, in, sizeof(in) / sizeof(in[0]));
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	expect(b.mr, want, sizeof(want) / sizeof(want[0]));
	box_check(&b);
	/* page 0 (type 16) and the shared ACPI page are never handed out */
	while ((rc = tdxc_memregion_alloc(b.mr, &pa)) == 0)
		assert_true(pa != 0 && pa != 0x600000 && !(pa >= 0x9f000 && pa < 0x100000));
	assert_int_equal(rc, TDXC_ENOMEM);
	box_free(&b);
}

static void test_unknown_ties(void **s)
{
	struct mr_box b;
	static const struct ent in[] = {
		{0x0, 0x3000, X, 20}, {0x1000, 0x3000, X, 16}, {0x2000, 0x1000, U, 7},
		{0x10000, 0x1000, U, 1}, {0x11000, 0x1000, U, 7},
	};
	static const struct tdxc_memregion_region want[] = {
		{0x0, 0x1000, X, 20}, {0x1000, 0x4000, X, 16},
		{0x10000, 0x11000, U, 1}, {0x11000, 0x12000, U, 7},
	};
	(void)s;
	box_init(&b, 8, 4, 16 * MiB, 0);
	add_all(b.mr, in, 5);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	expect(b.mr, want, 4);
	box_free(&b);
}

static void test_add_errors(void **s)
{
	struct mr_box b;
	int i;
	(void)s;
	box_init(&b, 3, 4, 16 * MiB, 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x1000, 0, U, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add(b.mr, UINT64_MAX - 10, 20, U, 1), TDXC_EOVERFLOW);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x1000, 0x1000, 0, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x1000, 0x1000, 16, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add(NULL, 0x1000, 0x1000, U, 1), TDXC_EINVAL);
	box_unchanged(&b);
	for (i = 0; i < 3; i++)
		assert_int_equal(tdxc_memregion_add(b.mr, 0x1000 * (uint64_t)i, 0x1000, U, 1), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x5000, 0x1000, U, 1), TDXC_ENOSPC);
	box_unchanged(&b);
	box_free(&b);
}

/* More than 128 entries (the zero page limit) are fine. */
static void test_many_entries(void **s)
{
	struct mr_box b;
	struct tdxc_memregion_stats st;
	uint32_t i;
	(void)s;
	box_init(&b, 600, 4, 64 * MiB, 0);
	for (i = 0; i < 600; i++)
		assert_int_equal(tdxc_memregion_add(b.mr, (uint64_t)i * 0x10000, 0x10000, i % 2 ? R : U, i % 2 ? 2 : 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.regions, 600);
	assert_int_equal(st.managed_frames, 300 * 16);
	assert_int_equal(st.type_bytes[U], 300 * 0x10000);
	assert_int_equal(st.largest_free_run, 16);
	box_check(&b);
	box_free(&b);
}

/* ---- randomized: resolution equals a per-page reference, any order ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const uint8_t rank_of[16] = {0, 14, 3, 11, 2, 0, 6, 7, 13, 4, 8, 9, 10, 12, 5, 1};

#define PAGES 256

static void reference(const struct ent *e, size_t n, uint32_t *type, uint32_t *raw)
{
	size_t i;
	uint64_t p;
	for (p = 0; p < PAGES; p++) {
		type[p] = 0;
		raw[p] = 0;
	}
	for (i = 0; i < n; i++) {
		uint64_t a = e[i].base, z = e[i].base + e[i].len, s, t;
		bool ram = e[i].type == U || e[i].type == UA;
		s = ram ? (a + 0xfff) / 0x1000 : a / 0x1000;
		t = ram ? z / 0x1000 : (z + 0xfff) / 0x1000;
		for (p = s; p < t && p < PAGES; p++) {
			if (!type[p] || rank_of[e[i].type] < rank_of[type[p]] ||
			    (rank_of[e[i].type] == rank_of[type[p]] && e[i].raw < raw[p])) {
				type[p] = e[i].type;
				raw[p] = e[i].raw;
			}
		}
	}
}

static void test_random_vs_reference(void **s)
{
	int round;
	(void)s;
	for (round = 0; round < 300; round++) {
		struct ent e[40];
		uint32_t rt[PAGES], rr[PAGES];
		struct tdxc_memregion_region first[80];
		uint32_t nfirst = 0, perm;
		size_t n = 1 + rnd() % 40, i;
		for (i = 0; i < n; i++) {
			uint64_t a = rnd() % (PAGES * 0x1000), l = 1 + rnd() % (32 * 0x1000);
			if (rnd() % 2) { /* page aligned most of the time */
				a &= ~0xfffull;
				l = (l + 0xfff) & ~0xfffull;
			}
			e[i].base = a;
			e[i].len = l;
			e[i].type = 1 + (uint32_t)(rnd() % 15);
			e[i].raw = (uint32_t)(rnd() % 3);
		}
		reference(e, n, rt, rr);
		for (perm = 0; perm < 4; perm++) {
			struct mr_box b;
			struct tdxc_memregion_region got[80];
			uint32_t m, k;
			uint64_t p;
			/* shuffle */
			for (i = n; i > 1; i--) {
				size_t j = rnd() % i;
				struct ent t = e[i - 1];
				e[i - 1] = e[j];
				e[j] = t;
			}
			box_init(&b, 40, 2, 2 * MiB, 0);
			add_all(b.mr, e, n);
			if (tdxc_memregion_commit(b.mr) == TDXC_E2BIG) {
				box_free(&b);
				continue;
			}
			m = get_regions(b.mr, got, 80);
			/* compare page by page with the reference */
			for (p = 0, k = 0; p < PAGES; p++) {
				uint64_t pa = p * 0x1000;
				while (k < m && got[k].end <= pa)
					k++;
				if (k < m && got[k].base <= pa) {
					assert_int_equal(got[k].type, rt[p]);
					assert_int_equal(got[k].raw_type, rr[p]);
				} else {
					assert_int_equal(rt[p], 0);
				}
			}
			if (perm == 0) {
				memcpy(first, got, sizeof(got[0]) * m);
				nfirst = m;
			} else {
				assert_int_equal(m, nfirst);
				assert_memory_equal(first, got, sizeof(got[0]) * m);
			}
			box_check(&b);
			box_free(&b);
		}
	}
}

/* ---- front ends ---- */

static void put_e820(uint8_t *p, uint64_t base, uint64_t len, uint32_t type)
{
	tdxc__put_le64(p, base);
	tdxc__put_le64(p + 8, len);
	tdxc__put_le32(p + 16, type);
}

static void test_e820(void **s)
{
	struct mr_box b;
	uint8_t t[6 * 20];
	static const struct tdxc_memregion_region want[] = {
		{0x0, 0x9f000, U, 1}, {0x9f000, 0xa0000, R, 2},
		{0x100000, 0x200000, U, 1}, {0x200000, 0x201000, TDXC_MEMREGION_PMEM, 12},
		{0x300000, 0x400000, TDXC_MEMREGION_SOFT_RESERVED, 0xefffffff},
		{0x400000, 0x401000, X, 20},
	};
	(void)s;
	put_e820(t, 0x0, 0x9fc00, 1);
	put_e820(t + 20, 0x9fc00, 0x400, 2);
	put_e820(t + 40, 0x100000, 0x100000, 1);
	put_e820(t + 60, 0x200000, 0x1000, 12);
	put_e820(t + 80, 0x300000, 0x100000, 0xefffffff);
	put_e820(t + 100, 0x400000, 0x1000, 20);
	box_init(&b, 8, 2, 16 * MiB, 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 119), TDXC_EMALFORMED);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, NULL, 20), TDXC_EINVAL);
	put_e820(t + 100, 0x400000, 0, 20);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 120), TDXC_EINVAL);
	put_e820(t + 100, UINT64_MAX - 0xfff, 0x2000, 20);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 120), TDXC_EOVERFLOW);
	put_e820(t + 100, 0x400000, 0x1000, 20);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x0, 0x1000, U, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x0, 0x1000, U, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x0, 0x1000, U, 1), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 120), TDXC_ENOSPC);
	box_unchanged(&b);
	box_free(&b);

	box_init(&b, 8, 2, 16 * MiB, 0);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 120), 6);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, NULL, 0), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	expect(b.mr, want, 6);
	assert_int_equal(tdxc_memregion_add_e820(b.mr, t, 20), TDXC_ESTATE);
	box_free(&b);
}

static void put_efi(uint8_t *p, uint32_t type, uint64_t start, uint64_t pages, uint64_t attr)
{
	memset(p, 0, 48);
	tdxc__put_le32(p, type);
	tdxc__put_le64(p + 8, start);
	tdxc__put_le64(p + 16, 0xdead0000); /* virtual start: ignored */
	tdxc__put_le64(p + 24, pages);
	tdxc__put_le64(p + 32, attr);
}

static void test_efi(void **s)
{
	struct mr_box b;
	uint8_t m[8 * 48];
	struct tdxc_memregion_stats st;
	(void)s;
	put_efi(m, 7, 0x0, 0x9f, 0xf);
	put_efi(m + 48, 4, 0x100000, 0x100, 0xf);       /* boot services data */
	put_efi(m + 96, 6, 0x200000, 0x10, 0xf);        /* runtime data */
	put_efi(m + 144, 10, 0x210000, 0x10, 0xf);      /* NVS */
	put_efi(m + 192, 15, 0x400000, 0x400, 0xf);     /* unaccepted, 4 MiB */
	put_efi(m + 240, 7, 0x800000, 0x100, 0x40000);  /* specific purpose */
	put_efi(m + 288, 11, 0xfec00000, 1, 0);          /* MMIO */
	put_efi(m + 336, 99, 0x900000, 1, 0);            /* unknown */
	box_init(&b, 8, 2, 16 * MiB, 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 40, 0), TDXC_EMALFORMED);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 44, 0), TDXC_ESIZE);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 32, 0), TDXC_ESIZE);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 48, 2), TDXC_EFLAGS);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, NULL, 48, 48, 0), TDXC_EINVAL);
	put_efi(m + 336, 99, 0x900800, 1, 0);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 48, 0), TDXC_EALIGN);
	put_efi(m + 336, 99, 0x900000, 0, 0);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 48, 0), TDXC_EINVAL);
	put_efi(m + 336, 99, 0x900000, UINT64_C(1) << 53, 0);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 48, 0), TDXC_EOVERFLOW);
	box_unchanged(&b);
	put_efi(m + 336, 99, 0x900000, 1, 0);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, sizeof(m), 48, 0), 8);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.type_bytes[U], 0x9f000);
	assert_int_equal(st.type_bytes[TDXC_MEMREGION_BOOTLOADER_RECLAIMABLE], 0x100000);
	assert_int_equal(st.type_bytes[TDXC_MEMREGION_FIRMWARE_HELD], 0x10000);
	assert_int_equal(st.type_bytes[N], 0x10000);
	assert_int_equal(st.type_bytes[UA], 0x400000);
	assert_int_equal(st.type_bytes[TDXC_MEMREGION_SOFT_RESERVED], 0x100000);
	assert_int_equal(st.type_bytes[TDXC_MEMREGION_MMIO], 0x1000);
	assert_int_equal(st.type_bytes[X], 0x1000);
	assert_int_equal(st.unaccepted_bytes, 0x400000);
	assert_int_equal(st.managed_frames, 0x9f + 0x400);
	box_free(&b);

	box_init(&b, 8, 2, 16 * MiB, 0);
	assert_int_equal(tdxc_memregion_add_efi(b.mr, m, 96, 48, TDXC_MEMREGION_EFI_AFTER_EBS), 2);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.type_bytes[U], 0x9f000 + 0x100000);
	box_free(&b);
}

static int parse_one(const char *text, struct tdxc_memregion_region *r, uint32_t *line)
{
	size_t off = 0;
	*line = 0;
	return tdxc_memregion_parse_dmesg(text, strlen(text), &off, line, r);
}

static void test_dmesg_lines(void **s)
{
	static const struct {
		const char *line;
		uint64_t base, end;
		uint32_t type, raw;
	} ok[] = {
		{"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable", 0, 0x9fc00, U, 1},
		{"BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved", 0x9fc00, 0xa0000, R, 2},
		{"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000003efff]  System RAM\r", 0, 0x3f000, U, 1},
		{"BIOS-e820: [mem 0x000000000003f000-0x000000000003ffff]  device reserved  ", 0x3f000, 0x40000, R, 2},
		{"BIOS-e820: [mem 0x00000000dce7f000-0x00000000dcefefff] ACPI data", 0xdce7f000, 0xdceff000, A, 3},
		{"BIOS-e820: [mem 0x000000000008f000-0x000000000008ffff] ACPI NVS", 0x8f000, 0x90000, N, 4},
		{"BIOS-e820: [mem 0x0000000000001000-0x0000000000001fff] unusable", 0x1000, 0x2000, TDXC_MEMREGION_UNUSABLE, 5},
		{"BIOS-e820: [mem 0x0000000100000000-0x00000001ffffffff] persistent (type 12)", 0x100000000, 0x200000000, TDXC_MEMREGION_PMEM, 12},
		{"BIOS-e820: [mem 0x0000000100000000-0x00000001ffffffff] persistent (type 7)", 0x100000000, 0x200000000, TDXC_MEMREGION_PMEM, 7},
		{"BIOS-e820: [mem 0x0000000100000000-0x00000001ffffffff] soft reserved", 0x100000000, 0x200000000, TDXC_MEMREGION_SOFT_RESERVED, 0xefffffff},
		{"[    0.000000] BIOS-e820: [mem 0x0000000077a13000-0x0000000077a1bfff] type 20", 0x77a13000, 0x77a1c000, X, 20},
		{"BIOS-e820: [mem 0x0-0xfff] type 16", 0, 0x1000, X, 16},
		{"BIOS-e820: [mem 0x0-0xfff] type 3", 0, 0x1000, A, 3},
		{" BIOS-e820: 0000000000000000 - 000000000009f000 (usable)", 0, 0x9f000, U, 1},
		{" BIOS-e820: 00000000000f0000 - 0000000000100000 (reserved)", 0xf0000, 0x100000, R, 2},
		{"BIOS-e820: [mem 0xfffffffffffff000-0xfffffffffffffffe] reserved", UINT64_C(0xfffffffffffff000), UINT64_MAX, R, 2},
	};
	static const char *const bad[] = {
		"BIOS-e820: [mem 0x0-0xfff] usable!",
		"BIOS-e820: [mem 0x0-0xfff] usable memory",
		"BIOS-e820: [mem 0x0-0xfff] bogus",
		"BIOS-e820: [mem 0x0-0xfff]",
		"BIOS-e820: [mem 0x0-0xfff]usable",
		"BIOS-e820: [mem 0x1000-0xfff] usable",
		"BIOS-e820: [mem 0x0-0xffffffffffffffff] reserved",
		"BIOS-e820: [mem 0x00000000000000000-0xfff] usable",
		"BIOS-e820: [mem 0xg-0xfff] usable",
		"BIOS-e820: [mem 0x0 0xfff] usable",
		"BIOS-e820: [mem 0x0-0xfff usable",
		"BIOS-e820: [mem 0x0-0xfff] type",
		"BIOS-e820: [mem 0x0-0xfff] type 99999999999",
		"BIOS-e820: [mem 0x0-0xfff] persistent (type 12",
		"BIOS-e820: garbage",
		"BIOS-e820: 0000 - 0000 (usable)",
	};
	struct tdxc_memregion_region r;
	uint32_t line;
	size_t i, off;
	(void)s;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(parse_one(ok[i].line, &r, &line), 1);
		assert_int_equal(line, 1);
		assert_int_equal(r.base, ok[i].base);
		assert_int_equal(r.end, ok[i].end);
		assert_int_equal(r.type, ok[i].type);
		assert_int_equal(r.raw_type, ok[i].raw);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse_one(bad[i], &r, &line);
		if (rc != TDXC_EMALFORMED)
			print_error("accepted: %s\n", bad[i]);
		assert_int_equal(rc, TDXC_EMALFORMED);
		assert_int_equal(line, 1);
	}
	/* skipped lines and line numbers */
	{
		const char *t = "[    0.000000] BIOS-provided physical RAM map:\n"
				"[    0.000000] BIOS-e820: [gap 0x00000000000a0000-0x00000000000fffff]\n"
				"e820: update [mem 0x00000000-0x00000fff] usable ==> reserved\n"
				"\n"
				"BIOS-e820: [mem 0x0000000000100000-0x00000000001fffff] usable\n"
				"random text\n"
				"BIOS-e820: [mem 0x0000000000200000-0x00000000002fffff] nonsense\n"
				"BIOS-e820: [mem 0x0000000000300000-0x00000000003fffff] usable";
		off = 0;
		line = 0;
		assert_int_equal(tdxc_memregion_parse_dmesg(t, strlen(t), &off, &line, &r), 1);
		assert_int_equal(line, 5);
		assert_int_equal(r.base, 0x100000);
		assert_int_equal(tdxc_memregion_parse_dmesg(t, strlen(t), &off, &line, &r), TDXC_EMALFORMED);
		assert_int_equal(line, 7);
		assert_int_equal(tdxc_memregion_parse_dmesg(t, strlen(t), &off, &line, &r), 1);
		assert_int_equal(line, 8);
		assert_int_equal(r.end, 0x400000);
		assert_int_equal(tdxc_memregion_parse_dmesg(t, strlen(t), &off, &line, &r), 0);
		assert_int_equal(off, strlen(t));
		/* argument errors */
		assert_int_equal(tdxc_memregion_parse_dmesg(t, 3, &off, &line, &r), TDXC_EINVAL);
		assert_int_equal(tdxc_memregion_parse_dmesg(NULL, 3, &off, &line, &r), TDXC_EINVAL);
		off = 0;
		assert_int_equal(tdxc_memregion_parse_dmesg(t, 3, NULL, &line, &r), TDXC_EINVAL);
		assert_int_equal(tdxc_memregion_parse_dmesg(t, 3, &off, NULL, &r), TDXC_EINVAL);
		assert_int_equal(tdxc_memregion_parse_dmesg(t, 3, &off, &line, NULL), TDXC_EINVAL);
		/* a buffer cut in the middle of a line parses only what is there */
		off = 0;
		line = 0;
		assert_int_equal(tdxc_memregion_parse_dmesg(t + strlen(t) - 30, 10, &off, &line, &r), 0);
	}
}

static void test_add_dmesg(void **s)
{
	struct mr_box b;
	uint32_t bad = 99;
	const char *good = "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
			   "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
			   "BIOS-e820: [mem 0x0000000000100000-0x0000000000ffffff] usable\n";
	const char *broken = "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
			     "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] weird\n";
	(void)s;
	box_init(&b, 3, 2, 16 * MiB, 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, broken, strlen(broken), &bad), TDXC_EMALFORMED);
	assert_int_equal(bad, 2);
	box_unchanged(&b);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 0x1000, U, 1), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, good, strlen(good), &bad), TDXC_ENOSPC);
	assert_int_equal(bad, 0);
	box_unchanged(&b);
	box_free(&b);
	box_init(&b, 3, 2, 16 * MiB, 0);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, good, strlen(good), NULL), 3);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, good, strlen(good), &bad), TDXC_ESTATE);
	box_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tricky_maps),
		cmocka_unit_test(test_unknown_ties),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_many_entries),
		cmocka_unit_test(test_random_vs_reference),
		cmocka_unit_test(test_e820),
		cmocka_unit_test(test_efi),
		cmocka_unit_test(test_dmesg_lines),
		cmocka_unit_test(test_add_dmesg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
