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
	unsigned long long size;        /* the point fault's SIZE: the
					 * conntrack count the segment
					 * takes its direction to */
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

/* Why FIN is never run: the map's words for its SKIP. */
extern const char ex_fin_skip[];

/* Where a run's cut landed, from its own capture (an "at" cut: the
 * segment a reset answered or that was sent again). */
enum ex_land { EX_LAND_UNCHECKED, EX_LAND_HERE, EX_LAND_ELSEWHERE,
	       EX_LAND_UNSEEN };

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

struct ex_args {
	const char *scenario, *out, *client, *server, *jsonl, *catalogue;
	long jobs, sample, margin_ms;
	bool quiet;
	unsigned kinds;                 /* bit per enum ex_kind; 0: all */
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
	double started;
};

/* The violations among the runs. */
size_t ex_count_violations(const struct ex_state *st);

/* Writes explore.txt, explore.jsonl, conversation.txt (and --jsonl's
 * file) into the results folder, and the map to the console unless
 * --quiet (cli/explore_map.c).  Returns 0, or -1 with err set. */
int ex_write_outputs(const struct ex_state *st, double secs,
		     struct ga_error *err);

#endif
