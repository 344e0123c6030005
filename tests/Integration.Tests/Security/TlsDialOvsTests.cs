using Tests.Shared;
using Integration.Tests.Harness;

namespace Integration.Tests.Security;

/// <summary>
/// <c>ssl:</c> dial targets against real ovsdb-servers: two hosts (namespaces, each its own ovsdb-server and
/// ovs-vswitchd) that listen <c>set-manager pssl:6640</c> after <c>set-ssl key cert cacert</c>, and the controller
/// with <c>Ovsdb:Dial</c> pointing at both and no OVSDB listener of its own, so a host is reached only by dialing.
/// <c>hv1</c>'s server certificate is signed by the ovs-pki switch CA, <c>hv2</c>'s is self-signed.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class TlsDialOvsTests : TlsOvsBed
{
    private const int HostPort = 6640;

    /// <summary>Where the harness puts host <paramref name="index"/> on the underlay (checked against it in set-up).</summary>
    private static string UnderlayIp(int index) => $"192.168.77.{index}";

    [OneTimeSetUp]
    public async Task StartBed()
    {
        await StartBedAsync(new Dictionary<string, string?>
        {
            ["Ovsdb:AutoRegister"] = "true",
            ["Ovsdb:Listen"] = "",
            ["Ovsdb:DialRetry"] = "00:00:01",
            ["Ovsdb:Tls:HandshakeTimeout"] = "00:00:05",
            ["Ovsdb:Dial:0"] = $"ssl:{UnderlayIp(1)}:{HostPort}",
            ["Ovsdb:Dial:1"] = $"ssl:{UnderlayIp(2)}:{HostPort}",
        });
        Assert.That(Topology.Hosts.Select(Topology.UnderlayIp), Is.EqualTo(new[] { UnderlayIp(1), UnderlayIp(2) }), "the dial targets are the hosts' underlay addresses");

        // ovsdb-server serves pssl: with the SSL table's key and certificate and checks the controller against
        // ca_cert; ovs-vswitchd uses the same for its ssl: controller connections.
        await Good.VsctlAsync("set-ssl", Pki.SwitchKey, Pki.SwitchCertificate, Pki.ControllerCa);
        await Rogue.VsctlAsync("set-ssl", Pki.RogueKey, Pki.RogueCertificate, Pki.ControllerCa);
        foreach (var host in Topology.Hosts)
        {
            await host.IdentifyAsync(Topology.SystemId(host), Topology.UnderlayIp(host));
            await host.SetManagerAsync($"pssl:{HostPort}");
        }
    }

    [Test]
    public async Task AHostListeningPsslWithAnOvsPkiCertificateIsDialedAndPlumbed()
    {
        await Poll.UntilAsync(() => Good.BridgeExistsAsync(OvsHypervisor.BrTun), Converge, "hv1's br-tun created over the dialed OVSDB/TLS connection", TimeSpan.FromMilliseconds(200));
        var dpid = await Good.DatapathIdAsync(OvsHypervisor.BrTun);
        await Poll.UntilAsync(
            async () => (await Topology.Rest.GetAsync("hosts")).AsArray().Any(h =>
                h?["systemId"]?.GetValue<string>() == Topology.SystemId(Good) && h["ovsdb"]?["inSync"]?.GetValue<bool>() == true),
            Converge,
            "hv1 registered from its dialed connection and in sync",
            TimeSpan.FromMilliseconds(200));
        await Poll.UntilAsync(
            async () => (await Good.DumpFlowsAsync(OvsHypervisor.BrTun)).Any(f => f.Cookie >> 48 == 0x0b70),
            Converge,
            $"br-tun ({dpid}) holds the controller's br-tun pipeline (OpenFlow over TLS)",
            TimeSpan.FromMilliseconds(200));

        var target = (await Good.VsctlAsync("get-controller", OvsHypervisor.BrTun)).Stdout.Trim();
        var transactions = Good.ManagerTransactions();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(target, Is.EqualTo($"ssl:{Topology.Controller.Ip}:{ControllerProcess.OpenFlowPort}"), "the controller target it plumbed");
            Assert.That(transactions.Where(t => t.Remote.StartsWith($"ssl:{Topology.Controller.Ip}:", StringComparison.Ordinal)), Is.Not.Empty, "ovsdb-server got the controller's transactions over TLS");
            Assert.That(transactions.Where(t => !t.Remote.StartsWith("ssl:", StringComparison.Ordinal)), Is.Empty, "and none in the clear");
        }
    }

    [Test]
    public async Task AHostWithASelfSignedServerCertificateIsRefusedCountedAndRetried()
    {
        var rest = Topology.Rest;
        await Poll.UntilAsync(
            async () => await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"ovsdb\"") >= 3,
            Converge,
            "the self-signed host refused on three dials (the dial loop keeps retrying)",
            TimeSpan.FromMilliseconds(200));

        var hosts = (await rest.GetAsync("hosts")).AsArray();
        var log = Topology.Controller.LogTail(400);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(hosts.Any(h => h?["systemId"]?.GetValue<string>() == Topology.SystemId(Rogue)), Is.False, "never registered");
            Assert.That(await Rogue.BridgeExistsAsync(OvsHypervisor.BrTun), Is.False, "never plumbed");
            Assert.That(log, Does.Contain($"TLS ovsdb peer {UnderlayIp(2)}:{HostPort} refused"));
            Assert.That(log, Does.Contain("does not chain to the configured CA"));
            Assert.That(log, Does.Not.Contain("PRIVATE KEY"));
            Assert.That(await rest.MetricAsync("ofcontroller_tls_refused_total", "channel=\"openflow\""), Is.Zero, "nothing refused on OpenFlow");
        }
    }
}
