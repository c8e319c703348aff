/* fuzz.h - what every tests/fuzz/fuzz_NAME.c is: one reader of outside
 * input behind libFuzzer's interface, built either with clang's
 * -fsanitize=fuzzer or with gcc and tests/fuzz/driver.c.  A target
 * returns 0 for every input; a bug is a sanitizer's report, a crash, or
 * a check of its own that calls fuzz_fail() (abort: the driver keeps
 * the input). */
#ifndef GA_FUZZ_H
#define GA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input did not. */
#define fuzz_fail(...) \
	do { \
		fprintf(stderr, "fuzz: %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

/* Bytes a library the sanitizers did not build (zlib) wrote into the
 * target's memory, marked written for MemorySanitizer, which cannot see
 * that library's stores; nothing in every other build. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define FUZZ_WRITTEN(p, n) __msan_unpoison((p), (n))
#endif
#endif
#ifndef FUZZ_WRITTEN
#define FUZZ_WRITTEN(p, n) ((void)(p), (void)(n))
#endif

#endif
