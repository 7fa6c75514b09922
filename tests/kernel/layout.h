/* SPDX-License-Identifier: BSD-2-Clause */
/* Fixed addresses and sizes shared by the start code and the C side. */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

/* The image is loaded at 1 MiB (kernel.ld). The boot page tables identity-map this many GiB with 2 MiB pages. */
#define KERNEL_MAP_GIB 16
/* The "firmware" page tables of the APs map this many GiB. */
#define FW_MAP_GIB 4

/* AP trampoline: real-mode start page (SIPI vector TRAMP_BASE >> 12). */
#define TRAMP_BASE 0x8000
#define TRAMP_SIZE 0x1000

#define MAX_CPUS 16
/* Fixed IPI that wakes a halted AP when the BSP hands it a job. */
#define IPI_VECTOR 0x40
/*
 * How long the BSP waits for an AP to park, ack or answer. Generous: QEMU's
 * vCPU threads may be descheduled for long on a busy host.
 */
#define AP_WAIT_US 5000000ull
#define AP_STACK_SIZE 16384
#define BOOT_STACK_SIZE 32768

#define SEL_CODE32 0x08
#define SEL_DATA 0x10
#define SEL_CODE64 0x18

/* QEMU isa-debug-exit: the process exits with (value << 1) | 1. */
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_PASS 0x10 /* exit status 33 */
#define EXIT_FAIL 0x11 /* exit status 35 */

#endif
