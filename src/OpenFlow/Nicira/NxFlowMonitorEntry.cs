using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>One monitor of a flow monitor request (<c>struct onf_flow_monitor_request</c>, the OpenFlow 1.3 form of <c>nx_flow_monitor_request</c>).</summary>
/// <remarks>
/// <code>
/// id(4) | flags(2) | match_len(2) | out_port(4) | table_id(1) | zeros(3) | ofp_match (padded to 8)
/// </code>
/// match_len is the unpadded length of the ofp_match (its own length field). A flow monitor has no
/// cookie filter: a controller that wants its own cookies filters the updates itself.
/// </remarks>
public sealed record NxFlowMonitorEntry
{
    public const int HeaderSize = 16;

    /// <summary>Chosen by the controller, unique among this connection's monitors; used to cancel it.</summary>
    public uint Id { get; init; }

    public NxFlowMonitorFlags Flags { get; init; } = NxFlowMonitorFlags.Add | NxFlowMonitorFlags.Delete | NxFlowMonitorFlags.Modify;

    /// <summary>Only flows that output to this port; OFPP_ANY for all.</summary>
    public uint OutPort { get; init; } = OfpPort.Any;

    /// <summary>One table, or 0xff for all.</summary>
    public byte TableId { get; init; } = OfpConstants.AllTables;

    public Match Match { get; init; } = Match.Empty;

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Id);
        w.WriteUInt16((ushort)Flags);
        var matchLen = w.ReserveUInt16();
        w.WriteUInt32(OutPort);
        w.WriteUInt8(TableId);
        w.WriteZeros(3);
        var start = w.Position;
        Match.Write(ref w);
        w.PatchUInt16(matchLen, MatchLength(w.Written[start..]));
    }

    internal static NxFlowMonitorEntry Read(ref OfpReader r)
    {
        var at = r.Offset;
        var id = r.ReadUInt32();
        var flags = (NxFlowMonitorFlags)r.ReadUInt16();
        var matchLen = r.ReadUInt16();
        var outPort = r.ReadUInt32();
        var table = r.ReadUInt8();
        if (r.ReadUInt8() != 0 || r.ReadUInt16() != 0)
        {
            throw OfpDecodeException.BadLen(at + 13, "flow monitor request zeros are not zero");
        }

        CheckMatchLength(ref r, matchLen);
        var match = Match.Read(ref r);
        return new NxFlowMonitorEntry { Id = id, Flags = flags, OutPort = outPort, TableId = table, Match = match };
    }

    /// <summary>The ofp_match's own (unpadded) length, from its header just written.</summary>
    internal static ushort MatchLength(ReadOnlySpan<byte> writtenMatch) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(writtenMatch[2..]);

    /// <summary>OVS writes match_len as the ofp_match's own unpadded length; anything else is refused.</summary>
    internal static void CheckMatchLength(ref OfpReader r, ushort matchLen)
    {
        var declared = r.PeekUInt16(2);
        if (declared != matchLen)
        {
            throw OfpDecodeException.BadLen(r.Offset, $"match_len {matchLen} differs from the match's length {declared}");
        }
    }
}
