using System.Security.Cryptography;

namespace Integration.Tests.Harness;

/// <summary>
/// Short unique name prefixes so concurrent tests (and concurrent test runs) never share a namespace,
/// interface or directory name. Interface names are at most 15 characters: with a 4-character prefix,
/// the harness's longest name is 1 + 4 + 10.
/// </summary>
internal static class TestPrefix
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string New()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var chars = new char[4];
            chars[0] = Alphabet[RandomNumberGenerator.GetInt32(26)]; // a letter first: names stay readable
            for (var i = 1; i < chars.Length; i++)
            {
                chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            var prefix = new string(chars);
            if (!InUse(prefix))
            {
                return prefix;
            }
        }

        throw new InvalidOperationException("no free test prefix found");
    }

    private static bool InUse(string prefix)
    {
        var netns = Directory.Exists("/run/netns")
            && Directory.EnumerateFileSystemEntries("/run/netns").Any(p => Path.GetFileName(p).Contains(prefix, StringComparison.Ordinal));
        return netns || Directory.EnumerateDirectories(Path.GetTempPath(), $"ovs-*{prefix}*").Any();
    }
}
