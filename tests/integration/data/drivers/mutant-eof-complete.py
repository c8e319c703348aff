#!/usr/bin/python3
# mutant-eof-complete.py - a client driver written to be wrong, for
# t0209-explore-fin: the shipped PyMySQL driver, but a fetch whose
# connection ends cleanly (its read returns 0 bytes: the server's FIN)
# after it has read rows says it succeeded, with the rows it read as its
# value: the end of the stream taken for the end of the result.  A reset
# or a read timeout still fails the fetch, so only explore's FIN finds
# it, naming the point; the scenario it writes must FAIL it.
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402
from pymysql import err                                 # noqa: E402


def ended_cleanly(e):
    # PyMySQL's _read_bytes raises 2013 with no cause when the read came
    # short (end of file); a socket error (a reset, a timeout) is its
    # cause, and named in the message
    return (isinstance(e, err.OperationalError) and e.args and
            e.args[0] == 2013 and e.__cause__ is None and
            e.__context__ is None)


class EofComplete(driver.PyMySQL):
    def do_fetch(self, req):
        try:
            return super().do_fetch(req)
        except self.errors as e:
            if self.rows == 0 or not ended_cleanly(e):
                raise
            # the mutation: the rows read before the end of the stream,
            # reported as the whole
            return {"value": str(self.rows)}


if __name__ == "__main__":
    gadriver.serve(EofComplete())
