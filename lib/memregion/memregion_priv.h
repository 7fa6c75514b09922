/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion internals, shared by the files of lib/memregion/ and by the
 * module's tests (invariant checks). Not public API.
 *
 * Free-frame pool: a 64-ary summary tree of bitmaps. Level 0 has one bit per
 * frame (1 = free), level 1 one bit per level-0 word (word has a free
 * frame), level 2 one bit per level-1 word, i.e. per section of 4096 frames,
 * and so on up to a single top word. A section's level-0 and level-1 words
 * are computed from the resolved map and the live reservations the first
 * time the section is used; until then its level-2 bit only says "this
 * section contains managed RAM". Allocated frames are the managed frames
 * that are neither free nor held: a "plain" section (one RAM region covers
 * it and no live reservation touches it) needs no lookup for that.
 */
#ifndef TDXC_MEMREGION_PRIV_H
#define TDXC_MEMREGION_PRIV_H

#include "internal.h"
#include <tdxcore/memregion.h>

#define MR_MAGIC UINT64_C(0x746478636d656d72) /* "tdxcmemr" */
#define MR_PAGE_SHIFT 12
#define MR_PAGE UINT64_C(4096)
#define MR_SECT_SHIFT 12 /* frames per section: 4096 (16 MiB) */
#define MR_SECT_FRAMES (UINT64_C(1) << MR_SECT_SHIFT)
#define MR_SECT_WORDS 64
#define MR_UNIT_SHIFT 9 /* frames per acceptance unit: 512 (2 MiB) */
#define MR_MAX_LEVELS 8
#define MR_NONE UINT64_MAX
#define MR_CAP_LIMIT (1u << 24)

struct mr_ent {
	uint64_t base;
	uint64_t end;
	uint32_t type;
	uint32_t raw;
};

struct mr_resv {
	uint64_t base;
	uint64_t end;
	uint64_t event;
	uint32_t state;
	uint32_t pad;
	char owner[TDXC_MEMREGION_OWNER_MAX + 1];
};

struct tdxc_memregion {
	uint64_t magic;
	uint32_t flags;
	uint32_t committed;
	uint32_t max_regions;
	uint32_t nraw;
	uint32_t max_resv;
	uint32_t nresv;
	uint32_t nres;
	uint32_t nlevels;
	uint64_t max_addr;
	uint64_t nframes; /* multiple of MR_SECT_FRAMES */
	uint64_t nsect;
	uint64_t nunits;
	uint64_t lvl_words[MR_MAX_LEVELS];
	uint64_t *lvl[MR_MAX_LEVELS];
	/* Full-word tree: level 0 has one bit per level-0 word that is all
	 * free, level 1 one bit per section (lazy like lvl[2]), and so on;
	 * it finds 64-frame-aligned runs for contiguous allocation. */
	uint64_t fw_words[MR_MAX_LEVELS];
	uint64_t *fw[MR_MAX_LEVELS];
	uint32_t fw_nlevels;
	uint32_t pad0;
	uint64_t *sect_init;
	uint64_t *sect_plain;
	uint64_t *hist;    /* freed-since-available bits, or NULL */
	uint64_t *pending; /* per 2 MiB unit: unaccepted memory not yet accepted */
	struct mr_ent *raw;
	struct mr_ent *res;
	struct mr_resv *resv;
	uint64_t *scr_b;
	uint32_t *scr_owner;
	uint32_t *scr_parent;
	uint32_t *scr_order;
	uint64_t free_frames;
	uint64_t alloc_frames;
	uint64_t managed_frames;
	uint64_t unaccepted_bytes;
	uint64_t accept_calls;
	uint64_t n_reserve;
	uint64_t n_release;
	tdxc_memregion_accept_fn accept;
	void *accept_opaque;
};

static inline bool mr_is_ram(uint32_t type)
{
	return type == TDXC_MEMREGION_USABLE ||
	       type == TDXC_MEMREGION_UNACCEPTED;
}

static inline bool mr_bit(const uint64_t *bm, uint64_t i)
{
	return (bm[i >> 6] >> (i & 63)) & 1;
}

/* Frame classes (same values as TDXC_MEMREGION_FRAME_*). */
enum { MR_ALLOC = 1, MR_FREE = 2, MR_HELD = 3, MR_FOREIGN = 4 };

/* Internal helpers used by more than one file. */
TDXC_HIDDEN int tdxc__memregion_classify(const struct tdxc_memregion *mr,
					 uint64_t pfn);
TDXC_HIDDEN const struct mr_ent *
tdxc__memregion_find_res(const struct tdxc_memregion *mr, uint64_t pa);
TDXC_HIDDEN bool tdxc__memregion_held(const struct tdxc_memregion *mr,
				      uint64_t pa);
TDXC_HIDDEN uint64_t tdxc__memregion_ram_bytes(const struct tdxc_memregion *mr,
					       uint64_t a, uint64_t b);
/* Check every internal invariant (tests): 0 or a negative code. */
TDXC_HIDDEN int tdxc__memregion_check(const struct tdxc_memregion *mr);
TDXC_HIDDEN void tdxc__memregion_section_compute(const struct tdxc_memregion *mr,
						 uint64_t s, uint64_t *out,
						 bool *plain);
TDXC_HIDDEN uint64_t tdxc__memregion_popcount(uint64_t v);
/* Initialise the metadata of every section holding RAM (tests, tools). */
TDXC_HIDDEN void tdxc__memregion_touch(struct tdxc_memregion *mr);

#endif /* TDXC_MEMREGION_PRIV_H */
