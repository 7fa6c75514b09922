/* SPDX-License-Identifier: BSD-2-Clause */
/* irqfilter applied from two CPUs at once (BSP and the first woken AP). */
#ifndef KERNEL_IRQ_TEST_H
#define KERNEL_IRQ_TEST_H

#include "kernel.h"

/* @n_online_aps: APs running the OS-side job loop (AP index 0 is used). */
void run_irqfilter(unsigned n_online_aps);

#endif
