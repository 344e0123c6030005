using System.Diagnostics;
using System.Globalization;
using Integration.Tests.Harness;
using Integration.Tests.Plumbing;
using Tests.Shared;

namespace Integration.Tests.Cluster;

/// <summary>
/// One OVSDB writer per host with three controllers managing every host (<see cref="ClusterBed"/>): exactly one
/// member transacts on a host; a SIGKILLed writer is replaced and the new one repairs the plumbing; a writer
/// SIGSTOPped past its lease is fenced by the host's ovsdb-server itself and rejoins as a watcher. What a member
/// sent is read from each ovsdb-server's own JSON-RPC log, not from the controllers.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("RealOvs")]
internal sealed class HostWriterFailoverTests
{
    [Test]
    public async Task ExactlyOneMemberWritesEachHostAndASigkilledWritersSuccessorRepairsThePlumbing()
    {
        await using var bed = await ClusterBed.CreateAsync();
        await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
        var host = bed.Hosts[0];
        var writers = new Dictionary<OvsHypervisor, string>();
        foreach (var h in bed.Hosts)
        {
            var answers = new List<string?>();
            foreach (var c in bed.Controllers)
            {
                answers.Add((await bed.WriterOfAsync(c, h)).Master);
            }

            Assert.That(answers.Distinct().ToList(), Has.Count.EqualTo(1).And.None.Null, $"{h.Namespace}: every member names the same writer");
            writers[h] = answers[0]!;
            using (Assert.EnterMultipleScope())
            {
                foreach (var c in bed.Controllers)
                {
                    var sent = h.ManagerTransactionsFrom(c.Ip);
                    if (bed.MemberOf(c) == writers[h])
                    {
                        Assert.That(sent, Is.Not.Empty, $"{h.Namespace}: its writer {writers[h]} plumbed it");
                    }
                    else
                    {
                        Assert.That(sent, Is.Empty, $"{h.Namespace}: {bed.MemberOf(c)} is not its writer and never sent a transaction");
                        var status = (await c.Rest.GetAsync($"hosts/{bed.HostIds[h]}"))["ovsdb"]!;
                        Assert.That(status["connected"]!.GetValue<bool>(), Is.True, $"{bed.MemberOf(c)} keeps its OVSDB connection to {h.Namespace}");
                        Assert.That(status["writer"]!.GetValue<string>(), Is.EqualTo(writers[h]));
                    }
                }
            }
        }

        var victim = bed.ByMember(writers[host]);
        var survivors = bed.Controllers.Where(c => c != victim).ToList();
        var (_, generation) = await bed.WriterOfAsync(survivors[0], host);
        Assert.That(await bed.Vms[0].PingAsync(bed.Vms[1].Ip, 3), Is.EqualTo(3), "the overlay works before");

        var ping = bed.Vms[0].PingAsync(bed.Vms[1].Ip, count: 40); // 8 s at 0.2 s
        await Task.Delay(TimeSpan.FromSeconds(1));
        var killed = Stopwatch.StartNew();
        await victim.KillAsync();
        var (next, nextGeneration) = await ClusterBed.TakeoverAsync(writers[host], () => bed.WriterOfAsync(survivors[0], host), ClusterBed.TokenCommittedOn(host), TimeSpan.FromSeconds(15), "another member to take the host over and set its token on the host");
        var takeover = killed.Elapsed;
        await TestContext.Out.WriteLineAsync($"OVSDB writer takeover after SIGKILL of {writers[host]}: {takeover.TotalMilliseconds:F0} ms, {next} with generation {nextGeneration} (was {generation})");
        var received = await ping;

        // The new writer repairs: a tunnel port deleted by hand comes back, sent by the new writer.
        var newWriter = bed.ByMember(next);
        var tunnel = OvsHypervisor.TunnelPortName(TunnelType.Vxlan, bed.Underlay.IpOf(bed.Hosts[1]));
        var before = host.ManagerTransactionsFrom(newWriter.Ip).Count;
        await host.VsctlAsync("del-port", OvsHypervisor.BrTun, tunnel);
        await bed.WaitForMeshAsync(TimeSpan.FromSeconds(30));
        await bed.WaitConvergedAsync(survivors, TimeSpan.FromSeconds(30));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(takeover, Is.LessThan(TimeSpan.FromSeconds(3)), "takeover time");
            Assert.That(nextGeneration, Is.GreaterThan(generation), "the new writer's generation is higher");
            Assert.That(received, Is.EqualTo(40), "no ping lost");
            Assert.That(host.ManagerTransactionsFrom(newWriter.Ip).Skip(before).Where(t => t.Reply?.Contains("\"error\"", StringComparison.Ordinal) == false), Is.Not.Empty, "the new writer restored the tunnel port");
            Assert.That(await bed.Vms[0].PingAsync(bed.Vms[1].Ip, 3), Is.EqualTo(3), "the overlay works after the repair");
        }
    }

    [Test]
    public async Task AWriterPausedPastItsLeaseIsFencedByTheHostsOvsdbServerAndRejoinsAsAWatcher()
    {
        await using var bed = await ClusterBed.CreateAsync();
        await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(60));
        var host = bed.Hosts[0];
        var (writer, generation) = await bed.WriterOfAsync(bed.Controllers[0], host);
        var paused = bed.ByMember(writer!);
        var others = bed.Controllers.Where(c => c != paused).ToList();
        var lastOwn = host.ManagerTransactionsFrom(paused.Ip).Last(t => t.Reply?.Contains("\"error\"", StringComparison.Ordinal) == false && t.Params.Contains("\"includes\"", StringComparison.Ordinal));
        Assert.That(lastOwn.Params, Does.Contain("ofc-writer").And.Contain($"{generation.ToString(CultureInfo.InvariantCulture)}@"), "the writer's transactions carry its token");

        string tunnel = OvsHypervisor.TunnelPortName(TunnelType.Vxlan, bed.Underlay.IpOf(bed.Hosts[1]));
        (string Owner, ulong Generation) next = default;
        await ClusterBed.WhilePausedAsync(paused, async () =>
        {
            next = await ClusterBed.TakeoverAsync(writer!, () => bed.WriterOfAsync(others[0], host), ClusterBed.TokenCommittedOn(host), TimeSpan.FromSeconds(15), "another member to take the paused writer's host over");

            // The new writer repairs what is changed behind its back.
            await host.VsctlAsync("del-port", OvsHypervisor.BrTun, tunnel);
            await bed.WaitForMeshAsync(TimeSpan.FromSeconds(30));

            // What the paused writer had sent, arriving only now (the case the fence is for: a writer that wakes
            // with a transaction already on its way): the server refuses it at the fence, the first operation
            // after the comment, so none of it is applied (a transaction is atomic).
            var replay = await host.ReplayAsync(lastOwn);
            await TestContext.Out.WriteLineAsync($"replayed the paused writer's last transaction: {replay}");
            Assert.That(replay, Does.StartWith("[{},{\"details\":\"\\\"where\\\" clause test failed\",\"error\":\"timed out\"}"), "refused at the fence");

            // And the shared store changes while it sleeps: a new host, so every host needs a tunnel to it. The new
            // writer builds it; the paused one wakes with a store that has not seen that host yet.
            var phantom = await others[1].Rest.PostAsync("hosts", new { name = "hv9", systemId = bed.SystemId(host) + "-9", tunnelIp = $"192.168.{bed.Underlay.Subnet}.9" });
            var toPhantom = OvsHypervisor.TunnelPortName(TunnelType.Vxlan, $"192.168.{bed.Underlay.Subnet}.9");
            await Poll.UntilAsync(async () => (await host.ListPortsAsync(OvsHypervisor.BrTun)).Contains(toPhantom), TimeSpan.FromSeconds(30), "the new writer builds the tunnel to the new host");
            await bed.WaitEverywhereAsync($"hosts/{phantom["id"]!.GetValue<string>()}", others);
            await bed.WaitConvergedAsync(others, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2)); // well past the 2 s lease
        });

        var token = await ClusterBed.TokenOnAsync(host);
        var ports = await host.ListPortsAsync(OvsHypervisor.BrTun);
        var logged = host.ManagerTransactions().Count;
        var monitors = await Task.WhenAll(bed.Hosts.Select(h => h.StartFlowMonitorAsync()));
        try
        {
            await paused.ResumeAsync();
            await bed.WaitConvergedAsync(bed.Controllers, TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2)); // time for any late write to show
            var afterWake = host.ManagerTransactions().Skip(logged).Where(t => t.Remote.StartsWith($"tcp:{paused.Ip}:", StringComparison.Ordinal)).ToList();
            var suppressed = await paused.Rest.MetricAsync("ofcontroller_cluster_host_writes_suppressed_total");
            var refused = await paused.Rest.MetricAsync("ofcontroller_cluster_host_writes_refused_total");
            var status = (await paused.Rest.GetAsync($"hosts/{bed.HostIds[host]}"))["ovsdb"]!;
            await TestContext.Out.WriteLineAsync($"paused {writer} (generation {generation}); now {next.Owner} (generation {next.Generation}); after waking it sent {afterWake.Count} transactions; suppressed {suppressed}, refused {refused}");
            using (Assert.EnterMultipleScope())
            {
                Assert.That(next.Generation, Is.GreaterThan(generation));
                Assert.That((await bed.WriterOfAsync(paused, host)).Master, Is.EqualTo(next.Owner), "the woken member did not take the host back");
                Assert.That(afterWake.Where(t => t.Reply?.Contains("clause test failed", StringComparison.Ordinal) != true), Is.Empty, "whatever it sent after waking was refused by the server");
                Assert.That(await ClusterBed.TokenOnAsync(host), Is.EqualTo(token), "the new writer's token stays");
                Assert.That(await host.ListPortsAsync(OvsHypervisor.BrTun), Is.EquivalentTo(ports), "nothing it did changed the plumbing");
                Assert.That(monitors.SelectMany(m => m.Events).Where(e => !e.Contains("cookie=0xb70ffffffffffff", StringComparison.Ordinal)), Is.Empty, "no flow changed");
                Assert.That(status["connected"]!.GetValue<bool>(), Is.True, "it keeps its OVSDB connection");
                Assert.That(status["writerIsSelf"]!.GetValue<bool>(), Is.False, "it rejoined as a watcher");
            }
        }
        finally
        {
            foreach (var m in monitors)
            {
                await m.DisposeAsync();
            }
        }
    }
}
