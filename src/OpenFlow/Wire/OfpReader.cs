using System.Buffers.Binary;
using OpenFlow.Protocol;

namespace OpenFlow.Wire;

/// <summary>
/// A bounds-checked big-endian reader over a span. Every read that would pass the end throws
/// <see cref="OfpDecodeException"/> (BAD_LEN), never <see cref="IndexOutOfRangeException"/>.
/// TLVs are decoded inside <see cref="Slice"/>s of their declared length and must consume them exactly.
/// </summary>
public ref struct OfpReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base;
    private int _pos;

    public OfpReader(ReadOnlySpan<byte> data)
        : this(data, 0)
    {
    }

    private OfpReader(ReadOnlySpan<byte> data, int baseOffset)
    {
        _data = data;
        _base = baseOffset;
        _pos = 0;
    }

    /// <summary>Position inside this reader's span.</summary>
    public readonly int Position => _pos;

    /// <summary>Position relative to the start of the whole message, for error reports.</summary>
    public readonly int Offset => _base + _pos;

    public readonly int Remaining => _data.Length - _pos;

    public readonly int Length => _data.Length;

    public readonly bool IsEmpty => _pos >= _data.Length;

    /// <summary>The bytes not read yet, without consuming them.</summary>
    public readonly ReadOnlySpan<byte> Rest => _data[_pos..];

    private void Need(int n)
    {
        if ((uint)n > (uint)(_data.Length - _pos))
        {
            throw OfpDecodeException.BadLen(Offset, $"need {n} bytes, {Remaining} left");
        }
    }

    public byte ReadUInt8()
    {
        Need(1);
        return _data[_pos++];
    }

    public ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_data[_pos..]);
        _pos += 2;
        return v;
    }

    public uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_data[_pos..]);
        _pos += 4;
        return v;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var v = BinaryPrimitives.ReadUInt64BigEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    public ReadOnlySpan<byte> ReadBytes(int n)
    {
        Need(n);
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    public void Skip(int n)
    {
        Need(n);
        _pos += n;
    }

    /// <summary>Reads a fixed-size, NUL-padded ASCII string field.</summary>
    public string ReadFixedString(int n)
    {
        var bytes = ReadBytes(n);
        var end = bytes.IndexOf((byte)0);
        if (end < 0)
        {
            end = bytes.Length;
        }

        return System.Text.Encoding.ASCII.GetString(bytes[..end]);
    }

    /// <summary>Takes the next <paramref name="n"/> bytes as a reader of their own.</summary>
    public OfpReader Slice(int n)
    {
        Need(n);
        var r = new OfpReader(_data.Slice(_pos, n), _base + _pos);
        _pos += n;
        return r;
    }

    /// <summary>Reads a big-endian uint16 without consuming it.</summary>
    public readonly ushort PeekUInt16(int ahead = 0)
    {
        if (ahead < 0 || _data.Length - _pos < ahead + 2)
        {
            throw OfpDecodeException.BadLen(Offset + Math.Max(ahead, 0), "need 2 bytes to peek");
        }

        return BinaryPrimitives.ReadUInt16BigEndian(_data[(_pos + ahead)..]);
    }

    /// <summary>Throws BAD_LEN unless everything was consumed.</summary>
    public readonly void ExpectEnd(string what)
    {
        if (_pos != _data.Length)
        {
            throw OfpDecodeException.BadLen(Offset, $"{Remaining} unexpected trailing bytes in {what}");
        }
    }

    /// <summary>
    /// Reads the 16-bit length of a TLV whose length field sits at <paramref name="lengthOffset"/>
    /// (relative to the current position), checks it is at least <paramref name="minimum"/> and fits,
    /// and returns it. Zero or short lengths are errors, never a loop.
    /// </summary>
    public readonly int PeekTlvLength(int lengthOffset, int minimum, ErrorType errorType, ushort badLenCode)
    {
        if (Remaining < lengthOffset + 2)
        {
            throw new OfpDecodeException(errorType, badLenCode, Offset, "truncated TLV header");
        }

        int len = BinaryPrimitives.ReadUInt16BigEndian(_data[(_pos + lengthOffset)..]);
        if (len < minimum || len > Remaining)
        {
            throw new OfpDecodeException(errorType, badLenCode, Offset, $"TLV length {len} outside {minimum}..{Remaining}");
        }

        return len;
    }
}
