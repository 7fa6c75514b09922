/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MADT parser over arbitrary bytes: every flag combination, the iterator,
 * and cross-checks between them (no crash, no out-of-bounds read, and
 * results that agree with each other).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tdxcore/apboot.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

#define MAXC 1024

static struct tdxc_apboot_cpu cpus[MAXC];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	/* An exact-size heap copy so ASan sees any read past the end. */
	uint8_t *buf = malloc(len ? len : 1);
	struct tdxc_apboot_madt m, m2;
	struct tdxc_apboot_diag d, d2;
	struct tdxc_apboot_entry e;
	uint32_t flags, cur = 0, i, usable = 0, n_cpu = 0;
	int rc, rc2, r;

	if (!buf)
		return 0;
	memcpy(buf, data, len);
	for (flags = 0; flags < 4; flags++) {
		memset(&m, 0x5A, sizeof(m));
		rc = tdxc_apboot_madt_parse(buf, len, flags, &m, cpus, MAXC, &d);
		rc2 = tdxc_apboot_madt_parse(buf, len, flags | TDXC_APBOOT_PARSE_PARTIAL,
					     &m2, NULL, 0, &d2);
		if ((rc >= 0) != (rc2 >= 0) || d.errors != d2.errors)
			__builtin_trap();
		if (rc < 0) {
			if (rc != TDXC_ENOSPC &&
			    rc != tdxc_apboot_problem_err(d.first_problem))
				__builtin_trap();
			continue;
		}
		if ((uint32_t)rc != m.n_cpu_entries || m.n_usable > m.n_cpu_entries ||
		    m.n_enabled > m.n_usable || memcmp(&m, &m2, sizeof(m)) != 0)
			__builtin_trap();
		for (i = 0, usable = 0; i < (uint32_t)rc; i++) {
			if (cpus[i].usable != (cpus[i].status <= TDXC_APBOOT_CPU_HOTPLUG))
				__builtin_trap();
			usable += cpus[i].usable;
		}
		if (usable != m.n_usable)
			__builtin_trap();
		if (m.wakeup.present && (m.wakeup.mailbox == 0 ||
					 (m.wakeup.mailbox & 0xFFF)))
			__builtin_trap();
	}
	/* The iterator walks the same structures a valid parse saw. */
	rc = tdxc_apboot_madt_parse(buf, len, TDXC_APBOOT_PARSE_CHECKSUM_WARN, &m,
				    NULL, 0, NULL);
	while ((r = tdxc_apboot_madt_next(buf, len, &cur, &e)) == 1) {
		if (e.type == TDXC_APBOOT_T_LAPIC || e.type == TDXC_APBOOT_T_X2APIC)
			n_cpu++;
		if (e.offset + e.length > len)
			__builtin_trap();
	}
	if (rc >= 0 && (r != 0 || n_cpu != m.n_cpu_entries))
		__builtin_trap();
	free(buf);
	return 0;
}
