using System.Collections.Immutable;
using System.Globalization;
using Ovsdb.Data;
using Ovsdb.Operations;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary>
/// Fencing of a host's OVSDB writer, checked by the ovsdb-server itself. The writer keeps its token
/// (<c>{generation}@{etcd cluster id}</c>) in <c>Open_vSwitch.external_ids:ofc-writer</c>. Each of its plumbing
/// transactions starts with a <c>wait</c> (timeout 0) that the Open_vSwitch row still carries exactly that
/// token, so a writer that was paused past its lease and wakes before it notices has its transaction refused
/// by the server once a newer writer has set its own token. A new writer takes over with a compare-and-swap:
/// a <c>wait</c> that <c>external_ids</c> is what it saw, then the token replaced; it does so only when the token
/// it saw is older than its own (a lower generation of the same etcd cluster), so a stale writer never writes
/// its token back over a newer one.
/// </summary>
internal static class WriterFence
{
    /// <summary>The <c>Open_vSwitch.external_ids</c> key holding the current writer's token.</summary>
    public const string TokenKey = "ofc-writer";

    private static readonly ImmutableArray<IReadOnlyDictionary<string, OvsdbDatum>> OneRow = [ImmutableDictionary<string, OvsdbDatum>.Empty];

    public static string Token(ulong generation, ulong clusterId) =>
        string.Create(CultureInfo.InvariantCulture, $"{generation}@{clusterId:x}");

    /// <summary>The token on the host's Open_vSwitch row, or null.</summary>
    public static string? TokenOn(OvsdbRow root) => root[ExternalIds].GetString(TokenKey);

    /// <summary>What a writer holding <paramref name="mine"/> may do on a host whose row carries <paramref name="onHost"/>.</summary>
    public static FenceDecision Decide(string? onHost, string mine)
    {
        if (string.Equals(onHost, mine, StringComparison.Ordinal))
        {
            return FenceDecision.Write;
        }

        if (!TryParse(mine, out var myGeneration, out var myCluster))
        {
            throw new ArgumentException($"not a writer token: '{mine}'", nameof(mine));
        }

        // No token, one we cannot read, or one of another etcd cluster (etcd was replaced): take over. The
        // compare-and-swap still refuses if the row changed meanwhile.
        if (onHost is null || !TryParse(onHost, out var generation, out var cluster) || cluster != myCluster)
        {
            return FenceDecision.TakeOver;
        }

        return generation < myGeneration ? FenceDecision.TakeOver : FenceDecision.Stale;
    }

    /// <summary>The guard that starts every transaction of the writer: the row still carries <paramref name="token"/>.</summary>
    public static WaitOperation Guard(Guid root, string token) => new(
        RootTable,
        [Condition.ByUuid(root), Condition.Includes(ExternalIds, OvsdbDatum.Map([KeyValuePair.Create(TokenKey, token)]))],
        [],
        OneRow);

    /// <summary>Compare-and-swap of the token: <c>external_ids</c> is still what the replica has, then <paramref name="token"/> replaces the old one.</summary>
    public static ImmutableArray<OvsdbOperation> TakeOver(OvsdbRow root, string token) =>
    [
        new WaitOperation(RootTable, [Condition.ByUuid(root.Uuid)], [ExternalIds], [new Dictionary<string, OvsdbDatum> { [ExternalIds] = root[ExternalIds] }]),
        new MutateOperation(RootTable, [Condition.ByUuid(root.Uuid)],
        [
            Mutation.Delete(ExternalIds, OvsdbDatum.Set(OvsdbAtom.String(TokenKey))),
            Mutation.Insert(ExternalIds, OvsdbDatum.Map([KeyValuePair.Create(TokenKey, token)])),
        ]),
    ];

    private static bool TryParse(string token, out ulong generation, out ulong cluster)
    {
        generation = cluster = 0;
        var at = token.IndexOf('@', StringComparison.Ordinal);
        return at > 0
            && ulong.TryParse(token.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out generation)
            && ulong.TryParse(token.AsSpan(at + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out cluster);
    }
}
