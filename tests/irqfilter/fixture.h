/* SPDX-License-Identifier: BSD-2-Clause */
/* Small fixtures shared by the irqfilter tests. */
#ifndef TDXC_TEST_IRQFILTER_FIXTURE_H
#define TDXC_TEST_IRQFILTER_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/irqfilter.h>

struct fx {
	void *mem;
	size_t len;
	struct tdxc_irqfilter_part *part;
	struct tdxc_irqfilter_vp *vp[64];
	uint32_t nvp;
	void *copy; /* snapshot for "unchanged" checks */
};

static inline struct tdxc_irqfilter_params fx_params(uint32_t nvp, uint32_t ents,
						     uint32_t policy, uint16_t relay)
{
	struct tdxc_irqfilter_params p;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = nvp;
	p.max_device_entries = ents;
	p.policy = policy;
	p.relay_sints = relay;
	return p;
}

/* Returns 0 or the failing code (tests assert on it). */
static inline int fx_init(struct fx *f, uint32_t nvp, uint32_t ents, uint32_t policy,
			  uint16_t relay)
{
	struct tdxc_irqfilter_params p = fx_params(nvp, ents, policy, relay);
	uint32_t i;
	int rc;
	memset(f, 0, sizeof(*f));
	rc = tdxc_irqfilter_storage_size(&p, &f->len);
	if (rc)
		return rc;
	f->mem = aligned_alloc(TDXC_IRQFILTER_STORAGE_ALIGN, f->len);
	f->copy = malloc(f->len);
	if (!f->mem || !f->copy)
		return -1000;
	memset(f->mem, 0xa5, f->len);
	rc = tdxc_irqfilter_init(f->mem, f->len, &p, &f->part);
	if (rc)
		return rc;
	f->nvp = nvp;
	for (i = 0; i < nvp && i < 64; i++) {
		rc = tdxc_irqfilter_vp_get(f->part, i, &f->vp[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static inline void fx_free(struct fx *f)
{
	free(f->mem);
	free(f->copy);
	f->mem = f->copy = NULL;
}

static inline void fx_snap(struct fx *f)
{
	memcpy(f->copy, f->mem, f->len);
}

/* 1 when the storage is byte-identical to the last fx_snap(). */
static inline int fx_same(const struct fx *f)
{
	return memcmp(f->copy, f->mem, f->len) == 0;
}

static inline int bit_of(const uint32_t w[8], unsigned v)
{
	return (int)((w[v >> 5] >> (v & 31)) & 1u);
}

static inline void set_bit(uint32_t w[8], unsigned v)
{
	w[v >> 5] |= 1u << (v & 31);
}

static inline uint64_t xs64(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

#endif
