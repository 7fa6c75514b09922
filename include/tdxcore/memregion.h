/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file memregion.h
 * @brief Physical frame allocator over a firmware memory map, with
 *        reservations released by events (deferred reclaim) and lazy
 *        acceptance of TDX/SNP unaccepted memory.
 *
 * Life cycle:
 *  1. tdxc_memregion_storage_size() for the capacities you need, then
 *     tdxc_memregion_init() over caller storage. The library never allocates.
 *  2. Feed the firmware map: tdxc_memregion_add() (any order),
 *     tdxc_memregion_add_e820(), tdxc_memregion_add_efi(),
 *     tdxc_memregion_add_dmesg(), tdxc_memregion_add_unaccepted_table().
 *     Reservations (tdxc_memregion_reserve()) and the accept callback may be
 *     set in this phase too.
 *  3. tdxc_memregion_commit() resolves the map (most restrictive type wins,
 *     usable/unaccepted round inward to 4 KiB, everything else outward,
 *     independent of input order) and starts the allocator. Per-section
 *     metadata (4096 frames) is initialised lazily on first use, so commit
 *     costs O(regions log regions + sections / 64).
 *  4. Allocate (tdxc_memregion_alloc(), tdxc_memregion_alloc_range(),
 *     tdxc_memregion_claim()), free (tdxc_memregion_free()), reserve more,
 *     release events (tdxc_memregion_release()), query
 *     (tdxc_memregion_stats(), tdxc_memregion_region_get(),
 *     tdxc_memregion_dump()).
 *
 * Addresses are physical byte addresses; frames are 4 KiB. Ranges are
 * [base, base + length) or [base, end) with an exclusive end.
 *
 * Concurrency: an allocator object is NOT internally locked. The caller
 * serialises every call on one object (one lock around the object, or one
 * object per CPU). Calls on distinct objects are independent. No function
 * sleeps or blocks; every function except the accept callback it may invoke
 * is safe from interrupt context if the caller's serialisation is.
 *
 * The object lives inside the caller's storage and holds pointers into it:
 * do not move or copy the storage after init.
 */
#ifndef TDXCORE_MEMREGION_H
#define TDXCORE_MEMREGION_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Frame size managed by the allocator (bytes). */
#define TDXC_MEMREGION_FRAME_SIZE 4096u
/** Size of one acceptance unit of unaccepted memory (2 MiB). */
#define TDXC_MEMREGION_UNIT_SIZE 0x200000u
/** Highest max_addr accepted by the parameters (64 TiB, exclusive). */
#define TDXC_MEMREGION_MAX_ADDR_LIMIT (UINT64_C(1) << 46)
/** Longest owner tag accepted by tdxc_memregion_reserve(), without NUL. */
#define TDXC_MEMREGION_OWNER_MAX 23u
/** Release event of a reservation that is never released. */
#define TDXC_MEMREGION_PERMANENT UINT64_C(0)
/** Address limits for tdxc_memregion_alloc_range() (exclusive). */
#define TDXC_MEMREGION_BELOW_1M UINT64_C(0x100000)
#define TDXC_MEMREGION_BELOW_4G UINT64_C(0x100000000) /**< below 4 GiB (32-bit DMA) */
#define TDXC_MEMREGION_NO_LIMIT UINT64_MAX /**< anywhere */

/**
 * Region types of the resolved map. Usable and unaccepted memory is what the
 * allocator hands out (unaccepted after acceptance); every other type is
 * never allocated. When ranges overlap the most restrictive type wins, in
 * this order (first wins): UNUSABLE, UNKNOWN, NVS, RESERVED, MMIO,
 * FIRMWARE_HELD, PMEM, SOFT_RESERVED, KERNEL, MODULE, FRAMEBUFFER, ACPI,
 * BOOTLOADER_RECLAIMABLE, UNACCEPTED, USABLE. Equal types with different raw
 * values: the lower raw value wins. The values are ABI.
 */
enum tdxc_memregion_type {
	TDXC_MEMREGION_USABLE = 1,        /**< RAM, free for the allocator */
	TDXC_MEMREGION_RESERVED = 2,      /**< firmware reserved */
	TDXC_MEMREGION_ACPI = 3,          /**< ACPI tables (reclaimable later) */
	TDXC_MEMREGION_NVS = 4,           /**< ACPI NVS: firmware keeps using it */
	TDXC_MEMREGION_UNUSABLE = 5,      /**< bad memory */
	TDXC_MEMREGION_PMEM = 6,          /**< persistent memory (e820 7 or 12) */
	TDXC_MEMREGION_SOFT_RESERVED = 7, /**< EFI specific-purpose memory */
	TDXC_MEMREGION_UNACCEPTED = 8,    /**< RAM that must be accepted first */
	TDXC_MEMREGION_MMIO = 9,          /**< memory-mapped I/O */
	TDXC_MEMREGION_KERNEL = 10,       /**< kernel image */
	TDXC_MEMREGION_MODULE = 11,       /**< boot module / initrd */
	TDXC_MEMREGION_FRAMEBUFFER = 12,  /**< boot framebuffer */
	TDXC_MEMREGION_BOOTLOADER_RECLAIMABLE = 13, /**< loader data */
	TDXC_MEMREGION_FIRMWARE_HELD = 14, /**< used by firmware at run time */
	TDXC_MEMREGION_UNKNOWN = 15       /**< unknown raw type, treated as reserved */
};
/** Number of slots in tdxc_memregion_stats::type_bytes (index = type). */
#define TDXC_MEMREGION_TYPE_COUNT 16u

/** tdxc_memregion_params::flags: keep one more bit per frame so that
 * tdxc_memregion_free() tells a double free (TDXC_EDOUBLEFREE) from a free
 * of a frame never allocated (TDXC_ENOTALLOC). Without it both report
 * TDXC_EDOUBLEFREE. Costs 32 KiB of metadata per GiB. */
#define TDXC_MEMREGION_F_TRACK_FREED (1u << 0)
/** tdxc_memregion_add_efi() flag: boot-services code/data (EFI types 3, 4)
 * are usable (the caller has called ExitBootServices). */
#define TDXC_MEMREGION_EFI_AFTER_EBS (1u << 0)

/** Allocator parameters (input descriptor, size-versioned). */
struct tdxc_memregion_params {
	uint32_t size;             /**< sizeof(struct tdxc_memregion_params) */
	uint32_t flags;            /**< TDXC_MEMREGION_F_* */
	uint32_t max_regions;      /**< raw map entries that can be added (>= 1) */
	uint32_t max_reservations; /**< reservation records (>= 1) */
	uint64_t max_addr;         /**< managed RAM lies below this address;
				        multiple of 4 KiB, 4 KiB..MAX_ADDR_LIMIT */
	uint64_t reserved[2];      /**< must be zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_memregion_params) == 40,
		   tdxc_memregion_params_size);

/** One map entry (input of the text parser; output of region_get()). */
struct tdxc_memregion_region {
	uint64_t base;     /**< first byte */
	uint64_t end;      /**< exclusive end (base < end) */
	uint32_t type;     /**< enum tdxc_memregion_type */
	uint32_t raw_type; /**< firmware value (e820 or EFI type) */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_memregion_region) == 24,
		   tdxc_memregion_region_size);

/** Reservation states. */
#define TDXC_MEMREGION_RESV_LIVE 1u /**< holds its frames */
#define TDXC_MEMREGION_RESV_RELEASED 2u /**< its event was released */

/** One reservation record (output of tdxc_memregion_reservation_get()). */
struct tdxc_memregion_reservation {
	uint64_t base;    /**< 4 KiB aligned (rounded outward) */
	uint64_t end;     /**< exclusive, 4 KiB aligned */
	uint64_t event;   /**< release event, TDXC_MEMREGION_PERMANENT = never */
	uint64_t ram_bytes; /**< bytes of managed RAM inside the range */
	uint32_t state;   /**< TDXC_MEMREGION_RESV_* */
	uint32_t reserved0; /**< zero */
	char owner[TDXC_MEMREGION_OWNER_MAX + 1]; /**< NUL-terminated tag */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_memregion_reservation) == 64,
		   tdxc_memregion_reservation_size);

/** Statistics (output). */
struct tdxc_memregion_stats {
	uint64_t type_bytes[TDXC_MEMREGION_TYPE_COUNT]; /**< resolved map bytes per type */
	uint64_t managed_frames;    /**< usable + unaccepted frames below max_addr */
	uint64_t free_frames;       /**< frames the allocator can hand out now */
	uint64_t allocated_frames;  /**< frames handed out and not freed */
	uint64_t held_frames;       /**< managed frames under live reservations */
	uint64_t largest_free_run;  /**< longest run of free frames */
	uint64_t unaccepted_bytes;  /**< unaccepted bytes not yet accepted */
	uint64_t accept_calls;      /**< accept callback invocations */
	uint64_t reserve_count;     /**< successful tdxc_memregion_reserve() */
	uint64_t release_count;     /**< successful tdxc_memregion_release() */
	uint32_t regions;           /**< resolved regions */
	uint32_t reservations;      /**< reservation records (live + released) */
	uint64_t reserved[4];       /**< zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_memregion_stats) == 16 * 8 + 9 * 8 + 8 + 32,
		   tdxc_memregion_stats_size);

/** Opaque allocator object (lives in caller storage). */
struct tdxc_memregion;

/**
 * Accept callback: make [base, base + length) usable (e.g. TDG.MEM.PAGE.ACCEPT
 * trying 1 GiB, 2 MiB, then 4 KiB pages). base and length are 4 KiB
 * aligned and lie inside one run of unaccepted memory.
 * @return 0 on success; a positive value for "the platform said it was
 *         already accepted" (counted as success: the library keeps its own
 *         accepted bitmap and never trusts that answer to skip later
 *         calls); a negative value on failure.
 * The callback runs inside the allocator call that needs the memory: it
 * must not call into the same allocator object. It may be slow (it runs
 * TDCALLs); the library holds no lock of its own while it runs.
 */
typedef int (*tdxc_memregion_accept_fn)(void *opaque, uint64_t base,
					uint64_t length);

/** Text sink for tdxc_memregion_dump(): text is not NUL-terminated. */
typedef void (*tdxc_memregion_emit_fn)(void *ctx, const char *text,
				       size_t len);

/**
 * Bytes of storage needed for an allocator with these parameters.
 * @return the size (a multiple of 8), or 0 when @p params is NULL or
 *         invalid (same checks as tdxc_memregion_init()) or the size does
 *         not fit in size_t.
 * Pure; safe from any context.
 */
TDXC_API size_t
tdxc_memregion_storage_size(const struct tdxc_memregion_params *params);

/**
 * Initialise an allocator in caller storage. The map is empty and in the
 * building phase.
 * @param out receives the object (it points into @p storage).
 * @param storage caller memory, 8-byte aligned, owned by the object until
 *        the caller stops using it (no teardown call is needed).
 * @param len bytes at @p storage.
 * @param params the parameters (size-versioned); only read during the call.
 * @return 0 on success;
 *  TDXC_EINVAL  NULL @p out, @p storage or @p params, max_regions or
 *               max_reservations zero, max_addr zero;
 *  TDXC_ESIZE / TDXC_ERESERVED  bad params->size or non-zero bytes past the
 *               known struct (see size-versioned descriptors);
 *  TDXC_ERESERVED  params->reserved not zero;
 *  TDXC_EFLAGS  unknown flag bits;
 *  TDXC_EALIGN  max_addr not a multiple of 4 KiB, or @p storage not 8-byte
 *               aligned;
 *  TDXC_E2BIG   max_addr above TDXC_MEMREGION_MAX_ADDR_LIMIT or capacities
 *               above 2^24;
 *  TDXC_ENOSPC  @p len smaller than tdxc_memregion_storage_size().
 * On error nothing is written. O(1): the bitmaps are set up at commit.
 */
TDXC_API int tdxc_memregion_init(struct tdxc_memregion **out, void *storage,
				 size_t len,
				 const struct tdxc_memregion_params *params);

/**
 * Add one map entry (building phase). Entries may overlap and come in any
 * order; sub-page boundaries are allowed (rounded at commit).
 * @param mr the allocator.
 * @param base first byte of the range.
 * @param length bytes in the range (not zero).
 * @param type enum tdxc_memregion_type.
 * @param raw_type the firmware's own value, kept for diagnostics.
 * @return 0;
 *  TDXC_EINVAL   NULL @p mr, @p length zero, or @p type not a known type;
 *  TDXC_EOVERFLOW base + length wraps past 2^64;
 *  TDXC_ESTATE   already committed;
 *  TDXC_ENOSPC   max_regions entries already added.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_add(struct tdxc_memregion *mr, uint64_t base,
				uint64_t length, uint32_t type,
				uint32_t raw_type);

/**
 * Add a table of raw e820 entries ({le64 base, le64 length, le32 type},
 * 20 bytes each, as in the boot-params zero page). e820 types map as:
 * 1 usable, 2 reserved, 3 acpi, 4 nvs, 5 unusable, 7 and 12 pmem,
 * 0xEFFFFFFF soft_reserved, anything else unknown (raw value kept).
 * All or nothing.
 * @return the number of entries added (>= 0);
 *  TDXC_EINVAL   NULL @p mr, NULL @p table with non-zero @p len, or an
 *                entry of length zero;
 *  TDXC_EMALFORMED @p len not a multiple of 20;
 *  TDXC_EOVERFLOW an entry wraps past 2^64;
 *  TDXC_ESTATE   already committed;
 *  TDXC_ENOSPC   not enough free entries for the whole table.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_add_e820(struct tdxc_memregion *mr,
				     const void *table, size_t len);

/**
 * Add an EFI memory map (EFI_MEMORY_DESCRIPTOR array: le32 Type @0,
 * le64 PhysicalStart @8, le64 NumberOfPages @24, le64 Attribute @32).
 * Types: 7 usable (soft_reserved with EFI_MEMORY_SP 0x40000), 1-2 loader
 * code/data bootloader_reclaimable, 3-4 boot services bootloader_reclaimable
 * (usable with TDXC_MEMREGION_EFI_AFTER_EBS), 5-6 runtime firmware_held,
 * 0 and 13 reserved, 8 unusable, 9 acpi, 10 nvs, 11-12 mmio, 14 pmem,
 * 15 unaccepted, others unknown. All or nothing.
 * @param mr the allocator.
 * @param map the descriptors (little-endian).
 * @param len bytes at @p map.
 * @param desc_size the firmware's descriptor stride (>= 40, multiple of 8).
 * @param flags TDXC_MEMREGION_EFI_AFTER_EBS or 0.
 * @return the number of entries added (>= 0);
 *  TDXC_EINVAL   NULL @p mr, NULL @p map with non-zero @p len, or an
 *                entry with zero pages;
 *  TDXC_ESIZE    @p desc_size below 40 or not a multiple of 8;
 *  TDXC_EMALFORMED @p len not a multiple of @p desc_size;
 *  TDXC_EFLAGS   unknown bits in @p flags;
 *  TDXC_EALIGN   PhysicalStart not 4 KiB aligned;
 *  TDXC_EOVERFLOW an entry's end wraps past 2^64;
 *  TDXC_ESTATE   already committed;
 *  TDXC_ENOSPC   not enough free entries for the whole map.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_add_efi(struct tdxc_memregion *mr,
				    const void *map, size_t len,
				    size_t desc_size, uint32_t flags);

/**
 * Parse the next memory-map line of Linux dmesg text. Recognised:
 * `BIOS-e820: [mem 0x<hex>-0x<hex>] <type>` (inclusive end; optional
 * timestamp and prefixes) with the type words usable, System RAM, reserved,
 * device reserved, ACPI data, ACPI NVS, unusable, soft reserved,
 * `persistent (type N)` and `type N`. `BIOS-e820: [gap ...]` lines and every
 * line without `BIOS-e820:` are skipped. Stateless and freestanding: no
 * allocator object is involved.
 * @param text buffer (need not be NUL-terminated), @p len bytes.
 * @param len bytes at @p text.
 * @param offset in: where to continue (start with 0); out: past the line
 *        consumed.
 * @param line in/out: number of lines consumed so far (start with 0); after
 *        an entry or an error it is the 1-based number of that line.
 * @param out receives the entry (end exclusive) when 1 is returned.
 * @return 1 an entry was parsed; 0 end of text;
 *  TDXC_EINVAL NULL argument (other than @p text with @p len 0), or
 *              *offset > @p len;
 *  TDXC_EMALFORMED a `BIOS-e820:` line that does not parse (bad hex, end
 *              below start, unknown type word, trailing garbage), or an end
 *              of 0xffffffffffffffff (not representable exclusive);
 *              *line names it and *offset is past it.
 */
TDXC_API int tdxc_memregion_parse_dmesg(const char *text, size_t len,
					size_t *offset, uint32_t *line,
					struct tdxc_memregion_region *out);

/**
 * Parse dmesg text (see tdxc_memregion_parse_dmesg()) and add every entry.
 * All or nothing.
 * @param mr the allocator.
 * @param text dmesg text (need not be NUL-terminated).
 * @param len bytes at @p text.
 * @param bad_line if not NULL, receives the 1-based number of the line that
 *        failed (0 when the failure is not about one line).
 * @return the number of entries added (>= 0); the errors of
 *  tdxc_memregion_parse_dmesg() and of tdxc_memregion_add() (ENOSPC when the
 *  whole text does not fit). On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_add_dmesg(struct tdxc_memregion *mr,
				      const char *text, size_t len,
				      uint32_t *bad_line);

/**
 * Ingest a Linux EFI unaccepted-memory table (LINUX_EFI_UNACCEPTED_MEM_TABLE:
 * le32 version = 1 @0, le32 unit_size @4, le64 phys_base @8, le64 size
 * (bitmap bytes) @16, bitmap @24; a set bit is a unit still unaccepted).
 * Adds an UNACCEPTED entry per run of set bits (units in whole) and a
 * PERMANENT reservation "efi-unaccepted" for the table itself, covering
 * [align_down(table_pa), align_up(table_pa + 24 + size)). Only the first
 * @p len bytes are read, byte by byte. Building phase only; all or nothing.
 * @param mr the allocator.
 * @param table_pa physical address of the table (any alignment).
 * @param table a copy of the table (untrusted input).
 * @param len bytes readable at @p table.
 * @return the number of entries added (>= 0);
 *  TDXC_EINVAL  NULL @p mr or @p table;
 *  TDXC_ETRUNC  @p len below 24 or below 24 + size;
 *  TDXC_EVERSION version not 1;
 *  TDXC_ENOTSUP unit_size not 2 MiB;
 *  TDXC_EALIGN  phys_base not 2 MiB aligned;
 *  TDXC_EOVERFLOW the table or the covered range wraps past 2^64;
 *  TDXC_ESTATE  already committed;
 *  TDXC_ENOSPC  not enough free entries or reservation records.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_add_unaccepted_table(struct tdxc_memregion *mr,
						 uint64_t table_pa,
						 const void *table,
						 size_t len);

/**
 * Set the accept callback for unaccepted memory (any phase). Without one,
 * allocations that touch a unit not yet accepted fail with TDXC_ESTATE.
 * @return 0; TDXC_EINVAL NULL @p mr.
 */
TDXC_API int tdxc_memregion_set_accept_fn(struct tdxc_memregion *mr,
					  tdxc_memregion_accept_fn fn,
					  void *opaque);

/**
 * Resolve the map and start the allocator. Usable frames minus live
 * reservations become free; units overlapping unaccepted regions are
 * pending acceptance.
 * @return 0;
 *  TDXC_EINVAL NULL @p mr;
 *  TDXC_ESTATE already committed;
 *  TDXC_E2BIG  usable or unaccepted memory extends above max_addr.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_commit(struct tdxc_memregion *mr);

/**
 * Reserve a range for @p owner until @p event is released (or for ever with
 * TDXC_MEMREGION_PERMANENT). The range is rounded outward to 4 KiB. It may
 * cover non-RAM (recorded, no effect on free frames) and may overlap other
 * reservations (a frame is free only when every reservation covering it is
 * released). Allowed before and after commit.
 * @param mr the allocator.
 * @param base first byte of the range.
 * @param length bytes in the range (not zero).
 * @param owner NUL-terminated tag, 1..TDXC_MEMREGION_OWNER_MAX characters,
 *        copied.
 * @param event caller-defined id; must not have been released already.
 * @return 0;
 *  TDXC_EINVAL  NULL @p mr or @p owner, empty owner, @p length zero;
 *  TDXC_E2BIG   owner longer than TDXC_MEMREGION_OWNER_MAX;
 *  TDXC_EOVERFLOW the rounded range wraps past 2^64;
 *  TDXC_EALREADY @p event was already released;
 *  TDXC_EBUSY   a frame in the range is allocated;
 *  TDXC_ENOSPC  no free reservation record.
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_reserve(struct tdxc_memregion *mr, uint64_t base,
				    uint64_t length, const char *owner,
				    uint64_t event);

/**
 * Release every live reservation of @p event: frames that are managed RAM
 * and not covered by another live reservation go back to the free pool
 * (after commit; before commit they simply become usable at commit). No
 * coalescing with neighbours happens: the pool is a per-frame bitmap and a
 * frame becomes free only by its own state, so neighbours that are still
 * reserved or whose section metadata is not initialised stay untouched.
 * @param mr the allocator.
 * @param event the event whose reservations end.
 * @param freed_bytes if not NULL, receives the bytes returned to the pool.
 * @return 0;
 *  TDXC_EINVAL NULL @p mr;
 *  TDXC_EPERM  @p event is TDXC_MEMREGION_PERMANENT;
 *  TDXC_ENOENT no reservation was ever made with @p event;
 *  TDXC_EALREADY @p event was already released (nothing is freed twice).
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_release(struct tdxc_memregion *mr, uint64_t event,
				    uint64_t *freed_bytes);

/**
 * Allocate one frame: the lowest free frame (O(log64 frames)). Accepts its
 * 2 MiB unit first if needed (and the next unit when the frame ends on a
 * unit boundary).
 * @param mr the allocator.
 * @param pa receives the frame's physical address.
 * @return 0;
 *  TDXC_EINVAL NULL argument;
 *  TDXC_ESTATE not committed, or acceptance needed and no accept callback;
 *  TDXC_ENOMEM no free frame;
 *  TDXC_ECALLBACK the accept callback failed (nothing allocated).
 * On error the object is unchanged (units accepted before a failing
 * callback stay accepted: that is true state, not a leak).
 */
TDXC_API int tdxc_memregion_alloc(struct tdxc_memregion *mr, uint64_t *pa);

/**
 * Allocate @p frames contiguous frames, aligned to @p align bytes, lying
 * wholly inside [@p min, @p max) (lowest fit). E.g. max =
 * TDXC_MEMREGION_BELOW_1M for an AP trampoline. Units touched are accepted
 * (plus the next unit when the run ends on a unit boundary).
 * @param mr the allocator.
 * @param frames number of 4 KiB frames (not zero).
 * @param align power of two >= 4096, or 0 for 4096.
 * @param min lowest address of the run (4 KiB aligned).
 * @param max exclusive upper bound of the run (4 KiB aligned, or TDXC_MEMREGION_NO_LIMIT).
 * @param pa receives the run's physical address.
 * @return 0;
 *  TDXC_EINVAL NULL argument or @p frames zero;
 *  TDXC_EALIGN @p align not a power of two or below 4096, or @p min / @p max
 *              not 4 KiB aligned (max = TDXC_MEMREGION_NO_LIMIT allowed);
 *  TDXC_ERANGE @p min >= @p max;
 *  TDXC_ESTATE not committed, or acceptance needed and no callback;
 *  TDXC_ENOMEM no such run;
 *  TDXC_ECALLBACK the accept callback failed (nothing allocated).
 * On error the object is unchanged.
 */
TDXC_API int tdxc_memregion_alloc_range(struct tdxc_memregion *mr,
					uint64_t frames, uint64_t align,
					uint64_t min, uint64_t max,
					uint64_t *pa);

/**
 * Allocate exactly [base, base + length) (4 KiB aligned).
 * @return 0;
 *  TDXC_EINVAL NULL @p mr or @p length zero;
 *  TDXC_EALIGN base or length not 4 KiB aligned;
 *  TDXC_EOVERFLOW the range wraps;
 *  TDXC_ESTATE not committed, or acceptance needed and no callback;
 *  TDXC_EFOREIGN a frame is not managed RAM (hole, other type, >= max_addr);
 *  TDXC_EHELD  a frame is under a live reservation;
 *  TDXC_EBUSY  a frame is already allocated;
 *  TDXC_ECALLBACK the accept callback failed.
 * The first offending frame (lowest address) decides the code. On error
 * the object is unchanged.
 */
TDXC_API int tdxc_memregion_claim(struct tdxc_memregion *mr, uint64_t base,
				  uint64_t length);

/**
 * Free [base, base + length) (4 KiB aligned; any sub-range of earlier
 * allocations, partial frees allowed).
 * @return 0;
 *  TDXC_EINVAL NULL @p mr or @p length zero;
 *  TDXC_EALIGN base or length not 4 KiB aligned;
 *  TDXC_EOVERFLOW the range wraps;
 *  TDXC_ESTATE not committed;
 *  TDXC_EFOREIGN a frame is outside managed memory (not usable/unaccepted
 *              RAM of the resolved map, or >= max_addr);
 *  TDXC_EHELD  a frame is under a live reservation;
 *  TDXC_EDOUBLEFREE a frame is free and was freed before (or, without
 *              TDXC_MEMREGION_F_TRACK_FREED, simply free);
 *  TDXC_ENOTALLOC a frame is free and was never allocated since it became
 *              available (only with TDXC_MEMREGION_F_TRACK_FREED).
 * The first offending frame decides the code. On error nothing changed.
 */
TDXC_API int tdxc_memregion_free(struct tdxc_memregion *mr, uint64_t base,
				 uint64_t length);

/**
 * Accept the units covering [base, base + length) now (byte granular: the
 * range is page-aligned outward first; a range that then ends on a unit
 * boundary also accepts the next unit). Units already accepted by the
 * library are skipped.
 * @return 0;
 *  TDXC_EINVAL NULL @p mr or @p length zero;
 *  TDXC_EOVERFLOW the range wraps;
 *  TDXC_ESTATE not committed, or a unit is pending and there is no callback;
 *  TDXC_ECALLBACK the callback failed (units accepted before stay accepted).
 */
TDXC_API int tdxc_memregion_accept(struct tdxc_memregion *mr, uint64_t base,
				   uint64_t length);

/**
 * Accept every pending unit now (one callback per maximal run of pending
 * unaccepted memory).
 * @return 0; TDXC_EINVAL NULL @p mr; TDXC_ESTATE not committed or no
 *  callback while memory is pending; TDXC_ECALLBACK a callback failed
 *  (runs accepted before stay accepted).
 */
TDXC_API int tdxc_memregion_accept_all(struct tdxc_memregion *mr);

/**
 * Statistics. O(sections) for largest_free_run (reads lazily computed
 * sections without initialising them).
 * @return 0; TDXC_EINVAL NULL argument; TDXC_ESTATE not committed.
 */
TDXC_API int tdxc_memregion_stats(const struct tdxc_memregion *mr,
				  struct tdxc_memregion_stats *out);

/**
 * Resolved region @p index (ascending addresses, holes omitted).
 * @return 0; TDXC_EINVAL NULL argument; TDXC_ESTATE not committed;
 *  TDXC_ENOENT @p index >= number of regions.
 */
TDXC_API int tdxc_memregion_region_get(const struct tdxc_memregion *mr,
				       uint32_t index,
				       struct tdxc_memregion_region *out);

/**
 * Reservation record @p index (in the order they were made; released
 * records stay listed). ram_bytes is 0 before commit.
 * @return 0; TDXC_EINVAL NULL argument; TDXC_ENOENT @p index too large.
 */
TDXC_API int
tdxc_memregion_reservation_get(const struct tdxc_memregion *mr,
			       uint32_t index,
			       struct tdxc_memregion_reservation *out);

/**
 * Classify one physical address (after commit).
 * @return 1 allocated, 2 free, 3 under a live reservation, 4 not managed
 *  RAM; TDXC_EINVAL NULL @p mr; TDXC_ESTATE not committed.
 */
TDXC_API int tdxc_memregion_frame_state(const struct tdxc_memregion *mr,
					uint64_t pa);
#define TDXC_MEMREGION_FRAME_ALLOCATED 1 /**< handed out by the allocator */
#define TDXC_MEMREGION_FRAME_FREE 2 /**< free to allocate */
#define TDXC_MEMREGION_FRAME_HELD 3 /**< under a live reservation */
#define TDXC_MEMREGION_FRAME_FOREIGN 4 /**< not managed RAM */

/**
 * Short lowercase name of a type ("usable", "acpi", "nvs", "soft_reserved",
 * "unknown", ...). Never NULL ("invalid" for an unknown value).
 */
TDXC_API const char *tdxc_memregion_type_name(uint32_t type);

/**
 * Human-readable dump of the resolved map, the reservations with owners
 * and events, per-owner totals and the counters, written through @p emit
 * in small pieces.
 * @return 0; TDXC_EINVAL NULL @p mr or @p emit; TDXC_ESTATE not committed.
 */
TDXC_API int tdxc_memregion_dump(const struct tdxc_memregion *mr,
				 tdxc_memregion_emit_fn emit, void *ctx);

/* ---- snapshot container records (tdxcore/snapshot.h) ------------------ */

struct tdxc_snapshot_writer;
struct tdxc_snapshot_reader;

/**
 * Add the allocator's state as the memregion record of a snapshot container
 * being written (module TDXC_SNAPSHOT_MOD_MEMREGION, instance 0): the
 * resolved map, every reservation with owner, event and state, the
 * allocated frames, the units still waiting for acceptance and (with
 * TDXC_MEMREGION_F_TRACK_FREED) the frames freed since they became
 * available; runs of frames, so the size follows the fragmentation, not
 * the memory size. The accept callback is not state. In measuring mode only
 * the size is accounted. O(sections touched + regions + reservations).
 * The object is not modified; the writer is unchanged on error.
 * @return 0; TDXC_EINVAL NULL @p mr or @p w, or either not initialised;
 *  TDXC_ESTATE @p mr not committed, or the writer is finished;
 *  TDXC_ENOSPC the writer's buffer is full; TDXC_E2BIG the container would
 *  exceed its size limit.
 */
TDXC_API int tdxc_memregion_snapshot_add(const struct tdxc_memregion *mr,
					 struct tdxc_snapshot_writer *w);

/**
 * Restore the memregion record of an opened container into @p mr, which
 * must be freshly initialised (no map entry, no reservation, not
 * committed) with the same max_addr and flags; capacities may be larger.
 * All or nothing: the whole record is checked against @p mr's limits and
 * for internal consistency first; on error @p mr is unchanged. On success
 * @p mr is committed and answers every query (stats, regions,
 * reservations, frame states, later calls) as the saved object did. The
 * accept callback is never invoked: units accepted before the snapshot
 * stay accepted; @p mr keeps its own callback for the units still pending.
 * Validation costs O(V^2 + (A + F) * (V + log P)) for V reservations, A
 * allocated runs, F freed runs and P pending runs: bounded by the
 * capacities the caller gave @p mr. Does not allocate or sleep.
 * @return 0;
 *  TDXC_EINVAL  NULL argument, @p mr not initialised, reader not open;
 *  TDXC_ENOENT  no memregion record;
 *  TDXC_ESTATE  @p mr is not freshly initialised;
 *  TDXC_EVERSION record version 0;
 *  TDXC_ETRUNC  body shorter than its header or than its counts need;
 *  TDXC_ENOTUSABLE max_addr or flags differ from @p mr's;
 *  TDXC_ENOSPC  more regions or reservations than @p mr holds;
 *  TDXC_ERESERVED a reserved field is non-zero, or non-zero fields of a
 *               newer record version;
 *  TDXC_EMALFORMED anything inconsistent: record header lengths, a
 *               version-1 record with trailing bytes, two memregion
 *               records, a body longer than its counts, a region that is
 *               unaligned, empty, out of order, overlapping, of unknown
 *               type, RAM above max_addr or not merged with an equal
 *               neighbour; a reservation that is unaligned, empty, of
 *               unknown state, with an empty, unterminated or unpadded
 *               owner, a released permanent one, or an event with both
 *               live and released records; runs that are empty, unsorted,
 *               touching or out of range; pending units outside
 *               unaccepted memory; allocated or freed frames outside
 *               managed RAM, under a live reservation or in (or just
 *               before) a pending unit; freed frames without
 *               TDXC_MEMREGION_F_TRACK_FREED or overlapping allocated ones.
 */
TDXC_API int tdxc_memregion_snapshot_restore(struct tdxc_memregion *mr,
					     const struct tdxc_snapshot_reader *r);

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_MEMREGION_H */
