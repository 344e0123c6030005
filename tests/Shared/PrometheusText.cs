using System.Globalization;
using System.Text;

namespace Tests.Shared;

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, written from the format's description
/// (https://prometheus.io/docs/instrumenting/exposition_formats/): it throws <see cref="FormatException"/>
/// naming the line for anything a Prometheus server would refuse or misread. Checked: metric and label
/// name grammar, label value escapes (only <c>\\</c>, <c>\"</c>, <c>\n</c>), HELP escapes, float values
/// (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>), optional integer timestamps, one TYPE per family before its
/// samples, each family's lines in one group, no duplicate label name in a series and no duplicate series,
/// histogram suffixes with a numeric <c>le</c>, cumulative buckets ending in <c>+Inf</c> equal to <c>_count</c>.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    private PrometheusText(Dictionary<string, Family> families) => Families = families;

    public IReadOnlyDictionary<string, Family> Families { get; }

    /// <summary>Every sample of every family, in order.</summary>
    public IEnumerable<Sample> Samples => Families.Values.SelectMany(f => f.Samples);

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        Family? current = null;
        var lines = text.Split('\n');
        if (text.Length != 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition does not end with a line feed");
        }

        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            string Where() => $"line {n + 1} \"{line}\"";
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    RequireMetricName(name, Where);
                    var family = Switch(name, Where);
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !Types.Contains(parts[3]))
                        {
                            throw new FormatException($"{Where()}: TYPE must be one of {string.Join(", ", Types)}");
                        }

                        if (family.Type is not null || family.Samples.Count != 0)
                        {
                            throw new FormatException($"{Where()}: TYPE given twice or after the family's samples");
                        }

                        family.Type = parts[3];
                    }
                    else
                    {
                        if (family.Help is not null)
                        {
                            throw new FormatException($"{Where()}: HELP given twice");
                        }

                        family.Help = Unescape(parts.Length == 4 ? parts[3] : "", quotes: false, Where);
                    }
                }

                continue; // any other comment
            }

            var sample = ReadSample(line, Where);
            var familyName = FamilyOf(sample.Name, families);
            var owner = Switch(familyName, Where);
            if (!series.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}"))
            {
                throw new FormatException($"{Where()}: duplicate series");
            }

            if (owner.Type == "histogram" && sample.Name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                if (!sample.Labels.TryGetValue("le", out var le) || !TryFloat(le, out _))
                {
                    throw new FormatException($"{Where()}: a histogram bucket needs a numeric le label");
                }
            }

            owner.Samples.Add(sample);
        }

        foreach (var f in families.Values)
        {
            CheckHistogram(f);
        }

        return new PrometheusText(families);

        Family Switch(string name, Func<string> where)
        {
            if (current?.Name == name)
            {
                return current;
            }

            if (current is not null)
            {
                closed.Add(current.Name);
            }

            if (closed.Contains(name))
            {
                throw new FormatException($"{where()}: the lines of family {name} are not in one group");
            }

            current = families.TryGetValue(name, out var f) ? f : families[name] = new Family(name);
            return current;
        }
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels, or null.</summary>
    public double? Value(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(s => (double?)s.Value)
            .SingleOrDefault();

    private static void CheckHistogram(Family f)
    {
        if (f.Type != "histogram")
        {
            return;
        }

        foreach (var group in f.Samples.GroupBy(s => Key(s.Labels.Where(l => l.Key != "le"))))
        {
            var buckets = group.Where(s => s.Name == f.Name + "_bucket").Select(s => (Le: Float(s.Labels["le"]), s.Value)).OrderBy(b => b.Le).ToList();
            var count = group.Where(s => s.Name == f.Name + "_count").Select(s => (double?)s.Value).SingleOrDefault();
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le) || count is null || group.All(s => s.Name != f.Name + "_sum"))
            {
                throw new FormatException($"histogram {f.Name}{{{group.Key}}} lacks a +Inf bucket, _sum or _count");
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (buckets[i].Value < buckets[i - 1].Value)
                {
                    throw new FormatException($"histogram {f.Name}{{{group.Key}}}: buckets are not cumulative");
                }
            }

            if (buckets[^1].Value != count)
            {
                throw new FormatException($"histogram {f.Name}{{{group.Key}}}: the +Inf bucket differs from _count");
            }
        }

        static string Key(IEnumerable<KeyValuePair<string, string>> labels) =>
            string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value));
    }

    /// <summary>The family a sample belongs to: its own name, or the histogram/summary whose suffix it carries.</summary>
    private static string FamilyOf(string sample, Dictionary<string, Family> families)
    {
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sample.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sample[..^suffix.Length], out var f)
                && (f.Type == "histogram" || (f.Type == "summary" && suffix != "_bucket")))
            {
                return f.Name;
            }
        }

        return sample;
    }

    private static Sample ReadSample(string line, Func<string> where)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0, colon: true))
        {
            i++;
        }

        var name = line[..i];
        RequireMetricName(name, where);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i < line.Length && line[i] == '}')
                {
                    i++;
                    break;
                }

                var start = i;
                while (i < line.Length && IsNameChar(line[i], i == start, colon: false))
                {
                    i++;
                }

                var label = line[start..i];
                if (label.Length == 0 || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
                {
                    throw new FormatException($"{where()}: expected label_name=\"value\" at column {i + 1}");
                }

                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new FormatException($"{where()}: unterminated label value");
                    }

                    var c = line[i++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        if (i >= line.Length)
                        {
                            throw new FormatException($"{where()}: dangling backslash");
                        }

                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw new FormatException($"{where()}: invalid escape \\{other} in a label value"),
                        });
                        continue;
                    }

                    value.Append(c);
                }

                if (!labels.TryAdd(label, value.ToString()))
                {
                    throw new FormatException($"{where()}: label {label} given twice");
                }

                if (i < line.Length && line[i] == ',')
                {
                    i++;
                }
                else if (i >= line.Length || line[i] != '}')
                {
                    throw new FormatException($"{where()}: expected ',' or '}}' at column {i + 1}");
                }
            }
        }

        if (i >= line.Length || line[i] != ' ')
        {
            throw new FormatException($"{where()}: expected a space before the value");
        }

        var rest = line[(i + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || !TryFloat(rest[0], out var number)
            || (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"{where()}: expected a float value and an optional integer timestamp");
        }

        return new Sample(name, labels, number);
    }

    private static void RequireMetricName(string name, Func<string> where)
    {
        if (name.Length == 0 || !name.Select((c, i) => IsNameChar(c, i == 0, colon: true)).All(ok => ok))
        {
            throw new FormatException($"{where()}: invalid metric name \"{name}\"");
        }
    }

    private static bool IsNameChar(char c, bool first, bool colon) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (colon && c == ':') || (!first && c is >= '0' and <= '9');

    private static string Unescape(string text, bool quotes, Func<string> where)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                sb.Append(text[i]);
                continue;
            }

            if (++i >= text.Length)
            {
                throw new FormatException($"{where()}: dangling backslash");
            }

            sb.Append(text[i] switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quotes => '"',
                var other => throw new FormatException($"{where()}: invalid escape \\{other}"),
            });
        }

        return sb.ToString();
    }

    private static double Float(string text) => TryFloat(text, out var v) ? v : throw new FormatException($"not a float: {text}");

    /// <summary>Go's ParseFloat forms, as Prometheus reads them: decimal with optional exponent, Inf and NaN spelled out.</summary>
    private static bool TryFloat(string text, out double value)
    {
        switch (text)
        {
            case "+Inf" or "Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
        }

        value = 0;
        return text.Length != 0
            && text.All(c => c is (>= '0' and <= '9') or '.' or 'e' or 'E' or '+' or '-')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    internal sealed class Family(string name)
    {
        public string Name { get; } = name;

        public string? Type { get; set; }

        public string? Help { get; set; }

        public List<Sample> Samples { get; } = [];
    }

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
