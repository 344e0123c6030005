using System.Diagnostics;

namespace OpenFlow.Tests.GoldenMessages;

/// <summary>Runs <c>ovs-ofctl ofp-print</c> as an independent decoder of our encodings.</summary>
internal static class OvsOfctl
{
    private static readonly Lazy<string?> Path = new(() =>
    {
        foreach (var dir in new[] { "/usr/bin", "/usr/local/bin", "/usr/sbin" })
        {
            var p = System.IO.Path.Combine(dir, "ovs-ofctl");
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    });

    public static bool Available => Path.Value is not null;

    /// <summary>
    /// Decodes the bytes with ovs-ofctl; Assert.Ignore when ovs-ofctl is not installed, Assert.Fail
    /// instead when REQUIRE_REAL_OVS=1 (CI: an oracle test never silently passes).
    /// </summary>
    public static string OfpPrint(ReadOnlySpan<byte> message)
    {
        if (Path.Value is null)
        {
            if (Environment.GetEnvironmentVariable("REQUIRE_REAL_OVS") == "1")
            {
                Assert.Fail("ovs-ofctl is not installed and REQUIRE_REAL_OVS=1");
            }

            Assert.Ignore("ovs-ofctl is not installed");
        }

        var psi = new ProcessStartInfo(Path.Value!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("ofp-print");
        psi.ArgumentList.Add(Convert.ToHexStringLower(message));
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(10_000))
        {
            p.Kill();
            Assert.Fail("ovs-ofctl ofp-print did not finish in 10 s");
        }

        return stdout.Result + stderr.Result;
    }
}
