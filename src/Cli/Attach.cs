using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cli;

/// <summary>
/// <c>ofc attach</c> / <c>ofc detach</c>: what pipework does, against our store. Attach creates the port
/// over REST, a veth pair, moves one end into the namespace (or a Docker container's), gives it the MAC
/// and IP, and plugs the other end into br-int with external_ids:iface-id=&lt;port id&gt; and attached-mac
/// (and tag=&lt;vlan&gt; when the host's br-int is not programmed over OVSDB). Any failure undoes what was
/// done. Detach removes the OVS port, the veth pair and the store's port.
/// </summary>
internal static partial class AttachCommands
{
    private const string NetnsKey = "ofc-netns";

    public static Command Attach(OfcEnvironment env, GlobalOptions g)
    {
        var network = new Argument<string>("network") { Description = "Network id or name" };
        var target = new Argument<string>("netns") { Description = "Network namespace name (ip netns), or a Docker container name" };
        var ip = new Option<string?>("--ip") { Description = "IPv4 address with prefix, e.g. 10.0.0.1/24 (prefix defaults to the network's cidr, else /32)" };
        var mac = new Option<string?>("--mac") { Description = "MAC (default: random, locally administered)" };
        var host = new Option<string?>("--host") { Description = "Host id or name (default: the host whose datapath id is this machine's br-tun's)" };
        var name = new Option<string?>("--name") { Description = "Port name in the store (default: the namespace's name)" };
        var ifname = new Option<string>("--ifname") { Description = "Interface name inside the namespace", DefaultValueFactory = _ => "eth0" };
        var bridge = new Option<string>("--bridge") { Description = "Integration bridge", DefaultValueFactory = _ => "br-int" };
        var tag = new Option<bool>("--tag") { Description = "Always set tag=<vlan> on the br-int port (default: only when the host shows no OVSDB connection)" };
        var noTag = new Option<bool>("--no-tag") { Description = "Never set tag=" };
        var command = new Command("attach", "Create a port and plug a veth from a namespace into br-int with its iface-id");
        command.Arguments.Add(network);
        command.Arguments.Add(target);
        foreach (var o in new Option[] { ip, mac, host, name, ifname, bridge, tag, noTag })
        {
            command.Options.Add(o);
        }

        command.Guard(env, g, async c =>
        {
            if (c.Value(tag) && c.Value(noTag))
            {
                throw new UsageException("--tag and --no-tag exclude each other");
            }

            var run = new Local(c.Env.CommandRunner, c.Ct);
            var ns = await Namespace.ResolveAsync(run, c.Value(target)).ConfigureAwait(false);
            var networkId = await Lookup.IdAsync(c, "networks", c.Value(network)).ConfigureAwait(false);
            var net = await c.Client.GetAsync($"api/v1/networks/{Uri.EscapeDataString(networkId)}", c.Ct).ConfigureAwait(false);
            var (address, prefix) = ParseIp(c.Value(ip), Output.Cell(net?["cidr"]));
            var hostId = c.Value(host) is { } h
                ? await Lookup.IdAsync(c, "hosts", h).ConfigureAwait(false)
                : await LocalHostIdAsync(c, run).ConfigureAwait(false);
            var hostNode = await c.Client.GetAsync($"api/v1/hosts/{Uri.EscapeDataString(hostId)}", c.Ct).ConfigureAwait(false);
            var macText = c.Value(mac) ?? RandomMac();

            var body = new JsonObject { ["networkId"] = networkId, ["hostId"] = hostId, ["mac"] = macText, ["name"] = c.Value(name) ?? ns.Name };
            Resources.Put(body, "ip", address?.ToString());
            var port = await c.Client.PostAsync("api/v1/ports", body, c.Ct).ConfigureAwait(false) as JsonObject
                ?? throw new RestException(0, "POST api/v1/ports: the answer is not a JSON object");
            var portId = Output.Cell(port["id"]);
            var vlan = Output.Cell(port["vlan"]);
            var useTag = !c.Value(noTag) && (c.Value(tag) || !HasOvsdbConnection(hostNode));
            var mtu = net?["mtu"] is JsonValue m && m.TryGetValue<int>(out var mv) && mv >= 68 ? mv.ToString(CultureInfo.InvariantCulture) : null;
            var suffix = Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(portId)))[..10];
            var hostEnd = "ofc" + suffix;
            var peer = "ofp" + suffix;
            var bridgeName = c.Value(bridge)!;
            try
            {
                await run.CheckAsync("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", peer).ConfigureAwait(false);
                await run.CheckAsync("ip", "link", "set", peer, "netns", ns.IpLinkTarget).ConfigureAwait(false);
                var inner = c.Value(ifname)!;
                await run.CheckAsync(ns.Exec("ip", "link", "set", peer, "name", inner)).ConfigureAwait(false);
                await run.CheckAsync(ns.Exec("ip", "link", "set", inner, "address", Output.Cell(port["mac"]))).ConfigureAwait(false);
                if (mtu is not null)
                {
                    // The overlay's MTU (underlay less the tunnel header) on both ends, as the network's DHCP would give it.
                    await run.CheckAsync(ns.Exec("ip", "link", "set", inner, "mtu", mtu)).ConfigureAwait(false);
                    await run.CheckAsync("ip", "link", "set", hostEnd, "mtu", mtu).ConfigureAwait(false);
                }

                if (address is not null)
                {
                    await run.CheckAsync(ns.Exec("ip", "addr", "add", $"{address}/{prefix}", "dev", inner)).ConfigureAwait(false);
                }

                await run.CheckAsync(ns.Exec("ip", "link", "set", inner, "up")).ConfigureAwait(false);
                await run.CheckAsync("ip", "link", "set", hostEnd, "up").ConfigureAwait(false);
                var vsctl = new List<string> { "--timeout=20", "add-port", bridgeName, hostEnd };
                if (useTag)
                {
                    vsctl.Add("tag=" + vlan);
                }

                vsctl.AddRange(["--", "set", "Interface", hostEnd, $"external_ids:iface-id=\"{portId}\"", $"external_ids:attached-mac=\"{Output.Cell(port["mac"])}\"", $"external_ids:{NetnsKey}=\"{ns.Name}\""]);
                await run.CheckAsync("ovs-vsctl", [.. vsctl]).ConfigureAwait(false);
            }
            catch (Exception e) when (e is LocalCommandException or OperationCanceledException)
            {
                // Undo even when the run was cancelled (Ctrl-C): with a token of its own, bounded in time.
                using var undoCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var undo = new Local(c.Env.CommandRunner, undoCts.Token);
                await undo.TryAsync("ovs-vsctl", "--timeout=20", "--if-exists", "del-port", bridgeName, hostEnd).ConfigureAwait(false);
                await undo.TryAsync("ip", "link", "del", hostEnd).ConfigureAwait(false);
                await c.Client.DeleteAsync($"api/v1/ports/{Uri.EscapeDataString(portId)}", undoCts.Token).ConfigureAwait(false);
                throw;
            }

            port["interface"] = hostEnd;
            port["netns"] = ns.Name;
            port["tagged"] = useTag;
            if (c.Output.Json)
            {
                c.Output.WriteJson(port);
            }
            else
            {
                c.Output.Line($"attached port {portId} ({port["mac"]}{(address is null ? "" : $", {address}/{prefix}")}) in {ns.Name} as {c.Value(ifname)}: {bridgeName} port {hostEnd}, iface-id {portId}{(useTag ? $", tag {vlan}" : "")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Detach(OfcEnvironment env, GlobalOptions g)
    {
        var port = new Argument<string>("port") { Description = "Port id or name" };
        var command = new Command("detach", "Undo attach: remove the br-int port, the veth pair and the store's port");
        command.Arguments.Add(port);
        command.Guard(env, g, async c =>
        {
            var run = new Local(c.Env.CommandRunner, c.Ct);
            var portId = await Lookup.IdAsync(c, "ports", c.Value(port)).ConfigureAwait(false);
            _ = await c.Client.GetAsync($"api/v1/ports/{Uri.EscapeDataString(portId)}", c.Ct).ConfigureAwait(false);
            var found = await run.CheckAsync("ovs-vsctl", "--timeout=20", "--bare", "--columns=name", "find", "Interface", $"external_ids:iface-id=\"{portId}\"").ConfigureAwait(false);
            var interfaces = found.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var name in interfaces)
            {
                await run.CheckAsync("ovs-vsctl", "--timeout=20", "--if-exists", "del-port", name).ConfigureAwait(false);
                await run.TryAsync("ip", "link", "del", name).ConfigureAwait(false);
            }

            await c.Client.DeleteAsync($"api/v1/ports/{Uri.EscapeDataString(portId)}", c.Ct).ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(new JsonObject { ["deleted"] = portId, ["interfaces"] = new JsonArray([.. interfaces.Select(i => (JsonNode)i)]) });
            }
            else
            {
                c.Output.Line($"detached port {portId}" + (interfaces.Length == 0 ? " (no br-int interface had its iface-id)" : $": removed {string.Join(", ", interfaces)}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>True when the host answer says its OVSDB is connected (field <c>ovsdb.connected</c> or <c>ovsdbConnected</c>).</summary>
    internal static bool HasOvsdbConnection(JsonNode? host) =>
        host?["ovsdbConnected"] is JsonValue a && a.TryGetValue<bool>(out var x) ? x
        : host?["ovsdb"]?["connected"] is JsonValue b && b.TryGetValue<bool>(out var y) && y;

    internal static (IPAddress? Address, int Prefix) ParseIp(string? text, string networkCidr)
    {
        if (text is null)
        {
            return (null, 0);
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new UsageException($"--ip must be an IPv4 address with an optional /prefix; got '{text}'");
        }

        var prefixText = slash >= 0 ? text[(slash + 1)..] : networkCidr.Contains('/', StringComparison.Ordinal) ? networkCidr[(networkCidr.IndexOf('/', StringComparison.Ordinal) + 1)..] : "32";
        if (!int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix is < 1 or > 32)
        {
            throw new UsageException($"--ip prefix must be 1..32; got '{text}'");
        }

        return (address, prefix);
    }

    private static string RandomMac()
    {
        var b = RandomNumberGenerator.GetBytes(6);
        b[0] = (byte)((b[0] & 0xfc) | 0x02); // unicast, locally administered
        return string.Join(':', b.Select(x => x.ToString("x2", CultureInfo.InvariantCulture)));
    }

    private static async Task<string> LocalHostIdAsync(Context c, Local run)
    {
        var dpid = (await run.TryAsync("ovs-vsctl", "--timeout=20", "get", "bridge", "br-tun", "datapath-id").ConfigureAwait(false))?.Trim().Trim('"');
        if (string.IsNullOrEmpty(dpid))
        {
            throw new UsageException("no --host given and this machine has no br-tun to find its host by: give --host");
        }

        var hosts = await c.ListAsync("api/v1/hosts").ConfigureAwait(false);
        var mine = hosts.OfType<JsonObject>().FirstOrDefault(h => string.Equals(Output.Cell(h["datapathId"]), dpid, StringComparison.OrdinalIgnoreCase));
        return mine is null
            ? throw new UsageException($"no host in the store has this machine's br-tun datapath id {dpid}: give --host")
            : Output.Cell(mine["id"]);
    }

    /// <summary>A namespace by name (/run/netns) or a Docker container's, entered through its PID.</summary>
    private sealed partial record Namespace(string Name, string IpLinkTarget, string[] ExecPrefix)
    {
        public (string Program, string[] Args) Exec(params string[] argv) => (ExecPrefix[0], [.. ExecPrefix[1..], .. argv]);

        public static async Task<Namespace> ResolveAsync(Local run, string name)
        {
            // Both namespace and container names fit this; it keeps a name from being read as an option
            // (docker inspect --help) or as a path out of /run/netns (../..).
            if (!ValidName().IsMatch(name))
            {
                throw new UsageException($"'{name}' is not a namespace or container name: letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128");
            }

            if (File.Exists(Path.Combine("/run/netns", name)))
            {
                return new Namespace(name, name, ["ip", "netns", "exec", name]);
            }

            var state = (await run.TryAsync("docker", "inspect", "--type", "container", "-f", "{{.State.Running}} {{.State.Pid}}", name).ConfigureAwait(false))?.Trim();
            if (state is null)
            {
                throw new UsageException($"'{name}' is neither a network namespace (ip netns list) nor a Docker container (docker ps)");
            }

            var parts = state.Split(' ');
            if (parts is not ["true", var pid] || pid == "0" || !pid.All(char.IsAsciiDigit))
            {
                throw new UsageException($"Docker container '{name}' is not running (docker start {name})");
            }

            return new Namespace(name, pid, ["nsenter", "-t", pid, "-n"]);
        }

        [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
        private static partial Regex ValidName();
    }

    /// <summary>Local commands; a failure is a <see cref="LocalCommandException"/> naming the command and its stderr.</summary>
    private sealed class Local(ICommandRunner runner, CancellationToken ct)
    {
        public Task<string> CheckAsync((string Program, string[] Args) command) => CheckAsync(command.Program, command.Args);

        public async Task<string> CheckAsync(string program, params string[] args)
        {
            var r = await runner.RunAsync(program, args, ct).ConfigureAwait(false);
            if (r.ExitCode != 0)
            {
                throw new LocalCommandException($"{program} {string.Join(' ', args)} failed (exit {r.ExitCode}): {r.Stderr.Trim()}");
            }

            return r.Stdout;
        }

        /// <summary>Runs and returns stdout, or null when it fails or cannot start.</summary>
        public async Task<string?> TryAsync(string program, params string[] args)
        {
            try
            {
                var r = await runner.RunAsync(program, args, ct).ConfigureAwait(false);
                return r.ExitCode == 0 ? r.Stdout : null;
            }
            catch (LocalCommandException)
            {
                return null;
            }
        }
    }
}
