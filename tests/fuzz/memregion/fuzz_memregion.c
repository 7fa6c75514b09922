/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz target: memory-map ingestion (dmesg text, raw e820, EFI map, EFI
 * unaccepted table) followed by a random sequence of reserve / alloc /
 * claim / free / release / accept calls. Every internal invariant is
 * checked after each call; a violation traps.
 *
 * Input: byte 0 selects the front end, bytes 1-2 (le16) the length of the
 * map part that follows; the rest is the operation stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memregion/memregion_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ops {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct ops *o, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;
	for (i = 0; i < bytes; i++) {
		v |= (uint64_t)(o->n ? *o->p : 0) << (8 * i);
		if (o->n) {
			o->p++;
			o->n--;
		}
	}
	return v;
}

static unsigned accept_fail_mask;

static int accept_cb(void *opaque, uint64_t base, uint64_t len)
{
	(void)opaque;
	if (!len || (base & 0xfff) || (len & 0xfff))
		__builtin_trap();
	return ((base >> 21) & 7) == accept_fail_mask ? -1 : (int)((base >> 22) & 1);
}

static void sink(void *ctx, const char *t, size_t n)
{
	(void)ctx;
	(void)t;
	(void)n;
}

static void check(const struct tdxc_memregion *mr)
{
	if (tdxc__memregion_check(mr))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t storage[(1u << 17) / 8]; /* enough for 256 MiB */
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	struct ops o;
	size_t mlen;
	uint8_t mode;
	int steps = 0;

	if (size < 3)
		return 0;
	mode = data[0];
	mlen = (size_t)data[1] | (size_t)data[2] << 8;
	if (mlen > size - 3)
		mlen = size - 3;
	o.p = data + 3 + mlen;
	o.n = size - 3 - mlen;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 64;
	p.max_reservations = 8;
	p.max_addr = UINT64_C(1) << 28;
	p.flags = (mode & 0x80) ? TDXC_MEMREGION_F_TRACK_FREED : 0;
	if (tdxc_memregion_storage_size(&p) > sizeof(storage))
		__builtin_trap();
	if (tdxc_memregion_init(&mr, storage, sizeof(storage), &p))
		__builtin_trap();
	accept_fail_mask = (mode >> 4) & 7;

	switch (mode & 3) {
	case 0:
		(void)tdxc_memregion_add_dmesg(mr, (const char *)data + 3, mlen, NULL);
		break;
	case 1:
		(void)tdxc_memregion_add_e820(mr, data + 3, mlen - mlen % 20);
		break;
	case 2:
		(void)tdxc_memregion_add_efi(mr, data + 3, mlen - mlen % 48, 48,
					     (mode >> 2) & 1);
		break;
	default:
		(void)tdxc_memregion_add(mr, 0, UINT64_C(1) << 27, TDXC_MEMREGION_USABLE, 1);
		(void)tdxc_memregion_add_unaccepted_table(mr, 0x1234018, data + 3, mlen);
		break;
	}
	if (mode & 8)
		(void)tdxc_memregion_set_accept_fn(mr, accept_cb, NULL);
	(void)tdxc_memregion_reserve(mr, take(&o, 4), 1 + take(&o, 2) * 64, "seed", take(&o, 1) & 3);
	(void)tdxc_memregion_commit(mr);
	check(mr);

	while (o.n && steps++ < 2000) {
		uint8_t op = (uint8_t)take(&o, 1);
		uint64_t a = take(&o, 4) << 12, pa = 0, freed;
		struct tdxc_memregion_stats st;
		switch (op % 12) {
		case 0:
			(void)tdxc_memregion_alloc(mr, &pa);
			break;
		case 1:
			(void)tdxc_memregion_alloc_range(mr, 1 + take(&o, 1), UINT64_C(4096) << (take(&o, 1) % 20),
							 a & ~UINT64_C(0xfffff), (a | 0xfff) + take(&o, 3) * 4096 + 1, &pa);
			break;
		case 2:
			(void)tdxc_memregion_claim(mr, a, take(&o, 1) * 4096);
			break;
		case 3:
			(void)tdxc_memregion_free(mr, a, take(&o, 1) * 4096);
			break;
		case 4:
			(void)tdxc_memregion_reserve(mr, a - take(&o, 2), take(&o, 3), "fz", take(&o, 1) & 7);
			break;
		case 5:
			(void)tdxc_memregion_release(mr, take(&o, 1) & 7, &freed);
			break;
		case 6:
			(void)tdxc_memregion_accept(mr, a + take(&o, 2), take(&o, 3));
			break;
		case 7:
			(void)tdxc_memregion_accept_all(mr);
			break;
		case 8:
			(void)tdxc_memregion_stats(mr, &st);
			break;
		case 9:
			(void)tdxc_memregion_dump(mr, sink, NULL);
			break;
		case 10:
			(void)tdxc_memregion_frame_state(mr, a);
			break;
		default:
			if (!tdxc_memregion_alloc(mr, &pa) &&
			    tdxc_memregion_free(mr, pa, 4096))
				__builtin_trap(); /* a fresh frame must free */
			break;
		}
		check(mr);
	}
	return 0;
}
