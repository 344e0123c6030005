using System.Collections.Immutable;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Oxm;

/// <summary>
/// An OXM match (<c>struct ofp_match</c>, type OFPMT_OXM). Decoding keeps the order on the wire so
/// that decode then encode is byte-identical; equality is by content in order.
/// </summary>
/// <remarks>
/// <code>
/// type(2)=1 | length(2) = 4 + fields | oxm fields... | pad to a multiple of 8
/// </code>
/// </remarks>
public sealed class Match : IEquatable<Match>
{
    public const ushort TypeOxm = 1;

    public Match(IEnumerable<OxmField> fields)
    {
        Fields = [.. fields];
    }

    public Match(params OxmField[] fields)
    {
        Fields = [.. fields];
    }

    public static Match Empty { get; } = new();

    public ImmutableArray<OxmField> Fields { get; }

    /// <summary>Bytes on the wire including padding.</summary>
    public int WireLength => (UnpaddedLength + 7) / 8 * 8;

    /// <summary>The value of ofp_match.length: header plus fields, without padding.</summary>
    public int UnpaddedLength
    {
        get
        {
            var n = 4;
            foreach (var f in Fields)
            {
                n += f.WireLength;
            }

            return n;
        }
    }

    public OxmField? Find(ushort oxmClass, byte field)
    {
        foreach (var f in Fields)
        {
            if (f.Class == oxmClass && f.Field == field)
            {
                return f;
            }
        }

        return null;
    }

    public OxmField? Find(OxmBasic field) => Find(OxmClass.OpenFlowBasic, (byte)field);

    public void Write(ref OfpWriter w)
    {
        var start = w.Position;
        w.WriteUInt16(TypeOxm);
        var len = w.ReserveUInt16();
        foreach (var f in Fields)
        {
            f.Write(ref w);
        }

        w.PatchLength(len, start);
        w.Pad8(start);
    }

    public static Match Read(ref OfpReader r)
    {
        var at = r.Offset;
        var type = r.PeekUInt16();
        if (type != TypeOxm)
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadType, at, $"match type {type} is not OXM");
        }

        var len = r.PeekTlvLength(2, 4, ErrorType.BadMatch, (ushort)BadMatchCode.BadLen);
        var padded = (len + 7) / 8 * 8;
        if (padded > r.Remaining)
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, "match padding overruns its parent");
        }

        var m = r.Slice(len);
        m.Skip(4);
        var fields = ImmutableArray.CreateBuilder<OxmField>();
        while (!m.IsEmpty)
        {
            fields.Add(OxmField.Read(ref m));
        }

        r.Skip(padded - len);
        return new Match(fields.ToImmutable());
    }

    public bool Equals(Match? other) => other is not null && Fields.SequenceEqual(other.Fields);

    public override bool Equals(object? obj) => Equals(obj as Match);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        foreach (var f in Fields)
        {
            h.Add(f);
        }

        return h.ToHashCode();
    }

    public override string ToString() => Fields.Length == 0 ? "any" : string.Join(",", Fields);
}
