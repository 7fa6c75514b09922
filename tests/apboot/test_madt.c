/* SPDX-License-Identifier: BSD-2-Clause */
/* MADT parser: hand-built tables for every rule, error and warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/apboot.h>
#include "madt_build.h"

#define MAXC 64

struct out {
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[MAXC];
	struct tdxc_apboot_diag diag;
};

static int parse(const struct mbuild *m, size_t len, uint32_t flags,
		 struct out *o)
{
	memset(o, 0xA5, sizeof(*o));
	return tdxc_apboot_madt_parse(m->b, len, flags, &o->madt, o->cpus, MAXC,
				      &o->diag);
}

/* A rejected table: exact error and problem, outputs untouched. */
static void expect_reject(const struct mbuild *m, size_t len, uint32_t flags,
			  int err, uint32_t problem)
{
	struct out o;
	uint8_t sentinel[sizeof(o.madt) + sizeof(o.cpus)];
	memset(sentinel, 0xA5, sizeof(sentinel));
	assert_int_equal(parse(m, len, flags, &o), err);
	assert_memory_equal(&o.madt, sentinel, sizeof(o.madt));
	assert_memory_equal(o.cpus, sentinel, sizeof(o.cpus));
	assert_int_equal(o.diag.first_problem, problem);
	assert_true(o.diag.errors & (1ull << problem));
	assert_int_equal(tdxc_apboot_problem_err(problem), err);
}

/* A small valid TDX-like table: BSP 0, APs 2, 4, 17, v1 wakeup. */
static uint32_t base_table(struct mbuild *m)
{
	mb_header(m, 5);
	mb_lapic(m, 0, 0, 1);
	mb_lapic(m, 1, 2, 1);
	mb_lapic(m, 2, 4, 1);
	mb_lapic(m, 3, 17, 1);
	mb_ioapic(m, 0, 0xFEC00000, 0);
	mb_iso(m, 0, 2, 0);
	mb_lapic_nmi(m, 0xFF, 5, 1);
	mb_wakeup(m, 24, 1, 0, 0x7fffd000, 0x7fffe068);
	return mb_finish(m);
}

static void test_valid_basic(void **state)
{
	struct mbuild m;
	struct out o;
	uint32_t n = base_table(&m);
	(void)state;
	assert_int_equal(parse(&m, n, 0, &o), 4);
	assert_int_equal(o.madt.length, n);
	assert_int_equal(o.madt.revision, 5);
	assert_memory_equal(o.madt.oem_id, "TDXCOR", 6);
	assert_memory_equal(o.madt.oem_table_id, "TESTMADT", 8);
	assert_int_equal(o.madt.creator_id, 0x54455354);
	assert_int_equal(o.madt.flags, 1);
	assert_true(o.madt.lapic_address == 0xFEE00000u);
	assert_int_equal(o.madt.lapic_address_overridden, 0);
	assert_int_equal(o.madt.n_cpu_entries, 4);
	assert_int_equal(o.madt.n_usable, 4);
	assert_int_equal(o.madt.n_enabled, 4);
	assert_int_equal(o.madt.n_ioapic, 1);
	assert_int_equal(o.madt.n_iso, 1);
	assert_int_equal(o.madt.n_lapic_nmi, 1);
	assert_int_equal(o.madt.n_wakeup, 1);
	assert_int_equal(o.madt.n_other, 0);
	assert_true(o.madt.warnings == 0);
	assert_int_equal(o.madt.wakeup.present, 1);
	assert_int_equal(o.madt.wakeup.version, 1);
	assert_int_equal(o.madt.wakeup.length, 24);
	assert_true(o.madt.wakeup.mailbox == 0x7fffd000u);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 1);
	assert_true(o.madt.wakeup.reset_vector == 0x7fffe068u);
	assert_int_equal(o.cpus[3].apic_id, 17);
	assert_int_equal(o.cpus[3].uid, 3);
	assert_int_equal(o.cpus[3].x2apic, 0);
	assert_int_equal(o.cpus[3].usable, 1);
	assert_int_equal(o.cpus[3].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.cpus[3].offset, 44 + 3 * 8);
	assert_true(o.diag.errors == 0);
	assert_int_equal(o.diag.first_problem, TDXC_APBOOT_P_NONE);
	assert_int_equal(o.diag.cpus_needed, 4);
	/* NULL outputs are allowed; count-only mode. */
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n, 0, NULL, NULL, 0, NULL), 4);
	/* Trailing bytes past Length are ignored. */
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n + 100, 0, NULL, NULL, 0, NULL), 4);
}

static void test_args(void **state)
{
	struct mbuild m;
	struct out o;
	uint32_t n = base_table(&m);
	(void)state;
	assert_int_equal(tdxc_apboot_madt_parse(NULL, n, 0, NULL, NULL, 0, NULL),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n, 0, NULL, NULL, 1, NULL),
			 TDXC_EINVAL);
	memset(&o, 0xA5, sizeof(o));
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n, 0x100, &o.madt, o.cpus,
						MAXC, NULL),
			 TDXC_EFLAGS);
	assert_int_equal(o.cpus[0].apic_id, 0xA5A5A5A5u);
}

static void test_enospc(void **state)
{
	struct mbuild m;
	struct out o;
	struct out ref;
	uint32_t n = base_table(&m);
	(void)state;
	memset(&o, 0xA5, sizeof(o));
	memset(&ref, 0xA5, sizeof(ref));
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n, 0, &o.madt, o.cpus, 3,
						&o.diag),
			 TDXC_ENOSPC);
	assert_int_equal(o.diag.cpus_needed, 4);
	assert_int_equal(o.diag.first_problem, TDXC_APBOOT_P_NONE);
	assert_memory_equal(&o.madt, &ref.madt, sizeof(o.madt));
	assert_memory_equal(o.cpus, ref.cpus, sizeof(o.cpus));
	/* PARTIAL: what fits is written, still ENOSPC. */
	assert_int_equal(tdxc_apboot_madt_parse(m.b, n, TDXC_APBOOT_PARSE_PARTIAL,
						&o.madt, o.cpus, 3, &o.diag),
			 TDXC_ENOSPC);
	assert_int_equal(o.madt.n_cpu_entries, 4);
	assert_int_equal(o.cpus[2].apic_id, 4);
	assert_int_equal(o.cpus[3].apic_id, 0xA5A5A5A5u);
}

/* ---- header errors --------------------------------------------------- */

static void test_header_errors(void **state)
{
	struct mbuild m;
	uint32_t n;
	(void)state;
	n = base_table(&m);
	expect_reject(&m, 43, 0, TDXC_ETRUNC, TDXC_APBOOT_P_BUFFER_TOO_SMALL);
	expect_reject(&m, 0, 0, TDXC_ETRUNC, TDXC_APBOOT_P_BUFFER_TOO_SMALL);
	/* Length > buffer (the buffer is one byte short). */
	expect_reject(&m, n - 1, 0, TDXC_ETRUNC,
		      TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER);
	/* Signature. */
	m.b[0] = 'F';
	mb_fix_checksum(&m);
	expect_reject(&m, n, 0, TDXC_EBADSIG, TDXC_APBOOT_P_BAD_SIGNATURE);
	/* Length < 44. */
	n = base_table(&m);
	m.b[4] = 43;
	m.b[5] = 0;
	expect_reject(&m, n, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_HEADER_LENGTH_TOO_SMALL);
	/* A huge Length (wraps nothing: > buffer). */
	n = base_table(&m);
	m.b[7] = 0xFF;
	expect_reject(&m, n, 0, TDXC_ETRUNC,
		      TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER);
	/* Header only (Length 44) is a valid, empty table with a warning. */
	mb_header(&m, 5);
	n = mb_finish(&m);
	{
		struct out o;
		assert_int_equal(parse(&m, n, 0, &o), 0);
		assert_true(o.madt.warnings == (1ull << TDXC_APBOOT_W_NO_USABLE_CPU));
		assert_int_equal(o.madt.wakeup.present, 0);
	}
}

static void test_checksum(void **state)
{
	struct mbuild m;
	struct out o;
	uint32_t n = base_table(&m);
	(void)state;
	m.b[9] ^= 0x40;
	expect_reject(&m, n, 0, TDXC_ECHECKSUM, TDXC_APBOOT_P_BAD_CHECKSUM);
	/* Flag: warning instead. */
	assert_int_equal(parse(&m, n, TDXC_APBOOT_PARSE_CHECKSUM_WARN, &o), 4);
	assert_true(o.madt.warnings == (1ull << TDXC_APBOOT_W_CHECKSUM_IGNORED));
	assert_true(o.diag.warnings == o.madt.warnings);
	/* PARTIAL still reports the content. */
	assert_int_equal(parse(&m, n, TDXC_APBOOT_PARSE_PARTIAL, &o),
			 TDXC_ECHECKSUM);
	assert_int_equal(o.madt.n_usable, 4);
	assert_int_equal(o.cpus[1].apic_id, 2);
	assert_true(o.madt.wakeup.mailbox == 0x7fffd000u);
	/* A corrupted body byte is caught too. */
	n = base_table(&m);
	m.b[50] ^= 1;
	expect_reject(&m, n, 0, TDXC_ECHECKSUM, TDXC_APBOOT_P_BAD_CHECKSUM);
}

/* ---- structure errors ------------------------------------------------ */

static void test_entry_framing(void **state)
{
	struct mbuild m;
	uint32_t n;
	(void)state;
	/* One byte left after the last structure. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_u8(&m, 0);
	n = mb_finish(&m);
	expect_reject(&m, n, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_ENTRY_HEADER_TRUNCATED);
	/* Length 0 and 1 (would loop for ever). */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_u8(&m, 0x7F);
	mb_u8(&m, 0);
	mb_u16(&m, 0);
	n = mb_finish(&m);
	expect_reject(&m, n, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_ENTRY_LENGTH_TOO_SMALL);
	m.b[44 + 8 + 1] = 1;
	mb_fix_checksum(&m);
	expect_reject(&m, n, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_ENTRY_LENGTH_TOO_SMALL);
	/* Overrunning the table (but not the buffer). */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_raw(&m, 0x80, 20, 0);
	n = mb_finish(&m);
	m.b[44 + 8 + 1] = 21;
	mb_fix_checksum(&m);
	expect_reject(&m, n, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_ENTRY_OVERRUNS_TABLE);
	{
		struct out o;
		assert_int_equal(parse(&m, n, 0, &o), TDXC_EMALFORMED);
		assert_int_equal(o.diag.offset, 52);
	}
	/* Wakeup structure overrunning the table: Length cut at 16 of 24. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 1, 0, 0x1000, 0x2000);
	m.n -= 8;
	n = mb_finish(&m);
	expect_reject(&m, n + 8, 0, TDXC_EMALFORMED,
		      TDXC_APBOOT_P_ENTRY_OVERRUNS_TABLE);
}

static void test_short_types(void **state)
{
	static const struct {
		uint8_t type, min;
		uint32_t problem;
	} t[] = {
		{0x00, 8, TDXC_APBOOT_P_LAPIC_TOO_SHORT},
		{0x01, 12, TDXC_APBOOT_P_IOAPIC_TOO_SHORT},
		{0x02, 10, TDXC_APBOOT_P_ISO_TOO_SHORT},
		{0x03, 8, TDXC_APBOOT_P_NMI_SOURCE_TOO_SHORT},
		{0x04, 6, TDXC_APBOOT_P_LAPIC_NMI_TOO_SHORT},
		{0x05, 12, TDXC_APBOOT_P_LAPIC_OVERRIDE_TOO_SHORT},
		{0x09, 16, TDXC_APBOOT_P_X2APIC_TOO_SHORT},
		{0x0A, 12, TDXC_APBOOT_P_X2APIC_NMI_TOO_SHORT},
		{0x10, 16, TDXC_APBOOT_P_WAKEUP_TOO_SHORT},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mbuild m;
		struct out o;
		uint32_t n;
		mb_header(&m, 5);
		mb_lapic(&m, 0, 0, 1);
		mb_raw(&m, t[i].type, (uint8_t)(t[i].min - 1), 0x11);
		n = mb_finish(&m);
		expect_reject(&m, n, 0, TDXC_EMALFORMED, t[i].problem);
		/* Exactly the minimum is fine (wakeup needs a mailbox). */
		mb_header(&m, 5);
		mb_lapic(&m, 0, 0, 1);
		mb_raw(&m, t[i].type, t[i].min, 0);
		if (t[i].type == 0x10)
			m.b[m.n - 7] = 0x10; /* mailbox 0x100000 */
		n = mb_finish(&m);
		assert_true(parse(&m, n, 0, &o) >= 1);
	}
	/* The spec's example: a 12-byte wakeup structure. */
	{
		struct mbuild m;
		mb_header(&m, 5);
		mb_lapic(&m, 0, 0, 1);
		mb_wakeup(&m, 12, 0, 0, 0, 0);
		expect_reject(&m, mb_finish(&m), 0, TDXC_EMALFORMED,
			      TDXC_APBOOT_P_WAKEUP_TOO_SHORT);
	}
}

static void test_mailbox_errors(void **state)
{
	struct mbuild m;
	struct out o;
	uint32_t n;
	(void)state;
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 1, 0, 0, 0x7fffe068);
	n = mb_finish(&m);
	expect_reject(&m, n, 0, TDXC_EINVAL, TDXC_APBOOT_P_MAILBOX_ZERO);
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 16, 0, 0, 0x7fffd800, 0);
	n = mb_finish(&m);
	expect_reject(&m, n, 0, TDXC_EALIGN, TDXC_APBOOT_P_MAILBOX_NOT_4K_ALIGNED);
	assert_int_equal(parse(&m, n, TDXC_APBOOT_PARSE_PARTIAL, &o), TDXC_EALIGN);
	assert_true(o.madt.wakeup.mailbox == 0x7fffd800u);
	assert_int_equal(o.madt.n_usable, 1);
	/* Two problems: both named, the first one returned. */
	m.b[9] ^= 1;
	assert_int_equal(parse(&m, n, 0, &o), TDXC_ECHECKSUM);
	assert_true(o.diag.errors == ((1ull << TDXC_APBOOT_P_BAD_CHECKSUM) |
				      (1ull << TDXC_APBOOT_P_MAILBOX_NOT_4K_ALIGNED)));
	/* Only the first wakeup structure's mailbox is used and checked. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 16, 0, 0, 0x5000, 0);
	mb_wakeup(&m, 16, 0, 0, 0x5001, 0);
	n = mb_finish(&m);
	assert_int_equal(parse(&m, n, 0, &o), 1);
	assert_true(o.madt.wakeup.mailbox == 0x5000);
}

static void test_too_many_cpus(void **state)
{
	uint32_t n = TDXC_APBOOT_MAX_CPU_ENTRIES + 1, i, len = 44 + n * 16;
	uint8_t *b = calloc(1, len);
	struct tdxc_apboot_diag d;
	struct tdxc_apboot_madt madt, ref;
	uint8_t sum = 0;
	(void)state;
	assert_non_null(b);
	memcpy(b, "APIC", 4);
	b[4] = (uint8_t)len;
	b[5] = (uint8_t)(len >> 8);
	b[6] = (uint8_t)(len >> 16);
	b[8] = 5;
	for (i = 0; i < n; i++) {
		uint8_t *p = b + 44 + i * 16;
		uint32_t id = 0x1000 + i;
		p[0] = 9;
		p[1] = 16;
		memcpy(p + 4, &id, 4);
		p[8] = 0; /* disabled: keeps the test O(n) */
	}
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
	memset(&madt, 0x5A, sizeof(madt));
	ref = madt;
	assert_int_equal(tdxc_apboot_madt_parse(b, len, 0, &madt, NULL, 0, &d),
			 TDXC_E2BIG);
	assert_int_equal(d.first_problem, TDXC_APBOOT_P_TOO_MANY_CPUS);
	assert_memory_equal(&madt, &ref, sizeof(madt));
	/* One fewer entry is accepted. */
	len -= 16;
	b[4] = (uint8_t)len;
	b[5] = (uint8_t)(len >> 8);
	b[6] = (uint8_t)(len >> 16);
	b[9] = 0;
	for (sum = 0, i = 0; i < len; i++)
		sum = (uint8_t)(sum + b[i]);
	b[9] = (uint8_t)(0x100 - sum);
	assert_int_equal(tdxc_apboot_madt_parse(b, len, 0, &madt, NULL, 0, &d),
			 (int)TDXC_APBOOT_MAX_CPU_ENTRIES);
	assert_int_equal(madt.n_usable, 0);
	assert_int_equal(madt.n_cpu_entries, TDXC_APBOOT_MAX_CPU_ENTRIES);
	free(b);
}

/* ---- wakeup versions and warnings ------------------------------------ */

static void test_wakeup_versions(void **state)
{
	struct mbuild m;
	struct out o;
	(void)state;
	/* v1/24: ResetVector read. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 1, 0, 0x7fffd000, 0x7fffe068);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 1);
	assert_true(o.madt.wakeup.reset_vector == 0x7fffe068);
	assert_true(o.madt.warnings == 0);
	/* v1/16 (historical OVMF): no ResetVector, a warning. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 16, 1, 0, 0x7fffd000, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 0);
	assert_true(o.madt.wakeup.reset_vector == 0);
	assert_true(o.madt.warnings ==
		    (1ull << TDXC_APBOOT_W_WAKEUP_V1_NO_RESET_VECTOR));
	/* v0/16 (td-shim). */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 16, 0, 0, 0x7e7ff000, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_int_equal(o.madt.wakeup.version, 0);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 0);
	assert_true(o.madt.warnings == 0);
	/* v0/24: the trailing bytes are not a ResetVector. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 0, 0, 0x7e7ff000, 0x1234000);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 0);
	assert_true(o.madt.wakeup.reset_vector == 0);
	/* Version 2 and a non-zero Reserved: accepted with warnings. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 2, 0xdead, 0x7fffd000, 0x7fffe068);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_true(o.madt.warnings ==
		    ((1ull << TDXC_APBOOT_W_WAKEUP_VERSION_RESERVED) |
		     (1ull << TDXC_APBOOT_W_WAKEUP_RESERVED_NONZERO)));
	assert_int_equal(o.madt.wakeup.reserved_field, 0xdead);
	assert_int_equal(o.madt.wakeup.reset_vector_valid, 1);
	/* Two wakeup structures: the first is used. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_wakeup(&m, 24, 1, 0, 0x7fffd000, 0x7fffe068);
	mb_wakeup(&m, 16, 0, 0, 0x1000, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_true(o.madt.warnings == (1ull << TDXC_APBOOT_W_SECOND_WAKEUP));
	assert_int_equal(o.madt.n_wakeup, 2);
	assert_true(o.madt.wakeup.mailbox == 0x7fffd000);
	assert_int_equal(o.madt.wakeup.offset, 52);
}

/* ---- processor rules ------------------------------------------------- */

static void test_placeholders(void **state)
{
	struct mbuild m;
	struct out o;
	(void)state;
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 0xFF, 1);
	mb_x2apic(&m, 0xFFFFFFFF, 1, 7);
	mb_lapic(&m, 2, 1, 1);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 4);
	assert_int_equal(o.madt.n_usable, 2);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_PLACEHOLDER);
	assert_int_equal(o.cpus[1].usable, 0);
	assert_int_equal(o.cpus[1].enabled, 1);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_PLACEHOLDER);
	assert_int_equal(o.cpus[2].x2apic, 1);
	assert_int_equal(o.cpus[2].uid, 7);
	assert_int_equal(o.cpus[3].status, TDXC_APBOOT_CPU_ENABLED);
}

static void test_x2apic_rules(void **state)
{
	struct mbuild m;
	struct out o;
	(void)state;
	/* Valid LAPIC entries: x2APIC IDs < 0xFF are ignored, >= kept. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 1, 1);
	mb_x2apic(&m, 1, 1, 1);
	mb_x2apic(&m, 2, 1, 2);
	mb_x2apic(&m, 0xFF, 1, 3);
	mb_x2apic(&m, 0x100, 1, 4);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 6);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_SHADOWED);
	assert_int_equal(o.cpus[3].status, TDXC_APBOOT_CPU_SHADOWED);
	assert_int_equal(o.cpus[4].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.cpus[5].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.madt.n_usable, 4);
	assert_true(o.madt.warnings == 0);
	/* x2APIC-only table with small IDs (recent client platforms): kept. */
	mb_header(&m, 5);
	mb_x2apic(&m, 0, 1, 0);
	mb_x2apic(&m, 8, 1, 1);
	mb_x2apic(&m, 16, 1, 2);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 3);
	assert_int_equal(o.madt.n_usable, 3);
	/* All LAPIC entries are 0xFF placeholders: small x2APIC IDs kept. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0xFF, 1);
	mb_lapic(&m, 1, 0xFF, 1);
	mb_x2apic(&m, 0, 1, 0);
	mb_x2apic(&m, 2, 1, 1);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 4);
	assert_int_equal(o.madt.n_usable, 2);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_ENABLED);
	/* Only a disabled, not online-capable LAPIC (rev 5): not "valid". */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 3, 0);
	mb_x2apic(&m, 0, 1, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 2);
	assert_int_equal(o.cpus[0].status, TDXC_APBOOT_CPU_DISABLED);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_ENABLED);
	/* Order does not matter: x2APIC entries first, LAPIC last. */
	mb_header(&m, 5);
	mb_x2apic(&m, 1, 1, 1);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 1, 1);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 3);
	assert_int_equal(o.cpus[0].status, TDXC_APBOOT_CPU_SHADOWED);
	assert_int_equal(o.madt.n_usable, 2);
}

static void test_duplicates(void **state)
{
	struct mbuild m;
	struct out o;
	(void)state;
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 2, 1);
	mb_lapic(&m, 2, 2, 1);
	mb_x2apic(&m, 0x2000, 1, 3);
	mb_x2apic(&m, 0x1FFF, 1, 4);
	mb_x2apic(&m, 0x2000, 1, 5);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 6);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_DUPLICATE);
	assert_int_equal(o.cpus[3].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.cpus[4].status, TDXC_APBOOT_CPU_ENABLED);
	assert_int_equal(o.cpus[5].status, TDXC_APBOOT_CPU_DUPLICATE);
	assert_int_equal(o.madt.n_usable, 4);
	assert_true(o.madt.warnings == (1ull << TDXC_APBOOT_W_DUPLICATE_APIC_ID));
	/* A disabled earlier entry does not make a later one a duplicate. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_x2apic(&m, 0x3000, 0, 1);
	mb_x2apic(&m, 0x3000, 1, 2);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 3);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_DISABLED);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_ENABLED);
	assert_true(o.madt.warnings == 0);
}

static void test_revision_rules(void **state)
{
	struct mbuild m;
	struct out o;
	uint32_t n;
	(void)state;
	/* Revision 5: disabled + online capable = hot-plug; disabled only = no. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 1, 2);
	mb_lapic(&m, 2, 2, 0);
	n = mb_finish(&m);
	assert_int_equal(parse(&m, n, 0, &o), 3);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_HOTPLUG);
	assert_int_equal(o.cpus[1].online_capable, 1);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_DISABLED);
	assert_int_equal(o.madt.n_usable, 2);
	assert_int_equal(o.madt.n_enabled, 1);
	/* The legacy flag does not change revision >= 5 tables. */
	assert_int_equal(parse(&m, n, TDXC_APBOOT_PARSE_LEGACY_HOTPLUG, &o), 3);
	assert_int_equal(o.madt.n_usable, 2);
	/* Revision 3 (QEMU-style hot-plug slots): disabled entries count only
	 * under a hypervisor; Online Capable is not defined there. */
	mb_header(&m, 3);
	mb_lapic(&m, 0, 0, 1);
	mb_lapic(&m, 1, 1, 2);
	mb_lapic(&m, 2, 2, 0);
	n = mb_finish(&m);
	assert_int_equal(parse(&m, n, 0, &o), 3);
	assert_int_equal(o.madt.n_usable, 1);
	assert_int_equal(o.cpus[1].status, TDXC_APBOOT_CPU_DISABLED);
	assert_int_equal(parse(&m, n, TDXC_APBOOT_PARSE_LEGACY_HOTPLUG, &o), 3);
	assert_int_equal(o.madt.n_usable, 3);
	assert_int_equal(o.madt.n_enabled, 1);
	assert_int_equal(o.cpus[2].status, TDXC_APBOOT_CPU_HOTPLUG);
	/* Enabled and Online Capable both set (Cloud Hypervisor): enabled, warn. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 3);
	mb_lapic(&m, 1, 1, 3);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 2);
	assert_int_equal(o.madt.n_enabled, 2);
	assert_true(o.madt.warnings ==
		    (1ull << TDXC_APBOOT_W_ENABLED_AND_ONLINE_CAPABLE));
	/* No usable CPU at all. */
	mb_header(&m, 5);
	mb_lapic(&m, 0, 0, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_true(o.madt.warnings == (1ull << TDXC_APBOOT_W_NO_USABLE_CPU));
}

static void test_sparse_hybrid_ids(void **state)
{
	static const uint8_t ids[] = {0, 2, 4, 6, 8, 10, 12, 14, 16, 17,
				      24, 25, 32, 33, 40, 41, 64, 66};
	struct mbuild m;
	struct out o;
	size_t i;
	(void)state;
	mb_header(&m, 5);
	for (i = 0; i < sizeof(ids); i++)
		mb_lapic(&m, (uint8_t)i, ids[i], 1);
	mb_lapic(&m, 0xFE, 0xFF, 0); /* placeholder */
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), (int)sizeof(ids) + 1);
	assert_int_equal(o.madt.n_usable, sizeof(ids));
	for (i = 0; i < sizeof(ids); i++) {
		assert_int_equal(o.cpus[i].apic_id, ids[i]);
		assert_int_equal(o.cpus[i].uid, i); /* UID is not the APIC ID */
	}
}

static void test_other_types(void **state)
{
	struct mbuild m;
	struct out o;
	(void)state;
	mb_header(&m, 1);
	mb_raw(&m, 0x7F, 20, 0xEE);  /* reserved type */
	mb_raw(&m, 0xFF, 2, 0);      /* OEM type, minimal length */
	mb_raw(&m, 0x0B, 80, 0);     /* GICC */
	mb_lapic(&m, 0, 0, 1);
	mb_raw(&m, 0x05, 12, 0);     /* LAPIC override */
	m.b[m.n - 8] = 0x00;
	m.b[m.n - 7] = 0x10;         /* address 0x1000 */
	mb_raw(&m, 0x05, 12, 0x22);  /* a second override: ignored */
	mb_raw(&m, 0x03, 8, 0);
	mb_raw(&m, 0x0A, 12, 0);
	assert_int_equal(parse(&m, mb_finish(&m), 0, &o), 1);
	assert_int_equal(o.madt.n_other, 3);
	assert_int_equal(o.madt.lapic_address_overridden, 1);
	assert_true(o.madt.lapic_address == 0x1000);
	assert_int_equal(o.madt.n_nmi_source, 1);
	assert_int_equal(o.madt.n_lapic_nmi, 1);
	assert_int_equal(o.madt.wakeup.present, 0);
}

/* ---- the iterator ------------------------------------------------------ */

static void test_next(void **state)
{
	struct mbuild m;
	struct tdxc_apboot_entry e, ref;
	uint32_t cur = 0, n;
	int count = 0, rc;
	(void)state;
	mb_header(&m, 5);
	mb_lapic(&m, 3, 7, 1);
	mb_ioapic(&m, 9, 0xFEC00000, 24);
	mb_iso(&m, 9, 9, 0xD);
	mb_lapic_nmi(&m, 0xFF, 5, 1);
	mb_x2apic(&m, 0x12345, 1, 77);
	mb_raw(&m, 0x80, 4, 0);
	mb_wakeup(&m, 24, 1, 0, 0x7fffd000, 0x7fffe068);
	n = mb_finish(&m);
	while ((rc = tdxc_apboot_madt_next(m.b, n, &cur, &e)) == 1) {
		switch (count) {
		case 0:
			assert_int_equal(e.type, 0);
			assert_int_equal(e.id, 7);
			assert_int_equal(e.uid, 3);
			assert_int_equal(e.flags, 1);
			assert_int_equal(e.offset, 44);
			break;
		case 1:
			assert_int_equal(e.id, 9);
			assert_true(e.address == 0xFEC00000u);
			assert_int_equal(e.gsi, 24);
			break;
		case 2:
			assert_int_equal(e.source_irq, 9);
			assert_int_equal(e.gsi, 9);
			assert_int_equal(e.flags, 0xD);
			break;
		case 3:
			assert_int_equal(e.uid, 0xFF);
			assert_int_equal(e.flags, 5);
			assert_int_equal(e.lint, 1);
			break;
		case 4:
			assert_int_equal(e.id, 0x12345);
			assert_int_equal(e.uid, 77);
			break;
		case 5:
			assert_int_equal(e.type, 0x80);
			assert_int_equal(e.known, 0);
			break;
		case 6:
			assert_int_equal(e.id, 1);
			assert_true(e.address == 0x7fffd000u);
			assert_true(e.reset_vector == 0x7fffe068u);
			break;
		}
		count++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(count, 7);
	assert_int_equal(cur, n);
	/* Errors: cursor untouched, entry untouched. */
	memset(&e, 0x77, sizeof(e));
	ref = e;
	cur = 7;
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, &cur, &e), TDXC_EINVAL);
	cur = n + 1;
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, &cur, &e), TDXC_EINVAL);
	assert_int_equal(cur, n + 1);
	cur = 0;
	assert_int_equal(tdxc_apboot_madt_next(m.b, n - 1, &cur, &e), TDXC_ETRUNC);
	assert_int_equal(tdxc_apboot_madt_next(NULL, n, &cur, &e), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, NULL, &e), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, &cur, NULL), TDXC_EINVAL);
	m.b[1] = 'X';
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, &cur, &e), TDXC_EBADSIG);
	m.b[1] = 'P';
	m.b[44 + 1] = 0; /* LAPIC length 0 */
	assert_int_equal(tdxc_apboot_madt_next(m.b, n, &cur, &e), TDXC_EMALFORMED);
	assert_int_equal(cur, 0);
	assert_memory_equal(&e, &ref, sizeof(e));
}

static void test_names(void **state)
{
	uint32_t i, j;
	(void)state;
	for (i = 0; i < TDXC_APBOOT_P_COUNT_; i++) {
		assert_string_not_equal(tdxc_apboot_problem_str(i), "unknown");
		if (i)
			assert_true(tdxc_apboot_problem_err(i) < 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(tdxc_apboot_problem_str(i),
						tdxc_apboot_problem_str(j));
	}
	for (i = 0; i < TDXC_APBOOT_W_COUNT_; i++) {
		assert_string_not_equal(tdxc_apboot_warning_str(i), "unknown");
		for (j = 0; j < i; j++)
			assert_string_not_equal(tdxc_apboot_warning_str(i),
						tdxc_apboot_warning_str(j));
	}
	assert_string_equal(tdxc_apboot_problem_str(TDXC_APBOOT_P_BAD_CHECKSUM),
			    "bad_checksum");
	assert_string_equal(tdxc_apboot_problem_str(
				    TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER),
			    "header_length_gt_buffer");
	assert_string_equal(tdxc_apboot_problem_str(
				    TDXC_APBOOT_P_MAILBOX_NOT_4K_ALIGNED),
			    "mailbox_not_4k_aligned");
	assert_string_equal(tdxc_apboot_problem_str(TDXC_APBOOT_P_COUNT_), "unknown");
	assert_int_equal(tdxc_apboot_problem_err(TDXC_APBOOT_P_NONE), 0);
	assert_int_equal(tdxc_apboot_problem_err(999), TDXC_EINVAL);
	assert_string_equal(tdxc_apboot_warning_str(TDXC_APBOOT_W_COUNT_), "unknown");
	assert_string_equal(tdxc_apboot_cpu_status_str(TDXC_APBOOT_CPU_SHADOWED),
			    "shadowed");
	assert_string_equal(tdxc_apboot_cpu_status_str(6), "unknown");
	assert_string_equal(tdxc_apboot_ap_state_str(TDXC_APBOOT_AP_TIMED_OUT),
			    "timed_out");
	assert_string_equal(tdxc_apboot_ap_state_str(3), "unknown");
	assert_string_equal(tdxc_apboot_fw_event_str(TDXC_APBOOT_FW_EV_WAKEUP),
			    "wakeup");
	assert_string_equal(tdxc_apboot_fw_event_str(7), "unknown");
}

/* Every truncation of a valid table is rejected without reading past it. */
static void test_all_truncations(void **state)
{
	struct mbuild m;
	uint32_t n = base_table(&m), cut;
	(void)state;
	for (cut = 0; cut < n; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, m.b, cut);
		assert_true(tdxc_apboot_madt_parse(copy, cut, 0, NULL, NULL, 0,
						   NULL) == TDXC_ETRUNC);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_basic),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_enospc),
		cmocka_unit_test(test_header_errors),
		cmocka_unit_test(test_checksum),
		cmocka_unit_test(test_entry_framing),
		cmocka_unit_test(test_short_types),
		cmocka_unit_test(test_mailbox_errors),
		cmocka_unit_test(test_too_many_cpus),
		cmocka_unit_test(test_wakeup_versions),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_x2apic_rules),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_revision_rules),
		cmocka_unit_test(test_sparse_hybrid_ids),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_all_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
