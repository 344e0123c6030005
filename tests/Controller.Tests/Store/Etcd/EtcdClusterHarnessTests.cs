using System.Diagnostics;
using Tests.Shared;

namespace Controller.Tests.Store.Etcd;

/// <summary>The etcd test harness itself: a real 3-member cluster, quorum loss and recovery, clean stop.</summary>
[TestFixture]
[NonParallelizable]
public sealed class EtcdClusterHarnessTests
{
    [Test]
    public async Task ThreeMembers_ReplicateAndSurviveOneKill_LoseQuorumOnTwo_RecoverOnRestart()
    {
        await using var cluster = await EtcdCluster.StartAsync(3);
        var pids = Enumerable.Range(0, 3).Select(i => cluster.Pid(i)!.Value).ToArray();
        Assert.That(pids.Distinct().Count(), Is.EqualTo(3));

        Assert.That(await EtcdctlAsync(cluster.ClientEndpoint(0), "put", "/harness/a", "1"), Is.EqualTo((0, "OK")));
        Assert.That(await EtcdctlAsync(cluster.ClientEndpoint(2), "get", "--print-value-only", "/harness/a"), Is.EqualTo((0, "1")));

        cluster.Kill(1);
        Assert.That(cluster.IsRunning(1), Is.False);
        Assert.That(ProcessAlive(pids[1]), Is.False, "SIGKILL by PID leaves no process");
        // Two of three keep quorum; if the killed member led, the others elect a new leader first (about a second).
        Assert.That(await RetryAsync(() => EtcdctlAsync(cluster.ClientEndpoint(0), "put", "/harness/b", "2")), Is.EqualTo((0, "OK")), "two of three keep quorum");

        cluster.Kill(2);
        var (rc, _) = await EtcdctlAsync(cluster.ClientEndpoint(0), "put", "/harness/c", "3");
        Assert.That(rc, Is.Not.Zero, "one of three has no quorum: a write must fail");

        cluster.Restart(1);
        cluster.Restart(2);
        await cluster.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        Assert.That(await EtcdctlAsync(cluster.ClientEndpoint(2), "get", "--print-value-only", "/harness/b"), Is.EqualTo((0, "2")), "a write during the kill reached the restarted member");
        Assert.That(await RetryAsync(() => EtcdctlAsync(cluster.ClientEndpoint(1), "put", "/harness/d", "4")), Is.EqualTo((0, "OK")));

        var live = Enumerable.Range(0, 3).Select(i => cluster.Pid(i)!.Value).ToArray();
        var root = cluster.RootDir;
        await cluster.DisposeAsync();
        Assert.That(live.Where(ProcessAlive), Is.Empty, "Dispose stops every member by PID");
        Assert.That(Directory.Exists(root), Is.False, "Dispose removes the data dirs");
    }

    [Test]
    public async Task StopIsClean_AndRestartKeepsData()
    {
        await using var cluster = await EtcdCluster.StartAsync(1);
        Assert.That(await EtcdctlAsync(cluster.ClientEndpoint(0), "put", "/harness/x", "kept"), Is.EqualTo((0, "OK")));
        cluster.Stop(0);
        Assert.That(cluster.IsRunning(0), Is.False);
        cluster.Restart(0);
        await cluster.WaitHealthyAsync(0, TimeSpan.FromSeconds(20));
        Assert.That(await EtcdctlAsync(cluster.ClientEndpoint(0), "get", "--print-value-only", "/harness/x"), Is.EqualTo((0, "kept")));
    }

    private static async Task<(int Rc, string Out)> RetryAsync(Func<Task<(int Rc, string Out)>> run)
    {
        (int Rc, string Out) last = default;
        await Poll.UntilAsync(
            async () => (last = await run()).Rc == 0,
            TimeSpan.FromSeconds(15),
            () => $"etcdctl to succeed (last: exit {last.Rc}, {last.Out})",
            TimeSpan.FromMilliseconds(200));
        return last;
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<(int Rc, string Out)> EtcdctlAsync(string endpoint, params string[] args)
    {
        EtcdCluster.RequireEtcdctl();
        var psi = new ProcessStartInfo(EtcdCluster.EtcdctlBinary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ETCDCTL_API"] = "3";
        psi.ArgumentList.Add("--endpoints=" + endpoint);
        psi.ArgumentList.Add("--command-timeout=3s");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await p.WaitForExitAsync(cts.Token);
        _ = await stderr;
        return (p.ExitCode, (await stdout).Trim());
    }
}
