namespace Integration.Tests.Harness;

/// <summary>
/// A throw-away PKI made with <c>ovs-pki</c> (openvswitch-common) in a temp directory, as an operator makes one:
/// <c>ovs-pki init</c> (a controllerca and a switchca), <c>req+sign ctl controller</c> for the controller,
/// <c>req+sign sw switch</c> for the switches, and <c>req rogue</c> + <c>self-sign rogue</c>: a self-signed
/// certificate no CA vouches for. Disposal removes the directory.
/// </summary>
internal sealed class OvsPki : IDisposable
{
    private OvsPki(string directory) => Directory = directory;

    public string Directory { get; }

    public string ControllerCertificate => Path.Combine(Directory, "ctl-cert.pem");

    public string ControllerKey => Path.Combine(Directory, "ctl-privkey.pem");

    public string SwitchCertificate => Path.Combine(Directory, "sw-cert.pem");

    public string SwitchKey => Path.Combine(Directory, "sw-privkey.pem");

    public string RogueCertificate => Path.Combine(Directory, "rogue-cert.pem");

    public string RogueKey => Path.Combine(Directory, "rogue-privkey.pem");

    /// <summary>What switches' certificates must chain to (the controller's <c>CaCertificate</c>).</summary>
    public string SwitchCa => Path.Combine(Directory, "pki", "switchca", "cacert.pem");

    /// <summary>What the controller's certificate must chain to (the switches' <c>set-ssl</c> cacert).</summary>
    public string ControllerCa => Path.Combine(Directory, "pki", "controllerca", "cacert.pem");

    public static async Task<OvsPki> CreateAsync(string prefix)
    {
        OvsPreconditions.RequireCommand("ovs-pki", "apt-get install openvswitch-common");
        var dir = Path.Combine(Path.GetTempPath(), $"ofc-pki-{prefix}");
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }

        System.IO.Directory.CreateDirectory(dir);
        var pki = new OvsPki(dir);
        try
        {
            string[] common = ["ovs-pki", $"--dir={Path.Combine(dir, "pki")}", $"--log={Path.Combine(dir, "ovs-pki.log")}"];
            await Run([.. common, "init"], dir).ConfigureAwait(false);
            await Run([.. common, "req+sign", "ctl", "controller"], dir).ConfigureAwait(false);
            await Run([.. common, "req+sign", "sw", "switch"], dir).ConfigureAwait(false);
            await Run([.. common, "req", "rogue"], dir).ConfigureAwait(false);
            await Run([.. common, "self-sign", "rogue"], dir).ConfigureAwait(false);
            return pki;
        }
        catch
        {
            pki.Dispose();
            throw;
        }
    }

    /// <summary>Controller settings for TLS on OpenFlow and OVSDB with this PKI's controller certificate.</summary>
    public IReadOnlyDictionary<string, string?> ControllerSettings()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var section in new[] { "OpenFlow:Tls", "Ovsdb:Tls" })
        {
            settings[$"{section}:Enabled"] = "true";
            settings[$"{section}:Certificate"] = ControllerCertificate;
            settings[$"{section}:PrivateKey"] = ControllerKey;
            settings[$"{section}:CaCertificate"] = SwitchCa;
        }

        return settings;
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    // ovs-pki writes into the working directory; Sh runs in the test's, so cd there in a shell.
    private static Task<ShResult> Run(string[] argv, string workingDirectory) =>
        Sh.RunAsync(["sh", "-c", "cd \"$0\" && exec \"$@\"", workingDirectory, .. argv], TimeSpan.FromSeconds(60));
}
