/* SPDX-License-Identifier: BSD-2-Clause */
/* memregion: reservations, allocation, free and their error paths. */
#include "mr_test.h"

#define EV_APS_ONLINE 1
#define EV_EBS 2
#define EV_ACPI_DONE 3

/* Old TDVF map (intel/tdx-linux#5 layout), RAM cut at 64 MiB. */
static void old_tdvf_map(struct tdxc_memregion *mr)
{
	assert_int_equal(tdxc_memregion_add(mr, 0x0, 0x80c000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(mr, 0x80c000, 0x1000, TDXC_MEMREGION_NVS, 4), 0);
	assert_int_equal(tdxc_memregion_add(mr, 0x80d000, 64 * MiB - 0x80d000, TDXC_MEMREGION_USABLE, 1), 0);
}

static void exhaust_then_release(bool reserve_after_commit)
{
	struct mr_box b;
	struct tdxc_memregion_stats st;
	uint64_t pa, n = 0, freed = 0, managed;
	int rc;

	box_init(&b, 16, 8, 64 * MiB, 0);
	old_tdvf_map(b.mr);
	if (!reserve_after_commit)
		assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap-pagetables", EV_APS_ONLINE), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	if (reserve_after_commit)
		assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap-pagetables", EV_APS_ONLINE), 0);
	box_check(&b);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	managed = st.managed_frames;
	assert_int_equal(managed, (64 * MiB >> 12) - 1);
	assert_int_equal(st.held_frames, 12);
	assert_int_equal(st.free_frames, managed - 12);

	/* Exhaust: no frame of the held range and not the NVS page. */
	while ((rc = tdxc_memregion_alloc(b.mr, &pa)) == 0) {
		assert_false(pa >= 0x800000 && pa < 0x80d000);
		n++;
	}
	assert_int_equal(rc, TDXC_ENOMEM);
	assert_int_equal(n, managed - 12);
	/* Contiguous and exact requests are refused there too. */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0x800000, 0x80c000, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x800000, 0x1000), TDXC_EHELD);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x805000), TDXC_MEMREGION_FRAME_HELD);
	box_check(&b);

	/* "APs online": the range really comes back. */
	assert_int_equal(tdxc_memregion_release(b.mr, EV_APS_ONLINE, &freed), 0);
	assert_int_equal(freed, 0xc000);
	box_check(&b);
	for (n = 0; n < 12; n++) {
		assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
		assert_int_equal(pa, 0x800000 + n * 0x1000);
	}
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), TDXC_ENOMEM);

	/* A second release is an error and frees nothing. */
	box_snap(&b);
	freed = 77;
	assert_int_equal(tdxc_memregion_release(b.mr, EV_APS_ONLINE, &freed), TDXC_EALREADY);
	assert_int_equal(freed, 77);
	box_unchanged(&b);
	/* Reserving for an event that already happened is refused. */
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x900000, 0x1000, "late", EV_APS_ONLINE), TDXC_EALREADY);
	box_unchanged(&b);
	box_check(&b);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.free_frames, 0);
	assert_int_equal(st.allocated_frames, managed);
	assert_int_equal(st.release_count, 1);
	box_free(&b);
}

static void test_ap_pagetables_before_commit(void **s)
{
	(void)s;
	exhaust_then_release(false);
}

static void test_ap_pagetables_after_commit(void **s)
{
	(void)s;
	exhaust_then_release(true);
}

/* New OVMF reports the page tables and the work area as NVS. */
static void test_new_ovmf_map(void **s)
{
	struct mr_box b;
	uint64_t freed = 0;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x0, 0x800000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x800000, 0x6000, TDXC_MEMREGION_NVS, 4), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x806000, 0x5000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x80b000, 0x2000, TDXC_MEMREGION_NVS, 4), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x80d000, 64 * MiB - 0x80d000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap-pagetables", EV_APS_ONLINE), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	box_check(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, EV_APS_ONLINE, &freed), 0);
	assert_int_equal(freed, 0x5000); /* only 0x806000-0x80afff was RAM */
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x800000), TDXC_MEMREGION_FRAME_FOREIGN);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x80b000), TDXC_MEMREGION_FRAME_FOREIGN);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x806000), TDXC_MEMREGION_FRAME_FREE);
	box_check(&b);
	box_free(&b);
}

/* PERMANENT reservations never come back. */
static void test_permanent(void **s)
{
	struct mr_box b;
	struct tdxc_memregion_reservation rv;
	uint64_t pa, freed;
	int rc;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, 0);
	old_tdvf_map(b.mr);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0x6000, "ovmf-sec-pt", TDXC_MEMREGION_PERMANENT), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x80b000, 0x1000, "ovmf-workarea", TDXC_MEMREGION_PERMANENT), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap", EV_APS_ONLINE), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, TDXC_MEMREGION_PERMANENT, &freed), TDXC_EPERM);
	assert_int_equal(tdxc_memregion_release(b.mr, 99, &freed), TDXC_ENOENT);
	box_unchanged(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, EV_APS_ONLINE, &freed), 0);
	assert_int_equal(freed, 0x5000); /* 0x806000-0x80afff */
	while ((rc = tdxc_memregion_alloc(b.mr, &pa)) == 0)
		assert_false((pa >= 0x800000 && pa < 0x806000) || pa == 0x80b000);
	assert_int_equal(rc, TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 0, &rv), 0);
	assert_string_equal(rv.owner, "ovmf-sec-pt");
	assert_int_equal(rv.state, TDXC_MEMREGION_RESV_LIVE);
	assert_int_equal(rv.ram_bytes, 0x6000);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 2, &rv), 0);
	assert_int_equal(rv.state, TDXC_MEMREGION_RESV_RELEASED);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 3, &rv), TDXC_ENOENT);
	box_check(&b);
	box_free(&b);
}

/*
 * Released frames never join a block with neighbours that are still
 * reserved: a contiguous request over the released range plus a held
 * neighbour fails, and exhausting memory never hands out the neighbour.
 */
static void test_no_coalesce_with_held_neighbour(void **s)
{
	struct mr_box b;
	uint64_t pa, freed;
	int rc;
	(void)s;
	box_init(&b, 16, 8, 256 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 256 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	/* 16 MiB section boundary in the middle: the released half lies in a
	 * section whose metadata is initialised only by the release. */
	assert_int_equal(tdxc_memregion_reserve(b.mr, 32 * MiB - 0x8000, 0x8000, "efi-bs", EV_EBS), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 32 * MiB, 0x8000, "acpi-tables", EV_ACPI_DONE), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_release(b.mr, EV_EBS, &freed), 0);
	assert_int_equal(freed, 0x8000);
	box_check(&b);
	/* 16 frames aligned to 64 KiB spanning the boundary: impossible. */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 16, 0x10000, 32 * MiB - 0x8000, 32 * MiB + 0x8000, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 8, 0, 32 * MiB - 0x8000, 32 * MiB + 0x8000, &pa), 0);
	assert_int_equal(pa, 32 * MiB - 0x8000);
	while ((rc = tdxc_memregion_alloc(b.mr, &pa)) == 0)
		assert_false(pa >= 32 * MiB && pa < 32 * MiB + 0x8000);
	assert_int_equal(rc, TDXC_ENOMEM);
	box_check(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, EV_ACPI_DONE, &freed), 0);
	assert_int_equal(freed, 0x8000);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 8, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), 0);
	assert_int_equal(pa, 32 * MiB);
	box_check(&b);
	box_free(&b);
}

/* A frame is free only when every reservation covering it is released. */
static void test_overlapping_reservations(void **s)
{
	struct mr_box b;
	uint64_t freed;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, TDXC_MEMREGION_F_TRACK_FREED);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 64 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x100000, 0x4000, "a", 10), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x102000, 0x4000, "b", 11), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x101000, 0x2000, "a2", 10), 0); /* same event, overlaps */
	box_check(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, 10, &freed), 0);
	assert_int_equal(freed, 0x2000); /* 0x100000, 0x101000; 0x102000+ still held by b */
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x102000), TDXC_MEMREGION_FRAME_HELD);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x101000), TDXC_MEMREGION_FRAME_FREE);
	box_check(&b);
	assert_int_equal(tdxc_memregion_release(b.mr, 11, &freed), 0);
	assert_int_equal(freed, 0x4000);
	box_check(&b);
	/* Released frames are "never allocated": freeing them says so. */
	assert_int_equal(tdxc_memregion_free(b.mr, 0x103000, 0x1000), TDXC_ENOTALLOC);
	box_free(&b);
}

/* Reservations over non-RAM are recorded and change no frame. */
static void test_reserve_non_ram(void **s)
{
	struct mr_box b;
	struct tdxc_memregion_stats st;
	uint64_t freed;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 32 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0xfed00000, 0x1000, TDXC_MEMREGION_RESERVED, 2), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0xfed00000, 0x100, "hpet", 5), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 48 * MiB, MiB, "hole", 5), 0);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	assert_int_equal(st.free_frames, 32 * MiB >> 12);
	assert_int_equal(st.held_frames, 0);
	assert_int_equal(tdxc_memregion_release(b.mr, 5, &freed), 0);
	assert_int_equal(freed, 0);
	box_check(&b);
	box_free(&b);
}

static void test_alloc_constraints(void **s)
{
	struct mr_box b;
	uint64_t pa;
	(void)s;
	box_init(&b, 16, 8, 8 * GiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x1000, 0x9e000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x100000, 0x7ff00000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0x100000000, 0x100000000, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	/* trampoline: 6 frames below 1 MiB */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 6, 0, 0, TDXC_MEMREGION_BELOW_1M, &pa), 0);
	assert_true(pa + 6 * 0x1000 <= 0x100000 && pa >= 0x1000);
	/* above 4 GiB, 2 MiB aligned */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 512, 2 * MiB, 4 * GiB, TDXC_MEMREGION_NO_LIMIT, &pa), 0);
	assert_int_equal(pa, 4 * GiB);
	/* a run larger than the low region cannot be placed below 1 MiB */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 0x9e, 0, 0, TDXC_MEMREGION_BELOW_1M, &pa), TDXC_ENOMEM);
	/* odd size, alignment 1 GiB, below 4 GiB */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 3, GiB, 0, TDXC_MEMREGION_BELOW_4G, &pa), 0);
	assert_int_equal(pa, GiB);
	/* runs may cross 16 MiB section boundaries */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 8192, 0, 20 * MiB, 4 * GiB, &pa), 0);
	assert_int_equal(pa, 20 * MiB);
	/* a run cannot cross the hole between 2 GiB and 4 GiB */
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 2, 0, 2 * GiB - 0x1000, 4 * GiB + 2 * MiB + 0x1000, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 2, 0, 2 * GiB - 0x1000, 4 * GiB + 2 * MiB + 0x2000, &pa), 0);
	assert_int_equal(pa, 4 * GiB + 2 * MiB);
	box_check(&b);
	box_free(&b);
}

static void test_claim(void **s)
{
	struct mr_box b;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, 0);
	old_tdvf_map(b.mr);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap", EV_APS_ONLINE), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x7f0000, 0x10000), 0);
	box_touch_all(&b);
	box_snap(&b);
	/* partly reserved */
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x7ff000, 0x2000), TDXC_EBUSY);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x7e0000, 0x30000), TDXC_EBUSY);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x80a000, 0x4000), TDXC_EHELD);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x80c000, 0x1000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_claim(b.mr, 64 * MiB - 0x1000, 0x2000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x1000, 0x800), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x1800, 0x1000), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x1000, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_claim(b.mr, UINT64_C(0xfffffffffffff000), 0x2000), TDXC_EOVERFLOW);
	assert_int_equal(tdxc_memregion_claim(NULL, 0x1000, 0x1000), TDXC_EINVAL);
	box_unchanged(&b);
	box_check(&b);
	box_free(&b);
}

static void test_free_errors(void **s)
{
	struct mr_box b;
	uint64_t pa;
	(void)s;
	box_init(&b, 16, 8, 64 * MiB, TDXC_MEMREGION_F_TRACK_FREED);
	old_tdvf_map(b.mr);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap", EV_APS_ONLINE), 0);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x1000, 0x1000), TDXC_ESTATE);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 0);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 4, 0, 0x7fe000, 0x80c000, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x7fe000, 0x2000), 0);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x80d000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x80d000, 0x1000), 0);
	box_touch_all(&b);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x80d000, 0x1000), TDXC_EDOUBLEFREE);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x80e000, 0x1000), TDXC_ENOTALLOC);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x800000, 0x1000), TDXC_EHELD);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x7ff000, 0x2000), TDXC_EHELD); /* first offender decides */
	assert_int_equal(tdxc_memregion_free(b.mr, 0x80c000, 0x1000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_free(b.mr, 64 * MiB, 0x1000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_free(b.mr, UINT64_C(1) << 50, 0x1000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x0, 0x2000), TDXC_ENOTALLOC);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x0, 0x800), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x0, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_free(b.mr, UINT64_C(0xfffffffffffff000), 0x2000), TDXC_EOVERFLOW);
	box_unchanged(&b);
	/* partial frees of a claimed run */
	assert_int_equal(tdxc_memregion_free(b.mr, 0x7ff000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x7fe000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_free(b.mr, 0x0, 0x1000), 0);
	box_check(&b);
	box_free(&b);
}

/* Without the freed-bit option a free frame reports TDXC_EDOUBLEFREE. */
static void test_free_untracked(void **s)
{
	struct mr_box b;
	uint64_t pa;
	(void)s;
	box_init(&b, 4, 4, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 64 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(tdxc_memregion_free(b.mr, pa, 0x1000), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_free(b.mr, pa, 0x1000), TDXC_EDOUBLEFREE);
	assert_int_equal(tdxc_memregion_free(b.mr, 32 * MiB, 0x1000), TDXC_EDOUBLEFREE);
	box_unchanged(&b);
	box_free(&b);
}

static void test_reserve_errors(void **s)
{
	struct mr_box b;
	uint64_t pa;
	char longname[40];
	(void)s;
	memset(longname, 'x', sizeof(longname));
	longname[TDXC_MEMREGION_OWNER_MAX + 1] = 0;
	box_init(&b, 4, 3, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 64 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_claim(b.mr, 0x200000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x300000, 0x1000, "one", 1), 0);
	box_touch_all(&b);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1ff800, 0x1000, "busy", 2), TDXC_EBUSY);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0x1000, longname, 2), TDXC_E2BIG);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0x1000, "", 2), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0x1000, NULL, 2), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0, "z", 2), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_reserve(b.mr, UINT64_MAX - 10, 20, "wrap", 2), TDXC_EOVERFLOW);
	assert_int_equal(tdxc_memregion_reserve(b.mr, UINT64_MAX - 0x1000, 0x10, "wrap", 2), TDXC_EOVERFLOW);
	assert_int_equal(tdxc_memregion_release(NULL, 1, NULL), TDXC_EINVAL);
	box_unchanged(&b);
	longname[TDXC_MEMREGION_OWNER_MAX] = 0; /* exactly the maximum */
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0x1000, longname, 2), 0);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x2000, 0x1000, "three", 3), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x5000, 0x1000, "four", 4), TDXC_ENOSPC);
	box_unchanged(&b);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 0);
	assert_int_equal(tdxc_memregion_alloc(b.mr, &pa), 0);
	assert_int_equal(pa, 0x3000);
	box_check(&b);
	box_free(&b);
}

static void test_init_errors(void **s)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr = NULL;
	uint8_t *buf;
	size_t need;
	(void)s;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 8;
	p.max_reservations = 4;
	p.max_addr = 64 * MiB;
	need = tdxc_memregion_storage_size(&p);
	assert_true(need > 0 && need % 8 == 0);
	buf = aligned_alloc(64, (need + 64 + 63) & ~(size_t)63);
	memset(buf, 0x5a, need + 64);
	assert_int_equal(tdxc_memregion_init(&mr, buf, need - 1, &p), TDXC_ENOSPC);
	assert_int_equal(tdxc_memregion_init(&mr, buf + 4, need, &p), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_init(NULL, buf, need, &p), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_init(&mr, NULL, need, &p), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, NULL), TDXC_EINVAL);
	p.reserved[1] = 1;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_ERESERVED);
	assert_int_equal(tdxc_memregion_storage_size(&p), 0);
	p.reserved[1] = 0;
	p.flags = 0x80;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_EFLAGS);
	p.flags = 0;
	p.max_addr = 64 * MiB + 0x800;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_EALIGN);
	p.max_addr = TDXC_MEMREGION_MAX_ADDR_LIMIT + 0x1000;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_E2BIG);
	p.max_addr = 0;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_EINVAL);
	p.max_addr = 64 * MiB;
	p.max_regions = 0;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_EINVAL);
	p.max_regions = 8;
	p.max_reservations = MR_CAP_LIMIT + 1;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_E2BIG);
	p.max_reservations = 4;
	p.size = 8;
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), TDXC_ESIZE);
	assert_null(mr);
	p.size = sizeof(p);
	assert_int_equal(tdxc_memregion_init(&mr, buf, need, &p), 0);
	assert_ptr_equal(mr, buf);
	/* Operations that need a committed map. */
	{
		uint64_t pa;
		struct tdxc_memregion_stats st;
		struct tdxc_memregion_region r;
		assert_int_equal(tdxc_memregion_alloc(mr, &pa), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_alloc_range(mr, 1, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_claim(mr, 0, 0x1000), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_stats(mr, &st), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_region_get(mr, 0, &r), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_accept_all(mr), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_frame_state(mr, 0), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_commit(mr), 0);
		assert_int_equal(tdxc_memregion_commit(mr), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_add(mr, 0, 0x1000, 1, 1), TDXC_ESTATE);
		assert_int_equal(tdxc_memregion_alloc(mr, &pa), TDXC_ENOMEM);
		assert_int_equal(tdxc_memregion_alloc(mr, NULL), TDXC_EINVAL);
	}
	free(buf);
}

static void test_alloc_range_errors(void **s)
{
	struct mr_box b;
	uint64_t pa = 0;
	(void)s;
	box_init(&b, 4, 4, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 64 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	box_touch_all(&b);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 0, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0, TDXC_MEMREGION_NO_LIMIT, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0x3000, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0x800, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0x10, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0, 0x1010, &pa), TDXC_EALIGN);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0x2000, 0x2000, &pa), TDXC_ERANGE);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 0x3000, 0x2000, &pa), TDXC_ERANGE);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 16385, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 2, 0, 0, 0x1000, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 1, 0, 64 * MiB, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, UINT64_MAX, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), TDXC_ENOMEM);
	assert_int_equal(pa, 0);
	box_unchanged(&b);
	assert_int_equal(tdxc_memregion_alloc_range(b.mr, 16384, 0, 0, TDXC_MEMREGION_NO_LIMIT, &pa), 0);
	box_check(&b);
	box_free(&b);
}

/* RAM beyond max_addr is refused at commit; the object stays as it was. */
static void test_commit_e2big(void **s)
{
	struct mr_box b;
	(void)s;
	box_init(&b, 4, 4, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 128 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0xfd00000000, 0x300000000, TDXC_MEMREGION_RESERVED, 2), 0);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_commit(b.mr), TDXC_E2BIG);
	box_unchanged(&b);
	box_free(&b);
}

static size_t dumped;
static void count_emit(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	(void)text;
	dumped += len;
}

/* NULL objects and arguments, dump and type names. */
static void test_misc_api(void **s)
{
	struct mr_box b;
	struct tdxc_memregion_stats st;
	struct tdxc_memregion_region r;
	struct tdxc_memregion_reservation rv;
	uint64_t pa;
	uint8_t junk[64];
	(void)s;
	memset(junk, 0, sizeof(junk));
	box_init(&b, 4, 4, 64 * MiB, 0);
	assert_int_equal(tdxc_memregion_add(b.mr, 0, 64 * MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_dump(b.mr, count_emit, NULL), TDXC_ESTATE);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x1000, 0x1000, "early", 7), 0);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 0, &rv), 0);
	assert_int_equal(rv.ram_bytes, 0); /* before commit */
	assert_int_equal(tdxc_memregion_release(b.mr, 7, &pa), 0);
	assert_int_equal(pa, 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x1000), TDXC_MEMREGION_FRAME_FREE);
	box_touch_all(&b);
	box_snap(&b);
	assert_int_equal(tdxc_memregion_add(NULL, 0, 1, 1, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add((struct tdxc_memregion *)(void *)junk, 0, 1, 1, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add_e820(NULL, junk, 20), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add_efi(NULL, junk, 48, 48, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add_dmesg(NULL, "x", 1, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_add_unaccepted_table(NULL, 0, junk, 24), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_set_accept_fn(NULL, NULL, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_commit(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_reserve(NULL, 0, 1, "x", 1), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_alloc(NULL, &pa), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_alloc_range(NULL, 1, 0, 0, 4096, &pa), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_free(NULL, 0, 4096), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_accept(NULL, 0, 4096), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_accept_all(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_stats(NULL, &st), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_stats(b.mr, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_region_get(NULL, 0, &r), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_region_get(b.mr, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_region_get(b.mr, 1, &r), TDXC_ENOENT);
	assert_int_equal(tdxc_memregion_reservation_get(NULL, 0, &rv), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_reservation_get(b.mr, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_frame_state(NULL, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_dump(NULL, count_emit, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_memregion_dump(b.mr, NULL, NULL), TDXC_EINVAL);
	/* no accept callback needed: nothing is pending */
	assert_int_equal(tdxc_memregion_accept_all(b.mr), 0);
	assert_int_equal(tdxc_memregion_accept(b.mr, 0x1234, 0x10), 0);
	dumped = 0;
	assert_int_equal(tdxc_memregion_dump(b.mr, count_emit, NULL), 0);
	assert_true(dumped > 100);
	box_unchanged(&b);
	assert_string_equal(tdxc_memregion_type_name(TDXC_MEMREGION_USABLE), "usable");
	assert_string_equal(tdxc_memregion_type_name(TDXC_MEMREGION_SOFT_RESERVED), "soft_reserved");
	assert_string_equal(tdxc_memregion_type_name(TDXC_MEMREGION_UNKNOWN), "unknown");
	assert_string_equal(tdxc_memregion_type_name(0), "invalid");
	assert_string_equal(tdxc_memregion_type_name(99), "invalid");
	assert_int_equal(tdxc_memregion_storage_size(NULL), 0);
	assert_int_equal(tdxc_modules() & TDXC_MOD_MEMREGION, TDXC_MOD_MEMREGION);
	box_free(&b);
}

/* Metadata stays within 64 KiB per GiB managed; 16 TiB is supported. */
static void test_metadata_budget(void **s)
{
	struct tdxc_memregion_params p;
	size_t a, b, t;
	(void)s;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 128;
	p.max_reservations = 64;
	p.max_addr = GiB;
	a = tdxc_memregion_storage_size(&p);
	p.max_addr = 64 * GiB;
	b = tdxc_memregion_storage_size(&p);
	assert_true(a > 0 && b > a);
	assert_true(b / 64 <= 64 * 1024);
	assert_true((b - a) / 63 >= 32 * 1024); /* one bit per frame at least */
	p.max_addr = 16384 * GiB;
	t = tdxc_memregion_storage_size(&p);
	assert_true(t > 0 && t / 16384 <= 64 * 1024);
	p.flags = TDXC_MEMREGION_F_TRACK_FREED;
	assert_true(tdxc_memregion_storage_size(&p) > t);
}

/* 16 TiB managed: lazily initialised metadata keeps this cheap. */
static void test_16tib(void **s)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	const uint64_t top = 16384 * GiB;
	uint64_t pa, freed;
	size_t need;
	void *mem;
	(void)s;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 8;
	p.max_reservations = 4;
	p.max_addr = top;
	need = tdxc_memregion_storage_size(&p);
	mem = malloc(need); /* not touched beyond what the allocator uses */
	assert_non_null(mem);
	assert_int_equal(tdxc_memregion_init(&mr, mem, need, &p), 0);
	assert_int_equal(tdxc_memregion_add(mr, MiB, 2 * GiB - MiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_add(mr, 4 * GiB, top - 4 * GiB, TDXC_MEMREGION_USABLE, 1), 0);
	assert_int_equal(tdxc_memregion_reserve(mr, top - GiB, MiB, "top", 1), 0);
	assert_int_equal(tdxc_memregion_commit(mr), 0);
	assert_int_equal(tdxc_memregion_alloc_range(mr, 512, 2 * MiB, top - GiB, TDXC_MEMREGION_NO_LIMIT, &pa), 0);
	assert_int_equal(pa, top - GiB + 2 * MiB);
	assert_int_equal(tdxc_memregion_claim(mr, top - 0x1000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_claim(mr, top, 0x1000), TDXC_EFOREIGN);
	assert_int_equal(tdxc_memregion_frame_state(mr, top - GiB), TDXC_MEMREGION_FRAME_HELD);
	assert_int_equal(tdxc_memregion_release(mr, 1, &freed), 0);
	assert_int_equal(freed, MiB);
	assert_int_equal(tdxc_memregion_alloc_range(mr, 256, MiB, top - GiB, TDXC_MEMREGION_NO_LIMIT, &pa), 0);
	assert_int_equal(pa, top - GiB);
	assert_int_equal(tdxc_memregion_free(mr, top - 0x1000, 0x1000), 0);
	assert_int_equal(tdxc_memregion_alloc(mr, &pa), 0);
	assert_int_equal(pa, MiB);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ap_pagetables_before_commit),
		cmocka_unit_test(test_ap_pagetables_after_commit),
		cmocka_unit_test(test_new_ovmf_map),
		cmocka_unit_test(test_permanent),
		cmocka_unit_test(test_no_coalesce_with_held_neighbour),
		cmocka_unit_test(test_overlapping_reservations),
		cmocka_unit_test(test_reserve_non_ram),
		cmocka_unit_test(test_alloc_constraints),
		cmocka_unit_test(test_claim),
		cmocka_unit_test(test_free_errors),
		cmocka_unit_test(test_free_untracked),
		cmocka_unit_test(test_reserve_errors),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_alloc_range_errors),
		cmocka_unit_test(test_commit_e2big),
		cmocka_unit_test(test_misc_api),
		cmocka_unit_test(test_metadata_budget),
		cmocka_unit_test(test_16tib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
