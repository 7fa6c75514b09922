/* SPDX-License-Identifier: BSD-2-Clause */
/* XSAVE facts read from the CPU with the cpuid instruction. */
#ifndef KERNEL_XSAVE_TEST_H
#define KERNEL_XSAVE_TEST_H

#include "kernel.h"

struct xsave_cpu {
	int has_xsave, has_xsavec;
	uint64_t xcr0_supported;  /* CPUID(0xD,0) EDX:EAX */
	uint64_t xss_supported;   /* CPUID(0xD,1) EDX:ECX */
	uint32_t max_size;        /* CPUID(0xD,0) ECX */
	struct {
		uint32_t size, offset;
		int align64, supervisor;
	} comp[64];
};

void xsave_cpu_read(struct xsave_cpu *x);
int xsave_enable(const struct xsave_cpu *x);
/* Sizes computed by the kernel itself from the sub-leaves. */
uint32_t xsave_own_std_size(const struct xsave_cpu *x, uint64_t mask);
uint32_t xsave_own_cmp_size(const struct xsave_cpu *x, uint64_t mask);
/*
 * XSAVE / XSAVEC into a guarded buffer of exactly @size; logs one check.
 * With @ymm_hi_off != 0 the upper half of YMM0 is loaded with a pattern
 * first and must appear at that offset of the image (AVX component).
 */
int xsave_into_guarded(uint32_t size, int compacted, uint64_t rfbm, uint32_t ymm_hi_off,
		       const char *name);

#endif
