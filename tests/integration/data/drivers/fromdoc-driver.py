#!/usr/bin/python3
"""goneaway client driver for PyMySQL, protocol 1 (no features).

Written from docs/driver-protocol.md alone.  One JSON request per line on
stdin, one JSON reply per line on stdout; diagnostics on stderr.

Kept as written (issue 41, 2026-11-27): a reader who had seen nothing of
the project but that document and PyMySQL's source wrote it, checked
only with `goneaway driver-test`.  t0097 runs driver-test on it, and
t0146 compares its verdicts over the shipped suite with the shipped
PyMySQL driver's at protocol 1.  Mend the document, not this file, when
they part.
"""
import json
import os
import platform
import select
import signal
import ssl
import sys
import time

import pymysql
import pymysql.cursors
from pymysql import converters
from pymysql.constants import CLIENT, CR, ER

PYMYSQL_VERSION = pymysql.VERSION_STRING


def log(*a):
    try:
        print("fromdoc-driver:", *a, file=sys.stderr, flush=True)
    except Exception:
        pass


# errno -> symbolic name, as the connector knows them
ERROR_NAMES = {}
for _mod, _prefix in ((CR, ""), (ER, "ER_")):
    for _k, _v in vars(_mod).items():
        if not _k.isupper() or not isinstance(_v, int):
            continue
        if _k.endswith("_FIRST") or _k.endswith("_LAST") or _k.startswith("CR_MIN") or _k.startswith("CR_MAX"):
            continue
        name = _prefix + _k if not _k.startswith(_prefix) else _k
        ERROR_NAMES.setdefault(_v, name)

# encoders kept (PyMySQL needs them for its own SET AUTOCOMMIT), decoders
# dropped: values come back as the server's text (bytes, decoded below).
CONV = {k: v for k, v in converters.conversions.items() if not isinstance(k, int)}

UNSUPPORTED = {
    "prepare": "PyMySQL has no server-side prepared statements (it interpolates parameters into the SQL text)",
    "execute": "PyMySQL has no server-side prepared statements",
    "long-data": "PyMySQL has no mysql_stmt_send_long_data (no server-side prepared statements)",
    "reset": "PyMySQL 1.0 has no COM_RESET_CONNECTION",
    "change-user": "PyMySQL has no COM_CHANGE_USER",
    "sqlstate": "PyMySQL drops the SQLSTATE of the server's error packet",
}

OUT = sys.stdout.buffer


def clean(s):
    """str with no lone surrogate (strict JSON on the other side)."""
    if s is None:
        return None
    if isinstance(s, (bytes, bytearray)):
        return bytes(s).decode("utf-8", "replace")
    if not isinstance(s, str):
        s = str(s)
    return s.encode("utf-8", "replace").decode("utf-8", "replace")


def text(v):
    if v is None:
        return None
    return clean(v)


def send(obj):
    line = json.dumps(obj, ensure_ascii=True, allow_nan=False, separators=(",", ":")) + "\n"
    OUT.write(line.encode("ascii"))
    OUT.flush()


def class_name(e):
    n = type(e).__name__
    n = "".join(c for c in n if 33 <= ord(c) <= 126)[:63]
    return n or "Error"


def error_fields(e):
    errno = 0
    msg = ""
    if isinstance(e, pymysql.err.MySQLError) and e.args:
        if isinstance(e.args[0], int) and not isinstance(e.args[0], bool):
            errno = e.args[0]
            msg = e.args[1] if len(e.args) > 1 else ""
        else:
            msg = " ".join(str(a) for a in e.args)
    else:
        msg = str(e)
    if not (0 <= errno <= 65535):
        msg = "errno %d: %s" % (errno, msg)
        errno = 0
    d = {"result": "error", "errno": errno, "message": clean(msg),
         "error_class": class_name(e)}
    if errno and errno in ERROR_NAMES:
        d["error_name"] = ERROR_NAMES[errno]
    return d


class StepError(Exception):
    """An error the driver itself reports (errno 0)."""

    def __init__(self, cls, msg, api="driver"):
        super().__init__(msg)
        self.cls = cls
        self.api = api


class Driver:
    def __init__(self):
        self.conn = None        # the connector's connection object (open or closed by `close`)
        self.closed = False     # True after a `close`: use after close
        self.reconnect = False
        self.stream_cur = None  # the SSCursor of the last `stream`

    # ---- helpers ----
    def thread(self):
        if self.conn is None or self.closed:
            return 0
        try:
            t = int(self.conn.thread_id())
        except Exception:
            return 0
        return t if 0 <= t <= 2 ** 53 else 0

    # ---- steps ----
    def do_connect(self, req, reply):
        opts = req.get("options") or {}
        if self.conn is not None and not self.closed:
            try:
                self.conn.close()
            except Exception as e:
                log("close before connect:", repr(e))
        self.conn = None
        self.closed = False
        self.stream_cur = None
        reply["thread_before"] = 0

        kw = dict(user=req.get("user"), password=req.get("password") or "",
                  database=req.get("database") or None,
                  conv=CONV, use_unicode=False, autocommit=None,
                  local_infile=False)
        transport = opts.get("transport", "tcp")
        if transport == "socket":
            kw["unix_socket"] = req.get("socket")
        else:
            kw["host"] = req.get("host")
            kw["port"] = int(req.get("port") or 3306)
        ct = int(opts.get("connect_timeout") or 0)
        if ct > 0:
            kw["connect_timeout"] = ct
        rt = int(opts.get("read_timeout") or 0)
        if rt > 0:
            kw["read_timeout"] = rt
        wt = int(opts.get("write_timeout") or 0)
        if wt > 0:
            kw["write_timeout"] = wt
        mp = int(opts.get("max_allowed_packet") or 0)
        if mp > 0:
            kw["max_allowed_packet"] = mp
        flags = 0
        if opts.get("interactive"):
            flags |= CLIENT.INTERACTIVE
        kw["client_flag"] = flags
        tls = opts.get("tls", "off")
        if tls == "required":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            kw["ssl"] = ctx
        else:
            kw["ssl_disabled"] = True
        self.reconnect = bool(opts.get("reconnect"))

        reply["api"] = "pymysql.connect"
        conn = pymysql.connect(**kw)
        if tls == "required" and not isinstance(conn._sock, ssl.SSLSocket):
            try:
                conn.close()
            except Exception:
                pass
            raise StepError("TLSNotUsed", "tls=required but the server did not negotiate TLS "
                            "(PyMySQL fell back to plain TCP)", "pymysql.connect")
        self.conn = conn
        reply["result"] = "ok"

    def need_conn(self):
        if self.conn is None:
            raise StepError("NotConnected", "not connected")

    def do_query(self, req, reply):
        self.need_conn()
        reply["api"] = "cursor.execute"
        cur = self.conn.cursor(pymysql.cursors.Cursor)
        cur.execute(req.get("sql", ""))
        rows = cur.fetchall()
        value_set = False
        if rows:
            reply["value"] = text(rows[0][0]) if len(rows[0]) else None
            value_set = True
        # the whole result: every result set of it
        reply["api"] = "cursor.nextset"
        while cur.nextset():
            more = cur.fetchall()
            if more and not value_set:
                reply["value"] = text(more[0][0]) if len(more[0]) else None
                value_set = True
        reply["api"] = "cursor.execute"
        reply["result"] = "ok"

    def do_ping(self, req, reply):
        self.need_conn()
        reply["api"] = "connection.ping(reconnect=%s)" % self.reconnect
        self.conn.ping(reconnect=self.reconnect)
        if self.closed and self.conn.open:
            self.closed = False  # the connector's ping reopened it
        reply["result"] = "ok"

    def do_close(self, req, reply):
        self.need_conn()
        reply["api"] = "connection.close"
        was_closed = self.closed
        tid = 0
        if not was_closed:
            try:
                tid = int(self.conn.thread_id())
            except Exception:
                tid = 0
        self.closed = True
        self.stream_cur = None
        try:
            self.conn.close()
        finally:
            reply["thread_after"] = tid
        reply["result"] = "ok"

    def do_stream(self, req, reply):
        self.need_conn()
        reply["api"] = "sscursor.execute"
        self.stream_cur = None
        cur = self.conn.cursor(pymysql.cursors.SSCursor)
        self.stream_cur = cur
        try:
            cur.execute(req.get("sql", ""))
            reply["api"] = "sscursor.fetchone"
            row = cur.fetchone()
        except Exception:
            reply["rows"] = 0
            raise
        if row is not None:
            reply["value"] = text(row[0]) if len(row) else None
        reply["result"] = "ok"

    def do_fetch(self, req, reply):
        self.need_conn()
        reply["api"] = "sscursor.fetchone"
        cur = self.stream_cur
        if cur is None:
            raise StepError("NoStream", "fetch without a stream before it")
        n = 0
        try:
            while True:
                row = cur.fetchone()
                if row is None:
                    break
                n += 1
        except Exception:
            reply["rows"] = n
            raise
        self.stream_cur = None
        reply["value"] = str(n)
        reply["result"] = "ok"

    def do_fork(self, req, reply):
        self.need_conn()
        mode = req.get("mode")
        reply["api"] = "os.fork"
        if mode not in ("close", "exit", "share"):
            raise StepError("BadRequest", "unknown fork mode %r" % (mode,))
        sys.stdout.flush()
        sys.stderr.flush()
        if mode in ("close", "exit"):
            pid = os.fork()
            if pid == 0:
                code = 0
                try:
                    set_pdeathsig()
                    if mode == "close":
                        self.conn.close()
                except BaseException as e:
                    log("fork child close:", repr(e))
                    code = 1
                os._exit(code)
            _, status = os.waitpid(pid, 0)
            reply["result"] = "ok"
            reply["message"] = "child %s the connection and exited (status %d)" % (
                "closed" if mode == "close" else "did not touch", status)
            return
        self.fork_share(int(req.get("count") or 1), reply)

    def share_loop(self, who, n, other_done):
        """run SELECT 'who:i' at least n times, and on while other_done() is False
        (at most 10 s more). Returns tally dict."""
        t = {"right": 0, "wrong": 0, "first_wrong": None, "error": None}
        i = 0
        deadline = None
        while True:
            if i >= n:
                if other_done():
                    break
                if deadline is None:
                    deadline = time.monotonic() + 10
                elif time.monotonic() > deadline:
                    break
            asked = "%s:%d" % (who, i)
            try:
                cur = self.conn.cursor(pymysql.cursors.Cursor)
                cur.execute("SELECT '%s'" % asked)
                rows = cur.fetchall()
                got = text(rows[0][0]) if rows and len(rows[0]) else None
            except Exception as e:
                t["error"] = error_fields(e)
                t["error"]["api"] = "cursor.execute"
                break
            if got == asked:
                t["right"] += 1
            else:
                t["wrong"] += 1
                if t["first_wrong"] is None:
                    t["first_wrong"] = "asked '%s', got %s" % (
                        asked, "NULL" if got is None else "'%s'" % got)
            i += 1
        t["ran"] = i
        return t

    def fork_share(self, n, reply):
        ready_r, ready_w = os.pipe()      # child -> parent: ready byte
        tally_r, tally_w = os.pipe()      # child -> parent: its tally
        pdone_r, pdone_w = os.pipe()      # parent closes after its n
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                set_pdeathsig()
                os.close(ready_r)
                os.close(tally_r)
                os.close(pdone_w)

                def parent_done():
                    r, _, _ = select.select([pdone_r], [], [], 0)
                    return bool(r)
                os.write(ready_w, b"r")
                os.close(ready_w)
                t = self.share_loop("child", n, parent_done)
                data = json.dumps(t).encode()
                while data:
                    k = os.write(tally_w, data)
                    data = data[k:]
                os.close(tally_w)
            except BaseException as e:
                log("fork share child:", repr(e))
                code = 1
            os._exit(code)
        os.close(ready_w)
        os.close(tally_w)
        os.close(pdone_r)
        try:
            os.read(ready_r, 1)  # or EOF: a child that died
        finally:
            os.close(ready_r)
        buf = bytearray()
        eof = [False]

        def poll_tally(timeout=0):
            if eof[0]:
                return True
            r, _, _ = select.select([tally_r], [], [], timeout)
            if r:
                chunk = os.read(tally_r, 65536)
                if not chunk:
                    eof[0] = True
                else:
                    buf.extend(chunk)
            return eof[0]

        state = {"closed": False}

        def child_done():
            if not state["closed"]:
                pass
            return poll_tally(0)

        # the parent's loop: closes pdone_w once its n are done
        orig_n = n
        t = {"right": 0, "wrong": 0, "first_wrong": None, "error": None}
        i = 0
        deadline = None
        while True:
            if i >= orig_n:
                if not state["closed"]:
                    os.close(pdone_w)
                    state["closed"] = True
                if child_done():
                    break
                if deadline is None:
                    deadline = time.monotonic() + 10
                elif time.monotonic() > deadline:
                    break
            asked = "parent:%d" % i
            try:
                cur = self.conn.cursor(pymysql.cursors.Cursor)
                cur.execute("SELECT '%s'" % asked)
                rows = cur.fetchall()
                got = text(rows[0][0]) if rows and len(rows[0]) else None
            except Exception as e:
                t["error"] = error_fields(e)
                t["error"]["api"] = "cursor.execute"
                break
            if got == asked:
                t["right"] += 1
            else:
                t["wrong"] += 1
                if t["first_wrong"] is None:
                    t["first_wrong"] = "asked '%s', got %s" % (
                        asked, "NULL" if got is None else "'%s'" % got)
            i += 1
        t["ran"] = i
        if not state["closed"]:
            os.close(pdone_w)
        while not poll_tally(None):
            pass
        os.close(tally_r)
        os.waitpid(pid, 0)
        try:
            ct = json.loads(bytes(buf).decode()) if buf else None
        except Exception:
            ct = None
        if ct is None:
            ct = {"right": 0, "wrong": 0, "first_wrong": None,
                  "error": None, "ran": 0, "died": True}
        tallies = "parent: %d right, %d wrong of %d; child: %d right, %d wrong of %d%s" % (
            t["right"], t["wrong"], t["ran"], ct.get("right", 0), ct.get("wrong", 0),
            ct.get("ran", 0), " (child died without a tally)" if ct.get("died") else "")
        reply["api"] = "cursor.execute"
        if t["first_wrong"] or ct.get("first_wrong"):
            reply["result"] = "wrong-result"
            reply["value"] = t["first_wrong"] or ct.get("first_wrong")
            reply["message"] = tallies
        elif t["error"] or ct.get("error"):
            e = t["error"] or ct.get("error")
            who = "parent" if t["error"] else "child"
            reply.update(e)
            reply["message"] = "%s: %s (%s)" % (who, e.get("message", ""), tallies)
        else:
            reply["result"] = "ok"
            reply["message"] = tallies


def set_pdeathsig():
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


STEPS = {
    "connect": Driver.do_connect,
    "query": Driver.do_query,
    "ping": Driver.do_ping,
    "close": Driver.do_close,
    "stream": Driver.do_stream,
    "fetch": Driver.do_fetch,
    "fork": Driver.do_fork,
}


def handle(drv, req):
    rid = req.get("id")
    step = req.get("step")
    if step in UNSUPPORTED:
        return {"id": rid, "result": "unsupported", "message": UNSUPPORTED[step]}
    fn = STEPS.get(step) if isinstance(step, str) else None
    if fn is None:
        return {"id": rid, "result": "unsupported",
                "message": "this driver (protocol 1) does not know the step %r" % (step,)}
    reply = {"id": rid}
    use_after_close = drv.conn is not None and drv.closed and step != "connect"
    reply["thread_before"] = drv.thread()
    t0 = time.monotonic()
    try:
        fn(drv, req, reply)
    except StepError as e:
        reply.update({"result": "error", "errno": 0, "message": clean(str(e)),
                      "error_class": e.cls, "api": e.api})
    except Exception as e:
        reply.update(error_fields(e))
        reply.setdefault("api", step)
        log("step %s (id %s): %r" % (step, rid, e))
    reply["elapsed_ms"] = round((time.monotonic() - t0) * 1000.0, 3)
    if "thread_after" not in reply:
        reply["thread_after"] = drv.thread()
    if use_after_close and step != "ping":
        reply["thread_before"] = 0
        reply["thread_after"] = 0
    if "result" not in reply:
        reply["result"] = "ok"
    return reply


def main():
    send({"hello": "goneaway-driver", "protocol": 1, "driver": "pymysql",
          "library": "PyMySQL " + PYMYSQL_VERSION, "version": PYMYSQL_VERSION,
          "runtime": "Python " + platform.python_version(),
          "unsupported": UNSUPPORTED})
    drv = Driver()
    inp = sys.stdin.buffer
    while True:
        line = inp.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            req = json.loads(line.decode("utf-8"))
            if not isinstance(req, dict):
                raise ValueError("not an object")
        except Exception as e:
            log("unreadable request line:", repr(e))
            continue
        try:
            reply = handle(drv, req)
        except BaseException as e:  # never die on a request
            log("internal error:", repr(e))
            reply = {"id": req.get("id"), "result": "error", "errno": 0,
                     "error_class": class_name(e), "message": clean(str(e)),
                     "api": "driver"}
        send(reply)
    OUT.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
