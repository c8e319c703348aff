# adversary-pairs.sh - sourced by t0202 and t0205 (issue 57's generated
# pairs): the classes of state a case can leave in its driver's
# process, and what both read of a pair's run.

CLASSES="none latesock-20 latesock-200 latesock-700 lateline-200
	lateline-700 umask env receiver globals threads children rlimits
	signals locale tz syspath files pool"

# verdict DIR LABEL [FIELD]: LABEL's verdict in DIR/results.jsonl (or
# its FIELD, e.g. reason)
verdict() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("type") == "case" and j["scenario"]["label"] == sys.argv[2]:
        print(j.get(sys.argv[3]) or "")
' "$1/results.jsonl" "$2" "${3:-verdict}" 2>/dev/null
}
