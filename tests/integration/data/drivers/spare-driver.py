#!/usr/bin/python3
# spare-driver.py MODE - for t0208-spare-copies (issue 57): the shipped
# PyMySQL driver (protocol 5, features "cases" and "spawn") whose zygote
# does something to the second copy it forks, the one goneaway asks for
# ahead, while the first copy's case runs (its spare):
#   slow   the zygote sleeps 4 s before it forks it (and answers)
#   hang   the zygote sleeps 600 s before it forks it: it never answers
#          within its bound
#   die    the copy exits with code 3 before its greeting
#   none   nothing
# Each copy writes to its standard error (its log, the case's
# driver-NAME.log) "spare-driver: copy N asked at T" at its greeting
# (T: when the zygote began to fork it, after any sleep of "slow" it is
# the time before the sleep) and "spare-driver: query at T" at each
# query, T in seconds since the epoch.
import os
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "..", "drivers",
                                "pymysql"))
import driver                                           # noqa: E402
import gadriver                                         # noqa: E402

MODE = sys.argv[1] if len(sys.argv) > 1 else "none"
copies = 0          # in a copy: its number among the zygote's
asked = 0.0         # ... and when the zygote was asked for it


class Spare(driver.PyMySQL):
    name = "spare"

    def do_query(self, req):
        sys.stderr.write("spare-driver: query at %.3f\n" % time.time())
        sys.stderr.flush()
        return super().do_query(req)


def spawn(sess, req):
    global copies, asked
    copies += 1
    asked = time.time()
    if copies == 2 and MODE in ("slow", "hang"):
        time.sleep(4 if MODE == "slow" else 600)
    return fork(sess, req)


def serve(sess, inp=None):
    if copies:
        if copies == 2 and MODE == "die":
            os._exit(3)
        sys.stderr.write("spare-driver: copy %d asked at %.3f\n" %
                         (copies, asked))
        sys.stderr.flush()
    return loop(sess, inp)


fork = gadriver.spawn
loop = gadriver.serve
gadriver.spawn = spawn
# a copy the zygote spawns serves with this loop too (gadriver.spawn
# calls the module's serve)
gadriver.serve = serve
serve(Spare())
