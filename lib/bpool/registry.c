/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-guest pool registry. All metadata (guest entries with their heap
 * contexts, the uthash table and buckets, the sorted pool index) comes from
 * one heap over the caller's nexus region; nothing else is allocated.
 */
#include "bpool_priv.h"

#ifdef TDXC_HAVE_UTHASH

struct reg;
static void *reg_malloc(struct reg *r, size_t sz);
static void reg_free(struct reg *r, void *p);
static unsigned id_hash(const void *key);

/*
 * uthash configuration. Every allocation goes to the nexus heap through
 * the registry in scope (always named reg_); out of memory is non-fatal:
 * uthash rolls the insert back and we see reg_->oom. Nothing can exit.
 */
#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) reg_malloc(reg_, (sz))
#define uthash_free(ptr, sz) reg_free(reg_, (ptr))
#define uthash_nonfatal_oom(obj) (reg_->oom = 1)
#define uthash_fatal(msg) (reg_->oom = 1)
#define uthash_bzero(a, n) tdxc__memset((a), 0, (n))
#define uthash_strlen(s) __builtin_strlen(s)
/* Keys are always a uint32_t id: compare them inline (0 when equal). */
#define HASH_KEYCMP(a, b, n)                                              \
	((n) == sizeof(uint32_t) ? (tdxc__le32(a) != tdxc__le32(b))       \
				 : tdxc__memcmp((a), (b), (n)))
#define HASH_FUNCTION(keyptr, keylen, hashv) ((hashv) = id_hash(keyptr))

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <uthash.h>
#pragma GCC diagnostic pop

/*
 * Lookup by id is the hot path (every call from a guest). uthash doubles
 * its bucket array only when a chain reaches 10 entries, so with 1,000
 * guests a lookup walks several entries, each a likely cache miss and a
 * hard-to-predict branch. Expanding when a chain reaches 4 keeps chains
 * at about one entry; the bucket array stays under 40 bytes of nexus per
 * guest (measured up to 10,000 guests) against about 4.9 KiB per guest
 * entry. (A threshold of 2 made the table grow without bound.) The macro
 * is used only inside uthash's own macros, which expand at their use
 * below, after this redefinition.
 */
#undef HASH_BKT_CAPACITY_THRESH
#define HASH_BKT_CAPACITY_THRESH 4U

#define REG_MAGIC UINT64_C(0x7473696765526470) /* "pdRegist" */
#define GUEST_MAGIC UINT64_C(0x7473657547706442) /* "BdpGuest" */
#define G_SHUTDOWN 1u

struct guest {
	uint64_t magic;
	uint32_t id;
	uint32_t state;
	UT_hash_handle hh;
	struct tdxc_bpool heap;
};

/* One guest pool in the registry-wide index (sorted by start, disjoint). */
struct range {
	uintptr_t start;
	uintptr_t end;
	uint32_t id;
	uint32_t pad;
};

struct reg {
	uint64_t magic;
	struct reg *self;
	struct tdxc_bpool nexus;
	uintptr_t nx_start;
	uintptr_t nx_end;
	struct guest *table;
	struct range *ranges;
	uint32_t nranges;
	uint32_t cap;
	uint64_t nguests;
	uint64_t secret;
	uint64_t quota;
	uint32_t max_id;
	uint32_t max_guests;
	uint32_t rsv[TDXC_BPOOL_RESERVED_IDS];
	uint32_t flags;
	uint32_t iterating;
	uint32_t oom;
	uint32_t fail_nth;
	uint64_t generation; /* creates so far: keys differ per incarnation */
};

TDXC_STATIC_ASSERT(sizeof(struct reg) <= sizeof(struct tdxc_bpool_registry),
		   reg_fits_opaque);
TDXC_STATIC_ASSERT(_Alignof(struct reg) <= _Alignof(struct tdxc_bpool_registry),
		   reg_alignment);

static const struct guest guest_template = { GUEST_MAGIC, 0, 0, { 0 }, { { 0 } } };

static void *reg_malloc(struct reg *r, size_t sz)
{
	void *p;
	if (r->fail_nth && --r->fail_nth == 0)
		return NULL;
	return tdxc_bpool_alloc(&r->nexus, sz, TDXC_BPOOL_QUANTUM, &p) ? NULL : p;
}

static void reg_free(struct reg *r, void *p)
{
	if (p)
		(void)tdxc_bpool_free(&r->nexus, p);
}

static unsigned id_hash(const void *key)
{
	uint32_t v;
	tdxc__memcpy(&v, key, sizeof(v));
	v ^= v >> 16;
	v *= 0x7feb352du;
	v ^= v >> 15;
	v *= 0x846ca68bu;
	v ^= v >> 16;
	return v;
}

static int guest_cmp(const struct guest *a, const struct guest *b)
{
	return (a->id > b->id) - (a->id < b->id);
}

static inline __attribute__((always_inline)) int
reg_ctx(struct tdxc_bpool_registry *rp, struct reg **out)
{
	struct reg *r = (struct reg *)(void *)rp;
	if (!rp || !tdxc__is_aligned(rp, 8) || r->magic != REG_MAGIC || r->self != r)
		return TDXC_EINVAL;
	*out = r;
	return 0;
}

static inline __attribute__((always_inline)) struct guest *
find(struct reg *reg_, uint32_t id)
{
	struct guest *e;
	HASH_FIND(hh, reg_->table, &id, sizeof(id), e);
	if (e && e->magic != GUEST_MAGIC)
		return NULL;
	return e;
}

static bool id_ok(const struct reg *r, uint32_t id)
{
	unsigned i;
	if (id == TDXC_BPOOL_ID_HYPERVISOR || id > r->max_id)
		return false;
	for (i = 0; i < TDXC_BPOOL_RESERVED_IDS; i++)
		if (r->rsv[i] && r->rsv[i] == id)
			return false;
	return true;
}

/* The checks of tdxc_bpool_add_pool() on a range, without a heap. */
static int range_args(void *mem, size_t len, uint64_t *end)
{
	uintptr_t a = (uintptr_t)mem;
	if (!mem)
		return TDXC_EINVAL;
	if (tdxc__add_u64(a, len, end))
		return TDXC_EOVERFLOW;
#if UINTPTR_MAX < UINT64_MAX
	if (*end > UINTPTR_MAX)
		return TDXC_EOVERFLOW;
#endif
	if ((a | len) & (TDXC_BPOOL_QUANTUM - 1))
		return TDXC_EALIGN;
	if (len < TDXC_BPOOL_MIN_POOL)
		return TDXC_ESIZE;
	if (len > TDXC_BPOOL_MAX_POOL)
		return TDXC_E2BIG;
	return 0;
}

int tdxc_bpool_registry_init(struct tdxc_bpool_registry *rp, void *nexus,
			     size_t nexus_len,
			     const struct tdxc_bpool_registry_params *params)
{
	struct tdxc_bpool_registry_params p;
	struct tdxc_bpool_params hp;
	struct reg *r = (struct reg *)(void *)rp;
	uint64_t end;
	int rc;

	if (!rp || !tdxc__is_aligned(rp, 8))
		return TDXC_EINVAL;
	if (r->magic == REG_MAGIC && r->self == r)
		return TDXC_EBUSY;
	rc = range_args(nexus, nexus_len, &end);
	if (rc)
		return rc;
	if (tdxc__ranges_overlap((uintptr_t)nexus, end, (uintptr_t)rp,
				 (uintptr_t)rp + sizeof(*rp)))
		return TDXC_EOVERLAP;
	tdxc__memset(&p, 0, sizeof(p));
	if (params) {
		rc = tdxc__copy_in(&p, sizeof(p), params, sizeof(p));
		if (rc)
			return rc;
		rc = tdxc__desc_check(p.reserved, sizeof(p.reserved), p.flags, TDXC_BPOOL_REG_ALL);
		if (rc)
			return rc;
	}

	tdxc__memset(rp, 0, sizeof(*rp));
	tdxc__memset(&hp, 0, sizeof(hp));
	hp.size = sizeof(hp);
	hp.secret = p.secret ^ UINT64_C(0xa5a5a5a55a5a5a5a);
	if (p.flags & TDXC_BPOOL_REG_NO_CACHE)
		hp.flags = TDXC_BPOOL_F_NO_CACHE;
	rc = tdxc_bpool_init(&r->nexus, &hp);
	if (!rc)
		rc = tdxc_bpool_add_pool(&r->nexus, nexus, nexus_len);
	if (rc) { /* not reachable: every argument was checked above */
		tdxc__memset(rp, 0, sizeof(*rp));
		return rc;
	}
	r->nx_start = (uintptr_t)nexus;
	r->nx_end = (uintptr_t)end;
	r->secret = p.secret;
	r->quota = p.guest_quota;
	r->max_id = p.max_id ? p.max_id : UINT32_MAX;
	r->max_guests = p.max_guests;
	tdxc__memcpy(r->rsv, p.reserved_ids, sizeof(r->rsv));
	r->flags = p.flags;
	r->self = r;
	r->magic = REG_MAGIC;
	return 0;
}

int tdxc_bpool_guest_create(struct tdxc_bpool_registry *rp, uint32_t id)
{
	struct reg *reg_;
	struct guest *e;
	struct tdxc_bpool_params hp;
	int rc = reg_ctx(rp, &reg_);

	if (rc)
		return rc;
	if (!id_ok(reg_, id))
		return TDXC_EINVAL;
	if (reg_->iterating)
		return TDXC_EBUSY;
	if (find(reg_, id))
		return TDXC_EEXIST;
	if (reg_->max_guests && reg_->nguests >= reg_->max_guests)
		return TDXC_ENOSPC;
	e = (struct guest *)reg_malloc(reg_, sizeof(*e));
	if (!e)
		return TDXC_ENOMEM;
	/* A pristine context from the template, never a copy of a live one. */
	tdxc__memcpy(e, &guest_template, sizeof(*e));
	e->id = id;
	tdxc__memset(&hp, 0, sizeof(hp));
	hp.size = sizeof(hp);
	hp.flags = ((reg_->flags & TDXC_BPOOL_REG_ZERO_ON_FREE) ?
			    TDXC_BPOOL_F_ZERO_ON_FREE : 0) |
		   ((reg_->flags & TDXC_BPOOL_REG_NO_CACHE) ?
			    TDXC_BPOOL_F_NO_CACHE : 0);
	/* Each incarnation of an id gets its own key, so headers left in a
	 * range by an earlier guest never verify in a later one. */
	hp.secret = reg_->secret ^ ((uint64_t)id * UINT64_C(0x9e3779b97f4a7c15)) ^
		    ((reg_->generation + 1) * UINT64_C(0xc2b2ae3d27d4eb4f));
	hp.quota = reg_->quota;
	rc = tdxc_bpool_init(&e->heap, &hp);
	if (rc) {
		reg_free(reg_, e);
		return rc;
	}
	tdxc__bpool_set_state(&e->heap, TDXC_BPOOL_STATE_MANAGED, true);
	reg_->oom = 0;
	if (!reg_->table ||
	    ((struct guest *)ELMT_FROM_HH(reg_->table->hh.tbl,
					  reg_->table->hh.tbl->tail))->id < id) {
		/* Ascending creation (the common case): appending keeps order. */
		HASH_ADD(hh, reg_->table, id, sizeof(uint32_t), e);
	} else {
		HASH_ADD_INORDER(hh, reg_->table, id, sizeof(uint32_t), e, guest_cmp);
	}
	if (reg_->oom) {
		tdxc__bpool_drop(&e->heap);
		reg_free(reg_, e);
		return TDXC_ENOMEM;
	}
	reg_->nguests++;
	reg_->generation++;
	return 0;
}

/* Index of the first range whose start is >= a. */
static uint32_t lower_bound(const struct reg *r, uintptr_t a)
{
	uint32_t lo = 0, hi = r->nranges;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r->ranges[mid].start < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int tdxc_bpool_guest_add_pool(struct tdxc_bpool_registry *rp, uint32_t id,
			      void *mem, size_t len)
{
	struct reg *reg_;
	struct guest *e;
	struct tdxc_bpool_stats st;
	uintptr_t a = (uintptr_t)mem;
	uint64_t end;
	uint32_t at;
	int rc = reg_ctx(rp, &reg_);

	if (rc)
		return rc;
	e = find(reg_, id);
	if (!e)
		return TDXC_ENOENT;
	if (reg_->iterating || (e->state & G_SHUTDOWN))
		return TDXC_EBUSY;
	if (tdxc_bpool_stats(&e->heap, &st))
		return TDXC_EINVAL;
	if (st.state & TDXC_BPOOL_STATE_POISONED)
		return TDXC_ECORRUPT;
	rc = range_args(mem, len, &end);
	if (rc)
		return rc;
	if (tdxc__ranges_overlap(a, end, reg_->nx_start, reg_->nx_end) ||
	    tdxc__ranges_overlap(a, end, (uintptr_t)rp, (uintptr_t)rp + sizeof(*rp)))
		return TDXC_EOVERLAP;
	at = lower_bound(reg_, a);
	if ((at > 0 && reg_->ranges[at - 1].end > a) ||
	    (at < reg_->nranges && reg_->ranges[at].start < end))
		return TDXC_EOVERLAP;
	if (st.npools >= TDXC_BPOOL_MAX_POOLS)
		return TDXC_ENOSPC;
	if (reg_->nranges == reg_->cap) {
		uint32_t ncap = reg_->cap ? reg_->cap * 2 : 16;
		void *np = NULL;
		if (reg_->fail_nth && --reg_->fail_nth == 0)
			return TDXC_ENOMEM;
		if (tdxc_bpool_realloc(&reg_->nexus, reg_->ranges,
				       (size_t)ncap * sizeof(struct range), &np))
			return TDXC_ENOMEM;
		reg_->ranges = (struct range *)np;
		reg_->cap = ncap;
	}
	rc = tdxc__bpool_add_pool(&e->heap, mem, len, true);
	if (rc)
		return rc;
	tdxc__memmove(&reg_->ranges[at + 1], &reg_->ranges[at],
		      (reg_->nranges - at) * sizeof(struct range));
	reg_->ranges[at].start = a;
	reg_->ranges[at].end = (uintptr_t)end;
	reg_->ranges[at].id = id;
	reg_->ranges[at].pad = 0;
	reg_->nranges++;
	return 0;
}

int tdxc_bpool_guest_heap(struct tdxc_bpool_registry *rp, uint32_t id,
			  struct tdxc_bpool **heap)
{
	struct reg *r;
	struct guest *e;
	int rc = reg_ctx(rp, &r);
	if (rc)
		return rc;
	if (!heap)
		return TDXC_EINVAL;
	e = find(r, id);
	if (!e)
		return TDXC_ENOENT;
	*heap = &e->heap;
	return 0;
}

int tdxc_bpool_guest_alloc(struct tdxc_bpool_registry *rp, uint32_t id,
			   size_t size, size_t align, void **out)
{
	struct tdxc_bpool *h;
	int rc = tdxc_bpool_guest_heap(rp, id, &h);
	return rc ? rc : tdxc_bpool_alloc(h, size, align, out);
}

int tdxc_bpool_guest_free(struct tdxc_bpool_registry *rp, uint32_t id, void *ptr)
{
	struct tdxc_bpool *h;
	int rc = tdxc_bpool_guest_heap(rp, id, &h);
	return rc ? rc : tdxc_bpool_free(h, ptr);
}

int tdxc_bpool_guest_realloc(struct tdxc_bpool_registry *rp, uint32_t id,
			     void *ptr, size_t size, void **out)
{
	struct tdxc_bpool *h;
	int rc = tdxc_bpool_guest_heap(rp, id, &h);
	return rc ? rc : tdxc_bpool_realloc(h, ptr, size, out);
}

int tdxc_bpool_guest_shutdown(struct tdxc_bpool_registry *rp, uint32_t id)
{
	struct reg *r;
	struct guest *e;
	int rc = reg_ctx(rp, &r);
	if (rc)
		return rc;
	e = find(r, id);
	if (!e)
		return TDXC_ENOENT;
	if (e->state & G_SHUTDOWN)
		return TDXC_EALREADY;
	e->state |= G_SHUTDOWN;
	tdxc__bpool_set_state(&e->heap, TDXC_BPOOL_STATE_SHUTDOWN, true);
	return 0;
}

int tdxc_bpool_guest_destroy(struct tdxc_bpool_registry *rp, uint32_t id,
			     uint32_t flags)
{
	struct reg *reg_;
	struct guest *e;
	struct tdxc_bpool_stats st;
	uint32_t i, j;
	int rc = reg_ctx(rp, &reg_);

	if (rc)
		return rc;
	if (tdxc__check_flags(flags, TDXC_BPOOL_DESTROY_WIPE))
		return TDXC_EFLAGS;
	e = find(reg_, id);
	if (!e)
		return TDXC_ENOENT;
	if (reg_->iterating)
		return TDXC_EBUSY;
	tdxc__memset(&st, 0, sizeof(st));
	(void)tdxc_bpool_stats(&e->heap, &st);
	if (st.live && !(flags & TDXC_BPOOL_DESTROY_WIPE))
		return TDXC_EBUSY;
	if (flags & TDXC_BPOOL_DESTROY_WIPE)
		tdxc__bpool_wipe_pools(&e->heap);
	for (i = j = 0; i < reg_->nranges; i++)
		if (reg_->ranges[i].id != id)
			reg_->ranges[j++] = reg_->ranges[i];
	reg_->nranges = j;
	HASH_DELETE(hh, reg_->table, e); /* never allocates */
	tdxc__bpool_drop(&e->heap);
	tdxc__memset(e, 0, sizeof(*e));
	reg_free(reg_, e);
	reg_->nguests--;
	return 0;
}

int tdxc_bpool_guest_stats(struct tdxc_bpool_registry *rp, uint32_t id,
			   struct tdxc_bpool_stats *st)
{
	struct tdxc_bpool *h;
	int rc;
	if (!st)
		return TDXC_EINVAL;
	rc = tdxc_bpool_guest_heap(rp, id, &h);
	return rc ? rc : tdxc_bpool_stats(h, st);
}

int tdxc_bpool_guest_foreach(struct tdxc_bpool_registry *rp,
			     tdxc_bpool_guest_cb cb, void *arg)
{
	struct reg *r;
	struct guest *e;
	int n = 0, rc = reg_ctx(rp, &r);

	if (rc)
		return rc;
	if (!cb)
		return TDXC_EINVAL;
	if (r->iterating)
		return TDXC_EBUSY;
	r->iterating = 1;
	/* The application-order list is kept sorted by id on insert. */
	for (e = r->table; e; e = (struct guest *)e->hh.next) {
		if (cb(arg, e->id, &e->heap)) {
			rc = TDXC_ECALLBACK;
			break;
		}
		if (n < INT32_MAX)
			n++;
	}
	r->iterating = 0;
	return rc ? rc : n;
}

int tdxc_bpool_registry_stats(struct tdxc_bpool_registry *rp,
			      struct tdxc_bpool_registry_stats *st)
{
	struct reg *r;
	struct guest *e;
	int rc = reg_ctx(rp, &r);

	if (rc)
		return rc;
	if (!st)
		return TDXC_EINVAL;
	tdxc__memset(st, 0, sizeof(*st));
	for (e = r->table; e; e = (struct guest *)e->hh.next) {
		struct tdxc_bpool_stats gs;
		tdxc__memset(&gs, 0, sizeof(gs));
		(void)tdxc_bpool_stats(&e->heap, &gs);
		st->guests++;
		st->pools += gs.npools;
		st->guest_total += gs.total;
		st->guest_used += gs.used;
		st->guest_live += gs.live;
	}
	(void)tdxc_bpool_stats(&r->nexus, &st->nexus);
	return 0;
}

int tdxc__bpool_registry_fail_nth(struct tdxc_bpool_registry *rp, uint32_t k)
{
	struct reg *r;
	int rc = reg_ctx(rp, &r);
	if (rc)
		return rc;
	r->fail_nth = k;
	return 0;
}

/* For the snapshot record (lib/bpool/snaprec.c): the registry's limits. */
int tdxc__bpool_registry_info(struct tdxc_bpool_registry *rp, struct bp_reg_info *out)
{
	struct reg *r;
	int rc = reg_ctx(rp, &r);
	if (rc)
		return rc;
	out->nx_start = r->nx_start;
	out->nx_end = r->nx_end;
	out->nguests = r->nguests;
	out->generation = r->generation;
	out->max_id = r->max_id;
	out->max_guests = r->max_guests;
	out->iterating = r->iterating;
	tdxc__memcpy(out->rsv, r->rsv, sizeof(out->rsv));
	return 0;
}

/* Back to the state right after tdxc_bpool_registry_init() with the same
 * parameters (a restore that ran out of nexus memory). Guest pools are
 * forgotten, not wiped. */
int tdxc__bpool_registry_reset(struct tdxc_bpool_registry *rp)
{
	struct tdxc_bpool_registry_params p;
	struct reg *r;
	void *nexus;
	size_t len;
	int rc = reg_ctx(rp, &r);
	if (rc)
		return rc;
	tdxc__memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = r->flags;
	p.secret = r->secret;
	p.max_id = r->max_id;
	p.max_guests = r->max_guests;
	p.guest_quota = r->quota;
	tdxc__memcpy(p.reserved_ids, r->rsv, sizeof(p.reserved_ids));
	nexus = (void *)r->nx_start;
	len = (size_t)(r->nx_end - r->nx_start);
	r->magic = 0;
	return tdxc_bpool_registry_init(rp, nexus, len, &p);
}

#else /* !TDXC_HAVE_UTHASH: the registry is compiled out */

int tdxc_bpool_registry_init(struct tdxc_bpool_registry *rp, void *nexus,
			     size_t nexus_len,
			     const struct tdxc_bpool_registry_params *params)
{
	(void)rp; (void)nexus; (void)nexus_len; (void)params;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_create(struct tdxc_bpool_registry *rp, uint32_t id)
{
	(void)rp; (void)id;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_add_pool(struct tdxc_bpool_registry *rp, uint32_t id,
			      void *mem, size_t len)
{
	(void)rp; (void)id; (void)mem; (void)len;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_heap(struct tdxc_bpool_registry *rp, uint32_t id,
			  struct tdxc_bpool **heap)
{
	(void)rp; (void)id; (void)heap;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_alloc(struct tdxc_bpool_registry *rp, uint32_t id,
			   size_t size, size_t align, void **out)
{
	(void)rp; (void)id; (void)size; (void)align; (void)out;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_free(struct tdxc_bpool_registry *rp, uint32_t id, void *ptr)
{
	(void)rp; (void)id; (void)ptr;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_realloc(struct tdxc_bpool_registry *rp, uint32_t id,
			     void *ptr, size_t size, void **out)
{
	(void)rp; (void)id; (void)ptr; (void)size; (void)out;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_shutdown(struct tdxc_bpool_registry *rp, uint32_t id)
{
	(void)rp; (void)id;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_destroy(struct tdxc_bpool_registry *rp, uint32_t id,
			     uint32_t flags)
{
	(void)rp; (void)id; (void)flags;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_stats(struct tdxc_bpool_registry *rp, uint32_t id,
			   struct tdxc_bpool_stats *st)
{
	(void)rp; (void)id; (void)st;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_guest_foreach(struct tdxc_bpool_registry *rp,
			     tdxc_bpool_guest_cb cb, void *arg)
{
	(void)rp; (void)cb; (void)arg;
	return TDXC_ENOTSUP;
}

int tdxc_bpool_registry_stats(struct tdxc_bpool_registry *rp,
			      struct tdxc_bpool_registry_stats *st)
{
	(void)rp; (void)st;
	return TDXC_ENOTSUP;
}

int tdxc__bpool_registry_fail_nth(struct tdxc_bpool_registry *rp, uint32_t k)
{
	(void)rp; (void)k;
	return TDXC_ENOTSUP;
}

#endif /* TDXC_HAVE_UTHASH */
