using Apps.Overlay;
using Apps.Flows;
using Apps.Model;

namespace Apps.Tests.Fakes;

internal sealed record OverlayDelivery(string HostId, FakePacket Packet);
