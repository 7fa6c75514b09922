/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file apboot.h
 * @brief Application-processor bring-up: MADT parser, ACPI multiprocessor
 *        wakeup mailbox driver (OS side) and a firmware-side model.
 *
 * In a TDX guest the boot processor cannot send INIT-SIPI. It wakes each AP
 * by writing the AP's APIC ID and a wakeup vector into a 4 KiB firmware
 * mailbox (MADT structure type 0x10) and setting Command = 1; the parked AP
 * acknowledges by clearing Command.
 *
 * - Parser: tdxc_apboot_madt_parse() validates an untrusted MADT and lists
 *   the processors with the Linux "usable" rules; tdxc_apboot_madt_next()
 *   walks every interrupt-controller structure.
 * - Driver: tdxc_apboot_mb_init() over caller storage, then
 *   tdxc_apboot_mb_wake() / tdxc_apboot_mb_test() / tdxc_apboot_mb_poll().
 *   The mailbox page is shared with concurrently running firmware: every
 *   access is an __atomic operation (see tdxc_apboot_mb_wake() for the
 *   orderings).
 * - Firmware model: tdxc_apboot_fw_init() / tdxc_apboot_fw_step(), one
 *   simulated parked AP per object, with switches that reproduce the
 *   behaviour of real firmware (OVMF/TDVF, td-shim).
 *
 * Nothing here allocates, sleeps or uses global state. All objects live in
 * caller memory; locking is the caller's (one driver object is used by one
 * thread at a time), except the mailbox page itself, which the driver and
 * any number of firmware-model objects may touch concurrently.
 */
#ifndef TDXCORE_APBOOT_H
#define TDXCORE_APBOOT_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ====================================================================== */
/* MADT parser                                                             */
/* ====================================================================== */

/** MADT header size; interrupt-controller structures start here. */
#define TDXC_APBOOT_MADT_HEADER_SIZE 44u
/** Limit on processor (type 0 and 9) entries in one table. */
#define TDXC_APBOOT_MAX_CPU_ENTRIES 16384u

/** MADT structure types the parser decodes. */
#define TDXC_APBOOT_T_LAPIC 0x00u          /**< Processor Local APIC */
#define TDXC_APBOOT_T_IOAPIC 0x01u         /**< I/O APIC */
#define TDXC_APBOOT_T_ISO 0x02u            /**< Interrupt Source Override */
#define TDXC_APBOOT_T_NMI_SOURCE 0x03u     /**< NMI Source */
#define TDXC_APBOOT_T_LAPIC_NMI 0x04u      /**< Local APIC NMI */
#define TDXC_APBOOT_T_LAPIC_OVERRIDE 0x05u /**< Local APIC Address Override */
#define TDXC_APBOOT_T_X2APIC 0x09u         /**< Processor Local x2APIC */
#define TDXC_APBOOT_T_X2APIC_NMI 0x0Au     /**< Local x2APIC NMI */
#define TDXC_APBOOT_T_MP_WAKEUP 0x10u      /**< Multiprocessor Wakeup */

/** Processor flags (types 0 and 9). */
#define TDXC_APBOOT_CPU_F_ENABLED 0x1u        /**< usable at boot */
#define TDXC_APBOOT_CPU_F_ONLINE_CAPABLE 0x2u /**< hot-pluggable (rev >= 5) */

/** Placeholder APIC IDs (ignored, as Linux does). */
#define TDXC_APBOOT_LAPIC_ID_INVALID 0xFFu /**< placeholder xAPIC ID in a type-0 entry */
#define TDXC_APBOOT_X2APIC_ID_INVALID 0xFFFFFFFFu /**< placeholder x2APIC ID in a type-9 entry */
/** Firmware-only broadcast APIC ID (never sent by the OS). */
#define TDXC_APBOOT_APIC_ID_BROADCAST 0xFFFFFFFEu

/**
 * Named problems that make a table invalid. Each maps to one TDXC_E* code
 * (tdxc_apboot_problem_err()) and has a stable snake_case name
 * (tdxc_apboot_problem_str()) that tools print. Values are ABI: append only.
 */
enum tdxc_apboot_problem {
	TDXC_APBOOT_P_NONE = 0,                 /**< "none" */
	TDXC_APBOOT_P_BUFFER_TOO_SMALL = 1,     /**< buffer < 44 bytes (ETRUNC) */
	TDXC_APBOOT_P_BAD_SIGNATURE = 2,        /**< not "APIC" (EBADSIG) */
	TDXC_APBOOT_P_HEADER_LENGTH_TOO_SMALL = 3, /**< Length < 44 (EMALFORMED) */
	TDXC_APBOOT_P_HEADER_LENGTH_GT_BUFFER = 4, /**< Length > buffer (ETRUNC) */
	TDXC_APBOOT_P_BAD_CHECKSUM = 5,         /**< bytes do not sum to 0 (ECHECKSUM) */
	TDXC_APBOOT_P_ENTRY_HEADER_TRUNCATED = 6, /**< 1 byte left for type/length (EMALFORMED) */
	TDXC_APBOOT_P_ENTRY_LENGTH_TOO_SMALL = 7, /**< structure length 0 or 1 (EMALFORMED) */
	TDXC_APBOOT_P_ENTRY_OVERRUNS_TABLE = 8, /**< structure past Length (EMALFORMED) */
	TDXC_APBOOT_P_LAPIC_TOO_SHORT = 9,      /**< type 0 length < 8 (EMALFORMED) */
	TDXC_APBOOT_P_IOAPIC_TOO_SHORT = 10,    /**< type 1 length < 12 (EMALFORMED) */
	TDXC_APBOOT_P_ISO_TOO_SHORT = 11,       /**< type 2 length < 10 (EMALFORMED) */
	TDXC_APBOOT_P_NMI_SOURCE_TOO_SHORT = 12, /**< type 3 length < 8 (EMALFORMED) */
	TDXC_APBOOT_P_LAPIC_NMI_TOO_SHORT = 13, /**< type 4 length < 6 (EMALFORMED) */
	TDXC_APBOOT_P_LAPIC_OVERRIDE_TOO_SHORT = 14, /**< type 5 length < 12 (EMALFORMED) */
	TDXC_APBOOT_P_X2APIC_TOO_SHORT = 15,    /**< type 9 length < 16 (EMALFORMED) */
	TDXC_APBOOT_P_X2APIC_NMI_TOO_SHORT = 16, /**< type 0xA length < 12 (EMALFORMED) */
	TDXC_APBOOT_P_WAKEUP_TOO_SHORT = 17,    /**< type 0x10 length < 16 (EMALFORMED) */
	TDXC_APBOOT_P_MAILBOX_ZERO = 18,        /**< MailboxAddress 0 (EINVAL) */
	TDXC_APBOOT_P_MAILBOX_NOT_4K_ALIGNED = 19, /**< MailboxAddress % 4096 (EALIGN) */
	TDXC_APBOOT_P_TOO_MANY_CPUS = 20,       /**< > TDXC_APBOOT_MAX_CPU_ENTRIES (E2BIG) */
	TDXC_APBOOT_P_COUNT_ = 21               /**< number of values (not a problem) */
};

/**
 * Named warnings: the table is accepted, but something is unusual. Bit
 * (1 << value) of a warnings mask. Values are ABI: append only.
 */
enum tdxc_apboot_warning {
	TDXC_APBOOT_W_CHECKSUM_IGNORED = 0,   /**< bad checksum, downgraded by flag */
	TDXC_APBOOT_W_SECOND_WAKEUP = 1,      /**< more than one 0x10 structure; first used */
	TDXC_APBOOT_W_WAKEUP_VERSION_RESERVED = 2, /**< MailboxVersion >= 2 */
	TDXC_APBOOT_W_WAKEUP_RESERVED_NONZERO = 3, /**< wakeup Reserved field != 0 */
	TDXC_APBOOT_W_WAKEUP_V1_NO_RESET_VECTOR = 4, /**< version >= 1 but length < 24 */
	TDXC_APBOOT_W_ENABLED_AND_ONLINE_CAPABLE = 5, /**< both flags (reserved combination) */
	TDXC_APBOOT_W_DUPLICATE_APIC_ID = 6,  /**< an APIC ID listed twice (counted once) */
	TDXC_APBOOT_W_NO_USABLE_CPU = 7,      /**< no processor entry is usable */
	TDXC_APBOOT_W_COUNT_ = 8              /**< number of values (not a warning) */
};

/** Flags of tdxc_apboot_madt_parse(). */
#define TDXC_APBOOT_PARSE_CHECKSUM_WARN 0x1u /**< bad checksum: warning, not error */
/**
 * Revision < 5 tables: disabled processor entries are hot-plug candidates
 * (usable). Linux applies this legacy reading only under a hypervisor
 * (e.g. QEMU lists possible-but-absent CPUs as disabled entries).
 */
#define TDXC_APBOOT_PARSE_LEGACY_HOTPLUG 0x2u
/** On a table error, still fill @c madt and @c cpus with what was found. */
#define TDXC_APBOOT_PARSE_PARTIAL 0x4u
#define TDXC_APBOOT_PARSE_ALL_ 0x7u /**< every known parse flag */

/** Why a processor entry is or is not usable. */
enum tdxc_apboot_cpu_status {
	TDXC_APBOOT_CPU_ENABLED = 0,    /**< usable and enabled at boot */
	TDXC_APBOOT_CPU_HOTPLUG = 1,    /**< usable, not enabled: may come online later */
	TDXC_APBOOT_CPU_DISABLED = 2,   /**< not enabled and not hot-pluggable */
	TDXC_APBOOT_CPU_PLACEHOLDER = 3, /**< APIC ID 0xFF / 0xFFFFFFFF: ignored */
	TDXC_APBOOT_CPU_SHADOWED = 4,   /**< x2APIC ID < 0xFF with valid LAPIC entries: ignored */
	TDXC_APBOOT_CPU_DUPLICATE = 5   /**< APIC ID already counted by an earlier entry */
};

/**
 * One processor entry (type 0 or 9), in table order. The list holds every
 * entry, including the ignored ones; @c status says why.
 */
struct tdxc_apboot_cpu {
	uint32_t apic_id;       /**< APIC ID (8-bit for LAPIC entries) */
	uint32_t uid;           /**< ACPI Processor UID */
	uint32_t flags;         /**< raw MADT processor flags */
	uint32_t offset;        /**< offset of the structure in the table */
	uint8_t x2apic;         /**< 1: type 9 entry, 0: type 0 */
	uint8_t enabled;        /**< flags bit 0 */
	uint8_t online_capable; /**< flags bit 1 */
	uint8_t usable;         /**< counted as a CPU (status ENABLED or HOTPLUG) */
	uint8_t status;         /**< enum tdxc_apboot_cpu_status */
	uint8_t reserved[3];    /**< zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_cpu) == 24, apboot_cpu_size);

/** The Multiprocessor Wakeup structure (first one in the table). */
struct tdxc_apboot_wakeup {
	uint8_t present;            /**< 1 if the table has a 0x10 structure */
	uint8_t length;             /**< its Length field */
	uint16_t version;           /**< MailboxVersion */
	uint8_t reset_vector_valid; /**< version >= 1 and length >= 24 */
	uint8_t reserved0[3];       /**< zero */
	uint32_t offset;            /**< offset of the structure in the table */
	uint32_t reserved_field;    /**< the structure's own Reserved field (should be 0) */
	uint64_t mailbox;           /**< MailboxAddress (physical) */
	uint64_t reset_vector;      /**< ResetVector, 0 unless reset_vector_valid */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_wakeup) == 32, apboot_wakeup_size);

/** Facts of a parsed MADT. */
struct tdxc_apboot_madt {
	uint32_t length;          /**< header Length */
	uint8_t revision;         /**< header Revision */
	uint8_t checksum;         /**< header Checksum byte */
	uint8_t reserved0[2];     /**< zero */
	char oem_id[6];           /**< not NUL-terminated */
	char oem_table_id[8];     /**< not NUL-terminated */
	uint8_t reserved1[2];     /**< zero */
	uint32_t oem_revision;    /**< OEM Revision */
	uint32_t creator_id;      /**< Creator ID */
	uint32_t creator_revision; /**< Creator Revision */
	uint32_t flags;           /**< MADT flags (bit 0 PCAT_COMPAT) */
	uint64_t lapic_address;   /**< LAPIC base, after any type-5 override */
	uint32_t lapic_address_overridden; /**< 1 if a type-5 structure was seen */
	uint32_t n_cpu_entries;   /**< processor entries (types 0 and 9) */
	uint32_t n_usable;        /**< usable CPUs (ENABLED + HOTPLUG) */
	uint32_t n_enabled;       /**< usable and enabled at boot */
	uint32_t n_ioapic;        /**< type 1 structures */
	uint32_t n_iso;           /**< type 2 structures */
	uint32_t n_nmi_source;    /**< type 3 structures */
	uint32_t n_lapic_nmi;     /**< type 4 + type 0xA structures */
	uint32_t n_wakeup;        /**< type 0x10 structures */
	uint32_t n_other;         /**< structures skipped by length */
	uint64_t warnings;        /**< bit (1 << enum tdxc_apboot_warning) each */
	struct tdxc_apboot_wakeup wakeup; /**< the first wakeup structure */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_madt) == 128, apboot_madt_size);

/** Diagnostics of one parse; written whenever given (success or not). */
struct tdxc_apboot_diag {
	uint64_t errors;        /**< bit (1 << enum tdxc_apboot_problem) for each problem */
	uint64_t warnings;      /**< bit (1 << enum tdxc_apboot_warning) each */
	uint32_t first_problem; /**< the problem behind the return value, or NONE */
	uint32_t offset;        /**< table offset where it was found */
	uint32_t cpus_needed;   /**< processor entries in the table (for ENOSPC) */
	uint32_t reserved;      /**< zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_diag) == 32, apboot_diag_size);

/**
 * Parse and validate a MADT held in a caller buffer.
 *
 * The buffer is untrusted: every byte read is bounds-checked against both
 * the header Length and @p len, and the table is read with explicit
 * little-endian loads. Checks, in order: header (buffer >= 44, signature,
 * 44 <= Length <= len), checksum, then each structure (2 bytes for
 * type/length, length >= 2, inside Length, known types at least their
 * minimum length), wakeup structure (mailbox != 0 and 4 KiB aligned).
 * Structural problems stop the walk; checksum and mailbox problems do not
 * (so a PARTIAL parse still reports the CPUs and the wakeup fields).
 *
 * Processor rules (Linux, arch/x86/kernel/acpi/boot.c): APIC ID 0xFF
 * (LAPIC) and 0xFFFFFFFF (x2APIC) are placeholders; x2APIC IDs < 0xFF are
 * ignored when some LAPIC entry has a valid ID and is usable; an entry is
 * usable when Enabled, or (revision >= 5) Online Capable, or (revision < 5
 * with TDXC_APBOOT_PARSE_LEGACY_HOTPLUG) disabled; an APIC ID counts once.
 * APIC IDs are never assumed equal to CPU indices.
 *
 * @param buf       the table (at least @p len readable bytes).
 * @param len       bytes in @p buf (trailing bytes past Length are ignored).
 * @param flags     TDXC_APBOOT_PARSE_* bits.
 * @param madt      receives the table facts (may be NULL).
 * @param cpus      receives every processor entry in table order (may be
 *                  NULL when @p max_cpus is 0: count only).
 * @param max_cpus  capacity of @p cpus.
 * @param diag      receives the named problems and warnings (may be NULL).
 * @return the number of processor entries (>= 0) on success, or
 *   - TDXC_EINVAL   @p buf NULL, or @p cpus NULL with @p max_cpus != 0;
 *                   or the table has MailboxAddress 0 (P_MAILBOX_ZERO);
 *   - TDXC_EFLAGS   unknown bits in @p flags;
 *   - TDXC_ETRUNC   buffer shorter than the header or than Length;
 *   - TDXC_EBADSIG  signature is not "APIC";
 *   - TDXC_ECHECKSUM checksum mismatch (unless CHECKSUM_WARN);
 *   - TDXC_EMALFORMED header Length < 44, or a bad structure;
 *   - TDXC_EALIGN   mailbox not 4 KiB aligned;
 *   - TDXC_E2BIG    more than TDXC_APBOOT_MAX_CPU_ENTRIES processor entries;
 *   - TDXC_ENOSPC   the table is valid but @p max_cpus is too small
 *                   (@c diag->cpus_needed tells how many are needed).
 * On any error @p madt and @p cpus are left untouched, unless
 * TDXC_APBOOT_PARSE_PARTIAL is given: then they receive what was found
 * (at most @p max_cpus entries) and the error is still returned. The
 * problem behind a table error is @c diag->first_problem.
 *
 * Pure function: no state, safe from any context, never sleeps.
 */
TDXC_API int tdxc_apboot_madt_parse(const void *buf, size_t len, uint32_t flags,
				    struct tdxc_apboot_madt *madt,
				    struct tdxc_apboot_cpu *cpus,
				    uint32_t max_cpus,
				    struct tdxc_apboot_diag *diag);

/**
 * One interrupt-controller structure, decoded by type. Fields a type does
 * not have are 0.
 *
 * | type | id | uid | flags | gsi | address | small fields |
 * |---|---|---|---|---|---|---|
 * | 0 LAPIC | APIC ID | UID | flags | | | |
 * | 1 IOAPIC | I/O APIC ID | | | GSI base | address | |
 * | 2 ISO | | | MPS INTI flags | GSI | | bus, source_irq |
 * | 3 NMI source | | | flags | GSI | | |
 * | 4 LAPIC NMI | | UID (0xFF all) | flags | | | lint |
 * | 5 override | | | | | 64-bit LAPIC address | |
 * | 9 x2APIC | x2APIC ID | UID | flags | | | |
 * | 0xA x2APIC NMI | | UID (0xFFFFFFFF all) | flags | | | lint |
 * | 0x10 wakeup | MailboxVersion | Reserved | | | mailbox | reset_vector |
 */
struct tdxc_apboot_entry {
	uint8_t type;        /**< structure type */
	uint8_t length;      /**< structure length */
	uint8_t bus;         /**< ISO bus */
	uint8_t source_irq;  /**< ISO source IRQ */
	uint8_t lint;        /**< NMI LINT# */
	uint8_t known;       /**< 1 if the type is decoded, 0 if skipped */
	uint8_t reserved0[2]; /**< zero */
	uint32_t offset;     /**< offset of the structure in the table */
	uint32_t id;         /**< see the table above */
	uint32_t uid;        /**< see the table above */
	uint32_t flags;      /**< see the table above */
	uint32_t gsi;        /**< see the table above */
	uint32_t reserved1;  /**< zero */
	uint64_t address;    /**< see the table above */
	uint64_t reset_vector; /**< wakeup: ResetVector when length >= 24 */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_entry) == 48, apboot_entry_size);

/**
 * Walk the structures of a MADT one at a time (for tools that list every
 * controller). Checks the header framing (buffer >= 44, signature,
 * 44 <= Length <= len) and each structure's bounds and minimum length, but
 * not the checksum or the processor rules.
 *
 * @param buf    the table.
 * @param len    bytes readable at @p buf.
 * @param cursor in: 0 to start, then the value this call left; out: the
 *               offset of the next structure. Untouched on error.
 * @param entry  receives the decoded structure (untouched on error or end).
 * @return 1 with an entry, 0 at the end of the table, or
 *   - TDXC_EINVAL    NULL argument, or @p cursor not 0 and not inside the
 *                    structure area;
 *   - TDXC_ETRUNC    buffer shorter than the header or than Length;
 *   - TDXC_EBADSIG   signature is not "APIC";
 *   - TDXC_EMALFORMED Length < 44, or a bad structure at @p cursor.
 * Pure function, safe from any context.
 */
TDXC_API int tdxc_apboot_madt_next(const void *buf, size_t len,
				   uint32_t *cursor,
				   struct tdxc_apboot_entry *entry);

/**
 * Stable snake_case name of a problem ("bad_checksum"), for tools.
 * @return a static string, never NULL ("unknown" for unknown values).
 */
TDXC_API const char *tdxc_apboot_problem_str(uint32_t problem);

/**
 * The TDXC_E* code a problem is reported with.
 * @return a negative TDXC_E* value, 0 for TDXC_APBOOT_P_NONE, or
 *         TDXC_EINVAL for an unknown value.
 */
TDXC_API int tdxc_apboot_problem_err(uint32_t problem);

/**
 * Stable snake_case name of a warning ("second_wakeup_ignored").
 * @return a static string, never NULL ("unknown" for unknown values).
 */
TDXC_API const char *tdxc_apboot_warning_str(uint32_t warning);

/** Name of an enum tdxc_apboot_cpu_status ("enabled"); never NULL. */
TDXC_API const char *tdxc_apboot_cpu_status_str(uint32_t status);

/* ====================================================================== */
/* Mailbox layout and commands                                             */
/* ====================================================================== */

#define TDXC_APBOOT_MB_SIZE 4096u        /**< mailbox page size */
#define TDXC_APBOOT_MB_OFF_COMMAND 0u    /**< u16 Command */
#define TDXC_APBOOT_MB_OFF_RESERVED 2u   /**< u16 Reserved (must be 0) */
#define TDXC_APBOOT_MB_OFF_APIC_ID 4u    /**< u32 ApicId */
#define TDXC_APBOOT_MB_OFF_VECTOR 8u     /**< u64 WakeupVector */
#define TDXC_APBOOT_MB_OFF_FIRMWARE 2048u /**< firmware-reserved half */

#define TDXC_APBOOT_CMD_NOOP 0u   /**< idle / acknowledged */
#define TDXC_APBOOT_CMD_WAKEUP 1u /**< jump to WakeupVector */
#define TDXC_APBOOT_CMD_TEST 2u   /**< ACPI 6.6 Test (mailbox version >= 1) */

/* ====================================================================== */
/* OS-side mailbox driver                                                  */
/* ====================================================================== */

/** Opaque driver object, placed in caller storage by tdxc_apboot_mb_init(). */
struct tdxc_apboot_mb;

/** Driver flags (tdxc_apboot_mb_config.flags). */
/** The firmware reads WakeupVector as 64 bits: vectors >= 4 GiB allowed. */
#define TDXC_APBOOT_MB_VECTOR64 0x1u
#define TDXC_APBOOT_MB_ALL_ 0x1u /**< every known driver flag */

/** Driver configuration (input descriptor, size-versioned). */
struct tdxc_apboot_mb_config {
	uint32_t size;        /**< sizeof(struct tdxc_apboot_mb_config) */
	uint32_t flags;       /**< TDXC_APBOOT_MB_* */
	uint32_t bsp_apic_id; /**< APIC ID of the processor running the driver */
	uint32_t reserved;    /**< must be 0 */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_mb_config) == 16, apboot_mb_config_size);

/**
 * Relax hook, called between two polls of the mailbox.
 * @param ctx   the policy's @c ctx.
 * @param polls polls done so far in this wait (1, 2, ...).
 * @return 0 to keep waiting, non-zero to give up (e.g. the caller's clock
 *         expired): the wait then ends as a timeout.
 * It may pause, sleep or yield as the caller's context allows.
 */
typedef int (*tdxc_apboot_relax_fn)(void *ctx, uint64_t polls);

/** Wait for ever (Linux in a TD): only the relax hook can end the wait. */
#define TDXC_APBOOT_WAIT_FOREVER 0x1u
#define TDXC_APBOOT_WAIT_ALL_ 0x1u /**< every known wait flag */

/**
 * Timeout policy of one call (input descriptor, size-versioned). Bounded:
 * at most @c max_polls polls of Command (at least one). The relax hook
 * (NULL: the CPU's pause hint) runs between polls and may end the wait.
 */
struct tdxc_apboot_wait {
	uint32_t size;              /**< sizeof(struct tdxc_apboot_wait) */
	uint32_t flags;             /**< TDXC_APBOOT_WAIT_* */
	uint64_t max_polls;         /**< bound unless WAIT_FOREVER (0 counts as 1) */
	tdxc_apboot_relax_fn relax; /**< may be NULL */
	void *ctx;                  /**< passed to @c relax */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_wait) == 16 + 2 * sizeof(void *),
		   apboot_wait_size);

/** Per-AP driver state. */
enum tdxc_apboot_ap_state {
	TDXC_APBOOT_AP_NOT_WOKEN = 0, /**< never woken (or handed back and tested) */
	TDXC_APBOOT_AP_ACKED = 1,     /**< wakeup acknowledged */
	TDXC_APBOOT_AP_TIMED_OUT = 2  /**< wakeup sent, no ack yet (mailbox poisoned) */
};

/** Driver status, for tdxc_apboot_mb_status(). */
struct tdxc_apboot_mb_status {
	uint32_t expected;  /**< usable, enabled, non-BSP APs */
	uint32_t acked;     /**< of those, acknowledged */
	uint32_t timed_out; /**< APs whose wakeup is still unacknowledged */
	uint32_t poisoned;  /**< 1 while a timed-out command may still be consumed */
	uint32_t pending_apic_id; /**< APIC ID of that command (if poisoned) */
	uint32_t pending_command; /**< its command (if poisoned) */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_mb_status) == 24, apboot_mb_status_size);

/**
 * Bytes of storage a driver object needs for @p n_cpus processor entries.
 * @return the size, or 0 if @p n_cpus exceeds TDXC_APBOOT_MAX_CPU_ENTRIES.
 */
TDXC_API size_t tdxc_apboot_mb_storage_size(uint32_t n_cpus);

/**
 * Create a driver object in caller storage (8-byte aligned).
 *
 * @param storage  caller memory; owned by the object until it is dropped
 *                 (there is no destructor: simply stop using it).
 * @param len      bytes at @p storage (tdxc_apboot_mb_storage_size()).
 * @param mailbox  the mailbox page, already mapped by the caller (in a TD
 *                 as a private mapping), 8-byte aligned, 4096 bytes; it is
 *                 not read or written here.
 * @param madt     a table parsed successfully by tdxc_apboot_madt_parse().
 * @param cpus     its processor entries; copied, not referenced later.
 * @param n_cpus   entries in @p cpus.
 * @param cfg      configuration (size-versioned).
 * @param out      receives the object pointer (inside @p storage).
 * @return 0, or
 *   - TDXC_EINVAL    a NULL pointer (@p cpus may be NULL if @p n_cpus is 0);
 *   - TDXC_ESIZE / TDXC_ERESERVED  bad @p cfg size or non-zero reserved;
 *   - TDXC_EFLAGS    unknown @c cfg->flags bits;
 *   - TDXC_EALIGN    @p storage or @p mailbox not 8-byte aligned;
 *   - TDXC_ENOSPC    @p len too small;
 *   - TDXC_E2BIG     @p n_cpus above TDXC_APBOOT_MAX_CPU_ENTRIES;
 *   - TDXC_ENOENT    the table has no wakeup structure, or the BSP's APIC
 *                    ID is not a usable processor of the table;
 *   - TDXC_EINVAL    the wakeup mailbox address is 0 or a processor entry
 *                    has an invalid status value;
 *   - TDXC_EALIGN    the wakeup mailbox address is not 4 KiB aligned.
 * On error @p storage and @p out are untouched. Never sleeps.
 */
TDXC_API int tdxc_apboot_mb_init(void *storage, size_t len, void *mailbox,
				 const struct tdxc_apboot_madt *madt,
				 const struct tdxc_apboot_cpu *cpus,
				 uint32_t n_cpus,
				 const struct tdxc_apboot_mb_config *cfg,
				 struct tdxc_apboot_mb **out);

/**
 * Wake one AP through the mailbox.
 *
 * Before any mailbox access the target is validated against the MADT. Then:
 * wait (per @p wait) until an acquire load of Command reads 0; relaxed
 * stores of Reserved = 0, ApicId, WakeupVector; a release store of
 * Command = 1; poll Command with acquire loads until it reads 0, calling
 * the relax hook between polls. ApicId is never read back (firmware's ack
 * may zero it); the driver never writes Command = 0 itself.
 *
 * @param mb      the driver object.
 * @param apic_id the target's APIC ID (from the MADT, not a CPU index).
 * @param vector  physical wakeup vector; below 4 GiB unless the object has
 *                TDXC_APBOOT_MB_VECTOR64. The vector page must stay intact
 *                until the ack (for ever after a timeout).
 * @param wait    timeout policy; NULL waits for ever.
 * @return 0 when the AP acknowledged, or
 *   - TDXC_EINVAL   NULL @p mb, or @p apic_id is the broadcast ID;
 *   - TDXC_ESIZE / TDXC_ERESERVED / TDXC_EFLAGS  bad @p wait descriptor;
 *   - TDXC_EPOISONED an earlier command timed out and the mailbox has not
 *                   been seen idle since (tdxc_apboot_mb_poll());
 *   - TDXC_ENOENT   @p apic_id is not in the MADT;
 *   - TDXC_ENOTUSABLE listed but not usable (disabled, placeholder,
 *                   shadowed x2APIC entry);
 *   - TDXC_EPERM    @p apic_id is the BSP;
 *   - TDXC_EALREADY already woken (acknowledged or timed out);
 *   - TDXC_ERANGE   @p vector >= 4 GiB without TDXC_APBOOT_MB_VECTOR64;
 *   - TDXC_EBUSY    Command did not read 0 before sending (nothing written);
 *   - TDXC_ETIMEDOUT sent, but no ack within the policy: the AP is marked
 *                   timed out and the object refuses every command with
 *                   TDXC_EPOISONED until the mailbox is seen idle.
 * Only the ETIMEDOUT and success paths change the object or the mailbox.
 * Context: may spin for as long as @p wait allows; not reentrant per object.
 */
TDXC_API int tdxc_apboot_mb_wake(struct tdxc_apboot_mb *mb, uint32_t apic_id,
				 uint64_t vector,
				 const struct tdxc_apboot_wait *wait);

/**
 * Send the ACPI 6.6 Test command (2) to one AP and wait for its ack. An AP
 * handed back to firmware through ResetVector that answers Test may be
 * woken again: a woken AP that acknowledges returns to NOT_WOKEN.
 *
 * @param mb the driver object.
 * @param apic_id the target's APIC ID (from the MADT, not a CPU index).
 * @param wait timeout policy; NULL means a bounded 1,000,000 polls (Linux
 *             waits 1 s in 1 us steps; the relax hook sets the pace).
 * @return 0 when acknowledged, or the errors of tdxc_apboot_mb_wake()
 *   (except TDXC_EALREADY and TDXC_ERANGE), plus
 *   - TDXC_ENOTSUP  the mailbox version is 0 (no Test command).
 * A timeout poisons the object as for tdxc_apboot_mb_wake(); the AP's
 * state does not change.
 */
TDXC_API int tdxc_apboot_mb_test(struct tdxc_apboot_mb *mb, uint32_t apic_id,
				 const struct tdxc_apboot_wait *wait);

/**
 * Look at the mailbox once (acquire load of Command).
 * @return 0 if Command reads 0: a poisoned object is cleared, and the AP of
 *         the timed-out wakeup is marked acknowledged (late);
 *   - TDXC_EINVAL     NULL @p mb;
 *   - TDXC_EPOISONED  still poisoned (the timed-out command is pending);
 *   - TDXC_EBUSY      not poisoned, but Command is not 0 (e.g. an unknown
 *                     command left by someone else).
 * Never sleeps; one load.
 */
TDXC_API int tdxc_apboot_mb_poll(struct tdxc_apboot_mb *mb);

/**
 * State of one AP.
 * @return an enum tdxc_apboot_ap_state value (>= 0), or TDXC_EINVAL (NULL
 *         @p mb, or the broadcast ID), TDXC_ENOENT (not in the MADT), TDXC_ENOTUSABLE (listed,
 *         not usable), TDXC_EPERM (the BSP).
 */
TDXC_API int tdxc_apboot_mb_ap_state(const struct tdxc_apboot_mb *mb,
				     uint32_t apic_id);

/**
 * Counters of the driver object.
 * @return 0, or TDXC_EINVAL for a NULL argument.
 */
TDXC_API int tdxc_apboot_mb_status(const struct tdxc_apboot_mb *mb,
				   struct tdxc_apboot_mb_status *st);

/**
 * Have all expected APs (usable, enabled, non-BSP) acknowledged, with no
 * command pending? Only then may firmware-held memory (the AP page tables,
 * the wakeup code) be released.
 * @return 1 yes, 0 no, TDXC_EINVAL for a NULL @p mb.
 */
TDXC_API int tdxc_apboot_mb_all_acked(const struct tdxc_apboot_mb *mb);

/** Name of an enum tdxc_apboot_ap_state ("acked"); never NULL. */
TDXC_API const char *tdxc_apboot_ap_state_str(uint32_t state);

/* ====================================================================== */
/* Firmware-side model (one parked AP)                                     */
/* ====================================================================== */

/** Quirks of the firmware model (tdxc_apboot_fw_config.quirks). */
#define TDXC_APBOOT_FW_CMD32 0x01u        /**< read Command as 32 bits incl. Reserved (OVMF) */
#define TDXC_APBOOT_FW_VECTOR32 0x02u     /**< read WakeupVector as 32 bits (td-shim) */
#define TDXC_APBOOT_FW_APICID_FIRST 0x04u /**< check ApicId before Command (td-shim) */
#define TDXC_APBOOT_FW_ACK16 0x08u        /**< ack by clearing Command only (default: 64-bit zero of bytes 0..7) */
#define TDXC_APBOOT_FW_NO_TEST 0x10u      /**< Test command not supported (treated as unknown) */
#define TDXC_APBOOT_FW_NEVER_ACK 0x20u    /**< see own commands, never acknowledge */
#define TDXC_APBOOT_FW_IGNORE_UNKNOWN 0x40u /**< unknown commands left set (default: cleared) */
#define TDXC_APBOOT_FW_ALL_ 0x7Fu         /**< every known quirk */
/** OVMF/TDVF ApRunLoop.nasm. */
#define TDXC_APBOOT_FW_PRESET_OVMF (TDXC_APBOOT_FW_CMD32 | TDXC_APBOOT_FW_IGNORE_UNKNOWN)
/** td-shim ap_loop.asm. */
#define TDXC_APBOOT_FW_PRESET_TDSHIM                                          \
	(TDXC_APBOOT_FW_CMD32 | TDXC_APBOOT_FW_VECTOR32 |                      \
	 TDXC_APBOOT_FW_APICID_FIRST | TDXC_APBOOT_FW_NO_TEST |               \
	 TDXC_APBOOT_FW_IGNORE_UNKNOWN)

/** Firmware model configuration (input descriptor, size-versioned). */
struct tdxc_apboot_fw_config {
	uint32_t size;      /**< sizeof(struct tdxc_apboot_fw_config) */
	uint32_t apic_id;   /**< own APIC ID (not 0xFFFFFFFF / 0xFFFFFFFE) */
	uint32_t quirks;    /**< TDXC_APBOOT_FW_* */
	uint32_t ack_delay; /**< steps that see an own command before the ack */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_fw_config) == 16, apboot_fw_config_size);

/** Firmware model object (opaque, caller memory). */
struct tdxc_apboot_fw {
	uint64_t opaque[4]; /**< private */
};

/** What one step of the model did. */
enum tdxc_apboot_fw_event_kind {
	TDXC_APBOOT_FW_EV_IDLE = 0,     /**< Command read 0 */
	TDXC_APBOOT_FW_EV_NOT_MINE = 1, /**< a command for another APIC ID */
	TDXC_APBOOT_FW_EV_WAITING = 2,  /**< own command seen, ack delayed (or never) */
	TDXC_APBOOT_FW_EV_IGNORED = 3,  /**< own unknown command, left set */
	TDXC_APBOOT_FW_EV_UNKNOWN_ACKED = 4, /**< own unknown command, cleared */
	TDXC_APBOOT_FW_EV_WAKEUP = 5,   /**< acknowledged and "jumped" to the vector */
	TDXC_APBOOT_FW_EV_TEST = 6      /**< Test acknowledged, still in the loop */
};

/** Event reported by tdxc_apboot_fw_step(). */
struct tdxc_apboot_fw_event {
	uint32_t kind;     /**< enum tdxc_apboot_fw_event_kind */
	uint32_t command;  /**< the command value as read (width per quirks) */
	uint32_t apic_id;  /**< the ApicId read (0 if not read) */
	uint32_t violation; /**< 1: own command seen with Reserved != 0 */
	uint64_t vector;   /**< WAKEUP: the vector as read (width per quirks) */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_apboot_fw_event) == 24, apboot_fw_event_size);

/**
 * Initialise a firmware model: an AP parked in the mailbox loop.
 * @return 0, or TDXC_EINVAL (NULL argument, or apic_id is the broadcast or
 *         invalid ID), TDXC_ESIZE / TDXC_ERESERVED (bad @c size),
 *         TDXC_EFLAGS (unknown quirk bits). @p fw untouched on error.
 */
TDXC_API int tdxc_apboot_fw_init(struct tdxc_apboot_fw *fw,
				 const struct tdxc_apboot_fw_config *cfg);

/**
 * One iteration of the parked-AP loop over the shared mailbox page:
 * read Command (and ApicId, in the configured order) with acquire loads,
 * match the own or the broadcast APIC ID, read the vector, acknowledge with
 * a release store (64-bit zero of bytes 0..7, or Command only), report.
 *
 * @param fw the firmware model of one parked AP.
 * @param mailbox the 4 KiB page, 8-byte aligned (may be written by the
 *                driver concurrently).
 * @param ev      receives what happened.
 * @return 0, or TDXC_EINVAL (NULL argument, misaligned @p mailbox),
 *         TDXC_ESTATE (this AP already jumped to a wakeup vector: call
 *         tdxc_apboot_fw_reset() to hand it back first).
 * Never blocks; safe to run in another thread than the driver.
 */
TDXC_API int tdxc_apboot_fw_step(struct tdxc_apboot_fw *fw, void *mailbox,
				 struct tdxc_apboot_fw_event *ev);

/**
 * The OS handed this AP back to firmware through ResetVector: it is parked
 * in the loop again.
 * @return 0, or TDXC_EINVAL (NULL), TDXC_ESTATE (the AP had not jumped).
 */
TDXC_API int tdxc_apboot_fw_reset(struct tdxc_apboot_fw *fw);

/** Has this AP jumped to a wakeup vector? 1 yes, 0 no, TDXC_EINVAL (NULL). */
TDXC_API int tdxc_apboot_fw_jumped(const struct tdxc_apboot_fw *fw);

/** Name of an enum tdxc_apboot_fw_event_kind ("wakeup"); never NULL. */
TDXC_API const char *tdxc_apboot_fw_event_str(uint32_t kind);

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_APBOOT_H */
