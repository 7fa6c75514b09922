/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A reader interrupts the real publish code after every instruction: the
 * writer runs with the x86 trap flag set, and the SIGTRAP handler (on the
 * writer's own CPU, like an interrupt handler that preempts the VP thread)
 * runs the reader calls. Each must return one complete version at once, old
 * or new, with a matching publish count, without a fallback. This checks the
 * store order of the library's publish itself, which no timing-based stress
 * test can reliably catch when both copies' words share one cache line.
 * x86-64 Linux only; skipped (exit 77) elsewhere and under ThreadSanitizer
 * (single-threaded, so it has nothing to find, and stepping through its
 * runtime takes minutes).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <cmocka.h>

#include "fixture.h"

#if defined(__SANITIZE_THREAD__)
#define SKIP_STEP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SKIP_STEP 1
#endif
#endif

#if defined(__x86_64__) && defined(__linux__) && !defined(SKIP_STEP)
#include <ucontext.h>

#define TF 0x100ull

static struct tdxc_irqfilter_vp *g_vp;
static uint32_t g_old[8], g_new[8];
static uint64_t g_pub0;
static volatile sig_atomic_t armed;
static volatile unsigned long steps, seen_old, seen_new, bad;

static int same(const uint32_t *a, const uint32_t *b)
{
	return memcmp(a, b, 8 * sizeof(uint32_t)) == 0;
}

static void on_trap(int sig, siginfo_t *si, void *uc_)
{
	ucontext_t *uc = uc_;
	uint32_t w[8], in[8], out[8];
	uint64_t pub = 0;
	int a, b;
	(void)sig;
	(void)si;
	if (!armed) {
		uc->uc_mcontext.gregs[REG_EFL] &= ~(greg_t)TF;
		return;
	}
	steps++;
	if (tdxc_irqfilter_read(g_vp, w, &pub) != 0)
		bad++;
	else if (same(w, g_old) && pub == g_pub0)
		seen_old++;
	else if (same(w, g_new) && pub == g_pub0 + 1)
		seen_new++;
	else
		bad++;
	for (int i = 0; i < 8; i++)
		in[i] = g_old[i] | g_new[i];
	if (tdxc_irqfilter_apply8(g_vp, in, out) < 0 || (!same(out, g_old) && !same(out, g_new)))
		bad++;
	a = tdxc_irqfilter_apply1(g_vp, 0x21);
	b = tdxc_irqfilter_apply1(g_vp, 0x85);
	if (a < 0 || b < 0)
		bad++;
}

static void test_reader_at_every_instruction(void **state)
{
	struct fx f;
	struct sigaction sa, old;
	uint64_t fb = 1;
	(void)state;

	assert_int_equal(fx_init(&f, 1, 0, 0, 1u << 1), 0);
	g_vp = f.vp[0];
	assert_int_equal(tdxc_irqfilter_scontrol_write(g_vp, 0, 1), 0);
	/* SINT1 = 0x21 and SINT2 = 0x85, neither with the proxy bit: the
	 * relayed mask picks which one is allowed (words 1 and 4 differ). */
	assert_true(tdxc_irqfilter_sint_write(g_vp, 0, 1, 0x21) >= 0);
	assert_true(tdxc_irqfilter_sint_write(g_vp, 0, 2, 0x85) >= 0);
	memset(g_old, 0, sizeof(g_old));
	set_bit(g_old, 0x21);
	memset(g_new, 0, sizeof(g_new));
	set_bit(g_new, 0x85);
	assert_int_equal(tdxc_irqfilter_read(g_vp, (uint32_t[8]){ 0 }, &g_pub0), 0);
	assert_int_equal(tdxc_irqfilter_set_relay_sints(f.part, 1u << 2, NULL), 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_trap;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGTRAP, &sa, &old), 0);
	armed = 1;
	__asm__ __volatile__("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
	int rc = tdxc_irqfilter_vp_sync(g_vp);
	armed = 0;
	__asm__ __volatile__("pushfq; andq $~0x100, (%%rsp); popfq" ::: "memory", "cc");
	sigaction(SIGTRAP, &old, NULL);

	print_message("single-stepped %lu instructions: old %lu new %lu bad %lu\n", steps,
		      seen_old, seen_new, bad);
	assert_int_equal(rc, 1);
	assert_int_equal(bad, 0);
	/* The publish really was interrupted on both sides of the switch. */
	assert_true(seen_old > 10 && seen_new > 10);
	assert_int_equal(tdxc_irqfilter_vp_counters(g_vp, NULL, &fb, NULL), 0);
	assert_int_equal(fb, 0);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_at_every_instruction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#else
int main(void)
{
	printf("single-step test needs x86-64 Linux without ThreadSanitizer: skipped\n");
	return 77;
}
#endif
