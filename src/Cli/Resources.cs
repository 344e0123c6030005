using System.CommandLine;
using System.Text.Json.Nodes;

namespace Cli;

/// <summary><c>ofc tenants|networks|hosts|ports list/create/delete</c>: one REST collection each.</summary>
internal static class Resources
{
    public static Command Tenants(OfcEnvironment env, GlobalOptions g)
    {
        var name = new Argument<string>("name") { Description = "Tenant name (unique)" };
        return Collection(env, g, "tenants", "tenant", [("ID", "id"), ("NAME", "name")],
            listFilters: [],
            createArgs: [name],
            createOptions: [],
            body: c => Task.FromResult(new JsonObject { ["name"] = c.Value(name) }));
    }

    public static Command Networks(OfcEnvironment env, GlobalOptions g)
    {
        var tenantFilter = new Option<string?>("--tenant") { Description = "Only this tenant's networks (id or name)" };
        var name = new Argument<string>("name") { Description = "Network name (unique in its tenant)" };
        var tenant = new Option<string>("--tenant") { Description = "Tenant id or name", Required = true };
        var type = new Option<string?>("--type") { Description = "Tunnel type (default vxlan)" };
        type.AcceptOnlyFromAmong("vxlan", "gre", "geneve");
        var segment = new Option<long?>("--segment") { Description = "VNI / GRE key, 1..16777215 (default: lowest free)" };
        var cidr = new Option<string?>("--cidr") { Description = "IPv4 subnet port IPs must be in, e.g. 192.168.100.0/24" };
        var mtu = new Option<int?>("--mtu") { Description = "MTU of the network's VMs (default: the most its hosts' underlays allow)" };
        return Collection(env, g, "networks", "network",
            [("ID", "id"), ("TENANT", "tenantId"), ("NAME", "name"), ("TYPE", "tunnelType"), ("SEGMENT", "segmentId"), ("CIDR", "cidr"), ("MTU", "mtu")],
            listFilters: [(tenantFilter, "tenantId", "tenants")],
            createArgs: [name],
            createOptions: [tenant, type, segment, cidr, mtu],
            body: async c =>
            {
                var b = new JsonObject
                {
                    ["tenantId"] = await Lookup.IdAsync(c, "tenants", c.Value(tenant)!).ConfigureAwait(false),
                    ["name"] = c.Value(name),
                };
                Put(b, "tunnelType", c.Value(type));
                if (c.Value(segment) is { } s)
                {
                    b["segmentId"] = s;
                }

                Put(b, "cidr", c.Value(cidr));
                if (c.Value(mtu) is { } m)
                {
                    b["mtu"] = m;
                }

                return b;
            });
    }

    public static Command Hosts(OfcEnvironment env, GlobalOptions g)
    {
        var name = new Argument<string>("name") { Description = "Host name (unique)" };
        var dpid = new Option<string>("--dpid") { Description = "br-tun's datapath id (ovs-vsctl get bridge br-tun datapath-id)", Required = true };
        var tunnelIp = new Option<string>("--tunnel-ip") { Description = "Underlay tunnel endpoint (IPv4 or IPv6)", Required = true };
        var underlayMtu = new Option<int?>("--underlay-mtu") { Description = "MTU of this host's underlay (default: Plumbing:UnderlayMtu)" };
        return Collection(env, g, "hosts", "host", [("ID", "id"), ("NAME", "name"), ("DATAPATH ID", "datapathId"), ("TUNNEL IP", "tunnelIp"), ("UNDERLAY MTU", "underlayMtu")],
            listFilters: [],
            createArgs: [name],
            createOptions: [dpid, tunnelIp, underlayMtu],
            body: c =>
            {
                var b = new JsonObject { ["name"] = c.Value(name), ["datapathId"] = c.Value(dpid), ["tunnelIp"] = c.Value(tunnelIp) };
                if (c.Value(underlayMtu) is { } m)
                {
                    b["underlayMtu"] = m;
                }

                return Task.FromResult(b);
            });
    }

    public static Command Ports(OfcEnvironment env, GlobalOptions g)
    {
        var networkFilter = new Option<string?>("--network") { Description = "Only this network's ports (id or name)" };
        var hostFilter = new Option<string?>("--host") { Description = "Only this host's ports (id or name)" };
        var network = new Option<string>("--network") { Description = "Network id or name", Required = true };
        var host = new Option<string>("--host") { Description = "Host id or name", Required = true };
        var mac = new Option<string>("--mac") { Description = "MAC, aa:bb:cc:dd:ee:ff (unique in the network)", Required = true };
        var ip = new Option<string?>("--ip") { Description = "IPv4 address (inside the network's cidr, if it has one)" };
        var ipv6 = new Option<string?>("--ipv6") { Description = "IPv6 address (answered by br-tun's Neighbour Discovery responder)" };
        var name = new Option<string?>("--name") { Description = "Port name" };
        return Collection(env, g, "ports", "port",
            [("ID", "id"), ("NAME", "name"), ("NETWORK", "networkName"), ("HOST", "hostName"), ("MAC", "mac"), ("IP", "ip"), ("IPV6", "ipv6"), ("VLAN", "vlan")],
            listFilters: [(networkFilter, "networkId", "networks"), (hostFilter, "hostId", "hosts")],
            createArgs: [],
            createOptions: [network, host, mac, ip, ipv6, name],
            body: async c =>
            {
                var b = new JsonObject
                {
                    ["networkId"] = await Lookup.IdAsync(c, "networks", c.Value(network)!).ConfigureAwait(false),
                    ["hostId"] = await Lookup.IdAsync(c, "hosts", c.Value(host)!).ConfigureAwait(false),
                    ["mac"] = c.Value(mac),
                };
                Put(b, "ip", c.Value(ip));
                Put(b, "ipv6", c.Value(ipv6));
                Put(b, "name", c.Value(name));
                return b;
            });
    }

    internal static void Put(JsonObject body, string field, string? value)
    {
        if (value is not null)
        {
            body[field] = value;
        }
    }

    private static Command Collection(
        OfcEnvironment env,
        GlobalOptions g,
        string path,
        string noun,
        (string Header, string Property)[] columns,
        (Option<string?> Option, string Query, string Collection)[] listFilters,
        Argument[] createArgs,
        Option[] createOptions,
        Func<Context, Task<JsonObject>> body)
    {
        var command = new Command(path, $"List, create and delete {path}");

        var list = new Command("list", $"List {path}");
        foreach (var f in listFilters)
        {
            list.Options.Add(f.Option);
        }

        list.Guard(env, g, async c =>
        {
            var query = new List<string>();
            foreach (var f in listFilters)
            {
                if (c.Value(f.Option) is { } v)
                {
                    query.Add($"{f.Query}={Uri.EscapeDataString(await Lookup.IdAsync(c, f.Collection, v).ConfigureAwait(false))}");
                }
            }

            var rows = await c.ListAsync($"api/v1/{path}" + (query.Count == 0 ? "" : "?" + string.Join('&', query))).ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(rows);
            }
            else
            {
                c.Output.WriteTable(rows, columns);
            }

            return ExitCodes.Ok;
        });

        var create = new Command("create", $"Create a {noun}");
        foreach (var a in createArgs)
        {
            create.Arguments.Add(a);
        }

        foreach (var o in createOptions)
        {
            create.Options.Add(o);
        }

        create.Guard(env, g, async c =>
        {
            var created = await c.Client.PostAsync($"api/v1/{path}", await body(c).ConfigureAwait(false), c.Ct).ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(created);
            }
            else
            {
                c.Output.WriteTable(new JsonArray(created?.DeepClone()), columns);
            }

            return ExitCodes.Ok;
        });

        var id = new Argument<string>("id") { Description = $"The {noun}'s id or name" };
        var delete = new Command("delete", $"Delete a {noun}");
        delete.Arguments.Add(id);
        delete.Guard(env, g, async c =>
        {
            var target = await Lookup.IdAsync(c, path, c.Value(id)).ConfigureAwait(false);
            await c.Client.DeleteAsync($"api/v1/{path}/{Uri.EscapeDataString(target)}", c.Ct).ConfigureAwait(false);
            if (c.Output.Json)
            {
                c.Output.WriteJson(new JsonObject { ["deleted"] = target });
            }
            else
            {
                c.Output.Line($"deleted {noun} {target}");
            }

            return ExitCodes.Ok;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(create);
        command.Subcommands.Add(delete);
        return command;
    }
}

/// <summary>Lets people type names: an id is used as is, a name is looked up in the collection.</summary>
internal static class Lookup
{
    public static async Task<string> IdAsync(Context c, string collection, string idOrName)
    {
        var rows = await c.ListAsync($"api/v1/{collection}").ConfigureAwait(false);
        var byId = rows.OfType<JsonObject>().FirstOrDefault(r => Output.Cell(r["id"]) == idOrName);
        if (byId is not null)
        {
            return idOrName;
        }

        var byName = rows.OfType<JsonObject>().Where(r => Output.Cell(r["name"]) == idOrName).ToList();
        return byName.Count switch
        {
            1 => Output.Cell(byName[0]["id"]),
            0 => idOrName, // let the controller answer 404/400 naming the field
            _ => throw new UsageException($"{byName.Count} {collection} are named '{idOrName}': give the id"),
        };
    }
}
