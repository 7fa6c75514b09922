/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Real CPU dumps: every `cpuid -r` dump in $TDXC_SHARED_DATA/xsave/ must
 * give the sizes and offsets listed in expected.json next to it. The data
 * is not part of the repository; without it the test is skipped (77).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/xsave.h>

/* ---- a minimal JSON reader (objects, arrays, strings, integers, literals) */

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype type;
	long long num;
	char *str;          /* J_STR */
	struct jval *child; /* J_ARR, J_OBJ: first member */
	struct jval *next;  /* sibling */
	char *key;          /* member name inside an object */
};

struct jp {
	const char *s;
	size_t i, n;
	int err;
};

static void ws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\r\n", p->s[p->i]))
		p->i++;
}

static struct jval *jparse(struct jp *p);

static char *jstring(struct jp *p)
{
	size_t start, len;
	char *out;
	if (p->i >= p->n || p->s[p->i] != '"') {
		p->err = 1;
		return NULL;
	}
	start = ++p->i;
	while (p->i < p->n && p->s[p->i] != '"') {
		if (p->s[p->i] == '\\')
			p->i++; /* escapes are kept verbatim; none matter here */
		p->i++;
	}
	if (p->i >= p->n) {
		p->err = 1;
		return NULL;
	}
	len = p->i - start;
	p->i++;
	out = malloc(len + 1);
	memcpy(out, p->s + start, len);
	out[len] = 0;
	return out;
}

static struct jval *jparse(struct jp *p)
{
	struct jval *v = calloc(1, sizeof(*v)), **tail;
	ws(p);
	if (p->err || p->i >= p->n) {
		p->err = 1;
		return v;
	}
	switch (p->s[p->i]) {
	case '{':
	case '[': {
		char close = p->s[p->i] == '{' ? '}' : ']';
		v->type = close == '}' ? J_OBJ : J_ARR;
		p->i++;
		tail = &v->child;
		ws(p);
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			break;
		}
		for (;;) {
			char *key = NULL;
			struct jval *m;
			ws(p);
			if (v->type == J_OBJ) {
				key = jstring(p);
				ws(p);
				if (p->err || p->i >= p->n || p->s[p->i] != ':') {
					p->err = 1;
					free(key);
					return v;
				}
				p->i++;
			}
			m = jparse(p);
			m->key = key;
			*tail = m;
			tail = &m->next;
			ws(p);
			if (p->err || p->i >= p->n) {
				p->err = 1;
				return v;
			}
			if (p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->s[p->i] == close) {
				p->i++;
				break;
			}
			p->err = 1;
			return v;
		}
		break;
	}
	case '"':
		v->type = J_STR;
		v->str = jstring(p);
		break;
	case 't':
	case 'f':
	case 'n':
		if (p->n - p->i >= 4 && !strncmp(p->s + p->i, "true", 4)) {
			v->type = J_BOOL;
			v->num = 1;
			p->i += 4;
		} else if (p->n - p->i >= 5 && !strncmp(p->s + p->i, "false", 5)) {
			v->type = J_BOOL;
			p->i += 5;
		} else if (p->n - p->i >= 4 && !strncmp(p->s + p->i, "null", 4)) {
			p->i += 4;
		} else {
			p->err = 1;
		}
		break;
	default: {
		char *end;
		v->type = J_NUM;
		v->num = strtoll(p->s + p->i, &end, 10);
		if (end == p->s + p->i)
			p->err = 1;
		p->i = (size_t)(end - p->s);
		break;
	}
	}
	return v;
}

static void jfree(struct jval *v)
{
	while (v) {
		struct jval *next = v->next;
		jfree(v->child);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

static const struct jval *get(const struct jval *o, const char *key)
{
	const struct jval *m;
	for (m = o ? o->child : NULL; m; m = m->next)
		if (m->key && !strcmp(m->key, key))
			return m;
	return NULL;
}

/* ---- checks ------------------------------------------------------------- */

static int failures;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			failures++;                                            \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);            \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
		}                                                              \
	} while (0)

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	if (!f)
		return NULL;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

static uint64_t hexstr(const struct jval *v)
{
	return v && v->type == J_STR ? strtoull(v->str, NULL, 16) : ~0ull;
}

static long long num(const struct jval *v)
{
	return v && v->type == J_NUM ? v->num : -1;
}

static int load_dump(const char *dir, const char *file, struct tdxc_xsave_info *info)
{
	char path[4096];
	struct tdxc_xsave_info viabuf;
	struct tdxc_xsave_parse_status st;
	size_t len;
	char *text;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	rc = tdxc_xsave_parse_file(path, TDXC_XSAVE_FMT_AUTO, info, &st);
	CHECK(rc == 0, "%s: parse_file %s (line %u, missing %#llx)", file,
	      tdxc_strerror_name(rc), st.line, (unsigned long long)st.missing);
	text = slurp(path, &len);
	CHECK(text != NULL, "%s: unreadable", file);
	if (!text)
		return -1;
	rc = tdxc_xsave_parse_cpuid_r(text, len, &viabuf, NULL);
	free(text);
	CHECK(rc == 0, "%s: parse buffer %s", file, tdxc_strerror_name(rc));
	CHECK(rc != 0 || memcmp(info, &viabuf, sizeof(viabuf)) == 0,
	      "%s: file and buffer parsers differ", file);
	return rc;
}

static void check_offsets(const char *file, const struct tdxc_xsave_layout *l,
			  const struct jval *expect, uint64_t mask, const char *what)
{
	const struct jval *m;
	uint64_t listed = 0;
	for (m = expect ? expect->child : NULL; m; m = m->next) {
		unsigned idx = (unsigned)atoi(m->key);
		CHECK(idx < 63 && (mask >> idx & 1), "%s: %s lists component %u", file, what, idx);
		if (idx >= 63)
			continue;
		listed |= 1ull << idx;
		CHECK(l->slot[idx].offset == (uint32_t)m->num, "%s: %s[%u] = %u, expected %lld",
		      file, what, idx, l->slot[idx].offset, m->num);
	}
	CHECK(listed == (mask & ~3ull), "%s: %s covers %#llx, layout %#llx", file, what,
	      (unsigned long long)listed, (unsigned long long)(mask & ~3ull));
}

static void check_case(const char *dir, const struct jval *c)
{
	const char *file = get(c, "file")->str;
	const struct jval *rep = get(c, "cpu_reported");
	struct tdxc_xsave_info info;
	struct tdxc_xsave_layout l;
	struct tdxc_xsave_report r;
	uint64_t xcr0, xss;
	uint32_t v;
	int rc;

	if (load_dump(dir, file, &info))
		return;
	xcr0 = hexstr(get(c, "xcr0_supported"));
	xss = hexstr(get(c, "xss_supported"));
	CHECK(info.xcr0_supported == xcr0, "%s: xcr0 %#llx", file,
	      (unsigned long long)info.xcr0_supported);
	CHECK(info.xss_supported == xss, "%s: xss %#llx", file,
	      (unsigned long long)info.xss_supported);
	rc = tdxc_xsave_standard_size(&info, xcr0, &v);
	CHECK(rc == 0 && v == num(get(c, "standard_size_all_user")), "%s: standard %d %u", file,
	      rc, v);
	rc = tdxc_xsave_compacted_size(&info, xcr0, &v);
	CHECK(rc == 0 && v == num(get(c, "compacted_size_all_user")), "%s: compacted user %d %u",
	      file, rc, v);
	rc = tdxc_xsave_compacted_size(&info, xcr0 | xss, &v);
	CHECK(rc == 0 && v == num(get(c, "compacted_size_all_user_and_supervisor")),
	      "%s: compacted all %d %u", file, rc, v);
	rc = tdxc_xsave_layout(&info, xcr0, TDXC_XSAVE_STANDARD, &l);
	CHECK(rc == 0, "%s: standard layout %d", file, rc);
	if (!rc)
		check_offsets(file, &l, get(c, "standard_offsets"), xcr0, "standard_offsets");
	rc = tdxc_xsave_layout(&info, xcr0 | xss, TDXC_XSAVE_COMPACTED, &l);
	CHECK(rc == 0, "%s: compacted layout %d", file, rc);
	if (!rc)
		check_offsets(file, &l, get(c, "compacted_offsets_all_state"), xcr0 | xss,
			      "compacted_offsets_all_state");
	CHECK(info.sl0_ecx == num(get(rep, "sl0_ecx")), "%s: sl0_ecx %u", file, info.sl0_ecx);
	CHECK(info.sl0_ebx == num(get(rep, "sl0_ebx")), "%s: sl0_ebx %u", file, info.sl0_ebx);
	CHECK(info.sl1_ebx == num(get(rep, "sl1_ebx")), "%s: sl1_ebx %u", file, info.sl1_ebx);
	/* Real CPUs pass the table checks (loaded XCR0/XSS unknown in a dump). */
	rc = tdxc_xsave_validate(&info, 0, 0, 0, &r);
	CHECK(rc == 0, "%s: validate found %d errors (first: %s)", file, rc,
	      r.stored ? tdxc_xsave_problem_name(r.problems[0].kind) : "-");
	printf("ok %s\n", file);
}

static void check_scenario(const char *dir, const struct jval *c)
{
	const char *file = get(c, "file")->str;
	struct tdxc_xsave_info info;
	uint64_t xcr0 = hexstr(get(c, "xcr0")), xss = hexstr(get(c, "xss"));
	uint32_t v;
	int rc;

	if (load_dump(dir, file, &info))
		return;
	rc = tdxc_xsave_compacted_size(&info, xcr0 | xss, &v);
	CHECK(rc == 0 && v == num(get(c, "compacted_size")), "%s: scenario %d %u", file, rc, v);
	printf("ok scenario %s\n", get(c, "name")->str);
}

int main(void)
{
	const char *base = getenv("TDXC_SHARED_DATA");
	char dir[4096], path[4200];
	const struct jval *m;
	struct jval *root;
	struct jp p;
	size_t len;
	char *json;
	DIR *d;
	struct dirent *e;
	int cases = 0;

	if (!base) {
		printf("TDXC_SHARED_DATA not set: real-data suite skipped\n");
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/xsave", base);
	snprintf(path, sizeof(path), "%s/expected.json", dir);
	json = slurp(path, &len);
	if (!json) {
		printf("%s not found: real-data suite skipped\n", path);
		return 77;
	}
	p.s = json;
	p.i = 0;
	p.n = len;
	p.err = 0;
	root = jparse(&p);
	if (p.err || root->type != J_OBJ) {
		printf("FAIL: %s is not valid JSON\n", path);
		jfree(root);
		free(json);
		return 1;
	}
	for (m = get(root, "cases") ? get(root, "cases")->child : NULL; m; m = m->next) {
		check_case(dir, m);
		cases++;
	}
	for (m = get(root, "scenario_cases") ? get(root, "scenario_cases")->child : NULL; m;
	     m = m->next)
		check_scenario(dir, m);
	CHECK(cases > 0, "no cases in %s", path);
	/* Every dump in the folder has an expectation. */
	d = opendir(dir);
	CHECK(d != NULL, "cannot list %s", dir);
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		int listed = 0;
		if (n < 4 || strcmp(e->d_name + n - 4, ".txt"))
			continue;
		for (m = get(root, "cases")->child; m; m = m->next)
			listed |= !strcmp(get(m, "file")->str, e->d_name);
		CHECK(listed, "%s has no entry in expected.json", e->d_name);
	}
	if (d)
		closedir(d);
	printf("%d cases, %d failures\n", cases, failures);
	jfree(root);
	free(json);
	return failures ? 1 : 0;
}
