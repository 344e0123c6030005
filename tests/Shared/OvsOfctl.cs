using System.Diagnostics;

namespace Tests.Shared;

/// <summary>
/// The one way the tests run <c>ovs-ofctl</c>, whether as an independent decoder of our encodings (ofp-print,
/// parse-actions: no switch needed) or against a real bridge (dump-flows, add-flow, monitor). It finds the tool,
/// and where it is missing the test is ignored, unless REQUIRE_REAL_OVS=1 (set in CI): then it fails, so no check
/// can silently stop checking. Bridge commands speak OpenFlow 1.3 and find the bridge's management socket through
/// OVS_RUNDIR (<see cref="RunDirectory"/>). A run that outlives its timeout is killed by PID, with its children.
/// </summary>
internal static class OvsOfctl
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<string?> Executable = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/usr/local/bin", "/usr/sbin", "/sbin", "/bin"])
            .Select(dir => Path.Combine(dir, "ovs-ofctl"))
            .FirstOrDefault(File.Exists));

    /// <summary>The executable's path; ignores the test (fails it under REQUIRE_REAL_OVS=1) when it is missing.</summary>
    public static string ExecutablePath
    {
        get
        {
            if (Executable.Value is { } exe)
            {
                return exe;
            }

            const string reason = "ovs-ofctl is not installed (apt-get install openvswitch-common)";
            if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
            {
                Assert.Fail("REQUIRE_REAL_OVS=1 but " + reason);
            }

            Assert.Ignore(reason);
            return string.Empty;
        }
    }

    /// <summary>OVS_RUNDIR, OVS_DBDIR and OVS_LOGDIR of a private OVS directory: where ovs-ofctl finds <c>BRIDGE.mgmt</c>.</summary>
    public static IReadOnlyDictionary<string, string> RunDirectory(string dir) => new Dictionary<string, string>
    {
        ["OVS_RUNDIR"] = dir,
        ["OVS_DBDIR"] = dir,
        ["OVS_LOGDIR"] = dir,
    };

    /// <summary><c>ovs-ofctl -O OpenFlow13 ARGS</c> as an argument vector, for a caller that starts it itself (a monitor).</summary>
    public static IReadOnlyList<string> BridgeArgv(IEnumerable<string> args) => [ExecutablePath, "-O", "OpenFlow13", .. args];

    /// <summary><c>ovs-ofctl -O OpenFlow13 ARGS</c> against a bridge of the OVS whose directory <paramref name="env"/> names.</summary>
    public static Task<OvsOfctlResult> BridgeAsync(IReadOnlyDictionary<string, string>? env, IEnumerable<string> args, TimeSpan? timeout = null) =>
        RunAsync(BridgeArgv(args), env, stdin: null, timeout);

    /// <summary><c>ovs-ofctl ofp-print HEX</c>: stdout and stderr together (it exits 0 even on decode errors).</summary>
    public static string OfpPrint(ReadOnlySpan<byte> message) => OfpPrint(Convert.ToHexStringLower(message));

    /// <inheritdoc cref="OfpPrint(ReadOnlySpan{byte})"/>
    public static string OfpPrint(string hex) => Run(["ofp-print", hex], stdin: null).Output;

    /// <summary><c>ovs-ofctl parse-actions OpenFlow13</c> with the action list's hex on stdin: stdout and stderr together.</summary>
    public static string ParseActions(string hex) => Run(["parse-actions", "OpenFlow13"], hex).Output;

    private static OvsOfctlResult Run(string[] args, string? stdin) =>
        RunAsync([ExecutablePath, .. args], env: null, stdin, timeout: null).GetAwaiter().GetResult();

    private static async Task<OvsOfctlResult> RunAsync(IReadOnlyList<string> argv, IReadOnlyDictionary<string, string>? env, string? stdin, TimeSpan? timeout)
    {
        var psi = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1))
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        var commandLine = "ovs-ofctl " + string.Join(' ', argv.Skip(1));
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteLineAsync(stdin).ConfigureAwait(false);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new TimeoutException($"{commandLine} did not finish in {limit.TotalSeconds:0.#} s");
        }

        return new OvsOfctlResult(commandLine, process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}

/// <summary>What one ovs-ofctl run printed, and how it exited.</summary>
internal sealed record OvsOfctlResult(string CommandLine, int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Stdout then stderr, as a terminal would show them.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>This result; throws with both outputs when the run failed.</summary>
    public OvsOfctlResult Checked() => Succeeded
        ? this
        : throw new InvalidOperationException($"{CommandLine} exited {ExitCode}: {Stderr}{Stdout}");
}
