/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Validator, layouts, synthesis and the Linux check over arbitrary tables:
 * the input is either a raw struct tdxc_xsave_info (any present mask, any
 * register values) or a list of 20-byte little-endian subleaf records,
 * then four 64-bit knobs (loaded masks, exposure, flags).
 */
#include <stdint.h>
#include <string.h>
#include <tdxcore/xsave.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void check_layout(const struct tdxc_xsave_info *info, uint64_t mask, uint32_t fmt)
{
	struct tdxc_xsave_layout l;
	uint32_t v, i;
	if (tdxc_xsave_layout(info, mask, fmt, &l) != 0)
		return;
	if (l.size < TDXC_XSAVE_MIN_SIZE)
		__builtin_trap();
	for (i = 2; i < 63; i++) {
		if (!((l.mask >> i) & 1))
			continue;
		if ((uint64_t)l.slot[i].offset + l.slot[i].size > l.size)
			__builtin_trap();
		if (fmt == TDXC_XSAVE_COMPACTED && l.slot[i].offset < TDXC_XSAVE_MIN_SIZE)
			__builtin_trap();
	}
	if (fmt == TDXC_XSAVE_COMPACTED &&
	    (tdxc_xsave_compacted_size(info, mask, &v) != 0 || v != l.size))
		__builtin_trap();
	if (fmt == TDXC_XSAVE_STANDARD &&
	    (tdxc_xsave_standard_size(info, mask, &v) != 0 || v != l.size))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct tdxc_xsave_info info, guest, copy;
	struct tdxc_xsave_subleaf leaves[80];
	struct tdxc_xsave_report rep;
	struct tdxc_xsave_guest_cfg cfg;
	struct tdxc_xsave_linux_verdict v;
	uint64_t knobs[4] = { 0, 0, 0, 0 };
	size_t n = 0, k;
	int rc;

	/* Seeds start with a comment line (license tag): skip it. */
	if (len && data[0] == '#') {
		while (len && data[0] != '\n') {
			data++;
			len--;
		}
		if (len) {
			data++;
			len--;
		}
	}
	if (len < 1)
		return 0;
	if (data[0] & 1) {
		if (len < 1 + sizeof(info))
			return 0;
		memcpy(&info, data + 1, sizeof(info));
		data += 1 + sizeof(info);
		len -= 1 + sizeof(info);
	} else {
		data++;
		len--;
		while (len >= 20 && n < 80) {
			leaves[n].subleaf = le32(data);
			leaves[n].eax = le32(data + 4);
			leaves[n].ebx = le32(data + 8);
			leaves[n].ecx = le32(data + 12);
			leaves[n].edx = le32(data + 16);
			n++;
			data += 20;
			len -= 20;
		}
		if (tdxc_xsave_info_from_leaves(leaves, n, &info) != 0)
			return 0;
	}
	for (k = 0; k < 4 && len >= 8; k++, data += 8, len -= 8)
		knobs[k] = le64(data);
	copy = info;

	rc = tdxc_xsave_validate(&info, (uint32_t)knobs[3] & 3, knobs[0], knobs[1], &rep);
	if (rc >= 0 && (rep.total != rep.errors + rep.warnings || rep.stored > rep.total ||
			rep.stored > TDXC_XSAVE_MAX_PROBLEMS || (uint32_t)rc != rep.errors))
		__builtin_trap();
	if (rc < 0 && rc != TDXC_EFLAGS)
		__builtin_trap();

	check_layout(&info, info.xcr0_supported, TDXC_XSAVE_STANDARD);
	check_layout(&info, info.xcr0_supported | info.xss_supported, TDXC_XSAVE_COMPACTED);
	check_layout(&info, knobs[0], TDXC_XSAVE_STANDARD);
	check_layout(&info, knobs[0] | knobs[1], TDXC_XSAVE_COMPACTED);

	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.xcr0_allowed = info.xcr0_supported & (knobs[2] | 3);
	cfg.xss_allowed = info.xss_supported & knobs[2];
	cfg.caps_allowed = info.sl1_eax & (uint32_t)(knobs[3] >> 32) & TDXC_XSAVE_CAP_ALL;
	cfg.guest_xcr0 = cfg.xcr0_allowed & knobs[0];
	cfg.guest_xss = cfg.xss_allowed & knobs[1];
	if (tdxc_xsave_synth_info(&info, &cfg, &guest) == 0) {
		/* A synthesised view is self-consistent for the loaded masks. */
		if (tdxc_xsave_linux_check(&guest, cfg.guest_xcr0,
					   (guest.sl1_eax & TDXC_XSAVE_CAP_XSAVES) ? cfg.guest_xss : 0,
					   &v) == 0 &&
		    !v.accepted)
			__builtin_trap();
	}
	if (memcmp(&copy, &info, sizeof(info)) != 0)
		__builtin_trap(); /* inputs are never written */
	return 0;
}
