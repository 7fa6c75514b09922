/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by every module (not public API): little-endian wire
 * access, overflow-checked arithmetic, range checks and size-versioned
 * descriptor copy-in. All static inline: they add no symbols.
 */
#ifndef TDXC_LIB_INTERNAL_H
#define TDXC_LIB_INTERNAL_H

#include "platform.h"
#include <tdxcore/common.h>

/* Symbols shared between library files but not exported. */
#define TDXC_HIDDEN __attribute__((visibility("hidden")))

#define TDXC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- little-endian loads and stores (wire formats: never cast a buffer) */

static inline uint16_t tdxc__le16(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint16_t)(b[0] | (uint16_t)b[1] << 8);
}

static inline uint32_t tdxc__le32(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t tdxc__le64(const void *p)
{
	const uint8_t *b = (const uint8_t *)p;
	return (uint64_t)tdxc__le32(b) | (uint64_t)tdxc__le32(b + 4) << 32;
}

static inline void tdxc__put_le16(void *p, uint16_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void tdxc__put_le32(void *p, uint32_t v)
{
	uint8_t *b = (uint8_t *)p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void tdxc__put_le64(void *p, uint64_t v)
{
	tdxc__put_le32(p, (uint32_t)v);
	tdxc__put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* ---- overflow-checked arithmetic: 0 or TDXC_EOVERFLOW, *out untouched on error */

static inline int tdxc__add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;
	if (__builtin_add_overflow(a, b, &r))
		return TDXC_EOVERFLOW;
	*out = r;
	return 0;
}

static inline int tdxc__mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	uint64_t r;
	if (__builtin_mul_overflow(a, b, &r))
		return TDXC_EOVERFLOW;
	*out = r;
	return 0;
}

static inline int tdxc__add_size(size_t a, size_t b, size_t *out)
{
	size_t r;
	if (__builtin_add_overflow(a, b, &r))
		return TDXC_EOVERFLOW;
	*out = r;
	return 0;
}

static inline int tdxc__mul_size(size_t a, size_t b, size_t *out)
{
	size_t r;
	if (__builtin_mul_overflow(a, b, &r))
		return TDXC_EOVERFLOW;
	*out = r;
	return 0;
}

/*
 * Round v up to a multiple of align (a power of two, non-zero).
 * TDXC_EALIGN for a bad alignment, TDXC_EOVERFLOW if the result wraps.
 */
static inline int tdxc__align_up_u64(uint64_t v, uint64_t align, uint64_t *out)
{
	uint64_t r;
	if (align == 0 || (align & (align - 1)) != 0)
		return TDXC_EALIGN;
	if (__builtin_add_overflow(v, align - 1, &r))
		return TDXC_EOVERFLOW;
	*out = r & ~(align - 1);
	return 0;
}

/*
 * A range [base, base + len): len must be non-zero (TDXC_EINVAL) and the
 * end must not wrap past 2^64 (TDXC_EOVERFLOW). On success *end is the
 * exclusive end; an end of exactly 2^64 is not representable and rejected.
 */
static inline int tdxc__range_end(uint64_t base, uint64_t len, uint64_t *end)
{
	if (len == 0)
		return TDXC_EINVAL;
	return tdxc__add_u64(base, len, end);
}

/*
 * [base, base + len) lies inside [lo, hi) (hi exclusive). A zero-length
 * or wrapping range is an error as in tdxc__range_end(); a range that
 * does not fit is TDXC_ERANGE.
 */
static inline int tdxc__range_within(uint64_t base, uint64_t len, uint64_t lo,
				     uint64_t hi)
{
	uint64_t end;
	int rc = tdxc__range_end(base, len, &end);
	if (rc)
		return rc;
	if (base < lo || end > hi)
		return TDXC_ERANGE;
	return 0;
}

/* Do [a, a_end) and [b, b_end) (exclusive ends) intersect? */
static inline bool tdxc__ranges_overlap(uint64_t a, uint64_t a_end, uint64_t b,
					uint64_t b_end)
{
	return a < b_end && b < a_end;
}

/* Are all n bytes at p zero? */
static inline bool tdxc__all_zero(const void *p, size_t n)
{
	const uint8_t *b = (const uint8_t *)p;
	size_t i;
	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* TDXC_EFLAGS if flags has any bit outside known. */
static inline int tdxc__check_flags(uint64_t flags, uint64_t known)
{
	return (flags & ~known) ? TDXC_EFLAGS : 0;
}

/*
 * The checks every input descriptor gets after tdxc__copy_in(): its
 * reserved bytes [reserved, reserved + reserved_len) must be zero
 * (TDXC_ERESERVED), then its flags must be known (TDXC_EFLAGS).
 */
static inline int tdxc__desc_check(const void *reserved, size_t reserved_len, uint64_t flags,
				   uint64_t known)
{
	if (!tdxc__all_zero(reserved, reserved_len))
		return TDXC_ERESERVED;
	return tdxc__check_flags(flags, known);
}

/*
 * Size-versioned descriptor copy-in. Public input structs start with a
 * uint32_t `size` field that the caller sets to sizeof() as it was compiled.
 *   src       the caller's descriptor; its first 4 bytes are `size`
 *   dst       the library's own copy, dst_size = sizeof(current struct)
 *   min_size  the size of the first released version of the struct
 * Rules (as Linux's copy_struct_from_user): size < min_size is TDXC_ESIZE;
 * a larger (newer) struct is accepted only when every byte past dst_size is
 * zero (else TDXC_ERESERVED); a smaller (older) one is zero-extended. dst
 * is written only on success.
 */
TDXC_HIDDEN int tdxc__copy_in(void *dst, size_t dst_size, const void *src,
			      size_t min_size);

/* CRC-32 (zlib polynomial) without zlib, in every build (lib/snapshot.c). */
TDXC_HIDDEN uint32_t tdxc__crc32_portable(uint32_t crc, const void *data, size_t len);

/* Storage helpers for opaque objects: p aligned to a (power of two)? */
static inline bool tdxc__is_aligned(const void *p, size_t a)
{
	return ((uintptr_t)p & (a - 1)) == 0;
}

#endif /* TDXC_LIB_INTERNAL_H */
