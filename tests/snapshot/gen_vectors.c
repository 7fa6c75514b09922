/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes the containers that the freestanding reader test reads: the
 * reference states of states.h saved by the hosted library, plain
 * (all.bin) and deflate-compressed (all-z.bin). Usage: gen_vectors <dir>.
 */
#include "states.h"

static void put(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct states s;
	size_t len, bound, clen;
	uint8_t *b, *c, *ws;
	if (argc != 2) {
		fprintf(stderr, "usage: %s <dir>\n", argv[0]);
		return 2;
	}
	states_make(&s, 1);
	b = states_container(&s, &len);
	put(argv[1], "all.bin", b, len);
	if (tdxc_snapshot_compress_bound(len, &bound) == TDXC_ENOTSUP) {
		/* No zlib here: a container that only claims to be compressed
		 * (flag set, CRC valid) is enough for a reader without zlib,
		 * which must refuse it before inflating. */
		bound = len;
		c = malloc(bound);
		ws = NULL;
		if (!c)
			abort();
		memcpy(c, b, len);
		c[12] |= TDXC_SNAPSHOT_F_COMPRESSED;
		c[len - 4] = c[len - 3] = c[len - 2] = c[len - 1] = 0;
		{
			uint32_t crc = tdxc_crc32(0, c, len - 4);
			c[len - 4] = (uint8_t)crc;
			c[len - 3] = (uint8_t)(crc >> 8);
			c[len - 2] = (uint8_t)(crc >> 16);
			c[len - 1] = (uint8_t)(crc >> 24);
		}
		clen = len;
	} else {
		c = malloc(bound);
		ws = malloc(TDXC_SNAPSHOT_DEFLATE_WORKSPACE);
		if (!c || !ws)
			abort();
		CK(tdxc_snapshot_compress(b, len, c, bound, 9, ws,
					  TDXC_SNAPSHOT_DEFLATE_WORKSPACE, &clen));
	}
	put(argv[1], "all-z.bin", c, clen);
	free(b);
	free(c);
	free(ws);
	states_free(&s);
	return 0;
}
