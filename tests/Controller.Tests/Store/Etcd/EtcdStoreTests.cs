using Tests.Shared;
using System.Net;
using Apps.Model;
using Controller.Store;
using Controller.Tests.Reconcile;

namespace Controller.Tests.Store.Etcd;

/// <summary>
/// Two stores on one etcd prefix, as two controllers see it: remote writes arrive through the watch and publish
/// snapshots, and racing allocations never hand out the same value twice.
/// </summary>
[TestFixture]
public sealed class EtcdStoreTests
{
    private EtcdStoreOptions _options = null!;

    [SetUp]
    public void SetUp() => _options = new EtcdStoreOptions
    {
        Endpoints = SharedEtcd.Cluster.EndpointsCsv,
        Prefix = "/test/" + Guid.NewGuid().ToString("N"),
        ProbeIntervalMs = 200,
    };

    private static ulong Mac(int n) => 0x02_00_00_00_00_00UL + (ulong)n;

    [Test]
    public async Task A_write_on_one_store_reaches_the_other_through_the_watch_and_publishes_a_snapshot()
    {
        using var a = TenantStore.OpenEtcd(_options);
        using var b = TenantStore.OpenEtcd(_options);
        var heard = new List<NetworkSnapshot>();
        b.Changed += s =>
        {
            lock (heard)
            {
                heard.Add(s);
            }
        };
        var reader = b.Subscribe();
        Assert.That(reader.TryRead(out var initial), Is.True);

        var t = a.CreateTenant("acme").Id;
        var n = a.CreateNetwork(new NewNetwork(t, "web", TunnelType.Vxlan, 42)).Network;
        var h = a.CreateHost(new NewHost("hv1", 1, IPAddress.Parse("192.0.2.1"))).Id;
        var p = a.CreatePort(new NewPort(n.Id, h, Mac(1), null, "vm1"));

        await Poll.UntilAsync(() => b.FindPort(p.Port.Id) is not null, Poll.DefaultTimeout, "the port reaches the other store");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(b.FindTenant(t), Is.EqualTo(new TenantInfo(t, "acme")), "tenants travel too");
            Assert.That(b.FindNetwork(n.Id)?.Network, Is.EqualTo(n));
            Assert.That(b.FindPort(p.Port.Id), Is.EqualTo(p), "same port, same VLAN");
            Assert.That(b.Current.Ports, Is.EqualTo(a.Current.Ports));
            Assert.That(b.Current.LocalVlans, Is.EqualTo(a.Current.LocalVlans));
            Assert.That(b.Revision, Is.EqualTo(a.Revision), "both at the store's last write");
        }

        lock (heard)
        {
            Assert.That(heard.Select(s => s.Version), Is.Ordered.Ascending.And.Unique);
            Assert.That(heard[^1].Ports.Single(), Is.EqualTo(p.Port), "Changed fires for remote writes");
        }

        Assert.That(reader.TryRead(out var latest), Is.True);
        Assert.That(latest!.Version, Is.GreaterThan(initial!.Version), "subscribers hear remote writes");

        a.DeletePort(p.Port.Id);
        await Poll.UntilAsync(() => b.FindPort(p.Port.Id) is null, Poll.DefaultTimeout, "the delete reaches the other store");
        Assert.That(b.ListLocalVlans(), Is.Empty, "the freed binding goes too");
    }

    [Test]
    public async Task Racing_stores_never_share_a_segment_a_vlan_or_a_mac()
    {
        using var a = TenantStore.OpenEtcd(_options);
        using var b = TenantStore.OpenEtcd(_options);
        var t = a.CreateTenant("acme").Id;
        var h = a.CreateHost(new NewHost("hv1", 1, IPAddress.Parse("192.0.2.1"))).Id;
        await Poll.UntilAsync(() => b.FindHost(h) is not null, Poll.DefaultTimeout, "the host reaches b");

        // Segments: 20 networks created at once, half on each store, none with an explicit id.
        var networks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            (i % 2 == 0 ? a : b).CreateNetwork(new NewNetwork(t, $"n{i}", TunnelType.Vxlan)).Network)));
        Assert.That(networks.Select(n => n.SegmentId), Is.Unique);
        Assert.That(networks.Select(n => n.SegmentId), Is.EquivalentTo(Enumerable.Range(1, 20).Select(i => (uint)i)), "lowest free, no gaps");
        await Poll.UntilAsync(() => b.ListNetworks().Count == 20 && a.ListNetworks().Count == 20, Poll.DefaultTimeout, "both see 20 networks");

        // VLANs: the first port of each network on the one host, half on each store at once.
        // MACs: every MAC offered to both stores at once: exactly one may win.
        var outcomes = await Task.WhenAll(networks.SelectMany((n, i) => new[] { a, b }.Select(s => Task.Run(() =>
        {
            try
            {
                return (Port: s.CreatePort(new NewPort(n.Id, h, Mac(i))), Error: (StoreConflictException?)null);
            }
            catch (StoreConflictException e)
            {
                return (Port: (PortDetails?)null, Error: e);
            }
        }))));

        var won = outcomes.Where(o => o.Port is not null).Select(o => o.Port!).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(won, Has.Count.EqualTo(20), "one port per network and MAC");
            var refused = outcomes.Where(o => o.Error is not null).Select(o => o.Error!.Field).ToList();
            Assert.That(refused, Has.Count.EqualTo(20), "the other offer of each MAC is refused");
            Assert.That(refused, Is.All.EqualTo("mac"));
            Assert.That(won.Select(p => (int)p.Vlan), Is.EquivalentTo(Enumerable.Range(1, 20)), "20 networks on one host: 20 distinct VLANs");
        }

        await Poll.UntilAsync(() => a.ListPorts().Count == 20 && b.ListPorts().Count == 20, Poll.DefaultTimeout, "both see 20 ports");
        using var fresh = TenantStore.OpenEtcd(_options);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.ListPorts(), Is.EquivalentTo(b.ListPorts()));
            Assert.That(fresh.ListPorts(), Is.EquivalentTo(a.ListPorts()), "what etcd holds is what both stores show");
            Assert.That(fresh.ListLocalVlans(), Is.EquivalentTo(b.ListLocalVlans()));
            Assert.That(fresh.ListLocalVlans().Select(v => v.Vlan), Is.Unique);
        }
    }

    [Test]
    public void Unreachable_etcd_fails_opening_with_store_unavailable()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var options = new EtcdStoreOptions { Endpoints = $"http://127.0.0.1:{port}", ConnectTimeoutMs = 500, RequestTimeoutMs = 300 };
        Assert.That(() => TenantStore.OpenEtcd(options), Throws.InstanceOf<StoreUnavailableException>());
    }
}
