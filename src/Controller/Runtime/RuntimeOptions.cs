using Apps.Overlay;

namespace Controller.Runtime;

/// <summary>Settings of the flow runtime (configuration section <c>Runtime</c>).</summary>
public sealed class RuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>The app of switches without an entry in <see cref="Apps"/>.</summary>
    public AppSelection DefaultApp { get; set; } = AppSelection.Auto;

    /// <summary>Per-switch app, keyed by datapath id (hex, as REST accepts it), e.g. <c>Runtime:Apps:0000000000000001=L2Learning</c>.</summary>
    public Dictionary<string, AppSelection> Apps { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Neutron-style l2population on br-tun (proactive unicast, flooding only where the network is).</summary>
    public L2PopulationMode L2Population { get; set; } = L2PopulationMode.Auto;

    /// <summary>hard_timeout of the entries br-tun's learn action writes into table 20, in seconds.</summary>
    public ushort LearnHardTimeout { get; set; } = 300;

    /// <summary>How long a store or port change waits for more changes before the affected switches are recomputed.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>First delay before a full resync after a failed batch (doubles per failure up to 30 s).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>idle_timeout of the learning switch's reactive flows, seconds (0: never, as simple_switch_13).</summary>
    public ushort L2FlowIdleTimeout { get; set; }

    /// <summary>How often each connected switch is audited for drift of our flows (counts first, a dump on mismatch); null: never.</summary>
    public TimeSpan? AuditInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Every this many audits the flows are dumped even when the counts match (catches flows modified in place).</summary>
    public int AuditFullEvery { get; set; } = 6;

    /// <summary>Watch each switch through its flow monitor (OVS) and repair changes behind our back at once; the audit stays as the fallback.</summary>
    public bool FlowMonitor { get; set; } = true;

    /// <summary>Apply full resyncs (reconnect with differences, drift repairs) as one atomic bundle where the switch supports it.</summary>
    public bool Bundles { get; set; } = true;

    /// <summary>br-tun answers ARP for the store's port IPs on the requester's host (table 19).</summary>
    public bool ArpResponder { get; set; } = true;

    /// <summary>br-tun answers Neighbour Solicitations for the store's port IPv6 addresses on the requester's host (tables 17, 18).</summary>
    public bool NdResponder { get; set; } = true;

    /// <summary>The controller answers DHCP for the store's ports in networks that have a cidr.</summary>
    public bool Dhcp { get; set; } = true;

    /// <summary>Lease time handed out by DHCP.</summary>
    public TimeSpan DhcpLeaseTime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>DHCP messages answered per client MAC and second on average (a storm beyond it is dropped and counted).</summary>
    public double DhcpRatePerClient { get; set; } = 2;

    /// <summary>DHCP messages answered per client MAC at once before the rate applies.</summary>
    public int DhcpBurstPerClient { get; set; } = 8;
}
