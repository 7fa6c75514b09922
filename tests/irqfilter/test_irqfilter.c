/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the irqfilter module: one test per spec scenario, plus
 * argument validation with "object unchanged" checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "irqfilter/irqfilter_priv.h"

#define SINT(vec) ((uint64_t)(vec))
#define PROXY TDXC_IRQFILTER_SINT_PROXY
#define MASKED TDXC_IRQFILTER_SINT_MASKED
#define POLLING TDXC_IRQFILTER_SINT_POLLING

static void allowed_of(struct tdxc_irqfilter_vp *vp, uint32_t w[8])
{
	assert_int_equal(tdxc_irqfilter_read(vp, w, NULL), 0);
}

static int allows(struct tdxc_irqfilter_vp *vp, unsigned v)
{
	uint32_t w[8];
	allowed_of(vp, w);
	return bit_of(w, v);
}

static uint64_t pubs(struct tdxc_irqfilter_vp *vp)
{
	uint32_t w[8];
	uint64_t n = 0;
	assert_int_equal(tdxc_irqfilter_read(vp, w, &n), 0);
	return n;
}

static uint64_t drops(struct tdxc_irqfilter_vp *vp, unsigned v)
{
	uint64_t c = 0;
	assert_int_equal(tdxc_irqfilter_drops(vp, v, &c), 0);
	return c;
}

static void enable(struct tdxc_irqfilter_vp *vp)
{
	assert_true(tdxc_irqfilter_scontrol_write(vp, 0, TDXC_IRQFILTER_SCONTROL_ENABLE) >= 0);
}

/* ---- creation --------------------------------------------------------- */

static void test_params_errors(void **state)
{
	struct tdxc_irqfilter_params p = fx_params(2, 4, 0, 0);
	struct {
		struct tdxc_irqfilter_params p;
		uint32_t extra[2];
	} big;
	size_t sz = 0, sz2;
	(void)state;

	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), 0);
	assert_true(sz > 0 && sz % 64 == 0);
	assert_int_equal(tdxc_irqfilter_storage_size(NULL, &sz), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, NULL), TDXC_EINVAL);
	p.size = 8;
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ESIZE);
	p = fx_params(2, 4, 0, 0);
	p.reserved0 = 1;
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ERESERVED);
	p = fx_params(2, 4, 0, 0);
	p.reserved1 = 1;
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ERESERVED);
	p = fx_params(0, 4, 0, 0);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ERANGE);
	p = fx_params(TDXC_IRQFILTER_MAX_VPS + 1, 4, 0, 0);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ERANGE);
	p = fx_params(1, TDXC_IRQFILTER_MAX_DEVICE_ENTRIES + 1, 0, 0);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_ERANGE);
	p = fx_params(1, 0, 1u << 3, 0);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), TDXC_EFLAGS);

	/* A newer, larger descriptor: zero tail accepted, non-zero rejected. */
	memset(&big, 0, sizeof(big));
	big.p = fx_params(2, 4, 0, 0);
	big.p.size = sizeof(big);
	assert_int_equal(tdxc_irqfilter_storage_size(&big.p, &sz2), 0);
	assert_int_equal(sz2, sz = sz2);
	big.extra[1] = 1;
	assert_int_equal(tdxc_irqfilter_storage_size(&big.p, &sz2), TDXC_ERESERVED);
	/* Limits are accepted. */
	p = fx_params(TDXC_IRQFILTER_MAX_VPS, TDXC_IRQFILTER_MAX_DEVICE_ENTRIES, 7, 0xffff);
	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz2), 0);
}

static void test_init_errors_leave_storage(void **state)
{
	struct tdxc_irqfilter_params p = fx_params(2, 4, 0, 0);
	struct tdxc_irqfilter_part *part = (struct tdxc_irqfilter_part *)(uintptr_t)1;
	size_t sz;
	uint8_t *mem, *ref;
	(void)state;

	assert_int_equal(tdxc_irqfilter_storage_size(&p, &sz), 0);
	mem = aligned_alloc(64, sz + 128);
	ref = malloc(sz + 128);
	memset(mem, 0x5a, sz + 128);
	memcpy(ref, mem, sz + 128);
	assert_int_equal(tdxc_irqfilter_init(mem + 8, sz, &p, &part), TDXC_EALIGN);
	assert_int_equal(tdxc_irqfilter_init(mem, sz - 1, &p, &part), TDXC_ENOSPC);
	assert_int_equal(tdxc_irqfilter_init(NULL, sz, &p, &part), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_init(mem, sz, NULL, &part), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_init(mem, sz, &p, NULL), TDXC_EINVAL);
	p.policy = 0x80;
	assert_int_equal(tdxc_irqfilter_init(mem, sz, &p, &part), TDXC_EFLAGS);
	assert_memory_equal(mem, ref, sz + 128);
	assert_ptr_equal(part, (void *)(uintptr_t)1);
	/* An uninitialised block is refused by every entry point. */
	assert_int_equal(tdxc_irqfilter_sync_all((struct tdxc_irqfilter_part *)mem),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_generation((struct tdxc_irqfilter_part *)mem), 0);
	free(mem);
	free(ref);
}

/* Scenario 3 (#563): default deny, random vectors, 0x1ff masked to 0xff. */
static void test_malicious_host(void **state)
{
	struct fx f;
	uint32_t in[8], out[8], w[8];
	uint64_t s = 0x9e3779b97f4a7c15ull, total = 0, tot2;
	unsigned i, k, v;
	(void)state;

	assert_int_equal(fx_init(&f, 2, 4, 0, 0), 0);
	allowed_of(f.vp[0], w);
	for (i = 0; i < 8; i++)
		assert_int_equal(w[i], 0);
	assert_int_equal(pubs(f.vp[0]), 0);
	for (k = 0; k < 1000; k++) {
		int n = 0;
		for (i = 0; i < 8; i++) {
			in[i] = (uint32_t)xs64(&s);
			n += __builtin_popcount(in[i]);
		}
		assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), n);
		total += (uint64_t)n;
		for (i = 0; i < 8; i++)
			assert_int_equal(out[i], 0);
		v = (unsigned)xs64(&s);
		assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], v), 0);
		total++;
	}
	assert_int_equal(tdxc_irqfilter_vp_counters(f.vp[0], &tot2, NULL, NULL), 0);
	assert_int_equal(tot2, total);

	/* Single vector 0x1ff is masked to 0xff, then tested and blocked. */
	{
		uint64_t before = drops(f.vp[1], 0xff);
		assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0x1ff), 0);
		assert_int_equal(drops(f.vp[1], 0xff), before + 1);
	}
	/* Allow 0xff by a proxy SINT: now 0x1ff (-> 0xff) is delivered, and a
	 * host value 0x10f (-> 0x0f, an exception vector) is still blocked. */
	enable(f.vp[1]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[1], 0, 5, SINT(0xff) | PROXY), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0x1ff), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0xffffffffu), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0x10f), 0);
	/* Random sets through the filter keep only 0xff. */
	for (k = 0; k < 1000; k++) {
		for (i = 0; i < 8; i++)
			in[i] = (uint32_t)xs64(&s);
		tdxc_irqfilter_apply8(f.vp[1], in, out);
		for (i = 0; i < 7; i++)
			assert_int_equal(out[i], 0);
		assert_int_equal(out[7], in[7] & 0x80000000u);
	}
	/* VP0 is untouched by VP1's configuration. */
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0xff), 0);
	fx_free(&f);
}

/* Scenario 1 (#1162): a relayed SINT without the proxy bit is allowed. */
static void test_relay_1162(void **state)
{
	struct fx f;
	uint32_t in[8] = { 0 }, out[8];
	uint64_t g0, g1;
	(void)state;

	assert_int_equal(fx_init(&f, 2, 0, 0, 1u << 2), 0);
	enable(f.vp[0]);
	/* The first SINT write recomputes at once (no proxy-bit transition). */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f)), 1);
	set_bit(in, 0x2f);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x2f), 1);
	assert_int_equal(drops(f.vp[0], 0x2f), 0);
	/* The relay mask is tight: SINT3 without proxy is not relayed. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 3, SINT(0x31)), 0);
	assert_false(allows(f.vp[0], 0x31));

	/* Relay off at run time: the current SINT values are re-evaluated. */
	g0 = tdxc_irqfilter_generation(f.part);
	assert_int_equal(tdxc_irqfilter_set_relay_sints(f.part, 0, &g1), 0);
	assert_int_equal(g1, g0 + 1);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), 1);
	assert_int_equal(out[1], 0);
	assert_int_equal(drops(f.vp[0], 0x2f), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x2f), 0);
	assert_int_equal(drops(f.vp[0], 0x2f), 2);
	/* Relay mask {2, 3}: both SINTs now count without rewriting them. */
	assert_int_equal(tdxc_irqfilter_set_relay_sints(f.part, (1u << 2) | (1u << 3), NULL), 0);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	assert_true(allows(f.vp[0], 0x2f));
	assert_true(allows(f.vp[0], 0x31));
	fx_free(&f);

	/* A partition created with relay off: the same write is dropped. */
	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f)), 0);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x2f), 0);
	assert_int_equal(drops(f.vp[0], 0x2f), 1);
	/* ... unless the guest sets the proxy bit. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f) | PROXY), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x2f), 1);
	fx_free(&f);
}

/* Scenario 2 (#1275): VTL1 writes never touch VTL0 and never fail. */
static void test_vtl1_1275(void **state)
{
	struct fx f;
	uint32_t before[8], after[8];
	uint64_t s = 12345, p0, v, g;
	unsigned k, n;
	(void)state;

	assert_int_equal(fx_init(&f, 2, 0, 0, 0xffff), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f)), 1);
	allowed_of(f.vp[0], before);
	p0 = pubs(f.vp[0]);
	g = tdxc_irqfilter_generation(f.part);
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 1, 1), 0);
	for (k = 0; k < 2000; k++) {
		n = (unsigned)(xs64(&s) % 16);
		v = xs64(&s);
		if ((v & 0xff) < 16 && !(v & MASKED))
			v |= 0x80; /* keep the value architecturally valid */
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 1, n, v), 0);
		uint64_t rd = 0;
		assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 1, n, &rd), 0);
		assert_int_equal(rd, v);
	}
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 1, 0), 0);
	allowed_of(f.vp[0], after);
	assert_memory_equal(before, after, sizeof(before));
	assert_int_equal(pubs(f.vp[0]), p0);
	assert_int_equal(tdxc_irqfilter_generation(f.part), g);
	assert_true(allows(f.vp[0], 0x2f));
	/* VTL0 registers were not changed by VTL1 writes. */
	for (n = 0; n < 16; n++) {
		assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 0, n, &v), 0);
		assert_int_equal(v, n == 2 ? 0x2f : TDXC_IRQFILTER_SINT_RESET);
	}
	/* A VTL above 1 is an error, and changes nothing. */
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 2, 2, SINT(0x40)), TDXC_ENOTSUP);
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 2, 1), TDXC_ENOTSUP);
	assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 2, 2, &v), TDXC_ENOTSUP);
	assert_true(fx_same(&f));
	fx_free(&f);
}

/* Scenario 4: masking, vector moves across words, shared vectors. */
static void test_masking_and_moves(void **state)
{
	struct fx f;
	uint32_t w[8];
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0x30) | PROXY), 1);
	assert_true(allows(f.vp[0], 0x30));
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0x30) | PROXY | MASKED), 1);
	assert_false(allows(f.vp[0], 0x30));
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0x30) | PROXY), 1);
	/* 0x30 (word 1) -> 0xA0 (word 5) in one publish. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0xa0) | PROXY), 1);
	allowed_of(f.vp[0], w);
	assert_int_equal(w[1], 0);
	assert_int_equal(w[5], 1u);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x30), 0);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0xa0), 1);
	/* Two SINTs share 0x40: masking one keeps it. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 4, SINT(0x40) | PROXY), 1);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 7, SINT(0x40) | PROXY), 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 4, SINT(0x40) | PROXY | MASKED), 0);
	assert_true(allows(f.vp[0], 0x40));
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 7, MASKED | SINT(0x40)), 1);
	assert_false(allows(f.vp[0], 0x40));
	assert_true(allows(f.vp[0], 0xa0));
	/* Reserved bits are preserved, not interpreted. */
	{
		uint64_t v = SINT(0x55) | PROXY | (0xabull << 8) | (1ull << 40), r = 0;
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 9, v), 1);
		assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 0, 9, &r), 0);
		assert_int_equal(r, v);
		assert_true(allows(f.vp[0], 0x55));
	}
	fx_free(&f);
}

/* Scenario 5: vectors 0..15 never appear, from any source. */
static void test_reserved_vectors(void **state)
{
	struct fx f;
	uint32_t in[8], out[8], vp0 = 0;
	unsigned v;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 4, 0, 0xffff), 0);
	enable(f.vp[0]);
	fx_snap(&f);
	for (v = 0; v < 16; v++) {
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 3, SINT(v) | PROXY),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 1, 3, SINT(v)), TDXC_ERANGE);
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, v, &vp0, 1, NULL),
				 TDXC_ERANGE);
	}
	/* Above 255: rejected, never truncated (0x150 is not 0x50). */
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, 256, &vp0, 1, NULL), TDXC_ERANGE);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, 0x150, &vp0, 1, NULL), TDXC_ERANGE);
	assert_true(fx_same(&f));
	/* Masked low vectors (the reset value) are architecturally fine. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 3, TDXC_IRQFILTER_SINT_RESET), 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 3, SINT(5) | MASKED | PROXY), 0);
	fx_free(&f);

	/* Lax policy: the write is accepted, the vector still never allowed. */
	assert_int_equal(fx_init(&f, 1, 0, TDXC_IRQFILTER_POLICY_ACCEPT_LOW_VECTORS, 0xffff), 0);
	enable(f.vp[0]);
	for (v = 0; v < 16; v++)
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, v, SINT(v) | PROXY), 0);
	memset(in, 0xff, sizeof(in));
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), 256);
	for (v = 0; v < 8; v++)
		assert_int_equal(out[v], 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 15, SINT(0x10) | PROXY), 1);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), 255);
	assert_int_equal(out[0], 0x10000u);
	fx_free(&f);
}

/* Scenario 6: polling and SCONTROL policies, both ways. */
static void test_policy_polling(void **state)
{
	struct fx f;
	uint64_t g;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0x61) | PROXY | POLLING), 0);
	assert_false(allows(f.vp[0], 0x61));
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, TDXC_IRQFILTER_POLICY_COUNT_POLLING, &g), 0);
	assert_int_equal(g, 2);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	assert_true(allows(f.vp[0], 0x61));
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, 0, NULL), 0);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	assert_false(allows(f.vp[0], 0x61));
	/* Unknown flags change nothing. */
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, 0x100, &g), TDXC_EFLAGS);
	assert_true(fx_same(&f));
	fx_free(&f);
}

static void test_policy_scontrol(void **state)
{
	struct fx f;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	/* SCONTROL is 0 after reset: SINTs do not count yet. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(0x62) | PROXY), 0);
	assert_false(allows(f.vp[0], 0x62));
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 0, 1), 1);
	assert_true(allows(f.vp[0], 0x62));
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 0, 0x2), 1);
	assert_false(allows(f.vp[0], 0x62));
	/* OpenHCL parity: SCONTROL ignored. */
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, TDXC_IRQFILTER_POLICY_IGNORE_SCONTROL,
						   NULL), 0);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	assert_true(allows(f.vp[0], 0x62));
	fx_free(&f);
}

/* Scenario 7 (single thread): refcounted device vectors per VP. */
static void test_device_refcount(void **state)
{
	struct fx f;
	uint32_t abc[3] = { 0, 1, 2 }, b[1] = { 1 };
	uint64_t g1, g2, g3;
	unsigned i;
	(void)state;

	assert_int_equal(fx_init(&f, 4, 8, 0, 0), 0);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, abc, 3, &g1), 0);
	assert_int_equal(g1, 2);
	/* Nothing is visible until each VP syncs. */
	assert_false(allows(f.vp[1], 0x50));
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 3);
	for (i = 0; i < 3; i++)
		assert_true(allows(f.vp[i], 0x50));
	assert_false(allows(f.vp[3], 0x50));
	/* Second reference on VP1, and another device on the same vector. */
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, b, 1, &g2), 0);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 9, 0x50, abc, 3, &g3), 0);
	assert_true(g3 > g2 && g2 > g1);
	assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 0x50, abc, 3, NULL), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 0);
	for (i = 0; i < 3; i++)
		assert_true(allows(f.vp[i], 0x50));
	assert_int_equal(tdxc_irqfilter_device_remove(f.part, 9, 0x50, abc, 3, NULL), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 2);
	assert_false(allows(f.vp[0], 0x50));
	assert_true(allows(f.vp[1], 0x50)); /* device 7 still holds one ref */
	assert_false(allows(f.vp[2], 0x50));
	assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 0x50, b, 1, NULL), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 1);
	assert_false(allows(f.vp[1], 0x50));

	/* Errors: each leaves the whole object unchanged. */
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, abc, 3, NULL), 0);
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_device_remove(f.part, 8, 0x50, abc, 3, NULL), TDXC_ENOENT);
	{
		uint32_t abd[3] = { 0, 1, 3 };
		assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 0x50, abd, 3, NULL),
				 TDXC_ENOENT);
	}
	{
		uint32_t desc[2] = { 2, 1 }, dup[2] = { 1, 1 }, far[2] = { 1, 4 };
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, desc, 2, NULL), TDXC_EINVAL);
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, dup, 2, NULL), TDXC_EINVAL);
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, far, 2, NULL), TDXC_ERANGE);
		assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 0x50, dup, 2, NULL),
				 TDXC_EINVAL);
		assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 0x50, far, 2, NULL),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_irqfilter_device_remove(f.part, 7, 256, b, 1, NULL),
				 TDXC_ERANGE);
	}
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, abc, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 7, 0x50, NULL, 1, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_device_add(NULL, 7, 0x50, abc, 1, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_device_remove(NULL, 7, 0x50, abc, 1, NULL), TDXC_EINVAL);
	assert_true(fx_same(&f));
	/* Table full (8 entries, 3 used): 6 new triples do not fit, none added. */
	{
		uint32_t four[4] = { 0, 1, 2, 3 };
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, 0x60, four, 4, NULL), 0);
		fx_snap(&f);
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 2, 0x60, four, 4, NULL),
				 TDXC_ENOSPC);
		assert_true(fx_same(&f));
		/* Existing triples need no room. */
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, 0x60, four, 4, NULL), 0);
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 3, 0x61, four, 1, NULL), 0);
	}
	fx_free(&f);
}

/* Scenario 9 (single thread): fire-and-forget loses the first interrupt;
 * the ack protocol does not. */
static int kicked[8];
static int kick_rc;
static int kick_cb(void *ctx, uint32_t vp)
{
	(void)ctx;
	kicked[vp]++;
	return kick_rc;
}

static void test_cross_vp_ack(void **state)
{
	struct fx f;
	uint32_t bc[2] = { 1, 2 }, bad[1] = { 4 };
	uint64_t g, ag;
	(void)state;

	assert_int_equal(fx_init(&f, 4, 8, 0, 0), 0);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 3, 0x70, bc, 2, &g), 0);
	/* Fire and forget: VP1 has not synced, the first MSI is dropped. */
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0x70), 0);
	assert_int_equal(drops(f.vp[1], 0x70), 1);
	/* Ack protocol: not applied yet -> each lagging VP is kicked once. */
	memset(kicked, 0, sizeof(kicked));
	kick_rc = 0;
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bc, 2, g, kick_cb, NULL, NULL, 3),
			 TDXC_ETIMEDOUT);
	assert_int_equal(kicked[1], 1);
	assert_int_equal(kicked[2], 1);
	kick_rc = -1;
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bc, 2, g, kick_cb, NULL, NULL, 3),
			 TDXC_ECALLBACK);
	kick_rc = 0;
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[1]), 1);
	memset(kicked, 0, sizeof(kicked));
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bc, 2, g, kick_cb, NULL, NULL, 0),
			 TDXC_ETIMEDOUT);
	assert_int_equal(kicked[1], 0);
	assert_int_equal(kicked[2], 1);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[2]), 1);
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bc, 2, g, kick_cb, NULL, NULL, 0), 0);
	assert_int_equal(tdxc_irqfilter_vp_counters(f.vp[2], NULL, NULL, &ag), 0);
	assert_true(ag >= g);
	/* After the wait, "the hypervisor" may deliver: nothing is lost. */
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[1], 0x70), 1);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[2], 0x70), 1);
	assert_int_equal(drops(f.vp[2], 0x70), 0);
	/* Argument errors (and a wait never changes the object). */
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bc, 2, g + 1, NULL, NULL, NULL, 0),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, NULL, 2, g, NULL, NULL, NULL, 0),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_wait_applied(NULL, bc, 2, g, NULL, NULL, NULL, 0),
			 TDXC_EINVAL);
	memset(kicked, 0, sizeof(kicked));
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, bad, 1, g, kick_cb, NULL, NULL, 0),
			 TDXC_ERANGE);
	assert_int_equal(kicked[0] + kicked[1] + kicked[2] + kicked[3], 0);
	assert_int_equal(tdxc_irqfilter_wait_applied(f.part, NULL, 0, g, NULL, NULL, NULL, 0), 0);
	assert_true(fx_same(&f));
	fx_free(&f);
}

/* Scenario 10: identical input -> no store, no generation bump. */
static void test_idempotent(void **state)
{
	struct fx f;
	uint32_t one = 0;
	uint64_t g;
	(void)state;

	assert_int_equal(fx_init(&f, 2, 4, 0, 1u << 2), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f)), 1);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 1, 0x90, &one, 1, NULL), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 1);
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x2f)), 0);
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 0, 1), 0);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 0);
	assert_int_equal(tdxc_irqfilter_set_relay_sints(f.part, 1u << 2, &g), 0);
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, 0, NULL), 0);
	assert_int_equal(g, tdxc_irqfilter_generation(f.part));
	/* Not one byte of the object changed. */
	assert_true(fx_same(&f));
	/* A change that recomputes to the same bits: no publish either. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 6, SINT(0x2f) | PROXY), 0);
	assert_int_equal(pubs(f.vp[0]), 2);
	fx_free(&f);
}

/* Scenario 11: save/restore carries inputs only and recomputes. */
static void configure(struct fx *f)
{
	uint32_t ab[2] = { 0, 1 }, c = 2;
	enable(f->vp[0]);
	enable(f->vp[1]);
	assert_true(tdxc_irqfilter_sint_write(f->vp[0], 0, 2, SINT(0x2f)) >= 0);
	assert_true(tdxc_irqfilter_sint_write(f->vp[0], 0, 5, SINT(0xc1) | PROXY) >= 0);
	assert_true(tdxc_irqfilter_sint_write(f->vp[1], 0, 2, SINT(0x3f) | POLLING) >= 0);
	assert_true(tdxc_irqfilter_sint_write(f->vp[1], 1, 2, SINT(0x77) | PROXY) >= 0);
	assert_true(tdxc_irqfilter_scontrol_write(f->vp[1], 1, 1) >= 0);
	assert_int_equal(tdxc_irqfilter_device_add(f->part, 0x1234, 0x80, ab, 2, NULL), 0);
	assert_int_equal(tdxc_irqfilter_device_add(f->part, 0x1234, 0x80, ab, 1, NULL), 0);
	assert_int_equal(tdxc_irqfilter_device_add(f->part, 0x11, 0xfe, &c, 1, NULL), 0);
	assert_true(tdxc_irqfilter_sync_all(f->part) >= 0);
}

static uint8_t *save_blob(struct fx *f, size_t *len)
{
	size_t n = 0, w = 0;
	uint8_t *b;
	assert_int_equal(tdxc_irqfilter_save_size(f->part, &n), 0);
	b = malloc(n);
	assert_int_equal(tdxc_irqfilter_save(f->part, b, n, &w), 0);
	assert_int_equal(w, n);
	*len = n;
	return b;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Recompute the blob checksum (FNV-1a 32, field at 40 taken as zero). */
static void fix_csum(uint8_t *b, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < len; i++)
		h = (h ^ ((i >= 40 && i < 44) ? 0 : b[i])) * 16777619u;
	put32(b + 40, h);
}

static void test_save_restore(void **state)
{
	struct fx f, g;
	uint8_t *blob, *blob2;
	size_t len, len2;
	uint32_t w1[8], w2[8];
	unsigned i;
	(void)state;

	assert_int_equal(fx_init(&f, 3, 8, TDXC_IRQFILTER_POLICY_COUNT_POLLING, 1u << 2), 0);
	configure(&f);
	blob = save_blob(&f, &len);
	assert_int_equal(len, 48 + 3 * 272 + 3 * 24);
	assert_memory_equal(blob, "TDXCIRQF", 8);

	/* Into a fresh partition (other policy and relay): default deny until
	 * recomputed, then bit-identical. */
	assert_int_equal(fx_init(&g, 3, 8, 0, 0), 0);
	assert_int_equal(tdxc_irqfilter_restore(g.part, blob, len), 0);
	for (i = 0; i < 3; i++) {
		allowed_of(g.vp[i], w2);
		assert_true(memcmp(w2, (uint32_t[8]){ 0 }, sizeof(w2)) == 0);
		assert_int_equal(tdxc_irqfilter_apply1(g.vp[i], 0x80), 0);
	}
	assert_int_equal(tdxc_irqfilter_sync_all(g.part), 3);
	for (i = 0; i < 3; i++) {
		allowed_of(f.vp[i], w1);
		allowed_of(g.vp[i], w2);
		assert_memory_equal(w1, w2, sizeof(w1));
	}
	assert_true(allows(g.vp[0], 0x2f));
	assert_true(allows(g.vp[1], 0x3f));
	assert_true(allows(g.vp[2], 0xfe));
	/* The restored state saves to the same bytes. */
	blob2 = save_blob(&g, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(blob, blob2, len);
	free(blob2);
	/* Restored refcounts: one remove keeps 0x80 on VP0, a second clears it. */
	{
		uint32_t a = 0;
		assert_int_equal(tdxc_irqfilter_device_remove(g.part, 0x1234, 0x80, &a, 1, NULL), 0);
		assert_int_equal(tdxc_irqfilter_sync_all(g.part), 0);
		assert_int_equal(tdxc_irqfilter_device_remove(g.part, 0x1234, 0x80, &a, 1, NULL), 0);
		assert_int_equal(tdxc_irqfilter_sync_all(g.part), 1);
		assert_false(allows(g.vp[0], 0x80));
	}
	/* Restoring over a live partition closes every filter first. */
	assert_int_equal(tdxc_irqfilter_restore(f.part, blob, len), 0);
	assert_false(allows(f.vp[0], 0x2f));
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 3);
	assert_true(allows(f.vp[0], 0x2f));
	fx_free(&g);

	/* save: buffer too small -> untouched. */
	{
		uint8_t small[64];
		memset(small, 0x33, sizeof(small));
		assert_int_equal(tdxc_irqfilter_save(f.part, small, sizeof(small), NULL),
				 TDXC_ENOSPC);
		for (i = 0; i < sizeof(small); i++)
			assert_int_equal(small[i], 0x33);
		assert_int_equal(tdxc_irqfilter_save(NULL, small, sizeof(small), NULL),
				 TDXC_EINVAL);
		assert_int_equal(tdxc_irqfilter_save_size(f.part, NULL), TDXC_EINVAL);
	}
	free(blob);
	fx_free(&f);
}

static void copy_entry(uint8_t *b, size_t to, size_t from)
{
	for (size_t k = 0; k < 24; k++)
		b[to + k] = b[from + k];
}

/* Each bad blob: exact error, partition unchanged. */
static void expect_bad(struct fx *f, const uint8_t *b, size_t len, int err)
{
	fx_snap(f);
	assert_int_equal(tdxc_irqfilter_restore(f->part, b, len), err);
	assert_true(fx_same(f));
}

static void test_restore_rejects(void **state)
{
	struct fx f, small;
	uint8_t *blob, *b;
	size_t len;
	uint32_t raw[8];
	(void)state;

	assert_int_equal(fx_init(&f, 3, 8, 0, 1u << 2), 0);
	configure(&f);
	blob = save_blob(&f, &len);
	b = malloc(len + 8);

	/* A raw bitmap (what the reference would have kept) is not a blob. */
	memset(raw, 0xff, sizeof(raw));
	expect_bad(&f, (const uint8_t *)raw, sizeof(raw), TDXC_ETRUNC);
	expect_bad(&f, blob, 47, TDXC_ETRUNC);
	expect_bad(&f, blob, len - 1, TDXC_ETRUNC);
	memcpy(b, blob, len);
	b[len] = 0;
	expect_bad(&f, b, len + 1, TDXC_EMALFORMED); /* trailing byte */
	memcpy(b, blob, len);
	b[0] = 'X';
	expect_bad(&f, b, len, TDXC_EBADSIG);
	memcpy(b, blob, len);
	put32(b + 8, 2);
	expect_bad(&f, b, len, TDXC_EVERSION);
	memcpy(b, blob, len);
	put32(b + 12, 64);
	expect_bad(&f, b, len, TDXC_EMALFORMED);
	memcpy(b, blob, len);
	put32(b + 36, 256);
	expect_bad(&f, b, len, TDXC_EMALFORMED);
	memcpy(b, blob, len);
	put32(b + 24, 2); /* entry count disagrees with the size */
	fix_csum(b, len);
	expect_bad(&f, b, len, TDXC_EMALFORMED);
	memcpy(b, blob, len);
	b[100] ^= 1;
	expect_bad(&f, b, len, TDXC_ECHECKSUM);
	memcpy(b, blob, len);
	b[34] = 1;
	fix_csum(b, len);
	expect_bad(&f, b, len, TDXC_ERESERVED);
	memcpy(b, blob, len);
	b[44] = 1;
	fix_csum(b, len);
	expect_bad(&f, b, len, TDXC_ERESERVED);
	memcpy(b, blob, len);
	put32(b + 28, 0x10);
	fix_csum(b, len);
	expect_bad(&f, b, len, TDXC_EFLAGS);
	{
		size_t e = 48 + 3 * 272; /* first device entry */
		memcpy(b, blob, len);
		put32(b + e + 8, 3); /* VP index out of range */
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
		memcpy(b, blob, len);
		b[e + 12] = 0x0f; /* vector 15 */
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
		memcpy(b, blob, len);
		b[e + 13] = 1; /* vector 256 + x */
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
		memcpy(b, blob, len);
		put32(b + e + 16, 0); /* zero count */
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
		memcpy(b, blob, len);
		b[e + 14] = 1;
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_ERESERVED);
		memcpy(b, blob, len);
		b[e + 20] = 1;
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_ERESERVED);
		/* Duplicate / unsorted: copy entry 1 over entry 2. */
		memcpy(b, blob, len);
		copy_entry(b, e + 48, e + 24);
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
		memcpy(b, blob, len);
		copy_entry(b, e + 48, e);
		fix_csum(b, len);
		expect_bad(&f, b, len, TDXC_EMALFORMED);
	}
	expect_bad(&f, NULL, len, TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_restore(NULL, blob, len), TDXC_EINVAL);

	/* Shape mismatches: other VP count, too many entries. */
	assert_int_equal(fx_init(&small, 2, 8, 0, 0), 0);
	expect_bad(&small, blob, len, TDXC_EINVAL);
	fx_free(&small);
	assert_int_equal(fx_init(&small, 3, 2, 0, 0), 0);
	expect_bad(&small, blob, len, TDXC_ENOSPC);
	fx_free(&small);

	/* Reference-count overflow through a restored count of UINT32_MAX. */
	{
		size_t e = 48 + 3 * 272;
		uint32_t vp = 0;
		memcpy(b, blob, len);
		put32(b + e + 16, UINT32_MAX);
		fix_csum(b, len);
		assert_int_equal(tdxc_irqfilter_restore(f.part, b, len), 0);
		fx_snap(&f);
		/* entry 0 is (0x11, 0xfe, VP2) */
		vp = 2;
		assert_int_equal(tdxc_irqfilter_device_add(f.part, 0x11, 0xfe, &vp, 1, NULL),
				 TDXC_EOVERFLOW);
		assert_true(fx_same(&f));
	}
	free(b);
	free(blob);
	fx_free(&f);
}

/* A saved SINT with vector 0..15 (reachable: written under the lax policy,
 * policy made strict later) restores, and the vector is still never allowed. */
static void test_restore_low_vector_sint(void **state)
{
	struct fx f;
	uint8_t *blob;
	size_t len;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, TDXC_IRQFILTER_POLICY_ACCEPT_LOW_VECTORS, 0), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(5) | PROXY), 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x25) | PROXY), 1);
	assert_int_equal(tdxc_irqfilter_set_policy(f.part, 0, NULL), 0);
	blob = save_blob(&f, &len);
	assert_int_equal(tdxc_irqfilter_restore(f.part, blob, len), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(f.part), 1);
	assert_false(allows(f.vp[0], 5));
	assert_true(allows(f.vp[0], 0x25));
	/* The strict policy applies to new writes again. */
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 1, SINT(5) | PROXY), TDXC_ERANGE);
	free(blob);
	fx_free(&f);
}

/* Scenario 12 (#3686): indices out of range are errors, never traps. */
static void test_bounds(void **state)
{
	struct fx f;
	struct tdxc_irqfilter_vp *vp = (struct tdxc_irqfilter_vp *)(uintptr_t)1;
	uint64_t v, c;
	unsigned n;
	(void)state;

	assert_int_equal(fx_init(&f, 3, 2, 0, 0), 0);
	fx_snap(&f);
	for (n = 16; n < 40; n++) {
		assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, n, SINT(0x40) | PROXY),
				 TDXC_ERANGE);
		assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 0, n, &v), TDXC_ERANGE);
	}
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, UINT32_MAX, SINT(0x40)),
			 TDXC_ERANGE);
	assert_int_equal(tdxc_irqfilter_vp_get(f.part, 3, &vp), TDXC_ERANGE);
	assert_int_equal(tdxc_irqfilter_vp_get(f.part, UINT32_MAX, &vp), TDXC_ERANGE);
	assert_ptr_equal(vp, (void *)(uintptr_t)1);
	assert_int_equal(tdxc_irqfilter_drops(f.vp[0], 256, &c), TDXC_ERANGE);
	assert_true(fx_same(&f));
	fx_free(&f);
}

static void test_null_args(void **state)
{
	struct fx f;
	uint32_t w[8] = { 0 };
	uint64_t v;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_vp_get(NULL, 0, &f.vp[0]), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_vp_get(f.part, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_sint_write(NULL, 0, 0, 0x40), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_sint_read(NULL, 0, 0, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_sint_read(f.vp[0], 0, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_scontrol_write(NULL, 0, 1), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_set_relay_sints(NULL, 1, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_set_policy(NULL, 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_vp_sync(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_sync_all(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_generation(NULL), 0);
	assert_int_equal(tdxc_irqfilter_apply8(NULL, w, w), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], NULL, w), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], w, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_apply1(NULL, 0x40), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_read(NULL, w, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_read(f.vp[0], NULL, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_drops(NULL, 0, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_drops(f.vp[0], 0, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_vp_counters(NULL, &v, &v, &v), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_vp_set_mirror(NULL, w), TDXC_EINVAL);
	assert_int_equal(tdxc_irqfilter_save_size(NULL, (size_t *)&v), TDXC_EINVAL);
	assert_true(fx_same(&f));
	/* Optional outputs may be NULL. */
	assert_int_equal(tdxc_irqfilter_vp_counters(f.vp[0], NULL, NULL, NULL), 0);
	fx_free(&f);
}

/* The filter inverted in a run page at offset 1588. */
static void test_mirror_runpage(void **state)
{
	struct fx f;
	uint32_t *page = aligned_alloc(4096, 4096), *blocked;
	unsigned i;
	(void)state;

	memset(page, 0, 4096);
	blocked = (uint32_t *)((uint8_t *)page + TDXC_IRQFILTER_RUNPAGE_PROXY_IRR_BLOCKED);
	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	fx_snap(&f);
	assert_int_equal(tdxc_irqfilter_vp_set_mirror(f.vp[0], (uint32_t *)((uint8_t *)page + 2)),
			 TDXC_EALIGN);
	assert_true(fx_same(&f));
	assert_int_equal(tdxc_irqfilter_vp_set_mirror(f.vp[0], blocked), 0);
	for (i = 0; i < 8; i++)
		assert_int_equal(blocked[i], 0xffffffffu); /* default deny */
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x30) | PROXY), 1);
	assert_int_equal(blocked[1], ~0x10000u);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0xa0) | PROXY), 1);
	assert_int_equal(blocked[1], 0xffffffffu);
	assert_int_equal(blocked[5], ~1u);
	/* Neighbours in the page are untouched. */
	for (i = 0; i < 1588 / 4; i++)
		assert_int_equal(page[i], 0);
	for (i = 1620 / 4; i < 1024; i++)
		assert_int_equal(page[i], 0);
	/* Unbinding stops the mirror. */
	assert_int_equal(tdxc_irqfilter_vp_set_mirror(f.vp[0], NULL), 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, SINT(0x30) | PROXY), 1);
	assert_int_equal(blocked[5], ~1u);
	fx_free(&f);
	free(page);
}

static void test_apply_in_place(void **state)
{
	struct fx f;
	uint32_t w[8];
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	enable(f.vp[0]);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 0, SINT(0x21) | PROXY), 1);
	memset(w, 0xff, sizeof(w));
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], w, w), 255);
	assert_int_equal(w[1], 2u);
	assert_int_equal(w[0] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7], 0);
	fx_free(&f);
}

/*
 * The reader is an interrupt handler that can run on the writer's CPU in the
 * middle of a publish. White-box: freeze a publish at every point between
 * two of its stores by hand; the reader must return a complete version at
 * once (no spinning, no fallback), which a plain seqlock could not do from
 * that CPU. Old filter: only 0x21 (w[0] bit 33); new filter: only 0x85
 * (w[2] bit 5).
 */
static void check_reads(struct tdxc_irqfilter_vp *vp, bool is_new, uint64_t want_pub)
{
	uint32_t w[8], in[8], out[8];
	uint64_t pub = 0;
	unsigned keep = is_new ? 0x85 : 0x21, gone = is_new ? 0x21 : 0x85;

	assert_int_equal(tdxc_irqfilter_read(vp, w, &pub), 0);
	assert_int_equal(pub, want_pub);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(w[i], i == keep / 32 ? 1u << (keep % 32) : 0u);
	memset(in, 0, sizeof(in));
	set_bit(in, keep);
	assert_int_equal(tdxc_irqfilter_apply8(vp, in, out), 0);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(tdxc_irqfilter_apply1(vp, keep), 1);
	assert_int_equal(tdxc_irqfilter_apply1(vp, gone), 0);
}

static void test_reader_interrupts_writer(void **state)
{
	struct fx f;
	struct tdxc_irqfilter_vp *vp;
	const uint64_t oldw[4] = { 1ull << 33, 0, 0, 0 }, neww[4] = { 0, 0, 1ull << 5, 0 };
	uint64_t n, fb, d;
	unsigned line, k, i;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	vp = f.vp[0];
	enable(vp);
	assert_int_equal(tdxc_irqfilter_sint_write(vp, 0, 1, SINT(0x21) | PROXY), 1);
	n = vp->pubs;
	/* At rest both copies hold the last version. */
	for (line = 0; line < 2; line++) {
		assert_int_equal(vp->line[line].ver, 2 * n);
		assert_memory_equal(vp->line[line].w, oldw, sizeof(oldw));
	}
	check_reads(vp, false, n);

	/* Publish n+1 by hand, in the library's order (copy 1, then copy 0),
	 * checking the readers after every store. */
	for (line = 2; line-- > 0;) {
		struct irqf_line *l = &vp->line[line == 1 ? 1 : 0];
		l->ver = 2 * n + 1;
		/* Copy 1 rewritten: readers stay on the old copy 0. Copy 0
		 * rewritten: readers use copy 1, already new. */
		check_reads(vp, line == 0, line == 0 ? n + 1 : n);
		for (k = 0; k < 4; k++) {
			l->w[k] = neww[k];
			check_reads(vp, line == 0, line == 0 ? n + 1 : n);
		}
		l->ver = 2 * n + 2;
		/* Copy 1 complete: still copy 0 (old) until it goes odd. */
		check_reads(vp, line == 0, line == 0 ? n + 1 : n);
	}
	assert_int_equal(tdxc_irqfilter_vp_counters(vp, NULL, &fb, NULL), 0);
	assert_int_equal(fb, 0);

	/* Both copies odd (a writer that keeps restarting): bounded retries,
	 * then read reports EBUSY and apply8 falls back to default deny,
	 * counted; never a spin without end. */
	vp->line[0].ver = 2 * n + 3;
	vp->line[1].ver = 2 * n + 5;
	{
		uint32_t w[8], in[8], out[8];
		memset(w, 0x5a, sizeof(w));
		assert_int_equal(tdxc_irqfilter_read(vp, w, NULL), TDXC_EBUSY);
		for (i = 0; i < 8; i++)
			assert_int_equal(w[i], 0x5a5a5a5au);
		uint64_t d0;
		assert_int_equal(tdxc_irqfilter_drops(vp, 0x85, &d0), 0);
		memset(in, 0, sizeof(in));
		set_bit(in, 0x85);
		assert_int_equal(tdxc_irqfilter_apply8(vp, in, out), 1);
		for (i = 0; i < 8; i++)
			assert_int_equal(out[i], 0);
		assert_int_equal(tdxc_irqfilter_vp_counters(vp, NULL, &fb, NULL), 0);
		assert_int_equal(fb, 1);
		assert_int_equal(tdxc_irqfilter_drops(vp, 0x85, &d), 0);
		assert_int_equal(d, d0 + 1);
	}
	fx_free(&f);
}

/*
 * Cache-line discipline of a publish (white-box): the copies sit on their own
 * lines; a publish changes nothing in the VP but the two copies and the
 * writer's own state, leaves both copies equal, and readers' fast paths
 * write nothing.
 */
static void test_publish_touches_only_copies(void **state)
{
	struct fx f;
	struct tdxc_irqfilter_vp *vp, before;
	uint32_t in[8], out[8];
	uint64_t n;
	(void)state;

	assert_int_equal(offsetof(struct tdxc_irqfilter_vp, line) % 64, 0);
	assert_int_equal(sizeof(vp->line[0]), 64);
	assert_true(offsetof(struct tdxc_irqfilter_vp, applied_gen) >= 2 * 64);
	assert_int_equal(fx_init(&f, 1, 0, 0, 0), 0);
	vp = f.vp[0];
	enable(vp);
	assert_int_equal(tdxc_irqfilter_sint_write(vp, 0, 1, SINT(0x21) | PROXY), 1);
	memcpy(&before, vp, sizeof(before));
	n = vp->pubs;
	assert_int_equal(tdxc_irqfilter_sint_write(vp, 0, 2, SINT(0x85) | PROXY), 1);
	assert_int_equal(vp->pubs, n + 1);
	assert_int_equal(vp->line[0].ver, 2 * n + 2);
	assert_int_equal(vp->line[1].ver, 2 * n + 2);
	assert_memory_equal(vp->line[0].w, vp->line[1].w, sizeof(vp->line[0].w));
	assert_memory_equal(vp->line[0].pad, before.line[0].pad, sizeof(before.line[0].pad));
	assert_memory_equal(vp->line[1].pad, before.line[1].pad, sizeof(before.line[1].pad));
	/* Everything from the end of the copies to the writer's state is as
	 * before (applied_gen did not move: no partition change). */
	assert_memory_equal((const uint8_t *)vp + 128, (const uint8_t *)&before + 128,
			    offsetof(struct tdxc_irqfilter_vp, cur) - 128);
	/* A reader that delivers everything stores nothing. */
	memcpy(&before, vp, sizeof(before));
	memset(in, 0, sizeof(in));
	set_bit(in, 0x21);
	set_bit(in, 0x85);
	assert_int_equal(tdxc_irqfilter_apply8(vp, in, out), 0);
	assert_int_equal(tdxc_irqfilter_apply1(vp, 0x85), 1);
	assert_memory_equal(vp, &before, sizeof(before));
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params_errors),
		cmocka_unit_test(test_init_errors_leave_storage),
		cmocka_unit_test(test_relay_1162),
		cmocka_unit_test(test_vtl1_1275),
		cmocka_unit_test(test_malicious_host),
		cmocka_unit_test(test_masking_and_moves),
		cmocka_unit_test(test_reserved_vectors),
		cmocka_unit_test(test_policy_polling),
		cmocka_unit_test(test_policy_scontrol),
		cmocka_unit_test(test_device_refcount),
		cmocka_unit_test(test_cross_vp_ack),
		cmocka_unit_test(test_idempotent),
		cmocka_unit_test(test_save_restore),
		cmocka_unit_test(test_restore_rejects),
		cmocka_unit_test(test_restore_low_vector_sint),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_mirror_runpage),
		cmocka_unit_test(test_apply_in_place),
		cmocka_unit_test(test_reader_interrupts_writer),
		cmocka_unit_test(test_publish_touches_only_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
