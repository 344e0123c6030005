namespace Integration.Tests.Harness;

/// <summary>
/// tcpdump on a VM's eth0 (or any interface of a namespace) writing a pcap file (packet-buffered). <see cref="StopAsync"/> stops it with SIGINT
/// and returns the packets decoded by <c>tcpdump -r -n -e</c>, one line each (link-level header included).
/// </summary>
internal sealed class PacketCapture : IAsyncDisposable
{
    private readonly BackgroundProcess _tcpdump;
    private IReadOnlyList<string>? _packets;

    private PacketCapture(BackgroundProcess tcpdump, string file)
    {
        _tcpdump = tcpdump;
        File = file;
    }

    public string File { get; }

    internal static Task<PacketCapture> StartAsync(Vm vm, string filter) =>
        StartAsync(vm.Namespace, "eth0", Path.Combine(vm.Host.Directory, $"{vm.Name}-{Guid.NewGuid():N}.pcap"), filter);

    /// <summary>Captures on interface <paramref name="device"/> of namespace <paramref name="ns"/> (e.g. a host's underlay veth) into <paramref name="file"/>.</summary>
    /// <param name="snapLength">Bytes kept of each packet (tcpdump <c>-s</c>); 0 keeps them whole. Headers are enough to count a bulk transfer's packets.</param>
    internal static async Task<PacketCapture> StartAsync(string ns, string device, string file, string filter, int snapLength = 0)
    {
        var argv = new List<string> { "tcpdump", "-i", device, "-n", "-U", "-Z", "root", "-s", snapLength.ToString(System.Globalization.CultureInfo.InvariantCulture), "-w", file };
        if (filter.Length > 0)
        {
            argv.Add(filter);
        }

        var tcpdump = BackgroundProcess.Start(Sh.InNetns(ns, argv));
        var capture = new PacketCapture(tcpdump, file);
        try
        {
            await tcpdump.WaitForOutputAsync("listening on", TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return capture;
        }
        catch
        {
            await capture.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the capture (idempotent) and returns the captured packets.</summary>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (_packets is null)
        {
            await _tcpdump.StopAsync("INT").ConfigureAwait(false);
            var read = await Sh.RunAsync(["tcpdump", "-r", File, "-n", "-e", "-tt"], check: false).ConfigureAwait(false);
            _packets = read.StdoutLines;
        }

        return _packets;
    }

    /// <summary>
    /// The captured packets as one string each: tcpdump prints a tunnel packet's outer headers on one line
    /// (beginning with its <c>-tt</c> timestamp) and the encapsulated frame on the next.
    /// </summary>
    public async Task<IReadOnlyList<string>> StopPacketsAsync()
    {
        var packets = new List<string>();
        foreach (var line in await StopAsync().ConfigureAwait(false))
        {
            var header = line.Length > 11 && char.IsAsciiDigit(line[0]) && line.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot
                && line[..dot].All(char.IsAsciiDigit) && dot + 7 <= line.Length && line[(dot + 1)..(dot + 7)].All(char.IsAsciiDigit);
            if (header || packets.Count == 0)
            {
                packets.Add(line);
            }
            else
            {
                packets[^1] += " | " + line;
            }
        }

        return packets;
    }

    public async ValueTask DisposeAsync()
    {
        await _tcpdump.DisposeAsync().ConfigureAwait(false);
        if (System.IO.File.Exists(File))
        {
            System.IO.File.Delete(File);
        }
    }
}
