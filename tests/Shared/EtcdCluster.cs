using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tests.Shared;

/// <summary>
/// A real N-member etcd v3 cluster on loopback for tests: every member gets its own client and peer port
/// (free ports found by binding port 0) and its own data directory under one temp directory. Members are
/// started as child processes of the test and stopped by PID, never by name, so tests of other helpers
/// running at the same time are never touched.
/// Link it into a test project with <c>&lt;Compile Include="../Shared/**/*.cs" LinkBase="Shared" /&gt;</c>.
/// </summary>
/// <remarks>
/// Under <c>REQUIRE_REAL_OVS=1</c> a missing <c>/usr/bin/etcd</c> fails the test (Debian package
/// <c>etcd-server</c>); otherwise the test is ignored with the reason.
/// </remarks>
internal sealed class EtcdCluster : IAsyncDisposable, IDisposable
{
    public const string EtcdBinary = "/usr/bin/etcd";

    private static readonly TimeSpan DefaultHealthTimeout = TimeSpan.FromSeconds(30);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Member[] _members;
    private readonly string _token;
    private bool _disposed;

    private EtcdCluster(string root, Member[] members, string token)
    {
        RootDir = root;
        _members = members;
        _token = token;
    }

    /// <summary>The temp directory that holds every member's data dir and log.</summary>
    public string RootDir { get; }

    public int Count => _members.Length;

    /// <summary>Client URL of every member (<c>http://127.0.0.1:port</c>), in member order.</summary>
    public IReadOnlyList<string> ClientEndpoints => _members.Select(m => m.ClientUrl).ToArray();

    /// <summary>All client URLs joined with commas, the form <c>Store:Etcd:Endpoints</c> accepts.</summary>
    public string EndpointsCsv => string.Join(",", ClientEndpoints);

    public string ClientEndpoint(int index) => _members[index].ClientUrl;

    /// <summary>PID of a running member, or null when it is stopped.</summary>
    public int? Pid(int index) => _members[index].Process is { HasExited: false } p ? p.Id : null;

    public bool IsRunning(int index) => Pid(index) is not null;

    /// <summary>etcd's command-line client: Debian ships it apart from the server, in etcd-client.</summary>
    public const string EtcdctlBinary = "/usr/bin/etcdctl";

    /// <summary>Fails (REQUIRE_REAL_OVS=1) or ignores the current test when etcd is not installed.</summary>
    public static void RequireEtcd() => Require(EtcdBinary, "etcd-server");

    /// <summary>Likewise for tests that also read the store with etcdctl.</summary>
    public static void RequireEtcdctl()
    {
        RequireEtcd();
        Require(EtcdctlBinary, "etcd-client");
    }

    private static void Require(string binary, string package)
    {
        if (File.Exists(binary))
        {
            return;
        }

        var reason = $"'{binary}' is not installed (apt-get install {package})";
        if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
        {
            Assert.Fail($"REQUIRE_REAL_OVS=1 but {reason}");
        }

        Assert.Ignore(reason);
    }

    /// <summary>
    /// Starts <paramref name="members"/> etcd members as one new cluster and waits until every member
    /// answers healthy on <c>/health</c>. On any failure everything started so far is stopped again.
    /// </summary>
    public static async Task<EtcdCluster> StartAsync(int members = 3, TimeSpan? healthTimeout = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members, 1);
        RequireEtcd();

        var token = "t" + Guid.NewGuid().ToString("N")[..12];
        var root = Path.Combine(Path.GetTempPath(), "etcd-" + token);
        Directory.CreateDirectory(root);
        var ports = FreePorts(members * 2);
        var list = new Member[members];
        for (var i = 0; i < members; i++)
        {
            list[i] = new Member($"m{i}", ports[2 * i], ports[(2 * i) + 1], Path.Combine(root, $"m{i}"));
        }

        var cluster = new EtcdCluster(root, list, token);
        try
        {
            for (var i = 0; i < members; i++)
            {
                cluster.Launch(i, initial: true);
            }

            await cluster.WaitHealthyAsync(healthTimeout ?? DefaultHealthTimeout, ct).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>SIGKILL of one member by its PID; waits until the process is gone.</summary>
    public void Kill(int index)
    {
        var p = _members[index].Process;
        if (p is null || p.HasExited)
        {
            return;
        }

        p.Kill(entireProcessTree: false); // SIGKILL on Unix
        p.WaitForExit(10_000);
        p.Dispose();
        _members[index].Process = null;
    }

    /// <summary>SIGTERM of one member by its PID (a clean stop); SIGKILL after 10 s if it does not exit.</summary>
    public void Stop(int index)
    {
        var p = _members[index].Process;
        if (p is null || p.HasExited)
        {
            _members[index].Process = null;
            return;
        }

        if (!SendSigterm(p.Id) || !p.WaitForExit(10_000))
        {
            p.Kill();
            p.WaitForExit(10_000);
        }

        p.Dispose();
        _members[index].Process = null;
    }

    /// <summary>
    /// Starts a stopped or killed member again on the same ports and data dir (it rejoins the existing
    /// cluster). Does not wait for health: a lone member of a cluster without quorum is never healthy.
    /// </summary>
    public void Restart(int index)
    {
        if (IsRunning(index))
        {
            throw new InvalidOperationException($"etcd member {index} is still running");
        }

        Launch(index, initial: false);
    }

    /// <summary>Waits until member <paramref name="index"/> answers <c>/health</c> with true.</summary>
    public async Task WaitHealthyAsync(int index, TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            ct.ThrowIfCancellationRequested();
            var p = _members[index].Process;
            if (p is null || p.HasExited)
            {
                throw new InvalidOperationException($"etcd member {index} is not running; log tail:\n{LogTail(index)}");
            }

            try
            {
                var body = await Http.GetStringAsync(_members[index].ClientUrl + "/health", ct).ConfigureAwait(false);
                if (body.Contains("\"health\":\"true\"", StringComparison.Ordinal))
                {
                    return;
                }

                last = body;
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                last = "timeout";
            }

            await Task.Delay(100, ct).ConfigureAwait(false);
        }

        throw new TimeoutException($"etcd member {index} not healthy after {timeout} ({last}); log tail:\n{LogTail(index)}");
    }

    /// <summary>Waits until every running member is healthy.</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        for (var i = 0; i < _members.Length; i++)
        {
            if (IsRunning(i))
            {
                await WaitHealthyAsync(i, timeout, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Last lines of a member's log (stderr), for failure messages.</summary>
    public string LogTail(int index, int lines = 30)
    {
        var path = _members[index].LogPath;
        if (!File.Exists(path))
        {
            return "(no log)";
        }

        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(fs);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < _members.Length; i++)
        {
            try
            {
                Kill(i);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        try
        {
            Directory.Delete(RootDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void Launch(int index, bool initial)
    {
        var m = _members[index];
        Directory.CreateDirectory(m.DataDir);
        var initialCluster = string.Join(",", _members.Select(x => $"{x.Name}={x.PeerUrl}"));
        var psi = new ProcessStartInfo(EtcdBinary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (var arg in new[]
        {
            "--name", m.Name,
            "--data-dir", m.DataDir,
            "--listen-client-urls", m.ClientUrl,
            "--advertise-client-urls", m.ClientUrl,
            "--listen-peer-urls", m.PeerUrl,
            "--initial-advertise-peer-urls", m.PeerUrl,
            "--initial-cluster", initialCluster,
            "--initial-cluster-token", _token,
            "--initial-cluster-state", initial ? "new" : "existing",
            // Short timings so that elections and quorum loss show within a test's patience.
            "--heartbeat-interval", "100",
            "--election-timeout", "1000",
            "--logger", "zap",
            "--log-outputs", "stderr",
            "--enable-v2=false",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        // Keep etcd's own environment settings (ETCD_*) of the developer's shell out of the test.
        foreach (var key in psi.Environment.Keys.Where(k => k.StartsWith("ETCD_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(key);
        }

        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var log = new StreamWriter(new FileStream(m.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var gate = new object();
        void Write(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                try
                {
                    log.WriteLine(line);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        p.OutputDataReceived += (_, e) => Write(e.Data);
        p.ErrorDataReceived += (_, e) => Write(e.Data);
        p.Exited += (_, _) =>
        {
            lock (gate)
            {
                log.Dispose();
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        m.Process = p;
    }

    private static int[] FreePorts(int count)
    {
        // Hold every listener open until all ports are picked, so the same port is never handed out twice.
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var l = new TcpListener(IPAddress.Loopback, 0);
                l.Start();
                listeners.Add(l);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var l in listeners)
            {
                l.Stop();
            }
        }
    }

    private static bool SendSigterm(int pid)
    {
        // .NET has no SIGTERM for another process; kill(1) with the PID does it without interop.
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        });
        if (kill is null)
        {
            return false;
        }

        kill.WaitForExit(5_000);
        return kill.HasExited && kill.ExitCode == 0;
    }

    private sealed class Member(string name, int clientPort, int peerPort, string dataDir)
    {
        public string Name { get; } = name;

        public string ClientUrl { get; } = $"http://127.0.0.1:{clientPort}";

        public string PeerUrl { get; } = $"http://127.0.0.1:{peerPort}";

        public string DataDir { get; } = dataDir;

        public string LogPath => DataDir + ".log";

        public Process? Process { get; set; }
    }
}
