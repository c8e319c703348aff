#!/usr/bin/env python3
"""rst-by-direction.py - where a stress run's TCP resets come from.

Usage: tcpdump -nn -tt -r RUN.pcap | rst-by-direction.py JOB SVC DB

JOB, SVC, DB: the addresses of the job (Knex's script), the Toxiproxy
service (serve or Toxiproxy) and the MySQL service.  Reads tcpdump's
text (headers of every TCP segment on the network's bridge) and prints:

  rst SENDER>RECEIVER N ...   RST segments by direction, each counted
                              once per connection and direction
  job-side CLASS N ...        the connections job -> SVC:23306 that got
                              a RST from SVC, by what came before it
  mysql-side CLASS N ...      the connections SVC -> DB:3306 that got a
                              RST, the same way

A connection's class, by the first RST on it (its sender in brackets):
  after-fin   the sender had sent its FIN before: the peer had seen the
              connection end and wrote after it (a client's next query
              or COM_QUIT): the kernel's answer, no reset to a reader
  peer-fin    the receiver had sent its FIN and the sender had not: the
              sender closed with bytes unread
  refused     the answer to a SYN (no SYN-ACK before it): the port did
              not listen (between the proxy's delete and its remake):
              the client's connect gets ECONNREFUSED
  no-byte     after the SYN-ACK, before any byte either way: a
              connection in the listener's queue, or just accepted
  handshake   no FIN before it, the client had sent at most one payload
              segment (the greeting's answer): a connection being made
  in-flight   no FIN before it, the client's bytes were the last sent
              (a query or a KILL waiting for its answer)
  idle        no FIN before it, the server's side's bytes were the last
              (a connection at rest in a pool)
each with "@delete" when it came within 100 ms after an API request
began (the script deletes the proxy and makes it again every 2 s)
"""
import re
import sys

LINE = re.compile(
    r"^(\d+\.\d+) IP (\d+\.\d+\.\d+\.\d+)\.(\d+) > (\d+\.\d+\.\d+\.\d+)\.(\d+): "
    r"Flags \[([^\]]*)\].*?length (\d+)")


def main():
    job, svc, db = sys.argv[1:4]
    names = {job: "job", svc: "svc", db: "mysql"}
    conns = {}      # (client ip, port, server ip, port) -> state
    api = []        # start times of API connections (SYN to SVC:8474)
    rst = {}        # "a>b" -> connections
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        ts, sip, sport, dip, dport, flags, length = m.groups()
        ts, length = float(ts), int(length)
        if dip == svc and dport == "8474" and flags == "S":
            api.append(ts)
        if flags == "S":
            key = (sip, sport, dip, dport)
            conns[key] = {"t0": ts, "fin": {}, "segs": {},
                          "synack": False, "last": None, "rst": None}
        key = (sip, sport, dip, dport)
        if key not in conns:
            key = (dip, dport, sip, sport)
        c = conns.get(key)
        if c is None:
            continue
        if flags == "S.":
            c["synack"] = True
        if length > 0 and c["rst"] is None:
            c["segs"][sip] = c["segs"].get(sip, 0) + 1
            c["last"] = sip
        if "F" in flags and sip not in c["fin"]:
            c["fin"][sip] = ts
        if "R" in flags and c["rst"] is None:
            c["rst"] = (ts, sip, dip)
            d = "%s>%s" % (names.get(sip, sip), names.get(dip, dip))
            rst.setdefault(d, []).append(c)
    print("rst " + " ".join("%s %d" % (d, len(v)) for d, v in sorted(rst.items())))
    for side, port in (("job", "23306"), ("mysql", "3306")):
        classes = {}
        for key, c in conns.items():
            if c["rst"] is None or key[3] != port:
                continue
            ts, sender, receiver = c["rst"]
            if sender in c["fin"] and c["fin"][sender] < ts:
                cls = "after-fin"
            elif receiver in c["fin"]:
                cls = "peer-fin"
            elif not c["synack"]:
                cls = "refused"
            elif not c["segs"]:
                cls = "no-byte"
            elif c["segs"].get(key[0], 0) <= 1:
                cls = "handshake"
            elif c["last"] == key[0]:
                cls = "in-flight"
            else:
                cls = "idle"
            if cls not in ("after-fin", "peer-fin") and \
                    [a for a in api if 0 <= ts - a <= 0.1]:
                cls += "@delete"
            cls += "(%s)" % names.get(sender, sender)
            classes[cls] = classes.get(cls, 0) + 1
        print("%s-side %s" % (side, " ".join(
            "%s %d" % kv for kv in sorted(classes.items())) or "none"))

main()
