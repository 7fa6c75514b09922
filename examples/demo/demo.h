/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared pieces of tdxc-demo: the narration/verdict recorder and the
 * simulated VM whose objects several sections use.
 */
#ifndef TDXC_DEMO_H
#define TDXC_DEMO_H

#include <stdint.h>

#include <tdxcore/tdxcore.h>

#if defined(__GNUC__)
#define DEMO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DEMO_PRINTF(a, b)
#endif

enum demo_verdict { DEMO_PASS, DEMO_FAIL, DEMO_SKIP };

/* Start a section: a short id (JSON key) and a one-line title. */
void demo_section(const char *id, const char *title);
/* One line of narration (printed indented in text mode, kept in "log" for
 * --json). */
void demo_say(const char *fmt, ...) DEMO_PRINTF(1, 2);
/* A named figure or fact for machines (the "facts" object in --json). */
void demo_fact_u(const char *key, uint64_t value);
void demo_fact_s(const char *key, const char *value);
/* Record one expectation; a false one is narrated and fails the section.
 * Returns ok, so sections can stop early. */
int demo_expect(int ok, const char *what);
/* Expect a library call to return exactly `want`; narrates a mismatch
 * with both codes' names and tdxc_strerror() text. */
int demo_expect_rc(int rc, int want, const char *call);
/* End the section: PASS when every expectation held (and `skip` is 0),
 * with a one-line summary. */
void demo_verdict(int skip, const char *fmt, ...) DEMO_PRINTF(2, 3);

/* The simulated VM: objects created by one section and used by a later
 * one (the snapshot section saves the VP and the interrupt filter). */
struct demo_vm {
	struct tdxc_vtlctx *vp;            /* VP 0's VTL0/VTL1 contexts */
	struct tdxc_irqfilter_part *irq;   /* the partition's proxy filter */
	struct tdxc_vtlctx_params vp_params;
	struct tdxc_irqfilter_params irq_params;
};

void demo_xsave(void);
void demo_tdboot(void);
void demo_vtl(struct demo_vm *vm);
void demo_irq(struct demo_vm *vm);
void demo_pools(void);
void demo_snapshot(struct demo_vm *vm);

#endif
