using Controller.Security;

namespace Controller.Switches;

/// <summary>Settings of the OpenFlow listener and its sessions (configuration section <c>OpenFlow</c>).</summary>
public sealed class OpenFlowServerOptions
{
    public const string SectionName = "OpenFlow";

    /// <summary>Address to listen on.</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>
    /// TCP port; 6653 is the IANA OpenFlow port. 0 picks a free port (tests). With <see cref="Tls"/> enabled
    /// this port speaks TLS only (switches use <c>ssl:&lt;controller&gt;:6653</c>).
    /// </summary>
    public int Port { get; set; } = 6653;

    /// <summary>TLS with mutual certificates on <see cref="Port"/> (section <c>OpenFlow:Tls</c>).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>
    /// With TLS enabled, a second, plain-TCP listener on this port for labs (<c>tcp:&lt;controller&gt;:PORT</c>);
    /// unset: none. 0 picks a free port (tests). Without TLS, <see cref="Port"/> is plain TCP and this is ignored.
    /// </summary>
    public int? PlainPort { get; set; }

    /// <summary>Send our own ECHO_REQUEST after this long without any message from the switch.</summary>
    public TimeSpan EchoInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Close the connection when no message at all has arrived for this long.</summary>
    public TimeSpan EchoTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Close a connection that has not completed HELLO..ROLE_REPLY within this time.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Default time a request (RequestAsync, BarrierAsync, DumpFlowsAsync) waits for its reply.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>I/O event loops serving the switches; 0 means one per processor. Each loop multiplexes many switches.</summary>
    public int EventLoopThreads { get; set; }

    /// <summary>
    /// Socket completions on .NET's epoll threads (one thread wake-up per OpenFlow read instead of two); unset:
    /// on with the LiteDB store, off with an etcd client in the process (<c>Store:Backend=etcd</c> or
    /// <c>Cluster:Enabled=true</c>). Read once by the controller's Main (see <c>SocketCompletions</c>).
    /// </summary>
    public bool? InlineSocketCompletions { get; set; }

    /// <summary>Listen backlog, large so that a reconnect storm of thousands of switches is not refused.</summary>
    public int Backlog { get; set; } = 8192;

    /// <summary>Outbound bytes queued per switch above which the channel reports not writable (senders wait).</summary>
    public int WriteBufferHighWaterMark { get; set; } = 1 << 20;

    /// <summary>Queued bytes below which a not-writable channel becomes writable again.</summary>
    public int WriteBufferLowWaterMark { get; set; } = 256 << 10;

    /// <summary>PACKET_IN events queued per subscriber beyond which new ones are dropped (counted).</summary>
    public int PacketInQueueLimit { get; set; } = 10_000;

    /// <summary>
    /// PACKET_INs answered per switch per read burst (the messages of one socket read); the rest of the
    /// burst is dropped and counted, so one flooding switch cannot monopolise the event loop it shares.
    /// </summary>
    public int PacketInBurstLimit { get; set; } = 4096;

    /// <summary>Parts of one multipart reply (REPLY_MORE sequence) above which it is refused with an error and the connection closed.</summary>
    public int MultipartMaxMessages { get; set; } = 16_384;

    /// <summary>Bytes of one multipart reply above which it is refused with an error and the connection closed.</summary>
    public long MultipartMaxBytes { get; set; } = 256L << 20;

    /// <summary>
    /// A second connection with a connected switch's datapath id probes the live one with an echo; it
    /// takes over only when no answer comes within this time, and is refused otherwise.
    /// </summary>
    public TimeSpan TakeoverProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Warning lines one switch may log per <see cref="LogWindow"/>; the rest are counted and summarised.</summary>
    public int LogBurst { get; set; } = 20;

    /// <summary>The window of <see cref="LogBurst"/>.</summary>
    public TimeSpan LogWindow { get; set; } = TimeSpan.FromSeconds(10);
}
