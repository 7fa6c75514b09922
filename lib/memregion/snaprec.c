/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion record in the snapshot container (module 2, instance 0).
 *
 * Body, version 1 (little-endian; layout also in docs/snapshot-format.md):
 *    0 u64 max_addr            8 u32 object flags
 *   12 u32 region count R     16 u32 reservation count V
 *   20 u32 reserved (0)       24 u64 allocated runs A
 *   32 u64 pending runs P     40 u64 freed runs F
 *   48 u64 accept_calls       56 u64 reserve_count     64 u64 release_count
 *   72 R x region   {u64 base, u64 end, u32 type, u32 raw_type}   24 B
 *      V x reservation {u64 base, u64 end, u64 event, u32 state,
 *                       u32 reserved (0), char owner[24]}            56 B
 *      A x allocated frame run {u64 first pfn, u64 frames}           16 B
 *      P x pending (not yet accepted) unit run {u64 first, u64 n}    16 B
 *      F x freed-since-available frame run (TRACK_FREED only)        16 B
 *
 * The state is the committed allocator as the API sees it: the resolved
 * map, every reservation (live and released, in creation order), which
 * frames are allocated, which 2 MiB units still wait for acceptance, and
 * (with TDXC_MEMREGION_F_TRACK_FREED) which free frames were freed. Runs
 * are sorted and maximal. Section metadata is rebuilt lazily as usual.
 *
 * Restore goes into a freshly initialised object of the same geometry and
 * replays the state through the public calls (add, reserve, release,
 * commit, claim, free) after checking every field against the object's
 * limits and every cross-field rule those calls would enforce: nothing is
 * written until the whole body is known to apply, and no accept callback
 * is ever invoked (memory that was accepted stays accepted; the blob only
 * tells which units are still pending).
 */
#include "memregion_priv.h"
#include "snapshot_priv.h"

#define HDR 72u
#define REG 24u
#define RSV 56u
#define RUN 16u
#define UNIT_FRAMES (UINT64_C(1) << MR_UNIT_SHIFT)
#define UNIT_BYTES (UNIT_FRAMES << MR_PAGE_SHIFT)

/* ---- save -------------------------------------------------------------- */

/* Collects runs of set bits fed in increasing order; writes them to out
 * (NULL: only counts). */
struct runs {
	uint8_t *out;
	uint64_t n;
	uint64_t start, len; /* open run, len 0 if none */
};

static void run_flush(struct runs *r)
{
	if (!r->len)
		return;
	if (r->out) {
		tdxc__put_le64(r->out + r->n * RUN, r->start);
		tdxc__put_le64(r->out + r->n * RUN + 8, r->len);
	}
	r->n++;
	r->len = 0;
}

/* Add the set bits of word w, whose bit 0 is index base. */
static void run_word(struct runs *r, uint64_t base, uint64_t w)
{
	while (w) {
		unsigned lo = (unsigned)__builtin_ctzll(w);
		uint64_t rest = w >> lo;
		unsigned n = rest == ~UINT64_C(0) >> lo ? 64 - lo
							  : (unsigned)__builtin_ctzll(~rest);
		uint64_t s = base + lo;
		if (r->len && r->start + r->len == s)
			r->len += n;
		else {
			run_flush(r);
			r->start = s;
			r->len = n;
		}
		if (lo + n >= 64)
			break;
		w &= ~UINT64_C(0) << (lo + n);
	}
}

/* The three run lists: allocated frames, pending units, freed frames. */
static void collect(const struct tdxc_memregion *mr, struct runs *alloc, struct runs *pend,
		    struct runs *freed)
{
	uint64_t s, w, words[MR_SECT_WORDS];
	bool plain;

	for (s = 0; s < mr->nsect; s++) {
		const uint64_t *f = mr->lvl[0] + s * MR_SECT_WORDS;
		if (!mr_bit(mr->sect_init, s))
			continue; /* never touched: nothing allocated or freed */
		tdxc__memregion_section_compute(mr, s, words, &plain);
		for (w = 0; w < MR_SECT_WORDS; w++) {
			uint64_t base = (s * MR_SECT_WORDS + w) << 6;
			run_word(alloc, base, words[w] & ~f[w]);
			if (mr->hist)
				run_word(freed, base, mr->hist[s * MR_SECT_WORDS + w] & f[w]);
		}
	}
	for (w = 0; w < (mr->nunits + 63) >> 6; w++)
		run_word(pend, w << 6, mr->pending[w]);
	run_flush(alloc);
	run_flush(pend);
	run_flush(freed);
}

int tdxc_memregion_snapshot_add(const struct tdxc_memregion *mr, struct tdxc_snapshot_writer *w)
{
	struct runs a = { NULL, 0, 0, 0 }, p = { NULL, 0, 0, 0 }, f = { NULL, 0, 0, 0 };
	uint8_t producer, *b, *q;
	uint64_t len;
	uint32_t i;
	int rc;

	if (!mr || mr->magic != MR_MAGIC || !w)
		return TDXC_EINVAL;
	if ((rc = tdxc__snapshot_writer_vtl(w, &producer)))
		return rc;
	if (!mr->committed)
		return TDXC_ESTATE;
	collect(mr, &a, &p, &f);
	len = HDR + (uint64_t)mr->nres * REG + (uint64_t)mr->nresv * RSV +
	      (a.n + p.n + f.n) * RUN;
	if ((rc = tdxc__snapshot_rec_begin(w, TDXC_SNAPSHOT_MOD_MEMREGION, 0, len, &b)))
		return rc;
	if (!b)
		return 0;
	tdxc__put_le64(b + 0, mr->max_addr);
	tdxc__put_le32(b + 8, mr->flags);
	tdxc__put_le32(b + 12, mr->nres);
	tdxc__put_le32(b + 16, mr->nresv);
	tdxc__put_le64(b + 24, a.n);
	tdxc__put_le64(b + 32, p.n);
	tdxc__put_le64(b + 40, f.n);
	tdxc__put_le64(b + 48, mr->accept_calls);
	tdxc__put_le64(b + 56, mr->n_reserve);
	tdxc__put_le64(b + 64, mr->n_release);
	q = b + HDR;
	for (i = 0; i < mr->nres; i++, q += REG) {
		tdxc__put_le64(q, mr->res[i].base);
		tdxc__put_le64(q + 8, mr->res[i].end);
		tdxc__put_le32(q + 16, mr->res[i].type);
		tdxc__put_le32(q + 20, mr->res[i].raw);
	}
	for (i = 0; i < mr->nresv; i++, q += RSV) {
		const struct mr_resv *r = &mr->resv[i];
		tdxc__put_le64(q, r->base);
		tdxc__put_le64(q + 8, r->end);
		tdxc__put_le64(q + 16, r->event);
		tdxc__put_le32(q + 24, r->state);
		/* owner is NUL-padded in the object; copy up to the NUL only so
		 * that the blob never carries stray bytes */
		{
			unsigned k;
			for (k = 0; k < TDXC_MEMREGION_OWNER_MAX && r->owner[k]; k++)
				q[32 + k] = (uint8_t)r->owner[k];
		}
	}
	a.out = q;
	p.out = q + a.n * RUN;
	f.out = p.out + p.n * RUN;
	a.n = p.n = f.n = 0;
	collect(mr, &a, &p, &f);
	return 0;
}

/* ---- restore ----------------------------------------------------------- */

struct body {
	const uint8_t *reg, *rsv, *alloc, *pend, *freed;
	uint32_t nreg, nrsv;
	uint64_t nalloc, npend, nfreed;
};

static uint64_t run_a(const uint8_t *p, uint64_t i)
{
	return tdxc__le64(p + i * RUN);
}

static uint64_t run_n(const uint8_t *p, uint64_t i)
{
	return tdxc__le64(p + i * RUN + 8);
}

/* Runs sorted, non-empty, not touching, inside [0, limit). */
static bool runs_ok(const uint8_t *p, uint64_t n, uint64_t limit)
{
	uint64_t i, prev_end = 0;
	for (i = 0; i < n; i++) {
		uint64_t a = run_a(p, i), c = run_n(p, i);
		if (c == 0 || a > limit || c > limit - a)
			return false;
		if (i && a <= prev_end)
			return false;
		prev_end = a + c;
	}
	return true;
}

/* Does [a, b) (same units as the runs) meet a run of the sorted list? */
static bool runs_meet(const uint8_t *p, uint64_t n, uint64_t a, uint64_t b)
{
	uint64_t lo = 0, hi = n;
	/* first run whose end > a */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (run_a(p, mid) + run_n(p, mid) <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && run_a(p, lo) < b;
}

static uint32_t reg_type(const struct body *bd, uint32_t i)
{
	return tdxc__le32(bd->reg + (size_t)i * REG + 16);
}

static uint64_t reg_base(const struct body *bd, uint32_t i)
{
	return tdxc__le64(bd->reg + (size_t)i * REG);
}

static uint64_t reg_end(const struct body *bd, uint32_t i)
{
	return tdxc__le64(bd->reg + (size_t)i * REG + 8);
}

/* First region with end > pa. */
static uint32_t reg_after(const struct body *bd, uint64_t pa)
{
	uint32_t lo = 0, hi = bd->nreg;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (reg_end(bd, mid) <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Is every byte of [a, b) covered by regions that satisfy want (RAM, or
 * UNACCEPTED when unacc)? With units, a region covers the whole units it
 * touches (acceptance works per unit).
 */
static bool covered(const struct body *bd, uint64_t a, uint64_t b, bool unacc, bool units)
{
	uint64_t cur = a;
	uint32_t i = reg_after(bd, units ? a << 21 : a);
	for (; i < bd->nreg && cur < b; i++) {
		uint32_t t = reg_type(bd, i);
		uint64_t ra = reg_base(bd, i), rb = reg_end(bd, i);
		if (unacc ? t != TDXC_MEMREGION_UNACCEPTED : !mr_is_ram(t))
			continue;
		if (units) {
			ra >>= 21;
			rb = ((rb - 1) >> 21) + 1;
		}
		if (ra > cur)
			return false;
		if (rb > cur)
			cur = rb;
	}
	return cur >= b;
}

/* Frame runs that the restore claims: managed, not held, accepted. */
static int frame_runs_ok(const struct tdxc_memregion *mr, const struct body *bd,
			 const uint8_t *p, uint64_t n)
{
	uint64_t i;
	uint32_t k;
	if (!runs_ok(p, n, mr->max_addr >> MR_PAGE_SHIFT))
		return TDXC_EMALFORMED;
	for (i = 0; i < n; i++) {
		uint64_t a = run_a(p, i), e = a + run_n(p, i);
		if (!covered(bd, a << MR_PAGE_SHIFT, e << MR_PAGE_SHIFT, false, false))
			return TDXC_EMALFORMED;
		for (k = 0; k < bd->nrsv; k++) {
			const uint8_t *r = bd->rsv + (size_t)k * RSV;
			if (tdxc__le32(r + 24) == TDXC_MEMREGION_RESV_LIVE &&
			    tdxc__le64(r) < (e << MR_PAGE_SHIFT) &&
			    tdxc__le64(r + 8) > (a << MR_PAGE_SHIFT))
				return TDXC_EMALFORMED;
		}
		/* Their units were accepted when they were taken, and so was
		 * the unit after a run that ends on a unit boundary. */
		if (runs_meet(bd->pend, bd->npend, a >> MR_UNIT_SHIFT,
			      ((e - 1) >> MR_UNIT_SHIFT) + 1 +
				      ((e & (UNIT_FRAMES - 1)) == 0 ? 1 : 0)))
			return TDXC_EMALFORMED;
	}
	return 0;
}

static int check_resv(const struct body *bd)
{
	uint32_t i, j;
	for (i = 0; i < bd->nrsv; i++) {
		const uint8_t *r = bd->rsv + (size_t)i * RSV;
		uint64_t a = tdxc__le64(r), e = tdxc__le64(r + 8), ev = tdxc__le64(r + 16);
		uint32_t st = tdxc__le32(r + 24);
		unsigned k;
		if (tdxc__le32(r + 28))
			return TDXC_ERESERVED;
		if ((a | e) & (MR_PAGE - 1) || a >= e)
			return TDXC_EMALFORMED;
		if (st != TDXC_MEMREGION_RESV_LIVE && st != TDXC_MEMREGION_RESV_RELEASED)
			return TDXC_EMALFORMED;
		if (st == TDXC_MEMREGION_RESV_RELEASED && ev == TDXC_MEMREGION_PERMANENT)
			return TDXC_EMALFORMED;
		for (k = 0; k < TDXC_MEMREGION_OWNER_MAX && r[32 + k]; k++)
			;
		if (k == 0 || !tdxc__all_zero(r + 32 + k, 24 - k))
			return TDXC_EMALFORMED;
		/* one event, one state: a released event takes no new records */
		for (j = 0; j < i; j++) {
			const uint8_t *o = bd->rsv + (size_t)j * RSV;
			if (tdxc__le64(o + 16) == ev && tdxc__le32(o + 24) != st)
				return TDXC_EMALFORMED;
		}
	}
	return 0;
}

static int check_body(const struct tdxc_memregion *mr, const uint8_t *b, uint64_t len,
		      struct body *bd)
{
	uint64_t need, prev_end = 0, nunits;
	uint32_t i, prev_type = 0, prev_raw = 0;
	int rc;

	if (len < HDR)
		return TDXC_ETRUNC;
	if (tdxc__le32(b + 20))
		return TDXC_ERESERVED;
	if (tdxc__le64(b) != mr->max_addr || tdxc__le32(b + 8) != mr->flags)
		return TDXC_ENOTUSABLE;
	bd->nreg = tdxc__le32(b + 12);
	bd->nrsv = tdxc__le32(b + 16);
	bd->nalloc = tdxc__le64(b + 24);
	bd->npend = tdxc__le64(b + 32);
	bd->nfreed = tdxc__le64(b + 40);
	if (bd->nalloc > len / RUN || bd->npend > len / RUN || bd->nfreed > len / RUN)
		return TDXC_EMALFORMED;
	need = HDR + (uint64_t)bd->nreg * REG + (uint64_t)bd->nrsv * RSV +
	       (bd->nalloc + bd->npend + bd->nfreed) * RUN;
	if (need != len)
		return need > len ? TDXC_ETRUNC : TDXC_EMALFORMED;
	if (bd->nreg > mr->max_regions || bd->nrsv > mr->max_resv)
		return TDXC_ENOSPC;
	bd->reg = b + HDR;
	bd->rsv = bd->reg + (size_t)bd->nreg * REG;
	bd->alloc = bd->rsv + (size_t)bd->nrsv * RSV;
	bd->pend = bd->alloc + bd->nalloc * RUN;
	bd->freed = bd->pend + bd->npend * RUN;

	/* The resolved map: sorted, disjoint, page-aligned, known types,
	 * RAM below max_addr, adjacent equal entries merged (as resolution
	 * leaves them, so that replaying it gives exactly this map). */
	for (i = 0; i < bd->nreg; i++) {
		uint64_t a = reg_base(bd, i), e = reg_end(bd, i);
		uint32_t t = reg_type(bd, i), raw = tdxc__le32(bd->reg + (size_t)i * REG + 20);
		if (t < TDXC_MEMREGION_USABLE || t > TDXC_MEMREGION_UNKNOWN)
			return TDXC_EMALFORMED;
		if ((a | e) & (MR_PAGE - 1) || a >= e || (i && a < prev_end))
			return TDXC_EMALFORMED;
		if (i && a == prev_end && t == prev_type && raw == prev_raw)
			return TDXC_EMALFORMED;
		if (mr_is_ram(t) && e > mr->max_addr)
			return TDXC_EMALFORMED;
		prev_end = e;
		prev_type = t;
		prev_raw = raw;
	}
	if ((rc = check_resv(bd)))
		return rc;
	/* Pending units: only units the map makes pending at commit. */
	nunits = mr->nunits;
	if (!runs_ok(bd->pend, bd->npend, nunits))
		return TDXC_EMALFORMED;
	for (i = 0; i < bd->npend; i++) {
		uint64_t a = run_a(bd->pend, i);
		if (!covered(bd, a, a + run_n(bd->pend, i), true, true))
			return TDXC_EMALFORMED;
	}
	if ((rc = frame_runs_ok(mr, bd, bd->alloc, bd->nalloc)))
		return rc;
	if (bd->nfreed && !mr->hist)
		return TDXC_EMALFORMED;
	if ((rc = frame_runs_ok(mr, bd, bd->freed, bd->nfreed)))
		return rc;
	for (i = 0; i < bd->nfreed; i++) {
		uint64_t a = run_a(bd->freed, i);
		if (runs_meet(bd->alloc, bd->nalloc, a, a + run_n(bd->freed, i)))
			return TDXC_EMALFORMED;
	}
	return 0;
}

/* Unaccepted bytes inside units [u0, u1). */
static uint64_t unacc_bytes(const struct tdxc_memregion *mr, uint64_t u0, uint64_t u1)
{
	uint64_t a = u0 * UNIT_BYTES, b = u1 * UNIT_BYTES, sum = 0;
	uint32_t i;
	for (i = 0; i < mr->nres; i++) {
		const struct mr_ent *r = &mr->res[i];
		uint64_t x, y;
		if (r->type != TDXC_MEMREGION_UNACCEPTED || r->end <= a || r->base >= b)
			continue;
		x = r->base > a ? r->base : a;
		y = r->end < b ? r->end : b;
		sum += y - x;
	}
	return sum;
}

int tdxc_memregion_snapshot_restore(struct tdxc_memregion *mr,
				    const struct tdxc_snapshot_reader *r)
{
	struct body bd;
	const uint8_t *b;
	uint64_t len, i, w;
	uint8_t producer;
	uint32_t k;
	int rc;

	if (!mr || mr->magic != MR_MAGIC || !r)
		return TDXC_EINVAL;
	if ((rc = tdxc_snapshot_producer_vtl(r, &producer)))
		return rc;
	if ((rc = tdxc__snapshot_rec_find(r, TDXC_SNAPSHOT_MOD_MEMREGION, 0, &b, &len)))
		return rc;
	if (mr->committed || mr->nraw || mr->nresv)
		return TDXC_ESTATE;
	if ((rc = check_body(mr, b, len, &bd)))
		return rc;

	/* Everything below is known to succeed. */
	for (k = 0; k < bd.nreg; k++)
		(void)tdxc_memregion_add(mr, reg_base(&bd, k), reg_end(&bd, k) - reg_base(&bd, k),
					 reg_type(&bd, k),
					 tdxc__le32(bd.reg + (size_t)k * REG + 20));
	for (k = 0; k < bd.nrsv; k++) {
		const uint8_t *q = bd.rsv + (size_t)k * RSV;
		char owner[TDXC_MEMREGION_OWNER_MAX + 1];
		tdxc__memcpy(owner, q + 32, TDXC_MEMREGION_OWNER_MAX);
		owner[TDXC_MEMREGION_OWNER_MAX] = 0;
		(void)tdxc_memregion_reserve(mr, tdxc__le64(q), tdxc__le64(q + 8) - tdxc__le64(q),
					     owner, tdxc__le64(q + 16));
	}
	for (k = 0; k < bd.nrsv; k++) {
		const uint8_t *q = bd.rsv + (size_t)k * RSV;
		uint64_t ev = tdxc__le64(q + 16);
		uint32_t j;
		bool first = true;
		if (tdxc__le32(q + 24) != TDXC_MEMREGION_RESV_RELEASED)
			continue;
		for (j = 0; j < k && first; j++)
			first = tdxc__le64(bd.rsv + (size_t)j * RSV + 16) != ev;
		if (first)
			(void)tdxc_memregion_release(mr, ev, NULL);
	}
	(void)tdxc_memregion_commit(mr);
	/* Units accepted before the snapshot stay accepted, silently. */
	for (w = 0; w < (mr->nunits + 63) >> 6; w++)
		mr->pending[w] = 0;
	mr->unaccepted_bytes = 0;
	for (i = 0; i < bd.npend; i++) {
		uint64_t a = run_a(bd.pend, i), e = a + run_n(bd.pend, i), u;
		for (u = a; u < e; u++)
			mr->pending[u >> 6] |= UINT64_C(1) << (u & 63);
		mr->unaccepted_bytes += unacc_bytes(mr, a, e);
	}
	for (i = 0; i < bd.nalloc; i++)
		(void)tdxc_memregion_claim(mr, run_a(bd.alloc, i) << MR_PAGE_SHIFT,
					   run_n(bd.alloc, i) << MR_PAGE_SHIFT);
	for (i = 0; i < bd.nfreed; i++) {
		uint64_t a = run_a(bd.freed, i) << MR_PAGE_SHIFT, n = run_n(bd.freed, i) << MR_PAGE_SHIFT;
		(void)tdxc_memregion_claim(mr, a, n);
		(void)tdxc_memregion_free(mr, a, n);
	}
	mr->accept_calls = tdxc__le64(b + 48);
	mr->n_reserve = tdxc__le64(b + 56);
	mr->n_release = tdxc__le64(b + 64);
	return 0;
}
