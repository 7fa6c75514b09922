/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file tdxcore.h
 * @brief Umbrella header: every libtdxcore module.
 */
#ifndef TDXCORE_TDXCORE_H
#define TDXCORE_TDXCORE_H

#include <tdxcore/common.h>
#include <tdxcore/xsave.h>
#include <tdxcore/memregion.h>
#include <tdxcore/apboot.h>
#include <tdxcore/vtlctx.h>
#include <tdxcore/irqfilter.h>
#include <tdxcore/bpool.h>
#include <tdxcore/snapshot.h>

#endif /* TDXCORE_TDXCORE_H */
