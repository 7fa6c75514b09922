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
 * One published copy of a VP's filter: its version word and the 256 allowed
 * bits, alone on one cache line. Everything a reader needs from a copy is
 * in that line, and a publish writes exactly one line (see irqfilter.c).
 */
struct irqf_line {
	uint64_t ver;                         /* even: complete version ver / 2;
					       * odd: being rewritten */
	uint64_t w[IRQF_WORDS / 2];           /* allowed bits: u32 words 2k, 2k+1
					       * are the low, high half of w[k] */
	uint64_t pad[3];
} __attribute__((aligned(64)));

TDXC_STATIC_ASSERT(sizeof(struct irqf_line) == 64, irqf_line_size);

/*
 * One VP. Aligned to a cache line so VPs never share one. Lines 0 and 1 are
 * the two copies, the only memory the readers' fast paths touch. Line 2
 * holds the cross-thread words readers never read on the fast path; then
 * the VP writer's private state; the drop counters (written by readers on
 * drops) last.
 */
struct tdxc_irqfilter_vp {
	/* ---- shared with readers: accessed only with __atomic builtins */
	struct irqf_line line[2];
	/* ---- cross-thread, off the readers' lines */
	uint64_t applied_gen __attribute__((aligned(64))); /* partition gen of the last sync */
	uint64_t fallbacks;                   /* reads that gave up */
	uint32_t dev_bits[IRQF_WORDS];        /* written by the partition writer */
	/* ---- VP writer only (own cache lines) */
	uint32_t cur[IRQF_WORDS] __attribute__((aligned(64))); /* published filter */
	uint64_t pubs;                        /* publishes so far */
	uint64_t sint[IRQF_NVTL][IRQF_NSINT];
	uint64_t scontrol[IRQF_NVTL];
	uint32_t *mirror;                     /* inverted copy in caller memory */
	struct tdxc_irqfilter_part *part;
	uint32_t index;
	/* ---- per-vector drop counters, atomic increments by readers */
	uint64_t drops[TDXC_IRQFILTER_NUM_VECTORS] __attribute__((aligned(64)));
} __attribute__((aligned(64)));

TDXC_STATIC_ASSERT(sizeof(struct tdxc_irqfilter_vp) % 64 == 0, irqf_vp_lines);
/* Each copy owns a line; nothing else written at run time shares them. */
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_vp, applied_gen) == 128, irqf_vp_line2);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_vp, dev_bits) + 32 <= 192, irqf_vp_shared);
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
