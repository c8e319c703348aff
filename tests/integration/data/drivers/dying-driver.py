#!/usr/bin/python3
# dying-driver.py - for t0199-spawn-status: the shipped PyMySQL driver,
# whose process ends itself at a query that asks it to: "SELECT 'signal
# N'" kills it with signal N, "SELECT 'exit N'" exits with code N (any
# other query runs as it would).  A copy its zygote spawned (feature
# "spawn", goneaway's default) and a process started on its own
# (GONEAWAY_SPAWN=off) must be said to end the same way.
#
# With the argument "direct", its zygote forks each copy as its own
# child and waits for it, as gadriver.spawn did in 0.5.0 (a driver of
# its own may still): the copy still serves its case, and how it ended
# is the zygote's alone to see.
import os
import re
import signal
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402


class Dying(driver.PyMySQL):
    def do_query(self, req):
        m = re.fullmatch(r"SELECT '(signal|exit) (\d+)'", req.get("sql", ""))
        if m:
            n = int(m.group(2))
            gadriver.log("dying: %s %d" % (m.group(1), n))
            if m.group(1) == "signal":
                signal.signal(n, signal.SIG_DFL)
                os.kill(os.getpid(), n)
                time.sleep(5)
            os._exit(n)
        return super().do_query(req)


def reap(signum, frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def direct_spawn(sess, req):
    """The copy forked as the zygote's own child (see above)."""
    paths = [req.get(k) for k in ("stdin", "stdout", "stderr")]
    signal.signal(signal.SIGCHLD, reap)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.fork() == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        gadriver.become_copy(sess, paths)
    return {"result": "ok", "api": "os.fork", "elapsed_ms": 0}


if __name__ == "__main__":
    if sys.argv[1:] == ["direct"]:
        gadriver.spawn = direct_spawn
    gadriver.serve(Dying())
