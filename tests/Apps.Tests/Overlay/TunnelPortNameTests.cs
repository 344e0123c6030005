using System.Net;
using Apps.Model;
using Apps.Overlay;

namespace Apps.Tests.Overlay;

/// <summary>Neutron's tunnel port names for IPv4 and IPv6 endpoints and all three tunnel types.</summary>
public sealed class TunnelPortNameTests
{
    // IPv6 names computed independently with Python: base64.b32encode(hashlib.sha1(ip.encode()).digest()).lower()[:n].
    [TestCase(TunnelType.Vxlan, "10.0.0.2", "vxlan-0a000002")]
    [TestCase(TunnelType.Gre, "192.168.77.1", "gre-c0a84d01")]
    [TestCase(TunnelType.Geneve, "192.168.77.1", "gnv-c0a84d01")]
    [TestCase(TunnelType.Vxlan, "fd00:77::1", "vxlan-nye7dcp4n")]
    [TestCase(TunnelType.Gre, "fd00:77::1", "gre-nye7dcp4nbt")]
    [TestCase(TunnelType.Geneve, "fd00:77::1", "gnv-nye7dcp4nbt")]
    [TestCase(TunnelType.Vxlan, "2001:db8::2", "vxlan-pehtjzksi")]
    [TestCase(TunnelType.Geneve, "2001:db8::2", "gnv-pehtjzksiqr")]
    public void Format_FollowsNeutron_AndFitsAnInterfaceName(TunnelType type, string ip, string expected)
    {
        var name = TunnelPortName.Format(type, IPAddress.Parse(ip));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(name, Is.EqualTo(expected));
            Assert.That(name.Length, Is.LessThanOrEqualTo(15));
            Assert.That(TunnelPortName.TryParse(name, out var parsedType, out _), Is.True);
            Assert.That(parsedType, Is.EqualTo(type));
            Assert.That(TunnelPortName.Leads(name, type, IPAddress.Parse(ip)), Is.True);
        }
    }

    [Test]
    public void Ipv4Names_SpellTheAddress_Ipv6NamesDoNot()
    {
        Assert.That(TunnelPortName.TryParse("gnv-0a000003", out _, out var v4), Is.True);
        Assert.That(TunnelPortName.TryParse("gnv-nye7dcp4nbt", out _, out var v6), Is.True);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(v4, Is.EqualTo(IPAddress.Parse("10.0.0.3")));
            Assert.That(v6, Is.Null, "a hash cannot be read back");
            Assert.That(TunnelPortName.Leads("gnv-nye7dcp4nbt", TunnelType.Geneve, IPAddress.Parse("fd00:77::2")), Is.False);
        }
    }

    [TestCase("vxlan-0a00000")]
    [TestCase("vxlan-0a0000021")]
    [TestCase("gre-0a00000g")]
    [TestCase("gnv-NYE7DCP4NBT")]
    [TestCase("gnv-nye7dcp4nb")]
    [TestCase("geneve-0a000002")]
    [TestCase("eth0")]
    [TestCase("")]
    public void OtherNames_AreNotTunnelPorts(string name) =>
        Assert.That(TunnelPortName.TryParse(name, out _, out _), Is.False);
}
