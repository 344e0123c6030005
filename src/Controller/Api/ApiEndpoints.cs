using System.Net;
using Apps.Model;
using Controller.Store;
using Controller.Switches;

namespace Controller.Api;

/// <summary>
/// Routes under /api/v1. Handlers only translate: store exceptions become problem details in
/// <see cref="ProblemExceptionHandler"/> (404 unknown id, 409 conflict, 400 validation and unknown references).
/// </summary>
internal static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapControllerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        MapTenants(api.MapGroup("/tenants").WithTags("tenants"));
        MapNetworks(api.MapGroup("/networks").WithTags("networks"));
        MapHosts(api.MapGroup("/hosts").WithTags("hosts"));
        MapPorts(api.MapGroup("/ports").WithTags("ports"));
        MapTunnelPorts(api.MapGroup("/tunnel-ports").WithTags("tunnel-ports"));
        MapSwitches(api.MapGroup("/switches").WithTags("switches"));
        Trace.TraceEndpoints.MapTrace(api);
        Cluster.ClusterEndpoints.MapCluster(api);
        return app;
    }

    private static void MapTenants(RouteGroupBuilder g)
    {
        g.MapGet("", (TenantStore s) => TypedResults.Ok(s.ListTenants().Select(t => t.ToResponse()).ToList()))
            .WithName("ListTenants");
        g.MapGet("/{id}", (string id, TenantStore s) =>
                TypedResults.Ok((s.FindTenant(id) ?? throw new EntityNotFoundException("tenant", id)).ToResponse()))
            .WithName("GetTenant");
        g.MapPost("", (TenantRequest body, TenantStore s) =>
            {
                var t = s.CreateTenant(body.Name ?? "").ToResponse();
                return TypedResults.Created($"/api/v1/tenants/{t.Id}", t);
            })
            .WithName("CreateTenant");
        g.MapPatch("/{id}", (string id, TenantRequest body, TenantStore s) =>
                TypedResults.Ok(s.RenameTenant(id, body.Name ?? "").ToResponse()))
            .WithName("UpdateTenant");
        g.MapDelete("/{id}", (string id, TenantStore s) =>
            {
                s.DeleteTenant(id);
                return TypedResults.NoContent();
            })
            .WithName("DeleteTenant");
    }

    private static void MapNetworks(RouteGroupBuilder g)
    {
        g.MapGet("", (string? tenantId, TenantStore s) => TypedResults.Ok(s.ListNetworks(tenantId).Select(n => n.ToResponse(s)).ToList()))
            .WithName("ListNetworks");
        g.MapGet("/{id}", (string id, TenantStore s) =>
                TypedResults.Ok((s.FindNetwork(id) ?? throw new EntityNotFoundException("network", id)).ToResponse(s)))
            .WithName("GetNetwork");
        g.MapPost("", (NetworkRequest body, TenantStore s) =>
            {
                var errors = new RequestErrors();
                if (string.IsNullOrWhiteSpace(body.TenantId))
                {
                    errors.Add("tenantId", "tenantId is required.");
                }

                if (body.SegmentId is { } seg && (seg < 1 || seg > TenantStore.MaxSegmentId))
                {
                    errors.Add("segmentId", $"segmentId must be between 1 and {TenantStore.MaxSegmentId}; got {seg}.");
                }

                var gateway = ParseIPv4("gateway", body.Gateway, required: false, errors);
                var dns = new List<IPAddress>();
                if (body.DnsServers is { Count: > NewNetwork.MaxDnsServers })
                {
                    errors.Add("dnsServers", $"dnsServers takes at most {NewNetwork.MaxDnsServers} addresses; got {body.DnsServers.Count}.");
                }
                else
                {
                    for (var i = 0; i < (body.DnsServers?.Count ?? 0); i++)
                    {
                        if (ParseIPv4($"dnsServers[{i}]", body.DnsServers![i] ?? "", required: true, errors) is { } d)
                        {
                            dns.Add(d);
                        }
                    }
                }

                errors.ThrowIfAny();
                var n = s.CreateNetwork(new NewNetwork(
                    body.TenantId!,
                    body.Name ?? "",
                    body.TunnelType ?? TunnelType.Vxlan,
                    (uint?)body.SegmentId,
                    body.Cidr,
                    gateway,
                    [.. dns],
                    body.Mtu)).ToResponse(s);
                return TypedResults.Created($"/api/v1/networks/{n.Id}", n);
            })
            .WithName("CreateNetwork");
        g.MapPatch("/{id}", (string id, NetworkPatchRequest body, TenantStore s) =>
                TypedResults.Ok(s.UpdateNetwork(id, new NetworkPatch(body.Name, body.Mtu)).ToResponse(s)))
            .WithName("UpdateNetwork");
        g.MapDelete("/{id}", (string id, TenantStore s) =>
            {
                s.DeleteNetwork(id);
                return TypedResults.NoContent();
            })
            .WithName("DeleteNetwork");
    }

    private static void MapHosts(RouteGroupBuilder g)
    {
        g.MapGet("", (TenantStore s, Hosts.OvsdbManager m) => TypedResults.Ok(s.ListHosts().Select(h => h.ToResponse(s) with { Ovsdb = m.StatusOf(h.Id) }).ToList()))
            .WithName("ListHosts");
        g.MapGet("/{id}", (string id, TenantStore s, Hosts.OvsdbManager m) =>
                TypedResults.Ok((s.FindHost(id) ?? throw new EntityNotFoundException("host", id)).ToResponse(s) with { Ovsdb = m.StatusOf(id) }))
            .WithName("GetHost");
        g.MapGet("/{id}/ovsdb", (string id, TenantStore s, Hosts.OvsdbManager m) =>
            {
                _ = s.FindHost(id) ?? throw new EntityNotFoundException("host", id);
                return TypedResults.Ok(m.ViewOf(id) ?? new Hosts.HostOvsdbView(m.StatusOf(id) ?? new Hosts.HostOvsdbStatus { HostId = id }, [], [], [], [], []));
            })
            .WithName("GetHostOvsdb")
            .WithDescription("The host's OVSDB connection, the bridges, ports and bindings the controller wants, and what the host has.");
        g.MapPost("", (HostRequest body, TenantStore s) =>
            {
                var errors = new RequestErrors();
                var dpid = ParseDatapathId(body.DatapathId, required: body.SystemId is null, errors);
                var ip = ParseTunnelIp(body.TunnelIp, required: true, errors);
                CheckSystemId(body.SystemId, errors);
                errors.ThrowIfAny();
                var h = s.CreateHost(new NewHost(body.Name ?? "", dpid, ip!, body.SystemId, body.UnderlayMtu)).ToResponse(s);
                return TypedResults.Created($"/api/v1/hosts/{h.Id}", h);
            })
            .WithName("CreateHost");
        g.MapPatch("/{id}", (string id, HostRequest body, TenantStore s) => TypedResults.Ok(UpdateHost(id, body, s)))
            .WithName("UpdateHost");
        g.MapPut("/{id}", (string id, HostRequest body, TenantStore s) => TypedResults.Ok(UpdateHost(id, body, s)))
            .WithName("ReplaceHost")
            .WithDescription("Same as PATCH: fields left out keep their value.");
        g.MapDelete("/{id}", (string id, TenantStore s) =>
            {
                s.DeleteHost(id);
                return TypedResults.NoContent();
            })
            .WithName("DeleteHost");
    }

    private static HostResponse UpdateHost(string id, HostRequest body, TenantStore s)
    {
        var errors = new RequestErrors();
        var dpid = ParseDatapathId(body.DatapathId, required: false, errors);
        var ip = ParseTunnelIp(body.TunnelIp, required: false, errors);
        CheckSystemId(body.SystemId, errors);
        errors.ThrowIfAny();
        return s.UpdateHost(id, new HostPatch(body.Name, dpid, ip, body.SystemId, body.UnderlayMtu)).ToResponse(s);
    }

    private static void MapPorts(RouteGroupBuilder g)
    {
        g.MapGet("", (string? networkId, string? hostId, TenantStore s) =>
                TypedResults.Ok(s.ListPorts(networkId, hostId).Select(p => p.ToResponse(s)).ToList()))
            .WithName("ListPorts");
        g.MapGet("/{id}", (string id, TenantStore s) =>
                TypedResults.Ok((s.FindPort(id) ?? throw new EntityNotFoundException("port", id)).ToResponse(s)))
            .WithName("GetPort");
        g.MapPost("", (PortRequest body, TenantStore s) =>
            {
                var errors = new RequestErrors();
                if (string.IsNullOrWhiteSpace(body.NetworkId))
                {
                    errors.Add("networkId", "networkId is required.");
                }

                if (string.IsNullOrWhiteSpace(body.HostId))
                {
                    errors.Add("hostId", "hostId is required.");
                }

                ulong mac = 0;
                if (body.Mac is null)
                {
                    errors.Add("mac", "mac is required.");
                }
                else if (OpenFlow.MacAddress.TryParse(body.Mac, out var parsed))
                {
                    mac = parsed.Value;
                }
                else
                {
                    errors.Add("mac", $"mac must look like aa:bb:cc:dd:ee:ff; got '{body.Mac}'.");
                }

                var ip = ParseIPv4("ip", body.Ip, required: false, errors);
                var ipv6 = ParseIPv6("ipv6", body.Ipv6, errors);
                errors.ThrowIfAny();
                var p = s.CreatePort(new NewPort(body.NetworkId!, body.HostId!, mac, ip, body.Name ?? "", ipv6)).ToResponse(s);
                return TypedResults.Created($"/api/v1/ports/{p.Id}", p);
            })
            .WithName("CreatePort")
            .WithDescription("Returns the port with vlan, the local VLAN to set as tag= on the host's br-int.");
        g.MapPatch("/{id}", (string id, PortPatchRequest body, TenantStore s) =>
            {
                var errors = new RequestErrors();
                var ip = ParseIPv4("ip", body.Ip, required: false, errors);
                var ipv6 = ParseIPv6("ipv6", body.Ipv6, errors);
                errors.ThrowIfAny();
                return TypedResults.Ok(s.UpdatePort(id, new PortPatch(body.Name, ip, ipv6)).ToResponse(s));
            })
            .WithName("UpdatePort");
        g.MapDelete("/{id}", (string id, TenantStore s) =>
            {
                s.DeletePort(id);
                return TypedResults.NoContent();
            })
            .WithName("DeletePort");
    }

    private static void MapTunnelPorts(RouteGroupBuilder g)
    {
        g.MapGet("", (string? hostId, TenantStore s) =>
                TypedResults.Ok(s.ListTunnelPorts(hostId).Select(t => t.ToResponse(s)).ToList()))
            .WithName("ListTunnelPorts");
        g.MapGet("/{id}", (string id, TenantStore s) =>
                TypedResults.Ok((s.FindTunnelPort(id) ?? throw new EntityNotFoundException("tunnel port", id)).ToResponse(s)))
            .WithName("GetTunnelPort");
        g.MapPost("", (TunnelPortRequest body, TenantStore s) =>
            {
                var errors = new RequestErrors();
                if (string.IsNullOrWhiteSpace(body.HostId))
                {
                    errors.Add("hostId", "hostId is required.");
                }

                if (string.IsNullOrWhiteSpace(body.RemoteHostId))
                {
                    errors.Add("remoteHostId", "remoteHostId is required.");
                }

                if (body.PortName is null)
                {
                    errors.Add("portName", "portName is required (the OVS interface name on the host's br-tun).");
                }

                errors.ThrowIfAny();
                var t = s.CreateTunnelPort(new NewTunnelPort(
                    body.HostId!,
                    body.PortName!,
                    body.RemoteHostId!,
                    body.TunnelType ?? TunnelType.Vxlan)).ToResponse(s);
                return TypedResults.Created($"/api/v1/tunnel-ports/{t.Id}", t);
            })
            .WithName("CreateTunnelPort")
            .WithDescription("Declares where a br-tun port leads when its name does not follow the Neutron convention (vxlan-<hex IPv4>).");
        g.MapDelete("/{id}", (string id, TenantStore s) =>
            {
                s.DeleteTunnelPort(id);
                return TypedResults.NoContent();
            })
            .WithName("DeleteTunnelPort");
    }

    private static void MapSwitches(RouteGroupBuilder g)
    {
        g.MapGet("", (ISwitchDirectory d, TenantStore s) => TypedResults.Ok(d.List().ToResponses(s)))
            .WithName("ListSwitches");
        g.MapGet("/{dpid}", (string dpid, ISwitchDirectory d, TenantStore s) =>
                TypedResults.Ok((d.Find(RouteDatapathId(dpid)) ?? throw new EntityNotFoundException("switch", dpid)).ToResponse(s)))
            .WithName("GetSwitch");
        g.MapGet("/{dpid}/flows", (string dpid, ISwitchDirectory d) =>
                TypedResults.Ok((d.Flows(RouteDatapathId(dpid)) ?? throw new EntityNotFoundException("switch", dpid)).ToResponse()))
            .WithName("GetSwitchFlows");
        g.MapGet("/{dpid}/reconcile", (string dpid, ISwitchDirectory d) =>
                TypedResults.Ok((d.Reconcile(RouteDatapathId(dpid)) ?? throw new EntityNotFoundException("switch", dpid)).ToResponse()))
            .WithName("GetSwitchReconcile");
    }

    private static ulong RouteDatapathId(string text)
    {
        if (!OpenFlow.DatapathId.TryParse(text, out var dpid))
        {
            throw new StoreValidationException("dpid", $"dpid must be up to 16 hex digits; got '{text}'.");
        }

        return dpid.Value;
    }

    private static ulong? ParseDatapathId(string? text, bool required, RequestErrors errors)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add("datapathId", "datapathId is required (up to 16 hex digits) unless systemId is given.");
            }

            return null;
        }

        if (!OpenFlow.DatapathId.TryParse(text, out var dpid))
        {
            errors.Add("datapathId", $"datapathId must be up to 16 hex digits; got '{text}'.");
            return null;
        }

        return dpid.Value;
    }

    /// <summary>A tunnel endpoint: dotted-decimal IPv4, or IPv6 in its usual text form (no zone id).</summary>
    private static IPAddress? ParseTunnelIp(string? text, bool required, RequestErrors errors)
    {
        if (text is null || !text.Contains(':', StringComparison.Ordinal))
        {
            return ParseIPv4("tunnelIp", text, required, errors);
        }

        if (!WireFormat.TryParseIPv6(text, out var ip))
        {
            errors.Add("tunnelIp", $"tunnelIp must be a dotted-decimal IPv4 or an IPv6 address without zone; got '{text}'.");
            return null;
        }

        return ip;
    }

    /// <summary>A host's Open_vSwitch external_ids:system-id: 1..100 characters, no control characters, no edge blanks.</summary>
    private static void CheckSystemId(string? systemId, RequestErrors errors)
    {
        if (systemId is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(systemId))
        {
            errors.Add("systemId", "systemId must not be empty or blank.");
        }
        else if (systemId.Length > TenantStore.MaxNameLength)
        {
            errors.Add("systemId", $"systemId must be at most {TenantStore.MaxNameLength} characters.");
        }
        else if (systemId.Any(char.IsControl))
        {
            errors.Add("systemId", "systemId must not contain control characters.");
        }
        else if (systemId.Trim().Length != systemId.Length)
        {
            errors.Add("systemId", "systemId must not start or end with white space.");
        }
    }

    /// <summary>An optional IPv6 address in its usual text form, without zone.</summary>
    private static IPAddress? ParseIPv6(string field, string? text, RequestErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (!WireFormat.TryParseIPv6(text, out var ip))
        {
            errors.Add(field, $"{field} must be an IPv6 address without zone, like fd00::5; got '{text}'.");
            return null;
        }

        return ip;
    }

    private static IPAddress? ParseIPv4(string field, string? text, bool required, RequestErrors errors)
    {
        if (text is null)
        {
            if (required)
            {
                errors.Add(field, $"{field} is required (IPv4).");
            }

            return null;
        }

        if (!WireFormat.TryParseIPv4(text, out var ip))
        {
            errors.Add(field, $"{field} must be a dotted-quad IPv4 address; got '{text}'.");
            return null;
        }

        return ip;
    }
}
