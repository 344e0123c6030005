using System.Net;
using Controller.Security;
using Microsoft.Extensions.Options;
using Ovsdb.Rpc;

namespace Controller.Hosts;

internal sealed class OvsdbOptionsValidator : IValidateOptions<OvsdbOptions>
{
    public ValidateOptionsResult Validate(string? name, OvsdbOptions options)
    {
        var errors = new List<string>();
        var listen = ListenAddress(errors, nameof(options.Listen), options.Listen);
        var plain = ListenAddress(errors, nameof(options.PlainListen), options.PlainListen);
        if (options.Tls.Enabled)
        {
            errors.AddRange(TlsCredentials.Check(options.Tls, "Ovsdb:Tls"));
            if (listen is not null && plain is not null && Overlap(listen, plain))
            {
                errors.Add($"Ovsdb:PlainListen '{options.PlainListen}' must use another port than Ovsdb:Listen '{options.Listen}' (the TLS listener).");
            }
        }

        foreach (var target in options.Dial)
        {
            if (OvsdbTarget.IsTls(target) && !options.Tls.Enabled)
            {
                errors.Add($"Ovsdb:Dial entry '{target}' needs Ovsdb:Tls:Enabled and its certificate settings.");
            }
            else if (!OvsdbTarget.IsWellFormed(target))
            {
                errors.Add($"Ovsdb:Dial entry '{target}' is not tcp:ip:port, ssl:ip:port (or host:port) or unix:path.");
            }
        }

        if (options.MaxConnections < 1)
        {
            errors.Add("Ovsdb:MaxConnections must be at least 1.");
        }

        if (options.InactivityProbe < TimeSpan.Zero || options.Debounce < TimeSpan.Zero || options.RetryDelay <= TimeSpan.Zero || options.DialRetry <= TimeSpan.Zero)
        {
            errors.Add("Ovsdb: InactivityProbe and Debounce must not be negative, RetryDelay and DialRetry must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IPEndPoint? ListenAddress(List<string> errors, string setting, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        try
        {
            return OvsdbTarget.ParseIpEndPoint(value, OvsdbTarget.DefaultPort);
        }
        catch (FormatException)
        {
            errors.Add($"Ovsdb:{setting} '{value}' is not ip:port.");
            return null;
        }
    }

    /// <summary>Both would bind the same port on a common address (port 0 picks a free one each time).</summary>
    private static bool Overlap(IPEndPoint a, IPEndPoint b) =>
        a.Port != 0 && a.Port == b.Port
        && (a.Address.Equals(b.Address) || IsAny(a.Address) || IsAny(b.Address));

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
