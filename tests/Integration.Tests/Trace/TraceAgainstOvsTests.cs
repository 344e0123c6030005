using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Tests.Harness;
using Integration.Tests.Overlay;

namespace Integration.Tests.Trace;

/// <summary>
/// Our packet trace (<c>GET /api/v1/trace</c>, computed from the controller's desired flows) against
/// <c>ovs-appctl ofproto/trace br-tun</c> on the real switches the controller programmed, on a two-host
/// VXLAN overlay with tenant A (segment 100, with a cidr: DHCP to the controller, ARP for its virtual server)
/// and tenant B (segment 200, no cidr), VMs 10.0.0.1 on host 1 and 10.0.0.2 on host 2 in each.
/// Every hop of our answer is replayed on that hop's host with the same input (for a tunnel hop: the
/// receiving tunnel port and the tun_id the sender set), and for each hop these must be equal:
/// <list type="number">
/// <item>the tables visited in br-tun, each with the matched flow's priority (or a miss);</item>
/// <item>the output ports in order (IN_PORT resolved, CONTROLLER included);</item>
/// <item>the final packet's dl_src, dl_dst, VLAN, tun_id and ARP fields (OVS's "Final flow:");</item>
/// <item>the datapath actions: "drop" exactly when we output nothing; otherwise one tnl_push per tunnel
/// output, each carrying our tun_id as its VNI, and a userspace action exactly when we send to the controller.</item>
/// </list>
/// Learned flows: the controller's desired set has none, and ofproto/trace does not install any (each case
/// checks that table 20 still holds only the controller's flows), so both sides see the same tables.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[NonParallelizable]
public sealed class TraceAgainstOvsTests
{
    private const string Unknown = "02:00:00:00:00:99";

    private OverlayBed? _bed;
    private TenantVm _a1 = null!, _b1 = null!, _a2 = null!, _b2 = null!;
    private string _dhcpServer = null!;

    private OverlayBed Bed => _bed ?? throw new InvalidOperationException("no bed");

    private OvsHypervisor H1 => Bed.Hosts[0];

    private OvsHypervisor H2 => Bed.Hosts[1];

    public static IEnumerable<string> Cases() =>
    [
        "a-unicast-known", "b-unicast-known", "a-unicast-known-from-h2", "a-tcp-known",
        "a-unicast-unknown", "b-unicast-unknown", "a-broadcast", "b-broadcast", "a-multicast",
        "a-arp-known-remote", "b-arp-known-remote", "a-arp-known-local", "a-arp-dhcp-server",
        "a-arp-unknown", "b-arp-unknown", "a-arp-reply-unicast", "a-arp-frame-hex",
        "a-dhcp-discover", "b-dhcp-discover", "wrong-vlan", "untagged-from-patch",
        "a-from-tunnel", "b-from-tunnel", "a-broadcast-from-tunnel", "a-arp-from-tunnel", "unknown-tun-id",
    ];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        OvsPreconditions.RequireRootAndOvs();
        _bed = await OverlayBed.CreateAsync(2, TunnelType.Vxlan);
        var c = Bed.Controller;
        var ta = await c.CreateTenantAsync("a-" + Bed.Topology.Prefix);
        var tb = await c.CreateTenantAsync("b-" + Bed.Topology.Prefix);
        var netA = await c.PostAsync("networks", new { tenantId = ta, name = "a-net", tunnelType = "vxlan", segmentId = 100, cidr = "10.0.0.0/24" });
        var netB = await c.CreateNetworkAsync(tb, "b-net", TunnelType.Vxlan, 200);
        var a = netA["id"]!.GetValue<string>();
        _dhcpServer = netA["dhcpServer"]!.GetValue<string>();
        _a1 = await Bed.AddVmAsync(H1, "a1", a, "10.0.0.1/24");
        _b1 = await Bed.AddVmAsync(H1, "b1", netB, "10.0.0.1/24");
        _b2 = await Bed.AddVmAsync(H2, "b2", netB, "10.0.0.2/24");
        _a2 = await Bed.AddVmAsync(H2, "a2", a, "10.0.0.2/24");
        await Bed.WaitInSyncAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_bed is not null)
        {
            await _bed.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task OurTrace_MatchesOfprotoTrace(string name)
    {
        var (host, query) = Case(name);
        var ours = await Bed.Controller.GetAsync($"trace?host={Bed.HostId(host)}&{query}");
        var hops = ours["hops"]!.AsArray();
        Assert.That(hops, Is.Not.Empty);
        var compared = 0;
        foreach (var hop in hops)
        {
            var onHost = Bed.Hosts.Single(h => Bed.HostId(h) == hop!["hostId"]!.GetValue<string>());
            var flow = hop!["input"]!["flow"]!.GetValue<string>();
            var inPort = hop["inPort"]!.GetValue<uint>();
            var ovs = OvsTrace.Parse((await onHost.AppctlAsync("ofproto/trace", OvsHypervisor.BrTun, flow)).Stdout, inPort);
            var context = $"case {name}, hop {hop["index"]} on {onHost.Namespace}\nflow: {flow}\n--- ours:\n{hop.ToJsonString()}\n--- ofproto/trace:\n{ovs.Raw}";
            var steps = hop["steps"]!.AsArray();
            var outputs = hop["outputs"]!.AsArray();
            var ourTables = steps.Select(s => (s!["table"]!.GetValue<int>(), s["priority"]?.GetValue<int>())).ToList();
            var ourPorts = outputs.Select(o => o!["port"]!.GetValue<uint>()).ToList();
            var last = steps[^1]!["packet"]!;
            var tunnels = outputs.Where(o => o!["kind"]!.GetValue<string>() is "tunnel" or "tunnel-unresolved").ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(ourTables, Is.EqualTo(ovs.Tables), "tables and priorities\n" + context);
                Assert.That(ourPorts, Is.EqualTo(ovs.Outputs), "output ports\n" + context);
                Assert.That(ovs.FinalFlow.GetValueOrDefault("dl_src"), Is.EqualTo(last["ethSrc"]!.GetValue<string>()), "final dl_src\n" + context);
                Assert.That(ovs.FinalFlow.GetValueOrDefault("dl_dst"), Is.EqualTo(last["ethDst"]!.GetValue<string>()), "final dl_dst\n" + context);
                Assert.That(OvsVlan(ovs.FinalFlow), Is.EqualTo(last["vlan"]?.GetValue<int>()), "final VLAN\n" + context);
                Assert.That(ovs.FinalFlow.GetValueOrDefault("tun_id", "0x0"), Is.EqualTo(last["tunId"]!.GetValue<string>()), "final tun_id\n" + context);
                if (last["arp"] is { } arp)
                {
                    Assert.That(ovs.FinalFlow.GetValueOrDefault("arp_op"), Is.EqualTo(arp["op"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture)), "final arp_op\n" + context);
                    Assert.That(ovs.FinalFlow.GetValueOrDefault("arp_spa"), Is.EqualTo(arp["spa"]!.GetValue<string>()), "final arp_spa\n" + context);
                    Assert.That(ovs.FinalFlow.GetValueOrDefault("arp_tpa"), Is.EqualTo(arp["tpa"]!.GetValue<string>()), "final arp_tpa\n" + context);
                    Assert.That(ovs.FinalFlow.GetValueOrDefault("arp_sha"), Is.EqualTo(arp["sha"]!.GetValue<string>()), "final arp_sha\n" + context);
                    Assert.That(ovs.FinalFlow.GetValueOrDefault("arp_tha"), Is.EqualTo(arp["tha"]!.GetValue<string>()), "final arp_tha\n" + context);
                }

                if (ourPorts.Count == 0)
                {
                    Assert.That(ovs.DatapathActions, Is.EqualTo("drop"), "datapath actions\n" + context);
                }
                else
                {
                    Assert.That(Count(ovs.DatapathActions, "tnl_push("), Is.EqualTo(tunnels.Count), "one tnl_push per tunnel output\n" + context);
                    foreach (var t in tunnels)
                    {
                        var vni = t!["packet"]!["tunId"]!.GetValue<string>();
                        Assert.That(ovs.DatapathActions, Does.Contain($"vni={vni})"), "VNI of a tunnel output\n" + context);
                    }

                    var toController = outputs.Any(o => o!["kind"]!.GetValue<string>() == "controller");
                    Assert.That(ovs.DatapathActions.Contains("userspace(", StringComparison.Ordinal), Is.EqualTo(toController), "controller action\n" + context);
                }
            }

            compared++;
        }

        var learned = await H1.DumpFlowsAsync(OvsHypervisor.BrTun, "table=20");
        var learned2 = await H2.DumpFlowsAsync(OvsHypervisor.BrTun, "table=20");
        Assert.That(learned.Concat(learned2).Where(f => f.Cookie == 0xb70ffffffffffffUL), Is.Empty, "ofproto/trace installed a learned flow; later cases would see a different table 20");
        TestContext.Out.WriteLine($"{name}: {compared} hop(s) compared\n{await Bed.Controller.Http.GetStringAsync($"trace?host={Bed.HostId(host)}&{query}&format=text")}");
    }

    private static int? OvsVlan(IReadOnlyDictionary<string, string> f) =>
        f.TryGetValue("dl_vlan", out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : null;

    private static int Count(string s, string what)
    {
        var n = 0;
        for (var i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    private (OvsHypervisor Host, string Query) Case(string name)
    {
        var (a1, b1, a2, b2) = (_a1, _b1, _a2, _b2);
        string Vm(TenantVm vm, string dst) => $"inPort=patch-int&vlan={vm.Vlan}&ethSrc={vm.Mac}&ethDst={dst}";
        string Arp(TenantVm vm, string tpa) => Vm(vm, "ff:ff:ff:ff:ff:ff") + $"&arpOp=request&arpSpa={vm.Ip}&arpTpa={tpa}";
        string FromTunnel(OvsHypervisor peer, uint tunId, string src, string dst) =>
            $"inPort={OvsHypervisor.TunnelPortName(TunnelType.Vxlan, peer.UnderlayIp!)}&tunId={tunId}&ethSrc={src}&ethDst={dst}";
        return name switch
        {
            "a-unicast-known" => (H1, Vm(a1, a2.Mac) + "&ipSrc=10.0.0.1&ipDst=10.0.0.2"),
            "b-unicast-known" => (H1, Vm(b1, b2.Mac) + "&ipSrc=10.0.0.1&ipDst=10.0.0.2"),
            "a-unicast-known-from-h2" => (H2, Vm(a2, a1.Mac) + "&ipSrc=10.0.0.2&ipDst=10.0.0.1"),
            "a-tcp-known" => (H1, Vm(a1, a2.Mac) + "&ipSrc=10.0.0.1&ipDst=10.0.0.2&ipProto=tcp&srcPort=40000&dstPort=80"),
            "a-unicast-unknown" => (H1, Vm(a1, Unknown)),
            "b-unicast-unknown" => (H1, Vm(b1, Unknown)),
            "a-broadcast" => (H1, Vm(a1, "ff:ff:ff:ff:ff:ff") + "&ipSrc=10.0.0.1&ipDst=10.0.0.255&ipProto=udp&srcPort=5000&dstPort=5000"),
            "b-broadcast" => (H1, Vm(b1, "ff:ff:ff:ff:ff:ff")),
            "a-multicast" => (H1, Vm(a1, "01:00:5e:00:00:fb") + "&ipSrc=10.0.0.1&ipDst=224.0.0.251"),
            "a-arp-known-remote" => (H1, Arp(a1, "10.0.0.2")),
            "b-arp-known-remote" => (H1, Arp(b1, "10.0.0.2")),
            "a-arp-known-local" => (H1, Arp(a1, "10.0.0.1")),
            "a-arp-dhcp-server" => (H1, Arp(a1, _dhcpServer)),
            "a-arp-unknown" => (H1, Arp(a1, "10.0.0.99")),
            "b-arp-unknown" => (H2, Arp(b2, "10.0.0.99")),
            "a-arp-reply-unicast" => (H1, Vm(a1, a2.Mac) + $"&arpOp=reply&arpSpa=10.0.0.1&arpTpa=10.0.0.2&arpTha={a2.Mac}"),
            "a-arp-frame-hex" => (H1, $"inPort=patch-int&frame={ArpFrameHex(a1)}"),
            "a-dhcp-discover" => (H1, Vm(a1, "ff:ff:ff:ff:ff:ff") + "&ipSrc=0.0.0.0&ipDst=255.255.255.255&ipProto=udp&srcPort=68&dstPort=67"),
            "b-dhcp-discover" => (H1, Vm(b1, "ff:ff:ff:ff:ff:ff") + "&ipSrc=0.0.0.0&ipDst=255.255.255.255&ipProto=udp&srcPort=68&dstPort=67"),
            "wrong-vlan" => (H1, $"inPort=patch-int&vlan=99&ethSrc={a1.Mac}&ethDst={a2.Mac}"),
            "untagged-from-patch" => (H1, $"inPort=patch-int&ethSrc={a1.Mac}&ethDst={a2.Mac}"),
            "a-from-tunnel" => (H1, FromTunnel(H2, 100, a2.Mac, a1.Mac)),
            "b-from-tunnel" => (H1, FromTunnel(H2, 200, b2.Mac, b1.Mac)),
            "a-broadcast-from-tunnel" => (H2, FromTunnel(H1, 100, a1.Mac, "ff:ff:ff:ff:ff:ff")),
            "a-arp-from-tunnel" => (H2, FromTunnel(H1, 100, a1.Mac, "ff:ff:ff:ff:ff:ff") + "&arpOp=request&arpSpa=10.0.0.1&arpTpa=10.0.0.2"),
            "unknown-tun-id" => (H1, FromTunnel(H2, 999, a2.Mac, a1.Mac)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such case"),
        };
    }

    // An 802.1Q-tagged ARP request from a1 for 10.0.0.2, as bytes on the wire.
    private static string ArpFrameHex(TenantVm vm)
    {
        var mac = vm.Mac.Replace(":", string.Empty, StringComparison.Ordinal);
        var vlan = (0x0000 | vm.Vlan).ToString("x4", CultureInfo.InvariantCulture);
        return "ffffffffffff" + mac + "8100" + vlan + "0806" + "0001080006040001" + mac + "0a000001" + "000000000000" + "0a000002";
    }
}
