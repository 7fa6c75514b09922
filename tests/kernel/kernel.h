/* SPDX-License-Identifier: BSD-2-Clause */
/* The test kernel's own small runtime: port I/O, CPU access, console, checks. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "layout.h"

/* ---- C runtime the compiler may call (own copies, not the library's) -- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t kstrlen(const char *s);
int kstrncmp(const char *a, const char *b, size_t n);

/* ---- CPU ---------------------------------------------------------------- */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}
static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			 : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}
static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}
static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}
static inline uint64_t xgetbv(uint32_t idx)
{
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(idx));
	return ((uint64_t)hi << 32) | lo;
}
static inline void xsetbv(uint32_t idx, uint64_t v)
{
	__asm__ volatile("xsetbv"
			 : : "a"((uint32_t)v), "d"((uint32_t)(v >> 32)), "c"(idx)
			 : "memory");
}
static inline void mmio_write32(uint64_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}
static inline uint32_t mmio_read32(uint64_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}
/* Current CPU's initial APIC ID (CPUID.1:EBX[31:24]; x2APIC ID from 0xB). */
uint32_t cpu_apic_id(void);
/* Busy wait of about @us microseconds (TSC calibrated against the PIT). */
void udelay(uint64_t us);
uint64_t tsc_per_us(void);

/* ---- console and checks ------------------------------------------------ */
void serial_init(void);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* One log line "PASS <name> <detail>" or "FAIL <name> <detail>"; returns ok. */
int check(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Informational line "INFO <name> <detail>". */
void info(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned check_failures(void);
unsigned check_passes(void);
__attribute__((noreturn)) void kexit(int pass);

/* ---- boot data --------------------------------------------------------- */
struct mem_range {
	uint64_t base, len;
	uint32_t type; /* multiboot: 1 usable, 2 reserved, 3 ACPI, 4 NVS, 5 bad */
};
#define MAX_MMAP 64
struct boot_info {
	struct mem_range mmap[MAX_MMAP];
	unsigned n_mmap;
	char cmdline[256];
};
extern struct boot_info g_boot;
/* Value of "key=<number>" in the command line; @def when absent. */
uint64_t cmdline_num(const char *key, uint64_t def);

/* ---- ACPI -------------------------------------------------------------- */
struct acpi_info {
	uint64_t rsdp;
	uint8_t rsdp_rev;
	uint64_t root;        /* RSDT or XSDT */
	int root_is_xsdt;
	uint64_t madt;        /* physical address of "APIC" */
	uint32_t madt_len;
};
int acpi_find(struct acpi_info *ai);

/* ---- SMP --------------------------------------------------------------- */
extern char ap_os_entry[];
extern uint64_t os_ap_cr3;
extern uint32_t os_ap_next;
extern uint8_t os_ap_stacks[MAX_CPUS][AP_STACK_SIZE];

extern uint64_t boot_pml4[512];

#endif
