using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Controller.Security;
using Ovsdb.Rpc;

namespace Controller.Hosts;

/// <summary>
/// OVSDB connection settings that run a TLS handshake with mutual certificates before the first message:
/// as server for hosts that connect (<c>set-manager ssl:&lt;controller&gt;:6640</c>), as client for
/// <c>ssl:</c> dial targets (<c>set-manager pssl:6640</c> on the host). A refused peer is counted and
/// logged by <see cref="TlsRefusals"/>; the connection closes and the host never gets a session.
/// </summary>
internal static class OvsdbTls
{
    public static OvsdbConnectionOptions Server(TlsCredentials credentials, OvsdbOptions options, TlsRefusals refusals) =>
        With(options, (transport, remote, ct) => SecureAsync(transport, remote, refusals, (ssl, refused) =>
            ssl.AuthenticateAsServerAsync(credentials.ServerOptions(refused), ct)));

    public static OvsdbConnectionOptions Client(TlsCredentials credentials, OvsdbOptions options, TlsRefusals refusals) =>
        With(options, (transport, remote, ct) => SecureAsync(transport, remote, refusals, (ssl, refused) =>
            ssl.AuthenticateAsClientAsync(credentials.ClientOptions(refused), ct)));

    private static OvsdbConnectionOptions With(OvsdbOptions options, OvsdbStreamSecurer secure) => new()
    {
        InactivityProbe = options.InactivityProbe,
        HandshakeTimeout = options.Tls.HandshakeTimeout,
        Secure = secure,
    };

    private static async Task<Stream> SecureAsync(Stream transport, EndPoint? remote, TlsRefusals refusals, Func<SslStream, Action<string>, Task> authenticate)
    {
        string? refusal = null;
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await authenticate(ssl, reason => refusal = reason).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            string reason = refusal ?? (ex is OperationCanceledException ? "no TLS handshake in time" : $"TLS handshake failed: {ex.Message}");
            refusals.Refused(TlsRefusals.Ovsdb, remote?.ToString() ?? "?", reason);
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
