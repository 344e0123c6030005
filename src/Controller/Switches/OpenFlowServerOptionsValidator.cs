using System.Net;
using Controller.Security;
using Microsoft.Extensions.Options;

namespace Controller.Switches;

/// <summary>Rejects settings the server cannot run with, at start-up (ValidateOnStart).</summary>
internal sealed class OpenFlowServerOptionsValidator : IValidateOptions<OpenFlowServerOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenFlowServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _))
        {
            errors.Add($"OpenFlow:Address '{options.Address}' is not an IP address.");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"OpenFlow:Port {options.Port} is outside 0..65535.");
        }

        if (options.Tls.Enabled)
        {
            errors.AddRange(TlsCredentials.Check(options.Tls, "OpenFlow:Tls"));
            if (options.PlainPort is { } plain && (plain is < 0 or > 65535 || (plain != 0 && plain == options.Port)))
            {
                errors.Add($"OpenFlow:PlainPort {plain} must be in 0..65535 and differ from OpenFlow:Port (the TLS port).");
            }
        }

        Positive(errors, nameof(options.EchoInterval), options.EchoInterval);
        Positive(errors, nameof(options.EchoTimeout), options.EchoTimeout);
        Positive(errors, nameof(options.HandshakeTimeout), options.HandshakeTimeout);
        Positive(errors, nameof(options.RequestTimeout), options.RequestTimeout);
        if (options.EchoTimeout < options.EchoInterval)
        {
            errors.Add("OpenFlow:EchoTimeout must not be shorter than OpenFlow:EchoInterval.");
        }

        if (options.EventLoopThreads < 0 || options.Backlog < 1 || options.PacketInQueueLimit < 1)
        {
            errors.Add("OpenFlow:EventLoopThreads must be >= 0, Backlog and PacketInQueueLimit >= 1.");
        }

        if (options.PacketInBurstLimit < 1 || options.MultipartMaxMessages < 1 || options.MultipartMaxBytes < 1 || options.LogBurst < 1)
        {
            errors.Add("OpenFlow:PacketInBurstLimit, MultipartMaxMessages, MultipartMaxBytes and LogBurst must be >= 1.");
        }

        Positive(errors, nameof(options.LogWindow), options.LogWindow);
        Positive(errors, nameof(options.TakeoverProbeTimeout), options.TakeoverProbeTimeout);
        if (options.WriteBufferLowWaterMark < 1 || options.WriteBufferHighWaterMark <= options.WriteBufferLowWaterMark)
        {
            errors.Add("OpenFlow:WriteBufferHighWaterMark must exceed WriteBufferLowWaterMark (> 0).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, string what, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"OpenFlow:{what} must be positive.");
        }
    }
}
