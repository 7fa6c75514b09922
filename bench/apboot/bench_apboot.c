/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apboot benchmarks.
 *   parse_256: tdxc_apboot_madt_parse() of a 256-CPU MADT (x2APIC entries,
 *              I/O APIC, overrides, NMI, wakeup). Baseline "walk": an
 *              unchecked loop over the structures that only counts CPUs
 *              (what a naive parser does), plus the checksum.
 *   handshake: one mailbox command round trip (driver send -> firmware
 *              model in another thread acks -> driver sees the ack).
 *              Wake and Test alternate (the AP is handed back each time).
 *              Baseline "pingpong": a bare atomic flag ping-pong between
 *              the same two threads, the floor for any shared-memory
 *              handshake.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tdxcore/apboot.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void pause_cpu(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* ---- parse ------------------------------------------------------------ */

static uint8_t table[8192];
static uint32_t table_len;

static void put(uint32_t *o, const void *p, uint32_t n)
{
	memcpy(table + *o, p, n);
	*o += n;
}

static void build_256(void)
{
	uint32_t o = 44, i, v;
	uint8_t sum = 0, e[24];
	memcpy(table, "APIC", 4);
	table[8] = 5;
	memcpy(table + 10, "TDXCOR", 6);
	memcpy(table + 16, "BENCH256", 8);
	for (i = 0; i < 256; i++) {
		memset(e, 0, 16);
		e[0] = 9;
		e[1] = 16;
		v = i * 2 + (i & 1) * 64; /* sparse IDs */
		memcpy(e + 4, &v, 4);
		e[8] = 1;
		memcpy(e + 12, &i, 4);
		put(&o, e, 16);
	}
	memset(e, 0, 12);
	e[0] = 1;
	e[1] = 12;
	v = 0xFEC00000;
	memcpy(e + 4, &v, 4);
	put(&o, e, 12);
	for (i = 0; i < 5; i++) {
		memset(e, 0, 10);
		e[0] = 2;
		e[1] = 10;
		e[3] = (uint8_t)(i ? i + 4 : 0);
		put(&o, e, 10);
	}
	memset(e, 0, 12);
	e[0] = 0xA;
	e[1] = 12;
	memset(e + 4, 0xFF, 4);
	e[8] = 1;
	put(&o, e, 12);
	memset(e, 0, 24);
	e[0] = 0x10;
	e[1] = 24;
	e[2] = 1;
	v = 0x7fffd000;
	memcpy(e + 8, &v, 4);
	v = 0x7fffe068;
	memcpy(e + 16, &v, 4);
	put(&o, e, 24);
	table_len = o;
	memcpy(table + 4, &o, 4);
	for (i = 0; i < o; i++)
		sum = (uint8_t)(sum + table[i]);
	table[9] = (uint8_t)(0x100 - sum);
}

/* Baseline: checksum + unchecked walk counting processor entries. */
static int naive_walk(const uint8_t *t)
{
	uint32_t len, off = 44, i;
	uint8_t sum = 0;
	int n = 0;
	memcpy(&len, t + 4, 4);
	for (i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	if (sum)
		return -1;
	while (off < len) {
		if (t[off] == 0 || t[off] == 9)
			n++;
		off += t[off + 1];
	}
	return n;
}

static struct tdxc_apboot_cpu cpus[300];
static volatile int sink;

static double bench_parse(int tdxc)
{
	uint64_t t0, best = UINT64_MAX;
	int rep, i;
	for (rep = 0; rep < 7; rep++) {
		t0 = now_ns();
		for (i = 0; i < 2000; i++) {
			struct tdxc_apboot_madt m;
			if (tdxc)
				sink = tdxc_apboot_madt_parse(table, table_len, 0, &m,
							      cpus, 300, NULL);
			else
				sink = naive_walk(table);
		}
		t0 = now_ns() - t0;
		if (t0 < best)
			best = t0;
	}
	return (double)best / 2000.0;
}

/* ---- handshake --------------------------------------------------------- */

static _Alignas(4096) uint8_t page[4096];
static int stop_flag;

static void *ap_loop(void *arg)
{
	struct tdxc_apboot_fw *fw = arg;
	while (!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		struct tdxc_apboot_fw_event ev;
		if (tdxc_apboot_fw_step(fw, page, &ev) != 0)
			break;
		if (ev.kind == TDXC_APBOOT_FW_EV_WAKEUP)
			tdxc_apboot_fw_reset(fw); /* handed straight back */
		else if (ev.kind == TDXC_APBOOT_FW_EV_IDLE)
			pause_cpu();
	}
	return NULL;
}

static int relax_pause(void *ctx, uint64_t polls)
{
	(void)ctx;
	(void)polls;
	pause_cpu();
	return 0;
}

#define HS_ITERS 20000

static double bench_handshake(void)
{
	static _Alignas(8) uint8_t storage[256];
	struct tdxc_apboot_madt m;
	struct tdxc_apboot_cpu c[2];
	struct tdxc_apboot_mb_config cfg;
	struct tdxc_apboot_fw_config fc;
	struct tdxc_apboot_fw fw;
	struct tdxc_apboot_mb *mb;
	struct tdxc_apboot_wait w;
	pthread_t th;
	uint64_t t0;
	int i;

	memset(&m, 0, sizeof(m));
	m.wakeup.present = 1;
	m.wakeup.version = 1;
	m.wakeup.mailbox = 0x7fffd000;
	memset(c, 0, sizeof(c));
	c[1].apic_id = 2;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	if (tdxc_apboot_mb_init(storage, sizeof(storage), page, &m, c, 2, &cfg, &mb))
		abort();
	memset(&fc, 0, sizeof(fc));
	fc.size = sizeof(fc);
	fc.apic_id = 2;
	fc.quirks = TDXC_APBOOT_FW_PRESET_OVMF;
	if (tdxc_apboot_fw_init(&fw, &fc))
		abort();
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.flags = TDXC_APBOOT_WAIT_FOREVER;
	w.relax = relax_pause;
	__atomic_store_n(&stop_flag, 0, __ATOMIC_RELAXED);
	pthread_create(&th, NULL, ap_loop, &fw);
	t0 = now_ns();
	for (i = 0; i < HS_ITERS; i++) {
		if (tdxc_apboot_mb_wake(mb, 2, 0x8000, &w) != 0 ||
		    tdxc_apboot_mb_test(mb, 2, &w) != 0)
			abort();
	}
	t0 = now_ns() - t0;
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	return (double)t0 / (2.0 * HS_ITERS);
}

static int flag;

static void *pong(void *arg)
{
	int i;
	(void)arg;
	for (i = 0; i < 2 * HS_ITERS; i++) {
		while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != 1)
			pause_cpu();
		__atomic_store_n(&flag, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

static double bench_pingpong(void)
{
	pthread_t th;
	uint64_t t0;
	int i;
	pthread_create(&th, NULL, pong, NULL);
	t0 = now_ns();
	for (i = 0; i < 2 * HS_ITERS; i++) {
		__atomic_store_n(&flag, 1, __ATOMIC_RELEASE);
		while (__atomic_load_n(&flag, __ATOMIC_ACQUIRE) != 0)
			pause_cpu();
	}
	t0 = now_ns() - t0;
	pthread_join(th, NULL);
	return (double)t0 / (2.0 * HS_ITERS);
}

int main(void)
{
	double p_tdxc, p_walk, hs, pp;
	build_256();
	if (tdxc_apboot_madt_parse(table, table_len, 0, NULL, cpus, 300, NULL) != 256 ||
	    naive_walk(table) != 256) {
		fprintf(stderr, "bench table is wrong\n");
		return 1;
	}
	p_walk = bench_parse(0);
	p_tdxc = bench_parse(1);
	hs = bench_handshake();
	pp = bench_pingpong();
	printf("%-34s %12s\n", "case", "ns");
	printf("%-34s %12.1f\n", "parse 256-CPU MADT (tdxc)", p_tdxc);
	printf("%-34s %12.1f\n", "parse 256-CPU MADT (naive walk)", p_walk);
	printf("%-34s %12.1f\n", "mailbox handshake (tdxc + model)", hs);
	printf("%-34s %12.1f\n", "atomic ping-pong (floor)", pp);
	printf("BENCH apboot.parse_256.tdxc %.1f ns\n", p_tdxc);
	printf("BENCH apboot.parse_256.walk %.1f ns\n", p_walk);
	printf("BENCH apboot.handshake.tdxc %.1f ns\n", hs);
	printf("BENCH apboot.handshake.pingpong %.1f ns\n", pp);
	return 0;
}
