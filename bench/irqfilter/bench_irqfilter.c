/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irqfilter benchmarks: ns per apply (8-word and single vector) with no
 * writer and with a writer republishing continuously on another thread, and
 * ns per SINT write that changes the filter.
 *
 * Baseline ("relaxed"): the reference design, a single inverted bitmap
 * published with one relaxed store per word and read with one relaxed load
 * per word (no consistency, no drop counting), measured in the same run.
 *
 * The apply8 reader loop is timed in chunks of CHUNK calls and a run reports
 * the median chunk (ns per call), the same loop and statistic with and
 * without a writer.
 * With a writer, only chunks during which the writer published (its
 * progress counter moved at least MIN_PUBS times) count: on a shared
 * machine the writer thread can be descheduled, and a reader timed then
 * would look uncontended. The publish rate over the counted chunks is
 * printed, so the load the reader was under is visible.
 *
 * The same reader is then timed under a writer that publishes at most once
 * per 100, 200, 500 and 1000 ns (busy-waiting in between): the reader's
 * cost per publish is about one cache-line transfer, so the slowdown is a
 * function of the publish rate, and this curve shows it.
 *
 * The same publish rate for the others: the reference design, and a
 * reader that is one load of a word the writer stores once per publish,
 * alone on its line ("line"), each under its own writer paced (by the
 * clock, on average) to the publish interval the library's writer
 * reached. What a publish costs a reader depends on the publish rate, the
 * transfer time between the CPUs and how much of it the reader's own
 * out-of-order window hides (a one-load loop hides more than a
 * thirty-instruction call), so these two bracket the library's figure.
 *
 * The alternating-copies layout (see alt_apply8) runs under a writer paced
 * the same way, as the other design for two copies.
 *
 * Re-applying writer: the writer rewrites a SINT with the value it already
 * has, continuously. The library stores nothing then (F6); the reference
 * design recomputes and stores its eight words on every write.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdxcore/irqfilter.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the baseline: per-word relaxed inverted bitmap -------------------- */

struct ref_filter {
	uint32_t blocked[8];
} __attribute__((aligned(64)));

static __attribute__((noinline)) void ref_publish(struct ref_filter *r, const uint32_t a[8])
{
	for (int i = 0; i < 8; i++)
		__atomic_store_n(&r->blocked[i], ~a[i], __ATOMIC_RELAXED);
}

static __attribute__((noinline)) int ref_apply8(struct ref_filter *r, const uint32_t in[8],
						uint32_t out[8])
{
	for (int i = 0; i < 8; i++)
		out[i] = in[i] & ~__atomic_load_n(&r->blocked[i], __ATOMIC_RELAXED);
	return 0;
}

static __attribute__((noinline)) int ref_apply1(struct ref_filter *r, uint32_t v)
{
	v &= 0xff;
	return !((__atomic_load_n(&r->blocked[v >> 5], __ATOMIC_RELAXED) >> (v & 31)) & 1);
}

/* ---- the floor: one word, one store per publish, one load per read ----- */

static struct {
	uint64_t v;
} __attribute__((aligned(64))) floor_line;
/* Average time between two floor publishes, ns. */
static uint64_t floor_interval_ns;

static __attribute__((noinline)) uint64_t floor_read(void)
{
	return __atomic_load_n(&floor_line.v, __ATOMIC_ACQUIRE);
}

/*
 * ---- the alternative: two copies, a publish rewrites the older one ------
 *
 * Each copy is { ver, 4 words } alone on a line, as in the library, but a
 * publish writes only the copy holding the older version (ver odd while it
 * is being written, then even), and a reader loads both ver words and uses
 * the newer complete copy, re-checking its ver. A reader never needs a line
 * it does not already read, and a publish writes one line instead of two;
 * the price is that readers load the line being rewritten on every call.
 */
struct alt_copy {
	uint64_t ver;
	uint64_t w[4];
	uint64_t pad[3];
} __attribute__((aligned(64)));

static struct alt_copy alt[2];
static uint64_t alt_n; /* publishes so far (the writer's, between runs main's) */

static void alt_publish(uint64_t n, const uint32_t a[8])
{
	struct alt_copy *c = &alt[n & 1];
	__atomic_store_n(&c->ver, 2 * n - 1, __ATOMIC_RELAXED);
	for (int i = 0; i < 4; i++)
		__atomic_store_n(&c->w[i], (uint64_t)a[2 * i] | (uint64_t)a[2 * i + 1] << 32,
				 __ATOMIC_RELEASE);
	__atomic_store_n(&c->ver, 2 * n, __ATOMIC_RELEASE);
}

static __attribute__((noinline)) int alt_apply8(const uint32_t in[8], uint32_t out[8])
{
	for (;;) {
		uint64_t v0 = __atomic_load_n(&alt[0].ver, __ATOMIC_ACQUIRE);
		uint64_t v1 = __atomic_load_n(&alt[1].ver, __ATOMIC_ACQUIRE);
		/* copy 1 if it is the newer complete one, or copy 0 is being written */
		const struct alt_copy *c = ((v1 > v0 && !(v1 & 1)) || (v0 & 1)) ? &alt[1] : &alt[0];
		uint64_t v = c == &alt[1] ? v1 : v0;
		uint64_t w0 = __atomic_load_n(&c->w[0], __ATOMIC_ACQUIRE);
		uint64_t w1 = __atomic_load_n(&c->w[1], __ATOMIC_ACQUIRE);
		uint64_t w2 = __atomic_load_n(&c->w[2], __ATOMIC_ACQUIRE);
		uint64_t w3 = __atomic_load_n(&c->w[3], __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->ver, __ATOMIC_RELAXED) != v || (v & 1))
			continue;
		for (int i = 0; i < 2; i++) {
			out[i] = in[i] & (uint32_t)(w0 >> (32 * i));
			out[2 + i] = in[2 + i] & (uint32_t)(w1 >> (32 * i));
			out[4 + i] = in[4 + i] & (uint32_t)(w2 >> (32 * i));
			out[6 + i] = in[6 + i] & (uint32_t)(w3 >> (32 * i));
		}
		return 0;
	}
}

/* ---- fixture ----------------------------------------------------------- */

static struct tdxc_irqfilter_part *part;
static struct tdxc_irqfilter_vp *vp0;
static struct ref_filter ref;
static uint32_t fa[8], fb[8];
static int stop, started;
/* Writer progress (publishes so far), on its own line. */
static struct {
	uint64_t n;
} __attribute__((aligned(64))) wprog;
static int writer_on; /* readers only count chunks while the writer runs */

/* Which writer and reader: the library, the reference (free-running or
 * paced to floor_interval_ns), the one-load line (paced), the alternating
 * copies (paced). */
enum impl { REF = 0, LIB = 1, FLOOR = 2, REF_PACED = 3, ALT_PACED = 4, NIMPL };
/* Writer workload: a filter change per publish, or unchanged re-writes. */
static int reapply;

#define CHUNK 2048
#define MIN_PUBS 4
#define MAX_CHUNKS 16384
static double chunk_ns[MAX_CHUNKS];
static uint64_t counted_pubs, counted_ns, counted_chunks, skipped_chunks;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of the counted chunks (ns per call). */
static double chunks_median(unsigned n)
{
	if (n == 0)
		return 0.0;
	qsort(chunk_ns, n, sizeof(chunk_ns[0]), cmp_double);
	return chunk_ns[n / 2];
}

#define MASK_A 0x002au /* SINTs 1, 3, 5 */
#define MASK_B 0x0054u /* SINTs 2, 4, 6 */

static void setup(void)
{
	struct tdxc_irqfilter_params p;
	size_t sz;
	void *mem;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.vp_count = 2;
	p.max_device_entries = 16;
	p.relay_sints = MASK_A;
	if (tdxc_irqfilter_storage_size(&p, &sz) || !(mem = aligned_alloc(64, sz)) ||
	    tdxc_irqfilter_init(mem, sz, &p, &part) || tdxc_irqfilter_vp_get(part, 0, &vp0)) {
		fprintf(stderr, "setup failed\n");
		exit(1);
	}
	/* A device vector both filters share (the single-vector case). */
	uint32_t zero = 0;
	tdxc_irqfilter_device_add(part, 1, 0xf0, &zero, 1, NULL);
	tdxc_irqfilter_scontrol_write(vp0, 0, 1);
	for (unsigned n = 1; n <= 6; n++)
		tdxc_irqfilter_sint_write(vp0, 0, n, 0x20 * n + n);
	tdxc_irqfilter_set_relay_sints(part, MASK_B, NULL);
	tdxc_irqfilter_vp_sync(vp0);
	tdxc_irqfilter_read(vp0, fb, NULL);
	tdxc_irqfilter_set_relay_sints(part, MASK_A, NULL);
	tdxc_irqfilter_vp_sync(vp0);
	tdxc_irqfilter_read(vp0, fa, NULL);
	ref_publish(&ref, fa);
	alt_publish(++alt_n, fa);
}

/* Least time between two publishes of the writer, ns (0: none). */
static uint64_t writer_gap_ns;

/* A writer that republishes as fast as it can, or at most once per
 * writer_gap_ns (busy-waiting in between, as a writer with other work). */
/* The reference's SINT write: recompute from the SINTs, store 8 words. */
static void ref_sint_write(uint64_t sint[16], unsigned idx, uint64_t value, uint32_t relay)
{
	uint32_t a[8] = { 0 };
	sint[idx] = value;
	for (unsigned n = 0; n < 16; n++)
		if (!(sint[n] & TDXC_IRQFILTER_SINT_MASKED) &&
		    ((sint[n] & TDXC_IRQFILTER_SINT_PROXY) || ((relay >> n) & 1u)))
			a[(sint[n] & 0xff) >> 5] |= 1u << (sint[n] & 31);
	a[7] |= 1u << (0xf0 & 31); /* the device vector */
	ref_publish(&ref, a);
}

static void *writer(void *arg)
{
	enum impl impl = (enum impl)(uintptr_t)arg;
	uint64_t n = 0, next = 0, sint[16] = { 0 };
	for (unsigned k = 1; k <= 6; k++)
		sint[k] = 0x20 * k + k;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (writer_gap_ns) {
			while (now_ns() < next)
				;
			next = now_ns() + writer_gap_ns;
		}
		if (n == 1)
			__atomic_store_n(&started, 1, __ATOMIC_RELEASE);
		if (impl == FLOOR || impl == REF_PACED || impl == ALT_PACED) {
			/* paced to floor_interval_ns on average */
			if (next == 0)
				next = now_ns();
			next += floor_interval_ns;
			while (now_ns() < next)
				;
			if (impl == FLOOR)
				__atomic_store_n(&floor_line.v, n, __ATOMIC_RELEASE);
			else if (impl == ALT_PACED)
				alt_publish(++alt_n, (n & 1) ? fa : fb);
			else
				ref_publish(&ref, (n & 1) ? fa : fb);
		} else if (reapply) {
			/* SINT 1 rewritten with the value it has (filter A) */
			if (impl == LIB)
				tdxc_irqfilter_sint_write(vp0, 0, 1, sint[1]);
			else
				ref_sint_write(sint, 1, sint[1], MASK_A);
		} else if (impl == LIB) {
			tdxc_irqfilter_set_relay_sints(part, (n & 1) ? MASK_A : MASK_B, NULL);
			tdxc_irqfilter_vp_sync(vp0);
		} else {
			ref_publish(&ref, (n & 1) ? fa : fb);
		}
		n++;
		__atomic_store_n(&wprog.n, n, __ATOMIC_RELAXED);
	}
	return (void *)(uintptr_t)n;
}

static volatile uint32_t sink;

/*
 * ns per apply8; the asserted set is the intersection of A and B (no drops).
 * The same loop with and without a writer: @iters calls in chunks, the
 * median chunk reported; with a writer running, chunks in which it did not
 * publish are skipped (and more are run, up to MAX_CHUNKS in all).
 */
static double run_apply8(enum impl impl, uint64_t iters)
{
	uint32_t in[8], out[8], acc = 0;
	unsigned n = 0, want = (unsigned)(iters / CHUNK), total = 0;
	for (int i = 0; i < 8; i++)
		in[i] = fa[i] & fb[i];
	counted_pubs = counted_ns = counted_chunks = skipped_chunks = 0;
	while (n < want && total < MAX_CHUNKS) {
		uint64_t p0 = __atomic_load_n(&wprog.n, __ATOMIC_RELAXED);
		uint64_t t0 = now_ns();
		if (impl == FLOOR) {
			for (unsigned k = 0; k < CHUNK; k++)
				acc += (uint32_t)floor_read();
		} else {
			for (unsigned k = 0; k < CHUNK; k++) {
				if (impl == LIB)
					tdxc_irqfilter_apply8(vp0, in, out);
				else if (impl == ALT_PACED)
					alt_apply8(in, out);
				else
					ref_apply8(&ref, in, out);
				acc += out[7];
			}
		}
		uint64_t t1 = now_ns();
		uint64_t p1 = __atomic_load_n(&wprog.n, __ATOMIC_RELAXED);
		total++;
		if (writer_on && p1 - p0 < MIN_PUBS) {
			skipped_chunks++;
			continue;
		}
		counted_pubs += p1 - p0;
		counted_ns += t1 - t0;
		chunk_ns[n++] = (double)(t1 - t0) / CHUNK;
	}
	counted_chunks = n;
	sink = acc;
	return chunks_median(n);
}

/* No writer case only: one timed loop, the mean. */
static double run_apply1(int lib, uint64_t iters)
{
	uint32_t acc = 0;
	uint64_t t0 = now_ns();
	for (uint64_t k = 0; k < iters; k++)
		acc += (uint32_t)(lib ? tdxc_irqfilter_apply1(vp0, 0xf0 | 0x100)
				      : ref_apply1(&ref, 0xf0 | 0x100));
	uint64_t t1 = now_ns();
	sink = acc;
	return (double)(t1 - t0) / (double)iters;
}

static double best_ns_seen[NIMPL];

/* Publish interval (ns) over the counted chunks of the best run. */
static double best_pub_ns[NIMPL];
static uint64_t best_skipped[NIMPL], best_counted[NIMPL];

/* Forget the best run of @impl (before a new series of runs). */
static void reset_best(enum impl impl)
{
	best_ns_seen[impl] = 0;
	best_pub_ns[impl] = 0;
	best_skipped[impl] = best_counted[impl] = 0;
}

static double with_writer(enum impl impl, uint64_t iters, uint64_t *publishes)
{
	pthread_t th;
	void *ret;
	double ns;
	__atomic_store_n(&stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&started, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&wprog.n, 0, __ATOMIC_RELAXED);
	pthread_create(&th, NULL, writer, (void *)(uintptr_t)impl);
	/* Time the readers only once the writer is really publishing. */
	while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
		;
	writer_on = 1;
	ns = run_apply8(impl, iters);
	writer_on = 0;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(th, &ret);
	*publishes = (uint64_t)(uintptr_t)ret;
	if (ns > 0 && (best_pub_ns[impl] == 0 || ns < best_ns_seen[impl])) {
		best_ns_seen[impl] = ns;
		best_pub_ns[impl] = counted_pubs ? (double)counted_ns / (double)counted_pubs : 0;
		best_skipped[impl] = skipped_chunks;
		best_counted[impl] = counted_chunks;
	}
	return ns > 0 ? ns : 1e300;
}

static double run_sint_write(uint64_t iters)
{
	uint64_t t0 = now_ns();
	for (uint64_t k = 0; k < iters; k++)
		tdxc_irqfilter_sint_write(vp0, 0, 9,
					  TDXC_IRQFILTER_SINT_PROXY | ((k & 1) ? 0x30 : 0xa0));
	return (double)(now_ns() - t0) / (double)iters;
}

/* The reference recompute + publish for the same change. */
static double run_ref_write(uint64_t iters)
{
	uint64_t sint[16] = { 0 };
	uint64_t t0 = now_ns();
	for (uint64_t k = 0; k < iters; k++)
		ref_sint_write(sint, 9, TDXC_IRQFILTER_SINT_PROXY | ((k & 1) ? 0x30 : 0xa0), 0);
	return (double)(now_ns() - t0) / (double)iters;
}

/* Best of a few runs, to shed scheduler noise on a shared machine. */
#define BEST(expr, out)                                                        \
	do {                                                                   \
		double b_ = 1e300;                                             \
		for (int r_ = 0; r_ < 5; r_++) {                               \
			double v_ = (expr);                                    \
			if (v_ < b_)                                           \
				b_ = v_;                                       \
		}                                                              \
		(out) = b_;                                                    \
	} while (0)

int main(void)
{
	const uint64_t N = 20000000;
	double a8, a1, a8w, sw, r8, r1, r8w, rw, f8, f8w, a8re, r8re, rp8w, l8, l8w;
	uint64_t pubs_lib = 0, pubs_ref = 0, pubs;

	setup();
	BEST(run_apply8(LIB, N), a8);
	BEST(run_apply8(REF, N), r8);
	BEST(run_apply8(FLOOR, N), f8);
	BEST(run_apply8(ALT_PACED, N), l8);
	BEST(run_apply1(1, N), a1);
	BEST(run_apply1(0, N), r1);
	BEST(with_writer(LIB, N / 4, &pubs_lib), a8w);
	BEST(with_writer(REF, N / 4, &pubs_ref), r8w);
	/* The floor writer publishes at the interval the library's reached. */
	floor_interval_ns = (uint64_t)(best_pub_ns[LIB] + 0.5);
	BEST(with_writer(FLOOR, N / 4, &pubs), f8w);
	BEST(with_writer(REF_PACED, N / 4, &pubs), rp8w);
	BEST(with_writer(ALT_PACED, N / 4, &pubs), l8w);
	const double pub_lib = best_pub_ns[LIB], pub_ref = best_pub_ns[REF],
		     pub_line = best_pub_ns[FLOOR], pub_refp = best_pub_ns[REF_PACED],
		     pub_alt = best_pub_ns[ALT_PACED];
	printf("best runs with a writer: one publish every %.1f ns (tdxc), %.1f ns (relaxed), "
	       "%.1f ns (relaxed, paced), %.1f ns (line)\n"
	       "in the counted chunks; chunks skipped as the writer was not running: "
	       "%llu of %llu (tdxc), %llu of %llu (relaxed)\n",
	       pub_lib, pub_ref, pub_refp, pub_line, (unsigned long long)best_skipped[LIB],
	       (unsigned long long)(best_skipped[LIB] + best_counted[LIB]),
	       (unsigned long long)best_skipped[REF],
	       (unsigned long long)(best_skipped[REF] + best_counted[REF]));

	/* A writer re-applying unchanged input (filter A in place). */
	tdxc_irqfilter_set_relay_sints(part, MASK_A, NULL);
	tdxc_irqfilter_vp_sync(vp0);
	ref_publish(&ref, fa);
	reapply = 1;
	reset_best(LIB);
	reset_best(REF);
	BEST(with_writer(LIB, N / 4, &pubs), a8re);
	BEST(with_writer(REF, N / 4, &pubs), r8re);
	reapply = 0;

	BEST(run_sint_write(N / 10), sw);
	BEST(run_ref_write(N / 10), rw);

	printf("%-30s %12s %13s %12s\n", "case", "tdxc ns/op", "relaxed ns/op", "line ns/op");
	printf("%-30s %12.2f %13.2f %12.2f\n", "apply8 (no writer)", a8, r8, f8);
	printf("%-30s %12.2f %13.2f\n", "apply1 (no writer)", a1, r1);
	printf("%-30s %12.2f %13.2f %12.2f\n", "apply8 (republishing writer)", a8w, r8w, f8w);
	printf("%-30s %12.2f %13.2f\n", "apply8 (re-applying writer)", a8re, r8re);
	printf("%-30s %12.2f %13.2f\n", "SINT write that publishes", sw, rw);
	printf("writer publishes in the last run with a writer: tdxc %llu, relaxed %llu\n"
	       "(the relaxed writer stores 8 words; the library writer recomputes from the\n"
	       "SINTs, republishes both copies and bumps the partition generation)\n",
	       (unsigned long long)pubs_lib, (unsigned long long)pubs_ref);
	printf("apply8 slowdown under the republishing writer: tdxc %.2fx, relaxed %.2fx\n"
	       "at the tdxc writer's publish interval: relaxed %.2fx (%.2f ns/op), line %.2fx\n"
	       "(line: one load of a word the writer stores once per publish)\n",
	       a8w / a8, r8w / r8, rp8w / r8, rp8w, f8w / f8);
	printf("alternating copies (a publish rewrites the older copy; readers load both\n"
	       "ver words), paced to the same interval (measured every %.1f ns): apply8\n"
	       "%.2f ns/op without a writer, %.2f ns/op with it, %.2fx, %.1f ns lost per publish\n",
	       pub_alt, l8, l8w, l8w / l8, (l8w - l8) * pub_alt / l8w);
	printf("apply8 slowdown under a writer re-applying an unchanged SINT: tdxc %.2fx, "
	       "relaxed %.2fx\n",
	       a8re / a8, r8re / r8);
	/* What one publish costs the reader: the extra time per call times the
	 * calls per publish (best runs). */
	printf("reader time lost per publish: tdxc %.1f ns, relaxed %.1f ns, relaxed paced "
	       "%.1f ns, line %.1f ns\n",
	       (a8w - a8) * pub_lib / a8w, (r8w - r8) * pub_ref / r8w,
	       (rp8w - r8) * pub_refp / rp8w, (f8w - f8) * pub_line / f8w);
	/*
	 * The same reader under a writer that publishes at most once per gap:
	 * what one publish costs a reader is a cache-line transfer, so the
	 * slowdown depends on how often the writer publishes.
	 */
	static const unsigned gaps[] = { 100, 200, 500, 1000 };
	double gw[4], gpub[4];
	for (unsigned g = 0; g < 4; g++) {
		writer_gap_ns = gaps[g];
		reset_best(LIB);
		BEST(with_writer(LIB, N / 4, &pubs), gw[g]);
		gpub[g] = best_pub_ns[LIB];
	}
	writer_gap_ns = 0;
	for (unsigned g = 0; g < 4; g++)
		printf("apply8, writer publishing at most every %4u ns (measured every %6.1f ns): "
		       "%5.2f ns/op, %.2fx\n",
		       gaps[g], gpub[g], gw[g], gw[g] / a8);
	printf("BENCH irqfilter.apply8.tdxc %.2f ns/op\n", a8);
	printf("BENCH irqfilter.apply8.relaxed %.2f ns/op\n", r8);
	printf("BENCH irqfilter.apply8.line %.2f ns/op\n", f8);
	printf("BENCH irqfilter.apply1.tdxc %.2f ns/op\n", a1);
	printf("BENCH irqfilter.apply1.relaxed %.2f ns/op\n", r1);
	printf("BENCH irqfilter.apply8_writer.tdxc %.2f ns/op\n", a8w);
	printf("BENCH irqfilter.apply8_writer.relaxed %.2f ns/op\n", r8w);
	printf("BENCH irqfilter.apply8_writer.relaxed_paced %.2f ns/op\n", rp8w);
	printf("BENCH irqfilter.apply8_writer.line %.2f ns/op\n", f8w);
	printf("BENCH irqfilter.apply8_writer_slowdown.tdxc %.2f x\n", a8w / a8);
	printf("BENCH irqfilter.apply8_writer_slowdown.relaxed_paced %.2f x\n", rp8w / r8);
	printf("BENCH irqfilter.apply8_writer_slowdown.line %.2f x\n", f8w / f8);
	printf("BENCH irqfilter.apply8.alt %.2f ns/op\n", l8);
	printf("BENCH irqfilter.apply8_writer.alt_paced %.2f ns/op\n", l8w);
	printf("BENCH irqfilter.apply8_writer_slowdown.alt_paced %.2f x\n", l8w / l8);
	printf("BENCH irqfilter.apply8_reapply.tdxc %.2f ns/op\n", a8re);
	printf("BENCH irqfilter.apply8_reapply.relaxed %.2f ns/op\n", r8re);
	printf("BENCH irqfilter.sint_write.tdxc %.2f ns/op\n", sw);
	printf("BENCH irqfilter.sint_write.relaxed %.2f ns/op\n", rw);
	for (unsigned g = 0; g < 4; g++)
		printf("BENCH irqfilter.apply8_writer_gap%u.tdxc %.2f ns/op\n", gaps[g], gw[g]);
	return 0;
}
