/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpool demo: a heap over caller memory, then the per-guest registry going
 * through the OP-TEE "VM created" sequence that used to halt the TEE.
 * Every step prints what happened; the exit status is 0 only if every
 * result is the one documented.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <tdxcore/bpool.h>

static int failures;

/* Print a step and compare its result with the documented one. */
static void step(const char *what, int rc, int want)
{
	printf("%-52s -> %s%s\n", what, tdxc_strerror_name(rc),
	       rc == want ? "" : "   (UNEXPECTED)");
	if (rc != want)
		failures++;
}

/* The memory this program hands out: in a TEE or firmware these would be
 * carve-outs of the physical map. 16-byte alignment is required. */
static _Alignas(16) uint8_t heap_mem[256 * 1024];
static _Alignas(16) uint8_t nexus_mem[128 * 1024];
static _Alignas(16) uint8_t guest_mem[2][64 * 1024];

static int print_guest(void *arg, uint32_t id, struct tdxc_bpool *heap)
{
	struct tdxc_bpool_stats st;
	(void)arg;
	tdxc_bpool_stats(heap, &st);
	printf("  guest %u: %llu pool bytes, %llu live blocks\n", id,
	       (unsigned long long)st.total, (unsigned long long)st.live);
	return 0;
}

int main(void)
{
	struct tdxc_bpool heap;    /* the heap object lives in our memory too */
	struct tdxc_bpool_registry reg;
	struct tdxc_bpool_params params;
	struct tdxc_bpool_stats st;
	char *msg, *copy;
	void *g1, *p;

	/* 1. A heap: init from a pristine template, then give it a pool.
	 *    The secret keys the header check values. */
	memset(&heap, 0, sizeof(heap));
	memset(&params, 0, sizeof(params));
	params.size = sizeof(params);
	params.secret = 0x5eedf00dcafe1234ull;
	step("init heap", tdxc_bpool_init(&heap, &params), 0);
	step("add a 256 KiB pool", tdxc_bpool_add_pool(&heap, heap_mem, sizeof(heap_mem)), 0);
	step("add the same pool again (bpool() re-run)",
	     tdxc_bpool_add_pool(&heap, heap_mem, sizeof(heap_mem)), TDXC_EOVERLAP);

	/* 2. bget-style use: allocate, grow in place, free. */
	step("allocate 64 bytes", tdxc_bpool_alloc(&heap, 64, 16, (void **)&msg), 0);
	strcpy(msg, "hello from a bpool block");
	step("grow it to 4 KiB (in place if possible)",
	     tdxc_bpool_realloc(&heap, msg, 4096, (void **)&copy), 0);
	printf("  contents kept: \"%s\"\n", copy);
	step("allocate 1 KiB aligned to 4 KiB", tdxc_bpool_alloc(&heap, 1024, 4096, &p), 0);
	printf("  address %% 4096 = %lu\n", (unsigned long)((uintptr_t)p % 4096));

	/* 3. Misuse is an error code, never an assert, and changes nothing. */
	step("free a pointer inside a block", tdxc_bpool_free(&heap, copy + 32),
	     TDXC_EINTERIOR);
	step("free a pointer of no pool", tdxc_bpool_free(&heap, &heap), TDXC_EFOREIGN);
	step("free the block", tdxc_bpool_free(&heap, copy), 0);
	step("free it again", tdxc_bpool_free(&heap, copy), TDXC_EDOUBLEFREE);
	step("free the aligned block", tdxc_bpool_free(&heap, p), 0);
	step("validation walk", tdxc_bpool_validate(&heap, NULL), 0);
	tdxc_bpool_stats(&heap, &st);
	printf("  %llu gets, %llu releases, %llu bytes free\n", (unsigned long long)st.nget,
	       (unsigned long long)st.nrel, (unsigned long long)st.free);

	/* 4. The registry: its metadata lives in the nexus region only. */
	if (!(tdxc_features() & TDXC_FEAT_UTHASH)) {
		printf("registry not built in (no uthash): skipping part 4\n");
		return failures ? 1 : 0;
	}
	memset(&reg, 0, sizeof(reg));
	step("init registry over the nexus region",
	     tdxc_bpool_registry_init(&reg, nexus_mem, sizeof(nexus_mem), NULL), 0);
	/* The hypervisor announcing itself (id 0) was the #7182 trigger. */
	step("VM_CREATED(0) (the hypervisor)", tdxc_bpool_guest_create(&reg, 0), TDXC_EINVAL);
	step("VM_CREATED(1)", tdxc_bpool_guest_create(&reg, 1), 0);
	step("guest 1 gets its heap pool",
	     tdxc_bpool_guest_add_pool(&reg, 1, guest_mem[0], sizeof(guest_mem[0])), 0);
	step("guest 1 allocates (its first standard call)",
	     tdxc_bpool_guest_alloc(&reg, 1, 200, 16, &g1), 0);
	/* A second VM_CREATED for a live id must not rebuild or shadow it. */
	step("VM_CREATED(1) again", tdxc_bpool_guest_create(&reg, 1), TDXC_EEXIST);
	step("VM_CREATED(2)", tdxc_bpool_guest_create(&reg, 2), 0);
	step("guest 2 pool overlapping guest 1's",
	     tdxc_bpool_guest_add_pool(&reg, 2, guest_mem[0] + 4096, 4096), TDXC_EOVERLAP);
	step("guest 2 pool of its own",
	     tdxc_bpool_guest_add_pool(&reg, 2, guest_mem[1], sizeof(guest_mem[1])), 0);
	step("guest 2 frees guest 1's block", tdxc_bpool_guest_free(&reg, 2, g1),
	     TDXC_EFOREIGN);
	printf("guests in ascending id order:\n");
	tdxc_bpool_guest_foreach(&reg, print_guest, NULL);
	/* VM_DESTROYED: live blocks need the wipe flag, which zeroes the pool. */
	step("VM_DESTROYED(1) with a live block", tdxc_bpool_guest_destroy(&reg, 1, 0),
	     TDXC_EBUSY);
	step("VM_DESTROYED(1), wiping its pool",
	     tdxc_bpool_guest_destroy(&reg, 1, TDXC_BPOOL_DESTROY_WIPE), 0);
	step("VM_DESTROYED(1) again", tdxc_bpool_guest_destroy(&reg, 1, 0), TDXC_ENOENT);
	step("VM_CREATED(1) after destroy", tdxc_bpool_guest_create(&reg, 1), 0);

	printf(failures ? "%d unexpected results\n" : "all results as documented\n",
	       failures);
	return failures ? 1 : 0;
}
