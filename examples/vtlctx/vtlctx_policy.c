/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx example: what the store refuses, and how a caller handles it.
 *
 * The pattern is the one a paravisor or a guest kernel uses, with or
 * without libc:
 *   - memory: the store and its two per-VTL pages are static buffers owned
 *     by this program; tdxc_vtlctx_storage_size() says how much is needed,
 *     tdxc_vtlctx_init() places the store there. Nothing is allocated and
 *     there is no teardown: stop using the memory when done.
 *   - errors: every call returns 0 or a negative TDXC_E* code;
 *     tdxc_strerror() turns it into text (never NULL). A refused call
 *     changes nothing, which the program proves by comparing a saved blob
 *     before and after.
 * Only printf comes from libc, for the narration.
 *
 * Exits 0 when every call returns what the header documents.
 */
#include <stdio.h>
#include <string.h>

#include <tdxcore/vtlctx.h>

#define OWNER ((tdxc_vtlctx_vtl)2) /* the paravisor: caller VTL = n_vtls */

static _Alignas(8) unsigned char storage[8192];
static _Alignas(4096) unsigned char pages[2][TDXC_VTLCTX_PAGE_SIZE];
static unsigned char before[4096], after[4096], blob[4096];

static int failures, refused;

/* Print one refused call and check its code. */
static void expect(const char *what, int rc, int want)
{
	refused++;
	printf("%-46s %-16s %s\n", what, tdxc_strerror_name(rc), tdxc_strerror(rc));
	if (rc != want) {
		printf("  ^ expected %s\n", tdxc_strerror_name(want));
		failures++;
	}
}

static size_t save(struct tdxc_vtlctx *vp, unsigned char *buf)
{
	size_t n = 0;
	int rc = tdxc_vtlctx_save(vp, buf, 4096, &n);
	if (rc)
		printf("save: %s\n", tdxc_strerror(rc));
	return rc ? 0 : n;
}

int main(void)
{
	void *page_ptrs[2] = { pages[0], pages[1] };
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *vp;
	size_t need = 0, n;
	uint64_t v;
	int rc;

	/* 1. Size, then init over our own storage. */
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.n_vtls = 2;
	p.backend = TDXC_VTLCTX_BACKEND_PER_VTL_PAGE;
	rc = tdxc_vtlctx_storage_size(&p, &need);
	if (rc || need > sizeof(storage)) {
		printf("storage: %s (need %zu bytes)\n", tdxc_strerror(rc), need);
		return 1;
	}
	rc = tdxc_vtlctx_init(storage, need, &p, page_ptrs, &vp);
	if (rc) {
		printf("init: %s\n", tdxc_strerror(rc));
		return 1;
	}
	/* A descriptor with a non-zero reserved field is refused: the field
	 * is kept for later versions. */
	p.reserved = 1;
	expect("storage_size with reserved != 0", tdxc_vtlctx_storage_size(&p, &need),
	       TDXC_ERESERVED);
	p.reserved = 0;

	/* 2. Some state, then a reference copy of all of it. */
	if (tdxc_vtlctx_enable(vp, 1) ||
	    tdxc_vtlctx_set(vp, OWNER, 0, TDXC_VTLCTX_F_RIP, 0x1000) ||
	    tdxc_vtlctx_set(vp, OWNER, 1, TDXC_VTLCTX_F_RIP, 0x2000))
		return 1;
	n = save(vp, before);
	if (!n)
		return 1;

	/* 3. The access policy: never upward, arch registers only downward. */
	expect("VTL0 reads VTL1's RIP", tdxc_vtlctx_get(vp, 0, 1, TDXC_VTLCTX_F_RIP, &v),
	       TDXC_EPERM);
	expect("VTL1 writes VTL1's own RIP", tdxc_vtlctx_set(vp, 1, 1, TDXC_VTLCTX_F_RIP, 0),
	       TDXC_EPERM);
	expect("target VTL 0x0F (the 'all VTLs' wildcard)",
	       tdxc_vtlctx_get(vp, OWNER, TDXC_VTLCTX_VTL_ALL, TDXC_VTLCTX_F_RIP, &v),
	       TDXC_ERANGE);
	expect("VTL1 enabled twice", tdxc_vtlctx_enable(vp, 1), TDXC_EALREADY);

	/* 4. Values are checked: RFLAGS bit 1 must be set. */
	expect("RFLAGS = 0", tdxc_vtlctx_set(vp, OWNER, 0, TDXC_VTLCTX_F_RFLAGS, 0),
	       TDXC_EINVAL);
	expect("switch from a VTL that is not active", tdxc_vtlctx_switch(vp, 1, 0),
	       TDXC_ESTATE);

	/* 5. A saved blob is untrusted input: a flipped bit is caught. */
	memcpy(blob, before, n);
	blob[n - 1] ^= 1;
	expect("restore of a damaged blob", tdxc_vtlctx_restore(vp, blob, n), TDXC_ECHECKSUM);
	expect("restore of a truncated blob", tdxc_vtlctx_restore(vp, before, 8), TDXC_ETRUNC);

	/* 6. None of the refused calls changed anything. */
	if (save(vp, after) != n || memcmp(before, after, n) != 0) {
		printf("the store changed after refused calls\n");
		failures++;
	} else {
		printf("store unchanged after %d refused calls (%zu-byte blobs equal)\n", refused, n);
	}
	return failures ? 1 : 0;
}
