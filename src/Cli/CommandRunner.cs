using System.Diagnostics;

namespace Cli;

public sealed record CommandResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a local program (ip, ovs-vsctl, nsenter, docker) and returns its exit code and output.</summary>
public interface ICommandRunner
{
    Task<CommandResult> RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct);
}

/// <param name="variables">Of these, OVS_RUNDIR, OVS_DBDIR and the like are passed on (ovs-vsctl finds its database by them).</param>
public sealed class ProcessRunner(IReadOnlyDictionary<string, string>? variables = null) : ICommandRunner
{
    public async Task<CommandResult> RunAsync(string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in variables ?? new Dictionary<string, string>())
        {
            if (key.StartsWith("OVS_", StringComparison.Ordinal))
            {
                psi.Environment[key] = value;
            }
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new LocalCommandException($"cannot start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LocalCommandException($"cannot run {program}: {e.Message}");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
    }
}
