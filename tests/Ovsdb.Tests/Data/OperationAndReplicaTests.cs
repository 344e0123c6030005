using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Replication;

namespace Ovsdb.Tests.Data;

public sealed class OperationAndReplicaTests
{
    private static readonly Guid U1 = Guid.Parse("1b2c3d4e-0000-4000-8000-000000000001");

    [Test]
    public void OperationsWriteTheRfcShapes()
    {
        var row = new Dictionary<string, OvsdbDatum> { ["name"] = "br-int", ["ports"] = OvsdbDatum.Atom(OvsdbAtom.NamedUuid("p")) };
        Assert.That(Write(new InsertOperation("Bridge", row, "b")), Is.EqualTo(
            """{"op":"insert","table":"Bridge","row":{"name":"br-int","ports":["named-uuid","p"]},"uuid-name":"b"}"""));
        Assert.That(Write(new MutateOperation("Open_vSwitch", [], [Mutation.Insert("bridges", OvsdbDatum.Atom(OvsdbAtom.NamedUuid("b")))])), Is.EqualTo(
            """{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","insert",["named-uuid","b"]]]}"""));
        Assert.That(Write(new DeleteOperation("Port", [Condition.ByUuid(U1)])), Is.EqualTo(
            $$"""{"op":"delete","table":"Port","where":[["_uuid","==",["uuid","{{U1}}"]]]}"""));
        Assert.That(Write(new UpdateOperation("Port", [Condition.Equal("name", "p1")], new Dictionary<string, OvsdbDatum> { ["tag"] = 5 })), Is.EqualTo(
            """{"op":"update","table":"Port","where":[["name","==","p1"]],"row":{"tag":5}}"""));
        Assert.That(Write(new WaitOperation("Bridge", [Condition.ByUuid(U1)], ["ports"], [new Dictionary<string, OvsdbDatum> { ["ports"] = OvsdbDatum.EmptySet }])), Is.EqualTo(
            $$"""{"op":"wait","table":"Bridge","where":[["_uuid","==",["uuid","{{U1}}"]]],"columns":["ports"],"until":"==","rows":[{"ports":["set",[]]}],"timeout":0}"""));
        Assert.That(Write(new CommentOperation("ofc")), Is.EqualTo("""{"op":"comment","comment":"ofc"}"""));
    }

    [Test]
    public void ReplicaAppliesInsertModifyDeleteAndKeepsOldSnapshotsIntact()
    {
        var replica = new OvsdbReplica();
        var initial = Parse($$$$$"""{"Bridge":{"{{{{{U1}}}}}":{"new":{"name":"br-int","fail_mode":"secure"}}}}""");
        replica.Apply(initial);
        var first = replica.Snapshot;
        Assert.That(first.Rows("Bridge")[U1].GetString("fail_mode"), Is.EqualTo("secure"));

        replica.Apply(Parse($$$$$"""{"Bridge":{"{{{{{U1}}}}}":{"old":{"fail_mode":"secure"},"new":{"name":"br-int","fail_mode":"standalone"}}}}"""));
        var second = replica.Snapshot;
        Assert.That(second.Rows("Bridge")[U1].GetString("fail_mode"), Is.EqualTo("standalone"));
        Assert.That(first.Rows("Bridge")[U1].GetString("fail_mode"), Is.EqualTo("secure"), "an earlier snapshot never changes");

        replica.Apply(Parse($$$$$"""{"Bridge":{"{{{{{U1}}}}}":{"old":{"name":"br-int","fail_mode":"standalone"}}}}"""));
        Assert.That(replica.Snapshot.Rows("Bridge"), Is.Empty);
        Assert.That(replica.Version, Is.EqualTo(3));
    }

    private static TableUpdates Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return TableUpdates.Parse(doc.RootElement, null);
    }

    private static string Write(OvsdbOperation op)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            op.WriteTo(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Test]
    public void TransactionErrorNamesTheFailingOperation()
    {
        var wait = new WaitOperation("Bridge", [], ["name"], ImmutableArray<IReadOnlyDictionary<string, OvsdbDatum>>.Empty);
        var ex = new OvsdbTransactionException(new OvsdbError("timed out", null), 1, wait);
        Assert.That(ex.Message, Does.Contain("operation 1 (wait Bridge)"));
        Assert.That(ex.IsWaitFailure, Is.True);
    }
}
