/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file memregion.h
 * @brief libtdxcore memregion module (API to come).
 */
#ifndef TDXCORE_MEMREGION_H
#define TDXCORE_MEMREGION_H

#include <tdxcore/common.h>

#endif /* TDXCORE_MEMREGION_H */
