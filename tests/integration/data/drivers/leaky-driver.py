#!/usr/bin/python3
# leaky-driver.py MODE - the shipped PyMySQL driver, kept between cases
# (protocol 5, feature "cases"), leaking one thing from a case into the
# next on purpose, for t0146-kept-drivers: goneaway must catch each
# after end-case and start a new process for the next case, so that the
# next case's verdict is the one a fresh driver gives.
#   conn     end-case answers ok but keeps the case's connection open
#            (and the next case's connect reuses it: its session, its
#            thread, as a connector cache would)
#   child    a connect forks a child that sleeps on, outside the case
#   endfail  end-case answers "error"
#   endmute  end-case is never answered
#   chatty   end-case answers ok, then writes a stray line
#   sysctl   a connect tries to change the network namespace: a sysctl
#            (net.ipv4.tcp_keepalive_time), a route and a link; each
#            attempt's outcome is written to its stderr (it must fail:
#            a driver cannot change its namespace, lab/spawn.h)
#   noisy    a connect writes 40 MiB to its standard error: more than
#            half of what a driver's may hold (client/internal.h,
#            GA_DRIVER_LOG_MAX), so its next case gets a new process
#   whoami   a connect writes to its stderr who the process is, as
#            /proc/self/status says (its Uid, Gid, Groups, CapEff and
#            NoNewPrivs lines), and whether it can write its case's
#            directory and its TMPDIR, for t0177-hostile-drivers: a
#            kept process and a copy its zygote spawned are confined
#   escape   a connect starts a process that leaves it (a double fork):
#            it outlives the copy that started it, in the zygote's PID
#            namespace, where goneaway must find it and end that
#            namespace
# and the zygote's own (feature "spawn", docs/driver-protocol.md):
#   spawn-none   spawn answers ok and forks nothing
#   spawn-two    spawn forks the copy and one more process
#   spawn-dies   the copy exits after 2 s, its pipes never opened
#   spawn-astray the copy greets on the zygote's own output
# goneaway must give up the zygote and start the processes on its own.
# Any other mode: the shipped driver as it is.
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
import driver as pymysql_driver                         # noqa: E402

gadriver = pymysql_driver.gadriver
MODE = sys.argv[1] if len(sys.argv) > 1 else ""
kept_conn = []


class Leaky(pymysql_driver.PyMySQL):
    def do_connect(self, req):
        if MODE == "conn" and kept_conn:
            self.conn = kept_conn[0]
            return {}
        rep = super().do_connect(req)
        if MODE == "conn":
            kept_conn.append(self.conn)
        if MODE == "noisy":
            line = b"leaky: noise " + b"x" * ((1 << 20) - 14) + b"\n"
            for _ in range(40):
                os.write(2, line)
        if MODE == "child" and os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        if MODE == "escape":
            pid = os.fork()
            if pid == 0:
                os.setsid()
                if os.fork() == 0:
                    time.sleep(600)
                os._exit(0)
            os.waitpid(pid, 0)
        if MODE == "whoami":
            with open("/proc/self/status") as f:
                for line in f:
                    if line.split(":")[0] in ("Uid", "Gid", "Groups",
                                              "CapEff", "NoNewPrivs"):
                        gadriver.log("leaky: " + " ".join(line.split()))
            for d in (".", os.environ.get("TMPDIR", "/tmp")):
                try:
                    with open(os.path.join(d, "leaky-wrote"), "w"):
                        pass
                    gadriver.log("leaky: wrote %s" % d)
                except OSError as e:
                    gadriver.log("leaky: cannot write %s: %s" % (d, e))
        if MODE == "sysctl":
            try:
                with open("/proc/sys/net/ipv4/tcp_keepalive_time", "w") as f:
                    f.write("7")
                gadriver.log("leaky: sysctl written")
            except OSError as e:
                gadriver.log("leaky: sysctl refused: %s" % e)
            for cmd in (["ip", "route", "add", "blackhole", "10.9.9.9"],
                        ["ip", "link", "add", "gaX", "type", "dummy"]):
                r = subprocess.run(cmd, capture_output=True, text=True)
                gadriver.log("leaky: %s %s: %s" % (
                    " ".join(cmd[1:3]), "made" if r.returncode == 0 else
                    "refused", r.stderr.strip()))
        return rep

    def end_case(self):
        if MODE == "conn":
            self.conn = None
            self.closed_conn = None
            return
        super().end_case()


def spawn(sess, req):
    """The zygote's spawn, as MODE breaks it."""
    if MODE == "spawn-none":
        return {"result": "ok", "api": "os.fork", "elapsed_ms": 0}
    if MODE == "spawn-two" and os.fork() == 0:
        time.sleep(600)
        os._exit(0)
    if MODE in ("spawn-dies", "spawn-astray"):
        sys.stdout.flush()
        if os.fork() == 0:
            if MODE == "spawn-dies":
                time.sleep(2)
                os._exit(0)
            if MODE == "spawn-astray":
                sys.stdout.write(gadriver.json.dumps(sess.greeting()) + "\n")
                sys.stdout.flush()
            time.sleep(600)
            os._exit(0)
        return {"result": "ok", "api": "os.fork", "elapsed_ms": 0}
    return shipped_spawn(sess, req)


def serve(sess=None, inp=None):
    out = sys.stdout
    sess = sess or Leaky()
    hello = sess.greeting()
    hello["features"] = list(hello["features"]) + [gadriver.SPAWN]
    out.write(gadriver.json.dumps(hello) + "\n")
    out.flush()
    for line in inp or sys.stdin.buffer:
        req = gadriver.json.loads(line)
        step = req.get("step")
        if step == "end-case" and MODE == "endmute":
            time.sleep(600)
        if step == "end-case" and MODE == "endfail":
            rep = {"result": "error", "errno": 0, "message": "leaky: no"}
        elif step == "begin-case":
            rep = gadriver.begin_case(req)
        elif step == "end-case":
            rep, sess = gadriver.end_case(sess)
        elif step == "spawn":
            rep = spawn(sess, req)
        else:
            rep = sess.handle(req)
        rep["id"] = req.get("id")
        out.write(gadriver.json.dumps(rep) + "\n")
        if step == "end-case" and MODE == "chatty":
            out.write('{"id": 0, "result": "ok"}\n')
        out.flush()


# a copy the zygote spawns serves with this loop too (gadriver.spawn
# calls the module's serve)
shipped_spawn = gadriver.spawn
gadriver.serve = serve
serve()
