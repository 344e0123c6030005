using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Controller roles (<c>enum ofp_controller_role</c>).</summary>
public enum ControllerRole : uint
{
    NoChange = 0,
    Equal = 1,
    Master = 2,
    Slave = 3,
}

/// <summary>OFPT_ROLE_REQUEST (<c>struct ofp_role_request</c>): header | role(4) | pad(4) | generation_id(8).</summary>
public sealed record RoleRequest : OfpMessage
{
    public override OfpType Type => OfpType.RoleRequest;

    public ControllerRole Role { get; init; }

    public ulong GenerationId { get; init; }

    public override void WriteBody(ref OfpWriter writer) => RoleCodec.Write(ref writer, Role, GenerationId);

    public static RoleRequest Read(ref OfpReader r, in OfpHeader h)
    {
        var (role, gen) = RoleCodec.Read(ref r, "ROLE_REQUEST");
        return new RoleRequest { Xid = h.Xid, Role = role, GenerationId = gen };
    }
}

/// <summary>OFPT_ROLE_REPLY: same layout as the request.</summary>
public sealed record RoleReply : OfpMessage
{
    public override OfpType Type => OfpType.RoleReply;

    public ControllerRole Role { get; init; }

    public ulong GenerationId { get; init; }

    public override void WriteBody(ref OfpWriter writer) => RoleCodec.Write(ref writer, Role, GenerationId);

    public static RoleReply Read(ref OfpReader r, in OfpHeader h)
    {
        var (role, gen) = RoleCodec.Read(ref r, "ROLE_REPLY");
        return new RoleReply { Xid = h.Xid, Role = role, GenerationId = gen };
    }
}

internal static class RoleCodec
{
    public static void Write(ref OfpWriter w, ControllerRole role, ulong generation)
    {
        w.WriteUInt32((uint)role);
        w.WriteZeros(4);
        w.WriteUInt64(generation);
    }

    public static (ControllerRole Role, ulong Generation) Read(ref OfpReader r, string what)
    {
        var role = (ControllerRole)r.ReadUInt32();
        r.Skip(4);
        var gen = r.ReadUInt64();
        r.ExpectEnd(what);
        return (role, gen);
    }
}
