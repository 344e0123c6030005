using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Ovsdb.Data;
using Ovsdb.Replication;
using static Controller.Hosts.OvsdbNames;

namespace Controller.Hosts;

/// <summary>A VM interface seen on a bridge: it has <c>external_ids:iface-id</c>.</summary>
internal sealed record ObservedVmInterface(string Bridge, string PortName, string InterfaceName, string IfaceId, string? AttachedMac, int? OfPort);

/// <summary>What the controller reads from a host's OVSDB to identify it and plan for it.</summary>
internal sealed record HostObservation(
    string? SystemId,
    string? Hostname,
    string? EncapIpText,
    IPAddress? EncapIp,
    ImmutableArray<ObservedVmInterface> VmInterfaces,
    ImmutableDictionary<string, string> DatapathTypes,
    ImmutableDictionary<string, ulong> DatapathIds)
{
    public static HostObservation From(ReplicaSnapshot s)
    {
        var root = s.Rows(RootTable).Values.FirstOrDefault();
        var ids = root?[ExternalIds];
        string? encap = ids?.GetString(EncapIpKey);
        IPAddress? ip = encap is not null && IPAddress.TryParse(encap, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? parsed : null;

        var vms = ImmutableArray.CreateBuilder<ObservedVmInterface>();
        var types = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var dpids = ImmutableDictionary.CreateBuilder<string, ulong>(StringComparer.Ordinal);
        foreach (var brRef in root?[Bridges].Keys ?? [])
        {
            if (brRef.Kind != AtomKind.Uuid || s.Row(BridgeTable, brRef.AsUuid) is not { } br)
            {
                continue;
            }

            string brName = br.GetString(Name);
            types[brName] = br.GetString(DatapathType);
            if (br[DatapathId].AsOptionalString() is { } hex && ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var dpid))
            {
                dpids[brName] = dpid;
            }

            foreach (var pRef in br[Ports].Keys)
            {
                if (pRef.Kind != AtomKind.Uuid || s.Row(PortTable, pRef.AsUuid) is not { } port)
                {
                    continue;
                }

                foreach (var iRef in port[Interfaces].Keys)
                {
                    if (iRef.Kind == AtomKind.Uuid && s.Row(InterfaceTable, iRef.AsUuid) is { } iface
                        && iface[ExternalIds].GetString(IfaceIdKey) is { Length: > 0 } ifaceId)
                    {
                        int? ofport = iface[OfPort].TryGetSingle(out var a) && a.Kind == AtomKind.Integer ? (int)a.AsInteger : null;
                        vms.Add(new ObservedVmInterface(brName, port.GetString(Name), iface.GetString(Name), ifaceId, iface[ExternalIds].GetString(AttachedMacKey), ofport));
                    }
                }
            }
        }

        return new HostObservation(
            ids?.GetString(SystemIdKey),
            ids?.GetString(HostnameKey),
            encap,
            ip,
            vms.ToImmutable(),
            types.ToImmutable(),
            dpids.ToImmutable());
    }
}
