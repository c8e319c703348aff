/* size.h - byte counts as written in scenario files: "4096", "64KiB",
 * "2MiB", "1M".  K/KiB, M/MiB and G/GiB are powers of 1024 (the units
 * max_allowed_packet is documented in). */
#ifndef GA_SIZE_H
#define GA_SIZE_H

/* Parses s.  Returns 0 and sets *bytes, or -1 if s is not a size (digits
 * and an optional unit, at most 1 GiB). */
int ga_size_parse(const char *s, long *bytes);

#endif
