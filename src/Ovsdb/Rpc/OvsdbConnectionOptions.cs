using System.Net;

namespace Ovsdb.Rpc;

/// <summary>
/// Turns a connection's byte stream into a secured one (a TLS handshake, as server for accepted connections,
/// as client for dialed <c>ssl:</c> targets) or throws when the peer is refused. The library knows no
/// certificates; the caller decides who may connect.
/// </summary>
public delegate Task<Stream> OvsdbStreamSecurer(Stream transport, EndPoint? remote, CancellationToken cancellationToken);

public sealed class OvsdbConnectionOptions
{
    /// <summary>Largest JSON-RPC message accepted; a bigger one closes the connection.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted (vswitch messages need about 8).</summary>
    public int MaxDepth { get; set; } = 64;

    /// <summary>
    /// After this long without a message we send an echo; after twice this long the peer is dead and
    /// the connection closes. Zero disables it. ovsdb-server's own default probe is 5 s.
    /// </summary>
    public TimeSpan InactivityProbe { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A request without an answer after this long fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Monitor updates waiting for the consumer; a consumer that falls this far behind loses the connection.</summary>
    public int UpdateQueueCapacity { get; set; } = 4096;

    /// <summary>When set, runs before any message: requests wait for it, and a failure closes the connection.</summary>
    public OvsdbStreamSecurer? Secure { get; set; }

    /// <summary>How long <see cref="Secure"/> may take before the connection is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
