/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion core: storage layout, map resolution, the summary-bitmap frame
 * pool with lazily initialised sections, reservations and acceptance.
 * See memregion_priv.h for the data structure.
 */
#include "memregion_priv.h"

/* ------------------------------------------------------------------ bits */

TDXC_HIDDEN uint64_t tdxc__memregion_popcount(uint64_t v)
{
	/* No __builtin_popcount: without -mpopcnt it calls libgcc. */
	v = v - ((v >> 1) & UINT64_C(0x5555555555555555));
	v = (v & UINT64_C(0x3333333333333333)) +
	    ((v >> 2) & UINT64_C(0x3333333333333333));
	v = (v + (v >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return (v * UINT64_C(0x0101010101010101)) >> 56;
}
#define popcount64 tdxc__memregion_popcount

static inline unsigned ctz64(uint64_t v)
{
	return (unsigned)__builtin_ctzll(v);
}

/* Mask of bits [lo, hi) of one word, 0 <= lo < hi <= 64. */
static inline uint64_t word_mask(unsigned lo, unsigned hi)
{
	uint64_t m = ~UINT64_C(0) << lo;
	if (hi < 64)
		m &= (UINT64_C(1) << hi) - 1;
	return m;
}

static void bits_set(uint64_t *bm, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t w = a >> 6;
		unsigned lo = (unsigned)(a & 63);
		unsigned hi = (b - (w << 6)) >= 64 ? 64 : (unsigned)(b - (w << 6));
		bm[w] |= word_mask(lo, hi);
		a = (w << 6) + hi;
	}
}

static void bits_clear(uint64_t *bm, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t w = a >> 6;
		unsigned lo = (unsigned)(a & 63);
		unsigned hi = (b - (w << 6)) >= 64 ? 64 : (unsigned)(b - (w << 6));
		bm[w] &= ~word_mask(lo, hi);
		a = (w << 6) + hi;
	}
}

/* First index in [a, b) whose bit equals val, or MR_NONE. */
static uint64_t first_bit(const uint64_t *bm, uint64_t a, uint64_t b, int val)
{
	while (a < b) {
		uint64_t w = a >> 6;
		unsigned lo = (unsigned)(a & 63);
		unsigned hi = (b - (w << 6)) >= 64 ? 64 : (unsigned)(b - (w << 6));
		uint64_t x = (val ? bm[w] : ~bm[w]) & word_mask(lo, hi);
		if (x)
			return (w << 6) | ctz64(x);
		a = (w << 6) + hi;
	}
	return MR_NONE;
}

/* ---------------------------------------------------------------- layout */

struct mr_layout {
	size_t off_raw, off_res, off_resv, off_b, off_owner, off_parent,
		off_order, off_init, off_plain, off_hist, off_pending, total;
	size_t off_lvl[MR_MAX_LEVELS];
	size_t off_fw[MR_MAX_LEVELS];
	uint64_t lvl_words[MR_MAX_LEVELS];
	uint32_t nlevels;
	uint64_t nframes, nsect, nunits;
};

static int take_bytes(size_t *cur, uint64_t count, uint64_t elem, size_t *off)
{
	uint64_t bytes;
	size_t b, n;
	if (tdxc__mul_u64(count, elem, &bytes))
		return TDXC_EOVERFLOW;
	if (tdxc__align_up_u64(bytes, 8, &bytes))
		return TDXC_EOVERFLOW;
	if (bytes > (uint64_t)SIZE_MAX)
		return TDXC_EOVERFLOW;
	b = (size_t)bytes;
	if (tdxc__add_size(*cur, b, &n))
		return TDXC_EOVERFLOW;
	*off = *cur;
	*cur = n;
	return 0;
}

static int check_params(const struct tdxc_memregion_params *p,
			struct tdxc_memregion_params *out)
{
	struct tdxc_memregion_params q;
	int rc;
	if (!p)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(&q, sizeof(q), p, sizeof(q));
	if (rc)
		return rc;
	rc = tdxc__desc_check(q.reserved, sizeof(q.reserved), q.flags,
			      TDXC_MEMREGION_F_TRACK_FREED);
	if (rc)
		return rc;
	if (!q.max_regions || !q.max_reservations || !q.max_addr)
		return TDXC_EINVAL;
	if (q.max_addr & (MR_PAGE - 1))
		return TDXC_EALIGN;
	if (q.max_addr > TDXC_MEMREGION_MAX_ADDR_LIMIT ||
	    q.max_regions > MR_CAP_LIMIT || q.max_reservations > MR_CAP_LIMIT)
		return TDXC_E2BIG;
	*out = q;
	return 0;
}

static int compute_layout(const struct tdxc_memregion_params *q,
			  struct mr_layout *l)
{
	size_t cur = 0, dummy;
	uint64_t R = q->max_regions, words;
	uint32_t k;
	int rc = 0;

	tdxc__memset(l, 0, sizeof(*l));
	l->nsect = ((q->max_addr >> MR_PAGE_SHIFT) + MR_SECT_FRAMES - 1) >>
		   MR_SECT_SHIFT;
	l->nframes = l->nsect << MR_SECT_SHIFT;
	l->nunits = l->nframes >> MR_UNIT_SHIFT;
	l->lvl_words[0] = l->nsect * MR_SECT_WORDS;
	l->lvl_words[1] = l->nsect;
	words = l->nsect;
	k = 2;
	do {
		words = (words + 63) >> 6;
		l->lvl_words[k++] = words;
	} while (words > 1);
	l->nlevels = k;

	rc |= take_bytes(&cur, sizeof(struct tdxc_memregion), 1, &dummy);
	rc |= take_bytes(&cur, R, sizeof(struct mr_ent), &l->off_raw);
	rc |= take_bytes(&cur, 2 * R, sizeof(struct mr_ent), &l->off_res);
	rc |= take_bytes(&cur, q->max_reservations, sizeof(struct mr_resv),
			 &l->off_resv);
	rc |= take_bytes(&cur, 2 * R, 8, &l->off_b);
	rc |= take_bytes(&cur, 2 * R, 4, &l->off_owner);
	rc |= take_bytes(&cur, 2 * R, 4, &l->off_parent);
	rc |= take_bytes(&cur, R, 4, &l->off_order);
	for (k = 0; k < l->nlevels; k++)
		rc |= take_bytes(&cur, l->lvl_words[k], 8, &l->off_lvl[k]);
	for (k = 0; k + 1 < l->nlevels; k++)
		rc |= take_bytes(&cur, l->lvl_words[k + 1], 8, &l->off_fw[k]);
	rc |= take_bytes(&cur, (l->nsect + 63) >> 6, 8, &l->off_init);
	rc |= take_bytes(&cur, (l->nsect + 63) >> 6, 8, &l->off_plain);
	rc |= take_bytes(&cur, (l->nunits + 63) >> 6, 8, &l->off_pending);
	if (q->flags & TDXC_MEMREGION_F_TRACK_FREED)
		rc |= take_bytes(&cur, l->lvl_words[0], 8, &l->off_hist);
	l->total = cur;
	return rc ? TDXC_EOVERFLOW : 0;
}

TDXC_API size_t
tdxc_memregion_storage_size(const struct tdxc_memregion_params *params)
{
	struct tdxc_memregion_params q;
	struct mr_layout l;
	if (check_params(params, &q))
		return 0;
	if (compute_layout(&q, &l))
		return 0;
	return l.total;
}

TDXC_API int tdxc_memregion_init(struct tdxc_memregion **out, void *storage,
				 size_t len,
				 const struct tdxc_memregion_params *params)
{
	struct tdxc_memregion_params q;
	struct mr_layout l;
	struct tdxc_memregion *mr;
	uint8_t *base = (uint8_t *)storage;
	uint32_t k;
	int rc;

	if (!out || !storage || !params)
		return TDXC_EINVAL;
	rc = check_params(params, &q);
	if (rc)
		return rc;
	if (compute_layout(&q, &l))
		return TDXC_E2BIG;
	if (!tdxc__is_aligned(storage, 8))
		return TDXC_EALIGN;
	if (len < l.total)
		return TDXC_ENOSPC;

	/* Tables (small) are zeroed now; the bitmaps at commit. */
	tdxc__memset(base, 0, l.off_lvl[0]);
	mr = (struct tdxc_memregion *)storage;
	mr->magic = MR_MAGIC;
	mr->flags = q.flags;
	mr->max_regions = q.max_regions;
	mr->max_resv = q.max_reservations;
	mr->max_addr = q.max_addr;
	mr->nframes = l.nframes;
	mr->nsect = l.nsect;
	mr->nunits = l.nunits;
	mr->nlevels = l.nlevels;
	for (k = 0; k < l.nlevels; k++) {
		mr->lvl_words[k] = l.lvl_words[k];
		mr->lvl[k] = (uint64_t *)(void *)(base + l.off_lvl[k]);
	}
	mr->fw_nlevels = l.nlevels - 1;
	for (k = 0; k + 1 < l.nlevels; k++) {
		mr->fw_words[k] = l.lvl_words[k + 1];
		mr->fw[k] = (uint64_t *)(void *)(base + l.off_fw[k]);
	}
	mr->raw = (struct mr_ent *)(void *)(base + l.off_raw);
	mr->res = (struct mr_ent *)(void *)(base + l.off_res);
	mr->resv = (struct mr_resv *)(void *)(base + l.off_resv);
	mr->scr_b = (uint64_t *)(void *)(base + l.off_b);
	mr->scr_owner = (uint32_t *)(void *)(base + l.off_owner);
	mr->scr_parent = (uint32_t *)(void *)(base + l.off_parent);
	mr->scr_order = (uint32_t *)(void *)(base + l.off_order);
	mr->sect_init = (uint64_t *)(void *)(base + l.off_init);
	mr->sect_plain = (uint64_t *)(void *)(base + l.off_plain);
	mr->pending = (uint64_t *)(void *)(base + l.off_pending);
	mr->hist = (q.flags & TDXC_MEMREGION_F_TRACK_FREED)
			   ? (uint64_t *)(void *)(base + l.off_hist)
			   : NULL;
	*out = mr;
	return 0;
}

static inline bool mr_ok(const struct tdxc_memregion *mr)
{
	return mr && mr->magic == MR_MAGIC;
}

/* ------------------------------------------------------------- building */

TDXC_API int tdxc_memregion_add(struct tdxc_memregion *mr, uint64_t base,
				uint64_t length, uint32_t type,
				uint32_t raw_type)
{
	uint64_t end;
	int rc;
	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (type < TDXC_MEMREGION_USABLE || type > TDXC_MEMREGION_UNKNOWN)
		return TDXC_EINVAL;
	rc = tdxc__range_end(base, length, &end);
	if (rc)
		return rc;
	if (mr->committed)
		return TDXC_ESTATE;
	if (mr->nraw >= mr->max_regions)
		return TDXC_ENOSPC;
	mr->raw[mr->nraw].base = base;
	mr->raw[mr->nraw].end = end;
	mr->raw[mr->nraw].type = type;
	mr->raw[mr->nraw].raw = raw_type;
	mr->nraw++;
	return 0;
}

TDXC_API int tdxc_memregion_set_accept_fn(struct tdxc_memregion *mr,
					  tdxc_memregion_accept_fn fn,
					  void *opaque)
{
	if (!mr_ok(mr))
		return TDXC_EINVAL;
	mr->accept = fn;
	mr->accept_opaque = opaque;
	return 0;
}

/* ----------------------------------------------------------- resolution */

/* Overlap rank: lower is more restrictive and wins. */
static const uint8_t type_rank[TDXC_MEMREGION_TYPE_COUNT] = {
	[TDXC_MEMREGION_UNUSABLE] = 0,
	[TDXC_MEMREGION_UNKNOWN] = 1,
	[TDXC_MEMREGION_NVS] = 2,
	[TDXC_MEMREGION_RESERVED] = 3,
	[TDXC_MEMREGION_MMIO] = 4,
	[TDXC_MEMREGION_FIRMWARE_HELD] = 5,
	[TDXC_MEMREGION_PMEM] = 6,
	[TDXC_MEMREGION_SOFT_RESERVED] = 7,
	[TDXC_MEMREGION_KERNEL] = 8,
	[TDXC_MEMREGION_MODULE] = 9,
	[TDXC_MEMREGION_FRAMEBUFFER] = 10,
	[TDXC_MEMREGION_ACPI] = 11,
	[TDXC_MEMREGION_BOOTLOADER_RECLAIMABLE] = 12,
	[TDXC_MEMREGION_UNACCEPTED] = 13,
	[TDXC_MEMREGION_USABLE] = 14,
};

/* Round one raw entry: RAM inward, everything else outward. false if empty. */
static bool round_ent(const struct mr_ent *e, uint64_t *s, uint64_t *t)
{
	uint64_t a, b;
	if (mr_is_ram(e->type)) {
		if (tdxc__align_up_u64(e->base, MR_PAGE, &a))
			return false;
		b = e->end & ~(MR_PAGE - 1);
	} else {
		a = e->base & ~(MR_PAGE - 1);
		if (tdxc__align_up_u64(e->end, MR_PAGE, &b))
			b = e->end & ~(MR_PAGE - 1); /* last page not representable */
	}
	if (a >= b)
		return false;
	*s = a;
	*t = b;
	return true;
}

static void sort_u64(uint64_t *a, size_t n)
{
	size_t start, end, root, child;
	uint64_t t;
	if (n < 2)
		return;
	for (start = n / 2; start-- > 0;) {
		root = start;
		while ((child = 2 * root + 1) < n) {
			if (child + 1 < n && a[child] < a[child + 1])
				child++;
			if (a[root] >= a[child])
				break;
			t = a[root], a[root] = a[child], a[child] = t;
			root = child;
		}
	}
	for (end = n - 1; end > 0; end--) {
		t = a[0], a[0] = a[end], a[end] = t;
		root = 0;
		while ((child = 2 * root + 1) < end) {
			if (child + 1 < end && a[child] < a[child + 1])
				child++;
			if (a[root] >= a[child])
				break;
			t = a[root], a[root] = a[child], a[child] = t;
			root = child;
		}
	}
}

/* Entry order for painting: rank, then raw value, then index. */
static bool ent_less(const struct mr_ent *raw, uint32_t x, uint32_t y)
{
	uint8_t rx = type_rank[raw[x].type], ry = type_rank[raw[y].type];
	if (rx != ry)
		return rx < ry;
	if (raw[x].raw != raw[y].raw)
		return raw[x].raw < raw[y].raw;
	return x < y;
}

static void sift(const struct mr_ent *raw, uint32_t *a, size_t root, size_t n)
{
	size_t child;
	uint32_t t;
	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && ent_less(raw, a[child], a[child + 1]))
			child++;
		if (!ent_less(raw, a[root], a[child]))
			break;
		t = a[root], a[root] = a[child], a[child] = t;
		root = child;
	}
}

static void sort_order(const struct mr_ent *raw, uint32_t *a, size_t n)
{
	size_t i;
	uint32_t t;
	if (n < 2)
		return;
	for (i = n / 2; i-- > 0;)
		sift(raw, a, i, n);
	for (i = n - 1; i > 0; i--) {
		t = a[0], a[0] = a[i], a[i] = t;
		sift(raw, a, 0, i);
	}
}

static size_t lower_bound(const uint64_t *b, size_t m, uint64_t v)
{
	size_t lo = 0, hi = m;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint32_t uf_find(uint32_t *parent, uint32_t j)
{
	while (parent[j] != j) {
		parent[j] = parent[parent[j]];
		j = parent[j];
	}
	return j;
}

/*
 * Resolve raw entries into mr->res: sort the distinct boundaries, then paint
 * elementary segments with entries in priority order; a union-find "next
 * unpainted segment" pointer paints each segment once. O(n log n).
 */
static void resolve(struct tdxc_memregion *mr)
{
	uint64_t *b = mr->scr_b;
	uint32_t *order = mr->scr_order, *owner = mr->scr_owner,
		 *parent = mr->scr_parent;
	uint32_t n = 0, i, j, m = 0;
	uint64_t s, t;

	for (i = 0; i < mr->nraw; i++) {
		if (!round_ent(&mr->raw[i], &s, &t))
			continue;
		order[n] = i;
		b[2 * n] = s;
		b[2 * n + 1] = t;
		n++;
	}
	mr->nres = 0;
	if (!n)
		return;
	sort_u64(b, 2 * (size_t)n);
	for (i = 0; i < 2 * n; i++)
		if (m == 0 || b[m - 1] != b[i])
			b[m++] = b[i];
	sort_order(mr->raw, order, n);
	for (j = 0; j < m; j++) {
		parent[j] = j;
		owner[j] = UINT32_MAX;
	}
	for (i = 0; i < n; i++) {
		const struct mr_ent *e = &mr->raw[order[i]];
		uint32_t j1;
		round_ent(e, &s, &t);
		j = uf_find(parent, (uint32_t)lower_bound(b, m, s));
		j1 = (uint32_t)lower_bound(b, m, t);
		while (j < j1) {
			owner[j] = order[i];
			parent[j] = j + 1;
			j = uf_find(parent, j + 1);
		}
	}
	for (j = 0; j + 1 < m; j++) {
		const struct mr_ent *e;
		struct mr_ent *last;
		if (owner[j] == UINT32_MAX)
			continue;
		e = &mr->raw[owner[j]];
		last = mr->nres ? &mr->res[mr->nres - 1] : NULL;
		if (last && last->end == b[j] && last->type == e->type &&
		    last->raw == e->raw) {
			last->end = b[j + 1];
			continue;
		}
		mr->res[mr->nres].base = b[j];
		mr->res[mr->nres].end = b[j + 1];
		mr->res[mr->nres].type = e->type;
		mr->res[mr->nres].raw = e->raw;
		mr->nres++;
	}
}

/* --------------------------------------------------------------- lookups */

/* Index of the first resolved region with end > pa. */
static uint32_t res_first_after(const struct tdxc_memregion *mr, uint64_t pa)
{
	uint32_t lo = 0, hi = mr->nres;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (mr->res[mid].end <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

TDXC_HIDDEN const struct mr_ent *
tdxc__memregion_find_res(const struct tdxc_memregion *mr, uint64_t pa)
{
	uint32_t i = res_first_after(mr, pa);
	if (i < mr->nres && mr->res[i].base <= pa)
		return &mr->res[i];
	return NULL;
}

static bool resv_live(const struct mr_resv *r)
{
	return r->state == TDXC_MEMREGION_RESV_LIVE;
}

TDXC_HIDDEN bool tdxc__memregion_held(const struct tdxc_memregion *mr,
				      uint64_t pa)
{
	uint32_t i;
	for (i = 0; i < mr->nresv; i++) {
		const struct mr_resv *r = &mr->resv[i];
		if (resv_live(r) && r->base <= pa && pa < r->end)
			return true;
	}
	return false;
}

/*
 * Class of pa ignoring the bitmap, and how far it extends (at most limit):
 * MR_FOREIGN (not managed RAM), MR_HELD (live reservation), MR_FREE
 * (managed RAM that is available: free or allocated).
 */
static int piece_at(const struct tdxc_memregion *mr, uint64_t pa,
		    uint64_t limit, uint64_t *pend)
{
	uint32_t i = res_first_after(mr, pa);
	uint64_t end = limit, e;
	const struct mr_ent *r = i < mr->nres ? &mr->res[i] : NULL;

	if (!r || r->base > pa || !mr_is_ram(r->type)) {
		/* extend to the next RAM region */
		for (; i < mr->nres && mr->res[i].base < limit; i++)
			if (mr_is_ram(mr->res[i].type) && mr->res[i].base > pa) {
				end = mr->res[i].base;
				break;
			}
		*pend = end < limit ? end : limit;
		return MR_FOREIGN;
	}
	if (tdxc__memregion_held(mr, pa)) {
		/* extend while covered by live reservations */
		bool moved = true;
		e = pa;
		while (moved && e < limit) {
			uint32_t k;
			moved = false;
			for (k = 0; k < mr->nresv; k++) {
				const struct mr_resv *v = &mr->resv[k];
				if (resv_live(v) && v->base <= e && v->end > e) {
					e = v->end;
					moved = true;
				}
			}
		}
		if (e > r->end)
			e = r->end; /* stay in one region: the next may be foreign */
		*pend = e < limit ? e : limit;
		return MR_HELD;
	}
	end = r->end < limit ? r->end : limit;
	for (i = 0; i < mr->nresv; i++) {
		const struct mr_resv *v = &mr->resv[i];
		if (resv_live(v) && v->base > pa && v->base < end)
			end = v->base;
	}
	*pend = end;
	return MR_FREE;
}

/* Bytes of managed RAM in [a, b). */
TDXC_HIDDEN uint64_t tdxc__memregion_ram_bytes(const struct tdxc_memregion *mr,
					       uint64_t a, uint64_t b)
{
	uint32_t i = res_first_after(mr, a);
	uint64_t sum = 0;
	for (; i < mr->nres && mr->res[i].base < b; i++) {
		uint64_t x, y;
		if (!mr_is_ram(mr->res[i].type))
			continue;
		x = mr->res[i].base > a ? mr->res[i].base : a;
		y = mr->res[i].end < b ? mr->res[i].end : b;
		if (x < y)
			sum += y - x;
	}
	return sum;
}

/* Bytes of available RAM (managed, not under a live reservation) in [a, b). */
static uint64_t avail_bytes(const struct tdxc_memregion *mr, uint64_t a,
			    uint64_t b)
{
	uint64_t sum = 0, pe;
	while (a < b) {
		int c = piece_at(mr, a, b, &pe);
		if (c == MR_FREE)
			sum += pe - a;
		a = pe;
	}
	return sum;
}

/* ------------------------------------------------------- summary levels */

static void tree_set_up(uint64_t *const *L, unsigned nlev, unsigned k,
			uint64_t i)
{
	for (;;) {
		uint64_t *w = &L[k][i >> 6];
		uint64_t old = *w;
		*w = old | (UINT64_C(1) << (i & 63));
		if (old || k + 1 >= nlev)
			return;
		i >>= 6;
		k++;
	}
}

static void tree_clear_up(uint64_t *const *L, unsigned nlev, unsigned k,
			  uint64_t i)
{
	for (;;) {
		uint64_t *w = &L[k][i >> 6];
		*w &= ~(UINT64_C(1) << (i & 63));
		if (*w || k + 1 >= nlev)
			return;
		i >>= 6;
		k++;
	}
}

static inline void set_up(struct tdxc_memregion *mr, unsigned k, uint64_t i)
{
	tree_set_up(mr->lvl, mr->nlevels, k, i);
}

static inline void clear_up(struct tdxc_memregion *mr, unsigned k, uint64_t i)
{
	tree_clear_up(mr->lvl, mr->nlevels, k, i);
}

static inline void fw_set_up(struct tdxc_memregion *mr, unsigned k, uint64_t i)
{
	tree_set_up(mr->fw, mr->fw_nlevels, k, i);
}

static inline void fw_clear_up(struct tdxc_memregion *mr, unsigned k, uint64_t i)
{
	tree_clear_up(mr->fw, mr->fw_nlevels, k, i);
}

static inline bool sect_init(const struct tdxc_memregion *mr, uint64_t s)
{
	return mr_bit(mr->sect_init, s);
}

static bool section_has_ram(const struct tdxc_memregion *mr, uint64_t s)
{
	uint64_t a = s << (MR_SECT_SHIFT + MR_PAGE_SHIFT);
	return tdxc__memregion_ram_bytes(mr, a, a + (MR_SECT_FRAMES << MR_PAGE_SHIFT)) != 0;
}

static bool section_plain(const struct tdxc_memregion *mr, uint64_t s)
{
	uint64_t a = s << (MR_SECT_SHIFT + MR_PAGE_SHIFT);
	uint64_t b = a + (MR_SECT_FRAMES << MR_PAGE_SHIFT);
	const struct mr_ent *r = tdxc__memregion_find_res(mr, a);
	uint32_t i;
	if (!r || !mr_is_ram(r->type) || r->end < b)
		return false;
	for (i = 0; i < mr->nresv; i++) {
		const struct mr_resv *v = &mr->resv[i];
		if (resv_live(v) && v->base < b && v->end > a)
			return false;
	}
	return true;
}

TDXC_HIDDEN void tdxc__memregion_section_compute(const struct tdxc_memregion *mr,
						 uint64_t s, uint64_t *out,
						 bool *plain)
{
	uint64_t a = s << (MR_SECT_SHIFT + MR_PAGE_SHIFT);
	uint64_t b = a + (MR_SECT_FRAMES << MR_PAGE_SHIFT);
	uint32_t i = res_first_after(mr, a);
	bool pl = false;

	tdxc__memset(out, 0, MR_SECT_WORDS * 8);
	for (; i < mr->nres && mr->res[i].base < b; i++) {
		const struct mr_ent *r = &mr->res[i];
		uint64_t x, y;
		if (!mr_is_ram(r->type))
			continue;
		x = r->base > a ? r->base : a;
		y = r->end < b ? r->end : b;
		bits_set(out, (x - a) >> MR_PAGE_SHIFT, (y - a) >> MR_PAGE_SHIFT);
		if (x == a && y == b)
			pl = true;
	}
	for (i = 0; i < mr->nresv; i++) {
		const struct mr_resv *v = &mr->resv[i];
		uint64_t x, y;
		if (!resv_live(v) || v->base >= b || v->end <= a)
			continue;
		x = v->base > a ? v->base : a;
		y = v->end < b ? v->end : b;
		bits_clear(out, (x - a) >> MR_PAGE_SHIFT, (y - a) >> MR_PAGE_SHIFT);
		pl = false;
	}
	*plain = pl;
}

static void section_init(struct tdxc_memregion *mr, uint64_t s)
{
	uint64_t *f = mr->lvl[0] + s * MR_SECT_WORDS;
	uint64_t l1 = 0, full = 0;
	bool pl;
	unsigned w;

	tdxc__memregion_section_compute(mr, s, f, &pl);
	for (w = 0; w < MR_SECT_WORDS; w++) {
		if (f[w])
			l1 |= UINT64_C(1) << w;
		if (f[w] == ~UINT64_C(0))
			full |= UINT64_C(1) << w;
	}
	mr->lvl[1][s] = l1;
	mr->fw[0][s] = full;
	if (full)
		fw_set_up(mr, 1, s);
	else
		fw_clear_up(mr, 1, s);
	if (mr->hist)
		tdxc__memset(mr->hist + s * MR_SECT_WORDS, 0, MR_SECT_WORDS * 8);
	mr->sect_init[s >> 6] |= UINT64_C(1) << (s & 63);
	if (pl)
		mr->sect_plain[s >> 6] |= UINT64_C(1) << (s & 63);
	else
		mr->sect_plain[s >> 6] &= ~(UINT64_C(1) << (s & 63));
	if (l1)
		set_up(mr, 2, s);
	else
		clear_up(mr, 2, s);
}

/* Sections overlapping frames [a, b), clamped to managed memory: false if
 * none, else the first and last section in *s0, *s1. */
static bool sect_span(const struct tdxc_memregion *mr, uint64_t a, uint64_t b, uint64_t *s0,
		      uint64_t *s1)
{
	if (b > mr->nframes)
		b = mr->nframes;
	if (a >= b)
		return false;
	*s0 = a >> MR_SECT_SHIFT;
	*s1 = (b - 1) >> MR_SECT_SHIFT;
	return true;
}

/* Initialise every section overlapping frames [a, b) that holds RAM. */
static void sections_init_range(struct tdxc_memregion *mr, uint64_t a,
				uint64_t b)
{
	uint64_t s, s1;
	if (!sect_span(mr, a, b, &s, &s1))
		return;
	for (; s <= s1; s++)
		if (!sect_init(mr, s) && section_has_ram(mr, s))
			section_init(mr, s);
}

/* Recompute the "plain" bit of every initialised section in [a, b). */
static void sections_update_plain(struct tdxc_memregion *mr, uint64_t a,
				  uint64_t b)
{
	uint64_t s, s1;
	if (!sect_span(mr, a, b, &s, &s1))
		return;
	for (; s <= s1; s++) {
		if (!sect_init(mr, s))
			continue;
		if (section_plain(mr, s))
			mr->sect_plain[s >> 6] |= UINT64_C(1) << (s & 63);
		else
			mr->sect_plain[s >> 6] &= ~(UINT64_C(1) << (s & 63));
	}
}

TDXC_HIDDEN void tdxc__memregion_touch(struct tdxc_memregion *mr)
{
	if (mr && mr->magic == MR_MAGIC && mr->committed)
		sections_init_range(mr, 0, mr->nframes);
}

/*
 * The free bitmap (lvl) and the all-free-word bitmap (fw) are both summary
 * hierarchies: bit j of level k+1 is set when word j of level k is non-zero.
 * A search climbs from a starting bit until some level has a set bit at or
 * after it, then descends to level 0. Section numbers are the bit indices of
 * level `sk` (2 for lvl, 1 for fw); a section not initialised yet has a
 * provisional summary bit, so the descent initialises it and the caller
 * restarts its search from that section.
 */
struct mr_hier {
	uint64_t *const *lv;
	const uint64_t *words;
	unsigned nlevels;
	unsigned sk;
};

#define MR_RESTART (MR_NONE - 1)

static inline struct mr_hier hier_free(const struct tdxc_memregion *mr)
{
	struct mr_hier h = { mr->lvl, mr->lvl_words, mr->nlevels, 2 };
	return h;
}

static inline struct mr_hier hier_full(const struct tdxc_memregion *mr)
{
	struct mr_hier h = { mr->fw, mr->fw_words, mr->fw_nlevels, 1 };
	return h;
}

/* Lowest set bit at or after bit i of level k, climbing as needed, then
 * down to level 0. Returns the level-0 index, MR_NONE, or MR_RESTART with
 * *sect set to the section just initialised. */
static inline __attribute__((always_inline)) uint64_t
hier_search(struct tdxc_memregion *mr, struct mr_hier h, unsigned k,
			    uint64_t i, uint64_t *sect)
{
	for (;;) {
		uint64_t w;
		if ((i >> 6) >= h.words[k])
			return MR_NONE;
		w = h.lv[k][i >> 6] & (~UINT64_C(0) << (i & 63));
		if (w) {
			i = (i & ~UINT64_C(63)) | ctz64(w);
			break;
		}
		if (k + 1 >= h.nlevels)
			return MR_NONE;
		i = (i >> 6) + 1;
		k++;
	}
	while (k > 0) {
		if (k == h.sk && !sect_init(mr, i)) {
			section_init(mr, i);
			*sect = i;
			return MR_RESTART;
		}
		k--;
		i = (i << 6) | ctz64(h.lv[k][i]);
	}
	return i;
}

/* Lowest free frame, initialising sections on the way; MR_NONE if none. */
static uint64_t find_first(struct tdxc_memregion *mr)
{
	uint64_t r, sect = 0;
	while ((r = hier_search(mr, hier_free(mr), mr->nlevels - 1, 0, &sect)) == MR_RESTART)
		;
	return r;
}

/* Lowest free frame >= pfn; MR_NONE if none. */
static uint64_t find_free_from(struct tdxc_memregion *mr, uint64_t pfn)
{
	for (;;) {
		uint64_t s, w, r, sect = 0;

		if (pfn >= mr->nframes)
			return MR_NONE;
		s = pfn >> MR_SECT_SHIFT;
		if (sect_init(mr, s)) {
			uint64_t i1;
			w = mr->lvl[0][pfn >> 6] & (~UINT64_C(0) << (pfn & 63));
			if (w)
				return (pfn & ~UINT64_C(63)) | ctz64(w);
			i1 = (pfn >> 6) + 1;
			if ((i1 >> 6) == s) {
				w = mr->lvl[1][s] & (~UINT64_C(0) << (i1 & 63));
				if (w) {
					uint64_t wi = (s << 6) | ctz64(w);
					return (wi << 6) | ctz64(mr->lvl[0][wi]);
				}
			}
		} else if (mr_bit(mr->lvl[2], s)) {
			section_init(mr, s);
			continue;
		}
		r = hier_search(mr, hier_free(mr), 2, s + 1, &sect);
		if (r != MR_RESTART)
			return r;
		pfn = sect << MR_SECT_SHIFT;
	}
}

/* Lowest all-free level-0 word >= w (initialising sections); MR_NONE if none. */
static uint64_t find_full_from(struct tdxc_memregion *mr, uint64_t w)
{
	for (;;) {
		uint64_t s, x, r, sect = 0;

		if (w >= mr->nsect * MR_SECT_WORDS)
			return MR_NONE;
		s = w >> 6;
		if (sect_init(mr, s)) {
			x = mr->fw[0][s] & (~UINT64_C(0) << (w & 63));
			if (x)
				return (s << 6) | ctz64(x);
		} else if (mr_bit(mr->fw[1], s)) {
			section_init(mr, s);
			continue;
		}
		r = hier_search(mr, hier_full(mr), 1, s + 1, &sect);
		if (r != MR_RESTART)
			return r;
		w = sect << 6;
	}
}

/* Clear free bits of frames [a, b) (all in initialised sections). */
static void range_take(struct tdxc_memregion *mr, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t w = a >> 6;
		unsigned lo = (unsigned)(a & 63);
		unsigned hi = (b - (w << 6)) >= 64 ? 64 : (unsigned)(b - (w << 6));
		uint64_t m = word_mask(lo, hi);
		uint64_t old = mr->lvl[0][w];
		mr->lvl[0][w] = old & ~m;
		if (old && !mr->lvl[0][w])
			clear_up(mr, 1, w);
		if (old == ~UINT64_C(0))
			fw_clear_up(mr, 0, w);
		if (mr->hist)
			mr->hist[w] &= ~m;
		a = (w << 6) + hi;
	}
}

/* Set free bits of frames [a, b); returns how many were newly set. */
static uint64_t range_give(struct tdxc_memregion *mr, uint64_t a, uint64_t b,
			   bool freed)
{
	uint64_t n = 0;
	while (a < b) {
		uint64_t w = a >> 6;
		unsigned lo = (unsigned)(a & 63);
		unsigned hi = (b - (w << 6)) >= 64 ? 64 : (unsigned)(b - (w << 6));
		uint64_t m = word_mask(lo, hi);
		uint64_t old = mr->lvl[0][w];
		n += popcount64(m & ~old);
		mr->lvl[0][w] = old | m;
		if (!old)
			set_up(mr, 1, w);
		if ((old | m) == ~UINT64_C(0) && old != ~UINT64_C(0))
			fw_set_up(mr, 0, w);
		if (mr->hist) {
			if (freed)
				mr->hist[w] |= m;
			else
				mr->hist[w] &= ~(m & ~old);
		}
		a = (w << 6) + hi;
	}
	return n;
}

/* ------------------------------------------------------------ classify */

TDXC_HIDDEN int tdxc__memregion_classify(const struct tdxc_memregion *mr,
					 uint64_t pfn)
{
	uint64_t s, pe, pa;
	int c;
	if (pfn >= mr->nframes)
		return MR_FOREIGN;
	s = pfn >> MR_SECT_SHIFT;
	if (sect_init(mr, s)) {
		if (mr_bit(mr->lvl[0], pfn))
			return MR_FREE;
		if (mr_bit(mr->sect_plain, s))
			return MR_ALLOC;
	}
	pa = pfn << MR_PAGE_SHIFT;
	c = piece_at(mr, pa, pa + MR_PAGE, &pe);
	if (c != MR_FREE)
		return c;
	return sect_init(mr, s) ? MR_ALLOC : MR_FREE;
}

/*
 * Find the first frame in [p, p1) whose class is not @want (MR_FREE or
 * MR_ALLOC). Returns its pfn and class, or MR_NONE.
 */
static uint64_t scan_range(const struct tdxc_memregion *mr, uint64_t p,
			   uint64_t p1, int want, int *cls)
{
	int bit = want == MR_FREE ? 0 : 1; /* the offending bit value */
	while (p < p1) {
		uint64_t s, send, q, pe;
		int c;
		if (p >= mr->nframes) {
			*cls = MR_FOREIGN;
			return p;
		}
		s = p >> MR_SECT_SHIFT;
		send = (s + 1) << MR_SECT_SHIFT;
		if (send > p1)
			send = p1;
		if (sect_init(mr, s) && mr_bit(mr->sect_plain, s)) {
			q = first_bit(mr->lvl[0], p, send, bit);
			if (q != MR_NONE) {
				*cls = bit ? MR_FREE : MR_ALLOC;
				return q;
			}
			p = send;
			continue;
		}
		c = piece_at(mr, p << MR_PAGE_SHIFT, send << MR_PAGE_SHIFT, &pe);
		if (c != MR_FREE) {
			*cls = c;
			return p;
		}
		pe >>= MR_PAGE_SHIFT;
		if (sect_init(mr, s)) {
			q = first_bit(mr->lvl[0], p, pe, bit);
			if (q != MR_NONE) {
				*cls = bit ? MR_FREE : MR_ALLOC;
				return q;
			}
		} else if (want == MR_ALLOC) {
			*cls = MR_FREE;
			return p;
		}
		p = pe;
	}
	return MR_NONE;
}

/* ------------------------------------------------------------ acceptance */

static inline bool unit_pending(const struct tdxc_memregion *mr, uint64_t u)
{
	return u < mr->nunits && mr_bit(mr->pending, u);
}

/*
 * Accept every unaccepted piece inside units [u, v) (one callback per
 * region piece), then mark the units accepted. On a callback failure the
 * units stay pending: pieces accepted before are accepted again later, which
 * the callback reports as "already accepted".
 */
static int accept_span(struct tdxc_memregion *mr, uint64_t u, uint64_t v)
{
	uint64_t a = u << (MR_UNIT_SHIFT + MR_PAGE_SHIFT);
	uint64_t b = v << (MR_UNIT_SHIFT + MR_PAGE_SHIFT), done = 0;
	uint32_t i = res_first_after(mr, a);
	for (; i < mr->nres && mr->res[i].base < b; i++) {
		const struct mr_ent *r = &mr->res[i];
		uint64_t x, y;
		int rc;
		if (r->type != TDXC_MEMREGION_UNACCEPTED)
			continue;
		x = r->base > a ? r->base : a;
		y = r->end < b ? r->end : b;
		mr->accept_calls++;
		rc = mr->accept(mr->accept_opaque, x, y - x);
		if (rc < 0)
			return TDXC_ECALLBACK;
		done += y - x;
	}
	bits_clear(mr->pending, u, v);
	mr->unaccepted_bytes -= done;
	return 0;
}

static int accept_unit(struct tdxc_memregion *mr, uint64_t u)
{
	return accept_span(mr, u, u + 1);
}

/* Accept the units frames [p0, p1) touch, plus the guard unit. */
static int accept_frames(struct tdxc_memregion *mr, uint64_t p0, uint64_t p1)
{
	uint64_t ua = p0 >> MR_UNIT_SHIFT, ub = (p1 - 1) >> MR_UNIT_SHIFT, u;
	bool guard = (p1 & ((UINT64_C(1) << MR_UNIT_SHIFT) - 1)) == 0;
	uint64_t g = p1 >> MR_UNIT_SHIFT;
	bool any = guard && unit_pending(mr, g);
	int rc;

	if (!any && first_bit(mr->pending, ua, ub + 1 < mr->nunits ? ub + 1 : mr->nunits, 1) == MR_NONE)
		return 0;
	if (!mr->accept)
		return TDXC_ESTATE;
	for (u = ua; u <= ub; u++) {
		if (!unit_pending(mr, u))
			continue;
		rc = accept_unit(mr, u);
		if (rc)
			return rc;
	}
	if (guard && unit_pending(mr, g))
		return accept_unit(mr, g);
	return 0;
}

/* The pages [*a, *b) (byte addresses) covering [base, base + length), or
 * the range helpers' error when it wraps or its last page would. */
static int page_cover(uint64_t base, uint64_t length, uint64_t *a, uint64_t *b)
{
	uint64_t end;
	int rc = tdxc__range_end(base, length, &end);
	if (rc)
		return rc;
	*a = base & ~(MR_PAGE - 1);
	return tdxc__align_up_u64(end, MR_PAGE, b);
}

TDXC_API int tdxc_memregion_accept(struct tdxc_memregion *mr, uint64_t base,
				   uint64_t length)
{
	uint64_t a, b;
	int rc;
	if (!mr_ok(mr))
		return TDXC_EINVAL;
	rc = page_cover(base, length, &a, &b);
	if (rc)
		return rc;
	if (!mr->committed)
		return TDXC_ESTATE;
	a >>= MR_PAGE_SHIFT;
	b >>= MR_PAGE_SHIFT;
	if (a >= mr->nframes)
		return 0;
	if (b > mr->nframes)
		b = mr->nframes;
	return accept_frames(mr, a, b);
}

TDXC_API int tdxc_memregion_accept_all(struct tdxc_memregion *mr)
{
	uint64_t u;
	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (!mr->committed)
		return TDXC_ESTATE;
	if (first_bit(mr->pending, 0, mr->nunits, 1) == MR_NONE)
		return 0;
	if (!mr->accept)
		return TDXC_ESTATE;
	/* One call per region piece of each maximal run of pending units. */
	u = 0;
	while ((u = first_bit(mr->pending, u, mr->nunits, 1)) != MR_NONE) {
		uint64_t v = first_bit(mr->pending, u, mr->nunits, 0);
		int rc;
		if (v == MR_NONE)
			v = mr->nunits;
		rc = accept_span(mr, u, v);
		if (rc)
			return rc;
		u = v;
	}
	return 0;
}

/* ---------------------------------------------------------------- commit */

TDXC_API int tdxc_memregion_commit(struct tdxc_memregion *mr)
{
	uint32_t i;
	unsigned k;
	uint64_t free_bytes = 0;

	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (mr->committed)
		return TDXC_ESTATE;
	resolve(mr);
	for (i = 0; i < mr->nres; i++) {
		if (mr_is_ram(mr->res[i].type) && mr->res[i].end > mr->max_addr) {
			/* Leave the storage exactly as before. */
			tdxc__memset(mr->res, 0, (size_t)mr->nres * sizeof(*mr->res));
			tdxc__memset(mr->scr_b, 0, (uint8_t *)(mr->scr_order + mr->max_regions) - (uint8_t *)mr->scr_b);
			mr->nres = 0;
			return TDXC_E2BIG;
		}
	}
	for (k = 2; k < mr->nlevels; k++)
		tdxc__memset(mr->lvl[k], 0, mr->lvl_words[k] * 8);
	for (k = 1; k < mr->fw_nlevels; k++)
		tdxc__memset(mr->fw[k], 0, mr->fw_words[k] * 8);
	tdxc__memset(mr->sect_init, 0, ((mr->nsect + 63) >> 6) * 8);
	tdxc__memset(mr->sect_plain, 0, ((mr->nsect + 63) >> 6) * 8);
	tdxc__memset(mr->pending, 0, ((mr->nunits + 63) >> 6) * 8);
	mr->managed_frames = 0;
	mr->unaccepted_bytes = 0;
	for (i = 0; i < mr->nres; i++) {
		const struct mr_ent *r = &mr->res[i];
		if (!mr_is_ram(r->type))
			continue;
		mr->managed_frames += (r->end - r->base) >> MR_PAGE_SHIFT;
		bits_set(mr->lvl[2], r->base >> (MR_SECT_SHIFT + MR_PAGE_SHIFT),
			 ((r->end - 1) >> (MR_SECT_SHIFT + MR_PAGE_SHIFT)) + 1);
		if (r->type == TDXC_MEMREGION_UNACCEPTED) {
			bits_set(mr->pending, r->base >> (MR_UNIT_SHIFT + MR_PAGE_SHIFT),
				 ((r->end - 1) >> (MR_UNIT_SHIFT + MR_PAGE_SHIFT)) + 1);
			mr->unaccepted_bytes += r->end - r->base;
		}
		free_bytes += avail_bytes(mr, r->base, r->end);
	}
	for (k = 3; k < mr->nlevels; k++) {
		uint64_t w;
		for (w = 0; w < mr->lvl_words[k - 1]; w++)
			if (mr->lvl[k - 1][w])
				mr->lvl[k][w >> 6] |= UINT64_C(1) << (w & 63);
	}
	/* Full-word tree: same section bits ("may hold a full word"). */
	tdxc__memcpy(mr->fw[1], mr->lvl[2], mr->fw_words[1] * 8);
	for (k = 2; k < mr->fw_nlevels; k++)
		tdxc__memcpy(mr->fw[k], mr->lvl[k + 1], mr->fw_words[k] * 8);
	mr->free_frames = free_bytes >> MR_PAGE_SHIFT;
	mr->committed = 1;
	return 0;
}

/* ------------------------------------------------------------ allocation */

TDXC_API int tdxc_memregion_alloc(struct tdxc_memregion *mr, uint64_t *pa)
{
	uint64_t pfn, u;
	if (!mr_ok(mr) || !pa)
		return TDXC_EINVAL;
	if (!mr->committed)
		return TDXC_ESTATE;
	pfn = find_first(mr);
	if (pfn == MR_NONE)
		return TDXC_ENOMEM;
	u = pfn >> MR_UNIT_SHIFT;
	if (mr_bit(mr->pending, u) ||
	    ((pfn & 511) == 511 && unit_pending(mr, u + 1))) {
		int rc = accept_frames(mr, pfn, pfn + 1);
		if (rc)
			return rc;
	}
	if (mr->lvl[0][pfn >> 6] == ~UINT64_C(0))
		fw_clear_up(mr, 0, pfn >> 6);
	clear_up(mr, 0, pfn);
	if (mr->hist)
		mr->hist[pfn >> 6] &= ~(UINT64_C(1) << (pfn & 63));
	mr->free_frames--;
	mr->alloc_frames++;
	*pa = pfn << MR_PAGE_SHIFT;
	return 0;
}

/* Initialise the sections of frames [a, b) (all of which hold RAM). */
static void sections_init_all(struct tdxc_memregion *mr, uint64_t a, uint64_t b)
{
	uint64_t s;
	for (s = a >> MR_SECT_SHIFT; s <= (b - 1) >> MR_SECT_SHIFT; s++)
		if (!sect_init(mr, s))
			section_init(mr, s);
}

/* First frame in [a, b) that is not free (initialises sections with RAM). */
static uint64_t first_nonfree(struct tdxc_memregion *mr, uint64_t a, uint64_t b)
{
	while (a < b) {
		uint64_t s = a >> MR_SECT_SHIFT;
		uint64_t send = (s + 1) << MR_SECT_SHIFT, q;
		if (!sect_init(mr, s)) {
			if (!mr_bit(mr->lvl[2], s))
				return a; /* no RAM in this section */
			section_init(mr, s);
		}
		if (send > b)
			send = b;
		q = first_bit(mr->lvl[0], a, send, 0);
		if (q != MR_NONE)
			return q;
		a = send;
	}
	return MR_NONE;
}

static int take_run(struct tdxc_memregion *mr, uint64_t p0, uint64_t p1)
{
	int rc = accept_frames(mr, p0, p1);
	if (rc)
		return rc;
	range_take(mr, p0, p1);
	mr->free_frames -= p1 - p0;
	mr->alloc_frames += p1 - p0;
	return 0;
}

TDXC_API int tdxc_memregion_alloc_range(struct tdxc_memregion *mr,
					uint64_t frames, uint64_t align,
					uint64_t min, uint64_t max,
					uint64_t *pa)
{
	uint64_t af, lo, hi, pos;
	if (!mr_ok(mr) || !pa || !frames)
		return TDXC_EINVAL;
	if (align == 0)
		align = MR_PAGE;
	if ((align & (align - 1)) || align < MR_PAGE)
		return TDXC_EALIGN;
	if ((min & (MR_PAGE - 1)) ||
	    (max != TDXC_MEMREGION_NO_LIMIT && (max & (MR_PAGE - 1))))
		return TDXC_EALIGN;
	if (min >= max)
		return TDXC_ERANGE;
	if (!mr->committed)
		return TDXC_ESTATE;
	af = align >> MR_PAGE_SHIFT;
	lo = min >> MR_PAGE_SHIFT;
	hi = max == TDXC_MEMREGION_NO_LIMIT ? mr->nframes : max >> MR_PAGE_SHIFT;
	if (hi > mr->nframes)
		hi = mr->nframes;
	if (lo >= hi || frames > hi - lo)
		return TDXC_ENOMEM;
	pos = lo;
	for (;;) {
		uint64_t start, z;
		if (af >= 64 && frames >= 64) {
			/* The run starts on a whole free word: search the
			 * full-word tree, skipping fragmented memory at once. */
			uint64_t c = (pos + af - 1) & ~(af - 1), w;
			if (c < pos || c >= hi)
				return TDXC_ENOMEM;
			w = find_full_from(mr, c >> 6);
			if (w == MR_NONE)
				return TDXC_ENOMEM;
			start = ((w << 6) + af - 1) & ~(af - 1);
			if (start != w << 6) {
				pos = start;
				continue;
			}
		} else {
			uint64_t p = find_free_from(mr, pos);
			if (p == MR_NONE || p >= hi)
				return TDXC_ENOMEM;
			start = (p + af - 1) & ~(af - 1);
			if (start < p)
				return TDXC_ENOMEM;
		}
		if (start >= hi || frames > hi - start)
			return TDXC_ENOMEM;
		z = first_nonfree(mr, start, start + frames);
		if (z == MR_NONE) {
			int rc = take_run(mr, start, start + frames);
			if (rc)
				return rc;
			*pa = start << MR_PAGE_SHIFT;
			return 0;
		}
		pos = z + 1;
	}
}

/* Entry checks of claim and free, in their documented order: a 4 KiB
 * aligned, non-wrapping range of a live, committed region; frames out. */
static int frame_args(const struct tdxc_memregion *mr, uint64_t base, uint64_t length,
		      uint64_t *p0, uint64_t *p1)
{
	uint64_t end;
	int rc;
	if (!mr_ok(mr) || !length)
		return TDXC_EINVAL;
	if ((base | length) & (MR_PAGE - 1))
		return TDXC_EALIGN;
	rc = tdxc__range_end(base, length, &end);
	if (rc)
		return rc;
	if (!mr->committed)
		return TDXC_ESTATE;
	*p0 = base >> MR_PAGE_SHIFT;
	*p1 = end >> MR_PAGE_SHIFT;
	return 0;
}

static int class_error(int c)
{
	switch (c) {
	case MR_FOREIGN:
		return TDXC_EFOREIGN;
	case MR_HELD:
		return TDXC_EHELD;
	case MR_ALLOC:
		return TDXC_EBUSY;
	default:
		return TDXC_EDOUBLEFREE;
	}
}

TDXC_API int tdxc_memregion_claim(struct tdxc_memregion *mr, uint64_t base,
				  uint64_t length)
{
	uint64_t p0, p1, q;
	int rc, c;
	rc = frame_args(mr, base, length, &p0, &p1);
	if (rc)
		return rc;
	q = scan_range(mr, p0, p1, MR_FREE, &c);
	if (q != MR_NONE)
		return class_error(c);
	rc = accept_frames(mr, p0, p1);
	if (rc)
		return rc;
	sections_init_all(mr, p0, p1);
	range_take(mr, p0, p1);
	mr->free_frames -= p1 - p0;
	mr->alloc_frames += p1 - p0;
	return 0;
}

TDXC_API int tdxc_memregion_free(struct tdxc_memregion *mr, uint64_t base,
				 uint64_t length)
{
	uint64_t p0, p1, q, s;
	int rc, c;
	rc = frame_args(mr, base, length, &p0, &p1);
	if (rc)
		return rc;
	s = p0 >> MR_SECT_SHIFT;
	if (p1 == p0 + 1 && p0 < mr->nframes && sect_init(mr, s) &&
	    mr_bit(mr->sect_plain, s) && !mr_bit(mr->lvl[0], p0)) {
		/* fast path: one allocated frame in a plain section */
		set_up(mr, 0, p0);
		if (mr->lvl[0][p0 >> 6] == ~UINT64_C(0))
			fw_set_up(mr, 0, p0 >> 6);
		if (mr->hist)
			mr->hist[p0 >> 6] |= UINT64_C(1) << (p0 & 63);
		mr->free_frames++;
		mr->alloc_frames--;
		return 0;
	}
	q = scan_range(mr, p0, p1, MR_ALLOC, &c);
	if (q != MR_NONE) {
		if (c != MR_FREE)
			return class_error(c);
		if (!mr->hist)
			return TDXC_EDOUBLEFREE;
		if (!sect_init(mr, q >> MR_SECT_SHIFT) || !mr_bit(mr->hist, q))
			return TDXC_ENOTALLOC;
		return TDXC_EDOUBLEFREE;
	}
	range_give(mr, p0, p1, true);
	mr->free_frames += p1 - p0;
	mr->alloc_frames -= p1 - p0;
	return 0;
}

/* ---------------------------------------------------------- reservations */

static size_t owner_len(const char *owner)
{
	size_t n = 0;
	while (n <= TDXC_MEMREGION_OWNER_MAX && owner[n])
		n++;
	return n;
}

/* 1: event has live records, 0: only released ones, -1: none. */
static int event_state(const struct tdxc_memregion *mr, uint64_t event)
{
	uint32_t i;
	int st = -1;
	for (i = 0; i < mr->nresv; i++) {
		if (mr->resv[i].event != event)
			continue;
		if (resv_live(&mr->resv[i]))
			return 1;
		st = 0;
	}
	return st;
}

/*
 * Walk the available pieces of byte range [a, b), section by section
 * (uninitialised sections hold no allocated frame). take false: true as
 * soon as one of their frames is allocated. take true: take every frame out
 * of the pool, add the pieces' frame count to *held; returns false.
 */
static bool avail_walk(struct tdxc_memregion *mr, uint64_t a, uint64_t b, bool take,
		       uint64_t *held)
{
	uint64_t p, pe;
	for (p = a; p < b; p = pe) {
		uint64_t x, y, s;
		if (piece_at(mr, p, b, &pe) != MR_FREE)
			continue;
		x = p >> MR_PAGE_SHIFT;
		y = pe >> MR_PAGE_SHIFT;
		if (take)
			*held += y - x;
		for (s = x >> MR_SECT_SHIFT; s <= (y - 1) >> MR_SECT_SHIFT; s++) {
			uint64_t sa = s << MR_SECT_SHIFT, sb = sa + MR_SECT_FRAMES;
			if (!sect_init(mr, s))
				continue;
			if (sa < x)
				sa = x;
			if (sb > y)
				sb = y;
			if (take)
				range_take(mr, sa, sb);
			else if (first_bit(mr->lvl[0], sa, sb, 0) != MR_NONE)
				return true;
		}
	}
	return false;
}

TDXC_API int tdxc_memregion_reserve(struct tdxc_memregion *mr, uint64_t base,
				    uint64_t length, const char *owner,
				    uint64_t event)
{
	uint64_t a, b, held = 0;
	size_t n;
	struct mr_resv *r;
	int rc;

	if (!mr_ok(mr) || !owner || !length)
		return TDXC_EINVAL;
	n = owner_len(owner);
	if (n == 0)
		return TDXC_EINVAL;
	if (n > TDXC_MEMREGION_OWNER_MAX)
		return TDXC_E2BIG;
	rc = page_cover(base, length, &a, &b);
	if (rc)
		return rc;
	if (event != TDXC_MEMREGION_PERMANENT && event_state(mr, event) == 0)
		return TDXC_EALREADY;
	if (mr->nresv >= mr->max_resv)
		return TDXC_ENOSPC;
	if (mr->committed) {
		uint64_t lim = mr->nframes << MR_PAGE_SHIFT;
		uint64_t bb = b < lim ? b : lim;
		/* Pass 1: no allocated frame among the available ones. */
		if (avail_walk(mr, a, bb, false, &held))
			return TDXC_EBUSY;
		/* Pass 2: take them out of the pool. */
		avail_walk(mr, a, bb, true, &held);
		mr->free_frames -= held;
	}
	r = &mr->resv[mr->nresv++];
	r->base = a;
	r->end = b;
	r->event = event;
	r->state = TDXC_MEMREGION_RESV_LIVE;
	r->pad = 0;
	tdxc__memset(r->owner, 0, sizeof(r->owner));
	tdxc__memcpy(r->owner, owner, n);
	if (mr->committed)
		sections_update_plain(mr, a >> MR_PAGE_SHIFT, b >> MR_PAGE_SHIFT);
	mr->n_reserve++;
	return 0;
}

TDXC_API int tdxc_memregion_release(struct tdxc_memregion *mr, uint64_t event,
				    uint64_t *freed_bytes)
{
	uint64_t freed = 0;
	uint32_t i;
	int st;

	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (event == TDXC_MEMREGION_PERMANENT)
		return TDXC_EPERM;
	st = event_state(mr, event);
	if (st < 0)
		return TDXC_ENOENT;
	if (st == 0)
		return TDXC_EALREADY;
	if (mr->committed) {
		/* Sections first, with the reservations still live: afterwards
		 * every frame's bit is exact and a frame is given back once. */
		for (i = 0; i < mr->nresv; i++) {
			const struct mr_resv *r = &mr->resv[i];
			if (r->event == event && resv_live(r))
				sections_init_range(mr, r->base >> MR_PAGE_SHIFT,
						    r->end >> MR_PAGE_SHIFT);
		}
	}
	for (i = 0; i < mr->nresv; i++)
		if (mr->resv[i].event == event && resv_live(&mr->resv[i]))
			mr->resv[i].state = TDXC_MEMREGION_RESV_RELEASED;
	if (mr->committed) {
		uint64_t lim = mr->nframes << MR_PAGE_SHIFT;
		for (i = 0; i < mr->nresv; i++) {
			const struct mr_resv *r = &mr->resv[i];
			uint64_t p, pe, bb;
			if (r->event != event)
				continue;
			bb = r->end < lim ? r->end : lim;
			for (p = r->base; p < bb; p = pe) {
				if (piece_at(mr, p, bb, &pe) != MR_FREE)
					continue;
				/* Only this frame range changes: no merging with
				 * neighbours exists in a per-frame pool. */
				freed += range_give(mr, p >> MR_PAGE_SHIFT,
						    pe >> MR_PAGE_SHIFT, false);
			}
			sections_update_plain(mr, r->base >> MR_PAGE_SHIFT,
					      bb >> MR_PAGE_SHIFT);
		}
		mr->free_frames += freed;
	}
	mr->n_release++;
	if (freed_bytes)
		*freed_bytes = freed << MR_PAGE_SHIFT;
	return 0;
}

/* --------------------------------------------------------------- queries */

/* Longest run of ones across words, carried in *cur. */
static void run_scan(uint64_t w, uint64_t *cur, uint64_t *best)
{
	uint64_t x;
	unsigned m = 0;
	if (w == ~UINT64_C(0)) {
		*cur += 64;
		if (*cur > *best)
			*best = *cur;
		return;
	}
	*cur += ctz64(~w);
	if (*cur > *best)
		*best = *cur;
	for (x = w; x; x &= x >> 1)
		m++;
	if (m > *best)
		*best = m;
	*cur = (uint64_t)__builtin_clzll(~w);
}

TDXC_API int tdxc_memregion_stats(const struct tdxc_memregion *mr,
				  struct tdxc_memregion_stats *out)
{
	uint64_t s, cur = 0, best = 0, buf[MR_SECT_WORDS];
	uint32_t i;
	if (!mr_ok(mr) || !out)
		return TDXC_EINVAL;
	if (!mr->committed)
		return TDXC_ESTATE;
	tdxc__memset(out, 0, sizeof(*out));
	for (i = 0; i < mr->nres; i++)
		out->type_bytes[mr->res[i].type] += mr->res[i].end - mr->res[i].base;
	for (s = 0; s < mr->nsect; s++) {
		const uint64_t *f;
		unsigned w;
		if (sect_init(mr, s)) {
			f = mr->lvl[0] + s * MR_SECT_WORDS;
		} else if (mr_bit(mr->lvl[2], s)) {
			bool pl;
			tdxc__memregion_section_compute(mr, s, buf, &pl);
			f = buf;
		} else {
			cur = 0;
			continue;
		}
		for (w = 0; w < MR_SECT_WORDS; w++)
			run_scan(f[w], &cur, &best);
	}
	out->managed_frames = mr->managed_frames;
	out->free_frames = mr->free_frames;
	out->allocated_frames = mr->alloc_frames;
	out->held_frames = mr->managed_frames - mr->free_frames - mr->alloc_frames;
	out->largest_free_run = best;
	out->unaccepted_bytes = mr->unaccepted_bytes;
	out->accept_calls = mr->accept_calls;
	out->reserve_count = mr->n_reserve;
	out->release_count = mr->n_release;
	out->regions = mr->nres;
	out->reservations = mr->nresv;
	return 0;
}

TDXC_API int tdxc_memregion_region_get(const struct tdxc_memregion *mr,
				       uint32_t index,
				       struct tdxc_memregion_region *out)
{
	if (!mr_ok(mr) || !out)
		return TDXC_EINVAL;
	if (!mr->committed)
		return TDXC_ESTATE;
	if (index >= mr->nres)
		return TDXC_ENOENT;
	out->base = mr->res[index].base;
	out->end = mr->res[index].end;
	out->type = mr->res[index].type;
	out->raw_type = mr->res[index].raw;
	return 0;
}

TDXC_API int
tdxc_memregion_reservation_get(const struct tdxc_memregion *mr,
			       uint32_t index,
			       struct tdxc_memregion_reservation *out)
{
	const struct mr_resv *r;
	if (!mr_ok(mr) || !out)
		return TDXC_EINVAL;
	if (index >= mr->nresv)
		return TDXC_ENOENT;
	r = &mr->resv[index];
	tdxc__memset(out, 0, sizeof(*out));
	out->base = r->base;
	out->end = r->end;
	out->event = r->event;
	out->state = r->state;
	out->ram_bytes = mr->committed ? tdxc__memregion_ram_bytes(mr, r->base, r->end) : 0;
	tdxc__memcpy(out->owner, r->owner, sizeof(out->owner));
	return 0;
}

TDXC_API int tdxc_memregion_frame_state(const struct tdxc_memregion *mr,
					uint64_t pa)
{
	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (!mr->committed)
		return TDXC_ESTATE;
	return tdxc__memregion_classify(mr, pa >> MR_PAGE_SHIFT);
}

TDXC_API const char *tdxc_memregion_type_name(uint32_t type)
{
	static const char *const names[TDXC_MEMREGION_TYPE_COUNT] = {
		"invalid", "usable", "reserved", "acpi", "nvs", "unusable",
		"pmem", "soft_reserved", "unaccepted", "mmio", "kernel",
		"module", "framebuffer", "bootloader_reclaimable",
		"firmware_held", "unknown"};
	return type < TDXC_MEMREGION_TYPE_COUNT ? names[type] : "invalid";
}

/* ------------------------------------------------------------ invariants */

TDXC_HIDDEN int tdxc__memregion_check(const struct tdxc_memregion *mr)
{
	uint64_t s, free_n = 0, alloc_n = 0, ram = 0, avail_n = 0, pend = 0;
	uint64_t buf[MR_SECT_WORDS];
	uint32_t i;
	unsigned k;

	if (!mr_ok(mr))
		return TDXC_EINVAL;
	if (!mr->committed)
		return 0;
	for (i = 0; i < mr->nres; i++) {
		const struct mr_ent *r = &mr->res[i];
		if (r->base >= r->end || ((r->base | r->end) & (MR_PAGE - 1)))
			return TDXC_ECORRUPT;
		if (i && (mr->res[i - 1].end > r->base ||
			  (mr->res[i - 1].end == r->base &&
			   mr->res[i - 1].type == r->type &&
			   mr->res[i - 1].raw == r->raw)))
			return TDXC_ECORRUPT;
		if (mr_is_ram(r->type)) {
			ram += (r->end - r->base) >> MR_PAGE_SHIFT;
			avail_n += avail_bytes(mr, r->base, r->end) >> MR_PAGE_SHIFT;
		}
	}
	if (ram != mr->managed_frames)
		return TDXC_ECORRUPT;
	for (s = 0; s < mr->nsect; s++) {
		bool pl;
		uint64_t l1 = 0, full = 0;
		unsigned w;
		tdxc__memregion_section_compute(mr, s, buf, &pl);
		if (!sect_init(mr, s)) {
			uint64_t n = 0;
			bool anyfull = false;
			for (w = 0; w < MR_SECT_WORDS; w++) {
				n += popcount64(buf[w]);
				anyfull |= buf[w] == ~UINT64_C(0);
			}
			if (n && !mr_bit(mr->lvl[2], s))
				return TDXC_ECORRUPT;
			if (anyfull && !mr_bit(mr->fw[1], s))
				return TDXC_ECORRUPT;
			free_n += n;
			continue;
		}
		for (w = 0; w < MR_SECT_WORDS; w++) {
			uint64_t f = mr->lvl[0][s * MR_SECT_WORDS + w];
			if (f & ~buf[w])
				return TDXC_ECORRUPT; /* free but not available */
			if (f)
				l1 |= UINT64_C(1) << w;
			if (f == ~UINT64_C(0))
				full |= UINT64_C(1) << w;
			free_n += popcount64(f);
			alloc_n += popcount64(buf[w] & ~f);
		}
		if (l1 != mr->lvl[1][s] || mr_bit(mr->lvl[2], s) != (l1 != 0))
			return TDXC_ECORRUPT;
		if (full != mr->fw[0][s] || mr_bit(mr->fw[1], s) != (full != 0))
			return TDXC_ECORRUPT;
		if (mr_bit(mr->sect_plain, s) != pl)
			return TDXC_ECORRUPT;
	}
	for (k = 3; k < mr->nlevels; k++) {
		uint64_t w;
		for (w = 0; w < (mr->lvl_words[k] << 6); w++) {
			bool child = w < mr->lvl_words[k - 1] && mr->lvl[k - 1][w];
			if (mr_bit(mr->lvl[k], w) != child)
				return TDXC_ECORRUPT;
		}
	}
	for (k = 2; k < mr->fw_nlevels; k++) {
		uint64_t w;
		for (w = 0; w < (mr->fw_words[k] << 6); w++) {
			bool child = w < mr->fw_words[k - 1] && mr->fw[k - 1][w];
			if (mr_bit(mr->fw[k], w) != child)
				return TDXC_ECORRUPT;
		}
	}
	if (free_n != mr->free_frames || alloc_n != mr->alloc_frames)
		return TDXC_ECORRUPT;
	if (free_n + alloc_n != avail_n)
		return TDXC_ECORRUPT;
	for (s = 0; s < mr->nunits; s++) {
		uint64_t a = s << (MR_UNIT_SHIFT + MR_PAGE_SHIFT), un = 0;
		uint32_t j = res_first_after(mr, a);
		for (; j < mr->nres && mr->res[j].base < a + TDXC_MEMREGION_UNIT_SIZE; j++) {
			const struct mr_ent *r = &mr->res[j];
			if (r->type != TDXC_MEMREGION_UNACCEPTED)
				continue;
			un += (r->end < a + TDXC_MEMREGION_UNIT_SIZE ? r->end : a + TDXC_MEMREGION_UNIT_SIZE) -
			      (r->base > a ? r->base : a);
		}
		if (mr_bit(mr->pending, s)) {
			if (!un)
				return TDXC_ECORRUPT;
			pend += un;
		}
	}
	if (pend != mr->unaccepted_bytes)
		return TDXC_ECORRUPT;
	return 0;
}
