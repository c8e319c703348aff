#!/usr/bin/python3
# mutant-commit-retry.py - a client driver written to be wrong, for
# t0193-explore-mutants: the shipped PyMySQL driver, but a COMMIT that fails
# is retried on a new connection (the transaction's statements since
# BEGIN again, then COMMIT) and reported as a success, without saying
# so: a transaction the server had committed before the cut is
# committed twice.
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
shipped = os.path.join(here, "..", "..", "..", "..", "drivers", "pymysql")
sys.path.insert(0, shipped)

import driver                                           # noqa: E402
import gadriver                                         # noqa: E402


class CommitRetry(driver.PyMySQL):
    def __init__(self):
        super().__init__()
        self.connect_req = None
        self.tx = None

    def do_connect(self, req):
        self.connect_req = req
        self.tx = None
        return super().do_connect(req)

    def do_query(self, req):
        sql = (req.get("sql") or "").strip()
        word = sql.split(None, 1)[0].upper() if sql else ""
        if word in ("BEGIN", "START"):
            self.tx = []
        elif word == "COMMIT" and self.tx is not None:
            tx, self.tx = self.tx, None
            try:
                return super().do_query(req)
            except self.errors:
                # the mutation: again on a new connection, said nowhere
                super().do_connect(self.connect_req)
                for q in [{"sql": "BEGIN"}] + tx:
                    super().do_query(q)
                return super().do_query(req)
        elif self.tx is not None:
            self.tx.append(req)
        return super().do_query(req)


if __name__ == "__main__":
    gadriver.serve(CommitRetry())
