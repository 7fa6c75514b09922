/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal <string.h> for compiling uthash.h in the freestanding variant
 * (-nostdinc). Only the functions of GCC's freestanding contract are
 * declared; the registry maps uthash's memory helpers to the builtins, so
 * nothing else is ever referenced.
 */
#ifndef TDXC_FS_SHIM_STRING_H
#define TDXC_FS_SHIM_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif /* TDXC_FS_SHIM_STRING_H */
