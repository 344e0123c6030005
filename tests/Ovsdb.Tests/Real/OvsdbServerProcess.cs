namespace Ovsdb.Tests.Real;

/// <summary>
/// A private ovsdb-server (vswitch schema) in its own temp dir, listening on a unix socket and on the
/// Manager table's targets; stopped by its pidfile, its dir removed.
/// </summary>
internal sealed class OvsdbServerProcess : IAsyncDisposable
{
    private OvsdbServerProcess(string dir)
    {
        Dir = dir;
    }

    public string Dir { get; }

    public string SocketPath => Path.Combine(Dir, "db.sock");

    public string Target => "unix:" + SocketPath;

    public string PidFile => Path.Combine(Dir, "ovsdb-server.pid");

    public static async Task<OvsdbServerProcess> StartAsync()
    {
        OvsdbPreconditions.RequireOvsdbServer();
        // Short path: unix socket paths are limited to 108 bytes.
        var dir = Path.Combine("/tmp", "ovsdbt-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        var server = new OvsdbServerProcess(dir);
        try
        {
            await Proc.RunAsync("ovsdb-tool", "create", Path.Combine(dir, "conf.db"), OvsdbPreconditions.SchemaPath);
            await Proc.RunAsync(
                "ovsdb-server", Path.Combine(dir, "conf.db"),
                "--remote=punix:" + server.SocketPath,
                "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
                "--pidfile=" + server.PidFile,
                "--unixctl=" + Path.Combine(dir, "ovsdb-server.ctl"),
                "--log-file=" + Path.Combine(dir, "ovsdb-server.log"),
                "--detach", "--no-chdir");
            await server.VsctlAsync("init");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public Task<string> VsctlAsync(params string[] args) =>
        Proc.RunAsync(["ovs-vsctl", "--db=" + Target, "--timeout=10", "--no-wait", .. args]);

    public string Log => File.Exists(Path.Combine(Dir, "ovsdb-server.log")) ? File.ReadAllText(Path.Combine(Dir, "ovsdb-server.log")) : string.Empty;

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(PidFile) && int.TryParse((await File.ReadAllTextAsync(PidFile)).Trim(), out int pid))
        {
            try
            {
                using var p = System.Diagnostics.Process.GetProcessById(pid);
                p.Kill();
                await p.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort; /tmp is cleaned eventually.
        }
    }
}
