#!/bin/sh
# t0118-reuse-suite: the second opinion on every verdict.  The shipped
# suite runs once with workers keeping their servers and client
# namespaces (the default) and once with a server and a client namespace
# for every case (--fresh-servers --fresh-drivers), side by side at the
# default -j, and every case's verdict must be the same both ways: any
# verdict that differs fails, whatever the reason (issue 37: a verdict
# depends on the scenario alone, not on the case before it nor on the
# machine's load).  The steps' outcomes are compared too: a step whose
# outcome differs between the modes is listed; with GA_T0118_RUNS=N runs
# of each mode (1 by default), a step that has one outcome in every run of
# both modes must have the same one (with one run each a scenario that
# accepts several outcomes, netem-reorder's spread, can show two by
# chance: listed, not failed).  Reuse must have happened in the kept run,
# for at least half of the cases (else the comparison proves little), and
# never under --fresh-servers.  tests/integration/t0120-reuse-pairs.sh
# checks the same of every kind of state a case can leave, pair by pair.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

RUNS=${GA_T0118_RUNS:-1}
RUNLIST=$(i=1; while [ $i -le "$RUNS" ]; do echo reuse$i fresh$i; i=$((i + 1)); done)

# The runs side by side: they are independent (each its own run
# directory, labs and servers; the server starts in flight are bounded
# across them by the cache's slots), and a busy machine is part of what
# they must not be sensitive to.
test_expect_success "the shipped suite with reuse and with fresh servers, side by side ($RUNS each)" '
	pids= &&
	for r in $RUNLIST; do
		flag= &&
		case $r in fresh*) flag="--fresh-servers --fresh-drivers" ;; esac &&
		"$GONEAWAY" run $flag -o $r $BUILTIN_SKIP_RULES \
			"$TOP/scenarios/" > $r.out 2>&1 &
		pids="$pids $!"
	done &&
	for p in $pids; do wait $p; done &&
	for r in $RUNLIST; do
		echo "$r: $(tail -n 4 $r.out | tr "\n" " ")" &&
		test -s $r/results.jsonl &&
		grep -q "\"type\":\"end\"" $r/results.jsonl || return 1
	done
'

test_expect_success 'the same verdicts, reuse or fresh servers; the same codes where each mode has one' '
	python3 - $(for r in $RUNLIST; do case $r in reuse*) echo $r ;; esac; done) -- \
		$(for r in $RUNLIST; do case $r in fresh*) echo $r ;; esac; done) <<-\EOF
	import json, sys

	args = sys.argv[1:]
	split = args.index("--")
	modes = {"reuse": args[:split], "fresh": args[split + 1:]}

	def outcome(d):
	    if d.get("result") == "error":
	        return "error %s %s" % (d.get("errno"), d.get("error_class", ""))
	    return d.get("result")

	def read(run):
	    cases, steps, reused, started, ncases = {}, [], set(), 0, 0
	    with open(run + "/results.jsonl") as f:
	        for line in f:
	            o = json.loads(line)
	            if o["type"] == "step":
	                seen = set()
	                if o.get("ran"):
	                    seen.add(outcome(o))
	                for s in o.get("spread") or []:
	                    seen.add(outcome(s))
	                steps.append((o["line"], seen))
	            elif o["type"] == "case":
	                key = o["scenario"]["label"]
	                cases[key] = (o["verdict"], steps)
	                steps = []
	                ncases += o.get("runs", 1) or 1
	                started += o.get("servers_started", 0)
	                # a case that SKIPped before its server started (no
	                # memory controller here, say) has none, kept or not
	                if o.get("servers_started", 0) == 0 and \
	                   not o.get("server_setup", "").startswith("reused"):
	                    ncases -= o.get("runs", 1) or 1
	                if o.get("server_setup", "").startswith("reused"):
	                    reused.add(key)
	    return cases, reused, started, ncases

	per, kept = {}, set()
	for mode, runs in modes.items():
	    for run in runs:
	        cases, reused, started, n = read(run)
	        print("%s: %d cases, %d runs, %d servers started, on a kept "
	              "server: %s" % (run, len(cases), n, started,
	                              " ".join(sorted(reused)) or "none"))
	        kept |= reused
	        # most cases leave their server clean: a run that kept few
	        # proves little about reuse
	        if mode == "reuse" and len(reused) < len(cases) // 2:
	            sys.exit("%s: only %d of %d cases ran on a kept server"
	                     % (run, len(reused), len(cases)))
	        if mode == "fresh" and (reused or started != n):
	            sys.exit("%s: --fresh-servers kept a server" % run)
	        for key, (verdict, steps) in cases.items():
	            c = per.setdefault(key, {"reuse": [set(), {}],
	                                     "fresh": [set(), {}]})
	            c[mode][0].add(verdict)
	            for line, seen in steps:
	                c[mode][1].setdefault(line, []).append(seen)

	bad = varied = 0
	one_run = len(modes["reuse"]) == 1 and len(modes["fresh"]) == 1
	for key in sorted(per):
	    r, f = per[key]["reuse"], per[key]["fresh"]
	    # any verdict that differs, kept or not: the verdict must be the
	    # scenario alone, not the case before it, nor the machine
	    if r[0] != f[0]:
	        print("MISMATCH %s (%s): verdicts %s with reuse, %s fresh"
	              % (key, "on a kept server" if key in kept else
	                 "on a fresh server in both modes", sorted(r[0]),
	                 sorted(f[0])))
	        bad += 1
	    for line in sorted(set(r[1]) | set(f[1])):
	        rs, fs = r[1].get(line, []), f[1].get(line, [])
	        ru = set().union(*rs) if rs else set()
	        fu = set().union(*fs) if fs else set()
	        if ru == fu:
	            continue
	        # within one mode the step saw more than one outcome, or each
	        # mode ran once: the scenario accepts several (its verdicts
	        # matched above), and one run each cannot tell its spread
	        if one_run or len(ru) > 1 or len(fu) > 1 or \
	           len(set(map(frozenset, rs))) > 1 or \
	           len(set(map(frozenset, fs))) > 1:
	            print("varies %s line %d: reuse %s, fresh %s"
	                  % (key, line, sorted(ru), sorted(fu)))
	            varied += 1
	            continue
	        print("MISMATCH %s line %d: reuse %s, fresh %s"
	              % (key, line, sorted(ru), sorted(fu)))
	        bad += 1
	print("%d cases compared (%d ran on a kept server), %d steps differ "
	      "within what their scenarios accept, %d mismatches"
	      % (len(per), len(kept), varied, bad))
	sys.exit(1 if bad else 0)
	EOF
'

test_expect_success 'nothing left behind' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
