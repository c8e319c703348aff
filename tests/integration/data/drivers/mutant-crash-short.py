#!/usr/bin/python3
# mutant-crash-short.py - a client driver written to be wrong, for
# t0193-explore-mutants: the shipped PyMySQL driver, but a packet that comes
# short (its header read, its body cut: fewer bytes than the header
# promised, or the read of them failing) kills the process with SIGSEGV,
# as a C connector that reads past a short buffer would.  goneaway
# explore must find it as a crash, naming the point and the signal.
import os
import signal
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402
from pymysql.connections import Connection              # noqa: E402

read_packet = Connection._read_packet
read_bytes = Connection._read_bytes


def _read_packet(self, *args, **kw):
    # _read_packet reads a header, then its body, and again for a packet
    # of 16 MiB or more: the read after a header is a body
    self._ga_body_next = False
    return read_packet(self, *args, **kw)


def _read_bytes(self, num_bytes):
    body = getattr(self, "_ga_body_next", False)
    self._ga_body_next = not body
    if not body:
        return read_bytes(self, num_bytes)
    try:
        return read_bytes(self, num_bytes)
    except BaseException:
        # the mutation: a packet cut short is a crash
        os.kill(os.getpid(), signal.SIGSEGV)
        raise


Connection._read_packet = _read_packet
Connection._read_bytes = _read_bytes

if __name__ == "__main__":
    gadriver.serve(driver.PyMySQL())
