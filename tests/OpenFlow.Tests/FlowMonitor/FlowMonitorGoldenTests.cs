using System.Runtime.CompilerServices;
using OpenFlow.Actions;
using OpenFlow.Instructions;
using OpenFlow.Matching;
using OpenFlow.Messages;
using OpenFlow.Nicira;
using OpenFlow.Tests.Fuzz;
using OpenFlow.Tests.GoldenMessages;
using OpenFlow.Wire;

namespace OpenFlow.Tests.FlowMonitor;

/// <summary>
/// OVS's OpenFlow 1.3 flow monitor (ONFST_FLOW_MONITOR, the ONF form of NXST_FLOW_MONITOR): vectors
/// that ovs-ofctl and a real Open vSwitch 3.1 produced (regen.sh) decode to the typed messages and
/// encode back to the same bytes; every prefix fails cleanly.
/// </summary>
public sealed class FlowMonitorGoldenTests
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> Loaded = new(() => GoldenVectors.Load(Path.Combine(ThisDirectory(), "golden-flow-monitor.txt")));

    private static IReadOnlyList<GoldenVector> All => Loaded.Value;

    private static IEnumerable<TestCaseData> Vectors() => All.Select(v => new TestCaseData(v).SetName("FlowMonitor_" + v.Name));

    [Test]
    public void BothProducersAreRepresented()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(All.Count(v => v.Name.StartsWith("ofctl-ONFST_FLOW_MONITOR_request", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(3));
            Assert.That(All.Count(v => v.Name.StartsWith("real-ONFST_FLOW_MONITOR_reply", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(5));
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void DecodesTypedAndEncodesByteIdentical(GoldenVector v)
    {
        var m = MessageCodec.Decode(v.Bytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(m switch
            {
                MultipartRequest { Body: NxFlowMonitorRequest } => true,
                MultipartReply { Body: NxFlowMonitorReply } => true,
                _ => false,
            }, Is.True, $"decoded as {m}");
            Assert.That(Convert.ToHexStringLower(MessageCodec.Encode(m)), Is.EqualTo(Convert.ToHexStringLower(v.Bytes)), v.Source);
            Assert.That(MessageCodec.Decode(MessageCodec.Encode(m)), Is.EqualTo(m));
        }
    }

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixFailsCleanly(GoldenVector v)
    {
        var scratch = new byte[65536];
        var problems = new List<string>();
        for (var len = 0; len < v.Bytes.Length; len++)
        {
            var prefix = v.Bytes.AsSpan(0, len).ToArray();
            if (DecodeOutcome.Check(prefix, scratch, out var e1) != Outcome.Rejected)
            {
                problems.Add($"unpatched prefix {len}: {e1?.GetType().Name} {e1?.Message}");
            }

            if (len >= 4)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(2), (ushort)len);
                var patched = DecodeOutcome.Check(prefix, scratch, out var e2);
                if (patched is not (Outcome.Rejected or Outcome.Decoded))
                {
                    problems.Add($"patched prefix {len}: {patched} {e2?.GetType().Name} {e2?.Message}");
                }
            }
        }

        Assert.That(problems, Is.Empty, v.Source);
    }

    [Test]
    public void OvsOfctlWatchAllAsksForEverythingOnEveryTable()
    {
        var req = (NxFlowMonitorRequest)((MultipartRequest)Vector("ofctl-ONFST_FLOW_MONITOR_request-1")).Body;
        var e = req.Monitors.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.Flags, Is.EqualTo(NxFlowMonitorFlags.Initial | NxFlowMonitorFlags.Add | NxFlowMonitorFlags.Delete | NxFlowMonitorFlags.Modify | NxFlowMonitorFlags.Actions | NxFlowMonitorFlags.Own));
            Assert.That(e.TableId, Is.EqualTo(0xff));
            Assert.That(e.OutPort, Is.EqualTo(Protocol.OfpPort.Any));
            Assert.That(e.Match, Is.EqualTo(Match.Empty));
        }
    }

    [Test]
    public void OvsOfctlWatchWithFilterCarriesTableOutPortAndMatch()
    {
        var e = ((NxFlowMonitorRequest)((MultipartRequest)Vector("ofctl-ONFST_FLOW_MONITOR_request-2")).Body).Monitors.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(e.TableId, Is.EqualTo(2));
            Assert.That(e.OutPort, Is.EqualTo(3u));
            Assert.That(e.Match, Is.EqualTo(new Match(Oxm.TunnelId(0x64))));
        }
    }

    [Test]
    public void RealOvsReportsOwnChangeAbbreviatedWithTheFlowModXid()
    {
        var reply = (MultipartReply)Vector("real-ONFST_FLOW_MONITOR_reply-2");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.Xid, Is.Zero, "updates are unsolicited replies with xid 0");
            Assert.That(((NxFlowMonitorReply)reply.Body).Updates, Is.EqualTo(new NxFlowUpdate[] { new NxFlowUpdateAbbrev(0x201) }));
        }
    }

    [Test]
    public void RealOvsReportsForeignAddModifyDeleteInFull()
    {
        var updates = new[] { "real-ONFST_FLOW_MONITOR_reply-3", "real-ONFST_FLOW_MONITOR_reply-4", "real-ONFST_FLOW_MONITOR_reply-5" }
            .Select(n => (NxFlowUpdateFull)((NxFlowMonitorReply)((MultipartReply)Vector(n)).Body).Updates.Single())
            .ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(updates.Select(u => u.Event), Is.EqualTo(new[] { NxFlowUpdateEvent.Added, NxFlowUpdateEvent.Modified, NxFlowUpdateEvent.Deleted }));
            Assert.That(updates.Select(u => u.Cookie.Value), Is.All.EqualTo(0x10002UL));
            Assert.That(updates.Select(u => u.TableId), Is.All.EqualTo((byte)20));
            Assert.That(updates.Select(u => u.Priority), Is.All.EqualTo((ushort)5));
            Assert.That(updates[0].Instructions, Is.Not.Empty, "ADDED carries the instructions (monitor asked for actions)");
            Assert.That(updates[1].Instructions.Single(), Is.EqualTo(new ApplyActions(new OutputAction(2, 0))));

            // nicira-ext.h says DELETED carries no actions; OVS 3.1's OpenFlow 1.3 form does send the
            // deleted flow's instructions, so a decoder must accept both.
            Assert.That(updates[2].Instructions.Single(), Is.EqualTo(new ApplyActions(new OutputAction(2, 0))));
            Assert.That(updates[2].Reason, Is.EqualTo((ushort)2), "OFPRR_DELETE");
        }
    }

    [Test]
    public void RealOvsAnswersAMonitorWithInitialFlowsUnderTheRequestXid()
    {
        var reply = (MultipartReply)Vector("real-ONFST_FLOW_MONITOR_reply-6");
        var u = (NxFlowUpdateFull)((NxFlowMonitorReply)reply.Body).Updates.Single();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.Xid, Is.EqualTo(0x203u));
            Assert.That(u.Event, Is.EqualTo(NxFlowUpdateEvent.Added));
            Assert.That(u.Cookie.Value, Is.EqualTo(0x20000UL));
            Assert.That(u.TableId, Is.Zero);
        }
    }

    private static OfpMessage Vector(string name) => MessageCodec.Decode(All.Single(v => v.Name == name).Bytes);

    private static string ThisDirectory([CallerFilePath] string file = "")
    {
        var dir = Path.GetDirectoryName(file);
        if (dir is not null && File.Exists(Path.Combine(dir, "golden-flow-monitor.txt")))
        {
            return dir;
        }

        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "OpenFlow.Tests", "FlowMonitor");
            if (File.Exists(Path.Combine(candidate, "golden-flow-monitor.txt")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("golden-flow-monitor.txt not found");
    }
}
