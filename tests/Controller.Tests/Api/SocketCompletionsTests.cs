using Microsoft.Extensions.Configuration;

namespace Controller.Tests.Api;

/// <summary>
/// Which way socket completions run is decided once, in Main: the environment variable when set, else
/// OpenFlow:InlineSocketCompletions, else inline with LiteDB and on the thread pool next to an etcd client (the
/// etcd store or a cluster). The process-level
/// effect (the runtime's epoll threads) is checked on the real process in Integration.Tests.
/// </summary>
[TestFixture]
public sealed class SocketCompletionsTests
{
    [TestCase(null, null, "litedb", false, true, "the default with Store:Backend=litedb")]
    [TestCase(null, null, "etcd", false, false, "the default with Store:Backend=etcd")]
    [TestCase(null, null, "litedb", true, false, "the default with Cluster:Enabled=true")]
    [TestCase(null, false, "litedb", false, false, "OpenFlow:InlineSocketCompletions=false")]
    [TestCase(null, true, "litedb", false, true, "OpenFlow:InlineSocketCompletions=true")]
    [TestCase(null, false, "etcd", false, false, "OpenFlow:InlineSocketCompletions=false")]
    [TestCase("0", null, "litedb", false, false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    [TestCase("0", true, "litedb", false, false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    [TestCase("0", null, "etcd", true, false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    [TestCase("1", false, "litedb", false, true, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 is set in the environment")]
    public void Decide_takes_the_variable_then_the_setting_then_the_etcd_clients(string? variable, bool? setting, string backend, bool cluster, bool inline, string why)
    {
        var decision = SocketCompletions.Decide(variable, setting, backend, cluster);
        Assert.Multiple(() =>
        {
            Assert.That(decision.Inline, Is.EqualTo(inline));
            Assert.That(decision.Why, Is.EqualTo(why));
        });
    }

    [TestCase(null, true, "etcd", false, "OpenFlow:InlineSocketCompletions=true cannot be used with Store:Backend=etcd")]
    [TestCase(null, true, "litedb", true, "OpenFlow:InlineSocketCompletions=true cannot be used with Cluster:Enabled=true")]
    [TestCase("1", null, "etcd", false, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 cannot be used with Store:Backend=etcd")]
    [TestCase("1", false, "litedb", true, "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 cannot be used with Cluster:Enabled=true")]
    public void They_cannot_be_turned_on_next_to_an_etcd_client(string? variable, bool? setting, string backend, bool cluster, string message)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => SocketCompletions.Decide(variable, setting, backend, cluster));
        Assert.That(ex!.Message, Does.StartWith(message));
    }

    [Test]
    public void A_setting_that_is_not_a_boolean_is_named()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OpenFlow:InlineSocketCompletions"] = "yes" })
            .Build();
        var ex = Assert.Throws<InvalidOperationException>(() => SocketCompletions.Apply(config, setVariable: false));
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
