/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The field classification table and its queries. Everything here is
 * generated from VTLCTX_FIELDS, and the compile-time checks below make the
 * table total: one row per public field id, in id order, each with a valid
 * class, access kind and size, each run-page field inside the context area.
 */
#include "vtlctx_priv.h"

/* ---- run page layout pins (spec: hcl_run and tdx_vp_context) ---------- */
TDXC_STATIC_ASSERT(sizeof(struct vtlctx_hcl_run) == TDXC_VTLCTX_RUN_PAGE_SIZE, run_size);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, vtl_ret_action_size) == 4, run_vra);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, flags) == 8, run_flags);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, scan_proxy_irr) == 12, run_scan);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, offload_flags) == 13, run_offload);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, mode) == 15, run_mode);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, exit_message) == 16, run_exit_msg);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, context) == TDXC_VTLCTX_RUN_CONTEXT_OFFSET,
		   run_context);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, vtl_ret_actions) == 1296, run_ret);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, proxy_irr) == 1552, run_irr);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, target_vtl) == 1584, run_target);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, proxy_irr_blocked) == 1588, run_blocked);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_hcl_run, proxy_irr_exit) == 1620, run_irr_exit);

TDXC_STATIC_ASSERT(sizeof(struct vtlctx_tdx_vp_context) == TDXC_VTLCTX_RUN_CONTEXT_SIZE,
		   ctx_size);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_tdx_vp_context, vp_state) == 136, ctx_vp_state);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_tdx_vp_context, entry_rcx) == 232, ctx_entry_rcx);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_tdx_vp_context, gpr_list) == 240, ctx_gpr_list);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_tdx_vp_context, l2_tsc_deadline) == 400, ctx_tsc);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_tdx_vp_context, fx_state) == 496, ctx_fx);
TDXC_STATIC_ASSERT(sizeof(struct vtlctx_gpr_list) == 160, gpr_list_size);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_gpr_list, rflags) == 128, gpr_rflags);
TDXC_STATIC_ASSERT(offsetof(struct vtlctx_gpr_list, rvi) == 152, gpr_rvi);
TDXC_STATIC_ASSERT(sizeof(struct vtlctx_vp_state) == 64, vp_state_size);

TDXC_STATIC_ASSERT(offsetof(struct vtlctx_run_view, ctx) == TDXC_VTLCTX_RUN_CONTEXT_OFFSET,
		   view_ctx);
TDXC_STATIC_ASSERT(VTLCTX_RUN(exit_info) == TDXC_VTLCTX_RUN_EXIT_INFO_OFFSET, page_exit);
TDXC_STATIC_ASSERT(VTLCTX_RUN(vp_state) == TDXC_VTLCTX_RUN_VP_STATE_OFFSET, page_vp_state);
TDXC_STATIC_ASSERT(VTLCTX_RUN(entry_rcx) == TDXC_VTLCTX_RUN_ENTRY_RCX_OFFSET, page_rcx);
/* OpenVMM asserts this one; it is the GPR-list address given to TDG.VP.ENTER. */
TDXC_STATIC_ASSERT(VTLCTX_RUN(gpr_list) == TDXC_VTLCTX_RUN_GPR_LIST_OFFSET, page_gpr_list);
TDXC_STATIC_ASSERT(VTLCTX_RUN(l2_tsc_deadline) == TDXC_VTLCTX_RUN_TSC_DEADLINE_OFFSET,
		   page_tsc);
TDXC_STATIC_ASSERT(VTLCTX_RUN(fx_state) == TDXC_VTLCTX_RUN_FX_STATE_OFFSET, page_fx);
TDXC_STATIC_ASSERT(VTLCTX_RUN(gpr_list.gps[4]) == 544, page_rsp);

/* ---- table totality and order ----------------------------------------- */

/* Position of every row in the list: must equal the public id. */
enum vtlctx_rowpos {
#define VTLCTX_POS_F(id, c, a, sz, ro, ck) VTLCTX_POS_##id,
	VTLCTX_FIELDS(VTLCTX_POS_F)
#undef VTLCTX_POS_F
	VTLCTX_POS_COUNT
};
TDXC_STATIC_ASSERT((int)VTLCTX_POS_COUNT == (int)TDXC_VTLCTX_F_COUNT, table_has_every_field);

#define VTLCTX_CHECK_F(id, c, a, sz, ro, ck)                                  \
	TDXC_STATIC_ASSERT((int)VTLCTX_POS_##id == (int)TDXC_VTLCTX_F_##id, row_order_##id); \
	TDXC_STATIC_ASSERT((c) >= TDXC_VTLCTX_CLASS_SHARED &&                 \
			   (c) <= TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT, row_class_##id); \
	TDXC_STATIC_ASSERT((a) >= TDXC_VTLCTX_ACCESS_ARCH &&                  \
			   (a) <= TDXC_VTLCTX_ACCESS_OWNER, row_access_##id); \
	TDXC_STATIC_ASSERT((sz) == 1 || (sz) == 8 || (sz) == 16 || (sz) == 512, \
			   row_size_##id);                                    \
	TDXC_STATIC_ASSERT((ro) == 0 ||                                       \
			   ((ro) >= TDXC_VTLCTX_RUN_CONTEXT_OFFSET &&         \
			    (ro) + (sz) <= TDXC_VTLCTX_RUN_CONTEXT_OFFSET +   \
					       TDXC_VTLCTX_RUN_CONTEXT_SIZE), \
			   row_run_##id);                                     \
	TDXC_STATIC_ASSERT((c) != TDXC_VTLCTX_CLASS_PLATFORM_DEPENDENT || (ro) == 0, \
			   row_pd_off_page_##id);
VTLCTX_FIELDS(VTLCTX_CHECK_F)
#undef VTLCTX_CHECK_F

/* Facts the spec pins on individual rows (the shipped fixes). */
TDXC_STATIC_ASSERT(VTLCTX_POS_RSP == 4, rsp_is_gps4);

/* The image and two canaries fit one per-VTL page. */
TDXC_STATIC_ASSERT(VTLCTX_PAGE_IMG_OFF + VTLCTX_IMG_SIZE + TDXC_VTLCTX_CANARY_SIZE <=
			   TDXC_VTLCTX_PAGE_SIZE,
		   image_fits_page);

const struct vtlctx_fdesc tdxc__vtlctx_fields[TDXC_VTLCTX_F_COUNT] = {
#define VTLCTX_ROW_F(id, c, a, sz, ro, ck)                                    \
	[TDXC_VTLCTX_F_##id] = { (uint8_t)(c), (uint8_t)(a), (uint16_t)(sz),  \
				 (uint16_t)(ro),                              \
				 (uint16_t)(VTLCTX_SLOT_##id * 8), (uint8_t)(ck), #id },
	VTLCTX_FIELDS(VTLCTX_ROW_F)
#undef VTLCTX_ROW_F
};

bool tdxc__vtlctx_value_ok(uint32_t f, const uint8_t *p)
{
	uint64_t v;
	switch (tdxc__vtlctx_fields[f].check) {
	case VC_RFLAGS:
		v = tdxc__le64(p);
		/* Bit 1 is fixed to 1; 3, 5, 15 and 22..63 are reserved 0. */
		return (v & 0x2u) && !(v & (0x8u | 0x20u | 0x8000u | ~(uint64_t)0x3FFFFFu));
	case VC_MAX3:
		v = vtlctx_load(tdxc__vtlctx_fields[f].size, p);
		return v <= 3;
	case VC_MAX1:
		v = vtlctx_load(tdxc__vtlctx_fields[f].size, p);
		return v <= 1;
	case VC_TABLEREG:
		return tdxc__all_zero(p, 6);
	default:
		return true;
	}
}

int tdxc_vtlctx_field_class(uint32_t field)
{
	if (field >= TDXC_VTLCTX_F_COUNT)
		return TDXC_ERANGE;
	return tdxc__vtlctx_fields[field].cls;
}

int tdxc_vtlctx_classify(uint32_t field, uint32_t caps)
{
	if (field >= TDXC_VTLCTX_F_COUNT)
		return TDXC_ERANGE;
	if (tdxc__check_flags(caps, TDXC_VTLCTX_CAP_ALL))
		return TDXC_EFLAGS;
	return vtlctx_resolve(field, caps);
}

int tdxc_vtlctx_field_info(uint32_t field, struct tdxc_vtlctx_field_info *out)
{
	const struct vtlctx_fdesc *d;
	if (!out)
		return TDXC_EINVAL;
	if (field >= TDXC_VTLCTX_F_COUNT)
		return TDXC_ERANGE;
	d = &tdxc__vtlctx_fields[field];
	out->cls = d->cls;
	out->access = d->access;
	out->size = d->size;
	out->run_offset = d->run_off;
	out->page_offset = (uint16_t)(VTLCTX_PAGE_IMG_OFF + d->img_off);
	return 0;
}

const char *tdxc_vtlctx_field_name(uint32_t field)
{
	if (field >= TDXC_VTLCTX_F_COUNT)
		return "?";
	return tdxc__vtlctx_fields[field].name;
}
