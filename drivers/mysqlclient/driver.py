#!/usr/bin/python3
"""mysqlclient (MySQLdb over MariaDB Connector/C) driver for goneaway
(docs/driver-protocol.md).

Needs Debian's python3-mysqldb, run by Debian's /usr/bin/python3.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "pylib"))

import MySQLdb                                          # noqa: E402
import MySQLdb.cursors                                  # noqa: E402
from MySQLdb.constants import CLIENT, CR, ER           # noqa: E402

import gadriver                                         # noqa: E402
from gadriver import Unsupported, text, truthy          # noqa: E402


def _names():
    names = {}
    for prefix, mod in (("ER_", ER), ("CR_", CR)):
        for k, v in vars(mod).items():
            if k.isupper() and isinstance(v, int):
                names[v] = prefix + k
    return names


NAMES = _names()

# MySQLdb.connect()'s keywords the connection's own options set, and
# those that read an option file at connect (MYSQL_READ_DEFAULT_FILE,
# _GROUP: a "local-infile" line there would undo local_infile's)
TAKEN = {"host", "port", "user", "passwd", "password", "db", "database",
         "unix_socket", "connect_timeout", "read_timeout", "write_timeout",
         "client_flag", "ssl", "conv", "autocommit", "local_infile",
         "read_default_file", "read_default_group"}


class MySQLClient(gadriver.Session):
    name = "mysqlclient"
    library = "mysqlclient %s (MariaDB Connector/C %s)" % (
        MySQLdb.__version__, MySQLdb.get_client_info())
    version = MySQLdb.__version__
    unsupported_steps = {
        "prepare": "mysqlclient has no server-side prepared statements "
                   "(parameters are escaped into the SQL text)",
        "execute": "mysqlclient has no server-side prepared statements",
        "long-data": "mysqlclient has no mysql_stmt_send_long_data",
        "reset": "mysqlclient 1.4 has no mysql_reset_connection",
    }
    errors = (MySQLdb.Error,)
    query_api = "cursor.execute"

    def __init__(self):
        super().__init__()
        self.stream_cur = None

    def thread_id(self):
        return self.conn.thread_id()

    def error_fields(self, e):
        args = e.args
        errno = args[0] if args and isinstance(args[0], int) else 0
        f = {"errno": errno,
             "message": str(args[1]) if len(args) > 1 else str(e),
             "error_class": type(e).__name__}
        if errno in NAMES:
            f["error_name"] = NAMES[errno]
        if self.conn is not None and errno:
            try:
                f["sqlstate"] = self.conn.sqlstate()    # mysql_sqlstate()
            except Exception:
                pass
        return f

    def do_connect(self, req):
        o = req.get("options") or {}
        if self.conn is not None:
            self.close_quietly()
        kw = {"user": req.get("user"), "passwd": req.get("password") or "",
              "conv": {},               # values as the server's text
              "autocommit": None}       # the server's: no SET at connect
        if req.get("database"):
            kw["db"] = req["database"]
        if o.get("transport", "tcp") == "socket":
            kw["unix_socket"] = req.get("socket")
            kw["host"] = "localhost"
        else:
            kw["host"] = req.get("host")
            kw["port"] = int(req.get("port") or 3306)
        for k in ("connect_timeout", "read_timeout", "write_timeout"):
            if o.get(k):
                kw[k] = int(o[k])
        if o.get("max_allowed_packet"):
            raise Unsupported("mysqlclient 1.4 cannot set "
                              "MYSQL_OPT_MAX_ALLOWED_PACKET")
        gadriver.no_keepalive(o, "mysqlclient 1.4 has no option for TCP "
                              "keepalive (nor its connection's socket)")
        if truthy(o.get("interactive")):
            kw["client_flag"] = CLIENT.INTERACTIVE
        tls = o.get("tls", "off")
        if tls == "required":
            # mysql_ssl_set() with no files: TLS without verification
            kw["ssl"] = {"cipher": "DEFAULT"}
        elif tls not in ("off", None):
            raise Unsupported("tls=%s" % tls)
        # tls=off: Connector/C 3.3 uses TLS only after mysql_ssl_set()
        # the connector's own options: MySQLdb.connect()'s keywords,
        # which it checks itself (TypeError: an invalid keyword argument)
        extra = gadriver.driver_kwargs(o.get("driver_options"), TAKEN)
        kw.update(extra)
        if gadriver.infile_dirs(o):
            raise Unsupported("mysqlclient %s cannot keep LOAD DATA LOCAL "
                              "within the case's directory (MySQLdb has "
                              "no local infile handler, and Connector/C "
                              "no directory option): local_infile is not "
                              "run" % MySQLdb.__version__)
        # last: the library's local infile off (MYSQL_OPT_LOCAL_INFILE
        # 0; Connector/C's default is on), whatever an option said
        kw["local_infile"] = 0
        self.api = "MySQLdb.connect"
        try:
            self.conn = MySQLdb.connect(**kw)
        except TypeError as e:
            if not extra:
                raise
            raise Unsupported("mysqlclient %s refuses the driver options "
                              "%s: %s" % (MySQLdb.__version__,
                                          ", ".join(sorted(extra)), e))
        if truthy(o.get("reconnect")):
            # mysqlclient sets MYSQL_OPT_RECONNECT only through ping(True)
            self.api = "MySQLdb.connect + conn.ping(True)"
            self.conn.ping(True)
        return {}

    def close_quietly(self):
        try:
            self.conn.close()
        except Exception:
            pass
        self.conn = None
        self.stream_cur = None

    def query_value(self, sql):
        cur = self.conn.cursor()
        cur.execute(sql)
        row = cur.fetchone()
        cur.close()
        return text(row[0]) if row else None

    def do_query(self, req):
        self.api = "cursor.execute"
        cur = self.conn.cursor()
        cur.execute(req.get("sql", ""))
        self.api = "cursor.fetchone"
        row = cur.fetchone()
        cur.close()
        return {"value": text(row[0])} if row else {}

    def do_ping(self, req):
        self.api = "conn.ping"
        self.conn.ping()
        return {}

    def do_close(self, req):
        self.api = "conn.close"
        try:
            self.conn.close()
        finally:
            self.conn = None
            self.stream_cur = None
        return {}

    def do_change_user(self, req):
        self.api = "conn.change_user"
        args = [req.get("user"), req.get("password") or ""]
        if req.get("database"):
            args.append(req["database"])
        self.conn.change_user(*args)
        return {}

    def close_in_child(self):
        self.conn.close()

    def do_stream(self, req):
        self.api = "SSCursor.execute"
        # a stream that fails at its query read no row: rows = 0
        self.rows = 0
        self.stream_cur = self.conn.cursor(MySQLdb.cursors.SSCursor)
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
    gadriver.serve(MySQLClient())
