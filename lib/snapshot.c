/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snapshot container: writer, validating reader, CRC-32 and the optional
 * zlib path. Layout: docs/snapshot-format.md.
 */
#include "snapshot_priv.h"

#if TDXC_HOSTED && defined(TDXC_HAVE_ZLIB)
#include <zlib.h>
#define SNAP_ZLIB 1
#else
#define SNAP_ZLIB 0
#endif

#define HDR TDXC_SNAPSHOT_HEADER_SIZE
#define RHDR TDXC_SNAPSHOT_RECORD_HEADER_SIZE
#define TRL TDXC_SNAPSHOT_TRAILER_SIZE
#define MAX_VTL 14u

static const uint8_t magic[8] = { 'T', 'D', 'X', 'C', 'S', 'N', 'A', 'P' };

/* Header field offsets. */
enum {
	H_MAGIC = 0,
	H_VERSION = 8,
	H_HDRSIZE = 10,
	H_FLAGS = 12,
	H_TOTAL = 16,
	H_RECLEN = 24,
	H_COUNT = 32,
	H_VTL = 36,
	H_RESERVED = 37, /* 3 bytes */
};

/* ---- CRC-32 ---------------------------------------------------------- */

static const uint32_t crc_table[256] = {
	0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f,
	0xe963a535, 0x9e6495a3, 0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988,
	0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91, 0x1db71064, 0x6ab020f2,
	0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
	0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9,
	0xfa0f3d63, 0x8d080df5, 0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172,
	0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b, 0x35b5a8fa, 0x42b2986c,
	0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
	0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423,
	0xcfba9599, 0xb8bda50f, 0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924,
	0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d, 0x76dc4190, 0x01db7106,
	0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
	0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d,
	0x91646c97, 0xe6635c01, 0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e,
	0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457, 0x65b0d9c6, 0x12b7e950,
	0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
	0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7,
	0xa4d1c46d, 0xd3d6f4fb, 0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0,
	0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9, 0x5005713c, 0x270241aa,
	0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
	0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81,
	0xb7bd5c3b, 0xc0ba6cad, 0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a,
	0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683, 0xe3630b12, 0x94643b84,
	0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
	0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb,
	0x196c3671, 0x6e6b06e7, 0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc,
	0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5, 0xd6d6a3e8, 0xa1d1937e,
	0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
	0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55,
	0x316e8eef, 0x4669be79, 0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236,
	0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f, 0xc5ba3bbe, 0xb2bd0b28,
	0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
	0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f,
	0x72076785, 0x05005713, 0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38,
	0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21, 0x86d3d2d4, 0xf1d4e242,
	0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
	0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69,
	0x616bffd3, 0x166ccf45, 0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2,
	0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db, 0xaed16a4a, 0xd9d65adc,
	0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
	0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693,
	0x54de5729, 0x23d967bf, 0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94,
	0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d
};

static uint32_t crc32_own(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t tdxc__crc32_portable(uint32_t crc, const void *data, size_t len)
{
	return crc32_own(crc, (const uint8_t *)data, len);
}

uint32_t tdxc_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = (const uint8_t *)data;
	if (!p || !len)
		return crc;
#if SNAP_ZLIB
	/* zlib takes uInt lengths: feed it in chunks. */
	while (len) {
		uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
		crc = (uint32_t)crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
#else
	return crc32_own(crc, p, len);
#endif
}

/* ---- writer ---------------------------------------------------------- */

#define WRITER_MAGIC 0x57534e50u /* "PNSW" */

struct writer {
	uint8_t *buf;
	uint64_t cap;
	uint64_t pos; /* next record offset, from the container start */
	uint32_t count;
	uint32_t magic;
	uint8_t vtl;
	uint8_t finished;
	uint8_t pad[6];
	uint64_t spare;
};
TDXC_STATIC_ASSERT(sizeof(struct writer) <= sizeof(struct tdxc_snapshot_writer),
		   writer_fits);
TDXC_STATIC_ASSERT(_Alignof(struct writer) <= _Alignof(struct tdxc_snapshot_writer),
		   writer_align);

static int vtl_ok(uint8_t vtl)
{
	return vtl <= MAX_VTL || vtl == TDXC_SNAPSHOT_VTL_NONE;
}

int tdxc_snapshot_writer_init(struct tdxc_snapshot_writer *sw, void *buf, size_t cap,
			      uint8_t producer_vtl)
{
	struct writer *w = (struct writer *)(void *)sw;
	if (!w)
		return TDXC_EINVAL;
	if (!vtl_ok(producer_vtl))
		return TDXC_ERANGE;
	if (buf && cap < HDR + TRL)
		return TDXC_ENOSPC;
	tdxc__memset(sw, 0, sizeof(*sw));
	w->buf = (uint8_t *)buf;
	w->cap = buf ? cap : 0;
	w->pos = HDR;
	w->vtl = producer_vtl;
	w->magic = WRITER_MAGIC;
	return 0;
}

static uint64_t pad8(uint64_t n)
{
	return (8 - (n & 7)) & 7;
}

int tdxc_snapshot_add_begin(struct tdxc_snapshot_writer *sw, uint16_t module_id,
			    uint16_t module_version, uint32_t flags, uint64_t length,
			    void **payload)
{
	struct writer *w = (struct writer *)(void *)sw;
	uint64_t end, padded;
	uint8_t *rh;
	int rc;

	if (!w || !payload || w->magic != WRITER_MAGIC)
		return TDXC_EINVAL;
	if (w->finished)
		return TDXC_ESTATE;
	if ((rc = tdxc__check_flags(flags, TDXC_SNAPSHOT_REC_OPTIONAL)))
		return rc;
	if (module_id == 0)
		return TDXC_ERANGE;
	if (length > TDXC_SNAPSHOT_MAX_RECORDS_BYTES)
		return TDXC_E2BIG;
	padded = length + pad8(length);
	end = w->pos + RHDR + padded; /* cannot wrap: both terms bounded */
	if (end - HDR > TDXC_SNAPSHOT_MAX_RECORDS_BYTES)
		return TDXC_E2BIG;
	if (end + TRL > SIZE_MAX)
		return TDXC_E2BIG;
	if (w->buf && end + TRL > w->cap)
		return TDXC_ENOSPC;
	if (w->buf) {
		rh = w->buf + w->pos;
		tdxc__put_le16(rh + 0, module_id);
		tdxc__put_le16(rh + 2, module_version);
		tdxc__put_le32(rh + 4, flags);
		tdxc__put_le64(rh + 8, length);
		tdxc__memset(rh + RHDR, 0, (size_t)padded);
		*payload = rh + RHDR;
	} else {
		*payload = NULL;
	}
	w->pos = end;
	w->count++;
	return 0;
}

int tdxc_snapshot_add(struct tdxc_snapshot_writer *sw, uint16_t module_id,
		      uint16_t module_version, uint32_t flags, const void *payload,
		      uint64_t length)
{
	void *dst;
	int rc;
	if (!payload && length)
		return TDXC_EINVAL;
	rc = tdxc_snapshot_add_begin(sw, module_id, module_version, flags, length, &dst);
	if (rc == 0 && dst && length)
		tdxc__memcpy(dst, payload, (size_t)length);
	return rc;
}

static void write_header(uint8_t *b, uint32_t flags, uint64_t total, uint64_t reclen,
			 uint32_t count, uint8_t vtl)
{
	tdxc__memcpy(b + H_MAGIC, magic, sizeof(magic));
	tdxc__put_le16(b + H_VERSION, TDXC_SNAPSHOT_FORMAT_VERSION);
	tdxc__put_le16(b + H_HDRSIZE, HDR);
	tdxc__put_le32(b + H_FLAGS, flags);
	tdxc__put_le64(b + H_TOTAL, total);
	tdxc__put_le64(b + H_RECLEN, reclen);
	tdxc__put_le32(b + H_COUNT, count);
	b[H_VTL] = vtl;
	tdxc__memset(b + H_RESERVED, 0, 3);
}

int tdxc_snapshot_finish(struct tdxc_snapshot_writer *sw, size_t *total)
{
	struct writer *w = (struct writer *)(void *)sw;
	uint64_t t;
	if (!w || !total || w->magic != WRITER_MAGIC)
		return TDXC_EINVAL;
	if (w->finished)
		return TDXC_ESTATE;
	t = w->pos + TRL;
	if (w->buf) {
		write_header(w->buf, 0, t, w->pos - HDR, w->count, w->vtl);
		tdxc__put_le32(w->buf + w->pos,
			       tdxc_crc32(0, w->buf, (size_t)w->pos));
	}
	w->finished = 1;
	*total = (size_t)t;
	return 0;
}

/* ---- reader ---------------------------------------------------------- */

#define READER_MAGIC 0x52534e50u

struct reader {
	const uint8_t *rec; /* records section (container or scratch) */
	uint64_t rec_len;
	uint32_t count;
	uint32_t magic;
	uint8_t vtl;
	uint8_t compressed;
	uint8_t pad[6];
	uint64_t spare[4];
};
TDXC_STATIC_ASSERT(sizeof(struct reader) <= sizeof(struct tdxc_snapshot_reader),
		   reader_fits);
TDXC_STATIC_ASSERT(_Alignof(struct reader) <= _Alignof(struct tdxc_snapshot_reader),
		   reader_align);

struct hdr {
	uint32_t flags;
	uint64_t total;
	uint64_t reclen;
	uint32_t count;
	uint8_t vtl;
};

/* Checks in an order that gives each corruption class its own code: the
 * magic and the total length (format-invariant) first, then the CRC, then
 * the fields the CRC vouches for. */
static int parse_header(const uint8_t *b, size_t len, struct hdr *h)
{
	uint64_t total;
	if (len < HDR + TRL)
		return TDXC_ETRUNC;
	if (tdxc__memcmp(b, magic, sizeof(magic)) != 0)
		return TDXC_EBADSIG;
	total = tdxc__le64(b + H_TOTAL);
	if (total < HDR + TRL)
		return TDXC_EMALFORMED;
	if (total > len)
		return TDXC_ETRUNC;
	if (total < len)
		return TDXC_EMALFORMED;
	if (tdxc_crc32(0, b, (size_t)total - TRL) != tdxc__le32(b + total - TRL))
		return TDXC_ECHECKSUM;
	if (tdxc__le16(b + H_VERSION) != TDXC_SNAPSHOT_FORMAT_VERSION)
		return TDXC_EVERSION;
	if (tdxc__le16(b + H_HDRSIZE) != HDR)
		return TDXC_EMALFORMED;
	h->flags = tdxc__le32(b + H_FLAGS);
	if (h->flags & ~(uint32_t)TDXC_SNAPSHOT_F_COMPRESSED)
		return TDXC_EFLAGS;
	if (!tdxc__all_zero(b + H_RESERVED, 3))
		return TDXC_ERESERVED;
	h->vtl = b[H_VTL];
	if (!vtl_ok(h->vtl))
		return TDXC_ERANGE;
	h->total = total;
	h->reclen = tdxc__le64(b + H_RECLEN);
	h->count = tdxc__le32(b + H_COUNT);
	if (h->reclen > TDXC_SNAPSHOT_MAX_RECORDS_BYTES || h->reclen > SIZE_MAX)
		return TDXC_E2BIG;
	if (!(h->flags & TDXC_SNAPSHOT_F_COMPRESSED) && h->reclen != total - HDR - TRL)
		return TDXC_EMALFORMED;
	return 0;
}

/* Walk and check every record header of an uncompressed records section. */
static int check_records(const uint8_t *p, uint64_t len, uint32_t count)
{
	uint64_t pos = 0, n = 0;
	while (pos < len) {
		uint64_t plen, padded;
		uint32_t flags;
		if (len - pos < RHDR)
			return TDXC_EMALFORMED;
		if (tdxc__le16(p + pos) == 0)
			return TDXC_EMALFORMED;
		flags = tdxc__le32(p + pos + 4);
		if (flags & ~(uint32_t)TDXC_SNAPSHOT_REC_OPTIONAL)
			return TDXC_EFLAGS;
		plen = tdxc__le64(p + pos + 8);
		if (plen > len - pos - RHDR)
			return TDXC_EMALFORMED;
		padded = plen + pad8(plen);
		if (padded > len - pos - RHDR)
			return TDXC_EMALFORMED;
		if (!tdxc__all_zero(p + pos + RHDR + plen, (size_t)(padded - plen)))
			return TDXC_ERESERVED;
		pos += RHDR + padded;
		n++;
	}
	if (n != count)
		return TDXC_EMALFORMED;
	return 0;
}

#if SNAP_ZLIB
struct bump {
	uint8_t *base;
	size_t len, used;
};

static voidpf bump_alloc(voidpf opaque, uInt items, uInt size)
{
	struct bump *b = (struct bump *)opaque;
	size_t n, start;
	if (tdxc__mul_size(items, size, &n) || tdxc__add_size(b->used, 15, &start))
		return Z_NULL;
	start &= ~(size_t)15;
	if (start > b->len || n > b->len - start)
		return Z_NULL;
	b->used = start + n;
	return b->base + start;
}

static void bump_free(voidpf opaque, voidpf p)
{
	(void)opaque;
	(void)p; /* the whole workspace is dropped at once */
}

/* Inflate exactly `want` bytes from [in, in+in_len) into out. */
static int inflate_exact(const uint8_t *in, size_t in_len, uint8_t *out, size_t want,
			 uint8_t *work, size_t work_len)
{
	struct bump b = { work, work_len, 0 };
	z_stream zs;
	int zr, rc = 0;
	uint8_t extra;

	tdxc__memset(&zs, 0, sizeof(zs));
	zs.zalloc = bump_alloc;
	zs.zfree = bump_free;
	zs.opaque = &b;
	if (inflateInit(&zs) != Z_OK)
		return TDXC_ENOSPC;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.next_out = out;
	/* Feed in chunks that fit uInt; output is bounded by `want`, so a
	 * stream that expands further (a bomb) stops here. */
	while (1) {
		size_t in_left = in_len - (size_t)((const uint8_t *)zs.next_in - in);
		size_t out_left = want - (size_t)(zs.next_out - out);
		zs.avail_in = in_left > 0x40000000u ? 0x40000000u : (uInt)in_left;
		if (out_left == 0) {
			/* Probe one more byte: anything beyond `want` is an error. */
			zs.next_out = &extra;
			zs.avail_out = 1;
			zr = inflate(&zs, Z_FINISH);
			rc = (zr == Z_STREAM_END && zs.avail_out == 1) ? 0 : TDXC_EMALFORMED;
			if (rc == 0 && zs.avail_in != 0)
				rc = TDXC_EMALFORMED; /* trailing bytes after the stream */
			break;
		}
		zs.avail_out = out_left > 0x40000000u ? 0x40000000u : (uInt)out_left;
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			rc = (size_t)(zs.next_out - out) == want && zs.avail_in == 0
				     ? 0 : TDXC_EMALFORMED;
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = TDXC_ENOSPC;
			break;
		}
		if (zr != Z_OK) { /* data error, or no progress (truncated) */
			rc = TDXC_EMALFORMED;
			break;
		}
	}
	inflateEnd(&zs);
	return rc;
}
#endif

int tdxc_snapshot_scratch_size(const void *blob, size_t len, size_t *need)
{
	struct hdr h;
	int rc;
	if (!blob || !need)
		return TDXC_EINVAL;
	if ((rc = parse_header((const uint8_t *)blob, len, &h)))
		return rc;
	if (!(h.flags & TDXC_SNAPSHOT_F_COMPRESSED))
		*need = 0;
	else if (!SNAP_ZLIB)
		return TDXC_ENOTSUP;
	else
		*need = (size_t)h.reclen + TDXC_SNAPSHOT_INFLATE_WORKSPACE;
	return 0;
}

int tdxc_snapshot_open(struct tdxc_snapshot_reader *sr, const void *blob, size_t len,
		       void *scratch, size_t scratch_len)
{
	struct reader *r = (struct reader *)(void *)sr;
	const uint8_t *b = (const uint8_t *)blob;
	const uint8_t *rec;
	struct hdr h;
	int rc;

	if (!r || !b)
		return TDXC_EINVAL;
	if ((rc = parse_header(b, len, &h)))
		return rc;
	if (h.flags & TDXC_SNAPSHOT_F_COMPRESSED) {
#if SNAP_ZLIB
		if (!scratch || scratch_len < h.reclen ||
		    scratch_len - h.reclen < TDXC_SNAPSHOT_INFLATE_WORKSPACE)
			return TDXC_ENOSPC;
		rc = inflate_exact(b + HDR, (size_t)(h.total - HDR - TRL), (uint8_t *)scratch,
				   (size_t)h.reclen, (uint8_t *)scratch + h.reclen,
				   scratch_len - (size_t)h.reclen);
		if (rc)
			return rc;
		rec = (const uint8_t *)scratch;
#else
		(void)scratch;
		(void)scratch_len;
		return TDXC_ENOTSUP;
#endif
	} else {
		rec = b + HDR;
	}
	if ((rc = check_records(rec, h.reclen, h.count)))
		return rc;
	tdxc__memset(sr, 0, sizeof(*sr));
	r->rec = rec;
	r->rec_len = h.reclen;
	r->count = h.count;
	r->vtl = h.vtl;
	r->compressed = (h.flags & TDXC_SNAPSHOT_F_COMPRESSED) != 0;
	r->magic = READER_MAGIC;
	return 0;
}

static const struct reader *reader_of(const struct tdxc_snapshot_reader *sr)
{
	const struct reader *r = (const struct reader *)(const void *)sr;
	return (r && r->magic == READER_MAGIC) ? r : NULL;
}

int tdxc_snapshot_producer_vtl(const struct tdxc_snapshot_reader *sr, uint8_t *vtl)
{
	const struct reader *r = reader_of(sr);
	if (!r || !vtl)
		return TDXC_EINVAL;
	*vtl = r->vtl;
	return 0;
}

/* The reader validated every record at open: parsing here cannot fail for
 * a cursor that sits on a record boundary. */
static uint64_t record_at(const struct reader *r, uint64_t pos, struct tdxc_snapshot_record *rec)
{
	const uint8_t *p = r->rec + pos;
	rec->module_id = tdxc__le16(p);
	rec->module_version = tdxc__le16(p + 2);
	rec->flags = tdxc__le32(p + 4);
	rec->length = tdxc__le64(p + 8);
	rec->payload = p + RHDR;
	return pos + RHDR + rec->length + pad8(rec->length);
}

int tdxc_snapshot_next(const struct tdxc_snapshot_reader *sr, size_t *cursor,
		       struct tdxc_snapshot_record *rec)
{
	const struct reader *r = reader_of(sr);
	uint64_t pos = 0;
	struct tdxc_snapshot_record tmp;
	if (!r || !cursor || !rec)
		return TDXC_EINVAL;
	if (*cursor >= r->rec_len)
		return *cursor == r->rec_len ? 0 : TDXC_EINVAL;
	/* Only accept cursors on a record boundary. */
	while (pos < *cursor)
		pos = record_at(r, pos, &tmp);
	if (pos != *cursor)
		return TDXC_EINVAL;
	*cursor = (size_t)record_at(r, pos, rec);
	return 1;
}

int tdxc_snapshot_find(const struct tdxc_snapshot_reader *sr, uint16_t module_id,
		       uint32_t index, struct tdxc_snapshot_record *rec)
{
	const struct reader *r = reader_of(sr);
	struct tdxc_snapshot_record tmp;
	uint64_t pos = 0;
	if (!r || !rec)
		return TDXC_EINVAL;
	while (pos < r->rec_len) {
		pos = record_at(r, pos, &tmp);
		if (tmp.module_id == module_id && index-- == 0) {
			*rec = tmp;
			return 0;
		}
	}
	return TDXC_ENOENT;
}

int tdxc_snapshot_check_known(const struct tdxc_snapshot_reader *sr, const uint16_t *known,
			      size_t n, uint16_t *bad_module)
{
	const struct reader *r = reader_of(sr);
	struct tdxc_snapshot_record rec;
	uint64_t pos = 0;
	size_t i;
	if (!r || (!known && n))
		return TDXC_EINVAL;
	while (pos < r->rec_len) {
		pos = record_at(r, pos, &rec);
		if (rec.flags & TDXC_SNAPSHOT_REC_OPTIONAL)
			continue;
		for (i = 0; i < n && known[i] != rec.module_id; i++)
			;
		if (i == n) {
			if (bad_module)
				*bad_module = rec.module_id;
			return TDXC_ENOTSUP;
		}
	}
	return 0;
}

/* ---- module records ---------------------------------------------- */

int tdxc__snapshot_writer_vtl(const struct tdxc_snapshot_writer *sw, uint8_t *vtl)
{
	const struct writer *w = (const struct writer *)(const void *)sw;
	if (!w || !vtl || w->magic != WRITER_MAGIC)
		return TDXC_EINVAL;
	*vtl = w->vtl;
	return 0;
}

int tdxc__snapshot_rec_begin(struct tdxc_snapshot_writer *w, uint16_t module_id,
			     uint32_t instance, uint64_t body_len, uint8_t **body)
{
	void *p = NULL;
	int rc;
	if (!body)
		return TDXC_EINVAL;
	if (body_len > TDXC_SNAPSHOT_MAX_RECORDS_BYTES)
		return TDXC_E2BIG;
	rc = tdxc_snapshot_add_begin(w, module_id, TDXC__SNAP_REC_VERSION, 0,
				     TDXC__SNAP_REC_HDR + body_len, &p);
	if (rc)
		return rc;
	if (p) {
		tdxc__put_le64((uint8_t *)p, body_len);
		tdxc__put_le32((uint8_t *)p + 8, instance);
		*body = (uint8_t *)p + TDXC__SNAP_REC_HDR;
	} else {
		*body = NULL;
	}
	return 0;
}

int tdxc__snapshot_rec_find(const struct tdxc_snapshot_reader *sr, uint16_t module_id,
			    uint32_t instance, const uint8_t **body, uint64_t *body_len)
{
	const struct reader *r = reader_of(sr);
	struct tdxc_snapshot_record rec, found = { 0, 0, 0, 0, NULL };
	const uint8_t *p;
	uint64_t pos = 0, blen;
	int n = 0;

	if (!r || !body || !body_len)
		return TDXC_EINVAL;
	while (pos < r->rec_len) {
		pos = record_at(r, pos, &rec);
		if (rec.module_id != module_id)
			continue;
		/* A payload too short for its header cannot name an instance:
		 * it is broken whichever instance it was meant for. */
		if (rec.length < TDXC__SNAP_REC_HDR)
			return TDXC_EMALFORMED;
		if (tdxc__le32((const uint8_t *)rec.payload + 8) != instance)
			continue;
		if (n++) /* two states for one object: refuse, do not guess */
			return TDXC_EMALFORMED;
		found = rec;
	}
	if (!n)
		return TDXC_ENOENT;
	if (found.module_version == 0)
		return TDXC_EVERSION;
	p = (const uint8_t *)found.payload;
	blen = tdxc__le64(p);
	if (tdxc__le32(p + 12) != 0)
		return TDXC_ERESERVED;
	if (blen > found.length - TDXC__SNAP_REC_HDR)
		return TDXC_EMALFORMED;
	if (found.length - TDXC__SNAP_REC_HDR > blen) {
		const uint8_t *tail = p + TDXC__SNAP_REC_HDR + blen;
		size_t tlen = (size_t)(found.length - TDXC__SNAP_REC_HDR - blen);
		if (found.module_version <= TDXC__SNAP_REC_VERSION)
			return TDXC_EMALFORMED;
		if (!tdxc__all_zero(tail, tlen))
			return TDXC_ERESERVED;
	}
	*body = p + TDXC__SNAP_REC_HDR;
	*body_len = blen;
	return 0;
}

/* ---- compression ----------------------------------------------------- */

int tdxc_snapshot_compress_bound(size_t len, size_t *bound)
{
	if (!bound)
		return TDXC_EINVAL;
#if SNAP_ZLIB
	if (len > 0x40000000u)
		return TDXC_E2BIG;
	*bound = (size_t)compressBound((uLong)len) + HDR + TRL;
	return 0;
#else
	(void)len;
	return TDXC_ENOTSUP;
#endif
}

int tdxc_snapshot_compress(const void *in, size_t in_len, void *out, size_t out_cap, int level,
			   void *scratch, size_t scratch_len, size_t *out_len)
{
#if SNAP_ZLIB
	const uint8_t *b = (const uint8_t *)in;
	uint8_t *o = (uint8_t *)out;
	struct tdxc_snapshot_reader rd;
	struct bump bp = { (uint8_t *)scratch, scratch_len, 0 };
	struct hdr h;
	z_stream zs;
	size_t clen, total;
	int rc, zr;

	if (!b || !o || !scratch || !out_len)
		return TDXC_EINVAL;
	if ((uintptr_t)o < (uintptr_t)b + in_len && (uintptr_t)b < (uintptr_t)o + out_cap)
		return TDXC_EINVAL;
	if (level < -1 || level > 9)
		return TDXC_ERANGE;
	if ((rc = parse_header(b, in_len, &h)))
		return rc;
	if (h.flags & TDXC_SNAPSHOT_F_COMPRESSED)
		return TDXC_EALREADY;
	if ((rc = tdxc_snapshot_open(&rd, in, in_len, NULL, 0)))
		return rc;
	if (h.reclen > 0x40000000u)
		return TDXC_E2BIG;
	if (scratch_len < TDXC_SNAPSHOT_DEFLATE_WORKSPACE || out_cap < HDR + TRL)
		return TDXC_ENOSPC;

	tdxc__memset(&zs, 0, sizeof(zs));
	zs.zalloc = bump_alloc;
	zs.zfree = bump_free;
	zs.opaque = &bp;
	if (deflateInit(&zs, level) != Z_OK)
		return TDXC_ENOSPC;
	zs.next_in = (Bytef *)(uintptr_t)(b + HDR);
	zs.avail_in = (uInt)h.reclen;
	zs.next_out = o + HDR;
	zs.avail_out = (out_cap - HDR - TRL) > 0x40000000u ? 0x40000000u
							   : (uInt)(out_cap - HDR - TRL);
	zr = deflate(&zs, Z_FINISH);
	clen = (size_t)zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END)
		return TDXC_ENOSPC;
	total = HDR + clen + TRL;
	write_header(o, TDXC_SNAPSHOT_F_COMPRESSED, total, h.reclen, h.count, h.vtl);
	tdxc__put_le32(o + HDR + clen, tdxc_crc32(0, o, HDR + clen));
	*out_len = total;
	return 0;
#else
	(void)in;
	(void)in_len;
	(void)out;
	(void)out_cap;
	(void)level;
	(void)scratch;
	(void)scratch_len;
	(void)out_len;
	return TDXC_ENOTSUP;
#endif
}
