/* SPDX-License-Identifier: BSD-2-Clause */
/* The module linked from the freestanding archive (-mgeneral-regs-only,
 * no libc inside): the same API works there, nothing is compiled out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void test_fs_relay_and_restore(void **state)
{
	struct fx f, g;
	uint32_t in[8] = { 0 }, out[8], zero = 0;
	size_t len;
	uint8_t *blob;
	(void)state;

	assert_true(tdxc_modules() & TDXC_MOD_IRQFILTER);
	assert_int_equal(fx_init(&f, 2, 4, 0, 1u << 2), 0);
	assert_int_equal(tdxc_irqfilter_scontrol_write(f.vp[0], 0, 1), 0);
	assert_int_equal(tdxc_irqfilter_sint_write(f.vp[0], 0, 2, 0x2f), 1);
	assert_int_equal(tdxc_irqfilter_device_add(f.part, 5, 0xa0, &zero, 1, NULL), 0);
	assert_int_equal(tdxc_irqfilter_vp_sync(f.vp[0]), 1);
	set_bit(in, 0x2f);
	set_bit(in, 0xa0);
	set_bit(in, 0x05);
	assert_int_equal(tdxc_irqfilter_apply8(f.vp[0], in, out), 1);
	assert_int_equal(out[1], 1u << 15);
	assert_int_equal(out[5], 1u);
	assert_int_equal(tdxc_irqfilter_apply1(f.vp[0], 0x1a0), 1);
	assert_int_equal(tdxc_irqfilter_save_size(f.part, &len), 0);
	blob = malloc(len);
	assert_int_equal(tdxc_irqfilter_save(f.part, blob, len, NULL), 0);
	assert_int_equal(fx_init(&g, 2, 4, 0, 0), 0);
	assert_int_equal(tdxc_irqfilter_restore(g.part, blob, len), 0);
	assert_int_equal(tdxc_irqfilter_apply1(g.vp[0], 0x2f), 0);
	assert_int_equal(tdxc_irqfilter_sync_all(g.part), 1);
	assert_int_equal(tdxc_irqfilter_apply1(g.vp[0], 0x2f), 1);
	free(blob);
	fx_free(&f);
	fx_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fs_relay_and_restore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
