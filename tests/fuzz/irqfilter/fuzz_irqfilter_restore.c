/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Restore of arbitrary blobs into a configured 2-VP partition.
 * Input byte 0 is a control byte: bit 0 set -> the blob's checksum is
 * recomputed first, so the parser behind the checksum is reached too.
 *  - rejected: the partition is byte-identical to before;
 *  - accepted: every filter is default-deny until recomputed, a new save
 *    reproduces the blob byte for byte, and no recomputed filter allows a
 *    vector 0..15.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/irqfilter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void fix_csum(uint8_t *b, size_t len)
{
	uint32_t h = 2166136261u;
	if (len < 48)
		return;
	for (size_t i = 0; i < len; i++)
		h = (h ^ ((i >= 40 && i < 44) ? 0 : b[i])) * 16777619u;
	b[40] = (uint8_t)h;
	b[41] = (uint8_t)(h >> 8);
	b[42] = (uint8_t)(h >> 16);
	b[43] = (uint8_t)(h >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tdxc_irqfilter_params p;
	struct tdxc_irqfilter_part *part = NULL;
	struct tdxc_irqfilter_vp *vp[2];
	uint32_t both[2] = { 0, 1 }, w[8];
	uint8_t *blob, *again, *snap;
	size_t size, blen, alen;
	void *mem;

	if (len < 1)
		return 0;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = 2;
	p.max_device_entries = 4;
	p.relay_sints = 1u << 2;
	check(tdxc_irqfilter_storage_size(&p, &size) == 0);
	mem = aligned_alloc(64, size);
	check(mem && tdxc_irqfilter_init(mem, size, &p, &part) == 0);
	check(tdxc_irqfilter_vp_get(part, 0, &vp[0]) == 0);
	check(tdxc_irqfilter_vp_get(part, 1, &vp[1]) == 0);
	/* Some live state the restore must either keep or replace. */
	check(tdxc_irqfilter_scontrol_write(vp[0], 0, 1) >= 0);
	check(tdxc_irqfilter_sint_write(vp[0], 0, 2, 0x2f) >= 0);
	check(tdxc_irqfilter_device_add(part, 9, 0x80, both, 2, NULL) == 0);
	check(tdxc_irqfilter_sync_all(part) >= 0);

	blen = len - 1;
	blob = malloc(blen ? blen : 1);
	snap = malloc(size);
	check(blob && snap);
	memcpy(blob, data + 1, blen);
	if (data[0] & 1)
		fix_csum(blob, blen);
	memcpy(snap, mem, size);

	if (tdxc_irqfilter_restore(part, blob, blen) != 0) {
		check(memcmp(snap, mem, size) == 0);
	} else {
		for (int i = 0; i < 2; i++) {
			check(tdxc_irqfilter_read(vp[i], w, NULL) == 0);
			for (int k = 0; k < 8; k++)
				check(w[k] == 0);
		}
		check(tdxc_irqfilter_save_size(part, &alen) == 0);
		check(alen == blen);
		again = malloc(alen);
		check(again && tdxc_irqfilter_save(part, again, alen, NULL) == 0);
		check(memcmp(again, blob, blen) == 0);
		free(again);
		check(tdxc_irqfilter_sync_all(part) >= 0);
		for (int i = 0; i < 2; i++) {
			check(tdxc_irqfilter_read(vp[i], w, NULL) == 0);
			check((w[0] & 0xffff) == 0);
		}
	}
	free(snap);
	free(blob);
	free(mem);
	return 0;
}
