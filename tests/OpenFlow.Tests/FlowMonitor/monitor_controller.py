#!/usr/bin/python3
"""A scripted OpenFlow 1.3 'controller' that captures a real Open vSwitch's flow monitor messages.

Usage: monitor_controller.py PORT OUTFILE BRIDGE
Run inside the switch's network namespace. After HELLO it starts a flow monitor (ONFST_FLOW_MONITOR,
OVS's OpenFlow 1.3 form of NXST_FLOW_MONITOR) on every table, changes flows itself (those come back
abbreviated, with our xid) and through ovs-ofctl (those come back in full: added, modified, deleted),
starts a second monitor with the initial flows, cancels the first one and writes every message the
switch sent as 'rx HEX' lines (ours as 'tx HEX').
"""
import socket
import struct
import subprocess
import sys
import time

OFCTL = ["ovs-ofctl", "-O", "OpenFlow13"]
ONF = 0x4F4E4600
EMPTY_MATCH = struct.pack("!HH4x", 1, 4)


def msg(t, xid, body=b""):
    return struct.pack("!BBHI", 4, t, 8 + len(body), xid) + body


def monitor_request(xid, mid, flags, table=0xFF):
    entry = struct.pack("!IHHIB3x", mid, flags, 4, 0xFFFFFFFF, table) + EMPTY_MATCH
    return msg(18, xid, struct.pack("!HH4xII", 0xFFFF, 0, ONF, 1870) + entry)


def flow_add(xid, table, priority, cookie, port):
    # OFPT_FLOW_MOD add, match in_port=<port>, apply_actions(output:1)
    match = struct.pack("!HHIB", 1, 12, 0x80000004, 0)[:-1] + struct.pack("!I", port) + b"\0" * 4
    fm = struct.pack("!QQBBHHHIIIH2x", cookie, 0, table, 0, 0, 0, priority, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    inst = struct.pack("!HH4x", 4, 24) + struct.pack("!HHIH6x", 0, 16, 1, 0xFFFF)
    return msg(14, xid, fm + match + inst)


def ofctl(*args):
    subprocess.run(OFCTL + list(args), check=True, timeout=10)


def main():
    port, outfile, bridge = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(1)
    ls.settimeout(30)
    conn, _ = ls.accept()
    out = open(outfile, "w")
    buf = [b""]

    def send(data):
        out.write("tx " + data.hex() + "\n")
        conn.sendall(data)

    def pump(seconds):
        end = time.time() + seconds
        while time.time() < end:
            conn.settimeout(max(0.05, end - time.time()))
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                return
            buf[0] += chunk
            while len(buf[0]) >= 8:
                (length,) = struct.unpack("!H", buf[0][2:4])
                if len(buf[0]) < length:
                    break
                data, buf[0] = buf[0][:length], buf[0][length:]
                out.write("rx " + data.hex() + "\n")
                if data[1] == 2:
                    send(msg(3, struct.unpack("!I", data[4:8])[0], data[8:]))
        out.flush()

    send(msg(0, 1, struct.pack("!HHI", 1, 8, 1 << 4)))
    pump(1.0)
    ofctl("add-flow", bridge, "table=0,priority=1,cookie=0x20000,actions=drop")
    # add|delete|modify|actions, every table, empty match.
    send(monitor_request(0x200, 1, 0x1E))
    pump(0.5)
    # Our own change: reported abbreviated, with the FLOW_MOD's xid.
    send(flow_add(0x201, 3, 7, 0x10001, 1))
    send(msg(20, 0x202))
    pump(0.5)
    # Changes behind our back: reported in full.
    ofctl("add-flow", bridge, "table=20,priority=5,cookie=0x10002,dl_vlan=100,actions=pop_vlan,output:1")
    pump(0.3)
    ofctl("mod-flows", bridge, "table=20,dl_vlan=100,actions=output:2")
    pump(0.3)
    ofctl("--strict", "del-flows", bridge, "table=20,priority=5,dl_vlan=100")
    pump(0.3)
    # A second monitor asks for the initial flows of table 0 (initial|add).
    send(monitor_request(0x203, 2, 0x03, table=0))
    pump(0.5)
    # Cancel the first; no reply is expected.
    send(msg(4, 0x204, struct.pack("!III", ONF, 1870, 1)))
    send(msg(20, 0x205))
    pump(0.5)
    out.close()
    conn.close()


if __name__ == "__main__":
    main()
