/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * irqfilter on two real CPUs at once. VP 0 belongs to the BSP, VP 1 to the
 * first woken AP: each CPU is the writer of its own VP (flapping one SINT
 * between masked and unmasked) while both read both filters with the
 * lock-free apply calls. Vectors that stay allowed must always deliver,
 * vectors never allowed must never deliver, and every blocked read is
 * counted. Then the BSP, as partition writer, retargets a device vector to
 * VP 1 and waits until the AP has applied it (kick -> vp_sync) before
 * checking that the first interrupt is delivered.
 */
#include "irq_test.h"
#include "smp.h"

#include <tdxcore/irqfilter.h>

static uint8_t part_storage[64 * 1024] __attribute__((aligned(64)));

#define V_STABLE0 0x50 /* VP0: SINT2 unmasked, proxy */
#define V_STABLE1 0x60 /* VP1: SINT3 unmasked, proxy */
#define V_FLAP0 0x90   /* VP0: SINT6 toggled by the BSP */
#define V_FLAP1 0x80   /* VP1: SINT5 toggled by the AP */
#define V_NEVER 0x21   /* never allowed anywhere */
#define V_DEVICE 0x70  /* device vector retargeted to VP1 */

struct irq_shared {
	struct tdxc_irqfilter_vp *vp[2];
	uint32_t go, stop;
	uint32_t kick;        /* set by the partition writer's kick callback */
	uint64_t ap_iters, ap_bad, ap_never;
	uint64_t ap_syncs;
};

static uint64_t sint(uint32_t vector, int masked)
{
	return vector | TDXC_IRQFILTER_SINT_PROXY | (masked ? TDXC_IRQFILTER_SINT_MASKED : 0);
}

/* Runs on the AP: writer of VP1, reader of both. */
static void irq_ap_job(void *arg)
{
	struct irq_shared *s = arg;
	while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE))
		cpu_relax();
	uint64_t it = 0;
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		tdxc_irqfilter_sint_write(s->vp[1], 0, 5, sint(V_FLAP1, (int)(it & 1)));
		if (tdxc_irqfilter_apply1(s->vp[0], V_STABLE0) != 1)
			s->ap_bad++;
		if (tdxc_irqfilter_apply1(s->vp[1], V_STABLE1) != 1)
			s->ap_bad++;
		if (tdxc_irqfilter_apply1(s->vp[0], V_NEVER) != 0)
			s->ap_bad++;
		uint32_t w[8] = { 0 };
		for (int i = 0; i < 8; i++)
			w[i] = 0xFFFFFFFFu;
		tdxc_irqfilter_apply8(s->vp[0], w, w);
		/* vectors 0..15 are exceptions: never delivered */
		if ((w[0] & 0xFFFF) || !(w[V_STABLE0 >> 5] >> (V_STABLE0 & 31) & 1))
			s->ap_bad++;
		s->ap_never += 2; /* V_NEVER read blocked by apply1 and by apply8 */
		if (__atomic_exchange_n(&s->kick, 0, __ATOMIC_ACQ_REL)) {
			tdxc_irqfilter_vp_sync(s->vp[1]);
			s->ap_syncs++;
		}
		it++;
	}
	s->ap_iters = it;
}

static int kick_vp(void *ctx, uint32_t vp_index)
{
	struct irq_shared *s = ctx;
	if (vp_index != 1)
		return -1;
	__atomic_store_n(&s->kick, 1, __ATOMIC_RELEASE);
	return 0;
}

static void relax_pause(void *ctx)
{
	(void)ctx;
	cpu_relax();
}

void run_irqfilter(unsigned n_online_aps)
{
	struct tdxc_irqfilter_params pr;
	memset(&pr, 0, sizeof(pr));
	pr.size = sizeof(pr);
	pr.vp_count = 2;
	pr.max_device_entries = 16;
	size_t need = 0;
	int rc = tdxc_irqfilter_storage_size(&pr, &need);
	struct tdxc_irqfilter_part *part = 0;
	static struct irq_shared s;
	if (rc == 0)
		rc = tdxc_irqfilter_init(part_storage, sizeof(part_storage), &pr, &part);
	if (rc == 0)
		rc = tdxc_irqfilter_vp_get(part, 0, &s.vp[0]);
	if (rc == 0)
		rc = tdxc_irqfilter_vp_get(part, 1, &s.vp[1]);
	if (!check(rc == 0, "irqfilter.init", "%s, storage %zu of %zu bytes",
		   tdxc_strerror_name(rc), need, sizeof(part_storage)))
		return;

	/* Setup (no concurrency yet): both VPs enabled, stable SINTs. */
	int default_deny = tdxc_irqfilter_apply1(s.vp[0], V_STABLE0) == 0;
	tdxc_irqfilter_scontrol_write(s.vp[0], 0, TDXC_IRQFILTER_SCONTROL_ENABLE);
	tdxc_irqfilter_scontrol_write(s.vp[1], 0, TDXC_IRQFILTER_SCONTROL_ENABLE);
	int w0 = tdxc_irqfilter_sint_write(s.vp[0], 0, 2, sint(V_STABLE0, 0));
	int w1 = tdxc_irqfilter_sint_write(s.vp[1], 0, 3, sint(V_STABLE1, 0));
	int low = tdxc_irqfilter_sint_write(s.vp[0], 0, 7, sint(5, 0));
	int vtl1 = tdxc_irqfilter_sint_write(s.vp[0], 1, 8, sint(0xA0, 0));
	check(default_deny && w0 == 1 && w1 == 1 && low == TDXC_ERANGE && vtl1 == 0 &&
		      tdxc_irqfilter_apply1(s.vp[0], V_STABLE0) == 1 &&
		      tdxc_irqfilter_apply1(s.vp[0], 0xA0) == 0,
	      "irqfilter.setup",
	      "default deny %d; SINT writes published %d/%d; unmasked vector 5 %s; VTL1 SINT "
	      "leaves the VTL0 filter alone",
	      default_deny, w0, w1, tdxc_strerror_name(low));

	if (n_online_aps == 0) {
		info("irqfilter.two-cpus", "only one CPU: the concurrent part needs -smp 2 or more");
		return;
	}

	/* Two CPUs at once. */
	os_job_start(0, irq_ap_job, &s);
	__atomic_store_n(&s.go, 1, __ATOMIC_RELEASE);
	uint64_t it = 0, bad = 0, never = 0;
	uint64_t end = rdtsc() + 150000 * tsc_per_us(); /* 150 ms */
	while ((int64_t)(rdtsc() - end) < 0) {
		tdxc_irqfilter_sint_write(s.vp[0], 0, 6, sint(V_FLAP0, (int)(it & 1)));
		if (tdxc_irqfilter_apply1(s.vp[1], V_STABLE1) != 1)
			bad++;
		if (tdxc_irqfilter_apply1(s.vp[0], V_STABLE0) != 1)
			bad++;
		if (tdxc_irqfilter_apply1(s.vp[1], V_NEVER) != 0)
			bad++;
		never++;
		it++;
	}

	/* Retarget a device vector to VP1 while the AP runs its loop. */
	uint32_t vps[1] = { 1 };
	uint64_t gen = 0;
	int before = tdxc_irqfilter_apply1(s.vp[1], V_DEVICE);
	int add = tdxc_irqfilter_device_add(part, 0xD00D, V_DEVICE, vps, 1, &gen);
	int wait = tdxc_irqfilter_wait_applied(part, vps, 1, gen, kick_vp, relax_pause, &s,
					       200000000);
	int after = tdxc_irqfilter_apply1(s.vp[1], V_DEVICE);
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	int jw = os_job_wait(0, AP_WAIT_US);

	uint64_t d_never0 = 0, d_never1 = 0, applied = 0;
	tdxc_irqfilter_drops(s.vp[0], V_NEVER, &d_never0);
	tdxc_irqfilter_drops(s.vp[1], V_NEVER, &d_never1);
	tdxc_irqfilter_vp_counters(s.vp[1], 0, 0, &applied);
	check(jw == 0 && bad == 0 && s.ap_bad == 0 && it > 0 && s.ap_iters > 0,
	      "irqfilter.two-cpus",
	      "BSP %lu and AP %lu iterations of write-own-VP + read-both; wrong answers: BSP %lu, "
	      "AP %lu",
	      it, s.ap_iters, bad, s.ap_bad);
	check(d_never0 == s.ap_never && d_never1 == never, "irqfilter.drops",
	      "blocked vector 0x%x counted %lu/%lu times on VP0/VP1 (reads: %lu/%lu)", V_NEVER,
	      d_never0, d_never1, s.ap_never, never);
	/* The AP applies the generation by its next VTL0 SINT write or by the
	 * sync it does when kicked, whichever comes first. */
	check(before == 0 && add == 0 && wait == 0 && after == 1 && applied >= gen,
	      "irqfilter.retarget",
	      "device vector 0x%x on VP1: before %d, device_add %s (gen %lu), wait_applied %s "
	      "(AP synced on a kick %lu times, applied gen %lu), first delivery %d",
	      V_DEVICE, before, tdxc_strerror_name(add), gen, tdxc_strerror_name(wait),
	      s.ap_syncs, applied, after);
}
