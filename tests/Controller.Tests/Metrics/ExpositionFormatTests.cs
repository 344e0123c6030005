using Controller.Metrics;
using Controller.Switches;
using Controller.Tests.Api;
using Controller.Tests.Switches;
using OpenFlow.Messages;
using Tests.Shared;

namespace Controller.Tests.Metrics;

/// <summary>
/// /metrics of a real controller host, with a switch connected whose port name carries every character the
/// format must escape, read back with a strict parser of the Prometheus text format; and two hosts in one
/// process keep their series apart (each has its own registry, none uses the library's static one).
/// </summary>
[TestFixture]
public sealed class ExpositionFormatTests
{
    /// <summary>15 bytes, the longest OpenFlow port name: quote, backslash, line feed and the label syntax characters.</summary>
    private const string HostilePort = "x\"y\\z\nw{}=, #";

    [Test]
    public async Task The_exposition_is_valid_prometheus_text_and_escapes_what_a_switch_sends()
    {
        await using var host = await ControllerTestHost.StartAsync();
        await using var other = await ControllerTestHost.StartAsync();
        using var sw = new FakeSwitch(host.Service<SwitchRegistry>());
        sw.Handshake(0x77, FakeSwitch.MakePort(1, HostilePort), FakeSwitch.MakePort(2, "p2"));
        await ServeUntilAsync(sw, host.Service<SwitchMetrics>().PollOnceAsync(CancellationToken.None));
        using (var brew = new HttpRequestMessage(new HttpMethod("BREW"), "/healthz"))
        {
            (await host.Client.SendAsync(brew)).Dispose();
        }

        var text = await host.Client.GetStringAsync("/metrics");
        var exposition = PrometheusText.Parse(text);
        using (Assert.EnterMultipleScope())
        {
            foreach (var family in exposition.Families.Values)
            {
                Assert.That(family.Name, Does.StartWith("ofcontroller_"), "only the controller's own collectors (a private registry)");
                Assert.That(family.Type, Is.Not.Null, family.Name + " has a TYPE");
                Assert.That(family.Help, Is.Not.Empty, family.Name + " has a HELP");
            }

            Assert.That(exposition.Value("ofcontroller_port_rx_packets_total", ("dpid", "0000000000000077"), ("port", HostilePort)), Is.EqualTo(5), "the port name survives escaping");
            Assert.That(exposition.Value("ofcontroller_switch_packet_ins_total", ("dpid", "0000000000000077")), Is.Zero);
            Assert.That(exposition.Samples.Where(s => s.Name == "ofcontroller_http_requests_total" && s.Labels["method"] == "other"), Is.Not.Empty, "an invented method counts as other");
            Assert.That(exposition.Samples.Where(s => s.Labels.Values.Contains("BREW")), Is.Empty, "a client cannot mint label values");
            Assert.That(exposition.Families["ofcontroller_barrier_latency_seconds"].Type, Is.EqualTo("histogram"));
            Assert.That(exposition.Families["ofcontroller_reconcile_duration_seconds"].Type, Is.EqualTo("histogram"));
            Assert.That(exposition.Families["ofcontroller_ovsdb_transaction_duration_seconds"].Type, Is.EqualTo("histogram"));
            Assert.That(exposition.Families["ofcontroller_switch_connections_total"].Type, Is.EqualTo("counter"));
            Assert.That(exposition.Value("ofcontroller_switch_connections_total"), Is.EqualTo(1));
        }

        var others = PrometheusText.Parse(await other.Client.GetStringAsync("/metrics"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(others.Value("ofcontroller_switch_connections_total"), Is.Zero, "the other host saw no switch");
            Assert.That(others.Samples.Where(s => s.Labels.ContainsKey("dpid")), Is.Empty);
        }
    }

    [Test]
    public void The_parser_reads_what_prometheus_reads()
    {
        var text = PrometheusText.Parse("# HELP m Things\\n.\n# TYPE m counter\nm{a=\"q\\\"\\\\\\n\",b=\"\",} 1.5e3 1700000000000\nu -Inf\n");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text.Value("m", ("a", "q\"\\\n"), ("b", "")), Is.EqualTo(1500));
            Assert.That(text.Families["m"].Help, Is.EqualTo("Things\n."), "HELP escapes");
            Assert.That(text.Value("u"), Is.EqualTo(double.NegativeInfinity), "an untyped family");
        }
    }

    [TestCase("# TYPE m counter\nm{a=\"x\\q\"} 1\n")]
    [TestCase("# TYPE m counter\nm{a=\"1\",a=\"2\"} 1\n")]
    [TestCase("# TYPE m counter\nm 1\nm 2\n")]
    [TestCase("# TYPE m counter\nm one\n")]
    [TestCase("# TYPE m counter\n1m 1\n")]
    [TestCase("# TYPE m counter\nm{1a=\"x\"} 1\n")]
    [TestCase("# TYPE m counter\nm 1\n# TYPE n gauge\nn 1\nm{a=\"b\"} 2\n")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")]
    [TestCase("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n")]
    [TestCase("# TYPE m counter\nm 1")]
    public void The_parser_refuses_what_prometheus_would(string text)
    {
        // The checker is only worth its passes if it fails on these.
        Assert.That(() => PrometheusText.Parse(text), Throws.InstanceOf<FormatException>());
    }

    /// <summary>Plays the switch (empty flow table, barriers answered, port stats of both ports) until <paramref name="poll"/> ends.</summary>
    private static async Task ServeUntilAsync(FakeSwitch sw, Task poll)
    {
        await sw.ServeAsync(() => poll.IsCompleted, "the poll did not finish", m =>
        {
            if (m is not MultipartRequest { Body: PortStatsRequest } mp)
            {
                return false;
            }

            sw.Send(new MultipartReply
            {
                Xid = mp.Xid,
                Body = new PortStatsReply { Ports = [new PortStats { PortNo = 1, RxPackets = 5 }, new PortStats { PortNo = 2, RxPackets = 6 }] },
            });
            return true;
        });
        await poll;
    }
}
