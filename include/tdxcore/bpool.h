/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file bpool.h
 * @brief bget-compatible heap over caller memory with O(1) allocation and
 *        free, misuse and corruption detection, and a per-guest pool
 *        registry.
 *
 * **Heap.** A heap (struct tdxc_bpool) manages one or more caller-provided
 * regions ("pools") with bget's boundary tags: every block starts with a
 * 16-byte header (the size of a free predecessor, then the block's own size
 * and state), pools end in an allocated sentinel header, two free blocks are
 * never adjacent and pools are never merged with each other. Free blocks are
 * indexed by a two-level segregated-fit table (TLSF-like: log2 size class,
 * 16 linear sub-classes, one bitmap per level), so allocation and free take
 * a bounded number of steps however many free blocks exist. Every header
 * carries a check value keyed by a caller secret and the header's address;
 * free and realloc verify the block, its neighbours and every list link they
 * will write through before changing anything. A detected inconsistency
 * returns TDXC_ECORRUPT and poisons the heap (every later call fails the
 * same way), nothing ever asserts or aborts.
 *
 * **Free-block cache.** When the first pool of a heap is at least
 * TDXC_BPOOL_CACHE_MIN_POOL bytes (and TDXC_BPOOL_F_NO_CACHE is not set),
 * the heap keeps up to TDXC_BPOOL_CACHE_PER_SIZE freed blocks of each
 * exact block size up to TDXC_BPOOL_CACHE_MAX_REQ bytes of request, last in
 * first out, in a table of TDXC_BPOOL_CACHE_TABLE bytes carved from the
 * start of that pool (counted in stats.used, never in stats.live). Freeing
 * such a block checks its header and its successor's, marks it cached and
 * pushes it, without coalescing; an allocation of exactly that size pops
 * it. Cached blocks count as free in the statistics and stay refused by
 * free() and realloc() (TDXC_EDOUBLEFREE). Only blocks of the first pool
 * are cached, and only for alignments up to 16. An allocation that finds
 * no fit in the index first returns every cached block to it (coalescing
 * each, at most 256 * TDXC_BPOOL_CACHE_PER_SIZE blocks) and searches again,
 * so the cache never makes an allocation fail.
 *
 * **Registry.** A registry (struct tdxc_bpool_registry) runs one heap over a
 * caller-provided "nexus" region that holds all registry metadata (guest
 * entries, their heap contexts, the uthash table, the pool range index) and
 * keys one heap per guest id. Guest id 0 (the hypervisor) is reserved.
 * Creating an existing id is TDXC_EEXIST and leaves that guest untouched.
 * The registry needs uthash at build time; without it (tdxc_features()
 * lacks TDXC_FEAT_UTHASH) every registry function returns TDXC_ENOTSUP.
 *
 * **Context.** No function sleeps, takes a lock or allocates behind the
 * caller's back; all are safe in interrupt context provided the caller
 * serialises calls on the same object. Locking is the caller's: one lock per
 * heap; for a registry one registry lock for create/destroy/foreach/stats and
 * add_pool, and a per-guest lock for the heap calls of that guest, taken in
 * that order.
 */
#ifndef TDXCORE_BPOOL_H
#define TDXCORE_BPOOL_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Allocation quantum: block sizes and user pointers are multiples of it. */
#define TDXC_BPOOL_QUANTUM 16u
/** Per-block overhead (the header in front of every user pointer). */
#define TDXC_BPOOL_HEADER_SIZE 16u
/** Smallest block (header plus the two free-list links). */
#define TDXC_BPOOL_MIN_BLOCK 32u
/** Smallest pool: one minimum block and the end sentinel. */
#define TDXC_BPOOL_MIN_POOL 48u
/** Largest pool length in bytes (2^39). */
#define TDXC_BPOOL_MAX_POOL (UINT64_C(1) << 39)
/** Largest request size accepted by the allocation functions. */
#define TDXC_BPOOL_MAX_ALLOC (TDXC_BPOOL_MAX_POOL - 48u)
/** Largest alignment accepted by tdxc_bpool_alloc() (1 MiB). */
#define TDXC_BPOOL_MAX_ALIGN (UINT32_C(1) << 20)
/** Pools per heap. */
#define TDXC_BPOOL_MAX_POOLS 16u
/** Guest id of the hypervisor / nexus: never a guest. */
#define TDXC_BPOOL_ID_HYPERVISOR 0u
/** Number of extra reserved ids in struct tdxc_bpool_registry_params. */
#define TDXC_BPOOL_RESERVED_IDS 4u

/** tdxc_bpool_params.flags: zero the user bytes of every block on free. */
#define TDXC_BPOOL_F_ZERO_ON_FREE (1u << 0)
/** tdxc_bpool_params.flags: no free-block cache (every free coalesces at
 *  once; the first pool holds no cache table). */
#define TDXC_BPOOL_F_NO_CACHE (1u << 1)
/** All heap flags known to this version. */
#define TDXC_BPOOL_F_ALL (TDXC_BPOOL_F_ZERO_ON_FREE | TDXC_BPOOL_F_NO_CACHE)

/** Smallest first pool that gets a free-block cache (256 KiB). */
#define TDXC_BPOOL_CACHE_MIN_POOL (UINT32_C(1) << 18)
/** Bytes of the first pool taken by the cache table (header included). */
#define TDXC_BPOOL_CACHE_TABLE 2064u
/** Largest request whose blocks are cached. */
#define TDXC_BPOOL_CACHE_MAX_REQ 4104u
/** Most cached blocks per block size. */
#define TDXC_BPOOL_CACHE_PER_SIZE 8u

/** tdxc_bpool_stats.state bit: a corruption was found, the heap refuses calls. */
#define TDXC_BPOOL_STATE_POISONED (1u << 0)
/** tdxc_bpool_stats.state bit: the owning guest is shutting down. */
#define TDXC_BPOOL_STATE_SHUTDOWN (1u << 1)
/** tdxc_bpool_stats.state bit: a guest heap owned by a registry; its pools
 *  and lifetime go through the registry only. */
#define TDXC_BPOOL_STATE_MANAGED (1u << 2)

/** Words of opaque storage of a heap. */
#define TDXC_BPOOL_OPAQUE_WORDS 600
/** Words of opaque storage of a registry. */
#define TDXC_BPOOL_REGISTRY_OPAQUE_WORDS 680

/**
 * A heap. Opaque, lives in caller memory (any storage with the alignment of
 * uint64_t). It must not be copied: every call checks that the object sits
 * at the address it was initialised at, so a byte copy is refused.
 */
struct tdxc_bpool {
	uint64_t opaque[TDXC_BPOOL_OPAQUE_WORDS]; /**< private */
};

/** A per-guest pool registry. Opaque, lives in caller memory; not copyable. */
struct tdxc_bpool_registry {
	uint64_t opaque[TDXC_BPOOL_REGISTRY_OPAQUE_WORDS]; /**< private */
};

/** Heap parameters (input, size-versioned). NULL means all defaults. */
struct tdxc_bpool_params {
	uint32_t size;     /**< sizeof(struct tdxc_bpool_params) */
	uint32_t flags;    /**< TDXC_BPOOL_F_* */
	uint64_t secret;   /**< key of the header check values (any value;
				choose it unpredictably where possible) */
	uint64_t quota;    /**< most bytes (blocks with headers) allocated at
				once; 0 = no limit beyond the pools */
	uint64_t reserved[2]; /**< must be zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_bpool_params) == 40, bpool_params_size);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_bpool_params, secret) == 8,
		   bpool_params_secret_off);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_bpool_params, reserved) == 24,
		   bpool_params_reserved_off);

/**
 * Heap statistics (output). All counters are kept incrementally, reading
 * them never walks a list. used + free + 16 * npools == total.
 */
struct tdxc_bpool_stats {
	uint64_t total;       /**< bytes in all pools */
	uint64_t used;        /**< bytes in allocated blocks, headers included */
	uint64_t free;        /**< bytes in free blocks, headers included
				   (blocks in the free-block cache too) */
	uint64_t alloc_max;   /**< largest request (align <= 16) certain to
				   succeed now; 0 when none is */
	uint64_t live;        /**< allocated blocks */
	uint64_t free_blocks; /**< free blocks (cached ones included) */
	uint64_t nget;        /**< successful allocations so far */
	uint64_t nrel;        /**< successful releases so far */
	uint64_t nfail;       /**< allocations refused with TDXC_ENOMEM */
	uint64_t peak_used;   /**< highest value of used */
	uint32_t npools;      /**< pools added */
	uint32_t state;       /**< TDXC_BPOOL_STATE_* bits */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_bpool_stats) == 88, bpool_stats_size);

/** What tdxc_bpool_validate() found wrong (struct tdxc_bpool_check.problem). */
enum tdxc_bpool_problem {
	TDXC_BPOOL_PROBLEM_NONE = 0,      /**< consistent */
	TDXC_BPOOL_PROBLEM_CHECK = 1,     /**< header check value mismatch */
	TDXC_BPOOL_PROBLEM_SIZE = 2,      /**< size out of range or past the pool */
	TDXC_BPOOL_PROBLEM_PREVFREE = 3,  /**< prevfree / previous-free flag wrong */
	TDXC_BPOOL_PROBLEM_ADJACENT = 4,  /**< two free blocks next to each other */
	TDXC_BPOOL_PROBLEM_SENTINEL = 5,  /**< pool end marker damaged */
	TDXC_BPOOL_PROBLEM_LINK = 6,      /**< free-list link out of range or not
					       matching its back link */
	TDXC_BPOOL_PROBLEM_INDEX = 7,     /**< block in the wrong size class, or a
					       bitmap bit disagrees with a list */
	TDXC_BPOOL_PROBLEM_COUNTS = 8,    /**< the walk disagrees with the counters */
	TDXC_BPOOL_PROBLEM_POISONED = 9   /**< heap was already poisoned earlier */
};

/** Result of tdxc_bpool_validate() (output). */
struct tdxc_bpool_check {
	uint64_t bad_addr;     /**< address of the first inconsistency, else 0 */
	uint32_t problem;      /**< enum tdxc_bpool_problem */
	uint32_t pool;         /**< index of the pool walked when it was found */
	uint64_t used_blocks;  /**< allocated blocks found by the walk */
	uint64_t free_blocks;  /**< free blocks found by the walk */
	uint64_t used_bytes;   /**< bytes of allocated blocks found */
	uint64_t free_bytes;   /**< bytes of free blocks found */
	uint64_t largest_free; /**< largest free block, header included */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_bpool_check) == 56, bpool_check_size);

/* ------------------------------------------------------------------ heap */

/**
 * Initialise a heap in @p h from a pristine template (nothing of the old
 * contents of @p h is used).
 * @param h      storage of the heap, 8-byte aligned.
 * @param params NULL for defaults, else a size-versioned descriptor.
 * @return 0, or
 *  - TDXC_EINVAL    @p h is NULL or not 8-byte aligned;
 *  - TDXC_EBUSY     @p h already holds a live heap (initialised at this
 *                   address and not finalised): re-initialising it would
 *                   orphan its blocks;
 *  - TDXC_ESIZE     params->size smaller than the first version;
 *  - TDXC_ERESERVED a reserved field or trailing byte is non-zero;
 *  - TDXC_EFLAGS    unknown bit in params->flags.
 * On error @p h is unchanged.
 */
TDXC_API int tdxc_bpool_init(struct tdxc_bpool *h,
			     const struct tdxc_bpool_params *params);

/**
 * Finalise a heap: the object no longer counts as live and every later call
 * on it fails with TDXC_EINVAL. Pools are caller memory and not touched.
 * @return 0, or TDXC_EINVAL if @p h is NULL or not a live heap at this
 *         address (never initialised, finalised, or a byte copy), or
 *         TDXC_EPERM for a guest heap owned by a registry (destroy the guest).
 */
TDXC_API int tdxc_bpool_fini(struct tdxc_bpool *h);

/**
 * Add a pool (bget's bpool()). The range becomes one free block and an end
 * sentinel. Nothing is rounded or skipped silently.
 * @param h a live heap.
 * @param mem pool start, 16-byte aligned; the caller keeps it mapped and
 *            untouched (except through allocated blocks) while the heap
 *            lives.
 * @param len pool length, a multiple of 16, 48 .. TDXC_BPOOL_MAX_POOL.
 * @return 0, or
 *  - TDXC_EINVAL    @p h not a live heap, or @p mem NULL;
 *  - TDXC_ECORRUPT  the heap is poisoned;
 *  - TDXC_EBUSY     the heap is shutting down (registry);
 *  - TDXC_EPERM     a guest heap owned by a registry: use
 *                   tdxc_bpool_guest_add_pool(), which checks the range
 *                   against every guest;
 *  - TDXC_EOVERFLOW mem + len wraps;
 *  - TDXC_EALIGN    mem or len not a multiple of TDXC_BPOOL_QUANTUM;
 *  - TDXC_ESIZE     len below TDXC_BPOOL_MIN_POOL;
 *  - TDXC_E2BIG     len above TDXC_BPOOL_MAX_POOL;
 *  - TDXC_EOVERLAP  the range overlaps a pool of this heap or the heap
 *                   object itself (e.g. the same pool added twice);
 *  - TDXC_ENOSPC    the heap already has TDXC_BPOOL_MAX_POOLS pools.
 * On error nothing changed (neither the heap nor the memory).
 */
TDXC_API int tdxc_bpool_add_pool(struct tdxc_bpool *h, void *mem, size_t len);

/**
 * Allocate @p size bytes aligned to @p align. O(1): a pop from the
 * free-block cache or one bitmap search, no list walk. When nothing fits,
 * the cached blocks go back to the index first (a bounded number, see the
 * file comment) and the search runs once more.
 * @param h a live heap.
 * @param size bytes requested, 1..TDXC_BPOOL_MAX_ALLOC.
 * @param align a power of two up to TDXC_BPOOL_MAX_ALIGN; values up to 16
 *              all give the natural 16-byte alignment.
 * @param out   receives the pointer (untouched on error).
 * @return 0, or
 *  - TDXC_EINVAL   @p h not a live heap, @p out NULL, @p size 0 or above
 *                  TDXC_BPOOL_MAX_ALLOC (size + overhead out of range),
 *                  @p align 0, not a power of two or too large;
 *  - TDXC_ECORRUPT the heap is (or just became) poisoned;
 *  - TDXC_EBUSY    the heap is shutting down;
 *  - TDXC_ENOMEM   no free block fits, or the quota would be exceeded
 *                  (counted in stats.nfail).
 */
TDXC_API int tdxc_bpool_alloc(struct tdxc_bpool *h, size_t size, size_t align,
			      void **out);

/**
 * Allocate and zero @p size bytes (16-byte aligned), as bget's bgetz().
 * @return as tdxc_bpool_alloc() with align 16.
 */
TDXC_API int tdxc_bpool_calloc(struct tdxc_bpool *h, size_t size, void **out);

/**
 * Free a block. Before anything is written the call checks that @p ptr
 * lies in a pool of this heap, is aligned, starts a block whose header
 * check value is intact, that the block is allocated, and that its
 * neighbours and the free-list links it will update are consistent (a
 * block that goes to the free-block cache touches no list and no free
 * neighbour: its own header and its successor's are checked).
 * O(1) on success; classifying a pointer whose header does not verify walks
 * that one pool (error path only).
 * @return 0, or
 *  - TDXC_EINVAL      @p h not a live heap, or @p ptr NULL;
 *  - TDXC_ECORRUPT    a damaged header or link was found (the heap is now
 *                     poisoned);
 *  - TDXC_EBUSY       the heap is shutting down;
 *  - TDXC_EFOREIGN    @p ptr is not inside any pool of this heap, or is
 *                     the heap's own cache table;
 *  - TDXC_EALIGN      @p ptr is not a multiple of 16;
 *  - TDXC_EINTERIOR   @p ptr points inside a block, not at its start;
 *  - TDXC_EDOUBLEFREE the block is already free (or cached).
 * On error neither the heap nor pool memory changed.
 */
TDXC_API int tdxc_bpool_free(struct tdxc_bpool *h, void *ptr);

/**
 * Resize a block, in place when the block itself or a free neighbour above
 * it allows, else by allocate + copy + free. @p ptr NULL acts as
 * tdxc_bpool_alloc(h, size, 16, out). The first min(old, new) bytes are
 * kept. On any error the old block is untouched and still allocated.
 * @return 0, or every error of tdxc_bpool_free() for @p ptr (except that
 *         NULL is allowed), TDXC_EINVAL for @p out NULL or a bad @p size,
 *         TDXC_ENOMEM when no block fits.
 */
TDXC_API int tdxc_bpool_realloc(struct tdxc_bpool *h, void *ptr, size_t size,
				void **out);

/**
 * Usable bytes of an allocated block (at least the size requested).
 * @return 0, or the errors of tdxc_bpool_free() for @p ptr, or TDXC_EINVAL
 *         for @p out NULL. Nothing is changed.
 */
TDXC_API int tdxc_bpool_usable_size(struct tdxc_bpool *h, const void *ptr,
				    size_t *out);

/**
 * Does this heap own @p ptr's pool range? O(pools), reads no pool memory.
 * @return 1 if @p ptr lies inside a pool of @p h, 0 if not, TDXC_EINVAL if
 *         @p h is not a live heap.
 */
TDXC_API int tdxc_bpool_owns(const struct tdxc_bpool *h, const void *ptr);

/**
 * Statistics, O(1) (incremental counters).
 * @return 0, or TDXC_EINVAL (@p h not a live heap or @p st NULL). Works on
 *         a poisoned heap (st->state says so).
 */
TDXC_API int tdxc_bpool_stats(const struct tdxc_bpool *h,
			      struct tdxc_bpool_stats *st);

/**
 * Full validation walk (bget's bpoolv() for every pool): every header's
 * check value, sizes, prevfree links, no adjacent free blocks, sentinels,
 * every free-list link and back link, size classes against bitmaps, the
 * free-block cache (table, entries, sizes, counts), and the counters against
 * what the walk found. O(heap). Reads only pool memory of
 * this heap, writes none.
 * @param h the heap to walk.
 * @param out optional; receives the walk figures and, on failure, the
 *            address and kind of the first inconsistency.
 * @return 0 when consistent, or
 *  - TDXC_EINVAL   @p h not a live heap;
 *  - TDXC_ECORRUPT an inconsistency (the heap is poisoned), or the heap
 *                  was poisoned earlier (problem POISONED, bad_addr the
 *                  address first reported).
 */
TDXC_API int tdxc_bpool_validate(struct tdxc_bpool *h,
				 struct tdxc_bpool_check *out);

/* ----------------------------------------------- bget-style entry points */

/**
 * bget(): allocate @p size bytes, 16-byte aligned.
 * @return the block, or NULL on any error of tdxc_bpool_alloc().
 */
TDXC_API void *tdxc_bpool_bget(struct tdxc_bpool *h, size_t size);

/** bgetz(): as tdxc_bpool_bget() and zeroed. @return block or NULL. */
TDXC_API void *tdxc_bpool_bgetz(struct tdxc_bpool *h, size_t size);

/**
 * bgetr(): resize @p buf to @p size (NULL @p buf allocates).
 * @return the block, or NULL on any error of tdxc_bpool_realloc(); the old
 *         block then stays allocated and unchanged.
 */
TDXC_API void *tdxc_bpool_bgetr(struct tdxc_bpool *h, void *buf, size_t size);

/**
 * brel(): free @p buf. Unlike bget, misuse is reported, never asserted.
 * @return as tdxc_bpool_free().
 */
TDXC_API int tdxc_bpool_brel(struct tdxc_bpool *h, void *buf);

/**
 * bstats(): current allocation (bytes in allocated blocks), total free
 * bytes, largest request certain to succeed (a lower bound of bget's
 * "largest free block" that needs no walk), successful gets and releases.
 * Any output pointer may be NULL.
 * @return 0, or TDXC_EINVAL if @p h is not a live heap.
 */
TDXC_API int tdxc_bpool_bstats(const struct tdxc_bpool *h, uint64_t *curalloc,
			       uint64_t *totfree, uint64_t *maxfree,
			       uint64_t *nget, uint64_t *nrel);

/* -------------------------------------------------------------- registry */

/** tdxc_bpool_registry_params.flags: guests get TDXC_BPOOL_F_ZERO_ON_FREE. */
#define TDXC_BPOOL_REG_ZERO_ON_FREE (1u << 0)
/** tdxc_bpool_registry_params.flags: guest heaps (and the nexus heap) get
 *  TDXC_BPOOL_F_NO_CACHE. */
#define TDXC_BPOOL_REG_NO_CACHE (1u << 1)
/** All registry flags known to this version. */
#define TDXC_BPOOL_REG_ALL (TDXC_BPOOL_REG_ZERO_ON_FREE | TDXC_BPOOL_REG_NO_CACHE)

/** tdxc_bpool_guest_destroy() flag: wipe (zero) every pool of the guest,
 *  and destroy even while blocks are live. */
#define TDXC_BPOOL_DESTROY_WIPE (1u << 0)

/** Registry parameters (input, size-versioned). NULL means all defaults. */
struct tdxc_bpool_registry_params {
	uint32_t size;       /**< sizeof(struct tdxc_bpool_registry_params) */
	uint32_t flags;      /**< TDXC_BPOOL_REG_* */
	uint64_t secret;     /**< key of the header check values; each guest's
				  heap derives its own key from it */
	uint32_t max_id;     /**< highest valid guest id; 0 = UINT32_MAX */
	uint32_t max_guests; /**< most guests at once; 0 = limited only by the
				  nexus region */
	uint64_t guest_quota; /**< per-guest heap quota (bytes); 0 = none */
	uint32_t reserved_ids[TDXC_BPOOL_RESERVED_IDS]; /**< further ids never
				  accepted as guests; 0 entries are unused */
	uint64_t reserved[2]; /**< must be zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_bpool_registry_params) == 64,
		   bpool_registry_params_size);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_bpool_registry_params, reserved_ids) ==
			   32, bpool_registry_params_ids_off);

/** Registry statistics (output). */
struct tdxc_bpool_registry_stats {
	uint64_t guests;      /**< guests registered (including shutting down) */
	uint64_t pools;       /**< guest pools registered */
	uint64_t guest_total; /**< sum of the guests' stats.total */
	uint64_t guest_used;  /**< sum of the guests' stats.used */
	uint64_t guest_live;  /**< sum of the guests' stats.live */
	struct tdxc_bpool_stats nexus; /**< the nexus heap (registry metadata) */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_bpool_registry_stats) == 128,
		   bpool_registry_stats_size);

/**
 * Callback of tdxc_bpool_guest_foreach(): return 0 to continue, anything
 * else to stop. It must not create, destroy or add pools (those calls fail
 * with TDXC_EBUSY while iterating); it may use the guest's heap.
 */
typedef int (*tdxc_bpool_guest_cb)(void *arg, uint32_t id,
				   struct tdxc_bpool *heap);

/**
 * Initialise a registry. The nexus region holds every piece of registry
 * metadata; it is never given to a guest.
 * @param r      registry storage (8-byte aligned, outside the nexus region).
 * @param nexus  16-byte aligned region; its length a multiple of 16 and at
 *               least TDXC_BPOOL_MIN_POOL.
 * @param nexus_len bytes at @p nexus.
 * @param params NULL for defaults, else a size-versioned descriptor.
 * @return 0, or
 *  - TDXC_ENOTSUP   built without uthash;
 *  - TDXC_EINVAL    @p r or @p nexus NULL, @p r misaligned;
 *  - TDXC_EBUSY     @p r already holds a live registry;
 *  - TDXC_EOVERFLOW nexus + nexus_len wraps;
 *  - TDXC_EALIGN    nexus or nexus_len not a multiple of 16;
 *  - TDXC_ESIZE     nexus_len below TDXC_BPOOL_MIN_POOL, or params->size
 *                   too small;
 *  - TDXC_E2BIG     nexus_len above TDXC_BPOOL_MAX_POOL;
 *  - TDXC_EOVERLAP  @p r lies inside the nexus region;
 *  - TDXC_ERESERVED a reserved params field is non-zero;
 *  - TDXC_EFLAGS    unknown params->flags bit.
 * On error @p r is unchanged.
 */
TDXC_API int tdxc_bpool_registry_init(struct tdxc_bpool_registry *r, void *nexus,
				      size_t nexus_len,
				      const struct tdxc_bpool_registry_params *params);

/**
 * Create guest @p id with an empty heap built from a pristine template
 * (the OP-TEE "VM created" call). Registry lock.
 * @return 0, or
 *  - TDXC_ENOTSUP built without uthash;
 *  - TDXC_EINVAL  @p r not a live registry; @p id is 0, a reserved id or
 *                 above max_id;
 *  - TDXC_EBUSY   called from inside tdxc_bpool_guest_foreach();
 *  - TDXC_EEXIST  @p id exists (also while it shuts down); that guest is
 *                 untouched;
 *  - TDXC_ENOSPC  max_guests reached;
 *  - TDXC_ENOMEM  the nexus heap cannot hold the metadata.
 * On error the registry is unchanged.
 */
TDXC_API int tdxc_bpool_guest_create(struct tdxc_bpool_registry *r, uint32_t id);

/**
 * Give guest @p id a pool. Registry lock and that guest's lock.
 * @return 0, or
 *  - TDXC_ENOTSUP built without uthash;
 *  - TDXC_EINVAL  @p r not a live registry or @p mem NULL;
 *  - TDXC_ENOENT  no guest @p id;
 *  - TDXC_EBUSY   the guest shuts down, or called from a foreach callback;
 *  - TDXC_ECORRUPT the guest's heap is poisoned;
 *  - TDXC_EOVERFLOW, TDXC_EALIGN, TDXC_ESIZE, TDXC_E2BIG as
 *                 tdxc_bpool_add_pool();
 *  - TDXC_EOVERLAP the range overlaps a pool of any guest, the nexus region
 *                 or the registry object;
 *  - TDXC_ENOSPC  the guest has TDXC_BPOOL_MAX_POOLS pools;
 *  - TDXC_ENOMEM  the nexus heap cannot grow the pool index.
 * On error nothing changed.
 */
TDXC_API int tdxc_bpool_guest_add_pool(struct tdxc_bpool_registry *r, uint32_t id,
				       void *mem, size_t len);

/**
 * Look up guest @p id's heap (the hot path: O(1) hash lookup).
 * The heap stays valid until the guest is destroyed. Guest lock for using it.
 * @return 0, or TDXC_ENOTSUP, TDXC_EINVAL (@p r not a live registry or
 *         @p heap NULL), TDXC_ENOENT (no such guest).
 */
TDXC_API int tdxc_bpool_guest_heap(struct tdxc_bpool_registry *r, uint32_t id,
				   struct tdxc_bpool **heap);

/**
 * Allocate in guest @p id's heap. Guest lock.
 * @return 0, or TDXC_ENOTSUP, TDXC_ENOENT (unknown id), and every error
 *         of tdxc_bpool_alloc() (TDXC_EBUSY while the guest shuts down).
 */
TDXC_API int tdxc_bpool_guest_alloc(struct tdxc_bpool_registry *r, uint32_t id,
				    size_t size, size_t align, void **out);

/**
 * Free in guest @p id's heap. A pointer of another guest's heap (or of no
 * heap) is TDXC_EFOREIGN and changes nothing. Guest lock.
 * @return 0, or TDXC_ENOTSUP, TDXC_ENOENT, and every error of
 *         tdxc_bpool_free().
 */
TDXC_API int tdxc_bpool_guest_free(struct tdxc_bpool_registry *r, uint32_t id,
				   void *ptr);

/**
 * Resize in guest @p id's heap. Guest lock.
 * @return 0, or TDXC_ENOTSUP, TDXC_ENOENT, and every error of
 *         tdxc_bpool_realloc().
 */
TDXC_API int tdxc_bpool_guest_realloc(struct tdxc_bpool_registry *r, uint32_t id,
				      void *ptr, size_t size, void **out);

/**
 * Start shutting guest @p id down: its heap refuses alloc, free, realloc
 * and add_pool with TDXC_EBUSY; create of the id stays TDXC_EEXIST until
 * destroy. Registry lock.
 * @return 0, or TDXC_ENOTSUP, TDXC_EINVAL (@p r not live), TDXC_ENOENT,
 *         TDXC_EALREADY (already shutting down).
 */
TDXC_API int tdxc_bpool_guest_shutdown(struct tdxc_bpool_registry *r, uint32_t id);

/**
 * Destroy guest @p id: drop its heap and pools at once and release its
 * metadata to the nexus heap. Registry lock (and no user of the guest left).
 * @param r a live registry.
 * @param id the guest to destroy.
 * @param flags 0: refuse while blocks are live; TDXC_BPOOL_DESTROY_WIPE:
 *              zero every pool of the guest first, live blocks allowed.
 * @return 0, or
 *  - TDXC_ENOTSUP built without uthash;
 *  - TDXC_EINVAL  @p r not a live registry;
 *  - TDXC_EFLAGS  unknown flag;
 *  - TDXC_ENOENT  unknown or already destroyed id;
 *  - TDXC_EBUSY   blocks are live and no WIPE flag, or called from a
 *                 foreach callback.
 * On error nothing changed.
 */
TDXC_API int tdxc_bpool_guest_destroy(struct tdxc_bpool_registry *r, uint32_t id,
				      uint32_t flags);

/**
 * Statistics of guest @p id's heap.
 * @return 0, or TDXC_ENOTSUP, TDXC_EINVAL (@p r not live or @p st NULL),
 *         TDXC_ENOENT.
 */
TDXC_API int tdxc_bpool_guest_stats(struct tdxc_bpool_registry *r, uint32_t id,
				    struct tdxc_bpool_stats *st);

/**
 * Call @p cb for every guest in ascending id order (never hash or
 * insertion order). Registry lock.
 * @return the number of guests visited, or TDXC_ENOTSUP, TDXC_EINVAL (@p r
 *         not live or @p cb NULL), TDXC_EBUSY (nested call),
 *         TDXC_ECALLBACK (@p cb returned non-zero; iteration stopped).
 */
TDXC_API int tdxc_bpool_guest_foreach(struct tdxc_bpool_registry *r,
				      tdxc_bpool_guest_cb cb, void *arg);

/**
 * Registry totals; O(guests). Registry lock.
 * @return 0, or TDXC_ENOTSUP, TDXC_EINVAL (@p r not live or @p st NULL).
 */
TDXC_API int tdxc_bpool_registry_stats(struct tdxc_bpool_registry *r,
				       struct tdxc_bpool_registry_stats *st);

/* ------------------------------------------- snapshot container records */

struct tdxc_snapshot_writer;
struct tdxc_snapshot_reader;

/**
 * Add the registry's state as the bpool record of a snapshot container
 * being written (module TDXC_SNAPSHOT_MOD_BPOOL, instance 0): every guest
 * id in ascending order, whether it is shutting down, and its pool ranges
 * as offsets into @p arena (the memory the caller's guest pools come from).
 * Heap contents are not saved. In measuring mode only the size is
 * accounted. Registry lock; not from a foreach callback. The writer is
 * unchanged on error.
 * @return 0, or
 *  - TDXC_ENOTSUP built without uthash;
 *  - TDXC_EINVAL  NULL argument, @p r not a live registry or @p w not
 *                 initialised;
 *  - TDXC_EBUSY   called from a foreach callback;
 *  - TDXC_ERANGE  a guest pool lies outside [@p arena, @p arena + @p arena_len);
 *  - TDXC_ESTATE  the writer is finished;
 *  - TDXC_ENOSPC  the writer's buffer is full;
 *  - TDXC_E2BIG   the container would exceed its size limit.
 */
TDXC_API int tdxc_bpool_registry_snapshot_add(struct tdxc_bpool_registry *r,
					      const void *arena, size_t arena_len,
					      struct tdxc_snapshot_writer *w);

/**
 * Recreate the guests of the bpool record of an opened container in @p r,
 * which must be freshly initialised (no guest ever created), each with an
 * empty heap over its pools, placed at the same offsets in @p arena (which
 * may be at another address than at save time). Guests that were shutting
 * down are shut down again. The record is untrusted: every id, count and
 * range is checked against @p r's limits and against @p arena first, so
 * the library never writes outside @p arena and the nexus region; on those
 * errors nothing is written anywhere. Overlap checks cost O(pools^2),
 * pools being at most max_guests x TDXC_BPOOL_MAX_POOLS. Registry lock.
 * @return 0, or
 *  - TDXC_ENOTSUP built without uthash;
 *  - TDXC_EINVAL  NULL argument, @p r not a live registry, reader not open;
 *  - TDXC_ENOENT  no bpool record;
 *  - TDXC_ESTATE  @p r is not freshly initialised;
 *  - TDXC_EALIGN  @p arena, or a pool offset or length, not a multiple of 16;
 *  - TDXC_EOVERFLOW @p arena + @p arena_len wraps;
 *  - TDXC_EVERSION record version 0;
 *  - TDXC_ETRUNC  body shorter than its counts need;
 *  - TDXC_EMALFORMED record header lengths, a version-1 record with
 *                 trailing bytes, two bpool records, a body longer than its
 *                 counts, ids not strictly ascending, per-guest pool counts
 *                 that do not add up;
 *  - TDXC_ERESERVED a reserved field, or non-zero fields of a newer record
 *                 version;
 *  - TDXC_EFLAGS  unknown guest state bits;
 *  - TDXC_ERANGE  an id that @p r does not accept (0, reserved, above
 *                 max_id), or a pool outside @p arena;
 *  - TDXC_ENOSPC  more guests than max_guests, or more than
 *                 TDXC_BPOOL_MAX_POOLS pools for a guest;
 *  - TDXC_ESIZE, TDXC_E2BIG a pool below TDXC_BPOOL_MIN_POOL or above
 *                 TDXC_BPOOL_MAX_POOL;
 *  - TDXC_EOVERLAP pools overlap each other, the nexus region or @p r;
 *  - TDXC_ENOMEM  the nexus heap cannot hold the metadata: @p r is put back
 *                 to its freshly initialised state (the pools' memory may
 *                 have been written).
 */
TDXC_API int tdxc_bpool_registry_snapshot_restore(struct tdxc_bpool_registry *r,
						  void *arena, size_t arena_len,
						  const struct tdxc_snapshot_reader *rd);

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_BPOOL_H */
