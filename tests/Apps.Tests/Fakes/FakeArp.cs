using System.Net;
using OpenFlow;

namespace Apps.Tests.Fakes;

/// <summary>The ARP header fields (Ethernet/IPv4 ARP): operation, sender and target hardware and protocol addresses.</summary>
internal sealed record FakeArp(ushort Op, MacAddress Sha, IPAddress Spa, MacAddress Tha, IPAddress Tpa)
{
    public static FakeArp Request(MacAddress sha, IPAddress spa, IPAddress tpa) => new(1, sha, spa, MacAddress.Zero, tpa);
}
