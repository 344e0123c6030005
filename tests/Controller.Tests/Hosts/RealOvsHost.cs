using System.Diagnostics;
using Tests.Shared;

namespace Controller.Tests.Hosts;

/// <summary>
/// A real OVS host in a private temp dir, in the root namespace on loopback only: ovsdb-server (with the
/// Manager table as remotes) and ovs-vswitchd. Bridges are netdev and uniquely named by the test, so
/// nothing collides with other tests. Stopped by pidfile; its dir removed. Fails, not skips, under
/// REQUIRE_REAL_OVS=1 when OVS is missing.
/// </summary>
internal sealed class RealOvsHost : IAsyncDisposable
{
    private const string Schema = "/usr/share/openvswitch/vswitch.ovsschema";

    private RealOvsHost(string dir) => Dir = dir;

    public string Dir { get; }

    public string Db => "unix:" + Path.Combine(Dir, "db.sock");

    public static async Task<RealOvsHost> StartAsync()
    {
        foreach (var tool in new[] { "ovsdb-server", "ovs-vswitchd", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl" })
        {
            if (!new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" }.Any(d => File.Exists(Path.Combine(d, tool))))
            {
                Missing($"'{tool}' is not installed (apt-get install openvswitch-switch)");
            }
        }

        if (!Environment.IsPrivilegedProcess)
        {
            Missing("ovs-vswitchd needs root");
        }

        var dir = Path.Combine("/tmp", "ofch-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var host = new RealOvsHost(dir);
        try
        {
            await RunAsync("ovsdb-tool", "create", Path.Combine(dir, "conf.db"), Schema);
            await RunAsync("ovsdb-server", Path.Combine(dir, "conf.db"), "--remote=punix:" + Path.Combine(dir, "db.sock"),
                "--remote=db:Open_vSwitch,Open_vSwitch,manager_options", "--pidfile=" + Path.Combine(dir, "ovsdb-server.pid"),
                "--unixctl=" + Path.Combine(dir, "ovsdb-server.ctl"), "--log-file=" + Path.Combine(dir, "ovsdb-server.log"), "--detach", "--no-chdir");
            await host.VsctlAsync("--no-wait", "init");
            await RunInAsync(dir, ["ovs-vswitchd", host.Db, "--pidfile=" + Path.Combine(dir, "ovs-vswitchd.pid"),
                "--unixctl=" + Path.Combine(dir, "ovs-vswitchd.ctl"), "--log-file=" + Path.Combine(dir, "ovs-vswitchd.log"), "--detach", "--no-chdir"]);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    public Task<string> VsctlAsync(params string[] args) => RunAsync(["ovs-vsctl", "--db=" + Db, "--timeout=20", .. args]);

    public async Task<string> OfctlAsync(params string[] args) =>
        (await OvsOfctl.BridgeAsync(OvsOfctl.RunDirectory(Dir), args)).Checked().Stdout.Trim();

    public async ValueTask DisposeAsync()
    {
        foreach (var name in new[] { "ovs-vswitchd.pid", "ovsdb-server.pid" })
        {
            var pidFile = Path.Combine(Dir, name);
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out int pid))
            {
                try
                {
                    using var p = Process.GetProcessById(pid);
                    p.Kill();
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await p.WaitForExitAsync(cts.Token);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static void Missing(string reason)
    {
        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail("REQUIRE_REAL_OVS=1 but " + reason);
        }

        Assert.Ignore(reason);
    }

    public static Task<string> RunAsync(params string[] argv) => RunInAsync(null, argv);

    // OVS_RUNDIR puts ovs-vswitchd's bridge management sockets in the host's dir, where ovs-ofctl looks.
    private static async Task<string> RunInAsync(string? rundir, string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty) + ":/usr/sbin:/sbin";
        if (rundir is not null)
        {
            psi.Environment["OVS_RUNDIR"] = rundir;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', argv)} exited {p.ExitCode}: {await stderr}{await stdout}");
        }

        return (await stdout).Trim();
    }
}
