using System.Collections.Immutable;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary><c>enum ofp_flow_mod_command</c>.</summary>
public enum FlowModCommand : byte
{
    Add = 0,
    Modify = 1,
    ModifyStrict = 2,
    Delete = 3,
    DeleteStrict = 4,
}

/// <summary><c>enum ofp_flow_mod_flags</c>.</summary>
[Flags]
public enum FlowModFlags : ushort
{
    None = 0,
    SendFlowRem = 1 << 0,
    CheckOverlap = 1 << 1,
    ResetCounts = 1 << 2,
    NoPktCounts = 1 << 3,
    NoBytCounts = 1 << 4,
}

/// <summary>OFPT_FLOW_MOD (<c>struct ofp_flow_mod</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | cookie(8) | cookie_mask(8) | table_id(1) | command(1) | idle_timeout(2) | hard_timeout(2)
/// | priority(2) | buffer_id(4) | out_port(4) | out_group(4) | flags(2) | pad(2)      = 56 bytes
/// | ofp_match (padded to 8) | instructions...
/// </code>
/// </remarks>
public sealed record FlowMod : OfpMessage
{
    public override OfpType Type => OfpType.FlowMod;

    public Cookie Cookie { get; init; }

    public ulong CookieMask { get; init; }

    public byte TableId { get; init; }

    public FlowModCommand Command { get; init; }

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public ushort Priority { get; init; } = 0x8000;

    public uint BufferId { get; init; } = OfpConstants.NoBuffer;

    public uint OutPort { get; init; } = OfpPort.Any;

    public uint OutGroup { get; init; } = OfpConstants.GroupAny;

    public FlowModFlags Flags { get; init; }

    public Match Match { get; init; } = Match.Empty;

    public ImmutableArray<OfpInstruction> Instructions { get; init; } = [];

    public override void WriteBody(ref OfpWriter w)
    {
        // The fixed part as six 64-bit writes: this is the controller's hottest encoder.
        w.WriteUInt64(Cookie.Value);
        w.WriteUInt64(CookieMask);
        w.WriteUInt64(((ulong)TableId << 56) | ((ulong)Command << 48) | ((ulong)IdleTimeout << 32) | ((ulong)HardTimeout << 16) | Priority);
        w.WriteUInt64(((ulong)BufferId << 32) | OutPort);
        w.WriteUInt64(((ulong)OutGroup << 32) | ((ulong)(ushort)Flags << 16));
        Match.Write(ref w);
        OfpInstruction.WriteList(ref w, Instructions);
    }

    public static FlowMod Read(ref OfpReader r, in OfpHeader h)
    {
        var cookie = new Cookie(r.ReadUInt64());
        var cookieMask = r.ReadUInt64();
        var table = r.ReadUInt8();
        var command = r.ReadUInt8();
        if (command > (byte)FlowModCommand.DeleteStrict)
        {
            throw new OfpDecodeException(ErrorType.FlowModFailed, (ushort)FlowModFailedCode.BadCommand, r.Offset - 1, $"unknown flow_mod command {command}");
        }

        var idle = r.ReadUInt16();
        var hard = r.ReadUInt16();
        var prio = r.ReadUInt16();
        var buffer = r.ReadUInt32();
        var outPort = r.ReadUInt32();
        var outGroup = r.ReadUInt32();
        var flags = (FlowModFlags)r.ReadUInt16();
        r.Skip(2);
        var match = Match.Read(ref r);
        var instructions = OfpInstruction.ReadList(ref r);
        return new FlowMod
        {
            Xid = h.Xid,
            Cookie = cookie,
            CookieMask = cookieMask,
            TableId = table,
            Command = (FlowModCommand)command,
            IdleTimeout = idle,
            HardTimeout = hard,
            Priority = prio,
            BufferId = buffer,
            OutPort = outPort,
            OutGroup = outGroup,
            Flags = flags,
            Match = match,
            Instructions = instructions,
        };
    }

    public bool Equals(FlowMod? other) =>
        other is not null && Xid == other.Xid && Cookie == other.Cookie && CookieMask == other.CookieMask
        && TableId == other.TableId && Command == other.Command && IdleTimeout == other.IdleTimeout
        && HardTimeout == other.HardTimeout && Priority == other.Priority && BufferId == other.BufferId
        && OutPort == other.OutPort && OutGroup == other.OutGroup && Flags == other.Flags
        && Match.Equals(other.Match) && Instructions.SequenceEqual(other.Instructions);

    public override int GetHashCode() => HashCode.Combine(Xid, Cookie, TableId, Command, Priority, Match);
}
