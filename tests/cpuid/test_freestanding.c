/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linked against the freestanding archive: the hosted-only entry points
 * (host CPUID through libcpuid, reading a dump file) report TDXC_ENOTSUP
 * and leave their output alone; the pure ones work as in the hosted build.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/xsave.h>
#include "tables.h"

static const char dump[] =
	"CPU 0:\n"
	"   0x0000000d 0x00: eax=0x00000007 ebx=0x00000340 ecx=0x00000340 edx=0x00000000\n"
	"   0x0000000d 0x01: eax=0x00000001 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n";

static void test_hosted_only(void **st)
{
	struct tdxc_xsave_info out, before;
	struct tdxc_xsave_parse_status s, sb;
	(void)st;
	assert_int_equal(tdxc_features() & TDXC_FEAT_HOSTED, 0);
	assert_true(tdxc_modules() & TDXC_MOD_XSAVE);
	memset(&before, 0x4d, sizeof(before));
	out = before;
	memset(&sb, 0x4d, sizeof(sb));
	s = sb;
	assert_int_equal(tdxc_xsave_info_from_host(&out), TDXC_ENOTSUP);
	assert_int_equal(tdxc_xsave_parse_file("/dev/null", 0, &out, &s), TDXC_ENOTSUP);
	assert_memory_equal(&out, &before, sizeof(out));
	assert_memory_equal(&s, &sb, sizeof(s));
}

static void test_pure_paths(void **st)
{
	struct tdxc_xsave_info a, b;
	uint32_t v;
	(void)st;
	assert_int_equal(tdxc_xsave_parse_cpuid_r(dump, sizeof(dump) - 1, &a, NULL), 0);
	assert_int_equal(tdxc_xsave_standard_size(&a, 7, &v), 0);
	assert_int_equal(v, 832);
	assert_int_equal(tdxc_xsave_info_from_leaves(t_spr, NSUB(t_spr), &b), 0);
	assert_int_equal(tdxc_xsave_compacted_size(&b, 0x600e7 | 0x800, &v), 0);
	assert_int_equal(v, 10752);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosted_only),
		cmocka_unit_test(test_pure_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
