using System.Globalization;
using Apps.Trace;
using Controller.Api;

namespace Controller.Trace;

/// <summary>The JSON answer of <c>GET /api/v1/trace</c>: the hops in trace order, each with its steps and outputs.</summary>
public sealed record TraceResponse(string HostId, uint InPort, TracePacketDto Packet, IReadOnlyList<TraceHopDto> Hops, IReadOnlyList<TraceDeliveryDto> Deliveries);

public sealed record TraceHopDto(
    int Index,
    int? FromHop,
    string HostId,
    string HostName,
    string DatapathId,
    uint InPort,
    string InPortName,
    TracePacketDto Input,
    string Verdict,
    string? Error,
    IReadOnlyList<TraceStepDto> Steps,
    IReadOnlyList<TraceOutputDto> Outputs);

public sealed record TraceStepDto(int Table, int? Priority, string? Flow, IReadOnlyList<string> Actions, IReadOnlyList<string> WouldLearn, string? Note, TracePacketDto Packet);

public sealed record TraceOutputDto(
    uint Port,
    string PortName,
    string Kind,
    string? ToHostId,
    int? NextHop,
    string? NetworkId,
    IReadOnlyList<TraceVmPortDto>? VmPorts,
    string? Note,
    TracePacketDto Packet);

public sealed record TraceVmPortDto(string Id, string Name, string Mac, string? Ip);

/// <summary>Where the packet ended up on a br-int: host, network, VM ports (one per delivery output).</summary>
public sealed record TraceDeliveryDto(string HostId, int Hop, string? NetworkId, IReadOnlyList<TraceVmPortDto> VmPorts, TracePacketDto Packet);

public sealed record TraceArpDto(int Op, string Sha, string Spa, string Tha, string Tpa);

public sealed record TraceIpv4Dto(string Src, string Dst, int Proto, int? SrcPort, int? DstPort);

/// <summary>A packet's fields; <see cref="Flow"/> is the same in ovs-ofctl's flow syntax (what ofproto/trace takes).</summary>
public sealed record TracePacketDto(uint InPort, string EthSrc, string EthDst, int? Vlan, string EthType, TraceArpDto? Arp, TraceIpv4Dto? Ipv4, string TunId, string Flow)
{
    public static TracePacketDto From(TracePacket p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(
            p.InPort,
            p.EthSrc.ToString(),
            p.EthDst.ToString(),
            p.VlanId,
            "0x" + p.EthType.ToString("x4", CultureInfo.InvariantCulture),
            p.IsArp ? new TraceArpDto(p.ArpOp, p.ArpSha.ToString(), TracePacket.Ip(p.ArpSpa), p.ArpTha.ToString(), TracePacket.Ip(p.ArpTpa)) : null,
            p.IsIpv4 ? new TraceIpv4Dto(TracePacket.Ip(p.Ipv4Src), TracePacket.Ip(p.Ipv4Dst), p.IpProto, p.HasL4Ports ? p.L4Src : null, p.HasL4Ports ? p.L4Dst : null) : null,
            "0x" + p.TunId.ToString("x", CultureInfo.InvariantCulture),
            p.ToOvsFlow());
    }
}

internal static class TraceMapping
{
    public static TraceResponse ToResponse(this IReadOnlyList<TraceHop> hops, string hostId, uint inPort)
    {
        var dtos = hops.Select(h => new TraceHopDto(
            h.Index,
            h.FromHop,
            h.Host.Id,
            h.Host.Name,
            new OpenFlow.DatapathId(h.Host.DatapathId!.Value).ToString(),
            h.Trace.Input.InPort,
            h.InPortName,
            TracePacketDto.From(h.Trace.Input),
            Verdict(h.Trace.Verdict),
            h.Trace.Error,
            [.. h.Trace.Steps.Select(s => new TraceStepDto(s.Table, s.Flow?.Priority, s.FlowText, s.Actions, s.Learned, s.Note, TracePacketDto.From(s.Packet)))],
            [.. h.Outputs.Select(o => new TraceOutputDto(o.Port, o.PortName, Kind(o.Kind), o.ToHostId, o.NextHop, o.Network?.Id, o.VmPorts?.Select(Vm).ToList(), o.Note, TracePacketDto.From(o.Packet)))])).ToList();
        var deliveries = hops.SelectMany(h => h.Outputs.Where(o => o.Kind == HopOutputKind.Delivered)
            .Select(o => new TraceDeliveryDto(h.Host.Id, h.Index, o.Network?.Id, [.. (o.VmPorts ?? []).Select(Vm)], TracePacketDto.From(o.Packet)))).ToList();
        return new TraceResponse(hostId, inPort, TracePacketDto.From(hops[0].Trace.Input), dtos, deliveries);
    }

    public static string Verdict(TraceVerdict v) => v switch
    {
        TraceVerdict.Output => "output",
        TraceVerdict.TableMiss => "table-miss",
        TraceVerdict.Dropped => "dropped",
        _ => "unsupported",
    };

    public static string Kind(HopOutputKind k) => k switch
    {
        HopOutputKind.Tunnel => "tunnel",
        HopOutputKind.Delivered => "delivered",
        HopOutputKind.Controller => "controller",
        HopOutputKind.TunnelUnresolved => "tunnel-unresolved",
        HopOutputKind.HopLimit => "hop-limit",
        _ => "other",
    };

    private static TraceVmPortDto Vm(Apps.Model.PortInfo p) => new(p.Id, p.Name, new OpenFlow.MacAddress(p.Mac).ToString(), p.Ip?.ToString());
}
