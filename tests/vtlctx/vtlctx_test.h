/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared fixtures of the vtlctx tests: a store in static storage, pages,
 * a fake kernel that "enters" a staged run page, and snapshots of every
 * byte the store owns for "unchanged after a rejected call" checks. */
#ifndef VTLCTX_TEST_H
#define VTLCTX_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include <tdxcore/vtlctx.h>

#define T_STORAGE_MAX (64u * 1024u)
#define OWNER(n) ((tdxc_vtlctx_vtl)(n))

struct tenv {
	_Alignas(4096) uint8_t pages[TDXC_VTLCTX_MAX_VTLS + 1][TDXC_VTLCTX_PAGE_SIZE];
	_Alignas(4096) uint8_t run[4096];
	_Alignas(64) uint8_t storage[T_STORAGE_MAX];
	struct tdxc_vtlctx *st;
	size_t len;
	unsigned n;
	uint8_t backend;
	uint32_t caps;
	/* snapshot */
	uint8_t s_pages[TDXC_VTLCTX_MAX_VTLS + 1][TDXC_VTLCTX_PAGE_SIZE];
	uint8_t s_run[4096];
	uint8_t s_storage[T_STORAGE_MAX];
};

static struct tenv E;

static inline struct tdxc_vtlctx_params mkparams(uint8_t backend, unsigned n, uint32_t caps,
						 uint16_t part)
{
	struct tdxc_vtlctx_params p;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.caps = caps;
	p.n_vtls = (uint8_t)n;
	p.backend = backend;
	p.partition_vtls = part;
	return p;
}

/* Build a store; VTLs in enable_mask (besides VTL0) are enabled. */
static inline void mk(uint8_t backend, unsigned n, uint32_t caps, uint16_t part,
		      uint16_t enable_mask)
{
	struct tdxc_vtlctx_params p = mkparams(backend, n, caps, part);
	void *pg[TDXC_VTLCTX_MAX_VTLS];
	unsigned i;
	memset(E.storage, 0xA5, sizeof(E.storage));
	memset(E.pages, 0x5A, sizeof(E.pages));
	memset(E.run, 0xC3, sizeof(E.run));
	assert_int_equal(tdxc_vtlctx_storage_size(&p, &E.len), 0);
	assert_true(E.len <= T_STORAGE_MAX);
	for (i = 0; i < TDXC_VTLCTX_MAX_VTLS; i++)
		pg[i] = E.pages[i];
	assert_int_equal(tdxc_vtlctx_init(E.storage, E.len, &p,
					  backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE ? pg : NULL,
					  &E.st),
			 0);
	E.n = p.n_vtls ? p.n_vtls : 2;
	E.backend = backend;
	E.caps = caps;
	for (i = 1; i < E.n; i++)
		if ((enable_mask >> i) & 1u)
			assert_int_equal(tdxc_vtlctx_enable(E.st, (tdxc_vtlctx_vtl)i), 0);
}

static inline void mk_tdx(void)
{
	mk(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0, 0x3);
}

static inline void mk_pp(uint32_t caps)
{
	mk(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 2, caps, 0, 0x3);
}

static inline void snap(void)
{
	memcpy(E.s_pages, E.pages, sizeof(E.pages));
	memcpy(E.s_run, E.run, sizeof(E.run));
	memcpy(E.s_storage, E.storage, sizeof(E.storage));
}

static inline void assert_unchanged(void)
{
	assert_memory_equal(E.s_storage, E.storage, sizeof(E.storage));
	assert_memory_equal(E.s_pages, E.pages, sizeof(E.pages));
	assert_memory_equal(E.s_run, E.run, sizeof(E.run));
}

/* A call that must fail with code `err` and leave everything unchanged. */
#define REJECT(err, call)                                                     \
	do {                                                                  \
		snap();                                                       \
		assert_int_equal((call), (err));                              \
		assert_unchanged();                                           \
	} while (0)

static inline uint64_t G(tdxc_vtlctx_vtl target, uint32_t f)
{
	uint64_t v = 0xDEADDEADDEADDEADull;
	assert_int_equal(tdxc_vtlctx_get(E.st, OWNER(E.n), target, f, &v), 0);
	return v;
}

static inline void S(tdxc_vtlctx_vtl target, uint32_t f, uint64_t v)
{
	assert_int_equal(tdxc_vtlctx_set(E.st, OWNER(E.n), target, f, v), 0);
}

static inline uint16_t run_off(uint32_t f)
{
	struct tdxc_vtlctx_field_info fi;
	assert_int_equal(tdxc_vtlctx_field_info(f, &fi), 0);
	return fi.run_offset;
}

static inline uint16_t page_off(uint32_t f)
{
	struct tdxc_vtlctx_field_info fi;
	assert_int_equal(tdxc_vtlctx_field_info(f, &fi), 0);
	return fi.page_offset;
}

static inline uint16_t fsize(uint32_t f)
{
	struct tdxc_vtlctx_field_info fi;
	assert_int_equal(tdxc_vtlctx_field_info(f, &fi), 0);
	return fi.size;
}

static inline uint64_t run_u64(uint32_t off)
{
	return tdxc__le64(E.run + off);
}

/*
 * The fake kernel: what TDG.VP.ENTER plus the L1 kernel do with a staged
 * page. Checks the VM index, consumes the flush request, writes exit info.
 */
static inline void kernel_enter(unsigned vtl, uint64_t exit_seed)
{
	uint64_t rcx = run_u64(TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET);
	unsigned i;
	assert_int_equal(rcx >> TDXC_VTLCTX_ENTRY_RCX_VM_SHIFT, vtl + 1);
	tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, rcx & ~(uint64_t)3);
	for (i = 0; i < 11; i++)
		tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET + 8 * i, exit_seed + i);
}

/* One full round trip: stage, enter, unstage. */
static inline void run_vtl(unsigned vtl, uint64_t exit_seed)
{
	assert_int_equal(tdxc_vtlctx_stage(E.st, (tdxc_vtlctx_vtl)vtl, E.run, sizeof(E.run)), 0);
	kernel_enter(vtl, exit_seed);
	assert_int_equal(tdxc_vtlctx_unstage(E.st, (tdxc_vtlctx_vtl)vtl, E.run), 0);
}

#endif /* VTLCTX_TEST_H */
