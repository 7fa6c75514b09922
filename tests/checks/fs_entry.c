/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tiny freestanding "kernel": provides the four memory functions of GCC's
 * freestanding contract and an entry point, so the whole freestanding
 * archive can be linked with -nostdlib -static and no --gc-sections.
 */
#include <stddef.h>
#include <tdxcore/common.h>

void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void _start(void);

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = (unsigned char *)d;
	const unsigned char *sp = (const unsigned char *)s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = (unsigned char *)d;
	const unsigned char *sp = (const unsigned char *)s;
	if (dp < sp)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = (unsigned char *)d;
	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

volatile unsigned int tdxc_fs_entry_sink;

void _start(void)
{
	tdxc_fs_entry_sink = tdxc_version(NULL) + (unsigned)tdxc_strerror(-1)[0];
	for (;;)
		__asm__ volatile("hlt");
}
