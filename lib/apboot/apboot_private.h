/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private definitions of the apboot module: the driver object layout and
 * the atomic accessors of the shared mailbox page.
 */
#ifndef TDXC_LIB_APBOOT_PRIVATE_H
#define TDXC_LIB_APBOOT_PRIVATE_H

#include "internal.h"
#include <tdxcore/apboot.h>

/* One processor entry as the driver keeps it. */
struct tdxc__apboot_ap {
	uint32_t apic_id;
	uint8_t status; /* enum tdxc_apboot_cpu_status */
	uint8_t state;  /* enum tdxc_apboot_ap_state */
	uint8_t reserved[2];
};

#define TDXC__APBOOT_MB_MAGIC 0x4d424f58u /* "MBOX" */

struct tdxc_apboot_mb {
	uint32_t magic;
	uint32_t flags;
	uint32_t bsp_apic_id;
	uint32_t n_aps;
	uint32_t expected;
	uint32_t acked;
	uint32_t timed_out;
	uint32_t pending_index;
	uint16_t version;
	uint8_t poisoned;
	uint8_t pending_command;
	uint32_t reserved;
	uint8_t *page;
	struct tdxc__apboot_ap aps[];
};

/*
 * The mailbox is little-endian shared memory, accessed only with __atomic
 * operations on naturally aligned fields (the page is 8-byte aligned).
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define TDXC__MB_LE16(v) __builtin_bswap16(v)
#define TDXC__MB_LE32(v) __builtin_bswap32(v)
#define TDXC__MB_LE64(v) __builtin_bswap64(v)
#else
#define TDXC__MB_LE16(v) (v)
#define TDXC__MB_LE32(v) (v)
#define TDXC__MB_LE64(v) (v)
#endif

static inline uint16_t tdxc__mb_load16(const uint8_t *page, uint32_t off,
				       int order)
{
	uint16_t v = __atomic_load_n((const uint16_t *)(const void *)(page + off),
				     order);
	return (uint16_t)TDXC__MB_LE16(v);
}

static inline uint32_t tdxc__mb_load32(const uint8_t *page, uint32_t off,
				       int order)
{
	uint32_t v = __atomic_load_n((const uint32_t *)(const void *)(page + off),
				     order);
	return (uint32_t)TDXC__MB_LE32(v);
}

static inline uint64_t tdxc__mb_load64(const uint8_t *page, uint32_t off,
				       int order)
{
	uint64_t v = __atomic_load_n((const uint64_t *)(const void *)(page + off),
				     order);
	return (uint64_t)TDXC__MB_LE64(v);
}

static inline void tdxc__mb_store16(uint8_t *page, uint32_t off, uint16_t v,
				    int order)
{
	__atomic_store_n((uint16_t *)(void *)(page + off),
			 (uint16_t)TDXC__MB_LE16(v), order);
}

static inline void tdxc__mb_store32(uint8_t *page, uint32_t off, uint32_t v,
				    int order)
{
	__atomic_store_n((uint32_t *)(void *)(page + off),
			 (uint32_t)TDXC__MB_LE32(v), order);
}

static inline void tdxc__mb_store64(uint8_t *page, uint32_t off, uint64_t v,
				    int order)
{
	__atomic_store_n((uint64_t *)(void *)(page + off),
			 (uint64_t)TDXC__MB_LE64(v), order);
}

/* The CPU's spin-wait hint (a compiler barrier elsewhere). */
static inline void tdxc__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif /* TDXC_LIB_APBOOT_PRIVATE_H */
