using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Controller.Tests.Api;

/// <summary>Options are validated when the host starts, so a bad configuration fails loudly instead of half-working.</summary>
[TestFixture]
public sealed class HostConfigurationTests
{
    [Test]
    public async Task Invalid_rest_urls_fail_at_start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-cfg-" + Guid.NewGuid().ToString("n"));
        try
        {
            await using var app = ControllerHost.Build(["--Rest:Urls=not a url", $"--Store:Path={Path.Combine(dir, "c.db")}", "--Serilog:MinimumLevel:Default=Fatal"]);
            var ex = Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
            Assert.That(ex!.Message, Does.Contain("Rest:Urls"));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [TestCase("etcd", "1", true)]
    [TestCase("etcd", "0", false)]
    [TestCase("etcd", null, false)]
    [TestCase("litedb", "1", false)]
    public void Inline_socket_completions_are_refused_only_with_the_etcd_store(string backend, string? variable, bool refused)
    {
        if (refused)
        {
            var ex = Assert.Throws<InvalidOperationException>(() => SocketCompletions.Decide(variable, null, backend, cluster: false));
            Assert.That(ex!.Message, Does.StartWith("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 cannot be used with Store:Backend=etcd"));
        }
        else
        {
            Assert.That(() => SocketCompletions.Decide(variable, null, backend, cluster: false), Throws.Nothing);
        }
    }

    [Test]
    public void Empty_store_path_fails_at_build()
    {
        Assert.That(
            () => ControllerHost.Build(["--Rest:Urls=http://127.0.0.1:0", "--Store:Path=", "--Serilog:MinimumLevel:Default=Fatal"]),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Path"));
    }

    [TestCase("--Plumbing:UnderlayMtu=100", "UnderlayMtu")]
    [TestCase("--Plumbing:PatchTunPort=a name with spaces", "PatchTunPort")]
    [TestCase("--Plumbing:PatchIntPort=patch-tun", "distinct")]
    public async Task Invalid_plumbing_settings_fail_at_start(string arg, string named)
    {
        var dir = Path.Combine(Path.GetTempPath(), "ofc-cfg-" + Guid.NewGuid().ToString("n"));
        try
        {
            // The store takes Plumbing:UnderlayMtu when it opens, in Build; the rest is validated on start.
            var ex = Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                await using var app = ControllerHost.Build(["--Rest:Urls=http://127.0.0.1:0", $"--Store:Path={Path.Combine(dir, "c.db")}", "--OpenFlow:Port=0", "--Ovsdb:Listen=127.0.0.1:0", "--Serilog:MinimumLevel:Default=Fatal", arg]);
                await app.StartAsync();
            });
            Assert.That(ex!.Message, Does.Contain(named));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [TestCase("--OpenFlow:Tls:Enable=true", "OpenFlow:Tls:Enable")]
    [TestCase("--Ovsdb:DatapathType=netdev", "Ovsdb:DatapathType")]
    [TestCase("--store:pathh=x.db", "Store:pathh")]
    [TestCase("--Cluster:Etcd:Endpoint=http://127.0.0.1:2379", "Cluster:Etcd:Endpoint")]
    public void A_setting_no_option_reads_fails_at_build_and_is_named(string arg, string named)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => ControllerHost.Build(["--Rest:Urls=http://127.0.0.1:0", "--Serilog:MinimumLevel:Default=Fatal", arg]));
        Assert.That(ex!.Message, Does.StartWith("Unknown setting " + named + ":"));
    }

    [Test]
    public void Known_settings_in_any_case_and_inside_lists_pass_the_check()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["openflow:tls:enabled"] = "true",
            ["OpenFlow:Tls:HandshakeTimeout"] = "00:00:05",
            ["Ovsdb:Dial:0"] = "tcp:127.0.0.1:6640",
            ["Ovsdb:Dial:1"] = "ssl:127.0.0.1:6641",
            ["Plumbing:ControllerTargets:0"] = "tcp:127.0.0.1:6653",
            ["Serilog:Anything:Goes"] = "here",
        }).Build();
        Assert.That(KnownSettings.Unknown(config), Is.Empty);
    }

    [Test]
    public void Every_unknown_key_is_listed_with_its_full_path()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OpenFlow:Tls:Enable"] = "true",
            ["Runtime:Debounc"] = "00:00:00.1",
            ["Ovsdb:Dial:0"] = "tcp:127.0.0.1:6640",
        }).Build();
        Assert.That(KnownSettings.Unknown(config), Is.EquivalentTo(new[] { "OpenFlow:Tls:Enable", "Runtime:Debounc" }));
    }
}
