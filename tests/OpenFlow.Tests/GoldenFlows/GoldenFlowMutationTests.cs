using OpenFlow.Wire;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>Seeded byte mutations of every golden FLOW_MOD: decoding either succeeds or throws OfpDecodeException.</summary>
public sealed class GoldenFlowMutationTests
{
    [Test]
    public void MutatedFlowModsOnlyThrowDecodeExceptions()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"seed {seed}");
        var rng = new Random(seed);
        var vectors = GoldenFlowFile.All.Select(f => f.Bytes).ToArray();
        int decoded = 0, rejected = 0;
        for (var i = 0; i < 30000; i++)
        {
            var b = (byte[])vectors[rng.Next(vectors.Length)].Clone();

            // Keep version, type and length so the mutation reaches the body.
            for (var k = rng.Next(1, 4); k > 0; k--)
            {
                b[rng.Next(8, b.Length)] = (byte)rng.Next(256);
            }

            try
            {
                var m = MessageCodec.Decode(b);
                Assert.That(MessageCodec.Encode(m), Has.Length.EqualTo(b.Length), $"seed {seed}, iteration {i}");
                decoded++;
            }
            catch (OfpDecodeException)
            {
                rejected++;
            }
        }

        TestContext.Out.WriteLine($"decoded {decoded}, rejected {rejected}");
        Assert.That(rejected, Is.GreaterThan(0), $"seed {seed}");
    }
}
