using Controller.Store;
using Controller.Store.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace Controller.Tests.Store;

/// <summary>A commit is all or nothing at the persistence level too, on both backends.</summary>
[TestFixture]
public sealed class PersistenceAtomicityTests
{
    private static StoreMutation Tenant(string id) => new(StoreCollection.Tenants, id, new TenantDocument { Id = id, Name = "t-" + id });

    [Test]
    public void LiteDb_commit_that_fails_after_its_first_write_leaves_nothing()
    {
        using var stream = new MemoryStream();
        using (var p = LiteDbPersistence.Open(stream))
        {
            p.FaultPoint = point => throw new IOException("injected at " + point);
            Assert.That(() => p.Commit(0, [Tenant("a"), Tenant("b")]), Throws.InstanceOf<IOException>());
            p.FaultPoint = null;
            Assert.That(p.Load().Tenants, Is.Empty, "the first write was rolled back");
            Assert.That(p.Commit(0, [Tenant("c")]).Committed, Is.True);
        }

        stream.Position = 0;
        using var reopened = LiteDbPersistence.Open(stream);
        Assert.That(reopened.Load().Tenants.Keys, Is.EqualTo(new[] { "c" }));
    }

    [Test]
    public void Etcd_commit_on_a_stale_revision_is_a_conflict_and_writes_nothing()
    {
        var options = new EtcdStoreOptions { Endpoints = SharedEtcd.Cluster.EndpointsCsv, Prefix = "/test/" + Guid.NewGuid().ToString("N") };
        using var p = EtcdPersistence.Connect(options, NullLogger.Instance);
        var basis = p.Load();
        Assert.That(basis.Revision, Is.Zero, "a fresh prefix has no head yet");

        var first = p.Commit(basis.Revision, [Tenant("a")]);
        Assert.That(first.Committed, Is.True);

        var stale = p.Commit(basis.Revision, [Tenant("b"), Tenant("c")]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stale.Committed, Is.False, "someone wrote since revision 0");
            Assert.That(stale.Revision, Is.EqualTo(first.Revision), "the conflict names the revision found");
            Assert.That(p.Load().Tenants.Keys, Is.EqualTo(new[] { "a" }), "nothing of the losing transaction is there");
            Assert.That(p.Load().Revision, Is.EqualTo(first.Revision));
        }

        var second = p.Commit(first.Revision, [Tenant("b"), new StoreMutation(StoreCollection.Tenants, "a", null)]);
        Assert.That(second.Committed, Is.True);
        Assert.That(p.Load().Tenants.Keys, Is.EqualTo(new[] { "b" }), "puts and deletes of one commit land together");
    }
}
