namespace OpenFlow.Tests.Types;

/// <summary>The text forms of MACs and datapath ids, shared by REST, the trace and the logs.</summary>
public sealed class TextFormTests
{
    [TestCase("fa:16:3e:00:0a:01", 0xfa163e000a01UL)]
    [TestCase("FA-16-3E-00-0A-01", 0xfa163e000a01UL)]
    [TestCase("ff:ff:ff:ff:ff:ff", 0xffffffffffffUL)]
    public void A_MAC_is_six_two_digit_hex_groups(string text, ulong value)
    {
        Assert.That(MacAddress.TryParse(text, out var mac), Is.True);
        Assert.That(mac.Value, Is.EqualTo(value));
        Assert.That(MacAddress.Parse(mac.ToString()), Is.EqualTo(mac), "round trip");
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("0:1:2:3:4:5")]
    [TestCase(" fa:16:3e:00:0a:01")]
    [TestCase("fa:16:3e:00:0a:01 ")]
    [TestCase("fa:16:3e:00:0a:0g")]
    [TestCase("fa.16.3e.00.0a.01")]
    [TestCase("fa:16:3e:00:0a:+1")]
    [TestCase("fa:16:3e:00:0a:01:02")]
    [TestCase("fa163e000a01")]
    public void Anything_else_is_not_a_MAC(string? text) =>
        Assert.That(MacAddress.TryParse(text, out _), Is.False);

    [TestCase("00000000000000a1", 0xa1UL)]
    [TestCase("0xA1", 0xa1UL)]
    [TestCase("00:00:00:00:00:00:00:a1", 0xa1UL)]
    [TestCase("ffffffffffffffff", ulong.MaxValue)]
    public void A_datapath_id_is_up_to_16_hex_digits(string text, ulong value)
    {
        Assert.That(DatapathId.TryParse(text, out var id), Is.True);
        Assert.That(id.Value, Is.EqualTo(value));
        Assert.That(id.ToString(), Has.Length.EqualTo(16));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("0x")]
    [TestCase("1ffffffffffffffff")]
    [TestCase("xyz")]
    public void Anything_else_is_not_a_datapath_id(string? text) =>
        Assert.That(DatapathId.TryParse(text, out _), Is.False);
}
