"""gadriver.py - what the Python drivers share (docs/driver-protocol.md):
the request loop, the reply members, timing, and fork.

A driver subclasses Session and implements the connector's calls; this
module turns each request into exactly one reply line.  Python 3 stdlib
only.  Nothing here reads a configuration file.
"""

import ctypes
# socket.getaddrinfo() of a str host imports the idna codec on its first
# call: about 30 ms of CPU (it is compiled, no .pyc being written), paid
# by every copy a zygote forks (spawn() below) at its first connect.
# Imported here, the zygote has it and its copies share it.
import encodings.idna  # noqa: F401
import errno
import gc
import json
import os
import platform
import re
import select
import signal
import stat
import sys
import time
import traceback

PROTOCOL = 5
# the members past protocol 1 this driver handles (docs/driver-protocol.md,
# "Versions"): goneaway sends no other; "cases": one process serves case
# after case (begin-case, end-case: serve() below)
FEATURES = ["params", "fetch-pace", "driver-options", "keepalive",
            "local-infile", "cases"]
# declared by serve() below, which answers it (a driver with a request
# loop of its own must not claim it): this process forks copies of
# itself, each a driver of its own (spawn()), so that the interpreter's
# start and the imports are paid once per worker, not per connection
SPAWN = "spawn"
STEPS = ("connect", "query", "ping", "close", "prepare", "execute",
         "long-data", "stream", "fetch", "fork", "reset", "change-user",
         "borrow", "return", "evict")


class Unsupported(Exception):
    """A step or option this connector does not have: the reply is
    "unsupported" with the reason, and the scenario SKIPs."""


class NotConnected(Exception):
    """A step on a connection that was never opened (before any connect,
    or after a connect that failed)."""


def log(msg):
    sys.stderr.write(msg.rstrip("\n") + "\n")
    sys.stderr.flush()


def text(v):
    """A column value as the protocol wants it: a string, None for NULL."""
    if v is None:
        return None
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).decode("utf-8", "replace")
    return str(v)


def truthy(v):
    return v is True or v == 1 or v == "on"


def option_value(v):
    """A driver option's value (a string, as written in the scenario) as
    a Python connector wants it: "true"/"false" a bool, a whole number an
    int, anything else the string itself."""
    if v in ("true", "false"):
        return v == "true"
    if re.fullmatch(r"-?\d+", v or ""):
        return int(v)
    return v


def no_keepalive(opts, why):
    """connect's "keepalive" ({} or absent: none) on a connector that
    cannot set TCP keepalive's times: Unsupported with why."""
    ka = (opts or {}).get("keepalive") or {}
    if ka.get("count"):
        raise Unsupported(why)


class LocalInfileRefused(Exception):
    """A file the server asked for (LOAD DATA LOCAL INFILE) that the
    connection may not send: the statement's error (errno 0, this
    class), never a file read."""


def infile_dirs(opts):
    """connect's "local_infile": the directories LOAD DATA LOCAL may read
    beneath (the connection's local_infile), [] for none."""
    dirs = (opts or {}).get("local_infile") or []
    if not isinstance(dirs, list) or not all(
            isinstance(d, str) and d.startswith("/") and len(d) > 1
            for d in dirs):
        raise Unsupported("local_infile is not a list of absolute "
                          "directories: %r" % (dirs,))
    return [d.rstrip("/") for d in dirs]


def open_beneath(dirs, name):
    """The file a server asked for, opened for reading only when it is a
    regular file beneath one of dirs (a relative name beneath the first),
    reached without a ".." and without following a symlink anywhere on
    the way, one component at a time below the directory (util/beneath.h,
    the built-in client's rule); else LocalInfileRefused says why.  dirs
    empty: every name is refused."""
    if isinstance(name, (bytes, bytearray)):
        name = bytes(name).decode("utf-8", "surrogateescape")
    why = "LOAD DATA LOCAL INFILE refused: %r: " % (name,)
    if not dirs:
        raise LocalInfileRefused(why + "the connection does not declare "
                                 "local_infile (goneaway reads no file "
                                 "for the server unless the scenario "
                                 "says so)")
    if not name or "\0" in name:
        raise LocalInfileRefused(why + "not a file name")
    if ".." in name.split("/"):
        raise LocalInfileRefused(why + "'..' is not followed (only files "
                                 "beneath %s are read)" % dirs[0])
    base, rel = dirs[0], name
    if name.startswith("/"):
        for d in dirs:
            if name.startswith(d + "/"):
                base, rel = d, name[len(d) + 1:]
                break
        else:
            raise LocalInfileRefused(why + "outside %s" % dirs[0])
    comps = [c for c in rel.split("/") if c not in ("", ".")]
    if not comps:
        raise LocalInfileRefused(why + "not a file beneath %s" % base)
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for c in comps[:-1]:
            nfd = os.open(c, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        ffd = os.open(comps[-1], flags | os.O_NONBLOCK | os.O_NOCTTY,
                      dir_fd=fd)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.ENOTDIR):
            raise LocalInfileRefused(why + "a symlink or a file on the "
                                     "way, not followed (only files "
                                     "beneath %s are read)" % base)
        raise LocalInfileRefused(why + "%s (beneath %s)" % (
            os.strerror(e.errno), base))
    finally:
        os.close(fd)
    if not stat.S_ISREG(os.fstat(ffd).st_mode):
        os.close(ffd)
        raise LocalInfileRefused(why + "not a regular file (beneath %s)"
                                 % base)
    os.set_blocking(ffd, True)
    return os.fdopen(ffd, "rb")


def driver_kwargs(opts, taken, known=None, connector="the connector"):
    """The connection's driver_options as keyword arguments of the
    connector's connect(): each value by option_value().  A key the
    driver sets itself from the connection's own options (taken) is
    refused, and so is one not in known (when known is given: the
    connector's own parameters), as Unsupported: never ignored."""
    kw = {}
    for k, v in (opts or {}).items():
        if k in taken:
            raise Unsupported("driver option %r is what the connection's "
                              "own options set (%s)" % (k, ", ".join(
                                  sorted(taken))))
        if known is not None and k not in known:
            raise Unsupported("%s has no connect() parameter %r (it has: "
                              "%s)" % (connector, k, ", ".join(
                                  sorted(x for x in known
                                         if x not in taken))))
        kw[k] = option_value(v)
    return kw


def slow_fetch(sess, cur, req):
    """Reads the rest of a streamed cursor (SSCursor) into sess.rows: as
    fast as the rows come, or, with every_ms > 0, batch rows at a time
    and a wait of every_ms after each (a slow reader: the rest of the
    result stays on the wire meanwhile)."""
    batch = int(req.get("batch") or 0)
    every = float(req.get("every_ms") or 0) / 1000.0
    if every <= 0 or batch <= 0:
        while cur.fetchone() is not None:
            sess.rows += 1
        return
    sess.api = "SSCursor.fetchmany(%d) every %g ms" % (batch, every * 1000)
    while True:
        got = cur.fetchmany(batch)
        sess.rows += len(got)
        if len(got) < batch:
            return
        time.sleep(every)


def version_number(v):
    """The leading X[.Y[.Z]] of a connector's version string ("1.0.2"
    of "1.0.2_rc1"), as the greeting's "version" wants it, or None."""
    m = re.match(r"\d+(\.\d+){0,2}", str(v or ""))
    return m.group(0) if m else None


class Session:
    """One connection.  Subclasses set name, library, version (the
    connector's, "1.0.2"), unsupported_steps and errors (the connector's
    exception base class), and implement the do_* methods, each of which
    returns a dict of extra reply members (value ...) and raises the
    connector's exceptions.  A do_fetch or do_stream keeps the rows it
    has read in self.rows: a failed one reports them."""

    name = "?"
    library = "?"
    version = None
    unsupported_steps = {}
    errors = ()
    # a pool's driver (protocol 3) declares "pool" and defines
    # pool_events(): what its pool did since the last reply
    protocol = PROTOCOL
    features = FEATURES

    def __init__(self):
        self.conn = None
        self.api = None
        self.rows = None
        # after a close step: the connector's closed connection object, for
        # a step after it (a use after close: the connector defines what
        # its closed object does, and the driver calls it as it is)
        self.closed_conn = None
        self.after_close = False

    # -- to implement
    def thread_id(self):
        return 0

    def end_case(self):
        """Closes everything the case opened (docs/driver-protocol.md,
        "Cases"): the connection, and the closed one a use after close
        would call.  goneaway may have cut their sockets: errors are not
        the case's any more.  A connector with more (an event loop, a
        pool, a logging handler) extends it."""
        for c in (self.conn, self.closed_conn):
            if c is None:
                continue
            try:
                c.close()
            except Exception:
                pass
        self.conn = self.closed_conn = None

    def error_fields(self, e):
        raise NotImplementedError

    def spawned(self):
        """Called in a copy a zygote spawned (spawn() below), on the
        zygote's own session, once every descriptor but 0 to 2 is closed
        and before the copy's first session is made: what the process
        holds for all its sessions (an event loop) is to be made again.
        A connector with such state overrides it."""

    # -- the generic part
    def tid(self):
        if self.conn is None or self.after_close:
            return 0
        try:
            return int(self.thread_id() or 0)
        except Exception:
            return 0

    def greeting(self):
        g = {"hello": "goneaway-driver", "protocol": self.protocol,
             "features": self.features,
             "driver": self.name, "library": self.library,
             "runtime": "Python %s" % platform.python_version(),
             "unsupported": dict(self.unsupported_steps)}
        if version_number(self.version):
            g["version"] = version_number(self.version)
        return g

    def handle(self, req):
        step = req.get("step")
        if step not in STEPS:
            return {"result": "unsupported",
                    "message": "unknown step %r" % (step,)}
        if step in self.unsupported_steps:
            return {"result": "unsupported",
                    "message": self.unsupported_steps[step]}
        method = getattr(self, "do_" + step.replace("-", "_"), None)
        if method is None:
            return {"result": "unsupported",
                    "message": "%s has no %s step" % (self.name, step)}
        self.api = step
        self.rows = None
        rep = {}
        self.after_close = (step != "connect" and self.conn is None and
                            self.closed_conn is not None)
        if self.after_close:
            self.conn = self.closed_conn
        conn_before = self.conn
        before = self.tid()
        t0 = time.monotonic()
        try:
            if step != "connect" and self.conn is None:
                raise NotConnected("no connection: no successful connect "
                                   "step before this one")
            rep = method(req) or {}
            rep.setdefault("result", "ok")    # fork share sets its own
        except Unsupported as e:
            return {"result": "unsupported", "message": str(e)}
        except NotConnected as e:
            rep = {"result": "error", "errno": 0, "message": str(e),
                   "error_class": "NotConnected"}
            self.api = "driver"
        except self.errors as e:
            rep = {"result": "error"}
            rep.update(self.error_fields(e))
        except Exception as e:      # not the connector's own class
            log(traceback.format_exc())
            rep = {"result": "error", "errno": 0, "message": str(e),
                   "error_class": type(e).__name__}
        finally:
            if self.after_close:
                self.conn = None
            elif step == "close":
                self.closed_conn = conn_before
            elif step == "connect":
                self.closed_conn = None
        elapsed = (time.monotonic() - t0) * 1000.0
        if rep.get("result") == "error" and rep.get("errno") is None:
            rep["errno"] = 0
        if (rep.get("result") == "error" and step in ("fetch", "stream")
                and self.rows is not None):
            rep["rows"] = self.rows
        rep["api"] = self.api
        rep["elapsed_ms"] = round(elapsed, 3)
        rep["thread_before"] = before if step != "connect" else 0
        rep["thread_after"] = self.tid()
        if hasattr(self, "pool_events"):
            rep["pool_events"] = self.pool_events()
        return rep

    # -- fork, shared by every Python connector
    def do_fork(self, req):
        mode = req.get("mode")
        count = int(req.get("count") or 0)
        if mode not in ("close", "exit", "share"):
            raise Unsupported("fork mode %r" % (mode,))
        self.api = "os.fork"
        rfd = wfd = -1
        gate = counted = None
        if mode == "share":
            rfd, wfd = os.pipe()
            gate = os.pipe()    # the child's "ready": both start together
            counted = os.pipe()  # closed when the parent ran its count
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(self, mode, count, wfd, gate, counted)
        if wfd >= 0:
            os.close(wfd)
        if mode != "share":
            os.waitpid(pid, 0)
            return {"message": "child called close() and exited"
                    if mode == "close" else "child exited"}
        self.api = "%s (parent and child)" % self.query_api
        # Start when the child is ready to: a child scheduled late on a
        # busy machine otherwise found the parent's queries all done, and
        # no run of five raced (t0146, pymysql --fresh-drivers).  EOF
        # (the child died first) starts the parent all the same.
        os.close(gate[1])
        os.read(gate[0], 1)
        os.close(gate[0])
        # ... and each goes on past its count while the other still runs
        # its own: a ready process can still be run late, and the other's
        # queries then all meet its own, not a connection gone quiet
        # (t0146, pymysql --fresh-drivers: ok in all 5 runs once more,
        # 2026-11-27).  The parent knows the child's count run by its
        # tally's arrival, the child the parent's by the counted pipe's
        # end.  The step's 15 s bound caps it.
        os.close(counted[0])
        ends = [counted[1]]

        def count_run():
            while ends:
                os.close(ends.pop())

        mine = tally(self, "parent", count, rfd, count_run)
        count_run()     # an error ends the count early
        data = b""
        while True:
            chunk = os.read(rfd, 65536)
            if not chunk:
                break
            data += chunk
        os.close(rfd)
        os.waitpid(pid, 0)
        theirs = json.loads(data) if data else None
        return share_outcome(mine, theirs)


SHARE_MORE_S = 10.0     # the most a process goes on past its count


def running(fd):
    """Whether nothing can be read from fd yet: the parent's end of the
    child's tally pipe (readable when the tally is in or the child is
    gone), or the child's end of the counted pipe (at its end when the
    parent ran its count or is gone)."""
    return not select.select([fd], [], [], 0)[0]


def tally(sess, who, count, other_fd=-1, counted=None):
    """Runs SELECT 'who:i' count times, then calls counted(), and goes on
    while other_fd says the other process still runs its count (at most
    SHARE_MORE_S more); stops at the first error."""
    t = {"ok": 0, "wrong": 0, "errors": 0}
    more_until = None
    i = 0
    while True:
        if i >= count:
            if more_until is None:
                more_until = time.monotonic() + SHARE_MORE_S
                if counted:
                    counted()
            if other_fd < 0 or not running(other_fd) or \
                    time.monotonic() > more_until:
                break
        want = "%s:%d" % (who, i)
        try:
            got = sess.query_value("SELECT '%s'" % want)
        except Exception as e:
            t["errors"] += 1
            if isinstance(e, sess.errors):
                t["error"] = sess.error_fields(e)
            else:
                t["error"] = {"errno": 0, "message": str(e),
                              "error_class": type(e).__name__}
            break
        if got != want:
            t["wrong"] += 1
            t.setdefault("first_wrong", "asked %r, got %r" % (want, got))
        else:
            t["ok"] += 1
        i += 1
    return t


def share_outcome(p, c):
    def part(who, t):
        if t is None:
            return "%s: died without a tally" % who
        s = "%s: %d ok, %d wrong" % (who, t["ok"], t["wrong"])
        if t.get("error"):
            s += ", error %s" % t["error"].get("message", "")
        return s

    rep = {"message": part("parent", p) + "; " + part("child", c)}
    c = c or {"ok": 0, "wrong": 0, "errors": 0}
    if p["wrong"] or c["wrong"]:
        rep["result"] = "wrong-result"
        rep["value"] = p.get("first_wrong") or c.get("first_wrong")
        return rep
    err = p.get("error") or c.get("error")
    if err:
        msg = rep["message"]
        rep.update(err)
        rep["result"] = "error"
        rep["message"] = "%s (%s)" % (err.get("message", ""), msg)
    return rep


def child(sess, mode, count, wfd, gate, counted):
    """The forked child: never returns, never runs the parent's cleanup."""
    try:
        # die with the driver, as the built-in client's child does
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)
        if mode == "close":
            sess.close_in_child()
        elif mode == "share":
            os.close(gate[0])
            os.close(counted[1])
            os.write(gate[1], b"r")     # ready: the parent starts too
            os.close(gate[1])
            t = tally(sess, "child", count, counted[0])
            os.write(wfd, json.dumps(t).encode())
    except BaseException:
        log(traceback.format_exc())
        os._exit(2)
    os._exit(0)


def begin_case(req):
    """begin-case: the case's directory becomes the working directory."""
    t0 = time.monotonic()
    d = req.get("dir")
    if not isinstance(d, str) or not d.startswith("/"):
        return {"result": "error", "errno": 0, "error_class": "BadRequest",
                "message": "begin-case without an absolute dir",
                "api": "driver", "elapsed_ms": 0}
    os.chdir(d)
    return {"result": "ok", "api": "driver",
            "elapsed_ms": round((time.monotonic() - t0) * 1000.0, 3)}


def end_case(sess):
    """end-case: everything the case opened closed, then a new Session
    for the next case (all the case's state was the old one's)."""
    t0 = time.monotonic()
    try:
        sess.end_case()
    except Exception as e:
        log(traceback.format_exc())
        return {"result": "error", "errno": 0, "message": str(e),
                "error_class": type(e).__name__, "api": "driver",
                "elapsed_ms": 0}, sess
    return {"result": "ok", "api": "driver",
            "elapsed_ms": round((time.monotonic() - t0) * 1000.0, 3)}, \
        type(sess)()


def become_copy(sess, paths):
    """In a copy just forked (spawn() below): a process group of its
    own, the named pipes paths[0] and paths[1] its standard input and
    output, paths[2] its standard error appended to, every other
    descriptor closed, then a driver just started serving them with a
    new session of sess's kind.  Never returns."""
    try:
        os.setpgid(0, 0)
        fds = (os.open(paths[0], os.O_RDONLY),
               os.open(paths[1], os.O_WRONLY),
               os.open(paths[2], os.O_WRONLY | os.O_APPEND))
        for i, fd in enumerate(fds):
            os.dup2(fd, i)
        os.closerange(3, 65536)
        sess.spawned()
        serve(type(sess)(), open(0, "rb", closefd=False))
    except BaseException:
        log(traceback.format_exc())
        os._exit(2)
    os._exit(0)


def spawn(sess, req):
    """spawn: a copy of this process, forked now, serves the named pipes
    "stdin" and "stdout" (its standard error appended to "stderr") as a
    driver just started would: its greeting, then requests.  goneaway
    sends it only to a process that has served no case; the copy is in
    a process group of its own.  It is forked through a process that
    exits at once, so that its parent is the namespace's init, which
    reaps it and tells goneaway how it ended (its exit code, the signal
    that killed it), as for a driver started on its own; this process
    waits for that one alone."""
    t0 = time.monotonic()
    paths = [req.get(k) for k in ("stdin", "stdout", "stderr")]
    if not all(isinstance(p, str) and p.startswith("/") for p in paths):
        return {"result": "error", "errno": 0, "error_class": "BadRequest",
                "message": "spawn needs absolute stdin, stdout and stderr",
                "api": "driver", "elapsed_ms": 0}
    sys.stdout.flush()
    sys.stderr.flush()
    # what the zygote holds is out of the collector's reach in the copy:
    # a full collection there would touch, and so copy, every page of it
    gc.freeze()
    mid = os.fork()
    if mid == 0:
        try:
            if os.fork() != 0:
                os._exit(0)
        except BaseException:
            log(traceback.format_exc())
            os._exit(2)
        become_copy(sess, paths)
    os.waitpid(mid, 0)
    return {"result": "ok", "api": "os.fork",
            "elapsed_ms": round((time.monotonic() - t0) * 1000.0, 3)}


def serve(sess, inp=None):
    """Greets, then answers each request on standard input (inp: a
    binary reader of it; a spawned copy's own) until its end."""
    out = sys.stdout
    hello = sess.greeting()
    if "cases" in (hello.get("features") or ()):
        hello["features"] = list(hello["features"]) + [SPAWN]
    out.write(json.dumps(hello) + "\n")
    out.flush()
    if inp is None:
        inp = sys.stdin.buffer
    while True:
        line = inp.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            req = json.loads(line.decode("utf-8"))
        except ValueError as e:
            log("not a JSON request: %s" % e)
            sys.exit(2)
        if req.get("step") == "begin-case":
            rep = begin_case(req)
        elif req.get("step") == "end-case":
            rep, sess = end_case(sess)
        elif req.get("step") == "spawn":
            rep = spawn(sess, req)
        else:
            rep = sess.handle(req)
        rep["id"] = req.get("id")
        out.write(json.dumps(rep) + "\n")
        out.flush()
