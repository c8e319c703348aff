#!/usr/bin/python3
# mutant-cut-complete.py - a client driver written to be wrong, for
# t0190-explore: the shipped PyMySQL driver, but a fetch that fails after
# it has read rows says it succeeded, with the rows it read as its value:
# a result set cut short reported as complete.  goneaway explore must
# find it, naming the point, and the scenario it writes must FAIL it.
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402


class CutComplete(driver.PyMySQL):
    def do_fetch(self, req):
        try:
            return super().do_fetch(req)
        except self.errors:
            if self.rows == 0:
                raise
            # the mutation: the rows read so far, reported as the whole
            return {"value": str(self.rows)}


if __name__ == "__main__":
    gadriver.serve(CutComplete())
