using Microsoft.Extensions.Options;
using Ovsdb.Rpc;

namespace Controller.Hosts;

internal sealed class OvsdbOptionsValidator : IValidateOptions<OvsdbOptions>
{
    public ValidateOptionsResult Validate(string? name, OvsdbOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Listen))
        {
            try
            {
                OvsdbTarget.ParseIpEndPoint(options.Listen, OvsdbTarget.DefaultPort);
            }
            catch (FormatException)
            {
                errors.Add($"Ovsdb:Listen '{options.Listen}' is not ip:port.");
            }
        }

        foreach (var target in options.Dial)
        {
            if (!target.StartsWith("tcp:", StringComparison.Ordinal) && !target.StartsWith("unix:", StringComparison.Ordinal))
            {
                errors.Add($"Ovsdb:Dial entry '{target}' is not tcp:ip:port or unix:path.");
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
}
