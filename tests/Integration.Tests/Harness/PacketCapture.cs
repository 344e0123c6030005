namespace Integration.Tests.Harness;

/// <summary>
/// tcpdump on a VM's eth0 writing a pcap file (packet-buffered). <see cref="StopAsync"/> stops it with SIGINT
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

    internal static async Task<PacketCapture> StartAsync(Vm vm, string filter)
    {
        var file = Path.Combine(vm.Host.Directory, $"{vm.Name}-{Guid.NewGuid():N}.pcap");
        var argv = new List<string> { "tcpdump", "-i", "eth0", "-n", "-U", "-Z", "root", "-w", file };
        if (filter.Length > 0)
        {
            argv.Add(filter);
        }

        var tcpdump = BackgroundProcess.Start(Sh.InNetns(vm.Namespace, argv));
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

    public async ValueTask DisposeAsync()
    {
        await _tcpdump.DisposeAsync().ConfigureAwait(false);
        if (System.IO.File.Exists(File))
        {
            System.IO.File.Delete(File);
        }
    }
}
