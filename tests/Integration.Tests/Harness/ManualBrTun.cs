using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// The br-tun pipeline of DESIGN.md typed in by hand, as the operator does without a controller:
/// <code>
/// table 0   in_port=patch-int -> goto 1; in_port=&lt;tunnel&gt; -> goto 2; else drop
/// table 1   unicast eth_dst -> goto 20; multicast/broadcast -> goto 21
/// table 2   tun_id=&lt;segment&gt; -> push VLAN &lt;local VLAN&gt;, goto 10; else drop
/// table 10  learn a table-20 entry (VLAN, MAC) -> strip VLAN, set tun_id, output:&lt;tunnel it came from&gt;; output:patch-int
/// table 20  learned entries (priority 1, cookie <see cref="LearnedCookie"/>); else goto 21
/// table 21  dl_vlan=&lt;local VLAN&gt; -> pop VLAN, set tun_id, output to every tunnel; else drop
/// </code>
/// The reference output of <c>dump-flows</c> after installing these lines is in <c>Reference/brtun-dump-flows.txt</c>.
/// </summary>
internal static class ManualBrTun
{
    /// <summary>Cookie of the flows installed here (app 0x5eed, own value 1).</summary>
    public const ulong StaticCookie = 0x5eed_0000_0000_0001;

    /// <summary>Cookie that the learn action gives the table-20 entries it creates.</summary>
    public const ulong LearnedCookie = 0x5eed_0000_0000_0002;

    /// <summary>The <c>ovs-ofctl -O OpenFlow13 add-flow</c> lines for br-tun, in table order.</summary>
    public static IReadOnlyList<string> Flows(
        int patchIntPort,
        IReadOnlyList<int> tunnelPorts,
        IReadOnlyList<TenantSegment> segments,
        ulong cookie = StaticCookie,
        ulong learnedCookie = LearnedCookie)
    {
        var c = $"cookie={Hex(cookie)}";
        var lines = new List<string>
        {
            $"{c},table=0,priority=1,in_port={patchIntPort},actions=goto_table:1",
        };
        lines.AddRange(tunnelPorts.Select(p => $"{c},table=0,priority=1,in_port={p},actions=goto_table:2"));
        lines.Add($"{c},table=0,priority=0,actions=drop");

        lines.Add($"{c},table=1,priority=1,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,actions=goto_table:20");
        lines.Add($"{c},table=1,priority=1,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=goto_table:21");

        lines.AddRange(segments.Select(s =>
            $"{c},table=2,priority=1,tun_id={Hex(s.TunnelId)},actions=push_vlan:0x8100,set_field:{0x1000 | s.LocalVlan}->vlan_vid,goto_table:10"));
        lines.Add($"{c},table=2,priority=0,actions=drop");

        lines.Add(
            $"{c},table=10,priority=1,actions=learn(table=20,priority=1,hard_timeout=300,cookie={Hex(learnedCookie)}," +
            "NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:0->NXM_OF_VLAN_TCI[]," +
            $"load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:OXM_OF_IN_PORT[]),output:{patchIntPort}");

        lines.Add($"{c},table=20,priority=0,actions=goto_table:21");

        var outputs = string.Concat(tunnelPorts.Select(p => $",output:{p}"));
        lines.AddRange(segments.Select(s =>
            $"{c},table=21,priority=1,dl_vlan={s.LocalVlan},actions=pop_vlan,set_field:{Hex(s.TunnelId)}->tun_id{outputs}"));
        lines.Add($"{c},table=21,priority=0,actions=drop");
        return lines;
    }

    /// <summary>
    /// Installs <see cref="Flows"/> on the host's br-tun with <c>ovs-ofctl -O OpenFlow13 add-flows</c>, reading the
    /// patch-int and tunnel port numbers from the switch. Returns the lines installed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> InstallAsync(
        OvsHypervisor host, IReadOnlyList<string> tunnelPortNames, IReadOnlyList<TenantSegment> segments)
    {
        var ports = await host.PortNumbersAsync(OvsHypervisor.BrTun).ConfigureAwait(false);
        var lines = Flows(ports[OvsHypervisor.PatchInt], [.. tunnelPortNames.Select(n => ports[n]).Order()], segments);
        var file = Path.Combine(host.Directory, "brtun-flows.txt");
        await File.WriteAllLinesAsync(file, lines).ConfigureAwait(false);
        await host.OfctlAsync("add-flows", OvsHypervisor.BrTun, file).ConfigureAwait(false);
        return lines;
    }

    private static string Hex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
