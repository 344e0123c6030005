using System.Collections.Immutable;
using Controller.Hosts;
using Ovsdb.Data;
using Ovsdb.Operations;

namespace Controller.Tests.Hosts;

public sealed class HostPlannerTests
{
    private const string Target = "tcp:10.0.0.1:6653";

    private static DesiredHost Desired(params string[] tunnelPeers) => new(
        [
            new DesiredBridge("br-int", "netdev", "secure", ["OpenFlow13"], [Target], [Patch("patch-tun", "patch-int")]),
            new DesiredBridge("br-tun", "netdev", "secure", ["OpenFlow13"], [Target],
                [Patch("patch-int", "patch-tun"), .. tunnelPeers.Select(Vxlan)]),
        ],
        []);

    private static DesiredPort Patch(string name, string peer) =>
        new(name, "patch", ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("peer", peer)]));

    private static DesiredPort Vxlan(string remote) => new(
        "vxlan-" + string.Concat(remote.Split('.').Select(o => int.Parse(o, System.Globalization.CultureInfo.InvariantCulture).ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
        "vxlan",
        ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, string> { ["key"] = "flow", ["remote_ip"] = remote, ["local_ip"] = "10.0.0.1" }));

    private static HostPlan Plan(FakeOvsdb db, DesiredHost desired) => HostPlanner.Compute(desired, db.Snapshot, db.Schema);

    /// <summary>Plans and applies until in sync; returns the number of transactions it took.</summary>
    private static int Converge(FakeOvsdb db, DesiredHost desired)
    {
        for (int i = 0; i < 5; i++)
        {
            var plan = Plan(db, desired);
            if (plan.InSync)
            {
                return i;
            }

            db.Transact(plan.Operations);
        }

        Assert.Fail("did not converge in 5 transactions");
        return -1;
    }

    [Test]
    public void AnEmptyHostGetsBothBridgesInOneTransactionAndThenNothing()
    {
        var db = new FakeOvsdb();
        var plan = Plan(db, Desired("10.0.0.2"));
        Assert.That(plan.Operations.OfType<InsertOperation>().Count(o => o.Table == "Bridge"), Is.EqualTo(2));
        Assert.That(plan.Operations.OfType<WaitOperation>().Count(w => w.Table == "Bridge" && w.Rows.IsEmpty), Is.EqualTo(2), "a wait that no bridge of that name appeared meanwhile");
        db.Transact(plan.Operations);

        using (Assert.EnterMultipleScope())
        {
            var brTun = db.Find("Bridge", "br-tun")!;
            Assert.That(brTun.GetString("fail_mode"), Is.EqualTo("secure"));
            Assert.That(brTun["protocols"], Is.EqualTo(OvsdbDatum.Atom("OpenFlow13")));
            Assert.That(brTun.GetString("datapath_type"), Is.EqualTo("netdev"));
            Assert.That(brTun["external_ids"].GetString(OvsdbNames.OwnerKey), Is.EqualTo(OvsdbNames.OwnerValue));
            var names = brTun["ports"].Keys.Select(k => db.Row("Port", k.AsUuid).GetString("name"));
            Assert.That(names, Is.EquivalentTo(new[] { "br-tun", "patch-int", "vxlan-0a000002" }));
            var internalIface = db.Find("Interface", "br-tun")!;
            Assert.That(internalIface.GetString("type"), Is.EqualTo("internal"));
            var vx = db.Find("Interface", "vxlan-0a000002")!;
            Assert.That(vx["options"].GetString("remote_ip"), Is.EqualTo("10.0.0.2"));
            var ctl = db.Row("Controller", brTun["controller"].Single.AsUuid);
            Assert.That(ctl.GetString("target"), Is.EqualTo(Target));
            Assert.That(ctl["max_backoff"], Is.EqualTo(OvsdbDatum.Atom(1000L)));
            Assert.That(db.Row("Open_vSwitch", db.Root)["bridges"].Count, Is.EqualTo(2));
        }

        Assert.That(Plan(db, Desired("10.0.0.2")).Operations, Is.Empty, "in sync means zero operations");
    }

    [Test]
    public void ANewPeerAddsOnePortAndARemovedPeerDeletesOnlyItsPort()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired("10.0.0.2"));
        var plan = Plan(db, Desired("10.0.0.2", "10.0.0.3"));
        Assert.That(plan.Operations.OfType<InsertOperation>().Select(i => i.Table), Is.EquivalentTo(new[] { "Interface", "Port" }));
        Assert.That(plan.Operations.OfType<UpdateOperation>(), Is.Empty);
        db.Transact(plan.Operations);
        Assert.That(Plan(db, Desired("10.0.0.2", "10.0.0.3")).InSync, Is.True);

        var remove = Plan(db, Desired("10.0.0.3"));
        Assert.That(remove.Changes, Is.EqualTo(new[] { "remove port vxlan-0a000002 from br-tun" }));
        db.Transact(remove.Operations);
        var ports = db.Find("Bridge", "br-tun")!["ports"].Keys.Select(k => db.Row("Port", k.AsUuid).GetString("name"));
        Assert.That(ports, Is.EquivalentTo(new[] { "br-tun", "patch-int", "vxlan-0a000003" }));
    }

    [Test]
    public void ForeignBridgesAndPortsAreNeverTouched()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired("10.0.0.2"));
        // The operator adds a bridge of their own and a port without iface-id on br-int.
        var opIface = db.Insert("Interface", new Dictionary<string, OvsdbDatum> { ["name"] = "eth9" });
        var opPort = db.Insert("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "eth9", ["interfaces"] = OvsdbAtom.Uuid(opIface) });
        var brInt = db.Find("Bridge", "br-int")!;
        db.Set("Bridge", brInt.Uuid, "ports", OvsdbDatum.Set(brInt["ports"].Keys.Append(OvsdbAtom.Uuid(opPort))));
        var exIface = db.Insert("Interface", new Dictionary<string, OvsdbDatum> { ["name"] = "br-ex", ["type"] = "internal" });
        var exPort = db.Insert("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "br-ex", ["interfaces"] = OvsdbAtom.Uuid(exIface) });
        var ex = db.Insert("Bridge", new Dictionary<string, OvsdbDatum> { ["name"] = "br-ex", ["ports"] = OvsdbAtom.Uuid(exPort), ["fail_mode"] = "standalone" });
        db.Set("Open_vSwitch", db.Root, "bridges", OvsdbDatum.Set(db.Row("Open_vSwitch", db.Root)["bridges"].Keys.Append(OvsdbAtom.Uuid(ex))));
        // A tunnel port the operator made by hand, with a name that is not one we want.
        var handIface = db.Insert("Interface", new Dictionary<string, OvsdbDatum> { ["name"] = "gre-hand", ["type"] = "gre" });
        var handPort = db.Insert("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "gre-hand", ["interfaces"] = OvsdbAtom.Uuid(handIface) });
        var brTun = db.Find("Bridge", "br-tun")!;
        db.Set("Bridge", brTun.Uuid, "ports", OvsdbDatum.Set(brTun["ports"].Keys.Append(OvsdbAtom.Uuid(handPort))));

        Assert.That(Plan(db, Desired("10.0.0.2")).Operations, Is.Empty);
        // Even when the mesh shrinks, only our port goes.
        var plan = Plan(db, Desired());
        db.Transact(plan.Operations);
        var left = db.Find("Bridge", "br-tun")!["ports"].Keys.Select(k => db.Row("Port", k.AsUuid).GetString("name"));
        Assert.That(left, Is.EquivalentTo(new[] { "br-tun", "patch-int", "gre-hand" }));
        Assert.That(db.Row("Bridge", ex).GetString("fail_mode"), Is.EqualTo("standalone"));
    }

    [Test]
    public void HandMadeRowsThatMatchAreAdoptedWithoutAnyOtherChange()
    {
        // What the harness did by hand before: same names and config, no ownership mark.
        var db = new FakeOvsdb();
        Converge(db, Desired("10.0.0.2"));
        foreach (var table in new[] { "Bridge", "Port", "Interface" })
        {
            foreach (var row in db.Rows(table).ToList())
            {
                db.Set(table, row.Uuid, "external_ids", OvsdbDatum.EmptyMap);
            }
        }

        var plan = Plan(db, Desired("10.0.0.2"));
        var writes = plan.Operations.Where(o => o is not WaitOperation and not CommentOperation).ToList();
        Assert.That(writes, Is.All.InstanceOf<MutateOperation>());
        Assert.That(writes.Cast<MutateOperation>().SelectMany(m => m.Mutations).Select(m => m.Column), Is.All.EqualTo("external_ids"));
        Assert.That(plan.Changes, Does.Contain("adopt bridge br-tun").And.Contain("adopt port vxlan-0a000002"));
        db.Transact(plan.Operations);
        Assert.That(Plan(db, Desired("10.0.0.2")).InSync, Is.True);
        Assert.That(db.Find("Interface", "vxlan-0a000002")!["external_ids"].GetString(OvsdbNames.OwnerKey), Is.EqualTo(OvsdbNames.OwnerValue));
    }

    [Test]
    public void DriftIsRepairedOnOwnedRows()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired("10.0.0.2"));
        var brTun = db.Find("Bridge", "br-tun")!;
        db.Set("Bridge", brTun.Uuid, "fail_mode", "standalone");
        var vx = db.Find("Interface", "vxlan-0a000002")!;
        db.Set("Interface", vx.Uuid, "options", OvsdbDatum.Map(new Dictionary<string, string> { ["remote_ip"] = "10.9.9.9" }));
        // And a tunnel port deleted by hand.
        db.Set("Bridge", brTun.Uuid, "ports", OvsdbDatum.Set(brTun["ports"].Keys.Where(k => db.Row("Port", k.AsUuid).GetString("name") != "patch-int")));
        db.Remove("Port", db.Find("Port", "patch-int")!.Uuid);
        db.Remove("Interface", db.Find("Interface", "patch-int")!.Uuid);

        Assert.That(Converge(db, Desired("10.0.0.2")), Is.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(db.Find("Bridge", "br-tun")!.GetString("fail_mode"), Is.EqualTo("secure"));
            Assert.That(db.Row("Interface", vx.Uuid)["options"].GetString("remote_ip"), Is.EqualTo("10.0.0.2"));
            Assert.That(db.Find("Bridge", "br-tun")!["ports"].Keys.Select(k => db.Row("Port", k.AsUuid).GetString("name")), Does.Contain("patch-int"));
        }
    }

    [Test]
    public void AConcurrentChangeMakesTheWaitFailAndNothingIsApplied()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired("10.0.0.2"));
        var brTun = db.Find("Bridge", "br-tun")!;
        db.Set("Bridge", brTun.Uuid, "fail_mode", "standalone");
        var plan = Plan(db, Desired("10.0.0.2", "10.0.0.3"));
        // ovs-vsctl changes the bridge after we planned.
        db.Set("Bridge", brTun.Uuid, "external_ids", OvsdbDatum.Map(new Dictionary<string, string> { [OvsdbNames.OwnerKey] = OvsdbNames.OwnerValue, ["note"] = "hand" }));
        var ex = Assert.Throws<OvsdbTransactionException>(() => db.Transact(plan.Operations));
        Assert.That(ex!.IsWaitFailure, Is.True);
        Assert.That(db.Find("Interface", "vxlan-0a000003"), Is.Null);
        Assert.That(db.Find("Bridge", "br-tun")!["external_ids"].GetString("note"), Is.EqualTo("hand"));
        Assert.That(Converge(db, Desired("10.0.0.2", "10.0.0.3")), Is.EqualTo(1));
    }

    [Test]
    public void BindingTagsVmPortsWithIfaceIdAndLeavesOthersAlone()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired());
        var brInt = db.Find("Bridge", "br-int")!;
        var vmIface = db.Insert("Interface", new Dictionary<string, OvsdbDatum>
        {
            ["name"] = "vm1",
            ["external_ids"] = OvsdbDatum.Map(new Dictionary<string, string> { ["iface-id"] = "port-1" }),
        });
        var vmPort = db.Insert("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "vm1", ["interfaces"] = OvsdbAtom.Uuid(vmIface) });
        var plainIface = db.Insert("Interface", new Dictionary<string, OvsdbDatum> { ["name"] = "tap0" });
        var plainPort = db.Insert("Port", new Dictionary<string, OvsdbDatum> { ["name"] = "tap0", ["interfaces"] = OvsdbAtom.Uuid(plainIface) });
        db.Set("Bridge", brInt.Uuid, "ports", OvsdbDatum.Set(brInt["ports"].Keys.Append(OvsdbAtom.Uuid(vmPort)).Append(OvsdbAtom.Uuid(plainPort))));

        var desired = Desired() with { Bindings = [new DesiredBinding("vm1", 3, 1450), new DesiredBinding("tap0", 4095, null)] };
        Assert.That(Converge(db, desired), Is.EqualTo(1));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(db.Row("Port", vmPort)["tag"], Is.EqualTo(OvsdbDatum.Atom(3L)));
            Assert.That(db.Row("Interface", vmIface)["mtu_request"], Is.EqualTo(OvsdbDatum.Atom(1450L)));
            Assert.That(db.Row("Port", plainPort)["tag"], Is.EqualTo(OvsdbDatum.EmptySet), "no iface-id: never touched");
            Assert.That(db.Row("Port", vmPort)["external_ids"].GetString(OvsdbNames.OwnerKey), Is.Null, "a VM port is bound, not owned");
        }
    }

    [Test]
    public void ColumnsTheSchemaLacksAreNeitherComparedNorWritten()
    {
        var full = new FakeOvsdb().Schema;
        var bridge = full.Table("Bridge");
        var iface = full.Table("Interface");
        var old = full with
        {
            Tables = full.Tables
                .SetItem("Bridge", bridge with { Columns = bridge.Columns.Remove("protocols") })
                .SetItem("Interface", iface with { Columns = iface.Columns.Remove("mtu_request") }),
        };
        var db = new FakeOvsdb(old);
        var desired = Desired("10.0.0.2");
        var plan = Plan(db, desired);
        Assert.That(plan.Operations.OfType<InsertOperation>().Where(i => i.Table == "Bridge").SelectMany(i => i.Row.Keys), Has.None.EqualTo("protocols"));
        Assert.That(Converge(db, desired), Is.EqualTo(1));
    }

    [Test]
    public void ABridgeMarkedByAnotherOwnerIsLeftAloneAndReported()
    {
        var db = new FakeOvsdb();
        Converge(db, Desired());
        var brTun = db.Find("Bridge", "br-tun")!;
        db.Set("Bridge", brTun.Uuid, "external_ids", OvsdbDatum.Map(new Dictionary<string, string> { [OvsdbNames.OwnerKey] = "someone-else" }));
        db.Set("Bridge", brTun.Uuid, "fail_mode", "standalone");
        var plan = Plan(db, Desired());
        Assert.That(plan.Operations, Is.Empty);
        Assert.That(plan.Problems, Has.Some.Contains("br-tun"));
    }
}
