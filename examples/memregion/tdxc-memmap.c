/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tdxc-memmap: read a Linux dmesg memory map (BIOS-e820 lines), resolve it
 * with libtdxcore's memregion module and print the result.
 *
 *   tdxc-memmap [--json] [--reserve BASE-END:OWNER[:EVENT]]...
 *               [--release EVENT]... [FILE | -]
 *
 * BASE and END are hexadecimal (0x optional) or decimal; END is exclusive.
 * Without EVENT a reservation is permanent (JSON "event":0). --release runs
 * after all reservations. Exit status: 0 success, 1 I/O or library error, 2 malformed
 * input or bad arguments (a malformed map line is reported with its number).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/memregion.h>

struct resv_arg {
	uint64_t base, end, event;
	char owner[TDXC_MEMREGION_OWNER_MAX + 1];
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tdxc-memmap [--json] [--reserve BASE-END:OWNER[:EVENT]]... "
		   "[--release EVENT]... [FILE | -]\n");
}

static int parse_u64(const char *s, const char *e, uint64_t *out)
{
	char buf[32], *end;
	size_t n = (size_t)(e - s);
	unsigned long long v;
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (buf[0] == '-' || buf[0] == '+' || buf[0] == ' ')
		return -1;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_reserve(const char *arg, struct resv_arg *r)
{
	const char *dash = strchr(arg, '-'), *c1, *c2;
	size_t on;
	if (!dash)
		return -1;
	c1 = strchr(dash, ':');
	if (!c1)
		return -1;
	c2 = strchr(c1 + 1, ':');
	if (parse_u64(arg, dash, &r->base) || parse_u64(dash + 1, c1, &r->end))
		return -1;
	if (r->end <= r->base)
		return -1;
	on = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
	if (on == 0 || on > TDXC_MEMREGION_OWNER_MAX)
		return -1;
	memcpy(r->owner, c1 + 1, on);
	r->owner[on] = 0;
	r->event = TDXC_MEMREGION_PERMANENT;
	if (c2 && parse_u64(c2 + 1, c2 + 1 + strlen(c2 + 1), &r->event))
		return -1;
	return 0;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static void emit_stdout(void *ctx, const char *text, size_t len)
{
	fwrite(text, 1, len, (FILE *)ctx);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void type_str(const struct tdxc_memregion_region *r, char *buf, size_t n)
{
	if (r->type == TDXC_MEMREGION_UNKNOWN)
		snprintf(buf, n, "unknown-%u", r->raw_type);
	else
		snprintf(buf, n, "%s", tdxc_memregion_type_name(r->type));
}

/* Buffers owned by main(), released on every exit path. */
struct bufs {
	struct resv_arg *resv;
	uint64_t *rel;
	char *text;
	void *storage;
};

static int run(int argc, char **argv, struct bufs *B)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	struct tdxc_memregion_region reg;
	struct tdxc_memregion_stats st;
	struct resv_arg *resv;
	uint64_t *rel, max_ram = 0, maxaddr;
	size_t nresv = 0, nrel = 0, len = 0, off = 0, need;
	const char *path = NULL;
	char *text;
	void *storage;
	uint32_t line = 0, bad = 0, n = 0, i;
	int json = 0, rc, a;
	FILE *f;

	resv = B->resv = calloc((size_t)argc, sizeof(*resv));
	rel = B->rel = calloc((size_t)argc, sizeof(*rel));
	if (!resv || !rel)
		return 1;
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--json")) {
			json = 1;
		} else if (!strcmp(argv[a], "--reserve") && a + 1 < argc) {
			if (parse_reserve(argv[++a], &resv[nresv])) {
				fprintf(stderr, "tdxc-memmap: bad --reserve '%s' (BASE-END:OWNER[:EVENT], END exclusive, owner 1..%u chars)\n",
					argv[a], TDXC_MEMREGION_OWNER_MAX);
				return 2;
			}
			nresv++;
		} else if (!strcmp(argv[a], "--release") && a + 1 < argc) {
			a++;
			if (parse_u64(argv[a], argv[a] + strlen(argv[a]), &rel[nrel])) {
				fprintf(stderr, "tdxc-memmap: bad --release '%s'\n", argv[a]);
				return 2;
			}
			nrel++;
		} else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			usage(stdout);
			return 0;
		} else if (argv[a][0] == '-' && argv[a][1]) {
			usage(stderr);
			return 2;
		} else if (!path) {
			path = argv[a];
		} else {
			usage(stderr);
			return 2;
		}
	}
	f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "tdxc-memmap: %s: %s\n", path, strerror(errno));
		return 1;
	}
	text = B->text = read_all(f, &len);
	if (f != stdin)
		fclose(f);
	if (!text) {
		fprintf(stderr, "tdxc-memmap: read error\n");
		return 1;
	}

	/* First pass: count entries and find the top of RAM (sizes storage). */
	for (;;) {
		rc = tdxc_memregion_parse_dmesg(text, len, &off, &line, &reg);
		if (rc == 0)
			break;
		if (rc < 0) {
			fprintf(stderr, "%s:%u: malformed memory map line\n",
				path ? path : "<stdin>", line);
			return 2;
		}
		n++;
		if ((reg.type == TDXC_MEMREGION_USABLE || reg.type == TDXC_MEMREGION_UNACCEPTED) &&
		    reg.end > max_ram)
			max_ram = reg.end;
	}
	maxaddr = (max_ram + 4095) & ~(uint64_t)4095;
	if (maxaddr < max_ram || maxaddr > TDXC_MEMREGION_MAX_ADDR_LIMIT) {
		fprintf(stderr, "tdxc-memmap: RAM above %#llx is not supported\n",
			(unsigned long long)TDXC_MEMREGION_MAX_ADDR_LIMIT);
		return 1;
	}
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = n ? n : 1;
	p.max_reservations = nresv ? (uint32_t)nresv : 1;
	p.max_addr = maxaddr ? maxaddr : 4096;
	need = tdxc_memregion_storage_size(&p);
	storage = B->storage = need ? aligned_alloc(64, (need + 63) & ~(size_t)63) : NULL;
	if (!storage) {
		fprintf(stderr, "tdxc-memmap: cannot size the allocator\n");
		return 1;
	}
	rc = tdxc_memregion_init(&mr, storage, need, &p);
	if (!rc)
		rc = tdxc_memregion_add_dmesg(mr, text, len, &bad);
	if (rc < 0) {
		fprintf(stderr, "tdxc-memmap: %s (line %u)\n", tdxc_strerror(rc), bad);
		return rc == TDXC_EMALFORMED ? 2 : 1;
	}
	for (i = 0; i < nresv; i++) {
		rc = tdxc_memregion_reserve(mr, resv[i].base, resv[i].end - resv[i].base,
					    resv[i].owner, resv[i].event);
		if (rc) {
			fprintf(stderr, "tdxc-memmap: reserve %s: %s\n", resv[i].owner, tdxc_strerror(rc));
			return 1;
		}
	}
	rc = tdxc_memregion_commit(mr);
	if (rc) {
		fprintf(stderr, "tdxc-memmap: %s\n", tdxc_strerror(rc));
		return 1;
	}
	for (i = 0; i < nrel; i++) {
		uint64_t freed = 0;
		rc = tdxc_memregion_release(mr, rel[i], &freed);
		if (rc) {
			fprintf(stderr, "tdxc-memmap: release %llu: %s\n",
				(unsigned long long)rel[i], tdxc_strerror(rc));
			return 1;
		}
		if (!json)
			printf("released event %llu: %llu bytes back to the pool\n",
			       (unsigned long long)rel[i], (unsigned long long)freed);
	}
	if (tdxc_memregion_stats(mr, &st))
		return 1;

	if (!json) {
		tdxc_memregion_dump(mr, emit_stdout, stdout);
		printf("usable bytes %llu\n", (unsigned long long)st.type_bytes[TDXC_MEMREGION_USABLE]);
		return 0;
	}
	printf("{\"regions\":[");
	for (i = 0; tdxc_memregion_region_get(mr, i, &reg) == 0; i++) {
		char t[32];
		type_str(&reg, t, sizeof(t));
		printf("%s{\"base\":\"0x%llx\",\"end\":\"0x%llx\",\"type\":\"%s\"}", i ? "," : "",
		       (unsigned long long)reg.base, (unsigned long long)reg.end, t);
	}
	printf("],\"usable_bytes\":%llu,\"free_frames\":%llu,\"reserved\":[",
	       (unsigned long long)st.type_bytes[TDXC_MEMREGION_USABLE],
	       (unsigned long long)st.free_frames);
	for (i = 0; i < nresv; i++) {
		struct tdxc_memregion_reservation rv;
		if (tdxc_memregion_reservation_get(mr, i, &rv))
			return 1;
		printf("%s{\"base\":\"0x%llx\",\"end\":\"0x%llx\",\"owner\":", i ? "," : "",
		       (unsigned long long)rv.base, (unsigned long long)rv.end);
		json_str(rv.owner);
		printf(",\"event\":%llu}", (unsigned long long)rv.event);
	}
	printf("]}\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct bufs b = {NULL, NULL, NULL, NULL};
	int rc = run(argc, argv, &b);
	free(b.resv);
	free(b.rel);
	free(b.text);
	free(b.storage);
	return rc;
}
