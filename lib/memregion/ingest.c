/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion front ends: raw e820 tables, EFI memory maps, Linux dmesg text
 * and the Linux EFI unaccepted-memory table. All inputs are untrusted; every
 * front end validates the whole input before adding anything.
 */
#include "memregion_priv.h"

#define E820_ENTRY 20u
#define EFI_DESC_MIN 40u
#define EFI_MEMORY_SP UINT64_C(0x40000)
#define E820_SOFT_RESERVED 0xefffffffu

static uint32_t e820_type(uint32_t raw)
{
	switch (raw) {
	case 1:
		return TDXC_MEMREGION_USABLE;
	case 2:
		return TDXC_MEMREGION_RESERVED;
	case 3:
		return TDXC_MEMREGION_ACPI;
	case 4:
		return TDXC_MEMREGION_NVS;
	case 5:
		return TDXC_MEMREGION_UNUSABLE;
	case 7:
	case 12:
		return TDXC_MEMREGION_PMEM;
	case E820_SOFT_RESERVED:
		return TDXC_MEMREGION_SOFT_RESERVED;
	default:
		return TDXC_MEMREGION_UNKNOWN;
	}
}

static bool mr_valid(const struct tdxc_memregion *mr)
{
	return mr && mr->magic == MR_MAGIC;
}

static void push_raw(struct tdxc_memregion *mr, uint64_t base, uint64_t end,
		     uint32_t type, uint32_t raw)
{
	struct mr_ent *e = &mr->raw[mr->nraw++];
	e->base = base;
	e->end = end;
	e->type = type;
	e->raw = raw;
}

TDXC_API int tdxc_memregion_add_e820(struct tdxc_memregion *mr,
				     const void *table, size_t len)
{
	const uint8_t *t = (const uint8_t *)table;
	size_t n, i;
	uint64_t end;
	int rc;

	if (!mr_valid(mr) || (!table && len))
		return TDXC_EINVAL;
	if (mr->committed)
		return TDXC_ESTATE;
	if (len % E820_ENTRY)
		return TDXC_EMALFORMED;
	n = len / E820_ENTRY;
	for (i = 0; i < n; i++) {
		rc = tdxc__range_end(tdxc__le64(t + i * E820_ENTRY),
				     tdxc__le64(t + i * E820_ENTRY + 8), &end);
		if (rc)
			return rc;
	}
	if (n > (size_t)(mr->max_regions - mr->nraw))
		return TDXC_ENOSPC;
	for (i = 0; i < n; i++) {
		const uint8_t *e = t + i * E820_ENTRY;
		uint32_t raw = tdxc__le32(e + 16);
		push_raw(mr, tdxc__le64(e), tdxc__le64(e) + tdxc__le64(e + 8),
			 e820_type(raw), raw);
	}
	return (int)n;
}

static uint32_t efi_type(uint32_t raw, uint64_t attr, uint32_t flags)
{
	switch (raw) {
	case 7:
		return (attr & EFI_MEMORY_SP) ? TDXC_MEMREGION_SOFT_RESERVED
					      : TDXC_MEMREGION_USABLE;
	case 1:
	case 2:
		return TDXC_MEMREGION_BOOTLOADER_RECLAIMABLE;
	case 3:
	case 4:
		return (flags & TDXC_MEMREGION_EFI_AFTER_EBS)
			       ? TDXC_MEMREGION_USABLE
			       : TDXC_MEMREGION_BOOTLOADER_RECLAIMABLE;
	case 5:
	case 6:
		return TDXC_MEMREGION_FIRMWARE_HELD;
	case 0:
	case 13:
		return TDXC_MEMREGION_RESERVED;
	case 8:
		return TDXC_MEMREGION_UNUSABLE;
	case 9:
		return TDXC_MEMREGION_ACPI;
	case 10:
		return TDXC_MEMREGION_NVS;
	case 11:
	case 12:
		return TDXC_MEMREGION_MMIO;
	case 14:
		return TDXC_MEMREGION_PMEM;
	case 15:
		return TDXC_MEMREGION_UNACCEPTED;
	default:
		return TDXC_MEMREGION_UNKNOWN;
	}
}

TDXC_API int tdxc_memregion_add_efi(struct tdxc_memregion *mr,
				    const void *map, size_t len,
				    size_t desc_size, uint32_t flags)
{
	const uint8_t *m = (const uint8_t *)map;
	size_t n, i;
	int rc;

	if (!mr_valid(mr) || (!map && len))
		return TDXC_EINVAL;
	rc = tdxc__check_flags(flags, TDXC_MEMREGION_EFI_AFTER_EBS);
	if (rc)
		return rc;
	if (desc_size < EFI_DESC_MIN || (desc_size & 7))
		return TDXC_ESIZE;
	if (mr->committed)
		return TDXC_ESTATE;
	if (len % desc_size)
		return TDXC_EMALFORMED;
	n = len / desc_size;
	for (i = 0; i < n; i++) {
		const uint8_t *d = m + i * desc_size;
		uint64_t start = tdxc__le64(d + 8), pages = tdxc__le64(d + 24);
		uint64_t bytes, end;
		if (!pages)
			return TDXC_EINVAL;
		if (start & (MR_PAGE - 1))
			return TDXC_EALIGN;
		if (tdxc__mul_u64(pages, MR_PAGE, &bytes) ||
		    tdxc__add_u64(start, bytes, &end))
			return TDXC_EOVERFLOW;
	}
	if (n > (size_t)(mr->max_regions - mr->nraw))
		return TDXC_ENOSPC;
	for (i = 0; i < n; i++) {
		const uint8_t *d = m + i * desc_size;
		uint32_t raw = tdxc__le32(d);
		uint64_t start = tdxc__le64(d + 8);
		push_raw(mr, start, start + tdxc__le64(d + 24) * MR_PAGE,
			 efi_type(raw, tdxc__le64(d + 32), flags), raw);
	}
	return (int)n;
}

/* ----------------------------------------------------------- dmesg text */

struct cursor {
	const char *p;
	const char *e;
};

static bool lit(struct cursor *c, const char *s)
{
	const char *p = c->p;
	while (*s) {
		if (p >= c->e || *p != *s)
			return false;
		p++;
		s++;
	}
	c->p = p;
	return true;
}

static void spaces(struct cursor *c)
{
	while (c->p < c->e && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* 1..16 hex digits. */
static bool hex64(struct cursor *c, uint64_t *v)
{
	uint64_t x = 0;
	unsigned n = 0;
	int d;
	while (c->p < c->e && (d = hexval(*c->p)) >= 0) {
		if (++n > 16)
			return false;
		x = x << 4 | (uint64_t)d;
		c->p++;
	}
	*v = x;
	return n > 0;
}

/* Decimal u32. */
static bool dec32(struct cursor *c, uint32_t *v)
{
	uint64_t x = 0;
	unsigned n = 0;
	while (c->p < c->e && *c->p >= '0' && *c->p <= '9') {
		x = x * 10 + (uint64_t)(*c->p - '0');
		if (x > UINT32_MAX)
			return false;
		n++;
		c->p++;
	}
	*v = (uint32_t)x;
	return n > 0;
}

/* Does [p, e) contain s? Returns the position after it, or NULL. */
static const char *find(const char *p, const char *e, const char *s)
{
	size_t n = 0, i;
	while (s[n])
		n++;
	for (; (size_t)(e - p) >= n; p++) {
		for (i = 0; i < n && p[i] == s[i]; i++)
			;
		if (i == n)
			return p + n;
	}
	return NULL;
}

/* The type words, whole rest of the line (trailing blanks trimmed). */
static bool type_words(struct cursor *c, uint32_t *type, uint32_t *raw)
{
	static const struct {
		const char *w;
		uint32_t raw;
	} words[] = {
		{"usable", 1},        {"System RAM", 1},
		{"reserved", 2},      {"device reserved", 2},
		{"ACPI data", 3},     {"ACPI NVS", 4},
		{"unusable", 5},      {"soft reserved", E820_SOFT_RESERVED},
	};
	size_t i;
	struct cursor save = *c;
	for (i = 0; i < TDXC_ARRAY_SIZE(words); i++) {
		*c = save;
		if (lit(c, words[i].w) && c->p == c->e) {
			*raw = words[i].raw;
			*type = e820_type(words[i].raw);
			return true;
		}
	}
	*c = save;
	if (lit(c, "persistent (type ")) {
		if (!dec32(c, raw) || !lit(c, ")") || c->p != c->e)
			return false;
		*type = TDXC_MEMREGION_PMEM;
		return true;
	}
	*c = save;
	if (lit(c, "type ")) {
		if (!dec32(c, raw) || c->p != c->e)
			return false;
		*type = e820_type(*raw);
		return true;
	}
	return false;
}

/* Parse the part of a line after "BIOS-e820:". 1 entry, 0 skip, <0 bad. */
static int parse_e820_line(struct cursor *c, struct tdxc_memregion_region *out)
{
	uint64_t a, b;
	bool inclusive = true;

	while (c->e > c->p && (c->e[-1] == ' ' || c->e[-1] == '\t' ||
			       c->e[-1] == '\r'))
		c->e--;
	spaces(c);
	if (lit(c, "[gap "))
		return 0;
	if (lit(c, "[mem ")) {
		if (!lit(c, "0x") || !hex64(c, &a) || !lit(c, "-") ||
		    !lit(c, "0x") || !hex64(c, &b) || !lit(c, "]"))
			return TDXC_EMALFORMED;
	} else {
		/* Kernels before 3.x: "0000000000000000 - 000000000009fc00 (usable)",
		 * exclusive end. */
		if (!hex64(c, &a))
			return TDXC_EMALFORMED;
		spaces(c);
		if (!lit(c, "-"))
			return TDXC_EMALFORMED;
		spaces(c);
		if (!hex64(c, &b))
			return TDXC_EMALFORMED;
		inclusive = false;
	}
	if (c->p == c->e || (*c->p != ' ' && *c->p != '\t'))
		return TDXC_EMALFORMED;
	spaces(c);
	if (!inclusive && c->p < c->e && *c->p == '(' && c->e[-1] == ')') {
		c->p++;
		c->e--;
	}
	if (!type_words(c, &out->type, &out->raw_type))
		return TDXC_EMALFORMED;
	if (inclusive) {
		if (b < a || b == UINT64_MAX)
			return TDXC_EMALFORMED;
		b++;
	} else if (b <= a) {
		return TDXC_EMALFORMED;
	}
	out->base = a;
	out->end = b;
	return 1;
}

TDXC_API int tdxc_memregion_parse_dmesg(const char *text, size_t len,
					size_t *offset, uint32_t *line,
					struct tdxc_memregion_region *out)
{
	size_t off;
	if ((!text && len) || !offset || !line || !out)
		return TDXC_EINVAL;
	off = *offset;
	if (off > len)
		return TDXC_EINVAL;
	while (off < len) {
		const char *p = text + off, *e = p, *m;
		struct cursor c;
		int rc;
		while (e < text + len && *e != '\n')
			e++;
		off = (size_t)(e - text) + (e < text + len ? 1 : 0);
		*offset = off;
		(*line)++;
		m = find(p, e, "BIOS-e820:");
		if (!m)
			continue;
		c.p = m;
		c.e = e;
		rc = parse_e820_line(&c, out);
		if (rc)
			return rc;
	}
	*offset = off;
	return 0;
}

TDXC_API int tdxc_memregion_add_dmesg(struct tdxc_memregion *mr,
				      const char *text, size_t len,
				      uint32_t *bad_line)
{
	struct tdxc_memregion_region r;
	size_t off = 0;
	uint32_t line = 0;
	uint64_t n = 0;
	int rc;

	if (bad_line)
		*bad_line = 0;
	if (!mr_valid(mr) || (!text && len))
		return TDXC_EINVAL;
	if (mr->committed)
		return TDXC_ESTATE;
	while ((rc = tdxc_memregion_parse_dmesg(text, len, &off, &line, &r)) > 0)
		n++;
	if (rc < 0) {
		if (bad_line)
			*bad_line = line;
		return rc;
	}
	if (n > mr->max_regions - mr->nraw)
		return TDXC_ENOSPC;
	off = 0;
	line = 0;
	while (tdxc_memregion_parse_dmesg(text, len, &off, &line, &r) > 0)
		push_raw(mr, r.base, r.end, r.type, r.raw_type);
	return (int)n;
}

/* ------------------------------------------------- EFI unaccepted table */

TDXC_API int tdxc_memregion_add_unaccepted_table(struct tdxc_memregion *mr,
						 uint64_t table_pa,
						 const void *table,
						 size_t len)
{
	const uint8_t *t = (const uint8_t *)table;
	uint64_t base, size, span, end, tend, i, runs = 0;
	int rc;

	if (!mr_valid(mr) || !table)
		return TDXC_EINVAL;
	if (mr->committed)
		return TDXC_ESTATE;
	if (len < 24)
		return TDXC_ETRUNC;
	if (tdxc__le32(t) != 1)
		return TDXC_EVERSION;
	if (tdxc__le32(t + 4) != TDXC_MEMREGION_UNIT_SIZE)
		return TDXC_ENOTSUP;
	base = tdxc__le64(t + 8);
	size = tdxc__le64(t + 16);
	if (size > (uint64_t)len - 24)
		return TDXC_ETRUNC;
	if (base & (TDXC_MEMREGION_UNIT_SIZE - 1))
		return TDXC_EALIGN;
	/* The table itself: [align_down(pa), align_up(pa + 24 + size)). */
	if (tdxc__add_u64(table_pa, 24 + size, &tend) ||
	    tdxc__align_up_u64(tend, MR_PAGE, &tend))
		return TDXC_EOVERFLOW;
	if (tdxc__mul_u64(size, 8 * (uint64_t)TDXC_MEMREGION_UNIT_SIZE, &span) ||
	    tdxc__add_u64(base, span, &end))
		return TDXC_EOVERFLOW;
	/* Byte-wise: never read past size bytes. */
	for (i = 0; i < size * 8; i++) {
		bool cur = (t[24 + (i >> 3)] >> (i & 7)) & 1;
		bool prev = i && ((t[24 + ((i - 1) >> 3)] >> ((i - 1) & 7)) & 1);
		if (cur && !prev)
			runs++;
	}
	if (runs > mr->max_regions - mr->nraw || mr->nresv >= mr->max_resv)
		return TDXC_ENOSPC;
	for (i = 0; i < size * 8;) {
		uint64_t j;
		if (!((t[24 + (i >> 3)] >> (i & 7)) & 1)) {
			i++;
			continue;
		}
		for (j = i; j < size * 8 && ((t[24 + (j >> 3)] >> (j & 7)) & 1); j++)
			;
		push_raw(mr, base + i * TDXC_MEMREGION_UNIT_SIZE,
			 base + j * TDXC_MEMREGION_UNIT_SIZE,
			 TDXC_MEMREGION_UNACCEPTED, 15);
		i = j;
	}
	rc = tdxc_memregion_reserve(mr, table_pa & ~(MR_PAGE - 1),
				    tend - (table_pa & ~(MR_PAGE - 1)),
				    "efi-unaccepted", TDXC_MEMREGION_PERMANENT);
	(void)rc; /* cannot fail: arguments checked above, before commit */
	return (int)runs;
}
