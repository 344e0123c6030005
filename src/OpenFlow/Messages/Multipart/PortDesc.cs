using System.Collections.Immutable;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPMP_PORT_DESC request: empty body.</summary>
public sealed record PortDescRequest : MultipartRequestBody
{
    public override MultipartType MultipartType => MultipartType.PortDesc;

    public override void Write(ref OfpWriter w)
    {
    }

    internal static PortDescRequest Read(ref OfpReader r)
    {
        r.ExpectEnd("PORT_DESC request");
        return new PortDescRequest();
    }
}

/// <summary>OFPMP_PORT_DESC reply: an array of 64-byte <see cref="Port"/>s.</summary>
public sealed record PortDescReply : MultipartReplyBody
{
    public override MultipartType MultipartType => MultipartType.PortDesc;

    public ImmutableArray<Port> Ports { get; init; } = [];

    public override void Write(ref OfpWriter w)
    {
        foreach (var p in Ports)
        {
            p.Write(ref w);
        }
    }

    internal static PortDescReply Read(ref OfpReader r) =>
        new() { Ports = EntryList.ReadFixed(ref r, Port.Size, Port.Read, "port") };

    public bool Equals(PortDescReply? other) => other is not null && EntryList.Equal(Ports, other.Ports);

    public override int GetHashCode() => EntryList.Hash(Ports);
}
