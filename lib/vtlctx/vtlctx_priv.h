/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * vtlctx internals: the field table (one X-macro list from which the
 * table, its order/totality checks and the context-image layout are all
 * generated), the run-page layout mirror and the store object.
 */
#ifndef TDXC_VTLCTX_PRIV_H
#define TDXC_VTLCTX_PRIV_H

#include "internal.h"
#include <tdxcore/vtlctx.h>

/*
 * Mirror of the OpenHCL run page (`hcl_run`). Never laid over a buffer:
 * it only exists so that offsetof() pins the offsets the store uses with
 * explicit little-endian accesses. `context` is a byte array there, so the
 * struct has 4-byte alignment and is exactly 1652 bytes.
 */
struct vtlctx_hcl_run {
	uint32_t cancel;
	uint32_t vtl_ret_action_size;
	uint32_t flags;
	uint8_t scan_proxy_irr;
	uint8_t offload_flags;
	uint8_t pad;
	uint8_t mode;
	uint8_t exit_message[256];
	uint8_t context[1024];
	uint8_t vtl_ret_actions[256];
	uint32_t proxy_irr[8];
	uint8_t target_vtl;
	uint8_t pad2[3];
	uint32_t proxy_irr_blocked[8];
	uint32_t proxy_irr_exit[8];
};

struct vtlctx_vp_state {
	uint64_t kernel_gs_base, star, lstar, sfmask, xss, cr2, tsc_aux, flags;
};

struct vtlctx_gpr_list {
	uint64_t gps[16]; /* RAX RCX RDX RBX RSP RBP RSI RDI R8..R15 */
	uint64_t rflags, rip, ssp;
	uint8_t rvi, svi;
	uint8_t reserved[6];
};

struct vtlctx_l2_tsc_deadline {
	uint64_t deadline;
	uint8_t update_deadline;
	uint8_t pad[7];
};

/* Mirror of `tdx_vp_context`, the 1024-byte context area of the page. */
struct vtlctx_tdx_vp_context {
	uint64_t exit_info[11]; /* RAX RCX RDX RSI RDI R8..R13 */
	uint8_t pad1[48];
	struct vtlctx_vp_state vp_state;
	uint8_t pad2[32];
	uint64_t entry_rcx;
	struct vtlctx_gpr_list gpr_list;
	struct vtlctx_l2_tsc_deadline l2_tsc_deadline;
	uint8_t pad3[80];
	uint8_t fx_state[512];
	uint8_t pad4[16];
};

/* The whole page as seen through the TDX context layout. */
struct vtlctx_run_view {
	uint8_t head[272];
	struct vtlctx_tdx_vp_context ctx;
};

/* Offset of a context member inside the run page. */
#define VTLCTX_RUN(m) ((uint16_t)offsetof(struct vtlctx_run_view, ctx.m))

/* Value checks applied on write, unstage and restore. */
enum vtlctx_check {
	VC_NONE = 0,
	VC_RFLAGS,   /* bit 1 set; bits 3, 5, 15, 22..63 clear */
	VC_MAX3,     /* value <= 3 */
	VC_MAX1,     /* value <= 1 */
	VC_TABLEREG  /* 6 pad bytes zero */
};

#define VS TDXC_VTLCTX_CLASS_SHARED
#define VP TDXC_VTLCTX_CLASS_PRIVATE
#define VX TDXC_VTLCTX_CLASS_PER_EXIT
#define VG TDXC_VTLCTX_CLASS_GLOBAL_PER_VP
#define VD TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT
#define AA TDXC_VTLCTX_ACCESS_ARCH
#define AH TDXC_VTLCTX_ACCESS_HV
#define AO TDXC_VTLCTX_ACCESS_OWNER

/*
 * THE classification table, in enum order: F(id, class, access, size,
 * offset in the run page or 0, value check). Adding a field to the public
 * enum without a line here (or in another order) fails to compile.
 */
#define VTLCTX_FIELDS(F)                                                      \
	F(RAX, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[0]), VC_NONE)               \
	F(RCX, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[1]), VC_NONE)               \
	F(RDX, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[2]), VC_NONE)               \
	F(RBX, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[3]), VC_NONE)               \
	F(RSP, VP, AA, 8, VTLCTX_RUN(gpr_list.gps[4]), VC_NONE)               \
	F(RBP, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[5]), VC_NONE)               \
	F(RSI, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[6]), VC_NONE)               \
	F(RDI, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[7]), VC_NONE)               \
	F(R8, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[8]), VC_NONE)                \
	F(R9, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[9]), VC_NONE)                \
	F(R10, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[10]), VC_NONE)              \
	F(R11, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[11]), VC_NONE)              \
	F(R12, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[12]), VC_NONE)              \
	F(R13, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[13]), VC_NONE)              \
	F(R14, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[14]), VC_NONE)              \
	F(R15, VS, AA, 8, VTLCTX_RUN(gpr_list.gps[15]), VC_NONE)              \
	F(RIP, VP, AA, 8, VTLCTX_RUN(gpr_list.rip), VC_NONE)                  \
	F(RFLAGS, VP, AA, 8, VTLCTX_RUN(gpr_list.rflags), VC_RFLAGS)          \
	F(SSP, VP, AA, 8, VTLCTX_RUN(gpr_list.ssp), VC_NONE)                  \
	F(RVI, VP, AO, 1, VTLCTX_RUN(gpr_list.rvi), VC_NONE)                  \
	F(SVI, VP, AO, 1, VTLCTX_RUN(gpr_list.svi), VC_NONE)                  \
	F(CR0, VP, AA, 8, 0, VC_NONE)                                         \
	F(CR2, VS, AA, 8, VTLCTX_RUN(vp_state.cr2), VC_NONE)                  \
	F(CR3, VP, AA, 8, 0, VC_NONE)                                         \
	F(CR4, VP, AA, 8, 0, VC_NONE)                                         \
	F(XCR0, VS, AA, 8, 0, VC_NONE)                                        \
	F(DR0, VS, AA, 8, 0, VC_NONE)                                         \
	F(DR1, VS, AA, 8, 0, VC_NONE)                                         \
	F(DR2, VS, AA, 8, 0, VC_NONE)                                         \
	F(DR3, VS, AA, 8, 0, VC_NONE)                                         \
	F(DR6, VD, AA, 8, 0, VC_NONE)                                         \
	F(DR7, VP, AA, 8, 0, VC_NONE)                                         \
	F(EFER, VP, AA, 8, 0, VC_NONE)                                        \
	F(PAT, VP, AA, 8, 0, VC_NONE)                                         \
	F(ES, VP, AA, 16, 0, VC_NONE)                                         \
	F(CS, VP, AA, 16, 0, VC_NONE)                                         \
	F(SS, VP, AA, 16, 0, VC_NONE)                                         \
	F(DS, VP, AA, 16, 0, VC_NONE)                                         \
	F(FS, VP, AA, 16, 0, VC_NONE)                                         \
	F(GS, VP, AA, 16, 0, VC_NONE)                                         \
	F(LDTR, VP, AA, 16, 0, VC_NONE)                                       \
	F(TR, VP, AA, 16, 0, VC_NONE)                                         \
	F(GDTR, VP, AA, 16, 0, VC_TABLEREG)                                   \
	F(IDTR, VP, AA, 16, 0, VC_TABLEREG)                                   \
	F(SYSENTER_CS, VP, AA, 8, 0, VC_NONE)                                 \
	F(SYSENTER_ESP, VP, AA, 8, 0, VC_NONE)                                \
	F(SYSENTER_EIP, VP, AA, 8, 0, VC_NONE)                                \
	F(STAR, VP, AA, 8, VTLCTX_RUN(vp_state.star), VC_NONE)                \
	F(LSTAR, VP, AA, 8, VTLCTX_RUN(vp_state.lstar), VC_NONE)              \
	F(CSTAR, VP, AA, 8, 0, VC_NONE)                                       \
	F(SFMASK, VP, AA, 8, VTLCTX_RUN(vp_state.sfmask), VC_NONE)            \
	F(KERNEL_GS_BASE, VP, AA, 8, VTLCTX_RUN(vp_state.kernel_gs_base), VC_NONE) \
	F(TSC_AUX, VP, AA, 8, VTLCTX_RUN(vp_state.tsc_aux), VC_NONE)          \
	F(XSS, VP, AA, 8, VTLCTX_RUN(vp_state.xss), VC_NONE)                  \
	F(FX_STATE, VS, AA, 512, VTLCTX_RUN(fx_state), VC_NONE)               \
	F(HYPERCALL, VP, AH, 8, 0, VC_NONE)                                   \
	F(GUEST_OS_ID, VP, AH, 8, 0, VC_NONE)                                 \
	F(REFERENCE_TSC, VP, AH, 8, 0, VC_NONE)                               \
	F(VP_ASSIST_PAGE, VP, AH, 8, 0, VC_NONE)                              \
	F(SCONTROL, VP, AH, 8, 0, VC_NONE)                                    \
	F(SVERSION, VP, AH, 8, 0, VC_NONE)                                    \
	F(SIEFP, VP, AH, 8, 0, VC_NONE)                                       \
	F(SIMP, VP, AH, 8, 0, VC_NONE)                                        \
	F(SINT0, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT1, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT2, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT3, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT4, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT5, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT6, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT7, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT8, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT9, VP, AH, 8, 0, VC_NONE)                                       \
	F(SINT10, VP, AH, 8, 0, VC_NONE)                                      \
	F(SINT11, VP, AH, 8, 0, VC_NONE)                                      \
	F(SINT12, VP, AH, 8, 0, VC_NONE)                                      \
	F(SINT13, VP, AH, 8, 0, VC_NONE)                                      \
	F(SINT14, VP, AH, 8, 0, VC_NONE)                                      \
	F(SINT15, VP, AH, 8, 0, VC_NONE)                                      \
	F(STIMER0_CONFIG, VP, AH, 8, 0, VC_NONE)                              \
	F(STIMER1_CONFIG, VP, AH, 8, 0, VC_NONE)                              \
	F(STIMER2_CONFIG, VP, AH, 8, 0, VC_NONE)                              \
	F(STIMER3_CONFIG, VP, AH, 8, 0, VC_NONE)                              \
	F(STIMER0_COUNT, VP, AH, 8, 0, VC_NONE)                               \
	F(STIMER1_COUNT, VP, AH, 8, 0, VC_NONE)                               \
	F(STIMER2_COUNT, VP, AH, 8, 0, VC_NONE)                               \
	F(STIMER3_COUNT, VP, AH, 8, 0, VC_NONE)                               \
	F(VSM_VINA, VP, AH, 8, 0, VC_NONE)                                    \
	F(ENTRY_FLUSH, VP, AO, 1, VTLCTX_RUN(entry_rcx), VC_MAX3)             \
	F(PENDING_EVENT, VP, AO, 8, 0, VC_NONE)                               \
	F(TSC_DEADLINE, VP, AO, 8, VTLCTX_RUN(l2_tsc_deadline.deadline), VC_NONE) \
	F(TSC_DEADLINE_UPDATE, VP, AO, 1,                                     \
	  VTLCTX_RUN(l2_tsc_deadline.update_deadline), VC_MAX1)               \
	F(VP_FLAGS, VG, AO, 8, VTLCTX_RUN(vp_state.flags), VC_MAX3)           \
	F(EXIT_RAX, VX, AO, 8, VTLCTX_RUN(exit_info[0]), VC_NONE)             \
	F(EXIT_RCX, VX, AO, 8, VTLCTX_RUN(exit_info[1]), VC_NONE)             \
	F(EXIT_RDX, VX, AO, 8, VTLCTX_RUN(exit_info[2]), VC_NONE)             \
	F(EXIT_RSI, VX, AO, 8, VTLCTX_RUN(exit_info[3]), VC_NONE)             \
	F(EXIT_RDI, VX, AO, 8, VTLCTX_RUN(exit_info[4]), VC_NONE)             \
	F(EXIT_R8, VX, AO, 8, VTLCTX_RUN(exit_info[5]), VC_NONE)              \
	F(EXIT_R9, VX, AO, 8, VTLCTX_RUN(exit_info[6]), VC_NONE)              \
	F(EXIT_R10, VX, AO, 8, VTLCTX_RUN(exit_info[7]), VC_NONE)             \
	F(EXIT_R11, VX, AO, 8, VTLCTX_RUN(exit_info[8]), VC_NONE)             \
	F(EXIT_R12, VX, AO, 8, VTLCTX_RUN(exit_info[9]), VC_NONE)             \
	F(EXIT_R13, VX, AO, 8, VTLCTX_RUN(exit_info[10]), VC_NONE)

/*
 * Context image: every field at a fixed 8-byte-aligned slot, in table
 * order (little-endian bytes). Slot numbers in 8-byte units come from the
 * same list: VTLCTX_SLOT_<id> is the first unit, the _END_ entry the last.
 */
#define VTLCTX_UNITS(sz) (((sz) + 7) / 8)
enum vtlctx_slots {
#define VTLCTX_SLOT_F(id, c, a, sz, ro, ck)                                   \
	VTLCTX_SLOT_##id, VTLCTX_SLOT_END_##id = VTLCTX_SLOT_##id + VTLCTX_UNITS(sz) - 1,
	VTLCTX_FIELDS(VTLCTX_SLOT_F)
#undef VTLCTX_SLOT_F
	VTLCTX_SLOT_TOTAL
};
#define VTLCTX_IMG_SIZE ((size_t)VTLCTX_SLOT_TOTAL * 8u)

/* One row of the table. */
struct vtlctx_fdesc {
	uint8_t cls;
	uint8_t access;
	uint16_t size;
	uint16_t run_off; /* 0: not on the run page */
	uint16_t img_off;
	uint8_t check;    /* enum vtlctx_check */
	const char *name;
};

TDXC_HIDDEN extern const struct vtlctx_fdesc tdxc__vtlctx_fields[TDXC_VTLCTX_F_COUNT];

/* Class of a field with DR6 resolved from caps. f must be valid. */
static inline uint8_t vtlctx_resolve(uint32_t f, uint32_t caps)
{
	uint8_t c = tdxc__vtlctx_fields[f].cls;
	if (c == TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT)
		c = (caps & TDXC_VTLCTX_CAP_DR6_SHARED) ? TDXC_VTLCTX_CLASS_SHARED
							: TDXC_VTLCTX_CLASS_PRIVATE;
	return c;
}

/* Scalar value of a 1- or 8-byte field image. */
static inline uint64_t vtlctx_load(uint16_t size, const uint8_t *p)
{
	return size == 1 ? p[0] : tdxc__le64(p);
}

/* Value check of one field's bytes (little-endian image). */
TDXC_HIDDEN bool tdxc__vtlctx_value_ok(uint32_t f, const uint8_t *p);

/* ---- the store -------------------------------------------------------- */

#define VTLCTX_STORE_MAGIC 0x78745674u
#define VTLCTX_NONE 0xFFu
/* Offset of the context image inside a per-VTL page. */
#define VTLCTX_PAGE_IMG_OFF TDXC_VTLCTX_CANARY_SIZE

/*
 * Copy plans, built at init from the table (so the table stays the one
 * source): byte spans of the context image that move together. Adjacent
 * fields of the same kind are merged, so a switch or a stage is a handful
 * of memcpy calls instead of a walk over the whole table.
 */
enum vtlctx_span_kind { SPAN_COMMON = 0, SPAN_PRIVATE = 1, SPAN_EXIT = 2 };
struct vtlctx_span {
	uint16_t img_off;
	uint16_t run_off; /* TDX run page; unused in the shared plan */
	uint16_t len;
	uint8_t kind;     /* enum vtlctx_span_kind */
	uint8_t pad;
};
/* Upper bounds from the table itself (one span per field at worst). */
#define VTLCTX_CNT_SHARED_F(id, c, a, sz, ro, ck) +((c) == VS || (c) == VD)
#define VTLCTX_CNT_RUN_F(id, c, a, sz, ro, ck) +((ro) != 0)
#define VTLCTX_CNT_CHECKED_F(id, c, a, sz, ro, ck) +((ro) != 0 && (ck) != VC_NONE)
enum {
	VTLCTX_MAX_SHARED_SPANS = 0 VTLCTX_FIELDS(VTLCTX_CNT_SHARED_F),
	VTLCTX_MAX_RUN_SPANS = 0 VTLCTX_FIELDS(VTLCTX_CNT_RUN_F),
	VTLCTX_MAX_CHECKED = 0 VTLCTX_FIELDS(VTLCTX_CNT_CHECKED_F)
};

struct vtlctx_store {
	uint32_t magic;
	uint32_t caps;
	uint8_t n_vtls;
	uint8_t backend;
	uint8_t staged;   /* TDX: staged VTL or VTLCTX_NONE */
	uint8_t exit_vtl; /* TDX: VTL whose per-exit data is valid, or NONE */
	uint8_t active;   /* per-VTL page: VTL whose page holds the shared set */
	uint8_t pad0;
	uint16_t part_mask;
	uint16_t vp_mask;
	uint16_t pad1;
	uint32_t pad2;
	uint8_t n_shared_spans;
	uint8_t n_run_spans;
	uint8_t n_checked;
	uint8_t pad3[5];
	/* On-page fields with a value check (validated on unstage). */
	uint8_t checked[VTLCTX_MAX_CHECKED];
	struct vtlctx_span shared_spans[VTLCTX_MAX_SHARED_SPANS];
	struct vtlctx_span run_spans[VTLCTX_MAX_RUN_SPANS];
	uint8_t *staged_page;
	/* Per-VTL images: TDX banks in storage, or page + VTLCTX_PAGE_IMG_OFF. */
	uint8_t *img[TDXC_VTLCTX_MAX_VTLS];
	/* Per-VTL page backend: page bases (NULL for TDX). */
	uint8_t *page[TDXC_VTLCTX_MAX_VTLS];
	/* Shared (TDX), VP-global and per-exit fields. */
	uint8_t common[VTLCTX_IMG_SIZE];
	/* TDX: n_vtls banks of VTLCTX_IMG_SIZE bytes follow. */
};

static inline struct vtlctx_store *vtlctx_s(struct tdxc_vtlctx *p)
{
	return (struct vtlctx_store *)(void *)p;
}

static inline const struct vtlctx_store *vtlctx_cs(const struct tdxc_vtlctx *p)
{
	return (const struct vtlctx_store *)(const void *)p;
}

/* Header sanity (magic, bounds of every index the store uses). */
TDXC_HIDDEN bool tdxc__vtlctx_header_ok(const struct vtlctx_store *s);
/* Canaries of VTL v's page intact (per-VTL page backend). */
TDXC_HIDDEN bool tdxc__vtlctx_canary_ok(const struct vtlctx_store *s, unsigned v);
/* Whole-store integrity: TDXC_ECORRUPT or 0. */
TDXC_HIDDEN int tdxc__vtlctx_integrity(const struct vtlctx_store *s);

/* The image that holds the shared fields when nothing is staged. */
static inline uint8_t *vtlctx_shared_img(const struct vtlctx_store *s)
{
	if (s->backend == TDXC_VTLCTX_BACKEND_PER_VTL_PAGE)
		return s->img[s->active];
	return (uint8_t *)s->common;
}

#endif /* TDXC_VTLCTX_PRIV_H */
