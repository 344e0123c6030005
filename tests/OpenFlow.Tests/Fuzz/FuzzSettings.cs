using System.Globalization;

namespace OpenFlow.Tests.Fuzz;

/// <summary>Seed and case count, overridable with OFP_FUZZ_SEED and OFP_FUZZ_COUNT.</summary>
internal static class FuzzSettings
{
    public const int DefaultCount = 1_000_000;

    public static ulong Seed()
    {
        var s = Environment.GetEnvironmentVariable("OFP_FUZZ_SEED");
        if (!string.IsNullOrWhiteSpace(s) && ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        return (ulong)Random.Shared.NextInt64(1, int.MaxValue);
    }

    public static int Count()
    {
        var s = Environment.GetEnvironmentVariable("OFP_FUZZ_COUNT");
        return !string.IsNullOrWhiteSpace(s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v
            : DefaultCount;
    }
}
