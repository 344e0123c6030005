using System.Runtime.CompilerServices;

namespace OpenFlow.Tests.GoldenFlows;

/// <summary>Reads flows.txt from the source tree (located through the compiler's file path, so no copy step is needed).</summary>
internal static class GoldenFlowFile
{
    private static readonly Lazy<IReadOnlyList<GoldenFlow>> Cache = new(Load);

    public static IReadOnlyList<GoldenFlow> All => Cache.Value;

    public static GoldenFlow Get(string name) => All.Single(f => f.Name == name);

    private static string Directory([CallerFilePath] string path = "") => System.IO.Path.GetDirectoryName(path)!;

    private static List<GoldenFlow> Load()
    {
        var file = System.IO.Path.Combine(Directory(), "flows.txt");
        var result = new List<GoldenFlow>();
        var fields = new Dictionary<string, string>();
        foreach (var raw in File.ReadLines(file).Append(string.Empty))
        {
            if (raw.StartsWith('#'))
            {
                continue;
            }

            if (raw.Length == 0)
            {
                if (fields.Count > 0)
                {
                    result.Add(new GoldenFlow(fields["name"], fields["cmd"], fields["flow"], fields["ovs"], fields["hex"]));
                    fields.Clear();
                }

                continue;
            }

            var colon = raw.IndexOf(": ", StringComparison.Ordinal);
            fields[raw[..colon]] = raw[(colon + 2)..];
        }

        return result;
    }
}
