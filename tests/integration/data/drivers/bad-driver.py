#!/usr/bin/python3
# bad-driver.py MODE - a client driver that misbehaves on purpose, for
# t0095-bad-drivers: goneaway must report each as an ERROR with the
# driver's stderr, never a PASS and never a hung run.
#   crash    greets, answers connect, then dies on the first query
#   garbage  greets, answers connect, then writes a line that is not JSON
#   mute     never greets (writes $BAD_DRIVER_PIDFILE first, when set)
#   wrongid  answers the first query with another request's id
#   stuck    greets, answers connect, then never answers a query, and
#            ignores its socket being cut (no sockets at all here)
#   deaf     greets, answers connect, then stops reading its input
#   slowok   answers a query with success after 2 s, without elapsed_ms
#   liar     answers a query after 2 s claiming elapsed_ms 5
#   fracid   answers with the request's id plus 0.9
#   early    writes the next request's reply before it is asked
#   negthread  answers with thread_after -1
#   nothread   answers with no thread ids at all (0: unknown)
#   lastword   answers the query, then closes its output and exits
#   flood    answers a query with one line of 200 MiB
#   noisy    writes 200 MiB to its standard error before it answers a
#            query (the bytes the writes took into $BAD_DRIVER_COUNT:
#            t0175, what a case's processes write is bounded)
#   groupleave  joins another process group and ignores EOF
#   setsid   leaves a child in a session of its own (its PID in
#            $BAD_DRIVER_PIDFILE) that would outlive the run
#   slowstart  the shipped PyMySQL driver, 2 s late to greet (a JVM
#            under load): its start must not stretch a scenario
# For t0092-driver-replies, one mode that says what it is told:
#   echo     greets with $BAD_DRIVER_HELLO (a JSON object) merged into
#            its greeting, then answers each request with the reply its
#            "sql" spells as a JSON object, the request's id added.
#            Members of goneaway's test, removed from the reply: "_next"
#            is the reply to the request after it (a fetch, a connect,
#            a close: steps without sql), "_sleep" seconds to wait
#            before answering, "_id_add" added to the id.  Without
#            either, a connect is ok on thread 7 and any other step ok
#            (an sql that is not an object too).  With $BAD_DRIVER_LOG
#            set, every request line is appended to that file as it
#            came (t0091 reads what goneaway sent).
# For t0110 and t0099 (issue 26: a driver's text is data), replies whose
# words would be instructions if written back unescaped:
#   hostile    greets as "bad-hostile", its "library" holding a newline,
#              '|', '<script>' and a TAP directive; a connect is ok;
#              a query whose sql holds FAIL fails with errno 0 and an
#              error_class that the protocol takes but no expect line can
#              hold (quotes, '<script>', ']]>', '|', '#'), a message with
#              newlines, "admin SET GLOBAL max_connections=1", "# TODO",
#              Markdown pipes and control characters; any other query
#              succeeds with a value as hostile as that message
#   hostile-nl   as hostile, but the error_class holds a newline and
#              "admin SET GLOBAL max_connections=1": refused as a reply
#   hostile-sqlstate, hostile-api  as hostile, the sqlstate or the api
#              holding a newline: refused as a reply
#   hostile-name  greets with a "driver" name holding a newline: refused
# For t0097-driver-test, the shipped PyMySQL driver breaking one rule of
# docs/driver-protocol.md each ("goneaway driver-test" must name it):
#   dt-noexit      does not exit when its input closes
#   dt-nosqlstate  sends no sqlstate with server errors, though its
#                  greeting does not say the connector has none
#   dt-unknownerror  answers a step it does not know with an error, not
#                  "unsupported"
#   dt-unflushed   greets, then writes its replies to a buffered stdout
#                  it never flushes: no reply arrives
#   dt-wrongid     answers every request with its id plus 40
#   dt-wrongid-connect  answers a connect with its id plus 40 (the
#                  other replies rightly)
#   dt-thread0     reports thread_after 0 after a connect that succeeded
# For t0093-tls-verified, the shipped PyMySQL driver ignoring one
# connection option:
#   notls    connects in the clear whatever it is asked
#   nodb     drops the database it is given
#   otherthread  opens a TLS session as asked and keeps it open, then a
#            second one in the clear that its steps use, and reports the
#            TLS session's thread id: a liar the server must see through
#   stalethread  opens a TLS session as asked, closes it, opens another
#            (TLS too) that its steps use, and reports the closed one's
#            thread id: a session it does not hold
# For t0194-driver-reap-time, the shipped PyMySQL driver, correct but slow
# to start its calls (a driver under load):
#   latequery  sleeps 300 ms after it read a query's request before it
#            runs it; its elapsed_ms, measured from then, is short by
#            that much
#   splitreply  writes the first byte of a query's reply (a space) as
#            soon as it read the request, the rest once the query ended:
#            its call is no shorter for that
import json
import os
import signal
import sys
import time

mode = sys.argv[1]
print("bad-driver: starting in mode " + mode, file=sys.stderr, flush=True)
if mode == "mute":
    # that it runs (goneaway waits for its greeting from now on), where
    # $BAD_DRIVER_PIDFILE says (t0095's SIGINT waits for it)
    if os.environ.get("BAD_DRIVER_PIDFILE"):
        with open(os.environ["BAD_DRIVER_PIDFILE"] + ".tmp", "w") as f:
            f.write(str(os.getpid()) + "\n")
        os.rename(os.environ["BAD_DRIVER_PIDFILE"] + ".tmp",
                  os.environ["BAD_DRIVER_PIDFILE"])
    # past the greeting's longest bound (10 s stretched 8 times): a
    # driver that exits before it has ended the greeting itself, which
    # says so (and no longer how busy the machine was)
    time.sleep(600)
    sys.exit(0)
if mode == "slowstart":
    time.sleep(2)
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
    import driver as pymysql_driver                     # noqa: E402
    pymysql_driver.gadriver.serve(pymysql_driver.PyMySQL())
    sys.exit(0)
if mode in ("latequery", "splitreply"):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
    import driver as pymysql_driver                     # noqa: E402

    class Late(pymysql_driver.PyMySQL):
        # named "pymysql" still: kill-running's lines apply as they are

        def handle(self, req):
            if req.get("step") == "query" and mode == "latequery":
                time.sleep(0.3)
            elif req.get("step") == "query":
                sys.stdout.write(" ")
                sys.stdout.flush()
            return super().handle(req)

    pymysql_driver.gadriver.serve(Late())
    sys.exit(0)
if mode in ("notls", "nodb", "otherthread", "stalethread"):
    # the shipped PyMySQL driver, but it ignores one connection option:
    # notls connects in the clear whatever it is asked, nodb drops the
    # database it is given
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
    import driver as pymysql_driver                     # noqa: E402

    class Ignoring(pymysql_driver.PyMySQL):
        name = "bad-" + mode
        spare = None

        stale = None

        def thread_id(self):
            if self.stale is not None:
                return self.stale
            if self.spare is not None:
                return self.spare.thread_id()
            return super().thread_id()

        def do_connect(self, req):
            req = dict(req)
            if mode == "stalethread":
                super().do_connect(req)
                self.stale = self.conn.thread_id()
                self.close_quietly()
                return super().do_connect(req)
            if mode == "otherthread":
                super().do_connect(req)
                self.spare, self.conn = self.conn, None
            if mode in ("notls", "otherthread"):
                req["options"] = dict(req.get("options") or {}, tls="off")
            else:
                req.pop("database", None)
            return super().do_connect(req)

    pymysql_driver.gadriver.serve(Ignoring())
    sys.exit(0)
if mode.startswith("dt-"):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
    import driver as pymysql_driver                     # noqa: E402
    gadriver = pymysql_driver.gadriver

    class Broken(pymysql_driver.PyMySQL):
        # named "pymysql" still: the scenarios' [client=pymysql] lines
        # apply, and only the broken rule fails

        def __init__(self):
            super().__init__()
            if mode == "dt-nosqlstate":
                self.unsupported_steps = dict(self.unsupported_steps)
                self.unsupported_steps.pop("sqlstate", None)

        def thread_id(self):
            return 0 if mode == "dt-thread0" else super().thread_id()

        def handle(self, req):
            if (mode == "dt-unknownerror" and
                    req.get("step") not in gadriver.STEPS):
                return {"result": "error", "errno": 0,
                        "message": "no such step", "error_class": "KeyError",
                        "api": "driver", "elapsed_ms": 0}
            return super().handle(req)

    sess = Broken()
    if mode in ("dt-unflushed", "dt-wrongid", "dt-wrongid-connect"):
        # gadriver.serve() flushes each reply and copies the request's id
        print(json.dumps(sess.greeting()), flush=True)
        out = sys.stdout
        if mode == "dt-unflushed":
            out = open(1, "w", buffering=1 << 20, closefd=False)
        for line in sys.stdin:
            req = json.loads(line)
            if req.get("step") == "begin-case":
                rep = gadriver.begin_case(req)
            elif req.get("step") == "end-case":
                rep, sess = gadriver.end_case(sess)
            else:
                rep = sess.handle(req)
            rep["id"] = req["id"]
            if mode == "dt-wrongid" or (mode == "dt-wrongid-connect" and
                                        req["step"] == "connect"):
                rep["id"] += 40
            out.write(json.dumps(rep) + "\n")
            if mode != "dt-unflushed":
                out.flush()
        if mode == "dt-wrongid-connect":
            # a moment before it exits: goneaway kills a driver that
            # broke the protocol at once, which driver-test must not
            # take for a driver that does not exit
            time.sleep(0.5)
        os._exit(0)                     # dt-unflushed: not even at exit
    gadriver.serve(sess)
    if mode == "dt-noexit":
        time.sleep(300)                 # ignores the end of its input
    sys.exit(0)
HOSTILE_TEXT = ("line one\nadmin SET GLOBAL max_connections=1\n"
                "# TODO not really | a | b |\n<script>alert(1)</script>"
                " ]]> \"quoted\" \x1b[2J\x07 \x7f end")
if mode.startswith("hostile"):
    name = "bad-hostile\nadmin SET GLOBAL a=1" if mode == "hostile-name" \
        else "bad-hostile"
    print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                      "driver": name, "version": "1.0",
                      "library": "hostile 1.0\n| x | <script>y</script> "
                                 "# SKIP"}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        if req["step"] in ("connect", "close"):
            answer = {"result": "ok", "api": req["step"], "thread_after": 7}
        elif "FAIL" in req.get("sql", ""):
            answer = {"result": "error", "errno": 0, "sqlstate": "HY000",
                      "message": HOSTILE_TEXT, "api": "query|<b>#x",
                      "error_class": "<script>\"]]>|#TODO"}
            if mode == "hostile-nl":
                answer["error_class"] = ("Foo\nadmin SET GLOBAL "
                                         "max_connections=1")
            if mode == "hostile-sqlstate":
                answer["sqlstate"] = "HY\n00"
            if mode == "hostile-api":
                answer["api"] = "query\nadmin SET GLOBAL a=1"
        else:
            answer = {"result": "ok", "api": "query", "value": HOSTILE_TEXT,
                      "thread_before": 7, "thread_after": 7}
        answer["id"] = req["id"]
        answer.setdefault("elapsed_ms", 1)
        print(json.dumps(answer), flush=True)
    sys.exit(0)
if mode == "echo":
    # protocol 2 with every feature: it echoes what goneaway sends
    # (t0091 reads driver options, bound values and paced fetches)
    hello = {"hello": "goneaway-driver", "protocol": 2,
             "features": ["params", "fetch-pace", "driver-options"],
             "driver": "bad-echo", "library": "none"}
    hello.update(json.loads(os.environ.get("BAD_DRIVER_HELLO") or "{}"))
    print(json.dumps(hello), flush=True)
    following = None
    for line in sys.stdin:
        if os.environ.get("BAD_DRIVER_LOG"):
            with open(os.environ["BAD_DRIVER_LOG"], "a") as f:
                f.write(line)
        req = json.loads(line)
        if following is not None:
            answer, following = following, None
        elif req.get("sql", "").startswith("{"):
            answer = json.loads(req["sql"])
        elif req["step"] == "connect":
            answer = {"result": "ok", "thread_after": 7}
        else:
            answer = {"result": "ok"}
        following = answer.pop("_next", None)
        time.sleep(answer.pop("_sleep", 0))
        answer["id"] = req["id"] + answer.pop("_id_add", 0)
        answer.setdefault("api", req["step"])
        print("bad-driver: answering request %d (%s)" % (req["id"],
              req["step"]), file=sys.stderr, flush=True)
        print(json.dumps(answer), flush=True)
    sys.exit(0)
print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                  "driver": "bad-" + mode, "library": "none"}), flush=True)
def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def write_pidfile():
    # the PID as the host sees it (/proc is the host's) and its start
    # time (field 22 of stat), so that a PID used again is not taken
    # for this process
    with open("/proc/self/stat") as f:
        start = f.read().rsplit(")", 1)[1].split()[19]
    with open(os.environ.get("BAD_DRIVER_PIDFILE", "/dev/null"), "w") as f:
        f.write(os.readlink("/proc/self") + " " + start + "\n")


def wait_ready(r):
    # the child says it has written its PID file (and is where it
    # should be) before the driver answers: on a busy machine it may
    # not run at all before the case ends, and a test would then find
    # no PID to look for
    os.read(r, 1)
    os.close(r)


def leave_group():
    # a child in a group of its own, which the driver then joins
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        os.setpgid(0, 0)
        write_pidfile()
        os.write(w, b"x")
        os.close(w)
        time.sleep(300)
        os._exit(0)
    os.close(w)
    wait_ready(r)
    os.setpgid(0, child)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def escape_session():
    r, w = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(r)
        os.setsid()
        if os.fork() == 0:
            write_pidfile()
            os.write(w, b"x")
            os.close(w)
            time.sleep(300)
        os._exit(0)
    os.close(w)
    os.waitpid(child, 0)
    wait_ready(r)


while True:
    line = sys.stdin.readline()
    if not line:
        if mode == "groupleave":
            time.sleep(300)     # ignores EOF
        break
    req = json.loads(line)
    if req["step"] == "connect":
        if mode == "groupleave":
            leave_group()
        if mode == "setsid":
            escape_session()
        answer = {"id": req["id"], "result": "ok", "api": "connect",
                  "elapsed_ms": 0, "thread_after": 7}
        if mode == "early":
            # both lines in one write: goneaway must find the second
            # waiting, not race it
            sys.stdout.write(json.dumps(answer) + "\n" + json.dumps(
                {"id": req["id"] + 1, "result": "ok", "api": "query",
                 "elapsed_ms": 0, "value": "1", "thread_before": 7,
                 "thread_after": 7}) + "\n")
            sys.stdout.flush()
        else:
            reply(answer)
        if mode == "deaf":
            time.sleep(300)
        continue
    if mode == "slowok":
        time.sleep(2)
        reply({"id": req["id"], "result": "ok", "api": "query",
               "value": "1", "thread_before": 7, "thread_after": 7})
        continue
    if mode == "liar":
        time.sleep(2)
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 5, "value": "1", "thread_before": 7,
               "thread_after": 7})
        continue
    if mode == "fracid":
        reply({"id": req["id"] + 0.9, "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1"})
        continue
    if mode == "negthread":
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1", "thread_before": 7,
               "thread_after": -1})
        continue
    if mode == "nothread":
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1"})
        continue
    if mode == "lastword":
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1", "thread_before": 7,
               "thread_after": 7})
        sys.stdout.close()
        os._exit(0)
    if mode == "flood":
        chunk = "x" * (1 << 20)
        for _ in range(200):
            try:
                sys.stdout.write(chunk)
                sys.stdout.flush()
            except BrokenPipeError:
                os._exit(0)
        sys.stdout.write("\n")
        sys.stdout.flush()
        continue
    if mode == "noisy":
        chunk = b"bad-driver: noise " + b"x" * ((1 << 20) - 19) + b"\n"
        took = 0
        for _ in range(200):
            try:
                took += os.write(2, chunk)
            except OSError:     # EFBIG: the bound of its file
                break
        with open(os.environ.get("BAD_DRIVER_COUNT", "/dev/null"),
                  "w") as f:
            f.write("%d\n" % took)
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1", "thread_before": 7,
               "thread_after": 7})
        continue
    if mode in ("groupleave", "setsid"):
        reply({"id": req["id"], "result": "ok", "api": "query",
               "elapsed_ms": 1, "value": "1", "thread_before": 7,
               "thread_after": 7})
        continue
    if mode == "crash":
        print("bad-driver: crashing on purpose", file=sys.stderr, flush=True)
        sys.exit(3)
    if mode == "garbage":
        print("this is not a reply", flush=True)
        continue
    if mode == "wrongid":
        print(json.dumps({"id": req["id"] + 40, "result": "ok"}), flush=True)
        continue
    if mode == "stuck":
        time.sleep(120)
