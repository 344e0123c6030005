namespace Controller.Hosts;

/// <summary>
/// Decides which controller writes a host's OVSDB (one writer per host, like one master per switch). Every
/// controller connected to the host keeps its session and monitor; only the writer transacts. Without a
/// cluster every controller is its host's writer and nothing is fenced (<see cref="SoleHostWriter"/>). Every
/// method is cheap and non-blocking; <see cref="Changed"/> is raised from the membership's loop.
/// </summary>
internal interface IHostWriterGate
{
    /// <summary>Raised when this member's writerships changed: sessions look again.</summary>
    event Action? Changed;

    /// <summary>This member has a live OVSDB session with the host <paramref name="systemId"/> and is a candidate to write it until disposed.</summary>
    IDisposable Offer(string systemId);

    /// <summary>Who writes the host now, as this member knows it.</summary>
    HostWriter WriterOf(string systemId);

    /// <summary>True while this member still holds the host with <paramref name="generation"/> and its lease is provably alive.</summary>
    bool MayWrite(string systemId, ulong generation);

    /// <summary>A transaction this member would have sent was not: it was not (provably) the writer.</summary>
    void WriteSuppressed(string systemId, string reason);

    /// <summary>The host's ovsdb-server refused a transaction of this member at the writer guard: a newer writer took over.</summary>
    void WriteRefused(string systemId, string reason);
}
