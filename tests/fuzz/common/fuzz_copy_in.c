/* SPDX-License-Identifier: BSD-2-Clause */
/* Size-versioned descriptor copy-in over arbitrary caller bytes. */
#include <stdint.h>
#include <string.h>
#include "internal.h"

struct d {
	uint32_t size;
	uint32_t a;
	uint64_t b;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint8_t buf[256];
	struct d out;
	uint32_t size;
	if (len < 4 || len > sizeof(buf))
		return 0;
	memcpy(buf, data, len);
	/* The descriptor's size field must not claim more than the caller has. */
	memcpy(&size, buf, 4);
	if (size > len)
		return 0;
	memset(&out, 0x5a, sizeof(out));
	if (tdxc__copy_in(&out, sizeof(out), buf, 8) == 0 && out.size != size)
		__builtin_trap();
	return 0;
}
