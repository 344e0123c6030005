using Tests.Shared;
using System.Diagnostics;
using Integration.Tests.Harness;

namespace Integration.Tests.Security;

/// <summary>
/// OpenFlow and OVSDB over TLS against real Open vSwitch with certificates from <c>ovs-pki</c>. Two hosts
/// (namespaces, each its own ovsdb-server and ovs-vswitchd) and the controller as its own process with TLS on
/// both channels: <c>hv1</c> has a switch certificate signed by the ovs-pki switch CA, <c>hv2</c> a self-signed
/// one. Both do what the README tells an operator: <c>set-ssl key cert cacert</c> and
/// <c>set-manager ssl:&lt;controller&gt;:6640</c>.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class TlsOvsTests : TlsOvsBed
{
    private string ControllerIp => Topology.Controller.Ip;

    [OneTimeSetUp]
    public async Task StartBed()
    {
        await StartBedAsync(new Dictionary<string, string?>
        {
            ["Ovsdb:AutoRegister"] = "true",
            ["OpenFlow:Tls:HandshakeTimeout"] = "00:00:05",
        });
        await Good.VsctlAsync("set-ssl", Pki.SwitchKey, Pki.SwitchCertificate, Pki.ControllerCa);
        await Rogue.VsctlAsync("set-ssl", Pki.RogueKey, Pki.RogueCertificate, Pki.ControllerCa);
        foreach (var host in Topology.Hosts)
        {
            await host.IdentifyAsync(Topology.SystemId(host), Topology.UnderlayIp(host));
            await host.SetManagerAsync($"ssl:{ControllerIp}:{ControllerProcess.OvsdbPort}");
        }

        // A refused host retries with OVS's backoff (up to 8 s by default); keep the rogue's retries frequent.
        await Rogue.VsctlAsync("set", "manager", $"ssl:{ControllerIp}:{ControllerProcess.OvsdbPort}", "max_backoff=1000");
    }

    [Test]
    public async Task HostWithAnOvsPkiCertificateIsPlumbedOverSslAndItsBridgeConnectsOverSsl()
    {
        var dpid = await WaitGoodSwitchConnectedAsync();

        var target = (await Good.VsctlAsync("get-controller", OvsHypervisor.BrTun)).Stdout.Trim();
        Assert.That(target, Is.EqualTo($"ssl:{ControllerIp}:{ControllerProcess.OpenFlowPort}"), "the controller target it plumbed");

        // ovs-vswitchd publishes is_connected with its periodic status update, a few seconds after the fact.
        await Poll.UntilAsync(
            async () => (await Good.VsctlAsync("--columns=is_connected", "list", "manager")).Stdout.Contains("true", StringComparison.Ordinal),
            Converge, "the manager connection (ssl) reported up by OVS", TimeSpan.FromMilliseconds(200));
        await Poll.UntilAsync(
            async () => !(await Good.VsctlAsync("--columns=is_connected", "list", "controller")).Stdout.Contains("false", StringComparison.Ordinal),
            Converge, "both bridges' OpenFlow connections (ssl) reported up by OVS", TimeSpan.FromMilliseconds(200));

        await Poll.UntilAsync(
            async () => (await Good.DumpFlowsAsync(OvsHypervisor.BrTun)).Any(f => f.Cookie >> 48 == 0x0b70),
            Converge,
            $"br-tun ({dpid}) holds the controller's br-tun pipeline",
            TimeSpan.FromMilliseconds(200));
    }

    [Test]
    public async Task HostWithASelfSignedCertificateIsRefusedOnOvsdbAndOpenFlow()
    {
        var rest = Topology.Rest;
        await Poll.UntilAsync(
            async () => await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"ovsdb\"") >= 1,
            Converge,
            "the self-signed host's OVSDB connection refused",
            TimeSpan.FromMilliseconds(200));

        // The same host's bridge pointed at the OpenFlow TLS port by hand.
        await Rogue.VsctlAsync(
            "add-br", "br-rogue", "--", "set", "bridge", "br-rogue", "datapath_type=netdev", "fail_mode=secure", "protocols=OpenFlow13",
            "other-config:datapath-id=00000000000000ee", "--",
            "set-controller", "br-rogue", $"ssl:{ControllerIp}:{ControllerProcess.OpenFlowPort}", "--",
            "set", "controller", "br-rogue", "max_backoff=1000");
        await Poll.UntilAsync(
            async () => await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"openflow\"") >= 2,
            Converge,
            "the self-signed bridge's OpenFlow connection refused (twice: it retries)",
            TimeSpan.FromMilliseconds(200));

        var hosts = (await rest.GetAsync("hosts")).AsArray();
        var switches = (await rest.GetAsync("switches")).AsArray();
        var controller = (await Rogue.VsctlAsync("--columns=is_connected", "list", "controller")).Stdout;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hosts.Any(h => h?["systemId"]?.GetValue<string>() == Topology.SystemId(Rogue)), Is.False, "never registered");
            Assert.That(await Rogue.BridgeExistsAsync(OvsHypervisor.BrTun), Is.False, "never plumbed");
            Assert.That(switches.Any(s => string.Equals(s!["datapathId"]!.GetValue<string>(), "00000000000000ee", StringComparison.OrdinalIgnoreCase)), Is.False, "never connected");
            Assert.That(controller, Does.Not.Contain("true"));
            Assert.That(Topology.Controller.LogTail(400), Does.Contain("does not chain to the configured CA"));
            Assert.That(Topology.Controller.LogTail(400), Does.Not.Contain("PRIVATE KEY"));
        }
    }

    [Test]
    public async Task PlaintextHelloAndGarbageOnTheTlsPortAreClosedWithoutTouchingAConnectedSwitch()
    {
        var dpid = await WaitGoodSwitchConnectedAsync();
        var rest = Topology.Rest;
        var connections = await rest.MetricAsync("ofcontroller_switch_connections_total");
        var refusedBefore = await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"openflow\"");

        // An OpenFlow 1.3 HELLO in the clear, then 4 KiB of random bytes, each on a fresh TCP connection.
        string[] payloads = [@"printf '\004\000\000\010\000\000\000\001'", "head -c 4096 /dev/urandom"];
        foreach (var payload in payloads)
        {
            var watch = Stopwatch.StartNew();
            var result = await Good.ExecAsync(
                ["sh", "-c", $"{payload} | socat -t 60 - TCP:{ControllerIp}:{ControllerProcess.OpenFlowPort}"],
                TimeSpan.FromSeconds(90),
                check: false);
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), $"the controller closed the connection ({payload}): {result.Stderr}");
            Assert.That(result.Stdout, Does.Not.Contain("\u0004"), "no OpenFlow answer in the clear");
        }

        await Poll.UntilAsync(
            async () => await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"openflow\"") >= refusedBefore + 2,
            Converge,
            "both hostile connections counted as refused",
            TimeSpan.FromMilliseconds(200));
        var switches = (await rest.GetAsync("switches")).AsArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(switches.Any(s => string.Equals(s!["datapathId"]!.GetValue<string>(), dpid, StringComparison.OrdinalIgnoreCase)), Is.True, "the good switch is still connected");
            Assert.That(await rest.MetricAsync("ofcontroller_switch_connections_total"), Is.EqualTo(connections), "and did not reconnect");
        }
    }

    private async Task<string> WaitGoodSwitchConnectedAsync()
    {
        await Poll.UntilAsync(() => Good.BridgeExistsAsync(OvsHypervisor.BrTun), Converge, "hv1's br-tun created over OVSDB/TLS", TimeSpan.FromMilliseconds(200));
        var dpid = await Good.DatapathIdAsync(OvsHypervisor.BrTun);
        await Poll.UntilAsync(
            async () => (await Topology.Rest.GetAsync("switches")).AsArray().Any(s => string.Equals(s!["datapathId"]!.GetValue<string>(), dpid, StringComparison.OrdinalIgnoreCase)),
            Converge,
            $"hv1's br-tun {dpid} connected over OpenFlow/TLS",
            TimeSpan.FromMilliseconds(200));
        return dpid;
    }
}
