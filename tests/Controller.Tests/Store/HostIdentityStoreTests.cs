using System.Net;
using Controller.Store;
using LiteDB;

namespace Controller.Tests.Store;

/// <summary>Hosts managed over OVSDB: a system id, a datapath id learned later, auto-registration.</summary>
[TestFixtureSource(typeof(StoreBackend), nameof(StoreBackend.Names))]
public sealed class HostIdentityStoreTests(string backend)
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

    [Test]
    public void Hosts_WithASystemIdAndNoDatapathId_Coexist_AndAreFoundBySystemId()
    {
        var a = _store.CreateHost(new NewHost("hv-a", null, IPAddress.Parse("10.1.0.1"), "sys-a"));
        var b = _store.CreateHost(new NewHost("hv-b", null, IPAddress.Parse("10.1.0.2"), "sys-b"));
        var byHand = _store.CreateHost(new NewHost("hv-c", 0xc, IPAddress.Parse("10.1.0.3")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(a.DatapathId, Is.Null);
            Assert.That(_store.FindHostBySystemId("sys-b"), Is.EqualTo(b));
            Assert.That(_store.FindHostBySystemId("sys-x"), Is.Null);
            Assert.That(byHand.SystemId, Is.Null);
            Assert.That(_store.Current.Hosts, Is.EquivalentTo(new[] { a, b, byHand }));
        }
    }

    [Test]
    public void CreateHost_NeedsADatapathIdOrASystemId_AndRefusesADuplicateSystemId()
    {
        _store.CreateHost(new NewHost("hv-a", null, IPAddress.Parse("10.1.0.1"), "sys-a"));
        var before = _store.Current;
        var none = Assert.Throws<StoreValidationException>(() => _store.CreateHost(new NewHost("hv-b", null, IPAddress.Parse("10.1.0.2"))));
        var dup = Assert.Throws<StoreConflictException>(() => _store.CreateHost(new NewHost("hv-b", null, IPAddress.Parse("10.1.0.2"), "sys-a")));
        var bad = Assert.Throws<StoreValidationException>(() => _store.CreateHost(new NewHost("hv-b", null, IPAddress.Parse("10.1.0.2"), "sys\u0001")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(none!.Errors.Keys, Is.EqualTo(new[] { "datapathId" }));
            Assert.That(dup!.Field, Is.EqualTo("systemId"));
            Assert.That(bad!.Errors.Keys, Is.EqualTo(new[] { "systemId" }));
            Assert.That(_store.Current, Is.SameAs(before), "nothing published");
            Assert.That(_store.ListHosts(), Has.Count.EqualTo(1));
        }
    }

    [Test]
    public void RegisterHost_TakesTheHostname_SuffixedWhenTaken_AndRefusesAClaimedEncapIpOrSystemId()
    {
        _store.CreateHost(new NewHost("compute1", 1, IPAddress.Parse("10.1.0.1")));
        var r = _store.RegisterHost("sys-2", "compute1", IPAddress.Parse("10.1.0.2"));
        var r3 = _store.RegisterHost("sys-3", "compute1", IPAddress.Parse("10.1.0.3"));
        var blank = _store.RegisterHost("sys-4", " ", IPAddress.Parse("10.1.0.4"));
        var long100 = new string('n', TenantStore.MaxNameLength);
        _store.CreateHost(new NewHost(long100, 5, IPAddress.Parse("10.1.0.5")));
        var longer = _store.RegisterHost("sys-6", long100, IPAddress.Parse("10.1.0.6"));
        var before = _store.Current;
        var ipClash = Assert.Throws<StoreConflictException>(() => _store.RegisterHost("sys-7", "x", IPAddress.Parse("10.1.0.2")));
        var sidClash = Assert.Throws<StoreConflictException>(() => _store.RegisterHost("sys-2", "x", IPAddress.Parse("10.1.0.7")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((r.Name, r.SystemId, r.DatapathId, r.TunnelIp), Is.EqualTo(("compute1-2", "sys-2", (ulong?)null, IPAddress.Parse("10.1.0.2"))));
            Assert.That(r3.Name, Is.EqualTo("compute1-3"));
            Assert.That(blank.Name, Is.EqualTo("sys-4"), "no hostname: the system id");
            Assert.That(longer.Name, Has.Length.EqualTo(TenantStore.MaxNameLength).And.EndsWith("-2"));
            Assert.That(ipClash!.Field, Is.EqualTo("tunnelIp"));
            Assert.That(sidClash!.Field, Is.EqualTo("systemId"));
            Assert.That(_store.Current, Is.SameAs(before));
            Assert.That(_store.Current.Hosts, Does.Contain(r));
        }
    }

    [Test]
    public void SetLearnedDatapathId_PublishesOnce_IsANoOpWhenEqual_AndRefusesAnotherHostsId()
    {
        var byHand = _store.CreateHost(new NewHost("hv-a", 0xa, IPAddress.Parse("10.1.0.1")));
        var h = _store.RegisterHost("sys-b", "hv-b", IPAddress.Parse("10.1.0.2"));
        var learned = _store.SetLearnedDatapathId(h.Id, 0xb);
        var version = _store.Current.Version;
        var again = _store.SetLearnedDatapathId(h.Id, 0xb);
        var clash = Assert.Throws<StoreConflictException>(() => _store.SetLearnedDatapathId(h.Id, 0xa));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(learned.DatapathId, Is.EqualTo(0xbUL));
            Assert.That(_store.Current.Hosts.Single(x => x.Id == h.Id).DatapathId, Is.EqualTo(0xbUL));
            Assert.That(_store.FindHostByDatapathId(0xb)?.Id, Is.EqualTo(h.Id));
            Assert.That(again, Is.EqualTo(learned));
            Assert.That(_store.Current.Version, Is.EqualTo(version), "no write, no snapshot for an unchanged id");
            Assert.That(clash!.Field, Is.EqualTo("datapathId"));
            Assert.That(_store.FindHost(h.Id)!.DatapathId, Is.EqualTo(0xbUL), "the refused write changed nothing");
            Assert.That(_store.FindHost(byHand.Id)!.DatapathId, Is.EqualTo(0xaUL));
            Assert.That(() => _store.SetLearnedDatapathId("nope", 1), Throws.TypeOf<EntityNotFoundException>());
        }
    }

    [Test]
    public void UpdateHost_CanGiveAHandDeclaredHostASystemId_AndMoveItsTunnelIp()
    {
        var h = _store.CreateHost(new NewHost("hv-a", 0xa, IPAddress.Parse("10.1.0.1")));
        _store.CreateHost(new NewHost("hv-b", null, IPAddress.Parse("10.1.0.2"), "sys-b"));
        var u = _store.UpdateHost(h.Id, new HostPatch(SystemId: "sys-a", TunnelIp: IPAddress.Parse("10.1.0.9")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That((u.SystemId, u.DatapathId, u.TunnelIp), Is.EqualTo(("sys-a", (ulong?)0xa, IPAddress.Parse("10.1.0.9"))));
            Assert.That(_store.FindHostBySystemId("sys-a")?.Id, Is.EqualTo(h.Id));
            Assert.That(
                Assert.Throws<StoreConflictException>(() => _store.UpdateHost(h.Id, new HostPatch(SystemId: "sys-b")))!.Field,
                Is.EqualTo("systemId"));
        }
    }

    [Test]
    public void AStoreWrittenBeforeSystemIds_StillLoads_AndTakesNewHosts()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-legacy-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "old.db");
        try
        {
            // The shape and index the store used to write: a long DatapathId on every host, no SystemId.
            using (var old = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
            {
                var hosts = old.GetCollection("hosts");
                hosts.EnsureIndex("DatapathId", "$.DatapathId", unique: true);
                hosts.Insert(new BsonDocument { ["_id"] = "h1", ["Name"] = "old-1", ["DatapathId"] = 1L, ["TunnelIp"] = "10.2.0.1" });
                hosts.Insert(new BsonDocument { ["_id"] = "h2", ["Name"] = "old-2", ["DatapathId"] = unchecked((long)0xffff_0000_0000_0002UL), ["TunnelIp"] = "10.2.0.2" });
            }

            using (var store = TenantStore.Open(path))
            {
                var h2 = store.FindHost("h2")!;
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(store.ListHosts().Select(h => (h.Name, h.DatapathId, h.SystemId)), Is.EquivalentTo(new[] { ("old-1", (ulong?)1UL, (string?)null), ("old-2", 0xffff_0000_0000_0002UL, null) }));
                    Assert.That(h2.DatapathId, Is.EqualTo(0xffff_0000_0000_0002UL));
                    Assert.That(store.FindHostByDatapathId(1)?.Id, Is.EqualTo("h1"));
                }

                store.RegisterHost("sys-3", "new-3", IPAddress.Parse("10.2.0.3"));
                store.RegisterHost("sys-4", "new-4", IPAddress.Parse("10.2.0.4"));
                Assert.That(
                    Assert.Throws<StoreConflictException>(() => store.CreateHost(new NewHost("dup", 1, IPAddress.Parse("10.2.0.5"))))!.Field,
                    Is.EqualTo("datapathId"),
                    "the datapath id stays unique across old and new hosts");
            }

            using (var reopened = TenantStore.Open(path))
            {
                Assert.That(reopened.ListHosts(), Has.Count.EqualTo(4), "and it opens again after the index change");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
