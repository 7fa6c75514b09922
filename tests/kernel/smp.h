/* SPDX-License-Identifier: BSD-2-Clause */
/* Multiprocessor bring-up: firmware-side AP park loop and OS-side AP state. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "kernel.h"

/* PML4 + PDPT + FW_MAP_GIB page directories. */
#define FW_TABLES_SIZE ((2 + FW_MAP_GIB) * 4096)

/* Firmware side: what the parked APs did. */
struct fw_state {
	uint64_t mailbox;
	uint32_t parked;          /* APs that reached the mailbox loop */
	uint32_t acked;           /* wakeup commands acknowledged */
	uint32_t tests;           /* test commands acknowledged */
	uint32_t apic[MAX_CPUS];  /* APIC ID per arrival index */
	uint32_t style[MAX_CPUS]; /* FW_STYLE_* per arrival index */
	/* A "VMM-delayed" AP: it ignores the mailbox until delay_release. */
	uint32_t delay_apic;
	uint32_t delay_release;
};

#define FW_STYLE_OVMF 1
#define FW_STYLE_TDSHIM 2

struct os_cpu {
	uint32_t apic;
	uint32_t online;
	uint64_t cr3;             /* CR3 seen by the AP after the switch */
	void (*job_fn)(void *);
	void *job_arg;
	uint32_t job_seq, job_done;
};

/* OS side: APs that came through the wakeup vector. */
struct os_state {
	uint32_t online;
	struct os_cpu cpu[MAX_CPUS];
};

extern struct fw_state g_fw;
extern struct os_state g_os;

void lapic_init(uint64_t base);
uint32_t lapic_id(void);
void fw_tables_build(uint64_t base);
/*
 * Play firmware: clear the mailbox, copy the trampoline, INIT-SIPI-SIPI every
 * APIC ID in @ids except @bsp, one at a time. Returns the number of APs
 * started (negative on an IPI failure); g_fw.parked tells how many arrived.
 */
int fw_start_aps(uint64_t lapic, uint64_t fw_cr3, uint64_t mailbox, const uint32_t *ids,
		 unsigned n, uint32_t bsp);
/* Run fn(arg) on the AP with OS index @idx; wait for it (0, or -1 on timeout). */
void os_job_start(unsigned idx, void (*fn)(void *), void *arg);
int os_job_wait(unsigned idx, uint64_t timeout_us);

#endif
