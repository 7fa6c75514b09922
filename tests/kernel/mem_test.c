/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion over the machine's real memory map (multiboot, from QEMU's
 * e820): the kernel image is typed KERNEL, the first page and the AP
 * trampoline are reserved for good, the "firmware" AP page tables are held
 * by a reservation released by the event ALL_APS_ONLINE, and every frame
 * the allocator hands out is checked against the loader's own map.
 */
#include "mem_test.h"

#include <tdxcore/memregion.h>

extern char __image_start[], __image_end[];

#define EV_ALL_APS_ONLINE 1

static struct tdxc_memregion *mr;
static uint64_t mr_storage[(1280u << 10) / 8]; /* 1.25 MiB: enough for 16 GiB */

static const uint32_t mb_to_type[] = {
	0,
	TDXC_MEMREGION_USABLE,
	TDXC_MEMREGION_RESERVED,
	TDXC_MEMREGION_ACPI,
	TDXC_MEMREGION_NVS,
	TDXC_MEMREGION_UNUSABLE,
};

/* Independent of the library: is [pa, pa + len) usable RAM per the loader? */
static int in_usable_ram(uint64_t pa, uint64_t len)
{
	for (unsigned i = 0; i < g_boot.n_mmap; i++) {
		const struct mem_range *r = &g_boot.mmap[i];
		if (r->type == 1 && pa >= r->base && pa + len <= r->base + r->len)
			return 1;
	}
	return 0;
}

static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Usable per the map AND not the kernel, the trampoline or page 0. */
static int frame_ok(uint64_t pa, uint64_t len)
{
	uint64_t ks = (uint64_t)(uintptr_t)__image_start, ke = (uint64_t)(uintptr_t)__image_end;
	return in_usable_ram(pa, len) && !overlaps(pa, len, ks, ke - ks) &&
	       !overlaps(pa, len, TRAMP_BASE, TRAMP_SIZE) && !overlaps(pa, len, 0, 4096);
}

/* Writes and reads back a pattern: the frame really is memory. */
static int touch(uint64_t pa, uint64_t len)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)pa;
	uint64_t n = len / 8;
	for (uint64_t i = 0; i < n; i += 512)
		p[i] = pa ^ (i * 0x9E3779B97F4A7C15ull);
	for (uint64_t i = 0; i < n; i += 512)
		if (p[i] != (pa ^ (i * 0x9E3779B97F4A7C15ull)))
			return 0;
	return 1;
}

int mem_init(void)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < g_boot.n_mmap; i++)
		if (g_boot.mmap[i].type == 1 && g_boot.mmap[i].base + g_boot.mmap[i].len > top)
			top = g_boot.mmap[i].base + g_boot.mmap[i].len;
	uint64_t top_usable = top;
	top = (top + 0xFFFFF) & ~0xFFFFFull;
	struct tdxc_memregion_params pr;
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	pr.flags = TDXC_MEMREGION_F_TRACK_FREED;
	pr.max_regions = MAX_MMAP + 8;
	pr.max_reservations = 32;
	pr.max_addr = top;
	size_t need = tdxc_memregion_storage_size(&pr);
	int rc = TDXC_ENOSPC;
	if (top <= ((uint64_t)KERNEL_MAP_GIB << 30) && need && need <= sizeof(mr_storage))
		rc = tdxc_memregion_init(&mr, mr_storage, sizeof(mr_storage), &pr);
	if (!check(rc == 0, "memregion.init", "%s: max_addr 0x%lx, storage %zu of %zu bytes",
		   tdxc_strerror_name(rc), top, need, sizeof(mr_storage))) {
		mr = 0;
		return -1;
	}

	int bad = 0;
	for (unsigned i = 0; i < g_boot.n_mmap; i++) {
		const struct mem_range *r = &g_boot.mmap[i];
		uint32_t t = r->type < 6 && r->type ? mb_to_type[r->type] : TDXC_MEMREGION_UNKNOWN;
		if (r->len && tdxc_memregion_add(mr, r->base, r->len, t, r->type) != 0)
			bad++;
	}
	uint64_t ks = (uint64_t)(uintptr_t)__image_start, ke = (uint64_t)(uintptr_t)__image_end;
	int k = tdxc_memregion_add(mr, ks, ke - ks, TDXC_MEMREGION_KERNEL, 0);
	int r0 = tdxc_memregion_reserve(mr, 0, 4096, "ivt-bda", TDXC_MEMREGION_PERMANENT);
	int rt = tdxc_memregion_reserve(mr, TRAMP_BASE, TRAMP_SIZE, "ap-trampoline",
					TDXC_MEMREGION_PERMANENT);
	int c = tdxc_memregion_commit(mr);
	struct tdxc_memregion_stats st;
	int s = tdxc_memregion_stats(mr, &st);
	uint64_t usable = 0;
	for (unsigned i = 0; i < g_boot.n_mmap; i++)
		if (g_boot.mmap[i].type == 1)
			usable += g_boot.mmap[i].len & ~0xFFFull;
	int fk = tdxc_memregion_frame_state(mr, ks);
	int ft = tdxc_memregion_frame_state(mr, TRAMP_BASE);
	/* managed = usable minus the kernel image (the map's usable ranges
	 * are page-aligned on QEMU, except the 0x9fc00 end, rounded down) */
	uint64_t expect = (usable - (ke - ks)) / 4096;
	check(bad == 0 && k == 0 && r0 == 0 && rt == 0 && c == 0 && s == 0 &&
		      st.managed_frames == expect && st.free_frames == expect - 1 - 1 &&
		      fk == TDXC_MEMREGION_FRAME_FOREIGN && ft == TDXC_MEMREGION_FRAME_HELD,
	      "memregion.map",
	      "%u map entries + kernel [0x%lx-0x%lx): %u regions, %lu managed frames (expected "
	      "%lu), %lu free; kernel frame state %d, trampoline %d",
	      g_boot.n_mmap, ks, ke, st.regions, st.managed_frames, expect, st.free_frames, fk,
	      ft);

	/* single frames and ranges: all in usable RAM, all real memory */
	unsigned n = 0, okc = 0;
	uint64_t first = 0, last = 0;
	static uint64_t got[64];
	for (unsigned i = 0; i < 64; i++) {
		uint64_t pa = 0;
		if (tdxc_memregion_alloc(mr, &pa) == 0) {
			got[n++] = pa;
			okc += frame_ok(pa, 4096) && touch(pa, 4096);
			if (!first)
				first = pa;
			last = pa;
		}
	}
	uint64_t low = 0, high = 0;
	int rl = tdxc_memregion_alloc_range(mr, 16, 0x10000, 0, TDXC_MEMREGION_BELOW_1M, &low);
	int rh = tdxc_memregion_alloc_range(mr, 512, 0x200000, TDXC_MEMREGION_BELOW_4G,
					    TDXC_MEMREGION_NO_LIMIT, &high);
	int low_ok = rl == 0 && low + 16 * 4096 <= 0x100000 && !(low & 0xFFFF) &&
		     frame_ok(low, 16 * 4096) && touch(low, 16 * 4096);
	uint64_t want_high = cmdline_num("highmem", 0);
	int high_ok = want_high ? (rh == 0 && high >= (1ull << 32) && !(high & 0x1FFFFF) &&
				   frame_ok(high, 0x200000) && touch(high, 0x200000))
				: rh == TDXC_ENOMEM;
	check(n == 64 && okc == 64 && low_ok && high_ok, "memregion.alloc",
	      "64 frames [0x%lx..0x%lx] in usable RAM and writable: %u; 64 KiB below 1 MiB at "
	      "0x%lx (%s); 2 MiB above 4 GiB at 0x%lx (%s)",
	      first, last, okc, low, tdxc_strerror_name(rl), high, tdxc_strerror_name(rh));

	/* errors: exact codes, object unchanged */
	struct tdxc_memregion_stats before, after;
	int f0 = tdxc_memregion_free(mr, got[0], 4096);
	tdxc_memregion_stats(mr, &before);
	int e_double = tdxc_memregion_free(mr, got[0], 4096);
	int e_kernel = tdxc_memregion_free(mr, ks, 4096);
	int e_tramp = tdxc_memregion_claim(mr, TRAMP_BASE, 4096);
	/* the highest usable frame: lowest-first allocation never got there */
	int e_never = tdxc_memregion_free(mr, (top_usable - 4096) & ~0xFFFull, 4096);
	int e_perm = tdxc_memregion_release(mr, TDXC_MEMREGION_PERMANENT, 0);
	tdxc_memregion_stats(mr, &after);
	check(f0 == 0 && e_double == TDXC_EDOUBLEFREE && e_kernel == TDXC_EFOREIGN &&
		      e_tramp == TDXC_EHELD && e_never == TDXC_ENOTALLOC &&
		      e_perm == TDXC_EPERM && memcmp(&before, &after, sizeof(before)) == 0,
	      "memregion.refuse",
	      "double free EDOUBLEFREE, kernel image %s, claim trampoline %s, never allocated "
	      "%s, release PERMANENT %s; stats unchanged",
	      tdxc_strerror_name(e_kernel), tdxc_strerror_name(e_tramp),
	      tdxc_strerror_name(e_never), tdxc_strerror_name(e_perm));
	for (unsigned i = 1; i < n; i++)
		tdxc_memregion_free(mr, got[i], 4096);
	if (rl == 0)
		tdxc_memregion_free(mr, low, 16 * 4096);
	if (rh == 0)
		tdxc_memregion_free(mr, high, 0x200000);
	return 0;
}

/*
 * Play firmware: place the AP page tables and the mailbox in RAM the map
 * calls usable (as TDX firmware does), and have the OS reserve them: the
 * tables until ALL_APS_ONLINE, the mailbox for good.
 */
int mem_place_firmware(struct smp_memory *m)
{
	if (!mr)
		return -1;
	uint64_t frames = FW_TABLES_SIZE / 4096, tables = 0, mbox = 0;
	int a = tdxc_memregion_alloc_range(mr, frames, 0, 0x100000, TDXC_MEMREGION_BELOW_4G,
					   &tables);
	int b = tdxc_memregion_alloc_range(mr, 1, 0, 0x100000, TDXC_MEMREGION_BELOW_4G, &mbox);
	if (a == 0)
		tdxc_memregion_free(mr, tables, FW_TABLES_SIZE);
	if (b == 0)
		tdxc_memregion_free(mr, mbox, 4096);
	int ra = tdxc_memregion_reserve(mr, tables, FW_TABLES_SIZE, "fw-ap-pagetables",
					EV_ALL_APS_ONLINE);
	int rb = tdxc_memregion_reserve(mr, mbox, 4096, "acpi-wakeup-mailbox",
					TDXC_MEMREGION_PERMANENT);
	int held = tdxc_memregion_frame_state(mr, tables) == TDXC_MEMREGION_FRAME_HELD &&
		   tdxc_memregion_frame_state(mr, tables + FW_TABLES_SIZE - 4096) ==
			   TDXC_MEMREGION_FRAME_HELD &&
		   tdxc_memregion_frame_state(mr, mbox) == TDXC_MEMREGION_FRAME_HELD;
	if (!check(a == 0 && b == 0 && ra == 0 && rb == 0 && held && frame_ok(tables, FW_TABLES_SIZE) &&
			   frame_ok(mbox, 4096),
		   "memregion.fw-reserve",
		   "AP page tables [0x%lx, +%u) held until ALL_APS_ONLINE, mailbox 0x%lx held "
		   "for good (%s/%s)",
		   tables, FW_TABLES_SIZE, mbox, tdxc_strerror_name(ra), tdxc_strerror_name(rb)))
		return -1;
	m->fw_tables = tables;
	m->mailbox = mbox;
	return 0;
}

/* While APs may still run on the firmware tables, nothing may get them. */
int mem_tables_held(const struct smp_memory *m)
{
	if (!mr)
		return 0;
	static uint64_t got[4096];
	unsigned n = 0;
	int claim = tdxc_memregion_claim(mr, m->fw_tables, 4096);
	/* exhaust the memory below the tables' end: none may be handed out */
	int clash = 0;
	while (n < 4096) {
		if (tdxc_memregion_alloc_range(mr, 1, 0, 0, m->fw_tables + FW_TABLES_SIZE,
					       &got[n]))
			break;
		if (overlaps(got[n], 4096, m->fw_tables, FW_TABLES_SIZE))
			clash++;
		n++;
	}
	for (unsigned i = 0; i < n; i++)
		tdxc_memregion_free(mr, got[i], 4096);
	return claim == TDXC_EHELD && clash == 0 && n < 4096;
}

void mem_after_smp(const struct smp_result *r, const struct smp_memory *m, int held_during)
{
	if (!mr)
		return;
	unsigned want = (unsigned)cmdline_num("smp", 1);
	if (!r->all_acked || r->online != want - 1) {
		check(0, "memregion.release", "not released: all acked %d, %u of %u APs online",
		      r->all_acked, r->online, want - 1);
		return;
	}
	uint64_t freed = 0;
	int rel = tdxc_memregion_release(mr, EV_ALL_APS_ONLINE, &freed);
	int again = tdxc_memregion_release(mr, EV_ALL_APS_ONLINE, 0);
	int st = tdxc_memregion_frame_state(mr, m->fw_tables);
	int cl = tdxc_memregion_claim(mr, m->fw_tables, FW_TABLES_SIZE);
	int mb = tdxc_memregion_frame_state(mr, m->mailbox);
	check(held_during && rel == 0 && freed == FW_TABLES_SIZE && again == TDXC_EALREADY &&
		      st == TDXC_MEMREGION_FRAME_FREE && cl == 0 &&
		      mb == TDXC_MEMREGION_FRAME_HELD,
	      "memregion.release",
	      "AP page tables held while the APs came up: %s; after the last ack and report: "
	      "release %s, %lu bytes freed, again %s, frame %s, claim %s; mailbox still held",
	      held_during ? "yes" : "NO", tdxc_strerror_name(rel), freed,
	      tdxc_strerror_name(again), st == TDXC_MEMREGION_FRAME_FREE ? "free" : "not free",
	      tdxc_strerror_name(cl));
	tdxc_memregion_free(mr, m->fw_tables, FW_TABLES_SIZE);
}

uint8_t *mem_alloc_bytes(uint64_t len, int prefer_high)
{
	if (!mr)
		return 0;
	uint64_t pa = 0, frames = (len + 4095) / 4096;
	int rc = TDXC_ENOMEM;
	if (prefer_high)
		rc = tdxc_memregion_alloc_range(mr, frames, 0x200000, TDXC_MEMREGION_BELOW_4G,
						TDXC_MEMREGION_NO_LIMIT, &pa);
	if (rc)
		rc = tdxc_memregion_alloc_range(mr, frames, 0x200000, 0, TDXC_MEMREGION_NO_LIMIT,
						&pa);
	if (!check(rc == 0 && frame_ok(pa, frames * 4096) && touch(pa, frames * 4096),
		   "memregion.range", "%lu KiB at 0x%lx for the bpool tests (%s), usable RAM",
		   frames * 4, pa, tdxc_strerror_name(rc)))
		return 0;
	return (uint8_t *)(uintptr_t)pa;
}

void mem_final(uint8_t *p, uint64_t len)
{
	if (!mr)
		return;
	uint64_t pa = (uint64_t)(uintptr_t)p;
	int f = p ? tdxc_memregion_free(mr, pa, (len + 4095) & ~4095ull) : 0;
	int f2 = p ? tdxc_memregion_free(mr, pa, 4096) : TDXC_EDOUBLEFREE;
	struct tdxc_memregion_stats st;
	tdxc_memregion_stats(mr, &st);
	for (uint32_t i = 0;; i++) {
		struct tdxc_memregion_reservation rv;
		if (tdxc_memregion_reservation_get(mr, i, &rv))
			break;
		info("memregion.reservation", "%s [0x%lx-0x%lx) event %lu %s", rv.owner, rv.base,
		     rv.end, rv.event,
		     rv.state == TDXC_MEMREGION_RESV_LIVE ? "live" : "released");
	}
	check(f == 0 && f2 == TDXC_EDOUBLEFREE &&
		      st.free_frames + st.allocated_frames + st.held_frames == st.managed_frames,
	      "memregion.final",
	      "bpool range freed %s (again %s); managed %lu = free %lu + allocated %lu + held %lu",
	      tdxc_strerror_name(f), tdxc_strerror_name(f2), st.managed_frames, st.free_frames,
	      st.allocated_frames, st.held_frames);
}
