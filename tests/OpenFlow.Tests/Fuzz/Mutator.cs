using System.Buffers.Binary;

namespace OpenFlow.Tests.Fuzz;

/// <summary>The kinds of damage a mutation does.</summary>
public enum MutationKind
{
    BitFlips,
    HeaderLength,
    NestedLength,
    ZeroLengthTlv,
    Truncate,
    TruncateUnpatched,
    Extend,
    RandomBytes,
    Combined,
}

/// <summary>
/// Deterministic mutations of a golden message. Case <c>i</c> of seed <c>s</c> always produces the same
/// bytes, so a failure can be replayed from the printed seed and case number.
/// </summary>
internal static class Mutator
{
    private static readonly ushort[] InterestingLengths = [0, 4, 8, 65535];

    public static int KindCount => Enum.GetValues<MutationKind>().Length;

    /// <summary>Offsets (>= 8) of 16-bit values that look like a nested TLV length: 4..(bytes after them + 4).</summary>
    public static int[] LengthCandidates(byte[] msg)
    {
        var list = new List<int>();
        for (var o = 8; o + 2 <= msg.Length; o += 2)
        {
            int v = BinaryPrimitives.ReadUInt16BigEndian(msg.AsSpan(o));
            if (v >= 4 && v <= msg.Length - o + 4)
            {
                list.Add(o);
            }
        }

        return [.. list];
    }

    public static byte[] Mutate(byte[] original, int[] lengthOffsets, ref Rng rng, out MutationKind kind)
    {
        kind = (MutationKind)rng.Next(KindCount);
        var m = (byte[])original.Clone();
        return Apply(m, lengthOffsets, ref rng, kind, depth: 0);
    }

    private static byte[] Apply(byte[] m, int[] lengthOffsets, ref Rng rng, MutationKind kind, int depth)
    {
        switch (kind)
        {
            case MutationKind.BitFlips:
                for (var n = 1 + rng.Next(4); n > 0 && m.Length > 0; n--)
                {
                    var bit = rng.Next(m.Length * 8);
                    m[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                return m;
            case MutationKind.HeaderLength:
                if (m.Length >= 4)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), InterestingLengths[rng.Next(InterestingLengths.Length)]);
                }

                return m;
            case MutationKind.NestedLength:
            case MutationKind.ZeroLengthTlv:
                {
                    var o = lengthOffsets.Length > 0 && rng.Next(4) != 0
                        ? lengthOffsets[rng.Next(lengthOffsets.Length)]
                        : 8 + (2 * rng.Next(Math.Max(1, (m.Length - 9) / 2)));
                    if (o + 2 > m.Length)
                    {
                        return m;
                    }

                    ushort v;
                    if (kind == MutationKind.ZeroLengthTlv)
                    {
                        v = 0;
                    }
                    else
                    {
                        var old = BinaryPrimitives.ReadUInt16BigEndian(m.AsSpan(o));
                        v = rng.Next(6) switch
                        {
                            0 => 0,
                            1 => 4,
                            2 => 8,
                            3 => 65535,
                            4 => (ushort)(old + (rng.Next(2) == 0 ? 8 : -8)),
                            _ => (ushort)(old + (rng.Next(2) == 0 ? 1 : -1)),
                        };
                    }

                    BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(o), v);
                    return m;
                }

            case MutationKind.Truncate:
            case MutationKind.TruncateUnpatched:
                {
                    if (m.Length == 0)
                    {
                        return m;
                    }

                    var len = rng.Next(m.Length);
                    var t = m.AsSpan(0, len).ToArray();
                    if (kind == MutationKind.Truncate && len >= 4)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), (ushort)len);
                    }

                    return t;
                }

            case MutationKind.Extend:
                {
                    var extra = 1 + rng.Next(16);
                    if (m.Length + extra > 65535)
                    {
                        return m;
                    }

                    var t = new byte[m.Length + extra];
                    m.CopyTo(t, 0);
                    for (var i = m.Length; i < t.Length; i++)
                    {
                        t[i] = rng.Next(3) == 0 ? (byte)rng.Next(256) : (byte)0;
                    }

                    if (t.Length >= 4)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), (ushort)t.Length);
                    }

                    return t;
                }

            case MutationKind.RandomBytes:
                for (var n = 1 + rng.Next(8); n > 0 && m.Length > 8; n--)
                {
                    m[8 + rng.Next(m.Length - 8)] = (byte)rng.Next(256);
                }

                return m;
            default:
                if (depth > 0)
                {
                    return m;
                }

                for (var n = 2 + rng.Next(3); n > 0; n--)
                {
                    var k = (MutationKind)rng.Next(KindCount - 1);
                    m = Apply(m, lengthOffsets, ref rng, k, depth + 1);
                }

                return m;
        }
    }
}

/// <summary>A small, fast, seedable generator (splitmix64) so each case has its own stream.</summary>
internal struct Rng
{
    private ulong _state;

    public Rng(ulong seed, ulong stream)
    {
        _state = seed ^ (stream * 0x9E3779B97F4A7C15UL);
        NextUInt64();
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, max).</summary>
    public int Next(int max) => max <= 1 ? 0 : (int)(NextUInt64() % (ulong)max);
}
