using System.Net;
using Apps.Overlay;
using Apps.Flows;
using Apps.Model;
using Controller.Store;

namespace Controller.Tests.Store;

/// <summary>Tunnel-port declarations in the store, in its snapshots, and what the br-tun app makes of them.</summary>
[TestFixtureSource(typeof(StoreBackend), nameof(StoreBackend.Names))]
public sealed class TunnelPortStoreTests(string backend)
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

    private string Host(int n) =>
        _store.CreateHost(new NewHost($"h{n}", (ulong)n, IPAddress.Parse($"10.0.0.{n}"))).Id;

    [Test]
    public void Create_find_list_delete_and_each_change_publishes_a_snapshot()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var h3 = Host(3);
        var versions = new List<long>();
        _store.Changed += s => versions.Add(s.Version);
        var start = _store.Current.Version;

        var a = _store.CreateTunnelPort(new NewTunnelPort(h1, "tun-to-h2", h2, TunnelType.Vxlan));
        var b = _store.CreateTunnelPort(new NewTunnelPort(h2, "tun-to-h1", h1, TunnelType.Gre));
        var c = _store.CreateTunnelPort(new NewTunnelPort(h2, "tun-to-h3", h3, TunnelType.Vxlan));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(a, Is.EqualTo(new TunnelPortInfo(a.Id, h1, "tun-to-h2", h2, TunnelType.Vxlan)));
            Assert.That(_store.FindTunnelPort(b.Id), Is.EqualTo(b));
            Assert.That(_store.ListTunnelPorts(), Is.EquivalentTo(new[] { a, b, c }));
            Assert.That(_store.ListTunnelPorts(h2), Is.EquivalentTo(new[] { b, c }));
            Assert.That(_store.ListTunnelPorts("nope"), Is.Empty);
            Assert.That(_store.Current.TunnelPorts, Is.EquivalentTo(new[]
            {
                new TunnelPortDeclaration("tun-to-h2", h2, TunnelType.Vxlan, h1),
                new TunnelPortDeclaration("tun-to-h1", h1, TunnelType.Gre, h2),
                new TunnelPortDeclaration("tun-to-h3", h3, TunnelType.Vxlan, h2),
            }));
        }

        _store.DeleteTunnelPort(b.Id);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(versions, Is.EqualTo(new[] { start + 1, start + 2, start + 3, start + 4 }));
            Assert.That(_store.FindTunnelPort(b.Id), Is.Null);
            Assert.That(_store.Current.TunnelPorts.Select(d => d.PortName), Is.EquivalentTo(new[] { "tun-to-h2", "tun-to-h3" }));
            Assert.That(_store.Current.TunnelPorts, Is.EquivalentTo(_store.BuildSnapshot(0).TunnelPorts), "incremental equals rebuilt");
            Assert.That(() => _store.DeleteTunnelPort(b.Id), Throws.InstanceOf<EntityNotFoundException>());
        }
    }

    [Test]
    public void The_same_name_is_allowed_on_another_host_but_not_twice_on_one()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var h3 = Host(3);
        _store.CreateTunnelPort(new NewTunnelPort(h1, "tun0", h2, TunnelType.Vxlan));
        _store.CreateTunnelPort(new NewTunnelPort(h2, "tun0", h1, TunnelType.Vxlan));
        var before = _store.Current;

        var ex = Assert.Throws<StoreConflictException>(() => _store.CreateTunnelPort(new NewTunnelPort(h1, "tun0", h3, TunnelType.Gre)));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ex!.Field, Is.EqualTo("portName"));
            Assert.That(ex.Message, Does.Contain("tun0"));
            Assert.That(_store.Current, Is.SameAs(before), "a failed write publishes nothing");
            Assert.That(_store.ListTunnelPorts(), Has.Count.EqualTo(2));
        }
    }

    [TestCase("", "portName")]
    [TestCase("a-name-of-16-chr", "portName")]
    [TestCase("tun 0", "portName")]
    [TestCase("tun/0", "portName")]
    [TestCase("..", "portName")]
    public void Invalid_port_names_are_validation_errors_naming_the_field(string name, string field)
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var before = _store.Current;
        var ex = Assert.Throws<StoreValidationException>(() => _store.CreateTunnelPort(new NewTunnelPort(h1, name, h2, TunnelType.Vxlan)));
        Assert.That(ex!.Errors.Keys, Is.EquivalentTo(new[] { field }));
        Assert.That(_store.Current, Is.SameAs(before));
        Assert.That(_store.ListTunnelPorts(), Is.Empty);
    }

    [Test]
    public void Fifteen_characters_is_the_longest_accepted_name()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        Assert.That(_store.CreateTunnelPort(new NewTunnelPort(h1, "a-name-of-15-ch", h2, TunnelType.Vxlan)).PortName, Has.Length.EqualTo(15));
    }

    [Test]
    public void Hosts_must_exist_and_differ_and_the_type_must_be_known()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var before = _store.Current;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                () => _store.CreateTunnelPort(new NewTunnelPort("nope", "t", h2, TunnelType.Vxlan)),
                Throws.InstanceOf<UnknownReferenceException>().With.Property("Field").EqualTo("hostId"));
            Assert.That(
                () => _store.CreateTunnelPort(new NewTunnelPort(h1, "t", "nope", TunnelType.Vxlan)),
                Throws.InstanceOf<UnknownReferenceException>().With.Property("Field").EqualTo("remoteHostId"));
            var same = Assert.Throws<StoreValidationException>(() => _store.CreateTunnelPort(new NewTunnelPort(h1, "t", h1, TunnelType.Vxlan)));
            Assert.That(same!.Errors.Keys, Is.EquivalentTo(new[] { "remoteHostId" }));
            var type = Assert.Throws<StoreValidationException>(() => _store.CreateTunnelPort(new NewTunnelPort(h1, "t", h2, (TunnelType)7)));
            Assert.That(type!.Errors.Keys, Is.EquivalentTo(new[] { "tunnelType" }));
            Assert.That(_store.Current, Is.SameAs(before));
            Assert.That(_store.ListTunnelPorts(), Is.Empty);
        }
    }

    [Test]
    public void Deleting_a_host_at_either_end_is_refused_until_the_declaration_is_gone()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var t = _store.CreateTunnelPort(new NewTunnelPort(h1, "tun-to-h2", h2, TunnelType.Vxlan));
        var before = _store.Current;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => _store.DeleteHost(h1), Throws.InstanceOf<DeleteRefusedException>().With.Message.Contains("tunnel-port"));
            Assert.That(() => _store.DeleteHost(h2), Throws.InstanceOf<DeleteRefusedException>().With.Message.Contains("tunnel-port"));
            Assert.That(_store.Current, Is.SameAs(before));
            Assert.That(_store.ListHosts(), Has.Count.EqualTo(2));
        }

        _store.DeleteTunnelPort(t.Id);
        _store.DeleteHost(h1);
        _store.DeleteHost(h2);
        Assert.That(_store.ListHosts(), Is.Empty);
    }

    [TestCase("CreateTunnelPort:Inserted")]
    [TestCase("DeleteTunnelPort:Deleted")]
    public void A_failed_write_rolls_back_and_publishes_nothing(string point)
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var existing = _store.CreateTunnelPort(new NewTunnelPort(h1, "tun-a", h2, TunnelType.Vxlan));
        var before = _store.Current;
        _store.FaultPoint = p =>
        {
            if (p == point)
            {
                throw new IOException("injected");
            }
        };

        Assert.That(
            () =>
            {
                if (point.StartsWith("Create", StringComparison.Ordinal))
                {
                    _store.CreateTunnelPort(new NewTunnelPort(h1, "tun-b", h2, TunnelType.Vxlan));
                }
                else
                {
                    _store.DeleteTunnelPort(existing.Id);
                }
            },
            Throws.InstanceOf<IOException>());
        _store.FaultPoint = null;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_store.ListTunnelPorts(), Is.EqualTo(new[] { existing }));
            Assert.That(_store.Current, Is.SameAs(before));
        }
    }

    [Test]
    public void Declarations_survive_dispose_and_reopen()
    {
        var h1 = Host(1);
        var h2 = Host(2);
        var t = _store.CreateTunnelPort(new NewTunnelPort(h1, "tun-to-h2", h2, TunnelType.Gre));
        _store.Dispose();
        _store = _backend.Open();

        Assert.That(_store.FindTunnelPort(t.Id), Is.EqualTo(t));
        Assert.That(_store.Current.TunnelPorts, Is.EqualTo(new[] { new TunnelPortDeclaration("tun-to-h2", h2, TunnelType.Gre, h1) }));
    }

    [Test]
    public void A_declared_port_with_a_non_neutron_name_gets_flows_toward_the_declared_host()
    {
        var tenant = _store.CreateTenant("acme").Id;
        var network = _store.CreateNetwork(new NewNetwork(tenant, "web", TunnelType.Vxlan, 0x64)).Network.Id;
        var h1 = Host(1);
        var h2 = Host(2);
        _store.CreatePort(new NewPort(network, h1, 0x02_00_00_00_00_01));
        _store.CreatePort(new NewPort(network, h2, 0x02_00_00_00_00_02));
        var sw = new SwitchSnapshot(1, [new SwitchPort(1, "patch-int", default), new SwitchPort(7, "to-rack-b", default)]);
        var app = new BrTunPipeline();
        var without = app.ComputeDesired(_store.Current, sw).Select(f => f.ToString()).ToList();

        _store.CreateTunnelPort(new NewTunnelPort(h1, "to-rack-b", h2, TunnelType.Vxlan));
        var state = _store.Current;
        var tunnels = app.FindTunnelPorts(state, sw);
        var flows = app.ComputeDesired(state, sw).Select(f => f.ToString()).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tunnels, Is.EqualTo(new[] { new TunnelPort(7, "to-rack-b", TunnelType.Vxlan, h2) }));
            Assert.That(without, Has.None.Contains("in_port=7"), "undeclared, the name says nothing");
            Assert.That(flows, Has.Some.Contains("priority=1,in_port=7 actions=goto_table:2"));
            Assert.That(flows.Where(f => f.Contains("table=21", StringComparison.Ordinal)), Has.Some.Contains("output:7"), "flooding reaches the declared host");
        }
    }
}
