#!/usr/bin/python3
"""protocol_check.py - checks client drivers (docs/driver-protocol.md)
against a real mariadbd, before `goneaway driver-test` exists.

    sudo tests/drivers/protocol_check.py [--observe FILE] [NAME|-- CMD ...] ...

NAME is a driver shipped in drivers/ (pymysql, mysqlclient, php-mysqli,
php-pdo, mysql2, mariadb, go, perl, java); `--cmd 'CMD ARGS'` checks any
other command.  Without names, every shipped driver whose program is
installed is checked.

The script re-executes itself in a private network namespace (unshare -n,
only a loopback there), builds a datadir with mariadb-install-db and the
project's fixtures/server files in a scratch directory, starts mariadbd on
127.0.0.1:3306 and a unix socket with max_allowed_packet=1M, and runs the
same sequence of requests through each driver.  Each check prints one
line; protocol conformance (greeting, ids, reply members, values, 1146 and
42S02, ping, close, reconnect after KILL, unsupported replies, exit at end
of input) must hold.  Failure codes that depend on the connector (query
after KILL, after a restart, read timeout, packet too large, the second
call after a lost connection) are only required to be errors and are
recorded: --observe FILE writes them as JSON lines for docs and findings.

Everything it starts is stopped by its PID and the scratch directory is
removed; the namespace goes away with the process.  Python 3 stdlib only.
"""

import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DRIVERS = os.path.join(TOP, "drivers")

# name -> argv (relative to the top directory)
SHIPPED = {
    "pymysql": ["/usr/bin/python3", "drivers/pymysql/driver.py"],
    "mysqlclient": ["/usr/bin/python3", "drivers/mysqlclient/driver.py"],
    "php-mysqli": ["php", "drivers/php/driver.php", "mysqli"],
    "php-pdo": ["php", "drivers/php/driver.php", "pdo"],
    "mysql2": ["node", "drivers/node/driver.mjs", "mysql2"],
    "mariadb": ["node", "drivers/node/driver.mjs", "mariadb"],
    "go": ["drivers/go/goneaway-driver-go"],
    "perl": ["perl", "drivers/perl/driver.pl"],
    "java": ["sh", "drivers/java/run.sh"],
}

USER, PASSWORD, DATABASE = "goneaway", "goneaway", "goneaway"
PORT = 3306
GREETING_S = 10
REPLY_S = 30
MIB = 1024 * 1024
INTERACTIVE_TIMEOUT = 12345     # the session's wait_timeout when interactive


# ---------------------------------------------------------------- server

class Server:
    """A private mariadbd in the current (private) network namespace."""

    def __init__(self, scratch):
        self.dir = scratch
        self.data = os.path.join(scratch, "data")
        self.sock = os.path.join(scratch, "mysqld.sock")
        self.cnf = os.path.join(scratch, "my.cnf")
        self.log = os.path.join(scratch, "error.log")
        self.proc = None

    def install(self):
        # a throw-away self-signed certificate: the server offers TLS, as
        # the lab's servers do, so "tls=off" is seen to mean off
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-days", "2", "-subj", "/CN=goneaway-test",
                        "-keyout", os.path.join(self.dir, "key.pem"),
                        "-out", os.path.join(self.dir, "cert.pem")],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        fixture = open(os.path.join(TOP, "fixtures/server/mariadb.cnf")).read()
        with open(self.cnf, "w") as f:
            f.write(fixture)
            f.write("\n[mysqld]\nuser=root\ndatadir=%s\nsocket=%s\n"
                    "port=%d\nbind-address=127.0.0.1\nlog-error=%s\n"
                    "pid-file=%s/mysqld.pid\nmax_allowed_packet=1M\n"
                    "ssl-cert=%s/cert.pem\nssl-key=%s/key.pem\n"
                    "interactive_timeout=%d\n"
                    % (self.data, self.sock, PORT, self.log, self.dir,
                       self.dir, self.dir, INTERACTIVE_TIMEOUT))
        t = time.monotonic()
        r = subprocess.run(["mariadb-install-db", "--defaults-file=" + self.cnf,
                        "--user=root", "--skip-test-db",
                        "--auth-root-authentication-method=socket",
                        "--skip-name-resolve", "--extra-file=" +
                        os.path.join(TOP, "fixtures/server/bootstrap.sql")],
                       stdout=open(os.path.join(self.dir, "install.log"), "w"),
                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            tail = open(os.path.join(self.dir, "install.log")).read()[-1500:]
            raise RuntimeError("mariadb-install-db failed (exit %d): %s"
                               % (r.returncode, tail))
        note("datadir built in %.1f s" % (time.monotonic() - t))

    def start(self):
        self.proc = subprocess.Popen(["mariadbd", "--defaults-file=" + self.cnf],
                                     stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mariadbd exited: see " + self.log)
            if os.path.exists(self.sock):
                r = self.admin_try("SELECT 1")
                if r is not None:
                    return
            time.sleep(0.1)
        raise RuntimeError("mariadbd did not come up in 60 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self):
        self.stop()
        self.start()

    def admin_try(self, sql):
        r = subprocess.run(["mariadb", "--no-defaults", "-S", self.sock,
                            "-u", "root", "-N", "-B", "-e", sql],
                           stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
        return r.stdout if r.returncode == 0 else None

    def admin(self, sql):
        r = self.admin_try(sql)
        if r is None:
            raise RuntimeError("admin query failed: " + sql)
        return r.strip()

    def app_threads(self):
        out = self.admin("SELECT ID FROM information_schema.PROCESSLIST "
                         "WHERE USER = '%s' ORDER BY ID" % USER)
        return [int(x) for x in out.split()]


# ---------------------------------------------------------------- driver

class DriverGone(Exception):
    pass


class Driver:
    def __init__(self, argv, errlog):
        self.errlog = open(errlog, "wb")
        self.proc = subprocess.Popen(argv, cwd=TOP, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=self.errlog)
        self.buf = b""
        self.next_id = 1

    def readline(self, timeout):
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DriverGone("no line within %g s" % timeout)
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                raise DriverGone("the driver closed its output (exit %s)"
                                 % self.proc.poll())
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        try:
            return json.loads(line.decode("utf-8"))
        except ValueError as e:
            raise DriverGone("not a JSON line (%s): %r" % (e, line[:200]))

    def request(self, step, timeout=REPLY_S, cut_after=None, **members):
        """Sends one request and reads its reply.  With cut_after, a call
        still running then is cut as goneaway's watchdog does: the TCP
        sockets to the server are destroyed (ss -K, the kernel's
        SOCK_DESTROY, in this private namespace) and the reply is awaited
        3 s more; the reply then says "cut": True."""
        req = {"id": self.next_id, "step": step}
        req.update(members)
        self.next_id += 1
        try:
            self.proc.stdin.write(json.dumps(req).encode() + b"\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise DriverGone("the driver closed its input")
        cut = False
        if cut_after is None:
            rep = self.readline(timeout)
        else:
            try:
                rep = self.readline(cut_after)
            except DriverGone as e:
                if "no line" not in str(e):
                    raise
                subprocess.run(["ss", "-K", "dport", "=", str(PORT)],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                rep = self.readline(3)
                cut = True
        if rep.get("id") != req["id"]:
            raise DriverGone("reply to id %s, expected %s: %r"
                             % (rep.get("id"), req["id"], rep))
        if not isinstance(rep.get("result"), str):
            raise DriverGone("reply without result: %r" % rep)
        if rep["result"] in ("ok", "error", "wrong-result"):
            for k in ("api", "elapsed_ms", "thread_before", "thread_after"):
                if k not in rep:
                    raise DriverGone("reply without %s: %r" % (k, rep))
        if rep["result"] == "error":
            for k in ("errno", "message", "error_class"):
                if k not in rep:
                    raise DriverGone("error reply without %s: %r" % (k, rep))
        if cut:
            rep["cut"] = True
        return rep

    def finish(self, timeout=2.0):
        """Closes stdin; True if the driver exited within timeout."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.proc.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            self.proc.kill()            # our own child, by its PID
            self.proc.wait()
            return False
        finally:
            self.errlog.close()


# ---------------------------------------------------------------- checks

passed = failed = skipped = 0
observations = []


def note(msg):
    print("# " + msg, flush=True)


def report(ok, desc, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok - " + desc, flush=True)
    else:
        failed += 1
        print("not ok - %s: %s" % (desc, why), flush=True)
    return ok


def skip(desc, why):
    global skipped
    skipped += 1
    print("skip - %s: %s" % (desc, why), flush=True)


def short(rep):
    keep = ("result", "cut", "errno", "sqlstate", "error_class", "error_name",
            "message", "api", "value", "elapsed_ms", "thread_before",
            "thread_after")
    return {k: rep[k] for k in keep if k in rep}


def observe(driver, what, rep):
    o = {"driver": driver, "what": what}
    o.update(short(rep))
    for k in ("message", "value"):
        if isinstance(o.get(k), str) and len(o[k]) > 200:
            o[k] = o[k][:200] + "... (%d characters)" % len(o[k])
    observations.append(o)
    note("%s: %s" % (what, json.dumps({k: v for k, v in o.items()
                                        if k not in ("driver", "what")})))


def want(rep, result, desc, **eq):
    why = []
    if rep.get("result") != result:
        why.append("result %r" % rep.get("result"))
    for k, v in eq.items():
        if rep.get(k, "<absent>") != v:
            why.append("%s %r, not %r" % (k, rep.get(k, "<absent>"), v))
    return report(not why, desc, "; ".join(why) + " in " +
                  json.dumps(short(rep))[:400])


def connect_opts(transport="tcp", **extra):
    o = {"transport": transport}
    if transport == "tcp":
        o["tls"] = "off"
    o.update(extra)
    return o


def connect(d, server, transport="tcp", user=USER, **extra):
    return d.request("connect", host="127.0.0.1", port=PORT,
                     socket=server.sock, user=user, password=PASSWORD,
                     database=DATABASE,
                     options=connect_opts(transport, **extra))


def thread_of(server, rep):
    """The connection's server thread: the driver's, else the newest."""
    tid = rep.get("thread_after") or 0
    if tid:
        return tid
    ids = server.app_threads()
    return ids[-1] if ids else 0


def kill(server, tid):
    server.admin("KILL %d" % tid)
    # KILL returns before the thread has closed its socket
    deadline = time.monotonic() + 5
    while tid in server.app_threads() and time.monotonic() < deadline:
        time.sleep(0.02)


def check_driver(name, argv, server, scratch):
    note("driver %s: %s" % (name, " ".join(argv)))
    d = Driver(argv, os.path.join(scratch, "driver-%s.log" % name))
    unsupported = {}
    try:
        try:
            g = d.readline(GREETING_S)
        except DriverGone as e:
            report(False, name + ": greeting", str(e))
            return
        ok = (g.get("hello") == "goneaway-driver" and g.get("protocol") == 1
              and isinstance(g.get("driver"), str)
              and isinstance(g.get("library"), str)
              and isinstance(g.get("runtime"), str)
              and isinstance(g.get("unsupported", {}), dict))
        report(ok, name + ": greeting", json.dumps(g))
        unsupported = g.get("unsupported", {})
        note("greeting: " + json.dumps(g))
        name = g.get("driver", name)
        run_sequence(name, d, server, unsupported)
    except DriverGone as e:
        report(False, name + ": protocol", str(e))
    finally:
        exited = d.finish()
        report(exited, name + ": exits when its input closes",
               "still running 2 s later (killed)")
        tail = open(d.errlog.name, "rb").read()[-2000:].decode(errors="replace")
        if tail.strip():
            note("stderr tail of %s:\n# " % name +
                 tail.strip().replace("\n", "\n# "))


def run_sequence(name, d, server, unsupported):
    p = name + ": "

    # -- connect over TCP, values, server error, ping, close
    r = connect(d, server)
    if not want(r, "ok", p + "connect tcp"):
        return
    tid = r["thread_after"]
    report(isinstance(tid, int), p + "connect reports an integer thread id",
           repr(tid))
    if not tid:
        note("%s reports thread id 0" % name)
    else:
        report(tid in server.app_threads(), p + "thread id is the server's",
               "%s not in %s" % (tid, server.app_threads()))
    r = d.request("query", sql="SELECT 1")
    want(r, "ok", p + "query value", value="1", thread_before=tid,
         thread_after=tid)
    report(isinstance(r.get("elapsed_ms"), (int, float)) and
           r["elapsed_ms"] >= 0, p + "elapsed_ms is a number",
           repr(r.get("elapsed_ms")))
    r = d.request("query", sql="SELECT NULL")
    want(r, "ok", p + "query NULL", value=None)
    r = d.request("query", sql="SELECT 'caf\u00e9', 2")
    want(r, "ok", p + "query UTF-8 text", value="caf\u00e9")
    r = d.request("query", sql="DO 1")
    report(r.get("result") == "ok" and "value" not in r,
           p + "query without rows has no value", json.dumps(short(r)))
    r = d.request("query", sql="SELECT 1 FROM DUAL WHERE 1 = 0")
    report(r.get("result") == "ok" and "value" not in r,
           p + "query with no row has no value", json.dumps(short(r)))
    r = d.request("query", sql="SELECT * FROM no_such_table")
    if r.get("sqlstate") in (None, ""):
        want(r, "error", p + "server error 1146 (connector has no sqlstate)",
             errno=1146)
    else:
        want(r, "error", p + "server error 1146", errno=1146,
             sqlstate="42S02")
    observe(name, "server error 1146", r)
    r = d.request("query", sql="SELECT 2")
    want(r, "ok", p + "query after a server error", value="2")
    r = d.request("ping")
    if "ping" in unsupported:
        want(r, "unsupported", p + "ping is unsupported, as greeted")
    else:
        want(r, "ok", p + "ping")
    r = d.request("close")
    want(r, "ok", p + "close")
    deadline = time.monotonic() + 5
    while tid and tid in server.app_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    report(not tid or tid not in server.app_threads(),
           p + "close ends the server thread", "thread %s still there" % tid)

    # -- unix socket
    r = connect(d, server, "socket")
    if want(r, "ok", p + "connect socket"):
        r = d.request("query", sql="SELECT @@socket IS NOT NULL")
        want(r, "ok", p + "query over the socket", value="1")
    d.request("close")

    # -- an unknown step, every step the greeting says is unsupported
    r = d.request("no-such-step")
    want(r, "unsupported", p + "an unknown step is unsupported")
    for step in sorted(unsupported):
        if step == "fork":
            continue                    # checked below, with a connection
        r = connect(d, server)
        r = d.request(step, sql="SELECT 1", blob=0, size=10, chunk=5,
                      mode="exit", count=1)
        want(r, "unsupported", p + "greeting's unsupported %s is "
             "answered unsupported" % step)
        d.request("close")

    # -- KILL of an idle connection, the second call, a new connect
    r = connect(d, server, read_timeout=5)
    want(r, "ok", p + "connect read_timeout=5")
    tid = thread_of(server, r)
    d.request("query", sql="SELECT 1")
    kill(server, tid)
    r = d.request("query", sql="SELECT 1")
    want(r, "error", p + "query after KILL is an error")
    observe(name, "query after KILL (idle)", r)
    r = d.request("query", sql="SELECT 1")
    want(r, "error", p + "second query after KILL is an error")
    observe(name, "second query after KILL", r)
    r = d.request("ping")
    observe(name, "ping after KILL", r)
    r = connect(d, server)
    want(r, "ok", p + "connect again after KILL")
    r2 = d.request("query", sql="SELECT 3")
    want(r2, "ok", p + "query on the new connection", value="3")
    if r.get("thread_after"):
        report(r["thread_after"] != tid, p + "new connection, new thread id",
               "still %s" % tid)
    d.request("close")

    # -- reconnect=true
    r = connect(d, server, reconnect=True, read_timeout=5)
    if r["result"] == "unsupported":
        note("reconnect: unsupported: " + r.get("message", ""))
        skip(p + "reconnect after KILL", r.get("message", ""))
    elif want(r, "ok", p + "connect reconnect=true"):
        tid = thread_of(server, r)
        d.request("query", sql="SET @marker = 'state'")
        kill(server, tid)
        r = d.request("query", sql="SELECT @marker")
        observe(name, "query after KILL, reconnect=true", r)
        r = d.request("ping")
        observe(name, "ping after KILL, reconnect=true", r)
        r = d.request("query", sql="SELECT @marker")
        observe(name, "query after ping, reconnect=true", r)
        d.request("close")

    # -- interactive
    r = connect(d, server, interactive=True)
    if r["result"] == "unsupported":
        skip(p + "interactive", r.get("message", ""))
    elif want(r, "ok", p + "connect interactive=true"):
        r = d.request("query", sql="SELECT @@session.wait_timeout")
        want(r, "ok", p + "interactive: the server applies "
             "interactive_timeout", value=str(INTERACTIVE_TIMEOUT))
        d.request("close")
    r = connect(d, server)
    r = d.request("query", sql="SELECT @@session.wait_timeout = %d"
                  % INTERACTIVE_TIMEOUT)
    want(r, "ok", p + "not interactive by default", value="0")
    d.request("close")

    # -- tls: the server offers TLS (a self-signed certificate)
    tls_sql = ("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
               " WHERE VARIABLE_NAME = 'SSL_VERSION'")
    r = connect(d, server)
    r = d.request("query", sql=tls_sql)
    want(r, "ok", p + "tls=off: the connection is plain TCP", value="")
    d.request("close")
    r = d.request("connect", host="127.0.0.1", port=PORT, socket=server.sock,
                  user=USER, password=PASSWORD, database=DATABASE,
                  options={"transport": "tcp", "tls": "required"})
    if r["result"] == "unsupported":
        skip(p + "tls=required", r.get("message", ""))
    elif want(r, "ok", p + "connect tls=required (self-signed certificate)"):
        r = d.request("query", sql=tls_sql)
        report(r.get("result") == "ok" and
               (r.get("value") or "").startswith("TLS"),
               p + "tls=required: the connection uses TLS",
               json.dumps(short(r)))
        tid = thread_of(server, r)
        kill(server, tid)
        r = d.request("query", sql="SELECT 1")
        observe(name, "query after KILL (idle), TLS", r)
        r = d.request("query", sql="SELECT 1")
        observe(name, "second query after KILL, TLS", r)
    d.request("close")

    # -- read timeout
    r = connect(d, server, read_timeout=1)
    if r["result"] == "unsupported":
        skip(p + "read_timeout", r.get("message", ""))
    elif want(r, "ok", p + "connect read_timeout=1"):
        r = d.request("query", sql="SELECT SLEEP(3)")
        el = r.get("elapsed_ms", 0)
        report(r["result"] == "error" and 500 <= el < 2900,
               p + "read_timeout=1 cuts SELECT SLEEP(3)",
               json.dumps(short(r)))
        observe(name, "read timeout (SELECT SLEEP(3), read_timeout=1)", r)
        r = d.request("query", sql="SELECT 1")
        observe(name, "query after the read timeout", r)
        d.request("close")

    # -- a hang cut as goneaway's watchdog cuts it (SOCK_DESTROY)
    r = connect(d, server)
    if want(r, "ok", p + "connect for a hang"):
        r = d.request("query", sql="SELECT SLEEP(20)", cut_after=2)
        report(r.get("cut") and r["result"] == "error",
               p + "a hung query whose socket is cut answers an error",
               json.dumps(short(r)))
        observe(name, "hung query, socket cut (SOCK_DESTROY)", r)
        r = d.request("query", sql="SELECT 1")
        observe(name, "query after the cut", r)
    d.request("close")

    # -- packet too large: a 2 MiB literal, server max_allowed_packet=1M
    r = connect(d, server, read_timeout=5)
    d.request("query", sql="CREATE TABLE IF NOT EXISTS blobs "
              "(id INT AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)")
    r = d.request("query", sql="INSERT INTO blobs(b) VALUES ('%s')"
                  % ("a" * (2 * MIB)))
    want(r, "error", p + "2 MiB literal over max_allowed_packet=1M")
    observe(name, "2 MiB literal INSERT, server max_allowed_packet=1M", r)
    r = d.request("query", sql="SELECT 1")
    observe(name, "query after the too-large packet", r)
    d.request("close")

    # -- the client's own max_allowed_packet
    r = connect(d, server, max_allowed_packet=65536)
    if r["result"] == "unsupported":
        skip(p + "max_allowed_packet", r.get("message", ""))
    elif want(r, "ok", p + "connect max_allowed_packet=65536"):
        r = d.request("query", sql="SELECT REPEAT('a', 200000)")
        observe(name, "200000-byte row, client max_allowed_packet=65536", r)
        r = d.request("query", sql="SELECT '%s'" % ("a" * 100000))
        observe(name, "100000-byte statement, client "
                "max_allowed_packet=65536", r)
        d.request("close")

    # -- stream / fetch
    connect(d, server)
    r = d.request("stream", sql="SELECT seq FROM seq_1_to_50000")
    if r["result"] == "unsupported":
        skip(p + "stream", r.get("message", ""))
    elif want(r, "ok", p + "stream first row", value="1"):
        r = d.request("fetch")
        want(r, "ok", p + "fetch the rest", value="49999")
        r = d.request("query", sql="SELECT 4")
        want(r, "ok", p + "query after fetch", value="4")
    d.request("close")

    # -- prepare / execute / long-data
    connect(d, server, read_timeout=5)
    d.request("query", sql="TRUNCATE TABLE blobs")
    r = d.request("prepare", sql="INSERT INTO blobs(b) VALUES (?)")
    if r["result"] == "unsupported":
        skip(p + "prepare", r.get("message", ""))
    elif want(r, "ok", p + "prepare"):
        r = d.request("execute", blob=1000)
        want(r, "ok", p + "execute blob=1000")
        r = d.request("query", sql="SELECT LENGTH(b) FROM blobs")
        want(r, "ok", p + "the blob arrived", value="1000")
        r = d.request("long-data", size=1000, chunk=300)
        if r["result"] == "unsupported":
            skip(p + "long-data", r.get("message", ""))
        else:
            want(r, "ok", p + "long-data 1000 chunk=300", value="4")
            r = d.request("execute")
            want(r, "ok", p + "execute after long-data")
            r = d.request("query", sql="SELECT MAX(LENGTH(b)) FROM blobs "
                          "WHERE id > 1")
            want(r, "ok", p + "the long data arrived", value="1000")
            r = d.request("long-data", size=2 * MIB, chunk=256 * 1024)
            observe(name, "long-data 2 MiB chunk=256KiB", r)
            r = d.request("execute")
            observe(name, "execute after 2 MiB long data, "
                    "max_allowed_packet=1M", r)
        r = d.request("prepare", sql="INSERT INTO blobs(b) VALUES (?)")
        r = d.request("execute", blob=2 * MIB)
        observe(name, "execute blob=2MiB, max_allowed_packet=1M", r)
        r = d.request("query", sql="SELECT 1")
        observe(name, "query after execute blob=2MiB", r)
    d.request("close")

    # -- fork
    connect(d, server)
    r = d.request("fork", mode="exit", count=0)
    if r["result"] == "unsupported":
        skip(p + "fork", r.get("message", ""))
        report("fork" in unsupported, p + "fork unsupported is in the "
               "greeting", json.dumps(unsupported))
    else:
        want(r, "ok", p + "fork exit")
        r = d.request("query", sql="SELECT 5")
        want(r, "ok", p + "query after fork exit", value="5")
        r = d.request("fork", mode="share", count=20, cut_after=10)
        report(r["result"] in ("ok", "wrong-result", "error"),
               p + "fork share 20", json.dumps(short(r)))
        observe(name, "fork share 20", r)
        connect(d, server)
        r = d.request("fork", mode="close", count=0)
        want(r, "ok", p + "fork close")
        r = d.request("query", sql="SELECT 6")
        observe(name, "query after the child closed the connection", r)
    d.request("close")

    # -- server restart under an idle connection
    r = connect(d, server, read_timeout=5)
    d.request("query", sql="SELECT 1")
    server.restart()
    r = d.request("query", sql="SELECT 1")
    want(r, "error", p + "query after a server restart is an error")
    observe(name, "query after a server restart", r)
    r = d.request("query", sql="SELECT 1")
    observe(name, "second query after a server restart", r)
    r = connect(d, server)
    want(r, "ok", p + "connect after the restart")
    d.request("close")

    # -- a query without a connection
    r = d.request("query", sql="SELECT 1")
    report(r["result"] in ("error", "ok"),
           p + "query after close answers", json.dumps(short(r)))
    observe(name, "query after close", r)


# ---------------------------------------------------------------- main

def in_private_netns():
    if os.environ.get("GA_DRIVER_CHECK_NETNS") == "1":
        return True
    if os.geteuid() != 0:
        sys.exit("protocol_check.py: run as root (it needs unshare -n)")
    env = dict(os.environ, GA_DRIVER_CHECK_NETNS="1")
    os.execvpe("unshare", ["unshare", "-n", sys.executable] + sys.argv, env)


def parse_args(argv):
    drivers, observe_path = [], None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--observe":
            observe_path = argv[i + 1]
            i += 2
        elif a == "--cmd":
            cmd = shlex.split(argv[i + 1])
            drivers.append((os.path.basename(cmd[-1]), cmd))
            i += 2
        elif a in SHIPPED:
            drivers.append((a, SHIPPED[a]))
            i += 1
        else:
            sys.exit("protocol_check.py: unknown driver %r (known: %s)"
                     % (a, ", ".join(SHIPPED)))
    if not drivers:
        for n, cmd in SHIPPED.items():
            prog = cmd[1] if cmd[0] in ("/usr/bin/python3", "php", "node",
                                        "perl", "sh") else cmd[0]
            if os.path.exists(os.path.join(TOP, prog)):
                drivers.append((n, cmd))
    return drivers, observe_path


def main():
    drivers, observe_path = parse_args(sys.argv[1:])
    in_private_netns()
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    scratch = tempfile.mkdtemp(prefix="ga-driver-check.")
    server = Server(scratch)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
    try:
        try:
            server.install()
            server.start()
        except RuntimeError as e:
            report(False, "a private mariadbd", str(e))
            drivers = []
        for name, argv in drivers:
            try:
                check_driver(name, argv, server, scratch)
            except RuntimeError as e:
                report(False, name + ": harness", str(e))
            if server.proc is None or server.proc.poll() is not None:
                server.start()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    if observe_path:
        with open(observe_path, "w") as f:
            for o in observations:
                f.write(json.dumps(o) + "\n")
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
