using Controller.Hosts;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Replication;
using Ovsdb.Rpc;

namespace Controller.Tests.Hosts;

/// <summary>
/// The OVSDB writer fence: which token wins (pure), and that a real ovsdb-server refuses a stale writer's guarded
/// transaction and a takeover based on what it saw before a newer writer took over, leaving the database unchanged.
/// </summary>
[NonParallelizable]
internal sealed class WriterFenceTests
{
    private const ulong Cluster = 0xc1u;

    [TestCase(null, "5@c1", FenceDecision.TakeOver, TestName = "no token on the host: take over")]
    [TestCase("5@c1", "5@c1", FenceDecision.Write, TestName = "our token: write")]
    [TestCase("4@c1", "5@c1", FenceDecision.TakeOver, TestName = "an older writer's token: take over")]
    [TestCase("10@c1", "9@c1", FenceDecision.Stale, TestName = "a newer writer's token, even one digit longer: stale")]
    [TestCase("9@c2", "5@c1", FenceDecision.TakeOver, TestName = "a token of another etcd cluster: take over")]
    [TestCase("garbage", "5@c1", FenceDecision.TakeOver, TestName = "an unreadable token: take over")]
    [TestCase("@c1", "5@c1", FenceDecision.TakeOver, TestName = "a token without a generation: take over")]
    public void Decide(string? onHost, string mine, FenceDecision expected) =>
        Assert.That(WriterFence.Decide(onHost, mine), Is.EqualTo(expected));

    [Test]
    public void A_malformed_own_token_is_a_programming_error() =>
        Assert.Throws<ArgumentException>(() => WriterFence.Decide("1@c1", "x"));

    [Test]
    public void The_token_is_the_generation_and_the_cluster_id_in_hex() =>
        Assert.That(WriterFence.Token(1234, 0xabcdefUL), Is.EqualTo("1234@abcdef"));

    [Test]
    public async Task A_real_ovsdb_server_refuses_the_stale_writers_transactions_and_keeps_the_newer_token()
    {
        await using var ovs = await RealOvsHost.StartAsync();
        await using var a = await WriterAsync(ovs);
        await using var b = await WriterAsync(ovs);
        var older = WriterFence.Token(10, Cluster);
        var newer = WriterFence.Token(20, Cluster);

        // A takes the host and writes under its token.
        var rootA = await a.RootAsync(r => true);
        Assert.That(WriterFence.Decide(WriterFence.TokenOn(rootA), older), Is.EqualTo(FenceDecision.TakeOver));
        await a.Connection.TransactAsync("Open_vSwitch", [.. WriterFence.TakeOver(rootA, older)]);
        Assert.That(await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids:ofc-writer"), Is.EqualTo("\"10@c1\""));
        await a.Connection.TransactAsync("Open_vSwitch", [WriterFence.Guard(rootA.Uuid, older), SetMark(rootA.Uuid, "a1")]);
        var seenByA = await a.RootAsync(r => r[ExternalIds].GetString("mark") == "a1");

        // B takes over from what it sees.
        var rootB = await b.RootAsync(r => r[ExternalIds].GetString("mark") == "a1");
        Assert.That(WriterFence.Decide(WriterFence.TokenOn(rootB), newer), Is.EqualTo(FenceDecision.TakeOver));
        await b.Connection.TransactAsync("Open_vSwitch", [.. WriterFence.TakeOver(rootB, newer)]);
        var before = await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids");

        // A, woken late, sends what it would have sent: a guarded write, and a takeover from its stale view.
        var guarded = Assert.ThrowsAsync<OvsdbTransactionException>(() => a.Connection.TransactAsync("Open_vSwitch", [WriterFence.Guard(rootA.Uuid, older), SetMark(rootA.Uuid, "a2")]));
        var takeover = Assert.ThrowsAsync<OvsdbTransactionException>(() => a.Connection.TransactAsync("Open_vSwitch", [.. WriterFence.TakeOver(seenByA, older)]));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(guarded!.OperationIndex, Is.Zero, "refused at the guard");
            Assert.That(guarded.IsWaitFailure, Is.True, guarded.Message);
            Assert.That(takeover!.OperationIndex, Is.Zero, "the compare-and-swap failed");
            Assert.That(await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids"), Is.EqualTo(before), "nothing A sent changed the database");
            Assert.That(await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids:ofc-writer"), Is.EqualTo("\"20@c1\""));
        }

        // Once A's replica has the newer token it knows it is stale and would not even try; B writes on.
        var now = await a.RootAsync(r => WriterFence.TokenOn(r) == newer);
        Assert.That(WriterFence.Decide(WriterFence.TokenOn(now), older), Is.EqualTo(FenceDecision.Stale));
        await b.Connection.TransactAsync("Open_vSwitch", [WriterFence.Guard(rootB.Uuid, newer), SetMark(rootB.Uuid, "b1")]);
        Assert.That(await ovs.VsctlAsync("get", "Open_vSwitch", ".", "external_ids:mark"), Is.EqualTo("b1"));
    }

    private const string ExternalIds = "external_ids";

    private static MutateOperation SetMark(Guid root, string value) => new(
        "Open_vSwitch",
        [Condition.ByUuid(root)],
        [Mutation.Delete(ExternalIds, OvsdbDatum.Set(OvsdbAtom.String("mark"))), Mutation.Insert(ExternalIds, OvsdbDatum.Map([KeyValuePair.Create("mark", value)]))]);

    private static async Task<Writer> WriterAsync(RealOvsHost ovs)
    {
        var connection = await OvsdbConnection.ConnectAsync(ovs.Db);
        var schema = await connection.GetSchemaAsync("Open_vSwitch");
        var replica = new OvsdbReplica(schema);
        replica.Apply(await connection.MonitorAsync("Open_vSwitch", "fence", [new MonitorRequest("Open_vSwitch", [ExternalIds])], schema));
        return new Writer(connection, replica);
    }

    private sealed record Writer(OvsdbConnection Connection, OvsdbReplica Replica) : IAsyncDisposable
    {
        /// <summary>The root row once the replica shows <paramref name="until"/>.</summary>
        public async Task<OvsdbRow> RootAsync(Func<OvsdbRow, bool> until)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                while (Connection.Updates.TryRead(out var u))
                {
                    Replica.Apply(u.Updates);
                }

                if (Replica.Snapshot.Rows("Open_vSwitch").Values.FirstOrDefault() is { } root && until(root))
                {
                    return root;
                }

                await Connection.Updates.WaitToReadAsync(timeout.Token);
            }
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
