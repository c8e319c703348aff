#!/usr/bin/python3
# bad-driver.py MODE - a client driver that misbehaves on purpose, for
# t0095-bad-drivers: goneaway must report each as an ERROR with the
# driver's stderr, never a PASS and never a hung run.
#   crash    greets, answers connect, then dies on the first query
#   garbage  greets, answers connect, then writes a line that is not JSON
#   mute     never greets
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
#   groupleave  joins another process group and ignores EOF
#   setsid   leaves a child in a session of its own (its PID in
#            $BAD_DRIVER_PIDFILE) that would outlive the run
import json
import os
import signal
import sys
import time

mode = sys.argv[1]
print("bad-driver: starting in mode " + mode, file=sys.stderr, flush=True)
if mode == "mute":
    time.sleep(60)
    sys.exit(0)
if mode == "notls":
    # the shipped PyMySQL driver, but plain TCP whatever it is asked
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
    import driver as pymysql_driver                     # noqa: E402

    class NoTLS(pymysql_driver.PyMySQL):
        name = "bad-notls"

        def do_connect(self, req):
            req = dict(req)
            req["options"] = dict(req.get("options") or {}, tls="off")
            return super().do_connect(req)

    pymysql_driver.gadriver.serve(NoTLS())
    sys.exit(0)
print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                  "driver": "bad-" + mode, "library": "none"}), flush=True)
def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def leave_group():
    # a child in a group of its own, which the driver then joins
    child = os.fork()
    if child == 0:
        os.setpgid(0, 0)
        with open(os.environ.get("BAD_DRIVER_PIDFILE", "/dev/null"),
                  "w") as f:
            f.write(os.readlink("/proc/self") + "\n")
        time.sleep(300)
        os._exit(0)
    time.sleep(0.2)
    os.setpgid(0, child)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def escape_session():
    child = os.fork()
    if child == 0:
        os.setsid()
        if os.fork() == 0:
            with open(os.environ.get("BAD_DRIVER_PIDFILE", "/dev/null"),
                      "w") as f:
                # the PID as the host sees it: /proc is the host's
                f.write(os.readlink("/proc/self") + "\n")
            time.sleep(300)
        os._exit(0)
    os.waitpid(child, 0)


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
