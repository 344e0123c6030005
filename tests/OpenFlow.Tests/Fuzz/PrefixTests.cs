using System.Buffers.Binary;
using OpenFlow.Tests.GoldenMessages;
using OpenFlow.Wire;

namespace OpenFlow.Tests.Fuzz;

/// <summary>
/// Every proper prefix of every golden vector (ours and GoldenFlows'): with the header length left as it
/// was, decoding must throw <see cref="OfpDecodeException"/>; with the header length patched to the
/// prefix length, it must throw OfpDecodeException or decode to a message that round-trips (a prefix
/// can itself be valid, e.g. an ECHO with less data or a multipart reply cut after a whole entry).
/// Nothing else may be thrown.
/// </summary>
public sealed class PrefixTests
{
    private static IEnumerable<TestCaseData> Vectors() =>
        GoldenVectors.All().Select(v => new TestCaseData(v).SetName("Prefixes_" + v.Name));

    [TestCaseSource(nameof(Vectors))]
    public void EveryProperPrefixFailsCleanly(GoldenVector v)
    {
        var scratch = new byte[65536];
        var validPrefixes = 0;
        var problems = new List<string>();
        for (var len = 0; len < v.Bytes.Length; len++)
        {
            var prefix = v.Bytes.AsSpan(0, len).ToArray();
            var unpatched = DecodeOutcome.Check(prefix, scratch, out var e1);
            if (unpatched != Outcome.Rejected)
            {
                problems.Add($"unpatched prefix {len}: {unpatched} {e1?.GetType().Name} {e1?.Message}");
            }

            if (len >= 4)
            {
                BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(2), (ushort)len);
                var patched = DecodeOutcome.Check(prefix, scratch, out var e2);
                if (patched == Outcome.Decoded)
                {
                    validPrefixes++;
                }
                else if (patched != Outcome.Rejected)
                {
                    problems.Add($"patched prefix {len}: {patched} {e2?.GetType().Name} {e2?.Message}");
                }
            }
        }

        TestContext.Out.WriteLine($"{v.Name}: {v.Bytes.Length} prefixes, {validPrefixes} patched prefixes are valid messages");
        Assert.That(problems, Is.Empty, v.Source);
    }
}
