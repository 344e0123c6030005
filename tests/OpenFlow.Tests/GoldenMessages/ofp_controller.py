#!/usr/bin/python3
"""A scripted OpenFlow 1.3 'controller' for capturing what a real Open vSwitch sends.

Usage: ofp_controller.py PORT OUTFILE BRIDGE
Listens on 127.0.0.1:PORT (run it inside the switch's network namespace), accepts the bridge's
connection, answers HELLO/ECHO, then: runs setup ovs-ofctl commands (flows, groups, meters) against
BRIDGE, sends one request of every kind, triggers asynchronous messages (PACKET_IN, FLOW_REMOVED,
PORT_STATUS) and writes every message the switch sent as 'rx HEX' lines (and our requests as 'tx HEX').
"""
import socket
import struct
import subprocess
import sys
import time

OFCTL = ["ovs-ofctl", "-O", "OpenFlow13"]


def msg(t, xid, body=b""):
    return struct.pack("!BBHI", 4, t, 8 + len(body), xid) + body


def mp(xid, mtype, body=b""):
    return msg(18, xid, struct.pack("!HH4x", mtype, 0) + body)


EMPTY_MATCH = struct.pack("!HH4x", 1, 4)
FLOW_FILTER = struct.pack("!B3xII4xQQ", 0xFF, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0) + EMPTY_MATCH

REQUESTS = [
    msg(5, 0x100),                                   # FEATURES_REQUEST
    msg(7, 0x101),                                   # GET_CONFIG_REQUEST
    mp(0x102, 0),                                    # DESC
    mp(0x103, 13),                                   # PORT_DESC
    mp(0x104, 1, FLOW_FILTER),                       # FLOW
    mp(0x105, 2, FLOW_FILTER),                       # AGGREGATE
    mp(0x106, 3),                                    # TABLE
    mp(0x107, 4, struct.pack("!I4x", 0xFFFFFFFF)),   # PORT_STATS
    mp(0x108, 5, struct.pack("!II", 0xFFFFFFFF, 0xFFFFFFFF)),  # QUEUE
    mp(0x109, 6, struct.pack("!I4x", 0xFFFFFFFC)),   # GROUP
    mp(0x10A, 7),                                    # GROUP_DESC
    mp(0x10B, 8),                                    # GROUP_FEATURES
    mp(0x10C, 9, struct.pack("!I4x", 0xFFFFFFFF)),   # METER
    mp(0x10D, 10, struct.pack("!I4x", 0xFFFFFFFF)),  # METER_CONFIG
    mp(0x10E, 11),                                   # METER_FEATURES
    mp(0x10F, 12),                                   # TABLE_FEATURES
    msg(24, 0x110, struct.pack("!I4xQ", 2, 1)),      # ROLE_REQUEST master
    msg(26, 0x111),                                  # GET_ASYNC_REQUEST
    msg(22, 0x112, struct.pack("!I4x", 0xFFFFFFFF)), # QUEUE_GET_CONFIG_REQUEST
    msg(2, 0x113, b"ping"),                          # ECHO_REQUEST
    msg(20, 0x114),                                  # BARRIER_REQUEST
]


def ofctl(bridge, *args):
    subprocess.run(OFCTL + [args[0], bridge] + list(args[1:]), check=True, timeout=10)


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
    ofctl(bridge, "add-flow", "table=0,priority=10,in_port=LOCAL,dl_type=0x88b5,actions=CONTROLLER:128")
    ofctl(bridge, "add-flow", "table=0,priority=5,cookie=0x10001,idle_timeout=60,in_port=1,actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:2")
    ofctl(bridge, "add-flow", "table=21,priority=1,cookie=0x10002,dl_vlan=100,actions=pop_vlan,set_field:0x64->tun_id,output:1,output:2")
    ofctl(bridge, "add-flow", "table=2,priority=1,send_flow_rem,tun_id=0x64,actions=goto_table:10")
    ofctl(bridge, "add-group", "group_id=1,type=select,bucket=weight:10,actions=output:1,bucket=weight:20,actions=output:2")
    ofctl(bridge, "add-group", "group_id=2,type=all,bucket=actions=output:1,bucket=actions=output:2")
    ofctl(bridge, "add-meter", "meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100")
    for r in REQUESTS:
        send(r)
    pump(2.0)
    # Asynchronous messages: PACKET_IN (action), FLOW_REMOVED (delete), PORT_STATUS (add/delete).
    frame = "ffffffffffff02000000000188b5" + "00" * 50
    ofctl(bridge, "packet-out", "in_port=LOCAL,packet=" + frame + ",actions=resubmit(,0)")
    subprocess.run(OFCTL + ["--strict", "del-flows", bridge, "table=2,priority=1,tun_id=0x64"], check=True, timeout=10)
    subprocess.run(["ovs-vsctl", "add-port", bridge, "pst0", "--", "set", "interface", "pst0", "type=internal"], check=True, timeout=10)
    pump(1.5)
    subprocess.run(["ovs-vsctl", "del-port", bridge, "pst0"], check=True, timeout=10)
    pump(1.5)
    out.close()
    conn.close()


if __name__ == "__main__":
    main()
