using Tests.Shared;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Integration.Tests.Harness;

/// <summary>
/// A tenant VM: namespace <c>v{prefix}{name}</c> whose <c>eth0</c> (MTU 1450, IPv6 off, tx checksum offload off
/// so TCP survives the userspace datapath) is the peer of port <c>v{prefix}{name}</c> on the host's br-int.
/// Plugged the manual way (<see cref="CreateAsync"/>) the port has access VLAN <see cref="VlanTag"/>; plugged the
/// OVSDB way (<see cref="CreateBoundAsync"/>) it carries only <c>external_ids:iface-id</c> and
/// <c>attached-mac</c>, as Neutron, OVN and libvirt plug VIFs, and the controller sets the tag.
/// </summary>
internal sealed partial class Vm : IAsyncDisposable
{
    public const int Mtu = 1450;

    private readonly CleanupStack _cleanup = new();

    private Vm(OvsHypervisor host, string name, int? vlanTag, string ipCidr, string? ifaceId, string? mac, int mtu = Mtu)
    {
        StartMtu = mtu;
        Host = host;
        Name = name;
        VlanTag = vlanTag;
        IfaceId = ifaceId;
        Mac = mac?.ToLowerInvariant() ?? string.Empty;
        IpCidr = ipCidr;
        Ip = ipCidr.Split('/')[0];
        Namespace = $"v{host.Prefix}{name}";
        HostPort = Namespace;
    }

    public OvsHypervisor Host { get; }

    /// <summary>The MTU both ends of the veth were created with.</summary>
    public int StartMtu { get; }

    public string Name { get; }

    /// <summary>Access VLAN the harness gave the VM's br-int port (manual plugging); null when the controller sets it.</summary>
    public int? VlanTag { get; private set; }

    /// <summary><c>external_ids:iface-id</c> of the VM's interface (OVSDB plugging), else null.</summary>
    public string? IfaceId { get; }

    public string IpCidr { get; }

    public string Ip { get; }

    public string Namespace { get; }

    /// <summary>The VM's port name on br-int.</summary>
    public string HostPort { get; }

    /// <summary>MAC of eth0, lower case, colon separated.</summary>
    public string Mac { get; private set; } = string.Empty;

    /// <param name="name">Short (at most 10 characters), unique within the test's prefix.</param>
    /// <param name="ipCidr">e.g. <c>10.0.0.1/24</c>.</param>
    public static Task<Vm> CreateAsync(OvsHypervisor host, string name, int vlanTag, string ipCidr)
        => CreateAsync(new Vm(host, name, vlanTag, ipCidr, ifaceId: null, mac: null));

    /// <summary>
    /// A VM plugged the OVSDB way: once br-int exists (the controller creates it; waited for up to
    /// <paramref name="bridgeTimeout"/>), <c>ovs-vsctl add-port br-int &lt;port&gt; -- set interface &lt;port&gt;
    /// external_ids:iface-id=&lt;ifaceId&gt; external_ids:attached-mac=&lt;mac&gt;</c>, and no tag.
    /// </summary>
    /// <param name="mac">eth0's MAC (e.g. the one declared over REST); null keeps the kernel's random one.</param>
    /// <param name="mtu">The MTU both ends of the veth start with.</param>
    public static Task<Vm> CreateBoundAsync(OvsHypervisor host, string name, string ipCidr, string ifaceId, string? mac = null, TimeSpan? bridgeTimeout = null, int mtu = Mtu)
        => CreateAsync(new Vm(host, name, vlanTag: null, ipCidr, ifaceId, mac, mtu), bridgeTimeout);

    private static async Task<Vm> CreateAsync(Vm vm, TimeSpan? bridgeTimeout = null)
    {
        if (vm.HostPort.Length > 15)
        {
            throw new ArgumentException($"interface name {vm.HostPort} is longer than 15 characters", nameof(vm));
        }

        try
        {
            await vm.BuildAsync(bridgeTimeout ?? TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            return vm;
        }
        catch
        {
            await vm.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Turns IPv6 on for eth0 (off by default) and adds <paramref name="cidr"/> without duplicate address detection.</summary>
    public async Task EnableIpv6Async(string cidr)
    {
        await ExecAsync(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", "net.ipv6.conf.eth0.disable_ipv6=0"]).ConfigureAwait(false);
        await ExecAsync(["ip", "-6", "addr", "add", cidr, "dev", "eth0", "nodad"]).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends Neighbour Solicitations for <paramref name="target"/> with ndisc6 (Debian <c>ndisc6</c>): one
    /// answer ends it; returns the target link-layer address answered, or null when nobody answered.
    /// </summary>
    public async Task<string?> NdiscAsync(string target, int tries = 3)
    {
        var result = await ExecAsync(["ndisc6", "-1", "-r", Str(tries), "-w", "1000", target, "eth0"], TimeSpan.FromSeconds(tries + 10), check: false).ConfigureAwait(false);
        var m = TargetLinkLayer().Match(result.Stdout);
        return m.Success ? m.Groups[1].Value.ToLowerInvariant() : null;
    }

    /// <summary>Runs a command inside the VM's namespace.</summary>
    public Task<ShResult> ExecAsync(IReadOnlyList<string> argv, TimeSpan? timeout = null, bool check = true)
        => Sh.InNetnsAsync(Namespace, argv, timeout, check: check);

    /// <summary>The <c>tag</c> of the VM's br-int port as OVSDB has it now (null when unset).</summary>
    public async Task<int?> ReadTagAsync()
    {
        var result = await Host.VsctlAsync("get", "port", HostPort, "tag").ConfigureAwait(false);
        var text = result.Stdout.Trim();
        return text is "[]" or "" ? null : int.Parse(text, CultureInfo.InvariantCulture);
    }

    /// <summary>Polls until the controller has tagged the VM's port (OVSDB plugging); returns the tag.</summary>
    public async Task<int> WaitForTagAsync(TimeSpan timeout, Func<int, bool>? accept = null)
    {
        int? tag = null;
        await Poll.UntilAsync(
            async () => (tag = await ReadTagAsync().ConfigureAwait(false)) is { } t && (accept?.Invoke(t) ?? true),
            timeout,
            $"a tag on {Host.Namespace}/{OvsHypervisor.BrInt} port {HostPort} (iface-id {IfaceId}); last: {tag?.ToString(CultureInfo.InvariantCulture) ?? "none"}").ConfigureAwait(false);
        return tag!.Value;
    }

    /// <summary>Moves the VM's br-int port to another local VLAN (<c>ovs-vsctl set port ... tag=</c>), e.g. once the controller has allocated one.</summary>
    public async Task SetVlanTagAsync(int vlanTag)
    {
        await Host.VsctlAsync("set", "port", HostPort, $"tag={vlanTag}").ConfigureAwait(false);
        VlanTag = vlanTag;
    }

    /// <summary>
    /// Sends exactly <paramref name="count"/> pings 0.2 s apart and returns how many were answered (at most
    /// <paramref name="count"/>). Without any reply, ping waits <paramref name="timeout"/> (default 2 s) after the
    /// last request; with replies, twice the round-trip time.
    /// </summary>
    public async Task<int> PingAsync(string ip, int count = 3, TimeSpan? timeout = null)
    {
        // No -w: with a deadline ping keeps sending until it has `count` replies, and then reports every reply
        // that came back, more than `count` when they were queued behind ARP resolution.
        var wait = Math.Max(1, (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(2)).TotalSeconds));
        var result = await ExecAsync(
            ["ping", "-n", "-q", "-c", Str(count), "-i", "0.2", "-W", Str(wait), ip],
            TimeSpan.FromSeconds(count * 0.2 + wait + 10),
            check: false).ConfigureAwait(false);
        var m = Received().Match(result.Stdout);
        return m.Success ? Math.Min(count, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            : throw new ShException(result, "unexpected ping output");
    }

    /// <summary>
    /// Sends <paramref name="count"/> ARP requests (broadcast) for <paramref name="ip"/> with arping; returns the replies.
    /// </summary>
    public async Task<int> ArpingAsync(string ip, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(2)).TotalSeconds);
        var result = await ExecAsync(
            ["arping", "-i", "eth0", "-c", Str(count), "-w", Str(deadline), ip],
            TimeSpan.FromSeconds(deadline + 10),
            check: false).ConfigureAwait(false);
        var m = ArpingReceived().Match(result.Stdout);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new ShException(result, "unexpected arping output");
    }

    /// <summary>Starts tcpdump on eth0 writing to a file; returns once tcpdump is listening.</summary>
    /// <param name="filter">A pcap filter such as <c>arp</c> or <c>icmp</c>; empty captures everything.</param>
    public async Task<PacketCapture> StartCaptureAsync(string filter = "")
    {
        var capture = await PacketCapture.StartAsync(this, filter).ConfigureAwait(false);
        _cleanup.Push($"capture on {Namespace}", () => capture.DisposeAsync().AsTask());
        return capture;
    }

    /// <summary>Starts a one-shot iperf3 server on this VM; returns once it listens.</summary>
    public async Task<BackgroundProcess> StartIperf3ServerAsync(int port = 5201)
    {
        var server = BackgroundProcess.Start(Sh.InNetns(Namespace, ["iperf3", "-s", "-1", "--forceflush", "-B", Ip, "-p", Str(port)]));
        _cleanup.Push($"iperf3 server on {Namespace}", () => server.DisposeAsync().AsTask());
        await server.WaitForOutputAsync("Server listening", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return server;
    }

    /// <summary>Runs an iperf3 TCP client for <paramref name="seconds"/>; returns the receiver's bits per second.</summary>
    public async Task<double> Iperf3ClientAsync(string serverIp, int seconds = 3, int port = 5201)
        => (await Iperf3RunAsync(serverIp, seconds, port).ConfigureAwait(false)).BitsPerSecond;

    /// <summary>Runs an iperf3 TCP client for <paramref name="seconds"/>; returns the receiver's rate, the bytes it got and the sender's retransmits.</summary>
    public async Task<Iperf3Result> Iperf3RunAsync(string serverIp, int seconds = 3, int port = 5201)
    {
        var result = await ExecAsync(
            ["iperf3", "-c", serverIp, "-p", Str(port), "-t", Str(seconds), "-J", "--connect-timeout", "3000"],
            TimeSpan.FromSeconds(seconds + 15)).ConfigureAwait(false);
        using var json = JsonDocument.Parse(result.Stdout);
        var end = json.RootElement.GetProperty("end");
        var received = end.GetProperty("sum_received");
        var sent = end.GetProperty("sum_sent");
        return new Iperf3Result(
            received.GetProperty("bits_per_second").GetDouble(),
            received.GetProperty("bytes").GetInt64(),
            sent.TryGetProperty("retransmits", out var r) ? r.GetInt32() : 0);
    }

    public async ValueTask DisposeAsync() => await _cleanup.DisposeAsync().ConfigureAwait(false);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private async Task BuildAsync(TimeSpan bridgeTimeout)
    {
        var mtu = Str(StartMtu);
        await Sh.RunAsync("ip", "netns", "add", Namespace).ConfigureAwait(false);
        _cleanup.Push($"namespace {Namespace}", () => Sh.DeleteNetnsAsync(Namespace));
        await ExecAsync(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]).ConfigureAwait(false);
        await Sh.RunAsync(
            "ip", "link", "add", HostPort, "netns", Host.Namespace, "mtu", mtu, "type", "veth",
            "peer", "name", "eth0", "netns", Namespace, "mtu", mtu).ConfigureAwait(false);
        _cleanup.Push($"br-int port {HostPort}", async () =>
        {
            // The host may be gone already (disposed first, or reaped): then so is the port.
            await Sh.RunAsync(["ovs-vsctl", "--timeout=5", "--if-exists", "del-port", OvsHypervisor.BrInt, HostPort], env: Host.Environment, check: false).ConfigureAwait(false);
            await Sh.RunAsync(["ip", "-n", Host.Namespace, "link", "del", HostPort], check: false).ConfigureAwait(false);
        });
        await Sh.RunAsync("ip", "-n", Host.Namespace, "link", "set", HostPort, "up").ConfigureAwait(false);
        if (Mac.Length > 0)
        {
            await Sh.RunAsync("ip", "-n", Namespace, "link", "set", "eth0", "address", Mac).ConfigureAwait(false);
        }

        await Sh.RunAsync("ip", "-n", Namespace, "link", "set", "lo", "up").ConfigureAwait(false);
        await Sh.RunAsync("ip", "-n", Namespace, "addr", "add", IpCidr, "dev", "eth0").ConfigureAwait(false);
        await Sh.RunAsync("ip", "-n", Namespace, "link", "set", "eth0", "up").ConfigureAwait(false);
        await ExecAsync(["ethtool", "-K", "eth0", "tx", "off"]).ConfigureAwait(false);
        var link = await Sh.RunAsync("ip", "-n", Namespace, "-br", "link", "show", "eth0").ConfigureAwait(false);
        var m = MacAddress().Match(link.Stdout);
        Mac = m.Success ? m.Value.ToLowerInvariant() : throw new ShException(link, "no MAC address");

        if (IfaceId is null)
        {
            await Host.VsctlAsync("add-port", OvsHypervisor.BrInt, HostPort, $"tag={Str(VlanTag!.Value)}").ConfigureAwait(false);
            return;
        }

        await Poll.UntilAsync(
            () => Host.BridgeExistsAsync(OvsHypervisor.BrInt),
            bridgeTimeout,
            $"the controller to create {OvsHypervisor.BrInt} on {Host.Namespace}").ConfigureAwait(false);
        await Host.VsctlAsync(
            "add-port", OvsHypervisor.BrInt, HostPort, "--",
            "set", "interface", HostPort, $"external_ids:iface-id={IfaceId}", $"external_ids:attached-mac={Mac}").ConfigureAwait(false);
    }

    [GeneratedRegex("Target link-layer address: ([0-9A-Fa-f:]{17})")]
    private static partial Regex TargetLinkLayer();

    [GeneratedRegex(@"(\d+) received")]
    private static partial Regex Received();

    [GeneratedRegex(@"(\d+) packets received")]
    private static partial Regex ArpingReceived();

    [GeneratedRegex("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}")]
    private static partial Regex MacAddress();
}
