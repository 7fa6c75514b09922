/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ABI pins: error values are ABI (append only). The module headers pin
 * their own struct sizes and offsets with TDXC_STATIC_ASSERT; including the
 * umbrella here compiles every one of those asserts in a C program, and the
 * run checks that each code still has its own name.
 */
#include <stdio.h>
#include <string.h>
#include <tdxcore/tdxcore.h>

#define PIN(name, value) TDXC_STATIC_ASSERT(name == value, pin_##name)
PIN(TDXC_OK, 0);
PIN(TDXC_EINVAL, -1);
PIN(TDXC_ENOSPC, -2);
PIN(TDXC_ENOTSUP, -3);
PIN(TDXC_ERANGE, -4);
PIN(TDXC_EOVERFLOW, -5);
PIN(TDXC_ENOMEM, -6);
PIN(TDXC_EEXIST, -7);
PIN(TDXC_ENOENT, -8);
PIN(TDXC_EBUSY, -9);
PIN(TDXC_ETIMEDOUT, -10);
PIN(TDXC_EPERM, -11);
PIN(TDXC_ESTATE, -12);
PIN(TDXC_EALREADY, -13);
PIN(TDXC_ERESERVED, -14);
PIN(TDXC_EFLAGS, -15);
PIN(TDXC_ESIZE, -16);
PIN(TDXC_EALIGN, -17);
PIN(TDXC_EOVERLAP, -18);
PIN(TDXC_ETRUNC, -19);
PIN(TDXC_EBADSIG, -20);
PIN(TDXC_ECHECKSUM, -21);
PIN(TDXC_EVERSION, -22);
PIN(TDXC_EMALFORMED, -23);
PIN(TDXC_ECORRUPT, -24);
PIN(TDXC_EDOUBLEFREE, -25);
PIN(TDXC_ENOTALLOC, -26);
PIN(TDXC_EFOREIGN, -27);
PIN(TDXC_EINTERIOR, -28);
PIN(TDXC_EHELD, -29);
PIN(TDXC_EPOISONED, -30);
PIN(TDXC_EIO, -31);
PIN(TDXC_ECALLBACK, -32);
PIN(TDXC_ENOTUSABLE, -33);
PIN(TDXC_E2BIG, -34);
PIN(TDXC_ERR_MIN, -34);

#define NAME(e)                                                                \
	do {                                                                   \
		if (strcmp(tdxc_strerror_name(e), #e) != 0) {                  \
			printf("%s is named %s\n", #e, tdxc_strerror_name(e)); \
			bad++;                                                 \
		}                                                              \
	} while (0)

int main(void)
{
	int bad = 0;
	NAME(TDXC_EINVAL);
	NAME(TDXC_ENOSPC);
	NAME(TDXC_ENOTSUP);
	NAME(TDXC_ETIMEDOUT);
	NAME(TDXC_EHELD);
	NAME(TDXC_EPOISONED);
	NAME(TDXC_E2BIG);
	printf("%d error values pinned\n", 1 - TDXC_ERR_MIN);
	return bad ? 1 : 0;
}
