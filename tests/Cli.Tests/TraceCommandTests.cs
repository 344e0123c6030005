using System.Text.Json.Nodes;
using Apps.Flows;
using Apps.Overlay;
using Apps.Trace;
using Controller.Store;
using Controller.Trace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenFlow;

namespace Cli.Tests;

/// <summary>
/// <c>ofc trace</c> against the real controller's trace endpoint, real store and real br-tun flows; only the switch
/// connections are replaced (each host has patch-int on 1 and a VXLAN port to the other host on 2).
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class TraceCommandTests
{
    [Test]
    public async Task KnownUnicast_IsDrawnHopByHop_AndDeliveredToTheVm()
    {
        await using var c = await StartAsync();

        var run = await c.OfcAsync("trace", "hv1", "patch-int", "--vlan", "1", "--eth-src", "02:00:00:00:00:01", "--eth-dst", "02:00:00:00:00:02",
            "--ip-src", "10.0.0.1", "--ip-dst", "10.0.0.2", "--ip-proto", "tcp", "--dst-port", "80");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stderr);
            Assert.That(run.Stdout, Does.Contain("hop 0: host hv1 br-tun 0000000000000001, in_port 1 (patch-int): output"));
            Assert.That(run.Stdout, Does.Contain("hop 1 (from hop 0): host hv2 br-tun 0000000000000002, in_port 2"));
            Assert.That(run.Stdout, Does.Contain("output 2 (vxlan-c0000202): tunnel -> hop 1"));
            Assert.That(run.Stdout, Does.Match(@"Delivered on host \S+ \(hop 1\), network \S+: vm2 02:00:00:00:00:02"));
            Assert.That(run.Stdout, Does.Contain("tcp_dst=80"));
        }
    }

    [Test]
    public async Task Json_IsTheRestAnswer()
    {
        await using var c = await StartAsync();

        var run = await c.OfcAsync("--json", "trace", "hv1", "1", "--vlan", "1", "--eth-src", "02:00:00:00:00:01", "--eth-dst", "ff:ff:ff:ff:ff:ff",
            "--arp-spa", "10.0.0.1", "--arp-tpa", "10.0.0.9");

        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stderr);
        var body = JsonNode.Parse(run.Stdout)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["packet"]!["ethType"]!.GetValue<string>(), Is.EqualTo("0x0806"));
            Assert.That(body["hops"]!.AsArray(), Has.Count.EqualTo(2), "an unknown IP floods to the other host");
        }
    }

    [Test]
    public async Task BadField_IsOneLineNamingIt_AndExitFour()
    {
        await using var c = await StartAsync();

        var run = await c.OfcAsync("trace", "hv1", "patch-int", "--eth-src", "02:00:00:00:00:01", "--eth-dst", "not-a-mac");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.RestError), run.Stdout);
            Assert.That(run.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(run.Stderr, Does.StartWith("ofc: GET api/v1/trace").And.Contain(": 400 ").And.Contain("(field: ethDst)"));
        }
    }

    private static async Task<TestController> StartAsync()
    {
        var c = await TestController.StartAsync(configure: b =>
        {
            b.Services.RemoveAll<ITraceSource>();
            b.Services.AddSingleton<ITraceSource, TwoConnectedHosts>();
        });
        var tenant = await IdAsync(c, "tenants", "create", "t");
        var net = await IdAsync(c, "networks", "create", "n", "--tenant", tenant, "--type", "vxlan", "--segment", "100", "--cidr", "10.0.0.0/24");
        var h1 = await IdAsync(c, "hosts", "create", "hv1", "--dpid", "0000000000000001", "--tunnel-ip", "192.0.2.1");
        var h2 = await IdAsync(c, "hosts", "create", "hv2", "--dpid", "0000000000000002", "--tunnel-ip", "192.0.2.2");
        await IdAsync(c, "ports", "create", "--name", "vm1", "--network", net, "--host", h1, "--mac", "02:00:00:00:00:01", "--ip", "10.0.0.1");
        await IdAsync(c, "ports", "create", "--name", "vm2", "--network", net, "--host", h2, "--mac", "02:00:00:00:00:02", "--ip", "10.0.0.2");
        return c;
    }

    private static async Task<string> IdAsync(TestController c, params string[] args)
    {
        var run = await c.OfcAsync(["--json", .. args]);
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Ok), run.Stderr);
        return JsonNode.Parse(run.Stdout)!["id"]!.GetValue<string>();
    }

    private sealed class TwoConnectedHosts(TenantStore store) : ITraceSource
    {
        public BrTunPipeline BrTun { get; } = new();

        public SwitchView? View(ulong datapathId)
        {
            var state = store.Current;
            if (state.Hosts.All(h => h.DatapathId != datapathId))
            {
                return null;
            }

            var peer = state.Hosts.First(h => h.DatapathId != datapathId);
            var sw = new SwitchSnapshot(datapathId, [
                new SwitchPort(1, "patch-int", new MacAddress(0x0200_0000_1000UL | datapathId)),
                new SwitchPort(2, TunnelPortName.Format(Apps.Model.TunnelType.Vxlan, peer.TunnelIp), new MacAddress(0x0200_0000_2000UL | datapathId)),
            ]);
            return new SwitchView(sw, [.. BrTun.ComputeDesired(state, sw)]);
        }
    }
}
