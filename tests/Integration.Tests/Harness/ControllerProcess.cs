using Tests.Shared;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Integration.Tests.Harness;

/// <summary>
/// The built controller (<c>src/Controller/bin/&lt;configuration&gt;/net10.0/ofcontroller.dll</c>) as a process of its
/// own in network namespace <c>c{prefix}</c>, on the hosts' fabric with address <c>192.168.{subnet}.254</c>: with
/// OVSDB plumbing each host's OVS must reach both the controller's OVSDB (6640) and its OpenFlow (6653) address, and
/// the controller writes that address into the bridges itself, so no relay can stand in between (DESIGN.md).
/// Its LiteDB file, log (stdout and stderr) and REST socket live in <c>/tmp/ovs-c{prefix}</c>; REST is Kestrel on
/// the unix socket <c>rest.sock</c>, reached with <see cref="Rest"/>. <see cref="KillAsync"/> (SIGKILL) and
/// <see cref="StartAsync()"/> restart it on the same store. Disposal stops it by PID and removes the namespace and
/// directory; a dead test run's leftovers are reaped by <see cref="StaleResources"/>.
/// </summary>
internal sealed class ControllerProcess : IAsyncDisposable
{
    public const int OpenFlowPort = 6653;
    public const int OvsdbPort = 6640;
    public const int FabricOctet = 254;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly CleanupStack _cleanup = new();
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly object _logLock = new();
    private Process? _process;
    private StreamWriter? _log;

    private readonly int _octet;

    private ControllerProcess(string prefix, IReadOnlyDictionary<string, string?> settings, int octet = FabricOctet)
    {
        Prefix = prefix;
        _settings = settings;
        _octet = octet;
        Namespace = octet == FabricOctet ? $"c{prefix}" : $"c{prefix}{octet}";
        Directory = Path.Combine(Path.GetTempPath(), $"ovs-{Namespace}");
        Rest = new RestClient(RestSocketPath);
    }

    public string Prefix { get; }

    public string Namespace { get; }

    public string Directory { get; }

    /// <summary>The controller's address on the fabric (OpenFlow and OVSDB listen there).</summary>
    public string Ip { get; private set; } = string.Empty;

    /// <summary>What a host's operator types: <c>ovs-vsctl set-manager tcp:&lt;ip&gt;:6640</c>.</summary>
    public string ManagerTarget => $"tcp:{Ip}:{OvsdbPort}";

    public RestClient Rest { get; }

    public string RestSocketPath => Path.Combine(Directory, "rest.sock");

    public string LogFile => Path.Combine(Directory, "controller.log");

    public string StorePath => Path.Combine(Directory, "controller.db");

    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>How many times the process was started (1 after <see cref="StartAsync(string, Underlay, IReadOnlyDictionary{string, string?}?)"/>).</summary>
    public int Starts { get; private set; }

    /// <param name="settings">Extra configuration as <c>--Key=Value</c>, e.g. <c>["Ovsdb:AutoRegister"] = "true"</c>.</param>
    /// <param name="octet">Its address's last octet on the fabric (several controllers need several).</param>
    /// <param name="beforeStart">Runs after the namespace exists and before the process starts (e.g. relays into it).</param>
    public static async Task<ControllerProcess> StartAsync(
        string prefix,
        Underlay underlay,
        IReadOnlyDictionary<string, string?>? settings = null,
        int octet = FabricOctet,
        Func<ControllerProcess, Task>? beforeStart = null)
    {
        var controller = new ControllerProcess(prefix, settings ?? new Dictionary<string, string?>(), octet);
        try
        {
            await controller.InitAsync(underlay).ConfigureAwait(false);
            if (beforeStart is not null)
            {
                await beforeStart(controller).ConfigureAwait(false);
            }

            await controller.StartAsync().ConfigureAwait(false);
            return controller;
        }
        catch
        {
            await controller.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Path of the controller assembly built with the same configuration as the tests.</summary>
    public static string AssemblyPath()
    {
        var testDir = TestContext.CurrentContext.TestDirectory;
        var configuration = testDir.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(testDir); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "src", "Controller", "bin", configuration);
            if (System.IO.Directory.Exists(bin))
            {
                var dll = System.IO.Directory.EnumerateFiles(bin, "ofcontroller.dll", SearchOption.AllDirectories).FirstOrDefault();
                if (dll is not null)
                {
                    return dll;
                }
            }
        }

        throw new FileNotFoundException($"ofcontroller.dll ({configuration}) not found above {testDir}; build src/Controller first");
    }

    /// <summary>Starts the process (again, after <see cref="KillAsync"/>) on the same store and waits for <c>/healthz</c>.</summary>
    public async Task StartAsync()
    {
        if (Pid is not null)
        {
            throw new InvalidOperationException("the controller is running");
        }

        File.Delete(RestSocketPath); // a killed Kestrel leaves its socket file behind
        var args = new List<string>
        {
            "dotnet", AssemblyPath(),
            $"--Rest:Urls=http://unix:{RestSocketPath}",
            $"--Store:Path={StorePath}",
            $"--OpenFlow:Address={Ip}",
            $"--OpenFlow:Port={OpenFlowPort.ToString(CultureInfo.InvariantCulture)}",
            $"--Ovsdb:Listen={Ip}:{OvsdbPort.ToString(CultureInfo.InvariantCulture)}",
            "--Plumbing:DatapathType=netdev", // no kernel module here: every bridge is userspace
        };
        args.AddRange(_settings.Select(kv => $"--{kv.Key}={kv.Value}"));

        var process = new Process { StartInfo = Sh.CreateStartInfo(Sh.InNetns(Namespace, args), env: null) };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        WriteLog($"===== harness: start {++Starts}: {Sh.Quote(args)}");
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await File.WriteAllTextAsync(Path.Combine(Directory, "controller.pid"), process.Id.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);

        await Poll.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"controller exited ({process.ExitCode}) during start-up:\n{LogTail()}")
                : await Rest.IsHealthyAsync().ConfigureAwait(false),
            StartTimeout,
            "the controller's /healthz").ConfigureAwait(false);
    }

    /// <summary>SIGKILL by PID (a crash): the store and the hosts' state stay; waits until the process is gone.</summary>
    public Task KillAsync() => StopProcessAsync("KILL");

    /// <summary>Registers a cleanup to run when this controller is disposed (after the process has stopped).</summary>
    public void OnDispose(string what, Func<Task> cleanup) => _cleanup.Push(what, cleanup);

    /// <summary>SIGSTOP by PID: the process freezes with its sockets open (a long GC pause, a hung VM).</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT by PID after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private Task SignalAsync(string signal) => Pid is { } pid
        ? Sh.RunAsync("kill", "-s", signal, pid.ToString(CultureInfo.InvariantCulture))
        : throw new InvalidOperationException("the controller is not running");

    /// <summary>SIGKILL and start again on the same store.</summary>
    public async Task RestartAsync()
    {
        await KillAsync().ConfigureAwait(false);
        await StartAsync().ConfigureAwait(false);
    }

    /// <summary>The last <paramref name="lines"/> lines of the controller's output.</summary>
    public string LogTail(int lines = 60)
    {
        lock (_logLock)
        {
            _log?.Flush();
        }

        return File.Exists(LogFile)
            ? string.Join('\n', ReadShared(LogFile).TakeLast(lines))
            : "(no controller log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Out.WriteLineAsync($"=== controller log ({LogFile}, tail)\n{LogTail(120)}").ConfigureAwait(false);
        }

        await StopProcessAsync("TERM").ConfigureAwait(false);
        Rest.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }

        await _cleanup.DisposeAsync().ConfigureAwait(false);
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private async Task InitAsync(Underlay underlay)
    {
        await StaleResources.EnsureReapedAsync().ConfigureAwait(false);
        if (System.IO.Directory.Exists(Directory))
        {
            throw new InvalidOperationException($"{Directory} already exists: prefix {Prefix} is in use");
        }

        System.IO.Directory.CreateDirectory(Directory);
        StaleResources.WriteOwner(Directory);
        _cleanup.Push($"directory {Directory}", () =>
        {
            if (System.Environment.GetEnvironmentVariable("OVS_HARNESS_KEEP") == "1")
            {
                File.Delete(Path.Combine(Directory, StaleResources.OwnerFile));
            }
            else if (System.IO.Directory.Exists(Directory))
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }

            return Task.CompletedTask;
        });
        _log = new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false)) { AutoFlush = true };

        await Sh.RunAsync("ip", "netns", "add", Namespace).ConfigureAwait(false);
        _cleanup.Push($"namespace {Namespace}", () => Sh.DeleteNetnsAsync(Namespace));
        await Sh.RunAsync("ip", "-n", Namespace, "link", "set", "lo", "up").ConfigureAwait(false);
        await Sh.InNetnsAsync(Namespace, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]).ConfigureAwait(false);
        Ip = await underlay.AttachEndpointAsync(Namespace, "eth0", _octet).ConfigureAwait(false);
    }

    private async Task StopProcessAsync(string signal)
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            await Sh.RunAsync(["kill", "-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)], check: false).ConfigureAwait(false);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(signal == "KILL" ? 10 : 15));
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Sh.KillTree(process);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        WriteLog($"===== harness: stopped with SIG{signal}, exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}");
        process.Dispose();
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log?.WriteLine(line);
        }
    }
}
