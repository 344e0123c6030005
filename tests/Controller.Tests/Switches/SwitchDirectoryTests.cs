using Controller.Switches;
using OpenFlow.Messages;

namespace Controller.Tests.Switches;

/// <summary>The directory joins the registry's sessions with what the runtime knows, and shows only connected switches.</summary>
[TestFixture]
public sealed class SwitchDirectoryTests
{
    [Test]
    public void A_connected_switch_gets_its_app_and_flows_from_the_runtime_and_an_unknown_one_nothing()
    {
        var registry = FakeSwitch.NewRegistry();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(0x51, FakeSwitch.MakePort(1, "p1"));
        var runtime = new Runtime();
        var directory = new SwitchDirectory(registry, runtime);
        var bare = new SwitchDirectory(registry);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(directory.Find(0x51)!.App, Is.EqualTo("br-tun"));
            Assert.That(directory.List().Single().App, Is.EqualTo("br-tun"));
            Assert.That(directory.Find(0x51)!.Ports.Single().Name, Is.EqualTo("p1"), "the rest comes from the session");
            Assert.That(directory.Flows(0x51)!.Desired, Is.EqualTo(new[] { "table=0, priority=0 actions=drop" }));
            Assert.That(directory.Reconcile(0x51)!.DesiredFlows, Is.EqualTo(3));
            Assert.That(directory.Find(0x52), Is.Null);
            Assert.That(directory.Flows(0x52), Is.Null, "the runtime knows 0x52, but it is not connected");
            Assert.That(directory.Reconcile(0x52), Is.Null);
            Assert.That(bare.Find(0x51)!.App, Is.EqualTo("none"), "without a runtime");
            Assert.That(bare.Flows(0x51)!.Desired, Is.Empty);
            Assert.That(bare.Reconcile(0x51)!.ConfirmedVersion, Is.EqualTo(-1));
        }
    }

    private sealed class Runtime : ISwitchFlowsSource
    {
        public SwitchFlowsInfo? Flows(ulong datapathId) => new(datapathId, ["table=0, priority=0 actions=drop"], [], null);

        public SwitchReconcileInfo? Reconcile(ulong datapathId) => new(datapathId, "in_sync", 4, null, 3, 3, 0, "off", 0, 0);

        public string? AppName(ulong datapathId) => "br-tun";
    }
}
