/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion real-data suite: every map listed in
 * $TDXC_SHARED_DATA/memmaps/manifest.json parses without error through the
 * library; listed entries match what the parser returns; complete maps give
 * the expected totals and regions. Skips (77) when the data is absent.
 */
#include "mr_test.h"
#include <stdio.h>

#define MAXE 64

struct mentry {
	uint64_t start, end_incl;
	char type[32];
};

struct mfile {
	char name[128];
	int complete;
	struct mentry e[MAXE];
	int n;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = (size_t)n;
	}
	return buf;
}

/* Value string of "key": "value" at or after p (before lim). */
static const char *str_val(const char *p, const char *lim, const char *key, char *out, size_t n)
{
	const char *k = strstr(p, key), *q, *e;
	if (!k || k >= lim)
		return NULL;
	q = strchr(k + strlen(key), '"');
	if (!q || q >= lim)
		return NULL;
	e = strchr(q + 1, '"');
	if (!e || (size_t)(e - q - 1) >= n)
		return NULL;
	memcpy(out, q + 1, (size_t)(e - q - 1));
	out[e - q - 1] = 0;
	return e + 1;
}

/* A small scanner for the manifest's fixed shape (no general JSON). */
static int read_manifest(const char *text, struct mfile *files, int max)
{
	const char *p = text;
	int nf = 0;
	while ((p = strstr(p, "\"file\":")) && nf < max) {
		struct mfile *f = &files[nf++];
		const char *next = strstr(p + 7, "\"file\":"), *lim, *c, *ep;
		char buf[64];
		if (!next)
			next = text + strlen(text);
		lim = next;
		memset(f, 0, sizeof(*f));
		assert_non_null(str_val(p, lim, "\"file\":", f->name, sizeof(f->name)));
		c = strstr(p, "\"complete\":");
		assert_true(c && c < lim);
		f->complete = !strncmp(c + 11, " true", 5) || !strncmp(c + 11, "true", 4);
		ep = strstr(p, "\"e820_entries_parsed\":");
		assert_true(ep && ep < lim);
		while ((ep = str_val(ep, lim, "\"start\":", buf, sizeof(buf)))) {
			struct mentry *e = &f->e[f->n++];
			assert_true(f->n <= MAXE);
			e->start = strtoull(buf, NULL, 16);
			ep = str_val(ep, lim, "\"end_inclusive\":", buf, sizeof(buf));
			assert_non_null(ep);
			e->end_incl = strtoull(buf, NULL, 16);
			ep = str_val(ep, lim, "\"type\":", e->type, sizeof(e->type));
			assert_non_null(ep);
		}
		p = next;
	}
	return nf;
}

/* Type word of the manifest -> (type, raw). */
static void word_type(const char *w, uint32_t *type, uint32_t *raw)
{
	if (!strcmp(w, "usable") || !strcmp(w, "System RAM")) {
		*type = TDXC_MEMREGION_USABLE;
		*raw = 1;
	} else if (!strcmp(w, "reserved") || !strcmp(w, "device reserved")) {
		*type = TDXC_MEMREGION_RESERVED;
		*raw = 2;
	} else if (!strcmp(w, "ACPI data")) {
		*type = TDXC_MEMREGION_ACPI;
		*raw = 3;
	} else if (!strcmp(w, "ACPI NVS")) {
		*type = TDXC_MEMREGION_NVS;
		*raw = 4;
	} else if (!strncmp(w, "type ", 5)) {
		*type = TDXC_MEMREGION_UNKNOWN; /* 16 and 20 in the data */
		*raw = (uint32_t)strtoul(w + 5, NULL, 10);
	} else {
		fail_msg("unexpected type word %s", w);
	}
}

static const char *data_dir(void)
{
	return getenv("TDXC_SHARED_DATA");
}

static void check_file(const char *dir, const struct mfile *m)
{
	char path[512];
	char *text;
	size_t len = 0, off = 0;
	uint32_t line = 0, bad = 0;
	struct tdxc_memregion_region r;
	uint64_t max_ram = 4096, want_usable = 0;
	int n = 0, rc;
	struct mr_box b;
	struct tdxc_memregion_stats st;

	snprintf(path, sizeof(path), "%s/memmaps/%s", dir, m->name);
	text = slurp(path, &len);
	assert_non_null(text);
	/* every file parses; listed entries come out in order */
	while ((rc = tdxc_memregion_parse_dmesg(text, len, &off, &line, &r)) > 0) {
		uint32_t t, raw;
		assert_true(n < m->n);
		word_type(m->e[n].type, &t, &raw);
		assert_int_equal(r.base, m->e[n].start);
		assert_int_equal(r.end, m->e[n].end_incl + 1);
		assert_int_equal(r.type, t);
		assert_int_equal(r.raw_type, raw);
		if (t == TDXC_MEMREGION_USABLE && r.end > max_ram)
			max_ram = r.end;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, m->n);

	box_init(&b, (uint32_t)(n ? n : 1), 4, (max_ram + 0xfff) & ~0xfffull, 0);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, text, len, &bad), n);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	box_check(&b);
	assert_int_equal(tdxc_memregion_stats(b.mr, &st), 0);
	if (m->complete && n) {
		/* totals and regions: the complete maps do not overlap, so each
		 * entry comes out rounded (usable inward, others outward) */
		uint32_t i, k = 0, pt = 0, praw = 0;
		uint64_t pz = 0;
		for (i = 0; i < (uint32_t)n; i++) {
			uint32_t t, raw;
			uint64_t a = m->e[i].start, z = m->e[i].end_incl + 1;
			word_type(m->e[i].type, &t, &raw);
			if (t == TDXC_MEMREGION_USABLE) {
				a = (a + 0xfff) & ~0xfffull;
				z &= ~0xfffull;
				want_usable += z - a;
			} else {
				a &= ~0xfffull;
				z = (z + 0xfff) & ~0xfffull;
			}
			/* adjacent entries of one type merge */
			if (k && pz == a && pt == t && praw == raw) {
				pz = z;
				continue;
			}
			pz = z;
			pt = t;
			praw = raw;
			assert_int_equal(tdxc_memregion_region_get(b.mr, k, &r), 0);
			assert_int_equal(r.base, a);
			assert_int_equal(r.type, t);
			assert_int_equal(r.raw_type, raw);
			k++;
		}
		assert_int_equal(st.regions, k);
		assert_int_equal(st.type_bytes[TDXC_MEMREGION_USABLE], want_usable);
		assert_int_equal(st.free_frames, want_usable >> 12);
		assert_int_equal(st.managed_frames, want_usable >> 12);
	}
	printf("%-50s %2d entries, %6llu MiB usable%s\n", m->name, n,
	       (unsigned long long)(st.type_bytes[TDXC_MEMREGION_USABLE] >> 20),
	       m->complete ? " (complete)" : "");
	box_free(&b);
	free(text);
}

static void test_manifest(void **s)
{
	static struct mfile files[64];
	char path[512];
	size_t len;
	char *man;
	int nf, i, complete = 0;
	(void)s;
	snprintf(path, sizeof(path), "%s/memmaps/manifest.json", data_dir());
	man = slurp(path, &len);
	assert_non_null(man);
	nf = read_manifest(man, files, 64);
	assert_true(nf >= 10);
	for (i = 0; i < nf; i++) {
		check_file(data_dir(), &files[i]);
		complete += files[i].complete && files[i].n;
	}
	assert_true(complete >= 4);
	free(man);
}

/* The #1628 scenario on the real old-TDVF guest map (tdx-linux#5). */
static void test_rocky94_ap_tables(void **s)
{
	char path[512];
	size_t len;
	char *text;
	struct mr_box b;
	uint64_t pa, freed;
	int rc, n = 0;
	(void)s;
	snprintf(path, sizeof(path), "%s/memmaps/tdx_guest_tdxlinux5_rocky94_partial.dmesg.txt", data_dir());
	text = slurp(path, &len);
	assert_non_null(text);
	box_init(&b, 16, 4, 2 * GiB, 0);
	assert_int_equal(tdxc_memregion_add_dmesg(b.mr, text, len, NULL), 5);
	assert_int_equal(tdxc_memregion_reserve(b.mr, 0x800000, 0xc000, "tdx-ap-pagetables", 1), 0);
	assert_int_equal(tdxc_memregion_commit(b.mr), 0);
	assert_int_equal(tdxc_memregion_frame_state(b.mr, 0x80c000), TDXC_MEMREGION_FRAME_FOREIGN);
	while ((rc = tdxc_memregion_alloc_range(b.mr, 1, 0, 0, 0x1000000, &pa)) == 0)
		assert_false(pa >= 0x800000 && pa < 0x80d000);
	assert_int_equal(rc, TDXC_ENOMEM);
	assert_int_equal(tdxc_memregion_release(b.mr, 1, &freed), 0);
	assert_int_equal(freed, 0xc000);
	while (tdxc_memregion_alloc_range(b.mr, 1, 0, 0, 0x1000000, &pa) == 0) {
		assert_true(pa >= 0x800000 && pa < 0x80c000);
		n++;
	}
	assert_int_equal(n, 12);
	box_check(&b);
	box_free(&b);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest),
		cmocka_unit_test(test_rocky94_ap_tables),
	};
	char path[512];
	FILE *f;
	if (!data_dir()) {
		printf("TDXC_SHARED_DATA not set: real-data suite skipped\n");
		return 77;
	}
	snprintf(path, sizeof(path), "%s/memmaps/manifest.json", data_dir());
	f = fopen(path, "rb");
	if (!f) {
		printf("%s not found: real-data suite skipped\n", path);
		return 77;
	}
	fclose(f);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
