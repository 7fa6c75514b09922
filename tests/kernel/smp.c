/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Multiprocessor bring-up, both halves.
 *
 * Firmware half (what TDX firmware would do): INIT-SIPI-SIPI each AP into
 * the trampoline at TRAMP_BASE, which enters long mode on the "firmware"
 * page tables and parks the AP in fw_ap_main(): a loop polling the 4 KiB
 * ACPI multiprocessor-wakeup mailbox with the firmware-side rules (match
 * the APIC ID, cache the vector, acknowledge by a 64-bit store of zero at
 * offset 0, jump), in OVMF's or td-shim's reading order per AP.
 *
 * OS half: the wakeup vector is ap_os_entry (boot.S), which moves the AP
 * to the kernel's page tables and its own stack and calls os_ap_main():
 * the AP reports in and then runs jobs handed to it by the BSP.
 */
#include "smp.h"

/* ---- shared state ------------------------------------------------------- */
uint64_t os_ap_cr3;
uint32_t os_ap_next;
uint8_t os_ap_stacks[MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t fw_ap_stacks[MAX_CPUS][AP_STACK_SIZE] __attribute__((aligned(16)));

struct fw_state g_fw;
struct os_state g_os;

extern char tramp_start[], tramp_end[], tramp_data[];

/* Must match the data block at the end of the trampoline in boot.S. */
struct tramp_data {
	uint64_t cr3;
	uint64_t stack_base;
	uint64_t entry;
	uint32_t next_stack;
	uint32_t arrived;
};

static volatile struct tramp_data *tramp_data_live(void)
{
	return (volatile struct tramp_data *)(uintptr_t)(TRAMP_BASE +
							 (tramp_data - tramp_start));
}

/* ---- local APIC ------------------------------------------------------------ */
#define LAPIC_ID 0x20
#define LAPIC_SVR 0xF0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310

static uint64_t lapic_base;
uint64_t lapic_eoi_addr; /* used by ipi_stub (boot.S) */

#define LAPIC_EOI 0xB0

void lapic_init(uint64_t base)
{
	lapic_base = base;
	lapic_eoi_addr = base + LAPIC_EOI;
	uint32_t svr = mmio_read32(base + LAPIC_SVR);
	mmio_write32(base + LAPIC_SVR, svr | 0x100 | 0xFF); /* enable, spurious 0xFF */
}

uint32_t lapic_id(void)
{
	return mmio_read32(lapic_base + LAPIC_ID) >> 24;
}

static int lapic_ipi(uint32_t apic_id, uint32_t lo)
{
	mmio_write32(lapic_base + LAPIC_ESR, 0);
	mmio_write32(lapic_base + LAPIC_ICR_HI, apic_id << 24);
	mmio_write32(lapic_base + LAPIC_ICR_LO, lo);
	for (unsigned i = 0; i < 1000000; i++) {
		if (!(mmio_read32(lapic_base + LAPIC_ICR_LO) & (1u << 12)))
			return 0; /* delivered */
		cpu_relax();
	}
	return -1;
}

/* ---- firmware page tables: identity map of FW_MAP_GIB GiB, 2 MiB pages ---- */
void fw_tables_build(uint64_t base)
{
	uint64_t *pml4 = (uint64_t *)(uintptr_t)base;
	uint64_t *pdpt = pml4 + 512;
	uint64_t *pd = pdpt + 512;
	memset(pml4, 0, FW_TABLES_SIZE);
	pml4[0] = (base + 0x1000) | 3;
	for (uint64_t i = 0; i < FW_MAP_GIB; i++)
		pdpt[i] = (base + 0x2000 + i * 0x1000) | 3;
	for (uint64_t i = 0; i < 512 * FW_MAP_GIB; i++)
		pd[i] = (i << 21) | 0x83;
}

/* ---- firmware side of the mailbox ------------------------------------------ */
#define MB_CMD_NOOP 0
#define MB_CMD_WAKEUP 1
#define MB_CMD_TEST 2
#define MB_APIC_BROADCAST 0xFFFFFFFEu

void fw_ap_main(uint32_t idx);
void os_ap_main(uint32_t idx);

__attribute__((noreturn)) static void fw_jump(volatile uint64_t *head, uint64_t v)
{
	__atomic_add_fetch(&g_fw.acked, 1, __ATOMIC_RELAXED);
	__atomic_store_n(head, 0, __ATOMIC_RELEASE); /* ack: 64-bit zero of bytes 0..7 */
	__asm__ volatile("jmp *%0" : : "r"(v) : "memory");
	__builtin_unreachable();
}

/*
 * The parked-AP loop. APs with an even arrival index behave like OVMF's
 * ApRunLoop (Command+Reserved read as 32 bits first, then the APIC ID;
 * Test acknowledged), odd ones like td-shim's ap_loop (APIC ID first,
 * 32-bit vector read, Wakeup only). Both cache the vector before the ack.
 */
__attribute__((noreturn)) void fw_ap_main(uint32_t idx)
{
	uint32_t me = cpu_apic_id();
	uint64_t mb = g_fw.mailbox;
	volatile uint32_t *cmd32 = (volatile uint32_t *)(uintptr_t)mb;
	volatile uint32_t *apic = (volatile uint32_t *)(uintptr_t)(mb + 4);
	volatile uint64_t *vec = (volatile uint64_t *)(uintptr_t)(mb + 8);
	volatile uint32_t *vec32 = (volatile uint32_t *)(uintptr_t)(mb + 8);
	volatile uint64_t *head = (volatile uint64_t *)(uintptr_t)mb;
	int tdshim = idx & 1;

	if (idx < MAX_CPUS) {
		g_fw.apic[idx] = me;
		g_fw.style[idx] = tdshim ? FW_STYLE_TDSHIM : FW_STYLE_OVMF;
	}
	__atomic_add_fetch(&g_fw.parked, 1, __ATOMIC_RELEASE);

	for (;;) {
		cpu_relax();
		if (me == g_fw.delay_apic && !__atomic_load_n(&g_fw.delay_release, __ATOMIC_ACQUIRE))
			continue; /* the vCPU is "not scheduled" */
		if (tdshim) {
			uint32_t target = __atomic_load_n(apic, __ATOMIC_ACQUIRE);
			if (target != me && target != MB_APIC_BROADCAST)
				continue;
			uint32_t c = __atomic_load_n(cmd32, __ATOMIC_ACQUIRE);
			if (c == MB_CMD_WAKEUP)
				fw_jump(head, *vec32);
			continue; /* td-shim handles nothing else */
		}
		uint32_t c = __atomic_load_n(cmd32, __ATOMIC_ACQUIRE);
		if (c == 0)
			continue;
		uint32_t target = *apic;
		if (target != me && target != MB_APIC_BROADCAST)
			continue;
		if (c == MB_CMD_WAKEUP) {
			fw_jump(head, *vec);
		} else if (c == MB_CMD_TEST) {
			__atomic_add_fetch(&g_fw.tests, 1, __ATOMIC_RELAXED);
			__atomic_store_n(head, 0, __ATOMIC_RELEASE);
		}
		/* anything else: ignored and left set, like OVMF */
	}
}

int fw_start_aps(uint64_t lapic, uint64_t fw_cr3, uint64_t mailbox, const uint32_t *ids,
		 unsigned n, uint32_t bsp)
{
	g_fw.mailbox = mailbox;
	memset((void *)(uintptr_t)mailbox, 0, 4096);
	/* OVMF's RelocateMailbox: Command 0, ApicId invalid. */
	*(volatile uint32_t *)(uintptr_t)(mailbox + 4) = 0xFFFFFFFFu;

	memcpy((void *)(uintptr_t)TRAMP_BASE, tramp_start, (size_t)(tramp_end - tramp_start));
	volatile struct tramp_data *td = tramp_data_live();
	td->cr3 = fw_cr3;
	td->stack_base = (uint64_t)(uintptr_t)fw_ap_stacks;
	td->entry = (uint64_t)(uintptr_t)fw_ap_main;
	td->next_stack = 0;
	td->arrived = 0;

	lapic_init(lapic);
	unsigned sent = 0;
	for (unsigned i = 0; i < n; i++) {
		if (ids[i] == bsp)
			continue;
		if (ids[i] > 0xFE || sent + 1 >= MAX_CPUS)
			return -1; /* xAPIC ICR: 8-bit destination */
		uint32_t before = g_fw.parked;
		if (lapic_ipi(ids[i], 0x00004500)) /* INIT, assert */
			return -2;
		udelay(10000);
		for (int s = 0; s < 2; s++) {
			if (lapic_ipi(ids[i], 0x00004600 | (TRAMP_BASE >> 12))) /* SIPI */
				return -3;
			udelay(200);
			if (__atomic_load_n(&td->arrived, __ATOMIC_ACQUIRE) > sent)
				break;
		}
		sent++;
		/* one AP at a time: wait (up to AP_WAIT_US) until it is parked */
		uint64_t end = rdtsc() + AP_WAIT_US * tsc_per_us();
		while (__atomic_load_n(&g_fw.parked, __ATOMIC_ACQUIRE) == before &&
		       (int64_t)(rdtsc() - end) < 0)
			cpu_relax();
	}
	return (int)sent;
}

/* ---- OS side -------------------------------------------------------------- */
__attribute__((noreturn)) void os_ap_main(uint32_t idx)
{
	extern void idt_load(void);
	idt_load();
	uint32_t me = cpu_apic_id();
	if (idx >= MAX_CPUS)
		for (;;)
			__asm__ volatile("cli; hlt");
	struct os_cpu *c = &g_os.cpu[idx];
	/* software-enable this CPU's LAPIC so the wake-up IPI is accepted */
	uint32_t svr = mmio_read32(lapic_base + LAPIC_SVR);
	mmio_write32(lapic_base + LAPIC_SVR, svr | 0x100 | 0xFF);
	c->apic = me;
	c->cr3 = read_cr3();
	__atomic_store_n(&c->online, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&g_os.online, 1, __ATOMIC_RELEASE);

	/*
	 * Idle in HLT instead of spinning (a spinning vCPU takes a host CPU
	 * from the others). Interrupts stay off except inside "sti; hlt": an
	 * IPI sent after the check below stays pending and ends the HLT.
	 */
	uint32_t seen = 0;
	for (;;) {
		uint32_t seq = __atomic_load_n(&c->job_seq, __ATOMIC_ACQUIRE);
		if (seq == seen) {
			__asm__ volatile("sti; hlt; cli" ::: "memory");
			continue;
		}
		c->job_fn(c->job_arg);
		seen = seq;
		__atomic_store_n(&c->job_done, seq, __ATOMIC_RELEASE);
	}
}

void os_job_start(unsigned idx, void (*fn)(void *), void *arg)
{
	struct os_cpu *c = &g_os.cpu[idx];
	c->job_fn = fn;
	c->job_arg = arg;
	__atomic_add_fetch(&c->job_seq, 1, __ATOMIC_RELEASE);
	lapic_ipi(c->apic, 0x00004000 | IPI_VECTOR); /* fixed, assert */
}

int os_job_wait(unsigned idx, uint64_t timeout_us)
{
	struct os_cpu *c = &g_os.cpu[idx];
	uint32_t want = __atomic_load_n(&c->job_seq, __ATOMIC_ACQUIRE);
	uint64_t end = rdtsc() + timeout_us * tsc_per_us();
	while (__atomic_load_n(&c->job_done, __ATOMIC_ACQUIRE) != want) {
		if ((int64_t)(rdtsc() - end) >= 0)
			return -1;
		cpu_relax();
	}
	return 0;
}
