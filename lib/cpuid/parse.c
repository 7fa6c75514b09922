/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `cpuid -r` text dumps. A line-oriented state machine shared by the
 * buffer front end (any build) and the file front end (hosted): both feed
 * it the same lines, so both accept exactly the same inputs.
 */
#include "xsave_int.h"

void tdxc__xsave_parser_init(struct tdxc__xsave_parser *p)
{
	tdxc__memset(p, 0, sizeof(*p));
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

/* Does the line start with "0x0000000d" not followed by a hex digit? */
static bool is_leaf_d(struct cur c)
{
	uint32_t leaf;
	if (!hex_prefix(&c) || !hexnum(&c, 8, 8, &leaf))
		return false;
	return leaf == 0xd;
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

void tdxc__xsave_parser_line(struct tdxc__xsave_parser *p, const char *s, size_t len,
			     bool overlong)
{
	struct cur c;
	uint32_t sub, r[4];
	unsigned k;

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
	while (c.i < c.len && is_blank(c.s[c.i]))
		c.i++;

	if (!overlong && is_header(c)) {
		p->cpu_headers++;
		/* A second header, or one after header-less data, ends CPU 0. */
		if (p->cpu_headers > 1 || p->data_seen)
			p->done = true;
		return;
	}
	if (!is_leaf_d(c)) {
		struct cur t = c;
		if (hex_prefix(&t) && t.i < t.len && hexval(t.s[t.i]) >= 0)
			p->data_seen = true;
		return; /* other leaves and unknown lines */
	}
	p->data_seen = true;
	if (overlong) {
		fail(p, TDXC_EMALFORMED);
		return;
	}
	c.i += 10; /* "0x0000000d", checked by is_leaf_d() */
	if (!lit(&c, " ") || !hex_prefix(&c) || !hexnum(&c, 1, 8, &sub) || !lit(&c, ":")) {
		fail(p, TDXC_EMALFORMED);
		return;
	}
	for (k = 0; k < 4; k++) {
		if (!lit(&c, reg_names[k]) || !hex_prefix(&c) || !hexnum(&c, 8, 8, &r[k])) {
			fail(p, TDXC_EMALFORMED);
			return;
		}
	}
	if (c.i != c.len) {
		fail(p, TDXC_EMALFORMED);
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

int tdxc_xsave_parse_cpuid_r(const char *text, size_t len, struct tdxc_xsave_info *out,
			     struct tdxc_xsave_parse_status *status)
{
	struct tdxc__xsave_parser p;
	size_t pos = 0;

	if (!out || (!text && len))
		return TDXC_EINVAL;
	tdxc__xsave_parser_init(&p);
	while (pos < len && !p.err && !p.done) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		tdxc__xsave_parser_line(&p, text + pos, end - pos, false);
		pos = end < len ? end + 1 : end;
	}
	return tdxc__xsave_parser_finish(&p, out, status);
}

#if TDXC_HOSTED
int tdxc_xsave_parse_cpuid_r_file(const char *path, struct tdxc_xsave_info *out,
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
	f = fopen(path, "rb");
	if (!f)
		return TDXC_EIO;
	tdxc__xsave_parser_init(&p);
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
int tdxc_xsave_parse_cpuid_r_file(const char *path, struct tdxc_xsave_info *out,
				  struct tdxc_xsave_parse_status *status)
{
	(void)path;
	(void)out;
	(void)status;
	return TDXC_ENOTSUP;
}
#endif
