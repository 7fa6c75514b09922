/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal <stdlib.h> for compiling uthash.h in the freestanding variant
 * (-nostdinc). Deliberately empty: there is no malloc, free or exit here,
 * so a uthash macro left at its libc default fails to compile instead of
 * linking against the C library.
 */
#ifndef TDXC_FS_SHIM_STDLIB_H
#define TDXC_FS_SHIM_STDLIB_H

#include <stddef.h>

#endif /* TDXC_FS_SHIM_STDLIB_H */
