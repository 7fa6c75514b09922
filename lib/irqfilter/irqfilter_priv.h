/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private layout of the irqfilter objects (shared by the module's files and
 * by its unit tests; not public API).
 */
#ifndef TDXC_LIB_IRQFILTER_PRIV_H
#define TDXC_LIB_IRQFILTER_PRIV_H

#include "internal.h"
#include <tdxcore/irqfilter.h>

#define IRQF_MAGIC 0x5254464c49515254ull /* "TRQILFTR" */
#define IRQF_NSINT 16
#define IRQF_NVTL 2
#define IRQF_WORDS 8

/*
 * One VP. Aligned to a cache line so VPs never share one. The first 128
 * bytes are what readers touch (sequence + two copies); the writer-only
 * fields follow; the drop counters (written by readers on drops) last.
 */
struct tdxc_irqfilter_vp {
	/* ---- shared with readers: accessed only with __atomic builtins */
	uint64_t seq;                         /* latch counter; copy = seq & 1 */
	uint64_t copy[2][IRQF_WORDS / 2];     /* allowed bits: u32 words 2k, 2k+1
					       * are the low, high half of copy[][k] */
	uint64_t fallbacks;                   /* reads that gave up */
	uint64_t applied_gen;                 /* partition gen of the last sync */
	uint32_t dev_bits[IRQF_WORDS];        /* written by the partition writer */
	/* ---- VP writer only (own cache lines) */
	uint32_t cur[IRQF_WORDS] __attribute__((aligned(64))); /* published filter */
	uint64_t sint[IRQF_NVTL][IRQF_NSINT];
	uint64_t scontrol[IRQF_NVTL];
	uint32_t *mirror;                     /* inverted copy in caller memory */
	struct tdxc_irqfilter_part *part;
	uint32_t index;
	/* ---- per-vector drop counters, atomic increments by readers */
	uint64_t drops[TDXC_IRQFILTER_NUM_VECTORS] __attribute__((aligned(64)));
} __attribute__((aligned(64)));

TDXC_STATIC_ASSERT(sizeof(struct tdxc_irqfilter_vp) % 64 == 0, irqf_vp_lines);
/* Readers' words fit the first two lines; writer and counters start lines. */
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_vp, dev_bits) + 32 <= 128, irqf_vp_hot);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_vp, cur) % 64 == 0, irqf_vp_cur);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_vp, drops) % 64 == 0, irqf_vp_drops);

/* One (device, vector, VP) triple; the table is sorted by (dev, vector, vp). */
struct irqf_dev {
	uint64_t dev_id;
	uint32_t vp;
	uint32_t vector;
	uint32_t refs;
	uint32_t pad;
};

struct tdxc_irqfilter_part {
	uint64_t magic;
	uint32_t vp_count;
	uint32_t max_entries;
	uint32_t n_entries;
	uint32_t policy;                      /* atomic (read by VP writers) */
	uint32_t relay;                       /* atomic (read by VP writers) */
	uint32_t pad;
	uint64_t gen;                         /* atomic */
	uint64_t pad2;
	struct tdxc_irqfilter_vp *vps;
	struct irqf_dev *entries;
} __attribute__((aligned(64)));

TDXC_STATIC_ASSERT(sizeof(struct tdxc_irqfilter_part) == 64, irqf_part_line);

/* Shared between the module's files. */
TDXC_HIDDEN bool tdxc__irqfilter_part_ok(const struct tdxc_irqfilter_part *p);
TDXC_HIDDEN void tdxc__irqfilter_publish(struct tdxc_irqfilter_vp *vp,
					 const uint32_t allowed[IRQF_WORDS]);
TDXC_HIDDEN void tdxc__irqfilter_dev_rebuild(struct tdxc_irqfilter_part *p);
TDXC_HIDDEN void tdxc__irqfilter_vp_reset(struct tdxc_irqfilter_vp *vp,
					  struct tdxc_irqfilter_part *p, uint32_t index);
TDXC_HIDDEN bool tdxc__irqfilter_sint_ok(uint64_t value, uint32_t policy);

#endif /* TDXC_LIB_IRQFILTER_PRIV_H */
