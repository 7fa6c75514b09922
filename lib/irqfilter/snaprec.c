/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irqfilter record in the snapshot container: one record per partition
 * (instance 0) whose body is the partition's input blob
 * (lib/irqfilter/save.c). The derived filters are never carried.
 *
 * The inputs are SynIC state of VTL0 and VTL1 plus the partition's device
 * routing, which belongs to the paravisor above them: only a producer at
 * VTL TDXC_IRQFILTER_NUM_VTLS or higher may write or restore them.
 */
#include "irqfilter_priv.h"
#include "snapshot_priv.h"

static bool producer_ok(uint8_t producer)
{
	return producer != TDXC_SNAPSHOT_VTL_NONE && producer >= TDXC_IRQFILTER_NUM_VTLS;
}

int tdxc_irqfilter_snapshot_add(const struct tdxc_irqfilter_part *part,
				struct tdxc_snapshot_writer *w)
{
	uint8_t producer, *body;
	size_t need;
	int rc;

	if (!tdxc__irqfilter_part_ok(part) || !w)
		return TDXC_EINVAL;
	if ((rc = tdxc__snapshot_writer_vtl(w, &producer)))
		return rc;
	if (!producer_ok(producer))
		return TDXC_EPERM;
	if ((rc = tdxc_irqfilter_save_size(part, &need)))
		return rc;
	if ((rc = tdxc__snapshot_rec_begin(w, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, need, &body)))
		return rc;
	return body ? tdxc_irqfilter_save(part, body, need, NULL) : 0;
}

int tdxc_irqfilter_snapshot_restore(struct tdxc_irqfilter_part *part,
				    const struct tdxc_snapshot_reader *r)
{
	const uint8_t *b;
	uint64_t len;
	uint8_t producer;
	int rc;

	if (!tdxc__irqfilter_part_ok(part) || !r)
		return TDXC_EINVAL;
	if ((rc = tdxc_snapshot_producer_vtl(r, &producer)))
		return rc;
	if ((rc = tdxc__snapshot_rec_find(r, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, &b, &len)))
		return rc;
	if (!producer_ok(producer))
		return TDXC_EPERM;
	return tdxc_irqfilter_restore(part, b, (size_t)len);
}
