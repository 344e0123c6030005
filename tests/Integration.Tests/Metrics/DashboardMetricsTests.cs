using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Tests.Harness;
using Integration.Tests.Plumbing;
using Integration.Tests.RealOvs;
using Tests.Shared;

namespace Integration.Tests.Metrics;

/// <summary>
/// deploy/grafana/ofcontroller.json against a running controller with real Open vSwitch: two zero-touch hosts
/// (br-int and br-tun on each, plumbed over OVSDB), a VM on each, port statistics polled every second. The
/// scrape must parse (our strict reader and Prometheus's own <c>promtool check metrics</c>), export every
/// metric any panel or variable of the dashboard queries, carry the new series with real values, and the
/// port counters of the real bridges' ports must rise by at least what a ping between the two VMs sent.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed partial class DashboardMetricsTests
{
    private const int Pings = 20;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [SetUp]
    public void RequireOvs()
    {
        OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");
        OvsPreconditions.RequireCommand("promtool", "apt-get install prometheus");
    }

    [Test]
    public async Task Every_dashboard_metric_is_exported_and_real_port_counters_rise_with_traffic()
    {
        var dashboard = Dashboard.Load();
        Assert.That(dashboard.Metrics, Has.Count.GreaterThan(20), "the dashboard's queries were read");

        await using var bed = await ZeroTouchBed.CreateAsync(2, settings: new Dictionary<string, string?> { ["Metrics:PortStatsInterval"] = "00:00:01" });
        var net = await bed.CreateNetworkAsync("m", TunnelType.Vxlan, 300);
        var a1 = await bed.AddVmAsync(bed.Hosts[0], "m1", net, "10.0.0.1/24");
        var a2 = await bed.AddVmAsync(bed.Hosts[1], "m2", net, "10.0.0.2/24");
        await bed.WaitForMeshAsync([TunnelType.Vxlan]);
        Assert.That(await Reach.PingAfterWarmUpAsync(a1, a2.Ip), Is.EqualTo(3), "m1 -> m2 over the overlay");

        var h1 = bed.Hosts[0];
        var brInt = (await h1.DatapathIdAsync(OvsHypervisor.BrInt)).ToLowerInvariant();
        var brTun = (await h1.DatapathIdAsync(OvsHypervisor.BrTun)).ToLowerInvariant();
        var tunnel = OvsHypervisor.TunnelPortName(TunnelType.Vxlan, bed.Topology.UnderlayIp(bed.Hosts[1]));

        // Wait until a poll after the warm-up has reported the VM's br-int port and h1's tunnel port.
        var before = await ScrapeWhenAsync(bed, t => Port(t, "rx_packets", brInt, a1.Vm.HostPort) is not null && Port(t, "tx_packets", brTun, tunnel) is not null, "port statistics of h1's br-int and br-tun polled");
        Assert.That(await a1.PingAsync(a2.Ip, count: Pings), Is.EqualTo(Pings), "the measured pings");

        // The VM's echo requests come in on its br-int port (rx) and leave h1 on the tunnel (tx); the replies go the other way.
        var after = await ScrapeWhenAsync(
            bed,
            t => Port(t, "rx_packets", brInt, a1.Vm.HostPort) >= Port(before, "rx_packets", brInt, a1.Vm.HostPort) + Pings
                && Port(t, "tx_packets", brInt, a1.Vm.HostPort) >= Port(before, "tx_packets", brInt, a1.Vm.HostPort) + Pings
                && Port(t, "tx_packets", brTun, tunnel) >= Port(before, "tx_packets", brTun, tunnel) + Pings
                && Port(t, "rx_packets", brTun, tunnel) >= Port(before, "rx_packets", brTun, tunnel) + Pings,
            $"the port counters to rise by the {Pings} pings");

        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{dashboard.Metrics.Count} metrics in {dashboard.Queries.Count} dashboard queries; {a1.Vm.HostPort} on br-int rx {Port(before, "rx_packets", brInt, a1.Vm.HostPort)} -> {Port(after, "rx_packets", brInt, a1.Vm.HostPort)}, {tunnel} on br-tun tx {Port(before, "tx_packets", brTun, tunnel)} -> {Port(after, "tx_packets", brTun, tunnel)}"));
        var text = await bed.Rest.MetricsTextAsync();
        var exposition = PrometheusText.Parse(text);
        var dpids = new List<string>();
        foreach (var host in bed.Hosts)
        {
            dpids.Add((await host.DatapathIdAsync(OvsHypervisor.BrInt)).ToLowerInvariant());
            dpids.Add((await host.DatapathIdAsync(OvsHypervisor.BrTun)).ToLowerInvariant());
        }

        using (Assert.EnterMultipleScope())
        {
            foreach (var metric in dashboard.Metrics.Order(StringComparer.Ordinal))
            {
                Assert.That(FamilyOf(exposition, metric), Is.Not.Null, $"{metric} (queried by {string.Join(", ", dashboard.QueriedBy[metric])}) is exported");
            }

            Assert.That(Port(after, "rx_bytes", brInt, a1.Vm.HostPort) - Port(before, "rx_bytes", brInt, a1.Vm.HostPort), Is.GreaterThanOrEqualTo(Pings * 98), "ICMP echo requests of 98 bytes each");
            foreach (var dpid in dpids)
            {
                Assert.That(exposition.Value("ofcontroller_switch_packet_ins_total", ("dpid", dpid)), Is.Not.Null, $"PACKET_IN series of {dpid}");
                Assert.That(exposition.Samples.Where(s => s.Name == "ofcontroller_flows_installed" && s.Labels["dpid"] == dpid).Sum(s => s.Value), Is.Positive, $"flows installed on {dpid}");
            }

            Assert.That(exposition.Samples.Where(s => s.Name == "ofcontroller_flows_installed" && s.Labels["dpid"] == brTun).Select(s => s.Labels["table"]), Is.SupersetOf(new[] { "0", "1", "2", "10", "20", "21" }), "br-tun's pipeline tables");
            Assert.That(exposition.Samples.Where(s => s.Name == "ofcontroller_reconcile_duration_seconds_count").Sum(s => s.Value), Is.Positive, "reconciles timed");
            Assert.That(exposition.Value("ofcontroller_ovsdb_transaction_duration_seconds_count", ("outcome", "ok")), Is.Positive, "OVSDB transactions timed");
            Assert.That(exposition.Value("ofcontroller_port_stats_polls_total", ("outcome", "ok")), Is.GreaterThanOrEqualTo(8), "every switch polled at least twice");
            Assert.That(exposition.Value("ofcontroller_switches_connected"), Is.EqualTo(4));
        }

        // Prometheus's own parser and linter on the same scrape, and its PromQL parser on every panel query.
        var dir = Directory.CreateTempSubdirectory("ofc-metrics-");
        try
        {
            var scrape = Path.Combine(dir.FullName, "scrape.txt");
            await File.WriteAllTextAsync(scrape, text);
            var check = await Sh.RunAsync(["sh", "-c", $"promtool check metrics < '{scrape}'"], check: false);
            Assert.That(check.ExitCode, Is.Zero, $"promtool check metrics: {check.Stdout} {check.Stderr}");

            var rules = Path.Combine(dir.FullName, "rules.yml");
            await File.WriteAllTextAsync(rules, dashboard.AsRecordingRules());
            var parse = await Sh.RunAsync(["promtool", "check", "rules", rules], check: false);
            Assert.That(parse.ExitCode, Is.Zero, $"promtool check rules (every dashboard query as a recording rule): {parse.Stdout} {parse.Stderr}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The family a queried name belongs to: itself, or the histogram whose _bucket/_sum/_count it is.</summary>
    private static PrometheusText.Family? FamilyOf(PrometheusText exposition, string metric)
    {
        if (exposition.Families.TryGetValue(metric, out var f))
        {
            return f;
        }

        var m = HistogramSuffix().Match(metric);
        return m.Success && exposition.Families.TryGetValue(m.Groups[1].Value, out var h) && h.Type == "histogram" ? h : null;
    }

    private static double? Port(PrometheusText exposition, string counter, string dpid, string port) =>
        exposition.Value($"ofcontroller_port_{counter}_total", ("dpid", dpid), ("port", port));

    private static async Task<PrometheusText> ScrapeWhenAsync(ZeroTouchBed bed, Func<PrometheusText, bool> condition, string what)
    {
        PrometheusText? last = null;
        await Poll.UntilAsync(
            async () => condition(last = PrometheusText.Parse(await bed.Rest.MetricsTextAsync())),
            Deadline,
            () => $"{what}; ports seen: {string.Join(' ', last?.Samples.Where(s => s.Name == "ofcontroller_port_rx_packets_total").Select(s => $"{s.Labels["dpid"]}/{s.Labels["port"]}={s.Value}") ?? [])}",
            TimeSpan.FromMilliseconds(250));
        return last!;
    }

    [GeneratedRegex("^(.+)_(bucket|sum|count)$")]
    private static partial Regex HistogramSuffix();

    [GeneratedRegex(@"\bofcontroller_[a-zA-Z0-9_]+")]
    private static partial Regex MetricName();

    /// <summary>The dashboard's queries: every panel target's expression and every variable's query.</summary>
    private sealed class Dashboard
    {
        private Dashboard(IReadOnlyList<(string Where, string Expr)> queries)
        {
            Queries = queries;
            QueriedBy = queries
                .SelectMany(q => MetricName().Matches(q.Expr).Select(m => (Metric: m.Value, q.Where)))
                .GroupBy(x => x.Metric, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(x => x.Where).Distinct()], StringComparer.Ordinal);
        }

        public IReadOnlyList<(string Where, string Expr)> Queries { get; }

        public IReadOnlyDictionary<string, IReadOnlyList<string>> QueriedBy { get; }

        public IReadOnlyCollection<string> Metrics => [.. QueriedBy.Keys];

        public static Dashboard Load()
        {
            var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("no repository root above the test binaries");
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "deploy", "grafana", "ofcontroller.json")));
            var d = doc.RootElement;
            Assert.That(d.GetProperty("uid").GetString(), Is.Not.Empty, "the dashboard has a uid");
            var queries = new List<(string, string)>();
            var panels = d.GetProperty("panels").EnumerateArray().SelectMany(p => p.TryGetProperty("panels", out var inner) ? inner.EnumerateArray().Prepend(p) : [p]).ToList();
            foreach (var panel in panels.Where(p => p.GetProperty("type").GetString() != "row"))
            {
                var title = panel.GetProperty("title").GetString()!;
                var targets = panel.GetProperty("targets").EnumerateArray().ToList();
                Assert.That(targets, Is.Not.Empty, $"panel {title} has a query");
                foreach (var t in targets)
                {
                    var expr = t.GetProperty("expr").GetString()!;
                    Assert.That(MetricName().IsMatch(expr), Is.True, $"panel {title}: {expr} names one of the controller's metrics");
                    queries.Add(($"panel \"{title}\"", expr));
                }
            }

            foreach (var v in d.GetProperty("templating").GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
            {
                var q = v.GetProperty("query");
                queries.Add(($"variable ${v.GetProperty("name").GetString()}", q.ValueKind == JsonValueKind.Object ? q.GetProperty("query").GetString()! : q.GetString()!));
            }

            return new Dashboard(queries);
        }

        /// <summary>Every panel query as a Prometheus recording rule (Grafana's variables filled in), for promtool's PromQL parser.</summary>
        public string AsRecordingRules()
        {
            var lines = new List<string> { "groups:", "  - name: ofcontroller-dashboard", "    rules:" };
            var n = 0;
            foreach (var (_, expr) in Queries.Where(q => q.Where.StartsWith("panel", StringComparison.Ordinal)))
            {
                var promql = expr.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$instance", ".*", StringComparison.Ordinal).Replace("$dpid", ".*", StringComparison.Ordinal);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"      - record: dashboard:query{n++}"));
                lines.Add("        expr: " + JsonSerializer.Serialize(promql));
            }

            return string.Join('\n', lines) + "\n";
        }
    }
}
