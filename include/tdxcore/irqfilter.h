/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file irqfilter.h
 * @brief libtdxcore irqfilter module (API to come).
 */
#ifndef TDXCORE_IRQFILTER_H
#define TDXCORE_IRQFILTER_H

#include <tdxcore/common.h>

#endif /* TDXCORE_IRQFILTER_H */
