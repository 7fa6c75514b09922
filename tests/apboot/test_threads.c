/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Driver against firmware models running in real threads (one per AP) over
 * one shared mailbox page, with each firmware quirk. Run under
 * ThreadSanitizer in CI (suite 'concurrency').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>

#include <tdxcore/apboot.h>
#include "madt_build.h"

/* Sparse, non-contiguous IDs; 0x12C and 0x1001 only as x2APIC entries. */
#define NAP 7
static const uint32_t ap_ids[NAP] = {1, 3, 8, 33, 64, 0x12C, 0x1001};
#define BSP 0u

struct ap {
	pthread_t th;
	struct tdxc_apboot_fw fw;
	uint8_t *page;
	int handback;      /* after a wakeup: reset and keep looping */
	int hold;          /* atomic: do not step while set */
	int stop;          /* atomic */
	uint64_t vectors[4]; /* atomic: vectors jumped to, in order */
	uint32_t n_jumps;  /* atomic */
	uint32_t violations; /* atomic */
};

struct world {
	struct mbuild m;
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[16];
	_Alignas(4096) uint8_t page[4096];
	_Alignas(8) uint8_t storage[512];
	struct tdxc_apboot_mb *mb;
	struct ap aps[NAP];
};

static void *ap_thread(void *arg)
{
	struct ap *a = arg;
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		struct tdxc_apboot_fw_event ev;
		if (__atomic_load_n(&a->hold, __ATOMIC_ACQUIRE)) {
			sched_yield();
			continue;
		}
		if (tdxc_apboot_fw_step(&a->fw, a->page, &ev) != 0) {
			sched_yield(); /* jumped: the AP runs OS code now */
			continue;
		}
		if (ev.violation)
			__atomic_fetch_add(&a->violations, 1, __ATOMIC_RELAXED);
		if (ev.kind == TDXC_APBOOT_FW_EV_WAKEUP) {
			uint32_t n = __atomic_load_n(&a->n_jumps, __ATOMIC_RELAXED);
			if (n < 4)
				__atomic_store_n(&a->vectors[n], ev.vector,
						 __ATOMIC_RELAXED);
			__atomic_store_n(&a->n_jumps, n + 1, __ATOMIC_RELEASE);
			if (a->handback)
				tdxc_apboot_fw_reset(&a->fw);
		}
		if (ev.kind == TDXC_APBOOT_FW_EV_IDLE ||
		    ev.kind == TDXC_APBOOT_FW_EV_NOT_MINE)
			sched_yield();
	}
	return NULL;
}

static int relax_yield(void *ctx, uint64_t polls)
{
	(void)ctx;
	(void)polls;
	sched_yield();
	return 0;
}

static struct tdxc_apboot_wait policy(uint64_t max_polls)
{
	struct tdxc_apboot_wait w;
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.max_polls = max_polls;
	w.relax = relax_yield;
	return w;
}

static void world_start(struct world *w, uint32_t quirks, uint32_t delay,
			int handback)
{
	struct tdxc_apboot_mb_config c;
	int i, n;
	memset(w, 0, sizeof(*w));
	mb_header(&w->m, 5);
	mb_lapic(&w->m, 0, BSP, 1);
	for (i = 0; i < NAP; i++) {
		if (ap_ids[i] < 0xFF)
			mb_lapic(&w->m, (uint8_t)(i + 1), (uint8_t)ap_ids[i], 1);
		else
			mb_x2apic(&w->m, ap_ids[i], 1, (uint32_t)i + 1);
	}
	mb_wakeup(&w->m, 24, 1, 0, 0x7fffd000, 0x7fffe068);
	n = tdxc_apboot_madt_parse(w->m.b, mb_finish(&w->m), 0, &w->madt,
				   w->cpus, 16, NULL);
	assert_int_equal(n, NAP + 1);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.bsp_apic_id = BSP;
	assert_int_equal(tdxc_apboot_mb_init(w->storage, sizeof(w->storage),
					     w->page, &w->madt, w->cpus,
					     (uint32_t)n, &c, &w->mb),
			 0);
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_config f;
		struct ap *a = &w->aps[i];
		memset(&f, 0, sizeof(f));
		f.size = sizeof(f);
		f.apic_id = ap_ids[i];
		f.quirks = quirks;
		f.ack_delay = delay;
		assert_int_equal(tdxc_apboot_fw_init(&a->fw, &f), 0);
		a->page = w->page;
		a->handback = handback;
	}
	for (i = 0; i < NAP; i++)
		assert_int_equal(pthread_create(&w->aps[i].th, NULL, ap_thread,
						&w->aps[i]),
				 0);
}

static void world_stop(struct world *w)
{
	int i;
	for (i = 0; i < NAP; i++)
		__atomic_store_n(&w->aps[i].stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < NAP; i++)
		assert_int_equal(pthread_join(w->aps[i].th, NULL), 0);
}

static uint64_t vec_for(uint32_t id, int round)
{
	return 0x10000u + 0x1000u * (uint64_t)id + (uint64_t)round * 0x100u;
}

static struct world *W;

static void run_quirks(uint32_t quirks, uint32_t delay)
{
	static const int order[NAP] = {6, 2, 0, 5, 3, 1, 4};
	struct world *w = W;
	struct tdxc_apboot_wait p = policy(100000000ull);
	int i;
	world_start(w, quirks, delay, 0);
	for (i = 0; i < NAP; i++) {
		uint32_t id = ap_ids[order[i]];
		assert_int_equal(tdxc_apboot_mb_wake(w->mb, id, vec_for(id, 0), &p), 0);
	}
	assert_int_equal(tdxc_apboot_mb_all_acked(w->mb), 1);
	world_stop(w);
	for (i = 0; i < NAP; i++) {
		assert_int_equal(w->aps[i].n_jumps, 1);
		assert_true(w->aps[i].vectors[0] == vec_for(ap_ids[i], 0));
		assert_int_equal(w->aps[i].violations, 0);
	}
}

static void test_plain(void **state)
{
	(void)state;
	run_quirks(0, 0);
	run_quirks(0, 9);
}

static void test_ovmf(void **state)
{
	(void)state;
	run_quirks(TDXC_APBOOT_FW_PRESET_OVMF, 0);
	run_quirks(TDXC_APBOOT_FW_PRESET_OVMF, 3);
}

static void test_tdshim(void **state)
{
	(void)state;
	run_quirks(TDXC_APBOOT_FW_PRESET_TDSHIM, 0);
	run_quirks(TDXC_APBOOT_FW_PRESET_TDSHIM, 5);
}

static void test_ack16_cmd32(void **state)
{
	(void)state;
	run_quirks(TDXC_APBOOT_FW_ACK16, 0);
	run_quirks(TDXC_APBOOT_FW_ACK16 | TDXC_APBOOT_FW_CMD32 |
			   TDXC_APBOOT_FW_APICID_FIRST,
		   2);
}

/* A held (late) AP: timeout, poisoning, late ack, recovery. */
static void test_late_ap(void **state)
{
	struct world *w = W;
	struct tdxc_apboot_wait p = policy(200);
	struct tdxc_apboot_wait big = policy(100000000ull);
	struct tdxc_apboot_mb_status st;
	int i, rc;
	(void)state;
	world_start(w, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	__atomic_store_n(&w->aps[3].hold, 1, __ATOMIC_RELEASE);
	assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[0], vec_for(ap_ids[0], 0), &big), 0);
	assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[3], vec_for(ap_ids[3], 0), &p),
			 TDXC_ETIMEDOUT);
	assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[1], vec_for(ap_ids[1], 0), &big),
			 TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_poll(w->mb), TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_all_acked(w->mb), 0);
	/* Release the AP: it consumes the old command late. */
	__atomic_store_n(&w->aps[3].hold, 0, __ATOMIC_RELEASE);
	for (i = 0; i < 100000000; i++) {
		rc = tdxc_apboot_mb_poll(w->mb);
		if (rc != TDXC_EPOISONED)
			break;
		sched_yield();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(tdxc_apboot_mb_ap_state(w->mb, ap_ids[3]), TDXC_APBOOT_AP_ACKED);
	assert_int_equal(tdxc_apboot_mb_status(w->mb, &st), 0);
	assert_int_equal(st.acked, 2);
	for (i = 1; i < NAP; i++)
		if (i != 3)
			assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[i],
							     vec_for(ap_ids[i], 0), &big),
					 0);
	assert_int_equal(tdxc_apboot_mb_all_acked(w->mb), 1);
	world_stop(w);
	for (i = 0; i < NAP; i++) {
		assert_int_equal(w->aps[i].n_jumps, 1);
		assert_true(w->aps[i].vectors[0] == vec_for(ap_ids[i], 0));
	}
}

/* A never-acking AP: the rest of the mailbox stays closed. */
static void test_never_ack(void **state)
{
	struct world *w = W;
	struct tdxc_apboot_wait p = policy(500);
	int i;
	(void)state;
	world_start(w, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[2], 0x9000, &p),
			 TDXC_ETIMEDOUT);
	for (i = 0; i < 50; i++) {
		assert_int_equal(tdxc_apboot_mb_poll(w->mb), TDXC_EPOISONED);
		sched_yield();
	}
	assert_int_equal(tdxc_apboot_mb_test(w->mb, ap_ids[1], &p), TDXC_EPOISONED);
	world_stop(w);
	for (i = 0; i < NAP; i++)
		assert_int_equal(w->aps[i].n_jumps, 0);
}

/* Wake, hand back, Test, wake again: several rounds per AP. */
static void test_handback_rounds(void **state)
{
	struct world *w = W;
	struct tdxc_apboot_wait p = policy(100000000ull);
	int i, r;
	(void)state;
	world_start(w, TDXC_APBOOT_FW_ACK16, 1, 1);
	for (r = 0; r < 3; r++) {
		for (i = 0; i < NAP; i++) {
			assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[i],
							     vec_for(ap_ids[i], r), &p),
					 0);
			assert_int_equal(tdxc_apboot_mb_wake(w->mb, ap_ids[i],
							     vec_for(ap_ids[i], r), &p),
					 TDXC_EALREADY);
		}
		assert_int_equal(tdxc_apboot_mb_all_acked(w->mb), 1);
		for (i = 0; i < NAP; i++) {
			assert_int_equal(tdxc_apboot_mb_test(w->mb, ap_ids[i], &p), 0);
			assert_int_equal(tdxc_apboot_mb_ap_state(w->mb, ap_ids[i]),
					 TDXC_APBOOT_AP_NOT_WOKEN);
		}
	}
	world_stop(w);
	for (i = 0; i < NAP; i++) {
		assert_int_equal(w->aps[i].n_jumps, 3);
		for (r = 0; r < 3; r++)
			assert_true(w->aps[i].vectors[r] == vec_for(ap_ids[i], r));
		assert_int_equal(w->aps[i].violations, 0);
	}
}

static int setup(void **state)
{
	W = aligned_alloc(4096, (sizeof(struct world) + 4095) & ~(size_t)4095);
	*state = W;
	return W ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_ovmf),
		cmocka_unit_test(test_tdshim),
		cmocka_unit_test(test_ack16_cmd32),
		cmocka_unit_test(test_late_ap),
		cmocka_unit_test(test_never_ack),
		cmocka_unit_test(test_handback_rounds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
