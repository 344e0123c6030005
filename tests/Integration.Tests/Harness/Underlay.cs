using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// The physical network between hypervisors: host n gets veth <c>u{prefix}{n}</c> (MTU 1600) in br-phy and
/// address <c>192.168.{subnet}.{n}/24</c> on br-phy's internal port, inside its namespace only. Two hosts are
/// joined by one veth pair; three or more by a Linux bridge in namespace <c>u{prefix}</c>
/// (ports <c>s{prefix}{n}</c>).
/// </summary>
internal sealed class Underlay : IAsyncDisposable
{
    public const int Mtu = 1600;

    private readonly CleanupStack _cleanup = new();
    private readonly List<OvsHypervisor> _hosts;

    private Underlay(string prefix, IReadOnlyList<OvsHypervisor> hosts, int subnet, bool ipv6)
    {
        Ipv6 = ipv6;
        Prefix = prefix;
        _hosts = [.. hosts];
        Subnet = subnet;
        SwitchNamespace = hosts.Count > 2 ? $"u{prefix}" : null;
    }

    public string Prefix { get; }

    /// <summary>IPv6 underlay: host n is <c>fd00:{subnet}::{n}/64</c> instead of 192.168.{subnet}.{n}/24.</summary>
    public bool Ipv6 { get; }

    /// <summary>The x of 192.168.x.0/24.</summary>
    public int Subnet { get; }

    /// <summary>Namespace of the Linux bridge joining three or more hosts; null for a direct pair.</summary>
    public string? SwitchNamespace { get; }

    public IReadOnlyList<OvsHypervisor> Hosts => _hosts;

    public string IpOf(OvsHypervisor host) => Ipv6 ? $"fd00:{Subnet}::{host.Index}" : $"192.168.{Subnet}.{host.Index}";

    public static string InterfaceName(OvsHypervisor host) => $"u{host.Prefix}{host.Index}";

    public static async Task<Underlay> ConnectAsync(string prefix, IReadOnlyList<OvsHypervisor> hosts, int subnet = 77, bool ipv6 = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts.Count, 2);
        var underlay = new Underlay(prefix, hosts, subnet, ipv6);
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
    /// Pings every other host's underlay address from every host until it answers. The userspace datapath
    /// resolves a tunnel's remote endpoint on first use and drops that packet; this warms the cache.
    /// </summary>
    public Task WarmUpAsync(TimeSpan? timeout = null)
        => Task.WhenAll(
            from a in _hosts
            from b in _hosts
            where a != b
            select Poll.UntilAsync(
                async () => (await a.ExecAsync(["ping", "-c", "1", "-W", "1", IpOf(b)], check: false).ConfigureAwait(false)).Succeeded,
                timeout ?? TimeSpan.FromSeconds(10),
                $"underlay ping {a.Namespace} -> {IpOf(b)}"));

    public async ValueTask DisposeAsync() => await _cleanup.DisposeAsync().ConfigureAwait(false);

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
                var sw = $"s{Prefix}{host.Index}";
                await Sh.RunAsync(
                    "ip", "link", "add", sw, "netns", ns, "mtu", mtu, "type", "veth",
                    "peer", "name", InterfaceName(host), "netns", host.Namespace, "mtu", mtu).ConfigureAwait(false);
                await Sh.RunAsync("ip", "-n", ns, "link", "set", sw, "master", "br0", "up").ConfigureAwait(false);
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
