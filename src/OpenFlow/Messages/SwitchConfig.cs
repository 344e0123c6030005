using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Fragment handling flags of <c>struct ofp_switch_config</c>.</summary>
[Flags]
public enum ConfigFlags : ushort
{
    FragNormal = 0,
    FragDrop = 1,
    FragReasm = 2,
}

/// <summary>OFPT_GET_CONFIG_REQUEST: header only.</summary>
public sealed record GetConfigRequest : OfpMessage
{
    public override OfpType Type => OfpType.GetConfigRequest;

    public override void WriteBody(ref OfpWriter writer)
    {
    }

    public static GetConfigRequest Read(ref OfpReader r, in OfpHeader h)
    {
        r.ExpectEnd("GET_CONFIG_REQUEST");
        return new GetConfigRequest { Xid = h.Xid };
    }
}

/// <summary>OFPT_GET_CONFIG_REPLY: header | flags(2) | miss_send_len(2).</summary>
public sealed record GetConfigReply : OfpMessage
{
    public override OfpType Type => OfpType.GetConfigReply;

    public ConfigFlags Flags { get; init; }

    public ushort MissSendLen { get; init; }

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Flags);
        writer.WriteUInt16(MissSendLen);
    }

    public static GetConfigReply Read(ref OfpReader r, in OfpHeader h)
    {
        var m = new GetConfigReply { Xid = h.Xid, Flags = (ConfigFlags)r.ReadUInt16(), MissSendLen = r.ReadUInt16() };
        r.ExpectEnd("GET_CONFIG_REPLY");
        return m;
    }
}

/// <summary>OFPT_SET_CONFIG: header | flags(2) | miss_send_len(2).</summary>
public sealed record SetConfig : OfpMessage
{
    public override OfpType Type => OfpType.SetConfig;

    public ConfigFlags Flags { get; init; }

    /// <summary>Bytes of a table-miss packet sent to the controller; 0xffff sends it whole.</summary>
    public ushort MissSendLen { get; init; } = OfpConstants.ControllerMaxLenNoBuffer;

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Flags);
        writer.WriteUInt16(MissSendLen);
    }

    public static SetConfig Read(ref OfpReader r, in OfpHeader h)
    {
        var m = new SetConfig { Xid = h.Xid, Flags = (ConfigFlags)r.ReadUInt16(), MissSendLen = r.ReadUInt16() };
        r.ExpectEnd("SET_CONFIG");
        return m;
    }
}
