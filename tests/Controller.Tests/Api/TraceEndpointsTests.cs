using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Apps.Flows;
using Apps.Overlay;
using Apps.Trace;
using Controller.Store;
using Controller.Trace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenFlow;

namespace Controller.Tests.Api;

/// <summary>
/// GET /api/v1/trace over real HTTP against the real store and the real br-tun flows; only the switch
/// connections are replaced (each "connected" host has patch-int on 1 and a VXLAN port to the other on 2).
/// </summary>
[TestFixture]
public sealed class TraceEndpointsTests
{
    private ControllerTestHost _host = null!;
    private ConnectedSwitches _switches = null!;
    private string _h1 = null!, _h2 = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _host = await ControllerTestHost.StartAsync(configure: b =>
        {
            b.Services.RemoveAll<ITraceSource>();
            b.Services.AddSingleton<ConnectedSwitches>();
            b.Services.AddSingleton<ITraceSource>(sp => sp.GetRequiredService<ConnectedSwitches>());
        });
        _switches = _host.Service<ConnectedSwitches>();
        var c = _host.Client;
        var tenant = await IdAsync(await c.PostAsJsonAsync("/api/v1/tenants", new { name = "t" }));
        var net = await IdAsync(await c.PostAsJsonAsync("/api/v1/networks", new { tenantId = tenant, name = "n", tunnelType = "vxlan", segmentId = 100, cidr = "10.0.0.0/24" }));
        _h1 = await IdAsync(await c.PostAsJsonAsync("/api/v1/hosts", new { name = "hv1", datapathId = "0000000000000001", tunnelIp = "192.168.0.1" }));
        _h2 = await IdAsync(await c.PostAsJsonAsync("/api/v1/hosts", new { name = "hv2", datapathId = "0000000000000002", tunnelIp = "192.168.0.2" }));
        await IdAsync(await c.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = _h1, mac = "02:00:00:00:00:01", ip = "10.0.0.1", name = "vm1" }));
        await IdAsync(await c.PostAsJsonAsync("/api/v1/ports", new { networkId = net, hostId = _h2, mac = "02:00:00:00:00:02", ip = "10.0.0.2", name = "vm2" }));
        _switches.Connected.Add(1);
        _switches.Connected.Add(2);
    }

    [TearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task KnownUnicast_ByHostName_AndInPortName_CrossesTheTunnel_AndNamesTheVm()
    {
        var body = await GetJsonAsync("host=hv1&inPort=patch-int&vlan=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&ipSrc=10.0.0.1&ipDst=10.0.0.2");

        var hops = body.GetProperty("hops");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body.GetProperty("hostId").GetString(), Is.EqualTo(_h1));
            Assert.That(hops.GetArrayLength(), Is.EqualTo(2));
            Assert.That(hops[0].GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("table").GetInt32()), Is.EqualTo(new[] { 0, 1, 20 }));
            Assert.That(hops[0].GetProperty("outputs")[0].GetProperty("kind").GetString(), Is.EqualTo("tunnel"));
            Assert.That(hops[0].GetProperty("outputs")[0].GetProperty("portName").GetString(), Is.EqualTo("vxlan-c0a80002"));
            Assert.That(hops[0].GetProperty("outputs")[0].GetProperty("packet").GetProperty("tunId").GetString(), Is.EqualTo("0x64"));
            Assert.That(hops[1].GetProperty("hostId").GetString(), Is.EqualTo(_h2));
            Assert.That(hops[1].GetProperty("inPortName").GetString(), Is.EqualTo("vxlan-c0a80001"));
            Assert.That(hops[1].GetProperty("steps")[2].GetProperty("wouldLearn").GetArrayLength(), Is.EqualTo(1));
            var delivery = body.GetProperty("deliveries").EnumerateArray().Single();
            Assert.That(delivery.GetProperty("hostId").GetString(), Is.EqualTo(_h2));
            Assert.That(delivery.GetProperty("vmPorts").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "vm2" }));
        }
    }

    [Test]
    public async Task FrameHex_AndTextFormat()
    {
        // Tagged ARP request from vm1 for 10.0.0.2: answered by table 19 back into br-int.
        const string frame = "ffffffffffff02000000000181000001080600010800060400010200000000010a0000010000000000000a000002";
        var response = await _host.Client.GetAsync($"/api/v1/trace?host={_h1}&inPort=1&frame={frame}&format=text");
        var text = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
            Assert.That(text, Does.StartWith("Flow: arp,in_port=1,vlan_tci=0x1001,"));
            Assert.That(text, Does.Contain("19. arp,dl_vlan=1,arp_tpa=10.0.0.2,arp_op=1, priority 1,"));
            Assert.That(text, Does.Contain("    IN_PORT\n"));
            Assert.That(text, Does.Contain("Output: 1 (patch-int) delivered"));
            Assert.That(text, Does.Contain("vm1 (02:00:00:00:00:01)"), "the reply goes to the requester");
        }
    }

    [Test]
    public async Task DhcpGoesToTheController()
    {
        var body = await GetJsonAsync("host=hv1&inPort=patch-int&vlan=1&ethSrc=02:00:00:00:00:01&ethDst=ff:ff:ff:ff:ff:ff&ipSrc=0.0.0.0&ipDst=255.255.255.255&ipProto=udp&srcPort=68&dstPort=67");
        var output = body.GetProperty("hops")[0].GetProperty("outputs").EnumerateArray().Single();
        Assert.That(output.GetProperty("kind").GetString(), Is.EqualTo("controller"));
    }

    [TestCase("inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02", "host")]
    [TestCase("host=hv1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02", "inPort")]
    [TestCase("host=hv1&inPort=1&ethDst=02:00:00:00:00:02", "ethSrc")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:0g&ethDst=02:00:00:00:00:02", "ethSrc")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&ipDst=10.0.0.256", "ipDst")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&vlan=4096", "vlan")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&srcPort=80", "srcPort")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&tunId=zz", "tunId")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&colour=red", "colour")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethSrc=02:00:00:00:00:03&ethDst=02:00:00:00:00:02", "ethSrc")]
    [TestCase("host=hv1&inPort=1&frame=abc", "frame")]
    [TestCase("host=hv1&inPort=1&frame=00112233", "frame")]
    [TestCase("host=hv1&inPort=1&frame=ffffffffffff0200000000010800&ethSrc=02:00:00:00:00:01", "ethSrc")]
    [TestCase("host=hv1&inPort=7&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02", "inPort")]
    [TestCase("host=hv1&inPort=eth9&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02", "inPort")]
    [TestCase("host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02&format=xml", "format")]
    public async Task BadInput_Is400NamingTheField(string query, string field) =>
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/trace?" + query), HttpStatusCode.BadRequest, field);

    [Test]
    public async Task UnknownHost_Is404_AndADisconnectedSwitch_Is409()
    {
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/trace?host=nope&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02"), HttpStatusCode.NotFound);
        _switches.Connected.Remove(1);
        await Problem.AssertAsync(await _host.Client.GetAsync("/api/v1/trace?host=hv1&inPort=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02"), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task ReceivingSwitchNotConnected_EndsTheTraceAtTheTunnel()
    {
        _switches.Connected.Remove(2);
        var body = await GetJsonAsync("host=hv1&inPort=patch-int&vlan=1&ethSrc=02:00:00:00:00:01&ethDst=02:00:00:00:00:02");
        var output = body.GetProperty("hops").EnumerateArray().Single().GetProperty("outputs").EnumerateArray().Single();
        Assert.That(output.GetProperty("kind").GetString(), Is.EqualTo("tunnel-unresolved"));
    }

    private async Task<JsonElement> GetJsonAsync(string query)
    {
        var response = await _host.Client.GetAsync("/api/v1/trace?" + query);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Switches "connected" by datapath id, with the flows the br-tun app computes from the live store.</summary>
    private sealed class ConnectedSwitches(TenantStore store) : ITraceSource
    {
        public HashSet<ulong> Connected { get; } = [];

        public BrTunPipeline BrTun { get; } = new();

        public SwitchView? View(ulong datapathId)
        {
            if (!Connected.Contains(datapathId))
            {
                return null;
            }

            var state = store.Current;
            var peer = state.Hosts.Single(h => h.DatapathId != datapathId);
            var sw = new SwitchSnapshot(datapathId, [
                new SwitchPort(1, "patch-int", new MacAddress(0x0200_0000_1000UL | datapathId)),
                new SwitchPort(2, TunnelPortName.Format(Apps.Model.TunnelType.Vxlan, peer.TunnelIp), new MacAddress(0x0200_0000_2000UL | datapathId)),
            ]);
            return new SwitchView(sw, [.. BrTun.ComputeDesired(state, sw)]);
        }
    }
}
