using Tests.Shared;
using Integration.Tests.Harness;

namespace Integration.Tests.Plumbing;

/// <summary>
/// Issue 9, proof 3: ovsdb-server restarted, ovs-vswitchd killed and restarted, the controller SIGKILLed and
/// restarted: everything comes back, with zero OVSDB transactions (ovsdb-server's own log of what it received over
/// TCP) and zero FLOW_MODs (<c>ovs-ofctl monitor watch:!initial</c>) wherever nothing had changed.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class ZeroTouchRestartTests
{
    private const TunnelType Tunnel = TunnelType.Vxlan;

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");

    [Test]
    public async Task OvsdbServerRestart_AllBack_ZeroTransactionsAndZeroFlowMods()
    {
        await using var c = await ConvergedAsync();
        var before = c.Bed.TransactionCounts();
        var ownCount = await c.Bed.ControllerTransactionsAsync();
        var monitors = await c.Bed.StartFlowMonitorsAsync();
        var since = DateTimeOffset.UtcNow;

        await c.Bed.Hosts[0].RestartOvsdbServerAsync();
        await WaitManagerReconnectedAsync(c.Bed.Hosts[0], since);
        await c.Bed.WaitOvsdbConnectedAsync(since: null);
        await AssertAllBackAsync(c);

        await AssertQuietAsync(c.Bed, before, monitors);
        Assert.That(await c.Bed.ControllerTransactionsAsync(), Is.EqualTo(ownCount), "the controller's own transaction counter");
    }

    [Test]
    public async Task VswitchdRestart_AllBack_ZeroTransactions_AndFlowModsOnlyForTheRestartedHost()
    {
        await using var c = await ConvergedAsync();
        var before = c.Bed.TransactionCounts();
        var ownCount = await c.Bed.ControllerTransactionsAsync();
        var restarted = c.Bed.Hosts[0];
        var monitors = (await c.Bed.StartFlowMonitorsAsync()).Where(m => m.Host != restarted).ToList();
        var since = DateTimeOffset.UtcNow;

        await restarted.RestartVswitchdAsync();

        // ovs-vswitchd keeps no flows across a restart: the controller must put them back on that host alone.
        await c.Bed.WaitSwitchesConnectedAsync(since: since, restarted: [restarted]);
        await c.Bed.WaitForSegmentsAsync(new Dictionary<OvsHypervisor, uint[]> { [restarted] = [100] });
        await c.Bed.WaitOvsdbConnectedAsync();
        await AssertAllBackAsync(c);

        await AssertQuietAsync(c.Bed, before, monitors);
        Assert.That(await c.Bed.ControllerTransactionsAsync(), Is.EqualTo(ownCount), "the controller's own transaction counter");
    }

    [Test]
    public async Task ControllerSigkillAndRestart_AllBack_ZeroTransactionsAndZeroFlowMods()
    {
        await using var c = await ConvergedAsync();
        var before = c.Bed.TransactionCounts();
        var monitors = await c.Bed.StartFlowMonitorsAsync();
        var since = DateTimeOffset.UtcNow;

        await c.Bed.Controller.RestartAsync();

        await c.Bed.WaitOvsdbConnectedAsync(since: since);
        await c.Bed.WaitSwitchesConnectedAsync(since: since);
        await c.Bed.WaitReconciledAsync(since);
        await AssertAllBackAsync(c);

        await AssertQuietAsync(c.Bed, before, monitors);
    }

    private static async Task<Converged> ConvergedAsync()
    {
        var bed = await ZeroTouchBed.CreateAsync(3);
        try
        {
            var net = await bed.CreateNetworkAsync("a", Tunnel, 100);
            var vms = new List<BoundVm>();
            foreach (var h in bed.Hosts)
            {
                vms.Add(await bed.AddVmAsync(h, $"a{h.Index}", net, $"10.0.0.{h.Index}/24"));
            }

            await bed.WaitForMeshAsync([Tunnel]);
            await bed.WaitForSegmentsAsync(bed.Hosts.ToDictionary(h => h, _ => new uint[] { 100 }));
            await bed.WaitSwitchesConnectedAsync();
            var c = new Converged(bed, vms);
            await AssertAllBackAsync(c); // also warms every path before the counting starts
            return c;
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }
    }

    /// <summary>Mesh in place and every VM reaches every other (from a1 and to a1).</summary>
    private static async Task AssertAllBackAsync(Converged c)
    {
        await c.Bed.WaitForMeshAsync([Tunnel]);
        using (Assert.EnterMultipleScope())
        {
            foreach (var vm in c.Vms.Skip(1))
            {
                Assert.That(await Reach.PingAfterWarmUpAsync(c.Vms[0], vm.Ip), Is.EqualTo(3), $"a1 -> {vm.Vm.Name}");
                Assert.That(await Reach.PingAfterWarmUpAsync(vm, c.Vms[0].Ip), Is.EqualTo(3), $"{vm.Vm.Name} -> a1");
            }
        }
    }

    /// <summary>The Manager row of the host reports a connection younger than <paramref name="since"/>.</summary>
    private static Task WaitManagerReconnectedAsync(OvsHypervisor host, DateTimeOffset since)
        => Poll.UntilAsync(
            async () =>
            {
                var status = (await host.VsctlAsync("get", "manager", ".", "status")).Stdout;
                var m = System.Text.RegularExpressions.Regex.Match(status, "sec_since_connect=\"?(\\d+)");
                return status.Contains("state=ACTIVE", StringComparison.Ordinal) && m.Success
                    && DateTimeOffset.UtcNow - TimeSpan.FromSeconds(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 1) >= since - TimeSpan.FromSeconds(1);
            },
            ZeroTouchBed.Converge,
            $"{host.Namespace}'s manager connection back");

    private static async Task AssertQuietAsync(
        ZeroTouchBed bed,
        IReadOnlyDictionary<OvsHypervisor, int> before,
        IEnumerable<(OvsHypervisor Host, string Bridge, FlowMonitor Monitor)> monitors)
    {
        var after = bed.TransactionCounts();
        var list = monitors.ToList();
        try
        {
            using (Assert.EnterMultipleScope())
            {
                foreach (var h in bed.Hosts)
                {
                    Assert.That(after[h] - before[h], Is.Zero, $"OVSDB transactions received by {h.Namespace} from the controller");
                }

                foreach (var (host, bridge, monitor) in list)
                {
                    Assert.That(ZeroTouchBed.ControllerEvents(monitor), Is.Empty, $"flow table changes on {host.Namespace}/{bridge}");
                }
            }
        }
        finally
        {
            foreach (var (_, _, monitor) in list)
            {
                await monitor.DisposeAsync();
            }
        }
    }

    private sealed record Converged(ZeroTouchBed Bed, IReadOnlyList<BoundVm> Vms) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Bed.DisposeAsync();
    }
}
