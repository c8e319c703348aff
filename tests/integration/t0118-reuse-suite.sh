#!/bin/sh
# t0118-reuse-suite: the shipped suite gives the same verdicts and codes
# whether workers keep their servers (the default) or start one for every
# case (--fresh-servers): three runs each, at the default -j, side by
# side, compared case by case and step by step from results.jsonl.  A step's codes may
# vary only where they vary within one mode too (a scenario that accepts
# several codes, e.g. netem-reorder's spread): those are listed, never
# hidden; a step with one code in every run of both modes must have the
# same one, and every case the same verdicts.  Reuse must have happened
# in the default runs, for at least half of the cases (else the
# comparison proves little), and never under --fresh-servers.  Only a case that ran on a kept server in some
# run can differ because of reuse: a difference in a case that had a
# fresh server in every run of both modes is listed as what it is (the
# suite's own timing on a busy machine: point-4031-during-query once
# came back 8 ms before its "after 1500ms" bound) and does not fail.
. "$(dirname "$0")/lib.sh"

leftover_snapshot > "$SCRATCH/before"

# The six runs side by side: they are independent (each its own run
# directory, labs and servers; the server starts in flight are bounded
# across them by the cache's slots), and a busy machine is part of what
# they must not be sensitive to.
test_expect_success 'the shipped suite six times side by side: three with reuse, three with fresh servers' '
	pids= &&
	for mode in reuse fresh; do
		flag= &&
		{ [ $mode = reuse ] || flag=--fresh-servers; } &&
		for i in 1 2 3; do
			"$GONEAWAY" run $flag -o $mode$i $BUILTIN_SKIP_RULES \
				"$TOP/scenarios/" > $mode$i.out 2>&1 &
			pids="$pids $!"
		done
	done &&
	for p in $pids; do wait $p; done &&
	for r in reuse1 reuse2 reuse3 fresh1 fresh2 fresh3; do
		echo "$r: $(tail -n 4 $r.out | tr "\n" " ")" &&
		test -s $r/results.jsonl &&
		grep -q "\"type\":\"end\"" $r/results.jsonl || return 1
	done
'

test_expect_success 'the same verdicts and codes, reuse or fresh servers' '
	python3 - reuse1 reuse2 reuse3 -- fresh1 fresh2 fresh3 <<-\EOF
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

	bad = varied = flaky = 0
	for key in sorted(per):
	    r, f = per[key]["reuse"], per[key]["fresh"]
	    if r[0] != f[0] and key not in kept:
	        print("differs, on a fresh server in every run of both modes "
	              "(not reuse) %s: verdicts %s, %s fresh"
	              % (key, sorted(r[0]), sorted(f[0])))
	        flaky += 1
	        continue
	    if r[0] != f[0]:
	        print("MISMATCH %s: verdicts %s with reuse, %s fresh"
	              % (key, sorted(r[0]), sorted(f[0])))
	        bad += 1
	    for line in sorted(set(r[1]) | set(f[1])):
	        rs, fs = r[1].get(line, []), f[1].get(line, [])
	        ru = set().union(*rs) if rs else set()
	        fu = set().union(*fs) if fs else set()
	        if ru == fu:
	            continue
	        # within one mode the step saw more than one outcome: the
	        # scenario accepts several (its verdicts matched above)
	        if len(ru) > 1 or len(fu) > 1 or \
	           len(set(map(frozenset, rs))) > 1 or \
	           len(set(map(frozenset, fs))) > 1:
	            print("varies %s line %d: reuse %s, fresh %s"
	                  % (key, line, sorted(ru), sorted(fu)))
	            varied += 1
	            continue
	        if key not in kept:
	            print("differs, on a fresh server in every run of both "
	                  "modes (not reuse) %s line %d: reuse %s, fresh %s"
	                  % (key, line, sorted(ru), sorted(fu)))
	            flaky += 1
	            continue
	        print("MISMATCH %s line %d: reuse %s, fresh %s"
	              % (key, line, sorted(ru), sorted(fu)))
	        bad += 1
	print("%d cases compared (%d ran on a kept server), %d steps vary in "
	      "a mode, %d differences not from reuse, %d mismatches"
	      % (len(per), len(kept), varied, flaky, bad))
	sys.exit(1 if bad else 0)
	EOF
'

test_expect_success 'nothing left behind' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

test_done
