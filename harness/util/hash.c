/* hash.c - see hash.h */
#include "util/hash.h"

uint64_t ga_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;  /* FNV's 64-bit prime, 0x100000001b3 */
	}
	return h;
}
