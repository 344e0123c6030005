using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cli;

/// <summary>
/// <c>ofc trace HOST IN_PORT [packet fields | --frame HEX]</c>: GET /api/v1/trace, drawn hop by hop with the
/// matching flow of every table, the outputs, and where the packet was delivered. The controller validates the
/// packet (a wrong field is a 400 naming it, shown as one line).
/// </summary>
internal static class TraceCommand
{
    /// <summary>Option name, REST query key, description.</summary>
    private static readonly (string Name, string Key, string Description)[] Fields =
    [
        ("--frame", "frame", "The whole Ethernet frame in hex (instead of the fields below)"),
        ("--eth-src", "ethSrc", "Source MAC"),
        ("--eth-dst", "ethDst", "Destination MAC (ff:ff:ff:ff:ff:ff for a broadcast)"),
        ("--vlan", "vlan", "802.1Q VLAN id (br-tun sees br-int's local VLAN on patch-int)"),
        ("--eth-type", "ethType", "arp, ipv4 or a number (inferred from the other fields)"),
        ("--arp-op", "arpOp", "request, reply, 1 or 2"),
        ("--arp-sha", "arpSha", "ARP sender MAC (default: --eth-src)"),
        ("--arp-spa", "arpSpa", "ARP sender IPv4"),
        ("--arp-tha", "arpTha", "ARP target MAC"),
        ("--arp-tpa", "arpTpa", "ARP target IPv4"),
        ("--ip-src", "ipSrc", "IPv4 source"),
        ("--ip-dst", "ipDst", "IPv4 destination"),
        ("--ip-proto", "ipProto", "tcp, udp, icmp or a number"),
        ("--src-port", "srcPort", "TCP/UDP source port"),
        ("--dst-port", "dstPort", "TCP/UDP destination port"),
        ("--tun-id", "tunId", "Tunnel key the packet arrived with (decimal or 0x...)"),
    ];

    public static Command Trace(OfcEnvironment env, GlobalOptions g)
    {
        var host = new Argument<string>("host") { Description = "Host id or name" };
        var inPort = new Argument<string>("in-port") { Description = "Port number or name on the host's br-tun (patch-int, vxlan-c0000202, ...)" };
        var command = new Command("trace", "The path of a packet through the controller's pipeline, across tunnels to the receiving VMs (like ovs-appctl ofproto/trace)");
        command.Arguments.Add(host);
        command.Arguments.Add(inPort);
        var options = Fields.Select(f => (Option: new Option<string?>(f.Name) { Description = f.Description }, f.Key)).ToList();
        foreach (var (option, _) in options)
        {
            command.Options.Add(option);
        }

        command.Guard(env, g, async c =>
        {
            var query = new StringBuilder("api/v1/trace?host=").Append(Uri.EscapeDataString(c.Value(host)))
                .Append("&inPort=").Append(Uri.EscapeDataString(c.Value(inPort)));
            foreach (var (option, key) in options)
            {
                if (c.Value(option) is { } value)
                {
                    query.Append('&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
                }
            }

            var trace = await c.Client.GetAsync(query.ToString(), c.Ct).ConfigureAwait(false) as JsonObject
                ?? throw new RestException(0, "the trace answer is not a JSON object");
            if (c.Output.Json)
            {
                c.Output.WriteJson(trace);
            }
            else
            {
                Write(c.Output, trace);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Per hop a header line and a table (table, priority, matching flow, actions), then its outputs; the deliveries last.</summary>
    internal static void Write(Output output, JsonObject trace)
    {
        output.Line("Flow: " + Output.Cell(trace["packet"]?["flow"]));
        foreach (var hop in (trace["hops"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var from = hop["fromHop"] is { } f ? $" (from hop {Output.Cell(f)})" : string.Empty;
            output.Line(string.Empty);
            output.Line($"hop {Output.Cell(hop["index"])}{from}: host {Output.Cell(hop["hostName"])} br-tun {Output.Cell(hop["datapathId"])}, " +
                $"in_port {Output.Cell(hop["inPort"])} ({Output.Cell(hop["inPortName"])}): {Output.Cell(hop["verdict"])}" +
                (hop["error"] is { } error ? " - " + Output.Cell(error) : string.Empty));
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in new[] { "TABLE", "PRIORITY", "FLOW", "ACTIONS" })
            {
                table.AddColumn(header);
            }

            foreach (var step in (hop["steps"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var actions = string.Join(", ", (step["actions"] as JsonArray ?? []).Select(Output.Cell));
                var note = step["note"] is { } n ? " (" + Output.Cell(n) + ")" : string.Empty;
                table.AddRow(
                    Markup.Escape(Output.Cell(step["table"])),
                    Markup.Escape(Output.Cell(step["priority"])),
                    Markup.Escape(step["flow"] is { } flow ? Output.Cell(flow) : "(table miss)"),
                    Markup.Escape(actions + note));
            }

            output.Console.Write(table);
            foreach (var o in (hop["outputs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var next = o["nextHop"] is { } nh ? $" -> hop {Output.Cell(nh)}" : string.Empty;
                var note = o["note"] is { } n ? $" ({Output.Cell(n)})" : string.Empty;
                output.Line($"  output {Output.Cell(o["port"])} ({Output.Cell(o["portName"])}): {Output.Cell(o["kind"])}{next}{note}");
            }
        }

        var deliveries = (trace["deliveries"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        output.Line(string.Empty);
        if (deliveries.Count == 0)
        {
            output.Line("Delivered to no VM.");
        }

        foreach (var d in deliveries)
        {
            var vms = string.Join(", ", (d["vmPorts"] as JsonArray ?? []).OfType<JsonObject>().Select(v => $"{Output.Cell(v["name"])} {Output.Cell(v["mac"])}"));
            output.Line($"Delivered on host {Output.Cell(d["hostId"])} (hop {Output.Cell(d["hop"])}), network {Output.Cell(d["networkId"])}: {(vms.Length == 0 ? "no VM port" : vms)}");
        }
    }
}
