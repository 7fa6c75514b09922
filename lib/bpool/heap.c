/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bget-style boundary-tag heap with a two-level segregated-fit index.
 *
 * Layout of a pool: [blk][blk]...[blk][sentinel]. Each block header is
 * { prevfree, word }; word packs flags, size and a 24-bit check value keyed
 * by the heap secret and the header address. Free blocks also hold the
 * next/prev links of their size-class list. As in TLSF, a block's prevfree
 * word is the last word of the previous block: it only means something when
 * that block is free (F_PREVFREE set), and otherwise belongs to the previous
 * block's user bytes. An allocated block therefore costs 8 bytes: block
 * [b, b + size) gives the user [b + 16, b + size + 8).
 *
 * Rule followed everywhere: every value read from pool memory (a header, a
 * prevfree, a link) is verified before anything is written, so a failing
 * call leaves heap and memory exactly as they were.
 */
#include "bpool_priv.h"

typedef struct bp_heap heap_t;
typedef struct bp_blk blk_t;

static const heap_t heap_template;

#ifndef BP_TOP_CUT
#define BP_TOP_CUT 4096u
#endif /* all zero: empty index, no pools */

/* ------------------------------------------------------------ helpers */

/*
 * 24-bit check of a header: keyed by the heap secret and the header's own
 * address, so a header copied elsewhere or rewritten without the key does
 * not verify. The shift by 24 (low < 2^40: no bit is lost) moves the
 * size bits next to the address bits; the top bits of the product depend
 * on every input bit. Not a MAC (the
 * caller chooses how secret the key is), but any accidental overwrite is
 * caught with probability 1 - 2^-24.
 */
static inline uint64_t chk_of(const heap_t *h, const void *b, uint64_t low)
{
	uint64_t x = (uint64_t)(uintptr_t)b ^ h->secret ^ (low << 24);
	return (x * UINT64_C(0x9e3779b97f4a7c15)) >> BP_CHK_SHIFT;
}

static inline uint64_t mkword(const heap_t *h, const void *b, uint64_t size,
			      uint64_t flags)
{
	uint64_t low = size | flags;
	return low | chk_of(h, b, low) << BP_CHK_SHIFT;
}

static inline bool word_ok(const heap_t *h, const void *b, uint64_t w)
{
	/* chk_of(h, b, w & BP_LOW_MASK), the mask folded into the shift. */
	uint64_t x = (uint64_t)(uintptr_t)b ^ h->secret ^ (w << 24);
	return ((w ^ x * UINT64_C(0x9e3779b97f4a7c15)) >> BP_CHK_SHIFT) == 0;
}

static inline uint64_t wsize(uint64_t w)
{
	return w & BP_SIZE_MASK;
}

static inline void set_hdr(const heap_t *h, blk_t *b, uint64_t size,
			   uint64_t flags)
{
	b->word = mkword(h, b, size, flags);
}

/* A header that is no longer a block start (merged away): a later free of
 * the old pointer verifies and is reported as a double free. */
static inline void kill_hdr(const heap_t *h, blk_t *b)
{
	b->word = mkword(h, b, 0, 0);
}

static inline blk_t *blk_at(uintptr_t a)
{
	return (blk_t *)(void *)a;
}

static inline unsigned fls64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/* Class of a block of this size (size >= 32, multiple of 16). */
static inline void map_insert(uint64_t size, unsigned *fl, unsigned *sl)
{
	if (size < BP_SMALL) {
		*fl = 0;
		*sl = (unsigned)(size >> 4);
	} else {
		unsigned m = fls64(size);
		*fl = m - BP_FL_SHIFT + 1;
		*sl = (unsigned)(size >> (m - BP_SL_LOG2)) ^ BP_SL_COUNT;
	}
}

/* Class to search for a request: rounded up so every block of the class
 * found (or any higher one) fits ("good fit"). false: too large. */
static inline bool map_search(uint64_t size, unsigned *fl, unsigned *sl)
{
	if (size >= BP_SMALL)
		size += (UINT64_C(1) << (fls64(size) - BP_SL_LOG2)) - 1;
	map_insert(size, fl, sl);
	return *fl < BP_FL_COUNT;
}

/* Smallest block size of class (fl, sl). */
static inline uint64_t class_min(unsigned fl, unsigned sl)
{
	if (fl == 0)
		return (uint64_t)sl << 4;
	return (uint64_t)(BP_SL_COUNT | sl) << (fl - 1 + BP_FL_SHIFT - BP_SL_LOG2);
}

static inline const struct bp_pool *pool_of(const heap_t *h, uintptr_t a)
{
	uint32_t i;
	/* Most heaps have one pool: test it without the loop. */
	if (a >= h->pools[0].start && a < h->pools[0].end)
		return &h->pools[0];
	for (i = 1; i < h->npools; i++)
		if (a >= h->pools[i].start && a < h->pools[i].end)
			return &h->pools[i];
	return NULL;
}

/* Could a free block header (32 bytes) live at p? Range and alignment only. */
static inline bool link_ok(const heap_t *h, const blk_t *p)
{
	uintptr_t a = (uintptr_t)p;
	uint32_t i;
	if (a & 15u)
		return false;
	/* Pool 0 in one unsigned compare: lk_span is
	 * end - BP_HDR - BP_MIN - start (0 and lk_lo = 1 while no pool). */
	if (a - h->lk_lo <= h->lk_span)
		return true;
	for (i = 1; i < h->npools; i++)
		if (a >= h->pools[i].start && a + BP_MIN <= h->pools[i].end - BP_HDR)
			return true;
	return false;
}

static __attribute__((cold)) void poison(heap_t *h, const void *at,
					 uint32_t problem)
{
	if (!(h->state & TDXC_BPOOL_STATE_POISONED)) {
		h->state |= TDXC_BPOOL_STATE_POISONED;
		h->bad_addr = (uint64_t)(uintptr_t)at;
		h->bad_problem = problem;
	}
}

static __attribute__((cold, noinline)) void poison_cold(heap_t *h,
							const void *at,
							uint32_t problem)
{
	poison(h, at, problem);
}

/* Inline so the compiler sees the (nonzero) result on the fast paths. */
static inline int corrupt(heap_t *h, const void *at, uint32_t problem)
{
	poison_cold(h, at, problem);
	return TDXC_ECORRUPT;
}

/* Links of free block f (in class fl/sl) are safe to unlink through. */
static inline bool links_ok(const heap_t *h, const blk_t *f, uint64_t size)
{
	const blk_t *n = f->next, *p = f->prev;
	if (n && (!link_ok(h, n) || n->prev != f))
		return false;
	if (p) {
		if (!link_ok(h, p) || p->next != f)
			return false;
	} else {
		/* A list head: its class's head must be f. */
		unsigned fl, sl;
		map_insert(size, &fl, &sl);
		if (h->heads[fl][sl] != f)
			return false;
	}
	return true;
}

/* Counters (free_blocks, free) are the caller's business. */
static inline void list_insert(heap_t *h, blk_t *b, uint64_t size)
{
	unsigned fl, sl;
	blk_t *head;
	map_insert(size, &fl, &sl);
	head = h->heads[fl][sl];
	b->next = head;
	b->prev = NULL;
	if (head)
		head->prev = b;
	h->heads[fl][sl] = b;
	h->fl_map |= 1u << fl;
	h->sl_map[fl] = (uint16_t)(h->sl_map[fl] | (1u << sl));
}

static inline void list_remove(heap_t *h, blk_t *b, uint64_t size)
{
	blk_t *n = b->next, *p = b->prev;
	if (n)
		n->prev = p;
	if (p) {
		p->next = n;
	} else {
		unsigned fl, sl;
		map_insert(size, &fl, &sl);
		h->heads[fl][sl] = n;
		if (!n) {
			h->sl_map[fl] = (uint16_t)(h->sl_map[fl] & ~(1u << sl));
			if (!h->sl_map[fl])
				h->fl_map &= ~(1u << fl);
		}
	}
}

/* A new free block b of this size, with an allocated predecessor.
 * Counters are the caller's business (see make_free()). */
static inline void make_free_nc(heap_t *h, blk_t *b, uint64_t size)
{
	set_hdr(h, b, size, 0);
	list_insert(h, b, size);
}

static inline void make_free(heap_t *h, blk_t *b, uint64_t size)
{
	make_free_nc(h, b, size);
	h->free_blocks++;
	h->free += size;
}

/* ------------------------------------------------- free-block cache */

static inline unsigned cbin(uint64_t size)
{
	return (unsigned)(size >> 4) - 2u;
}

static inline unsigned ccount(const heap_t *h, unsigned k)
{
	return (h->ccnt[k >> 3] >> ((k & 7u) * 4u)) & 15u;
}

static inline void ccount_inc(heap_t *h, unsigned k)
{
	h->ccnt[k >> 3] += 1u << ((k & 7u) * 4u);
}

static inline void ccount_dec(heap_t *h, unsigned k)
{
	h->ccnt[k >> 3] -= 1u << ((k & 7u) * 4u);
}

/* Could a block start at b in pool 0? Range and alignment only. */
static inline bool in_pool0(const heap_t *h, const blk_t *b)
{
	return (uintptr_t)b - h->lk_lo <= h->lk_span && !((uintptr_t)b & 15u);
}

/* The link in a cached block is stored keyed by the heap secret and the
 * block's address, so a stray write of a plausible pointer there (a use
 * after free) does not decode to a block. */
static inline uintptr_t clink_key(const heap_t *h, const blk_t *b)
{
	return (uintptr_t)(h->secret * UINT64_C(0xd6e8feb86659fd93)) ^
	       (uintptr_t)b;
}

static inline blk_t *clink_get(const heap_t *h, const blk_t *b)
{
	return (blk_t *)((uintptr_t)b->next ^ clink_key(h, b));
}

static inline void clink_set(const heap_t *h, blk_t *b, const blk_t *n)
{
	b->next = (blk_t *)((uintptr_t)n ^ clink_key(h, b));
}

/*
 * Verify cached block b, the head of bin k that holds n > 0 blocks: its
 * place, header, state and size, and its link (NULL exactly when it is the
 * last). 0 and *nx = the next block, or the problem found.
 */
static inline uint32_t centry_check(const heap_t *h, const blk_t *b,
				    unsigned k, unsigned n, blk_t **nx)
{
	uint64_t w, size = ((uint64_t)k + 2u) << 4;
	blk_t *x;
	if (!in_pool0(h, b))
		return TDXC_BPOOL_PROBLEM_LINK;
	w = b->word;
	if (!word_ok(h, b, w))
		return TDXC_BPOOL_PROBLEM_CHECK;
	if ((w & (BP_F_ALLOC | BP_F_SENT | BP_F_CACHED)) !=
		    (BP_F_ALLOC | BP_F_CACHED) ||
	    wsize(w) != size)
		return TDXC_BPOOL_PROBLEM_INDEX;
	if ((uintptr_t)b - h->lk_lo + size > h->lk_span + BP_MIN)
		return TDXC_BPOOL_PROBLEM_SIZE;
	x = clink_get(h, b);
	if (n > 1 ? !in_pool0(h, x) : x != NULL)
		return TDXC_BPOOL_PROBLEM_LINK;
	*nx = x;
	return 0;
}

/* Where to report a bad head of bin k: the block, or the table slot when
 * the pointer there does not even lie in pool 0. */
static inline void *centry_at(heap_t *h, blk_t *b, unsigned k)
{
	return in_pool0(h, b) ? (void *)b : (void *)&h->ctab[k];
}

/* The verified head of bin k (n > 0 entries) and its successor, or
 * TDXC_ECORRUPT with the heap poisoned. Reads only. */
static inline int cache_head(heap_t *h, unsigned k, unsigned n, blk_t **cb,
			     blk_t **nx)
{
	uint32_t pr;
	*cb = h->ctab[k];
	pr = centry_check(h, *cb, k, n, nx);
	return pr ? corrupt(h, centry_at(h, *cb, k), pr) : 0;
}

/* Take the head of bin k out of the cache (its successor nx becomes the
 * head); it stops counting as free. The caller says what it becomes. */
static inline void cache_take(heap_t *h, unsigned k, blk_t *nx)
{
	uint64_t size = ((uint64_t)k + 2u) << 4;
	h->ctab[k] = nx;
	ccount_dec(h, k);
	h->cached--;
	h->free -= size;
	h->free_blocks--;
}

int tdxc__bpool_check_ctx(const struct tdxc_bpool *hp)
{
	const heap_t *h = (const heap_t *)(const void *)hp;
	if (!hp || !tdxc__is_aligned(hp, 8) || h->magic != BP_MAGIC ||
	    h->self != h)
		return TDXC_EINVAL;
	return 0;
}

/* Context checks of every mutating call. */
static inline __attribute__((always_inline)) int ctx_rw(struct tdxc_bpool *hp,
							heap_t **out)
{
	heap_t *h = bp_heap_of(hp);
	if (!hp || ((uintptr_t)hp & 7u) || h->magic != BP_MAGIC || h->self != h)
		return TDXC_EINVAL;
	if (h->state & (TDXC_BPOOL_STATE_POISONED | TDXC_BPOOL_STATE_SHUTDOWN))
		return (h->state & TDXC_BPOOL_STATE_POISONED) ? TDXC_ECORRUPT :
								 TDXC_EBUSY;
	*out = h;
	return 0;
}

/* ---------------------------------------------------- init and pools */

int tdxc_bpool_init(struct tdxc_bpool *hp, const struct tdxc_bpool_params *params)
{
	struct tdxc_bpool_params p;
	heap_t *h = bp_heap_of(hp);
	int rc;

	if (!hp || !tdxc__is_aligned(hp, 8))
		return TDXC_EINVAL;
	if (h->magic == BP_MAGIC && h->self == h)
		return TDXC_EBUSY;
	tdxc__memset(&p, 0, sizeof(p));
	if (params) {
		rc = tdxc__copy_in(&p, sizeof(p), params, sizeof(p));
		if (rc)
			return rc;
		rc = tdxc__desc_check(p.reserved, sizeof(p.reserved), p.flags, TDXC_BPOOL_F_ALL);
		if (rc)
			return rc;
	}
	/* Built from the pristine template, never from what was there. */
	tdxc__memcpy(h, &heap_template, sizeof(*h));
	tdxc__memset((uint8_t *)hp + sizeof(*h), 0, sizeof(*hp) - sizeof(*h));
	h->secret = p.secret;
	h->quota = p.quota;
	h->flags = p.flags;
	h->lk_lo = 1; /* matches no aligned address until pool 0 exists */
	h->self = h;
	h->magic = BP_MAGIC;
	return 0;
}

int tdxc_bpool_fini(struct tdxc_bpool *hp)
{
	if (tdxc__bpool_check_ctx(hp))
		return TDXC_EINVAL;
	if (bp_heap_of(hp)->state & TDXC_BPOOL_STATE_MANAGED)
		return TDXC_EPERM;
	tdxc__memset(hp, 0, sizeof(*hp));
	return 0;
}

void tdxc__bpool_drop(struct tdxc_bpool *hp)
{
	tdxc__memset(hp, 0, sizeof(*hp));
}

int tdxc_bpool_add_pool(struct tdxc_bpool *hp, void *mem, size_t len)
{
	return tdxc__bpool_add_pool(hp, mem, len, false);
}

int tdxc__bpool_add_pool(struct tdxc_bpool *hp, void *mem, size_t len,
			 bool registry)
{
	heap_t *h;
	uint64_t end;
	uintptr_t a = (uintptr_t)mem;
	uint32_t i;
	blk_t *b, *s;
	int rc = ctx_rw(hp, &h);

	if (rc)
		return rc;
	if ((h->state & TDXC_BPOOL_STATE_MANAGED) && !registry)
		return TDXC_EPERM;
	if (!mem)
		return TDXC_EINVAL;
	if (tdxc__add_u64(a, len, &end))
		return TDXC_EOVERFLOW;
#if UINTPTR_MAX < UINT64_MAX
	if (end > UINTPTR_MAX)
		return TDXC_EOVERFLOW;
#endif
	if ((a | len) & (TDXC_BPOOL_QUANTUM - 1))
		return TDXC_EALIGN;
	if (len < TDXC_BPOOL_MIN_POOL)
		return TDXC_ESIZE;
	if (len > TDXC_BPOOL_MAX_POOL)
		return TDXC_E2BIG;
	if (tdxc__ranges_overlap(a, end, (uintptr_t)hp, (uintptr_t)hp + sizeof(*hp)))
		return TDXC_EOVERLAP;
	for (i = 0; i < h->npools; i++)
		if (tdxc__ranges_overlap(a, end, h->pools[i].start, h->pools[i].end))
			return TDXC_EOVERLAP;
	if (h->npools >= TDXC_BPOOL_MAX_POOLS)
		return TDXC_ENOSPC;

	h->pools[h->npools].start = a;
	h->pools[h->npools].end = (uintptr_t)end;
	if (h->npools == 0) {
		h->lk_lo = a;
		h->lk_span = (uintptr_t)end - BP_HDR - BP_MIN - a;
	}
	h->npools++;
	b = blk_at(a);
	s = blk_at((uintptr_t)end - BP_HDR);
	if (h->npools == 1 && len >= TDXC_BPOOL_CACHE_MIN_POOL &&
	    !(h->flags & TDXC_BPOOL_F_NO_CACHE)) {
		/* The cache table: an allocated block of its own, first in
		 * pool 0, so walks and neighbours treat it like any other. */
		tdxc__memset((uint8_t *)b + BP_HDR, 0, BP_CTAB - BP_HDR);
		set_hdr(h, b, BP_CTAB, BP_F_ALLOC | BP_F_SENT | BP_F_CACHED);
		h->ctab = (blk_t **)(void *)((uint8_t *)b + BP_HDR);
		h->used += BP_CTAB;
		h->peak_used = h->used;
		len -= BP_CTAB;
		b = blk_at(a + BP_CTAB);
		h->total += BP_CTAB;
	}
	make_free(h, b, len - BP_HDR);
	s->prevfree = len - BP_HDR;
	set_hdr(h, s, 0, BP_F_ALLOC | BP_F_SENT | BP_F_PREVFREE);
	h->total += len;
	return 0;
}

/* --------------------------------------------------------- allocation */

/* Block size for a request; false when out of range. */
static inline bool req_size(size_t size, uint64_t *need)
{
	uint64_t n;
	if (size == 0 || size > TDXC_BPOOL_MAX_ALLOC)
		return false;
	n = ((uint64_t)size + BP_OVERHEAD + 15u) & ~UINT64_C(15);
	*need = n < BP_MIN ? BP_MIN : n;
	return true;
}

static inline void count_alloc(heap_t *h, uint64_t size)
{
	h->used += size;
	h->live++;
	h->nget++;
	if (h->used > h->peak_used)
		h->peak_used = h->used;
}

/*
 * Take a free block of at least `search` bytes out of the index, verifying
 * it, its list successor and its physical successor first. On success *g is
 * the block after it (its F_PREVFREE still set) and *fsz its size; the
 * counters free and free_blocks are the caller's to update.
 */
static inline int take_block(heap_t *h, uint64_t search, bool small,
			     blk_t **out, blk_t **gout, uint64_t *fsz)
{
	unsigned fl, sl;
	uint32_t slm, flm;
	blk_t *f, *n, *g;
	uint64_t w, fsize, gw;
	uintptr_t off;
	bool in0;

	map_insert(search, &fl, &sl);
	if (small && search < BP_SMALL) {
		/* Small: an exact-size block, else the bottom of the largest
		 * block, so small blocks never splinter mid-size holes. */
		if (!(h->sl_map[0] & (1u << sl))) {
			if (!h->fl_map)
				return TDXC_ENOMEM;
			fl = fls64(h->fl_map);
			sl = fls64(h->sl_map[fl]);
			if (class_min(fl, sl) < search)
				return TDXC_ENOMEM;
		}
		f = h->heads[fl][sl];
		goto found;
	}
	if (!map_search(search, &fl, &sl))
		return TDXC_ENOMEM;
	slm = h->sl_map[fl] & (~0u << sl);
	if (!slm) {
		flm = fl + 1 < 32 ? h->fl_map & (~0u << (fl + 1)) : 0;
		if (!flm)
			return TDXC_ENOMEM;
		fl = (unsigned)__builtin_ctz(flm);
		slm = h->sl_map[fl];
	}
	sl = (unsigned)__builtin_ctz(slm);
	f = h->heads[fl][sl];
found:

	/* f came from the control block, but its header is pool memory.
	 * Pool 0 (the usual case) is tested in one compare, as in link_ok(). */
	off = (uintptr_t)f - h->lk_lo;
	in0 = off <= h->lk_span && !((uintptr_t)f & 15u);
	if (!f || (!in0 && !link_ok(h, f)))
		return corrupt(h, f, TDXC_BPOOL_PROBLEM_INDEX);
	w = f->word;
	if (!word_ok(h, f, w))
		return corrupt(h, f, TDXC_BPOOL_PROBLEM_CHECK);
	fsize = wsize(w);
	/* The size is covered by the check value; fitting is what matters
	 * here (a block on the wrong list fails the link checks). */
	if ((w & BP_FLAGS_MASK) != 0 || fsize < search)
		return corrupt(h, f, TDXC_BPOOL_PROBLEM_INDEX);
	/* In pool 0, end - BP_HDR == lk_lo + lk_span + BP_MIN. */
	if (in0 ? off + fsize > h->lk_span + BP_MIN :
		  (uintptr_t)f + fsize > pool_of(h, (uintptr_t)f)->end - BP_HDR)
		return corrupt(h, f, TDXC_BPOOL_PROBLEM_SIZE);
	n = f->next;
	if (f->prev || (n && (!link_ok(h, n) || n->prev != f)))
		return corrupt(h, f, TDXC_BPOOL_PROBLEM_LINK);
	g = blk_at((uintptr_t)f + fsize);
	gw = g->word;
	if (!word_ok(h, g, gw))
		return corrupt(h, g, TDXC_BPOOL_PROBLEM_CHECK);
	if (!(gw & BP_F_PREVFREE) || g->prevfree != fsize)
		return corrupt(h, g, TDXC_BPOOL_PROBLEM_PREVFREE);

	h->heads[fl][sl] = n;
	if (n) {
		n->prev = NULL;
	} else {
		h->sl_map[fl] = (uint16_t)(h->sl_map[fl] & ~(1u << sl));
		if (!h->sl_map[fl])
			h->fl_map &= ~(1u << fl);
	}
	*out = f;
	*gout = g;
	*fsz = fsize;
	return 0;
}

/* g's prevfree/flag for a predecessor that is now free (prevfree != 0) or
 * allocated (0: the prevfree word is then the predecessor's, untouched). */
static inline void set_prev(const heap_t *h, blk_t *g, uint64_t prevfree)
{
	uint64_t gw = g->word;
	uint64_t fl = gw & BP_FLAGS_MASK & ~(uint64_t)BP_F_PREVFREE;
	if (prevfree) {
		g->prevfree = prevfree;
		if (gw & BP_F_PREVFREE)
			return; /* flag already right: the word stays valid */
	} else if (!(gw & BP_F_PREVFREE)) {
		return;
	}
	set_hdr(h, g, wsize(gw), fl | (prevfree ? BP_F_PREVFREE : 0));
}

static int cache_flush(heap_t *h);

static int alloc_index(heap_t *h, uint64_t need, size_t align, void **out);

/* Arguments, quota, then a pop from the cache; the index search lives in
 * its own function so this path stays short. */
int tdxc_bpool_alloc(struct tdxc_bpool *hp, size_t size, size_t align, void **out)
{
	heap_t *h;
	uint64_t need;
	int rc = ctx_rw(hp, &h);

	if (rc)
		return rc;
	if (!out || !req_size(size, &need) || align == 0 || (align & (align - 1)) ||
	    align > TDXC_BPOOL_MAX_ALIGN)
		return TDXC_EINVAL;
	if (h->quota && h->used + need > h->quota) {
		h->nfail++;
		return TDXC_ENOMEM;
	}
	if (align <= TDXC_BPOOL_QUANTUM && need <= BP_CMAX && h->ctab) {
		unsigned k = cbin(need), n = ccount(h, k);
		if (n) {
			blk_t *cb, *nx = NULL;
			rc = cache_head(h, k, n, &cb, &nx);
			if (rc)
				return rc;
			cache_take(h, k, nx);
			cb->word = mkword(h, cb, need,
					  cb->word & BP_FLAGS_MASK &
						  ~(uint64_t)BP_F_CACHED);
			count_alloc(h, need);
			*out = (uint8_t *)cb + BP_HDR;
			return 0;
		}
	}
	return alloc_index(h, need, align, out);
}

static __attribute__((noinline)) int alloc_index(heap_t *h, uint64_t need,
						 size_t align, void **out)
{
	uint64_t search, fsize, rem, gap = 0;
	blk_t *f = NULL, *g = NULL, *b;
	int rc;

	search = align <= TDXC_BPOOL_QUANTUM ? need : need + align + BP_MIN;
	rc = take_block(h, search, align <= TDXC_BPOOL_QUANTUM, &f, &g, &fsize);
	if (rc == TDXC_ENOMEM && h->cached) {
		/* Nothing fits in the index: give it the cached blocks back
		 * and look once more. */
		rc = cache_flush(h);
		if (!rc)
			rc = take_block(h, search, align <= TDXC_BPOOL_QUANTUM,
					&f, &g, &fsize);
	}
	if (rc) {
		if (rc == TDXC_ENOMEM)
			h->nfail++;
		return rc;
	}
	h->free_blocks--;
	h->free -= fsize;
	b = f;
	if (align > TDXC_BPOOL_QUANTUM) {
		uintptr_t p = ((uintptr_t)f + BP_HDR + align - 1) & ~(uintptr_t)(align - 1);
		gap = p - BP_HDR - (uintptr_t)f;
		if (gap && gap < BP_MIN)
			gap += align;
		if (gap) {
			/* The front slack becomes a free block of its own. */
			make_free(h, f, gap);
			b = blk_at((uintptr_t)f + gap);
			b->prevfree = gap;
			fsize -= gap;
		}
	}
	rem = fsize - need;
	if (align <= TDXC_BPOOL_QUANTUM && need >= BP_TOP_CUT && rem >= BP_MIN) {
		/* Large blocks are cut from the top, small ones from the
		 * bottom: short-lived large blocks then churn at one end of
		 * a free region and long-lived small ones pack at the other,
		 * which keeps large holes whole far longer. */
		make_free(h, f, rem);
		b = blk_at((uintptr_t)f + rem);
		b->prevfree = rem;
		set_hdr(h, b, need, BP_F_ALLOC | BP_F_PREVFREE);
		set_prev(h, g, 0);
		count_alloc(h, need);
		*out = (uint8_t *)b + BP_HDR;
		return 0;
	}
	if (rem >= BP_MIN) {
		/* The tail stays free: one block out, one in, free -= need. */
		blk_t *t = blk_at((uintptr_t)b + need);
		make_free_nc(h, t, rem);
		h->free_blocks++;
		h->free += rem;
		g->prevfree = rem; /* g keeps F_PREVFREE: its word stays valid */
	} else {
		need = fsize;
		set_prev(h, g, 0);
	}
	set_hdr(h, b, need, BP_F_ALLOC | (gap ? BP_F_PREVFREE : 0));
	count_alloc(h, need);
	*out = (uint8_t *)b + BP_HDR;
	return 0;
}

int tdxc_bpool_calloc(struct tdxc_bpool *hp, size_t size, void **out)
{
	void *p;
	int rc;
	if (!out)
		return TDXC_EINVAL;
	rc = tdxc_bpool_alloc(hp, size, TDXC_BPOOL_QUANTUM, &p);
	if (rc)
		return rc;
	tdxc__memset(p, 0, size);
	*out = p;
	return 0;
}

/* ---------------------------------------------------- inspect a block */

struct bctx {
	const struct bp_pool *pool;
	blk_t *b;
	uint64_t size;
	uint64_t flags;
	blk_t *g;	/* physical successor */
	uint64_t gsize;
	bool gfree;
	blk_t *p;	/* free predecessor or NULL */
	uint64_t psize;
};

/*
 * A pointer whose header does not verify: walk its pool from the start to
 * tell an interior pointer (EINTERIOR) from a damaged header (ECORRUPT).
 * Error path only; bounded by the pool size.
 */
static __attribute__((cold, noinline)) int classify(heap_t *h,
						     const struct bp_pool *pl,
						     uintptr_t b)
{
	uintptr_t cur = pl->start, sent = pl->end - BP_HDR;
	while (cur < sent) {
		uint64_t w = blk_at(cur)->word, sz;
		if (!word_ok(h, blk_at(cur), w))
			return corrupt(h, blk_at(cur), TDXC_BPOOL_PROBLEM_CHECK);
		sz = wsize(w);
		if (sz < BP_MIN || sz > sent - cur)
			return corrupt(h, blk_at(cur), TDXC_BPOOL_PROBLEM_SIZE);
		if (b > cur && b < cur + sz)
			return TDXC_EINTERIOR;
		cur += sz;
	}
	return corrupt(h, blk_at(b), TDXC_BPOOL_PROBLEM_SIZE);
}

/* Verify an allocated block and its neighbours. Writes nothing unless it
 * finds corruption (then it only poisons the context). */
static inline __attribute__((always_inline)) int
inspect(heap_t *h, const void *ptr, struct bctx *c, bool cached)
{
	uintptr_t a = (uintptr_t)ptr, ba;
	const struct bp_pool *pl;
	blk_t *b, *g;
	uint64_t w, size, gw;

	if (!ptr)
		return TDXC_EINVAL;
	pl = pool_of(h, a);
	if (!pl)
		return TDXC_EFOREIGN;
	if (a & 15u)
		return TDXC_EALIGN;
	if (a < pl->start + BP_HDR || a >= pl->end - BP_HDR)
		return TDXC_EINTERIOR;
	ba = a - BP_HDR;
	b = blk_at(ba);
	w = b->word;
	if (!word_ok(h, b, w)) {
		int rc = classify(h, pl, ba);
		return rc ? rc : TDXC_ECORRUPT; /* always nonzero */
	}
	if (!(w & BP_F_ALLOC))
		return TDXC_EDOUBLEFREE;
	if (w & BP_F_CACHED) {
		/* The cache table (with F_SENT) was never handed out. */
		if (w & BP_F_SENT)
			return cached ? corrupt(h, b, TDXC_BPOOL_PROBLEM_INDEX) :
					TDXC_EFOREIGN;
		if (!cached)
			return TDXC_EDOUBLEFREE;
	} else if (cached) {
		return corrupt(h, b, TDXC_BPOOL_PROBLEM_INDEX);
	}
	size = wsize(w);
	if ((w & BP_F_SENT) || size < BP_MIN || size > pl->end - BP_HDR - ba)
		return corrupt(h, b, TDXC_BPOOL_PROBLEM_SIZE);
	g = blk_at(ba + size);
	gw = g->word;
	if (!word_ok(h, g, gw))
		return corrupt(h, g, TDXC_BPOOL_PROBLEM_CHECK);
	if (gw & BP_F_PREVFREE)
		return corrupt(h, g, TDXC_BPOOL_PROBLEM_PREVFREE);
	c->pool = pl;
	c->b = b;
	c->size = size;
	c->flags = w & BP_FLAGS_MASK;
	c->g = g;
	c->gfree = !(gw & BP_F_ALLOC);
	c->gsize = wsize(gw);
	c->p = NULL;
	c->psize = 0;
	if (c->gfree) {
		blk_t *gg;
		if (c->gsize < BP_MIN || c->gsize > pl->end - BP_HDR - (uintptr_t)g)
			return corrupt(h, g, TDXC_BPOOL_PROBLEM_SIZE);
		if (gw & BP_FLAGS_MASK)
			return corrupt(h, g, TDXC_BPOOL_PROBLEM_CHECK);
		gg = blk_at((uintptr_t)g + c->gsize);
		if (!word_ok(h, gg, gg->word))
			return corrupt(h, gg, TDXC_BPOOL_PROBLEM_CHECK);
		if (!(gg->word & BP_F_PREVFREE) || gg->prevfree != c->gsize ||
		    !(gg->word & BP_F_ALLOC))
			return corrupt(h, gg, TDXC_BPOOL_PROBLEM_PREVFREE);
		if (!links_ok(h, g, c->gsize))
			return corrupt(h, g, TDXC_BPOOL_PROBLEM_LINK);
	}
	if (w & BP_F_PREVFREE) {
		uint64_t pf = b->prevfree, pw;
		blk_t *p;
		if (pf < BP_MIN || (pf & 15u) || pf > ba - pl->start)
			return corrupt(h, b, TDXC_BPOOL_PROBLEM_PREVFREE);
		p = blk_at(ba - pf);
		pw = p->word;
		if (!word_ok(h, p, pw))
			return corrupt(h, p, TDXC_BPOOL_PROBLEM_CHECK);
		if ((pw & BP_FLAGS_MASK) || wsize(pw) != pf)
			return corrupt(h, p, TDXC_BPOOL_PROBLEM_PREVFREE);
		if (!links_ok(h, p, pf))
			return corrupt(h, p, TDXC_BPOOL_PROBLEM_LINK);
		c->p = p;
		c->psize = pf;
	}
	return 0;
}

static inline void unlink_free(heap_t *h, blk_t *b, uint64_t size)
{
	list_remove(h, b, size);
	h->free_blocks--;
	h->free -= size;
}

/* Release an inspected block: coalesce with both neighbours. */
static inline __attribute__((always_inline)) void
release(heap_t *h, const struct bctx *c)
{
	blk_t *start = c->b, *after;
	uint64_t total = c->size;

	if (h->flags & TDXC_BPOOL_F_ZERO_ON_FREE)
		tdxc__memset((uint8_t *)c->b + BP_HDR, 0, c->size - BP_OVERHEAD);
	/* Net effect on the counters: the block's bytes move from used to
	 * free; the free-block count gains one and loses each merged
	 * neighbour. */
	h->used -= c->size;
	h->live--;
	h->nrel++;
	h->free += c->size;
	h->free_blocks += 1u - (uint64_t)c->gfree - (uint64_t)(c->p != NULL);
	if (c->gfree) {
		/* g's header stays as it is: a free header, so a stale free of
		 * it is still reported as a double free. */
		list_remove(h, c->g, c->gsize);
		total += c->gsize;
	}
	if (c->p) {
		list_remove(h, c->p, c->psize);
		total += c->psize;
		kill_hdr(h, c->b);
		start = c->p;
	}
	make_free_nc(h, start, total);
	after = blk_at((uintptr_t)start + total);
	set_prev(h, after, total);
}

/*
 * Free the block at user address a into the cache if it can go there: in
 * pool 0, allocated, of a cached size with room in its bin, its successor
 * intact and not claiming a free predecessor. Only those two headers are
 * read; no list and no neighbour changes. false: nothing was written, take
 * the full path (which also reports whatever stopped this one).
 */
static inline __attribute__((always_inline)) bool cache_free(heap_t *h,
							     uintptr_t a)
{
	uintptr_t off = a - BP_HDR - h->lk_lo;
	uint64_t w, gw, sz;
	blk_t *b, *g;
	unsigned k;

	if (!h->ctab || (a & 15u) || off > h->lk_span)
		return false;
	b = blk_at(a - BP_HDR);
	w = b->word;
	sz = wsize(w);
	if (!word_ok(h, b, w) ||
	    (w & (BP_F_ALLOC | BP_F_SENT | BP_F_CACHED)) != BP_F_ALLOC ||
	    sz - BP_MIN > BP_CMAX - BP_MIN || off + sz > h->lk_span + BP_MIN)
		return false;
	k = cbin(sz);
	if (ccount(h, k) >= BP_CCAP)
		return false;
	g = blk_at(a - BP_HDR + sz);
	gw = g->word;
	if (!word_ok(h, g, gw) || (gw & BP_F_PREVFREE))
		return false;
	if (h->flags & TDXC_BPOOL_F_ZERO_ON_FREE)
		tdxc__memset((uint8_t *)b + BP_HDR, 0, sz - BP_OVERHEAD);
	clink_set(h, b, h->ctab[k]);
	h->ctab[k] = b;
	ccount_inc(h, k);
	h->cached++;
	b->word = mkword(h, b, sz, (w & BP_FLAGS_MASK) | BP_F_CACHED);
	h->used -= sz;
	h->live--;
	h->nrel++;
	h->free += sz;
	h->free_blocks++;
	return true;
}

/*
 * Return every cached block to the index, coalescing each as a free would.
 * Each step verifies before it writes; a damaged entry stops the flush
 * with the heap poisoned (the blocks moved so far stay moved, consistently).
 */
static __attribute__((noinline)) int cache_flush(heap_t *h)
{
	unsigned k;
	for (k = 0; k < BP_CBINS; k++) {
		unsigned n;
		while ((n = ccount(h, k)) != 0) {
			blk_t *cb, *nx = NULL;
			struct bctx c;
			int rc = cache_head(h, k, n, &cb, &nx);
			if (rc)
				return rc;
			rc = inspect(h, (uint8_t *)cb + BP_HDR, &c, true);
			if (rc)
				return rc == TDXC_ECORRUPT ?
					       rc :
					       corrupt(h, cb, TDXC_BPOOL_PROBLEM_INDEX);
			/* Back to an allocated block, then released. */
			cache_take(h, k, nx);
			h->used += c.size;
			h->live++;
			h->nrel--;
			release(h, &c);
		}
	}
	return 0;
}

static __attribute__((noinline)) int free_index(heap_t *h, void *ptr)
{
	struct bctx c;
	int rc = inspect(h, ptr, &c, false);
	if (rc)
		return rc;
	release(h, &c);
	return 0;
}

int tdxc_bpool_free(struct tdxc_bpool *hp, void *ptr)
{
	heap_t *h;
	int rc = ctx_rw(hp, &h);
	if (rc)
		return rc;
	if (cache_free(h, (uintptr_t)ptr))
		return 0;
	return free_index(h, ptr);
}

int tdxc_bpool_usable_size(struct tdxc_bpool *hp, const void *ptr, size_t *out)
{
	heap_t *h;
	struct bctx c;
	int rc;
	if (tdxc__bpool_check_ctx(hp))
		return TDXC_EINVAL;
	h = bp_heap_of(hp);
	if (h->state & TDXC_BPOOL_STATE_POISONED)
		return TDXC_ECORRUPT;
	if (!out)
		return TDXC_EINVAL;
	rc = inspect(h, ptr, &c, false);
	if (rc)
		return rc;
	*out = (size_t)(c.size - BP_OVERHEAD);
	return 0;
}

int tdxc_bpool_realloc(struct tdxc_bpool *hp, void *ptr, size_t size, void **out)
{
	heap_t *h;
	struct bctx c;
	uint64_t need;
	void *np;
	int rc = ctx_rw(hp, &h);

	if (rc)
		return rc;
	if (!out)
		return TDXC_EINVAL;
	if (!ptr)
		return tdxc_bpool_alloc(hp, size, TDXC_BPOOL_QUANTUM, out);
	rc = inspect(h, ptr, &c, false);
	if (rc)
		return rc;
	if (!req_size(size, &need))
		return TDXC_EINVAL;

	if (need <= c.size || (c.gfree && need <= c.size + c.gsize)) {
		/* In place: shrink, or grow into the free block above. */
		uint64_t have = c.size, rem;
		blk_t *after = c.g;
		if (need > c.size) {
			if (h->quota && h->used + (need - c.size) > h->quota) {
				h->nfail++;
				return TDXC_ENOMEM;
			}
			unlink_free(h, c.g, c.gsize);
			have += c.gsize;
			after = blk_at((uintptr_t)c.b + have);
		} else if (need < c.size && (h->flags & TDXC_BPOOL_F_ZERO_ON_FREE)) {
			tdxc__memset((uint8_t *)c.b + need + BP_OVERHEAD, 0,
				     c.size - need);
		}
		if (need < c.size && c.gfree) {
			/* Shrink next to a free block: the tail joins it. */
			unlink_free(h, c.g, c.gsize);
			have += c.gsize;
			after = blk_at((uintptr_t)c.b + have);
		}
		rem = have - need;
		if (rem >= BP_MIN) {
			blk_t *t = blk_at((uintptr_t)c.b + need);
			make_free(h, t, rem);
			set_prev(h, after, rem);
		} else {
			need = have;
			set_prev(h, after, 0);
		}
		set_hdr(h, c.b, need, c.flags);
		h->used = h->used - c.size + need;
		if (h->used > h->peak_used)
			h->peak_used = h->used;
		*out = ptr;
		return 0;
	}

	rc = tdxc_bpool_alloc(hp, size, TDXC_BPOOL_QUANTUM, &np);
	if (rc)
		return rc;
	tdxc__memcpy(np, ptr, (size_t)(c.size - BP_OVERHEAD));
	if (cache_free(h, (uintptr_t)ptr)) {
		*out = np;
		return 0;
	}
	/* The allocation may have taken the free predecessor: look again. */
	rc = inspect(h, ptr, &c, false);
	if (rc)
		return rc;
	release(h, &c); /* as bgetr(): one get and one release */
	*out = np;
	return 0;
}

/* ----------------------------------------------------------- queries */

int tdxc_bpool_owns(const struct tdxc_bpool *hp, const void *ptr)
{
	if (tdxc__bpool_check_ctx(hp))
		return TDXC_EINVAL;
	return pool_of((const heap_t *)(const void *)hp, (uintptr_t)ptr) != NULL;
}

static uint64_t alloc_max(const heap_t *h)
{
	unsigned fl, sl;
	uint64_t m;
	if (!h->fl_map)
		return 0;
	fl = fls64(h->fl_map);
	sl = fls64(h->sl_map[fl]);
	m = class_min(fl, sl);
	/* A request of need == m searches class (fl, sl) only when m is
	 * exactly a class start, which it is; then any block there fits. */
	return m > BP_OVERHEAD ? m - BP_OVERHEAD : 0;
}

int tdxc_bpool_stats(const struct tdxc_bpool *hp, struct tdxc_bpool_stats *st)
{
	const heap_t *h = (const heap_t *)(const void *)hp;
	if (tdxc__bpool_check_ctx(hp) || !st)
		return TDXC_EINVAL;
	tdxc__memset(st, 0, sizeof(*st));
	st->total = h->total;
	st->used = h->used;
	st->free = h->free;
	st->alloc_max = alloc_max(h);
	st->live = h->live;
	st->free_blocks = h->free_blocks;
	st->nget = h->nget;
	st->nrel = h->nrel;
	st->nfail = h->nfail;
	st->peak_used = h->peak_used;
	st->npools = h->npools;
	st->state = h->state;
	return 0;
}

/* ------------------------------------------------------------ validate */

static int bad(heap_t *h, struct tdxc_bpool_check *o, const void *at,
	       uint32_t problem, uint32_t pool)
{
	o->bad_addr = (uint64_t)(uintptr_t)at;
	o->problem = problem;
	o->pool = pool;
	poison(h, at, problem);
	return TDXC_ECORRUPT;
}

static int walk_pool(heap_t *h, uint32_t pi, struct tdxc_bpool_check *o,
		     uint64_t *ncached)
{
	const struct bp_pool *pl = &h->pools[pi];
	uintptr_t cur = pl->start, sent = pl->end - BP_HDR;
	bool prev_free = false;
	uint64_t prev_size = 0, w;
	blk_t *b;

	while (cur < sent) {
		uint64_t sz;
		b = blk_at(cur);
		w = b->word;
		if (!word_ok(h, b, w))
			return bad(h, o, b, TDXC_BPOOL_PROBLEM_CHECK, pi);
		sz = wsize(w);
		if (sz < BP_MIN || sz > sent - cur)
			return bad(h, o, b, TDXC_BPOOL_PROBLEM_SIZE, pi);
		/* F_SENT before the pool end: only the cache table, which is
		 * the first block of pool 0. */
		if ((w & BP_F_SENT) &&
		    ((w & ~(uint64_t)BP_F_PREVFREE & BP_FLAGS_MASK) !=
			     (BP_F_ALLOC | BP_F_SENT | BP_F_CACHED) ||
		     pi != 0 || cur != pl->start || sz != BP_CTAB ||
		     (uintptr_t)h->ctab != cur + BP_HDR))
			return bad(h, o, b, TDXC_BPOOL_PROBLEM_SIZE, pi);
		if (!!(w & BP_F_PREVFREE) != prev_free ||
		    (prev_free && b->prevfree != prev_size))
			return bad(h, o, b, TDXC_BPOOL_PROBLEM_PREVFREE, pi);
		if ((w & (BP_F_ALLOC | BP_F_SENT | BP_F_CACHED)) == BP_F_ALLOC) {
			o->used_blocks++;
			o->used_bytes += sz;
			prev_free = false;
		} else if (w & BP_F_SENT) {
			o->used_bytes += sz; /* the cache table */
			prev_free = false;
		} else if (w & BP_F_CACHED) {
			if (!(w & BP_F_ALLOC))
				return bad(h, o, b, TDXC_BPOOL_PROBLEM_CHECK, pi);
			if (!h->ctab || sz > BP_CMAX || pi != 0)
				return bad(h, o, b, TDXC_BPOOL_PROBLEM_INDEX, pi);
			/* Free for the counters, allocated for its neighbours. */
			(*ncached)++;
			o->free_blocks++;
			o->free_bytes += sz;
			if (sz > o->largest_free)
				o->largest_free = sz;
			prev_free = false;
		} else {
			unsigned fl, sl;
			if (prev_free)
				return bad(h, o, b, TDXC_BPOOL_PROBLEM_ADJACENT, pi);
			map_insert(sz, &fl, &sl);
			if (!links_ok(h, b, sz))
				return bad(h, o, b, TDXC_BPOOL_PROBLEM_LINK, pi);
			if (!(h->sl_map[fl] & (1u << sl)))
				return bad(h, o, b, TDXC_BPOOL_PROBLEM_INDEX, pi);
			o->free_blocks++;
			o->free_bytes += sz;
			if (sz > o->largest_free)
				o->largest_free = sz;
			prev_free = true;
		}
		prev_size = sz;
		cur += sz;
	}
	b = blk_at(sent);
	w = b->word;
	if (cur != sent || !word_ok(h, b, w) ||
	    (w & BP_LOW_MASK) !=
		    (BP_F_ALLOC | BP_F_SENT | (prev_free ? BP_F_PREVFREE : 0)) ||
	    (prev_free && b->prevfree != prev_size))
		return bad(h, o, b, TDXC_BPOOL_PROBLEM_SENTINEL, pi);
	return 0;
}

int tdxc_bpool_validate(struct tdxc_bpool *hp, struct tdxc_bpool_check *out)
{
	struct tdxc_bpool_check o;
	heap_t *h = bp_heap_of(hp);
	uint64_t listed = 0, walked_cached = 0, listed_cached = 0;
	unsigned fl, sl, k;
	uint32_t i;
	int rc = 0;

	if (tdxc__bpool_check_ctx(hp))
		return TDXC_EINVAL;
	tdxc__memset(&o, 0, sizeof(o));
	if (h->state & TDXC_BPOOL_STATE_POISONED) {
		o.bad_addr = h->bad_addr;
		o.problem = TDXC_BPOOL_PROBLEM_POISONED;
		rc = TDXC_ECORRUPT;
		goto done;
	}
	for (i = 0; i < h->npools && !rc; i++)
		rc = walk_pool(h, i, &o, &walked_cached);
	if (!rc && h->ctab &&
	    (!h->npools || (uintptr_t)h->ctab != h->pools[0].start + BP_HDR))
		rc = bad(h, &o, h->ctab, TDXC_BPOOL_PROBLEM_INDEX, 0);
	if (rc)
		goto done;
	/* Every list: members free, in the right class, bitmaps agree, and
	 * no more members than free blocks found (catches cycles). */
	for (fl = 0; fl < BP_FL_COUNT && !rc; fl++) {
		if (!!(h->fl_map & (1u << fl)) != !!h->sl_map[fl]) {
			rc = bad(h, &o, &h->sl_map[fl], TDXC_BPOOL_PROBLEM_INDEX, 0);
			break;
		}
		for (sl = 0; sl < BP_SL_COUNT; sl++) {
			blk_t *b = h->heads[fl][sl];
			if (!!(h->sl_map[fl] & (1u << sl)) != (b != NULL)) {
				rc = bad(h, &o, &h->heads[fl][sl],
					 TDXC_BPOOL_PROBLEM_INDEX, 0);
				break;
			}
			for (; b; b = b->next) {
				unsigned f2, s2;
				uint64_t w;
				if (!link_ok(h, b) || ++listed > o.free_blocks) {
					rc = bad(h, &o, b, TDXC_BPOOL_PROBLEM_LINK, 0);
					break;
				}
				w = b->word;
				if (!word_ok(h, b, w) || (w & BP_FLAGS_MASK)) {
					rc = bad(h, &o, b, TDXC_BPOOL_PROBLEM_CHECK, 0);
					break;
				}
				map_insert(wsize(w), &f2, &s2);
				if (f2 != fl || s2 != sl) {
					rc = bad(h, &o, b, TDXC_BPOOL_PROBLEM_INDEX, 0);
					break;
				}
			}
			if (rc)
				break;
		}
	}
	/* Every cache bin: as many verified entries as its count, of its
	 * size, the last link NULL (so no cycle and no stray entry). */
	for (k = 0; k < BP_CBINS && !rc; k++) {
		unsigned n = ccount(h, k);
		blk_t *b;
		if (!h->ctab) {
			if (n)
				rc = bad(h, &o, &h->ccnt[k >> 3],
					 TDXC_BPOOL_PROBLEM_INDEX, 0);
			continue;
		}
		b = h->ctab[k];
		if (!n && b) {
			rc = bad(h, &o, &h->ctab[k], TDXC_BPOOL_PROBLEM_LINK, 0);
			break;
		}
		for (; n && !rc; n--) {
			blk_t *nx = NULL;
			uint32_t pr = centry_check(h, b, k, n, &nx);
			if (pr) /* only a head can lie outside pool 0 */
				rc = bad(h, &o, centry_at(h, b, k), pr, 0);
			listed_cached++;
			b = nx;
		}
	}
	if (!rc && (listed_cached != walked_cached || listed_cached != h->cached))
		rc = bad(h, &o, h, TDXC_BPOOL_PROBLEM_COUNTS, 0);
	if (!rc && (listed + listed_cached != o.free_blocks ||
		    o.free_blocks != h->free_blocks ||
		    o.used_blocks != h->live || o.used_bytes != h->used ||
		    o.free_bytes != h->free ||
		    h->used + h->free + BP_HDR * (uint64_t)h->npools != h->total))
		rc = bad(h, &o, h, TDXC_BPOOL_PROBLEM_COUNTS, 0);
done:
	if (out)
		*out = o;
	return rc;
}

/* ---------------------------------------------------------------- bget */

void *tdxc_bpool_bget(struct tdxc_bpool *hp, size_t size)
{
	void *p;
	return tdxc_bpool_alloc(hp, size, TDXC_BPOOL_QUANTUM, &p) ? NULL : p;
}

void *tdxc_bpool_bgetz(struct tdxc_bpool *hp, size_t size)
{
	void *p;
	return tdxc_bpool_calloc(hp, size, &p) ? NULL : p;
}

void *tdxc_bpool_bgetr(struct tdxc_bpool *hp, void *buf, size_t size)
{
	void *p;
	return tdxc_bpool_realloc(hp, buf, size, &p) ? NULL : p;
}

int tdxc_bpool_brel(struct tdxc_bpool *hp, void *buf)
{
	return tdxc_bpool_free(hp, buf);
}

int tdxc_bpool_bstats(const struct tdxc_bpool *hp, uint64_t *curalloc,
		      uint64_t *totfree, uint64_t *maxfree, uint64_t *nget,
		      uint64_t *nrel)
{
	struct tdxc_bpool_stats st;
	int rc = tdxc_bpool_stats(hp, &st);
	if (rc)
		return rc;
	if (curalloc)
		*curalloc = st.used;
	if (totfree)
		*totfree = st.free;
	if (maxfree)
		*maxfree = st.alloc_max;
	if (nget)
		*nget = st.nget;
	if (nrel)
		*nrel = st.nrel;
	return 0;
}

/* ------------------------------------------------ registry internals */

void tdxc__bpool_set_state(struct tdxc_bpool *hp, uint32_t bits, bool on)
{
	heap_t *h = bp_heap_of(hp);
	if (on)
		h->state |= bits;
	else
		h->state &= ~bits;
}

void tdxc__bpool_wipe_pools(struct tdxc_bpool *hp)
{
	heap_t *h = bp_heap_of(hp);
	uint32_t i;
	for (i = 0; i < h->npools; i++)
		tdxc__memset((void *)h->pools[i].start, 0,
			     h->pools[i].end - h->pools[i].start);
}

uint32_t tdxc__bpool_pools(const struct tdxc_bpool *hp, struct bp_pool *out)
{
	const heap_t *h = (const heap_t *)(const void *)hp;
	uint32_t i;
	for (i = 0; i < h->npools && out; i++)
		out[i] = h->pools[i];
	return h->npools;
}

uint64_t tdxc__bpool_hdr_word(const struct tdxc_bpool *hp, const void *blk,
			      uint64_t low)
{
	return mkword((const heap_t *)(const void *)hp, blk, low & BP_SIZE_MASK,
		      low & BP_FLAGS_MASK);
}
