/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test kernel entry: reads what the loader and the machine hand over
 * (multiboot memory map, ACPI tables, CPUs, CPUID) and runs the library
 * against them. Every check prints one line: PASS/FAIL <name> <detail>.
 * The last line is "RESULT PASS ..." or "RESULT FAIL ...", and the exit
 * status through isa-debug-exit says the same.
 */
#include "kernel.h"
#include "smp_test.h"
#include "xsave_test.h"
#include "bpool_test.h"
#include "irq_test.h"
#include "vtl_test.h"
#include "mem_test.h"

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

/* ---- SMP ----------------------------------------------------------------- */
static uint8_t fw_tables_static[FW_TABLES_SIZE] __attribute__((aligned(4096)));
static uint8_t mailbox_static[4096] __attribute__((aligned(4096)));
static unsigned g_online_aps;

static void run_smp_mem(const struct acpi_info *ai)
{
	struct smp_memory mem = { (uint64_t)(uintptr_t)fw_tables_static,
				  (uint64_t)(uintptr_t)mailbox_static, 0 };
	int placed = mem_place_firmware(&mem) == 0;
	if (placed)
		mem.during = mem_tables_held;
	struct smp_result res;
	if (run_smp(ai, &mem, &res) == 0 && placed)
		mem_after_smp(&res, &mem, res.held_during);
	g_online_aps = res.online;
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

static struct xsave_cpu x;
static uint32_t g_lib_std; /* library's standard size for the BSP's XCR0 */

static void run_xsave(void)
{
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
	g_lib_std = rc == 0 ? lib_std : 0;
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

/* Every AP enables XSAVE with the same XCR0 and reports the CPU's size. */
struct ap_xsave {
	uint64_t xcr0;
	uint32_t ebx;
};

static void job_xsave(void *arg)
{
	struct ap_xsave *a = arg;
	uint32_t r[4];
	xsave_enable(&x);
	a->xcr0 = xgetbv(0);
	cpuid_count(0xD, 0, r);
	a->ebx = r[1];
}

static void run_xsave_aps(unsigned n_aps)
{
	if (!n_aps || !g_lib_std)
		return;
	static struct ap_xsave ax[MAX_CPUS];
	unsigned ok = 0;
	for (unsigned i = 0; i < n_aps && i < MAX_CPUS; i++) {
		os_job_start(i, job_xsave, &ax[i]);
		if (os_job_wait(i, AP_WAIT_US) == 0 && ax[i].xcr0 == x.xcr0_supported &&
		    ax[i].ebx == g_lib_std)
			ok++;
	}
	check(ok == n_aps, "xsave.aps",
	      "%u of %u APs set XCR0 0x%lx and report CPUID(0xD,0).EBX = library size %u", ok,
	      n_aps, x.xcr0_supported, g_lib_std);
}

/* ---- main ----------------------------------------------------------------- */
void kmain(uint32_t magic, uint64_t mbi)
{
	klib_init();
	uint64_t t0 = rdtsc();
	kprintf("\nINFO kernel libtdxcore guest-kernel test, TSC %lu MHz\n", tsc_per_us());
	check_boot(magic, mbi);
	check_common_api();
	mem_init();

	struct acpi_info ai;
	int rc = acpi_find(&ai);
	if (check(rc == 0, "acpi.madt", "rc=%d RSDP 0x%lx rev %u, %s 0x%lx, APIC 0x%lx len %u", rc,
		  ai.rsdp, ai.rsdp_rev, ai.root_is_xsdt ? "XSDT" : "RSDT", ai.root, ai.madt,
		  ai.madt_len))
		run_smp_mem(&ai);

	run_xsave();
	run_xsave_aps(g_online_aps);

	/* bpool over a range from memregion (above 4 GiB when there is RAM there) */
	const uint64_t bpool_len = 2u << 20;
	uint8_t *bp = mem_alloc_bytes(bpool_len, cmdline_num("highmem", 0) != 0);
	if (bp)
		run_bpool(bp, bpool_len);

	run_irqfilter(g_online_aps);

	run_vtlctx();

	mem_final(bp, bpool_len);

	unsigned f = check_failures();
	uint64_t ms = (rdtsc() - t0) / tsc_per_us() / 1000;
	if (f)
		kprintf("RESULT FAIL failed=%u passed=%u (%lu ms)\n", f, check_passes(), ms);
	else
		kprintf("RESULT PASS passed=%u (%lu ms)\n", check_passes(), ms);
	kexit(f == 0);
}
