using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace OfBench;

/// <summary>
/// The emulated switches' side of TLS, as <c>ovs-vsctl set-ssl key cert cacert</c> sets it for OVS: our
/// certificate and key, and the CA the controller's certificate must chain to (no host-name check, as OVS).
/// </summary>
internal sealed class BenchTls : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _authorities = [];
    private readonly SslStreamCertificateContext _context;

    private BenchTls(BenchOptions o)
    {
        _certificate = X509Certificate2.CreateFromPemFile(o.TlsCertificate!, o.TlsPrivateKey!);
        _authorities.ImportFromPemFile(o.TlsCaCertificate!);
        _context = SslStreamCertificateContext.Create(_certificate, additionalCertificates: null, offline: true);
    }

    public static BenchTls Load(BenchOptions o) => new(o);

    public SslClientAuthenticationOptions ClientOptions() => new()
    {
        TargetHost = "",
        ClientCertificateContext = _context,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && Chains(c),
    };

    public void Dispose()
    {
        _certificate.Dispose();
        foreach (var ca in _authorities)
        {
            ca.Dispose();
        }
    }

    private bool Chains(X509Certificate2 peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }
}
