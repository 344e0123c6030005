using Tests.Shared;
using System.Globalization;
using Controller.Reconcile;
using Integration.Tests.Harness;

namespace Integration.Tests.Overlay;

/// <summary>
/// Flows changed by hand on a real OVS while it stays connected: the reconciler's audit (a short
/// Runtime:AuditInterval here) notices and repairs them, counts the repairs, and leaves a flow under
/// a foreign cookie alone.
/// </summary>
[TestFixture]
[Category("RealOvs")]
[NonParallelizable]
public sealed class DriftRepairTests
{
    private const ulong BrTunPrefix = 0x0b70_0000_0000_0000UL;
    private const ulong LearnedCookie = 0x0b70_ffff_ffff_ffffUL;
    private static readonly TimeSpan Audit = TimeSpan.FromMilliseconds(500);

    [SetUp]
    public void RequireOvs() => OvsPreconditions.RequireRootAndOvs();

    private static bool Ours(DumpedFlow f) => (f.Cookie & 0xffff_0000_0000_0000UL) == BrTunPrefix && f.Cookie != LearnedCookie;

    private static string Spec(DumpedFlow f) =>
        string.Create(CultureInfo.InvariantCulture, $"table={f.Table},priority={f.Priority}{(f.Match.Length == 0 ? string.Empty : "," + f.Match)}");

    [Test]
    public async Task DeletedModifiedAndAddedFlowsUnderOurCookie_AreRepairedWithinTheAudit_ForeignSurvives()
    {
        await using var bed = await OverlayBed.CreateAsync(2, TunnelType.Vxlan, new Dictionary<string, string?>
        {
            ["Runtime:AuditInterval"] = "00:00:00.500",
            ["Runtime:AuditFullEvery"] = "2",

            // This test proves the audit: the flow monitor (FlowMonitorDriftTests) would repair first.
            ["Runtime:FlowMonitor"] = "false",
        });
        var host = bed.Hosts[0];
        var dpid = bed.DatapathId(host);
        await bed.WaitInSyncAsync();
        var reference = (await host.DumpFlowsAsync()).Where(Ours).Select(f => f.Stable).Order(StringComparer.Ordinal).ToList();
        var ours = (await host.DumpFlowsAsync()).Where(Ours).Where(f => f.Match.Length != 0).ToList();
        Assert.That(ours, Has.Count.GreaterThanOrEqualTo(2), "br-tun has flows with a match to play with");

        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x1234000000000001,table=0,priority=999,dl_dst=02:00:00:00:99:01,actions=drop");
        var reconciler = bed.Controller.Runtime.FindReconciler(dpid)!;
        var repairsBefore = reconciler.DriftRepairs;
        var started = DateTime.UtcNow;

        await host.OfctlAsync("--strict", "del-flows", OvsHypervisor.BrTun, Spec(ours[0]));
        await host.OfctlAsync("--strict", "mod-flows", OvsHypervisor.BrTun, Spec(ours[1]) + ",actions=drop");
        await host.OfctlAsync("add-flow", OvsHypervisor.BrTun, "cookie=0x0b70000000000abc,table=0,priority=77,dl_dst=02:00:00:00:99:02,actions=drop");

        var repaired = await host.WaitForFlowsAsync(
            dump => dump.Where(Ours).Select(f => f.Stable).Order(StringComparer.Ordinal).SequenceEqual(reference),
            TimeSpan.FromSeconds(2 * 2 * Audit.TotalSeconds + 3),
            what: "our flows back as the reconciler installed them");
        var took = DateTime.UtcNow - started;
        await Poll.UntilAsync(() => Task.FromResult(reconciler.DriftRepairs - repairsBefore >= 3 && reconciler.State == ReconcilerState.InSync), TimeSpan.FromSeconds(5), "the repairs to be counted");
        var rest = await bed.Controller.FlowsAsync(dpid);
        await TestContext.Out.WriteLineAsync($"repaired {reconciler.DriftRepairs - repairsBefore} flows in {took.TotalMilliseconds:F0} ms (audit every {Audit.TotalMilliseconds} ms, a dump every 2nd audit)");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(repaired.Any(f => f.Cookie == 0x1234000000000001UL), Is.True, "the foreign-cookie flow survives");
            Assert.That(reconciler.DriftRepairs - repairsBefore, Is.EqualTo(3), "one put back, one restored, one deleted");
            Assert.That(rest["state"]!.GetValue<string>(), Is.EqualTo("in_sync"));
            Assert.That(rest["driftRepairs"]!.GetValue<long>(), Is.EqualTo(reconciler.DriftRepairs));
            Assert.That(rest["confirmedVersion"]!.GetValue<long>(), Is.EqualTo(reconciler.ConfirmedVersion).And.GreaterThanOrEqualTo(0));
        }
    }
}
