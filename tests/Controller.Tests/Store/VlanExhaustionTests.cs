using System.Net;
using Apps.Model;
using Controller.Store;

namespace Controller.Tests.Store;

/// <summary>
/// The VLAN pool running out, on LiteDB only: 8,000 sequential etcd transactions would take minutes, and the
/// allocation code (StoreAllocation) is the same for both backends.
/// </summary>
public sealed class VlanExhaustionTests
{
    private StoreBackend _backend = null!;
    private TenantStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _backend = new StoreBackend(StoreBackend.LiteDb);
        _store = _backend.Open();
    }

    [TearDown]
    public void TearDown()
    {
        _store.Dispose();
        _backend.Dispose();
    }

    private string Tenant(string name = "acme") => _store.CreateTenant(name).Id;

    private string Network(string tenantId, string name, uint? segment = null) =>
        _store.CreateNetwork(new NewNetwork(tenantId, name, TunnelType.Vxlan, segment)).Network.Id;

    private string Host(int n) =>
        _store.CreateHost(new NewHost($"h{n}", (ulong)n, IPAddress.Parse($"10.0.{n / 250}.{(n % 250) + 1}"))).Id;

    private static ulong Mac(int n) => 0x02_00_00_00_00_00UL + (ulong)n;

    [Test]
    public void Vlan_pool_is_exhausted_after_4094_networks_on_one_host()
    {
        var t = Tenant();
        var h = Host(1);
        var other = Host(2);
        var first = "";
        for (var i = 1; i <= 4094; i++)
        {
            var n = Network(t, $"n{i}", (uint)i);
            var p = _store.CreatePort(new NewPort(n, h, Mac(i)));
            Assert.That(p.Vlan, Is.EqualTo(i));
            if (i == 1)
            {
                first = p.Port.Id;
            }
        }

        var last = Network(t, "n4095", 4095);
        var version = _store.Current.Version;
        var ex = Assert.Throws<VlanPoolExhaustedException>(() => _store.CreatePort(new NewPort(last, h, Mac(4095))));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.HostId, Is.EqualTo(h));
            Assert.That(ex.Message, Does.Contain("4094"));
            Assert.That(_store.ListPorts(last), Is.Empty);
            Assert.That(_store.Current.Version, Is.EqualTo(version), "a refused write publishes nothing");
        }

        Assert.That(_store.CreatePort(new NewPort(last, other, Mac(4095))).Vlan, Is.EqualTo(1), "other hosts are unaffected");
        _store.DeletePort(first);
        Assert.That(_store.CreatePort(new NewPort(last, h, Mac(4096))).Vlan, Is.EqualTo(1), "freeing one makes room");
    }
}
