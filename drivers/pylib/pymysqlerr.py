"""pymysqlerr.py - the reply members of a PyMySQL error, for the drivers
whose connector raises PyMySQL's exceptions (PyMySQL, and aiomysql, which
is built on it).  Needs Debian's python3-pymysql."""

from pymysql.constants import CR, ER


def _names():
    names = {}
    for k, v in vars(ER).items():       # ER.NO_SUCH_TABLE
        if k.isupper() and isinstance(v, int):
            names[v] = "ER_" + k
    for k, v in vars(CR).items():       # CR.CR_SERVER_LOST
        if k.startswith("CR_") and isinstance(v, int):
            names[v] = k
    return names


NAMES = _names()


def error_fields(e):
    """errno, message, error_class and error_name of a pymysql.err.Error
    (its args are (errno, message), or one text without a number).
    PyMySQL keeps no sqlstate: the server's is in the error packet but
    not on the exception."""
    args = e.args
    errno = args[0] if args and isinstance(args[0], int) else 0
    f = {"errno": errno,
         "message": str(args[1]) if len(args) > 1 else str(e),
         "error_class": type(e).__name__}
    if errno in NAMES:
        f["error_name"] = NAMES[errno]
    return f
