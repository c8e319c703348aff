/* clock.h - monotonic time in milliseconds. */
#ifndef GA_CLOCK_H
#define GA_CLOCK_H

#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC, as a double for sub-ms precision. */
double ga_clock_ms(void);

#endif
