using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Controller.Hosts;
using Controller.Security;
using Controller.Switches;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Controller.Tests.Security;

/// <summary>
/// Start-up validation of <c>OpenFlow:Tls</c>, <c>Ovsdb:Tls</c> and the settings that go with them: every
/// broken setting is refused with one error that names it. The PEM files are made here (a CA, our certificate
/// signed by it and its key, and the wrong things an operator might point a setting at).
/// </summary>
[TestFixture]
public sealed class TlsOptionsValidationTests
{
    private static readonly string[] Sections = ["OpenFlow:Tls", "Ovsdb:Tls"];
    private string _dir = "";

    private string Ca => Path.Combine(_dir, "ca.pem");

    private string Certificate => Path.Combine(_dir, "cert.pem");

    private string Key => Path.Combine(_dir, "key.pem");

    [OneTimeSetUp]
    public void MakeFiles()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"ofc-tlsopts-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=test controller CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=ctl", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.Create(ca, now.AddDays(-1), now.AddDays(300), [1, 2, 3, 4]);
        using var otherKey = RSA.Create(2048);
        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Write("ca.pem", ca.ExportCertificatePem());
        Write("cert.pem", certificate.ExportCertificatePem());
        Write("key.pem", key.ExportPkcs8PrivateKeyPem());
        Write("other-key.pem", otherKey.ExportPkcs8PrivateKeyPem());
        Write("ec-key.pem", ecKey.ExportPkcs8PrivateKeyPem());
        Write("encrypted-key.pem", key.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000)));
        Write("garbage.pem", "this is not PEM\n");
        // A CERTIFICATE block whose base64 is fine but whose DER is not a certificate.
        Write("broken-cert.pem", PemEncoding.WriteString("CERTIFICATE", RandomNumberGenerator.GetBytes(300)));
    }

    [OneTimeTearDown]
    public void RemoveFiles() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<TestCaseData> BrokenTls()
    {
        foreach (var section in Sections)
        {
            yield return Case(section, "TLS enabled without a certificate", o => o.Certificate = "", "Certificate", "must name a PEM file");
            yield return Case(section, "no private key", o => o.PrivateKey = "  ", "PrivateKey", "must name a PEM file");
            yield return Case(section, "no CA", o => o.CaCertificate = "", "CaCertificate", "must name a PEM file");
            yield return Case(section, "certificate file missing", o => o.Certificate += ".gone", "Certificate", "does not exist");
            yield return Case(section, "key file missing", o => o.PrivateKey += ".gone", "PrivateKey", "does not exist");
            yield return Case(section, "CA file missing", o => o.CaCertificate += ".gone", "CaCertificate", "does not exist");
            yield return Case(section, "certificate not PEM", o => o.Certificate = Sibling(o.Certificate, "garbage.pem"), "Certificate", "is not a PEM certificate");
            yield return Case(section, "certificate PEM of no certificate", o => o.Certificate = Sibling(o.Certificate, "broken-cert.pem"), "Certificate", "is not a PEM certificate");
            yield return Case(section, "certificate file holds a key", o => o.Certificate = o.PrivateKey, "Certificate", "is not a PEM certificate");
            yield return Case(section, "key not PEM", o => o.PrivateKey = Sibling(o.PrivateKey, "garbage.pem"), "PrivateKey", "holds no PEM private key");
            yield return Case(section, "key file holds a certificate", o => o.PrivateKey = o.Certificate, "PrivateKey", "holds no PEM private key");
            yield return Case(section, "key of another certificate", o => o.PrivateKey = Sibling(o.PrivateKey, "other-key.pem"), "PrivateKey", "is not the key of");
            yield return Case(section, "key of another algorithm", o => o.PrivateKey = Sibling(o.PrivateKey, "ec-key.pem"), "PrivateKey", "is not the key of");
            yield return Case(section, "key encrypted", o => o.PrivateKey = Sibling(o.PrivateKey, "encrypted-key.pem"), "PrivateKey", "is encrypted");
            yield return Case(section, "CA not PEM", o => o.CaCertificate = Sibling(o.CaCertificate, "garbage.pem"), "CaCertificate", "holds no PEM certificate");
            yield return Case(section, "CA file holds a key", o => o.CaCertificate = Sibling(o.CaCertificate, "key.pem"), "CaCertificate", "holds no PEM certificate");
            yield return Case(section, "CA PEM of no certificate", o => o.CaCertificate = Sibling(o.CaCertificate, "broken-cert.pem"), "CaCertificate", "is not a PEM certificate");
            yield return Case(section, "handshake timeout zero", o => o.HandshakeTimeout = TimeSpan.Zero, "HandshakeTimeout", "must be positive");
            yield return Case(section, "handshake timeout negative", o => o.HandshakeTimeout = TimeSpan.FromSeconds(-1), "HandshakeTimeout", "must be positive");
        }
    }

    [TestCaseSource(nameof(BrokenTls))]
    public void ABrokenTlsSettingIsRefusedByName(string section, Action<TlsOptions> spoil, string setting, string says)
    {
        var tls = GoodTls();
        spoil(tls);

        var errors = Validate(section, tls);

        Assert.That(errors, Has.Count.EqualTo(1), string.Join(" | ", errors));
        Assert.That(errors[0], Does.Contain($"{section}:{setting}").And.Contain(says));
    }

    [TestCaseSource(nameof(Sections))]
    public void GoodFilesPass(string section) =>
        Assert.That(Validate(section, GoodTls()), Is.Empty);

    [TestCaseSource(nameof(Sections))]
    public void BrokenFilesAreNotReadWhileTlsIsOff(string section)
    {
        var tls = GoodTls();
        tls.Enabled = false;
        tls.Certificate = Path.Combine(_dir, "garbage.pem");
        tls.PrivateKey = "";
        tls.HandshakeTimeout = TimeSpan.Zero;
        Assert.That(Validate(section, tls), Is.Empty);
    }

    [Test]
    public void AKeyErrorDoesNotPrintTheKey()
    {
        var tls = GoodTls();
        tls.Certificate = tls.PrivateKey;
        Assert.That(string.Join("\n", Validate("OpenFlow:Tls", tls)), Does.Not.Contain("PRIVATE KEY").And.Not.Contain(File.ReadAllText(Key)[40..80]));
    }

    [TestCase(6653, 6653, false)]
    [TestCase(6653, 70000, false)]
    [TestCase(6653, -1, false)]
    [TestCase(6653, 6654, true)]
    [TestCase(0, 0, true)] // both pick a free port
    public void PlainPortMustDifferFromTheTlsPort(int port, int plainPort, bool valid)
    {
        var errors = Failures(new OpenFlowServerOptionsValidator().Validate(null, new OpenFlowServerOptions { Port = port, PlainPort = plainPort, Tls = GoodTls() }));
        if (valid)
        {
            Assert.That(errors, Is.Empty);
        }
        else
        {
            Assert.That(errors, Has.Exactly(1).Matches<string>(e => e.Contains("OpenFlow:PlainPort", StringComparison.Ordinal) && e.Contains("OpenFlow:Port ", StringComparison.Ordinal)));
        }
    }

    [Test]
    public void PlainPortIsIgnoredWithoutTls() =>
        Assert.That(Failures(new OpenFlowServerOptionsValidator().Validate(null, new OpenFlowServerOptions { Port = 6653, PlainPort = 6653 })), Is.Empty);

    [TestCase("0.0.0.0:6640", "0.0.0.0:6640", false)]
    [TestCase("0.0.0.0:6640", "127.0.0.1:6640", false)]
    [TestCase("127.0.0.1:6640", "0.0.0.0:6640", false)]
    [TestCase("127.0.0.1:6640", "127.0.0.2:6640", true)]
    [TestCase("0.0.0.0:6640", "0.0.0.0:6641", true)]
    [TestCase("127.0.0.1:0", "127.0.0.1:0", true)] // both pick a free port
    public void PlainListenMustNotTakeTheTlsListenersPort(string listen, string plainListen, bool valid)
    {
        var options = new OvsdbOptions { Listen = listen, PlainListen = plainListen, Tls = GoodTls() };
        var errors = Failures(new OvsdbOptionsValidator().Validate(null, options));
        if (valid)
        {
            Assert.That(errors, Is.Empty);
        }
        else
        {
            Assert.That(errors, Has.Exactly(1).Matches<string>(e => e.Contains("Ovsdb:PlainListen", StringComparison.Ordinal) && e.Contains("Ovsdb:Listen", StringComparison.Ordinal)));
        }
    }

    [Test]
    public void AnSslDialTargetNeedsOvsdbTls()
    {
        var options = new OvsdbOptions { Dial = { "tcp:127.0.0.1:6640", "ssl:127.0.0.1:6641" } };
        var errors = Failures(new OvsdbOptionsValidator().Validate(null, options));
        Assert.That(errors, Has.Exactly(1).Matches<string>(e => e.Contains("Ovsdb:Dial entry 'ssl:127.0.0.1:6641'", StringComparison.Ordinal) && e.Contains("Ovsdb:Tls:Enabled", StringComparison.Ordinal)));
    }

    [Test]
    public void AMalformedDialTargetIsNamed()
    {
        var options = new OvsdbOptions { Dial = { "tcp:127.0.0.1:6640", "tcp:10.0.0.9:70000", "unix:" } };
        var errors = Failures(new OvsdbOptionsValidator().Validate(null, options));
        Assert.That(errors, Is.EqualTo(new[]
        {
            "Ovsdb:Dial entry 'tcp:10.0.0.9:70000' is not tcp:ip:port, ssl:ip:port (or host:port) or unix:path.",
            "Ovsdb:Dial entry 'unix:' is not tcp:ip:port, ssl:ip:port (or host:port) or unix:path.",
        }));
    }

    [Test]
    public void AnSslDialTargetWithOvsdbTlsPasses()
    {
        var options = new OvsdbOptions { Tls = GoodTls(), Dial = { "ssl:127.0.0.1:6641" } };
        Assert.That(Failures(new OvsdbOptionsValidator().Validate(null, options)), Is.Empty);
    }

    [Test]
    public void StartUpValidationNamesTheSettingFromConfiguration()
    {
        var settings = new Dictionary<string, string?>
        {
            ["OpenFlow:Tls:Enabled"] = "true",
            ["Ovsdb:Tls:Enabled"] = "true",
            ["Ovsdb:Tls:Certificate"] = Certificate,
            ["Ovsdb:Tls:PrivateKey"] = Path.Combine(_dir, "other-key.pem"),
            ["Ovsdb:Tls:CaCertificate"] = Ca,
        };
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ISwitchDirectory, EmptySwitchDirectory>();
        services.AddOpenFlowServer(config);
        services.AddOvsdbManagement(config);
        using var sp = services.BuildServiceProvider();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                () => sp.GetRequiredService<IOptions<OpenFlowServerOptions>>().Value,
                Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("OpenFlow:Tls:Certificate must name a PEM file"));
            Assert.That(
                () => sp.GetRequiredService<IOptions<OvsdbOptions>>().Value,
                Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Ovsdb:Tls:PrivateKey").And.Message.Contains("is not the key of"));
        }
    }

    private static TestCaseData Case(string section, string name, Action<TlsOptions> spoil, string setting, string says) =>
        new TestCaseData(section, spoil, setting, says).SetArgDisplayNames(section, name);

    private static string Sibling(string path, string name) => Path.Combine(Path.GetDirectoryName(path)!, name);

    private static List<string> Validate(string section, TlsOptions tls) => section switch
    {
        "OpenFlow:Tls" => Failures(new OpenFlowServerOptionsValidator().Validate(null, new OpenFlowServerOptions { Tls = tls })),
        "Ovsdb:Tls" => Failures(new OvsdbOptionsValidator().Validate(null, new OvsdbOptions { Tls = tls })),
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, null),
    };

    private static List<string> Failures(ValidateOptionsResult result) => result.Failed ? [.. result.Failures ?? []] : [];

    private TlsOptions GoodTls() => new() { Enabled = true, Certificate = Certificate, PrivateKey = Key, CaCertificate = Ca };

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_dir, name), text);
}
