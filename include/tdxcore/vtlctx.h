/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file vtlctx.h
 * @brief Per-VP, per-VTL register context store with one total
 *        shared/private field classification.
 *
 * A virtual processor has one register context per Virtual Trust Level
 * (VTL). Some registers are banked per VTL (PRIVATE), some are one
 * physical copy that every VTL sees (SHARED). This module keeps a VP's
 * guest VTLs 0..N-1 (N = 2 by default, at most 15) in caller storage,
 * classifies every field it knows in exactly one class, enforces the
 * VTL access policy, and moves state to and from the pages that the
 * hardware (or a kernel) consumes, with two backends:
 *
 * - TDXC_VTLCTX_BACKEND_TDX_STAGED: one run page per VP always means "the
 *   VTL being entered". tdxc_vtlctx_stage() writes the shared fields, the
 *   entered VTL's private fields and the entry RCX (VM index = VTL + 1)
 *   into the page; tdxc_vtlctx_unstage() copies them back and captures the
 *   per-exit data. At most one VTL is staged at a time.
 * - TDXC_VTLCTX_BACKEND_PER_VTL_PAGE: every VTL owns a context page (as SNP
 *   has a VMSA per VMPL); the shared registers live in the page of the
 *   active VTL and tdxc_vtlctx_switch() copies exactly the SHARED set to
 *   the page of the next VTL, never a PRIVATE field. Each page carries
 *   head and tail canaries so that writes past a page are detected.
 *
 * VTL numbering: guest VTLs are 0..N-1; the owner of the store (the
 * paravisor/VMM, "VTL N", e.g. VTL2 when N = 2) passes caller VTL N.
 *
 * Locking: none inside. A store belongs to one VP; the caller serialises
 * every call on one store (all functions are non-blocking, never sleep,
 * and are safe from interrupt context provided the caller holds its own
 * per-VP lock). Different stores are independent.
 */
#ifndef TDXCORE_VTLCTX_H
#define TDXCORE_VTLCTX_H

#include <tdxcore/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A VTL number (Hyper-V HV_VTL is a u8). */
typedef uint8_t tdxc_vtlctx_vtl;

/** Default number of guest VTLs (VTL0 and VTL1; the paravisor is VTL2). */
#define TDXC_VTLCTX_DEFAULT_VTLS 2u
/** Largest number of guest VTLs a store can hold. */
#define TDXC_VTLCTX_MAX_VTLS 15u
/** Hyper-V's "all VTLs" wildcard: never a valid target. */
#define TDXC_VTLCTX_VTL_ALL 0x0Fu

/** Field classes (see tdxc_vtlctx_field_class()). Values are ABI. */
enum tdxc_vtlctx_class {
	/** One copy per VP, seen by every VTL (GPRs but RSP, CR2, FX ...). */
	TDXC_VTLCTX_CLASS_SHARED = 1,
	/** Banked per VTL (RIP, RSP, RFLAGS, CRx, syscall MSRs, SynIC ...). */
	TDXC_VTLCTX_CLASS_PRIVATE = 2,
	/** Valid only after an exit, for the VTL that just ran. */
	TDXC_VTLCTX_CLASS_PER_EXIT = 3,
	/** Per VP, belongs to no VTL (cache-flush request for the next entry). */
	TDXC_VTLCTX_CLASS_GLOBAL_PER_VP = 4,
	/** SHARED or PRIVATE depending on a capability (DR6). */
	TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT = 5
};

/** Who may access a field (see the access policy in tdxc_vtlctx_get()). */
enum tdxc_vtlctx_access {
	/** Architectural register: target VTL strictly lower than caller. */
	TDXC_VTLCTX_ACCESS_ARCH = 1,
	/** Hypercall-style (synthetic) register: target VTL <= caller. */
	TDXC_VTLCTX_ACCESS_HV = 2,
	/** Owner only (caller VTL N): entry/exit plumbing of the VMM. */
	TDXC_VTLCTX_ACCESS_OWNER = 3
};

/**
 * Every field the store knows. Values are ABI (append only, before
 * TDXC_VTLCTX_F_COUNT). Scalar fields are at most 8 bytes; segment and
 * table registers are 16-byte blocks, FX_STATE a 512-byte FXSAVE image;
 * all are little-endian byte images (see tdxc_vtlctx_field_info()).
 */
enum tdxc_vtlctx_field {
	/* General-purpose registers, in TDG.VP.ENTER GPR-list order. */
	TDXC_VTLCTX_F_RAX = 0,
	TDXC_VTLCTX_F_RCX = 1,
	TDXC_VTLCTX_F_RDX = 2,
	TDXC_VTLCTX_F_RBX = 3,
	TDXC_VTLCTX_F_RSP = 4, /**< PRIVATE (openvmm #1178) */
	TDXC_VTLCTX_F_RBP = 5,
	TDXC_VTLCTX_F_RSI = 6,
	TDXC_VTLCTX_F_RDI = 7,
	TDXC_VTLCTX_F_R8 = 8,
	TDXC_VTLCTX_F_R9 = 9,
	TDXC_VTLCTX_F_R10 = 10,
	TDXC_VTLCTX_F_R11 = 11,
	TDXC_VTLCTX_F_R12 = 12,
	TDXC_VTLCTX_F_R13 = 13,
	TDXC_VTLCTX_F_R14 = 14,
	TDXC_VTLCTX_F_R15 = 15,
	TDXC_VTLCTX_F_RIP = 16,
	TDXC_VTLCTX_F_RFLAGS = 17,
	TDXC_VTLCTX_F_SSP = 18,
	TDXC_VTLCTX_F_RVI = 19, /**< 1 byte: GUEST_INTERRUPT_STATUS low */
	TDXC_VTLCTX_F_SVI = 20, /**< 1 byte: GUEST_INTERRUPT_STATUS high */
	TDXC_VTLCTX_F_CR0 = 21,
	TDXC_VTLCTX_F_CR2 = 22,
	TDXC_VTLCTX_F_CR3 = 23,
	TDXC_VTLCTX_F_CR4 = 24,
	TDXC_VTLCTX_F_XCR0 = 25,
	TDXC_VTLCTX_F_DR0 = 26,
	TDXC_VTLCTX_F_DR1 = 27,
	TDXC_VTLCTX_F_DR2 = 28,
	TDXC_VTLCTX_F_DR3 = 29,
	TDXC_VTLCTX_F_DR6 = 30, /**< PLATFORM_DEPENDENT (DR4/5 alias DR6/7) */
	TDXC_VTLCTX_F_DR7 = 31,
	TDXC_VTLCTX_F_EFER = 32,
	TDXC_VTLCTX_F_PAT = 33,
	/* Segment registers: 16 bytes, base u64 @0, limit u32 @8,
	 * selector u16 @12, attributes u16 @14 (HV_X64_SEGMENT_REGISTER). */
	TDXC_VTLCTX_F_ES = 34,
	TDXC_VTLCTX_F_CS = 35,
	TDXC_VTLCTX_F_SS = 36,
	TDXC_VTLCTX_F_DS = 37,
	TDXC_VTLCTX_F_FS = 38,
	TDXC_VTLCTX_F_GS = 39,
	TDXC_VTLCTX_F_LDTR = 40,
	TDXC_VTLCTX_F_TR = 41,
	/* Table registers: 16 bytes, 6 bytes zero @0, limit u16 @6,
	 * base u64 @8 (HV_X64_TABLE_REGISTER). */
	TDXC_VTLCTX_F_GDTR = 42,
	TDXC_VTLCTX_F_IDTR = 43,
	/* Syscall and related MSRs. */
	TDXC_VTLCTX_F_SYSENTER_CS = 44,
	TDXC_VTLCTX_F_SYSENTER_ESP = 45,
	TDXC_VTLCTX_F_SYSENTER_EIP = 46,
	TDXC_VTLCTX_F_STAR = 47,
	TDXC_VTLCTX_F_LSTAR = 48,
	TDXC_VTLCTX_F_CSTAR = 49,
	TDXC_VTLCTX_F_SFMASK = 50,
	TDXC_VTLCTX_F_KERNEL_GS_BASE = 51,
	TDXC_VTLCTX_F_TSC_AUX = 52, /**< PRIVATE (openvmm #797, #177) */
	TDXC_VTLCTX_F_XSS = 53,     /**< PRIVATE */
	/** 512-byte FXSAVE image (x87 and XMM), SHARED (openvmm #1104). */
	TDXC_VTLCTX_F_FX_STATE = 54,
	/* Hyper-V synthetic registers, per VTL (SynIC, VP assist page ...). */
	TDXC_VTLCTX_F_HYPERCALL = 55,
	TDXC_VTLCTX_F_GUEST_OS_ID = 56,
	TDXC_VTLCTX_F_REFERENCE_TSC = 57,
	TDXC_VTLCTX_F_VP_ASSIST_PAGE = 58,
	TDXC_VTLCTX_F_SCONTROL = 59,
	TDXC_VTLCTX_F_SVERSION = 60,
	TDXC_VTLCTX_F_SIEFP = 61,
	TDXC_VTLCTX_F_SIMP = 62,
	TDXC_VTLCTX_F_SINT0 = 63,
	TDXC_VTLCTX_F_SINT1 = 64,
	TDXC_VTLCTX_F_SINT2 = 65,
	TDXC_VTLCTX_F_SINT3 = 66,
	TDXC_VTLCTX_F_SINT4 = 67,
	TDXC_VTLCTX_F_SINT5 = 68,
	TDXC_VTLCTX_F_SINT6 = 69,
	TDXC_VTLCTX_F_SINT7 = 70,
	TDXC_VTLCTX_F_SINT8 = 71,
	TDXC_VTLCTX_F_SINT9 = 72,
	TDXC_VTLCTX_F_SINT10 = 73,
	TDXC_VTLCTX_F_SINT11 = 74,
	TDXC_VTLCTX_F_SINT12 = 75,
	TDXC_VTLCTX_F_SINT13 = 76,
	TDXC_VTLCTX_F_SINT14 = 77,
	TDXC_VTLCTX_F_SINT15 = 78,
	TDXC_VTLCTX_F_STIMER0_CONFIG = 79,
	TDXC_VTLCTX_F_STIMER1_CONFIG = 80,
	TDXC_VTLCTX_F_STIMER2_CONFIG = 81,
	TDXC_VTLCTX_F_STIMER3_CONFIG = 82,
	TDXC_VTLCTX_F_STIMER0_COUNT = 83,
	TDXC_VTLCTX_F_STIMER1_COUNT = 84,
	TDXC_VTLCTX_F_STIMER2_COUNT = 85,
	TDXC_VTLCTX_F_STIMER3_COUNT = 86,
	/** HvRegisterVsmVina; may not target VTL0. */
	TDXC_VTLCTX_F_VSM_VINA = 87,
	/* Entry plumbing of the owner, per VTL. */
	/** 1 byte: invalidation request for the next entry (bits 1:0 of the
	 *  TDG.VP.ENTER RCX: 1 INVEPT, 2 INVVPID, 3 INVVPID non-global). */
	TDXC_VTLCTX_F_ENTRY_FLUSH = 88,
	/** Pending event injection (VMCS interruption information). */
	TDXC_VTLCTX_F_PENDING_EVENT = 89,
	/** L2 TSC deadline of this VTL. */
	TDXC_VTLCTX_F_TSC_DEADLINE = 90,
	/** 1 byte, 0 or 1: apply TSC_DEADLINE on the next entry. */
	TDXC_VTLCTX_F_TSC_DEADLINE_UPDATE = 91,
	/** Cache flush request (bit 0 WBINVD, bit 1 WBNOINVD), GLOBAL_PER_VP. */
	TDXC_VTLCTX_F_VP_FLAGS = 92,
	/* Values returned by TDG.VP.ENTER, PER_EXIT. */
	TDXC_VTLCTX_F_EXIT_RAX = 93,
	TDXC_VTLCTX_F_EXIT_RCX = 94,
	TDXC_VTLCTX_F_EXIT_RDX = 95,
	TDXC_VTLCTX_F_EXIT_RSI = 96,
	TDXC_VTLCTX_F_EXIT_RDI = 97,
	TDXC_VTLCTX_F_EXIT_R8 = 98,
	TDXC_VTLCTX_F_EXIT_R9 = 99,
	TDXC_VTLCTX_F_EXIT_R10 = 100,
	TDXC_VTLCTX_F_EXIT_R11 = 101,
	TDXC_VTLCTX_F_EXIT_R12 = 102,
	TDXC_VTLCTX_F_EXIT_R13 = 103,
	/** Number of fields (not a field). */
	TDXC_VTLCTX_F_COUNT = 104
};

/** Capabilities given at init (struct tdxc_vtlctx_params.caps). */
/** HvRegisterVsmCapabilities.Dr6Shared: DR6 is SHARED (TDX) instead of
 *  PRIVATE (SNP). */
#define TDXC_VTLCTX_CAP_DR6_SHARED (1u << 0)
/** Guest VTLs may access TSC_AUX through the register interface. */
#define TDXC_VTLCTX_CAP_TSC_AUX (1u << 1)
/** Every known capability bit. */
#define TDXC_VTLCTX_CAP_ALL (TDXC_VTLCTX_CAP_DR6_SHARED | TDXC_VTLCTX_CAP_TSC_AUX)

/** Backends (struct tdxc_vtlctx_params.backend). Values are ABI. */
enum tdxc_vtlctx_backend {
	/** One run page per VP meaning "the VTL being entered" (TDX). */
	TDXC_VTLCTX_BACKEND_TDX_STAGED = 1,
	/** One caller page per VTL; switches copy the SHARED set. */
	TDXC_VTLCTX_BACKEND_PER_VTL_PAGE = 2
};

/** Entry-flush values (TDXC_VTLCTX_F_ENTRY_FLUSH). */
#define TDXC_VTLCTX_FLUSH_NONE 0u
#define TDXC_VTLCTX_FLUSH_INVEPT 1u /**< INVEPT before the entry */
#define TDXC_VTLCTX_FLUSH_INVVPID 2u /**< INVVPID before the entry */
#define TDXC_VTLCTX_FLUSH_INVVPID_NONGLOBAL 3u /**< INVVPID, non-global translations only */

/** Value of RFLAGS in a freshly enabled VTL (bit 1 is always set). */
#define TDXC_VTLCTX_INIT_RFLAGS 0x2u
/** Initial x87 control word and MXCSR in the shared FX state. */
#define TDXC_VTLCTX_INIT_FCW 0x37Fu
#define TDXC_VTLCTX_INIT_MXCSR 0x1F80u /**< initial MXCSR */
/** Offsets of FCW and MXCSR inside the FXSAVE image. */
#define TDXC_VTLCTX_FX_FCW_OFFSET 0u
#define TDXC_VTLCTX_FX_MXCSR_OFFSET 24u /**< offset of MXCSR */

/* ---- TDX run page (OpenHCL mshv_vtl `hcl_run` + `tdx_vp_context`) ---- */
/** Bytes of the run page that the store reads and writes at most. */
#define TDXC_VTLCTX_RUN_PAGE_SIZE 1652u
/** Offsets inside the run page (pinned by static asserts in the library). */
#define TDXC_VTLCTX_RUN_CONTEXT_OFFSET 272u     /**< tdx_vp_context, 1024 B */
#define TDXC_VTLCTX_RUN_CONTEXT_SIZE 1024u /**< size of tdx_vp_context */
#define TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET 272u   /**< 11 x u64 */
#define TDXC_VTLCTX_RUN_VP_STATE_OFFSET 408u    /**< 8 x u64 */
#define TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET 504u   /**< u64 */
#define TDXC_VTLCTX_RUN_GPR_LIST_OFFSET 512u    /**< 160 B */
#define TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET 672u /**< 16 B */
#define TDXC_VTLCTX_RUN_FX_STATE_OFFSET 768u    /**< 512 B */
/** Bit position of the L2 VM index in the entry RCX (VM index = VTL + 1). */
#define TDXC_VTLCTX_ENTRY_RCX_VM_SHIFT 52u

/* ---- per-VTL page (TDXC_VTLCTX_BACKEND_PER_VTL_PAGE) ------------------ */
/** Size and required alignment of one per-VTL page. */
#define TDXC_VTLCTX_PAGE_SIZE 4096u
/** Canary bytes at the head and at the tail of each per-VTL page. */
#define TDXC_VTLCTX_CANARY_SIZE 64u

/** Init parameters (size-versioned input descriptor). */
struct tdxc_vtlctx_params {
	uint32_t size;     /**< sizeof(struct tdxc_vtlctx_params) */
	uint32_t caps;     /**< TDXC_VTLCTX_CAP_* */
	uint8_t n_vtls;    /**< guest VTLs, 1..15; 0 means 2 */
	uint8_t backend;   /**< enum tdxc_vtlctx_backend */
	/** Guest VTLs enabled for the partition (bit v = VTL v). Bit 0 is
	 *  required; 0 means "all n_vtls". */
	uint16_t partition_vtls;
	uint32_t reserved; /**< must be zero */
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_vtlctx_params) == 16, vtlctx_params_size);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_vtlctx_params, caps) == 4, vtlctx_params_caps);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_vtlctx_params, n_vtls) == 8, vtlctx_params_n);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_vtlctx_params, partition_vtls) == 10,
		   vtlctx_params_part);
TDXC_STATIC_ASSERT(offsetof(struct tdxc_vtlctx_params, reserved) == 12, vtlctx_params_rsv);

/** Description of one field (output of tdxc_vtlctx_field_info()). */
struct tdxc_vtlctx_field_info {
	uint8_t cls;         /**< enum tdxc_vtlctx_class, as in the table */
	uint8_t access;      /**< enum tdxc_vtlctx_access */
	uint16_t size;       /**< bytes (1, 8, 16 or 512) */
	/** Offset of the field in the TDX run page, 0 if not on it. */
	uint16_t run_offset;
	/** Offset of the field in a per-VTL page. */
	uint16_t page_offset;
};
TDXC_STATIC_ASSERT(sizeof(struct tdxc_vtlctx_field_info) == 8, vtlctx_field_info_size);

/** An opaque store, living in caller storage (see tdxc_vtlctx_init()). */
struct tdxc_vtlctx;

/* ---- the classification table ----------------------------------------- */

/**
 * Class of a field as listed in the table (DR6 is PLATFORM_DEPENDENT).
 * @return an enum tdxc_vtlctx_class value (> 0), or
 *   TDXC_ERANGE if @p field >= TDXC_VTLCTX_F_COUNT.
 * Pure function, any context.
 */
TDXC_API int tdxc_vtlctx_field_class(uint32_t field);

/**
 * Class of a field on a platform with capabilities @p caps: like
 * tdxc_vtlctx_field_class() but PLATFORM_DEPENDENT is resolved (DR6 is
 * SHARED with TDXC_VTLCTX_CAP_DR6_SHARED, PRIVATE without).
 * @return SHARED, PRIVATE, PER_EXIT or GLOBAL_PER_VP, or
 *   TDXC_ERANGE if @p field >= TDXC_VTLCTX_F_COUNT;
 *   TDXC_EFLAGS if @p caps has bits outside TDXC_VTLCTX_CAP_ALL.
 * Pure function, any context.
 */
TDXC_API int tdxc_vtlctx_classify(uint32_t field, uint32_t caps);

/**
 * Describe a field (class, access kind, size, page offsets).
 * @param field an enum tdxc_vtlctx_field value.
 * @param out written only on success.
 * @return 0, or TDXC_EINVAL if @p out is NULL;
 *   TDXC_ERANGE if @p field >= TDXC_VTLCTX_F_COUNT.
 * Pure function, any context.
 */
TDXC_API int tdxc_vtlctx_field_info(uint32_t field, struct tdxc_vtlctx_field_info *out);

/**
 * Name of a field ("RSP", "TSC_AUX", "SINT3" ...).
 * @return a static string; "?" for an unknown field. Never NULL.
 */
TDXC_API const char *tdxc_vtlctx_field_name(uint32_t field);

/* ---- lifetime ---------------------------------------------------------- */

/**
 * Bytes of caller storage a store with @p params needs (8-byte aligned).
 * @param params the store parameters (size-versioned).
 * @param size receives the size on success.
 * @return 0, or TDXC_EINVAL (NULL argument, unknown backend, n_vtls > 15,
 *   partition_vtls without bit 0 or with bits >= n_vtls);
 *   TDXC_ESIZE / TDXC_ERESERVED (descriptor size too small / unknown
 *   trailing bytes non-zero); TDXC_ERESERVED (reserved field non-zero);
 *   TDXC_EFLAGS (unknown caps bits).
 */
TDXC_API int tdxc_vtlctx_storage_size(const struct tdxc_vtlctx_params *params,
				      size_t *size);

/**
 * Initialise a store in caller storage. VTL0 is enabled (for the
 * partition it must be); every other VTL starts disabled (see
 * tdxc_vtlctx_enable()). Initial values: all zero except RFLAGS 0x2 and a
 * pending INVEPT (ENTRY_FLUSH) in VTL0, and the shared FX state with FCW
 * 0x37F and MXCSR 0x1F80. Per-VTL pages are zeroed and get canaries.
 *
 * @param storage  caller memory, 8-byte aligned, @p len bytes; owned by
 *                 the store until the caller stops using it (no fini).
 * @param len bytes at @p storage.
 * @param params the store parameters (size-versioned); only read during the call.
 * @param pages    PER_VTL_PAGE backend: n_vtls pointers to distinct
 *                 TDXC_VTLCTX_PAGE_SIZE-aligned pages of that size, owned
 *                 by the store like @p storage; TDX backend: must be NULL.
 * @param out      receives the store handle on success.
 * @return 0, or the errors of tdxc_vtlctx_storage_size(), or
 *   TDXC_EINVAL (NULL storage/out, NULL pages for the per-VTL-page
 *   backend, a NULL page, pages given to the TDX backend);
 *   TDXC_EALIGN (storage not 8-byte aligned, page not page-aligned);
 *   TDXC_ENOSPC (@p len too small);
 *   TDXC_EOVERLAP (two pages are the same/overlap, or a page overlaps
 *   @p storage).
 * Nothing is written on failure.
 */
TDXC_API int tdxc_vtlctx_init(void *storage, size_t len,
			      const struct tdxc_vtlctx_params *params,
			      void *const *pages, struct tdxc_vtlctx **out);

/**
 * Enable guest VTL @p vtl on this VP (HvCallEnableVpVtl): its private
 * context is reset (zero, RFLAGS 0x2, a pending INVEPT on first entry).
 * @return 0, or TDXC_EINVAL (NULL store); TDXC_ERANGE (vtl >= n_vtls);
 *   TDXC_EPERM (vtl not enabled for the partition);
 *   TDXC_EALREADY (already enabled; nothing changes).
 */
TDXC_API int tdxc_vtlctx_enable(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl);

/**
 * Is guest VTL @p vtl enabled on this VP?
 * @return 1 or 0, or TDXC_EINVAL (NULL store); TDXC_ERANGE (vtl >= n_vtls).
 */
TDXC_API int tdxc_vtlctx_is_enabled(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl);

/**
 * The VTL currently owning the live state: the staged VTL (TDX backend)
 * or the active VTL (per-VTL-page backend).
 * @return the VTL (>= 0), or TDXC_EINVAL (NULL store);
 *   TDXC_ENOENT (TDX backend with nothing staged).
 */
TDXC_API int tdxc_vtlctx_current(const struct tdxc_vtlctx *store);

/* ---- access ------------------------------------------------------------ */

/**
 * Read a field of VTL @p target as seen by VTL @p caller.
 *
 * Access policy, checked in this order:
 * - @p caller must be <= n_vtls (n_vtls is the owner) and @p target <
 *   n_vtls (so 0x0F and 0xFF are always out of range): else TDXC_ERANGE;
 * - a guest @p caller and the @p target must be enabled on this VP: else
 *   TDXC_ENOTUSABLE;
 * - never upward: target > caller is TDXC_EPERM; ARCH fields need target <
 *   caller, OWNER fields (entry plumbing, exit info, VP flags) caller ==
 *   n_vtls, VSM_VINA a target other than VTL0: else TDXC_EPERM; TSC_AUX
 *   from a guest caller needs TDXC_VTLCTX_CAP_TSC_AUX: else TDXC_ENOTSUP.
 * SHARED fields are one value whatever the target; PRIVATE ones are the
 * target's bank (or the staged page, while that VTL is staged).
 *
 * @param store the store.
 * @param caller the VTL asking (n_vtls for the owner).
 * @param target the VTL whose field is read.
 * @param field an enum tdxc_vtlctx_field value.
 * @param buf receives the little-endian field image (written only on success).
 * @param len must equal the field's size (TDXC_ESIZE otherwise).
 * @return 0, or TDXC_EINVAL (NULL store/buf), TDXC_ERANGE (bad field, VTL
 *   out of range), TDXC_ENOTUSABLE, TDXC_EPERM, TDXC_ENOTSUP (as above, or
 *   a PER_EXIT field with the per-VTL-page backend), TDXC_ESIZE,
 *   TDXC_ESTATE (a PER_EXIT field while staged, before any exit, or for a
 *   VTL other than the one that last ran).
 */
TDXC_API int tdxc_vtlctx_read(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
			      tdxc_vtlctx_vtl target, uint32_t field, void *buf,
			      size_t len);

/**
 * Write a field (same policy as tdxc_vtlctx_read()). PER_EXIT fields are
 * read-only (TDXC_EPERM). Values are checked: RFLAGS needs bit 1 set and
 * reserved bits clear, ENTRY_FLUSH <= 3, VP_FLAGS <= 3,
 * TSC_DEADLINE_UPDATE <= 1, the 6 pad bytes of GDTR/IDTR zero (else
 * TDXC_EINVAL). The store is unchanged on any error.
 * @return as tdxc_vtlctx_read(), plus TDXC_EINVAL for a bad value.
 */
TDXC_API int tdxc_vtlctx_write(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
			       tdxc_vtlctx_vtl target, uint32_t field, const void *buf,
			       size_t len);

/**
 * tdxc_vtlctx_read() of a scalar field (size <= 8) as a number.
 * @return as tdxc_vtlctx_read(); TDXC_ESIZE for a block field.
 */
TDXC_API int tdxc_vtlctx_get(const struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
			     tdxc_vtlctx_vtl target, uint32_t field, uint64_t *value);

/**
 * tdxc_vtlctx_write() of a scalar field (size <= 8) from a number.
 * @return as tdxc_vtlctx_write(); TDXC_ESIZE for a block field;
 *   TDXC_ERANGE if @p value does not fit a 1-byte field.
 */
TDXC_API int tdxc_vtlctx_set(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl caller,
			     tdxc_vtlctx_vtl target, uint32_t field, uint64_t value);

/* ---- TDX staged backend ------------------------------------------------ */

/**
 * Stage VTL @p vtl into the run page before entering it: the context area
 * (TDXC_VTLCTX_RUN_CONTEXT_OFFSET, 1024 bytes) is rewritten with the
 * shared fields, VTL @p vtl's private fields, the VP flags and the entry
 * RCX ((vtl + 1) << 52 | ENTRY_FLUSH); exit info and padding are zeroed;
 * bytes outside the context area are not touched. Other VTLs' private
 * fields are never written. Per-exit data of the previous exit becomes
 * unreadable. The page belongs to the store until tdxc_vtlctx_unstage().
 * @param store the store.
 * @param vtl the guest VTL about to be entered.
 * @param page the run page, as the kernel maps it.
 * @param len bytes at @p page (>= TDXC_VTLCTX_RUN_PAGE_SIZE).
 * @return 0, or TDXC_EINVAL (NULL store/page); TDXC_ENOTSUP (per-VTL-page
 *   backend); TDXC_ENOSPC (len too small); TDXC_ERANGE (vtl >= n_vtls);
 *   TDXC_ENOTUSABLE (vtl not enabled); TDXC_EBUSY (a VTL is staged);
 *   TDXC_EOVERLAP (page overlaps the store's storage).
 */
TDXC_API int tdxc_vtlctx_stage(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl,
			       void *page, size_t len);

/**
 * Unstage after the exit: copy the shared fields, VTL @p vtl's private
 * fields, the entry flush request and the VP flags back from the page,
 * and capture the exit info as per-exit data of @p vtl. The page is
 * untrusted: every value is checked first (entry RCX must still carry VM
 * index vtl + 1 and no other bits but 1:0, RFLAGS/flags as in
 * tdxc_vtlctx_write()); on any error nothing changes and @p vtl stays
 * staged.
 * @return 0, or TDXC_EINVAL (NULL store/page); TDXC_ENOTSUP (per-VTL-page
 *   backend); TDXC_ESTATE (nothing staged, or @p vtl is not the staged
 *   VTL); TDXC_EFOREIGN (not the staged page); TDXC_ECORRUPT (bad value in
 *   the page).
 */
TDXC_API int tdxc_vtlctx_unstage(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl vtl,
				 void *page);

/**
 * Read a field directly from the staged run page, as the kernel sees it.
 * SHARED and VP-flag fields need some VTL staged on @p page; PRIVATE ones
 * need @p vtl to be the staged VTL. Per-exit data is read with
 * tdxc_vtlctx_read() after tdxc_vtlctx_unstage().
 * @return 0, or TDXC_EINVAL (NULL argument); TDXC_ENOTSUP (per-VTL-page
 *   backend); TDXC_ERANGE (bad field or vtl); TDXC_ENOENT (field not on
 *   the run page); TDXC_ESIZE (len != field size); TDXC_ESTATE (nothing
 *   staged, a PRIVATE field of a VTL that is not staged, or a PER_EXIT
 *   field); TDXC_EFOREIGN (@p page is not the staged page).
 */
TDXC_API int tdxc_vtlctx_page_read(const struct tdxc_vtlctx *store, const void *page,
				   tdxc_vtlctx_vtl vtl, uint32_t field, void *buf,
				   size_t len);

/* ---- per-VTL page backend ---------------------------------------------- */

/**
 * Switch from the active VTL @p from to VTL @p to: copy exactly the SHARED
 * fields (DR6 too when TDXC_VTLCTX_CAP_DR6_SHARED) from @p from's page to
 * @p to's page; PRIVATE fields stay in their pages. Both pages' canaries
 * are checked first.
 * @return 0, or TDXC_EINVAL (NULL store); TDXC_ENOTSUP (TDX backend);
 *   TDXC_ERANGE (from/to >= n_vtls); TDXC_ENOTUSABLE (to not enabled);
 *   TDXC_ESTATE (@p from is not the active VTL); TDXC_EALREADY (from ==
 *   to); TDXC_ECORRUPT (a canary of either page was overwritten; nothing
 *   is copied).
 */
TDXC_API int tdxc_vtlctx_switch(struct tdxc_vtlctx *store, tdxc_vtlctx_vtl from,
				tdxc_vtlctx_vtl to);

/**
 * Check the store's integrity: its header and, for the per-VTL-page
 * backend, every page's head and tail canary.
 * @return 0, or TDXC_EINVAL (NULL store); TDXC_ECORRUPT (header damaged
 *   or a canary overwritten, e.g. by a write past the previous page).
 */
TDXC_API int tdxc_vtlctx_check(const struct tdxc_vtlctx *store);

/* ---- save / restore ---------------------------------------------------- */

/**
 * Size of a save blob of this store (depends on n_vtls, caps and the
 * enabled VTLs).
 * @return 0, or TDXC_EINVAL (NULL argument).
 */
TDXC_API int tdxc_vtlctx_save_size(const struct tdxc_vtlctx *store, size_t *size);

/**
 * Save the VP's context (shared and global fields, then every enabled
 * VTL's private fields) into @p buf: version 1, little-endian, with a
 * checksum. Per-exit data is not saved. Only while nothing is staged.
 * The blob holds every VTL's private state: it is for the owner only and
 * must never be handed to a guest VTL.
 * @param store the store.
 * @param buf output buffer (caller memory).
 * @param len bytes at @p buf.
 * @param written receives the blob size on success (may be NULL).
 * @return 0, or TDXC_EINVAL (NULL store/buf); TDXC_ESTATE (a VTL is
 *   staged); TDXC_ENOSPC (@p len < tdxc_vtlctx_save_size());
 *   TDXC_ECORRUPT (a per-VTL page canary is damaged).
 */
TDXC_API int tdxc_vtlctx_save(const struct tdxc_vtlctx *store, void *buf, size_t len,
			      size_t *written);

/**
 * Restore a blob made by tdxc_vtlctx_save() into a store with the same
 * configuration. All-or-nothing: the whole blob is checked before anything
 * is written; on any error the store is unchanged. Per-exit data is
 * discarded on success.
 * @return 0, or TDXC_EINVAL (NULL store/buf); TDXC_ESTATE (a VTL is
 *   staged); TDXC_ETRUNC (shorter than its header or its length field);
 *   TDXC_EBADSIG (magic); TDXC_EVERSION (format version or field count);
 *   TDXC_EMALFORMED (header length, payload size, a bad field value, an
 *   active VTL that is not enabled); TDXC_ESIZE (bytes after the blob's
 *   length); TDXC_ERESERVED (reserved header bytes non-zero);
 *   TDXC_ECHECKSUM (checksum mismatch); TDXC_ENOTUSABLE (n_vtls, caps or
 *   the partition/VP enabled VTL sets differ from the store's);
 *   TDXC_ECORRUPT (a per-VTL page canary is damaged).
 */
TDXC_API int tdxc_vtlctx_restore(struct tdxc_vtlctx *store, const void *buf, size_t len);

/* ---- snapshot container records (tdxcore/snapshot.h) ------------------ */

struct tdxc_snapshot_writer;
struct tdxc_snapshot_reader;

/**
 * Add this store's state as the vtlctx record of VP @p vp_index to a
 * snapshot container being written (record module TDXC_SNAPSHOT_MOD_VTLCTX,
 * body = the tdxc_vtlctx_save() blob, see docs/snapshot-format.md). The
 * record carries every guest VTL's private state and the owner's entry
 * plumbing, i.e. state of VTL n_vtls: the writer's producer VTL must be at
 * least n_vtls. In measuring mode (writer without buffer) only the size is
 * accounted. Same context rules as tdxc_vtlctx_save(); the writer is the
 * caller's and is unchanged on error.
 * @return 0, or TDXC_EINVAL (NULL argument, store or writer not
 *   initialised); TDXC_EPERM (producer VTL below n_vtls or
 *   TDXC_SNAPSHOT_VTL_NONE); TDXC_ESTATE (a VTL is staged, or the writer is
 *   finished); TDXC_ECORRUPT (a per-VTL page canary is damaged);
 *   TDXC_ENOSPC (the writer's buffer is full); TDXC_E2BIG (the container
 *   would exceed its size limit).
 */
TDXC_API int tdxc_vtlctx_snapshot_add(const struct tdxc_vtlctx *store, uint32_t vp_index,
				      struct tdxc_snapshot_writer *w);

/**
 * Restore VP @p vp_index's state from an opened container into @p store
 * (all or nothing: on any error the store is unchanged). The blob is
 * untrusted: it may not carry state of a VTL above the container's
 * producer VTL, enable a VTL that the VP or the partition does not have,
 * or add capabilities.
 * @return 0, or TDXC_EINVAL (NULL argument, store not initialised, reader
 *   not open); TDXC_ENOENT (no vtlctx record for @p vp_index);
 *   TDXC_EVERSION (record version 0, blob format version or field count);
 *   TDXC_EMALFORMED (record header lengths, a version-1 record with
 *   trailing bytes, two records for the VP, or as tdxc_vtlctx_restore());
 *   TDXC_ERESERVED (record reserved field, non-zero fields of a newer
 *   record version, or as tdxc_vtlctx_restore());
 *   TDXC_EPERM (producer VTL below n_vtls or TDXC_SNAPSHOT_VTL_NONE; the
 *   blob enables a VTL the VP or partition lacks, or has capability bits
 *   the store lacks); TDXC_ENOTUSABLE (other n_vtls/caps/VTL set
 *   mismatch); TDXC_ESTATE (a VTL is staged); and TDXC_ETRUNC,
 *   TDXC_EBADSIG, TDXC_ESIZE, TDXC_ECHECKSUM, TDXC_ECORRUPT as
 *   tdxc_vtlctx_restore().
 */
TDXC_API int tdxc_vtlctx_snapshot_restore(struct tdxc_vtlctx *store, uint32_t vp_index,
					  const struct tdxc_snapshot_reader *r);

/** Save-format constants. */
#define TDXC_VTLCTX_SAVE_MAGIC 0x434C5456u /* "VTLC" little-endian */
#define TDXC_VTLCTX_SAVE_VERSION 1u /**< format version written */
#define TDXC_VTLCTX_SAVE_HEADER_SIZE 32u /**< bytes of the blob header */

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_VTLCTX_H */
