using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Nicira;

/// <summary>
/// NXAST_LEARN (subtype 16): adds or modifies a flow built from the packet being processed.
/// Defaults are OVS's: table 1, priority 0x8000, no timeouts.
/// </summary>
/// <remarks>
/// <code>
/// type(2)=0xffff | len(2) | experimenter(4)=0x2320 | subtype(2)=16
/// | idle_timeout(2) | hard_timeout(2) | priority(2) | cookie(8) | flags(2) | table_id(1) | pad(1)
/// | fin_idle_timeout(2) | fin_hard_timeout(2)                                     = 32 bytes
/// | flow specs (<see cref="NxLearnSpec"/>) ... | zero pad to 8 (a zero spec header ends the list)
/// </code>
/// </remarks>
public sealed record NxLearn : NxAction
{
    private readonly ImmutableArray<NxLearnSpec> _specs = [];

    public ushort IdleTimeout { get; init; }

    public ushort HardTimeout { get; init; }

    public ushort Priority { get; init; } = 0x8000;

    public ulong Cookie { get; init; }

    public NxLearnFlags Flags { get; init; }

    public byte TableId { get; init; } = 1;

    public ushort FinIdleTimeout { get; init; }

    public ushort FinHardTimeout { get; init; }

    public ImmutableArray<NxLearnSpec> Specs
    {
        get => _specs;
        init => _specs = value.IsDefault ? [] : value;
    }

    public override NxSubtype Subtype => NxSubtype.Learn;

    protected override void WriteBody(ref OfpWriter w)
    {
        w.WriteUInt16(IdleTimeout);
        w.WriteUInt16(HardTimeout);
        w.WriteUInt16(Priority);
        w.WriteUInt64(Cookie);
        w.WriteUInt16((ushort)Flags);
        w.WriteUInt8(TableId);
        w.WriteZeros(1);
        w.WriteUInt16(FinIdleTimeout);
        w.WriteUInt16(FinHardTimeout);
        foreach (var s in _specs)
        {
            s.Write(ref w);
        }
    }

    internal static NxLearn ReadBody(ref OfpReader r)
    {
        var idle = r.ReadUInt16();
        var hard = r.ReadUInt16();
        var prio = r.ReadUInt16();
        var cookie = r.ReadUInt64();
        var flags = r.ReadUInt16();
        var table = r.ReadUInt8();
        var padAt = r.Offset;
        if (r.ReadUInt8() != 0)
        {
            throw OfpDecodeException.BadAction(BadActionCode.BadArgument, padAt, "NXAST_LEARN pad byte is not zero");
        }

        var finIdle = r.ReadUInt16();
        var finHard = r.ReadUInt16();
        var specs = ImmutableArray.CreateBuilder<NxLearnSpec>();
        while (r.Remaining >= 2 && r.PeekUInt16() != 0)
        {
            specs.Add(NxLearnSpec.Read(ref r));
        }

        ExpectPadding(ref r, "NXAST_LEARN");
        return new NxLearn
        {
            IdleTimeout = idle,
            HardTimeout = hard,
            Priority = prio,
            Cookie = cookie,
            Flags = (NxLearnFlags)flags,
            TableId = table,
            FinIdleTimeout = finIdle,
            FinHardTimeout = finHard,
            Specs = specs.ToImmutable(),
        };
    }

    public bool Equals(NxLearn? other) =>
        other is not null && IdleTimeout == other.IdleTimeout && HardTimeout == other.HardTimeout
        && Priority == other.Priority && Cookie == other.Cookie && Flags == other.Flags && TableId == other.TableId
        && FinIdleTimeout == other.FinIdleTimeout && FinHardTimeout == other.FinHardTimeout
        && _specs.SequenceEqual(other._specs);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.Add(Cookie);
        h.Add(TableId);
        h.Add(Priority);
        foreach (var s in _specs)
        {
            h.Add(s);
        }

        return h.ToHashCode();
    }

    public override string ToString() =>
        $"NxLearn {{ TableId = {TableId}, Priority = {Priority}, IdleTimeout = {IdleTimeout}, HardTimeout = {HardTimeout}, Cookie = 0x{Cookie:x}, Flags = {Flags}, FinIdle = {FinIdleTimeout}, FinHard = {FinHardTimeout}, Specs = [{string.Join(", ", _specs)}] }}";
}
