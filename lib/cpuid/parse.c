/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Text dumps of leaf 0xD (`cpuid -r`, the Linux FPU warning, AIDA64). A
 * line-oriented state machine shared by the buffer front end (any build)
 * and the file front end (hosted): both feed it the same lines, so both
 * accept exactly the same inputs.
 */
#include "xsave_int.h"

int tdxc__xsave_parser_init(struct tdxc__xsave_parser *p, uint32_t format)
{
	if (format > TDXC_XSAVE_FMT_AIDA64)
		return TDXC_EINVAL;
	tdxc__memset(p, 0, sizeof(*p));
	p->format = format;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Cursor over one line. */
struct cur {
	const char *s;
	size_t len;
	size_t i;
};

static bool lit(struct cur *c, const char *t)
{
	size_t k = 0;
	while (t[k]) {
		if (c->i + k >= c->len || c->s[c->i + k] != t[k])
			return false;
		k++;
	}
	c->i += k;
	return true;
}

/* "0x" or "0X" */
static bool hex_prefix(struct cur *c)
{
	if (c->i + 2 > c->len || c->s[c->i] != '0' ||
	    (c->s[c->i + 1] != 'x' && c->s[c->i + 1] != 'X'))
		return false;
	c->i += 2;
	return true;
}

/* Between min and max hex digits (greedy); false if fewer or more. */
static bool hexnum(struct cur *c, unsigned min, unsigned max, uint32_t *v)
{
	unsigned n = 0;
	uint32_t x = 0;
	int d;

	while (c->i < c->len && (d = hexval(c->s[c->i])) >= 0) {
		if (n == max)
			return false;
		x = x << 4 | (uint32_t)d;
		n++;
		c->i++;
	}
	if (n < min)
		return false;
	*v = x;
	return true;
}

/* `CPU:` or `CPU <decimal>:` with nothing after it. */
static bool is_header(struct cur c)
{
	if (!lit(&c, "CPU"))
		return false;
	if (c.i < c.len && c.s[c.i] == ' ') {
		size_t digits = 0;
		c.i++;
		while (c.i < c.len && c.s[c.i] >= '0' && c.s[c.i] <= '9') {
			c.i++;
			digits++;
		}
		if (digits == 0 || digits > 10)
			return false;
	}
	return lit(&c, ":") && c.i == c.len;
}

/* `Logical CPU #<digit>...` (AIDA64 block header). */
static bool is_aida_header(struct cur c)
{
	return lit(&c, "Logical CPU #") && c.i < c.len && c.s[c.i] >= '0' && c.s[c.i] <= '9';
}

/* Exactly 8 hex digits, not followed by another one. */
static bool hex8(struct cur *c, uint32_t *v)
{
	return hexnum(c, 8, 8, v);
}

static void skip_blanks(struct cur *c)
{
	while (c->i < c->len && is_blank(c->s[c->i]))
		c->i++;
}

static const char *const reg_names[4] = { " eax=", " ebx=", " ecx=", " edx=" };

static void record(struct tdxc__xsave_parser *p, uint32_t sub, const uint32_t r[4])
{
	struct tdxc_xsave_regs *d = &p->sub[sub];
	uint64_t bit = UINT64_C(1) << sub;

	if (p->found & bit) {
		if (d->eax != r[0] || d->ebx != r[1] || d->ecx != r[2] || d->edx != r[3])
			p->conflicts |= bit;
		return;
	}
	p->found |= bit;
	d->eax = r[0];
	d->ebx = r[1];
	d->ecx = r[2];
	d->edx = r[3];
}

static void fail(struct tdxc__xsave_parser *p, int err)
{
	p->err = err;
	p->err_line = p->line;
}

/* The format of this data line; with AUTO, the first one decides. */
static bool take_format(struct tdxc__xsave_parser *p, uint32_t f)
{
	if (p->format == TDXC_XSAVE_FMT_AUTO)
		p->format = f;
	if (p->format != f)
		return false;
	p->data_seen = true;
	return true;
}

/* Registers as ` eax=<0x?>XXXXXXXX ebx=...` (cpuid -r and Linux). */
static bool named_regs(struct cur *c, bool prefix, uint32_t r[4])
{
	unsigned k;
	for (k = 0; k < 4; k++)
		if (!lit(c, reg_names[k]) || (prefix && !hex_prefix(c)) || !hex8(c, &r[k]))
			return false;
	return c->i == c->len;
}

/* After "0x0000000d": ` 0xSS: eax=0x........ ...` */
static int rest_cpuid_r(struct cur c, uint32_t *sub, uint32_t r[4])
{
	if (!lit(&c, " ") || !hex_prefix(&c) || !hexnum(&c, 1, 8, sub) || !lit(&c, ":") ||
	    !named_regs(&c, true, r))
		return TDXC_EMALFORMED;
	return 0;
}

/* After "CPUID[0d": `, SS]: eax=........ ...` */
static int rest_linux(struct cur c, uint32_t *sub, uint32_t r[4])
{
	if (!lit(&c, ", ") || !hexnum(&c, 2, 2, sub) || !lit(&c, "]:") ||
	    !named_regs(&c, false, r))
		return TDXC_EMALFORMED;
	return 0;
}

/* After "CPUID 0000000D" and ':' or a tab: ` A-B-C-D [SL SS]` */
static int rest_aida(struct cur c, uint32_t *sub, uint32_t r[4])
{
	unsigned k;
	skip_blanks(&c);
	for (k = 0; k < 4; k++)
		if ((k && !lit(&c, "-")) || !hex8(&c, &r[k]))
			return TDXC_EMALFORMED;
	skip_blanks(&c);
	if (c.i == c.len)
		return TDXC_ENOENT; /* untagged: cannot be attributed */
	if (!lit(&c, "[SL ") || !hexnum(&c, 1, 2, sub) || !lit(&c, "]") || c.i != c.len)
		return TDXC_EMALFORMED;
	return 0;
}

/* Find "CPUID[" in the line (the Linux warning follows a log prefix). */
static bool find_linux(struct cur *c)
{
	while (c->i + 6 <= c->len) {
		struct cur t = *c;
		if (lit(&t, "CPUID[")) {
			*c = t;
			return true;
		}
		c->i++;
	}
	return false;
}

void tdxc__xsave_parser_line(struct tdxc__xsave_parser *p, const char *s, size_t len,
			     bool overlong)
{
	struct cur c, t;
	uint32_t leaf, sub = 0, r[4], hdr = 0;
	int rc;

	if (p->err || p->done)
		return;
	if (p->line < UINT32_MAX)
		p->line++;
	if (len > TDXC_XSAVE_LINE_MAX) {
		len = TDXC_XSAVE_LINE_MAX;
		overlong = true;
	}
	if (!overlong)
		while (len && (is_blank(s[len - 1]) || s[len - 1] == '\r'))
			len--;
	c.s = s;
	c.len = len;
	c.i = 0;
	skip_blanks(&c);

	/*
	 * A header line is checked before data and, with AUTO, fixes the
	 * format like a data line would: an AIDA64 header may also hold a
	 * Linux `CPUID[` fragment, and reading it as a header here but as data
	 * under the format detected later would make AUTO disagree with that
	 * format given explicitly.
	 */
	if (!overlong && (p->format == TDXC_XSAVE_FMT_AUTO || p->format == TDXC_XSAVE_FMT_CPUID_R) &&
	    is_header(c))
		hdr = TDXC_XSAVE_FMT_CPUID_R;
	else if (!overlong &&
		 (p->format == TDXC_XSAVE_FMT_AUTO || p->format == TDXC_XSAVE_FMT_AIDA64) &&
		 is_aida_header(c))
		hdr = TDXC_XSAVE_FMT_AIDA64;
	if (hdr) {
		p->format = hdr;
		p->cpu_headers++;
		/* A second header, or one after header-less data, ends CPU 0. */
		if (p->cpu_headers > 1 || p->data_seen)
			p->done = true;
		return;
	}

	t = c;
	if (hex_prefix(&t) && hex8(&t, &leaf)) {
		/* `cpuid -r` */
		if (!take_format(p, TDXC_XSAVE_FMT_CPUID_R) || leaf != 0xd)
			return;
		rc = overlong ? TDXC_EMALFORMED : rest_cpuid_r(t, &sub, r);
	} else if ((t = c, lit(&t, "CPUID ")) && hex8(&t, &leaf) && t.i < t.len &&
		   (t.s[t.i] == ':' || t.s[t.i] == '\t')) {
		/* AIDA64 */
		if (!take_format(p, TDXC_XSAVE_FMT_AIDA64))
			return;
		if (leaf == 0 && ++p->leaf0_lines > 1) {
			p->done = true;
			return;
		}
		if (leaf != 0xd)
			return;
		t.i++;
		rc = overlong ? TDXC_EMALFORMED : rest_aida(t, &sub, r);
	} else if ((t = c, find_linux(&t)) && hexnum(&t, 2, 2, &leaf)) {
		/* Linux FPU warning */
		if (!take_format(p, TDXC_XSAVE_FMT_LINUX) || leaf != 0xd)
			return;
		rc = overlong ? TDXC_EMALFORMED : rest_linux(t, &sub, r);
	} else {
		return; /* unknown line */
	}
	if (rc) {
		fail(p, rc);
		return;
	}
	if (sub >= TDXC_XSAVE_NCOMP) {
		fail(p, TDXC_ERANGE);
		return;
	}
	record(p, sub, r);
}

int tdxc__xsave_parser_finish(struct tdxc__xsave_parser *p, struct tdxc_xsave_info *out,
			      struct tdxc_xsave_parse_status *status)
{
	struct tdxc_xsave_parse_status st;
	uint64_t adv;
	int rc = p->err;
	unsigned i;

	tdxc__memset(&st, 0, sizeof(st));
	st.line = rc ? p->err_line : 0;
	st.cpu_headers = p->cpu_headers;
	st.found = p->found;
	st.conflicts = p->conflicts;
	st.format = p->format;
	if (!rc) {
		st.missing = ~p->found & TDXC_XSAVE_LEGACY_MASK;
		if (!st.missing) {
			adv = (((uint64_t)p->sub[0].edx << 32 | p->sub[0].eax) |
			       ((uint64_t)p->sub[1].edx << 32 | p->sub[1].ecx)) &
			      TDXC__XSAVE_COMP_MASK;
			for (; adv; adv &= adv - 1) {
				i = tdxc__xsave_ctz(adv);
				if (!(p->found >> i & 1) || p->sub[i].eax == 0)
					st.missing |= UINT64_C(1) << i;
			}
		}
		if (st.missing)
			rc = TDXC_ENOENT;
		else if ((p->sub[0].eax & 3) != 3)
			rc = TDXC_ECORRUPT;
	}
	if (status)
		*status = st;
	if (rc)
		return rc;
	tdxc__xsave_build(p->sub, p->found, out);
	return 0;
}

int tdxc_xsave_parse_text(const char *text, size_t len, uint32_t format,
			  struct tdxc_xsave_info *out, struct tdxc_xsave_parse_status *status)
{
	struct tdxc__xsave_parser p;
	size_t pos = 0;

	if (!out || (!text && len))
		return TDXC_EINVAL;
	if (tdxc__xsave_parser_init(&p, format))
		return TDXC_EINVAL;
	while (pos < len && !p.err && !p.done) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		tdxc__xsave_parser_line(&p, text + pos, end - pos, false);
		pos = end < len ? end + 1 : end;
	}
	return tdxc__xsave_parser_finish(&p, out, status);
}

int tdxc_xsave_parse_cpuid_r(const char *text, size_t len, struct tdxc_xsave_info *out,
			     struct tdxc_xsave_parse_status *status)
{
	return tdxc_xsave_parse_text(text, len, TDXC_XSAVE_FMT_CPUID_R, out, status);
}

#if TDXC_HOSTED
int tdxc_xsave_parse_file(const char *path, uint32_t format, struct tdxc_xsave_info *out,
			  struct tdxc_xsave_parse_status *status)
{
	struct tdxc__xsave_parser p;
	char chunk[4096];
	char line[TDXC_XSAVE_LINE_MAX];
	size_t llen = 0, n, k;
	bool overlong = false, io_err;
	FILE *f;

	if (!path || !out)
		return TDXC_EINVAL;
	if (tdxc__xsave_parser_init(&p, format))
		return TDXC_EINVAL;
	f = fopen(path, "rb");
	if (!f)
		return TDXC_EIO;
	while (!p.err && !p.done && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		for (k = 0; k < n && !p.err && !p.done; k++) {
			if (chunk[k] == '\n') {
				tdxc__xsave_parser_line(&p, line, llen, overlong);
				llen = 0;
				overlong = false;
			} else if (llen < sizeof(line)) {
				line[llen++] = chunk[k];
			} else {
				overlong = true;
			}
		}
	}
	io_err = ferror(f) != 0;
	fclose(f);
	if (io_err)
		return TDXC_EIO;
	if (!p.err && !p.done && (llen || overlong))
		tdxc__xsave_parser_line(&p, line, llen, overlong);
	return tdxc__xsave_parser_finish(&p, out, status);
}
#else
int tdxc_xsave_parse_file(const char *path, uint32_t format, struct tdxc_xsave_info *out,
			  struct tdxc_xsave_parse_status *status)
{
	(void)path;
	(void)format;
	(void)out;
	(void)status;
	return TDXC_ENOTSUP;
}
#endif
