#!/usr/bin/python3
"""A tiny OpenFlow 1.3 'switch' for capturing what ovs-ofctl sends.

Usage: ofp_listener.py PORTFILE OUTFILE
Listens on 127.0.0.1 (ephemeral port, written to PORTFILE), accepts connections until none comes for 0.7 s, answers
HELLO, FEATURES, ECHO, BARRIER, GET_CONFIG, multipart requests, QUEUE_GET_CONFIG, ROLE, GET_ASYNC
and ONF bundle control, and appends every message it receives and sends as 'rx HEX' / 'tx HEX'
lines to OUTFILE. Exits when the peer closes or after 10 s of silence.
"""
import socket
import struct
import sys

ONF = 0x4F4E4600


def hdr(t, length, xid):
    return struct.pack("!BBHI", 4, t, length, xid)


def msg(t, xid, body=b""):
    return hdr(t, 8 + len(body), xid) + body


def port(no, name, mac):
    return struct.pack("!I4x6s2x16sIIIIIIII", no, mac, name.encode().ljust(16, b"\0"),
                       0, 4, 0x2820, 0x2820, 0x2820, 0, 10000000, 10000000)


def multipart_reply(xid, mtype, body):
    return msg(19, xid, struct.pack("!HH4x", mtype, 0) + body)


def reply(data):
    ver, t, length, xid = struct.unpack("!BBHI", data[:8])
    body = data[8:]
    if t == 0:
        return msg(0, xid, struct.pack("!HHI", 1, 8, 1 << 4))
    if t == 2:
        return msg(3, xid, body)
    if t == 5:
        return msg(6, xid, struct.pack("!QIBB2xII", 0x0000_0000_0000_00AB, 256, 254, 0, 0x4F, 0))
    if t == 7:
        return msg(8, xid, struct.pack("!HH", 0, 0xFFFF))
    if t == 20:
        return msg(21, xid)
    if t == 24:
        return msg(25, xid, body)
    if t == 26:
        return msg(27, xid, struct.pack("!6I", 7, 0, 7, 7, 15, 0))
    if t == 22:
        (p,) = struct.unpack("!I", body[:4])
        q = struct.pack("!IIH6x", 1, p, 48) + struct.pack("!HH4xH6x", 1, 16, 100) + struct.pack("!HH4xH6x", 2, 16, 900)
        return msg(23, xid, struct.pack("!I4x", p) + q)
    if t == 4:
        exp, etype = struct.unpack("!II", body[:8])
        if exp == ONF and etype == 2300:
            bid, btype, flags = struct.unpack("!IHH", body[8:16])
            return msg(4, xid, struct.pack("!IIIHH", ONF, 2300, bid, btype + 1, flags))
        return None
    if t == 18:
        (mtype,) = struct.unpack("!H", body[:2])
        if mtype == 0:
            d = b"Nicira, Inc.".ljust(256, b"\0") + b"Open vSwitch".ljust(256, b"\0") + b"3.1.0".ljust(256, b"\0") \
                + b"None".ljust(32, b"\0") + b"br-test".ljust(256, b"\0")
            return multipart_reply(xid, 0, d)
        if mtype == 2:
            return multipart_reply(xid, 2, struct.pack("!QQI4x", 5, 420, 2))
        if mtype == 8:
            return multipart_reply(xid, 8, struct.pack("!II4I4I", 15, 15, 65535, 65535, 65535, 65535, 1, 1, 1, 1))
        if mtype == 11:
            return multipart_reply(xid, 11, struct.pack("!IIIBB2x", 65536, 6, 15, 16, 0))
        if mtype == 13:
            return multipart_reply(xid, 13, port(1, "p1", b"\x02\x00\x00\x00\x00\x01")
                                   + port(0xFFFFFFFE, "br-test", b"\x02\x00\x00\x00\x00\xfe"))
        return multipart_reply(xid, mtype, b"")
    return None


def main():
    portfile, outfile = sys.argv[1], sys.argv[2]
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    with open(portfile, "w") as f:
        f.write(str(ls.getsockname()[1]))
    ls.settimeout(20)
    with open(outfile, "a") as out:
        # ovs-ofctl opens a second connection for some commands (mod-port fetches PORT_DESC first).
        while True:
            try:
                conn, _ = ls.accept()
            except socket.timeout:
                break
            serve(conn, out)
            ls.settimeout(0.7)


def serve(conn, out):
    conn.settimeout(10)
    buf = b""
    try:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 8:
                (length,) = struct.unpack("!H", buf[2:4])
                if length < 8 or len(buf) < length:
                    break
                data, buf = buf[:length], buf[length:]
                out.write("rx " + data.hex() + "\n")
                r = reply(data)
                if r is not None:
                    out.write("tx " + r.hex() + "\n")
                    conn.sendall(r)
                out.flush()
    except (socket.timeout, ConnectionResetError, BrokenPipeError):
        pass
    conn.close()

if __name__ == "__main__":
    main()
