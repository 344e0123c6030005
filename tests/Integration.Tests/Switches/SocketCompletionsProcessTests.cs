using System.Globalization;
using Integration.Tests.Harness;
using Tests.Shared;

namespace Integration.Tests.Switches;

/// <summary>
/// The built controller as its own process decides in Main whether .NET runs socket completions inline, and the
/// runtime must have taken it: with the variable .NET starts one epoll thread (".NET Sockets") per processor,
/// without it one per 30. DOTNET_PROCESSOR_COUNT=3 makes the two counts differ (3 against 1) on any machine.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SocketCompletionsProcessTests
{
    private const int Processors = 3;

    [TestCase(new string[0], null, Processors, "Socket completions run inline: the default with Store:Backend=litedb")]
    [TestCase(new[] { "--OpenFlow:InlineSocketCompletions=false" }, null, 1, "Socket completions run on the thread pool: OpenFlow:InlineSocketCompletions=false")]
    [TestCase(new string[0], "0", 1, "Socket completions run on the thread pool: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 is set in the environment")]
    public async Task TheRuntimeRunsAsManyEpollThreadsAsTheDecisionImplies(string[] settings, string? variable, int epollThreads, string logged)
    {
        var dir = Directory.CreateTempSubdirectory("ofc-sockets-").FullName;
        try
        {
            var socket = Path.Combine(dir, "rest.sock");
            var env = new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = Processors.ToString(CultureInfo.InvariantCulture) };
            if (variable is not null)
            {
                env["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = variable;
            }

            await using var controller = BackgroundProcess.Start(
                [.. Unset(variable), "dotnet", ControllerProcess.AssemblyPath(), $"--Rest:Urls=http://unix:{socket}", $"--Store:Path={Path.Combine(dir, "c.db")}", "--OpenFlow:Address=127.0.0.1", "--OpenFlow:Port=0", .. settings],
                env);
            using var rest = new RestClient(socket);

            // /healthz answering means Kestrel accepted a connection: the runtime's socket engines exist by then.
            await Poll.UntilAsync(
                async () => controller.HasExited
                    ? throw new InvalidOperationException($"the controller exited:\n{controller.Stdout}\n{controller.Stderr}")
                    : await rest.IsHealthyAsync(),
                TimeSpan.FromSeconds(60),
                "the controller's /healthz");

            var threads = Directory.EnumerateDirectories($"/proc/{controller.Pid}/task")
                .Select(task => File.ReadAllText(Path.Combine(task, "comm")).Trim())
                .ToList();
            Assert.Multiple(() =>
            {
                Assert.That(threads.Count(t => t == ".NET Sockets"), Is.EqualTo(epollThreads), string.Join(", ", threads.Distinct()));
                Assert.That(controller.Stdout, Does.Contain(logged));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public async Task TheSettingCannotTurnThemOnWithTheEtcdStore()
    {
        await using var controller = BackgroundProcess.Start(
            [.. Unset(null), "dotnet", ControllerProcess.AssemblyPath(), "--Store:Backend=etcd", "--Store:Etcd:Endpoints=http://127.0.0.1:1", "--OpenFlow:InlineSocketCompletions=true"]);
        var exit = await controller.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Multiple(() =>
        {
            Assert.That(exit.ExitCode, Is.Not.Zero);
            Assert.That(controller.Stdout + controller.Stderr, Does.Contain("OpenFlow:InlineSocketCompletions=true cannot be used with Store:Backend=etcd"));
        });
    }

    /// <summary>
    /// The child must not inherit, from whoever runs the tests, the variable where the case has none, nor the one
    /// that sets the epoll thread count outright.
    /// </summary>
    private static string[] Unset(string? variable) =>
        ["env", "-u", "DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", .. variable is null ? new[] { "-u", "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS" } : []];
}
