/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tdxc-madt: inspect an ACPI MADT ("APIC" table) dumped to a file.
 *
 *   tdxc-madt [--json] [--ignore-checksum] [--hypervisor] FILE
 *
 * Prints the processors (with the Linux "usable" verdict), the interrupt
 * controllers and the multiprocessor-wakeup structure, or with --json one
 * line:
 *   {"valid":bool,"errors":[..],"warnings":[..],"revision":N,
 *    "cpus":[{"apic_id":N,"x2apic":bool,"enabled":bool,
 *             "online_capable":bool,"usable":bool}],
 *    "usable_cpus":N,
 *    "mp_wakeup":null|{"mailbox":"0x..","version":N,"reset_vector":"0x.."|null}}
 * Exit status: 0 valid table, 1 rejected table (output still printed),
 * 2 usage or I/O error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/apboot.h>

#define MAX_FILE (16u << 20)

static void usage(FILE *f)
{
	fprintf(f, "usage: tdxc-madt [--json] [--ignore-checksum] [--hypervisor] FILE\n"
		   "  --json             one JSON object on stdout\n"
		   "  --ignore-checksum  a bad checksum is a warning\n"
		   "  --hypervisor       revision < 5: disabled CPUs are hot-plug slots\n");
}

/* Whole file into memory; NULL (and a message) on error. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n = 0, cap = 4096;
	if (!f) {
		fprintf(stderr, "tdxc-madt: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		size_t r;
		if (n == cap) {
			uint8_t *nb;
			if (cap >= MAX_FILE) {
				fprintf(stderr, "tdxc-madt: %s: larger than %u bytes\n",
					path, MAX_FILE);
				free(buf);
				buf = NULL;
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0) {
			if (ferror(f)) {
				fprintf(stderr, "tdxc-madt: %s: read error\n", path);
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static const char *jbool(int v)
{
	return v ? "true" : "false";
}

static void print_json(int valid, const struct tdxc_apboot_diag *d,
		       const struct tdxc_apboot_madt *m,
		       const struct tdxc_apboot_cpu *cpus, uint32_t n)
{
	uint32_t i;
	int first = 1;
	printf("{\"valid\":%s,\"errors\":[", jbool(valid));
	for (i = 1; i < TDXC_APBOOT_P_COUNT_; i++)
		if (d->errors & (1ull << i)) {
			printf("%s\"%s\"", first ? "" : ",", tdxc_apboot_problem_str(i));
			first = 0;
		}
	printf("],\"warnings\":[");
	first = 1;
	for (i = 0; i < TDXC_APBOOT_W_COUNT_; i++)
		if (d->warnings & (1ull << i)) {
			printf("%s\"%s\"", first ? "" : ",", tdxc_apboot_warning_str(i));
			first = 0;
		}
	printf("],\"revision\":%u,\"cpus\":[", m->revision);
	for (i = 0; i < n; i++)
		printf("%s{\"apic_id\":%" PRIu32 ",\"x2apic\":%s,\"enabled\":%s,"
		       "\"online_capable\":%s,\"usable\":%s}",
		       i ? "," : "", cpus[i].apic_id, jbool(cpus[i].x2apic),
		       jbool(cpus[i].enabled), jbool(cpus[i].online_capable),
		       jbool(cpus[i].usable));
	printf("],\"usable_cpus\":%" PRIu32 ",\"mp_wakeup\":", m->n_usable);
	if (!m->wakeup.present) {
		printf("null}\n");
		return;
	}
	printf("{\"mailbox\":\"0x%" PRIx64 "\",\"version\":%u,\"reset_vector\":",
	       m->wakeup.mailbox, m->wakeup.version);
	if (m->wakeup.reset_vector_valid)
		printf("\"0x%" PRIx64 "\"}}\n", m->wakeup.reset_vector);
	else
		printf("null}}\n");
}

static void print_entries(const uint8_t *buf, size_t len)
{
	struct tdxc_apboot_entry e;
	uint32_t cur = 0;
	int rc;
	printf("\nInterrupt controller structures:\n");
	while ((rc = tdxc_apboot_madt_next(buf, len, &cur, &e)) == 1) {
		printf("  +%-5" PRIu32 " type 0x%02x len %-3u ", e.offset, e.type,
		       e.length);
		switch (e.type) {
		case TDXC_APBOOT_T_LAPIC:
			printf("LAPIC       apic_id %" PRIu32 " uid %" PRIu32
			       " flags 0x%" PRIx32 "\n", e.id, e.uid, e.flags);
			break;
		case TDXC_APBOOT_T_X2APIC:
			printf("x2APIC      apic_id 0x%" PRIx32 " uid %" PRIu32
			       " flags 0x%" PRIx32 "\n", e.id, e.uid, e.flags);
			break;
		case TDXC_APBOOT_T_IOAPIC:
			printf("I/O APIC    id %" PRIu32 " address 0x%" PRIx64
			       " gsi_base %" PRIu32 "\n", e.id, e.address, e.gsi);
			break;
		case TDXC_APBOOT_T_ISO:
			printf("override    bus %u irq %u -> gsi %" PRIu32
			       " flags 0x%" PRIx32 "\n", e.bus, e.source_irq,
			       e.gsi, e.flags);
			break;
		case TDXC_APBOOT_T_NMI_SOURCE:
			printf("NMI source  gsi %" PRIu32 " flags 0x%" PRIx32 "\n",
			       e.gsi, e.flags);
			break;
		case TDXC_APBOOT_T_LAPIC_NMI:
		case TDXC_APBOOT_T_X2APIC_NMI:
			printf("LAPIC NMI   uid 0x%" PRIx32 " lint %u flags 0x%" PRIx32
			       "\n", e.uid, e.lint, e.flags);
			break;
		case TDXC_APBOOT_T_LAPIC_OVERRIDE:
			printf("LAPIC addr  0x%" PRIx64 "\n", e.address);
			break;
		case TDXC_APBOOT_T_MP_WAKEUP:
			printf("MP wakeup   version %" PRIu32 " mailbox 0x%" PRIx64 "\n",
			       e.id, e.address);
			break;
		default:
			printf("(skipped)\n");
			break;
		}
	}
	if (rc < 0)
		printf("  walk stopped at +%" PRIu32 ": %s\n", cur ? cur : 44,
		       tdxc_strerror(rc));
}

static void print_text(int valid, const uint8_t *buf, size_t len,
		       const struct tdxc_apboot_diag *d,
		       const struct tdxc_apboot_madt *m,
		       const struct tdxc_apboot_cpu *cpus, uint32_t n)
{
	uint32_t i;
	printf("MADT: %s\n", valid ? "valid" : "REJECTED");
	for (i = 1; i < TDXC_APBOOT_P_COUNT_; i++)
		if (d->errors & (1ull << i))
			printf("  error:   %s (%s)\n", tdxc_apboot_problem_str(i),
			       tdxc_strerror_name(tdxc_apboot_problem_err(i)));
	for (i = 0; i < TDXC_APBOOT_W_COUNT_; i++)
		if (d->warnings & (1ull << i))
			printf("  warning: %s\n", tdxc_apboot_warning_str(i));
	if (m->length == 0)
		return;
	printf("  length %" PRIu32 ", revision %u, OEM \"%.6s\" \"%.8s\"\n",
	       m->length, m->revision, m->oem_id, m->oem_table_id);
	printf("  LAPIC address 0x%" PRIx64 "%s, flags 0x%" PRIx32 "%s\n",
	       m->lapic_address, m->lapic_address_overridden ? " (override)" : "",
	       m->flags, (m->flags & 1) ? " (PCAT_COMPAT)" : "");
	printf("\nProcessors: %" PRIu32 " entries, %" PRIu32 " usable (%" PRIu32
	       " enabled)\n", n, m->n_usable, m->n_enabled);
	for (i = 0; i < n; i++)
		printf("  %-6s apic_id %-10" PRIu32 " uid %-10" PRIu32 " flags 0x%"
		       PRIx32 "  %s\n", cpus[i].x2apic ? "x2APIC" : "LAPIC",
		       cpus[i].apic_id, cpus[i].uid, cpus[i].flags,
		       tdxc_apboot_cpu_status_str(cpus[i].status));
	printf("\nI/O APICs %" PRIu32 ", overrides %" PRIu32 ", NMI sources %"
	       PRIu32 ", LAPIC NMIs %" PRIu32 ", other structures %" PRIu32 "\n",
	       m->n_ioapic, m->n_iso, m->n_nmi_source, m->n_lapic_nmi, m->n_other);
	if (m->wakeup.present) {
		printf("Multiprocessor wakeup: version %u, length %u, mailbox 0x%"
		       PRIx64, m->wakeup.version, m->wakeup.length,
		       m->wakeup.mailbox);
		if (m->wakeup.reset_vector_valid)
			printf(", reset vector 0x%" PRIx64, m->wakeup.reset_vector);
		printf("\n");
	} else {
		printf("Multiprocessor wakeup: none\n");
	}
	print_entries(buf, len);
}

int main(int argc, char **argv)
{
	struct tdxc_apboot_madt m;
	struct tdxc_apboot_diag d;
	struct tdxc_apboot_cpu *cpus;
	const char *path = NULL;
	uint32_t flags = TDXC_APBOOT_PARSE_PARTIAL, max, n;
	int json = 0, i, rc;
	uint8_t *buf;
	size_t len;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--ignore-checksum")) {
			flags |= TDXC_APBOOT_PARSE_CHECKSUM_WARN;
		} else if (!strcmp(argv[i], "--hypervisor")) {
			flags |= TDXC_APBOOT_PARSE_LEGACY_HOTPLUG;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || path) {
			usage(stderr);
			return 2;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		usage(stderr);
		return 2;
	}
	buf = read_file(path, &len);
	if (!buf)
		return 2;
	/* Every processor structure is at least 8 bytes long. */
	max = (uint32_t)(len / 8 + 1);
	if (max > TDXC_APBOOT_MAX_CPU_ENTRIES)
		max = TDXC_APBOOT_MAX_CPU_ENTRIES;
	cpus = calloc(max, sizeof(*cpus));
	if (!cpus) {
		fprintf(stderr, "tdxc-madt: out of memory\n");
		free(buf);
		return 2;
	}
	memset(&m, 0, sizeof(m));
	rc = tdxc_apboot_madt_parse(buf, len, flags, &m, cpus, max, &d);
	n = m.n_cpu_entries < max ? m.n_cpu_entries : max;
	if (json)
		print_json(rc >= 0, &d, &m, cpus, n);
	else
		print_text(rc >= 0, buf, len, &d, &m, cpus, n);
	free(cpus);
	free(buf);
	return rc >= 0 ? 0 : 1;
}
