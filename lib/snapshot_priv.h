/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Module records in the snapshot container (library internal).
 *
 * Every record a module of this library writes starts with the same
 * 16-byte payload header, so the common part checks lengths, reserved
 * bytes and forward-compatible trailing bytes once for all modules:
 *
 *   0  u64 body_length   bytes of module state that follow the header
 *   8  u32 instance      VP index (vtlctx), 0 for partition-wide state
 *  12  u32 reserved      zero
 *  16  body              module layout, see docs/snapshot-format.md
 *  ..  trailing bytes    fields of a newer module_version: must be zero
 */
#ifndef TDXC_SNAPSHOT_PRIV_H
#define TDXC_SNAPSHOT_PRIV_H

#include "internal.h"
#include <tdxcore/snapshot.h>

#define TDXC__SNAP_REC_HDR 16u
/* The record layout version this library writes and fully understands. */
#define TDXC__SNAP_REC_VERSION 1u

/* Producer VTL of a writer (0..14 or TDXC_SNAPSHOT_VTL_NONE). */
TDXC_HIDDEN int tdxc__snapshot_writer_vtl(const struct tdxc_snapshot_writer *w,
					  uint8_t *vtl);

/*
 * Reserve a module record with a body of body_len bytes. *body is the
 * zeroed body area, or NULL when the writer only measures. Errors as
 * tdxc_snapshot_add_begin(); the writer is unchanged on error.
 */
TDXC_HIDDEN int tdxc__snapshot_rec_begin(struct tdxc_snapshot_writer *w, uint16_t module_id,
					 uint32_t instance, uint64_t body_len, uint8_t **body);

/*
 * Find the one record of (module_id, instance) and check its payload
 * header. On success *body / *body_len describe the module state.
 * TDXC_EINVAL  reader not open;
 * TDXC_ENOENT  no such record;
 * TDXC_EVERSION module_version 0;
 * TDXC_EMALFORMED payload shorter than its header, body past the payload,
 *              trailing bytes in a version-1 record, a second record of
 *              the same module and instance;
 * TDXC_ERESERVED reserved header field non-zero, or non-zero trailing
 *              bytes of a newer module_version (fields this library does
 *              not know).
 */
TDXC_HIDDEN int tdxc__snapshot_rec_find(const struct tdxc_snapshot_reader *r,
					uint16_t module_id, uint32_t instance,
					const uint8_t **body, uint64_t *body_len);

#endif /* TDXC_SNAPSHOT_PRIV_H */
