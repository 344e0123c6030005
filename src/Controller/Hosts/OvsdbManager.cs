using System.Collections.Concurrent;
using System.Net;
using Apps.Model;
using Controller.Security;
using Controller.Switches;
using Microsoft.Extensions.Options;
using Ovsdb.Rpc;

namespace Controller.Hosts;

/// <summary>
/// Hosts' OVSDB connections: listens where their ovsdb-servers connect (<c>Ovsdb:Listen</c>), dials
/// those in <c>Ovsdb:Dial</c>, and runs one <see cref="OvsdbHostSession"/> per connection. Keeps which
/// connection holds which host, so a second one claiming the same system-id or encap IP is refused.
/// With <c>Ovsdb:Tls</c> the listener and <c>ssl:</c> dials run a TLS handshake with mutual certificates
/// first (<see cref="OvsdbTls"/>); <c>Ovsdb:PlainListen</c> keeps a plain-TCP listener beside it.
/// </summary>
internal sealed partial class OvsdbManager : BackgroundService
{
    private readonly OvsdbOptions _options;
    private readonly IHostInventory _inventory;
    private readonly IDesiredHostSource _source;
    private readonly OvsdbMetrics _metrics;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OpenFlowServer? _openFlowServer;
    private readonly OpenFlowServerOptions _openFlow;
    private readonly IHostWriterGate? _writerGate;
    private readonly ConcurrentDictionary<OvsdbHostSession, Task> _sessions = new();
    private readonly ConcurrentDictionary<string, OvsdbHostSession> _byHost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HostOvsdbStatus> _lastByHost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _rejections = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<IPEndPoint?> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IPEndPoint?> _plainListening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TlsRefusals _refusals;
    private long _transactions;

    /// <summary>
    /// <paramref name="openFlowServer"/> and <paramref name="openFlowOptions"/> give the port and scheme of the OpenFlow
    /// targets set on plumbed bridges (the server's bound port once listening); <paramref name="writerGate"/> is the
    /// cluster's per-host writer lease (null: one controller, which writes every host).
    /// </summary>
    public OvsdbManager(
        IOptions<OvsdbOptions> options,
        IHostInventory inventory,
        IDesiredHostSource source,
        OvsdbMetrics metrics,
        ILoggerFactory loggers,
        TimeProvider? time = null,
        TlsRefusals? refusals = null,
        IOptions<OpenFlowServerOptions>? openFlowOptions = null,
        OpenFlowServer? openFlowServer = null,
        IHostWriterGate? writerGate = null)
    {
        _refusals = refusals ?? new TlsRefusals(loggers.CreateLogger<TlsRefusals>());
        _options = options.Value;
        _inventory = inventory;
        _source = source;
        _metrics = metrics;
        _loggers = loggers;
        _logger = loggers.CreateLogger<OvsdbManager>();
        _openFlowServer = openFlowServer;
        _openFlow = openFlowOptions?.Value ?? new OpenFlowServerOptions();
        _writerGate = writerGate;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The bound listen address once listening (null when listening is off); TLS when TLS is enabled.</summary>
    public Task<IPEndPoint?> Listening => _listening.Task;

    /// <summary>The plain-TCP listener beside the TLS one (<c>Ovsdb:PlainListen</c>), null when there is none.</summary>
    public Task<IPEndPoint?> PlainListening => _plainListening.Task;

    /// <summary>Transactions sent by all host sessions since start.</summary>
    public long TransactionsSent => Interlocked.Read(ref _transactions);

    internal int OpenFlowPort => _openFlowServer?.BoundEndPoint?.Port ?? _openFlow.Port;

    /// <summary>Scheme of the OpenFlow targets set on plumbed bridges: <c>ssl</c> when OpenFlow runs TLS.</summary>
    internal string OpenFlowScheme => _openFlow.Tls.Enabled ? "ssl" : "tcp";

    public IReadOnlyList<HostOvsdbStatus> Connections() => [.. _sessions.Keys.Select(s => s.Status)];

    /// <summary>The host's OVSDB status: its live session, else the last one it had, else null.</summary>
    public HostOvsdbStatus? StatusOf(string hostId)
    {
        var status = _byHost.TryGetValue(hostId, out var s) ? s.Status : _lastByHost.GetValueOrDefault(hostId);
        if (_rejections.TryGetValue(hostId, out var rejection))
        {
            status = (status ?? new HostOvsdbStatus { HostId = hostId }) with { Problem = status?.Problem is { } p ? p + "; " + rejection : rejection };
        }

        return status;
    }

    public HostOvsdbView? ViewOf(string hostId) => _byHost.TryGetValue(hostId, out var s) ? s.View() : null;

    internal void CountTransaction() => Interlocked.Increment(ref _transactions);

    internal bool Claim(OvsdbHostSession session, string hostId, out string? holder)
    {
        var current = _byHost.GetOrAdd(hostId, session);
        if (ReferenceEquals(current, session))
        {
            holder = null;
            _rejections.TryRemove(hostId, out _);
            return true;
        }

        if (current.Status.Connected)
        {
            holder = current.Remote;
            return false;
        }

        // The previous session has ended but not yet been removed.
        _byHost.TryUpdate(hostId, session, current);
        holder = null;
        return ReferenceEquals(_byHost.GetValueOrDefault(hostId), session) || Claim(session, hostId, out holder);
    }

    /// <summary>Gives up <paramref name="session"/>'s claim on a host that no longer exists.</summary>
    internal void Release(OvsdbHostSession session, string hostId) =>
        _byHost.TryRemove(new KeyValuePair<string, OvsdbHostSession>(hostId, session));

    internal string? ConnectedHostWithTunnelIp(IPAddress ip, NetworkSnapshot state, OvsdbHostSession asking)
    {
        foreach (var (hostId, session) in _byHost)
        {
            if (!ReferenceEquals(session, asking) && session.Status.Connected
                && state.Hosts.FirstOrDefault(h => h.Id == hostId) is { } h && h.TunnelIp.Equals(ip))
            {
                return hostId;
            }
        }

        return null;
    }

    internal void RecordRejection(string? hostId, string problem)
    {
        if (hostId is not null)
        {
            _rejections[hostId] = problem;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tasks = new List<Task>();
        var listeners = new List<OvsdbListener>();
        var plainOptions = new OvsdbConnectionOptions { InactivityProbe = _options.InactivityProbe };
        using var tls = _options.Tls.Enabled ? TlsCredentials.Load(_options.Tls, "Ovsdb:Tls") : null;
        var listenOptions = tls is null ? plainOptions : OvsdbTls.Server(tls, _options, _refusals);
        _listening.TrySetResult(Listen(_options.Listen, listenOptions, listeners, tasks, stoppingToken));
        _plainListening.TrySetResult(tls is null ? null : Listen(_options.PlainListen, plainOptions, listeners, tasks, stoppingToken));
        var dialOptions = tls is null ? plainOptions : OvsdbTls.Client(tls, _options, _refusals);
        foreach (var target in _options.Dial)
        {
            tasks.Add(DialLoopAsync(target, OvsdbTarget.IsTls(target) ? dialOptions : plainOptions, stoppingToken));
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                await listener.DisposeAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(_sessions.Values).ConfigureAwait(false);
        }
    }

    private IPEndPoint? Listen(string at, OvsdbConnectionOptions connectionOptions, List<OvsdbListener> listeners, List<Task> tasks, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(at))
        {
            return null;
        }

        var bind = OvsdbTarget.ParseIpEndPoint(at, OvsdbTarget.DefaultPort);
        var listener = new OvsdbListener(bind, _options.MaxConnections, connectionOptions, _loggers.CreateLogger<OvsdbListener>(), _time);
        listeners.Add(listener);
        tasks.Add(AcceptLoopAsync(listener, ct));
        return listener.LocalEndPoint;
    }

    private async Task AcceptLoopAsync(OvsdbListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            OvsdbConnection connection;
            try
            {
                connection = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                LogAcceptFailed(_logger, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, ct).ConfigureAwait(false);
                continue;
            }

            _ = Run(connection, ct);
        }
    }

    private async Task DialLoopAsync(string target, OvsdbConnectionOptions connectionOptions, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var connection = await OvsdbConnection.ConnectAsync(target, connectionOptions, _loggers.CreateLogger<OvsdbConnection>(), _time, ct).ConfigureAwait(false);
                await Run(connection, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                LogDialFailed(_logger, target, ex.Message);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // Anything else a dial or a session can throw (a refused TLS handshake, a connect timeout, a peer
                // that is not OVSDB) is this target's problem: log it and dial again, never end the manager.
                LogDialError(_logger, target, ex);
            }

            try
            {
                await Task.Delay(_options.DialRetry, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private Task Run(OvsdbConnection connection, CancellationToken ct)
    {
        var session = new OvsdbHostSession(connection, this, _inventory, _source, _options, _metrics, _loggers.CreateLogger<OvsdbHostSession>(), _time, _writerGate);
        _metrics.Connected();
        LogConnected(_logger, session.Remote);
        var task = Task.Run(async () =>
        {
            try
            {
                await session.RunAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                _metrics.Disconnected();
                if (session.HostId is { } hostId)
                {
                    _lastByHost[hostId] = session.Status;
                    _byHost.TryRemove(new KeyValuePair<string, OvsdbHostSession>(hostId, session));
                }

                _sessions.TryRemove(session, out _);
                LogDisconnected(_logger, session.Remote, session.HostId ?? "-");
            }
        }, CancellationToken.None);
        _sessions[session] = task;
        return task;
    }
}
