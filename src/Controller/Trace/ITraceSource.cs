using Apps.Overlay;
using Apps.Trace;

namespace Controller.Trace;

/// <summary>
/// What <c>GET /api/v1/trace</c> reads of the running controller: each connected switch's ports and the
/// flows the controller wants on it (its reconciler's desired set), and the br-tun app that names the
/// tunnel ports. Implemented by the flow runtime.
/// </summary>
public interface ITraceSource
{
    BrTunPipeline BrTun { get; }

    /// <summary>The switch's ports and desired flows, or null when it is not connected (or not yet programmed).</summary>
    SwitchView? View(ulong datapathId);
}
