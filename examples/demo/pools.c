/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Section 5: OP-TEE-style guests with their own heaps (bpool registry).
 *
 * A TEE serving several VMs keeps one heap per guest. The hypervisor tells
 * it "VM created" for each guest; OP-TEE used to rebuild the heap (and
 * assert in bpool()) when that call came twice. Here the second call is an
 * error code and the live guest is untouched.
 */
#include <stdio.h>
#include <string.h>

#include "demo.h"

void demo_pools(void)
{
	/* Caller memory: in a TEE these are carve-outs of secure RAM. */
	static _Alignas(16) uint8_t nexus[128 * 1024];
	static _Alignas(16) uint8_t pool[2][64 * 1024];
	static struct tdxc_bpool_registry reg;
	struct tdxc_bpool_stats before, after;
	struct tdxc_bpool *heap;
	char *msg1 = NULL, *msg2 = NULL;
	void *p;
	int rc, dup_rc;

	demo_section("bpool", "OP-TEE guests: own pools, a repeated VM_CREATED, a destroy");
	if (!(tdxc_features() & TDXC_FEAT_UTHASH)) {
		demo_say("the per-guest registry needs uthash at build time; this build has "
			 "none (tdxc_bpool_guest_create: %s)",
			 tdxc_strerror_name(tdxc_bpool_guest_create(&reg, 1)));
		demo_verdict(1, "not built with uthash (install uthash-dev and rebuild)");
		return;
	}
	memset(&reg, 0, sizeof(reg));
	rc = tdxc_bpool_registry_init(&reg, nexus, sizeof(nexus), NULL);
	if (!demo_expect_rc(rc, 0, "tdxc_bpool_registry_init")) {
		demo_verdict(0, "registry not created");
		return;
	}
	demo_say("registry: metadata in a %zu KiB nexus region we provide", sizeof(nexus) / 1024);

	/* VM_CREATED for guests 1 and 2, each with its own 64 KiB pool. */
	demo_expect_rc(tdxc_bpool_guest_create(&reg, 1), 0, "VM_CREATED(1)");
	demo_expect_rc(tdxc_bpool_guest_add_pool(&reg, 1, pool[0], sizeof(pool[0])), 0,
		       "guest 1 pool");
	demo_expect_rc(tdxc_bpool_guest_create(&reg, 2), 0, "VM_CREATED(2)");
	demo_expect_rc(tdxc_bpool_guest_add_pool(&reg, 2, pool[1], sizeof(pool[1])), 0,
		       "guest 2 pool");
	demo_expect_rc(tdxc_bpool_guest_alloc(&reg, 1, 64, 16, (void **)&msg1), 0,
		       "guest 1 alloc");
	demo_expect_rc(tdxc_bpool_guest_alloc(&reg, 2, 64, 16, (void **)&msg2), 0,
		       "guest 2 alloc");
	if (!msg1 || !msg2) {
		demo_verdict(0, "guests not set up");
		return;
	}
	snprintf(msg1, 64, "session of guest 1");
	snprintf(msg2, 64, "session of guest 2");
	demo_say("VM_CREATED(1), VM_CREATED(2): each guest allocates a session in its own pool");

	/* The hypervisor repeats VM_CREATED(2). */
	tdxc_bpool_guest_stats(&reg, 2, &before);
	rc = dup_rc = tdxc_bpool_guest_create(&reg, 2);
	tdxc_bpool_guest_stats(&reg, 2, &after);
	demo_say("VM_CREATED(2) again: %s (%s); guest 2 keeps its %llu live block(s)",
		 tdxc_strerror_name(rc), tdxc_strerror(rc), (unsigned long long)after.live);
	demo_expect(rc == TDXC_EEXIST, "second VM_CREATED answered with TDXC_EEXIST");
	demo_expect(memcmp(&before, &after, sizeof(before)) == 0 &&
			    strcmp(msg2, "session of guest 2") == 0,
		    "guest 2 untouched");

	/* One guest cannot free another guest's memory. */
	rc = tdxc_bpool_guest_free(&reg, 2, msg1);
	demo_say("guest 2 frees a pointer of guest 1: %s", tdxc_strerror_name(rc));
	demo_expect(rc == TDXC_EFOREIGN, "cross-guest free refused");

	/* VM_DESTROYED(1): with a live block the pool must be wiped. */
	rc = tdxc_bpool_guest_destroy(&reg, 1, 0);
	demo_expect(rc == TDXC_EBUSY, "destroy with live blocks needs WIPE");
	rc = tdxc_bpool_guest_destroy(&reg, 1, TDXC_BPOOL_DESTROY_WIPE);
	demo_expect_rc(rc, 0, "VM_DESTROYED(1)");
	demo_expect(tdxc_bpool_guest_heap(&reg, 1, &heap) == TDXC_ENOENT, "guest 1 gone");
	demo_expect(pool[0][0] == 0 && msg1[0] == 0, "guest 1 pool wiped");
	demo_say("VM_DESTROYED(1): heap dropped, its pool zeroed; guest 1 lookup: %s",
		 tdxc_strerror_name(tdxc_bpool_guest_heap(&reg, 1, &heap)));

	/* Guest 2 carries on. */
	demo_expect_rc(tdxc_bpool_guest_free(&reg, 2, msg2), 0, "guest 2 free");
	demo_expect_rc(tdxc_bpool_guest_alloc(&reg, 2, 1024, 16, &p), 0, "guest 2 alloc");
	demo_expect(tdxc_bpool_guest_heap(&reg, 2, &heap) == 0 &&
			    tdxc_bpool_validate(heap, NULL) == 0,
		    "guest 2 heap consistent");
	demo_say("guest 2 still allocates; its heap validates");
	demo_fact_s("second_vm_created", tdxc_strerror_name(dup_rc));
	demo_verdict(0, "second VM_CREATED -> %s, no crash; guest 1 destroyed, guest 2 intact",
		     tdxc_strerror_name(dup_rc));
}
