#!/usr/bin/python3
"""SQLAlchemy pool driver for goneaway (docs/driver-protocol.md, protocol 4
with the feature "pool").

A connection of a pool (docs/scenario-format.md, "pool NAME ...") is an
Engine of SQLAlchemy 1.4 over PyMySQL, with its QueuePool: connect makes
it (create_engine, which opens nothing yet), borrow is engine.connect()
(a Connection holding one pooled DBAPI connection until return:
Connection.close(), which gives it back after its reset-on-return
rollback), evict is Connection.invalidate(), and a query with nothing
borrowed runs in a Connection of its own, as `with engine.connect()`
does.  A plain connection (no pool=) is the pymysql driver's.

The pool's settings: size is pool_size (max_overflow=0), pre_ping
pool_pre_ping, recycle pool_recycle (in seconds, ms kept).  QueuePool has
no idle timeout and no validation query of its own (its pre-ping is the
dialect's do_ping): those are unsupported.

What the pool did, seen where SQLAlchemy says it: its pool events
("connect": opened; "invalidate": discarded, with the exception), its
pool logger ("exceeded timeout; recycling": expired; a warning or an
error: error) and the dialect's do_ping as the pool calls it for a
pre-ping (True: revalidated).  Nothing is changed: each is passed on.

Needs Debian's python3-sqlalchemy (1.4.46) and python3-pymysql, run by
Debian's /usr/bin/python3.
"""

import importlib.util
import logging
import os
import ssl
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "pylib"))

import pymysql                                          # noqa: E402
import sqlalchemy                                       # noqa: E402
from sqlalchemy import event, exc                       # noqa: E402
from sqlalchemy.pool import QueuePool                   # noqa: E402

import gadriver                                         # noqa: E402
import pymysqlerr                                       # noqa: E402
import pymysqlinfile                                    # noqa: E402
from gadriver import Unsupported, text, truthy          # noqa: E402

# the pymysql driver's connect arguments (drivers/pymysql/driver.py)
_spec = importlib.util.spec_from_file_location(
    "goneaway_pymysql_driver", os.path.join(HERE, "..", "pymysql",
                                            "driver.py"))
pymysql_driver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pymysql_driver)

PLAIN = ("sqlalchemy is SQLAlchemy's pool: a plain connection (no pool=) "
         "is the pymysql driver's (--client pymysql)")
RUNS = ("the sqlalchemy driver runs connect, query, borrow, return, evict "
        "and close on a pool's connection")


class PoolLog(logging.Handler):
    """What SQLAlchemy's pool logger says: a recycle (expired), a
    warning or an error of its own (error)."""

    def __init__(self, sess):
        super().__init__(logging.DEBUG)
        self.sess = sess

    def emit(self, record):
        msg = record.getMessage()
        if "exceeded timeout; recycling" in msg:
            conn = record.args[0] if record.args else None
            self.sess.add("expired", conn, "pool_recycle: exceeded timeout; recycling")
        elif record.levelno >= logging.WARNING:
            self.sess.add("error", None, msg.splitlines()[0][:160])


def thread_of(dbapi_conn):
    try:
        return int(dbapi_conn.thread_id() or 0)
    except Exception:
        return 0


class SQLAlchemyPool(gadriver.Session):
    name = "sqlalchemy"
    library = "SQLAlchemy %s (QueuePool) over PyMySQL %s" % (
        sqlalchemy.__version__, pymysql.__version__)
    version = sqlalchemy.__version__
    protocol = gadriver.PROTOCOL
    features = gadriver.FEATURES + ["pool"]
    unsupported_steps = {
        "ping": "SQLAlchemy has no ping of its own: its pre-ping is the "
                "pool's (pool pre_ping=on)",
        "prepare": "PyMySQL has no server-side prepared statements",
        "execute": "PyMySQL has no server-side prepared statements",
        "long-data": "PyMySQL has no mysql_stmt_send_long_data",
        "stream": RUNS + "; a streamed result is the pymysql driver's",
        "fetch": RUNS + "; a streamed result is the pymysql driver's",
        "fork": RUNS + "; fork is the pymysql driver's",
        "reset": "PyMySQL has no COM_RESET_CONNECTION (the pool's reset "
                 "on return is a rollback)",
        "change-user": "PyMySQL has no COM_CHANGE_USER",
        "sqlstate": "PyMySQL drops the SQLSTATE of the server's error "
                    "packet",
    }
    errors = (exc.SQLAlchemyError, pymysql.err.Error)

    def __init__(self):
        super().__init__()
        self.held = None        # the borrowed Connection, or None
        self.held_thread = 0    # its thread, or the last one borrowed
        self.events = []
        self.pinging = False
        self.log = PoolLog(self)
        lg = logging.getLogger("sqlalchemy.pool")
        lg.setLevel(logging.DEBUG)      # the pre-ping's debug lines too
        lg.addHandler(self.log)
        lg.propagate = False

    def end_case(self):
        """The pool disposed of and its connections closed, and the
        pool's logger given back as the greeting found it (a handler of
        each case's would pile up on the logger)."""
        try:
            self.close_engine()
        except Exception:
            pass
        lg = logging.getLogger("sqlalchemy.pool")
        lg.removeHandler(self.log)
        super().end_case()

    def add(self, what, dbapi_conn, detail=None):
        e = {"event": what}
        t = thread_of(dbapi_conn) if dbapi_conn is not None else 0
        if t:
            e["thread"] = t
        if detail:
            e["detail"] = detail[:200]
        self.events.append(e)

    def pool_events(self):
        e, self.events = self.events, []
        return e

    def thread_id(self):
        return self.held_thread

    def error_fields(self, e):
        if isinstance(e, exc.DBAPIError) and isinstance(
                e.orig, pymysql.err.Error):
            f = pymysqlerr.error_fields(e.orig)
            f["error_class"] = "sqlalchemy.exc." + type(e).__name__
            return f
        if isinstance(e, pymysql.err.Error):
            return pymysqlerr.error_fields(e)
        return {"errno": 0, "message": str(e).splitlines()[0],
                "error_class": "sqlalchemy.exc." + type(e).__name__}

    # -- the pool
    def do_connect(self, req):
        pool = req.get("pool")
        if pool is None:
            raise Unsupported(PLAIN)
        if pool.get("idle_timeout_ms") is not None:
            raise Unsupported("SQLAlchemy's QueuePool has no idle timeout "
                              "(pool_recycle is its age limit)")
        if pool.get("validation") is not None:
            raise Unsupported("SQLAlchemy's pre-ping is the dialect's "
                              "do_ping (PyMySQL's ping), no query of "
                              "one's own")
        o = req.get("options") or {}
        if truthy(o.get("reconnect")):
            raise Unsupported("a pool's connection has no reconnect of "
                              "its own (PyMySQL reconnects only in "
                              "ping(reconnect=True))")
        self.close_engine()
        kw = pymysql_driver.connect_kwargs(req, self.library)
        tls = o.get("tls")
        dirs = gadriver.infile_dirs(o)

        def creator():
            c = pymysqlinfile.bound(pymysql.connect(**kw), dirs)
            if tls == "required" and not isinstance(c._sock,
                                                    ssl.SSLSocket):
                c.close()
                raise pymysql.err.OperationalError(
                    0, "TLS required but the server offers none (PyMySQL "
                    "connected without TLS)")
            return c

        args = {"creator": creator, "poolclass": QueuePool,
                "max_overflow": 0}
        self.api = "create_engine(QueuePool"
        if pool.get("size") is not None:
            args["pool_size"] = int(pool["size"])
            self.api += ", pool_size"
        if pool.get("pre_ping") is not None:
            args["pool_pre_ping"] = bool(pool["pre_ping"])
            self.api += ", pool_pre_ping"
        if pool.get("recycle_ms") is not None:
            args["pool_recycle"] = pool["recycle_ms"] / 1000.0
            self.api += ", pool_recycle"
        self.api += ")"
        engine = sqlalchemy.create_engine("mysql+pymysql://", **args)
        event.listen(engine.pool, "connect", self.on_connect)
        event.listen(engine.pool, "invalidate", self.on_invalidate)
        ping = engine.dialect.do_ping

        def do_ping(dbapi_conn):
            """The pool's pre-ping, passed on: its answer is the
            pool's check of a connection it lends."""
            ok = ping(dbapi_conn)
            if ok:
                self.add("revalidated", dbapi_conn, "pool_pre_ping")
            return ok
        engine.dialect.do_ping = do_ping
        self.conn = engine
        self.held = None
        self.held_thread = 0
        return {}

    def on_connect(self, dbapi_conn, record):
        self.add("opened", dbapi_conn)

    def on_invalidate(self, dbapi_conn, record, e):
        self.add("discarded", dbapi_conn, "%s: %s" % (
            type(e).__name__, str(e).splitlines()[0][:120]) if e is not None
            else "invalidate()")

    def close_engine(self):
        if self.held is not None:
            try:
                self.held.close()
            except Exception:
                pass
        self.held = None
        if self.conn is not None:
            try:
                self.conn.dispose()
            except Exception:
                pass
        self.conn = None

    def dbapi_thread(self, c):
        try:
            return thread_of(c.connection.dbapi_connection)
        except Exception:
            return 0

    def do_borrow(self, req):
        if self.held is not None:
            raise gadriver.NotConnected("a connection is borrowed already: "
                                        "return or evict it first")
        self.api = "engine.connect"
        self.held = self.conn.connect()
        self.held_thread = self.dbapi_thread(self.held)
        return {}

    def do_return(self, req):
        if self.held is None:
            raise gadriver.NotConnected("no borrowed connection to return")
        self.api = "Connection.close"
        c, self.held = self.held, None
        c.close()
        return {}

    def do_evict(self, req):
        if self.held is None:
            raise gadriver.NotConnected("no borrowed connection to evict")
        self.api = "Connection.invalidate"
        c, self.held = self.held, None
        try:
            c.invalidate()
        finally:
            self.held_thread = 0
            c.close()
        return {}

    def run(self, c, sql):
        self.api = "Connection.exec_driver_sql"
        res = c.exec_driver_sql(sql)
        row = res.fetchone() if res.returns_rows else None
        res.close()
        return {"value": text(row[0])} if row else {}

    def do_query(self, req):
        sql = req.get("sql", "")
        if self.held is not None:
            rep = self.run(self.held, sql)
            t = self.dbapi_thread(self.held)
            if t:
                self.held_thread = t
            return rep
        self.api = "engine.connect"
        with self.conn.connect() as c:
            t = self.dbapi_thread(c)
            if t:
                self.held_thread = t
            return self.run(c, sql)

    def do_close(self, req):
        self.api = "engine.dispose"
        self.close_engine()
        self.held_thread = 0
        return {}


if __name__ == "__main__":
    gadriver.serve(SQLAlchemyPool())
