/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private layout of the bpool heap and registry (not public API; tests may
 * include it to corrupt headers on purpose).
 */
#ifndef TDXC_LIB_BPOOL_PRIV_H
#define TDXC_LIB_BPOOL_PRIV_H

#include "internal.h"
#include <tdxcore/bpool.h>

/* Two-level index: 16 sub-classes per power of two, linear below 256 B. */
#define BP_SL_LOG2 4u
#define BP_SL_COUNT (1u << BP_SL_LOG2)
#define BP_FL_SHIFT (BP_SL_LOG2 + 4u)	/* log2(quantum) == 4 */
#define BP_SMALL (1u << BP_FL_SHIFT)	/* 256 */
#define BP_FL_COUNT 32u			/* sizes below 2^39 */

/* Header word: bits 0..3 flags, 4..39 size, 40..63 check value. */
#define BP_F_ALLOC 0x1u
#define BP_F_PREVFREE 0x2u
#define BP_F_SENT 0x4u
/* With BP_F_ALLOC: a block in the free-block cache. With BP_F_ALLOC and
 * BP_F_SENT: the cache table (first block of pool 0). */
#define BP_F_CACHED 0x8u
#define BP_FLAGS_MASK UINT64_C(0xf)
#define BP_SIZE_MASK UINT64_C(0xfffffffff0)
#define BP_LOW_MASK UINT64_C(0xffffffffff)
#define BP_CHK_SHIFT 40

#define BP_HDR 16u	/* block start to user pointer */
#define BP_OVERHEAD 8u	/* per allocated block (see heap.c) */
#define BP_MIN 32u

/* Free-block cache: one LIFO per exact block size 32..4112 (bin = size /
 * 16 - 2), at most BP_CCAP blocks each; the table of heads is the user
 * area of a block of BP_CTAB bytes at the start of pool 0. */
#define BP_CBINS 256u
#define BP_CMAX (BP_MIN + 16u * (BP_CBINS - 1u))	/* 4112 */
#define BP_CCAP TDXC_BPOOL_CACHE_PER_SIZE
#define BP_CTAB TDXC_BPOOL_CACHE_TABLE

#define BP_MAGIC UINT64_C(0x6c6f6f7042637864)	/* "dxcBpool" */

/*
 * A block: bget's boundary tag. prevfree is the size of the physically
 * preceding block when that one is free (then F_PREVFREE is set), else 0.
 * next/prev exist only in free blocks (they are the user bytes otherwise).
 */
struct bp_blk {
	uint64_t prevfree;
	uint64_t word;
	struct bp_blk *next;
	struct bp_blk *prev;
};

struct bp_pool {
	uintptr_t start;
	uintptr_t end; /* exclusive; the sentinel is at end - 16 */
};

struct bp_heap {
	uint64_t magic;
	struct bp_heap *self;
	uint64_t secret;
	uint64_t quota;
	uint32_t flags;
	uint32_t state;
	uint32_t fl_map;
	uint32_t npools;
	uint16_t sl_map[BP_FL_COUNT];
	/* Fast range test of a link into pool 0 (see link_ok()). */
	uintptr_t lk_lo;
	uintptr_t lk_span;
	uint64_t bad_addr;
	uint32_t bad_problem;
	uint32_t pad0;
	/* counters */
	uint64_t total;
	uint64_t used;
	uint64_t free;
	uint64_t live;
	uint64_t free_blocks;
	uint64_t nget;
	uint64_t nrel;
	uint64_t nfail;
	uint64_t peak_used;
	struct bp_pool pools[TDXC_BPOOL_MAX_POOLS];
	struct bp_blk *heads[BP_FL_COUNT][BP_SL_COUNT];
	/* Free-block cache: heads in pool 0 (NULL: no cache), a 4-bit count
	 * per bin here, and the number of cached blocks. */
	struct bp_blk **ctab;
	uint64_t cached;
	uint32_t ccnt[BP_CBINS / 8u];
};

TDXC_STATIC_ASSERT(sizeof(struct bp_heap) <= sizeof(struct tdxc_bpool),
		   bp_heap_fits_opaque);
TDXC_STATIC_ASSERT(BP_CMAX == TDXC_BPOOL_CACHE_MAX_REQ + BP_OVERHEAD,
		   bp_cache_max_req);
TDXC_STATIC_ASSERT(BP_CTAB == BP_HDR + BP_CBINS * sizeof(void *) ||
			   sizeof(void *) != 8,
		   bp_cache_table_size);
TDXC_STATIC_ASSERT(BP_CCAP <= 15u, bp_cache_count_bits);
TDXC_STATIC_ASSERT(_Alignof(struct bp_heap) <= _Alignof(struct tdxc_bpool),
		   bp_heap_alignment);

static inline struct bp_heap *bp_heap_of(struct tdxc_bpool *h)
{
	return (struct bp_heap *)(void *)h;
}

/* Used by the registry (same library, other file). */
TDXC_HIDDEN void tdxc__bpool_set_state(struct tdxc_bpool *h, uint32_t bits,
				       bool on);
TDXC_HIDDEN void tdxc__bpool_wipe_pools(struct tdxc_bpool *h);
TDXC_HIDDEN uint32_t tdxc__bpool_pools(const struct tdxc_bpool *h,
				       struct bp_pool *out);
TDXC_HIDDEN int tdxc__bpool_check_ctx(const struct tdxc_bpool *h);
/* tdxc_bpool_add_pool() for the registry that owns a managed heap. */
TDXC_HIDDEN int tdxc__bpool_add_pool(struct tdxc_bpool *h, void *mem, size_t len,
				     bool registry);
/* Finalise a heap whatever its state (the registry destroying a guest). */
TDXC_HIDDEN void tdxc__bpool_drop(struct tdxc_bpool *h);
/* Header check value of b for the given low word (tests use it too). */
TDXC_HIDDEN uint64_t tdxc__bpool_hdr_word(const struct tdxc_bpool *h,
					  const void *blk, uint64_t low);

/* Test hook: make the k-th following nexus allocation fail (0 = off). */
TDXC_HIDDEN int tdxc__bpool_registry_fail_nth(struct tdxc_bpool_registry *r,
					      uint32_t k);

/* Registry limits for the snapshot record (lib/bpool/snaprec.c). */
struct bp_reg_info {
	uintptr_t nx_start, nx_end;
	uint64_t nguests, generation;
	uint32_t max_id, max_guests, iterating;
	uint32_t rsv[TDXC_BPOOL_RESERVED_IDS];
};
TDXC_HIDDEN int tdxc__bpool_registry_info(struct tdxc_bpool_registry *r,
					  struct bp_reg_info *out);
TDXC_HIDDEN int tdxc__bpool_registry_reset(struct tdxc_bpool_registry *r);

#endif /* TDXC_LIB_BPOOL_PRIV_H */
