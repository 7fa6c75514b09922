/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bpool registry record in the snapshot container (module 6, instance 0):
 * which guests exist, whether they are shutting down, and their pool
 * ranges. Heap contents are not state of the registry and are not saved:
 * a restored guest starts with empty heaps over the same ranges.
 *
 * Pool addresses are not carried as pointers: they are offsets into an
 * "arena" that the caller names on both sides (the memory its guest pools
 * come from). A restore therefore works at another address (migration) and
 * can never make the library write outside memory the caller handed over.
 *
 * Body, version 1 (little-endian):
 *   0 u32 guest count G    4 u32 pool count P
 *   8 G x {u32 id, u32 state (bit 0: shutting down), u32 pools, u32 0}
 *     P x {u64 offset in the arena, u64 length}, grouped by guest in the
 *         guest order, each guest's pools in the order they were added
 */
#include "bpool_priv.h"
#include "snapshot_priv.h"

#define HDR 8u
#define GST 16u
#define POOL 16u
#define G_SHUTDOWN_BIT 1u

#ifdef TDXC_HAVE_UTHASH

struct save_ctx {
	uintptr_t arena;
	uint64_t arena_len;
	uint32_t guests, pools;
	uint8_t *g, *p; /* write positions, NULL while counting */
	int rc;
};

static int save_cb(void *arg, uint32_t id, struct tdxc_bpool *heap)
{
	struct save_ctx *c = (struct save_ctx *)arg;
	struct bp_pool pools[TDXC_BPOOL_MAX_POOLS];
	struct tdxc_bpool_stats st;
	uint32_t n, i;

	if (tdxc_bpool_stats(heap, &st)) {
		c->rc = TDXC_EINVAL;
		return 1;
	}
	n = tdxc__bpool_pools(heap, pools);
	if (n > TDXC_BPOOL_MAX_POOLS) {
		c->rc = TDXC_ECORRUPT;
		return 1;
	}
	for (i = 0; i < n; i++) {
		uintptr_t a = pools[i].start, e = pools[i].end;
		if (a < c->arena || e < a || e - c->arena > c->arena_len) {
			c->rc = TDXC_ERANGE;
			return 1;
		}
		if (c->p) {
			tdxc__put_le64(c->p, (uint64_t)(a - c->arena));
			tdxc__put_le64(c->p + 8, (uint64_t)(e - a));
			c->p += POOL;
		}
	}
	if (c->g) {
		tdxc__put_le32(c->g, id);
		tdxc__put_le32(c->g + 4, (st.state & TDXC_BPOOL_STATE_SHUTDOWN) ? G_SHUTDOWN_BIT : 0);
		tdxc__put_le32(c->g + 8, n);
		c->g += GST;
	}
	c->guests++;
	c->pools += n;
	return 0;
}

static int walk(struct tdxc_bpool_registry *r, struct save_ctx *c)
{
	int rc;
	c->guests = c->pools = 0;
	c->rc = 0;
	rc = tdxc_bpool_guest_foreach(r, save_cb, c);
	if (rc == TDXC_ECALLBACK)
		return c->rc;
	return rc < 0 ? rc : 0;
}

int tdxc_bpool_registry_snapshot_add(struct tdxc_bpool_registry *r, const void *arena,
				     size_t arena_len, struct tdxc_snapshot_writer *w)
{
	struct save_ctx c;
	struct bp_reg_info info;
	uint8_t producer, *b;
	uint64_t len;
	int rc;

	if (!r || !arena || !w)
		return TDXC_EINVAL;
	if ((rc = tdxc__bpool_registry_info(r, &info)))
		return rc;
	if ((rc = tdxc__snapshot_writer_vtl(w, &producer)))
		return rc;
	tdxc__memset(&c, 0, sizeof(c));
	c.arena = (uintptr_t)arena;
	c.arena_len = arena_len;
	if ((rc = walk(r, &c)))
		return rc;
	len = HDR + (uint64_t)c.guests * GST + (uint64_t)c.pools * POOL;
	if ((rc = tdxc__snapshot_rec_begin(w, TDXC_SNAPSHOT_MOD_BPOOL, 0, len, &b)))
		return rc;
	if (!b)
		return 0;
	tdxc__put_le32(b, c.guests);
	tdxc__put_le32(b + 4, c.pools);
	c.g = b + HDR;
	c.p = c.g + (size_t)c.guests * GST;
	/* Same registry, same lock held by the caller: the same walk. */
	return walk(r, &c);
}

static bool id_ok(const struct bp_reg_info *in, uint32_t id)
{
	unsigned i;
	if (id == TDXC_BPOOL_ID_HYPERVISOR || id > in->max_id)
		return false;
	for (i = 0; i < TDXC_BPOOL_RESERVED_IDS; i++)
		if (in->rsv[i] && in->rsv[i] == id)
			return false;
	return true;
}

static int check_body(const struct bp_reg_info *in, uintptr_t regobj, uintptr_t arena,
		      uint64_t arena_len, const uint8_t *b, uint64_t len)
{
	uint32_t ng, np, i, j, sum = 0, prev = 0;
	const uint8_t *g, *p;
	uint64_t need;

	if (len < HDR)
		return TDXC_ETRUNC;
	ng = tdxc__le32(b);
	np = tdxc__le32(b + 4);
	need = HDR + (uint64_t)ng * GST + (uint64_t)np * POOL;
	if (need != len)
		return need > len ? TDXC_ETRUNC : TDXC_EMALFORMED;
	if (in->max_guests && ng > in->max_guests)
		return TDXC_ENOSPC;
	g = b + HDR;
	p = g + (size_t)ng * GST;
	for (i = 0; i < ng; i++, g += GST) {
		uint32_t id = tdxc__le32(g), n = tdxc__le32(g + 8);
		if (tdxc__le32(g + 12))
			return TDXC_ERESERVED;
		if (tdxc__le32(g + 4) & ~G_SHUTDOWN_BIT)
			return TDXC_EFLAGS;
		if (i && id <= prev)
			return TDXC_EMALFORMED;
		if (!id_ok(in, id))
			return TDXC_ERANGE;
		if (n > TDXC_BPOOL_MAX_POOLS)
			return TDXC_ENOSPC;
		sum += n;
		prev = id;
	}
	if (sum != np)
		return TDXC_EMALFORMED;
	for (i = 0; i < np; i++) {
		uint64_t off = tdxc__le64(p + (size_t)i * POOL), n = tdxc__le64(p + (size_t)i * POOL + 8);
		uintptr_t a, e;
		if ((off | n) & (TDXC_BPOOL_QUANTUM - 1))
			return TDXC_EALIGN;
		if (n < TDXC_BPOOL_MIN_POOL)
			return TDXC_ESIZE;
		if (n > TDXC_BPOOL_MAX_POOL)
			return TDXC_E2BIG;
		if (off > arena_len || n > arena_len - off)
			return TDXC_ERANGE;
		a = arena + (uintptr_t)off;
		e = a + (uintptr_t)n;
		if (tdxc__ranges_overlap(a, e, in->nx_start, in->nx_end) ||
		    tdxc__ranges_overlap(a, e, regobj, regobj + sizeof(struct tdxc_bpool_registry)))
			return TDXC_EOVERLAP;
		for (j = 0; j < i; j++) {
			uint64_t o2 = tdxc__le64(p + (size_t)j * POOL);
			if (off < o2 + tdxc__le64(p + (size_t)j * POOL + 8) && o2 < off + n)
				return TDXC_EOVERLAP;
		}
	}
	return 0;
}

int tdxc_bpool_registry_snapshot_restore(struct tdxc_bpool_registry *r, void *arena,
					 size_t arena_len,
					 const struct tdxc_snapshot_reader *rd)
{
	struct bp_reg_info info;
	const uint8_t *b, *g, *p;
	uint64_t len, end;
	uint8_t producer;
	uint32_t ng, i, k;
	int rc;

	if (!r || !arena || !rd)
		return TDXC_EINVAL;
	if ((rc = tdxc__bpool_registry_info(r, &info)))
		return rc;
	if ((rc = tdxc_snapshot_producer_vtl(rd, &producer)))
		return rc;
	if ((rc = tdxc__snapshot_rec_find(rd, TDXC_SNAPSHOT_MOD_BPOOL, 0, &b, &len)))
		return rc;
	if (info.nguests || info.generation)
		return TDXC_ESTATE;
	if (!tdxc__is_aligned(arena, TDXC_BPOOL_QUANTUM))
		return TDXC_EALIGN;
	if (tdxc__add_u64((uintptr_t)arena, arena_len, &end))
		return TDXC_EOVERFLOW;
	if ((rc = check_body(&info, (uintptr_t)r, (uintptr_t)arena, arena_len, b, len)))
		return rc;

	/* Only the nexus heap can still say no (ENOMEM): then back to the
	 * freshly initialised registry this restore started from. */
	ng = tdxc__le32(b);
	g = b + HDR;
	p = g + (size_t)ng * GST;
	for (i = 0; i < ng && !rc; i++, g += GST) {
		uint32_t id = tdxc__le32(g);
		rc = tdxc_bpool_guest_create(r, id);
		for (k = 0; k < tdxc__le32(g + 8) && !rc; k++, p += POOL)
			rc = tdxc_bpool_guest_add_pool(r, id, (uint8_t *)arena + tdxc__le64(p),
						       (size_t)tdxc__le64(p + 8));
		if (!rc && (tdxc__le32(g + 4) & G_SHUTDOWN_BIT))
			rc = tdxc_bpool_guest_shutdown(r, id);
	}
	if (rc)
		(void)tdxc__bpool_registry_reset(r);
	return rc;
}

#else /* !TDXC_HAVE_UTHASH */

int tdxc_bpool_registry_snapshot_add(struct tdxc_bpool_registry *r, const void *arena,
				     size_t arena_len, struct tdxc_snapshot_writer *w)
{
	(void)r; (void)arena; (void)arena_len; (void)w;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_registry_snapshot_restore(struct tdxc_bpool_registry *r, void *arena,
					 size_t arena_len,
					 const struct tdxc_snapshot_reader *rd)
{
	(void)r; (void)arena; (void)arena_len; (void)rd;
	return TDXC_ENOTSUP;
}

#endif
