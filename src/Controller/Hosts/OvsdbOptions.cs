using Controller.Security;

namespace Controller.Hosts;

/// <summary>
/// Settings of the OVSDB connections to hosts (configuration section <c>Ovsdb</c>). What is plumbed
/// (bridge names, datapath type, controller targets, underlay MTU) is section <c>Plumbing</c>.
/// </summary>
public sealed class OvsdbOptions
{
    public const string SectionName = "Ovsdb";

    /// <summary>
    /// Where hosts' ovsdb-servers connect after <c>ovs-vsctl set-manager tcp:&lt;controller&gt;:6640</c>:
    /// <c>ip:port</c> (port 0 picks a free one, for tests). Empty disables listening.
    /// </summary>
    public string Listen { get; set; } = "0.0.0.0:6640";

    /// <summary>
    /// TLS with mutual certificates (section <c>Ovsdb:Tls</c>): <see cref="Listen"/> then speaks TLS only
    /// (<c>set-manager ssl:&lt;controller&gt;:6640</c>), and <c>ssl:</c> entries of <see cref="Dial"/> can be used.
    /// </summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>With TLS enabled, a second, plain-TCP listener (<c>ip:port</c>) for labs; empty: none.</summary>
    public string PlainListen { get; set; } = "";

    /// <summary>
    /// Hosts to dial instead (their ovsdb-server runs <c>ptcp:6640</c> or <c>pssl:6640</c>): <c>tcp:ip:port</c>,
    /// or <c>ssl:ip:port</c> with <see cref="Tls"/> enabled, each.
    /// </summary>
    public IList<string> Dial { get; } = [];

    /// <summary>
    /// Create a host in the store when an unknown system-id connects and gives <c>ofc-encap-ip</c>. On for the
    /// embedded quickstart; turn it off in production, where hosts are declared over REST with their systemId.
    /// </summary>
    public bool AutoRegister { get; set; } = true;

    /// <summary>Open OVSDB connections accepted at once.</summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>Our echo after this long without a message; a peer silent for twice this is dropped.</summary>
    public TimeSpan InactivityProbe { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Changes arriving within this window are reconciled together.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Wait after a transaction the server refused for another reason than a failed <c>wait</c>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Delay between attempts to dial a host that is not answering.</summary>
    public TimeSpan DialRetry { get; set; } = TimeSpan.FromSeconds(2);
}
