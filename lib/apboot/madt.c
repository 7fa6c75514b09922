/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MADT parser. The table is untrusted: every read is bounds-checked against
 * the header Length (itself checked against the buffer) and goes through
 * the little-endian load functions; nothing is cast to a struct.
 */
#include "internal.h"
#include "apboot_private.h"
#include <tdxcore/apboot.h>

static const char sig_apic[4] = {'A', 'P', 'I', 'C'};

/* ---- names ------------------------------------------------------------- */

static const char *const problem_names[TDXC_APBOOT_P_COUNT_] = {
	"none",
	"buffer_too_small",
	"bad_signature",
	"header_length_too_small",
	"header_length_gt_buffer",
	"bad_checksum",
	"entry_header_truncated",
	"entry_length_too_small",
	"entry_overruns_table",
	"lapic_too_short",
	"ioapic_too_short",
	"iso_too_short",
	"nmi_source_too_short",
	"lapic_nmi_too_short",
	"lapic_override_too_short",
	"x2apic_too_short",
	"x2apic_nmi_too_short",
	"wakeup_too_short",
	"mailbox_zero",
	"mailbox_not_4k_aligned",
	"too_many_cpus",
};

static const int problem_errs[TDXC_APBOOT_P_COUNT_] = {
	0,
	TDXC_ETRUNC,
	TDXC_EBADSIG,
	TDXC_EMALFORMED,
	TDXC_ETRUNC,
	TDXC_ECHECKSUM,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EMALFORMED,
	TDXC_EINVAL,
	TDXC_EALIGN,
	TDXC_E2BIG,
};

static const char *const warning_names[TDXC_APBOOT_W_COUNT_] = {
	"checksum_ignored",
	"second_wakeup_ignored",
	"wakeup_version_reserved",
	"wakeup_reserved_nonzero",
	"wakeup_v1_without_reset_vector",
	"enabled_and_online_capable",
	"duplicate_apic_id",
	"no_usable_cpu",
};

static const char *const cpu_status_names[] = {
	"enabled", "hotplug", "disabled", "placeholder", "shadowed", "duplicate",
};

const char *tdxc_apboot_problem_str(uint32_t problem)
{
	if (problem >= TDXC_APBOOT_P_COUNT_)
		return "unknown";
	return problem_names[problem];
}

int tdxc_apboot_problem_err(uint32_t problem)
{
	if (problem >= TDXC_APBOOT_P_COUNT_)
		return TDXC_EINVAL;
	return problem_errs[problem];
}

const char *tdxc_apboot_warning_str(uint32_t warning)
{
	if (warning >= TDXC_APBOOT_W_COUNT_)
		return "unknown";
	return warning_names[warning];
}

const char *tdxc_apboot_cpu_status_str(uint32_t status)
{
	if (status >= TDXC_ARRAY_SIZE(cpu_status_names))
		return "unknown";
	return cpu_status_names[status];
}

/* ---- structure decoding -------------------------------------------------- */

/* Minimum length of a known type and the problem when shorter; 0: unknown. */
static uint32_t min_length(uint8_t type, uint32_t *problem)
{
	switch (type) {
	case TDXC_APBOOT_T_LAPIC:
		*problem = TDXC_APBOOT_P_LAPIC_TOO_SHORT;
		return 8;
	case TDXC_APBOOT_T_IOAPIC:
		*problem = TDXC_APBOOT_P_IOAPIC_TOO_SHORT;
		return 12;
	case TDXC_APBOOT_T_ISO:
		*problem = TDXC_APBOOT_P_ISO_TOO_SHORT;
		return 10;
	case TDXC_APBOOT_T_NMI_SOURCE:
		*problem = TDXC_APBOOT_P_NMI_SOURCE_TOO_SHORT;
		return 8;
	case TDXC_APBOOT_T_LAPIC_NMI:
		*problem = TDXC_APBOOT_P_LAPIC_NMI_TOO_SHORT;
		return 6;
	case TDXC_APBOOT_T_LAPIC_OVERRIDE:
		*problem = TDXC_APBOOT_P_LAPIC_OVERRIDE_TOO_SHORT;
		return 12;
	case TDXC_APBOOT_T_X2APIC:
		*problem = TDXC_APBOOT_P_X2APIC_TOO_SHORT;
		return 16;
	case TDXC_APBOOT_T_X2APIC_NMI:
		*problem = TDXC_APBOOT_P_X2APIC_NMI_TOO_SHORT;
		return 12;
	case TDXC_APBOOT_T_MP_WAKEUP:
		*problem = TDXC_APBOOT_P_WAKEUP_TOO_SHORT;
		return 16;
	default:
		*problem = TDXC_APBOOT_P_NONE;
		return 0;
	}
}

/*
 * Decode the structure at t + off of a table of length tlen (already
 * checked against the buffer). Returns a problem (NONE on success); e is
 * written only on success.
 */
static uint32_t decode_entry(const uint8_t *t, uint32_t tlen, uint32_t off,
			     struct tdxc_apboot_entry *e)
{
	struct tdxc_apboot_entry d;
	const uint8_t *p;
	uint32_t elen, need, problem;

	if (tlen - off < 2)
		return TDXC_APBOOT_P_ENTRY_HEADER_TRUNCATED;
	p = t + off;
	elen = p[1];
	if (elen < 2)
		return TDXC_APBOOT_P_ENTRY_LENGTH_TOO_SMALL;
	if (elen > tlen - off)
		return TDXC_APBOOT_P_ENTRY_OVERRUNS_TABLE;
	need = min_length(p[0], &problem);
	if (elen < need)
		return problem;

	tdxc__memset(&d, 0, sizeof(d));
	d.type = p[0];
	d.length = (uint8_t)elen;
	d.offset = off;
	d.known = need != 0;
	switch (p[0]) {
	case TDXC_APBOOT_T_LAPIC:
		d.uid = p[2];
		d.id = p[3];
		d.flags = tdxc__le32(p + 4);
		break;
	case TDXC_APBOOT_T_IOAPIC:
		d.id = p[2];
		d.address = tdxc__le32(p + 4);
		d.gsi = tdxc__le32(p + 8);
		break;
	case TDXC_APBOOT_T_ISO:
		d.bus = p[2];
		d.source_irq = p[3];
		d.gsi = tdxc__le32(p + 4);
		d.flags = tdxc__le16(p + 8);
		break;
	case TDXC_APBOOT_T_NMI_SOURCE:
		d.flags = tdxc__le16(p + 2);
		d.gsi = tdxc__le32(p + 4);
		break;
	case TDXC_APBOOT_T_LAPIC_NMI:
		d.uid = p[2];
		d.flags = tdxc__le16(p + 3);
		d.lint = p[5];
		break;
	case TDXC_APBOOT_T_LAPIC_OVERRIDE:
		d.address = tdxc__le64(p + 4);
		break;
	case TDXC_APBOOT_T_X2APIC:
		d.id = tdxc__le32(p + 4);
		d.flags = tdxc__le32(p + 8);
		d.uid = tdxc__le32(p + 12);
		break;
	case TDXC_APBOOT_T_X2APIC_NMI:
		d.flags = tdxc__le16(p + 2);
		d.uid = tdxc__le32(p + 4);
		d.lint = p[8];
		break;
	case TDXC_APBOOT_T_MP_WAKEUP:
		d.id = tdxc__le16(p + 2);
		d.uid = tdxc__le32(p + 4);
		d.address = tdxc__le64(p + 8);
		if (elen >= 24)
			d.reset_vector = tdxc__le64(p + 16);
		break;
	default:
		break;
	}
	*e = d;
	return TDXC_APBOOT_P_NONE;
}

/* Header framing shared by parse and next: a problem, NONE if fine. */
static uint32_t check_frame(const uint8_t *t, size_t len, uint32_t *tlen)
{
	uint32_t l;
	if (len < TDXC_APBOOT_MADT_HEADER_SIZE)
		return TDXC_APBOOT_P_BUFFER_TOO_SMALL;
	if (tdxc__memcmp(t, sig_apic, 4) != 0)
		return TDXC_APBOOT_P_BAD_SIGNATURE;
	l = tdxc__le32(t + 4);
	if (l < TDXC_APBOOT_MADT_HEADER_SIZE)
		return TDXC_APBOOT_P_HEADER_LENGTH_TOO_SMALL;
	if (l > len)
		return TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER;
	*tlen = l;
	return TDXC_APBOOT_P_NONE;
}

static bool is_cpu(const struct tdxc_apboot_entry *e)
{
	return e->type == TDXC_APBOOT_T_LAPIC || e->type == TDXC_APBOOT_T_X2APIC;
}

/* acpi_is_processor_usable() with the hypervisor-only legacy reading. */
static bool flags_usable(uint32_t f, uint8_t revision, uint32_t pflags)
{
	if (f & TDXC_APBOOT_CPU_F_ENABLED)
		return true;
	if (revision >= 5)
		return (f & TDXC_APBOOT_CPU_F_ONLINE_CAPABLE) != 0;
	return (pflags & TDXC_APBOOT_PARSE_LEGACY_HOTPLUG) != 0;
}

/* Status of a processor entry, without the duplicate rule. */
static uint8_t status_nodup(const struct tdxc_apboot_entry *e, uint8_t revision,
			    uint32_t pflags, bool has_valid_lapic)
{
	if (e->type == TDXC_APBOOT_T_LAPIC) {
		if (e->id == TDXC_APBOOT_LAPIC_ID_INVALID)
			return TDXC_APBOOT_CPU_PLACEHOLDER;
	} else {
		if (e->id == TDXC_APBOOT_X2APIC_ID_INVALID)
			return TDXC_APBOOT_CPU_PLACEHOLDER;
		if (e->id < 0xFF && has_valid_lapic)
			return TDXC_APBOOT_CPU_SHADOWED;
	}
	if (!flags_usable(e->flags, revision, pflags))
		return TDXC_APBOOT_CPU_DISABLED;
	return (e->flags & TDXC_APBOOT_CPU_F_ENABLED) ? TDXC_APBOOT_CPU_ENABLED
						      : TDXC_APBOOT_CPU_HOTPLUG;
}

static bool status_counted(uint8_t s)
{
	return s == TDXC_APBOOT_CPU_ENABLED || s == TDXC_APBOOT_CPU_HOTPLUG;
}

struct parse_state {
	const uint8_t *t;
	uint32_t tlen;
	uint32_t walk_end; /* structures in [44, walk_end) are well-formed */
	uint32_t pflags;
	bool has_valid_lapic;
	uint64_t errors;
	uint32_t first_problem;
	uint32_t first_offset;
	struct tdxc_apboot_madt m;
};

static void note_problem(struct parse_state *s, uint32_t problem, uint32_t off)
{
	s->errors |= 1ull << problem;
	if (s->first_problem == TDXC_APBOOT_P_NONE) {
		s->first_problem = problem;
		s->first_offset = off;
	}
}

static void note_warning(struct parse_state *s, uint32_t w)
{
	s->m.warnings |= 1ull << w;
}

static void read_header(struct parse_state *s)
{
	const uint8_t *t = s->t;
	s->m.length = tdxc__le32(t + 4);
	s->m.revision = t[8];
	s->m.checksum = t[9];
	tdxc__memcpy(s->m.oem_id, t + 10, 6);
	tdxc__memcpy(s->m.oem_table_id, t + 16, 8);
	s->m.oem_revision = tdxc__le32(t + 24);
	s->m.creator_id = tdxc__le32(t + 28);
	s->m.creator_revision = tdxc__le32(t + 32);
	s->m.lapic_address = tdxc__le32(t + 36);
	s->m.flags = tdxc__le32(t + 40);
}

static void take_wakeup(struct parse_state *s, const struct tdxc_apboot_entry *e)
{
	struct tdxc_apboot_wakeup *w = &s->m.wakeup;
	s->m.n_wakeup++;
	if (w->present) {
		note_warning(s, TDXC_APBOOT_W_SECOND_WAKEUP);
		return;
	}
	w->present = 1;
	w->length = e->length;
	w->version = (uint16_t)e->id;
	w->offset = e->offset;
	w->reserved_field = e->uid;
	w->mailbox = e->address;
	if (w->version >= 1 && e->length >= 24) {
		w->reset_vector_valid = 1;
		w->reset_vector = e->reset_vector;
	} else if (w->version >= 1) {
		note_warning(s, TDXC_APBOOT_W_WAKEUP_V1_NO_RESET_VECTOR);
	}
	if (w->version >= 2)
		note_warning(s, TDXC_APBOOT_W_WAKEUP_VERSION_RESERVED);
	if (e->uid != 0)
		note_warning(s, TDXC_APBOOT_W_WAKEUP_RESERVED_NONZERO);
	if (w->mailbox == 0)
		note_problem(s, TDXC_APBOOT_P_MAILBOX_ZERO, e->offset);
	else if (w->mailbox & 0xFFFu)
		note_problem(s, TDXC_APBOOT_P_MAILBOX_NOT_4K_ALIGNED, e->offset);
}

/* Pass 1: framing of every structure, counters, wakeup, LAPIC pre-scan. */
static void pass1(struct parse_state *s)
{
	struct tdxc_apboot_entry e;
	uint32_t off = TDXC_APBOOT_MADT_HEADER_SIZE;

	while (off < s->tlen) {
		uint32_t problem = decode_entry(s->t, s->tlen, off, &e);
		if (problem != TDXC_APBOOT_P_NONE) {
			note_problem(s, problem, off);
			break;
		}
		switch (e.type) {
		case TDXC_APBOOT_T_LAPIC:
			if (e.id != TDXC_APBOOT_LAPIC_ID_INVALID &&
			    flags_usable(e.flags, s->m.revision, s->pflags))
				s->has_valid_lapic = true;
			/* fall through */
		case TDXC_APBOOT_T_X2APIC:
			if (s->m.n_cpu_entries == TDXC_APBOOT_MAX_CPU_ENTRIES) {
				note_problem(s, TDXC_APBOOT_P_TOO_MANY_CPUS, off);
				s->walk_end = off;
				return;
			}
			s->m.n_cpu_entries++;
			break;
		case TDXC_APBOOT_T_IOAPIC:
			s->m.n_ioapic++;
			break;
		case TDXC_APBOOT_T_ISO:
			s->m.n_iso++;
			break;
		case TDXC_APBOOT_T_NMI_SOURCE:
			s->m.n_nmi_source++;
			break;
		case TDXC_APBOOT_T_LAPIC_NMI:
		case TDXC_APBOOT_T_X2APIC_NMI:
			s->m.n_lapic_nmi++;
			break;
		case TDXC_APBOOT_T_LAPIC_OVERRIDE:
			/* Linux takes the first override only. */
			if (!s->m.lapic_address_overridden) {
				s->m.lapic_address = e.address;
				s->m.lapic_address_overridden = 1;
			}
			break;
		case TDXC_APBOOT_T_MP_WAKEUP:
			take_wakeup(s, &e);
			break;
		default:
			s->m.n_other++;
			break;
		}
		off += e.length;
	}
	s->walk_end = off;
}

/*
 * Has a processor entry before offset `before` with the same APIC ID been
 * counted? Used for IDs too large for the bitmap: a re-walk of the
 * (already validated) prefix, so no storage is needed.
 */
static bool counted_before(const struct parse_state *s, uint32_t before,
			   uint32_t id)
{
	struct tdxc_apboot_entry e;
	uint32_t off = TDXC_APBOOT_MADT_HEADER_SIZE;
	while (off < before) {
		if (decode_entry(s->t, s->tlen, off, &e) != TDXC_APBOOT_P_NONE)
			return false; /* cannot happen: prefix validated */
		if (is_cpu(&e) && e.id == id &&
		    status_counted(status_nodup(&e, s->m.revision, s->pflags,
						s->has_valid_lapic)))
			return true;
		off += e.length;
	}
	return false;
}

#define DUP_BITMAP_IDS 4096u /* 512 bytes of stack */

/* Pass 2: processor rules; writes cpus[] when `out` is non-NULL. */
static void pass2(struct parse_state *s, struct tdxc_apboot_cpu *out,
		  uint32_t max_out)
{
	uint64_t seen[DUP_BITMAP_IDS / 64];
	struct tdxc_apboot_entry e;
	uint32_t off = TDXC_APBOOT_MADT_HEADER_SIZE;
	uint32_t i = 0;

	tdxc__memset(seen, 0, sizeof(seen));
	while (off < s->walk_end) {
		uint8_t st;
		if (decode_entry(s->t, s->tlen, off, &e) != TDXC_APBOOT_P_NONE)
			break; /* cannot happen: validated by pass 1 */
		off += e.length;
		if (!is_cpu(&e))
			continue;
		st = status_nodup(&e, s->m.revision, s->pflags,
				  s->has_valid_lapic);
		if (status_counted(st)) {
			bool dup;
			if (e.id < DUP_BITMAP_IDS) {
				dup = (seen[e.id / 64] >> (e.id % 64)) & 1;
				seen[e.id / 64] |= 1ull << (e.id % 64);
			} else {
				dup = counted_before(s, e.offset, e.id);
			}
			if (dup) {
				st = TDXC_APBOOT_CPU_DUPLICATE;
				note_warning(s, TDXC_APBOOT_W_DUPLICATE_APIC_ID);
			}
		}
		if ((e.flags & TDXC_APBOOT_CPU_F_ENABLED) &&
		    (e.flags & TDXC_APBOOT_CPU_F_ONLINE_CAPABLE))
			note_warning(s, TDXC_APBOOT_W_ENABLED_AND_ONLINE_CAPABLE);
		if (status_counted(st)) {
			s->m.n_usable++;
			if (st == TDXC_APBOOT_CPU_ENABLED)
				s->m.n_enabled++;
		}
		if (out && i < max_out) {
			struct tdxc_apboot_cpu c;
			tdxc__memset(&c, 0, sizeof(c));
			c.apic_id = e.id;
			c.uid = e.uid;
			c.flags = e.flags;
			c.offset = e.offset;
			c.x2apic = e.type == TDXC_APBOOT_T_X2APIC;
			c.enabled = (e.flags & TDXC_APBOOT_CPU_F_ENABLED) != 0;
			c.online_capable =
				(e.flags & TDXC_APBOOT_CPU_F_ONLINE_CAPABLE) != 0;
			c.usable = status_counted(st);
			c.status = st;
			out[i] = c;
		}
		i++;
	}
}

int tdxc_apboot_madt_parse(const void *buf, size_t len, uint32_t flags,
			   struct tdxc_apboot_madt *madt,
			   struct tdxc_apboot_cpu *cpus, uint32_t max_cpus,
			   struct tdxc_apboot_diag *diag)
{
	struct parse_state s;
	uint32_t problem;
	bool partial, write_out;
	int rc;

	if (!buf || (!cpus && max_cpus))
		return TDXC_EINVAL;
	rc = tdxc__check_flags(flags, TDXC_APBOOT_PARSE_ALL_);
	if (rc)
		return rc;
	partial = (flags & TDXC_APBOOT_PARSE_PARTIAL) != 0;

	tdxc__memset(&s, 0, sizeof(s));
	s.t = (const uint8_t *)buf;
	s.pflags = flags;

	problem = check_frame(s.t, len, &s.tlen);
	if (problem == TDXC_APBOOT_P_NONE ||
	    problem == TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER ||
	    problem == TDXC_APBOOT_P_HEADER_LENGTH_TOO_SMALL)
		read_header(&s);
	if (problem != TDXC_APBOOT_P_NONE) {
		note_problem(&s, problem, 0);
	} else {
		uint8_t sum = 0;
		uint32_t i;
		for (i = 0; i < s.tlen; i++)
			sum = (uint8_t)(sum + s.t[i]);
		if (sum != 0) {
			if (flags & TDXC_APBOOT_PARSE_CHECKSUM_WARN)
				note_warning(&s, TDXC_APBOOT_W_CHECKSUM_IGNORED);
			else
				note_problem(&s, TDXC_APBOOT_P_BAD_CHECKSUM, 9);
		}
		pass1(&s);
	}

	/* Output goes to the caller only when allowed (see the header). */
	write_out = cpus != NULL &&
		    (partial || (s.errors == 0 && s.m.n_cpu_entries <= max_cpus));
	pass2(&s, write_out ? cpus : NULL, max_cpus);
	if (s.errors == 0 && s.walk_end == s.tlen && s.m.n_usable == 0)
		note_warning(&s, TDXC_APBOOT_W_NO_USABLE_CPU);

	if (diag) {
		tdxc__memset(diag, 0, sizeof(*diag));
		diag->errors = s.errors;
		diag->warnings = s.m.warnings;
		diag->first_problem = s.first_problem;
		diag->offset = s.first_offset;
		diag->cpus_needed = s.m.n_cpu_entries;
	}
	if (s.errors) {
		if (partial && madt)
			*madt = s.m;
		return problem_errs[s.first_problem];
	}
	if (cpus && s.m.n_cpu_entries > max_cpus) {
		if (partial && madt)
			*madt = s.m;
		return TDXC_ENOSPC;
	}
	if (madt)
		*madt = s.m;
	return (int)s.m.n_cpu_entries;
}

int tdxc_apboot_madt_next(const void *buf, size_t len, uint32_t *cursor,
			  struct tdxc_apboot_entry *entry)
{
	const uint8_t *t = (const uint8_t *)buf;
	uint32_t tlen = 0, off, problem;

	if (!buf || !cursor || !entry)
		return TDXC_EINVAL;
	problem = check_frame(t, len, &tlen);
	if (problem != TDXC_APBOOT_P_NONE)
		return problem_errs[problem];
	off = *cursor;
	if (off == 0)
		off = TDXC_APBOOT_MADT_HEADER_SIZE;
	if (off < TDXC_APBOOT_MADT_HEADER_SIZE || off > tlen)
		return TDXC_EINVAL;
	if (off == tlen)
		return 0;
	problem = decode_entry(t, tlen, off, entry);
	if (problem != TDXC_APBOOT_P_NONE)
		return problem_errs[problem];
	*cursor = off + entry->length;
	return 1;
}
