/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `cpuid -r` parser over arbitrary bytes: never crashes, leaves the output
 * alone on failure, and a table it accepts is complete and computable
 * (or rejected by the layout code with an error code).
 */
#include <stdint.h>
#include <string.h>
#include <tdxcore/xsave.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tdxc_xsave_info a, b, before;
	struct tdxc_xsave_parse_status st;
	struct tdxc_xsave_layout l;
	struct tdxc_xsave_report rep;
	uint32_t v;
	int rc;

	memset(&before, 0xa5, sizeof(before));
	a = before;
	rc = tdxc_xsave_parse_cpuid_r((const char *)data, len, &a, &st);
	if (rc) {
		if (memcmp(&a, &before, sizeof(a)) != 0)
			__builtin_trap();
		if (rc == TDXC_ENOENT && st.missing == 0)
			__builtin_trap();
		return 0;
	}
	if (st.line != 0 || tdxc_xsave_info_missing(&a) != 0 || (a.xcr0_supported & 3) != 3)
		__builtin_trap();
	/* deterministic */
	if (tdxc_xsave_parse_cpuid_r((const char *)data, len, &b, NULL) != 0 ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		__builtin_trap();
	if (tdxc_xsave_compacted_size(&a, a.xcr0_supported | a.xss_supported, &v) == 0 &&
	    v < TDXC_XSAVE_MIN_SIZE)
		__builtin_trap();
	if (tdxc_xsave_layout(&a, a.xcr0_supported & ~a.xss_supported, TDXC_XSAVE_STANDARD,
			      &l) == 0 && l.size < TDXC_XSAVE_MIN_SIZE)
		__builtin_trap();
	rc = tdxc_xsave_validate(&a, 0, 0, 0, &rep);
	if (rc < 0 || rep.total != rep.errors + rep.warnings)
		__builtin_trap();
	return 0;
}
