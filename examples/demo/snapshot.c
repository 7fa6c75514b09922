/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 6: snapshot of the VP and the interrupt filter (servicing or
 * migration).
 *
 * Each module adds its own record to a snapshot container
 * (tdxcore/snapshot.h: versioned records, a CRC-32 over everything) and
 * restores from it, all or nothing.
 * The VP runs on after the snapshot; then the container is restored into
 * a new VP and a new partition (as on the destination of a migration) and
 * every register of both VTLs, every SINT and every published filter word
 * is compared with the state at snapshot time. A container with one
 * flipped bit is refused.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define OWNER ((tdxc_vtlctx_vtl)2)
#define PRODUCER_VTL 2 /* the paravisor writes the container */

/* Every readable field of both VTLs, in field order: one status byte
 * (0 = read) then the field's bytes. */
static size_t vp_dump(const struct tdxc_vtlctx *vp, uint8_t *out, size_t cap)
{
	struct tdxc_vtlctx_field_info fi;
	size_t off = 0;
	uint32_t f;
	unsigned vtl;

	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		if (tdxc_vtlctx_field_info(f, &fi) != 0 ||
		    fi.cls == TDXC_VTLCTX_CLASS_PER_EXIT)
			continue;
		for (vtl = 0; vtl < 2; vtl++) {
			if (off + 1 + fi.size > cap)
				return 0;
			memset(out + off + 1, 0, fi.size);
			out[off] = (uint8_t)-tdxc_vtlctx_read(vp, OWNER, (tdxc_vtlctx_vtl)vtl,
							      f, out + off + 1, fi.size);
			off += 1 + fi.size;
		}
	}
	return off;
}

/* Every VP's published filter and SINT registers. */
struct irq_state {
	uint32_t allowed[2][TDXC_IRQFILTER_WORDS];
	uint64_t sint[2][2][TDXC_IRQFILTER_NUM_SINTS];
};

static int irq_dump(struct tdxc_irqfilter_part *part, struct irq_state *s)
{
	struct tdxc_irqfilter_vp *vp;
	uint32_t i, vtl, n;
	memset(s, 0, sizeof(*s));
	for (i = 0; i < 2; i++) {
		if (tdxc_irqfilter_vp_get(part, i, &vp) || tdxc_irqfilter_read(vp, s->allowed[i], NULL))
			return 0;
		for (vtl = 0; vtl < 2; vtl++)
			for (n = 0; n < TDXC_IRQFILTER_NUM_SINTS; n++)
				if (tdxc_irqfilter_sint_read(vp, vtl, n, &s->sint[i][vtl][n]))
					return 0;
	}
	return 1;
}

/* Write the container; with buf NULL it only measures (*total). The
 * paravisor (VTL2) produces it: the VP record holds VTL0 and VTL1 state. */
static int write_container(struct demo_vm *vm, void *buf, size_t cap, size_t *total)
{
	struct tdxc_snapshot_writer w;
	int rc = tdxc_snapshot_writer_init(&w, buf, cap, PRODUCER_VTL);
	if (!rc)
		rc = tdxc_vtlctx_snapshot_add(vm->vp, 0, &w);
	if (!rc)
		rc = tdxc_irqfilter_snapshot_add(vm->irq, &w);
	return rc ? rc : tdxc_snapshot_finish(&w, total);
}

void demo_snapshot(struct demo_vm *vm)
{
	static uint8_t blob[32768], bad[32768], dump_then[16384], dump_now[16384];
	static _Alignas(8) uint8_t vp_storage[16384];
	static _Alignas(4096) uint8_t pages[2][TDXC_VTLCTX_PAGE_SIZE];
	static _Alignas(64) uint8_t irq_storage[16384];
	static struct irq_state irq_then, irq_now;
	static const uint16_t known[] = { TDXC_SNAPSHOT_MOD_VTLCTX, TDXC_SNAPSHOT_MOD_IRQFILTER };
	void *page_ptrs[2] = { pages[0], pages[1] };
	struct tdxc_snapshot_reader rd;
	struct tdxc_snapshot_record rec;
	struct tdxc_vtlctx *vp2 = NULL;
	struct tdxc_irqfilter_part *irq2 = NULL;
	struct tdxc_irqfilter_vp *v0;
	size_t total = 0, len_then, need;
	int rc, vp_same = 0, irq_same = 0;

	demo_section("snapshot", "Snapshot: VP and filter saved, restored elsewhere, compared");
	if (!vm->vp || !vm->irq) {
		demo_expect(0, "the VP and the partition of the earlier sections exist");
		demo_verdict(0, "nothing to snapshot");
		return;
	}

	/* 1. State at snapshot time, then the container (measured first). */
	len_then = vp_dump(vm->vp, dump_then, sizeof(dump_then));
	demo_expect(len_then > 0 && irq_dump(vm->irq, &irq_then), "state readable");
	rc = write_container(vm, NULL, 0, &total);
	if (!demo_expect_rc(rc, 0, "measuring the container") ||
	    !demo_expect(total <= sizeof(blob), "container fits the buffer") ||
	    !demo_expect_rc(write_container(vm, blob, sizeof(blob), &total), 0,
			    "writing the container")) {
		demo_verdict(0, "no snapshot written");
		return;
	}
	demo_say("container: %zu bytes, written by VTL2: records vtlctx (VP 0, both VTLs) "
		 "and irqfilter", total);

	/* A guest VTL may not produce a container with VTL1 state in it. */
	{
		struct tdxc_snapshot_writer gw;
		rc = tdxc_snapshot_writer_init(&gw, NULL, 0, 0);
		if (!rc)
			rc = tdxc_vtlctx_snapshot_add(vm->vp, 0, &gw);
		demo_say("the same record in a container produced by VTL0: %s (%s)",
			 tdxc_strerror_name(rc), tdxc_strerror(rc));
		demo_expect(rc == TDXC_EPERM, "VTL0 cannot snapshot VTL1 state");
	}

	/* 2. The VM runs on: VTL0 moves, the guest masks the VMBus SINT. */
	tdxc_vtlctx_set(vm->vp, OWNER, 0, TDXC_VTLCTX_F_RIP, 0xffffffff81234567ull);
	tdxc_irqfilter_vp_get(vm->irq, 0, &v0);
	tdxc_irqfilter_sint_write(v0, 0, 2, 0x2f | TDXC_IRQFILTER_SINT_MASKED);
	vp_dump(vm->vp, dump_now, sizeof(dump_now));
	demo_expect(memcmp(dump_then, dump_now, len_then) != 0 &&
			    tdxc_irqfilter_apply1(v0, 0x2f) == 0,
		    "live state moved on after the snapshot");
	demo_say("the VM runs on: VTL0 RIP changes, the guest masks SINT2");

	/* 3. The container is untrusted input: one flipped bit is refused. */
	memcpy(bad, blob, total);
	bad[total / 2] ^= 0x10;
	rc = tdxc_snapshot_open(&rd, bad, total, NULL, 0);
	demo_say("container with one flipped bit: %s (%s)", tdxc_strerror_name(rc),
		 tdxc_strerror(rc));
	demo_expect(rc == TDXC_ECHECKSUM, "corrupted container refused");

	/* 4. Open (the whole container is validated here) and check that every
	 *    record is one this program knows how to restore. */
	rc = tdxc_snapshot_open(&rd, blob, total, NULL, 0);
	if (!demo_expect_rc(rc, 0, "tdxc_snapshot_open") ||
	    !demo_expect_rc(tdxc_snapshot_check_known(&rd, known, 2, NULL), 0,
			    "tdxc_snapshot_check_known") ||
	    !demo_expect_rc(tdxc_snapshot_find(&rd, TDXC_SNAPSHOT_MOD_VTLCTX, 0, &rec), 0,
			    "find the vtlctx record")) {
		demo_verdict(0, "container not readable");
		return;
	}
	demo_say("opened and validated: vtlctx record version %u, %llu bytes",
		 rec.module_version, (unsigned long long)rec.length);

	/* 5. Destination: a new VP with the same configuration (VTL1 enabled
	 *    as on the source) and a new partition; restore both. */
	if (demo_expect_rc(tdxc_vtlctx_storage_size(&vm->vp_params, &need), 0, "storage size") &&
	    demo_expect(need <= sizeof(vp_storage), "VP storage fits") &&
	    demo_expect_rc(tdxc_vtlctx_init(vp_storage, need, &vm->vp_params, page_ptrs, &vp2),
			   0, "new VP") &&
	    demo_expect_rc(tdxc_vtlctx_enable(vp2, 1), 0, "enable VTL1 on the new VP")) {
		rc = tdxc_vtlctx_snapshot_restore(vp2, 0, &rd);
		if (demo_expect_rc(rc, 0, "tdxc_vtlctx_snapshot_restore"))
			vp_same = vp_dump(vp2, dump_now, sizeof(dump_now)) == len_then &&
				  memcmp(dump_then, dump_now, len_then) == 0;
	}
	if (demo_expect_rc(tdxc_irqfilter_storage_size(&vm->irq_params, &need), 0,
			   "partition size") &&
	    demo_expect(need <= sizeof(irq_storage), "partition storage fits") &&
	    demo_expect_rc(tdxc_irqfilter_init(irq_storage, need, &vm->irq_params, &irq2), 0,
			   "new partition")) {
		rc = tdxc_irqfilter_snapshot_restore(irq2, &rd);
		if (demo_expect_rc(rc, 0, "tdxc_irqfilter_snapshot_restore")) {
			/* Restored filters stay default-deny until recomputed. */
			tdxc_irqfilter_sync_all(irq2);
			irq_same = irq_dump(irq2, &irq_now) &&
				   memcmp(&irq_then, &irq_now, sizeof(irq_now)) == 0;
		}
	}
	demo_say("restored into a new VP: %zu bytes of register state of VTL0 and VTL1 %s",
		 len_then, vp_same ? "identical" : "DIFFERENT");
	demo_say("restored into a new partition: SINTs and published filters %s",
		 irq_same ? "identical" : "DIFFERENT");
	demo_expect(vp_same, "VP state equal to the snapshot");
	demo_expect(irq_same, "filter state equal to the snapshot");
	if (irq2 && tdxc_irqfilter_vp_get(irq2, 0, &v0) == 0)
		demo_expect(tdxc_irqfilter_apply1(v0, 0x2f) == 1,
			    "VMBus vector delivered again after restore");
	demo_fact_u("container_bytes", total);
	demo_fact_u("vp_state_equal", (uint64_t)vp_same);
	demo_fact_u("filter_state_equal", (uint64_t)irq_same);
	demo_verdict(0, "restored into a new VP and partition: state %s; corrupted "
		     "container refused", vp_same && irq_same ? "identical" : "DIFFERENT");
}
