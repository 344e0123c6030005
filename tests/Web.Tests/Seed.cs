namespace Web.Tests;

/// <summary>A small two-tenant, two-host setup made over REST, as an operator would.</summary>
internal sealed record Seed(string TenantA, string TenantB, string NetA, string NetB, string HostA, string HostB, string[] Ports)
{
    public const string XssName = "<img src=x onerror=alert(1)>";

    public static async Task<Seed> CreateAsync(WebHost host, string tenantBName = "globex")
    {
        var ta = await host.CreateAsync("tenants", new { name = "acme" });
        var tb = await host.CreateAsync("tenants", new { name = tenantBName });
        var na = await host.CreateAsync("networks", new { tenantId = ta, name = "web", cidr = "10.1.0.0/24" });
        var nb = await host.CreateAsync("networks", new { tenantId = tb, name = "db", tunnelType = "gre" });
        var ha = await host.CreateAsync("hosts", new { name = "host-a", datapathId = "a1", tunnelIp = "192.168.50.1" });
        var hb = await host.CreateAsync("hosts", new { name = "host-b", datapathId = "b1", tunnelIp = "192.168.50.2" });
        string[] ports =
        [
            await host.CreateAsync("ports", new { networkId = na, hostId = ha, mac = "02:00:00:00:01:01", ip = "10.1.0.11", name = "vm1" }),
            await host.CreateAsync("ports", new { networkId = na, hostId = hb, mac = "02:00:00:00:01:02", ip = "10.1.0.12", name = "vm2" }),
            await host.CreateAsync("ports", new { networkId = nb, hostId = ha, mac = "02:00:00:00:02:01", name = "db1" }),
            await host.CreateAsync("ports", new { networkId = nb, hostId = hb, mac = "02:00:00:00:02:02", name = "db2" }),
        ];
        return new Seed(ta, tb, na, nb, ha, hb, ports);
    }
}
