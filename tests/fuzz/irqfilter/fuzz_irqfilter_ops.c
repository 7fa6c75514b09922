/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Random input/write sequences against an independent model of the filter
 * rules. Each op is decoded from the input; after every call:
 *  - a failed call left the whole object byte-identical;
 *  - the error code is the one the model predicts;
 *  - a VP that was just synced publishes exactly the model's filter;
 *  - no published filter ever allows a vector 0..15;
 *  - apply8/apply1 deliver exactly asserted & published.
 * Save/restore into a second partition must reproduce the same filters.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tdxcore/irqfilter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define NVP 4
#define NENT 8
#define NDEV 4

struct model {
	uint64_t sint[NVP][2][16];
	uint64_t scontrol[NVP][2];
	uint32_t policy;
	uint16_t relay;
	uint32_t refs[NDEV][256][NVP];
};

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint64_t u64(struct in *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)u8(in) << (8 * i);
	return v;
}

static void check(int cond)
{
	if (!cond)
		__builtin_trap();
}

static void model_filter(const struct model *m, uint32_t vp, uint32_t w[8])
{
	memset(w, 0, 32);
	if ((m->scontrol[vp][0] & 1) || (m->policy & TDXC_IRQFILTER_POLICY_IGNORE_SCONTROL))
		for (int n = 0; n < 16; n++) {
			uint64_t s = m->sint[vp][0][n];
			unsigned v = s & 0xff;
			if (s & TDXC_IRQFILTER_SINT_MASKED)
				continue;
			if ((s & TDXC_IRQFILTER_SINT_POLLING) &&
			    !(m->policy & TDXC_IRQFILTER_POLICY_COUNT_POLLING))
				continue;
			if (!(s & TDXC_IRQFILTER_SINT_PROXY) && !((m->relay >> n) & 1))
				continue;
			if (v >= 16)
				w[v >> 5] |= 1u << (v & 31);
		}
	for (int d = 0; d < NDEV; d++)
		for (unsigned v = 16; v < 256; v++)
			if (m->refs[d][v][vp])
				w[v >> 5] |= 1u << (v & 31);
}

static uint32_t model_entries(const struct model *m)
{
	uint32_t n = 0;
	for (int d = 0; d < NDEV; d++)
		for (int v = 0; v < 256; v++)
			for (int p = 0; p < NVP; p++)
				n += m->refs[d][v][p] != 0;
	return n;
}

static struct tdxc_irqfilter_part *make(void **mem, size_t *size)
{
	struct tdxc_irqfilter_params p;
	struct tdxc_irqfilter_part *part;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = NVP;
	p.max_device_entries = NENT;
	check(tdxc_irqfilter_storage_size(&p, size) == 0);
	*mem = aligned_alloc(64, *size);
	check(*mem != NULL);
	check(tdxc_irqfilter_init(*mem, *size, &p, &part) == 0);
	return part;
}

static void check_synced(struct tdxc_irqfilter_vp *vp, const struct model *m, uint32_t i)
{
	uint32_t got[8], want[8];
	check(tdxc_irqfilter_read(vp, got, NULL) == 0);
	model_filter(m, i, want);
	check(memcmp(got, want, sizeof(got)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct model m;
	struct in in = { data, len };
	struct tdxc_irqfilter_part *part;
	struct tdxc_irqfilter_vp *vps[NVP];
	void *mem, *snap;
	size_t size;

	memset(&m, 0, sizeof(m));
	for (int i = 0; i < NVP; i++)
		for (int v = 0; v < 2; v++)
			for (int n = 0; n < 16; n++)
				m.sint[i][v][n] = TDXC_IRQFILTER_SINT_RESET;
	part = make(&mem, &size);
	snap = malloc(size);
	for (uint32_t i = 0; i < NVP; i++)
		check(tdxc_irqfilter_vp_get(part, i, &vps[i]) == 0);

	for (int ops = 0; in.n && ops < 256; ops++) {
		uint8_t op = u8(&in) % 11;
		uint32_t vp = u8(&in) % NVP;
		int rc = 0, want;
		memcpy(snap, mem, size);
		switch (op) {
		case 0: { /* SINT write */
			uint32_t vtl = u8(&in) % 3, n = u8(&in) % 20;
			uint64_t v = u64(&in);
			want = 0;
			if (vtl > 1)
				want = TDXC_ENOTSUP;
			else if (n >= 16)
				want = TDXC_ERANGE;
			else if (!(m.policy & TDXC_IRQFILTER_POLICY_ACCEPT_LOW_VECTORS) &&
				 !(v & TDXC_IRQFILTER_SINT_MASKED) && (v & 0xff) < 16)
				want = TDXC_ERANGE;
			rc = tdxc_irqfilter_sint_write(vps[vp], vtl, n, v);
			check(want < 0 ? rc == want : rc >= 0);
			if (rc >= 0) {
				m.sint[vp][vtl][n] = v;
				if (vtl == 0)
					check_synced(vps[vp], &m, vp);
			}
			break;
		}
		case 1: { /* SCONTROL */
			uint32_t vtl = u8(&in) % 3;
			uint64_t v = u8(&in);
			rc = tdxc_irqfilter_scontrol_write(vps[vp], vtl, v);
			check(vtl > 1 ? rc == TDXC_ENOTSUP : rc >= 0);
			if (rc >= 0) {
				m.scontrol[vp][vtl] = v;
				if (vtl == 0)
					check_synced(vps[vp], &m, vp);
			}
			break;
		}
		case 2: {
			uint16_t r = (uint16_t)(u8(&in) | u8(&in) << 8);
			check(tdxc_irqfilter_set_relay_sints(part, r, NULL) == 0);
			m.relay = r;
			break;
		}
		case 3: {
			uint32_t pol = u8(&in) % 16;
			rc = tdxc_irqfilter_set_policy(part, pol, NULL);
			check(pol > 7 ? rc == TDXC_EFLAGS : rc == 0);
			if (!rc)
				m.policy = pol;
			break;
		}
		case 4:
		case 5: { /* device add / remove */
			uint32_t dev = u8(&in) % NDEV, vec = u8(&in), sel = u8(&in), list[NVP + 2];
			uint32_t n = 0, fresh = 0, missing = 0, over = 0;
			if (sel & 0x80)
				vec += 256;
			for (uint32_t i = 0; i < NVP; i++)
				if (sel & (1u << i))
					list[n++] = i;
			if ((sel & 0x40) && n) /* a duplicate: not a set */
				list[n] = list[n - 1], n++;
			if (sel & 0x20) /* out of range */
				list[n++] = NVP + 1;
			want = 0;
			if (n == 0)
				want = TDXC_EINVAL;
			else if (vec < 16 || vec > 255 || (sel & 0x20))
				want = TDXC_ERANGE;
			else if (sel & 0x40)
				want = TDXC_EINVAL;
			if (!want)
				for (uint32_t i = 0; i < n; i++) {
					fresh += m.refs[dev][vec][list[i]] == 0;
					missing += m.refs[dev][vec][list[i]] == 0;
					over += m.refs[dev][vec][list[i]] == UINT32_MAX;
				}
			if (!want && op == 4 && over)
				want = TDXC_EOVERFLOW;
			else if (!want && op == 4 && model_entries(&m) + fresh > NENT)
				want = TDXC_ENOSPC;
			else if (!want && op == 5 && missing)
				want = TDXC_ENOENT;
			rc = op == 4 ? tdxc_irqfilter_device_add(part, dev, vec, list, n, NULL)
				     : tdxc_irqfilter_device_remove(part, dev, vec, list, n, NULL);
			check(rc == want);
			if (!rc)
				for (uint32_t i = 0; i < n; i++)
					m.refs[dev][vec][list[i]] += op == 4 ? 1 : (uint32_t)-1;
			break;
		}
		case 6:
			rc = tdxc_irqfilter_vp_sync(vps[vp]);
			check(rc >= 0);
			check_synced(vps[vp], &m, vp);
			break;
		case 7: {
			uint32_t a[8], exp[8], out[8], pub[8];
			int blocked = 0, in_place = u8(&in) & 1;
			for (int i = 0; i < 8; i++)
				a[i] = (uint32_t)u64(&in);
			check(tdxc_irqfilter_read(vps[vp], pub, NULL) == 0);
			for (int i = 0; i < 8; i++) {
				exp[i] = a[i] & pub[i];
				blocked += __builtin_popcount(a[i] & ~pub[i]);
			}
			rc = tdxc_irqfilter_apply8(vps[vp], a, in_place ? a : out);
			check(rc == blocked);
			check(memcmp(in_place ? a : out, exp, sizeof(exp)) == 0);
			rc = 0;
			break;
		}
		case 8: {
			uint32_t v = (uint32_t)u64(&in), pub[8];
			check(tdxc_irqfilter_read(vps[vp], pub, NULL) == 0);
			rc = tdxc_irqfilter_apply1(vps[vp], v);
			check(rc == (int)((pub[(v & 0xff) >> 5] >> (v & 31)) & 1));
			break;
		}
		case 9: { /* save, restore into a twin, recompute, compare */
			struct tdxc_irqfilter_part *twin;
			void *tmem, *blob;
			size_t tsize, blen;
			twin = make(&tmem, &tsize);
			check(tdxc_irqfilter_save_size(part, &blen) == 0);
			blob = malloc(blen);
			check(tdxc_irqfilter_save(part, blob, blen, NULL) == 0);
			check(tdxc_irqfilter_restore(twin, blob, blen) == 0);
			check(tdxc_irqfilter_sync_all(twin) >= 0);
			for (uint32_t i = 0; i < NVP; i++) {
				struct tdxc_irqfilter_vp *t;
				check(tdxc_irqfilter_vp_get(twin, i, &t) == 0);
				check_synced(t, &m, i);
			}
			free(blob);
			free(tmem);
			break;
		}
		case 10:
			check(tdxc_irqfilter_sync_all(part) >= 0);
			for (uint32_t i = 0; i < NVP; i++)
				check_synced(vps[i], &m, i);
			break;
		}
		/* A refused call changed nothing (drop counters aside: only the
		 * apply ops touch them, and those never fail here). */
		if (rc < 0)
			check(memcmp(snap, mem, size) == 0);
		/* Never an exception vector, on any VP. */
		for (uint32_t i = 0; i < NVP; i++) {
			uint32_t pub[8];
			check(tdxc_irqfilter_read(vps[i], pub, NULL) == 0);
			check((pub[0] & 0xffff) == 0);
		}
	}
	free(snap);
	free(mem);
	return 0;
}
