namespace Integration.Tests.Harness;

/// <summary>
/// busybox udhcpc, the DHCP client of small distributions, with a script that applies address, prefix and MTU
/// as a distribution's does and logs what it was handed, one line per event:
/// <c>bound ip=.. mask=.. router=.. dns=.. mtu=.. lease=.. serverid=..</c>.
/// </summary>
internal static class Udhcpc
{
    // Logged last, so a test that sees the line sees the address and MTU applied.
    private const string Script = """
        #!/bin/sh
        case "$1" in
          deconfig) ip addr flush dev "$interface"; ip link set "$interface" up ;;
          bound|renew)
            ip addr flush dev "$interface"
            ip addr add "$ip/$mask" dev "$interface"
            [ -n "$mtu" ] && ip link set dev "$interface" mtu "$mtu"
            ;;
        esac
        echo "$1 ip=$ip mask=$mask router=$router dns=$dns mtu=$mtu lease=$lease serverid=$serverid" >> "$UDHCPC_LOG"
        exit 0
        """;

    /// <summary>Writes the script into <paramref name="directory"/> (once per directory); returns its path.</summary>
    public static async Task<string> WriteScriptAsync(string directory)
    {
        var path = Path.Combine(directory, "udhcpc.sh");
        await File.WriteAllTextAsync(path, Script.Replace("\r\n", "\n", StringComparison.Ordinal)).ConfigureAwait(false);
        await Sh.RunAsync("chmod", "700", path).ConfigureAwait(false);
        return path;
    }

    /// <summary>The command line of udhcpc on the VM's eth0 with the script, logging to <paramref name="log"/>, asking for mtu, router and dns.</summary>
    public static IReadOnlyList<string> Command(Vm vm, string script, string log, params string[] options) =>
        Sh.InNetns(vm.Namespace, ["env", $"UDHCPC_LOG={log}", "busybox", "udhcpc", "-i", "eth0", "-s", script, "-O", "mtu", "-O", "router", "-O", "dns", .. options]);

    /// <summary>
    /// Gets one lease and quits (<c>-q -n</c>: no lease, exit code 1); returns the exit code and the bound line, if any.
    /// </summary>
    public static async Task<(int ExitCode, string? Bound)> LeaseOnceAsync(Vm vm, string script, string log, int tries = 5)
    {
        var run = await Sh.RunAsync(Command(vm, script, log, "-q", "-n", "-t", tries.ToString(System.Globalization.CultureInfo.InvariantCulture), "-T", "1"), check: false, timeout: TimeSpan.FromSeconds(tries * 3 + 15)).ConfigureAwait(false);
        var bound = File.Exists(log) ? (await File.ReadAllLinesAsync(log).ConfigureAwait(false)).LastOrDefault(l => l.StartsWith("bound ", StringComparison.Ordinal)) : null;
        return (run.ExitCode, bound);
    }
}
