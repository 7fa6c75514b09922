/* SPDX-License-Identifier: BSD-2-Clause */
/* memregion over the loader's memory map; firmware-held AP page tables. */
#ifndef KERNEL_MEM_TEST_H
#define KERNEL_MEM_TEST_H

#include "smp_test.h"

/* Build the allocator from g_boot (kernel image, trampoline reserved). */
int mem_init(void);
/* Place and reserve the firmware AP page tables and the mailbox. */
int mem_place_firmware(struct smp_memory *m);
/* 1 if nothing can allocate or claim the AP page tables right now. */
int mem_tables_held(const struct smp_memory *m);
/* Release the tables' reservation once every AP acked and reported in. */
void mem_after_smp(const struct smp_result *r, const struct smp_memory *m, int held_during);
/* A range for other tests (2 MiB aligned; above 4 GiB when asked and possible). */
uint8_t *mem_alloc_bytes(uint64_t len, int prefer_high);
/* Free that range and check the final counters. */
void mem_final(uint8_t *p, uint64_t len);

#endif
