/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Firmware-side model of one AP parked in the ACPI mailbox loop, with the
 * behaviours of real firmware as switches (OVMF ApRunLoop.nasm reads
 * Command as 32 bits and acks with a 64-bit zero store; td-shim checks
 * ApicId first and reads the vector as 32 bits).
 *
 * Ordering: Command is read with an acquire load, so the ApicId and vector
 * reads that follow see the values the OS stored before its release store
 * of Command. The ack is a release store after the vector was read.
 */
#include "internal.h"
#include "apboot_private.h"
#include <tdxcore/apboot.h>

#define FW_MAGIC 0x46574150u /* "FWAP" */

struct fw_priv {
	uint32_t magic;
	uint32_t apic_id;
	uint32_t quirks;
	uint32_t ack_delay;
	uint32_t waited; /* steps that saw the current own command */
	uint32_t jumped;
	uint64_t reserved;
};

TDXC_STATIC_ASSERT(sizeof(struct fw_priv) <= sizeof(struct tdxc_apboot_fw),
		   fw_priv_fits);
TDXC_STATIC_ASSERT(_Alignof(struct fw_priv) <= _Alignof(struct tdxc_apboot_fw),
		   fw_priv_align);

static const char *const event_names[] = {
	"idle", "not_mine", "waiting", "ignored", "unknown_acked", "wakeup", "test",
};

const char *tdxc_apboot_fw_event_str(uint32_t kind)
{
	if (kind >= TDXC_ARRAY_SIZE(event_names))
		return "unknown";
	return event_names[kind];
}

static struct fw_priv *priv(struct tdxc_apboot_fw *fw)
{
	return (struct fw_priv *)(void *)fw->opaque;
}

static const struct fw_priv *cpriv(const struct tdxc_apboot_fw *fw)
{
	return (const struct fw_priv *)(const void *)fw->opaque;
}

int tdxc_apboot_fw_init(struct tdxc_apboot_fw *fw,
			const struct tdxc_apboot_fw_config *cfg)
{
	struct tdxc_apboot_fw_config c;
	struct fw_priv p;
	int rc;

	if (!fw || !cfg)
		return TDXC_EINVAL;
	rc = tdxc__copy_in(&c, sizeof(c), cfg, sizeof(c));
	if (rc)
		return rc;
	rc = tdxc__check_flags(c.quirks, TDXC_APBOOT_FW_ALL_);
	if (rc)
		return rc;
	if (c.apic_id == TDXC_APBOOT_APIC_ID_BROADCAST ||
	    c.apic_id == TDXC_APBOOT_X2APIC_ID_INVALID)
		return TDXC_EINVAL;
	tdxc__memset(&p, 0, sizeof(p));
	p.magic = FW_MAGIC;
	p.apic_id = c.apic_id;
	p.quirks = c.quirks;
	p.ack_delay = c.ack_delay;
	tdxc__memset(fw, 0, sizeof(*fw));
	*priv(fw) = p;
	return 0;
}

static uint32_t read_command(const uint8_t *page, uint32_t quirks)
{
	if (quirks & TDXC_APBOOT_FW_CMD32)
		return tdxc__mb_load32(page, TDXC_APBOOT_MB_OFF_COMMAND,
				       __ATOMIC_ACQUIRE);
	return tdxc__mb_load16(page, TDXC_APBOOT_MB_OFF_COMMAND,
			       __ATOMIC_ACQUIRE);
}

static void ack(uint8_t *page, uint32_t quirks)
{
	if (quirks & TDXC_APBOOT_FW_ACK16)
		tdxc__mb_store16(page, TDXC_APBOOT_MB_OFF_COMMAND, 0,
				 __ATOMIC_RELEASE);
	else /* OVMF and td-shim: clears Command, Reserved and ApicId */
		tdxc__mb_store64(page, TDXC_APBOOT_MB_OFF_COMMAND, 0,
				 __ATOMIC_RELEASE);
}

int tdxc_apboot_fw_step(struct tdxc_apboot_fw *fw, void *mailbox,
			struct tdxc_apboot_fw_event *ev)
{
	struct tdxc_apboot_fw_event e;
	struct fw_priv *p;
	uint8_t *page = (uint8_t *)mailbox;
	uint32_t cmd, id;
	bool is_test;

	if (!fw || !mailbox || !ev || !tdxc__is_aligned(mailbox, 8))
		return TDXC_EINVAL;
	p = priv(fw);
	if (p->magic != FW_MAGIC)
		return TDXC_EINVAL;
	if (p->jumped)
		return TDXC_ESTATE;

	tdxc__memset(&e, 0, sizeof(e));
	if (p->quirks & TDXC_APBOOT_FW_APICID_FIRST) {
		/* td-shim: a foreign ApicId is skipped without reading Command. */
		id = tdxc__mb_load32(page, TDXC_APBOOT_MB_OFF_APIC_ID,
				     __ATOMIC_ACQUIRE);
		e.apic_id = id;
		if (id != p->apic_id && id != TDXC_APBOOT_APIC_ID_BROADCAST) {
			e.kind = TDXC_APBOOT_FW_EV_NOT_MINE;
			goto out;
		}
		cmd = read_command(page, p->quirks);
		e.command = cmd;
		if (cmd == 0) {
			e.kind = TDXC_APBOOT_FW_EV_IDLE;
			goto out;
		}
	} else {
		cmd = read_command(page, p->quirks);
		e.command = cmd;
		if (cmd == 0) {
			e.kind = TDXC_APBOOT_FW_EV_IDLE;
			goto out;
		}
		id = tdxc__mb_load32(page, TDXC_APBOOT_MB_OFF_APIC_ID,
				     __ATOMIC_RELAXED);
		e.apic_id = id;
		if (id != p->apic_id && id != TDXC_APBOOT_APIC_ID_BROADCAST) {
			e.kind = TDXC_APBOOT_FW_EV_NOT_MINE;
			goto out;
		}
	}

	/* An own command: the OS must have cleared Reserved before Command. */
	if (tdxc__mb_load16(page, TDXC_APBOOT_MB_OFF_RESERVED, __ATOMIC_RELAXED))
		e.violation = 1;

	is_test = cmd == TDXC_APBOOT_CMD_TEST &&
		  !(p->quirks & TDXC_APBOOT_FW_NO_TEST);
	if (cmd != TDXC_APBOOT_CMD_WAKEUP && !is_test) {
		if (p->quirks & (TDXC_APBOOT_FW_IGNORE_UNKNOWN |
				 TDXC_APBOOT_FW_NEVER_ACK)) {
			e.kind = TDXC_APBOOT_FW_EV_IGNORED;
		} else {
			ack(page, p->quirks);
			e.kind = TDXC_APBOOT_FW_EV_UNKNOWN_ACKED;
		}
		goto out;
	}
	if ((p->quirks & TDXC_APBOOT_FW_NEVER_ACK) || p->waited < p->ack_delay) {
		if (p->waited != 0xFFFFFFFFu)
			p->waited++;
		e.kind = TDXC_APBOOT_FW_EV_WAITING;
		goto out;
	}
	p->waited = 0;
	if (is_test) {
		ack(page, p->quirks);
		e.kind = TDXC_APBOOT_FW_EV_TEST;
		goto out;
	}
	/* Cache the vector before the ack (the OS may reuse the mailbox). */
	if (p->quirks & TDXC_APBOOT_FW_VECTOR32)
		e.vector = tdxc__mb_load32(page, TDXC_APBOOT_MB_OFF_VECTOR,
					   __ATOMIC_RELAXED);
	else
		e.vector = tdxc__mb_load64(page, TDXC_APBOOT_MB_OFF_VECTOR,
					   __ATOMIC_RELAXED);
	ack(page, p->quirks);
	p->jumped = 1;
	e.kind = TDXC_APBOOT_FW_EV_WAKEUP;
out:
	*ev = e;
	return 0;
}

int tdxc_apboot_fw_reset(struct tdxc_apboot_fw *fw)
{
	struct fw_priv *p;
	if (!fw)
		return TDXC_EINVAL;
	p = priv(fw);
	if (p->magic != FW_MAGIC)
		return TDXC_EINVAL;
	if (!p->jumped)
		return TDXC_ESTATE;
	p->jumped = 0;
	p->waited = 0;
	return 0;
}

int tdxc_apboot_fw_jumped(const struct tdxc_apboot_fw *fw)
{
	if (!fw || cpriv(fw)->magic != FW_MAGIC)
		return TDXC_EINVAL;
	return cpriv(fw)->jumped != 0;
}
