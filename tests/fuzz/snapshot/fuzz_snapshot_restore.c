/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every module restore entry point fed through the snapshot container.
 *
 * Input: byte 0 bit 0 selects the mode.
 *  - raw (bit 0 set): bytes 1.. are a whole container (compressed ones are
 *    inflated into a bounded scratch buffer);
 *  - records (bit 0 clear): byte 1 is the producer VTL, then records
 *    {u8 module selector, u8 module version, u16 le length, payload}; the
 *    target wraps them in a container with a valid CRC so that the fuzzer
 *    reaches the module parsers instead of the checksum.
 * Each restore goes into fresh objects; a restore that fails must leave
 * its object byte for byte unchanged, one that succeeds must leave a
 * consistent object that keeps working.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memregion/memregion_priv.h"
#include <tdxcore/bpool.h>
#include <tdxcore/irqfilter.h>
#include <tdxcore/memregion.h>
#include <tdxcore/snapshot.h>
#include <tdxcore/vtlctx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SCRATCH_MAX (1u << 20)
#define ARENA (1u << 20)
#define NEXUS (64u * 1024u)

static uint8_t out[1u << 17];
static uint8_t scratch[SCRATCH_MAX + TDXC_SNAPSHOT_INFLATE_WORKSPACE];
static uint8_t before[1u << 20];
static _Alignas(64) uint8_t arena_nexus[ARENA + NEXUS + 4096];

static void die_if(int cond)
{
	if (cond)
		abort();
}

static const uint16_t mods[5] = { TDXC_SNAPSHOT_MOD_MEMREGION, TDXC_SNAPSHOT_MOD_VTLCTX,
				   TDXC_SNAPSHOT_MOD_IRQFILTER, TDXC_SNAPSHOT_MOD_BPOOL,
				   TDXC_SNAPSHOT_MOD_USER };

/* Build a container from the record stream; returns its length or 0. */
static size_t wrap(const uint8_t *d, size_t n)
{
	struct tdxc_snapshot_writer w;
	size_t pos = 1, total = 0;
	if (n < 1 || tdxc_snapshot_writer_init(&w, out, sizeof(out), d[0]) != 0)
		return 0;
	while (pos + 4 <= n) {
		uint16_t mod = mods[d[pos] % 5];
		uint32_t flags = d[pos] >= 128 ? TDXC_SNAPSHOT_REC_OPTIONAL : 0;
		uint16_t ver = d[pos + 1];
		size_t len = tdxc__le16(d + pos + 2);
		pos += 4;
		if (len > n - pos)
			len = n - pos;
		if (tdxc_snapshot_add(&w, mod, ver, flags, d + pos, len) != 0)
			break;
		pos += len;
	}
	if (tdxc_snapshot_finish(&w, &total) != 0)
		return 0;
	return total;
}

static void vtlctx_case(const struct tdxc_snapshot_reader *r, uint8_t cfg)
{
	static _Alignas(64) uint8_t mem[32768];
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *s;
	size_t len;
	uint64_t v;
	int rc;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.caps = cfg & TDXC_VTLCTX_CAP_ALL;
	p.n_vtls = (uint8_t)(1 + ((cfg >> 2) & 1));
	p.backend = TDXC_VTLCTX_BACKEND_TDX_STAGED;
	die_if(tdxc_vtlctx_storage_size(&p, &len) != 0 || len > sizeof(mem));
	die_if(tdxc_vtlctx_init(mem, len, &p, NULL, &s) != 0);
	if (p.n_vtls > 1 && (cfg & 8))
		die_if(tdxc_vtlctx_enable(s, 1) != 0);
	memcpy(before, mem, len);
	rc = tdxc_vtlctx_snapshot_restore(s, (cfg >> 4) & 1, r);
	if (rc) {
		die_if(memcmp(before, mem, len) != 0);
		return;
	}
	die_if(tdxc_vtlctx_check(s) != 0);
	die_if(tdxc_vtlctx_get(s, p.n_vtls, 0, TDXC_VTLCTX_F_RIP, &v) != 0);
	die_if(tdxc_vtlctx_set(s, p.n_vtls, 0, TDXC_VTLCTX_F_RAX, v) != 0);
}

static void irqfilter_case(const struct tdxc_snapshot_reader *r, uint8_t cfg)
{
	static _Alignas(64) uint8_t mem[65536];
	struct tdxc_irqfilter_params p;
	struct tdxc_irqfilter_part *part;
	struct tdxc_irqfilter_vp *vp;
	size_t len;
	uint32_t f[8];
	uint64_t g;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = 1 + (cfg & 3);
	p.max_device_entries = 8;
	die_if(tdxc_irqfilter_storage_size(&p, &len) != 0 || len > sizeof(mem));
	die_if(tdxc_irqfilter_init(mem, len, &p, &part) != 0);
	memcpy(before, mem, len);
	if (tdxc_irqfilter_snapshot_restore(part, r)) {
		die_if(memcmp(before, mem, len) != 0);
		return;
	}
	die_if(tdxc_irqfilter_sync_all(part) < 0);
	die_if(tdxc_irqfilter_vp_get(part, 0, &vp) != 0);
	die_if(tdxc_irqfilter_read(vp, f, &g) < 0);
	/* vectors 0..15 are never allowed, whatever the blob said */
	die_if((f[0] & 0xffff) != 0);
}

static int accept_ok(void *o, uint64_t b, uint64_t l)
{
	(void)o;
	(void)b;
	(void)l;
	return 0;
}

static void memregion_case(const struct tdxc_snapshot_reader *r, uint8_t cfg)
{
	static _Alignas(64) uint8_t mem[1u << 19];
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	size_t len;
	uint64_t pa;
	int i;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = cfg & 1 ? TDXC_MEMREGION_F_TRACK_FREED : 0;
	p.max_regions = 8;
	p.max_reservations = 8;
	p.max_addr = UINT64_C(1) << 32;
	len = tdxc_memregion_storage_size(&p);
	die_if(len == 0 || len > sizeof(mem));
	die_if(tdxc_memregion_init(&mr, mem, len, &p) != 0);
	die_if(tdxc_memregion_set_accept_fn(mr, accept_ok, NULL) != 0);
	memcpy(before, mem, len);
	if (tdxc_memregion_snapshot_restore(mr, r)) {
		die_if(memcmp(before, mem, len) != 0);
		return;
	}
	die_if(tdxc__memregion_check(mr) != 0);
	for (i = 0; i < 4 && tdxc_memregion_alloc(mr, &pa) == 0; i++)
		die_if(tdxc_memregion_free(mr, pa, 4096) != 0);
	die_if(tdxc__memregion_check(mr) != 0);
}

static void bpool_case(const struct tdxc_snapshot_reader *r, uint8_t cfg)
{
	static struct tdxc_bpool_registry reg;
	struct tdxc_bpool_registry_params p;
	struct tdxc_bpool_registry_stats st;
	uint8_t *nexus = arena_nexus, *arena = arena_nexus + NEXUS;
	void *x;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_id = cfg & 1 ? 100 : 0;
	p.max_guests = cfg & 2 ? 4 : 0;
	memset(&reg, 0, sizeof(reg));
	die_if(tdxc_bpool_registry_init(&reg, nexus, NEXUS, &p) != 0);
	memcpy(before, &reg, sizeof(reg));
	memcpy(before + sizeof(reg), nexus, NEXUS);
	if (tdxc_bpool_registry_snapshot_restore(&reg, arena, ARENA, r)) {
		die_if(memcmp(before, &reg, sizeof(reg)) != 0);
		die_if(memcmp(before + sizeof(reg), nexus, NEXUS) != 0);
		return;
	}
	die_if(tdxc_bpool_registry_stats(&reg, &st) != 0);
	if (tdxc_bpool_guest_alloc(&reg, 1, 16, 16, &x) == 0) {
		die_if((uint8_t *)x < arena || (uint8_t *)x >= arena + ARENA);
		die_if(tdxc_bpool_guest_free(&reg, 1, x) != 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tdxc_snapshot_reader r;
	const uint8_t *blob;
	size_t len, need = 0;
	uint8_t cfg;

	if (size < 2)
		return 0;
	cfg = data[0];
	if (cfg & 1) {
		blob = data + 1;
		len = size - 1;
	} else {
		blob = out;
		len = wrap(data + 1, size - 1);
		if (!len)
			return 0;
	}
	if (tdxc_snapshot_scratch_size(blob, len, &need) != 0 || need > sizeof(scratch))
		return 0;
	if (tdxc_snapshot_open(&r, blob, len, scratch, need) != 0)
		return 0;
	vtlctx_case(&r, cfg >> 1);
	irqfilter_case(&r, cfg >> 3);
	memregion_case(&r, cfg >> 5);
	bpool_case(&r, cfg >> 6);
	return 0;
}
