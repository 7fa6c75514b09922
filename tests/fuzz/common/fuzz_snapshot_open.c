/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Arbitrary bytes into the snapshot reader. When the first input byte is
 * odd the harness repairs total_length and the CRC first, so the fuzzer
 * reaches the record walk and the inflate path instead of stopping at the
 * checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include <tdxcore/snapshot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static uint8_t scratch[(1u << 20) + TDXC_SNAPSHOT_INFLATE_WORKSPACE];
	struct tdxc_snapshot_reader r;
	struct tdxc_snapshot_record rec;
	uint8_t *b;
	size_t cur = 0, need = 0, i;
	int rc;

	if (len < 1)
		return 0;
	b = malloc(len);
	if (!b)
		return 0;
	memcpy(b, data + 1, len - 1);
	len -= 1;
	if ((data[0] & 1) && len >= 44) {
		tdxc__put_le64(b + 16, len);
		tdxc__put_le32(b + len - 4, tdxc_crc32(0, b, len - 4));
	}
	(void)tdxc_snapshot_scratch_size(b, len, &need);
	rc = tdxc_snapshot_open(&r, b, len, scratch, sizeof(scratch));
	if (rc == 0) {
		uint64_t sum = 0;
		uint16_t bad;
		const uint16_t known[] = { 2, 4, 5, 6 };
		for (i = 0; tdxc_snapshot_next(&r, &cur, &rec) == 1; i++) {
			const uint8_t *p = (const uint8_t *)rec.payload;
			/* Touch every payload byte: must be in bounds. */
			for (uint64_t k = 0; k < rec.length; k++)
				sum += p[k];
		}
		(void)tdxc_snapshot_find(&r, 4, 0, &rec);
		(void)tdxc_snapshot_check_known(&r, known, 4, &bad);
		if (sum == 0xfffffffffffffull)
			__builtin_trap(); /* keep the loop */
	} else if (rc > 0 || rc < TDXC_ERR_MIN) {
		__builtin_trap();
	}
	free(b);
	return 0;
}
