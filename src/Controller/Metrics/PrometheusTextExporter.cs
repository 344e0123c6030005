using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Controller.Metrics;

/// <summary>
/// A small Prometheus text-format (0.0.4) exporter over <see cref="System.Diagnostics.Metrics"/>: it listens to the
/// instruments of one <see cref="Meter"/> and renders them on scrape. Counters become <c>counter</c>, up-down
/// counters and observable gauges <c>gauge</c>, histograms <c>histogram</c> with fixed exponential buckets.
/// Instrument names are used as they are, so they are written in Prometheus style (<c>ofcontroller_..._total</c>).
/// </summary>
/// <remarks>
/// Written here instead of using prometheus-net: that package pulls Microsoft.Extensions.Http 3.1.0, which the
/// package feed does not serve, and the resulting NU1603 breaks the restore of every project referencing this one.
/// </remarks>
internal sealed class PrometheusTextExporter : IDisposable
{
    /// <summary>Upper bounds of histogram buckets: 100 µs doubling up to about 3.3 s (for latencies in seconds).</summary>
    public static readonly double[] Buckets = [.. Enumerable.Range(0, 16).Select(i => 0.0001 * Math.Pow(2, i))];

    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly List<Instrument> _order = [];
    private readonly Lock _scrape = new();

    public PrometheusTextExporter(Meter meter)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    lock (_order)
                    {
                        _order.Add(instrument);
                    }

                    _families[instrument] = new Family(instrument);
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Collects the observable instruments and renders every series.</summary>
    public string Render()
    {
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            Instrument[] order;
            lock (_order)
            {
                order = [.. _order];
            }

            var sb = new StringBuilder();
            foreach (var instrument in order)
            {
                if (_families.TryGetValue(instrument, out var family))
                {
                    family.Render(sb);
                }
            }

            return sb.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_families.TryGetValue(instrument, out var family))
        {
            family.Record(value, Labels(tags));
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var pairs = tags.ToArray();
        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var sb = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            sb.Append(sb.Length == 0 ? "" : ",").Append(key).Append("=\"");
            foreach (var c in Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")
            {
                _ = c switch
                {
                    '\\' => sb.Append("\\\\"),
                    '"' => sb.Append("\\\""),
                    '\n' => sb.Append("\\n"),
                    _ => sb.Append(c),
                };
            }

            sb.Append('"');
        }

        return sb.ToString();
    }

    private static string Number(double v) => v switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(v) => "NaN",
        _ => v.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>All series of one instrument, keyed by their rendered label set.</summary>
    private sealed class Family(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Cell> _cells = new();
        private readonly string _type = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => "counter",
            Histogram<long> or Histogram<int> or Histogram<double> => "histogram",
            _ => "gauge",
        };

        public void Record(double value, string labels)
        {
            // TryGetValue first: GetOrAdd with a capturing lambda allocates a closure on every call.
            if (!_cells.TryGetValue(labels, out var cell))
            {
                cell = _cells.GetOrAdd(labels, static (_, buckets) => new Cell(buckets), _type == "histogram" ? Buckets.Length : 0);
            }

            lock (cell)
            {
                if (_type == "histogram")
                {
                    cell.Count++;
                    cell.Sum += value;
                    // A loop, not Array.FindIndex with a lambda: capturing the parameter would allocate a
                    // closure on every call of this method, counters included.
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        if (value <= Buckets[i])
                        {
                            cell.BucketCounts[i]++;
                            break;
                        }
                    }
                }
                else if (instrument.IsObservable)
                {
                    cell.Sum = value;
                }
                else
                {
                    cell.Sum += value;
                }
            }
        }

        public void Render(StringBuilder sb)
        {
            var name = instrument.Name;
            sb.Append("# HELP ").Append(name).Append(' ').Append((instrument.Description ?? name).Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
            sb.Append("# TYPE ").Append(name).Append(' ').Append(_type).Append('\n');
            foreach (var (labels, cell) in _cells.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                lock (cell)
                {
                    if (_type != "histogram")
                    {
                        sb.Append(name).Append(Braces(labels)).Append(' ').Append(Number(cell.Sum)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (var i = 0; i < Buckets.Length; i++)
                    {
                        cumulative += cell.BucketCounts[i];
                        sb.Append(name).Append("_bucket").Append(Braces(Join(labels, $"le=\"{Number(Buckets[i])}\"")))
                            .Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }

                    sb.Append(name).Append("_bucket").Append(Braces(Join(labels, "le=\"+Inf\"")))
                        .Append(' ').Append(cell.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    sb.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Number(cell.Sum)).Append('\n');
                    sb.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(cell.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        private static string Braces(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;
    }

    /// <summary>One series: a running sum (counters, up-down counters), the last value (observables), or a histogram.</summary>
    private sealed class Cell(int buckets)
    {
        public double Sum { get; set; }

        public long Count { get; set; }

        public long[] BucketCounts { get; } = new long[buckets];
    }
}
