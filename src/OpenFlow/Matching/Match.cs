using System.Collections.Immutable;
using System.Runtime.InteropServices;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Matching;

/// <summary>
/// An OXM match (<c>struct ofp_match</c>, type OFPMT_OXM). Decoding keeps the order on the wire so
/// that decode then encode is byte-identical; equality is by content in order. Build matches with
/// <see cref="Canonical(OxmField[])"/> or <see cref="MatchBuilder"/>: they sort fields into the order OVS
/// writes them, so a built match equals (and encodes like) the one OVS reports back in flow stats.
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

    /// <summary>
    /// A match in OVS's canonical field order (see <see cref="OxmOrder"/>) with full masks dropped
    /// (a mask covering every bit of the field is sent unmasked, as OVS does), then
    /// <see cref="Validate"/>d. Throws <see cref="OfpDecodeException"/> (BAD_MATCH) when invalid.
    /// </summary>
    public static Match Canonical(params OxmField[] fields) => Canonical((IEnumerable<OxmField>)fields);

    /// <inheritdoc cref="Canonical(OxmField[])"/>
    public static Match Canonical(IEnumerable<OxmField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var array = fields.ToArray();
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = DropFullMask(array[i]);
        }

        SortByRank(array);
        var m = new Match(ImmutableCollectionsMarshal.AsImmutableArray(array));
        m.Validate();
        return m;
    }

    private Match(ImmutableArray<OxmField> fields)
    {
        Fields = fields;
    }

    // Stable insertion sort by canonical rank: a match holds a handful of fields, and this runs once per
    // flow built (100,000 on a large br-tun), where LINQ's OrderBy allocated a dozen objects.
    private static void SortByRank(OxmField[] fields)
    {
        for (var i = 1; i < fields.Length; i++)
        {
            var f = fields[i];
            var rank = OxmOrder.Rank(f);
            var j = i - 1;
            while (j >= 0 && OxmOrder.Rank(fields[j]) > rank)
            {
                fields[j + 1] = fields[j];
                j--;
            }

            fields[j + 1] = f;
        }
    }

    /// <summary>True when the fields are already in canonical order.</summary>
    public bool IsCanonical
    {
        get
        {
            for (var i = 1; i < Fields.Length; i++)
            {
                if (OxmOrder.Rank(Fields[i - 1]) > OxmOrder.Rank(Fields[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The same fields in canonical order (no validation): for comparing a decoded match with a built one.</summary>
    public Match ToCanonicalOrder()
    {
        if (IsCanonical)
        {
            return this;
        }

        var array = Fields.ToArray();
        SortByRank(array);
        return new Match(ImmutableCollectionsMarshal.AsImmutableArray(array));
    }

    /// <summary>
    /// Checks the match as an OpenFlow 1.3 switch would (spec 1.3.5 section 7.2.3): per field, a known basic
    /// field's value length (BAD_LEN), a mask on a field that allows none (BAD_MASK), value bits beyond the
    /// field's width (BAD_VALUE), mask bits beyond it (BAD_MASK), value bits set where the mask is 0
    /// (BAD_WILDCARDS), an unknown basic field (BAD_FIELD); a field twice (DUP_FIELD); and the prerequisites
    /// of table 12 (BAD_PREREQ), e.g. IPV4_SRC needs ETH_TYPE=0x0800. Decoding does not call this: a
    /// controller must accept what OVS sends (OVS itself sends masked TCP ports, for example).
    /// </summary>
    public void Validate()
    {
        for (var i = 0; i < Fields.Length; i++)
        {
            var f = Fields[i];
            for (var j = 0; j < i; j++)
            {
                if (Fields[j].FieldKey == f.FieldKey && Fields[j].Experimenter == f.Experimenter)
                {
                    throw OfpDecodeException.BadMatch(BadMatchCode.DupField, 0, $"field {f} appears twice");
                }
            }

            ValidateField(f);
        }

        foreach (var f in Fields)
        {
            if (f.Class == OxmClass.OpenFlowBasic && !Prerequisite(f))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadPrereq, 0, $"prerequisite of {(OxmBasic)f.Field} missing");
            }
        }
    }

    private static OxmField DropFullMask(OxmField f)
    {
        if (f.Mask is not { } m)
        {
            return f;
        }

        var bits = f.Class == OxmClass.OpenFlowBasic && OxmFieldInfo.IsKnown((OxmBasic)f.Field) && f.Value.Length == OxmFieldInfo.ValueLength((OxmBasic)f.Field)
            ? OxmFieldInfo.ValueBits((OxmBasic)f.Field)
            : 8 * m.Length;
        return IsLowBitsAllOnes(m.Span, bits) ? new OxmField(f.Class, f.Field, f.Value, null, f.Experimenter) : f;
    }

    private static bool IsLowBitsAllOnes(ReadOnlySpan<byte> mask, int bits)
    {
        for (var i = 0; i < mask.Length; i++)
        {
            var bitBase = 8 * (mask.Length - 1 - i);
            var want = bits >= bitBase + 8 ? 0xff : bits <= bitBase ? 0 : (1 << (bits - bitBase)) - 1;
            if ((mask[i] & want) != want)
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyBitAbove(ReadOnlySpan<byte> v, int bits)
    {
        for (var i = 0; i < v.Length; i++)
        {
            var bitBase = 8 * (v.Length - 1 - i);
            var allowed = bits >= bitBase + 8 ? 0xff : bits <= bitBase ? 0 : (1 << (bits - bitBase)) - 1;
            if ((v[i] & ~allowed) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void ValidateField(OxmField f)
    {
        if (f.Class == OxmClass.OpenFlowBasic)
        {
            var field = (OxmBasic)f.Field;
            if (!OxmFieldInfo.IsKnown(field))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadField, 0, $"unknown basic field {f.Field}");
            }

            if (f.Value.Length != OxmFieldInfo.ValueLength(field))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, 0, $"{field} value of {f.Value.Length} bytes");
            }

            if (f.HasMask && !OxmFieldInfo.IsMaskable(field))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadMask, 0, $"{field} cannot be masked");
            }

            var bits = OxmFieldInfo.ValueBits(field);
            if (AnyBitAbove(f.Value.Span, bits))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadValue, 0, $"{field} value {f.Value} wider than {bits} bits");
            }

            if (f.Mask is { } fm && AnyBitAbove(fm.Span, bits))
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadMask, 0, $"{field} mask {fm} wider than {bits} bits");
            }
        }

        if (f.Mask is { } m)
        {
            var v = f.Value.Span;
            var ms = m.Span;
            for (var i = 0; i < v.Length; i++)
            {
                if ((v[i] & ~ms[i]) != 0)
                {
                    throw OfpDecodeException.BadMatch(BadMatchCode.BadWildcards, 0, $"{f}: value has bits outside its mask");
                }
            }
        }
    }

    private bool EthTypeIs(params ushort[] types) => ExactValue(OxmBasic.EthType) is { } t && Array.IndexOf(types, (ushort)t) >= 0;

    private bool IpProtoIs(byte proto) => ExactValue(OxmBasic.IpProto) == proto;

    private bool Prerequisite(OxmField f)
    {
        const ushort ipv4 = 0x0800, ipv6 = 0x86dd, arp = 0x0806, mpls = 0x8847, mplsMc = 0x8848, pbb = 0x88e7;
        return (OxmBasic)f.Field switch
        {
            OxmBasic.InPhyPort => Find(OxmBasic.InPort) is not null,
            OxmBasic.VlanPcp => Find(OxmBasic.VlanVid) is { } v && (v.ValueAsUInt64() & VlanVid.PresentBit) != 0,
            OxmBasic.IpDscp or OxmBasic.IpEcn or OxmBasic.IpProto => EthTypeIs(ipv4, ipv6),
            OxmBasic.Ipv4Src or OxmBasic.Ipv4Dst => EthTypeIs(ipv4),
            OxmBasic.TcpSrc or OxmBasic.TcpDst => IpProtoIs(6),
            OxmBasic.UdpSrc or OxmBasic.UdpDst => IpProtoIs(17),
            OxmBasic.SctpSrc or OxmBasic.SctpDst => IpProtoIs(132),
            OxmBasic.Icmpv4Type or OxmBasic.Icmpv4Code => IpProtoIs(1) && EthTypeIs(ipv4),
            OxmBasic.ArpOp or OxmBasic.ArpSpa or OxmBasic.ArpTpa or OxmBasic.ArpSha or OxmBasic.ArpTha => EthTypeIs(arp),
            OxmBasic.Ipv6Src or OxmBasic.Ipv6Dst or OxmBasic.Ipv6Flabel or OxmBasic.Ipv6Exthdr => EthTypeIs(ipv6),
            OxmBasic.Icmpv6Type or OxmBasic.Icmpv6Code => IpProtoIs(58) && EthTypeIs(ipv6),
            OxmBasic.Ipv6NdTarget => ExactValue(OxmBasic.Icmpv6Type) is 135 or 136,
            OxmBasic.Ipv6NdSll => ExactValue(OxmBasic.Icmpv6Type) == 135,
            OxmBasic.Ipv6NdTll => ExactValue(OxmBasic.Icmpv6Type) == 136,
            OxmBasic.MplsLabel or OxmBasic.MplsTc or OxmBasic.MplsBos => EthTypeIs(mpls, mplsMc),
            OxmBasic.PbbIsid => EthTypeIs(pbb),
            _ => true,
        };
    }

    private int _hash;

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

    /// <summary>The value of an unmasked basic field of at most 8 bytes (e.g. IN_PORT of a PACKET_IN), or null.</summary>
    public ulong? ExactValue(OxmBasic field) => Find(field) is { HasMask: false } f && f.Value.Length <= 8 ? f.ValueAsUInt64() : null;

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

    // Cached: a match is immutable and its hash is taken several times per flow when 100,000 flows are
    // diffed by (table, priority, match). 0 means not computed yet (a real 0 is just recomputed).
    public override int GetHashCode()
    {
        var cached = _hash;
        if (cached != 0)
        {
            return cached;
        }

        var h = default(HashCode);
        foreach (var f in Fields)
        {
            h.Add(f);
        }

        return _hash = h.ToHashCode();
    }

    public override string ToString() => Fields.Length == 0 ? "any" : string.Join(",", Fields);
}
