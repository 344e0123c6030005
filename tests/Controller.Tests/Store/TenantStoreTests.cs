using System.Net;
using Apps.Model;
using Controller.Store;

namespace Controller.Tests.Store;

[TestFixtureSource(typeof(StoreBackend), nameof(StoreBackend.Names))]
public sealed class TenantStoreTests(string backend)
{
    private StoreBackend _backend = null!;
    private TenantStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _backend = new StoreBackend(backend);
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
    public void SegmentIds_are_allocated_lowest_free_and_reused_after_delete()
    {
        var t = Tenant();
        var a = _store.CreateNetwork(new NewNetwork(t, "a", TunnelType.Vxlan)).Network;
        var b = _store.CreateNetwork(new NewNetwork(t, "b", TunnelType.Gre)).Network;
        var c = _store.CreateNetwork(new NewNetwork(t, "c", TunnelType.Vxlan)).Network;
        _store.DeleteNetwork(b.Id);
        var d = _store.CreateNetwork(new NewNetwork(t, "d", TunnelType.Vxlan)).Network;
        _store.CreateNetwork(new NewNetwork(t, "e", TunnelType.Vxlan, 100));
        var f = _store.CreateNetwork(new NewNetwork(t, "f", TunnelType.Vxlan)).Network;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(new[] { a.SegmentId, b.SegmentId, c.SegmentId }, Is.EqualTo(new uint[] { 1, 2, 3 }));
            Assert.That(b.TunnelType, Is.EqualTo(TunnelType.Gre));
            Assert.That(d.SegmentId, Is.EqualTo(2u), "the freed id is the lowest free one");
            Assert.That(f.SegmentId, Is.EqualTo(4u), "a gap below an explicit id is filled first");
        }
    }

    [Test]
    public void Duplicate_segment_id_is_a_conflict_naming_the_field()
    {
        var t = Tenant();
        Network(t, "a", 4242);
        var ex = Assert.Throws<StoreConflictException>(() => Network(t, "b", 4242));
        Assert.That(ex!.Field, Is.EqualTo("segmentId"));
        Assert.That(ex.Message, Does.Contain("4242"));
        Assert.That(_store.ListNetworks(), Has.Count.EqualTo(1));
    }

    [TestCase(0u)]
    [TestCase(16_777_216u)]
    public void Segment_id_out_of_range_is_a_validation_error(uint segment)
    {
        var t = Tenant();
        var ex = Assert.Throws<StoreValidationException>(() => Network(t, "a", segment));
        Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { "segmentId" }));
        Assert.That(_store.ListNetworks(), Is.Empty);
    }

    [Test]
    public void Highest_segment_id_is_accepted()
    {
        var t = Tenant();
        var n = _store.CreateNetwork(new NewNetwork(t, "a", TunnelType.Vxlan, 16_777_215)).Network;
        Assert.That(n.SegmentId, Is.EqualTo(16_777_215u));
    }

    [Test]
    public void Local_vlans_are_per_host_lowest_free_and_freed_with_the_last_port()
    {
        var t = Tenant();
        var n1 = Network(t, "n1");
        var n2 = Network(t, "n2");
        var h1 = Host(1);
        var h2 = Host(2);

        var p1 = _store.CreatePort(new NewPort(n1, h1, Mac(1)));
        var p2 = _store.CreatePort(new NewPort(n1, h1, Mac(2)));
        var p3 = _store.CreatePort(new NewPort(n2, h1, Mac(3)));
        var p4 = _store.CreatePort(new NewPort(n2, h2, Mac(4)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(p1.Vlan, Is.EqualTo(1));
            Assert.That(p2.Vlan, Is.EqualTo(1), "same host and network share the VLAN");
            Assert.That(p3.Vlan, Is.EqualTo(2));
            Assert.That(p4.Vlan, Is.EqualTo(1), "VLANs are per host");
        }

        _store.DeletePort(p1.Port.Id);
        Assert.That(_store.FindLocalVlan(h1, n1), Is.EqualTo((ushort)1), "one port of n1 is still on h1");
        _store.DeletePort(p2.Port.Id);
        Assert.That(_store.FindLocalVlan(h1, n1), Is.Null, "the last port left: the VLAN is freed");

        var n3 = Network(t, "n3");
        var p5 = _store.CreatePort(new NewPort(n3, h1, Mac(5)));
        Assert.That(p5.Vlan, Is.EqualTo(1), "the freed VLAN is reused");
        Assert.That(
            _store.ListLocalVlans(),
            Is.EquivalentTo(new[] { new LocalVlan(h1, n2, 2), new LocalVlan(h2, n2, 1), new LocalVlan(h1, n3, 1) }));
    }

    [Test]
    public void Names_datapath_ids_and_tunnel_ips_are_unique()
    {
        Tenant("acme");
        Host(1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => Tenant("acme"), Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("name"));
            Assert.That(
                () => _store.CreateHost(new NewHost("h1", 99, IPAddress.Parse("10.9.9.9"))),
                Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("name"));
            Assert.That(
                () => _store.CreateHost(new NewHost("hx", 1, IPAddress.Parse("10.9.9.9"))),
                Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("datapathId"));
            Assert.That(
                () => _store.CreateHost(new NewHost("hx", 99, IPAddress.Parse("10.0.0.2"))),
                Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("tunnelIp"));
        }

        Assert.That(_store.ListHosts(), Has.Count.EqualTo(1));
        Assert.That(_store.ListTenants(), Has.Count.EqualTo(1));
    }

    [Test]
    public void Mac_is_unique_per_network_only()
    {
        var t = Tenant();
        var n1 = Network(t, "n1");
        var n2 = Network(t, "n2");
        var h = Host(1);
        _store.CreatePort(new NewPort(n1, h, Mac(7)));
        var ex = Assert.Throws<StoreConflictException>(() => _store.CreatePort(new NewPort(n1, h, Mac(7))));
        Assert.That(ex!.Field, Is.EqualTo("mac"));
        Assert.That(ex.Message, Does.Contain("02:00:00:00:00:07"));
        Assert.That(() => _store.CreatePort(new NewPort(n2, h, Mac(7))), Throws.Nothing, "another network may reuse the MAC");
    }

    [Test]
    public void Port_ip_must_be_inside_the_network_prefix_and_unique()
    {
        var t = Tenant();
        var n = _store.CreateNetwork(new NewNetwork(t, "n", TunnelType.Vxlan, Cidr: "192.168.10.0/24")).Network.Id;
        var h = Host(1);
        _store.CreatePort(new NewPort(n, h, Mac(1), IPAddress.Parse("192.168.10.5")));
        Assert.That(
            () => _store.CreatePort(new NewPort(n, h, Mac(2), IPAddress.Parse("192.168.11.5"))),
            Throws.InstanceOf<StoreValidationException>().With.Message.Contains("outside"));
        Assert.That(
            () => _store.CreatePort(new NewPort(n, h, Mac(2), IPAddress.Parse("192.168.10.5"))),
            Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("ip"));
    }

    [Test]
    public void Unknown_references_name_the_field()
    {
        var t = Tenant();
        var n = Network(t, "n");
        var h = Host(1);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                () => _store.CreateNetwork(new NewNetwork("nope", "x", TunnelType.Vxlan)),
                Throws.InstanceOf<UnknownReferenceException>().With.Property("Field").EqualTo("tenantId"));
            Assert.That(
                () => _store.CreatePort(new NewPort("nope", h, Mac(1))),
                Throws.InstanceOf<UnknownReferenceException>().With.Property("Field").EqualTo("networkId"));
            Assert.That(
                () => _store.CreatePort(new NewPort(n, "nope", Mac(1))),
                Throws.InstanceOf<UnknownReferenceException>().With.Property("Field").EqualTo("hostId"));
        }
    }

    [Test]
    public void Deletes_with_dependents_are_refused()
    {
        var t = Tenant();
        var n = Network(t, "n");
        var h = Host(1);
        var p = _store.CreatePort(new NewPort(n, h, Mac(1)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => _store.DeleteTenant(t), Throws.InstanceOf<DeleteRefusedException>().With.Message.Contains("network"));
            Assert.That(() => _store.DeleteNetwork(n), Throws.InstanceOf<DeleteRefusedException>().With.Message.Contains("port"));
            Assert.That(() => _store.DeleteHost(h), Throws.InstanceOf<DeleteRefusedException>().With.Message.Contains("port"));
        }

        _store.DeletePort(p.Port.Id);
        _store.DeleteNetwork(n);
        _store.DeleteHost(h);
        _store.DeleteTenant(t);
        Assert.That(_store.ListTenants(), Is.Empty);
        Assert.That(() => _store.DeleteTenant(t), Throws.InstanceOf<EntityNotFoundException>());
    }

    [TestCase("CreatePort:VlanBound")]
    [TestCase("CreatePort:Inserted")]
    public void A_failed_port_create_rolls_back_everything(string point)
    {
        var t = Tenant();
        var n = Network(t, "n");
        var h = Host(1);
        var before = _store.Current;
        _store.FaultPoint = p =>
        {
            if (p == point)
            {
                throw new IOException("injected");
            }
        };

        Assert.That(() => _store.CreatePort(new NewPort(n, h, Mac(1))), Throws.InstanceOf<IOException>());
        _store.FaultPoint = null;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_store.ListPorts(), Is.Empty);
            Assert.That(_store.ListLocalVlans(), Is.Empty);
            Assert.That(_store.Current, Is.SameAs(before), "nothing is published");
        }

        Assert.That(_store.CreatePort(new NewPort(n, h, Mac(1))).Vlan, Is.EqualTo(1), "the VLAN bitmap was rolled back too");
    }

    [Test]
    public void A_failed_port_delete_rolls_back_everything()
    {
        var t = Tenant();
        var n = Network(t, "n");
        var h = Host(1);
        var p = _store.CreatePort(new NewPort(n, h, Mac(1)));
        _store.FaultPoint = point =>
        {
            if (point == "DeletePort:Deleted")
            {
                throw new IOException("injected");
            }
        };

        Assert.That(() => _store.DeletePort(p.Port.Id), Throws.InstanceOf<IOException>());
        _store.FaultPoint = null;
        Assert.That(_store.FindPort(p.Port.Id), Is.EqualTo(p));
        Assert.That(_store.FindLocalVlan(h, n), Is.EqualTo((ushort)1));
        var n2 = Network(t, "n2");
        Assert.That(_store.CreatePort(new NewPort(n2, h, Mac(2))).Vlan, Is.EqualTo(2), "VLAN 1 is still taken");
    }

    [Test]
    public void Snapshots_are_published_after_commit_with_incrementing_versions()
    {
        var seen = new List<NetworkSnapshot>();
        _store.Changed += seen.Add;
        var reader = _store.Subscribe();
        Assert.That(reader.TryRead(out var initial), Is.True);
        Assert.That(initial!.Version, Is.EqualTo(1));

        var t = Tenant();
        Assert.That(seen, Is.Empty, "tenants are not in the snapshot, so tenant writes publish nothing");
        var n = Network(t, "n", 77);
        var h = Host(1);
        var p = _store.CreatePort(new NewPort(n, h, Mac(1), IPAddress.Parse("10.1.1.1"), "veth1"));

        Assert.That(seen.Select(s => s.Version), Is.EqualTo(new long[] { 2, 3, 4 }));
        Assert.That(reader.TryRead(out var latest), Is.True);
        Assert.That(latest, Is.SameAs(_store.Current), "a subscriber keeps only the latest snapshot");
        Assert.That(reader.TryRead(out _), Is.False);

        var s = _store.Current;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(s.Networks.Single(), Is.EqualTo(new NetworkInfo(n, t, "n", TunnelType.Vxlan, 77)));
            Assert.That(s.Hosts.Single().DatapathId, Is.EqualTo(1UL));
            Assert.That(s.Ports.Single(), Is.EqualTo(p.Port));
            Assert.That(s.LocalVlans.Single(), Is.EqualTo(new LocalVlan(h, n, 1)));
        }

        Assert.That(() => Network(t, "n", 78), Throws.InstanceOf<StoreConflictException>());
        Assert.That(_store.Current.Version, Is.EqualTo(4), "a failed write publishes nothing");
    }

    [Test]
    public void A_throwing_changed_handler_neither_fails_the_write_nor_starves_other_handlers()
    {
        var heard = new List<long>();
        _store.Changed += _ => throw new InvalidOperationException("subscriber bug");
        _store.Changed += s => heard.Add(s.Version);
        var t = Tenant();
        Assert.That(() => Network(t, "n"), Throws.Nothing);
        Assert.That(heard, Is.EqualTo(new long[] { 2 }));
        Assert.That(_store.ListNetworks(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Subscription_ends_when_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var reader = _store.Subscribe(cts.Token);
        Assert.That(reader.TryRead(out _), Is.True);
        await cts.CancelAsync();
        Assert.That(await reader.WaitToReadAsync(), Is.False, "the channel is completed");
    }

    [Test]
    public void The_incremental_snapshot_matches_one_read_from_the_database()
    {
        var t = Tenant();
        var n1 = Network(t, "n1");
        var n2 = Network(t, "n2");
        var h1 = Host(1);
        var h2 = Host(2);
        var ports = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ports.Add(_store.CreatePort(new NewPort(i % 2 == 0 ? n1 : n2, i % 3 == 0 ? h1 : h2, Mac(i))).Port.Id);
        }

        _store.UpdateHost(h2, new HostPatch(TunnelIp: IPAddress.Parse("172.16.0.9")));
        _store.UpdatePort(ports[1], new PortPatch(Name: "renamed"));
        _store.RenameNetwork(n2, "n2b");
        foreach (var id in ports.Where((_, i) => i % 3 == 0))
        {
            _store.DeletePort(id);
        }

        var incremental = _store.Current;
        var rebuilt = _store.BuildSnapshot(incremental.Version);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(incremental.Networks, Is.EquivalentTo(rebuilt.Networks));
            Assert.That(incremental.Hosts, Is.EquivalentTo(rebuilt.Hosts));
            Assert.That(incremental.Ports, Is.EquivalentTo(rebuilt.Ports));
            Assert.That(incremental.LocalVlans, Is.EquivalentTo(rebuilt.LocalVlans));
            Assert.That(incremental.Hosts.Single(x => x.Id == h2).TunnelIp, Is.EqualTo(IPAddress.Parse("172.16.0.9")));
        }
    }

    [Test]
    public async Task Concurrent_writes_are_serialised_with_distinct_vlans_and_consecutive_versions()
    {
        var t = Tenant();
        var h = Host(1);
        var networks = Enumerable.Range(0, 40).Select(i => Network(t, $"n{i}")).ToArray();
        var versions = new List<long>();
        _store.Changed += s => versions.Add(s.Version);
        var start = _store.Current.Version;

        var results = await Task.WhenAll(networks.Select((n, i) => Task.Run(() => _store.CreatePort(new NewPort(n, h, Mac(i))))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => (int)r.Vlan), Is.EquivalentTo(Enumerable.Range(1, 40)));
            Assert.That(versions, Is.EqualTo(Enumerable.Range(1, 40).Select(i => start + i)), "published in order, one per write");
            Assert.That(_store.Current.Ports, Has.Length.EqualTo(40));
        }
    }

    [Test]
    public void Host_update_changes_tunnel_ip_and_keeps_uniqueness()
    {
        var h1 = Host(1);
        Host(2);
        var updated = _store.UpdateHost(h1, new HostPatch(TunnelIp: IPAddress.Parse("192.0.2.1")));
        Assert.That(updated.TunnelIp, Is.EqualTo(IPAddress.Parse("192.0.2.1")));
        Assert.That(
            () => _store.UpdateHost(h1, new HostPatch(DatapathId: 2)),
            Throws.InstanceOf<StoreConflictException>().With.Property("Field").EqualTo("datapathId"));
        Assert.That(_store.FindHost(h1)!.DatapathId, Is.EqualTo(1UL));
    }

    [Test]
    public void Data_survives_dispose_and_reopen()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-store-" + Guid.NewGuid().ToString("n"));
        var file = Path.Combine(dir, "sub", "controller.db");
        try
        {
            string t, n, h;
            PortDetails p;
            NetworkSnapshot before;
            using (var store = TenantStore.Open(file))
            {
                t = store.CreateTenant("acme").Id;
                n = store.CreateNetwork(new NewNetwork(t, "web", TunnelType.Gre, 500, "10.0.0.0/24")).Network.Id;
                h = store.CreateHost(new NewHost("hv1", 0xfedc_ba98_7654_3210, IPAddress.Parse("10.10.0.1"))).Id;
                p = store.CreatePort(new NewPort(n, h, 0xaa_bb_cc_dd_ee_ff & ~0x01_00_00_00_00_00UL, IPAddress.Parse("10.0.0.7"), ""));
                before = store.Current;
            }

            using (var store = TenantStore.Open(file))
            {
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(store.FindTenant(t), Is.EqualTo(new TenantInfo(t, "acme")));
                    Assert.That(store.FindNetwork(n)!.Cidr, Is.EqualTo("10.0.0.0/24"));
                    Assert.That(store.FindHost(h)!.DatapathId, Is.EqualTo(0xfedc_ba98_7654_3210UL), "all 64 bits survive");
                    Assert.That(store.FindPort(p.Port.Id), Is.EqualTo(p));
                    Assert.That(store.FindPort(p.Port.Id)!.Port.Name, Is.EqualTo(string.Empty), "empty strings stay empty");
                    Assert.That(store.Current.Networks, Is.EquivalentTo(before.Networks));
                    Assert.That(store.Current.Hosts, Is.EquivalentTo(before.Hosts));
                    Assert.That(store.Current.Ports, Is.EquivalentTo(before.Ports));
                    Assert.That(store.Current.LocalVlans, Is.EquivalentTo(before.LocalVlans));
                }

                var n2 = store.CreateNetwork(new NewNetwork(t, "db", TunnelType.Vxlan)).Network;
                Assert.That(n2.SegmentId, Is.EqualTo(1u));
                Assert.That(store.CreatePort(new NewPort(n2.Id, h, 0x02)).Vlan, Is.EqualTo(2), "the VLAN bitmap persisted");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
