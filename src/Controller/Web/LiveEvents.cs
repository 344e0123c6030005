using Controller.Api;
using Controller.Metrics;
using Controller.Store;
using Controller.Switches;
using Prometheus;

namespace Controller.Web;

/// <summary>
/// Fans store writes and switch comings and goings out to the web view's event streams. One handler on
/// the store's <see cref="TenantStore.Committed"/> and one switch-event subscription for the whole process, however many browsers listen; each
/// browser gets its own bounded <see cref="LiveEventClient"/>, so a slow one loses (counted) events and
/// never holds up the others or the store. A ping every <see cref="PingInterval"/> keeps idle streams open
/// through proxies. On shutdown every stream is completed, so open pages do not delay the host's stop.
/// </summary>
internal sealed class LiveEvents : BackgroundService
{
    public const int ClientQueueCapacity = 16;
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(15);

    private readonly TenantStore _store;
    private readonly ISwitchEvents _switches;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly List<LiveEventClient> _clients = [];
    private readonly Counter _dropped;
    private readonly Counter _sent;
    private bool _stopped;

    public LiveEvents(TenantStore store, ISwitchEvents switches, ControllerMetrics metrics, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _store = store;
        _switches = switches;
        _time = time ?? TimeProvider.System;
        var clients = metrics.Factory.CreateGauge("ofcontroller_web_event_clients", "Open event streams (GET /api/v1/events).");
        metrics.OnCollect(() => clients.Set(ClientCount));
        _dropped = metrics.Factory.CreateCounter("ofcontroller_web_events_dropped_total", "Events dropped because an event-stream client read too slowly.");
        _sent = metrics.Factory.CreateCounter("ofcontroller_web_events_total", "Events queued to event-stream clients.");
    }

    public int ClientCount
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>Registers a client; its first event is a <c>hello</c> with the current version.</summary>
    public LiveEventClient Connect()
    {
        var client = new LiveEventClient(ClientQueueCapacity, Remove, () => _dropped.Inc());
        client.Offer(new LiveEvent("hello", _store.Current.Version, null));
        lock (_gate)
        {
            if (_stopped)
            {
                client.Complete();
                return client;
            }

            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Queues an event to every client.</summary>
    public void Publish(LiveEvent e)
    {
        lock (_gate)
        {
            foreach (var c in _clients)
            {
                c.Offer(e with { Dropped = c.Dropped });
            }

            _sent.Inc(_clients.Count);
        }
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _store.Committed += OnCommitted;
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PumpSwitches(stoppingToken), PumpPings(stoppingToken));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _store.Committed -= OnCommitted;
        lock (_gate)
        {
            _stopped = true;
            foreach (var c in _clients)
            {
                c.Complete();
            }

            _clients.Clear();
        }

        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task PumpSwitches(CancellationToken ct)
    {
        using var sub = _switches.Subscribe("web-events");
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var kind = e switch
                {
                    SwitchConnected => "switch-connected",
                    SwitchDisconnected => "switch-disconnected",
                    SwitchPortsChanged => "switch-ports",
                    _ => null,
                };
                if (kind is not null)
                {
                    Publish(new LiveEvent(kind, _store.Current.Version, new OpenFlow.DatapathId(e.DatapathId.Value).ToString()));
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task PumpPings(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(PingInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                Publish(new LiveEvent("ping", _store.Current.Version, null));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    // Under the store's write lock: only queue, never wait.
    private void OnCommitted() => Publish(new LiveEvent("store", _store.Current.Version, null));

    private void Remove(LiveEventClient client)
    {
        lock (_gate)
        {
            _clients.Remove(client);
        }
    }
}
