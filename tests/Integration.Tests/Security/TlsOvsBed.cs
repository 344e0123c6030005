using Integration.Tests.Harness;

namespace Integration.Tests.Security;

/// <summary>
/// What the TLS fixtures share: an <c>ovs-pki</c> PKI, a two-host <see cref="OvsdbTopology"/> whose controller runs
/// with TLS on both channels (plus the fixture's settings), its state printed when a test fails, and its removal.
/// </summary>
public abstract class TlsOvsBed
{
    private OvsPki? _pki;
    private OvsdbTopology? _topology;

    private protected static TimeSpan Converge { get; } = TimeSpan.FromSeconds(60);

    private protected OvsPki Pki => _pki ?? throw new InvalidOperationException("no PKI");

    private protected OvsdbTopology Topology => _topology ?? throw new InvalidOperationException("no bed");

    /// <summary>hv1: its certificates are signed by the ovs-pki CAs.</summary>
    private protected OvsHypervisor Good => Topology.Hosts[0];

    /// <summary>hv2: a self-signed certificate no CA vouches for.</summary>
    private protected OvsHypervisor Rogue => Topology.Hosts[1];

    [TearDown]
    public async Task PrintStateOnFailure()
    {
        if (_topology is not null && TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            await TestContext.Out.WriteLineAsync(await _topology.DiagnosticsAsync());
            await TestContext.Out.WriteLineAsync("=== controller log (tail)\n" + _topology.Controller.LogTail(80));
        }
    }

    [OneTimeTearDown]
    public async Task StopBed()
    {
        if (_topology is not null)
        {
            await _topology.DisposeAsync();
        }

        _pki?.Dispose();
    }

    /// <summary>Makes the PKI and the bed (hosts not connected), with the PKI's controller settings plus <paramref name="settings"/>.</summary>
    private protected async Task StartBedAsync(IReadOnlyDictionary<string, string?> settings)
    {
        OvsPreconditions.RequireRootAndOvs("ethtool", "dotnet", "ovs-pki");
        var prefix = TestPrefix.New();
        _pki = await OvsPki.CreateAsync(prefix);
        var all = new Dictionary<string, string?>(_pki.ControllerSettings());
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        _topology = await OvsdbTopology.CreateAsync(2, all, connect: false, prefix: prefix);
    }
}
