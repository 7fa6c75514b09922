/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the memregion tests. */
#ifndef MR_TEST_H
#define MR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memregion/memregion_priv.h"

#define KiB UINT64_C(0x400)
#define MiB UINT64_C(0x100000)
#define GiB UINT64_C(0x40000000)

struct mr_box {
	struct tdxc_memregion *mr;
	void *storage;
	size_t len;
	void *copy; /* snapshot for "unchanged" checks */
};

static inline void box_init(struct mr_box *b, uint32_t regions, uint32_t resv,
			    uint64_t max_addr, uint32_t flags)
{
	struct tdxc_memregion_params p;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = flags;
	p.max_regions = regions;
	p.max_reservations = resv;
	p.max_addr = max_addr;
	b->len = tdxc_memregion_storage_size(&p);
	assert_true(b->len > 0);
	b->storage = aligned_alloc(64, (b->len + 63) & ~(size_t)63);
	assert_non_null(b->storage);
	memset(b->storage, 0xa5, b->len); /* garbage: init must not rely on zero */
	b->copy = malloc(b->len);
	assert_non_null(b->copy);
	assert_int_equal(tdxc_memregion_init(&b->mr, b->storage, b->len, &p), 0);
}

static inline void box_free(struct mr_box *b)
{
	free(b->storage);
	free(b->copy);
}

static inline void box_snap(struct mr_box *b)
{
	memcpy(b->copy, b->storage, b->len);
}

static inline void box_unchanged(struct mr_box *b)
{
	assert_memory_equal(b->copy, b->storage, b->len);
}

static inline void box_check(struct mr_box *b)
{
	assert_int_equal(tdxc__memregion_check(b->mr), 0);
}

/* Initialise every section (so that later read-only scans change nothing). */
static inline void box_touch_all(struct mr_box *b)
{
	tdxc__memregion_touch(b->mr);
}

#endif
