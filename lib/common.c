/* SPDX-License-Identifier: BSD-2-Clause */
/* Error strings, version and build-feature queries. */
#include "internal.h"

struct err_desc {
	const char *name;
	const char *text;
};

/* Indexed by -err. Keep in step with enum tdxc_err (append only). */
static const struct err_desc err_table[] = {
	{ "TDXC_OK", "success" },
	{ "TDXC_EINVAL", "invalid argument" },
	{ "TDXC_ENOSPC", "caller-provided storage or buffer too small" },
	{ "TDXC_ENOTSUP", "not supported by this build or object" },
	{ "TDXC_ERANGE", "index or value out of range" },
	{ "TDXC_EOVERFLOW", "arithmetic overflow or wrapping range" },
	{ "TDXC_ENOMEM", "managed memory or heap exhausted" },
	{ "TDXC_EEXIST", "object already exists" },
	{ "TDXC_ENOENT", "object not found" },
	{ "TDXC_EBUSY", "resource busy" },
	{ "TDXC_ETIMEDOUT", "timed out" },
	{ "TDXC_EPERM", "refused by the access policy" },
	{ "TDXC_ESTATE", "not valid in the object's current state" },
	{ "TDXC_EALREADY", "operation already done" },
	{ "TDXC_ERESERVED", "reserved field or trailing byte is non-zero" },
	{ "TDXC_EFLAGS", "unknown flag bits set" },
	{ "TDXC_ESIZE", "descriptor size field too small or invalid" },
	{ "TDXC_EALIGN", "misaligned address, size or alignment" },
	{ "TDXC_EOVERLAP", "ranges overlap" },
	{ "TDXC_ETRUNC", "input truncated" },
	{ "TDXC_EBADSIG", "bad signature or magic number" },
	{ "TDXC_ECHECKSUM", "checksum mismatch" },
	{ "TDXC_EVERSION", "unsupported version" },
	{ "TDXC_EMALFORMED", "malformed input" },
	{ "TDXC_ECORRUPT", "metadata corruption detected" },
	{ "TDXC_EDOUBLEFREE", "already free (double free)" },
	{ "TDXC_ENOTALLOC", "never allocated" },
	{ "TDXC_EFOREIGN", "not owned by this object" },
	{ "TDXC_EINTERIOR", "pointer inside a block, not at its start" },
	{ "TDXC_EHELD", "range is held by a reservation" },
	{ "TDXC_EPOISONED", "refused after an earlier timeout" },
	{ "TDXC_EIO", "input/output error" },
	{ "TDXC_ECALLBACK", "caller callback reported failure" },
	{ "TDXC_ENOTUSABLE", "target exists but is not usable" },
	{ "TDXC_E2BIG", "input larger than the implementation limit" },
};

TDXC_STATIC_ASSERT(TDXC_ARRAY_SIZE(err_table) == 1 - TDXC_ERR_MIN,
		   err_table_covers_every_code);

static const struct err_desc *lookup(int err)
{
	if (err > 0 || err < TDXC_ERR_MIN)
		return NULL;
	return &err_table[-err];
}

const char *tdxc_strerror(int err)
{
	const struct err_desc *d = lookup(err);
	return d ? d->text : "unknown error";
}

const char *tdxc_strerror_name(int err)
{
	const struct err_desc *d = lookup(err);
	return d ? d->name : "TDXC_E?";
}

uint32_t tdxc_version(const char **str)
{
	if (str)
		*str = TDXC_VERSION_STRING;
	return TDXC_VERSION_NUMBER;
}

uint32_t tdxc_modules(void)
{
	return 0
#ifdef TDXC_HAVE_MOD_XSAVE
	       | TDXC_MOD_XSAVE
#endif
#ifdef TDXC_HAVE_MOD_MEMREGION
	       | TDXC_MOD_MEMREGION
#endif
#ifdef TDXC_HAVE_MOD_APBOOT
	       | TDXC_MOD_APBOOT
#endif
#ifdef TDXC_HAVE_MOD_VTLCTX
	       | TDXC_MOD_VTLCTX
#endif
#ifdef TDXC_HAVE_MOD_IRQFILTER
	       | TDXC_MOD_IRQFILTER
#endif
#ifdef TDXC_HAVE_MOD_BPOOL
	       | TDXC_MOD_BPOOL
#endif
		;
}

uint32_t tdxc_features(void)
{
	return 0
#if TDXC_HOSTED
	       | TDXC_FEAT_HOSTED
#endif
#if TDXC_HOSTED && defined(TDXC_HAVE_LIBCPUID)
	       | TDXC_FEAT_LIBCPUID
#endif
#if TDXC_HOSTED && defined(TDXC_HAVE_ZLIB)
	       | TDXC_FEAT_ZLIB
#endif
#ifdef TDXC_HAVE_UTHASH
	       | TDXC_FEAT_UTHASH
#endif
		;
}

int tdxc__copy_in(void *dst, size_t dst_size, const void *src, size_t min_size)
{
	uint32_t size;
	if (!dst || !src || min_size < sizeof(uint32_t) || dst_size < min_size)
		return TDXC_EINVAL;
	tdxc__memcpy(&size, src, sizeof(size));
	if (size < min_size)
		return TDXC_ESIZE;
	if (size > dst_size &&
	    !tdxc__all_zero((const uint8_t *)src + dst_size, size - dst_size))
		return TDXC_ERESERVED;
	if (size < dst_size) {
		tdxc__memcpy(dst, src, size);
		tdxc__memset((uint8_t *)dst + size, 0, dst_size - size);
	} else {
		tdxc__memcpy(dst, src, dst_size);
	}
	return 0;
}
