#!/usr/bin/python3
"""PyMySQL driver for goneaway (docs/driver-protocol.md).

Needs Debian's python3-pymysql, run by Debian's /usr/bin/python3.
"""

import inspect
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "pylib"))

import pymysql                                          # noqa: E402
import pymysql.cursors                                  # noqa: E402
from pymysql.constants import CLIENT                    # noqa: E402

import gadriver                                         # noqa: E402
import pymysqlerr                                       # noqa: E402
import pymysqlinfile                                    # noqa: E402
from gadriver import Unsupported, text, truthy          # noqa: E402

# every file the server asks for goes through the connection's bound
# (the sqlalchemy driver, which imports this one, gets it too)
pymysqlinfile.install_pymysql(pymysql)

# pymysql.connect()'s parameters (driver_options may name them), less
# those the connection's own options set
KNOWN = set(inspect.signature(
    pymysql.connections.Connection.__init__).parameters) - {"self"}
TAKEN = {"host", "port", "user", "password", "passwd", "database", "db",
         "unix_socket", "connect_timeout", "read_timeout", "write_timeout",
         "max_allowed_packet", "client_flag", "ssl", "ssl_disabled",
         "conv", "autocommit", "read_default_file", "local_infile"}


def connect_kwargs(req, library):
    """pymysql.connect()'s keyword arguments for a connect request req:
    the address, the account, the timeouts, TLS and the driver options
    (shared with the sqlalchemy driver, whose pool connects through
    PyMySQL)."""
    o = req.get("options") or {}
    kw = {"user": req.get("user"), "password": req.get("password") or "",
          "database": req.get("database") or None,
          "conv": {},               # values as the server's text
          "autocommit": None,       # the server's: no SET at connect
          "read_default_file": None}
    if o.get("transport", "tcp") == "socket":
        kw["unix_socket"] = req.get("socket")
    else:
        kw["host"] = req.get("host")
        kw["port"] = int(req.get("port") or 3306)
    for k in ("connect_timeout", "read_timeout", "write_timeout"):
        if o.get(k):
            kw[k] = int(o[k])
    if o.get("max_allowed_packet"):
        kw["max_allowed_packet"] = int(o["max_allowed_packet"])
    gadriver.no_keepalive(o, "PyMySQL has no option for TCP keepalive's "
                          "times (it turns SO_KEEPALIVE on with the "
                          "kernel's)")
    if truthy(o.get("interactive")):
        kw["client_flag"] = CLIENT.INTERACTIVE
    tls = o.get("tls", "off")
    if tls == "required":
        # what create_default_context() makes, less the system's CA
        # certificates it loads (29 ms of CPU a connect) that CERT_NONE
        # never reads
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        kw["ssl"] = ctx
    elif tls in ("off", None):
        kw["ssl_disabled"] = True
    else:
        raise Unsupported("tls=%s" % tls)
    # the connector's own options: pymysql.connect()'s parameters
    kw.update(gadriver.driver_kwargs(
        o.get("driver_options"), TAKEN, KNOWN, library))
    # last: LOAD DATA LOCAL as the connection says (the file itself is
    # opened by pymysqlinfile's sender, within its directories)
    kw["local_infile"] = bool(gadriver.infile_dirs(o))
    return kw


class PyMySQL(gadriver.Session):
    name = "pymysql"
    library = "PyMySQL %s" % pymysql.__version__
    version = pymysql.__version__
    unsupported_steps = {
        "prepare": "PyMySQL has no server-side prepared statements "
                   "(parameters are escaped into the SQL text)",
        "execute": "PyMySQL has no server-side prepared statements",
        "long-data": "PyMySQL has no mysql_stmt_send_long_data",
        "reset": "PyMySQL has no COM_RESET_CONNECTION",
        "change-user": "PyMySQL has no COM_CHANGE_USER",
        # a reply member, not a step (docs/driver-protocol.md)
        "sqlstate": "PyMySQL drops the SQLSTATE of the server's error "
                    "packet",
    }
    errors = (pymysql.err.Error,)
    query_api = "cursor.execute"

    def __init__(self):
        super().__init__()
        self.reconnect = False
        self.stream_cur = None

    def thread_id(self):
        return self.conn.thread_id()

    def error_fields(self, e):
        return pymysqlerr.error_fields(e)

    def do_connect(self, req):
        o = req.get("options") or {}
        if self.conn is not None:
            self.close_quietly()
        kw = connect_kwargs(req, self.library)
        self.reconnect = truthy(o.get("reconnect"))
        self.api = "pymysql.connect"
        self.conn = pymysqlinfile.bound(pymysql.connect(**kw),
                                        gadriver.infile_dirs(o))
        if o.get("tls") == "required" and not isinstance(self.conn._sock,
                                                ssl.SSLSocket):
            # PyMySQL falls back to plain TCP when the server offers no
            # TLS: "required" is the driver's check, not the connector's
            self.close_quietly()
            raise pymysql.err.OperationalError(
                0, "TLS required but the server offers none (PyMySQL "
                "connected without TLS)")
        return {}

    def close_quietly(self):
        try:
            if self.conn.open:
                self.conn.close()
        except Exception:
            pass
        self.conn = None
        self.stream_cur = None

    def query_value(self, sql):
        with self.conn.cursor() as cur:
            cur.execute(sql)
            row = cur.fetchone()
        return text(row[0]) if row else None

    def do_query(self, req):
        self.api = "cursor.execute"
        cur = self.conn.cursor()
        cur.execute(req.get("sql", ""))
        self.api = "cursor.fetchone"
        row = cur.fetchone()
        cur.close()
        rep = {}
        if row:
            rep["value"] = text(row[0])
        return rep

    def do_ping(self, req):
        self.api = "conn.ping(reconnect=%s)" % self.reconnect
        self.conn.ping(reconnect=self.reconnect)
        return {}

    def do_close(self, req):
        self.api = "conn.close"
        try:
            self.conn.close()
        finally:
            self.conn = None
            self.stream_cur = None
        return {}

    def close_in_child(self):
        self.conn.close()

    def do_stream(self, req):
        self.api = "SSCursor.execute"
        # a stream that fails at its query read no row: rows = 0
        self.rows = 0
        self.stream_cur = self.conn.cursor(pymysql.cursors.SSCursor)
        self.stream_cur.execute(req.get("sql", ""))
        self.api = "SSCursor.fetchone"
        row = self.stream_cur.fetchone()
        return {"value": text(row[0])} if row else {}

    def do_fetch(self, req):
        if self.stream_cur is None:
            raise gadriver.NotConnected("no stream step before fetch")
        self.api = "SSCursor.fetchone"
        self.rows = 0           # a failure reports how far it got
        cur, self.stream_cur = self.stream_cur, None
        gadriver.slow_fetch(self, cur, req)
        cur.close()
        return {"value": str(self.rows)}


if __name__ == "__main__":
    gadriver.serve(PyMySQL())
