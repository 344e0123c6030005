using Controller.Metrics;
using Controller.Tests.Switches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenFlow.Messages;
using OpenFlow.Protocol;
using OpenFlow.Wire;
using Tests.Shared;

namespace Controller.Tests.Metrics;

/// <summary>
/// The per-switch series: port counters from OFPMP_PORT_STATS polls and PACKET_INs per datapath id, against
/// switches played in an EmbeddedChannel; every scrape is parsed strictly. What is asserted is what a hostile
/// or careless switch could break: series only for declared ports, unsupported counters left out, a counter
/// that went down restarts, one poll per switch at a time, and nothing left behind by a switch that left.
/// </summary>
[TestFixture]
public sealed class SwitchMetricsTests
{
    private const ulong Dpid = 0x2a;
    private const string DpidLabel = "000000000000002a";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Port_counters_mirror_the_switchs_port_stats()
    {
        var (metrics, registry, poller) = NewPoller();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(Dpid, FakeSwitch.MakePort(1, "p1"), FakeSwitch.MakePort(2, "p2"), FakeSwitch.MakePort(OfpPort.Local, "br0"));

        await PollAsync(poller, sw, Stats(1, rxPackets: 10, txBytes: 5000), Stats(2, rxPackets: 7, rxErrors: ulong.MaxValue), Stats(77, rxPackets: 1), Stats(OfpPort.Local, rxPackets: 3));
        var text = PrometheusText.Parse(await metrics.RenderAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "p1")), Is.EqualTo(10));
            Assert.That(text.Value("ofcontroller_port_tx_bytes_total", ("dpid", DpidLabel), ("port", "p1")), Is.EqualTo(5000));
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "p2")), Is.EqualTo(7));
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "br0")), Is.EqualTo(3), "the bridge's LOCAL port, by its name");
            Assert.That(text.Value("ofcontroller_port_rx_errors_total", ("dpid", DpidLabel), ("port", "p2")), Is.Null, "UINT64_MAX: a counter the switch does not keep is not exported");
            Assert.That(text.Value("ofcontroller_port_rx_errors_total", ("dpid", DpidLabel), ("port", "p1")), Is.Zero);
            Assert.That(text.Samples.Where(s => s.Labels.TryGetValue("port", out var p) && p == "77"), Is.Empty, "a port the switch never declared gets no series");
            Assert.That(text.Value("ofcontroller_port_stats_polls_total", ("outcome", "ok")), Is.EqualTo(1));
            Assert.That(text.Families["ofcontroller_port_rx_packets_total"].Type, Is.EqualTo("counter"));
        }

        // Next poll: p2 is gone from the switch, p1's counters were reset (the port was re-created).
        await PollAsync(poller, sw, Stats(1, rxPackets: 4, txBytes: 6000), Stats(OfpPort.Local, rxPackets: 5));
        text = PrometheusText.Parse(await metrics.RenderAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "p1")), Is.EqualTo(4), "a counter that went down starts a new series");
            Assert.That(text.Value("ofcontroller_port_tx_bytes_total", ("dpid", DpidLabel), ("port", "p1")), Is.EqualTo(6000));
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "br0")), Is.EqualTo(5));
            Assert.That(text.Samples.Where(s => s.Labels.TryGetValue("port", out var p) && p == "p2"), Is.Empty, "a port no longer reported loses its series");
        }
    }

    [Test]
    public async Task A_switch_that_leaves_leaves_no_series_and_many_switches_do_not_accumulate()
    {
        var (metrics, registry, poller) = NewPoller();
        for (var i = 0; i < 40; i++)
        {
            var dpid = 0x1000UL + (ulong)i;
            using (var sw = new FakeSwitch(registry))
            {
                sw.Handshake(dpid, FakeSwitch.MakePort(1, "eth1"), FakeSwitch.MakePort(2, "eth2"));
                sw.Send(new PacketIn { Data = new byte[] { 1, 2, 3 }, TotalLen = 3 });
                sw.Send(new PacketIn { Data = new byte[] { 1, 2, 3 }, TotalLen = 3 });
                await PollAsync(poller, sw, Stats(1, rxPackets: 1), Stats(2, rxPackets: 2));
                var text = PrometheusText.Parse(await metrics.RenderAsync());
                Assert.That(text.Value("ofcontroller_switch_packet_ins_total", ("dpid", LabelValues.Dpid(dpid))), Is.EqualTo(2), "PACKET_INs of this switch");
                Assert.That(text.Samples.Count(s => s.Labels.ContainsKey("dpid")), Is.EqualTo(1 + (2 * 8)), "one PACKET_IN series and 8 counters for each of 2 ports, of the one switch connected");
                await sw.Channel.CloseAsync();
            }
        }

        var after = PrometheusText.Parse(await metrics.RenderAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Samples.Where(s => s.Labels.ContainsKey("dpid")), Is.Empty, "no series of a disconnected switch remain");
            Assert.That(poller.PortSeries, Is.Zero);
            Assert.That(poller.PacketInSeries, Is.Zero);
            Assert.That(after.Value("ofcontroller_port_stats_polls_total", ("outcome", "ok")), Is.EqualTo(40));
        }
    }

    [Test]
    public async Task A_switch_that_owes_its_answer_is_skipped_and_its_series_restart_on_reconnect()
    {
        var (metrics, registry, poller) = NewPoller();
        var sw = new FakeSwitch(registry);
        sw.Handshake(Dpid, FakeSwitch.MakePort(1, "p1"));
        await PollAsync(poller, sw, Stats(1, rxPackets: 100));
        sw.Send(new PacketIn { Data = new byte[] { 1 }, TotalLen = 1 });
        Assert.That(PrometheusText.Parse(await metrics.RenderAsync()).Value("ofcontroller_switch_packet_ins_total", ("dpid", DpidLabel)), Is.EqualTo(1));

        var unanswered = poller.PollOnceAsync(CancellationToken.None);
        _ = await ReceiveAsync<MultipartRequest>(sw);
        await poller.PollOnceAsync(CancellationToken.None); // returns at once: nothing was started
        Assert.That(PrometheusText.Parse(await metrics.RenderAsync()).Value("ofcontroller_port_stats_polls_total", ("outcome", "skipped")), Is.EqualTo(1));

        // The same switch comes back on a new connection: the old poll fails, the new session's series start afresh.
        await sw.Channel.CloseAsync();
        sw.Dispose();
        await unanswered.WaitAsync(Deadline);
        using var again = new FakeSwitch(registry);
        again.Handshake(Dpid, FakeSwitch.MakePort(1, "p1"));
        await PollAsync(poller, again, Stats(1, rxPackets: 3));
        var text = PrometheusText.Parse(await metrics.RenderAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text.Value("ofcontroller_port_stats_polls_total", ("outcome", "failed")), Is.EqualTo(1), "the poll of the closed connection");
            Assert.That(text.Value("ofcontroller_port_rx_packets_total", ("dpid", DpidLabel), ("port", "p1")), Is.EqualTo(3), "not stuck at the old connection's 100");
            Assert.That(text.Value("ofcontroller_switch_packet_ins_total", ("dpid", DpidLabel)), Is.Zero, "the new session has sent none");
        }
    }

    [Test]
    public async Task A_switch_that_refuses_port_stats_is_not_asked_again_on_that_connection()
    {
        var (metrics, registry, poller) = NewPoller();
        using var sw = new FakeSwitch(registry);
        sw.Handshake(Dpid, FakeSwitch.MakePort(1, "p1"));
        var poll = poller.PollOnceAsync(CancellationToken.None);
        var request = await ReceiveAsync<MultipartRequest>(sw);
        sw.Send(ErrorMessage.For(ErrorType.BadRequest, (ushort)BadRequestCode.BadMultipart, request.Xid, MessageCodec.Encode(request)));
        await poll.WaitAsync(Deadline);
        await poller.PollOnceAsync(CancellationToken.None);
        await Task.Delay(50);
        var text = PrometheusText.Parse(await metrics.RenderAsync());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(sw.Receive(), Is.Null, "no second request");
            Assert.That(text.Value("ofcontroller_port_stats_polls_total", ("outcome", "unsupported")), Is.EqualTo(1));
            Assert.That(text.Value("ofcontroller_port_stats_polls_total", ("outcome", "skipped")), Is.Zero);
            Assert.That(poller.PortSeries, Is.Zero);
        }
    }

    [Test]
    public void Bad_settings_are_refused_at_start()
    {
        foreach (var (value, ok) in new[] { ("00:00:10", true), ("0", true), ("", true), ("00:00:00.200", false), ("-00:00:01", false) })
        {
            var config = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Metrics:PortStatsInterval"] = value })
                .Build();
            using var sp = new ServiceCollection().AddControllerMetrics(config).BuildServiceProvider();
            var read = () => sp.GetRequiredService<IOptions<MetricsOptions>>().Value;
            if (ok)
            {
                Assert.That(read().EffectivePortStatsInterval, value == "00:00:10" ? Is.EqualTo(TimeSpan.FromSeconds(10)) : Is.Null, value);
            }
            else
            {
                Assert.That(() => read(), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Metrics:PortStatsInterval"), value);
            }
        }
    }

    private static (ControllerMetrics Metrics, Controller.Switches.SwitchRegistry Registry, SwitchMetrics Poller) NewPoller()
    {
        var metrics = new ControllerMetrics();
        var registry = FakeSwitch.NewRegistry();
        var poller = new SwitchMetrics(metrics, registry, Options.Create(new MetricsOptions()), NullLogger<SwitchMetrics>.Instance);
        return (metrics, registry, poller);
    }

    /// <summary>One poll round, with the switch answering the port-stats request with <paramref name="ports"/>.</summary>
    private static async Task PollAsync(SwitchMetrics poller, FakeSwitch sw, params PortStats[] ports)
    {
        var poll = poller.PollOnceAsync(CancellationToken.None);
        var request = await ReceiveAsync<MultipartRequest>(sw);
        Assert.That(request.Body, Is.EqualTo(new PortStatsRequest { PortNo = OfpPort.Any }));
        sw.Send(new MultipartReply { Xid = request.Xid, Body = new PortStatsReply { Ports = [.. ports] } });
        await poll.WaitAsync(Deadline);
    }

    private static Task<T> ReceiveAsync<T>(FakeSwitch sw)
        where T : OfpMessage =>
        Poll.ForAsync(
            () => Task.FromResult(sw.Receive() switch
            {
                null => null,
                T m => m,
                var other => throw new AssertionException($"unexpected {other.GetType().Name}"),
            }),
            Deadline,
            $"a {typeof(T).Name} from the controller",
            TimeSpan.FromMilliseconds(5));

    private static PortStats Stats(uint port, ulong rxPackets = 0, ulong txBytes = 0, ulong rxErrors = 0) => new()
    {
        PortNo = port,
        RxPackets = rxPackets,
        TxPackets = rxPackets + 1,
        RxBytes = rxPackets * 100,
        TxBytes = txBytes,
        RxErrors = rxErrors,
    };
}
