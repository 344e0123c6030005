using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Cli.Tests;

/// <summary>ofc against a real in-process controller: round trips, --json, exit codes and one-line errors.</summary>
[TestFixture]
[Parallelizable(ParallelScope.Self)]
public sealed class OfcTests
{
    [TestCase("")]
    [TestCase("tenants")]
    [TestCase("bogus")]
    [TestCase("networks create web")]
    [TestCase("hosts create hv1 --dpid 1")]
    [TestCase("networks create web --tenant t --type vlan")]
    [TestCase("flows")]
    public async Task BadUsage_ExitsTwoWithOneLine(string commandLine)
    {
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var run = await OfcRun.RunAsync(args);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Usage), run.Stderr);
            Assert.That(run.ErrorLines, Has.Length.EqualTo(1), run.Stderr);
            Assert.That(run.Stderr, Does.StartWith("ofc: "));
        }
    }

    [Test]
    public async Task UnreachableController_ExitsThreeWithOneLineAndNoStackTrace()
    {
        var port = ClosedPort();

        var run = await OfcRun.RunAsync("--url", $"http://127.0.0.1:{port}", "tenants", "list");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.Unreachable));
            Assert.That(run.ErrorLines, Is.EqualTo(new[] { $"ofc: cannot reach the controller at http://127.0.0.1:{port}/ (ConnectionRefused)" }));
            Assert.That(run.Stdout, Is.Empty);
        }
    }

    [Test]
    public async Task InvalidUrl_IsBadUsage()
    {
        var run = await OfcRun.RunAsync("--url", "ftp://x", "status");

        Assert.That((run.ExitCode, run.Stderr.Trim()), Is.EqualTo((ExitCodes.Usage, "ofc: controller URL must be http(s)://host:port; got 'ftp://x'")));
    }

    [Test]
    public async Task TenantsNetworksHostsPorts_CreateListDelete_RoundTripOverRest()
    {
        await using var c = await TestController.StartAsync();

        var tenant = Json(await Ok(c.OfcAsync("--json", "tenants", "create", "acme")));
        var network = Json(await Ok(c.OfcAsync("--json", "networks", "create", "web", "--tenant", "acme", "--segment", "100", "--cidr", "10.0.0.0/24", "--mtu", "1400")));
        var host = Json(await Ok(c.OfcAsync("--json", "hosts", "create", "hv1", "--dpid", "0x2a", "--tunnel-ip", "192.168.50.1", "--underlay-mtu", "1500")));
        var port = Json(await Ok(c.OfcAsync("--json", "ports", "create", "--network", "web", "--host", "hv1", "--mac", "02:00:00:00:00:01", "--ip", "10.0.0.1", "--ipv6", "fd00::1", "--name", "vm1")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(network["tenantId"]!.GetValue<string>(), Is.EqualTo(tenant["id"]!.GetValue<string>()), "--tenant took the name");
            Assert.That(network["segmentId"]!.GetValue<int>(), Is.EqualTo(100));
            Assert.That(host["datapathId"]!.GetValue<string>(), Is.EqualTo("000000000000002a"));
            Assert.That(port["hostId"]!.GetValue<string>(), Is.EqualTo(host["id"]!.GetValue<string>()));
            Assert.That(port["vlan"]!.GetValue<int>(), Is.EqualTo(1), "the first port of a network on a host gets VLAN 1");
            Assert.That(network["configuredMtu"]!.GetValue<int>(), Is.EqualTo(1400));
            Assert.That(host["configuredUnderlayMtu"]!.GetValue<int>(), Is.EqualTo(1500));
            Assert.That(port["ipv6"]!.GetValue<string>(), Is.EqualTo("fd00::1"));
        }

        var ports = JsonNode.Parse(await Ok(c.OfcAsync("--json", "ports", "list", "--network", "web")))!.AsArray();
        var table = await Ok(c.OfcAsync("ports", "list"));
        Assert.That(ports.Select(p => p!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "vm1" }));
        Assert.That(table, Does.Contain("vm1").And.Contain("02:00:00:00:00:01").And.Contain("10.0.0.1").And.Not.Contain("\u001b["), "a table without colour codes when not a terminal");

        var status = Json(await Ok(c.OfcAsync("--json", "status")));
        Assert.That(status["counts"]!.ToJsonString(), Is.EqualTo("""{"tenants":1,"networks":1,"hosts":1,"ports":1,"tunnel-ports":0}"""));
        Assert.That(status["health"]!["status"]!.GetValue<string>(), Is.EqualTo("ok"));

        // Delete in dependency order, by name and by id.
        Assert.That(await Ok(c.OfcAsync("ports", "delete", "vm1")), Is.EqualTo($"deleted port {port["id"]}\n"));
        await Ok(c.OfcAsync("networks", "delete", network["id"]!.GetValue<string>()));
        await Ok(c.OfcAsync("hosts", "delete", "hv1"));
        await Ok(c.OfcAsync("tenants", "delete", "acme"));
        foreach (var collection in new[] { "tenants", "networks", "hosts", "ports" })
        {
            Assert.That(await Ok(c.OfcAsync("--json", collection, "list")), Is.EqualTo("[]\n"), collection);
        }
    }

    [Test]
    public async Task RestValidationError_ExitsOneNamingTheField()
    {
        await using var c = await TestController.StartAsync();
        await Ok(c.OfcAsync("tenants", "create", "acme"));
        await Ok(c.OfcAsync("networks", "create", "web", "--tenant", "acme"));
        await Ok(c.OfcAsync("hosts", "create", "hv1", "--dpid", "1", "--tunnel-ip", "192.168.50.1"));

        var badMac = await c.OfcAsync("ports", "create", "--network", "web", "--host", "hv1", "--mac", "not-a-mac");
        var duplicate = await c.OfcAsync("tenants", "create", "acme");
        var missing = await c.OfcAsync("flows", "00000000000000ff");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(badMac.ExitCode, Is.EqualTo(ExitCodes.RestError));
            Assert.That(badMac.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(badMac.Stderr, Does.StartWith("ofc: POST api/v1/ports: 400").And.Contain("(field: mac)"));
            Assert.That(duplicate.ExitCode, Is.EqualTo(ExitCodes.RestError));
            Assert.That(duplicate.Stderr, Does.StartWith("ofc: POST api/v1/tenants: 409").And.Contain("acme").And.Contain("(field: name)"));
            Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.RestError));
            Assert.That(missing.Stderr, Does.Contain(": 404"));
        }
    }

    [Test]
    public async Task Token_FromFlagEnvOrConfigFile_InThatPrecedence()
    {
        await using var c = await TestController.StartAsync(token: "s3cret");
        var dir = Directory.CreateTempSubdirectory("ofc-config-");
        try
        {
            var config = Path.Combine(dir.FullName, "config.json");
            await File.WriteAllTextAsync(config, $$"""{"url": "{{c.Url}}", "token": "s3cret"}""");
            var wrongEnv = new Dictionary<string, string> { ["OFC_TOKEN"] = "wrong" };

            var none = await c.OfcAsync("tenants", "create", "a");
            var flag = await c.OfcAsync("--token", "s3cret", "tenants", "create", "b");
            var env = await OfcRun.WithAsync(new Dictionary<string, string> { ["OFC_URL"] = c.Url, ["OFC_TOKEN"] = "s3cret" }, null, "tenants", "create", "c");
            var file = await OfcRun.WithAsync(null, config, "tenants", "create", "d");
            var envBeatsFile = await OfcRun.WithAsync(wrongEnv, config, "tenants", "create", "e");
            var flagBeatsEnv = await OfcRun.WithAsync(wrongEnv, config, "--token", "s3cret", "tenants", "create", "f");

            using (Assert.EnterMultipleScope())
            {
                Assert.That(none.ExitCode, Is.EqualTo(ExitCodes.RestError));
                Assert.That(none.Stderr, Does.Contain("401"));
                Assert.That(flag.ExitCode, Is.Zero, flag.Stderr);
                Assert.That(env.ExitCode, Is.Zero, env.Stderr);
                Assert.That(file.ExitCode, Is.Zero, file.Stderr);
                Assert.That(envBeatsFile.ExitCode, Is.EqualTo(ExitCodes.RestError), "OFC_TOKEN wins over the config file");
                Assert.That(flagBeatsEnv.ExitCode, Is.Zero, flagBeatsEnv.Stderr);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Test]
    public async Task Flows_PrintsInstalled_AndDiffMarksMissingAndExtra()
    {
        await using var c = await TestController.StartAsync(switches: new FakeSwitches());

        var installed = await Ok(c.OfcAsync("flows", "0x2a"));
        var diff = await Ok(c.OfcAsync("flows", "2a", "--diff"));
        var json = Json(await Ok(c.OfcAsync("--json", "flows", "2a", "--diff")));
        var switches = JsonNode.Parse(await Ok(c.OfcAsync("--json", "switches")))!.AsArray();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(installed, Is.EqualTo($"{FakeSwitches.Extra}\n{FakeSwitches.Same}\n"));
            Assert.That(diff.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
            {
                "+ " + FakeSwitches.Extra,
                "  " + FakeSwitches.Same,
                "- " + FakeSwitches.Missing,
                "1 same, 1 missing on the switch (-), 1 not desired (+)",
            }));
            Assert.That(json["inSync"]!.GetValue<bool>(), Is.False);
            Assert.That(json["missing"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { FakeSwitches.Missing }));
            Assert.That(json["extra"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { FakeSwitches.Extra }));
            Assert.That(switches.Select(s => s!["datapathId"]!.GetValue<string>()), Is.EqualTo(new[] { "000000000000002a" }));
        }
    }

    private static async Task<string> Ok(Task<OfcRun> run)
    {
        var r = await run;
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stderr, Is.Empty);
        return r.Stdout;
    }

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
