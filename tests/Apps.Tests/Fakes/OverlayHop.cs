using Apps.Overlay;
using Apps.Flows;
using Apps.Model;

namespace Apps.Tests.Fakes;

internal sealed record OverlayHop(string FromHostId, string ToHostId, string PortName, TunnelType Type, ulong TunId);
