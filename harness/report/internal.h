/* internal.h - what the reporters share inside report/: escaping.
 *
 * A report shows text that came from outside (a server's message, a
 * driver's, a value, a file's name).  Every reporter writes it through
 * ga_esc_*() (util/escape.h, which steps.log and the diagnostics use
 * too): valid UTF-8, no control character, whatever the bytes were.
 */
#ifndef GA_REPORT_INTERNAL_H
#define GA_REPORT_INTERNAL_H

#include "util/escape.h"

#endif
