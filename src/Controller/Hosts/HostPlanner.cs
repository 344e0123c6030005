using System.Collections.Immutable;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Replication;
using Ovsdb.Schema;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary>
/// Pure diff of desired host plumbing against the monitored OVSDB contents (the Bridge, Port, Interface,
/// Controller and Open_vSwitch tables), like the flow reconciler's <c>FlowDiff</c> for flows.
/// </summary>
/// <remarks>
/// Rules:
/// <list type="bullet">
/// <item>A desired bridge that is missing is created with its own internal port (as <c>ovs-vsctl add-br</c>
/// does), its ports and Controller rows, and added to <c>Open_vSwitch.bridges</c> by mutate.</item>
/// <item>A bridge, port or interface with the desired name but without our mark is adopted: the mark is
/// added and, where it already matches, nothing else changes, so a hand-made host switches to managed
/// without churn. A row marked by another owner is left alone and reported.</item>
/// <item>Only marked rows are changed or removed; the operator's bridges and ports are never touched.
/// The one exception is the binding of VM interfaces (iface-id): their port's <c>tag</c> and the
/// interface's <c>mtu_request</c>.</item>
/// <item>Columns the server's schema lacks are neither compared nor written.</item>
/// </list>
/// </remarks>
internal static class HostPlanner
{
    public static HostPlan Compute(DesiredHost desired, ReplicaSnapshot actual, DatabaseSchema schema, string? comment = null)
    {
        var b = new Builder(actual, schema);
        b.Plan(desired);
        return b.Build(comment);
    }

    internal static bool IsOwned(OvsdbRow row) => row[ExternalIds].GetString(OwnerKey) == OwnerValue;

    private static bool IsForeignOwned(OvsdbRow row) => row[ExternalIds].GetString(OwnerKey) is { } o && o != OwnerValue;

    private sealed class Builder(ReplicaSnapshot actual, DatabaseSchema schema)
    {
        private static readonly OvsdbDatum OwnerMark = OvsdbDatum.Map([KeyValuePair.Create(OwnerKey, OwnerValue)]);

        private readonly List<OvsdbOperation> _ops = [];
        private readonly Dictionary<(string Table, Guid Uuid), SortedSet<string>> _waits = [];
        private readonly List<(string Table, string Name)> _absent = [];
        private readonly List<string> _changes = [];
        private readonly List<string> _problems = [];
        private int _named;

        public void Plan(DesiredHost desired)
        {
            var root = actual.Rows(RootTable).Values.FirstOrDefault();
            if (root is null)
            {
                _problems.Add("the Open_vSwitch table has no row (ovs-vsctl init has not run)");
                return;
            }

            var bridges = Refs(root, Bridges, BridgeTable);
            var portOwner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var br in bridges)
            {
                foreach (var p in Refs(br, Ports, PortTable))
                {
                    portOwner.TryAdd(p.GetString(Name), br.GetString(Name));
                }
            }

            var byName = bridges.GroupBy(r => r.GetString(Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var desiredNames = desired.Bridges.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var d in desired.Bridges)
            {
                if (byName.TryGetValue(d.Name, out var existing))
                {
                    ConvergeBridge(d, existing, portOwner);
                }
                else
                {
                    CreateBridge(d, root, portOwner);
                }
            }

            foreach (var br in bridges.Where(r => IsOwned(r) && !desiredNames.Contains(r.GetString(Name))))
            {
                _ops.Add(new MutateOperation(RootTable, [Condition.ByUuid(root.Uuid)], [Mutation.Delete(Bridges, OvsdbAtom.Uuid(br.Uuid))]));
                _changes.Add($"delete bridge {br.GetString(Name)}");
            }

            foreach (var binding in desired.Bindings)
            {
                Bind(binding, bridges);
            }
        }

        public HostPlan Build(string? comment)
        {
            if (_ops.Count == 0)
            {
                return new HostPlan([], [], [.. _problems]);
            }

            var all = new List<OvsdbOperation>();
            if (comment is not null)
            {
                all.Add(new CommentOperation(comment));
            }

            foreach (var (table, name) in _absent)
            {
                all.Add(new WaitOperation(table, [Condition.Equal(Name, name)], [Name], []));
            }

            foreach (var ((table, uuid), columns) in _waits)
            {
                var row = actual.Row(table, uuid)!;
                var cols = columns.ToImmutableArray();
                all.Add(new WaitOperation(table, [Condition.ByUuid(uuid)], cols, [cols.ToDictionary(c => c, c => row[c])]));
            }

            all.AddRange(_ops);
            return new HostPlan([.. all], [.. _changes], [.. _problems]);
        }

        private void CreateBridge(DesiredBridge d, OvsdbRow root, Dictionary<string, string> portOwner)
        {
            if (portOwner.TryGetValue(d.Name, out var elsewhere))
            {
                _problems.Add($"cannot create bridge {d.Name}: a port of that name is on bridge {elsewhere}");
                return;
            }

            _absent.Add((BridgeTable, d.Name));
            var ports = new List<OvsdbAtom> { InsertPort(d.Name, "internal", ImmutableSortedDictionary<string, string>.Empty) };
            foreach (var p in d.Ports)
            {
                if (portOwner.TryGetValue(p.Name, out var other))
                {
                    _problems.Add($"port {p.Name} wanted on {d.Name} is on bridge {other}; left there");
                    continue;
                }

                ports.Add(InsertPort(p.Name, p.Type, p.Options));
            }

            var row = new Dictionary<string, OvsdbDatum>
            {
                [Name] = d.Name,
                [Ports] = OvsdbDatum.Set(ports),
                [FailMode] = d.FailMode,
                [ExternalIds] = OwnerMark,
            };
            Put(row, BridgeTable, Protocols, OvsdbDatum.Set(d.Protocols.Select(OvsdbAtom.String)));
            Put(row, BridgeTable, ControllerColumn, OvsdbDatum.Set(d.ControllerTargets.Select(InsertController)));
            if (d.DatapathType is not null)
            {
                Put(row, BridgeTable, DatapathType, d.DatapathType);
            }

            string name = NextName();
            _ops.Add(new InsertOperation(BridgeTable, row, name));
            _ops.Add(new MutateOperation(RootTable, [Condition.ByUuid(root.Uuid)], [Mutation.Insert(Bridges, OvsdbAtom.NamedUuid(name))]));
            _changes.Add($"create bridge {d.Name} with {ports.Count} ports");
        }

        private void ConvergeBridge(DesiredBridge d, OvsdbRow br, Dictionary<string, string> portOwner)
        {
            string bridgeName = d.Name;
            if (IsForeignOwned(br))
            {
                _problems.Add($"bridge {bridgeName} carries {OwnerKey}={br[ExternalIds].GetString(OwnerKey)}; left alone");
                return;
            }

            int before = _ops.Count;
            var where = ImmutableArray.Create(Condition.ByUuid(br.Uuid));
            if (!IsOwned(br))
            {
                _ops.Add(new MutateOperation(BridgeTable, where, [Mutation.Insert(ExternalIds, OwnerMark)]));
                _changes.Add($"adopt bridge {bridgeName}");
            }

            var update = new Dictionary<string, OvsdbDatum>();
            if (br[FailMode] != OvsdbDatum.Atom(d.FailMode))
            {
                update[FailMode] = d.FailMode;
            }

            var protocols = OvsdbDatum.Set(d.Protocols.Select(OvsdbAtom.String));
            if (schema.HasColumn(BridgeTable, Protocols) && br[Protocols] != protocols)
            {
                update[Protocols] = protocols;
            }

            if (d.DatapathType is not null && schema.HasColumn(BridgeTable, DatapathType) && br.GetString(DatapathType) != d.DatapathType)
            {
                update[DatapathType] = d.DatapathType;
            }

            if (ConvergeControllers(d, br) is { } controllers)
            {
                update[ControllerColumn] = controllers;
            }

            if (update.Count > 0)
            {
                _ops.Add(new UpdateOperation(BridgeTable, where, update));
                _changes.Add($"set {string.Join(", ", update.Keys.Order(StringComparer.Ordinal))} on bridge {bridgeName}");
            }

            var ports = Refs(br, Ports, PortTable);
            var portsByName = ports.GroupBy(p => p.GetString(Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            var add = new List<OvsdbAtom>();
            foreach (var p in d.Ports)
            {
                if (portsByName.TryGetValue(p.Name, out var existing))
                {
                    ConvergePort(p, existing, bridgeName);
                }
                else if (portOwner.TryGetValue(p.Name, out var other))
                {
                    _problems.Add($"port {p.Name} wanted on {bridgeName} is on bridge {other}; left there");
                }
                else
                {
                    _absent.Add((PortTable, p.Name));
                    add.Add(InsertPort(p.Name, p.Type, p.Options));
                    _changes.Add($"add port {p.Name} to {bridgeName}");
                }
            }

            var wanted = d.Ports.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var remove = ports
                .Where(p => IsOwned(p) && p.GetString(Name) != bridgeName && !wanted.Contains(p.GetString(Name)))
                .ToList();
            foreach (var p in remove)
            {
                _changes.Add($"remove port {p.GetString(Name)} from {bridgeName}");
            }

            var mutations = new List<Mutation>();
            if (add.Count > 0)
            {
                mutations.Add(Mutation.Insert(Ports, OvsdbDatum.Set(add)));
            }

            if (remove.Count > 0)
            {
                mutations.Add(Mutation.Delete(Ports, OvsdbDatum.Set(remove.Select(p => OvsdbAtom.Uuid(p.Uuid)))));
            }

            if (mutations.Count > 0)
            {
                _ops.Add(new MutateOperation(BridgeTable, where, [.. mutations]));
            }

            if (_ops.Count > before)
            {
                Wait(BridgeTable, br, Name, ExternalIds, FailMode, Protocols, DatapathType, ControllerColumn, Ports);
            }
        }

        /// <summary>The new value of the bridge's controller column, or null when the rows already fit.</summary>
        private OvsdbDatum? ConvergeControllers(DesiredBridge d, OvsdbRow br)
        {
            if (!schema.HasColumn(BridgeTable, ControllerColumn))
            {
                return null;
            }

            var rows = Refs(br, ControllerColumn, ControllerTable);
            bool backoff = schema.HasColumn(ControllerTable, MaxBackoff);
            var keep = new List<OvsdbAtom>();
            var created = new List<OvsdbAtom>();
            foreach (string target in d.ControllerTargets.Distinct(StringComparer.Ordinal))
            {
                var row = rows.FirstOrDefault(r => r.GetString(Target) == target);
                if (row is null)
                {
                    created.Add(InsertController(target));
                    _changes.Add($"set controller {target} on {d.Name}");
                    continue;
                }

                keep.Add(OvsdbAtom.Uuid(row.Uuid));
                if (backoff && row[MaxBackoff] != OvsdbDatum.Atom(OvsdbAtom.Integer(MaxBackoffMs)))
                {
                    Wait(ControllerTable, row, Target, MaxBackoff);
                    _ops.Add(new UpdateOperation(ControllerTable, [Condition.ByUuid(row.Uuid)], new Dictionary<string, OvsdbDatum> { [MaxBackoff] = (long)MaxBackoffMs }));
                    _changes.Add($"set max_backoff on controller {target} of {d.Name}");
                }
            }

            if (created.Count == 0 && keep.Count == rows.Count)
            {
                return null;
            }

            if (keep.Count < rows.Count)
            {
                _changes.Add($"remove {rows.Count - keep.Count} other controller target(s) from {d.Name}");
            }

            return OvsdbDatum.Set(keep.Concat(created));
        }

        private void ConvergePort(DesiredPort p, OvsdbRow port, string bridgeName)
        {
            var ifaces = Refs(port, Interfaces, InterfaceTable);
            if (ifaces.Count != 1 || ifaces[0].GetString(Name) != p.Name)
            {
                _problems.Add($"port {p.Name} on {bridgeName} has {ifaces.Count} interface(s), not one of its name; left alone");
                return;
            }

            var iface = ifaces[0];
            if (IsForeignOwned(port) || IsForeignOwned(iface))
            {
                _problems.Add($"port {p.Name} on {bridgeName} carries another {OwnerKey}; left alone");
                return;
            }

            var options = OvsdbDatum.Map(p.Options);
            var update = new Dictionary<string, OvsdbDatum>();
            if (iface.GetString(InterfaceType) != p.Type)
            {
                update[InterfaceType] = p.Type;
            }

            if (iface[Options] != options)
            {
                update[Options] = options;
            }

            if (update.Count > 0)
            {
                Wait(InterfaceTable, iface, Name, InterfaceType, Options, ExternalIds);
                _ops.Add(new UpdateOperation(InterfaceTable, [Condition.ByUuid(iface.Uuid)], update));
                _changes.Add($"set {string.Join(", ", update.Keys.Order(StringComparer.Ordinal))} on interface {p.Name}");
            }

            if (!IsOwned(port))
            {
                Wait(PortTable, port, Name, ExternalIds);
                _ops.Add(new MutateOperation(PortTable, [Condition.ByUuid(port.Uuid)], [Mutation.Insert(ExternalIds, OwnerMark)]));
                _changes.Add($"adopt port {p.Name}");
            }

            if (!IsOwned(iface))
            {
                Wait(InterfaceTable, iface, Name, InterfaceType, Options, ExternalIds);
                _ops.Add(new MutateOperation(InterfaceTable, [Condition.ByUuid(iface.Uuid)], [Mutation.Insert(ExternalIds, OwnerMark)]));
            }
        }

        private void Bind(DesiredBinding binding, IReadOnlyList<OvsdbRow> bridges)
        {
            var port = bridges.SelectMany(br => Refs(br, Ports, PortTable)).FirstOrDefault(p => p.GetString(Name) == binding.PortName);
            if (port is null)
            {
                return;
            }

            // Interfaces without iface-id are never touched; neither is a port that has none.
            var ifaces = Refs(port, Interfaces, InterfaceTable).Where(i => i[ExternalIds].GetString(IfaceIdKey) is not null).ToList();
            if (ifaces.Count == 0)
            {
                return;
            }

            var tag = OvsdbDatum.Atom(OvsdbAtom.Integer(binding.Tag));
            if (port[Tag] != tag)
            {
                Wait(PortTable, port, Name, Tag, Interfaces);
                foreach (var iface in ifaces)
                {
                    Wait(InterfaceTable, iface, Name, ExternalIds);
                }

                _ops.Add(new UpdateOperation(PortTable, [Condition.ByUuid(port.Uuid)], new Dictionary<string, OvsdbDatum> { [Tag] = tag }));
                _changes.Add($"tag port {binding.PortName} with VLAN {binding.Tag}");
            }

            if (binding.MtuRequest is not { } mtu || !schema.HasColumn(InterfaceTable, MtuRequest))
            {
                return;
            }

            var want = OvsdbDatum.Atom(OvsdbAtom.Integer(mtu));
            foreach (var iface in ifaces.Where(i => i[MtuRequest] != want))
            {
                Wait(InterfaceTable, iface, Name, ExternalIds, MtuRequest);
                _ops.Add(new UpdateOperation(InterfaceTable, [Condition.ByUuid(iface.Uuid)], new Dictionary<string, OvsdbDatum> { [MtuRequest] = (long)mtu }));
                _changes.Add($"set mtu_request {mtu} on {iface.GetString(Name)}");
            }
        }

        private OvsdbAtom InsertPort(string name, string type, ImmutableSortedDictionary<string, string> options)
        {
            string iface = NextName();
            var ifaceRow = new Dictionary<string, OvsdbDatum> { [Name] = name, [ExternalIds] = OwnerMark };
            if (type.Length > 0)
            {
                ifaceRow[InterfaceType] = type;
            }

            if (options.Count > 0)
            {
                ifaceRow[Options] = OvsdbDatum.Map(options);
            }

            _ops.Add(new InsertOperation(InterfaceTable, ifaceRow, iface));
            string port = NextName();
            _ops.Add(new InsertOperation(PortTable, new Dictionary<string, OvsdbDatum>
            {
                [Name] = name,
                [Interfaces] = OvsdbAtom.NamedUuid(iface),
                [ExternalIds] = OwnerMark,
            }, port));
            return OvsdbAtom.NamedUuid(port);
        }

        private OvsdbAtom InsertController(string target)
        {
            string name = NextName();
            var row = new Dictionary<string, OvsdbDatum> { [Target] = target };
            Put(row, ControllerTable, MaxBackoff, (long)MaxBackoffMs);
            Put(row, ControllerTable, ExternalIds, OwnerMark);
            _ops.Add(new InsertOperation(ControllerTable, row, name));
            return OvsdbAtom.NamedUuid(name);
        }

        private void Put(Dictionary<string, OvsdbDatum> row, string table, string column, OvsdbDatum value)
        {
            if (schema.HasColumn(table, column))
            {
                row[column] = value;
            }
        }

        private void Wait(string table, OvsdbRow row, params string[] columns)
        {
            if (!_waits.TryGetValue((table, row.Uuid), out var set))
            {
                set = new SortedSet<string>(StringComparer.Ordinal);
                _waits[(table, row.Uuid)] = set;
            }

            foreach (var c in columns)
            {
                if (schema.HasColumn(table, c))
                {
                    set.Add(c);
                }
            }
        }

        private string NextName() => "r" + (_named++).ToString(System.Globalization.CultureInfo.InvariantCulture);

        private List<OvsdbRow> Refs(OvsdbRow row, string column, string table) =>
            row[column].Keys
                .Where(a => a.Kind == AtomKind.Uuid)
                .Select(a => actual.Row(table, a.AsUuid))
                .OfType<OvsdbRow>()
                .ToList();
    }
}
