using Apps.Flows;
using OpenFlow;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Messages;
using OpenFlow.Matching;
using OpenFlow.Protocol;

namespace Apps.Tests.Flows;

public sealed class FlowEntryTests
{
    private static FlowEntry Flood(params uint[] ports) => new()
    {
        TableId = 21,
        Priority = 1,
        Match = new Match(Oxm.VlanVid(VlanVid.Tagged(1))),
        Instructions = [new ApplyActions(new OfpAction[] { new PopVlanAction(), new SetFieldAction(Oxm.TunnelId(0x64)) }.Concat(ports.Select(p => (OfpAction)new OutputAction(p, 0))).ToArray())],
    };

    [Test]
    public void Equality_IsByValueIncludingInstructionLists()
    {
        using (Assert.EnterMultipleScope())
        {
            var a = Flood(2, 3);
            var b = Flood(2, 3);
            Assert.That(a, Is.Not.SameAs(b));
            Assert.That(a, Is.EqualTo(b));
            Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()));
            Assert.That(Flood(2, 3), Is.Not.EqualTo(Flood(3, 2)));
            Assert.That(Flood(2, 3), Is.Not.EqualTo(Flood(2, 3) with { Cookie = new Cookie(1) }));
            Assert.That(Flood(2, 3), Is.Not.EqualTo(Flood(2, 3) with { IdleTimeout = 1 }));
            Assert.That(Flood(2, 3).Key, Is.EqualTo(Flood(4).Key));
            Assert.That(Flood(2, 3).Key, Is.Not.EqualTo((Flood(4) with { Priority = 2 }).Key));
        }
    }

    [Test]
    public void Text_LooksLikeOvsOfctl()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Flood(2, 3).ToString(), Is.EqualTo("table=21, priority=1,dl_vlan=1 actions=pop_vlan,set_field:0x64->tun_id,output:2,output:3"));
            Assert.That(new FlowEntry { IdleTimeout = 5, HardTimeout = 7, Priority = 9, Instructions = [new ApplyActions(new OutputAction(OfpPort.Controller, 0xffff))] }.ToString(),
                Is.EqualTo("idle_timeout=5, hard_timeout=7, priority=9 actions=CONTROLLER:65535"));
            Assert.That(new FlowEntry().ToString(), Is.EqualTo("priority=0 actions=drop"));
        }
    }

    [Test]
    public void FlowMods_CarryTheEntry()
    {
        var f = Flood(2) with { Cookie = new Cookie(0x0b70_0000_0000_0064), HardTimeout = 9 };

        var add = FlowMods.Add(f);
        var del = FlowMods.DeleteStrict(f);
        var mod = FlowMods.ModifyStrict(f);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((add.Command, add.Cookie, add.TableId, add.Priority, add.HardTimeout, add.Match, add.Instructions), Is.EqualTo((FlowModCommand.Add, f.Cookie, f.TableId, f.Priority, f.HardTimeout, f.Match, f.Instructions)));
            Assert.That((del.Command, del.Cookie, del.CookieMask, del.Match, del.Instructions.Length), Is.EqualTo((FlowModCommand.DeleteStrict, f.Cookie, ulong.MaxValue, f.Match, 0)));
            Assert.That((mod.Command, mod.CookieMask, mod.Instructions), Is.EqualTo((FlowModCommand.ModifyStrict, ulong.MaxValue, f.Instructions)));
            Assert.That(FlowMods.FromStats(new FlowStats { TableId = 21, Priority = 1, Cookie = f.Cookie, HardTimeout = 9, Match = f.Match, Instructions = f.Instructions, PacketCount = 5 }), Is.EqualTo(f));
        }
    }

    [Test]
    public void FlowSet_EnumeratesInTableThenDescendingPriorityOrder()
    {
        var set = new FlowSet([new FlowEntry { TableId = 2 }, Flood(2), new FlowEntry { TableId = 0, Priority = 1 }, new FlowEntry { TableId = 0, Priority = 5 }]);

        Assert.That(set.Select(f => (f.TableId, f.Priority)), Is.EqualTo(new[] { ((byte)0, (ushort)5), ((byte)0, (ushort)1), ((byte)2, (ushort)0), ((byte)21, (ushort)1) }));
    }
}
