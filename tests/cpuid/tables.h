/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leaf-0xD tables hand-built from architectural facts (component sizes,
 * standard offsets and flags as CPU families report them), shared by the
 * cpuid tests. S = ECX bit 0 (supervisor), A = bit 1 (align64), X = bit 2.
 */
#ifndef TDXC_TESTS_CPUID_TABLES_H
#define TDXC_TESTS_CPUID_TABLES_H

#include <tdxcore/xsave.h>

#define SUB(s, a, b, c, d) { (s), (a), (b), (c), (d) }
#define NSUB(t) (sizeof(t) / sizeof((t)[0]))

/* Sapphire Rapids class: XCR0 0x602e7, XSS 0xdd00, AMX 17/18 aligned. */
static const struct tdxc_xsave_subleaf t_spr[] = {
	SUB(0, 0x000602e7, 0x2b00, 0x2b00, 0),
	SUB(1, 0x1f, 0x2a80, 0xdd00, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(5, 64, 0x440, 0, 0),
	SUB(6, 512, 0x480, 0, 0),
	SUB(7, 1024, 0x680, 0, 0),
	SUB(8, 128, 0, 1, 0),
	SUB(9, 8, 0xa80, 0, 0),
	SUB(10, 8, 0, 1, 0),
	SUB(11, 16, 0, 1, 0),
	SUB(12, 24, 0, 1, 0),
	SUB(14, 48, 0, 1, 0),
	SUB(15, 0x328, 0, 1, 0),
	SUB(17, 64, 0xac0, 2, 0),
	SUB(18, 8192, 0xb00, 6, 0),
};

/* Intel client (Alder Lake class): no AVX-512, PKRU still at 0xA80. */
static const struct tdxc_xsave_subleaf t_adl[] = {
	SUB(0, 0x207, 0xa88, 0xa88, 0),
	SUB(1, 0xf, 0x720, 0x19900, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(8, 128, 0, 1, 0),
	SUB(9, 8, 0xa80, 0, 0),
	SUB(11, 16, 0, 1, 0),
	SUB(12, 24, 0, 1, 0),
	SUB(15, 808, 0, 1, 0),
	SUB(16, 8, 0, 1, 0),
};

/* Intel server with AVX-512 and MPX (Skylake-SP class). */
static const struct tdxc_xsave_subleaf t_skx[] = {
	SUB(0, 0x2ff, 0xa88, 0xa88, 0),
	SUB(1, 0xf, 0xa88, 0x100, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(3, 64, 0x3c0, 0, 0),
	SUB(4, 64, 0x400, 0, 0),
	SUB(5, 64, 0x440, 0, 0),
	SUB(6, 512, 0x480, 0, 0),
	SUB(7, 1024, 0x680, 0, 0),
	SUB(8, 128, 0, 1, 0),
	SUB(9, 8, 0xa80, 0, 0),
};

/* AMD Zen4: AVX-512 at 0x340.., PKRU at 0x980, CET_U/CET_S supervisor. */
static const struct tdxc_xsave_subleaf t_zen4[] = {
	SUB(0, 0x2e7, 0x980, 0x988, 0),
	SUB(1, 0xf, 0x990, 0x1800, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(5, 64, 0x340, 0, 0),
	SUB(6, 512, 0x380, 0, 0),
	SUB(7, 1024, 0x580, 0, 0),
	SUB(9, 8, 0x980, 0, 0),
	SUB(11, 16, 0, 1, 0),
	SUB(12, 24, 0, 1, 0),
};

/* AMD Zen2: 64-byte PKRU at 0x340. */
static const struct tdxc_xsave_subleaf t_zen2[] = {
	SUB(0, 0x207, 0x380, 0x380, 0),
	SUB(1, 0xf, 0x380, 0, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(9, 64, 0x340, 0, 0),
};

/* AMD Fam15h with LWP at component 62 (SL0.EDX bit 30), offset 0x340. */
static const struct tdxc_xsave_subleaf t_lwp[] = {
	SUB(0, 0x7, 0x340, 0x3c0, 0x40000000),
	SUB(1, 0x1, 0, 0, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(62, 128, 0x340, 0, 0),
};

/* Synthetic APX at 19 with its standard offset inside the old MPX area. */
static const struct tdxc_xsave_subleaf t_apx[] = {
	SUB(0, 0x80207, 0xa88, 0xa88, 0),
	SUB(1, 0xf, 0xa08, 0, 0),
	SUB(2, 256, 0x240, 0, 0),
	SUB(9, 8, 0xa80, 0, 0),
	SUB(19, 128, 0x3c0, 0, 0),
};

/* Only x87/SSE (Tremont class, with PT as the one supervisor state). */
static const struct tdxc_xsave_subleaf t_legacy[] = {
	SUB(0, 0x3, 0x240, 0x240, 0),
	SUB(1, 0xf, 0x2c0, 0x100, 0),
	SUB(8, 128, 0, 1, 0),
};

#endif
