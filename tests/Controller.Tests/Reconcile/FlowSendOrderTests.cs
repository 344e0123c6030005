using Apps.Flows;
using Controller.Reconcile;
using OpenFlow.Matching;
using static Controller.Tests.Reconcile.TestFlows;

namespace Controller.Tests.Reconcile;

/// <summary>The order a reconcile sends its FLOW_MODs in: by table, priority and cookie, then by match, whatever the input order.</summary>
public sealed class FlowSendOrderTests
{
    private static readonly FlowEntry[] Flows =
    [
        Ours(2, 5, 5, 2, 1),
        Ours(0, 10, 9, 1, 2),
        Ours(0, 10, 2, 1, 1),
        Ours(0, 0, 3),
        Ours(0, 10, 2, 3, 1), // same match as the third, other cookie
        Ours(1, 5, 4, 2, 3, 4),
        Ours(0, 10, 2, 1, 1) with { Match = Match.Canonical(Oxm.InPort(2)) }, // fewer fields
    ];

    [Test]
    public void TablesAscend_PrioritiesDescend_ThenCookie_ThenMatch()
    {
        var sorted = Flows.Order(FlowSendOrder.Instance).ToList();
        Assert.That(
            sorted.Select(f => $"{f.TableId}/{f.Priority}/{f.Cookie.Value & 0xff}/{f.Match}"),
            Is.EqualTo(new[]
            {
                $"0/10/1/{Match.Canonical(Oxm.InPort(2))}",
                $"0/10/1/{Flows[2].Match}",
                $"0/10/1/{Flows[1].Match}",
                $"0/10/3/{Flows[4].Match}",
                $"0/0/1/{Flows[3].Match}",
                $"1/5/2/{Flows[5].Match}",
                $"2/5/2/{Flows[0].Match}",
            }));
    }

    [Test]
    public void TheOrderDoesNotDependOnTheInputOrder()
    {
        var expected = Flows.Order(FlowSendOrder.Instance).ToList();
        var random = new Random(7);
        for (int i = 0; i < 20; i++)
        {
            var shuffled = Flows.ToArray();
            random.Shuffle(shuffled);
            var list = shuffled.ToList();
            list.Sort(FlowSendOrder.Instance);
            Assert.That(list, Is.EqualTo(expected));
        }
    }

    [Test]
    public void OnlyFlowsWithTheSameKeyAndCookieCompareEqual()
    {
        var a = Ours(0, 10, 2, 1, 1);
        var b = Ours(0, 10, 2, 1, 7); // other instructions: the same FLOW_MOD key and cookie
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FlowSendOrder.Instance.Compare(a, b), Is.Zero);
            Assert.That(FlowSendOrder.Instance.Compare(a, Ours(0, 10, 3, 1, 1)), Is.Not.Zero);
            Assert.That(FlowSendOrder.Instance.Compare(a, a with { Match = Match.Canonical(Oxm.InPort(2), Oxm.EthDst(new OpenFlow.MacAddress(0x0200_0000_0002UL)), Oxm.EthType(0x0800)) }), Is.Not.Zero);
        }
    }
}
