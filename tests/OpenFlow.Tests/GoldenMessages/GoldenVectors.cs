using System.Runtime.CompilerServices;

namespace OpenFlow.Tests.GoldenMessages;

/// <summary>One golden message: its name, the command that produced it, and its bytes.</summary>
public sealed record GoldenVector(string Name, string Source, byte[] Bytes)
{
    public override string ToString() => Name;
}

/// <summary>Loads the golden vector files (<c>golden-messages.txt</c> here, and GoldenFlows' if present).</summary>
internal static class GoldenVectors
{
    private static readonly Lazy<IReadOnlyList<GoldenVector>> MessagesLazy = new(() => Load(Path.Combine(ThisDirectory(), "golden-messages.txt")));

    public static IReadOnlyList<GoldenVector> Messages => MessagesLazy.Value;

    /// <summary>Our vectors plus any under tests/OpenFlow.Tests/GoldenFlows/ (either line format).</summary>
    public static IReadOnlyList<GoldenVector> All()
    {
        var all = new List<GoldenVector>(Messages);
        var flows = Path.Combine(ThisDirectory(), "..", "GoldenFlows");
        if (Directory.Exists(flows))
        {
            foreach (var f in Directory.EnumerateFiles(flows, "*.txt").Order(StringComparer.Ordinal))
            {
                all.AddRange(Load(f));
            }
        }

        return all;
    }

    /// <summary>
    /// Reads either format: <c>name&lt;TAB&gt;source&lt;TAB&gt;hex</c> lines (ours), or blocks of
    /// <c>name: ...</c>, <c>cmd: ...</c>, <c>hex: ...</c> lines (GoldenFlows' flows.txt).
    /// </summary>
    public static IReadOnlyList<GoldenVector> Load(string path)
    {
        var list = new List<GoldenVector>();
        var prefix = Path.GetFileNameWithoutExtension(path);
        string? blockName = null;
        string? blockCmd = null;
        var n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("name:", StringComparison.Ordinal))
            {
                blockName = line[5..].Trim();
                blockCmd = null;
                continue;
            }

            if (line.StartsWith("cmd:", StringComparison.Ordinal))
            {
                blockCmd = line[4..].Trim();
                continue;
            }

            if (line.StartsWith("hex:", StringComparison.Ordinal))
            {
                var h = line[4..].Trim();
                if (IsHex(h))
                {
                    list.Add(new GoldenVector($"{prefix}-{blockName ?? n.ToString(System.Globalization.CultureInfo.InvariantCulture)}", blockCmd ?? path, Convert.FromHexString(h)));
                }

                continue;
            }

            var parts = line.Split('\t');
            var hex = parts[^1].Trim();
            if (parts.Length < 3 || !IsHex(hex))
            {
                continue;
            }

            list.Add(new GoldenVector(parts[0], parts[1], Convert.FromHexString(hex)));
        }

        return list;
    }

    private static bool IsHex(string s) => s.Length >= 16 && s.Length % 2 == 0 && s.All(Uri.IsHexDigit);

    private static string ThisDirectory([CallerFilePath] string file = "")
    {
        var dir = Path.GetDirectoryName(file);
        if (dir is not null && File.Exists(Path.Combine(dir, "golden-messages.txt")))
        {
            return dir;
        }

        // Built elsewhere than the sources: walk up from the test binaries to the repository.
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "tests", "OpenFlow.Tests", "GoldenMessages");
            if (File.Exists(Path.Combine(candidate, "golden-messages.txt")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("golden-messages.txt not found");
    }
}
