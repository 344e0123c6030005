using System.Collections.Concurrent;
using System.Diagnostics;
using OpenFlow.Tests.GoldenMessages;

namespace OpenFlow.Tests.Fuzz;

/// <summary>
/// Seeded random mutations of every golden vector (bit flips, header and nested TLV lengths set to
/// 0/4/8/65535 or off by one or eight, zero-length TLVs, truncations with and without the header length
/// patched, extensions, random bytes, combinations). Each must decode (and then round-trip stably) or
/// throw OfpDecodeException. Runs in parallel; a decode running for more than a second fails the test.
/// Replay with OFP_FUZZ_SEED=&lt;seed&gt; (printed) and scale with OFP_FUZZ_COUNT.
/// </summary>
public sealed class MutationFuzzTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(1);

    [Test]
    [CancelAfter(600_000)]
    public void MutationsDecodeOrFailCleanly()
    {
        var seed = FuzzSettings.Seed();
        var count = FuzzSettings.Count();
        TestContext.Out.WriteLine($"OFP_FUZZ_SEED={seed} OFP_FUZZ_COUNT={count}");
        var vectors = GoldenVectors.All();
        var candidates = vectors.Select(v => Mutator.LengthCandidates(v.Bytes)).ToArray();
        var workers = Math.Max(1, Environment.ProcessorCount);
        var failures = new ConcurrentQueue<string>();
        var outcomes = new long[Enum.GetValues<Outcome>().Length];
        var kinds = new long[Mutator.KindCount];
        var started = new long[workers];
        var current = new long[workers];
        var stopwatch = Stopwatch.StartNew();
        var done = 0;

        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            var scratch = new byte[65536];
            var localOutcomes = new long[outcomes.Length];
            var localKinds = new long[kinds.Length];
            for (long i = w; i < count && failures.Count < 20; i += workers)
            {
                var vi = (int)(i % vectors.Count);
                var rng = new Rng(seed, (ulong)i);
                var input = Mutator.Mutate(vectors[vi].Bytes, candidates[vi], ref rng, out var kind);
                Volatile.Write(ref current[w], i);
                Volatile.Write(ref started[w], Stopwatch.GetTimestamp());
                var outcome = DecodeOutcome.Check(input, scratch, out var error);
                Volatile.Write(ref started[w], 0);
                localOutcomes[(int)outcome]++;
                localKinds[(int)kind]++;
                if (outcome is Outcome.WrongException or Outcome.NotStable)
                {
                    failures.Enqueue($"case {i} ({vectors[vi].Name}, {kind}): {outcome} {error?.GetType().Name}: {error?.Message}\n  input {Convert.ToHexStringLower(input)}");
                }
            }

            for (var k = 0; k < localOutcomes.Length; k++)
            {
                Interlocked.Add(ref outcomes[k], localOutcomes[k]);
            }

            for (var k = 0; k < localKinds.Length; k++)
            {
                Interlocked.Add(ref kinds[k], localKinds[k]);
            }

            Interlocked.Increment(ref done);
        })
        { IsBackground = true, Name = $"fuzz-{w}" }).ToList();
        threads.ForEach(t => t.Start());

        // Watchdog: poll the workers; one stuck in a single decode for over a second is a hang.
        while (Volatile.Read(ref done) < workers)
        {
            Thread.Sleep(50);
            for (var w = 0; w < workers; w++)
            {
                var t0 = Volatile.Read(ref started[w]);
                if (t0 != 0 && Stopwatch.GetElapsedTime(t0) > HangLimit)
                {
                    var i = Volatile.Read(ref current[w]);
                    Assert.Fail($"decode of case {i} (seed {seed}) has run for over {HangLimit.TotalSeconds} s: a hang");
                }
            }
        }

        var total = outcomes.Sum();
        TestContext.Out.WriteLine($"{total} mutations of {vectors.Count} vectors in {stopwatch.Elapsed.TotalSeconds:F1} s on {workers} threads");
        TestContext.Out.WriteLine("outcomes: " + string.Join(", ", Enum.GetValues<Outcome>().Select(o => $"{o}={outcomes[(int)o]}")));
        TestContext.Out.WriteLine("kinds: " + string.Join(", ", Enum.GetValues<MutationKind>().Select(k => $"{k}={kinds[(int)k]}")));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(failures, Is.Empty, $"seed {seed}");
            Assert.That(total, Is.EqualTo(count).Or.LessThan(count).And.Matches<long>(_ => !failures.IsEmpty));
            Assert.That(outcomes[(int)Outcome.Decoded], Is.GreaterThan(0), "some mutations should still decode");
        }
    }
}
