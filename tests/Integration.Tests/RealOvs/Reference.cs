using System.Runtime.CompilerServices;

namespace Integration.Tests.RealOvs;

/// <summary>Locates files under tests/Integration.Tests/Reference (copied to the output directory too).</summary>
internal static class Reference
{
    public static string OutputPath(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Reference", name);

    public static string SourcePath(string name, [CallerFilePath] string caller = "")
        => Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(caller)!)!, "Reference", name);
}
