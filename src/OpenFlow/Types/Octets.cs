namespace OpenFlow;

/// <summary>
/// An immutable byte string with value equality, for payloads inside messages (echo data, packet
/// data, error data) so that records holding them compare by content.
/// </summary>
public readonly struct Octets : IEquatable<Octets>
{
    private readonly ReadOnlyMemory<byte> _bytes;

    public Octets(ReadOnlyMemory<byte> bytes)
    {
        _bytes = bytes;
    }

    public static Octets Empty => default;

    public ReadOnlyMemory<byte> Memory => _bytes;

    public ReadOnlySpan<byte> Span => _bytes.Span;

    public int Length => _bytes.Length;

    public static Octets CopyOf(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? default : new Octets(bytes.ToArray());

    public static implicit operator Octets(byte[] bytes) => new(bytes);

    public bool Equals(Octets other) => _bytes.Span.SequenceEqual(other._bytes.Span);

    public override bool Equals(object? obj) => obj is Octets o && Equals(o);

    public override int GetHashCode()
    {
        var h = default(HashCode);
        h.AddBytes(_bytes.Span);
        return h.ToHashCode();
    }

    public static bool operator ==(Octets a, Octets b) => a.Equals(b);

    public static bool operator !=(Octets a, Octets b) => !a.Equals(b);

    public override string ToString() => Convert.ToHexStringLower(_bytes.Span);
}
