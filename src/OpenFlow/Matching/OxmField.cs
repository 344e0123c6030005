using System.Buffers.Binary;
using OpenFlow.Protocol;
using OpenFlow.Wire;

namespace OpenFlow.Matching;

/// <summary>
/// One OXM TLV: class, field, value and optional mask, compared by content.
/// </summary>
/// <remarks>
/// <code>
///  31            16 15        9 8 7          0
/// +----------------+-----------+-+------------+
/// |   oxm_class    | oxm_field |M| oxm_length |  then value (and mask when M) = oxm_length bytes
/// +----------------+-----------+-+------------+
/// class 0xffff (experimenter) adds a 4-byte experimenter id, counted in oxm_length.
/// </code>
/// </remarks>
public sealed class OxmField : IEquatable<OxmField>
{
    public OxmField(ushort oxmClass, byte field, Octets value, Octets? mask = null, uint experimenter = 0)
    {
        if (field > 0x7f)
        {
            throw new ArgumentOutOfRangeException(nameof(field), field, "OXM field is 7 bits");
        }

        if (mask is { } m && m.Length != value.Length)
        {
            throw new ArgumentException("mask length must equal value length", nameof(mask));
        }

        var payload = value.Length * (mask is null ? 1 : 2) + (oxmClass == OxmClass.Experimenter ? 4 : 0);
        if (payload > 255)
        {
            throw new ArgumentException("OXM payload longer than 255 bytes", nameof(value));
        }

        Class = oxmClass;
        Field = field;
        Value = value;
        Mask = mask;
        Experimenter = experimenter;
    }

    public ushort Class { get; }

    public byte Field { get; }

    public Octets Value { get; }

    public Octets? Mask { get; }

    public bool HasMask => Mask is not null;

    /// <summary>Experimenter id, only for class 0xffff.</summary>
    public uint Experimenter { get; }

    /// <summary>oxm_length: the bytes after the 4-byte header.</summary>
    public int PayloadLength => (Value.Length * (HasMask ? 2 : 1)) + (Class == OxmClass.Experimenter ? 4 : 0);

    /// <summary>The 32-bit OXM header.</summary>
    public uint Header => ((uint)Class << 16) | ((uint)Field << 9) | (HasMask ? 0x100u : 0u) | (uint)PayloadLength;

    /// <summary>The header with the mask bit and length cleared: identifies the field.</summary>
    public uint FieldKey => ((uint)Class << 16) | ((uint)Field << 9);

    public int WireLength => 4 + PayloadLength;

    public bool IsBasic(OxmBasic field) => Class == OxmClass.OpenFlowBasic && Field == (byte)field;

    /// <summary>The value as an unsigned big-endian integer (values of at most 8 bytes).</summary>
    public ulong ValueAsUInt64() => ToUInt64(Value.Span);

    public ulong MaskAsUInt64() => Mask is { } m ? ToUInt64(m.Span) : ulong.MaxValue >> (64 - (8 * Value.Length));

    private static ulong ToUInt64(ReadOnlySpan<byte> s)
    {
        ulong v = 0;
        foreach (var b in s)
        {
            v = (v << 8) | b;
        }

        return v;
    }

    public void Write(ref OfpWriter w)
    {
        w.WriteUInt32(Header);
        if (Class == OxmClass.Experimenter)
        {
            w.WriteUInt32(Experimenter);
        }

        w.WriteBytes(Value.Span);
        if (Mask is { } m)
        {
            w.WriteBytes(m.Span);
        }
    }

    public static OxmField Read(ref OfpReader r)
    {
        var at = r.Offset;
        var header = r.ReadUInt32();
        var cls = (ushort)(header >> 16);
        var field = (byte)((header >> 9) & 0x7f);
        var hasMask = (header & 0x100) != 0;
        var len = (int)(header & 0xff);
        uint exp = 0;
        if (cls == OxmClass.Experimenter)
        {
            if (len < 4)
            {
                throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, "experimenter OXM shorter than its id");
            }

            exp = r.ReadUInt32();
            len -= 4;
        }

        if (hasMask && (len % 2) != 0)
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, "masked OXM with odd length");
        }

        if (len > r.Remaining)
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, $"OXM length {len} overruns the match");
        }

        if (len == 0)
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, "OXM with an empty value");
        }

        if (cls == OxmClass.OpenFlowBasic && OxmFieldInfo.IsKnown((OxmBasic)field)
            && len != OxmFieldInfo.ValueLength((OxmBasic)field) * (hasMask ? 2 : 1))
        {
            throw OfpDecodeException.BadMatch(BadMatchCode.BadLen, at, $"OXM {(OxmBasic)field} with length {len}");
        }

        var vlen = hasMask ? len / 2 : len;
        var value = Octets.CopyOf(r.ReadBytes(vlen));
        Octets? mask = hasMask ? Octets.CopyOf(r.ReadBytes(vlen)) : (Octets?)null;
        if (vlen == 0 && !hasMask)
        {
            value = Octets.Empty;
        }

        return new OxmField(cls, field, value, mask, exp);
    }

    public bool Equals(OxmField? other) =>
        other is not null && Class == other.Class && Field == other.Field && Experimenter == other.Experimenter
        && Value.Equals(other.Value) && Nullable.Equals(Mask, other.Mask);

    public override bool Equals(object? obj) => Equals(obj as OxmField);

    public override int GetHashCode() => HashCode.Combine(Class, Field, Value, Mask);

    public override string ToString() =>
        Class == OxmClass.OpenFlowBasic
            ? $"{(OxmBasic)Field}={Value}{(Mask is { } m ? "/" + m : string.Empty)}"
            : $"oxm(0x{Class:x4}:{Field})={Value}{(Mask is { } m2 ? "/" + m2 : string.Empty)}";

    internal static Octets BigEndian(ulong v, int bytes)
    {
        var b = new byte[bytes];
        for (var i = bytes - 1; i >= 0; i--)
        {
            b[i] = (byte)v;
            v >>= 8;
        }

        return b;
    }

    internal static Octets BigEndian32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, v);
        return b;
    }
}
