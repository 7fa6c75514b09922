/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irqfilter in one page: a paravisor's view of one VM with two VPs.
 *
 *  1. Create the partition in our own memory; VMBus relays SINT2.
 *  2. Mirror VP0's filter into a (simulated) run page, inverted, where a
 *     kernel interrupt handler would read it.
 *  3. The guest enables its SynIC and programs the VMBus SINT without the
 *     proxy bit (what a Confidential-VMBus guest does): the vector is
 *     allowed because SINT2 is relayed.
 *  4. The untrusted host asserts interrupts: the VMBus vector goes through,
 *     an exception vector and an out-of-range vector are blocked and counted.
 *  5. A device interrupt is retargeted to VP1: publish, wait until VP1 has
 *     applied it, and only then let the "hypervisor" deliver.
 *  6. Save the inputs, restore them into a fresh partition: default deny
 *     until recomputed, then the same filter.
 * The program checks its own results and exits non-zero on a surprise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/irqfilter.h>

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "unexpected: %s (line %d)\n", #cond,   \
				__LINE__);                                     \
			exit(1);                                               \
		}                                                              \
	} while (0)

static struct tdxc_irqfilter_part *make_partition(void)
{
	struct tdxc_irqfilter_params p;
	struct tdxc_irqfilter_part *part;
	size_t size;
	void *mem;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = 2;
	p.max_device_entries = 32;
	p.relay_sints = 1u << 2; /* VMBus uses SINT2 */
	CHECK(tdxc_irqfilter_storage_size(&p, &size) == 0);
	mem = aligned_alloc(TDXC_IRQFILTER_STORAGE_ALIGN, size);
	CHECK(mem != NULL);
	CHECK(tdxc_irqfilter_init(mem, size, &p, &part) == 0);
	return part;
}

/* In a real VMM the kick sets a wake reason on the VP's thread, which calls
 * tdxc_irqfilter_vp_sync() before it re-enters the guest. This program has
 * one thread, so the kick syncs the VP directly. */
static int kick(void *ctx, uint32_t vp_index)
{
	struct tdxc_irqfilter_vp *vp;
	CHECK(tdxc_irqfilter_vp_get(ctx, vp_index, &vp) == 0);
	printf("  kick VP%u: it recomputes and publishes\n", vp_index);
	return tdxc_irqfilter_vp_sync(vp) < 0;
}

int main(void)
{
	struct tdxc_irqfilter_part *part = make_partition(), *copy;
	struct tdxc_irqfilter_vp *vp0, *vp1, *c0;
	static uint32_t run_page[1024]; /* 4 KiB */
	uint32_t *blocked = run_page + TDXC_IRQFILTER_RUNPAGE_PROXY_IRR_BLOCKED / 4;
	uint32_t asserted[8] = { 0 }, delivered[8], before[8], after[8];
	uint32_t targets[1] = { 1 };
	uint64_t gen, drops;
	size_t len;
	uint8_t *blob;
	int n;

	CHECK(tdxc_irqfilter_vp_get(part, 0, &vp0) == 0);
	CHECK(tdxc_irqfilter_vp_get(part, 1, &vp1) == 0);

	/* 2. Before any publish everything is blocked, in the run page too. */
	CHECK(tdxc_irqfilter_vp_set_mirror(vp0, blocked) == 0);
	printf("run page blocked[1] before the guest runs: %08x\n", blocked[1]);

	/* 3. SCONTROL enable, then SINT2 = vector 0x2f, unmasked, proxy 0. */
	CHECK(tdxc_irqfilter_scontrol_write(vp0, 0, TDXC_IRQFILTER_SCONTROL_ENABLE) == 0);
	n = tdxc_irqfilter_sint_write(vp0, 0, 2, 0x2f);
	printf("guest writes SINT2=0x2f: %s\n", n == 1 ? "filter republished" : "no change");
	CHECK(n == 1);
	printf("run page blocked[1] now: %08x (bit 15 = vector 0x2f clear)\n", blocked[1]);
	/* A VTL1 write to its own SINT2 never touches the VTL0 filter. */
	CHECK(tdxc_irqfilter_sint_write(vp0, 1, 2, 0x2f | TDXC_IRQFILTER_SINT_MASKED) == 0);
	/* An unmasked exception vector is a #GP for the guest. */
	CHECK(tdxc_irqfilter_sint_write(vp0, 0, 3, 0x05) == TDXC_ERANGE);

	/* 4. The host asserts 0x2f and 0x05 together, then 0x1ff alone. */
	asserted[0x2f >> 5] |= 1u << (0x2f & 31);
	asserted[0x05 >> 5] |= 1u << (0x05 & 31);
	n = tdxc_irqfilter_apply8(vp0, asserted, delivered);
	printf("host asserts {0x05, 0x2f}: %d blocked, 0x2f %s\n", n,
	       (delivered[1] >> 15) & 1 ? "delivered" : "dropped");
	CHECK(n == 1 && delivered[0] == 0 && delivered[1] == 1u << 15);
	/* Single-vector message: 0x1ff is masked to 0xff, which is blocked. */
	CHECK(tdxc_irqfilter_apply1(vp0, 0x1ff) == 0);
	CHECK(tdxc_irqfilter_vp_counters(vp0, &drops, NULL, NULL) == 0);
	printf("drops on VP0 so far: %llu\n", (unsigned long long)drops);
	CHECK(drops == 2);

	/* 5. Retarget device 0x42's vector 0x61 to VP1. */
	CHECK(tdxc_irqfilter_device_add(part, 0x42, 0x61, targets, 1, &gen) == 0);
	printf("device vector 0x61 -> VP1 at generation %llu\n", (unsigned long long)gen);
	CHECK(tdxc_irqfilter_wait_applied(part, targets, 1, gen, kick, NULL, part, 1000) == 0);
	/* Only now tell the hypervisor; its first interrupt is delivered. */
	CHECK(tdxc_irqfilter_apply1(vp1, 0x61) == 1);
	printf("first interrupt 0x61 on VP1: delivered\n");

	/* 6. Save the inputs and restore them elsewhere. */
	CHECK(tdxc_irqfilter_save_size(part, &len) == 0);
	blob = malloc(len);
	CHECK(blob && tdxc_irqfilter_save(part, blob, len, NULL) == 0);
	copy = make_partition();
	CHECK(tdxc_irqfilter_restore(copy, blob, len) == 0);
	CHECK(tdxc_irqfilter_vp_get(copy, 0, &c0) == 0);
	CHECK(tdxc_irqfilter_apply1(c0, 0x2f) == 0); /* default deny after restore */
	n = tdxc_irqfilter_sync_all(copy);
	printf("restored %zu-byte blob; %d VP filters recomputed\n", len, n);
	CHECK(tdxc_irqfilter_read(vp0, before, NULL) == 0);
	CHECK(tdxc_irqfilter_read(c0, after, NULL) == 0);
	CHECK(memcmp(before, after, sizeof(before)) == 0);
	printf("restored VP0 filter is identical\n");

	free(blob);
	free(copy);
	free(part);
	return 0;
}
