namespace Integration.Tests.RealOvs;

/// <summary>Finds the repository root (the directory holding Controller.sln) above the test binaries.</summary>
internal static class RepositoryRoot
{
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Controller.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
