/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Deterministic module states shared by the vector generator (hosted
 * library) and the freestanding reader test: both build the same objects
 * from the same seeds, so a container written by one can be checked
 * against objects built by the other.
 */
#ifndef SNAP_STATES_H
#define SNAP_STATES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/bpool.h>
#include <tdxcore/irqfilter.h>
#include <tdxcore/memregion.h>
#include <tdxcore/snapshot.h>
#include <tdxcore/vtlctx.h>

#define CK(x)                                                                          \
	do {                                                                           \
		long ck_rc_ = (long)(x);                                               \
		if (ck_rc_ < 0) {                                                      \
			fprintf(stderr, "%s:%d: %s = %ld\n", __FILE__, __LINE__, #x, ck_rc_); \
			abort();                                                       \
		}                                                                      \
	} while (0)

#define ST_VPS 2
#define ST_ARENA (1u << 20)
#define ST_NEXUS (64u * 1024u)

struct states {
	struct tdxc_vtlctx *vp[ST_VPS];
	struct tdxc_irqfilter_part *irq;
	struct tdxc_memregion *mr;
	struct tdxc_bpool_registry reg;
	uint8_t *arena;
	int have_reg; /* registry built (uthash) */
	void *mem[8];
};

static inline uint64_t st_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *st_alloc(struct states *s, unsigned slot, size_t len)
{
	void *p = aligned_alloc(64, (len + 63) & ~(size_t)63);
	if (!p)
		abort();
	memset(p, 0, len);
	s->mem[slot] = p;
	return p;
}

static inline int st_accept(void *o, uint64_t b, uint64_t l)
{
	(void)o;
	(void)b;
	(void)l;
	return 0;
}

/* Fresh objects (populate = 0) or the reference states (populate = 1). */
static inline void states_make(struct states *s, int populate)
{
	struct tdxc_vtlctx_params vp;
	struct tdxc_irqfilter_params ip;
	struct tdxc_memregion_params mp;
	struct tdxc_bpool_registry_params bp;
	size_t len;
	uint64_t seed = 42, pa;
	unsigned i, v;

	memset(s, 0, sizeof(*s));
	memset(&vp, 0, sizeof(vp));
	vp.size = sizeof(vp);
	vp.caps = TDXC_VTLCTX_CAP_ALL;
	vp.n_vtls = 2;
	vp.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	CK(tdxc_vtlctx_storage_size(&vp, &len));
	for (i = 0; i < ST_VPS; i++) {
		CK(tdxc_vtlctx_init(st_alloc(s, i, len), len, &vp, NULL, &s->vp[i]));
		CK(tdxc_vtlctx_enable(s->vp[i], 1));
		for (v = 0; populate && v < 2; v++) {
			CK(tdxc_vtlctx_set(s->vp[i], 2, (uint8_t)v, TDXC_VTLCTX_F_RSP, st_rnd(&seed)));
			CK(tdxc_vtlctx_set(s->vp[i], 2, (uint8_t)v, TDXC_VTLCTX_F_RIP, st_rnd(&seed)));
			CK(tdxc_vtlctx_set(s->vp[i], 2, (uint8_t)v, TDXC_VTLCTX_F_CR3, st_rnd(&seed)));
			CK(tdxc_vtlctx_set(s->vp[i], 2, (uint8_t)v, TDXC_VTLCTX_F_RAX, st_rnd(&seed)));
		}
	}

	memset(&ip, 0, sizeof(ip));
	ip.size = sizeof(ip);
	ip.vp_count = 4;
	ip.max_device_entries = 8;
	CK(tdxc_irqfilter_storage_size(&ip, &len));
	CK(tdxc_irqfilter_init(st_alloc(s, 2, len), len, &ip, &s->irq));
	if (populate) {
		static const uint32_t vps[2] = { 1, 3 };
		struct tdxc_irqfilter_vp *h;
		for (i = 0; i < 4; i++) {
			CK(tdxc_irqfilter_vp_get(s->irq, i, &h));
			CK(tdxc_irqfilter_scontrol_write(h, 0, 1));
			CK(tdxc_irqfilter_sint_write(h, 0, i, 0x30 + i));
			CK(tdxc_irqfilter_sint_write(h, 1, 2, 0x50 + i));
		}
		CK(tdxc_irqfilter_device_add(s->irq, 0xd00d, 0x61, vps, 2, NULL));
		CK(tdxc_irqfilter_set_relay_sints(s->irq, 0x4, NULL));
	}

	memset(&mp, 0, sizeof(mp));
	mp.size = sizeof(mp);
	mp.flags = TDXC_MEMREGION_F_TRACK_FREED;
	mp.max_regions = 16;
	mp.max_reservations = 16;
	mp.max_addr = UINT64_C(1) << 32;
	len = tdxc_memregion_storage_size(&mp);
	if (!len)
		abort();
	CK(tdxc_memregion_init(&s->mr, st_alloc(s, 3, len), len, &mp));
	CK(tdxc_memregion_set_accept_fn(s->mr, st_accept, NULL));
	if (populate) {
		CK(tdxc_memregion_add(s->mr, 0, 0x9f000, TDXC_MEMREGION_USABLE, 1));
		CK(tdxc_memregion_add(s->mr, 0x100000, 0x3ff00000, TDXC_MEMREGION_USABLE, 1));
		CK(tdxc_memregion_add(s->mr, 0x40000000, 0x80000000, TDXC_MEMREGION_UNACCEPTED, 1));
		CK(tdxc_memregion_reserve(s->mr, 0x100000, 0x200000, "kernel", 0));
		CK(tdxc_memregion_reserve(s->mr, 0x8000, 0x1000, "trampoline", 5));
		CK(tdxc_memregion_commit(s->mr));
		for (i = 0; i < 300; i++)
			CK(tdxc_memregion_alloc(s->mr, &pa));
		CK(tdxc_memregion_alloc_range(s->mr, 600, 0x200000, 0x40000000,
					      TDXC_MEMREGION_NO_LIMIT, &pa));
		CK(tdxc_memregion_free(s->mr, 0x10000, 0x8000));
		CK(tdxc_memregion_release(s->mr, 5, NULL));
	}

	memset(&bp, 0, sizeof(bp));
	bp.size = sizeof(bp);
	bp.secret = 7;
	s->arena = (uint8_t *)st_alloc(s, 4, ST_ARENA);
	if (tdxc_bpool_registry_init(&s->reg, st_alloc(s, 5, ST_NEXUS), ST_NEXUS, &bp) ==
	    TDXC_ENOTSUP)
		return; /* no uthash in this build: no registry record */
	s->have_reg = 1;
	if (populate) {
		CK(tdxc_bpool_guest_create(&s->reg, 2));
		CK(tdxc_bpool_guest_create(&s->reg, 8));
		CK(tdxc_bpool_guest_add_pool(&s->reg, 2, s->arena + 0x1000, 0x4000));
		CK(tdxc_bpool_guest_add_pool(&s->reg, 8, s->arena + 0x20000, 0x10000));
		CK(tdxc_bpool_guest_shutdown(&s->reg, 8));
	}
}

static inline void states_free(struct states *s)
{
	unsigned i;
	for (i = 0; i < 8; i++)
		free(s->mem[i]);
}

static inline int states_add(struct tdxc_snapshot_writer *w, struct states *s)
{
	unsigned i;
	int rc;
	for (i = 0; i < ST_VPS; i++)
		if ((rc = tdxc_vtlctx_snapshot_add(s->vp[i], i, w)))
			return rc;
	if ((rc = tdxc_irqfilter_snapshot_add(s->irq, w)))
		return rc;
	if ((rc = tdxc_memregion_snapshot_add(s->mr, w)))
		return rc;
	if (!s->have_reg)
		return 0;
	return tdxc_bpool_registry_snapshot_add(&s->reg, s->arena, ST_ARENA, w);
}

static inline int states_restore(struct states *s, const struct tdxc_snapshot_reader *r)
{
	unsigned i;
	int rc;
	for (i = 0; i < ST_VPS; i++)
		if ((rc = tdxc_vtlctx_snapshot_restore(s->vp[i], i, r)))
			return rc;
	if ((rc = tdxc_irqfilter_snapshot_restore(s->irq, r)))
		return rc;
	if ((rc = tdxc_memregion_snapshot_restore(s->mr, r)))
		return rc;
	if (!s->have_reg)
		return 0;
	return tdxc_bpool_registry_snapshot_restore(&s->reg, s->arena, ST_ARENA, r);
}

/* The whole container of s (malloc'd), producer VTL 2. */
static uint8_t *states_container(struct states *s, size_t *len)
{
	struct tdxc_snapshot_writer w;
	size_t m = 0;
	uint8_t *b;
	CK(tdxc_snapshot_writer_init(&w, NULL, 0, 2));
	CK(states_add(&w, s));
	CK(tdxc_snapshot_finish(&w, &m));
	b = (uint8_t *)malloc(m);
	if (!b)
		abort();
	CK(tdxc_snapshot_writer_init(&w, b, m, 2));
	CK(states_add(&w, s));
	CK(tdxc_snapshot_finish(&w, len));
	return b;
}

#endif
