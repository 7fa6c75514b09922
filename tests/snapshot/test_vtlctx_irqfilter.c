/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx and irqfilter records in the snapshot container: round trips
 * (plain and compressed) with identical behaviour afterwards, every
 * record-level corruption with its code and an untouched object, forward
 * compatibility, and the producer-VTL rules of vtlctx.
 */
#include "snap_test.h"
#include <tdxcore/irqfilter.h>
#include <tdxcore/vtlctx.h>

#define NVP 4
#define OWNER 2

/* ---- vtlctx ------------------------------------------------------------ */

struct vps {
	struct tdxc_vtlctx *vp[NVP];
	void *mem[NVP];
	size_t len;
	struct tdxc_vtlctx_params prm;
};

static void vps_init(struct vps *v, uint32_t caps, uint16_t part, uint16_t vtl1_mask)
{
	unsigned i;
	memset(v, 0, sizeof(*v));
	v->prm.size = sizeof(v->prm);
	v->prm.caps = caps;
	v->prm.n_vtls = 2;
	v->prm.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	v->prm.partition_vtls = part;
	assert_int_equal(tdxc_vtlctx_storage_size(&v->prm, &v->len), 0);
	for (i = 0; i < NVP; i++) {
		v->mem[i] = aligned_alloc(64, (v->len + 63) & ~(size_t)63);
		assert_non_null(v->mem[i]);
		memset(v->mem[i], 0, v->len);
		assert_int_equal(tdxc_vtlctx_init(v->mem[i], v->len, &v->prm, NULL, &v->vp[i]), 0);
		if ((vtl1_mask >> i) & 1)
			assert_int_equal(tdxc_vtlctx_enable(v->vp[i], 1), 0);
	}
}

static void vps_free(struct vps *v)
{
	unsigned i;
	for (i = 0; i < NVP; i++)
		free(v->mem[i]);
}

static const uint32_t scalar_fields[] = {
	TDXC_VTLCTX_F_RAX, TDXC_VTLCTX_F_RBX, TDXC_VTLCTX_F_RSP, TDXC_VTLCTX_F_R15,
	TDXC_VTLCTX_F_RIP, TDXC_VTLCTX_F_CR2, TDXC_VTLCTX_F_CR3, TDXC_VTLCTX_F_DR0,
	TDXC_VTLCTX_F_LSTAR, TDXC_VTLCTX_F_KERNEL_GS_BASE, TDXC_VTLCTX_F_TSC_AUX,
	TDXC_VTLCTX_F_SINT3, TDXC_VTLCTX_F_PENDING_EVENT,
};

/* Identical pseudo-random writes (seeded) on a store. */
static void vp_scramble(struct tdxc_vtlctx *s, uint64_t seed)
{
	unsigned i, v;
	for (v = 0; v < 2; v++) {
		if (tdxc_vtlctx_is_enabled(s, (uint8_t)v) != 1)
			continue;
		for (i = 0; i < sizeof(scalar_fields) / sizeof(scalar_fields[0]); i++)
			assert_int_equal(tdxc_vtlctx_set(s, OWNER, (uint8_t)v, scalar_fields[i],
							 rnd(&seed)),
					 0);
		assert_int_equal(tdxc_vtlctx_set(s, OWNER, (uint8_t)v, TDXC_VTLCTX_F_ENTRY_FLUSH,
						 rnd(&seed) & 3),
				 0);
	}
	assert_int_equal(tdxc_vtlctx_set(s, OWNER, 0, TDXC_VTLCTX_F_VP_FLAGS, seed & 3), 0);
}

/* A run through the staged backend: stage, the "hardware" edits RAX, unstage. */
static void vp_run(struct tdxc_vtlctx *s, uint64_t seed)
{
	static uint8_t page[4096];
	uint64_t v = seed | 1;
	memset(page, 0, sizeof(page));
	assert_int_equal(tdxc_vtlctx_stage(s, 0, page, sizeof(page)), 0);
	tdxc__put_le64(page + TDXC_VTLCTX_RUN_GPR_LIST_OFFSET, rnd(&v));
	assert_int_equal(tdxc_vtlctx_unstage(s, 0, page), 0);
	assert_int_equal(tdxc_vtlctx_set(s, OWNER, 0, TDXC_VTLCTX_F_R9, rnd(&v)), 0);
}

static void vp_assert_equal(struct tdxc_vtlctx *a, struct tdxc_vtlctx *b)
{
	size_t na = 0, nb = 0;
	uint8_t *ba, *bb;
	uint32_t f;
	assert_int_equal(tdxc_vtlctx_save_size(a, &na), 0);
	assert_int_equal(tdxc_vtlctx_save_size(b, &nb), 0);
	assert_int_equal(na, nb);
	ba = malloc(na);
	bb = malloc(nb);
	assert_int_equal(tdxc_vtlctx_save(a, ba, na, NULL), 0);
	assert_int_equal(tdxc_vtlctx_save(b, bb, nb, NULL), 0);
	assert_memory_equal(ba, bb, na);
	free(ba);
	free(bb);
	/* and through the access API, field by field */
	for (f = 0; f < TDXC_VTLCTX_F_COUNT; f++) {
		uint8_t x[512], y[512];
		struct tdxc_vtlctx_field_info fi;
		int ra, rb;
		assert_int_equal(tdxc_vtlctx_field_info(f, &fi), 0);
		if (fi.cls == TDXC_VTLCTX_CLASS_PER_EXIT)
			continue; /* per-exit data is not state: never saved */
		ra = tdxc_vtlctx_read(a, OWNER, 0, f, x, fi.size);
		rb = tdxc_vtlctx_read(b, OWNER, 0, f, y, fi.size);
		assert_int_equal(ra, rb);
		if (ra == 0)
			assert_memory_equal(x, y, fi.size);
	}
}

struct vadd {
	struct vps *v;
	unsigned only; /* NVP: all */
};

static int vtlctx_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	struct vadd *a = (struct vadd *)ctx;
	unsigned i;
	int rc;
	for (i = 0; i < NVP; i++) {
		if (a->only != NVP && a->only != i)
			continue;
		if ((rc = tdxc_vtlctx_snapshot_add(a->v->vp[i], i, w)))
			return rc;
	}
	return 0;
}

struct vrestore {
	struct tdxc_vtlctx *s;
	uint32_t index;
};

static int vtlctx_restore_fn(void *obj, const struct tdxc_snapshot_reader *r)
{
	struct vrestore *v = (struct vrestore *)obj;
	return tdxc_vtlctx_snapshot_restore(v->s, v->index, r);
}

static void vtlctx_round_trip(int compress)
{
	struct vps a, b;
	struct vadd add;
	struct blob bl;
	struct tdxc_snapshot_reader r;
	unsigned i;

	vps_init(&a, TDXC_VTLCTX_CAP_ALL, 0, 0x5);
	vps_init(&b, TDXC_VTLCTX_CAP_ALL, 0, 0x5);
	for (i = 0; i < NVP; i++) {
		vp_scramble(a.vp[i], 100 + i);
		vp_run(a.vp[i], 7 + i);
	}
	add.v = &a;
	add.only = NVP;
	assert_int_equal(snap_build(&bl, OWNER, compress, vtlctx_add, &add), 0);
	assert_int_equal(snap_open(&r, &bl), 0);
	for (i = 0; i < NVP; i++)
		assert_int_equal(tdxc_vtlctx_snapshot_restore(b.vp[i], i, &r), 0);
	for (i = 0; i < NVP; i++) {
		vp_assert_equal(a.vp[i], b.vp[i]);
		/* the same operations on both copies keep them equal */
		vp_run(a.vp[i], 55 + i);
		vp_run(b.vp[i], 55 + i);
		vp_scramble(a.vp[i], 900 + i);
		vp_scramble(b.vp[i], 900 + i);
		vp_assert_equal(a.vp[i], b.vp[i]);
	}
	/* a record may be restored into another VP of the same configuration */
	assert_int_equal(tdxc_vtlctx_snapshot_restore(b.vp[2], 0, &r), 0);
	blob_free(&bl);
	vps_free(&a);
	vps_free(&b);
}

static void test_vtlctx_round_trip(void **st)
{
	(void)st;
	vtlctx_round_trip(0);
}

static void test_vtlctx_round_trip_z(void **st)
{
	(void)st;
	if (!have_zlib())
		skip();
	vtlctx_round_trip(1);
}

static void test_vtlctx_corruption(void **st)
{
	struct vps a, b;
	struct vadd add = { &a, NVP };
	struct vrestore vr;
	struct blob bl;
	size_t plen;
	uint8_t *p;
	struct raw_rec rr;
	(void)st;

	vps_init(&a, TDXC_VTLCTX_CAP_ALL, 0, 0x1);
	vps_init(&b, TDXC_VTLCTX_CAP_ALL, 0, 0x1);
	vp_scramble(a.vp[0], 1);
	vp_scramble(b.vp[0], 2);
	assert_int_equal(snap_build(&bl, OWNER, 0, vtlctx_add, &add), 0);
	vr.s = b.vp[0];
	vr.index = 0;
	record_corruptions(&bl, TDXC_SNAPSHOT_MOD_VTLCTX, 0, OWNER, vtlctx_restore_fn, &vr,
			   b.mem[0], b.len);

	/* damage inside the module blob, with a valid container around it */
	p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_VTLCTX, 0, &plen);
	rr = (struct raw_rec){ TDXC_SNAPSHOT_MOD_VTLCTX, 1, 0, p, plen };
	p[16 + 40] ^= 1; /* a register byte: the blob's own checksum */
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_ECHECKSUM);
	p[16 + 40] ^= 1;
	p[16] ^= 1; /* magic */
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_EBADSIG);
	p[16] ^= 1;
	p[16 + 4] = 9; /* blob format version */
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_EVERSION);
	p[16 + 4] = 1;
	/* body cut short: the blob's own length says more */
	tdxc__put_le64(p, tdxc__le64(p) - 8);
	rr.len = plen - 8;
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_ETRUNC);
	tdxc__put_le64(p, 20); /* shorter than the blob header */
	rr.len = 16 + 20;
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_ETRUNC);
	free(p);

	/* a staged VP is not restored */
	{
		static uint8_t page[4096];
		struct tdxc_snapshot_reader r;
		assert_int_equal(tdxc_vtlctx_stage(b.vp[0], 0, page, sizeof(page)), 0);
		assert_int_equal(snap_open(&r, &bl), 0);
		memcpy(page + 2048, b.mem[0], 1); /* keep the compiler honest */
		assert_int_equal(tdxc_vtlctx_snapshot_restore(b.vp[0], 0, &r), TDXC_ESTATE);
		assert_int_equal(tdxc_vtlctx_snapshot_restore(NULL, 0, &r), TDXC_EINVAL);
		assert_int_equal(tdxc_vtlctx_snapshot_restore(b.vp[0], 0, NULL), TDXC_EINVAL);
		assert_int_equal(tdxc_vtlctx_unstage(b.vp[0], 0, page), 0);
	}
	forward_compat(&bl, TDXC_SNAPSHOT_MOD_VTLCTX, 0, OWNER, vtlctx_restore_fn, &vr);
	vp_assert_equal(a.vp[0], b.vp[0]);
	blob_free(&bl);
	vps_free(&a);
	vps_free(&b);
}

/* Capability 5: a blob never raises what the VP may do. */
static void test_vtlctx_security(void **st)
{
	struct vps hi, lo, nocap, fewer;
	struct vadd add = { &hi, 0 };
	struct vrestore vr;
	struct blob bl;
	struct tdxc_snapshot_reader r;
	struct tdxc_snapshot_writer w, wb;
	uint8_t *before;
	(void)st;

	vps_init(&hi, TDXC_VTLCTX_CAP_ALL, 0, 0x1);   /* VP 0: VTL0 and VTL1 */
	vps_init(&lo, TDXC_VTLCTX_CAP_ALL, 0, 0x0);   /* VTL0 only */
	vps_init(&nocap, 0, 0, 0x1);                   /* no TSC_AUX, DR6 private */
	vps_init(&fewer, TDXC_VTLCTX_CAP_ALL, 0x1, 0); /* partition: VTL0 only */
	vp_scramble(hi.vp[0], 3);
	before = malloc(hi.len);

	/* Writers below the owner level may not carry the owner's state. */
	assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, 1), 0);
	memcpy(&wb, &w, sizeof(w));
	assert_int_equal(tdxc_vtlctx_snapshot_add(hi.vp[0], 0, &w), TDXC_EPERM);
	assert_memory_equal(&w, &wb, sizeof(w));
	assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, TDXC_SNAPSHOT_VTL_NONE), 0);
	assert_int_equal(tdxc_vtlctx_snapshot_add(hi.vp[0], 0, &w), TDXC_EPERM);

	/* The same record in a container that claims a lower producer. */
	assert_int_equal(snap_build(&bl, OWNER, 0, vtlctx_add, &add), 0);
	{
		size_t plen;
		uint8_t *p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_VTLCTX, 0, &plen);
		struct raw_rec rr = { TDXC_SNAPSHOT_MOD_VTLCTX, 1, 0, p, plen };
		uint8_t prod[3] = { 0, 1, TDXC_SNAPSHOT_VTL_NONE };
		unsigned k;
		vr.s = hi.vp[1];
		vr.index = 0;
		assert_int_equal(tdxc_vtlctx_enable(hi.vp[1], 1), 0);
		for (k = 0; k < 3; k++)
			expect_raw(prod[k], &rr, 1, vtlctx_restore_fn, &vr, hi.mem[1], hi.len,
				   TDXC_EPERM);
		/* a higher producer than needed is fine */
		expect_raw(5, &rr, 1, vtlctx_restore_fn, &vr, hi.mem[1], hi.len, 0);
		free(p);
	}

	assert_int_equal(snap_open(&r, &bl), 0);
	/* enabling VTL1 on a VP that does not have it */
	memcpy(before, lo.mem[0], lo.len);
	assert_int_equal(tdxc_vtlctx_snapshot_restore(lo.vp[0], 0, &r), TDXC_EPERM);
	assert_memory_equal(before, lo.mem[0], lo.len);
	/* enabling VTL1 for a partition that does not have it */
	memcpy(before, fewer.mem[0], fewer.len);
	assert_int_equal(tdxc_vtlctx_snapshot_restore(fewer.vp[0], 0, &r), TDXC_EPERM);
	assert_memory_equal(before, fewer.mem[0], fewer.len);
	/* capabilities the store lacks */
	memcpy(before, nocap.mem[0], nocap.len);
	assert_int_equal(tdxc_vtlctx_snapshot_restore(nocap.vp[0], 0, &r), TDXC_EPERM);
	assert_memory_equal(before, nocap.mem[0], nocap.len);
	blob_free(&bl);

	/* The other way round is no privilege gain but still a mismatch. */
	add.v = &lo;
	assert_int_equal(snap_build(&bl, OWNER, 0, vtlctx_add, &add), 0);
	assert_int_equal(snap_open(&r, &bl), 0);
	memcpy(before, hi.mem[0], hi.len);
	assert_int_equal(tdxc_vtlctx_snapshot_restore(hi.vp[0], 0, &r), TDXC_ENOTUSABLE);
	assert_memory_equal(before, hi.mem[0], hi.len);
	blob_free(&bl);

	free(before);
	vps_free(&hi);
	vps_free(&lo);
	vps_free(&nocap);
	vps_free(&fewer);
}

/* ---- irqfilter --------------------------------------------------------- */

struct irqf {
	struct tdxc_irqfilter_part *part;
	void *mem;
	size_t len;
};

static void irqf_init(struct irqf *f, uint32_t vps, uint32_t max_dev)
{
	struct tdxc_irqfilter_params p;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = vps;
	p.max_device_entries = max_dev;
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &f->len), 0);
	f->mem = aligned_alloc(TDXC_IRQFILTER_STORAGE_ALIGN, f->len);
	assert_non_null(f->mem);
	memset(f->mem, 0, f->len);
	assert_int_equal(tdxc_irqfilter_init(f->mem, f->len, &p, &f->part), 0);
}

static void irqf_ops(struct irqf *f, uint64_t seed)
{
	uint32_t i, n, vps[2];
	uint64_t g;
	for (i = 0; i < NVP; i++) {
		struct tdxc_irqfilter_vp *vp;
		assert_int_equal(tdxc_irqfilter_vp_get(f->part, i, &vp), 0);
		assert_true(tdxc_irqfilter_scontrol_write(vp, 0, 1) >= 0);
		assert_true(tdxc_irqfilter_scontrol_write(vp, 1, rnd(&seed) & 1) >= 0);
		for (n = 0; n < 4; n++) {
			uint64_t v = 0x20 + (rnd(&seed) % 0xd0);
			assert_true(tdxc_irqfilter_sint_write(vp, rnd(&seed) & 1, (uint32_t)(rnd(&seed) % 16), v) >= 0);
		}
	}
	vps[0] = (uint32_t)(seed % NVP);
	vps[1] = (uint32_t)((seed >> 8) % NVP);
	if (vps[1] == vps[0])
		vps[1] = (vps[0] + 1) % NVP;
	if (vps[1] < vps[0]) {
		uint32_t t = vps[0];
		vps[0] = vps[1];
		vps[1] = t;
	}
	assert_int_equal(tdxc_irqfilter_device_add(f->part, seed & 0xffff, 0x40 + (uint32_t)(seed % 64), vps, 2, &g), 0);
	assert_int_equal(tdxc_irqfilter_set_relay_sints(f->part, (uint16_t)(seed >> 16), &g), 0);
	assert_true(tdxc_irqfilter_sync_all(f->part) >= 0);
}

static void irqf_assert_equal(struct irqf *a, struct irqf *b)
{
	size_t na, nb;
	uint8_t *x, *y;
	uint32_t i, fa[8], fb[8];
	assert_int_equal(tdxc_irqfilter_save_size(a->part, &na), 0);
	assert_int_equal(tdxc_irqfilter_save_size(b->part, &nb), 0);
	assert_int_equal(na, nb);
	x = malloc(na);
	y = malloc(nb);
	assert_int_equal(tdxc_irqfilter_save(a->part, x, na, NULL), 0);
	assert_int_equal(tdxc_irqfilter_save(b->part, y, nb, NULL), 0);
	assert_memory_equal(x, y, na);
	free(x);
	free(y);
	assert_true(tdxc_irqfilter_sync_all(a->part) >= 0);
	assert_true(tdxc_irqfilter_sync_all(b->part) >= 0);
	for (i = 0; i < NVP; i++) {
		struct tdxc_irqfilter_vp *va, *vb;
		uint64_t ga, gb;
		assert_int_equal(tdxc_irqfilter_vp_get(a->part, i, &va), 0);
		assert_int_equal(tdxc_irqfilter_vp_get(b->part, i, &vb), 0);
		assert_true(tdxc_irqfilter_read(va, fa, &ga) >= 0);
		assert_true(tdxc_irqfilter_read(vb, fb, &gb) >= 0);
		assert_memory_equal(fa, fb, sizeof(fa));
	}
}

static int irqf_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	return tdxc_irqfilter_snapshot_add(((struct irqf *)ctx)->part, w);
}

static int irqf_restore_fn(void *obj, const struct tdxc_snapshot_reader *r)
{
	return tdxc_irqfilter_snapshot_restore(((struct irqf *)obj)->part, r);
}

static void irqf_round_trip(int compress)
{
	struct irqf a, b;
	struct blob bl;
	(void)compress;
	irqf_init(&a, NVP, 16);
	irqf_init(&b, NVP, 16);
	irqf_ops(&a, 0x1234567);
	irqf_ops(&a, 0x7654321);
	irqf_ops(&b, 0x999);
	assert_int_equal(snap_build(&bl, 2, compress, irqf_add, &a), 0);
	assert_int_equal(restore_blob(&bl, irqf_restore_fn, &b), 0);
	irqf_assert_equal(&a, &b);
	irqf_ops(&a, 0xabcdef);
	irqf_ops(&b, 0xabcdef);
	irqf_assert_equal(&a, &b);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
}

static void test_irqfilter_round_trip(void **st)
{
	(void)st;
	irqf_round_trip(0);
}

static void test_irqfilter_round_trip_z(void **st)
{
	(void)st;
	if (!have_zlib())
		skip();
	irqf_round_trip(1);
}

static void test_irqfilter_corruption(void **st)
{
	struct irqf a, b, small, other;
	struct blob bl;
	size_t plen;
	uint8_t *p, *before;
	struct raw_rec rr;
	(void)st;
	irqf_init(&a, NVP, 16);
	irqf_init(&b, NVP, 16);
	irqf_init(&small, NVP, 0);
	irqf_init(&other, NVP + 1, 16);
	irqf_ops(&a, 77);
	irqf_ops(&b, 78);
	assert_int_equal(snap_build(&bl, 2, 0, irqf_add, &a), 0);
	record_corruptions(&bl, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, 2, irqf_restore_fn, &b, b.mem,
			   b.len);
	p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, &plen);
	rr = (struct raw_rec){ TDXC_SNAPSHOT_MOD_IRQFILTER, 1, 0, p, plen };
	p[16 + 60] ^= 4; /* a SINT byte */
	expect_raw(2, &rr, 1, irqf_restore_fn, &b, b.mem, b.len, TDXC_ECHECKSUM);
	p[16 + 60] ^= 4;
	p[16 + 1] ^= 1;
	expect_raw(2, &rr, 1, irqf_restore_fn, &b, b.mem, b.len, TDXC_EBADSIG);
	p[16 + 1] ^= 1;
	tdxc__put_le64(p, tdxc__le64(p) - 24);
	rr.len = plen - 24;
	expect_raw(2, &rr, 1, irqf_restore_fn, &b, b.mem, b.len, TDXC_ETRUNC);
	rr.len = plen;
	tdxc__put_le64(p, plen - 16);
	/* limits of the live object: device table too small, VP count */
	expect_raw(2, &rr, 1, irqf_restore_fn, &small, small.mem, small.len, TDXC_ENOSPC);
	expect_raw(2, &rr, 1, irqf_restore_fn, &other, other.mem, other.len, TDXC_EINVAL);
	before = malloc(b.len);
	memcpy(before, b.mem, b.len);
	assert_int_equal(tdxc_irqfilter_snapshot_restore(NULL, NULL), TDXC_EINVAL);
	assert_memory_equal(before, b.mem, b.len);
	free(before);
	/* producer below the paravisor level */
	{
		struct tdxc_snapshot_writer w, wb;
		uint8_t prod[3] = { 0, 1, TDXC_SNAPSHOT_VTL_NONE };
		unsigned k;
		rr.len = plen;
		for (k = 0; k < 3; k++) {
			expect_raw(prod[k], &rr, 1, irqf_restore_fn, &b, b.mem, b.len, TDXC_EPERM);
			assert_int_equal(tdxc_snapshot_writer_init(&w, NULL, 0, prod[k]), 0);
			memcpy(&wb, &w, sizeof(w));
			assert_int_equal(tdxc_irqfilter_snapshot_add(a.part, &w), TDXC_EPERM);
			assert_memory_equal(&w, &wb, sizeof(w));
		}
	}
	forward_compat(&bl, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, 2, irqf_restore_fn, &b);
	irqf_assert_equal(&a, &b);
	free(p);
	blob_free(&bl);
	free(a.mem);
	free(b.mem);
	free(small.mem);
	free(other.mem);
}

/* Both modules in one container, read back in any order. */
struct both {
	struct vps *v;
	struct irqf *f;
};

static int both_add(struct tdxc_snapshot_writer *w, void *ctx)
{
	struct both *b = (struct both *)ctx;
	struct vadd va = { b->v, NVP };
	int rc = tdxc_irqfilter_snapshot_add(b->f->part, w);
	return rc ? rc : vtlctx_add(w, &va);
}

static void test_mixed_container(void **st)
{
	struct vps va, vb;
	struct irqf fa, fb;
	struct both both = { &va, &fa };
	struct blob bl;
	struct tdxc_snapshot_reader r;
	static const uint16_t known[] = { TDXC_SNAPSHOT_MOD_VTLCTX, TDXC_SNAPSHOT_MOD_IRQFILTER };
	unsigned i;
	(void)st;
	vps_init(&va, TDXC_VTLCTX_CAP_ALL, 0, 0xa);
	vps_init(&vb, TDXC_VTLCTX_CAP_ALL, 0, 0xa);
	irqf_init(&fa, NVP, 8);
	irqf_init(&fb, NVP, 8);
	for (i = 0; i < NVP; i++)
		vp_scramble(va.vp[i], 31 * i);
	irqf_ops(&fa, 5);
	assert_int_equal(snap_build(&bl, OWNER, have_zlib(), both_add, &both), 0);
	assert_int_equal(snap_open(&r, &bl), 0);
	assert_int_equal(tdxc_snapshot_check_known(&r, known, 2, NULL), 0);
	for (i = NVP; i-- > 0;)
		assert_int_equal(tdxc_vtlctx_snapshot_restore(vb.vp[i], i, &r), 0);
	assert_int_equal(tdxc_irqfilter_snapshot_restore(fb.part, &r), 0);
	for (i = 0; i < NVP; i++)
		vp_assert_equal(va.vp[i], vb.vp[i]);
	irqf_assert_equal(&fa, &fb);
	/* a VP index with no record */
	assert_int_equal(tdxc_vtlctx_snapshot_restore(vb.vp[0], NVP, &r), TDXC_ENOENT);
	blob_free(&bl);
	vps_free(&va);
	vps_free(&vb);
	free(fa.mem);
	free(fb.mem);
}

/* Damage to a compressed container and a record under the wrong module id
 * never reach the object. */
static void test_compressed_and_wrong_module(void **st)
{
	struct vps a, b;
	struct irqf f;
	struct vadd add;
	struct blob bl, bad;
	struct vrestore vr;
	struct tdxc_snapshot_reader r;
	uint8_t *before, *small;
	size_t plen;
	uint8_t *p;
	struct raw_rec rr;
	(void)st;

	if (!have_zlib())
		skip();
	vps_init(&a, TDXC_VTLCTX_CAP_ALL, 0, 0x1);
	vps_init(&b, TDXC_VTLCTX_CAP_ALL, 0, 0x1);
	irqf_init(&f, NVP, 4);
	vp_scramble(a.vp[0], 11);
	add.v = &a;
	add.only = 0;
	assert_int_equal(snap_build(&bl, OWNER, 1, vtlctx_add, &add), 0);
	vr.s = b.vp[0];
	vr.index = 0;
	before = malloc(b.len);
	memcpy(before, b.mem[0], b.len);
	bad.p = malloc(bl.len);
	bad.scratch = NULL;

	/* decompression bomb: the stream inflates to more than records_length */
	memcpy(bad.p, bl.p, bl.len);
	bad.len = bl.len;
	tdxc__put_le64(bad.p + 24, tdxc__le64(bad.p + 24) - 8);
	tdxc__put_le32(bad.p + bad.len - 4, tdxc_crc32(0, bad.p, bad.len - 4));
	assert_int_equal(restore_blob(&bad, vtlctx_restore_fn, &vr), TDXC_EMALFORMED);
	/* ... or to less */
	tdxc__put_le64(bad.p + 24, tdxc__le64(bl.p + 24) + 8);
	tdxc__put_le32(bad.p + bad.len - 4, tdxc_crc32(0, bad.p, bad.len - 4));
	assert_int_equal(restore_blob(&bad, vtlctx_restore_fn, &vr), TDXC_EMALFORMED);
	/* a flipped bit in the stream */
	memcpy(bad.p, bl.p, bl.len);
	bad.p[60] ^= 0x20;
	assert_int_equal(restore_blob(&bad, vtlctx_restore_fn, &vr), TDXC_ECHECKSUM);
	/* the stream damaged but the CRC made to match */
	tdxc__put_le32(bad.p + bad.len - 4, tdxc_crc32(0, bad.p, bad.len - 4));
	assert_true(restore_blob(&bad, vtlctx_restore_fn, &vr) < 0);
	/* scratch too small to inflate into */
	small = malloc(64);
	assert_int_equal(tdxc_snapshot_open(&r, bl.p, bl.len, small, 64), TDXC_ENOSPC);
	free(small);
	assert_memory_equal(before, b.mem[0], b.len);

	/* a vtlctx blob filed as irqfilter, an irqfilter blob filed as vtlctx */
	blob_free(&bl);
	assert_int_equal(snap_build(&bl, OWNER, 0, vtlctx_add, &add), 0);
	p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_VTLCTX, 0, &plen);
	rr = (struct raw_rec){ TDXC_SNAPSHOT_MOD_IRQFILTER, 1, 0, p, plen };
	expect_raw(OWNER, &rr, 1, irqf_restore_fn, &f, f.mem, f.len, TDXC_EBADSIG);
	free(p);
	blob_free(&bl);
	assert_int_equal(snap_build(&bl, OWNER, 0, irqf_add, &f), 0);
	p = snap_payload(&bl, TDXC_SNAPSHOT_MOD_IRQFILTER, 0, &plen);
	rr = (struct raw_rec){ TDXC_SNAPSHOT_MOD_VTLCTX, 1, 0, p, plen };
	expect_raw(OWNER, &rr, 1, vtlctx_restore_fn, &vr, b.mem[0], b.len, TDXC_EBADSIG);
	free(p);

	free(before);
	free(bad.p);
	blob_free(&bl);
	vps_free(&a);
	vps_free(&b);
	free(f.mem);
}

/* Writer errors leave the writer unchanged. */
static void test_writer_full(void **st)
{
	struct vps v;
	struct irqf f;
	struct tdxc_snapshot_writer w, wb;
	uint8_t buf[256];
	size_t t;
	(void)st;
	vps_init(&v, TDXC_VTLCTX_CAP_ALL, 0, 0);
	irqf_init(&f, NVP, 4);
	assert_int_equal(tdxc_snapshot_writer_init(&w, buf, sizeof(buf), OWNER), 0);
	memcpy(&wb, &w, sizeof(w));
	assert_int_equal(tdxc_vtlctx_snapshot_add(v.vp[0], 0, &w), TDXC_ENOSPC);
	assert_int_equal(tdxc_irqfilter_snapshot_add(f.part, &w), TDXC_ENOSPC);
	assert_memory_equal(&w, &wb, sizeof(w));
	assert_int_equal(tdxc_vtlctx_snapshot_add(NULL, 0, &w), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_snapshot_add(f.part, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_snapshot_finish(&w, &t), 0);
	assert_int_equal(tdxc_vtlctx_snapshot_add(v.vp[0], 0, &w), TDXC_ESTATE);
	assert_int_equal(tdxc_irqfilter_snapshot_add(f.part, &w), TDXC_ESTATE);
	memset(&w, 0, sizeof(w));
	assert_int_equal(tdxc_irqfilter_snapshot_add(f.part, &w), TDXC_EINVAL);
	vps_free(&v);
	free(f.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtlctx_round_trip),
		cmocka_unit_test(test_vtlctx_round_trip_z),
		cmocka_unit_test(test_vtlctx_corruption),
		cmocka_unit_test(test_vtlctx_security),
		cmocka_unit_test(test_irqfilter_round_trip),
		cmocka_unit_test(test_irqfilter_round_trip_z),
		cmocka_unit_test(test_irqfilter_corruption),
		cmocka_unit_test(test_mixed_container),
		cmocka_unit_test(test_compressed_and_wrong_module),
		cmocka_unit_test(test_writer_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
