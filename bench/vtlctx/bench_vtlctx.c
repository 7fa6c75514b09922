/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx benchmarks (ns/op):
 *   vtlctx.stage_unstage.tdxc  one stage + unstage pair, TDX backend
 *   vtlctx.switch.tdxc         one per-VTL page switch (copies the SHARED set)
 *   vtlctx.switch.pagecopy     baseline: one plain 4 KiB page copy
 * Each figure is the best of a few timed rounds.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <tdxcore/vtlctx.h>

static _Alignas(4096) uint8_t pages[2][TDXC_VTLCTX_PAGE_SIZE];
static _Alignas(4096) uint8_t run[TDXC_VTLCTX_PAGE_SIZE];
static _Alignas(4096) uint8_t copy_src[4096], copy_dst[4096];
static _Alignas(64) uint8_t storage[16384];

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static struct tdxc_vtlctx *mk(uint8_t backend)
{
	struct tdxc_vtlctx_params p;
	struct tdxc_vtlctx *st;
	void *pg[2] = { pages[0], pages[1] };
	size_t need;
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.n_vtls = 2;
	p.backend = backend;
	p.caps = TDXC_VTLCTX_CAP_DR6_SHARED;
	if (tdxc_vtlctx_storage_size(&p, &need) || need > sizeof(storage) ||
	    tdxc_vtlctx_init(storage, need, &p,
			     backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE ? pg : NULL, &st) ||
	    tdxc_vtlctx_enable(st, 1)) {
		fprintf(stderr, "init failed\n");
		return NULL;
	}
	return st;
}

#define ROUNDS 5

static double bench_stage_unstage(unsigned long iters)
{
	struct tdxc_vtlctx *st = mk(TDXC_VTLCTX_BACKEND_TDX_STAGED);
	double best = 1e30;
	int r;
	if (!st)
		return -1;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		unsigned long i;
		for (i = 0; i < iters; i++) {
			tdxc_vtlctx_vtl v = (tdxc_vtlctx_vtl)(i & 1);
			if (tdxc_vtlctx_stage(st, v, run, sizeof(run)) ||
			    tdxc_vtlctx_unstage(st, v, run))
				return -1;
		}
		t0 = (now_ns() - t0) / (double)iters;
		if (t0 < best)
			best = t0;
	}
	return best;
}

static double bench_switch(unsigned long iters)
{
	struct tdxc_vtlctx *st = mk(TDXC_VTLCTX_BACKEND_PER_VTL_PAGE);
	double best = 1e30;
	int r;
	if (!st)
		return -1;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		unsigned long i;
		for (i = 0; i < iters; i++)
			if (tdxc_vtlctx_switch(st, (tdxc_vtlctx_vtl)(i & 1),
					       (tdxc_vtlctx_vtl)((i & 1) ^ 1)))
				return -1;
		t0 = (now_ns() - t0) / (double)iters;
		if (t0 < best)
			best = t0;
	}
	return best;
}

static double bench_pagecopy(unsigned long iters)
{
	double best = 1e30;
	int r;
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_ns();
		unsigned long i;
		for (i = 0; i < iters; i++) {
			copy_src[i & 4095] = (uint8_t)i;
			memcpy(copy_dst, copy_src, sizeof(copy_dst));
			/* keep the copy from being optimised away */
			__asm__ __volatile__("" : : "r"(copy_dst) : "memory");
		}
		t0 = (now_ns() - t0) / (double)iters;
		if (t0 < best)
			best = t0;
	}
	return best;
}

int main(void)
{
	const unsigned long iters = 200000;
	double su = bench_stage_unstage(iters);
	double sw = bench_switch(iters);
	double pc = bench_pagecopy(iters);
	if (su < 0 || sw < 0 || pc < 0) {
		fprintf(stderr, "benchmark failed\n");
		return 1;
	}
	printf("%-34s %12s\n", "case", "ns/op");
	printf("%-34s %12.1f\n", "stage+unstage (TDX staged)", su);
	printf("%-34s %12.1f\n", "switch (per-VTL page)", sw);
	printf("%-34s %12.1f\n", "plain 4 KiB page copy", pc);
	printf("BENCH vtlctx.stage_unstage.tdxc %.1f ns/op\n", su);
	printf("BENCH vtlctx.switch.tdxc %.1f ns/op\n", sw);
	printf("BENCH vtlctx.switch.pagecopy %.1f ns/op\n", pc);
	return 0;
}
