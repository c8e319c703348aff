# goneaway - makes MySQL client connections die on purpose.
#
#   make run        install what is missing, build, run every scenario
#   make check      install what is missing, build, run all the tests
#   make            build ./goneaway
#   make help       all targets and variables
#
# "run" and "check" install the Debian packages first and then build in a
# second make, because the pkg-config flags below can only be read once
# the packages are there.

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKG_CONFIG ?= pkg-config

# The Debian 12 packages behind every pkg-config name below, and the
# tools the tests use (xmllint checks the JUnit XML is well-formed).
DEB_PACKAGES = gcc make pkg-config libc6-dev default-libmysqlclient-dev \
	check libnl-3-dev libnl-route-3-dev libnl-nf-3-dev libnftables-dev \
	mariadb-server iproute2 nftables procps openssl libxml2-utils \
	python3-pymysql php-cli php-mysql debootstrap zlib1g-dev haproxy \
	libssl-dev libarchive-dev libjansson-dev
PKGS = mysqlclient libnl-3.0 libnl-route-3.0 libnl-nf-3.0 libnftables \
	libcrypto libarchive jansson
# zlib: the tests' own gzip streams (check_bundle's hostile archives,
# fuzz_bundle's inputs); goneaway has it inside libarchive.
TEST_PKGS = check zlib

# git's developer warnings (config.mak.dev).  WERROR=1 turns them into
# errors; CI sets it.  snprintf truncation is how the code bounds its
# messages and paths on purpose, so that warning is off.
WARNINGS = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes \
	-Wold-style-definition -Wformat=2 -Wvla -Wwrite-strings -fno-common \
	-Wshadow -Wno-format-truncation
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

# SANITIZE=address,undefined builds with those sanitizers (redis style).
ifneq ($(SANITIZE),)
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
endif

CFLAGS ?= -O2 -g
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(TEST_PKGS) 2>/dev/null)
TEST_LIBS := $(shell $(PKG_CONFIG) --libs $(TEST_PKGS) 2>/dev/null)
FUZZ_LIBS := $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null)
MYSQL_INCLUDEDIR := $(patsubst -I%,%,$(firstword $(shell $(PKG_CONFIG) --cflags-only-I mysqlclient 2>/dev/null)))

ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARNINGS) $(SAN_FLAGS) $(CFLAGS) \
	-Iharness -Ibuild $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

B ?= build
# harness/<subsystem>/*.c; cli/ is the program, the rest is a library the
# unit tests link too.
SUBSYSTEMS = util lang lab mysqlapi faults proxy server client result run report plan serve
LIB_SRCS = $(foreach d,$(SUBSYSTEMS),$(wildcard harness/$(d)/*.c))
LIB_OBJS = $(LIB_SRCS:harness/%.c=$(B)/%.o) $(B)/errnames_gen.o
CLI_OBJS = $(patsubst harness/%.c,$(B)/%.o,$(wildcard harness/cli/*.c))
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_OBJS = $(UNIT_SRCS:tests/unit/%.c=$(B)/unit/%.o)

.PHONY: all deps deps-check setup roots run check unit integration bench tsan install durations image FORCE \
	uninstall clean help sanitize sanitize-run fuzz fuzz-short fuzz-build docs-tables \
	lf-deps fuzz-lf fuzz-lf-build fuzz-lf-short fuzz-lf-run msan msan-build msan-run

all: goneaway

# Installs the Debian packages $(1) that are missing (as root; otherwise
# names them and fails), with the target's name in its messages.
define deb_install
@missing=""; for p in $(1); do \
	dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
done; \
if [ -z "$$missing" ]; then \
	echo "$@: all Debian packages are installed"; \
elif [ "$$(id -u)" -ne 0 ]; then \
	echo "$@: missing:$$missing"; \
	echo "$@: run as root (sudo make ...), or: apt-get update && apt-get install$$missing"; \
	exit 1; \
else \
	echo "$@: installing:$$missing"; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
fi
endef

deps:
	$(call deb_install,$(DEB_PACKAGES))
	@# the drivers "make check" runs driver-test with (t0097); idempotent,
	@# no network once installed (drivers/install-deps.sh)
	@if [ -z "$(strip $(DEPS_DRIVERS))" ]; then echo "deps: no driver's toolchain (DEPS_DRIVERS is empty)"; \
	elif [ "$$(id -u)" -eq 0 ]; then sh drivers/install-deps.sh $(DEPS_DRIVERS); \
	else echo "deps: drivers not installed (not root): sh drivers/install-deps.sh $(DEPS_DRIVERS)"; fi

# DEPS_DRIVERS: the client drivers whose toolchains "make deps" installs
# (drivers/install-deps.sh --list: each driver's directory, from
# drivers.list: pymysql mysqlclient aiomysql php node go cpp perl ruby
# java sqlalchemy; node brings mysql2, the MariaDB Node.js connector,
# mysqljs and its pool, go database/sql's pool too, php Doctrine DBAL,
# perl DBD::mysql beside DBD::MariaDB, java HikariCP); default all but
# java (a JDK), ruby (7 s) and cpp (14 s: packages and g++), what "make
# check" runs (aiomysql and DBD::mysql add 2.5 s each, sqlalchemy and
# Doctrine 7 s each).  A job that needs fewer
# names them ("make deps DEPS_DRIVERS=pymysql"); empty installs none
# ("make deps DEPS_DRIVERS=", a report job, the built-in client only).
# ci/run-goneaway.sh passes those of the job's clients (docs/connectors.md "In CI").
DEPS_DRIVERS ?= $(filter-out java ruby cpp,$(shell sh drivers/install-deps.sh --list))

# What only the tests need, not "make run": chromium loads the HTML
# results page headless (t0099-html), python3-yaml parses the CI
# templates (t0043-ci), tcpdump reads a case's capture.pcap (t0112),
# patch applies a --record patch (t0110); clang and libclang-rt-dev the
# libFuzzer and MemorySanitizer builds (t0003, t0004).
CHECK_DEB_PACKAGES = chromium python3-yaml tcpdump patch $(LF_DEB_PACKAGES)

deps-check: deps
	$(call deb_install,$(CHECK_DEB_PACKAGES))

setup: deps
	$(MAKE) --no-print-directory goneaway $(B)/check-unit

goneaway: $(CLI_OBJS) $(B)/libgoneaway.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

# the same program inside a build directory of its own (tsan)
$(B)/goneaway: $(CLI_OBJS) $(B)/libgoneaway.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lpthread

$(B)/libgoneaway.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(B)/%.o: harness/%.c | $(B)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The version this build says (harness/cli/gen-version.sh: the release
# GONEAWAY_VERSION, then how far past it and at which commit, from git
# when the tree is a git checkout), asked again at every make and
# rewritten only when it changed: cli/version.o, and the link, follow it.
$(B)/version_gen.h: FORCE | $(B)
	@sh harness/cli/gen-version.sh "$(CURDIR)" > $@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/cli/version.o: $(B)/version_gen.h
$(B)/cli/version.o: ALL_CFLAGS += -include $(B)/version_gen.h
FORCE:

$(B)/errnames_gen.c: harness/lang/gen-errnames.sh | $(B)
	@test -n "$(MYSQL_INCLUDEDIR)" || { echo "pkg-config does not know mysqlclient: run 'make deps'" >&2; exit 1; }
	sh harness/lang/gen-errnames.sh $(MYSQL_INCLUDEDIR) > $@.tmp && mv $@.tmp $@

$(B)/errnames_gen.o: $(B)/errnames_gen.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# GA_UNIT_TOP: the source tree, for the unit tests that read its files
# (the shipped scenarios); they run from anywhere (t0001: a scratch dir),
# and $GA_UNIT_TOP names a copy instead (t0080, as nobody: needs.h)
$(B)/unit/%.o: tests/unit/%.c | $(B)
	@mkdir -p $(B)/unit
	$(CC) $(ALL_CFLAGS) $(TEST_CFLAGS) -DGA_UNIT_TOP='"$(CURDIR)"' -c -o $@ $<

# The unit tests and the fuzz targets have goneaway's allocations go
# through util/alloc.c, where a test can make each fail in turn
# (util/alloc.h; the torture suite); goneaway itself is linked without.
GA_ALLOC_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup,--wrap=open_memstream

$(B)/check-unit: $(UNIT_OBJS) $(B)/libgoneaway.a
	$(CC) $(ALL_LDFLAGS) $(GA_ALLOC_WRAP) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS) -lpthread

$(B):
	@mkdir -p $(B)

# Every scenario against a real mariadbd.
run: setup
	./goneaway run scenarios/

# A unit test case that needs root fails here instead of skipping
# (tests/unit/check_main.c).
# The other servers' root filesystems (Debian sid's MySQL 9.7, trixie's
# MariaDB 11.8, built once with debootstrap and cached) and the C client
# driver built in each against its library.
ROOTS ?= /var/cache/goneaway/roots
roots: deps
	sh ci/build-server-root.sh mysql-9.7 $(ROOTS)/mysql-9.7
	sh ci/build-server-root.sh mariadb-11.8 $(ROOTS)/mariadb-11.8
	GA_ROOTS=$(ROOTS) sh drivers/c/build.sh mysql-9.7
	GA_ROOTS=$(ROOTS) sh drivers/c/build.sh mariadb-11.8

# The unit tests, plain (t0001) and sanitized with the fuzz targets
# (t0002), the fuzz targets under libFuzzer (t0003) and the unit suites
# under MemorySanitizer (t0004), run side by side with the integration
# files: run-all.sh runs them all, two per core at a time, the longest
# first.
# goneaway as a container image (ci/build-goneaway-image.sh): a Debian 12
# root with goneaway in it, serving Toxiproxy's API on 0.0.0.0:8474 as
# nobody; into the engine of the docker CLI (DOCKER_HOST).  Its base is
# debootstrapped once and cached in /var/cache/goneaway/images.
IMAGE ?= goneaway/goneaway:latest
image: goneaway
	sh ci/build-goneaway-image.sh $(IMAGE)

check: setup roots deps-check
	$(MAKE) --no-print-directory fuzz-build fuzz-lf-build msan-build
	sh tests/integration/run-all.sh

unit: $(B)/check-unit
	$(B)/check-unit

integration: goneaway $(B)/check-unit fuzz-build fuzz-lf-build msan-build
	sh tests/integration/run-all.sh

# The client's threads under ThreadSanitizer: the client unit tests and
# the scenarios that hang, cancel and reap (a separate build directory).
TSAN_RUN = tests/integration/data/hang.gw tests/integration/data/reap-late-lost.gw \
	scenarios/firewall-drop-connect-hang.gw scenarios/silent-drop.gw \
	scenarios/kill-running.gw scenarios/forked-connection-share.gw
tsan:
	$(MAKE) --no-print-directory B=build-tsan SANITIZE=thread CFLAGS="-O1 -g" \
		build-tsan/check-unit build-tsan/goneaway
	TSAN_OPTIONS=halt_on_error=1 CK_RUN_SUITE=client build-tsan/check-unit
	TSAN_OPTIONS=halt_on_error=1 build-tsan/goneaway run --no-results \
		--step-timeout 4s $(TSAN_RUN)

# ---- fuzzing and sanitizers (tests/README.md, "Fuzzing and sanitizers") --
# A fuzz target per reader of outside input, tests/fuzz/fuzz_NAME.c
# (libFuzzer's interface), each with its seed corpus tests/fuzz/corpus/
# NAME/ and dictionary tests/fuzz/NAME.dict, linked with the small
# engine tests/fuzz/driver.c and built with ASan and UBSan in build-san
# (gcc has no libFuzzer).  A finding is kept in build-san/fuzz-crashes/
# NAME/; "build-san/fuzz/fuzz_NAME -r FILE" runs it again.
#   sanitize    the unit tests once and every target FUZZ_SHORT_SECONDS
#               (part of "make check")
#   fuzz        every target FUZZ_SECONDS, one after another
FUZZ_TARGETS = scenario expectations protocol results bundle api
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 6
FUZZ_SEED ?= 1
SAN_B = build-san
SAN_CFLAGS = -O1 -g -fno-sanitize-recover=all
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_RUN = for t in $(FUZZ_TARGETS); do \
	mkdir -p $(SAN_B)/fuzz-tmp && \
	TMPDIR="$(CURDIR)/$(SAN_B)/fuzz-tmp" $(SAN_ENV) $(SAN_B)/fuzz/fuzz_$$t \
		-s $(FUZZ_SEED) -C $(SAN_B)/fuzz-crashes/$$t \
		-x tests/fuzz/$$t.dict tests/fuzz/corpus/$$t

.PRECIOUS: $(B)/fuzz/%.o
$(B)/fuzz/%.o: tests/fuzz/%.c | $(B)
	@mkdir -p $(B)/fuzz
	$(CC) $(ALL_CFLAGS) -Itests/fuzz -c -o $@ $<

$(B)/fuzz/fuzz_%: $(B)/fuzz/fuzz_%.o $(B)/fuzz/driver.o $(B)/libgoneaway.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(FUZZ_LIBS) -lpthread

fuzz-build:
	$(MAKE) --no-print-directory B=$(SAN_B) SANITIZE=address,undefined \
		CFLAGS="$(SAN_CFLAGS)" $(SAN_B)/check-unit \
		$(FUZZ_TARGETS:%=$(SAN_B)/fuzz/fuzz_%)

# The unit tests without LeakSanitizer: its check at the exit of each of
# Check's ~1,900 forked tests tripled their time (the fuzz targets keep
# it); Check's timeouts stretched for the sanitizers' slowdown.
sanitize: fuzz-build
	$(MAKE) --no-print-directory sanitize-run

# what "sanitize" runs, over a build-san already built (t0002)
sanitize-run:
	$(SAN_ENV) ASAN_OPTIONS=detect_leaks=0:detect_stack_use_after_return=1 \
		CK_TIMEOUT_MULTIPLIER=3 GA_UNIT_SANITIZED=1 $(SAN_B)/check-unit
	@# every allocation of the readers failed in turn, with LeakSanitizer:
	@# an "out of memory" path that leaks fails here
	$(SAN_ENV) CK_RUN_SUITE=torture GA_TORTURE_VERBOSE=1 \
		CK_TIMEOUT_MULTIPLIER=3 $(SAN_B)/check-unit
	@$(FUZZ_RUN) -t $(FUZZ_SHORT_SECONDS) || exit 1; done

# The same targets under clang's libFuzzer, coverage-guided, with ASan
# and UBSan, in build-lf (the Debian packages clang and libclang-rt-dev:
# LF_DEB_PACKAGES).  Each target's new inputs go to build-lf/corpus/NAME
# (the committed seeds are read, never written), findings to
# build-lf/fuzz-crashes/NAME-*; "build-lf/lf/fuzz_NAME FILE" runs one
# again.
#   fuzz-lf        every target FUZZ_SECONDS under libFuzzer
#   fuzz-lf-short  every target LF_SHORT_SECONDS (part of "make check")
LF_DEB_PACKAGES = clang libclang-rt-dev
LF_CC ?= clang
LF_B = build-lf
LF_SHORT_SECONDS ?= 4
LF_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LF_RUN = for t in $(FUZZ_TARGETS); do \
	mkdir -p $(LF_B)/corpus/$$t $(LF_B)/fuzz-crashes $(LF_B)/fuzz-tmp && \
	TMPDIR="$(CURDIR)/$(LF_B)/fuzz-tmp" $(SAN_ENV) $(LF_B)/lf/fuzz_$$t \
		-seed=$(FUZZ_SEED) -dict=tests/fuzz/$$t.dict -rss_limit_mb=2048 \
		-timeout=10 -artifact_prefix=$(LF_B)/fuzz-crashes/$$t- \
		-print_final_stats=1 $(LF_B)/corpus/$$t tests/fuzz/corpus/$$t

.PRECIOUS: $(LF_B)/fuzz/%.o
$(LF_B)/lf/fuzz_%: $(LF_B)/fuzz/fuzz_%.o $(LF_B)/libgoneaway.a
	@mkdir -p $(LF_B)/lf
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(FUZZ_LIBS) -lpthread

lf-deps:
	$(call deb_install,$(LF_DEB_PACKAGES))

fuzz-lf-build: lf-deps
	$(MAKE) --no-print-directory B=$(LF_B) CC=$(LF_CC) \
		SAN_FLAGS="$(LF_SAN) -fsanitize=fuzzer-no-link" CFLAGS="-O1 -g" \
		WARNINGS="-Wall -Wextra -Wno-missing-field-initializers" \
		$(FUZZ_TARGETS:%=$(LF_B)/lf/fuzz_%)

fuzz-lf: fuzz-lf-build
	@$(LF_RUN) -max_total_time=$(FUZZ_SECONDS) || exit 1; done

fuzz-lf-short: fuzz-lf-build
	$(MAKE) --no-print-directory fuzz-lf-run

# what fuzz-lf-short runs, over a build-lf already built (t0003)
fuzz-lf-run:
	@$(LF_RUN) -max_total_time=$(LF_SHORT_SECONDS) || exit 1; done

# MemorySanitizer (clang -fsanitize=memory) needs every library that
# writes memory the code then reads built with it too, and Debian's are
# not: Check (whose runner packs each test's messages in memory it
# wrote itself, which MSan takes for unwritten, so no unit test can run
# under it), libmariadb, libnl, libnftables, libarchive, zlib.  What it
# can judge is the readers of outside input: msan builds the fuzz
# targets of MSAN_TARGETS with it and libFuzzer in build-msan and runs
# each over its committed seeds and then LF_SHORT_SECONDS of new
# inputs.  tests/fuzz/msan_shim.c marks what libc's asprintf writes for
# libnl-route's constructor, which runs at load, what libarchive hands
# the bundle target (a member's bytes and name) and the tree jansson's
# json_loadb() builds (util/json.c), its checks off inside libarchive's
# and jansson's calls.
MSAN_B = build-msan
MSAN_SAN = -fsanitize=memory -fsanitize-memory-track-origins=2 -fno-omit-frame-pointer
MSAN_TARGETS = scenario expectations protocol results bundle
MSAN_RUN = for t in $(MSAN_TARGETS); do \
	mkdir -p $(MSAN_B)/corpus/$$t $(MSAN_B)/fuzz-crashes && \
	MSAN_OPTIONS=halt_on_error=1 $(MSAN_B)/lf/fuzz_$$t \
		-seed=$(FUZZ_SEED) -dict=tests/fuzz/$$t.dict -rss_limit_mb=2048 \
		-timeout=10 -artifact_prefix=$(MSAN_B)/fuzz-crashes/$$t- \
		-print_final_stats=1 $(MSAN_B)/corpus/$$t tests/fuzz/corpus/$$t

.PRECIOUS: $(MSAN_B)/fuzz/%.o
$(MSAN_B)/lf/fuzz_%: $(MSAN_B)/fuzz/fuzz_%.o $(MSAN_B)/fuzz/msan_shim.o $(MSAN_B)/libgoneaway.a
	@mkdir -p $(MSAN_B)/lf
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS) $(FUZZ_LIBS) -lpthread -ldl

msan-build: lf-deps
	$(MAKE) --no-print-directory B=$(MSAN_B) CC=$(LF_CC) \
		SAN_FLAGS="$(MSAN_SAN) -fsanitize=fuzzer-no-link" CFLAGS="-O1 -g" \
		WARNINGS="-Wall -Wextra -Wno-missing-field-initializers" \
		$(MSAN_TARGETS:%=$(MSAN_B)/lf/fuzz_%)

msan: msan-build
	$(MAKE) --no-print-directory msan-run

# what msan runs, over a build-msan already built (t0004)
msan-run:
	@$(MSAN_RUN) -max_total_time=$(LF_SHORT_SECONDS) || exit 1; done

fuzz-short: fuzz-build
	@$(FUZZ_RUN) -t $(FUZZ_SHORT_SECONDS) || exit 1; done

fuzz: fuzz-build
	@$(FUZZ_RUN) -t $(FUZZ_SECONDS) || exit 1; done

# tests/bench/bench.sh: ratios of runs measured side by side, printed and
# written to BENCH_OUT: (a) the shipped suite at -j 1 vs the default -j,
# BENCH_RUNS times each; (b) ten and one trivial scenarios vs MariaDB's
# mysql-test-run (main.1st; installs mariadb-test), BENCH_PAIRS pairs;
# (d) ten trivial scenarios against MySQL 9.7 (root mysql-9.7); (r)
# servers kept (reuse) vs --fresh-servers, ten trivial at -j 1 and the
# suite; each with its CPU next to its wall time, against issue 28's
# targets; (c) long, only with BENCH=all or BENCH_MATRIX=1: every
# scenario against local and every server root (mariadb-10.5 built when
# missing), with each server's set-up per scenario; (e) with BENCH=all:
# every installed client against MySQL 9.7; (f) with BENCH=all or
# BENCH=f: the suite with PyMySQL and Connector/J (BENCH_CLIENTS) against
# the built-in client, quiet and under a CPU hog of BENCH_HOG busy loops
# (BENCH_SITTINGS="quiet hog", or one of them); (v) with BENCH_BEFORE=DIR
# (a built checkout, say main's): the suite of this tree against DIR's, kept
# and fresh, BENCH_PAIRS pairs alternating (issue 37: within 10 %); (s)
# goneaway serve's proxy against the same work direct through mysql2
# (BENCH_TOXIPROXY=PATH: and a Toxiproxy server you built, side by side);
# (x) with BENCH=all or BENCH=x: goneaway explore over a connect, a
# 100-row result and a COMMIT, the built-in client and PyMySQL (issue 59).
# BENCH_SERVERS="--server ..." names c's servers (and runs it), e.g. with
# a Docker engine and the images of ci/build-server-images.sh:
#   make bench BENCH_SERVERS="--server local --server docker:goneaway/mariadb:11.8"
BENCH ?= a b d r s
BENCH_MATRIX ?= 0
BENCH_SERVERS ?=
BENCH_RUNS ?= 5
BENCH_PAIRS ?= 5
BENCH_OUT ?= bench-results.txt
BENCH_BEFORE ?=
BENCH_CLIENTS ?= pymysql java
BENCH_HOG ?= 14
BENCH_SITTINGS ?= quiet hog
bench: setup
	BENCH="$(BENCH)" BENCH_MATRIX="$(BENCH_MATRIX)" BENCH_SERVERS="$(BENCH_SERVERS)" \
		BENCH_TOXIPROXY="$(BENCH_TOXIPROXY)" \
		BENCH_RUNS="$(BENCH_RUNS)" BENCH_PAIRS="$(BENCH_PAIRS)" BENCH_OUT="$(BENCH_OUT)" \
		BENCH_BEFORE="$(BENCH_BEFORE)" BENCH_CLIENTS="$(BENCH_CLIENTS)" \
		BENCH_HOG="$(BENCH_HOG)" BENCH_SITTINGS="$(BENCH_SITTINGS)" \
		sh tests/bench/bench.sh ./goneaway

# goneaway finds fixtures/ and drivers/ (drivers.list, the drivers, their
# conformance scenarios) only next to its binary or in
# $(PREFIX)/share/goneaway, and runs nothing that other users can write.
# scenarios/durations.tsv, which --shard K/N balances shards by
durations: setup
	sh ci/durations.sh ./goneaway

# The measured tables of the docs (docs/tables/NAME.md, and the codes of
# each cause in docs/catalogue.md), made by "goneaway report --markdown"
# from the committed results of real runs (docs/results/NAME/), never
# edited by hand: docs/catalogue.md, "Measuring again".  And the docs'
# tables of options, from the commands' tables (docs/gen-options.sh), and
# the table of a driver's reply, from its table (docs/gen-replies.sh).
docs-tables: goneaway
	sh docs/gen-tables.sh ./goneaway
	sh docs/gen-options.sh ./goneaway
	sh docs/gen-replies.sh ./goneaway

install: goneaway
	install -D -m 0755 goneaway "$(DESTDIR)$(PREFIX)/bin/goneaway"
	install -d "$(DESTDIR)$(PREFIX)/share/goneaway"
	rm -rf "$(DESTDIR)$(PREFIX)/share/goneaway/drivers"
	cp -r fixtures scenarios drivers "$(DESTDIR)$(PREFIX)/share/goneaway/"
	chmod -R go-w "$(DESTDIR)$(PREFIX)/share/goneaway"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/goneaway"
	rm -rf "$(DESTDIR)$(PREFIX)/share/goneaway"

clean:
	rm -rf build build-tsan $(SAN_B) $(LF_B) $(MSAN_B) goneaway goneaway-results

help:
	@echo "Targets:"
	@echo "  all          build ./goneaway (default)"
	@echo "  deps         install missing Debian packages (root; apt-get update first)"
	@echo "               and the toolchains of DEPS_DRIVERS (default: all drivers but java,"
	@echo "               ruby-mysql2 and connector-cpp;"
	@echo "               DEPS_DRIVERS=pymysql only that one, DEPS_DRIVERS= none)"
	@echo "  deps-check   also what only the tests need (chromium; check does it)"
	@echo "  setup        deps, then build goneaway and the unit tests"
	@echo "  run          deps, build, run every scenario in scenarios/ (root)"
	@echo "  roots        the other servers' root filesystems and C drivers (root; cached)"
	@echo "  check        deps, build, roots, then the unit tests (plain and sanitized) and"
	@echo "               the integration suite side by side (root)"
	@echo "  image        goneaway as a container image, IMAGE=$(IMAGE) (root; a Docker engine;"
	@echo "               its Debian 12 base debootstrapped once, cached): docs/toxiproxy.md"
	@echo "  unit         only the Check unit tests"
	@echo "  integration  the integration suite (scenarios, mutants, signals, CLI) with the"
	@echo "               unit tests; sanitized ones need make fuzz-build first"
	@echo "  bench        ratios (root): the suite at -j 1 vs default -j, trivial scenarios vs"
	@echo "               mysql-test-run; BENCH=all adds every server (long); to $(BENCH_OUT)"
	@echo "  tsan         the client tests and hang scenarios under ThreadSanitizer"
	@echo "  sanitize     unit tests under ASan+UBSan (build-san) and a short run of"
	@echo "               every fuzz target, FUZZ_SHORT_SECONDS each (check does it)"
	@echo "  fuzz         every fuzz target (tests/fuzz) for FUZZ_SECONDS each; findings"
	@echo "               in build-san/fuzz-crashes/NAME (rerun: build-san/fuzz/fuzz_NAME -r FILE)"
	@echo "  fuzz-lf      the same targets under clang's libFuzzer (build-lf), FUZZ_SECONDS"
	@echo "               each; fuzz-lf-short LF_SHORT_SECONDS each (check does it)"
	@echo "  msan         the fuzz targets MemorySanitizer can judge, over their seeds and"
	@echo "               LF_SHORT_SECONDS more (build-msan; the Makefile says why not the unit tests)"
	@echo "  durations    measure every scenario into scenarios/durations.tsv (--shard)"
	@echo "  docs-tables  docs/tables/*.md and the catalogue's codes, from docs/results/;"
	@echo "               the docs' tables of options, from harness/cli/'s"
	@echo "  install      install to \$$(DESTDIR)\$$(PREFIX) (default $(PREFIX))"
	@echo "  clean        remove build output"
	@echo "Variables:"
	@echo "  WERROR=1                 treat warnings as errors (CI sets it)"
	@echo "  SANITIZE=address,undefined  build with sanitizers"
	@echo "  FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SHORT_SECONDS=$(FUZZ_SHORT_SECONDS) FUZZ_SEED=$(FUZZ_SEED)  fuzz run lengths, mutator seed"
	@echo "  CFLAGS, LDFLAGS, PREFIX, DESTDIR, CC"

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) $(wildcard $(B)/fuzz/*.d)
