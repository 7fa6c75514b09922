/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * splitmix64: the deterministic generator every bpool trace is drawn from
 * (unit tests, the instruction-count driver and bench/bpool), so a seed
 * names the same trace everywhere.
 */
#ifndef TDXC_TESTS_BPOOL_SPLITMIX_H
#define TDXC_TESTS_BPOOL_SPLITMIX_H

#include <stdint.h>

static inline uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif /* TDXC_TESTS_BPOOL_SPLITMIX_H */
