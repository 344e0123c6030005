"""Provisioning benchmark driver (used by scripts/bench-provision.sh). Prints one JSON object per command.

  provbench.py emu       --api URL --of-port P --switches N --runs R
  provbench.py real-add  --api URL --tenant ID --host1 ID --host2 ID --dpid1 D --dpid2 D --ovs1 DIR --ovs2 DIR --runs R
  provbench.py fill      --api URL --tenant ID --host1 ID --host2 ID --dpid1 D --ports N --networks K
  provbench.py reconnect --api URL --dpid D --ovs DIR
"""
import argparse
import asyncio
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import brtun_emu  # noqa: E402


class Rest:
    """A keep-alive HTTP/1.1 connection per thread."""

    def __init__(self, api):
        url = urllib.parse.urlparse(api)
        self.host, self.port, self.base = url.hostname, url.port, url.path.rstrip("/")
        self.local = threading.local()

    def conn(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return c

    def call(self, method, path, body=None):
        for attempt in range(2):
            c = self.conn()
            try:
                data = json.dumps(body).encode() if body is not None else None
                headers = {"Content-Type": "application/json"} if data is not None else {}
                c.request(method, self.base + path, body=data, headers=headers)
                r = c.getresponse()
                payload = r.read()
                if r.status >= 300:
                    raise RuntimeError(f"{method} {path} -> {r.status} {payload[:300]!r}")
                return json.loads(payload) if payload else None
            except (http.client.HTTPException, ConnectionError):
                c.close()
                self.local.c = None
                if attempt == 1:
                    raise
        return None

    def get(self, path):
        try:
            return self.call("GET", path)
        except RuntimeError:
            return None

    def post(self, path, body):
        return self.call("POST", path, body)


def stats(values):
    values = sorted(values)
    return {"n": len(values), "min": values[0], "median": statistics.median(values), "max": values[-1]}


def mac_of(prefix, n):
    return "02:%02x:%02x:%02x:%02x:%02x" % (prefix, (n >> 24) & 0xFF, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)


def mac_hex(mac):
    return mac.lower()


# ---------------------------------------------------------------------------------------------------
# 2. emulated switches
def cmd_emu(a):
    rest = Rest(a.api)
    hosts = [(0x00E0000000000000 + i + 1, f"10.201.{(i + 1) // 250}.{(i + 1) % 250 + 1}") for i in range(a.switches)]
    emu = brtun_emu.Emulator(hosts)
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    asyncio.run_coroutine_threadsafe(emu.start("127.0.0.1", a.of_port), loop).result()

    tenant = rest.post("/tenants", {"name": "bench-emu"})["id"]
    host_ids = []
    for i, (dpid, ip) in enumerate(hosts):
        host_ids.append(rest.post("/hosts", {"name": f"emu{i + 1}", "datapathId": f"{dpid:016x}", "tunnelIp": ip})["id"])
    net = rest.post("/networks", {"tenantId": tenant, "name": "emu-net", "tunnelType": "vxlan"})["id"]
    for i, hid in enumerate(host_ids):
        rest.post("/ports", {"networkId": net, "hostId": hid, "mac": mac_of(0xE0, i + 1), "name": f"base{i + 1}"})

    # Every switch connected, running br-tun with l2population, and settled (installed == desired).
    deadline = time.monotonic() + 120
    while True:
        ready = 0
        for dpid, _ in hosts:
            f = rest.get(f"/switches/{dpid:016x}/flows")
            if f and f.get("lastReconcile") and sorted(f["desired"]) == sorted(f["installed"]) \
                    and sum(1 for x in f["installed"] if "priority=2" in x) >= a.switches - 1:
                ready += 1
        if ready == len(hosts):
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"emulated switches not settled: {ready}/{len(hosts)}")
        time.sleep(0.5)
    sample = rest.get(f"/switches/{hosts[1][0]:016x}/flows")

    results, counts, firsts, medians = [], [], [], []
    for run in range(a.runs):
        mac = mac_of(0xE1, run + 1)
        key = brtun_emu.mac_bytes(mac)
        emu.watch(key)
        host_index = run % len(hosts)
        t0 = time.monotonic()
        rest.post("/ports", {"networkId": net, "hostId": host_ids[host_index], "mac": mac, "name": f"new{run}"})
        t_post = time.monotonic()
        expected = len(hosts) - 1
        deadline = t0 + 30
        while len(emu.confirmed.get(key, {})) < expected and time.monotonic() < deadline:
            time.sleep(0.001)
        got = emu.confirmed.get(key, {})
        if len(got) < expected:
            raise SystemExit(f"run {run}: only {len(got)}/{expected} switches confirmed {mac}")
        time.sleep(0.2)  # let stragglers (the port's own host, if it gets one) land before the next run
        got = emu.confirmed.get(key, {})
        times = sorted((v - t0) * 1000 for v in got.values())
        results.append(times[-1])
        firsts.append(times[0])
        medians.append(statistics.median(times))
        counts.append(len(got))
        if run == 0:
            post_ms = (t_post - t0) * 1000
    # Cross-check through REST for the last MAC on a switch other than the port's host.
    other = hosts[(host_index + 1) % len(hosts)][0]
    f = rest.get(f"/switches/{other:016x}/flows")
    rest_ok = any(mac in x for x in f["installed"])
    flow_mods = sum(s.flow_mods for s in emu.switches)
    print(json.dumps({"switches": len(hosts), "confirm_ms": stats(results), "switches_confirmed": stats(counts),
                      "first_switch_ms": stats(firsts), "median_switch_ms": stats(medians),
                      "first_post_ms": post_ms, "rest_crosscheck": rest_ok, "flow_mods_received": flow_mods,
                      "flows_per_switch": len(sample["installed"])}))


# ---------------------------------------------------------------------------------------------------
# 1. two real hosts
def ofctl_flows(ovs_dir, table=None):
    env = dict(os.environ, OVS_RUNDIR=ovs_dir, OVS_DBDIR=ovs_dir, OVS_LOGDIR=ovs_dir)
    cmd = ["ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "br-tun"] + ([f"table={table}"] if table is not None else [])
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout


def first_true(predicate, deadline, interval):
    """Polls predicate until it returns True; returns the monotonic time of that poll's start, or None."""
    while time.monotonic() < deadline:
        started = time.monotonic()
        if predicate():
            return started
        time.sleep(interval)
    return None


def rest_installed(rest, dpid):
    f = rest.get(f"/switches/{dpid}/flows")
    return f["installed"] if f else []


def settled(rest, dpid):
    f = rest.get(f"/switches/{dpid}/flows")
    return bool(f and f.get("lastReconcile") and sorted(f["desired"]) == sorted(f["installed"]))


def cmd_real_add(a):
    rest = Rest(a.api)
    rest_ms, ovs_ms = [], []
    for run in range(a.runs):
        net = rest.post("/networks", {"tenantId": a.tenant, "name": f"add{run}", "tunnelType": "vxlan"})
        seg = net["segmentId"]
        mac1, mac2 = mac_of(0xA1, run + 1), mac_of(0xA2, run + 1)
        rest.post("/ports", {"networkId": net["id"], "hostId": a.host1, "mac": mac1, "name": f"a{run}"})
        if first_true(lambda: settled(rest, a.dpid1) and settled(rest, a.dpid2), time.monotonic() + 30, 0.02) is None:
            raise SystemExit("switches did not settle before the run")
        time.sleep(0.3)
        tun = re.compile(rf"tun_id=0x{seg:x}\b")
        setf = f"set_field:0x{seg:x}->tun_id"

        def rest_h1():
            return any(f"dl_dst={mac2}" in x for x in rest_installed(rest, a.dpid1))

        def rest_h2():
            fl = rest_installed(rest, a.dpid2)
            return (any("table=2," in x and tun.search(x) for x in fl)
                    and any("table=21," in x and setf in x for x in fl)
                    and any(f"dl_dst={mac1}" in x for x in fl))

        def ovs_h1():
            return f"dl_dst={mac2}" in ofctl_flows(a.ovs1, 20)

        def ovs_h2():
            out = ofctl_flows(a.ovs2)
            return (any("table=2," in x and tun.search(x) for x in out.splitlines())
                    and any("table=21," in x and setf in x for x in out.splitlines())
                    and f"dl_dst={mac1}" in out)

        found = {}
        t0 = time.monotonic()
        threads = []
        for name, pred, interval in (("rest1", rest_h1, 0.005), ("rest2", rest_h2, 0.005),
                                     ("ovs1", ovs_h1, 0.002), ("ovs2", ovs_h2, 0.002)):
            def worker(name=name, pred=pred, interval=interval):
                found[name] = first_true(pred, t0 + 30, interval)
            threads.append(threading.Thread(target=worker))
        t0 = time.monotonic()
        rest.post("/ports", {"networkId": net["id"], "hostId": a.host2, "mac": mac2, "name": f"b{run}"})
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if any(v is None for v in found.values()):
            raise SystemExit(f"run {run}: not seen in 30 s: {found}")
        rest_ms.append((max(found["rest1"], found["rest2"]) - t0) * 1000)
        ovs_ms.append((max(found["ovs1"], found["ovs2"]) - t0) * 1000)
    print(json.dumps({"rest_ms": stats(rest_ms), "ovs_ms": stats(ovs_ms)}))


# ---------------------------------------------------------------------------------------------------
# 3. ~10,000 l2population flows on host 1, then a controller restart
def cmd_fill(a):
    rest = Rest(a.api)
    t0 = time.monotonic()
    nets = []
    for k in range(a.networks):
        net = rest.post("/networks", {"tenantId": a.tenant, "name": f"fill{k}", "tunnelType": "vxlan"})["id"]
        rest.post("/ports", {"networkId": net, "hostId": a.host1, "mac": mac_of(0xF0, k + 1), "name": f"f{k}"})
        nets.append(net)
    jobs = [(nets[i % a.networks], i) for i in range(a.ports)]
    errors = []

    def worker(part):
        try:
            for net, i in part:
                rest.post("/ports", {"networkId": net, "hostId": a.host2, "mac": mac_of(0xF1, i + 1)})
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(str(e))
    threads = [threading.Thread(target=worker, args=(jobs[w::4],)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"port creation failed: {errors[0]}")
    t_created = time.monotonic()
    def filled():
        f = rest.get(f"/switches/{a.dpid1}/flows")
        return bool(settled(rest, a.dpid1) and f
                    and sum(1 for x in f["installed"] if re.search(r"table=20,.*priority=2,", x)) >= a.ports)
    if first_true(filled, time.monotonic() + 600 + a.ports / 100, 0.5) is None:
        raise SystemExit("host 1 did not settle after the fill")
    t_settled = time.monotonic()
    f = rest.get(f"/switches/{a.dpid1}/flows")
    ovs_count = sum(1 for x in ofctl_flows(a.ovs1).splitlines()
                    if x.lstrip().startswith("cookie=0xb70") and not x.lstrip().startswith("cookie=0xb70ffffffffffff"))
    print(json.dumps({"ports": a.ports, "networks": a.networks, "create_s": t_created - t0,
                      "settle_s": t_settled - t_created, "installed": len(f["installed"]), "ovs_flows": ovs_count}))


def metric(api, name, label=None):
    url = urllib.parse.urlparse(api)
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and (label is None or label in line):
            try:
                total += float(line.split()[-1])
            except ValueError:
                pass
    return total


def cmd_reconnect(a):
    """Run right after the controller was started again: waits for the switch and its reconcile."""
    rest = Rest(a.api)
    t_connected = first_true(lambda: rest.get(f"/switches/{a.dpid}") is not None, time.monotonic() + 60, 0.005)
    if t_connected is None:
        raise SystemExit("switch did not reconnect within 60 s")
    sw = rest.get(f"/switches/{a.dpid}")
    # /reconcile, not /flows: rendering 100,000 flows as text on every 5 ms poll would load the controller
    # during the very reconcile it measures.
    t_rec = first_true(lambda: (rest.get(f"/switches/{a.dpid}/reconcile") or {}).get("lastReconcile") is not None,
                       time.monotonic() + 120, 0.005)
    if t_rec is None:
        raise SystemExit("no reconcile within 120 s")
    f = rest.get(f"/switches/{a.dpid}/flows")
    rec = f["lastReconcile"]
    from datetime import datetime
    connected_since = datetime.fromisoformat(sw["connectedSince"].replace("Z", "+00:00"))
    rec_at = datetime.fromisoformat(rec["at"].replace("Z", "+00:00"))
    time.sleep(0.5)
    print(json.dumps({
        "wall_connect_to_reconcile_ms": (t_rec - t_connected) * 1000,
        "server_connect_to_reconcile_at_ms": (rec_at - connected_since).total_seconds() * 1000,
        "reconcile": rec, "installed": len(f["installed"]),
        "flow_mods_total": metric(a.api, "ofcontroller_flow_mods_total"),
        "messages_out_flow_mod": metric(a.api, "ofcontroller_openflow_messages_out_total", "FLOW_MOD")
        + metric(a.api, "ofcontroller_openflow_messages_out_total", "FlowMod")}))


# ---------------------------------------------------------------------------------------------------
def main():
    p = argparse.ArgumentParser()
    p.add_argument("command")
    p.add_argument("--api")
    p.add_argument("--of-port", type=int)
    p.add_argument("--switches", type=int, default=100)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--tenant")
    p.add_argument("--host1")
    p.add_argument("--host2")
    p.add_argument("--dpid1")
    p.add_argument("--dpid2")
    p.add_argument("--ovs1")
    p.add_argument("--ovs2")
    p.add_argument("--ovs")
    p.add_argument("--dpid")
    p.add_argument("--ports", type=int, default=10000)
    p.add_argument("--networks", type=int, default=10)
    a = p.parse_args()
    {"emu": cmd_emu, "real-add": cmd_real_add, "fill": cmd_fill, "reconnect": cmd_reconnect}[a.command](a)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
