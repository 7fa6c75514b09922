/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file apboot.h
 * @brief libtdxcore apboot module (API to come).
 */
#ifndef TDXCORE_APBOOT_H
#define TDXCORE_APBOOT_H

#include <tdxcore/common.h>

#endif /* TDXCORE_APBOOT_H */
