using System.Diagnostics;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>Runs <c>ovs-ofctl</c> as an independent decoder; tests are ignored where it is not installed.</summary>
internal static class OvsOfctl
{
    /// <summary><c>ovs-ofctl ofp-print HEX</c>: stdout and stderr together (it exits 0 even on decode errors).</summary>
    public static string OfpPrint(string hex) => Run(["ofp-print", hex], null);

    /// <summary><c>ovs-ofctl parse-actions OpenFlow13</c> with the action list's hex on stdin.</summary>
    public static string ParseActions(string hex) => Run(["parse-actions", "OpenFlow13"], hex);

    private static string Run(string[] args, string? stdin)
    {
        var psi = new ProcessStartInfo("ovs-ofctl", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        Process? p;
        try
        {
            p = Process.Start(psi);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            p = null;
        }

        if (p is null)
        {
            Assert.Ignore("ovs-ofctl is not installed");
            return string.Empty;
        }

        using (p)
        {
            if (stdin is not null)
            {
                p.StandardInput.WriteLine(stdin);
                p.StandardInput.Close();
            }

            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.That(p.WaitForExit(TimeSpan.FromSeconds(20)), Is.True, "ovs-ofctl timed out");
            return stdout.Result + stderr.Result;
        }
    }
}
