/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers of the snapshot module tests: build a container through a
 * callback (measure, then write, optionally compress), open one, rebuild
 * a container around an edited record payload.
 */
#ifndef SNAP_TEST_H
#define SNAP_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"
#include <tdxcore/snapshot.h>

static inline int have_zlib(void)
{
	return (tdxc_features() & TDXC_FEAT_ZLIB) != 0;
}

typedef int (*snap_add_fn)(struct tdxc_snapshot_writer *w, void *ctx);

struct blob {
	uint8_t *p;
	size_t len;
	uint8_t *scratch;
	size_t scratch_len;
};

static inline void blob_free(struct blob *b)
{
	free(b->p);
	free(b->scratch);
	memset(b, 0, sizeof(*b));
}

/* Build a container; returns the add callback's first error (the blob is
 * then empty). */
static inline int snap_build(struct blob *out, uint8_t producer, int compress,
			     snap_add_fn add, void *ctx)
{
	struct tdxc_snapshot_writer w;
	size_t m = 0, t = 0;
	int rc;
	memset(out, 0, sizeof(*out));
	assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, producer), 0);
	if ((rc = add(&w, ctx)))
		return rc;
	assert_int_equal(tdxc_snapshot_finish(&w, &m), 0);
	out->p = malloc(m);
	assert_non_null(out->p);
	assert_int_equal(tdxc_snapshot_writer_init(&w, out->p, m, producer), 0);
	assert_int_equal(add(&w, ctx), 0);
	assert_int_equal(tdxc_snapshot_finish(&w, &t), 0);
	assert_int_equal(t, m);
	out->len = t;
	if (compress) {
		size_t bound = 0, clen = 0;
		uint8_t *c, *ws = malloc(TDXC_SNAPSHOT_DEFLATE_WORKSPACE);
		assert_int_equal(tdxc_snapshot_compress_bound(t, &bound), 0);
		c = malloc(bound);
		assert_non_null(c);
		assert_non_null(ws);
		assert_int_equal(tdxc_snapshot_compress(out->p, t, c, bound, 6, ws,
							TDXC_SNAPSHOT_DEFLATE_WORKSPACE, &clen),
				 0);
		free(ws);
		free(out->p);
		out->p = c;
		out->len = clen;
	}
	return 0;
}

static inline int snap_open(struct tdxc_snapshot_reader *r, struct blob *b)
{
	size_t need = 0;
	int rc = tdxc_snapshot_scratch_size(b->p, b->len, &need);
	if (rc)
		return rc;
	free(b->scratch);
	b->scratch = need ? malloc(need) : NULL;
	b->scratch_len = need;
	return tdxc_snapshot_open(r, b->p, b->len, b->scratch, need);
}

/* One raw record for snap_raw(). */
struct raw_rec {
	uint16_t module, version;
	uint32_t flags;
	const void *payload;
	size_t len;
};

struct raw_ctx {
	const struct raw_rec *recs;
	size_t n;
};

static inline int raw_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	const struct raw_ctx *c = (const struct raw_ctx *)ctx;
	size_t i;
	for (i = 0; i < c->n; i++) {
		int rc = tdxc_snapshot_add(w, c->recs[i].module, c->recs[i].version,
					   c->recs[i].flags, c->recs[i].payload, c->recs[i].len);
		if (rc)
			return rc;
	}
	return 0;
}

/* A container of raw records (valid CRC), uncompressed. */
static inline void snap_raw(struct blob *out, uint8_t producer, const struct raw_rec *recs,
			    size_t n)
{
	struct raw_ctx c = { recs, n };
	assert_int_equal(snap_build(out, producer, 0, raw_add, &c), 0);
}

/* Copy of the payload of the index-th record of a module (malloc'd). */
static inline uint8_t *snap_payload(const struct blob *b, uint16_t module, uint32_t index,
				    size_t *len)
{
	struct tdxc_snapshot_reader r;
	struct tdxc_snapshot_record rec;
	uint8_t *p;
	assert_int_equal(tdxc_snapshot_open(&r, b->p, b->len, NULL, 0), 0);
	assert_int_equal(tdxc_snapshot_find(&r, module, index, &rec), 0);
	p = malloc(rec.length + 64);
	assert_non_null(p);
	memcpy(p, rec.payload, rec.length);
	*len = rec.length;
	return p;
}

/* Small deterministic generator. */
static inline uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

typedef int (*snap_restore_fn)(void *obj, const struct tdxc_snapshot_reader *r);

static inline int restore_blob(struct blob *b, snap_restore_fn fn, void *obj)
{
	struct tdxc_snapshot_reader r;
	int rc = snap_open(&r, b);
	if (rc)
		return rc;
	return fn(obj, &r);
}

/* Rebuild a container with one record (edited payload) and check the code
 * of the restore and that [mem, mem+len) did not change on error. */
static inline void expect_raw(uint8_t producer, const struct raw_rec *recs, size_t n,
			      snap_restore_fn fn, void *obj, const void *mem, size_t len,
			      int want)
{
	struct blob b;
	void *before = malloc(len);
	assert_non_null(before);
	memcpy(before, mem, len);
	snap_raw(&b, producer, recs, n);
	assert_int_equal(restore_blob(&b, fn, obj), want);
	if (want != 0)
		assert_memory_equal(before, mem, len);
	blob_free(&b);
	free(before);
}

/*
 * Every record-level corruption class on the record of (module, instance)
 * taken from a good uncompressed container. mem/len: the object's
 * storage, compared byte for byte around each rejected restore.
 */
static inline void record_corruptions(const struct blob *good, uint16_t module,
				      uint32_t index, uint8_t producer, snap_restore_fn fn,
				      void *obj, const void *mem, size_t len)
{
	size_t plen;
	uint8_t *p = snap_payload(good, module, index, &plen);
	uint8_t *q = malloc(plen + 64);
	struct raw_rec rr[2];
	static const uint8_t junk[24] = { 1, 2, 3 };
	struct blob whole;
	assert_non_null(q);

	/* no record at all (only an unrelated optional one) */
	rr[0] = (struct raw_rec){ 0x9000, 1, TDXC_SNAPSHOT_REC_OPTIONAL, junk, sizeof(junk) };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_ENOENT);
	/* module version 0 */
	rr[0] = (struct raw_rec){ module, 0, 0, p, plen };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_EVERSION);
	/* version 1 with trailing bytes, even zero ones */
	memcpy(q, p, plen);
	memset(q + plen, 0, 16);
	rr[0] = (struct raw_rec){ module, 1, 0, q, plen + 16 };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_EMALFORMED);
	/* a newer version whose unknown trailing fields are not zero */
	q[plen + 9] = 0x40;
	rr[0] = (struct raw_rec){ module, 2, 0, q, plen + 16 };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_ERESERVED);
	/* reserved word of the record header */
	memcpy(q, p, plen);
	q[13] = 1;
	rr[0] = (struct raw_rec){ module, 1, 0, q, plen };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_ERESERVED);
	/* body length past the payload */
	memcpy(q, p, plen);
	tdxc__put_le64(q, tdxc__le64(p) + 1);
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_EMALFORMED);
	tdxc__put_le64(q, UINT64_MAX);
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_EMALFORMED);
	/* payload too short for the record header */
	rr[0] = (struct raw_rec){ module, 1, 0, p, 12 };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_EMALFORMED);
	/* two records for the same object */
	rr[0] = (struct raw_rec){ module, 1, 0, p, plen };
	rr[1] = rr[0];
	expect_raw(producer, rr, 2, fn, obj, mem, len, TDXC_EMALFORMED);
	/* a record of another instance only */
	memcpy(q, p, plen);
	tdxc__put_le32(q + 8, index + 1000);
	rr[0] = (struct raw_rec){ module, 1, 0, q, plen };
	expect_raw(producer, rr, 1, fn, obj, mem, len, TDXC_ENOENT);

	/* container-level damage never reaches the object */
	whole.p = malloc(good->len);
	assert_non_null(whole.p);
	whole.scratch = NULL;
	{
		size_t i;
		void *before = malloc(len);
		assert_non_null(before);
		memcpy(before, mem, len);
		for (i = 0; i < good->len; i += 1 + good->len / 97) {
			memcpy(whole.p, good->p, good->len);
			whole.p[i] ^= 0x10;
			whole.len = good->len;
			assert_true(restore_blob(&whole, fn, obj) < 0);
			whole.len = i; /* truncated */
			memcpy(whole.p, good->p, good->len);
			assert_int_equal(restore_blob(&whole, fn, obj), TDXC_ETRUNC);
		}
		assert_memory_equal(before, mem, len);
		free(before);
	}
	free(whole.p);
	free(whole.scratch);
	free(p);
	free(q);
}

/* Unknown records: optional ones are skipped, mandatory ones are refused
 * by tdxc_snapshot_check_known(); a newer record version whose extra
 * fields are zero is accepted. Restores into obj (must succeed). */
static inline void forward_compat(const struct blob *good, uint16_t module, uint32_t index,
				  uint8_t producer, snap_restore_fn fn, void *obj)
{
	size_t plen;
	uint8_t *p = snap_payload(good, module, index, &plen);
	uint8_t *q = malloc(plen + 64);
	static const uint8_t junk[40] = { 9, 9, 9 };
	struct raw_rec rr[3];
	struct blob b;
	struct tdxc_snapshot_reader r;
	uint16_t known[1] = { module }, bad = 0;
	assert_non_null(q);

	memcpy(q, p, plen);
	memset(q + plen, 0, 24);
	rr[0] = (struct raw_rec){ 0x9123, 3, TDXC_SNAPSHOT_REC_OPTIONAL, junk, sizeof(junk) };
	rr[1] = (struct raw_rec){ module, 7, 0, q, plen + 24 };
	rr[2] = (struct raw_rec){ 0x9124, 1, 0, junk, 5 };
	snap_raw(&b, producer, rr, 2);
	assert_int_equal(snap_open(&r, &b), 0);
	assert_int_equal(tdxc_snapshot_check_known(&r, known, 1, &bad), 0);
	assert_int_equal(fn(obj, &r), 0);
	blob_free(&b);
	snap_raw(&b, producer, rr, 3);
	assert_int_equal(snap_open(&r, &b), 0);
	assert_int_equal(tdxc_snapshot_check_known(&r, known, 1, &bad), TDXC_ENOTSUP);
	assert_int_equal(bad, 0x9124);
	blob_free(&b);
	free(p);
	free(q);
}

#endif
