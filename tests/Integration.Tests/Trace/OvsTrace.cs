using System.Globalization;
using System.Text.RegularExpressions;

namespace Integration.Tests.Trace;

/// <summary>
/// The parts of <c>ovs-appctl ofproto/trace</c>'s output that the comparison uses: the tables visited in
/// the first bridge block (br-tun; later blocks are br-int or br-phy reached through patch ports), with
/// the matched priority or a miss; the port of every output action in that block (IN_PORT resolved to the
/// in_port, CONTROLLER as 0xfffffffd); the final flow's fields; and the "Datapath actions:" line.
/// </summary>
internal sealed partial record OvsTrace(
    IReadOnlyList<(int Table, int? Priority)> Tables,
    IReadOnlyList<uint> Outputs,
    IReadOnlyDictionary<string, string> FinalFlow,
    string DatapathActions,
    string Raw)
{
    public const uint Controller = 0xfffffffd;

    public static OvsTrace Parse(string text, uint inPort)
    {
        var lines = text.Split('\n');
        var tables = new List<(int, int?)>();
        var outputs = new List<uint>();
        string? flow = null, final = null, datapath = null;
        var bridges = 0;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.StartsWith("Flow: ", StringComparison.Ordinal))
            {
                flow = line["Flow: ".Length..];
            }
            else if (line.StartsWith("bridge(", StringComparison.Ordinal))
            {
                bridges++;
            }
            else if (line.StartsWith("Final flow: ", StringComparison.Ordinal))
            {
                final = line["Final flow: ".Length..];
            }
            else if (line.StartsWith("Datapath actions: ", StringComparison.Ordinal))
            {
                datapath = line["Datapath actions: ".Length..];
            }
            else if (bridges == 1)
            {
                if (TableLine().Match(line) is { Success: true } t)
                {
                    var table = int.Parse(t.Groups["table"].Value, CultureInfo.InvariantCulture);
                    tables.Add((table, t.Groups["prio"].Success ? int.Parse(t.Groups["prio"].Value, CultureInfo.InvariantCulture) : null));
                }
                else if (OutputLine().Match(line) is { Success: true } o)
                {
                    outputs.Add(uint.Parse(o.Groups["port"].Value, CultureInfo.InvariantCulture));
                }
                else if (line.Trim() == "IN_PORT")
                {
                    outputs.Add(inPort);
                }
                else if (line.Trim().StartsWith("CONTROLLER:", StringComparison.Ordinal) || line.Trim().StartsWith("controller(", StringComparison.Ordinal))
                {
                    outputs.Add(Controller);
                }
            }
        }

        if (flow is null || datapath is null)
        {
            throw new FormatException("not an ofproto/trace answer:\n" + text);
        }

        var finalText = final is null or "unchanged" ? flow : final;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in finalText.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields[part[..eq]] = part[(eq + 1)..];
            }
        }

        return new OvsTrace(tables, outputs, fields, datapath, text);
    }

    // " 0. in_port=1, priority 1, cookie 0x..." or "20. No match." (match text may be empty: " 0. priority 0").
    [GeneratedRegex(@"^\s{0,2}(?<table>\d{1,3})\. (?:No match|(?:.*\s)?priority (?<prio>\d+))")]
    private static partial Regex TableLine();

    [GeneratedRegex(@"^\s+output:(?<port>\d+)$")]
    private static partial Regex OutputLine();
}
