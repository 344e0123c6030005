using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>Reads one list entry from a reader holding exactly that entry.</summary>
internal delegate T EntryReader<out T>(ref OfpReader r);

/// <summary>
/// Shared decoding of the arrays inside multipart bodies and mods: each entry is decoded inside a
/// slice of its own (fixed or declared) length and must consume it exactly.
/// </summary>
internal static class EntryList
{
    /// <summary>Entries of a fixed size until the reader is empty.</summary>
    public static ImmutableArray<T> ReadFixed<T>(ref OfpReader r, int size, EntryReader<T> read, string what)
    {
        if (r.Remaining % size != 0)
        {
            throw OfpDecodeException.BadLen(r.Offset, $"{r.Remaining} bytes is not a whole number of {size}-byte {what} entries");
        }

        var list = ImmutableArray.CreateBuilder<T>(r.Remaining / size);
        while (!r.IsEmpty)
        {
            var s = r.Slice(size);
            list.Add(read(ref s));
            s.ExpectEnd(what);
        }

        return list.MoveToImmutable();
    }

    /// <summary>Entries that carry their own 16-bit length at <paramref name="lengthOffset"/>.</summary>
    public static ImmutableArray<T> ReadLengthPrefixed<T>(
        ref OfpReader r, int lengthOffset, int minimum, EntryReader<T> read, string what,
        ErrorType errorType = ErrorType.BadRequest, ushort badLenCode = (ushort)BadRequestCode.BadLen)
    {
        var list = ImmutableArray.CreateBuilder<T>();
        while (!r.IsEmpty)
        {
            var len = r.PeekTlvLength(lengthOffset, minimum, errorType, badLenCode);
            var s = r.Slice(len);
            list.Add(read(ref s));
            s.ExpectEnd(what);
        }

        return list.ToImmutable();
    }

    public static bool Equal<T>(ImmutableArray<T> a, ImmutableArray<T> b)
    {
        if (a.IsDefaultOrEmpty || b.IsDefaultOrEmpty)
        {
            return a.IsDefaultOrEmpty && b.IsDefaultOrEmpty;
        }

        return a.AsSpan().SequenceEqual(b.AsSpan());
    }

    public static int Hash<T>(ImmutableArray<T> a)
    {
        var h = default(HashCode);
        if (!a.IsDefault)
        {
            foreach (var x in a)
            {
                h.Add(x);
            }
        }

        return h.ToHashCode();
    }
}
