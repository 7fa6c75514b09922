/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * memregion example: untrusted maps and allocator misuse, handled.
 *
 *   - memory: the allocator's metadata lives in a static buffer this program
 *     owns; tdxc_memregion_storage_size() says how much is needed and the
 *     object points into the buffer (never move it). No allocation, no
 *     teardown call: the pattern works unchanged in a kernel or firmware.
 *   - errors: a malformed map is refused as a whole (with the line number
 *     for boot-log text); a wrong free, a second release or a claim of held
 *     memory is an error code, printed with tdxc_strerror(), and the
 *     allocator is unchanged (its statistics compare equal).
 * Exits 0 when every call returns what the header documents.
 */
#include <stdio.h>
#include <string.h>

#include <tdxcore/memregion.h>

static _Alignas(8) unsigned char storage[8192];
static int failures;

static void expect(const char *what, int rc, int want)
{
	printf("%-42s %-17s %s\n", what, tdxc_strerror_name(rc), tdxc_strerror(rc));
	if (rc != want) {
		printf("  ^ expected %s\n", tdxc_strerror_name(want));
		failures++;
	}
}

/* A boot log whose third e820 line was cut off. */
static const char bad_log[] =
	"BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
	"BIOS-e820: [mem 0x0000000000100000-0x0000000003ffffff] usable\n"
	"BIOS-e820: [mem 0x0000000004000000-0x00000000\n";
static const char good_log[] =
	"BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
	"BIOS-e820: [mem 0x0000000000100000-0x0000000003ffffff] usable\n";

int main(void)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr;
	struct tdxc_memregion_stats s1, s2;
	unsigned char e820[25] = { 0 };
	uint32_t line = 0;
	uint64_t pa;
	size_t need;
	int rc;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.flags = TDXC_MEMREGION_F_TRACK_FREED; /* tell "never allocated" apart */
	p.max_regions = 8;
	p.max_reservations = 4;
	p.max_addr = 0x4000000; /* 64 MiB */
	need = tdxc_memregion_storage_size(&p);
	if (need == 0 || need > sizeof(storage)) {
		printf("storage: %zu bytes needed, %zu available\n", need, sizeof(storage));
		return 1;
	}
	rc = tdxc_memregion_init(&mr, storage, sizeof(storage), &p);
	if (rc) {
		printf("init: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* 1. Untrusted maps: refused as a whole, nothing added. */
	expect("e820 table of 25 bytes (not 20 * n)", tdxc_memregion_add_e820(mr, e820, 25),
	       TDXC_EMALFORMED);
	rc = tdxc_memregion_add_dmesg(mr, bad_log, sizeof(bad_log) - 1, &line);
	expect("boot log with a truncated line", rc, TDXC_EMALFORMED);
	printf("  the bad line is line %u\n", line);
	if (line != 3)
		failures++;
	rc = tdxc_memregion_add_dmesg(mr, good_log, sizeof(good_log) - 1, &line);
	if (rc != 2 || (rc = tdxc_memregion_reserve(mr, 0x800000, 0x6000, "ap-pagetables", 1)) ||
	    (rc = tdxc_memregion_commit(mr)) || (rc = tdxc_memregion_alloc(mr, &pa))) {
		printf("setup: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* 2. Misuse after commit: each refused, the allocator unchanged. */
	tdxc_memregion_stats(mr, &s1);
	expect("add a map entry after commit",
	       tdxc_memregion_add(mr, 0x4000000, 0x1000, TDXC_MEMREGION_USABLE, 1), TDXC_ESTATE);
	expect("free a frame never allocated", tdxc_memregion_free(mr, 0x200000, 0x1000),
	       TDXC_ENOTALLOC);
	expect("free an unaligned address", tdxc_memregion_free(mr, pa + 8, 0x1000),
	       TDXC_EALIGN);
	expect("free the firmware hole at 0xa0000", tdxc_memregion_free(mr, 0xa0000, 0x1000),
	       TDXC_EFOREIGN);
	expect("claim the held AP page tables", tdxc_memregion_claim(mr, 0x800000, 0x1000),
	       TDXC_EHELD);
	expect("release an event nobody reserved", tdxc_memregion_release(mr, 99, NULL),
	       TDXC_ENOENT);
	tdxc_memregion_stats(mr, &s2);
	if (memcmp(&s1, &s2, sizeof(s1)) != 0) {
		printf("the allocator changed after refused calls\n");
		failures++;
	}

	/* 3. Correct use, then the same calls again are refused. */
	expect("free the allocated frame", tdxc_memregion_free(mr, pa, 0x1000), 0);
	expect("free it again", tdxc_memregion_free(mr, pa, 0x1000), TDXC_EDOUBLEFREE);
	expect("release the AP page tables", tdxc_memregion_release(mr, 1, NULL), 0);
	expect("release them again", tdxc_memregion_release(mr, 1, NULL), TDXC_EALREADY);
	return failures ? 1 : 0;
}
