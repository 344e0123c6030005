using System.Diagnostics;
using System.Runtime.CompilerServices;
using Apps.Model;
using Controller.Store.Persistence;

namespace Controller.Store;

/// <summary>The write path: one lock, validate and allocate on the in-memory state, one atomic commit, publish.</summary>
public sealed partial class TenantStore
{
    /// <summary>How often a write is tried when other controllers keep committing first (etcd only).</summary>
    internal const int MaxWriteAttempts = 64;

    /// <summary>How long a write that lost a race waits for the watch to bring the winner's state.</summary>
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(2);

    private T Write<T>(Func<StoreTransaction, T> body)
    {
        for (var attempt = 1; ; attempt++)
        {
            long found;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var basis = _state;
                var tx = new StoreTransaction(basis);
                var result = body(tx);
                if (tx.Mutations.Count == 0)
                {
                    return result;
                }

                var outcome = _persistence.Commit(basis.Revision, tx.Mutations);
                if (outcome.Committed)
                {
                    _state = tx.State with { Revision = outcome.Revision };
                    Publish(tx.Mutations);
                    return result;
                }

                found = outcome.Revision;
            }

            // Another controller committed since our state: wait for its write to arrive, then decide again
            // on the newer state (its allocation may have taken the VLAN, segment or MAC we chose).
            TenantStoreLog.WriteConflict(_logger, attempt, _state.Revision, found);
            if (attempt >= MaxWriteAttempts)
            {
                throw new StoreUnavailableException(
                    $"The write lost {attempt} races in a row to other controllers' writes; nothing was written. Retry the request.");
            }

            CatchUp(found);
            Thread.Sleep(Random.Shared.Next(0, Math.Min(attempt, 10)));
        }
    }

    /// <summary>Waits until the state has reached <paramref name="revision"/>; reloads everything when the watch is too slow.</summary>
    private void CatchUp(long revision)
    {
        var sw = Stopwatch.StartNew();
        while (_state.Revision < revision)
        {
            if (sw.Elapsed > CatchUpTimeout)
            {
                var loaded = _persistence.Load();
                lock (_gate)
                {
                    if (loaded.Revision > _state.Revision)
                    {
                        ReplaceState(loaded);
                    }
                }

                return;
            }

            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Publishes the snapshot of the new state when the write touched anything in it. Under the lock, in O(1):
    /// the snapshot builds its arrays when first read (<see cref="NetworkSnapshot.Deferred"/>), from the
    /// immutable state of this version, so a burst of writes costs one build per reader, not one per write.
    /// </summary>
    private void Publish(IReadOnlyList<StoreMutation> mutations)
    {
        if (mutations.Any(m => m.Collection != StoreCollection.Tenants))
        {
            var state = _state;
            var next = DeferredSnapshotOf(state, _current.Version + 1);
            _current = next;
            foreach (var c in _subscribers)
            {
                c.Writer.TryWrite(next);
            }

            TenantStoreLog.Published(_logger, next.Version, state.Networks.Count, state.Hosts.Count, state.Ports.Count, state.LocalVlans.Count);
            RaiseChanged(next);
        }

        RaiseCommitted();
    }

    /// <summary>Takes a reloaded state as a whole and publishes it. Under the lock.</summary>
    private void ReplaceState(StoreState loaded)
    {
        _state = loaded;
        Publish([new StoreMutation(StoreCollection.Networks, "", null)]);
    }

    /// <summary>
    /// Calls each handler on its own: the write is already committed, so a failing handler is logged and must
    /// neither turn the request into an error nor keep later handlers from hearing about the change.
    /// </summary>
    private void RaiseChanged(NetworkSnapshot next)
    {
        if (Changed is not { } changed)
        {
            return;
        }

        foreach (var handler in changed.GetInvocationList().Cast<Action<NetworkSnapshot>>())
        {
            try
            {
                handler(next);
            }
#pragma warning disable CA1031 // a subscriber's bug must not undo or fail a committed write
            catch (Exception ex)
#pragma warning restore CA1031
            {
                TenantStoreLog.HandlerFailed(_logger, ex, next.Version);
            }
        }
    }

    private void RaiseCommitted()
    {
        if (Committed is not { } committed)
        {
            return;
        }

        foreach (var handler in committed.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
#pragma warning disable CA1031 // a subscriber's bug must not undo or fail a committed write
            catch (Exception ex)
#pragma warning restore CA1031
            {
                TenantStoreLog.HandlerFailed(_logger, ex, _current.Version);
            }
        }
    }

    private void Fault(string point) => FaultPoint?.Invoke(point);

    /// <summary>The persistence's way in: other controllers' writes, reloads and staleness.</summary>
    private sealed class RemoteSink(TenantStore store) : IRemoteChangeSink
    {
        public long Revision => store._state.Revision;

        public void ApplyRemote(long revision, IReadOnlyList<StoreMutation> mutations)
        {
            lock (store._gate)
            {
                if (store._disposed || revision <= store._state.Revision)
                {
                    return; // our own write, already applied when it committed, or a replay
                }

                store._state = store._state.ApplyAll(mutations) with { Revision = revision };
                store.Publish(mutations);
            }
        }

        public void ReplaceRemote(StoreState state)
        {
            lock (store._gate)
            {
                if (store._disposed || state.Revision < store._state.Revision)
                {
                    return;
                }

                store.ReplaceState(state);
            }
        }

        public void StalenessChanged(bool stale)
        {
            TenantStoreLog.Staleness(store._logger, stale, store._state.Revision);
            lock (store._gate)
            {
                if (!store._disposed)
                {
                    store.RaiseCommitted(); // the web view shows the store's state; let it refresh
                }
            }
        }
    }

    // ---------------------------------------------------------------- mapping (documents -> model)

    private static readonly ConditionalWeakTable<NetworkDocument, NetworkDetails> NetworkCache = [];
    private static readonly ConditionalWeakTable<HostDocument, HostInfo> HostCache = [];
    private static readonly ConditionalWeakTable<PortDocument, PortInfo> PortCache = [];

    private static NetworkSnapshot DeferredSnapshotOf(StoreState s, long version) =>
        NetworkSnapshot.Deferred(version, () => SnapshotOf(s, version));

    /// <summary>The snapshot of a state. Documents are immutable once in a state, so their conversions are cached.</summary>
    private static NetworkSnapshot SnapshotOf(StoreState s, long version) => new(
        version,
        [.. s.Networks.Values.Select(d => ToDetails(d).Network)],
        [.. s.Hosts.Values.Select(ToInfo)],
        [.. s.Ports.Values.Select(ToInfo)],
        [.. s.LocalVlans.Values.Select(ToInfo)])
    {
        TunnelPorts = [.. s.TunnelPorts.Values.Select(d => ToInfo(d).ToDeclaration())],
    };

    private static TenantInfo ToInfo(TenantDocument d) => new(d.Id, d.Name);

    private static NetworkDetails ToDetails(NetworkDocument d) => NetworkCache.GetValue(d, static d =>
        new(
            new NetworkInfo(d.Id, d.TenantId, d.Name, Enum.Parse<TunnelType>(d.TunnelType), (uint)d.SegmentId)
            {
                Subnet = d.Cidr is null ? null : System.Net.IPNetwork.Parse(d.Cidr),
                Mtu = d.Mtu,
                Gateway = d.Gateway is null ? null : System.Net.IPAddress.Parse(d.Gateway),
                DnsServers = d.DnsServers is null ? [] : [.. d.DnsServers.Select(System.Net.IPAddress.Parse)],
            },
            d.Cidr));

    private static HostInfo ToInfo(HostDocument d) => HostCache.GetValue(d, static d =>
        new(d.Id, d.Name, d.DatapathId is { } dpid ? unchecked((ulong)dpid) : null, System.Net.IPAddress.Parse(d.TunnelIp), d.SystemId) { UnderlayMtu = d.UnderlayMtu });

    private static PortInfo ToInfo(PortDocument d) => PortCache.GetValue(d, static d =>
        new(d.Id, d.NetworkId, d.HostId, unchecked((ulong)d.Mac), d.Ip is null ? null : System.Net.IPAddress.Parse(d.Ip), d.Name)
        {
            Ipv6 = d.Ipv6 is null ? null : System.Net.IPAddress.Parse(d.Ipv6),
        });

    private static TunnelPortInfo ToInfo(TunnelPortDocument d) =>
        new(d.Id, d.HostId, d.PortName, d.RemoteHostId, Enum.Parse<TunnelType>(d.TunnelType));

    private static LocalVlan ToInfo(LocalVlanDocument d) => new(d.HostId, d.NetworkId, (ushort)d.Vlan);

    private static string NewId() => LiteDB.ObjectId.NewObjectId().ToString();
}
