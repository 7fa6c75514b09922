/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Threaded tests of the irqfilter module (suite 'concurrency', run under
 * ThreadSanitizer too):
 *  - stress: one writer alternates two filters that differ in six words
 *    while readers apply; every reader result is one of the two complete
 *    filters, never a mix, and a snapshot's publish count names the
 *    filter it returned;
 *  - cross-VP ordering: a device vector is added for VPs that are "in the
 *    guest"; the retarget callback runs only after every target VP has
 *    published it, and the first interrupt after it is delivered.
 * Threads only use atomics to talk; cmocka asserts run on the main thread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include "fixture.h"

#define PROXY TDXC_IRQFILTER_SINT_PROXY

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- stress ------------------------------------------------------------ */

#define NREADERS 2
/*
 * SINT n (1..6) carries VEC[n]: one vector in each of words 1..6. Filter A
 * (SINTs 1, 3, 5) has its bits in words 1-3, filter B (SINTs 2, 4, 6) in
 * words 4-6: a read torn between the first and the second half of a copy
 * would allow A|B, which no complete version does.
 */
static const uint32_t VEC[7] = { 0, 0x21, 0x82, 0x43, 0xa4, 0x65, 0xc6 };
static const uint16_t MASK_A = (1u << 1) | (1u << 3) | (1u << 5);
static const uint16_t MASK_B = (1u << 2) | (1u << 4) | (1u << 6);

struct stress {
	struct fx f;
	uint32_t fa[8], fb[8];
	int stop;
	uint64_t seen_a, seen_b, bad, reads;
	uint64_t writes;
	uint64_t pub0; /* publish count at which filter A was in place */
};

static void filter_for(uint16_t mask, uint32_t w[8])
{
	unsigned n;
	memset(w, 0, 8 * sizeof(uint32_t));
	for (n = 1; n <= 6; n++)
		if (mask & (1u << n))
			set_bit(w, VEC[n]);
	set_bit(w, 0xf0); /* a device vector both filters share */
}

static void spin(unsigned n)
{
	volatile unsigned k;
	for (k = 0; k < n; k++)
		;
}

static void *stress_reader(void *arg)
{
	struct stress *s = arg;
	uint32_t all[8], both[8], out[8], snap[8];
	uint64_t a = 0, b = 0, bad = 0, n = 0, pub = 0;
	memset(all, 0xff, sizeof(all));
	/* A|B: no complete version allows all of it, so only a torn read could
	 * pass it unfiltered (this exercises the optimistic fast path). */
	for (int i = 0; i < 8; i++)
		both[i] = s->fa[i] | s->fb[i];
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		tdxc_irqfilter_apply8(s->f.vp[0], (n & 1) ? all : both, out);
		if (memcmp(out, s->fa, sizeof(out)) == 0)
			a++;
		else if (memcmp(out, s->fb, sizeof(out)) == 0)
			b++;
		else
			bad++;
		/* Publishes alternate A, B, A...: the publish count a snapshot
		 * reports must also name the filter it returned (the version
		 * word and the words come from the same publish). */
		if (tdxc_irqfilter_read(s->f.vp[0], snap, &pub) == 0 &&
		    memcmp(snap, ((pub - s->pub0) & 1) ? s->fb : s->fa, sizeof(snap)) != 0)
			bad++;
		/* The shared vector is never dropped during a republish. */
		if (tdxc_irqfilter_apply1(s->f.vp[0], 0xf0) != 1)
			bad++;
		n++;
	}
	__atomic_fetch_add(&s->seen_a, a, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->seen_b, b, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->bad, bad, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->reads, n, __ATOMIC_RELAXED);
	return NULL;
}

static void test_stress_complete_versions(void **state)
{
	static struct stress s;
	pthread_t th[NREADERS];
	uint64_t end, fallbacks = 0, pub = 0;
	uint32_t vp0 = 0;
	unsigned n, i;
	(void)state;

	memset(&s, 0, sizeof(s));
	assert_int_equal(fx_init(&s.f, 1, 4, 0, MASK_A), 0);
	filter_for(MASK_A, s.fa);
	filter_for(MASK_B, s.fb);
	assert_int_equal(tdxc_irqfilter_scontrol_write(s.f.vp[0], 0, 1), 0);
	for (n = 1; n <= 6; n++)
		assert_true(tdxc_irqfilter_sint_write(s.f.vp[0], 0, n, VEC[n]) >= 0);
	assert_int_equal(tdxc_irqfilter_device_add(s.f.part, 1, 0xf0, &vp0, 1, NULL), 0);
	assert_true(tdxc_irqfilter_vp_sync(s.f.vp[0]) >= 0);
	{
		uint32_t w[8];
		assert_int_equal(tdxc_irqfilter_read(s.f.vp[0], w, NULL), 0);
		assert_memory_equal(w, s.fa, sizeof(w));
		assert_int_equal(tdxc_irqfilter_read(s.f.vp[0], w, &s.pub0), 0);
	}
	for (i = 0; i < NREADERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, stress_reader, &s), 0);
	/* The writer: the VP thread and the partition writer in one. */
	end = now_ns() + 1500000000ull;
	while (now_ns() < end) {
		/* An odd number of publishes per burst, so that the filter left
		 * in place while this thread yields alternates between A and B. */
		for (i = 0; i < 4001; i++) {
			tdxc_irqfilter_set_relay_sints(s.f.part, (s.writes & 1) ? MASK_A : MASK_B,
						       NULL);
			tdxc_irqfilter_vp_sync(s.f.vp[0]);
			spin(5);
			s.writes++;
		}
		sched_yield();
	}
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NREADERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(tdxc_irqfilter_read(s.f.vp[0], (uint32_t[8]){ 0 }, &pub), 0);
	assert_int_equal(tdxc_irqfilter_vp_counters(s.f.vp[0], NULL, &fallbacks, NULL), 0);
	print_message("writes %llu publishes %llu reads %llu: A %llu B %llu bad %llu "
		      "fallbacks %llu\n",
		      (unsigned long long)s.writes, (unsigned long long)pub,
		      (unsigned long long)s.reads, (unsigned long long)s.seen_a,
		      (unsigned long long)s.seen_b, (unsigned long long)s.bad,
		      (unsigned long long)fallbacks);
	assert_int_equal(s.bad, 0);
	/* Both filters were observed, so reads did overlap the alternation. */
	assert_true(s.seen_a > 0 && s.seen_b > 0);
	assert_true(pub >= s.writes);
	/* A fallback (everything blocked) would not match A or B: none. */
	assert_int_equal(fallbacks, 0);
	fx_free(&s.f);
}

/* ---- cross-VP ordering ------------------------------------------------- */

#define NVP 4
#define ROUNDS 150

struct xvp {
	struct fx f;
	int stop;
	int wake[NVP];       /* kick: set by the waiter, cleared by the VP */
	int hv_go;           /* round number the "hypervisor" may deliver */
	int hv_done;         /* round number delivered */
	uint32_t vector;     /* vector of the current round */
	int delivered, lost; /* results of the hypervisor thread */
	int early;           /* callback ran before a target published */
	uint32_t idx[NVP];
};

struct vp_arg {
	struct xvp *x;
	uint32_t i;
};

/* A VP thread: "runs the guest" (yields) and syncs only when kicked, like
 * a VP that refreshes its filter on a wake reason. */
static void *vp_thread(void *arg)
{
	struct vp_arg *a = arg;
	struct xvp *x = a->x;
	while (!__atomic_load_n(&x->stop, __ATOMIC_ACQUIRE)) {
		if (__atomic_exchange_n(&x->wake[a->i], 0, __ATOMIC_ACQ_REL))
			tdxc_irqfilter_vp_sync(x->f.vp[a->i]);
		else
			sched_yield();
	}
	return NULL;
}

/* The hypervisor: once told to, delivers the vector on each target VP. */
static void *hv_thread(void *arg)
{
	struct xvp *x = arg;
	int done = 0;
	while (!__atomic_load_n(&x->stop, __ATOMIC_ACQUIRE)) {
		int go = __atomic_load_n(&x->hv_go, __ATOMIC_ACQUIRE);
		if (go == done) {
			sched_yield();
			continue;
		}
		uint32_t v = __atomic_load_n(&x->vector, __ATOMIC_RELAXED);
		for (uint32_t i = 1; i < NVP - 1; i++) { /* targets: VP1, VP2 */
			if (tdxc_irqfilter_apply1(x->f.vp[i], v) == 1)
				__atomic_fetch_add(&x->delivered, 1, __ATOMIC_RELAXED);
			else
				__atomic_fetch_add(&x->lost, 1, __ATOMIC_RELAXED);
		}
		done = go;
		__atomic_store_n(&x->hv_done, done, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int kick(void *ctx, uint32_t vp)
{
	struct xvp *x = ctx;
	__atomic_store_n(&x->wake[vp], 1, __ATOMIC_RELEASE);
	return 0;
}

static void relax(void *ctx)
{
	(void)ctx;
	sched_yield();
}

/* The "tell the hypervisor to retarget" step. */
static void retarget(struct xvp *x, int round, const uint32_t *vps, uint32_t n, uint32_t v)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w[8];
		if (tdxc_irqfilter_read(x->f.vp[vps[i]], w, NULL) != 0 || !bit_of(w, v))
			__atomic_fetch_add(&x->early, 1, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&x->vector, v, __ATOMIC_RELAXED);
	__atomic_store_n(&x->hv_go, round, __ATOMIC_RELEASE);
}

static void test_cross_vp_retarget(void **state)
{
	static struct xvp x;
	static struct vp_arg args[NVP];
	pthread_t vps[NVP], hv;
	/* VP0 requests; VP1 and VP2 are targets; VP3 is not. */
	const uint32_t targets[3] = { 0, 1, 2 };
	uint64_t d, g;
	int r, timeouts = 0;
	(void)state;

	memset(&x, 0, sizeof(x));
	assert_int_equal(fx_init(&x.f, NVP, 8, 0, 0), 0);
	for (uint32_t i = 1; i < NVP; i++) {
		args[i].x = &x;
		args[i].i = i;
		assert_int_equal(pthread_create(&vps[i], NULL, vp_thread, &args[i]), 0);
	}
	assert_int_equal(pthread_create(&hv, NULL, hv_thread, &x), 0);

	for (r = 1; r <= ROUNDS; r++) {
		uint32_t v = 0x20 + (uint32_t)(r % 200);
		uint64_t dev = 0x100 + (uint64_t)r;
		/* Requester = VP0's thread (this one): add, sync self, wait. */
		assert_int_equal(tdxc_irqfilter_device_add(x.f.part, dev, v, targets, 3, &g), 0);
		assert_true(tdxc_irqfilter_vp_sync(x.f.vp[0]) >= 0);
		int rc = tdxc_irqfilter_wait_applied(x.f.part, targets, 3, g, kick, relax, &x,
						     100000000ull);
		if (rc != 0) {
			timeouts++;
			break;
		}
		retarget(&x, r, targets, 3, v);
		while (__atomic_load_n(&x.hv_done, __ATOMIC_ACQUIRE) != r)
			sched_yield();
		/* Retarget away (hypervisor first), then remove. */
		assert_int_equal(tdxc_irqfilter_device_remove(x.f.part, dev, v, targets, 3, &g), 0);
	}
	__atomic_store_n(&x.stop, 1, __ATOMIC_RELEASE);
	for (uint32_t i = 1; i < NVP; i++)
		pthread_join(vps[i], NULL);
	pthread_join(hv, NULL);

	assert_int_equal(timeouts, 0);
	assert_int_equal(x.early, 0);
	assert_int_equal(x.lost, 0);
	assert_int_equal(x.delivered, 2 * ROUNDS);
	assert_int_equal(tdxc_irqfilter_vp_counters(x.f.vp[1], &d, NULL, NULL), 0);
	assert_int_equal(d, 0);
	assert_int_equal(tdxc_irqfilter_vp_counters(x.f.vp[2], &d, NULL, NULL), 0);
	assert_int_equal(d, 0);
	/* VP3 was never a target and never needed to sync. */
	assert_int_equal(tdxc_irqfilter_vp_counters(x.f.vp[3], NULL, NULL, &d), 0);
	assert_int_equal(d, 0);
	fx_free(&x.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_complete_versions),
		cmocka_unit_test(test_cross_vp_retarget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
