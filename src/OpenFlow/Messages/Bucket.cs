using System.Collections.Immutable;
using OpenFlow.Actions;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>A group bucket (<c>struct ofp_bucket</c>).</summary>
/// <remarks>
/// <code>
/// len(2) | weight(2) | watch_port(4) | watch_group(4) | pad(4) | actions...     (len >= 16)
/// </code>
/// </remarks>
public sealed record Bucket
{
    public const int HeaderSize = 16;

    public ushort Weight { get; init; }

    public uint WatchPort { get; init; } = OfpPort.Any;

    public uint WatchGroup { get; init; } = OfpConstants.GroupAny;

    public ImmutableArray<OfpAction> Actions { get; init; } = [];

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        var len = w.ReserveUInt16();
        w.WriteUInt16(Weight);
        w.WriteUInt32(WatchPort);
        w.WriteUInt32(WatchGroup);
        w.WriteZeros(4);
        OfpAction.WriteList(ref w, Actions);
        w.PatchLength(len, start);
    }

    /// <summary>Reads one bucket from a reader holding exactly that bucket.</summary>
    internal static Bucket Read(ref OfpReader r)
    {
        r.Skip(2);
        var weight = r.ReadUInt16();
        var watchPort = r.ReadUInt32();
        var watchGroup = r.ReadUInt32();
        r.Skip(4);
        return new Bucket { Weight = weight, WatchPort = watchPort, WatchGroup = watchGroup, Actions = OfpAction.ReadList(ref r) };
    }

    /// <summary>Reads buckets until the reader is empty; a bucket shorter than 16 bytes is BAD_BUCKET.</summary>
    internal static ImmutableArray<Bucket> ReadList(ref OfpReader r) =>
        EntryList.ReadLengthPrefixed(ref r, 0, HeaderSize, Read, "bucket", ErrorType.GroupModFailed, (ushort)GroupModFailedCode.BadBucket);

    internal static void WriteList(ref OfpWriter w, ImmutableArray<Bucket> buckets)
    {
        foreach (var b in buckets)
        {
            b.Write(ref w);
        }
    }

    public bool Equals(Bucket? other) =>
        other is not null && Weight == other.Weight && WatchPort == other.WatchPort && WatchGroup == other.WatchGroup
        && EntryList.Equal(Actions, other.Actions);

    public override int GetHashCode() => HashCode.Combine(Weight, WatchPort, WatchGroup, EntryList.Hash(Actions));
}
