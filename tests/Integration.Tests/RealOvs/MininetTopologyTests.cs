using Tests.Shared;
using System.Net;
using System.Net.Sockets;
using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>
/// Runs the scripts in mininet-topos/ the way an operator would. Both scripts keep to their own namespaces and
/// private OVS instances and stop what they started (net.stop() in a finally, daemons by pidfile); neither runs
/// Mininet's machine-wide cleanup.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Mininet")]
[Parallelizable(ParallelScope.Self)]
public sealed class MininetTopologyTests
{
    private const string Python = "/usr/bin/python3";

    [SetUp]
    public void RequireMininet()
    {
        OvsPreconditions.RequireRootAndOvs("mnexec", "ethtool");
        OvsPreconditions.RequireFile(Python, "apt-get install python3 mininet");
    }

    [TestCase(TunnelType.Vxlan)]
    [TestCase(TunnelType.Gre)]
    public async Task OverlayScript_WithStaticFlows_PingsWithinEachTenant(TunnelType tunnel)
    {
        var result = await Sh.RunAsync(
            [Python, Script("overlay.py"), "--hosts", "3", "--tunnel", tunnel == TunnelType.Vxlan ? "vxlan" : "gre", "--static-flows"],
            TimeSpan.FromSeconds(120),
            check: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.Zero, $"{result.Stdout}\n{result.Stderr}");
            Assert.That(result.Stdout, Does.Contain("overlay check: 0 failure(s)"));
            Assert.That(result.StdoutLines.Count(l => l.StartsWith("ping ", StringComparison.Ordinal) && l.EndsWith(": ok", StringComparison.Ordinal)), Is.EqualTo(12));
        }
    }

    [Test]
    public async Task OverlayScript_WithController_ConnectsEveryBrTunAndStopsCleanlyWhenStdinCloses()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var script = BackgroundProcess.Start(
            [Python, Script("overlay.py"), "--hosts", "3", "--controller", $"127.0.0.1:{port}", "--hold"], keepStdinOpen: true);
        await script.WaitForOutputAsync("READY", TimeSpan.FromSeconds(60));
        var layout = script.Stdout.Split('\n').Single(l => l.StartsWith("LAYOUT ", StringComparison.Ordinal));

        var hellos = new List<byte>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var clients = new List<TcpClient>();
        for (var i = 0; i < 3; i++)
        {
            var client = await listener.AcceptTcpClientAsync(cts.Token);
            clients.Add(client);
            var header = new byte[8];
            await client.GetStream().ReadExactlyAsync(header, cts.Token);
            hellos.Add(header[0]);
        }

        script.CloseStdin();
        var exit = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));
        clients.ForEach(c => c.Dispose());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(hellos, Is.EqualTo(new byte[] { 4, 4, 4 }), "three br-tun switches say HELLO with OpenFlow 1.3");
            Assert.That(layout, Does.Contain("\"brTunDpid\"").And.Contain("vxlan-c0a84d02").And.Contain("\"segment\": 200"));
            Assert.That(exit.ExitCode, Is.Zero, exit.Stderr);
        }
    }

    [TestCase("tree,depth=2,fanout=2")]
    [TestCase("linear,4")]
    public async Task PlainScript_AgainstOvsTestcontroller_PingallLosesNothing(string topo)
    {
        OvsPreconditions.RequireRootAndOvs("ovs-testcontroller");
        var port = FreeTcpPort();
        var unixctl = Path.Combine(Path.GetTempPath(), $"testcontroller-{Guid.NewGuid():N}.ctl");
        await using var controller = BackgroundProcess.Start(
            ["ovs-testcontroller", $"ptcp:{port}:127.0.0.1", $"--unixctl={unixctl}", "-vconsole:off"]);
        await Poll.UntilAsync(() => IsListening(port), TimeSpan.FromSeconds(10), "ovs-testcontroller to listen");

        var result = await Sh.RunAsync(
            [Python, Script("plain.py"), "--topo", topo, "--controller", $"127.0.0.1:{port}"],
            TimeSpan.FromSeconds(120),
            check: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExitCode, Is.Zero, $"{result.Stdout}\n{result.Stderr}");
            Assert.That(result.Stdout, Does.Contain("pingall loss: 0%"));
        }
    }

    private static string Script(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "mininet-topos", name);

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
