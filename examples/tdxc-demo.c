/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tdxc-demo: a narrated, simulated confidential-VM bring-up that uses every
 * libtdxcore module through its public API only.
 *
 *   1. XSAVE: the host CPU's layout, and the guest CPUID leaf 0xD a VMM
 *      builds for an AMX + CET guest (Linux accepts it; a hash-map-order
 *      sum is rejected and diagnosed).
 *   2. TD boot: an old-firmware memory map, the AP page tables held until
 *      four APs (threads running the firmware model) are woken through the
 *      ACPI mailbox, then released.
 *   3. VTLs: one VP with VTL0 and VTL1 contexts, a switch, private state
 *      intact.
 *   4. Interrupt filter: the VMBus-relayed SINT is delivered, a vector the
 *      host should not send is blocked and counted.
 *   5. OP-TEE guests: two guests with their own pools, a repeated
 *      "VM created" call answered with an error, one guest destroyed.
 *   6. Snapshot: the VP and the filter saved, restored and compared.
 *
 * Usage: tdxc-demo [--json]. Each section ends with one verdict line; the
 * exit status is 0 when every verdict is PASS, 1 when one is FAIL, 77 when
 * none failed but a section could not run in this build (an optional
 * dependency is missing). --json prints one JSON object instead of text.
 *
 * The sections live in examples/demo/, one file each.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "demo/demo.h"

#define MAX_SECTIONS 8
#define MAX_LOG 48
#define MAX_FACTS 24
#define LINE 240

struct fact {
	char key[40];
	char val[80];
	int is_num;
};

struct section {
	const char *id, *title;
	enum demo_verdict verdict;
	char summary[LINE];
	char log[MAX_LOG][LINE];
	int nlog;
	struct fact facts[MAX_FACTS];
	int nfacts;
	int failed_checks;
};

static struct section sections[MAX_SECTIONS];
static int nsections;
static int json;

static struct section *cur(void)
{
	return &sections[nsections - 1];
}

void demo_section(const char *id, const char *title)
{
	struct section *s;
	if (nsections == MAX_SECTIONS)
		return;
	s = &sections[nsections++];
	memset(s, 0, sizeof(*s));
	s->id = id;
	s->title = title;
	if (!json)
		printf("\n[%d] %s\n", nsections, title);
}

static void vsay(const char *fmt, va_list ap)
{
	struct section *s = cur();
	char line[LINE];
	vsnprintf(line, sizeof(line), fmt, ap);
	if (!json)
		printf("    %s\n", line);
	if (s->nlog < MAX_LOG)
		memcpy(s->log[s->nlog++], line, sizeof(line));
}

void demo_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

static void add_fact(const char *key, const char *val, int is_num)
{
	struct section *s = cur();
	if (s->nfacts == MAX_FACTS)
		return;
	snprintf(s->facts[s->nfacts].key, sizeof(s->facts[0].key), "%s", key);
	snprintf(s->facts[s->nfacts].val, sizeof(s->facts[0].val), "%s", val);
	s->facts[s->nfacts++].is_num = is_num;
}

void demo_fact_u(const char *key, uint64_t value)
{
	char v[24];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
	add_fact(key, v, 1);
}

void demo_fact_s(const char *key, const char *value)
{
	add_fact(key, value, 0);
}

int demo_expect(int ok, const char *what)
{
	if (!ok) {
		cur()->failed_checks++;
		demo_say("UNEXPECTED: %s", what);
	}
	return ok;
}

int demo_expect_rc(int rc, int want, const char *call)
{
	if (rc == want)
		return 1;
	cur()->failed_checks++;
	demo_say("UNEXPECTED: %s returned %s (%s), expected %s", call,
		 tdxc_strerror_name(rc), tdxc_strerror(rc), tdxc_strerror_name(want));
	return 0;
}

void demo_verdict(int skip, const char *fmt, ...)
{
	static const char *const word[] = { "PASS", "FAIL", "SKIP" };
	struct section *s = cur();
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->summary, sizeof(s->summary), fmt, ap);
	va_end(ap);
	s->verdict = s->failed_checks ? DEMO_FAIL : skip ? DEMO_SKIP : DEMO_PASS;
	if (!json)
		printf("  %s  %s\n", word[s->verdict], s->summary);
}

/* ---- JSON output ------------------------------------------------------- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(int passed, int failed, int skipped)
{
	static const char *const word[] = { "pass", "fail", "skip" };
	const char *ver;
	int i, j;

	tdxc_version(&ver);
	printf("{\"program\":\"tdxc-demo\",\"version\":");
	json_str(ver);
	printf(",\"sections\":[");
	for (i = 0; i < nsections; i++) {
		struct section *s = &sections[i];
		printf("%s{\"id\":", i ? "," : "");
		json_str(s->id);
		printf(",\"title\":");
		json_str(s->title);
		printf(",\"verdict\":\"%s\",\"summary\":", word[s->verdict]);
		json_str(s->summary);
		printf(",\"facts\":{");
		for (j = 0; j < s->nfacts; j++) {
			printf("%s", j ? "," : "");
			json_str(s->facts[j].key);
			putchar(':');
			if (s->facts[j].is_num)
				printf("%s", s->facts[j].val);
			else
				json_str(s->facts[j].val);
		}
		printf("},\"log\":[");
		for (j = 0; j < s->nlog; j++) {
			printf("%s", j ? "," : "");
			json_str(s->log[j]);
		}
		printf("]}");
	}
	printf("],\"passed\":%d,\"failed\":%d,\"skipped\":%d,\"verdict\":\"%s\"}\n",
	       passed, failed, skipped, failed ? "fail" : skipped ? "skip" : "pass");
}

int main(int argc, char **argv)
{
	struct demo_vm vm;
	int i, passed = 0, failed = 0, skipped = 0;
	const char *ver;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else {
			int help = strcmp(argv[i], "--help") == 0;
			fprintf(help ? stdout : stderr,
				"usage: %s [--json]\n"
				"A simulated confidential-VM bring-up through every libtdxcore "
				"module.\nExit status: 0 all sections pass, 1 a section failed, "
				"77 a section needs\nan optional dependency this build lacks, "
				"2 usage error.\n", argv[0]);
			return help ? 0 : 2;
		}
	}
	tdxc_version(&ver);
	if (!json)
		printf("libtdxcore %s: a simulated confidential-VM bring-up, every step\n"
		       "through the library's public API (no hardware or VMM needed).\n",
		       ver);

	memset(&vm, 0, sizeof(vm));
	demo_xsave();
	demo_tdboot();
	demo_vtl(&vm);
	demo_irq(&vm);
	demo_pools();
	demo_snapshot(&vm);

	for (i = 0; i < nsections; i++) {
		passed += sections[i].verdict == DEMO_PASS;
		failed += sections[i].verdict == DEMO_FAIL;
		skipped += sections[i].verdict == DEMO_SKIP;
	}
	if (json) {
		print_json(passed, failed, skipped);
	} else {
		printf("\n%d of %d sections passed", passed, nsections);
		if (failed)
			printf(", %d FAILED", failed);
		if (skipped)
			printf(", %d skipped (this build lacks an optional dependency)",
			       skipped);
		printf(".\n");
	}
	return failed ? 1 : skipped ? 77 : 0;
}
