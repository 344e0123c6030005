using Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Integration.Tests.RealOvs;

namespace Integration.Tests.Docker;

/// <summary>
/// The repository's <c>docker-compose.yml</c> as an operator runs it: images built here without a registry
/// (<c>scripts/build-images.sh</c>: debootstrap base, OVS node, self-contained controller), the controller and two
/// unprivileged OVS nodes up, both nodes registered over OVSDB, a tenant with a port on each node, a "VM" (a veth
/// bound by iface-id) on each, a ping through the VXLAN tunnel the controller made, and everything taken down.
/// </summary>
[TestFixture]
[Category("Docker")]
[NonParallelizable]
public sealed partial class ComposeTests
{
    private static readonly TimeSpan RegisterTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan PlumbTimeout = TimeSpan.FromSeconds(60);

    private static readonly (string Service, string Mac, string Ip)[] Vms =
    [
        ("node1", "02:0c:0e:00:00:01", "10.203.0.11"),
        ("node2", "02:0c:0e:00:00:02", "10.203.0.12"),
    ];

    [Test]
    public async Task ComposeFile_Validates_WithControllerAndTwoUnprivilegedNodes()
    {
        OvsPreconditions.RequireCommand("docker-compose", "apt-get install docker-compose");
        var file = Path.Combine(Root(), "docker-compose.yml");

        var config = await Sh.RunAsync(["docker-compose", "-f", file, "config"], check: false);
        var services = await Sh.RunAsync(["docker-compose", "-f", file, "config", "--services"], check: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.ExitCode, Is.Zero, config.Stderr);
            Assert.That(services.StdoutLines, Is.EquivalentTo(new[] { "controller", "node1", "node2" }));
            Assert.That(config.Stdout, Does.Contain("Store__Path: /data/controller.db"));
            Assert.That(config.Stdout, Does.Contain("Plumbing__DatapathType: netdev"));
            Assert.That(config.Stdout, Does.Contain("controller-data:/data"));
            Assert.That(config.Stdout, Does.Contain("NET_ADMIN"));
            Assert.That(config.Stdout, Does.Contain("/dev/net/tun"));
            Assert.That(config.Stdout, Does.Not.Contain("privileged"), "privileged containers cannot start on these machines");
            Assert.That(config.Stdout, Does.Contain("127.0.0.1:8080:8080"), "REST is published on loopback only by default");
            Assert.That(config.Stdout, Does.Contain("127.0.0.1:6640:6640"), "so is OVSDB: an open 6640 lets any machine register as a host");
        }
    }

    [Test]
    public async Task ComposeUp_TwoNodesRegister_AndVmsPingThroughTheOverlay()
    {
        OvsPreconditions.RequireRoot("the Docker tests need root (dockerd, debootstrap)");
        OvsPreconditions.RequireCommand("dockerd", "apt-get install docker.io");
        OvsPreconditions.RequireCommand("docker", "apt-get install docker.io");
        OvsPreconditions.RequireCommand("docker-compose", "apt-get install docker-compose");
        OvsPreconditions.RequireCommand("debootstrap", "apt-get install debootstrap");
        var root = Root();
        var clock = Stopwatch.StartNew();

        await using var engine = await DockerEngine.EnsureAsync(root);
        await ComposeProject.ReapStaleAsync(Path.Combine(root, "docker-compose.yml"));
        var build = await Sh.RunAsync([Path.Combine(root, "scripts", "build-images.sh")], TimeSpan.FromMinutes(20));
        await TestContext.Progress.WriteLineAsync(string.Join('\n', build.Stderr.Split('\n').Where(l => l.Contains("[build-images]", StringComparison.Ordinal))));
        var built = clock.Elapsed;

        var compose = await ComposeProject.UpAsync(ComposeProject.NewName(), Path.Combine(root, "docker-compose.yml"));
        try
        {
            using var rest = new RestClient(await compose.PublishedAsync("controller", 8080));
            var hosts = await WaitForHostsAsync(rest);
            var registered = clock.Elapsed;

            var tenant = await rest.PostAsync("tenants", new { name = "compose" });
            var network = await rest.PostAsync("networks", new { tenantId = Id(tenant), name = "web", tunnelType = "vxlan", cidr = "10.203.0.0/24" });
            foreach (var (service, mac, ip) in Vms)
            {
                var port = await rest.PostAsync("ports", new { networkId = Id(network), hostId = Id(hosts[service]), mac, ip, name = $"vm-{service}" });
                await PlugVmAsync(compose, service, Id(port), mac, ip);
            }

            // The first packet across a cold userspace tunnel can be dropped while OVS resolves the peer; wait
            // for one answer, then every one of three must come back.
            var (from, to) = (Vms[0], Vms[1]);
            await Poll.UntilAsync(
                async () => (await compose.ExecAsync(from.Service, ["ping", "-c", "1", "-W", "1", "-I", "vm", to.Ip], check: false)).Succeeded,
                PlumbTimeout,
                $"a first ping {from.Ip} -> {to.Ip}");
            var ping = await compose.ExecAsync(from.Service, ["ping", "-c", "3", "-W", "2", "-I", "vm", to.Ip], check: false);
            var pinged = clock.Elapsed;

            var tunnel = await TunnelAsync(compose, from.Service);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(ping.Stdout, Does.Contain("3 received"), ping.Stdout);
                Assert.That(tunnel.RemoteIp, Is.EqualTo(hosts[to.Service]["tunnelIp"]!.GetValue<string>()), "node1's tunnel leads to node2's encap IP");
                Assert.That(tunnel.TxPackets, Is.GreaterThanOrEqualTo(4), "the pings left node1 through its VXLAN port");
            }

            await TestContext.Progress.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"compose: engine + images {built.TotalSeconds:0.0} s, up + both hosts registered {(registered - built).TotalSeconds:0.0} s, plumbed + pinged {(pinged - registered).TotalSeconds:0.0} s"));
        }
        catch
        {
            await TestContext.Out.WriteLineAsync(await compose.LogsAsync());
            throw;
        }
        finally
        {
            await compose.DisposeAsync();
        }

        Assert.That(await compose.LeftoversAsync(), Is.Empty, "docker-compose down -v left containers, networks or volumes");
        await TestContext.Progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"compose: total with down {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    private static string Root() => RepositoryRoot.Find() ?? throw new InvalidOperationException("repository root not found");

    private static string Id(JsonNode entity) => entity["id"]!.GetValue<string>();

    /// <summary>Both nodes, by name, once each is connected over OVSDB (auto-registered by its system-id).</summary>
    private static async Task<Dictionary<string, JsonNode>> WaitForHostsAsync(RestClient rest)
    {
        var seen = new Dictionary<string, JsonNode>();
        await Poll.UntilAsync(
            async () =>
            {
                seen.Clear();
                try
                {
                    foreach (var host in (await rest.GetAsync("hosts")).AsArray())
                    {
                        if (host!["ovsdb"]?["connected"]?.GetValue<bool>() == true)
                        {
                            seen[host["name"]!.GetValue<string>()] = host;
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Kestrel is not listening yet.
                }

                return Vms.All(v => seen.ContainsKey(v.Service));
            },
            RegisterTimeout,
            () => $"node1 and node2 connected over OVSDB (connected: {string.Join(", ", seen.Keys)})",
            TimeSpan.FromMilliseconds(500));
        return new Dictionary<string, JsonNode>(seen);
    }

    /// <summary>
    /// A "VM" on a node: veth <c>vm</c> (the port's MAC and IP) whose peer <c>vm-br</c> is plugged into the br-int the
    /// controller created, with the port's iface-id and no tag; returns once the controller has tagged it.
    /// </summary>
    private static async Task PlugVmAsync(ComposeProject compose, string service, string portId, string mac, string ip)
    {
        await Poll.UntilAsync(
            async () => (await compose.ExecAsync(service, ["ovs-vsctl", "br-exists", "br-int"], check: false)).Succeeded,
            PlumbTimeout,
            $"br-int on {service}",
            TimeSpan.FromMilliseconds(500));
        await compose.ExecAsync(service, ["sh", "-ec", $"""
            ip link add vm type veth peer name vm-br
            ip link set vm address {mac}
            ip addr add {ip}/24 dev vm
            ip link set vm up
            ip link set vm-br up
            ovs-vsctl add-port br-int vm-br -- set interface vm-br external_ids:iface-id={portId} external_ids:attached-mac={mac}
            """]);
        await Poll.UntilAsync(
            async () => (await compose.ExecAsync(service, ["ovs-vsctl", "get", "port", "vm-br", "tag"], check: false)).Stdout.Trim() is { Length: > 0 } tag && tag != "[]",
            PlumbTimeout,
            $"the controller to tag vm-br on {service}",
            TimeSpan.FromMilliseconds(500));
    }

    /// <summary>The node's VXLAN port: where it leads and what it has sent (port stats, live; OVSDB's lag by 5 s).</summary>
    private static async Task<(string RemoteIp, long TxPackets)> TunnelAsync(ComposeProject compose, string service)
    {
        var names = await compose.ExecAsync(service, ["ovs-vsctl", "--bare", "--columns=name", "find", "interface", "type=vxlan"]);
        var name = names.StdoutLines.Single();
        var remote = await compose.ExecAsync(service, ["ovs-vsctl", "get", "interface", name, "options:remote_ip"]);
        var stats = await compose.ExecAsync(service, ["ovs-ofctl", "-O", "OpenFlow13", "dump-ports", "br-tun", name]);
        var tx = TxPackets().Match(stats.Stdout);
        return (remote.Stdout.Trim().Trim('"'), tx.Success ? long.Parse(tx.Groups[1].Value, CultureInfo.InvariantCulture) : -1);
    }

    [GeneratedRegex(@"tx pkts=(\d+)")]
    private static partial Regex TxPackets();
}
