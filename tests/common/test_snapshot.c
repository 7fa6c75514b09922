/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snapshot container: round trips, every corruption class with its own
 * code and an untouched reader, compression and decompression bombs, the
 * golden vector, CRC-32 against zlib. Built twice: against the hosted
 * library and (TEST_FS_VARIANT) against the freestanding archive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "internal.h"
#include <tdxcore/snapshot.h>

static const char p1[] = "vtl context payload";
static const uint8_t p2[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

/* The container every test starts from: three records, producer VTL 1. */
static size_t build(uint8_t *buf, size_t cap)
{
	struct tdxc_snapshot_writer w;
	size_t total = 0;
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, cap, 1), 0);
	assert_int_equal(tdxc_snapshot_add(&w, TDXC_SNAPSHOT_MOD_VTLCTX, 3, 0, p1, sizeof(p1)), 0);
	assert_int_equal(tdxc_snapshot_add(&w, TDXC_SNAPSHOT_MOD_IRQFILTER, 1, 0, p2, sizeof(p2)), 0);
	assert_int_equal(tdxc_snapshot_add(&w, 0x9001, 7, TDXC_SNAPSHOT_REC_OPTIONAL, NULL, 0), 0);
	assert_int_equal(tdxc_snapshot_finish(&w, &total), 0);
	return total;
}

/* Rewrite the CRC after a deliberate edit, so a semantic check is reached. */
static void fix_crc(uint8_t *b, size_t total)
{
	tdxc__put_le32(b + total - 4, (uint32_t)crc32(0, b, (uInt)(total - 4)));
}

static void test_round_trip(void **state)
{
	uint8_t buf[512];
	struct tdxc_snapshot_reader r;
	struct tdxc_snapshot_record rec;
	size_t total = build(buf, sizeof(buf)), cur = 0;
	uint8_t vtl = 0;
	(void)state;

	/* 40 header + (16+24) + (16+16) + 16 + 4 CRC */
	assert_int_equal(total, 40 + 40 + 32 + 16 + 4);
	assert_int_equal(tdxc_snapshot_open(&r, buf, total, NULL, 0), 0);
	assert_int_equal(tdxc_snapshot_producer_vtl(&r, &vtl), 0);
	assert_int_equal(vtl, 1);

	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), 1);
	assert_int_equal(rec.module_id, TDXC_SNAPSHOT_MOD_VTLCTX);
	assert_int_equal(rec.module_version, 3);
	assert_int_equal(rec.length, sizeof(p1));
	assert_memory_equal(rec.payload, p1, sizeof(p1));
	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), 1);
	assert_int_equal(rec.module_id, TDXC_SNAPSHOT_MOD_IRQFILTER);
	assert_memory_equal(rec.payload, p2, sizeof(p2));
	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), 1);
	assert_int_equal(rec.module_id, 0x9001);
	assert_int_equal(rec.flags, TDXC_SNAPSHOT_REC_OPTIONAL);
	assert_int_equal(rec.length, 0);
	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), 0);

	cur = 3; /* not a record boundary */
	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), TDXC_EINVAL);
	cur = 100000;
	assert_int_equal(tdxc_snapshot_next(&r, &cur, &rec), TDXC_EINVAL);

	assert_int_equal(tdxc_snapshot_find(&r, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, &rec), 0);
	assert_memory_equal(rec.payload, p2, sizeof(p2));
	assert_int_equal(tdxc_snapshot_find(&r, TDXC_SNAPSHOT_MOD_IRQFILTER, 1, &rec),
			 TDXC_ENOENT);
	assert_int_equal(tdxc_snapshot_find(&r, TDXC_SNAPSHOT_MOD_BPOOL, 0, &rec), TDXC_ENOENT);
}

static void test_padding_defined(void **state)
{
	uint8_t buf[512];
	size_t total;
	(void)state;
	memset(buf, 0xee, sizeof(buf));
	total = build(buf, sizeof(buf));
	/* p1 is 20 bytes: its 4 padding bytes are zero, not the old 0xee. */
	assert_true(tdxc__all_zero(buf + 40 + 16 + sizeof(p1), 4));
	assert_int_equal(buf[total], 0xee); /* nothing written past the end */
}

static void test_measure_matches(void **state)
{
	struct tdxc_snapshot_writer w;
	uint8_t buf[512];
	size_t m = 0;
	void *dst = (void *)1;
	(void)state;
	assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, TDXC_SNAPSHOT_VTL_NONE), 0);
	assert_int_equal(tdxc_snapshot_add_begin(&w, 4, 3, 0, sizeof(p1), &dst), 0);
	assert_null(dst);
	assert_int_equal(tdxc_snapshot_add(&w, 5, 1, 0, p2, sizeof(p2)), 0);
	assert_int_equal(tdxc_snapshot_add(&w, 0x9001, 7, TDXC_SNAPSHOT_REC_OPTIONAL, NULL, 0), 0);
	assert_int_equal(tdxc_snapshot_finish(&w, &m), 0);
	assert_int_equal(m, build(buf, sizeof(buf)));
}

static void test_writer_errors(void **state)
{
	struct tdxc_snapshot_writer w, before;
	uint8_t buf[128], snap[128];
	size_t total;
	void *dst;
	(void)state;

	assert_int_equal(tdxc_snapshot_writer_init(NULL, buf, sizeof(buf), 0), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, 43, 0), TDXC_ENOSPC);
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, sizeof(buf), 15), TDXC_ERANGE);
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, sizeof(buf), 0xfe), TDXC_ERANGE);
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, sizeof(buf), 14), 0);

	memcpy(&before, &w, sizeof(w));
	memcpy(snap, buf, sizeof(buf));
	assert_int_equal(tdxc_snapshot_add(&w, 4, 1, 0x2, p2, 8), TDXC_EFLAGS);
	assert_int_equal(tdxc_snapshot_add(&w, 0, 1, 0, p2, 8), TDXC_ERANGE);
	assert_int_equal(tdxc_snapshot_add(&w, 4, 1, 0, NULL, 8), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_add_begin(&w, 4, 1, 0, 8, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_add(&w, 4, 1, 0, p2, 1ull << 40), TDXC_E2BIG);
	/* 40 + 16 + 72 + 4 = 132 > 128 */
	assert_int_equal(tdxc_snapshot_add_begin(&w, 4, 1, 0, 72, &dst), TDXC_ENOSPC);
	assert_memory_equal(&w, &before, sizeof(w));
	assert_memory_equal(buf, snap, sizeof(buf));
	/* 69..72 bytes pad to 72 and do not fit; 64 does */
	assert_int_equal(tdxc_snapshot_add_begin(&w, 4, 1, 0, 69, &dst), TDXC_ENOSPC);
	assert_int_equal(tdxc_snapshot_add_begin(&w, 4, 1, 0, 64, &dst), 0);
	assert_int_equal(tdxc_snapshot_finish(&w, &total), 0);
	assert_int_equal(total, 124);
	memcpy(&before, &w, sizeof(w));
	assert_int_equal(tdxc_snapshot_finish(&w, &total), TDXC_ESTATE);
	assert_int_equal(tdxc_snapshot_add(&w, 4, 1, 0, p2, 8), TDXC_ESTATE);
	assert_memory_equal(&w, &before, sizeof(w));
	assert_int_equal(tdxc_snapshot_finish(&w, NULL), TDXC_EINVAL);

	memset(&w, 0, sizeof(w)); /* never initialised */
	assert_int_equal(tdxc_snapshot_add(&w, 4, 1, 0, p2, 8), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_finish(&w, &total), TDXC_EINVAL);
}

/* Open must fail with `want` and leave the reader object untouched. */
static void expect_open(const uint8_t *b, size_t len, int want)
{
	struct tdxc_snapshot_reader r, before;
	int rc;
	memset(&r, 0x77, sizeof(r));
	memcpy(&before, &r, sizeof(r));
	rc = tdxc_snapshot_open(&r, b, len, NULL, 0);
	if (rc != want)
		print_error("open: got %s, want %s\n", tdxc_strerror_name(rc),
			    tdxc_strerror_name(want));
	assert_int_equal(rc, want);
	assert_memory_equal(&r, &before, sizeof(r));
}

static void test_truncated(void **state)
{
	uint8_t buf[512];
	size_t total = build(buf, sizeof(buf)), n;
	(void)state;
	for (n = 0; n < total; n++)
		expect_open(buf, n, TDXC_ETRUNC);
	expect_open(buf, total + 1, TDXC_EMALFORMED); /* trailing byte */
}

static void test_every_bit_flip(void **state)
{
	uint8_t buf[512];
	size_t total = build(buf, sizeof(buf)), i;
	struct tdxc_snapshot_reader r;
	int bit;
	(void)state;
	for (i = 0; i < total; i++)
		for (bit = 0; bit < 8; bit++) {
			int rc;
			buf[i] ^= (uint8_t)(1u << bit);
			rc = tdxc_snapshot_open(&r, buf, total, NULL, 0);
			buf[i] ^= (uint8_t)(1u << bit);
			if (i < 8)
				assert_int_equal(rc, TDXC_EBADSIG);
			else if (i >= 16 && i < 24)
				assert_true(rc == TDXC_ETRUNC || rc == TDXC_EMALFORMED);
			else
				assert_int_equal(rc, TDXC_ECHECKSUM);
		}
	assert_int_equal(tdxc_snapshot_open(&r, buf, total, NULL, 0), 0);
}

static void test_semantic_corruption(void **state)
{
	uint8_t good[512], b[512];
	size_t total = build(good, sizeof(good));
	(void)state;

#define EDIT_AND_EXPECT(stmt, want)                                            \
	do {                                                                   \
		memcpy(b, good, total);                                        \
		stmt;                                                          \
		fix_crc(b, total);                                             \
		expect_open(b, total, want);                                   \
	} while (0)

	EDIT_AND_EXPECT(tdxc__put_le16(b + 8, 2), TDXC_EVERSION);
	EDIT_AND_EXPECT(tdxc__put_le16(b + 10, 48), TDXC_EMALFORMED);
	EDIT_AND_EXPECT(tdxc__put_le32(b + 12, 0x4), TDXC_EFLAGS);
	EDIT_AND_EXPECT(b[38] = 1, TDXC_ERESERVED);
	EDIT_AND_EXPECT(b[36] = 15, TDXC_ERANGE);
	EDIT_AND_EXPECT(tdxc__put_le64(b + 24, 8), TDXC_EMALFORMED);      /* records_length */
	EDIT_AND_EXPECT(tdxc__put_le32(b + 32, 2), TDXC_EMALFORMED);      /* record count */
	EDIT_AND_EXPECT(tdxc__put_le32(b + 40 + 4, 0x10), TDXC_EFLAGS);   /* record flags */
	EDIT_AND_EXPECT(tdxc__put_le16(b + 40, 0), TDXC_EMALFORMED);      /* module id 0 */
	EDIT_AND_EXPECT(tdxc__put_le64(b + 40 + 8, 1000), TDXC_EMALFORMED); /* payload len */
	EDIT_AND_EXPECT(tdxc__put_le64(b + 40 + 8, 56), TDXC_EMALFORMED); /* swallows record 2 */
	EDIT_AND_EXPECT(b[40 + 16 + sizeof(p1)] = 9, TDXC_ERESERVED);     /* padding */
	/* Compressed flag: no scratch given (or no zlib in this build). */
	EDIT_AND_EXPECT(tdxc__put_le32(b + 12, TDXC_SNAPSHOT_F_COMPRESSED),
			(tdxc_features() & TDXC_FEAT_ZLIB) ? TDXC_ENOSPC : TDXC_ENOTSUP);
	/* A huge declared records size: refused before any work. */
	EDIT_AND_EXPECT((tdxc__put_le32(b + 12, TDXC_SNAPSHOT_F_COMPRESSED),
			 tdxc__put_le64(b + 24, (1ull << 32) + 1)), TDXC_E2BIG);
#undef EDIT_AND_EXPECT
}

static void test_check_known(void **state)
{
	uint8_t buf[512];
	size_t total = build(buf, sizeof(buf));
	struct tdxc_snapshot_reader r;
	const uint16_t both[] = { TDXC_SNAPSHOT_MOD_VTLCTX, TDXC_SNAPSHOT_MOD_IRQFILTER };
	uint16_t bad = 0;
	(void)state;
	assert_int_equal(tdxc_snapshot_open(&r, buf, total, NULL, 0), 0);
	/* The 0x9001 record is optional: knowing the two others is enough. */
	assert_int_equal(tdxc_snapshot_check_known(&r, both, 2, &bad), 0);
	assert_int_equal(tdxc_snapshot_check_known(&r, both, 1, &bad), TDXC_ENOTSUP);
	assert_int_equal(bad, TDXC_SNAPSHOT_MOD_IRQFILTER);
	assert_int_equal(tdxc_snapshot_check_known(&r, NULL, 1, &bad), TDXC_EINVAL);
}

/* Every reader entry point refuses NULL and a never-opened reader with
 * TDXC_EINVAL, and writes nothing through its other arguments. */
static void test_reader_args(void **state)
{
	uint8_t buf[512];
	size_t total = build(buf, sizeof(buf)), cur = 0, need = 99;
	struct tdxc_snapshot_reader r, blank;
	struct tdxc_snapshot_record rec, rec_before;
	uint8_t vtl = 0x42;
	(void)state;

	memset(&rec, 0x33, sizeof(rec));
	memcpy(&rec_before, &rec, sizeof(rec));
	assert_int_equal(tdxc_snapshot_open(NULL, buf, total, NULL, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_open(&r, NULL, total, NULL, 0), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_scratch_size(NULL, total, &need), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_scratch_size(buf, total, NULL), TDXC_EINVAL);
	assert_int_equal(need, 99);
	assert_int_equal(tdxc_snapshot_scratch_size(buf, total, &need), 0);
	assert_int_equal(need, 0); /* uncompressed: no scratch */

	memset(&blank, 0, sizeof(blank)); /* never opened */
	assert_int_equal(tdxc_snapshot_producer_vtl(&blank, &vtl), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_next(&blank, &cur, &rec), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_find(&blank, 4, 0, &rec), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_check_known(&blank, NULL, 0, NULL), TDXC_EINVAL);
	assert_int_equal(vtl, 0x42);
	assert_int_equal(cur, 0);
	assert_memory_equal(&rec, &rec_before, sizeof(rec));

	assert_int_equal(tdxc_snapshot_open(&r, buf, total, NULL, 0), 0);
	assert_int_equal(tdxc_snapshot_producer_vtl(NULL, &vtl), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_producer_vtl(&r, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_next(&r, NULL, &rec), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_next(&r, &cur, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_find(&r, 4, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_compress_bound(10, NULL), TDXC_EINVAL);
	assert_int_equal(vtl, 0x42);
	assert_memory_equal(&rec, &rec_before, sizeof(rec));
}

static void test_crc32(void **state)
{
	uint8_t data[4096];
	size_t i, n;
	(void)state;
	srand(1234);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)rand();
	/* Known answer: CRC-32 of "123456789" is 0xCBF43926. */
	assert_int_equal(tdxc_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(tdxc__crc32_portable(0, "123456789", 9), 0xcbf43926u);
	for (n = 0; n < 200; n++) {
		size_t off = (size_t)rand() % 1024, len = (size_t)rand() % 3000;
		uint32_t z = (uint32_t)crc32(0, data + off, (uInt)len);
		assert_int_equal(tdxc_crc32(0, data + off, len), z);
		assert_int_equal(tdxc__crc32_portable(0, data + off, len), z);
		/* incremental */
		assert_int_equal(tdxc__crc32_portable(tdxc__crc32_portable(0, data, off),
						      data + off, len),
				 (uint32_t)crc32(0, data, (uInt)(off + len)));
	}
	assert_int_equal(tdxc_crc32(5, NULL, 0), 5);
}

/* The golden vector: bytes the format promises to keep (docs/snapshot-format.md). */
static uint8_t *read_file(const char *name, size_t *len)
{
	char path[1024];
	FILE *f;
	uint8_t *b;
	long n;
	snprintf(path, sizeof(path), "%s/tests/data/%s", getenv("TDXC_SOURCE_ROOT"), name);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void test_golden(void **state)
{
	uint8_t buf[512];
	size_t total = build(buf, sizeof(buf)), glen;
	uint8_t *g = read_file("snapshot-v1.bin", &glen);
	(void)state;
	assert_int_equal(glen, total);
	assert_memory_equal(g, buf, total); /* writer output is stable */
	free(g);
}

#ifndef TEST_FS_VARIANT
static void test_compressed_round_trip(void **state)
{
	static uint8_t big[200000], out[210000], work[TDXC_SNAPSHOT_DEFLATE_WORKSPACE];
	static uint8_t scratch[200000 + TDXC_SNAPSHOT_INFLATE_WORKSPACE];
	struct tdxc_snapshot_writer w;
	struct tdxc_snapshot_reader r;
	struct tdxc_snapshot_record rec;
	size_t total, clen, need, bound;
	uint8_t *payload;
	void *dst;
	int level;
	(void)state;

	if (!(tdxc_features() & TDXC_FEAT_ZLIB)) {
		/* Built without zlib: the same API answers ENOTSUP. */
		assert_int_equal(tdxc_snapshot_compress_bound(100, &bound), TDXC_ENOTSUP);
		assert_int_equal(tdxc_snapshot_compress(big, 100, out, sizeof(out), 1, work,
							sizeof(work), &clen), TDXC_ENOTSUP);
		return;
	}
	assert_int_equal(tdxc_snapshot_writer_init(&w, big, sizeof(big), 0), 0);
	assert_int_equal(tdxc_snapshot_add_begin(&w, 2, 1, 0, 150000, &dst), 0);
	payload = dst;
	for (size_t i = 0; i < 150000; i++)
		payload[i] = (uint8_t)(i % 251 < 200 ? 0 : i);
	assert_int_equal(tdxc_snapshot_finish(&w, &total), 0);
	assert_int_equal(tdxc_snapshot_compress_bound(total, &bound), 0);
	assert_true(bound <= sizeof(out));

	for (level = -1; level <= 9; level += 5) {
		assert_int_equal(tdxc_snapshot_compress(big, total, out, sizeof(out), level, work,
							sizeof(work), &clen), 0);
		assert_true(clen < total / 4);
		assert_int_equal(tdxc_snapshot_scratch_size(out, clen, &need), 0);
		assert_int_equal(need, total - 44 + TDXC_SNAPSHOT_INFLATE_WORKSPACE);
		assert_int_equal(tdxc_snapshot_open(&r, out, clen, scratch, need - 1), TDXC_ENOSPC);
		assert_int_equal(tdxc_snapshot_open(&r, out, clen, scratch, sizeof(scratch)), 0);
		assert_int_equal(tdxc_snapshot_find(&r, 2, 0, &rec), 0);
		assert_int_equal(rec.length, 150000);
		assert_memory_equal(rec.payload, payload, 150000);
	}
	/* errors (a failed call may have written into out) */
	assert_int_equal(tdxc_snapshot_compress(out, clen, big + 100000, 100000, 1, work,
						sizeof(work), &bound), TDXC_EALREADY);
	assert_int_equal(tdxc_snapshot_compress(big, total, out, sizeof(out), 10, work,
						sizeof(work), &clen), TDXC_ERANGE);
	assert_int_equal(tdxc_snapshot_compress(big, total, out, sizeof(out), 1, work,
						sizeof(work) - 1, &clen), TDXC_ENOSPC);
	assert_int_equal(tdxc_snapshot_compress(big, total, out, 100, 1, work, sizeof(work),
						&clen), TDXC_ENOSPC);
	assert_int_equal(tdxc_snapshot_compress(big, total, big + 10, 1000, 1, work,
						sizeof(work), &clen), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_compress(big, total - 1, out, sizeof(out), 1, work,
						sizeof(work), &clen), TDXC_ETRUNC);
}

/* A compressed stream that inflates beyond its declared size. */
static void test_decompression_bomb(void **state)
{
	static uint8_t zeros[1 << 20], blob[1 << 16];
	static uint8_t scratch[4096 + TDXC_SNAPSHOT_INFLATE_WORKSPACE];
	struct tdxc_snapshot_reader r, before;
	uLongf clen = sizeof(blob) - 44;
	size_t total;
	(void)state;
	if (!(tdxc_features() & TDXC_FEAT_ZLIB))
		skip();
	/* 1 MiB of zeros compresses to ~1 KiB; the header claims 4 KiB. */
	assert_int_equal(compress2(blob + 40, &clen, zeros, sizeof(zeros), 9), Z_OK);
	total = 40 + clen + 4;
	memset(blob, 0, 40);
	memcpy(blob, "TDXCSNAP", 8);
	tdxc__put_le16(blob + 8, 1);
	tdxc__put_le16(blob + 10, 40);
	tdxc__put_le32(blob + 12, TDXC_SNAPSHOT_F_COMPRESSED);
	tdxc__put_le64(blob + 16, total);
	tdxc__put_le64(blob + 24, 4096);
	fix_crc(blob, total);
	memset(&r, 0x55, sizeof(r));
	memcpy(&before, &r, sizeof(r));
	assert_int_equal(tdxc_snapshot_open(&r, blob, total, scratch, sizeof(scratch)),
			 TDXC_EMALFORMED);
	assert_memory_equal(&r, &before, sizeof(r));
	/* And one that ends early (declares more than it holds). */
	tdxc__put_le64(blob + 24, (1u << 20) + 1);
	fix_crc(blob, total);
	{
		static uint8_t s2[(1 << 20) + 1 + TDXC_SNAPSHOT_INFLATE_WORKSPACE];
		assert_int_equal(tdxc_snapshot_open(&r, blob, total, s2, sizeof(s2)),
				 TDXC_EMALFORMED);
	}
}
#else
static void test_fs_variant(void **state)
{
	uint8_t buf[512], cbuf[1024];
	size_t total = build(buf, sizeof(buf)), bound, clen;
	(void)state;
	assert_false(tdxc_features() & TDXC_FEAT_HOSTED);
	assert_false(tdxc_features() & TDXC_FEAT_ZLIB);
	assert_int_equal(tdxc_snapshot_compress_bound(total, &bound), TDXC_ENOTSUP);
	assert_int_equal(tdxc_snapshot_compress(buf, total, cbuf, sizeof(cbuf), 1, cbuf,
						sizeof(cbuf), &clen), TDXC_ENOTSUP);
	/* A compressed container (made here with zlib directly): ENOTSUP. */
	{
		uLongf n = sizeof(cbuf) - 44;
		assert_int_equal(compress2(cbuf + 40, &n, buf + 40, (uLong)(total - 44), 6), Z_OK);
		memcpy(cbuf, buf, 40);
		tdxc__put_le32(cbuf + 12, TDXC_SNAPSHOT_F_COMPRESSED);
		tdxc__put_le64(cbuf + 16, 40 + n + 4);
		fix_crc(cbuf, 40 + n + 4);
		expect_open(cbuf, 40 + n + 4, TDXC_ENOTSUP);
	}
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_padding_defined),
		cmocka_unit_test(test_measure_matches),
		cmocka_unit_test(test_writer_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_check_known),
		cmocka_unit_test(test_reader_args),
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_semantic_corruption),
#ifndef TEST_FS_VARIANT
		cmocka_unit_test(test_compressed_round_trip),
		cmocka_unit_test(test_decompression_bomb),
#else
		cmocka_unit_test(test_fs_variant),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
