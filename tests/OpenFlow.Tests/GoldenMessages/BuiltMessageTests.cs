using OpenFlow.Messages;
using Tests.Shared;
using OpenFlow.Wire;

namespace OpenFlow.Tests.GoldenMessages;

/// <summary>Code-built messages: decode(encode(m)) == m, and ovs-ofctl decodes our bytes without errors.</summary>
public sealed class BuiltMessageTests
{
    private static IEnumerable<TestCaseData> Cases() => BuiltMessages.All();

    [TestCaseSource(nameof(Cases))]
    public void RoundTrips(OfpMessage message, string expect)
    {
        var bytes = MessageCodec.Encode(message);
        var decoded = MessageCodec.Decode(bytes);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded, Is.EqualTo(message));
            Assert.That(MessageCodec.Encode(decoded), Is.EqualTo(bytes));
            Assert.That(decoded.GetHashCode(), Is.EqualTo(message.GetHashCode()));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void OvsDecodesOurEncoding(OfpMessage message, string expect)
    {
        var text = OvsOfctl.OfpPrint(MessageCodec.Encode(message));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Not.Contain("***"));
            Assert.That(text, Does.Contain(expect));
        }
    }
}
