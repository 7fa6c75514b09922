/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start code of the test kernel.
 *
 * The loader (QEMU -kernel, multiboot 1) enters _start in 32-bit protected
 * mode with paging off. We build our own identity page tables (2 MiB pages,
 * the low KERNEL_MAP_GIB GiB), switch to long mode and call kmain(magic, mbi).
 *
 * Also here: the exception stubs, the AP trampoline that the BSP copies to
 * TRAMP_BASE (real mode -> protected mode -> long mode on the "firmware"
 * page tables whose CR3 the BSP writes into the trampoline data), and the
 * OS-side AP entry that the wakeup mailbox hands each AP to.
 */
#include "layout.h"

#define MB_MAGIC 0x1BADB002
/* bit 0: page-align modules, bit 1: memory map, bit 16: address fields */
#define MB_FLAGS 0x00010003

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	/* a.out kludge: the image is a flat binary loaded at __image_start */
	.long mb_header
	.long __image_start
	.long __data_end
	.long __bss_end
	.long _start

/* ------------------------------------------------------------------ */
	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl %eax, %esi                 /* multiboot magic */
	movl %ebx, %ebp                 /* multiboot info */

	/* The loader does not promise a zeroed bss. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	movl $boot_stack_top, %esp

	/* Long mode available? (CPUID 0x80000001 EDX bit 29) */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx
	jnc no_long_mode

	/* PML4[0] -> PDPT; PDPT[i] -> PD i; PD entries: 2 MiB pages. */
	movl $boot_pdpt, %eax
	orl $0x3, %eax
	movl %eax, boot_pml4

	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $0x3, %eax
	movl %eax, boot_pdpt(,%ecx,8)
	incl %ecx
	cmpl $KERNEL_MAP_GIB, %ecx
	jb 1b

	/* entry i maps physical i * 2 MiB; i < 512 * KERNEL_MAP_GIB */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB page */
	movl %eax, boot_pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax                  /* high dword: (i * 2 MiB) >> 32 */
	movl %eax, boot_pd+4(,%ecx,8)
	incl %ecx
	cmpl $(512 * KERNEL_MAP_GIB), %ecx
	jb 2b

	lgdt gdt_ptr

	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx          /* EFER */
	rdmsr
	orl $(1 << 8), %eax             /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax           /* PG | PE */
	movl %eax, %cr0
	ljmp $SEL_CODE64, $long_entry

no_long_mode:
	/* Say so on COM1 and leave through isa-debug-exit. */
	movl $msg_no_lm, %ebx
3:	movb (%ebx), %al
	testb %al, %al
	jz 4f
	movw $0x3F8, %dx
	outb %al, %dx
	incl %ebx
	jmp 3b
4:	movw $DEBUG_EXIT_PORT, %dx
	movl $EXIT_FAIL, %eax
	outl %eax, %dx
5:	hlt
	jmp 5b

	.code64
long_entry:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	movl %esi, %edi                 /* magic */
	movl %ebp, %esi                 /* mbi (zero-extended) */
	xorl %ebp, %ebp
	call kmain
6:	cli
	hlt
	jmp 6b

/* ------------------------------------------------------------------ */
/* Exception stubs: push a dummy error code where the CPU pushes none. */
	.text
.macro EXC_NOERR n
	.globl exc_stub_\n
exc_stub_\n:
	pushq $0
	pushq $\n
	jmp exc_common
.endm
.macro EXC_ERR n
	.globl exc_stub_\n
exc_stub_\n:
	pushq $\n
	jmp exc_common
.endm
	EXC_NOERR 0
	EXC_NOERR 1
	EXC_NOERR 2
	EXC_NOERR 3
	EXC_NOERR 4
	EXC_NOERR 5
	EXC_NOERR 6
	EXC_NOERR 7
	EXC_ERR 8
	EXC_NOERR 9
	EXC_ERR 10
	EXC_ERR 11
	EXC_ERR 12
	EXC_ERR 13
	EXC_ERR 14
	EXC_NOERR 15
	EXC_NOERR 16
	EXC_ERR 17
	EXC_NOERR 18
	EXC_NOERR 19
	EXC_NOERR 20
	EXC_ERR 21

/* Wake-up IPI: only ends an AP's HLT; acknowledge it and return. */
	.globl ipi_stub
ipi_stub:
	pushq %rax
	movq lapic_eoi_addr(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq

exc_common:
	/* stack: vector, error code, RIP, CS, RFLAGS, RSP, SS */
	movq %rsp, %rdi
	andq $-16, %rsp
	call exc_handler
7:	cli
	hlt
	jmp 7b

	.section .rodata
msg_no_lm:
	.asciz "FAIL boot.long_mode CPU has no long mode\n"

/* ------------------------------------------------------------------ */
/* GDT shared by the BSP and the trampoline (the trampoline has a copy). */
	.section .data
	.balign 16
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF        /* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF        /* 0x10: data */
	.quad 0x00AF9A000000FFFF        /* 0x18: 64-bit code */
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt
	.globl kernel_gdt_ptr
	.set kernel_gdt_ptr, gdt_ptr

/* ------------------------------------------------------------------ */
/*
 * AP trampoline. Assembled here, run from TRAMP_BASE: every absolute
 * address is computed as TRAMP_BASE + (label - tramp_start).
 */
#define TR(x) (TRAMP_BASE + ((x) - tramp_start))

	.section .rodata.tramp, "a"
	.balign 4096
	.globl tramp_start, tramp_end
	.code16
tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	lgdtl TR(tr_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $SEL_CODE32, $TR(tr_pm32)

	.code32
tr_pm32:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	lock incl TR(tr_arrived)
	movl %cr4, %eax
	orl $(1 << 5), %eax
	movl %eax, %cr4
	movl TR(tr_cr3), %eax           /* firmware page tables, below 4 GiB */
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000000, %eax
	movl %eax, %cr0
	ljmp $SEL_CODE64, $TR(tr_lm64)

	.code64
tr_lm64:
	movw $SEL_DATA, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	/* one firmware stack per AP, handed out in arrival order */
	movl $1, %eax
	lock xaddl %eax, TR(tr_next_stack)
	movl %eax, %edi                 /* arrival index */
	incl %eax
	imull $AP_STACK_SIZE, %eax
	addq TR(tr_stack_base), %rax
	movq %rax, %rsp
	movq TR(tr_entry), %rax
	call *%rax                      /* fw_ap_main(index); never returns */
8:	cli
	hlt
	jmp 8b

	.balign 16
tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF
	.quad 0x00CF92000000FFFF
	.quad 0x00AF9A000000FFFF
tr_gdt_ptr:
	.word 31
	.long TR(tr_gdt)
	.balign 8
	.globl tramp_data
tramp_data:                             /* layout: struct tramp_data */
tr_cr3:         .quad 0
tr_stack_base:  .quad 0
tr_entry:       .quad 0
tr_next_stack:  .long 0
tr_arrived:     .long 0
tramp_end:

/* ------------------------------------------------------------------ */
/*
 * OS-side AP entry: the wakeup vector given to the mailbox. Entered in
 * long mode on the firmware page tables, interrupts off, no usable stack.
 * It must fit in one page (apboot spec), so it gets a page of its own.
 */
	.section .text.apentry, "ax"
	.balign 4096
	.globl ap_os_entry
ap_os_entry:
	movq os_ap_cr3(%rip), %rax
	movq %rax, %cr3                 /* leave the firmware page tables */
	lgdt kernel_gdt_ptr(%rip)
	movl $1, %eax
	lock xaddl %eax, os_ap_next(%rip)
	movl %eax, %edi                 /* OS-side arrival index */
	incl %eax
	imull $AP_STACK_SIZE, %eax
	leaq os_ap_stacks(%rip), %rsp
	addq %rax, %rsp
	call os_ap_main
9:	cli
	hlt
	jmp 9b
	.balign 4096

/* ------------------------------------------------------------------ */
	.section .bss
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096 * KERNEL_MAP_GIB
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:
