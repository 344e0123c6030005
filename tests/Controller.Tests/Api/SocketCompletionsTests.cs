using Microsoft.Extensions.Configuration;

namespace Controller.Tests.Api;

/// <summary>
/// Which way socket completions run is decided once, in Main: the environment variable when set, else
/// OpenFlow:InlineSocketCompletions, else inline with LiteDB and on the thread pool with etcd. The process-level
/// effect (the runtime's epoll threads) is checked on the real process in Integration.Tests.
/// </summary>
[TestFixture]
public sealed class SocketCompletionsTests
{
    [TestCase(null, null, "litedb", true, "the default with Store:Backend=litedb")]
    [TestCase(null, null, "etcd", false, "the default with Store:Backend=etcd")]
    [TestCase(null, null, "ETCD", false, "the default with Store:Backend=etcd")]
    [TestCase(null, false, "litedb", false, "OpenFlow:InlineSocketCompletions=false")]
    [TestCase(null, true, "litedb", true, "OpenFlow:InlineSocketCompletions=true")]
    [TestCase(null, false, "etcd", false, "OpenFlow:InlineSocketCompletions=false")]
    [TestCase("0", null, "litedb", false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    [TestCase("0", true, "litedb", false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    [TestCase("1", false, "litedb", true, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 is set in the environment")]
    public void Decide_takes_the_variable_then_the_setting_then_the_store_backend(string? variable, bool? setting, string backend, bool inline, string why)
    {
        var decision = SocketCompletions.Decide(variable, setting, backend);
        Assert.Multiple(() =>
        {
            Assert.That(decision.Inline, Is.EqualTo(inline));
            Assert.That(decision.Why, Is.EqualTo(why));
        });
    }

    [Test]
    public void The_setting_cannot_turn_them_on_with_etcd()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SocketCompletions.Decide(null, true, "etcd"));
        Assert.That(ex!.Message, Does.StartWith("OpenFlow:InlineSocketCompletions=true cannot be used with Store:Backend=etcd"));
    }

    [Test]
    public void A_setting_that_is_not_a_boolean_is_named()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenFlow:InlineSocketCompletions"] = "yes" })
            .Build();
        var ex = Assert.Throws<InvalidOperationException>(() => SocketCompletions.Apply(config));
        Assert.That(ex!.Message, Is.EqualTo("OpenFlow:InlineSocketCompletions must be true or false, not 'yes'."));
    }

    [Test]
    public void The_setting_is_a_known_key()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenFlow:InlineSocketCompletions"] = "false" })
            .Build();
        Assert.That(KnownSettings.Unknown(config), Is.Empty);
    }
}
