/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irqfilter example: the freestanding-friendly way to use the filter.
 *
 *   - memory: the partition lives in a static, 64-byte aligned buffer that
 *     this program owns for the partition's whole life; the library only
 *     says how much it needs (tdxc_irqfilter_storage_size()) and never
 *     allocates or keeps another pointer.
 *   - the interrupt path (on_proxy_interrupt) uses reader calls only:
 *     lock-free, never blocking, safe in an interrupt handler.
 *   - errors: every refused call returns a negative TDXC_E* code, printed
 *     with tdxc_strerror(), and leaves the partition as it was (checked by
 *     comparing save blobs).
 * Only printf comes from libc, for the narration. Exits 0 when every call
 * returns what the header documents.
 */
#include <stdio.h>
#include <string.h>

#include <tdxcore/irqfilter.h>

static _Alignas(TDXC_IRQFILTER_STORAGE_ALIGN) unsigned char storage[8192];
static unsigned char before[2048], after[2048], blob[2048];
static int failures, refused;

static void expect(const char *what, int rc, int want)
{
	refused++;
	printf("%-44s %-15s %s\n", what, tdxc_strerror_name(rc), tdxc_strerror(rc));
	if (rc != want) {
		printf("  ^ expected %s\n", tdxc_strerror_name(want));
		failures++;
	}
}

/* What an interrupt handler does with a vector the host signalled. */
static int on_proxy_interrupt(struct tdxc_irqfilter_vp *vp, uint32_t vector)
{
	return tdxc_irqfilter_apply1(vp, vector) == 1; /* 1: inject, 0: dropped */
}

static size_t save(const struct tdxc_irqfilter_part *part, unsigned char *buf)
{
	size_t n = 0;
	int rc = tdxc_irqfilter_save(part, buf, 2048, &n);
	if (rc)
		printf("save: %s\n", tdxc_strerror(rc));
	return rc ? 0 : n;
}

int main(void)
{
	struct tdxc_irqfilter_params p;
	struct tdxc_irqfilter_part *part;
	struct tdxc_irqfilter_vp *vp0;
	uint32_t vps[2] = { 1, 0 }, one = 0;
	size_t need = 0, n;
	uint64_t drops = 0;
	int rc;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = 2;
	p.max_device_entries = 4;
	rc = tdxc_irqfilter_storage_size(&p, &need);
	if (rc || need > sizeof(storage)) {
		printf("storage: %s (need %zu bytes)\n", tdxc_strerror(rc), need);
		return 1;
	}
	/* Too little memory or a misaligned buffer is refused, never used. */
	expect("init with too little storage", tdxc_irqfilter_init(storage, need - 64, &p, &part),
	       TDXC_ENOSPC);
	expect("init on a misaligned buffer", tdxc_irqfilter_init(storage + 8, need, &p, &part),
	       TDXC_EALIGN);
	rc = tdxc_irqfilter_init(storage, need, &p, &part);
	if (rc || (rc = tdxc_irqfilter_vp_get(part, 0, &vp0)) != 0) {
		printf("init: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* The guest programs SINT0 as a proxy SINT with vector 0x40; a device
	 * gets vector 0x51 on VP0. */
	if (tdxc_irqfilter_scontrol_write(vp0, 0, TDXC_IRQFILTER_SCONTROL_ENABLE) < 0 ||
	    tdxc_irqfilter_sint_write(vp0, 0, 0, 0x40 | TDXC_IRQFILTER_SINT_PROXY) < 0 ||
	    tdxc_irqfilter_device_add(part, 7, 0x51, &one, 1, NULL) != 0 ||
	    tdxc_irqfilter_vp_sync(vp0) < 0)
		return 1;
	printf("0x40 %s, 0x51 %s, 0x99 %s\n", on_proxy_interrupt(vp0, 0x40) ? "injected" : "dropped",
	       on_proxy_interrupt(vp0, 0x51) ? "injected" : "dropped",
	       on_proxy_interrupt(vp0, 0x99) ? "injected" : "dropped");
	tdxc_irqfilter_drops(vp0, 0x99, &drops);
	if (drops != 1 || !on_proxy_interrupt(vp0, 0x40) || !on_proxy_interrupt(vp0, 0x51))
		failures++;
	n = save(part, before);
	if (!n)
		return 1;

	/* Guest writes, device registrations and blobs are untrusted. */
	expect("guest SINT1 unmasked with vector 5 (#GP)",
	       tdxc_irqfilter_sint_write(vp0, 0, 1, 0x05), TDXC_ERANGE);
	expect("guest SINT16", tdxc_irqfilter_sint_write(vp0, 0, 16, 0x40), TDXC_ERANGE);
	expect("SINT write for VTL2", tdxc_irqfilter_sint_write(vp0, 2, 0, 0x40), TDXC_ENOTSUP);
	expect("device vector 0x1ff", tdxc_irqfilter_device_add(part, 7, 0x1ff, &one, 1, NULL),
	       TDXC_ERANGE);
	expect("device VP list not ascending",
	       tdxc_irqfilter_device_add(part, 7, 0x52, vps, 2, NULL), TDXC_EINVAL);
	expect("remove a device never added",
	       tdxc_irqfilter_device_remove(part, 8, 0x51, &one, 1, NULL), TDXC_ENOENT);
	memcpy(blob, before, n);
	blob[n / 2] ^= 0x40;
	expect("restore of a damaged blob", tdxc_irqfilter_restore(part, blob, n),
	       TDXC_ECHECKSUM);
	expect("restore of a truncated blob", tdxc_irqfilter_restore(part, before, n - 1),
	       TDXC_ETRUNC);

	if (save(part, after) != n || memcmp(before, after, n) != 0 ||
	    !on_proxy_interrupt(vp0, 0x40)) {
		printf("the partition changed after refused calls\n");
		failures++;
	} else {
		printf("partition unchanged after %d refused calls\n", refused);
	}
	return failures ? 1 : 0;
}
