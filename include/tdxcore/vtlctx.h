/* SPDX-License-Identifier: BSD-2-Clause */
/**
 * @file vtlctx.h
 * @brief libtdxcore vtlctx module (API to come).
 */
#ifndef TDXCORE_VTLCTX_H
#define TDXCORE_VTLCTX_H

#include <tdxcore/common.h>

#endif /* TDXCORE_VTLCTX_H */
