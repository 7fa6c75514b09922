/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leaf-0xD tables and XSAVE layouts. Every walk goes over the fixed
 * per-component array in ascending index order: the compacted offsets
 * depend on that order through the 64-byte alignment bit.
 */
#include "xsave_int.h"

void tdxc__xsave_build(const struct tdxc_xsave_regs *sub,
		       uint64_t present, struct tdxc_xsave_info *out)
{
	unsigned i;

	tdxc__memset(out, 0, sizeof(*out));
	out->xcr0_supported = (uint64_t)sub[0].edx << 32 | sub[0].eax;
	out->xss_supported = (uint64_t)sub[1].edx << 32 | sub[1].ecx;
	out->sl0_ebx = sub[0].ebx;
	out->sl0_ecx = sub[0].ecx;
	out->sl1_eax = sub[1].eax;
	out->sl1_ebx = sub[1].ebx;
	out->present = present | TDXC_XSAVE_LEGACY_MASK;
	for (i = 2; i < TDXC_XSAVE_NCOMP; i++)
		if (present >> i & 1)
			out->comp[i] = sub[i];
}

int tdxc_xsave_info_from_leaves(const struct tdxc_xsave_subleaf *leaves, size_t n,
				struct tdxc_xsave_info *out)
{
	struct tdxc_xsave_regs sub[TDXC_XSAVE_NCOMP];
	uint64_t present = 0;
	size_t k;

	if (!out || (!leaves && n))
		return TDXC_EINVAL;
	for (k = 0; k < n; k++) {
		uint32_t s = leaves[k].subleaf;
		if (s >= TDXC_XSAVE_NCOMP)
			return TDXC_ERANGE;
		if (present >> s & 1)
			return TDXC_EEXIST;
		present |= UINT64_C(1) << s;
		sub[s].eax = leaves[k].eax;
		sub[s].ebx = leaves[k].ebx;
		sub[s].ecx = leaves[k].ecx;
		sub[s].edx = leaves[k].edx;
	}
	if ((present & TDXC_XSAVE_LEGACY_MASK) != TDXC_XSAVE_LEGACY_MASK)
		return TDXC_ENOENT;
	tdxc__xsave_build(sub, present, out);
	return 0;
}

int tdxc_xsave_info_from_cpuid_fn(tdxc_xsave_cpuid_fn fn, void *opaque,
				  struct tdxc_xsave_info *out)
{
	struct tdxc_xsave_regs sub[TDXC_XSAVE_NCOMP];
	uint64_t present = TDXC_XSAVE_LEGACY_MASK, want;
	unsigned i;

	if (!fn || !out)
		return TDXC_EINVAL;
	if (fn(0xd, 0, &sub[0], opaque) != 0 || fn(0xd, 1, &sub[1], opaque) != 0)
		return TDXC_ECALLBACK;
	want = ((uint64_t)sub[0].edx << 32 | sub[0].eax) |
	       ((uint64_t)sub[1].edx << 32 | sub[1].ecx);
	want &= TDXC__XSAVE_COMP_MASK;
	for (; want; want &= want - 1) {
		i = tdxc__xsave_ctz(want);
		if (fn(0xd, i, &sub[i], opaque) != 0)
			return TDXC_ECALLBACK;
		present |= UINT64_C(1) << i;
	}
	tdxc__xsave_build(sub, present, out);
	return 0;
}

uint64_t tdxc_xsave_info_missing(const struct tdxc_xsave_info *info)
{
	uint64_t adv, miss = 0;
	unsigned i;

	if (!info)
		return 0;
	adv = (info->xcr0_supported | info->xss_supported) & TDXC__XSAVE_COMP_MASK;
	for (; adv; adv &= adv - 1) {
		i = tdxc__xsave_ctz(adv);
		if (!(info->present >> i & 1) || info->comp[i].eax == 0)
			miss |= UINT64_C(1) << i;
	}
	return miss;
}

int tdxc_xsave_info_get_leaf(const struct tdxc_xsave_info *info, uint32_t subleaf,
			     struct tdxc_xsave_regs *out)
{
	struct tdxc_xsave_regs r;

	if (!info || !out)
		return TDXC_EINVAL;
	if (subleaf >= TDXC_XSAVE_NCOMP)
		return TDXC_ERANGE;
	if (subleaf == 0) {
		r.eax = (uint32_t)info->xcr0_supported;
		r.edx = (uint32_t)(info->xcr0_supported >> 32);
		r.ebx = info->sl0_ebx;
		r.ecx = info->sl0_ecx;
	} else if (subleaf == 1) {
		r.eax = info->sl1_eax;
		r.ebx = info->sl1_ebx;
		r.ecx = (uint32_t)info->xss_supported;
		r.edx = (uint32_t)(info->xss_supported >> 32);
	} else if (info->present >> subleaf & 1) {
		r = info->comp[subleaf];
	} else {
		tdxc__memset(&r, 0, sizeof(r));
	}
	*out = r;
	return 0;
}

/* ---- layouts ----------------------------------------------------------- */

static int check_standard_mask(const struct tdxc_xsave_info *info, uint64_t mask)
{
	uint64_t comps = mask & TDXC__XSAVE_COMP_MASK;
	unsigned i;

	if (mask & TDXC_XSAVE_XCOMP_COMPACTED)
		return TDXC_ERESERVED;
	if (comps & ~(info->xcr0_supported | info->xss_supported))
		return TDXC_EFLAGS;
	if (comps & info->xss_supported)
		return TDXC_EPERM;
	for (; comps; comps &= comps - 1) {
		const struct tdxc_xsave_regs *c;
		i = tdxc__xsave_ctz(comps);
		c = &info->comp[i];
		if (!(info->present >> i & 1))
			return TDXC_ENOENT;
		if (c->ecx & TDXC_XSAVE_ECX_SUPERVISOR)
			return TDXC_EPERM;
		if (c->eax == 0 || c->ebx < TDXC_XSAVE_MIN_SIZE)
			return TDXC_ECORRUPT;
		if ((uint64_t)c->ebx + c->eax > UINT32_MAX)
			return TDXC_EOVERFLOW;
	}
	return 0;
}

static int check_compacted_mask(const struct tdxc_xsave_info *info, uint64_t mask)
{
	uint64_t comps = mask & TDXC__XSAVE_COMP_MASK;
	unsigned i;

	if (comps & ~(info->xcr0_supported | info->xss_supported))
		return TDXC_EFLAGS;
	for (; comps; comps &= comps - 1) {
		i = tdxc__xsave_ctz(comps);
		if (!(info->present >> i & 1))
			return TDXC_ENOENT;
		if (info->comp[i].eax == 0)
			return TDXC_ECORRUPT;
	}
	return 0;
}

/* Standard walk of a checked mask: max(576, max(offset + size)). */
static uint32_t standard_walk(const struct tdxc_xsave_info *info, uint64_t comps,
			      struct tdxc_xsave_slot *slot)
{
	uint32_t size = TDXC_XSAVE_MIN_SIZE;
	unsigned i;

	for (; comps; comps &= comps - 1) {
		const struct tdxc_xsave_regs *c;
		uint32_t end;
		i = tdxc__xsave_ctz(comps);
		c = &info->comp[i];
		end = c->ebx + c->eax; /* checked not to wrap */
		if (end > size)
			size = end;
		if (slot) {
			slot[i].offset = c->ebx;
			slot[i].size = c->eax;
		}
	}
	return size;
}

/* Compacted walk of a checked mask, ascending index. */
static int compacted_walk(const struct tdxc_xsave_info *info, uint64_t comps,
			  struct tdxc_xsave_slot *slot, uint32_t *out)
{
	uint64_t off = TDXC_XSAVE_MIN_SIZE;
	unsigned i;

	for (; comps; comps &= comps - 1) {
		const struct tdxc_xsave_regs *c;
		i = tdxc__xsave_ctz(comps);
		c = &info->comp[i];
		if (c->ecx & TDXC_XSAVE_ECX_ALIGN64)
			off = (off + 63) & ~(uint64_t)63;
		if (off + c->eax > UINT32_MAX)
			return TDXC_EOVERFLOW;
		if (slot) {
			slot[i].offset = (uint32_t)off;
			slot[i].size = c->eax;
		}
		off += c->eax;
	}
	*out = (uint32_t)off;
	return 0;
}

uint64_t tdxc__xsave_walk(const struct tdxc_xsave_info *info, const uint8_t *order,
			  unsigned n, bool align)
{
	uint64_t off = TDXC_XSAVE_MIN_SIZE;
	unsigned k;

	for (k = 0; k < n; k++) {
		const struct tdxc_xsave_regs *c = &info->comp[order[k] & 63];
		if (align && (c->ecx & TDXC_XSAVE_ECX_ALIGN64))
			off = (off + 63) & ~(uint64_t)63;
		off += c->eax;
	}
	return off;
}

int tdxc_xsave_standard_size(const struct tdxc_xsave_info *info, uint64_t xcr0,
			     uint32_t *out)
{
	int rc;

	if (!info || !out)
		return TDXC_EINVAL;
	rc = check_standard_mask(info, xcr0);
	if (rc)
		return rc;
	*out = standard_walk(info, xcr0 & TDXC__XSAVE_COMP_MASK, NULL);
	return 0;
}

int tdxc_xsave_compacted_size(const struct tdxc_xsave_info *info, uint64_t xcomp_bv,
			      uint32_t *out)
{
	uint32_t size;
	int rc;

	if (!info || !out)
		return TDXC_EINVAL;
	xcomp_bv &= ~TDXC_XSAVE_XCOMP_COMPACTED;
	rc = check_compacted_mask(info, xcomp_bv);
	if (rc)
		return rc;
	rc = compacted_walk(info, xcomp_bv & TDXC__XSAVE_COMP_MASK, NULL, &size);
	if (rc)
		return rc;
	*out = size;
	return 0;
}

static int layout_into(const struct tdxc_xsave_info *info, uint64_t mask,
		       uint32_t format, struct tdxc_xsave_layout *l)
{
	uint32_t size;
	int rc;

	if (format == TDXC_XSAVE_STANDARD) {
		rc = check_standard_mask(info, mask);
	} else if (format == TDXC_XSAVE_COMPACTED) {
		mask &= ~TDXC_XSAVE_XCOMP_COMPACTED;
		rc = check_compacted_mask(info, mask);
	} else {
		return TDXC_EINVAL;
	}
	if (rc)
		return rc;
	tdxc__memset(l, 0, sizeof(*l));
	if (format == TDXC_XSAVE_STANDARD) {
		size = standard_walk(info, mask & TDXC__XSAVE_COMP_MASK, l->slot);
	} else {
		rc = compacted_walk(info, mask & TDXC__XSAVE_COMP_MASK, l->slot, &size);
		if (rc)
			return rc;
	}
	if (mask & 1) {
		l->slot[0].offset = 0;
		l->slot[0].size = 160;
	}
	if (mask & 2) {
		l->slot[1].offset = 160;
		l->slot[1].size = 256;
	}
	l->mask = mask;
	l->format = format;
	l->size = size;
	return 0;
}

int tdxc_xsave_layout(const struct tdxc_xsave_info *info, uint64_t mask,
		      uint32_t format, struct tdxc_xsave_layout *out)
{
	struct tdxc_xsave_layout l;
	int rc;

	if (!info || !out)
		return TDXC_EINVAL;
	rc = layout_into(info, mask, format, &l);
	if (rc)
		return rc;
	tdxc__memcpy(out, &l, sizeof(l));
	return 0;
}

int tdxc_xsave_offset(const struct tdxc_xsave_info *info, uint64_t mask,
		      uint32_t format, uint32_t component, uint32_t *out)
{
	struct tdxc_xsave_layout l;
	uint64_t m;
	int rc;

	if (!info || !out)
		return TDXC_EINVAL;
	if (component >= TDXC_XSAVE_NCOMP - 1)
		return TDXC_ERANGE;
	rc = layout_into(info, mask, format, &l);
	if (rc)
		return rc;
	m = format == TDXC_XSAVE_COMPACTED ? mask & ~TDXC_XSAVE_XCOMP_COMPACTED : mask;
	if (!(m >> component & 1))
		return TDXC_ENOENT;
	*out = l.slot[component].offset;
	return 0;
}

int tdxc_xsave_sizes(const struct tdxc_xsave_info *info, uint64_t xcr0,
		     uint64_t xss, struct tdxc_xsave_sizes *out)
{
	struct tdxc_xsave_sizes s;
	uint64_t all, m;
	unsigned i;
	int rc;

	if (!info || !out)
		return TDXC_EINVAL;
	if (xss & ~(info->xss_supported & TDXC__XSAVE_COMP_MASK))
		return TDXC_EFLAGS;
	tdxc__memset(&s, 0, sizeof(s));
	s.xcr0 = xcr0;
	s.xss = xss;
	rc = tdxc_xsave_standard_size(info, xcr0, &s.standard_max);
	if (rc)
		return rc;
	all = xcr0 | xss;
	rc = tdxc_xsave_compacted_size(info, all, &s.compacted_max);
	if (rc)
		return rc;
	for (m = all & TDXC__XSAVE_COMP_MASK; m; m &= m - 1) {
		i = tdxc__xsave_ctz(m);
		if (info->comp[i].ecx & TDXC_XSAVE_ECX_XFD)
			s.xfd_mask |= UINT64_C(1) << i;
	}
	/* Subsets of checked masks: these cannot fail any more. */
	rc = tdxc_xsave_standard_size(info, xcr0 & ~s.xfd_mask, &s.standard_default);
	if (!rc)
		rc = tdxc_xsave_compacted_size(info, all & ~s.xfd_mask,
					       &s.compacted_default);
	if (!rc)
		rc = tdxc_xsave_compacted_size(info, xcr0, &s.compacted_user_max);
	if (!rc)
		rc = tdxc_xsave_compacted_size(info, xcr0 & ~s.xfd_mask,
					       &s.compacted_user_default);
	if (rc)
		return rc;
	*out = s;
	return 0;
}

/* ---- names ------------------------------------------------------------- */

static const char *const comp_names[] = {
	"x87", "SSE", "AVX", "BNDREGS", "BNDCSR", "OPMASK", "ZMM_Hi256",
	"Hi16_ZMM", "PT", "PKRU", "PASID", "CET_U", "CET_S", "HDC", "UINTR",
	"LBR", "HWP", "XTILECFG", "XTILEDATA", "APX",
};

const char *tdxc_xsave_component_name(uint32_t index)
{
	if (index < TDXC_ARRAY_SIZE(comp_names))
		return comp_names[index];
	if (index == TDXC_XSAVE_LWP)
		return "LWP";
	return "component";
}
