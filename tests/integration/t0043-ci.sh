#!/bin/sh
# t0043-ci: what ci/ gives a connector's CI (issue 19).
#   - ci/run-goneaway.sh: clients one per line (GONEAWAY_CLIENTS, and
#     GONEAWAY_CLIENTS_FILE with comments), so a cmd: client with spaces
#     stays one --client; --allow-skip rules from GONEAWAY_ALLOW_SKIP;
#     GONEAWAY_SKIP_BUILD=1; a real run with two clients;
#   - --allow-skip KIND[:SCENARIO][@CLIENT] for run and report alike: a
#     rule for another scenario, client or kind lets nothing through;
#   - the templates: valid YAML, every job on Debian 12 (GitHub's in a
#     debian:12 container with the capabilities goneaway needs), goneaway
#     pinned by GONEAWAY_REF (the same everywhere, a ref this repository
#     has: issue 24), actions pinned by commit id, and the templates' own
#     fetch commands check out exactly that ref;
#   - releases (issue 38): each CHANGELOG.md release names the commit
#     that set its version; the templates pin the newest, which has
#     every scenario and file they mention (data/releases.py); the
#     templates say what a cmd: driver's toolchain needs;
#   - versions (issue 56): a build past its release says so (--version,
#     results.jsonl), gen-version.sh in a scratch repository, and the
#     docs' release of each option and protocol version (data/since.py).
#
# The sources it holds: harness/cli/version.c.
. "$(dirname "$0")/lib.sh"

D="$TOP/tests/integration/data"
S="$TOP/scenarios"
PY=/usr/bin/python3
PYMYSQL="cmd:$PY $TOP/drivers/pymysql/driver.py"
leftover_snapshot > "$SCRATCH/before"

have_pymysql() { "$PY" -c 'import pymysql' 2>/dev/null; }
have_yaml() { "$PY" -c 'import yaml' 2>/dev/null; }

# ---- ci/run-goneaway.sh: what it passes to goneaway --------------------------

# A checkout whose "goneaway" prints its arguments, one per line in <>,
# with the drivers' table (what a client's toolchain is:
# drivers/install-deps.sh --of NAME).
mkdir -p "$SCRATCH/fake/drivers"
cp "$TOP/drivers/drivers.list" "$TOP/drivers/install-deps.sh" \
	"$SCRATCH/fake/drivers/"
cat > "$SCRATCH/fake/goneaway" <<'EOF'
#!/bin/sh
for a in "$@"; do printf '<%s>\n' "$a"; done
EOF
chmod +x "$SCRATCH/fake/goneaway"

test_expect_success 'run-goneaway.sh: one --client per line, spaces kept; the file first, comments and blanks out' '
	printf "%s\n" "# the connector under test" "" "   pymysql  " \
		"cmd:php /x/it'"'"'s driver.php" "	# indented comment" > clients &&
	printf "last-without-newline" >> clients &&
	GONEAWAY_SKIP_BUILD=1 GONEAWAY_CLIENTS_FILE=clients \
	GONEAWAY_CLIENTS="builtin
  cmd:ruby /x/driver.rb --opt *

" GONEAWAY_ALLOW_SKIP="netem driver:kill-idle@pymysql" \
	GONEAWAY_ARGS="--shard 1/3 -k *" \
		sh "$TOP/ci/run-goneaway.sh" "$SCRATCH/fake" "a dir" > args &&
	cat args &&
	printf "<%s>\n" run --strict --allow-skip netem \
		--allow-skip driver:kill-idle@pymysql \
		--client pymysql --client "cmd:php /x/it'"'"'s driver.php" \
		--client last-without-newline --client builtin \
		--client "cmd:ruby /x/driver.rb --opt *" --shard 1/3 -k "*" \
		--junit goneaway-junit.xml --markdown goneaway-matrix.md \
		-o goneaway-results "a dir" > want &&
	diff -u want args
'

test_expect_success 'run-goneaway.sh: defaults; GONEAWAY_ALLOW_SKIP="" allows nothing' '
	GONEAWAY_SKIP_BUILD=1 sh "$TOP/ci/run-goneaway.sh" "$SCRATCH/fake" > d1 &&
	printf "<%s>\n" run --strict --allow-skip netem --junit goneaway-junit.xml \
		--markdown goneaway-matrix.md -o goneaway-results \
		"$SCRATCH/fake/scenarios" > want1 &&
	diff -u want1 d1 &&
	GONEAWAY_SKIP_BUILD=1 GONEAWAY_ALLOW_SKIP= \
		sh "$TOP/ci/run-goneaway.sh" "$SCRATCH/fake" x > d2 &&
	! grep -q allow-skip d2
'

test_expect_success 'run-goneaway.sh: an unreadable clients file or an unbuilt checkout is exit 2' '
	GONEAWAY_SKIP_BUILD=1 GONEAWAY_CLIENTS_FILE=/nonexistent/clients \
		sh "$TOP/ci/run-goneaway.sh" "$SCRATCH/fake" x > o 2> e;
	test $? -eq 2 && cat e && grep -q "GONEAWAY_CLIENTS_FILE: cannot read" e &&
	test ! -s o &&
	mkdir -p empty &&
	GONEAWAY_SKIP_BUILD=1 sh "$TOP/ci/run-goneaway.sh" empty x 2> e;
	test $? -eq 2 && grep -q "empty/goneaway is not built" e
'

# A "make" that says what it was asked: which toolchains "make deps"
# installs for the job's clients (issue 24: a PyMySQL job installed npm,
# Go, Perl and PHP).
mkdir -p "$SCRATCH/bin"
cat > "$SCRATCH/bin/make" <<'EOF'
#!/bin/sh
printf '%s\n' "$*" >> "$MAKE_LOG"
EOF
chmod +x "$SCRATCH/bin/make"

test_expect_success 'run-goneaway.sh: make deps installs the toolchains of the job.s clients only' '
	deps() {
		rm -f make.log &&
		MAKE_LOG=$SCRATCH/make.log PATH="$SCRATCH/bin:$PATH" \
			sh "$TOP/ci/run-goneaway.sh" "$SCRATCH/fake" x > /dev/null &&
		sed -n "s/^-C .* deps DEPS_DRIVERS=/=/p" make.log
	} &&
	test "$(GONEAWAY_CLIENTS=pymysql deps)" = "=pymysql" &&
	test "$(GONEAWAY_CLIENTS= deps)" = "=" &&
	test "$(GONEAWAY_CLIENTS="builtin
cmd:/usr/bin/python3 t/driver.py" deps)" = "=" &&
	test "$(GONEAWAY_CLIENTS="mysql2@3.9.0
php-pdo
pymysql
php-mysqli
mariadb-node" deps)" = "=node php pymysql" &&
	test "$(GONEAWAY_ARGS="--client go --shard 1/2" deps)" = "=go" &&
	printf "goneaway-expectations 1\nclient x\ndriver mysqlclient # ours\n" > py.expect &&
	test "$(GONEAWAY_ARGS="--expectations py.expect" deps)" = "=mysqlclient" &&
	test "$(DEPS_DRIVERS="perl java" GONEAWAY_CLIENTS=pymysql deps)" = "=perl java" &&
	grep -qx -- "-C $SCRATCH/fake WERROR=1" make.log
'

test_expect_success 'make deps DEPS_DRIVERS= installs no driver toolchain; the templates. report jobs say so' '
	make -s -C "$TOP" deps DEB_PACKAGES= DEPS_DRIVERS= > n.out 2>&1 &&
	cat n.out && ! grep -q "install-deps" n.out &&
	grep -qx "deps: no driver.s toolchain (DEPS_DRIVERS is empty)" n.out &&
	for f in github-actions-sharded.yml gitlab-ci-sharded.yml; do
		grep -q "make -C goneaway deps DEPS_DRIVERS= " "$TOP/ci/$f" ||
			{ echo "$f: the report job installs every toolchain"; return 1; }
	done &&
	! grep -h "make -C goneaway deps" "$TOP"/ci/*.yml | grep -v "DEPS_DRIVERS= "
'

if have_pymysql; then
	test_expect_success 'run-goneaway.sh: builtin and a cmd: client with spaces, one table' '
		mkdir -p two && cd two &&
		GONEAWAY_SKIP_BUILD=1 GONEAWAY_CLIENTS="builtin
$PYMYSQL" sh "$TOP/ci/run-goneaway.sh" "$TOP" "$S/kill-idle.gw" > out 2>&1;
		rc=$?; cat out goneaway-matrix.md; test $rc -eq 0 &&
		grep -q "^| kill-idle *| PASS [^|]*| PASS [^|]*|$" goneaway-matrix.md &&
		grep -q "| local/builtin *| local/pymysql *|$" goneaway-matrix.md &&
		test -f goneaway-junit.xml &&
		test -f goneaway-results/local-pymysql/kill-idle/steps.log
	'
else
	test_skip 'run-goneaway.sh: builtin and a cmd: client with spaces, one table' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
fi

test_expect_success 'run-goneaway.sh: GONEAWAY_ALLOW_SKIP rules reach goneaway (a real run)' '
	mkdir -p rules && cd rules &&
	GONEAWAY_SKIP_BUILD=1 GONEAWAY_ALLOW_SKIP="netem flavour:requires-mysql@nope" \
		sh "$TOP/ci/run-goneaway.sh" "$TOP" "$D/requires-mysql.gw" > out 2> err;
	test $? -eq 4 && cat err &&
	grep -q "allow-skip flavour:requires-mysql@builtin would let it through" err &&
	GONEAWAY_SKIP_BUILD=1 GONEAWAY_ALLOW_SKIP="netem flavour:requires-mysql@builtin" \
		sh "$TOP/ci/run-goneaway.sh" "$TOP" "$D/requires-mysql.gw" > out 2> err ||
		{ cat out err; false; }
'

# ---- --allow-skip KIND[:SCENARIO][@CLIENT] ------------------------------------

# rc WANT ARGS...: goneaway with ARGS exits WANT (else says so, with
# its output); its output in out and err
rc() {
	want=$1
	shift
	"$GONEAWAY" "$@" > out 2> err
	got=$?
	[ "$got" = "$want" ] && return 0
	echo "exit $got, not $want: goneaway $*"
	cat out err
	return 1
}

# requires-mysql SKIPs (flavour) against MariaDB, at once: a rule lets
# it through only when its kind, scenario and client are the case's.
test_expect_success 'run --strict: a rule covers its kind, scenario and client only' '
	set -- run --color never --strict -o two --client builtin &&
	rc 4 "$@" "$D/requires-mysql.gw" &&
	rc 0 "$@" --allow-skip flavour "$D/requires-mysql.gw" &&
	rc 0 "$@" --allow-skip flavour@builtin "$D/requires-mysql.gw" &&
	rc 0 "$@" --allow-skip flavour:requires-mysql@builtin "$D/requires-mysql.gw" &&
	rc 0 "$@" --allow-skip flavour:requires-mysql "$D/requires-mysql.gw" &&
	rc 4 "$@" --allow-skip flavour@pymysql "$D/requires-mysql.gw" &&
	grep -q "requires-mysql.gw was skipped (flavour: .*--allow-skip flavour:requires-mysql@builtin would let it through" err &&
	rc 4 "$@" --allow-skip flavour:requires-version "$D/requires-mysql.gw" &&
	rc 4 "$@" --allow-skip driver:requires-mysql@builtin "$D/requires-mysql.gw" &&
	rc 0 "$@" --allow-skip netem --allow-skip flavour:requires-mysql@builtin "$D/requires-mysql.gw"
'

if have_pymysql; then
	test_expect_success 'run and report --strict: a driver SKIP passes only with its rule' '
		# PyMySQL has no server-side prepared statements: it SKIPs
		# packet-too-large-long-data (driver), builtin PASSes it
		set -- run --color never --strict -o pyres --client builtin \
			--client "$PYMYSQL" "$S/packet-too-large-long-data.gw" &&
		rc 4 "$@" && cat out err &&
		grep -q "packet-too-large-long-data.gw was skipped (driver: .*--allow-skip driver:packet-too-large-long-data@pymysql would" err &&
		rc 0 "$@" --allow-skip driver:packet-too-large-long-data@pymysql &&
		rc 4 "$@" --allow-skip driver:packet-too-large-client@pymysql &&
		rc 4 "$@" --allow-skip driver:packet-too-large-long-data@builtin &&
		r() { w=$1; shift; rc "$w" report --color never --strict "$@" pyres; } &&
		r 4 &&
		grep -q "allow-skip driver:packet-too-large-long-data@pymysql would" err &&
		r 0 --allow-skip driver:packet-too-large-long-data@pymysql &&
		r 0 --allow-skip driver@pymysql &&
		r 0 --allow-skip driver:packet-too-large-long-data &&
		r 0 --allow-skip driver &&
		r 4 --allow-skip driver:packet-too-large-client@pymysql &&
		r 4 --allow-skip driver:packet-too-large-long-data@php-mysqli &&
		r 4 --allow-skip driver@builtin &&
		r 4 --allow-skip netem:packet-too-large-long-data@pymysql &&
		r 4 --allow-skip flavour@pymysql
	'

	test_expect_success 'run --strict: two clients of one name are told apart by NAME#N' '
		set -- run --color never --strict -o same --client "$PYMYSQL" \
			--client "$PYMYSQL" "$D/requires-mysql.gw" &&
		rc 4 "$@" --allow-skip "flavour@pymysql#1" &&
		grep -q "allow-skip flavour:requires-mysql@pymysql#2 would" err &&
		! grep -q "@pymysql#1 would" err &&
		rc 0 "$@" --allow-skip "flavour@pymysql#1" --allow-skip "flavour@pymysql#2" &&
		rc 0 "$@" --allow-skip flavour@pymysql
	'
else
	test_skip 'run and report --strict: a driver SKIP passes only with its rule' \
		'no PyMySQL for /usr/bin/python3 (make deps installs it)'
fi

# Issue 24: with -j the reasons for exit 4 scroll by mid-log; the run
# ends with them again and a line saying why it is red.
test_expect_success 'run -j 2 --strict: the last lines say why the exit status is 4' '
	"$GONEAWAY" run --color never --strict -j 2 -o jobs "$S/kill-idle.gw" \
		"$D/requires-mysql.gw" "$S/server-restart.gw" > out 2>&1; rc=$?;
	cat out; test $rc -eq 4 &&
	tail -1 out | grep -q "^goneaway: exit 4: no FAIL or ERROR, but --strict fails 1 thing a passing run may not have (the lines just above)$" &&
	tail -2 out | head -1 | grep -q "^goneaway: --strict: .*requires-mysql.gw was skipped (flavour: .*--allow-skip flavour:requires-mysql@builtin would let it through$" &&
	test "$(grep -c "requires-mysql.gw was skipped" out)" -eq 2 &&
	"$GONEAWAY" run --color never --strict -j 2 -o jobs2 --allow-skip flavour \
		"$S/kill-idle.gw" "$D/requires-mysql.gw" > out 2> err &&
	! grep -q "exit" err
'

test_expect_success 'report --strict: a client rule covers that client only' '
	"$GONEAWAY" run --color never -o flav "$D/requires-mysql.gw" > /dev/null &&
	rc 4 report --strict flav &&
	rc 0 report --strict --allow-skip flavour:requires-mysql@builtin flav &&
	rc 4 report --strict --allow-skip flavour:requires-mysql@pymysql flav &&
	rc 4 report --strict --allow-skip flavour:kill-idle@builtin flav
'

test_expect_success 'an unknown kind or a malformed rule is a usage error (exit 2), for run and report' '
	for cmd in run report; do
		rc 2 $cmd --allow-skip nope "$D/requires-mysql.gw" &&
		grep -q "is not one of: root, server, flavour, netem, fault, driver" err &&
		rc 2 $cmd --allow-skip nope:x@y "$D/requires-mysql.gw" &&
		grep -q "'"'"'nope'"'"' is not one of" err &&
		rc 2 $cmd --allow-skip driver: "$D/requires-mysql.gw" &&
		grep -q "no scenario after" err &&
		rc 2 $cmd --allow-skip driver@ "$D/requires-mysql.gw" &&
		grep -q "no client after" err &&
		rc 2 $cmd --allow-skip driver:kill-idle.gw "$D/requires-mysql.gw" &&
		grep -q "without its \".gw\"" err || return 1
	done
'

test_expect_success '--help shows the rule form' '
	"$GONEAWAY" --help > help &&
	grep -q -- "--allow-skip KIND\[:SCENARIO\]\[@CLIENT\]" help
'

# ---- the templates ------------------------------------------------------------

T="$TOP/ci"
if have_yaml; then
	test_expect_success 'the templates: YAML, Debian 12 everywhere, pinned by GONEAWAY_REF' '
		"$PY" - "$T" <<-"EOF"
		import re, sys, yaml
		top = sys.argv[1]
		caps = ["--cap-add ALL", "--cap-drop SYS_RESOURCE",
		        "--security-opt seccomp=unconfined",
		        "--security-opt apparmor=unconfined"]
		bad = []
		refs = set()
		def ref_of(name, vars_):
		    ref = (vars_ or {}).get("GONEAWAY_REF")
		    refs.add(ref)
		    if not isinstance(ref, str) or not re.fullmatch(r"[0-9a-f]{40}|v[0-9][0-9.]*", ref):
		        bad.append("%s: GONEAWAY_REF is %r, not a full commit id or a tag" % (name, ref))
		    if "GONEAWAY_REPO" not in (vars_ or {}):
		        bad.append("%s: no GONEAWAY_REPO" % name)
		def fetch_ok(name, job, text):
		    if "clone" in text or "$GONEAWAY_REF" not in text:
		        bad.append("%s: %s fetches no pinned ref" % (name, job))
		for f in ("github-actions.yml", "github-actions-sharded.yml"):
		    d = yaml.safe_load(open("%s/%s" % (top, f)))
		    ref_of(f, d.get("env"))
		    for name, job in d["jobs"].items():
		        c = job.get("container") or {}
		        if c.get("image") != "debian:12":
		            bad.append("%s: job %s is not in a debian:12 container" % (f, name))
		        runs = "\n".join(s.get("run", "") for s in job["steps"])
		        if "sudo" in runs:
		            bad.append("%s: job %s uses sudo" % (f, name))
		        if "apt-get install" not in job["steps"][0].get("run", ""):
		            bad.append("%s: job %s does not install git and make first" % (f, name))
		        for s in job["steps"]:
		            u = s.get("uses")
		            if u and not re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u):
		                bad.append("%s: job %s uses %s, not pinned by commit id" % (f, name, u))
		        fetch_ok(f, name, runs)
		        if "run-goneaway.sh" in runs:
		            opts = " ".join(c.get("options", "").split())
		            bad += ["%s: job %s lacks %s" % (f, name, o) for o in caps if o not in opts]
		for f in ("gitlab-ci.yml", "gitlab-ci-sharded.yml"):
		    d = yaml.safe_load(open("%s/%s" % (top, f)))
		    ref_of(f, d.get("variables"))
		    for name, job in d.items():
		        if not isinstance(job, dict) or "script" not in job:
		            continue
		        if job.get("image") != "debian:12":
		            bad.append("%s: job %s has no debian:12 image" % (f, name))
		        fetch_ok(f, name, "\n".join(job["script"]))
		if len(refs) != 1:
		    bad.append("the templates pin different refs: %s" % sorted(map(str, refs)))
		print("\n".join(bad))
		sys.exit(1 if bad else 0)
		EOF
	'

	# Issue 24: the templates show the connector story (--expectations),
	# and the sharded ones make the HTML matrix and keep it with the
	# shards' folders its links lead into.
	test_expect_success 'the templates show --expectations; the sharded ones keep an HTML matrix' '
		for f in github-actions.yml gitlab-ci.yml github-actions-sharded.yml gitlab-ci-sharded.yml; do
			grep -q -- "--expectations test/goneaway.expect" "$T/$f" ||
				{ echo "$f shows no --expectations"; return 1; }
		done &&
		"$PY" - "$T" <<-"EOF"
		import sys, yaml
		top = sys.argv[1]
		bad = []
		d = yaml.safe_load(open(top + "/github-actions-sharded.yml"))
		runs = "\n".join(s.get("run", "") for s in d["jobs"]["report"]["steps"])
		if "--html goneaway-matrix.html" not in runs:
		    bad.append("github-actions-sharded.yml: no --html")
		paths = [s["with"]["path"] for s in d["jobs"]["report"]["steps"]
		         if "upload-artifact" in s.get("uses", "")]
		if not paths or "goneaway-matrix.html" not in paths[0] or "shards/" not in paths[0]:
		    bad.append("github-actions-sharded.yml: the HTML page or the shards are not kept")
		g = yaml.safe_load(open(top + "/gitlab-ci-sharded.yml"))["goneaway-report"]
		if "--html goneaway-matrix.html" not in "\n".join(g["script"]):
		    bad.append("gitlab-ci-sharded.yml: no --html")
		if not {"goneaway-matrix.html", "shard-*/"} <= set(g["artifacts"]["paths"]):
		    bad.append("gitlab-ci-sharded.yml: the HTML page or the shards are not kept")
		print("\n".join(bad))
		sys.exit(1 if bad else 0)
		EOF
	'

	# The ref the templates and docs/connectors.md pin is one this repository
	# has: a tag that was never made, or a commit of a branch that was
	# rewritten, is a template whose first step fails.
	if git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1; then
		test_expect_success 'every ref the templates and docs/connectors.md pin exists in this repository' '
			grep -ho "GONEAWAY_REF: [^ ]*" "$T"/*.yml "$TOP/docs/connectors.md" |
				sed "s/^GONEAWAY_REF: //" | sort -u > refs &&
			cat refs && test -s refs &&
			test "$(grep -c "GONEAWAY_REF: " "$TOP/docs/connectors.md")" -ge 1 &&
			while read -r ref; do
				git -C "$TOP" cat-file -e "$ref^{commit}" ||
					{ echo "no commit $ref in $TOP"; return 1; }
			done < refs
		'
	else
		test_skip 'every ref the templates and docs/connectors.md pin exists in this repository' \
			"$TOP is not a git checkout"
	fi

	# Runs the templates' own fetch commands (GitHub's "fetch goneaway"
	# step, GitLab's git lines) against a scratch repository.
	test_expect_success "the templates' fetch checks out GONEAWAY_REF: a tag or a full commit" '
		git init -q repo && cd repo &&
		git config user.email t@example.invalid && git config user.name t &&
		echo 1 > f && git add f && git commit -q -m one && one=$(git rev-parse HEAD) &&
		git tag -a v9.9.9 -m tagged &&
		echo 2 > f && git commit -q -a -m two && two=$(git rev-parse HEAD) &&
		echo 3 > f && git commit -q -a -m three && cd .. &&
		"$PY" - "$T" > fetch.list <<-"EOF" &&
		import sys, yaml
		top = sys.argv[1]
		for f in ("github-actions.yml", "github-actions-sharded.yml"):
		    for name, job in yaml.safe_load(open("%s/%s" % (top, f)))["jobs"].items():
		        for s in job["steps"]:
		            if s.get("name") == "fetch goneaway":
		                open("fetch-%s-%s.sh" % (f, name), "w").write(s["run"])
		                print("fetch-%s-%s.sh" % (f, name))
		for f in ("gitlab-ci.yml", "gitlab-ci-sharded.yml"):
		    for name, job in yaml.safe_load(open("%s/%s" % (top, f))).items():
		        if isinstance(job, dict) and "script" in job:
		            lines = [l for l in job["script"] if l.startswith(("git ", "echo \"goneaway"))]
		            open("fetch-%s-%s.sh" % (f, name), "w").write("set -e\n" + "\n".join(lines) + "\n")
		            print("fetch-%s-%s.sh" % (f, name))
		EOF
		test "$(wc -l < fetch.list)" -eq 6 &&
		for s in $(cat fetch.list); do
			for ref in v9.9.9:$one $two:$two; do
				rm -rf goneaway &&
				GONEAWAY_REPO="file://$SCRATCH/repo" GONEAWAY_REF=${ref%%:*} \
					bash -e "$s" > fetched 2>&1 || { cat "$s" fetched; return 1; }
				test "$(git -C goneaway rev-parse HEAD)" = "${ref#*:}" ||
					{ echo "$s: ${ref%%:*} gave $(git -C goneaway rev-parse HEAD)"; return 1; }
				grep -q "is commit ${ref#*:}" fetched || { cat fetched; return 1; }
			done
		done
	'
	# Issue 56: --server mysql-9.7 needs a root; the templates build the
	# roots GONEAWAY_ROOTS names with ci/build-server-root.sh and cache
	# them.  Their own commands, run with a fake builder and apt-get: the
	# first run builds, a run after builds nothing (GitHub's cache step
	# puts the directory back; GitLab's script unpacks its tar file).
	test_expect_success 'the templates build the server roots GONEAWAY_ROOTS names, and cache them' '
		mkdir -p roots/goneaway/ci roots/bin && cd roots &&
		printf "%s\n" "#!/bin/sh" "echo \"\$*\" >> \"$SCRATCH/roots/built\"" \
			"mkdir -p \"\$2\" && echo \"flavour=\$1\" > \"\$2/.goneaway-root\"" \
			> goneaway/ci/build-server-root.sh &&
		printf "#!/bin/sh\n:\n" > bin/apt-get && chmod +x bin/apt-get &&
		"$PY" - "$T" "$SCRATCH/roots/cache" > roots.list <<-"EOF" &&
		import sys, yaml
		top, cache = sys.argv[1], sys.argv[2]
		def put(name, text):
		    open(name, "w").write(text.replace("/var/cache/goneaway/roots", cache))
		    print(name)
		for f in ("github-actions.yml", "github-actions-sharded.yml"):
		    d = yaml.safe_load(open("%s/%s" % (top, f)))
		    assert "GONEAWAY_ROOTS" in d["env"], f
		    for name, job in d["jobs"].items():
		        steps = {s.get("name"): s for s in job["steps"]}
		        if "build the server roots" not in steps:
		            assert not any("run-goneaway.sh" in s.get("run", "") for s in job["steps"]), (f, name)
		            continue
		        c = steps["cache the server roots"]
		        assert c["uses"].startswith("actions/cache@"), c
		        assert c["with"]["path"] == "/var/cache/goneaway/roots", c
		        assert "GONEAWAY_REF" in c["with"]["key"], c
		        put("gh-%s-%s.sh" % (f, name), steps["build the server roots"]["run"])
		for f in ("gitlab-ci.yml", "gitlab-ci-sharded.yml"):
		    d = yaml.safe_load(open("%s/%s" % (top, f)))
		    assert "GONEAWAY_ROOTS" in d["variables"], f
		    for name, job in d.items():
		        if not isinstance(job, dict) or "script" not in job:
		            continue
		        lines = [l for l in job["script"] if "GONEAWAY_ROOTS" in l]
		        if not lines:
		            assert not any("run-goneaway.sh" in l for l in job["script"]), (f, name)
		            continue
		        assert ".goneaway-roots/" in job["cache"]["paths"], (f, name)
		        put("gl-%s-%s.sh" % (f, name), "\n".join(lines) + "\n")
		EOF
		test "$(wc -l < roots.list)" -eq 4 &&
		for s in $(cat roots.list); do
			rm -rf cache .goneaway-roots built &&
			PATH="$SCRATCH/roots/bin:$PATH" GONEAWAY_ROOTS="mysql-9.7 mariadb-11.8" \
				sh -e "$s" > out 2>&1 || { cat "$s" out; return 1; }
			test "$(cat built)" = "mysql-9.7 $SCRATCH/roots/cache/mysql-9.7
mariadb-11.8 $SCRATCH/roots/cache/mariadb-11.8" || { cat "$s" built; return 1; }
			test -f cache/mysql-9.7/.goneaway-root || return 1
			case $s in gl-*)
				# the next job: a fresh machine, the cache restored
				rm -rf cache built &&
				PATH="$SCRATCH/roots/bin:$PATH" GONEAWAY_ROOTS="mysql-9.7" \
					sh -e "$s" > out 2>&1 || { cat "$s" out; return 1; }
				test ! -e built && grep -qx flavour=mysql-9.7 cache/mysql-9.7/.goneaway-root ||
					{ echo "$s: the cached root was not restored"; return 1; } ;;
			esac
			PATH="$SCRATCH/roots/bin:$PATH" GONEAWAY_ROOTS= sh -e "$s" > out 2>&1 ||
				{ cat "$s" out; return 1; }
		done
	'
else
	test_skip 'the templates build the server roots GONEAWAY_ROOTS names, and cache them' \
		'no PyYAML for /usr/bin/python3 (apt-get install python3-yaml)'
	test_skip 'the templates: YAML, Debian 12 everywhere, pinned by GONEAWAY_REF' \
		'no PyYAML for /usr/bin/python3 (apt-get install python3-yaml)'
	test_skip "the templates' fetch checks out GONEAWAY_REF: a tag or a full commit" \
		'no PyYAML for /usr/bin/python3 (apt-get install python3-yaml)'
	test_skip 'every ref the templates and docs/connectors.md pin exists in this repository' \
		'no PyYAML for /usr/bin/python3 (apt-get install python3-yaml)'
	test_skip 'the templates show --expectations; the sharded ones keep an HTML matrix' \
		'no PyYAML for /usr/bin/python3 (apt-get install python3-yaml)'
fi

test_expect_success 'the CI tests left no trace' '
	leftover_snapshot > after &&
	new_leftovers "$SCRATCH/before" after
'

# Issue 56: main said 0.4.0 for 348 commits.  A build that is not its
# release says how far past it and at which commit (harness/cli/
# gen-version.sh), --version and results.jsonl alike.
test_expect_success 'CHANGELOG.md: its newest heading is the release goneaway is or follows, and a build past it says so' '
	full=$("$GONEAWAY" --version | sed -n "s/^goneaway \([^ ]*\) (client library .*)$/\1/p") &&
	v=${full%%+*} &&
	top=$(sed -n "s/^## \([0-9][0-9.]*\)$/\1/p" "$TOP/CHANGELOG.md" | head -n 1) &&
	echo "goneaway $full, CHANGELOG.md $top" &&
	test -n "$v" && test "$v" = "$top" &&
	if git -C "$TOP" rev-parse --verify -q HEAD > /dev/null 2>&1; then
		sha=$(git -C "$TOP" rev-parse HEAD | cut -c1-12) &&
		grep "^#define GONEAWAY_VERSION " "$TOP/harness/cli/internal.h" > now &&
		{ git -C "$TOP" show HEAD^:harness/cli/internal.h 2>/dev/null |
			grep "^#define GONEAWAY_VERSION " > before || :; } &&
		if ! cmp -s now before && git -C "$TOP" diff --quiet HEAD --; then
			test "$full" = "$v"         # the release commit itself
		else
			case $full in "$v"+*.g$sha|"$v"+*.g$sha.dirty|"$v"+g$sha*) ;;
			*) echo "$full is not $v+N.g$sha"; false ;; esac
		fi
	else
		test "$full" = "$v" || test "$full" = "$v+unknown"
	fi &&
	"$GONEAWAY" run --color never -o ver "$D/requires-mysql.gw" > /dev/null &&
	grep -q "^{\"type\":\"run\",\"schema\":1,\"goneaway\":\"$full\"," ver/results.jsonl
'

# gen-version.sh in a scratch repository: a release, the commit after,
# changes not committed, a shallow clone of each, tarballs of each, a
# checkout another user owns (git will not answer as root there).
test_expect_success 'gen-version.sh: a release, the commits after it, a shallow clone, a tarball' '
	G=$TOP/harness/cli/gen-version.sh &&
	mkdir -p "vr x/harness/cli" && cd "vr x" && git init -q &&
	git config user.email t@example.invalid && git config user.name t &&
	suffix() { sh "$G" "$1" | sed -n "s/^#define GA_VERSION_SUFFIX \"\(.*\)\"$/\1/p"; } &&
	printf "#define GONEAWAY_VERSION \"9.1.0\"\n" > harness/cli/internal.h &&
	printf "# Changelog\n\n## Unreleased\n\n## 9.1.0\n\nthe release\n" > CHANGELOG.md &&
	git add -A && git commit -q -m "version 9.1.0" && r=$(git rev-parse HEAD) &&
	test "$(suffix .)" = "" &&
	sed -i "s/^the release/Commit \`$r\` (\"version 9.1.0\")/" CHANGELOG.md &&
	git commit -q -a -m "name 9.1.0" && echo two > f && git add f &&
	git commit -q -m two && h=$(git rev-parse HEAD | cut -c1-12) &&
	test "$(suffix .)" = "+2.g$h" &&
	echo changed >> f && test "$(suffix .)" = "+2.g$h.dirty" &&
	git checkout -q f &&
	git clone -q --depth 1 "file://$PWD" ../shallow &&
	test "$(suffix ../shallow)" = "+g$h" &&
	git init -q ../shallow-rel && git -C ../shallow-rel fetch -q --depth 1 "file://$PWD" "$r" &&
	git -C ../shallow-rel checkout -q FETCH_HEAD && test "$(suffix ../shallow-rel)" = "" &&
	mkdir ../tar ../tar-rel && git archive HEAD | tar -x -C ../tar &&
	git archive "$r" | tar -x -C ../tar-rel &&
	test "$(suffix ../tar)" = "+unknown" && test "$(suffix ../tar-rel)" = "" &&
	mkdir inner && git archive HEAD | tar -x -C inner &&
	test "$(suffix inner)" = "+unknown" &&
	if test "$(id -u)" -eq 0; then
		cp -R . ../theirs && chown -R 65534:65534 ../theirs &&
		test "$(suffix ../theirs)" = "+unknown"
	fi
'

# Issue 38: the templates pinned 0.2.0, which has no pools, and 0.3.0
# and 0.4.0 named no commit.  data/releases.py: every release names the
# commit that set its version; the templates pin the newest, and every
# scenario and file they mention is there at that commit.
REL="$D/releases.py"
if git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1; then
	test_expect_success 'each release names its commit; the templates pin the newest, which has all they mention' '
		"$PY" "$REL" "$TOP"
	'

	# the checker itself: each kind of drift, in scratch copies
	test_expect_success 'a pin of an older release, a missing scenario, an unnamed or misnamed release are caught' '
		mkdir -p old missing &&
		cp "$T"/*.yml old/ && cp "$T"/*.yml missing/ &&
		r3=$(sed -n "/^## 0.3.0$/,/^## /s/^Commit \`\([0-9a-f]\{40\}\)\`.*/\1/p" "$TOP/CHANGELOG.md") &&
		r4=$(sed -n "/^## 0.4.0$/,/^## /s/^Commit \`\([0-9a-f]\{40\}\)\`.*/\1/p" "$TOP/CHANGELOG.md") &&
		test -n "$r3" && test -n "$r4" &&
		sed -i "s/GONEAWAY_REF: [0-9a-f]*  # [0-9.]*/GONEAWAY_REF: $r3  # 0.3.0/" old/gitlab-ci.yml &&
		! "$PY" "$REL" "$TOP" --templates old > o1 && cat o1 &&
		grep -q "old/gitlab-ci.yml: GONEAWAY_REF is $r3, not .*the commit of the newest release" o1 &&
		grep -q "old/gitlab-ci.yml: the comment of GONEAWAY_REF names 0.3.0, not" o1 &&
		test "$(wc -l < o1)" -eq 2 &&
		echo "# GONEAWAY_ARGS: -k goneaway-no-such-word goneaway/scenarios/goneaway-no-such.gw" >> missing/github-actions.yml &&
		echo "# GONEAWAY_ALLOW_SKIP: driver:goneaway-gone@x" >> missing/github-actions.yml &&
		! "$PY" "$REL" "$TOP" --templates missing > o2 && cat o2 &&
		grep -q "missing/github-actions.yml mentions scenarios/goneaway-no-such.gw, which .* does not have" o2 &&
		grep -q "missing/github-actions.yml mentions scenarios/goneaway-gone.gw, which" o2 &&
		grep -q "missing/github-actions.yml: -k goneaway-no-such-word selects no scenario" o2 &&
		test "$(wc -l < o2)" -eq 3 &&
		grep -v "^Commit .$r3" "$TOP/CHANGELOG.md" > unnamed.md &&
		! "$PY" "$REL" "$TOP" --changelog unnamed.md > o3 && cat o3 &&
		grep -q "unnamed.md:[0-9]*: 0.3.0 names no commit" o3 &&
		sed "s/$r4/$r3/" "$TOP/CHANGELOG.md" > misnamed.md &&
		! "$PY" "$REL" "$TOP" --changelog misnamed.md > o4 && cat o4 &&
		grep -q "misnamed.md:[0-9]*: 0.4.0: commit ${r3%????????????????????????????} is version 0.3.0" o4 &&
		p3=$(git -C "$TOP" rev-parse "$r4^") &&
		sed "s/$r4/$p3/" "$TOP/CHANGELOG.md" > parent.md &&
		! "$PY" "$REL" "$TOP" --changelog parent.md > o5 && cat o5 &&
		grep -q "parent.md:[0-9]*: 0.4.0: commit .* is version 0.3.0" o5
	'

	# Issue 56: the docs say from which release each option, protocol
	# version and feature exists; data/since.py holds them to each
	# release's own code.
	test_expect_success 'the docs name the release of each option and protocol version, as each release has them' '
		"$PY" "$D/since.py" "$TOP" &&
		sed "s/^| replay | \`--trust\` | 0.3.0 |/| replay | \`--trust\` | 0.2.0 |/; s/^| run | \`--repeat N\` | [0-9.]* |/| run | \`--repeat N\` | 0.4.0 |/" \
			"$TOP/docs/running.md" > running.md &&
		sed "s/^| 3 | 0.4.0 | \`connect\`/| 3 | 0.3.0 | \`connect\`/" \
			"$TOP/docs/driver-protocol.md" > protocol.md &&
		! "$PY" "$D/since.py" "$TOP" --running running.md --protocol protocol.md > o && cat o &&
		grep -q "running.md: replay --trust (since 0.2.0): the first release whose table has it is 0.3.0" o &&
		# the options tables came with 0.5.0: a row that is newer than its
		# release is found there first
		grep -q "running.md: run --repeat (since 0.4.0): the first release whose table has it is 0.5.0" o &&
		grep -q "protocol.md: protocol 3 (goneaway 0.3.0): 0.3.0 knows protocols up to 2" o &&
		grep -q "protocol_features.c: releases\[\] is" o
	'
else
	test_skip 'the docs name the release of each option and protocol version, as each release has them' \
		"$TOP is not a git checkout"
	test_skip 'each release names its commit; the templates pin the newest, which has all they mention' \
		"$TOP is not a git checkout"
	test_skip 'a pin of an older release, a missing scenario, an unnamed or misnamed release are caught' \
		"$TOP is not a git checkout"
fi

# A cmd: driver brings its own toolchain: each template that runs
# run-goneaway.sh says how to install it (issue 38).
test_expect_success 'the templates say what a cmd: driver'"'"'s toolchain needs' '
	for f in "$T"/*.yml; do
		grep -q "run-goneaway.sh" "$f" || continue
		grep -q "a cmd: driver brings its own toolchain" "$f" &&
		grep -q "apt-get install .*python3-pymysql" "$f" ||
			{ echo "$f: says nothing of a cmd: driver.s toolchain"; return 1; }
	done
'

test_done
