/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mailbox driver against the firmware model, deterministic: the driver's
 * relax hook steps the simulated APs, so every interleaving is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <tdxcore/apboot.h>
#include "madt_build.h"

#define NAP 4
static const uint32_t ap_ids[NAP] = {2, 4, 17, 9}; /* 9: hot-plug slot */

struct env {
	struct mbuild m;
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[16];
	int ncpu;
	_Alignas(4096) uint8_t page[4096];
	_Alignas(8) uint8_t storage[512];
	struct tdxc_apboot_mb *mb;
	struct tdxc_apboot_fw fw[NAP];
	struct tdxc_apboot_fw_event last[NAP];
	uint64_t jumped_to[NAP];
	uint32_t violations;
	uint32_t steps;
};

/* Relax hook: every parked AP runs one loop iteration. */
static int step_all(void *ctx, uint64_t polls)
{
	struct env *e = ctx;
	int i;
	(void)polls;
	e->steps++;
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_event ev;
		if (tdxc_apboot_fw_jumped(&e->fw[i]))
			continue;
		assert_int_equal(tdxc_apboot_fw_step(&e->fw[i], e->page, &ev), 0);
		e->last[i] = ev;
		e->violations += ev.violation;
		if (ev.kind == TDXC_APBOOT_FW_EV_WAKEUP)
			e->jumped_to[i] = ev.vector;
	}
	return 0;
}

static struct tdxc_apboot_wait bounded(struct env *e, uint64_t polls)
{
	struct tdxc_apboot_wait w;
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.max_polls = polls;
	w.relax = step_all;
	w.ctx = e;
	return w;
}

static struct tdxc_apboot_wait forever(struct env *e)
{
	struct tdxc_apboot_wait w = bounded(e, 0);
	w.flags = TDXC_APBOOT_WAIT_FOREVER;
	return w;
}

/* Table: BSP 0, APs 2 4 17 (enabled), 9 hot-plug, 5 disabled, 0xFF
 * placeholder, x2APIC 4 shadowed; wakeup version `ver`. */
static void env_setup(struct env *e, uint16_t ver, uint32_t quirks,
		      uint32_t ack_delay, uint32_t mbflags)
{
	struct tdxc_apboot_mb_config c;
	int i;
	memset(e, 0, sizeof(*e));
	mb_header(&e->m, 5);
	mb_lapic(&e->m, 0, 0, 1);
	mb_lapic(&e->m, 1, 2, 1);
	mb_lapic(&e->m, 2, 4, 1);
	mb_lapic(&e->m, 3, 17, 1);
	mb_lapic(&e->m, 4, 9, 2);
	mb_lapic(&e->m, 5, 5, 0);
	mb_lapic(&e->m, 6, 0xFF, 1);
	mb_x2apic(&e->m, 4, 1, 7);
	mb_wakeup(&e->m, ver ? 24 : 16, ver, 0, 0x7fffd000, 0x7fffe068);
	e->ncpu = tdxc_apboot_madt_parse(e->m.b, mb_finish(&e->m), 0, &e->madt,
					 e->cpus, 16, NULL);
	assert_int_equal(e->ncpu, 8);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.bsp_apic_id = 0;
	c.flags = mbflags;
	assert_true(tdxc_apboot_mb_storage_size(8) <= sizeof(e->storage));
	assert_int_equal(tdxc_apboot_mb_init(e->storage, sizeof(e->storage),
					     e->page, &e->madt, e->cpus,
					     (uint32_t)e->ncpu, &c, &e->mb),
			 0);
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_config f;
		memset(&f, 0, sizeof(f));
		f.size = sizeof(f);
		f.apic_id = ap_ids[i];
		f.quirks = quirks;
		f.ack_delay = ack_delay;
		assert_int_equal(tdxc_apboot_fw_init(&e->fw[i], &f), 0);
	}
}

static struct env *E;

static int setup(void **state)
{
	E = aligned_alloc(4096, (sizeof(struct env) + 4095) & ~(size_t)4095);
	*state = E;
	return E ? 0 : -1;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* ---- happy paths, each firmware flavour ---------------------------- */

static void run_all_aps(uint32_t quirks, uint32_t delay)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	struct tdxc_apboot_mb_status st;
	int i;
	env_setup(e, 1, quirks, delay, 0);
	w = forever(e);
	assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 0);
	for (i = 0; i < 3; i++) {
		uint64_t vec = 0x8000u + 0x1000u * (uint64_t)ap_ids[i];
		assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, ap_ids[i]),
				 TDXC_APBOOT_AP_NOT_WOKEN);
		assert_int_equal(tdxc_apboot_mb_wake(e->mb, ap_ids[i], vec, &w), 0);
		assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, ap_ids[i]),
				 TDXC_APBOOT_AP_ACKED);
		assert_int_equal(tdxc_apboot_fw_jumped(&e->fw[i]), 1);
		assert_true(e->jumped_to[i] == vec);
		if (i < 2)
			assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 0);
	}
	assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 1);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.expected, 3);
	assert_int_equal(st.acked, 3);
	assert_int_equal(st.poisoned, 0);
	/* The hot-plug slot may be woken too; it is not "expected". */
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 9, 0x9000, &w), 0);
	assert_true(e->jumped_to[3] == 0x9000);
	assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 1);
	assert_int_equal(e->violations, 0);
	/* ApicId after the ack: zeroed by a 64-bit ack, kept by a 16-bit one. */
	if (quirks & TDXC_APBOOT_FW_ACK16)
		assert_int_equal(e->page[4], 9);
	else
		assert_true(e->page[4] == 0 && e->page[0] == 0);
}

static void test_happy_ovmf(void **state)
{
	(void)state;
	run_all_aps(TDXC_APBOOT_FW_PRESET_OVMF, 0);
}

static void test_happy_tdshim(void **state)
{
	(void)state;
	run_all_aps(TDXC_APBOOT_FW_PRESET_TDSHIM, 0);
}

static void test_happy_ack16_delayed(void **state)
{
	(void)state;
	run_all_aps(TDXC_APBOOT_FW_ACK16, 5);
	run_all_aps(TDXC_APBOOT_FW_CMD32 | TDXC_APBOOT_FW_APICID_FIRST, 50);
}

/* Scenario: stale Reserved = 0xFFFF with Command = 0. */
static void test_stale_reserved(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	e->page[2] = 0xFF;
	e->page[3] = 0xFF;
	e->page[4] = 17; /* and a stale ApicId of a parked AP */
	/* A 32-bit reader sees a command for AP 17, an unknown one: ignored. */
	step_all(e, 0);
	assert_int_equal(e->last[2].kind, TDXC_APBOOT_FW_EV_IGNORED);
	assert_int_equal(e->last[2].violation, 1);
	e->violations = 0;
	/* The driver's Command is 0, so it sends, clearing Reserved first. */
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 17, 0x5000, &w), 0);
	assert_true(e->jumped_to[2] == 0x5000);
	assert_int_equal(e->violations, 0);
}

/* Scenario: vectors >= 4 GiB. */
static void test_vector_width(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	uint8_t before[4096];
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_TDSHIM, 0, 0);
	w = bounded(e, 100);
	memcpy(before, e->page, sizeof(before));
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x100001000ull, &w),
			 TDXC_ERANGE);
	assert_memory_equal(before, e->page, sizeof(before));
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 2), TDXC_APBOOT_AP_NOT_WOKEN);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0xFFFFF000ull, &w), 0);
	assert_true(e->jumped_to[0] == 0xFFFFF000ull);
	/* Opting in with td-shim behind it shows why the default refuses. */
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_TDSHIM, 0, TDXC_APBOOT_MB_VECTOR64);
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x100001000ull, &w), 0);
	assert_true(e->jumped_to[0] == 0x1000); /* truncated by the firmware */
	/* A 64-bit reader gets the whole vector. */
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 0, TDXC_APBOOT_MB_VECTOR64);
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x100001000ull, &w), 0);
	assert_true(e->jumped_to[0] == 0x100001000ull);
}

/* Scenario: never-acking / late AP, poisoning and recovery. */
static void test_timeout_poison(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	struct tdxc_apboot_mb_status st;
	uint8_t snap[512], page[4096];
	int i;
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 40, 0);
	w = bounded(e, 10);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x6000, &w), TDXC_ETIMEDOUT);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 4), TDXC_APBOOT_AP_TIMED_OUT);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.poisoned, 1);
	assert_int_equal(st.timed_out, 1);
	assert_int_equal(st.pending_apic_id, 4);
	assert_int_equal(st.pending_command, TDXC_APBOOT_CMD_WAKEUP);
	assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 0);
	/* Every further command is refused; nothing changes. */
	memcpy(snap, e->storage, sizeof(snap));
	memcpy(page, e->page, sizeof(page));
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x7000, &w), TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x6000, &w), TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 2, &w), TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_poll(e->mb), TDXC_EPOISONED);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_memory_equal(page, e->page, sizeof(page));
	/* The late AP finally takes the command. */
	for (i = 0; i < 40 && !tdxc_apboot_fw_jumped(&e->fw[1]); i++)
		step_all(e, 0);
	assert_true(e->jumped_to[1] == 0x6000);
	assert_int_equal(tdxc_apboot_mb_poll(e->mb), 0);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 4), TDXC_APBOOT_AP_ACKED);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.poisoned, 0);
	assert_int_equal(st.timed_out, 0);
	assert_int_equal(st.acked, 1);
	/* The next wake works. */
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x7000, &w), 0);
	assert_int_equal(tdxc_apboot_mb_poll(e->mb), 0);
}

static void test_never_ack(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	w = bounded(e, 1000);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x6000, &w), TDXC_ETIMEDOUT);
	assert_int_equal(e->steps, 999);
	assert_int_equal(e->last[0].kind, TDXC_APBOOT_FW_EV_WAITING);
	assert_int_equal(e->last[1].kind, TDXC_APBOOT_FW_EV_NOT_MINE);
	assert_int_equal(tdxc_apboot_mb_poll(e->mb), TDXC_EPOISONED);
	assert_int_equal(tdxc_apboot_mb_all_acked(e->mb), 0);
}

/* The relax hook is the caller's clock: it can end even a "for ever" wait. */
static int give_up_after_3(void *ctx, uint64_t polls)
{
	(void)ctx;
	return polls >= 3;
}

static void test_relax_ends_wait(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	w = forever(e);
	w.relax = give_up_after_3;
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x6000, &w), TDXC_ETIMEDOUT);
	/* max_polls 0 is one poll; NULL relax uses the pause hint. */
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	w = bounded(e, 0);
	w.relax = NULL;
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x6000, &w), TDXC_ETIMEDOUT);
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	w = bounded(e, 5000);
	w.relax = NULL;
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x6000, &w), TDXC_ETIMEDOUT);
}

/* Scenario: invalid targets are refused before the mailbox is touched. */
static void test_bad_targets(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	uint8_t snap[512], page[4096];
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	w = bounded(e, 100);
	memset(e->page + 16, 0x3C, 64); /* OS area: must stay as is */
	memcpy(snap, e->storage, sizeof(snap));
	memcpy(page, e->page, sizeof(page));
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 3, 0x1000, &w), TDXC_ENOENT);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 1, 0x1000, &w), TDXC_ENOENT);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 5, 0x1000, &w), TDXC_ENOTUSABLE);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 0xFF, 0x1000, &w),
			 TDXC_ENOTUSABLE);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 0, 0x1000, &w), TDXC_EPERM);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, TDXC_APBOOT_APIC_ID_BROADCAST,
					     0x1000, &w),
			 TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_wake(NULL, 2, 0x1000, &w), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 5, &w), TDXC_ENOTUSABLE);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 0, &w), TDXC_EPERM);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 3, &w), TDXC_ENOENT);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 5), TDXC_ENOTUSABLE);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 3), TDXC_ENOENT);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 0), TDXC_EPERM);
	assert_int_equal(tdxc_apboot_mb_ap_state(NULL, 0), TDXC_EINVAL);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_memory_equal(page, e->page, sizeof(page));
	assert_int_equal(e->steps, 0);
	/* 4 is listed twice (LAPIC + shadowed x2APIC): the LAPIC one counts. */
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x1000, &w), 0);
	/* Already woken. */
	memcpy(snap, e->storage, sizeof(snap));
	memcpy(page, e->page, sizeof(page));
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x1000, &w), TDXC_EALREADY);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_memory_equal(page, e->page, sizeof(page));
}

/* Scenario: an unknown command left in the mailbox. */
static void test_unknown_command_busy(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	uint8_t snap[512], page[4096];
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	e->page[0] = 5;
	e->page[4] = 2;
	w = bounded(e, 50);
	memcpy(snap, e->storage, sizeof(snap));
	memcpy(page, e->page, sizeof(page));
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x1000, &w), TDXC_EBUSY);
	assert_int_equal(e->last[0].kind, TDXC_APBOOT_FW_EV_IGNORED);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_memory_equal(page, e->page, sizeof(page));
	assert_int_equal(tdxc_apboot_mb_poll(e->mb), TDXC_EBUSY);
	/* A model that clears unknown commands unblocks the mailbox. */
	env_setup(e, 1, 0, 0, 0);
	e->page[0] = 5;
	e->page[4] = 2;
	w = bounded(e, 50);
	step_all(e, 0);
	assert_int_equal(e->last[0].kind, TDXC_APBOOT_FW_EV_UNKNOWN_ACKED);
	assert_int_equal(e->last[0].command, 5);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 4, 0x1000, &w), 0);
	assert_true(e->jumped_to[1] == 0x1000);
}

/* Scenario: the Test command. */
static void test_test_command(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	struct tdxc_apboot_mb_status st;
	uint8_t snap[512];
	(void)state;
	/* v1: a live loop clears it. */
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 2, 0);
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 17, &w), 0);
	assert_int_equal(e->last[2].kind, TDXC_APBOOT_FW_EV_TEST);
	assert_int_equal(tdxc_apboot_fw_jumped(&e->fw[2]), 0);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 17), TDXC_APBOOT_AP_NOT_WOKEN);
	/* Wake, hand back through ResetVector, Test, wake again. */
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 17, 0x2000, &w), 0);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.acked, 1);
	assert_int_equal(tdxc_apboot_fw_reset(&e->fw[2]), 0);
	assert_int_equal(tdxc_apboot_fw_reset(&e->fw[2]), TDXC_ESTATE);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 17, &w), 0);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 17), TDXC_APBOOT_AP_NOT_WOKEN);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.acked, 0);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 17, 0x3000, &w), 0);
	assert_true(e->jumped_to[2] == 0x3000);
	/* v0: not supported, nothing changes. */
	env_setup(e, 0, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	w = bounded(e, 100);
	memcpy(snap, e->storage, sizeof(snap));
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 17, &w), TDXC_ENOTSUP);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_int_equal(e->page[0], 0);
	/* Firmware without Test (td-shim): the command is never cleared. */
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_TDSHIM, 0, 0);
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 17, &w), TDXC_ETIMEDOUT);
	assert_int_equal(e->last[2].kind, TDXC_APBOOT_FW_EV_IGNORED);
	assert_int_equal(tdxc_apboot_mb_status(e->mb, &st), 0);
	assert_int_equal(st.pending_command, TDXC_APBOOT_CMD_TEST);
	assert_int_equal(st.timed_out, 0);
	assert_int_equal(tdxc_apboot_mb_ap_state(e->mb, 17), TDXC_APBOOT_AP_NOT_WOKEN);
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x1000, &w), TDXC_EPOISONED);
	/* Never-acking firmware: Test times out too. */
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	w = bounded(e, 100);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 2, &w), TDXC_ETIMEDOUT);
	/* Default Test policy is bounded (1,000,000 polls). */
	env_setup(e, 1, TDXC_APBOOT_FW_NEVER_ACK, 0, 0);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 2, NULL), TDXC_ETIMEDOUT);
}

static void test_wait_descriptor(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_wait w;
	uint8_t snap[512];
	(void)state;
	env_setup(e, 1, TDXC_APBOOT_FW_PRESET_OVMF, 0, 0);
	memcpy(snap, e->storage, sizeof(snap));
	w = bounded(e, 10);
	w.size = 4;
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x1000, &w), TDXC_ESIZE);
	assert_int_equal(tdxc_apboot_mb_test(e->mb, 2, &w), TDXC_ESIZE);
	w = bounded(e, 10);
	w.flags = 0x80;
	assert_int_equal(tdxc_apboot_mb_wake(e->mb, 2, 0x1000, &w), TDXC_EFLAGS);
	assert_memory_equal(snap, e->storage, sizeof(snap));
	assert_int_equal(e->page[0], 0);
}

static void test_init_errors(void **state)
{
	struct env *e = E;
	struct tdxc_apboot_mb_config c;
	struct tdxc_apboot_mb *mb = NULL;
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[16];
	_Alignas(8) uint8_t st[512], ref[512];
	(void)state;
	env_setup(e, 1, 0, 0, 0);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	memset(st, 0x6B, sizeof(st));
	memcpy(ref, st, sizeof(st));
#define INIT(s, l, p, md, cp, n, cf) \
	tdxc_apboot_mb_init((s), (l), (p), (md), (cp), (n), (cf), &mb)
	assert_int_equal(INIT(NULL, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_EINVAL);
	assert_int_equal(INIT(st, 512, NULL, &e->madt, e->cpus, 8, &c), TDXC_EINVAL);
	assert_int_equal(INIT(st, 512, e->page, NULL, e->cpus, 8, &c), TDXC_EINVAL);
	assert_int_equal(INIT(st, 512, e->page, &e->madt, NULL, 8, &c), TDXC_EINVAL);
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_init(st, 512, e->page, &e->madt, e->cpus,
					     8, &c, NULL),
			 TDXC_EINVAL);
	c.size = 8;
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_ESIZE);
	c.size = sizeof(c);
	c.reserved = 1;
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_ERESERVED);
	c.reserved = 0;
	c.flags = 0x100;
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_EFLAGS);
	c.flags = 0;
	assert_int_equal(INIT(st + 4, 500, e->page, &e->madt, e->cpus, 8, &c), TDXC_EALIGN);
	assert_int_equal(INIT(st, 512, e->page + 4, &e->madt, e->cpus, 8, &c), TDXC_EALIGN);
	assert_int_equal(INIT(st, tdxc_apboot_mb_storage_size(8) - 1, e->page,
			      &e->madt, e->cpus, 8, &c),
			 TDXC_ENOSPC);
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus,
			      TDXC_APBOOT_MAX_CPU_ENTRIES + 1, &c),
			 TDXC_E2BIG);
	assert_true(tdxc_apboot_mb_storage_size(TDXC_APBOOT_MAX_CPU_ENTRIES + 1) == 0);
	madt = e->madt;
	madt.wakeup.present = 0;
	assert_int_equal(INIT(st, 512, e->page, &madt, e->cpus, 8, &c), TDXC_ENOENT);
	madt = e->madt;
	madt.wakeup.mailbox = 0;
	assert_int_equal(INIT(st, 512, e->page, &madt, e->cpus, 8, &c), TDXC_EINVAL);
	madt.wakeup.mailbox = 0x7fffd008;
	assert_int_equal(INIT(st, 512, e->page, &madt, e->cpus, 8, &c), TDXC_EALIGN);
	memcpy(cpus, e->cpus, sizeof(cpus));
	cpus[3].status = 9;
	assert_int_equal(INIT(st, 512, e->page, &e->madt, cpus, 8, &c), TDXC_EINVAL);
	c.bsp_apic_id = 3; /* not in the table */
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_ENOENT);
	c.bsp_apic_id = 5; /* disabled */
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), TDXC_ENOENT);
	assert_memory_equal(st, ref, sizeof(st));
	assert_null(mb);
	/* Sparse BSP: the BSP does not have to be APIC ID 0 or listed first. */
	c.bsp_apic_id = 17;
	assert_int_equal(INIT(st, 512, e->page, &e->madt, e->cpus, 8, &c), 0);
	assert_non_null(mb);
	assert_int_equal(tdxc_apboot_mb_ap_state(mb, 0), TDXC_APBOOT_AP_NOT_WOKEN);
	assert_int_equal(tdxc_apboot_mb_ap_state(mb, 17), TDXC_EPERM);
	assert_int_equal(tdxc_apboot_mb_status(mb, NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_all_acked(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_poll(NULL), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_mb_test(NULL, 2, NULL), TDXC_EINVAL);
#undef INIT
}

static void test_fw_model_api(void **state)
{
	struct tdxc_apboot_fw fw, ref;
	struct tdxc_apboot_fw_config c;
	struct tdxc_apboot_fw_event ev;
	_Alignas(8) uint8_t page[4096];
	(void)state;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.apic_id = 3;
	memset(&fw, 0x11, sizeof(fw));
	ref = fw;
	assert_int_equal(tdxc_apboot_fw_init(NULL, &c), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_fw_init(&fw, NULL), TDXC_EINVAL);
	c.quirks = 0x80;
	assert_int_equal(tdxc_apboot_fw_init(&fw, &c), TDXC_EFLAGS);
	c.quirks = 0;
	c.apic_id = TDXC_APBOOT_APIC_ID_BROADCAST;
	assert_int_equal(tdxc_apboot_fw_init(&fw, &c), TDXC_EINVAL);
	c.apic_id = 0xFFFFFFFF;
	assert_int_equal(tdxc_apboot_fw_init(&fw, &c), TDXC_EINVAL);
	c.apic_id = 3;
	c.size = 2;
	assert_int_equal(tdxc_apboot_fw_init(&fw, &c), TDXC_ESIZE);
	assert_memory_equal(&fw, &ref, sizeof(fw));
	assert_int_equal(tdxc_apboot_fw_step(&fw, page, &ev), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_fw_jumped(&fw), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_fw_reset(&fw), TDXC_EINVAL);
	c.size = sizeof(c);
	assert_int_equal(tdxc_apboot_fw_init(&fw, &c), 0);
	memset(page, 0, sizeof(page));
	assert_int_equal(tdxc_apboot_fw_step(&fw, page, &ev), 0);
	assert_int_equal(ev.kind, TDXC_APBOOT_FW_EV_IDLE);
	assert_int_equal(tdxc_apboot_fw_step(&fw, page + 4, &ev), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_fw_step(&fw, NULL, &ev), TDXC_EINVAL);
	assert_int_equal(tdxc_apboot_fw_step(&fw, page, NULL), TDXC_EINVAL);
	/* Broadcast wakeup (firmware-internal convention) is taken. */
	page[0] = 1;
	memset(page + 4, 0xFF, 4);
	page[4] = 0xFE;
	page[9] = 0x40;
	assert_int_equal(tdxc_apboot_fw_step(&fw, page, &ev), 0);
	assert_int_equal(ev.kind, TDXC_APBOOT_FW_EV_WAKEUP);
	assert_true(ev.vector == 0x4000);
	assert_int_equal(ev.apic_id, TDXC_APBOOT_APIC_ID_BROADCAST);
	assert_true(memcmp(page, "\0\0\0\0\0\0\0", 8) == 0);
	assert_int_equal(tdxc_apboot_fw_step(&fw, page, &ev), TDXC_ESTATE);
	assert_int_equal(tdxc_apboot_fw_jumped(&fw), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_happy_ovmf),
		cmocka_unit_test(test_happy_tdshim),
		cmocka_unit_test(test_happy_ack16_delayed),
		cmocka_unit_test(test_stale_reserved),
		cmocka_unit_test(test_vector_width),
		cmocka_unit_test(test_timeout_poison),
		cmocka_unit_test(test_never_ack),
		cmocka_unit_test(test_relax_ends_wait),
		cmocka_unit_test(test_bad_targets),
		cmocka_unit_test(test_unknown_command_busy),
		cmocka_unit_test(test_test_command),
		cmocka_unit_test(test_wait_descriptor),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_fw_model_api),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
