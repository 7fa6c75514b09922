/* SPDX-License-Identifier: BSD-2-Clause */
/* memregion human-readable dump (no printf: freestanding). */
#include "memregion_priv.h"

struct out {
	tdxc_memregion_emit_fn emit;
	void *ctx;
};

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void put(struct out *o, const char *s)
{
	o->emit(o->ctx, s, slen(s));
}

static void put_hex(struct out *o, uint64_t v, unsigned digits)
{
	char b[19];
	unsigned n = 0, i;
	uint64_t x = v;
	do {
		n++;
		x >>= 4;
	} while (x);
	if (n < digits)
		n = digits;
	b[0] = '0';
	b[1] = 'x';
	for (i = 0; i < n; i++)
		b[2 + n - 1 - i] = "0123456789abcdef"[(v >> (4 * i)) & 15];
	o->emit(o->ctx, b, 2 + n);
}

static void put_dec(struct out *o, uint64_t v)
{
	char b[20];
	unsigned n = 0;
	do {
		b[sizeof(b) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	o->emit(o->ctx, b + sizeof(b) - n, n);
}

static void put_range(struct out *o, uint64_t base, uint64_t end)
{
	put(o, "  ");
	put_hex(o, base, 16);
	put(o, "-");
	put_hex(o, end - 1, 16); /* inclusive, as Linux prints it */
}

TDXC_API int tdxc_memregion_dump(const struct tdxc_memregion *mr,
				 tdxc_memregion_emit_fn emit, void *ctx)
{
	struct tdxc_memregion_stats st;
	struct out o;
	uint32_t i, j;
	int rc;

	if (!mr || mr->magic != MR_MAGIC || !emit)
		return TDXC_EINVAL;
	rc = tdxc_memregion_stats(mr, &st);
	if (rc)
		return rc;
	o.emit = emit;
	o.ctx = ctx;

	put(&o, "resolved map (");
	put_dec(&o, mr->nres);
	put(&o, " regions, inclusive ends):\n");
	for (i = 0; i < mr->nres; i++) {
		const struct mr_ent *r = &mr->res[i];
		put_range(&o, r->base, r->end);
		put(&o, " ");
		put(&o, tdxc_memregion_type_name(r->type));
		if (r->type == TDXC_MEMREGION_UNKNOWN) {
			put(&o, " (raw ");
			put_dec(&o, r->raw);
			put(&o, ")");
		}
		for (j = 0; j < mr->nresv; j++) {
			const struct mr_resv *v = &mr->resv[j];
			if (v->state == TDXC_MEMREGION_RESV_LIVE &&
			    v->base < r->end && v->end > r->base) {
				put(&o, " [held by ");
				put(&o, v->owner);
				put(&o, "]");
			}
		}
		put(&o, "\n");
	}

	put(&o, "reservations (");
	put_dec(&o, mr->nresv);
	put(&o, "):\n");
	for (i = 0; i < mr->nresv; i++) {
		const struct mr_resv *v = &mr->resv[i];
		put_range(&o, v->base, v->end);
		put(&o, " owner ");
		put(&o, v->owner);
		if (v->event == TDXC_MEMREGION_PERMANENT) {
			put(&o, " permanent");
		} else {
			put(&o, " event ");
			put_hex(&o, v->event, 0);
		}
		put(&o, v->state == TDXC_MEMREGION_RESV_LIVE ? " live" : " released");
		put(&o, " ram ");
		put_dec(&o, tdxc__memregion_ram_bytes(mr, v->base, v->end));
		put(&o, " bytes\n");
	}

	put(&o, "per owner (live ram bytes / released ram bytes):\n");
	for (i = 0; i < mr->nresv; i++) {
		uint64_t live = 0, rel = 0;
		bool seen = false;
		for (j = 0; j < i; j++)
			if (!tdxc__memcmp(mr->resv[j].owner, mr->resv[i].owner,
					  sizeof(mr->resv[i].owner)))
				seen = true;
		if (seen)
			continue;
		for (j = i; j < mr->nresv; j++) {
			const struct mr_resv *v = &mr->resv[j];
			uint64_t b;
			if (tdxc__memcmp(v->owner, mr->resv[i].owner, sizeof(v->owner)))
				continue;
			b = tdxc__memregion_ram_bytes(mr, v->base, v->end);
			if (v->state == TDXC_MEMREGION_RESV_LIVE)
				live += b;
			else
				rel += b;
		}
		put(&o, "  ");
		put(&o, mr->resv[i].owner);
		put(&o, ": ");
		put_dec(&o, live);
		put(&o, " / ");
		put_dec(&o, rel);
		put(&o, "\n");
	}

	put(&o, "bytes per type:\n");
	for (i = 1; i < TDXC_MEMREGION_TYPE_COUNT; i++) {
		if (!st.type_bytes[i])
			continue;
		put(&o, "  ");
		put(&o, tdxc_memregion_type_name(i));
		put(&o, " ");
		put_dec(&o, st.type_bytes[i]);
		put(&o, "\n");
	}
	put(&o, "frames: managed ");
	put_dec(&o, st.managed_frames);
	put(&o, " free ");
	put_dec(&o, st.free_frames);
	put(&o, " allocated ");
	put_dec(&o, st.allocated_frames);
	put(&o, " held ");
	put_dec(&o, st.held_frames);
	put(&o, " largest free run ");
	put_dec(&o, st.largest_free_run);
	put(&o, "\nunaccepted bytes ");
	put_dec(&o, st.unaccepted_bytes);
	put(&o, ", accept calls ");
	put_dec(&o, st.accept_calls);
	put(&o, ", reserves ");
	put_dec(&o, st.reserve_count);
	put(&o, ", releases ");
	put_dec(&o, st.release_count);
	put(&o, "\n");
	return 0;
}
