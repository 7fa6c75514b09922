/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The per-VP store: init and enable, the access policy, field routing
 * (bank, shared block, staged run page or per-VTL page), TDX staging and
 * per-VTL page switches.
 */
#include "vtlctx_priv.h"

#define VTLCTX_ALL_VTLS(n) ((uint16_t)((1u << (n)) - 1u))

TDXC_STATIC_ASSERT(sizeof(struct vtlctx_store) % 8 == 0, store_size_multiple_of_8);
TDXC_STATIC_ASSERT(_Alignof(struct vtlctx_store) <= 8, store_align);
TDXC_STATIC_ASSERT(TDXC_VTLCTX_MAX_VTLS < VTLCTX_NONE, none_is_not_a_vtl);

/* ---- params ---------------------------------------------------------- */

static int parse_params(const struct tdxc_vtlctx_params *in, struct tdxc_vtlctx_params *p)
{
	int rc;
	if (!in)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(p, sizeof(*p), in, sizeof(*p));
	if (rc)
		return rc;
	rc = tdxc__desc_check(&p->reserved, sizeof(p->reserved), p->caps, TDXC_VTLCTX_CAP_ALL);
	if (rc)
		return rc;
	if (p->n_vtls == 0)
		p->n_vtls = TDXC_VTLCTX_DEFAULT_VTLS;
	if (p->n_vtls > TDXC_VTLCTX_MAX_VTLS)
		return TDXC_EINVAL;
	if (p->backend != TDXC_VTLCTX_BACKEND_TDX_STAGED &&
	    p->backend != TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return TDXC_EINVAL;
	if (p->partition_vtls == 0)
		p->partition_vtls = VTLCTX_ALL_VTLS(p->n_vtls);
	if (!(p->partition_vtls & 1u) || (p->partition_vtls & ~VTLCTX_ALL_VTLS(p->n_vtls)))
		return TDXC_EINVAL;
	return 0;
}

static size_t need_size(const struct tdxc_vtlctx_params *p)
{
	size_t n = sizeof(struct vtlctx_store);
	/* At most 15 banks of a few KiB: cannot overflow. */
	if (p->backend == TDXC_VTLCTX_BACKEND_TDX_STAGED)
		n += (size_t)p->n_vtls * VTLCTX_IMG_SIZE;
	return n;
}

int tdxc_vtlctx_storage_size(const struct tdxc_vtlctx_params *params, size_t *size)
{
	struct tdxc_vtlctx_params p;
	int rc;
	if (!size)
		return TDXC_EINVAL;
	rc = parse_params(params, &p);
	if (rc)
		return rc;
	*size = need_size(&p);
	return 0;
}

/* ---- canaries and integrity ------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return x;
}

/* Canary word i (0..7 head, 8..15 tail) of VTL v's page: depends on the
 * page address, so a page copied elsewhere or swapped is caught too. */
static uint64_t canary_key(const struct vtlctx_store *s, unsigned v)
{
	return mix64((uint64_t)(uintptr_t)s->page[v] ^ ((uint64_t)v << 56) ^
		     0x76746C6374786361ull);
}

static uint64_t canary_word(uint64_t key, unsigned i)
{
	return key ^ ((uint64_t)(i + 1) * 0x9E3779B97F4A7C15ull);
}

static uint8_t *canary_at(const struct vtlctx_store *s, unsigned v, unsigned i)
{
	if (i < 8)
		return s->page[v] + 8u * i;
	return s->page[v] + TDXC_VTLCTX_PAGE_SIZE - TDXC_VTLCTX_CANARY_SIZE + 8u * (i - 8);
}

static void canary_write(struct vtlctx_store *s, unsigned v)
{
	uint64_t key = canary_key(s, v);
	unsigned i;
	for (i = 0; i < 16; i++)
		tdxc__put_le64(canary_at(s, v, i), canary_word(key, i));
}

bool tdxc__vtlctx_canary_ok(const struct vtlctx_store *s, unsigned v)
{
	uint64_t key = canary_key(s, v);
	unsigned i;
	for (i = 0; i < 16; i++)
		if (tdxc__le64(canary_at(s, v, i)) != canary_word(key, i))
			return false;
	return true;
}

bool tdxc__vtlctx_header_ok(const struct vtlctx_store *s)
{
	uint16_t all;
	unsigned i;
	if (s->magic != VTLCTX_STORE_MAGIC)
		return false;
	if (s->n_vtls < 1 || s->n_vtls > TDXC_VTLCTX_MAX_VTLS)
		return false;
	if (s->caps & ~TDXC_VTLCTX_CAP_ALL)
		return false;
	if (s->n_shared_spans > VTLCTX_MAX_SHARED_SPANS || s->n_run_spans > VTLCTX_MAX_RUN_SPANS ||
	    s->n_checked > VTLCTX_MAX_CHECKED)
		return false;
	for (i = 0; i < s->n_shared_spans; i++)
		if (s->shared_spans[i].img_off + s->shared_spans[i].len > VTLCTX_IMG_SIZE)
			return false;
	for (i = 0; i < s->n_run_spans; i++)
		if (s->run_spans[i].img_off + s->run_spans[i].len > VTLCTX_IMG_SIZE ||
		    s->run_spans[i].run_off < TDXC_VTLCTX_RUN_CONTEXT_OFFSET ||
		    s->run_spans[i].run_off + s->run_spans[i].len >
			    TDXC_VTLCTX_RUN_CONTEXT_OFFSET + TDXC_VTLCTX_RUN_CONTEXT_SIZE)
			return false;
	for (i = 0; i < s->n_checked; i++)
		if (s->checked[i] >= TDXC_VTLCTX_F_COUNT)
			return false;
	all = VTLCTX_ALL_VTLS(s->n_vtls);
	if (!(s->vp_mask & 1u) || (s->vp_mask & ~s->part_mask) || (s->part_mask & ~all))
		return false;
	if (s->backend == TDXC_VTLCTX_BACKEND_TDX_STAGED) {
		if (s->staged != VTLCTX_NONE &&
		    (s->staged >= s->n_vtls || !s->staged_page))
			return false;
		if (s->exit_vtl != VTLCTX_NONE && s->exit_vtl >= s->n_vtls)
			return false;
		return s->active == 0;
	}
	if (s->backend != TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return false;
	return s->active < s->n_vtls && ((s->vp_mask >> s->active) & 1u) &&
	       s->staged == VTLCTX_NONE;
}

int tdxc__vtlctx_integrity(const struct vtlctx_store *s)
{
	unsigned v;
	if (!tdxc__vtlctx_header_ok(s))
		return TDXC_ECORRUPT;
	if (s->backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		for (v = 0; v < s->n_vtls; v++)
			if (!tdxc__vtlctx_canary_ok(s, v))
				return TDXC_ECORRUPT;
	return 0;
}

int tdxc_vtlctx_check(const struct tdxc_vtlctx *store)
{
	if (!store)
		return TDXC_EINVAL;
	return tdxc__vtlctx_integrity(vtlctx_cs(store));
}

/* ---- init and enable ------------------------------------------------- */

/* Reset VTL v's private fields: zero, RFLAGS 0x2, INVEPT on first entry. */
static void reset_private(struct vtlctx_store *s, unsigned v)
{
	uint32_t f;
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++)
		if (vtlctx_resolve(f, s->caps) == TDXC_VTLCTX_CLASS_PRIVATE)
			tdxc__memset(s->img[v] + tdxc__vtlctx_fields[f].img_off, 0,
				     tdxc__vtlctx_fields[f].size);
	tdxc__put_le64(s->img[v] + tdxc__vtlctx_fields[TDXC_VTLCTX_F_RFLAGS].img_off,
		       TDXC_VTLCTX_INIT_RFLAGS);
	s->img[v][tdxc__vtlctx_fields[TDXC_VTLCTX_F_ENTRY_FLUSH].img_off] =
		TDXC_VTLCTX_FLUSH_INVEPT;
}

static void span_add(struct vtlctx_span *sp, uint8_t *n, const struct vtlctx_fdesc *d,
		     uint8_t kind, bool by_run)
{
	struct vtlctx_span *last = *n ? &sp[*n - 1] : NULL;
	if (last && last->kind == kind && last->img_off + last->len == d->img_off &&
	    (!by_run || last->run_off + last->len == d->run_off)) {
		last->len = (uint16_t)(last->len + d->size);
		return;
	}
	/* Never more spans than fields of that kind: bounded by the enum
	 * sizes, which count exactly those fields. */
	sp[*n].img_off = d->img_off;
	sp[*n].run_off = d->run_off;
	sp[*n].len = d->size;
	sp[*n].kind = kind;
	(*n)++;
}

static void build_plans(struct vtlctx_store *s)
{
	uint32_t f;
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
		uint8_t cls = vtlctx_resolve(f, s->caps);
		if (cls == TDXC_VTLCTX_CLASS_SHARED)
			span_add(s->shared_spans, &s->n_shared_spans, d, SPAN_COMMON, false);
		if (!d->run_off)
			continue;
		span_add(s->run_spans, &s->n_run_spans, d,
			 cls == TDXC_VTLCTX_CLASS_PER_EXIT  ? SPAN_EXIT
			 : cls == TDXC_VTLCTX_CLASS_PRIVATE ? SPAN_PRIVATE
							    : SPAN_COMMON,
			 true);
		if (d->check != VC_NONE && f != TDXC_VTLCTX_F_ENTRY_FLUSH)
			s->checked[s->n_checked++] = (uint8_t)f;
	}
}

static bool overlaps(const void *a, size_t alen, const void *b, size_t blen)
{
	uint64_t pa = (uint64_t)(uintptr_t)a, pb = (uint64_t)(uintptr_t)b;
	return tdxc__ranges_overlap(pa, pa + alen, pb, pb + blen);
}

int tdxc_vtlctx_init(void *storage, size_t len, const struct tdxc_vtlctx_params *params,
		     void *const *pages, struct tdxc_vtlctx **out)
{
	struct tdxc_vtlctx_params p;
	struct vtlctx_store *s;
	size_t need;
	unsigned i, j;
	uint8_t *fx;
	int rc;

	if (!storage || !out)
		return TDXC_EINVAL;
	rc = parse_params(params, &p);
	if (rc)
		return rc;
	if (!tdxc__is_aligned(storage, 8))
		return TDXC_EALIGN;
	need = need_size(&p);
	if (len < need)
		return TDXC_ENOSPC;
	if (p.backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE) {
		if (!pages)
			return TDXC_EINVAL;
		for (i = 0; i < p.n_vtls; i++) {
			if (!pages[i])
				return TDXC_EINVAL;
			if (!tdxc__is_aligned(pages[i], TDXC_VTLCTX_PAGE_SIZE))
				return TDXC_EALIGN;
			if (overlaps(pages[i], TDXC_VTLCTX_PAGE_SIZE, storage, need))
				return TDXC_EOVERLAP;
			for (j = 0; j < i; j++)
				if (overlaps(pages[i], TDXC_VTLCTX_PAGE_SIZE, pages[j],
					     TDXC_VTLCTX_PAGE_SIZE))
					return TDXC_EOVERLAP;
		}
	} else if (pages) {
		return TDXC_EINVAL;
	}

	tdxc__memset(storage, 0, need);
	s = (struct vtlctx_store *)storage;
	s->magic = VTLCTX_STORE_MAGIC;
	s->caps = p.caps;
	s->n_vtls = p.n_vtls;
	s->backend = p.backend;
	s->staged = VTLCTX_NONE;
	s->exit_vtl = VTLCTX_NONE;
	s->active = 0;
	s->part_mask = p.partition_vtls;
	s->vp_mask = 1u;
	build_plans(s);
	for (i = 0; i < p.n_vtls; i++) {
		if (p.backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE) {
			s->page[i] = (uint8_t *)pages[i];
			tdxc__memset(s->page[i], 0, TDXC_VTLCTX_PAGE_SIZE);
			canary_write(s, i);
			s->img[i] = s->page[i] + VTLCTX_PAGE_IMG_OFF;
		} else {
			s->img[i] = (uint8_t *)storage + sizeof(*s) + (size_t)i * VTLCTX_IMG_SIZE;
		}
	}
	/* Shared FX state is initialised here, independent of any VTL's
	 * private init (openvmm #1104). */
	fx = vtlctx_shared_img(s) + tdxc__vtlctx_fields[TDXC_VTLCTX_F_FX_STATE].img_off;
	tdxc__put_le16(fx + TDXC_VTLCTX_FX_FCW_OFFSET, TDXC_VTLCTX_INIT_FCW);
	tdxc__put_le32(fx + TDXC_VTLCTX_FX_MXCSR_OFFSET, TDXC_VTLCTX_INIT_MXCSR);
	reset_private(s, 0);
	*out = (struct tdxc_vtlctx *)storage;
	return 0;
}

static bool store_ok(const struct tdxc_vtlctx *store)
{
	return store && vtlctx_cs(store)->magic == VTLCTX_STORE_MAGIC;
}

int tdxc_vtlctx_enable(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl)
{
	struct vtlctx_store *s;
	if (!store_ok(store))
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (vtl >= s->n_vtls)
		return TDXC_ERANGE;
	if (!((s->part_mask >> vtl) & 1u))
		return TDXC_EPERM;
	if ((s->vp_mask >> vtl) & 1u)
		return TDXC_EALREADY;
	reset_private(s, vtl);
	s->vp_mask = (uint16_t)(s->vp_mask | (1u << vtl));
	return 0;
}

int tdxc_vtlctx_is_enabled(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl)
{
	const struct vtlctx_store *s;
	if (!store_ok(store))
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (vtl >= s->n_vtls)
		return TDXC_ERANGE;
	return (s->vp_mask >> vtl) & 1u;
}

int tdxc_vtlctx_current(const struct tdxc_vtlctx *store)
{
	const struct vtlctx_store *s;
	if (!store_ok(store))
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (s->backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return s->active;
	return s->staged == VTLCTX_NONE ? TDXC_ENOENT : s->staged;
}

/* ---- access ---------------------------------------------------------- */

/* The access policy (see tdxc_vtlctx_read() in the header for the order). */
static int policy(const struct vtlctx_store *s, unsigned caller, unsigned target, uint32_t f)
{
	uint8_t acc;
	if (f >= TDXC_VTLCTX_F_COUNT)
		return TDXC_ERANGE;
	if (caller > s->n_vtls || target >= s->n_vtls)
		return TDXC_ERANGE;
	if (caller < s->n_vtls && !((s->vp_mask >> caller) & 1u))
		return TDXC_ENOTUSABLE;
	if (!((s->vp_mask >> target) & 1u))
		return TDXC_ENOTUSABLE;
	if (target > caller)
		return TDXC_EPERM;
	acc = tdxc__vtlctx_fields[f].access;
	if (acc == TDXC_VTLCTX_ACCESS_OWNER && caller != s->n_vtls)
		return TDXC_EPERM;
	if (acc == TDXC_VTLCTX_ACCESS_ARCH && target == caller)
		return TDXC_EPERM;
	if (f == TDXC_VTLCTX_F_VSM_VINA && target == 0)
		return TDXC_EPERM;
	if (f == TDXC_VTLCTX_F_TSC_AUX && caller < s->n_vtls &&
	    !(s->caps & TDXC_VTLCTX_CAP_TSC_AUX))
		return TDXC_ENOTSUP;
	return 0;
}

/* Where field f of VTL t lives right now. */
static uint8_t *locate(const struct vtlctx_store *s, uint32_t f, unsigned t, uint8_t cls)
{
	const struct vtlctx_fdesc *d = &tdxc__vtlctx_fields[f];
	if (s->backend == TDXC_VTLCTX_BACKEND_TDX_STAGED) {
		if (s->staged != VTLCTX_NONE && d->run_off && cls != TDXC_VTLCTX_CLASS_PER_EXIT &&
		    (cls != TDXC_VTLCTX_CLASS_PRIVATE || t == s->staged))
			return s->staged_page + d->run_off;
		if (cls == TDXC_VTLCTX_CLASS_PRIVATE)
			return s->img[t] + d->img_off;
		return (uint8_t *)s->common + d->img_off;
	}
	if (cls == TDXC_VTLCTX_CLASS_PRIVATE)
		return s->img[t] + d->img_off;
	if (cls == TDXC_VTLCTX_CLASS_SHARED)
		return s->img[s->active] + d->img_off;
	return (uint8_t *)s->common + d->img_off;
}

/* All checks of read/write except the size; *loc on success. */
static int prepare(const struct tdxc_vtlctx *store, unsigned caller, unsigned target,
		   uint32_t f, bool writing, uint8_t **loc)
{
	const struct vtlctx_store *s = vtlctx_cs(store);
	uint8_t cls;
	int rc = policy(s, caller, target, f);
	if (rc)
		return rc;
	cls = vtlctx_resolve(f, s->caps);
	if (cls == TDXC_VTLCTX_CLASS_PER_EXIT) {
		if (s->backend != TDXC_VTLCTX_BACKEND_TDX_STAGED)
			return TDXC_ENOTSUP;
		if (writing)
			return TDXC_EPERM;
		if (s->staged != VTLCTX_NONE || s->exit_vtl != target)
			return TDXC_ESTATE;
	}
	*loc = locate(s, f, target, cls);
	return 0;
}

int tdxc_vtlctx_read(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
		     tdxc_vtlctx_vtl target, uint32_t field, void *buf, size_t len)
{
	uint8_t *loc;
	int rc;
	if (!store_ok(store) || !buf)
		return TDXC_EINVAL;
	rc = prepare(store, caller, target, field, false, &loc);
	if (rc)
		return rc;
	if (len != tdxc__vtlctx_fields[field].size)
		return TDXC_ESIZE;
	tdxc__memcpy(buf, loc, len);
	return 0;
}

int tdxc_vtlctx_write(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
		      tdxc_vtlctx_vtl target, uint32_t field, const void *buf, size_t len)
{
	uint8_t *loc;
	int rc;
	if (!store_ok(store) || !buf)
		return TDXC_EINVAL;
	rc = prepare(store, caller, target, field, true, &loc);
	if (rc)
		return rc;
	if (len != tdxc__vtlctx_fields[field].size)
		return TDXC_ESIZE;
	if (!tdxc__vtlctx_value_ok(field, (const uint8_t *)buf))
		return TDXC_EINVAL;
	tdxc__memcpy(loc, buf, len);
	return 0;
}

int tdxc_vtlctx_get(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
		    tdxc_vtlctx_vtl target, uint32_t field, uint64_t *value)
{
	uint8_t *loc;
	uint16_t size;
	int rc;
	if (!store_ok(store) || !value)
		return TDXC_EINVAL;
	rc = prepare(store, caller, target, field, false, &loc);
	if (rc)
		return rc;
	size = tdxc__vtlctx_fields[field].size;
	if (size > 8)
		return TDXC_ESIZE;
	*value = vtlctx_load(size, loc);
	return 0;
}

int tdxc_vtlctx_set(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
		    tdxc_vtlctx_vtl target, uint32_t field, uint64_t value)
{
	uint8_t *loc, tmp[8];
	uint16_t size;
	int rc;
	if (!store_ok(store))
		return TDXC_EINVAL;
	rc = prepare(store, caller, target, field, true, &loc);
	if (rc)
		return rc;
	size = tdxc__vtlctx_fields[field].size;
	if (size > 8)
		return TDXC_ESIZE;
	if (size == 1 && value > 0xFFu)
		return TDXC_ERANGE;
	tdxc__put_le64(tmp, value);
	if (!tdxc__vtlctx_value_ok(field, tmp))
		return TDXC_EINVAL;
	tdxc__memcpy(loc, tmp, size);
	return 0;
}

/* ---- TDX staging ------------------------------------------------------ */

static uint64_t entry_rcx_base(unsigned vtl)
{
	return (uint64_t)(vtl + 1u) << TDXC_VTLCTX_ENTRY_RCX_VM_SHIFT;
}

int tdxc_vtlctx_stage(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl, void *page, size_t len)
{
	struct vtlctx_store *s;
	uint8_t *pg = (uint8_t *)page;
	unsigned i;
	if (!store_ok(store) || !page)
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (s->backend != TDXC_VTLCTX_BACKEND_TDX_STAGED)
		return TDXC_ENOTSUP;
	if (len < TDXC_VTLCTX_RUN_PAGE_SIZE)
		return TDXC_ENOSPC;
	if (vtl >= s->n_vtls)
		return TDXC_ERANGE;
	if (!((s->vp_mask >> vtl) & 1u))
		return TDXC_ENOTUSABLE;
	if (s->staged != VTLCTX_NONE)
		return TDXC_EBUSY;
	if (overlaps(page, TDXC_VTLCTX_RUN_PAGE_SIZE, s,
		     sizeof(*s) + (size_t)s->n_vtls * VTLCTX_IMG_SIZE))
		return TDXC_EOVERLAP;

	/* Exit info and padding are cleared: nothing stale survives. */
	tdxc__memset(pg + TDXC_VTLCTX_RUN_CONTEXT_OFFSET, 0, TDXC_VTLCTX_RUN_CONTEXT_SIZE);
	for (i = 0; i < s->n_run_spans; i++) {
		const struct vtlctx_span *sp = &s->run_spans[i];
		if (sp->kind == SPAN_EXIT)
			continue;
		tdxc__memcpy(pg + sp->run_off,
			     (sp->kind == SPAN_PRIVATE ? s->img[vtl] : s->common) + sp->img_off,
			     sp->len);
	}
	/* VM index = VTL + 1 (index 0 is the L1 VMM itself); the flush
	 * request belongs to this VTL only (openvmm #793). */
	tdxc__put_le64(pg + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET,
		       entry_rcx_base(vtl) |
			       s->img[vtl][tdxc__vtlctx_fields[TDXC_VTLCTX_F_ENTRY_FLUSH].img_off]);
	s->staged = vtl;
	s->staged_page = pg;
	s->exit_vtl = VTLCTX_NONE;
	return 0;
}

int tdxc_vtlctx_unstage(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl, void *page)
{
	struct vtlctx_store *s;
	const uint8_t *pg = (const uint8_t *)page;
	unsigned i;
	if (!store_ok(store) || !page)
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (s->backend != TDXC_VTLCTX_BACKEND_TDX_STAGED)
		return TDXC_ENOTSUP;
	if (s->staged == VTLCTX_NONE || vtl != s->staged)
		return TDXC_ESTATE;
	if (pg != s->staged_page)
		return TDXC_EFOREIGN;

	/* The page came back from the kernel/hypervisor: check all of it
	 * before taking anything. */
	if ((tdxc__le64(pg + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET) & ~(uint64_t)3u) !=
	    entry_rcx_base(vtl))
		return TDXC_ECORRUPT;
	for (i = 0; i < s->n_checked; i++) {
		uint32_t f = s->checked[i];
		if (!tdxc__vtlctx_value_ok(f, pg + tdxc__vtlctx_fields[f].run_off))
			return TDXC_ECORRUPT;
	}
	for (i = 0; i < s->n_run_spans; i++) {
		const struct vtlctx_span *sp = &s->run_spans[i];
		tdxc__memcpy((sp->kind == SPAN_PRIVATE ? s->img[vtl] : s->common) + sp->img_off,
			     pg + sp->run_off, sp->len);
	}
	/* Only the low byte was copied for ENTRY_FLUSH; keep bits 1:0. */
	s->img[vtl][tdxc__vtlctx_fields[TDXC_VTLCTX_F_ENTRY_FLUSH].img_off] &= 3u;
	s->staged = VTLCTX_NONE;
	s->staged_page = NULL;
	s->exit_vtl = vtl;
	return 0;
}

int tdxc_vtlctx_page_read(const struct tdxc_vtlctx *store, const void *page,
			  tdxc_vtlctx_vtl vtl, uint32_t field, void *buf, size_t len)
{
	const struct vtlctx_store *s;
	const struct vtlctx_fdesc *d;
	uint8_t cls;
	if (!store_ok(store) || !page || !buf)
		return TDXC_EINVAL;
	s = vtlctx_cs(store);
	if (s->backend != TDXC_VTLCTX_BACKEND_TDX_STAGED)
		return TDXC_ENOTSUP;
	if (field >= TDXC_VTLCTX_F_COUNT || vtl >= s->n_vtls)
		return TDXC_ERANGE;
	d = &tdxc__vtlctx_fields[field];
	if (!d->run_off)
		return TDXC_ENOENT;
	if (len != d->size)
		return TDXC_ESIZE;
	cls = vtlctx_resolve(field, s->caps);
	if (s->staged == VTLCTX_NONE || cls == TDXC_VTLCTX_CLASS_PER_EXIT)
		return TDXC_ESTATE;
	if ((const uint8_t *)page != s->staged_page)
		return TDXC_EFOREIGN;
	if (cls == TDXC_VTLCTX_CLASS_PRIVATE && vtl != s->staged)
		return TDXC_ESTATE;
	tdxc__memcpy(buf, (const uint8_t *)page + d->run_off, len);
	return 0;
}

/* ---- per-VTL page switch ------------------------------------------------ */

int tdxc_vtlctx_switch(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl from, tdxc_vtlctx_vtl to)
{
	struct vtlctx_store *s;
	unsigned i;
	if (!store_ok(store))
		return TDXC_EINVAL;
	s = vtlctx_s(store);
	if (s->backend != TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return TDXC_ENOTSUP;
	if (from >= s->n_vtls || to >= s->n_vtls)
		return TDXC_ERANGE;
	if (!((s->vp_mask >> to) & 1u))
		return TDXC_ENOTUSABLE;
	if (from != s->active)
		return TDXC_ESTATE;
	if (from == to)
		return TDXC_EALREADY;
	if (!tdxc__vtlctx_canary_ok(s, from) || !tdxc__vtlctx_canary_ok(s, to))
		return TDXC_ECORRUPT;
	for (i = 0; i < s->n_shared_spans; i++) {
		const struct vtlctx_span *sp = &s->shared_spans[i];
		tdxc__memcpy(s->img[to] + sp->img_off, s->img[from] + sp->img_off, sp->len);
	}
	s->active = to;
	return 0;
}
