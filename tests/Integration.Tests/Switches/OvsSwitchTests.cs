using Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using Controller.Switches;
using Integration.Tests.Harness;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Integration.Tests.Switches;

/// <summary>
/// A real ovs-vswitchd (userspace datapath, own namespace and directory, via the harness) connected to
/// the in-process OpenFlow server: handshake, port tracking, crash and reconnect, hostile neighbours.
/// One hypervisor per test; everything is torn down in [TearDown] even when a test fails.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OvsSwitchTests
{
    private static readonly TimeSpan Connect = TimeSpan.FromSeconds(5);
    private InProcessController? _controller;
    private OvsHypervisor? _host;
    private string _prefix = string.Empty;

    private InProcessController Controller => _controller!;

    private OvsHypervisor Host => _host!;

    [SetUp]
    public async Task SetUpAsync()
    {
        OvsPreconditions.RequireRootAndOvs();
        _prefix = TestPrefix.New();
        _controller = await InProcessController.StartAsync(new Dictionary<string, string?>
        {
            ["OpenFlow:EchoInterval"] = "00:00:01",
            ["OpenFlow:EchoTimeout"] = "00:00:03",
        });
        _host = await OvsHypervisor.StartAsync(_prefix, 1);
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        try
        {
            if (_host is not null && TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
            {
                await TestContext.Out.WriteLineAsync(await _host.DiagnosticsAsync());
            }
        }
        finally
        {
            if (_host is not null)
            {
                // Drop the switch's controller connection first so the socat relay's forked child exits
                // and the relay can be stopped cleanly.
                await _host.VsctlAsync("del-controller", OvsHypervisor.BrTun);
                await _host.DisposeAsync();
                _host = null;
            }

            if (_controller is not null)
            {
                await _controller.DisposeAsync();
                _controller = null;
            }
        }
    }

    private async Task<ulong> ConnectBridgeAsync()
    {
        var dpid = ulong.Parse(await Host.DatapathIdAsync(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var sw = Stopwatch.StartNew();
        await Host.SetControllerAsync(Controller.Port);
        Assert.That(await Controller.WaitForSwitchAsync(dpid, Connect), Is.True, $"br-tun {dpid:x16} did not reach the registry in {Connect}");
        await TestContext.Out.WriteLineAsync($"br-tun {dpid:x16} ready {sw.ElapsedMilliseconds} ms after set-controller");
        return dpid;
    }

    [Test]
    public async Task BridgeAppearsWithItsDatapathIdAndPorts()
    {
        var dpid = await ConnectBridgeAsync();
        var info = Controller.Registry.Find(dpid)!;
        var conn = Controller.Registry.Find(new DatapathId(dpid))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(info.Ports.Select(p => p.Name), Does.Contain(OvsHypervisor.PatchInt).And.Contain(OvsHypervisor.BrTun));
            Assert.That(info.Ports.Single(p => p.Name == OvsHypervisor.BrTun).PortNo, Is.EqualTo(OfpPort.Local));
            Assert.That(info.Ports.Single(p => p.Name == OvsHypervisor.PatchInt).PortNo, Is.EqualTo((uint)await Host.PortNumberAsync(OvsHypervisor.BrTun, OvsHypervisor.PatchInt)));
            Assert.That(info.Role, Is.EqualTo("master"));
            Assert.That(conn.Features.NTables, Is.GreaterThan(0));
        }

        // Requests against the real switch: barrier, and the (empty, fail_mode=secure) flow table.
        await conn.BarrierAsync();
        var flows = await conn.DumpFlowsAsync(OfpConstants.AllTables, 0, 0);
        Assert.That(flows, Is.Empty);
    }

    [Test]
    public async Task AddedAndDeletedPortsShowInTheRegistry()
    {
        var dpid = await ConnectBridgeAsync();
        var port = $"{_prefix}p1";
        using var events = Controller.Registry.Subscribe("ovs-test");
        await Host.VsctlAsync("add-port", OvsHypervisor.BrTun, port, "--", "set", "interface", port, "type=internal");
        await Poll.UntilAsync(() => Controller.Registry.Find(dpid)?.Ports.Any(p => p.Name == port) == true, Connect, $"{port} in the registry");
        var number = (uint)await Host.PortNumberAsync(OvsHypervisor.BrTun, port);
        Assert.That(Controller.Registry.Find(dpid)!.Ports.Single(p => p.Name == port).PortNo, Is.EqualTo(number));

        await Host.VsctlAsync("del-port", OvsHypervisor.BrTun, port);
        await Poll.UntilAsync(() => Controller.Registry.Find(dpid)?.Ports.All(p => p.Name != port) == true, Connect, $"{port} gone from the registry");

        var changes = new List<SwitchPortsChanged>();
        while (events.Reader.TryRead(out var e))
        {
            if (e is SwitchPortsChanged pc)
            {
                changes.Add(pc);
            }
        }

        Assert.That(changes.Select(c => c.Change.Reason), Does.Contain(PortReason.Add).And.Contain(PortReason.Delete));
    }

    [Test]
    public async Task KilledSwitchIsRemovedAndReconnectsWhenRestarted()
    {
        var dpid = await ConnectBridgeAsync();
        var first = Controller.Registry.Find(new DatapathId(dpid))!;

        await Host.KillVswitchdAsync();
        var sw = Stopwatch.StartNew();
        await Poll.UntilAsync(() => Controller.Registry.Find(dpid) is null, TimeSpan.FromSeconds(3 + 3), "the killed switch to leave the registry");
        await TestContext.Out.WriteLineAsync($"removed {sw.ElapsedMilliseconds} ms after SIGKILL");
        Assert.That(first.IsActive, Is.False);

        await Host.StartVswitchdAsync();
        await Poll.UntilAsync(() => Controller.Registry.Find(dpid) is not null, TimeSpan.FromSeconds(10), "the restarted switch to reconnect");
        var second = Controller.Registry.Find(new DatapathId(dpid))!;
        Assert.That(second, Is.Not.SameAs(first));
        await second.BarrierAsync();
    }

    [Test]
    public async Task HostileClientsDoNotDisturbTheOvsSession()
    {
        var dpid = await ConnectBridgeAsync();
        var session = Controller.Registry.Find(new DatapathId(dpid))!;

        var hostile = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            var kind = i % 4;
            hostile.Add(Task.Run(async () =>
            {
                using var c = await RawOfClient.ConnectAsync(Controller.Port);
                await c.ReadAsync(TimeSpan.FromSeconds(2));
                switch (kind)
                {
                    case 0:
                        await c.SendAsync([4, 0, 0, 5, 0, 0, 0, 1]);
                        break;
                    case 1:
                        await c.SendAsync(new FlowMod { Xid = 1 });
                        break;
                    case 2:
                        await c.SendAsync([4, 0, 0xff, 0xff, 1, 2, 3, 4, 5, 6]);
                        break;
                    default:
                        var junk = new byte[256];
                        Random.Shared.NextBytes(junk);
                        await c.SendAsync(junk);
                        break;
                }

                await c.WaitClosedAsync(TimeSpan.FromSeconds(6));
            }));
        }

        // While they misbehave, the real switch keeps answering.
        for (var i = 0; i < 20; i++)
        {
            await session.BarrierAsync();
        }

        await Task.WhenAll(hostile);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Controller.Registry.Find(new DatapathId(dpid)), Is.SameAs(session));
            Assert.That(session.IsActive, Is.True);
            Assert.That(Controller.Registry.Connections, Has.Count.EqualTo(1));
        }

        await session.BarrierAsync();
    }

    [Test]
    public async Task FrozenSwitchIsDroppedAfterTheEchoTimeoutAndComesBack()
    {
        var dpid = await ConnectBridgeAsync();
        var pid = PidFile.Read(Path.Combine(Host.Directory, "ovs-vswitchd.pid"))!.Value.ToString(CultureInfo.InvariantCulture);

        // SIGSTOP keeps the TCP connection open but silences the switch: only the echo timeout can notice.
        await Sh.RunAsync("kill", "-s", "STOP", pid);
        var sw = Stopwatch.StartNew();
        try
        {
            await Poll.UntilAsync(() => Controller.Registry.Find(dpid) is null, TimeSpan.FromSeconds(3 + 3), "the frozen switch to leave the registry");
            await TestContext.Out.WriteLineAsync($"frozen switch removed {sw.ElapsedMilliseconds} ms after SIGSTOP (echo timeout 3 s)");
            Assert.That(sw.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)), "removed by the echo timeout, not by a socket close");
        }
        finally
        {
            await Sh.RunAsync("kill", "-s", "CONT", pid);
        }

        await Poll.UntilAsync(() => Controller.Registry.Find(dpid) is not null, TimeSpan.FromSeconds(10), "the thawed switch to reconnect");
        await Controller.Registry.Find(new DatapathId(dpid))!.BarrierAsync();
    }
}
