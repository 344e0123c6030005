using System.Globalization;
using Controller.Switches;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenFlow;
using OpenFlow.Messages;

namespace Controller.Switches;

/// <summary>
/// The connected switches by datapath id, and the event hub. Registration, replacement and removal
/// happen under one lock together with publishing, so every subscriber sees Connected/Disconnected of
/// one datapath id in the order they happened. Publishing never blocks (unbounded queues, PACKET_IN
/// capped per subscriber).
/// </summary>
/// <remarks>
/// It knows sessions only: what the runtime knows of a switch (its app, its flows) is joined in by
/// <see cref="SwitchDirectory"/>, and the cluster hands in its role arbiter (<see cref="UseRoleArbiter"/>), so
/// the registry resolves nothing from the container.
/// </remarks>
internal sealed partial class SwitchRegistry : ISwitchRegistry, ISwitchEvents
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, SwitchSession> _switches = [];
    private readonly IOpenFlowMetrics _metrics;
    private readonly ILogger<SwitchRegistry> _logger;
    private readonly int _packetInLimit;
    private volatile SwitchEventSubscription[] _subscribers = [];
    private volatile ISwitchConnection[] _snapshot = [];
    private volatile IPacketInHandler? _packetInHandler;
    private volatile IRoleArbiter? _roleArbiter;

    public SwitchRegistry(IOptions<OpenFlowServerOptions> options, IOpenFlowMetrics metrics, ILogger<SwitchRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _logger = logger;
        _packetInLimit = options.Value.PacketInQueueLimit;
    }

    public IReadOnlyList<ISwitchConnection> Connections => _snapshot;

    /// <summary>The cluster's role arbiter, or null for one controller.</summary>
    internal IRoleArbiter? RoleArbiter => _roleArbiter;

    /// <summary>
    /// Called by the cluster's membership when it is built, which is with the other hosted services and so before
    /// the OpenFlow server accepts a switch; one arbiter per registry.
    /// </summary>
    internal void UseRoleArbiter(IRoleArbiter arbiter)
    {
        ArgumentNullException.ThrowIfNull(arbiter);
        if (Interlocked.CompareExchange(ref _roleArbiter, arbiter, null) is { } other && !ReferenceEquals(other, arbiter))
        {
            throw new InvalidOperationException("the switch registry already has a role arbiter");
        }
    }

    /// <summary>The handler sessions call for PACKET_INs on their event loop, or null (then they are published).</summary>
    internal IPacketInHandler? PacketInHandler => _packetInHandler;

    public IDisposable HandlePacketIns(IPacketInHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Interlocked.CompareExchange(ref _packetInHandler, handler, null) is not null)
        {
            throw new InvalidOperationException("a PACKET_IN handler is already set");
        }

        return new HandlerRegistration(this, handler);
    }

    public ISwitchConnection? Find(DatapathId datapathId)
    {
        lock (_gate)
        {
            return _switches.GetValueOrDefault(datapathId.Value);
        }
    }

    /// <summary>The session currently registered for <paramref name="datapathId"/>, if any.</summary>
    internal SwitchSession? FindSession(DatapathId datapathId)
    {
        lock (_gate)
        {
            return _switches.GetValueOrDefault(datapathId.Value);
        }
    }

    public SwitchEventSubscription Subscribe(string name)
    {
        var sub = new SwitchEventSubscription(name, _packetInLimit, Remove);
        lock (_gate)
        {
            foreach (var s in _switches.Values)
            {
                sub.Offer(new SwitchConnected(s));
            }

            _subscribers = [.. _subscribers, sub];
        }

        return sub;
    }

    /// <summary>Makes <paramref name="session"/> the switch's connection; returns the one it replaced.</summary>
    internal SwitchSession? Register(SwitchSession session)
    {
        SwitchSession? old;
        lock (_gate)
        {
            var dpid = session.DatapathId;
            _switches.TryGetValue(dpid.Value, out old);
            _switches[dpid.Value] = session;
            UpdateSnapshot();
            if (old is not null)
            {
                PublishLocked(new SwitchDisconnected(dpid, old));
            }

            PublishLocked(new SwitchConnected(session));
        }

        if (old is not null)
        {
            LogReplaced(_logger, session.DatapathId, old.RemoteAddress, session.RemoteAddress);
            _metrics.SwitchDisconnected();
        }

        _metrics.SwitchConnected();
        return old;
    }

    /// <summary>Removes the session if it is still the current one for its datapath id.</summary>
    internal bool Unregister(SwitchSession session)
    {
        lock (_gate)
        {
            var dpid = session.DatapathId;
            if (!_switches.TryGetValue(dpid.Value, out var cur) || !ReferenceEquals(cur, session))
            {
                return false;
            }

            _switches.Remove(dpid.Value);
            UpdateSnapshot();
            PublishLocked(new SwitchDisconnected(dpid, session));
        }

        _metrics.SwitchDisconnected();
        return true;
    }

    /// <summary>Publishes a per-switch event (ports, packet-in, error) to every subscriber.</summary>
    internal void Publish(SwitchEvent e)
    {
        foreach (var s in _subscribers)
        {
            if (!s.Offer(e))
            {
                _metrics.Error(OpenFlowErrorKind.PacketInDropped);
            }
        }
    }

    internal IReadOnlyList<SwitchSession> Sessions()
    {
        lock (_gate)
        {
            return [.. _switches.Values];
        }
    }

    /// <summary>The connected switches as the sessions know them (<see cref="SwitchInfo.App"/> is "none": see <see cref="SwitchDirectory"/>).</summary>
    public IReadOnlyList<SwitchInfo> List()
    {
        var sessions = Sessions();
        var list = new List<SwitchInfo>(sessions.Count);
        foreach (var s in sessions.OrderBy(s => s.DatapathId.Value))
        {
            list.Add(Info(s));
        }

        return list;
    }

    /// <summary>One switch as its session knows it, or null when it is not connected.</summary>
    public SwitchInfo? Find(ulong datapathId)
    {
        SwitchSession? s;
        lock (_gate)
        {
            s = _switches.GetValueOrDefault(datapathId);
        }

        return s is null ? null : Info(s);
    }

    private SwitchInfo Info(SwitchSession s)
    {
        var ports = s.Ports.Select(p => new SwitchPortInfo(
            p.PortNo,
            p.Name,
            p.HwAddr.ToString(),
            (p.State & PortState.LinkDown) == 0,
            (p.Config & PortConfig.PortDown) == 0)).ToList();
        var c = s.Counters;
        return new SwitchInfo(
            s.DatapathId.Value,
            s.RemoteAddress,
            ports,
            s.Role.ToString().ToLower(CultureInfo.InvariantCulture),
            s.ConnectedSince,
            c.TotalIn,
            c.TotalOut,
            c.Errors,
            "none");
    }

    private void UpdateSnapshot() => _snapshot = [.. _switches.Values.OrderBy(s => s.DatapathId.Value).Cast<ISwitchConnection>()];

    private void PublishLocked(SwitchEvent e)
    {
        foreach (var s in _subscribers)
        {
            s.Offer(e);
        }
    }

    private void Remove(SwitchEventSubscription sub)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers.Where(s => !ReferenceEquals(s, sub))];
        }
    }

    private sealed class HandlerRegistration(SwitchRegistry registry, IPacketInHandler handler) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref registry._packetInHandler, null, handler);
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Switch {DatapathId} reconnected from {NewRemote}; closing the old connection from {OldRemote}")]
    private static partial void LogReplaced(ILogger logger, DatapathId datapathId, string oldRemote, string newRemote);
}
