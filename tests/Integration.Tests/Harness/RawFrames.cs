using System.Globalization;
using System.Text.Json;

namespace Integration.Tests.Harness;

/// <summary>
/// A hostile VM: frames written byte by byte onto its eth0 with a raw socket (Debian's <c>/usr/bin/python3</c>, no
/// packages), for what no well-behaved client sends: malformed DHCP and ARP, and DHCP storms. The script counts the
/// DHCP replies that come back to it.
/// </summary>
internal static class RawFrames
{
    public const string Python = "/usr/bin/python3";

    // argv: mode count target_ip
    //   malformed: one of each malformed DHCP and ARP frame below
    //   storm:     count DHCPDISCOVERs from eth0's own MAC (distinct xids), as fast as the socket takes them
    //   spoofed:   count DHCPDISCOVERs, each from a different random MAC (frame and chaddr agree)
    // then listens 3 s and prints {"sent": n, "replies": m} (replies: UDP 67 -> 68 frames whose chaddr is one of the MACs sent from).
    private const string Script = """
        import json, os, random, socket, struct, sys, time
        mode, count, target = sys.argv[1], int(sys.argv[2]), socket.inet_aton(sys.argv[3])
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        s.bind(("eth0", 0))
        mac = s.getsockname()[4]
        def csum(b):
            if len(b) % 2: b += b"\0"
            t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
            while t >> 16: t = (t & 0xffff) + (t >> 16)
            return ~t & 0xffff
        def ip(payload, proto=17, src=b"\0\0\0\0", dst=b"\xff\xff\xff\xff", ihl=5, total=None):
            h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total or 20 + len(payload), 0, 0, 64, proto, 0, src, dst)
            return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
        def udp(payload, sport=68, dport=67, length=None):
            return struct.pack("!HHHH", sport, dport, length or 8 + len(payload), 0) + payload
        def bootp(chaddr, xid, op=1, hlen=6, cookie=b"\x63\x82\x53\x63", options=b"\x35\x01\x01\xff"):
            return struct.pack("!BBBBIHHIIII", op, 1, hlen, 0, xid, 0, 0x8000, 0, 0, 0, 0) + chaddr + b"\0" * 10 + b"\0" * 192 + cookie + options
        def eth(payload, src, dst=b"\xff" * 6, etype=0x0800):
            return dst + src + struct.pack("!H", etype) + payload
        def dhcp(src, xid, **kw):
            return eth(ip(udp(bootp(src, xid, **kw))), src)
        def arp(op=1, hlen=6, plen=4, tpa=target, cut=None):
            body = struct.pack("!HHBBH", 1, 0x0800, hlen, plen, op) + mac + b"\x0a\x00\x00\x63" + b"\0" * 6 + tpa
            return eth(body[:cut] if cut else body, mac, etype=0x0806)
        frames, ours = [], {mac}
        if mode == "malformed":
            x = random.getrandbits(32)
            frames = [
                eth(ip(udp(b"\x01\x01\x06\x00short")), mac),                     # BOOTP cut after 9 bytes
                dhcp(mac, x, op=2),                                              # a reply, from a client
                dhcp(mac, x, cookie=b"\x63\x82\x53\x64"),                        # wrong magic cookie
                dhcp(mac, x, options=b"\x35\xc8\x01"),                           # option length past the end
                dhcp(mac, x, options=b"\xff"),                                   # no message type
                dhcp(mac, x, options=b"\x35\x01\x09\xff"),                       # unknown message type
                dhcp(mac, x, options=b"\x35\x00\xff"),                           # zero-length message type
                dhcp(mac, x, hlen=255),                                          # hardware length 255
                dhcp(b"\x02\x66\x66\x66\x66\x66", x),                            # chaddr is not the frame's source
                eth(ip(udp(bootp(mac, x), length=2000)), mac),                   # UDP length beyond the frame
                eth(ip(udp(bootp(mac, x), length=4)), mac),                      # UDP length below its header
                eth(ip(udp(bootp(mac, x)), ihl=15), mac),                        # IP header length beyond the data
                eth(ip(udp(bootp(mac, x)), total=40), mac),                      # IP total length cuts the BOOTP
                eth(ip(udp(os.urandom(300))), mac),                              # noise
                arp(hlen=8), arp(plen=16), arp(cut=10), arp(op=9), arp(op=2),    # ARP: odd sizes, cut, odd ops
            ]
        else:
            for i in range(count):
                src = mac if mode == "storm" else bytes([0x02]) + os.urandom(5)
                ours.add(src)
                frames.append(dhcp(src, random.getrandbits(32)))
        for f in frames:
            s.send(f)
        s.settimeout(0.2)
        replies, end = 0, time.time() + 3
        while time.time() < end:
            try:
                f = s.recv(2048)
            except socket.timeout:
                continue
            if len(f) >= 42 and f[12:14] == b"\x08\x00" and f[23] == 17 and f[34:38] == b"\x00\x43\x00\x44" and f[70:76] in ours:
                replies += 1
        print(json.dumps({"sent": len(frames), "replies": replies}))
        """;

    /// <summary>Runs the script in the VM; <paramref name="targetIp"/> is the IPv4 the ARP frames ask for.</summary>
    public static async Task<(int Sent, int Replies)> SendAsync(Vm vm, string mode, int count = 0, string targetIp = "10.0.0.1")
    {
        var result = await vm.ExecAsync(
            [Python, "-c", Script.Replace("\r\n", "\n", StringComparison.Ordinal), mode, count.ToString(CultureInfo.InvariantCulture), targetIp],
            TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        using var json = JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]);
        return (json.RootElement.GetProperty("sent").GetInt32(), json.RootElement.GetProperty("replies").GetInt32());
    }
}
