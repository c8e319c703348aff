/* proxynames.h - the proxies a "proxy" line may name besides "none".
 *
 * The proxies live in proxy/ (their table, proxy/proxy.c), a floor
 * above the language: the program hands their names to the parser once,
 * at start-up (ga_proxy_names_use()), as it hands the fault kinds
 * (lang/faultkind.h), so that lang/ never includes proxy/.
 */
#ifndef GA_LANG_PROXYNAMES_H
#define GA_LANG_PROXYNAMES_H

#include <stdbool.h>
#include <stddef.h>

/* Makes names (NULL-terminated, static: proxy/proxy.c's
 * ga_proxy_kind_names()) the proxies "proxy" lines may name.  Called
 * once, before any file is parsed; until then only "none" is known. */
void ga_proxy_names_use(const char *const *names);

/* The NULL-terminated names in use. */
const char *const *ga_proxy_names(void);

/* True for a name in use. */
bool ga_proxy_name_known(const char *name);

/* "none, haproxy": "none" then every name in use, ", " between them,
 * into buf. */
void ga_proxy_names_text(char *buf, size_t len);

#endif
