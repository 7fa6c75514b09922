/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wake-aps: the smallest complete use of the apboot module.
 *
 * 1. Parse a MADT (here a small TDX-style table built in memory: BSP 0,
 *    APs 2, 4 and 17 -- note that APIC IDs are not CPU indices).
 * 2. Create the mailbox driver over the mailbox page (here a local page;
 *    in a TD it is the page at madt.wakeup.mailbox, mapped private).
 * 3. Wake every usable AP except the BSP, with a bounded wait.
 *
 * Instead of real APs, the driver's relax hook runs one step of a
 * firmware model per AP (OVMF behaviour), which is how the library's own
 * tests drive the protocol deterministically in one thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <tdxcore/apboot.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A MADT as firmware would publish it: four LAPICs and a v1 wakeup. */
static uint32_t build_madt(uint8_t *t)
{
	static const uint8_t ids[4] = {0, 2, 4, 17};
	uint32_t off = 44, i;
	uint8_t sum = 0;
	memset(t, 0, 256);
	memcpy(t, "APIC", 4);
	t[8] = 5; /* revision */
	memcpy(t + 10, "EXAMPL", 6);
	for (i = 0; i < 4; i++, off += 8) {
		t[off] = 0;          /* type: Processor Local APIC */
		t[off + 1] = 8;      /* length */
		t[off + 2] = (uint8_t)i; /* ACPI UID */
		t[off + 3] = ids[i]; /* APIC ID */
		put32(t + off + 4, 1); /* Enabled */
	}
	t[off] = 0x10;               /* Multiprocessor Wakeup */
	t[off + 1] = 24;
	t[off + 2] = 1;              /* MailboxVersion 1 */
	put32(t + off + 8, 0x7fffd000);  /* MailboxAddress */
	put32(t + off + 16, 0x7fffe068); /* ResetVector */
	off += 24;
	put32(t + 4, off);           /* Length */
	for (i = 0; i < off; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum); /* Checksum */
	return off;
}

struct sim {
	_Alignas(4096) uint8_t page[4096]; /* the shared mailbox */
	struct tdxc_apboot_fw ap[3];
};

/* Relax hook: while the BSP waits, each simulated AP runs its loop once. */
static int run_aps(void *ctx, uint64_t polls)
{
	struct sim *s = ctx;
	int i;
	(void)polls;
	for (i = 0; i < 3; i++) {
		struct tdxc_apboot_fw_event ev;
		if (tdxc_apboot_fw_step(&s->ap[i], s->page, &ev) == 0 &&
		    ev.kind == TDXC_APBOOT_FW_EV_WAKEUP)
			printf("  AP jumps to 0x%" PRIx64 "\n", ev.vector);
	}
	return 0;
}

int main(void)
{
	static struct sim s;
	static uint8_t table[256];
	static _Alignas(8) uint8_t storage[256];
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[8];
	struct tdxc_apboot_diag diag;
	struct tdxc_apboot_mb_config cfg;
	struct tdxc_apboot_wait wait;
	struct tdxc_apboot_mb *mb;
	uint32_t len = build_madt(table);
	int n, i, rc;

	/* 1. Parse: a negative return names the problem in diag. */
	n = tdxc_apboot_madt_parse(table, len, 0, &madt, cpus, 8, &diag);
	if (n < 0) {
		fprintf(stderr, "MADT rejected: %s\n",
			tdxc_apboot_problem_str(diag.first_problem));
		return 1;
	}
	printf("MADT: %d processor entries, %u usable, mailbox 0x%" PRIx64 "\n",
	       n, madt.n_usable, madt.wakeup.mailbox);

	/* The simulated firmware: one parked AP per non-BSP APIC ID. */
	for (i = 0; i < 3; i++) {
		struct tdxc_apboot_fw_config fc;
		memset(&fc, 0, sizeof(fc));
		fc.size = sizeof(fc);
		fc.apic_id = cpus[i + 1].apic_id;
		fc.quirks = TDXC_APBOOT_FW_PRESET_OVMF;
		if (tdxc_apboot_fw_init(&s.ap[i], &fc) != 0)
			return 1;
	}

	/* 2. The driver lives in caller storage; the BSP is APIC ID 0. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.bsp_apic_id = 0;
	if (tdxc_apboot_mb_storage_size((uint32_t)n) > sizeof(storage))
		return 1;
	rc = tdxc_apboot_mb_init(storage, sizeof(storage), s.page, &madt, cpus,
				 (uint32_t)n, &cfg, &mb);
	if (rc) {
		fprintf(stderr, "mailbox: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* 3. Wake each usable AP by its APIC ID; give up after 1000 polls. */
	memset(&wait, 0, sizeof(wait));
	wait.size = sizeof(wait);
	wait.max_polls = 1000;
	wait.relax = run_aps;
	wait.ctx = &s;
	for (i = 0; i < n; i++) {
		if (!cpus[i].usable || cpus[i].apic_id == cfg.bsp_apic_id)
			continue;
		printf("wake APIC ID %u\n", cpus[i].apic_id);
		rc = tdxc_apboot_mb_wake(mb, cpus[i].apic_id,
					 0x9000 + 0x100 * (uint64_t)i, &wait);
		if (rc) {
			/* After a timeout the mailbox refuses further commands
			 * (TDXC_EPOISONED) until the late AP has taken it. */
			fprintf(stderr, "  %s\n", tdxc_strerror_name(rc));
			return 1;
		}
	}
	/* Only now may the memory the APs ran on be given back. */
	printf("all APs acknowledged: %s\n",
	       tdxc_apboot_mb_all_acked(mb) == 1 ? "yes" : "no");
	return tdxc_apboot_mb_all_acked(mb) == 1 ? 0 : 1;
}
