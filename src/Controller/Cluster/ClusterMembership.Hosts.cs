using System.Collections.Concurrent;
using Controller.Hosts;

namespace Controller.Cluster;

/// <summary>
/// One OVSDB writer per host, the same way as one master per switch: a host's OVSDB sessions offer this member
/// as a candidate (<see cref="Offer"/>), the membership loop claims <c>{prefix}/masters/host/{system-id}</c> for
/// candidates nobody writes and releases hosts no longer connected here. The writer's fencing token is its
/// generation with the etcd cluster id (<see cref="WriterFence"/>).
/// </summary>
internal sealed partial class ClusterMembership : IHostWriterGate
{
    /// <summary>
    /// A system-id the store would not take (longer than this, or with control characters) is not a candidate, so a
    /// hostile ovsdb-server cannot make the members claim arbitrary etcd keys; such a host is never written.
    /// </summary>
    private const int MaxSystemIdLength = 100;

    private readonly LeasedOwnership<string> _hosts;
    private readonly ConcurrentDictionary<string, int> _hostCandidates = new(StringComparer.Ordinal);
    private long _hostSuppressedTotal;
    private long _hostRefusedTotal;

    public event Action? Changed;

    public long HostWritesSuppressed => Interlocked.Read(ref _hostSuppressedTotal);

    public long HostWritesRefused => Interlocked.Read(ref _hostRefusedTotal);

    public IDisposable Offer(string systemId)
    {
        ArgumentException.ThrowIfNullOrEmpty(systemId);
        if (!IsCandidateId(systemId))
        {
            return Candidacy.None;
        }

        _hostCandidates.AddOrUpdate(systemId, 1, (_, n) => n + 1);
        return new Candidacy(this, systemId);
    }

    public HostWriter WriterOf(string systemId)
    {
        if (_hosts.TryHeld(systemId, out var generation))
        {
            return new HostWriter(true, _options.MemberId, generation, WriterFence.Token(generation, (ulong)Interlocked.Read(ref _clusterId)));
        }

        return _hosts.Owners.TryGetValue(systemId, out var owner)
            ? new HostWriter(false, owner.Member, owner.Generation, null)
            : HostWriter.Nobody;
    }

    public bool MayWrite(string systemId, ulong generation) =>
        LeaseValid && _hosts.TryHeld(systemId, out var held) && held == generation;

    public void WriteSuppressed(string systemId, string reason)
    {
        Interlocked.Increment(ref _hostSuppressedTotal);
        _metrics.HostSuppressed();
    }

    public void WriteRefused(string systemId, string reason)
    {
        Interlocked.Increment(ref _hostRefusedTotal);
        _metrics.HostRefused();
    }

    private static bool IsCandidateId(string systemId) => systemId.Length <= MaxSystemIdLength && !systemId.Any(char.IsControl);

    private static bool TryHostKey(string text, out string systemId)
    {
        systemId = text;
        return text.Length > 0 && IsCandidateId(text);
    }

    private async Task RefreshHostWritersAsync(CancellationToken ct)
    {
        var candidates = _hostCandidates.Keys.ToHashSet(StringComparer.Ordinal);
        var changes = await _hosts.RefreshAsync(_etcd, _options.MemberId, Interlocked.Read(ref _leaseId), candidates, Deadline, ct).ConfigureAwait(false);
        foreach (var change in changes)
        {
            switch (change.Event)
            {
                case OwnershipEvent.Won:
                    _metrics.HostWon();
                    Log.Mastered(_logger, _hosts.Kind, change.Key, change.Generation);
                    break;
                case OwnershipEvent.Lost:
                    Log.Lost(_logger, _hosts.Kind, change.Key, change.Member);
                    break;
                case OwnershipEvent.Released:
                    Log.Released(_logger, _hosts.Kind, change.Key);
                    break;
            }
        }

        if (changes.Count > 0)
        {
            HostWritersChanged();
        }
    }

    private void HostWritersChanged() => Changed?.Invoke();

    private void Withdraw(string systemId)
    {
        while (_hostCandidates.TryGetValue(systemId, out var n))
        {
            if (n <= 1 ? _hostCandidates.TryRemove(new KeyValuePair<string, int>(systemId, n)) : _hostCandidates.TryUpdate(systemId, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Candidacy(ClusterMembership? membership, string systemId) : IDisposable
    {
        public static readonly Candidacy None = new(null, string.Empty);

        private int _disposed;

        public void Dispose()
        {
            if (membership is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                membership.Withdraw(systemId);
            }
        }
    }
}
