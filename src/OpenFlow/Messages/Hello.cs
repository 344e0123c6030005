using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Messages;

/// <summary>OFPT_HELLO with its elements (<c>struct ofp_hello</c>, <c>ofp_hello_elem_header</c>).</summary>
/// <remarks>
/// <code>
/// header(8) | elements: type(2) length(2) body... padded to 8
/// OFPHET_VERSIONBITMAP (1): bitmaps(4*n), bit v set = version v supported
/// </code>
/// </remarks>
public sealed record Hello : OfpMessage
{
    public const ushort VersionBitmapType = 1;

    public override OfpType Type => OfpType.Hello;

    /// <summary>The version in the header: the highest version the sender speaks.</summary>
    public byte Version { get; init; } = OfpConstants.Version;

    public override byte WireVersion => Version;

    public ImmutableArray<HelloElement> Elements { get; init; } = [];

    /// <summary>The HELLO this controller sends: version 1.3 with a bitmap offering only 1.3.</summary>
    public static Hello ForOpenFlow13(uint xid = 0) => new()
    {
        Xid = xid,
        Elements = [new HelloElement(VersionBitmapType, BitmapFor(OfpConstants.Version))],
    };

    private static Octets BitmapFor(byte version)
    {
        var words = new byte[((version / 32) + 1) * 4];
        var word = version / 32;
        var bit = version % 32;
        var v = 1u << bit;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(words.AsSpan(word * 4), v);
        return words;
    }

    /// <summary>
    /// Whether the peer can speak <paramref name="version"/>: from its version bitmap when it sent
    /// one, otherwise from the header version (the peer speaks every version up to its own).
    /// </summary>
    public bool Supports(byte version)
    {
        foreach (var e in Elements)
        {
            if (e.Type != VersionBitmapType)
            {
                continue;
            }

            var span = e.Body.Span;
            var word = version / 32;
            if (span.Length < (word + 1) * 4)
            {
                return false;
            }

            var bits = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[(word * 4)..]);
            return (bits & (1u << (version % 32))) != 0;
        }

        return Version >= version;
    }

    public override void WriteBody(ref OfpWriter writer)
    {
        foreach (var e in Elements)
        {
            var start = writer.Position;
            writer.WriteUInt16(e.Type);
            var len = writer.ReserveUInt16();
            writer.WriteBytes(e.Body.Span);
            writer.PatchLength(len, start);
            writer.Pad8(start);
        }
    }

    public static Hello Read(ref OfpReader r, in OfpHeader h)
    {
        var elements = ImmutableArray.CreateBuilder<HelloElement>();
        while (!r.IsEmpty)
        {
            // Elements are padded to 8 bytes; a trailing run shorter than an element header is padding.
            if (r.Remaining < 4)
            {
                throw OfpDecodeException.BadLen(r.Offset, "truncated hello element");
            }

            var type = r.PeekUInt16();
            var len = r.PeekTlvLength(2, 4, ErrorType.BadRequest, (ushort)BadRequestCode.BadLen);
            var padded = (len + 7) / 8 * 8;
            var e = r.Slice(len);
            e.Skip(4);
            elements.Add(new HelloElement(type, Octets.CopyOf(e.Rest)));
            r.Skip(Math.Min(padded - len, r.Remaining));
        }

        return new Hello { Xid = h.Xid, Version = h.Version, Elements = elements.ToImmutable() };
    }

    public bool Equals(Hello? other) =>
        other is not null && Xid == other.Xid && Version == other.Version && Elements.SequenceEqual(other.Elements);

    public override int GetHashCode() => HashCode.Combine(Xid, Version, Elements.Length);
}

/// <summary>One hello element: its type and body (without the 4-byte element header and padding).</summary>
public readonly record struct HelloElement(ushort Type, Octets Body);
