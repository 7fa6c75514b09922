/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 4: the proxy interrupt filter (irqfilter module).
 *
 * In a hardware-isolated VM the untrusted host signals guest interrupts as
 * proxy interrupts; the paravisor forwards a vector only when the guest
 * has a use for it. The VMBus relay drives SINT2: a guest using the
 * relayed channel programs that SINT without the proxy bit, and a filter
 * that only counted proxy SINTs dropped every VMBus interrupt. With SINT2
 * marked as relayed the vector is allowed; a vector the guest never
 * programmed is blocked and counted.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define VMBUS_SINT 2u
#define VMBUS_VECTOR 0x2fu
#define EVIL_VECTOR 0xecu

static struct tdxc_irqfilter_part *make(void *mem, size_t cap,
					const struct tdxc_irqfilter_params *p)
{
	struct tdxc_irqfilter_part *part = NULL;
	size_t need = 0;
	int rc = tdxc_irqfilter_storage_size(p, &need);
	if (!demo_expect_rc(rc, 0, "tdxc_irqfilter_storage_size") ||
	    !demo_expect(need <= cap, "partition fits its static storage"))
		return NULL;
	rc = tdxc_irqfilter_init(mem, need, p, &part);
	return demo_expect_rc(rc, 0, "tdxc_irqfilter_init") ? part : NULL;
}

/* What the guest does at boot on VP0: enable the SynIC, then program the
 * VMBus SINT: unmasked, vector 0x2f, no proxy bit. */
static int guest_programs_vmbus(struct tdxc_irqfilter_part *part,
				struct tdxc_irqfilter_vp **vp)
{
	return tdxc_irqfilter_vp_get(part, 0, vp) == 0 &&
	       tdxc_irqfilter_scontrol_write(*vp, 0, TDXC_IRQFILTER_SCONTROL_ENABLE) >= 0 &&
	       tdxc_irqfilter_sint_write(*vp, 0, VMBUS_SINT, VMBUS_VECTOR) >= 0;
}

void demo_irq(struct demo_vm *vm)
{
	static _Alignas(64) uint8_t mem[16384], old_mem[16384];
	struct tdxc_irqfilter_params *p = &vm->irq_params;
	struct tdxc_irqfilter_params old;
	struct tdxc_irqfilter_part *part, *old_part;
	struct tdxc_irqfilter_vp *vp0, *old_vp0;
	uint64_t drops = 0, total = 0;
	int d_vmbus, d_evil, d_old;

	demo_section("irqfilter", "Interrupt filter: VMBus relay allowed, a rogue vector blocked");

	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->vp_count = 2;
	p->max_device_entries = 16;
	p->relay_sints = 1u << VMBUS_SINT;
	part = make(mem, sizeof(mem), p);
	if (!part || !demo_expect(guest_programs_vmbus(part, &vp0),
				  "guest programs SINT2 on VP0")) {
		demo_verdict(0, "partition not set up");
		return;
	}
	demo_say("partition: 2 VPs, SINT%u relayed by VMBus, every VP default-deny",
		 VMBUS_SINT);
	demo_say("guest VP0: SCONTROL enable, SINT%u = vector 0x%x (no proxy bit)",
		 VMBUS_SINT, VMBUS_VECTOR);

	/* The host asserts interrupts; the filter decides (hot path). */
	d_vmbus = tdxc_irqfilter_apply1(vp0, VMBUS_VECTOR);
	d_evil = tdxc_irqfilter_apply1(vp0, EVIL_VECTOR);
	tdxc_irqfilter_drops(vp0, EVIL_VECTOR, &drops);
	tdxc_irqfilter_vp_counters(vp0, &total, NULL, NULL);
	demo_say("host asserts 0x%x (VMBus): %s", VMBUS_VECTOR,
		 d_vmbus == 1 ? "delivered" : "BLOCKED");
	demo_say("host asserts 0x%x (never programmed by the guest): %s, drops counted %llu",
		 EVIL_VECTOR, d_evil == 1 ? "DELIVERED" : "blocked",
		 (unsigned long long)drops);
	demo_expect(d_vmbus == 1, "relayed SINT delivered");
	demo_expect(d_evil == 0 && drops == 1 && total == 1, "rogue vector blocked and counted");

	/* For comparison, the filter without the relay mask (the bug). */
	old = *p;
	old.relay_sints = 0;
	old_part = make(old_mem, sizeof(old_mem), &old);
	if (old_part && demo_expect(guest_programs_vmbus(old_part, &old_vp0),
				    "same guest, no relay mask")) {
		d_old = tdxc_irqfilter_apply1(old_vp0, VMBUS_VECTOR);
		demo_say("without the relay mask 0x%x is %s: the guest's VMBus interrupts "
			 "never arrive", VMBUS_VECTOR, d_old ? "delivered" : "dropped");
		demo_expect(d_old == 0, "no relay mask: VMBus vector dropped");
	}

	/* Input that the guest controls is checked too: an unmasked SINT with
	 * an exception vector is refused (the guest gets #GP). */
	demo_expect(tdxc_irqfilter_sint_write(vp0, 0, 3, 0x0e) == TDXC_ERANGE,
		    "exception vector refused");
	demo_fact_u("vmbus_vector_delivered", (uint64_t)d_vmbus);
	demo_fact_u("rogue_vector_delivered", (uint64_t)d_evil);
	demo_fact_u("rogue_vector_drops", drops);
	vm->irq = part;
	demo_verdict(0, "VMBus vector 0x%x delivered; rogue vector 0x%x blocked, %llu drop "
		     "counted", VMBUS_VECTOR, EVIL_VECTOR, (unsigned long long)drops);
}
