using System.Collections.Immutable;
using OpenFlow;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// One connected, handshaken OpenFlow 1.3 switch. Thread-safe; every method may be called from any
/// thread and none blocks. Tasks fault with <see cref="SwitchDisconnectedException"/> when the
/// connection closes, <see cref="TimeoutException"/> after the request timeout, and
/// <see cref="OpenFlowErrorException"/> when the switch answers the request's xid with OFPT_ERROR.
/// </summary>
public interface ISwitchConnection
{
    DatapathId DatapathId { get; }

    /// <summary>The switch's address as "ip:port".</summary>
    string RemoteAddress { get; }

    /// <summary>The FEATURES_REPLY of the handshake.</summary>
    FeaturesReply Features { get; }

    /// <summary>The role granted by ROLE_REPLY (Equal if the switch refused ROLE_REQUEST).</summary>
    ControllerRole Role { get; }

    DateTimeOffset ConnectedSince { get; }

    /// <summary>False once the connection has closed (or was replaced by a newer one).</summary>
    bool IsActive { get; }

    /// <summary>Current ports, sorted by port number (from PORT_DESC, kept current by PORT_STATUS).</summary>
    ImmutableArray<Port> Ports { get; }

    /// <summary>Messages in/out by type and errors on this connection.</summary>
    SwitchCounters Counters { get; }

    /// <summary>Allocates a fresh non-zero xid, for callers that want to correlate errors themselves.</summary>
    uint NextXid();

    /// <summary>Writes one message (xid 0 is replaced by a fresh one) and flushes.</summary>
    Task SendAsync(OfpMessage message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes all messages in order with a single flush (big batches are flushed in chunks of
    /// <see cref="SendChunk"/> and wait for the channel to become writable in between). Messages with
    /// xid 0 get fresh xids. Completes when the last message has been written to the socket.
    /// </summary>
    Task SendAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends the messages followed by a BARRIER_REQUEST and completes on the BARRIER_REPLY with the
    /// OFPT_ERRORs the switch sent for any of the messages (empty when all succeeded).
    /// </summary>
    Task<IReadOnlyList<ErrorMessage>> SendWithBarrierAsync(IReadOnlyList<OfpMessage> messages, CancellationToken cancellationToken = default);

    /// <summary>Sends a request with a fresh xid and returns the reply with that xid.</summary>
    Task<T> RequestAsync<T>(OfpMessage request, CancellationToken cancellationToken = default)
        where T : OfpMessage;

    /// <summary>Sends a multipart request and returns every reply part (REPLY_MORE assembled), in order.</summary>
    Task<IReadOnlyList<MultipartReply>> RequestMultipartAsync(MultipartRequest request, CancellationToken cancellationToken = default);

    /// <summary>BARRIER_REQUEST/REPLY: completes when the switch has processed everything sent before.</summary>
    Task BarrierAsync(CancellationToken cancellationToken = default);

    /// <summary>OFPMP_FLOW for one table (0xff = all) filtered by cookie under cookieMask.</summary>
    Task<IReadOnlyList<FlowStats>> DumpFlowsAsync(byte tableId, ulong cookie, ulong cookieMask, CancellationToken cancellationToken = default);

    /// <summary>Closes the connection; the switch will reconnect by itself.</summary>
    Task CloseAsync();

    /// <summary>Messages per flush in <see cref="SendAsync(IReadOnlyList{OfpMessage}, CancellationToken)"/>.</summary>
    public const int SendChunk = 512;
}
