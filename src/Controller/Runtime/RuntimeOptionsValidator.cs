using Microsoft.Extensions.Options;

namespace Controller.Runtime;

/// <summary>Refuses negative timings, zero learn timeouts and per-switch keys that are not datapath ids.</summary>
internal sealed class RuntimeOptionsValidator : IValidateOptions<RuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Debounce < TimeSpan.Zero)
        {
            failures.Add("Runtime:Debounce must not be negative.");
        }

        if (options.RetryDelay <= TimeSpan.Zero)
        {
            failures.Add("Runtime:RetryDelay must be positive.");
        }

        if (options.LearnHardTimeout == 0)
        {
            failures.Add("Runtime:LearnHardTimeout must be at least 1 second.");
        }

        if (options.AuditInterval is { } audit && audit <= TimeSpan.Zero)
        {
            failures.Add("Runtime:AuditInterval must be positive (or empty to turn the audit off).");
        }

        if (options.AuditFullEvery < 1)
        {
            failures.Add("Runtime:AuditFullEvery must be at least 1.");
        }

        foreach (var key in options.Apps.Keys)
        {
            if (!OpenFlow.DatapathId.TryParse(key, out _))
            {
                failures.Add($"Runtime:Apps key '{key}' is not a datapath id (up to 16 hex digits).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
