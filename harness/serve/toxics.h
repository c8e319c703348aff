/* toxics.h - the toxics goneaway serve knows, one table: Toxiproxy's
 * seven (latency, bandwidth, slow_close, timeout, reset_peer, slicer,
 * limit_data), goneaway's MySQL-aware ones (mysql_kill, mysql_cut), and
 * one per fault kind of faults/fault.h (fault_firewall, fault_netem,
 * ...: a fault of the lab, carried by a proxy).  Each has its
 * attributes with their Go types (Toxiproxy's structs, for its
 * messages) and goneaway's words on what it does (GET /goneaway/toxics,
 * docs/toxiproxy.md).
 *
 * A toxic (struct ga_toxic) is one the API made: its name, type,
 * stream, toxicity and attribute values.  What it does to a
 * connection's bytes is serve/chain.c's (Toxiproxy's toxics) and
 * serve/relay.c's (the MySQL-aware ones); a fault toxic is applied to
 * the lab by serve/backstage.c.
 *
 * Ownership: a struct ga_toxic owns its strings and its fault spec;
 * ga_toxic_free() frees them and it.  The types are static.
 */
#ifndef GA_SERVE_TOXICS_H
#define GA_SERVE_TOXICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/faultkind.h"
#include "serve/godecode.h"

#define GA_TOXIC_MAX_ATTRS 6

/* Toxiproxy's streams: upstream is client -> server. */
enum { GA_STREAM_UP = 0, GA_STREAM_DOWN = 1 };

enum ga_toxic_family {
	GA_TOXIC_STANDARD,      /* Toxiproxy's own */
	GA_TOXIC_MYSQL,         /* reads the MySQL protocol */
	GA_TOXIC_FAULT,         /* a goneaway fault of the lab */
};

/* The standard types' behaviour (serve/chain.c), by this word. */
enum ga_toxic_kind {
	GA_TK_LATENCY, GA_TK_BANDWIDTH, GA_TK_SLOW_CLOSE, GA_TK_TIMEOUT,
	GA_TK_RESET_PEER, GA_TK_SLICER, GA_TK_LIMIT_DATA,
	GA_TK_MYSQL_KILL, GA_TK_MYSQL_CUT, GA_TK_FAULT,
};

struct ga_toxic_attr {
	const char *name;               /* "latency" */
	enum ga_go_kind kind;
	const char *def;                /* its default as JSON would write
					 * it ("1", "true", a string's
					 * text); NULL: 0, false, "" */
	const char *what;               /* "time in milliseconds" */
};

struct ga_toxic;

struct ga_toxic_type {
	const char *name;               /* "latency" */
	enum ga_toxic_kind kind;
	enum ga_toxic_family family;
	const char *go_struct;          /* "LatencyToxic" */
	const char *what;               /* one paragraph */
	struct ga_toxic_attr attrs[GA_TOXIC_MAX_ATTRS]; /* name NULL ends */
	const struct ga_fault_kind *fault;      /* GA_TOXIC_FAULT: its kind */
};

struct ga_toxic {
	char *name;                     /* owned */
	const struct ga_toxic_type *type;
	char *stream;                   /* owned: as the request wrote it */
	int dir;                        /* GA_STREAM_UP or _DOWN */
	float toxicity;
	long long num[GA_TOXIC_MAX_ATTRS];      /* ints and bools, by attr */
	char *str[GA_TOXIC_MAX_ATTRS];          /* owned strings, by attr */
	unsigned long id;               /* unique in the process */
	void *fault_spec;               /* owned: GA_TOXIC_FAULT's parsed
					 * args (its kind's free_spec) */
	int fault_line;                 /* its line on the fault stack;
					 * 0 while not applied */
	long long acted;                /* how many times a mysql toxic
					 * acted (its count bounds it) */
};

const struct ga_toxic_type *ga_toxic_type_find(const char *name);

/* The index of attribute name in t's type, or -1. */
int ga_toxic_attr_index(const struct ga_toxic_type *type, const char *name);
/* The value of attribute name (0 / "" when the type has none). */
long long ga_toxic_num(const struct ga_toxic *t, const char *name);
const char *ga_toxic_str(const struct ga_toxic *t, const char *name);

/* A new toxic of type with the defaults of its attributes (0, false,
 * each string's def).  NULL when out of memory. */
struct ga_toxic *ga_toxic_new(const struct ga_toxic_type *type);
void ga_toxic_free(struct ga_toxic *t);

/* Decodes the attributes object attrs (may be NULL) into t, as Go would
 * into t's type's struct.  Returns 0, or -1 with msg set (Go's words). */
int ga_toxic_decode_attrs(struct ga_toxic *t, const struct ga_json *attrs,
			  char *msg, size_t len);

/* goneaway's own checks of t's values, beyond their types (a mysql_cut
 * at a point it does not know, a fault's args its kind refuses: then
 * t->fault_spec is set).  Returns 0, or -1 with msg set. */
int ga_toxic_check(struct ga_toxic *t, char *msg, size_t len);

/* Writes t as Toxiproxy shows a toxic: {"attributes":{...},"name":..,
 * "type":..,"stream":..,"toxicity":..}. */
void ga_toxic_write(FILE *f, const struct ga_toxic *t);


/* Writes every type, with its attributes and words, as a JSON array
 * (GET /goneaway/toxics). */
void ga_toxic_types_write(FILE *f);

/* mysql_cut's points and actions, in the words of its attributes. */
enum ga_cut_point {
	GA_CUT_GREETING, GA_CUT_LOGIN, GA_CUT_AUTH, GA_CUT_TLS,
	GA_CUT_COMMAND, GA_CUT_ROW, GA_CUT_POINT_COUNT,
};
enum ga_cut_action { GA_CUT_RESET, GA_CUT_CLOSE, GA_CUT_HOLD };
/* t (a mysql_cut)'s point and action; -1 for a word it does not know. */
int ga_cut_point_of(const struct ga_toxic *t);
int ga_cut_action_of(const struct ga_toxic *t);
/* The command byte of a mysql_cut's "command" ("COM_QUERY", "3"), -1
 * for any command, -2 for a word it does not know. */
int ga_cut_command_of(const struct ga_toxic *t);

#endif
