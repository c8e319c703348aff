#!/usr/bin/python3
# interp-driver.py - the PyMySQL driver with a "prepare" of its own: it
# keeps the statement, and "execute" interpolates the values into its
# text and runs it as a text query (COM_QUERY), as a driver written before
# docs/driver-protocol.md said that prepare is the server's did.  Every
# statement runs and succeeds, so only the server's counters tell:
# driver-test's 06-prepared.gw must FAIL it (t0097).
import os
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "..", "..", "..", "..", "drivers")
sys.path.insert(0, os.path.join(top, "pymysql"))
sys.path.insert(0, os.path.join(top, "pylib"))

import gadriver                                         # noqa: E402
from driver import PyMySQL                              # noqa: E402


class Interpolating(PyMySQL):
    name = "interp"
    unsupported_steps = {k: v for k, v in PyMySQL.unsupported_steps.items()
                         if k not in ("prepare", "execute")}

    def do_prepare(self, req):
        self.api = "kept for execute (interpolated there)"
        self.sql = req.get("sql", "")
        return {}

    def do_execute(self, req):
        values = []
        if int(req.get("blob") or 0) > 0:
            values.append("x" * int(req["blob"]))
        values += req.get("params") or []
        self.api = "cursor.execute (values interpolated)"
        with self.conn.cursor() as cur:
            cur.execute(self.sql.replace("?", "%s"), tuple(values))
        return {}


if __name__ == "__main__":
    gadriver.serve(Interpolating())
