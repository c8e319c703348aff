#!/usr/bin/python3
# mutant-hang-silent.py - a client driver written to be wrong, for
# t0193-explore-mutants: the shipped PyMySQL driver, but once a streamed result
# has begun (its first row read), its fetch reads the rest with no
# timeout: when the server goes silent mid-result, it waits forever past
# the connection's read_timeout.  goneaway explore must find it as a
# hang past timeout, naming the point and the time.
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402


class HangSilent(driver.PyMySQL):
    def do_fetch(self, req):
        if self.stream_cur is not None and self.conn is not None:
            # the mutation: the read timeout dropped mid-result
            # (PyMySQL sets the socket's timeout to it at each read)
            self.conn._read_timeout = None
        return super().do_fetch(req)


if __name__ == "__main__":
    gadriver.serve(HangSilent())
