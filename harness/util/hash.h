/* hash.h - FNV-1a: a stable 64-bit hash of bytes, the same on every
 * machine (template cache keys, a jittered sleep's seed). */
#ifndef GA_HASH_H
#define GA_HASH_H

#include <stddef.h>
#include <stdint.h>

#define GA_FNV1A_INIT 0xcbf29ce484222325ULL     /* FNV-1a's offset basis */

/* Folds data[0..len) into h (GA_FNV1A_INIT to start). */
uint64_t ga_fnv1a(uint64_t h, const void *data, size_t len);

#endif
