/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snapshot example: carry a frame allocator across a servicing restart.
 *
 * A kernel or paravisor that is replaced in place (servicing) or migrated
 * saves its state, and the new instance restores it. Here the state is a
 * memregion allocator; the same calls work for every module that writes a
 * record (vtlctx, irqfilter, bpool registry).
 *
 *   - memory: the allocators, the container and the compression workspace
 *     are all static buffers owned by this program. The writer can run
 *     without a buffer first to measure the container; nothing is
 *     allocated by the library.
 *   - errors: the container is untrusted input when it comes back; a
 *     truncated copy is refused with an error code (tdxc_strerror()) and
 *     the target allocator is left untouched.
 *   - compression is optional (hosted builds with zlib); without zlib the
 *     container is kept uncompressed.
 * Exits 0 when the restored allocator answers exactly as the saved one.
 */
#include <stdio.h>
#include <string.h>

#include <tdxcore/memregion.h>
#include <tdxcore/snapshot.h>

static _Alignas(8) unsigned char old_mem[8192], new_mem[8192];
static unsigned char blob[4096], packed[8192], scratch[TDXC_SNAPSHOT_DEFLATE_WORKSPACE];

static struct tdxc_memregion *make(void *storage, const struct tdxc_memregion_params *p)
{
	struct tdxc_memregion *mr = NULL;
	int rc = tdxc_memregion_init(&mr, storage, 8192, p);
	if (rc)
		printf("init: %s\n", tdxc_strerror(rc));
	return mr;
}

int main(void)
{
	struct tdxc_memregion_params p;
	struct tdxc_memregion *mr, *mr2;
	struct tdxc_memregion_stats s1, s2;
	struct tdxc_snapshot_writer w;
	struct tdxc_snapshot_reader r;
	const void *in = blob;
	size_t size = 0, in_len, need = 0;
	uint64_t pa, a1, a2;
	int rc, i;

	/* 1. The running instance: 64 MiB, AP page tables held, some frames in use. */
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.max_regions = 4;
	p.max_reservations = 4;
	p.max_addr = 0x4000000;
	if (tdxc_memregion_storage_size(&p) > sizeof(old_mem) || !(mr = make(old_mem, &p)) ||
	    tdxc_memregion_add(mr, 0x100000, 0x3f00000, TDXC_MEMREGION_USABLE, 1) ||
	    tdxc_memregion_reserve(mr, 0x800000, 0x6000, "ap-pagetables", 1) ||
	    tdxc_memregion_commit(mr))
		return 1;
	for (i = 0; i < 10; i++)
		if (tdxc_memregion_alloc(mr, &pa))
			return 1;

	/* 2. Measure, then write. The allocator is not VTL state: no producer VTL. */
	rc = tdxc_snapshot_writer_init(&w, NULL, 0, TDXC_SNAPSHOT_VTL_NONE);
	if (!rc)
		rc = tdxc_memregion_snapshot_add(mr, &w);
	if (!rc)
		rc = tdxc_snapshot_finish(&w, &size);
	if (rc || size > sizeof(blob)) {
		printf("measure: %s (%zu bytes)\n", tdxc_strerror(rc), size);
		return 1;
	}
	if ((rc = tdxc_snapshot_writer_init(&w, blob, sizeof(blob), TDXC_SNAPSHOT_VTL_NONE)) ||
	    (rc = tdxc_memregion_snapshot_add(mr, &w)) || (rc = tdxc_snapshot_finish(&w, &size))) {
		printf("write: %s\n", tdxc_strerror(rc));
		return 1;
	}
	in_len = size;
	printf("container: %zu bytes", size);

	/* 3. Optionally compress, with a workspace we provide (packed[] is well
	 *    above tdxc_snapshot_compress_bound() for this size). */
	rc = tdxc_snapshot_compress(blob, size, packed, sizeof(packed), -1, scratch,
				    sizeof(scratch), &in_len);
	if (rc == 0) {
		in = packed;
		printf(", %zu compressed\n", in_len);
	} else {
		in_len = size;
		printf(" (kept uncompressed: %s)\n", tdxc_strerror(rc));
	}

	/* 4. The new instance: a fresh allocator with the same parameters. A
	 *    truncated container is refused and changes nothing. */
	if (!(mr2 = make(new_mem, &p)))
		return 1;
	rc = tdxc_snapshot_open(&r, in, in_len - 1, scratch, sizeof(scratch));
	printf("truncated container: %s (%s)\n", tdxc_strerror_name(rc), tdxc_strerror(rc));
	if (rc != TDXC_ETRUNC || tdxc_memregion_stats(mr2, &s2) != TDXC_ESTATE)
		return 1;
	if ((rc = tdxc_snapshot_scratch_size(in, in_len, &need)) || need > sizeof(scratch) ||
	    (rc = tdxc_snapshot_open(&r, in, in_len, scratch, sizeof(scratch))) ||
	    (rc = tdxc_memregion_snapshot_restore(mr2, &r))) {
		printf("restore: %s\n", tdxc_strerror(rc));
		return 1;
	}

	/* 5. Same answers: statistics, the held range, the next allocation. */
	tdxc_memregion_stats(mr, &s1);
	tdxc_memregion_stats(mr2, &s2);
	if (tdxc_memregion_alloc(mr, &a1) || tdxc_memregion_alloc(mr2, &a2))
		return 1;
	printf("restored: %llu frames allocated, %llu held, next frame 0x%llx (saved: 0x%llx)\n",
	       (unsigned long long)s2.allocated_frames, (unsigned long long)s2.held_frames,
	       (unsigned long long)a2, (unsigned long long)a1);
	if (memcmp(&s1, &s2, sizeof(s1)) != 0 || a1 != a2 ||
	    tdxc_memregion_frame_state(mr2, 0x800000) != TDXC_MEMREGION_FRAME_HELD) {
		printf("the restored allocator differs\n");
		return 1;
	}
	return 0;
}
