using System.Diagnostics;

namespace OpenFlow.Tests.Oracle;

/// <summary>
/// Runs <c>ovs-ofctl</c> as an independent decoder of our encodings: the one runner every oracle test uses.
/// Where ovs-ofctl is missing the test is ignored, unless REQUIRE_REAL_OVS=1 (set in CI): then it fails,
/// so the oracle can never silently stop checking.
/// </summary>
internal static class OvsOfctl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Lazy<string?> Executable = new(() =>
        new[] { "/usr/bin", "/usr/local/bin", "/usr/sbin" }
            .Select(dir => Path.Combine(dir, "ovs-ofctl"))
            .FirstOrDefault(File.Exists));

    /// <summary><c>ovs-ofctl ofp-print HEX</c>: stdout and stderr together (it exits 0 even on decode errors).</summary>
    public static string OfpPrint(ReadOnlySpan<byte> message) => OfpPrint(Convert.ToHexStringLower(message));

    /// <inheritdoc cref="OfpPrint(ReadOnlySpan{byte})"/>
    public static string OfpPrint(string hex) => Run(["ofp-print", hex], stdin: null);

    /// <summary><c>ovs-ofctl parse-actions OpenFlow13</c> with the action list's hex on stdin.</summary>
    public static string ParseActions(string hex) => Run(["parse-actions", "OpenFlow13"], hex);

    private static string Run(string[] args, string? stdin)
    {
        if (Executable.Value is not { } exe)
        {
            const string reason = "ovs-ofctl is not installed (apt-get install openvswitch-common)";
            if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
            {
                Assert.Fail("REQUIRE_REAL_OVS=1 but " + reason);
            }

            Assert.Ignore(reason);
            return string.Empty;
        }

        var psi = new ProcessStartInfo(exe, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        if (stdin is not null)
        {
            p.StandardInput.WriteLine(stdin);
            p.StandardInput.Close();
        }

        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill();
            Assert.Fail($"ovs-ofctl {args[0]} did not finish in {Timeout.TotalSeconds:0} s");
        }

        return stdout.Result + stderr.Result;
    }
}
