using Ovsdb.Rpc;

namespace Ovsdb.Tests.Rpc;

/// <summary>Which connection strings a configuration may name, checked without DNS.</summary>
public sealed class OvsdbTargetTests
{
    [TestCase("tcp:127.0.0.1:6640")]
    [TestCase("tcp:10.0.0.1")]
    [TestCase("ssl:192.0.2.7:6641")]
    [TestCase("tcp:[::1]:6640")]
    [TestCase("tcp:[fd00::2]")]
    [TestCase("tcp:ovs-host-1:6640")]
    [TestCase("ssl:hv7.example.net:6640")]
    [TestCase("unix:/var/run/openvswitch/db.sock")]
    public void WellFormed(string target) => Assert.That(OvsdbTarget.IsWellFormed(target), Is.True);

    [TestCase("")]
    [TestCase("tcp:")]
    [TestCase("unix:")]
    [TestCase("ptcp:6640")]
    [TestCase("tcp:127.0.0.1:0")]
    [TestCase("tcp:127.0.0.1:65536")]
    [TestCase("tcp:127.0.0.1:port")]
    [TestCase("tcp:ovs-host-1")]
    [TestCase("tcp:bad host:6640")]
    [TestCase("TCP:127.0.0.1:6640")]
    public void Malformed(string target) => Assert.That(OvsdbTarget.IsWellFormed(target), Is.False);
}
