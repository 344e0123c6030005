using Integration.Tests.Harness;

namespace Integration.Tests.Plumbing;

/// <summary>
/// Issue 9, proof 4: a tunnel port deleted by hand is recreated; a port and a bridge the operator added by hand are
/// left alone, also across controller restarts.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class ZeroTouchDriftTests
{
    private const TunnelType Tunnel = TunnelType.Vxlan;

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");

    [Test]
    public async Task TunnelPortDeletedByHand_IsRecreated_AndTrafficFlowsAgain()
    {
        await using var bed = await ZeroTouchBed.CreateAsync(2);
        var net = await bed.CreateNetworkAsync("a", Tunnel, 100);
        var a1 = await bed.AddVmAsync(bed.Hosts[0], "a1", net, "10.0.0.1/24");
        var a2 = await bed.AddVmAsync(bed.Hosts[1], "a2", net, "10.0.0.2/24");
        await bed.WaitForMeshAsync([Tunnel]);
        Assert.That(await Reach.PingAfterWarmUpAsync(a1, a2.Ip), Is.EqualTo(3), "before");
        var h1 = bed.Hosts[0];
        var port = OvsHypervisor.TunnelPortName(Tunnel, bed.Topology.UnderlayIp(bed.Hosts[1]));
        var oldUuid = (await h1.VsctlAsync("get", "port", port, "_uuid")).Stdout.Trim();

        await h1.VsctlAsync("del-port", OvsHypervisor.BrTun, port);
        Assert.That(await h1.ListPortsAsync(OvsHypervisor.BrTun), Does.Not.Contain(port), "deleted by hand");

        await bed.WaitForMeshAsync([Tunnel]);
        var newUuid = (await h1.VsctlAsync("get", "port", port, "_uuid")).Stdout.Trim();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(newUuid, Is.Not.EqualTo(oldUuid), "a new row: the controller recreated it");
            Assert.That(await Reach.PingAfterWarmUpAsync(a1, a2.Ip), Is.EqualTo(3), "after");
        }
    }

    [Test]
    public async Task OperatorsBridgeAndPorts_AreLeftAlone_AlsoAcrossControllerRestarts()
    {
        await using var bed = await ZeroTouchBed.CreateAsync(2);
        var net = await bed.CreateNetworkAsync("a", Tunnel, 100);
        var a1 = await bed.AddVmAsync(bed.Hosts[0], "a1", net, "10.0.0.1/24");
        var a2 = await bed.AddVmAsync(bed.Hosts[1], "a2", net, "10.0.0.2/24");
        await bed.WaitForMeshAsync([Tunnel]);
        var h1 = bed.Hosts[0];

        // By hand: a bridge of the operator's, a port without iface-id on br-int, an internal port on br-tun.
        await h1.VsctlAsync(
            "add-br", "br-ops", "--", "set", "bridge", "br-ops", "datapath_type=netdev", "external_ids:owner=operator", "--",
            "add-port", OvsHypervisor.BrInt, "ops0", "--", "set", "interface", "ops0", "type=internal", "--",
            "add-port", OvsHypervisor.BrTun, "ops1", "--", "set", "interface", "ops1", "type=internal");
        string[] rows = ["bridge br-ops", "port ops0", "interface ops0", "port ops1", "interface ops1"];
        var before = await SnapshotAsync(h1, rows);
        var transactions = h1.RemoteTransactionCount();

        for (var i = 0; i < 2; i++)
        {
            var since = DateTimeOffset.UtcNow;
            await bed.Controller.RestartAsync();
            await bed.WaitOvsdbConnectedAsync(since: since);
            await bed.WaitSwitchesConnectedAsync(since: since);
            await bed.WaitReconciledAsync(since);
        }

        await bed.WaitForMeshAsync([Tunnel]);
        var after = await SnapshotAsync(h1, rows);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after, Is.EqualTo(before), "the operator's rows, every column but statistics and status, unchanged");
            Assert.That((await h1.VsctlAsync("get", "port", "ops0", "tag")).Stdout.Trim(), Is.EqualTo("[]"), "a port without iface-id gets no tag");
            Assert.That(h1.RemoteTransactionCount() - transactions, Is.Zero, "no transaction at all across two restarts");
            Assert.That(await Reach.PingAfterWarmUpAsync(a1, a2.Ip), Is.EqualTo(3));
        }
    }

    /// <summary>The rows' columns as <c>ovs-vsctl list</c> prints them, without the ones OVS itself keeps changing.</summary>
    private static async Task<IReadOnlyList<string>> SnapshotAsync(OvsHypervisor host, IEnumerable<string> rows)
    {
        string[] volatileColumns = ["statistics", "status", "link_resets", "link_state", "link_speed", "duplex", "mtu", "admin_state", "ifindex", "ofport"];
        var lines = new List<string>();
        foreach (var row in rows)
        {
            var parts = row.Split(' ');
            var result = await host.VsctlAsync("list", parts[0], parts[1]);
            lines.AddRange(result.StdoutLines
                .Where(l => !volatileColumns.Contains(l.Split(':')[0].Trim()))
                .Select(l => $"{row}: {l}"));
        }

        return lines;
    }
}
