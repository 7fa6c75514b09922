/* SPDX-License-Identifier: BSD-2-Clause */
/* AP bring-up through the library's MADT parser and mailbox driver. */
#ifndef KERNEL_SMP_TEST_H
#define KERNEL_SMP_TEST_H

#include "smp.h"

/* Memory the caller provides (and, with memregion, reserves). */
struct smp_memory {
	uint64_t fw_tables; /* FW_TABLES_SIZE bytes, 4 KiB aligned, below 4 GiB */
	uint64_t mailbox;   /* one 4 KiB page */
	/* optional: called while the parked APs run on the firmware tables */
	int (*during)(const struct smp_memory *m);
};

struct smp_result {
	uint32_t bsp;
	uint32_t woken;     /* APs acknowledged and reported in */
	int all_acked;      /* tdxc_apboot_mb_all_acked() after the last wakeup */
	uint32_t online;
	int held_during;    /* what @during returned */
};

/* Parse the MADT, park the APs, wake them; 0 when the flow ran to the end. */
int run_smp(const struct acpi_info *ai, const struct smp_memory *mem, struct smp_result *res);

#endif
