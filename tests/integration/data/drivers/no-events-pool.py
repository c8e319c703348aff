#!/usr/bin/python3
# no-events-pool.py MODE - the shipped SQLAlchemy pool driver
# (drivers/sqlalchemy/driver.py), run as a child, with its pool events
# taken out of every reply on the way (issue 38: a pool's driver that
# reported no events passed driver-test).  Everything else - the
# greeting, the results, the codes, the thread ids - is the real
# driver's, so driver-test has nothing but the events to find.
#   MODE absent  replies carry no "pool_events" member at all
#   MODE empty   replies carry "pool_events": [] (the pool did nothing)
import json
import os
import subprocess
import sys
import threading

mode = sys.argv[1] if len(sys.argv) > 1 else ""
if mode not in ("absent", "empty"):
    sys.stderr.write("usage: no-events-pool.py absent|empty\n")
    sys.exit(2)
real = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "..", "..", "..", "..", "drivers", "sqlalchemy",
                    "driver.py")
child = subprocess.Popen([sys.executable, real], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, bufsize=0)


def requests():
    """goneaway's requests, passed on as they come; EOF closes the child's
    input, so it exits as the real driver does."""
    for line in sys.stdin.buffer:
        child.stdin.write(line)
    child.stdin.close()


threading.Thread(target=requests, daemon=True).start()
for line in child.stdout:
    try:
        reply = json.loads(line)
    except ValueError:
        reply = None
    if isinstance(reply, dict) and "spawn" in reply.get("features", []):
        # a proxy cannot spawn: the copy would be the driver's child,
        # not this one's, and write to goneaway past it
        reply["features"].remove("spawn")
        line = (json.dumps(reply) + "\n").encode()
    if isinstance(reply, dict) and "pool_events" in reply:
        if mode == "absent":
            del reply["pool_events"]
        else:
            reply["pool_events"] = []
        line = (json.dumps(reply) + "\n").encode()
    sys.stdout.buffer.write(line)
    sys.stdout.buffer.flush()
sys.exit(child.wait())
