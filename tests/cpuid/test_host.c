/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host leaf 0xD through libcpuid: compared with the CPUID instruction
 * executed here directly. Without libcpuid the entry point is TDXC_ENOTSUP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/xsave.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_X86 1
static int direct_cpuid(uint32_t leaf, uint32_t sub, struct tdxc_xsave_regs *r, void *op)
{
	unsigned a, b, c, d;
	(void)op;
	__cpuid_count(leaf, sub, a, b, c, d);
	r->eax = a;
	r->ebx = b;
	r->ecx = c;
	r->edx = d;
	return 0;
}

static int cpu_has_xsave(void)
{
	unsigned a, b, c, d;
	if (__get_cpuid_max(0, NULL) < 0xd)
		return 0;
	__cpuid(1, a, b, c, d);
	return (c >> 26) & 1;
}
#else
#define HAVE_X86 0
#endif

static void test_host(void **st)
{
	struct tdxc_xsave_info got, before;
	int rc;
	(void)st;
	memset(&before, 0x19, sizeof(before));
	got = before;
	rc = tdxc_xsave_info_from_host(&got);
	if (!(tdxc_features() & TDXC_FEAT_LIBCPUID)) {
		assert_int_equal(rc, TDXC_ENOTSUP);
		assert_memory_equal(&got, &before, sizeof(got));
		return;
	}
	assert_int_equal(tdxc_xsave_info_from_host(NULL), TDXC_EINVAL);
#if HAVE_X86
	if (!cpu_has_xsave()) {
		assert_int_equal(rc, TDXC_ENOTUSABLE);
		assert_memory_equal(&got, &before, sizeof(got));
		return;
	}
	assert_int_equal(rc, 0);
	{
		struct tdxc_xsave_info direct;
		uint32_t v;
		assert_int_equal(tdxc_xsave_info_from_cpuid_fn(direct_cpuid, NULL, &direct), 0);
		assert_memory_equal(&got, &direct, sizeof(got));
		assert_int_equal(tdxc_xsave_info_missing(&got), 0);
		/* What the CPU reports for all user state is what we compute. */
		assert_int_equal(tdxc_xsave_standard_size(&got, got.xcr0_supported, &v), 0);
		assert_int_equal(v, got.sl0_ecx);
		printf("host: xcr0 %#llx xss %#llx standard %u\n",
		       (unsigned long long)got.xcr0_supported,
		       (unsigned long long)got.xss_supported, v);
	}
#else
	assert_true(rc == 0 || rc == TDXC_ENOTUSABLE);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
