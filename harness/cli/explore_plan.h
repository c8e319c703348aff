/* explore_plan.h - goneaway explore's points and the scenario files made
 * of them (cli/explore_plan.c).
 *
 * Ownership: ex_points_make() returns an array the caller frees.
 */
#ifndef GA_CLI_EXPLORE_PLAN_H
#define GA_CLI_EXPLORE_PLAN_H

#include "cli/explore.h"
#include "lang/scenario.h"

/* A place to cut a connection: a segment of the clean run that carried
 * data, cut at it (it and what follows) or after it. */
struct ex_point {
	size_t conn, seg;               /* of the clean conversation */
	int dir;                        /* the segment's: EX_UP, EX_DOWN */
	bool after;
	unsigned long long size;        /* the point fault's "data SIZE":
					 * the data byte of its direction
					 * the segment carries (from 1) */
	char label[EX_LABEL_MAX];       /* the packets it carries */
	char shape[96];
	bool run;                       /* sampled in */
	size_t like;                    /* sampled out: the point it is
					 * like */
};

/* Every point of c, at and after each segment, sampled (at most sample
 * of a row alike run).  Returns 0 (*out a new array of *n), or -1. */
int ex_points_make(const struct ex_conv *c, long sample,
		   struct ex_point **out, size_t *n, struct ga_error *err);

/* The fault line that cuts p with kind ("reset", "drop"), or has the
 * server KILL its session or die there ("kill", "crash"). */
void ex_fault_line(const struct ex_point *p, const char *kind, char *buf,
		   size_t len);

/* Writes the scenario text (its file sc) to path with the line fault
 * inserted before its first step (every expect line kept: the run is
 * made with --record, every step whatever happens).  Returns 0 or -1. */
int ex_write_faulted(const char *path, const char *text,
		     const struct ga_scenario *sc, const char *fault,
		     struct ga_error *err);

/* Writes a scenario that reproduces a violation: text with fault before
 * its first step, its steps up to the flagged one (index flagged of
 * sc's steps), every expect line of the file dropped, each earlier step
 * expected as the run saw it (seen[i]: "" for success, else "error"),
 * and the flagged step's line expect (a correct client meets it).
 * comment heads the file.  Returns 0 or -1. */
int ex_write_repro(const char *path, const char *text,
		   const struct ga_scenario *sc, const char *fault,
		   const char *comment, const char *const *seen,
		   size_t flagged, const char *expect, struct ga_error *err);

/* ---- a whole exploration (cli/explore.c) -------------------------------- */

#define EX_PATH_MAX 4096


/* Where a run's cut landed, from its own capture (an "at" cut: the
 * segment a reset answered or that was sent again). */
enum ex_land { EX_LAND_UNCHECKED, EX_LAND_HERE, EX_LAND_ELSEWHERE,
	       EX_LAND_UNSEEN };

/* The place of cn's segment of direction dir at offset off among its
 * segments that way (0 the first), or -1: a run's segments are its
 * clean run's by place, not offset (a login a byte longer, its
 * attributes' process id, moves every offset after it). */
long ex_seg_place(const struct ex_connection *cn, int dir,
		  unsigned long long off);

/* Where a kill or crash "at" want landed, from seen (the run's own
 * capture of that connection): the server ended the connection (its
 * first FIN or reset) right after sending want (a from-server point:
 * the last data it sent before), or right before the client's want
 * reached it (a to-server point, held while the act was made: the
 * first data the client sent after), a segment being its clean one by
 * its place among those of its direction.  at gets where, named by
 * clean's segments. */
void ex_act_landing(const struct ex_connection *clean,
		    const struct ex_segment *want,
		    const struct ex_connection *seen, enum ex_land *land,
		    char *at, size_t len);

/* What the server's side says of a write or COMMIT that failed in a run
 * (cli/explore_side.c): its first failed step that changed the server's
 * tables in the clean run, its tables' digest at the run's end against
 * the clean run's before and after that step: */
enum ex_side {
	EX_SIDE_NONE,           /* no step that changed the clean
				 * run's tables failed */
	EX_SIDE_COMMITTED,      /* failed but committed: as the clean run
				 * had them after that step, or at its end */
	EX_SIDE_NOT,            /* not committed: as they were before it */
	EX_SIDE_PARTLY,         /* neither: some of what the clean run
				 * wrote is there, not all, or other rows */
	EX_SIDE_UNREAD,         /* a digest was not read (the server down
				 * at the end: a crash) */
	EX_NSIDES
};

struct ex_args {
	const char *scenario, *out, *client, *server, *jsonl, *catalogue;
	const char *markdown, *html;    /* --markdown FILE, --html FILE */
	long jobs, sample, margin_ms;
	bool quiet;
	unsigned kinds;                 /* bit per enum ex_kind; 0: all */
	unsigned shard_k, shard_n;      /* --shard K/N; 0/0: every point */
};

struct ex_run {
	size_t point;
	enum ex_kind kind;
	char name[64];                  /* its file's and case's name */
	char fault[160];
	bool made;
	struct ex_judgement j;
	char repro[EX_PATH_MAX];        /* a violation's scenario */
	char repro_verdict[8];          /* what goneaway run said of it */
	enum ex_land land;              /* where its cut landed */
	char land_at[EX_LABEL_MAX];     /* ... when elsewhere */
	enum ex_side side;              /* the server's side of the first
					 * write or COMMIT that failed */
	int side_line;                  /* ... its line, 0: none */
};

struct ex_state {
	struct ex_args a;
	char self[EX_PATH_MAX];
	char *text;                     /* the scenario file */
	struct ga_scenario *sc;
	struct ex_conv conv, again;
	bool same;
	char same_why[256];
	struct ex_case *clean;
	size_t nclean;
	struct ex_point *pts;
	size_t npts;
	struct ex_run *runs;
	size_t nruns;
	struct ex_case *cases;          /* the runs' results */
	size_t ncases;
	char *known;                    /* the catalogue, NULL: not read */
	bool catalogue;                 /* one was read (the map says it) */
	bool catalogue_client;          /* ... with rows for the client:
					 * known is those rows */
	double started;
	/* what the map says of the clean run and the shards, set by
	 * ex_shard_points() (explore) or read back (goneaway report) */
	size_t nconns, npkts, nsegs;    /* the conversation's size */
	unsigned *shard_of;             /* owned, per point: the shard that
					 * runs it, 1..N; 0: sampled out, or
					 * no --shard */
	char clean_id[24];              /* the clean run's points, hashed:
					 * shards of one exploration agree */
	char scenario_id[24];           /* the scenario file's text, hashed */
	unsigned merged;                /* goneaway report: the shards read */
	bool *shard_seen;               /* owned, [1..N]: read (report) */
	size_t cap_runs;                /* runs' room (report) */
};

/* ---- the map's words, every output's (cli/explore_cells.c) --------------- */

/* The violations among the runs. */
size_t ex_count_violations(const struct ex_state *st);

/* The JSON line's outcome of v ("wrong-result"); and back, -1 for a
 * word that is none. */
const char *ex_verdict_word(enum ex_verdict v);
int ex_verdict_of(const char *word);
/* A run's landing ("here", "unseen" ...); and back, -1 for none. */
const char *ex_land_word(enum ex_land l);
int ex_land_of(const char *word);
/* A kind's index in ex_kind_names, -1 for none. */
int ex_kind_of(const char *word);

/* A run's server side as the JSON line says it ("committed",
 * "not-committed" ...; "" for none); and back, -1 for none.  (Its mark
 * in the map's cell is explore_cells.c's own.) */
const char *ex_side_word(enum ex_side s);
int ex_side_of(const char *word);

/* What the server's side says of run's first failed write or COMMIT
 * (scenario sc, its clean run clean): into r->side and r->side_line. */
void ex_server_side(const struct ga_scenario *sc, const struct ex_case *clean,
		    const struct ex_case *run, struct ex_run *r);

/* The runs' server sides, a line at a time as ex_map_head(): the
 * count of each, then a line per run failed but committed or partly;
 * nothing when no run had a write or COMMIT fail. */
struct ex_lines {                /* ex_side_lines()'s ctx for a file */
	FILE *f;
	size_t n;                       /* lines written so far */
};
void ex_side_lines(const struct ex_state *st,
		   void (*line)(void *ctx, const char *text), void *ctx);
/* The same as a section of f: head, each line to line(f, text), tail;
 * nothing at all when there is no line. */
void ex_side_section(const struct ex_state *st, FILE *f, const char *head,
		     void (*line)(void *f, const char *text),
		     const char *tail);

/* Point p as the map names it: "c1 at    from-server row 3". */
void ex_point_name(const struct ex_point *p, char *buf, size_t len);
/* Run r's cell in the map: "CR_SERVER_LOST 2.0s", "HANG: 7.0s!". */
void ex_cell_text(const struct ex_run *r, char *buf, size_t len);
/* The run of point (an index of st->pts) and kind; NULL: none. */
const struct ex_run *ex_find_run(const struct ex_state *st, size_t point,
				 int kind);
/* The shard whose runs point i's row lacks (another shard's, or one
 * report was not given), 0 when it has its runs or was sampled out. */
unsigned ex_point_elsewhere(const struct ex_state *st, size_t i);

/* The map's head, a line at a time (no newline) to line(ctx, text):
 * the scenario, the conversation, the clean runs, the points and the
 * shards, the oracle, where the cuts landed, the time. */
void ex_map_head(const struct ex_state *st, double secs,
		 void (*line)(void *ctx, const char *text), void *ctx);

/* ---- the map's outputs, one family (cli/explore_map*.c) ------------------ */

/* A way to write the map: the console and explore.txt's text, the
 * Markdown of --markdown FILE, the HTML page of --html FILE. */
struct ex_map_format {
	const char *name;               /* "markdown": --NAME FILE */
	void (*write)(FILE *f, const struct ex_state *st, double secs);
};
extern const struct ex_map_format ex_map_markdown;     /* explore_map_markdown.c */
extern const struct ex_map_format ex_map_html;         /* explore_map_html.c */

/* The files of an exploration's map beyond its folder's: --markdown,
 * --html and --jsonl FILE (NULL: none). */
struct ex_map_files {
	const char *markdown, *html, *jsonl;
};

/* Writes the map to stdout (unless quiet) and to files' files.
 * Returns 0, or -1 with err set (a file that could not be written). */
int ex_write_map(const struct ex_state *st, double secs,
		 const struct ex_map_files *files, bool quiet,
		 struct ga_error *err);

/* Writes explore.txt, explore.jsonl, conversation.txt into the results
 * folder, then ex_write_map() of --markdown, --html and --jsonl
 * (cli/explore_map.c).  Returns 0, or -1 with err set. */
int ex_write_outputs(const struct ex_state *st, double secs,
		     struct ga_error *err);

/* ---- the catalogue's codes for a client (cli/explore_catalogue.c) -------- */

/* The rows of the tables of codes of the catalogue text whose client is
 * client ("| local/pymysql | ..."), a line each, as a new string (free
 * it); NULL when there is none (or no memory). */
char *ex_catalogue_for(const char *text, const char *client);

/* ---- --shard K/N and goneaway report's merge (cli/explore_shard.c) -------- */

/* Numbers the points that run for the shards (st->shard_of: the i-th
 * of them in the clean conversation's order is shard i mod N + 1) and
 * hashes the clean run and the scenario (st->clean_id, scenario_id).
 * Returns 0, or -1 with err set (memory; a shard with no point). */
int ex_shard_points(struct ex_state *st, struct ga_error *err);

/* Whether path is explore's: a folder that holds explore.jsonl, or a
 * file whose first line is an "explore" line. */
bool ex_is_result(const char *path);

/* What goneaway report does with explore's results. */
struct ex_report_args {
	struct ex_map_files files;      /* --markdown, --html */
	bool strict;                    /* a missing shard is exit 4 */
};

/* goneaway report over the explore results paths[0..n) (folders or
 * explore.jsonl files): the shards of one exploration merged into one
 * map, shown and written as ra says; shards of different scenarios,
 * clients, servers or clean runs, or one shard twice, are refused.
 * Returns the exit status: 0 nothing flagged, 1 a violation, 2 refused
 * or unreadable, 4 a shard missing under --strict. */
int ex_report(const struct ex_report_args *ra, char *const *paths, size_t n);

/* ---- its options (cli/explore_args.c, its table: cli_explore) ------------- */

/* argv[1..argc) by explore's table into a (zeroed by the caller), its
 * defaults first; a->scenario is the first operand, optind its index.
 * Returns 0, 1 after --help (printed), or -1 after saying what is wrong
 * ("goneaway explore: ..."; getopt_long's own for an option it
 * refused). */
int ex_args_parse(int argc, char **argv, struct ex_args *a);

/* Frees what st owns (explore's and report's). */
void ex_state_release(struct ex_state *st);

#endif
