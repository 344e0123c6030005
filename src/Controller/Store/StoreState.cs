using System.Collections.Immutable;
using System.Text.Json;

namespace Controller.Store;

/// <summary>
/// Everything the store holds, as one immutable value: the documents of every collection by id, and the
/// backend revision they were read at (etcd: the mod revision of the store's head key; LiteDB: a counter).
/// Reads never touch the backend; a write derives the next state from this one. Documents inside a state are
/// never changed in place: a write edits a <see cref="Copy{T}"/>. Build states only from <see cref="Empty"/> by
/// <see cref="Apply"/> (or <see cref="ApplyAll"/>): it keeps <see cref="Indexes"/> in step with the documents.
/// </summary>
internal sealed record StoreState(
    long Revision,
    ImmutableSortedDictionary<string, TenantDocument> Tenants,
    ImmutableSortedDictionary<string, NetworkDocument> Networks,
    ImmutableSortedDictionary<string, HostDocument> Hosts,
    ImmutableSortedDictionary<string, PortDocument> Ports,
    ImmutableSortedDictionary<string, TunnelPortDocument> TunnelPorts,
    ImmutableSortedDictionary<string, LocalVlanDocument> LocalVlans,
    ImmutableSortedDictionary<string, VlanPoolDocument> VlanPools)
{
    public static readonly StoreState Empty = new(
        0,
        ImmutableSortedDictionary.Create<string, TenantDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, NetworkDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, HostDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, PortDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, TunnelPortDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, LocalVlanDocument>(StringComparer.Ordinal),
        ImmutableSortedDictionary.Create<string, VlanPoolDocument>(StringComparer.Ordinal));

    private static readonly JsonSerializerOptions CopyOptions = new();

    /// <summary>Lookups over the documents (uniqueness keys, port counts), updated by <see cref="Apply"/>.</summary>
    public StoreIndexes Indexes { get; private init; } = StoreIndexes.Empty;

    /// <summary>A deep copy of a document, to edit without touching the state it came from.</summary>
    public static T Copy<T>(T document)
        where T : class =>
        JsonSerializer.Deserialize<T>(JsonSerializer.SerializeToUtf8Bytes(document, CopyOptions), CopyOptions)!;

    /// <summary>The state with one mutation applied. O(log n).</summary>
    public StoreState Apply(StoreMutation m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var next = ApplyDocument(m);
        return m.Collection is StoreCollection.Ports or StoreCollection.Networks or StoreCollection.Hosts
            ? next with { Indexes = Indexes.Update(m.Collection, Find(m.Collection, m.Id), m.Document) }
            : next;
    }

    private object? Find(StoreCollection collection, string id) => collection switch
    {
        StoreCollection.Ports => Ports.GetValueOrDefault(id),
        StoreCollection.Networks => Networks.GetValueOrDefault(id),
        StoreCollection.Hosts => Hosts.GetValueOrDefault(id),
        _ => null,
    };

    private StoreState ApplyDocument(StoreMutation m) => m.Collection switch
    {
        StoreCollection.Tenants => this with { Tenants = Set(Tenants, m) },
        StoreCollection.Networks => this with { Networks = Set(Networks, m) },
        StoreCollection.Hosts => this with { Hosts = Set(Hosts, m) },
        StoreCollection.Ports => this with { Ports = Set(Ports, m) },
        StoreCollection.TunnelPorts => this with { TunnelPorts = Set(TunnelPorts, m) },
        StoreCollection.LocalVlans => this with { LocalVlans = Set(LocalVlans, m) },
        StoreCollection.VlanPools => this with { VlanPools = Set(VlanPools, m) },
        _ => throw new ArgumentOutOfRangeException(nameof(m), m.Collection, "unknown collection"),
    };

    public StoreState ApplyAll(IEnumerable<StoreMutation> mutations)
    {
        var s = this;
        foreach (var m in mutations)
        {
            s = s.Apply(m);
        }

        return s;
    }

    /// <summary>Every document of the state as a put mutation (for copying one backend into another).</summary>
    public IEnumerable<StoreMutation> AsMutations() =>
        Tenants.Select(kv => new StoreMutation(StoreCollection.Tenants, kv.Key, kv.Value))
            .Concat(Networks.Select(kv => new StoreMutation(StoreCollection.Networks, kv.Key, kv.Value)))
            .Concat(Hosts.Select(kv => new StoreMutation(StoreCollection.Hosts, kv.Key, kv.Value)))
            .Concat(Ports.Select(kv => new StoreMutation(StoreCollection.Ports, kv.Key, kv.Value)))
            .Concat(TunnelPorts.Select(kv => new StoreMutation(StoreCollection.TunnelPorts, kv.Key, kv.Value)))
            .Concat(LocalVlans.Select(kv => new StoreMutation(StoreCollection.LocalVlans, kv.Key, kv.Value)))
            .Concat(VlanPools.Select(kv => new StoreMutation(StoreCollection.VlanPools, kv.Key, kv.Value)));

    private static ImmutableSortedDictionary<string, T> Set<T>(ImmutableSortedDictionary<string, T> items, StoreMutation m)
        where T : class =>
        m.Document is null ? items.Remove(m.Id) : items.SetItem(m.Id, (T)m.Document);
}
