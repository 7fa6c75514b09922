/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file snapshot.h
 * @brief Versioned snapshot container for module state (servicing, migration).
 *
 * A container is a header, a sequence of records (module id, module format
 * version, flags, payload) and a CRC-32 over everything before it. All
 * fields are little-endian and fixed-width; every byte written is defined.
 * The byte layout is specified in docs/snapshot-format.md.
 *
 * Writing streams into a caller buffer: init the writer (a NULL buffer only
 * measures), add records, finish. Reading validates the whole container
 * (header, CRC, every record header, padding) before it hands out any
 * record, so a caller that restores modules from the records never sees a
 * half-checked blob. Compression (deflate, hosted builds with zlib) is a
 * separate step over a finished container; its workspace is caller memory.
 *
 * Module state goes in through the modules' own functions, which depend on
 * this container (never the reverse): tdxc_vtlctx_snapshot_add/_restore
 * (one record per VP), tdxc_irqfilter_snapshot_add/_restore,
 * tdxc_memregion_snapshot_add/_restore and
 * tdxc_bpool_registry_snapshot_add/_restore. Their records share a 16-byte
 * payload header (body length, instance, reserved) that carries the
 * forward-compatibility rule: fields appended by a newer module_version are
 * accepted only while zero. Each module restore is all or nothing and
 * checks the producer VTL where the state belongs to a VTL.
 *
 * Objects are not locked; one writer or reader per thread.
 */
#ifndef TDXCORE_SNAPSHOT_H
#define TDXCORE_SNAPSHOT_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Container format version written by this library. */
#define TDXC_SNAPSHOT_FORMAT_VERSION 1u
/** Size of the container header in bytes. */
#define TDXC_SNAPSHOT_HEADER_SIZE 40u
/** Size of a record header in bytes (payload follows, padded to 8). */
#define TDXC_SNAPSHOT_RECORD_HEADER_SIZE 16u
/** Size of the trailing CRC-32. */
#define TDXC_SNAPSHOT_TRAILER_SIZE 4u
/** Largest records section accepted (uncompressed), bytes. */
#define TDXC_SNAPSHOT_MAX_RECORDS_BYTES (1ull << 32)

/** Container flag: the records section is a zlib (deflate) stream. */
#define TDXC_SNAPSHOT_F_COMPRESSED 0x1u
/** Record flag: readers that do not know the module may skip the record. */
#define TDXC_SNAPSHOT_REC_OPTIONAL 0x1u

/** producer_vtl value: the producer is not a VTL-aware component. */
#define TDXC_SNAPSHOT_VTL_NONE 0xffu

/** Module ids of the records this library writes (ABI: append only). */
enum tdxc_snapshot_module {
	TDXC_SNAPSHOT_MOD_MEMREGION = 2, /**< memregion allocator state */
	TDXC_SNAPSHOT_MOD_VTLCTX = 4,    /**< vtlctx per-VP store */
	TDXC_SNAPSHOT_MOD_IRQFILTER = 5, /**< irqfilter inputs */
	TDXC_SNAPSHOT_MOD_BPOOL = 6,     /**< bpool registry (guests, pools) */
	TDXC_SNAPSHOT_MOD_USER = 0x8000  /**< first id free for callers */
};

/** Workspace zlib needs to compress (tdxc_snapshot_compress scratch). */
#define TDXC_SNAPSHOT_DEFLATE_WORKSPACE (384u * 1024u)
/** Workspace zlib needs to decompress, on top of the records size. */
#define TDXC_SNAPSHOT_INFLATE_WORKSPACE (64u * 1024u)

/** A container being written. Opaque; lives in caller memory. */
struct tdxc_snapshot_writer {
	uint64_t opaque[6]; /**< private */
};

/** A validated container being read. Opaque; lives in caller memory. */
struct tdxc_snapshot_reader {
	uint64_t opaque[8]; /**< private */
};

/** One record as the reader hands it out. */
struct tdxc_snapshot_record {
	uint16_t module_id;      /**< enum tdxc_snapshot_module or a user id */
	uint16_t module_version; /**< the module's own payload format version */
	uint32_t flags;          /**< TDXC_SNAPSHOT_REC_* */
	uint64_t length;         /**< payload bytes */
	const void *payload;     /**< points into the container (or scratch) */
};

/**
 * Start a container.
 * @param w            writer object (caller memory).
 * @param buf          output buffer, or NULL to only measure the size.
 * @param cap          bytes at @p buf (ignored when @p buf is NULL).
 * @param producer_vtl the VTL whose state this container carries and who
 *                     wrote it (0..14), or TDXC_SNAPSHOT_VTL_NONE.
 * @return 0, or:
 * @retval TDXC_EINVAL  @p w is NULL.
 * @retval TDXC_ERANGE  @p producer_vtl above 14 and not TDXC_SNAPSHOT_VTL_NONE.
 * @retval TDXC_ENOSPC  @p buf is non-NULL and @p cap cannot hold even an
 *                      empty container (header + trailer).
 */
TDXC_API int tdxc_snapshot_writer_init(struct tdxc_snapshot_writer *w, void *buf,
				       size_t cap, uint8_t producer_vtl);

/**
 * Reserve a record and get a pointer to write its payload into.
 * The payload area is zeroed first (so padding and unused bytes are
 * defined). In measuring mode *@p payload is set to NULL.
 * @return 0; TDXC_EINVAL (NULL @p w or @p payload, unknown writer state);
 *         TDXC_EFLAGS (unknown record flags); TDXC_ERANGE (module id 0);
 *         TDXC_E2BIG (the records section would exceed
 *         TDXC_SNAPSHOT_MAX_RECORDS_BYTES); TDXC_ENOSPC (does not fit in the
 *         buffer: the writer is unchanged, so the caller may measure first);
 *         TDXC_ESTATE (writer already finished).
 */
TDXC_API int tdxc_snapshot_add_begin(struct tdxc_snapshot_writer *w, uint16_t module_id,
				     uint16_t module_version, uint32_t flags,
				     uint64_t length, void **payload);

/**
 * Add a record by copying @p length bytes from @p payload.
 * Same errors as tdxc_snapshot_add_begin(); TDXC_EINVAL also for a NULL
 * @p payload with a non-zero length.
 */
TDXC_API int tdxc_snapshot_add(struct tdxc_snapshot_writer *w, uint16_t module_id,
			       uint16_t module_version, uint32_t flags, const void *payload,
			       uint64_t length);

/**
 * Finish the container: write the header and the CRC-32.
 * @param w the writer.
 * @param total receives the container size in bytes (also in measuring
 *              mode, where nothing is written).
 * @return 0; TDXC_EINVAL (NULL argument); TDXC_ESTATE (already finished).
 */
TDXC_API int tdxc_snapshot_finish(struct tdxc_snapshot_writer *w, size_t *total);

/**
 * Upper bound of the compressed form of a container of @p len bytes.
 * @return 0 and *@p bound; TDXC_EINVAL (NULL); TDXC_ENOTSUP without zlib;
 *         TDXC_E2BIG (@p len above 1 GiB, beyond what is compressed).
 */
TDXC_API int tdxc_snapshot_compress_bound(size_t len, size_t *bound);

/**
 * Compress a finished, uncompressed container (hosted builds with zlib).
 * @param in,in_len    a container as written by tdxc_snapshot_finish().
 * @param out,out_cap  output buffer (tdxc_snapshot_compress_bound() bytes
 *                     always suffice); must not overlap @p in.
 * @param level        zlib level 0..9, or -1 for zlib's default.
 * @param scratch      zlib's workspace, TDXC_SNAPSHOT_DEFLATE_WORKSPACE bytes
 *                     (nothing is allocated).
 * @param scratch_len bytes at @p scratch.
 * @param out_len receives the compressed size.
 * On failure the contents of @p out are unspecified; @p in is never written.
 * @return 0 and *@p out_len; TDXC_ENOTSUP (no zlib in this build);
 *         TDXC_EINVAL (NULL pointers, overlap); TDXC_ERANGE (level);
 *         TDXC_ENOSPC (@p out_cap or @p scratch_len too small); any error
 *         of tdxc_snapshot_open() for a bad input container; TDXC_EALREADY
 *         (input already compressed).
 */
TDXC_API int tdxc_snapshot_compress(const void *in, size_t in_len, void *out, size_t out_cap,
				    int level, void *scratch, size_t scratch_len,
				    size_t *out_len);

/**
 * Scratch a reader needs for a container: 0 for an uncompressed one, the
 * records size plus TDXC_SNAPSHOT_INFLATE_WORKSPACE for a compressed one.
 * Checks the header and the CRC first.
 * @return 0 and *@p need; TDXC_EINVAL (NULL @p blob or @p need);
 *         TDXC_ENOTSUP (compressed container in a build without zlib); the
 *         header errors of tdxc_snapshot_open() (TDXC_ETRUNC, TDXC_EBADSIG,
 *         TDXC_EMALFORMED, TDXC_ECHECKSUM, TDXC_EVERSION, TDXC_EFLAGS,
 *         TDXC_ERESERVED, TDXC_ERANGE, TDXC_E2BIG).
 */
TDXC_API int tdxc_snapshot_scratch_size(const void *blob, size_t len, size_t *need);

/**
 * Open and fully validate a container. Nothing in @p blob is modified; the
 * reader keeps pointers into @p blob (and @p scratch for a compressed
 * container), which must stay valid while the reader is used.
 * @return 0, or:
 * @retval TDXC_EINVAL    NULL @p r / @p blob.
 * @retval TDXC_ETRUNC    @p len shorter than the header or than total_length.
 * @retval TDXC_EBADSIG   wrong magic.
 * @retval TDXC_EVERSION  unknown container format version.
 * @retval TDXC_EMALFORMED header size, total length, record walk, padding or
 *                        record count inconsistent; @p len longer than the
 *                        container; a compressed stream that is not exactly
 *                        records_length bytes.
 * @retval TDXC_EFLAGS    unknown container or record flags.
 * @retval TDXC_ERESERVED non-zero reserved header bytes or padding.
 * @retval TDXC_ERANGE    the producer VTL byte is above 14 and not
 *                        TDXC_SNAPSHOT_VTL_NONE.
 * @retval TDXC_ECHECKSUM CRC-32 mismatch.
 * @retval TDXC_E2BIG     records section above TDXC_SNAPSHOT_MAX_RECORDS_BYTES.
 * @retval TDXC_ENOTSUP   compressed container in a build without zlib.
 * @retval TDXC_ENOSPC    @p scratch_len below tdxc_snapshot_scratch_size().
 */
TDXC_API int tdxc_snapshot_open(struct tdxc_snapshot_reader *r, const void *blob, size_t len,
				void *scratch, size_t scratch_len);

/**
 * The producer VTL recorded in an open container (TDXC_SNAPSHOT_VTL_NONE if none).
 * @return 0 and *@p vtl; TDXC_EINVAL (NULL @p vtl, or @p r not an open reader).
 */
TDXC_API int tdxc_snapshot_producer_vtl(const struct tdxc_snapshot_reader *r, uint8_t *vtl);

/**
 * Iterate records in container order.
 * @param r an open reader.
 * @param cursor start at 0; advanced by each call.
 * @param rec receives the record (untouched at the end).
 * @return 1 and *@p rec for a record, 0 at the end; TDXC_EINVAL (NULL or a
 *         cursor that is not a record boundary).
 */
TDXC_API int tdxc_snapshot_next(const struct tdxc_snapshot_reader *r, size_t *cursor,
				struct tdxc_snapshot_record *rec);

/**
 * Find the @p index-th record (0-based) of a module.
 * @return 0 and *@p rec; TDXC_ENOENT if there is no such record;
 *         TDXC_EINVAL (NULL).
 */
TDXC_API int tdxc_snapshot_find(const struct tdxc_snapshot_reader *r, uint16_t module_id,
				uint32_t index, struct tdxc_snapshot_record *rec);

/**
 * Check that every record is either of a module in @p known (n ids) or
 * flagged TDXC_SNAPSHOT_REC_OPTIONAL: a restore that understands only
 * @p known may then skip the rest safely.
 * @return 0; TDXC_ENOTSUP naming the first unknown mandatory record in
 *         *@p bad_module (if not NULL); TDXC_EINVAL (NULL).
 */
TDXC_API int tdxc_snapshot_check_known(const struct tdxc_snapshot_reader *r,
				       const uint16_t *known, size_t n, uint16_t *bad_module);

/**
 * CRC-32 (IEEE 802.3, reflected, the zlib/gzip one) of @p len bytes,
 * continuing from @p crc (0 to start). Same result in every build; the
 * hosted build with zlib uses zlib's crc32().
 */
TDXC_API uint32_t tdxc_crc32(uint32_t crc, const void *data, size_t len);

/** @cond INTERNAL */
TDXC_STATIC_ASSERT(sizeof(struct tdxc_snapshot_writer) == 48, snapshot_writer_size);
TDXC_STATIC_ASSERT(sizeof(struct tdxc_snapshot_reader) == 64, snapshot_reader_size);
TDXC_STATIC_ASSERT(TDXC_SNAPSHOT_MOD_VTLCTX == 4, snapshot_mod_vtlctx);
/** @endcond */

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_SNAPSHOT_H */
