/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Save/restore of the filter inputs (never the derived bitmap).
 *
 * Blob format, version 1, all integers little-endian:
 *   0  8  magic "TDXCIRQF"
 *   8  4  version (1)
 *  12  4  header size (48)
 *  16  4  total size of the blob
 *  20  4  VP count
 *  24  4  device entry count
 *  28  4  policy flags
 *  32  2  relayed-SINT mask
 *  34  2  reserved, 0
 *  36  4  VP record size (272)
 *  40  4  checksum: FNV-1a 32 of the whole blob with these 4 bytes as zero
 *  44  4  reserved, 0
 *  48     VP records: for VTL 0 then 1: SCONTROL u64, SINT0..15 u64
 *   ..    device entries, strictly ascending by (device, vector, VP):
 *         device u64, VP u32, vector u16, reserved u16 (0), count u32 (>0),
 *         reserved u32 (0)
 */
#include "irqfilter_priv.h"

#define HDR_SIZE 48u
#define VP_REC_SIZE (IRQF_NVTL * (1 + IRQF_NSINT) * 8u)
#define ENT_SIZE 24u
#define CSUM_OFF 40u

static const uint8_t magic[8] = { 'T', 'D', 'X', 'C', 'I', 'R', 'Q', 'F' };

TDXC_STATIC_ASSERT(VP_REC_SIZE == 272, irqf_vp_record);

static uint32_t checksum(const uint8_t *b, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < len; i++) {
		uint8_t c = (i >= CSUM_OFF && i < CSUM_OFF + 4) ? 0 : b[i];
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* Blob size for the given counts (bounded by the object limits: no wrap). */
static uint64_t blob_size(uint64_t vps, uint64_t entries)
{
	return HDR_SIZE + vps * VP_REC_SIZE + entries * ENT_SIZE;
}

int tdxc_irqfilter_save_size(const struct tdxc_irqfilter_part *part, size_t *size)
{
	if (!tdxc__irqfilter_part_ok(part) || !size)
		return TDXC_EINVAL;
	*size = (size_t)blob_size(part->vp_count, part->n_entries);
	return 0;
}

int tdxc_irqfilter_save(const struct tdxc_irqfilter_part *part, void *buf, size_t len,
			size_t *written)
{
	uint8_t *b = (uint8_t *)buf, *q;
	size_t need;
	uint32_t i, v, n;

	if (!tdxc__irqfilter_part_ok(part) || !buf)
		return TDXC_EINVAL;
	need = (size_t)blob_size(part->vp_count, part->n_entries);
	if (len < need)
		return TDXC_ENOSPC;

	tdxc__memset(b, 0, HDR_SIZE);
	tdxc__memcpy(b, magic, sizeof(magic));
	tdxc__put_le32(b + 8, TDXC_IRQFILTER_SAVE_VERSION);
	tdxc__put_le32(b + 12, HDR_SIZE);
	tdxc__put_le32(b + 16, (uint32_t)need);
	tdxc__put_le32(b + 20, part->vp_count);
	tdxc__put_le32(b + 24, part->n_entries);
	tdxc__put_le32(b + 28, __atomic_load_n(&part->policy, __ATOMIC_RELAXED));
	tdxc__put_le16(b + 32, (uint16_t)__atomic_load_n(&part->relay, __ATOMIC_RELAXED));
	tdxc__put_le32(b + 36, VP_REC_SIZE);

	q = b + HDR_SIZE;
	for (i = 0; i < part->vp_count; i++) {
		const struct tdxc_irqfilter_vp *vp = &part->vps[i];
		for (v = 0; v < IRQF_NVTL; v++) {
			tdxc__put_le64(q, vp->scontrol[v]);
			q += 8;
			for (n = 0; n < IRQF_NSINT; n++, q += 8)
				tdxc__put_le64(q, vp->sint[v][n]);
		}
	}
	for (i = 0; i < part->n_entries; i++, q += ENT_SIZE) {
		const struct irqf_dev *e = &part->entries[i];
		tdxc__put_le64(q, e->dev_id);
		tdxc__put_le32(q + 8, e->vp);
		tdxc__put_le16(q + 12, (uint16_t)e->vector);
		tdxc__put_le16(q + 14, 0);
		tdxc__put_le32(q + 16, e->refs);
		tdxc__put_le32(q + 20, 0);
	}
	tdxc__put_le32(b + CSUM_OFF, checksum(b, need));
	if (written)
		*written = need;
	return 0;
}

/* Order of entries in the blob and the table: (device, vector, VP). */
static bool entry_before(const uint8_t *a, const uint8_t *b)
{
	uint64_t da = tdxc__le64(a), db = tdxc__le64(b);
	uint32_t va = tdxc__le16(a + 12), vb = tdxc__le16(b + 12);
	if (da != db)
		return da < db;
	if (va != vb)
		return va < vb;
	return tdxc__le32(a + 8) < tdxc__le32(b + 8);
}

/* Validate everything; no side effect. */
static int check_blob(const struct tdxc_irqfilter_part *part, const uint8_t *b, size_t len)
{
	uint32_t total, vps, ents, policy, i;
	const uint8_t *q;

	if (len < HDR_SIZE)
		return TDXC_ETRUNC;
	if (tdxc__memcmp(b, magic, sizeof(magic)) != 0)
		return TDXC_EBADSIG;
	if (tdxc__le32(b + 8) != TDXC_IRQFILTER_SAVE_VERSION)
		return TDXC_EVERSION;
	if (tdxc__le32(b + 12) != HDR_SIZE || tdxc__le32(b + 36) != VP_REC_SIZE)
		return TDXC_EMALFORMED;
	total = tdxc__le32(b + 16);
	vps = tdxc__le32(b + 20);
	ents = tdxc__le32(b + 24);
	if (total > len)
		return TDXC_ETRUNC;
	if (total != len || (uint64_t)total != blob_size(vps, ents))
		return TDXC_EMALFORMED;
	if (checksum(b, len) != tdxc__le32(b + CSUM_OFF))
		return TDXC_ECHECKSUM;
	if (tdxc__le16(b + 34) || tdxc__le32(b + 44))
		return TDXC_ERESERVED;
	policy = tdxc__le32(b + 28);
	if (tdxc__check_flags(policy, TDXC_IRQFILTER_POLICY_ALL))
		return TDXC_EFLAGS;
	if (vps != part->vp_count)
		return TDXC_EINVAL;
	if (ents > part->max_entries)
		return TDXC_ENOSPC;

	/*
	 * SINT and SCONTROL values are taken as they are: an unmasked SINT with
	 * a vector 0..15 is a reachable state (accepted under
	 * POLICY_ACCEPT_LOW_VECTORS, policy changed later) and the recompute
	 * never allows such a vector anyway.
	 */
	q = b + HDR_SIZE + (size_t)vps * VP_REC_SIZE;
	for (i = 0; i < ents; i++, q += ENT_SIZE) {
		uint32_t vec = tdxc__le16(q + 12);
		if (tdxc__le16(q + 14) || tdxc__le32(q + 20))
			return TDXC_ERESERVED;
		if (tdxc__le32(q + 8) >= part->vp_count || vec < TDXC_IRQFILTER_FIRST_VECTOR ||
		    vec >= TDXC_IRQFILTER_NUM_VECTORS || tdxc__le32(q + 16) == 0)
			return TDXC_EMALFORMED;
		if (i > 0 && !entry_before(q - ENT_SIZE, q))
			return TDXC_EMALFORMED;
	}
	return 0;
}

int tdxc_irqfilter_restore(struct tdxc_irqfilter_part *part, const void *buf, size_t len)
{
	static const uint32_t deny[IRQF_WORDS];
	const uint8_t *b = (const uint8_t *)buf, *q;
	uint32_t i, v, n, w;
	int rc;

	if (!tdxc__irqfilter_part_ok(part) || !buf)
		return TDXC_EINVAL;
	rc = check_blob(part, b, len);
	if (rc)
		return rc;

	__atomic_store_n(&part->policy, tdxc__le32(b + 28), __ATOMIC_RELAXED);
	__atomic_store_n(&part->relay, (uint32_t)tdxc__le16(b + 32), __ATOMIC_RELAXED);
	q = b + HDR_SIZE;
	for (i = 0; i < part->vp_count; i++) {
		struct tdxc_irqfilter_vp *vp = &part->vps[i];
		bool open = false;
		for (v = 0; v < IRQF_NVTL; v++) {
			vp->scontrol[v] = tdxc__le64(q);
			q += 8;
			for (n = 0; n < IRQF_NSINT; n++, q += 8)
				vp->sint[v][n] = tdxc__le64(q);
		}
		/* F5: default-deny until recomputed from the restored inputs. */
		for (w = 0; w < IRQF_WORDS; w++)
			open |= vp->cur[w] != 0;
		if (open)
			tdxc__irqfilter_publish(vp, deny);
		__atomic_store_n(&vp->applied_gen, 0, __ATOMIC_RELEASE);
	}
	part->n_entries = tdxc__le32(b + 24);
	for (i = 0; i < part->n_entries; i++, q += ENT_SIZE) {
		struct irqf_dev *e = &part->entries[i];
		e->dev_id = tdxc__le64(q);
		e->vp = tdxc__le32(q + 8);
		e->vector = tdxc__le16(q + 12);
		e->refs = tdxc__le32(q + 16);
		e->pad = 0;
	}
	tdxc__memset(&part->entries[part->n_entries], 0,
		     (size_t)(part->max_entries - part->n_entries) * sizeof(struct irqf_dev));
	tdxc__irqfilter_dev_rebuild(part);
	__atomic_add_fetch(&part->gen, 1, __ATOMIC_RELEASE);
	return 0;
}
