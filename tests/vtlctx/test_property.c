/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Property test: random writes (by the owner and by guest VTLs), enables,
 * stages with a kernel that scribbles on the run page, unstages, switches
 * and save/restore cycles, against a plain model of "what each VTL should
 * see": one value per SHARED/GLOBAL field, one per VTL per PRIVATE field,
 * the exit info of the last VTL that ran. The two never diverge.
 */
#include "vtlctx_test.h"

#define NF TDXC_VTLCTX_F_COUNT

struct model {
	uint64_t common[NF];
	uint64_t priv[TDXC_VTLCTX_MAX_VTLS][NF];
	uint8_t fx[512];
	uint64_t exitv[11];
	int exit_vtl;
	int staged;
	int active;
	uint16_t enabled, partition;
};

static struct model M;
static uint64_t rng;
static uint8_t sblob[8192];

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static int cls(uint32_t f)
{
	return tdxc_vtlctx_classify(f, E.caps);
}

static bool scalar_state(uint32_t f)
{
	int c = cls(f);
	return fsize(f) <= 8 && (c == TDXC_VTLCTX_CLASS_SHARED || c == TDXC_VTLCTX_CLASS_PRIVATE ||
				 c == TDXC_VTLCTX_CLASS_GLOBAL_PER_VP);
}

static uint64_t valid_value(uint32_t f)
{
	uint64_t r = rnd();
	switch (f) {
	case TDXC_VTLCTX_F_RFLAGS:
		return (r & (0x3FFFFFull & ~0x8028ull)) | 2;
	case TDXC_VTLCTX_F_ENTRY_FLUSH:
	case TDXC_VTLCTX_F_VP_FLAGS:
		return r & 3;
	case TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE:
		return r & 1;
	default:
		return fsize(f) == 1 ? (r & 0xFF) : r;
	}
}

static uint64_t *mslot(unsigned t, uint32_t f)
{
	return cls(f) == TDXC_VTLCTX_CLASS_PRIVATE ? &M.priv[t][f] : &M.common[f];
}

static void model_reset_vtl(unsigned v)
{
	memset(M.priv[v], 0, sizeof(M.priv[v]));
	M.priv[v][TDXC_VTLCTX_F_RFLAGS] = 2;
	M.priv[v][TDXC_VTLCTX_F_ENTRY_FLUSH] = 1;
}

static unsigned rnd_enabled(void)
{
	for (;;) {
		unsigned v = rnd_below(E.n);
		if ((M.enabled >> v) & 1u)
			return v;
	}
}

static void check_all(void)
{
	unsigned t;
	uint32_t f;
	uint8_t fx[512];
	for (t = 0; t < E.n; t++) {
		if (!((M.enabled >> t) & 1u))
			continue;
		for (f = 0; f < NF; f++) {
			uint64_t v = 0;
			int rc;
			if (f == TDXC_VTLCTX_F_VSM_VINA && t == 0) {
				assert_int_equal(tdxc_vtlctx_get(E.st, OWNER(E.n), 0, f, &v),
						 TDXC_EPERM);
			} else if (scalar_state(f)) {
				if (G((tdxc_vtlctx_vtl)t, f) != *mslot(t, f))
					fail_msg("VTL %u field %s: store %#llx model %#llx", t,
						 tdxc_vtlctx_field_name(f),
						 (unsigned long long)G((tdxc_vtlctx_vtl)t, f),
						 (unsigned long long)*mslot(t, f));
				/* The kernel's view of the staged page agrees. */
				if (M.staged >= 0 && run_off(f) &&
				    (cls(f) != TDXC_VTLCTX_CLASS_PRIVATE || (int)t == M.staged)) {
					assert_int_equal(tdxc_vtlctx_page_read(E.st, E.run,
									       (tdxc_vtlctx_vtl)t,
									       f, &v, fsize(f)),
							 0);
					if (fsize(f) == 1)
						v &= 0xFF;
					if (f != TDXC_VTLCTX_F_ENTRY_FLUSH)
						assert_int_equal(v, *mslot(t, f));
				}
			} else if (cls(f) == TDXC_VTLCTX_CLASS_PER_EXIT &&
				   E.backend == TDXC_VTLCTX_BACKEND_TDX_STAGED) {
				rc = tdxc_vtlctx_get(E.st, OWNER(E.n), (tdxc_vtlctx_vtl)t, f, &v);
				if (M.staged < 0 && M.exit_vtl == (int)t) {
					assert_int_equal(rc, 0);
					assert_int_equal(v, M.exitv[f - TDXC_VTLCTX_F_EXIT_RAX]);
				} else {
					assert_int_equal(rc, TDXC_ESTATE);
				}
			}
		}
		assert_int_equal(tdxc_vtlctx_read(E.st, OWNER(E.n), (tdxc_vtlctx_vtl)t,
						  TDXC_VTLCTX_F_FX_STATE, fx, sizeof(fx)),
				 0);
		assert_memory_equal(fx, M.fx, sizeof(fx));
	}
	assert_int_equal(tdxc_vtlctx_check(E.st), 0);
}

static void op_set(bool as_guest)
{
	unsigned t = rnd_enabled(), c = as_guest ? rnd_enabled() : E.n;
	uint32_t f = rnd_below(NF);
	uint64_t v;
	int rc;
	if (!scalar_state(f))
		return;
	v = valid_value(f);
	rc = tdxc_vtlctx_set(E.st, (tdxc_vtlctx_vtl)c, (tdxc_vtlctx_vtl)t, f, v);
	if (t > c)
		assert_int_equal(rc, TDXC_EPERM); /* never upward */
	if (rc == 0)
		*mslot(t, f) = v;
	else if (!as_guest)
		assert_true(f == TDXC_VTLCTX_F_VSM_VINA && t == 0);
}

static void op_fx(void)
{
	uint8_t fx[512];
	unsigned i;
	for (i = 0; i < sizeof(fx); i++)
		fx[i] = (uint8_t)rnd();
	assert_int_equal(tdxc_vtlctx_write(E.st, OWNER(E.n), (tdxc_vtlctx_vtl)rnd_enabled(),
					   TDXC_VTLCTX_F_FX_STATE, fx, sizeof(fx)),
			 0);
	memcpy(M.fx, fx, sizeof(fx));
}

static void op_enable(void)
{
	unsigned v = rnd_below(E.n);
	int rc = tdxc_vtlctx_enable(E.st, (tdxc_vtlctx_vtl)v);
	if (!((M.partition >> v) & 1u)) {
		assert_int_equal(rc, TDXC_EPERM);
	} else if ((M.enabled >> v) & 1u) {
		assert_int_equal(rc, TDXC_EALREADY);
	} else {
		assert_int_equal(rc, 0);
		M.enabled = (uint16_t)(M.enabled | (1u << v));
		model_reset_vtl(v);
	}
}

/* Stage, let the "kernel" change what a guest run would change, unstage. */
static void op_run(void)
{
	unsigned v = rnd_enabled(), k;
	uint32_t f;
	assert_int_equal(tdxc_vtlctx_stage(E.st, (tdxc_vtlctx_vtl)v, E.run, sizeof(E.run)), 0);
	M.staged = (int)v;
	M.exit_vtl = -1;
	check_all();
	for (k = rnd_below(8); k; k--) {
		f = rnd_below(NF);
		if (!scalar_state(f) || !run_off(f) || f == TDXC_VTLCTX_F_ENTRY_FLUSH)
			continue;
		if (rnd() & 1) { /* guest/kernel writes the page */
			uint64_t val = valid_value(f);
			if (fsize(f) == 1)
				E.run[run_off(f)] = (uint8_t)val;
			else
				tdxc__put_le64(E.run + run_off(f), val);
			*mslot(v, f) = val;
		} else { /* owner writes while staged */
			op_set(false);
		}
	}
	if (rnd() & 1) { /* the kernel consumed the flush request */
		uint64_t rcx = tdxc__le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET);
		assert_int_equal(rcx, ((uint64_t)(v + 1) << 52) | M.priv[v][TDXC_VTLCTX_F_ENTRY_FLUSH]);
		tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, rcx & ~3ull);
		M.priv[v][TDXC_VTLCTX_F_ENTRY_FLUSH] = 0;
	}
	for (k = 0; k < 11; k++) {
		M.exitv[k] = rnd();
		tdxc__put_le64(E.run + TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET + 8 * k, M.exitv[k]);
	}
	check_all();
	assert_int_equal(tdxc_vtlctx_unstage(E.st, (tdxc_vtlctx_vtl)v, E.run), 0);
	M.staged = -1;
	M.exit_vtl = (int)v;
}

static void op_switch(void)
{
	unsigned to = rnd_enabled();
	int rc = tdxc_vtlctx_switch(E.st, (tdxc_vtlctx_vtl)M.active, (tdxc_vtlctx_vtl)to);
	if ((int)to == M.active) {
		assert_int_equal(rc, TDXC_EALREADY);
	} else {
		assert_int_equal(rc, 0);
		M.active = (int)to;
	}
}

/* Save, disturb the store, restore: back to the model (no exit info). */
static void op_save_restore(void)
{
	size_t w;
	unsigned k;
	assert_int_equal(tdxc_vtlctx_save(E.st, sblob, sizeof(sblob), &w), 0);
	for (k = 0; k < 4; k++) {
		uint32_t f = rnd_below(NF);
		if (scalar_state(f) && f != TDXC_VTLCTX_F_VSM_VINA)
			S((tdxc_vtlctx_vtl)rnd_enabled(), f, valid_value(f));
	}
	if (E.backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE && E.n > 1 &&
	    M.enabled != 1) {
		unsigned to = rnd_enabled();
		if ((int)to != M.active)
			assert_int_equal(tdxc_vtlctx_switch(E.st, (tdxc_vtlctx_vtl)M.active,
							    (tdxc_vtlctx_vtl)to), 0);
	}
	assert_int_equal(tdxc_vtlctx_restore(E.st, sblob, w), 0);
	M.exit_vtl = -1;
	if (E.backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		assert_int_equal(tdxc_vtlctx_current(E.st), M.active);
}

static void run_config(uint8_t backend, unsigned n, uint32_t caps, uint16_t part,
		       uint64_t seed, unsigned ops)
{
	unsigned i;
	rng = seed;
	mk(backend, n, caps, part, 0x1);
	memset(&M, 0, sizeof(M));
	M.exit_vtl = -1;
	M.staged = -1;
	M.enabled = 1;
	M.partition = part ? part : (uint16_t)((1u << n) - 1);
	model_reset_vtl(0);
	tdxc__put_le16(M.fx + 0, 0x37F);
	tdxc__put_le32(M.fx + 24, 0x1F80);
	check_all();
	for (i = 0; i < ops; i++) {
		unsigned op = rnd_below(100);
		if (op < 40)
			op_set(false);
		else if (op < 55)
			op_set(true);
		else if (op < 58)
			op_fx();
		else if (op < 63)
			op_enable();
		else if (op < 88) {
			if (backend == TDXC_VTLCTX_BACKEND_TDX_STAGED)
				op_run();
			else
				op_switch();
		} else if (op < 92)
			op_save_restore();
		else
			op_set(false);
		check_all();
	}
}

static void test_property_tdx(void **state)
{
	(void)state;
	run_config(TDXC_VTLCTX_BACKEND_TDX_STAGED, 2, TDXC_VTLCTX_CAP_DR6_SHARED, 0,
		   0x9E3779B97F4A7C15ull, 3000);
	run_config(TDXC_VTLCTX_BACKEND_TDX_STAGED, 3, TDXC_VTLCTX_CAP_TSC_AUX, 0x5,
		   0x123456789ull, 2000);
	run_config(TDXC_VTLCTX_BACKEND_TDX_STAGED, 15, TDXC_VTLCTX_CAP_ALL, 0, 0xABCDEFull, 300);
}

static void test_property_per_vtl_page(void **state)
{
	(void)state;
	run_config(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 2, 0, 0, 0x5151515151ull, 3000);
	run_config(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 4, TDXC_VTLCTX_CAP_DR6_SHARED, 0xB,
		   0x777ull, 2000);
	run_config(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE, 15, 0, 0, 0x31337ull, 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_property_tdx),
		cmocka_unit_test(test_property_per_vtl_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
