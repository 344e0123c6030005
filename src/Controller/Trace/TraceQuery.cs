using System.Globalization;
using Apps.Trace;
using Controller.Api;
using Microsoft.AspNetCore.Http;
using OpenFlow;

namespace Controller.Trace;

/// <summary>
/// The query string of <c>GET /api/v1/trace</c> turned into a packet. Either <c>frame</c> (the frame in
/// hex, parsed with the wire library's parser) or fields: <c>ethSrc</c>, <c>ethDst</c> (required),
/// <c>vlan</c>, <c>ethType</c> (<c>arp</c>, <c>ipv4</c> or a number; inferred from the other fields,
/// IPv4 when there are none), <c>arpOp</c> (1, 2, request, reply; default request), <c>arpSha</c>
/// (default ethSrc), <c>arpSpa</c>, <c>arpTha</c>, <c>arpTpa</c>, <c>ipSrc</c>, <c>ipDst</c>,
/// <c>ipProto</c> (a number, tcp, udp, icmp), <c>srcPort</c>, <c>dstPort</c>; with either, <c>tunId</c>
/// (decimal or 0x-hex). Unknown keys and repeated keys are errors, each naming its field.
/// </summary>
internal sealed record TraceQuery(string Host, string InPort, TracePacket Packet, bool Text)
{
    public const int MaxFrameBytes = 9216;

    private static readonly string[] ArpKeys = ["arpOp", "arpSha", "arpSpa", "arpTha", "arpTpa"];
    private static readonly string[] IpKeys = ["ipSrc", "ipDst", "ipProto", "srcPort", "dstPort"];
    private static readonly string[] FieldKeys = ["ethSrc", "ethDst", "vlan", "ethType", .. ArpKeys, .. IpKeys];
    private static readonly HashSet<string> Known = new(["host", "inPort", "frame", "tunId", "format", .. FieldKeys], StringComparer.Ordinal);

    /// <summary>Parses everything but the in_port, which needs the switch's ports (see <see cref="ResolveInPort"/>).</summary>
    public static TraceQuery Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new RequestErrors();
        foreach (var (key, values) in query)
        {
            if (!Known.Contains(key))
            {
                errors.Add(key, $"unknown query parameter '{key}'.");
            }
            else if (values.Count > 1)
            {
                errors.Add(key, $"{key} given {values.Count} times.");
            }
        }

        string? Get(string key) => query.TryGetValue(key, out var v) && v.Count == 1 ? v[0] : null;
        var host = Get("host");
        if (string.IsNullOrEmpty(host))
        {
            errors.Add("host", "host is required (a host id or name).");
        }

        var inPort = Get("inPort");
        if (string.IsNullOrEmpty(inPort))
        {
            errors.Add("inPort", "inPort is required (a port number or name on the host's br-tun).");
        }

        var text = Get("format") switch
        {
            null or "json" => false,
            "text" => true,
            var other => Fail(errors, "format", $"format must be json or text; got '{other}'.", false),
        };
        var tunId = Get("tunId") is { } t ? ParseUInt64(errors, "tunId", t) : 0;
        TracePacket? packet;
        if (Get("frame") is { } frame)
        {
            foreach (var k in FieldKeys.Where(query.ContainsKey))
            {
                errors.Add(k, $"{k} cannot be combined with frame (the frame carries it).");
            }

            packet = ParseFrame(errors, frame, tunId);
        }
        else
        {
            packet = ParseFields(errors, Get, query, tunId);
        }

        errors.ThrowIfAny();
        return new TraceQuery(host!, inPort!, packet!, text);
    }

    /// <summary>The in_port as a number: a decimal port number, or the name of one of <paramref name="view"/>'s ports.</summary>
    public uint ResolveInPort(SwitchView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (uint.TryParse(InPort, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            if (view.PortNames.ContainsKey(n))
            {
                return n;
            }

            throw new Store.StoreValidationException("inPort", $"the switch has no port {n}; it has {Ports(view)}.");
        }

        var port = view.Switch.FindPort(InPort)
            ?? throw new Store.StoreValidationException("inPort", $"the switch has no port named '{InPort}'; it has {Ports(view)}.");
        return port.Number;
    }

    private static string Ports(SwitchView view) =>
        string.Join(", ", view.Switch.Ports.OrderBy(p => p.Number).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Number} ({p.Name})")));

    private static TracePacket? ParseFrame(RequestErrors errors, string hex, ulong tunId)
    {
        var clean = hex.Replace(":", string.Empty, StringComparison.Ordinal).Replace(" ", string.Empty, StringComparison.Ordinal);
        if (clean.Length == 0 || clean.Length % 2 != 0 || clean.Length > 2 * MaxFrameBytes || !clean.All(char.IsAsciiHexDigit))
        {
            errors.Add("frame", $"frame must be an even number of hex digits (at most {MaxFrameBytes} bytes).");
            return null;
        }

        if (!TracePacket.TryFromFrame(Convert.FromHexString(clean), 0, tunId, out var packet))
        {
            errors.Add("frame", "frame is not a parsable Ethernet frame (at least 14 bytes; ARP/IPv4/L4 headers complete; at most one VLAN tag).");
            return null;
        }

        return packet;
    }

    private static TracePacket? ParseFields(RequestErrors errors, Func<string, string?> get, IQueryCollection query, ulong tunId)
    {
        var src = Mac(errors, "ethSrc", get("ethSrc"), required: true);
        var dst = Mac(errors, "ethDst", get("ethDst"), required: true);
        ushort? vlan = null;
        if (get("vlan") is { } v)
        {
            if (ushort.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id <= 4095)
            {
                vlan = id;
            }
            else
            {
                errors.Add("vlan", $"vlan must be a VLAN id 0..4095 (omit it for an untagged frame); got '{v}'.");
            }
        }

        var anyArp = ArpKeys.Any(query.ContainsKey);
        var anyIp = IpKeys.Any(query.ContainsKey);
        ushort ethType = get("ethType") switch
        {
            null => anyArp ? TracePacket.EtherTypeArp : TracePacket.EtherTypeIpv4,
            "arp" => TracePacket.EtherTypeArp,
            "ipv4" or "ip" => TracePacket.EtherTypeIpv4,
            var e => (ushort)ParseNumber(errors, "ethType", e, ushort.MaxValue),
        };
        if (anyArp && ethType != TracePacket.EtherTypeArp)
        {
            errors.Add("ethType", "ARP fields need ethType=arp.");
        }

        if (anyIp && ethType != TracePacket.EtherTypeIpv4)
        {
            errors.Add("ethType", "IPv4 fields need ethType=ipv4.");
        }

        var p = new TracePacket { TunId = tunId, EthSrc = new MacAddress(src), EthDst = new MacAddress(dst), VlanId = vlan, EthType = ethType };
        if (ethType == TracePacket.EtherTypeArp)
        {
            var op = get("arpOp") switch
            {
                null or "request" or "1" => (ushort)1,
                "reply" or "2" => (ushort)2,
                var o => (ushort)ParseNumber(errors, "arpOp", o, ushort.MaxValue),
            };
            p = p with
            {
                ArpOp = op,
                ArpSha = get("arpSha") is { } sha ? new MacAddress(Mac(errors, "arpSha", sha, true)) : p.EthSrc,
                ArpTha = new MacAddress(Mac(errors, "arpTha", get("arpTha"), false)),
                ArpSpa = Ip(errors, "arpSpa", get("arpSpa")),
                ArpTpa = Ip(errors, "arpTpa", get("arpTpa")),
            };
        }
        else if (ethType == TracePacket.EtherTypeIpv4)
        {
            var proto = get("ipProto") switch
            {
                null => (byte)0,
                "icmp" => (byte)1,
                "tcp" => (byte)6,
                "udp" => (byte)17,
                var x => (byte)ParseNumber(errors, "ipProto", x, byte.MaxValue),
            };
            p = p with { Ipv4Src = Ip(errors, "ipSrc", get("ipSrc")), Ipv4Dst = Ip(errors, "ipDst", get("ipDst")), IpProto = proto };
            foreach (var (key, isSrc) in new[] { ("srcPort", true), ("dstPort", false) })
            {
                if (get(key) is not { } text)
                {
                    continue;
                }

                if (!p.HasL4Ports)
                {
                    errors.Add(key, $"{key} needs ipProto tcp, udp or 132 (sctp).");
                    continue;
                }

                var port = (ushort)ParseNumber(errors, key, text, ushort.MaxValue);
                p = isSrc ? p with { L4Src = port } : p with { L4Dst = port };
            }
        }

        return p;
    }

    private static ulong Mac(RequestErrors errors, string field, string? text, bool required)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required (a MAC address like 02:00:00:00:00:01), or give frame.");
            }

            return 0;
        }

        if (!OpenFlow.MacAddress.TryParse(text, out var mac))
        {
            errors.Add(field, $"{field} must be a MAC address like 02:00:00:00:00:01; got '{text}'.");
        }

        return mac.Value;
    }

    private static uint Ip(RequestErrors errors, string field, string? text)
    {
        if (text is null)
        {
            return 0;
        }

        if (!WireFormat.TryParseIPv4(text, out var ip))
        {
            errors.Add(field, $"{field} must be a dotted-quad IPv4 address; got '{text}'.");
            return 0;
        }

        return TracePacket.Ip(ip);
    }

    private static ulong ParseNumber(RequestErrors errors, string field, string text, ulong max)
    {
        var ok = text.StartsWith("0x", StringComparison.Ordinal)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out v);
        if (!ok || v > max)
        {
            errors.Add(field, string.Create(CultureInfo.InvariantCulture, $"{field} must be a number 0..{max} (decimal or 0x-hex); got '{text}'."));
            return 0;
        }

        return v;
    }

    private static ulong ParseUInt64(RequestErrors errors, string field, string text) => ParseNumber(errors, field, text, ulong.MaxValue);

    private static T Fail<T>(RequestErrors errors, string field, string message, T value)
    {
        errors.Add(field, message);
        return value;
    }
}
