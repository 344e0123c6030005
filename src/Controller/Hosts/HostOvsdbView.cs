using Ovsdb.Data;
using Ovsdb.Replication;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary><c>GET /api/v1/hosts/{id}/ovsdb</c>: the connection, what the controller wants, what the host has.</summary>
public sealed record HostOvsdbView(
    HostOvsdbStatus Status,
    IReadOnlyList<BridgeView> Desired,
    IReadOnlyList<BindingView> DesiredBindings,
    IReadOnlyList<BridgeView> Actual,
    IReadOnlyList<string> PendingChanges,
    IReadOnlyList<string> Problems)
{
    internal static HostOvsdbView Create(HostOvsdbStatus status, DesiredHost desired, ReplicaSnapshot actual, HostPlan? plan)
    {
        var want = desired.Bridges.Select(b => new BridgeView(
            b.Name,
            true,
            b.FailMode,
            b.Protocols,
            b.ControllerTargets,
            b.DatapathType,
            null,
            b.Ports.Select(p => new PortView(p.Name, true, p.Type, p.Options, null, null)).ToList())).ToList();
        var bindings = desired.Bindings.Select(b => new BindingView(b.PortName, b.Tag, b.MtuRequest)).ToList();
        return new HostOvsdbView(status, want, bindings, ActualBridges(actual), plan?.Changes ?? [], plan?.Problems ?? []);
    }

    private static List<BridgeView> ActualBridges(ReplicaSnapshot s)
    {
        var root = s.Rows(RootTable).Values.FirstOrDefault();
        var result = new List<BridgeView>();
        foreach (var r in root?[Bridges].Keys ?? [])
        {
            if (r.Kind != AtomKind.Uuid || s.Row(BridgeTable, r.AsUuid) is not { } br)
            {
                continue;
            }

            var ports = new List<PortView>();
            foreach (var pr in br[Ports].Keys)
            {
                if (pr.Kind != AtomKind.Uuid || s.Row(PortTable, pr.AsUuid) is not { } port)
                {
                    continue;
                }

                var iface = port[Interfaces].Keys.Where(a => a.Kind == AtomKind.Uuid).Select(a => s.Row(InterfaceTable, a.AsUuid)).OfType<OvsdbRow>().FirstOrDefault();
                int? tag = port[Tag].TryGetSingle(out var t) && t.Kind == AtomKind.Integer ? (int)t.AsInteger : null;
                ports.Add(new PortView(
                    port.GetString(Name),
                    HostPlanner.IsOwned(port),
                    iface?.GetString(InterfaceType) ?? string.Empty,
                    iface?[Options].ToStringMap() ?? new Dictionary<string, string>(),
                    tag,
                    iface?[ExternalIds].GetString(IfaceIdKey)));
            }

            var controllers = br[ControllerColumn].Keys.Where(a => a.Kind == AtomKind.Uuid)
                .Select(a => s.Row(ControllerTable, a.AsUuid)?.GetString(Target)).OfType<string>().ToList();
            result.Add(new BridgeView(
                br.GetString(Name),
                HostPlanner.IsOwned(br),
                br.GetString(FailMode),
                br[Protocols].Keys.Select(k => k.ToString()).ToList(),
                controllers,
                br.GetString(DatapathType),
                br[DatapathId].AsOptionalString(),
                ports.OrderBy(p => p.Name, StringComparer.Ordinal).ToList()));
        }

        return [.. result.OrderBy(b => b.Name, StringComparer.Ordinal)];
    }
}

public sealed record BridgeView(
    string Name,
    bool Owned,
    string FailMode,
    IReadOnlyList<string> Protocols,
    IReadOnlyList<string> Controllers,
    string? DatapathType,
    string? DatapathId,
    IReadOnlyList<PortView> Ports);

public sealed record PortView(string Name, bool Owned, string Type, IReadOnlyDictionary<string, string> Options, int? Tag, string? IfaceId);

public sealed record BindingView(string Port, int Tag, int? MtuRequest);
