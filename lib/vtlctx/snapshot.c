/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Save/restore of one VP's store, format version 1 (all little-endian):
 *
 *   0  u32 magic "VTLC"        16 u32 caps
 *   4  u16 version (1)         20 u16 partition VTL set
 *   6  u16 header size (32)    22 u16 VP VTL set
 *   8  u32 total blob size     24 u16 field count (TDXC_VTLCTX_F_COUNT)
 *  12  u8  n_vtls              26 u16 reserved (0)
 *  13  u8  backend             28 u32 FNV-1a of the blob, this field as 0
 *  14  u8  active VTL
 *  15  u8  reserved (0)
 *
 * Payload: every SHARED and GLOBAL_PER_VP field (DR6 resolved by caps) in
 * field order, each in its own size; then, for each enabled VTL in
 * ascending order, every PRIVATE field in field order. Per-exit data is
 * not saved. The payload is backend-independent.
 */
#include "vtlctx_priv.h"

#define H_MAGIC 0
#define H_VERSION 4
#define H_HDRSIZE 6
#define H_TOTAL 8
#define H_NVTLS 12
#define H_BACKEND 13
#define H_ACTIVE 14
#define H_RSV0 15
#define H_CAPS 16
#define H_PART 20
#define H_VP 22
#define H_NFIELDS 24
#define H_RSV1 26
#define H_CSUM 28

TDXC_STATIC_ASSERT(H_CSUM + 4 == TDXC_VTLCTX_SAVE_HEADER_SIZE, header_size);

static bool is_common(uint8_t cls)
{
	return cls == TDXC_VTLCTX_CLASS_SHARED || cls == TDXC_VTLCTX_CLASS_GLOBAL_PER_VP;
}

/* Bytes of the common section and of one VTL's private section. */
static void section_sizes(uint32_t caps, size_t *common, size_t *priv)
{
	uint32_t f;
	*common = 0;
	*priv = 0;
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		uint8_t cls = vtlctx_resolve(f, caps);
		if (is_common(cls))
			*common += tdxc__vtlctx_fields[f].size;
		else if (cls == TDXC_VTLCTX_CLASS_PRIVATE)
			*priv += tdxc__vtlctx_fields[f].size;
	}
}

static unsigned popcount16(uint16_t m)
{
	unsigned n = 0;
	for (; m; m &= (uint16_t)(m - 1))
		n++;
	return n;
}

static size_t blob_size(uint32_t caps, uint16_t vp_mask)
{
	size_t c, p;
	section_sizes(caps, &c, &p);
	return TDXC_VTLCTX_SAVE_HEADER_SIZE + c + (size_t)popcount16(vp_mask) * p;
}

static uint32_t fnv1a(const uint8_t *b, size_t n)
{
	uint32_t h = 0x811C9DC5u;
	size_t i;
	for (i = 0; i < n; i++) {
		/* The checksum field itself counts as zero. */
		uint8_t c = (i >= H_CSUM && i < H_CSUM + 4) ? 0 : b[i];
		h = (h ^ c) * 0x01000193u;
	}
	return h;
}

int tdxc_vtlctx_save_size(const struct tdxc_vtlctx *store, size_t *size)
{
	const struct vtlctx_store *s;
	if (!store || !size)
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (s->magic != VTLCTX_STORE_MAGIC)
		return TDXC_EINVAL;
	*size = blob_size(s->caps, s->vp_mask);
	return 0;
}

int tdxc_vtlctx_save(const struct tdxc_vtlctx *store, void *buf, size_t len, size_t *written)
{
	const struct vtlctx_store *s;
	const uint8_t *shared;
	uint8_t *b = (uint8_t *)buf;
	size_t need, pos;
	uint32_t f;
	unsigned v;
	int rc;

	if (!store || !buf)
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (s->magic != VTLCTX_STORE_MAGIC)
		return TDXC_EINVAL;
	if (s->staged != VTLCTX_NONE)
		return TDXC_ESTATE;
	need = blob_size(s->caps, s->vp_mask);
	if (len < need)
		return TDXC_ENOSPC;
	rc = tdxc__vtlctx_integrity(s);
	if (rc)
		return rc;

	tdxc__memset(b, 0, TDXC_VTLCTX_SAVE_HEADER_SIZE);
	tdxc__put_le32(b + H_MAGIC, TDXC_VTLCTX_SAVE_MAGIC);
	tdxc__put_le16(b + H_VERSION, TDXC_VTLCTX_SAVE_VERSION);
	tdxc__put_le16(b + H_HDRSIZE, TDXC_VTLCTX_SAVE_HEADER_SIZE);
	tdxc__put_le32(b + H_TOTAL, (uint32_t)need);
	b[H_NVTLS] = s->n_vtls;
	b[H_BACKEND] = s->backend;
	b[H_ACTIVE] = s->active;
	tdxc__put_le32(b + H_CAPS, s->caps);
	tdxc__put_le16(b + H_PART, s->part_mask);
	tdxc__put_le16(b + H_VP, s->vp_mask);
	tdxc__put_le16(b + H_NFIELDS, TDXC_VTLCTX_F_COUNT);

	pos = TDXC_VTLCTX_SAVE_HEADER_SIZE;
	shared = vtlctx_shared_img(s);
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
		uint8_t cls = vtlctx_resolve(f, s->caps);
		if (!is_common(cls))
			continue;
		tdxc__memcpy(b + pos,
			     (cls == TDXC_VTLCTX_CLASS_SHARED ? shared : s->common) + d->img_off,
			     d->size);
		pos += d->size;
	}
	for (v = 0; v < s->n_vtls; v++) {
		if (!((s->vp_mask >> v) & 1u))
			continue;
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
			const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
			if (vtlctx_resolve(f, s->caps) != TDXC_VTLCTX_CLASS_PRIVATE)
				continue;
			tdxc__memcpy(b + pos, s->img[v] + d->img_off, d->size);
			pos += d->size;
		}
	}
	tdxc__put_le32(b + H_CSUM, fnv1a(b, need));
	if (written)
		*written = need;
	return 0;
}

/* Walk the payload; with apply false only check values, else copy. */
static bool payload(struct vtlctx_store *s, const uint8_t *b, uint8_t active, bool apply)
{
	size_t pos = TDXC_VTLCTX_SAVE_HEADER_SIZE;
	uint32_t f;
	unsigned v;
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
		uint8_t cls = vtlctx_resolve(f, s->caps);
		if (!is_common(cls))
			continue;
		if (!apply && !tdxc__vtlctx_value_ok(f, b + pos))
			return false;
		if (apply) {
			uint8_t *dst = cls == TDXC_VTLCTX_CLASS_SHARED &&
						       s->backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE
					       ? s->img[active]
					       : s->common;
			tdxc__memcpy(dst + d->img_off, b + pos, d->size);
		}
		pos += d->size;
	}
	for (v = 0; v < s->n_vtls; v++) {
		if (!((s->vp_mask >> v) & 1u))
			continue;
		for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
			const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
			if (vtlctx_resolve(f, s->caps) != TDXC_VTLCTX_CLASS_PRIVATE)
				continue;
			if (!apply && !tdxc__vtlctx_value_ok(f, b + pos))
				return false;
			if (apply)
				tdxc__memcpy(s->img[v] + d->img_off, b + pos, d->size);
			pos += d->size;
		}
	}
	return true;
}

int tdxc_vtlctx_restore(struct tdxc_vtlctx *store, const void *buf, size_t len)
{
	struct vtlctx_store *s;
	const uint8_t *b = (const uint8_t *)buf;
	uint32_t total;
	uint8_t active;
	int rc;

	if (!store || !buf)
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (s->magic != VTLCTX_STORE_MAGIC)
		return TDXC_EINVAL;
	if (s->staged != VTLCTX_NONE)
		return TDXC_ESTATE;
	if (len < TDXC_VTLCTX_SAVE_HEADER_SIZE)
		return TDXC_ETRUNC;
	if (tdxc__le32(b + H_MAGIC) != TDXC_VTLCTX_SAVE_MAGIC)
		return TDXC_EBADSIG;
	if (tdxc__le16(b + H_VERSION) != TDXC_VTLCTX_SAVE_VERSION)
		return TDXC_EVERSION;
	if (tdxc__le16(b + H_HDRSIZE) != TDXC_VTLCTX_SAVE_HEADER_SIZE)
		return TDXC_EMALFORMED;
	total = tdxc__le32(b + H_TOTAL);
	if (total > len)
		return TDXC_ETRUNC;
	if (total < len)
		return TDXC_ESIZE;
	if (b[H_RSV0] || tdxc__le16(b + H_RSV1))
		return TDXC_ERESERVED;
	if (tdxc__le32(b + H_CSUM) != fnv1a(b, len))
		return TDXC_ECHECKSUM;
	if (tdxc__le16(b + H_NFIELDS) != TDXC_VTLCTX_F_COUNT)
		return TDXC_EVERSION;
	if (b[H_NVTLS] != s->n_vtls || tdxc__le32(b + H_CAPS) != s->caps ||
	    tdxc__le16(b + H_PART) != s->part_mask || tdxc__le16(b + H_VP) != s->vp_mask)
		return TDXC_ENOTUSABLE;
	if (b[H_BACKEND] != TDXC_VTLCTX_BACKEND_TDX_STAGED &&
	    b[H_BACKEND] != TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return TDXC_EMALFORMED;
	if (len != blob_size(s->caps, s->vp_mask))
		return TDXC_EMALFORMED;
	active = b[H_ACTIVE];
	if (active >= s->n_vtls || !((s->vp_mask >> active) & 1u))
		return TDXC_EMALFORMED;
	if (s->backend == TDXC_VTLCTX_BACKEND_TDX_STAGED)
		active = 0; /* no active page: the shared block is global */
	if (!payload(s, b, active, false))
		return TDXC_EMALFORMED;
	rc = tdxc__vtlctx_integrity(s);
	if (rc)
		return rc;
	payload(s, b, active, true);
	s->active = active;
	s->exit_vtl = VTLCTX_NONE;
	return 0;
}
