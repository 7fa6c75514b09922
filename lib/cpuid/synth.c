/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest leaf 0xD for a VMM, and the size check a Linux guest makes on it.
 * Sizes come from the guest's own (masked) view, in ascending index order:
 * the value Linux recomputes and compares with at boot.
 */
#include "xsave_int.h"

static int load_cfg(const struct tdxc_xsave_info *host,
		    const struct tdxc_xsave_guest_cfg *cfg, struct tdxc_xsave_guest_cfg *c)
{
	int rc;

	if (!host || !cfg)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(c, sizeof(*c), cfg, sizeof(*c));
	if (rc)
		return rc;
	rc = tdxc__desc_check(&c->reserved, sizeof(c->reserved), c->flags, 0);
	if (rc)
		return rc;
	if ((c->xcr0_allowed & ~host->xcr0_supported) ||
	    (c->xss_allowed & ~host->xss_supported) ||
	    (c->caps_allowed & ~host->sl1_eax) || (c->caps_allowed & ~TDXC_XSAVE_CAP_ALL) ||
	    (c->guest_xcr0 & ~c->xcr0_allowed) || (c->guest_xss & ~c->xss_allowed))
		return TDXC_EFLAGS;
	if ((c->xcr0_allowed & TDXC_XSAVE_LEGACY_MASK) != TDXC_XSAVE_LEGACY_MASK)
		return TDXC_EINVAL;
	if (c->xss_allowed && !(c->caps_allowed & TDXC_XSAVE_CAP_XSAVES))
		return TDXC_EINVAL;
	return 0;
}

static int synth(const struct tdxc_xsave_info *host, const struct tdxc_xsave_guest_cfg *c,
		 struct tdxc_xsave_info *g)
{
	struct tdxc_xsave_regs sub[TDXC_XSAVE_NCOMP];
	uint64_t exposed = (c->xcr0_allowed | c->xss_allowed) & TDXC__XSAVE_COMP_MASK, m;
	uint32_t keep = TDXC_XSAVE_ECX_SUPERVISOR;
	unsigned i;
	int rc;

	if (c->caps_allowed & TDXC_XSAVE_CAP_XSAVEC)
		keep |= TDXC_XSAVE_ECX_ALIGN64;
	if (c->caps_allowed & TDXC_XSAVE_CAP_XFD)
		keep |= TDXC_XSAVE_ECX_XFD;
	tdxc__memset(sub, 0, sizeof(sub));
	for (m = exposed; m; m &= m - 1) {
		i = tdxc__xsave_ctz(m);
		if (!(host->present >> i & 1))
			return TDXC_ENOENT;
		sub[i].eax = host->comp[i].eax;
		sub[i].ebx = host->comp[i].ebx;
		sub[i].ecx = host->comp[i].ecx & keep;
	}
	sub[0].eax = (uint32_t)c->xcr0_allowed;
	sub[0].edx = (uint32_t)(c->xcr0_allowed >> 32);
	sub[1].eax = c->caps_allowed;
	sub[1].ecx = (uint32_t)c->xss_allowed;
	sub[1].edx = (uint32_t)(c->xss_allowed >> 32);
	/* Every subleaf is defined for the guest: hidden ones read as zero. */
	tdxc__xsave_build(sub, ~UINT64_C(0), g);

	rc = tdxc_xsave_standard_size(g, c->xcr0_allowed, &g->sl0_ecx);
	if (!rc)
		rc = tdxc_xsave_standard_size(g, c->guest_xcr0, &g->sl0_ebx);
	if (!rc && (c->caps_allowed & (TDXC_XSAVE_CAP_XSAVEC | TDXC_XSAVE_CAP_XSAVES)))
		rc = tdxc_xsave_compacted_size(g, c->guest_xcr0 | c->guest_xss, &g->sl1_ebx);
	return rc;
}

int tdxc_xsave_synth_info(const struct tdxc_xsave_info *host,
			  const struct tdxc_xsave_guest_cfg *cfg, struct tdxc_xsave_info *guest)
{
	struct tdxc_xsave_guest_cfg c;
	struct tdxc_xsave_info g;
	int rc;

	if (!guest)
		return TDXC_EINVAL;
	rc = load_cfg(host, cfg, &c);
	if (!rc)
		rc = synth(host, &c, &g);
	if (rc)
		return rc;
	tdxc__memcpy(guest, &g, sizeof(g));
	return 0;
}

int tdxc_xsave_synth_leaf(const struct tdxc_xsave_info *host,
			  const struct tdxc_xsave_guest_cfg *cfg, uint32_t subleaf,
			  struct tdxc_xsave_regs *out)
{
	struct tdxc_xsave_info g;
	int rc;

	if (!host || !cfg || !out)
		return TDXC_EINVAL;
	if (subleaf >= TDXC_XSAVE_NCOMP)
		return TDXC_ERANGE;
	rc = tdxc_xsave_synth_info(host, cfg, &g);
	if (rc)
		return rc;
	return tdxc_xsave_info_get_leaf(&g, subleaf, out);
}

int tdxc_xsave_linux_check(const struct tdxc_xsave_info *view, uint64_t xcr0,
			   uint64_t xss, struct tdxc_xsave_linux_verdict *out)
{
	struct tdxc_xsave_linux_verdict v;
	int rc;

	if (!view || !out)
		return TDXC_EINVAL;
	if ((xcr0 & ~view->xcr0_supported) || (xss & ~view->xss_supported) ||
	    (xss && !(view->sl1_eax & TDXC_XSAVE_CAP_XSAVES)))
		return TDXC_EFLAGS;
	tdxc__memset(&v, 0, sizeof(v));
	v.compacted = (view->sl1_eax & (TDXC_XSAVE_CAP_XSAVEC | TDXC_XSAVE_CAP_XSAVES)) != 0;
	rc = tdxc_xsave_standard_size(view, xcr0, &v.user_kernel_size);
	if (rc)
		return rc;
	v.user_cpuid_size = view->sl0_ebx;
	if (v.compacted) {
		rc = tdxc_xsave_compacted_size(view, xcr0 | xss, &v.kernel_size);
		if (rc)
			return rc;
		v.cpuid_size = view->sl1_ebx;
	} else {
		v.kernel_size = v.user_kernel_size;
		v.cpuid_size = view->sl0_ebx;
	}
	v.accepted = v.kernel_size == v.cpuid_size && v.user_kernel_size == v.user_cpuid_size;
	*out = v;
	return 0;
}
