/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The platform shim: the only file under lib/ that includes C library
 * headers. Hosted builds use libc; freestanding builds (TDXC_FREESTANDING)
 * see only the compiler's own headers and map the four memory functions of
 * GCC's freestanding contract to builtins.
 */
#ifndef TDXC_LIB_PLATFORM_H
#define TDXC_LIB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef TDXC_FREESTANDING
#define TDXC_HOSTED 0
#define tdxc__memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define tdxc__memmove(d, s, n) __builtin_memmove((d), (s), (n))
#define tdxc__memset(d, c, n) __builtin_memset((d), (c), (n))
#define tdxc__memcmp(a, b, n) __builtin_memcmp((a), (b), (n))
#else
#define TDXC_HOSTED 1
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#define tdxc__memcpy(d, s, n) memcpy((d), (s), (n))
#define tdxc__memmove(d, s, n) memmove((d), (s), (n))
#define tdxc__memset(d, c, n) memset((d), (c), (n))
#define tdxc__memcmp(a, b, n) memcmp((a), (b), (n))
#endif

#endif /* TDXC_LIB_PLATFORM_H */
