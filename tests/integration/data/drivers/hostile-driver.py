#!/usr/bin/python3
"""hostile-driver.py - a Python client driver that is an attack on the
host (t0177-hostile-drivers), run as a cmd: script.

Each of its processes (the probe that reads its greeting, the one a case
starts) tries what root could do, as data/hostile-server.c's driver
stage does in C: a read of a 0600 root file ($HOSTILE_SECRET) and of the
files $HOSTILE_PEEK names; writes into the host's /, /usr, /etc, /tmp, a
host directory anyone may write ($HOSTILE_OPEN), goneaway's TMPDIR
($GONEAWAY_TMPDIR), the directories $HOSTILE_DIRS names and its own
script's directory; mknod of the host's disk ($HOSTILE_DISK, MAJ:MIN); a
mount (a tmpfs on $HOSTILE_OPEN); a signal to and a ptrace of the
test's process $HOSTILE_VICTIM; a socket bound to port 80; setuid(0) and
setgid(0).  It writes "hostile-py: achieved nothing (tried: ...)" or
"hostile-py: ACHIEVED ..." to its standard error (driver-NAME.log in the
evidence); when it achieved nothing it greets (protocol 1) and answers
every request "unsupported", so that its case is a SKIP, else it exits
1.
"""
import ctypes
import ctypes.util
import json
import os
import signal
import socket
import stat
import sys

achieved = []
tried = []
libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6",
                   use_errno=True)


def attempt(what, fn):
    """fn() achieved what when it raised nothing and returned no -1."""
    try:
        if fn() != -1:
            achieved.append(what)
    except OSError:
        pass


def read(path):
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        return os.read(fd, 200).decode(errors="replace").split("\n")[0]
    finally:
        os.close(fd)


def write(path):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.close(fd)


def mount_tmpfs():
    """A tmpfs on $HOSTILE_OPEN (the test's), taken away again when it
    was made."""
    where = os.environ.get("HOSTILE_OPEN", "/nonexistent").encode()
    rc = libc.mount(b"none", where, b"tmpfs", 0, None)
    if rc == 0:
        libc.umount2(where, 2)          # MNT_DETACH
    return rc


def dirs():
    out = ["/", "/usr", "/etc", "/tmp", os.environ.get("HOSTILE_OPEN"),
           os.environ.get("GONEAWAY_TMPDIR"),
           os.path.dirname(os.path.realpath(__file__))]
    out += os.environ.get("HOSTILE_DIRS", "").split(":")
    return [d for d in out if d]


def attacks():
    for path in [os.environ.get("HOSTILE_SECRET")] + \
            os.environ.get("HOSTILE_PEEK", "").split(":"):
        if path:
            try:
                achieved.append("read %s: %s" % (path, read(path)))
            except OSError:
                pass
    for d in dirs():
        path = os.path.join(d, "hostile-py")
        attempt("wrote " + path, lambda: write(path))
    disk = os.environ.get("HOSTILE_DISK", "")
    if disk:
        tried.append("mknod")
        major, minor = (int(x) for x in disk.split(":"))
        attempt("mknod of the host's disk", lambda: os.mknod(
            "/tmp/hostile-py-disk", stat.S_IFBLK | 0o600,
            os.makedev(major, minor)))
    attempt("mounted a tmpfs", mount_tmpfs)
    victim = int(os.environ.get("HOSTILE_VICTIM", "0"))
    if victim > 0:
        tried.append("kill ptrace")
        attempt("killed process %d" % victim,
                lambda: os.kill(victim, signal.SIGKILL))
        attempt("ptraced process %d" % victim,   # PTRACE_ATTACH
                lambda: libc.ptrace(16, victim, None, None))
    tried.append("bind-80")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    attempt("bound port 80", lambda: s.bind(("0.0.0.0", 80)))
    s.close()
    tried.append("setuid")
    attempt("setuid(0)", lambda: os.setuid(0))
    attempt("setgid(0)", lambda: os.setgid(0))


def main():
    attacks()
    sys.stderr.write("hostile-py: %s%s (tried: %s)\n" % (
        "ACHIEVED " if achieved else "achieved nothing",
        "; ".join(achieved), " ".join(tried)))
    sys.stderr.flush()
    if achieved:
        return 1
    print(json.dumps({"hello": "goneaway-driver", "protocol": 1,
                      "driver": "hostile-py", "library": "hostile 1"}),
          flush=True)
    for line in sys.stdin:
        try:
            rid = json.loads(line).get("id", 0)
        except ValueError:
            rid = 0
        print(json.dumps({"id": rid, "result": "unsupported",
                          "message": "a hostile driver does nothing"}),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
