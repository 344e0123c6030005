using System.Diagnostics;

namespace Ovsdb.Tests.Real;

/// <summary>Runs a command with a timeout; a non-zero exit throws with its output.</summary>
internal static class Proc
{
    public static async Task<string> RunAsync(params string[] argv)
    {
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in argv.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty) + ":/usr/sbin:/sbin";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', argv)} timed out");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', argv)} exited {p.ExitCode}: {await stderr}{await stdout}");
        }

        return (await stdout).Trim();
    }
}
