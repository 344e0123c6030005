using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cli;

/// <summary><c>ofc switches</c>, <c>ofc flows</c>, <c>ofc status</c>: read-only views.</summary>
internal static class Views
{
    private static readonly (string, string)[] SwitchColumns =
        [("DATAPATH ID", "datapathId"), ("HOST", "hostId"), ("ADDRESS", "remoteAddress"), ("APP", "app"), ("ROLE", "role"), ("PORTS", "ports"), ("CONNECTED SINCE", "connectedSince")];

    public static Command Switches(OfcEnvironment env, GlobalOptions g)
    {
        var command = new Command("switches", "Connected switches");
        command.Guard(env, g, async c =>
        {
            var rows = await c.ListAsync("api/v1/switches").ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(rows);
            }
            else
            {
                c.Output.WriteTable(rows, SwitchColumns);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Flows(OfcEnvironment env, GlobalOptions g)
    {
        var dpid = new Argument<string>("dpid") { Description = "Datapath id (16 hex digits, 0x..., or colon-separated)" };
        var diff = new Option<bool>("--diff") { Description = "Desired vs installed: '-' desired but missing on the switch, '+' on the switch but not desired" };
        var desired = new Option<bool>("--desired") { Description = "Print the desired flows instead of the installed ones" };
        var command = new Command("flows", "A switch's flows, one per line as ovs-ofctl -O OpenFlow13 --no-stats dump-flows prints them");
        command.Arguments.Add(dpid);
        command.Options.Add(diff);
        command.Options.Add(desired);
        command.Guard(env, g, async c =>
        {
            var flows = await c.Client.GetAsync($"api/v1/switches/{Uri.EscapeDataString(c.Value(dpid))}/flows", c.Ct).ConfigureAwait(false) as JsonObject
                ?? throw new RestException(0, "the flows answer is not a JSON object");
            var want = Strings(flows["desired"]);
            var have = Strings(flows["installed"]);
            if (c.Value(diff))
            {
                WriteDiff(c.Output, want, have);
            }
            else if (c.Output.Json)
            {
                c.Output.WriteJson(flows);
            }
            else
            {
                foreach (var line in c.Value(desired) ? want : have)
                {
                    c.Output.Line(line);
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Status(OfcEnvironment env, GlobalOptions g)
    {
        var command = new Command("status", "Health, entity counts and connected switches");
        command.Guard(env, g, async c =>
        {
            var health = await c.Client.GetAsync("healthz", c.Ct).ConfigureAwait(false);
            var counts = new JsonObject();
            foreach (var collection in new[] { "tenants", "networks", "hosts", "ports", "tunnel-ports" })
            {
                counts[collection] = (await c.ListAsync($"api/v1/{collection}").ConfigureAwait(false)).Count;
            }

            var switches = await c.ListAsync("api/v1/switches").ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(new JsonObject
                {
                    ["url"] = c.Client.Settings.Url.ToString(),
                    ["health"] = health?.DeepClone(),
                    ["counts"] = counts,
                    ["switches"] = switches.DeepClone(),
                });
                return ExitCodes.Ok;
            }

            c.Output.Line($"controller {c.Client.Settings.Url}: {Output.Cell(health?["status"])} (snapshot version {Output.Cell(health?["snapshotVersion"])})");
            c.Output.Line(string.Join(", ", counts.Select(kv => $"{kv.Key} {Output.Cell(kv.Value)}")) + $", switches {switches.Count}");
            c.Output.WriteTable(switches, SwitchColumns);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Sorted union of both sides: "  " in both, "- " desired only, "+ " installed only.</summary>
    internal static void WriteDiff(Output output, IReadOnlyList<string> desired, IReadOnlyList<string> installed)
    {
        var want = desired.ToHashSet(StringComparer.Ordinal);
        var have = installed.ToHashSet(StringComparer.Ordinal);
        var missing = want.Except(have).Order(StringComparer.Ordinal).ToList();
        var extra = have.Except(want).Order(StringComparer.Ordinal).ToList();
        if (output.Json)
        {
            output.WriteJson(new JsonObject
            {
                ["inSync"] = missing.Count == 0 && extra.Count == 0,
                ["same"] = want.Intersect(have).Count(),
                ["missing"] = new JsonArray([.. missing.Select(m => (JsonNode)m)]),
                ["extra"] = new JsonArray([.. extra.Select(e => (JsonNode)e)]),
            });
            return;
        }

        foreach (var line in want.Union(have).Order(StringComparer.Ordinal))
        {
            var (mark, style) = !have.Contains(line) ? ("- ", "red") : !want.Contains(line) ? ("+ ", "green") : ("  ", "default");
            output.Console.MarkupLine($"[{style}]{Markup.Escape(mark + line)}[/]");
        }

        output.Line($"{want.Intersect(have).Count()} same, {missing.Count} missing on the switch (-), {extra.Count} not desired (+)");
    }

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(Output.Cell)] : [];
}
