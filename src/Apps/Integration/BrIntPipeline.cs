// The integration bridge (br-int) of a host plumbed over OVSDB, one table:
//
// table 0  prio 65535 vlan_vid=4095|PRESENT  -> drop    frames already tagged with the dead VLAN
//          prio 0                            -> NORMAL  OVS's own L2 switching
//
// Tenant isolation on br-int is the access-port tag (Port.tag = the host's local VLAN of the port's
// network, set by the OVSDB plumbing): NORMAL learns MACs per VLAN, floods only within a VLAN and
// sends to patch-tun (a trunk) tagged, where br-tun maps VLAN <-> segment. A learning switch that
// ignores tags (L2LearningSwitch) would bridge tenants together, so br-int must never run it.
//
// The dead VLAN 4095 is where unbound interfaces go (as in Neutron). Checked with ofproto/trace on
// OVS 3.1 here: NORMAL treats 4095 like any VLAN, so dead access ports still reach each other and
// patch-tun (tagged 4095); br-tun has no flow for VLAN 4095 (table 21 drops it), so nothing leaves
// the host and no tenant VLAN is reached. The drop flow (Neutron's br-int has the same) refuses
// frames that arrive already tagged 4095, e.g. on a trunk. Which access ports are dead is not
// visible in OpenFlow (iface-id is an OVSDB column), so per-port drops (Neutron's in_port=X drop)
// would need the OVSDB side to tell the app; not done.
using System.Collections.Frozen;
using Apps.Flows;
using Apps.Model;
using Apps.Plumbing;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Integration;

/// <summary>Computes the flows of an integration bridge (br-int). Pure.</summary>
public sealed class BrIntPipeline : IFlowApp
{
    /// <summary>The only table.</summary>
    public const byte Table = 0;

    /// <summary>Priority of the dead-VLAN drop (highest, as Neutron's).</summary>
    public const ushort DeadVlanPriority = 65535;

    private readonly BrIntOptions _options;

    public BrIntPipeline(BrIntOptions? options = null)
    {
        _options = options ?? new BrIntOptions();
    }

    /// <summary>br-int's one table: flows may match the VLAN only and go nowhere else.</summary>
    public static FrozenDictionary<byte, TableSchema> Tables { get; } =
        new[] { new TableSchema(Table, "br-int", [OxmBasic.VlanVid], []) }.ToFrozenDictionary(t => t.TableId);

    public AppId Id => AppId.BrInt;

    public BrIntOptions Options => _options;

    /// <summary>br-int has no flows the switch makes itself.</summary>
    public IReadOnlySet<ulong> PreservedCookies { get; } = FrozenSet<ulong>.Empty;

    /// <summary>priority 0, match all, actions=NORMAL.</summary>
    public FlowEntry Normal => new()
    {
        TableId = Table,
        Priority = 0,
        Cookie = Id.Cookie(),
        Instructions = [new ApplyActions(new OutputAction(OfpPort.Normal, 0))],
    };

    /// <summary>priority 65535, vlan_vid=4095 (tagged), no instructions: drop.</summary>
    public FlowEntry DropDeadVlan => new()
    {
        TableId = Table,
        Priority = DeadVlanPriority,
        Cookie = Id.Cookie(),
        Match = Match.Canonical(Oxm.VlanVid(VlanVid.Tagged(HostPlumbing.DeadVlan))),
    };

    /// <summary>True when <paramref name="sw"/> looks like an integration bridge: it has the patch-tun port.</summary>
    public bool Recognises(SwitchSnapshot sw)
    {
        ArgumentNullException.ThrowIfNull(sw);
        return sw.FindPort(_options.PatchTunPortName) is not null;
    }

    public IReadOnlySet<FlowEntry> ComputeDesired(NetworkSnapshot state, SwitchSnapshot sw)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(sw);
        return new FlowSet([DropDeadVlan, Normal]);
    }
}
