/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * td-boot: a simulated TD boot that wires two modules through their public
 * APIs only: apboot (MADT, wakeup mailbox, firmware model) and memregion
 * (frame allocator with reservations released by events).
 *
 * The firmware (old TDVF) parks the APs on its own page tables at
 * 0x800000 but reports that memory as usable RAM. If the OS hands those
 * frames out before every AP has left the firmware loop, an AP still
 * running on them crashes (the class of bug behind Asterinas #1628). So
 * the OS reserves them under the event "APs online", wakes every AP in
 * turn through the mailbox, and fires the event only after the last ack.
 *
 * Each AP is a thread running the firmware model over one shared mailbox
 * page. Run 1: every AP answers, the reservation is released. Run 2: one
 * AP never answers (a malicious or stuck VMM); the bounded wait ends, the
 * mailbox is not reused, the reservation and the trampoline stay held.
 * Exit status 0 when both runs behave as described.
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdxcore/apboot.h>
#include <tdxcore/memregion.h>

/* Old TDVF layout (PcdOvmfSecPageTablesBase etc.). */
#define AP_PT_BASE 0x800000u
#define AP_PT_SIZE 0x6000u
#define MAILBOX_PA 0x7fffd000u
#define RESET_VECTOR 0x7fffe068u
#define EV_APS_ONLINE 1u

static const uint32_t apic_ids[] = {0, 1, 2, 4, 5, 6}; /* BSP 0; sparse */
#define NCPU (sizeof(apic_ids) / sizeof(apic_ids[0]))
#define NAP (NCPU - 1)

static void le(uint8_t *p, uint64_t v, int n)
{
	int i;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- firmware side: tables and parked APs ----------------------------- */

static uint32_t build_madt(uint8_t *t)
{
	uint32_t off = 44, i;
	uint8_t sum = 0;
	memset(t, 0, 512);
	memcpy(t, "APIC", 4);
	t[8] = 4;
	memcpy(t + 10, "TDXCOR", 6);
	le(t + 36, 0xFEE00000u, 4);
	for (i = 0; i < NCPU; i++, off += 8) {
		t[off] = 0;
		t[off + 1] = 8;
		t[off + 2] = (uint8_t)i;
		t[off + 3] = (uint8_t)apic_ids[i];
		le(t + off + 4, 1, 4);
	}
	/* Appended as TDVF's AlterAcpiTable() does: v1, 24 bytes. */
	t[off] = 0x10;
	t[off + 1] = 24;
	le(t + off + 2, 1, 2);
	le(t + off + 8, MAILBOX_PA, 8);
	le(t + off + 16, RESET_VECTOR, 8);
	off += 24;
	le(t + 4, off, 4);
	for (i = 0; i < off; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
	return off;
}

/* e820 as old TDVF reported it: the AP page tables look like plain RAM. */
static size_t build_e820(uint8_t *t)
{
	static const struct {
		uint64_t base, len;
		uint32_t type;
	} m[] = {
		{0x0, 0xA0000, 1},
		{0xF0000, 0x10000, 2},
		{0x100000, 0x7FEFD000, 1}, /* includes 0x800000.. */
		{MAILBOX_PA, 0x2000, 4},   /* mailbox + AP loop: ACPI NVS */
		{0x7FFFF000, 0x1000, 2},
	};
	size_t i;
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		le(t + 20 * i, m[i].base, 8);
		le(t + 20 * i + 8, m[i].len, 8);
		le(t + 20 * i + 16, m[i].type, 4);
	}
	return 20 * i;
}

struct ap {
	pthread_t th;
	struct tdxc_apboot_fw fw;
	uint8_t *mailbox;
	int stop;        /* atomic */
	int online;      /* atomic: left the firmware loop */
	uint64_t vector; /* written before `online` is set */
};

static void *ap_main(void *arg)
{
	struct ap *a = arg;
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		struct tdxc_apboot_fw_event ev;
		if (tdxc_apboot_fw_step(&a->fw, a->mailbox, &ev) != 0)
			break;
		if (ev.kind == TDXC_APBOOT_FW_EV_WAKEUP) {
			/* "Jump": from here the AP runs OS code. */
			a->vector = ev.vector;
			__atomic_store_n(&a->online, 1, __ATOMIC_RELEASE);
			break;
		}
		sched_yield();
	}
	return NULL;
}

/* ---- OS side ------------------------------------------------------------ */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Relax hook with the caller's clock: give up after `limit_ms`. */
struct deadline {
	uint64_t start, limit_ms;
};

static int relax_until(void *ctx, uint64_t polls)
{
	struct deadline *d = ctx;
	(void)polls;
	sched_yield();
	return now_ms() - d->start > d->limit_ms;
}

static const char *frame_state_name(int s)
{
	switch (s) {
	case TDXC_MEMREGION_FRAME_ALLOCATED:
		return "allocated";
	case TDXC_MEMREGION_FRAME_FREE:
		return "free";
	case TDXC_MEMREGION_FRAME_HELD:
		return "held (reserved)";
	default:
		return "not managed";
	}
}

/*
 * One boot. `silent_apic` is an AP whose firmware never acknowledges (or
 * UINT32_MAX). Returns 0 when the outcome is the expected one.
 */
static int boot(uint32_t silent_apic, uint64_t ap_timeout_ms)
{
	static _Alignas(4096) uint8_t mailbox[4096]; /* "physical" 0x7fffd000 */
	static _Alignas(8) uint8_t mb_storage[512];
	uint8_t madt_buf[512], e820[100];
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[16];
	struct tdxc_apboot_diag diag;
	struct tdxc_apboot_mb_config cfg;
	struct tdxc_apboot_mb *mb;
	struct tdxc_apboot_mb_status st;
	struct tdxc_memregion_params prm;
	struct tdxc_memregion *mr;
	struct ap aps[NAP];
	uint64_t trampoline = 0, freed = 0;
	void *mr_storage;
	int n, i, rc, ok = 1, woken = 0;
	size_t len;

	memset(mailbox, 0, sizeof(mailbox));
	/* Memory map first: nothing may be allocated from AP-held frames. */
	memset(&prm, 0, sizeof(prm));
	prm.size = sizeof(prm);
	prm.max_regions = 16;
	prm.max_reservations = 8;
	prm.max_addr = 0x80000000u;
	len = tdxc_memregion_storage_size(&prm);
	mr_storage = malloc(len);
	if (!mr_storage || tdxc_memregion_init(&mr, mr_storage, len, &prm) ||
	    tdxc_memregion_add_e820(mr, e820, build_e820(e820)) != 5)
		return 1;
	/* The AP page tables: held until every AP has left the firmware. */
	rc = tdxc_memregion_reserve(mr, AP_PT_BASE, AP_PT_SIZE, "ap-pagetables",
				    EV_APS_ONLINE);
	/* The mailbox page, whatever the firmware map says: for ever. */
	rc |= tdxc_memregion_reserve(mr, MAILBOX_PA, 4096, "acpi-mailbox",
				     TDXC_MEMREGION_PERMANENT);
	rc |= tdxc_memregion_commit(mr);
	/* The wakeup vector: one frame below 1 MiB for the AP trampoline. */
	rc |= tdxc_memregion_alloc_range(mr, 1, 0, 0x1000, TDXC_MEMREGION_BELOW_1M,
					 &trampoline);
	if (rc)
		return 1;
	printf("  memregion: AP page tables [0x%x, 0x%x) %s, trampoline at 0x%" PRIx64 "\n",
	       AP_PT_BASE, AP_PT_BASE + AP_PT_SIZE,
	       frame_state_name(tdxc_memregion_frame_state(mr, AP_PT_BASE)),
	       trampoline);

	/* The MADT and the mailbox driver. */
	n = tdxc_apboot_madt_parse(madt_buf, build_madt(madt_buf), 0, &madt, cpus,
				   16, &diag);
	if (n < 0) {
		printf("  MADT rejected: %s\n",
		       tdxc_apboot_problem_str(diag.first_problem));
		return 1;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.bsp_apic_id = 0;
	if (tdxc_apboot_mb_init(mb_storage, sizeof(mb_storage), mailbox, &madt,
				cpus, (uint32_t)n, &cfg, &mb))
		return 1;
	printf("  MADT: %u usable CPUs, mailbox 0x%" PRIx64 " (version %u)\n",
	       madt.n_usable, madt.wakeup.mailbox, madt.wakeup.version);

	/* Power on: every AP parks in the firmware loop. */
	for (i = 0; i < (int)NAP; i++) {
		struct tdxc_apboot_fw_config fc;
		memset(&aps[i], 0, sizeof(aps[i]));
		memset(&fc, 0, sizeof(fc));
		fc.size = sizeof(fc);
		fc.apic_id = apic_ids[i + 1];
		fc.quirks = TDXC_APBOOT_FW_PRESET_OVMF;
		if (fc.apic_id == silent_apic)
			fc.quirks |= TDXC_APBOOT_FW_NEVER_ACK;
		if (tdxc_apboot_fw_init(&aps[i].fw, &fc))
			return 1;
		aps[i].mailbox = mailbox;
		pthread_create(&aps[i].th, NULL, ap_main, &aps[i]);
	}

	/* Wake every usable AP by its APIC ID, one at a time. */
	for (i = 0; i < n; i++) {
		struct tdxc_apboot_wait w;
		struct deadline d;
		uint32_t id = cpus[i].apic_id;
		if (!cpus[i].usable || id == cfg.bsp_apic_id)
			continue;
		d.start = now_ms();
		d.limit_ms = ap_timeout_ms;
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.flags = TDXC_APBOOT_WAIT_FOREVER; /* only our clock ends it */
		w.relax = relax_until;
		w.ctx = &d;
		rc = tdxc_apboot_mb_wake(mb, id, trampoline, &w);
		if (rc == 0) {
			woken++;
			printf("  AP %-2u acknowledged\n", id);
		} else {
			printf("  AP %-2u %s%s\n", id, tdxc_strerror_name(rc),
			       rc == TDXC_ETIMEDOUT ? ": no ack, mailbox stuck" :
			       rc == TDXC_EPOISONED ? ": mailbox not reused" : "");
		}
	}

	/* Only after the last ack may the firmware-held pages go. */
	tdxc_apboot_mb_status(mb, &st);
	if (tdxc_apboot_mb_all_acked(mb) == 1) {
		rc = tdxc_memregion_release(mr, EV_APS_ONLINE, &freed);
		printf("  all %u APs online: released \"ap-pagetables\" (%" PRIu64
		       " bytes), page tables now %s\n", st.acked, freed,
		       frame_state_name(tdxc_memregion_frame_state(mr, AP_PT_BASE)));
		ok &= rc == 0 && freed == AP_PT_SIZE;
		ok &= tdxc_memregion_frame_state(mr, AP_PT_BASE) ==
		      TDXC_MEMREGION_FRAME_FREE;
		/* The trampoline is no longer needed either. */
		ok &= tdxc_memregion_free(mr, trampoline, 4096) == 0;
	} else {
		printf("  %u of %u APs online; AP %u still owns the mailbox: "
		       "\"ap-pagetables\" stays %s, trampoline stays %s\n",
		       st.acked, st.expected, st.pending_apic_id,
		       frame_state_name(tdxc_memregion_frame_state(mr, AP_PT_BASE)),
		       frame_state_name(tdxc_memregion_frame_state(mr, trampoline)));
		ok &= tdxc_memregion_frame_state(mr, AP_PT_BASE) ==
		      TDXC_MEMREGION_FRAME_HELD;
		ok &= tdxc_memregion_claim(mr, AP_PT_BASE, 4096) == TDXC_EHELD;
		ok &= tdxc_memregion_frame_state(mr, trampoline) ==
		      TDXC_MEMREGION_FRAME_ALLOCATED;
		ok &= tdxc_apboot_mb_poll(mb) == TDXC_EPOISONED;
		ok &= st.poisoned == 1 && st.pending_apic_id == silent_apic;
	}

	for (i = 0; i < (int)NAP; i++)
		__atomic_store_n(&aps[i].stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < (int)NAP; i++) {
		pthread_join(aps[i].th, NULL);
		if (__atomic_load_n(&aps[i].online, __ATOMIC_ACQUIRE))
			ok &= aps[i].vector == trampoline;
		else if (silent_apic == UINT32_MAX)
			ok = 0; /* every AP should have come online */
	}
	if (silent_apic == UINT32_MAX)
		ok &= woken == (int)NAP;
	else
		ok &= woken < (int)NAP;
	free(mr_storage);
	return ok ? 0 : 1;
}

int main(void)
{
	int r1, r2;
	printf("boot 1: every AP answers\n");
	r1 = boot(UINT32_MAX, 10000);
	printf("  -> %s\n\nboot 2: AP 4 never answers (timeout 200 ms)\n",
	       r1 ? "UNEXPECTED" : "as expected");
	r2 = boot(4, 200);
	printf("  -> %s\n", r2 ? "UNEXPECTED" : "as expected");
	return r1 || r2;
}
