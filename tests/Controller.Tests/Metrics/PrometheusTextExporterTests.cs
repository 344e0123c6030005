using System.Diagnostics.Metrics;
using Controller.Metrics;

namespace Controller.Tests.Metrics;

[TestFixture]
public sealed class PrometheusTextExporterTests
{
    [Test]
    public void Renders_counters_gauges_and_cumulative_histogram_buckets()
    {
        using var meter = new Meter("test-" + Guid.NewGuid().ToString("n"));
        using var other = new Meter("other-" + Guid.NewGuid().ToString("n"));
        using var exporter = new PrometheusTextExporter(meter);
        var counter = meter.CreateCounter<long>("t_things_total", description: "Things.");
        var gauge = meter.CreateUpDownCounter<long>("t_open");
        var histogram = meter.CreateHistogram<double>("t_latency_seconds");
        meter.CreateObservableGauge("t_observed", () => 42);
        other.CreateCounter<long>("t_foreign_total").Add(1);

        counter.Add(2, new KeyValuePair<string, object?>("kind", "a\"b\\c"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a\"b\\c"));
        gauge.Add(5);
        gauge.Add(-2);
        histogram.Record(0.00005);
        histogram.Record(0.0003);
        histogram.Record(100);

        var text = exporter.Render();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("# HELP t_things_total Things.\n# TYPE t_things_total counter\n"));
            Assert.That(text, Does.Contain("t_things_total{kind=\"a\\\"b\\\\c\"} 5\n"), "label values are escaped");
            Assert.That(text, Does.Contain("# TYPE t_open gauge\nt_open 3\n"));
            Assert.That(text, Does.Contain("t_observed 42\n"));
            Assert.That(text, Does.Contain("t_latency_seconds_bucket{le=\"0.0001\"} 1\n"));
            Assert.That(text, Does.Contain("t_latency_seconds_bucket{le=\"0.0004\"} 2\n"), "buckets are cumulative");
            Assert.That(text, Does.Contain("t_latency_seconds_bucket{le=\"+Inf\"} 3\n"));
            Assert.That(text, Does.Contain("t_latency_seconds_count 3\n"));
            Assert.That(text, Does.Contain("t_latency_seconds_sum 100.00035"));
            Assert.That(text, Does.Not.Contain("t_foreign_total"), "only the exporter's own meter");
        }
    }
}
