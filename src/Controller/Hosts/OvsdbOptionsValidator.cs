using Controller.Security;
using Microsoft.Extensions.Options;
using Ovsdb.Rpc;

namespace Controller.Hosts;

internal sealed class OvsdbOptionsValidator : IValidateOptions<OvsdbOptions>
{
    public ValidateOptionsResult Validate(string? name, OvsdbOptions options)
    {
        var errors = new List<string>();
        ListenAddress(errors, nameof(options.Listen), options.Listen);
        ListenAddress(errors, nameof(options.PlainListen), options.PlainListen);
        if (options.Tls.Enabled)
        {
            errors.AddRange(TlsCredentials.Check(options.Tls, "Ovsdb:Tls"));
        }

        foreach (var target in options.Dial)
        {
            if (OvsdbTarget.IsTls(target) && !options.Tls.Enabled)
            {
                errors.Add($"Ovsdb:Dial entry '{target}' needs Ovsdb:Tls:Enabled and its certificate settings.");
            }
            else if (!target.StartsWith("tcp:", StringComparison.Ordinal) && !target.StartsWith("unix:", StringComparison.Ordinal) && !OvsdbTarget.IsTls(target))
            {
                errors.Add($"Ovsdb:Dial entry '{target}' is not tcp:ip:port, ssl:ip:port or unix:path.");
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

    private static void ListenAddress(List<string> errors, string setting, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        try
        {
            OvsdbTarget.ParseIpEndPoint(value, OvsdbTarget.DefaultPort);
        }
        catch (FormatException)
        {
            errors.Add($"Ovsdb:{setting} '{value}' is not ip:port.");
        }
    }
}
