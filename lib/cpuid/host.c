/* SPDX-License-Identifier: BSD-2-Clause */
/* Host CPU leaf 0xD through libcpuid (hosted builds with libcpuid only). */
#include "xsave_int.h"

#if TDXC_HOSTED && defined(TDXC_HAVE_LIBCPUID)
#include <libcpuid.h>

static void exec_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
	regs[0] = leaf;
	regs[1] = 0;
	regs[2] = subleaf;
	regs[3] = 0;
	cpu_exec_cpuid_ext(regs);
}

static int host_cpuid(uint32_t leaf, uint32_t subleaf, struct tdxc_xsave_regs *out,
		      void *opaque)
{
	uint32_t r[4];

	(void)opaque;
	exec_cpuid(leaf, subleaf, r);
	out->eax = r[0];
	out->ebx = r[1];
	out->ecx = r[2];
	out->edx = r[3];
	return 0;
}

int tdxc_xsave_info_from_host(struct tdxc_xsave_info *out)
{
	uint32_t r[4];

	if (!out)
		return TDXC_EINVAL;
	if (!cpuid_present())
		return TDXC_ENOTUSABLE;
	exec_cpuid(0, 0, r);
	if (r[0] < 0xd)
		return TDXC_ENOTUSABLE;
	exec_cpuid(1, 0, r);
	if (!(r[2] >> 26 & 1)) /* CPUID.1:ECX.XSAVE */
		return TDXC_ENOTUSABLE;
	return tdxc_xsave_info_from_cpuid_fn(host_cpuid, NULL, out);
}
#else
int tdxc_xsave_info_from_host(struct tdxc_xsave_info *out)
{
	(void)out;
	return TDXC_ENOTSUP;
}
#endif
