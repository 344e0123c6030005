using System.Net;
using Integration.Tests.Harness;
using Tests.Shared;

namespace Integration.Tests.Cluster;

/// <summary>
/// Issue 11's third proof with real processes: three controllers sharing one etcd store (<see cref="ClusterBed"/>)
/// lose etcd's quorum (two of three members SIGKILLed) during a continuous ping between VMs on two hosts. The REST
/// details of quorum loss (problem details, <c>ambiguous</c>, convergence of two racing stores) are
/// <c>Controller.Tests</c>' <c>EtcdControllerClusterTests.Quorum_loss_...</c>; this one adds the data plane and the
/// cluster: traffic and flows while no member can hold a lease, and everything back once the members return.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("RealOvs")]
internal sealed class ClusterQuorumTests
{
    private static readonly string[] Collections = ["tenants", "networks", "hosts", "ports"];

    [Test]
    public async Task QuorumLossRefusesWritesOnEveryMemberWhileTrafficAndFlowsGoOnAndEverythingConvergesWhenItReturns()
    {
        await using var bed = await ClusterBed.CreateAsync();
        await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
        var before = await IdsAsync(bed.Controllers[0]);
        Assert.That(await bed.Vms[0].PingAsync(bed.Vms[1].Ip, 3), Is.EqualTo(3), "the overlay works before");
        var portsBefore = await Task.WhenAll(bed.Hosts.Select(h => h.ListPortsAsync(OvsHypervisor.BrTun)));
        var refusedTenants = new List<string>();
        var monitors = await Task.WhenAll(bed.Hosts.Select(h => h.StartFlowMonitorAsync()));
        try
        {
            var ping = bed.Vms[0].PingAsync(bed.Vms[1].Ip, count: 100); // 20 s at 0.2 s
            await Task.Delay(TimeSpan.FromSeconds(1));
            bed.Etcd.Kill(1);
            bed.Etcd.Kill(2);

            // Writes (tenants: they change no flow, whatever becomes of an ambiguous one) answer 503 on every member;
            // reads answer from the member's last state and say it may be stale.
            foreach (var c in bed.Controllers)
            {
                RestAnswer write = null!;
                await Poll.UntilAsync(
                    async () =>
                    {
                        var name = $"outage-{bed.MemberOf(c)}-{refusedTenants.Count}";
                        refusedTenants.Add(name);
                        write = await c.Rest.SendAsync(HttpMethod.Post, "tenants", new { name });
                        return write.Status == HttpStatusCode.ServiceUnavailable;
                    },
                    TimeSpan.FromSeconds(30),
                    $"{c.Namespace} to refuse writes with 503");
                var read = await c.Rest.SendAsync(HttpMethod.Get, "ports");
                var store = await c.Rest.SendAsync(HttpMethod.Get, "store");
                using (Assert.EnterMultipleScope())
                {
                    Assert.That(write.Body?["status"]?.GetValue<int>(), Is.EqualTo(503), $"{c.Namespace}: a problem details answer: {write.Text}");
                    Assert.That(read.Status, Is.EqualTo(HttpStatusCode.OK), $"{c.Namespace} still reads");
                    Assert.That(read.Stale, Is.True, $"{c.Namespace} marks the read as possibly stale (X-Store-Stale)");
                    Assert.That(read.Body!.AsArray().Select(p => p!["id"]!.GetValue<string>()), Is.EquivalentTo(before["ports"]), $"{c.Namespace} answers from its last state");
                    Assert.That(store.Body?["stale"]?.GetValue<bool>(), Is.True, $"{c.Namespace}: GET /store says stale");
                }
            }

            var received = await ping;
            Assert.That(received, Is.EqualTo(100), "no ping lost while etcd had no quorum");

            // The members come back: writes work again on every member and everything converges.
            bed.Etcd.Restart(1);
            bed.Etcd.Restart(2);
            await bed.Etcd.WaitHealthyAsync(TimeSpan.FromSeconds(30));
            var written = new List<string>();
            foreach (var c in bed.Controllers)
            {
                RestAnswer answer = null!;
                await Poll.UntilAsync(
                    async () => (answer = await c.Rest.SendAsync(HttpMethod.Post, "tenants", new { name = $"after-{bed.MemberOf(c)}-{written.Count}-{Guid.NewGuid():N}" })).Status == HttpStatusCode.Created,
                    TimeSpan.FromSeconds(30),
                    $"{c.Namespace} to write again");
                written.Add(answer.Body!["id"]!.GetValue<string>());
            }

            await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
            foreach (var id in written)
            {
                await bed.WaitEverywhereAsync($"tenants/{id}");
            }

            foreach (var c in bed.Controllers)
            {
                await Poll.UntilAsync(async () => !(await c.Rest.SendAsync(HttpMethod.Get, "ports")).Stale, TimeSpan.FromSeconds(30), $"{c.Namespace}: reads no longer stale");
            }

            var flowMods = monitors.SelectMany(m => m.Events).Where(e => !e.Contains("cookie=0xb70ffffffffffff", StringComparison.Ordinal)).ToList();
            var portsAfter = await Task.WhenAll(bed.Hosts.Select(h => h.ListPortsAsync(OvsHypervisor.BrTun)));
            using (Assert.EnterMultipleScope())
            {
                Assert.That(flowMods, Is.Empty, "no flow changed on the switches, during the outage or after");
                for (var i = 0; i < bed.Hosts.Count; i++)
                {
                    Assert.That(portsAfter[i], Is.EquivalentTo(portsBefore[i]), $"{bed.Hosts[i].Namespace}: the plumbing is unchanged");
                }

                foreach (var c in bed.Controllers)
                {
                    var now = await IdsAsync(c);
                    foreach (var collection in Collections.Where(k => k != "tenants"))
                    {
                        Assert.That(now[collection], Is.EquivalentTo(before[collection]), $"{c.Namespace}: every {collection[..^1]} written before is there, nothing else");
                    }

                    // Tenants: those before, those written after, and at most those whose refused write was ambiguous.
                    var tenants = (await c.Rest.GetAsync("tenants")).AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!["name"]!.GetValue<string>());
                    Assert.That(tenants.Keys, Is.SupersetOf(before["tenants"].Concat(written)), $"{c.Namespace}: every tenant written before and after is there");
                    Assert.That(tenants.Where(t => !before["tenants"].Contains(t.Key) && !written.Contains(t.Key)).Select(t => t.Value), Is.SubsetOf(refusedTenants), $"{c.Namespace}: nothing else, but perhaps an ambiguous write of the outage");
                }
            }

            Assert.That(await bed.Vms[0].PingAsync(bed.Vms[1].Ip, 3), Is.EqualTo(3), "the overlay works after");
        }
        finally
        {
            foreach (var m in monitors)
            {
                await m.DisposeAsync();
            }
        }
    }

    private static async Task<Dictionary<string, List<string>>> IdsAsync(ControllerProcess c)
    {
        var ids = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var collection in Collections)
        {
            ids[collection] = [.. (await c.Rest.GetAsync(collection)).AsArray().Select(x => x!["id"]!.GetValue<string>())];
        }

        return ids;
    }
}
