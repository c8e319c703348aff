/* duration.h - durations as written in scenario files: "500ms", "2s",
 * "1.5s".  Held as whole milliseconds. */
#ifndef GA_DURATION_H
#define GA_DURATION_H

/* Parses s.  Returns 0 and sets *ms, or -1 if s is not a duration (a
 * non-negative number followed by "ms" or "s", at most one day). */
int ga_duration_parse(const char *s, long *ms);

#endif
