namespace Controller.Security;

/// <summary>A TLS setting that cannot be used: a missing file, a file that is not PEM, a key that does not fit.</summary>
public sealed class TlsConfigurationException : Exception
{
    public TlsConfigurationException()
    {
    }

    public TlsConfigurationException(string message)
        : base(message)
    {
    }

    public TlsConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
