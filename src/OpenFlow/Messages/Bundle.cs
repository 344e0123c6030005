using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Bundle control types (<c>enum ofp14_bundle_ctrl_type</c>).</summary>
public enum BundleControlType : ushort
{
    OpenRequest = 0,
    OpenReply = 1,
    CloseRequest = 2,
    CloseReply = 3,
    CommitRequest = 4,
    CommitReply = 5,
    DiscardRequest = 6,
    DiscardReply = 7,
}

/// <summary>Bundle flags (<c>enum ofp14_bundle_flags</c>).</summary>
[Flags]
public enum BundleFlags : ushort
{
    None = 0,
    Atomic = 1,
    Ordered = 2,
}

/// <summary>
/// ONF bundle extension on OpenFlow 1.3, ONFT_BUNDLE_CONTROL: an experimenter message with the ONF id
/// and exp_type 2300 carrying the OpenFlow 1.4 bundle control body.
/// </summary>
/// <remarks>
/// <code>
/// header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=2300 | bundle_id(4) | type(2) | flags(2) | properties...
/// </code>
/// OVS (ovs-ofctl --bundle) sends OPEN_REQUEST with flags ATOMIC|ORDERED, the adds, then COMMIT_REQUEST,
/// and waits for the matching *_REPLY with the same bundle id and xid. Properties are kept verbatim.
/// </remarks>
public sealed record BundleControl : OfpMessage
{
    public const uint ExpType = 2300;

    public override OfpType Type => OfpType.Experimenter;

    public uint BundleId { get; init; }

    public BundleControlType ControlType { get; init; }

    public BundleFlags Flags { get; init; }

    /// <summary>Raw bundle properties (rarely used; OVS sends none).</summary>
    public Octets Properties { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
        writer.WriteUInt32(BundleId);
        writer.WriteUInt16((ushort)ControlType);
        writer.WriteUInt16((ushort)Flags);
        writer.WriteBytes(Properties.Span);
    }

    internal static BundleControl ReadBody(ref OfpReader r, in OfpHeader h)
    {
        var id = r.ReadUInt32();
        var type = (BundleControlType)r.ReadUInt16();
        var flags = (BundleFlags)r.ReadUInt16();
        return new BundleControl { Xid = h.Xid, BundleId = id, ControlType = type, Flags = flags, Properties = Octets.CopyOf(r.ReadBytes(r.Remaining)) };
    }
}

/// <summary>
/// ONF bundle extension on OpenFlow 1.3, ONFT_BUNDLE_ADD_MESSAGE (exp_type 2301): one complete
/// OpenFlow message to add to an open bundle.
/// </summary>
/// <remarks>
/// <code>
/// header(8, type 4) | experimenter(4)=0x4f4e4600 | exp_type(4)=2301 | bundle_id(4) | pad(2) | flags(2)
/// | message (a whole OpenFlow message, header included) | [pad to 8 | properties...]
/// </code>
/// Bundles do not nest: an inner bundle message is rejected.
/// </remarks>
public sealed record BundleAdd : OfpMessage
{
    public const uint ExpType = 2301;

    public override OfpType Type => OfpType.Experimenter;

    public uint BundleId { get; init; }

    public BundleFlags Flags { get; init; }

    /// <summary>The message to add (usually a FLOW_MOD, GROUP_MOD or PORT_MOD); it has its own xid.</summary>
    public OfpMessage Message { get; init; } = new BarrierRequest();

    /// <summary>Raw properties after the (8-byte padded) inner message; empty in what OVS sends.</summary>
    public Octets Properties { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        if (Message.Type == OfpType.Experimenter && Message is BundleAdd or BundleControl)
        {
            throw new OfpEncodeException("bundle messages do not nest");
        }

        writer.WriteUInt32(OfpConstants.OnfExperimenter);
        writer.WriteUInt32(ExpType);
        writer.WriteUInt32(BundleId);
        writer.WriteZeros(2);
        writer.WriteUInt16((ushort)Flags);
        var start = writer.Position;
        writer.WriteUInt8(Message.WireVersion);
        writer.WriteUInt8((byte)Message.Type);
        var len = writer.ReserveUInt16();
        writer.WriteUInt32(Message.Xid);
        Message.WriteBody(ref writer);
        writer.PatchLength(len, start);
        if (Properties.Length > 0)
        {
            writer.Pad8(start);
            writer.WriteBytes(Properties.Span);
        }
    }

    internal static BundleAdd ReadBody(ref OfpReader r, in OfpHeader h)
    {
        var id = r.ReadUInt32();
        r.Skip(2);
        var flags = (BundleFlags)r.ReadUInt16();
        var at = r.Offset;
        var len = r.PeekTlvLength(2, OfpHeader.Size, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
        var innerType = (OfpType)r.Rest[1];
        if (innerType == OfpType.Experimenter && len >= 16
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(r.Rest[8..]) == OfpConstants.OnfExperimenter)
        {
            throw OfpDecodeException.BadRequest(BadRequestCode.BadExperimenter, at, "bundle messages do not nest");
        }

        var inner = MessageCodec.Decode(r.ReadBytes(len));
        var props = Octets.Empty;
        if (!r.IsEmpty)
        {
            var pad = ((len + 7) / 8 * 8) - len;
            r.Skip(pad);
            props = Octets.CopyOf(r.ReadBytes(r.Remaining));
        }

        return new BundleAdd { Xid = h.Xid, BundleId = id, Flags = flags, Message = inner, Properties = props };
    }
}
