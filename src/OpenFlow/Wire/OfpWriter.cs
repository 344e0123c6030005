using System.Buffers.Binary;

namespace OpenFlow.Wire;

/// <summary>
/// A big-endian writer into a caller-supplied span. Lengths are computed, not typed: reserve a
/// length field, write the body, then <see cref="PatchUInt16"/> it. Writing past the span throws
/// <see cref="OfpEncodeException"/>.
/// </summary>
public ref struct OfpWriter
{
    private readonly Span<byte> _buffer;
    private int _pos;

    public OfpWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._pos];

    private Span<byte> Take(int n)
    {
        if ((uint)n > (uint)(_buffer.Length - _pos))
        {
            throw new OfpEncodeException($"message does not fit: need {n} more bytes at {_pos}, buffer is {_buffer.Length}");
        }

        var s = _buffer.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public void WriteUInt8(byte v) => Take(1)[0] = v;

    public void WriteUInt16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), v);

    public void WriteUInt32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), v);

    public void WriteUInt64(ulong v) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), v);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    public void WriteZeros(int n) => Take(n).Clear();

    /// <summary>Writes an ASCII string into a fixed-size NUL-padded field (truncating to n-1 bytes).</summary>
    public void WriteFixedString(string s, int n)
    {
        var dst = Take(n);
        dst.Clear();
        var len = Math.Min(s.Length, n - 1);
        for (var i = 0; i < len; i++)
        {
            dst[i] = (byte)s[i];
        }
    }

    /// <summary>Reserves a 16-bit length field and returns its position for <see cref="PatchUInt16"/>.</summary>
    public int ReserveUInt16()
    {
        var at = _pos;
        WriteUInt16(0);
        return at;
    }

    public readonly void PatchUInt16(int at, ushort v) => BinaryPrimitives.WriteUInt16BigEndian(_buffer[at..], v);

    /// <summary>Patches the length field at <paramref name="at"/> with the bytes written since <paramref name="start"/>.</summary>
    public readonly void PatchLength(int at, int start)
    {
        var len = _pos - start;
        if (len > ushort.MaxValue)
        {
            throw new OfpEncodeException($"length {len} does not fit 16 bits");
        }

        PatchUInt16(at, (ushort)len);
    }

    /// <summary>Pads with zeros so that the bytes written since <paramref name="start"/> are a multiple of 8.</summary>
    public void Pad8(int start)
    {
        var rem = (_pos - start) % 8;
        if (rem != 0)
        {
            WriteZeros(8 - rem);
        }
    }
}
