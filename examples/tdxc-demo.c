/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tdxc-demo: what libtdxcore is and what this build contains.
 */
#include <stdio.h>
#include <string.h>
#include <tdxcore/tdxcore.h>

struct mod {
	uint32_t bit;
	const char *name;
	const char *what;
};

static const struct mod mods[] = {
	{ TDXC_MOD_XSAVE, "xsave", "ordered XSAVE sizes from CPUID leaf 0xD" },
	{ TDXC_MOD_MEMREGION, "memregion", "frame allocator with deferred reclaim" },
	{ TDXC_MOD_APBOOT, "apboot", "MADT parser + multiprocessor-wakeup mailbox" },
	{ TDXC_MOD_VTLCTX, "vtlctx", "VTL-indexed context store" },
	{ TDXC_MOD_IRQFILTER, "irqfilter", "proxy IRR SINT filter" },
	{ TDXC_MOD_BPOOL, "bpool", "bget-style heap + per-guest pool registry" },
};

int main(int argc, char **argv)
{
	const char *ver;
	uint32_t m = tdxc_modules(), f = tdxc_features();
	int json = argc > 1 && strcmp(argv[1], "--json") == 0;
	size_t i;

	tdxc_version(&ver);
	if (json) {
		printf("{\"version\":\"%s\",\"modules\":[", ver);
		for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
			printf("%s{\"name\":\"%s\",\"built\":%s}", i ? "," : "",
			       mods[i].name, (m & mods[i].bit) ? "true" : "false");
		printf("]}\n");
		return 0;
	}
	printf("libtdxcore %s\n\n", ver);
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		printf("  %-10s %-4s %s\n", mods[i].name,
		       (m & mods[i].bit) ? "yes" : "no", mods[i].what);
	printf("\nfeatures: hosted=%s libcpuid=%s zlib=%s uthash=%s\n",
	       (f & TDXC_FEAT_HOSTED) ? "yes" : "no",
	       (f & TDXC_FEAT_LIBCPUID) ? "yes" : "no",
	       (f & TDXC_FEAT_ZLIB) ? "yes" : "no",
	       (f & TDXC_FEAT_UTHASH) ? "yes" : "no");
	return 0;
}
