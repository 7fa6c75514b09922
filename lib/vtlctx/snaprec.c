/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx records in the snapshot container: one record per VP (instance =
 * VP index) whose body is the store's own save blob (lib/vtlctx/snapshot.c).
 * This file adds what the container knows and the blob does not: who
 * produced it. The blob holds every guest VTL's private state and the
 * owner's entry plumbing, i.e. state of VTL n_vtls, so only a producer at
 * that level (the owner of the store) may write or restore it.
 */
#include "vtlctx_priv.h"
#include "snapshot_priv.h"

/* Blob header offsets used here (see lib/vtlctx/snapshot.c). */
#define B_NVTLS 12
#define B_CAPS 16
#define B_PART 20
#define B_VP 22

static bool producer_ok(uint8_t producer, uint8_t n_vtls)
{
	return producer != TDXC_SNAPSHOT_VTL_NONE && producer >= n_vtls;
}

int tdxc_vtlctx_snapshot_add(const struct tdxc_vtlctx *store, uint32_t vp_index,
			     struct tdxc_snapshot_writer *w)
{
	const struct vtlctx_store *s;
	uint8_t producer, *body;
	size_t need;
	int rc;

	if (!store || !w)
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (s->magic != VTLCTX_STORE_MAGIC)
		return TDXC_EINVAL;
	if ((rc = tdxc__snapshot_writer_vtl(w, &producer)))
		return rc;
	if (!producer_ok(producer, s->n_vtls))
		return TDXC_EPERM;
	if (s->staged != VTLCTX_NONE)
		return TDXC_ESTATE;
	if ((rc = tdxc__vtlctx_integrity(s)))
		return rc;
	if ((rc = tdxc_vtlctx_save_size(store, &need)))
		return rc;
	if ((rc = tdxc__snapshot_rec_begin(w, TDXC_SNAPSHOT_MOD_VTLCTX, vp_index, need, &body)))
		return rc;
	/* Checked above: saving cannot fail any more. */
	return body ? tdxc_vtlctx_save(store, body, need, NULL) : 0;
}

int tdxc_vtlctx_snapshot_restore(struct tdxc_vtlctx *store, uint32_t vp_index,
				 const struct tdxc_snapshot_reader *r)
{
	struct vtlctx_store *s;
	const uint8_t *b;
	uint64_t len;
	uint8_t producer;
	uint16_t part, vp;
	int rc;

	if (!store || !r)
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (s->magic != VTLCTX_STORE_MAGIC)
		return TDXC_EINVAL;
	if ((rc = tdxc_snapshot_producer_vtl(r, &producer)))
		return rc;
	if ((rc = tdxc__snapshot_rec_find(r, TDXC_SNAPSHOT_MOD_VTLCTX, vp_index, &b, &len)))
		return rc;
	/* Higher-VTL state from a lower producer is never taken. */
	if (!producer_ok(producer, s->n_vtls))
		return TDXC_EPERM;
	if (len < TDXC_VTLCTX_SAVE_HEADER_SIZE)
		return TDXC_ETRUNC;
	if (tdxc__le32(b) != TDXC_VTLCTX_SAVE_MAGIC)
		return TDXC_EBADSIG;
	/* The blob may not give the VP more than it has: no VTL enabled that
	 * the VP (or the partition) lacks, no capability the store lacks.
	 * Any other difference is a configuration mismatch (ENOTUSABLE from
	 * the restore below). */
	if (b[B_NVTLS] != s->n_vtls)
		return TDXC_ENOTUSABLE;
	part = tdxc__le16(b + B_PART);
	vp = tdxc__le16(b + B_VP);
	if ((vp & (uint16_t)~s->vp_mask) || (part & (uint16_t)~s->part_mask) ||
	    (tdxc__le32(b + B_CAPS) & ~s->caps))
		return TDXC_EPERM;
	return tdxc_vtlctx_restore(store, b, (size_t)len);
}
