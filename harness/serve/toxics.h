/* toxics.h - the toxics goneaway serve knows: a family of files behind
 * one ops struct, struct ga_toxic_type, as Toxiproxy keeps a toxic a
 * file (its toxics/NAME.go) and iproute2 a qdisc a file behind struct
 * qdisc_util.  serve/toxic_NAME.c defines const struct ga_toxic_type
 * ga_toxic_NAME, its word in GA_TOXICS below: Toxiproxy's eight
 * (latency, bandwidth, slow_close, timeout, reset_peer, slicer,
 * limit_data, noop) and goneaway's MySQL-aware ones (mysql_kill, mysql_cut).
 * After them come the fault toxics, one per fault kind of
 * faults/fault.h (fault_firewall, fault_netem, ...: a fault of the lab,
 * carried by a proxy), which serve/toxic_fault.c makes from that table.
 *
 * A type's attributes are typed: a struct of its own (struct latency
 * in toxic_latency.c) and its rows of struct ga_toxic_attr, both made
 * by GA_TOXIC_ATTRS from one list (each member's JSON name, its Go type
 * as Toxiproxy's struct has it, for Go's messages, its default, and
 * goneaway's words for GET /goneaway/toxics).  One decoder reads every
 * type's (ga_toxic_decode_attrs): what a request's JSON may say of an
 * attribute is decided there alone.
 *
 * What a toxic does is one of:
 *   - pipe: a stage of its stream's chain, on a connection's bytes
 *     (serve/chain.h; Toxiproxy's Pipe, and its Cleanup);
 *   - packet: an act where the MySQL protocol reaches a point
 *     (serve/relaymysql.c does what it says: a cut, a KILL);
 *   - fault: a fault of the lab, applied by serve/backstage.c.
 *
 * A toxic (struct ga_toxic) is one the API made: its name, type,
 * stream, toxicity and attributes.
 *
 * Ownership: a struct ga_toxic owns its strings, its attributes (and
 * their strings) and its fault spec; ga_toxic_free() frees them and
 * it.  The types are static.
 */
#ifndef GA_SERVE_TOXICS_H
#define GA_SERVE_TOXICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/faultkind.h"
#include "serve/godecode.h"

/* Every type but the fault toxics, in the order GET /goneaway/toxics
 * lists them. */
#define GA_TOXICS(X) \
	X(latency) X(bandwidth) X(slow_close) X(timeout) X(reset_peer) \
	X(slicer) X(limit_data) X(noop) X(mysql_kill) X(mysql_cut)

/* Toxiproxy's streams: upstream is client -> server. */
enum { GA_STREAM_UP = 0, GA_STREAM_DOWN = 1 };

/* Its word in GET /goneaway/toxics. */
enum ga_toxic_family {
	GA_TOXIC_STANDARD,      /* Toxiproxy's own: "toxiproxy" */
	GA_TOXIC_MYSQL,         /* reads the MySQL protocol: "mysql" */
	GA_TOXIC_FAULT,         /* a goneaway fault of the lab: "fault" */
};

/* What a type needs of a proxy (ga_toxic_type.needs): the API refuses
 * it on a proxy without (serve/apicollection.c). */
enum {
	GA_TOXIC_NEEDS_MYSQL = 1,       /* an upstream that speaks MySQL
					 * (every upstream serve takes does,
					 * so far: not yet checked) */
	GA_TOXIC_NEEDS_SERVER = 2,      /* goneaway's server as upstream: it
					 * acts on the server (a KILL, the
					 * lab's fault) */
	GA_TOXIC_NEEDS_ADMIN = 4,       /* an admin account on its upstream:
					 * goneaway's server's, or the one
					 * the user gave serve for their own
					 * servers (--upstream-admin) */
};

/* The most attributes a type has (the unit tests hold every type to
 * it). */
#define GA_TOXIC_MAX_ATTRS 8

/* One attribute of a type's struct (a row GA_TOXIC_ATTRS makes). */
struct ga_toxic_attr {
	const char *name;               /* "latency": the member's name */
	enum ga_go_kind kind;
	size_t off;                     /* the member's offset */
	const char *def;                /* its default as JSON would write
					 * it ("1", "true", a string's
					 * text); NULL: 0, false, "" */
	const char *what;               /* "time in milliseconds" */
};

/* A type's attributes, declared once: a list macro LIST(X, st) of rows
 * X(st, NAME, KIND, DEFAULT, WORDS), and GA_TOXIC_ATTRS(st, LIST) makes
 * struct st, a member NAME for each row, whose C type follows KIND
 * (STRING: a char * the toxic owns; BOOL: bool; INT64 and INT: long
 * long), and the rows st_attrs (NAME is the JSON name, GA_GO_KIND the
 * Go type).  GA_TOXIC_ATTRS_OF(st) puts them in the type's definition
 * (a type without attributes leaves both out). */
#define GA_TOXIC_CTYPE_STRING char *
#define GA_TOXIC_CTYPE_BOOL bool
#define GA_TOXIC_CTYPE_INT64 long long
#define GA_TOXIC_CTYPE_INT long long
#define GA_TOXIC_MEMBER(st, name, kind, def, what) \
	GA_TOXIC_CTYPE_##kind name;
#define GA_TOXIC_ROW(st, name, kind, def, what) \
	{ #name, GA_GO_##kind, offsetof(struct st, name), def, what },
#define GA_TOXIC_ATTRS(st, LIST) \
	struct st { LIST(GA_TOXIC_MEMBER, st) }; \
	static const struct ga_toxic_attr st##_attrs[] = { \
		LIST(GA_TOXIC_ROW, st) \
	}
#define GA_TOXIC_ATTRS_OF(st) \
	.attrs = st##_attrs, \
	.nattrs = sizeof(st##_attrs) / sizeof(st##_attrs[0]), \
	.size = sizeof(struct st)

/* The head of the definition of type st: its name (st's), its family
 * fam and its Go struct go; GA_TOXIC_OF, its attributes too
 * (GA_TOXIC_ATTRS_OF). */
#define GA_TOXIC_HEAD(st, fam, go) \
	.name = #st, .family = fam, .go_struct = go
#define GA_TOXIC_OF(st, fam, go) \
	GA_TOXIC_HEAD(st, fam, go), GA_TOXIC_ATTRS_OF(st)

struct ga_toxic;
struct ga_chain;
struct ga_mw_event;

/* What a mysql toxic does at a packet (its packet op says;
 * serve/relaymysql.c does it). */
enum ga_cut_action { GA_CUT_RESET, GA_CUT_CLOSE, GA_CUT_HOLD };
struct ga_toxic_act {
	enum { GA_ACT_CUT = 1, GA_ACT_KILL } what;
	const char *at;                 /* a cut: its point's word, for the
					 * log (the toxic's, borrowed) */
	bool after;                     /* a cut: the packet passes first */
	enum ga_cut_action action;      /* a cut: what it does */
	bool query;                     /* a KILL: KILL QUERY, once the
					 * command went on */
};

struct ga_toxic_type {
	const char *name;               /* "latency" */
	enum ga_toxic_family family;
	const char *go_struct;          /* "LatencyToxic" */
	const char *what;               /* one paragraph */
	const struct ga_toxic_attr *attrs;      /* nattrs rows */
	size_t nattrs;
	size_t size;                    /* its attributes' struct */
	unsigned needs;                 /* GA_TOXIC_NEEDS_*: 0 for any proxy */
	bool resets;                    /* on the proxy when a connection
					 * starts, it makes that connection's
					 * every close a TCP reset (Toxiproxy
					 * sets SO_LINGER 0 for reset_peer) */
	/* goneaway's checks of t's values, beyond their types (a mysql_cut
	 * at a point it does not know; a fault's args its kind refuses:
	 * then t->fault_spec is set).  0, or -1 with msg set; NULL: any
	 * value goes, as in Toxiproxy. */
	int (*check)(struct ga_toxic *t, char *msg, size_t len);
	/* A byte toxic: stage i of chain c, its toxic on, at now (what
	 * serve/chain.c's Toxiproxy noop does when it is off, and what
	 * comes after its end, are the chain's).  Moves what it lets
	 * through with ga_chain_move_head() and the others of
	 * serve/chain.h; returns whether anything moved, and *deadline
	 * its next time when it waits for one.  NULL: no stage. */
	bool (*pipe)(struct ga_chain *c, size_t i, double now,
		     double *deadline);
	/* Its toxic changed while the stage held chunk(s): what it does
	 * with the first one (Toxiproxy's interrupted stage sends it on);
	 * NULL: nothing. */
	void (*interrupted)(struct ga_chain *c, size_t i);
	/* Its toxic is removed, the stage's end not yet sent (Toxiproxy's
	 * Cleanup); NULL: nothing. */
	void (*cleanup)(struct ga_chain *c, size_t i);
	/* A mysql toxic: whether it acts on the packet at ev (of a
	 * connection that met it, its toxicity said so), and how, into
	 * *act.  NULL: never. */
	bool (*packet)(const struct ga_toxic *t, const struct ga_mw_event *ev,
		       struct ga_toxic_act *act);
	const struct ga_fault_kind *fault;      /* a fault toxic: its kind */
};

#define GA_TOXIC_DECLARE(name) extern const struct ga_toxic_type ga_toxic_##name;
GA_TOXICS(GA_TOXIC_DECLARE)
#undef GA_TOXIC_DECLARE

/* The fault toxics, fault_NAME for each kind of faults/fault.h, made at
 * the first call; NULL-terminated (serve/toxic_fault.c). */
const struct ga_toxic_type *const *ga_toxic_fault_types(void);

struct ga_toxic {
	char *name;                     /* owned */
	const struct ga_toxic_type *type;
	char *stream;                   /* owned: as the request wrote it */
	int dir;                        /* GA_STREAM_UP or _DOWN */
	float toxicity;
	void *attrs;                    /* owned: type's struct of them */
	unsigned long id;               /* unique in the process */
	void *fault_spec;               /* owned: a fault toxic's parsed
					 * args (its kind's free_spec) */
	int fault_line;                 /* its line on the fault stack;
					 * 0 while not applied */
	long long acted;                /* how many times a mysql toxic
					 * acted (its count bounds it) */
};

/* The type called name (GA_TOXICS', then the fault toxics), or NULL. */
const struct ga_toxic_type *ga_toxic_type_find(const char *name);

/* A new toxic of type with the defaults of its attributes (0, false,
 * each string's def).  NULL when out of memory. */
struct ga_toxic *ga_toxic_new(const struct ga_toxic_type *type);
/* A new toxic with t's type and values (its toxicity and attributes;
 * not its name, stream or fault).  NULL when out of memory. */
struct ga_toxic *ga_toxic_copy(const struct ga_toxic *t);
/* t takes c's values (toxicity, attributes, and a fault's spec and
 * line when c has one), c t's old ones (for ga_toxic_free). */
void ga_toxic_swap_values(struct ga_toxic *t, struct ga_toxic *c);
void ga_toxic_free(struct ga_toxic *t);

/* Decodes the attributes object attrs (may be NULL) into t, as Go would
 * into t's type's struct.  Returns 0, or -1 with msg set (Go's words). */
int ga_toxic_decode_attrs(struct ga_toxic *t, const struct ga_json *attrs,
			  char *msg, size_t len);

/* goneaway's own checks of t's values (its type's check).  Returns 0,
 * or -1 with msg set. */
int ga_toxic_check(struct ga_toxic *t, char *msg, size_t len);

/* Writes t as Toxiproxy shows a toxic: {"attributes":{...},"name":..,
 * "type":..,"stream":..,"toxicity":..}. */
void ga_toxic_write(FILE *f, const struct ga_toxic *t);

/* Writes every type, with its attributes and words, as a JSON array
 * (GET /goneaway/toxics). */
void ga_toxic_types_write(FILE *f);

#endif
