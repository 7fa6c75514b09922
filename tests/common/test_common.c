/* SPDX-License-Identifier: BSD-2-Clause */
/* Tests of the common API and of the internal helpers every module uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static void test_strerror_never_null(void **state)
{
	int e;
	(void)state;
	for (e = -1000; e <= 1000; e++) {
		assert_non_null(tdxc_strerror(e));
		assert_non_null(tdxc_strerror_name(e));
	}
	assert_string_equal(tdxc_strerror(0), "success");
	assert_string_equal(tdxc_strerror(1), "unknown error");
	assert_string_equal(tdxc_strerror(TDXC_ERR_MIN - 1), "unknown error");
	assert_string_equal(tdxc_strerror_name(TDXC_EINVAL), "TDXC_EINVAL");
	assert_string_equal(tdxc_strerror_name(TDXC_E2BIG), "TDXC_E2BIG");
	assert_string_equal(tdxc_strerror_name(-999), "TDXC_E?");
}

static void test_strerror_distinct(void **state)
{
	int a, b;
	(void)state;
	for (a = TDXC_ERR_MIN; a <= 0; a++)
		for (b = a + 1; b <= 0; b++) {
			assert_string_not_equal(tdxc_strerror(a), tdxc_strerror(b));
			assert_string_not_equal(tdxc_strerror_name(a),
						tdxc_strerror_name(b));
		}
}

static void test_version(void **state)
{
	const char *s = NULL;
	(void)state;
	assert_int_equal(tdxc_version(NULL), TDXC_VERSION_NUMBER);
	assert_int_equal(tdxc_version(&s), 100);
	assert_string_equal(s, TDXC_VERSION_STRING);
	assert_string_equal(s, "0.1.0");
	assert_true(tdxc_features() & TDXC_FEAT_HOSTED);
}

static void test_le(void **state)
{
	uint8_t b[8];
	(void)state;
	tdxc__put_le16(b, 0x1234);
	assert_int_equal(b[0], 0x34);
	assert_int_equal(b[1], 0x12);
	assert_int_equal(tdxc__le16(b), 0x1234);
	tdxc__put_le32(b, 0xdeadbeef);
	assert_int_equal(b[0], 0xef);
	assert_int_equal(b[3], 0xde);
	assert_int_equal(tdxc__le32(b), 0xdeadbeef);
	tdxc__put_le64(b, 0x0102030405060708ull);
	assert_int_equal(b[0], 0x08);
	assert_int_equal(b[7], 0x01);
	assert_true(tdxc__le64(b) == 0x0102030405060708ull);
}

static void test_add_mul_overflow(void **state)
{
	uint64_t r = 7;
	size_t s = 9;
	(void)state;
	assert_int_equal(tdxc__add_u64(1, 2, &r), 0);
	assert_int_equal(r, 3);
	assert_int_equal(tdxc__add_u64(UINT64_MAX, 1, &r), TDXC_EOVERFLOW);
	assert_int_equal(r, 3); /* untouched */
	assert_int_equal(tdxc__mul_u64(1ull << 32, 1ull << 31, &r), 0);
	assert_true(r == 1ull << 63);
	assert_int_equal(tdxc__mul_u64(1ull << 32, 1ull << 32, &r), TDXC_EOVERFLOW);
	assert_true(r == 1ull << 63);
	assert_int_equal(tdxc__add_size(SIZE_MAX, 1, &s), TDXC_EOVERFLOW);
	assert_int_equal(s, 9);
	assert_int_equal(tdxc__mul_size(SIZE_MAX, 2, &s), TDXC_EOVERFLOW);
	assert_int_equal(s, 9);
	assert_int_equal(tdxc__mul_size(3, 4, &s), 0);
	assert_int_equal(s, 12);
}

static void test_align_up(void **state)
{
	uint64_t r = 5;
	(void)state;
	assert_int_equal(tdxc__align_up_u64(65, 64, &r), 0);
	assert_int_equal(r, 128);
	assert_int_equal(tdxc__align_up_u64(64, 64, &r), 0);
	assert_int_equal(r, 64);
	assert_int_equal(tdxc__align_up_u64(1, 0, &r), TDXC_EALIGN);
	assert_int_equal(tdxc__align_up_u64(1, 48, &r), TDXC_EALIGN);
	assert_int_equal(tdxc__align_up_u64(UINT64_MAX - 2, 64, &r), TDXC_EOVERFLOW);
	assert_int_equal(r, 64);
}

static void test_ranges(void **state)
{
	uint64_t end = 1;
	(void)state;
	assert_int_equal(tdxc__range_end(0x1000, 0x1000, &end), 0);
	assert_int_equal(end, 0x2000);
	assert_int_equal(tdxc__range_end(0x1000, 0, &end), TDXC_EINVAL);
	assert_int_equal(tdxc__range_end(UINT64_MAX, 1, &end), TDXC_EOVERFLOW);
	assert_int_equal(tdxc__range_end(UINT64_MAX - 0xfff, 0x1000, &end),
			 TDXC_EOVERFLOW);
	assert_int_equal(end, 0x2000);
	assert_int_equal(tdxc__range_within(0x1000, 0x1000, 0x1000, 0x2000), 0);
	assert_int_equal(tdxc__range_within(0x1000, 0x1001, 0x1000, 0x2000),
			 TDXC_ERANGE);
	assert_int_equal(tdxc__range_within(0xfff, 1, 0x1000, 0x2000), TDXC_ERANGE);
	assert_int_equal(tdxc__range_within(0x1000, 0, 0x1000, 0x2000), TDXC_EINVAL);
	assert_int_equal(tdxc__range_within(UINT64_MAX, 2, 0, UINT64_MAX),
			 TDXC_EOVERFLOW);
	assert_true(tdxc__ranges_overlap(0, 10, 9, 20));
	assert_false(tdxc__ranges_overlap(0, 10, 10, 20));
	assert_false(tdxc__ranges_overlap(10, 20, 0, 10));
}

static void test_flags_and_zero(void **state)
{
	uint8_t z[16] = { 0 };
	(void)state;
	assert_int_equal(tdxc__check_flags(0x3, 0x7), 0);
	assert_int_equal(tdxc__check_flags(0x8, 0x7), TDXC_EFLAGS);
	assert_int_equal(tdxc__check_flags(1ull << 63, ~(1ull << 63)), TDXC_EFLAGS);
	assert_true(tdxc__all_zero(z, sizeof(z)));
	z[15] = 1;
	assert_false(tdxc__all_zero(z, sizeof(z)));
	assert_true(tdxc__all_zero(z, 0));
}

static void test_desc_check(void **state)
{
	uint8_t resv[6] = { 0 };
	uint32_t r32 = 0;
	(void)state;
	assert_int_equal(tdxc__desc_check(resv, sizeof(resv), 0x5, 0x7), 0);
	assert_int_equal(tdxc__desc_check(&r32, sizeof(r32), 0, 0), 0);
	/* one bad byte anywhere in the reserved span */
	resv[5] = 0x80;
	assert_int_equal(tdxc__desc_check(resv, sizeof(resv), 0, 0), TDXC_ERESERVED);
	resv[5] = 0;
	r32 = 1u << 31;
	assert_int_equal(tdxc__desc_check(&r32, sizeof(r32), 0, 0), TDXC_ERESERVED);
	/* an unknown flag */
	assert_int_equal(tdxc__desc_check(resv, sizeof(resv), 0x8, 0x7), TDXC_EFLAGS);
	assert_int_equal(tdxc__desc_check(resv, sizeof(resv), 1, 0), TDXC_EFLAGS);
	/* reserved bytes are reported first */
	assert_int_equal(tdxc__desc_check(&r32, sizeof(r32), 0x8, 0x7), TDXC_ERESERVED);
	assert_int_equal(tdxc__desc_check(resv, 0, 0, 0), 0);
}

/* A descriptor as it grows: v1 has a, v2 adds b. */
struct desc_v1 {
	uint32_t size;
	uint32_t a;
};
struct desc_v2 {
	uint32_t size;
	uint32_t a;
	uint64_t b;
};
struct desc_v3 {
	uint32_t size;
	uint32_t a;
	uint64_t b;
	uint64_t c;
};

static void test_copy_in(void **state)
{
	struct desc_v2 dst;
	struct desc_v1 old = { sizeof(struct desc_v1), 5 };
	struct desc_v2 cur = { sizeof(struct desc_v2), 6, 7 };
	struct desc_v3 newer = { sizeof(struct desc_v3), 8, 9, 0 };
	struct desc_v2 tiny = { 4, 1, 1 };
	(void)state;

	memset(&dst, 0xaa, sizeof(dst));
	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &old, sizeof(old)), 0);
	assert_int_equal(dst.a, 5);
	assert_true(dst.b == 0); /* zero-extended */

	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &cur, sizeof(old)), 0);
	assert_int_equal(dst.a, 6);
	assert_true(dst.b == 7);

	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &newer, sizeof(old)), 0);
	assert_int_equal(dst.a, 8);
	assert_true(dst.b == 9);

	/* A newer struct with a non-zero field we do not know: refused. */
	newer.c = 1;
	memset(&dst, 0xaa, sizeof(dst));
	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &newer, sizeof(old)),
			 TDXC_ERESERVED);
	assert_int_equal(dst.a, 0xaaaaaaaa); /* untouched */

	/* size below the first released version */
	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &tiny, sizeof(old)),
			 TDXC_ESIZE);
	assert_int_equal(dst.a, 0xaaaaaaaa);
	tiny.size = 0;
	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), &tiny, sizeof(old)),
			 TDXC_ESIZE);

	assert_int_equal(tdxc__copy_in(NULL, sizeof(dst), &cur, sizeof(old)),
			 TDXC_EINVAL);
	assert_int_equal(tdxc__copy_in(&dst, sizeof(dst), NULL, sizeof(old)),
			 TDXC_EINVAL);
	assert_int_equal(dst.a, 0xaaaaaaaa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_never_null),
		cmocka_unit_test(test_strerror_distinct),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_le),
		cmocka_unit_test(test_add_mul_overflow),
		cmocka_unit_test(test_align_up),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_flags_and_zero),
		cmocka_unit_test(test_copy_in),
		cmocka_unit_test(test_desc_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
