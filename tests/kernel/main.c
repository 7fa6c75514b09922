/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry: reads what the loader and the machine hand over
 * (multiboot memory map, ACPI tables, CPUs, CPUID) and runs the library
 * against them. Every check prints one line: PASS/FAIL <name> <detail>.
 * The last line is "RESULT PASS ..." or "RESULT FAIL ...", and the exit
 * status through isa-debug-exit says the same.
 */
#include "kernel.h"
#include "smp.h"
#include "xsave_test.h"

#include <tdxcore/common.h>
#include <tdxcore/xsave.h>

void kmain(uint32_t magic, uint64_t mbi);
void klib_init(void);

struct boot_info g_boot;

extern char __image_start[], __image_end[];

/* ---- multiboot ---------------------------------------------------------- */
#define MB_BOOT_MAGIC 0x2BADB002u

static uint32_t rd32(uint64_t pa)
{
	uint32_t v;
	memcpy(&v, (const void *)(uintptr_t)pa, 4);
	return v;
}

static uint64_t rd64(uint64_t pa)
{
	uint64_t v;
	memcpy(&v, (const void *)(uintptr_t)pa, 8);
	return v;
}

static void parse_multiboot(uint64_t mbi)
{
	uint32_t flags = rd32(mbi);
	if (flags & (1u << 2)) {
		const char *s = (const char *)(uintptr_t)rd32(mbi + 16);
		size_t i = 0;
		for (; s && s[i] && i + 1 < sizeof(g_boot.cmdline); i++)
			g_boot.cmdline[i] = s[i];
		g_boot.cmdline[i] = 0;
	}
	if (!(flags & (1u << 6)))
		return;
	uint64_t len = rd32(mbi + 44), addr = rd32(mbi + 48);
	for (uint64_t p = addr; p + 24 <= addr + len && g_boot.n_mmap < MAX_MMAP;) {
		uint32_t size = rd32(p);
		struct mem_range *r = &g_boot.mmap[g_boot.n_mmap++];
		r->base = rd64(p + 4);
		r->len = rd64(p + 12);
		r->type = rd32(p + 20);
		if (size < 20)
			break;
		p += (uint64_t)size + 4;
	}
}

uint64_t cmdline_num(const char *key, uint64_t def)
{
	size_t kl = kstrlen(key);
	const char *s = g_boot.cmdline;
	while (*s) {
		while (*s == ' ')
			s++;
		if (kstrncmp(s, key, kl) == 0 && s[kl] == '=') {
			uint64_t v = 0;
			for (s += kl + 1; *s >= '0' && *s <= '9'; s++)
				v = v * 10 + (uint64_t)(*s - '0');
			return v;
		}
		while (*s && *s != ' ')
			s++;
	}
	return def;
}

static void check_boot(uint32_t magic, uint64_t mbi)
{
	if (!check(magic == MB_BOOT_MAGIC, "boot.multiboot", "magic=0x%x mbi=0x%lx", magic,
		   mbi))
		return;
	parse_multiboot(mbi);
	info("boot.cmdline", "'%s'", g_boot.cmdline);
	uint64_t usable = 0, high = 0;
	for (unsigned i = 0; i < g_boot.n_mmap; i++) {
		struct mem_range *r = &g_boot.mmap[i];
		info("boot.mmap", "[0x%lx-0x%lx) type %u", r->base, r->base + r->len, r->type);
		if (r->type == 1) {
			usable += r->len;
			if (r->base + r->len > (1ull << 32))
				high += r->base + r->len -
					(r->base > (1ull << 32) ? r->base : (1ull << 32));
		}
	}
	check(g_boot.n_mmap > 0 && usable >= (16ull << 20), "boot.mmap",
	      "%u entries, %lu MiB usable, %lu MiB above 4 GiB", g_boot.n_mmap, usable >> 20,
	      high >> 20);
	uint64_t want_high = cmdline_num("highmem", 0);
	if (want_high)
		check(high >= (want_high << 20), "boot.highmem",
		      "usable above 4 GiB: %lu MiB, expected at least %lu MiB", high >> 20,
		      want_high);
	uint64_t img_end = (uint64_t)(uintptr_t)__image_end;
	check(img_end < (1ull << 32), "boot.image", "kernel image [0x%lx-0x%lx)",
	      (uint64_t)(uintptr_t)__image_start, img_end);
}

static void check_common_api(void)
{
	const char *vs = 0;
	uint32_t v = tdxc_version(&vs);
	check(v == TDXC_VERSION_NUMBER && vs && kstrncmp(vs, TDXC_VERSION_STRING, 16) == 0,
	      "lib.version", "%u '%s'", v, vs);
	const char *e = tdxc_strerror(TDXC_ETIMEDOUT);
	const char *u = tdxc_strerror(12345);
	const char *n = tdxc_strerror_name(TDXC_EBUSY);
	check(e && u && n && kstrncmp(n, "TDXC_EBUSY", 16) == 0 && kstrncmp(e, u, 64) != 0,
	      "lib.strerror", "ETIMEDOUT='%s' name(EBUSY)=%s", e, n);
	info("lib.modules", "0x%x features 0x%x", tdxc_modules(), tdxc_features());
}

/* ---- MADT: the kernel's own minimal walk (cross-check for the library) ---- */
struct own_madt {
	uint64_t lapic;
	unsigned n;
	uint32_t ids[MAX_CPUS * 4];
};

static int own_madt_walk(uint64_t madt, uint32_t len, struct own_madt *m)
{
	memset(m, 0, sizeof(*m));
	m->lapic = rd32(madt + 36);
	for (uint32_t off = 44; off + 2 <= len;) {
		uint8_t type = *(const uint8_t *)(uintptr_t)(madt + off);
		uint8_t l = *(const uint8_t *)(uintptr_t)(madt + off + 1);
		if (l < 2 || off + l > len)
			return -1;
		uint64_t e = madt + off;
		uint32_t id = 0xFFFFFFFF, flags = 0;
		if (type == 0 && l >= 8) {
			id = *(const uint8_t *)(uintptr_t)(e + 3);
			flags = rd32(e + 4);
			if (id == 0xFF)
				id = 0xFFFFFFFF;
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

/* ---- SMP ----------------------------------------------------------------- */
static uint8_t fw_tables_static[FW_TABLES_SIZE] __attribute__((aligned(4096)));
static uint8_t mailbox_static[4096] __attribute__((aligned(4096)));

/* The OS side of the mailbox (ACPI 6.4 §5.2.12.19). */
static int own_wake(uint64_t mb, uint32_t apic, uint64_t vector, uint64_t timeout_us)
{
	volatile uint16_t *cmd = (volatile uint16_t *)(uintptr_t)mb;
	if (__atomic_load_n(cmd, __ATOMIC_ACQUIRE) != 0)
		return -1;
	*(volatile uint16_t *)(uintptr_t)(mb + 2) = 0;
	*(volatile uint32_t *)(uintptr_t)(mb + 4) = apic;
	*(volatile uint64_t *)(uintptr_t)(mb + 8) = vector;
	__atomic_store_n(cmd, 1, __ATOMIC_RELEASE);
	uint64_t end = rdtsc() + timeout_us * tsc_per_us();
	while (__atomic_load_n(cmd, __ATOMIC_ACQUIRE) != 0) {
		if ((int64_t)(rdtsc() - end) >= 0)
			return -2;
		cpu_relax();
	}
	return 0;
}

static struct own_madt g_madt;
static uint32_t g_bsp;

static void job_report(void *arg)
{
	uint32_t *out = arg;
	*out = cpu_apic_id();
}

static void run_smp(const struct acpi_info *ai)
{
	unsigned want = (unsigned)cmdline_num("smp", 1);
	int wrc = own_madt_walk(ai->madt, ai->madt_len, &g_madt);
	if (!check(wrc == 0 && g_madt.n == want, "madt.own-walk",
		   "rc=%d, %u enabled CPUs, expected %u; LAPIC at 0x%lx", wrc, g_madt.n, want,
		   g_madt.lapic))
		return;
	g_bsp = cpu_apic_id();
	lapic_init(g_madt.lapic);
	uint64_t apic_base_msr = rdmsr(0x1B);
	check(lapic_id() == g_bsp && (apic_base_msr & ~0xFFFull) == g_madt.lapic &&
		      (apic_base_msr & (1u << 8)),
	      "smp.lapic", "BSP APIC ID %u (CPUID) / %u (LAPIC), IA32_APIC_BASE 0x%lx", g_bsp,
	      lapic_id(), apic_base_msr);

	uint64_t fw_cr3 = (uint64_t)(uintptr_t)fw_tables_static;
	uint64_t mb = (uint64_t)(uintptr_t)mailbox_static;
	fw_tables_build(fw_cr3);
	os_ap_cr3 = read_cr3();
	int started = fw_start_aps(g_madt.lapic, fw_cr3, mb, g_madt.ids, g_madt.n, g_bsp);
	uint32_t parked = __atomic_load_n(&g_fw.parked, __ATOMIC_ACQUIRE);
	if (!check(started == (int)want - 1 && parked == want - 1, "smp.fw-park",
		   "INIT-SIPI-SIPI sent to %d APs, %u parked in the firmware mailbox loop",
		   started, parked))
		return;

	for (unsigned i = 0; i < g_madt.n; i++) {
		uint32_t id = g_madt.ids[i];
		if (id == g_bsp)
			continue;
		uint32_t before = g_os.online;
		int rc = own_wake(mb, id, (uint64_t)(uintptr_t)ap_os_entry, 1000000);
		uint64_t end = rdtsc() + 1000000 * tsc_per_us();
		while (__atomic_load_n(&g_os.online, __ATOMIC_ACQUIRE) == before &&
		       (int64_t)(rdtsc() - end) < 0)
			cpu_relax();
		check(rc == 0 && g_os.online == before + 1, "smp.wake", "APIC ID %u: rc=%d",
		      id, rc);
	}
	unsigned ok = 0;
	for (unsigned i = 0; i < g_os.online && i < MAX_CPUS; i++) {
		uint32_t got = 0xFFFFFFFF;
		os_job_start(i, job_report, &got);
		if (os_job_wait(i, 1000000) == 0 && got == g_os.cpu[i].apic &&
		    g_os.cpu[i].cr3 == os_ap_cr3)
			ok++;
	}
	check(g_os.online == want - 1 && ok == want - 1, "smp.online",
	      "%u APs online on the kernel page tables, %u answered a job; %u acks seen by "
	      "the firmware loop",
	      g_os.online, ok, g_fw.acked);
}

/* ---- XSAVE ---------------------------------------------------------------- */
static int cpuid_cb(uint32_t leaf, uint32_t subleaf, struct tdxc_xsave_regs *out, void *opaque)
{
	uint32_t r[4];
	(void)opaque;
	cpuid_count(leaf, subleaf, r);
	out->eax = r[0];
	out->ebx = r[1];
	out->ecx = r[2];
	out->edx = r[3];
	return 0;
}

static void run_xsave(void)
{
	static struct xsave_cpu x;
	static struct tdxc_xsave_info xi;
	static struct tdxc_xsave_layout lay_std, lay_cmp;
	static struct tdxc_xsave_report rep;
	xsave_cpu_read(&x);
	if (!check(x.has_xsave, "xsave.cpuid",
		   "XSAVE %s, XSAVEC %s, XCR0 mask 0x%lx, XSS mask 0x%lx",
		   x.has_xsave ? "yes" : "no", x.has_xsavec ? "yes" : "no", x.xcr0_supported,
		   x.xss_supported))
		return;
	xsave_enable(&x);
	uint64_t xcr0 = xgetbv(0);
	check(xcr0 == x.xcr0_supported && (read_cr4() & (1u << 18)), "xsave.enable",
	      "CR4.OSXSAVE set, XCR0=0x%lx", xcr0);

	/* The library reads leaf 0xD through our cpuid instruction wrapper. */
	int rc = tdxc_xsave_info_from_cpuid_fn(cpuid_cb, 0, &xi);
	if (!check(rc == 0 && xi.xcr0_supported == x.xcr0_supported, "xsave.lib-table",
		   "rc=%d (%s), XCR0 mask 0x%lx, subleaves present 0x%lx", rc,
		   tdxc_strerror_name(rc), xi.xcr0_supported, xi.present))
		return;
	rc = tdxc_xsave_validate(&xi, TDXC_XSAVE_VF_XCR0_LOADED | TDXC_XSAVE_VF_XSS_LOADED,
				 xcr0, 0, &rep);
	check(rc == 0, "xsave.lib-validate", "rc=%d: %u problems (%u errors, %u warnings)%s%s",
	      rc, rep.total, rep.errors, rep.warnings, rep.stored ? ", first: " : "",
	      rep.stored ? tdxc_xsave_problem_name(rep.problems[0].kind) : "");

	uint32_t r[4];
	cpuid_count(0xD, 0, r);
	uint32_t cpu_std = r[1];
	uint32_t own_std = xsave_own_std_size(&x, xcr0), lib_std = 0;
	rc = tdxc_xsave_standard_size(&xi, xcr0, &lib_std);
	check(rc == 0 && cpu_std == lib_std && cpu_std == own_std, "xsave.size-std",
	      "CPUID(0xD,0).EBX=%u, library %u (rc=%d), kernel's own sum %u", cpu_std, lib_std,
	      rc, own_std);

	/* Every component's standard offset is the CPU's CPUID(0xD,i).EBX. */
	rc = tdxc_xsave_layout(&xi, xcr0, TDXC_XSAVE_STANDARD, &lay_std);
	unsigned bad = 0, n = 0;
	for (unsigned i = 2; i < 63; i++) {
		if (!(xcr0 >> i & 1))
			continue;
		n++;
		if (lay_std.slot[i].offset != x.comp[i].offset ||
		    lay_std.slot[i].size != x.comp[i].size) {
			if (!bad)
				info("xsave.layout-std", "component %u (%s): library %u+%u, CPU %u+%u",
				     i, tdxc_xsave_component_name(i), lay_std.slot[i].offset,
				     lay_std.slot[i].size, x.comp[i].offset, x.comp[i].size);
			bad++;
		}
	}
	check(rc == 0 && bad == 0 && lay_std.size == cpu_std, "xsave.layout-std",
	      "rc=%d, %u components, %u differ from CPUID, layout size %u", rc, n, bad,
	      lay_std.size);

	uint32_t avx_std = (xcr0 & (1u << TDXC_XSAVE_AVX)) ? lay_std.slot[TDXC_XSAVE_AVX].offset : 0;
	xsave_into_guarded(cpu_std, 0, xcr0, avx_std, "xsave.xsave-guarded");

	uint32_t own_cmp = xsave_own_cmp_size(&x, xcr0), lib_cmp = 0;
	rc = tdxc_xsave_compacted_size(&xi, xcr0, &lib_cmp);
	if (x.has_xsavec) {
		cpuid_count(0xD, 1, r);
		uint32_t cpu_cmp = r[1]; /* XCR0 | IA32_XSS, and IA32_XSS is 0 */
		check(rc == 0 && cpu_cmp == lib_cmp && cpu_cmp == own_cmp, "xsave.size-cmp",
		      "CPUID(0xD,1).EBX=%u, library %u (rc=%d), kernel's own sum %u", cpu_cmp,
		      lib_cmp, rc, own_cmp);
		int lrc = tdxc_xsave_layout(&xi, xcr0, TDXC_XSAVE_COMPACTED, &lay_cmp);
		uint32_t avx_cmp = (lrc == 0 && (xcr0 & (1u << TDXC_XSAVE_AVX)))
					   ? lay_cmp.slot[TDXC_XSAVE_AVX].offset
					   : 0;
		xsave_into_guarded(lib_cmp, 1, xcr0, avx_cmp, "xsave.xsavec-guarded");
	} else {
		/* No XSAVEC on this CPU: the compacted size is still checked
		 * against the kernel's own sum of the sub-leaves. */
		check(rc == 0 && lib_cmp == own_cmp, "xsave.size-cmp",
		      "no XSAVEC on this CPU; library %u (rc=%d), kernel's own sum %u", lib_cmp,
		      rc, own_cmp);
		info("xsave.xsavec", "CPUID(0xD,1).EAX[1] clear: XSAVEC image not taken");
	}
}

/* ---- main ----------------------------------------------------------------- */
void kmain(uint32_t magic, uint64_t mbi)
{
	klib_init();
	kprintf("\nINFO kernel libtdxcore guest-kernel test, TSC %lu MHz\n", tsc_per_us());
	check_boot(magic, mbi);
	check_common_api();

	struct acpi_info ai;
	int rc = acpi_find(&ai);
	if (check(rc == 0, "acpi.madt", "rc=%d RSDP 0x%lx rev %u, %s 0x%lx, APIC 0x%lx len %u", rc,
		  ai.rsdp, ai.rsdp_rev, ai.root_is_xsdt ? "XSDT" : "RSDT", ai.root, ai.madt,
		  ai.madt_len))
		run_smp(&ai);

	run_xsave();

	unsigned f = check_failures();
	if (f)
		kprintf("RESULT FAIL failed=%u passed=%u\n", f, check_passes());
	else
		kprintf("RESULT PASS passed=%u\n", check_passes());
	kexit(f == 0);
}
