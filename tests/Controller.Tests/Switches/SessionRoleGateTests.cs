using Controller.Switches;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenFlow;
using OpenFlow.Messages;
using OpenFlow.Protocol;

namespace Controller.Tests.Switches;

/// <summary>The session's role in a cluster: the handshake asks the arbiter, and writes pass only for a master the arbiter vouches for.</summary>
[TestFixture]
public sealed class SessionRoleGateTests
{
    [Test]
    public async Task ASlaveSendsNoFlowModAndCountsItWhileAMasterWrites()
    {
        var arbiter = new FakeArbiter { Role = ControllerRole.Slave, Generation = 7 };
        var registry = new SwitchRegistry(Options.Create(new OpenFlowServerOptions()), NullOpenFlowMetrics.Instance, NullLogger<SwitchRegistry>.Instance);
        registry.UseRoleArbiter(arbiter);
        using var sw = new FakeSwitch(registry);
        sw.Receive<Hello>();
        sw.Send(Hello.ForOpenFlow13(1));
        var fr = sw.Receive<FeaturesRequest>();
        sw.Send(new FeaturesReply { Xid = fr.Xid, DatapathId = new DatapathId(0x42), NTables = 254 });
        sw.Receive<SetConfig>();
        var pd = sw.Receive<MultipartRequest>();
        sw.Send(new MultipartReply { Xid = pd.Xid, Body = new PortDescReply { Ports = [FakeSwitch.MakePort(1, "p1")] } });
        var role = sw.Receive<RoleRequest>();
        sw.Send(new RoleReply { Xid = role.Xid, Role = role.Role, GenerationId = role.GenerationId });

        var flowMod = new FlowMod { Command = FlowModCommand.Add, TableId = 0, Priority = 1 };
        Assert.That(async () => await sw.Session.SendAsync(flowMod), Throws.TypeOf<SwitchNotMasterException>());
        sw.Channel.RunPendingTasks();
        var afterSlave = sw.Receive();

        arbiter.Writable = true;
        var promote = sw.Session.ChangeRoleAsync(ControllerRole.Master, 8);
        sw.Channel.RunPendingTasks();
        var request = sw.Receive<RoleRequest>();
        sw.Send(new RoleReply { Xid = request.Xid, Role = ControllerRole.Master, GenerationId = 8 });
        await promote;
        var send = sw.Session.SendAsync(flowMod);
        sw.Channel.RunPendingTasks();
        var written = sw.Receive();
        await send;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(role.Role, Is.EqualTo(ControllerRole.Slave), "the handshake asked for the arbiter's role");
            Assert.That(role.GenerationId, Is.EqualTo(7UL));
            Assert.That(afterSlave, Is.Null, "nothing reached the switch from the slave");
            Assert.That(arbiter.Suppressed, Is.EqualTo(1));
            Assert.That(request.GenerationId, Is.EqualTo(8UL));
            Assert.That(sw.Session.Role, Is.EqualTo(ControllerRole.Master));
            Assert.That(written, Is.InstanceOf<FlowMod>(), "the master's FLOW_MOD went out");
        }
    }

    private sealed class FakeArbiter : IRoleArbiter
    {
        public ControllerRole Role { get; set; }

        public ulong Generation { get; set; }

        public bool Writable { get; set; }

        public int Suppressed { get; private set; }

        public (ControllerRole Role, ulong GenerationId) RoleFor(DatapathId datapathId) => (Role, Generation);

        public bool MayWrite(DatapathId datapathId) => Writable;

        public void WriteSuppressed(DatapathId datapathId, OfpType type) => Suppressed++;

        public void WriteRefused(DatapathId datapathId, ErrorMessage error)
        {
        }
    }
}
