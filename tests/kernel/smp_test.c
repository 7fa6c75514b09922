/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * apboot on real CPUs: the library parses QEMU's MADT, the kernel turns it
 * into a TDX-style table (appends a Multiprocessor Wakeup structure, as
 * OVMF's AlterAcpiTable or td-shim do), parks the APs in its own
 * firmware-side mailbox loop with INIT-SIPI-SIPI, and then the library's
 * OS-side driver wakes every AP through the mailbox.
 */
#include "smp_test.h"

#include <tdxcore/apboot.h>

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* ---- the kernel's own minimal MADT walk (cross-check for the library) ---- */
struct own_madt {
	uint64_t lapic;
	unsigned n;
	uint32_t ids[MAX_CPUS * 4];
};

static int own_madt_walk(const uint8_t *t, uint32_t len, struct own_madt *m)
{
	memset(m, 0, sizeof(*m));
	m->lapic = rd32(t + 36);
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t type = t[off], l = t[off + 1];
		if (l < 2 || off + l > len)
			return -1;
		const uint8_t *e = t + off;
		uint32_t id = 0xFFFFFFFF, flags = 0;
		if (type == 0 && l >= 8) {
			id = e[3] == 0xFF ? 0xFFFFFFFF : e[3];
			flags = rd32(e + 4);
		} else if (type == 9 && l >= 16) {
			id = rd32(e + 4);
			flags = rd32(e + 8);
		} else if (type == 5 && l >= 12) {
			m->lapic = rd64(e + 4);
		}
		if (id != 0xFFFFFFFF && (flags & 1) && m->n < MAX_CPUS * 4)
			m->ids[m->n++] = id;
		off += l;
	}
	return 0;
}

/* ---- utilities ----------------------------------------------------------- */
#define MAX_ENTRIES 64
static struct tdxc_apboot_cpu cpus[MAX_ENTRIES];
static struct tdxc_apboot_madt madt;
static uint8_t tdx_table[8192];
static uint64_t mb_storage[1024]; /* 8 KiB, 8-byte aligned */

static void fix_checksum(uint8_t *t, uint32_t len)
{
	uint8_t s = 0;
	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + t[i]);
	t[9] = (uint8_t)(0 - s);
}

struct deadline {
	uint64_t end;
};

/* Relax hook of the driver's bounded wait: pause, give up at the deadline. */
static int relax_until(void *ctx, uint64_t polls)
{
	struct deadline *d = ctx;
	(void)polls;
	cpu_relax();
	return (int64_t)(rdtsc() - d->end) >= 0;
}

static struct tdxc_apboot_wait wait_ms(struct deadline *d, uint64_t ms)
{
	d->end = rdtsc() + ms * 1000 * tsc_per_us();
	struct tdxc_apboot_wait w;
	memset(&w, 0, sizeof(w));
	w.size = sizeof(w);
	w.flags = TDXC_APBOOT_WAIT_FOREVER; /* the hook's deadline ends it */
	w.relax = relax_until;
	w.ctx = d;
	return w;
}

static int wait_online(uint32_t before, uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_per_us();
	while (__atomic_load_n(&g_os.online, __ATOMIC_ACQUIRE) == before) {
		if ((int64_t)(rdtsc() - end) >= 0)
			return -1;
		cpu_relax();
	}
	return 0;
}

/* Decimal text of @v at list[*pos], leaving room for the final NUL. */
static void append_u32(char *buf, unsigned cap, unsigned *pos, uint32_t v)
{
	char tmp[10];
	unsigned n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n && *pos + 1 < cap)
		buf[(*pos)++] = tmp[--n];
}

static void job_report(void *arg)
{
	uint32_t *out = arg;
	*out = cpu_apic_id();
}

/* ---- the flow -------------------------------------------------------------- */
int run_smp(const struct acpi_info *ai, const struct smp_memory *mem, struct smp_result *res)
{
	memset(res, 0, sizeof(*res));
	unsigned want = (unsigned)cmdline_num("smp", 1);
	const uint8_t *qemu_madt = (const uint8_t *)(uintptr_t)ai->madt;
	uint32_t qlen = ai->madt_len;

	static struct own_madt own;
	int wrc = own_madt_walk(qemu_madt, qlen, &own);
	check(wrc == 0 && own.n == want, "madt.own-walk",
	      "rc=%d, %u enabled CPUs, expected %u; LAPIC at 0x%lx", wrc, own.n, want, own.lapic);

	/* 1. The library parses QEMU's real MADT. */
	struct tdxc_apboot_diag diag;
	int n = tdxc_apboot_madt_parse(qemu_madt, qlen, 0, &madt, cpus, MAX_ENTRIES, &diag);
	if (!check(n >= 0 && madt.n_enabled == want && !madt.wakeup.present,
		   "apboot.madt-qemu",
		   "rc=%d, rev %u, %u CPU entries, %u enabled (expected %u), %u I/O APIC, %u ISO, "
		   "%u LAPIC NMI, wakeup structure %s, LAPIC 0x%lx",
		   n, madt.revision, madt.n_cpu_entries, madt.n_enabled, want, madt.n_ioapic,
		   madt.n_iso, madt.n_lapic_nmi, madt.wakeup.present ? "present" : "absent",
		   madt.lapic_address))
		return -1;
	/* -smp N,maxcpus=M: QEMU lists the M - N absent CPUs as disabled entries. */
	unsigned maxcpus = (unsigned)cmdline_num("maxcpus", want);
	if (maxcpus != want) {
		static struct tdxc_apboot_madt hp;
		static struct tdxc_apboot_cpu hpc[MAX_ENTRIES];
		int m = tdxc_apboot_madt_parse(qemu_madt, qlen, TDXC_APBOOT_PARSE_LEGACY_HOTPLUG, &hp,
					       hpc, MAX_ENTRIES, 0);
		unsigned dis = 0, hot = 0;
		for (int i = 0; i < n; i++)
			dis += cpus[i].status == TDXC_APBOOT_CPU_DISABLED;
		for (int i = 0; i < m; i++)
			hot += hpc[i].status == TDXC_APBOOT_CPU_HOTPLUG;
		check(n == (int)maxcpus && dis == maxcpus - want && m == n &&
			      hot == maxcpus - want && hp.n_usable == maxcpus &&
			      hp.n_enabled == want,
		      "apboot.madt-hotplug",
		      "%d entries (maxcpus %u): %u disabled by default; with LEGACY_HOTPLUG %u "
		      "hot-plug candidates, %u usable, %u enabled",
		      n, maxcpus, dis, hot, hp.n_usable, hp.n_enabled);
	}
	uint32_t ids[MAX_CPUS];
	unsigned n_ids = 0, agree = 0;
	for (int i = 0; i < n; i++) {
		if (cpus[i].usable && cpus[i].enabled && n_ids < MAX_CPUS)
			ids[n_ids++] = cpus[i].apic_id;
	}
	for (unsigned i = 0; i < n_ids; i++)
		for (unsigned j = 0; j < own.n; j++)
			if (ids[i] == own.ids[j])
				agree++;
	check(n_ids == want && agree == own.n && madt.lapic_address == own.lapic,
	      "apboot.madt-cpus", "%u enabled APIC IDs from the library, %u match the kernel's "
				  "own walk of %u",
	      n_ids, agree, own.n);

	/* 2. Firmware's part: a TDX-style table with a v0 wakeup structure. */
	if (qlen + 16 > sizeof(tdx_table))
		return check(0, "apboot.madt-tdx", "QEMU MADT too large (%u)", qlen), -1;
	memcpy(tdx_table, qemu_madt, qlen);
	uint8_t *w = tdx_table + qlen;
	memset(w, 0, 16);
	w[0] = 0x10;
	w[1] = 16;
	memcpy(w + 8, &mem->mailbox, 8);
	uint32_t tlen = qlen + 16;
	memcpy(tdx_table + 4, &tlen, 4);
	fix_checksum(tdx_table, tlen);
	n = tdxc_apboot_madt_parse(tdx_table, tlen, 0, &madt, cpus, MAX_ENTRIES, &diag);
	if (!check(n >= 0 && madt.wakeup.present && madt.wakeup.version == 0 &&
			   madt.wakeup.mailbox == mem->mailbox && !madt.wakeup.reset_vector_valid &&
			   madt.n_enabled == want,
		   "apboot.madt-tdx",
		   "rc=%d, wakeup v%u len %u mailbox 0x%lx (placed at 0x%lx), %u enabled", n,
		   madt.wakeup.version, madt.wakeup.length, madt.wakeup.mailbox, mem->mailbox,
		   madt.n_enabled))
		return -1;

	/* A damaged copy is refused with the named error, output untouched. */
	static struct tdxc_apboot_madt before;
	before = madt;
	tdx_table[20] ^= 0x5A;
	int bad1 = tdxc_apboot_madt_parse(tdx_table, tlen, 0, &madt, cpus, MAX_ENTRIES, &diag);
	tdx_table[20] ^= 0x5A;
	int bad2 = tdxc_apboot_madt_parse(tdx_table, tlen - 1, 0, &madt, cpus, MAX_ENTRIES, &diag);
	check(bad1 == TDXC_ECHECKSUM && bad2 == TDXC_ETRUNC &&
		      memcmp(&before, &madt, sizeof(madt)) == 0,
	      "apboot.madt-reject", "flipped byte: %s, short buffer: %s, output unchanged",
	      tdxc_strerror_name(bad1), tdxc_strerror_name(bad2));

	/* 3. Park the APs in the firmware loop (INIT-SIPI-SIPI). */
	uint32_t bsp = cpu_apic_id();
	/* The last AP plays a vCPU the VMM holds back: its first wakeup times out. */
	uint32_t late_ap = 0xFFFFFFFF, other_ap = 0xFFFFFFFF;
	for (unsigned i = 0; i < n_ids; i++) {
		if (ids[i] == bsp)
			continue;
		if (other_ap == 0xFFFFFFFF && late_ap != 0xFFFFFFFF)
			other_ap = late_ap;
		late_ap = ids[i];
	}
	g_fw.delay_apic = late_ap;
	g_fw.delay_release = 0;
	res->bsp = bsp;
	lapic_init(madt.lapic_address);
	uint64_t apic_base_msr = rdmsr(0x1B);
	check(lapic_id() == bsp && (apic_base_msr & ~0xFFFull) == madt.lapic_address &&
		      (apic_base_msr & (1u << 8)),
	      "smp.lapic", "BSP APIC ID %u (CPUID) / %u (LAPIC), IA32_APIC_BASE 0x%lx", bsp,
	      lapic_id(), apic_base_msr);
	fw_tables_build(mem->fw_tables);
	os_ap_cr3 = read_cr3();
	int started = fw_start_aps(madt.lapic_address, mem->fw_tables, mem->mailbox, ids, n_ids,
				   bsp);
	uint32_t parked = __atomic_load_n(&g_fw.parked, __ATOMIC_ACQUIRE);
	if (!check(started == (int)want - 1 && parked == want - 1, "smp.fw-park",
		   "INIT-SIPI-SIPI sent to %d APs, %u parked in the firmware mailbox loop "
		   "(CR3 0x%lx)",
		   started, parked, mem->fw_tables))
		return -1;

	/* 4. The library's driver. */
	size_t need = tdxc_apboot_mb_storage_size((uint32_t)n);
	struct tdxc_apboot_mb_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.size = sizeof(cfg);
	cfg.bsp_apic_id = bsp;
	struct tdxc_apboot_mb *mb = 0;
	void *mbox = (void *)(uintptr_t)mem->mailbox;
	int rc = tdxc_apboot_mb_init(mb_storage, sizeof(mb_storage), mbox, &madt, cpus,
				     (uint32_t)n, &cfg, &mb);
	if (!check(rc == 0 && need <= sizeof(mb_storage), "apboot.mb-init",
		   "rc=%s, storage %zu of %zu bytes", tdxc_strerror_name(rc), need,
		   sizeof(mb_storage)))
		return -1;

	struct deadline dl;
	struct tdxc_apboot_wait wt = wait_ms(&dl, AP_WAIT_US / 1000);
	uint64_t vector = (uint64_t)(uintptr_t)ap_os_entry;
	static uint8_t mb_before[64];
	memcpy(mb_before, mbox, 64);
	int e_bsp = tdxc_apboot_mb_wake(mb, bsp, vector, &wt);
	int e_absent = tdxc_apboot_mb_wake(mb, 0x77, vector, &wt);
	int e_test = want > 1 ? tdxc_apboot_mb_test(mb, late_ap, &wt) : TDXC_ENOTSUP;
	int e_high = want > 1 ? tdxc_apboot_mb_wake(mb, late_ap, 0x100001000ull, &wt)
			      : TDXC_ERANGE;
	check(e_bsp == TDXC_EPERM && e_absent == TDXC_ENOENT && e_test == TDXC_ENOTSUP &&
		      e_high == TDXC_ERANGE && memcmp(mb_before, mbox, 64) == 0,
	      "apboot.mb-refuse",
	      "BSP: %s, absent APIC ID 0x77: %s, Test on v0: %s, vector >= 4 GiB: %s; mailbox "
	      "untouched",
	      tdxc_strerror_name(e_bsp), tdxc_strerror_name(e_absent), tdxc_strerror_name(e_test),
	      tdxc_strerror_name(e_high));

	if (mem->during)
		res->held_during = mem->during(mem);

	/*
	 * Spec scenario "AP never acks" on real CPUs: a bounded wait times out,
	 * the mailbox is poisoned (no other command may go out, the vector page
	 * stays reserved), and when the held-back vCPU finally runs it acks, the
	 * next poll clears the state and the AP comes up normally.
	 */
	if (late_ap != 0xFFFFFFFF) {
		uint32_t before_online = __atomic_load_n(&g_os.online, __ATOMIC_ACQUIRE);
		wt = wait_ms(&dl, 20);
		int t_rc = tdxc_apboot_mb_wake(mb, late_ap, vector, &wt);
		int t_st = tdxc_apboot_mb_ap_state(mb, late_ap);
		int t_poll = tdxc_apboot_mb_poll(mb);
		int t_other = other_ap != 0xFFFFFFFF ? tdxc_apboot_mb_wake(mb, other_ap, vector, &wt)
						     : TDXC_EPOISONED;
		uint16_t pending = __atomic_load_n((volatile uint16_t *)mbox, __ATOMIC_ACQUIRE);
		__atomic_store_n(&g_fw.delay_release, 1, __ATOMIC_RELEASE);
		int t_poll2 = TDXC_EPOISONED;
		uint64_t end = rdtsc() + AP_WAIT_US * tsc_per_us();
		while ((t_poll2 = tdxc_apboot_mb_poll(mb)) == TDXC_EPOISONED &&
		       (int64_t)(rdtsc() - end) < 0)
			cpu_relax();
		int in = wait_online(before_online, AP_WAIT_US);
		int t_st2 = tdxc_apboot_mb_ap_state(mb, late_ap);
		uint32_t reported = in == 0 ? g_os.cpu[before_online].apic : 0xFFFFFFFF;
		if (check(t_rc == TDXC_ETIMEDOUT && t_st == TDXC_APBOOT_AP_TIMED_OUT &&
				  t_poll == TDXC_EPOISONED && t_other == TDXC_EPOISONED &&
				  pending == TDXC_APBOOT_CMD_WAKEUP && t_poll2 == 0 && in == 0 &&
				  reported == late_ap && t_st2 == TDXC_APBOOT_AP_ACKED,
			  "apboot.mb-timeout",
			  "held-back APIC ID %u: wake %s (state %s), poll %s, wake of another AP "
			  "(APIC ID %d) meanwhile %s, Command still %u; released: poll %s, state "
			  "%s, reported in as %u",
			  late_ap, tdxc_strerror_name(t_rc),
			  t_st >= 0 ? tdxc_apboot_ap_state_str((uint32_t)t_st) : "?",
			  tdxc_strerror_name(t_poll), (int)other_ap,
			  other_ap != 0xFFFFFFFF ? tdxc_strerror_name(t_other) : "(no other AP)",
			  pending, tdxc_strerror_name(t_poll2),
			  t_st2 >= 0 ? tdxc_apboot_ap_state_str((uint32_t)t_st2) : "?", reported))
			res->woken++;
	}

	for (unsigned i = 0; i < n_ids; i++) {
		if (ids[i] == bsp || ids[i] == late_ap)
			continue;
		uint32_t before_online = __atomic_load_n(&g_os.online, __ATOMIC_ACQUIRE);
		wt = wait_ms(&dl, AP_WAIT_US / 1000);
		uint64_t t0 = rdtsc();
		rc = tdxc_apboot_mb_wake(mb, ids[i], vector, &wt);
		uint64_t t1 = rdtsc();
		int in = wait_online(before_online, AP_WAIT_US);
		int st = tdxc_apboot_mb_ap_state(mb, ids[i]);
		uint32_t reported = in == 0 ? g_os.cpu[before_online].apic : 0xFFFFFFFF;
		const char *style = "?";
		for (unsigned k = 0; k < MAX_CPUS; k++)
			if (g_fw.style[k] && g_fw.apic[k] == ids[i])
				style = g_fw.style[k] == FW_STYLE_TDSHIM ? "td-shim" : "OVMF";
		if (check(rc == 0 && in == 0 && reported == ids[i] && st == TDXC_APBOOT_AP_ACKED,
			  "apboot.wake",
			  "APIC ID %u (%s-style loop): %s after %lu us, state %s, reported in as "
			  "APIC ID %u",
			  ids[i], style, tdxc_strerror_name(rc), (t1 - t0) / tsc_per_us(),
			  st >= 0 ? tdxc_apboot_ap_state_str((uint32_t)st) : tdxc_strerror_name(st),
			  reported))
			res->woken++;
	}
	res->all_acked = tdxc_apboot_mb_all_acked(mb) == 1;
	struct tdxc_apboot_mb_status stt;
	tdxc_apboot_mb_status(mb, &stt);
	int again = want > 1 ? tdxc_apboot_mb_wake(mb, ids[n_ids - 1] == bsp ? ids[0]
									      : ids[n_ids - 1],
						 vector, &wt)
			     : TDXC_EALREADY;
	check(res->all_acked && stt.expected == want - 1 && stt.acked == want - 1 &&
		      !stt.poisoned && again == TDXC_EALREADY,
	      "apboot.mb-done", "all acked: %s, expected %u, acked %u, timed out %u; second "
				"wake: %s",
	      res->all_acked ? "yes" : "no", stt.expected, stt.acked, stt.timed_out,
	      tdxc_strerror_name(again));

	/* 5. The woken APs run on the kernel's page tables and take jobs. */
	unsigned ok = 0;
	for (unsigned i = 0; i < g_os.online && i < MAX_CPUS; i++) {
		uint32_t got = 0xFFFFFFFF;
		os_job_start(i, job_report, &got);
		if (os_job_wait(i, AP_WAIT_US) == 0 && got == g_os.cpu[i].apic &&
		    g_os.cpu[i].cr3 == os_ap_cr3)
			ok++;
	}
	char list[96];
	unsigned pos = 0;
	append_u32(list, sizeof(list), &pos, bsp);
	for (unsigned i = 0; i < g_os.online && i < MAX_CPUS; i++) {
		if (pos + 1 < sizeof(list))
			list[pos++] = ',';
		append_u32(list, sizeof(list), &pos, g_os.cpu[i].apic);
	}
	list[pos] = 0;
	check(g_os.online == want - 1 && ok == want - 1, "smp.online",
	      "%u of %u CPUs report (APIC IDs %s): %u APs on the kernel page tables answered a "
	      "job; the firmware loop saw %u wakeups",
	      g_os.online + 1, want, list, ok, g_fw.acked);
	res->online = g_os.online;
	return 0;
}
