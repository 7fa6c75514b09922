/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tdxc-xsave: print the XSAVE layout (standard and compacted offsets and
 * sizes) of the host CPU or of a `cpuid -r` dump, and what is wrong with the
 * reported leaf 0xD, if anything.
 *
 *   tdxc-xsave [--dump FILE [--format F]] [--xcr0 MASK] [--xss MASK] [--loaded]
 *              [--json]
 *
 * Dumps may be `cpuid -r` output, the Linux "XSAVE consistency problem"
 * leaf dump or AIDA64/InstLatx64 text; --format (auto, cpuid-r, linux,
 * aida64) overrides the detection.
 *
 * --xcr0 defaults to every supported user component, --xss to every
 * supported supervisor component (0 without XSAVES). --loaded says the
 * masks are the values loaded when the dump was taken, so that SL0.EBX and
 * SL1.EBX are checked too. Exit status: 0 fine, 1 host CPU not readable,
 * 2 bad arguments, bad masks or an unreadable or malformed dump.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/xsave.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: tdxc-xsave [--dump FILE [--format F]] [--xcr0 MASK] [--xss MASK]\n"
		   "                  [--loaded] [--json]\n"
		   "  --dump FILE  read leaf 0xD from a text dump (default: this CPU)\n"
		   "  --format F   auto (default), cpuid-r, linux or aida64\n"
		   "  --xcr0 MASK  user components (default: all supported)\n"
		   "  --xss MASK   supervisor components (default: all supported, 0 without XSAVES)\n"
		   "  --loaded     the masks were loaded when the table was read: check SL0/SL1.EBX\n"
		   "  --json       print one JSON object\n");
}

static int parse_mask(const char *opt, const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-') {
		fprintf(stderr, "tdxc-xsave: %s needs a mask\n", opt);
		return -1;
	}
	*out = strtoull(s, &end, 0);
	if (errno || *end) {
		fprintf(stderr, "tdxc-xsave: %s: bad mask '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

static void print_u8_or_null(uint8_t v)
{
	if (v == TDXC_XSAVE_NO_RELATED)
		printf("null");
	else
		printf("%u", v);
}

static void print_problem_json(const struct tdxc_xsave_problem *p)
{
	uint32_t bit;
	int first = 1;

	printf("{\"kind\":\"%s\",\"severity\":\"%s\",\"component\":",
	       tdxc_xsave_problem_name(p->kind),
	       p->severity == TDXC_XSAVE_SEV_ERROR ? "error" : "warning");
	if (p->component == TDXC_XSAVE_NO_COMPONENT)
		printf("null");
	else
		printf("%u", p->component);
	printf(",\"related\":");
	print_u8_or_null(p->related);
	printf(",\"expected\":%llu,\"found\":%llu,\"causes\":[",
	       (unsigned long long)p->expected, (unsigned long long)p->found);
	for (bit = 1; bit; bit <<= 1) {
		if (!(p->causes & bit))
			continue;
		printf("%s\"%s\"", first ? "" : ",", tdxc_xsave_cause_name(bit));
		first = 0;
	}
	printf("],\"moved\":");
	print_u8_or_null(p->moved);
	printf(",\"missing\":");
	print_u8_or_null(p->missing);
	printf(",\"extra\":");
	print_u8_or_null(p->extra);
	printf("}");
}

static void print_problem_text(const struct tdxc_xsave_problem *p)
{
	uint32_t bit;

	printf("  %-7s %-24s", p->severity == TDXC_XSAVE_SEV_ERROR ? "error" : "warning",
	       tdxc_xsave_problem_name(p->kind));
	if (p->component != TDXC_XSAVE_NO_COMPONENT)
		printf(" component %u (%s)", p->component,
		       tdxc_xsave_component_name(p->component));
	if (p->related != TDXC_XSAVE_NO_RELATED)
		printf(" with %u (%s)", p->related, tdxc_xsave_component_name(p->related));
	printf(": expected %llu, found %llu\n", (unsigned long long)p->expected,
	       (unsigned long long)p->found);
	for (bit = 1; bit; bit <<= 1) {
		if (!(p->causes & bit))
			continue;
		printf("          consistent with: %s", tdxc_xsave_cause_name(bit));
		if (bit == TDXC_XSAVE_CAUSE_OUT_OF_ORDER)
			printf(" (%s visited last)", tdxc_xsave_component_name(p->moved));
		if (bit == TDXC_XSAVE_CAUSE_MISSING)
			printf(" (%s left out)", tdxc_xsave_component_name(p->missing));
		if (bit == TDXC_XSAVE_CAUSE_EXTRA)
			printf(" (%s added)", tdxc_xsave_component_name(p->extra));
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	const char *dump = NULL;
	uint64_t xcr0 = 0, xss = 0, all;
	int have_xcr0 = 0, have_xss = 0, json = 0, loaded = 0, rc, k;
	struct tdxc_xsave_info info;
	struct tdxc_xsave_layout std, cmp;
	struct tdxc_xsave_sizes sizes;
	struct tdxc_xsave_report rep;
	uint32_t i, format = TDXC_XSAVE_FMT_AUTO;

	for (k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "--dump") && k + 1 < argc) {
			dump = argv[++k];
		} else if (!strcmp(argv[k], "--format") && k + 1 < argc) {
			static const char *const names[] = { "auto", "cpuid-r", "linux", "aida64" };
			k++;
			for (format = 0; format < 4 && strcmp(argv[k], names[format]); format++)
				;
			if (format == 4) {
				fprintf(stderr, "tdxc-xsave: unknown format '%s'\n", argv[k]);
				return 2;
			}
		} else if (!strcmp(argv[k], "--xcr0")) {
			if (parse_mask("--xcr0", k + 1 < argc ? argv[++k] : NULL, &xcr0))
				return 2;
			have_xcr0 = 1;
		} else if (!strcmp(argv[k], "--xss")) {
			if (parse_mask("--xss", k + 1 < argc ? argv[++k] : NULL, &xss))
				return 2;
			have_xss = 1;
		} else if (!strcmp(argv[k], "--json")) {
			json = 1;
		} else if (!strcmp(argv[k], "--loaded")) {
			loaded = 1;
		} else if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}

	if (dump) {
		struct tdxc_xsave_parse_status st;
		rc = tdxc_xsave_parse_file(dump, format, &info, &st);
		if (rc == TDXC_EIO) {
			fprintf(stderr, "tdxc-xsave: %s: cannot read\n", dump);
			return 2;
		}
		if (rc) {
			fprintf(stderr, "tdxc-xsave: %s: %s", dump, tdxc_strerror(rc));
			if (st.line)
				fprintf(stderr, " at line %u", st.line);
			if (st.missing)
				fprintf(stderr, " (missing subleaves %#llx)",
					(unsigned long long)st.missing);
			fprintf(stderr, "\n");
			return 2;
		}
	} else {
		rc = tdxc_xsave_info_from_host(&info);
		if (rc) {
			fprintf(stderr, "tdxc-xsave: cannot read this CPU's leaf 0xD: %s\n",
				tdxc_strerror(rc));
			return 1;
		}
	}

	if (!have_xcr0)
		xcr0 = info.xcr0_supported;
	if (!have_xss)
		xss = (info.sl1_eax & TDXC_XSAVE_CAP_XSAVES) ? info.xss_supported : 0;
	if (xcr0 & ~(info.xcr0_supported | TDXC_XSAVE_LEGACY_MASK)) {
		fprintf(stderr, "tdxc-xsave: --xcr0 %#llx has bits the CPU does not support "
				"(supported %#llx)\n", (unsigned long long)xcr0,
			(unsigned long long)info.xcr0_supported);
		return 2;
	}
	if (xss & ~info.xss_supported) {
		fprintf(stderr, "tdxc-xsave: --xss %#llx has bits the CPU does not support "
				"(supported %#llx)\n", (unsigned long long)xss,
			(unsigned long long)info.xss_supported);
		return 2;
	}
	all = xcr0 | xss;
	rc = tdxc_xsave_layout(&info, xcr0, TDXC_XSAVE_STANDARD, &std);
	if (!rc)
		rc = tdxc_xsave_layout(&info, all, TDXC_XSAVE_COMPACTED, &cmp);
	if (!rc)
		rc = tdxc_xsave_sizes(&info, xcr0, xss, &sizes);
	if (rc) {
		fprintf(stderr, "tdxc-xsave: cannot lay out xcr0 %#llx xss %#llx: %s\n",
			(unsigned long long)xcr0, (unsigned long long)xss, tdxc_strerror(rc));
		return 2;
	}
	rc = tdxc_xsave_validate(&info,
				 loaded ? TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED : 0,
				 xcr0, xss, &rep);
	if (rc < 0) {
		fprintf(stderr, "tdxc-xsave: validation: %s\n", tdxc_strerror(rc));
		return 2;
	}

	if (json) {
		int first = 1;
		printf("{\"xcr0\":\"0x%llx\",\"xss\":\"0x%llx\",\"standard_size\":%u,"
		       "\"compacted_size\":%u,\"components\":[",
		       (unsigned long long)xcr0, (unsigned long long)xss, std.size, cmp.size);
		for (i = 2; i < 63; i++) {
			const struct tdxc_xsave_regs *c = &info.comp[i];
			int sup = (xss >> i) & 1;
			if (!((all >> i) & 1))
				continue;
			printf("%s{\"index\":%u,\"name\":\"%s\",\"size\":%u,\"standard_offset\":",
			       first ? "" : ",", i, tdxc_xsave_component_name(i), c->eax);
			if (sup)
				printf("null");
			else
				printf("%u", std.slot[i].offset);
			printf(",\"compacted_offset\":%u,\"supervisor\":%s,\"align64\":%s,"
			       "\"xfd\":%s}",
			       cmp.slot[i].offset, sup ? "true" : "false",
			       (c->ecx & TDXC_XSAVE_ECX_ALIGN64) ? "true" : "false",
			       (c->ecx & TDXC_XSAVE_ECX_XFD) ? "true" : "false");
			first = 0;
		}
		printf("],\"cpu_reported\":{\"sl0_ebx\":%u,\"sl0_ecx\":%u,\"sl1_ebx\":%u},"
		       "\"problems\":[",
		       info.sl0_ebx, info.sl0_ecx, info.sl1_ebx);
		for (i = 0; i < rep.stored; i++) {
			if (i)
				printf(",");
			print_problem_json(&rep.problems[i]);
		}
		printf("],\"problems_total\":%u,\"xcr0_supported\":\"0x%llx\","
		       "\"xss_supported\":\"0x%llx\",\"xsaveopt\":%s,\"xsavec\":%s,"
		       "\"xsaves\":%s,\"xfd_cap\":%s,\"xfd_mask\":\"0x%llx\","
		       "\"standard_size_no_xfd\":%u,\"compacted_size_no_xfd\":%u,"
		       "\"source\":\"%s\"}\n",
		       rep.total, (unsigned long long)info.xcr0_supported,
		       (unsigned long long)info.xss_supported,
		       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVEOPT) ? "true" : "false",
		       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVEC) ? "true" : "false",
		       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVES) ? "true" : "false",
		       (info.sl1_eax & TDXC_XSAVE_CAP_XFD) ? "true" : "false",
		       (unsigned long long)sizes.xfd_mask, sizes.standard_default,
		       sizes.compacted_default, dump ? "dump" : "host");
		return 0;
	}

	printf("source %s\n", dump ? dump : "this CPU");
	printf("XCR0 %#llx (supported %#llx)   XSS %#llx (supported %#llx)\n",
	       (unsigned long long)xcr0, (unsigned long long)info.xcr0_supported,
	       (unsigned long long)xss, (unsigned long long)info.xss_supported);
	printf("XSAVEOPT %s  XSAVEC %s  XSAVES %s  XFD %s\n\n",
	       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVEOPT) ? "yes" : "no",
	       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVEC) ? "yes" : "no",
	       (info.sl1_eax & TDXC_XSAVE_CAP_XSAVES) ? "yes" : "no",
	       (info.sl1_eax & TDXC_XSAVE_CAP_XFD) ? "yes" : "no");
	printf("  idx component   size  standard  compacted  flags\n");
	printf("    0 x87          160         0          0  legacy\n");
	printf("    1 SSE          256       160        160  legacy\n");
	for (i = 2; i < 63; i++) {
		const struct tdxc_xsave_regs *c = &info.comp[i];
		int sup = (xss >> i) & 1;
		char stdoff[16];
		if (!((all >> i) & 1))
			continue;
		if (sup)
			snprintf(stdoff, sizeof(stdoff), "-");
		else
			snprintf(stdoff, sizeof(stdoff), "%u", std.slot[i].offset);
		printf("  %3u %-10s %5u  %8s  %9u  %s%s%s\n", i, tdxc_xsave_component_name(i),
		       c->eax, stdoff, cmp.slot[i].offset, sup ? "S" : "",
		       (c->ecx & TDXC_XSAVE_ECX_ALIGN64) ? "A" : "",
		       (c->ecx & TDXC_XSAVE_ECX_XFD) ? "X" : "");
	}
	printf("\nstandard size (XCR0)        %6u   without XFD components %6u\n",
	       std.size, sizes.standard_default);
	printf("compacted size (XCR0|XSS)   %6u   without XFD components %6u\n",
	       cmp.size, sizes.compacted_default);
	printf("CPU reports: SL0.EBX %u  SL0.ECX %u  SL1.EBX %u%s\n", info.sl0_ebx,
	       info.sl0_ecx, info.sl1_ebx,
	       loaded ? "" : "  (EBX values depend on the loaded XCR0/XSS: use --loaded)");
	if (rep.total == 0) {
		printf("no problems found\n");
	} else {
		printf("%u problem(s):\n", rep.total);
		for (i = 0; i < rep.stored; i++)
			print_problem_text(&rep.problems[i]);
	}
	return 0;
}
