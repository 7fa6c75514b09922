/* SPDX-License-Identifier: BSD-2-Clause */
/* bpool heap and guest registry over a caller-provided range. */
#ifndef KERNEL_BPOOL_TEST_H
#define KERNEL_BPOOL_TEST_H

#include "kernel.h"

/* @mem: 16-byte aligned; @len: at least 1 MiB. */
void run_bpool(uint8_t *mem, size_t len);

#endif
