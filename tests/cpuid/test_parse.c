/* SPDX-License-Identifier: BSD-2-Clause */
/* `cpuid -r` dump parser: buffer and file front ends. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <tdxcore/xsave.h>
#include "tables.h"

/* A Tiger Lake class dump written by hand in the `cpuid -r` format. */
static const char tgl_dump[] =
	"CPU 0:\n"
	"   0x00000000 0x00: eax=0x0000001b ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
	"   0x0000000d 0x00: eax=0x000002e7 ebx=0x00000a88 ecx=0x00000a88 edx=0x00000000\n"
	"   0x0000000d 0x01: eax=0x0000000f ebx=0x00000a10 ecx=0x00003900 edx=0x00000000\n"
	"   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x05: eax=0x00000040 ebx=0x00000440 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x06: eax=0x00000200 ebx=0x00000480 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x07: eax=0x00000400 ebx=0x00000680 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x08: eax=0x00000080 ebx=0x00000000 ecx=0x00000001 edx=0x00000000\n"
	"   0x0000000d 0x09: eax=0x00000008 ebx=0x00000a80 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x0b: eax=0x00000010 ebx=0x00000000 ecx=0x00000001 edx=0x00000000\n"
	"   0x0000000d 0x0c: eax=0x00000018 ebx=0x00000000 ecx=0x00000001 edx=0x00000000\n"
	"   0x0000000d 0x0d: eax=0x00000008 ebx=0x00000000 ecx=0x00000001 edx=0x00000000\n"
	"   0x80000000 0x00: eax=0x80000008 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"CPU 1:\n"
	"   0x0000000d 0x00: eax=0x00000007 ebx=0x00000340 ecx=0x00000340 edx=0x00000000\n"
	"   0x0000000d 0x01: eax=0x00000001 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0xzz: garbage on a later CPU is never read\n";

static const char small_dump[] = /* Sandy Bridge class, no header */
	"   0x0000000d 0x00: eax=0x00000007 ebx=0x00000340 ecx=0x00000340 edx=0x00000000\n"
	"   0x0000000d 0x01: eax=0x00000001 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n"
	"   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n";

static int parse(const char *s, struct tdxc_xsave_info *out, struct tdxc_xsave_parse_status *st)
{
	return tdxc_xsave_parse_cpuid_r(s, strlen(s), out, st);
}

static void test_tgl(void **state)
{
	struct tdxc_xsave_info i;
	struct tdxc_xsave_parse_status st;
	uint32_t v;
	(void)state;
	assert_int_equal(parse(tgl_dump, &i, &st), 0);
	assert_true(i.xcr0_supported == 0x2e7);
	assert_true(i.xss_supported == 0x3900);
	assert_int_equal(i.sl1_ebx, 0xa10);
	assert_int_equal(st.cpu_headers, 2);
	assert_int_equal(st.line, 0);
	assert_true(st.missing == 0 && st.conflicts == 0);
	assert_true(st.found == 0x3be7);
	assert_int_equal(tdxc_xsave_standard_size(&i, 0x2e7, &v), 0);
	assert_int_equal(v, 2696);
	assert_int_equal(tdxc_xsave_compacted_size(&i, 0x2e7 | 0x3900, &v), 0);
	assert_int_equal(v, 2616);
}

static void test_no_header_and_variants(void **state)
{
	struct tdxc_xsave_info a, b;
	struct tdxc_xsave_parse_status st;
	char buf[2048];
	const char *p;
	char *q;
	(void)state;
	assert_int_equal(parse(small_dump, &a, &st), 0);
	assert_int_equal(st.cpu_headers, 0);
	assert_int_equal(a.sl0_ecx, 832);
	/* CRLF, trailing blanks, upper-case hex, tabs, blank lines, `CPU:` */
	q = buf;
	q += sprintf(q, "CPU:\r\n\r\n  \t\n");
	for (p = small_dump; *p;) {
		if (p[0] == '0' && p[1] == 'x') {
			*q++ = '0';
			*q++ = 'X';
			for (p += 2; (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'); p++)
				*q++ = (char)(*p >= 'a' ? *p - 32 : *p);
		} else if (*p == '\n') {
			q += sprintf(q, " \t\r\n");
			p++;
		} else {
			*q++ = *p++;
		}
	}
	q += sprintf(q, "some unrelated line\n   vendor_id = \"GenuineIntel\"\n");
	*q = 0;
	assert_int_equal(parse(buf, &b, &st), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* no final newline */
	assert_int_equal(tdxc_xsave_parse_cpuid_r(small_dump, strlen(small_dump) - 1, &b, &st), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* header-less data followed by a CPU header: the header ends CPU 0 */
	snprintf(buf, sizeof(buf), "%sCPU 1:\n   0x0000000d 0x02: bad\n", small_dump);
	assert_int_equal(parse(buf, &b, &st), 0);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_duplicates(void **state)
{
	struct tdxc_xsave_info a, b;
	struct tdxc_xsave_parse_status st;
	char buf[2048];
	(void)state;
	assert_int_equal(parse(small_dump, &a, &st), 0);
	/* identical duplicate: silent; conflicting one: first wins, reported */
	snprintf(buf, sizeof(buf), "%s%s"
		 "   0x0000000d 0x02: eax=0x00000200 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n",
		 small_dump, small_dump);
	assert_int_equal(parse(buf, &b, &st), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(st.conflicts == 0x4);
}

struct bad_case {
	const char *line;
	int err;
};

static void test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02: eax=0x0000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02: eax=0x000001000 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02:  eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02: ebx=0x00000100 eax=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x0000000g\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02 eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x02: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000 x\n", TDXC_EMALFORMED },
		{ "   0x0000000d\n", TDXC_EMALFORMED },
		{ "   0x0000000d: eax=0x00000100\n", TDXC_EMALFORMED },
		{ "   0x0000000d 0x40: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_ERANGE },
		{ "   0x0000000d 0xffffffff: eax=0x00000100 ebx=0x00000240 ecx=0x00000000 edx=0x00000000\n", TDXC_ERANGE },
	};
	struct tdxc_xsave_info out, before;
	struct tdxc_xsave_parse_status st;
	char buf[4096];
	unsigned k;
	(void)state;
	memset(&before, 0x6b, sizeof(before));
	for (k = 0; k < NSUB(cases); k++) {
		out = before;
		snprintf(buf, sizeof(buf), "CPU 0:\n%s%s", small_dump, cases[k].line);
		assert_int_equal(parse(buf, &out, &st), cases[k].err);
		assert_int_equal(st.line, 5);
		assert_memory_equal(&out, &before, sizeof(out));
	}
	/* lines of other leaves are not checked */
	snprintf(buf, sizeof(buf), "%s   0x0000000e 0x02: junk\n   0x0000000d0 x\n", small_dump);
	assert_int_equal(parse(buf, &out, &st), 0);
	/* an overlong leaf-0xD line is malformed, an overlong other line ignored */
	{
		char *big = malloc(3 * TDXC_XSAVE_LINE_MAX);
		size_t n;
		assert_non_null(big);
		n = (size_t)sprintf(big, "%s", small_dump);
		memset(big + n, 'x', 2 * TDXC_XSAVE_LINE_MAX);
		big[n + 2 * TDXC_XSAVE_LINE_MAX] = '\n';
		assert_int_equal(tdxc_xsave_parse_cpuid_r(big, n + 2 * TDXC_XSAVE_LINE_MAX + 1, &out, &st), 0);
		n = (size_t)sprintf(big, "%s   0x0000000d 0x03: ", small_dump);
		memset(big + n, ' ', 2 * TDXC_XSAVE_LINE_MAX);
		out = before;
		assert_int_equal(tdxc_xsave_parse_cpuid_r(big, n + 2 * TDXC_XSAVE_LINE_MAX, &out, &st),
				 TDXC_EMALFORMED);
		assert_int_equal(st.line, 4);
		assert_memory_equal(&out, &before, sizeof(out));
		free(big);
	}
}

static void test_incomplete(void **state)
{
	struct tdxc_xsave_info out, before;
	struct tdxc_xsave_parse_status st;
	char buf[4096];
	const char *sl2 = strstr(tgl_dump, "   0x0000000d 0x0b");
	const char *end = strstr(tgl_dump, "   0x0000000d 0x0c");
	size_t cut;
	(void)state;
	memset(&before, 0x6b, sizeof(before));
	out = before;
	/* drop subleaf 0x0b (CET_U): incomplete */
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(sl2 - tgl_dump), tgl_dump, end);
	assert_int_equal(parse(buf, &out, &st), TDXC_ENOENT);
	assert_true(st.missing == (1u << 11));
	assert_memory_equal(&out, &before, sizeof(out));
	/* an all-zero subleaf for an advertised component: incomplete too */
	snprintf(buf, sizeof(buf), "%.*s   0x0000000d 0x0b: eax=0x00000000 ebx=0x00000000 "
		 "ecx=0x00000000 edx=0x00000000\n%s", (int)(sl2 - tgl_dump), tgl_dump, end);
	assert_int_equal(parse(buf, &out, &st), TDXC_ENOENT);
	assert_true(st.missing == (1u << 11));
	/* no leaf 0xD at all, empty input, truncated after subleaf 0 */
	assert_int_equal(parse("hello\n", &out, &st), TDXC_ENOENT);
	assert_true(st.missing == 3);
	assert_int_equal(tdxc_xsave_parse_cpuid_r(NULL, 0, &out, &st), TDXC_ENOENT);
	cut = (size_t)(strstr(tgl_dump, "   0x0000000d 0x01") - tgl_dump);
	assert_int_equal(tdxc_xsave_parse_cpuid_r(tgl_dump, cut, &out, &st), TDXC_ENOENT);
	assert_true(st.missing == 2);
	/* truncated in the middle of a leaf-0xD line */
	assert_int_equal(tdxc_xsave_parse_cpuid_r(tgl_dump, cut + 40, &out, &st), TDXC_EMALFORMED);
	assert_int_equal(st.line, 4);
	/* x87/SSE not advertised */
	assert_int_equal(parse("0x0000000d 0x00: eax=0x00000001 ebx=0x00000240 ecx=0x00000240 edx=0x00000000\n"
			       "0x0000000d 0x01: eax=0x00000000 ebx=0x00000000 ecx=0x00000000 edx=0x00000000\n",
			       &out, &st), TDXC_ECORRUPT);
	assert_memory_equal(&out, &before, sizeof(out));
	/* bad arguments */
	assert_int_equal(tdxc_xsave_parse_cpuid_r(NULL, 3, &out, &st), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_parse_cpuid_r(tgl_dump, 3, NULL, &st), TDXC_EINVAL);
	assert_memory_equal(&out, &before, sizeof(out));
	/* status is optional */
	assert_int_equal(parse(tgl_dump, &out, NULL), 0);
}

/* The file front end accepts exactly what the buffer front end accepts. */
static void check_file_same(const char *text, size_t len)
{
	const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : getenv("TDXC_BUILD_ROOT");
	char path[4096];
	struct tdxc_xsave_info a, b;
	struct tdxc_xsave_parse_status sa, sb;
	int fd, ra, rb;

	snprintf(path, sizeof(path), "%s/tdxc-xsave-XXXXXX", dir ? dir : ".");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ra = tdxc_xsave_parse_text(text, len, TDXC_XSAVE_FMT_AUTO, &a, &sa);
	rb = tdxc_xsave_parse_file(path, TDXC_XSAVE_FMT_AUTO, &b, &sb);
	unlink(path);
	assert_int_equal(ra, rb);
	assert_memory_equal(&sa, &sb, sizeof(sa));
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_file(void **state)
{
	struct tdxc_xsave_info out, before;
	char *big;
	size_t k;
	(void)state;
	check_file_same(tgl_dump, strlen(tgl_dump));
	check_file_same(small_dump, strlen(small_dump) - 1);
	check_file_same("", 0);
	for (k = 0; k < strlen(tgl_dump); k += 37)
		check_file_same(tgl_dump, k);
	big = malloc(4 * TDXC_XSAVE_LINE_MAX + 200);
	assert_non_null(big);
	k = (size_t)sprintf(big, "%s", small_dump);
	memset(big + k, ' ', 3 * TDXC_XSAVE_LINE_MAX);
	memcpy(big + k + 3 * TDXC_XSAVE_LINE_MAX, "0x0000000d 0x", 13);
	check_file_same(big, k + 3 * TDXC_XSAVE_LINE_MAX + 13);
	memset(big + k, ' ', TDXC_XSAVE_LINE_MAX - 3);
	memcpy(big + k + TDXC_XSAVE_LINE_MAX - 3, "0x0000000d 0x", 13);
	check_file_same(big, k + TDXC_XSAVE_LINE_MAX + 10);
	memset(big + k, ' ', TDXC_XSAVE_LINE_MAX - 20);
	strcpy(big + k + TDXC_XSAVE_LINE_MAX - 20, small_dump + 3);
	check_file_same(big, strlen(big));
	assert_int_equal(tdxc_xsave_parse_cpuid_r(big, strlen(big), &out, NULL), TDXC_EMALFORMED);
	free(big);
	memset(&before, 0x6b, sizeof(before));
	out = before;
	assert_int_equal(tdxc_xsave_parse_file("/nonexistent/dir/dump.txt", 0, &out, NULL), TDXC_EIO);
	assert_int_equal(tdxc_xsave_parse_file("/", 0, &out, NULL), TDXC_EIO);
	assert_int_equal(tdxc_xsave_parse_file(NULL, 0, &out, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_parse_file("x", 0, NULL, NULL), TDXC_EINVAL);
	assert_memory_equal(&out, &before, sizeof(out));
}


/* The Linux warning for the #708 guest (written from the guest's view). */
static const char linux_dump[] =
	"[    0.000000] x86/fpu: XSAVE consistency problem: size 10752 != kernel_size 10704\n"
	"[    0.000000] x86/fpu: XSAVE consistency problem, dumping leaves\n"
	"[    0.000000] x86/fpu: CPUID[0d, 00]: eax=000600e7 ebx=00002b00 ecx=00002b00 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 01]: eax=0000001f ebx=000029d0 ecx=00000800 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 02]: eax=00000100 ebx=00000240 ecx=00000000 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 05]: eax=00000040 ebx=00000440 ecx=00000000 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 06]: eax=00000200 ebx=00000480 ecx=00000000 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 07]: eax=00000400 ebx=00000680 ecx=00000000 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 0b]: eax=00000010 ebx=00000000 ecx=00000001 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 11]: eax=00000040 ebx=00000ac0 ecx=00000002 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 12]: eax=00002000 ebx=00000b00 ecx=00000006 edx=00000000\n"
	"[    0.000000] x86/fpu: CPUID[0d, 13]: eax=00000000 ebx=00000000 ecx=00000000 edx=00000000\n";

/* AIDA64 layout, Zen2 class values. */
static const char aida_dump[] =
	"Logical CPU #0 (APIC ID 00)\r\n"
	"CPUID 00000000: 00000010-68747541-444D4163-69746E65\r\n"
	"CPUID 0000000D: 00000207-00000380-00000380-00000000 [SL 00]\r\n"
	"CPUID 0000000D: 0000000F-00000380-00000000-00000000 [SL 01]\r\n"
	"CPUID 0000000D\t00000100-00000240-00000000-00000000 [SL 02]\r\n"
	"CPUID 0000000D: 00000040-00000340-00000000-00000000 [SL 09]\r\n"
	"CPUID 80000000: 80000020-68747541-444D4163-69746E65\r\n"
	"Logical CPU #1 (APIC ID 01)\r\n"
	"CPUID 00000000: 00000010-68747541-444D4163-69746E65\r\n"
	"CPUID 0000000D: not read\r\n";

static void test_linux_format(void **state)
{
	struct tdxc_xsave_info i, before;
	struct tdxc_xsave_parse_status st;
	struct tdxc_xsave_report rep;
	char buf[4096];
	(void)state;
	assert_int_equal(tdxc_xsave_parse_text(linux_dump, strlen(linux_dump),
					       TDXC_XSAVE_FMT_AUTO, &i, &st), 0);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_LINUX);
	assert_true(i.xcr0_supported == 0x600e7 && i.xss_supported == 0x800);
	assert_int_equal(i.sl1_ebx, 10704);
	assert_int_equal(i.comp[18].eax, 8192);
	/* the dump explains itself: CET_U visited last */
	assert_int_equal(tdxc_xsave_validate(&i, TDXC_XSAVE_VF_XCR0_LOADED |
					     TDXC_XSAVE_VF_XSS_LOADED, 0x600e7, 0x800, &rep), 1);
	assert_int_equal(rep.problems[0].kind, TDXC_XSAVE_P_SL1_EBX);
	assert_int_equal(rep.problems[0].expected, 10752);
	assert_int_equal(rep.problems[0].moved, TDXC_XSAVE_CET_U);
	assert_int_equal(tdxc_xsave_parse_text(linux_dump, strlen(linux_dump),
					       TDXC_XSAVE_FMT_LINUX, &before, NULL), 0);
	assert_memory_equal(&i, &before, sizeof(i));
	/* read as `cpuid -r` there is nothing */
	assert_int_equal(tdxc_xsave_parse_cpuid_r(linux_dump, strlen(linux_dump), &i, &st),
			 TDXC_ENOENT);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_CPUID_R);
	/* strict about leaf-0xD lines, other leaves ignored */
	memset(&before, 0x6b, sizeof(before));
	i = before;
	snprintf(buf, sizeof(buf), "%sx86/fpu: CPUID[0d, 02]: eax=100 ebx=00000240 ecx=00000000 edx=00000000\n",
		 linux_dump);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_EMALFORMED);
	assert_int_equal(st.line, 13);
	snprintf(buf, sizeof(buf), "%sx86/fpu: CPUID[0d, 40]: eax=00000100 ebx=00000240 ecx=00000000 edx=00000000\n",
		 linux_dump);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_ERANGE);
	assert_memory_equal(&i, &before, sizeof(i));
	snprintf(buf, sizeof(buf), "%sCPUID[0e, 02]: junk\nCPUID[zz\n", linux_dump);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), 0);
}

static void test_aida_format(void **state)
{
	struct tdxc_xsave_info i, before;
	struct tdxc_xsave_parse_status st;
	char buf[4096];
	const char *cpu1 = strstr(aida_dump, "Logical CPU #1");
	const char *sl9 = strstr(aida_dump, "CPUID 0000000D: 00000040");
	const char *p0;
	uint32_t v;
	(void)state;
	assert_int_equal(tdxc_xsave_parse_text(aida_dump, strlen(aida_dump), 0, &i, &st), 0);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_AIDA64);
	assert_int_equal(st.cpu_headers, 2);
	assert_true(i.xcr0_supported == 0x207);
	assert_int_equal(tdxc_xsave_standard_size(&i, 0x207, &v), 0);
	assert_int_equal(v, 896);
	assert_int_equal(i.comp[9].eax, 64);
	/* without headers, the second leaf-0 line ends the first CPU */
	p0 = strstr(aida_dump, "CPUID 00000000");
	snprintf(buf, sizeof(buf), "%.*s%s", (int)(cpu1 - p0), p0, strstr(cpu1, "CPUID 00000000"));
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), TDXC_XSAVE_FMT_AIDA64, &before,
					       &st), 0);
	assert_memory_equal(&i, &before, sizeof(i));
	assert_int_equal(st.cpu_headers, 0);
	/* an untagged leaf-0xD line cannot be attributed: incomplete */
	memset(&before, 0x6b, sizeof(before));
	i = before;
	snprintf(buf, sizeof(buf), "%.*sCPUID 0000000D: 00000040-00000340-00000000-00000000\n%s",
		 (int)(sl9 - aida_dump), aida_dump, sl9);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_ENOENT);
	assert_int_equal(st.line, 6);
	assert_memory_equal(&i, &before, sizeof(i));
	/* malformed leaf-0xD lines */
	snprintf(buf, sizeof(buf), "%.*sCPUID 0000000D: 00000040-00000340-00000000 [SL 05]\n%s",
		 (int)(sl9 - aida_dump), aida_dump, sl9);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_EMALFORMED);
	snprintf(buf, sizeof(buf), "%.*sCPUID 0000000D: 00000040-00000340-00000000-00000000 [SL 05\n%s",
		 (int)(sl9 - aida_dump), aida_dump, sl9);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_EMALFORMED);
	snprintf(buf, sizeof(buf), "%.*sCPUID 0000000D: 00000040-00000340-00000000-00000000 [SL 41]\n%s",
		 (int)(sl9 - aida_dump), aida_dump, sl9);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_ERANGE);
	assert_memory_equal(&i, &before, sizeof(i));
	/* the format is fixed by the first data line: a Linux line is ignored */
	snprintf(buf, sizeof(buf), "%sCPUID[0d, 00]: bad\n", tgl_dump);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), 0);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_CPUID_R);
	/*
	 * A header fixes the format too: an AIDA64 header holding a Linux
	 * fragment, then a Linux dump, is an AIDA64 dump without leaf 0xD
	 * (named as Linux, the header line is a malformed leaf-0xD line). AUTO
	 * agrees with the detected format named explicitly, and a CPU header
	 * alone is enough to detect one.
	 */
	snprintf(buf, sizeof(buf), "Logical CPU #0 CPUID[0d, 06]: junk\n%s", linux_dump);
	memset(&before, 0x6b, sizeof(before));
	i = before;
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), 0, &i, &st), TDXC_ENOENT);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_AIDA64);
	assert_int_equal(st.cpu_headers, 1);
	assert_int_equal(st.found, 0);
	assert_memory_equal(&i, &before, sizeof(i));
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), TDXC_XSAVE_FMT_AIDA64, &i, &st),
			 TDXC_ENOENT);
	assert_int_equal(tdxc_xsave_parse_text(buf, strlen(buf), TDXC_XSAVE_FMT_LINUX, &i, &st),
			 TDXC_EMALFORMED);
	assert_int_equal(st.line, 1);
	assert_memory_equal(&i, &before, sizeof(i));
	check_file_same(buf, strlen(buf));
	assert_int_equal(tdxc_xsave_parse_text("CPU 0:\n", 7, 0, &i, &st), TDXC_ENOENT);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_CPUID_R);
	assert_int_equal(tdxc_xsave_parse_text("x86/fpu: hello\n", 15, 0, &i, &st), TDXC_ENOENT);
	assert_int_equal(st.format, TDXC_XSAVE_FMT_AUTO);
	/* unknown format value */
	assert_int_equal(tdxc_xsave_parse_text(aida_dump, strlen(aida_dump), 4, &i, &st), TDXC_EINVAL);
	assert_int_equal(tdxc_xsave_parse_file("/dev/null", 4, &i, &st), TDXC_EINVAL);
	/* and the file front end agrees on every format */
	check_file_same(aida_dump, strlen(aida_dump));
	check_file_same(linux_dump, strlen(linux_dump));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tgl),
		cmocka_unit_test(test_no_header_and_variants),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_linux_format),
		cmocka_unit_test(test_aida_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
