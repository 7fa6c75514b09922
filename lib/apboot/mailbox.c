/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OS side of the ACPI multiprocessor-wakeup mailbox.
 *
 * Memory ordering: the fields a command carries (Reserved, ApicId,
 * WakeupVector) are written with relaxed atomic stores, then Command with a
 * release store, so an AP that reads Command with an acquire load sees the
 * fields of that command. The ack (Command == 0) is read with an acquire
 * load, which orders the AP's last reads of the vector before whatever the
 * OS does next with the vector page. On x86 these are plain moves plus
 * compiler barriers.
 */
#include "internal.h"
#include "apboot_private.h"
#include <tdxcore/apboot.h>

TDXC_STATIC_ASSERT(sizeof(struct tdxc__apboot_ap) == 8, apboot_ap_size);

static const char *const ap_state_names[] = {"not_woken", "acked",
					     "timed_out"};

const char *tdxc_apboot_ap_state_str(uint32_t state)
{
	if (state >= TDXC_ARRAY_SIZE(ap_state_names))
		return "unknown";
	return ap_state_names[state];
}

size_t tdxc_apboot_mb_storage_size(uint32_t n_cpus)
{
	if (n_cpus > TDXC_APBOOT_MAX_CPU_ENTRIES)
		return 0;
	return sizeof(struct tdxc_apboot_mb) +
	       (size_t)n_cpus * sizeof(struct tdxc__apboot_ap);
}

static bool counted(uint8_t status)
{
	return status == TDXC_APBOOT_CPU_ENABLED ||
	       status == TDXC_APBOOT_CPU_HOTPLUG;
}

/* Index of apic_id, preferring a counted entry; -1 if absent. */
static int64_t find_ap(const struct tdxc_apboot_mb *mb, uint32_t apic_id)
{
	int64_t first = -1;
	uint32_t i;
	for (i = 0; i < mb->n_aps; i++) {
		if (mb->aps[i].apic_id != apic_id)
			continue;
		if (counted(mb->aps[i].status))
			return i;
		if (first < 0)
			first = i;
	}
	return first;
}

int tdxc_apboot_mb_init(void *storage, size_t len, void *mailbox,
			const struct tdxc_apboot_madt *madt,
			const struct tdxc_apboot_cpu *cpus, uint32_t n_cpus,
			const struct tdxc_apboot_mb_config *cfg,
			struct tdxc_apboot_mb **out)
{
	struct tdxc_apboot_mb_config c;
	struct tdxc_apboot_mb *mb;
	uint32_t i, expected = 0;
	bool bsp_found = false;
	int rc;

	if (!storage || !mailbox || !madt || (!cpus && n_cpus) || !cfg || !out)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(&c, sizeof(c), cfg, sizeof(c));
	if (rc)
		return rc;
	rc = tdxc__desc_check(&c.reserved, sizeof(c.reserved), c.flags, TDXC_APBOOT_MB_ALL_);
	if (rc)
		return rc;
	if (!tdxc__is_aligned(storage, 8) || !tdxc__is_aligned(mailbox, 8))
		return TDXC_EALIGN;
	if (n_cpus > TDXC_APBOOT_MAX_CPU_ENTRIES)
		return TDXC_E2BIG;
	if (len < tdxc_apboot_mb_storage_size(n_cpus))
		return TDXC_ENOSPC;
	if (!madt->wakeup.present)
		return TDXC_ENOENT;
	if (madt->wakeup.mailbox == 0)
		return TDXC_EINVAL;
	if (madt->wakeup.mailbox & 0xFFFu)
		return TDXC_EALIGN;
	for (i = 0; i < n_cpus; i++) {
		if (cpus[i].status > TDXC_APBOOT_CPU_DUPLICATE)
			return TDXC_EINVAL;
		if (!counted(cpus[i].status))
			continue;
		if (cpus[i].apic_id == c.bsp_apic_id)
			bsp_found = true;
		else if (cpus[i].status == TDXC_APBOOT_CPU_ENABLED)
			expected++;
	}
	if (!bsp_found)
		return TDXC_ENOENT;

	mb = (struct tdxc_apboot_mb *)storage;
	tdxc__memset(mb, 0, sizeof(*mb));
	mb->magic = TDXC__APBOOT_MB_MAGIC;
	mb->flags = c.flags;
	mb->bsp_apic_id = c.bsp_apic_id;
	mb->n_aps = n_cpus;
	mb->expected = expected;
	mb->version = madt->wakeup.version;
	mb->page = (uint8_t *)mailbox;
	for (i = 0; i < n_cpus; i++) {
		struct tdxc__apboot_ap a;
		tdxc__memset(&a, 0, sizeof(a));
		a.apic_id = cpus[i].apic_id;
		a.status = cpus[i].status;
		a.state = TDXC_APBOOT_AP_NOT_WOKEN;
		mb->aps[i] = a;
	}
	*out = mb;
	return 0;
}

static bool mb_ok(const struct tdxc_apboot_mb *mb)
{
	return mb && mb->magic == TDXC__APBOOT_MB_MAGIC;
}

/* Validated copy of a wait policy; NULL gives `dflt_polls` (0: for ever). */
static int get_policy(const struct tdxc_apboot_wait *w, uint64_t dflt_polls,
		      struct tdxc_apboot_wait *p)
{
	int rc;
	tdxc__memset(p, 0, sizeof(*p));
	if (!w) {
		p->size = sizeof(*p);
		if (dflt_polls)
			p->max_polls = dflt_polls;
		else
			p->flags = TDXC_APBOOT_WAIT_FOREVER;
		return 0;
	}
	rc = tdxc__copy_in(p, sizeof(*p), w, sizeof(*p));
	if (rc)
		return rc;
	return tdxc__check_flags(p->flags, TDXC_APBOOT_WAIT_ALL_);
}

/* Poll Command (acquire) until it reads 0: 0, or TDXC_ETIMEDOUT. */
static int wait_idle(const uint8_t *page, const struct tdxc_apboot_wait *p)
{
	uint64_t polls = 0;
	bool forever = (p->flags & TDXC_APBOOT_WAIT_FOREVER) != 0;
	for (;;) {
		if (tdxc__mb_load16(page, TDXC_APBOOT_MB_OFF_COMMAND,
				    __ATOMIC_ACQUIRE) == 0)
			return 0;
		polls++;
		if (!forever && polls >= p->max_polls)
			return TDXC_ETIMEDOUT;
		if (p->relax) {
			if (p->relax(p->ctx, polls))
				return TDXC_ETIMEDOUT;
		} else {
			tdxc__cpu_relax();
		}
	}
}

/* Checks shared by wake and test; the AP's index in *idx. */
static int check_target(const struct tdxc_apboot_mb *mb, uint32_t apic_id,
			uint32_t *idx)
{
	int64_t i;
	if (apic_id == TDXC_APBOOT_APIC_ID_BROADCAST)
		return TDXC_EINVAL;
	i = find_ap(mb, apic_id);
	if (i < 0)
		return TDXC_ENOENT;
	if (apic_id == mb->bsp_apic_id)
		return TDXC_EPERM;
	if (!counted(mb->aps[i].status))
		return TDXC_ENOTUSABLE;
	*idx = (uint32_t)i;
	return 0;
}

/*
 * Send one command and wait for the ack. The caller has validated
 * everything; this is the only code that writes the mailbox.
 */
static int send(struct tdxc_apboot_mb *mb, uint32_t idx, uint16_t command,
		uint32_t apic_id, uint64_t vector, bool set_vector,
		const struct tdxc_apboot_wait *p)
{
	uint8_t *page = mb->page;

	/* Only the firmware clears Command: wait for it, never write 0. */
	if (wait_idle(page, p) != 0)
		return TDXC_EBUSY;
	/* OVMF compares 32 bits at offset 0: Reserved must be 0 first. */
	tdxc__mb_store16(page, TDXC_APBOOT_MB_OFF_RESERVED, 0, __ATOMIC_RELAXED);
	tdxc__mb_store32(page, TDXC_APBOOT_MB_OFF_APIC_ID, apic_id,
			 __ATOMIC_RELAXED);
	if (set_vector)
		tdxc__mb_store64(page, TDXC_APBOOT_MB_OFF_VECTOR, vector,
				 __ATOMIC_RELAXED);
	tdxc__mb_store16(page, TDXC_APBOOT_MB_OFF_COMMAND, command,
			 __ATOMIC_RELEASE);
	/* The ack is Command == 0; ApicId is never read back. */
	if (wait_idle(page, p) != 0) {
		mb->poisoned = 1;
		mb->pending_index = idx;
		mb->pending_command = (uint8_t)command;
		return TDXC_ETIMEDOUT;
	}
	return 0;
}

int tdxc_apboot_mb_wake(struct tdxc_apboot_mb *mb, uint32_t apic_id,
			uint64_t vector, const struct tdxc_apboot_wait *wait)
{
	struct tdxc_apboot_wait p;
	struct tdxc__apboot_ap *ap;
	uint32_t idx = 0;
	int rc;

	if (!mb_ok(mb))
		return TDXC_EINVAL;
	rc = get_policy(wait, 0, &p);
	if (rc)
		return rc;
	if (mb->poisoned)
		return TDXC_EPOISONED;
	rc = check_target(mb, apic_id, &idx);
	if (rc)
		return rc;
	ap = &mb->aps[idx];
	if (ap->state != TDXC_APBOOT_AP_NOT_WOKEN)
		return TDXC_EALREADY;
	if (vector > 0xFFFFFFFFull && !(mb->flags & TDXC_APBOOT_MB_VECTOR64))
		return TDXC_ERANGE;

	rc = send(mb, idx, TDXC_APBOOT_CMD_WAKEUP, apic_id, vector, true, &p);
	if (rc == TDXC_ETIMEDOUT) {
		ap->state = TDXC_APBOOT_AP_TIMED_OUT;
		mb->timed_out++;
		return rc;
	}
	if (rc)
		return rc;
	ap->state = TDXC_APBOOT_AP_ACKED;
	if (ap->status == TDXC_APBOOT_CPU_ENABLED)
		mb->acked++;
	return 0;
}

/* Linux waits 1 s for a Test ack in 1 us steps. */
#define TEST_DEFAULT_POLLS 1000000u

int tdxc_apboot_mb_test(struct tdxc_apboot_mb *mb, uint32_t apic_id,
			const struct tdxc_apboot_wait *wait)
{
	struct tdxc_apboot_wait p;
	struct tdxc__apboot_ap *ap;
	uint32_t idx = 0;
	int rc;

	if (!mb_ok(mb))
		return TDXC_EINVAL;
	rc = get_policy(wait, TEST_DEFAULT_POLLS, &p);
	if (rc)
		return rc;
	if (mb->version == 0)
		return TDXC_ENOTSUP;
	if (mb->poisoned)
		return TDXC_EPOISONED;
	rc = check_target(mb, apic_id, &idx);
	if (rc)
		return rc;
	ap = &mb->aps[idx];
	rc = send(mb, idx, TDXC_APBOOT_CMD_TEST, apic_id, 0, false, &p);
	if (rc)
		return rc;
	/* A woken AP that answers Test is back in the firmware loop. */
	if (ap->state == TDXC_APBOOT_AP_ACKED) {
		ap->state = TDXC_APBOOT_AP_NOT_WOKEN;
		if (ap->status == TDXC_APBOOT_CPU_ENABLED)
			mb->acked--;
	}
	return 0;
}

int tdxc_apboot_mb_poll(struct tdxc_apboot_mb *mb)
{
	bool idle;
	if (!mb_ok(mb))
		return TDXC_EINVAL;
	idle = tdxc__mb_load16(mb->page, TDXC_APBOOT_MB_OFF_COMMAND,
			       __ATOMIC_ACQUIRE) == 0;
	if (!mb->poisoned)
		return idle ? 0 : TDXC_EBUSY;
	if (!idle)
		return TDXC_EPOISONED;
	if (mb->pending_command == TDXC_APBOOT_CMD_WAKEUP) {
		struct tdxc__apboot_ap *ap = &mb->aps[mb->pending_index];
		/* The late AP consumed the vector: it is up now. */
		ap->state = TDXC_APBOOT_AP_ACKED;
		mb->timed_out--;
		if (ap->status == TDXC_APBOOT_CPU_ENABLED)
			mb->acked++;
	}
	mb->poisoned = 0;
	mb->pending_command = 0;
	mb->pending_index = 0;
	return 0;
}

int tdxc_apboot_mb_ap_state(const struct tdxc_apboot_mb *mb, uint32_t apic_id)
{
	uint32_t idx = 0;
	int rc;
	if (!mb_ok(mb))
		return TDXC_EINVAL;
	rc = check_target(mb, apic_id, &idx);
	if (rc)
		return rc;
	return mb->aps[idx].state;
}

int tdxc_apboot_mb_status(const struct tdxc_apboot_mb *mb,
			  struct tdxc_apboot_mb_status *st)
{
	struct tdxc_apboot_mb_status s;
	if (!mb_ok(mb) || !st)
		return TDXC_EINVAL;
	tdxc__memset(&s, 0, sizeof(s));
	s.expected = mb->expected;
	s.acked = mb->acked;
	s.timed_out = mb->timed_out;
	s.poisoned = mb->poisoned;
	if (mb->poisoned) {
		s.pending_apic_id = mb->aps[mb->pending_index].apic_id;
		s.pending_command = mb->pending_command;
	}
	*st = s;
	return 0;
}

int tdxc_apboot_mb_all_acked(const struct tdxc_apboot_mb *mb)
{
	if (!mb_ok(mb))
		return TDXC_EINVAL;
	return !mb->poisoned && mb->acked == mb->expected;
}
