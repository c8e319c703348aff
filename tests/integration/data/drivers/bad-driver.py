#!/usr/bin/python3
# bad-driver.py MODE - a client driver that misbehaves on purpose, for
# t0095-bad-drivers: goneaway must report each as an ERROR with the
# driver's stderr, never a PASS and never a hung run.
#   crash    greets, answers connect, then dies on the first query
#   garbage  greets, answers connect, then writes a line that is not JSON
#   mute     never greets
#   wrongid  answers the first query with another request's id
#   stuck    greets, answers connect, then never answers a query, and
#            ignores its socket being cut (no sockets at all here)
import json
import sys
import time

mode = sys.argv[1]
print("bad-driver: starting in mode " + mode, file=sys.stderr, flush=True)
if mode == "mute":
    time.sleep(60)
    sys.exit(0)
print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                  "driver": "bad-" + mode, "library": "none"}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    if req["step"] == "connect":
        print(json.dumps({"id": req["id"], "result": "ok", "api": "connect",
                          "elapsed_ms": 0, "thread_after": 7}), flush=True)
        continue
    if mode == "crash":
        print("bad-driver: crashing on purpose", file=sys.stderr, flush=True)
        sys.exit(3)
    if mode == "garbage":
        print("this is not a reply", flush=True)
        continue
    if mode == "wrongid":
        print(json.dumps({"id": req["id"] + 40, "result": "ok"}), flush=True)
        continue
    if mode == "stuck":
        time.sleep(120)
