using Tests.Shared;
using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// The physical network between hypervisors: host n gets veth <c>u{prefix}{n}</c> (MTU 1600 unless asked otherwise) in br-phy and
/// address <c>192.168.{subnet}.{n}/24</c> on br-phy's internal port, inside its namespace only. Two hosts are
/// joined by one veth pair; three or more (or any number with <c>fabric: true</c>) by a Linux bridge in namespace
/// <c>u{prefix}</c> (ports <c>s{prefix}{n}</c>), which later hosts (<see cref="AddHostAsync"/>) and other endpoints
/// such as a controller namespace (<see cref="AttachEndpointAsync"/>) can join.
/// </summary>
internal sealed class Underlay : IAsyncDisposable
{
    /// <summary>The underlay MTU the beds use by default: a VXLAN overlay with 1500-byte VMs fits.</summary>
    public const int DefaultMtu = 1600;

    private readonly CleanupStack _cleanup = new();
    private readonly List<OvsHypervisor> _hosts;

    private Underlay(string prefix, IReadOnlyList<OvsHypervisor> hosts, int subnet, bool fabric, bool ipv6, int mtu)
    {
        Ipv6 = ipv6;
        Mtu = mtu;
        Prefix = prefix;
        _hosts = [.. hosts];
        Subnet = subnet;
        SwitchNamespace = fabric || hosts.Count > 2 ? $"u{prefix}" : null;
    }

    public string Prefix { get; }

    /// <summary>MTU of every underlay link (veths, the fabric bridge, br-phy).</summary>
    public int Mtu { get; }

    /// <summary>IPv6 underlay: host n is <c>fd00:{subnet}::{n}/64</c> instead of 192.168.{subnet}.{n}/24.</summary>
    public bool Ipv6 { get; }

    /// <summary>The x of 192.168.x.0/24.</summary>
    public int Subnet { get; }

    /// <summary>Namespace of the Linux bridge joining three or more hosts; null for a direct pair.</summary>
    public string? SwitchNamespace { get; }

    public IReadOnlyList<OvsHypervisor> Hosts
    {
        get
        {
            lock (_hosts)
            {
                return [.. _hosts];
            }
        }
    }

    public string IpOf(OvsHypervisor host) => Ipv6 ? $"fd00:{Subnet}::{host.Index}" : $"192.168.{Subnet}.{host.Index}";

    public static string InterfaceName(OvsHypervisor host) => $"u{host.Prefix}{host.Index}";

    /// <param name="fabric">Join the hosts by a Linux bridge even when there are only two (or one).</param>
    /// <param name="ipv6">Give the hosts IPv6 underlay addresses instead of IPv4.</param>
    /// <param name="mtu">MTU of the underlay links.</param>
    public static async Task<Underlay> ConnectAsync(string prefix, IReadOnlyList<OvsHypervisor> hosts, int subnet = 77, bool fabric = false, bool ipv6 = false, int mtu = DefaultMtu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts.Count, fabric ? 1 : 2);
        var underlay = new Underlay(prefix, hosts, subnet, fabric, ipv6, mtu);
        try
        {
            await underlay.BuildAsync().ConfigureAwait(false);
            return underlay;
        }
        catch
        {
            await underlay.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Pings every other host's underlay address from every host until it answers, then gives each host's
    /// OVS the peers' underlay MACs (<c>ovs-appctl tnl/neigh/set</c>). The userspace datapath resolves a
    /// tunnel's remote endpoint on first use and drops the packet that triggered it; the kernel's ping does
    /// not reliably fill OVS's own neighbour cache, and with the ARP responder the first packet that
    /// crosses a tunnel is often a test's first counted ping.
    /// </summary>
    public async Task WarmUpAsync(TimeSpan? timeout = null)
    {
        await Task.WhenAll(
            from a in Hosts
            from b in Hosts
            where a != b
            select Poll.UntilAsync(
                async () => (await a.ExecAsync(["ping", "-c", "1", "-W", "1", IpOf(b)], check: false).ConfigureAwait(false)).Succeeded,
                timeout ?? TimeSpan.FromSeconds(10),
                $"underlay ping {a.Namespace} -> {IpOf(b)}")).ConfigureAwait(false);
        var macs = new Dictionary<OvsHypervisor, string>();
        foreach (var h in Hosts)
        {
            var link = await Sh.RunAsync("ip", "-n", h.Namespace, "-o", "link", "show", OvsHypervisor.BrPhy).ConfigureAwait(false);
            var m = System.Text.RegularExpressions.Regex.Match(link.Stdout, "link/ether ([0-9a-f:]{17})");
            if (m.Success)
            {
                macs[h] = m.Groups[1].Value;
            }
        }

        foreach (var a in Hosts)
        {
            foreach (var b in Hosts.Where(b => b != a && macs.ContainsKey(b)))
            {
                await Sh.RunAsync(["ovs-appctl", "tnl/neigh/set", OvsHypervisor.BrPhy, IpOf(b), macs[b]], env: a.Environment, check: false).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Connects one more host to the fabric (a host joining a running deployment).</summary>
    public async Task AddHostAsync(OvsHypervisor host)
    {
        var ns = SwitchNamespace ?? throw new InvalidOperationException("a direct veth pair cannot take another host; use fabric: true");
        await PlugIntoFabricAsync(ns, $"s{Prefix}{host.Index}", host.Namespace, InterfaceName(host)).ConfigureAwait(false);
        await AttachAsync(host).ConfigureAwait(false);
        lock (_hosts)
        {
            _hosts.Add(host);
        }
    }

    /// <summary>Forgets a host that was removed (its namespace, and with it its fabric veth, is gone).</summary>
    public void RemoveHost(OvsHypervisor host)
    {
        lock (_hosts)
        {
            _hosts.Remove(host);
        }
    }

    /// <summary>
    /// Puts a plain Linux endpoint on the fabric: veth <paramref name="interfaceName"/> in <paramref name="netns"/> with
    /// <c>192.168.{subnet}.{lastOctet}/24</c> (tx checksum offload off: its TCP segments cross the hosts' userspace
    /// datapath, which does not fill in checksums). Returns the address.
    /// </summary>
    public async Task<string> AttachEndpointAsync(string netns, string interfaceName, int lastOctet)
    {
        var ns = SwitchNamespace ?? throw new InvalidOperationException("a direct veth pair cannot take an endpoint; use fabric: true");
        await PlugIntoFabricAsync(ns, $"s{Prefix}e{lastOctet}", netns, interfaceName).ConfigureAwait(false);
        var ip = $"192.168.{Subnet}.{lastOctet}";
        await Sh.RunAsync("ip", "-n", netns, "addr", "add", $"{ip}/24", "dev", interfaceName).ConfigureAwait(false);
        await Sh.RunAsync("ip", "-n", netns, "link", "set", interfaceName, "up").ConfigureAwait(false);
        await Sh.InNetnsAsync(netns, ["ethtool", "-K", interfaceName, "tx", "off"]).ConfigureAwait(false);
        return ip;
    }

    public async ValueTask DisposeAsync() => await _cleanup.DisposeAsync().ConfigureAwait(false);

    private async Task PlugIntoFabricAsync(string switchNamespace, string switchPort, string netns, string interfaceName)
    {
        var mtu = Mtu.ToString(CultureInfo.InvariantCulture);
        await Sh.RunAsync(
            "ip", "link", "add", switchPort, "netns", switchNamespace, "mtu", mtu, "type", "veth",
            "peer", "name", interfaceName, "netns", netns, "mtu", mtu).ConfigureAwait(false);
        await Sh.RunAsync("ip", "-n", switchNamespace, "link", "set", switchPort, "master", "br0", "up").ConfigureAwait(false);
    }

    private async Task BuildAsync()
    {
        var mtu = Mtu.ToString(CultureInfo.InvariantCulture);
        if (SwitchNamespace is null)
        {
            var (a, b) = (_hosts[0], _hosts[1]);
            await Sh.RunAsync(
                "ip", "link", "add", InterfaceName(a), "netns", a.Namespace, "mtu", mtu, "type", "veth",
                "peer", "name", InterfaceName(b), "netns", b.Namespace, "mtu", mtu).ConfigureAwait(false);
            _cleanup.Push($"veth {InterfaceName(a)}", () => Sh.RunAsync(["ip", "-n", a.Namespace, "link", "del", InterfaceName(a)], check: false));
        }
        else
        {
            var ns = SwitchNamespace;
            await Sh.RunAsync("ip", "netns", "add", ns).ConfigureAwait(false);
            _cleanup.Push($"namespace {ns}", () => Sh.DeleteNetnsAsync(ns));
            await Sh.InNetnsAsync(ns, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]).ConfigureAwait(false);
            await Sh.RunAsync("ip", "-n", ns, "link", "add", "br0", "mtu", mtu, "type", "bridge", "stp_state", "0", "forward_delay", "0").ConfigureAwait(false);
            await Sh.RunAsync("ip", "-n", ns, "link", "set", "br0", "up").ConfigureAwait(false);
            foreach (var host in _hosts)
            {
                await PlugIntoFabricAsync(ns, $"s{Prefix}{host.Index}", host.Namespace, InterfaceName(host)).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(_hosts.Select(AttachAsync)).ConfigureAwait(false);
    }

    private async Task AttachAsync(OvsHypervisor host)
    {
        var nic = InterfaceName(host);
        await host.VsctlAsync(
            "add-port", OvsHypervisor.BrPhy, nic, "--",
            "set", "interface", OvsHypervisor.BrPhy, $"mtu_request={Mtu}").ConfigureAwait(false);
        await Sh.RunAsync("ip", "-n", host.Namespace, "link", "set", nic, "up").ConfigureAwait(false);
        if (Ipv6)
        {
            // nodad: the address is usable at once instead of after duplicate address detection.
            await Sh.InNetnsAsync(host.Namespace, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0", $"net.ipv6.conf.{OvsHypervisor.BrPhy}.disable_ipv6=0"]).ConfigureAwait(false);
            await Sh.RunAsync("ip", "-n", host.Namespace, "addr", "add", $"{IpOf(host)}/64", "dev", OvsHypervisor.BrPhy, "nodad").ConfigureAwait(false);
        }
        else
        {
            await Sh.RunAsync("ip", "-n", host.Namespace, "addr", "add", $"{IpOf(host)}/24", "dev", OvsHypervisor.BrPhy).ConfigureAwait(false);
        }

        await Sh.RunAsync("ip", "-n", host.Namespace, "link", "set", OvsHypervisor.BrPhy, "up").ConfigureAwait(false);
        host.UnderlayIp = IpOf(host);
    }
}
