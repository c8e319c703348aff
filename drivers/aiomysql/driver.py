#!/usr/bin/python3
"""aiomysql driver for goneaway (docs/driver-protocol.md).

Needs Debian's python3-aiomysql (aiomysql 0.1.1, asyncio over PyMySQL
1.0.2), run by Debian's /usr/bin/python3.  The request loop is
gadriver's, one request at a time: each step runs the connector's
coroutines to their end on one event loop of the driver's own.

aiomysql has no read timeout of its own: an asyncio application bounds an
await with asyncio.wait_for, and so does this driver with read_timeout,
around each awaited call of the connector (execute, each fetch, ping).
When it fires, aiomysql's read is cancelled and it closes the connection
("Cancelled during execution"), as it does for any cancelled read.
"""

import asyncio
import inspect
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "pylib"))

import aiomysql                                         # noqa: E402
import aiomysql.connection                              # noqa: E402
import pymysql                                          # noqa: E402
from pymysql.constants import CLIENT                    # noqa: E402

import gadriver                                         # noqa: E402
import pymysqlerr                                       # noqa: E402
import pymysqlinfile                                    # noqa: E402
from gadriver import Unsupported, text, truthy          # noqa: E402

# aiomysql sends whatever file a server names, local_infile or not: its
# sender opens only beneath the connection's directories
pymysqlinfile.install_aiomysql(aiomysql.connection)

# aiomysql.connect()'s parameters (driver_options may name them), less
# those the connection's own options set and those that are no text
# (loop, cursorclass) or read configuration files
KNOWN = set(inspect.signature(aiomysql.connect).parameters)
TAKEN = {"host", "port", "user", "password", "db", "unix_socket",
         "connect_timeout", "client_flag", "ssl", "conv", "autocommit",
         "read_default_file", "read_default_group", "loop", "cursorclass",
         "local_infile"}


class AioMySQL(gadriver.Session):
    name = "aiomysql"
    library = "aiomysql %s (PyMySQL %s)" % (aiomysql.__version__,
                                            pymysql.__version__)
    version = aiomysql.__version__
    unsupported_steps = {
        "prepare": "aiomysql has no server-side prepared statements "
                   "(parameters are escaped into the SQL text)",
        "execute": "aiomysql has no server-side prepared statements",
        "long-data": "aiomysql has no mysql_stmt_send_long_data",
        "reset": "aiomysql has no COM_RESET_CONNECTION",
        "change-user": "aiomysql has no COM_CHANGE_USER",
        "fork": "asyncio: a forked child would share the parent's event "
                "loop (its epoll instance), which Python 3.11 does not "
                "renew on fork",
        # a reply member, not a step (docs/driver-protocol.md)
        "sqlstate": "aiomysql (PyMySQL's errors) drops the SQLSTATE of "
                    "the server's error packet",
    }
    # a read bounded by read_timeout that ran out: asyncio.TimeoutError
    errors = (pymysql.err.Error, asyncio.TimeoutError)
    query_api = "cursor.execute"

    # one event loop for the process, as its runtime: a loop's self-pipe
    # is a socket pair, and a loop made per case would leave a kept
    # process holding sockets its greeting did not (end_case empties it)
    loop = None
    stale_loops = []

    def __init__(self):
        super().__init__()
        if AioMySQL.loop is None:
            AioMySQL.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(AioMySQL.loop)
        self.loop = AioMySQL.loop
        self.reconnect = False
        self.read_timeout = None
        self.stream_cur = None

    def spawned(self):
        # the zygote's loop: its epoll instance and self-pipe were closed
        # with every other descriptor; kept, never closed (closing it
        # would close numbers the new one may reuse), and a loop of this
        # copy's own is made by its first session
        AioMySQL.stale_loops.append(AioMySQL.loop)
        AioMySQL.loop = None

    def thread_id(self):
        return self.conn.thread_id()

    def error_fields(self, e):
        if isinstance(e, asyncio.TimeoutError):
            return {"errno": 0, "error_class": "TimeoutError",
                    "message": "asyncio.wait_for: no answer within "
                               "read_timeout (%g s)" % self.read_timeout}
        f = pymysqlerr.error_fields(e)
        # aiomysql turns every failure of its connect into 2003 "Can't
        # connect": the reason is the exception it came from
        if f["errno"] == 2003 and e.__cause__ is not None:
            f["message"] += " (from %s: %s)" % (type(e.__cause__).__name__,
                                                 e.__cause__)
        return f

    def end_case(self):
        """The connections closed (gadriver), then whatever the case left
        scheduled on the event loop cancelled and run to its end."""
        super().end_case()
        try:
            tasks = asyncio.all_tasks(self.loop)
            for t in tasks:
                t.cancel()
            if tasks:
                self.loop.run_until_complete(asyncio.gather(
                    *tasks, return_exceptions=True))
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        except Exception:
            pass

    def run(self, coro):
        return self.loop.run_until_complete(coro)

    def bounded(self, aw):
        """An await of the connector, bounded by read_timeout."""
        if self.read_timeout:
            return asyncio.wait_for(aw, self.read_timeout)
        return aw

    def do_connect(self, req):
        o = req.get("options") or {}
        if self.conn is not None:
            self.close_quietly()
        if o.get("write_timeout"):
            raise Unsupported("aiomysql has no write timeout (its writes "
                              "go to asyncio's buffer)")
        if o.get("max_allowed_packet"):
            raise Unsupported("aiomysql 0.1.1 has no max_allowed_packet "
                              "parameter")
        gadriver.no_keepalive(o, "aiomysql 0.1.1 has no option for TCP "
                              "keepalive (its asyncio transport keeps the "
                              "kernel's default: none)")
        kw = {"user": req.get("user"), "password": req.get("password") or "",
              "db": req.get("database") or None,
              "conv": {},               # values as the server's text
              "autocommit": None,       # the server's: no SET at connect
              "loop": self.loop}
        if o.get("transport", "tcp") == "socket":
            kw["unix_socket"] = req.get("socket")
        else:
            kw["host"] = req.get("host")
            kw["port"] = int(req.get("port") or 3306)
        if o.get("connect_timeout"):
            kw["connect_timeout"] = int(o["connect_timeout"])
        if truthy(o.get("interactive")):
            kw["client_flag"] = CLIENT.INTERACTIVE
        tls = o.get("tls", "off")
        if tls == "required":
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            kw["ssl"] = ctx
        elif tls not in ("off", None):
            raise Unsupported("tls=%s" % tls)
        # tls=off: aiomysql uses TLS only when given an ssl context
        kw.update(gadriver.driver_kwargs(
            o.get("driver_options"), TAKEN, KNOWN, self.library))
        # last: LOAD DATA LOCAL as the connection says
        dirs = gadriver.infile_dirs(o)
        kw["local_infile"] = bool(dirs)
        self.reconnect = truthy(o.get("reconnect"))
        self.read_timeout = int(o["read_timeout"]) if o.get(
            "read_timeout") else None
        self.api = "aiomysql.connect"
        self.conn = pymysqlinfile.bound(self.run(aiomysql.connect(**kw)),
                                        dirs)
        if (tls == "required" and
                self.conn._writer.get_extra_info("ssl_object") is None):
            # aiomysql goes on in plain TCP when the server offers no
            # TLS: "required" is the driver's check, not the connector's
            self.close_quietly()
            raise pymysql.err.OperationalError(
                0, "TLS required but the server offers none (aiomysql "
                "connected without TLS)")
        return {}

    def close_quietly(self):
        try:
            self.conn.close()
        except Exception:
            pass
        self.conn = None
        self.stream_cur = None

    async def _query(self, sql):
        self.api = "cursor.execute"
        cur = await self.conn.cursor()
        await self.bounded(cur.execute(sql))
        self.api = "cursor.fetchone"
        row = await self.bounded(cur.fetchone())
        await cur.close()
        return row

    def query_value(self, sql):
        row = self.run(self._query(sql))
        return text(row[0]) if row else None

    def do_query(self, req):
        row = self.run(self._query(req.get("sql", "")))
        return {"value": text(row[0])} if row else {}

    def do_ping(self, req):
        self.api = "conn.ping(reconnect=%s)" % self.reconnect
        self.run(self.bounded(self.conn.ping(reconnect=self.reconnect)))
        return {}

    def do_close(self, req):
        # COM_QUIT, then the socket (close() alone sends nothing)
        self.api = "conn.ensure_closed"
        try:
            self.run(self.conn.ensure_closed())
        finally:
            self.conn = None
            self.stream_cur = None
        return {}

    async def _stream(self, sql):
        self.api = "SSCursor.execute"
        self.stream_cur = await self.conn.cursor(aiomysql.SSCursor)
        await self.bounded(self.stream_cur.execute(sql))
        self.api = "SSCursor.fetchone"
        return await self.bounded(self.stream_cur.fetchone())

    def do_stream(self, req):
        # a stream that fails at its query read no row: rows = 0
        self.rows = 0
        row = self.run(self._stream(req.get("sql", "")))
        return {"value": text(row[0])} if row else {}

    async def _fetch(self, cur, batch, every):
        if every <= 0 or batch <= 0:
            while await self.bounded(cur.fetchone()) is not None:
                self.rows += 1
        else:
            self.api = "SSCursor.fetchmany(%d) every %g ms" % (
                batch, every * 1000)
            while True:
                got = await self.bounded(cur.fetchmany(batch))
                self.rows += len(got)
                if len(got) < batch:
                    break
                # a slow reader: the rest of the result waits on the wire
                await asyncio.sleep(every)
        await cur.close()

    def do_fetch(self, req):
        if self.stream_cur is None:
            raise gadriver.NotConnected("no stream step before fetch")
        self.api = "SSCursor.fetchone"
        self.rows = 0           # a failure reports how far it got
        cur, self.stream_cur = self.stream_cur, None
        self.run(self._fetch(cur, int(req.get("batch") or 0),
                             float(req.get("every_ms") or 0) / 1000.0))
        return {"value": str(self.rows)}


if __name__ == "__main__":
    gadriver.serve(AioMySQL())
