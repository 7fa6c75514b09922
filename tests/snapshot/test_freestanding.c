/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linked against the freestanding archive: reads the containers the hosted
 * library wrote (gen_vectors), restores every module from them, and checks
 * that the restored objects save to exactly the same container, which is
 * also what this build writes for objects built from the same seeds (own
 * CRC-32 against zlib's). A compressed container is TDXC_ENOTSUP here.
 * Usage: test-snapshot-fs <dir with all.bin and all-z.bin>.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "states.h"

static const char *dir;

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	long n;
	uint8_t *b;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void test_read_hosted(void **st)
{
	struct states ref, got;
	struct tdxc_snapshot_reader r;
	size_t len, mine_len, again_len;
	uint8_t *blob = slurp("all.bin", &len), *mine, *again;
	(void)st;

	/* this build writes the very same bytes for the same states */
	states_make(&ref, 1);
	mine = states_container(&ref, &mine_len);
	assert_int_equal(mine_len, len);
	assert_memory_equal(mine, blob, len);

	/* and restores them from the hosted container */
	states_make(&got, 0);
	assert_int_equal(tdxc_snapshot_open(&r, blob, len, NULL, 0), 0);
	assert_int_equal(states_restore(&got, &r), 0);
	again = states_container(&got, &again_len);
	assert_int_equal(again_len, len);
	assert_memory_equal(again, blob, len);

	free(blob);
	free(mine);
	free(again);
	states_free(&ref);
	states_free(&got);
}

static void test_compressed_refused(void **st)
{
	struct tdxc_snapshot_reader r;
	size_t len, need = 1, bound;
	uint8_t scratch[64];
	uint8_t *blob = slurp("all-z.bin", &len);
	(void)st;
	assert_int_equal(tdxc_snapshot_scratch_size(blob, len, &need), TDXC_ENOTSUP);
	assert_int_equal(tdxc_snapshot_open(&r, blob, len, scratch, sizeof(scratch)),
			 TDXC_ENOTSUP);
	assert_int_equal(tdxc_snapshot_compress_bound(100, &bound), TDXC_ENOTSUP);
	free(blob);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_hosted),
		cmocka_unit_test(test_compressed_refused),
	};
	if (argc != 2) {
		fprintf(stderr, "usage: %s <vector dir>\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
