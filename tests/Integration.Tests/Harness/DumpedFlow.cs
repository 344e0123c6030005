using System.Globalization;

namespace Integration.Tests.Harness;

/// <summary>
/// One line of <c>ovs-ofctl -O OpenFlow13 dump-flows</c>, e.g.
/// <c>cookie=0x20000, duration=2.4s, table=20, n_packets=2, n_bytes=196, hard_timeout=300, priority=1,vlan_tci=0x0002/0x0fff,dl_dst=fa:da:d4:b7:20:f6 actions=load:0-&gt;NXM_OF_VLAN_TCI[],output:2</c>.
/// <see cref="Match"/> excludes the priority; <see cref="Stable"/> is the line without the fields that change with time or traffic.
/// </summary>
internal sealed record DumpedFlow(
    ulong Cookie,
    int Table,
    int Priority,
    string Match,
    string Actions,
    long Packets,
    long Bytes,
    int IdleTimeout,
    int HardTimeout,
    string Raw)
{
    private static readonly HashSet<string> VolatileFields = ["duration", "n_packets", "n_bytes", "idle_age", "hard_age"];

    /// <summary>The line without duration, counters and ages: what a reference dump is compared on.</summary>
    public string Stable { get; init; } = string.Empty;

    public static DumpedFlow Parse(string line)
    {
        var text = line.Trim();
        var actionsAt = text.IndexOf(" actions=", StringComparison.Ordinal);
        if (actionsAt < 0)
        {
            actionsAt = text.StartsWith("actions=", StringComparison.Ordinal) ? -1 : throw new FormatException($"no actions in flow line: {line}");
        }

        var head = actionsAt < 0 ? string.Empty : text[..actionsAt].TrimEnd(',');
        var actions = text[(actionsAt + " actions=".Length)..];
        ulong cookie = 0;
        int table = 0, priority = 32768, idle = 0, hard = 0;
        long packets = 0, bytes = 0;
        var match = string.Empty;
        var stableParts = new List<string>();

        // Stats fields are separated by ", " and contain no comma themselves; the match is the last group.
        foreach (var part in head.Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            if (!part.Contains(',', StringComparison.Ordinal) && IsStatsField(key))
            {
                switch (key)
                {
                    case "cookie": cookie = ParseULong(value); break;
                    case "table": table = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "n_packets": packets = long.Parse(value, CultureInfo.InvariantCulture); break;
                    case "n_bytes": bytes = long.Parse(value, CultureInfo.InvariantCulture); break;
                    case "idle_timeout": idle = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "hard_timeout": hard = int.Parse(value, CultureInfo.InvariantCulture); break;
                    default: break;
                }

                if (!VolatileFields.Contains(key))
                {
                    stableParts.Add(part);
                }

                continue;
            }

            match = match.Length == 0 ? part : $"{match}, {part}";
        }

        if (match.StartsWith("priority=", StringComparison.Ordinal))
        {
            var comma = match.IndexOf(',', StringComparison.Ordinal);
            var p = comma < 0 ? match["priority=".Length..] : match["priority=".Length..comma];
            priority = int.Parse(p, CultureInfo.InvariantCulture);
            match = comma < 0 ? string.Empty : match[(comma + 1)..];
        }

        var stableHead = string.Join(", ", stableParts);
        var matchWithPriority = priority == 32768 ? match : match.Length == 0 ? $"priority={priority}" : $"priority={priority},{match}";
        var stable = $"{stableHead}, {matchWithPriority} actions={actions}".Replace(",  actions", " actions", StringComparison.Ordinal);
        return new DumpedFlow(cookie, table, priority, match, actions, packets, bytes, idle, hard, text) { Stable = stable };
    }

    /// <summary>Parses the output of dump-flows (the reply header line is skipped).</summary>
    public static IReadOnlyList<DumpedFlow> ParseDump(string output)
        => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("OFPST_FLOW", StringComparison.Ordinal) && !l.StartsWith("NXST_FLOW", StringComparison.Ordinal))
            .Select(Parse)
            .ToList();

    private static bool IsStatsField(string key) => key is "cookie" or "duration" or "table" or "n_packets" or "n_bytes"
        or "idle_timeout" or "hard_timeout" or "idle_age" or "hard_age" or "importance" or "send_flow_rem"
        or "check_overlap" or "reset_counts" or "no_packet_counts" or "no_byte_counts" or "out_port" or "out_group";

    private static ulong ParseULong(string value)
        => value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.Parse(value.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : ulong.Parse(value, CultureInfo.InvariantCulture);
}
