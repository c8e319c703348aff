#!/usr/bin/python3
"""serve-echo.py - a service that is not MySQL, for goneaway serve's
proxies (t0172-serve-owner, t0173-serve-busy).

  serve-echo.py listen PORTFILE [HOST [PORT]]
      listens on HOST:PORT (127.0.0.1, a port the kernel picks), writes
      the port to PORTFILE once it listens, and sends every byte back as
      soon as it comes (a read of one byte is answered with that byte);
      it ends by itself after 600 s, or at SIGTERM
  serve-echo.py rtt HOST PORT N [SIZE]
      N round trips of SIZE bytes (1) each on one connection: prints
      each in ms, then "median MS max MS"; exits 1 when an answer does
      not come whole within 5 s (what came, if anything, is said)
  serve-echo.py lastword HOST PORT SERVE_PID ECHO_PID
      a byte there and back, then, with the proxy's process stopped
      (SIGSTOP), the echo service hangs up (SIGUSR1: a listener ends
      each of its connections with a FIN) and this client sends a last
      word, which waits unread in the proxy's socket; the proxy goes on
      (SIGCONT) and finds the hang-up first.  Prints "fin" when the
      connection then ends with a FIN, as Toxiproxy's does, and exits
      0; "reset" and 1 when it ends with a reset
"""
import os
import signal
import socket
import statistics
import sys
import threading
import time


conns = []


def hang_up(*_):
    for conn in list(conns):
        try:
            conn.shutdown(socket.SHUT_WR)   # a FIN
        except OSError:
            pass


def echo(conn):
    conns.append(conn)
    with conn:
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:
                return
            conn.sendall(data)


def listen(portfile, host='127.0.0.1', port=0):
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, int(port)))
    s.listen(16)
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % s.getsockname()[1])
    os.rename(portfile + '.tmp', portfile)
    signal.alarm(600)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=echo, args=(conn,), daemon=True).start()


def lastword(host, port, serve_pid, echo_pid):
    c = socket.create_connection((host, int(port)), timeout=5)
    c.sendall(b'x')
    if c.recv(1) != b'x':
        print('no echo')
        return 2
    os.kill(int(serve_pid), signal.SIGSTOP)
    try:
        os.kill(int(echo_pid), signal.SIGUSR1)
        time.sleep(0.5)                 # the FIN waits at the proxy
        c.sendall(b'last word')         # and so do these bytes, after it
        time.sleep(0.5)
    finally:
        os.kill(int(serve_pid), signal.SIGCONT)
    try:
        got = c.recv(64)
    except ConnectionResetError:
        print('reset')
        return 1
    print('fin' if got == b'' else 'came: %r' % got)
    return 0 if got == b'' else 2


def rtt(host, port, n, size=1):
    c = socket.create_connection((host, int(port)), timeout=5)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    times = []
    for i in range(int(n)):
        t0 = time.monotonic()
        c.sendall(b'x' * int(size))
        got = b''
        try:
            while len(got) < int(size):
                d = c.recv(int(size) - len(got))
                if not d:
                    break
                got += d
        except socket.timeout:
            print('round trip %d: %r within 5 s' % (i + 1, got))
            return 1
        if got != b'x' * int(size):
            print('round trip %d: %r came back' % (i + 1, got))
            return 1
        times.append((time.monotonic() - t0) * 1000)
        print('%.2f ms' % times[-1])
    print('median %.2f max %.2f' % (statistics.median(times), max(times)))
    return 0


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.signal(signal.SIGALRM, lambda *_: sys.exit(0))
signal.signal(signal.SIGUSR1, hang_up)
if sys.argv[1] == 'listen':
    listen(*sys.argv[2:])
elif sys.argv[1] == 'lastword':
    sys.exit(lastword(*sys.argv[2:]))
else:
    sys.exit(rtt(*sys.argv[2:]))
