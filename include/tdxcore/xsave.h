/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file xsave.h
 * @brief libtdxcore xsave module (API to come).
 */
#ifndef TDXCORE_XSAVE_H
#define TDXCORE_XSAVE_H

#include <tdxcore/common.h>

#endif /* TDXCORE_XSAVE_H */
