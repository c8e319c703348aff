/* scenario.c - see scenario.h */
#include "lang/scenario.h"

#include <stdlib.h>

#include "faults/fault.h"

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_step(struct ga_step *st)
{
	size_t i;

	for (i = 0; i < st->nexpects; i++) {
		free(st->expects[i].value.text);
		free(st->expects[i].message);
	}
	free(st->expects);
	free(st->text);
	if (st->fault && st->fault_spec)
		st->fault->free_spec(st->fault_spec);
}

void ga_scenario_free(struct ga_scenario *sc)
{
	size_t i;

	if (!sc)
		return;
	free(sc->path);
	free(sc->name);
	free(sc->title);
	free(sc->cause);
	free_strings(sc->keywords, sc->nkeywords);
	free_strings(sc->requires, sc->nrequires);
	for (i = 0; i < sc->noptions; i++) {
		free(sc->options[i].name);
		free(sc->options[i].value);
	}
	free(sc->options);
	for (i = 0; i < sc->nconnections; i++) {
		free(sc->connections[i].user);
		free(sc->connections[i].password);
		free(sc->connections[i].database);
	}
	free(sc->connections);
	for (i = 0; i < sc->nsteps; i++)
		free_step(&sc->steps[i]);
	free(sc->steps);
	free(sc);
}

/* A switch without default: -Wswitch-enum flags a kind without a name. */
const char *ga_step_kind_name(enum ga_step_kind kind)
{
	switch (kind) {
	case GA_STEP_CONNECT:
		return "connect";
	case GA_STEP_QUERY:
		return "query";
	case GA_STEP_SEND:
		return "send";
	case GA_STEP_REAP:
		return "reap";
	case GA_STEP_PING:
		return "ping";
	case GA_STEP_CLOSE:
		return "close";
	case GA_STEP_SLEEP:
		return "sleep";
	case GA_STEP_KILL:
		return "kill";
	case GA_STEP_ADMIN:
		return "admin";
	case GA_STEP_STATUS:
		return "status";
	case GA_STEP_ERRORLOG:
		return "errorlog";
	case GA_STEP_SERVER_STOP:
		return "server stop";
	case GA_STEP_SERVER_START:
		return "server start";
	case GA_STEP_SERVER_RESTART:
		return "server restart";
	case GA_STEP_SERVER_CRASH:
		return "server crash";
	case GA_STEP_FAULT:
		return "fault";
	case GA_STEP_LIFT:
		return "lift";
	case GA_STEP_PREPARE:
		return "prepare";
	case GA_STEP_EXECUTE:
		return "execute";
	case GA_STEP_LONG_DATA:
		return "long-data";
	case GA_STEP_STREAM:
		return "stream";
	case GA_STEP_FETCH:
		return "fetch";
	case GA_STEP_FORK:
		return "fork";
	case GA_STEP_DRAIN:
		return "drain";
	}
	return "unknown";
}

/* sleep counts as an action too: it has no outcome of its own to check. */
bool ga_step_is_action(enum ga_step_kind kind)
{
	switch (kind) {
	case GA_STEP_SLEEP:
	case GA_STEP_KILL:
	case GA_STEP_SERVER_STOP:
	case GA_STEP_SERVER_START:
	case GA_STEP_SERVER_RESTART:
	case GA_STEP_SERVER_CRASH:
	case GA_STEP_FAULT:
	case GA_STEP_LIFT:
		return true;
	case GA_STEP_CONNECT:
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
	case GA_STEP_REAP:
	case GA_STEP_PING:
	case GA_STEP_CLOSE:
	case GA_STEP_ADMIN:
	case GA_STEP_STATUS:
	case GA_STEP_ERRORLOG:
	case GA_STEP_PREPARE:
	case GA_STEP_EXECUTE:
	case GA_STEP_LONG_DATA:
	case GA_STEP_STREAM:
	case GA_STEP_FETCH:
	case GA_STEP_FORK:
	case GA_STEP_DRAIN:
		return false;
	}
	return false;
}
