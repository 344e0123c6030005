using Tests.Shared;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// Three hypervisors with a full mesh of tunnels, programmed by the in-process controller and provisioned
/// only over REST. The mesh has loops; split horizon in the pipeline must keep every frame from circling.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Category("Overlay")]
[Parallelizable(ParallelScope.Self)]
public sealed class ThreeHostOverlayTests
{
    private const uint SegmentA = 100;
    private const uint SegmentB = 200;

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("tcpdump", "ethtool", "arping");

    [Test]
    public async Task FullMesh_OneArpingBroadcast_ReachesEveryOtherVmOfItsTenantExactlyOnce()
    {
        // The flood itself is the subject: with the ARP responder on, a request for a known IP never floods
        // (ArpResponderOverlayTests proves that), so this bed turns it off.
        await using var bed = await OverlayBed.CreateAsync(3, TunnelType.Vxlan, new Dictionary<string, string?> { ["Runtime:ArpResponder"] = "false" });
        var netA = await bed.CreateTenantNetworkAsync("a", SegmentA);
        var netB = await bed.CreateTenantNetworkAsync("b", SegmentB);
        var a = new List<TenantVm>();
        var b = new List<TenantVm>();
        foreach (var h in bed.Hosts)
        {
            a.Add(await bed.AddVmAsync(h, $"a{h.Index}", netA, $"10.0.0.{h.Index}/24"));
            b.Add(await bed.AddVmAsync(h, $"b{h.Index}", netB, $"10.0.0.{h.Index}/24"));
        }

        await bed.WaitInSyncAsync();

        // Warm every tunnel path first: the userspace datapath drops the first packet toward a tunnel
        // endpoint it has not resolved yet (DESIGN.md), which would make "exactly once" a race.
        foreach (var other in a.Skip(1))
        {
            await Poll.UntilAsync(
                async () => await a[0].Vm.PingAsync(other.Vm.Ip, count: 1, timeout: TimeSpan.FromSeconds(1)) == 1,
                TimeSpan.FromSeconds(10),
                $"a1 to reach {other.Vm.Ip}");
        }

        // Counters from here on are compared with this baseline (the warm-up pings flooded ARP too).
        var before = await Task.WhenAll(bed.Hosts.Select(h => h.DumpFlowsAsync()));
        long FloodBefore(int host) => OverlayFlows.Flood(before[host], SegmentA)?.Packets ?? 0;
        long FromTunnelBefore(int host) => OverlayFlows.FromTunnel(before[host], SegmentA)?.Packets ?? 0;

        var broadcastFromA1 = $"arp and ether src {a[0].Mac} and ether dst ff:ff:ff:ff:ff:ff";
        var othersA = await Task.WhenAll(a.Skip(1).Select(vm => vm.Vm.StartCaptureAsync(broadcastFromA1)));
        var allB = await Task.WhenAll(b.Select(vm => vm.Vm.StartCaptureAsync($"ether host {a[0].Mac}")));

        var replies = await a[0].Vm.ArpingAsync("10.0.0.2", count: 1);

        // Counters reach dump-flows with the revalidator's next pass: wait until each remote host counted the frame.
        var remote = await Task.WhenAll(bed.Hosts.Skip(1).Select((h, i) => h.WaitForFlowsAsync(
            f => OverlayFlows.FromTunnel(f, SegmentA) is { } t && t.Packets > FromTunnelBefore(i + 1), TimeSpan.FromSeconds(10), what: $"{h.Namespace} to count the broadcast")));
        var local = await bed.Hosts[0].WaitForFlowsAsync(f => OverlayFlows.Flood(f, SegmentA) is { } t && t.Packets > FloodBefore(0), TimeSpan.FromSeconds(10));
        var seenA = await Task.WhenAll(othersA.Select(c => c.StopAsync()));
        var seenB = await Task.WhenAll(allB.Select(c => c.StopAsync()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(replies, Is.EqualTo(1), "a2 answers the ARP request");
            for (var i = 0; i < seenA.Length; i++)
            {
                Assert.That(seenA[i], Has.Count.EqualTo(1), $"a{i + 2} receives the broadcast exactly once");
            }

            for (var i = 0; i < seenB.Length; i++)
            {
                Assert.That(seenB[i], Is.Empty, $"b{i + 1} sees nothing of tenant A");
            }

            Assert.That(OverlayFlows.Flood(local, SegmentA)!.Packets - FloodBefore(0), Is.EqualTo(1), "host 1 floods the broadcast once");
            for (var i = 0; i < remote.Length; i++)
            {
                Assert.That(OverlayFlows.FromTunnel(remote[i], SegmentA)!.Packets - FromTunnelBefore(i + 1), Is.InRange(1, 2), "a host receives the broadcast once (plus at most the reply)");
                Assert.That(OverlayFlows.Flood(remote[i], SegmentA)!.Packets - FloodBefore(i + 1), Is.Zero, "no host floods a frame that came from a tunnel");
            }
        }
    }

    [Test]
    public async Task PortAddedOverRest_OnAThirdHost_BecomesReachable()
    {
        await using var bed = await OverlayBed.CreateAsync(3, TunnelType.Vxlan);
        var net = await bed.CreateTenantNetworkAsync("a", SegmentA);
        var a1 = await bed.AddVmAsync(bed.Hosts[0], "a1", net, "10.0.0.1/24");
        await bed.AddVmAsync(bed.Hosts[1], "a2", net, "10.0.0.2/24");
        await bed.WaitInSyncAsync();
        var h3Before = await bed.Hosts[2].DumpFlowsAsync();
        Assert.That(await a1.Vm.PingAsync("10.0.0.2", count: 1), Is.EqualTo(1), "the first two hosts work");

        var a3 = await bed.AddVmAsync(bed.Hosts[2], "a3", net, "10.0.0.3/24");
        await bed.WaitInSyncAsync();
        var h3After = await bed.Hosts[2].DumpFlowsAsync();
        var received = await a1.Vm.PingAsync("10.0.0.3", count: 3);
        var back = await a3.Vm.PingAsync("10.0.0.2", count: 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(OverlayFlows.HasSegment(h3Before, SegmentA), Is.False, "host 3 had no port of the network");
            Assert.That(OverlayFlows.HasSegment(h3After, SegmentA), Is.True, "host 3 now maps the segment");
            Assert.That(received, Is.EqualTo(3), "a1 -> new a3");
            Assert.That(back, Is.EqualTo(3), "new a3 -> a2");
        }
    }

    [Test]
    public async Task PortDeletedOverRest_BecomesUnreachable_AndItsFlowsAreGone()
    {
        await using var bed = await OverlayBed.CreateAsync(3, TunnelType.Vxlan);
        var net = await bed.CreateTenantNetworkAsync("a", SegmentA);
        var a1 = await bed.AddVmAsync(bed.Hosts[0], "a1", net, "10.0.0.1/24");
        await bed.AddVmAsync(bed.Hosts[1], "a2", net, "10.0.0.2/24");
        var a3 = await bed.AddVmAsync(bed.Hosts[2], "a3", net, "10.0.0.3/24");
        await bed.WaitInSyncAsync();
        Assert.That(await a1.Vm.PingAsync("10.0.0.3", count: 2), Is.EqualTo(2), "a3 is reachable before the delete");
        var tunnelTo3 = await bed.Hosts[0].PortNumberAsync(OvsHypervisor.BrTun, bed.Topology.TunnelPort(bed.Hosts[0], bed.Hosts[2]));

        await bed.Controller.DeleteAsync($"ports/{a3.PortId}");
        await bed.WaitInSyncAsync();
        var received = await a1.Vm.PingAsync("10.0.0.3", count: 3);
        var stillA2 = await a1.Vm.PingAsync("10.0.0.2", count: 2);
        var dumps = await Task.WhenAll(bed.Hosts.Select(h => h.DumpFlowsAsync()));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received, Is.Zero, "the deleted port is unreachable (the VM is still plugged in)");
            Assert.That(stillA2, Is.EqualTo(2), "the rest of the network still works");
            Assert.That(dumps[2].Where(f => f.Cookie == OverlayFlows.SegmentCookie(SegmentA)), Is.Empty, "host 3 has no flow of the segment left");
            for (var i = 0; i < 2; i++)
            {
                Assert.That(
                    dumps[i].Where(f => f.Cookie != OverlayFlows.LearnedCookie && f.Match.Contains(a3.Mac, StringComparison.Ordinal)),
                    Is.Empty,
                    $"host {i + 1} has no controller flow for the deleted port's MAC");
            }

            Assert.That(OverlayFlows.Flood(dumps[0], SegmentA)?.Actions, Does.Not.Contain($"output:{tunnelTo3}"), "host 1 no longer floods the segment to host 3");
        }
    }
}
