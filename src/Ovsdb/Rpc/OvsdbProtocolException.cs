namespace Ovsdb.Rpc;

/// <summary>
/// The peer broke JSON-RPC 1.0 as RFC 7047 uses it: bytes that are not JSON, a message over the size or
/// nesting cap, a top-level value that is not an object, a reply to an id we never sent. The connection
/// that sees one closes; its <see cref="OvsdbConnection.Completion"/> faults with it.
/// </summary>
public sealed class OvsdbProtocolException : Exception
{
    public OvsdbProtocolException()
    {
    }

    public OvsdbProtocolException(string message)
        : base(message)
    {
    }

    public OvsdbProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
