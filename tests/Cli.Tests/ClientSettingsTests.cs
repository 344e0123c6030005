namespace Cli.Tests;

public sealed class ClientSettingsTests
{
    [Test]
    public void Url_FlagBeatsEnvBeatsConfigFileBeatsDefault()
    {
        var dir = Directory.CreateTempSubdirectory("ofc-settings-");
        try
        {
            var config = Path.Combine(dir.FullName, "config.json");
            File.WriteAllText(config, """{"url":"http://file:1","token":"ft"}""");
            OfcEnvironment Env(Dictionary<string, string> vars, string path) => new() { Out = TextWriter.Null, Error = TextWriter.Null, Variables = vars, ConfigPath = path };
            var env = new Dictionary<string, string> { ["OFC_URL"] = "http://env:2" };

            using (Assert.EnterMultipleScope())
            {
                Assert.That(ClientSettings.Resolve("http://flag:3", null, Env(env, config)).Url, Is.EqualTo(new Uri("http://flag:3")));
                Assert.That(ClientSettings.Resolve(null, null, Env(env, config)), Is.EqualTo(new ClientSettings(new Uri("http://env:2"), "ft")));
                Assert.That(ClientSettings.Resolve(null, null, Env([], config)), Is.EqualTo(new ClientSettings(new Uri("http://file:1"), "ft")));
                Assert.That(ClientSettings.Resolve(null, null, Env([], Path.Combine(dir.FullName, "absent.json"))), Is.EqualTo(new ClientSettings(ClientSettings.DefaultUrl, null)));
            }

            File.WriteAllText(config, "{not json");
            Assert.That(() => ClientSettings.Resolve(null, null, Env([], config)), Throws.TypeOf<UsageException>().With.Message.Contains("not valid JSON"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [TestCase("10.0.0.1/24", "", "10.0.0.1", 24)]
    [TestCase("10.0.0.1", "10.0.0.0/16", "10.0.0.1", 16)]
    [TestCase("10.0.0.1", "", "10.0.0.1", 32)]
    public void AttachIp_TakesThePrefixFromTheFlagOrTheNetwork(string text, string cidr, string address, int prefix)
    {
        var (a, p) = AttachCommands.ParseIp(text, cidr);

        Assert.That((a!.ToString(), p), Is.EqualTo((address, prefix)));
    }

    [TestCase("10.0.0.300/24")]
    [TestCase("10.0.0.1/33")]
    [TestCase("fe80::1")]
    public void AttachIp_RefusesWhatIsNotIpv4WithPrefix(string text) =>
        Assert.That(() => AttachCommands.ParseIp(text, ""), Throws.TypeOf<UsageException>());
}
