using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Controller.Security;

/// <summary>
/// The loaded side of <see cref="TlsOptions"/>: our certificate with its key, the CA that peers'
/// certificates must chain to, and the SslStream settings for mutual authentication built from them.
/// A peer without a certificate, with a self-signed one or one from another CA is refused; host names
/// are not checked (ovs-pki certificates name a switch or controller, not a host), as OVS does not either.
/// </summary>
public sealed class TlsCredentials : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _authorities;
    private readonly SslStreamCertificateContext _context;

    private TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        _certificate = certificate;
        _authorities = authorities;
        _context = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>Subject of our certificate (for the start-up log line; no secret).</summary>
    public string Subject => _certificate.Subject;

    /// <summary>Reads the three PEM files; any problem is a <see cref="TlsConfigurationException"/> naming the setting.</summary>
    public static TlsCredentials Load(TlsOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireFile(options.Certificate, section, nameof(TlsOptions.Certificate));
        RequireFile(options.PrivateKey, section, nameof(TlsOptions.PrivateKey));
        RequireFile(options.CaCertificate, section, nameof(TlsOptions.CaCertificate));
        var certificate = LoadCertificateWithKey(options, section);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CaCertificate);
        }
        catch (CryptographicException ex)
        {
            certificate.Dispose();
            throw new TlsConfigurationException($"{section}:CaCertificate '{options.CaCertificate}' is not a PEM certificate: {ex.Message}");
        }

        if (authorities.Count == 0)
        {
            certificate.Dispose();
            throw new TlsConfigurationException($"{section}:CaCertificate '{options.CaCertificate}' holds no PEM certificate.");
        }

        return new TlsCredentials(certificate, authorities);
    }

    /// <summary>What <see cref="Load"/> would refuse, as start-up validation errors (empty when it loads).</summary>
    public static IReadOnlyList<string> Check(TlsOptions options, string section)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.HandshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:HandshakeTimeout must be positive.");
        }

        try
        {
            Load(options, section).Dispose();
        }
        catch (TlsConfigurationException ex)
        {
            errors.Add(ex.Message);
        }

        return errors;
    }

    /// <summary>Server side: the peer must present a certificate that chains to our CA.</summary>
    public SslServerAuthenticationOptions ServerOptions(Action<string>? refused = null) => new()
    {
        ServerCertificateContext = _context,
        ClientCertificateRequired = true,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, cert, _, _) => Accept(cert, refused),
    };

    /// <summary>Client side (dialing an <c>ssl:</c> target): we present our certificate, the server must chain to our CA.</summary>
    public SslClientAuthenticationOptions ClientOptions(Action<string>? refused = null) => new()
    {
        TargetHost = "",
        ClientCertificateContext = _context,
        AllowRenegotiation = false,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        RemoteCertificateValidationCallback = (_, cert, _, _) => Accept(cert, refused),
    };

    /// <summary>Why <paramref name="peer"/> does not chain to our CA, or null when it does.</summary>
    public string? Verify(X509Certificate? peer)
    {
        if (peer is not X509Certificate2 subject)
        {
            return "no certificate";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(subject))
        {
            return null;
        }

        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
        return $"certificate '{subject.Subject}' (issuer '{subject.Issuer}') does not chain to the configured CA: {status}";
    }

    public void Dispose()
    {
        _certificate.Dispose();
        foreach (var ca in _authorities)
        {
            ca.Dispose();
        }
    }

    private bool Accept(X509Certificate? peer, Action<string>? refused)
    {
        var reason = Verify(peer);
        if (reason is not null)
        {
            refused?.Invoke(reason);
        }

        return reason is null;
    }

    /// <summary>Our certificate with its key; says which of the two files is wrong, and how.</summary>
    private static X509Certificate2 LoadCertificateWithKey(TlsOptions options, string section)
    {
        try
        {
            X509Certificate2.CreateFromPem(File.ReadAllText(options.Certificate)).Dispose();
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new TlsConfigurationException($"{section}:Certificate '{options.Certificate}' is not a PEM certificate: {ex.Message}");
        }

        string label = KeyLabel(options.PrivateKey, section);
        if (label.StartsWith("ENCRYPTED", StringComparison.Ordinal))
        {
            throw new TlsConfigurationException($"{section}:PrivateKey '{options.PrivateKey}' is encrypted; it must be an unencrypted PEM key (as ovs-pki writes).");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(options.Certificate, options.PrivateKey);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new TlsConfigurationException(
                $"{section}:PrivateKey '{options.PrivateKey}' is not the key of {section}:Certificate '{options.Certificate}' (or not a key it can use): {ex.Message}");
        }
    }

    /// <summary>The label of the first PEM block in the key file that holds a private key (<c>PRIVATE KEY</c>, <c>RSA PRIVATE KEY</c>, ...).</summary>
    private static string KeyLabel(string path, string section)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TlsConfigurationException($"{section}:PrivateKey '{path}' cannot be read: {ex.Message}");
        }

        ReadOnlySpan<char> rest = text;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label].ToString();
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                return label;
            }

            rest = rest[fields.Location.End..];
        }

        throw new TlsConfigurationException($"{section}:PrivateKey '{path}' holds no PEM private key.");
    }

    private static void RequireFile(string path, string section, string setting)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new TlsConfigurationException($"{section}:{setting} must name a PEM file when {section}:Enabled is true.");
        }

        if (!File.Exists(path))
        {
            throw new TlsConfigurationException($"{section}:{setting} file '{path}' does not exist.");
        }
    }
}
