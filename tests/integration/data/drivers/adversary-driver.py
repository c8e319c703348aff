#!/usr/bin/python3
# adversary-driver.py - for t0202-driver-pairs (issue 57): the shipped
# PyMySQL driver (protocol 5, features cases and spawn: kept and spawned
# as the shipped one is), both a polluter and a canary.
#
# Polluter: "SELECT 'adversary:CLASS'" leaves one CLASS of state in the
# process (then runs the query: its value is the marker):
#   latesock-N  a thread opens a TCP connection to the case's server
#               N ms after end-case, and holds it
#   lateline-N  a thread writes a line on standard output N ms after
#               end-case
#   umask env receiver globals threads children rlimits signals locale
#   tz syspath files pool   (see pollute() below)
#   none        nothing (the control)
# Canary: at every connect and query it compares the process with what
# it was at its greeting (CLASSES below) and, when anything differs,
# fails the step: errno 0, error_class Polluted, a message naming each
# class that differs.  A scenario that expects the step to succeed then
# does not PASS.
import locale
import os
import resource
import signal
import socket
import sys
import threading
import time
import types

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
    __file__)), "..", "..", "..", "..", "drivers", "pymysql"))
import driver as shipped                                # noqa: E402

gadriver = shipped.gadriver
pymysql = shipped.pymysql
# a framework's signal: receivers run on every new connection
framework = types.ModuleType("adversary_framework")
framework.connection_created = []
sys.modules[framework.__name__] = framework
HELD = []           # what the polluter keeps alive: sockets, pools
ARMED = []          # late classes, fired at end-case: (kind, ms, addr)
WATCHED = (pymysql, pymysql.connections, gadriver, shipped)


class Polluted(Exception):
    pass


def own_fds(skip):
    fds = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            t = os.readlink("/proc/self/fd/" + fd)
        except OSError:
            continue            # the listing's own descriptor
        if int(fd) not in skip:     # goneaway unlinks a copy's pipes
            fds[int(fd)] = t.replace(" (deleted)", "")
    return fds


def children():
    kids = []
    for t in os.listdir("/proc/self/task"):
        with open("/proc/self/task/%s/children" % t) as f:
            kids += f.read().split()
    return sorted(kids)


def module_globals():
    g = {}
    for m in WATCHED:
        for k, v in vars(m).items():
            if not k.startswith("__"):
                g[m.__name__ + "." + k] = (id(v), len(v) if isinstance(
                    v, (list, dict, set)) else None)
    return g


def umask():
    m = os.umask(0)
    os.umask(m)
    return oct(m)


# class: what the canary compares (skip: the step's own descriptors)
CLASSES = {
    "umask": lambda skip: umask(),
    "env": lambda skip: dict(os.environ),
    "receiver": lambda skip: len(framework.connection_created),
    "globals": lambda skip: module_globals(),
    "threads": lambda skip: sorted(t.ident for t in threading.enumerate()),
    "children": lambda skip: children(),
    "rlimits": lambda skip: {k: resource.getrlimit(getattr(resource, k))
                             for k in dir(resource)
                             if k.startswith("RLIMIT_")},
    "signals": lambda skip: {int(s): signal.getsignal(s)
                             for s in signal.valid_signals()
                             if s not in (signal.SIGKILL, signal.SIGSTOP)},
    "locale": lambda skip: locale.setlocale(locale.LC_ALL),
    "tz": lambda skip: (os.environ.get("TZ"), time.tzname, time.timezone),
    "syspath": lambda skip: list(sys.path),
    "fds": lambda skip: own_fds(skip),
}
BASE = {}


def record():
    BASE.clear()
    BASE.update({k: f(()) for k, f in CLASSES.items()})


def change(was, now):
    """What differs, short: a mapping's keys, a list's items."""
    if isinstance(was, dict):
        return ", ".join("%s: %r -> %r" % (k, was.get(k), now.get(k))
                         for k in sorted(set(was) | set(now), key=str)
                         if was.get(k) != now.get(k))[:300]
    if isinstance(was, list):
        return "added %r, gone %r" % ([x for x in now if x not in was],
                                      [x for x in was if x not in now])
    return "%r -> %r" % (was, now)


def differs(skip):
    return ["%s (%s)" % (k, change(BASE[k], f(skip)))
            for k, f in CLASSES.items() if f(skip) != BASE[k]]


def late(kind, ms, addr):
    time.sleep(ms / 1000.0)
    if kind == "latesock":
        try:
            HELD.append(socket.create_connection(addr, timeout=5))
        except OSError as e:
            gadriver.log("adversary: late socket to %r: %s" % (addr, e))
    else:
        sys.stdout.write('{"adversary": "a late line"}\n')
        sys.stdout.flush()


def other_locale():
    now = locale.setlocale(locale.LC_NUMERIC)
    return "C" if now.lower() in ("c.utf8", "c.utf-8") else "C.UTF-8"


def pollute(cls, sess):
    if cls in ("none", "files"):
        if cls == "files":
            with open("adversary-left.txt", "w") as f:
                f.write("left by a case\n")
    elif cls == "umask":
        os.umask(0o077)
    elif cls == "env":
        os.environ["MYSQL_PWD"] = "adversary"
    elif cls == "receiver":
        framework.connection_created.append(
            lambda c: c.query("SET SESSION wait_timeout = 5"))
    elif cls == "globals":
        pymysql.connections.DEFAULT_CHARSET = "latin1"
    elif cls == "threads":
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    elif cls == "children":
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    elif cls == "rlimits":
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft - 1, hard))
    elif cls == "signals":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    elif cls == "locale":
        locale.setlocale(locale.LC_NUMERIC, other_locale())
    elif cls == "tz":
        os.environ["TZ"] = "ADV-9"
        time.tzset()
    elif cls == "syspath":
        sys.path.insert(0, os.getcwd())
    elif cls == "pool":
        kw = dict(sess.last_kw)
        HELD.extend(pymysql.connect(**kw) for _ in range(2))
    elif cls.split("-")[0] in ("latesock", "lateline") and \
            cls.split("-")[-1].isdigit():
        kind, ms = cls.split("-")
        ARMED.append((kind, int(ms), (sess.last_kw.get("host"),
                                      sess.last_kw.get("port"))))
    else:
        raise gadriver.Unsupported("adversary: no class %r" % cls)


class Adversary(shipped.PyMySQL):
    name = "adversary"

    def greeting(self):
        record()
        return super().greeting()

    def canary(self, skip=()):
        bad = differs(skip)
        if bad:
            raise Polluted("adversary: this process is not as it was at "
                           "its greeting: " + "; ".join(bad))

    def do_connect(self, req):
        self.api = "adversary canary"
        self.canary()
        self.last_kw = shipped.connect_kwargs(req, self.library)
        rep = super().do_connect(req)
        for r in framework.connection_created:
            r(self.conn)
        return rep

    def do_query(self, req):
        sql = req.get("sql", "")
        if sql.startswith("SELECT 'adversary:") and sql.endswith("'"):
            pollute(sql[len("SELECT 'adversary:"):-1], self)
        else:
            self.api = "adversary canary"
            self.canary({self.conn._sock.fileno()})
        return super().do_query(req)

    def end_case(self):
        super().end_case()
        while ARMED:
            threading.Thread(target=late, args=ARMED.pop(),
                             daemon=True).start()


if __name__ == "__main__":
    gadriver.serve(Adversary())
