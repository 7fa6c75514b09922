/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file xsave.h
 * @brief XSAVE state layouts from CPUID leaf 0xD: standard and compacted
 *        sizes and offsets, validation of a reported table, and guest
 *        leaf 0xD synthesis for virtual machine monitors.
 *
 * Every computation walks components in ascending index order over a fixed
 * array indexed by component number (compacted offsets depend on that order
 * through the 64-byte alignment bit). Nothing here allocates, sleeps, takes
 * a lock or executes CPUID behind the caller's back: all functions except
 * the "host" and "file" helpers are pure and may be called from any context
 * (interrupt handlers included) on caller-owned memory. Objects are not
 * shared: concurrent calls on distinct output objects are safe.
 *
 * Functions write their output only on success; on any error the output
 * object is left exactly as it was. No recursion; stack use (x86_64, -O2)
 * is at most about 3.3 KiB (tdxc_xsave_synth_leaf), 2.3 KiB for
 * tdxc_xsave_validate and synthesis, 1.1 KiB for the parsers and table
 * builders, and under 600 bytes for the layout computations.
 */
#ifndef TDXCORE_XSAVE_H
#define TDXCORE_XSAVE_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Number of leaf-0xD subleaves / XSAVE component slots (0..63). */
#define TDXC_XSAVE_NCOMP 64u
/** Size of the legacy FXSAVE region at the start of every XSAVE area. */
#define TDXC_XSAVE_LEGACY_SIZE 512u
/** Size of the XSAVE header that follows the legacy region. */
#define TDXC_XSAVE_HEADER_SIZE 64u
/** Smallest XSAVE area (legacy region + header): 576 bytes. */
#define TDXC_XSAVE_MIN_SIZE 576u
/** XCOMP_BV bit 63: compacted-format flag, not a component. */
#define TDXC_XSAVE_XCOMP_COMPACTED (UINT64_C(1) << 63)
/** Components 0 and 1 (x87, SSE) live in the legacy region. */
#define TDXC_XSAVE_LEGACY_MASK UINT64_C(0x3)

/** @name Component numbers (bit positions in XCR0 / IA32_XSS)
 *  @{ */
#define TDXC_XSAVE_X87 0u /**< x87 FPU state (legacy region) */
#define TDXC_XSAVE_SSE 1u /**< SSE: XMM registers, MXCSR (legacy region) */
#define TDXC_XSAVE_AVX 2u /**< AVX: upper halves of YMM0-15 */
#define TDXC_XSAVE_BNDREGS 3u /**< MPX bound registers */
#define TDXC_XSAVE_BNDCSR 4u /**< MPX BNDCFGU and BNDSTATUS */
#define TDXC_XSAVE_OPMASK 5u /**< AVX-512 opmask registers k0-7 */
#define TDXC_XSAVE_ZMM_HI256 6u /**< AVX-512 upper halves of ZMM0-15 */
#define TDXC_XSAVE_HI16_ZMM 7u /**< AVX-512 ZMM16-31 */
#define TDXC_XSAVE_PT 8u /**< Processor Trace (supervisor) */
#define TDXC_XSAVE_PKRU 9u /**< protection-key rights register */
#define TDXC_XSAVE_PASID 10u /**< PASID (supervisor) */
#define TDXC_XSAVE_CET_U 11u /**< CET user state (supervisor-managed) */
#define TDXC_XSAVE_CET_S 12u /**< CET supervisor shadow-stack pointers (supervisor) */
#define TDXC_XSAVE_HDC 13u /**< hardware duty cycling (supervisor) */
#define TDXC_XSAVE_UINTR 14u /**< user interrupts (supervisor) */
#define TDXC_XSAVE_LBR 15u /**< architectural LBRs (supervisor) */
#define TDXC_XSAVE_HWP 16u /**< hardware P-states (supervisor) */
#define TDXC_XSAVE_XTILECFG 17u /**< AMX tile configuration */
#define TDXC_XSAVE_XTILEDATA 18u /**< AMX tile data (XFD-capable) */
#define TDXC_XSAVE_APX 19u /**< APX extended GPRs (reuses the MPX area) */
#define TDXC_XSAVE_LWP 62u /**< AMD lightweight profiling */
/** @} */

/** @name Subleaf 1 EAX capability bits
 *  @{ */
#define TDXC_XSAVE_CAP_XSAVEOPT (1u << 0) /**< XSAVEOPT */
#define TDXC_XSAVE_CAP_XSAVEC (1u << 1) /**< XSAVEC (compacted form) */
#define TDXC_XSAVE_CAP_XGETBV1 (1u << 2) /**< XGETBV with ECX = 1 */
#define TDXC_XSAVE_CAP_XSAVES (1u << 3) /**< XSAVES/XRSTORS and IA32_XSS */
#define TDXC_XSAVE_CAP_XFD (1u << 4) /**< extended feature disable */
#define TDXC_XSAVE_CAP_ALL 0x1fu /**< every bit above */
/** @} */

/** @name Subleaf i (i >= 2) ECX bits
 *  @{ */
#define TDXC_XSAVE_ECX_SUPERVISOR (1u << 0) /**< IA32_XSS-managed */
#define TDXC_XSAVE_ECX_ALIGN64 (1u << 1)    /**< compacted form only */
#define TDXC_XSAVE_ECX_XFD (1u << 2)        /**< XFD-capable (dynamic) */
#define TDXC_XSAVE_ECX_KNOWN 0x7u /**< every bit above */
/** @} */

/** The four registers returned by one CPUID query. */
struct tdxc_xsave_regs {
	uint32_t eax; /**< EAX */
	uint32_t ebx; /**< EBX */
	uint32_t ecx; /**< ECX */
	uint32_t edx; /**< EDX */
};

/** One leaf-0xD subleaf as a caller supplies it (any order). */
struct tdxc_xsave_subleaf {
	uint32_t subleaf; /**< 0..63 */
	uint32_t eax; /**< EAX */
	uint32_t ebx; /**< EBX */
	uint32_t ecx; /**< ECX */
	uint32_t edx; /**< EDX */
};

/**
 * A complete leaf-0xD table, as reported by a CPU or a hypervisor.
 * Filled by the tdxc_xsave_info_from_*() and parse functions; callers may
 * also fill or edit it directly (every function re-checks what it uses).
 * It is a plain value: copy it freely.
 */
struct tdxc_xsave_info {
	uint64_t xcr0_supported; /**< subleaf 0 EDX:EAX */
	uint64_t xss_supported;  /**< subleaf 1 EDX:ECX */
	/** Bit i set: subleaf i was supplied (bits 0 and 1 are always set).
	 *  Distinguishes a missing subleaf from an all-zero one. */
	uint64_t present;
	uint32_t sl0_ebx; /**< standard size for the XCR0 loaded when read */
	uint32_t sl0_ecx; /**< standard size for every supported XCR0 bit */
	uint32_t sl1_eax; /**< TDXC_XSAVE_CAP_* bits (and whatever else) */
	uint32_t sl1_ebx; /**< compacted size for XCR0|XSS loaded when read */
	/** comp[i], i >= 2: subleaf i as reported (EAX size, EBX standard
	 *  offset, ECX flags, EDX). comp[0] and comp[1] are unused (zero). */
	struct tdxc_xsave_regs comp[TDXC_XSAVE_NCOMP];
};

TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_regs) == 16, tdxc_xsave_regs_size);
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_subleaf) == 20, tdxc_xsave_subleaf_size);
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_info) == 1064, tdxc_xsave_info_size);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_xsave_info, sl0_ebx) == 24, tdxc_xsave_info_sl0);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_xsave_info, comp) == 40, tdxc_xsave_info_comp);

/* ------------------------------------------------------------------------ */
/** @name Filling a table
 *  @{ */

/**
 * Build a table from subleaves the caller supplies, in any order.
 * Subleaves 0 and 1 are required; component subleaves are optional (a
 * missing one is recorded as absent in info->present and reported by
 * tdxc_xsave_validate(); computations needing it return TDXC_ENOENT).
 *
 * @param leaves array of @p n records; each subleaf number at most once.
 * @param n      number of records.
 * @param out    receives the table (written only on success).
 * @return 0 on success, or
 *   - TDXC_EINVAL   @p out is NULL, or @p leaves is NULL with n > 0;
 *   - TDXC_ERANGE   a record's subleaf number is above 63;
 *   - TDXC_EEXIST   a subleaf number appears twice;
 *   - TDXC_ENOENT   subleaf 0 or subleaf 1 is not among the records.
 * Pure; any context.
 */
TDXC_API int tdxc_xsave_info_from_leaves(const struct tdxc_xsave_subleaf *leaves,
					 size_t n, struct tdxc_xsave_info *out);

/**
 * CPUID callback: execute CPUID(@p leaf, @p subleaf) (or look it up) and
 * store the result in @p out. Return 0 on success, anything else to abort.
 */
typedef int (*tdxc_xsave_cpuid_fn)(uint32_t leaf, uint32_t subleaf,
				   struct tdxc_xsave_regs *out, void *opaque);

/**
 * Build a table through a CPUID callback (works freestanding: a guest
 * kernel passes its own cpuid wrapper). Queries leaf 0xD subleaf 0, then
 * subleaf 1, then exactly the subleaves 2..62 whose bit is set in
 * SL0 EDX:EAX | SL1 EDX:ECX, in ascending order.
 *
 * @return 0 on success, or
 *   - TDXC_EINVAL    @p fn or @p out is NULL;
 *   - TDXC_ECALLBACK the callback returned non-zero (nothing written).
 * Context: whatever the callback allows; the library itself does not sleep.
 */
TDXC_API int tdxc_xsave_info_from_cpuid_fn(tdxc_xsave_cpuid_fn fn, void *opaque,
					   struct tdxc_xsave_info *out);

/**
 * Build the table of the CPU this runs on, through libcpuid
 * (cpu_exec_cpuid_ext). Hosted builds with libcpuid only.
 *
 * @return 0 on success, or
 *   - TDXC_EINVAL     @p out is NULL;
 *   - TDXC_ENOTSUP    built without libcpuid, or a freestanding build;
 *   - TDXC_ENOTUSABLE the CPU has no CPUID, no leaf 0xD or no XSAVE.
 * Executes CPUID (may trap to a hypervisor); does not sleep otherwise.
 */
TDXC_API int tdxc_xsave_info_from_host(struct tdxc_xsave_info *out);

/** Longest line the dump parser classifies (bytes, without newline). */
#define TDXC_XSAVE_LINE_MAX 1024u

/** @name Text dump formats
 *  @{ */
#define TDXC_XSAVE_FMT_AUTO 0u    /**< decided by the first header or data line */
#define TDXC_XSAVE_FMT_CPUID_R 1u /**< `cpuid -r` (Todd Allen's cpuid) */
#define TDXC_XSAVE_FMT_LINUX 2u   /**< Linux FPU warning: `CPUID[0d, 01]: eax=...` */
#define TDXC_XSAVE_FMT_AIDA64 3u  /**< AIDA64 / InstLatx64: `CPUID 0000000D: a-b-c-d [SL 01]` */
/** @} */

/** What the dump parser saw (filled on success and on failure). */
struct tdxc_xsave_parse_status {
	uint32_t line;        /**< 1-based line of the error, 0 if none */
	uint32_t cpu_headers; /**< CPU headers seen (at most 2 are read) */
	uint64_t found;       /**< subleaves read from the first CPU */
	uint64_t missing;     /**< required subleaves absent or with EAX = 0 */
	uint64_t conflicts;   /**< subleaves repeated with different values
				   (the first occurrence is kept) */
	uint32_t format;      /**< TDXC_XSAVE_FMT_* detected (0: no header
				   or data line) */
	uint32_t reserved;    /**< zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_parse_status) == 40,
		   tdxc_xsave_parse_status_size);

/**
 * Parse leaf 0xD from a text dump held in a caller buffer (no NUL
 * terminator needed; usable freestanding).
 *
 * Common rules: only the first logical CPU is read; hex is
 * case-insensitive; CRLF, trailing blanks, blank lines, other leaves and
 * unknown lines are ignored; a leaf-0xD line must match its format exactly;
 * lines longer than TDXC_XSAVE_LINE_MAX are classified by their first
 * TDXC_XSAVE_LINE_MAX bytes (a long leaf-0xD line is malformed); the first
 * occurrence of a subleaf wins, later different values are recorded in
 * status->conflicts. With TDXC_XSAVE_FMT_AUTO the first CPU header or data
 * line (of any leaf) fixes the format; lines of the other formats are then
 * ignored, so AUTO gives exactly what the detected format gives when named.
 *
 * - `cpuid -r`: optional `CPU N:` / `CPU:` headers start each CPU's block
 *   (input without a header is CPU 0); data lines `0xLLLLLLLL 0xSS:
 *   eax=0x........ ebx=0x........ ecx=0x........ edx=0x........` with any
 *   leading blanks; a leaf-0xD line is one whose first text is `0x0000000d`
 *   not followed by another hex digit.
 * - Linux: `CPUID[0d, SS]: eax=........ ebx=........ ecx=........
 *   edx=........` anywhere in a line (after a timestamp or log prefix).
 * - AIDA64: `CPUID 0000000D: AAAAAAAA-BBBBBBBB-CCCCCCCC-DDDDDDDD [SL SS]`
 *   (a tab may replace the colon). The first CPU ends at the second
 *   `Logical CPU #` header or the second leaf-0 line. A leaf-0xD line
 *   without `[SL nn]` cannot be attributed: the dump is incomplete.
 *
 * The table must be complete: subleaves 0 and 1, and every component
 * 2..62 advertised in SL0 EDX:EAX | SL1 EDX:ECX with a non-zero EAX.
 *
 * @param text   the dump (may be NULL when @p len is 0).
 * @param len    its length in bytes.
 * @param format TDXC_XSAVE_FMT_*.
 * @param out    receives the table (written only on success).
 * @param status optional (may be NULL); written on success and failure.
 * @return 0 on success, or
 *   - TDXC_EINVAL     @p out is NULL, @p text is NULL with len > 0, or an
 *                     unknown @p format;
 *   - TDXC_EMALFORMED a leaf-0xD line does not match the format
 *                     (status->line names it);
 *   - TDXC_ERANGE     a leaf-0xD subleaf number above 63 (status->line);
 *   - TDXC_ENOENT     no leaf-0xD data, the table is incomplete
 *                     (status->missing lists the subleaves), or an AIDA64
 *                     leaf-0xD line without a subleaf tag (status->line);
 *   - TDXC_ECORRUPT   SL0 does not advertise x87 and SSE (bits 0, 1).
 * Pure; any context.
 */
TDXC_API int tdxc_xsave_parse_text(const char *text, size_t len, uint32_t format,
				   struct tdxc_xsave_info *out,
				   struct tdxc_xsave_parse_status *status);

/**
 * tdxc_xsave_parse_text() with TDXC_XSAVE_FMT_CPUID_R: the output of
 * `cpuid -r`. Same errors.
 */
TDXC_API int tdxc_xsave_parse_cpuid_r(const char *text, size_t len,
				      struct tdxc_xsave_info *out,
				      struct tdxc_xsave_parse_status *status);

/**
 * Hosted convenience: read a dump from a file and parse it as
 * tdxc_xsave_parse_text() does (streaming through a fixed buffer, no
 * allocation; stops at the end of the first CPU).
 *
 * @return what tdxc_xsave_parse_text() returns, or
 *   - TDXC_EINVAL   @p path or @p out is NULL, or an unknown @p format;
 *   - TDXC_EIO      the file cannot be opened or read;
 *   - TDXC_ENOTSUP  freestanding build.
 * May sleep (file I/O). Not for interrupt context.
 */
TDXC_API int tdxc_xsave_parse_file(const char *path, uint32_t format,
				   struct tdxc_xsave_info *out,
				   struct tdxc_xsave_parse_status *status);

/**
 * Subleaves the table lacks: bit i (2..62) set when component i is
 * advertised in xcr0_supported | xss_supported but subleaf i is absent
 * or has EAX = 0. Returns 0 for a NULL @p info. Pure.
 */
TDXC_API uint64_t tdxc_xsave_info_missing(const struct tdxc_xsave_info *info);

/**
 * Read one subleaf back from a table as CPUID would return it (subleaf 0:
 * EAX/EDX supported XCR0, EBX, ECX; subleaf 1: EAX, EBX, ECX/EDX
 * supported XSS; subleaf i: comp[i], zero when absent).
 * @return 0, TDXC_EINVAL (NULL pointer) or TDXC_ERANGE (subleaf > 63).
 */
TDXC_API int tdxc_xsave_info_get_leaf(const struct tdxc_xsave_info *info,
				      uint32_t subleaf, struct tdxc_xsave_regs *out);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Layouts
 *  Errors shared by the computations below (each names the mask it checks):
 *   - TDXC_EINVAL    a NULL pointer, or an unknown format value;
 *   - TDXC_ERESERVED bit 63 in a standard (XCR0) mask;
 *   - TDXC_EPERM     a supervisor component (advertised in
 *                    xss_supported, or flagged ECX bit 0) in a standard mask;
 *   - TDXC_EFLAGS    a mask bit the table advertises in neither mask;
 *   - TDXC_ENOENT    the subleaf of a component in the mask is absent;
 *   - TDXC_ECORRUPT  a component in the mask has size 0, or (standard
 *                    form) a user offset inside the first 576 bytes;
 *   - TDXC_EOVERFLOW an offset + size or the total exceeds 32 bits.
 *  Bits 0 and 1 (legacy region) are accepted in any mask and add nothing.
 *  @{ */

#define TDXC_XSAVE_STANDARD 0u  /**< XSAVE / XSAVEOPT (non-compacted) */
#define TDXC_XSAVE_COMPACTED 1u /**< XSAVEC / XSAVES */

/**
 * Standard-format size for XCR0 = @p xcr0: the maximum of 576 and every
 * member's offset + size (not the last member's end: offsets are not
 * monotonic in the index). Errors: see the group comment.
 */
TDXC_API int tdxc_xsave_standard_size(const struct tdxc_xsave_info *info,
				      uint64_t xcr0, uint32_t *out);

/**
 * Compacted-format size for XCOMP_BV = @p xcomp_bv (bit 63 is ignored):
 * 576, then every member in ascending index order, rounded up to 64 first
 * when its ECX bit 1 is set. No rounding of the total. Errors: see the
 * group comment (TDXC_ERESERVED and TDXC_EPERM do not apply).
 */
TDXC_API int tdxc_xsave_compacted_size(const struct tdxc_xsave_info *info,
				       uint64_t xcomp_bv, uint32_t *out);

/** Offset and size of one component in an XSAVE image. */
struct tdxc_xsave_slot {
	uint32_t offset; /**< from the start of the area */
	uint32_t size; /**< bytes */
};

/** Where every component of a mask lives, in one format. */
struct tdxc_xsave_layout {
	uint64_t mask;   /**< components laid out (bit 63 never set) */
	uint32_t format; /**< TDXC_XSAVE_STANDARD or TDXC_XSAVE_COMPACTED */
	uint32_t size;   /**< total size of the area */
	/** slot[i] for i in mask; zero otherwise. slot[0] = {0, 160} and
	 *  slot[1] = {160, 256} (legacy region) when bits 0/1 are set. */
	struct tdxc_xsave_slot slot[TDXC_XSAVE_NCOMP];
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_layout) == 528, tdxc_xsave_layout_size);

/**
 * Full layout of @p mask in @p format (for converting images between
 * formats, as a VMM or a core-file writer must). Errors: see the group
 * comment; TDXC_EINVAL for an unknown @p format.
 */
TDXC_API int tdxc_xsave_layout(const struct tdxc_xsave_info *info, uint64_t mask,
			       uint32_t format, struct tdxc_xsave_layout *out);

/**
 * Offset of one component in the image of @p mask in @p format.
 * @return as tdxc_xsave_layout(), plus TDXC_ERANGE when @p component is
 *         above 62 and TDXC_ENOENT when it is not in @p mask.
 */
TDXC_API int tdxc_xsave_offset(const struct tdxc_xsave_info *info, uint64_t mask,
			       uint32_t format, uint32_t component, uint32_t *out);

/** Sizes with and without the XFD-capable (dynamic, e.g. AMX) components. */
struct tdxc_xsave_sizes {
	uint64_t xcr0;     /**< input echoed */
	uint64_t xss;      /**< input echoed */
	uint64_t xfd_mask; /**< members of xcr0|xss with ECX bit 2 */
	uint32_t standard_max;           /**< standard(xcr0) */
	uint32_t standard_default;       /**< standard(xcr0 & ~xfd_mask) */
	uint32_t compacted_max;          /**< compacted(xcr0 | xss) */
	uint32_t compacted_default;      /**< compacted((xcr0|xss) & ~xfd_mask) */
	uint32_t compacted_user_max;     /**< compacted(xcr0): XSAVEC image */
	uint32_t compacted_user_default; /**< compacted(xcr0 & ~xfd_mask) */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_sizes) == 48, tdxc_xsave_sizes_size);

/**
 * The XFD/AMX view: maximum sizes (what CPUID reports) and default sizes
 * (what Linux allocates for a task before ARCH_REQ_XCOMP_PERM).
 * Errors: see the group comment; @p xcr0 is checked as a standard mask and
 * @p xss must hold supervisor components only (else TDXC_EFLAGS).
 */
TDXC_API int tdxc_xsave_sizes(const struct tdxc_xsave_info *info, uint64_t xcr0,
			      uint64_t xss, struct tdxc_xsave_sizes *out);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Validation
 *  @{ */

/** Problem kinds found by tdxc_xsave_validate(). */
enum tdxc_xsave_problem_kind {
	TDXC_XSAVE_P_LEGACY_UNSUPPORTED = 1, /**< SL0.EAX lacks bit 0 or 1 */
	TDXC_XSAVE_P_MASK_CONFLICT,   /**< bit in both masks, bit 0/1 in XSS,
					   or bit 63 advertised */
	TDXC_XSAVE_P_MISSING_SUBLEAF, /**< advertised, subleaf absent */
	TDXC_XSAVE_P_ZERO_SIZE,       /**< advertised, EAX = 0 */
	TDXC_XSAVE_P_SUPERVISOR_FLAG, /**< ECX bit 0 disagrees with the mask
					   advertising it (expected/found 0/1) */
	TDXC_XSAVE_P_SUPERVISOR_WITH_OFFSET, /**< supervisor with EBX != 0 */
	TDXC_XSAVE_P_USER_WITHOUT_OFFSET,    /**< user component with EBX = 0 */
	TDXC_XSAVE_P_OFFSET_IN_LEGACY, /**< user offset in 1..575 */
	TDXC_XSAVE_P_OVERLAP,       /**< standard ranges overlap; related =
					 the other component, expected = its
					 end, found = this offset */
	TDXC_XSAVE_P_BEYOND_AREA,   /**< user range ends past SL0.ECX */
	TDXC_XSAVE_P_OFFSET_OVERFLOW, /**< EBX + EAX above 32 bits */
	TDXC_XSAVE_P_SL0_ECX,       /**< SL0.ECX != standard(all user) */
	TDXC_XSAVE_P_SL0_EBX,       /**< SL0.EBX != standard(loaded XCR0) */
	TDXC_XSAVE_P_SL1_EBX,       /**< SL1.EBX != compacted(loaded) */
	TDXC_XSAVE_P_SL1_EBX_ZERO,  /**< XSAVEC/XSAVES advertised, SL1.EBX 0 */
	TDXC_XSAVE_P_APX_WITH_MPX,  /**< APX and MPX both advertised */
	TDXC_XSAVE_P_UNADVERTISED,  /**< warning: non-zero subleaf for a
					 component in neither mask */
	TDXC_XSAVE_P_UNUSUAL_SIZE,  /**< warning: size differs from every
					 size real CPUs report */
	TDXC_XSAVE_P_RESERVED_BITS, /**< warning: ECX bits above 2 or EDX */
	TDXC_XSAVE_P_ALIGN_WITHOUT_COMPACTION /**< warning: ECX bit 1 set
					 without XSAVEC/XSAVES */
};
/** Highest problem kind defined by this version. */
#define TDXC_XSAVE_P_MAX TDXC_XSAVE_P_ALIGN_WITHOUT_COMPACTION

/** @name Likely causes of a wrong size (problem.causes bits)
 *  Set only when the cause reproduces the reported number exactly.
 *  @{ */
#define TDXC_XSAVE_CAUSE_ALIGN_IGNORED (1u << 0)   /**< plain sum, no round-up */
#define TDXC_XSAVE_CAUSE_USER_FIRST (1u << 1)      /**< user components, then
							supervisor ones */
#define TDXC_XSAVE_CAUSE_OUT_OF_ORDER (1u << 2)    /**< problem.moved visited
							last */
#define TDXC_XSAVE_CAUSE_MISSING (1u << 3)         /**< problem.missing left out */
#define TDXC_XSAVE_CAUSE_EXTRA (1u << 4)           /**< problem.extra added */
#define TDXC_XSAVE_CAUSE_XSS_IGNORED (1u << 5)     /**< supervisor part omitted */
#define TDXC_XSAVE_CAUSE_OTHER_FORMAT (1u << 6)    /**< the size of the other
							format was reported */
#define TDXC_XSAVE_CAUSE_HIGHEST_END (1u << 7)     /**< end of the highest index
							instead of the maximum end */
#define TDXC_XSAVE_CAUSE_ROUNDED (1u << 8)         /**< total rounded to 64 or
							4096 */
/** @} */

#define TDXC_XSAVE_NO_COMPONENT 0xffffu /**< problem.component: table-wide */
#define TDXC_XSAVE_NO_RELATED 0xffu     /**< related/moved/missing/extra unset */
#define TDXC_XSAVE_SEV_ERROR 1u /**< the table is wrong (Linux or Xen would reject it) */
#define TDXC_XSAVE_SEV_WARNING 2u /**< unusual but accepted */

/** One finding: (component, kind, expected, found) plus a diagnosis. */
struct tdxc_xsave_problem {
	uint32_t kind;      /**< enum tdxc_xsave_problem_kind */
	uint16_t component; /**< 0..63, or TDXC_XSAVE_NO_COMPONENT */
	uint8_t severity;   /**< TDXC_XSAVE_SEV_* */
	uint8_t related;    /**< other component (OVERLAP, APX_WITH_MPX) */
	uint64_t expected; /**< the correct value (meaning per kind) */
	uint64_t found; /**< the value in the table */
	uint32_t causes;    /**< TDXC_XSAVE_CAUSE_* bits */
	uint8_t moved;      /**< component of CAUSE_OUT_OF_ORDER */
	uint8_t missing;    /**< component of CAUSE_MISSING */
	uint8_t extra;      /**< component of CAUSE_EXTRA */
	uint8_t reserved;   /**< zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_problem) == 32, tdxc_xsave_problem_size);

/** Capacity of a report. */
#define TDXC_XSAVE_MAX_PROBLEMS 64u

/** Result of tdxc_xsave_validate(). */
struct tdxc_xsave_report {
	uint32_t total;    /**< problems found (may exceed the capacity) */
	uint32_t stored;   /**< entries in problems[] */
	uint32_t errors;   /**< of total, severity error */
	uint32_t warnings; /**< of total, severity warning */
	struct tdxc_xsave_problem problems[TDXC_XSAVE_MAX_PROBLEMS]; /**< the first findings */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_report) == 16 + 32 * 64,
		   tdxc_xsave_report_size);

/** @name tdxc_xsave_validate() flags
 *  @{ */
#define TDXC_XSAVE_VF_XCR0_LOADED (1u << 0) /**< xcr0_loaded is known */
#define TDXC_XSAVE_VF_XSS_LOADED (1u << 1)  /**< xss_loaded is known */
/** @} */

/**
 * Check a table as a CPU or hypervisor reported it, as Linux's and Xen's
 * boot checks do, and diagnose what is wrong. SL0.ECX is always checked;
 * SL0.EBX only when the loaded XCR0 is known; SL1.EBX only when XSAVEC or
 * XSAVES is advertised and the loaded XCR0 (and, with XSAVES, XSS) is
 * known. XSS is never inferred from SL1.EBX (many XSS values give one
 * size). For a wrong size the causes that reproduce the reported number
 * exactly are set.
 *
 * @param info the table to check.
 * @param flags TDXC_XSAVE_VF_* bits.
 * @param xcr0_loaded the XCR0 in force when the table was read (with TDXC_XSAVE_VF_XCR0_LOADED).
 * @param xss_loaded the IA32_XSS in force then (with TDXC_XSAVE_VF_XSS_LOADED).
 * @param out receives the report.
 * @return the number of error-severity problems (0: the table is sound),
 *         or
 *   - TDXC_EINVAL  @p info or @p out is NULL;
 *   - TDXC_EFLAGS  unknown @p flags bits, or a known loaded mask with bits
 *                  the table does not advertise in the matching mask.
 * Pure; any context. @p out is written only on success.
 */
TDXC_API int tdxc_xsave_validate(const struct tdxc_xsave_info *info,
				 uint32_t flags, uint64_t xcr0_loaded,
				 uint64_t xss_loaded,
				 struct tdxc_xsave_report *out);

/** Short name of a problem kind ("sl1_ebx"); "unknown" otherwise. Never NULL. */
TDXC_API const char *tdxc_xsave_problem_name(uint32_t kind);

/** Short name of one cause bit ("align_ignored"); "unknown" otherwise. */
TDXC_API const char *tdxc_xsave_cause_name(uint32_t cause_bit);

/** Name of a component ("XTILEDATA"); "component" for unnamed ones. */
TDXC_API const char *tdxc_xsave_component_name(uint32_t index);

/** @} */

/* ------------------------------------------------------------------------ */
/** @name Guest leaf 0xD synthesis (VMM side)
 *  @{ */

/** What a guest may see and what it has loaded now (input descriptor). */
struct tdxc_xsave_guest_cfg {
	uint32_t size;         /**< sizeof(struct tdxc_xsave_guest_cfg) */
	uint32_t flags;        /**< reserved, must be 0 */
	uint64_t xcr0_allowed; /**< exposed XCR0 bits (subset of the host's) */
	uint64_t xss_allowed;  /**< exposed XSS bits (subset of the host's) */
	uint32_t caps_allowed; /**< exposed SL1.EAX bits (subset of host's) */
	uint32_t reserved;     /**< must be 0 */
	uint64_t guest_xcr0;   /**< the guest's current XCR0 */
	uint64_t guest_xss;    /**< the guest's current IA32_XSS */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_guest_cfg) == 48,
		   tdxc_xsave_guest_cfg_size);

/**
 * The guest's whole leaf-0xD table: SL0 EAX/EDX = xcr0_allowed, ECX =
 * standard(xcr0_allowed), EBX = standard(guest_xcr0); SL1 EAX =
 * caps_allowed, ECX/EDX = xss_allowed, EBX = compacted(guest_xcr0 |
 * guest_xss) when XSAVEC or XSAVES is exposed (else 0); SL i = host values
 * for exposed components with ECX masked (ALIGN64 only with XSAVEC, XFD only
 * with XFD), all zero for hidden ones. Sizes are computed from the guest's
 * own view, in ascending index order.
 *
 * @return 0 on success, or
 *   - TDXC_EINVAL    a NULL pointer; xcr0_allowed lacks x87 or SSE; XSS
 *                    bits exposed without XSAVES;
 *   - TDXC_ESIZE / TDXC_ERESERVED  bad descriptor size / non-zero bytes
 *                    past the known part of a larger descriptor;
 *   - TDXC_EFLAGS    cfg->flags non-zero, or an allowed mask not a subset of
 *                    the host's, or guest_xcr0 / guest_xss not a subset of
 *                    the allowed masks;
 *   - TDXC_ERESERVED cfg->reserved non-zero;
 *   - the layout errors (TDXC_EPERM, TDXC_ENOENT, TDXC_ECORRUPT,
 *     TDXC_EOVERFLOW) when the host table cannot size the exposed state.
 * Pure; any context (suitable for a CPUID exit handler).
 */
TDXC_API int tdxc_xsave_synth_info(const struct tdxc_xsave_info *host,
				   const struct tdxc_xsave_guest_cfg *cfg,
				   struct tdxc_xsave_info *guest);

/**
 * One subleaf of the guest table of tdxc_xsave_synth_info().
 * @return as tdxc_xsave_synth_info(), plus TDXC_ERANGE for subleaf > 63.
 */
TDXC_API int tdxc_xsave_synth_leaf(const struct tdxc_xsave_info *host,
				   const struct tdxc_xsave_guest_cfg *cfg,
				   uint32_t subleaf, struct tdxc_xsave_regs *out);

/** Verdict of tdxc_xsave_linux_check(). */
struct tdxc_xsave_linux_verdict {
	uint32_t accepted;          /**< 1 if Linux keeps XSAVE enabled */
	uint32_t compacted;         /**< 1 if Linux would use the compacted form */
	uint32_t kernel_size;       /**< Linux's own size (compacted or not) */
	uint32_t cpuid_size;        /**< what CPUID reports for it */
	uint32_t user_kernel_size;  /**< Linux's standard size for XCR0 */
	uint32_t user_cpuid_size;   /**< SL0.EBX */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_xsave_linux_verdict) == 24,
		   tdxc_xsave_linux_verdict_size);

/**
 * Would a Linux guest that loaded @p xcr0 / @p xss accept this leaf-0xD
 * view? Linux computes the sizes itself (ascending walk, alignment) and
 * disables XSAVE for the boot when CPUID disagrees ("XSAVE consistency
 * problem"). Compacted check (against SL1.EBX, mask xcr0 | xss) when the
 * view advertises XSAVES (or XSAVEC, with xss = 0); standard check
 * (against SL0.EBX) always.
 *
 * @return 0 when a verdict was reached (accepted or not, see @p out), or
 *   - TDXC_EINVAL a NULL pointer;
 *   - TDXC_EFLAGS @p xcr0 / @p xss not advertised by the view, or xss != 0
 *                 without XSAVES;
 *   - the layout errors when the view cannot size that state (Linux
 *     rejects such a table too).
 */
TDXC_API int tdxc_xsave_linux_check(const struct tdxc_xsave_info *view,
				    uint64_t xcr0, uint64_t xss,
				    struct tdxc_xsave_linux_verdict *out);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_XSAVE_H */
