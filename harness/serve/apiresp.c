/* apiresp.c - see apiparts.h: the API's answers as Toxiproxy writes
 * them (its JSON, Go's http.Error, Go's server's refusals) and the
 * bytes they go out as. */
#include "serve/apiparts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve/godecode.h"

void ga_api_response_free(struct ga_api_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
	free(resp->error);
	resp->error = NULL;
}

FILE *ga_api_body_open(struct ga_api_body *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f;
}

void ga_api_body_give(struct ga_api_body *b, struct ga_api_response *resp,
		      int status, const char *type)
{
	fclose(b->f);
	ga_api_response_free(resp);
	resp->status = status;
	resp->content_type = type;
	resp->body = b->buf;
	resp->body_len = b->len;
	resp->nosniff = strcmp(type, GA_API_TEXT) == 0;
}

void ga_api_text(struct ga_api_response *resp, int status,
		 const char *text)
{
	struct ga_api_body b;

	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs(text, b.f);
	ga_api_body_give(&b, resp, status, GA_API_TEXT);
	if (status >= 400)      /* the log's, without its newline */
		resp->error = strndup(text, strcspn(text, "\n"));
}

void ga_api_error(struct ga_api_response *resp, int status, const char *fmt,
		  ...)
{
	char msg[2048];
	struct ga_api_body b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs("{\"error\":", b.f);
	ga_go_write_string(b.f, msg, strlen(msg));
	fprintf(b.f, ",\"status\":%d}\n", status);
	ga_api_body_give(&b, resp, status, GA_API_TEXT);
	resp->error = strdup(msg);      /* the log's */
}

void ga_api_bad_body(struct ga_api_response *resp, const char *msg)
{
	ga_api_error(resp, 400, "bad request body: %s", msg);
}

int ga_api_refusal_bytes(const struct ga_http_refusal *bad, char **out,
			 size_t *len)
{
	char text[256];
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -1;
	/* Go's server, word for word: its status line carries the reason */
	if (bad->status == 501)
		snprintf(text, sizeof(text), "Unsupported transfer encoding");
	else if (bad->public)
		snprintf(text, sizeof(text), "%d %s: %s", bad->status,
			 ga_http_status_text(bad->status), bad->reason);
	else
		snprintf(text, sizeof(text), "%d %s", bad->status,
			 ga_http_status_text(bad->status));
	fprintf(f, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		"Connection: close\r\n\r\n%s", bad->status == 501 ?
		"501 Not Implemented" : text, text);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

void ga_api_write_str(FILE *f, const char *s)
{
	ga_go_write_string(f, s, strlen(s));
}

void ga_api_write_toxics(FILE *f, const struct ga_sv_proxy *p)
{
	int dir;
	size_t i;
	bool first = true;

	fputc('[', f);
	/* Toxiproxy's chains: upstream's, then downstream's */
	for (dir = GA_STREAM_UP; dir <= GA_STREAM_DOWN; dir++)
		for (i = 0; i < p->ntoxics; i++) {
			if (p->toxics[i]->dir != dir)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			ga_toxic_write(f, p->toxics[i]);
		}
	fputc(']', f);
}

void ga_api_write_proxy(FILE *f, const struct ga_sv_proxy *p)
{
	fputs("{\"name\":", f);
	ga_api_write_str(f, p->name);
	fputs(",\"listen\":", f);
	ga_api_write_str(f, p->listen);
	fputs(",\"upstream\":", f);
	ga_api_write_str(f, p->upstream);
	fprintf(f, ",\"enabled\":%s,\"Logger\":{},\"toxics\":",
		p->enabled ? "true" : "false");
	ga_api_write_toxics(f, p);
	fputc('}', f);
}

/* obj, written by write, as a JSON answer of status. */
void ga_api_json(struct ga_api_response *resp, int status,
		 void (*write)(FILE *f, const void *obj),
		 const void *obj)
{
	struct ga_api_body b;

	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	write(b.f, obj);
	ga_api_body_give(&b, resp, status, GA_API_JSON);
}

static void write_proxy_obj(FILE *f, const void *p)
{
	ga_api_write_proxy(f, p);
}

static void write_toxic_obj(FILE *f, const void *t)
{
	ga_toxic_write(f, t);
}

void ga_api_proxy_answer(struct ga_api_response *resp, int status,
			 const struct ga_sv_proxy *p)
{
	ga_api_json(resp, status, write_proxy_obj, p);
}

void ga_api_toxic_answer(struct ga_api_response *resp,
			 const struct ga_toxic *t)
{
	ga_api_json(resp, 200, write_toxic_obj, t);
}

/* body as JSON, for a Go value of type go_type; NULL with msg set (all
 * of it: "bad request body: ...") when it is not one, *null when it is
 * null. */
struct ga_json *ga_api_body_json(const struct ga_http_request *req,
				 bool object, const char *go_type,
				 bool *null, char *msg, size_t len)
{
	struct ga_json *j;
	char why[512], type[64];

	*null = false;
	if (req->body_error) {
		snprintf(msg, len, "bad request body: %s", req->body_error);
		return NULL;
	}
	if (ga_go_parse_body(req->body ? req->body : "", req->body_len, &j,
			     why, sizeof(why))) {
		snprintf(msg, len, "bad request body: %s", why);
		return NULL;
	}
	if (j->type == GA_JSON_NULL) {
		*null = true;
		return j;
	}
	if (j->type != (object ? GA_JSON_OBJECT : GA_JSON_ARRAY)) {
		ga_go_type_name(j, false, type, sizeof(type));
		snprintf(msg, len, "bad request body: json: cannot unmarshal %s "
			 "into Go value of type %s", type, go_type);
		ga_json_free(j);
		return NULL;
	}
	return j;
}

struct ga_json *ga_api_body_object(const struct ga_http_request *req,
				   const char *go_type, bool *null,
				   struct ga_api_response *resp)
{
	char msg[700];
	struct ga_json *j = ga_api_body_json(req, true, go_type, null, msg,
					     sizeof(msg));

	if (!j)
		ga_api_error(resp, 400, "%s", msg);
	return j;
}

int ga_api_response_bytes(const struct ga_api_response *resp,
			  const struct ga_api_wire *how, char **out,
			  size_t *len)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	/* as Go's server: the request's version; a Connection header
	 * when the connection does what that version would not */
	fprintf(f, "HTTP/1.%d %d %s\r\n", how->minor, resp->status,
		ga_http_status_text(resp->status));
	if (resp->content_type)
		fprintf(f, "Content-Type: %s\r\n", resp->content_type);
	if (resp->nosniff)
		fputs("X-Content-Type-Options: nosniff\r\n", f);
	if (how->request_id && *how->request_id)
		fprintf(f, "X-Toxiproxy-Request-Id: %s\r\n", how->request_id);
	fprintf(f, "Date: %s\r\n", date);
	if (resp->status != 204 && !(how->head && !resp->body_len))
		fprintf(f, "Content-Length: %zu\r\n", resp->body_len);
	if (how->minor == 1 && !how->keep_alive)
		fputs("Connection: close\r\n", f);
	if (how->minor == 0 && how->keep_alive)
		fputs("Connection: keep-alive\r\n", f);
	fputs("\r\n", f);
	if (resp->status != 204 && resp->body_len && !how->head)
		fwrite(resp->body, 1, resp->body_len, f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
