/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Dump parser over arbitrary bytes, in every format: never crashes, leaves
 * the output alone on failure, AUTO agrees with the format it detects named
 * explicitly (result, status and table), and a table it accepts is complete
 * and computable (or rejected by the layout code with an error code).
 */
#include <stdint.h>
#include <string.h>
#include <tdxcore/xsave.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static void one(const uint8_t *data, size_t len, uint32_t format)
{
	struct tdxc_xsave_info a, b, before;
	struct tdxc_xsave_parse_status st;
	struct tdxc_xsave_layout l;
	struct tdxc_xsave_report rep;
	uint32_t v;
	int rc;

	memset(&before, 0xa5, sizeof(before));
	a = before;
	rc = tdxc_xsave_parse_text((const char *)data, len, format, &a, &st);
	/* AUTO is exactly the detected format named explicitly */
	if (format == TDXC_XSAVE_FMT_AUTO && st.format != TDXC_XSAVE_FMT_AUTO) {
		struct tdxc_xsave_parse_status st2;
		b = before;
		if (tdxc_xsave_parse_text((const char *)data, len, st.format, &b, &st2) != rc ||
		    memcmp(&st, &st2, sizeof(st)) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
			__builtin_trap();
	}
	if (rc) {
		if (memcmp(&a, &before, sizeof(a)) != 0)
			__builtin_trap();
		if (rc == TDXC_ENOENT && st.missing == 0 && st.line == 0)
			__builtin_trap();
		return;
	}
	if (st.line != 0 || tdxc_xsave_info_missing(&a) != 0 || (a.xcr0_supported & 3) != 3 ||
	    st.format == TDXC_XSAVE_FMT_AUTO ||
	    (format != TDXC_XSAVE_FMT_AUTO && st.format != format))
		__builtin_trap();
	/* deterministic (AUTO was compared with its detected format above) */
	if (format != TDXC_XSAVE_FMT_AUTO &&
	    (tdxc_xsave_parse_text((const char *)data, len, st.format, &b, NULL) != 0 ||
	     memcmp(&a, &b, sizeof(a)) != 0))
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	uint32_t f;
	for (f = TDXC_XSAVE_FMT_AUTO; f <= TDXC_XSAVE_FMT_AIDA64; f++)
		one(data, len, f);
	return 0;
}
