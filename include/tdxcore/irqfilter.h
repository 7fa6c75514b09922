/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file irqfilter.h
 * @brief Per-VP proxy-interrupt (proxy IRR) filter computed from SynIC SINT,
 *        VMBus-relay and device-interrupt inputs, with lock-free readers.
 *
 * In a hardware-isolated VM the untrusted host signals guest interrupts as
 * "proxy interrupts"; a paravisor forwards a vector to the guest only when it
 * is in the per-VP allow filter. This module keeps the inputs that decide the
 * filter, recomputes it as a pure function of them, publishes it so readers
 * (an interrupt handler) always see one complete version, applies it to
 * asserted vectors and counts every vector it blocks.
 *
 * Objects (all in caller memory, see tdxc_irqfilter_storage_size()):
 * - one partition (`struct tdxc_irqfilter_part`): policy flags, the
 *   relayed-SINT mask, the refcounted device-vector table and a generation
 *   counter bumped by every partition-level change;
 * - `vp_count` VPs (`struct tdxc_irqfilter_vp`, handles from
 *   tdxc_irqfilter_vp_get()): the SINT and SCONTROL registers of VTL0 and
 *   VTL1, the published VTL0 filter, the drop counters.
 *
 * Threading model (the library takes no lock):
 * - **VP writer calls** (sint_write, scontrol_write, vp_sync, vp_set_mirror)
 *   on one VP must be serialised by the caller; normally they are made only
 *   by the thread that runs that VP. Different VPs need no serialisation.
 * - **Partition writer calls** (set_relay_sints, set_policy, device_add,
 *   device_remove) must be serialised among themselves by the caller (one
 *   partition lock). They may run concurrently with VP writer calls and with
 *   readers on any VP: everything a VP reads from the partition is atomic.
 * - **Whole-object calls** (init, restore, sync_all) require that no writer
 *   call of any kind runs concurrently; readers may run.
 * - **Reader calls** (apply8, apply1, read, drops, vp_counters,
 *   wait_applied, generation) may run anywhere, any number at once,
 *   including in interrupt context: they never block, never allocate, never
 *   take a lock and do O(8) word operations (plus one counter increment per
 *   blocked vector).
 *
 * Publication: two copies of the filter, each alone on a cache line with
 * its own version word (a "latch"). A writer publishes by rewriting copy 1
 * (marking its version odd, storing the words, storing the next even
 * version), then copy 0 the same way. Readers use copy 0, or copy 1 while
 * copy 0's version is odd: they load the version (acquire), read the words
 * (acquire loads) and re-check the version, retrying if it moved. A reader
 * therefore only ever returns a complete published filter, old or new,
 * never a mix of words. Unlike a plain seqlock it never waits for a writer
 * either: an interrupt handler that runs on the writer's CPU in the middle
 * of a publish reads the copy that is not being written and succeeds at
 * once. Readers normally touch one cache line, which a publish writes once.
 * All shared words are accessed with `__atomic` builtins (see lib/irqfilter/
 * for the exact orderings).
 */
#ifndef TDXCORE_IRQFILTER_H
#define TDXCORE_IRQFILTER_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Number of SINTs per VP per VTL. */
#define TDXC_IRQFILTER_NUM_SINTS 16u
/** Number of interrupt vectors covered by a filter. */
#define TDXC_IRQFILTER_NUM_VECTORS 256u
/** Words (uint32_t, LSB first: vector v is word v >> 5, bit v & 31). */
#define TDXC_IRQFILTER_WORDS 8u
/** Lowest vector that may ever be allowed; 0..15 are exceptions. */
#define TDXC_IRQFILTER_FIRST_VECTOR 16u
/** VTLs with SynIC state here: 0 (filtered) and 1 (kept, never filtered). */
#define TDXC_IRQFILTER_NUM_VTLS 2u
/** Limits of tdxc_irqfilter_params. */
#define TDXC_IRQFILTER_MAX_VPS 65536u /**< most VPs in one partition */
#define TDXC_IRQFILTER_MAX_DEVICE_ENTRIES 1048576u /**< most (device, vector, VP) triples */
/** Required alignment of the storage given to tdxc_irqfilter_init(). */
#define TDXC_IRQFILTER_STORAGE_ALIGN 64u
/** Reader retries before a read falls back to "everything blocked". */
#define TDXC_IRQFILTER_READ_RETRIES 64u

/** @name SINT register fields (Hyper-V TLFS, SynIC) */
/**@{*/
#define TDXC_IRQFILTER_SINT_VECTOR_MASK 0xffull /**< bits 7:0: the vector */
#define TDXC_IRQFILTER_SINT_MASKED (1ull << 16) /**< bit 16: masked */
#define TDXC_IRQFILTER_SINT_AUTO_EOI (1ull << 17) /**< bit 17: auto EOI */
#define TDXC_IRQFILTER_SINT_POLLING (1ull << 18) /**< bit 18: polling (no interrupt) */
#define TDXC_IRQFILTER_SINT_AS_INTERCEPT (1ull << 19) /**< bit 19: as intercept */
#define TDXC_IRQFILTER_SINT_PROXY (1ull << 20) /**< bit 20: proxy (host-signalled) */
/** Value of every SINT after VP creation (masked, vector 0). */
#define TDXC_IRQFILTER_SINT_RESET 0x10000ull
/** SCONTROL bit 0: SynIC enable. */
#define TDXC_IRQFILTER_SCONTROL_ENABLE 1ull
/**@}*/

/** @name Run-page layout (OpenHCL mshv_vtl `hcl_run`), byte offsets */
/**@{*/
#define TDXC_IRQFILTER_RUNPAGE_SCAN_PROXY_IRR 12u /**< u8: proxy_irr has new bits */
#define TDXC_IRQFILTER_RUNPAGE_PROXY_IRR 1552u /**< 8 x u32: vectors the host asserted */
/** The filter, inverted: 8 x u32, bit set = vector blocked. */
#define TDXC_IRQFILTER_RUNPAGE_PROXY_IRR_BLOCKED 1588u
#define TDXC_IRQFILTER_RUNPAGE_PROXY_IRR_EXIT 1620u /**< 8 x u32: always exit */
/**@}*/

/** @name Policy flags (tdxc_irqfilter_params::policy, set_policy) */
/**@{*/
/** Unmasked polling SINTs contribute (OpenHCL parity). Default: they do not. */
#define TDXC_IRQFILTER_POLICY_COUNT_POLLING (1u << 0)
/** SINTs contribute even when SCONTROL is disabled (OpenHCL parity).
 *  Default: with SCONTROL bit 0 clear no SINT contributes. */
#define TDXC_IRQFILTER_POLICY_IGNORE_SCONTROL (1u << 1)
/** Accept unmasked SINT writes with a vector 0..15 instead of reporting \#GP
 *  (the vector is still never allowed). Default: strict (\#GP). */
#define TDXC_IRQFILTER_POLICY_ACCEPT_LOW_VECTORS (1u << 2)
#define TDXC_IRQFILTER_POLICY_ALL 0x7u /**< every known policy flag */
/**@}*/

/** Save-blob format (see docs/irqfilter.md). */
#define TDXC_IRQFILTER_SAVE_VERSION 1u

/** Partition object, opaque, lives in caller storage. */
struct tdxc_irqfilter_part;
/** One VP of a partition, opaque, lives inside the partition storage. */
struct tdxc_irqfilter_vp;

/**
 * Creation parameters (input descriptor: set `size` to sizeof()).
 * Every reserved field must be zero.
 */
struct tdxc_irqfilter_params {
	uint32_t size;               /**< sizeof(struct tdxc_irqfilter_params) */
	uint32_t vp_count;           /**< 1..TDXC_IRQFILTER_MAX_VPS */
	uint32_t max_device_entries; /**< 0..MAX_DEVICE_ENTRIES (device, vector, VP) triples */
	uint32_t policy;             /**< TDXC_IRQFILTER_POLICY_* */
	uint16_t relay_sints;        /**< bit n: SINTn is driven by the VMBus relay */
	uint16_t reserved0;          /**< must be 0 */
	uint32_t reserved1;          /**< must be 0 */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_irqfilter_params) == 24, irqfilter_params_size);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_irqfilter_params, relay_sints) == 16,
		   irqfilter_params_relay_off);

/**
 * Callback of tdxc_irqfilter_wait_applied(): make VP @p vp_index run
 * tdxc_irqfilter_vp_sync() soon (set a wake reason, send an IPI, ...).
 * Return 0 on success, anything else aborts the wait.
 */
typedef int (*tdxc_irqfilter_kick_fn)(void *ctx, uint32_t vp_index);
/** Callback of tdxc_irqfilter_wait_applied() between polls (yield, sleep). */
typedef void (*tdxc_irqfilter_relax_fn)(void *ctx);

/**
 * Bytes of storage needed for a partition.
 * @param params creation parameters (size-versioned).
 * @param[out] size receives the byte count (a multiple of 64).
 * @return 0;
 *   TDXC_EINVAL  @p params or @p size is NULL;
 *   TDXC_ESIZE   params->size is smaller than the first released struct;
 *   TDXC_ERESERVED a reserved field or trailing byte of a larger struct is non-zero;
 *   TDXC_ERANGE  vp_count is 0 or above TDXC_IRQFILTER_MAX_VPS, or
 *                max_device_entries above TDXC_IRQFILTER_MAX_DEVICE_ENTRIES;
 *   TDXC_EFLAGS  unknown policy bits;
 *   TDXC_EOVERFLOW the size does not fit a size_t (32-bit hosts only).
 * Pure function; safe from any context.
 */
TDXC_API int tdxc_irqfilter_storage_size(const struct tdxc_irqfilter_params *params,
					 size_t *size);

/**
 * Create a partition in caller storage. Every VP starts default-deny (all
 * 256 vectors blocked), with all SINTs at TDXC_IRQFILTER_SINT_RESET and
 * SCONTROL 0, and the generation at 1.
 * @param storage caller memory, aligned to TDXC_IRQFILTER_STORAGE_ALIGN; it
 *        must stay valid and in place for the life of the partition. The
 *        library keeps no other reference.
 * @param len bytes at @p storage.
 * @param params as for tdxc_irqfilter_storage_size().
 * @param[out] out receives the partition handle (== storage).
 * @return 0;
 *   TDXC_EINVAL  a pointer is NULL;
 *   TDXC_EALIGN  @p storage is not 64-byte aligned;
 *   TDXC_ENOSPC  @p len is below tdxc_irqfilter_storage_size();
 *   and every error of tdxc_irqfilter_storage_size().
 * On error neither @p storage nor @p *out is written. Does not sleep.
 */
TDXC_API int tdxc_irqfilter_init(void *storage, size_t len,
				 const struct tdxc_irqfilter_params *params,
				 struct tdxc_irqfilter_part **out);

/**
 * Handle of VP @p index.
 * @return 0; TDXC_EINVAL NULL pointer or @p part not initialised;
 *   TDXC_ERANGE @p index >= vp_count (@p *out untouched).
 */
TDXC_API int tdxc_irqfilter_vp_get(struct tdxc_irqfilter_part *part, uint32_t index,
				   struct tdxc_irqfilter_vp **out);

/**
 * A guest write of SINT @p sint (MSR 0x40000090 + sint) of VTL @p vtl, after
 * the SynIC emulator decided to accept it. A VTL0 write recomputes the VTL0
 * filter at once and publishes it if it changed (the first write already
 * does). A VTL1 write only updates the VTL1 register copy: it never changes
 * the VTL0 filter.
 * VP writer call (see the threading model). Does not sleep.
 * @return 1 the VTL0 filter changed and was published; 0 accepted, filter
 *   unchanged (no store, no generation bump);
 *   TDXC_EINVAL  @p vp is NULL;
 *   TDXC_ENOTSUP @p vtl is not 0 or 1;
 *   TDXC_ERANGE  @p sint >= 16, or (strict policy) the value is unmasked
 *                with a vector 0..15: the guest gets \#GP. Nothing changed.
 */
TDXC_API int tdxc_irqfilter_sint_write(struct tdxc_irqfilter_vp *vp, uint32_t vtl,
				       uint32_t sint, uint64_t value);

/**
 * Current value of SINT @p sint of VTL @p vtl (as last accepted or restored).
 * @return 0; TDXC_EINVAL NULL pointer; TDXC_ENOTSUP bad @p vtl;
 *   TDXC_ERANGE @p sint >= 16.
 * VP writer side (same thread as the writes).
 */
TDXC_API int tdxc_irqfilter_sint_read(const struct tdxc_irqfilter_vp *vp, uint32_t vtl,
				      uint32_t sint, uint64_t *value);

/**
 * A guest write of SCONTROL (MSR 0x40000080) of VTL @p vtl. Bit 0 enables
 * the SynIC; other bits are stored. VTL0 recomputes as sint_write().
 * @return 1 published, 0 unchanged; TDXC_EINVAL @p vp NULL;
 *   TDXC_ENOTSUP @p vtl not 0 or 1.
 */
TDXC_API int tdxc_irqfilter_scontrol_write(struct tdxc_irqfilter_vp *vp, uint32_t vtl,
					   uint64_t value);

/**
 * Set the relayed-SINT mask (bit n: SINTn is driven by the VMBus relay, so
 * its vector is allowed while unmasked even without the proxy bit).
 * Partition writer call. Every VP re-evaluates its current SINT values at its
 * next tdxc_irqfilter_vp_sync() (or any VTL0 write); wait for that with
 * tdxc_irqfilter_wait_applied().
 * @param part the partition.
 * @param mask bit n set: SINTn is driven by the VMBus relay.
 * @param[out] gen optional: the partition generation that carries the change.
 * @return 0; TDXC_EINVAL @p part NULL or not initialised.
 * An identical mask bumps nothing (@p gen gets the current generation).
 */
TDXC_API int tdxc_irqfilter_set_relay_sints(struct tdxc_irqfilter_part *part,
					    uint16_t mask, uint64_t *gen);

/**
 * Replace the policy flags (partition writer call; as set_relay_sints()).
 * The flags also govern later SINT-write validation.
 * @return 0; TDXC_EINVAL @p part NULL or not initialised;
 *   TDXC_EFLAGS unknown bits (nothing changed).
 */
TDXC_API int tdxc_irqfilter_set_policy(struct tdxc_irqfilter_part *part, uint32_t policy,
				       uint64_t *gen);

/**
 * Register device interrupt vector @p vector of device @p dev_id on each VP
 * of @p vps (a retarget; @p vps is a set: strictly ascending VP indices).
 * Reference-counted per (device, vector, VP): adding the same triple again
 * increments its count. All or nothing.
 * Partition writer call. To never drop the first interrupt after a retarget:
 * call this, sync the calling VP if it is a target, wait with
 * tdxc_irqfilter_wait_applied(@p vps, *@p gen), and only then tell the
 * hypervisor to deliver.
 * @param part the partition.
 * @param dev_id the caller's device identifier (any value).
 * @param vector the device interrupt vector, 16..255.
 * @param vps target VP indices, strictly ascending.
 * @param n_vps entries in @p vps (at least 1).
 * @param[out] gen optional: the generation every target VP must apply.
 * @return 0;
 *   TDXC_EINVAL  @p part not initialised, @p vps NULL, @p n_vps 0, or
 *                @p vps not strictly ascending (so also a VP listed twice);
 *   TDXC_ERANGE  @p vector < 16 or > 255 (never truncated), or a VP index
 *                >= vp_count;
 *   TDXC_ENOSPC  the device table lacks room for the new triples;
 *   TDXC_EOVERFLOW a reference count would exceed UINT32_MAX.
 * On error nothing changed.
 */
TDXC_API int tdxc_irqfilter_device_add(struct tdxc_irqfilter_part *part, uint64_t dev_id,
				       uint32_t vector, const uint32_t *vps,
				       uint32_t n_vps, uint64_t *gen);

/**
 * Drop one reference of (device, vector, VP) for each VP of @p vps; a VP's
 * vector bit goes away when no device references it any more (after that
 * VP's next sync). Tell the hypervisor first, then remove. All or nothing.
 * Partition writer call.
 * @return 0; TDXC_EINVAL, TDXC_ERANGE as device_add();
 *   TDXC_ENOENT a triple is not registered (nothing changed).
 */
TDXC_API int tdxc_irqfilter_device_remove(struct tdxc_irqfilter_part *part,
					  uint64_t dev_id, uint32_t vector,
					  const uint32_t *vps, uint32_t n_vps,
					  uint64_t *gen);

/**
 * Recompute the VTL0 filter of @p vp from its SINTs and the current
 * partition state, publish it if it differs from the published one, and
 * record the partition generation it reflects. Call it when the partition
 * generation moved (a kick from tdxc_irqfilter_wait_applied()), e.g. each
 * time the VP is about to enter the guest.
 * VP writer call. Does not sleep.
 * @return 1 published, 0 unchanged; TDXC_EINVAL @p vp NULL.
 */
TDXC_API int tdxc_irqfilter_vp_sync(struct tdxc_irqfilter_vp *vp);

/**
 * tdxc_irqfilter_vp_sync() on every VP, from one thread. Whole-object call
 * (no concurrent writer anywhere): for single-threaded users and after
 * tdxc_irqfilter_restore().
 * @return number of VPs that published a new filter; TDXC_EINVAL @p part
 *   NULL or not initialised.
 */
TDXC_API int tdxc_irqfilter_sync_all(struct tdxc_irqfilter_part *part);

/**
 * Current partition generation (starts at 1, bumped by every partition
 * change). Reader call.
 * @return the generation, 0 if @p part is NULL or not initialised.
 */
TDXC_API uint64_t tdxc_irqfilter_generation(const struct tdxc_irqfilter_part *part);

/**
 * Wait until every VP of @p vps has published a filter that reflects
 * partition generation @p gen (cross-VP ordering before a retarget).
 * Each lagging VP is kicked once through @p kick; then the VPs are polled,
 * calling @p relax (or a CPU pause when NULL) between polls, at most
 * @p max_polls times. Never call it while holding a lock a target VP's
 * thread needs to sync, and sync the calling VP itself first.
 * Reader call (spins; sleeps only if @p relax does).
 * @return 0 all applied;
 *   TDXC_EINVAL  @p part not initialised, @p vps NULL with @p n_vps > 0, or
 *                @p gen above the current generation;
 *   TDXC_ERANGE  a VP index >= vp_count (checked before any kick);
 *   TDXC_ECALLBACK @p kick returned non-zero;
 *   TDXC_ETIMEDOUT not all applied after @p max_polls polls (0: one check).
 */
TDXC_API int tdxc_irqfilter_wait_applied(struct tdxc_irqfilter_part *part,
					 const uint32_t *vps, uint32_t n_vps, uint64_t gen,
					 tdxc_irqfilter_kick_fn kick,
					 tdxc_irqfilter_relax_fn relax, void *ctx,
					 uint64_t max_polls);

/**
 * Hot path, multi-vector form: out[i] = asserted[i] & allowed[i] against one
 * complete published filter; every asserted vector that is blocked is
 * counted. Vectors 0..15 are always blocked.
 * Reader call: lock-free, never blocks, interrupt-safe. If the filter was
 * republished TDXC_IRQFILTER_READ_RETRIES times in a row during the read,
 * everything is treated as blocked (counted as a fallback and as drops).
 * @p asserted and @p out may be the same array.
 * @return number of vectors blocked (0..256); TDXC_EINVAL a NULL pointer.
 */
TDXC_API int tdxc_irqfilter_apply8(struct tdxc_irqfilter_vp *vp,
				   const uint32_t asserted[8], uint32_t out[8]);

/**
 * Hot path, single-vector form. The vector comes from the untrusted host:
 * it is masked to 8 bits (0x1ff -> 0xff) before the test, never rejected.
 * Reader call, as apply8().
 * @return 1 deliver, 0 blocked (counted); TDXC_EINVAL @p vp NULL.
 */
TDXC_API int tdxc_irqfilter_apply1(struct tdxc_irqfilter_vp *vp, uint32_t vector);

/**
 * Consistent snapshot of the published VTL0 filter (allowed bits).
 * Reader call.
 * @param vp the VP.
 * @param[out] allowed 8 words.
 * @param[out] pub_count optional: number of publishes so far on this VP.
 * @return 0; TDXC_EINVAL a NULL pointer; TDXC_EBUSY the filter kept changing
 *   for TDXC_IRQFILTER_READ_RETRIES retries (@p allowed untouched).
 */
TDXC_API int tdxc_irqfilter_read(const struct tdxc_irqfilter_vp *vp, uint32_t allowed[8],
				 uint64_t *pub_count);

/**
 * Also publish the filter of @p vp, inverted ("blocked" bits, word i bit j
 * = vector 32i+j blocked), into caller memory, e.g. a run page at
 * TDXC_IRQFILTER_RUNPAGE_PROXY_IRR_BLOCKED. The words are written at once
 * (all ones before the first publish) and at every publish, each with an
 * atomic 32-bit store: first the union of old and new allowed sets, then
 * the new set (release stores). A reader of these words that does not
 * use the version protocol may see a mix of words, but every vector allowed
 * in both the old and the new filter stays allowed throughout, and a vector
 * moving between words is never blocked in both places at once.
 * VP writer call. @p blocked NULL stops mirroring.
 * @return 0; TDXC_EINVAL @p vp NULL; TDXC_EALIGN @p blocked not 4-aligned.
 */
TDXC_API int tdxc_irqfilter_vp_set_mirror(struct tdxc_irqfilter_vp *vp, uint32_t *blocked);

/**
 * Drops counted for @p vector on @p vp (reader call).
 * @return 0; TDXC_EINVAL NULL pointer; TDXC_ERANGE @p vector > 255.
 */
TDXC_API int tdxc_irqfilter_drops(const struct tdxc_irqfilter_vp *vp, uint32_t vector,
				  uint64_t *count);

/**
 * Counters of @p vp (reader call); each output pointer is optional.
 * @param vp the VP.
 * @param[out] drops_total sum of the per-vector drop counters.
 * @param[out] fallbacks reads that fell back to "all blocked".
 * @param[out] applied_gen partition generation of the last sync (0: never).
 * @return 0; TDXC_EINVAL @p vp NULL.
 */
TDXC_API int tdxc_irqfilter_vp_counters(const struct tdxc_irqfilter_vp *vp,
					uint64_t *drops_total, uint64_t *fallbacks,
					uint64_t *applied_gen);

/**
 * Size of the save blob of the current inputs.
 * @return 0; TDXC_EINVAL NULL pointer or @p part not initialised.
 * Partition writer side (no concurrent writer).
 */
TDXC_API int tdxc_irqfilter_save_size(const struct tdxc_irqfilter_part *part, size_t *size);

/**
 * Save the inputs (policy, relayed-SINT mask, SINT and SCONTROL values of
 * both VTLs of every VP, device table), never the derived filter, into a
 * versioned little-endian blob in @p buf (caller-owned).
 * @param part the partition.
 * @param buf output buffer (caller memory).
 * @param len bytes at @p buf.
 * @param[out] written optional: bytes written.
 * @return 0; TDXC_EINVAL NULL pointer or @p part not initialised;
 *   TDXC_ENOSPC @p len below tdxc_irqfilter_save_size() (@p buf untouched).
 * No concurrent writer calls.
 */
TDXC_API int tdxc_irqfilter_save(const struct tdxc_irqfilter_part *part, void *buf,
				 size_t len, size_t *written);

/**
 * Replace every input with the contents of a blob from tdxc_irqfilter_save(),
 * after validating all of it (all or nothing). On success every VP filter is
 * published as default-deny and stays so until recomputed
 * (tdxc_irqfilter_sync_all() or per-VP tdxc_irqfilter_vp_sync()); the
 * partition generation is bumped and the drop counters are kept.
 * Whole-object call. The blob is untrusted.
 * @return 0;
 *   TDXC_EINVAL  NULL pointer, @p part not initialised, or the blob's
 *                vp_count differs from the partition's;
 *   TDXC_ETRUNC  @p len shorter than the header or the blob's total size;
 *   TDXC_EBADSIG bad magic;
 *   TDXC_EVERSION unknown format version;
 *   TDXC_EMALFORMED inconsistent sizes, trailing bytes, a bad device entry
 *                (VP index, vector, zero count, not strictly sorted or a
 *                duplicate). SINT/SCONTROL values are taken as they are
 *                (vectors 0..15 are never allowed whatever the SINT says);
 *   TDXC_ECHECKSUM checksum mismatch;
 *   TDXC_ERESERVED a reserved field is non-zero;
 *   TDXC_EFLAGS  unknown policy bits;
 *   TDXC_ENOSPC  more device entries than the partition holds.
 * On error nothing changed.
 */
TDXC_API int tdxc_irqfilter_restore(struct tdxc_irqfilter_part *part, const void *buf,
				    size_t len);

struct tdxc_snapshot_writer;
struct tdxc_snapshot_reader;

/**
 * Add the partition's inputs as the irqfilter record of a snapshot
 * container being written (module TDXC_SNAPSHOT_MOD_IRQFILTER, instance 0,
 * body = the tdxc_irqfilter_save() blob). The inputs are SynIC state of
 * VTL0 and VTL1 and the paravisor's device routing: the writer's producer
 * VTL must be at least TDXC_IRQFILTER_NUM_VTLS (2). In measuring mode only
 * the size is accounted. No concurrent writer calls. The writer is
 * unchanged on error.
 * @return 0; TDXC_EINVAL NULL pointer, @p part or @p w not initialised;
 *   TDXC_EPERM producer VTL below 2 or TDXC_SNAPSHOT_VTL_NONE;
 *   TDXC_ESTATE the writer is finished; TDXC_ENOSPC the writer's buffer is
 *   full; TDXC_E2BIG the container would exceed its size limit.
 */
TDXC_API int tdxc_irqfilter_snapshot_add(const struct tdxc_irqfilter_part *part,
					 struct tdxc_snapshot_writer *w);

/**
 * Restore the inputs from the irqfilter record of an opened container, as
 * tdxc_irqfilter_restore() (all or nothing; whole-object call). The
 * container's producer VTL must be at least TDXC_IRQFILTER_NUM_VTLS: a
 * lower VTL may not set VTL1 SynIC state or the device routing.
 * @return 0; TDXC_EINVAL NULL pointer, @p part not initialised, reader not
 *   open, or a blob vp_count that differs; TDXC_ENOENT no irqfilter record;
 *   TDXC_EPERM producer VTL below 2 or TDXC_SNAPSHOT_VTL_NONE;
 *   TDXC_EVERSION record version 0 or unknown blob version;
 *   TDXC_EMALFORMED record header lengths, a version-1 record with
 *   trailing bytes, two irqfilter records, or as tdxc_irqfilter_restore();
 *   TDXC_ERESERVED record reserved field, non-zero fields of a newer
 *   record version, or as tdxc_irqfilter_restore(); and TDXC_ETRUNC,
 *   TDXC_EBADSIG, TDXC_ECHECKSUM, TDXC_EFLAGS, TDXC_ENOSPC as
 *   tdxc_irqfilter_restore().
 */
TDXC_API int tdxc_irqfilter_snapshot_restore(struct tdxc_irqfilter_part *part,
					     const struct tdxc_snapshot_reader *r);

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_IRQFILTER_H */
