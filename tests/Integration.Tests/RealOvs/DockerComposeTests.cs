using Integration.Tests.Harness;

namespace Integration.Tests.RealOvs;

/// <summary>
/// There is no Docker engine on the build machines; <c>docker-compose config</c> still validates the file and
/// resolves it without one.
/// </summary>
[TestFixture]
public sealed class DockerComposeTests
{
    [Test]
    public async Task ComposeFile_Validates_AndDeclaresControllerAndOpenvswitch()
    {
        if (!Sh.CommandExists("docker-compose"))
        {
            Assert.Ignore("docker-compose is not installed (apt-get install docker-compose)");
        }

        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("repository root not found");
        var file = Path.Combine(root, "docker-compose.yml");

        var config = await Sh.RunAsync(["docker-compose", "-f", file, "config"], check: false);
        var services = await Sh.RunAsync(["docker-compose", "-f", file, "config", "--services"], check: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.ExitCode, Is.Zero, config.Stderr);
            Assert.That(services.StdoutLines, Is.EquivalentTo(new[] { "controller", "openvswitch" }));
            Assert.That(config.Stdout, Does.Contain("Store__Path: /data/controller.db"));
            Assert.That(config.Stdout, Does.Contain("Rest__Urls: http://0.0.0.0:8080"));
            Assert.That(config.Stdout, Does.Contain("controller-data:/data"));
            Assert.That(config.Stdout, Does.Contain("published: 6653"));
            Assert.That(config.Stdout, Does.Contain("published: 8080"));
            Assert.That(File.Exists(Path.Combine(root, "deploy", "Dockerfile")), Is.True);
        }
    }
}
