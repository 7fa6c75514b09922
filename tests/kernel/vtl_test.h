/* SPDX-License-Identifier: BSD-2-Clause */
/* vtlctx: a VTL switch sequence with the CPU's own register state. */
#ifndef KERNEL_VTL_TEST_H
#define KERNEL_VTL_TEST_H

#include "kernel.h"

/* Needs CR4.OSFXSR (set by the XSAVE checks before). */
void run_vtlctx(void);

#endif
