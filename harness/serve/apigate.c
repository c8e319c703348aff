/* apigate.c - see api.h: who may use the API.  The API listens on
 * loopback, but loopback is every local user's, and a browser's page
 * reaches it too after a DNS rebinding (its name made to resolve to
 * 127.0.0.1): goneaway serve runs as root and listens and dials for
 * whoever it answers.  So a request is answered only when its Host is
 * the API's own address (a rebinding page sends its own name) and its
 * connection is the owner's (the loop asks the kernel whose socket is
 * at the other end: serve/peers.h) or it gives the token only the env
 * file holds. */
#include "serve/apiparts.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

int ga_api_token_new(char *buf, size_t len)
{
	unsigned char r[GA_SV_TOKEN_LEN / 2];
	size_t i;

	if (len < GA_SV_TOKEN_LEN + 1 ||
	    getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
		return -1;
	for (i = 0; i < sizeof(r); i++)
		snprintf(buf + 2 * i, 3, "%02x", r[i]);
	return 0;
}

/* Whether a and b (len bytes each) are the same, in a time that does
 * not say where they differ. */
static bool same(const char *a, const char *b, size_t len)
{
	unsigned char d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Base64 (RFC 4648) of in into out (at most len - 1 bytes, a NUL
 * after).  Returns how many, or -1 when in is not base64 or too long. */
static int unbase64(const char *in, char *out, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t n = 0, bits = 0;
	const char *c;

	for (; *in && *in != '='; in++) {
		c = strchr(abc, *in);
		if (!c)
			return -1;
		acc = acc << 6 | (uint32_t)(c - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n + 1 >= len)
				return -1;
			out[n++] = (char)(acc >> bits & 0xff);
		}
	}
	out[n] = '\0';
	return (int)n;
}

/* Whether an Authorization header gives token: "Bearer TOKEN", or
 * "Basic" with TOKEN as the password (any user: what a URL's
 * http://goneaway:TOKEN@127.0.0.1:8474 makes). */
static bool gives(const char *auth, const char *token)
{
	char plain[128], *pw;

	if (!*token)
		return false;
	if (strncasecmp(auth, "Bearer ", 7) == 0)
		return strlen(auth + 7) == GA_SV_TOKEN_LEN &&
		       same(auth + 7, token, GA_SV_TOKEN_LEN);
	if (strncasecmp(auth, "Basic ", 6) != 0 ||
	    unbase64(auth + 6, plain, sizeof(plain)) < 0)
		return false;
	pw = strchr(plain, ':');
	return pw && strlen(pw + 1) == GA_SV_TOKEN_LEN &&
	       same(pw + 1, token, GA_SV_TOKEN_LEN);
}

int ga_api_gate(const struct ga_sv *sv, const struct ga_http_request *req,
		bool owner, struct ga_api_response *resp)
{
	char api[80];

	memset(resp, 0, sizeof(*resp));
	if (sv->open_gate)
		return 0;       /* as Toxiproxy's: no root acts here */
	/* HTTP/1.0 may send none; a page a browser loads always does */
	if (req->host[0] && sv->api.sa.ss_family &&
	    !ga_sv_addr_names(req->host, &sv->api)) {
		ga_sv_addr_text((const struct sockaddr *)&sv->api.sa, api,
				sizeof(api));
		ga_api_error(resp, 403, "Host %s is not goneaway serve's API "
			     "(%s or localhost:%u): refused, as a page loaded "
			     "from another name would send it", req->host, api,
			     ga_sv_addr_port(&sv->api));
		return -1;
	}
	if (owner)
		return 0;
	if (!req->authorization[0]) {
		ga_api_error(resp, 403, "goneaway serve answers its owner and "
			     "root only: another user gives the token of its "
			     "env file (GONEAWAY_API_TOKEN) as Authorization: "
			     "Bearer TOKEN");
		return -1;
	}
	if (!gives(req->authorization, sv->token)) {
		ga_api_error(resp, 403, "the Authorization header does not "
			     "give goneaway serve's token");
		return -1;
	}
	return 0;
}
