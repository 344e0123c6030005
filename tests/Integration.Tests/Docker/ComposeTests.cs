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

    [TestCase(ComposeVersion.V1)]
    [TestCase(ComposeVersion.V2)]
    public async Task ComposeFile_Validates_WithControllerAndTwoUnprivilegedNodes(ComposeVersion version)
    {
        await ComposeCommand.RequireAsync(version);
        var file = Path.Combine(Root(), "docker-compose.yml");
        var compose = ComposeCommand.Argv(version);

        var config = await Sh.RunAsync([.. compose, "-f", file, "config"], check: false);
        Assert.That(config.ExitCode, Is.Zero, config.Stderr);

        // The two versions print the resolved file differently (1.29 short syntax, v2 long), so the checks read
        // the parsed model, each entry reduced to one form.
        var services = (await YamlAsync(config.Stdout))["services"]!.AsObject();
        var nodes = new[] { "node1", "node2" }.Select(n => services[n]!).ToList();
        var controller = services["controller"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(services.Select(kv => kv.Key), Is.EquivalentTo(new[] { "controller", "node1", "node2" }));
            Assert.That(controller["environment"]?["Store__Path"]?.GetValue<string>(), Is.EqualTo("/data/controller.db"));
            Assert.That(controller["environment"]?["Plumbing__DatapathType"]?.GetValue<string>(), Is.EqualTo("netdev"));
            Assert.That(Volumes(controller), Does.Contain("controller-data:/data"));
            Assert.That(Ports(controller), Does.Contain("127.0.0.1:8080:8080"), "REST is published on loopback only by default");
            Assert.That(Ports(controller), Does.Contain("127.0.0.1:6640:6640"), "so is OVSDB: an open 6640 lets any machine register as a host");
            Assert.That(Ports(controller), Has.All.StartWith("127.0.0.1:"), "every published port is on loopback by default");
            foreach (var node in nodes)
            {
                Assert.That(node["cap_add"]!.AsArray().Select(c => c!.GetValue<string>()), Does.Contain("NET_ADMIN"));
                Assert.That(Devices(node), Does.Contain("/dev/net/tun:/dev/net/tun"));
                Assert.That(node["environment"]?["OFC_CONTROLLER"]?.GetValue<string>(), Is.EqualTo("controller"));
            }

            Assert.That(config.Stdout, Does.Not.Contain("privileged"), "privileged containers cannot start on these machines");
        }
    }

    [TestCase(ComposeVersion.V1)]
    [TestCase(ComposeVersion.V2)]
    public async Task ComposeUp_TwoNodesRegister_AndVmsPingThroughTheOverlay(ComposeVersion version)
    {
        OvsPreconditions.RequireRoot("the Docker tests need root (dockerd, debootstrap)");
        OvsPreconditions.RequireCommand("dockerd", "apt-get install docker.io");
        OvsPreconditions.RequireCommand("docker", "apt-get install docker.io");
        await ComposeCommand.RequireAsync(version);
        OvsPreconditions.RequireCommand("debootstrap", "apt-get install debootstrap");
        var root = Root();
        var clock = Stopwatch.StartNew();

        await using var engine = await DockerEngine.EnsureAsync(root);
        await ComposeProject.ReapStaleAsync(Path.Combine(root, "docker-compose.yml"));
        var build = await Sh.RunAsync([Path.Combine(root, "scripts", "build-images.sh")], TimeSpan.FromMinutes(20));
        await TestContext.Progress.WriteLineAsync(string.Join('\n', build.Stderr.Split('\n').Where(l => l.Contains("[build-images]", StringComparison.Ordinal))));
        var built = clock.Elapsed;

        var compose = await ComposeProject.UpAsync(ComposeProject.NewName(), Path.Combine(root, "docker-compose.yml"), version);
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
                $"compose {version}: engine + images {built.TotalSeconds:0.0} s, up + both hosts registered {(registered - built).TotalSeconds:0.0} s, plumbed + pinged {(pinged - registered).TotalSeconds:0.0} s"));
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

        Assert.That(await compose.LeftoversAsync(), Is.Empty, $"{string.Join(' ', ComposeCommand.Argv(version))} down -v left containers, networks or volumes");
        await TestContext.Progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"compose {version}: total with down {clock.Elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>YAML to JSON through Python's yaml module (docker-compose 1.29 depends on it, so it is here).</summary>
    private static async Task<JsonNode> YamlAsync(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ofc-compose-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(path, yaml);
        try
        {
            var json = await Sh.RunAsync(["python3", "-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", path]);
            return JsonNode.Parse(json.Stdout)!;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Published ports as host_ip:published:target, from "127.0.0.1:8080:8080/tcp" (1.29) or the long form (v2).</summary>
    private static List<string> Ports(JsonNode service) =>
        [.. (service["ports"]?.AsArray() ?? []).Select(p => p is JsonValue v
            ? v.GetValue<string>().Split('/')[0]
            : $"{p!["host_ip"]?.GetValue<string>()}:{Scalar(p["published"])}:{Scalar(p["target"])}")];

    /// <summary>Volumes as source:target, from "controller-data:/data:rw" (1.29) or the long form (v2).</summary>
    private static List<string> Volumes(JsonNode service) =>
        [.. (service["volumes"]?.AsArray() ?? []).Select(p => p is JsonValue v
            ? string.Join(':', v.GetValue<string>().Split(':').Take(2))
            : $"{p!["source"]?.GetValue<string>()}:{p["target"]?.GetValue<string>()}")];

    /// <summary>Devices as source:target, from "/dev/net/tun:/dev/net/tun" (1.29) or the long form (v2).</summary>
    private static List<string> Devices(JsonNode service) =>
        [.. (service["devices"]?.AsArray() ?? []).Select(p => p is JsonValue v
            ? string.Join(':', v.GetValue<string>().Split(':').Take(2))
            : $"{p!["source"]?.GetValue<string>()}:{p["target"]?.GetValue<string>()}")];

    private static string Scalar(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "";

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
