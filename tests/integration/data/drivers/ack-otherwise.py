#!/usr/bin/python3
# ack-otherwise.py - the shipped PyMySQL driver whose TCP ACKs differ
# between explore's clean runs and the runs with a fault, for
# t0190-explore: the first two connections it makes (the two clean runs)
# ACK every segment they receive at once (TCP_QUICKACK on before each
# read: a bare ACK each), every later one delays its ACKs (TCP_QUICKACK
# off: they ride on its next request).  Its data are the same each time,
# so every cut of explore must land on the segment it was placed at; a
# point counted with the ACKs (conntrack's bytes) lands later.  The
# count is kept in the file $GA_ACK_COUNTER (one line per connection).
import fcntl
import os
import socket
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402
import pymysql.connections                              # noqa: E402

CLEAN_RUNS = 2


def quick_now():
    """Counts this connection; whether it is one of the clean runs'."""
    path = os.environ["GA_ACK_COUNTER"]
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        n = len(f.readlines())
        f.write("%d\n" % os.getpid())
    return n < CLEAN_RUNS


_connect = pymysql.connections.Connection.connect
_read = pymysql.connections.Connection._read_bytes


def connect(self, sock=None):
    self._ga_quick = quick_now()
    return _connect(self, sock)


def read_bytes(self, n):
    try:
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK,
                              1 if self._ga_quick else 0)
    except (OSError, AttributeError):
        pass
    return _read(self, n)


pymysql.connections.Connection.connect = connect
pymysql.connections.Connection._read_bytes = read_bytes

if __name__ == "__main__":
    gadriver.serve(driver.PyMySQL())
