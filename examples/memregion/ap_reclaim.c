/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ap_reclaim: the memregion module in a TDX guest's early boot, step by step.
 *
 * Older TDVF firmware reports 0x0-0x80bfff as usable RAM although its parked
 * application processors still run on page tables at 0x800000 (CR3) and use
 * the work area at 0x80b000. A kernel that hands those frames out before the
 * APs are woken destroys the APs' page tables. The fix: hold the range with
 * an owner and a release event, and give it back once all APs are online.
 * The example also shows lazy acceptance of TDX unaccepted memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/memregion.h>

/* Caller-defined release events. */
enum { EV_ALL_APS_ONLINE = 1 };

/* In a real guest this would issue TDG.MEM.PAGE.ACCEPT (1G, 2M, then 4K). */
static int accept_memory(void *opaque, uint64_t base, uint64_t length)
{
	unsigned *calls = opaque;
	(*calls)++;
	printf("  accept [%#llx, %#llx)\n", (unsigned long long)base,
	       (unsigned long long)(base + length));
	return 0;
}

/* One raw e820 entry as firmware hands it over (20 bytes, little endian). */
static void e820(unsigned char *p, uint64_t base, uint64_t len, uint32_t type)
{
	int i;
	for (i = 0; i < 8; i++) {
		p[i] = (unsigned char)(base >> (8 * i));
		p[8 + i] = (unsigned char)(len >> (8 * i));
	}
	for (i = 0; i < 4; i++)
		p[16 + i] = (unsigned char)(type >> (8 * i));
}

int main(void)
{
	unsigned char table[4 * 20];
	struct tdxc_memregion_params params;
	struct tdxc_memregion *mr;
	struct tdxc_memregion_stats st;
	uint64_t pa, freed, trampoline;
	unsigned accepts = 0, held_hits = 0;
	void *storage;
	size_t need;
	int rc, n = 0;

	/* 1. The firmware map: old TDVF layout, 64 MiB of RAM of which the
	 *    top 32 MiB are still unaccepted (EFI type 15 folded in by us). */
	e820(table + 0, 0x0, 0x80c000, 1);              /* usable (!) */
	e820(table + 20, 0x80c000, 0x1000, 4);          /* ACPI NVS: TD mailbox */
	e820(table + 40, 0x80d000, 0x2000000 - 0x80d000, 1);
	e820(table + 60, 0x2000000, 0x2000000, 1);      /* re-typed below */

	/* 2. Size the metadata, then place it in caller storage (in a kernel:
	 *    a static buffer or frames carved out of the map and reserved). */
	memset(&params, 0, sizeof(params));
	params.size = sizeof(params);
	params.max_regions = 8;
	params.max_reservations = 4;
	params.max_addr = 0x4000000; /* 64 MiB */
	need = tdxc_memregion_storage_size(&params);
	storage = aligned_alloc(64, (need + 63) & ~(size_t)63);
	if (!storage || tdxc_memregion_init(&mr, storage, need, &params))
		return 1;
	printf("metadata: %zu bytes for 64 MiB\n", need);

	/* 3. Feed the map. Overlaps are fine: the most restrictive type wins,
	 *    so the UNACCEPTED entry overrides the usable one above 32 MiB. */
	if (tdxc_memregion_add_e820(mr, table, sizeof(table)) != 4 ||
	    tdxc_memregion_add(mr, 0x2000000, 0x2000000, TDXC_MEMREGION_UNACCEPTED, 15))
		return 1;

	/* 4. Hold the firmware's AP page tables and work area until the APs
	 *    are online. This must happen before the first allocation. */
	if (tdxc_memregion_reserve(mr, 0x800000, 0xc000, "tdx-ap-pagetables",
				   EV_ALL_APS_ONLINE))
		return 1;
	/* Page 0 (real-mode IVT / BIOS data) is never handed out. */
	if (tdxc_memregion_reserve(mr, 0x0, 0x1000, "bios-page0",
				   TDXC_MEMREGION_PERMANENT))
		return 1;
	tdxc_memregion_set_accept_fn(mr, accept_memory, &accepts);
	if (tdxc_memregion_commit(mr))
		return 1;

	/* 5. Early allocations: a real-mode trampoline below 1 MiB, then
	 *    ordinary frames. None of them can land on the held range. */
	if (tdxc_memregion_alloc_range(mr, 6, 0, 0, TDXC_MEMREGION_BELOW_1M, &trampoline))
		return 1;
	printf("AP trampoline at %#llx\n", (unsigned long long)trampoline);
	while ((rc = tdxc_memregion_alloc_range(mr, 1, 0, 0, 0x2000000, &pa)) == 0)
		if (pa >= 0x800000 && pa < 0x80c000)
			held_hits++;
	printf("accepted RAM exhausted (%s); frames handed out from the AP range: %u\n",
	       tdxc_strerror_name(rc), held_hits);

	/* 6. Memory above 32 MiB is unaccepted: the first allocation there
	 *    accepts its 2 MiB unit through the callback, lazily. */
	if (tdxc_memregion_alloc(mr, &pa))
		return 1;
	printf("first unaccepted frame %#llx after %u accept call(s)\n",
	       (unsigned long long)pa, accepts);

	/* 7. ... wake the APs through the ACPI mailbox (see apboot) ... then: */
	if (tdxc_memregion_release(mr, EV_ALL_APS_ONLINE, &freed))
		return 1;
	printf("APs online: %llu bytes returned to the pool\n", (unsigned long long)freed);
	while (tdxc_memregion_alloc_range(mr, 1, 0, 0x800000, 0x80c000, &pa) == 0)
		n++;
	printf("frames now allocated from the former AP range: %d\n", n);
	/* A second release is reported, never a double free. */
	printf("release again: %s\n",
	       tdxc_strerror_name(tdxc_memregion_release(mr, EV_ALL_APS_ONLINE, NULL)));

	tdxc_memregion_stats(mr, &st);
	printf("free frames %llu, still unaccepted %llu bytes\n",
	       (unsigned long long)st.free_frames, (unsigned long long)st.unaccepted_bytes);
	free(storage);
	return (held_hits == 0 && n == 12) ? 0 : 1;
}
