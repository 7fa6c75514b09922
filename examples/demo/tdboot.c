/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 2: TD boot (memregion + apboot, wired through their public APIs).
 *
 * Old TDVF firmware parks the application processors on its own page
 * tables at 0x800000 but reports that memory as usable RAM. A kernel that
 * hands those frames out before every AP has left the firmware loop pulls
 * the page tables from under a running AP. So the kernel reserves them
 * under an event, wakes the APs through the ACPI multiprocessor-wakeup
 * mailbox, and releases the event after the last acknowledgement.
 *
 * Four APs are threads running the library's firmware model (OVMF
 * behaviour) over one shared mailbox page.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

#define TD_MEM 0x10000000u       /* a 256 MiB TD */
#define AP_PT_BASE 0x800000u     /* old TDVF: AP page tables */
#define AP_PT_SIZE 0x6000u
#define MAILBOX_PA 0xfffd000u
#define EV_APS_ONLINE 1u         /* our release event */
#define NAP 4

/* The map as an old TDVF reports it (what the kernel prints at boot). */
static const char firmware_map[] =
	"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
	"[    0.000000] BIOS-e820: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
	"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000000fffcfff] usable\n"
	"[    0.000000] BIOS-e820: [mem 0x000000000fffd000-0x000000000fffefff] ACPI NVS\n"
	"[    0.000000] BIOS-e820: [mem 0x000000000ffff000-0x000000000fffffff] reserved\n";

/* BSP and APs: APIC IDs are not CPU indices. */
static const uint8_t apic_ids[NAP + 1] = { 0, 2, 4, 6, 8 };

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The MADT the firmware publishes: five LAPICs and a v1 wakeup structure. */
static uint32_t build_madt(uint8_t *t, size_t cap)
{
	uint32_t off = TDXC_APBOOT_MADT_HEADER_SIZE, i;
	uint8_t sum = 0;
	memset(t, 0, cap);
	memcpy(t, "APIC", 4);
	t[8] = 5; /* revision */
	memcpy(t + 10, "TDXCOR", 6);
	put_le(t + 36, 0xFEE00000u, 4);
	for (i = 0; i <= NAP; i++, off += 8) {
		t[off] = TDXC_APBOOT_T_LAPIC;
		t[off + 1] = 8;
		t[off + 2] = (uint8_t)i;
		t[off + 3] = apic_ids[i];
		put_le(t + off + 4, TDXC_APBOOT_CPU_F_ENABLED, 4);
	}
	t[off] = TDXC_APBOOT_T_MP_WAKEUP;
	t[off + 1] = 24;
	put_le(t + off + 2, 1, 2);           /* mailbox version */
	put_le(t + off + 8, MAILBOX_PA, 8);
	put_le(t + off + 16, MAILBOX_PA + 0x1000, 8);
	off += 24;
	put_le(t + 4, off, 4);
	for (i = 0; i < off; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
	return off;
}

/* ---- the APs: parked in the firmware loop until woken ---------------- */

struct ap {
	pthread_t th;
	struct tdxc_apboot_fw fw;
	void *mailbox;
	int stop;        /* atomic */
	int jumped;      /* atomic: left the firmware loop */
	uint64_t vector; /* written before `jumped` */
};

static void *ap_thread(void *arg)
{
	struct ap *a = arg;
	struct tdxc_apboot_fw_event ev;
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		if (tdxc_apboot_fw_step(&a->fw, a->mailbox, &ev) != 0)
			break;
		if (ev.kind == TDXC_APBOOT_FW_EV_WAKEUP) {
			a->vector = ev.vector; /* "jump" to the kernel's trampoline */
			__atomic_store_n(&a->jumped, 1, __ATOMIC_RELEASE);
			break;
		}
		sched_yield();
	}
	return NULL;
}

/* Relax hook of the mailbox driver: the caller's own clock bounds the wait. */
static int relax(void *ctx, uint64_t polls)
{
	struct timespec now;
	(void)polls;
	sched_yield();
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > *(const time_t *)ctx;
}

static const char *frame_state(struct tdxc_memregion *mr, uint64_t pa)
{
	switch (tdxc_memregion_frame_state(mr, pa)) {
	case TDXC_MEMREGION_FRAME_ALLOCATED: return "allocated";
	case TDXC_MEMREGION_FRAME_FREE: return "free";
	case TDXC_MEMREGION_FRAME_HELD: return "held";
	default: return "not managed";
	}
}

void demo_tdboot(void)
{
	static _Alignas(4096) uint8_t mailbox[4096];
	static _Alignas(8) uint8_t mb_storage[1024];
	static struct ap aps[NAP];
	uint8_t madt_buf[256];
	struct tdxc_memregion_params prm;
	struct tdxc_memregion *mr = NULL;
	struct tdxc_memregion_stats st;
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[8];
	struct tdxc_apboot_diag diag;
	struct tdxc_apboot_mb_config cfg;
	struct tdxc_apboot_mb *mb = NULL;
	uint64_t trampoline = 0, freed = 0;
	uint32_t bad_line = 0;
	int n, i, rc, acked = 0, started = 0, held_until_last = 1;
	void *storage = NULL;
	size_t len;

	demo_section("tdboot", "TD boot: AP page tables held until four APs are up");

	/* 1. The allocator's metadata lives in memory we provide. */
	memset(&prm, 0, sizeof(prm));
	prm.size = sizeof(prm);
	prm.max_regions = 16;
	prm.max_reservations = 8;
	prm.max_addr = TD_MEM;
	len = tdxc_memregion_storage_size(&prm);
	storage = len ? malloc(len) : NULL;
	if (!demo_expect(storage != NULL, "allocator storage") ||
	    !demo_expect_rc(tdxc_memregion_init(&mr, storage, len, &prm), 0,
			    "tdxc_memregion_init"))
		goto out;
	rc = tdxc_memregion_add_dmesg(mr, firmware_map, sizeof(firmware_map) - 1, &bad_line);
	if (!demo_expect(rc == 5, "the firmware map parses (5 entries)"))
		goto out;
	demo_say("firmware map: 5 e820 entries; 0x%x-0x%x (AP page tables) is "
		 "reported as usable RAM", AP_PT_BASE, AP_PT_BASE + AP_PT_SIZE - 1);

	/* 2. Before the first allocation: hold the page tables until the APs
	 *    are online, and the mailbox page for ever. */
	rc = tdxc_memregion_reserve(mr, AP_PT_BASE, AP_PT_SIZE, "ap-pagetables",
				    EV_APS_ONLINE);
	demo_expect_rc(rc, 0, "reserve ap-pagetables");
	rc = tdxc_memregion_reserve(mr, MAILBOX_PA, 4096, "wakeup-mailbox",
				    TDXC_MEMREGION_PERMANENT);
	demo_expect_rc(rc, 0, "reserve wakeup-mailbox");
	demo_expect_rc(tdxc_memregion_commit(mr), 0, "tdxc_memregion_commit");
	/* The wakeup vector: a trampoline frame below 1 MiB. */
	rc = tdxc_memregion_alloc_range(mr, 1, 0, 0x1000, TDXC_MEMREGION_BELOW_1M,
					&trampoline);
	if (!demo_expect_rc(rc, 0, "trampoline allocation"))
		goto out;
	tdxc_memregion_stats(mr, &st);
	demo_say("allocator: %llu MiB managed in %zu bytes of metadata; trampoline at 0x%llx",
		 (unsigned long long)(st.managed_frames >> 8), len,
		 (unsigned long long)trampoline);
	rc = tdxc_memregion_claim(mr, AP_PT_BASE, 4096);
	demo_say("kernel tries to take the page-table frame: %s (%s)",
		 tdxc_strerror_name(rc), tdxc_strerror(rc));
	demo_expect(rc == TDXC_EHELD, "the held frame is refused");

	/* 3. The MADT (untrusted input) and the mailbox driver. */
	n = tdxc_apboot_madt_parse(madt_buf, build_madt(madt_buf, sizeof(madt_buf)), 0,
				   &madt, cpus, 8, &diag);
	if (n < 0) {
		demo_expect_rc(n, 0, "tdxc_apboot_madt_parse");
		demo_say("MADT problem: %s", tdxc_apboot_problem_str(diag.first_problem));
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.bsp_apic_id = apic_ids[0];
	rc = tdxc_apboot_mb_init(mb_storage, sizeof(mb_storage), mailbox, &madt, cpus,
				 (uint32_t)n, &cfg, &mb);
	if (!demo_expect_rc(rc, 0, "tdxc_apboot_mb_init"))
		goto out;
	demo_say("MADT: %u usable CPUs (APIC IDs 0 2 4 6 8), wakeup mailbox v%u at 0x%llx",
		 madt.n_usable, madt.wakeup.version,
		 (unsigned long long)madt.wakeup.mailbox);

	/* 4. Power on: every AP parks in the firmware loop (its own thread). */
	memset(mailbox, 0, sizeof(mailbox));
	memset(aps, 0, sizeof(aps));
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_config fc;
		memset(&fc, 0, sizeof(fc));
		fc.size = sizeof(fc);
		fc.apic_id = apic_ids[i + 1];
		fc.quirks = TDXC_APBOOT_FW_PRESET_OVMF;
		aps[i].mailbox = mailbox;
		if (!demo_expect_rc(tdxc_apboot_fw_init(&aps[i].fw, &fc), 0,
				    "tdxc_apboot_fw_init") ||
		    !demo_expect(pthread_create(&aps[i].th, NULL, ap_thread, &aps[i]) == 0,
				 "AP thread started"))
			goto stop;
		started++;
	}

	/* 5. Wake each AP by APIC ID; the wait is bounded by our clock (5 s). */
	for (i = 0; i < n; i++) {
		struct tdxc_apboot_wait w;
		struct timespec now;
		time_t limit;
		if (!cpus[i].usable || cpus[i].apic_id == cfg.bsp_apic_id)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		limit = now.tv_sec + 5;
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.flags = TDXC_APBOOT_WAIT_FOREVER;
		w.relax = relax;
		w.ctx = &limit;
		rc = tdxc_apboot_mb_wake(mb, cpus[i].apic_id, trampoline, &w);
		if (!demo_expect_rc(rc, 0, "tdxc_apboot_mb_wake"))
			break;
		acked++;
		if (tdxc_apboot_mb_all_acked(mb) != 1)
			held_until_last &= tdxc_memregion_frame_state(mr, AP_PT_BASE) ==
					   TDXC_MEMREGION_FRAME_HELD;
		demo_say("AP %u acknowledged (%d/%d); page tables %s", cpus[i].apic_id, acked,
			 NAP, frame_state(mr, AP_PT_BASE));
	}
	demo_expect(acked == NAP, "every AP acknowledged");
	demo_expect(held_until_last, "page tables held until the last ack");

	/* 6. Only now may the firmware's pages go back to the allocator. */
	if (tdxc_apboot_mb_all_acked(mb) == 1) {
		rc = tdxc_memregion_release(mr, EV_APS_ONLINE, &freed);
		demo_expect_rc(rc, 0, "tdxc_memregion_release");
		demo_expect(freed == AP_PT_SIZE, "exactly the page tables released");
		rc = tdxc_memregion_claim(mr, AP_PT_BASE, AP_PT_SIZE);
		demo_expect_rc(rc, 0, "claim of the former page tables");
		demo_say("all APs online: \"ap-pagetables\" released (%llu bytes), now the "
			 "kernel's", (unsigned long long)freed);
		rc = tdxc_memregion_release(mr, EV_APS_ONLINE, NULL);
		demo_say("a second release of the event: %s (nothing freed twice)",
			 tdxc_strerror_name(rc));
		demo_expect(rc == TDXC_EALREADY, "second release refused");
		demo_expect_rc(tdxc_memregion_free(mr, trampoline, 4096), 0,
			       "free the trampoline");
	}
stop:
	for (i = 0; i < started; i++)
		__atomic_store_n(&aps[i].stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < started; i++) {
		pthread_join(aps[i].th, NULL);
		demo_expect(__atomic_load_n(&aps[i].jumped, __ATOMIC_ACQUIRE) &&
				    aps[i].vector == trampoline,
			    "AP jumped to the trampoline");
	}
out:
	free(storage);
	demo_fact_u("aps_acked", (uint64_t)acked);
	demo_fact_u("released_bytes", freed);
	demo_verdict(0, "%d APs woken via the mailbox; page tables held until the last ack, "
		     "then released", acked);
}
