using System.Collections.Immutable;
using System.Net;
using Ovsdb.Data;
using Ovsdb.Operations;
using Ovsdb.Replication;
using Ovsdb.Rpc;

namespace Ovsdb.Tests.Real;

/// <summary>The client against a real ovsdb-server (vswitch schema), on a unix socket and on loopback TCP.</summary>
[Parallelizable(ParallelScope.None)]
public sealed class OvsdbServerTests
{
    private const string Db = "Open_vSwitch";

    [Test]
    public async Task ListsDatabasesAndReadsTheSchema()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        await using var c = await OvsdbConnection.ConnectAsync(server.Target);
        var dbs = await c.ListDatabasesAsync();
        var schema = await c.GetSchemaAsync(Db);
        var expectedVersion = await Proc.RunAsync("ovsdb-tool", "schema-version", OvsdbPreconditions.SchemaPath);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(dbs, Does.Contain(Db));
            Assert.That(schema.Name, Is.EqualTo(Db));
            Assert.That(schema.Version, Is.EqualTo(expectedVersion));
            Assert.That(schema.HasColumn("Bridge", "datapath_id"), Is.True);
            Assert.That(schema.HasColumn("Bridge", "no_such_column"), Is.False);
        }

        var ex = Assert.ThrowsAsync<OvsdbRpcException>(() => c.GetSchemaAsync("NoSuchDb"));
        Assert.That(ex!.Error.Error, Is.EqualTo("unknown database"));
    }

    [Test]
    public async Task MonitorSeesABridgeThatATransactionInserts()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        await using var c = await OvsdbConnection.ConnectAsync(server.Target);
        var schema = await c.GetSchemaAsync(Db);
        var initial = await c.MonitorAsync(Db, "m1",
        [
            new MonitorRequest("Open_vSwitch", ["bridges", "external_ids"]),
            new MonitorRequest("Bridge", ["name", "ports", "fail_mode", "external_ids"]),
            new MonitorRequest("Port", ["name", "interfaces"]),
        ], schema);
        var replica = new OvsdbReplica(schema);
        replica.Apply(initial);
        Assert.That(replica.Snapshot.Rows("Open_vSwitch"), Has.Count.EqualTo(1));
        Assert.That(replica.Snapshot.Rows("Bridge"), Is.Empty);

        var root = replica.Snapshot.Rows("Open_vSwitch").Keys.Single();
        var results = await c.TransactAsync(Db,
        [
            new InsertOperation("Interface", new Dictionary<string, OvsdbDatum> { ["name"] = "brx", ["type"] = "internal" }, "i"),
            new InsertOperation("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "brx", ["interfaces"] = OvsdbAtom.NamedUuid("i") }, "p"),
            new InsertOperation("Bridge", new Dictionary<string, OvsdbDatum>
            {
                ["name"] = "brx",
                ["ports"] = OvsdbAtom.NamedUuid("p"),
                ["fail_mode"] = "secure",
                ["external_ids"] = OvsdbDatum.Map(new Dictionary<string, string> { ["owner"] = "test" }),
            }, "b"),
            new MutateOperation("Open_vSwitch", [Condition.ByUuid(root)], [Mutation.Insert("bridges", OvsdbAtom.NamedUuid("b"))]),
            new CommentOperation("ovsdb client test"),
        ]);
        Guid bridgeUuid = results[2].Uuid!.Value;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (replica.Snapshot.Row("Bridge", bridgeUuid) is null)
        {
            var update = await c.Updates.ReadAsync(timeout.Token);
            Assert.That(update.MonitorId, Is.EqualTo("m1"));
            replica.Apply(update.Updates);
        }

        var bridge = replica.Snapshot.Row("Bridge", bridgeUuid)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(bridge.GetString("name"), Is.EqualTo("brx"));
            Assert.That(bridge.GetString("fail_mode"), Is.EqualTo("secure"));
            Assert.That(bridge["external_ids"].GetString("owner"), Is.EqualTo("test"));
            Assert.That(bridge["ports"].Single.AsUuid, Is.EqualTo(results[1].Uuid));
            Assert.That(await server.VsctlAsync("get", "Bridge", "brx", "fail_mode"), Is.EqualTo("secure"));
        }

        // ovs-vsctl's change shows up too, as a modify.
        await server.VsctlAsync("set", "Bridge", "brx", "fail_mode=standalone");
        while (replica.Snapshot.Row("Bridge", bridgeUuid)!.GetString("fail_mode") != "standalone")
        {
            replica.Apply((await c.Updates.ReadAsync(timeout.Token)).Updates);
        }
    }

    [Test]
    public async Task AWaitFailsWhenSomeoneElseChangedTheRowAndNothingIsCommitted()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        await server.VsctlAsync("add-br", "brw", "--", "set", "Bridge", "brw", "fail_mode=secure");
        await using var c = await OvsdbConnection.ConnectAsync(server.Target);

        // We decided on fail_mode=secure; then ovs-vsctl changes it before our transaction arrives.
        await server.VsctlAsync("set", "Bridge", "brw", "fail_mode=standalone");
        var where = ImmutableArray.Create(Condition.Equal("name", "brw"));
        var ex = Assert.ThrowsAsync<OvsdbTransactionException>(() => c.TransactAsync(Db,
        [
            new WaitOperation("Bridge", where, ["fail_mode"], [new Dictionary<string, OvsdbDatum> { ["fail_mode"] = "secure" }]),
            new UpdateOperation("Bridge", where, new Dictionary<string, OvsdbDatum> { ["external_ids"] = OvsdbDatum.Map(new Dictionary<string, string> { ["x"] = "y" }) }),
        ]));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.OperationIndex, Is.Zero);
            Assert.That(ex.IsWaitFailure, Is.True, ex.Message);
            Assert.That(await server.VsctlAsync("get", "Bridge", "brw", "external_ids"), Is.EqualTo("{}"));
        }

        // The same transaction based on what is there now goes through.
        await c.TransactAsync(Db,
        [
            new WaitOperation("Bridge", where, ["fail_mode"], [new Dictionary<string, OvsdbDatum> { ["fail_mode"] = "standalone" }]),
            new UpdateOperation("Bridge", where, new Dictionary<string, OvsdbDatum> { ["external_ids"] = OvsdbDatum.Map(new Dictionary<string, string> { ["x"] = "y" }) }),
        ]);
        Assert.That(await server.VsctlAsync("get", "Bridge", "brw", "external_ids:x"), Is.EqualTo("y"));
    }

    [Test]
    public async Task ACommitErrorIsReportedAsSuch()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        await using var c = await OvsdbConnection.ConnectAsync(server.Target);
        // A Port that no Bridge references is garbage-collected, but a Port without interfaces violates
        // the column's min of 1 at commit.
        var ex = Assert.ThrowsAsync<OvsdbTransactionException>(() => c.TransactAsync(Db,
            [new InsertOperation("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "lonely" })]));
        Assert.That(ex!.Error.Error, Is.Not.Empty);
        TestContext.Out.WriteLine(ex.Message);
    }

    [Test]
    public async Task ManagerConnectionToOurListenerStaysUpBecauseWeAnswerItsEchoes()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        // Our own keep-alive off: the server's probes must be what keeps the session alive.
        await using var listener = new OvsdbListener(new IPEndPoint(IPAddress.Loopback, 0), options: new OvsdbConnectionOptions { InactivityProbe = TimeSpan.Zero });
        string target = $"tcp:127.0.0.1:{listener.LocalEndPoint.Port}";
        await server.VsctlAsync("set-manager", target, "--", "set", "Manager", target, "inactivity_probe=1000");

        using var accept = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await using var c = await listener.AcceptAsync(accept.Token);
        Assert.That(await c.ListDatabasesAsync(), Does.Contain(Db));
        Assert.That(((IPEndPoint)c.LocalEndPoint!).Address, Is.EqualTo(IPAddress.Loopback));

        await Task.Delay(TimeSpan.FromSeconds(11));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.IsClosed, Is.False, server.Log);
            Assert.That(c.Completion.IsCompleted, Is.False);
            Assert.That(c.EchoesAnswered, Is.GreaterThanOrEqualTo(5), "a 1 s probe for 11 s");
            Assert.That(listener.OpenConnections, Is.EqualTo(1));
        }

        // Still a working session after all that.
        Assert.That(await c.ListDatabasesAsync(), Does.Contain(Db));
        Assert.That(await server.VsctlAsync("get", "Manager", target, "is_connected"), Is.EqualTo("true"));
    }

    [Test]
    public async Task DialsAServerListeningOnPtcp()
    {
        await using var server = await OvsdbServerProcess.StartAsync();
        int port = FreePort();
        await server.VsctlAsync("set-manager", $"ptcp:{port}:127.0.0.1");
        OvsdbConnection? c = null;
        for (int i = 0; i < 50 && c is null; i++)
        {
            try
            {
                c = await OvsdbConnection.ConnectAsync($"tcp:127.0.0.1:{port}");
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }

        Assert.That(c, Is.Not.Null, "ovsdb-server never listened on the ptcp port");
        await using (c)
        {
            Assert.That(await c!.ListDatabasesAsync(), Does.Contain(Db));
            Assert.That(((IPEndPoint)c.RemoteEndPoint!).Port, Is.EqualTo(port));
        }
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
