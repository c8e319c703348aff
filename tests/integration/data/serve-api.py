#!/usr/bin/python3
"""serve-api.py URL METHOD PATH [BODY] - one request to goneaway serve's
API (t0139-serve): prints the status code on the first line and the body
after it.  --agent UA sends that User-Agent; --header 'NAME: VALUE' sends
that header too (again for more; a Host given so replaces the URL's);
--field NAME prints only the JSON body's member NAME (after the status
line); --time FILE writes to FILE how many ms the request took, from
its connect to its answer read whole (not the interpreter's start, which
a loaded machine makes long); --raw FILE sends FILE's bytes as the request itself and prints
what came back, whole."""
import http.client
import json
import signal
import socket
import sys
import time
import urllib.parse


def raw(url, path):
    u = urllib.parse.urlparse(url)
    s = socket.create_connection((u.hostname, u.port), timeout=10)
    with open(path, 'rb') as f:
        s.sendall(f.read())
    out = b''
    while True:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        out += d
    s.close()
    sys.stdout.write(out.decode('latin-1'))


def main(argv):
    agent, field, extra, timefile = 'goneaway-test', None, {}, None
    while argv and argv[0].startswith('--'):
        opt, val = argv[0], argv[1]
        argv = argv[2:]
        if opt == '--agent':
            agent = val
        elif opt == '--field':
            field = val
        elif opt == '--time':
            timefile = val
        elif opt == '--header':
            name, value = val.split(':', 1)
            extra[name.strip()] = value.strip()
        elif opt == '--raw':
            raw(argv[0], val)
            return 0
    url, method, path = argv[0], argv[1], argv[2]
    body = argv[3] if len(argv) > 3 else None
    u = urllib.parse.urlparse(url)
    t0 = time.monotonic()
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    headers = {'User-Agent': agent, 'Content-Type': 'application/json'}
    headers.update(extra)
    c.request(method, path, body=body.encode() if body is not None else None,
              headers=headers)
    r = c.getresponse()
    text = r.read().decode('utf-8', 'replace')
    if timefile:
        with open(timefile, 'w') as f:
            f.write('%d\n' % int((time.monotonic() - t0) * 1000))
    print(r.status)
    if field:
        print(json.loads(text)[field])
    else:
        print(text)
    return 0


signal.signal(signal.SIGPIPE, signal.SIG_DFL)     # a reader that stops: quiet
sys.exit(main(sys.argv[1:]))
