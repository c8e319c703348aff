#!/usr/bin/python3
# protocol1-driver.py - the PyMySQL driver as a driver written against
# protocol 1 would greet (issue 24): "protocol": 1 and no "features".
# Every request it reads is appended to $GA_PROTOCOL1_LOG (when set), so a test can
# see that goneaway never sent it a member of a feature it did not
# declare (fetch's batch and every_ms, connect's driver_options).
import json
import os
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "..", "..", "..", "..", "drivers")
sys.path.insert(0, os.path.join(top, "pymysql"))
sys.path.insert(0, os.path.join(top, "pylib"))

import gadriver                                         # noqa: E402
from driver import PyMySQL                              # noqa: E402


class Protocol1(PyMySQL):
    def greeting(self):
        g = super().greeting()
        g["protocol"] = 1
        g.pop("features", None)
        return g

    def handle(self, req):
        log = os.environ.get("GA_PROTOCOL1_LOG")
        if log:
            with open(log, "a") as f:
                f.write(json.dumps(req) + "\n")
        return super().handle(req)


if __name__ == "__main__":
    gadriver.serve(Protocol1())
