/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proxy-IRR filter: inputs, recompute, latch publication, readers, device
 * table and cross-VP generation tracking.
 *
 * Memory ordering (all shared words go through __atomic builtins):
 *
 * Publication (VP writer, one per VP) uses two versioned copies, each alone
 * on its own cache line, line[j] = { ver, w[4] } (a "latch" whose sequence
 * word lives inside each copy). An even ver is a complete version (ver / 2
 * publishes so far); an odd ver marks the line as being rewritten. Each ver
 * word only grows, so every value it takes is unique and a re-check cannot
 * be fooled by an ABA. Publish number n:
 *     line[1].ver = 2n-1 (relaxed); line[1].w[k] = new (release stores);
 *     line[1].ver = 2n (release);
 *     line[0].ver = 2n-1 (release); line[0].w[k] = new (release stores);
 *     line[0].ver = 2n (release)
 * so line 1 is rewritten while line 0 holds the latest version, and line 0
 * while line 1 does. Readers:
 *     v = line[0].ver (acquire);
 *     if v is odd: line 1 instead (v = line[1].ver (acquire); odd: retry);
 *     words = line[i].w (acquire loads); retry if line[i].ver (relaxed) != v
 * If a reader's acquire load of a word returns a value from a release store
 * that follows ver = 2n-1 of that line in the writer, that odd store
 * happens-before the reader's re-check, which then sees the ver moved and
 * retries: a returned set of words is always one complete published filter.
 * A reader that acquires line[0].ver = 2n-1 (a release store) also sees the
 * complete version n in line 1, stored before it. A reader that interrupts
 * the writer half way (same CPU) finds the line it needs complete and never
 * waits. (No standalone fences: on x86 every one of these accesses is a
 * plain mov, and ThreadSanitizer models them exactly.)
 *
 * Cache behaviour: readers touch line 0 only, unless they catch the writer
 * in the middle of rewriting it; line 1 is the writer's scratch copy. A
 * publish writes line 1 (nobody reads it) and then line 0 once, so a reader
 * re-fetches one line per publish, and its data loads do not depend on a
 * loaded index (the line is fixed), so they are not serialised behind the
 * ver load. Nothing else that changes at run time (applied_gen, dev_bits,
 * counters, writer state) shares the two lines.
 *
 * Partition state read by VP writers (device bits, relay mask, policy) is
 * stored relaxed and then published by a release increment of the
 * generation; a VP writer loads the generation with acquire first, so the
 * inputs it reads are at least as new as that generation. After publishing
 * it stores the generation into applied_gen with release, so a waiter that
 * acquires applied_gen >= g (and anything causally after it, such as the
 * hypervisor delivering an interrupt) sees the published filter.
 */
#include "irqfilter_priv.h"

#define RLX __ATOMIC_RELAXED
#define ACQ __ATOMIC_ACQUIRE
#define REL __ATOMIC_RELEASE

/* Smallest params struct ever released. */
#define PARAMS_MIN_SIZE 24u

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ __volatile__("pause" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

bool tdxc__irqfilter_part_ok(const struct tdxc_irqfilter_part *p)
{
	return p && p->magic == IRQF_MAGIC;
}

bool tdxc__irqfilter_sint_ok(uint64_t value, uint32_t policy)
{
	/* An unmasked SINT with an exception vector is #GP (as KVM: masked
	 * writes such as the reset value 0x10000 are accepted). */
	if (policy & TDXC_IRQFILTER_POLICY_ACCEPT_LOW_VECTORS)
		return true;
	if (value & TDXC_IRQFILTER_SINT_MASKED)
		return true;
	return (value & TDXC_IRQFILTER_SINT_VECTOR_MASK) >= TDXC_IRQFILTER_FIRST_VECTOR;
}

/* ---- sizes and creation ------------------------------------------------ */

static int get_params(const struct tdxc_irqfilter_params *in,
		      struct tdxc_irqfilter_params *p)
{
	int rc;
	if (!in)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(p, sizeof(*p), in, PARAMS_MIN_SIZE);
	if (rc)
		return rc;
	if (p->reserved0 || p->reserved1)
		return TDXC_ERESERVED;
	if (p->vp_count == 0 || p->vp_count > TDXC_IRQFILTER_MAX_VPS ||
	    p->max_device_entries > TDXC_IRQFILTER_MAX_DEVICE_ENTRIES)
		return TDXC_ERANGE;
	return tdxc__check_flags(p->policy, TDXC_IRQFILTER_POLICY_ALL);
}

static int total_size(const struct tdxc_irqfilter_params *p, size_t *out)
{
	size_t vps, ents, sum;
	uint64_t r;
	int rc = tdxc__mul_size(p->vp_count, sizeof(struct tdxc_irqfilter_vp), &vps);
	if (!rc)
		rc = tdxc__mul_size(p->max_device_entries, sizeof(struct irqf_dev), &ents);
	if (!rc)
		rc = tdxc__add_size(sizeof(struct tdxc_irqfilter_part), vps, &sum);
	if (!rc)
		rc = tdxc__add_size(sum, ents, &sum);
	if (!rc)
		rc = tdxc__align_up_u64(sum, 64, &r);
	if (rc)
		return rc;
	if (r > (size_t)-1)
		return TDXC_EOVERFLOW;
	*out = (size_t)r;
	return 0;
}

int tdxc_irqfilter_storage_size(const struct tdxc_irqfilter_params *params, size_t *size)
{
	struct tdxc_irqfilter_params p;
	int rc;
	if (!size)
		return TDXC_EINVAL;
	rc = get_params(params, &p);
	if (rc)
		return rc;
	return total_size(&p, size);
}

void tdxc__irqfilter_vp_reset(struct tdxc_irqfilter_vp *vp, struct tdxc_irqfilter_part *p,
			      uint32_t index)
{
	unsigned v, n;
	tdxc__memset(vp, 0, sizeof(*vp));
	vp->part = p;
	vp->index = index;
	for (v = 0; v < IRQF_NVTL; v++)
		for (n = 0; n < IRQF_NSINT; n++)
			vp->sint[v][n] = TDXC_IRQFILTER_SINT_RESET;
}

int tdxc_irqfilter_init(void *storage, size_t len, const struct tdxc_irqfilter_params *params,
			struct tdxc_irqfilter_part **out)
{
	struct tdxc_irqfilter_params prm;
	struct tdxc_irqfilter_part *p;
	size_t need;
	uint32_t i;
	int rc;

	if (!storage || !out)
		return TDXC_EINVAL;
	rc = get_params(params, &prm);
	if (!rc)
		rc = total_size(&prm, &need);
	if (rc)
		return rc;
	if (!tdxc__is_aligned(storage, TDXC_IRQFILTER_STORAGE_ALIGN))
		return TDXC_EALIGN;
	if (len < need)
		return TDXC_ENOSPC;

	tdxc__memset(storage, 0, need);
	p = (struct tdxc_irqfilter_part *)storage;
	p->vp_count = prm.vp_count;
	p->max_entries = prm.max_device_entries;
	p->policy = prm.policy;
	p->relay = prm.relay_sints;
	p->gen = 1;
	p->vps = (struct tdxc_irqfilter_vp *)(void *)((uint8_t *)storage + sizeof(*p));
	p->entries = (struct irqf_dev *)(void *)(p->vps + prm.vp_count);
	for (i = 0; i < prm.vp_count; i++)
		tdxc__irqfilter_vp_reset(&p->vps[i], p, i);
	/* Publish the object only when it is complete. */
	__atomic_store_n(&p->magic, IRQF_MAGIC, REL);
	*out = p;
	return 0;
}

int tdxc_irqfilter_vp_get(struct tdxc_irqfilter_part *part, uint32_t index,
			  struct tdxc_irqfilter_vp **out)
{
	if (!tdxc__irqfilter_part_ok(part) || !out)
		return TDXC_EINVAL;
	if (index >= part->vp_count)
		return TDXC_ERANGE;
	*out = &part->vps[index];
	return 0;
}

/* ---- recompute and publish (VP writer) --------------------------------- */

/* The filter as a pure function of the inputs. */
static void compute(const struct tdxc_irqfilter_vp *vp, uint32_t policy, uint32_t relay,
		    const uint32_t dev[IRQF_WORDS], uint32_t out[IRQF_WORDS])
{
	unsigned i;
	for (i = 0; i < IRQF_WORDS; i++)
		out[i] = dev[i];
	if ((vp->scontrol[0] & TDXC_IRQFILTER_SCONTROL_ENABLE) ||
	    (policy & TDXC_IRQFILTER_POLICY_IGNORE_SCONTROL)) {
		for (i = 0; i < IRQF_NSINT; i++) {
			uint64_t s = vp->sint[0][i];
			unsigned v;
			if (s & TDXC_IRQFILTER_SINT_MASKED)
				continue;
			if ((s & TDXC_IRQFILTER_SINT_POLLING) &&
			    !(policy & TDXC_IRQFILTER_POLICY_COUNT_POLLING))
				continue;
			if (!(s & TDXC_IRQFILTER_SINT_PROXY) && !((relay >> i) & 1u))
				continue;
			v = (unsigned)(s & TDXC_IRQFILTER_SINT_VECTOR_MASK);
			out[v >> 5] |= 1u << (v & 31);
		}
	}
	/* F1: exception vectors are never allowed, whatever the source. */
	out[0] &= ~0xffffu;
}

void tdxc__irqfilter_publish(struct tdxc_irqfilter_vp *vp, const uint32_t allowed[IRQF_WORDS])
{
	uint64_t n = vp->pubs + 1; /* writer-private count: no load of a reader line */
	uint64_t q[IRQF_WORDS / 2];
	unsigned i;

	for (i = 0; i < IRQF_WORDS / 2; i++)
		q[i] = (uint64_t)allowed[2 * i] | (uint64_t)allowed[2 * i + 1] << 32;
	/* Line 1 while readers use line 0 (see the top of the file)... */
	__atomic_store_n(&vp->line[1].ver, 2 * n - 1, RLX);
	for (i = 0; i < IRQF_WORDS / 2; i++)
		__atomic_store_n(&vp->line[1].w[i], q[i], REL);
	__atomic_store_n(&vp->line[1].ver, 2 * n, REL);
	/* ...then line 0, readers switching to line 1 meanwhile. Release: a
	 * reader that sees the odd ver sees version n complete in line 1. */
	__atomic_store_n(&vp->line[0].ver, 2 * n - 1, REL);
	for (i = 0; i < IRQF_WORDS / 2; i++)
		__atomic_store_n(&vp->line[0].w[i], q[i], REL);
	__atomic_store_n(&vp->line[0].ver, 2 * n, REL);
	vp->pubs = n;

	if (vp->mirror) {
		/* Make before break: first allow old | new, then only new (each
		 * release store is ordered after every union store). */
		for (i = 0; i < IRQF_WORDS; i++)
			__atomic_store_n(&vp->mirror[i], ~(vp->cur[i] | allowed[i]), RLX);
		for (i = 0; i < IRQF_WORDS; i++)
			__atomic_store_n(&vp->mirror[i], ~allowed[i], REL);
	}
	for (i = 0; i < IRQF_WORDS; i++)
		vp->cur[i] = allowed[i];
}

/* Recompute from the current inputs; publish only on change (F6). */
static int refresh(struct tdxc_irqfilter_vp *vp)
{
	struct tdxc_irqfilter_part *p = vp->part;
	uint32_t dev[IRQF_WORDS], next[IRQF_WORDS];
	uint64_t g = __atomic_load_n(&p->gen, ACQ);
	uint32_t policy = __atomic_load_n(&p->policy, RLX);
	uint32_t relay = __atomic_load_n(&p->relay, RLX);
	int changed = 0;
	unsigned i;

	for (i = 0; i < IRQF_WORDS; i++)
		dev[i] = __atomic_load_n(&vp->dev_bits[i], RLX);
	compute(vp, policy, relay, dev, next);
	for (i = 0; i < IRQF_WORDS; i++)
		if (next[i] != vp->cur[i])
			changed = 1;
	if (changed)
		tdxc__irqfilter_publish(vp, next);
	if (__atomic_load_n(&vp->applied_gen, RLX) != g)
		__atomic_store_n(&vp->applied_gen, g, REL);
	return changed;
}

static bool vp_ok(const struct tdxc_irqfilter_vp *vp)
{
	return vp && tdxc__irqfilter_part_ok(vp->part);
}

int tdxc_irqfilter_sint_write(struct tdxc_irqfilter_vp *vp, uint32_t vtl, uint32_t sint,
			      uint64_t value)
{
	if (!vp_ok(vp))
		return TDXC_EINVAL;
	if (vtl >= IRQF_NVTL)
		return TDXC_ENOTSUP;
	if (sint >= IRQF_NSINT)
		return TDXC_ERANGE;
	if (!tdxc__irqfilter_sint_ok(value, __atomic_load_n(&vp->part->policy, RLX)))
		return TDXC_ERANGE;
	vp->sint[vtl][sint] = value;
	/* F4: only VTL0 input feeds the (VTL0) filter. */
	if (vtl != 0)
		return 0;
	return refresh(vp);
}

int tdxc_irqfilter_sint_read(const struct tdxc_irqfilter_vp *vp, uint32_t vtl, uint32_t sint,
			     uint64_t *value)
{
	if (!vp_ok(vp) || !value)
		return TDXC_EINVAL;
	if (vtl >= IRQF_NVTL)
		return TDXC_ENOTSUP;
	if (sint >= IRQF_NSINT)
		return TDXC_ERANGE;
	*value = vp->sint[vtl][sint];
	return 0;
}

int tdxc_irqfilter_scontrol_write(struct tdxc_irqfilter_vp *vp, uint32_t vtl, uint64_t value)
{
	if (!vp_ok(vp))
		return TDXC_EINVAL;
	if (vtl >= IRQF_NVTL)
		return TDXC_ENOTSUP;
	vp->scontrol[vtl] = value;
	if (vtl != 0)
		return 0;
	return refresh(vp);
}

int tdxc_irqfilter_vp_sync(struct tdxc_irqfilter_vp *vp)
{
	if (!vp_ok(vp))
		return TDXC_EINVAL;
	return refresh(vp);
}

int tdxc_irqfilter_sync_all(struct tdxc_irqfilter_part *part)
{
	uint32_t i;
	int n = 0;
	if (!tdxc__irqfilter_part_ok(part))
		return TDXC_EINVAL;
	for (i = 0; i < part->vp_count; i++)
		n += refresh(&part->vps[i]);
	return n;
}

int tdxc_irqfilter_vp_set_mirror(struct tdxc_irqfilter_vp *vp, uint32_t *blocked)
{
	unsigned i;
	if (!vp_ok(vp))
		return TDXC_EINVAL;
	if (blocked && !tdxc__is_aligned(blocked, sizeof(uint32_t)))
		return TDXC_EALIGN;
	vp->mirror = blocked;
	if (blocked)
		for (i = 0; i < IRQF_WORDS; i++)
			__atomic_store_n(&blocked[i], ~vp->cur[i], RLX);
	return 0;
}

/* ---- partition inputs (partition writer) ------------------------------- */

static uint64_t bump(struct tdxc_irqfilter_part *p)
{
	/* Release: the input stores before it are seen by VP writers that
	 * acquire the new generation. */
	return __atomic_add_fetch(&p->gen, 1, REL);
}

uint64_t tdxc_irqfilter_generation(const struct tdxc_irqfilter_part *part)
{
	if (!tdxc__irqfilter_part_ok(part))
		return 0;
	return __atomic_load_n(&part->gen, ACQ);
}

/* Store a partition input read by the VP writers; a new generation only
 * when the value changes (F6), the current one otherwise. */
static void set_part_word(struct tdxc_irqfilter_part *part, uint32_t *word, uint32_t v,
			  uint64_t *gen)
{
	uint64_t g;
	if (__atomic_load_n(word, RLX) == v) {
		g = __atomic_load_n(&part->gen, RLX);
	} else {
		__atomic_store_n(word, v, RLX);
		g = bump(part);
	}
	if (gen)
		*gen = g;
}

int tdxc_irqfilter_set_relay_sints(struct tdxc_irqfilter_part *part, uint16_t mask,
				   uint64_t *gen)
{
	if (!tdxc__irqfilter_part_ok(part))
		return TDXC_EINVAL;
	set_part_word(part, &part->relay, mask, gen);
	return 0;
}

int tdxc_irqfilter_set_policy(struct tdxc_irqfilter_part *part, uint32_t policy, uint64_t *gen)
{
	int rc;
	if (!tdxc__irqfilter_part_ok(part))
		return TDXC_EINVAL;
	rc = tdxc__check_flags(policy, TDXC_IRQFILTER_POLICY_ALL);
	if (rc)
		return rc;
	set_part_word(part, &part->policy, policy, gen);
	return 0;
}

/* Table order: (dev_id, vector, vp). */
static int key_cmp(const struct irqf_dev *e, uint64_t dev, uint32_t vector, uint32_t vp)
{
	if (e->dev_id != dev)
		return e->dev_id < dev ? -1 : 1;
	if (e->vector != vector)
		return e->vector < vector ? -1 : 1;
	if (e->vp != vp)
		return e->vp < vp ? -1 : 1;
	return 0;
}

/* Index of the triple, or of where it would go; *found says which. */
static uint32_t dev_find(const struct tdxc_irqfilter_part *p, uint64_t dev, uint32_t vector,
			 uint32_t vp, bool *found)
{
	uint32_t lo = 0, hi = p->n_entries;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = key_cmp(&p->entries[mid], dev, vector, vp);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* Common checks of device_add/remove (no side effect). */
static int check_dev_args(const struct tdxc_irqfilter_part *p, uint32_t vector,
			  const uint32_t *vps, uint32_t n)
{
	uint32_t i;
	if (!tdxc__irqfilter_part_ok(p) || !vps || n == 0)
		return TDXC_EINVAL;
	if (vector < TDXC_IRQFILTER_FIRST_VECTOR || vector >= TDXC_IRQFILTER_NUM_VECTORS)
		return TDXC_ERANGE;
	for (i = 0; i < n; i++)
		if (vps[i] >= p->vp_count)
			return TDXC_ERANGE;
	/* A VP set: strictly ascending, which also rules out duplicates. */
	for (i = 1; i < n; i++)
		if (vps[i] <= vps[i - 1])
			return TDXC_EINVAL;
	return 0;
}

static void dev_bit_set(struct tdxc_irqfilter_part *p, uint32_t vp, uint32_t vector)
{
	__atomic_fetch_or(&p->vps[vp].dev_bits[vector >> 5], 1u << (vector & 31), RLX);
}

int tdxc_irqfilter_device_add(struct tdxc_irqfilter_part *part, uint64_t dev_id,
			      uint32_t vector, const uint32_t *vps, uint32_t n_vps,
			      uint64_t *gen)
{
	uint32_t i, fresh = 0;
	uint64_t g;
	bool found;
	int rc = check_dev_args(part, vector, vps, n_vps);
	if (rc)
		return rc;
	for (i = 0; i < n_vps; i++) {
		uint32_t at = dev_find(part, dev_id, vector, vps[i], &found);
		if (!found)
			fresh++;
		else if (part->entries[at].refs == UINT32_MAX)
			return TDXC_EOVERFLOW;
	}
	if (fresh > part->max_entries - part->n_entries)
		return TDXC_ENOSPC;

	for (i = 0; i < n_vps; i++) {
		uint32_t at = dev_find(part, dev_id, vector, vps[i], &found);
		if (found) {
			part->entries[at].refs++;
			continue;
		}
		tdxc__memmove(&part->entries[at + 1], &part->entries[at],
			      (size_t)(part->n_entries - at) * sizeof(struct irqf_dev));
		part->entries[at].dev_id = dev_id;
		part->entries[at].vector = vector;
		part->entries[at].vp = vps[i];
		part->entries[at].refs = 1;
		part->entries[at].pad = 0;
		part->n_entries++;
		dev_bit_set(part, vps[i], vector);
	}
	g = bump(part);
	if (gen)
		*gen = g;
	return 0;
}

static bool dev_vector_used(const struct tdxc_irqfilter_part *p, uint32_t vp, uint32_t vector)
{
	uint32_t i;
	for (i = 0; i < p->n_entries; i++)
		if (p->entries[i].vp == vp && p->entries[i].vector == vector)
			return true;
	return false;
}

int tdxc_irqfilter_device_remove(struct tdxc_irqfilter_part *part, uint64_t dev_id,
				 uint32_t vector, const uint32_t *vps, uint32_t n_vps,
				 uint64_t *gen)
{
	uint32_t i;
	uint64_t g;
	bool found;
	int rc = check_dev_args(part, vector, vps, n_vps);
	if (rc)
		return rc;
	for (i = 0; i < n_vps; i++) {
		dev_find(part, dev_id, vector, vps[i], &found);
		if (!found)
			return TDXC_ENOENT;
	}
	for (i = 0; i < n_vps; i++) {
		uint32_t at = dev_find(part, dev_id, vector, vps[i], &found);
		if (--part->entries[at].refs)
			continue;
		tdxc__memmove(&part->entries[at], &part->entries[at + 1],
			      (size_t)(part->n_entries - at - 1) * sizeof(struct irqf_dev));
		part->n_entries--;
		tdxc__memset(&part->entries[part->n_entries], 0, sizeof(struct irqf_dev));
		if (!dev_vector_used(part, vps[i], vector))
			__atomic_fetch_and(&part->vps[vps[i]].dev_bits[vector >> 5],
					   ~(1u << (vector & 31)), RLX);
	}
	g = bump(part);
	if (gen)
		*gen = g;
	return 0;
}

void tdxc__irqfilter_dev_rebuild(struct tdxc_irqfilter_part *p)
{
	uint32_t i, w;
	for (i = 0; i < p->vp_count; i++)
		for (w = 0; w < IRQF_WORDS; w++)
			__atomic_store_n(&p->vps[i].dev_bits[w], 0, RLX);
	for (i = 0; i < p->n_entries; i++)
		dev_bit_set(p, p->entries[i].vp, p->entries[i].vector);
}

/* ---- cross-VP ordering ------------------------------------------------- */

int tdxc_irqfilter_wait_applied(struct tdxc_irqfilter_part *part, const uint32_t *vps,
				uint32_t n_vps, uint64_t gen, tdxc_irqfilter_kick_fn kick,
				tdxc_irqfilter_relax_fn relax, void *ctx, uint64_t max_polls)
{
	uint64_t polls;
	uint32_t i;
	if (!tdxc__irqfilter_part_ok(part) || (!vps && n_vps))
		return TDXC_EINVAL;
	if (gen > __atomic_load_n(&part->gen, ACQ))
		return TDXC_EINVAL;
	for (i = 0; i < n_vps; i++)
		if (vps[i] >= part->vp_count)
			return TDXC_ERANGE;
	if (kick)
		for (i = 0; i < n_vps; i++)
			if (__atomic_load_n(&part->vps[vps[i]].applied_gen, ACQ) < gen &&
			    kick(ctx, vps[i]) != 0)
				return TDXC_ECALLBACK;
	for (polls = 0;; polls++) {
		for (i = 0; i < n_vps; i++)
			if (__atomic_load_n(&part->vps[vps[i]].applied_gen, ACQ) < gen)
				break;
		if (i == n_vps)
			return 0;
		if (polls >= max_polls)
			return TDXC_ETIMEDOUT;
		if (relax)
			relax(ctx);
		else
			cpu_relax();
	}
}

/* ---- readers ----------------------------------------------------------- */

/* One complete published version, or false after too many retries. */
static inline bool snapshot(const struct tdxc_irqfilter_vp *vp, uint32_t w[IRQF_WORDS],
			    uint64_t *ver_out)
{
	unsigned tries, i;
	for (tries = 0; tries <= TDXC_IRQFILTER_READ_RETRIES; tries++) {
		const struct irqf_line *l = &vp->line[0];
		uint64_t s = __atomic_load_n(&l->ver, ACQ);
		if (s & 1) {
			/* Line 0 is being rewritten: line 1 holds the new version,
			 * unless the next publish already started on it. */
			l = &vp->line[1];
			s = __atomic_load_n(&l->ver, ACQ);
			if (s & 1)
				continue;
		}
		for (i = 0; i < IRQF_WORDS / 2; i++) {
			uint64_t q = __atomic_load_n(&l->w[i], ACQ);
			w[2 * i] = (uint32_t)q;
			w[2 * i + 1] = (uint32_t)(q >> 32);
		}
		if (__atomic_load_n(&l->ver, RLX) == s) {
			if (ver_out)
				*ver_out = s;
			return true;
		}
	}
	return false;
}

static int count_drops(struct tdxc_irqfilter_vp *vp, unsigned word, uint32_t d)
{
	int n = 0;
	while (d) {
		unsigned b = (unsigned)__builtin_ctz(d);
		d &= d - 1;
		__atomic_fetch_add(&vp->drops[word * 32 + b], 1, RLX);
		n++;
	}
	return n;
}

/*
 * Complete apply8: input copied first (so @out may alias @asserted), bounded
 * retries with the default-deny fallback, per-vector drop counting.
 */
static __attribute__((noinline, cold)) int apply8_slow(struct tdxc_irqfilter_vp *vp,
						      const uint32_t *asserted, uint32_t *out)
{
	uint32_t in[IRQF_WORDS], allowed[IRQF_WORDS];
	unsigned i;
	int n = 0;

	for (i = 0; i < IRQF_WORDS; i++)
		in[i] = asserted[i];
	if (!snapshot(vp, allowed, NULL)) {
		__atomic_fetch_add(&vp->fallbacks, 1, RLX);
		for (i = 0; i < IRQF_WORDS; i++)
			allowed[i] = 0;
	}
	for (i = 0; i < IRQF_WORDS; i++) {
		out[i] = in[i] & allowed[i];
		n += count_drops(vp, i, in[i] & ~allowed[i]);
	}
	return n;
}

/* Two u32 words of a caller array as one u64, low word first (as the
 * copies are packed); compilers merge this into one 64-bit access. */
static inline uint64_t get_pair(const uint32_t *p)
{
	return (uint64_t)p[0] | (uint64_t)p[1] << 32;
}

static inline void put_pair(uint32_t *p, uint64_t v)
{
	p[0] = (uint32_t)v;
	p[1] = (uint32_t)(v >> 32);
}

int tdxc_irqfilter_apply8(struct tdxc_irqfilter_vp *vp, const uint32_t asserted[8],
			  uint32_t out[8])
{
	const struct irqf_line *l;
	uint64_t x0, x1, x2, x3, a0, a1, a2, a3, s;

	if (!vp || !asserted || !out)
		return TDXC_EINVAL;
	/*
	 * Fast path, 64 bits at a time: read the whole input first (so @out may
	 * alias it), then one optimistic read of line 0. If it was being
	 * rewritten (odd ver), its ver moved (a publish overlapped) or a vector
	 * is blocked, the complete path redoes everything; nothing has been
	 * written yet.
	 */
	x0 = get_pair(asserted);
	x1 = get_pair(asserted + 2);
	x2 = get_pair(asserted + 4);
	x3 = get_pair(asserted + 6);
	l = &vp->line[0];
	s = __atomic_load_n(&l->ver, ACQ);
	a0 = __atomic_load_n(&l->w[0], ACQ);
	a1 = __atomic_load_n(&l->w[1], ACQ);
	a2 = __atomic_load_n(&l->w[2], ACQ);
	a3 = __atomic_load_n(&l->w[3], ACQ);
	if (__builtin_expect(((x0 & ~a0) | (x1 & ~a1) | (x2 & ~a2) | (x3 & ~a3) | (s & 1)) != 0 ||
				     __atomic_load_n(&l->ver, RLX) != s,
			     0))
		return apply8_slow(vp, asserted, out);
	put_pair(out, x0);
	put_pair(out + 2, x1);
	put_pair(out + 4, x2);
	put_pair(out + 6, x3);
	return 0;
}

int tdxc_irqfilter_apply1(struct tdxc_irqfilter_vp *vp, uint32_t vector)
{
	uint32_t v = vector & 0xffu;
	uint64_t w, s;
	if (!vp)
		return TDXC_EINVAL;
	/*
	 * Line 0, or line 1 while line 0 is being rewritten, like apply8, but
	 * one 64-bit word needs no re-check: a copy word only ever holds the
	 * value of one published filter, so a single atomic load yields this
	 * vector's bit of a complete version. It is at least as new as the
	 * last one this thread could know of: line 0's ver, acquired, is that
	 * version's or later; an odd one (2n-1, a release store) means version
	 * n is complete in line 1, and line 1 then holds n or a later one.
	 */
	s = __atomic_load_n(&vp->line[0].ver, ACQ);
	w = __atomic_load_n(&vp->line[s & 1].w[v >> 6], RLX);
	if ((w >> (v & 63)) & 1u)
		return 1;
	__atomic_fetch_add(&vp->drops[v], 1, RLX);
	return 0;
}

int tdxc_irqfilter_read(const struct tdxc_irqfilter_vp *vp, uint32_t allowed[8],
			uint64_t *pub_count)
{
	uint32_t w[IRQF_WORDS];
	uint64_t s;
	if (!vp || !allowed)
		return TDXC_EINVAL;
	if (!snapshot(vp, w, &s))
		return TDXC_EBUSY;
	tdxc__memcpy(allowed, w, sizeof(w));
	if (pub_count)
		*pub_count = s / 2;
	return 0;
}

int tdxc_irqfilter_drops(const struct tdxc_irqfilter_vp *vp, uint32_t vector, uint64_t *count)
{
	if (!vp || !count)
		return TDXC_EINVAL;
	if (vector >= TDXC_IRQFILTER_NUM_VECTORS)
		return TDXC_ERANGE;
	*count = __atomic_load_n(&vp->drops[vector], RLX);
	return 0;
}

int tdxc_irqfilter_vp_counters(const struct tdxc_irqfilter_vp *vp, uint64_t *drops_total,
			       uint64_t *fallbacks, uint64_t *applied_gen)
{
	unsigned i;
	if (!vp)
		return TDXC_EINVAL;
	if (drops_total) {
		uint64_t t = 0;
		for (i = 0; i < TDXC_IRQFILTER_NUM_VECTORS; i++)
			t += __atomic_load_n(&vp->drops[i], RLX);
		*drops_total = t;
	}
	if (fallbacks)
		*fallbacks = __atomic_load_n(&vp->fallbacks, RLX);
	if (applied_gen)
		*applied_gen = __atomic_load_n(&vp->applied_gen, ACQ);
	return 0;
}
