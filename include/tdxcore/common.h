/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file common.h
 * @brief Common definitions for every libtdxcore module: error codes,
 *        version query, export and static-assert macros.
 *
 * This header is self-contained and compiles under C99, C11 and C++11. It
 * needs only <stdint.h> and <stddef.h>, which freestanding compilers provide.
 */
#ifndef TDXCORE_COMMON_H
#define TDXCORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Library major version (compile time). */
#define TDXC_VERSION_MAJOR 0
/** Library minor version (compile time). */
#define TDXC_VERSION_MINOR 1
/** Library patch version (compile time). */
#define TDXC_VERSION_PATCH 0
/** Library version as one number: major * 10000 + minor * 100 + patch. */
#define TDXC_VERSION_NUMBER                                                    \
	(TDXC_VERSION_MAJOR * 10000 + TDXC_VERSION_MINOR * 100 + TDXC_VERSION_PATCH)
/** Library version as a string literal. */
#define TDXC_VERSION_STRING "0.1.0"

/**
 * @def TDXC_API
 * Marks a function exported from the shared library. Everything else is
 * built with hidden visibility.
 */
#if defined(TDXC_BUILDING_LIBRARY) && defined(__GNUC__)
#define TDXC_API __attribute__((visibility("default")))
#else
#define TDXC_API
#endif

/**
 * @def TDXC_STATIC_ASSERT(cond, msg)
 * Compile-time assertion usable at file scope in C99, C11 and C++11.
 * @p msg must be an identifier unique within the translation unit (it
 * names a typedef under C99).
 */
#if defined(__cplusplus) && __cplusplus >= 201103L
#define TDXC_STATIC_ASSERT(cond, msg) static_assert(cond, #msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define TDXC_STATIC_ASSERT(cond, msg) _Static_assert(cond, #msg)
#else
/* C99: a typedef named after msg (unique per assert, unlike __LINE__,
 * which clashes when two headers assert on the same line). */
#define TDXC_STATIC_ASSERT(cond, msg)                                          \
	typedef char tdxc_static_assert_##msg[(cond) ? 1 : -1]
#endif

/**
 * Error codes. Functions that can fail return 0 (or a documented
 * non-negative count) on success and one of these negative values on
 * failure. The numeric values are ABI: new codes are only ever appended.
 */
enum tdxc_err {
	TDXC_OK = 0,           /**< success */
	TDXC_EINVAL = -1,      /**< invalid argument (NULL pointer, bad value) */
	TDXC_ENOSPC = -2,      /**< caller-provided storage or buffer too small */
	TDXC_ENOTSUP = -3,     /**< not supported by this build or object */
	TDXC_ERANGE = -4,      /**< index or value outside the allowed range */
	TDXC_EOVERFLOW = -5,   /**< arithmetic overflow or a range that wraps */
	TDXC_ENOMEM = -6,      /**< managed memory or heap exhausted */
	TDXC_EEXIST = -7,      /**< object already exists */
	TDXC_ENOENT = -8,      /**< object not found */
	TDXC_EBUSY = -9,       /**< resource busy (e.g. mailbox not idle) */
	TDXC_ETIMEDOUT = -10,  /**< bounded wait expired */
	TDXC_EPERM = -11,      /**< refused by the access policy */
	TDXC_ESTATE = -12,     /**< call not valid in the object's current state */
	TDXC_EALREADY = -13,   /**< operation already done (e.g. second release) */
	TDXC_ERESERVED = -14,  /**< a reserved field or trailing byte is non-zero */
	TDXC_EFLAGS = -15,     /**< unknown flag bits set */
	TDXC_ESIZE = -16,      /**< descriptor size field too small or invalid */
	TDXC_EALIGN = -17,     /**< misaligned address, size or alignment value */
	TDXC_EOVERLAP = -18,   /**< ranges overlap where they must not */
	TDXC_ETRUNC = -19,     /**< input truncated */
	TDXC_EBADSIG = -20,    /**< bad signature or magic number */
	TDXC_ECHECKSUM = -21,  /**< checksum or CRC mismatch */
	TDXC_EVERSION = -22,   /**< unsupported format or structure version */
	TDXC_EMALFORMED = -23, /**< malformed input (parse error) */
	TDXC_ECORRUPT = -24,   /**< metadata corruption detected (header check) */
	TDXC_EDOUBLEFREE = -25,/**< object already free */
	TDXC_ENOTALLOC = -26,  /**< object was never allocated */
	TDXC_EFOREIGN = -27,   /**< pointer or range not owned by this object */
	TDXC_EINTERIOR = -28,  /**< pointer inside a block, not at its start */
	TDXC_EHELD = -29,      /**< range is held by a reservation */
	TDXC_EPOISONED = -30,  /**< refused after an earlier timeout (see module) */
	TDXC_EIO = -31,        /**< I/O error (hosted helpers reading files) */
	TDXC_ECALLBACK = -32,  /**< a caller-provided callback reported failure */
	TDXC_ENOTUSABLE = -33, /**< target exists but is not usable (e.g. CPU) */
	TDXC_E2BIG = -34       /**< input larger than the implementation limit */
};

/** Lowest error value defined by this version (for range checks). */
#define TDXC_ERR_MIN TDXC_E2BIG

/**
 * Describe an error code.
 * @param err a value returned by any libtdxcore function.
 * @return a static, NUL-terminated English description. Never NULL: unknown
 *         values (including positive ones) give "unknown error".
 * Safe from any context; no state.
 */
TDXC_API const char *tdxc_strerror(int err);

/**
 * Short symbolic name of an error code ("TDXC_EINVAL").
 * @return a static string, never NULL ("TDXC_E?" for unknown values).
 */
TDXC_API const char *tdxc_strerror_name(int err);

/**
 * Library version at run time.
 * @return TDXC_VERSION_NUMBER of the library actually linked.
 * @param str if not NULL, receives the version string ("0.1.0").
 */
TDXC_API uint32_t tdxc_version(const char **str);

#define TDXC_MOD_XSAVE     (1u << 0) /**< tdxc_modules(): xsave (lib/cpuid) */
#define TDXC_MOD_MEMREGION (1u << 1) /**< tdxc_modules(): memregion */
#define TDXC_MOD_APBOOT    (1u << 2) /**< tdxc_modules(): apboot */
#define TDXC_MOD_VTLCTX    (1u << 3) /**< tdxc_modules(): vtlctx */
#define TDXC_MOD_IRQFILTER (1u << 4) /**< tdxc_modules(): irqfilter */
#define TDXC_MOD_BPOOL     (1u << 5) /**< tdxc_modules(): bpool */

#define TDXC_FEAT_HOSTED   (1u << 0) /**< hosted build (libc available) */
#define TDXC_FEAT_LIBCPUID (1u << 1) /**< host CPUID through libcpuid */
#define TDXC_FEAT_ZLIB     (1u << 2) /**< zlib compression */
#define TDXC_FEAT_UTHASH   (1u << 3) /**< uthash-backed registries */

/** Modules compiled into this library (TDXC_MOD_* bits). */
TDXC_API uint32_t tdxc_modules(void);

/** Optional features compiled into this library (TDXC_FEAT_* bits). */
TDXC_API uint32_t tdxc_features(void);

/** @cond INTERNAL */
TDXC_STATIC_ASSERT(TDXC_EINVAL == -1, tdxc_einval_pinned);
TDXC_STATIC_ASSERT(TDXC_ENOSPC == -2, tdxc_enospc_pinned);
TDXC_STATIC_ASSERT(TDXC_ENOTSUP == -3, tdxc_enotsup_pinned);
TDXC_STATIC_ASSERT(TDXC_ETIMEDOUT == -10, tdxc_etimedout_pinned);
TDXC_STATIC_ASSERT(TDXC_EPOISONED == -30, tdxc_epoisoned_pinned);
TDXC_STATIC_ASSERT(TDXC_E2BIG == -34, tdxc_e2big_pinned);
/** @endcond */

#ifdef __cplusplus
}
#endif

#endif /* TDXCORE_COMMON_H */
