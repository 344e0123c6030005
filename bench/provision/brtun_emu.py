"""Emulated br-tun switches for the provisioning benchmark (OpenFlow 1.3, asyncio, one TCP connection each).

Each switch answers the handshake (HELLO, FEATURES, PORT_DESC with `patch-int` and `vxlan-<hex>` tunnel
ports), ECHO, GET_CONFIG, ROLE and BARRIER, keeps the FLOW_MODs it receives in an in-memory table keyed by
(table, priority, match bytes) and answers FLOW stats requests from that table, filtered by table and
cookie/mask. For timing, `watch(mac)` makes every switch note the moment it sends the BARRIER_REPLY that
follows a FLOW_MOD whose match carries that MAC.
"""
import asyncio
import struct
import time

OFP_VERSION = 4
HELLO, ERROR, ECHO_REQ, ECHO_REP = 0, 1, 2, 3
FEATURES_REQ, FEATURES_REP, GET_CONFIG_REQ, GET_CONFIG_REP, SET_CONFIG = 5, 6, 7, 8, 9
FLOW_MOD, MP_REQ, MP_REP, BARRIER_REQ, BARRIER_REP, ROLE_REQ, ROLE_REP = 14, 18, 19, 20, 21, 24, 25
MP_DESC, MP_FLOW, MP_PORT_DESC = 0, 1, 13
ADD, MODIFY, MODIFY_STRICT, DELETE, DELETE_STRICT = 0, 1, 2, 3, 4


def header(msg_type, length, xid):
    return struct.pack("!BBHI", OFP_VERSION, msg_type, length, xid)


def port_entry(port_no, name, mac_low):
    hw = bytes([0x02, 0xEE, 0x00, (mac_low >> 16) & 0xFF, (mac_low >> 8) & 0xFF, mac_low & 0xFF])
    return struct.pack("!I4x6s2x16sIIIIIIII", port_no, hw, name.encode().ljust(16, b"\0"),
                       0, 4, 0x2820, 0, 0, 0, 10_000_000, 10_000_000)


class Switch:
    def __init__(self, dpid, tunnel_names, emulator):
        self.dpid = dpid
        self.tunnel_names = tunnel_names
        self.emu = emulator
        self.flows = {}  # (table, priority, match bytes) -> (cookie, flags, idle, hard, instructions, created)
        self.flow_mods = 0
        self.pending_macs = set()
        self.writer = None

    async def run(self, host, port):
        reader, self.writer = await asyncio.open_connection(host, port)
        self.writer.write(header(HELLO, 8, 1))
        try:
            while True:
                head = await reader.readexactly(8)
                _, msg_type, length, xid = struct.unpack("!BBHI", head)
                body = await reader.readexactly(length - 8) if length > 8 else b""
                self.handle(msg_type, xid, body)
                await self.writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass

    def send(self, data):
        self.writer.write(data)

    def handle(self, msg_type, xid, body):
        if msg_type == ECHO_REQ:
            self.send(header(ECHO_REP, 8 + len(body), xid) + body)
        elif msg_type == FEATURES_REQ:
            self.send(header(FEATURES_REP, 32, xid) + struct.pack("!QIBB2xII", self.dpid, 0, 254, 0, 0x4F, 0))
        elif msg_type == GET_CONFIG_REQ:
            self.send(header(GET_CONFIG_REP, 12, xid) + struct.pack("!HH", 0, 0xFFFF))
        elif msg_type == ROLE_REQ:
            self.send(header(ROLE_REP, 8 + len(body), xid) + body)
        elif msg_type == BARRIER_REQ:
            self.send(header(BARRIER_REP, 8, xid))
            if self.pending_macs:
                now = time.monotonic()
                for mac in self.pending_macs:
                    self.emu.confirmed.setdefault(mac, {}).setdefault(self.dpid, now)
                self.pending_macs.clear()
        elif msg_type == FLOW_MOD:
            self.flow_mod(body)
        elif msg_type == MP_REQ:
            self.multipart(xid, body)
        # HELLO, SET_CONFIG, PACKET_OUT, SET_ASYNC and the rest need no answer here.

    def flow_mod(self, body):
        self.flow_mods += 1
        (cookie, cookie_mask, table, command, idle, hard, priority, _buf, _out_port, _out_group,
         flags) = struct.unpack_from("!QQBBHHHIIIH", body, 0)
        match_len = struct.unpack_from("!H", body, 42)[0]
        padded = (match_len + 7) // 8 * 8
        match = body[40:40 + padded]
        instructions = body[40 + padded:]
        for mac in self.emu.watched:
            if mac in match:
                self.pending_macs.add(mac)
        key = (table, priority, match)
        if command == ADD:
            self.flows[key] = (cookie, flags, idle, hard, instructions, time.monotonic())
        elif command in (MODIFY, MODIFY_STRICT):
            old = self.flows.get(key)
            if old is not None and (old[0] & cookie_mask) == (cookie & cookie_mask):
                self.flows[key] = (old[0], old[1], old[2], old[3], instructions, old[5])
            elif old is None:
                self.flows[key] = (cookie, flags, idle, hard, instructions, time.monotonic())
        elif command == DELETE_STRICT:
            old = self.flows.get(key)
            if old is not None and (old[0] & cookie_mask) == (cookie & cookie_mask):
                del self.flows[key]
        elif command == DELETE:
            wildcard = match_len <= 4
            for k in [k for k, v in self.flows.items()
                      if (table == 0xFF or k[0] == table) and (wildcard or k[2] == match)
                      and (v[0] & cookie_mask) == (cookie & cookie_mask)]:
                del self.flows[k]

    def multipart(self, xid, body):
        mp_type = struct.unpack_from("!H", body, 0)[0]
        if mp_type == MP_PORT_DESC:
            ports = [port_entry(1, "patch-int", self.dpid & 0xFFFF)]
            for i, name in enumerate(self.tunnel_names):
                ports.append(port_entry(2 + i, name, ((self.dpid & 0xFF) << 8) + i))
            self.send_multipart(xid, MP_PORT_DESC, ports)
        elif mp_type == MP_DESC:
            text = [s.encode().ljust(n, b"\0") for s, n in
                    (("bench", 256), ("brtun-emu", 256), ("1", 256), ("0", 32), ("emulated br-tun", 256))]
            self.send_multipart(xid, MP_DESC, [b"".join(text)])
        elif mp_type == MP_FLOW:
            table, cookie, cookie_mask = body[8], *struct.unpack_from("!QQ", body, 8 + 16)
            now = time.monotonic()
            entries = []
            for (t, priority, match), (c, flags, idle, hard, instructions, created) in self.flows.items():
                if (table != 0xFF and t != table) or (c & cookie_mask) != (cookie & cookie_mask):
                    continue
                age = now - created
                length = 48 + len(match) + len(instructions)
                entries.append(struct.pack("!HBxIIHHHH4xQQQ", length, t, int(age), int(age % 1 * 1e9),
                                           priority, idle, hard, flags, c, 0, 0) + match + instructions)
            self.send_multipart(xid, MP_FLOW, entries)
        else:
            # OFPET_BAD_REQUEST / OFPBRC_BAD_MULTIPART, with the first 64 bytes of the request.
            data = (header(MP_REQ, 8 + len(body), xid) + body)[:64]
            self.send(header(ERROR, 12 + len(data), xid) + struct.pack("!HH", 1, 2) + data)

    def send_multipart(self, xid, mp_type, entries):
        chunk, size = [], 0
        limit = 60000
        parts = []
        for e in entries:
            if size + len(e) > limit and chunk:
                parts.append(chunk)
                chunk, size = [], 0
            chunk.append(e)
            size += len(e)
        parts.append(chunk)
        for i, part in enumerate(parts):
            data = b"".join(part)
            more = 1 if i < len(parts) - 1 else 0
            self.send(header(MP_REP, 16 + len(data), xid) + struct.pack("!HH4x", mp_type, more) + data)


class Emulator:
    """`hosts` is a list of (dpid, tunnel IPv4 string); every switch gets a tunnel port to every other host."""

    def __init__(self, hosts):
        self.watched = set()
        self.confirmed = {}  # mac bytes -> {dpid: monotonic time of the barrier reply}
        self.switches = []
        for dpid, ip in hosts:
            names = [tunnel_name(other_ip) for other_dpid, other_ip in hosts if other_dpid != dpid]
            self.switches.append(Switch(dpid, names, self))

    def watch(self, mac):
        self.watched.add(mac)

    async def start(self, host, port):
        return [asyncio.ensure_future(s.run(host, port)) for s in self.switches]


def tunnel_name(ip):
    return "vxlan-" + "".join(f"{int(octet):02x}" for octet in ip.split("."))


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))
