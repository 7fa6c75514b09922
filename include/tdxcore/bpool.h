/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file bpool.h
 * @brief libtdxcore bpool module (API to come).
 */
#ifndef TDXCORE_BPOOL_H
#define TDXCORE_BPOOL_H

#include <tdxcore/common.h>

#endif /* TDXCORE_BPOOL_H */
