namespace OpenFlow.Wire;

/// <summary>Thrown when a message cannot be encoded (too long for its 16-bit length, or invalid content).</summary>
public sealed class OfpEncodeException : Exception
{
    public OfpEncodeException()
    {
    }

    public OfpEncodeException(string message)
        : base(message)
    {
    }

    public OfpEncodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
