using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary><c>enum ofp_meter_mod_command</c>.</summary>
public enum MeterModCommand : ushort
{
    Add = 0,
    Modify = 1,
    Delete = 2,
}

/// <summary><c>enum ofp_meter_flags</c>.</summary>
[Flags]
public enum MeterFlags : ushort
{
    None = 0,
    Kbps = 1 << 0,
    Pktps = 1 << 1,
    Burst = 1 << 2,
    Stats = 1 << 3,
}

/// <summary>Special meter ids (<c>enum ofp_meter</c>).</summary>
public static class OfpMeter
{
    public const uint Max = 0xffff0000;
    public const uint SlowPath = 0xfffffffd;
    public const uint Controller = 0xfffffffe;
    public const uint All = 0xffffffff;
}

/// <summary>OFPT_METER_MOD (<c>struct ofp_meter_mod</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | command(2) | flags(2) | meter_id(4) | bands...
/// </code>
/// </remarks>
public sealed record MeterMod : OfpMessage
{
    public override OfpType Type => OfpType.MeterMod;

    public MeterModCommand Command { get; init; }

    public MeterFlags Flags { get; init; }

    public uint MeterId { get; init; }

    public ImmutableArray<MeterBand> Bands { get; init; } = [];

    public override void WriteBody(ref OfpWriter writer)
    {
        writer.WriteUInt16((ushort)Command);
        writer.WriteUInt16((ushort)Flags);
        writer.WriteUInt32(MeterId);
        MeterBand.WriteList(ref writer, Bands);
    }

    public static MeterMod Read(ref OfpReader r, in OfpHeader h)
    {
        var at = r.Offset;
        var command = r.ReadUInt16();
        if (command > (ushort)MeterModCommand.Delete)
        {
            throw new OfpDecodeException(ErrorType.MeterModFailed, (ushort)MeterModFailedCode.BadCommand, at, $"unknown meter_mod command {command}");
        }

        var flags = (MeterFlags)r.ReadUInt16();
        var id = r.ReadUInt32();
        return new MeterMod { Xid = h.Xid, Command = (MeterModCommand)command, Flags = flags, MeterId = id, Bands = MeterBand.ReadList(ref r) };
    }

    public bool Equals(MeterMod? other) =>
        other is not null && Xid == other.Xid && Command == other.Command && Flags == other.Flags
        && MeterId == other.MeterId && EntryList.Equal(Bands, other.Bands);

    public override int GetHashCode() => HashCode.Combine(Xid, Command, Flags, MeterId, EntryList.Hash(Bands));
}
