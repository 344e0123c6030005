using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_QUEUE_GET_CONFIG_REQUEST: header | port(4) | pad(4).</summary>
public sealed record QueueGetConfigRequest : OfpMessage
{
    public override OfpType Type => OfpType.QueueGetConfigRequest;

    /// <summary>The port to query, or OFPP_ANY for all ports.</summary>
    public uint Port { get; init; } = OfpPort.Any;

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(Port);
        writer.WriteZeros(4);
    }

    public static QueueGetConfigRequest Read(ref OfpReader r, in OfpHeader h)
    {
        var port = r.ReadUInt32();
        r.Skip(4);
        r.ExpectEnd("QUEUE_GET_CONFIG_REQUEST");
        return new QueueGetConfigRequest { Xid = h.Xid, Port = port };
    }
}

/// <summary>OFPT_QUEUE_GET_CONFIG_REPLY: header | port(4) | pad(4) | ofp_packet_queue...</summary>
public sealed record QueueGetConfigReply : OfpMessage
{
    public override OfpType Type => OfpType.QueueGetConfigReply;

    public uint Port { get; init; }

    public ImmutableArray<PacketQueue> Queues { get; init; } = [];

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(Port);
        writer.WriteZeros(4);
        foreach (var q in Queues)
        {
            q.Write(ref writer);
        }
    }

    public static QueueGetConfigReply Read(ref OfpReader r, in OfpHeader h)
    {
        var port = r.ReadUInt32();
        r.Skip(4);
        var queues = EntryList.ReadLengthPrefixed(ref r, 8, PacketQueue.HeaderSize, PacketQueue.Read, "packet queue",
            ErrorType.QueueOpFailed, (ushort)QueueOpFailedCode.BadQueue);
        return new QueueGetConfigReply { Xid = h.Xid, Port = port, Queues = queues };
    }

    public bool Equals(QueueGetConfigReply? other) =>
        other is not null && Xid == other.Xid && Port == other.Port && EntryList.Equal(Queues, other.Queues);

    public override int GetHashCode() => HashCode.Combine(Xid, Port, EntryList.Hash(Queues));
}

/// <summary>One queue (<c>struct ofp_packet_queue</c>): queue_id(4) | port(4) | len(2) | pad(6) | properties...</summary>
public sealed record PacketQueue
{
    public const int HeaderSize = 16;

    public uint QueueId { get; init; }

    public uint Port { get; init; }

    public ImmutableArray<QueueProperty> Properties { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt32(QueueId);
        w.WriteUInt32(Port);
        var len = w.ReserveUInt16();
        w.WriteZeros(6);
        foreach (var p in Properties)
        {
            p.Write(ref w);
        }

        w.PatchLength(len, start);
    }

    internal static PacketQueue Read(ref OfpReader r)
    {
        var id = r.ReadUInt32();
        var port = r.ReadUInt32();
        r.Skip(8);
        var props = EntryList.ReadLengthPrefixed(ref r, 2, QueueProperty.HeaderSize, QueueProperty.Read, "queue property",
            ErrorType.QueueOpFailed, (ushort)QueueOpFailedCode.BadQueue);
        return new PacketQueue { QueueId = id, Port = port, Properties = props };
    }

    public bool Equals(PacketQueue? other) =>
        other is not null && QueueId == other.QueueId && Port == other.Port && EntryList.Equal(Properties, other.Properties);

    public override int GetHashCode() => HashCode.Combine(QueueId, Port, EntryList.Hash(Properties));
}

/// <summary><c>enum ofp_queue_properties</c>.</summary>
public enum QueuePropertyType : ushort
{
    MinRate = 1,
    MaxRate = 2,
    Experimenter = 0xffff,
}

/// <summary>A queue property (<c>struct ofp_queue_prop_header</c>: property(2) | len(2) | pad(4) | body).</summary>
public abstract record QueueProperty
{
    public const int HeaderSize = 8;

    public abstract QueuePropertyType PropertyType { get; }

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16((ushort)PropertyType);
        var len = w.ReserveUInt16();
        w.WriteZeros(4);
        WriteBody(ref w);
        w.PatchLength(len, start);
    }

    protected abstract void WriteBody(ref OfpWriter w);

    internal static QueueProperty Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = (QueuePropertyType)r.ReadUInt16();
        r.Skip(6);
        return type switch
        {
            QueuePropertyType.MinRate => new MinRateProperty { Rate = RateProperty(ref r) },
            QueuePropertyType.MaxRate => new MaxRateProperty { Rate = RateProperty(ref r) },
            QueuePropertyType.Experimenter => ExperimenterQueueProperty.ReadBody(ref r),
            _ => throw new OfpDecodeException(ErrorType.QueueOpFailed, (ushort)QueueOpFailedCode.BadQueue, at, $"unknown queue property {(ushort)type}"),
        };
    }

    private static ushort RateProperty(ref OfpReader r)
    {
        var rate = r.ReadUInt16();
        r.Skip(6);
        r.ExpectEnd("queue rate property");
        return rate;
    }
}

/// <summary>OFPQT_MIN_RATE: rate(2, in 1/10 of a percent; &gt;1000 = disabled) | pad(6).</summary>
public sealed record MinRateProperty : QueueProperty
{
    public override QueuePropertyType PropertyType => QueuePropertyType.MinRate;

    public ushort Rate { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16(Rate);
        w.WriteZeros(6);
    }
}

/// <summary>OFPQT_MAX_RATE: rate(2, in 1/10 of a percent; &gt;1000 = disabled) | pad(6).</summary>
public sealed record MaxRateProperty : QueueProperty
{
    public override QueuePropertyType PropertyType => QueuePropertyType.MaxRate;

    public ushort Rate { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16(Rate);
        w.WriteZeros(6);
    }
}

/// <summary>OFPQT_EXPERIMENTER: experimenter(4) | pad(4) | data...</summary>
public sealed record ExperimenterQueueProperty : QueueProperty
{
    public override QueuePropertyType PropertyType => QueuePropertyType.Experimenter;

    public uint Experimenter { get; init; }

    public Octets Data { get; init; }

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt32(Experimenter);
        w.WriteZeros(4);
        w.WriteBytes(Data.Span);
    }

    internal static ExperimenterQueueProperty ReadBody(ref OfpReader r)
    {
        var exp = r.ReadUInt32();
        r.Skip(4);
        return new ExperimenterQueueProperty { Experimenter = exp, Data = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
}
