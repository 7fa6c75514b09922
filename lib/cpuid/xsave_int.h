/* SPDX-License-Identifier: BSD-2-Clause */
/* Private to lib/cpuid: shared between the module's source files. */
#ifndef TDXC_LIB_CPUID_XSAVE_INT_H
#define TDXC_LIB_CPUID_XSAVE_INT_H

#include "internal.h"
#include <tdxcore/xsave.h>

#define TDXC__XSAVE_COMP_MASK (~TDXC_XSAVE_LEGACY_MASK & ~TDXC_XSAVE_XCOMP_COMPACTED)

/* Fill *out from raw subleaves; bits 0 and 1 of present must be set. */
TDXC_HIDDEN void tdxc__xsave_build(const struct tdxc_xsave_regs *sub,
				   uint64_t present, struct tdxc_xsave_info *out);

/*
 * Unchecked compacted walk over a visiting order: 576, then for each
 * component of order[] (n entries) an optional round-up and its size.
 * Sizes come from the table; 64-bit sums cannot wrap for 63 components.
 */
TDXC_HIDDEN uint64_t tdxc__xsave_walk(const struct tdxc_xsave_info *info,
				      const uint8_t *order, unsigned n, bool align);

/* Line-oriented dump parser, shared by the buffer and file front ends. */
struct tdxc__xsave_parser {
	struct tdxc_xsave_regs sub[TDXC_XSAVE_NCOMP];
	uint64_t found;
	uint64_t conflicts;
	uint32_t line;
	uint32_t cpu_headers;
	uint32_t leaf0_lines; /* AIDA64: a second leaf-0 line ends CPU 0 */
	uint32_t format;      /* requested, then detected (TDXC_XSAVE_FMT_*) */
	uint32_t err_line;
	int err;
	bool data_seen;
	bool done;
};

/* TDXC_EINVAL for an unknown format. */
TDXC_HIDDEN int tdxc__xsave_parser_init(struct tdxc__xsave_parser *p, uint32_t format);
/* One line without its '\n' (at most TDXC_XSAVE_LINE_MAX bytes are looked
 * at; overlong says the real line was longer). Sets p->done or p->err. */
TDXC_HIDDEN void tdxc__xsave_parser_line(struct tdxc__xsave_parser *p,
					 const char *s, size_t len, bool overlong);
TDXC_HIDDEN int tdxc__xsave_parser_finish(struct tdxc__xsave_parser *p,
					  struct tdxc_xsave_info *out,
					  struct tdxc_xsave_parse_status *status);

static inline unsigned tdxc__xsave_ctz(uint64_t m)
{
	return (unsigned)__builtin_ctzll(m);
}

#endif
