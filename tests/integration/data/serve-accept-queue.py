#!/usr/bin/env python3
"""serve-accept-queue.py - how a proxy's delete ends the connections that
wait in its listener's queue (issue 60).

Usage: serve-accept-queue.py API_PORT SERVE_PID N

Makes a proxy "queue" on 127.0.0.1:0 (its upstream a socket of this
script's, never accepted), opens a connection to the API and lets serve
accept it, then stops serve (SIGSTOP), sends the proxy's DELETE on that
connection, and opens N connections to the proxy, which the kernel
completes and queues; then SIGCONT: the DELETE is the first event serve
sees, before the listener's.  Prints "fin F reset R open O": how each of
the N connections ended (a FIN: recv gives b""; a reset:
ECONNRESET; open: neither within 5 s), and the DELETE's status line.
Serve is always continued, whatever fails.
"""
import http.client
import json
import os
import signal
import socket
import sys
import time


def main():
    api_port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    up = socket.socket()
    up.bind(("127.0.0.1", 0))
    up.listen(1)
    host = "127.0.0.1:%d" % api_port
    c = http.client.HTTPConnection("127.0.0.1", api_port, timeout=10)
    body = json.dumps({"name": "queue", "listen": "127.0.0.1:0",
                       "upstream": "127.0.0.1:%d" % up.getsockname()[1]})
    c.request("POST", "/proxies", body, {"Host": host})
    r = c.getresponse()
    made = json.loads(r.read())
    if r.status != 201:
        print("POST /proxies: %d %s" % (r.status, made))
        return 1
    port = int(made["listen"].rsplit(":", 1)[1])
    a = socket.create_connection(("127.0.0.1", api_port))
    time.sleep(0.5)                         # serve accepts it
    clients = []
    os.kill(pid, signal.SIGSTOP)
    try:
        a.sendall(("DELETE /proxies/queue HTTP/1.1\r\nHost: %s\r\n"
                   "Content-Length: 0\r\n\r\n" % host).encode())
        time.sleep(0.2)
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            clients.append(s)
        time.sleep(0.2)
    finally:
        os.kill(pid, signal.SIGCONT)
    a.settimeout(10)
    status = a.recv(4096).split(b"\r\n", 1)[0].decode()
    ends = {"fin": 0, "reset": 0, "open": 0}
    for s in clients:
        s.settimeout(5)
        try:
            ends["fin" if s.recv(1) == b"" else "open"] += 1
        except ConnectionResetError:
            ends["reset"] += 1
        except socket.timeout:
            ends["open"] += 1
        s.close()
    print("fin %d reset %d open %d" % (ends["fin"], ends["reset"],
                                       ends["open"]))
    print("DELETE: %s" % status)
    return 0


sys.exit(main())
