using Integration.Tests.Harness;

namespace Integration.Tests.Plumbing;

/// <summary>
/// Issue 9, proof 2: a fourth host joins with set-manager only and every host gets its tunnel, its VMs reach the
/// others; a host deleted over REST loses its tunnels on every other host, and nothing else on them changes.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[Parallelizable(ParallelScope.Self)]
public sealed class ZeroTouchMembershipTests
{
    private const TunnelType Tunnel = TunnelType.Vxlan;

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet");

    [Test]
    public async Task FourthHostJoins_EveryHostGetsItsTunnel_AndItsVmReachesTheOthers()
    {
        await using var bed = await ZeroTouchBed.CreateAsync(3);
        var net = await bed.CreateNetworkAsync("a", Tunnel, 100);
        var vms = new List<BoundVm>();
        foreach (var h in bed.Hosts)
        {
            vms.Add(await bed.AddVmAsync(h, $"a{h.Index}", net, $"10.0.0.{h.Index}/24"));
        }

        await bed.WaitForMeshAsync([Tunnel]);
        var before = new Dictionary<OvsHypervisor, IReadOnlyDictionary<string, string>>();
        foreach (var h in bed.Hosts)
        {
            before[h] = await ZeroTouchBed.RowIdsAsync(h);
        }

        var h4 = await bed.AddHostAsync(4);
        var a4 = await bed.AddVmAsync(h4, "a4", net, "10.0.0.4/24");
        await bed.WaitForMeshAsync([Tunnel]);
        await bed.WaitForSegmentsAsync(bed.Hosts.ToDictionary(h => h, _ => new uint[] { 100 }));

        using (Assert.EnterMultipleScope())
        {
            foreach (var h in bed.Hosts.Where(h => h != h4))
            {
                var after = await ZeroTouchBed.RowIdsAsync(h);
                var added = after.Keys.Except(before[h].Keys).ToList();
                Assert.That(added, Is.EquivalentTo(new[]
                {
                    $"port:{OvsHypervisor.TunnelPortName(Tunnel, bed.Topology.UnderlayIp(h4))}",
                    $"interface:{OvsHypervisor.TunnelPortName(Tunnel, bed.Topology.UnderlayIp(h4))}",
                }), $"{h.Namespace} gains exactly the tunnel to the new host");
                Assert.That(before[h].Where(kv => after.GetValueOrDefault(kv.Key) != kv.Value), Is.Empty, $"no row on {h.Namespace} was replaced");
            }

            foreach (var vm in vms)
            {
                Assert.That(await Reach.PingAfterWarmUpAsync(a4, vm.Ip), Is.EqualTo(3), $"a4 -> {vm.Vm.Name}");
            }

            Assert.That(await Reach.PingAfterWarmUpAsync(vms[0], a4.Ip), Is.EqualTo(3), "a1 -> a4");
        }
    }

    [Test]
    public async Task HostDeletedOverRest_ItsTunnelsVanishFromAllHosts_AndNothingElseChanges()
    {
        await using var bed = await ZeroTouchBed.CreateAsync(3);
        var net = await bed.CreateNetworkAsync("a", Tunnel, 100);
        var vms = new List<BoundVm>();
        foreach (var h in bed.Hosts)
        {
            vms.Add(await bed.AddVmAsync(h, $"a{h.Index}", net, $"10.0.0.{h.Index}/24"));
        }

        await bed.WaitForMeshAsync([Tunnel]);
        Assert.That(await Reach.PingAfterWarmUpAsync(vms[0], vms[1].Ip), Is.EqualTo(3), "a1 -> a2 before");
        var (h1, h2, h3) = (bed.Hosts[0], bed.Hosts[1], bed.Hosts[2]);
        var h3Id = bed.HostId(h3);
        var gone = OvsHypervisor.TunnelPortName(Tunnel, bed.Topology.UnderlayIp(h3));
        var before = new Dictionary<OvsHypervisor, IReadOnlyDictionary<string, string>>
        {
            [h1] = await ZeroTouchBed.RowIdsAsync(h1),
            [h2] = await ZeroTouchBed.RowIdsAsync(h2),
        };
        var tags = new[] { await vms[0].Vm.ReadTagAsync(), await vms[1].Vm.ReadTagAsync() };

        // Decommission: the host goes away (daemons stopped), then the operator deletes it and its port over REST.
        await bed.Topology.RemoveHostAsync(h3);
        await bed.Rest.DeleteAsync($"ports/{vms[2].PortId}");
        await bed.Rest.DeleteAsync($"hosts/{h3Id}");

        await bed.WaitForMeshAsync([Tunnel]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await bed.Rest.TryGetAsync($"hosts/{h3Id}"), Is.Null);
            foreach (var h in new[] { h1, h2 })
            {
                var after = await ZeroTouchBed.RowIdsAsync(h);
                Assert.That(before[h].Keys.Except(after.Keys), Is.EquivalentTo(new[] { $"port:{gone}", $"interface:{gone}" }), $"{h.Namespace} loses exactly the tunnel to h3");
                Assert.That(after.Keys.Except(before[h].Keys), Is.Empty, $"nothing new on {h.Namespace}");
                Assert.That(after.Where(kv => before[h][kv.Key] != kv.Value), Is.Empty, $"no row on {h.Namespace} was replaced");
            }

            Assert.That(new[] { await vms[0].Vm.ReadTagAsync(), await vms[1].Vm.ReadTagAsync() }, Is.EqualTo(tags), "VM tags unchanged");
            Assert.That(await Reach.PingAfterWarmUpAsync(vms[0], vms[1].Ip), Is.EqualTo(3), "a1 -> a2 after");
        }
    }
}
