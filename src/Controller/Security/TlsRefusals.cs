using System.Collections.Concurrent;
using Controller.Metrics;
using Controller.Switches;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Controller.Security;

/// <summary>
/// Counts and logs peers refused at the TLS handshake (no certificate, one that does not chain to our CA,
/// plaintext or garbage, a handshake that never finishes). Exported as
/// <c>ofcontroller_tls_refused_total{channel}</c>; log lines are limited to a burst per window for all
/// peers together, so a scanner cannot flood the log. Reasons name certificates by subject and issuer only.
/// </summary>
public sealed partial class TlsRefusals
{
    public const string OpenFlow = "openflow";
    public const string Ovsdb = "ovsdb";

    private readonly ILogger<TlsRefusals> _logger;
    private readonly Counter? _counter;
    private readonly LogLimiter _limiter = new(20, TimeSpan.FromSeconds(10));
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public TlsRefusals(ILogger<TlsRefusals> logger, ControllerMetrics? metrics = null)
    {
        _logger = logger;
        _counter = metrics?.Factory.CreateCounter("ofcontroller_tls_refused_total", "Peers refused at the TLS handshake, by channel (openflow, ovsdb).", ["channel"]);
    }

    /// <summary>Refusals on <paramref name="channel"/> since start.</summary>
    public long Count(string channel) => _counts.GetValueOrDefault(channel);

    public void Refused(string channel, string remote, string reason)
    {
        _counts.AddOrUpdate(channel, 1, (_, n) => n + 1);
        _counter?.WithLabels(channel).Inc();
        if (_limiter.TryAcquire(out var suppressed))
        {
            if (suppressed > 0)
            {
                LogSuppressed(_logger, suppressed);
            }

            LogRefused(_logger, channel, remote, reason);
        }
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "TLS {Channel} peer {Remote} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string channel, string remote, string reason);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Warning, Message = "{Count} more TLS refusals were not logged")]
    private static partial void LogSuppressed(ILogger logger, long count);
}
