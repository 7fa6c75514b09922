/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Validation of a reported leaf-0xD table with a diagnosis: what Linux'
 * paranoid_xstate_size_valid() and Xen's xstate_check_sizes() would refuse,
 * plus which common mistake reproduces a wrong size exactly.
 */
#include "xsave_int.h"

#define NONE8 TDXC_XSAVE_NO_RELATED

static struct tdxc_xsave_problem *add(struct tdxc_xsave_report *r, uint32_t kind,
				      uint32_t comp, uint8_t sev, uint64_t expected,
				      uint64_t found)
{
	struct tdxc_xsave_problem *p;

	r->total++;
	if (sev == TDXC_XSAVE_SEV_ERROR)
		r->errors++;
	else
		r->warnings++;
	if (r->stored >= TDXC_XSAVE_MAX_PROBLEMS)
		return NULL;
	p = &r->problems[r->stored++];
	p->kind = kind;
	p->component = (uint16_t)comp;
	p->severity = sev;
	p->related = NONE8;
	p->expected = expected;
	p->found = found;
	p->causes = 0;
	p->moved = NONE8;
	p->missing = NONE8;
	p->extra = NONE8;
	p->reserved = 0;
	return p;
}

#define BIT(i) (UINT64_C(1) << (i))

/* Sizes real CPUs report per component (0-terminated); warnings only. */
static bool usual_size(unsigned i, uint32_t size)
{
	static const struct {
		uint8_t comp;
		uint16_t size[2];
	} known[] = {
		{ 2, { 256, 0 } },  { 3, { 64, 0 } },   { 4, { 64, 0 } },
		{ 5, { 64, 0 } },   { 6, { 512, 0 } },  { 7, { 1024, 0 } },
		{ 8, { 128, 0 } },  { 9, { 8, 64 } },   { 10, { 8, 0 } },
		{ 11, { 16, 0 } },  { 12, { 24, 0 } },  { 13, { 8, 0 } },
		{ 14, { 48, 0 } },  { 16, { 8, 0 } },   { 17, { 64, 0 } },
		{ 18, { 8192, 0 } }, { 19, { 128, 0 } }, { 62, { 128, 0 } },
	};
	unsigned k;

	for (k = 0; k < TDXC_ARRAY_SIZE(known); k++)
		if (known[k].comp == i)
			return size == known[k].size[0] || size == known[k].size[1];
	return true; /* no reference (e.g. arch LBR depends on the depth) */
}

static unsigned order_of(uint64_t m, uint8_t *order)
{
	unsigned n = 0;
	for (; m; m &= m - 1)
		order[n++] = (uint8_t)tdxc__xsave_ctz(m);
	return n;
}

static bool rounded(uint64_t expected, uint64_t found)
{
	uint64_t r64 = (expected + 63) & ~(uint64_t)63;
	uint64_t r4k = (expected + 4095) & ~(uint64_t)4095;
	return found != expected && (found == r64 || found == r4k);
}

/* Causes of a wrong standard size for user mask m. */
static void standard_causes(const struct tdxc_xsave_info *info, uint64_t m,
			    uint64_t user_ok, struct tdxc_xsave_problem *p)
{
	uint64_t comps = m & TDXC__XSAVE_COMP_MASK, rest;
	uint32_t v;
	unsigned j;

	if (!p)
		return;
	if (comps) {
		j = 63 - (unsigned)__builtin_clzll(comps);
		if ((uint64_t)info->comp[j].ebx + info->comp[j].eax == p->found)
			p->causes |= TDXC_XSAVE_CAUSE_HIGHEST_END;
	}
	if (tdxc_xsave_compacted_size(info, m, &v) == 0 && v == p->found)
		p->causes |= TDXC_XSAVE_CAUSE_OTHER_FORMAT;
	for (rest = comps; rest; rest &= rest - 1) {
		j = tdxc__xsave_ctz(rest);
		if (tdxc_xsave_standard_size(info, m & ~BIT(j), &v) == 0 && v == p->found) {
			p->causes |= TDXC_XSAVE_CAUSE_MISSING;
			p->missing = (uint8_t)j;
			break;
		}
	}
	for (rest = user_ok & ~comps; rest; rest &= rest - 1) {
		j = tdxc__xsave_ctz(rest);
		if (tdxc_xsave_standard_size(info, m | BIT(j), &v) == 0 && v == p->found) {
			p->causes |= TDXC_XSAVE_CAUSE_EXTRA;
			p->extra = (uint8_t)j;
			break;
		}
	}
	if (rounded(p->expected, p->found))
		p->causes |= TDXC_XSAVE_CAUSE_ROUNDED;
}

/* Causes of a wrong compacted size for mask m (already checked). */
static void compacted_causes(const struct tdxc_xsave_info *info, uint64_t m,
			     uint64_t ok, struct tdxc_xsave_problem *p)
{
	uint64_t comps = m & TDXC__XSAVE_COMP_MASK, rest;
	uint8_t order[TDXC_XSAVE_NCOMP];
	uint32_t v;
	unsigned n, k, j;

	if (!p)
		return;
	n = order_of(comps, order);
	if (tdxc__xsave_walk(info, order, n, false) == p->found)
		p->causes |= TDXC_XSAVE_CAUSE_ALIGN_IGNORED;
	k = order_of(comps & ~info->xss_supported, order);
	order_of(comps & info->xss_supported, order + k);
	if (k < n && tdxc__xsave_walk(info, order, n, true) == p->found)
		p->causes |= TDXC_XSAVE_CAUSE_USER_FIRST;
	for (rest = comps; rest; rest &= rest - 1) {
		j = tdxc__xsave_ctz(rest);
		k = order_of(comps & ~BIT(j), order);
		order[k] = (uint8_t)j;
		if (tdxc__xsave_walk(info, order, n, true) == p->found) {
			p->causes |= TDXC_XSAVE_CAUSE_OUT_OF_ORDER;
			p->moved = (uint8_t)j;
			break;
		}
	}
	for (rest = comps; rest; rest &= rest - 1) {
		j = tdxc__xsave_ctz(rest);
		if (tdxc_xsave_compacted_size(info, m & ~BIT(j), &v) == 0 && v == p->found) {
			p->causes |= TDXC_XSAVE_CAUSE_MISSING;
			p->missing = (uint8_t)j;
			break;
		}
	}
	for (rest = ok & ~comps; rest; rest &= rest - 1) {
		j = tdxc__xsave_ctz(rest);
		if (tdxc_xsave_compacted_size(info, m | BIT(j), &v) == 0 && v == p->found) {
			p->causes |= TDXC_XSAVE_CAUSE_EXTRA;
			p->extra = (uint8_t)j;
			break;
		}
	}
	if ((comps & info->xss_supported) &&
	    tdxc_xsave_compacted_size(info, m & ~info->xss_supported, &v) == 0 &&
	    v == p->found)
		p->causes |= TDXC_XSAVE_CAUSE_XSS_IGNORED;
	if (tdxc_xsave_standard_size(info, m & ~info->xss_supported, &v) == 0 &&
	    v == p->found)
		p->causes |= TDXC_XSAVE_CAUSE_OTHER_FORMAT;
	if (rounded(p->expected, p->found))
		p->causes |= TDXC_XSAVE_CAUSE_ROUNDED;
}

static void check_components(const struct tdxc_xsave_info *info,
			     struct tdxc_xsave_report *r, uint64_t *user_ok,
			     uint64_t *comp_ok)
{
	uint64_t adv = (info->xcr0_supported | info->xss_supported) & TDXC__XSAVE_COMP_MASK;
	bool compaction = (info->sl1_eax &
			   (TDXC_XSAVE_CAP_XSAVEC | TDXC_XSAVE_CAP_XSAVES)) != 0;
	unsigned i;

	*user_ok = 0;
	*comp_ok = 0;
	for (i = 2; i < TDXC_XSAVE_NCOMP; i++) {
		const struct tdxc_xsave_regs *c = &info->comp[i];
		bool present = info->present >> i & 1;
		bool sup, flag, fine = true;
		uint64_t end;

		if (!(adv >> i & 1)) {
			if (present && (c->eax | c->ebx | c->ecx | c->edx))
				add(r, TDXC_XSAVE_P_UNADVERTISED, i, TDXC_XSAVE_SEV_WARNING,
				    0, c->eax);
			continue;
		}
		if (!present) {
			add(r, TDXC_XSAVE_P_MISSING_SUBLEAF, i, TDXC_XSAVE_SEV_ERROR, 1, 0);
			continue;
		}
		if (c->eax == 0) {
			add(r, TDXC_XSAVE_P_ZERO_SIZE, i, TDXC_XSAVE_SEV_ERROR, 1, 0);
			fine = false;
		} else if (!usual_size(i, c->eax)) {
			add(r, TDXC_XSAVE_P_UNUSUAL_SIZE, i, TDXC_XSAVE_SEV_WARNING, 0,
			    c->eax);
		}
		sup = !(info->xcr0_supported >> i & 1);
		flag = (c->ecx & TDXC_XSAVE_ECX_SUPERVISOR) != 0;
		if (sup != flag) {
			add(r, TDXC_XSAVE_P_SUPERVISOR_FLAG, i, TDXC_XSAVE_SEV_ERROR, sup,
			    flag);
			fine = false;
		}
		if ((c->ecx & ~TDXC_XSAVE_ECX_KNOWN) || c->edx)
			add(r, TDXC_XSAVE_P_RESERVED_BITS, i, TDXC_XSAVE_SEV_WARNING, 0,
			    (uint64_t)c->edx << 32 | (c->ecx & ~TDXC_XSAVE_ECX_KNOWN));
		if ((c->ecx & TDXC_XSAVE_ECX_ALIGN64) && !compaction)
			add(r, TDXC_XSAVE_P_ALIGN_WITHOUT_COMPACTION, i,
			    TDXC_XSAVE_SEV_WARNING, 0, 1);
		if (fine && c->eax)
			*comp_ok |= BIT(i);
		if (sup) {
			if (c->ebx != 0) {
				add(r, TDXC_XSAVE_P_SUPERVISOR_WITH_OFFSET, i,
				    TDXC_XSAVE_SEV_ERROR, 0, c->ebx);
				*comp_ok &= ~BIT(i);
			}
			continue;
		}
		if (c->ebx == 0) {
			add(r, TDXC_XSAVE_P_USER_WITHOUT_OFFSET, i, TDXC_XSAVE_SEV_ERROR,
			    TDXC_XSAVE_MIN_SIZE, 0);
			continue;
		}
		if (c->ebx < TDXC_XSAVE_MIN_SIZE) {
			add(r, TDXC_XSAVE_P_OFFSET_IN_LEGACY, i, TDXC_XSAVE_SEV_ERROR,
			    TDXC_XSAVE_MIN_SIZE, c->ebx);
			continue;
		}
		end = (uint64_t)c->ebx + c->eax;
		if (end > UINT32_MAX) {
			add(r, TDXC_XSAVE_P_OFFSET_OVERFLOW, i, TDXC_XSAVE_SEV_ERROR,
			    UINT32_MAX, end);
			*comp_ok &= ~BIT(i);
			continue;
		}
		if (end > info->sl0_ecx)
			add(r, TDXC_XSAVE_P_BEYOND_AREA, i, TDXC_XSAVE_SEV_ERROR,
			    info->sl0_ecx, end);
		if (fine && c->eax)
			*user_ok |= BIT(i);
	}
}

static bool apx_mpx_pair(unsigned a, unsigned b)
{
	return (a == TDXC_XSAVE_APX && (b == TDXC_XSAVE_BNDREGS || b == TDXC_XSAVE_BNDCSR)) ||
	       (b == TDXC_XSAVE_APX && (a == TDXC_XSAVE_BNDREGS || a == TDXC_XSAVE_BNDCSR));
}

static void check_overlaps(const struct tdxc_xsave_info *info, uint64_t user_ok,
			   struct tdxc_xsave_report *r)
{
	uint64_t a_m, b_m;

	for (a_m = user_ok; a_m; a_m &= a_m - 1) {
		unsigned a = tdxc__xsave_ctz(a_m);
		for (b_m = a_m & (a_m - 1); b_m; b_m &= b_m - 1) {
			unsigned b = tdxc__xsave_ctz(b_m);
			const struct tdxc_xsave_regs *ca = &info->comp[a], *cb = &info->comp[b];
			struct tdxc_xsave_problem *p;
			unsigned first, second;

			if (apx_mpx_pair(a, b))
				continue; /* reported as APX_WITH_MPX */
			if (!tdxc__ranges_overlap(ca->ebx, (uint64_t)ca->ebx + ca->eax,
						  cb->ebx, (uint64_t)cb->ebx + cb->eax))
				continue;
			/* Report the one that starts later (ties: higher index). */
			first = ca->ebx <= cb->ebx ? a : b;
			second = first == a ? b : a;
			if (ca->ebx == cb->ebx) {
				first = a;
				second = b;
			}
			p = add(r, TDXC_XSAVE_P_OVERLAP, second, TDXC_XSAVE_SEV_ERROR,
				(uint64_t)info->comp[first].ebx + info->comp[first].eax,
				info->comp[second].ebx);
			if (p)
				p->related = (uint8_t)first;
		}
	}
}

int tdxc_xsave_validate(const struct tdxc_xsave_info *info, uint32_t flags,
			uint64_t xcr0_loaded, uint64_t xss_loaded,
			struct tdxc_xsave_report *out)
{
	struct tdxc_xsave_report r;
	struct tdxc_xsave_problem *p;
	uint64_t xcr0 = info ? info->xcr0_supported : 0;
	uint64_t xss = info ? info->xss_supported : 0;
	uint64_t user_ok, comp_ok, m, both;
	uint32_t v;
	unsigned i;

	if (!info || !out)
		return TDXC_EINVAL;
	if (flags & ~(TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED))
		return TDXC_EFLAGS;
	if ((flags & TDXC_XSAVE_VF_XCR0_LOADED) &&
	    (xcr0_loaded & ~(xcr0 | TDXC_XSAVE_LEGACY_MASK)))
		return TDXC_EFLAGS;
	if ((flags & TDXC_XSAVE_VF_XSS_LOADED) && (xss_loaded & ~xss))
		return TDXC_EFLAGS;

	tdxc__memset(&r, 0, sizeof(r));
	if ((xcr0 & TDXC_XSAVE_LEGACY_MASK) != TDXC_XSAVE_LEGACY_MASK)
		add(&r, TDXC_XSAVE_P_LEGACY_UNSUPPORTED, TDXC_XSAVE_NO_COMPONENT,
		    TDXC_XSAVE_SEV_ERROR, TDXC_XSAVE_LEGACY_MASK,
		    xcr0 & TDXC_XSAVE_LEGACY_MASK);
	both = (xcr0 & xss) | (xss & TDXC_XSAVE_LEGACY_MASK) |
	       ((xcr0 | xss) & TDXC_XSAVE_XCOMP_COMPACTED);
	for (m = both; m; m &= m - 1) {
		i = tdxc__xsave_ctz(m);
		add(&r, TDXC_XSAVE_P_MASK_CONFLICT, i, TDXC_XSAVE_SEV_ERROR, 0,
		    ((xcr0 >> i & 1) << 1) | (xss >> i & 1));
	}
	check_components(info, &r, &user_ok, &comp_ok);
	if ((xcr0 >> TDXC_XSAVE_APX & 1) &&
	    (xcr0 & (BIT(TDXC_XSAVE_BNDREGS) | BIT(TDXC_XSAVE_BNDCSR)))) {
		p = add(&r, TDXC_XSAVE_P_APX_WITH_MPX, TDXC_XSAVE_APX,
			TDXC_XSAVE_SEV_ERROR, 0, xcr0 & (BIT(3) | BIT(4) | BIT(19)));
		if (p)
			p->related = (xcr0 >> TDXC_XSAVE_BNDREGS & 1) ? TDXC_XSAVE_BNDREGS
								     : TDXC_XSAVE_BNDCSR;
	}
	check_overlaps(info, user_ok, &r);

	/* SL0.ECX: standard size of every supported user component. */
	m = xcr0 & ~TDXC_XSAVE_XCOMP_COMPACTED & ~xss;
	if (tdxc_xsave_standard_size(info, m, &v) == 0 && v != info->sl0_ecx) {
		p = add(&r, TDXC_XSAVE_P_SL0_ECX, TDXC_XSAVE_NO_COMPONENT,
			TDXC_XSAVE_SEV_ERROR, v, info->sl0_ecx);
		standard_causes(info, m, user_ok, p);
	}
	/* SL0.EBX: only against a known loaded XCR0 (it is dynamic). */
	if ((flags & TDXC_XSAVE_VF_XCR0_LOADED) &&
	    tdxc_xsave_standard_size(info, xcr0_loaded, &v) == 0 && v != info->sl0_ebx) {
		p = add(&r, TDXC_XSAVE_P_SL0_EBX, TDXC_XSAVE_NO_COMPONENT,
			TDXC_XSAVE_SEV_ERROR, v, info->sl0_ebx);
		standard_causes(info, xcr0_loaded, user_ok, p);
	}
	/* SL1.EBX: dynamic too; never infer XSS from it. */
	if (info->sl1_eax & (TDXC_XSAVE_CAP_XSAVEC | TDXC_XSAVE_CAP_XSAVES)) {
		bool xsaves = (info->sl1_eax & TDXC_XSAVE_CAP_XSAVES) != 0;
		bool known = (flags & TDXC_XSAVE_VF_XCR0_LOADED) &&
			     (!xsaves || (flags & TDXC_XSAVE_VF_XSS_LOADED));
		bool sized;

		m = xcr0_loaded | (xsaves ? xss_loaded : 0);
		sized = known && tdxc_xsave_compacted_size(info, m, &v) == 0;
		if (info->sl1_ebx == 0) {
			add(&r, TDXC_XSAVE_P_SL1_EBX_ZERO, TDXC_XSAVE_NO_COMPONENT,
			    TDXC_XSAVE_SEV_ERROR, sized ? v : TDXC_XSAVE_MIN_SIZE, 0);
		} else if (sized && v != info->sl1_ebx) {
			p = add(&r, TDXC_XSAVE_P_SL1_EBX, TDXC_XSAVE_NO_COMPONENT,
				TDXC_XSAVE_SEV_ERROR, v, info->sl1_ebx);
			compacted_causes(info, m, comp_ok, p);
		}
	}
	tdxc__memcpy(out, &r, sizeof(r));
	return (int)(r.errors > 0x7fffffffu ? 0x7fffffffu : r.errors);
}

const char *tdxc_xsave_problem_name(uint32_t kind)
{
	static const char *const names[] = {
		"unknown", "legacy_unsupported", "mask_conflict", "missing_subleaf",
		"zero_size", "supervisor_flag", "supervisor_with_offset",
		"user_without_offset", "offset_in_legacy", "overlap", "beyond_area",
		"offset_overflow", "sl0_ecx", "sl0_ebx", "sl1_ebx", "sl1_ebx_zero",
		"apx_with_mpx", "unadvertised", "unusual_size", "reserved_bits",
		"align_without_compaction",
	};
	TDXC_STATIC_ASSERT(TDXC_ARRAY_SIZE(names) == TDXC_XSAVE_P_MAX + 1,
			   problem_names_cover_every_kind);
	return kind < TDXC_ARRAY_SIZE(names) ? names[kind] : "unknown";
}

const char *tdxc_xsave_cause_name(uint32_t cause_bit)
{
	static const char *const names[] = {
		"align_ignored", "user_first", "out_of_order", "missing", "extra",
		"xss_ignored", "other_format", "highest_end", "rounded",
	};
	unsigned k;

	if (cause_bit == 0 || (cause_bit & (cause_bit - 1)))
		return "unknown";
	k = (unsigned)__builtin_ctz(cause_bit);
	return k < TDXC_ARRAY_SIZE(names) ? names[k] : "unknown";
}
