namespace Controller.Security;

/// <summary>
/// TLS of one switch-facing channel (sections <c>OpenFlow:Tls</c> and <c>Ovsdb:Tls</c>): our certificate and
/// key, and the CA a peer's certificate must chain to. PEM files as <c>ovs-pki</c> writes them.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>Serve (and, for OVSDB, dial <c>ssl:</c>) with TLS and mutual certificates.</summary>
    public bool Enabled { get; set; }

    /// <summary>Our certificate (PEM), e.g. <c>ctl-cert.pem</c> from <c>ovs-pki req+sign ctl controller</c>.</summary>
    public string Certificate { get; set; } = "";

    /// <summary>Our private key (PEM, unencrypted), e.g. <c>ctl-privkey.pem</c>.</summary>
    public string PrivateKey { get; set; } = "";

    /// <summary>The CA a peer's certificate must chain to: <c>switchca/cacert.pem</c> of the ovs-pki tree.</summary>
    public string CaCertificate { get; set; } = "";

    /// <summary>A peer that has not finished the TLS handshake within this time is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
