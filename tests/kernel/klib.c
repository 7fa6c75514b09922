/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel's own runtime: memory functions (the freestanding archive
 * expects memcpy/memmove/memset/memcmp from its host), COM1 console,
 * a small printf, the check log, timing and the exception handler.
 */
#include "kernel.h"

/* ---- memory functions --------------------------------------------------- */
/* String instructions: fast under TCG, and the direction flag is clear
 * everywhere in this kernel (the ABI's promise; memmove restores it). */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	/* overlapping with dst above src: copy backwards */
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t kstrlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int kstrncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (uint8_t)a[i] < (uint8_t)b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

/* ---- COM1 ------------------------------------------------------------------ */
#define COM1 0x3F8

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xC7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	for (unsigned i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

/* Lines from several CPUs must not interleave. */
static volatile uint32_t print_lock;

static void lock_print(void)
{
	while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&print_lock, __ATOMIC_RELAXED))
			cpu_relax();
}

static void unlock_print(void)
{
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
}

/* ---- printf ---------------------------------------------------------------- */
static void put_num(uint64_t v, unsigned base, int width, char pad, int neg)
{
	char buf[24];
	int n = 0;
	do {
		unsigned d = (unsigned)(v % base);
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg)
		buf[n++] = '-';
	while (n < width--)
		serial_putc(pad);
	while (n)
		serial_putc(buf[--n]);
}

static void vprint_locked(const char *fmt, va_list ap)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			if (*p == '\n')
				serial_putc('\r');
			serial_putc(*p);
			continue;
		}
		p++;
		char pad = ' ';
		int width = 0, lng = 0;
		if (*p == '0') {
			pad = '0';
			p++;
		}
		while (*p >= '0' && *p <= '9')
			width = width * 10 + (*p++ - '0');
		while (*p == 'l' || *p == 'z') {
			lng = 1;
			p++;
		}
		switch (*p) {
		case 'd': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, 10, width,
				pad, v < 0);
			break;
		}
		case 'u':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width,
				pad, 0);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width,
				pad, 0);
			break;
		case 'p':
			serial_putc('0');
			serial_putc('x');
			put_num((uint64_t)(uintptr_t)va_arg(ap, void *), 16, width, pad, 0);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int len = (int)kstrlen(s);
			while (len < width--)
				serial_putc(' ');
			while (*s)
				serial_putc(*s++);
			break;
		}
		case 'c':
			serial_putc((char)va_arg(ap, int));
			break;
		case '%':
			serial_putc('%');
			break;
		default:
			serial_putc('?');
			break;
		}
	}
}

void kvprintf(const char *fmt, va_list ap)
{
	lock_print();
	vprint_locked(fmt, ap);
	unlock_print();
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* ---- checks ---------------------------------------------------------------- */
static uint32_t n_fail, n_pass;

static void print_line(const char *tag, const char *name, const char *fmt, va_list ap)
{
	lock_print();
	/* tag and name first, then the detail */
	const char *parts[2] = { tag, name };
	for (int i = 0; i < 2; i++) {
		for (const char *s = parts[i]; *s; s++)
			serial_putc(*s);
		serial_putc(' ');
	}
	vprint_locked(fmt, ap);
	serial_putc('\r');
	serial_putc('\n');
	unlock_print();
}

int check(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_line(ok ? "PASS" : "FAIL", name, fmt, ap);
	va_end(ap);
	__atomic_add_fetch(ok ? &n_pass : &n_fail, 1, __ATOMIC_RELAXED);
	return ok;
}

void info(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	print_line("INFO", name, fmt, ap);
	va_end(ap);
}

unsigned check_failures(void)
{
	return __atomic_load_n(&n_fail, __ATOMIC_RELAXED);
}

unsigned check_passes(void)
{
	return __atomic_load_n(&n_pass, __ATOMIC_RELAXED);
}

void kexit(int pass)
{
	outl(DEBUG_EXIT_PORT, pass ? EXIT_PASS : EXIT_FAIL);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- CPU identity and time ---------------------------------------------- */
uint32_t cpu_apic_id(void)
{
	uint32_t r[4];
	cpuid_count(0, 0, r);
	if (r[0] >= 0xB) {
		uint32_t b[4];
		cpuid_count(0xB, 0, b);
		if (b[1] != 0) /* leaf 0xB implemented: EDX is the x2APIC ID */
			return b[3];
	}
	cpuid_count(1, 0, r);
	return r[1] >> 24;
}

static uint64_t tsc_us = 1000; /* ticks per microsecond; calibrated at boot */

/* Measure the TSC against 10 ms of PIT channel 2 (one-shot, gate on). */
static uint64_t calibrate_tsc(void)
{
	const uint16_t count = 11932; /* 1193182 Hz * 10 ms */
	uint8_t p61 = inb(0x61);
	outb(0x61, (uint8_t)((p61 & ~0x02) | 0x01));
	outb(0x43, 0xB0); /* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xFF);
	outb(0x42, count >> 8);
	uint64_t t0 = rdtsc();
	uint64_t guard = 0;
	while (!(inb(0x61) & 0x20) && guard < 100000000)
		guard++;
	uint64_t t1 = rdtsc();
	outb(0x61, p61);
	uint64_t per_us = (t1 - t0) / 10000;
	return per_us ? per_us : 1;
}

uint64_t tsc_per_us(void)
{
	return tsc_us;
}

void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_us;
	while ((int64_t)(rdtsc() - end) < 0)
		cpu_relax();
}

/* ---- exceptions --------------------------------------------------------- */
struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, attr;
	uint16_t off1;
	uint32_t off2, zero;
};
static struct idt_entry idt[IPI_VECTOR + 1] __attribute__((aligned(16)));
extern char ipi_stub[];

#define STUB(n) extern char exc_stub_##n[];
STUB(0) STUB(1) STUB(2) STUB(3) STUB(4) STUB(5) STUB(6) STUB(7) STUB(8)
STUB(9) STUB(10) STUB(11) STUB(12) STUB(13) STUB(14) STUB(15) STUB(16)
STUB(17) STUB(18) STUB(19) STUB(20) STUB(21)
#undef STUB

void idt_load(void);
void idt_install(void);
void exc_handler(uint64_t *frame);
void klib_init(void);

static void idt_set(int i, char *stub)
{
	uint64_t a = (uint64_t)(uintptr_t)stub;
	idt[i].off0 = (uint16_t)a;
	idt[i].sel = SEL_CODE64;
	idt[i].ist = 0;
	idt[i].attr = 0x8E; /* present, interrupt gate */
	idt[i].off1 = (uint16_t)(a >> 16);
	idt[i].off2 = (uint32_t)(a >> 32);
	idt[i].zero = 0;
}

void idt_install(void)
{
	char *stubs[22] = {
		exc_stub_0, exc_stub_1, exc_stub_2, exc_stub_3, exc_stub_4, exc_stub_5,
		exc_stub_6, exc_stub_7, exc_stub_8, exc_stub_9, exc_stub_10,
		exc_stub_11, exc_stub_12, exc_stub_13, exc_stub_14, exc_stub_15,
		exc_stub_16, exc_stub_17, exc_stub_18, exc_stub_19, exc_stub_20,
		exc_stub_21,
	};
	for (int i = 0; i < 22; i++)
		idt_set(i, stubs[i]);
	idt_set(IPI_VECTOR, ipi_stub);
	idt_load();
}

void idt_load(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} p = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
	__asm__ volatile("lidt %0" : : "m"(p));
}

void exc_handler(uint64_t *frame)
{
	uint64_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	/* Break a possibly held print lock: the run is over anyway. */
	__atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
	kprintf("FAIL exception vector=%lu error=0x%lx rip=0x%lx cr2=0x%lx apic=%u\n",
		frame[0], frame[1], frame[2], cr2, cpu_apic_id());
	kprintf("RESULT FAIL (exception)\n");
	kexit(0);
}

void klib_init(void)
{
	serial_init();
	idt_install();
	tsc_us = calibrate_tsc();
}
