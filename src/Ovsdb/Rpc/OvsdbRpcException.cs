using Ovsdb.Operations;

namespace Ovsdb.Rpc;

/// <summary>The server answered a request with a JSON-RPC error (e.g. <c>unknown database</c>).</summary>
public sealed class OvsdbRpcException : Exception
{
    public OvsdbRpcException()
        : this("unknown", new OvsdbError("unknown", null))
    {
    }

    public OvsdbRpcException(string message)
        : this(message, new OvsdbError(message, null))
    {
    }

    public OvsdbRpcException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = new OvsdbError(message, null);
    }

    public OvsdbRpcException(string method, OvsdbError error)
        : base($"{method} failed: {error}")
    {
        Method = method;
        Error = error;
    }

    public string? Method { get; }

    public OvsdbError Error { get; }
}
