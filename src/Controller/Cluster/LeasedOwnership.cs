using System.Collections.Concurrent;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Controller.Cluster;

/// <summary>
/// One kind of exclusive, lease-bound ownership in etcd: who masters a switch, who writes a host's OVSDB.
/// Each owned thing is a key <c>{prefix}/masters/{kind}/{id}</c> created only if absent (one transaction) and
/// bound to the owner's lease, so it vanishes when the owner's lease expires. The owner's generation is the
/// key's create revision: etcd revisions only grow, so a later owner always has a higher generation.
/// </summary>
/// <remarks>
/// Not thread-safe for <see cref="RefreshAsync"/> (the membership loop is its only caller); the read side
/// (<see cref="TryHeld"/>, <see cref="Owners"/>) is safe from any thread and never blocks.
/// </remarks>
internal sealed class LeasedOwnership<TKey>
    where TKey : notnull
{
    private readonly string _keyPrefix;
    private readonly Func<TKey, string> _format;
    private readonly TryParseKey _parse;
    private readonly ConcurrentDictionary<TKey, ulong> _held = new();
    private volatile IReadOnlyDictionary<TKey, LeaseOwner> _owners = new Dictionary<TKey, LeaseOwner>();

    public LeasedOwnership(string prefix, string kind, Func<TKey, string> format, TryParseKey parse)
    {
        Kind = kind;
        _keyPrefix = $"{prefix}/masters/{kind}/";
        _format = format;
        _parse = parse;
    }

    public delegate bool TryParseKey(string text, out TKey key);

    /// <summary>What is owned: <c>switch</c>, <c>host</c>.</summary>
    public string Kind { get; }

    /// <summary>The key prefix, <c>{prefix}/masters/{kind}/</c>.</summary>
    public string KeyPrefix => _keyPrefix;

    /// <summary>Every owner as the last refresh read it from etcd.</summary>
    public IReadOnlyDictionary<TKey, LeaseOwner> Owners => _owners;

    public int HeldCount => _held.Count;

    public bool IsEmpty => _held.IsEmpty;

    public IEnumerable<TKey> Held => _held.Keys;

    public string Format(TKey key) => _format(key);

    /// <summary>True with the generation when this member owns <paramref name="key"/> (whether its lease is still alive is the caller's check).</summary>
    public bool TryHeld(TKey key, out ulong generation) => _held.TryGetValue(key, out generation);

    /// <summary>Forgets every ownership (the lease is gone, so etcd has dropped the keys too); returns what was held.</summary>
    public IReadOnlyList<TKey> Clear()
    {
        var lost = _held.Keys.ToList();
        _held.Clear();
        return lost;
    }

    /// <summary>
    /// Reads every owner of this kind, claims the <paramref name="candidates"/> nobody owns, and releases what
    /// this member owns but is no longer a candidate for. Returns what changed for this member.
    /// </summary>
    public async Task<IReadOnlyList<OwnershipChange<TKey>>> RefreshAsync(EtcdClient etcd, string member, long lease, IReadOnlySet<TKey> candidates, Func<DateTime> deadline, CancellationToken ct)
    {
        var changes = new List<OwnershipChange<TKey>>();
        var range = await etcd.GetRangeAsync(_keyPrefix, deadline: deadline(), cancellationToken: ct).ConfigureAwait(false);
        var owners = new Dictionary<TKey, LeaseOwner>();
        foreach (var kv in range.Kvs)
        {
            var text = kv.Key.ToStringUtf8();
            if (text.Length > _keyPrefix.Length && _parse(text[_keyPrefix.Length..], out var key))
            {
                owners[key] = new LeaseOwner(kv.Value.ToStringUtf8(), (ulong)kv.CreateRevision, kv.Lease);
            }
        }

        foreach (var key in candidates)
        {
            if (!owners.ContainsKey(key) && await TryClaimAsync(etcd, key, member, lease, deadline, ct).ConfigureAwait(false) is { } owner)
            {
                owners[key] = owner;
            }
        }

        foreach (var (key, owner) in owners.ToList())
        {
            var mine = owner.Member == member && owner.Lease == lease;
            if (mine && !candidates.Contains(key))
            {
                await ReleaseAsync(etcd, key, owner, deadline, ct).ConfigureAwait(false);
                owners.Remove(key);
                _held.TryRemove(key, out _);
                changes.Add(new OwnershipChange<TKey>(key, OwnershipEvent.Released, member, owner.Generation));
                continue;
            }

            if (mine)
            {
                if (_held.TryAdd(key, owner.Generation))
                {
                    changes.Add(new OwnershipChange<TKey>(key, OwnershipEvent.Won, member, owner.Generation));
                }
            }
            else if (_held.TryRemove(key, out _))
            {
                changes.Add(new OwnershipChange<TKey>(key, OwnershipEvent.Lost, owner.Member, owner.Generation));
            }
        }

        foreach (var key in _held.Keys)
        {
            if (!owners.ContainsKey(key) && _held.TryRemove(key, out var generation))
            {
                changes.Add(new OwnershipChange<TKey>(key, OwnershipEvent.Lost, "nobody", generation));
            }
        }

        _owners = owners;
        return changes;
    }

    private async Task<LeaseOwner?> TryClaimAsync(EtcdClient etcd, TKey id, string member, long lease, Func<DateTime> deadline, CancellationToken ct)
    {
        var key = KeyOf(id);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(member), Lease = lease } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        var response = await etcd.TransactionAsync(txn, deadline: deadline(), cancellationToken: ct).ConfigureAwait(false);
        if (response.Succeeded)
        {
            // The key was created in this transaction: its create revision is the transaction's revision.
            return new LeaseOwner(member, (ulong)response.Header.Revision, lease);
        }

        var kvs = response.Responses[0].ResponseRange.Kvs;
        return kvs.Count == 0 ? null : new LeaseOwner(kvs[0].Value.ToStringUtf8(), (ulong)kvs[0].CreateRevision, kvs[0].Lease);
    }

    private async Task ReleaseAsync(EtcdClient etcd, TKey id, LeaseOwner owner, Func<DateTime> deadline, CancellationToken ct)
    {
        var key = KeyOf(id);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = (long)owner.Generation });
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        await etcd.TransactionAsync(txn, deadline: deadline(), cancellationToken: ct).ConfigureAwait(false);
    }

    private ByteString KeyOf(TKey id) => ByteString.CopyFromUtf8(_keyPrefix + _format(id));
}
