#!/usr/bin/python3
"""Watches many ovsdb-servers at once (RFC 7047 monitor over their unix sockets) and times tunnel meshes.

Used by scripts/bench-ovsdb.sh. For each phase it opens a monitor on the Interface table (name, type) of
every listed server, then runs the trigger command for each host (in parallel: `ovs-vsctl set-manager`),
and reports when every server holds exactly the expected number of tunnel interfaces (type vxlan or gre).
The time is measured from the first trigger, so it includes the managers connecting. Prints one JSON
object. Bounded by --timeout; never sends anything but monitor requests and echo replies.

  meshwatch.py --sock DIR/db.sock ... --expect N --trigger-dir DIR ... --target tcp:127.0.0.1:P --timeout S
"""
import argparse
import json
import os
import selectors
import socket
import subprocess
import sys
import time


class Server:
    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.sock.setblocking(False)
        self.buf = ""
        self.decoder = json.JSONDecoder()
        self.tunnels = {}  # interface uuid -> type
        self.done_at = None

    def send(self, msg):
        self.sock.sendall(json.dumps(msg).encode())

    def monitor(self):
        self.send({"id": "mon", "method": "monitor",
                   "params": ["Open_vSwitch", "mesh", {"Interface": {"columns": ["name", "type"]}}]})

    def feed(self, data):
        self.buf += data.decode()
        out = []
        while True:
            s = self.buf.lstrip()
            if not s:
                self.buf = ""
                return out
            try:
                obj, end = self.decoder.raw_decode(s)
            except ValueError:
                self.buf = s
                return out
            out.append(obj)
            self.buf = s[end:]

    def apply(self, updates):
        for uuid, change in updates.get("Interface", {}).items():
            new = change.get("new")
            if new is None:
                self.tunnels.pop(uuid, None)
            elif new.get("type") in ("vxlan", "gre"):
                self.tunnels[uuid] = new["type"]
            else:
                self.tunnels.pop(uuid, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sock", action="append", required=True, help="ovsdb-server unix socket (repeat)")
    ap.add_argument("--expect", type=int, required=True, help="tunnel interfaces every server must hold")
    ap.add_argument("--trigger-dir", action="append", default=[], help="OVS dir whose ovs-vsctl gets set-manager")
    ap.add_argument("--target", default=None, help="set-manager target")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()

    servers = [Server(p) for p in args.sock]
    sel = selectors.DefaultSelector()
    for s in servers:
        sel.register(s.sock, selectors.EVENT_READ, s)
        s.monitor()

    # Wait for every initial monitor reply before triggering.
    pending = set(id(s) for s in servers)
    deadline = time.monotonic() + 20
    while pending and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.data
            data = s.sock.recv(1 << 20)
            if not data:
                print(json.dumps({"error": f"{s.path} closed"}))
                return 1
            for msg in s.feed(data):
                if msg.get("id") == "mon":
                    s.apply(msg.get("result") or {})
                    pending.discard(id(s))
                elif msg.get("method") == "echo":
                    s.send({"id": msg["id"], "result": msg.get("params", []), "error": None})
    if pending:
        print(json.dumps({"error": f"{len(pending)} monitors did not answer"}))
        return 1
    initial = sorted(len(s.tunnels) for s in servers)

    t0 = time.monotonic()
    procs = []
    for d in args.trigger_dir:
        env = dict(os.environ, OVS_RUNDIR=d, OVS_DBDIR=d, OVS_LOGDIR=d)
        procs.append(subprocess.Popen(["ovs-vsctl", "--no-wait", "--timeout=20", "set-manager", args.target], env=env))
    for p in procs:
        p.wait()
    t_set = time.monotonic()

    deadline = t0 + args.timeout
    now = time.monotonic()
    for s in servers:
        if len(s.tunnels) == args.expect:
            s.done_at = now
    while any(s.done_at is None for s in servers) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.data
            data = s.sock.recv(1 << 20)
            if not data:
                print(json.dumps({"error": f"{s.path} closed"}))
                return 1
            for msg in s.feed(data):
                if msg.get("method") == "update":
                    s.apply(msg["params"][1])
                elif msg.get("method") == "echo":
                    s.send({"id": msg["id"], "result": msg.get("params", []), "error": None})
            if len(s.tunnels) == args.expect:
                if s.done_at is None:
                    s.done_at = time.monotonic()
            else:
                s.done_at = None
    done = [s.done_at for s in servers if s.done_at is not None]
    counts = sorted(len(s.tunnels) for s in servers)
    print(json.dumps({
        "servers": len(servers),
        "expect": args.expect,
        "initial_min": initial[0], "initial_max": initial[-1],
        "confirmed": len(done),
        "tunnels_min": counts[0], "tunnels_max": counts[-1],
        "tunnels_total": sum(counts),
        "set_manager_s": round(t_set - t0, 3),
        "all_confirmed_s": round(max(done) - t0, 3) if len(done) == len(servers) else None,
        "first_confirmed_s": round(min(done) - t0, 3) if done else None,
    }))
    return 0 if len(done) == len(servers) else 2


if __name__ == "__main__":
    sys.exit(main())
