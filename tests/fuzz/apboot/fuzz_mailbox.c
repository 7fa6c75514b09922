/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Mailbox driver against firmware models whose configuration, initial
 * mailbox bytes and interleaving come from the input: the driver must
 * never hang past its bound, never write a command while one is pending,
 * and keep its counters consistent.
 */
#include <stdint.h>
#include <string.h>
#include <tdxcore/apboot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define NAP 4
static const uint32_t ids[NAP + 1] = {0, 2, 4, 17, 0x300};

struct ctx {
	const uint8_t *in;
	size_t len, pos;
	uint8_t *page;
	struct tdxc_apboot_fw fw[NAP];
};

static uint8_t next(struct ctx *c)
{
	return c->pos < c->len ? c->in[c->pos++] : 0;
}

/* Relax hook: the input picks which APs step, or scribbles a byte. */
static int relax(void *p, uint64_t polls)
{
	struct ctx *c = p;
	uint8_t b = next(c);
	int i;
	(void)polls;
	if (b == 0xFF) { /* a hostile VMM writes the OS half of the mailbox */
		c->page[next(c) & 15] = next(c);
		return 0;
	}
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_event ev;
		if ((b >> i) & 1)
			(void)tdxc_apboot_fw_step(&c->fw[i], c->page, &ev);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static _Alignas(4096) uint8_t page[4096];
	static _Alignas(8) uint8_t storage[256];
	struct tdxc_apboot_madt madt;
	struct tdxc_apboot_cpu cpus[NAP + 1];
	struct tdxc_apboot_mb_config cfg;
	struct tdxc_apboot_mb *mb;
	struct tdxc_apboot_mb_status st;
	struct ctx c;
	int i, k;

	if (len < 20)
		return 0;
	memset(&c, 0, sizeof(c));
	c.in = data;
	c.len = len;
	c.page = page;
	memset(page, 0, sizeof(page));
	memcpy(page, data, 16); /* whatever the firmware left there */
	c.pos = 16;
	memset(&madt, 0, sizeof(madt));
	madt.wakeup.present = 1;
	madt.wakeup.version = next(&c) & 1;
	madt.wakeup.mailbox = 0x7fffd000;
	memset(cpus, 0, sizeof(cpus));
	for (i = 0; i <= NAP; i++) {
		cpus[i].apic_id = ids[i];
		cpus[i].status = i == 3 ? TDXC_APBOOT_CPU_DISABLED
					: TDXC_APBOOT_CPU_ENABLED;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.flags = next(&c) & TDXC_APBOOT_MB_VECTOR64;
	if (tdxc_apboot_mb_init(storage, sizeof(storage), page, &madt, cpus,
				NAP + 1, &cfg, &mb) != 0)
		__builtin_trap();
	for (i = 0; i < NAP; i++) {
		struct tdxc_apboot_fw_config f;
		memset(&f, 0, sizeof(f));
		f.size = sizeof(f);
		f.apic_id = ids[i + 1];
		f.quirks = next(&c) & TDXC_APBOOT_FW_ALL_;
		f.ack_delay = next(&c) & 7;
		if (tdxc_apboot_fw_init(&c.fw[i], &f) != 0)
			__builtin_trap();
	}
	for (k = 0; k < 16 && c.pos < c.len; k++) {
		struct tdxc_apboot_wait w;
		uint8_t op = next(&c);
		uint32_t id = ids[op % (NAP + 1)];
		uint64_t vec = (uint64_t)next(&c) << ((op >> 4) & 3) * 12;
		int rc;
		memset(&w, 0, sizeof(w));
		w.size = sizeof(w);
		w.max_polls = 1 + next(&c);
		w.relax = relax;
		w.ctx = &c;
		switch ((op >> 6) & 3) {
		case 0:
		case 1:
			rc = tdxc_apboot_mb_wake(mb, id, vec, &w);
			break;
		case 2:
			rc = tdxc_apboot_mb_test(mb, id, &w);
			break;
		default:
			rc = tdxc_apboot_mb_poll(mb);
			break;
		}
		if (rc > 0)
			__builtin_trap();
		if (tdxc_apboot_mb_status(mb, &st) != 0 || st.acked > st.expected ||
		    st.timed_out > 1 || (st.timed_out && !st.poisoned))
			__builtin_trap();
		if (tdxc_apboot_mb_all_acked(mb) !=
		    (!st.poisoned && st.acked == st.expected))
			__builtin_trap();
	}
	return 0;
}
